//! Petitions: the list with its filters, one petition with its raisings, status actions and
//! history, and the form for a petition raised outside a session.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, Response};
use dondoc_domain::input::{
    PetitionInput, PetitionMergeInput, PetitionTransitionInput, RaisingInput,
};
use dondoc_domain::petition::PetitionAction;
use dondoc_domain::{Action, PetitionStatus, Raising};
use dondoc_store::{PetitionFilter, PetitionView};
use tower_sessions::Session;

use super::sessions::FormPage;
use super::{
    answer, invalid_page, layout, opt_id, pager, posted, refuse_in, render, unit_choice, Field,
    FormView, HistoryRow, Layout, Pager,
};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pick::{Picked, PickedQuery};
use crate::AppState;
use dondoc_app as app;

#[derive(Template)]
#[template(path = "petitions.html")]
struct ListPage {
    layout: Layout,
    q: String,
    sort: String,
    statuses: Vec<(&'static str, &'static str, bool)>,
    petitions: Vec<PetitionView>,
    pager: Pager,
    can_create: bool,
    /// The filters, for the links that export the list.
    export_query: String,
    /// The filters that are on, each with the list without it.
    chips: Vec<super::Chip>,
    /// Filters the form does not show as fields, kept as it is sent again.
    kept: Vec<(&'static str, String)>,
    category: String,
    raised_min: String,
    open_months: String,
    raised_from: String,
    raised_to: String,
    staff: bool,
    /// The unit filters as pickers (for staff).
    unit_filters: Vec<super::UnitFilter>,
    subtree_on: bool,
    /// The form asking for the report on petitions (for those signed in).
    report_form: Option<FormView>,
}

impl ListPage {
    fn unit_filtered(&self) -> bool {
        self.unit_filters.iter().any(|u| !u.shown.is_empty())
    }
    fn status(&self, p: &PetitionView) -> &'static str {
        self.layout.t(&format!("ps.{}", p.petition.status.as_str()))
    }
    fn raised(&self, p: &PetitionView) -> String {
        super::raised(self.layout.lang, p.petition.raised_count)
    }
}

pub async fn list(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    PickedQuery(f): PickedQuery<PetitionFilter>,
) -> Result<Html<String>, AppError> {
    let q = f.q.clone().unwrap_or_default();
    let status = f.status.clone().unwrap_or_default();
    let sort = f.sort.clone().unwrap_or_default();
    let page = app::petitions::list(&st.app, &v, &f).await?;
    let id = |v: Option<i64>| v.map(|i| i.to_string()).unwrap_or_default();
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let filters = [
        ("q", q.clone()),
        ("status", status.clone()),
        ("sort", sort.clone()),
        ("open", f.open.map(|o| o.to_string()).unwrap_or_default()),
        ("responsible_unit_id", id(f.responsible_unit_id)),
        ("area_unit_id", id(f.area_unit_id)),
        (
            "subtree",
            f.subtree.map(|o| o.to_string()).unwrap_or_default(),
        ),
        ("session_id", id(f.session_id)),
        ("category", text(&f.category)),
        ("raised_min", id(f.raised_min)),
        ("open_months", id(f.open_months)),
        ("raised_from", text(&f.raised_from)),
        ("raised_to", text(&f.raised_to)),
    ];
    let export_query = super::filter_query(&filters);
    let pager = pager("/petitions", &filters, &page);
    let known: Vec<(Option<i64>, Option<String>)> = page
        .items
        .iter()
        .flat_map(|p| {
            [
                (p.petition.area_unit_id, p.area_name.clone()),
                (p.petition.responsible_unit_id, p.responsible_name.clone()),
            ]
        })
        .collect();
    let chips = super::chips(&st, &v, "/petitions", &filters, &known).await;
    let unit_filters = super::unit_filters(
        &st,
        &v,
        &[
            ("responsible_unit_id", f.responsible_unit_id),
            ("area_unit_id", f.area_unit_id),
        ],
    )
    .await;
    let mut shown = vec![
        "q",
        "status",
        "sort",
        "category",
        "raised_min",
        "open_months",
        "raised_from",
        "raised_to",
    ];
    if !unit_filters.is_empty() {
        shown.extend(["responsible_unit_id", "area_unit_id", "subtree"]);
    }
    let kept = filters
        .iter()
        .filter(|(k, x)| !x.is_empty() && !shown.contains(k))
        .cloned()
        .collect();
    let statuses = PetitionStatus::ALL
        .into_iter()
        .map(|s| {
            (
                s.as_str(),
                v.lang.t(&format!("ps.{}", s.as_str())),
                status == s.as_str(),
            )
        })
        .collect();
    let can_create = v.records();
    let report_form = if v.is_staff() {
        Some(report_form(&st, &v).await?)
    } else {
        None
    };
    let layout = layout(&v, &session, "petitions", v.lang.t("nav.petitions")).await?;
    render(&ListPage {
        layout,
        q,
        sort,
        statuses,
        petitions: page.items,
        pager,
        can_create,
        export_query,
        chips,
        kept,
        category: text(&f.category),
        raised_min: id(f.raised_min),
        open_months: id(f.open_months),
        raised_from: text(&f.raised_from),
        raised_to: text(&f.raised_to),
        staff: v.visibility().is_staff(),
        subtree_on: f.subtree == Some(true),
        unit_filters,
        report_form,
    })
}

