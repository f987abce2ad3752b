//! Residents' petitions through the API: the moderation queue and its decisions, the same
//! use cases as the `/moderation` page.

use axum::extract::{Path, Query, State};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{ok, ApiErrorBody, ApiJson, ApiResult};
use crate::auth::Viewer;
use crate::AppState;
use dondoc_app as app;
use dondoc_store::{Page, SubmissionView};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// A decision on a submission: the version read, and for a rejection the reason the
/// resident reads.
#[derive(Deserialize, ToSchema)]
pub struct DecisionBody {
    pub version: Option<i64>,
    pub reason: Option<String>,
}

/// Submissions waiting for the caller (of the wards in their scope), oldest first.
#[utoipa::path(get, path = "/api/v1/submissions", tag = "submissions", params(QueueQuery), responses((status = 200, body = Page<SubmissionView>), (status = 401, body = ApiErrorBody)))]
pub async fn queue(
    State(st): State<AppState>,
    v: Viewer,
    Query(q): Query<QueueQuery>,
) -> ApiResult {
    ok(app::residents::queue(&st.app, &v, q.limit, q.offset).await?)
}

#[utoipa::path(get, path = "/api/v1/submissions/{id}", tag = "submissions", params(("id" = i64, Path)), responses((status = 200, body = SubmissionView), (status = 404, body = ApiErrorBody)))]
pub async fn get(State(st): State<AppState>, v: Viewer, Path(id): Path<i64>) -> ApiResult {
    ok(app::residents::get(&st.app, &v, id).await?)
}

/// Accepts a waiting submission: a petition of its ward, public from then on, or one more
/// raising of the petition the resident joined.
#[utoipa::path(post, path = "/api/v1/submissions/{id}/accept", tag = "submissions", params(("id" = i64, Path)), request_body = DecisionBody, responses((status = 200, body = SubmissionView), (status = 409, body = ApiErrorBody)))]
pub async fn accept(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<DecisionBody>,
) -> ApiResult {
    ok(app::residents::accept(&st.app, &v, id, b.version).await?)
}

/// Rejects a waiting submission with the reason its resident reads on the tracking page.
#[utoipa::path(post, path = "/api/v1/submissions/{id}/reject", tag = "submissions", params(("id" = i64, Path)), request_body = DecisionBody, responses((status = 200, body = SubmissionView), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn reject(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<DecisionBody>,
) -> ApiResult {
    ok(app::residents::reject(&st.app, &v, id, b.version, b.reason.as_deref()).await?)
}

/// A new Open311 client: its name; the answer holds its key, shown this once.
#[derive(Deserialize, ToSchema)]
pub struct ClientBody {
    pub name: Option<String>,
}

#[derive(serde::Serialize, ToSchema)]
pub struct ClientKey {
    #[serde(flatten)]
    pub client: dondoc_store::ApiClient,
    /// The key the client sends as `api_key`; only its digest is kept.
    pub api_key: String,
}

/// The Open311 clients that may send petitions (administrators).
#[utoipa::path(get, path = "/api/v1/open311-clients", tag = "submissions", responses((status = 200, body = Vec<dondoc_store::ApiClient>), (status = 403, body = ApiErrorBody)))]
pub async fn clients(State(st): State<AppState>, v: Viewer) -> ApiResult {
    ok(app::open311::clients(&st.app, &v).await?)
}

/// Makes an Open311 client and its key (administrators).
#[utoipa::path(post, path = "/api/v1/open311-clients", tag = "submissions", request_body = ClientBody, responses((status = 201, body = ClientKey), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_client(
    State(st): State<AppState>,
    v: Viewer,
    ApiJson(b): ApiJson<ClientBody>,
) -> ApiResult {
    let mut bytes = [0u8; 24];
    rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut bytes);
    let key = format!("o311_{}", hex::encode(bytes));
    let client =
        app::open311::create_client(&st.app, &v, b.name.as_deref().unwrap_or(""), &key).await?;
    Ok(super::created(ClientKey {
        client,
        api_key: key,
    }))
}

/// Revokes an Open311 client's key (administrators).
#[utoipa::path(delete, path = "/api/v1/open311-clients/{id}", tag = "submissions", params(("id" = i64, Path)), responses((status = 200, body = dondoc_store::ApiClient), (status = 403, body = ApiErrorBody)))]
pub async fn revoke_client(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
) -> ApiResult {
    ok(app::open311::revoke_client(&st.app, &v, id).await?)
}
