//! Directives: list, read with their progress and extensions, give, reword, move through
//! their states, report progress, extend the deadline.

use dondoc_domain::directive::DirectiveAction;
use dondoc_domain::input::{
    DirectiveInput, DirectiveTransitionInput, ExtensionInput, ProgressInput,
};
use dondoc_domain::{Action, DirectiveStep, Evidence, Extension, Id, ProgressReport};
use dondoc_store::{DirectiveChange, DirectiveFilter, DirectiveView, Page, Step};

use crate::{recording_in, App, Caller, Result};

pub async fn list(app: &App, c: &Caller, f: &DirectiveFilter) -> Result<Page<DirectiveView>> {
    if let Some(none) = crate::session_filter_hides(app, c, f.session_id, f.limit).await? {
        return Ok(none);
    }
    let mut check = dondoc_domain::validate::Checker::new();
    check.opt_date("deadline_from", f.deadline_from.as_deref());
    check.opt_date("deadline_to", f.deadline_to.as_deref());
    check.finish(())?;
    if let (Some(true), Some(u)) = (f.subtree, f.lead_unit_id) {
        let f = DirectiveFilter {
            lead_units: Some(app.store.unit_scope(u).await?),
            ..f.clone()
        };
        return Ok(app.store.directives(&f, c.visibility(), c.today).await?);
    }
    Ok(app.store.directives(f, c.visibility(), c.today).await?)
}

/// One directive, if the caller may see it.
pub async fn get(app: &App, c: &Caller, id: Id) -> Result<DirectiveView> {
    Ok(app.store.directive(id, c.visibility(), c.today).await?)
}

/// A directive with its progress reports, deadline extensions, steps of closure and (for
/// staff) the files backing its result.
pub struct DirectiveDetail {
    pub directive: DirectiveView,
    /// Every report, oldest first, each naming its unit (the lead's and coordinating units').
    pub progress: Vec<ProgressReport>,
    pub extensions: Vec<Extension>,
    pub extension_requests: Vec<dondoc_domain::ExtensionRequest>,
    pub steps: Vec<DirectiveStep>,
    pub evidence: Vec<Evidence>,
}

pub async fn detail(app: &App, c: &Caller, id: Id) -> Result<DirectiveDetail> {
    let directive = get(app, c, id).await?;
    Ok(DirectiveDetail {
        directive,
        progress: app.store.progress_reports(id).await?,
        extensions: app.store.extensions(id).await?,
        extension_requests: if c.is_staff() {
            app.store.extension_requests(id).await?
        } else {
            vec![]
        },
        steps: app.store.directive_steps(id).await?,
        evidence: if c.is_staff() {
            app.store.evidence_list(id).await?
        } else {
            vec![]
        },
    })
}

/// Where each unit stands: the lead unit first, then each coordinating unit, with its latest
/// report (none yet: `None`).
pub fn progress_by_unit<'a>(
    d: &'a DirectiveView,
    reports: &'a [ProgressReport],
) -> Vec<(Id, &'a str, bool, Option<&'a ProgressReport>)> {
    let latest = |unit: Id, share: bool| {
        reports
            .iter()
            .rev()
            .find(|r| r.unit_id == Some(unit) && r.share == share)
    };
    let mut out = Vec::new();
    if let (Some(lead), Some(name)) = (d.directive.lead_unit_id, d.lead_name.as_deref()) {
        out.push((lead, name, false, latest(lead, false)));
    }
    for (unit, name) in d
        .directive
        .coordinating_unit_ids
        .iter()
        .zip(&d.coordinating_names)
    {
        out.push((*unit, name.as_str(), true, latest(*unit, true)));
    }
    out
}

/// The coordinating units whose part the caller may report on a directive now.
pub fn shares_for(c: &Caller, d: &DirectiveView) -> Vec<(Id, String)> {
    if !d.directive.status.is_open() {
        return vec![];
    }
    d.directive
        .coordinating_unit_ids
        .iter()
        .zip(&d.coordinating_names)
        .filter(|(u, _)| c.can(Action::ReportShare { unit: **u }))
        .map(|(u, n)| (*u, n.clone()))
        .collect()
}

