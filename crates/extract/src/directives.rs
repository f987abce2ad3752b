//! Directives: "yêu cầu X …", "giao X …", "đề nghị X …" (from the leader), "chỉ đạo X …",
//! "X cần …"; with the assignee, the action in the text's words and the deadline resolved to
//! a date. A sentence that starts with an action right after an instruction continues it.

use std::ops::Range;

use crate::lexicon::{action_verbs, exhortations, starts_with_word};
use crate::time::{self, Kind, When};
use crate::words::words;

#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub range: Range<usize>,
    pub assignee: Option<String>,
    pub deadline: Option<jiff::civil::Date>,
    pub deadline_text: Option<String>,
}

/// Nouns "yêu cầu" is in phrases that instruct nobody.
const NOT_INSTRUCTION_BEFORE: &[&str] = &[
    "theo",
    "đáp ứng",
    "đáp ứng được",
    "những",
    "các",
    "đúng",
    "với",
    "là",
    "mọi",
    "về",
];

/// Words that announce who speaks: their "đề nghị" or "chỉ đạo" is an instruction.
const SPEAKERS: &[&str] = &[
    "đồng chí",
    "đoàn",
    "lãnh đạo",
    "bí thư",
    "chủ tịch",
    "trưởng đoàn",
    "thường trực",
    "ban thường vụ",
    "ông ",
    "bà ",
];

/// Words that open a clause without a subject of their own: the speaker goes on.
const CONNECTORS: &[&str] = &[
    "đồng thời",
    "bên cạnh đó",
    "ngoài ra",
    "mặt khác",
    "cùng với đó",
    "đồng chí cũng",
    "cũng",
];

/// Finds instructions in a sentence. `org_end` gives, for a byte where an organisation's name
/// starts, where it ends (so an assignee's name is not cut at a verb inside it).
pub fn find(
    text: &str,
    sentence: Range<usize>,
    year: Option<i16>,
    org_end: &dyn Fn(usize) -> Option<usize>,
    speaking: bool,
) -> Vec<Found> {
    let s = &text[sentence.clone()];
    let mut out = Vec::new();
    // Most sentences instruct nobody: look for the words first, lower-case only when one is there.
    static CUES: std::sync::OnceLock<crate::lexicon::Cues> = std::sync::OnceLock::new();
    if !CUES
        .get_or_init(|| {
            crate::lexicon::Cues::new(&[
                "êu cầu",
                "iao",
                "ề nghị",
                "hỉ đạo",
                " cần ",
                " phải ",
                "luận một số nhiệm vụ",
                "luận các nhiệm vụ",
                "luận những nhiệm vụ",
                "luận nhiệm vụ",
                "ÊU CẦU",
                "IAO",
                "Ề NGHỊ",
                "HỈ ĐẠO",
                " CẦN ",
            ])
        })
        .in_text(s)
    {
        return out;
    }
    let lower = crate::lexicon::lower(s);
    for (trigger, at) in triggers(s, &lower, speaking) {
        let after = sentence.start + at + trigger.len();
        let rest_start = skip_ws(text, after, sentence.end);
        let rest_start = if text[rest_start..].starts_with("cho ") {
            skip_ws(text, rest_start + 4, sentence.end)
        } else {
            rest_start
        };
        if trigger == "kết luận" {
            // The tasks concluded, as listed, for nobody in particular.
            out.push(with_deadline(
                text,
                rest_start..trim_end(text, rest_start..sentence.end),
                None,
                year,
            ));
            break;
        }
        if let Some(f) = instruction(text, rest_start, sentence.end, year, org_end) {
            out.push(f);
            break;
        }
    }
    if out.is_empty() {
        if let Some(f) = need(text, &sentence, &lower, year) {
            out.push(f);
        }
    }
    out
}

/// A sentence that begins with an action ("Rà soát lại toàn bộ các chỉ tiêu …") continues the
/// instruction before it.
pub fn continuation(text: &str, sentence: Range<usize>, year: Option<i16>) -> Option<Found> {
    let s = &text[sentence.clone()];
    let first = s.chars().next()?;
    if !first.is_uppercase() || exhortations().at(s).is_some() {
        return None;
    }
    // "Đồng thời, tổng hợp, báo cáo …": a connector, then the action.
    let lower = crate::lexicon::lower(&s[..crate::lexicon::floor(s, 40)]);
    let skip = CONNECTORS
        .iter()
        .find(|c| lower.starts_with(&format!("{c}, ")))
        .map_or(0, |c| c.len() + 2);
    let action = &s[skip..];
    if skip > 0 && exhortations().at(action).is_some() {
        return None;
    }
    action_verbs().at(action)?;
    Some(with_deadline(
        text,
        sentence.start + skip..trim_end(text, sentence.clone()),
        None,
        year,
    ))
}

