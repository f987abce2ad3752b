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

/// True when every word of `query`'s key occurs, as a word prefix, in `haystack`'s key.
pub fn folded_matches(haystack: &str, query: &str) -> bool {
    let hay = fold(haystack);
    let words: Vec<&str> = hay.split(' ').collect();
    fold(query)
        .split(' ')
        .filter(|q| !q.is_empty())
        .all(|q| words.iter().any(|w| w.starts_with(q)))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn folded_matches_by_word_prefix() {
        assert!(folded_matches("Nhà văn hóa khu 2", "nha van hoa"));
        assert!(folded_matches("Nhà văn hóa khu 2", "văn hoá"));
        assert!(!folded_matches("Nhà văn hóa khu 2", "truong"));
    }
}
