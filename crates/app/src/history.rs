//! The change history of a record, for staff, and only of records they may see.

use dondoc_domain::{Action, AuditEvent, Id};

use crate::{App, Caller, Error, Result};

/// The kinds of record that keep a history.
pub const ENTITIES: [&str; 8] = [
    "unit",
    "person",
    "document",
    "session",
    "target",
    "petition",
    "directive",
    "user",
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
