//! Sessions: the list, the page of one session with everything it produced, and the forms to
//! record and edit one.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use dondoc_domain::input::{DirectiveInput, MeasurementInput, PetitionInput, SessionInput};
use dondoc_domain::{Action, Document, Person};
use dondoc_store::{
    DirectiveView, MeasurementView, PetitionView, SessionFilter, SessionView, TargetFilter,
};
use serde::Deserialize;
use tower_sessions::Session;

use super::{
    answer, invalid_page, layout, opt_id, pager, posted, render, unit_choice, Field, FormView,
    HistoryRow, Layout, Pager,
};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pick::Picked;
use crate::AppState;
use dondoc_app as app;

#[derive(Template)]
#[template(path = "sessions.html")]
struct ListPage {
    layout: Layout,
    q: String,
    sessions: Vec<SessionView>,
    pager: Pager,
    can_create: bool,
    /// The unit filter set by a link, kept as the list is searched again.
    host_unit_id: String,
    /// The filters, for the links that export the list.
    export_query: String,
}

impl ListPage {
    fn date(&self, d: &jiff::civil::Date) -> String {
        self.layout.lang.date(*d)
    }
}

pub async fn list(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Query(f): Query<SessionFilter>,
) -> Result<Html<String>, AppError> {
    let q = f.q.clone().unwrap_or_default();
    let page = app::sessions::list(&st.app, &v, &f).await?;
    let host = f.host_unit_id.map(|i| i.to_string()).unwrap_or_default();
    let filters = [("q", q.clone()), ("host_unit_id", host.clone())];
    let pager = pager("/sessions", &filters, &page);
    let can_create = v.records();
    let layout = layout(&v, &session, "sessions", v.lang.t("nav.sessions")).await?;
    render(&ListPage {
        layout,
        q,
        host_unit_id: host,
        sessions: page.items,
        pager,
        can_create,
        export_query: super::filter_query(&filters),
    })
}

#[derive(Template)]
#[template(path = "session.html")]
struct ShowPage {
    layout: Layout,
    s: SessionView,
    participants: Vec<(Person, String)>,
    documents: Vec<Document>,
    figures: Vec<MeasurementView>,
    petitions: Vec<PetitionView>,
    directives: Vec<DirectiveView>,
    history: Vec<HistoryRow>,
    can_edit: bool,
    /// Whether the caller may draft the session's news for the public site.
    can_write_news: bool,
    /// People's pages are for staff: a visitor reads the names without links.
    staff: bool,
    forms: Vec<(&'static str, FormView)>,
}

impl super::RecordPage for ShowPage {
    fn forms(&mut self) -> &mut Vec<(&'static str, FormView)> {
        &mut self.forms
    }
}

impl ShowPage {
    fn date(&self, d: &jiff::civil::Date) -> String {
        self.layout.lang.date(*d)
    }
    fn opt_date(&self, d: &Option<jiff::civil::Date>) -> String {
        self.layout.lang.opt_date(*d)
    }
    /// "trên 8,5 tỷ đồng": the qualifier word and the amount in its measure.
    fn figure(&self, m: &MeasurementView) -> String {
        let l = self.layout.lang;
        let q = l.t(&format!("q.{}", m.measurement.qualifier.as_str()));
        let amount = l.amount(m.measurement.value, &m.measure);
        let est = if m.measurement.estimated {
            format!("{} ", l.t("target.estimated"))
        } else {
            String::new()
        };
        if q.is_empty() {
            format!("{est}{amount}")
        } else {
            format!("{est}{q} {amount}")
        }
    }
    fn plan(&self, m: &MeasurementView) -> String {
        // The plan the figure was reported against, as its percent is.
        self.layout.lang.amount(m.plan_in_force, &m.measure)
    }
    fn percent(&self, p: &Option<f64>) -> String {
        p.map(|p| self.layout.lang.amount(p, "percent"))
            .unwrap_or_default()
    }
    fn bar(&self, p: &Option<f64>) -> String {
        format!("{:.0}", p.unwrap_or(0.0).clamp(0.0, 100.0))
    }
    fn status(&self, p: &PetitionView) -> &'static str {
        self.layout.t(&format!("ps.{}", p.petition.status.as_str()))
    }
    fn raised(&self, p: &PetitionView) -> String {
        super::raised(self.layout.lang, p.petition.raised_count)
    }
    fn dstatus(&self, d: &DirectiveView) -> &'static str {
        self.layout
            .t(&format!("ds.{}", d.directive.status.as_str()))
    }
    fn timeliness(&self, d: &DirectiveView) -> &'static str {
        self.layout.t(&format!("tl.{}", tl(d)))
    }
    fn tl_code(&self, d: &DirectiveView) -> &'static str {
        tl(d)
    }
}

