//! The newsroom: the public site's articles as staff see them (drafts and all). Editors draft
//! one from a session's page (prefilled from its records and report), edit it and send it for
//! sign-off; leaders publish it, return it, or take it down. The public reads it at
//! `/tin-tuc/…` (`crate::public`).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use dondoc_app as app;
use dondoc_domain::input::ArticleInput;
use dondoc_domain::{Action, Article, ArticleAction, ArticleStatus, Id};
use dondoc_store::ArticleFilter;
use serde::Deserialize;
use tower_sessions::Session;

use super::{
    answer, invalid_page, layout, pager, posted, render, Field, FormView, HistoryRow, Layout, Pager,
};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::AppState;

#[derive(Template)]
#[template(path = "articles.html")]
struct ListPage {
    layout: Layout,
    items: Vec<Article>,
    pager: Pager,
    status: String,
}

impl ListPage {
    fn status_name(&self, s: &ArticleStatus) -> &'static str {
        self.layout.t(&format!("as.{}", s.as_str()))
    }
}

pub async fn list(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Query(f): Query<ArticleFilter>,
) -> Result<Html<String>, AppError> {
    v.require_staff()?;
    let page = app::articles::list(&st.app, &v, &f).await?;
    let status = f.status.map(|s| s.as_str().to_string()).unwrap_or_default();
    let query = [
        ("q", f.q.clone().unwrap_or_default()),
        ("status", status.clone()),
    ];
    let pager = pager("/articles", &query, &page);
    let layout = layout(&v, &session, "articles", v.lang.t("nav.articles")).await?;
    render(&ListPage {
        layout,
        items: page.items,
        pager,
        status,
    })
}

fn article_form(l: Lang, csrf: &str, action: &str, raw: &ArticleInput) -> FormView {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    // The article's own words for its fields (`lead`, `body` and `note` name other things
    // on other forms).
    let labelled = |f: Field, key: &str| Field {
        label: l.t(key),
        ..f
    };
    let mut fields = vec![
        labelled(
            Field::new(l, "title", "text", text(&raw.title)),
            "f.headline",
        )
        .required(),
        labelled(
            Field::new(l, "lead", "textarea", text(&raw.lead)),
            "f.article_lead",
        )
        .required()
        .hint("hint.article_lead"),
        labelled(
            Field::new(l, "body", "textarea", text(&raw.body)),
            "f.article_body",
        )
        .required()
        .hint("hint.article_body"),
        Field::new(l, "author", "text", text(&raw.author)).hint("hint.article_author"),
        labelled(
            Field::new(l, "note", "textarea", text(&raw.note)),
            "f.article_note",
        )
        .hint("hint.article_note"),
    ];
    for (name, value) in [("session_id", raw.session_id), ("unit_id", raw.unit_id)] {
        if let Some(id) = value {
            fields.push(Field::new(l, name, "hidden", id.to_string()));
        }
    }
    if let Some(v) = raw.version {
        fields.push(Field::new(l, "version", "hidden", v.to_string()));
    }
    FormView::new(action, csrf, "common.save", fields)
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    session_id: Option<Id>,
}

#[derive(Template)]
#[template(path = "form_page.html")]
struct NewPage {
    layout: Layout,
    form: FormView,
}

/// A new article: drafted from a session when one is named.
pub async fn new(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Query(q): Query<NewQuery>,
) -> Result<Html<String>, AppError> {
    v.require(Action::EditArticle)?;
    let raw = match q.session_id {
        Some(s) => app::articles::draft_from_session(&st.app, &v, s).await?,
        None => ArticleInput::default(),
    };
    let layout = layout(&v, &session, "articles", v.lang.t("article.new")).await?;
    let form = article_form(v.lang, &layout.csrf, "/articles", &raw);
    render(&NewPage { layout, form })
}

pub async fn create(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    axum::Form(raw): axum::Form<ArticleInput>,
) -> Result<Response, AppError> {
    let done = app::articles::create(&st.app, &v, &raw).await;
    answer(
        done,
        |a| format!("/articles/{}", a.id),
        |inv| async move {
            let layout = layout(&v, &session, "articles", v.lang.t("article.new")).await?;
            let form =
                article_form(v.lang, &layout.csrf, "/articles", &raw).with_errors(v.lang, &inv);
            invalid_page(&NewPage { layout, form })
        },
    )
    .await
}

