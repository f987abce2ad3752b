//! Amounts and quantities: "8,5 tỷ đồng", "153 tỷ 900 triệu đồng", "1.653,522 tỷ đồng",
//! "2.239 hồ sơ", "15/15 đảng viên", "100 triệu USD", "87,2%"; with the qualifier written
//! before them (trên, hơn, gần, khoảng, dưới).

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

#[derive(Debug, Clone, PartialEq)]
pub struct Amount {
    pub range: Range<usize>,
    pub value: f64,
    pub unit: &'static str,
    pub qualifier: &'static str,
}

const NUMBER: &str = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?";
const SCALE: &str = r"nghìn|ngàn|triệu|tỷ|tỉ";
const UNIT: &str = r"%|phần trăm|đồng chí|đồng|VNĐ|VND|USD|đô la Mỹ|đô la|hecta|ha|km²|km2|km|m²|m2|m³|m3|mét|tấn|người|hộ gia đình|hộ|hồ sơ|lượt|học sinh|đảng viên|công trình|dự án|doanh nghiệp|lao động|căn hộ|ngôi nhà|con|cơ sở|sản phẩm";

fn pattern() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(&format!(
            r"(?i)(?-u:\b)(?P<frac>\d+/)?(?P<num>{NUMBER})(?P<scales>(?:\s*(?:{SCALE})(?:\s+(?:{NUMBER})\s*(?:{SCALE}))*)?)\s*(?P<unit>{UNIT})?"
        ))
        .expect("amount pattern compiles (tested)")
    })
}

/// Reads "1.653,522" as 1653.522 and "8,5" as 8.5: dots group thousands, a comma is the
/// decimal mark. A lone dot followed by other than three digits is a decimal point.
pub fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    let t = if s.contains(',') {
        s.replace('.', "").replace(',', ".")
    } else if s.split('.').skip(1).all(|g| g.len() == 3) {
        s.replace('.', "")
    } else {
        s.to_string()
    };
    t.parse().ok().filter(|v: &f64| v.is_finite())
}

fn scale(word: &str) -> f64 {
    match word.to_lowercase().as_str() {
        "nghìn" | "ngàn" => 1e3,
        "triệu" => 1e6,
        "tỷ" | "tỉ" => 1e9,
        _ => 1.0,
    }
}

fn unit_code(unit: &str) -> Option<&'static str> {
    Some(match unit.to_lowercase().as_str() {
        "%" | "phần trăm" => "percent",
        "đồng" | "vnđ" | "vnd" => "VND",
        "usd" | "đô la mỹ" | "đô la" => "USD",
        "hecta" | "ha" => "ha",
        "km²" | "km2" => "km2",
        "km" => "km",
        "m²" | "m2" => "m2",
        "m³" | "m3" => "m3",
        "mét" => "m",
        "tấn" => "tons",
        "người" | "học sinh" | "đảng viên" | "lao động" | "đồng chí" => "people",
        "hộ gia đình" | "hộ" => "households",
        "hồ sơ" | "lượt" | "công trình" | "dự án" | "doanh nghiệp" | "căn hộ" | "ngôi nhà"
        | "con" | "cơ sở" | "sản phẩm" => "items",
        _ => return None,
    })
}

/// The qualifier the words before an amount give it.
pub fn qualifier(before: &str) -> &'static str {
    let lower = before.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().rev().take(3).collect();
    let last = words.first().copied().unwrap_or("");
    let last2 = words
        .get(1)
        .map(|w| format!("{w} {last}"))
        .unwrap_or_default();
    match (last, last2.as_str()) {
        ("trên" | "hơn" | "vượt" | "ngoài", _) => "over",
        (_, "chưa đến" | "chưa tới" | "không quá") => "under",
        ("dưới", _) => "under",
        ("gần" | "khoảng" | "xấp" | "chừng" | "độ" | "tầm", _) => "about",
        (_, "xấp xỉ") => "about",
        ("xỉ", _) => "about",
        _ => "exact",
    }
}

