//! score.py's rules, ported: the same folding, abbreviation spelling-out and matching, so that
//! the suite needs nothing but cargo. Shared by the tests that score the reader.

use std::collections::HashMap;

use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

const SCORER_ABBREVIATIONS: &[(&str, &str)] = &[
    ("NQ", "nghị quyết"),
    ("TU", "thành ủy"),
    ("BCH", "ban chấp hành"),
    ("BTV", "ban thường vụ"),
    ("TT", "thường trực"),
    ("HĐND", "hội đồng nhân dân"),
    ("UBND", "ủy ban nhân dân"),
    ("MTTQ", "mặt trận tổ quốc"),
    ("NSNN", "ngân sách nhà nước"),
    ("KH", "kế hoạch"),
    ("GPMB", "giải phóng mặt bằng"),
    ("BGH", "ban giám hiệu"),
    ("TP", "thành phố"),
    ("TX", "thị xã"),
    ("BQL", "ban quản lý"),
    ("QLDA", "quản lý dự án"),
    ("TN&MT", "tài nguyên và môi trường"),
    ("TNMT", "tài nguyên và môi trường"),
    ("KT-XH", "kinh tế xã hội"),
    ("KTXH", "kinh tế xã hội"),
    ("CP", "cổ phần"),
    ("TNHH", "trách nhiệm hữu hạn"),
    ("CT", "chủ tịch"),
    ("PCT", "phó chủ tịch"),
    ("BT", "bí thư"),
    ("PBT", "phó bí thư"),
    ("TW", "trung ương"),
    ("CCHC", "cải cách hành chính"),
    ("ANTT", "an ninh trật tự"),
    ("TTATXH", "trật tự an toàn xã hội"),
    ("QĐ", "quyết định"),
    ("CV", "công văn"),
    ("TB", "thông báo"),
    ("ĐU", "đảng ủy"),
    ("HU", "huyện ủy"),
    ("TWĐ", "trung ương đoàn"),
    ("VH-TT", "văn hóa thông tin"),
    ("GD&ĐT", "giáo dục và đào tạo"),
    ("GDĐT", "giáo dục và đào tạo"),
    ("LĐ-TB&XH", "lao động thương binh và xã hội"),
    ("NN&PTNT", "nông nghiệp và phát triển nông thôn"),
    ("KH&ĐT", "kế hoạch và đầu tư"),
    ("GTVT", "giao thông vận tải"),
    ("XD", "xây dựng"),
    ("ĐBQH", "đại biểu quốc hội"),
    ("QH", "quốc hội"),
    ("HCM", "hồ chí minh"),
    ("TPHCM", "thành phố hồ chí minh"),
    ("UBMTTQ", "ủy ban mặt trận tổ quốc"),
    ("UBMTTQVN", "ủy ban mặt trận tổ quốc việt nam"),
    ("UVTT", "ủy viên thường trực"),
    ("UVBTV", "ủy viên ban thường vụ"),
    ("VN", "việt nam"),
];

pub fn fold(s: &str) -> String {
    let s: String = s
        .nfc()
        .collect::<String>()
        .replace('đ', "d")
        .replace('Đ', "D")
        .to_lowercase();
    let stripped: String = s
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .collect();
    let mut out = String::new();
    let mut space = false;
    for c in stripped.chars() {
        if c.is_alphanumeric() || c == '_' {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        } else {
            space = true;
        }
    }
    out
}

