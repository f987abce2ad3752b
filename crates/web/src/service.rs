//! The actions of dondoc, each called by its HTML page and by its API endpoint alike. Each one
//! asks the domain who may act, parses through the domain's validators and calls the store;
//! what an anonymous visitor may read (published records only) is decided here too.

use dondoc_domain::directive::DirectiveStatus;
use dondoc_domain::input::*;
use dondoc_domain::petition::PetitionStatus;
use dondoc_domain::{Action, Id, Role, Unit, User};
use dondoc_store::{
    DirectiveFilter, DirectiveView, Page, PetitionChange, PetitionFilter, PetitionView,
    SessionFilter, SessionView, TargetFilter, TargetView,
};

use crate::auth::{hash_password, Viewer};
use crate::error::AppError;
use crate::AppState;

/// A unit a request names must exist before the rules are asked about it: an unknown unit is
/// a mistake in the input (422), not a lack of permission.
async fn known_unit(st: &AppState, id: Option<Id>, field: &'static str) -> Result<(), AppError> {
    if let Some(id) = id {
        match st.store.unit(id).await {
            Ok(_) => {}
            Err(dondoc_store::StoreError::NotFound) => {
                return Err(AppError::Invalid(dondoc_domain::Invalid::one(
                    field,
                    dondoc_domain::FieldCode::UnknownReference,
                )))
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// An update names the version it read; without one it cannot be checked for staleness.
fn version(v: Option<i64>) -> Result<i64, AppError> {
    v.ok_or_else(|| {
        AppError::Invalid(dondoc_domain::Invalid::one(
            "version",
            dondoc_domain::FieldCode::Required,
        ))
    })
}

fn login_required(v: &Viewer) -> Result<(), AppError> {
    if v.actor.is_none() {
        return Err(AppError::Unauthorized);
    }
    Ok(())
}

// Sessions.

pub async fn list_sessions(
    st: &AppState,
    v: &Viewer,
    mut f: SessionFilter,
) -> Result<Page<SessionView>, AppError> {
    f.published_only = !v.internal();
    Ok(st.store.sessions(&f).await?)
}

pub async fn get_session(st: &AppState, v: &Viewer, id: Id) -> Result<SessionView, AppError> {
    let s = st.store.session(id).await?;
    if !s.session.published && !v.internal() {
        return Err(AppError::NotFound);
    }
    Ok(s)
}

pub async fn create_session(
    st: &AppState,
    v: &Viewer,
    raw: &SessionInput,
) -> Result<SessionView, AppError> {
    login_required(v)?;
    let new = raw.parse()?;
    may_record(v, &new)?;
    Ok(st.store.create_session(v.who(), &new).await?)
}

/// Records a session with everything a report's review kept, in one transaction.
pub async fn import_session(
    st: &AppState,
    v: &Viewer,
    plan: &dondoc_store::ImportPlan,
) -> Result<SessionView, AppError> {
    login_required(v)?;
    may_record(v, &plan.session)?;
    Ok(st.store.import_session(v.who(), plan).await?)
}

/// Whether `v` may record this session: for its host unit, and publish it only if they may
/// also edit it.
fn may_record(v: &Viewer, new: &dondoc_domain::input::NewSession) -> Result<(), AppError> {
    v.require(Action::RecordSession {
        host_unit: new.host_unit_id,
    })?;
    if new.published {
        v.require(Action::EditSession {
            host_unit: new.host_unit_id,
        })?;
    }
    Ok(())
}

pub async fn update_session(
    st: &AppState,
    v: &Viewer,
    id: Id,
    raw: &SessionInput,
) -> Result<SessionView, AppError> {
    login_required(v)?;
    let current = st.store.session(id).await?;
    v.require(Action::EditSession {
        host_unit: current.session.host_unit_id,
    })?;
    let new = raw.parse()?;
    let version = raw.version.ok_or_else(|| {
        AppError::Invalid(dondoc_domain::Invalid::one(
            "version",
            dondoc_domain::FieldCode::Required,
        ))
    })?;
    v.require(Action::EditSession {
        host_unit: new.host_unit_id,
    })?;
    Ok(st.store.update_session(v.who(), id, version, &new).await?)
}

pub async fn add_participant(
    st: &AppState,
    v: &Viewer,
    session_id: Id,
    person_id: Option<Id>,
    role: Option<&str>,
) -> Result<(), AppError> {
    login_required(v)?;
    let s = st.store.session(session_id).await?;
    v.require(Action::RecordSession {
        host_unit: s.session.host_unit_id,
    })?;
    let mut c = dondoc_domain::validate::Checker::new();
    let person = c.required("person_id", person_id);
    let role = c.text("role", role, 200);
    c.finish(())?;
    Ok(st
        .store
        .add_participant(v.who(), session_id, person.unwrap_or_default(), &role)
        .await?)
}

pub async fn link_document(
    st: &AppState,
    v: &Viewer,
    session_id: Id,
    document_id: Option<Id>,
) -> Result<(), AppError> {
    login_required(v)?;
    let s = st.store.session(session_id).await?;
    v.require(Action::RecordSession {
        host_unit: s.session.host_unit_id,
    })?;
    let mut c = dondoc_domain::validate::Checker::new();
    let document = c.required("document_id", document_id);
    c.finish(())?;
    Ok(st
        .store
        .link_document(v.who(), session_id, document.unwrap_or_default())
        .await?)
}

/// What may be recorded inside a session must be allowed for the session's host unit.
async fn require_session_scope(
    st: &AppState,
    v: &Viewer,
    session_id: Option<Id>,
) -> Result<bool, AppError> {
    let Some(id) = session_id else {
        return Ok(false);
    };
    let s = match st.store.session(id).await {
        Ok(s) => s,
        Err(dondoc_store::StoreError::NotFound) => {
            return Err(AppError::Invalid(dondoc_domain::Invalid::one(
                "session_id",
                dondoc_domain::FieldCode::UnknownReference,
            )))
        }
        Err(e) => return Err(e.into()),
    };
    v.require(Action::RecordSession {
        host_unit: s.session.host_unit_id,
    })?;
    Ok(true)
}

// Petitions.

pub async fn list_petitions(
    st: &AppState,
    v: &Viewer,
    mut f: PetitionFilter,
) -> Result<Page<PetitionView>, AppError> {
    f.published_only = !v.internal();
    Ok(st.store.petitions(&f).await?)
}

pub async fn get_petition(st: &AppState, v: &Viewer, id: Id) -> Result<PetitionView, AppError> {
    let p = st.store.petition(id).await?;
    if !v.internal() && !st.store.petition_is_published(id).await? {
        return Err(AppError::NotFound);
    }
    Ok(p)
}

pub async fn create_petition(
    st: &AppState,
    v: &Viewer,
    raw: &PetitionInput,
) -> Result<PetitionView, AppError> {
    login_required(v)?;
    let mut new = raw.parse(st.today())?;
    known_unit(st, new.area_unit_id, "area_unit_id").await?;
    known_unit(st, new.responsible_unit_id, "responsible_unit_id").await?;
    if require_session_scope(st, v, new.session_id).await? {
        if raw.raised_on.is_none() {
            new.raised_on = st
                .store
                .session(new.session_id.unwrap_or_default())
                .await?
                .session
                .date;
        }
    } else {
        v.require(Action::CreatePetition {
            area_unit: new.area_unit_id,
        })?;
    }
    Ok(st.store.create_petition(v.who(), &new).await?)
}

/// Corrects a petition's wording or origin: for those who may record petitions of its area.
pub async fn update_petition(
    st: &AppState,
    v: &Viewer,
    id: Id,
    raw: &PetitionInput,
) -> Result<PetitionView, AppError> {
    login_required(v)?;
    let current = st.store.petition(id).await?;
    v.require(Action::CreatePetition {
        area_unit: current.petition.area_unit_id,
    })?;
    let new = raw.parse(st.today())?;
    let version = version(raw.version)?;
    known_unit(st, new.area_unit_id, "area_unit_id").await?;
    v.require(Action::CreatePetition {
        area_unit: new.area_unit_id,
    })?;
    Ok(st.store.update_petition(v.who(), id, version, &new).await?)
}

pub async fn raise_petition(
    st: &AppState,
    v: &Viewer,
    id: Id,
    raw: &RaisingInput,
) -> Result<PetitionView, AppError> {
    login_required(v)?;
    let p = st.store.petition(id).await?;
    let mut new = raw.parse(st.today())?;
    if require_session_scope(st, v, new.session_id).await? {
        if raw.date.is_none() {
            new.date = st
                .store
                .session(new.session_id.unwrap_or_default())
                .await?
                .session
                .date;
        }
    } else {
        v.require(Action::CreatePetition {
            area_unit: p.petition.area_unit_id,
        })?;
    }
    Ok(st.store.add_raising(v.who(), id, &new).await?)
}

pub async fn transition_petition(
    st: &AppState,
    v: &Viewer,
    id: Id,
    raw: &PetitionTransitionInput,
) -> Result<PetitionView, AppError> {
    login_required(v)?;
    let current = st.store.petition(id).await?;
    v.require(Action::UpdatePetition {
        responsible_unit: current.petition.responsible_unit_id,
    })?;
    let t = raw.parse()?;
    let from: PetitionStatus = current.petition.status;
    let to = from.after(t.action).ok_or(AppError::Transition)?;
    // Assigning to a unit outside one's scope would hand work away from oneself: an officer
    // may assign within their scope only.
    known_unit(st, t.responsible_unit_id, "responsible_unit_id").await?;
    if let Some(unit) = t.responsible_unit_id {
        v.require(Action::UpdatePetition {
            responsible_unit: Some(unit),
        })?;
    }
    let change = PetitionChange {
        responsible_unit_id: t.responsible_unit_id,
        due_on: t.due_on,
        answer: t.answer,
        reject_reason: t.reason,
    };
    Ok(st
        .store
        .transition_petition(v.who(), id, t.version, from, to, &change)
        .await?)
}

// Directives.

pub async fn list_directives(
    st: &AppState,
    v: &Viewer,
    mut f: DirectiveFilter,
) -> Result<Page<DirectiveView>, AppError> {
    f.published_only = !v.internal();
    Ok(st.store.directives(&f, st.today()).await?)
}

pub async fn get_directive(st: &AppState, v: &Viewer, id: Id) -> Result<DirectiveView, AppError> {
    let d = st.store.directive(id, st.today()).await?;
    if !v.internal() {
        let published = match d.directive.session_id {
            Some(s) => st.store.session(s).await?.session.published,
            None => false,
        };
        if !published {
            return Err(AppError::NotFound);
        }
    }
    Ok(d)
}

pub async fn create_directive(
    st: &AppState,
    v: &Viewer,
    raw: &DirectiveInput,
) -> Result<DirectiveView, AppError> {
    login_required(v)?;
    let new = raw.parse()?;
    if !require_session_scope(st, v, new.session_id).await? {
        v.require(Action::EditDirective)?;
    }
    Ok(st.store.create_directive(v.who(), &new, st.today()).await?)
}

/// Rewords a directive or changes its units (its deadline changes by extension only).
pub async fn update_directive(
    st: &AppState,
    v: &Viewer,
    id: Id,
    raw: &DirectiveInput,
) -> Result<DirectiveView, AppError> {
    login_required(v)?;
    st.store.directive(id, st.today()).await?;
    v.require(Action::EditDirective)?;
    let new = raw.parse()?;
    let version = version(raw.version)?;
    Ok(st
        .store
        .update_directive(v.who(), id, version, &new, st.today())
        .await?)
}

pub async fn transition_directive(
    st: &AppState,
    v: &Viewer,
    id: Id,
    raw: &DirectiveTransitionInput,
) -> Result<DirectiveView, AppError> {
    login_required(v)?;
    let current = st.store.directive(id, st.today()).await?;
    v.require(Action::UpdateDirective {
        lead_unit: current.directive.lead_unit_id,
    })?;
    let t = raw.parse()?;
    let from: DirectiveStatus = current.directive.status;
    let to = from.after(t.action).ok_or(AppError::Transition)?;
    let change = dondoc_store::DirectiveChange {
        from,
        to,
        done_on: t.done_on,
    };
    Ok(st
        .store
        .transition_directive(v.who(), id, t.version, change, st.today())
        .await?)
}

pub async fn report_progress(
    st: &AppState,
    v: &Viewer,
    id: Id,
    raw: &ProgressInput,
) -> Result<DirectiveView, AppError> {
    login_required(v)?;
    let current = st.store.directive(id, st.today()).await?;
    v.require(Action::UpdateDirective {
        lead_unit: current.directive.lead_unit_id,
    })?;
    let p = raw.parse(st.today())?;
    if !current.directive.status.is_open() {
        return Err(AppError::Transition);
    }
    Ok(st.store.add_progress(v.who(), id, &p, st.today()).await?)
}

pub async fn extend_directive(
    st: &AppState,
    v: &Viewer,
    id: Id,
    raw: &ExtensionInput,
) -> Result<DirectiveView, AppError> {
    login_required(v)?;
    st.store.directive(id, st.today()).await?;
    v.require(Action::EditDirective)?;
    let e = raw.parse()?;
    Ok(st
        .store
        .extend_directive(v.who(), id, &e, st.today())
        .await?)
}

// Targets.

pub async fn list_targets(
    st: &AppState,
    v: &Viewer,
    f: TargetFilter,
) -> Result<Page<TargetView>, AppError> {
    // Targets are the plan of public bodies; their figures are public once reported.
    let _ = v;
    Ok(st.store.targets(&f).await?)
}

pub async fn create_target(
    st: &AppState,
    v: &Viewer,
    raw: &TargetInput,
) -> Result<dondoc_domain::Target, AppError> {
    login_required(v)?;
    let new = raw.parse()?;
    known_unit(st, Some(new.unit_id), "unit_id").await?;
    v.require(Action::EditTarget { unit: new.unit_id })?;
    Ok(st.store.create_target(v.who(), &new).await?)
}

pub async fn update_target(
    st: &AppState,
    v: &Viewer,
    id: Id,
    raw: &TargetInput,
) -> Result<dondoc_domain::Target, AppError> {
    login_required(v)?;
    let current = st.store.target(id).await?;
    v.require(Action::EditTarget {
        unit: current.target.unit_id,
    })?;
    let new = raw.parse()?;
    v.require(Action::EditTarget { unit: new.unit_id })?;
    let version = raw.version.ok_or_else(|| {
        AppError::Invalid(dondoc_domain::Invalid::one(
            "version",
            dondoc_domain::FieldCode::Required,
        ))
    })?;
    Ok(st.store.update_target(v.who(), id, version, &new).await?)
}

pub async fn amend_target(
    st: &AppState,
    v: &Viewer,
    id: Id,
    raw: &AmendmentInput,
) -> Result<dondoc_domain::Amendment, AppError> {
    login_required(v)?;
    let current = st.store.target(id).await?;
    v.require(Action::EditTarget {
        unit: current.target.unit_id,
    })?;
    let a = raw.parse()?;
    Ok(st.store.amend_target(v.who(), id, &a).await?)
}

pub async fn add_measurement(
    st: &AppState,
    v: &Viewer,
    target_id: Id,
    raw: &MeasurementInput,
) -> Result<dondoc_domain::Measurement, AppError> {
    login_required(v)?;
    let current = st.store.target(target_id).await?;
    let m = raw.parse()?;
    if !require_session_scope(st, v, m.session_id).await? {
        v.require(Action::EditTarget {
            unit: current.target.unit_id,
        })?;
    }
    Ok(st.store.add_measurement(v.who(), target_id, &m).await?)
}

// Units, people, documents.

pub async fn create_unit(st: &AppState, v: &Viewer, raw: &UnitInput) -> Result<Unit, AppError> {
    login_required(v)?;
    v.require(Action::ManageUnits)?;
    let new = raw.parse()?;
    Ok(st.store.create_unit(v.who(), &new).await?)
}

pub async fn update_unit(
    st: &AppState,
    v: &Viewer,
    id: Id,
    raw: &UnitInput,
) -> Result<Unit, AppError> {
    login_required(v)?;
    v.require(Action::ManageUnits)?;
    let new = raw.parse()?;
    let version = raw.version.ok_or_else(|| {
        AppError::Invalid(dondoc_domain::Invalid::one(
            "version",
            dondoc_domain::FieldCode::Required,
        ))
    })?;
    Ok(st.store.update_unit(v.who(), id, version, &new).await?)
}

pub async fn merge_unit(
    st: &AppState,
    v: &Viewer,
    id: Id,
    into: Option<Id>,
    version: Option<i64>,
) -> Result<Unit, AppError> {
    login_required(v)?;
    v.require(Action::ManageUnits)?;
    let mut c = dondoc_domain::validate::Checker::new();
    let into = c.required("merged_into", into);
    let version = c.required("version", version);
    c.finish(())?;
    Ok(st
        .store
        .merge_unit(
            v.who(),
            id,
            version.unwrap_or_default(),
            into.unwrap_or_default(),
            st.today(),
        )
        .await?)
}

pub async fn create_person(
    st: &AppState,
    v: &Viewer,
    raw: &PersonInput,
) -> Result<dondoc_domain::Person, AppError> {
    login_required(v)?;
    v.require(Action::EditReference)?;
    let new = raw.parse()?;
    Ok(st.store.create_person(v.who(), &new).await?)
}

pub async fn update_person(
    st: &AppState,
    v: &Viewer,
    id: Id,
    raw: &PersonInput,
) -> Result<dondoc_domain::Person, AppError> {
    login_required(v)?;
    v.require(Action::EditReference)?;
    let new = raw.parse()?;
    let version = version(raw.version)?;
    Ok(st
        .store
        .update_person(v.who(), id, version, &new.name)
        .await?)
}

pub async fn update_document(
    st: &AppState,
    v: &Viewer,
    id: Id,
    raw: &DocumentInput,
) -> Result<dondoc_domain::Document, AppError> {
    login_required(v)?;
    v.require(Action::EditReference)?;
    let new = raw.parse()?;
    let version = version(raw.version)?;
    Ok(st.store.update_document(v.who(), id, version, &new).await?)
}

pub async fn add_position(
    st: &AppState,
    v: &Viewer,
    person_id: Id,
    raw: &PersonInput,
) -> Result<dondoc_domain::Position, AppError> {
    login_required(v)?;
    v.require(Action::EditReference)?;
    let mut c = dondoc_domain::validate::Checker::new();
    let title = c.text(
        "title",
        raw.title.as_deref(),
        dondoc_domain::validate::SHORT,
    );
    c.finish(())?;
    Ok(st
        .store
        .add_position(v.who(), person_id, &title, raw.unit_id)
        .await?)
}

pub async fn create_document(
    st: &AppState,
    v: &Viewer,
    raw: &DocumentInput,
) -> Result<dondoc_domain::Document, AppError> {
    login_required(v)?;
    v.require(Action::EditReference)?;
    let new = raw.parse()?;
    Ok(st.store.create_document(v.who(), &new).await?)
}

// Users.

pub async fn create_user(st: &AppState, v: &Viewer, raw: &UserInput) -> Result<User, AppError> {
    login_required(v)?;
    v.require(Action::ManageUsers)?;
    let new = raw.parse()?;
    let hash = tokio::task::spawn_blocking(move || hash_password(&new.password).map(|h| (h, new)))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))??;
    let (hash, new) = hash;
    Ok(st
        .store
        .create_user(
            v.who(),
            &new.login,
            &new.display_name,
            &hash,
            new.role,
            new.unit_id,
        )
        .await?)
}

pub async fn set_user_active(
    st: &AppState,
    v: &Viewer,
    id: Id,
    active: Option<bool>,
    version: Option<i64>,
) -> Result<User, AppError> {
    login_required(v)?;
    v.require(Action::ManageUsers)?;
    let mut c = dondoc_domain::validate::Checker::new();
    let active = c.required("active", active);
    let version = c.required("version", version);
    c.finish(())?;
    if Some(id) == v.user.as_ref().map(|u| u.id) && active == Some(false) {
        // An administrator cannot lock themselves out.
        return Err(AppError::Invalid(dondoc_domain::Invalid::one(
            "active",
            dondoc_domain::FieldCode::Forbidden,
        )));
    }
    Ok(st
        .store
        .set_user_active(
            v.who(),
            id,
            version.unwrap_or_default(),
            active.unwrap_or_default(),
        )
        .await?)
}

/// The roles a user may be given, in the order forms list them.
pub fn roles() -> [Role; 4] {
    Role::ALL
}
