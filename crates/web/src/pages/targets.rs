//! Targets: plan against actual, the measurements, the amendments that changed the plan, and
//! the forms to record a result or amend the plan with a reason.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use dondoc_domain::input::{AmendmentInput, Amount, MeasurementInput, TargetInput};
use dondoc_domain::{Action, Amendment, Measurement};
use dondoc_store::{TargetFilter, TargetView};
use tower_sessions::Session;

use super::sessions::{qualifier_options, FormPage};
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
#[template(path = "targets.html")]
struct ListPage {
    layout: Layout,
    q: String,
    targets: Vec<TargetView>,
    pager: Pager,
    can_create: bool,
    /// The unit filter set by a link, kept as the list is searched again.
    unit_id: String,
    /// The filters, for the links that export the list.
    export_query: String,
}

impl ListPage {
    fn plan(&self, t: &TargetView) -> String {
        self.layout
            .lang
            .amount(t.target.plan_value, &t.target.measure)
    }
    fn actual(&self, t: &TargetView) -> String {
        t.latest
            .as_ref()
            .map(|m| self.layout.lang.amount(m.value, &t.target.measure))
            .unwrap_or_else(|| "—".into())
    }
    fn percent(&self, p: &Option<f64>) -> String {
        p.map(|p| self.layout.lang.amount(p, "percent"))
            .unwrap_or_default()
    }
    fn bar(&self, p: &Option<f64>) -> String {
        format!("{:.0}", p.unwrap_or(0.0).clamp(0.0, 100.0))
    }
    fn date(&self, d: &jiff::civil::Date) -> String {
        self.layout.lang.date(*d)
    }
}

pub async fn list(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Query(f): Query<TargetFilter>,
) -> Result<Html<String>, AppError> {
    let q = f.q.clone().unwrap_or_default();
    let page = app::targets::list(&st.app, &v, &f).await?;
    let unit = f.unit_id.map(|i| i.to_string()).unwrap_or_default();
    let filters = [("q", q.clone()), ("unit_id", unit.clone())];
    let pager = pager("/targets", &filters, &page);
    let can_create = v.records();
    let layout = layout(&v, &session, "targets", v.lang.t("nav.targets")).await?;
    render(&ListPage {
        layout,
        q,
        unit_id: unit,
        targets: page.items,
        pager,
        can_create,
        export_query: super::filter_query(&filters),
    })
}

#[derive(Template)]
#[template(path = "target.html")]
struct ShowPage {
    layout: Layout,
    t: TargetView,
    measurements: Vec<(Measurement, Option<f64>)>,
    amendments: Vec<Amendment>,
    /// The documents that decided amendments: id and label (for staff).
    deciding: Vec<(i64, String)>,
    history: Vec<HistoryRow>,
    forms: Vec<(&'static str, FormView)>,
}

impl super::RecordPage for ShowPage {
    fn forms(&mut self) -> &mut Vec<(&'static str, FormView)> {
        &mut self.forms
    }
}

impl ShowPage {
    fn amount(&self, v: &f64) -> String {
        self.layout.lang.amount(*v, &self.t.target.measure)
    }
    fn percent(&self, p: &Option<f64>) -> String {
        p.map(|p| self.layout.lang.amount(p, "percent"))
            .unwrap_or_default()
    }
    fn bar(&self, p: &Option<f64>) -> String {
        format!("{:.0}", p.unwrap_or(0.0).clamp(0.0, 100.0))
    }
    fn date(&self, d: &jiff::civil::Date) -> String {
        self.layout.lang.date(*d)
    }
    fn qualifier(&self, m: &Measurement) -> &'static str {
        self.layout.t(&format!("q.{}", m.qualifier.as_str()))
    }
    /// When an amendment was recorded.
    fn when(&self, a: &Amendment) -> String {
        let at =
            a.at.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)));
        format!(
            "{} {}",
            self.layout.lang.date(at.date()),
            at.strftime("%H:%M")
        )
    }
    /// The document that decided an amendment, if the viewer may see it.
    fn decided_by(&self, a: &Amendment) -> Option<&(i64, String)> {
        let id = a.document_id?;
        self.deciding.iter().find(|(d, _)| *d == id)
    }
}

