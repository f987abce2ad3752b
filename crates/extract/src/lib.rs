//! The report reader: a pure, deterministic function from the text of a working-session report
//! to a draft of what it records — the session, its people and organisations, the documents it
//! refers to, its figures, petitions and directives — as `../shared/extract/SCHEMA.md` defines.
//!
//! Architecture invariant: no I/O, no clock, no randomness; any input, however broken, gives an
//! extraction and never a panic. Spans are byte ranges of the NFC-normalised input, always on
//! character boundaries.

mod abbrev;
pub mod amount;
mod directives;
mod documents;
mod figures;
mod layout;

/// Whether a line of a page is its furniture (a date or view stamp, a counter, a sidebar's
/// heading, an image's file name) rather than the report's words.
pub use layout::is_furniture;
mod lexicon;
pub mod model;
mod orgs;
mod people;
mod petitions;
mod session;
pub mod time;
mod words;

use std::collections::HashMap;
use std::ops::Range;

use dondoc_text::{fold, segment};

pub use model::*;

/// Spells out the abbreviations of a name ("UBND phường Hà Lầm" → "Ủy ban nhân dân phường Hà
/// Lầm") from the reader's dictionary: an official document writes names in full.
pub fn expand_abbreviations(phrase: &str) -> String {
    abbrev::expand(phrase, false)
}

use crate::layout::Kind as ParaKind;

/// Reads a report. The input is NFC-normalised first; every span refers to that text.
pub fn extract(input: &str) -> Extraction {
    let text = normalized(input);
    extract_normalized(&text)
}

/// The NFC form of `input`: the text an extraction's spans refer to.
pub fn normalize(input: &str) -> String {
    normalized(input).into_owned()
}

/// The NFC form of `input`, borrowed when it is NFC already (most text arrives composed).
/// Checked line by line (no composition crosses a line end), so that a long input with a few
/// decomposed lines rebuilds those lines only.
fn normalized(input: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::{is_nfc_quick, IsNormalized};
    let mut out: Option<String> = None;
    let mut at = 0;
    for line in input.split_inclusive('\n') {
        let composed = line.is_ascii() || is_nfc_quick(line.chars()) == IsNormalized::Yes;
        match (&mut out, composed) {
            (Some(o), true) => o.push_str(line),
            (Some(o), false) => o.push_str(&dondoc_text::nfc(line)),
            (None, true) => {}
            (None, false) => {
                let nfc = dondoc_text::nfc(line);
                if nfc != line {
                    let mut o = String::with_capacity(input.len() + 16);
                    o.push_str(&input[..at]);
                    o.push_str(&nfc);
                    out = Some(o);
                }
            }
        }
        at += line.len();
    }
    match out {
        Some(o) => std::borrow::Cow::Owned(o),
        None => std::borrow::Cow::Borrowed(input),
    }
}

struct Context<'a> {
    text: &'a str,
    year: Option<i16>,
    city: bool,
    /// The sentences of the article, in order: every recogniser walks the same split.
    split: Vec<Range<usize>>,
    /// For each paragraph (by its index), which of `split` are its sentences.
    by_para: Vec<Range<usize>>,
}

impl Context<'_> {
    /// The sentences of paragraph `i`.
    fn sentences_of(&self, i: usize) -> &[Range<usize>] {
        &self.split[self.by_para[i].clone()]
    }
}

/// The opening of a paragraph, where a report says when and with whom the session was held.
pub(crate) fn opening(text: &str, paragraph: &Range<usize>) -> Range<usize> {
    paragraph.start..boundary(text, paragraph.end.min(paragraph.start + 2000)).max(paragraph.start)
}

/// The nearest character boundary at or before `at`.
fn boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn span(r: &Range<usize>) -> Span {
    [r.start, r.end]
}

