//! Figures: an amount with the indicator it measures, the period it covers, whether it is an
//! estimate ("ước", "dự kiến") and the percent of plan the text gives for it ("đạt 87,2% kế
//! hoạch", "bằng 126,3% dự toán").

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use crate::amount::{self, parse_number, Amount};
use crate::time::{self, Kind, TimeExpr, When};

#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub range: Range<usize>,
    pub amount: Amount,
    pub indicator: Option<String>,
    pub estimated: bool,
    pub percent_of_plan: Option<f64>,
    pub period: Option<(jiff::civil::Date, jiff::civil::Date)>,
}

fn plan_pattern() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?i)^(?:\s+\p{Ll}+){0,2}?[,\s]*(?:và\s+)?(?:đạt|bằng|tương đương|vượt)\s+(?:tỷ lệ\s+|tỉ lệ\s+)?(?:(?:hơn|gần|trên|khoảng|xấp xỉ)\s+)?(\d+(?:,\d+)?)\s*%\s*(?:so với\s+)?(?:kế hoạch|KH|dự toán|chỉ tiêu|nghị quyết)")
            .expect("plan pattern compiles (tested)")
    })
}

/// Words that end an indicator: what comes after them is the measurement, not what is measured.
const VERBS: &[&str] = &[
    "ước đạt",
    "ước thực hiện",
    "ước tính",
    "ước",
    "dự kiến",
    "đạt",
    "là",
    "thu được",
    "thu",
    "với",
    "tăng",
    "giảm",
    "có",
    "được",
    "gồm",
    "trên",
    "hơn",
    "gần",
    "khoảng",
    "còn",
    "lên",
    "xuống",
    "vượt",
];

/// Figures of one sentence, and the last period the sentence names (which holds for the
/// sentences after it). `inherited` is the period in force when the sentence starts.
pub fn find(
    text: &str,
    sentence: Range<usize>,
    year: Option<i16>,
    inherited: Option<(jiff::civil::Date, jiff::civil::Date)>,
    exclude: &[Range<usize>],
) -> (Vec<Found>, Option<(jiff::civil::Date, jiff::civil::Date)>) {
    // Every amount and every period has a digit (but "quý II").
    let s = &text[sentence.clone()];
    if !s.bytes().any(|b| b.is_ascii_digit()) && !s.contains("quý") && !s.contains("Quý") {
        return (Vec::new(), None);
    }
    let times = time::find(text, sentence.clone(), year);
    let time_ranges: Vec<Range<usize>> = times.iter().map(|t| t.range.clone()).collect();
    // Amounts come in order: cursors over the sorted ranges answer "does it overlap?" in
    // constant time each.
    let mut in_exclude =
        Cursor::new(&exclude[exclude.partition_point(|x| x.end <= sentence.start)..]);
    let mut in_times = Cursor::new(&time_ranges);
    let amounts: Vec<Amount> = amount::find(text, sentence.clone())
        .into_iter()
        .filter(|a| !in_exclude.overlaps(&a.range) && !in_times.overlaps(&a.range))
        .collect();
    let mut first_time = 0;
    let by_start: std::collections::HashMap<usize, usize> = amounts
        .iter()
        .enumerate()
        .map(|(i, a)| (a.range.start, i))
        .collect();
    let mut attached: std::collections::HashSet<usize> = std::collections::HashSet::new();
    // Periods named before each amount, in order: a moving index over the sorted expressions.
    let mut periods = times
        .iter()
        .filter_map(|t| period_of(t).map(|p| (t.range.end, p)))
        .collect::<Vec<_>>();
    periods.sort_by_key(|(end, _)| *end);
    let mut next_period = 0;
    let mut sentence_period = None;
    let mut out: Vec<Found> = Vec::new();
    let mut last_period = inherited;
    let mut last_estimated = false;
    for a in &amounts {
        while next_period < periods.len() && periods[next_period].0 <= a.range.start {
            sentence_period = Some(periods[next_period].1);
            next_period += 1;
        }
        if attached.contains(&a.range.start) {
            continue;
        }
        // A percent right after an amount, "of the plan", belongs to it.
        let mut percent_of_plan = None;
        let after = &text[a.range.end..sentence.end];
        if let Some(c) = plan_pattern().captures(after) {
            percent_of_plan = c.get(1).and_then(|m| parse_number(m.as_str()));
            let pr = a.range.end + c.get(1).map(|m| m.start()).unwrap_or(0);
            if by_start.contains_key(&pr) {
                attached.insert(pr);
            }
        }
        // A percent of the plan stands for itself when no amount before it took it
        // ("Tổng diện tích gieo trồng đạt 65,75 % kế hoạch").
        if a.unit == "percent" && is_plan_percent(text, a, sentence.end) {
            percent_of_plan = Some(a.value);
        }
        // The clause the amount stands in: from the last ";" or "," that opens a new subject.
        let clause_start = clause_start(text, sentence.start, a.range.start);
        let head = &text[clause_start..a.range.start];
        let lower = crate::lexicon::lower(head);
        let continues =
            lower.trim_start().starts_with("trong đó") || lower.trim_start().starts_with("riêng");
        let estimated =
            lower.contains("ước") || lower.contains("dự kiến") || (continues && last_estimated);
        let period = sentence_period.or(last_period);
        while first_time < time_ranges.len() && time_ranges[first_time].start < clause_start {
            first_time += 1;
        }
        let indicator = indicator(text, clause_start, a.range.start, &times[first_time..]);
        let end = percent_of_plan
            .map(|_| a.range.end + plan_pattern().find(after).map(|m| m.end()).unwrap_or(0))
            .unwrap_or(a.range.end);
        out.push(Found {
            range: clause_start..end,
            amount: a.clone(),
            indicator,
            estimated,
            percent_of_plan,
            period,
        });
        last_period = period;
        last_estimated = estimated;
    }
    let named = times
        .iter()
        .filter(|t| matches!(t.kind, Kind::Months { .. } | Kind::Span))
        .filter_map(|t| t.when.as_ref())
        .next_back()
        .map(|w| (w.start(), w.end()));
    (out, named)
}

