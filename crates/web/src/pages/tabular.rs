//! "Import from a spreadsheet": upload a .xlsx or .csv list of petitions, directives or
//! targets; follow its reading (a page that refreshes itself, no script needed); read the
//! preview — the rows a page at a time, each problem beside its row and column, possible
//! duplicates flagged — and confirm: all rows (refused while one has an error) or the valid
//! rows only; then follow the writing the same way. The rules are `dondoc_app::tabular`'s.
//!
//! The upload is a multipart form whose CSRF token travels in its body (`_csrf`, its first
//! field), never in the address.

use askama::Template;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use dondoc_app::tabular::{self, FileError, Job, Kind, Mode, PreviewRow, Refused};
use dondoc_domain::FieldCode;
use dondoc_store::RowFilter;
use serde::Deserialize;
use tower_sessions::Session;

use super::{layout, render, Field, Layout};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::AppState;

/// The largest upload: the file's bound and room for the form around it.
pub const MAX_UPLOAD_BYTES: usize = tabular::sheet::MAX_FILE + 64 * 1024;

/// How long a request waits for a job to finish before it answers with the page that
/// follows it: small files are read (or written) by the time the page is drawn.
const WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// Rows on a page of the preview.
const PAGE_ROWS: i64 = 100;

/// Every column label in both languages: what a header row may say.
pub fn labels(key: &str) -> Vec<String> {
    vec![Lang::Vi.t(key).to_string(), Lang::En.t(key).to_string()]
}

#[derive(Template)]
#[template(path = "tabular_upload.html")]
struct UploadPage {
    layout: Layout,
    kinds: Vec<(&'static str, &'static str, bool)>,
    unit: Field,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct UploadQuery {
    kind: Option<String>,
}

async fn upload_page(
    st: &AppState,
    v: &Viewer,
    session: &Session,
    kind: Option<Kind>,
    unit: &str,
    error: Option<String>,
) -> Result<UploadPage, AppError> {
    let layout = layout(v, session, "imports", v.lang.t("tabular.title")).await?;
    let units = dondoc_app::reference::unit_tree(&st.app, v).await?;
    let kinds = Kind::ALL
        .into_iter()
        .map(|k| {
            (
                k.as_str(),
                v.lang.t(&format!("tabular.kind_{}", k.as_str())),
                Some(k) == kind,
            )
        })
        .collect();
    let mut unit = super::unit_choice(v.lang, "unit_id", unit, &units);
    unit.label = v.lang.t("tabular.default_unit");
    unit.hint = Some("tabular.default_unit_hint");
    Ok(UploadPage {
        layout,
        kinds,
        unit,
        error,
    })
}

pub async fn show(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Query(q): Query<UploadQuery>,
) -> Result<Html<String>, AppError> {
    v.require_recorder()?;
    let kind = q.kind.as_deref().and_then(Kind::parse);
    render(&upload_page(&st, &v, &session, kind, "", None).await?)
}

/// What the upload form sent.
#[derive(Default)]
struct Upload {
    kind: Option<Kind>,
    unit: String,
    file_name: String,
    bytes: Vec<u8>,
}

async fn upload_of(req: Request, st: &AppState) -> Result<Upload, &'static str> {
    let mut form = Multipart::from_request(req, st)
        .await
        .map_err(|_| "tabular.not_a_sheet")?;
    let mut up = Upload::default();
    while let Some(field) = form.next_field().await.map_err(|_| "tabular.too_large")? {
        let name = field.name().unwrap_or("").to_string();
        match name.as_str() {
            "file" => {
                up.file_name = field.file_name().unwrap_or("").to_string();
                up.bytes = field
                    .bytes()
                    .await
                    .map_err(|_| "tabular.too_large")?
                    .to_vec();
            }
            "kind" | "unit_id" => {
                let text = field.text().await.map_err(|_| "tabular.not_a_sheet")?;
                if crate::auth::has_forbidden_control(&text) || text.len() > 1000 {
                    return Err("tabular.not_a_sheet");
                }
                if name == "kind" {
                    up.kind = Kind::parse(text.trim());
                } else {
                    up.unit = text;
                }
            }
            _ => {}
        }
    }
    Ok(up)
}

