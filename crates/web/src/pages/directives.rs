//! Directives: the list (with the overdue and due-soon views), one directive with its
//! progress, extensions and history, and the forms to move it along.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, Response};
use dondoc_domain::directive::DirectiveAction;
use dondoc_domain::input::{
    DirectiveInput, DirectiveTransitionInput, ExtensionInput, ProgressInput,
};
use dondoc_domain::{Action, DirectiveStatus, Extension, ProgressReport};
use dondoc_store::{DirectiveFilter, DirectiveView};
use tower_sessions::Session;

use super::sessions::{tl, FormPage};
use super::{
    answer, invalid_page, layout, opt_id, pager, posted, render, unit_choice, Field, FormView,
    HistoryRow, Layout, Pager,
};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pick::{Picked, PickedQuery};
use crate::AppState;
use dondoc_app as app;

#[derive(Template)]
#[template(path = "directives.html")]
struct ListPage {
    layout: Layout,
    q: String,
    due: String,
    /// Filters set by a link (a unit's page, a session's), kept across searches and pages.
    lead_unit_id: String,
    session_id: String,
    /// The lead unit filtered on, by name.
    subtree: String,
    deadline_from: String,
    deadline_to: String,
    /// The filters that are on, each with the list without it.
    chips: Vec<super::Chip>,
    statuses: Vec<(&'static str, &'static str, bool)>,
    directives: Vec<DirectiveView>,
    pager: Pager,
    can_create: bool,
    /// The filters, for the links that export the list.
    export_query: String,
    /// The unit filter as a picker (for staff).
    unit_filters: Vec<super::UnitFilter>,
    subtree_on: bool,
}

impl ListPage {
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
    fn opt_date(&self, d: &Option<jiff::civil::Date>) -> String {
        self.layout.lang.opt_date(*d)
    }
}

pub async fn list(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    PickedQuery(f): PickedQuery<DirectiveFilter>,
) -> Result<Html<String>, AppError> {
    let q = f.q.clone().unwrap_or_default();
    let status = f.status.clone().unwrap_or_default();
    let due = f.due.clone().unwrap_or_default();
    let page = app::directives::list(&st.app, &v, &f).await?;
    let id = |v: Option<i64>| v.map(|i| i.to_string()).unwrap_or_default();
    let (lead_unit_id, session_id) = (id(f.lead_unit_id), id(f.session_id));
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let (deadline_from, deadline_to) = (text(&f.deadline_from), text(&f.deadline_to));
    let subtree = f.subtree.map(|o| o.to_string()).unwrap_or_default();
    let filters = [
        ("q", q.clone()),
        ("status", status.clone()),
        ("due", due.clone()),
        ("lead_unit_id", lead_unit_id.clone()),
        ("subtree", subtree.clone()),
        ("session_id", session_id.clone()),
        ("deadline_from", deadline_from.clone()),
        ("deadline_to", deadline_to.clone()),
    ];
    let export_query = super::filter_query(&filters);
    let pager = pager("/directives", &filters, &page);
    // The filters that are on, each said with a way to drop it.
    let known: Vec<(Option<i64>, Option<String>)> = page
        .items
        .iter()
        .map(|d| (d.directive.lead_unit_id, d.lead_name.clone()))
        .collect();
    let chips = super::chips(&st, &v, "/directives", &filters, &known).await;
    let statuses = DirectiveStatus::ALL
        .into_iter()
        .map(|s| {
            (
                s.as_str(),
                v.lang.t(&format!("ds.{}", s.as_str())),
                status == s.as_str(),
            )
        })
        .collect();
    let can_create = v.can(Action::EditDirective);
    let unit_filters = super::unit_filters(&st, &v, &[("lead_unit_id", f.lead_unit_id)]).await;
    let layout = layout(&v, &session, "directives", v.lang.t("nav.directives")).await?;
    render(&ListPage {
        subtree_on: f.subtree == Some(true),
        unit_filters,
        layout,
        q,
        due,
        lead_unit_id,
        session_id,
        subtree,
        deadline_from,
        deadline_to,
        chips,
        statuses,
        directives: page.items,
        pager,
        can_create,
        export_query,
    })
}