/// A walk along sorted, non-overlapping ranges, asked about ranges that come in order.
struct Cursor<'a> {
    ranges: &'a [Range<usize>],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn new(ranges: &'a [Range<usize>]) -> Self {
        Cursor { ranges, at: 0 }
    }

    fn overlaps(&mut self, r: &Range<usize>) -> bool {
        while self.at < self.ranges.len() && self.ranges[self.at].end <= r.start {
            self.at += 1;
        }
        self.ranges.get(self.at).is_some_and(|x| x.start < r.end)
    }
}

fn is_plan_percent(text: &str, a: &Amount, end: usize) -> bool {
    // The words right after the amount are enough: look no further than a few of them.
    let window = crate::lexicon::floor(text, end.min(a.range.end + 40)).max(a.range.end);
    let after = crate::lexicon::lower(text[a.range.end..window].trim_start());
    ["kế hoạch", "kh ", "dự toán", "chỉ tiêu"]
        .iter()
        .any(|w| after.starts_with(w))
        && {
            let before =
                crate::lexicon::lower(crate::lexicon::tail(&text[..a.range.start], 40).trim_end());
            // "đạt hơn 57%", "đạt tỷ lệ 61%": the qualifier and "tỷ lệ" may stand between.
            let mut b = before.as_str();
            for w in ["hơn", "gần", "trên", "khoảng", "xấp xỉ", "tỷ lệ", "tỉ lệ"]
            {
                b = b.strip_suffix(w).map_or(b, str::trim_end);
            }
            b.ends_with("đạt") || b.ends_with("bằng") || b.ends_with("vượt")
        }
}

fn period_of(t: &TimeExpr) -> Option<(jiff::civil::Date, jiff::civil::Date)> {
    match (&t.when, t.kind) {
        (_, Kind::NotDate) => None,
        (Some(When::Period(a, b)), _) => Some((*a, *b)),
        (Some(When::Day(_)), _) => None,
        (None, _) => None,
    }
}

/// Where the clause of byte `at` starts; a clause longer than the window starts at the window.
fn clause_start(text: &str, sentence_start: usize, at: usize) -> usize {
    let head = crate::lexicon::tail(&text[sentence_start..at], 400);
    let base = at - head.len();
    match head.rfind([';', ',']) {
        Some(k) => base + k + 1,
        None => base,
    }
}

