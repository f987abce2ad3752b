//! The one route table: every page and API endpoint, and the layers around them.

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::IntoResponse;
use axum::routing::{delete, get, post};
use axum::Router;
use axum_login::AuthManagerLayerBuilder;
use tower_http::compression::predicate::SizeAbove;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::auth::{
    csrf_guard, no_store_when_signed_in, refuse_control_characters, Backend, DbSessionStore,
    MAX_FORM_BYTES, SESSION_COOKIE,
};
use crate::error::render_errors;
use crate::pages::{
    articles, directives, follow, import, inbox, login, moderation, people, petitions, sessions,
    stats, tabular, targets, units, users,
};
use crate::public::{self, feeds};
use crate::{api, AppState};

/// No inline script or style anywhere, so the policy needs no 'unsafe-inline'.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

// One line per route: the table reads as a table.
#[rustfmt::skip]
fn pages() -> Router<AppState> {
    Router::new()
        .route("/", get(crate::public::root))
        .route("/trang-chu", get(public::home))
        .route("/tin-tuc", get(public::news))
        .route("/tin-tuc/rss.xml", get(feeds::news_rss))
        .route("/tin-tuc/atom.xml", get(feeds::news_atom))
        .route("/tin-tuc/{slug}", get(public::article))
        .route("/buoi-lam-viec/{id}", get(public::session))
        .route("/kien-nghi", get(public::petitions))
        .route("/kien-nghi/{id}", get(public::petition))
        .route("/kien-nghi/{id}/rss.xml", get(feeds::petition_rss))
        .route("/kien-nghi/{id}/atom.xml", get(feeds::petition_atom))
        .route("/chi-dao/{id}", get(public::directive))
        .route("/don-vi/{id}", get(public::unit))
        .route("/don-vi/{id}/rss.xml", get(feeds::unit_rss))
        .route("/don-vi/{id}/atom.xml", get(feeds::unit_atom))
        .route("/chi-tieu/{id}", get(public::target))
        .route("/tim-kiem", get(public::search))
        .route("/sitemap.xml", get(feeds::sitemap))
        .route("/sitemap/{file}", get(feeds::sitemap_part))
        .route("/robots.txt", get(feeds::robots))
        .route("/favicon.svg", get(feeds::favicon_svg))
        .route("/favicon.ico", get(feeds::favicon_ico))
        .route("/articles", get(articles::list).post(articles::create))
        .route("/articles/new", get(articles::new))
        .route("/articles/{id}", get(articles::show).post(articles::update))
        .route("/articles/{id}/transition", post(articles::transition))
        .route("/articles/{id}/photos", post(articles::add_photo).layer(DefaultBodyLimit::max(dondoc_app::photos::MAX_BYTES + 64 * 1024)))
        .route("/anh/{id}/{file}", get(public::photo))
        .route("/login", get(login::show).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/lang/{code}", get(login::switch_lang))
        .route("/inbox", get(inbox::show))
        .route("/stats", get(stats::show))
        .route("/notices", get(follow::list))
        .route("/notices/read", post(follow::read))
        .route("/profile", get(follow::show).post(follow::save))
        .route("/profile/calendar", post(crate::ical::renew))
        .route("/profile/calendar/revoke", post(crate::ical::revoke))
        .route("/calendar/{file}", get(crate::ical::feed))
        .route("/calendar/units/{file}", get(crate::ical::unit_feed))
        .route("/sessions", get(sessions::list).post(sessions::create))
        .route("/sessions/new", get(sessions::new))
        .route("/sessions/export.xlsx", get(crate::export::sessions_xlsx))
        .route("/sessions/export.csv", get(crate::export::sessions_csv))
        .route("/sessions/import", get(import::show).post(import::read))
        .route("/sessions/import/confirm", post(import::confirm))
        .route("/imports", get(tabular::show).post(tabular::upload).layer(DefaultBodyLimit::max(tabular::MAX_UPLOAD_BYTES)))
        .route("/imports/{id}", get(tabular::show_job))
        .route("/imports/{id}/confirm", post(tabular::confirm))
        .route("/sessions/{id}", get(sessions::show).post(sessions::update))
        .route("/sessions/{id}/edit", get(sessions::edit))
        .route("/sessions/{id}/petitions", post(sessions::add_petition))
        .route("/sessions/{id}/directives", post(sessions::add_directive))
        .route("/sessions/{id}/measurements", post(sessions::add_measurement))
        .route("/sessions/{id}/participants", post(sessions::add_participant))
        .route("/sessions/{id}/documents", post(sessions::link_document))
        .route("/sessions/{id}/report.docx", get(crate::report::session_docx))
        .route("/petitions", get(petitions::list).post(petitions::create))
        .route("/petitions/new", get(petitions::new))
        .route("/petitions/export.xlsx", get(crate::export::petitions_xlsx))
        .route("/petitions/export.csv", get(crate::export::petitions_csv))
        .route("/petitions/report.docx", get(crate::report::petitions_docx))
        .route("/petitions/{id}", get(petitions::show).post(petitions::update))
        .route("/petitions/{id}/transition", post(petitions::transition))
        .route("/petitions/{id}/raisings", post(petitions::raise))
        .route(
            "/petitions/{id}/merge",
            get(petitions::merge_confirm).post(petitions::merge),
        )
        .route("/petitions/{id}/notes", post(petitions::note))
        .route("/directives", get(directives::list).post(directives::create))
        .route("/directives/new", get(directives::new))
        .route("/directives/export.xlsx", get(crate::export::directives_xlsx))
        .route("/directives/export.csv", get(crate::export::directives_csv))
        .route("/directives/{id}", get(directives::show).post(directives::update))
        .route("/directives/{id}/transition", post(directives::transition))
        .route("/directives/{id}/progress", post(directives::progress))
        .route("/directives/{id}/extensions", post(directives::extend))
        .route("/directives/{id}/evidence", post(directives::attach))
        .route(
            "/directives/{id}/extension-requests",
            post(directives::request_extension),
        )
        .route(
            "/directives/{id}/extension-requests/{request}",
            post(directives::decide_extension),
        )
        .route(
            "/directives/{id}/evidence/{file}",
            get(directives::evidence_file),
        )
        .route("/targets", get(targets::list).post(targets::create))
        .route("/targets/new", get(targets::new))
        .route("/targets/export.xlsx", get(crate::export::targets_xlsx))
        .route("/targets/export.csv", get(crate::export::targets_csv))
        .route("/targets/{id}", get(targets::show).post(targets::update))
        .route("/targets/{id}/measurements", post(targets::measure))
        .route("/targets/{id}/amendments", post(targets::amend))
        .route("/units", get(units::tree).post(units::create))
        .route("/units/export.xlsx", get(crate::export::units_xlsx))
        .route("/units/export.csv", get(crate::export::units_csv))
        .route("/units/new", get(units::new))
        .route("/units/{id}", get(units::show).post(units::update))
        .route("/units/{id}/calendar", post(units::renew_feed))
        .route("/units/{id}/calendar/revoke", post(units::revoke_feed))
        .route("/units/{id}/merge", post(units::merge))
        .route("/people", get(people::list).post(people::create))
        .route("/people/export.xlsx", get(crate::export::people_xlsx))
        .route("/people/export.csv", get(crate::export::people_csv))
        .route("/people/new", get(people::new))
        .route("/people/{id}", get(people::show).post(people::update))
        .route("/people/{id}/positions", post(people::add_position))
        .route("/documents", get(people::documents).post(people::create_document))
        .route("/documents/export.xlsx", get(crate::export::documents_xlsx))
        .route("/documents/export.csv", get(crate::export::documents_csv))
        .route("/documents/{id}", get(people::document).post(people::update_document))
        .route("/users", get(users::list).post(users::create))
        .route("/users/{id}", get(users::show).post(users::update))
        .route("/users/{id}/active", post(users::set_active))
        .route("/users/{id}/reset", post(users::send_reset))
        .route("/password/forgot", get(users::forgot).post(users::ask))
        .route(
            "/password/reset/{token}",
            get(users::reset_form).post(users::reset),
        )
        .route("/kien-nghi/gui", get(crate::public::submit::show).post(crate::public::submit::submit))
        .route("/kien-nghi/theo-doi", get(crate::public::submit::track_form))
        .route("/kien-nghi/theo-doi/{code}", get(crate::public::submit::track))
        .route("/kien-nghi/theo-doi/{code}/anh", get(crate::public::submit::photo))
        .route("/moderation", get(moderation::show))
        .route("/moderation/{id}/accept", post(moderation::accept))
        .route("/moderation/{id}/reject", post(moderation::reject))
        .route("/moderation/{id}/photo", get(moderation::photo))
        .route("/pick/{source}", get(crate::pick::suggest))
        .route("/assets/style.css", get(style))
        .route("/assets/pick.js", get(pick_js))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(crate::metrics::show))
}

