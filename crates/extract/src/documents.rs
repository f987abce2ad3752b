//! Documents referred to: "NQ 21- NQ/TU ngày 11/1/2020 của BCH Đảng bộ Thành phố",
//! "Quyết định số 62/2017/QĐ-UBND", "Kết luận 100-KL/TW", "Quy định 213", and congress
//! resolutions ("NQ Đại hội Đảng bộ Thành phố lần thứ XXV, nhiệm kỳ 2020- 2025").
//! Party symbols are number-type/issuer; state symbols are number/year/type-issuer.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub range: Range<usize>,
    pub kind: &'static str,
    pub number: Option<String>,
    pub date_range: Option<Range<usize>>,
    pub issuer: Option<String>,
    /// For congress resolutions: "lần thứ XXV", to tell them apart.
    pub congress: Option<String>,
}

const KINDS: &[(&str, &str)] = &[
    ("Nghị quyết", "Nghị quyết"),
    ("NQ", "Nghị quyết"),
    ("Quyết định", "Quyết định"),
    ("QĐ", "Quyết định"),
    ("Kế hoạch", "Kế hoạch"),
    ("KH", "Kế hoạch"),
    ("Kết luận", "Kết luận"),
    ("KL", "Kết luận"),
    ("Chỉ thị", "Chỉ thị"),
    ("CT", "Chỉ thị"),
    ("Quy định", "Quy định"),
    ("Thông báo", "Thông báo"),
    ("TB", "Thông báo"),
    ("Công văn", "Công văn"),
    ("CV", "Công văn"),
    ("Luật", "Luật"),
    ("Nghị định", "Nghị định"),
    ("NĐ", "Nghị định"),
    ("Thông tư", "Thông tư"),
    ("Hướng dẫn", "Hướng dẫn"),
    ("Đề án", "Đề án"),
    ("Chương trình", "Chương trình"),
    ("Quy chế", "Quy chế"),
    ("Báo cáo", "Báo cáo"),
    ("BC", "Báo cáo"),
    // In lower case a kind is cited with "số" and a symbol only ("báo cáo số 11/BC-HĐND").
    ("báo cáo", "Báo cáo"),
    ("kế hoạch", "Kế hoạch"),
    ("quyết định", "Quyết định"),
    ("công văn", "Công văn"),
    ("thông báo", "Thông báo"),
    ("nghị quyết", "Nghị quyết"),
    ("kết luận", "Kết luận"),
];

fn patterns() -> &'static (Regex, Regex, Regex) {
    static P: OnceLock<(Regex, Regex, Regex)> = OnceLock::new();
    P.get_or_init(|| {
        let kinds = KINDS.iter().map(|(k, _)| regex::escape(k)).collect::<Vec<_>>().join("|");
        // kind [số] symbol-or-number
        // The type of a Party symbol may carry a lower-case letter ("08-QĐi/TW").
        let symbol = r"\d+\s*[-–]\s*[A-ZĐ]+[a-z]?(?:\s*/\s*[A-ZĐ]+)+|\d+\s*/\s*(?:19|20)\d{2}\s*/\s*[A-ZĐ]+(?:\s*-\s*[A-ZĐ]+)*|\d+\s*/\s*[A-ZĐ]+(?:\s*-\s*[A-ZĐ]+)+|\d+";
        let numbered = Regex::new(&format!(r"(?P<kind>{kinds})(?:\s+(?:số|Số))?\s+(?P<sym>{symbol})(?-u:\b)(?P<date>\s*[,;]?\s*ngày\s*(?:\d{{1,2}}\s*[/.-]\s*\d{{1,2}}\s*[/.-]\s*(?:19|20)\d{{2}}|\d{{1,2}}\s+tháng\s+\d{{1,2}}\s+năm\s+(?:19|20)\d{{2}}))?"))
            .expect("document pattern compiles (tested)");
        let congress = Regex::new(&format!(
            r"(?P<kind>{kinds})\s+(?P<body>Đại\s+hội(?:\s+\p{{L}}+){{0,6}}?\s+(?:lần\s+thứ|khóa|khoá)\s+(?P<ord>[IVXLC]+|\d+))(?P<term>,?\s*nhiệm\s*kỳ\s*\d{{4}}\s*[-–]\s*\d{{4}})?"
        ))
        .expect("congress pattern compiles (tested)");
        // A plenum's resolution, cited by its title: "Nghị quyết Trung ương 4 khóa XII".
        let plenum = Regex::new(
            r"(?P<kind>Nghị quyết|NQ|Kết luận)\s+(?P<body>Trung\s+ương\s+(?P<ord>\d{1,2}|[IVX]+)(?-u:\b)(?:\s*,?\s*(?:khóa|khoá)\s+(?P<term>[IVXLC]+)(?-u:\b))?)",
        )
        .expect("plenum pattern compiles (tested)");
        (numbered, congress, plenum)
    })
}

