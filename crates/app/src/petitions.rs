//! Petitions: list, read with their raisings, record, correct, raise again, move through their
//! states.

use dondoc_domain::input::{
    NewPetition, PetitionInput, PetitionMergeInput, PetitionTransitionInput, RaisingInput,
};
use dondoc_domain::petition::PetitionAction;
use dondoc_domain::petition::PetitionStatus;
use dondoc_domain::{Action, Id, Raising};
use dondoc_store::{Page, PetitionChange, PetitionFilter, PetitionMerged, PetitionView};

use crate::{known_unit, recording_in, App, Caller, Error, Result};

pub async fn list(app: &App, c: &Caller, f: &PetitionFilter) -> Result<Page<PetitionView>> {
    if let Some(none) = crate::session_filter_hides(app, c, f.session_id, f.limit).await? {
        return Ok(none);
    }
    let mut f = f.clone();
    let mut check = dondoc_domain::validate::Checker::new();
    check.opt_date("raised_from", f.raised_from.as_deref());
    check.opt_date("raised_to", f.raised_to.as_deref());
    // When a petition was first raised counts raisings the public may not see: staff only.
    if !c.visibility().is_staff() {
        for (field, asked) in [
            ("open_months", f.open_months.is_some()),
            (
                "raised_from",
                f.raised_from.as_deref().is_some_and(|d| !d.is_empty()),
            ),
            (
                "raised_to",
                f.raised_to.as_deref().is_some_and(|d| !d.is_empty()),
            ),
        ] {
            if asked {
                check.fail(field, dondoc_domain::FieldCode::Forbidden);
            }
        }
    }
    match f.open_months {
        Some(m) if !(0..=1200).contains(&m) => {
            check.fail("open_months", dondoc_domain::FieldCode::OutOfRange);
        }
        Some(m) => f.raised_before = c.today.checked_sub(jiff::Span::new().months(m)).ok(),
        None => {}
    }
    check.finish(())?;
    if f.subtree == Some(true) {
        if let Some(u) = f.area_unit_id {
            f.area_units = Some(app.store.unit_scope(u).await?);
        }
        if let Some(u) = f.responsible_unit_id {
            f.responsible_units = Some(app.store.unit_scope(u).await?);
        }
    }
    Ok(app.store.petitions(&f, c.visibility()).await?)
}

/// One petition, if the caller may see it; "raised N times" counts what they may see.
pub async fn get(app: &App, c: &Caller, id: Id) -> Result<PetitionView> {
    Ok(app.store.petition(id, c.visibility()).await?)
}

/// A petition with the raisings the caller may see, each with its session's title, and (for
/// staff) what its coordinating units said of their part.
pub struct PetitionDetail {
    pub petition: PetitionView,
    pub raisings: Vec<(Raising, Option<String>)>,
    pub notes: Vec<dondoc_domain::PetitionNote>,
}

pub async fn detail(app: &App, c: &Caller, id: Id) -> Result<PetitionDetail> {
    let petition = get(app, c, id).await?;
    let raisings = app.store.raisings(id, c.visibility()).await?;
    let notes = if c.is_staff() {
        app.store.petition_notes(id).await?
    } else {
        vec![]
    };
    Ok(PetitionDetail {
        petition,
        raisings,
        notes,
    })
}

/// The coordinating units whose part the caller may report on a petition now.
pub fn shares_for(c: &Caller, p: &PetitionView) -> Vec<(Id, String)> {
    if !p.petition.status.is_open() {
        return vec![];
    }
    p.petition
        .coordinating_unit_ids
        .iter()
        .zip(&p.coordinating_names)
        .filter(|(u, _)| c.can(Action::ReportShare { unit: **u }))
        .map(|(u, n)| (*u, n.clone()))
        .collect()
}