/// The report on petitions for a unit and a period: the viewer's unit, from the first day of
/// the year to today, unless they choose otherwise.
async fn report_form(st: &AppState, v: &Viewer) -> Result<FormView, AppError> {
    let l = v.lang;
    let units = app::reference::unit_tree(&st.app, v).await?;
    let unit = opt_id(v.user.as_ref().and_then(|u| u.unit_id));
    let year_start = jiff::civil::date(v.today.year(), 1, 1);
    Ok(FormView::asking(
        "/petitions/report.docx",
        "report.make",
        vec![
            unit_choice(l, "unit_id", unit, &units).required(),
            Field::new(l, "from", "date", year_start.to_string()).required(),
            Field::new(l, "to", "date", v.today.to_string()).required(),
        ],
    ))
}

#[derive(Template)]
#[template(path = "petition.html")]
struct ShowPage {
    layout: Layout,
    p: PetitionView,
    raisings: Vec<(Raising, Option<String>)>,
    /// What the coordinating units said of their part.
    notes: Vec<dondoc_domain::PetitionNote>,
    history: Vec<HistoryRow>,
    forms: Vec<(&'static str, FormView)>,
}

impl super::RecordPage for ShowPage {
    fn forms(&mut self) -> &mut Vec<(&'static str, FormView)> {
        &mut self.forms
    }
}

impl ShowPage {
    fn status(&self) -> &'static str {
        self.layout
            .t(&format!("ps.{}", self.p.petition.status.as_str()))
    }
    fn channel(&self) -> &'static str {
        self.layout
            .t(&format!("channel.{}", self.p.petition.channel.as_str()))
    }
    fn raised(&self) -> String {
        super::raised(self.layout.lang, self.p.petition.raised_count)
    }
    fn date(&self, d: &jiff::civil::Date) -> String {
        self.layout.lang.date(*d)
    }
    fn opt_date(&self, d: &Option<jiff::civil::Date>) -> String {
        self.layout.lang.opt_date(*d)
    }
    /// "Merged into another" (its number follows, as a link).
    fn merged_into(&self, _into: &i64) -> &'static str {
        self.layout.t("petition.merged_into")
    }
    fn merged_from(&self, from: &i64) -> String {
        self.layout
            .t("petition.merged_from")
            .replace("{id}", &from.to_string())
    }
}

