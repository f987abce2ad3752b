//! Small helpers shared by the query modules: conversions between domain values and the
//! portable column encodings, a dynamic WHERE builder with `$n` placeholders, and paging.

use dondoc_domain::{FieldCode, Id, Invalid};
use jiff::civil::Date;
use jiff::Timestamp;
use serde::Serialize;
use sqlx::any::AnyArguments;
use sqlx::query::{QueryAs, QueryScalar};
use sqlx::{Any, Transaction};

use crate::{Result, StoreError};

pub(crate) type Tx<'a> = Transaction<'a, Any>;

pub(crate) fn now_ms() -> i64 {
    Timestamp::now().as_millisecond()
}

pub(crate) fn ts(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

pub(crate) fn d(date: Date) -> String {
    date.to_string()
}

pub(crate) fn od(date: Option<Date>) -> Option<String> {
    date.map(d)
}

pub(crate) fn pd(s: &str) -> Result<Date> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("date {s:?}")))
}

pub(crate) fn opd(s: Option<String>) -> Result<Option<Date>> {
    s.as_deref().map(pd).transpose()
}

pub(crate) fn flag(b: bool) -> i64 {
    i64::from(b)
}

/// Ids as the inside of an SQL `in (…)`: integers, inlined (never text from a request), so
/// that a condition needs no placeholders of its own. The caller handles an empty list.
pub(crate) fn id_list(ids: &[Id]) -> String {
    ids.iter().map(Id::to_string).collect::<Vec<_>>().join(", ")
}

pub(crate) fn key(s: &str) -> String {
    dondoc_text::fold(s)
}

/// Lists count their matches up to this many: beyond it, "more than 10,000" says as much as
/// an exact count, which would read every row.
pub const COUNT_CAP: i64 = 10_000;

/// The deepest offset a list answers: an export's last page (it reads a list by offset up to
/// 20,000 rows). Deeper, a page is had by the list's order (`after`) or a narrower filter;
/// an offset there would walk every row before it.
pub const MAX_OFFSET: i64 = 20_000;

/// The same for a search: its matches are checked word by word along the walk, and "more
/// than 1,000" is all a reader needs to narrow it.
pub const SEARCH_COUNT_CAP: i64 = 1_000;

/// A page of a list and the number of rows the filter matched.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    /// How many rows match, counted up to [`COUNT_CAP`] ([`SEARCH_COUNT_CAP`] for a search).
    pub total: i64,
    /// True when more rows match than `total` says (the count stopped at the cap).
    pub total_capped: bool,
    pub limit: i64,
    pub offset: i64,
    /// For a list paged by its order (petitions): where the next page starts, if there is
    /// one (`after=`), and where the previous one ends (`before=`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
}

impl<T> Page<T> {
    /// A page of nothing: a list that knew before reading that nothing matches.
    pub(crate) fn empty(limit: Option<i64>, offset: Option<i64>) -> Self {
        let (limit, offset) = clamp_page(limit, offset);
        Page {
            items: vec![],
            total: 0,
            total_capped: false,
            limit,
            offset,
            after: None,
            before: None,
        }
    }

    /// The same page with each row turned into what the caller shows.
    pub(crate) fn try_map<U>(self, f: impl FnMut(T) -> Result<U>) -> Result<Page<U>> {
        Ok(Page {
            items: self.items.into_iter().map(f).collect::<Result<_>>()?,
            total: self.total,
            total_capped: self.total_capped,
            limit: self.limit,
            offset: self.offset,
            after: self.after,
            before: self.before,
        })
    }
}

/// At most this many rows under a unit (or units): a list reads them by id rather than walking
/// its order to find them.
pub(crate) const FEW_ROWS: i64 = 2_000;

