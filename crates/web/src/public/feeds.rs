//! Feeds and discovery for the public site: RSS 2.0 and Atom for the news (all of it, or a
//! unit's and those below it) and for a petition's updates; the sitemap (an index, and files
//! of at most 50,000 addresses read by id ranges); `robots.txt`; the icon. Everything passes
//! the visibility rule as a visitor, so what is taken off the site leaves its feeds and
//! sitemap at once.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use dondoc_app::portal::{self, SITEMAP_PART};
use dondoc_app::{self as app};
use dondoc_domain::{Article, Id};
use dondoc_store::Listed;
use jiff::civil::Date;
use jiff::Timestamp;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::AppState;

fn esc(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}

fn xml(content_type: &'static str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
        ],
        body,
    )
        .into_response()
}

/// One entry of a feed.
struct Entry {
    title: String,
    link: String,
    id: String,
    at: Timestamp,
    summary: String,
}

/// A feed, drawn as RSS 2.0 or Atom.
struct Feed {
    title: String,
    /// The page the feed follows (absolute).
    link: String,
    /// The feed's own address (absolute).
    me: String,
    description: String,
    lang: Lang,
    entries: Vec<Entry>,
}

impl Feed {
    fn updated(&self) -> Timestamp {
        self.entries
            .iter()
            .map(|e| e.at)
            .max()
            .unwrap_or(Timestamp::UNIX_EPOCH)
    }

    fn rss(&self) -> Response {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\"><channel>");
        out.push_str(&format!(
            "<title>{}</title><link>{}</link><description>{}</description><language>{}</language><atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/><lastBuildDate>{}</lastBuildDate>",
            esc(&self.title),
            esc(&self.link),
            esc(&self.description),
            self.lang.code(),
            esc(&self.me),
            rfc2822(self.updated()),
        ));
        for e in &self.entries {
            out.push_str(&format!(
                "<item><title>{}</title><link>{}</link><guid isPermaLink=\"false\">{}</guid><pubDate>{}</pubDate><description>{}</description></item>",
                esc(&e.title),
                esc(&e.link),
                esc(&e.id),
                rfc2822(e.at),
                esc(&e.summary),
            ));
        }
        out.push_str("</channel></rss>\n");
        xml("application/rss+xml; charset=utf-8", out)
    }

    fn atom(&self) -> Response {
        let mut out = String::from(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"",
        );
        out.push_str(&format!(
            " xml:lang=\"{}\"><title>{}</title><subtitle>{}</subtitle><link href=\"{}\"/><link rel=\"self\" href=\"{}\"/><id>{}</id><updated>{}</updated>",
            self.lang.code(),
            esc(&self.title),
            esc(&self.description),
            esc(&self.link),
            esc(&self.me),
            esc(&self.me),
            rfc3339(self.updated()),
        ));
        for e in &self.entries {
            out.push_str(&format!(
                "<entry><title>{}</title><link href=\"{}\"/><id>{}</id><updated>{}</updated><author><name>{}</name></author><summary>{}</summary></entry>",
                esc(&e.title),
                esc(&e.link),
                esc(&e.id),
                rfc3339(e.at),
                esc(self.lang.t("portal.name")),
                esc(&e.summary),
            ));
        }
        out.push_str("</feed>\n");
        xml("application/atom+xml; charset=utf-8", out)
    }
}

fn rfc2822(t: Timestamp) -> String {
    jiff::fmt::rfc2822::to_string(&t.to_zoned(app::vietnam()))
        .unwrap_or_else(|_| "Thu, 01 Jan 1970 00:00:00 +0000".into())
}

fn rfc3339(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Noon in Vietnam on `d`: the instant a feed gives a day's event.
fn noon(d: Date) -> Timestamp {
    d.at(12, 0, 0, 0)
        .to_zoned(app::vietnam())
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::UNIX_EPOCH)
}

