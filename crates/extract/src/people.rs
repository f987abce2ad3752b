//! People with their positions: "đồng chí X, P1, P2", "ông/bà X - P", "P X", "đ/c X".
//! A name starts with a Vietnamese family name and has two to five capitalised syllables.

use std::ops::Range;

use crate::lexicon::{is_surname, stop_words, title_heads, LEVELS, PERSON_CUES};
use crate::words::{joined_by_space, words, Word};

#[derive(Debug, Clone)]
pub struct Mention {
    pub name: String,
    pub name_range: Range<usize>,
    pub positions: Vec<String>,
}

/// Words before a name that say it is a place, not a person ("phường Hà Lầm", "tại Hà Nội").
const PLACE_WORDS: &[&str] = &[
    "khu",
    "thôn",
    "bản",
    "tổ",
    "xóm",
    "ấp",
    "đường",
    "phố",
    "động",
    "tại",
    "ở",
    "về",
    "với",
    "của",
    "sông",
    "núi",
    "hồ",
    "cầu",
    "chợ",
    "than",
    "mỏ",
    "làng",
    "vùng",
    "cảng",
    "bến",
    "xứ",
    "miền",
    "đèo",
    "đảo",
    "biển",
    "vịnh",
];

/// The name starting at word `i`, as the index past its last word. After a cue ("đồng chí",
/// "ông") any capitalised words will do ("Sần Sín Lở", "Y Biêr Niê"); without one, the name
/// must start with a family name.
fn name_at(text: &str, ws: &[Word], i: usize, cued: bool) -> Option<usize> {
    let first = ws.get(i)?;
    if !(is_surname(first.text)
        || cued && first.capitalized() && !first.text.chars().all(char::is_uppercase))
    {
        return None;
    }
    if title_heads().at(&text[first.start..]).is_some() {
        return None;
    }
    let mut j = i + 1;
    while j < ws.len()
        && j - i < 5
        && ws[j].capitalized()
        && joined_by_space(text, &ws[j - 1], &ws[j])
        && !ws[j].text.chars().all(char::is_uppercase)
    {
        // A title or an organisation starts here, not more of the name.
        if title_heads().at(&text[ws[j].start..]).is_some() && j - i >= 2 {
            break;
        }
        j += 1;
    }
    if j - i < 2 {
        return None;
    }
    // "Phó Bí thư": what looked like a name runs into a title.
    let through_next = match ws.get(j) {
        Some(next) => &text[ws[i].start..next.end],
        None => &text[ws[i].start..ws[j - 1].end],
    };
    if title_heads().at(through_next).is_some() {
        return None;
    }
    Some(j)
}

/// A title of office starting at byte `at`: up to the next comma, bracket or stop word.
pub fn title_at(text: &str, at: usize, end: usize) -> Option<Range<usize>> {
    // A title is a few words long: look no further than that.
    let end = crate::lexicon::floor(text, end.min(at + 240)).max(at);
    let rest = &text[at..end];
    title_heads().at(rest)?;
    let mut stop = rest
        .find([',', ';', '(', ')', '.', ':', '“', '"'])
        .unwrap_or(rest.len());
    for w in words(text, at..at + stop).iter().skip(1) {
        let tail = &text[w.start..at + stop];
        if !w.capitalized() && stop_words().at(tail).is_some() {
            stop = w.start - at;
            break;
        }
    }
    let t = text[at..at + stop].trim_end();
    (t.split_whitespace().count() >= 1).then(|| at..at + t.len())
}

/// People mentioned in one sentence.
#[cfg(test)]
pub fn find(text: &str, range: Range<usize>) -> Vec<Mention> {
    let ws = words(text, range.clone());
    find_in(text, range, &ws)
}