#[derive(Template)]
#[template(path = "directive.html")]
struct ShowPage {
    layout: Layout,
    d: DirectiveView,
    progress: Vec<ProgressReport>,
    extensions: Vec<Extension>,
    steps: Vec<dondoc_domain::DirectiveStep>,
    evidence: Vec<dondoc_domain::Evidence>,
    extension_requests: Vec<dondoc_domain::ExtensionRequest>,
    /// Whether the viewer may add evidence now.
    can_attach: bool,
    /// A refused upload's message.
    upload_error: Option<&'static str>,
    history: Vec<HistoryRow>,
    forms: Vec<(&'static str, FormView)>,
}

impl ShowPage {
    /// Each unit's latest report: the lead unit, then the coordinating units.
    fn units(&self) -> Vec<(&str, bool, Option<&ProgressReport>)> {
        app::directives::progress_by_unit(&self.d, &self.progress)
            .into_iter()
            .map(|(_, name, share, r)| (name, share, r))
            .collect()
    }
    fn part(&self, share: impl std::borrow::Borrow<bool>) -> &'static str {
        self.layout.t(if *share.borrow() {
            "directive.part_coordinating"
        } else {
            "directive.part_lead"
        })
    }
    fn step(&self, s: &dondoc_domain::DirectiveStep) -> &'static str {
        self.layout.t(&format!("step.{}", s.action))
    }
    fn when(&self, s: &dondoc_domain::DirectiveStep) -> String {
        self.layout.lang.date(s.at.to_zoned(app::vietnam()).date())
    }
    fn request_status(&self, r: &dondoc_domain::ExtensionRequest) -> &'static str {
        self.layout.t(&format!("extension.{}", r.status))
    }
    fn size(&self, e: &dondoc_domain::Evidence) -> String {
        if e.size >= 1024 * 1024 {
            format!("{:.1} MB", e.size as f64 / (1024.0 * 1024.0))
        } else {
            format!("{} KB", (e.size + 1023) / 1024)
        }
    }
}

impl super::RecordPage for ShowPage {
    fn forms(&mut self) -> &mut Vec<(&'static str, FormView)> {
        &mut self.forms
    }
}

impl ShowPage {
    fn dstatus(&self) -> &'static str {
        self.layout
            .t(&format!("ds.{}", self.d.directive.status.as_str()))
    }
    fn timeliness(&self) -> &'static str {
        self.layout.t(&format!("tl.{}", tl(&self.d)))
    }
    fn tl_code(&self) -> &'static str {
        tl(&self.d)
    }
    fn date(&self, d: &jiff::civil::Date) -> String {
        self.layout.lang.date(*d)
    }
    fn opt_date(&self, d: &Option<jiff::civil::Date>) -> String {
        self.layout.lang.opt_date(*d)
    }
}

fn action_key(a: DirectiveAction) -> &'static str {
    match a {
        DirectiveAction::Start => "da.start",
        DirectiveAction::Report => "da.report",
        DirectiveAction::Accept => "da.accept",
        DirectiveAction::Return => "da.return",
        DirectiveAction::Complete => "da.complete",
        DirectiveAction::Cancel => "da.cancel",
        DirectiveAction::Reopen => "da.reopen",
    }
}

