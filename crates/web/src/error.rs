//! One error type for every handler. A handler returns `AppError`; the response carries an
//! [`ErrorInfo`] and the `render_errors` layer turns it into a JSON body (under /api) or an HTML
//! page, in the user's language. Framework rejections (bad JSON, unknown routes, oversized
//! bodies) pass through the same layer, so no 4xx leaves without a clear message.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use dondoc_domain::{FieldCode, FieldError, Invalid};
use serde::Serialize;

use crate::i18n::Lang;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("not logged in")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("stale version")]
    Conflict,
    #[error("duplicate {0}")]
    Duplicate(&'static str),
    #[error(transparent)]
    Invalid(Invalid),
    /// The requested change of status is not allowed from the record's current status.
    #[error("transition not allowed")]
    Transition,
    #[error("malformed body: {0}")]
    Malformed(String),
    #[error("csrf token missing or wrong")]
    Csrf,
    #[error("request body too large")]
    TooLarge,
    /// Too many attempts: the seconds to wait before the next is checked.
    #[error("too many attempts")]
    TooMany(u64),
    /// The database cannot be reached: 503, try again shortly.
    #[error("unavailable")]
    Unavailable,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<dondoc_app::Error> for AppError {
    fn from(e: dondoc_app::Error) -> Self {
        use dondoc_app::Error as E;
        match e {
            E::NotFound => AppError::NotFound,
            E::Unauthorized => AppError::Unauthorized,
            E::Forbidden => AppError::Forbidden,
            E::Conflict => AppError::Conflict,
            E::Duplicate(f) => AppError::Duplicate(f),
            E::Invalid(i) => AppError::Invalid(i),
            E::Transition => AppError::Transition,
            E::TooMany { retry_after_secs } => AppError::TooMany(retry_after_secs),
            E::Unavailable => AppError::Unavailable,
            E::Internal(e) => AppError::Internal(e),
        }
    }
}

impl From<Invalid> for AppError {
    fn from(i: Invalid) -> Self {
        AppError::Invalid(i)
    }
}

/// What the error layer needs to render an error, carried in the response's extensions.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub code: &'static str,
    pub message_key: &'static str,
    pub fields: Vec<FieldError>,
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::Conflict | AppError::Duplicate(_) | AppError::Transition => {
                StatusCode::CONFLICT
            }
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Malformed(_) => StatusCode::BAD_REQUEST,
            AppError::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn info(&self) -> ErrorInfo {
        let (code, message_key, fields) = match self {
            AppError::NotFound => ("not_found", "err.not_found", vec![]),
            AppError::Unauthorized => ("unauthorized", "err.unauthorized", vec![]),
            AppError::Forbidden => ("forbidden", "err.forbidden", vec![]),
            AppError::Csrf => ("csrf_failed", "err.csrf", vec![]),
            AppError::Conflict => ("version_conflict", "err.conflict", vec![]),
            AppError::Duplicate(f) => (
                "duplicate",
                "err.duplicate",
                vec![FieldError {
                    field: f,
                    code: FieldCode::Taken,
                }],
            ),
            AppError::Transition => ("transition_not_allowed", "err.transition", vec![]),
            AppError::Invalid(i) => ("invalid_input", "err.invalid_input", i.0.clone()),
            AppError::Malformed(_) => ("malformed_body", "err.malformed_body", vec![]),
            AppError::TooMany(_) => ("too_many_requests", "err.too_many", vec![]),
            AppError::TooLarge => ("payload_too_large", "err.too_large", vec![]),
            AppError::Unavailable => ("unavailable", "err.unavailable", vec![]),
            AppError::Internal(_) => ("internal", "err.internal", vec![]),
        };
        ErrorInfo {
            code,
            message_key,
            fields,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(e) = &self {
            // Logged once here; the user sees only a generic message.
            tracing::error!(error = format!("{e:#}"), "internal error");
        }
        let mut resp = self.status().into_response();
        match &self {
            AppError::Unavailable => {
                resp.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            }
            AppError::TooMany(secs) => {
                resp.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from((*secs).max(1)));
            }
            _ => {}
        }
        resp.extensions_mut().insert(self.info());
        resp
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    message: String,
    field: Option<&'a str>,
    fields: Vec<FieldBody<'a>>,
}

#[derive(Serialize)]
struct FieldBody<'a> {
    field: &'a str,
    code: &'a str,
    message: &'a str,
}

/// The error for a bare framework status (no [`ErrorInfo`]): unknown route, oversized body, …
fn info_for_status(status: StatusCode) -> ErrorInfo {
    let (code, key) = match status {
        StatusCode::NOT_FOUND => ("not_found", "err.not_found"),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "err.method"),
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "err.too_large"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported_media_type", "err.media_type"),
        StatusCode::UNPROCESSABLE_ENTITY => ("malformed_body", "err.malformed_body"),
        StatusCode::UNAUTHORIZED => ("unauthorized", "err.unauthorized"),
        StatusCode::FORBIDDEN => ("forbidden", "err.forbidden"),
        StatusCode::TOO_MANY_REQUESTS => ("too_many_requests", "err.too_many"),
        StatusCode::SERVICE_UNAVAILABLE => ("unavailable", "err.unavailable"),
        s if s.is_server_error() => ("internal", "err.internal"),
        _ => ("bad_request", "err.bad_request"),
    };
    ErrorInfo {
        code,
        message_key: key,
        fields: vec![],
    }
}

