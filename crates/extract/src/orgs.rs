//! Organisations, found by their heads (Tỉnh ủy, Đảng ủy, HĐND, UBND, MTTQ, Sở, Phòng, Ban,
//! Công ty, Trường, Trạm y tế, khu, thôn, …) with their kind and the extent of their names:
//! "Đảng ủy phường Hà Lầm", "Phòng Tài nguyên và Môi trường", "Ban quản lý dự án đầu tư xây
//! dựng các dự án thành phố", "Thường trực HĐND Thành phố".

use std::ops::Range;

use crate::lexicon::{starts_with_word, LEVELS};
use crate::words::{joined_by_space, words, Word};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A body of a level of government: head, then a level word and/or a proper name.
    Admin,
    /// A committee named after its place: head, then at most a proper name ("Thành ủy Hạ Long").
    Committee,
    /// A department, company or school: a capitalised name follows the head.
    Named,
    /// A project board: a lower-case description follows, up to its place.
    Descriptive,
    /// A part of the body that follows: "Ban Thường vụ Thành ủy", "Thường trực HĐND".
    Prefix,
    /// A delegation: "Đoàn công tác số 01 Thành ủy".
    Delegation,
    /// A residential area: "khu 6", "tổ dân phố 3", "thôn Đông".
    Area,
}

struct Head {
    text: &'static str,
    kind: &'static str,
    mode: Mode,
}

const fn h(text: &'static str, kind: &'static str, mode: Mode) -> Head {
    Head { text, kind, mode }
}

const HEADS: &[Head] = &[
    h("Tỉnh ủy", "party_committee", Mode::Committee),
    h("Tỉnh uỷ", "party_committee", Mode::Committee),
    h("Thành ủy", "party_committee", Mode::Committee),
    h("Thành uỷ", "party_committee", Mode::Committee),
    h("Huyện ủy", "party_committee", Mode::Committee),
    h("Huyện uỷ", "party_committee", Mode::Committee),
    h("Quận ủy", "party_committee", Mode::Committee),
    h("Thị ủy", "party_committee", Mode::Committee),
    h("Đảng ủy", "party_committee", Mode::Admin),
    h("Đảng uỷ", "party_committee", Mode::Admin),
    h("Đảng bộ", "party_committee", Mode::Admin),
    h("Chi bộ", "party_committee", Mode::Area),
    h("HĐND", "peoples_council", Mode::Admin),
    h("Hội đồng nhân dân", "peoples_council", Mode::Admin),
    h("UBND", "peoples_committee", Mode::Admin),
    h("Ủy ban nhân dân", "peoples_committee", Mode::Admin),
    h("Uỷ ban nhân dân", "peoples_committee", Mode::Admin),
    h("Ủy ban MTTQ Việt Nam", "front", Mode::Admin),
    h("Ủy ban Mặt trận Tổ quốc Việt Nam", "front", Mode::Admin),
    h("Mặt trận Tổ quốc Việt Nam", "front", Mode::Admin),
    h("UBMTTQVN", "front", Mode::Admin),
    h("MTTQVN", "front", Mode::Admin),
    h("Ủy ban MTTQ", "front", Mode::Admin),
    h("Ủy ban Mặt trận Tổ quốc", "front", Mode::Admin),
    h("UBMTTQ", "front", Mode::Admin),
    h("MTTQ", "front", Mode::Admin),
    h("Mặt trận Tổ quốc", "front", Mode::Admin),
    h("Hội Nông dân", "front", Mode::Admin),
    h("Hội Liên hiệp Phụ nữ", "front", Mode::Admin),
    h("Hội Cựu chiến binh", "front", Mode::Admin),
    h("Đoàn Thanh niên", "front", Mode::Admin),
    h("Liên đoàn Lao động", "front", Mode::Admin),
    h("Trạm y tế", "health", Mode::Admin),
    h("Trạm Y tế", "health", Mode::Admin),
    h("Trung tâm Y tế", "health", Mode::Admin),
    h("Trung tâm y tế", "health", Mode::Admin),
    h("Bệnh viện", "health", Mode::Named),
    h("Công an", "department", Mode::Admin),
    // The commands of a ward's militia and police ("BCH quân sự", "BCH công an").
    h("Ban Chỉ huy Quân sự", "other", Mode::Admin),
    h("Ban Chỉ huy quân sự", "other", Mode::Admin),
    h("BCH quân sự", "other", Mode::Admin),
    h("BCH Quân sự", "other", Mode::Admin),
    h("BCH công an", "other", Mode::Admin),
    h(
        "Ban Chấp hành Trung ương",
        "party_committee",
        Mode::Committee,
    ),
    h("Bộ Chính trị", "party_committee", Mode::Committee),
    h("Ban Chấp hành", "party_committee", Mode::Prefix),
    h("BCH", "party_committee", Mode::Prefix),
    h("Ban Thường vụ", "party_committee", Mode::Prefix),
    h("Ban thường vụ", "party_committee", Mode::Prefix),
    h("BTV", "party_committee", Mode::Prefix),
    h("Thường trực", "", Mode::Prefix),
    h("TT", "", Mode::Prefix),
    h("Ban quản lý dự án", "project_board", Mode::Descriptive),
    h("Ban Quản lý dự án", "project_board", Mode::Descriptive),
    h("Ban QLDA", "project_board", Mode::Descriptive),
    h("BQLDA", "project_board", Mode::Descriptive),
    h("Ban quản lý", "project_board", Mode::Descriptive),
    h("Ban Quản lý", "project_board", Mode::Descriptive),
    h("Sở", "department", Mode::Named),
    h("Phòng", "department", Mode::Named),
    h("Ban", "department", Mode::Named),
    h("Văn phòng", "department", Mode::Named),
    h("Chi cục", "department", Mode::Named),
    h("Cục", "department", Mode::Named),
    h("Thanh tra", "department", Mode::Admin),
    h("Chi nhánh", "other", Mode::Descriptive),
    h("Trung tâm", "other", Mode::Named),
    h("Công ty", "enterprise", Mode::Named),
    h("Tổng công ty", "enterprise", Mode::Named),
    h("Tập đoàn", "enterprise", Mode::Named),
    h("Ngân hàng", "enterprise", Mode::Named),
    h("Hợp tác xã", "enterprise", Mode::Named),
    h("Trường", "school", Mode::Named),
    h("Đoàn công tác", "delegation", Mode::Delegation),
    h("Đoàn giám sát", "delegation", Mode::Delegation),
    h("Đoàn kiểm tra", "delegation", Mode::Delegation),
    h("Đoàn đại biểu", "delegation", Mode::Delegation),
    h("Đoàn Công tác", "delegation", Mode::Delegation),
    h("Đoàn Giám sát", "delegation", Mode::Delegation),
    h("Đoàn Kiểm tra", "delegation", Mode::Delegation),
    h("Tổ công tác", "delegation", Mode::Delegation),
    h("Tổ Công tác", "delegation", Mode::Delegation),
    h("Tổ Đại biểu", "delegation", Mode::Delegation),
    h("Tổ đại biểu", "delegation", Mode::Delegation),
    h("Tổ giám sát", "delegation", Mode::Delegation),
    h("Tổ kiểm tra", "delegation", Mode::Delegation),
    h("khu", "residential_area", Mode::Area),
    h("Khu", "residential_area", Mode::Area),
    h("tổ dân phố", "residential_area", Mode::Area),
    h("Tổ dân phố", "residential_area", Mode::Area),
    h("thôn", "residential_area", Mode::Area),
    h("Thôn", "residential_area", Mode::Area),
    h("bản", "residential_area", Mode::Area),
    h("Bản", "residential_area", Mode::Area),
    h("ấp", "residential_area", Mode::Area),
    h("xóm", "residential_area", Mode::Area),
];

