//! Spreadsheet imports through the API, the same use cases as the `/imports` pages: send a
//! file, follow its reading, read the rows with their problems, write all or the valid rows.
//! Reading and writing run in the background; the job's state says where they are.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use dondoc_app::tabular::{self, Kind, Mode, Refused};
use dondoc_store::RowFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ok, ApiErrorBody, ApiJson, ApiResult};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::tabular::{file_message, job_message, labels};
use crate::AppState;
use dondoc_app as app;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// petitions, directives or targets
    pub kind: Option<String>,
    /// The unit of rows that name none: an id or a name.
    pub unit_id: Option<String>,
    /// The file's name (its kind is read from its bytes).
    pub file_name: Option<String>,
}

/// An import: what was read, what was written, and where it stands.
#[derive(Serialize, ToSchema)]
pub struct ImportBody {
    pub id: i64,
    pub kind: String,
    pub file_name: String,
    /// reading, ready (read, waiting for a commit), writing, done or failed
    pub state: String,
    pub rows_total: i64,
    pub rows_error: i64,
    pub rows_duplicate: i64,
    pub written: i64,
    pub skipped: i64,
    /// Why it failed, in the caller's language.
    pub message: Option<String>,
    /// Rows written so far while it writes, on the node that writes it.
    pub progress: Option<ProgressBody>,
}

#[derive(Serialize, ToSchema)]
pub struct ProgressBody {
    pub done: u64,
    pub total: u64,
}

fn body(st: &AppState, v: &Viewer, job: tabular::Job) -> ImportBody {
    let j = job.job;
    ImportBody {
        progress: tabular::progress(&st.app, j.id).map(|p| ProgressBody {
            done: p.done,
            total: p.total,
        }),
        id: j.id,
        kind: job.kind.as_str().into(),
        file_name: j.file_name,
        state: j.state,
        rows_total: j.rows_total,
        rows_error: j.rows_error,
        rows_duplicate: j.rows_duplicate,
        written: j.written,
        skipped: j.skipped,
        message: j.message.map(|m| job_message(v.lang, &m)),
    }
}

/// 202 with the job, and where to follow it.
fn accepted(b: ImportBody) -> Response {
    let location = format!("/api/v1/imports/{}", b.id);
    let mut resp = (StatusCode::ACCEPTED, Json(b)).into_response();
    if let Ok(l) = HeaderValue::from_str(&location) {
        resp.headers_mut().insert(header::LOCATION, l);
    }
    resp
}

fn refused(status: StatusCode, code: &str, message: String) -> Response {
    let b = ApiErrorBody {
        error: code.into(),
        message,
        field: Some("file".into()),
        fields: vec![],
    };
    (status, Json(b)).into_response()
}

/// The bytes of a spreadsheet (.xlsx or .csv), as the request body.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct SheetFile(#[allow(dead_code)] Vec<u8>);

