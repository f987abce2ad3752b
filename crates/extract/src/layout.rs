//! What each paragraph of a news page is: the title, a photo caption, body text, the byline, or
//! page furniture (weather, exchange rates, visitor counters) that is not part of the article.

use std::ops::Range;

use dondoc_text::segment;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Title,
    Caption,
    Body,
    Byline,
    Furniture,
}

#[derive(Debug, Clone)]
pub struct Para {
    pub range: Range<usize>,
    pub kind: Kind,
}

/// Lines that belong to the page around the article, by how they start.
const FURNITURE: &[&str] = &[
    "thời tiết",
    "tỷ giá",
    "tỉ giá",
    "thống kê truy cập",
    "đang online",
    "đang truy cập",
    "lượt truy cập",
    "tổng lượt truy cập",
    "tổng truy cập",
    "số lượt truy cập",
    "hôm nay:",
    "trong tuần:",
    "liên kết website",
    "liên kết web",
    "in trang",
    "in bài",
    "chia sẻ",
    "bản quyền",
    "copyright",
    "xem thêm",
    "tin liên quan",
    "tin khác",
    "các tin khác",
    "tags",
    "từ khóa",
    "từ khoá",
    "quay lại",
    "trở về",
    "trang chủ",
    "lên đầu trang",
    "bình luận",
    "gửi bình luận",
    "ý kiến bạn đọc",
    "giá vàng",
    "lịch âm",
    "đăng nhập",
    "tìm kiếm",
    "chuyên mục",
    "video",
    "thư viện ảnh",
    "liên hệ",
    "sơ đồ cổng",
    "góp ý",
    "cỡ chữ",
    "lượt xem",
    "lượt đọc",
    "thống kê",
    "online",
    "tăng/giảm cỡ chữ",
    "tăng giảm cỡ chữ",
];

/// A heading or counter of the page around the article ("Thống kê truy cập", "Tỷ giá"), by
/// how it starts; from one on after the body's middle, the page's short lines are furniture.
fn is_page_heading(line: &str) -> bool {
    let line = line.trim().trim_start_matches(['•', '*', '·']).trim();
    let lower = crate::lexicon::lower(&line.chars().take(40).collect::<String>());
    line.chars().count() <= 80 && FURNITURE.iter().any(|f| lower.starts_with(f))
        || lower.parse::<f64>().is_ok()
}

pub fn is_furniture(line: &str) -> bool {
    // Furniture is told by how a line starts: look at its start only.
    let line = line.trim().trim_start_matches(['•', '*', '·']).trim();
    let head: String = line.chars().take(40).collect();
    let lower = head.to_lowercase();
    if line.chars().count() > 60 {
        return FURNITURE.iter().any(|f| lower.starts_with(f)) && line.chars().count() <= 80;
    }
    FURNITURE.iter().any(|f| lower.starts_with(f))
        || lower.parse::<f64>().is_ok()
        || is_stamp(line)
        || is_file_name(line)
}

/// Words a page's date, time and view-count lines are made of, besides their numbers
/// ("Ngày đăng 29/03/2022 | 20:48 | Lượt xem: 98", "Đăng ngày 25-11-2022 09:07").
const STAMP_WORDS: &[&str] = &[
    "ngày", "đăng", "cập", "nhật", "lúc", "lượt", "xem", "đọc", "giờ", "thứ", "hai", "ba", "tư",
    "năm", "sáu", "bảy", "chủ", "nhật", "gmt", "am", "pm", "tháng",
];

/// A date, time or view-count line of the page: digits, separators and a few stamp words only.
pub fn is_stamp(line: &str) -> bool {
    let line = line.trim();
    if line.is_empty()
        || line.len() > 320
        || line.chars().count() > 80
        || !line.bytes().any(|c| c.is_ascii_digit())
    {
        return false;
    }
    line.split(|c: char| c.is_whitespace() || matches!(c, '|' | ',' | ':' | '(' | ')'))
        .filter(|w| !w.is_empty())
        .all(|w| {
            let lw = w.to_lowercase();
            w.chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '/' | '-' | '.' | ':' | '+' | '–'))
                || STAMP_WORDS.contains(&lw.as_str())
        })
}