/// A refusal of the file, in words, with the column it names in the file's language.
pub(crate) fn file_message(lang: Lang, e: &FileError) -> String {
    let code = e.code();
    let (key, field) = code.split_once(':').unwrap_or((&code, ""));
    let msg = lang.t(&format!("tabular.{key}"));
    if field.is_empty() {
        msg.to_string()
    } else {
        msg.replace("{column}", lang.t(&format!("f.{field}")))
    }
}

/// A job's message (why it failed, or was sent back to its preview), in words.
pub(crate) fn job_message(lang: Lang, code: &str) -> String {
    let (key, field) = code.split_once(':').unwrap_or((code, ""));
    let key = format!("tabular.{key}");
    let known = crate::i18n::CATALOG.iter().any(|(k, _, _)| *k == key);
    let msg = lang.t(if known { &key } else { "tabular.internal" });
    msg.replace("{column}", lang.t(&format!("f.{field}")))
}

pub async fn upload(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    req: Request,
) -> Result<Response, AppError> {
    v.require_recorder()?;
    let up = match upload_of(req, &st).await {
        Ok(up) => up,
        Err(key) => {
            let page = upload_page(&st, &v, &session, None, "", Some(v.lang.t(key).into()));
            let status = if key == "tabular.too_large" {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            return Ok((status, render(&page.await?)?).into_response());
        }
    };
    let refuse = |status: StatusCode, message: String| {
        let (st, v, session, unit) = (&st, &v, &session, up.unit.clone());
        async move {
            let page = upload_page(st, v, session, up.kind, &unit, Some(message)).await?;
            Ok::<Response, AppError>((status, render(&page)?).into_response())
        }
    };
    let Some(kind) = up.kind else {
        let msg = format!("{}: {}", v.lang.t("tabular.kind"), v.lang.t("err.required"));
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, msg).await;
    };
    if up.bytes.is_empty() {
        let msg = format!("{}: {}", v.lang.t("tabular.file"), v.lang.t("err.required"));
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, msg).await;
    }
    let started = tabular::start(
        &st.app,
        &v,
        kind,
        &up.file_name,
        up.bytes,
        &up.unit,
        &labels,
    )
    .await;
    let reading = match started {
        Ok(r) => r,
        Err(Refused::File(e)) => {
            let status = match e {
                FileError::Sheet(tabular::sheet::SheetError::TooLarge) => {
                    StatusCode::PAYLOAD_TOO_LARGE
                }
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            return refuse(status, file_message(v.lang, &e)).await;
        }
        Err(Refused::Other(dondoc_app::Error::Invalid(inv))) => {
            let msg = inv
                .0
                .iter()
                .map(|e| {
                    format!(
                        "{}: {}",
                        v.lang.t("tabular.default_unit"),
                        v.lang.field_message(e.field, e.code)
                    )
                })
                .collect::<Vec<_>>()
                .join(" ");
            return refuse(StatusCode::UNPROCESSABLE_ENTITY, msg).await;
        }
        Err(Refused::Other(e)) => return Err(e.into()),
    };
    let id = reading.job_id();
    let task = tokio::spawn(async move { reading.run(&|_| {}).await });
    let _ = tokio::time::timeout(WAIT, task).await;
    Ok(Redirect::to(&format!("/imports/{id}")).into_response())
}

#[derive(Deserialize, Default)]
pub struct JobQuery {
    /// all (default), errors, duplicates
    show: Option<String>,
    after: Option<i64>,
    before: Option<i64>,
}

/// One cell of the preview, with its problem if it has one.
pub struct ShownCell {
    pub text: String,
    pub problem: bool,
}

/// A row of the preview as the page shows it.
pub struct ShownRow {
    pub row: i64,
    pub cells: Vec<ShownCell>,
    /// "Column: message" for each problem.
    pub problems: Vec<String>,
    pub duplicate: Option<String>,
}