/// Who met an error page, so that its header shows them signed in (their name, notices, log
/// out) as every other page does, not a "log in" link.
#[derive(Clone)]
pub struct ErrorViewer {
    pub user: dondoc_domain::User,
    pub csrf: String,
}

/// Inside the login layer: notes on a page's error response who is signed in, for
/// [`render_errors`] (which runs outside it, to catch the login layer's own errors too).
pub async fn note_viewer(req: Request, next: Next) -> Response {
    let auth = req
        .extensions()
        .get::<crate::auth::AuthSession>()
        .and_then(|a| a.user.clone());
    let session = req.extensions().get::<tower_sessions::Session>().cloned();
    // Error pages only: the API's and Open311's errors are JSON.
    let api = req.uri().path().starts_with("/api/") || req.uri().path().starts_with("/open311/");
    let mut resp = next.run(req).await;
    let status = resp.status();
    if api || !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    if let (Some(signed_in), Some(session)) = (auth, session) {
        if let Ok(csrf) = crate::auth::csrf_token(&session).await {
            resp.extensions_mut().insert(ErrorViewer {
                user: signed_in.user,
                csrf,
            });
        }
    }
    resp
}

/// The error layer: gives every error response its body in the user's language.
pub async fn render_errors(
    axum::extract::State(st): axum::extract::State<crate::AppState>,
    req: Request,
    next: Next,
) -> Response {
    let lang = Lang::for_request(req.headers(), req.uri().path());
    let public = crate::public::is_public_path(req.uri().path());
    let headers = public.then(|| req.headers().clone());
    let path = req.uri().path().to_string();
    // Open311 clients read JSON too (its handlers write their errors in its own form).
    let api = req.uri().path().starts_with("/api/") || req.uri().path().starts_with("/open311/");
    let is_get = req.method() == axum::http::Method::GET;
    let path_and_query = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let resp = next.run(req).await;
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    // A visitor who opens an internal page is asked to log in, then brought back.
    if !api && is_get && status == StatusCode::UNAUTHORIZED {
        let next = serde_urlencoded::to_string([("next", path_and_query)]).unwrap_or_default();
        return axum::response::Redirect::to(&format!("/login?{next}")).into_response();
    }
    let info = match resp.extensions().get::<ErrorInfo>() {
        Some(info) => info.clone(),
        // A handler that rendered its own error page (a form with messages), or its own
        // error body under /api (a file refused, said with its reason), keeps it.
        None if resp.headers().get(header::CONTENT_TYPE).is_some_and(|v| {
            v.as_bytes().starts_with(b"text/html")
                || (api
                    && (v.as_bytes().starts_with(b"application/json")
                        || v.as_bytes().starts_with(b"text/xml")))
        }) =>
        {
            return resp
        }
        None => info_for_status(status),
    };
    let (mut parts, _) = resp.into_parts();
    parts.extensions.remove::<ErrorInfo>();
    let viewer = parts.extensions.remove::<ErrorViewer>();
    // axum answers an undecodable form or query with a bare 422; it is a malformed request.
    if info.code == "malformed_body" && parts.status == StatusCode::UNPROCESSABLE_ENTITY {
        parts.status = StatusCode::BAD_REQUEST;
    }
    let body = if api {
        let fields: Vec<FieldBody> = info
            .fields
            .iter()
            .map(|f| FieldBody {
                field: f.field,
                code: f.code.as_str(),
                message: lang.field_message(f.field, f.code),
            })
            .collect();
        let message = match info.fields.first() {
            Some(f) => format!(
                "{}: {}",
                lang.t(&format!("f.{}", f.field)),
                lang.field_message(f.field, f.code)
            ),
            None => lang.t(info.message_key).to_string(),
        };
        let body = ErrorBody {
            error: info.code,
            message,
            field: info.fields.first().map(|f| f.field),
            fields,
        };
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        Body::from(serde_json::to_vec(&body).unwrap_or_default())
    } else {
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        let mut messages: Vec<String> = vec![lang.t(info.message_key).to_string()];
        messages.extend(info.fields.iter().map(|f| {
            format!(
                "{}: {}",
                lang.t(&format!("f.{}", f.field)),
                lang.field_message(f.field, f.code)
            )
        }));
        let page = match headers {
            // The public site's pages keep its layout when they fail.
            Some(headers) => crate::public::error_page(
                &st,
                lang,
                &headers,
                &path,
                status,
                &messages,
                viewer.is_some(),
            ),
            None => crate::pages::error_page(lang, status, &messages, viewer),
        };
        Body::from(Html(page).0)
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, body)
}
