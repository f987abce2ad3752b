//! Following up: who is told of what, once. The follow-up job turns the events a change left
//! (an assignment) into notices for the people of the unit concerned; the reminder job tells
//! a unit's people of deadlines near, today and just passed; the digest job lists each week
//! what a unit has overdue. A notice is unique per person and key, so a job run twice, or on
//! two nodes, tells nobody twice. A person reads their notices here and chooses in their
//! profile what reaches them by mail.

use dondoc_domain::follow::{audience, NoticeKind, Profile, MAX_REMIND_DAYS};
use dondoc_domain::input::ProfileInput;
use dondoc_domain::{Id, Visibility};
use dondoc_store::{FollowEvent, NewNotice, Notice, Recipient};
use jiff::civil::Date;
use jiff::ToSpan;

use crate::{App, Caller, Error, Result};

/// How many events one run of the follow-up job handles (the next run takes the rest).
const EVENTS_PER_RUN: i64 = 500;

/// Directives a reminder run looks at, and overdue directives a digest lists per unit.
const DUE_PER_RUN: i64 = 20_000;
const DIGEST_LINES: i64 = 50;

/// A deadline passed within this many days is told as overdue once; older ones are in the
/// weekly digest only.
const OVERDUE_TELL_DAYS: i64 = 7;

/// What one run of a job did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Told {
    /// Events or records looked at.
    pub seen: u64,
    /// Notices written (new ones only).
    pub notices: u64,
}

/// What a notice tells, before it is addressed to a person.
struct About<'a> {
    key: String,
    kind: NoticeKind,
    entity: &'static str,
    entity_id: Id,
    title: &'a str,
    due_on: Option<Date>,
}

impl About<'_> {
    /// The notice for one person: by mail too when mail is configured and they want it.
    fn to(&self, app: &App, r: &Recipient) -> NewNotice {
        NewNotice {
            user_id: r.user_id,
            key: self.key.clone(),
            kind: self.kind,
            entity: self.entity,
            entity_id: self.entity_id,
            title: self.title.to_string(),
            due_on: self.due_on,
            detail: None,
            mail: app.mail && r.profile.notify_mail && r.profile.email.is_some(),
        }
    }
}

/// The follow-up job: every waiting event becomes notices for the people of its unit.
pub async fn handle_events(app: &App) -> Result<Told> {
    let events = app.store.pending_follow_events(EVENTS_PER_RUN).await?;
    let at = app.clock.now();
    let today = app.today();
    let mut told = Told::default();
    for e in events {
        told.seen += 1;
        let notices = match notices_of(app, &e, today).await {
            Ok(n) => n,
            // The record is gone (it cannot be: records are not deleted) or unreadable: the
            // event is handled with nobody told rather than retried for ever.
            Err(Error::NotFound) => vec![],
            Err(err) => return Err(err),
        };
        told.notices += app.store.handle_follow_event(e.id, &notices, at).await?;
    }
    Ok(told)
}