/// What a school's name starts with after "Trường".
const SCHOOL_TYPES: &[&str] = &[
    "Mầm non",
    "Mẫu giáo",
    "Tiểu học",
    "THCS",
    "THPT",
    "Trung học",
    "Phổ thông",
    "Đại học",
    "Cao đẳng",
    "Trung cấp",
    "Chính trị",
    "Dân tộc",
    "Quân sự",
    "TH",
    "MN",
    "Liên cấp",
    "Nghiệp vụ",
    "Bồi dưỡng",
];

#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub range: Range<usize>,
    pub kind: &'static str,
    /// The head alone, or the head and a level word: a reference to a body named in full elsewhere.
    pub bare: bool,
    /// The head as written ("Đảng ủy"), for resolving bare mentions.
    pub head: &'static str,
}

/// The head `s` starts with (longest first). The match is of the head's exact byte length, so
/// that the head's end is a character boundary of `s` whatever the case of what is written.
fn head_at(s: &str, case_sensitive_only: bool) -> Option<&'static Head> {
    // Heads by the first letter they may be written with (a table for ASCII letters, a map for
    // the rest), each with its text in lower case.
    type Entry = (&'static Head, String);
    struct Index {
        ascii: Vec<Vec<Entry>>,
        other: std::collections::HashMap<char, Vec<Entry>>,
    }
    static INDEX: std::sync::OnceLock<Index> = std::sync::OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut ix = Index {
            ascii: vec![Vec::new(); 128],
            other: std::collections::HashMap::new(),
        };
        for h in HEADS {
            let first = h.text.chars().next().unwrap_or(' ');
            for c in first.to_lowercase().chain(first.to_uppercase()) {
                let slot = if c.is_ascii() {
                    &mut ix.ascii[c as usize]
                } else {
                    ix.other.entry(c).or_default()
                };
                if !slot.iter().any(|(x, _)| x.text == h.text) {
                    slot.push((h, crate::lexicon::lower(h.text)));
                }
            }
        }
        for v in ix.ascii.iter_mut().chain(ix.other.values_mut()) {
            v.sort_by_key(|(h, _)| std::cmp::Reverse(h.text.len()));
        }
        ix
    });
    let first = s.chars().next()?;
    let candidates = if first.is_ascii() {
        &index.ascii[first as usize]
    } else {
        index.other.get(&first)?
    };
    if candidates.is_empty() {
        return None;
    }
    let ends_word = |n: usize| s[n..].chars().next().is_none_or(|c| !c.is_alphanumeric());
    let first_len = first.len_utf8();
    let next_byte = s.as_bytes().get(first_len).copied();
    // Written as the head is written: a byte comparison, after a look at the byte that tells
    // most candidates apart.
    if let Some((h, _)) = candidates.iter().find(|(h, _)| {
        h.text.as_bytes().get(first_len).copied() == next_byte
            && s.starts_with(h.text)
            && ends_word(h.text.len())
    }) {
        return Some(h);
    }
    // In another case ("đảng ủy", "ĐẢNG ỦY"); a capitalised word written otherwise is no head.
    let mut chars = s.chars();
    let titlecase = chars.next().is_some_and(char::is_uppercase)
        && chars.next().is_some_and(char::is_lowercase);
    if case_sensitive_only || titlecase {
        return None;
    }
    candidates
        .iter()
        .find(|(h, lower)| {
            let n = h.text.len();
            // A cheap look at the second letter first: most candidates differ there.
            let second_ok = match (s.as_bytes().get(first_len), lower.as_bytes().get(first_len)) {
                (Some(a), Some(b)) if a.is_ascii() && b.is_ascii() => a.eq_ignore_ascii_case(b),
                (Some(_), Some(_)) => true,
                _ => false,
            };
            second_ok
                && s.len() >= n
                && s.is_char_boundary(n)
                && same_ignoring_case(&s[..n], h.text)
                && ends_word(n)
        })
        .map(|(h, _)| *h)
}