/// The steps of closure the caller may take on a directive now.
pub fn steps_for(c: &Caller, d: &DirectiveView) -> Vec<DirectiveAction> {
    d.directive
        .status
        .actions()
        .into_iter()
        .filter(|a| c.can(a.needs(d.directive.lead_unit_id)))
        .collect()
}

/// Keeps a file backing a directive's result: its assignee's side adds it while the work is
/// open or reported. The file's kind is read from its bytes (PDF, image, Word, Excel).
pub async fn add_evidence(
    app: &App,
    c: &Caller,
    id: Id,
    name: &str,
    bytes: &[u8],
) -> Result<Evidence> {
    use dondoc_domain::evidence;
    c.login_required()?;
    let current = get(app, c, id).await?;
    c.require(Action::UpdateDirective {
        lead_unit: current.directive.lead_unit_id,
    })?;
    if !current.directive.status.takes_evidence() {
        return Err(dondoc_domain::directive::NotAllowed.into());
    }
    let invalid = |code| crate::Error::Invalid(dondoc_domain::Invalid::one("file", code));
    if bytes.is_empty() {
        return Err(invalid(dondoc_domain::FieldCode::Required));
    }
    if bytes.len() > evidence::MAX_BYTES {
        return Err(invalid(dondoc_domain::FieldCode::TooLong));
    }
    let kind =
        evidence::sniff(bytes).ok_or_else(|| invalid(dondoc_domain::FieldCode::InvalidChoice))?;
    Ok(app
        .store
        .add_evidence(
            c.who(),
            id,
            &evidence::clean_name(name, kind),
            kind.media_type(),
            bytes,
        )
        .await?)
}

/// One file backing a directive's result, for staff who may see the directive.
pub async fn evidence_file(app: &App, c: &Caller, id: Id, file: Id) -> Result<(Evidence, Vec<u8>)> {
    c.require_staff()?;
    get(app, c, id).await?;
    Ok(app.store.evidence_file(id, file).await?)
}

/// What giving a directive asks of the rules, with the field it is about: at a session
/// hosted by `host_unit`, the session's; outside one, the right to give directives at all.
/// Asked alike of one given by hand and one imported from a spreadsheet.
pub(crate) fn needs(host_unit: Option<Id>) -> Vec<(&'static str, Action)> {
    vec![match host_unit {
        Some(host_unit) => ("session_id", Action::RecordSession { host_unit }),
        None => ("session_id", Action::EditDirective),
    }]
}

pub async fn create(app: &App, c: &Caller, raw: &DirectiveInput) -> Result<DirectiveView> {
    c.login_required()?;
    let new = raw.parse()?;
    let session = recording_in(app, c, new.session_id).await?;
    for (_, action) in needs(session.as_ref().map(|s| s.session.host_unit_id)) {
        c.require(action)?;
    }
    Ok(app.store.create_directive(c.who(), &new, c.today).await?)
}

/// Rewords a directive or changes its units (its deadline changes by extension only).
pub async fn update(app: &App, c: &Caller, id: Id, raw: &DirectiveInput) -> Result<DirectiveView> {
    c.login_required()?;
    get(app, c, id).await?;
    c.require(Action::EditDirective)?;
    let new = raw.parse()?;
    let version = crate::version(raw.version)?;
    Ok(app
        .store
        .update_directive(c.who(), id, version, &new, c.today)
        .await?)
}

/// The directive, if the caller may follow it up (move it, report its progress).
async fn to_follow_up(app: &App, c: &Caller, id: Id) -> Result<DirectiveView> {
    c.login_required()?;
    let current = get(app, c, id).await?;
    c.require(Action::UpdateDirective {
        lead_unit: current.directive.lead_unit_id,
    })?;
    Ok(current)
}