pub fn tl(d: &DirectiveView) -> &'static str {
    use dondoc_domain::directive::Timeliness as T;
    match d.timeliness {
        T::NoDeadline => "no_deadline",
        T::OnTrack => "on_track",
        T::DueSoon => "due_soon",
        T::Overdue => "overdue",
        T::DoneOnTime => "done_on_time",
        T::DoneLate => "done_late",
        T::Cancelled => "cancelled",
    }
}

/// The forms shown on a session page to those who may record into it.
async fn record_forms(
    st: &AppState,
    v: &Viewer,
    csrf: &str,
    id: i64,
) -> Result<Vec<(&'static str, FormView)>, AppError> {
    let l = v.lang;
    let units = app::reference::unit_tree(&st.app, v).await?;
    // A select lists a handful; beyond that the field becomes a picker, which searches.
    let few = Some(crate::pick::SELECT_AT_MOST as i64);
    let people = app::reference::people(&st.app, v, None, few, None).await?;
    let targets = app::targets::list(
        &st.app,
        v,
        &TargetFilter {
            limit: few,
            ..Default::default()
        },
    )
    .await?;
    let documents = app::reference::documents(&st.app, v, few, None).await?;
    let more = |total: i64, listed: usize| total > listed as i64;
    let (more_people, more_targets, more_documents) = (
        more(people.total, people.items.len()),
        more(targets.total, targets.items.len()),
        more(documents.total, documents.items.len()),
    );
    let person_opts: Vec<(String, String)> = people
        .items
        .iter()
        .map(|p| (p.id.to_string(), p.name.clone()))
        .collect();
    let document_opts: Vec<(String, String)> = documents
        .items
        .iter()
        .map(|d| (d.id.to_string(), app::pick::document_label(d)))
        .collect();
    let target_opts: Vec<(String, String)> = targets
        .items
        .iter()
        .map(|t| (t.target.id.to_string(), app::pick::target_label(t)))
        .collect();
    let forms = vec![
        (
            "session.add_petition",
            FormView::new(
                format!("/sessions/{id}/petitions"),
                csrf,
                "common.save",
                vec![
                    Field::new(l, "text", "textarea", "").required(),
                    unit_choice(l, "area_unit_id", "", &units),
                    Field::new(l, "raised_by", "text", ""),
                    unit_choice(l, "responsible_unit_id", "", &units),
                ],
            ),
        ),
        (
            "session.add_directive",
            FormView::new(
                format!("/sessions/{id}/directives"),
                csrf,
                "common.save",
                vec![
                    Field::new(l, "text", "textarea", "").required(),
                    unit_choice(l, "lead_unit_id", "", &units),
                    Field::new(l, "deadline", "date", ""),
                    Field::new(l, "deadline_text", "text", ""),
                ],
            ),
        ),
        (
            "target.add_measurement",
            FormView::new(
                format!("/sessions/{id}/measurements"),
                csrf,
                "common.save",
                vec![
                    Field::choice(l, "target_id", "", target_opts, more_targets).required(),
                    Field::new(l, "value", "number", "").required(),
                    Field::select(l, "qualifier", "exact", qualifier_options(l), false),
                    Field::new(l, "estimated", "checkbox", ""),
                    Field::new(l, "period_from", "date", "").required(),
                    Field::new(l, "period_to", "date", "").required(),
                    Field::new(l, "wording", "text", ""),
                ],
            ),
        ),
        (
            "session.link_document",
            FormView::new(
                format!("/sessions/{id}/documents"),
                csrf,
                "common.save",
                vec![Field::choice(l, "document_id", "", document_opts, more_documents).required()],
            ),
        ),
        (
            "session.add_participant",
            FormView::new(
                format!("/sessions/{id}/participants"),
                csrf,
                "common.save",
                vec![
                    Field::choice(l, "person_id", "", person_opts, more_people).required(),
                    Field {
                        label: l.t("session.role"),
                        ..Field::new(l, "role", "text", "").required()
                    },
                ],
            ),
        ),
    ];
    Ok(forms)
}

