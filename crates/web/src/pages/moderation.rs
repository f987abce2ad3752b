//! The moderation queue: petitions residents sent about the wards of the staff's scope,
//! accepted (a petition, public from then on, or one more raising of the petition joined) or
//! rejected with a reason the resident reads. Same use cases as `/api/v1/submissions`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Form;
use dondoc_app as app;
use dondoc_store::{Page, SubmissionView};
use serde::Deserialize;
use tower_sessions::Session;

use super::{invalid_page, layout, render, see_other, Layout};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::AppState;

#[derive(Template)]
#[template(path = "moderation.html")]
struct QueuePage {
    layout: Layout,
    page: Page<SubmissionView>,
    /// The submission whose rejection lacked a reason, and the message.
    refused: Option<(i64, &'static str)>,
}

impl QueuePage {
    fn at(&self, t: &jiff::Timestamp) -> String {
        self.layout
            .lang
            .date(t.to_zoned(dondoc_app::vietnam()).date())
    }
    fn refused_of(&self, id: &i64) -> Option<&'static str> {
        self.refused.filter(|(r, _)| r == id).map(|(_, m)| m)
    }
}

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    offset: Option<i64>,
}

async fn queue_page(
    st: &AppState,
    v: &Viewer,
    session: &Session,
    offset: Option<i64>,
    refused: Option<(i64, &'static str)>,
) -> Result<QueuePage, AppError> {
    let page = app::residents::queue(&st.app, v, Some(50), offset).await?;
    let layout = layout(v, session, "moderation", v.lang.t("moderation.title")).await?;
    Ok(QueuePage {
        layout,
        page,
        refused,
    })
}

pub async fn show(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Query(q): Query<QueueQuery>,
) -> Result<axum::response::Html<String>, AppError> {
    render(&queue_page(&st, &v, &session, q.offset, None).await?)
}

#[derive(Deserialize)]
pub struct DecisionForm {
    version: Option<i64>,
    reason: Option<String>,
}

pub async fn accept(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, AppError> {
    app::residents::accept(&st.app, &v, id, f.version).await?;
    Ok(see_other("/moderation"))
}

pub async fn reject(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, AppError> {
    match app::residents::reject(&st.app, &v, id, f.version, f.reason.as_deref()).await {
        Ok(_) => Ok(see_other("/moderation")),
        Err(app::Error::Invalid(inv)) => {
            let msg = inv
                .first()
                .map(|e| v.lang.field_message(e.field, e.code))
                .unwrap_or("");
            invalid_page(&queue_page(&st, &v, &session, None, Some((id, msg))).await?)
        }
        Err(e) => Err(e.into()),
    }
}

/// The photo of a submission, for the staff who moderate it.
pub async fn photo(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (media_type, bytes) = app::residents::photo_for_staff(&st.app, &v, id).await?;
    Ok(crate::public::submit::image(media_type, bytes))
}