/// The ids of the rows of `from` (a table and the alias a list gives it) that `w` matches, when
/// they are at most [`FEW_ROWS`]; None when more.
///
/// A list of one ward's petitions, or of the directives a small subtree leads, walks its order
/// (newest first, nearest deadline first) and keeps what the ward's condition lets through.
/// Where the ward's rows are few and old, that walk reads a whole table to fill a page: the
/// planner guesses rows spread evenly over the order, and cannot know they all sit at its
/// far end (PostgreSQL: 370 ms for the 4 open petitions of the demo's province among a
/// million). Asked first, the index of `w`'s condition answers in a read of at most
/// [`FEW_ROWS`] entries; the list then reads those rows by id. When they are more, they are
/// dense enough in any order for the walk to find a page soon.
pub(crate) async fn few_ids(
    store: &crate::Store,
    from: &str,
    id: &str,
    w: &Where,
) -> Result<Option<Vec<Id>>> {
    let sql = format!("select {id} from {from}{} limit {}", w.sql(), FEW_ROWS + 1);
    record_plan(store, &sql, &w.args).await?;
    let ids: Vec<Id> = bind_scalar(sqlx::query_scalar(&sql), &w.args)
        .fetch_all(&store.pool)
        .await?;
    Ok((ids.len() as i64 <= FEW_ROWS).then_some(ids))
}

/// One page of the rows of `select` (a query without `where`) that the conditions of `w`
/// match, in `order`, with how many match in all; `counted` is the table (and alias) the count
/// runs on. The page is clamped to something sensible whatever the caller asked.
pub(crate) async fn page<R>(
    store: &crate::Store,
    select: &str,
    counted: &str,
    w: &Where,
    order: &str,
    limit: Option<i64>,
    offset: Option<i64>,
) -> Result<Page<R>>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let (limit, offset) = clamp_page(limit, offset);
    page_counted(store, select, (counted, w), w, order, limit, offset).await
}

/// As [`page`], the count made on `count.0` with the conditions `count.1`, which must match
/// the same rows as `w` does (a search counts from its word index, the page walks the
/// order), and the page as given (see [`clamp_page`]).
pub(crate) async fn page_counted<R>(
    store: &crate::Store,
    select: &str,
    count: (&str, &Where),
    w: &Where,
    order: &str,
    limit: i64,
    offset: i64,
) -> Result<Page<R>>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    if offset > MAX_OFFSET {
        return Err(crate::StoreError::Invalid(dondoc_domain::Invalid::one(
            "offset",
            dondoc_domain::FieldCode::OutOfRange,
        )));
    }
    let (counted, cw) = count;
    let cap = if w.searched {
        SEARCH_COUNT_CAP
    } else {
        COUNT_CAP
    };
    let count = format!(
        "select count(*) from (select 1 from {counted}{} limit {}) c",
        cw.sql(),
        cap + 1
    );
    let pool = &store.pool;
    let counted: Option<i64> = if w.uncounted {
        None
    } else {
        record_plan(store, &count, &cw.args).await?;
        Some(
            bind_scalar(sqlx::query_scalar(&count), &cw.args)
                .fetch_one(pool)
                .await?,
        )
    };
    let n = w.next();
    let sql = format!(
        "{select}{} order by {order} limit ${n} offset ${}",
        w.sql(),
        n + 1
    );
    let paging = [Arg::I(limit), Arg::I(offset)];
    record_plan(store, &sql, &[&w.args[..], &paging].concat()).await?;
    let items: Vec<R> = bind_as(sqlx::query_as(&sql), &w.args)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await?;
    let (total, total_capped) = match counted {
        Some(n) => (n.min(cap), n > cap),
        None => (offset + items.len() as i64, items.len() as i64 == limit),
    };
    Ok(Page {
        items,
        total,
        total_capped,
        limit,
        offset,
        after: None,
        before: None,
    })
}

/// Keeps the plan of `sql` with `args` when the store records plans (`Store::recording_plans`).
pub(crate) async fn record_plan(store: &crate::Store, sql: &str, args: &[Arg]) -> Result<()> {
    let Some(log) = &store.plans else {
        return Ok(());
    };
    let plan = explain(store, sql, args).await?;
    log.lock().expect("plan log").push(crate::QueryPlan {
        sql: sql.to_string(),
        args: args
            .iter()
            .map(|a| match a {
                Arg::I(i) => i.to_string(),
                Arg::S(s) => s.clone(),
            })
            .collect(),
        plan,
    });
    Ok(())
}

