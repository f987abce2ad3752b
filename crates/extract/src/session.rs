//! The session header: the day the session was held, the delegation that held it, who led it
//! and the unit it visited or that held it. Read from the headline ("<delegation> làm việc với
//! <unit>"), then from the opening of the body ("… có buổi làm việc với xã X", "UBND phường tổ
//! chức hội nghị", "Đoàn giám sát …").

use std::ops::Range;

use dondoc_text::fold;

use crate::layout::{Kind as ParaKind, Para};
use crate::lexicon::{lower, starts_with_word, title_heads};
use crate::model::{Person, SessionHeader};
use crate::{orgs, time};

/// Verbs that join a delegation to the unit it visits in a headline.
const VISITS: &[&str] = &[
    " làm việc với ",
    " làm việc tại ",
    " thăm và làm việc với ",
    " thăm và làm việc tại ",
    " kiểm tra ",
    " giám sát ",
    " tiếp xúc cử tri ",
    " duyệt ",
];

/// Verbs of a unit holding its own session: "UBND phường họp thường kỳ", "Chủ tịch UBND huyện
/// tiếp công dân". The unit is the host; there is no delegation.
const HOLDS: &[&str] = &[" tiếp công dân", " họp ", " tổ chức "];

/// Verbs of the body's opening that a delegation is the subject of.
const LEDE_VISITS: &[&str] = &[
    " có buổi làm việc với ",
    " đã làm việc với ",
    " làm việc với ",
    " vừa đến giám sát ",
    " đến giám sát ",
    " đã giám sát ",
    " đến kiểm tra ",
    " đã kiểm tra ",
    " đã duyệt ",
];

/// Words before a day that make it a deadline, not the day of the session.
const DEADLINE_BEFORE: &[&str] = &["trước ngày", "đến ngày", "chậm nhất", "hạn", "trước"];

/// What the headline's subject is: a body, or a person by title ("Bí thư Tỉnh ủy Sơn La",
/// "Đồng chí Phó bí thư …"). Anything else ("HN") is no subject.
#[derive(Clone, Copy, PartialEq)]
enum Subject {
    Unit,
    Person,
}

fn subject_of(s: &str) -> Option<Subject> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if orgs::find(s, 0..s.len())
        .first()
        .is_some_and(|o| o.range.start == 0)
    {
        return Some(Subject::Unit);
    }
    let person = title_heads().at(s).is_some()
        || ["đồng chí", "ông", "bà", "lãnh đạo"]
            .iter()
            .any(|w| starts_with_word(s, w));
    person.then_some(Subject::Person)
}

/// The unit a headline says was visited: what follows the visit verb, from "tại" on if the
/// visit was to a place, up to the subject matter ("về …", "trước kỳ họp …"); when that is
/// not a unit ("kinh phí … xã Đông Phước A"), the place named inside it.
fn host_of(right: &str) -> Option<String> {
    let mut h = right.trim().trim_end_matches(['.', ':']);
    h = h.strip_prefix("tại ").unwrap_or(h);
    if let Some((_, place)) = h.split_once(" tại ") {
        h = place;
    }
    for cut in [
        " về ",
        " trước ",
        " nhằm ",
        " để ",
        " năm ",
        " trong ",
        " sau ",
        " nhiệm kỳ ",
    ] {
        if let Some((head, _)) = h.split_once(cut) {
            h = head;
        }
    }
    let h = h.trim();
    if h.is_empty() {
        return None;
    }
    let unit = orgs::find(h, 0..h.len())
        .first()
        .is_some_and(|o| o.range.start == 0)
        || orgs::place_at(h, 0, h.len()).is_some();
    if unit {
        return Some(h.to_string());
    }
    place_inside(h, 0..h.len()).map(|r| h[r].to_string())
}

/// The first place ("xã Thịnh Sơn") named inside `range`.
fn place_inside(text: &str, range: Range<usize>) -> Option<Range<usize>> {
    let s = &text[range.clone()];
    for (i, _) in s.char_indices() {
        let at_word = i == 0 || s[..i].ends_with(' ');
        if at_word {
            if let Some(end) = orgs::place_at(text, range.start + i, range.end) {
                return Some(range.start + i..end);
            }
        }
    }
    None
}

