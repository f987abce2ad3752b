//! Petitions (kiến nghị) and their raisings. "Raised N times" is counted from raisings; the
//! counts that lists sort and filter by at scale are cached on the petition (all raisings,
//! those anyone may see, whether one was at a published session), updated in the transaction
//! that changes them and checked by [`Store::stale_petition_counts`]. Raising a closed
//! petition again reopens it.

use dondoc_domain::input::{NewPetition, NewRaising, PetitionMerge};
use dondoc_domain::petition::PetitionAction;
use dondoc_domain::{
    Channel, FieldCode, Id, Invalid, Petition, PetitionNote, PetitionStatus, Raising, Visibility,
};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use crate::sql::{
    d, ensure_exists, key, now_ms, od, opd, page_counted, pd, updated, Arg, Page, Tx, Where,
};
use crate::{audit, follow, visible, Result, Store, StoreError, Who};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PetitionFilter {
    pub q: Option<String>,
    pub status: Option<String>,
    /// Only petitions someone still has to act on.
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_bool")]
    pub open: Option<bool>,
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    pub responsible_unit_id: Option<Id>,
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    pub area_unit_id: Option<Id>,
    /// With `area_unit_id` or `responsible_unit_id`: that unit and every unit below it.
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_bool")]
    pub subtree: Option<bool>,
    pub category: Option<String>,
    /// Raised at least this many times (as the caller counts them).
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    pub raised_min: Option<i64>,
    /// Still open, first raised more than this many months ago (staff only).
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    pub open_months: Option<i64>,
    /// First raised on or after, on or before (`YYYY-MM-DD`; staff only).
    pub raised_from: Option<String>,
    pub raised_to: Option<String>,
    /// The first raising before this day (from `open_months`, set by the use case).
    #[serde(skip)]
    pub raised_before: Option<Date>,
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    pub session_id: Option<Id>,
    /// `recent` (default), `raised` (most raised first), `due`.
    pub sort: Option<String>,
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    pub limit: Option<i64>,
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    pub offset: Option<i64>,
    /// The page after this place in the order (a page's `after`): paged by the order
    /// itself, so that the thousandth page costs what the first does. Takes the place of
    /// `offset`.
    pub after: Option<String>,
    /// The page before this place in the order (a page's `before`).
    pub before: Option<String>,
    /// Only those still open that one of these units answers for: a unit's inbox (set by
    /// the use case from the caller's scope, never from a request).
    #[serde(skip)]
    pub open_for_units: Option<Vec<Id>>,
    /// The units of `area_unit_id`'s subtree (set by the use case when `subtree` is asked).
    #[serde(skip)]
    pub area_units: Option<Vec<Id>>,
    /// The units of `responsible_unit_id`'s subtree (likewise).
    #[serde(skip)]
    pub responsible_units: Option<Vec<Id>>,
    /// These petitions only (Open311's `service_request_id` list; set by the use case).
    #[serde(skip)]
    pub ids: Option<Vec<Id>>,
    /// Only those no one has to act on any more (Open311's `status=closed`).
    #[serde(skip)]
    pub closed: bool,
    /// Raised, where the caller sees it, on or after / on or before this day (Open311's
    /// `start_date` and `end_date`; set by the use case).
    #[serde(skip)]
    pub seen_from: Option<Date>,
    #[serde(skip)]
    pub seen_to: Option<Date>,
    /// A page without its count (a search that ranks the first rows and shows no total).
    #[serde(skip)]
    pub uncounted: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PetitionView {
    #[serde(flatten)]
    pub petition: Petition,
    pub area_name: Option<String>,
    pub responsible_name: Option<String>,
    /// The names of `coordinating_unit_ids`, in their order.
    pub coordinating_names: Vec<String>,
    /// The day it was first raised (the public site's date of a petition).
    #[serde(skip)]
    pub first_raised_on: Option<Date>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    title: String,
    text: String,
    category: Option<String>,
    area_unit_id: Option<i64>,
    raised_by: Option<String>,
    channel: String,
    responsible_unit_id: Option<i64>,
    due_on: Option<String>,
    answer: Option<String>,
    answered_on: Option<String>,
    reject_reason: Option<String>,
    status: String,
    version: i64,
    raised_count: i64,
    merged_into: Option<i64>,
    /// What "most raised first" sorts this row by (see `Order`).
    order_raised: i64,
    area_name: Option<String>,
    responsible_name: Option<String>,
    first_raised_on: Option<String>,
}

/// The columns of a petition as the caller sees it: "raised N times" counts the raisings
/// visible to them (cached for those who see all and for the public).
fn select(vis: &Visibility) -> String {
    format!(
        "select p.id, p.title, p.text, p.category, p.area_unit_id, p.raised_by, p.channel, p.responsible_unit_id, p.due_on,
    p.answer, p.answered_on, p.reject_reason, p.status, p.version, p.merged_into, {} as raised_count, {} as order_raised,
    a.name as area_name, ru.name as responsible_name, p.first_raised_on
    from petitions p left join units a on a.id = p.area_unit_id left join units ru on ru.id = p.responsible_unit_id",
        raised_count(vis),
        raised_key(vis)
    )
}

/// The word index's matches (alias `t`), each with its petition (alias `p`): SQLite's
/// `cross join` keeps this order, so a count stops once it has counted enough.
const WORDS_THEN_PETITIONS: &str = "petitions_words t cross join petitions p on p.id = t.rowid";

/// The number of a petition's raisings (alias `p`) the caller may see.
fn raised_count(vis: &Visibility) -> String {
    match vis {
        Visibility::All => "p.raised_count".into(),
        Visibility::Public => "p.public_raised_count".into(),
        Visibility::Scoped(_) => format!(
            "(select count(*) from raisings r where r.petition_id = p.id and {})",
            visible::raising(vis, "r")
        ),
    }
}

/// What "most raised first" sorts by: the cached count the caller sees, or for a unit's
/// staff the public one (their own unpublished raisings are counted on the page, not in the
/// order, which an index then serves).
fn raised_key(vis: &Visibility) -> &'static str {
    match vis {
        Visibility::All => "p.raised_count",
        _ => "p.public_raised_count",
    }
}

