//! "Việc của đơn vị": what the signed-in person's unit has to do, by when it is due.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use dondoc_app::inbox::Due;
use dondoc_store::{DirectiveView, PetitionView};
use tower_sessions::Session;

use super::{layout, render, Layout};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::AppState;
use dondoc_app as app;

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    layout: Layout,
    has_unit: bool,
    to_decide: Vec<DirectiveView>,
    more: bool,
    directives: Vec<(Due, Vec<DirectiveView>)>,
    petitions: Vec<(Due, Vec<PetitionView>)>,
    /// Tells what the viewer's units only coordinate on.
    inbox: app::inbox::Inbox,
}

impl InboxPage {
    fn due(&self, d: &Due) -> &'static str {
        self.layout.t(&format!("inbox.{}", d.as_str()))
    }
    fn count(&self, items: &[DirectiveView]) -> usize {
        items.len()
    }
    fn pcount(&self, items: &[PetitionView]) -> usize {
        items.len()
    }
    fn dstatus(&self, d: &DirectiveView) -> &'static str {
        self.layout
            .t(&format!("ds.{}", d.directive.status.as_str()))
    }
    fn pstatus(&self, p: &PetitionView) -> &'static str {
        self.layout.t(&format!("ps.{}", p.petition.status.as_str()))
    }
    fn opt_date(&self, d: &Option<jiff::civil::Date>) -> String {
        self.layout.lang.opt_date(*d)
    }
    fn raised(&self, p: &PetitionView) -> String {
        super::raised(self.layout.lang, p.petition.raised_count)
    }
    fn coordinates_d(&self, d: &DirectiveView) -> bool {
        self.inbox
            .coordinates_only(d.directive.lead_unit_id, &d.directive.coordinating_unit_ids)
    }
    fn coordinates_p(&self, p: &PetitionView) -> bool {
        self.inbox.coordinates_only(
            p.petition.responsible_unit_id,
            &p.petition.coordinating_unit_ids,
        )
    }
    fn total_directives(&self) -> usize {
        self.directives.iter().map(|(_, l)| l.len()).sum()
    }
    fn total_petitions(&self) -> usize {
        self.petitions.iter().map(|(_, l)| l.len()).sum()
    }
}

pub async fn show(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
) -> Result<Html<String>, AppError> {
    let inbox = app::inbox::of(&st.app, &v).await?;
    let layout = layout(&v, &session, "inbox", v.lang.t("nav.inbox")).await?;
    let app::inbox::Inbox {
        has_unit,
        to_decide,
        directives,
        petitions,
        more,
        units,
    } = inbox;
    render(&InboxPage {
        layout,
        has_unit,
        to_decide,
        more,
        directives,
        petitions,
        inbox: app::inbox::Inbox {
            has_unit,
            to_decide: vec![],
            directives: vec![],
            petitions: vec![],
            more,
            units,
        },
    })
}