/// The plan of `sql` with `args`, one step a line.
async fn explain(store: &crate::Store, sql: &str, args: &[Arg]) -> Result<String> {
    use sqlx::Row;
    let explain = match store.backend {
        crate::Backend::Sqlite => format!("explain query plan {sql}"),
        crate::Backend::Postgres => format!("explain {sql}"),
    };
    let mut q = sqlx::query(&explain);
    for a in args {
        q = match a {
            Arg::I(i) => q.bind(*i),
            Arg::S(s) => q.bind(s.clone()),
        };
    }
    let rows = q.fetch_all(&store.pool).await?;
    let column = match store.backend {
        crate::Backend::Sqlite => 3,
        crate::Backend::Postgres => 0,
    };
    let lines: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<String, _>(column))
        .collect::<std::result::Result<_, _>>()?;
    Ok(lines.join("\n"))
}

/// A bound value of a dynamic query.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    I(i64),
    S(String),
}

/// Builds `where a = $1 and b like $2 …` with its arguments, numbering placeholders as
/// PostgreSQL wants them (SQLite accepts the same `$n`).
#[derive(Default)]
pub(crate) struct Where {
    parts: Vec<String>,
    pub(crate) args: Vec<Arg>,
    /// A free-text search is among the conditions.
    searched: bool,
    /// The page is wanted without its count (a search that ranks its first rows): its
    /// `total` is then what it holds, and `total_capped` says whether more may follow.
    pub(crate) uncounted: bool,
}

impl Where {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Adds a condition; each `?` in `cond` becomes the next `$n`, bound to the next of `args`.
    pub(crate) fn and(&mut self, cond: &str, args: impl IntoIterator<Item = Arg>) -> &mut Self {
        let mut out = String::new();
        for ch in cond.chars() {
            if ch == '?' {
                out.push_str(&format!(
                    "${}",
                    self.args.len() + 1 + out.matches('$').count()
                ));
            } else {
                out.push(ch);
            }
        }
        self.parts.push(out);
        self.args.extend(args);
        self
    }

    /// Words of a free-text query, each matched as a substring of the folded key column.
    /// The folded words a search looks for (at most 8); none for an empty one.
    pub(crate) fn words(q: Option<&str>) -> Vec<String> {
        let Some(q) = q.filter(|q| !q.trim().is_empty()) else {
            return vec![];
        };
        key(q)
            .split(' ')
            .filter(|w| !w.is_empty())
            .take(8)
            .map(str::to_string)
            .collect()
    }

    pub(crate) fn search(&mut self, column: &str, q: Option<&str>) -> &mut Self {
        self.search_on(crate::Backend::Sqlite, column, q)
    }

    /// [`Where::search`] as a list with a word index (`crate::words`) asks it of `backend`.
    /// On PostgreSQL each word is matched by `strpos`, the same test as `like '%word%'` for a
    /// folded word (which holds no `%`, `_` or `\\`) but one no index serves: the planner
    /// then walks the list's order, and the word index is read only when the list's own probe
    /// found the words rare ([`crate::Store::word_index`]). Given `like`, it would read the
    /// trigram index whenever it guesses the words rare, and it guesses words that come
    /// together ("trường mầm non") a hundred times rarer than they are, each on its own:
    /// 200 ms to collect and sort 100,000 matches for a page of 50.
    pub(crate) fn search_on(
        &mut self,
        backend: crate::Backend,
        column: &str,
        q: Option<&str>,
    ) -> &mut Self {
        let Some(q) = q.filter(|q| !q.trim().is_empty()) else {
            return self;
        };
        let folded = key(q);
        // A search made only of signs (`%`, `_`, punctuation) has no word to look for: it
        // finds nothing rather than everything.
        if folded.is_empty() {
            return self.and("1 = 0", []);
        }
        self.searched = true;
        for word in folded.split(' ').filter(|w| !w.is_empty()).take(8) {
            match backend {
                crate::Backend::Sqlite => {
                    self.and(&format!("{column} like ?"), [Arg::S(format!("%{word}%"))])
                }
                crate::Backend::Postgres => {
                    self.and(&format!("strpos({column}, ?) > 0"), [Arg::S(word.into())])
                }
            };
        }
        self
    }