/// Whether two strings of equal byte length read the same ignoring case (no allocation: this
/// runs for many words of every report).
fn same_ignoring_case(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.chars()
            .zip(b.chars())
            .all(|(x, y)| x == y || crate::lexicon::lower_char(x) == crate::lexicon::lower_char(y))
}

/// The index of the first word at or after byte `at`, looking forward from word `from` (the
/// answer is always a few words on: a search over the whole sentence would make long sentences
/// cost more than their length).
fn word_index(ws: &[Word], from: usize, at: usize) -> usize {
    let mut k = from.min(ws.len());
    while k < ws.len() && ws[k].start < at {
        k += 1;
    }
    k
}

fn is_stop(text: &str, w: &Word, end: usize) -> bool {
    !w.capitalized()
        && crate::lexicon::stop_words()
            .at(&text[w.start..end])
            .is_some()
}

/// A level word at word `j` ("phường", "thành phố"), as the index past it.
fn level_at(text: &str, ws: &[Word], j: usize, end: usize) -> Option<usize> {
    let w = ws.get(j)?;
    let rest = &text[w.start..end];
    let l = LEVELS
        .iter()
        .filter(|l| rest.starts_with(**l) && starts_with_word(rest, l))
        .max_by_key(|l| l.len())?;
    // "xã hội" (society) is no commune.
    if starts_with_word(rest, "xã hội") {
        return None;
    }
    let past = w.start + l.len();
    Some(word_index(ws, j, past))
}

/// A run of capitalised words from `j` joined by spaces: a proper name.
fn proper_at(text: &str, ws: &[Word], j: usize) -> usize {
    let mut k = j;
    while k < ws.len() && ws[k].capitalized() && (k == j || linked(text, ws, k)) {
        if head_at(&text[ws[k].start..], true)
            .is_some_and(|h| matches!(h.mode, Mode::Admin | Mode::Committee | Mode::Prefix))
            && k > j
        {
            break;
        }
        k += 1;
    }
    k
}

/// Organisations mentioned in one sentence (or caption).
pub fn find(text: &str, range: Range<usize>) -> Vec<Mention> {
    let ws = words(text, range.clone());
    find_in(text, range, &ws)
}

/// The short name a text gives a body right after naming it: "… (gọi tắt là Đoàn Kiểm tra
/// số 542)", "(sau đây gọi tắt là …)".
pub fn alias_after(text: &str, end: usize, limit: usize) -> Option<String> {
    let rest = text[end..limit].trim_start();
    let rest = rest.strip_prefix('(')?;
    let k = rest.find("gọi tắt là ")?;
    if k > 12 {
        return None;
    }
    let name = &rest[k + "gọi tắt là ".len()..];
    let name = &name[..name.find(')')?];
    let name = name.trim();
    (!name.is_empty() && name.split_whitespace().count() <= 10).then(|| name.to_string())
}

