//! Users and signing in: accounts, passwords (argon2id), and the throttle on failed sign-ins,
//! kept in the database so that every app node counts the same failures.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use dondoc_domain::input::{UserInput, MIN_PASSWORD};
use dondoc_domain::{Action, ApiToken, FieldCode, Id, Invalid, Role, User};
use dondoc_store::UserWithHash;

use crate::{App, Caller, Error, Result};

/// Failed sign-ins allowed per account, and per client address, within the window.
pub const MAX_FAILURES_PER_LOGIN: i64 = 5;
pub const MAX_FAILURES_PER_ADDR: i64 = 30;
pub const FAILURE_WINDOW_MS: i64 = 15 * 60 * 1000;

/// How long an API token authenticates unless configured otherwise (`--token-days`).
pub const TOKEN_DAYS: i64 = 90;

/// The roles a user may be given, in the order forms list them.
pub fn roles() -> [Role; 4] {
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

/// Signs in with the throttle: too many failures for the account or the address refuse even
/// the right password until the window passes.
pub async fn check_credentials(
    app: &App,
    login: &str,
    password: &str,
    addr: &str,
) -> Result<UserWithHash> {
    let store = &app.store;
    let login_key = format!("login:{}", login.trim().to_lowercase());
    let addr_key = format!("addr:{addr}");
    let since = jiff::Timestamp::now().as_millisecond() - FAILURE_WINDOW_MS;
    // The attempt is written first and counted with all others, then checked.
    let (ids, counts) = store.login_attempt(&[&login_key, &addr_key], since).await?;
    if counts[0] > MAX_FAILURES_PER_LOGIN || counts[1] > MAX_FAILURES_PER_ADDR {
        // Refused unchecked, and still counted: guesses made while refused keep the account
        // closed for the window, so a burst cannot be followed by the right guess.
        return Err(Error::TooMany);
    }
    match authenticate(app, login, password).await? {
        Some(user) => {
            store.clear_login_failures(&login_key).await?;
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
        )
        .await?)
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
