//! Following records up: the events a change leaves for the follow-up job (written in the
//! change's transaction), the notices each person is told once, the mail sent of them, the
//! people's choices, and the scheduler's job rows.
//!
//! Every claim here is one conditional `update` whose affected-row count says who won, so two
//! app nodes on one PostgreSQL agree without locks held across a job: a job row is claimed
//! for a lease, a notice's mail too; a notice itself is unique per person and key.

use dondoc_domain::follow::{Language, NoticeKind, Profile};
use dondoc_domain::{Id, Role, User};
use jiff::civil::Date;
use jiff::Timestamp;

use crate::sql::{d, flag, id_list, od, opd, pd, ts, Tx};
use crate::{Result, Store, StoreError};

/// Something a unit must hear of, left by the change that caused it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowEvent {
    pub id: Id,
    pub kind: String,
    pub entity: String,
    pub entity_id: Id,
    pub unit_id: Id,
    /// Who made the change (they are not told of their own doing).
    pub user_id: Option<Id>,
    pub detail: Option<String>,
}

/// Leaves an event for the follow-up job, in the transaction of the change.
pub(crate) async fn event(
    tx: &mut Tx<'_>,
    kind: &str,
    entity: &str,
    entity_id: Id,
    unit_id: Id,
    user_id: Option<Id>,
    detail: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "insert into follow_events (kind, entity, entity_id, unit_id, user_id, detail, at) values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(kind)
    .bind(entity)
    .bind(entity_id)
    .bind(unit_id)
    .bind(user_id)
    .bind(detail)
    .bind(crate::sql::now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The events of units newly given work: those in `after` and not in `before`.
pub(crate) async fn assigned(
    tx: &mut Tx<'_>,
    kind: &str,
    entity: &str,
    entity_id: Id,
    before: &[Id],
    after: &[Id],
    user_id: Option<Id>,
) -> Result<()> {
    for unit in after.iter().filter(|u| !before.contains(u)) {
        event(tx, kind, entity, entity_id, *unit, user_id, None).await?;
    }
    Ok(())
}

/// A person who may be told something: their role, unit and choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub user_id: Id,
    pub display_name: String,
    pub role: Role,
    pub unit_id: Id,
    pub profile: Profile,
}

/// A notice to write: told once per person and key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotice {
    pub user_id: Id,
    pub key: String,
    pub kind: NoticeKind,
    pub entity: &'static str,
    pub entity_id: Id,
    pub title: String,
    pub due_on: Option<Date>,
    pub detail: Option<String>,
    /// Whether it goes by mail too.
    pub mail: bool,
}

/// A notice as its person sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notice {
    pub id: Id,
    pub kind: NoticeKind,
    /// `directive`, `petition` or `unit` (a digest).
    pub entity: String,
    pub entity_id: Id,
    /// The record's text when told.
    pub title: String,
    pub due_on: Option<Date>,
    /// For a digest, one line per overdue record: "id\tdeadline\ttext".
    pub detail: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub read_at: Option<Timestamp>,
    /// `none`, `pending`, `sent` or `failed`.
    pub mail: String,
}

/// A notice whose mail is to be sent, with where to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailOut {
    pub notice: Notice,
    pub key: String,
    pub email: String,
    pub display_name: String,
    pub language: Language,
    pub attempts: i64,
}

/// An open directive with a deadline, for reminders and digests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub directive_id: Id,
    pub text: String,
    pub deadline: Date,
    pub lead_unit_id: Id,
}

/// Where a job of the scheduler stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobState {
    pub name: String,
    pub due_at: Timestamp,
    pub lease_owner: Option<String>,
    pub lease_until: Option<Timestamp>,
    pub last_finished_at: Option<Timestamp>,
    pub last_error: Option<String>,
    pub runs: i64,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    kind: String,
    entity: String,
    entity_id: i64,
    unit_id: i64,
    user_id: Option<i64>,
    detail: Option<String>,
}

#[derive(sqlx::FromRow)]
struct RecipientRow {
    id: i64,
    display_name: String,
    role: String,
    unit_id: i64,
    email: Option<String>,
    language: String,
    notify_mail: i64,
    remind_days: i64,
    weekly_digest: i64,
}

impl RecipientRow {
    fn into_recipient(self) -> Result<Recipient> {
        Ok(Recipient {
            user_id: self.id,
            display_name: self.display_name,
            role: Role::parse(&self.role)
                .ok_or_else(|| StoreError::Corrupt(format!("role {:?}", self.role)))?,
            unit_id: self.unit_id,
            profile: Profile {
                email: self.email,
                language: Language::parse(&self.language).unwrap_or(Language::Vi),
                notify_mail: self.notify_mail != 0,
                remind_days: self.remind_days,
                weekly_digest: self.weekly_digest != 0,
            },
        })
    }
}