/// Whether the mention at `start` is the short name a text gives a body ("gọi tắt là X").
pub fn after_alias(text: &str, start: usize) -> bool {
    text[..start].trim_end().ends_with("gọi tắt là")
}

/// A place named by its level and its proper name ("xã Tùng Châu", "huyện Chợ Mới") starting
/// at byte `start`: the byte where it ends.
pub fn place_at(text: &str, start: usize, end: usize) -> Option<usize> {
    let end = crate::lexicon::floor(text, end.min(start + 200)).max(start);
    let ws = words(text, start..end);
    if ws.first().is_none_or(|w| w.start != start) {
        return None;
    }
    let past = level_at(text, &ws, 0, end)?;
    if past >= ws.len() || !linked(text, &ws, past) || !ws[past].capitalized() {
        return None;
    }
    let k = proper_at(text, &ws, past);
    (k > past).then(|| ws[k - 1].end)
}

/// Organisations of one sentence whose words the caller has already split.
pub fn find_in(text: &str, range: Range<usize>, ws: &[Word]) -> Vec<Mention> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < ws.len() {
        // Lower-case words start a body only as "khu", "thôn", "tổ dân phố", "đảng ủy", "ban
        // thường vụ", "mặt trận …", "hội đồng …", "đoàn công tác", "ủy ban …": skip the rest fast.
        let lower_start = ws[i].text.chars().next().is_some_and(char::is_lowercase);
        if lower_start
            && !matches!(
                ws[i].text,
                "khu"
                    | "thôn"
                    | "tổ"
                    | "bản"
                    | "ấp"
                    | "xóm"
                    | "đảng"
                    | "đoàn"
                    | "mặt"
                    | "ban"
                    | "hội"
                    | "ủy"
                    | "uỷ"
                    | "chi"
                    | "trạm"
                    | "trung"
                    | "thường"
                    | "phòng"
                    | "trường"
            )
        {
            i += 1;
            continue;
        }
        let at = ws[i].start;
        let rest = &text[at..range.end];
        let Some(head) = head_at(
            rest,
            matches!(ws[i].text, "khu" | "thôn" | "bản" | "ấp" | "xóm"),
        ) else {
            i += 1;
            continue;
        };
        let after_head = word_index(ws, i, at + head.text.len());
        // Lower-case heads of the Named kind are common nouns ("các phòng, ban"), but for a
        // department named by its field ("phòng lao động thương binh và xã hội"), one named
        // in a title ("Trưởng ban Tuyên giáo Huyện ủy") and a school with its type.
        let domain = department_domain(text, ws, after_head, range.end);
        if head.mode == Mode::Named && !ws[i].capitalized() {
            let titled = i > 0
                && matches!(ws[i - 1].text, "Trưởng" | "trưởng" | "Phó" | "phó")
                && ws.get(after_head).is_some_and(Word::capitalized);
            // "môi trường" (environment) is no school.
            let school =
                head.text == "Trường" && i.checked_sub(1).is_none_or(|p| ws[p].text != "môi");
            let field = domain && matches!(ws[i].text, "phòng" | "ban");
            if !(titled || school || field) {
                i += 1;
                continue;
            }
        }

        // "Tỉnh ủy viên" is a title, not the committee.
        if ws
            .get(after_head)
            .is_some_and(|w| w.text == "viên" && joined_by_space(text, &ws[after_head - 1], w))
        {
            i = after_head + 1;
            continue;
        }
        let prev = i.checked_sub(1).map(|p| ws[p].text);
        if (prev == Some("các") || prev == Some("những")) && !ws[i].capitalized() {
            i = after_head;
            continue;
        }
        let found = if domain && matches!(head.text, "Phòng" | "Ban") {
            let last = domain_tail(text, ws, after_head, range.end);
            Some(Mention {
                range: ws[i].start..ws[last - 1].end,
                kind: head.kind,
                bare: false,
                head: head.text,
            })
        } else if head.text == "Trường" {
            school_at(text, ws, i, after_head, range.end)
        } else {
            scan(text, ws, i, after_head, head, range.end)
        };
        match found {
            Some(m) => {
                // A delegation "của" a body also names that body: look inside it.
                let next = if m.kind == "delegation" {
                    after_head
                } else {
                    word_index(ws, i, m.range.end)
                };
                out.push(m);
                i = next.max(i + 1);
            }
            None => i = after_head.max(i + 1),
        }
    }
    out
}