#[rustfmt::skip]
fn api_v1() -> Router<AppState> {
    Router::new()
        .route("/units", get(api::list_units).post(api::create_unit))
        .route("/units/{id}", get(api::get_unit).put(api::update_unit))
        .route("/units/{id}/merge", post(api::merge_unit))
        .route("/people", get(api::list_people).post(api::create_person))
        .route("/people/{id}", get(api::get_person).put(api::update_person))
        .route("/people/{id}/positions", post(api::add_position))
        .route("/documents", get(api::list_documents).post(api::create_document))
        .route("/documents/{id}", get(api::get_document).put(api::update_document))
        .route("/sessions", get(api::list_sessions).post(api::create_session))
        .route("/sessions/{id}", get(api::get_session).put(api::update_session))
        .route("/sessions/{id}/participants", post(api::add_participant))
        .route("/sessions/{id}/documents", post(api::link_document))
        .route("/targets", get(api::list_targets).post(api::create_target))
        .route("/targets/{id}", get(api::get_target).put(api::update_target))
        .route("/targets/{id}/amendments", post(api::amend_target))
        .route("/targets/{id}/measurements", post(api::add_measurement))
        .route("/petitions", get(api::list_petitions).post(api::create_petition))
        .route("/petitions/similar", get(api::similar_petitions))
        .route("/petitions/{id}", get(api::get_petition).put(api::update_petition))
        .route("/petitions/{id}/transitions", post(api::transition_petition))
        .route("/petitions/{id}/raisings", post(api::raise_petition))
        .route("/petitions/{id}/merge", post(api::merge_petition))
        .route("/petitions/{id}/notes", post(api::note_petition))
        .route("/directives", get(api::list_directives).post(api::create_directive))
        .route("/directives/{id}", get(api::get_directive).put(api::update_directive))
        .route("/directives/{id}/transitions", post(api::transition_directive))
        .route("/directives/{id}/progress", post(api::report_progress))
        .route("/directives/{id}/extensions", post(api::extend_directive))
        .route(
            "/directives/{id}/evidence",
            get(api::list_evidence).post(api::add_evidence),
        )
        .route(
            "/directives/{id}/extension-requests",
            post(api::request_extension),
        )
        .route(
            "/directives/{id}/extension-requests/{request}",
            post(api::decide_extension),
        )
        .route("/history/{entity}/{id}", get(api::history))
        .route("/me", get(api::me))
        .route("/me/profile", get(api::get_profile).put(api::set_profile))
        .route("/notices", get(api::list_notices))
        .route("/stats", get(api::stats))
        .route(
            "/imports",
            post(api::imports::upload)
                .layer(DefaultBodyLimit::max(tabular::MAX_UPLOAD_BYTES)),
        )
        .route("/imports/{id}", get(api::imports::show))
        .route("/imports/{id}/rows", get(api::imports::rows))
        .route("/imports/{id}/commit", post(api::imports::commit))
        .route("/notices/read", post(api::read_notices))
        .route("/users", get(api::list_users).post(api::create_user))
        .route("/users/{id}", get(api::get_user).put(api::update_user))
        .route("/users/{id}/active", post(api::set_user_active))
        .route("/users/{id}/password-reset", post(api::send_password_reset))
        .route("/tokens", post(api::create_token).get(api::list_tokens))
        .route("/tokens/{id}", delete(api::revoke_token))
        .route("/open311-clients", get(api::submissions::clients).post(api::submissions::create_client))
        .route("/open311-clients/{id}", delete(api::submissions::revoke_client))
        .route("/submissions", get(api::submissions::queue))
        .route("/submissions/{id}", get(api::submissions::get))
        .route("/submissions/{id}/accept", post(api::submissions::accept))
        .route("/submissions/{id}/reject", post(api::submissions::reject))
        .route("/openapi.json", get(api::openapi_json))
}