fn news_entries(origin: &str, news: &[Article]) -> Vec<Entry> {
    news.iter()
        .map(|a| {
            let link = format!("{origin}{}", super::article_path(a));
            Entry {
                title: a.title.clone(),
                id: format!("{origin}/tin-tuc/{}", a.id),
                link,
                at: a.published_at.unwrap_or(a.updated_at),
                summary: a.lead.clone(),
            }
        })
        .collect()
}

async fn news_feed(
    st: &AppState,
    v: &Viewer,
    headers: &HeaderMap,
    unit: Option<Id>,
    me: &str,
) -> Result<Feed, AppError> {
    let origin = crate::pages::origin(st, headers);
    let (unit, news) = portal::feed_news(&st.app, unit).await?;
    let (title, link) = match &unit {
        Some(u) => (
            format!("{} — {}", v.lang.t("portal.feed_news"), u.name),
            format!("{origin}/don-vi/{}", u.id),
        ),
        None => (
            format!(
                "{} — {}",
                v.lang.t("portal.feed_news"),
                v.lang.t("portal.name")
            ),
            format!("{origin}/tin-tuc"),
        ),
    };
    Ok(Feed {
        title,
        link,
        me: format!("{origin}{me}"),
        description: v.lang.t("portal.description").into(),
        lang: v.lang,
        entries: news_entries(&origin, &news),
    })
}

pub async fn news_rss(
    State(st): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    Ok(news_feed(&st, &v, &headers, None, "/tin-tuc/rss.xml")
        .await?
        .rss())
}

pub async fn news_atom(
    State(st): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    Ok(news_feed(&st, &v, &headers, None, "/tin-tuc/atom.xml")
        .await?
        .atom())
}

pub async fn unit_rss(
    State(st): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<Id>,
) -> Result<Response, AppError> {
    let me = format!("/don-vi/{id}/rss.xml");
    Ok(news_feed(&st, &v, &headers, Some(id), &me).await?.rss())
}

pub async fn unit_atom(
    State(st): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<Id>,
) -> Result<Response, AppError> {
    let me = format!("/don-vi/{id}/atom.xml");
    Ok(news_feed(&st, &v, &headers, Some(id), &me).await?.atom())
}

/// A petition's updates: each raising a visitor may see, its answer, its state now.
async fn petition_feed(
    st: &AppState,
    v: &Viewer,
    headers: &HeaderMap,
    id: Id,
    me: &str,
) -> Result<Feed, AppError> {
    let origin = crate::pages::origin(st, headers);
    let p = match app::petitions::find(&st.app, &portal::visitor(&st.app), id).await? {
        app::petitions::Found::Petition(p) => p,
        app::petitions::Found::MergedInto(_) => return Err(AppError::NotFound),
    };
    let page = format!("{origin}/kien-nghi/{id}");
    let lang = v.lang;
    let mut entries: Vec<Entry> = p
        .raisings
        .iter()
        .map(|(r, session)| Entry {
            title: match session {
                Some(s) => format!("{} {s}", lang.t("portal.raised_at")),
                None => lang.t("portal.raised").to_string(),
            },
            link: page.clone(),
            id: format!("{page}#raising-{}", r.id),
            at: noon(r.date),
            summary: p.petition.petition.title.clone(),
        })
        .collect();
    if let (Some(answer), Some(on)) = (&p.petition.petition.answer, p.petition.petition.answered_on)
    {
        entries.push(Entry {
            title: lang.t("portal.answered").to_string(),
            link: page.clone(),
            id: format!("{page}#answer"),
            at: noon(on),
            summary: answer.clone(),
        });
    }
    entries.sort_by_key(|e| std::cmp::Reverse(e.at));
    Ok(Feed {
        title: p.petition.petition.title.clone(),
        link: page,
        me: format!("{origin}{me}"),
        description: format!(
            "{}: {}",
            lang.t("portal.now"),
            lang.t(&format!("ps.{}", p.petition.petition.status.as_str()))
        ),
        lang,
        entries,
    })
}

pub async fn petition_rss(
    State(st): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<Id>,
) -> Result<Response, AppError> {
    let me = format!("/kien-nghi/{id}/rss.xml");
    Ok(petition_feed(&st, &v, &headers, id, &me).await?.rss())
}

