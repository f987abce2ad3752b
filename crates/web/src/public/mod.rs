//! The public site: what residents read, apart from the staff's pages (its own routes,
//! templates and layout). Every page reads through `dondoc_app::portal` as an anonymous
//! visitor, whoever asks, so each record passes the one visibility rule and nothing internal
//! reaches it. Addresses are Vietnamese words, as the city portals' are: `/tin-tuc/…` (news),
//! `/kien-nghi/…` (petitions), `/chi-dao/…` (directives), `/don-vi/…` (units),
//! `/chi-tieu/…` (targets), `/buoi-lam-viec/…` (sessions), `/tim-kiem` (search); feeds,
//! the sitemap and `robots.txt` are in [`feeds`]; a resident's petition, sent and followed by
//! its tracking code, in [`submit`].

pub mod feeds;
pub mod submit;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use dondoc_app::articles::ArticleDetail;
use dondoc_app::portal::{self, Found, Hit, Home, UnitPage};
use dondoc_app::sessions::SessionDetail;
use dondoc_app::targets::TargetDetail;
use dondoc_app::{self as app};
use dondoc_domain::{Article, Id};
use dondoc_store::{DirectiveView, PetitionFilter, PetitionView};
use jiff::civil::Date;
use serde::Deserialize;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::render;
use crate::AppState;

/// What every public page needs around its content: the language, the words a search engine
/// and a shared link show (title, description, canonical address, image), and the feeds.
pub struct PublicLayout {
    pub lang: Lang,
    pub title: String,
    pub description: String,
    /// The site's address (`https://…`, no trailing slash).
    pub origin: String,
    /// This page's address, absolute.
    pub canonical: String,
    /// `website` or `article`.
    pub og_type: &'static str,
    /// The picture a shared link shows (absolute), if the page has one.
    pub image: Option<String>,
    pub nav: &'static str,
    /// Feeds of this page: (title, address, media type).
    pub feeds: Vec<(String, String, &'static str)>,
    pub signed_in: bool,
    /// What the search box holds.
    pub q: String,
    /// The weather, exchange rates and visitor figures, as last read (never waited for).
    pub sidebar: Option<crate::sidebar::Sidebar>,
    /// The form token of a page with a form (a resident's petition), and a notice to show.
    pub csrf: String,
    pub notice: Option<&'static str>,
}

impl PublicLayout {
    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }
    pub fn date(&self, d: &Date) -> String {
        self.lang.date(*d)
    }
    pub fn opt_date(&self, d: &Option<Date>) -> String {
        self.lang.opt_date(*d)
    }
    pub fn when(&self, t: &Option<jiff::Timestamp>) -> String {
        t.map(|t| self.lang.date(t.to_zoned(app::vietnam()).date()))
            .unwrap_or_default()
    }
    pub fn ps(&self, p: &PetitionView) -> &'static str {
        self.t(&format!("ps.{}", p.petition.status.as_str()))
    }
    pub fn ds(&self, d: &DirectiveView) -> &'static str {
        self.t(&format!("ds.{}", d.directive.status.as_str()))
    }
    pub fn tl(&self, d: &DirectiveView) -> &'static str {
        self.t(&format!("tl.{}", crate::pages::sessions::tl(d)))
    }
    pub fn tl_code(&self, d: &DirectiveView) -> &'static str {
        crate::pages::sessions::tl(d)
    }
    pub fn amount(&self, v: &f64, measure: &str) -> String {
        self.lang.amount(*v, measure)
    }
    pub fn percent(&self, p: &Option<f64>) -> String {
        p.map(|p| format!("{}%", self.lang.number(p, 1)))
            .unwrap_or_default()
    }
    pub fn article_href(&self, a: &Article) -> String {
        article_path(a)
    }
    pub fn srcset(&self, p: &dondoc_domain::article::ArticlePhoto) -> String {
        srcset(p)
    }
    pub fn raised(&self, n: &i64) -> String {
        self.t("petition.raised_n").replace("{n}", &n.to_string())
    }
}