/// Open311 GeoReport v2 (`crate::open311`): each document by its file name, `.json` or
/// `.xml`.
#[rustfmt::skip]
fn open311() -> Router<AppState> {
    Router::new()
        .route("/{file}", get(crate::open311::top).post(crate::open311::post))
        .route("/services/{file}", get(crate::open311::definition))
        .route("/requests/{file}", get(crate::open311::request))
        .route("/tokens/{file}", get(crate::open311::token))
}

/// Readiness: whether this node can reach its database (a load balancer's check); `/healthz`
/// only says the process is alive.
async fn ready(
    axum::extract::State(st): axum::extract::State<AppState>,
) -> axum::response::Response {
    match st.app.store().ping().await {
        Ok(()) => "ready".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            crate::error::AppError::Unavailable.into_response()
        }
    }
}

async fn style(headers: axum::http::HeaderMap) -> axum::response::Response {
    asset(
        &headers,
        "text/css; charset=utf-8",
        include_str!("../assets/style.css"),
    )
}

async fn pick_js(headers: axum::http::HeaderMap) -> axum::response::Response {
    asset(
        &headers,
        "text/javascript; charset=utf-8",
        include_str!("../assets/pick.js"),
    )
}

/// A file served from the binary, with its `ETag`: `304` to a client that holds it.
pub(crate) fn asset(
    headers: &axum::http::HeaderMap,
    content_type: &'static str,
    body: &'static str,
) -> axum::response::Response {
    let etag = crate::cache::etag_of(body.as_bytes());
    let held = headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes());
    let cache = (
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    if held {
        return (
            axum::http::StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag), cache],
        )
            .into_response();
    }
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::ETAG, etag),
            cache,
        ],
        body,
    )
        .into_response()
}

