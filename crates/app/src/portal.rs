//! What the public site shows: always as an anonymous visitor sees it, whoever asks (a
//! signed-in officer reading the portal sees what residents see), so every record passes the
//! one visibility rule and nothing internal (drafts, newsroom notes, unpublished sessions)
//! can reach a public page, search, feed or sitemap.
//!
//! Units are public bodies: their names and tree are shown (who answers a petition, who leads
//! a directive). People, documents, users and history stay internal.

use dondoc_domain::{Article, Id, Unit};
use dondoc_store::{
    ArticleFilter, DirectiveFilter, DirectiveView, Listed, PetitionFilter, PetitionView,
    SessionFilter, SessionView,
};
use jiff::civil::Date;

use crate::{App, Caller, Result};

/// The caller every public page reads as.
pub fn visitor(app: &App) -> Caller {
    Caller::anonymous(app.today())
}

/// The home page: the latest news, the open petitions of the reader's ward (or of all), the
/// deadlines of published directives coming up.
pub struct Home {
    pub news: Vec<Article>,
    pub ward: Option<Unit>,
    pub petitions: Vec<PetitionView>,
    pub deadlines: Vec<DirectiveView>,
}

/// The home page: the latest news, the open petitions (of the visitor's ward, when one is
/// chosen) and the deadlines to come. Its lists show no totals, so none is counted.
pub async fn home(app: &App, ward: Option<Id>) -> Result<Home> {
    let c = visitor(app);
    let news = crate::articles::list(
        app,
        &c,
        &ArticleFilter {
            limit: Some(6),
            uncounted: true,
            ..Default::default()
        },
    )
    .await?
    .items;
    // A ward chosen once and gone since (or never one) is simply not shown.
    let ward = match ward {
        Some(id) => match app.store.unit(id).await {
            Ok(u) if u.kind == dondoc_domain::UnitKind::Ward => Some(u),
            Ok(_) | Err(dondoc_store::StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let petitions = crate::petitions::list(
        app,
        &c,
        &PetitionFilter {
            open: Some(true),
            area_unit_id: ward.as_ref().map(|w| w.id),
            subtree: ward.as_ref().map(|_| true),
            limit: Some(8),
            uncounted: true,
            ..Default::default()
        },
    )
    .await?
    .items;
    let deadlines = crate::directives::list(
        app,
        &c,
        &DirectiveFilter {
            due: Some("upcoming".into()),
            limit: Some(8),
            uncounted: true,
            ..Default::default()
        },
    )
    .await?
    .items;
    Ok(Home {
        news,
        ward,
        petitions,
        deadlines,
    })
}

/// Wards and communes whose name holds `q` (the home page's "your ward"), at most 20.
pub async fn wards(app: &App, q: &str) -> Result<Vec<Unit>> {
    let f = dondoc_store::UnitFilter {
        q: Some(q.to_string()),
        limit: Some(20),
        living_of_kind: Some(dondoc_domain::UnitKind::Ward),
        ..Default::default()
    };
    Ok(app.store.units_page(&f).await?.items)
}

/// A unit's public page: where it stands in the tree, its news, its published sessions, the
/// open petitions it answers or that come from it, the published directives it leads.
pub struct UnitPage {
    pub unit: Unit,
    pub parent: Option<Unit>,
    pub children: Vec<Unit>,
    pub news: Vec<Article>,
    pub sessions: Vec<SessionView>,
    pub petitions: Vec<PetitionView>,
    pub directives: Vec<DirectiveView>,
}

/// A unit's public page ([`UnitPage`]); its lists show no totals, so none is counted.
pub async fn unit(app: &App, id: Id) -> Result<UnitPage> {
    let c = visitor(app);
    let unit = app.store.unit(id).await?;
    let parent = match unit.parent_id {
        Some(p) => Some(app.store.unit(p).await?),
        None => None,
    };
    let children = app
        .store
        .units_page(&dondoc_store::UnitFilter {
            parent_id: Some(id),
            limit: Some(200),
            ..Default::default()
        })
        .await?
        .items;
    let scope = app.store.unit_scope(id).await?;
    let news = crate::articles::list(
        app,
        &c,
        &ArticleFilter {
            units: Some(scope),
            limit: Some(10),
            uncounted: true,
            ..Default::default()
        },
    )
    .await?
    .items;
    let sessions = crate::sessions::list(
        app,
        &c,
        &SessionFilter {
            host_unit_id: Some(id),
            limit: Some(10),
            uncounted: true,
            ..Default::default()
        },
    )
    .await?
    .items;
    let petitions = crate::petitions::list(
        app,
        &c,
        &PetitionFilter {
            open: Some(true),
            responsible_unit_id: Some(id),
            subtree: Some(true),
            limit: Some(20),
            uncounted: true,
            ..Default::default()
        },
    )
    .await?
    .items;
    let directives = crate::directives::list(
        app,
        &c,
        &DirectiveFilter {
            lead_unit_id: Some(id),
            subtree: Some(true),
            limit: Some(20),
            uncounted: true,
            ..Default::default()
        },
    )
    .await?
    .items;
    Ok(UnitPage {
        unit,
        parent,
        children,
        news,
        sessions,
        petitions,
        directives,
    })
}

/// What a search found: a record of some kind, with the day that places it in time.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub kind: HitKind,
    pub id: Id,
    pub title: String,
    /// The words shown under the title, where the query's words are marked.
    pub text: String,
    pub date: Option<Date>,
    /// Whether every word of the query is in the title (such hits rank first).
    pub in_title: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum HitKind {
    News,
    Session,
    Petition,
    Directive,
}

impl HitKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HitKind::News => "news",
            HitKind::Session => "session",
            HitKind::Petition => "petition",
            HitKind::Directive => "directive",
        }
    }
}