pub async fn petition_atom(
    State(st): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<Id>,
) -> Result<Response, AppError> {
    let me = format!("/kien-nghi/{id}/atom.xml");
    Ok(petition_feed(&st, &v, &headers, id, &me).await?.atom())
}

fn listed_name(kind: Listed) -> &'static str {
    match kind {
        Listed::News => "tin-tuc",
        Listed::Sessions => "buoi-lam-viec",
        Listed::Petitions => "kien-nghi",
        Listed::Directives => "chi-dao",
    }
}

/// `/sitemap.xml`: the index of the sitemap's files, one per kind and range of ids.
pub async fn sitemap(State(st): State<AppState>, headers: HeaderMap) -> Result<Response, AppError> {
    let origin = crate::pages::origin(&st, &headers);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">");
    out.push_str(&format!(
        "<sitemap><loc>{origin}/sitemap/trang.xml</loc></sitemap>"
    ));
    for (kind, parts) in portal::sitemap_parts(&st.app).await? {
        for n in 0..parts {
            out.push_str(&format!(
                "<sitemap><loc>{origin}/sitemap/{}-{n}.xml</loc></sitemap>",
                listed_name(kind)
            ));
        }
    }
    out.push_str("</sitemapindex>\n");
    Ok(xml("application/xml; charset=utf-8", out))
}

/// `/sitemap/{part}.xml`: the fixed pages (`trang`), or a kind's range of ids (`kien-nghi-3`).
pub async fn sitemap_part(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let origin = crate::pages::origin(&st, &headers);
    let name = file.strip_suffix(".xml").ok_or(AppError::NotFound)?;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">");
    let mut url =
        |path: &str| out.push_str(&format!("<url><loc>{origin}{}</loc></url>", esc(path)));
    if name == "trang" {
        for path in ["/", "/tin-tuc", "/kien-nghi", "/tim-kiem"] {
            url(path);
        }
    } else {
        let (kind, n) = name.rsplit_once('-').ok_or(AppError::NotFound)?;
        let n: i64 = n.parse().map_err(|_| AppError::NotFound)?;
        let kind = [
            Listed::News,
            Listed::Sessions,
            Listed::Petitions,
            Listed::Directives,
        ]
        .into_iter()
        .find(|k| listed_name(*k) == kind)
        .ok_or(AppError::NotFound)?;
        let ids = portal::sitemap_part(&st.app, kind, n).await?;
        debug_assert!(ids.len() as i64 <= SITEMAP_PART);
        for id in ids {
            // News is listed by id; its page sends on to the address with its words.
            url(&format!("/{}/{id}", listed_name(kind)));
        }
    }
    out.push_str("</urlset>\n");
    Ok(xml("application/xml; charset=utf-8", out))
}

/// What crawlers may read: the public site, not the staff's pages, forms or API.
pub async fn robots(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let origin = crate::pages::origin(&st, &headers);
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /api/\nDisallow: /login\nDisallow: /lang/\nDisallow: /pick/\nDisallow: /calendar/\n\
Disallow: /sessions\nDisallow: /petitions\nDisallow: /directives\nDisallow: /targets\nDisallow: /units\nDisallow: /people\n\
Disallow: /documents\nDisallow: /users\nDisallow: /imports\nDisallow: /inbox\nDisallow: /stats\nDisallow: /notices\nDisallow: /profile\n\
Disallow: /password/\n\nSitemap: {origin}/sitemap.xml\n"
    );
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}

const ICON: &str = include_str!("../../assets/favicon.svg");

pub async fn favicon_svg(headers: HeaderMap) -> Response {
    crate::routes::asset(&headers, "image/svg+xml", ICON)
}

/// Browsers ask for `/favicon.ico` whatever the page says: they are sent to the SVG.
pub async fn favicon_ico() -> Response {
    axum::response::Redirect::permanent("/favicon.svg").into_response()
}
