//! Who is asking: web sessions (tower-sessions, stored in the database through the store),
//! logins (axum-login with argon2id hashes and throttling kept in the database), bearer tokens
//! for the API, and the CSRF token every state-changing form or cookie-authenticated API call
//! must carry.

use async_trait::async_trait;
use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_login::{AuthUser, AuthnBackend, UserId};
use dondoc_app::{App, Caller};
use dondoc_domain::User;
use dondoc_store::{Store, StoredHttpSession, UserWithHash};
use rand::RngCore;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};
use tower_sessions::Session;

use crate::error::AppError;
use crate::i18n::Lang;
use crate::AppState;

/// Web sessions in the database, so that every app node sees the same ones.
#[derive(Clone)]
pub struct DbSessionStore {
    pub store: Store,
}

impl std::fmt::Debug for DbSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbSessionStore")
    }
}

fn backend_err(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

fn stored(record: &Record) -> session_store::Result<StoredHttpSession> {
    Ok(StoredHttpSession {
        id: record.id.to_string(),
        data: serde_json::to_string(record)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?,
        expiry_ms: (record.expiry_date.unix_timestamp_nanos() / 1_000_000) as i64,
    })
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        loop {
            if self
                .store
                .http_session_create(&stored(record)?)
                .await
                .map_err(backend_err)?
            {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.store
            .http_session_save(&stored(record)?)
            .await
            .map_err(backend_err)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self
            .store
            .http_session_load(&id.to_string())
            .await
            .map_err(backend_err)?
        {
            Some(s) => {
                Ok(Some(serde_json::from_str(&s.data).map_err(|e| {
                    session_store::Error::Decode(e.to_string())
                })?))
            }
            None => Ok(None),
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.store
            .http_session_delete(&id.to_string())
            .await
            .map_err(backend_err)
    }
}

/// A signed-in user as axum-login keeps them; the password hash ties the session to the
/// password, so a new password ends old sessions.
#[derive(Clone)]
pub struct SessionUser {
    pub user: User,
    password_hash: String,
}

impl std::fmt::Debug for SessionUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionUser")
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

impl AuthUser for SessionUser {
    type Id = i64;
    fn id(&self) -> i64 {
        self.user.id
    }
    fn session_auth_hash(&self) -> &[u8] {
        self.password_hash.as_bytes()
    }
}

#[derive(Clone)]
pub struct Backend {
    pub app: App,
}

pub struct Credentials {
    pub login: String,
    pub password: String,
}

fn session_user(u: UserWithHash) -> SessionUser {
    SessionUser {
        user: u.user,
        password_hash: u.password_hash,
    }
}

#[async_trait]
impl AuthnBackend for Backend {
    type User = SessionUser;
    type Credentials = Credentials;
    type Error = AppError;

    async fn authenticate(&self, creds: Credentials) -> Result<Option<SessionUser>, Self::Error> {
        Ok(
            dondoc_app::users::authenticate(&self.app, &creds.login, &creds.password)
                .await?
                .map(session_user),
        )
    }

    async fn get_user(&self, id: &UserId<Self>) -> Result<Option<SessionUser>, Self::Error> {
        Ok(dondoc_app::users::active_user(&self.app, *id)
            .await?
            .map(session_user))
    }
}

pub type AuthSession = axum_login::AuthSession<Backend>;

/// Checks the throttle, then the password (the rule lives in `dondoc_app::users`).
pub async fn check_credentials(
    state: &AppState,
    login: &str,
    password: &str,
    addr: &str,
) -> Result<SessionUser, AppError> {
    Ok(session_user(
        dondoc_app::users::check_credentials(&state.app, login, password, addr).await?,
    ))
}

/// Logs a user in to a web session; axum-login renews the session id (no fixation).
pub async fn login(
    state: &AppState,
    auth: &mut AuthSession,
    login: &str,
    password: &str,
    addr: &str,
) -> Result<User, AppError> {
    let user = check_credentials(state, login, password, addr).await?;
    auth.login(&user)
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok(user.user)
}

/// The client address, from the connection, or behind `proxies` trusted proxies in a chain
/// from the `X-Forwarded-For` entry that the outermost of them appended: the `proxies`-th from
/// the right. The entries before it are whatever the client sent and prove nothing (an
/// attacker rotates them to dodge the per-address count). All `X-Forwarded-For` headers
/// count, in order, as if joined.
pub fn client_addr(
    parts_ext: &axum::http::Extensions,
    headers: &axum::http::HeaderMap,
    proxies: usize,
) -> String {
    if proxies > 0 {
        let entries: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|ip| !ip.is_empty())
            .collect();
        // Fewer entries than proxies: the first was written by the outermost proxy.
        if let Some(ip) = entries
            .len()
            .checked_sub(proxies)
            .map_or(entries.first(), |i| entries.get(i))
        {
            return ip.to_string();
        }
    }
    parts_ext
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "local".into())
}

/// The person behind a request (if any), what the rules let them do and see (the use cases'
/// [`Caller`], which a `Viewer` derefs to), and their language.
#[derive(Clone)]
pub struct Viewer {
    pub caller: Caller,
    pub lang: Lang,
    /// True when the request authenticated with a bearer token rather than a cookie.
    pub bearer: bool,
    /// The page follows a saved form (`?saved=1`): it says so.
    pub saved: bool,
    /// Unread notices of a person signed in with a cookie, counted when a page shows them.
    pub unread: Unread,
}

/// The count of a person's unread notices, asked for only by the pages that show it (not by
/// every request: suggestions as one types, API calls).
#[derive(Clone, Default)]
pub struct Unread(Option<dondoc_app::App>);

impl Unread {
    pub async fn count(&self, c: &Caller) -> Result<i64, AppError> {
        match &self.0 {
            Some(app) => Ok(dondoc_app::follow::unread(app, c).await?),
            None => Ok(0),
        }
    }
}

impl std::ops::Deref for Viewer {
    type Target = Caller;
    fn deref(&self) -> &Caller {
        &self.caller
    }
}

/// The token of an `Authorization: Bearer …` header, if the request carries one.
fn bearer_token(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

fn bearer(parts: &Parts) -> Option<&str> {
    bearer_token(&parts.headers)
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if let Some(v) = parts.extensions.get::<Viewer>() {
            return Ok(v.clone());
        }
        let lang = Lang::for_request(&parts.headers, parts.uri.path());
        let (user, is_bearer) = if let Some(token) = bearer(parts) {
            match dondoc_app::users::by_token(&state.app, token).await? {
                Some(u) => (Some(u), true),
                None => return Err(AppError::Unauthorized),
            }
        } else {
            let auth = AuthSession::from_request_parts(parts, state)
                .await
                .map_err(|_| AppError::Internal(anyhow::anyhow!("auth layer missing")))?;
            (auth.user.map(|u| u.user), false)
        };
        let saved = parts
            .uri
            .query()
            .is_some_and(|q| q.split('&').any(|kv| kv.starts_with("saved=")));
        let unread = Unread((!is_bearer && user.is_some()).then(|| state.app.clone()));
        let viewer = Viewer {
            caller: state.app.caller(user).await?,
            lang,
            bearer: is_bearer,
            saved,
            unread,
        };
        parts.extensions.insert(viewer.clone());
        Ok(viewer)
    }
}

pub const CSRF_KEY: &str = "csrf";
pub const CSRF_FIELD: &str = "_csrf";

/// A new random secret for an address that is its own key (a calendar feed, a password-reset
/// link): 32 bytes, as 64 hex digits.
pub fn secret() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The cookie that carries the form token of someone not signed in (the login form), so that
/// showing them a form writes no web session: a visitor's page views leave the database as
/// it was. A cross-site form cannot read it, so it cannot send it back in the form.
pub const FORM_COOKIE: &str = "dondoc_form";

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

async fn session_csrf(session: &Session) -> Result<Option<String>, AppError> {
    session
        .get::<String>(CSRF_KEY)
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))
}