    pub(crate) fn sql(&self) -> String {
        if self.parts.is_empty() {
            String::new()
        } else {
            format!(" where {}", self.parts.join(" and "))
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    pub(crate) fn next(&self) -> usize {
        self.args.len() + 1
    }
}

pub(crate) fn bind_as<'q, O>(
    mut q: QueryAs<'q, Any, O, AnyArguments<'q>>,
    args: &[Arg],
) -> QueryAs<'q, Any, O, AnyArguments<'q>> {
    for a in args {
        q = match a {
            Arg::I(i) => q.bind(*i),
            Arg::S(s) => q.bind(s.clone()),
        };
    }
    q
}

pub(crate) fn bind_scalar<'q, O>(
    mut q: QueryScalar<'q, Any, O, AnyArguments<'q>>,
    args: &[Arg],
) -> QueryScalar<'q, Any, O, AnyArguments<'q>> {
    for a in args {
        q = match a {
            Arg::I(i) => q.bind(*i),
            Arg::S(s) => q.bind(s.clone()),
        };
    }
    q
}

/// `text` as a `like` pattern that matches it anywhere, its `%`, `_` and `\\` taken literally
/// (with `escape '\\'`).
pub(crate) fn contains_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Limits a page to something sensible whatever the caller asked.
pub(crate) fn clamp_page(limit: Option<i64>, offset: Option<i64>) -> (i64, i64) {
    (
        limit.unwrap_or(50).clamp(1, 500),
        offset.unwrap_or(0).clamp(0, 1_000_000_000),
    )
}

/// Refuses a reference to a row that does not exist, naming the field that held it.
pub(crate) async fn ensure_exists(
    tx: &mut Tx<'_>,
    table: &'static str,
    id: Option<Id>,
    field: &'static str,
) -> Result<()> {
    let Some(id) = id else { return Ok(()) };
    let sql = format!("select count(*) from {table} where id = $1");
    let n: i64 = sqlx::query_scalar(&sql)
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    if n == 0 {
        return Err(StoreError::unknown(field));
    }
    Ok(())
}

/// After an update guarded by `version = $n`: no row touched means a conflict (the row moved
/// on) or a missing row, told apart here.
pub(crate) async fn updated(tx: &mut Tx<'_>, rows: u64, table: &'static str, id: Id) -> Result<()> {
    if rows == 0 {
        return Err(stale_or_missing(tx, table, id).await);
    }
    Ok(())
}

/// After an update guarded by `version = $n` touched no row: a conflict, or a missing row.
pub(crate) async fn stale_or_missing(tx: &mut Tx<'_>, table: &'static str, id: Id) -> StoreError {
    let sql = format!("select count(*) from {table} where id = $1");
    match sqlx::query_scalar::<_, i64>(&sql)
        .bind(id)
        .fetch_one(&mut **tx)
        .await
    {
        Ok(0) => StoreError::NotFound,
        Ok(_) => StoreError::Conflict,
        Err(e) => e.into(),
    }
}

/// Maps a unique-constraint violation to the field it guards.
pub(crate) fn on_constraint(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &e {
        let msg = db.message();
        if db.constraint() == Some("users_login_key") || msg.contains("users.login") {
            return StoreError::Duplicate("login");
        }
        if db.constraint() == Some("participants_pk") || msg.contains("session_participants") {
            return StoreError::Duplicate("person_id");
        }
        if db.constraint() == Some("raisings_session_once") || msg.contains("raisings.session_id") {
            return StoreError::Invalid(Invalid::one("session_id", FieldCode::Taken));
        }
    }
    e.into()
}