/// A news article's address: its id and its title's words.
pub fn article_path(a: &Article) -> String {
    let slug = dondoc_domain::article::slug(&a.title);
    if slug.is_empty() {
        format!("/tin-tuc/{}", a.id)
    } else {
        format!("/tin-tuc/{}-{slug}", a.id)
    }
}

pub(crate) fn layout(
    st: &AppState,
    v: &Viewer,
    headers: &HeaderMap,
    nav: &'static str,
    path: &str,
    title: impl Into<String>,
    description: impl Into<String>,
) -> PublicLayout {
    PublicLayout {
        sidebar: crate::sidebar::Sidebar::of(st, v.lang),
        notice: v.saved.then_some("common.saved"),
        ..bare_layout(
            st,
            v.lang,
            v.user.is_some(),
            headers,
            nav,
            path,
            title.into(),
            &description.into(),
        )
    }
}

/// The public layout with nothing read for it: no sidebar, no notice.
#[allow(clippy::too_many_arguments)]
fn bare_layout(
    st: &AppState,
    lang: Lang,
    signed_in: bool,
    headers: &HeaderMap,
    nav: &'static str,
    path: &str,
    title: String,
    description: &str,
) -> PublicLayout {
    let origin = crate::pages::origin(st, headers);
    PublicLayout {
        lang,
        title,
        description: shorten(description, 200),
        canonical: format!("{origin}{path}"),
        origin,
        og_type: "website",
        image: None,
        nav,
        feeds: vec![(
            lang.t("portal.feed_news").to_string(),
            "/tin-tuc/rss.xml".into(),
            "application/rss+xml",
        )],
        signed_in,
        q: String::new(),
        sidebar: None,
        csrf: String::new(),
        notice: None,
    }
}

/// Whether `path` is one of the public site's: its errors are shown in its own layout.
pub(crate) fn is_public_path(path: &str) -> bool {
    const PREFIXES: [&str; 9] = [
        "/trang-chu",
        "/tin-tuc",
        "/buoi-lam-viec",
        "/kien-nghi",
        "/chi-dao",
        "/don-vi",
        "/chi-tieu",
        "/tim-kiem",
        "/anh/",
    ];
    PREFIXES.iter().any(|p| {
        path.strip_prefix(p)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/') || p.ends_with('/'))
    })
}

#[derive(Template)]
#[template(path = "public/error.html")]
struct PublicErrorPage<'a> {
    layout: PublicLayout,
    status: u16,
    messages: &'a [String],
}

/// An error on a public page, in the public site's layout (no sidebar: nothing is read for it).
pub(crate) fn error_page(
    st: &AppState,
    lang: Lang,
    headers: &HeaderMap,
    path: &str,
    status: axum::http::StatusCode,
    messages: &[String],
    signed_in: bool,
) -> String {
    let layout = bare_layout(
        st,
        lang,
        signed_in,
        headers,
        "",
        path,
        lang.t("err.title").to_string(),
        messages.first().map(String::as_str).unwrap_or_default(),
    );
    PublicErrorPage {
        layout,
        status: status.as_u16(),
        messages,
    }
    .render()
    .unwrap_or_else(|_| messages.join("\n"))
}

/// At most `chars` characters of `s`, cut at a word, on one line.
pub fn shorten(s: &str, chars: usize) -> String {
    let line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= chars {
        return line;
    }
    let cut: String = line.chars().take(chars).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{cut}…")
}

#[derive(Deserialize, Default)]
pub struct HomeQuery {
    /// The reader's ward: an id, or words of its name.
    #[serde(default)]
    phuong: Option<String>,
}

#[derive(Template)]
#[template(path = "public/home.html")]
struct HomePage {
    layout: PublicLayout,
    home: Home,
    ward_text: String,
    /// Wards whose names hold what was typed, when it named none or several.
    choices: Vec<dondoc_domain::Unit>,
}