/// A coordinating unit's word on its part of a petition, by its people, while the petition
/// is open; the answer, and every move of the petition, stay the responsible unit's.
pub async fn report_share(
    app: &App,
    c: &Caller,
    id: Id,
    raw: &dondoc_domain::input::PetitionNoteInput,
) -> Result<dondoc_domain::PetitionNote> {
    use dondoc_domain::directive::{reporter, Reporter};
    c.login_required()?;
    let current = get(app, c, id).await?;
    let p = &current.petition;
    // The responsible unit speaks through its answer: only a coordinating unit's part here.
    let unit = match raw
        .unit_id
        .map(|u| reporter(Some(u), p.responsible_unit_id, &p.coordinating_unit_ids))
    {
        Some(Ok(Reporter::Share(unit))) => unit,
        Some(Err(e)) => return Err(e.into()),
        Some(Ok(Reporter::Lead)) => {
            return Err(dondoc_domain::Invalid::one(
                "unit_id",
                dondoc_domain::FieldCode::InvalidChoice,
            )
            .into())
        }
        None => {
            return Err(
                dondoc_domain::Invalid::one("unit_id", dondoc_domain::FieldCode::Required).into(),
            )
        }
    };
    c.require(Action::ReportShare { unit })?;
    let note = raw.parse(c.today)?;
    if !p.status.is_open() {
        return Err(Error::Transition);
    }
    Ok(app
        .store
        .add_petition_note(c.who(), id, unit, note.date, &note.text)
        .await?)
}

/// What the address of a petition leads to for the caller: the petition, or, for one merged
/// into another that they may not see themselves (a visitor: its raisings are the other's
/// now), the petition it went into, when they may see that one.
pub enum Found {
    Petition(Box<PetitionDetail>),
    MergedInto(Id),
}

/// The petition at `id` as the caller may reach it (see [`Found`]); nothing they may not see.
pub async fn find(app: &App, c: &Caller, id: Id) -> Result<Found> {
    match detail(app, c, id).await {
        Ok(d) => Ok(Found::Petition(Box::new(d))),
        Err(Error::NotFound) => match app.store.petition_merged_into(id).await? {
            Some(into) => {
                get(app, c, into).await?;
                Ok(Found::MergedInto(into))
            }
            None => Err(Error::NotFound),
        },
        Err(e) => Err(e),
    }
}

/// How long the dashboard's counts are served from memory: counting a million petitions by
/// status reads them all, and a count a few seconds old says the same.
pub const COUNTS_TTL: std::time::Duration = std::time::Duration::from_secs(10);