#[derive(Template)]
#[template(path = "tabular_job.html")]
struct JobPage {
    layout: Layout,
    job: Job,
    /// The columns shown: the file's names of the fields it fills.
    columns: Vec<String>,
    /// The file's columns with what each became.
    header: Vec<(String, &'static str)>,
    rows: Vec<ShownRow>,
    show: &'static str,
    prev: Option<String>,
    next: Option<String>,
    progress: Option<(u64, u64)>,
    message: Option<String>,
    refresh: bool,
}

impl JobPage {
    fn counts(&self) -> String {
        let l = self.layout.lang;
        l.t("tabular.summary")
            .replace("{total}", &l.number(self.job.job.rows_total as f64, 0))
            .replace("{errors}", &l.number(self.job.job.rows_error as f64, 0))
            .replace(
                "{duplicates}",
                &l.number(self.job.job.rows_duplicate as f64, 0),
            )
    }
    fn valid_rows(&self) -> String {
        let valid = self.job.job.rows_total - self.job.job.rows_error;
        self.layout
            .t("tabular.import_valid")
            .replace("{n}", &self.layout.lang.number(valid as f64, 0))
    }
    fn rows_read(&self) -> String {
        self.layout.t("tabular.rows_read").replace(
            "{n}",
            &self.layout.lang.number(self.job.job.rows_total as f64, 0),
        )
    }
    fn done_text(&self) -> String {
        let l = self.layout.lang;
        l.t("tabular.done")
            .replace("{written}", &l.number(self.job.job.written as f64, 0))
            .replace("{skipped}", &l.number(self.job.job.skipped as f64, 0))
    }
    fn written_text(&self) -> String {
        let l = self.layout.lang;
        let (done, total) = self.progress.unwrap_or((0, 0));
        l.t("tabular.rows_written")
            .replace("{done}", &l.number(done as f64, 0))
            .replace("{total}", &l.number(total as f64, 0))
    }
    fn list_href(&self) -> &'static str {
        match self.job.kind {
            Kind::Petitions => "/petitions",
            Kind::Directives => "/directives",
            Kind::Targets => "/targets",
        }
    }
    fn kind_name(&self) -> &'static str {
        self.layout
            .t(&format!("tabular.kind_{}", self.job.kind.as_str()))
    }
    fn tabs(&self) -> [(&'static str, &'static str); 3] {
        [
            ("all", "tabular.filter_all"),
            ("errors", "tabular.filter_errors"),
            ("duplicates", "tabular.filter_duplicates"),
        ]
    }
    fn filter_href(&self, show: &str) -> String {
        if show == "all" {
            format!("/imports/{}", self.job.job.id)
        } else {
            format!("/imports/{}?show={show}", self.job.job.id)
        }
    }
}

fn filter_of(show: Option<&str>) -> (RowFilter, &'static str) {
    match show {
        Some("errors") => (RowFilter::Errors, "errors"),
        Some("duplicates") => (RowFilter::Duplicates, "duplicates"),
        _ => (RowFilter::All, "all"),
    }
}

fn shown_row(lang: Lang, job: &Job, r: PreviewRow) -> ShownRow {
    let columns = job.kind.columns();
    let column_name = |field: &str| -> String {
        job.header
            .name_of(field)
            .map(str::to_string)
            .unwrap_or_else(|| lang.t(&format!("f.{field}")).to_string())
    };
    let cells = columns
        .iter()
        .enumerate()
        .filter(|(_, c)| job.header.name_of(c.field).is_some())
        .map(|(i, c)| {
            let text = r.cells.get(i).cloned().unwrap_or_default();
            let text = match text.char_indices().nth(160) {
                Some((at, _)) => format!("{}…", &text[..at]),
                None => text,
            };
            ShownCell {
                text,
                problem: r.problems.iter().any(|(f, _)| f == c.field),
            }
        })
        .collect();
    let problems = r
        .problems
        .iter()
        .map(|(field, code)| {
            // The rules refuse a row for the unit (or session) it names: outside one's scope.
            let message = if *code == FieldCode::Forbidden {
                lang.t("tabular.out_of_scope")
            } else {
                lang.field_message(field, *code)
            };
            format!("{}: {message}", column_name(field))
        })
        .collect();
    let duplicate = r.duplicate.as_deref().map(|d| {
        let (what, n) = d.split_once(':').unwrap_or((d, ""));
        let key = match what {
            "row" => "tabular.duplicate_row",
            "petition" => "tabular.like_petition",
            "directive" => "tabular.like_directive",
            _ => "tabular.like_target",
        };
        lang.t(key).replace("{n}", n)
    });
    ShownRow {
        row: r.row,
        cells,
        problems,
        duplicate,
    }
}

