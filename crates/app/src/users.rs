//! Users and signing in: accounts, passwords (argon2id), and the throttle on failed sign-ins,
//! kept in the database so that every app node counts the same failures.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use dondoc_domain::input::{UserEditInput, UserInput, MIN_PASSWORD};
use dondoc_domain::{Action, ApiToken, FieldCode, Id, Invalid, Role, User};
use dondoc_store::{EarlierAttempts, UserWithHash};

use crate::{App, Caller, Error, Result};

/// Failed sign-ins checked without delay within the window: per account and client address
/// together, and per address over all accounts. Beyond them, each further attempt waits
/// twice as long as the one before, up to [`MAX_DELAY_MS`].
pub const FREE_FAILURES_PER_PAIR: i64 = 5;
pub const FREE_FAILURES_PER_ADDR: i64 = 30;
pub const FIRST_DELAY_MS: i64 = 1000;
pub const MAX_DELAY_MS: i64 = 15 * 60 * 1000;
/// How long a failure counts.
pub const FAILURE_WINDOW_MS: i64 = 60 * 60 * 1000;

/// How long an API token authenticates unless configured otherwise (`--token-days`).
pub const TOKEN_DAYS: i64 = 90;

/// The roles a user may be given, in the order forms list them.
pub fn roles() -> [Role; 5] {
    Role::ALL
}

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing: {e}"))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Hashing is slow on purpose; it runs off the async threads.
async fn hash_blocking(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| Error::Internal(anyhow::anyhow!("{e}")))?
        .map_err(Error::Internal)
}

fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("not a real password").unwrap_or_default())
}

/// The active user with this login if the password is theirs. An unknown login is checked
/// against a fixed hash anyway, so that the answer takes as long.
pub async fn authenticate(app: &App, login: &str, password: &str) -> Result<Option<UserWithHash>> {
    let found = app.store.user_by_login(login).await?;
    let (hash, user) = match found {
        Some(u) if u.user.active => (u.password_hash.clone(), Some(u)),
        _ => (dummy_hash().to_string(), None),
    };
    let password = password.to_string();
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| Error::Internal(anyhow::anyhow!("{e}")))?;
    Ok(user.filter(|_| ok))
}

/// How long the next attempt must wait after the latest one, given `failures` failed or
/// refused ones (0 while they are within the `free` count): doubling from
/// [`FIRST_DELAY_MS`] up to `max` ([`MAX_DELAY_MS`] unless configured).
pub fn delay_ms(failures: i64, free: i64, max: i64) -> i64 {
    if failures < free {
        return 0;
    }
    let doublings = (failures - free).min(40) as u32;
    FIRST_DELAY_MS.saturating_mul(1_i64 << doublings).min(max)
}

/// Milliseconds the attempt just recorded must still wait, given the others under its key.
fn wait_ms(others: EarlierAttempts, free: i64, max: i64) -> i64 {
    let Some(latest) = others.latest_ms else {
        return 0;
    };
    let ready_at = latest.saturating_add(delay_ms(others.count, free, max));
    (ready_at - others.now_ms).max(0)
}

/// Signs in with the throttle. Failures slow down further attempts instead of locking the
/// account: per account and client address together (so that a guesser elsewhere cannot lock
/// the owner out), and per address over all accounts (so that one address cannot guess
/// across accounts). An attempt that comes too early is refused unchecked, with the time to
/// wait, and counts like a failure: guessing faster only makes the wait longer, up to the
/// maximum, and once the guesses stop, the owner signs in after that wait.
pub async fn check_credentials(
    app: &App,
    login: &str,
    password: &str,
    addr: &str,
) -> Result<UserWithHash> {
    let store = &app.store;
    let pair_key = format!("pair:{}|{addr}", login.trim().to_lowercase());
    let addr_key = format!("addr:{addr}");
    let since = jiff::Timestamp::now().as_millisecond() - FAILURE_WINDOW_MS;
    // The attempt is written first and counted with all others, then checked.
    let (ids, others) = store.login_attempt(&[&pair_key, &addr_key], since).await?;
    let max = app.max_sign_in_delay_ms;
    let wait = |extra: i64| {
        let [pair, addr] = [others[0], others[1]].map(|mut o| {
            if extra > 0 {
                o.count += extra;
                o.latest_ms = Some(o.now_ms);
            }
            o
        });
        wait_ms(pair, FREE_FAILURES_PER_PAIR, max).max(wait_ms(addr, FREE_FAILURES_PER_ADDR, max))
    };
    if wait(0) > 0 {
        // The refusal stays recorded: the next attempt waits for one more, from now.
        return Err(Error::TooMany {
            retry_after_secs: (wait(1) as u64).div_ceil(1000),
        });
    }
    match authenticate(app, login, password).await? {
        Some(user) => {
            store.clear_login_failures(&pair_key).await?;
            store.forget_login_attempts(&ids).await?;
            Ok(user)
        }
        // The attempt stays recorded as a failure under both keys.
        None => Err(Error::Unauthorized),
    }
}