#[derive(sqlx::FromRow)]
struct NoticeRow {
    id: i64,
    kind: String,
    entity: String,
    entity_id: i64,
    title: String,
    due_on: Option<String>,
    detail: Option<String>,
    at: i64,
    read_at: Option<i64>,
    mail: String,
}

impl NoticeRow {
    fn into_notice(self) -> Result<Notice> {
        Ok(Notice {
            id: self.id,
            kind: NoticeKind::parse(&self.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("notice kind {:?}", self.kind)))?,
            entity: self.entity,
            entity_id: self.entity_id,
            title: self.title,
            due_on: opd(self.due_on)?,
            detail: self.detail,
            at: ts(self.at),
            read_at: self.read_at.map(ts),
            mail: self.mail,
        })
    }
}

/// A person as a recipient (`RecipientRow`); no unit reads as 0.
const RECIPIENT_COLUMNS: &str = "id, display_name, role, coalesce(unit_id, 0) as unit_id, email, language, notify_mail, remind_days, weekly_digest";

const NOTICE_COLUMNS: &str =
    "n.id, n.kind, n.entity, n.entity_id, n.title, n.due_on, n.detail, n.at, n.read_at, n.mail";

#[derive(sqlx::FromRow)]
struct DueRow {
    id: i64,
    text: String,
    deadline: String,
    lead_unit_id: i64,
}

#[derive(sqlx::FromRow)]
struct JobRow {
    name: String,
    due_at: i64,
    lease_owner: Option<String>,
    lease_until: Option<i64>,
    last_finished_at: Option<i64>,
    last_error: Option<String>,
    runs: i64,
}

