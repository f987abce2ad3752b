//! The public site's news: an editor drafts an article from a session (its records and, when
//! it was read from a report, the report's words), edits it and sends it for sign-off; a
//! leader publishes it, returns it, or takes it down. What a visitor sees of it passes the
//! one visibility rule (`store/src/visible.rs`), so a session taken off the public site takes
//! its news with it from every page, search, feed and sitemap at once.

use dondoc_domain::article::paragraphs;
use dondoc_domain::input::ArticleInput;
use dondoc_domain::{Action, Article, ArticleAction, ArticleStatus, FieldCode, Id, Invalid};
use dondoc_store::{ArticleFilter, Page};

use crate::sessions::SessionDetail;
use crate::{App, Caller, Error, Result};

pub async fn list(app: &App, c: &Caller, f: &ArticleFilter) -> Result<Page<Article>> {
    Ok(app.store.articles(f, c.visibility()).await?)
}

pub async fn get(app: &App, c: &Caller, id: Id) -> Result<Article> {
    Ok(app.store.article(id, c.visibility()).await?)
}

/// An article with the session it reports and what was decided there, as the caller may see
/// them: the petitions raised and the directives given, each with its state today.
pub struct ArticleDetail {
    pub article: Article,
    pub session: Option<SessionDetail>,
    /// The unit it is about, by name.
    pub unit_name: Option<String>,
    pub photos: Vec<dondoc_domain::article::ArticlePhoto>,
}

pub async fn detail(app: &App, c: &Caller, id: Id) -> Result<ArticleDetail> {
    let article = get(app, c, id).await?;
    let session = match article.session_id {
        Some(s) => match crate::sessions::detail(app, c, s).await {
            Ok(d) => Some(d),
            Err(Error::NotFound) => None,
            Err(e) => return Err(e),
        },
        None => None,
    };
    let unit_name = match article.unit_id {
        Some(u) => Some(app.store.unit(u).await?.name),
        None => None,
    };
    let photos = app.store.article_photos(id).await?;
    Ok(ArticleDetail {
        article,
        session,
        unit_name,
        photos,
    })
}

/// A new article's words, drafted from a session the caller may see: its title, a lead
/// saying who met whom and when, and for a body the report it was read from (or its summary,
/// the figures, the petitions and the conclusions, one paragraph each).
pub async fn draft_from_session(app: &App, c: &Caller, session_id: Id) -> Result<ArticleInput> {
    c.require(Action::EditArticle)?;
    let d = crate::sessions::detail(app, c, session_id).await?;
    let s = &d.session.session;
    let date = format!("{}/{}/{}", s.date.day(), s.date.month(), s.date.year());
    let host = &d.session.host_name;
    let lead = match (&s.delegation_name, &d.session.lead_name) {
        (Some(del), Some(lead)) => {
            format!("Ngày {date}, {del} do {lead} dẫn đầu đã có buổi làm việc với {host}.")
        }
        (Some(del), None) => format!("Ngày {date}, {del} đã có buổi làm việc với {host}."),
        (None, Some(lead)) => format!("Ngày {date}, {lead} đã có buổi làm việc với {host}."),
        (None, None) => format!("Ngày {date}, buổi làm việc tại {host}."),
    };
    let report = s.source_text.as_deref().filter(|t| !t.trim().is_empty());
    let (lead, body, author, note) = match report {
        Some(report) => {
            let r = from_report(report, &s.title);
            (r.lead.unwrap_or(lead), r.body, r.author, r.note)
        }
        None => (lead, records_body(&d), None, None),
    };
    Ok(ArticleInput {
        session_id: Some(session_id),
        unit_id: Some(s.host_unit_id),
        title: Some(s.title.clone()),
        lead: Some(lead),
        body: Some(body),
        author,
        note,
        version: None,
    })
}

/// A news report's parts, as the reader finds them: its first paragraph for the lead, the
/// rest for the body, without the page's furniture, its title, photo captions and byline;
/// the byline as the author; the captions in the newsroom's note, to find the photos by.
struct FromReport {
    lead: Option<String>,
    body: String,
    author: Option<String>,
    note: Option<String>,
}

