//! Pickers: the fields of a form that point at a unit, a person, a document or a target.
//!
//! A province has thousands of units and people, too many for a `<select>`. A picker is a
//! text field: with JavaScript it suggests records as one types (`GET /pick/{source}?q=`,
//! `assets/pick.js`), and a suggestion reads "Phường 1 (Quận 3) · #42". Without JavaScript
//! one types a name. Either way the form posts text, and [`Picked`] turns it into the id the
//! use case takes before the form is decoded; a name that fits no record or several answers
//! a page to choose among them (or type again) that posts the same form once more, everything
//! else in it kept. Which fields are pickers is said once, in [`source_of`].

use askama::Template;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use dondoc_app::pick::{self, Choice, Source};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use tower_sessions::Session;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::{layout, render, Layout};
use crate::AppState;

/// Choices beyond this many are offered by a picker rather than a `<select>`.
pub const SELECT_AT_MOST: usize = 100;

/// How many suggestions a picker shows, and how many records a choice page lists.
const SUGGESTIONS: i64 = 20;

/// The record a form field points at, by the field's name: the one list of picker fields.
/// The rows of the import review name theirs with the row's kind before and its number
/// after ("petition_area_unit_id_3").
pub fn source_of(field: &str) -> Option<Source> {
    base_source(field)
        .or_else(|| base_source(row_field(field)?))
        .or_else(|| base_source(field.strip_prefix("session_")?))
}

/// The field of an import review row's name: "area_unit_id" of "petition_area_unit_id_3".
fn row_field(name: &str) -> Option<&str> {
    let (rest, number) = name.rsplit_once('_')?;
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    ["session_", "petition_", "directive_", "figure_", "person_"]
        .iter()
        .find_map(|kind| rest.strip_prefix(kind))
}

fn base_source(field: &str) -> Option<Source> {
    Some(match field {
        "host_unit_id"
        | "area_unit_id"
        | "responsible_unit_id"
        | "lead_unit_id"
        | "coordinating_unit_ids"
        | "unit_id"
        | "parent_id"
        | "merged_into" => Source::Units,
        "lead_person_id" | "person_id" | "issued_by_person_id" => Source::People,
        "document_id" => Source::Documents,
        "session_id" => Source::Sessions,
        "target_id" => Source::Targets,
        "into_petition_id" => Source::Petitions,
        _ => return None,
    })
}

#[derive(Deserialize)]
pub struct SuggestQuery {
    #[serde(default)]
    q: String,
}

/// `GET /pick/{source}?q=…`: the suggestions a picker shows as one types.
pub async fn suggest(
    State(st): State<AppState>,
    v: Viewer,
    Path(source): Path<String>,
    Query(q): Query<SuggestQuery>,
) -> Result<Json<Vec<Choice>>, AppError> {
    let source = Source::parse(&source).ok_or(AppError::NotFound)?;
    if q.q.trim().is_empty() {
        return Ok(Json(vec![]));
    }
    let found = pick::search(&st.app, &v, source, &q.q, SUGGESTIONS).await?;
    Ok(Json(found))
}

/// A form whose picker fields have been read as ids (see the module's introduction). Its
/// fields, as sent (a field chosen several times arrives as its values joined by commas),
/// decoded into `T`.
pub struct Picked<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequest<AppState> for Picked<T> {
    type Rejection = Response;

    async fn from_request(req: Request, st: &AppState) -> Result<Self, Self::Rejection> {
        let PickedPairs(pairs) = PickedPairs::from_request(req, st).await?;
        decoded(pairs)
            .map(Picked)
            .map_err(IntoResponse::into_response)
    }
}

/// As [`Picked`], for a form sent with `GET` (a report asked for a unit): its fields are the
/// query's, and a name that fits no record or several answers a page to choose that sends the
/// same form again by `GET`.
pub struct PickedQuery<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for PickedQuery<T> {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        st: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let sent: Vec<(String, String)> =
            serde_urlencoded::from_str(parts.uri.query().unwrap_or(""))
                .map_err(|e| AppError::Malformed(e.to_string()).into_response())?;
        let pairs = picked(parts, st, sent, Method::Get).await?;
        decoded(pairs)
            .map(PickedQuery)
            .map_err(IntoResponse::into_response)
    }
}

/// A form's fields decoded into `T`, a field sent several times (a multiple choice) read as
/// one list.
fn decoded<T: DeserializeOwned>(pairs: Vec<(String, String)>) -> Result<T, AppError> {
    let mut joined: Vec<(String, String)> = Vec::with_capacity(pairs.len());
    for (name, value) in pairs {
        // A picker left empty chooses nothing (a list's filter form sends every field).
        if value.trim().is_empty() && source_of(&name).is_some() {
            continue;
        }
        match joined.iter_mut().find(|(n, _)| *n == name) {
            Some((_, all)) if source_of(&name).is_some() => {
                all.push(',');
                all.push_str(&value);
            }
            _ => joined.push((name, value)),
        }
    }
    let encoded = serde_urlencoded::to_string(&joined).unwrap_or_default();
    serde_urlencoded::from_str(&encoded).map_err(|e| AppError::Malformed(e.to_string()))
}