async fn job_page(
    st: &AppState,
    v: &Viewer,
    session: &Session,
    id: i64,
    q: &JobQuery,
    message: Option<String>,
) -> Result<JobPage, AppError> {
    let job = tabular::job(&st.app, v, id).await?;
    let layout = layout(v, session, "imports", v.lang.t("tabular.title")).await?;
    let (filter, show) = filter_of(q.show.as_deref());
    let mut rows = Vec::new();
    let (mut prev, mut next) = (None, None);
    if matches!(job.job.state.as_str(), "ready" | "done") {
        let page = tabular::rows(&st.app, v, id, filter, q.after, q.before, PAGE_ROWS).await?;
        let base = if show == "all" {
            format!("/imports/{id}?")
        } else {
            format!("/imports/{id}?show={show}&")
        };
        if page.more_before {
            prev = page.first.map(|f| format!("{base}before={f}"));
        }
        if page.more_after {
            next = page.last.map(|l| format!("{base}after={l}"));
        }
        rows = page
            .rows
            .into_iter()
            .map(|r| shown_row(v.lang, &job, r))
            .collect();
    }
    let columns = job
        .kind
        .columns()
        .iter()
        .filter_map(|c| job.header.name_of(c.field).map(str::to_string))
        .collect();
    let header = job
        .header
        .columns
        .iter()
        .map(|c| {
            let what = match (&c.field, c.export_only) {
                (Some(f), _) => v.lang.t(&format!("f.{f}")),
                (None, true) => v.lang.t("tabular.column_export"),
                (None, false) => v.lang.t("tabular.column_unknown"),
            };
            (c.name.clone(), what)
        })
        .collect();
    let progress = tabular::progress(&st.app, id).map(|p| (p.done, p.total));
    let message = message.or_else(|| job.job.message.as_deref().map(|m| job_message(v.lang, m)));
    let refresh = matches!(job.job.state.as_str(), "reading" | "writing");
    Ok(JobPage {
        layout,
        columns,
        header,
        rows,
        show,
        prev,
        next,
        progress,
        message,
        refresh,
        job,
    })
}

pub async fn show_job(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    Query(q): Query<JobQuery>,
) -> Result<Html<String>, AppError> {
    render(&job_page(&st, &v, &session, id, &q, None).await?)
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    /// `all` or `valid`.
    mode: Option<String>,
    skip_duplicates: Option<String>,
}

pub async fn confirm(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<ConfirmForm>,
) -> Result<Response, AppError> {
    let mode = Mode {
        valid_only: f.mode.as_deref() == Some("valid"),
        skip_duplicates: f.skip_duplicates.as_deref() == Some("on"),
    };
    let writing = match tabular::confirm(&st.app, &v, id, mode).await {
        Ok(w) => w,
        // "All" while rows have errors: the preview again, saying so.
        Err(dondoc_app::Error::Invalid(inv))
            if inv.on("valid_only") == Some(FieldCode::Required) =>
        {
            let job = tabular::job(&st.app, &v, id).await?;
            let msg = v
                .lang
                .t("tabular.has_errors")
                .replace("{n}", &v.lang.number(job.job.rows_error as f64, 0));
            let q = JobQuery {
                show: Some("errors".into()),
                ..Default::default()
            };
            let page = job_page(&st, &v, &session, id, &q, Some(msg)).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    let task = tokio::spawn(async move { writing.run(&|_| {}).await });
    let _ = tokio::time::timeout(WAIT, task).await;
    Ok(Redirect::to(&format!("/imports/{id}")).into_response())
}