/// The session's CSRF token, made on first use (for the signed in: their session is kept
/// anyway).
pub async fn csrf_token(session: &Session) -> Result<String, AppError> {
    if let Some(t) = session_csrf(session).await? {
        return Ok(t);
    }
    let token = new_token();
    session
        .insert(CSRF_KEY, &token)
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok(token)
}

/// A new form token for a session that has just been signed in to: one read before signing
/// in is worth nothing after it.
pub async fn renew_csrf_token(session: &Session) -> Result<(), AppError> {
    session
        .insert(CSRF_KEY, new_token())
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))
}

/// The form token in the request's form cookie, if it has a well-formed one.
fn form_cookie(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().strip_prefix(FORM_COOKIE)?.strip_prefix('='))
        .find(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_string)
}

/// The form token for a page shown to whoever asks: the session's if it has one, else the
/// form cookie's, else a new one to be set in that cookie (the second value: the
/// `Set-Cookie` header). Nothing is written to the web session.
pub async fn anonymous_form_token(
    session: &Session,
    headers: &axum::http::HeaderMap,
    secure: bool,
) -> Result<(String, Option<axum::http::HeaderValue>), AppError> {
    if let Some(t) = session_csrf(session).await? {
        return Ok((t, None));
    }
    if let Some(t) = form_cookie(headers) {
        return Ok((t, None));
    }
    let token = new_token();
    let secure = if secure { "; Secure" } else { "" };
    let cookie = format!("{FORM_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{secure}");
    let value = axum::http::HeaderValue::from_str(&cookie)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok((token, Some(value)))
}