async fn notices_of(app: &App, e: &FollowEvent, today: Date) -> Result<Vec<NewNotice>> {
    let (kind, title, due_on) = match (e.entity.as_str(), e.kind.as_str()) {
        (
            "directive",
            "assigned"
            | "coordinating"
            | "reported"
            | "returned"
            | "accepted"
            | "extension_requested"
            | "extension_decided"
            | "share_reported",
        ) => {
            let d = app
                .store
                .directive(e.entity_id, &Visibility::All, today)
                .await?;
            let kind = match e.kind.as_str() {
                "assigned" => NoticeKind::Assigned,
                "coordinating" => NoticeKind::Coordinating,
                "reported" => NoticeKind::Reported,
                "returned" => NoticeKind::Returned,
                "extension_requested" => NoticeKind::ExtensionRequested,
                "extension_decided" => NoticeKind::ExtensionDecided,
                "share_reported" => NoticeKind::ShareReported,
                _ => NoticeKind::Accepted,
            };
            // Work handed over, or a coordinating unit's word on it, is told while it is
            // still to do: a directive closed since (or loaded closed, as old sessions are)
            // hands nobody anything.
            if matches!(
                kind,
                NoticeKind::Assigned | NoticeKind::Coordinating | NoticeKind::ShareReported
            ) && !d.directive.status.is_open()
            {
                return Ok(vec![]);
            }
            (kind, d.directive.text, d.directive.deadline)
        }
        ("petition", "petition_assigned" | "petition_coordinating") => {
            let p = app.store.petition(e.entity_id, &Visibility::All).await?;
            if !p.petition.status.is_open() {
                return Ok(vec![]);
            }
            let kind = if e.kind == "petition_assigned" {
                NoticeKind::PetitionAssigned
            } else {
                NoticeKind::PetitionCoordinating
            };
            (kind, p.petition.title, p.petition.due_on)
        }
        _ => return Ok(vec![]),
    };
    let entity = if e.entity == "petition" {
        "petition"
    } else {
        "directive"
    };
    let about = About {
        key: format!("event:{}", e.id),
        kind,
        entity,
        entity_id: e.entity_id,
        title: &title,
        due_on,
    };
    // A report or a request for more time goes up, to the leaders of the lead unit and of the units above it, whose to
    // accept or return it; everything else to the unit's own people.
    let people = if matches!(kind, NoticeKind::Reported | NoticeKind::ExtensionRequested) {
        // The leader who gave the directive, and the leaders of the units above the lead unit.
        let above = app.store.unit_ancestors(e.unit_id).await?;
        let mut people = app.store.recipients(&above).await?;
        if let Some(issuer) = app.store.recorded_by("directive", e.entity_id).await? {
            if !people.iter().any(|r| r.user_id == issuer) {
                people.extend(app.store.recipients_by_id(&[issuer]).await?);
            }
        }
        people.retain(|r| r.role == dondoc_domain::Role::Leader);
        people
    } else {
        app.store.recipients(&[e.unit_id]).await?
    };
    Ok(people
        .iter()
        .filter(|r| audience(r.role) && Some(r.user_id) != e.user_id)
        .map(|r| {
            let mut n = about.to(app, r);
            n.detail = e.detail.clone();
            n
        })
        .collect())
}

/// The reminder job: for each open directive whose deadline is near, today or a few days
/// past, each person of its lead unit is told once per deadline (an extension gives a new
/// deadline, told again). "Near" is each person's own number of days; a day the job did not
/// run (the node was down) is made up by the next run, since a reminder is due for every day
/// inside the window, not on one day only.
pub async fn remind(app: &App) -> Result<Told> {
    let today = app.today();
    let from = today - OVERDUE_TELL_DAYS.days();
    let to = today + MAX_REMIND_DAYS.days();
    let due = app.store.directives_due(from, to, DUE_PER_RUN).await?;
    let mut units: Vec<Id> = due.iter().map(|d| d.lead_unit_id).collect();
    units.sort_unstable();
    units.dedup();
    let people = app.store.recipients(&units).await?;
    // What was told already is not written again: the job runs every pass, and most passes
    // find nothing new.
    let ids: Vec<Id> = due.iter().map(|d| d.directive_id).collect();
    let told: std::collections::HashSet<(Id, String)> = app
        .store
        .notice_keys("directive", &ids)
        .await?
        .into_iter()
        .collect();
    let mut notices = Vec::new();
    for d in &due {
        let days = (d.deadline - today).get_days() as i64;
        for r in people
            .iter()
            .filter(|r| r.unit_id == d.lead_unit_id && audience(r.role))
        {
            let (kind, tag) = match days {
                0 => (NoticeKind::DueToday, "today"),
                n if n < 0 => (NoticeKind::Overdue, "overdue"),
                n if n <= r.profile.remind_days => (NoticeKind::DueSoon, "before"),
                _ => continue,
            };
            let key = format!("{tag}:{}:{}", d.directive_id, d.deadline);
            if told.contains(&(r.user_id, key.clone())) {
                continue;
            }
            let about = About {
                key,
                kind,
                entity: "directive",
                entity_id: d.directive_id,
                title: &d.text,
                due_on: Some(d.deadline),
            };
            notices.push(about.to(app, r));
        }
    }
    let n = if notices.is_empty() {
        0
    } else {
        app.store.add_notices(&notices, app.clock.now()).await?
    };
    Ok(Told {
        seen: due.len() as u64,
        notices: n,
    })
}

