//! The audit trail: one event per change, written in the change's own transaction, with the
//! record before and after as JSON. A record's history page is read from here.

use dondoc_domain::{
    Article, AuditEvent, Directive, Document, Id, Person, Petition, Session, Target, Unit, User,
};
use serde::Serialize;

use crate::sql::{now_ms, ts, Tx};
use crate::{Result, Store, Who};

/// A record the audit trail names by its kind and id.
pub(crate) trait Audited: Serialize {
    const ENTITY: &'static str;
    fn audit_id(&self) -> Id;
}

macro_rules! audited {
    ($($t:ty => $entity:literal),* $(,)?) => {
        $(impl Audited for $t {
            const ENTITY: &'static str = $entity;
            fn audit_id(&self) -> Id {
                self.id
            }
        })*
    };
}

audited!(
    Session => "session",
    Petition => "petition",
    Directive => "directive",
    Target => "target",
    Unit => "unit",
    Person => "person",
    Document => "document",
    User => "user",
    Article => "article",
);

/// The event of a change of a record: `before` is `None` when it is created.
pub(crate) async fn change<T: Audited>(
    tx: &mut Tx<'_>,
    who: Who,
    action: &str,
    before: Option<&T>,
    after: &T,
) -> Result<()> {
    record(
        tx,
        who,
        T::ENTITY,
        after.audit_id(),
        action,
        before,
        Some(after),
    )
    .await
}

/// An event of any kind: `entity` and `entity_id` name the record it belongs to.
pub(crate) async fn record<T: Serialize>(
    tx: &mut Tx<'_>,
    who: Who,
    entity: &str,
    entity_id: Id,
    action: &str,
    before: Option<&T>,
    after: Option<&T>,
) -> Result<()> {
    let to_json = |v: Option<&T>| v.map(|v| serde_json::to_string(v).unwrap_or_default());
    sqlx::query(
        "insert into audit_events (at, user_id, entity, entity_id, action, before_json, after_json) values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(now_ms())
    .bind(who.user_id)
    .bind(entity)
    .bind(entity_id)
    .bind(action)
    .bind(to_json(before))
    .bind(to_json(after))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    at: i64,
    user_id: Option<i64>,
    user_name: Option<String>,
    entity: String,
    entity_id: i64,
    action: String,
    before_json: Option<String>,
    after_json: Option<String>,
}

impl Store {
    /// Every change of one record, oldest first.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn history(&self, entity: &str, entity_id: Id) -> Result<Vec<AuditEvent>> {
        let rows: Vec<Row> = sqlx::query_as(
            "select a.id, a.at, a.user_id, u.display_name as user_name, a.entity, a.entity_id, a.action, a.before_json, a.after_json
             from audit_events a left join users u on u.id = a.user_id
             where a.entity = $1 and a.entity_id = $2 order by a.at, a.id",
        )
        .bind(entity)
        .bind(entity_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| AuditEvent {
                id: r.id,
                at: ts(r.at),
                user_id: r.user_id,
                user_name: r.user_name,
                entity: r.entity,
                entity_id: r.entity_id,
                action: r.action,
                before: r.before_json,
                after: r.after_json,
            })
            .collect())
    }
}