/// Open petitions counted by status, for the dashboard; the same for everyone who sees the
/// same records. Once counted, the counts are served from memory, and recounted in the
/// background when older than [`COUNTS_TTL`], so that no page waits for a count.
pub async fn open_counts(app: &App, c: &Caller) -> Result<Vec<(PetitionStatus, i64)>> {
    let (app2, vis) = (app.clone(), c.visibility().clone());
    crate::kept(&app.counts, format!("{vis:?}"), move || {
        let (app, vis) = (app2.clone(), vis.clone());
        async move { count_open(&app, &vis).await }
    })
    .await
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

/// How alike (`dondoc_text::similarity`) a petition must be to one of the same area to be
/// offered as the same petition raised again.
pub const ALIKE: f64 = 0.5;

/// The petitions of an area read to find those like a new one: the most recent this many (a
/// list's largest page).
const ALIKE_SCAN: i64 = 500;

/// Petitions of `area` like `text`, open or resolved (a rejected one stays rejected), most
/// alike first, at most five: what should be raised again (and so reopened) rather than
/// recorded twice. None for a petition of no area.
pub async fn similar(
    app: &App,
    c: &Caller,
    text: &str,
    area: Option<Id>,
) -> Result<Vec<PetitionView>> {
    let Some(area) = area else {
        return Ok(vec![]);
    };
    // The same read as a spreadsheet's rows are checked against: ids and folded texts only.
    let of_area = app
        .store
        .petitions_of_area(area, c.visibility(), ALIKE_SCAN)
        .await?;
    let words = dondoc_text::Words::of(text);
    let mut alike: Vec<(f64, Id)> = of_area
        .iter()
        .filter_map(|p| {
            words
                .similarity_at_least(&dondoc_text::Words::of_key(&p.key), ALIKE)
                .map(|s| (s, p.id))
        })
        .collect();
    alike.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut out = Vec::new();
    for (_, id) in alike.into_iter().take(5) {
        out.push(get(app, c, id).await?);
    }
    Ok(out)
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
    // Coordinating units are handed work too.
    for unit in &new.coordinating_unit_ids {
        needs.push((
            "coordinating_unit_ids",
            Action::AssignPetition { unit: *unit },
        ));
    }
    needs
}

pub async fn create(app: &App, c: &Caller, raw: &PetitionInput) -> Result<PetitionView> {
    c.login_required()?;
    let mut new = raw.parse(c.today)?;
    known_unit(app, new.area_unit_id, "area_unit_id").await?;
    known_unit(app, new.responsible_unit_id, "responsible_unit_id").await?;
    known_units(app, &new.coordinating_unit_ids).await?;
    let session = recording_in(app, c, new.session_id).await?;
    if let Some(s) = &session {
        if raw.raised_on.is_none() {
            new.raised_on = s.session.date;
        }
    }
    for (_, action) in needs(&new, session.as_ref().map(|s| s.session.host_unit_id)) {
        c.require(action)?;
    }
    // The same petition again is one more raising of it: offered first, never a second
    // petition unless the caller says it is new.
    if raw.new_petition != Some(true)
        && !similar(app, c, &new.text, new.area_unit_id)
            .await?
            .is_empty()
    {
        return Err(
            dondoc_domain::Invalid::one("new_petition", dondoc_domain::FieldCode::Similar).into(),
        );
    }
    due_by_default(app, c.today, &mut new);
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
    if current.petition.status == PetitionStatus::Merged {
        return Err(
            dondoc_domain::Invalid::one("petition", dondoc_domain::FieldCode::Merged).into(),
        );
    }
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

/// Two petitions that may be merged, as the caller sees them: `from` (merged away) and
/// `into` (which holds both after). Refused: one the caller may not see (`from`: not found;
/// `into`: an unknown choice), a caller who may not update both, and a petition merged
/// already.
async fn merge_pair(
    app: &App,
    c: &Caller,
    from: Id,
    into: Id,
) -> Result<(PetitionView, PetitionView)> {
    let from = get(app, c, from).await?;
    let into = match get(app, c, into).await {
        Err(Error::NotFound) => Err(Error::Invalid(dondoc_domain::Invalid::one(
            "into_petition_id",
            dondoc_domain::FieldCode::UnknownReference,
        ))),
        other => other,
    }?;
    c.require(merge_action(&from, &into))?;
    for (p, field) in [(&from, "petition"), (&into, "into_petition_id")] {
        if p.petition.status == PetitionStatus::Merged {
            return Err(
                dondoc_domain::Invalid::one(field, dondoc_domain::FieldCode::Merged).into(),
            );
        }
    }
    Ok((from, into))
}

/// The petition to merge away, if the caller may see it and merge it into anything: said
/// before what it would go into is looked at.
async fn may_merge_from(app: &App, c: &Caller, from: Id) -> Result<PetitionView> {
    let p = get(app, c, from).await?;
    c.require(merge_action(&p, &p))?;
    if p.petition.status == PetitionStatus::Merged {
        return Err(
            dondoc_domain::Invalid::one("petition", dondoc_domain::FieldCode::Merged).into(),
        );
    }
    Ok(p)
}

/// A petition recorded with a responsible unit and no due date is due when its channel,
/// category and coordination say, counted in working days from `today` (by hand and from a
/// spreadsheet alike).
pub(crate) fn due_by_default(app: &App, today: jiff::civil::Date, new: &mut NewPetition) {
    if new.responsible_unit_id.is_some() && new.due_on.is_none() {
        new.due_on = app.answer_due(
            today,
            new.channel,
            new.category.as_deref(),
            !new.coordinating_unit_ids.is_empty(),
        );
    }
}

/// What merging one petition into another would do, for the page that asks to confirm it:
/// both petitions with the raisings the caller sees, and the sessions that raised both (one
/// raising each is kept).
pub struct MergePlan {
    pub from: PetitionDetail,
    pub into: PetitionDetail,
    pub shared_sessions: Vec<(Id, Option<String>)>,
}

/// What merging `from` into `into` asks of the rules.
fn merge_action(from: &PetitionView, into: &PetitionView) -> Action {
    Action::MergePetition {
        from_unit: from.petition.responsible_unit_id,
        into_unit: into.petition.responsible_unit_id,
    }
}

/// Whether the caller may merge this petition into another at all (a page offers the form to
/// those only): someone who may update it, or a leader; never once it is merged.
pub fn may_merge(c: &Caller, p: &PetitionView) -> bool {
    p.petition.status != PetitionStatus::Merged && c.can(merge_action(p, p))
}

pub async fn merge_plan(
    app: &App,
    c: &Caller,
    from: Id,
    raw: &PetitionMergeInput,
) -> Result<MergePlan> {
    c.login_required()?;
    may_merge_from(app, c, from).await?;
    let into = raw.parse_target(from)?;
    let (from, into) = merge_pair(app, c, from, into).await?;
    let from_raisings = app.store.raisings(from.petition.id, c.visibility()).await?;
    let into_raisings = app.store.raisings(into.petition.id, c.visibility()).await?;
    let shared_sessions = from_raisings
        .iter()
        .filter(|(r, _)| {
            r.session_id.is_some()
                && into_raisings
                    .iter()
                    .any(|(o, _)| o.session_id == r.session_id)
        })
        .filter_map(|(r, title)| r.session_id.map(|s| (s, title.clone())))
        .collect();
    Ok(MergePlan {
        from: PetitionDetail {
            petition: from,
            raisings: from_raisings,
            notes: vec![],
        },
        into: PetitionDetail {
            petition: into,
            raisings: into_raisings,
            notes: vec![],
        },
        shared_sessions,
    })
}

/// Merges petition `from` into the one the caller chose, found to be the same petition: its
/// raisings move there (a session that raised both keeps one raising), it stays on record,
/// closed as merged and pointing there, and both histories keep the merge.
pub async fn merge(
    app: &App,
    c: &Caller,
    from: Id,
    raw: &PetitionMergeInput,
) -> Result<PetitionMerged> {
    c.login_required()?;
    may_merge_from(app, c, from).await?;
    let m = raw.parse(from)?;
    merge_pair(app, c, from, m.into).await?;
    let mut done = app.store.merge_petitions(c.who(), from, &m).await?;
    done.into = seen(app, c, done.into).await?;
    done.from = seen(app, c, done.from).await?;
    Ok(done)
}

/// Working days a unit has to answer a petition assigned to it, unless the configuration
/// says otherwise (`petition_answer_days`); with coordinating units see
/// [`dondoc_domain::petition::AnswerTimes`].
pub const ANSWER_DAYS: i32 = dondoc_domain::petition::AnswerTimes::DAYS;

/// Every coordinating unit named must exist.
async fn known_units(app: &App, units: &[Id]) -> Result<()> {
    for u in units {
        known_unit(app, Some(*u), "coordinating_unit_ids").await?;
    }
    Ok(())
}

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
    // Coordinating units are handed work alike: within the caller's scope.
    if let Some(units) = &t.coordinating_unit_ids {
        known_units(app, units).await?;
        for unit in units {
            c.require(Action::UpdatePetition {
                responsible_unit: Some(*unit),
            })?;
        }
    }
    // Assigned without a date: the answer is due the working days its channel, category and
    // coordination give from today (holidays, Tết and compensatory days off skipped).
    let due_on = match (t.action, t.due_on, current.petition.due_on) {
        (PetitionAction::Assign, None, None) => app.answer_due(
            c.today,
            current.petition.channel,
            current.petition.category.as_deref(),
            t.coordinating_unit_ids
                .as_ref()
                .is_some_and(|u| !u.is_empty()),
        ),
        (_, given, _) => given,
    };
    let change = PetitionChange {
        responsible_unit_id: t.responsible_unit_id,
        coordinating_unit_ids: t.coordinating_unit_ids,
        due_on,
        answer: t.answer,
        answered_on: (to == PetitionStatus::Answered).then_some(c.today),
        reject_reason: t.reason,
    };
    let p = app
        .store
        .transition_petition(c.who(), id, t.version, from, to, &change)
        .await?;
    seen(app, c, p).await
}
