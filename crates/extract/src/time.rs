//! Dates and periods as Vietnamese reports write them: "11/1/2020", "ngày 24/8" (the year from
//! the text's context), "ngày 18 tháng 11 năm 2020", "22-7", "7-4-2015", ranges ("từ ngày
//! 28/8-30/8/2018", "13- 14/6/2022"), "cuối tháng 8/2020", "quý II", "8 tháng năm 2020",
//! "6 tháng cuối năm 2023", "tuần 50", "năm 2021"; and what only looks like a date: terms
//! ("nhiệm kỳ 2020- 2025"), ordinals ("khóa XIV", "lần thứ XXV") and times of day.

use std::ops::Range;
use std::sync::OnceLock;

use jiff::civil::{Date, ISOWeekDate, Weekday};
use regex::Regex;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    Day(Date),
    Period(Date, Date),
}

impl When {
    pub fn start(&self) -> Date {
        match self {
            When::Day(d) | When::Period(d, _) => *d,
        }
    }
    pub fn end(&self) -> Date {
        match self {
            When::Day(d) | When::Period(_, d) => *d,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A calendar day, written with its year or not.
    Day { explicit_year: bool },
    /// A month, a quarter, a week or a year.
    Span,
    /// "8 tháng", "6 tháng đầu năm": the first (or last) months of a year.
    Months { bare: bool },
    /// A range of days.
    Range,
    /// Not a date: a term of office, an ordinal, a time of day.
    NotDate,
}

#[derive(Debug, Clone)]
pub struct TimeExpr {
    pub range: Range<usize>,
    pub kind: Kind,
    pub when: Option<When>,
}

struct Patterns {
    term: Regex,
    ordinal: Regex,
    clock: Regex,
    range: Regex,
    full: Regex,
    verbal: Regex,
    short: Regex,
    month_year: Regex,
    month: Regex,
    quarter: Regex,
    months_of_year: Regex,
    week: Regex,
    year: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let r = |s: &str| Regex::new(s).expect("time pattern compiles (tested)");
        Patterns {
            term: r(r"(?i)nhiệm\s*kỳ\s*((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})"),
            ordinal: r(r"(?i)(?-u:\b)(?:khóa|khoá|lần\s+thứ|kỳ\s+họp\s+thứ|kỳ\s+thứ)\s+(?:[IVXLC]+|\d+)(?-u:\b)"),
            clock: r(r"(?i)(?-u:\b)(\d{1,2})\s*(?:giờ|h)(?:\s*(\d{1,2})\s*(?:phút)?)?"),
            range: r(r"(?i)(?:từ\s+)?(?:ngày\s+)?(?-u:\b)(\d{1,2})(?:\s*/\s*(\d{1,2}))?\s*[-–]\s*(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*((?:19|20)\d{2})(?-u:\b)"),
            full: r(r"(?-u:\b)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*((?:19|20)\d{2})(?-u:\b)"),
            verbal: r(r"(?i)(?-u:\b)ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})(?:\s*(?:năm|/)\s*((?:19|20)\d{2}))?"),
            short: r(r"(?i)(?-u:\b)(?:ngày|sáng|chiều|tối|trưa|hôm)\s*,?\s+(?:ngày\s*,?\s+)?(\d{1,2})\s*[/-]\s*(\d{1,2})(?-u:\b)"),
            month_year: r(r"(?i)(?:(cuối|đầu|giữa)\s+)?tháng\s+(\d{1,2})\s*(?:/|-|năm)\s*((?:19|20)\d{2})(?-u:\b)"),
            month: r(r"(?i)(?:(cuối|đầu|giữa)\s+)?tháng\s+(\d{1,2})(?-u:\b)"),
            quarter: r(r"(?i)(?-u:\b)quý\s+(IV|III|II|I|[1-4])(?-u:\b)(?:\s*(?:/|năm)\s*((?:19|20)\d{2}))?"),
            months_of_year: r(r"(?i)(?-u:\b)(\d{1,2})\s+tháng\s*(?:(đầu|cuối)\s+)?(?:(năm)\s*((?:19|20)\d{2})?)?"),
            week: r(r"(?i)(?-u:\b)tuần\s+(?:thứ\s+)?(\d{1,2})(?-u:\b)(?:\s*(?:/|năm)\s*((?:19|20)\d{2}))?"),
            year: r(r"(?i)(?-u:\b)năm\s+((?:19|20)\d{2})(?-u:\b)"),
        }
    })
}