fn forms(
    v: &Viewer,
    csrf: &str,
    d: &DirectiveView,
    today: jiff::civil::Date,
    units: &[dondoc_store::UnitNode],
) -> Vec<(&'static str, FormView)> {
    let l = v.lang;
    let id = d.directive.id;
    let version = d.directive.version.to_string();
    let mut out = Vec::new();
    if d.directive.status.is_open()
        && v.can(Action::UpdateDirective {
            lead_unit: d.directive.lead_unit_id,
        })
    {
        out.push((
            "directive.report_progress",
            FormView::new(
                format!("/directives/{id}/progress"),
                csrf,
                "common.save",
                vec![
                    Field::new(
                        l,
                        "percent",
                        "number",
                        d.directive.progress_percent.to_string(),
                    )
                    .required(),
                    Field::new(l, "text", "textarea", "").required(),
                    Field::new(l, "date", "date", today.to_string()),
                    Field::new(l, "version", "hidden", version.clone()),
                ],
            ),
        ));
    }
    // A coordinating unit's people report their own part: one form, the unit chosen among
    // those of the viewer's that coordinate it.
    let shares = app::directives::shares_for(v, d);
    if let Some(unit) = super::share_unit(l, &shares) {
        let mut percent = Field::new(l, "percent", "number", "").required();
        percent.label = l.t("directive.share_percent");
        out.push((
            "directive.report_share",
            FormView::new(
                format!("/directives/{id}/progress"),
                csrf,
                "common.save",
                vec![
                    unit,
                    percent,
                    Field::new(l, "text", "textarea", "").required(),
                    Field::new(l, "date", "date", today.to_string()),
                    Field::new(l, "version", "hidden", version.clone()),
                ],
            ),
        ));
    }
    // The steps of closure this viewer may take: the assignee's side starts and reports, the
    // issuer's side accepts, returns, closes, cancels and reopens.
    for action in app::directives::steps_for(v, d) {
        let mut fields = vec![
            Field::new(l, "action", "hidden", action.as_str()),
            Field::new(l, "version", "hidden", version.clone()),
        ];
        if action.needs_text() {
            let mut text = Field::new(l, "text", "textarea", "").required();
            text.label = l.t(if action == DirectiveAction::Report {
                "f.result"
            } else {
                "f.reason"
            });
            fields.push(text);
        }
        if matches!(action, DirectiveAction::Complete | DirectiveAction::Report) {
            fields.push(Field::new(l, "done_on", "date", today.to_string()));
        }
        out.push((
            action_key(action),
            FormView::new(
                format!("/directives/{id}/transition"),
                csrf,
                action_key(action),
                fields,
            ),
        ));
    }
    if v.can(Action::EditDirective) {
        let raw = DirectiveInput {
            text: Some(d.directive.text.clone()),
            lead_unit_id: d.directive.lead_unit_id,
            coordinating_unit_ids: d.directive.coordinating_unit_ids.clone(),
            deadline_text: d.directive.deadline_text.clone(),
            issued_by_person_id: d.directive.issued_by_person_id,
            version: Some(d.directive.version),
            ..Default::default()
        };
        out.push((
            "common.edit",
            directive_form(l, csrf, &format!("/directives/{id}"), &raw, units),
        ));
    }
    if v.can(Action::EditDirective) && d.directive.status.is_open() {
        out.push((
            "directive.extend",
            FormView::new(
                format!("/directives/{id}/extensions"),
                csrf,
                "common.save",
                vec![
                    Field::new(l, "new_deadline", "date", "").required(),
                    Field::new(l, "reason", "textarea", "").required(),
                    Field::new(l, "version", "hidden", version.clone()),
                ],
            ),
        ));
    }
    out
}

async fn show_page(
    st: &AppState,
    v: &Viewer,
    session: &Session,
    id: i64,
) -> Result<ShowPage, AppError> {
    let app::directives::DirectiveDetail {
        directive: d,
        progress,
        extensions,
        extension_requests,
        steps,
        evidence,
    } = app::directives::detail(&st.app, v, id).await?;
    let history = if v.is_staff() {
        super::history_of(st, v, "directive", id).await?
    } else {
        vec![]
    };
    let title: String = d.directive.text.chars().take(80).collect();
    let layout = layout(v, session, "directives", title).await?;
    let units = if v.is_staff() {
        app::reference::unit_tree(&st.app, v).await?
    } else {
        Default::default()
    };
    let mut forms = forms(v, &layout.csrf, &d, st.today(), &units);
    forms.extend(extension_forms(v, &layout.csrf, &d, &extension_requests));
    let can_attach = v.can(Action::UpdateDirective {
        lead_unit: d.directive.lead_unit_id,
    }) && d.directive.status.takes_evidence();
    Ok(ShowPage {
        layout,
        d,
        progress,
        extensions,
        steps,
        evidence,
        extension_requests,
        can_attach,
        upload_error: None,
        history,
        forms,
    })
}

