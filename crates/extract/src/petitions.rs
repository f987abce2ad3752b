//! Petitions: the matters after "kiến nghị", "đề nghị" (of residents), "phản ánh", "đề xuất",
//! "ý kiến … tập trung vào", one item per matter; whether the text says they were raised
//! before; and the count it declares ("08 vấn đề", "trên 30 ý kiến").

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use crate::lexicon::{action_verbs, starts_with_one_of, starts_with_word};

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub range: Range<usize>,
    pub repeated: bool,
}

const REPEATED: &[&str] = &[
    "nhiều lần",
    "tồn đọng",
    "kéo dài",
    "chưa được giải quyết",
    "chưa được xử lý",
    "tái kiến nghị",
    "tiếp tục kiến nghị",
    "nhiều năm",
    "từ lâu",
    "vẫn chưa",
    "còn tồn tại",
];

/// A petition trigger and whether it needs residents as its subject ("đề nghị" is also what
/// leaders say when they instruct).
const TRIGGERS: &[(&str, bool)] = &[
    ("kiến nghị", false),
    ("phản ánh", false),
    ("đề xuất", true),
    ("đề nghị", true),
    ("tập trung vào", false),
    ("đề cập", false),
    ("mong muốn", true),
    ("đề đạt", true),
    // "cử tri … nêu lên một số vấn đề … như: A; B": a list only.
    ("nêu", true),
];

/// Higher levels a local asks for support ("huyện cần hỗ trợ địa phương …").
const UPPER_LEVELS: &[&str] = &[
    "huyện",
    "tỉnh",
    "thành phố",
    "trung ương",
    "nhà nước",
    "cấp trên",
    "các cấp",
];

const RESIDENTS: &[&str] = &[
    "cử tri",
    "nhân dân",
    "người dân",
    "hộ dân",
    "bà con",
    "khu phố",
    "chi bộ",
    "địa phương",
    "phường",
    "xã",
    "đại biểu",
];

/// Words after a trigger that show it is no petition ("giải đáp những kiến nghị", "nhóm kiến nghị").
const NOT_AFTER: &[&str] = &[
    "giải đáp",
    "trả lời",
    "nhóm",
    "nội dung",
    "tiếp thu",
    "tổng hợp",
    "xử lý",
    "giải quyết",
];

/// Words before a number that make it a place's number ("khu 4", "tổ 3"), not a count.
const PLACE_WORDS: &[&str] = &[
    "khu",
    "tổ",
    "thôn",
    "xóm",
    "ấp",
    "bản",
    "số",
    "phường",
    "quận",
    "đường",
    "lô",
];

fn count_pattern() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?i)(?:trên|hơn|gần|khoảng)?\s*(?-u:\b)(\d{1,4})\s+(?:vấn\s+đề|ý\s+kiến|kiến\s+nghị|nội\s+dung|lượt\s+ý\s+kiến|nhóm\s+vấn\s+đề)")
            .expect("count pattern compiles (tested)")
    })
}

/// The total of "N/M ý kiến" ("trả lời … 51/51 ý kiến"): how many petitions there were.
pub fn answered_count(s: &str) -> Option<u32> {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = R.get_or_init(|| {
        Regex::new(r"(?-u:\b)\d{1,4}\s*/\s*(\d{1,4})\s+(?:ý\s+kiến|kiến\s+nghị)")
            .expect("answered pattern compiles (tested)")
    });
    if !s.contains("ý kiến") && !s.contains("kiến nghị") {
        return None;
    }
    r.captures(s)
        .and_then(|c| c.get(1))
        .and_then(|m| m.as_str().parse().ok())
}

/// What one sentence says of petitions.
#[derive(Debug, Default)]
pub struct Found {
    pub items: Vec<Item>,
    /// The count it declares ("08 vấn đề", "10 ý kiến").
    pub declared: Option<u32>,
    /// Residents (voters, citizens, a ward) speak: the sentences after it may go on listing.
    pub residents: bool,
    /// The sentence says the matter before it was raised before ("Việc này bà con đã kiến
    /// nghị nhiều lần …"): no new petition, the last one is repeated.
    pub repeats_previous: bool,
}

