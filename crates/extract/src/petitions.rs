//! Petitions: the matters after "kiến nghị", "đề nghị" (of residents), "phản ánh", "đề xuất",
//! "ý kiến … tập trung vào", one item per matter; whether the text says they were raised
//! before; and the count it declares ("08 vấn đề", "trên 30 ý kiến").

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use crate::lexicon::{action_verbs, starts_with_one_of};

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

/// The petitions of one sentence, and the count it declares. `following` are the paragraphs
/// after it, for lists written as "-" or "+" lines.
pub fn find(
    text: &str,
    sentence: Range<usize>,
    following: &[Range<usize>],
) -> (Vec<Item>, Option<u32>) {
    let s = &text[sentence.clone()];
    if ![
        "iến nghị",
        "hản ánh",
        "ề xuất",
        "ề nghị",
        "ập trung vào",
        "ề cập",
        "IẾN NGHỊ",
        "HẢN ÁNH",
        "Ề XUẤT",
        "Ề NGHỊ",
        "ẬP TRUNG VÀO",
        "Ề CẬP",
    ]
    .iter()
    .any(|w| s.contains(w))
    {
        return (vec![], None);
    }
    let lower = crate::lexicon::lower(s);
    let Some(trigger_at) = trigger(&lower) else {
        return (vec![], None);
    };
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
    // The list starts after a colon; without one, after "về" or "việc" following the trigger.
    let list_start = match s[trigger_at..].find(':') {
        Some(k) => trigger_at + k + 1,
        None => {
            let after = &lower[trigger_at..];
            let direct = after.trim_start();
            if action_verbs().at(direct).is_some()
                || starts_with_one_of(direct, &["tình trạng", "việc", "vấn đề"]).is_some()
            {
                // "Cử tri đề nghị sửa chữa …": the matter follows the trigger directly.
                trigger_at + (after.len() - direct.len())
            } else {
                match ["về việc ", "về ", "việc "]
                    .iter()
                    .filter_map(|m| after.find(m).map(|k| k + m.len()))
                    .min()
                {
                    Some(k) if k < 60 => trigger_at + k,
                    _ => return (vec![], declared),
                }
            }
        }
    };
    let mut items = Vec::new();
    let body = sentence.start + list_start..sentence.end;
    if text[body.clone()].trim().is_empty() {
        // "… như sau:" then a list on the next lines.
        for p in following {
            let line = &text[p.clone()];
            let Some(mark) = list_mark(line) else { break };
            push_item(text, p.start + mark..p.end, repeated, &mut items);
        }
    } else {
        for part in split_items(text, body) {
            push_item(text, part, repeated, &mut items);
        }
    }
    (items, declared)
}

/// The end of the first petition trigger in the sentence.
fn trigger(lower: &str) -> Option<usize> {
    let mut first: Option<usize> = None;
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
            if *needs_residents && !RESIDENTS.iter().any(|r| before.contains(r)) {
                continue;
            }
            // "ý kiến … tập trung vào" is a petition list; "ý kiến chỉ đạo, tập trung vào" is not.
            if *t == "tập trung vào" && (!before.contains("ý kiến") || before.contains("chỉ đạo"))
            {
                continue;
            }
            if first.is_none_or(|f| at + t.len() < f) {
                first = Some(at + t.len());
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
            continue;
        }
        i += 1;
        while i < s.len() && !s.is_char_boundary(i) {
            i += 1;
        }
        let _ = bytes;
    }
    parts.push(range.start + start..range.end);
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
        let (items, declared) = find(text, 0..text.len(), &[]);
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
            let (items, _) = find(text, 0..text.len(), &[]);
            assert_eq!(items.len(), *n, "{text}: {items:?}");
        }
    }

    #[test]
    fn lists_on_following_lines() {
        let text = "Cử tri kiến nghị một số nội dung sau:\n- Sửa chữa cầu Khe Mai;\n+ Cấp nước sạch cho thôn 3.\nĐoạn khác.";
        let paras = dondoc_text::segment::paragraphs(text);
        let (items, _) = find(text, paras[0].clone(), &paras[1..]);
        let got: Vec<&str> = items.iter().map(|i| &text[i.range.clone()]).collect();
        assert_eq!(got, ["Sửa chữa cầu Khe Mai", "Cấp nước sạch cho thôn 3"]);
    }
}