pub fn qualifier_options(l: Lang) -> Vec<(String, String)> {
    dondoc_domain::Qualifier::ALL
        .into_iter()
        .map(|q| {
            let word = l.t(&format!("q.{}", q.as_str()));
            (
                q.as_str().to_string(),
                if word.is_empty() {
                    "=".to_string()
                } else {
                    word.to_string()
                },
            )
        })
        .collect()
}

async fn show_page(
    st: &AppState,
    v: &Viewer,
    session: &Session,
    id: i64,
) -> Result<ShowPage, AppError> {
    let app::sessions::SessionDetail {
        session: s,
        participants,
        documents,
        figures,
        petitions,
        directives,
    } = app::sessions::detail(&st.app, v, id).await?;
    let history = if v.is_staff() {
        super::history_of(st, v, "session", id).await?
    } else {
        vec![]
    };
    let can_edit = v.can(Action::EditSession {
        host_unit: s.session.host_unit_id,
    });
    let can_record = v.can(Action::RecordSession {
        host_unit: s.session.host_unit_id,
    });
    let layout = layout(v, session, "sessions", s.session.title.clone()).await?;
    let forms = if can_record {
        record_forms(st, v, &layout.csrf, id).await?
    } else {
        vec![]
    };
    Ok(ShowPage {
        layout,
        s,
        participants,
        documents,
        figures,
        petitions,
        directives,
        history,
        can_edit,
        can_write_news: v.can(Action::EditArticle),
        staff: v.is_staff(),
        forms,
    })
}

record_page_handler!();

#[derive(Template)]
#[template(path = "form_page.html")]
pub struct FormPage {
    pub layout: Layout,
    pub form: FormView,
}

async fn session_form(
    st: &AppState,
    v: &Viewer,
    csrf: &str,
    action: String,
    raw: &SessionInput,
) -> Result<FormView, AppError> {
    let l = v.lang;
    let units = app::reference::unit_tree(&st.app, v).await?;
    // Only the units the person may record sessions of (a clerk's own) are offered as hosts.
    let hosts: Vec<dondoc_store::UnitNode> = units
        .iter()
        .filter(|n| {
            Some(n.unit.id) == raw.host_unit_id
                || v.can(Action::RecordSession {
                    host_unit: n.unit.id,
                })
        })
        .cloned()
        .collect();
    let people = app::reference::people(
        &st.app,
        v,
        None,
        Some(crate::pick::SELECT_AT_MOST as i64),
        None,
    )
    .await?;
    let more_people = people.total > people.items.len() as i64;
    let mut person_opts: Vec<(String, String)> = people
        .items
        .iter()
        .map(|p| (p.id.to_string(), p.name.clone()))
        .collect();
    // The person already chosen reads by name even when beyond the first page.
    if let Some(id) = raw.lead_person_id {
        if !people.items.iter().any(|p| p.id == id) {
            if let Ok(p) = app::reference::person(&st.app, v, id).await {
                person_opts.push((id.to_string(), p.person.name));
            }
        }
    }
    let mut fields = vec![
        Field::new(l, "title", "text", raw.title.clone().unwrap_or_default()).required(),
        Field::new(l, "date", "date", raw.date.clone().unwrap_or_default()).required(),
        unit_choice(l, "host_unit_id", opt_id(raw.host_unit_id), &hosts).required(),
        Field::new(l, "place", "text", raw.place.clone().unwrap_or_default()),
        Field::new(
            l,
            "delegation_name",
            "text",
            raw.delegation_name.clone().unwrap_or_default(),
        ),
        Field::choice(
            l,
            "lead_person_id",
            opt_id(raw.lead_person_id),
            person_opts,
            more_people,
        ),
        Field::new(
            l,
            "summary",
            "textarea",
            raw.summary.clone().unwrap_or_default(),
        ),
        Field::new(
            l,
            "source_text",
            "textarea",
            raw.source_text.clone().unwrap_or_default(),
        ),
        Field::new(
            l,
            "published",
            "checkbox",
            if raw.published == Some(true) {
                "on"
            } else {
                ""
            },
        ),
    ];
    if let Some(version) = raw.version {
        fields.push(Field::new(l, "version", "hidden", version.to_string()));
    }
    Ok(FormView::new(action, csrf, "common.save", fields))
}