/// The petitions of one sentence, and the count it declares. `following` are the paragraphs
/// after it, for lists written as "-" or "+" lines.
pub fn find(text: &str, sentence: Range<usize>, following: &[Range<usize>]) -> Found {
    let s = &text[sentence.clone()];
    static CUES: OnceLock<crate::lexicon::Cues> = OnceLock::new();
    if !CUES
        .get_or_init(|| {
            crate::lexicon::Cues::new(&[
                "iến nghị",
                "hản ánh",
                "ề xuất",
                "ề nghị",
                "ập trung vào",
                "ề cập",
                "ong muốn",
                "ề đạt",
                "nêu",
                "như:",
                "ần hỗ trợ",
                "ần được hỗ trợ",
                "ần quan tâm hỗ trợ",
                "IẾN NGHỊ",
                "HẢN ÁNH",
                "Ề XUẤT",
                "Ề NGHỊ",
                "ẬP TRUNG VÀO",
                "Ề CẬP",
            ])
        })
        .in_text(s)
    {
        return Found::default();
    }
    let lower = crate::lexicon::lower(s);
    let repeated = REPEATED.iter().any(|r| lower.contains(r));
    // The count may stand before the trigger ("đã nêu 12 ý kiến, kiến nghị") or after it.
    // "cử tri khu 4 kiến nghị" names a place, not a count.
    let declared = count_pattern()
        .captures_iter(s)
        .filter_map(|c| c.get(1))
        .find(|m| {
            let before = crate::lexicon::lower(crate::lexicon::tail(&s[..m.start()], 12));
            let word = before.split_whitespace().last().unwrap_or("");
            !PLACE_WORDS.contains(&word)
        })
        .and_then(|m| m.as_str().parse().ok());
    let mut found = Found {
        declared,
        ..Found::default()
    };
    // "Đối với đề xuất bổ sung trang thiết bị …, UBND tỉnh thống nhất": the matter answered.
    if let Some(r) = answered_matter(&lower) {
        push_item(
            text,
            sentence.start + r.start..sentence.start + r.end,
            repeated,
            &mut found.items,
        );
        return found;
    }
    // "huyện cần hỗ trợ địa phương đầu tư …": a local asks the level above for support.
    if let Some(at) = support_asked(&lower) {
        push_item(
            text,
            sentence.start + at..sentence.end,
            repeated,
            &mut found.items,
        );
        found.residents = true;
        return found;
    }
    let Some((trigger_at, residents, name)) = trigger(&lower) else {
        // "10 ý kiến khác nhau trên các lĩnh vực như: A, B, C": counted opinions, listed.
        if let (Some(_), Some(k)) = (declared, lower.find("như:")) {
            if lower[..k].contains("ý kiến") {
                for part in split_items(text, sentence.start + k + "như:".len()..sentence.end) {
                    push_item(text, part, repeated, &mut found.items);
                }
            }
        }
        return found;
    };
    found.residents = residents;
    // "Việc này … đã kiến nghị nhiều lần": the matter before, raised before, not a new one.
    let before_trigger = lower[..trigger_at - name.len()].trim_end();
    let refers_back = ["việc này", "vấn đề này", "nội dung này", "kiến nghị này"]
        .iter()
        .any(|r| before_trigger.starts_with(r));
    if repeated && refers_back && before_trigger.ends_with(" đã") {
        found.repeats_previous = true;
        return found;
    }
    // The matter follows the trigger directly ("Cử tri đề nghị sửa chữa …", "mong muốn được
    // làm rõ …"); else the list starts after a colon; else after "về" or "việc".
    let after = &lower[trigger_at..];
    let direct = after.trim_start();
    let colon = s[trigger_at..].find(':');
    let list_start = if name != "nêu"
        && (action_verbs().at(direct).is_some()
            || starts_with_one_of(direct, &["tình trạng", "việc", "vấn đề", "được"]).is_some())
    {
        trigger_at + (after.len() - direct.len())
    } else if let Some(k) = colon {
        trigger_at + k + 1
    } else if name == "nêu" {
        return found;
    } else {
        match ["về việc ", "về ", "việc "]
            .iter()
            .filter_map(|m| after.find(m).map(|k| k + m.len()))
            .min()
        {
            Some(k) if k < 60 => trigger_at + k,
            // "kiến nghị các cấp có thẩm quyền có giải pháp …": the rest of the sentence, when
            // the trigger is a verb.
            _ if verb_use(&lower[..trigger_at - name.len()])
                && direct.starts_with(char::is_alphanumeric)
                && !starts_with_word(direct, "của")
                && direct.split_whitespace().count() >= 3 =>
            {
                trigger_at + (after.len() - direct.len())
            }
            _ => return found,
        }
    };
    let body = sentence.start + list_start..sentence.end;
    if text[body.clone()].trim().is_empty() {
        // "… như sau:" then a list on the next lines.
        for p in following {
            let line = &text[p.clone()];
            let Some(mark) = list_mark(line) else { break };
            push_item(text, p.start + mark..p.end, repeated, &mut found.items);
        }
    } else {
        for part in split_items(text, body) {
            push_item(text, part, repeated, &mut found.items);
        }
    }
    found
}