/// The home page (`/` for visitors, `/trang-chu` for anyone).
pub async fn home(
    State(st): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Query(q): Query<HomeQuery>,
) -> Result<Html<String>, AppError> {
    let typed = q.phuong.unwrap_or_default().trim().to_string();
    let (ward, choices) = if typed.is_empty() {
        (None, vec![])
    } else if let Ok(id) = typed.parse::<Id>() {
        (Some(id), vec![])
    } else {
        let found = portal::wards(&st.app, &typed).await?;
        match found.as_slice() {
            [one] => (Some(one.id), vec![]),
            _ => (None, found),
        }
    };
    let home = portal::home(&st.app, ward).await?;
    let ward_text = home.ward.as_ref().map(|w| w.name.clone()).unwrap_or(typed);
    let layout = layout(
        &st,
        &v,
        &headers,
        "home",
        "/",
        v.lang.t("portal.title"),
        v.lang.t("portal.description"),
    );
    render(&HomePage {
        layout,
        home,
        ward_text,
        choices,
    })
}

/// Anonymous visitors at `/` get the public home page; the signed-in, their dashboard.
pub async fn root(
    st: State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    q: Query<HomeQuery>,
    session: tower_sessions::Session,
) -> Result<Response, AppError> {
    if v.user.is_none() {
        return Ok(home(st, v, headers, q).await?.into_response());
    }
    Ok(crate::pages::dashboard::show(st, v, session)
        .await?
        .into_response())
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    trang: Option<i64>,
}

#[derive(Template)]
#[template(path = "public/news.html")]
struct NewsPage {
    layout: PublicLayout,
    news: Vec<Article>,
    page: i64,
    more: bool,
}

/// News per page of the list.
const NEWS_PAGE: i64 = 12;