fn scan(
    text: &str,
    ws: &[Word],
    i: usize,
    after_head: usize,
    head: &'static Head,
    end: usize,
) -> Option<Mention> {
    let start = ws[i].start;
    let head_end = start + head.text.len();
    let mention = |last: usize, bare: bool, kind: &'static str| Mention {
        range: start..ws[last - 1].end.max(head_end),
        kind,
        bare,
        head: head.text,
    };
    let adjacent = |j: usize| j < ws.len() && j > 0 && joined_by_space(text, &ws[j - 1], &ws[j]);
    match head.mode {
        Mode::Committee => {
            let k = if adjacent(after_head) {
                proper_at(text, ws, after_head)
            } else {
                after_head
            };
            Some(Mention {
                range: start..if k > after_head {
                    ws[k - 1].end
                } else {
                    head_end
                },
                kind: head.kind,
                // Without its place it may be one named in full elsewhere ("Thành ủy Hải Phòng").
                bare: k == after_head,
                head: head.text,
            })
        }
        Mode::Admin => {
            let mut k = after_head;
            let mut leveled = false;
            if adjacent(k) {
                if let Some(past) = level_at(text, ws, k, end) {
                    k = past;
                    leveled = true;
                }
            }
            let named_end = if adjacent(k) {
                proper_at(text, ws, k)
            } else {
                k
            };
            let named = named_end > k;
            let last = named_end.max(k);
            if last == after_head {
                return Some(Mention {
                    range: start..head_end,
                    kind: head.kind,
                    bare: true,
                    head: head.text,
                });
            }
            // "HĐND Thành phố", "Đảng bộ Thành phố": a capitalised level is the body's own name.
            let capital_level = leveled && ws[k - 1].capitalized();
            Some(mention(last, !named && !capital_level, head.kind))
        }
        Mode::Named => {
            if !adjacent(after_head) || !ws[after_head].capitalized() {
                return None;
            }
            Some(mention(
                name_tail(text, ws, after_head, end),
                false,
                head.kind,
            ))
        }
        Mode::Descriptive => {
            let mut k = after_head;
            let mut last = after_head;
            while k < ws.len() && adjacent(k) && k - after_head < 16 {
                if is_stop(text, &ws[k], end) && !matches!(ws[k].text, "xây" | "quản") {
                    break;
                }
                if let Some(past) = level_at(text, ws, k, end) {
                    last = if adjacent(past) {
                        proper_at(text, ws, past).max(past)
                    } else {
                        past
                    };
                    k = last;
                    continue;
                }
                if ws[k].capitalized() {
                    last = k + 1;
                }
                k += 1;
            }
            if last == after_head {
                // Nothing placed it: keep the description up to where it stopped.
                last = k;
            }
            Some(mention(last.max(after_head), false, head.kind))
        }
        Mode::Prefix => {
            // The body this is a part of must follow directly.
            if !adjacent(after_head) {
                return None;
            }
            let inner_head = head_at(&text[ws[after_head].start..end], true)
                .filter(|h| !matches!(h.mode, Mode::Prefix | Mode::Area | Mode::Named))?;
            let inner_after =
                word_index(ws, after_head, ws[after_head].start + inner_head.text.len());
            let inner = scan(text, ws, after_head, inner_after, inner_head, end)?;
            let kind = if head.kind.is_empty() {
                inner.kind
            } else {
                head.kind
            };
            // "Phó Bí thư Thường trực Thành ủy" is a title; the part alone is no organisation.
            let before = text[..start].trim_end();
            if head.kind.is_empty()
                && (before.ends_with("Bí thư")
                    || before.ends_with("Chủ tịch")
                    || before.ends_with("viên"))
            {
                return None;
            }
            Some(Mention {
                range: start..inner.range.end,
                kind,
                bare: false,
                head: head.text,
            })
        }
        Mode::Delegation => {
            let mut k = after_head;
            let numbered = ws.get(k).is_some_and(|w| w.text == "số")
                && ws
                    .get(k + 1)
                    .is_some_and(|w| w.text.chars().all(|c| c.is_ascii_digit()));
            // In lower case it is a delegation when numbered or when its body follows
            // ("tổ đại biểu HĐND huyện"); else a common noun ("các thành viên đoàn công tác").
            let body_follows = ws.get(k).is_some_and(|w| {
                adjacent(k)
                    && w.capitalized()
                    && head_at(&text[w.start..end], true)
                        .is_some_and(|h| matches!(h.mode, Mode::Committee | Mode::Admin))
            });
            if numbered {
                k += 2;
            } else if !ws[i].capitalized() && !body_follows {
                return None;
            }
            // "Trưởng đoàn công tác số 3" is a title.
            if i > 0 && matches!(ws[i - 1].text, "Trưởng" | "trưởng" | "Phó" | "phó") {
                return None;
            }
            let mut last = k;
            let mut j = k;
            if ws.get(j).is_some_and(|w| w.text == "của") {
                j += 1;
            }
            if j < ws.len() && ws[j].capitalized() && (j == k || adjacent(j)) {
                let inner = match head_at(&text[ws[j].start..end], true) {
                    Some(h) if matches!(h.mode, Mode::Committee | Mode::Admin | Mode::Prefix) => {
                        let inner_after = word_index(ws, j, ws[j].start + h.text.len());
                        scan(text, ws, j, inner_after, h, end)
                            .map(|m| word_index(ws, j, m.range.end))
                    }
                    _ => Some(name_tail(text, ws, j, end)),
                };
                if let Some(past) = inner {
                    last = past;
                }
            }
            Some(mention(last, false, head.kind))
        }
        Mode::Area => {
            let w = ws.get(after_head)?;
            if !adjacent(after_head) {
                return None;
            }
            let numbered = w.text.chars().all(|c| c.is_ascii_digit());
            if numbered {
                return Some(mention(after_head + 1, false, head.kind));
            }
            if head.text == "Chi bộ" || head.text == "chi bộ" {
                let k = proper_at(text, ws, after_head);
                return (k > after_head).then(|| mention(k, false, head.kind));
            }
            if w.capitalized() && !ws[i].text.eq_ignore_ascii_case("khu") {
                let k = proper_at(text, ws, after_head);
                return Some(mention(k, false, head.kind));
            }
            None
        }
    }
}

