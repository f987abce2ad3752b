//! Units as a tree, one unit with its history, and the admin forms to add, edit, move and merge.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use dondoc_domain::input::UnitInput;
use dondoc_domain::{Action, Unit, UnitKind};
use dondoc_store::{UnitFilter, UnitNode};
use serde::Deserialize;
use tower_sessions::Session;

use super::sessions::FormPage;
use super::{
    answer, invalid_page, layout, opt_id, pager, posted, render, unit_choice, unit_options, Field,
    FormView, HistoryRow, Layout, Pager,
};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pick::Picked;
use crate::AppState;
use dondoc_app as app;

#[derive(Template)]
#[template(path = "units.html")]
struct TreePage {
    layout: Layout,
    q: String,
    /// The units above the level shown, the top first; the last is the one opened.
    path: Vec<Unit>,
    /// The level shown (or what a search found), each with how many units it holds.
    units: Vec<(Unit, i64)>,
    pager: Pager,
    can_manage: bool,
}

impl TreePage {
    fn kind(&self, u: &Unit) -> &'static str {
        self.layout.t(&format!("uk.{}", u.kind.as_str()))
    }
}

#[derive(Deserialize)]
pub struct TreeQuery {
    /// The unit whose children are shown; none, the top of the tree.
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    under: Option<i64>,
    q: Option<String>,
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    offset: Option<i64>,
}

/// The tree a level at a time: the units under one (the top of the tree first), each with
/// how many it holds and a link to open it; or the units a search names. A province has
/// thousands of units: the whole tree is never drawn.
pub async fn tree(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Query(f): Query<TreeQuery>,
) -> Result<Html<String>, AppError> {
    v.require(Action::ReadInternal)?;
    let q = f.q.clone().unwrap_or_default();
    let searching = !q.trim().is_empty();
    let filter = UnitFilter {
        parent_id: if searching { None } else { f.under },
        top: !searching && f.under.is_none(),
        q: searching.then(|| q.clone()),
        limit: Some(100),
        offset: f.offset,
        ..Default::default()
    };
    let page = app::reference::units(&st.app, &v, &filter).await?;
    let ids: Vec<i64> = page.items.iter().map(|u| u.id).collect();
    let counts = app::reference::child_counts(&st.app, &v, &ids).await?;
    let path = match f.under.filter(|_| !searching) {
        Some(id) => {
            let mut path = app::reference::ancestors(&st.app, &v, id).await?;
            path.push(app::reference::unit(&st.app, &v, id).await?);
            path
        }
        None => vec![],
    };
    let query = [
        ("q", q.clone()),
        ("under", f.under.map(|u| u.to_string()).unwrap_or_default()),
    ];
    let pager = pager("/units", &query, &page);
    let layout = layout(&v, &session, "units", v.lang.t("nav.units")).await?;
    render(&TreePage {
        layout,
        q,
        path,
        units: page
            .items
            .into_iter()
            .map(|u| {
                let n = counts.get(&u.id).copied().unwrap_or(0);
                (u, n)
            })
            .collect(),
        pager,
        can_manage: v.can(Action::ManageUnits),
    })
}

