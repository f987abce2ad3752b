//! Vietnamese text handling shared by every layer: NFC normalisation at the boundary and the
//! folded search key (lower case, no diacritics, `đ` → `d`) that both databases index.
//!
//! Also the Vietnamese-aware splitting the report reader stands on ([`segment`]) and the
//! tone-mark placement folding that makes "hòa" and "hoà" one key ([`tone`]).

pub mod segment;
pub mod tone;

pub use tone::fold_tone_placement;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// NFC-normalises `s`, the form every inbound string is stored in.
pub fn nfc(s: &str) -> String {
    // Most text arrives composed already; the quick check settles that without rebuilding it.
    if unicode_normalization::is_nfc_quick(s.chars()) == unicode_normalization::IsNormalized::Yes {
        return s.to_string();
    }
    s.nfc().collect()
}

/// Trims and NFC-normalises, collapsing inner runs of whitespace into one space.
pub fn clean_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    nfc(&out)
}

/// The search key: lower case, no diacritics, `đ` → `d`, punctuation to single spaces.
///
/// "Phường Hà Lầm" and "phuong ha lam" give the same key, so a search typed without
/// diacritics finds the record on SQLite and PostgreSQL alike.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            _ => c,
        };
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

/// How alike two texts are, 0 to 1: the Dice coefficient of their folded words. "Xây mới nhà
/// văn hóa khu 6" and "xây mới nhà văn hoá khu 6" score 1. Texts that name different numbers
/// and none in common ("khu 2", "khu 6") are about different things and score 0.
pub fn similarity(a: &str, b: &str) -> f64 {
    Words::of(a).similarity(&Words::of(b))
}

/// A text's folded words, counted and ready to be compared many times over: [`similarity`]
/// compares two texts once; an import compares each of thousands of rows with the records of
/// its unit, and folds each text once. Words are kept by a 64-bit hash of their key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    /// (hash of a word, how many times it occurs), by hash.
    counts: Vec<(u64, u32)>,
    /// The hashes of the words with a digit in them ("2", "6a"), sorted.
    numbered: Vec<u64>,
    total: u32,
    /// How many words fall in each of 64 buckets (by hash): two texts have no more words in
    /// common than the sum of the smaller counts, bucket by bucket — a bound a few
    /// instructions tell, that spares most comparisons that cannot reach a threshold.
    buckets: [u8; BUCKETS],
}

const BUCKETS: usize = 64;

impl Default for Words {
    fn default() -> Self {
        Words {
            counts: Vec::new(),
            numbered: Vec::new(),
            total: 0,
            buckets: [0; BUCKETS],
        }
    }
}

impl Words {
    /// The words of a text as it is written.
    pub fn of(text: &str) -> Words {
        Words::of_key(&fold(text))
    }

    /// The words of a folded key ([`fold`]'s output, as the `*_key` columns hold it).
    pub fn of_key(key: &str) -> Words {
        use std::hash::{Hash, Hasher};
        let mut all: Vec<(u64, bool)> = key
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(|w| {
                let mut h = std::hash::DefaultHasher::new();
                w.hash(&mut h);
                (h.finish(), w.chars().any(|c| c.is_ascii_digit()))
            })
            .collect();
        all.sort_unstable();
        let mut counts: Vec<(u64, u32)> = Vec::with_capacity(all.len());
        let mut numbered = Vec::new();
        let mut buckets = [0u8; BUCKETS];
        for (h, digit) in &all {
            let b = &mut buckets[(*h % BUCKETS as u64) as usize];
            *b = b.saturating_add(1);
            match counts.last_mut() {
                Some((last, n)) if last == h => *n += 1,
                _ => {
                    counts.push((*h, 1));
                    if *digit {
                        numbered.push(*h);
                    }
                }
            }
        }
        Words {
            counts,
            numbered,
            total: all.len() as u32,
            buckets,
        }
    }

