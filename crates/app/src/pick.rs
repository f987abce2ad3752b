//! Choosing a record to point at (a unit, a person, a document, a target) by typing part of
//! its name: what a form's picker offers as someone types, and how a typed name becomes the
//! id a use case takes. The forms of a province have thousands of units and people, too many
//! to list in a choice.

use dondoc_domain::Id;
use dondoc_store::TargetFilter;

use crate::{App, Caller, Result};

/// What a picker chooses among.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Units,
    People,
    Documents,
    Targets,
    Sessions,
    /// Petitions not merged away (a petition merged into another is that other now).
    Petitions,
}

impl Source {
    pub fn parse(s: &str) -> Option<Source> {
        Some(match s {
            "units" => Source::Units,
            "people" => Source::People,
            "documents" => Source::Documents,
            "targets" => Source::Targets,
            "sessions" => Source::Sessions,
            "petitions" => Source::Petitions,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Source::Units => "units",
            Source::People => "people",
            Source::Documents => "documents",
            Source::Targets => "targets",
            Source::Sessions => "sessions",
            Source::Petitions => "petitions",
        }
    }
}

/// One record a picker offers: its id and how it reads in a list ("Phường 1 (Quận 3)").
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Choice {
    pub id: Id,
    pub label: String,
}

/// The records of `source` the caller may choose whose name holds every word of `q`, at most
/// `limit`, shortest names first.
pub async fn search(
    app: &App,
    c: &Caller,
    source: Source,
    q: &str,
    limit: i64,
) -> Result<Vec<Choice>> {
    c.require_staff()?;
    let limit = limit.clamp(1, 100);
    Ok(match source {
        Source::Units => app
            .store
            .units_matching(q, limit)
            .await?
            .into_iter()
            .map(|(u, parent)| Choice {
                id: u.id,
                label: match parent {
                    Some(p) => format!("{} ({p})", u.name),
                    None => u.name,
                },
            })
            .collect(),
        Source::People => app
            .store
            .people(Some(q), Some(limit), None)
            .await?
            .items
            .into_iter()
            .map(|p| Choice {
                id: p.id,
                label: p.name,
            })
            .collect(),
        Source::Documents => {
            let words: Vec<String> = dondoc_text::fold(q)
                .split(' ')
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect();
            app.store
                .documents_folded()
                .await?
                .into_iter()
                .filter(|(_, folded)| words.iter().all(|w| folded.contains(w.as_str())))
                .take(limit as usize)
                .map(|(d, _)| Choice {
                    id: d.id,
                    label: document_label(&d),
                })
                .collect()
        }
        Source::Targets => app
            .store
            .targets(
                &TargetFilter {
                    q: Some(q.to_string()),
                    limit: Some(limit),
                    ..Default::default()
                },
                c.visibility(),
            )
            .await?
            .items
            .into_iter()
            .map(|t| Choice {
                id: t.target.id,
                label: target_label(&t),
            })
            .collect(),
        Source::Sessions => crate::sessions::list(
            app,
            c,
            &dondoc_store::SessionFilter {
                q: Some(q.to_string()),
                limit: Some(limit),
                ..Default::default()
            },
        )
        .await?
        .items
        .into_iter()
        .map(|s| Choice {
            id: s.session.id,
            label: session_label(&s),
        })
        .collect(),
        Source::Petitions => crate::petitions::list(
            app,
            c,
            &dondoc_store::PetitionFilter {
                q: Some(q.to_string()),
                limit: Some(limit),
                ..Default::default()
            },
        )
        .await?
        .items
        .into_iter()
        .filter(|p| p.petition.status != dondoc_domain::PetitionStatus::Merged)
        .map(|p| Choice {
            id: p.petition.id,
            label: petition_label(&p),
        })
        .collect(),
    })
}

/// What was typed into a picker, as the id it names: a number or a suggestion's "… #14" is
/// that id; a name is looked up and must name exactly one record. Otherwise the records it
/// could mean (none, or up to `limit`) for the person to choose among.
pub async fn resolve(
    app: &App,
    c: &Caller,
    source: Source,
    typed: &str,
    limit: i64,
) -> Result<std::result::Result<Id, Vec<Choice>>> {
    if let Some(id) = typed_id(typed) {
        return Ok(Ok(id));
    }
    let found = search(app, c, source, typed, limit).await?;
    let wanted = dondoc_text::fold(typed);
    // A name typed in full picks its record even when longer names also hold its words
    // ("Phường 1" among "Phường 10", "Phường 11").
    let exact: Vec<&Choice> = found
        .iter()
        .filter(|ch| {
            dondoc_text::fold(&ch.label) == wanted
                || dondoc_text::fold(ch.label.split(" (").next().unwrap_or_default()) == wanted
        })
        .collect();
    Ok(match (exact.as_slice(), found.as_slice()) {
        ([one], _) => Ok(one.id),
        ([], [one]) => Ok(one.id),
        _ => Err(found),
    })
}

/// The ids of "42", "3, 5" (a list, as the API takes it) or "Phường 1 (Quận 3) · #42".
pub fn typed_ids(typed: &str) -> Option<Vec<Id>> {
    if let Some(id) = typed_id(typed) {
        return Some(vec![id]);
    }
    typed
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(typed_id)
        .collect::<Option<Vec<_>>>()
        .filter(|ids| !ids.is_empty())
}

/// The id in "42", "#42" or "Phường 1 (Quận 3) · #42".
pub fn typed_id(typed: &str) -> Option<Id> {
    let t = typed.trim();
    let digits = match t.rfind('#') {
        Some(i) => &t[i + 1..],
        None => t,
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|id| *id > 0)
}

/// How a chosen record reads back in its picker: the suggestion's own words, so that a form
/// drawn again keeps pointing at the same record.
pub fn shown(label: &str, id: Id) -> String {
    format!("{label} · #{id}")
}

pub fn document_label(d: &dondoc_domain::Document) -> String {
    let label = format!(
        "{} {} {}",
        d.kind,
        d.number.clone().unwrap_or_default(),
        d.subject.clone().unwrap_or_default()
    );
    label.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn petition_label(p: &dondoc_store::PetitionView) -> String {
    match &p.area_name {
        Some(area) => format!("{} ({area})", p.petition.title),
        None => p.petition.title.clone(),
    }
}

pub fn session_label(s: &dondoc_store::SessionView) -> String {
    format!("{} · {}", s.session.date, s.session.title)
}

pub fn target_label(t: &dondoc_store::TargetView) -> String {
    format!(
        "{} · {} ({})",
        t.target.indicator,
        t.unit_name,
        t.target.period_to.year()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_typed_or_suggested() {
        assert_eq!(typed_id("42"), Some(42));
        assert_eq!(typed_id(" #42 "), Some(42));
        assert_eq!(typed_id("Phường 1 (Quận 3) · #42"), Some(42));
        assert_eq!(typed_id("Phường 1"), None);
        assert_eq!(typed_id("#"), None);
        assert_eq!(typed_id("0"), None);
        assert_eq!(typed_id("99999999999999999999999"), None);
        assert_eq!(typed_ids("3, 5"), Some(vec![3, 5]));
        assert_eq!(typed_ids("Tổ 1, khu 2 · #42"), Some(vec![42]));
        assert_eq!(typed_ids("Tổ 1, khu 2"), None);
    }
}
