//! Logging in and out, and the language switch.

use askama::Template;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use tower_sessions::Session;

use super::{render, Layout};
use crate::auth::{client_addr, csrf_token, AuthSession, Viewer};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::AppState;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    error: Option<&'static str>,
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

async fn page(
    v: &Viewer,
    session: &Session,
    error: Option<&'static str>,
    login: String,
    next: String,
) -> Result<LoginPage, AppError> {
    let csrf = csrf_token(session).await?;
    let layout = Layout {
        lang: v.lang,
        user: None,
        csrf,
        nav: "login",
        title: v.lang.t("login.title").into(),
        notice: None,
    };
    Ok(LoginPage {
        layout,
        error,
        login,
        next,
    })
}

pub async fn show(
    v: Viewer,
    session: Session,
    Query(q): Query<Next>,
) -> Result<Response, AppError> {
    if v.user.is_some() {
        return Ok(Redirect::to(&safe_next(q.next.as_deref())).into_response());
    }
    Ok(render(
        &page(
            &v,
            &session,
            None,
            String::new(),
            safe_next(q.next.as_deref()),
        )
        .await?,
    )?
    .into_response())
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
    let addr = client_addr(req.extensions(), req.headers(), st.config.trust_proxy);
    let Form(f) = Form::<LoginForm>::from_request(req, &st)
        .await
        .map_err(|e| AppError::Malformed(e.body_text()))?;
    let v = Viewer {
        caller: dondoc_app::Caller::anonymous(st.today()),
        lang,
        bearer: false,
        saved: false,
    };
    let next = safe_next(f.next.as_deref());
    match crate::auth::login(&st, &mut auth, &f.login, &f.password, &addr).await {
        Ok(_) => {
            // A new form token with the new session id: one read before signing in is
            // worth nothing after it.
            session
                .remove::<String>(crate::auth::CSRF_KEY)
                .await
                .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
            Ok(Redirect::to(&next).into_response())
        }
        Err(AppError::Unauthorized) => {
            let p = page(&v, &session, Some("login.failed"), f.login, next).await?;
            Ok((StatusCode::UNAUTHORIZED, render(&p)?).into_response())
        }
        Err(AppError::TooMany) => {
            let p = page(&v, &session, Some("login.throttled"), f.login, next).await?;
            Ok((StatusCode::TOO_MANY_REQUESTS, render(&p)?).into_response())
        }
        Err(e) => Err(e),
    }
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
