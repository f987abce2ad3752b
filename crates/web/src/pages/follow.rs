//! What a signed-in person is told (`/notices`) and what they choose to hear of
//! (`/profile`).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use dondoc_domain::follow::{Language, NoticeKind, Profile, MAX_REMIND_DAYS};
use dondoc_domain::input::ProfileInput;
use dondoc_store::Notice;
use tower_sessions::Session;

use super::{invalid_page, layout, render, see_other, Field, FormView, Layout};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pick::Picked;
use crate::AppState;
use dondoc_app as app;

const PAGE: i64 = 50;

#[derive(Template)]
#[template(path = "notices.html")]
struct NoticesPage {
    layout: Layout,
    notices: Vec<Notice>,
    unread: i64,
    offset: i64,
    more: bool,
}

impl NoticesPage {
    /// In the words its mail's subject uses (one wording for both).
    fn kind(&self, n: &Notice) -> &'static str {
        let lang = match self.layout.lang {
            Lang::Vi => Language::Vi,
            Lang::En => Language::En,
        };
        app::mail::title(n.kind, lang)
    }
    fn link(&self, n: &Notice) -> String {
        match n.entity.as_str() {
            "petition" => format!("/petitions/{}", n.entity_id),
            "unit" => "/inbox".to_string(),
            _ => format!("/directives/{}", n.entity_id),
        }
    }
    fn due(&self, n: &Notice) -> String {
        self.layout.lang.opt_date(n.due_on)
    }
    fn when(&self, n: &Notice) -> String {
        self.layout.lang.date(n.at.to_zoned(app::vietnam()).date())
    }
    /// A digest's lines: (link, text, deadline).
    fn lines(&self, n: &Notice) -> Vec<(String, String, String)> {
        if n.kind != NoticeKind::Digest {
            return vec![];
        }
        n.detail
            .as_deref()
            .unwrap_or_default()
            .lines()
            .filter_map(|l| {
                let mut p = l.splitn(3, '\t');
                let (id, due, text) = (p.next()?, p.next()?, p.next()?);
                let due = due
                    .parse()
                    .map(|d| self.layout.lang.date(d))
                    .unwrap_or_default();
                Some((format!("/directives/{id}"), text.to_string(), due))
            })
            .collect()
    }
    /// What the other side said: a result, a reason, a decision.
    fn said(&self, n: &Notice) -> Option<String> {
        let detail = n.detail.as_deref().filter(|d| !d.is_empty())?;
        match n.kind {
            NoticeKind::Digest => None,
            NoticeKind::ExtensionDecided => Some(app::mail::decision_words(
                detail,
                self.layout.lang == Lang::Vi,
            )),
            _ => Some(detail.to_string()),
        }
    }
    fn mailed(&self, n: &Notice) -> bool {
        n.mail == "sent"
    }
    fn next(&self) -> i64 {
        self.offset + PAGE
    }
}

#[derive(serde::Deserialize)]
pub struct Paging {
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    offset: Option<i64>,
}

pub async fn list(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Query(q): Query<Paging>,
) -> Result<Html<String>, AppError> {
    let offset = q.offset.unwrap_or(0).clamp(0, 100_000);
    let (mut notices, unread) = app::follow::notices(&st.app, &v, PAGE + 1, offset).await?;
    let more = notices.len() as i64 > PAGE;
    notices.truncate(PAGE as usize);
    let layout = layout(&v, &session, "notices", v.lang.t("nav.notices")).await?;
    render(&NoticesPage {
        layout,
        notices,
        unread,
        offset,
        more,
    })
}

#[derive(serde::Deserialize)]
pub struct ReadForm {
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    id: Option<i64>,
}

/// Marks one notice read (`id`), or all.
pub async fn read(
    State(st): State<AppState>,
    v: Viewer,
    Picked(f): Picked<ReadForm>,
) -> Result<Response, AppError> {
    let ids = f.id.map(|id| vec![id]);
    app::follow::read(&st.app, &v, ids.as_deref()).await?;
    Ok(see_other("/notices"))
}

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    layout: Layout,
    form: FormView,
    /// Whether the person has a calendar feed, and its address just after it was made.
    has_feed: bool,
    feed_url: Option<String>,
}

fn profile_form(l: Lang, csrf: &str, raw: &ProfileInput) -> FormView {
    let on = |b: Option<bool>| if b == Some(true) { "on" } else { "" };
    let languages = [Language::Vi, Language::En]
        .into_iter()
        .map(|x| {
            (
                x.as_str().to_string(),
                l.t(&format!("lang.{}", x.as_str())).to_string(),
            )
        })
        .collect();
    FormView::new(
        "/profile",
        csrf,
        "common.save",
        vec![
            Field::new(l, "email", "email", raw.email.clone().unwrap_or_default())
                .hint("profile.email_hint"),
            Field::select(
                l,
                "language",
                raw.language.clone().unwrap_or_default(),
                languages,
                false,
            ),
            Field::new(l, "notify_mail", "checkbox", on(raw.notify_mail)),
            Field::new(
                l,
                "remind_days",
                "number",
                raw.remind_days.map(|d| d.to_string()).unwrap_or_default(),
            )
            .hint("profile.remind_hint"),
            Field::new(l, "weekly_digest", "checkbox", on(raw.weekly_digest)),
        ],
    )
}

fn raw_of(p: &Profile) -> ProfileInput {
    ProfileInput {
        email: p.email.clone(),
        language: Some(p.language.as_str().to_string()),
        notify_mail: Some(p.notify_mail),
        remind_days: Some(p.remind_days.min(MAX_REMIND_DAYS)),
        weekly_digest: Some(p.weekly_digest),
    }
}

pub async fn show(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
) -> Result<Html<String>, AppError> {
    let p = app::follow::profile(&st.app, &v).await?;
    let has_feed = app::ical::has(&st.app, &v).await?;
    let layout = layout(&v, &session, "profile", v.lang.t("nav.profile")).await?;
    let form = profile_form(v.lang, &layout.csrf, &raw_of(&p));
    render(&ProfilePage {
        layout,
        form,
        has_feed,
        feed_url: None,
    })
}

/// The profile page showing a calendar feed's address, once, just after it was made.
pub async fn show_with_feed(
    st: AppState,
    v: Viewer,
    session: Session,
    feed_url: Option<String>,
) -> Result<Response, AppError> {
    let p = app::follow::profile(&st.app, &v).await?;
    let layout = layout(&v, &session, "profile", v.lang.t("nav.profile")).await?;
    let form = profile_form(v.lang, &layout.csrf, &raw_of(&p));
    Ok(render(&ProfilePage {
        layout,
        form,
        has_feed: true,
        feed_url,
    })?
    .into_response())
}

pub async fn save(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Picked(raw): Picked<ProfileInput>,
) -> Result<Response, AppError> {
    let err = match app::follow::set_profile(&st.app, &v, &raw)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => return Ok(see_other("/profile")),
        Err(AppError::Invalid(inv)) => inv,
        Err(e) => return Err(e),
    };
    let layout = layout(&v, &session, "profile", v.lang.t("nav.profile")).await?;
    let form = profile_form(v.lang, &layout.csrf, &raw).with_errors(v.lang, &err);
    let has_feed = app::ical::has(&st.app, &v).await?;
    invalid_page(&ProfilePage {
        layout,
        form,
        has_feed,
        feed_url: None,
    })
}
