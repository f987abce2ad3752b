//! Sessions (buổi làm việc): who met whom, when, about what; with the participants, the
//! documents reviewed and the source report kept verbatim.

use dondoc_domain::input::NewSession;
use dondoc_domain::{Document, Id, Person, Session, Visibility};
use serde::{Deserialize, Serialize};

use crate::sql::{
    d, ensure_exists, flag, key, now_ms, on_constraint, page, pd, updated, Arg, Page, Tx, Where,
};
use crate::{audit, visible, Result, Store, StoreError, Who};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SessionFilter {
    pub q: Option<String>,
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    pub host_unit_id: Option<Id>,
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    pub limit: Option<i64>,
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    pub offset: Option<i64>,
    /// Only sessions held on this day (set by a use case).
    #[serde(skip)]
    pub on: Option<jiff::civil::Date>,
    /// A page without its count (a search that ranks the first rows and shows no total).
    #[serde(skip)]
    pub uncounted: bool,
}

/// A session with the names a list or page shows beside it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionView {
    #[serde(flatten)]
    pub session: Session,
    pub host_name: String,
    pub lead_name: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    date: String,
    place: Option<String>,
    title: String,
    host_unit_id: i64,
    delegation_name: Option<String>,
    lead_person_id: Option<i64>,
    summary: Option<String>,
    source_text: Option<String>,
    published: i64,
    version: i64,
    host_name: String,
    lead_name: Option<String>,
}

const SELECT: &str = "select s.id, s.date, s.place, s.title, s.host_unit_id, s.delegation_name, s.lead_person_id, s.summary,
    s.source_text, s.published, s.version, u.name as host_name, p.name as lead_name
    from sessions s join units u on u.id = s.host_unit_id left join people p on p.id = s.lead_person_id";

impl TryFrom<Row> for SessionView {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        Ok(SessionView {
            session: Session {
                id: r.id,
                date: pd(&r.date)?,
                place: r.place,
                title: r.title,
                host_unit_id: r.host_unit_id,
                delegation_name: r.delegation_name,
                lead_person_id: r.lead_person_id,
                summary: r.summary,
                source_text: r.source_text,
                published: r.published != 0,
                version: r.version,
            },
            host_name: r.host_name,
            lead_name: r.lead_name,
        })
    }
}

pub(crate) async fn get_session_in(tx: &mut Tx<'_>, id: Id) -> Result<SessionView> {
    get_in(tx, id).await
}