/// A request is served to its end even when its client hangs up: the work runs in a task of
/// its own, so a dropped connection cannot stop it between two database statements (a pooled
/// connection left inside a transaction wedged SQLite until a restart). A panic in a handler
/// becomes a 500 rather than a closed connection.
async fn run_to_completion(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    match tokio::spawn(next.run(req)).await {
        Ok(resp) => resp,
        Err(e) => {
            tracing::error!(error = %e, "request task failed");
            axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The largest body a request to `path` may carry: a spreadsheet's upload, or a form.
pub(crate) fn body_limit(path: &str) -> usize {
    match path {
        "/imports" | "/api/v1/imports" => tabular::MAX_UPLOAD_BYTES,
        p if p.starts_with("/articles/") && p.ends_with("/photos") => {
            dondoc_app::photos::MAX_BYTES + 64 * 1024
        }
        _ => MAX_FORM_BYTES,
    }
}

/// Bounds every request's body by [`body_limit`]: refused at once (413) when it says it is
/// larger, cut off where it outgrows it when it does not say.
async fn limit_body(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let limit = body_limit(req.uri().path());
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return axum::http::StatusCode::PAYLOAD_TOO_LARGE.into_response();
    }
    let (parts, body) = req.into_parts();
    let body = axum::body::Body::new(http_body_util::Limited::new(body, limit));
    next.run(axum::extract::Request::from_parts(parts, body))
        .await
}

/// The whole application: routes, sessions and login, CSRF, limits, headers, error rendering.
pub fn router(state: AppState) -> Router {
    let sessions = SessionManagerLayer::new(DbSessionStore {
        store: state.app.store().clone(),
    })
    .with_name(SESSION_COOKIE)
    .with_secure(state.config.secure_cookies)
    .with_http_only(true)
    .with_same_site(SameSite::Lax)
    .with_expiry(Expiry::OnInactivity(time::Duration::hours(8)));
    let auth = AuthManagerLayerBuilder::new(
        Backend {
            app: state.app.clone(),
        },
        sessions,
    )
    .build();
    let header = |name: &'static str, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(
            header::HeaderName::from_static(name),
            HeaderValue::from_static(value),
        )
    };
    crate::metrics::install();
    Router::new()
        .merge(pages())
        .nest("/api/v1", api_v1())
        .nest("/open311/v2", open311())
        .route_layer(from_fn(crate::metrics::track))
        .layer(from_fn(csrf_guard))
        .layer(from_fn(refuse_control_characters))
        .layer(from_fn(no_store_when_signed_in))
        .layer(from_fn(crate::error::note_viewer))
        .layer(auth)
        .layer(DefaultBodyLimit::max(MAX_FORM_BYTES))
        .layer(from_fn(limit_body))
        .layer(header("content-security-policy", CSP))
        .layer(header("x-content-type-options", "nosniff"))
        .layer(header("x-frame-options", "DENY"))
        .layer(header("referrer-policy", "same-origin"))
        .layer(from_fn_with_state(state.clone(), render_errors))
        .layer(CompressionLayer::new().compress_when(SizeAbove::new(1024)))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
            tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(from_fn(run_to_completion))
        // Outermost: a visitor's page kept in memory is answered before any other work.
        .layer(from_fn_with_state(state.pages.clone(), crate::cache::serve))
        // Outside the cache: a page answered from memory is a view too.
        .layer(from_fn_with_state(state.clone(), crate::sidebar::count))
        .with_state(state)
}
