//! The JSON API under /api/v1. Every handler calls the same `dondoc_app` use case as
//! the page for the same action; the OpenAPI document is generated from the annotations here.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use dondoc_domain::follow::Profile;
use dondoc_domain::input::*;
use dondoc_domain::{
    Amendment, ApiToken, AuditEvent, Document, Evidence, Extension, ExtensionRequest, Measurement,
    Person, PetitionNote, Position, ProgressReport, Raising, Target, Unit, User,
};
use dondoc_store::{
    DirectiveFilter, DirectiveView, MeasurementView, Notice, Page, PetitionFilter, PetitionView,
    SessionFilter, SessionView, TargetFilter, TargetView, UnitFilter,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::auth::{check_credentials, client_addr, Viewer};
use crate::error::AppError;
use crate::AppState;
use dondoc_app as app;

pub mod imports;
pub mod submissions;

/// A JSON body whose decoding errors (malformed JSON, wrong types, unknown fields, invalid
/// UTF-8) become a `malformed_body` error instead of axum's plain-text rejection.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;
    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        // Decode to a value first: every body of this API is a JSON object, and serde would
        // otherwise take an array as the fields in order.
        let value = match Json::<serde_json::Value>::from_request(req, state).await {
            Ok(Json(v)) => v,
            Err(JsonRejection::MissingJsonContentType(_)) => {
                return Err(AppError::Malformed(
                    "expected Content-Type: application/json".into(),
                ))
            }
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(AppError::TooLarge)
            }
            Err(e) => return Err(AppError::Malformed(e.body_text())),
        };
        if !value.is_object() {
            return Err(AppError::Malformed("expected a JSON object".into()));
        }
        if has_control(&value) {
            return Err(AppError::Malformed("control characters in a value".into()));
        }
        serde_json::from_value(value)
            .map(ApiJson)
            .map_err(|e| AppError::Malformed(e.to_string()))
    }
}

/// Whether any string of a JSON value holds a control character (NUL and the like).
fn has_control(v: &serde_json::Value) -> bool {
    use serde_json::Value as V;
    match v {
        V::String(s) => crate::auth::has_forbidden_control(s),
        V::Array(a) => a.iter().any(has_control),
        V::Object(o) => o
            .iter()
            .any(|(k, v)| crate::auth::has_forbidden_control(k) || has_control(v)),
        _ => false,
    }
}

pub(crate) fn created<T: Serialize>(v: T) -> Response {
    (StatusCode::CREATED, Json(v)).into_response()
}

type ApiResult = Result<Response, AppError>;

