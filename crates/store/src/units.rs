//! Units: a tree of any depth that can be re-parented and merged; each change is audited, so
//! the tree's history is kept.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use dondoc_domain::input::NewUnit;
use dondoc_domain::unit::check_reparent;
use dondoc_domain::{Id, Unit, UnitKind};
use jiff::civil::Date;
use serde::Serialize;

use crate::sql::{d, ensure_exists, key, now_ms, opd, updated, Tx};
use crate::{audit, Result, Store, StoreError, Who};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    parent_id: Option<i64>,
    kind: String,
    name: String,
    short_name: Option<String>,
    dissolved_on: Option<String>,
    merged_into: Option<i64>,
    version: i64,
}

const COLS: &str = "id, parent_id, kind, name, short_name, dissolved_on, merged_into, version";

impl TryFrom<Row> for Unit {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        Ok(Unit {
            id: r.id,
            parent_id: r.parent_id,
            kind: UnitKind::parse(&r.kind).ok_or_else(|| StoreError::Corrupt(r.kind.clone()))?,
            name: r.name,
            short_name: r.short_name,
            dissolved_on: opd(r.dissolved_on)?,
            merged_into: r.merged_into,
            version: r.version,
        })
    }
}

/// Which units a list shows: the children of one unit (or the top of the tree), or those
/// whose name holds every word of `q`, a page at a time.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct UnitFilter {
    /// The children of this unit.
    pub parent_id: Option<Id>,
    /// Only the units at the top of the tree (no parent).
    #[serde(default)]
    pub top: bool,
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
    /// Only units of this kind that still exist (set by a use case).
    #[serde(skip)]
    pub living_of_kind: Option<UnitKind>,
}

/// The unit tree as last read, and the mark of the table it was read from (its count, highest
/// id and sum of versions): see [`Store::unit_tree`].
pub(crate) type TreeCache = Arc<Mutex<Option<((i64, i64, i64), Arc<Vec<UnitNode>>)>>>;

/// A unit placed in the tree, for display.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitNode {
    pub unit: Unit,
    pub depth: usize,
}

