//! User administration (admins only): the list, the form to add a user, one account's page
//! (edit, lock, send a password-reset link), and the reset pages anyone reaches from the
//! sign-in page or a mailed link.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use dondoc_app::users::{NotMailed, ResetSent};
use dondoc_domain::input::{UserEditInput, UserInput};
use dondoc_domain::{Action, User};
use tower_sessions::Session;

use super::{
    invalid_page, layout, opt_id, render, see_other, unit_choice, Field, FormView, HistoryRow,
    Layout,
};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pick::Picked;
use crate::AppState;
use dondoc_app as app;
use dondoc_store::UnitNode;

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    layout: Layout,
    users: Vec<User>,
    units: std::sync::Arc<Vec<UnitNode>>,
    form: FormView,
}

impl UsersPage {
    fn role(&self, u: &User) -> &'static str {
        self.layout.t(&format!("role.{}", u.role.as_str()))
    }

    fn unit(&self, u: &User) -> String {
        unit_name(&self.units, u.unit_id)
    }
}

fn unit_name(units: &[UnitNode], id: Option<i64>) -> String {
    id.and_then(|id| units.iter().find(|n| n.unit.id == id))
        .map(|n| n.unit.name.clone())
        .unwrap_or_default()
}

fn role_options(l: Lang) -> Vec<(String, String)> {
    app::users::roles()
        .into_iter()
        .map(|r| {
            (
                r.as_str().to_string(),
                l.t(&format!("role.{}", r.as_str())).to_string(),
            )
        })
        .collect()
}

fn user_form(l: Lang, csrf: &str, raw: &UserInput, units: &[UnitNode]) -> FormView {
    FormView::new(
        "/users",
        csrf,
        "common.create",
        vec![
            Field::new(l, "login", "text", raw.login.clone().unwrap_or_default()).required(),
            Field::new(
                l,
                "display_name",
                "text",
                raw.display_name.clone().unwrap_or_default(),
            )
            .required(),
            Field::select(
                l,
                "role",
                raw.role.clone().unwrap_or_default(),
                role_options(l),
                true,
            )
            .required(),
            unit_choice(l, "unit_id", opt_id(raw.unit_id), units).hint("user.unit_hint"),
            Field::new(l, "email", "email", raw.email.clone().unwrap_or_default())
                .hint("user.email_hint"),
            Field::new(l, "password", "password", "").required(),
        ],
    )
}

pub async fn list(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
) -> Result<Html<String>, AppError> {
    v.require(Action::ManageUsers)?;
    let units = app::reference::unit_tree(&st.app, &v).await?;
    let layout = layout(&v, &session, "users", v.lang.t("nav.users")).await?;
    let form = user_form(v.lang, &layout.csrf, &UserInput::default(), &units);
    render(&UsersPage {
        layout,
        users: app::users::list(&st.app, &v).await?,
        units,
        form,
    })
}

pub async fn create(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Picked(raw): Picked<UserInput>,
) -> Result<Response, AppError> {
    let err = match app::users::create(&st.app, &v, &raw)
        .await
        .map_err(AppError::from)
    {
        Ok(u) => return Ok(see_other(&format!("/users/{}", u.id))),
        Err(AppError::Invalid(inv)) => inv,
        Err(AppError::Duplicate(field)) => {
            dondoc_domain::Invalid::one(field, dondoc_domain::FieldCode::Taken)
        }
        Err(e) => return Err(e),
    };
    let units = app::reference::unit_tree(&st.app, &v).await?;
    let layout = layout(&v, &session, "users", v.lang.t("nav.users")).await?;
    let form = user_form(v.lang, &layout.csrf, &raw, &units).with_errors(v.lang, &err);
    invalid_page(&UsersPage {
        layout,
        users: app::users::list(&st.app, &v).await?,
        units,
        form,
    })
}