fn ok<T: Serialize>(v: T) -> ApiResult {
    Ok(Json(v).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// Free-text search, with or without diacritics.
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

// Units.

#[utoipa::path(get, path = "/api/v1/units", tag = "units", params(Paging, ("parent_id" = Option<i64>, Query, description = "The children of this unit"), ("top" = Option<bool>, Query, description = "Only the units at the top of the tree")), responses((status = 200, description = "A page of units by name", body = Page<Unit>)))]
pub async fn list_units(
    State(st): State<AppState>,
    v: Viewer,
    Query(f): Query<UnitFilter>,
) -> ApiResult {
    ok(app::reference::units(&st.app, &v, &f).await?)
}

#[utoipa::path(get, path = "/api/v1/units/{id}", tag = "units", params(("id" = i64, Path)), responses((status = 200, body = Unit), (status = 404, body = ApiErrorBody)))]
pub async fn get_unit(State(st): State<AppState>, v: Viewer, Path(id): Path<i64>) -> ApiResult {
    ok(app::reference::unit(&st.app, &v, id).await?)
}

#[utoipa::path(post, path = "/api/v1/units", tag = "units", request_body = UnitInput, responses((status = 201, body = Unit), (status = 422, body = ApiErrorBody)))]
pub async fn create_unit(
    State(st): State<AppState>,
    v: Viewer,
    ApiJson(raw): ApiJson<UnitInput>,
) -> ApiResult {
    Ok(created(
        app::reference::create_unit(&st.app, &v, &raw).await?,
    ))
}

#[utoipa::path(put, path = "/api/v1/units/{id}", tag = "units", params(("id" = i64, Path)), request_body = UnitInput, responses((status = 200, body = Unit), (status = 409, body = ApiErrorBody)))]
pub async fn update_unit(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    ApiJson(raw): ApiJson<UnitInput>,
) -> ApiResult {
    ok(app::reference::update_unit(&st.app, &v, id, &raw).await?)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeBody {
    pub merged_into: Option<i64>,
    pub version: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/units/{id}/merge", tag = "units", params(("id" = i64, Path)), request_body = MergeBody, responses((status = 200, body = Unit), (status = 409, body = ApiErrorBody)))]
pub async fn merge_unit(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    ApiJson(raw): ApiJson<MergeBody>,
) -> ApiResult {
    ok(app::reference::merge_unit(&st.app, &v, id, raw.merged_into, raw.version).await?)
}

// People and documents.

#[utoipa::path(get, path = "/api/v1/people", tag = "people", params(Paging), responses((status = 200, body = Page<Person>)))]
pub async fn list_people(
    State(st): State<AppState>,
    v: Viewer,
    Query(p): Query<Paging>,
) -> ApiResult {
    ok(app::reference::people(&st.app, &v, p.q.as_deref(), p.limit, p.offset).await?)
}

#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "people", params(("id" = i64, Path)), responses((status = 200, body = PersonDocument), (status = 404, body = ApiErrorBody)))]
pub async fn get_person(State(st): State<AppState>, v: Viewer, Path(id): Path<i64>) -> ApiResult {
    let d = app::reference::person(&st.app, &v, id).await?;
    ok(PersonDocument {
        person: d.person,
        positions: d.positions.into_iter().map(|(p, _)| p).collect(),
    })
}

#[utoipa::path(post, path = "/api/v1/people", tag = "people", request_body = PersonInput, responses((status = 201, body = Person), (status = 422, body = ApiErrorBody)))]
pub async fn create_person(
    State(st): State<AppState>,
    v: Viewer,
    ApiJson(raw): ApiJson<PersonInput>,
) -> ApiResult {
    Ok(created(
        app::reference::create_person(&st.app, &v, &raw).await?,
    ))
}

#[utoipa::path(put, path = "/api/v1/people/{id}", tag = "people", params(("id" = i64, Path)), request_body = PersonInput, responses((status = 200, body = Person), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn update_person(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    ApiJson(raw): ApiJson<PersonInput>,
) -> ApiResult {
    ok(app::reference::update_person(&st.app, &v, id, &raw).await?)
}

#[utoipa::path(post, path = "/api/v1/people/{id}/positions", tag = "people", params(("id" = i64, Path)), request_body = PersonInput, responses((status = 201, body = Position), (status = 422, body = ApiErrorBody)))]
pub async fn add_position(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    ApiJson(raw): ApiJson<PersonInput>,
) -> ApiResult {
    Ok(created(
        app::reference::add_position(&st.app, &v, id, &raw).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/documents", tag = "documents", params(Paging), responses((status = 200, body = Page<Document>)))]
pub async fn list_documents(
    State(st): State<AppState>,
    v: Viewer,
    Query(p): Query<Paging>,
) -> ApiResult {
    ok(app::reference::documents(&st.app, &v, p.limit, p.offset).await?)
}

#[utoipa::path(get, path = "/api/v1/documents/{id}", tag = "documents", params(("id" = i64, Path)), responses((status = 200, body = Document), (status = 404, body = ApiErrorBody)))]
pub async fn get_document(State(st): State<AppState>, v: Viewer, Path(id): Path<i64>) -> ApiResult {
    ok(app::reference::document(&st.app, &v, id).await?)
}

#[utoipa::path(put, path = "/api/v1/documents/{id}", tag = "documents", params(("id" = i64, Path)), request_body = DocumentInput, responses((status = 200, body = Document), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn update_document(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    ApiJson(raw): ApiJson<DocumentInput>,
) -> ApiResult {
    ok(app::reference::update_document(&st.app, &v, id, &raw).await?)
}

#[utoipa::path(post, path = "/api/v1/documents", tag = "documents", request_body = DocumentInput, responses((status = 201, body = Document), (status = 422, body = ApiErrorBody)))]
pub async fn create_document(
    State(st): State<AppState>,
    v: Viewer,
    ApiJson(raw): ApiJson<DocumentInput>,
) -> ApiResult {
    Ok(created(
        app::reference::create_document(&st.app, &v, &raw).await?,
    ))
}

// Sessions.

#[utoipa::path(get, path = "/api/v1/sessions", tag = "sessions", params(Paging, ("host_unit_id" = Option<i64>, Query)), responses((status = 200, body = Page<SessionView>)))]
pub async fn list_sessions(
    State(st): State<AppState>,
    v: Viewer,
    Query(f): Query<SessionFilter>,
) -> ApiResult {
    ok(app::sessions::list(&st.app, &v, &f).await?)
}

#[utoipa::path(get, path = "/api/v1/sessions/{id}", tag = "sessions", params(("id" = i64, Path)), responses((status = 200, body = SessionDocument), (status = 404, body = ApiErrorBody)))]
pub async fn get_session(State(st): State<AppState>, v: Viewer, Path(id): Path<i64>) -> ApiResult {
    let d = app::sessions::detail(&st.app, &v, id).await?;
    ok(SessionDocument {
        session: d.session,
        participants: d
            .participants
            .into_iter()
            .map(|(p, role)| Participant {
                person_id: p.id,
                name: p.name,
                role,
            })
            .collect(),
        figures: d.figures,
        documents: d.documents,
    })
}

#[utoipa::path(post, path = "/api/v1/sessions", tag = "sessions", request_body = SessionInput, responses((status = 201, body = SessionView), (status = 422, body = ApiErrorBody)))]
pub async fn create_session(
    State(st): State<AppState>,
    v: Viewer,
    ApiJson(raw): ApiJson<SessionInput>,
) -> ApiResult {
    Ok(created(app::sessions::create(&st.app, &v, &raw).await?))
}

#[utoipa::path(put, path = "/api/v1/sessions/{id}", tag = "sessions", params(("id" = i64, Path)), request_body = SessionInput, responses((status = 200, body = SessionView), (status = 409, description = "Stale version", body = ApiErrorBody)))]
pub async fn update_session(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    ApiJson(raw): ApiJson<SessionInput>,
) -> ApiResult {
    ok(app::sessions::update(&st.app, &v, id, &raw).await?)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParticipantBody {
    pub person_id: Option<i64>,
    pub role: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/sessions/{id}/participants", tag = "sessions", params(("id" = i64, Path)), request_body = ParticipantBody, responses((status = 201, body = ParticipantAdded), (status = 422, body = ApiErrorBody)))]
pub async fn add_participant(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    ApiJson(raw): ApiJson<ParticipantBody>,
) -> ApiResult {
    app::sessions::add_participant(&st.app, &v, id, raw.person_id, raw.role.as_deref()).await?;
    Ok(created(ParticipantAdded {
        session_id: id,
        person_id: raw.person_id.unwrap_or_default(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentLinkBody {
    pub document_id: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/sessions/{id}/documents", tag = "sessions", params(("id" = i64, Path)), request_body = DocumentLinkBody, responses((status = 201, body = DocumentLinked), (status = 422, body = ApiErrorBody)))]
pub async fn link_document(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    ApiJson(raw): ApiJson<DocumentLinkBody>,
) -> ApiResult {
    app::sessions::link_document(&st.app, &v, id, raw.document_id).await?;
    Ok(created(DocumentLinked {
        session_id: id,
        document_id: raw.document_id.unwrap_or_default(),
    }))
}

// Targets.

#[utoipa::path(get, path = "/api/v1/targets", tag = "targets", params(Paging, ("unit_id" = Option<i64>, Query)), responses((status = 200, body = Page<TargetView>)))]
pub async fn list_targets(
    State(st): State<AppState>,
    v: Viewer,
    Query(f): Query<TargetFilter>,
) -> ApiResult {
    ok(app::targets::list(&st.app, &v, &f).await?)
}

#[utoipa::path(get, path = "/api/v1/targets/{id}", tag = "targets", params(("id" = i64, Path)), responses((status = 200, body = TargetDocument), (status = 404, body = ApiErrorBody)))]
pub async fn get_target(State(st): State<AppState>, v: Viewer, Path(id): Path<i64>) -> ApiResult {
    let d = app::targets::detail(&st.app, &v, id).await?;
    ok(TargetDocument {
        target: d.target,
        measurements: d.measurements,
        amendments: d.amendments,
    })
}

#[utoipa::path(post, path = "/api/v1/targets", tag = "targets", request_body = TargetInput, responses((status = 201, body = Target), (status = 422, body = ApiErrorBody)))]
pub async fn create_target(
    State(st): State<AppState>,
    v: Viewer,
    ApiJson(raw): ApiJson<TargetInput>,
) -> ApiResult {
    Ok(created(app::targets::create(&st.app, &v, &raw).await?))
}

#[utoipa::path(put, path = "/api/v1/targets/{id}", tag = "targets", params(("id" = i64, Path)), request_body = TargetInput, responses((status = 200, body = Target), (status = 422, description = "An approved plan changes only by amendment", body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn update_target(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    ApiJson(raw): ApiJson<TargetInput>,
) -> ApiResult {
    ok(app::targets::update(&st.app, &v, id, &raw).await?)
}

#[utoipa::path(post, path = "/api/v1/targets/{id}/amendments", tag = "targets", params(("id" = i64, Path)), request_body = AmendmentInput, responses((status = 201, body = Amendment), (status = 422, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn amend_target(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    ApiJson(raw): ApiJson<AmendmentInput>,
) -> ApiResult {
    Ok(created(app::targets::amend(&st.app, &v, id, &raw).await?))
}

#[utoipa::path(post, path = "/api/v1/targets/{id}/measurements", tag = "targets", params(("id" = i64, Path)), request_body = MeasurementInput, responses((status = 201, body = Measurement), (status = 422, body = ApiErrorBody)))]
pub async fn add_measurement(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    ApiJson(raw): ApiJson<MeasurementInput>,
) -> ApiResult {
    Ok(created(
        app::targets::add_measurement(&st.app, &v, id, &raw).await?,
    ))
}

// Petitions.

#[utoipa::path(get, path = "/api/v1/petitions", tag = "petitions", params(Paging, ("status" = Option<String>, Query), ("open" = Option<bool>, Query), ("session_id" = Option<i64>, Query), ("sort" = Option<String>, Query), ("after" = Option<String>, Query, description = "The page after this place in the order: a page's `after`"), ("before" = Option<String>, Query, description = "The page before this place in the order: a page's `before`")), responses((status = 200, body = Page<PetitionView>), (status = 422, body = ApiErrorBody)))]
pub async fn list_petitions(
    State(st): State<AppState>,
    v: Viewer,
    Query(f): Query<PetitionFilter>,
) -> ApiResult {
    ok(app::petitions::list(&st.app, &v, &f).await?)
}

/// What a new petition is compared with: its text and its area.
#[derive(Deserialize, IntoParams)]
pub struct SimilarQuery {
    pub text: String,
    pub area_unit_id: Option<i64>,
}

/// Petitions of the area like the text, open or resolved, most alike first (at most five):
/// those a new petition is refused for (`new_petition: true` records it anyway), to raise
/// again instead.
#[utoipa::path(get, path = "/api/v1/petitions/similar", tag = "petitions", params(SimilarQuery), responses((status = 200, body = Vec<PetitionView>), (status = 401, body = ApiErrorBody)))]
pub async fn similar_petitions(
    State(st): State<AppState>,
    v: Viewer,
    Query(q): Query<SimilarQuery>,
) -> ApiResult {
    v.login_required()?;
    ok(app::petitions::similar(&st.app, &v, &q.text, q.area_unit_id).await?)
}

/// A petition with its raisings; one merged into another says where (`merged_into`). The
/// address of a merged petition the caller may not see (a visitor: its raisings are the
/// other's now) answers a permanent redirect to the one it went into, when they may see that.
#[utoipa::path(get, path = "/api/v1/petitions/{id}", tag = "petitions", params(("id" = i64, Path)), responses((status = 200, body = PetitionDocument), (status = 308, description = "Merged into the petition at `Location`"), (status = 404, body = ApiErrorBody)))]
pub async fn get_petition(State(st): State<AppState>, v: Viewer, Path(id): Path<i64>) -> ApiResult {
    let app::petitions::PetitionDetail {
        petition,
        raisings,
        notes,
    } = match app::petitions::find(&st.app, &v, id).await? {
        app::petitions::Found::Petition(d) => *d,
        app::petitions::Found::MergedInto(into) => {
            return Ok(
                axum::response::Redirect::permanent(&format!("/api/v1/petitions/{into}"))
                    .into_response(),
            )
        }
    };
    let raisings = raisings
        .into_iter()
        .map(|(raising, session_title)| RaisingEntry {
            raising,
            session_title,
        })
        .collect();
    ok(PetitionDocument {
        petition,
        raisings,
        notes,
    })
}

#[utoipa::path(post, path = "/api/v1/petitions", tag = "petitions", request_body = PetitionInput, responses((status = 201, body = PetitionView), (status = 422, body = ApiErrorBody)))]
pub async fn create_petition(
    State(st): State<AppState>,
    v: Viewer,
    ApiJson(raw): ApiJson<PetitionInput>,
) -> ApiResult {
    Ok(created(app::petitions::create(&st.app, &v, &raw).await?))
}

#[utoipa::path(put, path = "/api/v1/petitions/{id}", tag = "petitions", params(("id" = i64, Path)), request_body = PetitionInput, responses((status = 200, body = PetitionView), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn update_petition(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    ApiJson(raw): ApiJson<PetitionInput>,
) -> ApiResult {
    ok(app::petitions::update(&st.app, &v, id, &raw).await?)
}

#[utoipa::path(post, path = "/api/v1/petitions/{id}/transitions", tag = "petitions", params(("id" = i64, Path)), request_body = PetitionTransitionInput, responses((status = 200, body = PetitionView), (status = 409, description = "Stale version or transition not allowed", body = ApiErrorBody)))]
pub async fn transition_petition(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    ApiJson(raw): ApiJson<PetitionTransitionInput>,
) -> ApiResult {
    ok(app::petitions::transition(&st.app, &v, id, &raw).await?)
}

/// Merges the petition into another found to be the same (`into_petition_id`), naming the
/// version of each as read: its raisings move there (a session that raised both keeps one
/// raising), and it stays on record as `merged`, with `merged_into`.
#[utoipa::path(post, path = "/api/v1/petitions/{id}/merge", tag = "petitions", params(("id" = i64, Path)), request_body = PetitionMergeInput, responses((status = 200, body = PetitionMergeDocument), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 409, description = "Stale version", body = ApiErrorBody), (status = 422, description = "Into itself, into or from a petition merged already, or a petition the caller may not see", body = ApiErrorBody)))]
pub async fn merge_petition(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    ApiJson(raw): ApiJson<PetitionMergeInput>,
) -> ApiResult {
    let done = app::petitions::merge(&st.app, &v, id, &raw).await?;
    ok(PetitionMergeDocument {
        into: done.into,
        from: done.from,
        raisings_moved: done.moved,
        shared_session_ids: done.shared_sessions,
    })
}

#[utoipa::path(post, path = "/api/v1/petitions/{id}/raisings", tag = "petitions", params(("id" = i64, Path)), request_body = RaisingInput, responses((status = 201, body = PetitionView), (status = 422, body = ApiErrorBody)))]
pub async fn raise_petition(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    ApiJson(raw): ApiJson<RaisingInput>,
) -> ApiResult {
    Ok(created(app::petitions::raise(&st.app, &v, id, &raw).await?))
}

#[utoipa::path(post, path = "/api/v1/petitions/{id}/notes", tag = "petitions", params(("id" = i64, Path)), request_body = PetitionNoteInput, responses((status = 201, body = PetitionNote), (status = 422, body = ApiErrorBody)))]
pub async fn note_petition(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    ApiJson(raw): ApiJson<PetitionNoteInput>,
) -> ApiResult {
    Ok(created(
        app::petitions::report_share(&st.app, &v, id, &raw).await?,
    ))
}

// Directives.

#[utoipa::path(get, path = "/api/v1/directives", tag = "directives", params(Paging, ("status" = Option<String>, Query), ("due" = Option<String>, Query, description = "overdue | due_soon"), ("lead_unit_id" = Option<i64>, Query)), responses((status = 200, body = Page<DirectiveView>)))]
pub async fn list_directives(
    State(st): State<AppState>,
    v: Viewer,
    Query(f): Query<DirectiveFilter>,
) -> ApiResult {
    ok(app::directives::list(&st.app, &v, &f).await?)
}

#[utoipa::path(get, path = "/api/v1/directives/{id}", tag = "directives", params(("id" = i64, Path)), responses((status = 200, body = DirectiveDocument), (status = 404, body = ApiErrorBody)))]
pub async fn get_directive(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
) -> ApiResult {
    let d = app::directives::detail(&st.app, &v, id).await?;
    ok(DirectiveDocument {
        directive: d.directive,
        progress: d.progress,
        extensions: d.extensions,
    })
}

#[utoipa::path(post, path = "/api/v1/directives", tag = "directives", request_body = DirectiveInput, responses((status = 201, body = DirectiveView), (status = 422, body = ApiErrorBody)))]
pub async fn create_directive(
    State(st): State<AppState>,
    v: Viewer,
    ApiJson(raw): ApiJson<DirectiveInput>,
) -> ApiResult {
    Ok(created(app::directives::create(&st.app, &v, &raw).await?))
}

#[utoipa::path(put, path = "/api/v1/directives/{id}", tag = "directives", params(("id" = i64, Path)), request_body = DirectiveInput, responses((status = 200, description = "The deadline is not changed here: extend it", body = DirectiveView), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn update_directive(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    ApiJson(raw): ApiJson<DirectiveInput>,
) -> ApiResult {
    ok(app::directives::update(&st.app, &v, id, &raw).await?)
}

#[utoipa::path(post, path = "/api/v1/directives/{id}/transitions", tag = "directives", params(("id" = i64, Path)), request_body = DirectiveTransitionInput, responses((status = 200, body = DirectiveView), (status = 409, body = ApiErrorBody)))]
pub async fn transition_directive(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    ApiJson(raw): ApiJson<DirectiveTransitionInput>,
) -> ApiResult {
    ok(app::directives::transition(&st.app, &v, id, &raw).await?)
}

#[utoipa::path(post, path = "/api/v1/directives/{id}/progress", tag = "directives", params(("id" = i64, Path)), request_body = ProgressInput, responses((status = 201, body = DirectiveView), (status = 422, body = ApiErrorBody)))]
pub async fn report_progress(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    ApiJson(raw): ApiJson<ProgressInput>,
) -> ApiResult {
    Ok(created(
        app::directives::report_progress(&st.app, &v, id, &raw).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/directives/{id}/extensions", tag = "directives", params(("id" = i64, Path)), request_body = ExtensionInput, responses((status = 201, body = DirectiveView), (status = 409, body = ApiErrorBody)))]
pub async fn extend_directive(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    ApiJson(raw): ApiJson<ExtensionInput>,
) -> ApiResult {
    Ok(created(
        app::directives::extend(&st.app, &v, id, &raw).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/directives/{id}/evidence", tag = "directives", params(("id" = i64, Path)), responses((status = 200, body = Vec<Evidence>), (status = 403, body = ApiErrorBody)))]
pub async fn list_evidence(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
) -> ApiResult {
    v.require_staff()?;
    ok(app::directives::detail(&st.app, &v, id).await?.evidence)
}

/// The bytes of an evidence file, as the request body.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct EvidenceFile(#[allow(dead_code)] Vec<u8>);

#[derive(Deserialize, IntoParams)]
pub struct EvidenceQuery {
    /// The file's name as the uploader had it.
    pub name: Option<String>,
}

/// Adds a file backing the result: the body is the file itself (PDF, PNG, JPEG, WebP, .docx or
/// .xlsx, read from its bytes; 3 MB at most). It is fetched at
/// `/directives/{id}/evidence/{file}`, always as an attachment.
#[utoipa::path(post, path = "/api/v1/directives/{id}/evidence", tag = "directives", params(("id" = i64, Path), EvidenceQuery), request_body(content = EvidenceFile, content_type = "application/octet-stream"), responses((status = 201, body = Evidence), (status = 422, body = ApiErrorBody)))]
pub async fn add_evidence(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<EvidenceQuery>,
    body: axum::body::Bytes,
) -> ApiResult {
    Ok(created(
        app::directives::add_evidence(&st.app, &v, id, q.name.as_deref().unwrap_or(""), &body)
            .await?,
    ))
}

/// Asks for a later deadline (the lead unit's side), with the reason; one request waits at a
/// time.
#[utoipa::path(post, path = "/api/v1/directives/{id}/extension-requests", tag = "directives", params(("id" = i64, Path)), request_body = ExtensionInput, responses((status = 201, body = ExtensionRequest), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn request_extension(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    ApiJson(raw): ApiJson<ExtensionInput>,
) -> ApiResult {
    Ok(created(
        app::directives::request_extension(&st.app, &v, id, &raw).await?,
    ))
}

/// Grants (`approve`: the deadline moves) or refuses (`refuse`, with a note) a waiting
/// request: the issuer's side.
#[utoipa::path(post, path = "/api/v1/directives/{id}/extension-requests/{request}", tag = "directives", params(("id" = i64, Path), ("request" = i64, Path)), request_body = ExtensionDecisionInput, responses((status = 200, body = ExtensionRequest), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn decide_extension(
    State(st): State<AppState>,
    v: Viewer,
    Path((id, request)): Path<(i64, i64)>,
    ApiJson(raw): ApiJson<ExtensionDecisionInput>,
) -> ApiResult {
    ok(app::directives::decide_extension(&st.app, &v, id, request, &raw).await?)
}

// History, users, tokens.

#[utoipa::path(get, path = "/api/v1/history/{entity}/{id}", tag = "history", params(("entity" = String, Path, description = "unit, person, document, session, target, petition, directive, user"), ("id" = i64, Path)), responses((status = 200, body = Vec<AuditEvent>)))]
pub async fn history(
    State(st): State<AppState>,
    v: Viewer,
    Path((entity, id)): Path<(String, i64)>,
) -> ApiResult {
    ok(app::history::of(&st.app, &v, &entity, id).await?)
}

#[utoipa::path(get, path = "/api/v1/me", tag = "users", responses((status = 200, body = User), (status = 401, body = ApiErrorBody)))]
pub async fn me(v: Viewer) -> ApiResult {
    match &v.user {
        Some(u) => ok(u),
        None => Err(AppError::Unauthorized),
    }
}

#[utoipa::path(get, path = "/api/v1/me/profile", tag = "users", responses((status = 200, body = Profile), (status = 401, body = ApiErrorBody)))]
pub async fn get_profile(State(st): State<AppState>, v: Viewer) -> ApiResult {
    ok(app::follow::profile(&st.app, &v).await?)
}

/// Sets the caller's choices: every field is written (an absent choice is off).
#[utoipa::path(put, path = "/api/v1/me/profile", tag = "users", request_body = ProfileInput, responses((status = 200, body = Profile), (status = 422, body = ApiErrorBody)))]
pub async fn set_profile(
    State(st): State<AppState>,
    v: Viewer,
    ApiJson(raw): ApiJson<ProfileInput>,
) -> ApiResult {
    ok(app::follow::set_profile(&st.app, &v, &raw).await?)
}

/// A leader's dashboard as figures: for a unit and the units below it (all units when none
/// is named) and a period (the current year by default), with a row per unit one level down.
#[utoipa::path(get, path = "/api/v1/stats", tag = "stats", params(dondoc_app::stats::OverviewQuery), responses((status = 200, body = dondoc_app::stats::Overview), (status = 401, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn stats(
    State(st): State<AppState>,
    v: Viewer,
    Query(q): Query<dondoc_app::stats::OverviewQuery>,
) -> ApiResult {
    ok(app::stats::overview(&st.app, &v, &q).await?)
}

#[derive(Deserialize, IntoParams)]
pub struct NoticeQuery {
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The caller's notices, newest first, and how many are unread.
#[derive(Serialize, ToSchema)]
pub struct NoticeList {
    pub items: Vec<Notice>,
    pub unread: i64,
}

#[utoipa::path(get, path = "/api/v1/notices", tag = "users", params(NoticeQuery), responses((status = 200, body = NoticeList), (status = 401, body = ApiErrorBody)))]
pub async fn list_notices(
    State(st): State<AppState>,
    v: Viewer,
    Query(q): Query<NoticeQuery>,
) -> ApiResult {
    let (items, unread) =
        app::follow::notices(&st.app, &v, q.limit.unwrap_or(50), q.offset.unwrap_or(0)).await?;
    ok(NoticeList { items, unread })
}

/// Which notices to mark read: those named, or all when `ids` is absent.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadBody {
    pub ids: Option<Vec<i64>>,
}

#[utoipa::path(post, path = "/api/v1/notices/read", tag = "users", request_body = ReadBody, responses((status = 204), (status = 401, body = ApiErrorBody)))]
pub async fn read_notices(
    State(st): State<AppState>,
    v: Viewer,
    ApiJson(body): ApiJson<ReadBody>,
) -> Result<Response, AppError> {
    app::follow::read(&st.app, &v, body.ids.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(get, path = "/api/v1/users", tag = "users", responses((status = 200, body = Vec<User>), (status = 403, body = ApiErrorBody)))]
pub async fn list_users(State(st): State<AppState>, v: Viewer) -> ApiResult {
    ok(app::users::list(&st.app, &v).await?)
}

#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = UserInput, responses((status = 201, body = User), (status = 422, body = ApiErrorBody)))]
pub async fn create_user(
    State(st): State<AppState>,
    v: Viewer,
    ApiJson(raw): ApiJson<UserInput>,
) -> ApiResult {
    Ok(created(app::users::create(&st.app, &v, &raw).await?))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path)), responses((status = 200, body = User), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn get_user(State(st): State<AppState>, v: Viewer, Path(id): Path<i64>) -> ApiResult {
    ok(app::users::get(&st.app, &v, id).await?)
}

#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path)), request_body = UserEditInput, responses((status = 200, body = User), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn update_user(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    ApiJson(raw): ApiJson<UserEditInput>,
) -> ApiResult {
    ok(app::users::update(&st.app, &v, id, &raw).await?)
}

#[derive(Serialize, ToSchema)]
pub struct ResetResponse {
    /// The address the link was mailed to.
    pub mailed_to: Option<String>,
    /// When it was not mailed (no mail server, no address, the server refused): the link's
    /// path under dondoc's address, for the administrator to hand over. Shown once.
    pub link: Option<String>,
    /// Why it was not mailed: `no_server`, `no_address` or `failed`.
    pub not_mailed: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/users/{id}/password-reset", tag = "users", params(("id" = i64, Path)), responses((status = 200, body = ResetResponse), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn send_password_reset(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
) -> ApiResult {
    let sent = app::users::send_reset(&st.app, &v, id, &crate::auth::secret()).await?;
    ok(match sent {
        app::users::ResetSent::Mailed(to) => ResetResponse {
            mailed_to: Some(to),
            link: None,
            not_mailed: None,
        },
        app::users::ResetSent::Handed { path, why } => ResetResponse {
            mailed_to: None,
            link: Some(path),
            not_mailed: Some(
                match why {
                    app::users::NotMailed::NoServer => "no_server",
                    app::users::NotMailed::NoAddress => "no_address",
                    app::users::NotMailed::Failed => "failed",
                }
                .into(),
            ),
        },
    })
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActiveBody {
    pub active: Option<bool>,
    pub version: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/users/{id}/active", tag = "users", params(("id" = i64, Path)), request_body = ActiveBody, responses((status = 200, body = User), (status = 409, body = ApiErrorBody)))]
pub async fn set_user_active(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    ApiJson(raw): ApiJson<ActiveBody>,
) -> ApiResult {
    ok(app::users::set_active(&st.app, &v, id, raw.active, raw.version).await?)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    pub login: String,
    pub password: String,
    /// What the token is for ("sổ theo dõi", "script"…).
    pub name: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    /// Send as `Authorization: Bearer <token>`. Shown once; only its digest is stored.
    pub token: String,
}

#[utoipa::path(post, path = "/api/v1/tokens", tag = "users", request_body = TokenRequest, responses((status = 201, body = TokenResponse), (status = 401, body = ApiErrorBody), (status = 429, body = ApiErrorBody)))]
pub async fn create_token(State(st): State<AppState>, req: Request) -> ApiResult {
    let addr = client_addr(req.extensions(), req.headers(), st.config.trusted_proxies);
    let ApiJson(body) = ApiJson::<TokenRequest>::from_request(req, &st).await?;
    let user = check_credentials(&st, &body.login, &body.password, &addr).await?;
    let mut bytes = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut bytes);
    let token = format!("dd_{}", hex::encode(bytes));
    let name = body.name.unwrap_or_else(|| "api".into());
    app::users::create_token(&st.app, &user.user, &name, &token).await?;
    Ok(created(TokenResponse { token }))
}

// The documents of single records: the record and what its page shows with it.

/// A person and their positions.
#[derive(Serialize, ToSchema)]
pub struct PersonDocument {
    pub person: Person,
    pub positions: Vec<Position>,
}

/// Someone at a session, with the role the report gives them.
#[derive(Serialize, ToSchema)]
pub struct Participant {
    pub person_id: i64,
    pub name: String,
    pub role: String,
}

/// A session with its participants, the figures reported at it and the documents reviewed.
#[derive(Serialize, ToSchema)]
pub struct SessionDocument {
    pub session: SessionView,
    pub participants: Vec<Participant>,
    pub figures: Vec<MeasurementView>,
    pub documents: Vec<Document>,
}

#[derive(Serialize, ToSchema)]
pub struct ParticipantAdded {
    pub session_id: i64,
    pub person_id: i64,
}

#[derive(Serialize, ToSchema)]
pub struct DocumentLinked {
    pub session_id: i64,
    pub document_id: i64,
}

/// A target with the measurements the caller may see and the amendments of its plan.
#[derive(Serialize, ToSchema)]
pub struct TargetDocument {
    pub target: TargetView,
    /// Each with the plan in force at the end of its period and its percent of that plan.
    pub measurements: Vec<dondoc_domain::target::Figure>,
    pub amendments: Vec<Amendment>,
}

/// One time a petition was raised, with the title of the session it was raised at.
#[derive(Serialize, ToSchema)]
pub struct RaisingEntry {
    pub raising: Raising,
    pub session_title: Option<String>,
}

/// A petition with every raising the caller may see.
#[derive(Serialize, ToSchema)]
pub struct PetitionDocument {
    pub petition: PetitionView,
    pub raisings: Vec<RaisingEntry>,
    /// What the coordinating units said of their part (for staff).
    pub notes: Vec<PetitionNote>,
}

/// What a merge did: the petition that holds both now, the one merged into it, how many
/// raisings moved, and the sessions that had raised both (each keeps one raising).
#[derive(Serialize, ToSchema)]
pub struct PetitionMergeDocument {
    pub into: PetitionView,
    pub from: PetitionView,
    pub raisings_moved: i64,
    pub shared_session_ids: Vec<i64>,
}

/// A directive with its progress reports and deadline extensions.
#[derive(Serialize, ToSchema)]
pub struct DirectiveDocument {
    pub directive: DirectiveView,
    pub progress: Vec<ProgressReport>,
    pub extensions: Vec<Extension>,
}

#[derive(Deserialize, IntoParams)]
pub struct TokenQuery {
    /// Another user's tokens (administrators only); one's own by default.
    pub user_id: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/tokens", tag = "users", params(TokenQuery), responses((status = 200, body = Vec<ApiToken>), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)))]
pub async fn list_tokens(
    State(st): State<AppState>,
    v: Viewer,
    Query(q): Query<TokenQuery>,
) -> ApiResult {
    ok(app::users::tokens(&st.app, &v, q.user_id).await?)
}

/// What a revocation answers.
#[derive(Serialize, ToSchema)]
pub struct TokenRevoked {
    pub revoked: i64,
}

#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "users", params(("id" = i64, Path)), responses((status = 200, body = TokenRevoked), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn revoke_token(State(st): State<AppState>, v: Viewer, Path(id): Path<i64>) -> ApiResult {
    app::users::revoke_token(&st.app, &v, id).await?;
    ok(TokenRevoked { revoked: id })
}

/// Every error: a stable code, a message in the caller's language, the first field at fault.
#[derive(Serialize, ToSchema)]
pub struct ApiErrorBody {
    /// Stable snake_case code: invalid_input, version_conflict, not_found, forbidden, …
    pub error: String,
    pub message: String,
    pub field: Option<String>,
    pub fields: Vec<ApiFieldError>,
}

#[derive(Serialize, ToSchema)]
pub struct ApiFieldError {
    pub field: String,
    pub code: String,
    pub message: String,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "dondoc API",
        version = "1",
        description = "Sessions, petitions, directives and targets of local government working sessions. Authenticate with `Authorization: Bearer <token>` (POST /api/v1/tokens)."
    ),
    paths(
        list_units,
        get_unit,
        create_unit,
        update_unit,
        merge_unit,
        list_people,
        get_person,
        create_person,
        update_person,
        add_position,
        list_documents,
        get_document,
        create_document,
        update_document,
        list_sessions,
        get_session,
        create_session,
        update_session,
        add_participant,
        link_document,
        list_targets,
        get_target,
        create_target,
        update_target,
        amend_target,
        add_measurement,
        list_petitions,
        similar_petitions,
        get_petition,
        create_petition,
        update_petition,
        transition_petition,
        raise_petition,
        merge_petition,
        note_petition,
        list_directives,
        get_directive,
        create_directive,
        update_directive,
        transition_directive,
        report_progress,
        extend_directive,
        list_evidence,
        add_evidence,
        request_extension,
        decide_extension,
        history,
        me,
        get_profile,
        set_profile,
        list_notices,
        read_notices,
        stats,
        list_users,
        create_user,
        get_user,
        update_user,
        send_password_reset,
        set_user_active,
        create_token,
        imports::upload,
        imports::show,
        imports::rows,
        imports::commit,
        list_tokens,
        revoke_token,
        submissions::queue,
        submissions::get,
        submissions::accept,
        submissions::reject,
        submissions::clients,
        submissions::create_client,
        submissions::revoke_client,
        openapi_json,
    ),
    components(schemas(
        ApiErrorBody,
        ApiFieldError,
        TokenRequest,
        TokenResponse,
        MergeBody,
        ParticipantBody,
        DocumentLinkBody,
        ActiveBody,
        ResetResponse,
        imports::ImportBody,
        imports::ProgressBody,
        imports::RowsBody,
        imports::RowBody,
        imports::ProblemBody,
        imports::CommitBody,
        imports::SheetFile,
        NoticeList,
        ReadBody,
        EvidenceFile,
        submissions::DecisionBody,
        submissions::ClientBody,
        submissions::ClientKey,
        dondoc_domain::resident::SubmissionStatus
    ))
)]
pub struct ApiDoc;

#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta", responses((status = 200, description = "This document", body = Object)))]
pub async fn openapi_json() -> Response {
    Json(ApiDoc::openapi()).into_response()
}