async fn get_in(tx: &mut Tx<'_>, id: Id) -> Result<Unit> {
    let row: Option<Row> = sqlx::query_as(&format!("select {COLS} from units where id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// Makes changes to the tree one at a time: two moves checked at once could each see no
/// cycle and together make one (A under B, B under A). SQLite's write transactions are one at
/// a time already; on PostgreSQL this lock is held until the transaction ends, and plain
/// reads of units go on.
async fn lock_tree(tx: &mut Tx<'_>, backend: crate::Backend) -> Result<()> {
    if backend == crate::Backend::Postgres {
        sqlx::query("lock table units in share row exclusive mode")
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

async fn ancestors_in(tx: &mut Tx<'_>, id: Id) -> Result<Vec<Id>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "with recursive up (id, parent_id, depth) as (
             select id, parent_id, 0 from units where id = $1
             union all select u.id, u.parent_id, up.depth + 1 from units u join up on u.id = up.parent_id where up.depth < 64)
         select id from up order by depth",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(ids)
}

impl Store {
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn units(&self) -> Result<Vec<Unit>> {
        let rows: Vec<Row> =
            sqlx::query_as(&format!("select {COLS} from units order by name_key, id"))
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter().map(Unit::try_from).collect()
    }

    /// The units of this kind still in being (not dissolved or merged), by name: the wards a
    /// resident files a petition to.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn units_of_kind(&self, kind: dondoc_domain::UnitKind) -> Result<Vec<Unit>> {
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "select {COLS} from units where kind = $1 and dissolved_on is null and merged_into is null
             order by name_key, id limit 1000"
        ))
        .bind(kind.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(Unit::try_from).collect()
    }

    /// All units in tree order (parents before children, siblings by name) with their depth.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn unit_tree(&self) -> Result<Arc<Vec<UnitNode>>> {
        // Every change of a unit adds to its version, every new unit to the count and the
        // highest id: while these three stand, the tree last read is the tree.
        let mark: (i64, i64, i64) = sqlx::query_as(
            "select count(*), coalesce(max(id), 0), cast(coalesce(sum(version), 0) as bigint) from units",
        )
        .fetch_one(&self.pool)
        .await?;
        if let Some((seen, tree)) = &*self.unit_tree.lock().expect("unit tree") {
            if *seen == mark {
                return Ok(tree.clone());
            }
        }
        let tree = Arc::new(self.read_unit_tree().await?);
        *self.unit_tree.lock().expect("unit tree") = Some((mark, tree.clone()));
        Ok(tree)
    }

    /// The tree read afresh (reading 5,000 units costs 50 ms on SQLite; [`Store::unit_tree`]
    /// keeps it).
    async fn read_unit_tree(&self) -> Result<Vec<UnitNode>> {
        let units = self.units().await?;
        let mut children: HashMap<Option<Id>, Vec<Unit>> = HashMap::new();
        for u in units {
            children.entry(u.parent_id).or_default().push(u);
        }
        let mut out = Vec::new();
        let mut stack: Vec<(Unit, usize)> = children
            .remove(&None)
            .unwrap_or_default()
            .into_iter()
            .rev()
            .map(|u| (u, 0))
            .collect();
        while let Some((u, depth)) = stack.pop() {
            if let Some(kids) = children.remove(&Some(u.id)) {
                stack.extend(kids.into_iter().rev().map(|k| (k, depth + 1)));
            }
            out.push(UnitNode { unit: u, depth });
        }
        Ok(out)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn unit(&self, id: Id) -> Result<Unit> {
        let mut tx = self.read().await?;
        let u = get_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(u)
    }

    /// The unit and every unit below it: what a user of that unit may act on. Read from the
    /// kept tree ([`Store::unit_tree`]), where a unit's subtree follows it; empty for no unit.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn unit_scope(&self, id: Id) -> Result<Vec<Id>> {
        let tree = self.unit_tree().await?;
        let Some(at) = tree.iter().position(|n| n.unit.id == id) else {
            return Ok(vec![]);
        };
        let depth = tree[at].depth;
        Ok(std::iter::once(id)
            .chain(
                tree[at + 1..]
                    .iter()
                    .take_while(|n| n.depth > depth)
                    .map(|n| n.unit.id),
            )
            .collect())
    }

    /// The unit and its ancestors, nearest first.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn unit_ancestors(&self, id: Id) -> Result<Vec<Id>> {
        let mut tx = self.read().await?;
        let ids = ancestors_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// A page of units as `f` says, by name.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn units_page(&self, f: &UnitFilter) -> Result<crate::Page<Unit>> {
        let mut w = crate::sql::Where::new();
        if let Some(p) = f.parent_id {
            w.and("parent_id = ?", [crate::sql::Arg::I(p)]);
        } else if f.top {
            w.and("parent_id is null", []);
        }
        w.search("name_key", f.q.as_deref());
        if let Some(kind) = f.living_of_kind {
            w.and(
                "kind = ? and dissolved_on is null",
                [crate::sql::Arg::S(kind.as_str().to_string())],
            );
        }
        crate::sql::page::<Row>(
            self,
            &format!("select {COLS} from units"),
            "units",
            &w,
            "name_key, id",
            f.limit,
            f.offset,
        )
        .await?
        .try_map(Unit::try_from)
    }

    /// How many units sit directly under each of `ids` (those with none are left out).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn child_counts(&self, ids: &[Id]) -> Result<HashMap<Id, i64>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows: Vec<(i64, i64)> = sqlx::query_as(&format!(
            "select parent_id, count(*) from units where parent_id in ({}) group by parent_id",
            crate::sql::id_list(ids)
        ))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().collect())
    }

    /// Units still standing whose folded name holds every word of `q`, each with its
    /// parent's name (two "Phường 1" are told apart by their district), shortest names first:
    /// what a unit picker offers as someone types.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn units_matching(&self, q: &str, limit: i64) -> Result<Vec<(Unit, Option<String>)>> {
        let mut w = crate::sql::Where::new();
        w.and("u.merged_into is null and u.dissolved_on is null", []);
        w.search("u.name_key", Some(q));
        let sql = format!(
            "select u.id, u.parent_id, u.kind, u.name, u.short_name, u.dissolved_on, \
             u.merged_into, u.version, p.name as parent_name \
             from units u left join units p on p.id = u.parent_id{} \
             order by length(u.name_key), u.name_key, u.id limit {}",
            w.sql(),
            limit.clamp(1, 100)
        );
        #[derive(sqlx::FromRow)]
        struct WithParent {
            #[sqlx(flatten)]
            unit: Row,
            parent_name: Option<String>,
        }
        let rows: Vec<WithParent> = crate::sql::bind_as(sqlx::query_as(&sql), &w.args)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|r| Ok((Unit::try_from(r.unit)?, r.parent_name)))
            .collect()
    }

    /// Finds a unit by its folded name ("phuong ha lam" finds "Phường Hà Lầm").
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn unit_by_name(&self, name: &str) -> Result<Option<Unit>> {
        let row: Option<Row> = sqlx::query_as(&format!(
            "select {COLS} from units where name_key = $1 order by id limit 1"
        ))
        .bind(key(name))
        .fetch_optional(&self.pool)
        .await?;
        row.map(Unit::try_from).transpose()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn create_unit(&self, who: Who, new: &NewUnit) -> Result<Unit> {
        let mut tx = self.begin().await?;
        ensure_exists(&mut tx, "units", new.parent_id, "parent_id").await?;
        let id: i64 = sqlx::query_scalar(
            "insert into units (parent_id, kind, name, short_name, name_key, version, created_at) values ($1, $2, $3, $4, $5, 1, $6) returning id",
        )
        .bind(new.parent_id)
        .bind(new.kind.as_str())
        .bind(&new.name)
        .bind(&new.short_name)
        .bind(key(&new.name))
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?;
        let unit = get_in(&mut tx, id).await?;
        audit::change(&mut tx, who, "create", None, &unit).await?;
        tx.commit().await?;
        Ok(unit)
    }

    /// Renames, re-kinds or moves a unit; refuses a move under itself or a descendant.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn update_unit(&self, who: Who, id: Id, version: i64, new: &NewUnit) -> Result<Unit> {
        let mut tx = self.begin().await?;
        lock_tree(&mut tx, self.backend()).await?;
        let before = get_in(&mut tx, id).await?;
        if let Some(p) = new.parent_id {
            ensure_exists(&mut tx, "units", Some(p), "parent_id").await?;
            check_reparent(id, Some(p), &ancestors_in(&mut tx, p).await?)?;
        }
        let n = sqlx::query(
            "update units set parent_id = $1, kind = $2, name = $3, short_name = $4, name_key = $5, version = version + 1
             where id = $6 and version = $7",
        )
        .bind(new.parent_id)
        .bind(new.kind.as_str())
        .bind(&new.name)
        .bind(&new.short_name)
        .bind(key(&new.name))
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        updated(&mut tx, n, "units", id).await?;
        let after = get_in(&mut tx, id).await?;
        audit::change(&mut tx, who, "update", Some(&before), &after).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Merges `id` into `into` (as the 2025 reform merged wards): the unit is marked dissolved,
    /// its children move under `into`, and its open petitions and directives follow, in one
    /// transaction.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn merge_unit(
        &self,
        who: Who,
        id: Id,
        version: i64,
        into: Id,
        on: Date,
    ) -> Result<Unit> {
        let mut tx = self.begin().await?;
        lock_tree(&mut tx, self.backend()).await?;
        let before = get_in(&mut tx, id).await?;
        ensure_exists(&mut tx, "units", Some(into), "merged_into").await?;
        // Into a unit that is itself gone, a merge would point nowhere (or back: A into B,
        // then B into A).
        let target = get_in(&mut tx, into).await?;
        if target.merged_into.is_some() || target.dissolved_on.is_some() {
            return Err(StoreError::Invalid(dondoc_domain::Invalid::one(
                "merged_into",
                dondoc_domain::FieldCode::Dissolved,
            )));
        }
        check_reparent(id, Some(into), &ancestors_in(&mut tx, into).await?).map_err(|_| {
            StoreError::Invalid(dondoc_domain::Invalid::one(
                "merged_into",
                dondoc_domain::FieldCode::Cycle,
            ))
        })?;
        let n = sqlx::query(
            "update units set merged_into = $1, dissolved_on = $2, version = version + 1 where id = $3 and version = $4 and merged_into is null",
        )
        .bind(into)
        .bind(d(on))
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        updated(&mut tx, n, "units", id).await?;
        sqlx::query("update units set parent_id = $1, version = version + 1 where parent_id = $2")
            .bind(into)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(&format!(
            "update petitions set responsible_unit_id = $1, version = version + 1 where responsible_unit_id = $2 and status not in ({})",
            dondoc_domain::PetitionStatus::closed_sql()
        ))
        .bind(into)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "update directives set lead_unit_id = $1, version = version + 1 where lead_unit_id = $2 and status in ('assigned', 'in_progress')",
        )
        .bind(into)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let after = get_in(&mut tx, id).await?;
        audit::change(&mut tx, who, "merge", Some(&before), &after).await?;
        tx.commit().await?;
        Ok(after)
    }
}
