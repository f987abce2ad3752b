//! People with their positions, and the documents sessions refer to.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use dondoc_domain::input::{DocumentInput, PersonInput};
use dondoc_domain::{Action, Document, Person, Position};
use serde::Deserialize;
use tower_sessions::Session;

use super::sessions::FormPage;
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

#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

#[derive(Template)]
#[template(path = "people.html")]
struct ListPage {
    layout: Layout,
    q: String,
    people: Vec<Person>,
    pager: Pager,
    can_create: bool,
}

pub async fn list(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Query(f): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let q = f.q.clone().unwrap_or_default();
    let page = app::reference::people(&st.app, &v, f.q.as_deref(), f.limit, f.offset).await?;
    let pager = pager("/people", &[("q", q.clone())], &page);
    let layout = layout(&v, &session, "people", v.lang.t("nav.people")).await?;
    render(&ListPage {
        layout,
        q,
        people: page.items,
        pager,
        can_create: v.can(Action::EditReference),
    })
}

#[derive(Template)]
#[template(path = "person.html")]
struct ShowPage {
    layout: Layout,
    person: Person,
    positions: Vec<(Position, Option<String>)>,
    history: Vec<HistoryRow>,
    forms: Vec<(&'static str, FormView)>,
}

impl super::RecordPage for ShowPage {
    fn forms(&mut self) -> &mut Vec<(&'static str, FormView)> {
        &mut self.forms
    }
}

async fn show_page(
    st: &AppState,
    v: &Viewer,
    session: &Session,
    id: i64,
) -> Result<ShowPage, AppError> {
    let app::reference::PersonDetail { person, positions } =
        app::reference::person(&st.app, v, id).await?;
    let history = super::history_of(st, v, "person", id).await?;
    let layout = layout(v, session, "people", person.name.clone()).await?;
    let mut forms = Vec::new();
    if v.can(Action::EditReference) {
        let units = app::reference::unit_tree(&st.app, v).await?;
        let raw = PersonInput {
            name: Some(person.name.clone()),
            version: Some(person.version),
            ..Default::default()
        };
        forms.push((
            "common.edit",
            person_edit_form(v.lang, &layout.csrf, id, &raw),
        ));
        forms.push((
            "person.add_position",
            FormView::new(
                format!("/people/{id}/positions"),
                &layout.csrf,
                "common.save",
                vec![
                    Field::new(v.lang, "title", "text", "").required(),
                    unit_choice(v.lang, "unit_id", "", &units),
                ],
            ),
        ));
    }
    Ok(ShowPage {
        layout,
        person,
        positions,
        history,
        forms,
    })
}

record_page_handler!();

fn person_edit_form(l: Lang, csrf: &str, id: i64, raw: &PersonInput) -> FormView {
    FormView::new(
        format!("/people/{id}"),
        csrf,
        "common.save",
        vec![
            Field::new(l, "name", "text", raw.name.clone().unwrap_or_default()).required(),
            Field::new(l, "version", "hidden", opt_id(raw.version)),
        ],
    )
}

pub async fn update(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    Picked(raw): Picked<PersonInput>,
) -> Result<Response, AppError> {
    let done = app::reference::update_person(&st.app, &v, id, &raw).await;
    let page = || show_page(&st, &v, &session, id);
    posted(done, format!("/people/{id}"), "common.edit", &v, &raw, page).await
}

pub async fn add_position(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    Picked(raw): Picked<PersonInput>,
) -> Result<Response, AppError> {
    let done = app::reference::add_position(&st.app, &v, id, &raw).await;
    let page = || show_page(&st, &v, &session, id);
    posted(
        done,
        format!("/people/{id}"),
        "person.add_position",
        &v,
        &raw,
        page,
    )
    .await
}

async fn person_form(
    st: &AppState,
    v: &Viewer,
    csrf: &str,
    raw: &PersonInput,
) -> Result<FormView, AppError> {
    let l = v.lang;
    let units = app::reference::unit_tree(&st.app, v).await?;
    Ok(FormView::new(
        "/people",
        csrf,
        "common.save",
        vec![
            Field::new(l, "name", "text", raw.name.clone().unwrap_or_default()).required(),
            Field::new(l, "title", "text", raw.title.clone().unwrap_or_default()),
            unit_choice(l, "unit_id", opt_id(raw.unit_id), &units),
            Field::new(l, "from", "date", raw.from.clone().unwrap_or_default()),
        ],
    ))
}

pub async fn new(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
) -> Result<Html<String>, AppError> {
    v.require(Action::EditReference)?;
    let layout = layout(&v, &session, "people", v.lang.t("person.new")).await?;
    let form = person_form(&st, &v, &layout.csrf, &PersonInput::default()).await?;
    render(&FormPage { layout, form })
}

pub async fn create(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Picked(raw): Picked<PersonInput>,
) -> Result<Response, AppError> {
    let done = app::reference::create_person(&st.app, &v, &raw).await;
    answer(
        done,
        |p| format!("/people/{}", p.id),
        |inv| async move {
            let layout = layout(&v, &session, "people", v.lang.t("person.new")).await?;
            let form = person_form(&st, &v, &layout.csrf, &raw)
                .await?
                .with_errors(v.lang, &inv);
            invalid_page(&FormPage { layout, form })
        },
    )
    .await
}

#[derive(Template)]
#[template(path = "documents.html")]
struct DocumentsPage {
    layout: Layout,
    documents: Vec<Document>,
    pager: Pager,
    form: Option<FormView>,
}

/// The form of a document: a new one (`/documents`) or an edit (`/documents/{id}`, with its version).
fn document_form(l: Lang, csrf: &str, action: &str, raw: &DocumentInput) -> FormView {
    let mut form = FormView::new(
        action,
        csrf,
        "common.save",
        vec![
            Field::new(l, "kind", "text", raw.kind.clone().unwrap_or_default())
                .required()
                .hint("f.kind"),
            Field::new(l, "number", "text", raw.number.clone().unwrap_or_default()),
            Field::new(l, "date", "date", raw.date.clone().unwrap_or_default()),
            Field::new(l, "issuer", "text", raw.issuer.clone().unwrap_or_default()),
            Field::new(
                l,
                "subject",
                "textarea",
                raw.subject.clone().unwrap_or_default(),
            ),
        ],
    );
    if let Some(v) = raw.version {
        form.fields
            .push(Field::new(l, "version", "hidden", v.to_string()));
    }
    form
}

async fn documents_page(
    st: &AppState,
    v: &Viewer,
    session: &Session,
    f: &ListQuery,
) -> Result<DocumentsPage, AppError> {
    let page = app::reference::documents(&st.app, v, f.limit, f.offset).await?;
    let pager = pager("/documents", &[], &page);
    let layout = layout(v, session, "documents", v.lang.t("nav.documents")).await?;
    let form = v.can(Action::EditReference).then(|| {
        document_form(
            v.lang,
            &layout.csrf,
            "/documents",
            &DocumentInput::default(),
        )
    });
    Ok(DocumentsPage {
        layout,
        documents: page.items,
        pager,
        form,
    })
}

pub async fn documents(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Query(f): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let page = documents_page(&st, &v, &session, &f).await?;
    render(&page)
}

pub async fn create_document(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Picked(raw): Picked<DocumentInput>,
) -> Result<Response, AppError> {
    let done = app::reference::create_document(&st.app, &v, &raw).await;
    answer(
        done,
        |_| "/documents".to_string(),
        |inv| async move {
            let mut page = documents_page(&st, &v, &session, &ListQuery::default()).await?;
            page.form = Some(
                document_form(v.lang, &page.layout.csrf, "/documents", &raw)
                    .with_errors(v.lang, &inv),
            );
            invalid_page(&page)
        },
    )
    .await
}

#[derive(Template)]
#[template(path = "document.html")]
struct DocumentPage {
    layout: Layout,
    doc: Document,
    history: Vec<HistoryRow>,
    forms: Vec<(&'static str, FormView)>,
}

impl super::RecordPage for DocumentPage {
    fn forms(&mut self) -> &mut Vec<(&'static str, FormView)> {
        &mut self.forms
    }
}

async fn document_page(
    st: &AppState,
    v: &Viewer,
    session: &Session,
    id: i64,
) -> Result<DocumentPage, AppError> {
    let doc = app::reference::document(&st.app, v, id).await?;
    let history = super::history_of(st, v, "document", id).await?;
    let title = format!("{} {}", doc.kind, doc.number.clone().unwrap_or_default());
    let layout = layout(v, session, "documents", title.trim().to_string()).await?;
    let mut forms = Vec::new();
    if v.can(Action::EditReference) {
        let raw = DocumentInput {
            kind: Some(doc.kind.clone()),
            number: doc.number.clone(),
            date: doc.date.map(|d| d.to_string()),
            issuer: doc.issuer.clone(),
            subject: doc.subject.clone(),
            version: Some(doc.version),
        };
        forms.push((
            "common.edit",
            document_form(v.lang, &layout.csrf, &format!("/documents/{id}"), &raw),
        ));
    }
    Ok(DocumentPage {
        layout,
        doc,
        history,
        forms,
    })
}

pub async fn document(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let page = document_page(&st, &v, &session, id).await?;
    render(&page)
}

pub async fn update_document(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<i64>,
    Picked(raw): Picked<DocumentInput>,
) -> Result<Response, AppError> {
    let done = app::reference::update_document(&st.app, &v, id, &raw).await;
    let page = || document_page(&st, &v, &session, id);
    posted(
        done,
        format!("/documents/{id}"),
        "common.edit",
        &v,
        &raw,
        page,
    )
    .await
}