fn extract_normalized(text: &str) -> Extraction {
    let paras = layout::layout(text);
    let article: Vec<&layout::Para> = paras
        .iter()
        .filter(|p| matches!(p.kind, ParaKind::Body | ParaKind::Caption | ParaKind::Title))
        .collect();
    let article_text_ranges: Vec<Range<usize>> = article.iter().map(|p| p.range.clone()).collect();
    // The years the article names; else the page's dateline; else the term it names.
    let dateline: Vec<Range<usize>> = paras
        .iter()
        .filter(|p| p.kind == ParaKind::Furniture && layout::is_stamp(&text[p.range.clone()]))
        .map(|p| p.range.clone())
        .collect();
    let year = time::context_year_of(text, &article_text_ranges)
        .or_else(|| time::context_year_of(text, &dateline))
        .or_else(|| time::term_start_year(text));
    // A city's text names its Thành ủy more than the province's Tỉnh ủy: one look for each
    // spelling of "ủy", then at the word before it.
    let (mut city_count, mut province_count) = (0usize, 0usize);
    for committee in ["ủy", "uỷ", "ỦY", "UỶ"] {
        for (k, _) in text.match_indices(committee) {
            let before = lexicon::tail(&text[..k], 8);
            if ["Thành ", "thành ", "THÀNH "]
                .iter()
                .any(|w| before.ends_with(w))
            {
                city_count += 1;
            } else if ["Tỉnh ", "tỉnh ", "TỈNH "]
                .iter()
                .any(|w| before.ends_with(w))
            {
                province_count += 1;
            }
        }
    }
    let city = city_count > province_count;
    // Each paragraph of the article is split into sentences once; sentences and what is found
    // in them are kept in text order, in vectors indexed alike (read in order, not looked up).
    let mut split: Vec<Range<usize>> = Vec::new();
    let mut by_para: Vec<Range<usize>> = Vec::with_capacity(paras.len());
    for p in &paras {
        let from = split.len();
        if matches!(p.kind, ParaKind::Body | ParaKind::Caption | ParaKind::Title) {
            split.extend(segment::sentences(text, p.range.clone()));
        }
        by_para.push(from..split.len());
    }
    let cx = Context {
        text,
        year,
        city,
        split,
        by_para,
    };

    let title = paras
        .iter()
        .find(|p| p.kind == ParaKind::Title)
        .map(|p| text[p.range.clone()].to_string());
    let author = paras
        .iter()
        .find(|p| p.kind == ParaKind::Byline)
        .map(|p| layout::byline_name(&text[p.range.clone()]).to_string());
    let captions: Vec<String> = paras
        .iter()
        .filter(|p| p.kind == ParaKind::Caption)
        .map(|p| text[p.range.clone()].to_string())
        .collect();

    // Sentences of every part of the article, with the paragraph they belong to.
    let mut sentences: Vec<(usize, Range<usize>, ParaKind)> = Vec::with_capacity(cx.split.len());
    for (i, p) in paras.iter().enumerate() {
        for s in cx.sentences_of(i) {
            sentences.push((i, s.clone(), p.kind));
        }
    }

    // People and organisations are found once per sentence, on one split into words; the
    // directives reuse the organisations for their assignees.
    let mut org_mentions: Vec<Vec<orgs::Mention>> = Vec::with_capacity(sentences.len());
    let mut people = People::default();
    // Abbreviations are read on the same words, sentence by sentence.
    let mut abbreviations = Abbreviations::default();
    let mut ws = Vec::new();
    for (_, s, _) in &sentences {
        words::words_into(text, s.clone(), &mut ws);
        let mut found = orgs::find_in(text, s.clone(), &ws);
        let persons = people::find_in(text, s.clone(), &ws);
        abbreviations.add(&cx, &ws);
        // A name after a body's place is a person's, not more of the body's name ("UBND
        // huyện Nguyễn Hữu Phương"): the body ends before it.
        for m in found.iter_mut() {
            if let Some(p) = persons
                .iter()
                .find(|p| m.range.start < p.name_range.start && p.name_range.start < m.range.end)
            {
                let kept = text[m.range.start..p.name_range.start].trim_end();
                m.range.end = m.range.start + kept.len();
                let last = kept.rsplit(' ').next().unwrap_or("");
                m.bare = kept == m.head || lexicon::LEVELS.contains(&last);
            }
        }
        org_mentions.push(found);
        people.add(&cx, s, persons);
    }
    let people = people.out;
    let organizations = collect_orgs(&cx, &org_mentions);
    let (documents, document_ranges) = collect_documents(&cx, &sentences);
    let figures = collect_figures(&cx, &paras, &document_ranges);
    let (petitions, petitions_declared) = collect_petitions(&cx, &paras);
    // What residents ask for is a petition, however it is worded ("Việc … cần thực hiện
    // nhanh hơn"): no directive.
    // Petition spans by start, with the furthest end reached so far: a directive overlaps one
    // when a petition starting before its end reaches past its start.
    let mut starts: Vec<[usize; 2]> = petitions.iter().map(|p| p.span).collect();
    starts.sort_unstable();
    let reach: Vec<usize> = starts
        .iter()
        .scan(0, |m, s| {
            *m = (*m).max(s[1]);
            Some(*m)
        })
        .collect();
    let directives: Vec<Directive> = collect_directives(&cx, &paras, &org_mentions)
        .into_iter()
        .filter(|d| {
            let k = starts.partition_point(|s| s[0] < d.span[1]);
            k.checked_sub(1).is_none_or(|k| reach[k] <= d.span[0])
        })
        .collect();
    let delegations = delegations(&cx, &sentences, &org_mentions);
    let session = session::header(&session::Input {
        text,
        paras: &paras,
        title: title.as_deref(),
        people: &people,
        documents: &document_ranges,
        delegations: &delegations,
        year: cx.year,
    });
    let abbreviations = abbreviations.out;

    Extraction {
        schema: SCHEMA,
        title,
        author,
        session,
        people: people.into_iter().map(|(p, _)| p).collect(),
        organizations,
        documents,
        figures,
        petitions_declared,
        petitions,
        directives,
        captions,
        abbreviations,
    }
}