    /// How many words (each occurrence counted).
    pub fn len(&self) -> usize {
        self.total as usize
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The similarity when it is `at_least` (see [`Words::similarity`]), `None` when it is
    /// less — most often told by the buckets' bound without comparing the words.
    pub fn similarity_at_least(&self, other: &Words, at_least: f64) -> Option<f64> {
        let total = self.total + other.total;
        if total == 0 {
            return None;
        }
        let bound: u32 = self
            .buckets
            .iter()
            .zip(other.buckets.iter())
            .map(|(a, b)| u32::from(*a.min(b)))
            .sum();
        if 2.0 * f64::from(bound) < at_least * f64::from(total) {
            return None;
        }
        Some(self.similarity(other)).filter(|s| *s >= at_least)
    }

    /// The Dice coefficient of the two texts' words, 0 to 1; 0 when both name numbers and
    /// none in common.
    pub fn similarity(&self, other: &Words) -> f64 {
        let total = self.total + other.total;
        if total == 0 {
            return 0.0;
        }
        if !self.numbered.is_empty()
            && !other.numbered.is_empty()
            && !self
                .numbered
                .iter()
                .any(|h| other.numbered.binary_search(h).is_ok())
        {
            return 0.0;
        }
        let (mut i, mut j, mut common) = (0, 0, 0u32);
        let (x, y) = (&self.counts, &other.counts);
        while i < x.len() && j < y.len() {
            match x[i].0.cmp(&y[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    common += x[i].1.min(y[j].1);
                    i += 1;
                    j += 1;
                }
            }
        }
        2.0 * f64::from(common) / f64::from(total)
    }
}

/// True when every word of `query`'s key occurs, as a word prefix, in `haystack`'s key.
pub fn folded_matches(haystack: &str, query: &str) -> bool {
    let hay = fold(haystack);
    let words: Vec<&str> = hay.split(' ').collect();
    fold(query)
        .split(' ')
        .filter(|q| !q.is_empty())
        .all(|q| words.iter().any(|w| w.starts_with(q)))
}

/// Where the words of `query` occur in `text`, as its byte ranges (in order, overlaps
/// joined): the folded words of the query found in the folded text, so "nha van hoa" marks
/// "Nhà văn hoá" and "hòa" marks "hoà". For highlighting a search's matches.
pub fn marks(text: &str, query: &str) -> Vec<std::ops::Range<usize>> {
    let words: Vec<String> = fold(query)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    if words.is_empty() {
        return vec![];
    }
    // The folded text, each of its bytes mapped to the original character it came from.
    let mut folded = String::with_capacity(text.len());
    let mut from: Vec<std::ops::Range<usize>> = Vec::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        let original = at..at + c.len_utf8();
        let mut piece = String::new();
        for d in std::iter::once(c).nfd() {
            if is_combining_mark(d) {
                continue;
            }
            let d = if matches!(d, 'đ' | 'Đ') { 'd' } else { d };
            if d.is_alphanumeric() {
                piece.extend(d.to_lowercase());
            } else {
                piece.push(' ');
            }
        }
        for _ in 0..piece.len() {
            from.push(original.clone());
        }
        folded.push_str(&piece);
    }
    let mut found: Vec<std::ops::Range<usize>> = vec![];
    // Whole words only: "nha" marks "nhà", not the start of "nhanh"; "2" marks "khu 2", not
    // "2020".
    let alnum = |at: Option<char>| at.is_some_and(char::is_alphanumeric);
    for w in &words {
        for (i, _) in folded.match_indices(w.as_str()) {
            let before = folded[..i].chars().next_back();
            let after = folded[i + w.len()..].chars().next();
            if alnum(before) || alnum(after) {
                continue;
            }
            let (start, end) = (from[i].start, from[i + w.len() - 1].end);
            found.push(start..end);
        }
    }
    found.sort_by_key(|r| (r.start, r.end));
    let mut joined: Vec<std::ops::Range<usize>> = vec![];
    for r in found {
        match joined.last_mut() {
            // Words next to each other are one mark ("Nhà văn hoá").
            Some(last) if r.start <= last.end || text[last.end..r.start].trim().is_empty() => {
                last.end = last.end.max(r.end)
            }
            _ => joined.push(r),
        }
    }
    joined
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_find_words_typed_either_way() {
        let text = "Xây mới Nhà văn hoá khu 2, phường Hòa Bình (50% vốn)";
        let at = |q: &str| -> Vec<&str> { marks(text, q).into_iter().map(|r| &text[r]).collect() };
        assert_eq!(at("nha van hoa"), vec!["Nhà văn hoá", "Hòa"]);
        assert_eq!(at("hoà"), vec!["hoá", "Hòa"]);
        assert_eq!(at("KHU 2"), vec!["khu 2"]);
        assert_eq!(at("50%"), vec!["50"]);
        assert!(at("nh").is_empty(), "a word is marked whole");
        assert!(at("%_").is_empty());
        assert!(at("cầu").is_empty());
    }

