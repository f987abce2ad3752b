//! User administration (admins only): the list and the form to add a user.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, Response};
use dondoc_domain::input::UserInput;
use dondoc_domain::{Action, User};
use tower_sessions::Session;

use super::{
    invalid_page, layout, opt_id, render, see_other, unit_choice, Field, FormView, Layout,
};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pick::Picked;
use crate::AppState;
use dondoc_app as app;

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    layout: Layout,
    users: Vec<User>,
    form: FormView,
}

impl UsersPage {
    fn role(&self, u: &User) -> &'static str {
        self.layout.t(&format!("role.{}", u.role.as_str()))
    }
}

fn user_form(l: Lang, csrf: &str, raw: &UserInput, units: &[dondoc_store::UnitNode]) -> FormView {
    let roles = app::users::roles()
        .into_iter()
        .map(|r| {
            (
                r.as_str().to_string(),
                l.t(&format!("role.{}", r.as_str())).to_string(),
            )
        })
        .collect();
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
            Field::select(l, "role", raw.role.clone().unwrap_or_default(), roles, true).required(),
            unit_choice(l, "unit_id", opt_id(raw.unit_id), units).hint("user.unit_hint"),
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
        Ok(_) => return Ok(see_other("/users")),
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
        form,
    })
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
    axum::extract::Path(id): axum::extract::Path<i64>,
    Picked(raw): Picked<ActiveForm>,
) -> Result<Response, AppError> {
    app::users::set_active(&st.app, &v, id, raw.active, raw.version).await?;
    Ok(see_other("/users"))
}
