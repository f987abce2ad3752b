//! A person's deadlines as an iCalendar feed (RFC 5545) at a secret address: the open
//! directives and petitions of their unit's scope, one all-day event on each deadline.
//! Calendar programs fetch it without signing in, so the address is the secret: only its
//! digest is kept, and making a new one revokes the old.

use dondoc_domain::{Action, Id};

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

/// Gives a unit a new feed address under `token`, for those who may follow the unit (its
/// own people, leaders); the old one stops working.
pub async fn renew_unit(app: &App, c: &Caller, unit: Id, token: &str) -> Result<()> {
    let user = c.user_id().ok_or(Error::Unauthorized)?;
    c.require(Action::FollowUnit { unit })?;
    Ok(app.store.set_unit_calendar_feed(unit, user, token).await?)
}

/// Stops a unit's feed.
pub async fn revoke_unit(app: &App, c: &Caller, unit: Id) -> Result<()> {
    c.login_required()?;
    c.require(Action::FollowUnit { unit })?;
    Ok(app.store.drop_unit_calendar_feed(unit).await?)
}

/// Whether a unit has a feed (for those who may follow it).
pub async fn unit_has(app: &App, c: &Caller, unit: Id) -> Result<bool> {
    c.require(Action::FollowUnit { unit })?;
    Ok(app.store.has_unit_calendar_feed(unit).await?)
}

/// The deadlines of the person's feed opened by `token` (none: no such feed, `NotFound`).
pub async fn deadlines(app: &App, token: &str) -> Result<Vec<Deadline>> {
    let user = app
        .store
        .calendar_feed_user(token)
        .await?
        .ok_or(Error::NotFound)?;
    let c = app.caller(Some(user)).await?;
    Ok(of_inbox(crate::inbox::of(app, &c).await?))
}

/// The deadlines of the unit's feed opened by `token`: the open work of the unit and the
/// units below it, as the person who made the feed sees it, while they may still follow the
/// unit (a person moved elsewhere or locked stops their feeds).
pub async fn unit_deadlines(app: &App, token: &str) -> Result<Vec<Deadline>> {
    let (unit, user) = app
        .store
        .unit_calendar_feed(token)
        .await?
        .ok_or(Error::NotFound)?;
    let c = app.caller(Some(user)).await?;
    if !c.can(Action::FollowUnit { unit }) {
        return Err(Error::NotFound);
    }
    let units = app.store.unit_scope(unit).await?;
    Ok(of_inbox(
        crate::inbox::of_units(app, &c, units, vec![]).await?,
    ))
}

fn of_inbox(inbox: crate::inbox::Inbox) -> Vec<Deadline> {
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
    out
}