/// One form per action the status allows, each with the field it needs.
async fn action_forms(
    st: &AppState,
    v: &Viewer,
    csrf: &str,
    p: &PetitionView,
) -> Result<Vec<(&'static str, FormView)>, AppError> {
    let l = v.lang;
    let mut forms = Vec::new();
    // Merged into another: every change is recorded there.
    if p.petition.status == PetitionStatus::Merged {
        return Ok(forms);
    }
    let id = p.petition.id;
    let version = p.petition.version.to_string();
    if v.can(Action::UpdatePetition {
        responsible_unit: p.petition.responsible_unit_id,
    }) {
        let units = app::reference::unit_tree(&st.app, v).await?;
        for action in p.petition.status.actions() {
            let mut fields = vec![
                Field::new(l, "action", "hidden", action.as_str()),
                Field::new(l, "version", "hidden", version.clone()),
            ];
            match action {
                PetitionAction::Assign => {
                    fields.push(
                        unit_choice(
                            l,
                            "responsible_unit_id",
                            opt_id(p.petition.responsible_unit_id),
                            &units,
                        )
                        .required(),
                    );
                    fields.push(super::unit_choices(
                        l,
                        "coordinating_unit_ids",
                        ids(&p.petition.coordinating_unit_ids),
                        &units,
                    ));
                    fields.push(
                        Field::new(
                            l,
                            "due_on",
                            "date",
                            p.petition.due_on.map(|d| d.to_string()).unwrap_or_default(),
                        )
                        .hint("petition.due_hint"),
                    );
                }
                PetitionAction::Answer => {
                    fields.push(Field::new(l, "answer", "textarea", "").required())
                }
                PetitionAction::Reject => {
                    fields.push(Field::new(l, "reason", "textarea", "").required())
                }
                _ => {}
            }
            let key = action_key(action);
            forms.push((
                key,
                FormView::new(format!("/petitions/{id}/transition"), csrf, key, fields),
            ));
        }
    }
    // A coordinating unit's people report their own part.
    let shares = app::petitions::shares_for(v, p);
    if let Some(unit) = super::share_unit(l, &shares) {
        forms.push((
            "petition.report_share",
            FormView::new(
                format!("/petitions/{id}/notes"),
                csrf,
                "common.save",
                vec![
                    unit,
                    Field::new(l, "text", "textarea", "").required(),
                    Field::new(l, "date", "date", v.today.to_string()),
                ],
            ),
        ));
    }
    if v.can(Action::CreatePetition {
        area_unit: p.petition.area_unit_id,
    }) {
        let units = app::reference::unit_tree(&st.app, v).await?;
        let raw = PetitionInput {
            title: Some(p.petition.title.clone()),
            text: Some(p.petition.text.clone()),
            category: p.petition.category.clone(),
            area_unit_id: p.petition.area_unit_id,
            raised_by: p.petition.raised_by.clone(),
            channel: Some(p.petition.channel.as_str().to_string()),
            due_on: p.petition.due_on.map(|d| d.to_string()),
            version: Some(p.petition.version),
            ..Default::default()
        };
        forms.push(("common.edit", edit_form(l, csrf, id, &raw, &units)));
        let sessions = app::sessions::list(&st.app, v, &Default::default()).await?;
        let more_sessions = sessions.total > sessions.items.len() as i64;
        let opts = sessions
            .items
            .iter()
            .map(|s| (s.session.id.to_string(), app::pick::session_label(s)))
            .collect();
        forms.push((
            "petition.raise_again",
            FormView::new(
                format!("/petitions/{id}/raisings"),
                csrf,
                "petition.raise_again",
                vec![
                    Field::choice(l, "session_id", "", opts, more_sessions),
                    Field::new(l, "date", "date", ""),
                    Field::new(l, "raised_by", "text", ""),
                ],
            ),
        ));
    }
    if app::petitions::may_merge(v, p) {
        forms.push((
            "petition.merge",
            FormView::asking(
                format!("/petitions/{id}/merge"),
                "petition.merge",
                vec![Field::choice(l, "into_petition_id", "", vec![], true)
                    .required()
                    .hint("petition.merge_hint")],
            ),
        ));
    }
    Ok(forms)
}

fn edit_form(
    l: Lang,
    csrf: &str,
    id: i64,
    raw: &PetitionInput,
    units: &[dondoc_store::UnitNode],
) -> FormView {
    FormView::new(
        format!("/petitions/{id}"),
        csrf,
        "common.save",
        vec![
            Field::new(l, "title", "text", raw.title.clone().unwrap_or_default()),
            Field::new(l, "text", "textarea", raw.text.clone().unwrap_or_default()).required(),
            Field::new(
                l,
                "category",
                "text",
                raw.category.clone().unwrap_or_default(),
            ),
            unit_choice(l, "area_unit_id", opt_id(raw.area_unit_id), units),
            Field::new(
                l,
                "raised_by",
                "text",
                raw.raised_by.clone().unwrap_or_default(),
            ),
            channel_choice(l, raw.channel.as_deref()),
            Field::new(l, "due_on", "date", raw.due_on.clone().unwrap_or_default()),
            Field::new(l, "version", "hidden", opt_id(raw.version)),
        ],
    )
}

