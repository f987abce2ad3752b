//! Petitions sent by residents: the moderation queue, the tracking code, the decision (which
//! records the petition, or one more raising of the petition the resident joined, in the same
//! transaction), Open311 clients' keys, and the mail told to a resident's address.

use dondoc_domain::input::{NewPetition, NewRaising};
use dondoc_domain::resident::{NewSubmission, SubmissionStatus};
use dondoc_domain::{FieldCode, Id, Invalid};
use jiff::Timestamp;
use serde::Serialize;

use crate::petitions::{insert_petition, insert_raising, raise_in, refresh_counts};
use crate::sql::{clamp_page, id_list, key, now_ms, ts, Page};
use crate::{audit, Result, Store, StoreError, Who};

/// A submission as staff and its tracking page read it (the page shows less: see the web
/// layer). Its address and photo are not in it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmissionView {
    pub id: Id,
    pub code: String,
    pub text: String,
    pub ward_unit_id: Id,
    pub ward_name: String,
    pub category: String,
    /// Whether the resident asked for news by mail (the address itself is not shown).
    pub wants_mail: bool,
    pub photo_type: Option<String>,
    pub joins_petition_id: Option<Id>,
    pub petition_id: Option<Id>,
    pub status: SubmissionStatus,
    pub reason: Option<String>,
    /// `form` or `open311`.
    pub source: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub created_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub decided_at: Option<Timestamp>,
    pub version: i64,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    code: String,
    text: String,
    ward_unit_id: i64,
    ward_name: String,
    category: String,
    email: Option<String>,
    photo_type: Option<String>,
    joins_petition_id: Option<i64>,
    petition_id: Option<i64>,
    status: String,
    reason: Option<String>,
    source: String,
    created_at: i64,
    decided_at: Option<i64>,
    version: i64,
}

const SELECT: &str = "select sb.id, sb.code, sb.text, sb.ward_unit_id, u.name as ward_name, sb.category, sb.email,
    sb.photo_type, sb.joins_petition_id, sb.petition_id, sb.status, sb.reason, sb.source, sb.created_at,
    sb.decided_at, sb.version from submissions sb join units u on u.id = sb.ward_unit_id";

impl TryFrom<Row> for SubmissionView {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        Ok(SubmissionView {
            id: r.id,
            code: r.code,
            text: r.text,
            ward_unit_id: r.ward_unit_id,
            ward_name: r.ward_name,
            category: r.category,
            wants_mail: r.email.is_some(),
            photo_type: r.photo_type,
            joins_petition_id: r.joins_petition_id,
            petition_id: r.petition_id,
            status: SubmissionStatus::parse(&r.status)
                .ok_or_else(|| StoreError::Corrupt(format!("submission status {}", r.status)))?,
            reason: r.reason,
            source: r.source,
            created_at: ts(r.created_at),
            decided_at: r.decided_at.map(ts),
            version: r.version,
        })
    }
}

/// What a new submission carries besides what the resident wrote.
pub struct SubmissionMeta<'a> {
    pub code: &'a str,
    /// A salted digest of the client's address, never the address.
    pub client_hash: &'a str,
    /// `form` or `open311`.
    pub source: &'a str,
    /// A photo checked by its bytes: media type and bytes.
    pub photo: Option<(&'a str, &'a [u8])>,
    /// When it was sent, by the application's clock (the limit per address counts by it).
    pub at_ms: i64,
}