/// Fields a department is named by, in lower case ("phòng nông nghiệp và phát triển nông
/// thôn", "Ban pháp chế HĐND huyện").
const DOMAINS: &[&str] = &[
    "nông nghiệp",
    "nông",
    "lao động",
    "tài nguyên",
    "tài chính",
    "giáo dục",
    "y tế",
    "văn hóa",
    "văn hoá",
    "tư pháp",
    "nội vụ",
    "kinh tế",
    "dân tộc",
    "công thương",
    "giao thông",
    "kế hoạch",
    "pháp chế",
    "tiếp công dân",
    "quản lý đô thị",
    "dân vận",
    "tuyên giáo",
];

/// Whether word `j` starts a department's field in lower case.
fn department_domain(text: &str, ws: &[Word], j: usize, end: usize) -> bool {
    ws.get(j).is_some_and(|w| {
        !w.capitalized()
            && j > 0
            && joined_by_space(text, &ws[j - 1], w)
            && DOMAINS
                .iter()
                .any(|d| starts_with_word(&text[w.start..end], d))
    })
}

/// The end (a word index) of a department named by its field in lower case: up to
/// punctuation, a verb, or its level and place.
fn domain_tail(text: &str, ws: &[Word], from: usize, end: usize) -> usize {
    let mut k = from;
    let mut last = from + 1;
    while k < ws.len() && (k == from || linked(text, ws, k)) && k - from < 10 {
        if k > from && is_stop(text, &ws[k], end) {
            break;
        }
        if let Some(past) = level_at(text, ws, k, end) {
            last = if past < ws.len() && linked(text, ws, past) {
                proper_at(text, ws, past).max(past)
            } else {
                past
            };
            break;
        }
        if ws[k].capitalized() && k > from {
            // "Ban pháp chế HĐND huyện": the body it belongs to.
            if let Some(h) = head_at(&text[ws[k].start..end], true)
                .filter(|h| matches!(h.mode, Mode::Admin | Mode::Committee))
            {
                let after = word_index(ws, k, ws[k].start + h.text.len());
                if let Some(m) = scan(text, ws, k, after, h, end) {
                    last = word_index(ws, k, m.range.end);
                }
                break;
            }
        }
        last = k + 1;
        k += 1;
    }
    last
}

/// A school: "Trường" with its type and its name ("Trường THCS Hồng Hải", "trường mầm non
/// Tùng Châu"); "xã Trường Sơn" is a place.
fn school_at(text: &str, ws: &[Word], i: usize, after_head: usize, end: usize) -> Option<Mention> {
    let w = ws.get(after_head)?;
    let rest = &text[w.start..end];
    let kind = SCHOOL_TYPES
        .iter()
        .filter(|t| starts_with_word(rest, t))
        .max_by_key(|t| t.len())?;
    if w.capitalized() {
        let head = HEADS.iter().find(|h| h.text == "Trường")?;
        return scan(text, ws, i, after_head, head, end);
    }
    // The type in lower case: the name must follow it, capitalised.
    let name = word_index(ws, after_head, w.start + kind.len());
    if !ws.get(name).is_some_and(Word::capitalized) || !linked(text, ws, name) {
        return None;
    }
    let last = proper_at(text, ws, name);
    Some(Mention {
        range: ws[i].start..ws[last - 1].end,
        kind: "school",
        bare: false,
        head: "Trường",
    })
}

/// Whether word `j` continues the name word `j - 1` is in: joined by a space, or by a dash
/// between capitalised parts ("Sở Quy hoạch - Kiến trúc", "Năm Căn - Ngọc Hiển").
fn linked(text: &str, ws: &[Word], j: usize) -> bool {
    if j == 0 || j >= ws.len() {
        return false;
    }
    if joined_by_space(text, &ws[j - 1], &ws[j]) {
        return true;
    }
    matches!(&text[ws[j - 1].end..ws[j].start], " - " | " – " | "-" | ".") && ws[j].capitalized()
}