/// Every amount with a unit in `text[range]`; plain numbers are left alone.
pub fn find(text: &str, range: Range<usize>) -> Vec<Amount> {
    let s = &text[range.clone()];
    let mut out = Vec::new();
    for c in pattern().captures_iter(s) {
        let (Some(num), Some(whole)) = (c.name("num"), c.get(0)) else {
            continue;
        };
        let Some(mut value) = parse_number(num.as_str()) else {
            continue;
        };
        let scales = c.name("scales").map(|m| m.as_str()).unwrap_or("");
        let mut biggest = 1.0;
        if !scales.trim().is_empty() {
            // "tỷ 900 triệu": the first scale applies to the number, each next pair adds.
            let mut words = scales.split_whitespace().peekable();
            let first = words.next().unwrap_or("");
            biggest = scale(first);
            value *= biggest;
            while let Some(n) = words.next() {
                let (Some(v), Some(sc)) = (parse_number(n), words.next()) else {
                    break;
                };
                value += v * scale(sc);
            }
        }
        // A unit must end where a word ends ("45 ha", not the "ha" of "hai").
        let unit_match = c.name("unit").filter(|u| {
            s[u.end()..]
                .chars()
                .next()
                .is_none_or(|ch| !ch.is_alphanumeric())
        });
        let unit = match unit_match.and_then(|u| unit_code(u.as_str())) {
            Some(u) => u,
            // "8,5 tỷ" with no currency written is money in these reports.
            None if biggest >= 1e6 => "VND",
            None => continue,
        };
        let mut end = unit_match
            .map(|u| u.end())
            .unwrap_or_else(|| c.name("scales").map(|m| m.end()).unwrap_or(num.end()));
        end = end.max(num.end());
        let start = c.name("frac").map(|f| f.start()).unwrap_or(num.start());
        let _ = whole;
        out.push(Amount {
            range: range.start + start..range.start + end,
            value,
            unit,
            qualifier: qualifier(crate::lexicon::tail(&s[..start], 40)),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "đồng chí" (comrades) counts people, it is no money.
    #[test]
    fn comrades_are_no_money() {
        let t = "trách nhiệm của 3 đồng chí Phó Chủ tịch";
        let a = find(t, 0..t.len());
        assert_eq!(a.len(), 1);
        assert_eq!((a[0].value, a[0].unit), (3.0, "people"));
    }

    #[test]
    fn numbers_table() {
        let cases = [
            ("8,5", 8.5),
            ("1.653,522", 1653.522),
            ("2.239", 2239.0),
            ("87,2", 87.2),
            ("100", 100.0),
            ("8.500.000", 8_500_000.0),
            ("2.5", 2.5),
        ];
        for (s, want) in cases {
            assert_eq!(parse_number(s), Some(want), "{s}");
        }
    }

    #[test]
    fn amounts_table() {
        let cases: &[(&str, f64, &str, &str, &str)] = &[
            (
                "ước đạt trên 8,5 tỷ đồng, đạt",
                8.5e9,
                "VND",
                "over",
                "8,5 tỷ đồng",
            ),
            (
                "tổng vốn 153 tỷ 900 triệu đồng",
                153.9e9,
                "VND",
                "exact",
                "153 tỷ 900 triệu đồng",
            ),
            (
                "giải ngân 1.653,522 tỷ đồng",
                1653.522e9,
                "VND",
                "exact",
                "1.653,522 tỷ đồng",
            ),
            (
                "tiếp nhận 2.239 hồ sơ",
                2239.0,
                "items",
                "exact",
                "2.239 hồ sơ",
            ),
            (
                "có 15/15 đảng viên tham gia",
                15.0,
                "people",
                "exact",
                "15/15 đảng viên",
            ),
            (
                "thu hút 100 triệu USD",
                1e8,
                "USD",
                "exact",
                "100 triệu USD",
            ),
            ("đạt 87,2% kế hoạch", 87.2, "percent", "exact", "87,2%"),
            ("gần 300 hộ dân", 300.0, "households", "about", "300 hộ"),
            ("khoảng 11,9 tỷ", 11.9e9, "VND", "about", "11,9 tỷ"),
            ("dưới 2%", 2.0, "percent", "under", "2%"),
            ("trồng 45 ha rừng", 45.0, "ha", "exact", "45 ha"),
        ];
        for (text, value, unit, q, span) in cases {
            let found = find(text, 0..text.len());
            let a = found.first().unwrap_or_else(|| panic!("{text}"));
            assert!(
                (a.value - value).abs() < 1e-3 * value.abs().max(1.0),
                "{text}: {}",
                a.value
            );
            assert_eq!(
                (a.unit, a.qualifier, &text[a.range.clone()]),
                (*unit, *q, *span),
                "{text}"
            );
        }
    }

    #[test]
    fn plain_numbers_are_not_amounts() {
        for text in ["08 vấn đề", "khu 6", "3 trước, 4 tại chỗ", "lần thứ 13"] {
            assert!(find(text, 0..text.len()).is_empty(), "{text}");
        }
    }
}