/// How a submission is decided.
pub enum Decision<'a> {
    /// Recorded as this new petition.
    Petition(&'a NewPetition),
    /// One more raising of the petition it joined.
    Raise(&'a NewRaising),
    Reject(&'a str),
}

/// An Open311 client that may send petitions.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiClient {
    pub id: Id,
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub created_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub revoked_at: Option<Timestamp>,
}

/// A mail to a resident, claimed for sending.
#[derive(Debug, Clone)]
pub struct ResidentMail {
    pub id: Id,
    pub email: String,
    /// `accepted`, `rejected`, or `status:<petition status>:<petition version>`.
    pub event_key: String,
    /// Tries before this one.
    pub attempts: i64,
    pub submission: SubmissionView,
}

impl Store {
    /// The secret named `name`, made from `fresh` the first time it is asked for: every node
    /// reads the same one.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn site_secret(&self, name: &str, fresh: &str) -> Result<String> {
        sqlx::query(
            "insert into site_secrets (name, value, created_at) values ($1, $2, $3) on conflict (name) do nothing",
        )
        .bind(name)
        .bind(fresh)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(
            sqlx::query_scalar("select value from site_secrets where name = $1")
                .bind(name)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// How many submissions came from this client since `since_ms`.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn submissions_from(&self, client_hash: &str, since_ms: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "select count(*) from submissions where client_hash = $1 and created_at >= $2",
        )
        .bind(client_hash)
        .bind(since_ms)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Keeps a new submission, waiting for staff. A code already given is `Duplicate("code")`.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn create_submission(
        &self,
        new: &NewSubmission,
        meta: &SubmissionMeta<'_>,
    ) -> Result<SubmissionView> {
        let mut tx = self.begin().await?;
        crate::sql::ensure_exists(&mut tx, "units", Some(new.ward_unit_id), "ward_unit_id").await?;
        crate::sql::ensure_exists(
            &mut tx,
            "petitions",
            new.joins_petition_id,
            "joins_petition_id",
        )
        .await?;
        let id: i64 = sqlx::query_scalar(
            "insert into submissions (code, text, text_key, ward_unit_id, category, email, photo_type, photo,
               joins_petition_id, status, client_hash, source, created_at, version)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1) returning id",
        )
        .bind(meta.code)
        .bind(&new.text)
        .bind(key(&new.text))
        .bind(new.ward_unit_id)
        .bind(&new.category)
        .bind(&new.email)
        .bind(meta.photo.map(|p| p.0))
        .bind(meta.photo.map(|p| p.1.to_vec()))
        .bind(new.joins_petition_id)
        .bind(SubmissionStatus::Pending.as_str())
        .bind(meta.client_hash)
        .bind(meta.source)
        .bind(meta.at_ms)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db)
                if db.constraint() == Some("submissions_code_key")
                    || db.message().contains("submissions.code") =>
            {
                StoreError::Duplicate("code")
            }
            _ => e.into(),
        })?;
        let s = get_in(&mut tx, id).await?;
        audit::record(
            &mut tx,
            Who::default(),
            "submission",
            id,
            "submit",
            None,
            Some(&s),
        )
        .await?;
        tx.commit().await?;
        Ok(s)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn submission(&self, id: Id) -> Result<SubmissionView> {
        let r: Option<Row> = sqlx::query_as(&format!("{SELECT} where sb.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        r.ok_or(StoreError::NotFound)?.try_into()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn submission_by_code(&self, code: &str) -> Result<SubmissionView> {
        let r: Option<Row> = sqlx::query_as(&format!("{SELECT} where sb.code = $1"))
            .bind(code)
            .fetch_optional(&self.pool)
            .await?;
        r.ok_or(StoreError::NotFound)?.try_into()
    }

    /// The photo of a submission: media type and bytes.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn submission_photo(&self, id: Id) -> Result<(String, Vec<u8>)> {
        let r: Option<(Option<String>, Option<Vec<u8>>)> =
            sqlx::query_as("select photo_type, photo from submissions where id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        match r {
            Some((Some(t), Some(bytes))) => Ok((t, bytes)),
            _ => Err(StoreError::NotFound),
        }
    }

    /// Submissions waiting for staff, of the wards `wards` (every ward: `None`), oldest first.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn submission_queue(
        &self,
        wards: Option<&[Id]>,
        limit: Option<i64>,
        offset: Option<i64>,
    ) -> Result<Page<SubmissionView>> {
        let (limit, offset) = clamp_page(limit, offset);
        let of_wards = match wards {
            None => String::new(),
            Some([]) => " and 1 = 0".into(),
            Some(w) => format!(" and sb.ward_unit_id in ({})", id_list(w)),
        };
        let cond = format!("sb.status = 'pending'{of_wards}");
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "{SELECT} where {cond} order by sb.id limit $1 offset $2"
        ))
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        let total: i64 = sqlx::query_scalar(&format!(
            "select count(*) from (select 1 from submissions sb where {cond} limit {}) c",
            crate::sql::COUNT_CAP + 1
        ))
        .fetch_one(&self.pool)
        .await?;
        Ok(Page {
            items: rows
                .into_iter()
                .map(SubmissionView::try_from)
                .collect::<Result<_>>()?,
            total: total.min(crate::sql::COUNT_CAP),
            total_capped: total > crate::sql::COUNT_CAP,
            limit,
            offset,
            after: None,
            before: None,
        })
    }

    /// Decides a pending submission (read at `version`) in one transaction: the petition
    /// recorded or raised again, the submission's state, what makes the petition public
    /// (`refresh_counts`), the audit events and, when the resident left an address, the mail
    /// that tells them.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn decide_submission(
        &self,
        who: Who,
        id: Id,
        version: i64,
        decision: Decision<'_>,
    ) -> Result<SubmissionView> {
        let mut tx = self.begin().await?;
        let before = get_in(&mut tx, id).await?;
        if before.version != version {
            return Err(StoreError::Conflict);
        }
        if before.status != SubmissionStatus::Pending {
            return Err(StoreError::Invalid(Invalid::one(
                "submission",
                FieldCode::Unchanged,
            )));
        }
        let (status, petition, reason) = match decision {
            Decision::Petition(new) => {
                let pid = insert_petition(&mut tx, who, new).await?;
                let raising = NewRaising {
                    session_id: None,
                    date: new.raised_on,
                    raised_by: new.raised_by.clone(),
                };
                insert_raising(&mut tx, pid, &raising).await?;
                let p = crate::petitions::get_in(&mut tx, pid).await?;
                audit::change(&mut tx, who, "create", None, &p.petition).await?;
                (SubmissionStatus::Accepted, Some(pid), None)
            }
            Decision::Raise(raising) => {
                let pid = before
                    .joins_petition_id
                    .ok_or_else(|| StoreError::unknown("joins_petition_id"))?;
                raise_in(&mut tx, who, pid, raising).await?;
                (SubmissionStatus::Accepted, Some(pid), None)
            }
            Decision::Reject(reason) => (SubmissionStatus::Rejected, None, Some(reason)),
        };
        let at = now_ms();
        let n = sqlx::query(
            "update submissions set status = $1, petition_id = $2, reason = $3, decided_at = $4, decided_by = $5,
               version = version + 1 where id = $6 and version = $7",
        )
        .bind(status.as_str())
        .bind(petition)
        .bind(reason)
        .bind(at)
        .bind(who.user_id)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        crate::sql::updated(&mut tx, n, "submissions", id).await?;
        if let Some(pid) = petition {
            refresh_counts(&mut tx, &format!("id = {pid}")).await?;
        }
        let after = get_in(&mut tx, id).await?;
        audit::record(
            &mut tx,
            who,
            "submission",
            id,
            status.as_str(),
            Some(&before),
            Some(&after),
        )
        .await?;
        tell_resident(&mut tx, id, status.as_str()).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Makes an Open311 client whose key has this digest.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn create_api_client(
        &self,
        who: Who,
        name: &str,
        key_hash: &str,
    ) -> Result<ApiClient> {
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "insert into open311_clients (name, key_hash, created_by, created_at) values ($1, $2, $3, $4) returning id",
        )
        .bind(name)
        .bind(key_hash)
        .bind(who.user_id)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?;
        let c = client_in(&mut tx, id).await?;
        audit::record(&mut tx, who, "open311_client", id, "create", None, Some(&c)).await?;
        tx.commit().await?;
        Ok(c)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn api_clients(&self) -> Result<Vec<ApiClient>> {
        let rows: Vec<(i64, String, i64, Option<i64>)> = sqlx::query_as(
            "select id, name, created_at, revoked_at from open311_clients order by id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(client_of).collect())
    }

    /// Revokes a client's key: it sends nothing more.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn revoke_api_client(&self, who: Who, id: Id) -> Result<ApiClient> {
        let mut tx = self.begin().await?;
        let before = client_in(&mut tx, id).await?;
        sqlx::query(
            "update open311_clients set revoked_at = $1 where id = $2 and revoked_at is null",
        )
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let after = client_in(&mut tx, id).await?;
        audit::record(
            &mut tx,
            who,
            "open311_client",
            id,
            "revoke",
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The client whose key has this digest, if it is not revoked.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn api_client_by_key(&self, key_hash: &str) -> Result<Option<ApiClient>> {
        let r: Option<(i64, String, i64, Option<i64>)> = sqlx::query_as(
            "select id, name, created_at, revoked_at from open311_clients where key_hash = $1 and revoked_at is null",
        )
        .bind(key_hash)
        .fetch_optional(&self.pool)
        .await?;
        Ok(r.map(client_of))
    }
}

fn client_of((id, name, created_at, revoked_at): (i64, String, i64, Option<i64>)) -> ApiClient {
    ApiClient {
        id,
        name,
        created_at: ts(created_at),
        revoked_at: revoked_at.map(ts),
    }
}

async fn client_in(tx: &mut crate::sql::Tx<'_>, id: Id) -> Result<ApiClient> {
    let r: Option<(i64, String, i64, Option<i64>)> = sqlx::query_as(
        "select id, name, created_at, revoked_at from open311_clients where id = $1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    r.map(client_of).ok_or(StoreError::NotFound)
}

async fn get_in(tx: &mut crate::sql::Tx<'_>, id: Id) -> Result<SubmissionView> {
    let r: Option<Row> = sqlx::query_as(&format!("{SELECT} where sb.id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    r.ok_or(StoreError::NotFound)?.try_into()
}

/// A mail to the resident of submission `id`, if they left an address, about `event_key`
/// (once per key), in the caller's transaction.
pub(crate) async fn tell_resident(
    tx: &mut crate::sql::Tx<'_>,
    id: Id,
    event_key: &str,
) -> Result<()> {
    sqlx::query(
        "insert into submission_mail (submission_id, event_key, email, state, created_at, attempts)
         select id, $1, email, 'pending', $2, 0 from submissions where id = $3 and email is not null
         on conflict (submission_id, event_key) do nothing",
    )
    .bind(event_key)
    .bind(now_ms())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A mail to every resident who asked for news of a submission that became or joined
/// petition `petition_id`, about `event_key` (once per key), in the caller's transaction.
pub(crate) async fn tell_residents_of(
    tx: &mut crate::sql::Tx<'_>,
    petition_id: Id,
    event_key: &str,
) -> Result<()> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "select id from submissions where petition_id = $1 and email is not null and status = 'accepted'",
    )
    .bind(petition_id)
    .fetch_all(&mut **tx)
    .await?;
    for id in ids {
        tell_resident(tx, id, event_key).await?;
    }
    Ok(())
}

impl Store {
    /// Residents' mail waiting whose lease (if any) has ended, oldest first.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn resident_mail_to_send(
        &self,
        now: Timestamp,
        limit: i64,
    ) -> Result<Vec<ResidentMail>> {
        let rows: Vec<(i64, i64, String, String, i64)> = sqlx::query_as(
            "select id, submission_id, email, event_key, attempts from submission_mail
             where state = 'pending' and (claimed_until is null or claimed_until < $1)
             order by id limit $2",
        )
        .bind(now.as_millisecond())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for (id, submission, email, event_key, attempts) in rows {
            out.push(ResidentMail {
                id,
                email,
                event_key,
                attempts,
                submission: self.submission(submission).await?,
            });
        }
        Ok(out)
    }

    /// Claims a resident's mail until `until`: true for the one node that may send it now.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn claim_resident_mail(
        &self,
        id: Id,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<bool> {
        let n = sqlx::query(
            "update submission_mail set claimed_until = $1, attempts = attempts + 1
             where id = $2 and state = 'pending' and (claimed_until is null or claimed_until < $3)",
        )
        .bind(until.as_millisecond())
        .bind(id)
        .bind(now.as_millisecond())
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// Ends a resident's mail: `sent`, or `failed` (given up).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn resident_mail_done(
        &self,
        id: Id,
        state: &str,
        error: Option<&str>,
        at: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "update submission_mail set state = $1, error = $2, sent_at = $3, claimed_until = null where id = $4",
        )
        .bind(state)
        .bind(error)
        .bind((state == "sent").then_some(at.as_millisecond()))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A resident's mail that failed, tried again after `retry_at`.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn resident_mail_retry(
        &self,
        id: Id,
        error: &str,
        retry_at: Timestamp,
    ) -> Result<()> {
        sqlx::query("update submission_mail set error = $1, claimed_until = $2 where id = $3")
            .bind(error)
            .bind(retry_at.as_millisecond())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
