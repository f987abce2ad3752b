//! Word lists the recognisers share: surnames, titles of office, the verbs that end a name or
//! begin an instruction, and the words that name a level of government.

/// Vietnamese family names, which a person's name starts with.
pub const SURNAMES: &[&str] = &[
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Hà",
    "Đào",
    "Đoàn",
    "Vương",
    "Trịnh",
    "Trương",
    "Lâm",
    "Phùng",
    "Mai",
    "Tô",
    "Tạ",
    "Cao",
    "Quách",
    "Lương",
    "Chu",
    "Đinh",
    "Lưu",
    "Tăng",
    "Kiều",
    "Hứa",
    "Triệu",
    "La",
    "Thái",
    "Lò",
    "Hầu",
    "Nông",
    "Lục",
    "Mạc",
    "Khổng",
    "Thân",
    "Diệp",
    "Đàm",
    "Giang",
    "Hàn",
    "Kim",
    "Lại",
    "Lã",
    "Mạnh",
    "Nghiêm",
    "Ninh",
    "Phí",
    "Quang",
    "Tống",
    "Từ",
    "Ứng",
    "Vi",
    "Viên",
    "Âu",
    "Bế",
    "Cù",
    "Doãn",
    "Đồng",
    "Đường",
    "Hán",
    "Khúc",
    "Khuất",
    "Lạc",
    "Lỗ",
    "Mẫn",
    "Nhâm",
    "Sầm",
    "Thạch",
    "Thiều",
    "Tiêu",
    "Trang",
    "Trình",
    "Trác",
    "Uông",
    "Vòng",
    "Xa",
    "Yên",
    "Chử",
    "Quan",
    "Chế",
    "Lữ",
    "Kha",
    "Ma",
];

/// Words a title of office starts with ("Phó Bí thư Thường trực Thành ủy", "Tỉnh ủy viên").
pub const TITLE_HEADS: &[&str] = &[
    "Ủy viên",
    "Uỷ viên",
    "Tỉnh ủy viên",
    "Tỉnh uỷ viên",
    "Thành ủy viên",
    "Thành uỷ viên",
    "Huyện ủy viên",
    "Huyện uỷ viên",
    "Bí thư",
    "Phó Bí thư",
    "Chủ tịch",
    "Phó Chủ tịch",
    "Trưởng",
    "Phó Trưởng",
    "Phó trưởng",
    "Giám đốc",
    "Phó Giám đốc",
    "Tổng Giám đốc",
    "Chánh",
    "Phó Chánh",
    "Khu trưởng",
    "Tổ trưởng",
    "Đại biểu",
    "Thường trực",
    "Hiệu trưởng",
    "Phó Hiệu trưởng",
    "Chỉ huy trưởng",
    "Bộ trưởng",
    "Thứ trưởng",
    "Chủ nhiệm",
    "Phó Chủ nhiệm",
    "Viện trưởng",
    "Chánh án",
    "Thủ trưởng",
    "Tổng Biên tập",
    "Lãnh đạo",
    "Nguyên",
    "Đảng ủy viên",
    "Đảng uỷ viên",
    "Chi ủy viên",
    "Trưởng ban",
    "Phó Trưởng ban",
    "Phó ban",
    "Phó Ban",
    "Trưởng phòng",
    "Phó Trưởng phòng",
    "Tư lệnh",
    "Chính ủy",
    "Trưởng Công an",
    "Thượng tá",
    "Đại tá",
    "Trung tá",
    "Thiếu tướng",
    "Trung tướng",
    "Kiểm sát viên",
];

/// Words before a name that say a person follows.
pub const PERSON_CUES: &[&str] = &[
    "đồng chí",
    "đ/c",
    "ông",
    "bà",
    "anh",
    "chị",
    "Đồng chí",
    "Đ/c",
    "Ông",
    "Bà",
    "Anh",
    "Chị",
    // Residents named in a report of their petitions ("ý kiến của công dân: Vi Văn Niệm").
    "công dân",
    "cử tri",
    "Công dân",
    "Cử tri",
];

