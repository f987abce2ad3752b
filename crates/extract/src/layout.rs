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
];

pub fn is_furniture(line: &str) -> bool {
    // Furniture is told by how a line starts: look at its start only.
    let head: String = line.trim().chars().take(40).collect();
    let lower = head.to_lowercase();
    if line.trim().chars().count() > 60 {
        return FURNITURE.iter().any(|f| lower.starts_with(f)) && line.trim().chars().count() <= 80;
    }
    FURNITURE.iter().any(|f| lower.starts_with(f)) || lower.parse::<f64>().is_ok()
}

fn ends_like_sentence(s: &str) -> bool {
    let t = s.trim_end_matches(['”', '"', ')', '»', ' ']);
    t.ends_with('.') && !t.ends_with("...")
        || t.ends_with('!')
        || t.ends_with('?')
        || t.ends_with(':')
        || t.ends_with(';')
}

/// A byline: a name ("Thùy Dương"), possibly with its outlet ("Thùy Dương (TTTT Hạ Long)",
/// "Minh Hà - Trung tâm Truyền thông"), or a short credit ("PV", "Theo Báo Quảng Ninh").
pub fn looks_like_byline(s: &str) -> bool {
    let s = s.trim();
    if s.is_empty() || s.chars().count() > 80 || ends_like_sentence(s) {
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

/// The name part of a byline, without the outlet in brackets or after a dash.
pub fn byline_name(s: &str) -> &str {
    let s = s.trim();
    let cut = s.find(['(', '-', '–', ',', '/']).unwrap_or(s.len());
    s[..cut].trim()
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
        if is_furniture(line) {
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
    // The title: the first line, when it reads as a headline.
    let first = &text[paras[0].range.clone()];
    if first.chars().count() <= 400 && !ends_like_sentence(first) && n > 1 {
        paras[0].kind = Kind::Title;
    }
    // The byline: the last short name-like line before the furniture.
    if let Some(last) = paras.iter().rposition(|p| p.kind == Kind::Body) {
        if last > 0 && looks_like_byline(&text[paras[last].range.clone()]) {
            paras[last].kind = Kind::Byline;
        }
    }
    // Captions: short lines that are not sentences, between paragraphs of the body.
    for p in paras.iter_mut().filter(|p| p.kind == Kind::Body) {
        let line = &text[p.range.clone()];
        let chars = line.chars().count();
        if chars > 300 || ends_like_sentence(line) {
            continue;
        }
        if segment::sentences(text, p.range.clone()).len() > 1 {
            continue;
        }
        let trailing_dots = line.ends_with("...") || line.ends_with('…');
        if !trailing_dots || chars <= 200 {
            p.kind = Kind::Caption;
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