/// People mentioned in one sentence whose words the caller has already split.
pub fn find_in(text: &str, range: Range<usize>, ws: &[Word]) -> Vec<Mention> {
    let mut out: Vec<Mention> = Vec::new();
    let mut i = 0;
    while i < ws.len() {
        if !ws[i].capitalized() {
            i += 1;
            continue;
        }
        // Look back a few words only: what stands before a name decides what it is.
        let before = crate::lexicon::tail(&text[range.start..ws[i].start], 160);
        let cue = PERSON_CUES.iter().any(|c| {
            let b = before.trim_end();
            b.ends_with(c)
                && b[..b.len() - c.len()]
                    .chars()
                    .next_back()
                    .is_none_or(|ch| !ch.is_alphanumeric())
        });
        let Some(end) = name_at(text, ws, i, cue) else {
            i += 1;
            continue;
        };
        let name_range = ws[i].start..ws[end - 1].end;
        let prev = i.checked_sub(1).map(|p| crate::lexicon::lower(ws[p].text));
        let after_place = prev.as_deref().is_some_and(|p| {
            PLACE_WORDS.contains(&p)
                || LEVELS
                    .iter()
                    .any(|l| l.ends_with(p) || crate::lexicon::lower(l).ends_with(p))
        });
        // "Bí thư Tỉnh ủy Nguyễn Văn A": a title right before the name, in the same clause.
        let clause_start = before
            .rfind([',', ';', ':', '(', '.'])
            .map(|k| k + 1)
            .unwrap_or(0);
        let clause = before[clause_start..].trim_start();
        // Without a cue, only a full name (three syllables or more) right after a whole title:
        // "Bí thư Quận ủy Hoàng Mai" names a place, "… đã làm việc với Huyện ủy Yên Thành" too.
        let clause_at = ws[i].start - clause.len();
        let whole_title = title_at(text, clause_at, ws[i].start)
            .is_some_and(|r| r.end == clause_at + clause.trim_end().len());
        let lead_title = !cue && !after_place && end - i >= 3 && whole_title && !clause.is_empty();
        if !(cue || lead_title) {
            i = end;
            continue;
        }
        let mut positions = Vec::new();
        if lead_title {
            let t = clause.trim_end();
            positions.push(t.to_string());
        }
        // ", P1, P2" or " - P" or " (P)" after the name.
        let mut at = name_range.end;
        loop {
            let rest = &text[at..range.end];
            let sep = [", ", " - ", " – ", " (", ","]
                .iter()
                .find(|s| rest.starts_with(**s))
                .copied();
            let Some(sep) = sep else { break };
            let start = at + sep.len();
            let start =
                start + (text[start..range.end].len() - text[start..range.end].trim_start().len());
            match title_at(text, start, range.end) {
                Some(r) => {
                    positions.push(text[r.clone()].to_string());
                    at = r.end;
                }
                None => break,
            }
        }
        out.push(Mention {
            name: text[name_range.clone()].to_string(),
            name_range,
            positions,
        });
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people(text: &str) -> Vec<(String, Vec<String>)> {
        find(text, 0..text.len())
            .into_iter()
            .map(|m| (m.name, m.positions))
            .collect()
    }

    #[test]
    fn people_table() {
        type Case<'a> = (&'a str, &'a [(&'a str, &'a [&'a str])]);
        let cases: &[Case] = &[
            (
                "ngày 24/8, đồng chí Nguyễn Anh Tú, Tỉnh ủy viên, Phó Bí thư TT Thành ủy cùng đoàn công tác",
                &[("Nguyễn Anh Tú", &["Tỉnh ủy viên", "Phó Bí thư TT Thành ủy"])],
            ),
            (
                "Đồng chí Hà Hồng Sơn, Bí thư Đảng ủy, Chủ tịch UBND phường Hà Lầm báo cáo kết quả",
                &[("Hà Hồng Sơn", &["Bí thư Đảng ủy", "Chủ tịch UBND phường Hà Lầm"])],
            ),
            ("Tham dự có ông Trần Văn Bình - Giám đốc Sở Xây dựng.", &[("Trần Văn Bình", &["Giám đốc Sở Xây dựng"])]),
            ("Bí thư Tỉnh ủy Nguyễn Xuân Ký phát biểu", &[("Nguyễn Xuân Ký", &["Bí thư Tỉnh ủy"])]),
            ("đ/c Lê Thị Hoa phát biểu", &[("Lê Thị Hoa", &[])]),
            ("Chủ tịch UBND phường Hà Lầm báo cáo", &[]),
            ("khảo sát tại sân vận động Hà Lầm", &[]),
            ("Đồng chí Phó Bí thư Thường trực Thành ủy ghi nhận", &[]),
        ];
        for (text, want) in cases {
            let got = people(text);
            let want: Vec<(String, Vec<String>)> = want
                .iter()
                .map(|(n, p)| (n.to_string(), p.iter().map(|s| s.to_string()).collect()))
                .collect();
            assert_eq!(got, want, "{text}");
        }
    }
}