/// A form's fields in the order sent, its picker fields read as ids: for a form that reads
/// its own fields (the import review).
pub struct PickedPairs(pub Vec<(String, String)>);

impl FromRequest<AppState> for PickedPairs {
    type Rejection = Response;

    async fn from_request(req: Request, st: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let bytes = axum::body::to_bytes(body, crate::auth::MAX_FORM_BYTES)
            .await
            .map_err(|_| AppError::TooLarge.into_response())?;
        let sent: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
            .map_err(|e| AppError::Malformed(e.to_string()).into_response())?;
        picked(&mut parts, st, sent, Method::Post)
            .await
            .map(PickedPairs)
    }
}

/// How a form is sent, and so how the page to choose sends it again.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    Get,
    Post,
}

/// The fields `sent`, each picker field's text read as the id it names; a page to choose
/// when one names no record or several.
async fn picked(
    parts: &mut axum::http::request::Parts,
    st: &AppState,
    sent: Vec<(String, String)>,
    method: Method,
) -> Result<Vec<(String, String)>, Response> {
    let ids = |ids: Vec<dondoc_domain::Id>| {
        ids.iter()
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(",")
    };
    let typed = |name: &str, value: &str| {
        source_of(name).is_some() && !value.trim().is_empty() && pick::typed_ids(value).is_none()
    };
    if !sent.iter().any(|(n, v)| typed(n, v)) {
        return Ok(sent
            .into_iter()
            .map(|(name, value)| {
                match pick::typed_ids(&value).filter(|_| source_of(&name).is_some()) {
                    Some(found) => (name, ids(found)),
                    None => (name, value),
                }
            })
            .collect());
    }
    // Names were typed: look them up as the person who sent the form.
    let v = Viewer::from_request_parts(parts, st)
        .await
        .map_err(IntoResponse::into_response)?;
    let mut pairs = Vec::with_capacity(sent.len());
    let mut open = Vec::new();
    for (name, value) in sent {
        let Some(source) = source_of(&name).filter(|_| !value.trim().is_empty()) else {
            pairs.push((name, value));
            continue;
        };
        if let Some(found) = pick::typed_ids(&value) {
            pairs.push((name, ids(found)));
            continue;
        }
        match pick::resolve(&st.app, &v, source, &value, SUGGESTIONS)
            .await
            .map_err(|e| AppError::from(e).into_response())?
        {
            Ok(id) => pairs.push((name, id.to_string())),
            Err(choices) => open.push(Open {
                label: label_of(v.lang, &name),
                name,
                typed: value,
                choices,
            }),
        }
    }
    if open.is_empty() {
        return Ok(pairs);
    }
    let session = Session::from_request_parts(parts, st)
        .await
        .map_err(IntoResponse::into_response)?;
    let layout = layout(&v, &session, "", v.lang.t("pick.title"))
        .await
        .map_err(IntoResponse::into_response)?;
    let page = ChoosePage {
        layout,
        // A form sent by `GET` is sent again to its path, its fields in the query.
        action: match method {
            Method::Get => parts.uri.path().to_string(),
            Method::Post => parts
                .uri
                .path_and_query()
                .map_or("/", |p| p.as_str())
                .to_string(),
        },
        post: method == Method::Post,
        kept: pairs,
        open,
    };
    Err(match render(&page) {
        Ok(html) => (StatusCode::UNPROCESSABLE_ENTITY, html).into_response(),
        Err(e) => e.into_response(),
    })
}

/// A picker field's label: its own, or, for a row of the import review, its field's.
fn label_of(lang: crate::i18n::Lang, name: &str) -> &'static str {
    let field = if base_source(name).is_some() {
        name
    } else {
        row_field(name)
            .or_else(|| name.strip_prefix("session_"))
            .unwrap_or(name)
    };
    lang.t(&format!("f.{field}"))
}

/// A picker field whose text named no record, or several.
struct Open {
    name: String,
    label: &'static str,
    typed: String,
    choices: Vec<Choice>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picker_fields_by_name() {
        assert_eq!(source_of("host_unit_id"), Some(Source::Units));
        assert_eq!(source_of("coordinating_unit_ids"), Some(Source::Units));
        assert_eq!(source_of("petition_area_unit_id_3"), Some(Source::Units));
        assert_eq!(source_of("session_host_unit_id"), Some(Source::Units));
        assert_eq!(source_of("session_id"), Some(Source::Sessions));
        assert_eq!(source_of("figure_target_id_12"), Some(Source::Targets));
        assert_eq!(source_of("person_person_id_0"), Some(Source::People));
        assert_eq!(source_of("petition_again_3"), None);
        assert_eq!(source_of("directive_assignee_1"), None);
        assert_eq!(source_of("area_unit_id_"), None);
        assert_eq!(source_of("title"), None);
        assert_eq!(source_of("into_petition_id"), Some(Source::Petitions));
    }
}

#[derive(Template)]
#[template(path = "choose.html")]
struct ChoosePage {
    layout: Layout,
    action: String,
    /// Sent again by `POST` (with the form's token), else by `GET`.
    post: bool,
    /// The rest of the form, posted again as it was.
    kept: Vec<(String, String)>,
    open: Vec<Open>,
}