pub async fn new(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
) -> Result<Html<String>, AppError> {
    v.require_recorder()?;
    let layout = layout(&v, &session, "sessions", v.lang.t("session.new")).await?;
    let form = session_form(
        &st,
        &v,
        &layout.csrf,
        "/sessions".into(),
        &SessionInput::default(),
    )
    .await?;
    render(&FormPage { layout, form })
}

pub async fn create(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Picked(raw): Picked<SessionInput>,
) -> Result<Response, AppError> {
    let done = app::sessions::create(&st.app, &v, &raw).await;
    answer(
        done,
        |s| format!("/sessions/{}", s.session.id),
        |inv| async move {
            let layout = layout(&v, &session, "sessions", v.lang.t("session.new")).await?;
            let form = session_form(&st, &v, &layout.csrf, "/sessions".into(), &raw)
                .await?
                .with_errors(v.lang, &inv);
            invalid_page(&FormPage { layout, form })
        },
    )
    .await
}

pub async fn edit(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let s = app::sessions::get(&st.app, &v, id).await?;
    v.require(Action::EditSession {
        host_unit: s.session.host_unit_id,
    })?;
    let layout = layout(&v, &session, "sessions", v.lang.t("session.edit")).await?;
    let form = session_form(
        &st,
        &v,
        &layout.csrf,
        format!("/sessions/{id}"),
        &as_input(&s),
    )
    .await?;
    render(&FormPage { layout, form })
}

/// A recorded session as its edit form holds it.
fn as_input(s: &dondoc_store::SessionView) -> SessionInput {
    SessionInput {
        date: Some(s.session.date.to_string()),
        place: s.session.place.clone(),
        title: Some(s.session.title.clone()),
        host_unit_id: Some(s.session.host_unit_id),
        delegation_name: s.session.delegation_name.clone(),
        lead_person_id: s.session.lead_person_id,
        summary: s.session.summary.clone(),
        source_text: s.session.source_text.clone(),
        published: Some(s.session.published),
        version: Some(s.session.version),
    }
}

pub async fn update(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    Picked(raw): Picked<SessionInput>,
) -> Result<Response, AppError> {
    let done = app::sessions::update(&st.app, &v, id, &raw).await;
    answer(
        done,
        |_| format!("/sessions/{id}"),
        |inv| async move {
            let layout = layout(&v, &session, "sessions", v.lang.t("session.edit")).await?;
            let to = format!("/sessions/{id}");
            // Changed meanwhile: the form of the session as it is now, with what was typed.
            let form = if inv.on("version") == Some(dondoc_domain::FieldCode::Stale) {
                let now = as_input(&app::sessions::get(&st.app, &v, id).await?);
                session_form(&st, &v, &layout.csrf, to, &now)
                    .await?
                    .refused(v.lang, &raw, &inv)
            } else {
                session_form(&st, &v, &layout.csrf, to, &raw)
                    .await?
                    .with_errors(v.lang, &inv)
            };
            invalid_page(&FormPage { layout, form })
        },
    )
    .await
}