/// People, merged by folded name; a later mention adds the positions an earlier one lacked.
/// The flag says whether the mention reads as the session's lead (with the delegation, chairing,
/// concluding). Fed sentence by sentence, as they are read.
#[derive(Default)]
struct People {
    index: HashMap<String, usize>,
    out: Vec<(Person, bool)>,
}

impl People {
    fn add(&mut self, cx: &Context, s: &Range<usize>, found: Vec<people::Mention>) {
        for m in found {
            // The words right after the name (120 characters at most, 3 bytes each at most).
            let window_end = crate::lexicon::floor(cx.text, s.end.min(m.name_range.end + 360));
            let after =
                crate::lexicon::lower(&cx.text[m.name_range.end..window_end.max(m.name_range.end)]);
            let near: String = after.chars().take(120).collect();
            let lead = [
                "cùng đoàn",
                "dẫn đầu",
                "làm trưởng đoàn",
                "trưởng đoàn",
                "chủ trì",
                "kết luận",
            ]
            .iter()
            .any(|w| near.contains(w));
            let key = fold(&m.name);
            match self.index.get(&key).map(|i| &mut self.out[*i]) {
                Some((p, l)) => {
                    for pos in m.positions {
                        let k = fold(&abbrev::expand(&pos, cx.city));
                        if !p.positions_expanded.iter().any(|e| fold(e) == k) {
                            p.positions_expanded.push(abbrev::expand(&pos, cx.city));
                            p.positions.push(pos);
                        }
                    }
                    *l |= lead;
                }
                None => {
                    self.index.insert(key, self.out.len());
                    let expanded = m
                        .positions
                        .iter()
                        .map(|p| abbrev::expand(p, cx.city))
                        .collect();
                    self.out.push((
                        Person {
                            name: m.name,
                            positions: m.positions,
                            positions_expanded: expanded,
                            span: span(&m.name_range),
                        },
                        lead,
                    ));
                }
            }
        }
    }
}