/// The end (a word index) of a descriptive name that starts at word `from` with a capital:
/// capitalised words, the lower-case syllables of their compounds ("Tài nguyên"), "và",
/// dashes between parts, levels with their place ("tỉnh Cà Mau"), up to a verb or punctuation.
fn name_tail(text: &str, ws: &[Word], from: usize, end: usize) -> usize {
    let mut k = from;
    let mut last = from;
    let mut after_conjunction = false;
    let mut lower_run = 0;
    while k < ws.len() && (k == from || linked(text, ws, k)) && k - from < 16 {
        let w = &ws[k];
        if k > from && is_stop(text, w, end) {
            break;
        }
        if w.capitalized() {
            last = k + 1;
            lower_run = 0;
            if k > from && ws[k - 1].text == "và" {
                after_conjunction = true;
            }
        } else if w.text == "và" {
            // kept only if a capital follows
        } else if let Some(past) = level_at(text, ws, k, end) {
            let named = if past < ws.len() && linked(text, ws, past) {
                proper_at(text, ws, past)
            } else {
                past
            };
            last = named.max(past);
            k = last;
            continue;
        } else {
            // A lower-case word stays in the name when it ends a compound ("Môi trường"), when a
            // capital follows soon, or in the last part after "và" ("Phát triển nông thôn").
            let soon = (k + 1..(k + 3).min(ws.len()))
                .any(|n| linked(text, ws, n) && ws[n].capitalized() && !is_stop(text, &ws[n], end));
            let compound = k == last && ws[k - 1].capitalized() && compound_tail(w.text);
            lower_run += 1;
            if soon || compound || (after_conjunction && k == last && lower_run <= 3) {
                last = k + 1;
            } else if k == last {
                // "Trung tâm Phát triển quỹ đất;", "Ban Tiếp công dân huyện": lower-case words
                // that run to where the name ends (punctuation, a level, a capital).
                match lower_tail(text, ws, k, end) {
                    Some(past) => {
                        last = past;
                        k = past;
                        continue;
                    }
                    None => break,
                }
            } else {
                break;
            }
        }
        k += 1;
    }
    last.max(from + 1)
}

/// A run of up to three lower-case words from `k` that ends where a name can end: before
/// punctuation or the sentence's end, a level word or a capital. The index past it.
fn lower_tail(text: &str, ws: &[Word], k: usize, end: usize) -> Option<usize> {
    let mut n = k;
    while n < ws.len()
        && n - k < 3
        && (n == k || linked(text, ws, n))
        && !ws[n].capitalized()
        && !is_stop(text, &ws[n], end)
        && level_at(text, ws, n, end).is_none()
        && !ws[n].text.chars().any(|c| c.is_ascii_digit())
    {
        n += 1;
    }
    let ends = n == ws.len()
        || !linked(text, ws, n)
        || level_at(text, ws, n, end).is_some()
        || ws[n].capitalized();
    (n > k && ends).then_some(n)
}

/// Lower-case second syllables of the capitalised words of names ("Tài nguyên", "Môi trường").
fn compound_tail(w: &str) -> bool {
    w.chars().next().is_some_and(|c| c.is_lowercase())
}

/// The name of a mention as a reader would write it, with a distributed suffix when there is one.
pub fn name_of(text: &str, all: &[Mention], i: usize) -> String {
    let m = &all[i];
    let own = text[m.range.clone()].to_string();
    if own.trim() != m.head {
        return own;
    }
    // Borrow the place from the next body of a "A – B – C phường X" chain.
    let mut j = i + 1;
    while j < all.len() {
        let between = &text[all[j - 1].range.end..all[j].range.start];
        if !matches!(between.trim(), "–" | "-" | "," | "và") {
            break;
        }
        let next = &all[j];
        let next_head_end = next.range.start + next.head.len();
        let suffix = &text[next_head_end..next.range.end];
        if !suffix.trim().is_empty() {
            return format!("{own}{suffix}");
        }
        j += 1;
    }
    own
}

#[cfg(test)]
mod tests {
    use super::*;

    fn orgs(text: &str) -> Vec<(String, &'static str)> {
        let all = find(text, 0..text.len());
        (0..all.len())
            .map(|i| (name_of(text, &all, i), all[i].kind))
            .collect()
    }