/// The name of the web session cookie.
pub const SESSION_COOKIE: &str = "dondoc_session";

pub(crate) fn has_session_cookie(headers: &axum::http::HeaderMap) -> bool {
    session_cookie(headers).is_some()
}

/// The web session cookie's value, if the request carries one.
pub(crate) fn session_cookie(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(SESSION_COOKIE)?.strip_prefix('='))
}

fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Largest form body accepted: a pasted 1 MB report, percent-encoded, with its review rows.
pub const MAX_FORM_BYTES: usize = 4 * 1024 * 1024;

/// Refuses a state-changing request that comes with the session cookie but without the
/// session's CSRF token (form field `_csrf` or header `X-CSRF-Token`); a session that has none
/// (nobody signed in to it: signing in gives it one) is checked against the form cookie.
/// Bearer-token requests carry no cookie and need none. The field is removed before the
/// handler sees the form.
pub async fn csrf_guard(session: Session, req: Request, next: Next) -> Response {
    // A bearer token authenticates the request by itself (the Viewer then ignores the cookie),
    // so it carries no ambient authority to forge. Any other Authorization header does not
    // stand in for the token: the cookie would still authenticate.
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || bearer_token(req.headers()).is_some()
    {
        return next.run(req).await;
    }
    // An API call without the session cookie carries no ambient authority to forge.
    // Nor does an Open311 client's, which a key authenticates.
    let path = req.uri().path();
    if (path.starts_with("/api/") || path.starts_with("/open311/"))
        && !has_session_cookie(req.headers())
    {
        return next.run(req).await;
    }
    let expected = match session.get::<String>(CSRF_KEY).await {
        Ok(Some(t)) => t,
        Ok(None) => match form_cookie(req.headers()) {
            Some(t) => t,
            None => return AppError::Csrf.into_response(),
        },
        Err(_) => return AppError::Csrf.into_response(),
    };
    if let Some(given) = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        if same(given, &expected) {
            return next.run(req).await;
        }
        return AppError::Csrf.into_response();
    }
    // A file upload carries the token in its body, as the field `_csrf` (the form's first),
    // never in its address, where proxies, logs and the Referer header would keep it.
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if is_multipart {
        let (parts, body) = req.into_parts();
        let limit = crate::routes::body_limit(parts.uri.path());
        let bytes = match to_bytes(body, limit).await {
            Ok(b) => b,
            Err(_) => return AppError::TooLarge.into_response(),
        };
        return match multipart_field(&parts.headers, bytes.clone(), CSRF_FIELD).await {
            Some(t) if same(&t, &expected) => {
                next.run(Request::from_parts(parts, Body::from(bytes)))
                    .await
            }
            _ => AppError::Csrf.into_response(),
        };
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return AppError::Csrf.into_response();
    }
    let (mut parts, body) = req.into_parts();
    let bytes = match to_bytes(body, MAX_FORM_BYTES).await {
        Ok(b) => b,
        Err(_) => return axum::http::StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    };
    let Some(pairs) = form_urlencoded_pairs(&bytes) else {
        return AppError::Malformed("form body is not valid UTF-8".into()).into_response();
    };
    if pairs
        .iter()
        .any(|(k, v)| has_forbidden_control(k) || has_forbidden_control(v))
    {
        return AppError::Malformed("control characters in the form".into()).into_response();
    }
    let ok = pairs
        .iter()
        .any(|(k, v)| k == CSRF_FIELD && same(v, &expected));
    if !ok {
        return AppError::Csrf.into_response();
    }
    let rest: Vec<&(String, String)> = pairs.iter().filter(|(k, _)| k != CSRF_FIELD).collect();
    let body = serde_urlencoded::to_string(rest).unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    next.run(Request::from_parts(parts, Body::from(body))).await
}

