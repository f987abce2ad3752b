//! Petitions: list, read with their raisings, record, correct, raise again, move through their
//! states.

use dondoc_domain::input::{NewPetition, PetitionInput, PetitionTransitionInput, RaisingInput};
use dondoc_domain::petition::PetitionAction;
use dondoc_domain::petition::PetitionStatus;
use dondoc_domain::{Action, Id, Raising};
use dondoc_store::{Page, PetitionChange, PetitionFilter, PetitionView};

use crate::{known_unit, recording_in, App, Caller, Error, Result};

pub async fn list(app: &App, c: &Caller, f: &PetitionFilter) -> Result<Page<PetitionView>> {
    if let Some(none) = crate::session_filter_hides(app, c, f.session_id, f.limit).await? {
        return Ok(none);
    }
    Ok(app.store.petitions(f, c.visibility()).await?)
}

/// One petition, if the caller may see it; "raised N times" counts what they may see.
pub async fn get(app: &App, c: &Caller, id: Id) -> Result<PetitionView> {
    Ok(app.store.petition(id, c.visibility()).await?)
}

/// A petition with the raisings the caller may see, each with its session's title.
pub struct PetitionDetail {
    pub petition: PetitionView,
    pub raisings: Vec<(Raising, Option<String>)>,
}

pub async fn detail(app: &App, c: &Caller, id: Id) -> Result<PetitionDetail> {
    let petition = get(app, c, id).await?;
    let raisings = app.store.raisings(id, c.visibility()).await?;
    Ok(PetitionDetail { petition, raisings })
}

/// How long the dashboard's counts are served from memory: counting a million petitions by
/// status reads them all, and a count a few seconds old says the same.
pub const COUNTS_TTL: std::time::Duration = std::time::Duration::from_secs(10);

/// Open petitions counted by status, for the dashboard; the same for everyone who sees the
/// same records. Once counted, the counts are served from memory, and recounted in the
/// background when older than [`COUNTS_TTL`], so that no page waits for a count.
pub async fn open_counts(app: &App, c: &Caller) -> Result<Vec<(PetitionStatus, i64)>> {
    let key = format!("{:?}", c.visibility());
    if let Some((counts, fresh)) = app.counts.get(&key) {
        if !fresh && app.counts.start_refresh(&key) {
            let (app, vis) = (app.clone(), c.visibility().clone());
            tokio::spawn(async move {
                match count_open(&app, &vis).await {
                    Ok(counts) => app.counts.put(key, counts),
                    Err(e) => {
                        tracing::warn!(error = %e, "recounting petitions");
                        app.counts.end_refresh(&key);
                    }
                }
            });
        }
        return Ok(counts);
    }
    let counts = count_open(app, c.visibility()).await?;
    app.counts.put(key, counts.clone());
    Ok(counts)
}

/// Counts the open petitions for visitors and for those who see all, so that the first
/// dashboards after a start do not wait for it (run in the background at start).
pub async fn warm_counts(app: &App) -> Result<()> {
    for vis in [
        dondoc_domain::Visibility::Public,
        dondoc_domain::Visibility::All,
    ] {
        let counts = count_open(app, &vis).await?;
        app.counts.put(format!("{vis:?}"), counts);
    }
    Ok(())
}

async fn count_open(
    app: &App,
    vis: &dondoc_domain::Visibility,
) -> Result<Vec<(PetitionStatus, i64)>> {
    Ok(app
        .store
        .petition_counts(vis)
        .await?
        .into_iter()
        .filter(|(s, _)| s.is_open())
        .collect())
}

/// What a write returns: the petition as the caller sees it.
async fn seen(app: &App, c: &Caller, written: PetitionView) -> Result<PetitionView> {
    match get(app, c, written.petition.id).await {
        Err(Error::NotFound) => Ok(written),
        other => other,
    }
}

/// What recording `new` asks of the rules, each with the field it is about: at a session
/// hosted by `host_unit`, the session's; else the area's; and the unit it is handed to, if
/// any. A petition recorded by hand and one imported from a spreadsheet are asked the same.
pub(crate) fn needs(new: &NewPetition, host_unit: Option<Id>) -> Vec<(&'static str, Action)> {
    let mut needs = vec![match host_unit {
        Some(host_unit) => ("session_id", Action::RecordSession { host_unit }),
        None => (
            "area_unit_id",
            Action::CreatePetition {
                area_unit: new.area_unit_id,
            },
        ),
    }];
    if let Some(unit) = new.responsible_unit_id {
        needs.push(("responsible_unit_id", Action::AssignPetition { unit }));
    }
    needs
}