/// What the account's page says after a reset link was made.
pub struct ResetNote {
    /// Mailed to this address.
    mailed: Option<String>,
    /// The link to hand over, and why it was not mailed.
    link: Option<(String, &'static str)>,
}

#[derive(Template)]
#[template(path = "user.html")]
struct UserPage {
    layout: Layout,
    user: User,
    unit: String,
    form: FormView,
    reset: Option<ResetNote>,
    history: Vec<HistoryRow>,
}

impl UserPage {
    fn role(&self) -> &'static str {
        self.layout.t(&format!("role.{}", self.user.role.as_str()))
    }
}

fn edit_form(l: Lang, csrf: &str, u: &User, units: &[UnitNode]) -> FormView {
    FormView::new(
        format!("/users/{}", u.id),
        csrf,
        "common.save",
        vec![
            Field::new(l, "display_name", "text", u.display_name.clone()).required(),
            Field::select(l, "role", u.role.as_str(), role_options(l), true).required(),
            unit_choice(l, "unit_id", opt_id(u.unit_id), units).hint("user.unit_hint"),
            Field::new(l, "email", "email", u.email.clone().unwrap_or_default())
                .hint("user.email_hint"),
            Field::new(l, "version", "hidden", u.version.to_string()),
        ],
    )
}

async fn user_page(
    st: &AppState,
    v: &Viewer,
    session: &Session,
    id: i64,
    reset: Option<ResetNote>,
) -> Result<UserPage, AppError> {
    let user = app::users::get(&st.app, v, id).await?;
    let units = app::reference::unit_tree(&st.app, v).await?;
    let layout = layout(v, session, "users", user.display_name.clone()).await?;
    let form = edit_form(v.lang, &layout.csrf, &user, &units);
    Ok(UserPage {
        unit: unit_name(&units, user.unit_id),
        history: super::history_of(st, v, "user", id).await?,
        layout,
        user,
        form,
        reset,
    })
}

pub async fn show(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    render(&user_page(&st, &v, &session, id, None).await?)
}

pub async fn update(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    Picked(raw): Picked<UserEditInput>,
) -> Result<Response, AppError> {
    let done = app::users::update(&st.app, &v, id, &raw).await;
    let (st, v, raw) = (&st, &v, &raw);
    super::answer(
        done,
        |_| format!("/users/{id}"),
        |inv| async move {
            let mut page = user_page(st, v, &session, id, None).await?;
            let form = std::mem::replace(&mut page.form, FormView::new("", "", "", vec![]));
            page.form = form.refused(v.lang, raw, &inv);
            invalid_page(&page)
        },
    )
    .await
}

/// An administrator sends the person a link that sets a new password; without a mail server
/// or address, the page shows the link for the administrator to hand over.
pub async fn send_reset(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let sent = app::users::send_reset(&st.app, &v, id, &crate::auth::secret()).await?;
    let note = match sent {
        ResetSent::Mailed(to) => ResetNote {
            mailed: Some(to),
            link: None,
        },
        ResetSent::Handed { path, why } => ResetNote {
            mailed: None,
            link: Some((
                format!("{}{path}", super::origin(&st, &headers)),
                match why {
                    NotMailed::NoServer => "user.reset_no_server",
                    NotMailed::NoAddress => "user.reset_no_address",
                    NotMailed::Failed => "user.reset_failed",
                },
            )),
        },
    };
    let page = user_page(&st, &v, &session, id, Some(note)).await?;
    Ok(render(&page)?.into_response())
}

#[derive(serde::Deserialize)]
pub struct ActiveForm {
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_bool")]
    active: Option<bool>,
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    version: Option<i64>,
}

pub async fn set_active(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    Picked(raw): Picked<ActiveForm>,
) -> Result<Response, AppError> {
    app::users::set_active(&st.app, &v, id, raw.active, raw.version).await?;
    Ok(see_other("/users"))
}

// Resetting one's own password, from the sign-in page or a mailed link.

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    layout: Layout,
    /// `forgot` (ask for a link), `asked` (told to look in the mailbox), `reset` (choose a new
    /// password), `gone` (the link does not work).
    step: &'static str,
    action: String,
    name: String,
    error: Option<&'static str>,
    errors: Vec<(&'static str, &'static str)>,
    display_name: String,
}

