//! Whatever the input — arbitrary Unicode, huge single lines, runs of punctuation, lone
//! combining marks, report-like noise — the reader returns an extraction, never panics, and
//! every span lies within the normalised text on character boundaries.

use proptest::prelude::*;

fn check(input: &str) {
    let e = dondoc_extract::extract(input);
    let text = dondoc_extract::normalize(input);
    let mut spans: Vec<[usize; 2]> = Vec::new();
    spans.extend(e.people.iter().map(|p| p.span));
    spans.extend(e.organizations.iter().map(|o| o.span));
    spans.extend(e.documents.iter().map(|d| d.span));
    spans.extend(e.figures.iter().map(|f| f.span));
    spans.extend(e.petitions.iter().map(|p| p.span));
    spans.extend(e.directives.iter().map(|d| d.span));
    for [a, b] in spans {
        assert!(
            a <= b && b <= text.len(),
            "span {a}..{b} outside {} bytes",
            text.len()
        );
        assert!(
            text.is_char_boundary(a) && text.is_char_boundary(b),
            "span {a}..{b} not on character boundaries"
        );
    }
    let json = dondoc_extract::to_json(&e, false);
    assert!(json.starts_with('{'));
}

/// Pieces reports are made of, to reach the recognisers more often than random text does.
fn report_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("đồng chí Nguyễn Văn An, Bí thư Đảng ủy xã ".to_string()),
        Just("yêu cầu UBND huyện ".to_string()),
        Just("giao Ban quản lý dự án ".to_string()),
        Just("trước ngày 18 tháng 11 năm 2020".to_string()),
        Just("cuối tháng 8/2020".to_string()),
        Just("ngày 24/8".to_string()),
        Just("kiến nghị: ".to_string()),
        Just("8,5 tỷ đồng".to_string()),
        Just("đạt 87,2% kế hoạch".to_string()),
        Just("NQ 21- NQ/TU ngày 11/1/2020".to_string()),
        Just("quý IV/20".to_string()),
        Just("…".to_string()),
        Just("; ".to_string()),
        Just(". ".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("- ".to_string()),
        Just("\u{0301}\u{0323}".to_string()),
        Just("Đ".to_string()),
        "[a-zA-Z0-9 ,.:;/%-]{0,12}",
        "\\PC{0,6}",
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn any_unicode(s in "\\PC*") {
        check(&s);
    }

    #[test]
    fn any_chars_at_all(s in any::<String>()) {
        check(&s);
    }

    #[test]
    fn report_like_noise(s in report_like()) {
        check(&s);
    }

    #[test]
    fn punctuation_runs(s in "[.,;:…!?\"“”()\\- ]{0,400}") {
        check(&s);
    }

    #[test]
    fn lone_combining_marks(s in "[\u{0300}-\u{036f}a-zđ ]{0,200}") {
        check(&s);
    }
}

#[test]
fn a_huge_single_line() {
    let line = "Đồng chí Nguyễn Văn An yêu cầu UBND huyện rà soát 8,5 tỷ đồng trước ngày 18/11/2020 khu 6 ".repeat(20_000);
    check(&line);
}

#[test]
fn ten_megabytes_without_punctuation() {
    let text =
        "xây mới nhà văn hóa khu sáu đường giao thông nông thôn ".repeat(10 * 1024 * 1024 / 56);
    assert!(text.len() >= 10 * 1024 * 1024 - 100);
    check(&text);
}

#[test]
fn empty_and_blank() {
    for s in ["", " ", "\n\n\n", "\r\n", "\u{feff}", "\0\0"] {
        check(s);
    }
}