pub async fn create(app: &App, c: &Caller, raw: &PetitionInput) -> Result<PetitionView> {
    c.login_required()?;
    let mut new = raw.parse(c.today)?;
    known_unit(app, new.area_unit_id, "area_unit_id").await?;
    known_unit(app, new.responsible_unit_id, "responsible_unit_id").await?;
    let session = recording_in(app, c, new.session_id).await?;
    if let Some(s) = &session {
        if raw.raised_on.is_none() {
            new.raised_on = s.session.date;
        }
    }
    for (_, action) in needs(&new, session.as_ref().map(|s| s.session.host_unit_id)) {
        c.require(action)?;
    }
    if new.responsible_unit_id.is_some() && new.due_on.is_none() {
        new.due_on = app.answer_due(c.today);
    }
    let p = app.store.create_petition(c.who(), &new).await?;
    seen(app, c, p).await
}

/// Corrects a petition's wording or origin: for those who may record petitions of its area.
pub async fn update(app: &App, c: &Caller, id: Id, raw: &PetitionInput) -> Result<PetitionView> {
    c.login_required()?;
    let current = get(app, c, id).await?;
    c.require(Action::CreatePetition {
        area_unit: current.petition.area_unit_id,
    })?;
    let new = raw.parse(c.today)?;
    let version = crate::version(raw.version)?;
    known_unit(app, new.area_unit_id, "area_unit_id").await?;
    c.require(Action::CreatePetition {
        area_unit: new.area_unit_id,
    })?;
    let p = app
        .store
        .update_petition(c.who(), id, version, &new)
        .await?;
    seen(app, c, p).await
}

pub async fn raise(app: &App, c: &Caller, id: Id, raw: &RaisingInput) -> Result<PetitionView> {
    c.login_required()?;
    let p = get(app, c, id).await?;
    let mut new = raw.parse(c.today)?;
    match recording_in(app, c, new.session_id).await? {
        Some(s) => {
            if raw.date.is_none() {
                new.date = s.session.date;
            }
        }
        None => c.require(Action::CreatePetition {
            area_unit: p.petition.area_unit_id,
        })?,
    }
    let p = app.store.add_raising(c.who(), id, &new).await?;
    seen(app, c, p).await
}

/// Working days a unit has to answer a petition assigned to it, unless the configuration
/// says otherwise (`petition_answer_days`).
pub const ANSWER_DAYS: i32 = 40;

pub async fn transition(
    app: &App,
    c: &Caller,
    id: Id,
    raw: &PetitionTransitionInput,
) -> Result<PetitionView> {
    c.login_required()?;
    let current = get(app, c, id).await?;
    c.require(Action::UpdatePetition {
        responsible_unit: current.petition.responsible_unit_id,
    })?;
    let t = raw.parse()?;
    let from: PetitionStatus = current.petition.status;
    let to = from.after(t.action).ok_or(Error::Transition)?;
    // Assigning to a unit outside one's scope would hand work away from oneself: an officer
    // may assign within their scope only.
    known_unit(app, t.responsible_unit_id, "responsible_unit_id").await?;
    if let Some(unit) = t.responsible_unit_id {
        c.require(Action::UpdatePetition {
            responsible_unit: Some(unit),
        })?;
    }
    // Assigned without a date: the answer is due the configured number of working days
    // from today (holidays, Tết and compensatory days off skipped).
    let due_on = match (t.action, t.due_on, current.petition.due_on) {
        (PetitionAction::Assign, None, None) => app.answer_due(c.today),
        (_, given, _) => given,
    };
    let change = PetitionChange {
        responsible_unit_id: t.responsible_unit_id,
        due_on,
        answer: t.answer,
        reject_reason: t.reason,
    };
    let p = app
        .store
        .transition_petition(c.who(), id, t.version, from, to, &change)
        .await?;
    seen(app, c, p).await
}