fn edit_form(
    l: Lang,
    csrf: &str,
    id: i64,
    raw: &TargetInput,
    units: &[dondoc_store::UnitNode],
    approved: bool,
) -> FormView {
    // An approved plan changes only by amendment: its form offers no plan to refuse. A draft's
    // plan is edited here.
    let plan = (!approved).then(|| {
        Field::new(
            l,
            "plan_value",
            "amount",
            raw.plan_value
                .as_ref()
                .map(Amount::shown)
                .unwrap_or_default(),
        )
        .required()
    });
    let mut approval = Field::new(
        l,
        "approved",
        "checkbox",
        if raw.approved == Some(true) { "on" } else { "" },
    );
    if approved {
        approval.hint = Some("target.plan_hint");
    }
    FormView::new(
        format!("/targets/{id}"),
        csrf,
        "common.save",
        vec![
            unit_choice(l, "unit_id", opt_id(raw.unit_id), units).required(),
            Field::new(
                l,
                "indicator",
                "text",
                raw.indicator.clone().unwrap_or_default(),
            )
            .required(),
            Field::new(
                l,
                "measure",
                "text",
                raw.measure.clone().unwrap_or_default(),
            )
            .required(),
            Field::new(
                l,
                "period_from",
                "date",
                raw.period_from.clone().unwrap_or_default(),
            )
            .required(),
            Field::new(
                l,
                "period_to",
                "date",
                raw.period_to.clone().unwrap_or_default(),
            )
            .required(),
        ]
        .into_iter()
        .chain(plan)
        .chain([
            approval,
            Field::new(l, "version", "hidden", opt_id(raw.version)),
        ])
        .collect(),
    )
}

fn raw_of(t: &TargetView) -> TargetInput {
    TargetInput {
        unit_id: Some(t.target.unit_id),
        indicator: Some(t.target.indicator.clone()),
        measure: Some(t.target.measure.clone()),
        period_from: Some(t.target.period_from.to_string()),
        period_to: Some(t.target.period_to.to_string()),
        plan_value: Some(t.target.plan_value.into()),
        document_id: t.target.document_id,
        approved: Some(t.target.approved),
        version: Some(t.target.version),
    }
}

pub async fn update(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    Picked(mut raw): Picked<TargetInput>,
) -> Result<Response, AppError> {
    // An unchecked box is absent from the form: absent means "not approved".
    raw.approved = Some(raw.approved.unwrap_or(false));
    let done = app::targets::update(&st.app, &v, id, &raw).await;
    let page = || show_page(&st, &v, &session, id);
    posted(
        done,
        format!("/targets/{id}"),
        "common.edit",
        &v,
        &raw,
        page,
    )
    .await
}

fn forms(
    v: &Viewer,
    csrf: &str,
    t: &TargetView,
    units: &[dondoc_store::UnitNode],
    documents: (Vec<(String, String)>, bool),
) -> Vec<(&'static str, FormView)> {
    let l = v.lang;
    let id = t.target.id;
    if !v.can(Action::EditTarget {
        unit: t.target.unit_id,
    }) {
        return vec![];
    }
    let document_choice = Field::choice(l, "document_id", "", documents.0, documents.1)
        .hint("target.decided_by_hint");
    vec![
        (
            "target.add_measurement",
            FormView::new(
                format!("/targets/{id}/measurements"),
                csrf,
                "common.save",
                vec![
                    Field::new(l, "value", "amount", "")
                        .required()
                        .hint("target.amount_hint"),
                    Field::select(l, "qualifier", "exact", qualifier_options(l), false),
                    Field::new(l, "estimated", "checkbox", ""),
                    Field::new(l, "period_from", "date", t.target.period_from.to_string())
                        .required(),
                    Field::new(l, "period_to", "date", "").required(),
                    Field::new(l, "wording", "text", ""),
                ],
            ),
        ),
        (
            "target.amend",
            FormView::new(
                format!("/targets/{id}/amendments"),
                csrf,
                "common.save",
                vec![
                    Field::new(l, "new_value", "amount", "")
                        .required()
                        .hint("target.amount_hint"),
                    Field::new(l, "reason", "textarea", "").required(),
                    Field::new(l, "decided_on", "date", "").hint("target.decided_hint"),
                    document_choice,
                    Field::new(l, "version", "hidden", t.target.version.to_string()),
                ],
            ),
        ),
        (
            "common.edit",
            edit_form(l, csrf, id, &raw_of(t), units, t.target.approved),
        ),
    ]
}