/// A unit (a body or a place) starting at `at`, as written.
fn unit_at(text: &str, at: usize, end: usize) -> Option<String> {
    if let Some(o) = orgs::find(text, at..end)
        .into_iter()
        .find(|o| o.range.start == at)
    {
        return Some(text[o.range].to_string());
    }
    orgs::place_at(text, at, end).map(|e| text[at..e].to_string())
}

/// Every start of `needle` in `s`.
fn all<'a>(s: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    s.match_indices(needle).map(|(k, _)| k)
}

pub struct Input<'a> {
    pub text: &'a str,
    pub paras: &'a [Para],
    pub title: Option<&'a str>,
    pub people: &'a [(Person, bool)],
    /// Document references with their dates: a day inside one is no session's day.
    pub documents: &'a [Range<usize>],
    /// The delegations the body names, in order, each as written or by the short name the text
    /// gives it ("(gọi tắt là Đoàn Kiểm tra số 542)").
    pub delegations: &'a [(usize, String)],
    pub year: Option<i16>,
}

pub fn header(cx: &Input) -> SessionHeader {
    let text = cx.text;
    let mut header = SessionHeader::default();
    let body: Vec<Range<usize>> = cx
        .paras
        .iter()
        .filter(|p| p.kind == ParaKind::Body)
        .map(|p| crate::opening(text, &p.range))
        .collect();
    let lede = &body[..body.len().min(3)];

    // The headline.
    let mut subject: Option<(Subject, String)> = None;
    if let Some(t) = cx.title {
        if let Some((left, right)) = VISITS.iter().find_map(|v| t.split_once(v)) {
            let left = left.trim();
            if let Some(kind) = subject_of(left) {
                subject = Some((kind, left.to_string()));
                header.delegation = Some(left.to_string());
            }
            header.host = host_of(right);
        } else if let Some((left, _)) = HOLDS.iter().find_map(|v| t.split_once(v)) {
            if let Some(o) = orgs::find(left, 0..left.len()).first() {
                header.host = Some(left[o.range.clone()].to_string());
                subject = Some((Subject::Unit, left.trim().to_string()));
            }
        }
    }

    // The body may name the host in full ("làm việc với UBND phường Phú Hội" where the title
    // says "tại phường Phú Hội"), or name it where the headline does not.
    let title_host_is_body = header.host.as_deref().is_some_and(|h| {
        orgs::find(h, 0..h.len())
            .first()
            .is_some_and(|o| o.range.start == 0)
    });
    'visited: for r in lede {
        let s = &text[r.clone()];
        for k in all(s, "làm việc với ") {
            let start = r.start + k + "làm việc với ".len();
            let Some(named) = unit_at(text, start, r.end) else {
                continue;
            };
            match header.host.as_deref() {
                Some(h) if !title_host_is_body => {
                    if fold(&named).contains(&fold(h)) && named.len() > h.len() {
                        header.host = Some(named);
                    }
                    break 'visited;
                }
                Some(_) => break 'visited,
                None => {
                    header.host = Some(named);
                    break 'visited;
                }
            }
        }
    }
    // A unit holding its own meeting: "UBND phường tổ chức hội nghị"; named there in full
    // where the headline shortens it.
    let held_short = matches!(subject, Some((Subject::Unit, _))) && header.delegation.is_none();
    if (header.host.is_none() || held_short) && header.delegation.is_none() {
        'held: for r in lede {
            let s = &text[r.clone()];
            for verb in [
                " tổ chức hội nghị",
                " tổ chức họp",
                " tổ chức buổi",
                " họp ",
            ] {
                for k in all(s, verb) {
                    let clause_start = s[..k].rfind([',', '.', ';']).map_or(0, |c| c + 1);
                    let clause = &s[clause_start..k];
                    let lead = clause.len() - clause.trim_start().len();
                    let at = r.start + clause_start + lead;
                    if let Some(o) = orgs::find(text, at..r.start + k)
                        .into_iter()
                        .find(|o| o.range.start == at && o.range.end == r.start + k)
                    {
                        let named = &text[o.range];
                        let fuller = header.host.as_deref().is_none_or(|h| {
                            named.len() > h.len() && fold(named).contains(&fold(h))
                        });
                        if fuller {
                            header.host = Some(named.to_string());
                        }
                        break 'held;
                    }
                }
            }
        }
    }

    // The delegation the body names: in full where the headline shortens it ("Tổ Đại biểu
    // HĐND huyện" for "Đại biểu HĐND huyện"); the body's own when the headline names none.
    // Only a headline's members ("Đại biểu HĐND huyện") are completed so; a body it names
    // ("HĐND tỉnh Bắc Giang") stays as the headline has it.
    match header.delegation.as_deref() {
        Some(_) if !matches!(subject, Some((Subject::Person, _))) => {}
        Some(d) => {
            let key = fold(d);
            if let Some((_, longer)) = cx
                .delegations
                .iter()
                .find(|(_, n)| n.len() > d.len() && fold(n).contains(&key))
            {
                header.delegation = Some(longer.clone());
            }
        }
        // One the lede names; else (below) the subject of the lede's visit; else the first
        // one the body names.
        None => {
            header.delegation = cx
                .delegations
                .iter()
                .find(|(at, _)| lede.first().is_some_and(|r| r.contains(at)))
                .map(|(_, n)| n.clone());
        }
    }
    // A person the headline names leads a delegation the opening mentions ("dẫn đầu đoàn công
    // tác", "cùng đoàn công tác"): that is the delegation.
    if matches!(subject, Some((Subject::Person, _))) {
        'led: for r in lede.iter().take(1) {
            let s = lower(&text[r.clone()]);
            for cue in ["dẫn đầu ", "cùng "] {
                for k in all(&s, cue) {
                    let at = k + cue.len();
                    for d in ["đoàn công tác", "đoàn kiểm tra", "đoàn giám sát"] {
                        if starts_with_word(&s[at..], d) {
                            let start = r.start + at;
                            header.delegation = Some(text[start..start + d.len()].to_string());
                            break 'led;
                        }
                    }
                }
            }
        }
    }
    // The subject of the opening's visit verb: "Thường trực Huyện ủy có buổi làm việc với …".
    if header.delegation.is_none() {
        'subject: for r in lede.iter().take(2) {
            let s = &text[r.clone()];
            for verb in LEDE_VISITS {
                for k in all(s, verb) {
                    let clause_start = s[..k].rfind([',', '.', ';']).map_or(0, |c| c + 1);
                    let clause = &s[clause_start..k];
                    let lead = clause.len() - clause.trim_start().len();
                    let at = r.start + clause_start + lead;
                    let mut end = r.start + k;
                    for filler in [" vừa", " đã"] {
                        if text[at..end].ends_with(filler) {
                            end -= filler.len();
                        }
                    }
                    if let Some(o) = orgs::find(text, at..end)
                        .into_iter()
                        .find(|o| o.range.start == at && o.range.end == end)
                    {
                        header.delegation = Some(text[o.range].to_string());
                        break 'subject;
                    }
                }
            }
        }
    }
    if header.delegation.is_none() {
        header.delegation = cx.delegations.first().map(|(_, n)| n.clone());
    }
    // A person's visit "trên địa bàn huyện X" or "tại xã Y" hosts it there.
    if header.host.is_none() && matches!(subject, Some((Subject::Person, _))) {
        'place: for r in lede.iter().take(1) {
            let s = &text[r.clone()];
            for cue in ["trên địa bàn ", "tại "] {
                for k in all(s, cue) {
                    let at = r.start + k + cue.len();
                    if let Some(end) = orgs::place_at(text, at, r.end) {
                        header.host = Some(text[at..end].to_string());
                        break 'place;
                    }
                }
            }
        }
    }

    header.date = session_day(cx, &body);

    // The lead: the person the headline names by title ("Chủ tịch UBND huyện tiếp công dân"),
    // else the one the text says led, chaired or concluded, else the first named.
    let by_title = subject.as_ref().and_then(|(kind, s)| {
        let key = fold(s);
        (*kind == Subject::Person || title_heads().at(s).is_some())
            .then(|| {
                cx.people.iter().find(|(p, _)| {
                    p.positions_expanded
                        .iter()
                        .chain(p.positions.iter())
                        .any(|pos| !key.is_empty() && fold(pos).starts_with(&key))
                })
            })
            .flatten()
    });
    header.lead = by_title
        .or_else(|| cx.people.iter().find(|(_, lead)| *lead))
        .or(cx.people.first())
        .map(|(p, _)| p.name.clone());
    header
}

