//! Users, API tokens, web sessions and login throttling. Sessions and failure counters live in
//! the database so that every app node on one PostgreSQL sees the same ones.

use dondoc_domain::{ApiToken, Id, Role, User};
use sha2::{Digest, Sha256};

use crate::sql::{flag, id_list, now_ms, on_constraint, ts, updated, Tx};
use crate::{audit, Result, Store, StoreError, Who};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    login: String,
    display_name: String,
    role: String,
    unit_id: Option<i64>,
    email: Option<String>,
    active: i64,
    version: i64,
    password_hash: String,
}

const COLS: &str = "id, login, display_name, role, unit_id, email, active, version, password_hash";

/// A user with the stored password hash, for the login check only.
#[derive(Debug, Clone)]
pub struct UserWithHash {
    pub user: User,
    pub password_hash: String,
}

impl TryFrom<Row> for UserWithHash {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        Ok(UserWithHash {
            user: User {
                id: r.id,
                login: r.login,
                display_name: r.display_name,
                role: Role::parse(&r.role).ok_or_else(|| StoreError::Corrupt(r.role.clone()))?,
                unit_id: r.unit_id,
                email: r.email,
                active: r.active != 0,
                version: r.version,
            },
            password_hash: r.password_hash,
        })
    }
}

/// A web session as tower-sessions stores it: an opaque record and its expiry.
/// The other sign-in attempts under one throttle key within the window, as seen just after
/// recording a new one.
#[derive(Debug, Clone, Copy)]
pub struct EarlierAttempts {
    pub count: i64,
    /// When the latest of them was made (milliseconds since the epoch).
    pub latest_ms: Option<i64>,
    /// When the new attempt was recorded.
    pub now_ms: i64,
}

#[derive(Debug, Clone)]
pub struct StoredHttpSession {
    pub id: String,
    pub data: String,
    pub expiry_ms: i64,
}