/// The text of the field `name` of a multipart body (at most 1 KB), if it has one.
async fn multipart_field(
    headers: &axum::http::HeaderMap,
    body: axum::body::Bytes,
    name: &str,
) -> Option<String> {
    let boundary = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| multer::parse_boundary(v).ok())?;
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let constraints =
        multer::Constraints::new().size_limit(multer::SizeLimit::new().for_field(name, 1024));
    let mut form = multer::Multipart::with_constraints(stream, boundary, constraints);
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

/// NUL and the other control characters but tab, line feed and carriage return have no place
/// in anything a person types; PostgreSQL refuses NUL in text outright.
pub fn has_forbidden_control(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// What a signed-in person sees is theirs: no shared cache or browser history keeps it.
pub async fn no_store_when_signed_in(req: Request, next: Next) -> Response {
    let signed_in =
        has_session_cookie(req.headers()) || req.headers().contains_key(header::AUTHORIZATION);
    let asset = req.uri().path().starts_with("/assets/");
    let mut resp = next.run(req).await;
    if signed_in && !asset && !resp.headers().contains_key(header::CACHE_CONTROL) {
        resp.headers_mut().insert(
            header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        );
    }
    resp
}

/// Whether an address (path or query) carries an escaped control character (`%00`–`%1F`,
/// `%7F`; tab, line feed and carriage return excepted, as in text). An unescaped one cannot
/// be in a URI at all.
fn has_escaped_control(s: &str) -> bool {
    s.as_bytes().windows(3).any(|w| {
        w[0] == b'%'
            && std::str::from_utf8(&w[1..])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .is_some_and(|b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f)
    })
}

/// Refuses, before any handler, a request whose address carries a control character
/// (`%00` and the like in the path or the query string): 400 with a message.
pub async fn refuse_control_characters(req: Request, next: Next) -> Response {
    let uri = req.uri();
    if has_escaped_control(uri.path()) || uri.query().is_some_and(has_escaped_control) {
        return AppError::Malformed("control characters in the address".into()).into_response();
    }
    next.run(req).await
}

/// The pairs of a form body; `None` when it is not valid UTF-8 once decoded (the decoder would
/// otherwise slip replacement characters into stored text).
fn form_urlencoded_pairs(bytes: &[u8]) -> Option<Vec<(String, String)>> {
    if std::str::from_utf8(bytes).is_err() {
        return None;
    }
    let pairs = serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes).ok()?;
    let lossy = pairs
        .iter()
        .any(|(k, v)| k.contains('\u{FFFD}') || v.contains('\u{FFFD}'));
    (!lossy).then_some(pairs)
}

#[cfg(test)]
mod tests {
    use super::client_addr;
    use axum::http::{Extensions, HeaderMap};

    fn addr(forwarded: &[&str], proxies: usize) -> String {
        let mut headers = HeaderMap::new();
        for f in forwarded {
            headers.append("x-forwarded-for", f.parse().unwrap());
        }
        client_addr(&Extensions::new(), &headers, proxies)
    }

    #[test]
    fn the_client_is_the_entry_the_outermost_trusted_proxy_appended() {
        // What the client wrote itself comes first and is ignored.
        assert_eq!(addr(&["6.6.6.6, 1.2.3.4"], 1), "1.2.3.4");
        assert_eq!(addr(&["6.6.6.6", "1.2.3.4"], 1), "1.2.3.4");
        // A CDN appended the client, then nginx appended the CDN.
        assert_eq!(addr(&["6.6.6.6, 1.2.3.4, 10.0.0.2"], 2), "1.2.3.4");
        assert_eq!(addr(&["1.2.3.4"], 2), "1.2.3.4");
        // Not trusted: the connection's address (none here).
        assert_eq!(addr(&["6.6.6.6"], 0), "local");
        assert_eq!(addr(&[], 1), "local");
    }
}