/// What is measured: the clause before the amount, without its period, verbs and connectors.
fn indicator(text: &str, start: usize, end: usize, times: &[TimeExpr]) -> Option<String> {
    let mut cut = end;
    for t in times.iter().take_while(|t| t.range.start < end) {
        if t.range.start >= start && t.range.start < cut {
            cut = t.range.start;
        }
    }
    let mut head = text[start..cut].trim().to_string();
    loop {
        let lower = head.to_lowercase();
        let Some(v) = VERBS
            .iter()
            .filter(|v| lower.ends_with(&format!(" {v}")) || lower == **v)
            .max_by_key(|v| v.len())
        else {
            break;
        };
        head.truncate(head.len() - v.len());
        head = head.trim_end().to_string();
    }
    for lead in ["trong đó", "riêng", "và", "đồng thời", "cụ thể"] {
        if head.to_lowercase().starts_with(lead) {
            head = head[lead.len()..].trim_start().to_string();
        }
    }
    let head = head
        .trim_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ':' | ';'))
        .to_string();
    (head.split_whitespace().count() >= 2 && head.split_whitespace().count() <= 14).then_some(head)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_seed_figures() {
        let text = "Tổng thu NSNN trên địa bàn 8 tháng ước đạt trên 8,5 tỷ đồng, đạt 87,2% kế hoạch Thành phố giao, trong đó thu ngân sách xã đạt trên 3,6 tỷ đồng.";
        let (found, _) = find(text, 0..text.len(), Some(2020), None, &[]);
        assert_eq!(found.len(), 2, "{found:?}");
        let (a, b) = (&found[0], &found[1]);
        assert_eq!(a.indicator.as_deref(), Some("Tổng thu NSNN trên địa bàn"));
        assert_eq!(
            (
                a.amount.value,
                a.amount.unit,
                a.amount.qualifier,
                a.estimated
            ),
            (8.5e9, "VND", "over", true)
        );
        assert_eq!(a.percent_of_plan, Some(87.2));
        assert_eq!(a.period, Some((date(2020, 1, 1), date(2020, 8, 31))));
        assert_eq!(b.indicator.as_deref(), Some("thu ngân sách xã"));
        assert_eq!(
            (
                b.amount.value,
                b.amount.qualifier,
                b.estimated,
                b.percent_of_plan
            ),
            (3.6e9, "over", true, None)
        );
        assert_eq!(b.period, a.period);
    }

    #[test]
    fn figures_table() {
        let cases: &[(&str, &str, f64, &str, Option<f64>)] = &[
            (
                "Thu ngân sách năm 2022 đạt 126 tỷ đồng, bằng 126,3% dự toán.",
                "Thu ngân sách",
                126e9,
                "VND",
                Some(126.3),
            ),
            // A qualifier or "tỷ lệ" between "đạt" and the percent of the plan.
            (
                "Thu ngân sách xã hơn 12 tỷ đồng, đạt hơn 64% dự toán.",
                "Thu ngân sách xã",
                12e9,
                "VND",
                Some(64.0),
            ),
            (
                "Kết nạp 27 đảng viên mới, đạt tỷ lệ hơn 90% so với chỉ tiêu.",
                "Kết nạp",
                27.0,
                "people",
                Some(90.0),
            ),
            // A percent of the plan standing for itself, with a space before "%".
            (
                "Diện tích lúa xuân đạt 72,5 % kế hoạch.",
                "Diện tích lúa xuân",
                72.5,
                "percent",
                Some(72.5),
            ),
            (
                "Tỷ lệ hộ nghèo giảm còn 1,2%.",
                "Tỷ lệ hộ nghèo",
                1.2,
                "percent",
                None,
            ),
            (
                "Số hồ sơ được tiếp nhận là 2.239 hồ sơ.",
                "Số hồ sơ được tiếp nhận",
                2239.0,
                "items",
                None,
            ),
        ];
        for (text, ind, v, unit, pct) in cases {
            let (f, _) = find(text, 0..text.len(), Some(2022), None, &[]);
            assert_eq!(f.len(), 1, "{text}: {f:?}");
            assert_eq!(f[0].indicator.as_deref(), Some(*ind), "{text}");
            assert_eq!(
                (f[0].amount.value, f[0].amount.unit, f[0].percent_of_plan),
                (*v, *unit, *pct),
                "{text}"
            );
        }
    }
}