async fn get_in(tx: &mut Tx<'_>, id: Id) -> Result<SessionView> {
    let r: Option<Row> = sqlx::query_as(&format!("{SELECT} where s.id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    r.ok_or(StoreError::NotFound)?.try_into()
}

impl Store {
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn sessions(&self, f: &SessionFilter, vis: &Visibility) -> Result<Page<SessionView>> {
        let store = self.reading(vis);
        let mut w = Where::new();
        if !self
            .search_words(&mut w, crate::words::SESSIONS, "s", f.q.as_deref())
            .await?
        {
            return Ok(Page::empty(f.limit, f.offset));
        }
        w.uncounted = f.uncounted;
        if let Some(u) = f.host_unit_id {
            w.and("s.host_unit_id = ?", [Arg::I(u)]);
        }
        if let Some(day) = f.on {
            w.and("s.date = ?", [Arg::S(day.to_string())]);
        }
        if let Some(cond) = visible::session(vis, "s") {
            w.and(&cond, []);
        }
        let order = "s.date desc, s.id desc";
        page::<Row>(&store, SELECT, "sessions s", &w, order, f.limit, f.offset)
            .await?
            .try_map(SessionView::try_from)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn session(&self, id: Id, vis: &Visibility) -> Result<SessionView> {
        let store = self.reading(vis);
        let r: Option<Row> = sqlx::query_as(&format!(
            "{SELECT} where s.id = $1{}",
            visible::and(visible::session(vis, "s"))
        ))
        .bind(id)
        .fetch_optional(&store.pool)
        .await?;
        r.ok_or(StoreError::NotFound)?.try_into()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn create_session(&self, who: Who, new: &NewSession) -> Result<SessionView> {
        let mut tx = self.begin().await?;
        let id = insert_session(&mut tx, new).await?;
        let s = get_in(&mut tx, id).await?;
        audit::change(&mut tx, who, "create", None, &s.session).await?;
        tx.commit().await?;
        Ok(s)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn update_session(
        &self,
        who: Who,
        id: Id,
        version: i64,
        new: &NewSession,
    ) -> Result<SessionView> {
        let mut tx = self.begin().await?;
        let before = get_in(&mut tx, id).await?;
        ensure_exists(&mut tx, "units", Some(new.host_unit_id), "host_unit_id").await?;
        ensure_exists(&mut tx, "people", new.lead_person_id, "lead_person_id").await?;
        let n = sqlx::query(
            "update sessions set date = $1, place = $2, title = $3, title_key = $4, host_unit_id = $5, delegation_name = $6,
             lead_person_id = $7, summary = $8, source_text = $9, published = $10, version = version + 1
             where id = $11 and version = $12",
        )
        .bind(d(new.date))
        .bind(&new.place)
        .bind(&new.title)
        .bind(key(&new.title))
        .bind(new.host_unit_id)
        .bind(&new.delegation_name)
        .bind(new.lead_person_id)
        .bind(&new.summary)
        .bind(&new.source_text)
        .bind(flag(new.published))
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        updated(&mut tx, n, "sessions", id).await?;
        if before.session.published != new.published {
            // What the public sees of the petitions raised here changes with it.
            crate::petitions::refresh_counts(
                &mut tx,
                &format!("id in (select petition_id from raisings where session_id = {id})"),
            )
            .await?;
        }
        let after = get_in(&mut tx, id).await?;
        audit::change(
            &mut tx,
            who,
            "update",
            Some(&before.session),
            &after.session,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn add_participant(
        &self,
        who: Who,
        session_id: Id,
        person_id: Id,
        role: &str,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        get_in(&mut tx, session_id).await?;
        insert_participant(&mut tx, who, session_id, person_id, role).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The people of a session with the role the report gives them (the caller has checked
    /// that the session is visible).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn participants(&self, session_id: Id) -> Result<Vec<(Person, String)>> {
        let rows: Vec<(i64, String, i64, String)> = sqlx::query_as(
            "select p.id, p.name, p.version, sp.role from session_participants sp join people p on p.id = sp.person_id
             where sp.session_id = $1 order by p.name_key",
        )
        .bind(session_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, version, role)| (Person { id, name, version }, role))
            .collect())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn link_document(&self, who: Who, session_id: Id, document_id: Id) -> Result<()> {
        let mut tx = self.begin().await?;
        get_in(&mut tx, session_id).await?;
        ensure_exists(&mut tx, "documents", Some(document_id), "document_id").await?;
        // Linking twice links once, also when two requests link at the same moment (a count
        // read before inserting let both through on PostgreSQL, and the second failed).
        let added = sqlx::query(
            "insert into session_documents (session_id, document_id) values ($1, $2)
             on conflict do nothing",
        )
        .bind(session_id)
        .bind(document_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if added > 0 {
            let after = serde_json::json!({ "document_id": document_id });
            audit::record(
                &mut tx,
                who,
                "session",
                session_id,
                "link_document",
                None,
                Some(&after),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The documents a session reviewed (the caller has checked that it is visible).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn session_documents(&self, session_id: Id) -> Result<Vec<Document>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "select document_id from session_documents where session_id = $1 order by document_id",
        )
        .bind(session_id)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.document(id).await?);
        }
        Ok(out)
    }
}

/// Adds a participant in the caller's transaction.
pub(crate) async fn insert_participant(
    tx: &mut Tx<'_>,
    who: Who,
    session_id: Id,
    person_id: Id,
    role: &str,
) -> Result<()> {
    ensure_exists(tx, "people", Some(person_id), "person_id").await?;
    sqlx::query(
        "insert into session_participants (session_id, person_id, role) values ($1, $2, $3)",
    )
    .bind(session_id)
    .bind(person_id)
    .bind(role)
    .execute(&mut **tx)
    .await
    .map_err(on_constraint)?;
    let after = serde_json::json!({ "person_id": person_id, "role": role });
    audit::record(
        tx,
        who,
        "session",
        session_id,
        "add_participant",
        None,
        Some(&after),
    )
    .await
}

pub(crate) async fn insert_session(tx: &mut Tx<'_>, new: &NewSession) -> Result<Id> {
    ensure_exists(tx, "units", Some(new.host_unit_id), "host_unit_id").await?;
    ensure_exists(tx, "people", new.lead_person_id, "lead_person_id").await?;
    let id: i64 = sqlx::query_scalar(
        "insert into sessions (date, place, title, title_key, host_unit_id, delegation_name, lead_person_id, summary, source_text,
         published, version, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11) returning id",
    )
    .bind(d(new.date))
    .bind(&new.place)
    .bind(&new.title)
    .bind(key(&new.title))
    .bind(new.host_unit_id)
    .bind(&new.delegation_name)
    .bind(new.lead_person_id)
    .bind(&new.summary)
    .bind(&new.source_text)
    .bind(flag(new.published))
    .bind(now_ms())
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}