/// An order of the petitions list: by a key (or none), then by id, each way round.
struct Order {
    /// The key column, and whether it is a number (else text), or none: by id alone.
    key: Option<(&'static str, bool)>,
    /// Largest first.
    desc: bool,
}

/// A place in an order: the key's value there and the id.
struct Place {
    key: Option<Arg>,
    id: Id,
}

impl Place {
    fn args(&self) -> Vec<Arg> {
        self.key.iter().cloned().chain([Arg::I(self.id)]).collect()
    }
}

impl Order {
    /// `recent` (newest first), `raised` (most raised first, see [`raised_key`]), `due`
    /// (soonest first, none last).
    fn of(sort: Option<&str>, vis: &Visibility) -> Order {
        match sort {
            Some("raised") => Order {
                key: Some((raised_key(vis), true)),
                desc: true,
            },
            Some("due") => Order {
                key: Some(("coalesce(p.due_on, '9999-12-31')", false)),
                desc: false,
            },
            _ => Order {
                key: None,
                desc: true,
            },
        }
    }

    /// `order by` this order, or reversed.
    fn sql(&self, forward: bool) -> String {
        let dir = if self.desc == forward { "desc" } else { "asc" };
        match self.key {
            Some((k, _)) => format!("{k} {dir}, p.id {dir}"),
            None => format!("p.id {dir}"),
        }
    }

    /// The rows past `place`, going forward or back.
    fn past(&self, forward: bool, place: &Place) -> String {
        let op = if self.desc == forward { "<" } else { ">" };
        match (self.key, &place.key) {
            (Some((k, _)), Some(_)) => format!("({k}, p.id) {op} (?, ?)"),
            _ => format!("p.id {op} ?"),
        }
    }

    /// Where a row stands in this order, as a page's `after`/`before` says it.
    fn cursor(&self, r: &Row) -> String {
        let id = r.id;
        match self.key {
            None => id.to_string(),
            Some((_, true)) => format!("{}~{id}", r.order_raised),
            Some((_, false)) => format!("{}~{id}", r.due_on.as_deref().unwrap_or("9999-12-31")),
        }
    }

    /// A cursor read back; one that this order could not have made is refused.
    fn place(&self, cursor: &str) -> Result<Place> {
        let bad = || StoreError::Invalid(Invalid::one("after", FieldCode::InvalidChoice));
        let (key, id) = match self.key {
            None => (None, cursor),
            Some((_, number)) => {
                let (k, id) = cursor.split_once('~').ok_or_else(bad)?;
                let key = if number {
                    Arg::I(k.parse().map_err(|_| bad())?)
                } else {
                    let d: jiff::civil::Date = k.parse().map_err(|_| bad())?;
                    Arg::S(d.to_string())
                };
                (Some(key), id)
            }
        };
        Ok(Place {
            key,
            id: id.parse().map_err(|_| bad())?,
        })
    }
}

impl TryFrom<Row> for PetitionView {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        Ok(PetitionView {
            petition: Petition {
                id: r.id,
                title: r.title,
                text: r.text,
                category: r.category,
                area_unit_id: r.area_unit_id,
                raised_by: r.raised_by,
                channel: Channel::parse(&r.channel)
                    .ok_or_else(|| StoreError::Corrupt(r.channel.clone()))?,
                responsible_unit_id: r.responsible_unit_id,
                coordinating_unit_ids: vec![],
                due_on: opd(r.due_on)?,
                answer: r.answer,
                answered_on: opd(r.answered_on)?,
                reject_reason: r.reject_reason,
                status: PetitionStatus::parse(&r.status)
                    .ok_or_else(|| StoreError::Corrupt(r.status.clone()))?,
                raised_count: r.raised_count,
                merged_into: r.merged_into,
                version: r.version,
            },
            area_name: r.area_name,
            responsible_name: r.responsible_name,
            coordinating_names: vec![],
            first_raised_on: opd(r.first_raised_on)?,
        })
    }
}

/// Fills in the coordinating units of `views`, in one query.
async fn with_coordinating<'c, E>(ex: E, mut views: Vec<PetitionView>) -> Result<Vec<PetitionView>>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    if views.is_empty() {
        return Ok(views);
    }
    let ids: Vec<Id> = views.iter().map(|v| v.petition.id).collect();
    let rows: Vec<(i64, i64, String)> = sqlx::query_as(&format!(
        "select pu.petition_id, u.id, u.name from petition_units pu join units u on u.id = pu.unit_id
         where pu.petition_id in ({}) order by pu.petition_id, u.name_key, u.id",
        crate::sql::id_list(&ids)
    ))
    .fetch_all(ex)
    .await?;
    let mut by: HashMap<Id, Vec<(Id, String)>> = HashMap::new();
    for (petition, unit, name) in rows {
        by.entry(petition).or_default().push((unit, name));
    }
    for v in &mut views {
        if let Some(units) = by.remove(&v.petition.id) {
            (v.petition.coordinating_unit_ids, v.coordinating_names) = units.into_iter().unzip();
        }
    }
    Ok(views)
}

