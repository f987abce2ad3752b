//! People with their positions: "đồng chí X, P1, P2", "ông/bà X - P", "P X", "đ/c X".
//! A name starts with a Vietnamese family name and has two to five capitalised syllables.

use std::ops::Range;

use crate::lexicon::{is_surname, starts_with_word, stop_words, title_heads, LEVELS, PERSON_CUES};
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
        // ("Nguyên", former, is a title only before one: "Nguyên Bí thư"; else a given name.)
        let rest = &text[ws[j].start..];
        let title = match title_heads().at(rest) {
            Some("Nguyên") => title_heads()
                .at(rest["Nguyên".len()..].trim_start())
                .is_some(),
            found => found.is_some(),
        };
        if title && j - i >= 2 {
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

/// Whether a word is (the last word of) a level: "huyện", "phố" of "thành phố".
fn is_level(w: &str) -> bool {
    LEVELS.iter().any(|l| {
        let last = l.rsplit(' ').next().unwrap_or(l);
        last.len() == w.len() && starts_with_word(w, last)
    })
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
    // A cued person followed by ";": the sentence lists people, one per item.
    let mut listing = false;
    let mut i = 0;
    while i < ws.len() {
        if !ws[i].capitalized() {
            i += 1;
            continue;
        }
        // Look back a few words only: what stands before a name decides what it is.
        let before = crate::lexicon::tail(&text[range.start..ws[i].start], 160);
        // "các đồng chí: A, …; B, …": the cue may end with a colon, and it holds for every
        // item of the list it opens.
        let b = before.trim_end().trim_end_matches(':').trim_end();
        let direct_cue = PERSON_CUES.iter().any(|c| {
            b.ends_with(c)
                && b[..b.len() - c.len()]
                    .chars()
                    .next_back()
                    .is_none_or(|ch| !ch.is_alphanumeric())
        });
        let list_item = listing && before.trim_end().ends_with(';');
        // "cử tri", "công dân" are followed by places too ("cử tri Hà Nội"): after them only a
        // full name with a family name is a person.
        let resident_cue = direct_cue
            && ["công dân", "cử tri", "Công dân", "Cử tri"]
                .iter()
                .any(|c| b.ends_with(c));
        // An item of a list of people starts with a family name ("Phòng Tài nguyên …" is a
        // body listed after them).
        let cue = direct_cue || (list_item && is_surname(ws[i].text));
        let Some(end) = name_at(text, ws, i, cue) else {
            i += 1;
            continue;
        };
        if resident_cue && (end - i < 3 || !is_surname(ws[i].text)) {
            i = end;
            continue;
        }
        // "UBND tỉnh An Giang Nguyễn Thanh Bình": a capitalised word before a family name is
        // the end of a place's name, not the start of the person's.
        while !cue && end - i >= 4 && i > 0 && joined_by_space(text, &ws[i - 1], &ws[i]) {
            if ws[i - 1].capitalized() && is_surname(ws[i + 1].text) {
                i += 1;
            } else if is_level(ws[i - 1].text) && is_surname(ws[i + 2].text) {
                // "tỉnh Hà Giang Nguyễn Minh Tiến": a place of two syllables, then the name.
                i += 2;
            } else {
                break;
            }
        }
        if end - i < 2 {
            i += 1;
            continue;
        }
        let before = crate::lexicon::tail(&text[range.start..ws[i].start], 160);
        let name_range = ws[i].start..ws[end - 1].end;
        let prev = i.checked_sub(1).map(|p| crate::lexicon::lower(ws[p].text));
        let after_level = prev.as_deref().is_some_and(is_level);
        let after_place = after_level || prev.as_deref().is_some_and(|p| PLACE_WORDS.contains(&p));
        // "Bí thư Tỉnh ủy Nguyễn Văn A": a title right before the name, in the same clause
        // (after "và" when two people are named: "… và Trưởng ban Tuyên giáo Huyện ủy B").
        let clause_start = before
            .rfind([',', ';', ':', '(', '.'])
            .map(|k| k + 1)
            .unwrap_or(0);
        let mut clause = before[clause_start..].trim_start();
        if let Some(k) = clause.rfind(" và ") {
            clause = &clause[k + " và ".len()..];
        }
        // "Đồng chí Bí thư Tỉnh ủy Đỗ Trọng Hưng": the cue before the title.
        for c in PERSON_CUES {
            if starts_with_word(clause, c) {
                clause = clause[c.len()..].trim_start();
                break;
            }
        }
        // Without a cue, only a full name (three syllables or more) right after a whole title:
        // "Bí thư Quận ủy Hoàng Mai" names a place, "… đã làm việc với Huyện ủy Yên Thành" too.
        let clause_at = ws[i].start - clause.len();
        let whole_title = title_at(text, clause_at, ws[i].start)
            .is_some_and(|r| r.end == clause_at + clause.trim_end().len());
        // "Chủ tịch HĐND huyện Trần Hoài Đức": after a title that ends with its level, a full
        // name is the person's, not the place's.
        let titled_level = after_level && whole_title && !cue;
        let lead_title = !cue
            && (!after_place || titled_level)
            && end - i >= 3
            && whole_title
            && !clause.is_empty();
        if !(cue || lead_title) {
            i = end;
            continue;
        }
        let mut positions = Vec::new();
        if lead_title || (cue && whole_title && !clause.is_empty()) {
            // "Phó Bí thư Huyện ủy, Chủ tịch HĐND huyện X": every title of the comma list
            // before the name, in order.
            let mut titles = vec![clause.trim_end().to_string()];
            let mut head = &before[..clause_start];
            while let Some(rest) = head.trim_end().strip_suffix(',') {
                let start = rest.rfind([',', ';', ':', '(', '.']).map_or(0, |k| k + 1);
                let chunk = rest[start..].trim();
                let before_at = ws[i].start - before.len();
                let at =
                    before_at + start + (rest[start..].len() - rest[start..].trim_start().len());
                let whole = !chunk.is_empty()
                    && title_at(text, at, at + chunk.len())
                        .is_some_and(|r| r.end == at + chunk.len());
                if !whole {
                    break;
                }
                titles.insert(0, chunk.to_string());
                head = &rest[..start];
            }
            positions.extend(titles);
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
        if cue && text[at..range.end].contains(';') {
            listing = true;
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
            // Lists after a cue with a colon, one person per item, positions after a dash.
            (
                "Tổ đại biểu gồm các bà: Lò Thị Mai – phó chủ tịch UBND huyện; Hoàng Văn Páo – Phó chủ tịch HĐND xã Mường Lói.",
                &[
                    ("Lò Thị Mai", &["phó chủ tịch UBND huyện"]),
                    ("Hoàng Văn Páo", &["Phó chủ tịch HĐND xã Mường Lói"]),
                ],
            ),
            (
                "Làm việc với đoàn có các đồng chí: Đinh Văn Tới, Bí thư Huyện ủy; Lưu Thị Nga, Phó Bí thư Huyện ủy.",
                &[
                    ("Đinh Văn Tới", &["Bí thư Huyện ủy"]),
                    ("Lưu Thị Nga", &["Phó Bí thư Huyện ủy"]),
                ],
            ),
            // Titles before the name, joined by commas, after a level word.
            (
                "Phó Bí thư Thị ủy, Chủ tịch UBND thị xã Kiều Văn Lực chủ trì.",
                &[("Kiều Văn Lực", &["Phó Bí thư Thị ủy", "Chủ tịch UBND thị xã"])],
            ),
            // A family name after a place's name starts the person's name.
            (
                "Phó Chủ tịch UBND tỉnh Hà Giang Nguyễn Minh Tiến phát biểu.",
                &[("Nguyễn Minh Tiến", &["Phó Chủ tịch UBND tỉnh Hà Giang"])],
            ),
            // A cue before the title.
            (
                "Đồng chí Bí thư Huyện ủy Mạc Văn Hòa dự buổi làm việc.",
                &[("Mạc Văn Hòa", &["Bí thư Huyện ủy"])],
            ),
            // A resident named in a petition; a place after "cử tri" is none.
            (
                "tiếp thu ý kiến của công dân: Sầm Văn Kiên, thôn Bản Chang",
                &[("Sầm Văn Kiên", &[])],
            ),
            ("cử tri Hà Nội kiến nghị", &[]),
            // "Nguyên" ends a name unless a title follows it; a body listed after people is none.
            (
                "Dự có các đồng chí: Tạ Quang Nguyên, Phó Chủ tịch UBND huyện; Phòng Nội vụ huyện; Nguyên Phó Chủ tịch Lê Văn Ba.",
                &[
                    ("Tạ Quang Nguyên", &["Phó Chủ tịch UBND huyện"]),
                    ("Lê Văn Ba", &["Nguyên Phó Chủ tịch"]),
                ],
            ),
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
