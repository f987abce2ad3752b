//! Open311 GeoReport v2 over petitions: services are the categories residents choose from,
//! service requests are the petitions an anonymous visitor may see (every read is made with
//! the caller given, the anonymous one on the public endpoints), and a request posted by a
//! client with a key is a resident's submission, through the same use case as the form.

use dondoc_domain::resident::{self, SubmissionInput};
use dondoc_domain::{Action, FieldCode, Id, Invalid};
use dondoc_store::{ApiClient, PetitionFilter, PetitionView, SubmissionView};
use jiff::civil::Date;

use crate::residents::Channel;
use crate::{App, Caller, Error, Result};

/// The most requests one answer lists (the spec lets a server cap them; 1,000 is its
/// example).
pub const MAX_REQUESTS: i64 = 200;
/// Without dates, requests of this many days back (the spec's default is 90).
pub const DEFAULT_DAYS: i64 = 90;
/// Requests one Open311 client may send in an hour.
pub const CLIENT_PER_HOUR: i64 = 100;

/// A service: a category (code, Vietnamese name, English name).
pub struct Service {
    pub code: &'static str,
    pub name: &'static str,
    pub name_en: &'static str,
}

pub fn services() -> Vec<Service> {
    resident::CATEGORIES
        .iter()
        .map(|(code, name, name_en)| Service {
            code,
            name,
            name_en,
        })
        .collect()
}

/// One service, by its code.
pub fn service(code: &str) -> Result<Service> {
    services()
        .into_iter()
        .find(|s| s.code == code)
        .ok_or(Error::NotFound)
}

/// A search of requests, as the spec names its parameters (each optional).
#[derive(Debug, Clone, Default)]
pub struct RequestQuery {
    /// Comma-separated ids: these requests only (the other parameters are then ignored).
    pub service_request_id: Option<String>,
    pub service_code: Option<String>,
    /// `open` or `closed`.
    pub status: Option<String>,
    /// `YYYY-MM-DD`, or a date-time whose day is taken.
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub page: Option<i64>,
    pub page_size: Option<i64>,
}

/// A request as Open311 shows it: the petition as the caller sees it, and the day it was
/// first raised where they can see it.
pub struct ServiceRequest {
    pub petition: PetitionView,
    pub requested_on: Option<Date>,
}

impl ServiceRequest {
    /// Open while someone still has to act on it.
    pub fn open(&self) -> bool {
        self.petition.petition.status.is_open()
    }
    /// The service (category) code: the category's, `khac` ("other") for none.
    pub fn service_code(&self) -> String {
        self.petition
            .petition
            .category
            .as_deref()
            .map(resident::category_code)
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| "khac".into())
    }
}

/// A day of a date parameter: `2020-08-24` or `2020-08-24T10:00:00+07:00`.
fn day_of(
    field: &'static str,
    raw: Option<&str>,
    check: &mut dondoc_domain::validate::Checker,
) -> Option<Date> {
    let raw = raw.map(str::trim).filter(|s| !s.is_empty())?;
    let day = raw.get(..10).and_then(|d| d.parse::<Date>().ok());
    if day.is_none() {
        check.fail(field, FieldCode::InvalidDate);
    }
    day
}

pub async fn requests(app: &App, c: &Caller, q: &RequestQuery) -> Result<Vec<ServiceRequest>> {
    let mut check = dondoc_domain::validate::Checker::new();
    let mut f = PetitionFilter {
        sort: Some("recent".into()),
        // Open311 gives no total: a count would only cost.
        uncounted: true,
        ..Default::default()
    };
    let size = q.page_size.unwrap_or(50);
    let page = q.page.unwrap_or(1);
    if !(1..=MAX_REQUESTS).contains(&size) {
        check.fail("page_size", FieldCode::OutOfRange);
    }
    if !(1..=1000).contains(&page) {
        check.fail("page", FieldCode::OutOfRange);
    }
    f.limit = Some(size);
    f.offset = Some((page - 1) * size);
    if let Some(ids) = q
        .service_request_id
        .as_deref()
        .filter(|s| !s.trim().is_empty())
    {
        let parsed: Option<Vec<Id>> = ids.split(',').map(|s| s.trim().parse().ok()).collect();
        match parsed {
            Some(ids) if ids.len() as i64 <= MAX_REQUESTS => f.ids = Some(ids),
            Some(_) => check.fail("service_request_id", FieldCode::TooLong),
            None => check.fail("service_request_id", FieldCode::InvalidNumber),
        }
    } else {
        if let Some(code) = q.service_code.as_deref().filter(|s| !s.is_empty()) {
            match resident::category_name(code) {
                Some(name) => f.category = Some(name.into()),
                None => check.fail("service_code", FieldCode::InvalidChoice),
            }
        }
        match q.status.as_deref().unwrap_or("") {
            "" => {}
            "open" => f.open = Some(true),
            "closed" => f.closed = true,
            _ => check.fail("status", FieldCode::InvalidChoice),
        }
        let start = day_of("start_date", q.start_date.as_deref(), &mut check);
        let end = day_of("end_date", q.end_date.as_deref(), &mut check);
        if let (Some(s), Some(e)) = (start, end) {
            if e < s {
                check.fail("end_date", FieldCode::DateOrder);
            }
        }
        f.seen_from = start.or_else(|| {
            end.unwrap_or(c.today)
                .checked_sub(jiff::Span::new().days(DEFAULT_DAYS))
                .ok()
        });
        f.seen_to = end;
    }
    check.finish(())?;
    let page = crate::petitions::list(app, c, &f).await?;
    let first = app
        .store
        .first_visible_raisings(
            &page.items.iter().map(|p| p.petition.id).collect::<Vec<_>>(),
            c.visibility(),
        )
        .await?;
    Ok(page
        .items
        .into_iter()
        .map(|p| ServiceRequest {
            requested_on: first.get(&p.petition.id).copied(),
            petition: p,
        })
        .collect())
}