/// An image's file name left on the page ("0/637309136319356955446.png").
fn is_file_name(line: &str) -> bool {
    let line = line.trim();
    !line.contains(' ')
        && [".png", ".jpg", ".jpeg", ".gif", ".webp"].iter().any(|e| {
            line.len() >= e.len()
                && line.is_char_boundary(line.len() - e.len())
                && line[line.len() - e.len()..].eq_ignore_ascii_case(e)
        })
}

fn ends_like_sentence(s: &str) -> bool {
    let t = s.trim_end_matches(['”', '"', ')', '»', ' ']);
    t.ends_with('.') && !t.ends_with("...")
        || t.ends_with('!')
        || t.ends_with('?')
        || t.ends_with(':')
        || t.ends_with(';')
}

/// What may stand before the name in a byline ("Thực hiện: Thuỳ Dung", "T/h: Vỹ Phượng").
const BYLINE_PREFIXES: &[&str] = &[
    "thực hiện:",
    "t/h:",
    "th:",
    "bài, ảnh:",
    "bài và ảnh:",
    "tin, ảnh:",
    "tin và ảnh:",
    "bài:",
    "tin:",
    "tác giả:",
    "nguồn:",
];

/// A byline without its prefix, its final full stop and whatever a page glued to it: a sidebar
/// heading run into the name ("Minh QuyếtTin tức") starts at a capital inside a word.
fn byline_core(s: &str) -> &str {
    let mut s = s.trim();
    let lower = crate::lexicon::lower(s);
    if let Some(p) = BYLINE_PREFIXES.iter().find(|p| lower.starts_with(**p)) {
        s = s[p.len()..].trim_start();
    }
    let mut prev_lower = false;
    for (i, c) in s.char_indices() {
        if prev_lower && c.is_uppercase() {
            s = &s[..i];
            break;
        }
        prev_lower = c.is_lowercase();
    }
    let s = s.trim_end();
    s.strip_suffix('.').unwrap_or(s).trim_end()
}

/// A byline: a name ("Thùy Dương"), possibly with its outlet ("Thùy Dương (TTTT Hạ Long)",
/// "Minh Hà - Trung tâm Truyền thông"), or a short credit ("PV", "Theo Báo Quảng Ninh").
pub fn looks_like_byline(s: &str) -> bool {
    let s = s.trim();
    if s.is_empty() || s.chars().count() > 80 {
        return false;
    }
    let core = byline_core(s);
    if core.is_empty() || ends_like_sentence(core) {
        return false;
    }
    let head = byline_name(s);
    let words: Vec<&str> = head.split_whitespace().collect();
    if words.is_empty() || words.len() > 5 {
        return false;
    }
    if words.iter().any(|w| w.chars().any(|c| c.is_ascii_digit())) {
        return false;
    }
    words
        .iter()
        .all(|w| w.chars().next().is_some_and(char::is_uppercase))
}

/// The name part of a byline, without its prefix, the outlet in brackets or after a dash.
pub fn byline_name(s: &str) -> &str {
    let s = byline_core(s);
    let cut = s.find(['(', '-', '–', ',', '/']).unwrap_or(s.len());
    s[..cut].trim()
}

/// How a lede opens: a first line starting so is the article's first paragraph, not its title.
const LEDE_OPENINGS: &[&str] = &[
    "ngày",
    "sáng",
    "chiều",
    "tối",
    "trưa",
    "vừa qua",
    "hôm qua",
    "thực hiện",
    "trong",
    "tiếp tục",
    "theo",
];

/// Whether a line reads as a headline: short enough, one sentence, not a lede's opening. A
/// headline may end with a full stop.
fn reads_as_title(text: &str, range: &Range<usize>) -> bool {
    let line = &text[range.clone()];
    let chars = line.chars().count();
    if chars > 400 {
        return false;
    }
    if !ends_like_sentence(line) {
        return true;
    }
    let lower = crate::lexicon::lower(line.trim());
    line.trim_end().ends_with('.')
        && chars <= 160
        && segment::sentences(text, range.clone()).len() == 1
        && !LEDE_OPENINGS
            .iter()
            .any(|o| crate::lexicon::starts_with_word(&lower, o))
}

/// Words of a photo caption written as a sentence ("… phát biểu tại buổi làm việc.").
const PHOTO_VERBS: &[&str] = &[
    "phát biểu",
    "chủ trì",
    "dự buổi",
    "thông báo",
    "trao tặng",
    "trao quà",
    "tặng quà",
    "thăm hỏi",
    "quang cảnh",
    "toàn cảnh",
    "tại buổi",
];