async fn one_with_coordinating<'c, E>(ex: E, view: PetitionView) -> Result<PetitionView>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    with_coordinating(ex, vec![view])
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// Sets a petition's coordinating units, and tells those newly given a part.
async fn set_coordinating(
    tx: &mut Tx<'_>,
    who: Who,
    id: Id,
    before: &[Id],
    units: &[Id],
) -> Result<()> {
    for u in units {
        ensure_exists(tx, "units", Some(*u), "coordinating_unit_ids").await?;
    }
    sqlx::query("delete from petition_units where petition_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    for u in units {
        sqlx::query("insert into petition_units (petition_id, unit_id) values ($1, $2)")
            .bind(id)
            .bind(*u)
            .execute(&mut **tx)
            .await?;
    }
    follow::assigned(
        tx,
        "petition_coordinating",
        "petition",
        id,
        before,
        units,
        who.user_id,
    )
    .await
}

/// A petition as written, for the audit trail of a change (every raising counted).
pub(crate) async fn get_in(tx: &mut Tx<'_>, id: Id) -> Result<PetitionView> {
    let r: Option<Row> = sqlx::query_as(&format!("{} where p.id = $1", select(&Visibility::All)))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    let view = r.ok_or(StoreError::NotFound)?.try_into()?;
    one_with_coordinating(&mut **tx, view).await
}

/// The cached counts of a petition (`p` aliases `petitions`), as derived from its raisings.
const DERIVED_COUNTS: [(&str, &str); 4] = [
    (
        "raised_count",
        "(select count(*) from raisings r where r.petition_id = petitions.id)",
    ),
    (
        "public_raised_count",
        "(select count(*) from raisings r left join sessions s on s.id = r.session_id
          where r.petition_id = petitions.id and (r.session_id is null or s.published = 1))",
    ),
    // Public: raised at a published session, or recorded from a resident's submission that
    // staff accepted (`store/src/submissions.rs`); the one rule of what visitors see.
    (
        "published",
        "(case when exists (select 1 from raisings r join sessions s on s.id = r.session_id
          where r.petition_id = petitions.id and s.published = 1)
          or exists (select 1 from submissions sb where sb.petition_id = petitions.id
                     and sb.status = 'accepted' and sb.joins_petition_id is null) then 1 else 0 end)",
    ),
    (
        "first_raised_on",
        "(select min(r.date) from raisings r where r.petition_id = petitions.id)",
    ),
];

/// Brings the cached counts of the petitions matching `cond` (on `petitions`) up to date, in
/// the caller's transaction.
pub(crate) async fn refresh_counts(tx: &mut Tx<'_>, cond: &str) -> Result<()> {
    let set: Vec<String> = DERIVED_COUNTS
        .iter()
        .map(|(col, derived)| format!("{col} = {derived}"))
        .collect();
    sqlx::query(&format!(
        "update petitions set {} where {cond}",
        set.join(", ")
    ))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records a raising in the caller's transaction. A session raises a petition once: a second
/// raising from the same session is refused (the unique index `raisings_session_once` holds
/// it under concurrency; this says which field).
pub(crate) async fn insert_raising(tx: &mut Tx<'_>, petition_id: Id, r: &NewRaising) -> Result<Id> {
    ensure_exists(tx, "sessions", r.session_id, "session_id").await?;
    if let Some(session) = r.session_id {
        let again: Option<i64> = sqlx::query_scalar(
            "select id from raisings where petition_id = $1 and session_id = $2",
        )
        .bind(petition_id)
        .bind(session)
        .fetch_optional(&mut **tx)
        .await?;
        if again.is_some() {
            return Err(StoreError::Invalid(Invalid::one(
                "session_id",
                FieldCode::Taken,
            )));
        }
    }
    let id: i64 = sqlx::query_scalar(
        "insert into raisings (petition_id, session_id, date, raised_by, created_at) values ($1, $2, $3, $4, $5) returning id",
    )
    .bind(petition_id)
    .bind(r.session_id)
    .bind(d(r.date))
    .bind(&r.raised_by)
    .bind(now_ms())
    .fetch_one(&mut **tx)
    .await
    .map_err(crate::sql::on_constraint)?;
    refresh_counts(tx, &format!("id = {petition_id}")).await?;
    Ok(id)
}

/// Leaves the follow-up job an event when a petition is handed to a unit it was not with.
async fn tell_responsible(
    tx: &mut Tx<'_>,
    who: Who,
    id: Id,
    before: Option<Id>,
    after: Option<Id>,
) -> Result<()> {
    follow::assigned(
        tx,
        "petition_assigned",
        "petition",
        id,
        before.as_slice(),
        after.as_slice(),
        who.user_id,
    )
    .await
}

/// Inserts a petition (without its raisings) in the caller's transaction.
pub(crate) async fn insert_petition(tx: &mut Tx<'_>, who: Who, new: &NewPetition) -> Result<Id> {
    ensure_exists(tx, "units", new.area_unit_id, "area_unit_id").await?;
    ensure_exists(tx, "units", new.responsible_unit_id, "responsible_unit_id").await?;
    let status = if new.responsible_unit_id.is_some() {
        PetitionStatus::Assigned
    } else {
        PetitionStatus::Received
    };
    let id: i64 = sqlx::query_scalar(
        "insert into petitions (title, text, text_key, category, area_unit_id, raised_by, responsible_unit_id, due_on, status, version, created_at, channel)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $11) returning id",
    )
    .bind(&new.title)
    .bind(&new.text)
    .bind(key(&new.text))
    .bind(&new.category)
    .bind(new.area_unit_id)
    .bind(&new.raised_by)
    .bind(new.responsible_unit_id)
    .bind(od(new.due_on))
    .bind(status.as_str())
    .bind(now_ms())
    .bind(new.channel.as_str())
    .fetch_one(&mut **tx)
    .await?;
    tell_responsible(tx, who, id, None, new.responsible_unit_id).await?;
    if !new.coordinating_unit_ids.is_empty() {
        set_coordinating(tx, who, id, &[], &new.coordinating_unit_ids).await?;
    }
    Ok(id)
}

/// Records a raising in the caller's transaction; a closed (or answered) petition is reopened.
pub(crate) async fn raise_in(
    tx: &mut Tx<'_>,
    who: Who,
    petition_id: Id,
    r: &NewRaising,
) -> Result<PetitionView> {
    // The row held first (on PostgreSQL) so that a merge of this petition, running beside,
    // either sees this raising or is seen by it: a merged petition is raised no more, the
    // one it went into is.
    let open = sqlx::query("update petitions set version = version where id = $1 and status <> $2")
        .bind(petition_id)
        .bind(PetitionStatus::Merged.as_str())
        .execute(&mut **tx)
        .await?
        .rows_affected();
    let before = get_in(tx, petition_id).await?;
    if open == 0 {
        return Err(merged_away("petition"));
    }
    insert_raising(tx, petition_id, r).await?;
    let status = before.petition.status;
    match status
        .after(PetitionAction::Reopen)
        .filter(|_| !status.is_open() || status == PetitionStatus::Answered)
    {
        Some(next) => {
            sqlx::query("update petitions set status = $1, version = version + 1 where id = $2")
                .bind(next.as_str())
                .bind(petition_id)
                .execute(&mut **tx)
                .await?;
        }
        None => {
            sqlx::query("update petitions set version = version + 1 where id = $1")
                .bind(petition_id)
                .execute(&mut **tx)
                .await?;
        }
    }
    let after = get_in(tx, petition_id).await?;
    audit::change(tx, who, "raise", Some(&before.petition), &after.petition).await?;
    Ok(after)
}

/// The refusal of a petition (on `field`) that was merged into another.
fn merged_away(field: &'static str) -> StoreError {
    StoreError::Invalid(Invalid::one(field, FieldCode::Merged))
}

/// What a merge did: the petition that holds both now, the one merged into it, how many
/// raisings moved, and the sessions that had raised both (their raising of the one merged
/// away was dropped, that session's raising of the other kept).
#[derive(Debug, Clone)]
pub struct PetitionMerged {
    pub into: PetitionView,
    pub from: PetitionView,
    pub moved: i64,
    pub shared_sessions: Vec<Id>,
}

/// A petition's audit record in a merge: the petition, and what the merge did.
#[derive(Serialize)]
struct MergeRecord<'a> {
    #[serde(flatten)]
    petition: &'a Petition,
    /// On the petition that holds both: the one merged into it.
    #[serde(skip_serializing_if = "Option::is_none")]
    merged_from: Option<Id>,
    /// The raisings that moved.
    #[serde(skip_serializing_if = "Option::is_none")]
    raisings_moved: Option<i64>,
    /// The sessions that had raised both, each raising once now.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    shared_session_ids: Vec<Id>,
}