/// Verbs and function words that end a name or a title: what comes after them is not part of it.
pub const STOP_WORDS: &[&str] = &[
    "hoàn thiện",
    "bàn giao",
    "tiếp nhận",
    "thẩm định",
    "phê duyệt",
    "gửi",
    "tham gia",
    "thông báo",
    "đã",
    "đang",
    "sẽ",
    "được",
    "bị",
    "là",
    "có",
    "cùng",
    "và các",
    "tại",
    "về",
    "với",
    "cho",
    "trong",
    "theo",
    "để",
    "do",
    "khi",
    "nhằm",
    "phát biểu",
    "báo cáo",
    "kết luận",
    "chủ trì",
    "tham dự",
    "dự họp",
    "làm việc",
    "làm trưởng đoàn",
    "dẫn đầu",
    "kiểm tra",
    "đề nghị",
    "yêu cầu",
    "chỉ đạo",
    "đẩy nhanh",
    "hoàn thành",
    "tiếp thu",
    "phối hợp",
    "quản lý",
    "ghi nhận",
    "nhấn mạnh",
    "trao đổi",
    "giải đáp",
    "khảo sát",
    "thăm",
    "tặng",
    "trao",
    "nêu",
    "cho biết",
    "thông tin",
    "tiếp",
    "đón",
    "chúc mừng",
    "biểu dương",
    "đánh giá",
    "thực hiện",
    "triển khai",
    "tổ chức",
    "xây dựng",
    "tập trung",
    "nghe",
    "thống nhất",
    "đồng ý",
    "cần",
    "phải",
    "tăng cường",
    "bám sát",
    "rà soát",
    "tập hợp",
    "chủ động",
    "đôn đốc",
    "hướng dẫn",
    "tham mưu",
    "giải quyết",
    "xem xét",
    "trên",
    "dưới",
    "đối với",
    "từ",
];

/// Verbs that begin the action of an instruction ("yêu cầu X <verb> …").
pub const ACTION_VERBS: &[&str] = &[
    "tiếp thu",
    "phối hợp",
    "bám sát",
    "kiểm tra",
    "xem xét",
    "tăng cường",
    "tập hợp",
    "chủ động",
    "đẩy nhanh",
    "hoàn thành",
    "rà soát",
    "xây dựng",
    "triển khai",
    "thực hiện",
    "tập trung",
    "quan tâm",
    "chỉ đạo",
    "tổ chức",
    "nâng cao",
    "đẩy mạnh",
    "khẩn trương",
    "sớm",
    "giải quyết",
    "tham mưu",
    "báo cáo",
    "nghiên cứu",
    "đề xuất",
    "bố trí",
    "hướng dẫn",
    "làm tốt",
    "quán triệt",
    "lãnh đạo",
    "duy trì",
    "theo dõi",
    "đôn đốc",
    "siết chặt",
    "khắc phục",
    "chấn chỉnh",
    "rút kinh nghiệm",
    "đảm bảo",
    "bảo đảm",
    "tiếp tục",
    "cụ thể hóa",
    "cụ thể hoá",
    "ban hành",
    "đầu tư",
    "hỗ trợ",
    "củng cố",
    "kiện toàn",
    "xử lý",
    "thanh tra",
    "rà soát lại",
    "kịp thời",
    "phát huy",
    "quyết liệt",
    "chuẩn bị",
    "làm rõ",
    "thống kê",
    "tổng hợp",
    "lập",
    "cải thiện",
    "tuyên truyền",
    "vận động",
    "huy động",
    "nắm chắc",
    "sửa chữa",
    "lắp đặt",
    "nạo vét",
    "mở rộng",
    "nâng cấp",
    "xây mới",
    "cấp",
    "thu hồi",
    "đề nghị",
    "phân công",
    "giao",
    "khuyến khích",
    "mạnh dạn",
    "khuyên khích",
    "tổ chức lại",
    "sắp xếp",
    "điều chỉnh",
    "chú trọng",
    "trả lời",
    "giám sát",
    "đánh giá",
    "phấn đấu",
    "thực hiện tốt",
    "làm",
    "có",
    "xem",
];

/// Exhortations that urge a spirit rather than assign work: not tracked as directives.
pub const EXHORTATIONS: &[&str] = &[
    "nêu cao",
    "phát huy tinh thần",
    "phát huy vai trò",
    "ghi nhận",
    "biểu dương",
    "đánh giá cao",
    "chúc mừng",
];

/// Words that name a level of government, which may end an organisation's name.
pub const LEVELS: &[&str] = &[
    "tỉnh",
    "thành phố",
    "Thành phố",
    "huyện",
    "quận",
    "thị xã",
    "Thị xã",
    "xã",
    "phường",
    "thị trấn",
    "Tỉnh",
    "Huyện",
];

/// A set of literal cues a sentence must contain one of before a recogniser looks closer:
/// matched in one pass (the regex engine's literal search), not one scan per cue.
pub struct Cues(regex::Regex);

impl Cues {
    pub fn new(cues: &[&str]) -> Cues {
        let alternation = cues
            .iter()
            .map(|c| regex::escape(c))
            .collect::<Vec<_>>()
            .join("|");
        Cues(regex::Regex::new(&alternation).expect("escaped literals compile"))
    }

    pub fn in_text(&self, s: &str) -> bool {
        self.0.is_match(s)
    }
}

/// Whether `s` starts with `word` as whole words, ignoring case (without allocating: this runs
/// for every word of every report).
pub fn starts_with_word(s: &str, word: &str) -> bool {
    let mut sc = s.chars();
    for wc in word.chars() {
        match sc.next() {
            Some(c) if c == wc || lower_char(c) == lower_char(wc) => {}
            _ => return false,
        }
    }
    sc.next().is_none_or(|c| !c.is_alphanumeric())
}