/// Subjects whose "đề nghị" is a petition, not an instruction.
const RESIDENTS: &[&str] = &[
    "cử tri",
    "nhân dân",
    "người dân",
    "hộ dân",
    "bà con",
    "công dân",
];

/// Where instructions start. `speaking` says the sentence before was the leader's instruction,
/// so a bare "Đề nghị …" or "Đồng thời đề nghị …" is the same speaker going on.
fn triggers(original: &str, lower: &str, speaking: bool) -> Vec<(&'static str, usize)> {
    let mut out = Vec::new();
    for t in ["yêu cầu", "giao", "đề nghị", "chỉ đạo", "kết luận"] {
        let mut from = 0;
        while let Some(k) = lower[from..].find(t) {
            let at = from + k;
            from = at + t.len();
            let before = crate::lexicon::tail(&lower[..at], 300).trim_end();
            // "Ban Chỉ đạo đại hội": a capitalised trigger inside a sentence is part of a name.
            if !before.is_empty() && original[at..].starts_with(char::is_uppercase) {
                continue;
            }
            // "kết luận một số nhiệm vụ trọng tâm …, bao gồm: …": the tasks concluded.
            if t == "kết luận"
                && ![
                    "một số nhiệm vụ",
                    "các nhiệm vụ",
                    "những nhiệm vụ",
                    "nhiệm vụ",
                ]
                .iter()
                .any(|n| lower[at + t.len()..].trim_start().starts_with(n))
            {
                continue;
            }
            let word_start = lower[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric());
            // "giao thông", "bàn giao", "giao lưu" are other words.
            if t == "giao"
                && (before.ends_with("bàn")
                    || [
                        "thông", "dịch", "lưu", "tiếp", "thương", "nhận", "hữu", "hàng", "ca",
                        "khoán",
                    ]
                    .iter()
                    .any(|w| {
                        crate::lexicon::starts_with_word(lower[at + t.len()..].trim_start(), w)
                    }))
            {
                continue;
            }
            let word_end = lower[at + t.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric());
            if !word_start || !word_end {
                continue;
            }
            if NOT_INSTRUCTION_BEFORE.iter().any(|n| before.ends_with(n)) {
                continue;
            }
            // "lãnh đạo, chỉ đạo, thực hiện": the word in a list of verbs instructs nobody.
            if lower[at + t.len()..].trim_start().starts_with(',') {
                continue;
            }
            let clause = &before[before.rfind([',', ';', '.']).map(|k| k + 1).unwrap_or(0)..];
            let at_clause_start = clause.trim().is_empty();
            // "Đồng thời, đề nghị …": a connector, then the speaker's next instruction.
            let lead_in = before.trim_end_matches(',').trim();
            let continued = CONNECTORS
                .iter()
                .any(|c| clause.trim() == *c || lead_in == *c)
                || (speaking
                    && (clause.trim().is_empty()
                        || CONNECTORS.iter().any(|c| clause.trim().starts_with(c))));
            let spoken = SPEAKERS.iter().any(|sp| clause.contains(sp)) || continued;
            // "…, đề nghị huyện kiểm tra …": a clause of its own whose subject is no resident
            // is the leader's; residents' requests are petitions.
            let residents = RESIDENTS.iter().any(|r| before.contains(r));
            let ok = match t {
                "yêu cầu" => !before.ends_with("được"),
                // "được giao nhiệm vụ" reports a task given before; it instructs nobody.
                "giao" => !before.ends_with("được") && (at_clause_start || spoken),
                "kết luận" => spoken || before.is_empty(),
                "đề nghị" if at_clause_start && !residents && !before.is_empty() => {
                    !before.split_whitespace().any(|w| w == "đã" || w == "được")
                }
                // Reported past work ("Đảng ủy đã …; chỉ đạo tổ chức thành công …") instructs nobody.
                _ => {
                    (spoken || before.is_empty())
                        && !before.split_whitespace().any(|w| w == "đã" || w == "được")
                }
            };
            if ok {
                out.push((t, at));
            }
        }
    }
    out.sort_by_key(|(_, at)| *at);
    out
}