impl PasswordPage {
    fn error_of(&self, field: &str) -> Option<&'static str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| *m)
    }
}

#[allow(clippy::too_many_arguments)]
async fn password_page(
    st: &AppState,
    v: &Viewer,
    session: &Session,
    headers: &HeaderMap,
    status: StatusCode,
    step: &'static str,
    action: String,
    fill: impl FnOnce(&mut PasswordPage),
) -> Result<Response, AppError> {
    let draw = |layout| {
        let mut page = PasswordPage {
            layout,
            step,
            action,
            name: String::new(),
            error: None,
            errors: vec![],
            display_name: String::new(),
        };
        fill(&mut page);
        page
    };
    super::anonymous_page(
        st,
        v,
        session,
        headers,
        status,
        "password.title",
        None,
        draw,
    )
    .await
}

pub async fn forgot(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let action = "/password/forgot".to_string();
    password_page(
        &st,
        &v,
        &session,
        &headers,
        StatusCode::OK,
        "forgot",
        action,
        |_| {},
    )
    .await
}

#[derive(serde::Deserialize, Default)]
pub struct ForgotForm {
    #[serde(default)]
    name: String,
}

pub async fn ask(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    headers: HeaderMap,
    axum::Form(f): axum::Form<ForgotForm>,
) -> Result<Response, AppError> {
    let action = "/password/forgot".to_string();
    match app::users::ask_reset(&st.app, &f.name, &crate::auth::secret()).await {
        Ok(()) => {
            let ok = StatusCode::OK;
            password_page(&st, &v, &session, &headers, ok, "asked", action, |p| {
                p.name = f.name.trim().to_string();
            })
            .await
        }
        Err(app::Error::Invalid(_)) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            password_page(&st, &v, &session, &headers, status, "forgot", action, |p| {
                p.errors = vec![("name", v.lang.t("err.required"))];
                p.name = f.name;
            })
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// A secret as links carry it: 64 hex digits; anything else is no link at all.
fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

pub async fn reset_form(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let action = app::users::reset_path(&token);
    let user = if well_formed(&token) {
        app::users::reset_for(&st.app, &token).await.ok()
    } else {
        None
    };
    match user {
        Some(u) => {
            let ok = StatusCode::OK;
            password_page(&st, &v, &session, &headers, ok, "reset", action, |p| {
                p.display_name = u.display_name;
            })
            .await
        }
        None => {
            let gone = StatusCode::NOT_FOUND;
            password_page(&st, &v, &session, &headers, gone, "gone", action, |_| {}).await
        }
    }
}

#[derive(serde::Deserialize, Default)]
pub struct ResetForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    again: String,
}

pub async fn reset(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    headers: HeaderMap,
    Path(token): Path<String>,
    axum::Form(f): axum::Form<ResetForm>,
) -> Result<Response, AppError> {
    let action = app::users::reset_path(&token);
    let done = if well_formed(&token) {
        app::users::reset_password(&st.app, &token, &f.password, &f.again).await
    } else {
        Err(app::Error::NotFound)
    };
    match done {
        Ok(_) => Ok(see_other("/login")),
        Err(app::Error::Invalid(inv)) => {
            let user = app::users::reset_for(&st.app, &token).await.ok();
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            password_page(&st, &v, &session, &headers, status, "reset", action, |p| {
                p.display_name = user.map(|u| u.display_name).unwrap_or_default();
                p.error = Some(v.lang.t("common.fix_errors"));
                p.errors = inv
                    .0
                    .iter()
                    .map(|e| (e.field, v.lang.field_message(e.field, e.code)))
                    .collect();
            })
            .await
        }
        Err(app::Error::NotFound) => {
            let gone = StatusCode::NOT_FOUND;
            password_page(&st, &v, &session, &headers, gone, "gone", action, |_| {}).await
        }
        Err(e) => Err(e.into()),
    }
}
