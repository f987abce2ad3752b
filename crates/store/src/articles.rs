//! The public site's news articles: written and moved through their publication in one
//! transaction each, with the audit event; read through the visibility rule of
//! [`crate::visible::article`].

use dondoc_domain::article::{ArticlePhoto, NewArticle};
use dondoc_domain::{Article, ArticleStatus, Id, Visibility};
use serde::Deserialize;

use crate::sql::{key, now_ms, page, ts, updated, Arg, Tx, Where};
use crate::{audit, visible, Page, Result, Store, StoreError, Who};

/// Which articles a list shows.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ArticleFilter {
    pub q: Option<String>,
    #[serde(default, deserialize_with = "crate::articles::opt_status")]
    pub status: Option<ArticleStatus>,
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    pub session_id: Option<Id>,
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    pub limit: Option<i64>,
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    pub offset: Option<i64>,
    /// About one of these units (a unit and those below it; set by a use case).
    #[serde(skip)]
    pub units: Option<Vec<Id>>,
    /// A page without its count (a search that ranks the first rows and shows no total).
    #[serde(skip)]
    pub uncounted: bool,
}

fn opt_status<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<ArticleStatus>, D::Error> {
    let s = Option::<String>::deserialize(d)?;
    match s.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => ArticleStatus::parse(s)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom("unknown status")),
    }
}

const SELECT: &str =
    "select a.id, a.session_id, a.unit_id, a.title, a.lead, a.body, a.author, a.note, a.status,
    a.published_at, a.updated_at, a.version from articles a";

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    session_id: Option<i64>,
    unit_id: Option<i64>,
    title: String,
    lead: String,
    body: String,
    author: Option<String>,
    note: Option<String>,
    status: String,
    published_at: Option<i64>,
    updated_at: i64,
    version: i64,
}

impl TryFrom<Row> for Article {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        Ok(Article {
            id: r.id,
            session_id: r.session_id,
            unit_id: r.unit_id,
            title: r.title,
            lead: r.lead,
            body: r.body,
            author: r.author,
            note: r.note,
            status: ArticleStatus::parse(&r.status)
                .ok_or_else(|| StoreError::Corrupt(format!("article status {:?}", r.status)))?,
            published_at: r.published_at.map(ts),
            updated_at: ts(r.updated_at),
            version: r.version,
        })
    }
}