/// A sentence after residents' petitions that goes on listing them: "A; B; C." or "Đề nghị
/// sớm …". `None` when the sentence is about something else.
pub fn continuation(text: &str, sentence: Range<usize>) -> Option<Vec<Item>> {
    let s = &text[sentence.clone()];
    let lower = crate::lexicon::lower(s);
    let repeated = REPEATED.iter().any(|r| lower.contains(r));
    let mut items = Vec::new();
    for opening in ["đề nghị ", "kiến nghị ", "mong muốn "] {
        if lower.starts_with(opening) {
            for part in split_items(text, sentence.start + opening.len()..sentence.end) {
                push_item(text, part, repeated, &mut items);
            }
            return Some(items);
        }
    }
    if !s.contains(';') {
        return None;
    }
    for part in split_items(text, sentence) {
        push_item(text, part, repeated, &mut items);
    }
    Some(items)
}

/// Whether a sentence after a petition says it was raised before ("Vấn đề này đã đề nghị nhiều
/// lần nhưng vẫn chưa được giải quyết").
pub fn says_repeated(text: &str, sentence: Range<usize>) -> bool {
    let lower = crate::lexicon::lower(&text[sentence]);
    REPEATED.iter().any(|r| lower.contains(r))
}

/// "Đối với (các) đề xuất/kiến nghị X, …": the matter X, up to the comma.
fn answered_matter(lower: &str) -> Option<Range<usize>> {
    let rest = lower.strip_prefix("đối với ")?;
    let rest_at = lower.len() - rest.len();
    let rest2 = rest.strip_prefix("các ").unwrap_or(rest);
    let noun = ["đề xuất ", "kiến nghị ", "đề nghị ", "ý kiến "]
        .iter()
        .find(|n| rest2.starts_with(**n))?;
    let start = rest_at + (rest.len() - rest2.len()) + noun.len();
    let start = if lower[start..].starts_with("về ") {
        start + "về ".len()
    } else {
        start
    };
    let end = start + lower[start..].find(',')?;
    Some(start..end)
}

/// "huyện cần hỗ trợ …": where the support asked for starts.
fn support_asked(lower: &str) -> Option<usize> {
    for needle in ["cần hỗ trợ", "cần quan tâm hỗ trợ", "cần được hỗ trợ"] {
        if let Some(k) = lower.find(needle) {
            let before = lower[..k].trim_end();
            if UPPER_LEVELS.iter().any(|l| before.ends_with(l)) {
                return Some(k + needle.len() - "hỗ trợ".len());
            }
        }
    }
    None
}

/// Whether a trigger is used as a verb: not after a determiner ("các kiến nghị", "những đề
/// xuất" name petitions, they do not make one).
fn verb_use(before: &str) -> bool {
    let before = before.trim_end();
    ![
        "các",
        "những",
        "nhiều",
        "và",
        ",",
        "ý kiến",
        "vấn đề",
        "nội dung",
        "nhóm",
    ]
    .iter()
    .any(|d| before.ends_with(d))
}