pub async fn update(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    Picked(raw): Picked<PetitionInput>,
) -> Result<Response, AppError> {
    let done = app::petitions::update(&st.app, &v, id, &raw).await;
    let page = || show_page(&st, &v, &session, id);
    posted(
        done,
        format!("/petitions/{id}"),
        "common.edit",
        &v,
        &raw,
        page,
    )
    .await
}

fn action_key(a: PetitionAction) -> &'static str {
    match a {
        PetitionAction::Assign => "pa.assign",
        PetitionAction::Start => "pa.start",
        PetitionAction::Answer => "pa.answer",
        PetitionAction::Resolve => "pa.resolve",
        PetitionAction::Reject => "pa.reject",
        PetitionAction::Reopen => "pa.reopen",
    }
}

async fn show_page(
    st: &AppState,
    v: &Viewer,
    session: &Session,
    id: i64,
) -> Result<ShowPage, AppError> {
    let app::petitions::PetitionDetail {
        petition: p,
        raisings,
        notes,
    } = app::petitions::detail(&st.app, v, id).await?;
    let history = if v.is_staff() {
        super::history_of(st, v, "petition", id).await?
    } else {
        vec![]
    };
    let layout = layout(v, session, "petitions", p.petition.title.clone()).await?;
    let forms = action_forms(st, v, &layout.csrf, &p).await?;
    Ok(ShowPage {
        layout,
        p,
        raisings,
        notes,
        history,
        forms,
    })
}

/// A petition's page; the address of one merged into another that the viewer may not see
/// (a visitor) leads to the one it went into, if they may see that.
pub async fn show(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    use axum::response::IntoResponse;
    if let app::petitions::Found::MergedInto(into) = app::petitions::find(&st.app, &v, id).await? {
        return Ok(axum::response::Redirect::to(&format!("/petitions/{into}")).into_response());
    }
    Ok(render(&show_page(&st, &v, &session, id).await?)?.into_response())
}

#[derive(Template)]
#[template(path = "petition_merge.html")]
struct MergePage {
    layout: Layout,
    plan: app::petitions::MergePlan,
}

impl MergePage {
    fn status(&self, p: &PetitionView) -> &'static str {
        self.layout.t(&format!("ps.{}", p.petition.status.as_str()))
    }
    fn raised(&self, p: &PetitionView) -> String {
        super::raised(self.layout.lang, p.petition.raised_count)
    }
    fn date(&self, d: &jiff::civil::Date) -> String {
        self.layout.lang.date(*d)
    }
    fn sides(&self) -> [(&'static str, &app::petitions::PetitionDetail); 2] {
        [
            ("petition.merge_from", &self.plan.from),
            ("petition.merge_into", &self.plan.into),
        ]
    }
    fn moves(&self) -> String {
        let n = self.plan.from.raisings.len() - self.plan.shared_sessions.len();
        self.layout
            .t("petition.merge_moves")
            .replace("{n}", &n.to_string())
    }
}

/// `GET /petitions/{id}/merge?into_petition_id=…`: both petitions side by side, what the merge
/// will do, and the button that does it. Nothing is written yet.
pub async fn merge_confirm(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    PickedQuery(raw): PickedQuery<PetitionMergeInput>,
) -> Result<Response, AppError> {
    use axum::response::IntoResponse;
    match app::petitions::merge_plan(&st.app, &v, id, &raw).await {
        Ok(plan) => {
            let layout = layout(
                &v,
                &session,
                "petitions",
                v.lang.t("petition.merge_confirm"),
            )
            .await?;
            Ok(render(&MergePage { layout, plan })?.into_response())
        }
        Err(app::Error::Invalid(inv)) => merge_refused(&st, &v, &session, id, &raw, inv).await,
        Err(e) => Err(e.into()),
    }
}