async fn show_page(
    st: &AppState,
    v: &Viewer,
    session: &Session,
    id: i64,
) -> Result<ShowPage, AppError> {
    let app::targets::TargetDetail {
        target: t,
        measurements,
        amendments,
    } = app::targets::detail(&st.app, v, id).await?;
    let measurements = measurements
        .into_iter()
        .map(|f| (f.measurement, f.percent_of_plan))
        .collect();
    let history = if v.is_staff() {
        super::history_of(st, v, "target", id).await?
    } else {
        vec![]
    };
    let layout = layout(v, session, "targets", t.target.indicator.clone()).await?;
    let units = if v.is_staff() {
        app::reference::unit_tree(&st.app, v).await?
    } else {
        Default::default()
    };
    let may_edit = v.can(Action::EditTarget {
        unit: t.target.unit_id,
    });
    let documents = if may_edit {
        let few = Some(crate::pick::SELECT_AT_MOST as i64);
        let page = app::reference::documents(&st.app, v, few, None).await?;
        let more = page.total > page.items.len() as i64;
        let options = page
            .items
            .iter()
            .map(|d| (d.id.to_string(), app::pick::document_label(d)))
            .collect();
        (options, more)
    } else {
        (vec![], false)
    };
    // The documents that decided the amendments, by name, for staff (documents are internal).
    let mut deciding = Vec::new();
    if v.is_staff() {
        for id in amendments.iter().filter_map(|a| a.document_id) {
            if !deciding.iter().any(|(d, _)| *d == id) {
                let d = app::reference::document(&st.app, v, id).await?;
                deciding.push((id, app::pick::document_label(&d)));
            }
        }
    }
    let forms = forms(v, &layout.csrf, &t, &units, documents);
    Ok(ShowPage {
        layout,
        t,
        measurements,
        amendments,
        deciding,
        history,
        forms,
    })
}

record_page_handler!();

pub async fn measure(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    Picked(raw): Picked<MeasurementInput>,
) -> Result<Response, AppError> {
    let done = app::targets::add_measurement(&st.app, &v, id, &raw).await;
    let page = || show_page(&st, &v, &session, id);
    posted(
        done,
        format!("/targets/{id}"),
        "target.add_measurement",
        &v,
        &raw,
        page,
    )
    .await
}

pub async fn amend(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    Picked(raw): Picked<AmendmentInput>,
) -> Result<Response, AppError> {
    let done = app::targets::amend(&st.app, &v, id, &raw).await;
    let page = || show_page(&st, &v, &session, id);
    posted(
        done,
        format!("/targets/{id}"),
        "target.amend",
        &v,
        &raw,
        page,
    )
    .await
}

async fn target_form(
    st: &AppState,
    v: &Viewer,
    csrf: &str,
    raw: &TargetInput,
) -> Result<FormView, AppError> {
    let l = v.lang;
    let units = app::reference::unit_tree(&st.app, v).await?;
    Ok(FormView::new(
        "/targets",
        csrf,
        "common.save",
        vec![
            unit_choice(l, "unit_id", opt_id(raw.unit_id), &units).required(),
            Field::new(
                l,
                "indicator",
                "text",
                raw.indicator.clone().unwrap_or_default(),
            )
            .required(),
            Field::new(
                l,
                "measure",
                "text",
                raw.measure.clone().unwrap_or_else(|| "VND".into()),
            )
            .required(),
            Field::new(
                l,
                "period_from",
                "date",
                raw.period_from.clone().unwrap_or_default(),
            )
            .required(),
            Field::new(
                l,
                "period_to",
                "date",
                raw.period_to.clone().unwrap_or_default(),
            )
            .required(),
            Field::new(
                l,
                "plan_value",
                "amount",
                raw.plan_value
                    .as_ref()
                    .map(Amount::shown)
                    .unwrap_or_default(),
            )
            .required(),
        ],
    ))
}

pub async fn new(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
) -> Result<Html<String>, AppError> {
    v.require_recorder()?;
    let layout = layout(&v, &session, "targets", v.lang.t("target.new")).await?;
    let form = target_form(&st, &v, &layout.csrf, &TargetInput::default()).await?;
    render(&FormPage { layout, form })
}

pub async fn create(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Picked(raw): Picked<TargetInput>,
) -> Result<Response, AppError> {
    let done = app::targets::create(&st.app, &v, &raw).await;
    answer(
        done,
        |t| format!("/targets/{}", t.id),
        |inv| async move {
            let layout = layout(&v, &session, "targets", v.lang.t("target.new")).await?;
            let form = target_form(&st, &v, &layout.csrf, &raw)
                .await?
                .with_errors(v.lang, &inv);
            invalid_page(&FormPage { layout, form })
        },
    )
    .await
}