#[utoipa::path(post, path = "/api/v1/imports", tag = "imports", params(UploadQuery), request_body(content = SheetFile, content_type = "application/octet-stream"), responses((status = 202, body = ImportBody), (status = 413, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn upload(
    State(st): State<AppState>,
    v: Viewer,
    Query(q): Query<UploadQuery>,
    bytes: axum::body::Bytes,
) -> ApiResult {
    v.require_recorder()?;
    let mut check = dondoc_domain::validate::Checker::new();
    let kind = check.choice("kind", q.kind.as_deref(), Kind::parse);
    if bytes.is_empty() {
        check.fail("file", dondoc_domain::FieldCode::Required);
    }
    check.finish(()).map_err(app::Error::from)?;
    let started = tabular::start(
        &st.app,
        &v,
        kind.expect("checked"),
        q.file_name.as_deref().unwrap_or(""),
        bytes.to_vec(),
        q.unit_id.as_deref().unwrap_or(""),
        &labels,
    )
    .await;
    let reading = match started {
        Ok(r) => r,
        Err(Refused::File(e)) => {
            let status = match e {
                tabular::FileError::Sheet(tabular::sheet::SheetError::TooLarge) => {
                    StatusCode::PAYLOAD_TOO_LARGE
                }
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            return Ok(refused(status, "invalid_file", file_message(v.lang, &e)));
        }
        Err(Refused::Other(e)) => return Err(e.into()),
    };
    let id = reading.job_id();
    tokio::spawn(async move { reading.run(&|_| {}).await });
    Ok(accepted(body(
        &st,
        &v,
        tabular::job(&st.app, &v, id).await?,
    )))
}

#[utoipa::path(get, path = "/api/v1/imports/{id}", tag = "imports", params(("id" = i64, Path)), responses((status = 200, body = ImportBody), (status = 404, body = ApiErrorBody)))]
pub async fn show(State(st): State<AppState>, v: Viewer, Path(id): Path<i64>) -> ApiResult {
    let job = tabular::job(&st.app, &v, id).await?;
    ok(body(&st, &v, job))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RowsQuery {
    /// all (default), errors or duplicates
    pub show: Option<String>,
    /// Rows after this row number.
    pub after: Option<i64>,
    /// At most this many (500 at most; 100 by default).
    pub limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct RowBody {
    /// The row's number in the sheet.
    pub row: i64,
    /// Its cells, in the kind's column order.
    pub cells: Vec<String>,
    pub problems: Vec<ProblemBody>,
    /// What it may duplicate: `row:12` (an earlier row) or `petition:42` (a record).
    pub duplicate: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ProblemBody {
    /// The column (field) of the cell.
    pub field: String,
    pub code: String,
    pub message: String,
}

#[derive(Serialize, ToSchema)]
pub struct RowsBody {
    pub rows: Vec<RowBody>,
    /// Pass the last row's number as `after` for the next rows.
    pub more: bool,
}

#[utoipa::path(get, path = "/api/v1/imports/{id}/rows", tag = "imports", params(("id" = i64, Path), RowsQuery), responses((status = 200, body = RowsBody), (status = 404, body = ApiErrorBody)))]
pub async fn rows(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<RowsQuery>,
) -> ApiResult {
    let filter = match q.show.as_deref() {
        None | Some("" | "all") => RowFilter::All,
        Some("errors") => RowFilter::Errors,
        Some("duplicates") => RowFilter::Duplicates,
        Some(_) => {
            let inv = dondoc_domain::Invalid::one("show", dondoc_domain::FieldCode::InvalidChoice);
            return Err(AppError::Invalid(inv));
        }
    };
    let limit = q.limit.unwrap_or(100).clamp(1, 500);
    let page = tabular::rows(&st.app, &v, id, filter, q.after, None, limit).await?;
    ok(RowsBody {
        more: page.more_after,
        rows: page
            .rows
            .into_iter()
            .map(|r| RowBody {
                row: r.row,
                cells: r.cells,
                problems: r
                    .problems
                    .into_iter()
                    .map(|(field, code)| ProblemBody {
                        message: v.lang.field_message(&field, code).to_string(),
                        code: code.as_str().into(),
                        field,
                    })
                    .collect(),
                duplicate: r.duplicate,
            })
            .collect(),
    })
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct CommitBody {
    /// Write the rows without errors and leave the others; otherwise every row, or nothing
    /// while a row has an error.
    #[serde(default)]
    pub valid_only: bool,
    /// Leave the rows flagged as possible duplicates.
    #[serde(default)]
    pub skip_duplicates: bool,
}

#[utoipa::path(post, path = "/api/v1/imports/{id}/commit", tag = "imports", params(("id" = i64, Path)), request_body = CommitBody, responses((status = 202, body = ImportBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn commit(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<CommitBody>,
) -> ApiResult {
    let mode = Mode {
        valid_only: b.valid_only,
        skip_duplicates: b.skip_duplicates,
    };
    let writing = tabular::confirm(&st.app, &v, id, mode).await?;
    tokio::spawn(async move { writing.run(&|_| {}).await });
    Ok(accepted(body(
        &st,
        &v,
        tabular::job(&st.app, &v, id).await?,
    )))
}