fn kind_of(word: &str) -> &'static str {
    KINDS
        .iter()
        .find(|(k, _)| *k == word)
        .map(|(_, v)| *v)
        .unwrap_or("Văn bản")
}

/// "21- NQ/TU" → "21-NQ/TU".
pub fn normalize_number(s: &str) -> String {
    s.split_whitespace().collect::<String>().replace('–', "-")
}

/// Documents mentioned in one sentence; `issuer_of` names the body after "của" when one follows.
pub fn find(
    text: &str,
    range: Range<usize>,
    issuer_of: impl Fn(usize) -> Option<String>,
) -> Vec<Mention> {
    let s = &text[range.clone()];
    // A document is cited with a number or as a congress's resolution.
    if !s.bytes().any(|b| b.is_ascii_digit()) && !s.contains("Đại hội") && !s.contains("đại hội")
    {
        return Vec::new();
    }
    let (numbered, congress, plenum) = patterns();
    let mut out: Vec<Mention> = Vec::new();
    // A kind must start a word ("Đề án", not the "NQ" of "UBNQ"); checked here because the
    // regex's fast engines know only ASCII word boundaries.
    let word_start = |at: usize| {
        s[..at]
            .chars()
            .next_back()
            .is_none_or(|ch| !ch.is_alphanumeric())
    };
    for c in congress.captures_iter(s) {
        if !word_start(c.get(0).map(|m| m.start()).unwrap_or(0)) {
            continue;
        }
        let whole = c.get(0).map(|m| m.range()).unwrap_or_default();
        let kind = kind_of(c.name("kind").map(|m| m.as_str()).unwrap_or(""));
        let body = c.name("body").map(|m| m.as_str().to_string());
        out.push(Mention {
            range: range.start + whole.start..range.start + whole.end,
            kind,
            number: None,
            date_range: None,
            issuer: body,
            congress: c.name("ord").map(|m| m.as_str().to_uppercase()),
        });
    }
    if s.contains("Trung ương") {
        for c in plenum.captures_iter(s) {
            if !word_start(c.get(0).map(|m| m.start()).unwrap_or(0)) {
                continue;
            }
            let whole = c.get(0).map(|m| m.range()).unwrap_or_default();
            let ord = c.name("ord").map(|m| m.as_str()).unwrap_or("");
            let term = c.name("term").map(|m| m.as_str()).unwrap_or("");
            out.push(Mention {
                range: range.start + whole.start..range.start + whole.end,
                kind: kind_of(c.name("kind").map(|m| m.as_str()).unwrap_or("")),
                number: None,
                date_range: None,
                issuer: None,
                congress: Some(format!("TW {ord} {term}")),
            });
        }
    }
    for c in numbered.captures_iter(s) {
        if !word_start(c.get(0).map(|m| m.start()).unwrap_or(0)) {
            continue;
        }
        let whole = c.get(0).map(|m| m.range()).unwrap_or_default();
        let r = range.start + whole.start..range.start + whole.end;
        if out
            .iter()
            .any(|m| m.range.start < r.end && r.start < m.range.end)
        {
            continue;
        }
        let kind_word = c.name("kind").map(|m| m.as_str()).unwrap_or("");
        let sym = normalize_number(c.name("sym").map(|m| m.as_str()).unwrap_or(""));
        // A bare abbreviation with a bare number ("KH 3") is too weak; a written kind or a
        // symbol is needed.
        let bare_number = sym.chars().all(|ch| ch.is_ascii_digit());
        if bare_number && kind_word.chars().all(|ch| ch.is_uppercase()) && kind_word != "NQ" {
            continue;
        }
        let numbered_with_so =
            crate::lexicon::starts_with_word(s[whole.start + kind_word.len()..].trim_start(), "số");
        if kind_word.starts_with(char::is_lowercase) && (bare_number || !numbered_with_so) {
            continue;
        }
        let date_range = c.name("date").map(|m| {
            let t = m.as_str();
            let lead = t.find("ngày").unwrap_or(0);
            range.start + m.start() + lead..range.start + m.end()
        });
        out.push(Mention {
            range: r.clone(),
            kind: kind_of(kind_word),
            number: Some(sym),
            date_range,
            issuer: issuer_of(r.end),
            congress: None,
        });
    }
    out.sort_by_key(|m| m.range.start);
    out
}

/// What makes a document recognisable again, kept so that looking one up costs no more than a
/// hash lookup however many documents a text cites. The same document is: the same symbol, a
/// bare number that starts the other's symbol ("NQ 21" and "21-NQ/TU"), or the same congress.
#[derive(Default)]
pub struct Seen(std::collections::HashSet<String>);