/// A short line under a photo that ends with a full stop: one sentence describing who does
/// what in the picture, without dates, figures or lists.
fn sentence_caption(text: &str, range: &Range<usize>) -> bool {
    let line = &text[range.clone()];
    if line.split_whitespace().count() > 30
        || line.contains([':', ';'])
        || line.matches(',').count() > 2
    {
        return false;
    }
    let lower = crate::lexicon::lower(line);
    // What a report says happened or must happen is no caption, however short.
    let told = [
        " đã ",
        " sẽ ",
        "yêu cầu",
        "đề nghị",
        "kiến nghị",
        "chỉ đạo",
        " giao ",
        " cần ",
        " phải ",
    ]
    .iter()
    .any(|w| lower.contains(w));
    !told
        && PHOTO_VERBS.iter().any(|v| lower.contains(v))
        && segment::sentences(text, range.clone()).len() == 1
}

/// A photo credit inside a caption line: "Ảnh: …" before the caption, or after it.
fn credit_split(text: &str, range: &Range<usize>) -> Option<Range<usize>> {
    let line = &text[range.clone()];
    if !line.contains("nh:") && !line.contains("nh :") {
        return None;
    }
    for mark in ["Ảnh:", "ảnh:", "Ảnh :", "(Ảnh:"] {
        if let Some(rest) = line.strip_prefix(mark) {
            let lead = line.len() - rest.trim_start().len();
            return Some(range.start + lead..range.end);
        }
        if let Some(k) = line.find(mark).filter(|k| line[..*k].ends_with(' ')) {
            let credit = &line[k + mark.len()..];
            if credit.split_whitespace().count() <= 5 && k > 0 {
                return Some(range.start..range.start + line[..k].trim_end().len());
            }
        }
    }
    None
}

