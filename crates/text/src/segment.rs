//! Vietnamese-aware splitting into paragraphs, sentences and clauses, as byte ranges of the
//! text, so that whoever reads a piece can point back into the original.
//!
//! A period ends a sentence unless it belongs to an abbreviation ("TP.", "Q.", "TS.", "PGS."),
//! sits inside a number ("8.500", "1.653,522") or is followed by a lower-case word.

use std::ops::Range;

/// Abbreviations written with a final period, which therefore end no sentence.
const DOTTED: &[&str] = &[
    "TP", "Tp", "tp", "Q", "P", "TX", "TT", "TS", "ThS", "Ths", "PGS", "GS", "BS", "KS", "CN",
    "NCS", "Th.S", "St", "Số", "số", "Mr", "Mrs", "TW", "H", "X", "Ô", "Bà", "Ông",
];

/// Non-empty lines, trimmed: the paragraphs of a news text.
pub fn paragraphs(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c == '\n' {
            push_trimmed(text, start..i, &mut out);
            start = i + 1;
        }
    }
    push_trimmed(text, start..text.len(), &mut out);
    out
}

fn push_trimmed(text: &str, r: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail < s.len() {
        out.push(r.start + lead..r.end - trail);
    }
}

/// No sentence of a report is this long; text without full stops is read in pieces of at most
/// this many bytes, cut at a space, so that what is done per sentence stays small.
pub const MAX_SENTENCE: usize = 2048;

/// Sentences of `range` (a paragraph), trimmed.
pub fn sentences(text: &str, range: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for s in raw_sentences(text, range) {
        split_long(text, s, &mut out);
    }
    out
}

fn split_long(text: &str, mut r: Range<usize>, out: &mut Vec<Range<usize>>) {
    while r.end - r.start > MAX_SENTENCE {
        let mut cut = r.start + MAX_SENTENCE;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let piece = &text[r.start..cut];
        let at = piece
            .rfind(char::is_whitespace)
            .filter(|k| *k > 0)
            .map(|k| r.start + k)
            .unwrap_or(cut);
        push_trimmed(text, r.start..at, out);
        r.start = at;
    }
    push_trimmed(text, r, out);
}

fn raw_sentences(text: &str, range: Range<usize>) -> Vec<Range<usize>> {
    let s = &text[range.clone()];
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        if matches!(c, '.' | '!' | '?' | '…') {
            // Take the whole run of closing punctuation and quotes.
            let mut j = i + 1;
            while j < chars.len()
                && matches!(chars[j].1, '.' | '!' | '?' | '…' | '”' | '"' | '»' | ')')
            {
                j += 1;
            }
            let end = chars.get(j).map(|x| x.0).unwrap_or(s.len());
            if ends_sentence(s, pos, c, &chars, j) {
                push_trimmed(text, range.start + start..range.start + end, &mut out);
                start = end;
            }
            i = j;
            continue;
        }
        i += 1;
    }
    push_trimmed(text, range.start + start..range.end, &mut out);
    out
}

fn ends_sentence(s: &str, pos: usize, c: char, chars: &[(usize, char)], next: usize) -> bool {
    // Inside a number: "8.500", "1.653,522".
    if c == '.' && next < chars.len() && chars[next].1.is_ascii_digit() {
        let before = s[..pos].chars().next_back();
        if before.is_some_and(|b| b.is_ascii_digit()) {
            return false;
        }
    }
    // What follows must be space then an upper-case letter, a digit, a quote or a list mark.
    let mut k = next;
    let mut spaced = false;
    while k < chars.len() && chars[k].1.is_whitespace() {
        spaced = true;
        k += 1;
    }
    if k >= chars.len() {
        return true;
    }
    if !spaced {
        return false;
    }
    let following = chars[k].1;
    if !(following.is_uppercase()
        || following.is_ascii_digit()
        || matches!(following, '“' | '"' | '-' | '–' | '+' | '(' | '*' | '•'))
    {
        return false;
    }
    if c == '.' {
        let word: String = s[..pos]
            .chars()
            .rev()
            .take_while(|ch| ch.is_alphanumeric() || *ch == '.')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if DOTTED.contains(&word.as_str())
            || (word.chars().count() == 1 && word.chars().all(char::is_uppercase))
        {
            return false;
        }
    }
    true
}

