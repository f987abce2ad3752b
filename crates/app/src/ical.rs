//! A person's deadlines as an iCalendar feed (RFC 5545) at a secret address: the open
//! directives and petitions of their unit's scope, one all-day event on each deadline.
//! Calendar programs fetch it without signing in, so the address is the secret: only its
//! digest is kept, and making a new one revokes the old.

use dondoc_domain::Id;

use crate::{App, Caller, Error, Result};

/// Gives the caller a new feed address under `token` (made by the caller's side, random);
/// the old one stops working.
pub async fn renew(app: &App, c: &Caller, token: &str) -> Result<()> {
    let user = c.user_id().ok_or(Error::Unauthorized)?;
    Ok(app.store.set_calendar_feed(user, token).await?)
}

/// Stops the caller's feed.
pub async fn revoke(app: &App, c: &Caller) -> Result<()> {
    let user = c.user_id().ok_or(Error::Unauthorized)?;
    Ok(app.store.drop_calendar_feed(user).await?)
}

/// Whether the caller has a feed.
pub async fn has(app: &App, c: &Caller) -> Result<bool> {
    let user = c.user_id().ok_or(Error::Unauthorized)?;
    Ok(app.store.has_calendar_feed(user).await?)
}

/// One deadline of the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    /// `directive` or `petition`.
    pub kind: &'static str,
    pub id: Id,
    pub title: String,
    pub date: jiff::civil::Date,
    pub unit: Option<String>,
}

/// The deadlines of the feed opened by `token` (none: no such feed, `NotFound`).
pub async fn deadlines(app: &App, token: &str) -> Result<Vec<Deadline>> {
    let user = app
        .store
        .calendar_feed_user(token)
        .await?
        .ok_or(Error::NotFound)?;
    let c = app.caller(Some(user)).await?;
    let inbox = crate::inbox::of(app, &c).await?;
    let mut out = Vec::new();
    for (_, items) in inbox.directives {
        for d in items {
            if let Some(date) = d.directive.deadline {
                out.push(Deadline {
                    kind: "directive",
                    id: d.directive.id,
                    title: d.directive.text,
                    date,
                    unit: d.lead_name,
                });
            }
        }
    }
    for (_, items) in inbox.petitions {
        for p in items {
            if let Some(date) = p.petition.due_on {
                out.push(Deadline {
                    kind: "petition",
                    id: p.petition.id,
                    title: p.petition.title,
                    date,
                    unit: p.responsible_name,
                });
            }
        }
    }
    out.sort_by_key(|d| (d.date, d.id));
    Ok(out)
}
