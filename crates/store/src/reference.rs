//! People with their positions, and the documents sessions refer to.

use dondoc_domain::input::{NewDocument, NewPerson};
use dondoc_domain::{Document, Id, Person, Position};

use crate::sql::{ensure_exists, key, now_ms, od, opd, page, updated, Page, Tx, Where};
use crate::{audit, Result, Store, StoreError, Who};

#[derive(sqlx::FromRow)]
struct PersonRow {
    id: i64,
    name: String,
    version: i64,
}

impl From<PersonRow> for Person {
    fn from(r: PersonRow) -> Self {
        Person {
            id: r.id,
            name: r.name,
            version: r.version,
        }
    }
}

#[derive(sqlx::FromRow)]
struct PositionRow {
    id: i64,
    person_id: i64,
    unit_id: Option<i64>,
    title: String,
    from_date: Option<String>,
    to_date: Option<String>,
}

#[derive(sqlx::FromRow)]
struct DocumentRow {
    id: i64,
    kind: String,
    number: Option<String>,
    date: Option<String>,
    issuer: Option<String>,
    subject: Option<String>,
    version: i64,
}

impl TryFrom<DocumentRow> for Document {
    type Error = StoreError;
    fn try_from(r: DocumentRow) -> Result<Self> {
        Ok(Document {
            id: r.id,
            kind: r.kind,
            number: r.number,
            date: opd(r.date)?,
            issuer: r.issuer,
            subject: r.subject,
            version: r.version,
        })
    }
}