    #[test]
    fn fold_table() {
        let cases = [
            ("Phường Hà Lầm", "phuong ha lam"),
            ("ĐẢNG ỦY", "dang uy"),
            ("Hòa  Bình", "hoa binh"),
            ("Hoà Bình", "hoa binh"),
            ("Trụ sở Đảng ủy – HĐND – UBND", "tru so dang uy hdnd ubnd"),
            ("21-NQ/TU", "21 nq tu"),
            ("", ""),
            ("  ...  ", ""),
        ];
        for (input, want) in cases {
            assert_eq!(fold(input), want, "fold({input:?})");
        }
    }

    #[test]
    fn fold_accepts_nfd_input() {
        let nfd: String = "Thành ủy".nfd().collect();
        assert_eq!(fold(&nfd), "thanh uy");
        assert_eq!(nfc(&nfd), "Thành ủy");
    }

    #[test]
    fn clean_line_collapses_whitespace() {
        assert_eq!(clean_line("  khu \t 6\n"), "khu 6");
    }

    #[test]
    fn similarity_table() {
        assert_eq!(
            similarity("Xây mới nhà văn hóa khu 6", "xây mới nhà văn hoá khu 6"),
            1.0
        );
        assert_eq!(
            similarity("xây mới nhà văn hóa khu 6", "xây mới nhà văn hóa khu 2"),
            0.0
        );
        assert!(
            similarity(
                "đường điện chiếu sáng khu 4 và khu 5",
                "đường điện chiếu sáng khu 4"
            ) > 0.75
        );
        assert!(similarity("xây mới nhà văn hóa khu 6", "xây mới nhà văn hóa") > 0.8);
        assert!(
            similarity(
                "xây mới nhà văn hóa khu 6",
                "cấp giấy chứng nhận quyền sử dụng đất"
            ) < 0.2
        );
        assert_eq!(similarity("", ""), 0.0);
    }

    /// The Dice coefficient as first written, word strings counted in maps: the prepared
    /// [`Words`] must say the same.
    fn dice_of_maps(a: &str, b: &str) -> f64 {
        use std::collections::HashMap;
        let count = |s: &str| {
            let mut m: HashMap<String, usize> = HashMap::new();
            for w in fold(s).split(' ').filter(|w| !w.is_empty()) {
                *m.entry(w.to_string()).or_default() += 1;
            }
            m
        };
        let (x, y) = (count(a), count(b));
        let numbered = |w: &&String| w.chars().any(|c| c.is_ascii_digit());
        let (nx, ny) = (
            x.keys().filter(numbered).count(),
            y.keys().filter(numbered).count(),
        );
        if nx > 0 && ny > 0 && !x.keys().filter(numbered).any(|w| y.contains_key(w)) {
            return 0.0;
        }
        let total: usize = x.values().sum::<usize>() + y.values().sum::<usize>();
        if total == 0 {
            return 0.0;
        }
        let common: usize = x
            .iter()
            .map(|(k, n)| (*n).min(*y.get(k).unwrap_or(&0)))
            .sum();
        2.0 * common as f64 / total as f64
    }

    #[test]
    fn prepared_words_compare_as_the_texts_do() {
        let texts = [
            "Xây mới nhà văn hóa khu 6",
            "xây mới nhà văn hoá khu 6",
            "xây mới nhà văn hóa khu 2",
            "đường điện chiếu sáng khu 4 và khu 5",
            "đường điện chiếu sáng khu 4",
            "nhà nhà nhà văn hóa",
            "",
        ];
        for a in texts {
            let wa = Words::of(a);
            assert_eq!(wa, Words::of_key(&fold(a)));
            for b in texts {
                assert_eq!(
                    wa.similarity(&Words::of(b)),
                    dice_of_maps(a, b),
                    "{a} / {b}"
                );
            }
        }
        assert_eq!(Words::of("nhà nhà văn").len(), 3);
        // The bound spares comparisons, never a match.
        for a in texts {
            for b in texts {
                for t in [0.0, 0.4, 0.6, 0.9, 1.0] {
                    let exact = dice_of_maps(a, b);
                    let want = (exact >= t && !(a.is_empty() && b.is_empty())).then_some(exact);
                    assert_eq!(
                        Words::of(a).similarity_at_least(&Words::of(b), t),
                        want,
                        "{a} / {b} at {t}"
                    );
                }
            }
        }
        assert!(similarity("nhà nhà văn", "nhà văn văn") < 1.0);
    }

    #[test]
    fn folded_matches_by_word_prefix() {
        assert!(folded_matches("Nhà văn hóa khu 2", "nha van hoa"));
        assert!(folded_matches("Nhà văn hóa khu 2", "văn hoá"));
        assert!(!folded_matches("Nhà văn hóa khu 2", "truong"));
    }
}