/// A search's results: one page of them, and how many there are (at most
/// [`SEARCH_DEPTH`] of each kind are ranked).
pub struct Found {
    pub hits: Vec<Hit>,
    pub total: usize,
    pub page: usize,
    pub pages: usize,
}

/// How many of each kind's newest matches a search ranks.
pub const SEARCH_DEPTH: i64 = 50;
/// Results a page.
pub const SEARCH_PAGE: usize = 10;

/// Searches news, sessions, petitions and directives as the public sees them. The words
/// are matched folded (without diacritics, either tone-mark style; `%` and `_` match only
/// themselves, being no word), each kind's newest matches read through its list's index,
/// and ranked: every word in the title first, then the most recent.
pub async fn search(app: &App, q: &str, page: usize) -> Result<Found> {
    let c = visitor(app);
    let q = q.trim();
    if dondoc_text::fold(q).is_empty() {
        return Ok(Found {
            hits: vec![],
            total: 0,
            page: 1,
            pages: 0,
        });
    }
    let query = Some(q.to_string());
    let limit = Some(SEARCH_DEPTH);
    let words: Vec<String> = dondoc_text::fold(q)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let in_title = |title: &str| {
        let t = dondoc_text::fold(title);
        words.iter().all(|w| t.contains(w.as_str()))
    };
    let (nf, sf, pf, df) = (
        ArticleFilter {
            q: query.clone(),
            limit,
            uncounted: true,
            ..Default::default()
        },
        SessionFilter {
            q: query.clone(),
            limit,
            uncounted: true,
            ..Default::default()
        },
        PetitionFilter {
            q: query.clone(),
            limit,
            uncounted: true,
            ..Default::default()
        },
        DirectiveFilter {
            q: query.clone(),
            limit,
            uncounted: true,
            ..Default::default()
        },
    );
    let (news, sessions, petitions, directives) = tokio::try_join!(
        crate::articles::list(app, &c, &nf),
        crate::sessions::list(app, &c, &sf),
        crate::petitions::list(app, &c, &pf),
        crate::directives::list(app, &c, &df),
    )?;
    let vietnam = crate::vietnam();
    let mut hits: Vec<Hit> = vec![];
    hits.extend(news.items.into_iter().map(|a| Hit {
        kind: HitKind::News,
        id: a.id,
        in_title: in_title(&a.title),
        date: a.published_at.map(|t| t.to_zoned(vietnam.clone()).date()),
        text: format!("{}\n{}", a.lead, a.body),
        title: a.title,
    }));
    hits.extend(sessions.items.into_iter().map(|s| Hit {
        kind: HitKind::Session,
        id: s.session.id,
        in_title: in_title(&s.session.title),
        date: Some(s.session.date),
        text: s.session.summary.clone().unwrap_or_default(),
        title: s.session.title,
    }));
    hits.extend(petitions.items.into_iter().map(|p| Hit {
        kind: HitKind::Petition,
        id: p.petition.id,
        in_title: in_title(&p.petition.title),
        date: p.first_raised_on,
        text: p.petition.text,
        title: p.petition.title,
    }));
    hits.extend(directives.items.into_iter().map(|d| Hit {
        kind: HitKind::Directive,
        id: d.directive.id,
        // A directive's words are its title.
        in_title: true,
        date: d.directive.deadline,
        title: d.directive.text.clone(),
        text: d.session_title.clone().unwrap_or_default(),
    }));
    hits.sort_by(|a, b| {
        b.in_title
            .cmp(&a.in_title)
            .then(b.date.cmp(&a.date))
            .then(a.kind.cmp(&b.kind))
            .then(b.id.cmp(&a.id))
    });
    let total = hits.len();
    let pages = total.div_ceil(SEARCH_PAGE);
    let page = page.clamp(1, pages.max(1));
    let hits = hits
        .into_iter()
        .skip((page - 1) * SEARCH_PAGE)
        .take(SEARCH_PAGE)
        .collect();
    Ok(Found {
        hits,
        total,
        page,
        pages,
    })
}

/// Addresses a sitemap file lists at most (the protocol's limit).
pub const SITEMAP_PART: i64 = 50_000;

/// The parts of the sitemap: for each kind, how many files of [`SITEMAP_PART`] ids.
pub async fn sitemap_parts(app: &App) -> Result<Vec<(Listed, i64)>> {
    let mut out = vec![];
    for kind in [
        Listed::News,
        Listed::Sessions,
        Listed::Petitions,
        Listed::Directives,
    ] {
        let max = app.store.max_id(kind).await?;
        out.push((kind, (max + SITEMAP_PART - 1) / SITEMAP_PART));
    }
    Ok(out)
}

/// The ids of part `n` (from 0) of a kind's sitemap that a visitor may see.
pub async fn sitemap_part(app: &App, kind: Listed, n: i64) -> Result<Vec<Id>> {
    if !(0..100_000).contains(&n) {
        return Err(crate::Error::NotFound);
    }
    let from = n * SITEMAP_PART;
    Ok(app
        .store
        .public_ids(kind, from, from + SITEMAP_PART)
        .await?)
}

/// The news a feed carries: the latest published, of a unit and those below it, or of all.
pub async fn feed_news(app: &App, unit: Option<Id>) -> Result<(Option<Unit>, Vec<Article>)> {
    let c = visitor(app);
    let (unit, units) = match unit {
        Some(id) => (
            Some(app.store.unit(id).await?),
            Some(app.store.unit_scope(id).await?),
        ),
        None => (None, None),
    };
    let news = crate::articles::list(
        app,
        &c,
        &ArticleFilter {
            units,
            limit: Some(30),
            ..Default::default()
        },
    )
    .await?
    .items;
    Ok((unit, news))
}