/// Moves a directive through its states; the domain decides the status, the progress and the
/// day of completion.
pub async fn transition(
    app: &App,
    c: &Caller,
    id: Id,
    raw: &DirectiveTransitionInput,
) -> Result<DirectiveView> {
    c.login_required()?;
    let current = get(app, c, id).await?;
    // The assignee's side starts and reports; the issuer's side decides. Asked before the
    // input is checked: one who may not take the step is told so, whatever they typed.
    if let Some(action) = raw.action.as_deref().and_then(DirectiveAction::parse) {
        c.require(action.needs(current.directive.lead_unit_id))?;
    }
    let t = raw.parse()?;
    let from = current.directive.status;
    // Accepting keeps the day the work was reported done.
    let done_on = match t.action {
        DirectiveAction::Accept => current.directive.done_on,
        _ => t.done_on,
    };
    let update = from.transition(
        t.action,
        current.directive.progress_percent,
        done_on,
        c.today,
    )?;
    let step = Step {
        action: t.action,
        date: update.done_on.unwrap_or(c.today),
        text: t.text,
    };
    let change = DirectiveChange {
        version: t.version,
        from,
        update,
        step: Some(step),
    };
    Ok(app
        .store
        .transition_directive(c.who(), id, change, c.today)
        .await?)
}

/// A progress report: written against the version read (stale → conflict), refused once the
/// directive is closed. The lead unit's (no unit named, or the lead) moves the directive's
/// status and overall progress; a coordinating unit's, by its people, is kept as that unit's
/// own part and moves nothing else.
pub async fn report_progress(
    app: &App,
    c: &Caller,
    id: Id,
    raw: &ProgressInput,
) -> Result<DirectiveView> {
    use dondoc_domain::directive::{reporter, Reporter};
    c.login_required()?;
    let current = get(app, c, id).await?;
    let d = &current.directive;
    if let Reporter::Share(unit) = reporter(raw.unit_id, d.lead_unit_id, &d.coordinating_unit_ids)?
    {
        c.require(Action::ReportShare { unit })?;
        let p = raw.parse(c.today)?;
        if !d.status.is_open() {
            return Err(dondoc_domain::directive::NotAllowed.into());
        }
        return Ok(app
            .store
            .add_share_progress(c.who(), id, unit, &p, c.today)
            .await?);
    }
    let current = to_follow_up(app, c, id).await?;
    let p = raw.parse(c.today)?;
    let from = current.directive.status;
    let update = from.progress(p.percent)?;
    let change = DirectiveChange {
        version: p.version,
        from,
        update,
        step: None,
    };
    Ok(app
        .store
        .add_progress(c.who(), id, &p, change, c.today)
        .await?)
}

pub async fn extend(app: &App, c: &Caller, id: Id, raw: &ExtensionInput) -> Result<DirectiveView> {
    c.login_required()?;
    get(app, c, id).await?;
    c.require(Action::EditDirective)?;
    let e = raw.parse()?;
    Ok(app.store.extend_directive(c.who(), id, &e, c.today).await?)
}

/// The assignee's side asks for a later deadline, with the reason, while the work is open;
/// one request waits at a time.
pub async fn request_extension(
    app: &App,
    c: &Caller,
    id: Id,
    raw: &ExtensionInput,
) -> Result<dondoc_domain::ExtensionRequest> {
    c.login_required()?;
    let current = get(app, c, id).await?;
    c.require(Action::UpdateDirective {
        lead_unit: current.directive.lead_unit_id,
    })?;
    if !current.directive.status.is_open() {
        return Err(dondoc_domain::directive::NotAllowed.into());
    }
    let e = raw.parse()?;
    if current
        .directive
        .deadline
        .is_some_and(|d| e.new_deadline <= d)
    {
        return Err(crate::Error::Invalid(dondoc_domain::Invalid::one(
            "new_deadline",
            dondoc_domain::FieldCode::DateOrder,
        )));
    }
    Ok(app.store.request_extension(c.who(), id, &e).await?)
}

/// The issuer's side grants a request (the deadline moves, kept as an extension with the old
/// and new date) or refuses it with a note.
pub async fn decide_extension(
    app: &App,
    c: &Caller,
    id: Id,
    request: Id,
    raw: &dondoc_domain::input::ExtensionDecisionInput,
) -> Result<dondoc_domain::ExtensionRequest> {
    c.login_required()?;
    get(app, c, id).await?;
    c.require(Action::DecideDirective)?;
    let decision = raw.parse()?;
    Ok(app
        .store
        .decide_extension(
            c.who(),
            id,
            request,
            decision.approve,
            decision.note.as_deref(),
        )
        .await?)
}