/// Clauses of a sentence: split at ";" and ":" and at ", " — the pieces a list is made of.
pub fn clauses(text: &str, range: Range<usize>) -> Vec<Range<usize>> {
    let s = &text[range.clone()];
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if matches!(c, ';' | ':')
            || (c == ',' && !s[i + 1..].starts_with(|d: char| d.is_ascii_digit()))
        {
            push_trimmed(text, range.start + start..range.start + i, &mut out);
            start = i + c.len_utf8();
        }
    }
    push_trimmed(text, range.start + start..range.end, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'a>(text: &'a str, ranges: &[Range<usize>]) -> Vec<&'a str> {
        ranges.iter().map(|r| &text[r.clone()]).collect()
    }

    #[test]
    fn paragraphs_are_non_empty_lines() {
        let t = "Tiêu đề\r\n\r\n  Đoạn một.  \n\nĐoạn hai.";
        assert_eq!(
            texts(t, &paragraphs(t)),
            ["Tiêu đề", "Đoạn một.", "Đoạn hai."]
        );
    }

    #[test]
    fn sentence_table() {
        let cases: &[(&str, &[&str])] = &[
            (
                "Thu đạt 8,5 tỷ đồng. Chi tiết kiệm.",
                &["Thu đạt 8,5 tỷ đồng.", "Chi tiết kiệm."],
            ),
            (
                "Tổng vốn 1.653,522 tỷ đồng. Hết.",
                &["Tổng vốn 1.653,522 tỷ đồng.", "Hết."],
            ),
            (
                "Làm việc tại TP. Hạ Long. Sau đó về Q. 1.",
                &["Làm việc tại TP. Hạ Long.", "Sau đó về Q. 1."],
            ),
            (
                "Ông TS. Nguyễn Văn A phát biểu. Xong.",
                &["Ông TS. Nguyễn Văn A phát biểu.", "Xong."],
            ),
            (
                "xây mới nhà văn hóa khu 2 … công tác cấp giấy chứng nhận …",
                &["xây mới nhà văn hóa khu 2 … công tác cấp giấy chứng nhận …"],
            ),
            (
                "Vì sao? Vì “3 trước, 4 tại chỗ”. Đúng!",
                &["Vì sao?", "Vì “3 trước, 4 tại chỗ”.", "Đúng!"],
            ),
            ("Không dấu chấm cuối", &["Không dấu chấm cuối"]),
            ("", &[]),
        ];
        for (input, want) in cases {
            let got = sentences(input, 0..input.len());
            assert_eq!(texts(input, &got), *want, "{input}");
        }
    }

    #[test]
    fn long_runs_without_stops_are_cut_at_spaces() {
        let t = "chữ ".repeat(5000);
        let got = sentences(&t, 0..t.len());
        assert!(got.len() >= 5, "{}", got.len());
        assert!(got.iter().all(|r| r.end - r.start <= MAX_SENTENCE
            && t.is_char_boundary(r.start)
            && t.is_char_boundary(r.end)));
        assert!(got
            .iter()
            .all(|r| !t[r.clone()].starts_with(' ') && t[r.clone()].starts_with("chữ")));
    }

    #[test]
    fn clause_table() {
        let t = "xây mới nhà văn hóa khu 6, xây mới trụ sở; nạo vét kênh mương: đạt 8,5 tỷ";
        assert_eq!(
            texts(t, &clauses(t, 0..t.len())),
            [
                "xây mới nhà văn hóa khu 6",
                "xây mới trụ sở",
                "nạo vét kênh mương",
                "đạt 8,5 tỷ"
            ]
        );
    }
}