impl Store {
    /// Events not yet handled, oldest first.
    pub async fn pending_follow_events(&self, limit: i64) -> Result<Vec<FollowEvent>> {
        let rows: Vec<EventRow> = sqlx::query_as(
            "select id, kind, entity, entity_id, unit_id, user_id, detail from follow_events
             where handled_at is null order by id limit $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| FollowEvent {
                id: r.id,
                kind: r.kind,
                entity: r.entity,
                entity_id: r.entity_id,
                unit_id: r.unit_id,
                user_id: r.user_id,
                detail: r.detail,
            })
            .collect())
    }

    /// Writes the notices an event gives and marks it handled, in one transaction: a node
    /// that stops between the two leaves both undone.
    pub async fn handle_follow_event(
        &self,
        event_id: Id,
        notices: &[NewNotice],
        at: Timestamp,
    ) -> Result<u64> {
        let mut tx = self.begin().await?;
        let n = insert_notices(&mut tx, notices, at).await?;
        sqlx::query(
            "update follow_events set handled_at = $1 where id = $2 and handled_at is null",
        )
        .bind(at.as_millisecond())
        .bind(event_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Writes notices that were not written before (by person and key); how many were new.
    pub async fn add_notices(&self, notices: &[NewNotice], at: Timestamp) -> Result<u64> {
        let mut tx = self.begin().await?;
        let n = insert_notices(&mut tx, notices, at).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// The active people of these units, with their choices.
    pub async fn recipients(&self, units: &[Id]) -> Result<Vec<Recipient>> {
        if units.is_empty() {
            return Ok(vec![]);
        }
        self.active_recipients(&format!("unit_id in ({})", id_list(units)))
            .await
    }

    /// The keys of the notices already written about these records, per person.
    pub async fn notice_keys(&self, entity: &str, ids: &[Id]) -> Result<Vec<(Id, String)>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        Ok(sqlx::query_as(&format!(
            "select user_id, key from notices where entity = $1 and entity_id in ({})",
            id_list(ids)
        ))
        .bind(entity)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Who recorded a record (the user of its first audit event), if a user did.
    pub async fn recorded_by(&self, entity: &str, id: Id) -> Result<Option<Id>> {
        let user: Option<Option<i64>> = sqlx::query_scalar(
            "select user_id from audit_events where entity = $1 and entity_id = $2 order by id limit 1",
        )
        .bind(entity)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(user.flatten())
    }

    /// Active people by id, with their choices.
    pub async fn recipients_by_id(&self, ids: &[Id]) -> Result<Vec<Recipient>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        self.active_recipients(&format!("id in ({})", id_list(ids)))
            .await
    }

    /// Active people meeting `cond` (ids inlined by `id_list`), with their choices.
    async fn active_recipients(&self, cond: &str) -> Result<Vec<Recipient>> {
        let rows: Vec<RecipientRow> = sqlx::query_as(&format!(
            "select {RECIPIENT_COLUMNS} from users where active = 1 and {cond} order by id"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(RecipientRow::into_recipient).collect()
    }

    /// The units that someone would hear a digest for: those with an active person who wants
    /// one.
    pub async fn units_with_digest_readers(&self) -> Result<Vec<Id>> {
        Ok(sqlx::query_scalar(
            "select distinct unit_id from users where active = 1 and weekly_digest = 1 and unit_id is not null order by unit_id",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// A person's choices.
    pub async fn profile(&self, user_id: Id) -> Result<Profile> {
        let row: Option<RecipientRow> = sqlx::query_as(&format!(
            "select {RECIPIENT_COLUMNS} from users where id = $1"
        ))
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.ok_or(StoreError::NotFound)?.into_recipient()?.profile)
    }

    pub async fn set_profile(&self, user_id: Id, p: &Profile) -> Result<()> {
        let n = sqlx::query(
            "update users set email = $1, language = $2, notify_mail = $3, remind_days = $4, weekly_digest = $5 where id = $6",
        )
        .bind(&p.email)
        .bind(p.language.as_str())
        .bind(flag(p.notify_mail))
        .bind(p.remind_days)
        .bind(flag(p.weekly_digest))
        .bind(user_id)
        .execute(&self.pool)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// A person's notices, newest first, and how many they have not read.
    pub async fn notices(
        &self,
        user_id: Id,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<Notice>, i64)> {
        let rows: Vec<NoticeRow> = sqlx::query_as(&format!(
            "select {NOTICE_COLUMNS} from notices n where n.user_id = $1 order by n.id desc limit $2 offset $3"
        ))
        .bind(user_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        let unread = self.unread_notices(user_id).await?;
        Ok((
            rows.into_iter()
                .map(NoticeRow::into_notice)
                .collect::<Result<_>>()?,
            unread,
        ))
    }

    /// How many notices a person has not read (at most 100 are counted).
    pub async fn unread_notices(&self, user_id: Id) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "select count(*) from (select 1 from notices where user_id = $1 and read_at is null limit 100) t",
        )
        .bind(user_id)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Marks a person's notices read: those named, or all.
    pub async fn read_notices(&self, user_id: Id, ids: Option<&[Id]>, at: Timestamp) -> Result<()> {
        let cond = match ids {
            Some([]) => return Ok(()),
            Some(ids) => format!(" and id in ({})", id_list(ids)),
            None => String::new(),
        };
        sqlx::query(&format!(
            "update notices set read_at = $1 where user_id = $2 and read_at is null{cond}"
        ))
        .bind(at.as_millisecond())
        .bind(user_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Mail waiting to be sent whose lease (if any) has ended, oldest first.
    pub async fn mail_to_send(&self, now: Timestamp, limit: i64) -> Result<Vec<MailOut>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            n: NoticeRow,
            key: String,
            email: Option<String>,
            display_name: String,
            language: String,
            mail_attempts: i64,
        }
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "select {NOTICE_COLUMNS}, n.key, u.email, u.display_name, u.language, n.mail_attempts
             from notices n join users u on u.id = n.user_id
             where n.mail = 'pending' and (n.mail_lease_until is null or n.mail_lease_until < $1)
             order by n.id limit $2"
        ))
        .bind(now.as_millisecond())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let Some(email) = r.email else {
                // The address was removed since: nothing to send.
                self.mail_done(r.n.id, "none", None, now).await?;
                continue;
            };
            out.push(MailOut {
                notice: r.n.into_notice()?,
                key: r.key,
                email,
                display_name: r.display_name,
                language: Language::parse(&r.language).unwrap_or(Language::Vi),
                attempts: r.mail_attempts,
            });
        }
        Ok(out)
    }

    /// Claims a notice's mail until `until`: true for the one node that may send it now.
    pub async fn claim_mail(&self, id: Id, now: Timestamp, until: Timestamp) -> Result<bool> {
        let n = sqlx::query(
            "update notices set mail_lease_until = $1, mail_attempts = mail_attempts + 1
             where id = $2 and mail = 'pending' and (mail_lease_until is null or mail_lease_until < $3)",
        )
        .bind(until.as_millisecond())
        .bind(id)
        .bind(now.as_millisecond())
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// Ends a notice's mail: `sent`, `failed` (given up) or `none`.
    pub async fn mail_done(
        &self,
        id: Id,
        state: &str,
        error: Option<&str>,
        at: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "update notices set mail = $1, mail_error = $2, mail_sent_at = $3, mail_lease_until = null where id = $4",
        )
        .bind(state)
        .bind(error)
        .bind((state == "sent").then_some(at.as_millisecond()))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A mail that failed and will be tried again after `retry_at`.
    pub async fn mail_retry(&self, id: Id, error: &str, retry_at: Timestamp) -> Result<()> {
        sqlx::query("update notices set mail_error = $1, mail_lease_until = $2 where id = $3")
            .bind(error)
            .bind(retry_at.as_millisecond())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// How many mails wait (at most 10,000 are counted).
    pub async fn mail_waiting(&self) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "select count(*) from (select 1 from notices where mail = 'pending' limit 10000) t",
        )
        .fetch_one(&self.pool)
        .await?)
    }

    /// How many events wait for the follow-up job (at most 10,000 are counted).
    pub async fn follow_events_waiting(&self) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "select count(*) from (select 1 from follow_events where handled_at is null limit 10000) t",
        )
        .fetch_one(&self.pool)
        .await?)
    }

    /// Open directives led by a unit whose deadline falls in `[from, to]`.
    pub async fn directives_due(&self, from: Date, to: Date, limit: i64) -> Result<Vec<Due>> {
        self.due_where(
            "deadline >= $1 and deadline <= $2",
            &[d(from), d(to)],
            None,
            limit,
        )
        .await
    }

    /// Open directives led by these units whose deadline passed before `today`, oldest
    /// deadline first.
    pub async fn directives_overdue(
        &self,
        today: Date,
        units: &[Id],
        limit: i64,
    ) -> Result<Vec<Due>> {
        if units.is_empty() {
            return Ok(vec![]);
        }
        self.due_where("deadline < $1", &[d(today)], Some(units), limit)
            .await
    }

    async fn due_where(
        &self,
        cond: &str,
        binds: &[String],
        units: Option<&[Id]>,
        limit: i64,
    ) -> Result<Vec<Due>> {
        let units = units
            .map(|u| format!(" and lead_unit_id in ({})", id_list(u)))
            .unwrap_or_default();
        let sql = format!(
            "select id, text, deadline, lead_unit_id from directives
             where status in ('assigned', 'in_progress') and lead_unit_id is not null and {cond}{units}
             order by deadline, id limit {limit}"
        );
        let mut q = sqlx::query_as::<_, DueRow>(&sql);
        for b in binds {
            q = q.bind(b);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.into_iter()
            .map(|r| {
                Ok(Due {
                    directive_id: r.id,
                    text: r.text,
                    deadline: pd(&r.deadline)?,
                    lead_unit_id: r.lead_unit_id,
                })
            })
            .collect()
    }

    /// Claims a job that is due for `owner` until `until`; a job never run is written first,
    /// due at `first_due`. True for the one node that may run it now.
    pub async fn claim_job(
        &self,
        name: &str,
        owner: &str,
        now: Timestamp,
        until: Timestamp,
        first_due: Timestamp,
    ) -> Result<bool> {
        sqlx::query(
            "insert into jobs (name, due_at, runs) values ($1, $2, 0) on conflict (name) do nothing",
        )
        .bind(name)
        .bind(first_due.as_millisecond())
        .execute(&self.pool)
        .await?;
        let n = sqlx::query(
            "update jobs set lease_owner = $1, lease_until = $2, last_started_at = $3
             where name = $4 and due_at <= $3 and (lease_until is null or lease_until < $3)",
        )
        .bind(owner)
        .bind(until.as_millisecond())
        .bind(now.as_millisecond())
        .bind(name)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// Ends a job's run by its owner: when it is next due, and what went wrong if anything
    /// did.
    pub async fn finish_job(
        &self,
        name: &str,
        owner: &str,
        now: Timestamp,
        next_due: Timestamp,
        error: Option<&str>,
    ) -> Result<()> {
        sqlx::query(
            "update jobs set due_at = $1, lease_owner = null, lease_until = null, last_finished_at = $2,
             last_error = $3, runs = runs + 1 where name = $4 and lease_owner = $5",
        )
        .bind(next_due.as_millisecond())
        .bind(now.as_millisecond())
        .bind(error)
        .bind(name)
        .bind(owner)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Every job of the scheduler.
    pub async fn jobs(&self) -> Result<Vec<JobState>> {
        let rows: Vec<JobRow> = sqlx::query_as(
            "select name, due_at, lease_owner, lease_until, last_finished_at, last_error, runs from jobs order by name",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| JobState {
                name: r.name,
                due_at: ts(r.due_at),
                lease_owner: r.lease_owner,
                lease_until: r.lease_until.map(ts),
                last_finished_at: r.last_finished_at.map(ts),
                last_error: r.last_error,
                runs: r.runs,
            })
            .collect())
    }
}

async fn insert_notices(tx: &mut Tx<'_>, notices: &[NewNotice], at: Timestamp) -> Result<u64> {
    let mut n = 0;
    for x in notices {
        n += sqlx::query(
            "insert into notices (user_id, key, kind, entity, entity_id, title, due_on, detail, at, mail, mail_attempts)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0) on conflict (user_id, key) do nothing",
        )
        .bind(x.user_id)
        .bind(&x.key)
        .bind(x.kind.as_str())
        .bind(x.entity)
        .bind(x.entity_id)
        .bind(&x.title)
        .bind(od(x.due_on))
        .bind(&x.detail)
        .bind(at.as_millisecond())
        .bind(if x.mail { "pending" } else { "none" })
        .execute(&mut **tx)
        .await?
        .rows_affected();
    }
    Ok(n)
}

impl Store {
    /// Gives a person a new secret feed address (the old one stops working).
    pub async fn set_calendar_feed(&self, user_id: Id, token: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("delete from calendar_feeds where user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "insert into calendar_feeds (user_id, token_hash, created_at) values ($1, $2, $3)",
        )
        .bind(user_id)
        .bind(crate::auth::token_digest(token))
        .bind(crate::sql::now_ms())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Stops a person's feed.
    pub async fn drop_calendar_feed(&self, user_id: Id) -> Result<()> {
        sqlx::query("delete from calendar_feeds where user_id = $1")
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Whether a person has a feed.
    pub async fn has_calendar_feed(&self, user_id: Id) -> Result<bool> {
        let n: i64 = sqlx::query_scalar("select count(*) from calendar_feeds where user_id = $1")
            .bind(user_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }

    /// Gives a unit a new secret feed address, made by `user_id` (the old one stops working).
    pub async fn set_unit_calendar_feed(
        &self,
        unit_id: Id,
        user_id: Id,
        token: &str,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        crate::sql::ensure_exists(&mut tx, "units", Some(unit_id), "unit_id").await?;
        sqlx::query("delete from unit_calendar_feeds where unit_id = $1")
            .bind(unit_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "insert into unit_calendar_feeds (unit_id, token_hash, user_id, created_at)
             values ($1, $2, $3, $4)",
        )
        .bind(unit_id)
        .bind(crate::auth::token_digest(token))
        .bind(user_id)
        .bind(crate::sql::now_ms())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Stops a unit's feed.
    pub async fn drop_unit_calendar_feed(&self, unit_id: Id) -> Result<()> {
        sqlx::query("delete from unit_calendar_feeds where unit_id = $1")
            .bind(unit_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Whether a unit has a feed.
    pub async fn has_unit_calendar_feed(&self, unit_id: Id) -> Result<bool> {
        let n: i64 =
            sqlx::query_scalar("select count(*) from unit_calendar_feeds where unit_id = $1")
                .bind(unit_id)
                .fetch_one(&self.pool)
                .await?;
        Ok(n > 0)
    }

    /// The unit whose feed this secret opens, and the active person who made it.
    pub async fn unit_calendar_feed(&self, token: &str) -> Result<Option<(Id, User)>> {
        let row: Option<(i64, i64)> = sqlx::query_as(
            "select f.unit_id, f.user_id from unit_calendar_feeds f join users u on u.id = f.user_id
             where f.token_hash = $1 and u.active = 1",
        )
        .bind(crate::auth::token_digest(token))
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some((unit, user)) => Ok(Some((unit, self.user(user).await?))),
            None => Ok(None),
        }
    }

    /// The active person whose feed this secret opens.
    pub async fn calendar_feed_user(&self, token: &str) -> Result<Option<User>> {
        let id: Option<i64> = sqlx::query_scalar(
            "select f.user_id from calendar_feeds f join users u on u.id = f.user_id where f.token_hash = $1 and u.active = 1",
        )
        .bind(crate::auth::token_digest(token))
        .fetch_optional(&self.pool)
        .await?;
        match id {
            Some(id) => Ok(Some(self.user(id).await?)),
            None => Ok(None),
        }
    }
}
