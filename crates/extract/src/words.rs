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
    let s = &text[range.clone()];
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in s.char_indices() {
        let part = c.is_alphanumeric() || unicode_mark(c) || (c == '&' && start.is_some());
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
    out
}

fn unicode_mark(c: char) -> bool {
    ('\u{0300}'..='\u{036f}').contains(&c)
}

/// The text between two words: spaces only (true) or punctuation too (false).
pub fn joined_by_space(text: &str, a: &Word, b: &Word) -> bool {
    text[a.end..b.start]
        .chars()
        .all(|c| c == ' ' || c == '\u{a0}')
}