/// The session's day: the first day named in the opening paragraphs, outside document
/// references, not a deadline ("trước ngày …") and not the day a document was issued.
fn session_day(cx: &Input, body: &[Range<usize>]) -> Option<String> {
    let text = cx.text;
    for r in body.iter().take(3) {
        let day = time::find(text, r.clone(), cx.year).into_iter().find(|t| {
            if !matches!(t.kind, time::Kind::Day { .. } | time::Kind::Range) {
                return false;
            }
            if cx
                .documents
                .iter()
                .any(|d| d.start <= t.range.start && t.range.end <= d.end)
            {
                return false;
            }
            let before = lower(crate::lexicon::tail(&text[r.start..t.range.start], 40));
            let before = before.trim_end();
            if DEADLINE_BEFORE.iter().any(|w| before.ends_with(w)) {
                return false;
            }
            // "Ngày 03/7/2019 HĐND huyện ban hành báo cáo …": a document's day.
            let sentence_end = text[t.range.end..r.end]
                .find(['.', ';'])
                .map_or(r.end, |k| t.range.end + k);
            !lower(&text[t.range.end..sentence_end]).contains("ban hành")
        });
        if let Some(t) = day {
            return t.when.map(|w| w.start().to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    /// (date, delegation, lead, host) of a report.
    fn header(text: &str) -> [Option<String>; 4] {
        let e = crate::extract(text);
        [
            e.session.date,
            e.session.delegation,
            e.session.lead,
            e.session.host,
        ]
    }

    fn some(v: [&str; 4]) -> [Option<String>; 4] {
        v.map(|s| (!s.is_empty()).then(|| s.to_string()))
    }

    /// Headers of the genre's constructions, in reports written for this test.
    #[test]
    fn headers_table() {
        let cases: &[(&str, [&str; 4])] = &[
            // No headline; the subject of "có buổi làm việc với" is the delegation, the place it
            // visits the host; the day's year from the text.
            (
                "Sáng ngày, 9/5, Thường trực Thị ủy có buổi làm việc với xã Tân Lập về sản xuất vụ hè thu năm 2022.\nĐồng chí Mai Văn Hưng, Bí thư Thị ủy chủ trì.",
                ["2022-05-09", "Thường trực Thị ủy", "Mai Văn Hưng", "xã Tân Lập"],
            ),
            // A unit holding its own meeting: host, no delegation; a deadline is no session day.
            (
                "UBND xã họp giao ban tháng 4\n\nNgày 6/4/2023, UBND xã Phú Lương tổ chức họp giao ban. Đồng chí Lê Văn Tâm, Chủ tịch UBND xã chủ trì, yêu cầu các ban hoàn thành báo cáo trước ngày 20/4/2023.",
                ["2023-04-06", "", "Lê Văn Tâm", "UBND xã Phú Lương"],
            ),
            // A person in the headline leads the delegation the lede mentions; the host is where
            // the visit took place.
            (
                "Phó Chủ tịch UBND tỉnh Đinh Văn Cường kiểm tra tiến độ cầu Bản Phố\n\nNgày 14-6-2021, Phó Chủ tịch UBND tỉnh Đinh Văn Cường dẫn đầu đoàn công tác đến kiểm tra tiến độ cầu Bản Phố trên địa bàn huyện Bắc Hà.\n\nĐồng chí yêu cầu nhà thầu đẩy nhanh tiến độ.",
                ["2021-06-14", "đoàn công tác", "Đinh Văn Cường", "huyện Bắc Hà"],
            ),
            // A delegation the text names and shortens; a day without a year in a text whose
            // only years are those of documents has no date.
            (
                "Sáng 3-12, Đoàn Giám sát số 7 của Ban Thường vụ Tỉnh ủy (gọi tắt là Đoàn Giám sát số 7) làm việc với Đảng ủy xã Hòa Bình theo Kế hoạch số 12-KH/TU, ngày 02-10-2019.",
                ["", "Đoàn Giám sát số 7", "", "Đảng ủy xã Hòa Bình"],
            ),
            // The year from the term when the text names no other.
            (
                "Ngày 5-8, Ban Thường vụ Huyện ủy làm việc với Đảng ủy xã Vĩnh Lợi về đại hội nhiệm kỳ 2025-2030.",
                ["2025-08-05", "Ban Thường vụ Huyện ủy", "", "Đảng ủy xã Vĩnh Lợi"],
            ),
        ];
        for (text, want) in cases {
            assert_eq!(header(text), some(*want), "{text}");
        }
    }
}