pub fn lower_char(c: char) -> char {
    match c {
        _ if c.is_ascii() => c.to_ascii_lowercase(),
        '\u{C0}'..='\u{FF}' | '\u{1EA0}'..='\u{1EF9}' => lower_same_length(c),
        _ => c.to_lowercase().next().unwrap_or(c),
    }
}

/// `at` moved back to a character boundary of `text` (and into it).
pub fn floor(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The last `n` bytes of `s` or fewer, cut on a character boundary: the window a recogniser
/// looks back through, so that no look-back costs more than a few words.
pub fn tail(s: &str, n: usize) -> &str {
    let mut start = s.len().saturating_sub(n);
    while !s.is_char_boundary(start) {
        start += 1;
    }
    &s[start..]
}

/// The first entry of `words` that `s` starts with (longest first). For short, one-off lists;
/// the big ones go through a [`WordList`].
pub fn starts_with_one_of<'w>(s: &str, words: &[&'w str]) -> Option<&'w str> {
    words
        .iter()
        .filter(|w| starts_with_word(s, w))
        .max_by_key(|w| w.len())
        .copied()
}

/// A word list indexed by its entries' first letter (lower case), so that asking which entry a
/// text starts with compares a handful of entries, not all of them.
pub struct WordList {
    by_first: std::collections::HashMap<char, Vec<&'static str>>,
}

impl WordList {
    fn new(words: &'static [&'static str]) -> WordList {
        let mut by_first: std::collections::HashMap<char, Vec<&'static str>> =
            std::collections::HashMap::new();
        for w in words {
            if let Some(c) = w.chars().next() {
                by_first.entry(lower_char(c)).or_default().push(w);
            }
        }
        for v in by_first.values_mut() {
            v.sort_by_key(|w| std::cmp::Reverse(w.len()));
        }
        WordList { by_first }
    }

    /// The longest entry `s` starts with, as whole words, ignoring case.
    pub fn at(&self, s: &str) -> Option<&'static str> {
        let first = lower_char(s.chars().next()?);
        self.by_first
            .get(&first)?
            .iter()
            .find(|w| starts_with_word(s, w))
            .copied()
    }
}

macro_rules! indexed {
    ($fn_name:ident, $list:ident) => {
        pub fn $fn_name() -> &'static WordList {
            static L: std::sync::OnceLock<WordList> = std::sync::OnceLock::new();
            L.get_or_init(|| WordList::new($list))
        }
    };
}

indexed!(action_verbs, ACTION_VERBS);
indexed!(title_heads, TITLE_HEADS);
indexed!(stop_words, STOP_WORDS);
indexed!(exhortations, EXHORTATIONS);

/// Whether a word is a Vietnamese family name.
pub fn is_surname(w: &str) -> bool {
    static SET: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    SET.get_or_init(|| SURNAMES.iter().copied().collect())
        .contains(w)
}

/// Lower case that keeps every character's byte length, so offsets found in the lowered text
/// hold in the original (a few characters lower to a different length; those are kept as is).
pub fn lower(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    s.chars().map(lower_same_length).collect()
}

/// One character in lower case when that keeps its byte length, else as it is. Vietnamese
/// letters are looked up without the general table: ASCII, Latin-1 ("À" → "à") and the
/// letters with two marks (U+1EA0–U+1EF9, capital and small in turn).
fn lower_same_length(c: char) -> char {
    match c {
        'A'..='Z' => c.to_ascii_lowercase(),
        _ if c.is_ascii() => c,
        '\u{C0}'..='\u{DE}' if c != '\u{D7}' => char::from_u32(c as u32 + 0x20).unwrap_or(c),
        '\u{DF}'..='\u{FF}' => c,
        '\u{1EA0}'..='\u{1EF9}' => char::from_u32(c as u32 | 1).unwrap_or(c),
        _ => {
            let mut l = c.to_lowercase();
            match (l.next(), l.next()) {
                (Some(x), None) if x.len_utf8() == c.len_utf8() => x,
                _ => c,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast paths agree with the general table for every character they cover.
    #[test]
    fn lower_agrees_with_the_table() {
        let ranges = [(0x20u32, 0x24F_u32), (0x1E00, 0x1EFF)];
        for (a, b) in ranges {
            for c in (a..=b).filter_map(char::from_u32) {
                let mut l = c.to_lowercase();
                let want = match (l.next(), l.next()) {
                    (Some(x), None) if x.len_utf8() == c.len_utf8() => x,
                    _ => c,
                };
                assert_eq!(lower_same_length(c), want, "{c} U+{:04X}", c as u32);
            }
        }
        assert_eq!(lower("ĐOÀN CÔNG TÁC Số 1"), "đoàn công tác số 1");
    }
}