#[derive(Template)]
#[template(path = "unit.html")]
struct ShowPage {
    layout: Layout,
    unit: Unit,
    kind: &'static str,
    parent: Option<Unit>,
    merged_into: Option<Unit>,
    history: Vec<HistoryRow>,
    forms: Vec<(&'static str, FormView)>,
    /// The viewer may make the unit's calendar feed (its own people, leaders).
    follows: bool,
    has_feed: bool,
    /// A feed address just made, shown once.
    feed_url: Option<String>,
}

impl super::RecordPage for ShowPage {
    fn forms(&mut self) -> &mut Vec<(&'static str, FormView)> {
        &mut self.forms
    }
}

fn unit_fields(l: Lang, raw: &UnitInput, units: &[UnitNode]) -> Vec<Field> {
    let kinds = UnitKind::ALL
        .into_iter()
        .map(|k| {
            (
                k.as_str().to_string(),
                l.t(&format!("uk.{}", k.as_str())).to_string(),
            )
        })
        .collect();
    let mut fields = vec![
        Field::new(l, "name", "text", raw.name.clone().unwrap_or_default()).required(),
        Field::new(
            l,
            "short_name",
            "text",
            raw.short_name.clone().unwrap_or_default(),
        ),
        Field::select(l, "kind", raw.kind.clone().unwrap_or_default(), kinds, true).required(),
        unit_choice(l, "parent_id", opt_id(raw.parent_id), units),
    ];
    if let Some(v) = raw.version {
        fields.push(Field::new(l, "version", "hidden", v.to_string()));
    }
    fields
}

async fn show_page(
    st: &AppState,
    v: &Viewer,
    session: &Session,
    id: i64,
) -> Result<ShowPage, AppError> {
    let app::reference::UnitDetail {
        unit,
        parent,
        merged_into,
    } = app::reference::unit_detail(&st.app, v, id).await?;
    let history = super::history_of(st, v, "unit", id).await?;
    let layout = layout(v, session, "units", unit.name.clone()).await?;
    let mut forms = Vec::new();
    if v.can(Action::ManageUnits) && unit.merged_into.is_none() {
        let units = app::reference::unit_tree(&st.app, v).await?;
        let raw = UnitInput {
            parent_id: unit.parent_id,
            kind: Some(unit.kind.as_str().into()),
            name: Some(unit.name.clone()),
            short_name: unit.short_name.clone(),
            version: Some(unit.version),
        };
        forms.push((
            "common.edit",
            FormView::new(
                format!("/units/{id}"),
                &layout.csrf,
                "common.save",
                unit_fields(v.lang, &raw, &units),
            ),
        ));
        let others: Vec<(String, String)> = unit_options(&units)
            .into_iter()
            .filter(|(u, _)| *u != id.to_string())
            .collect();
        forms.push((
            "unit.merge",
            FormView::new(
                format!("/units/{id}/merge"),
                &layout.csrf,
                "unit.merge",
                vec![
                    Field::choice(v.lang, "merged_into", "", others, false).required(),
                    Field::new(v.lang, "version", "hidden", unit.version.to_string()),
                ],
            ),
        ));
    }
    let kind = v.lang.t(&format!("uk.{}", unit.kind.as_str()));
    let follows = v.user.is_some() && v.can(Action::FollowUnit { unit: id });
    let has_feed = follows && app::ical::unit_has(&st.app, v, id).await?;
    Ok(ShowPage {
        layout,
        unit,
        kind,
        parent,
        merged_into,
        history,
        forms,
        follows,
        has_feed,
        feed_url: None,
    })
}

record_page_handler!();

/// Makes the unit a new calendar feed address (revoking the old) and shows it once.
pub async fn renew_feed(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    headers: axum::http::HeaderMap,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> Result<Html<String>, AppError> {
    let token = crate::auth::secret();
    app::ical::renew_unit(&st.app, &v, id, &token).await?;
    let mut page = show_page(&st, &v, &session, id).await?;
    let origin = super::origin(&st, &headers);
    page.feed_url = Some(format!("{origin}/calendar/units/{token}.ics"));
    render(&page)
}

/// Stops the unit's feed.
pub async fn revoke_feed(
    State(st): State<AppState>,
    v: Viewer,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> Result<Response, AppError> {
    app::ical::revoke_unit(&st.app, &v, id).await?;
    Ok(super::see_other(&format!("/units/{id}")))
}

pub async fn new(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
) -> Result<Html<String>, AppError> {
    v.require(Action::ManageUnits)?;
    let units = app::reference::unit_tree(&st.app, &v).await?;
    let layout = layout(&v, &session, "units", v.lang.t("unit.new")).await?;
    let form = FormView::new(
        "/units",
        &layout.csrf,
        "common.save",
        unit_fields(v.lang, &UnitInput::default(), &units),
    );
    render(&FormPage { layout, form })
}

pub async fn create(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Picked(raw): Picked<UnitInput>,
) -> Result<Response, AppError> {
    let done = app::reference::create_unit(&st.app, &v, &raw).await;
    answer(
        done,
        |u| format!("/units/{}", u.id),
        |inv| async move {
            let units = app::reference::unit_tree(&st.app, &v).await?;
            let layout = layout(&v, &session, "units", v.lang.t("unit.new")).await?;
            let form = FormView::new(
                "/units",
                &layout.csrf,
                "common.save",
                unit_fields(v.lang, &raw, &units),
            )
            .with_errors(v.lang, &inv);
            invalid_page(&FormPage { layout, form })
        },
    )
    .await
}

pub async fn update(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    Picked(raw): Picked<UnitInput>,
) -> Result<Response, AppError> {
    let done = app::reference::update_unit(&st.app, &v, id, &raw).await;
    let page = || show_page(&st, &v, &session, id);
    posted(done, format!("/units/{id}"), "common.edit", &v, &raw, page).await
}

#[derive(Deserialize, serde::Serialize)]
pub struct MergeForm {
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    merged_into: Option<i64>,
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    version: Option<i64>,
}

pub async fn merge(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    Picked(raw): Picked<MergeForm>,
) -> Result<Response, AppError> {
    let done = app::reference::merge_unit(&st.app, &v, id, raw.merged_into, raw.version).await;
    let page = || show_page(&st, &v, &session, id);
    posted(done, format!("/units/{id}"), "unit.merge", &v, &raw, page).await
}
