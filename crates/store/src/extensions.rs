//! Requests for more time: asked by the assignee's side, decided by the issuer's side. A
//! granted request moves the deadline and is kept as an extension (old and new date), in the
//! same transaction; either step is told to the other side through `follow_events`.

use dondoc_domain::input::NewExtension;
use dondoc_domain::{ExtensionRequest, FieldCode, Id, Invalid};
use jiff::civil::Date;

use crate::sql::{d, now_ms, od, opd, pd, ts, updated, Tx};
use crate::{audit, follow, Result, Store, StoreError, Who};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    directive_id: i64,
    old_deadline: Option<String>,
    new_deadline: String,
    reason: String,
    requested_by: Option<i64>,
    requested_by_name: Option<String>,
    at: i64,
    status: String,
    decided_by_name: Option<String>,
    decided_at: Option<i64>,
    note: Option<String>,
}

const SELECT: &str = "select x.id, x.directive_id, x.old_deadline, x.new_deadline, x.reason, x.requested_by,
    r.display_name as requested_by_name, x.at, x.status, dcd.display_name as decided_by_name, x.decided_at, x.note
    from extension_requests x left join users r on r.id = x.requested_by left join users dcd on dcd.id = x.decided_by";

impl Row {
    fn into_request(self) -> Result<ExtensionRequest> {
        Ok(ExtensionRequest {
            id: self.id,
            directive_id: self.directive_id,
            old_deadline: opd(self.old_deadline)?,
            new_deadline: pd(&self.new_deadline)?,
            reason: self.reason,
            requested_by: self.requested_by,
            requested_by_name: self.requested_by_name,
            at: ts(self.at),
            status: self.status,
            decided_by_name: self.decided_by_name,
            decided_at: self.decided_at.map(ts),
            note: self.note,
        })
    }
}

async fn one(tx: &mut Tx<'_>, directive_id: Id, id: Id) -> Result<ExtensionRequest> {
    let r: Option<Row> =
        sqlx::query_as(&format!("{SELECT} where x.id = $1 and x.directive_id = $2"))
            .bind(id)
            .bind(directive_id)
            .fetch_optional(&mut **tx)
            .await?;
    r.ok_or(StoreError::NotFound)?.into_request()
}

/// The lead unit and deadline of a directive, read in the transaction.
async fn lead_and_deadline(tx: &mut Tx<'_>, id: Id) -> Result<(Option<Id>, Option<Date>)> {
    let r: Option<(Option<i64>, Option<String>)> =
        sqlx::query_as("select lead_unit_id, deadline from directives where id = $1")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
    let (lead, deadline) = r.ok_or(StoreError::NotFound)?;
    Ok((lead, opd(deadline)?))
}

impl Store {
    /// Asks for a later deadline; refused while another request waits.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn request_extension(
        &self,
        who: Who,
        directive_id: Id,
        e: &NewExtension,
    ) -> Result<ExtensionRequest> {
        let mut tx = self.begin().await?;
        let (lead, deadline) = lead_and_deadline(&mut tx, directive_id).await?;
        let waiting: i64 = sqlx::query_scalar(
            "select count(*) from extension_requests where directive_id = $1 and status = 'pending'",
        )
        .bind(directive_id)
        .fetch_one(&mut *tx)
        .await?;
        if waiting > 0 {
            return Err(Invalid::one("new_deadline", FieldCode::Pending).into());
        }
        let id: i64 = sqlx::query_scalar(
            "insert into extension_requests (directive_id, old_deadline, new_deadline, reason, requested_by, at, status)
             values ($1, $2, $3, $4, $5, $6, 'pending') returning id",
        )
        .bind(directive_id)
        .bind(od(deadline))
        .bind(d(e.new_deadline))
        .bind(&e.reason)
        .bind(who.user_id)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?;
        let req = one(&mut tx, directive_id, id).await?;
        audit::record(
            &mut tx,
            who,
            "directive",
            directive_id,
            "request_extension",
            None,
            Some(&req),
        )
        .await?;
        if let Some(unit) = lead {
            follow::event(
                &mut tx,
                "extension_requested",
                "directive",
                directive_id,
                unit,
                who.user_id,
                Some(&e.reason),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(req)
    }

    /// Grants or refuses a waiting request. Granted, the deadline moves and an extension is
    /// kept with the old and new date; `version` is the directive's as the decider read it.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn decide_extension(
        &self,
        who: Who,
        directive_id: Id,
        request_id: Id,
        approve: bool,
        note: Option<&str>,
    ) -> Result<ExtensionRequest> {
        let mut tx = self.begin().await?;
        let before = one(&mut tx, directive_id, request_id).await?;
        if before.status != "pending" {
            return Err(StoreError::Conflict);
        }
        let (lead, deadline) = lead_and_deadline(&mut tx, directive_id).await?;
        let status = if approve { "approved" } else { "refused" };
        let n = sqlx::query(
            "update extension_requests set status = $1, decided_by = $2, decided_at = $3, note = $4
             where id = $5 and status = 'pending'",
        )
        .bind(status)
        .bind(who.user_id)
        .bind(now_ms())
        .bind(note)
        .bind(request_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::Conflict);
        }
        if approve {
            let n = sqlx::query(
                "update directives set deadline = $1, version = version + 1 where id = $2",
            )
            .bind(d(before.new_deadline))
            .bind(directive_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            updated(&mut tx, n, "directives", directive_id).await?;
            crate::directives::insert_extension(
                &mut tx,
                who,
                directive_id,
                deadline,
                before.new_deadline,
                &before.reason,
            )
            .await?;
        }
        let after = one(&mut tx, directive_id, request_id).await?;
        audit::record(
            &mut tx,
            who,
            "directive",
            directive_id,
            if approve {
                "approve_extension"
            } else {
                "refuse_extension"
            },
            Some(&before),
            Some(&after),
        )
        .await?;
        if let Some(unit) = lead {
            let detail = match note {
                Some(n) => format!("{status}: {n}"),
                None => status.to_string(),
            };
            follow::event(
                &mut tx,
                "extension_decided",
                "directive",
                directive_id,
                unit,
                who.user_id,
                Some(&detail),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(after)
    }

    /// A directive's requests for more time, oldest first.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn extension_requests(&self, directive_id: Id) -> Result<Vec<ExtensionRequest>> {
        let rows: Vec<Row> =
            sqlx::query_as(&format!("{SELECT} where x.directive_id = $1 order by x.id"))
                .bind(directive_id)
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter().map(Row::into_request).collect()
    }
}