/// A merge refused for what was chosen: the petition's page again with the merge form saying
/// why, or, when the page offers no merge (the petition was merged meanwhile), the message.
async fn merge_refused(
    st: &AppState,
    v: &Viewer,
    session: &Session,
    id: i64,
    raw: &PetitionMergeInput,
    inv: dondoc_domain::Invalid,
) -> Result<Response, AppError> {
    let mut page = show_page(st, v, session, id).await?;
    if !page.forms.iter().any(|(k, _)| *k == "petition.merge") {
        return Err(AppError::Invalid(inv));
    }
    refuse_in(&mut page.forms, "petition.merge", v.lang, raw, &inv);
    invalid_page(&page)
}

/// `POST /petitions/{id}/merge`: merged, to the petition that holds both now, its history
/// saying what moved.
pub async fn merge(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    Picked(raw): Picked<PetitionMergeInput>,
) -> Result<Response, AppError> {
    let done = app::petitions::merge(&st.app, &v, id, &raw).await;
    answer(
        done,
        |m| format!("/petitions/{}#history", m.into.petition.id),
        |inv| async move { merge_refused(&st, &v, &session, id, &raw, inv).await },
    )
    .await
}

pub async fn transition(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    Picked(raw): Picked<PetitionTransitionInput>,
) -> Result<Response, AppError> {
    let done = app::petitions::transition(&st.app, &v, id, &raw).await;
    answer(
        done,
        |_| format!("/petitions/{id}"),
        |inv| async move {
            let mut page = show_page(&st, &v, &session, id).await?;
            let action = raw.action.as_deref().and_then(PetitionAction::parse);
            if let Some(key) = action.map(action_key) {
                refuse_in(&mut page.forms, key, v.lang, &raw, &inv);
            }
            invalid_page(&page)
        },
    )
    .await
}

/// A coordinating unit's word on its part.
pub async fn note(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    Picked(raw): Picked<dondoc_domain::input::PetitionNoteInput>,
) -> Result<Response, AppError> {
    let done = app::petitions::report_share(&st.app, &v, id, &raw).await;
    let page = || show_page(&st, &v, &session, id);
    posted(
        done,
        format!("/petitions/{id}"),
        "petition.report_share",
        &v,
        &raw,
        page,
    )
    .await
}

pub async fn raise(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    Picked(raw): Picked<RaisingInput>,
) -> Result<Response, AppError> {
    let done = app::petitions::raise(&st.app, &v, id, &raw).await;
    let page = || show_page(&st, &v, &session, id);
    posted(
        done,
        format!("/petitions/{id}"),
        "petition.raise_again",
        &v,
        &raw,
        page,
    )
    .await
}

async fn petition_form(
    st: &AppState,
    v: &Viewer,
    csrf: &str,
    raw: &PetitionInput,
) -> Result<FormView, AppError> {
    let l = v.lang;
    let units = app::reference::unit_tree(&st.app, v).await?;
    Ok(FormView::new(
        "/petitions",
        csrf,
        "common.save",
        vec![
            Field::new(l, "text", "textarea", raw.text.clone().unwrap_or_default()).required(),
            Field::new(l, "title", "text", raw.title.clone().unwrap_or_default()),
            Field::new(
                l,
                "category",
                "text",
                raw.category.clone().unwrap_or_default(),
            ),
            unit_choice(l, "area_unit_id", opt_id(raw.area_unit_id), &units),
            Field::new(
                l,
                "raised_by",
                "text",
                raw.raised_by.clone().unwrap_or_default(),
            ),
            Field::new(
                l,
                "raised_on",
                "date",
                raw.raised_on.clone().unwrap_or_default(),
            ),
            channel_choice(l, raw.channel.as_deref()),
            unit_choice(
                l,
                "responsible_unit_id",
                opt_id(raw.responsible_unit_id),
                &units,
            ),
            super::unit_choices(
                l,
                "coordinating_unit_ids",
                ids(&raw.coordinating_unit_ids),
                &units,
            ),
            Field::new(l, "due_on", "date", raw.due_on.clone().unwrap_or_default())
                .hint("petition.due_hint"),
        ],
    ))
}

