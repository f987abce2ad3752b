//! The start page: open petitions by status, directives due soon and overdue, latest sessions.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use dondoc_domain::PetitionStatus;
use dondoc_store::{DirectiveFilter, DirectiveView, SessionFilter, SessionView};
use tower_sessions::Session;

use super::{layout, render, Layout};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::AppState;
use dondoc_app as app;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    layout: Layout,
    counts: Vec<(&'static str, &'static str, i64)>,
    due_soon: Vec<DirectiveView>,
    overdue: Vec<DirectiveView>,
    sessions: Vec<SessionView>,
    /// The portal's sidebar, for a visitor (until the public site has its own layout).
    sidebar: Option<crate::sidebar::Sidebar>,
}

impl Dashboard {
    fn date(&self, d: &jiff::civil::Date) -> String {
        self.layout.lang.date(*d)
    }
    fn opt_date(&self, d: &Option<jiff::civil::Date>) -> String {
        self.layout.lang.opt_date(*d)
    }
}

pub async fn show(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
) -> Result<Html<String>, AppError> {
    let by_status = app::petitions::open_counts(&st.app, &v).await?;
    let counts = PetitionStatus::ALL
        .into_iter()
        .filter(|s| s.is_open())
        .map(|status| {
            let n = by_status
                .iter()
                .find(|(s, _)| *s == status)
                .map_or(0, |(_, n)| *n);
            (
                status.as_str(),
                v.lang.t(&format!("ps.{}", status.as_str())),
                n,
            )
        })
        .collect();
    let due = |due: &str| DirectiveFilter {
        due: Some(due.into()),
        limit: Some(20),
        ..Default::default()
    };
    let due_soon = app::directives::list(&st.app, &v, &due("due_soon"))
        .await?
        .items;
    let overdue = app::directives::list(&st.app, &v, &due("overdue"))
        .await?
        .items;
    let sessions = app::sessions::list(
        &st.app,
        &v,
        &SessionFilter {
            limit: Some(8),
            ..Default::default()
        },
    )
    .await?
    .items;
    let layout = layout(&v, &session, "dashboard", v.lang.t("dash.title")).await?;
    let sidebar = v
        .user
        .is_none()
        .then(|| crate::sidebar::Sidebar::of(&st, v.lang))
        .flatten();
    render(&Dashboard {
        layout,
        counts,
        due_soon,
        overdue,
        sessions,
        sidebar,
    })
}