#[derive(Template)]
#[template(path = "article.html")]
struct ArticlePage {
    layout: Layout,
    a: Article,
    paragraphs: Vec<String>,
    session_title: Option<String>,
    public_href: String,
    /// The moves the caller may make now: (label key, form).
    moves: Vec<(&'static str, FormView)>,
    photos: Vec<dondoc_domain::article::ArticlePhoto>,
    /// Whether the caller may add photos, and why the last upload was refused.
    can_add_photo: bool,
    upload_error: Option<&'static str>,
    history: Vec<HistoryRow>,
    forms: Vec<(&'static str, FormView)>,
}

impl ArticlePage {
    fn status_name(&self) -> &'static str {
        self.layout.t(&format!("as.{}", self.a.status.as_str()))
    }
    fn when(&self, t: &Option<jiff::Timestamp>) -> String {
        t.map(|t| self.layout.lang.date(t.to_zoned(app::vietnam()).date()))
            .unwrap_or_default()
    }
}

impl super::RecordPage for ArticlePage {
    fn forms(&mut self) -> &mut Vec<(&'static str, FormView)> {
        &mut self.forms
    }
}

async fn show_page(
    st: &AppState,
    v: &Viewer,
    session: &Session,
    id: Id,
) -> Result<ArticlePage, AppError> {
    v.require_staff()?;
    let d = app::articles::detail(&st.app, v, id).await?;
    let a = d.article;
    let history = super::history_of(st, v, "article", id).await?;
    let layout = layout(v, session, "articles", a.title.clone()).await?;
    let mut forms = vec![];
    let editable = a.status.editable_by_editor() || v.can(Action::PublishArticle);
    let can_add_photo = v.can(Action::EditArticle) && editable;
    if v.can(Action::EditArticle) && editable {
        let raw = ArticleInput {
            session_id: a.session_id,
            unit_id: a.unit_id,
            title: Some(a.title.clone()),
            lead: Some(a.lead.clone()),
            body: Some(a.body.clone()),
            author: a.author.clone(),
            note: a.note.clone(),
            version: Some(a.version),
        };
        forms.push((
            "common.edit",
            article_form(v.lang, &layout.csrf, &format!("/articles/{id}"), &raw),
        ));
    }
    let moves = ArticleAction::ALL
        .into_iter()
        .filter(|m| a.status.after(*m).is_some())
        .filter(|m| {
            v.can(if m.signs_off() {
                Action::PublishArticle
            } else {
                Action::EditArticle
            })
        })
        .map(|m| {
            let form = FormView::new(
                format!("/articles/{id}/transition"),
                &layout.csrf,
                leak_key(m),
                vec![
                    Field::new(v.lang, "action", "hidden", m.as_str()),
                    Field::new(v.lang, "version", "hidden", a.version.to_string()),
                ],
            );
            (leak_key(m), form)
        })
        .collect();
    let paragraphs = dondoc_domain::article::paragraphs(&a.body)
        .into_iter()
        .map(str::to_string)
        .collect();
    Ok(ArticlePage {
        photos: d.photos,
        can_add_photo,
        upload_error: None,
        public_href: crate::public::article_path(&a),
        session_title: d.session.map(|s| s.session.session.title),
        paragraphs,
        layout,
        a,
        moves,
        history,
        forms,
    })
}

/// The label of a move's button.
fn leak_key(m: ArticleAction) -> &'static str {
    match m {
        ArticleAction::Submit => "article.submit",
        ArticleAction::Return => "article.return",
        ArticleAction::Publish => "article.publish",
        ArticleAction::Withdraw => "article.withdraw",
    }
}

record_page_handler!();

pub async fn update(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<Id>,
    axum::Form(raw): axum::Form<ArticleInput>,
) -> Result<Response, AppError> {
    let done = app::articles::update(&st.app, &v, id, &raw).await;
    let page = || show_page(&st, &v, &session, id);
    posted(
        done,
        format!("/articles/{id}"),
        "common.edit",
        &v,
        &raw,
        page,
    )
    .await
}

#[derive(Deserialize)]
pub struct MoveForm {
    action: String,
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    version: Option<i64>,
}

pub async fn transition(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<Id>,
    axum::Form(f): axum::Form<MoveForm>,
) -> Result<Response, AppError> {
    let action = ArticleAction::parse(&f.action).ok_or_else(|| {
        dondoc_app::Error::Invalid(dondoc_domain::Invalid::one(
            "action",
            dondoc_domain::FieldCode::InvalidChoice,
        ))
    })?;
    app::articles::act(&st.app, &v, id, f.version, action).await?;
    Ok(super::see_other(&format!("/articles/{id}")))
}

/// A photo with its caption, uploaded from the article's page (the form token in the body,
/// as every upload's).
pub async fn add_photo(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Path(id): Path<Id>,
    req: axum::extract::Request,
) -> Result<Response, AppError> {
    use axum::extract::FromRequest;
    let (mut file, mut caption) = (Vec::new(), None::<String>);
    if let Ok(mut form) = axum::extract::Multipart::from_request(req, &st).await {
        while let Ok(Some(field)) = form.next_field().await {
            match field.name() {
                Some("file") => file = field.bytes().await.map(|b| b.to_vec()).unwrap_or_default(),
                Some("caption") => caption = field.text().await.ok(),
                _ => {}
            }
        }
    }
    match app::photos::add(&st.app, &v, id, &file, caption.as_deref()).await {
        Ok(_) => Ok(super::see_other(&format!("/articles/{id}#photos"))),
        Err(app::Error::Invalid(inv)) => {
            let key = match inv.first().map(|e| (e.field, e.code)) {
                Some(("file", dondoc_domain::FieldCode::TooLong)) => "photo.too_large",
                Some(("file", dondoc_domain::FieldCode::Required)) => "evidence.empty",
                Some(("file", dondoc_domain::FieldCode::OutOfRange)) => "photo.too_many_pixels",
                Some(("caption", _)) => "photo.caption_too_long",
                _ => "photo.wrong_kind",
            };
            let mut page = show_page(&st, &v, &session, id).await?;
            page.upload_error = Some(key);
            super::invalid_page(&page)
        }
        Err(e) => Err(e.into()),
    }
}
