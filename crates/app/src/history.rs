//! The change history of a record, for staff, and only of records they may see.

use dondoc_domain::{Action, AuditEvent, Id};

use crate::{App, Caller, Error, Result};

/// The kinds of record that keep a history.
pub const ENTITIES: [&str; 9] = [
    "unit",
    "person",
    "document",
    "session",
    "target",
    "petition",
    "directive",
    "user",
    "article",
];

/// Every change of one record, oldest first. A measurement taken at a session the caller may
/// not see is left out of its target's history.
pub async fn of(app: &App, c: &Caller, entity: &str, id: Id) -> Result<Vec<AuditEvent>> {
    c.require_staff()?;
    if !ENTITIES.contains(&entity) {
        return Err(Error::NotFound);
    }
    match entity {
        "user" => c.require(Action::ManageUsers)?,
        "session" => {
            crate::sessions::get(app, c, id).await?;
        }
        "petition" => {
            crate::petitions::get(app, c, id).await?;
        }
        "directive" => {
            crate::directives::get(app, c, id).await?;
        }
        "target" => {
            crate::targets::get(app, c, id).await?;
        }
        "article" => {
            crate::articles::get(app, c, id).await?;
        }
        _ => {}
    }
    let events = app.store.history(entity, id).await?;
    if entity != "target" {
        return Ok(events);
    }
    // Each session asked about once, however many figures were taken at it.
    let mut seen: std::collections::HashMap<Id, bool> = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(events.len());
    for e in events {
        let session = e
            .after
            .as_deref()
            .and_then(|a| serde_json::from_str::<serde_json::Value>(a).ok())
            .and_then(|a| a.get("session_id").and_then(|s| s.as_i64()));
        let visible = match session {
            None => true,
            Some(s) => match seen.get(&s) {
                Some(v) => *v,
                None => {
                    let v = match crate::sessions::get(app, c, s).await {
                        Ok(_) => true,
                        Err(Error::NotFound) => false,
                        Err(e) => return Err(e),
                    };
                    *seen.entry(s).or_insert(v)
                }
            },
        };
        if visible {
            out.push(e);
        }
    }
    Ok(out)
}

/// The names the ids in a history point to, as the caller may see them: units, people,
/// sessions and petitions (a session or petition the caller may not see keeps its number).
#[derive(Debug, Default, Clone)]
pub struct Names {
    pub units: std::collections::HashMap<Id, String>,
    pub people: std::collections::HashMap<Id, String>,
    pub sessions: std::collections::HashMap<Id, String>,
    pub petitions: std::collections::HashMap<Id, String>,
}

/// What an id-holding field of a record of kind `entity` points to, by the field's name.
pub fn points_to(entity: &str, field: &str) -> Option<&'static str> {
    match field {
        "merged_into" | "merged_from" if entity == "petition" => Some("petition"),
        "shared_session_ids" => Some("session"),
        "parent_id" | "merged_into" | "unit_id" | "unit_ids" => Some("unit"),
        f if f.ends_with("_unit_id") || f.ends_with("_unit_ids") => Some("unit"),
        "issued_by_person_id" | "lead_person_id" | "person_id" => Some("person"),
        "session_id" => Some("session"),
        _ => None,
    }
}

/// The names of every unit, person and session the events' records point to.
pub async fn names(app: &App, c: &Caller, events: &[AuditEvent]) -> Result<Names> {
    let mut wanted: Vec<(&'static str, Id)> = Vec::new();
    for e in events {
        for json in [&e.before, &e.after].into_iter().flatten() {
            let Ok(serde_json::Value::Object(obj)) = serde_json::from_str(json) else {
                continue;
            };
            for (k, v) in obj {
                let Some(kind) = points_to(&e.entity, &k) else {
                    continue;
                };
                match v {
                    serde_json::Value::Number(n) => wanted.extend(n.as_i64().map(|i| (kind, i))),
                    serde_json::Value::Array(a) => {
                        wanted.extend(a.iter().filter_map(|x| x.as_i64()).map(|i| (kind, i)))
                    }
                    _ => {}
                }
            }
        }
    }
    wanted.sort_unstable();
    wanted.dedup();
    let mut names = Names::default();
    for (kind, id) in wanted.into_iter().take(500) {
        match kind {
            "unit" => {
                if let Ok(u) = app.store.unit(id).await {
                    names.units.insert(id, u.name);
                }
            }
            "person" => {
                if let Ok(p) = app.store.person(id).await {
                    names.people.insert(id, p.name);
                }
            }
            "petition" => match crate::petitions::get(app, c, id).await {
                Ok(p) => {
                    names.petitions.insert(id, p.petition.title);
                }
                Err(Error::NotFound) => {}
                Err(e) => return Err(e),
            },
            _ => match crate::sessions::get(app, c, id).await {
                Ok(s) => {
                    names.sessions.insert(id, s.session.title);
                }
                Err(Error::NotFound) => {}
                Err(e) => return Err(e),
            },
        }
    }
    Ok(names)
}