/// Ids as a multiple choice's value: "3,5".
fn ids(ids: &[i64]) -> String {
    ids.iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// How a petition came in, a voters' meeting unless chosen otherwise.
fn channel_choice(l: Lang, value: Option<&str>) -> Field {
    let options = dondoc_domain::Channel::ALL
        .into_iter()
        .map(|c| {
            (
                c.as_str().to_string(),
                l.t(&format!("channel.{}", c.as_str())).to_string(),
            )
        })
        .collect();
    Field::select(
        l,
        "channel",
        value.unwrap_or(dondoc_domain::Channel::default().as_str()),
        options,
        false,
    )
}

pub async fn new(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
) -> Result<Html<String>, AppError> {
    v.require_recorder()?;
    let layout = layout(&v, &session, "petitions", v.lang.t("petition.new")).await?;
    let form = petition_form(&st, &v, &layout.csrf, &PetitionInput::default()).await?;
    render(&FormPage { layout, form })
}

#[derive(Template)]
#[template(path = "similar.html")]
struct SimilarPage {
    layout: Layout,
    typed_text: String,
    candidates: Vec<PetitionView>,
    /// The raising each candidate would get (session, date, by whom), as hidden fields.
    raising: Vec<(String, String)>,
    /// Where the form goes again, with what was typed, as a new petition.
    action: String,
    kept: Vec<(String, String)>,
}

impl SimilarPage {
    fn status(&self, p: &PetitionView) -> &'static str {
        self.layout.t(&format!("ps.{}", p.petition.status.as_str()))
    }
    fn raised(&self, p: &PetitionView) -> String {
        super::raised(self.layout.lang, p.petition.raised_count)
    }
}

/// Whether a petition was refused for being like others of its area (`petitions::similar`).
pub fn refused_as_similar<T>(done: &Result<T, app::Error>) -> bool {
    matches!(done, Err(app::Error::Invalid(inv))
        if inv.on("new_petition") == Some(dondoc_domain::FieldCode::Similar))
}

/// A form's fields as a browser posts them: what was typed, none empty.
fn as_fields(typed: &impl serde::Serialize) -> Vec<(String, String)> {
    use serde_json::Value as V;
    let Ok(V::Object(obj)) = serde_json::to_value(typed) else {
        return vec![];
    };
    obj.into_iter()
        .filter_map(|(k, v)| {
            let v = match v {
                V::String(s) => s,
                V::Number(n) => n.to_string(),
                V::Bool(b) => b.to_string(),
                // A list of ids, as a multiple choice sends it: "3,5".
                V::Array(a) => a
                    .iter()
                    .filter_map(|x| x.as_i64().map(|i| i.to_string()))
                    .collect::<Vec<_>>()
                    .join(","),
                _ => String::new(),
            };
            (!v.is_empty()).then_some((k, v))
        })
        .collect()
}

/// A petition like others of its area, posted from `action`: those others, each to raise
/// again (reopened, if it was resolved), or the same form once more, as a new petition.
pub async fn offer_similar(
    st: &AppState,
    v: &Viewer,
    session: &Session,
    action: String,
    raw: &PetitionInput,
) -> Result<Response, AppError> {
    let text = raw.text.clone().unwrap_or_default();
    let candidates = app::petitions::similar(&st.app, v, &text, raw.area_unit_id).await?;
    let raising = as_fields(&RaisingInput {
        session_id: raw.session_id,
        date: raw.raised_on.clone(),
        raised_by: raw.raised_by.clone(),
    });
    let kept = as_fields(&PetitionInput {
        new_petition: None,
        ..raw.clone()
    });
    let layout = layout(v, session, "petitions", v.lang.t("similar.title")).await?;
    invalid_page(&SimilarPage {
        layout,
        typed_text: text,
        candidates,
        raising,
        action,
        kept,
    })
}

pub async fn create(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Picked(raw): Picked<PetitionInput>,
) -> Result<Response, AppError> {
    let done = app::petitions::create(&st.app, &v, &raw).await;
    if refused_as_similar(&done) {
        return offer_similar(&st, &v, &session, "/petitions".into(), &raw).await;
    }
    answer(
        done,
        |p| format!("/petitions/{}", p.petition.id),
        |inv| async move {
            let layout = layout(&v, &session, "petitions", v.lang.t("petition.new")).await?;
            let form = petition_form(&st, &v, &layout.csrf, &raw)
                .await?
                .with_errors(v.lang, &inv);
            invalid_page(&FormPage { layout, form })
        },
    )
    .await
}
