//! Reference records, for staff: the unit tree, people and their positions, documents.

use dondoc_domain::input::{DocumentInput, PersonInput, UnitInput};
use dondoc_domain::{Action, Document, Id, Person, Position, Unit};
use dondoc_store::{Page, UnitFilter, UnitNode};

use crate::{App, Caller, Result};

// Units.

/// Every unit in tree order (for the tree page and the unit choices of forms).
pub async fn unit_tree(app: &App, c: &Caller) -> Result<std::sync::Arc<Vec<UnitNode>>> {
    c.require_staff()?;
    Ok(app.store.unit_tree().await?)
}

/// A page of units: the children of one, the top of the tree, or those a search names.
pub async fn units(app: &App, c: &Caller, f: &UnitFilter) -> Result<Page<Unit>> {
    c.require_staff()?;
    Ok(app.store.units_page(f).await?)
}

/// How many units sit directly under each of `ids`.
pub async fn child_counts(
    app: &App,
    c: &Caller,
    ids: &[Id],
) -> Result<std::collections::HashMap<Id, i64>> {
    c.require_staff()?;
    Ok(app.store.child_counts(ids).await?)
}

/// The unit's ancestors, the top of the tree first.
pub async fn ancestors(app: &App, c: &Caller, id: Id) -> Result<Vec<Unit>> {
    c.require_staff()?;
    let mut out = Vec::new();
    for a in app
        .store
        .unit_ancestors(id)
        .await?
        .into_iter()
        .skip(1)
        .rev()
    {
        out.push(app.store.unit(a).await?);
    }
    Ok(out)
}

/// A unit with its parent and, once merged, the unit it became part of.
pub struct UnitDetail {
    pub unit: Unit,
    pub parent: Option<Unit>,
    pub merged_into: Option<Unit>,
}

pub async fn unit(app: &App, c: &Caller, id: Id) -> Result<Unit> {
    c.require_staff()?;
    Ok(app.store.unit(id).await?)
}

pub async fn unit_detail(app: &App, c: &Caller, id: Id) -> Result<UnitDetail> {
    let unit = unit(app, c, id).await?;
    let parent = match unit.parent_id {
        Some(p) => Some(app.store.unit(p).await?),
        None => None,
    };
    let merged_into = match unit.merged_into {
        Some(p) => Some(app.store.unit(p).await?),
        None => None,
    };
    Ok(UnitDetail {
        unit,
        parent,
        merged_into,
    })
}

pub async fn create_unit(app: &App, c: &Caller, raw: &UnitInput) -> Result<Unit> {
    c.login_required()?;
    c.require(Action::ManageUnits)?;
    let new = raw.parse()?;
    Ok(app.store.create_unit(c.who(), &new).await?)
}

pub async fn update_unit(app: &App, c: &Caller, id: Id, raw: &UnitInput) -> Result<Unit> {
    c.login_required()?;
    c.require(Action::ManageUnits)?;
    let new = raw.parse()?;
    let version = crate::version(raw.version)?;
    Ok(app.store.update_unit(c.who(), id, version, &new).await?)
}

/// Merges a unit into another (the 2025 merges of communes and wards): the unit stays on
/// record, marked as merged from today.
pub async fn merge_unit(
    app: &App,
    c: &Caller,
    id: Id,
    into: Option<Id>,
    version: Option<i64>,
) -> Result<Unit> {
    c.login_required()?;
    c.require(Action::ManageUnits)?;
    let mut check = dondoc_domain::validate::Checker::new();
    let into = check.required("merged_into", into);
    let version = check.required("version", version);
    check.finish(())?;
    Ok(app
        .store
        .merge_unit(
            c.who(),
            id,
            version.unwrap_or_default(),
            into.unwrap_or_default(),
            c.today,
        )
        .await?)
}

// People.

pub async fn people(
    app: &App,
    c: &Caller,
    q: Option<&str>,
    limit: Option<i64>,
    offset: Option<i64>,
) -> Result<Page<Person>> {
    c.require_staff()?;
    Ok(app.store.people(q, limit, offset).await?)
}

/// A person with their positions, each with the name of its unit.
pub struct PersonDetail {
    pub person: Person,
    pub positions: Vec<(Position, Option<String>)>,
}

pub async fn person(app: &App, c: &Caller, id: Id) -> Result<PersonDetail> {
    c.require_staff()?;
    let person = app.store.person(id).await?;
    let mut positions = Vec::new();
    for p in app.store.positions(id).await? {
        let unit = match p.unit_id {
            Some(u) => Some(app.store.unit(u).await?.name),
            None => None,
        };
        positions.push((p, unit));
    }
    Ok(PersonDetail { person, positions })
}

pub async fn create_person(app: &App, c: &Caller, raw: &PersonInput) -> Result<Person> {
    c.login_required()?;
    c.require(Action::EditReference)?;
    let new = raw.parse()?;
    Ok(app.store.create_person(c.who(), &new).await?)
}

pub async fn update_person(app: &App, c: &Caller, id: Id, raw: &PersonInput) -> Result<Person> {
    c.login_required()?;
    c.require(Action::EditReference)?;
    let new = raw.parse()?;
    let version = crate::version(raw.version)?;
    Ok(app
        .store
        .update_person(c.who(), id, version, &new.name)
        .await?)
}

pub async fn add_position(
    app: &App,
    c: &Caller,
    person_id: Id,
    raw: &PersonInput,
) -> Result<Position> {
    c.login_required()?;
    c.require(Action::EditReference)?;
    let mut check = dondoc_domain::validate::Checker::new();
    let title = check.text(
        "title",
        raw.title.as_deref(),
        dondoc_domain::validate::SHORT,
    );
    check.finish(())?;
    Ok(app
        .store
        .add_position(c.who(), person_id, &title, raw.unit_id)
        .await?)
}

// Documents.

pub async fn documents(
    app: &App,
    c: &Caller,
    limit: Option<i64>,
    offset: Option<i64>,
) -> Result<Page<Document>> {
    c.require_staff()?;
    Ok(app.store.documents(limit, offset).await?)
}

pub async fn document(app: &App, c: &Caller, id: Id) -> Result<Document> {
    c.require_staff()?;
    Ok(app.store.document(id).await?)
}

pub async fn create_document(app: &App, c: &Caller, raw: &DocumentInput) -> Result<Document> {
    c.login_required()?;
    c.require(Action::EditReference)?;
    let new = raw.parse()?;
    Ok(app.store.create_document(c.who(), &new).await?)
}

pub async fn update_document(
    app: &App,
    c: &Caller,
    id: Id,
    raw: &DocumentInput,
) -> Result<Document> {
    c.login_required()?;
    c.require(Action::EditReference)?;
    let new = raw.parse()?;
    let version = crate::version(raw.version)?;
    Ok(app
        .store
        .update_document(c.who(), id, version, &new)
        .await?)
}
