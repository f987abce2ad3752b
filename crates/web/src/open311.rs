//! Open311 GeoReport v2 under `/open311/v2/`: discovery, services (the categories residents
//! choose from), service definitions, requests (the petitions an anonymous visitor may see:
//! every read is made as one) and a request posted by a client with its key, which is a
//! resident's submission through the same use case as the form. Each document in JSON or XML
//! by its extension (`.json`, `.xml`), errors as the spec writes them.

use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use dondoc_app::open311::{self, RequestQuery, ServiceRequest};
use dondoc_app::{Caller, Error};
use quick_xml::escape::escape;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::i18n::Lang;
use crate::AppState;

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Json,
    Xml,
}

/// `name.json` or `name.xml`: the name and the format.
fn split(file: &str) -> Option<(&str, Format)> {
    if let Some(name) = file.strip_suffix(".json") {
        Some((name, Format::Json))
    } else {
        file.strip_suffix(".xml").map(|name| (name, Format::Xml))
    }
}

/// A document as JSON, or as XML under `root` with each array item named `item`.
fn answer(format: Format, status: StatusCode, v: Value, root: &str, item: &str) -> Response {
    match format {
        Format::Json => (status, axum::Json(v)).into_response(),
        Format::Xml => {
            let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
            xml(&mut out, root, item, &v);
            (
                status,
                [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
                out,
            )
                .into_response()
        }
    }
}

/// `v` as an element `name`: arrays as repeated `item` elements, objects as their fields in
/// order, null as an empty element.
fn xml(out: &mut String, name: &str, item: &str, v: &Value) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    match v {
        Value::Null => {}
        Value::String(s) => out.push_str(&escape(s.as_str())),
        Value::Bool(_) | Value::Number(_) => out.push_str(&v.to_string()),
        Value::Array(items) => {
            for i in items {
                // A list of strings (formats) keeps the item's name; nested lists are named by
                // their own field.
                xml(out, item, "value", i);
            }
        }
        Value::Object(fields) => {
            for (k, f) in fields {
                let item = match k.as_str() {
                    "endpoints" => "endpoint",
                    "formats" => "format",
                    "attributes" => "attribute",
                    "values" => "value",
                    _ => "item",
                };
                xml(out, k, item, f);
            }
        }
    }
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// An error as the spec writes it: a list of `{code, description}`.
fn error(format: Format, status: StatusCode, description: &str) -> Response {
    let v = json!([{ "code": status.as_u16(), "description": description }]);
    answer(format, status, v, "errors", "error")
}

/// A use case's refusal as an Open311 error, in the reader's language.
fn refused(format: Format, lang: Lang, e: Error) -> Response {
    let (status, description) = match &e {
        Error::NotFound => (StatusCode::NOT_FOUND, lang.t("err.not_found").to_string()),
        Error::Unauthorized => (
            StatusCode::UNAUTHORIZED,
            lang.t("open311.key_missing").into(),
        ),
        Error::Forbidden => (StatusCode::FORBIDDEN, lang.t("open311.key_unknown").into()),
        Error::Invalid(inv) => (
            StatusCode::BAD_REQUEST,
            inv.0
                .iter()
                .map(|f| format!("{}: {}", f.field, lang.field_message(f.field, f.code)))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        Error::TooMany { .. } => (
            StatusCode::TOO_MANY_REQUESTS,
            lang.t("resident.too_many").into(),
        ),
        _ => {
            let status = crate::error::AppError::from(e).status();
            return error(format, status, lang.t("err.internal"));
        }
    };
    error(format, status, &description)
}

fn lang(headers: &axum::http::HeaderMap) -> Lang {
    Lang::for_request(headers, "/api/")
}

fn visitor(st: &AppState) -> Caller {
    Caller::anonymous(st.today())
}

fn service_json(s: &open311::Service, lang: Lang) -> Value {
    let name = if lang == Lang::En { s.name_en } else { s.name };
    json!({
        "service_code": s.code,
        "service_name": name,
        "description": name,
        "metadata": false,
        "type": "batch",
        "keywords": null,
        "group": null,
    })
}

/// A time of a calendar day in Vietnam (UTC+7), as RFC 3339.
fn at(d: jiff::civil::Date, time: &str) -> String {
    format!("{d}T{time}+07:00")
}

fn request_json(r: &ServiceRequest) -> Value {
    let p = &r.petition.petition;
    let description: String = p.text.chars().take(4000).collect();
    json!({
        "service_request_id": p.id.to_string(),
        "status": if r.open() { "open" } else { "closed" },
        "status_notes": p.answer.clone().or_else(|| p.reject_reason.clone()),
        "service_name": p.category,
        "service_code": r.service_code(),
        "description": description,
        "agency_responsible": r.petition.responsible_name,
        "service_notice": null,
        "requested_datetime": r.requested_on.map(|d| at(d, "00:00:00")),
        "updated_datetime": p.answered_on.map(|d| at(d, "00:00:00")),
        "expected_datetime": p.due_on.map(|d| at(d, "23:59:59")),
        "address": r.petition.area_name,
        "address_id": p.area_unit_id.map(|u| u.to_string()),
        "zipcode": null,
        "lat": null,
        "long": null,
        "media_url": null,
    })
}

#[derive(Deserialize, Default)]
pub struct Params {
    service_request_id: Option<String>,
    service_code: Option<String>,
    status: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    page: Option<String>,
    page_size: Option<String>,
}

/// `/open311/v2/{file}`: discovery, services, requests.
pub async fn top(
    State(st): State<AppState>,
    headers: axum::http::HeaderMap,
    Path(file): Path<String>,
    Query(q): Query<Params>,
) -> Response {
    let l = lang(&headers);
    let Some((name, format)) = split(&file) else {
        return error(Format::Json, StatusCode::NOT_FOUND, l.t("err.not_found"));
    };
    match name {
        "discovery" => {
            let v = json!({
                "changeset": "2026-12-01T00:00:00+07:00",
                "contact": l.t("open311.contact"),
                "key_service": l.t("open311.key_service"),
                "endpoints": [{
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": "/open311/v2",
                    "changeset": "2026-12-01T00:00:00+07:00",
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }],
            });
            answer(format, StatusCode::OK, v, "discovery", "endpoint")
        }
        "services" => {
            let v = Value::Array(
                open311::services()
                    .iter()
                    .map(|s| service_json(s, l))
                    .collect(),
            );
            answer(format, StatusCode::OK, v, "services", "service")
        }
        "requests" => {
            let number = |s: &Option<String>| -> Result<Option<i64>, Error> {
                match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                    None => Ok(None),
                    Some(n) => n.parse().map(Some).map_err(|_| {
                        Error::Invalid(dondoc_domain::Invalid::one(
                            "page",
                            dondoc_domain::FieldCode::InvalidNumber,
                        ))
                    }),
                }
            };
            let query = match (number(&q.page), number(&q.page_size)) {
                (Ok(page), Ok(page_size)) => RequestQuery {
                    service_request_id: q.service_request_id,
                    service_code: q.service_code,
                    status: q.status,
                    start_date: q.start_date,
                    end_date: q.end_date,
                    page,
                    page_size,
                },
                (Err(e), _) | (_, Err(e)) => return refused(format, l, e),
            };
            match open311::requests(&st.app, &visitor(&st), &query).await {
                Ok(rs) => {
                    let v = Value::Array(rs.iter().map(request_json).collect());
                    answer(format, StatusCode::OK, v, "service_requests", "request")
                }
                Err(e) => refused(format, l, e),
            }
        }
        _ => error(format, StatusCode::NOT_FOUND, l.t("err.not_found")),
    }
}

/// `/open311/v2/services/{code}.{format}`: a service's definition (no attributes beyond the
/// standard fields).
pub async fn definition(headers: axum::http::HeaderMap, Path(file): Path<String>) -> Response {
    let l = lang(&headers);
    let Some((code, format)) = split(&file) else {
        return error(Format::Json, StatusCode::NOT_FOUND, l.t("err.not_found"));
    };
    match open311::service(code) {
        Ok(s) => {
            let v = json!({ "service_code": s.code, "attributes": [] });
            answer(format, StatusCode::OK, v, "service_definition", "attribute")
        }
        Err(e) => refused(format, l, e),
    }
}

/// `/open311/v2/requests/{id}.{format}`: one request, as a list of one.
pub async fn request(
    State(st): State<AppState>,
    headers: axum::http::HeaderMap,
    Path(file): Path<String>,
) -> Response {
    let l = lang(&headers);
    let Some((id, format)) = split(&file) else {
        return error(Format::Json, StatusCode::NOT_FOUND, l.t("err.not_found"));
    };
    let Ok(id) = id.parse::<i64>() else {
        return error(format, StatusCode::NOT_FOUND, l.t("err.not_found"));
    };
    match open311::request(&st.app, &visitor(&st), id).await {
        Ok(r) => answer(
            format,
            StatusCode::OK,
            json!([request_json(&r)]),
            "service_requests",
            "request",
        ),
        Err(e) => refused(format, l, e),
    }
}

/// `/open311/v2/tokens/{token}.{format}`: the request a posted one became, once accepted.
pub async fn token(
    State(st): State<AppState>,
    headers: axum::http::HeaderMap,
    Path(file): Path<String>,
) -> Response {
    let l = lang(&headers);
    let Some((code, format)) = split(&file) else {
        return error(Format::Json, StatusCode::NOT_FOUND, l.t("err.not_found"));
    };
    match open311::token(&st.app, &visitor(&st), code).await {
        Ok((token, id)) => {
            // No id before staff accept it: the field is left out (the spec types it a
            // string).
            let mut v = json!({ "token": token });
            if let Some(id) = id {
                v["service_request_id"] = json!(id.to_string());
            }
            answer(
                format,
                StatusCode::OK,
                json!([v]),
                "service_requests",
                "request",
            )
        }
        Err(e) => refused(format, l, e),
    }
}

/// The fields of a posted request that dondoc reads (form-encoded, as the spec sends them).
#[derive(Default)]
struct PostForm {
    api_key: Option<String>,
    service_code: Option<String>,
    description: Option<String>,
    address_id: Option<String>,
    email: Option<String>,
    new_petition: Option<String>,
}

/// `POST /open311/v2/requests.{format}`: a resident's petition sent by a client with its
/// key; it waits for staff, so the answer is its token (the tracking code).
pub async fn post(State(st): State<AppState>, Path(file): Path<String>, req: Request) -> Response {
    let l = lang(req.headers());
    let format = match split(&file) {
        Some(("requests", f)) => f,
        _ => return error(Format::Json, StatusCode::NOT_FOUND, l.t("err.not_found")),
    };
    let f = match axum::Form::<Vec<(String, String)>>::from_request(req, &st).await {
        Ok(axum::Form(pairs)) => pairs,
        Err(e) => return error(format, StatusCode::BAD_REQUEST, &e.body_text()),
    };
    // Fields the spec allows and dondoc does not use (lat, long, names, device_id, media_url,
    // attributes) are let through; the ones read are the last of each name.
    let mut form = PostForm::default();
    for (k, v) in f {
        match k.as_str() {
            "api_key" => form.api_key = Some(v),
            "service_code" => form.service_code = Some(v),
            "description" => form.description = Some(v),
            "address_id" => form.address_id = Some(v),
            "email" => form.email = Some(v),
            "attribute[new_petition]" => form.new_petition = Some(v),
            _ => {}
        }
    }
    let new = open311::NewRequest {
        api_key: form.api_key,
        service_code: form.service_code,
        description: form.description,
        address_id: form.address_id,
        email: form.email,
        new_petition: matches!(form.new_petition.as_deref(), Some("true" | "1")),
    };
    match open311::create(&st.app, &new).await {
        Ok(s) => answer(
            format,
            StatusCode::CREATED,
            json!([{ "token": s.code, "service_notice": l.t("open311.notice") }]),
            "service_requests",
            "request",
        ),
        Err(e) => refused(format, l, e),
    }
}