/// One request, if the caller may see it.
pub async fn request(app: &App, c: &Caller, id: Id) -> Result<ServiceRequest> {
    let petition = crate::petitions::get(app, c, id).await?;
    let first = app
        .store
        .first_visible_raisings(&[id], c.visibility())
        .await?;
    Ok(ServiceRequest {
        requested_on: first.get(&id).copied(),
        petition,
    })
}

/// What a client posts: the spec's fields that mean something here. The ward is the
/// `address_id` (a unit of kind ward).
#[derive(Debug, Clone, Default)]
pub struct NewRequest {
    pub api_key: Option<String>,
    pub service_code: Option<String>,
    pub description: Option<String>,
    pub address_id: Option<String>,
    pub email: Option<String>,
    /// Says the request is new although similar ones exist (`attribute[new_petition]`).
    pub new_petition: bool,
}

/// The client a key belongs to; a missing, unknown or revoked key is refused (401/403).
pub async fn client_of(app: &App, key: Option<&str>) -> Result<ApiClient> {
    let key = key
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or(Error::Unauthorized)?;
    app.store
        .api_client_by_key(&dondoc_store::token_digest(key))
        .await?
        .ok_or(Error::Forbidden)
}

/// A request posted by a client: the client's key checked, then the resident's use case.
/// The submission waits for staff: what is answered is its tracking code (the spec's
/// `token`), which becomes a request id once accepted.
pub async fn create(app: &App, raw: &NewRequest) -> Result<SubmissionView> {
    let client = client_of(app, raw.api_key.as_deref()).await?;
    let ward = match raw.address_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(s.parse::<Id>().map_err(|_| {
            Error::Invalid(Invalid::one("address_id", FieldCode::UnknownReference))
        })?),
    };
    let input = SubmissionInput {
        text: raw.description.clone(),
        ward_unit_id: ward,
        category: raw.service_code.clone(),
        email: raw.email.clone(),
        joins_petition_id: None,
        new_petition: Some(raw.new_petition),
    };
    let public = Caller::anonymous(app.today());
    let who = format!("open311:{}", client.id);
    crate::residents::submit(
        app,
        &public,
        &input,
        Channel::Open311 { client: client.id },
        &who,
        None,
    )
    .await
    .map_err(|e| match e {
        // The form's field names, as the spec names them.
        Error::Invalid(Invalid(errors)) => Error::Invalid(Invalid(
            errors
                .into_iter()
                .map(|mut fe| {
                    fe.field = match fe.field {
                        "text" => "description",
                        "ward_unit_id" => "address_id",
                        "category" => "service_code",
                        "new_petition" => "attribute[new_petition]",
                        other => other,
                    };
                    fe
                })
                .collect(),
        )),
        other => other,
    })
}

/// The request a token (a tracking code) became, once accepted and visible to the caller.
pub async fn token(app: &App, c: &Caller, code: &str) -> Result<(String, Option<Id>)> {
    let t = crate::residents::track(app, code).await?;
    let id = match t.submission.petition_id {
        Some(id) => match crate::petitions::get(app, c, id).await {
            Ok(_) => Some(id),
            Err(Error::NotFound) => None,
            Err(e) => return Err(e),
        },
        None => None,
    };
    Ok((t.submission.code, id))
}

/// Makes a client whose key is `key` (made random by the caller, shown once): admins.
pub async fn create_client(app: &App, c: &Caller, name: &str, key: &str) -> Result<ApiClient> {
    c.require(Action::ManageApiClients)?;
    let mut check = dondoc_domain::validate::Checker::new();
    let name = check.text("name", Some(name), dondoc_domain::validate::SHORT);
    check.finish(())?;
    Ok(app
        .store
        .create_api_client(c.who(), &name, &dondoc_store::token_digest(key))
        .await?)
}

pub async fn clients(app: &App, c: &Caller) -> Result<Vec<ApiClient>> {
    c.require(Action::ManageApiClients)?;
    Ok(app.store.api_clients().await?)
}

pub async fn revoke_client(app: &App, c: &Caller, id: Id) -> Result<ApiClient> {
    c.require(Action::ManageApiClients)?;
    Ok(app.store.revoke_api_client(c.who(), id).await?)
}