    #[test]
    fn organisations_table() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            (
                "đã làm việc với Đảng ủy phường Hà Lầm. Cùng đi",
                &[("Đảng ủy phường Hà Lầm", "party_committee")],
            ),
            (
                "Lãnh đạo Phòng Tài nguyên và Môi trường phát biểu",
                &[("Phòng Tài nguyên và Môi trường", "department")],
            ),
            (
                "Giao Ban quản lý dự án đầu tư xây dựng các dự án thành phố đẩy nhanh tiến độ",
                &[(
                    "Ban quản lý dự án đầu tư xây dựng các dự án thành phố",
                    "project_board",
                )],
            ),
            (
                "hiện đang do Công ty Cổ phần than Hà Lầm quản lý.",
                &[("Công ty Cổ phần than Hà Lầm", "enterprise")],
            ),
            (
                "còn có TT HĐND Thành phố, lãnh đạo",
                &[("TT HĐND Thành phố", "peoples_council")],
            ),
            (
                "các đồng chí Ủy viên BTV Thành ủy",
                &[("BTV Thành ủy", "party_committee")],
            ),
            (
                "NQ của BCH Đảng bộ Thành phố về",
                &[("BCH Đảng bộ Thành phố", "party_committee")],
            ),
            (
                "xây mới Trụ sở Đảng ủy – HĐND – UBND phường Hà Lầm;",
                &[
                    ("Đảng ủy phường Hà Lầm", "party_committee"),
                    ("HĐND phường Hà Lầm", "peoples_council"),
                    ("UBND phường Hà Lầm", "peoples_committee"),
                ],
            ),
            (
                "xây mới nhà văn hóa khu 6",
                &[("khu 6", "residential_area")],
            ),
            (
                "Đoàn công tác số 01 Thành ủy làm việc",
                &[
                    ("Đoàn công tác số 01 Thành ủy", "delegation"),
                    ("Thành ủy", "party_committee"),
                ],
            ),
            (
                "tại Trạm y tế phường Hà Lầm",
                &[("Trạm y tế phường Hà Lầm", "health")],
            ),
            ("Tỉnh ủy viên, Phó Bí thư", &[]),
            ("yêu cầu các phòng, ban, đơn vị phối hợp", &[]),
            (
                "Sở Kế hoạch và Đầu tư tỉnh kiểm tra",
                &[("Sở Kế hoạch và Đầu tư tỉnh", "department")],
            ),
            (
                "Trường THCS Hồng Hải tổ chức",
                &[("Trường THCS Hồng Hải", "school")],
            ),
            // Names that go on in lower case to where they end.
            (
                "đại diện Trung tâm Dịch vụ nông nghiệp; Ban Quản lý chợ huyện; Thanh tra huyện.",
                &[
                    ("Trung tâm Dịch vụ nông nghiệp", "other"),
                    ("Ban Quản lý chợ huyện", "project_board"),
                    ("Thanh tra huyện", "department"),
                ],
            ),
            (
                "giao Sở Tài chính trên cơ sở đề xuất",
                &[("Sở Tài chính", "department")],
            ),
            // Departments named by their field in lower case.
            (
                "làm việc tại phòng tài chính kế hoạch, phòng lao động thương binh và xã hội huyện",
                &[
                    ("phòng tài chính kế hoạch", "department"),
                    ("phòng lao động thương binh và xã hội huyện", "department"),
                ],
            ),
            (
                "tại các Phòng Nội vụ, Phòng Tư pháp",
                &[
                    ("Phòng Nội vụ", "department"),
                    ("Phòng Tư pháp", "department"),
                ],
            ),
            (
                "Trưởng ban Dân vận Thị ủy phát biểu",
                &[("ban Dân vận Thị ủy", "department")],
            ),
            (
                "Hiệu trưởng trường tiểu học Na Mèo cho biết",
                &[("trường tiểu học Na Mèo", "school")],
            ),
            (
                "đại diện UBMTTQVN, BCH quân sự, Bộ Chính trị",
                &[
                    ("UBMTTQVN", "front"),
                    ("BCH quân sự", "other"),
                    ("Bộ Chính trị", "party_committee"),
                ],
            ),
            (
                "Ủy ban MTTQ Việt Nam huyện Tân Hiệp",
                &[("Ủy ban MTTQ Việt Nam huyện Tân Hiệp", "front")],
            ),
            (
                "Tổ công tác số 2 Ban Chỉ đạo đại hội Tỉnh ủy làm việc",
                &[
                    ("Tổ công tác số 2 Ban Chỉ đạo đại hội Tỉnh ủy", "delegation"),
                    ("Ban Chỉ đạo đại hội Tỉnh ủy", "department"),
                ],
            ),
            (
                "tổ đại biểu HĐND huyện tổng hợp",
                &[
                    ("tổ đại biểu HĐND huyện", "delegation"),
                    ("HĐND huyện", "peoples_council"),
                ],
            ),
            // "môi trường" (environment) is no school.
            ("vấn đề vệ sinh môi trường nông thôn", &[]),
        ];
        for (text, want) in cases {
            let got = orgs(text);
            let want: Vec<(String, &str)> = want.iter().map(|(n, k)| (n.to_string(), *k)).collect();
            assert_eq!(got, want, "{text}");
        }
    }
}
