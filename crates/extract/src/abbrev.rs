//! The abbreviation dictionary (data/abbreviations.toml) and its position-dependent meanings.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

#[derive(Deserialize)]
struct File {
    abbr: Vec<Entry>,
}

#[derive(Deserialize, Clone)]
pub struct Entry {
    pub short: String,
    pub long: String,
    /// Meaning inside a document symbol ("CT" in "05/CT-UBND" is Chỉ thị).
    pub symbol: Option<String>,
    /// Meaning when the text is about a city ("TU" is then Thành ủy).
    pub city: Option<String>,
}

pub fn dictionary() -> &'static HashMap<String, Entry> {
    static DICT: OnceLock<HashMap<String, Entry>> = OnceLock::new();
    DICT.get_or_init(|| {
        let file: File = toml::from_str(include_str!("../data/abbreviations.toml"))
            .expect("the abbreviation file parses (tested)");
        file.abbr
            .into_iter()
            .map(|e| (e.short.clone(), e))
            .collect()
    })
}

/// Where an abbreviation stands, which decides what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Prose,
    Symbol,
}

pub fn meaning(short: &str, place: Place, city: bool) -> Option<String> {
    let e = dictionary().get(short)?;
    if place == Place::Symbol {
        if let Some(s) = &e.symbol {
            return Some(s.clone());
        }
    }
    if city {
        if let Some(c) = &e.city {
            return Some(c.clone());
        }
    }
    Some(e.long.clone())
}

/// Meanings that the words around an abbreviation decide: "BCH quân sự" is the militia's
/// command (Ban Chỉ huy), not a Party committee.
pub fn in_context(short: &str, after: &str) -> Option<String> {
    match short {
        "BCH" => {
            let next = after.trim_start();
            ["quân sự", "Quân sự", "công an", "Công an", "phòng cháy"]
                .iter()
                .any(|w| next.starts_with(w))
                .then(|| "Ban Chỉ huy".to_string())
        }
        _ => None,
    }
}

/// Whether a token looks like an abbreviation: two or more capitals (Đ and & allowed).
pub fn is_abbreviation_token(tok: &str) -> bool {
    tok.chars().count() >= 2
        && tok
            .chars()
            .all(|c| c.is_uppercase() || c == '&' || c == '-' || c.is_ascii_digit())
        && tok.chars().filter(|c| c.is_uppercase()).count() >= 2
}

/// Spells out the abbreviations of a phrase: "Phó Bí thư TT Thành ủy" → "Phó Bí thư Thường trực
/// Thành ủy". Only whole upper-case tokens are replaced; everything else is kept as written.
pub fn expand(phrase: &str, city: bool) -> String {
    let mut out = String::with_capacity(phrase.len() + 16);
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        if !token.is_empty() {
            match (
                is_abbreviation_token(token),
                meaning(token, Place::Prose, city),
            ) {
                (true, Some(long)) => out.push_str(&long),
                _ => out.push_str(token),
            }
            token.clear();
        }
    };
    for c in phrase.chars() {
        if c.is_alphanumeric() || c == '&' {
            token.push(c);
        } else {
            flush(&mut token, &mut out);
            out.push(c);
        }
    }
    flush(&mut token, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dictionary_has_at_least_80_entries() {
        assert!(dictionary().len() >= 80, "{}", dictionary().len());
    }

    #[test]
    fn meanings_depend_on_place_table() {
        let cases = [
            ("CT", Place::Prose, false, "Chủ tịch"),
            ("CT", Place::Symbol, false, "Chỉ thị"),
            ("TT", Place::Prose, false, "Thường trực"),
            ("TT", Place::Symbol, false, "Thông tư"),
            ("TU", Place::Symbol, false, "Tỉnh ủy"),
            ("TU", Place::Symbol, true, "Thành ủy"),
            ("NSNN", Place::Prose, true, "ngân sách nhà nước"),
        ];
        for (short, place, city, want) in cases {
            assert_eq!(
                meaning(short, place, city).as_deref(),
                Some(want),
                "{short} {place:?} {city}"
            );
        }
    }

    #[test]
    fn meanings_the_words_after_decide() {
        assert_eq!(
            in_context("BCH", " quân sự xã").as_deref(),
            Some("Ban Chỉ huy")
        );
        assert_eq!(in_context("BCH", " Đảng bộ tỉnh"), None);
    }

    #[test]
    fn expand_table() {
        assert_eq!(
            expand("Phó Bí thư TT Thành ủy", true),
            "Phó Bí thư Thường trực Thành ủy"
        );
        assert_eq!(
            expand("Chủ tịch UBND phường Hà Lầm", true),
            "Chủ tịch Ủy ban nhân dân phường Hà Lầm"
        );
        assert_eq!(expand("Covid-19", true), "Covid-19");
        assert_eq!(expand("XXV", true), "XXV");
    }
}
