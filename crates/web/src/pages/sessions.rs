//! Sessions: the list, the page of one session with everything it produced, and the forms to
//! record and edit one.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use dondoc_domain::input::{DirectiveInput, MeasurementInput, PetitionInput, SessionInput};
use dondoc_domain::{Action, Document, Person};
use dondoc_store::{
    DirectiveView, MeasurementView, PetitionView, SessionFilter, SessionView, TargetFilter,
};
use serde::Deserialize;
use tower_sessions::Session;

use super::{
    history_rows, invalid_page, layout, notice, opt_id, pager, render, see_other, unit_options,
    Field, FormView, HistoryRow, Layout, Pager, Saved,
};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::Lang;
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
    let pager = pager(
        "/sessions",
        &[("q", q.clone())],
        page.total,
        page.limit,
        page.offset,
    );
    let can_create = v.records();
    let layout = layout(&v, &session, "sessions", v.lang.t("nav.sessions")).await?;
    render(&ListPage {
        layout,
        q,
        sessions: page.items,
        pager,
        can_create,
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
    forms: Vec<(&'static str, FormView)>,
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
        self.layout.lang.amount(m.plan_value, &m.measure)
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
    failed: Option<(&'static str, FormView)>,
) -> Result<Vec<(&'static str, FormView)>, AppError> {
    let l = v.lang;
    let units = app::reference::unit_tree(&st.app, v).await?;
    let people = app::reference::people(&st.app, v, None, Some(500), None)
        .await?
        .items;
    let targets = app::targets::list(
        &st.app,
        v,
        &TargetFilter {
            limit: Some(500),
            ..Default::default()
        },
    )
    .await?
    .items;
    let person_opts: Vec<(String, String)> = people
        .iter()
        .map(|p| (p.id.to_string(), p.name.clone()))
        .collect();
    let documents = app::reference::documents(&st.app, v, Some(500), None)
        .await?
        .items;
    let document_opts: Vec<(String, String)> = documents
        .iter()
        .map(|d| {
            let label = format!(
                "{} {} {}",
                d.kind,
                d.number.clone().unwrap_or_default(),
                d.subject.clone().unwrap_or_default()
            );
            (
                d.id.to_string(),
                label.split_whitespace().collect::<Vec<_>>().join(" "),
            )
        })
        .collect();
    let target_opts: Vec<(String, String)> = targets
        .iter()
        .map(|t| {
            (
                t.target.id.to_string(),
                format!(
                    "{} · {} ({})",
                    t.target.indicator,
                    t.unit_name,
                    t.target.period_to.year()
                ),
            )
        })
        .collect();
    let mut forms = vec![
        (
            "session.add_petition",
            FormView::new(
                format!("/sessions/{id}/petitions"),
                csrf,
                "common.save",
                vec![
                    Field::new(l, "text", "textarea", "").required(),
                    Field::select(l, "area_unit_id", "", unit_options(&units), true),
                    Field::new(l, "raised_by", "text", ""),
                    Field::select(l, "responsible_unit_id", "", unit_options(&units), true),
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
                    Field::select(l, "lead_unit_id", "", unit_options(&units), true),
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
                    Field::select(l, "target_id", "", target_opts, true).required(),
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
                vec![Field::select(l, "document_id", "", document_opts, true).required()],
            ),
        ),
        (
            "session.add_participant",
            FormView::new(
                format!("/sessions/{id}/participants"),
                csrf,
                "common.save",
                vec![
                    Field::select(l, "person_id", "", person_opts, true).required(),
                    Field {
                        label: l.t("session.role"),
                        ..Field::new(l, "role", "text", "").required()
                    },
                ],
            ),
        ),
    ];
    if let Some((key, form)) = failed {
        if let Some(slot) = forms.iter_mut().find(|(k, _)| *k == key) {
            slot.1 = form;
        }
    }
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
    failed: Option<(&'static str, FormView)>,
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
        history_rows(v.lang, &app::history::of(&st.app, v, "session", id).await?)
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
        record_forms(st, v, &layout.csrf, id, failed).await?
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
        forms,
    })
}

pub async fn show(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    Query(saved): Query<Saved>,
) -> Result<Html<String>, AppError> {
    let mut page = show_page(&st, &v, &session, id, None).await?;
    page.layout.notice = notice(&saved.saved);
    render(&page)
}

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
    let people = app::reference::people(&st.app, v, None, Some(500), None)
        .await?
        .items;
    let person_opts = people
        .iter()
        .map(|p| (p.id.to_string(), p.name.clone()))
        .collect();
    let mut fields = vec![
        Field::new(l, "title", "text", raw.title.clone().unwrap_or_default()).required(),
        Field::new(l, "date", "date", raw.date.clone().unwrap_or_default()).required(),
        Field::select(
            l,
            "host_unit_id",
            opt_id(raw.host_unit_id),
            unit_options(&units),
            true,
        )
        .required(),
        Field::new(l, "place", "text", raw.place.clone().unwrap_or_default()),
        Field::new(
            l,
            "delegation_name",
            "text",
            raw.delegation_name.clone().unwrap_or_default(),
        ),
        Field::select(
            l,
            "lead_person_id",
            opt_id(raw.lead_person_id),
            person_opts,
            true,
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
    Form(raw): Form<SessionInput>,
) -> Result<Response, AppError> {
    match app::sessions::create(&st.app, &v, &raw)
        .await
        .map_err(AppError::from)
    {
        Ok(s) => Ok(see_other(&format!("/sessions/{}", s.session.id))),
        Err(AppError::Invalid(inv)) => {
            let layout = layout(&v, &session, "sessions", v.lang.t("session.new")).await?;
            let form = session_form(&st, &v, &layout.csrf, "/sessions".into(), &raw)
                .await?
                .with_errors(v.lang, &inv);
            invalid_page(&FormPage { layout, form })
        }
        Err(e) => Err(e),
    }
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
    let raw = SessionInput {
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
    };
    let layout = layout(&v, &session, "sessions", v.lang.t("session.edit")).await?;
    let form = session_form(&st, &v, &layout.csrf, format!("/sessions/{id}"), &raw).await?;
    render(&FormPage { layout, form })
}

pub async fn update(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    Form(raw): Form<SessionInput>,
) -> Result<Response, AppError> {
    match app::sessions::update(&st.app, &v, id, &raw)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(see_other(&format!("/sessions/{id}"))),
        Err(AppError::Invalid(inv)) => {
            let layout = layout(&v, &session, "sessions", v.lang.t("session.edit")).await?;
            let form = session_form(&st, &v, &layout.csrf, format!("/sessions/{id}"), &raw)
                .await?
                .with_errors(v.lang, &inv);
            invalid_page(&FormPage { layout, form })
        }
        Err(e) => Err(e),
    }
}

/// Re-shows the session page with the refused inline form and its messages.
async fn refused(
    st: &AppState,
    v: &Viewer,
    session: &Session,
    id: i64,
    key: &'static str,
    fields: Vec<Field>,
    inv: &dondoc_domain::Invalid,
) -> Result<Response, AppError> {
    let mut page = show_page(st, v, session, id, None).await?;
    if let Some(slot) = page.forms.iter_mut().find(|(k, _)| *k == key) {
        let mut form = FormView::new(
            slot.1.action.clone(),
            &page.layout.csrf,
            "common.save",
            fields,
        )
        .with_errors(v.lang, inv);
        // Keep the select options of the original form for fields the user filled.
        for f in &mut form.fields {
            if let Some(orig) = slot.1.fields.iter().find(|o| o.name == f.name) {
                if !orig.options.is_empty() {
                    let value = f.value.clone();
                    f.options = orig
                        .options
                        .iter()
                        .map(|o| super::Opt {
                            value: o.value.clone(),
                            label: o.label.clone(),
                            selected: o.value == value,
                        })
                        .collect();
                    f.kind = orig.kind;
                }
                f.label = orig.label;
                f.required = orig.required;
            }
        }
        slot.1 = form;
    }
    invalid_page(&page)
}

pub async fn add_petition(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    Form(mut raw): Form<PetitionInput>,
) -> Result<Response, AppError> {
    raw.session_id = Some(id);
    match app::petitions::create(&st.app, &v, &raw)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(see_other(&format!("/sessions/{id}#petitions"))),
        Err(AppError::Invalid(inv)) => {
            let l = v.lang;
            let fields = vec![
                Field::new(l, "text", "textarea", raw.text.clone().unwrap_or_default()),
                Field::new(l, "area_unit_id", "select", opt_id(raw.area_unit_id)),
                Field::new(
                    l,
                    "raised_by",
                    "text",
                    raw.raised_by.clone().unwrap_or_default(),
                ),
                Field::new(
                    l,
                    "responsible_unit_id",
                    "select",
                    opt_id(raw.responsible_unit_id),
                ),
            ];
            refused(&st, &v, &session, id, "session.add_petition", fields, &inv).await
        }
        Err(e) => Err(e),
    }
}

pub async fn add_directive(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    Form(mut raw): Form<DirectiveInput>,
) -> Result<Response, AppError> {
    raw.session_id = Some(id);
    match app::directives::create(&st.app, &v, &raw)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(see_other(&format!("/sessions/{id}#directives"))),
        Err(AppError::Invalid(inv)) => {
            let l = v.lang;
            let fields = vec![
                Field::new(l, "text", "textarea", raw.text.clone().unwrap_or_default()),
                Field::new(l, "lead_unit_id", "select", opt_id(raw.lead_unit_id)),
                Field::new(
                    l,
                    "deadline",
                    "date",
                    raw.deadline.clone().unwrap_or_default(),
                ),
                Field::new(
                    l,
                    "deadline_text",
                    "text",
                    raw.deadline_text.clone().unwrap_or_default(),
                ),
            ];
            refused(&st, &v, &session, id, "session.add_directive", fields, &inv).await
        }
        Err(e) => Err(e),
    }
}

/// A measurement recorded from a session page names its target among the fields.
#[derive(Deserialize)]
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
    Form(raw): Form<SessionMeasurement>,
) -> Result<Response, AppError> {
    let mut m: MeasurementInput =
        serde_urlencoded::from_str(&serde_urlencoded::to_string(&raw.m).unwrap_or_default())
            .map_err(|e| AppError::Malformed(e.to_string()))?;
    m.session_id = Some(id);
    let result = match raw.target_id {
        Some(t) => app::targets::add_measurement(&st.app, &v, t, &m)
            .await
            .map_err(AppError::from)
            .map(|_| ()),
        None => Err(AppError::Invalid(dondoc_domain::Invalid::one(
            "target_id",
            dondoc_domain::FieldCode::Required,
        ))),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/sessions/{id}#figures"))),
        Err(AppError::Invalid(inv)) => {
            let l = v.lang;
            let fields = vec![
                Field::new(l, "target_id", "select", opt_id(raw.target_id)),
                Field::new(
                    l,
                    "value",
                    "number",
                    raw.m.get("value").cloned().unwrap_or_default(),
                ),
                Field::new(
                    l,
                    "qualifier",
                    "select",
                    m.qualifier.clone().unwrap_or_default(),
                ),
                Field::new(
                    l,
                    "estimated",
                    "checkbox",
                    if m.estimated == Some(true) { "on" } else { "" },
                ),
                Field::new(
                    l,
                    "period_from",
                    "date",
                    m.period_from.clone().unwrap_or_default(),
                ),
                Field::new(
                    l,
                    "period_to",
                    "date",
                    m.period_to.clone().unwrap_or_default(),
                ),
                Field::new(l, "wording", "text", m.wording.clone().unwrap_or_default()),
            ];
            refused(
                &st,
                &v,
                &session,
                id,
                "target.add_measurement",
                fields,
                &inv,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct DocumentLinkForm {
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    document_id: Option<i64>,
}

pub async fn link_document(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    Form(raw): Form<DocumentLinkForm>,
) -> Result<Response, AppError> {
    match app::sessions::link_document(&st.app, &v, id, raw.document_id)
        .await
        .map_err(AppError::from)
    {
        Ok(()) => Ok(see_other(&format!("/sessions/{id}#documents"))),
        Err(AppError::Invalid(inv)) => {
            let fields = vec![Field::new(
                v.lang,
                "document_id",
                "select",
                opt_id(raw.document_id),
            )];
            refused(&st, &v, &session, id, "session.link_document", fields, &inv).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
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
    Form(raw): Form<ParticipantForm>,
) -> Result<Response, AppError> {
    match app::sessions::add_participant(&st.app, &v, id, raw.person_id, raw.role.as_deref())
        .await
        .map_err(AppError::from)
    {
        Ok(()) => Ok(see_other(&format!("/sessions/{id}#participants"))),
        Err(AppError::Invalid(inv)) => {
            let l = v.lang;
            let fields = vec![
                Field::new(l, "person_id", "select", opt_id(raw.person_id)),
                Field::new(l, "role", "text", raw.role.clone().unwrap_or_default()),
            ];
            refused(
                &st,
                &v,
                &session,
                id,
                "session.add_participant",
                fields,
                &inv,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

impl IntoResponse for FormPage {
    fn into_response(self) -> Response {
        match render(&self) {
            Ok(h) => h.into_response(),
            Err(e) => e.into_response(),
        }
    }
}