fn expand(s: &str) -> String {
    let dict: HashMap<&str, &str> = SCORER_ABBREVIATIONS.iter().copied().collect();
    let s: String = s.nfc().collect();
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        let chars: Vec<char> = run.chars().collect();
        let upper = |c: char| c.is_uppercase() && (c.is_ascii() || c == 'Đ');
        let token = chars.len() >= 2
            && upper(chars[0])
            && upper(chars[chars.len() - 1])
            && chars.iter().all(|c| upper(*c) || *c == '&' || *c == '-');
        match dict.get(run.as_str()) {
            Some(long) if token => out.push_str(long),
            _ => out.push_str(run),
        }
        run.clear();
    };
    for c in s.chars() {
        if c.is_alphanumeric() || c == '_' || c == '&' || c == '-' {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    fold(&out)
}

fn dice(a: &str, b: &str) -> f64 {
    let count = |s: &str| {
        let mut m: HashMap<String, usize> = HashMap::new();
        for w in expand(s).split(' ').filter(|w| !w.is_empty()) {
            *m.entry(w.to_string()).or_default() += 1;
        }
        m
    };
    let (a, b) = (count(a), count(b));
    let n: usize = a.values().sum::<usize>() + b.values().sum::<usize>();
    if n == 0 {
        return 0.0;
    }
    let common: usize = a
        .iter()
        .map(|(k, v)| (*v).min(*b.get(k).unwrap_or(&0)))
        .sum();
    2.0 * common as f64 / n as f64
}

fn str_of(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

#[derive(Default, Clone)]
pub struct Tally {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
    /// Per field of the matched items: (name, right, total), as score.py counts them.
    pub fields: Vec<(&'static str, usize, usize)>,
}

/// A check of one field of a matched pair (gold, output).
type FieldCheck = (&'static str, fn(&Value, &Value) -> bool);

impl Tally {
    pub fn add(&mut self, other: &Tally) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
        for (name, right, total) in &other.fields {
            match self.fields.iter_mut().find(|(n, _, _)| n == name) {
                Some(f) => {
                    f.1 += right;
                    f.2 += total;
                }
                None => self.fields.push((name, *right, *total)),
            }
        }
    }
}

impl Tally {
    /// The section's line of a printed score: F1, tp/fp/fn and each field's right/total.
    pub fn line(&self, section: &str) -> String {
        let fields: Vec<String> = self
            .fields
            .iter()
            .map(|(n, r, t)| format!("{n} {r}/{t}"))
            .collect();
        format!(
            "{section:<14} F1 {:.3} ({}/{}/{}) {}",
            self.f1(),
            self.tp,
            self.fp,
            self.fn_,
            fields.join(", ")
        )
    }

    pub fn f1(&self) -> f64 {
        let p = if self.tp + self.fp > 0 {
            self.tp as f64 / (self.tp + self.fp) as f64
        } else if self.fn_ == 0 {
            1.0
        } else {
            0.0
        };
        let r = if self.tp + self.fn_ > 0 {
            self.tp as f64 / (self.tp + self.fn_) as f64
        } else {
            1.0
        };
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// Greedy one-to-one matching by descending score, as the scorer does.
fn tally(
    gold: &[Value],
    out: &[Value],
    score: impl Fn(&Value, &Value) -> f64,
    threshold: f64,
    fields: &[FieldCheck],
) -> Tally {
    let mut cands = Vec::new();
    for (i, g) in gold.iter().enumerate() {
        for (j, o) in out.iter().enumerate() {
            let s = score(g, o);
            if s >= threshold {
                cands.push((s, i, j));
            }
        }
    }
    cands.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
    let (mut gi, mut oj) = (vec![false; gold.len()], vec![false; out.len()]);
    let mut t = Tally {
        fields: fields.iter().map(|(n, _)| (*n, 0, 0)).collect(),
        ..Tally::default()
    };
    for (_, i, j) in cands {
        if gi[i] || oj[j] {
            continue;
        }
        gi[i] = true;
        oj[j] = true;
        t.tp += 1;
        for (k, (_, check)) in fields.iter().enumerate() {
            t.fields[k].1 += usize::from(check(&gold[i], &out[j]));
            t.fields[k].2 += 1;
        }
    }
    t.fn_ = gold
        .iter()
        .enumerate()
        .filter(|(i, g)| !gi[*i] && !g["optional"].as_bool().unwrap_or(false))
        .count();
    t.fp = oj.iter().filter(|m| !**m).count();
    t
}

fn arr(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

fn same_number(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => (x - y).abs() <= 0.005 * x.abs().max(y.abs()).max(1e-9),
        (None, None) => a.is_null() && b.is_null(),
        _ => false,
    }
}

/// score.py's loose match of a directive's assignee: either spelled-out name holds the other.
fn loose_assignee(g: &Value, o: &Value) -> bool {
    let (ga, oa) = (
        expand(str_of(&g["assignee"])),
        expand(str_of(&o["assignee"])),
    );
    if ga.is_empty() || oa.is_empty() {
        return ga == oa;
    }
    ga.contains(&oa) || oa.contains(&ga)
}

fn positions_recall(g: &Value, o: &Value) -> bool {
    let have: Vec<String> = match o["positions_expanded"].as_array() {
        Some(a) if !a.is_empty() => a.iter().map(|p| expand(str_of(p))).collect(),
        _ => arr(&o["positions"])
            .iter()
            .map(|p| expand(str_of(p)))
            .collect(),
    };
    arr(&g["positions"])
        .iter()
        .all(|p| have.contains(&expand(str_of(p))))
}

fn same_period(g: &Value, o: &Value) -> bool {
    let none = |v: &Value| v.is_null() || v.as_object().is_some_and(|m| m.is_empty());
    (none(&g["period"]) && none(&o["period"])) || g["period"] == o["period"]
}

/// The item fields score.py checks, section by section.
const FIELDS: &[(&str, &[FieldCheck])] = &[
    ("people", &[("positions", positions_recall)]),
    ("organizations", &[("kind", |g, o| g["kind"] == o["kind"])]),
    (
        "documents",
        &[
            ("kind", |g, o| {
                fold(str_of(&g["kind"])) == fold(str_of(&o["kind"]))
            }),
            ("date", |g, o| g["date"] == o["date"]),
        ],
    ),
    (
        "figures",
        &[
            ("qualifier", |g, o| g["qualifier"] == o["qualifier"]),
            ("percent_of_plan", |g, o| {
                same_number(&g["percent_of_plan"], &o["percent_of_plan"])
            }),
            ("period", same_period),
        ],
    ),
    (
        "petitions",
        &[("repeated", |g, o| {
            g["repeated"].as_bool().unwrap_or(false) == o["repeated"].as_bool().unwrap_or(false)
        })],
    ),
    (
        "directives",
        &[
            ("assignee", loose_assignee),
            ("deadline", |g, o| g["deadline"] == o["deadline"]),
        ],
    ),
];

fn fields_of(section: &str) -> &'static [FieldCheck] {
    FIELDS
        .iter()
        .find(|(n, _)| *n == section)
        .map_or(&[], |(_, f)| f)
}

/// The header fields score.py checks, each with whether the output has it right.
pub fn header_fields(gold: &Value, out: &Value) -> Vec<(&'static str, bool)> {
    let mut fields = vec![
        (
            "title",
            fold(str_of(&gold["title"])) == fold(str_of(&out["title"])),
        ),
        (
            "author",
            fold(str_of(&gold["author"])) == fold(str_of(&out["author"])),
        ),
        (
            "session.date",
            gold["session"]["date"] == out["session"]["date"],
        ),
    ];
    for (name, k) in [
        ("session.delegation", "delegation"),
        ("session.lead", "lead"),
        ("session.host", "host"),
    ] {
        fields.push((
            name,
            expand(str_of(&gold["session"][k])) == expand(str_of(&out["session"][k])),
        ));
    }
    fields.push((
        "petitions_declared",
        gold["petitions_declared"] == out["petitions_declared"],
    ));
    fields
}

/// Macro F1 over the sections, the header fields right out of all, and each section's tally.
pub fn score(gold: &Value, out: &Value) -> (f64, usize, usize, Vec<(&'static str, Tally)>) {
    let header = header_fields(gold, out);
    let header_right = header.iter().filter(|(_, ok)| *ok).count();
    let header_total = header.len();

    let sections: Vec<(&'static str, Tally)> = vec![
        (
            "people",
            tally(
                &arr(&gold["people"]),
                &arr(&out["people"]),
                |g, o| {
                    f64::from(u8::from(
                        fold(str_of(&g["name"])) == fold(str_of(&o["name"])),
                    ))
                },
                1.0,
                fields_of("people"),
            ),
        ),
        (
            "organizations",
            tally(
                &arr(&gold["organizations"]),
                &arr(&out["organizations"]),
                |g, o| {
                    let g = expand(str_of(&g["name"]));
                    f64::from(u8::from(
                        !g.is_empty()
                            && (g == expand(str_of(&o["name"]))
                                || g == expand(str_of(&o["name_expanded"]))),
                    ))
                },
                1.0,
                fields_of("organizations"),
            ),
        ),
        (
            "documents",
            tally(
                &arr(&gold["documents"]),
                &arr(&out["documents"]),
                |g, o| {
                    if g["number"].is_string() {
                        let n = |v: &Value| {
                            str_of(v)
                                .split_whitespace()
                                .collect::<String>()
                                .to_uppercase()
                        };
                        f64::from(u8::from(n(&g["number"]) == n(&o["number"])))
                    } else if fold(str_of(&g["kind"])) == fold(str_of(&o["kind"])) {
                        dice(str_of(&g["text"]), str_of(&o["text"]))
                    } else {
                        0.0
                    }
                },
                0.5,
                fields_of("documents"),
            ),
        ),
        (
            "figures",
            tally(
                &arr(&gold["figures"]),
                &arr(&out["figures"]),
                |g, o| {
                    f64::from(u8::from(
                        g["unit"] == o["unit"] && same_number(&g["value"], &o["value"]),
                    ))
                },
                1.0,
                fields_of("figures"),
            ),
        ),
        (
            "petitions",
            tally(
                &arr(&gold["petitions"]),
                &arr(&out["petitions"]),
                |g, o| dice(str_of(&g["text"]), str_of(&o["text"])),
                0.5,
                fields_of("petitions"),
            ),
        ),
        (
            "directives",
            tally(
                &arr(&gold["directives"]),
                &arr(&out["directives"]),
                |g, o| dice(str_of(&g["text"]), str_of(&o["text"])),
                0.5,
                fields_of("directives"),
            ),
        ),
        (
            "captions",
            tally(
                &arr(&gold["captions"])
                    .into_iter()
                    .map(|c| serde_json::json!({ "text": c }))
                    .collect::<Vec<_>>(),
                &arr(&out["captions"])
                    .into_iter()
                    .map(|c| serde_json::json!({ "text": c }))
                    .collect::<Vec<_>>(),
                |g, o| dice(str_of(&g["text"]), str_of(&o["text"])),
                0.8,
                fields_of("captions"),
            ),
        ),
        (
            "abbreviations",
            tally(
                &arr(&gold["abbreviations"]),
                &arr(&out["abbreviations"]),
                |g, o| {
                    f64::from(u8::from(
                        g["short"] == o["short"]
                            && fold(str_of(&g["long"])) == fold(str_of(&o["long"])),
                    ))
                },
                1.0,
                fields_of("abbreviations"),
            ),
        ),
    ];
    let macro_f1 = sections.iter().map(|(_, t)| t.f1()).sum::<f64>() / sections.len() as f64;
    (macro_f1, header_right, header_total, sections)
}