/// A key under which two spellings of one organisation meet: folded, abbreviations spelled
/// out, tone marks and leading zeros ignored, "của" dropped.
fn org_key(name: &str, city: bool) -> String {
    let expanded = abbrev::expand(name, city);
    let folded = fold(&dondoc_text::fold_tone_placement(&expanded));
    folded
        .split(' ')
        .filter(|w| *w != "cua")
        .map(|w| {
            if w.chars().all(|c| c.is_ascii_digit()) {
                w.trim_start_matches('0').to_string()
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The keys of the organisations found so far, with every run of their words indexed, so that
/// "is this a shorter reference to one of them?" costs a lookup, however many there are.
#[derive(Default)]
struct KeySet {
    exact: std::collections::HashSet<String>,
    /// Word runs a key starts with (shorter than the key).
    prefixes: std::collections::HashSet<String>,
    /// Word runs inside a key, with words before and after them.
    infixes: std::collections::HashSet<String>,
}

impl KeySet {
    fn insert(&mut self, key: &str) {
        let words: Vec<&str> = key.split(' ').collect();
        let n = words.len();
        for a in 0..n {
            for b in a + 1..=n.min(a + 12) {
                let run = words[a..b].join(" ");
                if a == 0 && b < n {
                    self.prefixes.insert(run);
                } else if a > 0 && b < n {
                    self.infixes.insert(run);
                }
            }
        }
        self.exact.insert(key.to_string());
    }
    fn names(&self, key: &str) -> bool {
        self.exact.contains(key)
    }
    fn begins(&self, key: &str) -> bool {
        self.prefixes.contains(key)
    }
    fn inside(&self, key: &str) -> bool {
        self.infixes.contains(key)
    }
}

fn collect_orgs(cx: &Context, org_mentions: &[Vec<orgs::Mention>]) -> Vec<Organization> {
    let mut full: Vec<Organization> = Vec::new();
    let mut keys = KeySet::default();
    let mut bare: Vec<(String, String, &'static str, Range<usize>)> = Vec::new();
    let mut key_cache: HashMap<String, String> = HashMap::new();
    let mut key_of = |name: &str| -> String {
        if let Some(k) = key_cache.get(name) {
            return k.clone();
        }
        let k = org_key(name, cx.city);
        key_cache.insert(name.to_string(), k.clone());
        k
    };
    // Where a text cut mid-word ends (no final punctuation).
    let trimmed = cx.text.trim_end();
    let cut_at = if trimmed.ends_with(char::is_alphanumeric) {
        trimmed.len()
    } else {
        0
    };
    for found in org_mentions {
        for (i, m) in found.iter().enumerate() {
            // "QĐ-UBND" in a document symbol names no body; a name the page cuts off ("Đảng
            // ủy phường Bình Hưn" at the end of an excerpt) is no name; "Đảng bộ các cấp" is
            // every one of them.
            if cx.text[..m.range.start].ends_with(['-', '/'])
                || (m.range.end == cut_at && cut_at > 0)
                || cx.text[m.range.end..].starts_with(" các cấp")
            {
                continue;
            }
            let name = orgs::name_of(cx.text, found, i);
            if m.bare && name.trim() == cx.text[m.range.clone()].trim() {
                bare.push((name, m.head.to_string(), m.kind, m.range.clone()));
                continue;
            }
            let key = key_of(&name);
            // The same body, or a shorter reference to one already named ("đoàn công tác số 1"
            // after "Đoàn công tác số 01 Thành ủy"); a short name the text defines is kept.
            if keys.names(&key) || (keys.begins(&key) && !orgs::after_alias(cx.text, m.range.start))
            {
                continue;
            }
            keys.insert(&key);
            full.push(Organization {
                name_expanded: abbrev::expand(&name, cx.city),
                name,
                kind: m.kind,
                span: span(&m.range),
            });
        }
    }
    // A bare mention ("Đảng ủy", "Đảng ủy phường") is the body named in full elsewhere with the
    // same head; kept only when nothing names it in full.
    for (name, head, kind, range) in bare {
        let head_key = key_of(&head);
        let name_key = key_of(&name);
        // Named in full elsewhere: a name that goes on after this one, here or inside a longer
        // one ("Thành ủy" in "Ban Thường vụ Thành ủy Hải Phòng").
        let resolved = keys.names(&name_key)
            || keys.begins(&name_key)
            || keys.inside(&name_key)
            || (name_key == head_key && (keys.names(&head_key) || keys.begins(&head_key)));
        if resolved {
            continue;
        }
        keys.insert(&name_key);
        full.push(Organization {
            name_expanded: abbrev::expand(&name, cx.city),
            name,
            kind,
            span: span(&range),
        });
    }
    full.sort_by_key(|o| o.span[0]);
    full
}

fn collect_documents(
    cx: &Context,
    sentences: &[(usize, Range<usize>, ParaKind)],
) -> (Vec<Document>, Vec<Range<usize>>) {
    let mut out: Vec<(documents::Mention, Document)> = Vec::new();
    let mut seen = documents::Seen::default();
    let mut ranges = Vec::new();
    for (_, s, kind) in sentences {
        if *kind != ParaKind::Body {
            continue;
        }
        let issuer_of = |end: usize| -> Option<String> {
            // The issuer's name follows within a few words.
            let window_end = crate::lexicon::floor(cx.text, s.end.min(end + 400)).max(end);
            let rest = cx.text[end..window_end].trim_start();
            let rest = rest.strip_prefix("của ")?;
            let start = window_end - rest.len();
            let found = orgs::find(cx.text, start..window_end);
            found
                .first()
                .filter(|o| o.range.start == start)
                .map(|o| abbrev::expand(&cx.text[o.range.clone()], cx.city))
        };
        for m in documents::find(cx.text, s.clone(), issuer_of) {
            // With its date: a day written after a document's number is the document's.
            let end = m
                .date_range
                .as_ref()
                .map_or(m.range.end, |d| d.end.max(m.range.end));
            ranges.push(m.range.start..end);
            if seen.contains(&m) {
                continue;
            }
            seen.insert(&m);
            let date = m.date_range.clone().and_then(|r| {
                time::find(cx.text, r, cx.year)
                    .into_iter()
                    .find_map(|t| match t.when {
                        Some(time::When::Day(d)) => Some(d.to_string()),
                        _ => None,
                    })
            });
            let doc = Document {
                text: cx.text[m.range.clone()].to_string(),
                kind: m.kind.to_string(),
                number: m.number.clone(),
                date,
                issuer: m.issuer.clone(),
                span: span(&m.range),
            };
            out.push((m, doc));
        }
    }
    (out.into_iter().map(|(_, d)| d).collect(), ranges)
}

fn collect_figures(cx: &Context, paras: &[layout::Para], exclude: &[Range<usize>]) -> Vec<Figure> {
    let mut out = Vec::new();
    for (i, p) in paras.iter().enumerate() {
        if p.kind != ParaKind::Body {
            continue;
        }
        // A paragraph that opens with a period ("8 tháng năm 2020, …") gives it to its figures.
        let opening = time::find(
            cx.text,
            p.range.start..boundary(cx.text, (p.range.start + 80).min(p.range.end)),
            cx.year,
        )
        .into_iter()
        .find(|t| {
            t.range.start - p.range.start < 10
                && matches!(t.kind, time::Kind::Months { .. } | time::Kind::Span)
        })
        .and_then(|t| t.when)
        .map(|w| (w.start(), w.end()));
        // A period a sentence names holds for the figures of the sentences after it.
        let mut carried = opening;
        for s in cx.sentences_of(i) {
            let (found, named) = figures::find(cx.text, s.clone(), cx.year, carried, exclude);
            if named.is_some() {
                carried = named;
            }
            for f in found {
                out.push(Figure {
                    text: cx.text[f.range.clone()].trim().to_string(),
                    indicator: f.indicator,
                    value: f.amount.value,
                    unit: f.amount.unit,
                    qualifier: f.amount.qualifier,
                    estimated: f.estimated,
                    percent_of_plan: f.percent_of_plan,
                    period: f.period.map(|(a, b)| Period {
                        from: a.to_string(),
                        to: b.to_string(),
                    }),
                    span: span(&f.range),
                });
            }
        }
    }
    out
}

fn collect_petitions(cx: &Context, paras: &[layout::Para]) -> (Vec<Petition>, Option<u32>) {
    let mut out: Vec<Petition> = Vec::new();
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut declared = None;
    let body_index: Vec<usize> = (0..paras.len())
        .filter(|i| paras[*i].kind == ParaKind::Body)
        .collect();
    let body: Vec<Range<usize>> = body_index.iter().map(|i| paras[*i].range.clone()).collect();
    for (i, p) in body_index.iter().enumerate() {
        // Residents who have started listing their petitions may go on in the sentences after.
        let mut residents_listing = false;
        for s in cx.sentences_of(*p) {
            let s = s.clone();
            let found = petitions::find(cx.text, s.clone(), &body[i + 1..]);
            if declared.is_none() {
                declared = found.declared;
            }
            if found.repeats_previous {
                if let Some(last) = out.last_mut() {
                    last.repeated = true;
                }
                continue;
            }
            let items = if !found.items.is_empty() {
                residents_listing = found.residents;
                found.items
            } else if residents_listing {
                if petitions::says_repeated(cx.text, s.clone()) {
                    // "Vấn đề này đã đề nghị nhiều lần …" marks the petition before it.
                    if let Some(last) = out.last_mut() {
                        last.repeated = true;
                    }
                    continue;
                }
                match petitions::continuation(cx.text, s.clone()) {
                    Some(items) => items,
                    None => {
                        residents_listing = false;
                        continue;
                    }
                }
            } else {
                continue;
            };
            for it in items {
                let text = cx.text[it.range.clone()].to_string();
                if !seen.insert(fold(&text)) {
                    continue;
                }
                out.push(Petition {
                    text,
                    repeated: it.repeated,
                    span: span(&it.range),
                });
            }
        }
    }
    // "… trả lời … là 51/51 ý kiến": the petitions answered out of all there were.
    if declared.is_none() {
        declared = body
            .iter()
            .find_map(|p| petitions::answered_count(&cx.text[p.clone()]));
    }
    (out, declared)
}

fn collect_directives(
    cx: &Context,
    paras: &[layout::Para],
    org_mentions: &[Vec<orgs::Mention>],
) -> Vec<Directive> {
    let mut out = Vec::new();
    for (i, p) in paras.iter().enumerate() {
        if p.kind != ParaKind::Body {
            continue;
        }
        let mut previous_was_instruction = false;
        for (j, s) in cx.by_para[i]
            .clone()
            .zip(cx.sentences_of(i).iter().cloned())
        {
            let found_orgs = &org_mentions[j];
            let org_end = |at: usize| {
                found_orgs
                    .iter()
                    .find(|o| o.range.start == at)
                    .map(|o| o.range.end)
            };
            let mut found = directives::find(
                cx.text,
                s.clone(),
                cx.year,
                &org_end,
                previous_was_instruction,
            );
            if found.is_empty() && previous_was_instruction {
                found.extend(directives::continuation(cx.text, s.clone(), cx.year));
            }
            previous_was_instruction = !found.is_empty();
            for d in found {
                out.push(Directive {
                    text: cx.text[d.range.clone()].to_string(),
                    assignee: d.assignee,
                    deadline: d.deadline.map(|x| x.to_string()),
                    deadline_text: d.deadline_text,
                    span: span(&d.range),
                });
            }
        }
    }
    out
}

/// The delegations the body names, in order: each as written, or by the short name the text
/// gives it right after ("Đoàn Kiểm tra số 542 của Ban Bí thư … (gọi tắt là Đoàn Kiểm tra số
/// 542)").
fn delegations(
    cx: &Context,
    sentences: &[(usize, Range<usize>, ParaKind)],
    org_mentions: &[Vec<orgs::Mention>],
) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for ((_, s, kind), found) in sentences.iter().zip(org_mentions) {
        if *kind != ParaKind::Body {
            continue;
        }
        for m in found {
            if m.kind != "delegation" || orgs::after_alias(cx.text, m.range.start) {
                continue;
            }
            let name = orgs::alias_after(cx.text, m.range.end, s.end)
                .unwrap_or_else(|| cx.text[m.range.clone()].to_string());
            if seen.insert(fold(&name)) {
                out.push((m.range.start, name));
            }
        }
    }
    out
}

/// Abbreviations the text uses, with their meaning where they stand: from the dictionary, or
/// from the text itself when it defines one ("33 tổ dân phố (TDP)"). The first use decides.
#[derive(Default)]
struct Abbreviations {
    seen: std::collections::HashSet<String>,
    out: Vec<Abbreviation>,
}

impl Abbreviations {
    /// The abbreviations of one sentence, given its words.
    fn add(&mut self, cx: &Context, ws: &[words::Word]) {
        let text = cx.text;
        let (seen, out) = (&mut self.seen, &mut self.out);
        let mut i = 0;
        while i < ws.len() {
            let w = ws[i];
            // "Đ/c", "đ/c": the comrade a name follows.
            if matches!(w.text, "Đ" | "đ")
                && ws.get(i + 1).is_some_and(|n| n.text == "c")
                && &text[w.end..ws[i + 1].start] == "/"
            {
                let short = &text[w.start..ws[i + 1].end];
                if seen.insert(short.to_string()) {
                    out.push(Abbreviation {
                        short: short.to_string(),
                        long: "đồng chí".to_string(),
                    });
                }
                i += 2;
                continue;
            }
            // Most words are no abbreviation: tell them by their second letter, in lower case.
            if w.text.chars().nth(1).is_none_or(char::is_lowercase) {
                i += 1;
                continue;
            }
            // Hyphenated abbreviations first ("KT-XH", "LĐ-TB&XH", "KT- XH" as written).
            let joined = ws.get(i + 1).and_then(|n| {
                let between = &text[w.end..n.start];
                if !matches!(between, "-" | "- ") {
                    return None;
                }
                let key = format!("{}-{}", w.text, n.text);
                abbrev::dictionary()
                    .contains_key(&key)
                    .then(|| (text[w.start..n.end].to_string(), key))
            });
            let (token, key, next) = match joined {
                Some((written, key)) => (written, key, i + 2),
                None => (w.text.to_string(), w.text.to_string(), i + 1),
            };
            if abbrev::is_abbreviation_token(&key) && !seen.contains(&token) {
                let before = text[..w.start].trim_end();
                let place = if before.ends_with('/')
                    || (before.ends_with('-')
                        && before[..before.len() - 1]
                            .trim_end()
                            .ends_with(|c: char| c.is_ascii_digit() || c.is_uppercase()))
                {
                    abbrev::Place::Symbol
                } else {
                    abbrev::Place::Prose
                };
                let after = &text[ws[next - 1].end..];
                let long = defined_before(text, ws, i, next)
                    .or_else(|| abbrev::in_context(&key, after))
                    .or_else(|| abbrev::meaning(&key, place, cx.city));
                if let Some(long) = long {
                    seen.insert(token.clone());
                    out.push(Abbreviation { short: token, long });
                }
            }
            i = next;
        }
    }
}

/// The words an abbreviation in brackets stands for, read off the words before it by their
/// initials: "33 tổ dân phố (TDP)" → "tổ dân phố".
fn defined_before(text: &str, ws: &[words::Word], i: usize, next: usize) -> Option<String> {
    let w = ws[i];
    if !text[..w.start].ends_with('(') || !text[ws[next - 1].end..].starts_with(')') {
        return None;
    }
    let letters: Vec<char> = w
        .text
        .chars()
        .flat_map(|c| fold(&c.to_string()).chars().collect::<Vec<_>>())
        .collect();
    let n = letters.len();
    if n < 2 || n > i || next != i + 1 {
        return None;
    }
    let words = &ws[i - n..i];
    let matches = words
        .iter()
        .zip(&letters)
        .all(|(word, l)| fold(word.text).chars().next().is_some_and(|c| c == *l));
    matches.then(|| text[words[0].start..words[n - 1].end].to_string())
}

/// The extraction as JSON, as `dondoc extract` prints it.
pub fn to_json(e: &Extraction, pretty: bool) -> String {
    let r = if pretty {
        serde_json::to_string_pretty(e)
    } else {
        serde_json::to_string(e)
    };
    r.unwrap_or_else(|_| "{}".into())
}

/// The extraction as JSON, written to `out` as it is serialised (no copy of the whole of it
/// in memory), followed by a line end.
pub fn write_json(
    e: &Extraction,
    pretty: bool,
    mut out: impl std::io::Write,
) -> std::io::Result<()> {
    if pretty {
        serde_json::to_writer_pretty(&mut out, e)?;
    } else {
        serde_json::to_writer(&mut out, e)?;
    }
    out.write_all(b"\n")?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Abbreviations as the field writes them: a hyphen with a space, a slash, a definition in
    /// brackets, a meaning the next words decide.
    #[test]
    fn abbreviations_as_written() {
        let e = extract(
            "Tin xã\n\nĐ/c Hoàng Văn Sáng cùng đại diện BCH quân sự xã, các tổ chức CT-XH và 12 tổ dân phố (TDP) dự. Tình hình KT- XH ổn định.",
        );
        let got: Vec<(&str, &str)> = e
            .abbreviations
            .iter()
            .map(|a| (a.short.as_str(), a.long.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("Đ/c", "đồng chí"),
                ("BCH", "Ban Chỉ huy"),
                ("CT-XH", "chính trị - xã hội"),
                ("TDP", "tổ dân phố"),
                ("KT- XH", "kinh tế - xã hội"),
            ]
        );
    }
}