impl<'a> MergeRecord<'a> {
    fn plain(petition: &'a Petition) -> Self {
        MergeRecord {
            petition,
            merged_from: None,
            raisings_moved: None,
            shared_session_ids: vec![],
        }
    }
}

/// `column in (units)`; nothing matches an empty list.
fn in_units(w: &mut Where, column: &str, units: &[Id]) {
    if units.is_empty() {
        w.and("1 = 0", []);
    } else {
        w.and(&format!("{column} in ({})", crate::sql::id_list(units)), []);
    }
}

/// The fields a transition may set besides the status.
#[derive(Debug, Clone, Default)]
pub struct PetitionChange {
    pub responsible_unit_id: Option<Id>,
    /// The coordinating units from now on (assigning sets them; `None` leaves them).
    pub coordinating_unit_ids: Option<Vec<Id>>,
    pub due_on: Option<Date>,
    pub answer: Option<String>,
    /// The day of the answer, when the transition gives one.
    pub answered_on: Option<Date>,
    pub reject_reason: Option<String>,
}

impl Store {
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn petitions(
        &self,
        f: &PetitionFilter,
        vis: &Visibility,
    ) -> Result<Page<PetitionView>> {
        let store = self.reading(vis);
        // The units asked for, each served by an index on the unit and the id; `+` before
        // the column keeps any index from serving it (a walk of the list's order).
        let by_units = |w: &mut Where, plus: &str| {
            match (&f.responsible_units, f.responsible_unit_id) {
                (Some(units), _) => in_units(w, &format!("{plus}p.responsible_unit_id"), units),
                (None, Some(u)) => {
                    w.and(&format!("{plus}p.responsible_unit_id = ?"), [Arg::I(u)]);
                }
                (None, None) => {}
            }
            match (&f.area_units, f.area_unit_id) {
                (Some(units), _) => in_units(w, &format!("{plus}p.area_unit_id"), units),
                (None, Some(u)) => {
                    w.and(&format!("{plus}p.area_unit_id = ?"), [Arg::I(u)]);
                }
                (None, None) => {}
            }
        };
        let filters = |w: &mut Where| {
            w.search_on(self.backend, "p.text_key", f.q.as_deref());
            if let Some(s) = f.status.as_deref().filter(|s| !s.is_empty()) {
                w.and("p.status = ?", [Arg::S(s.to_string())]);
            }
            if f.open == Some(true) {
                w.and(
                    &format!("p.status not in ({})", PetitionStatus::closed_sql()),
                    [],
                );
            }
            if let Some(c) = f
                .category
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
            {
                w.and("p.category = ?", [Arg::S(c.to_string())]);
            }
            if let Some(n) = f.raised_min.filter(|n| *n > 1) {
                w.and(&format!("{} >= ?", raised_count(vis)), [Arg::I(n)]);
            }
            if let Some(day) = f.raised_before {
                w.and(
                    &format!(
                        "p.status not in ({}) and p.first_raised_on < ?",
                        PetitionStatus::closed_sql()
                    ),
                    [Arg::S(day.to_string())],
                );
            }
            if let Some(day) = f.raised_from.as_deref().filter(|d| !d.is_empty()) {
                w.and("p.first_raised_on >= ?", [Arg::S(day.to_string())]);
            }
            if let Some(day) = f.raised_to.as_deref().filter(|d| !d.is_empty()) {
                w.and("p.first_raised_on <= ?", [Arg::S(day.to_string())]);
            }
            if let Some(s) = f.session_id {
                w.and(
                    "p.id in (select r.petition_id from raisings r where r.session_id = ?)",
                    [Arg::I(s)],
                );
            }
            if let Some(units) = &f.open_for_units {
                if units.is_empty() {
                    w.and("1 = 0", []);
                } else {
                    w.and(
                        &format!(
                            "p.status not in ({closed}) and (p.responsible_unit_id in ({ids})
                             or p.id in (select pu.petition_id from petition_units pu where pu.unit_id in ({ids})))",
                            closed = PetitionStatus::closed_sql(),
                            ids = crate::sql::id_list(units)
                        ),
                        [],
                    );
                }
            }
            if let Some(ids) = &f.ids {
                in_units(w, "p.id", ids);
            }
            if f.closed {
                w.and(
                    &format!("p.status in ({})", PetitionStatus::closed_sql()),
                    [],
                );
            }
            if f.seen_from.is_some() || f.seen_to.is_some() {
                let from = f.seen_from.map(|d| d.to_string()).unwrap_or_default();
                let to = f
                    .seen_to
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "9999-12-31".into());
                w.and(
                    &format!(
                        "exists (select 1 from raisings sr where sr.petition_id = p.id and sr.date >= ? and sr.date <= ? and {})",
                        visible::raising(vis, "sr")
                    ),
                    [Arg::S(from), Arg::S(to)],
                );
            }
            if let Some(cond) = visible::petition(vis, "p") {
                w.and(&cond, []);
            }
        };
        // Each order is served by an index (see the migration "scale").
        let order = Order::of(f.sort.as_deref(), vis);
        let mut w = Where::new();
        let mut counted = Where::new();
        let mut count_from = "petitions p";
        match self
            .word_index(crate::words::PETITIONS, f.q.as_deref())
            .await?
        {
            // Words found in few petitions: those, read once from the index, then the filters.
            // In none: nothing more to read.
            Some(crate::words::WordIndex::Few(ids)) if ids.is_empty() => {
                return Ok(Page::empty(f.limit, f.offset));
            }
            Some(crate::words::WordIndex::Few(ids)) => {
                let cond = format!("p.id in ({})", crate::sql::id_list(&ids));
                w.and(&cond, []);
                counted.and(&cond, []);
            }
            // Words found in many: the page walks its order until it has enough of them,
            // the count walks the index's matches until it has counted enough.
            Some(crate::words::WordIndex::Many(Some((condition, args)))) => {
                count_from = WORDS_THEN_PETITIONS;
                counted.and(&condition, args);
            }
            Some(crate::words::WordIndex::Many(None)) | None => {}
        }
        // Some units' petitions: read by id when few (see `few_ids`); when many, found
        // along the order's walk, which SQLite would otherwise leave for the units' index, to
        // sort every petition it finds there.
        let mut units = Where::new();
        by_units(&mut units, "");
        if !units.is_empty() {
            match crate::sql::few_ids(&store, "petitions p", "p.id", &units).await? {
                Some(ids) if ids.is_empty() => return Ok(Page::empty(f.limit, f.offset)),
                Some(ids) => {
                    let cond = format!("p.id in ({})", crate::sql::id_list(&ids));
                    w.and(&cond, []);
                    counted.and(&cond, []);
                    by_units(&mut w, "");
                }
                None => by_units(&mut w, "+"),
            }
            by_units(&mut counted, "");
        }
        filters(&mut w);
        filters(&mut counted);
        w.uncounted = f.uncounted;
        // Paged by the order: the rows past a place in it, one more than the page to know
        // whether another follows; backwards, the order reversed, then put right.
        let place = match (&f.after, &f.before) {
            (Some(a), _) => Some((true, order.place(a)?)),
            (None, Some(b)) => Some((false, order.place(b)?)),
            (None, None) => None,
        };
        let (limit, offset) = crate::sql::clamp_page(f.limit, f.offset);
        let Some((forward, place)) = place else {
            let mut page = page_counted::<Row>(
                &store,
                &select(vis),
                (count_from, &counted),
                &w,
                &order.sql(true),
                limit,
                offset,
            )
            .await?;
            // From the first page on, the next can be had by the order too.
            if offset == 0 && page.items.len() as i64 == limit {
                page.after = page.items.last().map(|r| order.cursor(r));
            }
            let mut page = page.try_map(PetitionView::try_from)?;
            page.items = with_coordinating(&store.pool, page.items).await?;
            return Ok(page);
        };
        w.and(&order.past(forward, &place), place.args());
        let mut page = page_counted::<Row>(
            &store,
            &select(vis),
            (count_from, &counted),
            &w,
            &order.sql(forward),
            limit + 1,
            0,
        )
        .await?;
        let more = page.items.len() as i64 > limit;
        page.items.truncate(limit as usize);
        if !forward {
            page.items.reverse();
        }
        page.limit = limit;
        page.offset = 0;
        // Going forward, the page came after something; going back, before something.
        let (has_next, has_prev) = if forward { (more, true) } else { (true, more) };
        page.after = has_next
            .then(|| page.items.last().map(|r| order.cursor(r)))
            .flatten();
        page.before = has_prev
            .then(|| page.items.first().map(|r| order.cursor(r)))
            .flatten();
        let mut page = page.try_map(PetitionView::try_from)?;
        page.items = with_coordinating(&store.pool, page.items).await?;
        Ok(page)
    }

    /// The day each of these petitions was first raised where `vis` sees a raising (Open311's
    /// `requested_datetime`), in one query.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn first_visible_raisings(
        &self,
        ids: &[Id],
        vis: &Visibility,
    ) -> Result<std::collections::HashMap<Id, Date>> {
        if ids.is_empty() {
            return Ok(Default::default());
        }
        let store = self.reading(vis);
        let rows: Vec<(i64, String)> = sqlx::query_as(&format!(
            "select r.petition_id, min(r.date) from raisings r where r.petition_id in ({}) and {} group by r.petition_id",
            crate::sql::id_list(ids),
            visible::raising(vis, "r")
        ))
        .fetch_all(&store.pool)
        .await?;
        rows.into_iter().map(|(id, d)| Ok((id, pd(&d)?))).collect()
    }

    /// Petitions whose cached counts differ from their raisings (none, unless a bug or a
    /// write outside the store left them so), at most `limit`.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn stale_petition_counts(&self, limit: i64) -> Result<Vec<Id>> {
        let differs: Vec<String> = DERIVED_COUNTS
            .iter()
            .map(|(col, derived)| format!("{col} <> {derived}"))
            .collect();
        Ok(sqlx::query_scalar(&format!(
            "select id from petitions where {} order by id limit $1",
            differs.join(" or ")
        ))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn petition(&self, id: Id, vis: &Visibility) -> Result<PetitionView> {
        let store = self.reading(vis);
        let r: Option<Row> = sqlx::query_as(&format!(
            "{} where p.id = $1{}",
            select(vis),
            visible::and(visible::petition(vis, "p"))
        ))
        .bind(id)
        .fetch_optional(&store.pool)
        .await?;
        let view = r.ok_or(StoreError::NotFound)?.try_into()?;
        one_with_coordinating(&store.pool, view).await
    }

    /// Creates a petition with its first raising, in one transaction.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn create_petition(&self, who: Who, new: &NewPetition) -> Result<PetitionView> {
        let mut tx = self.begin().await?;
        let id = insert_petition(&mut tx, who, new).await?;
        let raising = NewRaising {
            session_id: new.session_id,
            date: new.raised_on,
            raised_by: new.raised_by.clone(),
        };
        insert_raising(&mut tx, id, &raising).await?;
        let p = get_in(&mut tx, id).await?;
        audit::change(&mut tx, who, "create", None, &p.petition).await?;
        tx.commit().await?;
        Ok(p)
    }

    /// Corrects what a petition says and where it comes from; its status and raisings stay.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn update_petition(
        &self,
        who: Who,
        id: Id,
        version: i64,
        new: &NewPetition,
    ) -> Result<PetitionView> {
        let mut tx = self.begin().await?;
        let before = get_in(&mut tx, id).await?;
        ensure_exists(&mut tx, "units", new.area_unit_id, "area_unit_id").await?;
        let n = sqlx::query(
            "update petitions set title = $1, text = $2, text_key = $3, category = $4, area_unit_id = $5, raised_by = $6,
             due_on = $7, channel = $10, version = version + 1 where id = $8 and version = $9",
        )
        .bind(&new.title)
        .bind(&new.text)
        .bind(key(&new.text))
        .bind(&new.category)
        .bind(new.area_unit_id)
        .bind(&new.raised_by)
        .bind(od(new.due_on))
        .bind(id)
        .bind(version)
        .bind(new.channel.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        updated(&mut tx, n, "petitions", id).await?;
        let after = get_in(&mut tx, id).await?;
        audit::change(
            &mut tx,
            who,
            "update",
            Some(&before.petition),
            &after.petition,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Records that a petition was raised again; a closed one is reopened.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn add_raising(
        &self,
        who: Who,
        petition_id: Id,
        r: &NewRaising,
    ) -> Result<PetitionView> {
        let mut tx = self.begin().await?;
        let after = raise_in(&mut tx, who, petition_id, r).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Moves a petition to `status` (already checked by the domain) with the fields it sets.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn transition_petition(
        &self,
        who: Who,
        id: Id,
        version: i64,
        from: PetitionStatus,
        status: PetitionStatus,
        change: &PetitionChange,
    ) -> Result<PetitionView> {
        let mut tx = self.begin().await?;
        let before = get_in(&mut tx, id).await?;
        ensure_exists(
            &mut tx,
            "units",
            change.responsible_unit_id,
            "responsible_unit_id",
        )
        .await?;
        let n = sqlx::query(
            "update petitions set status = $1, responsible_unit_id = coalesce($2, responsible_unit_id), due_on = coalesce($3, due_on),
             answer = coalesce($4, answer), answered_on = coalesce($9, answered_on), reject_reason = $5,
             version = version + 1
             where id = $6 and version = $7 and status = $8",
        )
        .bind(status.as_str())
        .bind(change.responsible_unit_id)
        .bind(od(change.due_on))
        .bind(&change.answer)
        .bind(&change.reject_reason)
        .bind(id)
        .bind(version)
        .bind(from.as_str())
        .bind(od(change.answered_on))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        updated(&mut tx, n, "petitions", id).await?;
        if let Some(units) = &change.coordinating_unit_ids {
            set_coordinating(
                &mut tx,
                who,
                id,
                &before.petition.coordinating_unit_ids,
                units,
            )
            .await?;
        }
        let after = get_in(&mut tx, id).await?;
        tell_responsible(
            &mut tx,
            who,
            id,
            before.petition.responsible_unit_id,
            after.petition.responsible_unit_id,
        )
        .await?;
        audit::change(
            &mut tx,
            who,
            status.as_str(),
            Some(&before.petition),
            &after.petition,
        )
        .await?;
        // Residents who sent it (or added their voice) and asked for news are told.
        if before.petition.status != after.petition.status {
            let key = format!(
                "status:{}:{}",
                after.petition.status.as_str(),
                after.petition.version
            );
            crate::submissions::tell_residents_of(&mut tx, id, &key).await?;
        }
        tx.commit().await?;
        Ok(after)
    }

    /// Merges petition `from` into `m.into`, found to be the same petition, in one
    /// transaction: `from`'s raisings become `into`'s (each remembering it was raised as
    /// `from`; where one session raised both, its raising of `into` is kept and that of
    /// `from` dropped, since a session raises a petition once), the cached counts of both are
    /// recounted, and `from` is closed as merged, pointing at `into`. Each gets an audit
    /// event. Refused: a petition merged already (either one), into itself, or a version
    /// other than the one read.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn merge_petitions(
        &self,
        who: Who,
        from: Id,
        m: &PetitionMerge,
    ) -> Result<PetitionMerged> {
        if from == m.into {
            return Err(StoreError::Invalid(Invalid::one(
                "into_petition_id",
                FieldCode::Unchanged,
            )));
        }
        let mut tx = self.begin().await?;
        let merged = PetitionStatus::Merged.as_str();
        // Both rows held before anything is read (on PostgreSQL; SQLite's write lock is taken
        // already), so that what is checked stays true until the end.
        for (id, version, field) in [
            (from, m.version, "petition"),
            (m.into, m.into_version, "into_petition_id"),
        ] {
            let status: Option<String> =
                sqlx::query_scalar("select status from petitions where id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            match status.as_deref() {
                None if id == from => return Err(StoreError::NotFound),
                None => {
                    return Err(StoreError::Invalid(Invalid::one(
                        "into_petition_id",
                        FieldCode::UnknownReference,
                    )))
                }
                Some(s) if s == merged => return Err(merged_away(field)),
                Some(_) => {}
            }
            let n = sqlx::query(
                "update petitions set version = version + 1 where id = $1 and version = $2 and status <> $3",
            )
            .bind(id)
            .bind(version)
            .bind(merged)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            updated(&mut tx, n, "petitions", id).await?;
        }
        let before_from = get_in(&mut tx, from).await?;
        let before_into = get_in(&mut tx, m.into).await?;
        let shared_sessions: Vec<i64> = sqlx::query_scalar(
            "select r.session_id from raisings r where r.petition_id = $1 and r.session_id in
             (select o.session_id from raisings o where o.petition_id = $2 and o.session_id is not null)
             order by r.session_id",
        )
        .bind(from)
        .bind(m.into)
        .fetch_all(&mut *tx)
        .await?;
        if !shared_sessions.is_empty() {
            sqlx::query(&format!(
                "delete from raisings where petition_id = $1 and session_id in ({})",
                crate::sql::id_list(&shared_sessions)
            ))
            .bind(from)
            .execute(&mut *tx)
            .await?;
        }
        let moved = sqlx::query(
            "update raisings set petition_id = $1, merged_from = $2 where petition_id = $2",
        )
        .bind(m.into)
        .bind(from)
        .execute(&mut *tx)
        .await
        .map_err(crate::sql::on_constraint)?
        .rows_affected() as i64;
        // A resident's submission follows its petition (its tracking page, and what made
        // the petition public).
        sqlx::query("update submissions set petition_id = $1 where petition_id = $2")
            .bind(m.into)
            .bind(from)
            .execute(&mut *tx)
            .await?;
        sqlx::query("update petitions set status = $1, merged_into = $2 where id = $3")
            .bind(merged)
            .bind(m.into)
            .bind(from)
            .execute(&mut *tx)
            .await?;
        refresh_counts(&mut tx, &format!("id in ({from}, {})", m.into)).await?;
        let after_from = get_in(&mut tx, from).await?;
        let after_into = get_in(&mut tx, m.into).await?;
        let record = |p| MergeRecord {
            petition: p,
            merged_from: Some(from),
            raisings_moved: Some(moved),
            shared_session_ids: shared_sessions.clone(),
        };
        audit::change(
            &mut tx,
            who,
            "merge_into",
            Some(&before_from.petition),
            &after_from.petition,
        )
        .await?;
        audit::record(
            &mut tx,
            who,
            "petition",
            m.into,
            "merge_from",
            Some(&MergeRecord::plain(&before_into.petition)),
            Some(&record(&after_into.petition)),
        )
        .await?;
        tx.commit().await?;
        Ok(PetitionMerged {
            into: after_into,
            from: after_from,
            moved,
            shared_sessions,
        })
    }

    /// Where a petition merged away went: the petition that holds its raisings now, after
    /// every merge since (at most a few steps), whoever may see it. `None` for one not merged.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn petition_merged_into(&self, id: Id) -> Result<Option<Id>> {
        let mut at = id;
        let mut found = None;
        for _ in 0..16 {
            let next: Option<Option<i64>> =
                sqlx::query_scalar("select merged_into from petitions where id = $1")
                    .bind(at)
                    .fetch_optional(&self.pool)
                    .await?;
            match next.flatten() {
                Some(n) => {
                    found = Some(n);
                    at = n;
                }
                None => break,
            }
        }
        Ok(found)
    }

    /// Keeps a coordinating unit's word on its part of a petition, while the petition is
    /// open and the unit coordinates it; the petition itself does not change (its answer is
    /// the responsible unit's), which hears of it.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn add_petition_note(
        &self,
        who: Who,
        id: Id,
        unit: Id,
        date: Date,
        text: &str,
    ) -> Result<PetitionNote> {
        let mut tx = self.begin().await?;
        let current = get_in(&mut tx, id).await?;
        if !current.petition.coordinating_unit_ids.contains(&unit) {
            return Err(Invalid::one("unit_id", FieldCode::InvalidChoice).into());
        }
        let note_id: i64 = sqlx::query_scalar(
            "insert into petition_notes (petition_id, unit_id, date, text, user_id, at) values ($1, $2, $3, $4, $5, $6) returning id",
        )
        .bind(id)
        .bind(unit)
        .bind(d(date))
        .bind(text)
        .bind(who.user_id)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?;
        let said = serde_json::json!({ "unit_id": unit, "date": d(date), "report_text": text });
        audit::record(
            &mut tx,
            who,
            "petition",
            id,
            "progress_share",
            None,
            Some(&said),
        )
        .await?;
        tx.commit().await?;
        self.petition_notes(id)
            .await?
            .into_iter()
            .find(|n| n.id == note_id)
            .ok_or(StoreError::NotFound)
    }

    /// The coordinating units' words on a petition, oldest first.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn petition_notes(&self, id: Id) -> Result<Vec<PetitionNote>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            petition_id: i64,
            unit_id: i64,
            unit_name: String,
            date: String,
            text: String,
            user_name: Option<String>,
        }
        let rows: Vec<Row> = sqlx::query_as(
            "select n.id, n.petition_id, n.unit_id, un.name as unit_name, n.date, n.text, us.display_name as user_name
             from petition_notes n join units un on un.id = n.unit_id left join users us on us.id = n.user_id
             where n.petition_id = $1 order by n.date, n.id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(PetitionNote {
                    id: r.id,
                    petition_id: r.petition_id,
                    unit_id: r.unit_id,
                    unit_name: r.unit_name,
                    date: pd(&r.date)?,
                    text: r.text,
                    user_name: r.user_name,
                })
            })
            .collect()
    }

    /// The raisings of a petition visible to the caller, with the title of their session,
    /// oldest first.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn raisings(
        &self,
        petition_id: Id,
        vis: &Visibility,
    ) -> Result<Vec<(Raising, Option<String>)>> {
        let store = self.reading(vis);
        #[derive(sqlx::FromRow)]
        struct RaisingRow {
            id: i64,
            petition_id: i64,
            session_id: Option<i64>,
            date: String,
            raised_by: Option<String>,
            merged_from: Option<i64>,
            title: Option<String>,
        }
        let rows: Vec<RaisingRow> = sqlx::query_as(&format!(
            "select r.id, r.petition_id, r.session_id, r.date, r.raised_by, r.merged_from, s.title from raisings r
             left join sessions s on s.id = r.session_id where r.petition_id = $1 and {} order by r.date, r.id",
            visible::raising(vis, "r")
        ))
        .bind(petition_id)
        .fetch_all(&store.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok((
                    Raising {
                        id: r.id,
                        petition_id: r.petition_id,
                        session_id: r.session_id,
                        date: pd(&r.date)?,
                        raised_by: r.raised_by,
                        merged_from: r.merged_from,
                    },
                    r.title,
                ))
            })
            .collect()
    }

    /// The petitions a report on `units` for a period holds: those about one of the units or
    /// assigned to one, raised in the period at least once where the caller may see it,
    /// oldest first, at most `limit`.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn petitions_raised_in(
        &self,
        units: &[Id],
        from: Date,
        to: Date,
        vis: &Visibility,
        limit: i64,
    ) -> Result<Vec<PetitionView>> {
        if units.is_empty() {
            return Ok(vec![]);
        }
        let store = self.reading(vis);
        let ids = crate::sql::id_list(units);
        let mut w = Where::new();
        w.and(
            &format!("(p.area_unit_id in ({ids}) or p.responsible_unit_id in ({ids}))"),
            [],
        );
        w.and(
            &format!(
                "exists (select 1 from raisings r where r.petition_id = p.id and r.date >= ? and r.date <= ? and {})",
                visible::raising(vis, "r")
            ),
            [Arg::S(d(from)), Arg::S(d(to))],
        );
        if let Some(cond) = visible::petition(vis, "p") {
            w.and(&cond, []);
        }
        let sql = format!(
            "{}{} order by p.id limit {}",
            select(vis),
            w.sql(),
            limit.max(1)
        );
        let rows: Vec<Row> = crate::sql::bind_as(sqlx::query_as(&sql), &w.args)
            .fetch_all(&store.pool)
            .await?;
        let views = rows
            .into_iter()
            .map(PetitionView::try_from)
            .collect::<Result<Vec<_>>>()?;
        with_coordinating(&store.pool, views).await
    }

    /// Petitions visible to the caller counted by status, for the dashboard.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn petition_counts(&self, vis: &Visibility) -> Result<Vec<(PetitionStatus, i64)>> {
        let store = self.reading(vis);
        let cond = visible::petition(vis, "p")
            .map(|c| format!(" where {c}"))
            .unwrap_or_default();
        let rows: Vec<(String, i64)> = sqlx::query_as(&format!(
            "select p.status, count(*) from petitions p{cond} group by p.status order by p.status"
        ))
        .fetch_all(&store.pool)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(s, n)| PetitionStatus::parse(&s).map(|s| (s, n)))
            .collect())
    }
}