/// The signed-in user with this id, if still active (with the hash that ties web sessions to
/// the password).
pub async fn active_user(app: &App, id: Id) -> Result<Option<UserWithHash>> {
    let user = match app.store.user(id).await {
        Ok(u) => u,
        Err(dondoc_store::StoreError::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    if !user.active {
        return Ok(None);
    }
    Ok(app.store.user_by_login(&user.login).await?)
}

fn token_lifetime_ms(app: &App) -> i64 {
    app.token_days.saturating_mul(24 * 3600 * 1000)
}

/// The user a bearer token belongs to, while the token has not expired.
pub async fn by_token(app: &App, token: &str) -> Result<Option<User>> {
    let made_after = jiff::Timestamp::now().as_millisecond() - token_lifetime_ms(app);
    Ok(app.store.user_by_token(token, made_after).await?)
}

/// The API tokens of a user: one's own, or anyone's for an administrator.
pub async fn tokens(app: &App, c: &Caller, user_id: Option<Id>) -> Result<Vec<ApiToken>> {
    c.login_required()?;
    let own = c.user_id();
    let user = user_id.or(own).ok_or(Error::Unauthorized)?;
    if Some(user) != own {
        c.require(Action::ManageUsers)?;
    }
    Ok(app.store.tokens_of(user, token_lifetime_ms(app)).await?)
}

/// Revokes a token: its owner or an administrator.
pub async fn revoke_token(app: &App, c: &Caller, id: Id) -> Result<()> {
    c.login_required()?;
    if Some(app.store.token_owner(id).await?) != c.user_id() {
        c.require(Action::ManageUsers)?;
    }
    Ok(app.store.revoke_token(c.who(), id).await?)
}

/// Issues an API token for a signed-in user; only its digest is stored.
pub async fn create_token(app: &App, user: &User, name: &str, token: &str) -> Result<()> {
    let who = dondoc_store::Who {
        user_id: Some(user.id),
    };
    Ok(app.store.create_token(who, user.id, name, token).await?)
}

pub async fn list(app: &App, c: &Caller) -> Result<Vec<User>> {
    c.require(Action::ManageUsers)?;
    Ok(app.store.users().await?)
}

pub async fn create(app: &App, c: &Caller, raw: &UserInput) -> Result<User> {
    c.login_required()?;
    c.require(Action::ManageUsers)?;
    let new = raw.parse()?;
    let hash = hash_blocking(new.password.clone()).await?;
    Ok(app
        .store
        .create_user(
            c.who(),
            &new.login,
            &new.display_name,
            &hash,
            new.role,
            new.unit_id,
            new.email.as_deref(),
        )
        .await?)
}

/// One account, for those who manage users.
pub async fn get(app: &App, c: &Caller, id: Id) -> Result<User> {
    c.require(Action::ManageUsers)?;
    Ok(app.store.user(id).await?)
}

/// Changes an account's name, role, unit and mail address. An administrator keeps their own
/// role: none of them can take away the last way back in.
pub async fn update(app: &App, c: &Caller, id: Id, raw: &UserEditInput) -> Result<User> {
    c.login_required()?;
    c.require(Action::ManageUsers)?;
    let change = raw.parse()?;
    let version = crate::version(raw.version)?;
    if Some(id) == c.user_id() && change.role != Role::Admin {
        return Err(Error::Invalid(Invalid::one("role", FieldCode::Forbidden)));
    }
    Ok(app.store.update_user(c.who(), id, version, &change).await?)
}

/// How long a reset link works: one an administrator sends (a new colleague may open it the
/// next days), and one a person asks for on the sign-in page.
pub const RESET_HOURS_SENT: i64 = 72;
pub const RESET_HOURS_ASKED: i64 = 1;
/// A person asking again this soon is not mailed again: asking cannot flood a mailbox.
pub const RESET_AGAIN_AFTER_MS: i64 = 10 * 60 * 1000;

/// The page a reset link opens.
pub fn reset_path(token: &str) -> String {
    format!("/password/reset/{token}")
}

/// How a reset link reached its person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResetSent {
    /// Mailed to this address.
    Mailed(String),
    /// Not mailed (no mail server is configured, or the account has no address, or the
    /// server refused it): the administrator hands this link (a path) over themselves.
    Handed { path: String, why: NotMailed },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotMailed {
    NoServer,
    NoAddress,
    Failed,
}

/// An administrator sends a person a link that sets a new password (`token`, random, made by
/// the caller's side); the password stays as it is until the link is used.
pub async fn send_reset(app: &App, c: &Caller, id: Id, token: &str) -> Result<ResetSent> {
    c.login_required()?;
    c.require(Action::ManageUsers)?;
    let user = app.store.user(id).await?;
    if !user.active {
        return Err(Error::Invalid(Invalid::one("active", FieldCode::Required)));
    }
    let expires = app.clock.now().as_millisecond() + RESET_HOURS_SENT * 3600 * 1000;
    app.store.create_password_reset(id, token, expires).await?;
    let path = reset_path(token);
    let (Some(mailer), Some(email)) = (&app.mailer, &user.email) else {
        let why = if app.mailer.is_none() {
            NotMailed::NoServer
        } else {
            NotMailed::NoAddress
        };
        return Ok(ResetSent::Handed { path, why });
    };
    let lang = app.store.profile(id).await?.language;
    match mailer
        .send_reset(email, &user.display_name, lang, &path, RESET_HOURS_SENT)
        .await
    {
        Ok(()) => Ok(ResetSent::Mailed(email.clone())),
        Err(e) => {
            tracing::warn!(error = %e, user = id, "mailing a reset link");
            Ok(ResetSent::Handed {
                path,
                why: NotMailed::Failed,
            })
        }
    }
}

/// Someone on the sign-in page asks for a reset link for `name` (a login or a mail address).
/// The answer is the same whether or not such an account exists; the mail, if any, goes out
/// in the background, so that the time taken says nothing either.
pub async fn ask_reset(app: &App, name: &str, token: &str) -> Result<()> {
    let name = name.trim();
    if name.is_empty() || name.len() > 254 {
        return Err(Error::Invalid(Invalid::one("name", FieldCode::Required)));
    }
    let Some(mailer) = app.mailer.clone() else {
        return Ok(());
    };
    let found = app.store.users_named(name).await?;
    let [user] = found.as_slice() else {
        return Ok(());
    };
    let Some(email) = user.email.clone() else {
        return Ok(());
    };
    let now = app.clock.now().as_millisecond();
    if let Some(latest) = app.store.latest_password_reset(user.id).await? {
        if now - latest < RESET_AGAIN_AFTER_MS {
            return Ok(());
        }
    }
    let expires = now + RESET_HOURS_ASKED * 3600 * 1000;
    app.store
        .create_password_reset(user.id, token, expires)
        .await?;
    let lang = app.store.profile(user.id).await?.language;
    let (path, name, id) = (reset_path(token), user.display_name.clone(), user.id);
    tokio::spawn(async move {
        if let Err(e) = mailer
            .send_reset(&email, &name, lang, &path, RESET_HOURS_ASKED)
            .await
        {
            tracing::warn!(error = %e, user = id, "mailing a reset link");
        }
    });
    Ok(())
}

/// The person a reset link is for, while it works.
pub async fn reset_for(app: &App, token: &str) -> Result<User> {
    app.store
        .password_reset_user(token)
        .await?
        .ok_or(Error::NotFound)
}

/// Sets the new password a reset link allows, typed twice; the link then stops working, and
/// so do the person's other links, web sessions and API tokens.
pub async fn reset_password(app: &App, token: &str, password: &str, again: &str) -> Result<User> {
    reset_for(app, token).await?;
    let mut check = dondoc_domain::validate::Checker::new();
    if password.chars().count() < MIN_PASSWORD {
        check.fail("password", FieldCode::TooShort);
    } else if password.len() > 1024 {
        check.fail("password", FieldCode::TooLong);
    } else if password != again {
        check.fail("again", FieldCode::InvalidChoice);
    }
    check.finish(())?;
    let hash = hash_blocking(password.to_string()).await?;
    app.store
        .reset_password(token, &hash)
        .await?
        .ok_or(Error::NotFound)
}

pub async fn set_active(
    app: &App,
    c: &Caller,
    id: Id,
    active: Option<bool>,
    version: Option<i64>,
) -> Result<User> {
    c.login_required()?;
    c.require(Action::ManageUsers)?;
    let mut check = dondoc_domain::validate::Checker::new();
    let active = check.required("active", active);
    let version = check.required("version", version);
    check.finish(())?;
    if Some(id) == c.user_id() && active == Some(false) {
        // An administrator cannot lock themselves out.
        return Err(Error::Invalid(Invalid::one("active", FieldCode::Forbidden)));
    }
    Ok(app
        .store
        .set_user_active(
            c.who(),
            id,
            version.unwrap_or_default(),
            active.unwrap_or_default(),
        )
        .await?)
}

/// Sets a user's password (from the command line, by whoever runs it on the server).
pub async fn set_password(app: &App, c: &Caller, login: &str, password: &str) -> Result<User> {
    c.require(Action::ManageUsers)?;
    let Some(user) = app.store.user_by_login(login).await? else {
        return Err(Error::NotFound);
    };
    if password.chars().count() < MIN_PASSWORD {
        return Err(Error::Invalid(Invalid::one(
            "password",
            FieldCode::TooShort,
        )));
    }
    let hash = hash_blocking(password.to_string()).await?;
    app.store.set_password(c.who(), user.user.id, &hash).await?;
    Ok(user.user)
}

/// The caller a command acts as when told to act as the user `login` (`dondoc import
/// --user`): their role and scope, as if they had signed in. For those who manage users.
pub async fn acting_as(app: &App, c: &Caller, login: &str) -> Result<Caller> {
    c.require(Action::ManageUsers)?;
    match app.store.user_by_login(login).await? {
        Some(u) if u.user.active => app.caller(Some(u.user)).await,
        _ => Err(Error::NotFound),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_after_the_free_failures_up_to_the_cap() {
        assert_eq!(delay_ms(0, 5, MAX_DELAY_MS), 0);
        assert_eq!(delay_ms(4, 5, MAX_DELAY_MS), 0);
        assert_eq!(delay_ms(5, 5, MAX_DELAY_MS), 1000);
        assert_eq!(delay_ms(6, 5, MAX_DELAY_MS), 2000);
        assert_eq!(delay_ms(12, 5, MAX_DELAY_MS), 128_000);
        assert_eq!(delay_ms(20, 5, MAX_DELAY_MS), MAX_DELAY_MS);
        assert_eq!(delay_ms(i64::MAX, 5, 3000), 3000);
    }

    #[test]
    fn an_attempt_waits_from_the_latest_other_one() {
        let seen = |count, latest_ms, now_ms| EarlierAttempts {
            count,
            latest_ms,
            now_ms,
        };
        assert_eq!(wait_ms(seen(0, None, 10_000), 5, MAX_DELAY_MS), 0);
        assert_eq!(wait_ms(seen(5, Some(10_000), 10_300), 5, MAX_DELAY_MS), 700);
        assert_eq!(wait_ms(seen(6, Some(10_000), 13_000), 5, MAX_DELAY_MS), 0);
        // Another attempt made at the same moment, or after this one, still counts.
        assert_eq!(
            wait_ms(seen(9, Some(10_001), 10_000), 5, MAX_DELAY_MS),
            16_001
        );
    }
}
