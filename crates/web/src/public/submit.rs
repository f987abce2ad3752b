//! A resident sends a petition (`/kien-nghi/gui`) and follows it (`/kien-nghi/theo-doi`).
//! The form works without JavaScript: a photo goes in the same multipart body, a similar
//! petition of the ward is offered on the page drawn again, and the human check is a question
//! the server signed (`dondoc_app::residents`).

use askama::Template;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use dondoc_app::residents::{self, Challenge, Channel};
use dondoc_domain::resident::{SubmissionInput, SubmissionStatus, CATEGORIES};
use dondoc_store::PetitionView;
use serde::Deserialize;
use tower_sessions::Session;

use crate::auth::{client_addr, Viewer};
use crate::error::AppError;
use crate::pages::anonymous_page;
use crate::public::PublicLayout;
use crate::AppState;

#[derive(Template)]
#[template(path = "resident_submit.html")]
struct SubmitPage {
    layout: PublicLayout,
    wards: Vec<(i64, String, bool)>,
    categories: Vec<(&'static str, &'static str, bool)>,
    typed: Typed,
    challenge: Challenge,
    /// Field → message, after a refused submit.
    errors: Vec<(&'static str, &'static str)>,
    /// A message for the whole form (too many submissions).
    form_error: Option<String>,
    similar: Vec<PetitionView>,
}

impl SubmitPage {
    fn error(&self, field: &str) -> Option<&'static str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| *m)
    }
    fn question(&self) -> &str {
        match self.layout.lang {
            crate::i18n::Lang::Vi => &self.challenge.question_vi,
            crate::i18n::Lang::En => &self.challenge.question_en,
        }
    }
    fn status(&self, p: &PetitionView) -> &'static str {
        self.layout.t(&format!("ps.{}", p.petition.status.as_str()))
    }
}

/// What the resident typed, drawn again with the form's messages.
#[derive(Default, Deserialize)]
pub struct Typed {
    #[serde(default)]
    text: String,
    #[serde(default)]
    ward_unit_id: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    answer: String,
    #[serde(default)]
    challenge: String,
    /// The honeypot: hidden from people by the stylesheet.
    #[serde(default)]
    website: String,
    #[serde(default)]
    joins_petition_id: String,
    #[serde(default)]
    new_petition: String,
}

