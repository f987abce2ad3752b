//! Targets: the plan of public bodies and what was reported against it. A target is public; a
//! figure taken at a session is visible only with its session.

use dondoc_domain::input::{AmendmentInput, MeasurementInput, NewTarget, TargetInput};
use dondoc_domain::target::Figure;
use dondoc_domain::{Action, Amendment, Id, Measurement, Target};
use dondoc_store::{Page, TargetFilter, TargetView};

use crate::{known_unit, recording_in, App, Caller, Result};

pub async fn list(app: &App, c: &Caller, f: &TargetFilter) -> Result<Page<TargetView>> {
    Ok(app.store.targets(f, c.visibility()).await?)
}

pub async fn get(app: &App, c: &Caller, id: Id) -> Result<TargetView> {
    Ok(app.store.target(id, c.visibility()).await?)
}

/// A target with the measurements the caller may see, each against the plan in force at the
/// end of its period, and its plan amendments.
pub struct TargetDetail {
    pub target: TargetView,
    pub measurements: Vec<Figure>,
    pub amendments: Vec<Amendment>,
}

pub async fn detail(app: &App, c: &Caller, id: Id) -> Result<TargetDetail> {
    let target = get(app, c, id).await?;
    let amendments = app.store.amendments(id).await?;
    let plan = target.target.plan_value;
    let measurements = app
        .store
        .measurements(id, c.visibility())
        .await?
        .into_iter()
        .map(|m| Figure::of(m, plan, &amendments))
        .collect();
    Ok(TargetDetail {
        target,
        measurements,
        amendments,
    })
}

/// What setting a target asks of the rules, with the field it is about: its unit's. Asked
/// alike of one set by hand and one imported from a spreadsheet.
pub(crate) fn needs(new: &NewTarget) -> Vec<(&'static str, Action)> {
    vec![("unit_id", Action::EditTarget { unit: new.unit_id })]
}

pub async fn create(app: &App, c: &Caller, raw: &TargetInput) -> Result<Target> {
    c.login_required()?;
    let new = raw.parse()?;
    known_unit(app, Some(new.unit_id), "unit_id").await?;
    for (_, action) in needs(&new) {
        c.require(action)?;
    }
    Ok(app.store.create_target(c.who(), &new).await?)
}

pub async fn update(app: &App, c: &Caller, id: Id, raw: &TargetInput) -> Result<Target> {
    c.login_required()?;
    let current = get(app, c, id).await?;
    c.require(Action::EditTarget {
        unit: current.target.unit_id,
    })?;
    // An approved plan changes only by amendment, so its edit form offers no plan: a plan left
    // out stays as it is.
    let mut raw = raw.clone();
    if raw.plan_value.is_none() {
        raw.plan_value = Some(current.target.plan_value.into());
    }
    let new = raw.parse()?;
    c.require(Action::EditTarget { unit: new.unit_id })?;
    let version = crate::version(raw.version)?;
    Ok(app.store.update_target(c.who(), id, version, &new).await?)
}

pub async fn amend(app: &App, c: &Caller, id: Id, raw: &AmendmentInput) -> Result<Amendment> {
    c.login_required()?;
    let current = get(app, c, id).await?;
    c.require(Action::EditTarget {
        unit: current.target.unit_id,
    })?;
    let a = raw.parse(c.today)?;
    Ok(app.store.amend_target(c.who(), id, &a).await?)
}

pub async fn add_measurement(
    app: &App,
    c: &Caller,
    target_id: Id,
    raw: &MeasurementInput,
) -> Result<Measurement> {
    c.login_required()?;
    let current = get(app, c, target_id).await?;
    let m = raw.parse()?;
    // Naming a session one may record into does not open another unit's targets: a figure is
    // the target's unit's to report, at a session or not.
    recording_in(app, c, m.session_id).await?;
    c.require(Action::EditTarget {
        unit: current.target.unit_id,
    })?;
    Ok(app.store.add_measurement(c.who(), target_id, &m).await?)
}
