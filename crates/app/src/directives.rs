//! Directives: list, read with their progress and extensions, give, reword, move through
//! their states, report progress, extend the deadline.

use dondoc_domain::input::{
    DirectiveInput, DirectiveTransitionInput, ExtensionInput, ProgressInput,
};
use dondoc_domain::{Action, Extension, Id, ProgressReport};
use dondoc_store::{DirectiveChange, DirectiveFilter, DirectiveView, Page};

use crate::{recording_in, App, Caller, Result};

pub async fn list(app: &App, c: &Caller, f: &DirectiveFilter) -> Result<Page<DirectiveView>> {
    Ok(app.store.directives(f, c.visibility(), c.today).await?)
}

/// One directive, if the caller may see it.
pub async fn get(app: &App, c: &Caller, id: Id) -> Result<DirectiveView> {
    Ok(app.store.directive(id, c.visibility(), c.today).await?)
}

/// A directive with its progress reports and deadline extensions.
pub struct DirectiveDetail {
    pub directive: DirectiveView,
    pub progress: Vec<ProgressReport>,
    pub extensions: Vec<Extension>,
}

pub async fn detail(app: &App, c: &Caller, id: Id) -> Result<DirectiveDetail> {
    let directive = get(app, c, id).await?;
    Ok(DirectiveDetail {
        directive,
        progress: app.store.progress_reports(id).await?,
        extensions: app.store.extensions(id).await?,
    })
}

pub async fn create(app: &App, c: &Caller, raw: &DirectiveInput) -> Result<DirectiveView> {
    c.login_required()?;
    let new = raw.parse()?;
    if recording_in(app, c, new.session_id).await?.is_none() {
        c.require(Action::EditDirective)?;
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
    let current = to_follow_up(app, c, id).await?;
    let t = raw.parse()?;
    let from = current.directive.status;
    let update = from.transition(
        t.action,
        current.directive.progress_percent,
        t.done_on,
        c.today,
    )?;
    let change = DirectiveChange {
        version: t.version,
        from,
        update,
    };
    Ok(app
        .store
        .transition_directive(c.who(), id, change, c.today)
        .await?)
}

/// A progress report: written against the version read (stale → conflict), refused once the
/// directive is closed.
pub async fn report_progress(
    app: &App,
    c: &Caller,
    id: Id,
    raw: &ProgressInput,
) -> Result<DirectiveView> {
    let current = to_follow_up(app, c, id).await?;
    let p = raw.parse(c.today)?;
    let from = current.directive.status;
    let update = from.progress(p.percent)?;
    let change = DirectiveChange {
        version: p.version,
        from,
        update,
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
