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
        Regex::new(r"(?i)^[,\s]*(?:và\s+)?(?:đạt|bằng|tương đương|vượt)\s+(\d+(?:,\d+)?)\s*%\s*(?:so với\s+)?(?:kế hoạch|KH|dự toán|chỉ tiêu|nghị quyết)")
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

/// Figures of one sentence. `inherited` is the period the paragraph opened with, if any.
pub fn find(
    text: &str,
    sentence: Range<usize>,
    year: Option<i16>,
    inherited: Option<(jiff::civil::Date, jiff::civil::Date)>,
    exclude: &[Range<usize>],
) -> Vec<Found> {
    let times = time::find(text, sentence.clone(), year);
    let amounts: Vec<Amount> = amount::find(text, sentence.clone())
        .into_iter()
        .filter(|a| {
            !exclude
                .iter()
                .any(|r| r.start < a.range.end && a.range.start < r.end)
        })
        .filter(|a| {
            !times
                .iter()
                .any(|t| t.range.start < a.range.end && a.range.start < t.range.end)
        })
        .collect();
    let mut out: Vec<Found> = Vec::new();
    let mut attached: Vec<Range<usize>> = Vec::new();
    let mut last_period = inherited;
    let mut last_estimated = false;
    for a in &amounts {
        if attached.contains(&a.range) {
            continue;
        }
        // A percent right after an amount, "of the plan", belongs to it.
        let mut percent_of_plan = None;
        let after = &text[a.range.end..sentence.end];
        if let Some(c) = plan_pattern().captures(after) {
            percent_of_plan = c.get(1).and_then(|m| parse_number(m.as_str()));
            let pr = a.range.end + c.get(1).map(|m| m.start()).unwrap_or(0);
            if let Some(p) = amounts.iter().find(|b| b.range.start == pr) {
                attached.push(p.range.clone());
            }
        }
        if a.unit == "percent" && is_plan_percent(text, a, sentence.end) {
            continue;
        }
        // The clause the amount stands in: from the last ";" or "," that opens a new subject.
        let clause_start = clause_start(text, sentence.start, a.range.start);
        let head = &text[clause_start..a.range.start];
        let lower = head.to_lowercase();
        let continues =
            lower.trim_start().starts_with("trong đó") || lower.trim_start().starts_with("riêng");
        let estimated =
            lower.contains("ước") || lower.contains("dự kiến") || (continues && last_estimated);
        let period = times
            .iter()
            .filter(|t| t.range.end <= a.range.start)
            .filter_map(period_of)
            .next_back()
            .or(last_period);
        let indicator = indicator(text, clause_start, a.range.start, &times);
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
    out
}

fn is_plan_percent(text: &str, a: &Amount, end: usize) -> bool {
    let after = text[a.range.end..end].trim_start().to_lowercase();
    ["kế hoạch", "kh ", "dự toán", "chỉ tiêu"]
        .iter()
        .any(|w| after.starts_with(w))
        && {
            let before = text[..a.range.start].trim_end().to_lowercase();
            before.ends_with("đạt") || before.ends_with("bằng") || before.ends_with("vượt")
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

fn clause_start(text: &str, sentence_start: usize, at: usize) -> usize {
    let head = &text[sentence_start..at];
    match head.rfind([';', ',']) {
        Some(k) => sentence_start + k + 1,
        None => sentence_start,
    }
}

/// What is measured: the clause before the amount, without its period, verbs and connectors.
fn indicator(text: &str, start: usize, end: usize, times: &[TimeExpr]) -> Option<String> {
    let mut cut = end;
    for t in times {
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
        let found = find(text, 0..text.len(), Some(2020), None, &[]);
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
            let f = find(text, 0..text.len(), Some(2022), None, &[]);
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