fn skip_ws(text: &str, mut at: usize, end: usize) -> usize {
    while at < end {
        let c = text[at..].chars().next().unwrap_or(' ');
        if !(c.is_whitespace() || c == ':') {
            break;
        }
        at += c.len_utf8();
    }
    at
}

fn trim_end(text: &str, r: Range<usize>) -> usize {
    let s = &text[r.clone()];
    let t = s.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '.' | '…' | ';' | ','));
    r.start + t.len()
}

/// After a trigger: the assignee up to the first action, then the action to the end.
fn instruction(
    text: &str,
    start: usize,
    end: usize,
    year: Option<i16>,
    org_end: &dyn Fn(usize) -> Option<usize>,
) -> Option<Found> {
    let ws = words(text, start..end);
    let first = ws.first()?;
    if action_verbs().at(&text[first.start..end]).is_some() {
        return Some(with_deadline(
            text,
            first.start..trim_end(text, first.start..end),
            None,
            year,
        ));
    }
    // An organisation's full name, then look for the action after it; what follows a whole
    // name in lower case is the action, however it starts ("giao Sở Kế hoạch và Đầu tư trên
    // cơ sở …").
    let scan_from = org_end(first.start).unwrap_or(first.start);
    if let Some(org) = org_end(first.start) {
        let rest = &text[org..end];
        let action = org + (rest.len() - rest.trim_start().len());
        let starts_lower = rest.starts_with(' ')
            && text[action..end].starts_with(char::is_lowercase)
            && action_verbs().at(&text[action..end]).is_none()
            && !starts_with_word(&text[action..end], "và")
            && !starts_with_word(&text[action..end], "cùng");
        let verb_soon = ws
            .iter()
            .filter(|w| w.start >= action && w.start <= action + 40)
            .any(|w| action_verbs().at(&text[w.start..end]).is_some());
        if starts_lower && !verb_soon {
            return Some(with_deadline(
                text,
                action..trim_end(text, action..end),
                Some(text[first.start..org].to_string()),
                year,
            ));
        }
    }
    for (n, w) in ws.iter().enumerate() {
        if n > 16 {
            return None;
        }
        if w.start < scan_from || w.start == first.start {
            continue;
        }
        if action_verbs().at(&text[w.start..end]).is_some() {
            let assignee = text[first.start..w.start]
                .trim_end_matches(|c: char| c.is_whitespace() || c == ',')
                .to_string();
            // "các sở, ban, ngành; UBND các huyện, thành phố": units listed with ";" too.
            if assignee.is_empty() || assignee.contains(['.', '“', '"']) {
                return None;
            }
            return Some(with_deadline(
                text,
                w.start..trim_end(text, w.start..end),
                Some(assignee),
                year,
            ));
        }
    }
    None
}

/// "X cần …", "X phải …": the assignee is what stands between the clause start and the verb.
fn need(text: &str, sentence: &Range<usize>, lower: &str, year: Option<i16>) -> Option<Found> {
    need_of(text, sentence, lower, year, " cần ").or_else(|| must(text, sentence, lower, year))
}

/// "Các công trình … phải khẩn trương đẩy nhanh tiến độ …": an obligation, followed by an
/// action; its subject is named as the assignee only when it is short.
fn must(text: &str, sentence: &Range<usize>, lower: &str, year: Option<i16>) -> Option<Found> {
    const NEEDLE: &str = " phải ";
    let k = lower.find(NEEDLE)?;
    let action = sentence.start + k + NEEDLE.len();
    action_verbs().at(&text[action..sentence.end])?;
    let before = &text[sentence.start..sentence.start + k];
    let clause_start = before.rfind([',', ';', ':']).map(|k| k + 1).unwrap_or(0);
    let subject = before[clause_start..].trim();
    let n = subject.split_whitespace().count();
    if n == 0 {
        return None;
    }
    let assignee = (n <= 8).then(|| subject.to_string());
    Some(with_deadline(
        text,
        action..trim_end(text, action..sentence.end),
        assignee,
        year,
    ))
}

fn need_of(
    text: &str,
    sentence: &Range<usize>,
    lower: &str,
    year: Option<i16>,
    needle: &'static str,
) -> Option<Found> {
    let mut from = 0;
    while let Some(k) = lower[from..].find(needle) {
        let at = from + k;
        from = at + needle.len();
        let after = &lower[at + needle.len()..];
        if starts_with_word(after, "thiết") || starts_with_word(after, "thiết phải") {
            continue;
        }
        let before = crate::lexicon::tail(&text[sentence.start..sentence.start + at], 300);
        let clause_start = before.rfind([',', ';', ':']).map(|k| k + 1).unwrap_or(0);
        let assignee = before[clause_start..].trim();
        let n = assignee.split_whitespace().count();
        if n == 0 || n > 8 || assignee.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            continue;
        }
        let action = sentence.start + at + needle.len();
        return Some(with_deadline(
            text,
            action..trim_end(text, action..sentence.end),
            Some(assignee.to_string()),
            year,
        ));
    }
    None
}

