//! Words with their byte ranges: the unit most recognisers walk over.

use std::ops::Range;

#[derive(Debug, Clone, Copy)]
pub struct Word<'a> {
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
}

impl Word<'_> {
    pub fn capitalized(&self) -> bool {
        self.text.chars().next().is_some_and(|c| c.is_uppercase())
    }
}

/// The words of `text[range]`: runs of letters, digits and marks (offsets into `text`).
pub fn words(text: &str, range: Range<usize>) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    words_into(text, range, &mut out);
    out
}

/// The words of `text[range]` into `out`, emptied first: a caller that reads many sentences
/// in turn reuses one buffer.
pub fn words_into<'a>(text: &'a str, range: Range<usize>, out: &mut Vec<Word<'a>>) {
    out.clear();
    let s = &text[range.clone()];
    let mut start: Option<usize> = None;
    for (i, c) in s.char_indices() {
        let part = is_word_char(c) || (c == '&' && start.is_some());
        match (part, start) {
            (true, None) => start = Some(i),
            (false, Some(st)) => {
                out.push(Word {
                    text: &text[range.start + st..range.start + i],
                    start: range.start + st,
                    end: range.start + i,
                });
                start = None;
            }
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push(Word {
            text: &text[range.start + st..range.end],
            start: range.start + st,
            end: range.end,
        });
    }
}

/// Letters, digits and combining marks, with fast answers for the ranges Vietnamese is written
/// in (ASCII, Latin-1, Latin Extended, Latin Extended Additional) before the general lookup.
pub fn is_word_char(c: char) -> bool {
    match c as u32 {
        0x30..=0x39 | 0x41..=0x5a | 0x61..=0x7a => true,
        0..=0x7f => false,
        0xd7 | 0xf7 => false,
        0xc0..=0x24f | 0x1e00..=0x1eff | 0x300..=0x36f => true,
        _ => c.is_alphanumeric(),
    }
}

/// The text between two words: spaces only (true) or punctuation too (false).
pub fn joined_by_space(text: &str, a: &Word, b: &Word) -> bool {
    text[a.end..b.start]
        .chars()
        .all(|c| c == ' ' || c == '\u{a0}')
}