/// The forms of requests for more time: to ask (the assignee's side, while the work is open
/// and no request waits), and to grant or refuse the one waiting (the issuer's side).
fn extension_forms(
    v: &Viewer,
    csrf: &str,
    d: &DirectiveView,
    requests: &[dondoc_domain::ExtensionRequest],
) -> Vec<(&'static str, FormView)> {
    let l = v.lang;
    let id = d.directive.id;
    let mut out = Vec::new();
    let waiting = requests.iter().find(|r| r.status == "pending");
    match waiting {
        None if d.directive.status.is_open()
            && v.can(Action::UpdateDirective {
                lead_unit: d.directive.lead_unit_id,
            }) =>
        {
            out.push((
                "directive.request_extension",
                FormView::new(
                    format!("/directives/{id}/extension-requests"),
                    csrf,
                    "directive.request_extension",
                    vec![
                        Field::new(l, "new_deadline", "date", "").required(),
                        Field::new(l, "reason", "textarea", "").required(),
                        Field::new(l, "version", "hidden", d.directive.version.to_string()),
                    ],
                ),
            ));
        }
        Some(r) if v.can(Action::DecideDirective) => {
            let action = format!("/directives/{id}/extension-requests/{}", r.id);
            out.push((
                "extension.approve",
                FormView::new(
                    action.clone(),
                    csrf,
                    "extension.approve",
                    vec![
                        Field::new(l, "decision", "hidden", "approve"),
                        Field::new(l, "note", "textarea", ""),
                    ],
                ),
            ));
            out.push((
                "extension.refuse",
                FormView::new(
                    action,
                    csrf,
                    "extension.refuse",
                    vec![
                        Field::new(l, "decision", "hidden", "refuse"),
                        Field::new(l, "note", "textarea", "").required(),
                    ],
                ),
            ));
        }
        _ => {}
    }
    out
}

/// Asks for more time.
pub async fn request_extension(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    Picked(raw): Picked<ExtensionInput>,
) -> Result<Response, AppError> {
    let done = app::directives::request_extension(&st.app, &v, id, &raw).await;
    let page = || show_page(&st, &v, &session, id);
    posted(
        done,
        format!("/directives/{id}"),
        "directive.request_extension",
        &v,
        &raw,
        page,
    )
    .await
}

/// Grants or refuses the request waiting.
pub async fn decide_extension(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path((id, request)): Path<(i64, i64)>,
    Picked(raw): Picked<dondoc_domain::input::ExtensionDecisionInput>,
) -> Result<Response, AppError> {
    let done = app::directives::decide_extension(&st.app, &v, id, request, &raw).await;
    let key = if raw.decision.as_deref() == Some("refuse") {
        "extension.refuse"
    } else {
        "extension.approve"
    };
    let page = || show_page(&st, &v, &session, id);
    posted(done, format!("/directives/{id}"), key, &v, &raw, page).await
}

/// Adds a file backing the result (multipart: `file`). A refused file shows the page again
/// with the reason beside the form.
pub async fn attach(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    req: axum::extract::Request,
) -> Result<Response, AppError> {
    use axum::extract::FromRequest;
    let file = match axum::extract::Multipart::from_request(req, &st).await {
        Ok(mut form) => {
            let mut file = None;
            while let Ok(Some(field)) = form.next_field().await {
                if field.name() == Some("file") {
                    let name = field.file_name().unwrap_or("").to_string();
                    match field.bytes().await {
                        Ok(b) => file = Some((name, b)),
                        Err(_) => file = None,
                    }
                    break;
                }
            }
            file
        }
        Err(_) => None,
    };
    let (name, bytes) = file.unwrap_or_default();
    match app::directives::add_evidence(&st.app, &v, id, &name, &bytes).await {
        Ok(_) => Ok(super::see_other(&format!("/directives/{id}#evidence"))),
        Err(app::Error::Invalid(inv)) => {
            let key = match inv.on("file") {
                Some(dondoc_domain::FieldCode::TooLong) => "evidence.too_large",
                Some(dondoc_domain::FieldCode::Required) => "evidence.empty",
                _ => "evidence.wrong_kind",
            };
            let mut page = show_page(&st, &v, &session, id).await?;
            page.upload_error = Some(key);
            super::invalid_page(&page)
        }
        Err(e) => Err(e.into()),
    }
}