pub async fn news(
    State(st): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Result<Html<String>, AppError> {
    let page = q.trang.unwrap_or(1).clamp(1, 1_000);
    let list = app::articles::list(
        &st.app,
        &portal::visitor(&st.app),
        &dondoc_store::ArticleFilter {
            limit: Some(NEWS_PAGE),
            offset: Some((page - 1) * NEWS_PAGE),
            ..Default::default()
        },
    )
    .await?;
    let more = list.total > page * NEWS_PAGE || list.total_capped;
    let path = if page > 1 {
        format!("/tin-tuc?trang={page}")
    } else {
        "/tin-tuc".into()
    };
    let layout = layout(
        &st,
        &v,
        &headers,
        "news",
        &path,
        v.lang.t("portal.news"),
        v.lang.t("portal.description"),
    );
    render(&NewsPage {
        layout,
        news: list.items,
        page,
        more,
    })
}

#[derive(Template)]
#[template(path = "public/article.html")]
struct ArticlePage {
    layout: PublicLayout,
    a: ArticleDetail,
    paragraphs: Vec<String>,
}

/// The number an address starts with (`12-doan-cong-tac…` → 12).
fn leading_id(s: &str) -> Option<Id> {
    let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

pub async fn article(
    State(st): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let id = leading_id(&slug).ok_or(AppError::NotFound)?;
    let a = app::articles::detail(&st.app, &portal::visitor(&st.app), id).await?;
    let path = article_path(&a.article);
    // One address a page: an old or cut title's words lead to today's.
    if format!("/tin-tuc/{slug}") != path {
        return Ok(Redirect::permanent(&path).into_response());
    }
    let mut layout = layout(
        &st,
        &v,
        &headers,
        "news",
        &path,
        a.article.title.clone(),
        a.article.lead.clone(),
    );
    layout.og_type = "article";
    layout.image = a
        .photos
        .first()
        .and_then(|p| {
            p.widths
                .iter()
                .rev()
                .find(|w| **w <= 1200)
                .or(p.widths.first())
                .map(|w| (p.id, *w))
        })
        .map(|(id, w)| format!("{}/anh/{id}/{w}.jpg", layout.origin));
    if let Some(u) = a.article.unit_id {
        layout.feeds.push((
            format!(
                "{} — {}",
                v.lang.t("portal.feed_news"),
                a.unit_name.clone().unwrap_or_default()
            ),
            format!("/don-vi/{u}/rss.xml"),
            "application/rss+xml",
        ));
    }
    let paragraphs = dondoc_domain::article::paragraphs(&a.article.body)
        .into_iter()
        .map(str::to_string)
        .collect();
    Ok(render(&ArticlePage {
        layout,
        a,
        paragraphs,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "public/session.html")]
struct SessionPage {
    layout: PublicLayout,
    s: SessionDetail,
    news: Vec<Article>,
}

pub async fn session(
    State(st): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<Id>,
) -> Result<Html<String>, AppError> {
    let c = portal::visitor(&st.app);
    let s = app::sessions::detail(&st.app, &c, id).await?;
    let news = app::articles::list(
        &st.app,
        &c,
        &dondoc_store::ArticleFilter {
            session_id: Some(id),
            limit: Some(10),
            ..Default::default()
        },
    )
    .await?
    .items;
    let layout = layout(
        &st,
        &v,
        &headers,
        "news",
        &format!("/buoi-lam-viec/{id}"),
        s.session.session.title.clone(),
        s.session.session.summary.clone().unwrap_or_default(),
    );
    render(&SessionPage { layout, s, news })
}

#[derive(Deserialize, Default)]
pub struct PetitionsQuery {
    /// `mo` (open, the default), `xong` (closed) or `tat-ca`.
    #[serde(default)]
    tinh_trang: Option<String>,
    #[serde(default)]
    sau: Option<String>,
    #[serde(default)]
    truoc: Option<String>,
}

#[derive(Template)]
#[template(path = "public/petitions.html")]
struct PetitionsPage {
    layout: PublicLayout,
    items: Vec<PetitionView>,
    state: String,
    next: Option<String>,
    prev: Option<String>,
}

pub async fn petitions(
    State(st): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Query(q): Query<PetitionsQuery>,
) -> Result<Html<String>, AppError> {
    let state = match q.tinh_trang.as_deref() {
        Some("xong") => "xong",
        Some("tat-ca") => "tat-ca",
        _ => "mo",
    };
    let f = PetitionFilter {
        open: match state {
            "mo" => Some(true),
            "xong" => Some(false),
            _ => None,
        },
        after: q.sau.filter(|s| !s.is_empty()),
        before: q.truoc.filter(|s| !s.is_empty()),
        limit: Some(20),
        ..Default::default()
    };
    let page = app::petitions::list(&st.app, &portal::visitor(&st.app), &f).await?;
    let link = |key: &str, at: &Option<String>| {
        at.as_ref().map(|at| {
            let query = serde_urlencoded::to_string([("tinh_trang", state), (key, at.as_str())])
                .unwrap_or_default();
            format!("/kien-nghi?{query}")
        })
    };
    let (next, prev) = (link("sau", &page.after), link("truoc", &page.before));
    let layout = layout(
        &st,
        &v,
        &headers,
        "petitions",
        &format!("/kien-nghi?tinh_trang={state}"),
        v.lang.t("portal.petitions"),
        v.lang.t("portal.petitions_lead"),
    );
    render(&PetitionsPage {
        layout,
        items: page.items,
        state: state.into(),
        next,
        prev,
    })
}

#[derive(Template)]
#[template(path = "public/petition.html")]
struct PetitionPage {
    layout: PublicLayout,
    p: app::petitions::PetitionDetail,
}

pub async fn petition(
    State(st): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<Id>,
) -> Result<Response, AppError> {
    let c = portal::visitor(&st.app);
    // A petition merged into another leads to that one, as the staff's page does.
    let p = match app::petitions::find(&st.app, &c, id).await? {
        app::petitions::Found::MergedInto(into) => {
            return Ok(Redirect::permanent(&format!("/kien-nghi/{into}")).into_response())
        }
        app::petitions::Found::Petition(p) => *p,
    };
    let mut layout = layout(
        &st,
        &v,
        &headers,
        "petitions",
        &format!("/kien-nghi/{id}"),
        p.petition.petition.title.clone(),
        p.petition.petition.text.clone(),
    );
    layout.feeds = vec![
        (
            v.lang.t("portal.feed_petition").to_string(),
            format!("/kien-nghi/{id}/rss.xml"),
            "application/rss+xml",
        ),
        (
            v.lang.t("portal.feed_petition").to_string(),
            format!("/kien-nghi/{id}/atom.xml"),
            "application/atom+xml",
        ),
    ];
    Ok(render(&PetitionPage { layout, p })?.into_response())
}

#[derive(Template)]
#[template(path = "public/directive.html")]
struct DirectivePage {
    layout: PublicLayout,
    d: app::directives::DirectiveDetail,
}

pub async fn directive(
    State(st): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<Id>,
) -> Result<Html<String>, AppError> {
    let d = app::directives::detail(&st.app, &portal::visitor(&st.app), id).await?;
    let layout = layout(
        &st,
        &v,
        &headers,
        "news",
        &format!("/chi-dao/{id}"),
        shorten(&d.directive.directive.text, 90),
        d.directive.directive.text.clone(),
    );
    render(&DirectivePage { layout, d })
}

#[derive(Template)]
#[template(path = "public/unit.html")]
struct UnitPublicPage {
    layout: PublicLayout,
    u: UnitPage,
}

pub async fn unit(
    State(st): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<Id>,
) -> Result<Html<String>, AppError> {
    let u = portal::unit(&st.app, id).await?;
    let mut layout = layout(
        &st,
        &v,
        &headers,
        "",
        &format!("/don-vi/{id}"),
        u.unit.name.clone(),
        u.unit.name.clone(),
    );
    layout.feeds = vec![
        (
            format!("{} — {}", v.lang.t("portal.feed_news"), u.unit.name),
            format!("/don-vi/{id}/rss.xml"),
            "application/rss+xml",
        ),
        (
            format!("{} — {}", v.lang.t("portal.feed_news"), u.unit.name),
            format!("/don-vi/{id}/atom.xml"),
            "application/atom+xml",
        ),
    ];
    render(&UnitPublicPage { layout, u })
}

#[derive(Template)]
#[template(path = "public/target.html")]
struct TargetPage {
    layout: PublicLayout,
    t: TargetDetail,
}

impl TargetPage {
    fn amount(&self, v: &f64) -> String {
        self.layout.lang.amount(*v, &self.t.target.target.measure)
    }
    fn percent(&self, v: &Option<f64>) -> String {
        v.map(|p| format!("{}%", self.layout.lang.number(p, 1)))
            .unwrap_or_default()
    }
}

pub async fn target(
    State(st): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<Id>,
) -> Result<Html<String>, AppError> {
    let t = app::targets::detail(&st.app, &portal::visitor(&st.app), id).await?;
    let layout = layout(
        &st,
        &v,
        &headers,
        "",
        &format!("/chi-tieu/{id}"),
        t.target.target.indicator.clone(),
        t.target.target.indicator.clone(),
    );
    render(&TargetPage { layout, t })
}

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: Option<String>,
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    trang: Option<i64>,
}

/// A piece of a hit's words: marked when it matched.
pub struct Piece {
    pub text: String,
    pub marked: bool,
}

pub struct ShownHit {
    pub hit: Hit,
    pub href: String,
    pub title: Vec<Piece>,
    pub text: Vec<Piece>,
}

#[derive(Template)]
#[template(path = "public/search.html")]
struct SearchPage {
    layout: PublicLayout,
    found: Option<Found>,
    hits: Vec<ShownHit>,
    prev: Option<String>,
    next: Option<String>,
}

/// `text` cut into pieces, the words of `q` marked.
pub fn pieces(text: &str, q: &str) -> Vec<Piece> {
    let mut out = vec![];
    let mut at = 0;
    for r in dondoc_text::marks(text, q) {
        if r.start > at {
            out.push(Piece {
                text: text[at..r.start].to_string(),
                marked: false,
            });
        }
        out.push(Piece {
            text: text[r.clone()].to_string(),
            marked: true,
        });
        at = r.end;
    }
    if at < text.len() {
        out.push(Piece {
            text: text[at..].to_string(),
            marked: false,
        });
    }
    out
}

/// Some 240 characters of `text` around its first match of `q`, on one line.
pub fn snippet(text: &str, q: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let first = dondoc_text::marks(&line, q).first().map_or(0, |r| r.start);
    let before: Vec<char> = line[..first].chars().collect();
    let from = before.len().saturating_sub(80);
    let start: String = before[from..].iter().collect();
    let rest: String = line[first..].chars().take(160).collect();
    let mut out = format!("{start}{rest}");
    if from > 0 {
        out = format!("…{out}");
    }
    if line[first..].chars().count() > 160 {
        out.push('…');
    }
    out
}

pub fn hit_href(h: &Hit) -> String {
    match h.kind {
        portal::HitKind::News => format!("/tin-tuc/{}", h.id),
        portal::HitKind::Session => format!("/buoi-lam-viec/{}", h.id),
        portal::HitKind::Petition => format!("/kien-nghi/{}", h.id),
        portal::HitKind::Directive => format!("/chi-dao/{}", h.id),
    }
}

pub async fn search(
    State(st): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Query(sq): Query<SearchQuery>,
) -> Result<Html<String>, AppError> {
    let q = sq.q.unwrap_or_default();
    let q = q.trim();
    let page = sq.trang.unwrap_or(1).clamp(1, 1_000) as usize;
    let found = if q.is_empty() {
        None
    } else {
        Some(portal::search(&st.app, q, page).await?)
    };
    let hits = found
        .as_ref()
        .map(|f| {
            f.hits
                .iter()
                .map(|h| ShownHit {
                    href: hit_href(h),
                    title: pieces(&shorten(&h.title, 200), q),
                    text: pieces(&snippet(&h.text, q), q),
                    hit: h.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let link = |p: usize| {
        let query = serde_urlencoded::to_string([("q", q.to_string()), ("trang", p.to_string())])
            .unwrap_or_default();
        format!("/tim-kiem?{query}")
    };
    let (prev, next) = match &found {
        Some(f) => (
            (f.page > 1).then(|| link(f.page - 1)),
            (f.page < f.pages).then(|| link(f.page + 1)),
        ),
        None => (None, None),
    };
    let query = serde_urlencoded::to_string([("q", q)]).unwrap_or_default();
    let mut layout = layout(
        &st,
        &v,
        &headers,
        "search",
        &format!("/tim-kiem?{query}"),
        if q.is_empty() {
            v.lang.t("portal.search").to_string()
        } else {
            format!("{} “{q}”", v.lang.t("portal.search"))
        },
        v.lang.t("portal.description"),
    );
    layout.q = q.to_string();
    render(&SearchPage {
        layout,
        found,
        hits,
        prev,
        next,
    })
}

/// `srcset` of a photo: each width it is kept at.
pub fn srcset(p: &dondoc_domain::article::ArticlePhoto) -> String {
    p.widths
        .iter()
        .map(|w| format!("/anh/{}/{w}.jpg {w}w", p.id))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A photo of a published article, at one of the widths it is kept at (`/anh/12/960.jpg`):
/// its bytes never change, so it is cached for a year and answered `304` by its tag.
pub async fn photo(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((id, file)): Path<(Id, String)>,
) -> Result<Response, AppError> {
    use axum::http::{header, HeaderValue, StatusCode};
    let width: i64 = file
        .strip_suffix(".jpg")
        .and_then(|w| w.parse().ok())
        .ok_or(AppError::NotFound)?;
    let bytes = app::photos::file(&st.app, &portal::visitor(&st.app), id, width).await?;
    let etag = format!("\"p{id}-{width}\"");
    let cache = (
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    let tag = HeaderValue::from_str(&etag).map_err(|e| AppError::Internal(e.into()))?;
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, tag), cache]).into_response());
    }
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg")),
            (header::ETAG, tag),
            cache,
        ],
        bytes,
    )
        .into_response())
}