impl Seen {
    pub fn contains(&self, m: &Mention) -> bool {
        match (&m.number, &m.congress) {
            (Some(n), _) => {
                let lead = leading_number(n);
                self.0.contains(&format!("n|{}|{n}", m.kind))
                    || (is_bare(n) && self.0.contains(&format!("L|{}|{lead}", m.kind)))
                    || (!is_bare(n) && self.0.contains(&format!("l|{}|{lead}", m.kind)))
            }
            (None, Some(c)) => self.0.contains(&format!("c|{}|{c}", m.kind)),
            (None, None) => false,
        }
    }

    pub fn insert(&mut self, m: &Mention) {
        match (&m.number, &m.congress) {
            (Some(n), _) => {
                let lead = leading_number(n);
                self.0.insert(format!("n|{}|{n}", m.kind));
                self.0.insert(format!("L|{}|{lead}", m.kind));
                if is_bare(n) {
                    self.0.insert(format!("l|{}|{lead}", m.kind));
                }
            }
            (None, Some(c)) => {
                self.0.insert(format!("c|{}|{c}", m.kind));
            }
            (None, None) => {}
        }
    }
}

fn is_bare(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_digit())
}

fn leading_number(s: &str) -> &str {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(text: &str) -> Vec<(String, &'static str, Option<String>)> {
        find(text, 0..text.len(), |_| None)
            .into_iter()
            .map(|m| (text[m.range].to_string(), m.kind, m.number))
            .collect()
    }

    #[test]
    fn documents_table() {
        let cases: &[(&str, &str, &str, Option<&str>)] = &[
            ("thực hiện NQ 21- NQ/TU ngày 11/1/2020 của BCH", "NQ 21- NQ/TU ngày 11/1/2020", "Nghị quyết", Some("21-NQ/TU")),
            ("theo Quyết định số 62/2017/QĐ-UBND của UBND tỉnh", "Quyết định số 62/2017/QĐ-UBND", "Quyết định", Some("62/2017/QĐ-UBND")),
            ("thực hiện Kết luận 100-KL/TW", "Kết luận 100-KL/TW", "Kết luận", Some("100-KL/TW")),
            ("sinh hoạt theo Quy định 213 trong", "Quy định 213", "Quy định", Some("213")),
            ("Công văn số 1234/UBND-TH ngày 5/3/2021", "Công văn số 1234/UBND-TH ngày 5/3/2021", "Công văn", Some("1234/UBND-TH")),
            ("Chỉ thị 05-CT/TW về", "Chỉ thị 05-CT/TW", "Chỉ thị", Some("05-CT/TW")),
            ("triển khai NQ Đại hội Đảng bộ Thành phố lần thứ XXV, nhiệm kỳ 2020- 2025; công tác", "NQ Đại hội Đảng bộ Thành phố lần thứ XXV, nhiệm kỳ 2020- 2025", "Nghị quyết", None),
        ];
        for (text, span, kind, number) in cases {
            let got = docs(text);
            assert_eq!(got.len(), 1, "{text}: {got:?}");
            assert_eq!(
                (got[0].0.as_str(), got[0].1, got[0].2.as_deref()),
                (*span, *kind, *number),
                "{text}"
            );
        }
    }

    #[test]
    fn generic_mentions_are_not_documents() {
        for text in [
            "KH thực hiện Nghị quyết",
            "bám sát NQ, xây dựng",
            "Chương trình hành động cụ thể",
            "KH 3 năm",
        ] {
            assert!(docs(text).is_empty(), "{text}: {:?}", docs(text));
        }
    }

    #[test]
    fn same_document_table() {
        let m = |kind, number: Option<&str>, congress: Option<&str>| Mention {
            range: 0..1,
            kind,
            number: number.map(String::from),
            date_range: None,
            issuer: None,
            congress: congress.map(String::from),
        };
        let cases = [
            (
                m("Nghị quyết", Some("21-NQ/TU"), None),
                m("Nghị quyết", Some("21"), None),
                true,
            ),
            (
                m("Nghị quyết", Some("21"), None),
                m("Nghị quyết", Some("21-NQ/TU"), None),
                true,
            ),
            (
                m("Nghị quyết", Some("21-NQ/TU"), None),
                m("Nghị quyết", Some("22"), None),
                false,
            ),
            (
                m("Nghị quyết", Some("21-NQ/TU"), None),
                m("Nghị quyết", Some("21-NQ/HU"), None),
                false,
            ),
            (
                m("Nghị quyết", None, Some("XXV")),
                m("Nghị quyết", None, Some("XXV")),
                true,
            ),
            (
                m("Nghị quyết", Some("21"), None),
                m("Quyết định", Some("21"), None),
                false,
            ),
        ];
        for (a, b, want) in cases {
            let mut seen = Seen::default();
            seen.insert(&a);
            assert_eq!(seen.contains(&b), want, "{:?} / {:?}", a.number, b.number);
        }
    }
}