fn from_report(report: &str, title: &str) -> FromReport {
    let text = dondoc_extract::normalize(report);
    let found = dondoc_extract::extract(&text);
    let folded_title = dondoc_text::fold(title);
    let captions: Vec<String> = found
        .captions
        .iter()
        .map(|c| dondoc_text::fold(c))
        .collect();
    let author = found.author.clone();
    let mut paragraphs: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .filter(|l| !dondoc_extract::is_furniture(l))
        .filter(|l| {
            let f = dondoc_text::fold(l);
            f != folded_title && !captions.contains(&f)
        })
        .filter(|l| author.as_deref() != Some(*l))
        .collect();
    // Furniture may run on after the byline (a sidebar's words): the body ends at the byline.
    if let Some(a) = &author {
        if let Some(at) = text.lines().map(str::trim).position(|l| l == a) {
            let kept_before: Vec<&str> = text.lines().take(at).map(str::trim).collect();
            paragraphs.retain(|p| kept_before.contains(p));
        }
    }
    let lead = (!paragraphs.is_empty()).then(|| paragraphs.remove(0).to_string());
    let note = (!found.captions.is_empty()).then(|| {
        let list: Vec<String> = found.captions.iter().map(|c| format!("– {c}")).collect();
        format!("Ảnh trong bài gốc:\n{}", list.join("\n"))
    });
    FromReport {
        lead,
        body: paragraphs.join("\n\n"),
        author,
        note,
    }
}

/// A body written from the records of a session that has no report.
fn records_body(d: &SessionDetail) -> String {
    let mut out = vec![];
    if let Some(summary) = d.session.session.summary.as_deref() {
        out.push(summary.trim().to_string());
    }
    for f in &d.figures {
        out.push(format!(
            "{}: {} {}",
            f.indicator, f.measurement.value, f.measure
        ));
    }
    if !d.petitions.is_empty() {
        let list: Vec<String> = d
            .petitions
            .iter()
            .map(|p| format!("– {}", p.petition.title))
            .collect();
        out.push(format!("Cử tri kiến nghị:\n{}", list.join("\n")));
    }
    if !d.directives.is_empty() {
        let list: Vec<String> = d
            .directives
            .iter()
            .map(|x| format!("– {}", x.directive.text))
            .collect();
        out.push(format!("Kết luận buổi làm việc:\n{}", list.join("\n")));
    }
    out.join("\n\n")
}

/// Checks the session an article reports: one the caller may see.
async fn check_session(app: &App, c: &Caller, session_id: Option<Id>) -> Result<()> {
    if let Some(s) = session_id {
        match crate::sessions::get(app, c, s).await {
            Ok(_) => {}
            Err(Error::NotFound) => {
                return Err(Invalid::one("session_id", FieldCode::UnknownReference).into())
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

pub async fn create(app: &App, c: &Caller, raw: &ArticleInput) -> Result<Article> {
    c.require(Action::EditArticle)?;
    let new = raw.parse()?;
    check_session(app, c, new.session_id).await?;
    Ok(app.store.create_article(c.who(), &new).await?)
}

/// Rewrites an article. An editor may not change one that is public: a leader takes it
/// down first (or edits it).
pub async fn update(app: &App, c: &Caller, id: Id, raw: &ArticleInput) -> Result<Article> {
    c.require(Action::EditArticle)?;
    let new = raw.parse()?;
    let version = crate::version(raw.version)?;
    let now = get(app, c, id).await?;
    if !now.status.editable_by_editor() && !c.can(Action::PublishArticle) {
        return Err(Error::Forbidden);
    }
    check_session(app, c, new.session_id).await?;
    Ok(app.store.update_article(c.who(), id, version, &new).await?)
}

/// Sends an article for sign-off, or (leaders) publishes, returns or takes it down. An
/// article about a session that is not public cannot be published: it would show nowhere.
pub async fn act(
    app: &App,
    c: &Caller,
    id: Id,
    version: Option<i64>,
    action: ArticleAction,
) -> Result<Article> {
    c.require(if action.signs_off() {
        Action::PublishArticle
    } else {
        Action::EditArticle
    })?;
    let version = crate::version(version)?;
    let now = get(app, c, id).await?;
    let to = now.status.after(action).ok_or(Error::Transition)?;
    if to == ArticleStatus::Published {
        if let Some(s) = now.session_id {
            if !crate::sessions::get(app, c, s).await?.session.published {
                return Err(Invalid::one("session_id", FieldCode::Unpublished).into());
            }
        }
    }
    Ok(app
        .store
        .move_article(c.who(), id, version, now.status, to, action.as_str())
        .await?)
}

/// The first paragraphs of a body that fit `chars` characters (feeds' descriptions).
pub fn excerpt(body: &str, chars: usize) -> String {
    let mut out = String::new();
    for p in paragraphs(body) {
        if !out.is_empty() && out.chars().count() + p.chars().count() > chars {
            break;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(p);
    }
    out
}
