//! Sessions: list, read with everything recorded at them, record, edit, add people and
//! documents.

use dondoc_domain::input::{NewSession, SessionInput};
use dondoc_domain::{Action, Document, FieldCode, Id, Invalid, Person};
use dondoc_store::{
    DirectiveFilter, DirectiveView, MeasurementView, Page, PetitionFilter, PetitionView,
    SessionFilter, SessionView,
};

use crate::{App, Caller, Error, Result};

pub async fn list(app: &App, c: &Caller, f: &SessionFilter) -> Result<Page<SessionView>> {
    Ok(app.store.sessions(f, c.visibility()).await?)
}

/// One session, if the caller may see it.
pub async fn get(app: &App, c: &Caller, id: Id) -> Result<SessionView> {
    Ok(app.store.session(id, c.visibility()).await?)
}

/// A session with what was recorded at it, as its page and its API document show it.
pub struct SessionDetail {
    pub session: SessionView,
    pub participants: Vec<(Person, String)>,
    pub documents: Vec<Document>,
    pub figures: Vec<MeasurementView>,
    pub petitions: Vec<PetitionView>,
    pub directives: Vec<DirectiveView>,
}

pub async fn detail(app: &App, c: &Caller, id: Id) -> Result<SessionDetail> {
    let session = get(app, c, id).await?;
    let participants = app.store.participants(id).await?;
    let documents = app.store.session_documents(id).await?;
    let figures = app.store.session_measurements(id).await?;
    // Everything recorded at one session fits a page.
    let (at, limit) = (Some(id), Some(200));
    let petitions = PetitionFilter {
        session_id: at,
        limit,
        ..Default::default()
    };
    let directives = DirectiveFilter {
        session_id: at,
        limit,
        ..Default::default()
    };
    let petitions = crate::petitions::list(app, c, &petitions).await?.items;
    let directives = crate::directives::list(app, c, &directives).await?.items;
    Ok(SessionDetail {
        session,
        participants,
        documents,
        figures,
        petitions,
        directives,
    })
}

pub async fn create(app: &App, c: &Caller, raw: &SessionInput) -> Result<SessionView> {
    c.login_required()?;
    let new = raw.parse()?;
    may_record(c, &new)?;
    Ok(app.store.create_session(c.who(), &new).await?)
}

/// Whether the caller may record this session: for its host unit, and publish it only if they
/// may also edit it.
pub(crate) fn may_record(c: &Caller, new: &NewSession) -> Result<()> {
    host_in_reach(
        c,
        Action::RecordSession {
            host_unit: new.host_unit_id,
        },
    )?;
    if new.published {
        c.require(Action::EditSession {
            host_unit: new.host_unit_id,
        })?;
    }
    Ok(())
}

/// One who records sessions, naming a host unit beyond their units (a clerk of a ward naming
/// the province), is told so beside the field; one who records none is refused outright.
fn host_in_reach(c: &Caller, action: Action) -> Result<()> {
    if c.records() && !c.can(action) {
        return Err(Error::Invalid(Invalid::one(
            "host_unit_id",
            FieldCode::Forbidden,
        )));
    }
    c.require(action)
}

pub async fn update(app: &App, c: &Caller, id: Id, raw: &SessionInput) -> Result<SessionView> {
    c.login_required()?;
    let current = get(app, c, id).await?;
    c.require(Action::EditSession {
        host_unit: current.session.host_unit_id,
    })?;
    let new = raw.parse()?;
    let version = crate::version(raw.version)?;
    host_in_reach(
        c,
        Action::EditSession {
            host_unit: new.host_unit_id,
        },
    )?;
    Ok(app.store.update_session(c.who(), id, version, &new).await?)
}

pub async fn add_participant(
    app: &App,
    c: &Caller,
    session_id: Id,
    person_id: Option<Id>,
    role: Option<&str>,
) -> Result<()> {
    c.login_required()?;
    crate::session_to_record_into(app, c, session_id).await?;
    let mut check = dondoc_domain::validate::Checker::new();
    let person = check.required("person_id", person_id);
    let role = check.text("role", role, 200);
    check.finish(())?;
    Ok(app
        .store
        .add_participant(c.who(), session_id, person.unwrap_or_default(), &role)
        .await?)
}

pub async fn link_document(
    app: &App,
    c: &Caller,
    session_id: Id,
    document_id: Option<Id>,
) -> Result<()> {
    c.login_required()?;
    crate::session_to_record_into(app, c, session_id).await?;
    let mut check = dondoc_domain::validate::Checker::new();
    let document = check.required("document_id", document_id);
    check.finish(())?;
    Ok(app
        .store
        .link_document(c.who(), session_id, document.unwrap_or_default())
        .await?)
}