/// Creates a person and, when given, their first position, in the caller's transaction.
pub(crate) async fn insert_person(tx: &mut Tx<'_>, who: Who, new: &NewPerson) -> Result<Person> {
    ensure_exists(tx, "units", new.unit_id, "unit_id").await?;
    let id: i64 = sqlx::query_scalar("insert into people (name, name_key, version, created_at) values ($1, $2, 1, $3) returning id")
        .bind(&new.name)
        .bind(key(&new.name))
        .bind(now_ms())
        .fetch_one(&mut **tx)
        .await?;
    if let Some(title) = &new.title {
        sqlx::query(
            "insert into positions (person_id, unit_id, title, from_date) values ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(new.unit_id)
        .bind(title)
        .bind(od(new.from))
        .execute(&mut **tx)
        .await?;
    }
    let person = person_in(tx, id).await?;
    audit::change(tx, who, "create", None, &person).await?;
    Ok(person)
}

async fn person_in(tx: &mut Tx<'_>, id: Id) -> Result<Person> {
    let r: Option<PersonRow> = sqlx::query_as("select id, name, version from people where id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(r.ok_or(StoreError::NotFound)?.into())
}

async fn document_in(tx: &mut Tx<'_>, id: Id) -> Result<Document> {
    let r: Option<DocumentRow> = sqlx::query_as(
        "select id, kind, number, date, issuer, subject, version from documents where id = $1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    r.ok_or(StoreError::NotFound)?.try_into()
}

impl Store {
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn people(
        &self,
        q: Option<&str>,
        limit: Option<i64>,
        offset: Option<i64>,
    ) -> Result<Page<Person>> {
        let mut w = Where::new();
        w.search("name_key", q);
        let select = "select id, name, version from people";
        let order = "name_key, id";
        page::<PersonRow>(self, select, "people", &w, order, limit, offset)
            .await?
            .try_map(|r| Ok(Person::from(r)))
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn person(&self, id: Id) -> Result<Person> {
        let mut tx = self.read().await?;
        let p = person_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(p)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn person_by_name(&self, name: &str) -> Result<Option<Person>> {
        let r: Option<PersonRow> = sqlx::query_as(
            "select id, name, version from people where name_key = $1 order by id limit 1",
        )
        .bind(key(name))
        .fetch_optional(&self.pool)
        .await?;
        Ok(r.map(Person::from))
    }

    /// Creates a person and, when given, their first position.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn create_person(&self, who: Who, new: &NewPerson) -> Result<Person> {
        let mut tx = self.begin().await?;
        let person = insert_person(&mut tx, who, new).await?;
        tx.commit().await?;
        Ok(person)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn update_person(
        &self,
        who: Who,
        id: Id,
        version: i64,
        name: &str,
    ) -> Result<Person> {
        let mut tx = self.begin().await?;
        let before = person_in(&mut tx, id).await?;
        let n = sqlx::query("update people set name = $1, name_key = $2, version = version + 1 where id = $3 and version = $4")
            .bind(name)
            .bind(key(name))
            .bind(id)
            .bind(version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        updated(&mut tx, n, "people", id).await?;
        let after = person_in(&mut tx, id).await?;
        audit::change(&mut tx, who, "update", Some(&before), &after).await?;
        tx.commit().await?;
        Ok(after)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn add_position(
        &self,
        who: Who,
        person_id: Id,
        title: &str,
        unit_id: Option<Id>,
    ) -> Result<Position> {
        let mut tx = self.begin().await?;
        person_in(&mut tx, person_id).await?;
        ensure_exists(&mut tx, "units", unit_id, "unit_id").await?;
        let id: i64 = sqlx::query_scalar(
            "insert into positions (person_id, unit_id, title) values ($1, $2, $3) returning id",
        )
        .bind(person_id)
        .bind(unit_id)
        .bind(title)
        .fetch_one(&mut *tx)
        .await?;
        let pos = Position {
            id,
            person_id,
            unit_id,
            title: title.to_string(),
            from: None,
            to: None,
        };
        audit::record(
            &mut tx,
            who,
            "person",
            person_id,
            "add_position",
            None,
            Some(&pos),
        )
        .await?;
        tx.commit().await?;
        Ok(pos)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn positions(&self, person_id: Id) -> Result<Vec<Position>> {
        let rows: Vec<PositionRow> = sqlx::query_as(
            "select id, person_id, unit_id, title, from_date, to_date from positions where person_id = $1 order by id",
        )
        .bind(person_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(Position {
                    id: r.id,
                    person_id: r.person_id,
                    unit_id: r.unit_id,
                    title: r.title,
                    from: opd(r.from_date)?,
                    to: opd(r.to_date)?,
                })
            })
            .collect()
    }

    /// The positions held at a unit now (not ended), each with its holder, first recorded
    /// first: who heads the unit, as far as the record says.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn positions_at(&self, unit_id: Id) -> Result<Vec<(Position, Person)>> {
        #[derive(sqlx::FromRow)]
        struct Held {
            #[sqlx(flatten)]
            position: PositionRow,
            name: String,
            version: i64,
        }
        let rows: Vec<Held> = sqlx::query_as(
            "select p.id, p.person_id, p.unit_id, p.title, p.from_date, p.to_date, pe.name, pe.version
             from positions p join people pe on pe.id = p.person_id
             where p.unit_id = $1 and p.to_date is null order by p.id",
        )
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                let person = Person {
                    id: r.position.person_id,
                    name: r.name,
                    version: r.version,
                };
                Ok((
                    Position {
                        id: r.position.id,
                        person_id: r.position.person_id,
                        unit_id: r.position.unit_id,
                        title: r.position.title,
                        from: opd(r.position.from_date)?,
                        to: opd(r.position.to_date)?,
                    },
                    person,
                ))
            })
            .collect()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn documents(
        &self,
        limit: Option<i64>,
        offset: Option<i64>,
    ) -> Result<Page<Document>> {
        let select = "select id, kind, number, date, issuer, subject, version from documents";
        let order = "date desc, id desc";
        page::<DocumentRow>(
            self,
            select,
            "documents",
            &Where::new(),
            order,
            limit,
            offset,
        )
        .await?
        .try_map(Document::try_from)
    }

    /// Every document, newest first, each with its kind, number, subject and issuer folded
    /// into one line for a picker to match words against. Documents number in the
    /// thousands at most, and their numbers ("08-QĐi/TW") fold badly for a `like`.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn documents_folded(&self) -> Result<Vec<(Document, String)>> {
        let rows: Vec<DocumentRow> = sqlx::query_as(
            "select id, kind, number, date, issuer, subject, version from documents \
             order by date desc, id desc",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                let d = Document::try_from(r)?;
                let folded = key(&format!(
                    "{} {} {} {}",
                    d.kind,
                    d.number.as_deref().unwrap_or_default(),
                    d.subject.as_deref().unwrap_or_default(),
                    d.issuer.as_deref().unwrap_or_default()
                ));
                Ok((d, folded))
            })
            .collect()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn document(&self, id: Id) -> Result<Document> {
        let mut tx = self.read().await?;
        let doc = document_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(doc)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn update_document(
        &self,
        who: Who,
        id: Id,
        version: i64,
        new: &NewDocument,
    ) -> Result<Document> {
        let mut tx = self.begin().await?;
        let before = document_in(&mut tx, id).await?;
        let n = sqlx::query(
            "update documents set kind = $1, number = $2, date = $3, issuer = $4, subject = $5, version = version + 1
             where id = $6 and version = $7",
        )
        .bind(&new.kind)
        .bind(&new.number)
        .bind(od(new.date))
        .bind(&new.issuer)
        .bind(&new.subject)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        updated(&mut tx, n, "documents", id).await?;
        let after = document_in(&mut tx, id).await?;
        audit::change(&mut tx, who, "update", Some(&before), &after).await?;
        tx.commit().await?;
        Ok(after)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn create_document(&self, who: Who, new: &NewDocument) -> Result<Document> {
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "insert into documents (kind, number, date, issuer, subject, version, created_at) values ($1, $2, $3, $4, $5, 1, $6) returning id",
        )
        .bind(&new.kind)
        .bind(&new.number)
        .bind(od(new.date))
        .bind(&new.issuer)
        .bind(&new.subject)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?;
        let doc = document_in(&mut tx, id).await?;
        audit::change(&mut tx, who, "create", None, &doc).await?;
        tx.commit().await?;
        Ok(doc)
    }
}