async fn article_in(tx: &mut Tx<'_>, id: Id) -> Result<Article> {
    let r: Option<Row> = sqlx::query_as(&format!("{SELECT} where a.id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    r.ok_or(StoreError::NotFound)?.try_into()
}

/// The folded words searches read: the title, and the title with the lead and body.
fn keys(new: &NewArticle) -> (String, String) {
    let title = key(&new.title);
    let text = key(&format!("{}\n{}\n{}", new.title, new.lead, new.body));
    (title, text)
}

impl Store {
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn articles(&self, f: &ArticleFilter, vis: &Visibility) -> Result<Page<Article>> {
        let store = self.reading(vis);
        let mut w = Where::new();
        if !self
            .search_words(&mut w, crate::words::ARTICLES, "a", f.q.as_deref())
            .await?
        {
            return Ok(Page::empty(f.limit, f.offset));
        }
        w.uncounted = f.uncounted;
        if let Some(s) = f.status {
            w.and("a.status = ?", [Arg::S(s.as_str().into())]);
        }
        if let Some(s) = f.session_id {
            w.and("a.session_id = ?", [Arg::I(s)]);
        }
        if let Some(units) = &f.units {
            if units.is_empty() {
                w.and("1 = 0", []);
            } else {
                w.and(
                    &format!("a.unit_id in ({})", crate::sql::id_list(units)),
                    [],
                );
            }
        }
        if let Some(cond) = visible::article(vis, "a") {
            w.and(&cond, []);
        }
        // The public read newest news first; the newsroom, what was touched last.
        let order = if vis.is_staff() {
            "a.updated_at desc, a.id desc"
        } else {
            "a.published_at desc, a.id desc"
        };
        page::<Row>(&store, SELECT, "articles a", &w, order, f.limit, f.offset)
            .await?
            .try_map(Article::try_from)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn article(&self, id: Id, vis: &Visibility) -> Result<Article> {
        let store = self.reading(vis);
        let r: Option<Row> = sqlx::query_as(&format!(
            "{SELECT} where a.id = $1{}",
            visible::and(visible::article(vis, "a"))
        ))
        .bind(id)
        .fetch_optional(&store.pool)
        .await?;
        r.ok_or(StoreError::NotFound)?.try_into()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn create_article(&self, who: Who, new: &NewArticle) -> Result<Article> {
        let mut tx = self.begin().await?;
        crate::sql::ensure_exists(&mut tx, "sessions", new.session_id, "session_id").await?;
        crate::sql::ensure_exists(&mut tx, "units", new.unit_id, "unit_id").await?;
        let (title_key, text_key) = keys(new);
        let now = now_ms();
        let id: i64 = sqlx::query_scalar(
            "insert into articles (session_id, unit_id, title, title_key, lead, body, text_key, author, note, status,
             published_at, updated_at, created_by, version, created_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, null, $11, $12, 1, $11) returning id",
        )
        .bind(new.session_id)
        .bind(new.unit_id)
        .bind(&new.title)
        .bind(title_key)
        .bind(&new.lead)
        .bind(&new.body)
        .bind(text_key)
        .bind(&new.author)
        .bind(&new.note)
        .bind(ArticleStatus::Draft.as_str())
        .bind(now)
        .bind(who.user_id)
        .fetch_one(&mut *tx)
        .await?;
        let a = article_in(&mut tx, id).await?;
        audit::change(&mut tx, who, "create", None, &a).await?;
        tx.commit().await?;
        Ok(a)
    }

    /// Rewrites an article's words at `version` (a move of its publication changes the
    /// version too, so what the caller checked of the status still holds).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn update_article(
        &self,
        who: Who,
        id: Id,
        version: i64,
        new: &NewArticle,
    ) -> Result<Article> {
        let mut tx = self.begin().await?;
        let before = article_in(&mut tx, id).await?;
        crate::sql::ensure_exists(&mut tx, "sessions", new.session_id, "session_id").await?;
        crate::sql::ensure_exists(&mut tx, "units", new.unit_id, "unit_id").await?;
        let (title_key, text_key) = keys(new);
        let n = sqlx::query(
            "update articles set session_id = $1, unit_id = $2, title = $3, title_key = $4, lead = $5, body = $6,
             text_key = $7, author = $8, note = $9, updated_at = $10, version = version + 1
             where id = $11 and version = $12",
        )
        .bind(new.session_id)
        .bind(new.unit_id)
        .bind(&new.title)
        .bind(title_key)
        .bind(&new.lead)
        .bind(&new.body)
        .bind(text_key)
        .bind(&new.author)
        .bind(&new.note)
        .bind(now_ms())
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        updated(&mut tx, n, "articles", id).await?;
        let after = article_in(&mut tx, id).await?;
        audit::change(&mut tx, who, "update", Some(&before), &after).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Moves an article to `status` from `from` (the status the caller's rule was checked
    /// against); publishing for the first time stamps `published_at`.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn move_article(
        &self,
        who: Who,
        id: Id,
        version: i64,
        from: ArticleStatus,
        to: ArticleStatus,
        action: &str,
    ) -> Result<Article> {
        let mut tx = self.begin().await?;
        let before = article_in(&mut tx, id).await?;
        let now = now_ms();
        let n = sqlx::query(
            "update articles set status = $1, updated_at = $2, version = version + 1,
             published_at = case when $3 = 1 and published_at is null then $2 else published_at end
             where id = $4 and version = $5 and status = $6",
        )
        .bind(to.as_str())
        .bind(now)
        .bind(i64::from(to == ArticleStatus::Published))
        .bind(id)
        .bind(version)
        .bind(from.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        updated(&mut tx, n, "articles", id).await?;
        let after = article_in(&mut tx, id).await?;
        audit::change(&mut tx, who, action, Some(&before), &after).await?;
        tx.commit().await?;
        Ok(after)
    }
}

impl Store {
    /// Adds a photo at the end of an article's, with its re-encodings (width, height, bytes),
    /// in one transaction with its audit event.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn add_article_photo(
        &self,
        who: Who,
        article_id: Id,
        caption: Option<&str>,
        sizes: &[(i64, i64, Vec<u8>)],
    ) -> Result<ArticlePhoto> {
        let (width, height) = sizes
            .iter()
            .map(|(w, h, _)| (*w, *h))
            .max()
            .ok_or(StoreError::Corrupt("a photo with no size".into()))?;
        let mut tx = self.begin().await?;
        article_in(&mut tx, article_id).await?;
        let position: i64 = sqlx::query_scalar(
            "select coalesce(max(position), 0) + 1 from article_photos where article_id = $1",
        )
        .bind(article_id)
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = sqlx::query_scalar(
            "insert into article_photos (article_id, position, caption, width, height, user_id, at)
             values ($1, $2, $3, $4, $5, $6, $7) returning id",
        )
        .bind(article_id)
        .bind(position)
        .bind(caption)
        .bind(width)
        .bind(height)
        .bind(who.user_id)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?;
        for (w, h, data) in sizes {
            sqlx::query(
                "insert into article_photo_sizes (photo_id, width, height, data) values ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(w)
            .bind(h)
            .bind(data.as_slice())
            .execute(&mut *tx)
            .await?;
        }
        let photo = ArticlePhoto {
            id,
            article_id,
            position,
            caption: caption.map(str::to_string),
            width,
            height,
            widths: sizes.iter().map(|(w, _, _)| *w).collect(),
        };
        audit::record(
            &mut tx,
            who,
            "article",
            article_id,
            "add_photo",
            None,
            Some(&photo),
        )
        .await?;
        tx.commit().await?;
        Ok(photo)
    }

    /// An article's photos, in order, each with the widths it is kept at.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn article_photos(&self, article_id: Id) -> Result<Vec<ArticlePhoto>> {
        let rows: Vec<(i64, i64, Option<String>, i64, i64)> = sqlx::query_as(
            "select id, position, caption, width, height from article_photos where article_id = $1 order by position, id",
        )
        .bind(article_id)
        .fetch_all(&self.pool)
        .await?;
        let widths: Vec<(i64, i64)> = sqlx::query_as(
            "select s.photo_id, s.width from article_photo_sizes s join article_photos p on p.id = s.photo_id
             where p.article_id = $1 order by s.photo_id, s.width",
        )
        .bind(article_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, position, caption, width, height)| ArticlePhoto {
                id,
                article_id,
                position,
                caption,
                width,
                height,
                widths: widths
                    .iter()
                    .filter(|(p, _)| *p == id)
                    .map(|(_, w)| *w)
                    .collect(),
            })
            .collect())
    }

    /// The article a photo belongs to.
    pub async fn photo_article(&self, photo_id: Id) -> Result<Id> {
        sqlx::query_scalar::<_, i64>("select article_id from article_photos where id = $1")
            .bind(photo_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// The JPEG bytes of a photo at one of its widths.
    pub async fn article_photo_bytes(&self, photo_id: Id, width: i64) -> Result<Vec<u8>> {
        sqlx::query_scalar::<_, Vec<u8>>(
            "select data from article_photo_sizes where photo_id = $1 and width = $2",
        )
        .bind(photo_id)
        .bind(width)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)
    }
}