/// The digest job: each person who wants it hears, once a week, of their unit's overdue
/// directives (the oldest fifty, and how many there are).
pub async fn digest(app: &App) -> Result<Told> {
    let today = app.today();
    let week = today.iso_week_date();
    let week = format!("{}-W{:02}", week.year(), week.week());
    let units = app.store.units_with_digest_readers().await?;
    let mut told = Told::default();
    for chunk in units.chunks(200) {
        let people = app.store.recipients(chunk).await?;
        let mut notices = Vec::new();
        for unit in chunk {
            let overdue = app
                .store
                .directives_overdue(today, &[*unit], DIGEST_LINES)
                .await?;
            if overdue.is_empty() {
                continue;
            }
            told.seen += overdue.len() as u64;
            let name = app.store.unit(*unit).await?.name;
            let detail: String = overdue
                .iter()
                .map(|d| {
                    let text = d.text.replace(['\t', '\n', '\r'], " ");
                    format!("{}\t{}\t{text}\n", d.directive_id, d.deadline)
                })
                .collect();
            for r in people.iter().filter(|r| {
                r.unit_id == *unit && audience(r.role) && NoticeKind::Digest.wanted(&r.profile)
            }) {
                let about = About {
                    key: format!("digest:{unit}:{week}"),
                    kind: NoticeKind::Digest,
                    entity: "unit",
                    entity_id: *unit,
                    title: &name,
                    due_on: None,
                };
                let mut n = about.to(app, r);
                n.detail = Some(detail.clone());
                notices.push(n);
            }
        }
        told.notices += app.store.add_notices(&notices, app.clock.now()).await?;
    }
    Ok(told)
}

/// The caller's notices, newest first, and how many are unread.
pub async fn notices(app: &App, c: &Caller, limit: i64, offset: i64) -> Result<(Vec<Notice>, i64)> {
    let user = c.user_id().ok_or(Error::Unauthorized)?;
    Ok(app
        .store
        .notices(user, limit.clamp(1, 200), offset.clamp(0, 100_000))
        .await?)
}

/// How many notices the caller has not read (0 for a visitor).
pub async fn unread(app: &App, c: &Caller) -> Result<i64> {
    match c.user_id() {
        Some(user) => Ok(app.store.unread_notices(user).await?),
        None => Ok(0),
    }
}

/// Marks the caller's notices read: those named (the first thousand), or all.
pub async fn read(app: &App, c: &Caller, ids: Option<&[Id]>) -> Result<()> {
    let user = c.user_id().ok_or(Error::Unauthorized)?;
    let ids = ids.map(|ids| &ids[..ids.len().min(1000)]);
    Ok(app.store.read_notices(user, ids, app.clock.now()).await?)
}

/// The caller's choices.
pub async fn profile(app: &App, c: &Caller) -> Result<Profile> {
    let user = c.user_id().ok_or(Error::Unauthorized)?;
    Ok(app.store.profile(user).await?)
}

/// Sets the caller's choices (each person sets their own).
pub async fn set_profile(app: &App, c: &Caller, raw: &ProfileInput) -> Result<Profile> {
    let user = c.user_id().ok_or(Error::Unauthorized)?;
    let p = raw.parse()?;
    app.store.set_profile(user, &p).await?;
    Ok(p)
}