/// Markers that may stand before a deadline and belong to its wording.
const DEADLINE_MARKERS: &[&str] = &[
    "trước",
    "vào",
    "trong",
    "chậm nhất",
    "xong trước",
    "hoàn thành trước",
    "đến",
    "trước ngày",
];

fn with_deadline(
    text: &str,
    range: Range<usize>,
    assignee: Option<String>,
    year: Option<i16>,
) -> Found {
    let times = time::find(text, range.clone(), year);
    let chosen = times.iter().rev().find(|t| {
        t.when.is_some() && !matches!(t.kind, Kind::NotDate | Kind::Months { bare: true })
    });
    let (deadline, deadline_text) = match chosen {
        Some(t) => {
            let end = match t.when.as_ref() {
                Some(When::Day(d)) => *d,
                Some(w) => w.end(),
                None => unreachable!("filtered"),
            };
            let before = text[range.start..t.range.start].trim_end();
            // The markers are a few words long: the end of what stands before is enough.
            let before_lower = crate::lexicon::lower(crate::lexicon::tail(before, 40));
            let marker = DEADLINE_MARKERS
                .iter()
                .filter(|m| before_lower.ends_with(**m))
                .max_by_key(|m| m.len());
            let start = match marker {
                Some(m) => range.start + before.len() - m.len(),
                None => t.range.start,
            };
            (Some(end), Some(text[start..t.range.end].to_string()))
        }
        None => (None, None),
    };
    Found {
        range,
        assignee,
        deadline,
        deadline_text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (action, assignee, deadline, deadline as worded)
    type Got = (String, Option<String>, Option<String>, Option<String>);

    fn one(text: &str) -> Option<Got> {
        find(text, 0..text.len(), Some(2020), &|_| None, false)
            .into_iter()
            .next()
            .map(|f| {
                (
                    text[f.range].to_string(),
                    f.assignee,
                    f.deadline.map(|d| d.to_string()),
                    f.deadline_text,
                )
            })
    }

    #[test]
    fn instructions_table() {
        type Want<'a> = (&'a str, Option<&'a str>, Option<&'a str>, Option<&'a str>);
        let cases: &[(&str, Want)] = &[
            (
                "Về thực hiện NQ 21, đồng chí yêu cầu Đảng ủy phường tiếp thu các ý kiến đóng góp, bổ sung vào việc triển khai thực hiện nhiệm vụ trong 4 tháng cuối năm 2020.",
                ("tiếp thu các ý kiến đóng góp, bổ sung vào việc triển khai thực hiện nhiệm vụ trong 4 tháng cuối năm 2020", Some("Đảng ủy phường"), Some("2020-12-31"), Some("trong 4 tháng cuối năm 2020")),
            ),
            (
                "Yêu cầu các phòng, ban, đơn vị phối hợp chặt chẽ với cấp ủy, chính quyền địa phương.",
                ("phối hợp chặt chẽ với cấp ủy, chính quyền địa phương", Some("các phòng, ban, đơn vị"), None, None),
            ),
            (
                "Đối với các nôi dung kiến nghị, yêu cầu Đảng ủy phường tập hợp theo nhóm kiến nghị, Ban thường vụ Thành ủy sẽ nghe tổng thể vào cuối tháng 8/2020.",
                ("tập hợp theo nhóm kiến nghị, Ban thường vụ Thành ủy sẽ nghe tổng thể vào cuối tháng 8/2020", Some("Đảng ủy phường"), Some("2020-08-31"), Some("vào cuối tháng 8/2020")),
            ),
            (
                "Liên quan tới việc đầu tư, trước mắt, cấp ủy phường cần chủ động từ nguồn ngân sách của địa phương.",
                ("chủ động từ nguồn ngân sách của địa phương", Some("cấp ủy phường"), None, None),
            ),
            (
                "Đồng chí đề nghị UBND huyện khẩn trương hoàn thành việc cấp giấy chứng nhận trước ngày 30/6/2021.",
                ("khẩn trương hoàn thành việc cấp giấy chứng nhận trước ngày 30/6/2021", Some("UBND huyện"), Some("2021-06-30"), Some("trước ngày 30/6/2021")),
            ),
            ("Chỉ đạo Sở Y tế chuẩn bị phương án trong quý III/2021.", ("chuẩn bị phương án trong quý III/2021", Some("Sở Y tế"), Some("2021-09-30"), Some("trong quý III/2021"))),
            // A clause of its own after a finding.
            (
                "Còn 5 hộ chưa bàn giao mặt bằng, đề nghị xã vận động các hộ sớm bàn giao.",
                ("vận động các hộ sớm bàn giao", Some("xã"), None, None),
            ),
            // A connector before the comma.
            (
                "Đồng thời, đề nghị UBND thị xã chỉ đạo các phòng chuyên môn rà soát lại hồ sơ.",
                ("chỉ đạo các phòng chuyên môn rà soát lại hồ sơ", Some("UBND thị xã"), None, None),
            ),
            // Units listed with a semicolon.
            (
                "Chủ tịch UBND tỉnh giao các sở, ngành; UBND các huyện khẩn trương rà soát danh mục dự án.",
                ("khẩn trương rà soát danh mục dự án", Some("các sở, ngành; UBND các huyện"), None, None),
            ),
            // The tasks a chair concludes.
            (
                "Đồng chí chủ trì kết luận các nhiệm vụ trong tháng 11/2021, gồm: thu ngân sách; phòng chống dịch.",
                ("các nhiệm vụ trong tháng 11/2021, gồm: thu ngân sách; phòng chống dịch", None, Some("2021-11-30"), Some("trong tháng 11/2021")),
            ),
            // An obligation of a long subject.
            (
                "Các công trình giao thông nông thôn ở những xã về đích năm nay phải khẩn trương hoàn thành.",
                ("khẩn trương hoàn thành", None, None, None),
            ),
        ];
        for (text, want) in cases {
            let got = one(text).unwrap_or_else(|| panic!("{text}"));
            let want = (
                want.0.to_string(),
                want.1.map(String::from),
                want.2.map(String::from),
                want.3.map(String::from),
            );
            assert_eq!(got, want, "{text}");
        }
    }

    /// What follows a whole name is the action, however it starts.
    #[test]
    fn the_action_follows_the_assignee_s_name() {
        let text =
            "Giao Sở Tài chính căn cứ kết quả thẩm định để phân bổ kinh phí trước ngày 15/10/2021.";
        let org = text.find("Sở").unwrap_or(0);
        let org_end = |at: usize| (at == org).then_some(org + "Sở Tài chính".len());
        let f = find(text, 0..text.len(), Some(2021), &org_end, false);
        let f = f.first().expect("an instruction");
        assert_eq!(
            &text[f.range.clone()],
            "căn cứ kết quả thẩm định để phân bổ kinh phí trước ngày 15/10/2021"
        );
        assert_eq!(f.assignee.as_deref(), Some("Sở Tài chính"));
    }

    #[test]
    fn not_instructions_table() {
        for text in [
            "Đảng ủy phường đã chỉ đạo tổ chức thành công bầu cử.",
            "đáp ứng yêu cầu nhiệm vụ trong tình hình mới.",
            "Cử tri đề nghị sửa đường.",
            "Công tác phòng chống dịch được chỉ đạo thường xuyên.",
            "Đây là việc cần thiết.",
            "Các phòng được giao nhiệm vụ tham mưu triển khai dự án.",
            "Tổ công tác của Ban Chỉ đạo đại hội làm việc với phường.",
            "Cử tri thôn 3, đề nghị sửa chữa cầu tràn.",
        ] {
            assert!(one(text).is_none(), "{text}: {:?}", one(text));
        }
    }

    #[test]
    fn continuations() {
        let t = "Rà soát lại toàn bộ các chỉ tiêu theo đúng tinh thần nghị quyết.";
        assert!(continuation(t, 0..t.len(), Some(2020)).is_some());
        let t = "Nêu cao tinh thần chủ động, sáng tạo.";
        assert!(continuation(t, 0..t.len(), Some(2020)).is_none());
        let t = "Tình hình an ninh được đảm bảo.";
        assert!(continuation(t, 0..t.len(), Some(2020)).is_none());
        // After a connector.
        let t = "Đồng thời, tổng hợp kết quả báo cáo UBND huyện trong quý IV/2021.";
        let f = continuation(t, 0..t.len(), Some(2021)).expect("a continuation");
        assert_eq!(
            &t[f.range],
            "tổng hợp kết quả báo cáo UBND huyện trong quý IV/2021"
        );
    }
}