impl Typed {
    fn input(&self) -> SubmissionInput {
        let id = |s: &str| s.trim().parse().ok();
        let opt = |s: &str| Some(s.to_string()).filter(|s| !s.trim().is_empty());
        SubmissionInput {
            text: opt(&self.text),
            // A ward not chosen is said to be required; a value that is no id is unknown.
            ward_unit_id: match self.ward_unit_id.trim() {
                "" => None,
                s => Some(s.parse().unwrap_or(-1)),
            },
            category: opt(&self.category),
            email: opt(&self.email),
            joins_petition_id: id(&self.joins_petition_id),
            new_petition: Some(matches!(self.new_petition.as_str(), "true" | "1" | "on")),
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn page(
    st: &AppState,
    v: &Viewer,
    session: &Session,
    headers: &HeaderMap,
    status: StatusCode,
    typed: Typed,
    challenge: Challenge,
    errors: Vec<(&'static str, &'static str)>,
    form_error: Option<String>,
    similar: Vec<PetitionView>,
) -> Result<Response, AppError> {
    let wards = residents::wards(&st.app)
        .await?
        .into_iter()
        .map(|(id, name)| (id, name, typed.ward_unit_id == id.to_string()))
        .collect();
    let categories = CATEGORIES
        .iter()
        .map(|(code, vi, en)| {
            let name = match v.lang {
                crate::i18n::Lang::Vi => *vi,
                crate::i18n::Lang::En => *en,
            };
            (*code, name, typed.category == *code)
        })
        .collect();
    let draw = |staff: crate::pages::Layout| SubmitPage {
        layout: PublicLayout {
            csrf: staff.csrf,
            notice: staff.notice,
            ..crate::public::layout(
                st,
                v,
                headers,
                "submit",
                "/kien-nghi/gui",
                v.lang.t("resident.submit_title"),
                v.lang.t("resident.submit_intro"),
            )
        },
        wards,
        categories,
        typed,
        challenge,
        errors,
        form_error,
        similar,
    };
    let mut resp = anonymous_page(
        st,
        v,
        session,
        headers,
        status,
        "resident.submit_title",
        None,
        draw,
    )
    .await?;
    // Its question is asked anew each time, and its form token is the visitor's own.
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("private, no-store"),
    );
    Ok(resp)
}

pub async fn show(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let challenge = residents::challenge(&st.app).await?;
    let ok = StatusCode::OK;
    page(
        &st,
        &v,
        &session,
        &headers,
        ok,
        Typed::default(),
        challenge,
        vec![],
        None,
        vec![],
    )
    .await
}

/// Reads the multipart form: the fields as text, the photo as bytes.
async fn read_form(st: &AppState, req: Request) -> Result<(Typed, Option<Vec<u8>>), AppError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    if !content_type.starts_with("multipart/form-data") {
        let axum::Form(typed) = axum::Form::<Typed>::from_request(req, st)
            .await
            .map_err(|e| AppError::Malformed(e.body_text()))?;
        return Ok((typed, None));
    }
    let mut form = axum::extract::Multipart::from_request(req, st)
        .await
        .map_err(|e| AppError::Malformed(e.body_text()))?;
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut photo = None;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| AppError::Malformed(e.body_text()))?
    {
        let name = field.name().unwrap_or("").to_string();
        let bytes = field
            .bytes()
            .await
            .map_err(|e| AppError::Malformed(e.body_text()))?;
        if name == "photo" {
            photo = Some(bytes.to_vec());
        } else {
            fields.push((name, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    let encoded =
        serde_urlencoded::to_string(&fields).map_err(|e| AppError::Malformed(e.to_string()))?;
    let typed =
        serde_urlencoded::from_str(&encoded).map_err(|e| AppError::Malformed(e.to_string()))?;
    Ok((typed, photo))
}

pub async fn submit(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    req: Request,
) -> Result<Response, AppError> {
    let addr = client_addr(req.extensions(), req.headers(), st.config.trusted_proxies);
    let headers = req.headers().clone();
    let (typed, photo) = read_form(&st, req).await?;
    let input = typed.input();
    let channel = Channel::Form {
        token: &typed.challenge,
        answer: &typed.answer,
        honeypot: &typed.website,
    };
    // Whoever is signed in, a resident's petition is sent as a visitor's.
    let public = dondoc_app::Caller::anonymous(st.today());
    let sent = residents::submit(&st.app, &public, &input, channel, &addr, photo.as_deref()).await;
    let l = v.lang;
    match sent {
        Ok(s) => {
            Ok(Redirect::to(&format!("/kien-nghi/theo-doi/{}?saved=1", s.code)).into_response())
        }
        Err(dondoc_app::Error::Invalid(inv)) => {
            let similar = if inv.on("new_petition").is_some() {
                match (input.text.as_deref(), input.ward_unit_id) {
                    (Some(text), Some(ward)) => {
                        residents::similar(&st.app, &public, text, ward).await?
                    }
                    _ => vec![],
                }
            } else {
                vec![]
            };
            let errors = inv
                .0
                .iter()
                .filter(|e| e.field != "new_petition")
                .map(|e| {
                    let msg = match (e.field, e.code) {
                        ("answer", dondoc_domain::FieldCode::InvalidChoice) => {
                            l.t("resident.wrong_answer")
                        }
                        ("answer", dondoc_domain::FieldCode::TooFast) => l.t("resident.too_fast"),
                        ("answer", dondoc_domain::FieldCode::Stale) => l.t("resident.form_stale"),
                        ("photo", dondoc_domain::FieldCode::InvalidChoice) => {
                            l.t("resident.photo_kind")
                        }
                        ("photo", dondoc_domain::FieldCode::TooLong) => l.t("resident.photo_large"),
                        ("email", dondoc_domain::FieldCode::InvalidChoice) => {
                            l.t("resident.email_bad")
                        }
                        (f, c) => l.field_message(f, c),
                    };
                    (e.field, msg)
                })
                .collect();
            // A stale or wrong check is asked anew; else the same question stands.
            let challenge = if inv.on("answer").is_some() {
                residents::challenge(&st.app).await?
            } else {
                residents::challenge_again(&st.app, &typed.challenge).await?
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            page(
                &st, &v, &session, &headers, status, typed, challenge, errors, None, similar,
            )
            .await
        }
        Err(dondoc_app::Error::TooMany { retry_after_secs }) => {
            let challenge = residents::challenge(&st.app).await?;
            let msg = Some(l.t("resident.too_many").to_string());
            let status = StatusCode::TOO_MANY_REQUESTS;
            let mut resp = page(
                &st,
                &v,
                &session,
                &headers,
                status,
                typed,
                challenge,
                vec![],
                msg,
                vec![],
            )
            .await?;
            resp.headers_mut()
                .insert(header::RETRY_AFTER, retry_after_secs.max(1).into());
            Ok(resp)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "resident_track_form.html")]
struct TrackForm {
    layout: PublicLayout,
    code: String,
    not_found: bool,
}

#[derive(Deserialize, Default)]
pub struct CodeQuery {
    code: Option<String>,
}

/// Where a resident types their code; a code that fits leads to its page.
pub async fn track_form(
    State(st): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Query(q): Query<CodeQuery>,
) -> Result<Response, AppError> {
    let typed = q.code.unwrap_or_default();
    if let Some(code) = dondoc_domain::resident::normalize_code(&typed) {
        return Ok(Redirect::to(&format!("/kien-nghi/theo-doi/{code}")).into_response());
    }
    let layout = crate::public::layout(
        &st,
        &v,
        &headers,
        "track",
        "/kien-nghi/theo-doi",
        v.lang.t("resident.track_title"),
        v.lang.t("resident.track_title"),
    );
    let not_found = !typed.trim().is_empty();
    let status = if not_found {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::OK
    };
    let page = TrackForm {
        layout,
        code: typed,
        not_found,
    };
    Ok((status, crate::pages::render(&page)?).into_response())
}

#[derive(Template)]
#[template(path = "resident_track.html")]
struct TrackPage {
    layout: PublicLayout,
    t: dondoc_app::residents::Tracking,
    /// Just sent: the code is shown to be noted down.
    fresh: bool,
}

impl TrackPage {
    fn at(&self, t: &jiff::Timestamp) -> String {
        let d = t.to_zoned(dondoc_app::vietnam()).date();
        self.layout.lang.date(d)
    }
    fn state(&self) -> &'static str {
        self.layout.t(match self.t.submission.status {
            SubmissionStatus::Pending => "resident.pending",
            SubmissionStatus::Accepted => "resident.accepted",
            SubmissionStatus::Rejected => "resident.rejected",
        })
    }
    fn petition_status(&self, p: &PetitionView) -> &'static str {
        self.layout.t(&format!("ps.{}", p.petition.status.as_str()))
    }
    fn opt_date(&self, d: &Option<jiff::civil::Date>) -> String {
        self.layout.lang.opt_date(*d)
    }
}

/// A submission's page, for whoever holds its code: its state, the petition it became (as
/// the public sees it) and the unit's answer.
pub async fn track(
    State(st): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let t = residents::track(&st.app, &code).await?;
    let mut layout = crate::public::layout(
        &st,
        &v,
        &headers,
        "track",
        &format!("/kien-nghi/theo-doi/{code}"),
        v.lang.t("resident.track_title"),
        v.lang.t("resident.track_title"),
    );
    let fresh = layout.notice.take().is_some();
    let page = TrackPage { layout, t, fresh };
    // The code is the key to this page: kept out of shared caches and other sites' logs.
    Ok((
        [
            (header::CACHE_CONTROL, "private, no-store"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        crate::pages::render(&page)?,
    )
        .into_response())
}

/// The photo sent with a submission, to whoever holds its code.
pub async fn photo(
    State(st): State<AppState>,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let (media_type, bytes) = residents::photo(&st.app, &code).await?;
    Ok(image(media_type, bytes))
}

/// An image checked by its bytes, sent as what it is and nothing else.
pub(crate) fn image(media_type: String, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, media_type),
            (header::CACHE_CONTROL, "private, no-store".into()),
            (header::CONTENT_DISPOSITION, "inline".into()),
        ],
        bytes,
    )
        .into_response()
}