async fn user_in(tx: &mut Tx<'_>, id: Id) -> Result<User> {
    let r: Option<Row> = sqlx::query_as(&format!("select {COLS} from users where id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(UserWithHash::try_from(r.ok_or(StoreError::NotFound)?)?.user)
}

/// Sets a user's password: every API token made with the old one ends, and so does every
/// reset link still open (their web sessions end by the password's digest, see the web layer).
async fn new_password_in(tx: &mut Tx<'_>, id: Id, password_hash: &str) -> Result<()> {
    sqlx::query("update users set password_hash = $1, version = version + 1 where id = $2")
        .bind(password_hash)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    for table in ["api_tokens", "password_resets"] {
        sqlx::query(&format!("delete from {table} where user_id = $1"))
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// API tokens are stored as their SHA-256: a leaked database does not leak usable tokens.
pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl Store {
    #[tracing::instrument(level = "debug", skip_all)]
    #[allow(clippy::too_many_arguments)]
    pub async fn create_user(
        &self,
        who: Who,
        login: &str,
        display_name: &str,
        password_hash: &str,
        role: Role,
        unit_id: Option<Id>,
        email: Option<&str>,
    ) -> Result<User> {
        let mut tx = self.begin().await?;
        crate::sql::ensure_exists(&mut tx, "units", unit_id, "unit_id").await?;
        let id: i64 = sqlx::query_scalar(
            "insert into users (login, display_name, password_hash, role, unit_id, email, active, version, created_at)
             values ($1, $2, $3, $4, $5, $6, 1, 1, $7) returning id",
        )
        .bind(login)
        .bind(display_name)
        .bind(password_hash)
        .bind(role.as_str())
        .bind(unit_id)
        .bind(email)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await
        .map_err(on_constraint)?;
        let user = user_in(&mut tx, id).await?;
        audit::change(&mut tx, who, "create", None, &user).await?;
        tx.commit().await?;
        Ok(user)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn user(&self, id: Id) -> Result<User> {
        let mut tx = self.read().await?;
        let u = user_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(u)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn user_by_login(&self, login: &str) -> Result<Option<UserWithHash>> {
        let r: Option<Row> = sqlx::query_as(&format!("select {COLS} from users where login = $1"))
            .bind(login.trim().to_lowercase())
            .fetch_optional(&self.pool)
            .await?;
        r.map(UserWithHash::try_from).transpose()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn users(&self) -> Result<Vec<User>> {
        let rows: Vec<Row> = sqlx::query_as(&format!("select {COLS} from users order by login"))
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|r| UserWithHash::try_from(r).map(|u| u.user))
            .collect()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn set_password(&self, who: Who, id: Id, password_hash: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        let before = user_in(&mut tx, id).await?;
        new_password_in(&mut tx, id, password_hash).await?;
        audit::record(&mut tx, who, "user", id, "password", Some(&before), None).await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn set_user_active(
        &self,
        who: Who,
        id: Id,
        version: i64,
        active: bool,
    ) -> Result<User> {
        let mut tx = self.begin().await?;
        let before = user_in(&mut tx, id).await?;
        let n = sqlx::query(
            "update users set active = $1, version = version + 1 where id = $2 and version = $3",
        )
        .bind(flag(active))
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        updated(&mut tx, n, "users", id).await?;
        let after = user_in(&mut tx, id).await?;
        audit::record(
            &mut tx,
            who,
            "user",
            id,
            if active { "activate" } else { "deactivate" },
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Changes a user's name, role, unit and mail address (their login and password stay).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn update_user(
        &self,
        who: Who,
        id: Id,
        version: i64,
        change: &dondoc_domain::input::UserEdit,
    ) -> Result<User> {
        let mut tx = self.begin().await?;
        let before = user_in(&mut tx, id).await?;
        crate::sql::ensure_exists(&mut tx, "units", change.unit_id, "unit_id").await?;
        let n = sqlx::query(
            "update users set display_name = $1, role = $2, unit_id = $3, email = $4,
                    version = version + 1
             where id = $5 and version = $6",
        )
        .bind(&change.display_name)
        .bind(change.role.as_str())
        .bind(change.unit_id)
        .bind(&change.email)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        updated(&mut tx, n, "users", id).await?;
        let after = user_in(&mut tx, id).await?;
        audit::change(&mut tx, who, "update", Some(&before), &after).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Keeps the digest of a new password-reset secret for a user, valid until `expires_ms`.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn create_password_reset(
        &self,
        user_id: Id,
        token: &str,
        expires_ms: i64,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        user_in(&mut tx, user_id).await?;
        // Expired secrets go when a new one is made; at most a few per person remain.
        sqlx::query("delete from password_resets where expires_at <= $1")
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "insert into password_resets (token_hash, user_id, created_at, expires_at)
             values ($1, $2, $3, $4)",
        )
        .bind(token_digest(token))
        .bind(user_id)
        .bind(now_ms())
        .bind(expires_ms)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// When the latest reset secret of a user was made (milliseconds), if any is still valid.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn latest_password_reset(&self, user_id: Id) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "select max(created_at) from password_resets where user_id = $1 and expires_at > $2",
        )
        .bind(user_id)
        .bind(now_ms())
        .fetch_one(&self.pool)
        .await?)
    }

    /// The active user a reset secret is for, while it is valid.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn password_reset_user(&self, token: &str) -> Result<Option<User>> {
        let r: Option<Row> = sqlx::query_as(&format!(
            "select {} from users u join password_resets r on r.user_id = u.id
             where r.token_hash = $1 and r.expires_at > $2 and u.active = 1",
            COLS.split(", ")
                .map(|c| format!("u.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .bind(token_digest(token))
        .bind(now_ms())
        .fetch_optional(&self.pool)
        .await?;
        r.map(|r| UserWithHash::try_from(r).map(|u| u.user))
            .transpose()
    }

    /// Sets the password a valid reset secret allows, once: the secret and every other one of
    /// the user go, and so do their API tokens. `None` when the secret is unknown, used or
    /// expired, or the user is locked.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn reset_password(&self, token: &str, password_hash: &str) -> Result<Option<User>> {
        let mut tx = self.begin().await?;
        let user_id: Option<i64> = sqlx::query_scalar(
            "select r.user_id from password_resets r join users u on u.id = r.user_id
             where r.token_hash = $1 and r.expires_at > $2 and u.active = 1",
        )
        .bind(token_digest(token))
        .bind(now_ms())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = user_id else {
            return Ok(None);
        };
        let before = user_in(&mut tx, id).await?;
        new_password_in(&mut tx, id, password_hash).await?;
        let after = user_in(&mut tx, id).await?;
        audit::record(
            &mut tx,
            Who { user_id: Some(id) },
            "user",
            id,
            "reset_password",
            Some(&before),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(Some(after))
    }

    /// The active users whose login or mail address is `name` (case aside).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn users_named(&self, name: &str) -> Result<Vec<User>> {
        let name = name.trim().to_lowercase();
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "select {COLS} from users where active = 1 and (login = $1 or lower(email) = $1)
             order by id limit 5"
        ))
        .bind(&name)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| UserWithHash::try_from(r).map(|u| u.user))
            .collect()
    }

    /// Stores a new API token (its digest) for a user.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn create_token(&self, who: Who, user_id: Id, name: &str, token: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        user_in(&mut tx, user_id).await?;
        let id: i64 = sqlx::query_scalar(
            "insert into api_tokens (user_id, name, token_hash, created_at) values ($1, $2, $3, $4) returning id",
        )
        .bind(user_id)
        .bind(name)
        .bind(token_digest(token))
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?;
        let after = serde_json::json!({ "token_id": id, "name": name });
        audit::record(
            &mut tx,
            who,
            "user",
            user_id,
            "create_token",
            None,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The active user a bearer token belongs to, if the token was made after `made_after`
    /// (epoch milliseconds: older tokens have expired).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn user_by_token(&self, token: &str, made_after: i64) -> Result<Option<User>> {
        let id: Option<i64> = sqlx::query_scalar(
            "select u.id from api_tokens t join users u on u.id = t.user_id
             where t.token_hash = $1 and u.active = 1 and t.created_at > $2",
        )
        .bind(token_digest(token))
        .bind(made_after)
        .fetch_optional(&self.pool)
        .await?;
        match id {
            Some(id) => Ok(Some(self.user(id).await?)),
            None => Ok(None),
        }
    }

    /// A user's API tokens, newest first; `lifetime_ms` says when each expires.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn tokens_of(&self, user_id: Id, lifetime_ms: i64) -> Result<Vec<ApiToken>> {
        let rows: Vec<(i64, i64, String, i64)> = sqlx::query_as(
            "select id, user_id, name, created_at from api_tokens where user_id = $1 order by created_at desc, id desc",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, user_id, name, created)| ApiToken {
                id,
                user_id,
                name,
                created_at: ts(created),
                expires_at: ts(created.saturating_add(lifetime_ms)),
            })
            .collect())
    }

    /// Whose token this is.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn token_owner(&self, id: Id) -> Result<Id> {
        sqlx::query_scalar("select user_id from api_tokens where id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Revokes a token: it authenticates nothing from now on.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn revoke_token(&self, who: Who, id: Id) -> Result<()> {
        let mut tx = self.begin().await?;
        let owner: Option<i64> =
            sqlx::query_scalar("delete from api_tokens where id = $1 returning user_id")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let owner = owner.ok_or(StoreError::NotFound)?;
        let before = serde_json::json!({ "token_id": id });
        audit::record(
            &mut tx,
            who,
            "user",
            owner,
            "revoke_token",
            Some(&before),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    // Web sessions.

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn http_session_load(&self, id: &str) -> Result<Option<StoredHttpSession>> {
        let r: Option<(String, String, i64)> = sqlx::query_as(
            "select id, data, expiry_ms from http_sessions where id = $1 and expiry_ms > $2",
        )
        .bind(id)
        .bind(now_ms())
        .fetch_optional(&self.pool)
        .await?;
        Ok(r.map(|(id, data, expiry_ms)| StoredHttpSession {
            id,
            data,
            expiry_ms,
        }))
    }

    /// Inserts a session; false when the id is taken (the caller draws another).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn http_session_create(&self, s: &StoredHttpSession) -> Result<bool> {
        let mut tx = self.begin().await?;
        let n: i64 = sqlx::query_scalar("select count(*) from http_sessions where id = $1")
            .bind(&s.id)
            .fetch_one(&mut *tx)
            .await?;
        if n > 0 {
            return Ok(false);
        }
        sqlx::query("insert into http_sessions (id, data, expiry_ms) values ($1, $2, $3)")
            .bind(&s.id)
            .bind(&s.data)
            .bind(s.expiry_ms)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn http_session_save(&self, s: &StoredHttpSession) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = sqlx::query("update http_sessions set data = $1, expiry_ms = $2 where id = $3")
            .bind(&s.data)
            .bind(s.expiry_ms)
            .bind(&s.id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            sqlx::query("insert into http_sessions (id, data, expiry_ms) values ($1, $2, $3)")
                .bind(&s.id)
                .bind(&s.data)
                .bind(s.expiry_ms)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn http_session_delete(&self, id: &str) -> Result<()> {
        sqlx::query("delete from http_sessions where id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// How many web sessions are stored (expired ones included until purged).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn http_session_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("select count(*) from http_sessions")
            .fetch_one(&self.pool)
            .await?)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn http_sessions_purge(&self) -> Result<u64> {
        Ok(
            sqlx::query("delete from http_sessions where expiry_ms <= $1")
                .bind(now_ms())
                .execute(&self.pool)
                .await?
                .rows_affected(),
        )
    }

    // Login throttling: failed attempts per key ("pair:<name>|<ip>", "addr:<ip>") within a window.
    // Keys are stored bounded (`stored_key`), whatever was typed into them.

    /// Records a sign-in attempt under each key and returns its row ids and, per key, the
    /// other attempts of the window: how many, and when the latest was made. Counting after
    /// writing is what makes the throttle hold under concurrency: of N simultaneous attempts,
    /// the k-th to be written sees at least k - 1 others, so no check can pass on a count read
    /// before the others were written.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn login_attempt(
        &self,
        keys: &[&str],
        since_ms: i64,
    ) -> Result<(Vec<Id>, Vec<EarlierAttempts>)> {
        let at = now_ms();
        let mut ids = Vec::with_capacity(keys.len());
        for key in keys {
            let id: i64 = sqlx::query_scalar(
                "insert into login_failures (key, at) values ($1, $2) returning id",
            )
            .bind(stored_key(key))
            .bind(at)
            .fetch_one(&self.pool)
            .await?;
            ids.push(id);
        }
        let mut others = Vec::with_capacity(keys.len());
        for (key, id) in keys.iter().zip(&ids) {
            let (count, latest_ms): (i64, Option<i64>) = sqlx::query_as(
                "select count(*), max(at) from login_failures \
                 where key = $1 and at > $2 and id <> $3",
            )
            .bind(stored_key(key))
            .bind(since_ms)
            .bind(id)
            .fetch_one(&self.pool)
            .await?;
            others.push(EarlierAttempts {
                count,
                latest_ms,
                now_ms: at,
            });
        }
        Ok((ids, others))
    }

    /// How many failures are kept under `key` since `since_ms` (another check's throttle:
    /// the residents' form counts its failed human checks here).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn failures_under(&self, key: &str, since_ms: i64) -> Result<i64> {
        Ok(
            sqlx::query_scalar("select count(*) from login_failures where key = $1 and at > $2")
                .bind(stored_key(key))
                .bind(since_ms)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Keeps a failure under `key` made at `at_ms` (counted by [`Store::failures_under`], and
    /// purged with the sign-in attempts).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn note_failure(&self, key: &str, at_ms: i64) -> Result<()> {
        sqlx::query("insert into login_failures (key, at) values ($1, $2)")
            .bind(stored_key(key))
            .bind(at_ms)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Takes back attempts that turned out not to be failures.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn forget_login_attempts(&self, ids: &[Id]) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        self.execute_raw(&format!(
            "delete from login_failures where id in ({})",
            id_list(ids)
        ))
        .await
    }

    /// Deletes the sign-in attempts made before `before_ms`, which no longer count.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn login_attempts_purge(&self, before_ms: i64) -> Result<u64> {
        Ok(sqlx::query("delete from login_failures where at < $1")
            .bind(before_ms)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn clear_login_failures(&self, key: &str) -> Result<()> {
        sqlx::query("delete from login_failures where key = $1")
            .bind(stored_key(key))
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// A throttle key as stored: its first 400 characters, so that it fits an index entry
/// whatever was typed (a login of kilobytes once failed the insert on PostgreSQL). Longer
/// keys share the throttle of their first 400 characters, which costs a guesser nothing.
fn stored_key(key: &str) -> String {
    key.chars().take(400).collect()
}