/// A file backing the result, always as an attachment of the type its bytes showed, so that
/// nothing uploaded is ever shown inside dondoc's pages.
pub async fn evidence_file(
    State(st): State<AppState>,
    v: Viewer,
    Path((id, file)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    use axum::http::header;
    use axum::response::IntoResponse;
    let (meta, bytes) = app::directives::evidence_file(&st.app, &v, id, file).await?;
    let media_type = dondoc_domain::evidence::Kind::from_media_type(&meta.media_type)
        .map_or("application/octet-stream", |k| k.media_type());
    let ascii: String = meta
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        percent(&meta.name)
    );
    Ok((
        [
            (header::CONTENT_TYPE, media_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox".to_string(),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// RFC 5987 percent-encoding of a file name.
fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

record_page_handler!();

pub async fn transition(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    Picked(raw): Picked<DirectiveTransitionInput>,
) -> Result<Response, AppError> {
    let done = app::directives::transition(&st.app, &v, id, &raw).await;
    let key = raw
        .action
        .as_deref()
        .and_then(DirectiveAction::parse)
        .map_or("da.start", action_key);
    let page = || show_page(&st, &v, &session, id);
    posted(done, format!("/directives/{id}"), key, &v, &raw, page).await
}

pub async fn progress(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    Picked(raw): Picked<ProgressInput>,
) -> Result<Response, AppError> {
    let done = app::directives::report_progress(&st.app, &v, id, &raw).await;
    let page = || show_page(&st, &v, &session, id);
    // A refused report shows again in the form it came from.
    let form = if raw.unit_id.is_some() {
        "directive.report_share"
    } else {
        "directive.report_progress"
    };
    posted(done, format!("/directives/{id}"), form, &v, &raw, page).await
}

pub async fn extend(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    Picked(raw): Picked<ExtensionInput>,
) -> Result<Response, AppError> {
    let done = app::directives::extend(&st.app, &v, id, &raw).await;
    let page = || show_page(&st, &v, &session, id);
    posted(
        done,
        format!("/directives/{id}"),
        "directive.extend",
        &v,
        &raw,
        page,
    )
    .await
}

/// The form of a directive. The deadline is asked only when it is created; later it changes
/// by extension, with a reason.
fn directive_form(
    l: Lang,
    csrf: &str,
    action: &str,
    raw: &DirectiveInput,
    units: &[dondoc_store::UnitNode],
) -> FormView {
    let coordinating = raw
        .coordinating_unit_ids
        .iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let multi = super::unit_choices(l, "coordinating_unit_ids", coordinating, units);
    let mut fields = vec![
        Field::new(l, "text", "textarea", raw.text.clone().unwrap_or_default()).required(),
        unit_choice(l, "lead_unit_id", opt_id(raw.lead_unit_id), units),
        multi,
    ];
    match raw.version {
        None => fields.push(Field::new(
            l,
            "deadline",
            "date",
            raw.deadline.clone().unwrap_or_default(),
        )),
        Some(v) => fields.push(Field::new(l, "version", "hidden", v.to_string())),
    }
    fields.push(Field::new(
        l,
        "deadline_text",
        "text",
        raw.deadline_text.clone().unwrap_or_default(),
    ));
    FormView::new(action, csrf, "common.save", fields)
}

pub async fn update(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    Picked(raw): Picked<DirectiveInput>,
) -> Result<Response, AppError> {
    let done = app::directives::update(&st.app, &v, id, &raw).await;
    let page = || show_page(&st, &v, &session, id);
    posted(
        done,
        format!("/directives/{id}"),
        "common.edit",
        &v,
        &raw,
        page,
    )
    .await
}

pub async fn new(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
) -> Result<Html<String>, AppError> {
    v.require(Action::EditDirective)?;
    let layout = layout(&v, &session, "directives", v.lang.t("directive.new")).await?;
    let units = app::reference::unit_tree(&st.app, &v).await?;
    let form = directive_form(
        v.lang,
        &layout.csrf,
        "/directives",
        &DirectiveInput::default(),
        &units,
    );
    render(&FormPage { layout, form })
}

pub async fn create(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Picked(raw): Picked<DirectiveInput>,
) -> Result<Response, AppError> {
    let done = app::directives::create(&st.app, &v, &raw).await;
    answer(
        done,
        |d| format!("/directives/{}", d.directive.id),
        |inv| async move {
            let layout = layout(&v, &session, "directives", v.lang.t("directive.new")).await?;
            let units = app::reference::unit_tree(&st.app, &v).await?;
            let form = directive_form(v.lang, &layout.csrf, "/directives", &raw, &units)
                .with_errors(v.lang, &inv);
            invalid_page(&FormPage { layout, form })
        },
    )
    .await
}