pub async fn add_petition(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    Picked(mut raw): Picked<PetitionInput>,
) -> Result<Response, AppError> {
    raw.session_id = Some(id);
    let done = app::petitions::create(&st.app, &v, &raw).await;
    if super::petitions::refused_as_similar(&done) {
        let action = format!("/sessions/{id}/petitions");
        return super::petitions::offer_similar(&st, &v, &session, action, &raw).await;
    }
    let page = || show_page(&st, &v, &session, id);
    posted(
        done,
        format!("/sessions/{id}#petitions"),
        "session.add_petition",
        &v,
        &raw,
        page,
    )
    .await
}

pub async fn add_directive(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    Picked(mut raw): Picked<DirectiveInput>,
) -> Result<Response, AppError> {
    raw.session_id = Some(id);
    let done = app::directives::create(&st.app, &v, &raw).await;
    let page = || show_page(&st, &v, &session, id);
    posted(
        done,
        format!("/sessions/{id}#directives"),
        "session.add_directive",
        &v,
        &raw,
        page,
    )
    .await
}

/// A measurement recorded from a session page names its target among the fields.
#[derive(Deserialize, serde::Serialize)]
pub struct SessionMeasurement {
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    target_id: Option<i64>,
    #[serde(flatten)]
    m: std::collections::HashMap<String, String>,
}

pub async fn add_measurement(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    Picked(raw): Picked<SessionMeasurement>,
) -> Result<Response, AppError> {
    let mut m: MeasurementInput =
        serde_urlencoded::from_str(&serde_urlencoded::to_string(&raw.m).unwrap_or_default())
            .map_err(|e| AppError::Malformed(e.to_string()))?;
    m.session_id = Some(id);
    let done = match raw.target_id {
        Some(t) => app::targets::add_measurement(&st.app, &v, t, &m).await,
        None => Err(dondoc_app::Error::Invalid(dondoc_domain::Invalid::one(
            "target_id",
            dondoc_domain::FieldCode::Required,
        ))),
    };
    let page = || show_page(&st, &v, &session, id);
    posted(
        done,
        format!("/sessions/{id}#figures"),
        "target.add_measurement",
        &v,
        &raw,
        page,
    )
    .await
}

#[derive(Deserialize, serde::Serialize)]
pub struct DocumentLinkForm {
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    document_id: Option<i64>,
}

pub async fn link_document(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    Picked(raw): Picked<DocumentLinkForm>,
) -> Result<Response, AppError> {
    let done = app::sessions::link_document(&st.app, &v, id, raw.document_id).await;
    let page = || show_page(&st, &v, &session, id);
    posted(
        done,
        format!("/sessions/{id}#documents"),
        "session.link_document",
        &v,
        &raw,
        page,
    )
    .await
}

#[derive(Deserialize, serde::Serialize)]
pub struct ParticipantForm {
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    person_id: Option<i64>,
    role: Option<String>,
}

pub async fn add_participant(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    Picked(raw): Picked<ParticipantForm>,
) -> Result<Response, AppError> {
    let done =
        app::sessions::add_participant(&st.app, &v, id, raw.person_id, raw.role.as_deref()).await;
    let page = || show_page(&st, &v, &session, id);
    posted(
        done,
        format!("/sessions/{id}#participants"),
        "session.add_participant",
        &v,
        &raw,
        page,
    )
    .await
}

impl IntoResponse for FormPage {
    fn into_response(self) -> Response {
        match render(&self) {
            Ok(h) => h.into_response(),
            Err(e) => e.into_response(),
        }
    }
}