/// The end of the first petition trigger in the sentence, whether residents speak it, and the
/// trigger.
fn trigger(lower: &str) -> Option<(usize, bool, &'static str)> {
    let mut first: Option<(usize, bool, &'static str)> = None;
    for (t, needs_residents) in TRIGGERS {
        let mut from = 0;
        while let Some(k) = lower[from..].find(t) {
            let at = from + k;
            from = at + t.len();
            let before = crate::lexicon::tail(&lower[..at], 300).trim_end();
            let before_noun = before
                .trim_end_matches("các")
                .trim_end_matches("những")
                .trim_end();
            if NOT_AFTER.iter().any(|n| before_noun.ends_with(n)) {
                continue;
            }
            let residents = RESIDENTS.iter().any(|r| before.contains(r));
            if *needs_residents && !residents {
                continue;
            }
            // "ý kiến … tập trung vào" is a petition list; "ý kiến chỉ đạo, tập trung vào" is not.
            if *t == "tập trung vào" && (!before.contains("ý kiến") || before.contains("chỉ đạo"))
            {
                continue;
            }
            // "nêu" is a whole word ("nêu lên"), not the start of another.
            if *t == "nêu"
                && lower[at + t.len()..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric)
            {
                continue;
            }
            if first.is_none_or(|(f, _, _)| at + t.len() < f) {
                first = Some((at + t.len(), residents, t));
            }
            break;
        }
    }
    first
}

fn list_mark(line: &str) -> Option<usize> {
    let t = line.trim_start();
    let lead = line.len() - t.len();
    for m in ["- ", "– ", "+ ", "• ", "* "] {
        if t.starts_with(m) {
            return Some(lead + m.len());
        }
    }
    let digits = t
        .chars()
        .take_while(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
        .count();
    if digits > 0 && digits <= 2 && (t[digits..].starts_with(". ") || t[digits..].starts_with(") "))
    {
        return Some(lead + digits + 2);
    }
    None
}

/// Items at ";" and "…", and at ", " where the same action starts again ("xây mới X, xây mới Y").
fn split_items(text: &str, range: Range<usize>) -> Vec<Range<usize>> {
    let s = &text[range.clone()];
    let mut parts = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let bytes = s.as_bytes();
    while i < s.len() {
        let rest = &s[i..];
        let sep = if rest.starts_with(';') {
            1
        } else if rest.starts_with('…') {
            '…'.len_utf8()
        } else if rest.starts_with("...") {
            3
        } else {
            0
        };
        if sep > 0 {
            parts.push(range.start + start..range.start + i);
            start = i + sep;
            i += sep;
            // "…, điện sinh hoạt,…Hầu hết …": a capital after the dots starts a new sentence.
            if sep > 1 && s[i..].trim_start().starts_with(char::is_uppercase) {
                start = s.len();
                break;
            }
            // "thu gom rác... trong phạm vi địa bàn phường": what goes on after the dots with
            // a preposition belongs to the item before.
            if sep > 1
                && [
                    "trong ", "tại ", "của ", "cho ", "để ", "với ", "theo ", "ở ",
                ]
                .iter()
                .any(|p| s[i..].trim_start().starts_with(p))
            {
                if let Some(previous) = parts.pop() {
                    start = previous.start - range.start;
                }
                continue;
            }
            continue;
        }
        i += 1;
        while i < s.len() && !s.is_char_boundary(i) {
            i += 1;
        }
        let _ = bytes;
    }
    if start < s.len() {
        parts.push(range.start + start..range.end);
    }
    // A list of short matters with commas only ("các công trình xây dựng cơ bản, trật tự đô
    // thị, vệ sinh môi trường"): each is one.
    if parts.len() == 1 {
        let whole = parts[0].clone();
        let body = &text[whole.clone()];
        let body_end = body.find(" (").unwrap_or(body.len());
        let pieces: Vec<&str> = body[..body_end].split(", ").collect();
        if pieces.len() >= 3
            && pieces
                .iter()
                .all(|p| (1..=8).contains(&p.split_whitespace().count()))
        {
            parts.clear();
            let mut at = whole.start;
            for p in pieces {
                parts.push(at..at + p.len());
                at += p.len() + 2;
            }
        }
    }
    let mut out = Vec::new();
    for p in parts {
        out.extend(split_repeated_action(text, p));
    }
    out
}

fn split_repeated_action(text: &str, range: Range<usize>) -> Vec<Range<usize>> {
    let s = &text[range.clone()];
    let trimmed = s.trim_start();
    let lead = s.len() - trimmed.len();
    let Some(verb) = action_verbs().at(trimmed) else {
        return vec![range];
    };
    let needle = format!(", {verb} ");
    let mut out = Vec::new();
    let mut start = range.start + lead;
    let mut from = lead;
    while let Some(k) = s[from..].find(&needle) {
        let at = from + k;
        out.push(start..range.start + at);
        start = range.start + at + 2;
        from = at + 2;
    }
    out.push(start..range.end);
    out
}

fn push_item(text: &str, range: Range<usize>, repeated: bool, out: &mut Vec<Item>) {
    let s = &text[range.clone()];
    let trimmed =
        s.trim_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ',' | ';' | '…' | ':'));
    if trimmed.split_whitespace().count() < 2 {
        return;
    }
    let start = range.start + s.find(trimmed).unwrap_or(0);
    out.push(Item {
        range: start..start + trimmed.len(),
        repeated,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_list_splits_into_matters() {
        let text = "đồng thời kiến nghị với đoàn công tác 08 vấn đề đã nhiều lần kiến nghị và còn tồn tại, chưa được giải quyết như: quan tâm đầu tư đồng bộ hệ thống cống rãnh thoát nước, đường giao thông, nạo vét hệ thống cống rãnh, kênh mương; xây mới nhà văn hóa khu 6, xây mới Trụ sở Đảng ủy – HĐND – UBND phường Hà Lầm; xây mới nhà văn hóa khu 2 … công tác cấp giấy chứng nhận quyền sử dụng đất cho nhân dân …";
        let Found {
            items, declared, ..
        } = find(text, 0..text.len(), &[]);
        let got: Vec<&str> = items.iter().map(|i| &text[i.range.clone()]).collect();
        assert_eq!(got, [
            "quan tâm đầu tư đồng bộ hệ thống cống rãnh thoát nước, đường giao thông, nạo vét hệ thống cống rãnh, kênh mương",
            "xây mới nhà văn hóa khu 6",
            "xây mới Trụ sở Đảng ủy – HĐND – UBND phường Hà Lầm",
            "xây mới nhà văn hóa khu 2",
            "công tác cấp giấy chứng nhận quyền sử dụng đất cho nhân dân",
        ]);
        assert!(items.iter().all(|i| i.repeated));
        assert_eq!(declared, Some(8));
    }

    #[test]
    fn triggers_table() {
        let cases: &[(&str, usize)] = &[
            (
                "Cử tri đề nghị sửa chữa tuyến đường liên thôn bị xuống cấp.",
                1,
            ),
            ("Đồng chí Bí thư đề nghị UBND huyện rà soát.", 0),
            ("giải đáp những kiến nghị, thắc mắc theo thẩm quyền", 0),
            ("yêu cầu Đảng ủy phường tập hợp theo nhóm kiến nghị", 0),
            (
                "Người dân phản ánh về việc ô nhiễm môi trường tại cụm công nghiệp",
                1,
            ),
            (
                "Các ý kiến tập trung vào: giá điện tăng cao; thiếu trường mầm non; đường hỏng",
                3,
            ),
        ];
        for (text, n) in cases {
            let items = find(text, 0..text.len(), &[]).items;
            assert_eq!(items.len(), *n, "{text}: {items:?}");
        }
    }

    /// Constructions of reports from the field, in sentences written for this test.
    #[test]
    fn field_constructions() {
        let cases: &[(&str, &[&str])] = &[
            // A list after "nêu lên … như:", one petition per item.
            (
                "Tại buổi tiếp xúc, cử tri thôn Nà Pồng nêu lên một số băn khoăn của bà con như: giá phân bón tăng cao; đường vào bản bị sạt lở; thiếu giáo viên mầm non.",
                &["giá phân bón tăng cao", "đường vào bản bị sạt lở", "thiếu giáo viên mầm non"],
            ),
            // The matter straight after the wish.
            (
                "Cử tri cũng mong muốn được hướng dẫn thủ tục chuyển mục đích sử dụng đất.",
                &["được hướng dẫn thủ tục chuyển mục đích sử dụng đất"],
            ),
            // A petition to an addressee: the rest of the sentence.
            (
                "Lãnh đạo xã Tân Lập kiến nghị cấp trên sớm bố trí vốn làm cầu treo qua suối.",
                &["cấp trên sớm bố trí vốn làm cầu treo qua suối"],
            ),
            // The matter a leader answers.
            (
                "Đối với đề xuất nâng cấp trạm bơm Đồng Cả, UBND huyện sẽ bố trí vốn.",
                &["nâng cấp trạm bơm Đồng Cả"],
            ),
            // A local asking the level above for support.
            (
                "Bí thư chi bộ thôn 5: để hoàn thành tiêu chí, tỉnh cần hỗ trợ thôn xi măng làm đường nội đồng.",
                &["hỗ trợ thôn xi măng làm đường nội đồng"],
            ),
            // Counted opinions on listed fields.
            (
                "Có 6 cử tri với 8 ý kiến về các lĩnh vực như: đất đai, môi trường, an ninh trật tự (3 ý kiến gửi bằng văn bản).",
                &["đất đai", "môi trường", "an ninh trật tự"],
            ),
            // A list that ends where a new sentence starts after the dots.
            (
                "Kiến nghị của cử tri chủ yếu về: sửa chữa đường liên xã; nước sinh hoạt,…Phần lớn đã được giải quyết.",
                &["sửa chữa đường liên xã", "nước sinh hoạt"],
            ),
            // What goes on after the dots with a preposition belongs to the item.
            (
                "Cử tri kiến nghị: nạo vét kênh, thu gom rác... trong phạm vi thôn; làm lại cầu tràn.",
                &["nạo vét kênh, thu gom rác... trong phạm vi thôn", "làm lại cầu tràn"],
            ),
            // Petitions named as nouns make none.
            ("Hầu hết các kiến nghị của cử tri đã được trả lời bằng văn bản.", &[]),
        ];
        for (text, want) in cases {
            let items = find(text, 0..text.len(), &[]).items;
            let got: Vec<&str> = items.iter().map(|i| &text[i.range.clone()]).collect();
            assert_eq!(&got, want, "{text}");
        }
        assert_eq!(
            answered_count("đã trả lời bằng văn bản 37/40 kiến nghị của cử tri"),
            Some(40)
        );
    }

    #[test]
    fn residents_go_on_listing() {
        let t = "Việc cấp sổ đỏ cần nhanh hơn; sớm làm lại cầu tràn thôn 2.";
        let items = continuation(t, 0..t.len()).unwrap_or_default();
        let got: Vec<&str> = items.iter().map(|i| &t[i.range.clone()]).collect();
        assert_eq!(
            got,
            [
                "Việc cấp sổ đỏ cần nhanh hơn",
                "sớm làm lại cầu tràn thôn 2"
            ]
        );
        let t = "Đề nghị sớm xây mới nhà văn hóa thôn.";
        assert_eq!(continuation(t, 0..t.len()).map(|v| v.len()), Some(1));
        let t = "Buổi tiếp xúc diễn ra sôi nổi.";
        assert!(continuation(t, 0..t.len()).is_none());
        let t = "Việc này đã kiến nghị nhiều lần nhưng chưa được giải quyết.";
        assert!(says_repeated(t, 0..t.len()));
        let t = "Việc này bà con đã kiến nghị nhiều lần nhưng chưa được giải quyết.";
        let f = find(t, 0..t.len(), &[]);
        assert!(f.repeats_previous && f.items.is_empty(), "{f:?}");
    }

    #[test]
    fn lists_on_following_lines() {
        let text = "Cử tri kiến nghị một số nội dung sau:\n- Sửa chữa cầu Khe Mai;\n+ Cấp nước sạch cho thôn 3.\nĐoạn khác.";
        let paras = dondoc_text::segment::paragraphs(text);
        let items = find(text, paras[0].clone(), &paras[1..]).items;
        let got: Vec<&str> = items.iter().map(|i| &text[i.range.clone()]).collect();
        assert_eq!(got, ["Sửa chữa cầu Khe Mai", "Cấp nước sạch cho thôn 3"]);
    }
}