/// The text to search when a pattern can match it, nothing when it cannot.
fn only(can: bool, s: &str) -> &str {
    if can {
        s
    } else {
        ""
    }
}

fn num(m: Option<regex::Match>) -> Option<i16> {
    m.and_then(|m| m.as_str().parse().ok())
}

fn date(y: i16, m: i16, d: i16) -> Option<Date> {
    Date::new(y, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok()
}

fn month_end(y: i16, m: i16) -> Option<Date> {
    Some(date(y, m, 1)?.last_of_month())
}

fn roman(s: &str) -> Option<i16> {
    match s.to_uppercase().as_str() {
        "I" | "1" => Some(1),
        "II" | "2" => Some(2),
        "III" | "3" => Some(3),
        "IV" | "4" => Some(4),
        _ => None,
    }
}

/// Every time expression in `text[range]`, with the context year for those that name none.
pub fn find(text: &str, range: Range<usize>, year: Option<i16>) -> Vec<TimeExpr> {
    let s = &text[range.clone()];
    let mut out: Vec<TimeExpr> = Vec::new();
    // Every pattern needs a digit, but ordinals and quarters in Roman numerals: most sentences
    // are done with here. Each pattern below runs only if the word it needs is in the text.
    let has = |needle: &str| s.contains(needle);
    let digits = s.bytes().any(|b| b.is_ascii_digit());
    let roman_words =
        has("quý") || has("Quý") || has("khóa") || has("khoá") || has("Khóa") || has("thứ");
    if !digits && !roman_words {
        return out;
    }
    let p = patterns();
    // A new span is kept unless it overlaps one kept before; a sentence names a handful of
    // times at most, so the kept ones (in `out`) are simply looked through.
    let push = |out: &mut Vec<TimeExpr>, r: Range<usize>, kind: Kind, when: Option<When>| {
        let r = range.start + r.start..range.start + r.end;
        let clash = out
            .iter()
            .any(|t| t.range.start < r.end && r.start < t.range.end);
        if !clash && r.start < r.end {
            out.push(TimeExpr {
                range: r,
                kind,
                when,
            });
        }
    };
    for c in p.term.captures_iter(only(has("hiệm"), s)) {
        push(
            &mut out,
            c.get(0).map(|m| m.range()).unwrap_or_default(),
            Kind::NotDate,
            None,
        );
    }
    for m in p.ordinal.find_iter(only(roman_words || has("hứ"), s)) {
        push(&mut out, m.range(), Kind::NotDate, None);
    }
    let dashed = has("-") || has("–");
    let slashed = has("/");
    // A year is written with 19 or 20; a day without one after "ngày", "sáng", "chiều" …
    let century = has("20") || has("19");
    let day_words = has("gày")
        || has("GÀY")
        || has("áng")
        || has("iều")
        || has("ối")
        || has("rưa")
        || has("ôm");
    // A clock time is a number right before "h" or "giờ".
    let clock = has("giờ") || {
        let b = s.as_bytes();
        (0..b.len()).any(|i| {
            b[i].is_ascii_digit()
                && matches!(
                    (b.get(i + 1), b.get(i + 2)),
                    (Some(b'h' | b'H'), _) | (Some(b' '), Some(b'h' | b'H'))
                )
        })
    };
    for c in p.range.captures_iter(only(dashed && slashed && century, s)) {
        let (d1, m1, d2, m2, y) = (
            num(c.get(1)),
            num(c.get(2)),
            num(c.get(3)),
            num(c.get(4)),
            num(c.get(5)),
        );
        if let (Some(d1), Some(d2), Some(m2), Some(y)) = (d1, d2, m2, y) {
            if let (Some(a), Some(b)) = (date(y, m1.unwrap_or(m2), d1), date(y, m2, d2)) {
                if a <= b {
                    push(
                        &mut out,
                        c.get(0).map(|m| m.range()).unwrap_or_default(),
                        Kind::Range,
                        Some(When::Period(a, b)),
                    );
                }
            }
        }
    }
    for c in p.full.captures_iter(only(digits && century, s)) {
        if let (Some(d), Some(m), Some(y)) = (num(c.get(1)), num(c.get(2)), num(c.get(3))) {
            if let Some(day) = date(y, m, d) {
                push(
                    &mut out,
                    c.get(0).map(|m| m.range()).unwrap_or_default(),
                    Kind::Day {
                        explicit_year: true,
                    },
                    Some(When::Day(day)),
                );
            }
        }
    }
    for c in p.verbal.captures_iter(only(has("háng"), s)) {
        let explicit = c.get(3).is_some();
        if let (Some(d), Some(m), Some(y)) = (num(c.get(1)), num(c.get(2)), num(c.get(3)).or(year))
        {
            if let Some(day) = date(y, m, d) {
                push(
                    &mut out,
                    c.get(0).map(|m| m.range()).unwrap_or_default(),
                    Kind::Day {
                        explicit_year: explicit,
                    },
                    Some(When::Day(day)),
                );
            }
        }
    }
    for c in p
        .short
        .captures_iter(only(digits && (dashed || slashed) && day_words, s))
    {
        let whole = c.get(0).map(|m| m.range()).unwrap_or_default();
        // "ngày 24/8/2020" was taken above; here only dates without a year.
        if s[whole.end..].trim_start().starts_with(['/', '-']) {
            continue;
        }
        if let (Some(d), Some(m), Some(y)) = (num(c.get(1)), num(c.get(2)), year) {
            if let Some(day) = date(y, m, d) {
                push(
                    &mut out,
                    whole,
                    Kind::Day {
                        explicit_year: false,
                    },
                    Some(When::Day(day)),
                );
            }
        }
    }
    for (re, explicit) in [(&p.month_year, true), (&p.month, false)] {
        for c in re.captures_iter(only(has("háng"), s)) {
            let whole = c.get(0).map(|m| m.range()).unwrap_or_default();
            let edge = c.get(1).map(|m| m.as_str().to_lowercase());
            let y = if explicit { num(c.get(3)) } else { year };
            if let (Some(m), Some(y)) = (num(c.get(2)), y) {
                if let (Some(first), Some(last)) = (date(y, m, 1), month_end(y, m)) {
                    let when = match edge.as_deref() {
                        Some("cuối") => When::Day(last),
                        Some("đầu") => When::Day(first),
                        _ => When::Period(first, last),
                    };
                    push(&mut out, whole, Kind::Span, Some(when));
                }
            }
        }
    }
    for c in p
        .quarter
        .captures_iter(only(has("quý") || has("Quý") || has("QUÝ"), s))
    {
        if let (Some(q), Some(y)) = (
            c.get(1).and_then(|m| roman(m.as_str())),
            num(c.get(2)).or(year),
        ) {
            if let (Some(a), Some(b)) = (date(y, q * 3 - 2, 1), month_end(y, q * 3)) {
                push(
                    &mut out,
                    c.get(0).map(|m| m.range()).unwrap_or_default(),
                    Kind::Span,
                    Some(When::Period(a, b)),
                );
            }
        }
    }
    for c in p.months_of_year.captures_iter(only(has("háng"), s)) {
        let Some(n) = num(c.get(1)).filter(|n| (1..=12).contains(n)) else {
            continue;
        };
        let last_months = c
            .get(2)
            .is_some_and(|m| m.as_str().to_lowercase() == "cuối");
        let bare = c.get(2).is_none() && c.get(3).is_none();
        let Some(y) = num(c.get(4)).or(year) else {
            continue;
        };
        let (a, b) = if last_months {
            (date(y, 13 - n, 1), month_end(y, 12))
        } else {
            (date(y, 1, 1), month_end(y, n))
        };
        if let (Some(a), Some(b)) = (a, b) {
            let mut whole = c.get(0).map(|m| m.range()).unwrap_or_default();
            // "8 tháng năm" without a year: keep "năm" out when nothing follows it.
            if c.get(3).is_some() && c.get(4).is_none() {
                whole.end = c.get(3).map(|m| m.start()).unwrap_or(whole.end);
                let trimmed = s[whole.clone()].trim_end().len();
                whole.end = whole.start + trimmed;
            }
            push(
                &mut out,
                whole,
                Kind::Months { bare },
                Some(When::Period(a, b)),
            );
        }
    }
    for c in p.week.captures_iter(only(has("uần"), s)) {
        if let (Some(w), Some(y)) = (num(c.get(1)), num(c.get(2)).or(year)) {
            let w = i8::try_from(w).ok();
            if let Some(w) = w {
                if let (Ok(mon), Ok(sun)) = (
                    ISOWeekDate::new(y, w, Weekday::Monday),
                    ISOWeekDate::new(y, w, Weekday::Sunday),
                ) {
                    push(
                        &mut out,
                        c.get(0).map(|m| m.range()).unwrap_or_default(),
                        Kind::Span,
                        Some(When::Period(mon.date(), sun.date())),
                    );
                }
            }
        }
    }
    for c in p.year.captures_iter(only(has("ăm"), s)) {
        if let Some(y) = num(c.get(1)) {
            if let (Some(a), Some(b)) = (date(y, 1, 1), date(y, 12, 31)) {
                push(
                    &mut out,
                    c.get(0).map(|m| m.range()).unwrap_or_default(),
                    Kind::Span,
                    Some(When::Period(a, b)),
                );
            }
        }
    }
    for m in p.clock.find_iter(only(clock, s)) {
        push(&mut out, m.range(), Kind::NotDate, None);
    }
    out.sort_by_key(|e| e.range.start);
    out
}

/// The year a text is about: the one its dates ("11/1/2020", "8/2020") and "năm YYYY" name most,
/// terms of office ("nhiệm kỳ 2020- 2025") aside; ties go to the latest. A plain scan, since it
/// reads the whole article.
pub fn context_year(text: &str) -> Option<i16> {
    context_year_of(text, std::slice::from_ref(&(0..text.len())))
}

/// [`context_year`] over the parts of `text` that belong to the article.
pub fn context_year_of(text: &str, parts: &[Range<usize>]) -> Option<i16> {
    let mut counts: std::collections::BTreeMap<i16, usize> = std::collections::BTreeMap::new();
    for r in parts {
        count_years(text, r.clone(), &mut counts);
    }
    counts
        .into_iter()
        .max_by_key(|(y, n)| (*n, *y))
        .map(|(y, _)| y)
}

/// The first year of a term the text names ("nhiệm kỳ 2025-2030"): the year of its congress,
/// a context year when the text names no other.
pub fn term_start_year(text: &str) -> Option<i16> {
    if !text.contains("kỳ") {
        return None;
    }
    patterns().term.captures(text).and_then(|c| num(c.get(1)))
}

fn count_years(
    text: &str,
    range: Range<usize>,
    counts: &mut std::collections::BTreeMap<i16, usize>,
) {
    let b = &text.as_bytes()[..range.end];
    let mut i = range.start;
    while i + 4 <= b.len() {
        // Runs of digits only: skip to the next one, then past it whole.
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let run = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        let four = &b[i..i + run.min(4)];
        let is_year = run == 4 && (four.starts_with(b"19") || four.starts_with(b"20"));
        let bounded = i == 0 || !b[i - 1].is_ascii_digit();
        if !(is_year && bounded) {
            i += run;
            continue;
        }
        let before = &text[range.start..i];
        let trimmed = before.trim_end();
        let dated = trimmed.ends_with('/')
            || trimmed.ends_with('-')
            || trimmed.ends_with('.')
            || trimmed.ends_with("năm")
            || trimmed.ends_with("Năm");
        let term = crate::lexicon::tail(before, 24).contains("kỳ");
        // A date written after a document's number ("Quy định số 08-QĐi/TW; ngày 25-10-2018")
        // is the document's, not the article's.
        let near = crate::lexicon::tail(before, 48);
        let document = near.rfind("số ").is_some_and(|k| near[k..].contains('/'));
        if dated && !term && !document {
            let year: i16 = text[i..i + 4].parse().unwrap_or(0);
            *counts.entry(year).or_default() += 1;
        }
        i += 4;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str, year: Option<i16>) -> Option<(String, Kind, Option<When>)> {
        find(text, 0..text.len(), year)
            .into_iter()
            .find(|e| e.kind != Kind::NotDate)
            .map(|e| (text[e.range.clone()].to_string(), e.kind, e.when))
    }

    fn d(y: i16, m: i8, day: i8) -> Date {
        jiff::civil::date(y, m, day)
    }

    #[test]
    fn days_table() {
        let cases: &[(&str, Option<i16>, &str, Date)] = &[
            ("ngày 11/1/2020 của BCH", None, "11/1/2020", d(2020, 1, 11)),
            (
                "ngày 24/8, đồng chí",
                Some(2020),
                "ngày 24/8",
                d(2020, 8, 24),
            ),
            ("sáng 22-7 tại", Some(2023), "sáng 22-7", d(2023, 7, 22)),
            ("ngày 7-4-2015", None, "7-4-2015", d(2015, 4, 7)),
            (
                "trước ngày 18 tháng 11 năm 2020",
                None,
                "ngày 18 tháng 11 năm 2020",
                d(2020, 11, 18),
            ),
            (
                "ngày 5 tháng 9",
                Some(2021),
                "ngày 5 tháng 9",
                d(2021, 9, 5),
            ),
            ("đến 31.12.2025", None, "31.12.2025", d(2025, 12, 31)),
        ];
        for (text, year, span, want) in cases {
            let (got_span, _, when) = one(text, *year).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(got_span, *span, "{text}");
            assert_eq!(when, Some(When::Day(*want)), "{text}");
        }
    }

    #[test]
    fn periods_table() {
        let cases: &[(&str, Option<i16>, Date, Date)] = &[
            (
                "8 tháng năm 2020, thực hiện",
                None,
                d(2020, 1, 1),
                d(2020, 8, 31),
            ),
            ("8 tháng đầu năm 2020", None, d(2020, 1, 1), d(2020, 8, 31)),
            (
                "trong 4 tháng cuối năm 2020",
                None,
                d(2020, 9, 1),
                d(2020, 12, 31),
            ),
            ("6 tháng đầu năm", Some(2023), d(2023, 1, 1), d(2023, 6, 30)),
            (
                "6 tháng cuối năm 2023",
                None,
                d(2023, 7, 1),
                d(2023, 12, 31),
            ),
            ("quý III/2020", None, d(2020, 7, 1), d(2020, 9, 30)),
            ("quý II", Some(2022), d(2022, 4, 1), d(2022, 6, 30)),
            ("trong tháng 9", Some(2021), d(2021, 9, 1), d(2021, 9, 30)),
            ("năm 2021", None, d(2021, 1, 1), d(2021, 12, 31)),
            (
                "từ ngày 28/8-30/8/2018",
                None,
                d(2018, 8, 28),
                d(2018, 8, 30),
            ),
            ("13- 14/6/2022", None, d(2022, 6, 13), d(2022, 6, 14)),
            ("tuần 50", Some(2023), d(2023, 12, 11), d(2023, 12, 17)),
            ("tháng 2/2024", None, d(2024, 2, 1), d(2024, 2, 29)),
        ];
        for (text, year, from, to) in cases {
            let (_, _, when) = one(text, *year).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(when, Some(When::Period(*from, *to)), "{text}");
        }
    }

    #[test]
    fn edges_of_months() {
        let (_, _, when) = one("vào cuối tháng 8/2020", None).unwrap();
        assert_eq!(when, Some(When::Day(d(2020, 8, 31))));
        let (_, _, when) = one("đầu tháng 3/2021", None).unwrap();
        assert_eq!(when, Some(When::Day(d(2021, 3, 1))));
    }

    #[test]
    fn what_only_looks_like_a_date() {
        for text in [
            "nhiệm kỳ 2020- 2025",
            "khóa XIV",
            "lần thứ XXV",
            "lúc 14 giờ 30",
            "Đại hội lần thứ 13",
        ] {
            let all = find(text, 0..text.len(), Some(2020));
            assert!(
                all.iter().all(|e| e.kind == Kind::NotDate),
                "{text}: {all:?}"
            );
        }
        assert!(
            one("ngày 31/2/2020", None).is_none(),
            "impossible days are no dates"
        );
    }

    #[test]
    fn context_year_prefers_the_most_named() {
        let text =
            "NQ 21 ngày 11/1/2020; nhiệm kỳ 2020- 2025; 8 tháng năm 2020; năm 2020; năm 2019";
        assert_eq!(context_year(text), Some(2020));
        assert_eq!(context_year("không có năm nào"), None);
    }
}