pub fn layout(text: &str) -> Vec<Para> {
    let ranges = segment::paragraphs(text);
    let mut paras: Vec<Para> = ranges
        .into_iter()
        .map(|range| Para {
            range,
            kind: Kind::Body,
        })
        .collect();
    if paras.is_empty() {
        return paras;
    }
    // Furniture: from the first furniture line after the body's middle, the rest of the page
    // that is short is furniture too.
    let n = paras.len();
    let mut furniture_from = n;
    for i in (1..n).rev() {
        let line = &text[paras[i].range.clone()];
        if i >= n / 2 && is_page_heading(line) {
            furniture_from = i;
        } else if line.chars().count() > 60 && furniture_from < n {
            break;
        }
    }
    for p in paras.iter_mut().skip(furniture_from) {
        let line = &text[p.range.clone()];
        if is_furniture(line) || line.chars().count() <= 40 {
            p.kind = Kind::Furniture;
        }
    }
    // Above the article, and wherever they stand, the page's own lines: its links and
    // counters at the top, date and view-count stamps, image file names.
    let mut top = true;
    for p in paras.iter_mut() {
        let line = &text[p.range.clone()];
        if (top && is_furniture(line)) || is_stamp(line) || is_file_name(line.trim()) {
            p.kind = Kind::Furniture;
        } else {
            top = false;
        }
    }
    let Some(first) = paras.iter().position(|p| p.kind == Kind::Body) else {
        return paras;
    };
    // The title: the first line of the article, when it reads as a headline.
    let article_lines = paras.iter().filter(|p| p.kind == Kind::Body).count();
    if article_lines > 1 && reads_as_title(text, &paras[first].range) {
        paras[first].kind = Kind::Title;
    }
    // The byline: the last short name-like line before the furniture.
    let last = paras.iter().rposition(|p| p.kind == Kind::Body);
    let mut bylined = false;
    if let Some(last) = last {
        if last > first && looks_like_byline(&text[paras[last].range.clone()]) {
            paras[last].kind = Kind::Byline;
            bylined = true;
        }
    }
    // The article's last line, when no byline follows: a report cut mid-sentence ends there,
    // and that line is not a caption.
    let open_end = if bylined { None } else { last };
    // The lede, the first paragraph of the body, is no caption either.
    let lede = paras.iter().position(|p| p.kind == Kind::Body);
    // Captions: short lines that are not sentences, between paragraphs of the body; a line the
    // page repeats (an image's text and its caption); a line with a photo credit.
    for i in 0..paras.len() {
        if paras[i].kind != Kind::Body || Some(i) == open_end || Some(i) == lede {
            continue;
        }
        let range = paras[i].range.clone();
        if range.len() > 1200 {
            continue;
        }
        if let Some(r) = credit_split(text, &range) {
            paras[i].range = r;
            paras[i].kind = Kind::Caption;
            continue;
        }
        let line = &text[range.clone()];
        // An image's placeholder text ("anh tin bai") is not written as a caption is.
        if line.starts_with(char::is_lowercase) {
            continue;
        }
        let repeated = [i.checked_sub(1), Some(i + 1)]
            .into_iter()
            .flatten()
            .filter_map(|j| paras.get(j))
            .any(|p| text[p.range.clone()] == *line);
        let chars = line.chars().count();
        if repeated && chars <= 300 {
            paras[i].kind = Kind::Caption;
            continue;
        }
        if chars > 300 {
            continue;
        }
        if ends_like_sentence(line) {
            if sentence_caption(text, &range) {
                paras[i].kind = Kind::Caption;
            }
            continue;
        }
        if segment::sentences(text, range.clone()).len() > 1 {
            continue;
        }
        let trailing_dots = line.ends_with("...") || line.ends_with('…');
        if !trailing_dots || chars <= 200 {
            paras[i].kind = Kind::Caption;
        }
    }
    paras
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bylines_table() {
        let cases = [
            ("Thùy Dương", true),
            ("Minh Hà (TTTT Hạ Long)", true),
            ("Nguyễn Văn An - Trung tâm Truyền thông", true),
            ("Quang cảnh buổi làm việc", false),
            ("Đang online 127", false),
            ("Tổng thu đạt 8,5 tỷ đồng.", false),
        ];
        for (line, want) in cases {
            assert_eq!(looks_like_byline(line), want, "{line}");
        }
    }

    /// Constructions of pages from the field, in lines written for this test.
    #[test]
    fn field_pages_are_laid_out() {
        let text = "Liên kết website\nThống kê: 1.234\nĐội công tác xã hội thăm bà con vùng lũ.\nNgày đăng 03/10/2024 | 07:30 | Lượt xem: 55\nanh tin bai\nSáng 2/10, đoàn công tác của huyện đến thăm hỏi các hộ dân bị ảnh hưởng. Đoàn trao 50 suất quà.\nĐồng chí Lý Thị Mai trao quà cho các hộ dân.\nĐồng chí Lý Thị Mai yêu cầu xã hỗ trợ các hộ dân trước ngày 10/10.\nNhiều hộ dân xúc động. Ảnh: Thu Hà\nThực hiện: Thu Hà";
        let kinds: Vec<Kind> = layout(text).iter().map(|p| p.kind).collect();
        assert_eq!(
            kinds,
            [
                Kind::Furniture,
                Kind::Furniture,
                Kind::Title,
                Kind::Furniture,
                Kind::Body,
                Kind::Body,
                Kind::Caption,
                Kind::Body,
                Kind::Caption,
                Kind::Byline,
            ]
        );
        assert_eq!(byline_name("Thực hiện: Thu Hà"), "Thu Hà");
        assert_eq!(byline_name("T/h: Vũ Hoa"), "Vũ Hoa");
        assert_eq!(byline_name("Hữu Hoàn."), "Hữu Hoàn");
        assert_eq!(byline_name("Minh AnTin tức"), "Minh An");
        assert!(is_stamp("Đăng ngày 25-11-2022 09:07"));
        assert!(!is_stamp("Ngày 25-11-2022, đoàn đến xã."));
    }

    #[test]
    fn a_page_is_laid_out() {
        let text = "Tiêu đề bài viết\n\nĐoạn thân bài một. Câu hai.\n\nQuang cảnh buổi làm việc\n\nĐoạn thân bài hai.\n\nThùy Dương\n\nThời tiết\n\nTỷ giá ngoại tệ\nĐang online 127";
        let kinds: Vec<Kind> = layout(text).iter().map(|p| p.kind).collect();
        assert_eq!(
            kinds,
            [
                Kind::Title,
                Kind::Body,
                Kind::Caption,
                Kind::Body,
                Kind::Byline,
                Kind::Furniture,
                Kind::Furniture,
                Kind::Furniture
            ]
        );
    }
}
