//! Logging in and out, and the language switch.

use askama::Template;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use tower_sessions::Session;

use super::Layout;
use crate::auth::{client_addr, renew_csrf_token, AuthSession, Viewer};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::AppState;
use dondoc_domain::Role;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    error: Option<String>,
    login: String,
    next: String,
}

#[derive(Deserialize, Default)]
pub struct Next {
    next: Option<String>,
}

/// Only local paths are followed after login (no open redirect).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

/// The login page with `status`; its form token comes from the session or the form cookie,
/// never a new web session.
#[allow(clippy::too_many_arguments)]
async fn page(
    st: &AppState,
    v: &Viewer,
    session: &Session,
    headers: &HeaderMap,
    status: StatusCode,
    error: Option<String>,
    login: String,
    next: String,
) -> Result<Response, AppError> {
    // Back from setting a new password through a reset link: say so.
    let notice = v.saved.then_some("password.done");
    let draw = |layout| LoginPage {
        layout,
        error,
        login,
        next,
    };
    super::anonymous_page(st, v, session, headers, status, "login.title", notice, draw).await
}

pub async fn show(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    headers: HeaderMap,
    Query(q): Query<Next>,
) -> Result<Response, AppError> {
    if v.user.is_some() {
        return Ok(Redirect::to(&safe_next(q.next.as_deref())).into_response());
    }
    let next = safe_next(q.next.as_deref());
    let ok = StatusCode::OK;
    page(&st, &v, &session, &headers, ok, None, String::new(), next).await
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn submit(
    State(st): State<AppState>,
    mut auth: AuthSession,
    session: Session,
    req: Request,
) -> Result<Response, AppError> {
    let lang = Lang::for_request(req.headers(), req.uri().path());
    let addr = client_addr(req.extensions(), req.headers(), st.config.trusted_proxies);
    let headers = req.headers().clone();
    let Form(f) = Form::<LoginForm>::from_request(req, &st)
        .await
        .map_err(|e| AppError::Malformed(e.body_text()))?;
    let v = Viewer {
        caller: dondoc_app::Caller::anonymous(st.today()),
        lang,
        bearer: false,
        saved: false,
        unread: Default::default(),
    };
    let next = safe_next(f.next.as_deref());
    match crate::auth::login(&st, &mut auth, &f.login, &f.password, &addr).await {
        Ok(user) => {
            // A new form token with the new session id, kept in the session from now on.
            renew_csrf_token(&session).await?;
            // Officers and clerks start from their unit's work.
            let works = matches!(user.role, Role::Officer | Role::Clerk) && user.unit_id.is_some();
            let to = if next == "/" && works {
                "/inbox"
            } else {
                &next
            };
            Ok(Redirect::to(to).into_response())
        }
        Err(AppError::Unauthorized) => {
            let error = Some(v.lang.t("login.failed").to_string());
            let status = StatusCode::UNAUTHORIZED;
            page(&st, &v, &session, &headers, status, error, f.login, next).await
        }
        Err(AppError::TooMany(secs)) => {
            let error = Some(throttled(v.lang, secs));
            let status = StatusCode::TOO_MANY_REQUESTS;
            let mut resp = page(&st, &v, &session, &headers, status, error, f.login, next).await?;
            resp.headers_mut()
                .insert(header::RETRY_AFTER, secs.max(1).into());
            Ok(resp)
        }
        Err(e) => Err(e),
    }
}

/// "Wait N seconds" (or minutes, rounded up, from two minutes on).
fn throttled(lang: Lang, secs: u64) -> String {
    let (key, n) = if secs < 120 {
        ("login.throttled_s", secs.max(1))
    } else {
        ("login.throttled_m", secs.div_ceil(60))
    };
    lang.t(key).replace("{n}", &n.to_string())
}

pub async fn logout(mut auth: AuthSession) -> Result<Response, AppError> {
    auth.logout()
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok(Redirect::to("/").into_response())
}

/// Remembers the language in a cookie for a year and goes back where the user was.
pub async fn switch_lang(Path(code): Path<String>, headers: HeaderMap) -> Response {
    let lang = if code == "en" { "en" } else { "vi" };
    let back = headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| r.find("://").map(|i| &r[i + 3..]))
        .and_then(|r| r.find('/').map(|i| r[i..].to_string()))
        .map(|p| safe_next(Some(&p)))
        .unwrap_or_else(|| "/".into());
    let cookie = format!("lang={lang}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly");
    ([(header::SET_COOKIE, cookie)], Redirect::to(&back)).into_response()
}

use axum::extract::FromRequest;
