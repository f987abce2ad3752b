//! Targets (chỉ tiêu), their measurements and plan amendments. The plan of an approved target
//! changes only through `amend_target`, which keeps the old value, the new one and the reason.

use dondoc_domain::input::{NewAmendment, NewMeasurement, NewTarget};
use dondoc_domain::target::{check_amendment, check_plan_edit, projected_percent, Figure};
use dondoc_domain::{Amendment, Id, Measurement, Qualifier, Target, Visibility};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use crate::sql::{
    contains_pattern, d, ensure_exists, flag, now_ms, page, pd, ts, updated, Arg, Page, Tx, Where,
};
use crate::{audit, visible, Result, Store, StoreError, Who};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TargetFilter {
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    pub unit_id: Option<Id>,
    pub q: Option<String>,
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    pub limit: Option<i64>,
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    pub offset: Option<i64>,
    /// Only targets of these units (a unit and those below it, set by a use case).
    #[serde(skip)]
    pub units: Option<Vec<Id>>,
    /// Only targets whose period meets these days, first and last (set by a use case).
    #[serde(skip)]
    pub during: Option<(jiff::civil::Date, jiff::civil::Date)>,
}

/// A target with its unit's name and where its latest measurement stands against the plan.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TargetView {
    #[serde(flatten)]
    pub target: Target,
    pub unit_name: String,
    pub latest: Option<Measurement>,
    pub percent_of_plan: Option<f64>,
    /// Where the target is heading at the end of its period, in percent of the plan then in
    /// force, when its latest figure is a running total (`target::projected_percent`).
    pub projected_percent: Option<f64>,
}

/// A measurement with the target it reports on, as a session page shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeasurementView {
    #[serde(flatten)]
    pub measurement: Measurement,
    pub indicator: String,
    pub measure: String,
    /// The target's plan as it stands.
    pub plan_value: f64,
    pub unit_name: String,
    /// The plan in force at the end of the figure's period, and the figure's percent of it.
    pub plan_in_force: f64,
    pub percent_of_plan: Option<f64>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    unit_id: i64,
    indicator: String,
    measure: String,
    period_from: String,
    period_to: String,
    plan_value: f64,
    document_id: Option<i64>,
    approved: i64,
    version: i64,
    unit_name: String,
}

const SELECT: &str = "select t.id, t.unit_id, t.indicator, t.measure, t.period_from, t.period_to, t.plan_value, t.document_id,
    t.approved, t.version, u.name as unit_name from targets t join units u on u.id = t.unit_id";

impl Row {
    fn split(self) -> Result<(Target, String)> {
        Ok((
            Target {
                id: self.id,
                unit_id: self.unit_id,
                indicator: self.indicator,
                measure: self.measure,
                period_from: pd(&self.period_from)?,
                period_to: pd(&self.period_to)?,
                plan_value: self.plan_value,
                document_id: self.document_id,
                approved: self.approved != 0,
                version: self.version,
            },
            self.unit_name,
        ))
    }
}

#[derive(sqlx::FromRow)]
struct MeasurementRow {
    id: i64,
    target_id: i64,
    period_from: String,
    period_to: String,
    value: f64,
    qualifier: String,
    estimated: i64,
    session_id: Option<i64>,
    wording: Option<String>,
}

const MEASUREMENT_COLS: &str = "m.id, m.target_id, m.period_from, m.period_to, m.value, m.qualifier, m.estimated, m.session_id, m.wording";

impl TryFrom<MeasurementRow> for Measurement {
    type Error = StoreError;
    fn try_from(r: MeasurementRow) -> Result<Self> {
        Ok(Measurement {
            id: r.id,
            target_id: r.target_id,
            period_from: pd(&r.period_from)?,
            period_to: pd(&r.period_to)?,
            value: r.value,
            qualifier: Qualifier::parse(&r.qualifier)
                .ok_or_else(|| StoreError::Corrupt(r.qualifier.clone()))?,
            estimated: r.estimated != 0,
            session_id: r.session_id,
            wording: r.wording,
        })
    }
}

/// Records a measurement of a target in the caller's transaction.
pub(crate) async fn insert_measurement(
    tx: &mut Tx<'_>,
    who: Who,
    target_id: Id,
    m: &NewMeasurement,
) -> Result<Measurement> {
    get_in(tx, target_id).await?;
    ensure_exists(tx, "sessions", m.session_id, "session_id").await?;
    let id: i64 = sqlx::query_scalar(
        "insert into measurements (target_id, period_from, period_to, value, qualifier, estimated, session_id, wording, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id",
    )
    .bind(target_id)
    .bind(d(m.period_from))
    .bind(d(m.period_to))
    .bind(m.value)
    .bind(m.qualifier.as_str())
    .bind(flag(m.estimated))
    .bind(m.session_id)
    .bind(&m.wording)
    .bind(now_ms())
    .fetch_one(&mut **tx)
    .await?;
    let measurement = Measurement {
        id,
        target_id,
        period_from: m.period_from,
        period_to: m.period_to,
        value: m.value,
        qualifier: m.qualifier,
        estimated: m.estimated,
        session_id: m.session_id,
        wording: m.wording.clone(),
    };
    audit::record(
        tx,
        who,
        "target",
        target_id,
        "measure",
        None,
        Some(&measurement),
    )
    .await?;
    Ok(measurement)
}

async fn get_in(tx: &mut Tx<'_>, id: Id) -> Result<(Target, String)> {
    let r: Option<Row> = sqlx::query_as(&format!("{SELECT} where t.id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    r.ok_or(StoreError::NotFound)?.split()
}

impl Store {
    /// Each target with its latest figure and where it stands against its plan: the
    /// measurements and amendments of all of them read in one query each.
    async fn views(
        &self,
        targets: Vec<(Target, String)>,
        vis: &Visibility,
    ) -> Result<Vec<TargetView>> {
        let ids: Vec<Id> = targets.iter().map(|(t, _)| t.id).collect();
        let mut measurements = self.measurements_of(&ids, vis).await?;
        let mut amendments = self.amendments_of(&ids).await?;
        Ok(targets
            .into_iter()
            .map(|(target, unit_name)| {
                let latest = measurements.remove(&target.id).and_then(|mut m| m.pop());
                let amendments = amendments.remove(&target.id).unwrap_or_default();
                let (percent, projected) = match &latest {
                    Some(m) => (
                        Figure::of(m.clone(), target.plan_value, &amendments).percent_of_plan,
                        projected_percent(&target, &amendments, m),
                    ),
                    None => (None, None),
                };
                TargetView {
                    target,
                    unit_name,
                    latest,
                    percent_of_plan: percent,
                    projected_percent: projected,
                }
            })
            .collect())
    }

    async fn view(
        &self,
        target: Target,
        unit_name: String,
        vis: &Visibility,
    ) -> Result<TargetView> {
        let mut views = self.views(vec![(target, unit_name)], vis).await?;
        views.pop().ok_or(StoreError::NotFound)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn targets(&self, f: &TargetFilter, vis: &Visibility) -> Result<Page<TargetView>> {
        let store = self.reading(vis);
        let mut w = Where::new();
        if let Some(u) = f.unit_id {
            w.and("t.unit_id = ?", [Arg::I(u)]);
        }
        match f.units.as_deref() {
            Some([]) => {
                w.and("1 = 0", []);
            }
            Some(units) => {
                w.and(
                    &format!("t.unit_id in ({})", crate::sql::id_list(units)),
                    [],
                );
            }
            None => {}
        }
        if let Some((first, last)) = f.during {
            w.and(
                "t.period_to >= ? and t.period_from <= ?",
                [Arg::S(d(first)), Arg::S(d(last))],
            );
        }
        if let Some(q) = f.q.as_deref().filter(|q| !q.trim().is_empty()) {
            w.and(
                "lower(t.indicator) like ? escape '\\'",
                [Arg::S(contains_pattern(&q.trim().to_lowercase()))],
            );
        }
        let order = "t.period_to desc, t.id";
        let page = page::<Row>(&store, SELECT, "targets t", &w, order, f.limit, f.offset).await?;
        let rows = page
            .items
            .into_iter()
            .map(Row::split)
            .collect::<Result<Vec<_>>>()?;
        let items = self.views(rows, vis).await?;
        Ok(Page {
            items,
            total: page.total,
            total_capped: page.total_capped,
            limit: page.limit,
            offset: page.offset,
            after: None,
            before: None,
        })
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn target(&self, id: Id, vis: &Visibility) -> Result<TargetView> {
        let store = self.reading(vis);
        let mut tx = store.read().await?;
        let (t, name) = get_in(&mut tx, id).await?;
        tx.commit().await?;
        self.view(t, name, vis).await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn create_target(&self, who: Who, new: &NewTarget) -> Result<Target> {
        let mut tx = self.begin().await?;
        ensure_exists(&mut tx, "units", Some(new.unit_id), "unit_id").await?;
        ensure_exists(&mut tx, "documents", new.document_id, "document_id").await?;
        let id: i64 = sqlx::query_scalar(
            "insert into targets (unit_id, indicator, measure, period_from, period_to, plan_value, document_id, approved, version, created_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9) returning id",
        )
        .bind(new.unit_id)
        .bind(&new.indicator)
        .bind(&new.measure)
        .bind(d(new.period_from))
        .bind(d(new.period_to))
        .bind(new.plan_value)
        .bind(new.document_id)
        .bind(flag(new.approved))
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?;
        let (t, _) = get_in(&mut tx, id).await?;
        audit::change(&mut tx, who, "create", None, &t).await?;
        tx.commit().await?;
        Ok(t)
    }

    /// Edits a target's description. An approved target's plan value is refused here: the
    /// caller must amend it.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn update_target(
        &self,
        who: Who,
        id: Id,
        version: i64,
        new: &NewTarget,
    ) -> Result<Target> {
        let mut tx = self.begin().await?;
        let (before, _) = get_in(&mut tx, id).await?;
        check_plan_edit(&before, new.plan_value)?;
        ensure_exists(&mut tx, "units", Some(new.unit_id), "unit_id").await?;
        ensure_exists(&mut tx, "documents", new.document_id, "document_id").await?;
        // Approval is one-way: an approved target stays approved.
        let approved = before.approved || new.approved;
        let n = sqlx::query(
            "update targets set unit_id = $1, indicator = $2, measure = $3, period_from = $4, period_to = $5, plan_value = $6,
             document_id = $7, approved = $8, version = version + 1 where id = $9 and version = $10",
        )
        .bind(new.unit_id)
        .bind(&new.indicator)
        .bind(&new.measure)
        .bind(d(new.period_from))
        .bind(d(new.period_to))
        .bind(new.plan_value)
        .bind(new.document_id)
        .bind(flag(approved))
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        updated(&mut tx, n, "targets", id).await?;
        let (after, _) = get_in(&mut tx, id).await?;
        audit::change(&mut tx, who, "update", Some(&before), &after).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Changes a plan value with a reason; the amendment and the audit event are written in
    /// the same transaction as the new value.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn amend_target(&self, who: Who, id: Id, a: &NewAmendment) -> Result<Amendment> {
        let mut tx = self.begin().await?;
        let (before, _) = get_in(&mut tx, id).await?;
        check_amendment(&before, a.new_value, &a.reason)?;
        let n = sqlx::query("update targets set plan_value = $1, version = version + 1 where id = $2 and version = $3")
            .bind(a.new_value)
            .bind(id)
            .bind(a.version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        updated(&mut tx, n, "targets", id).await?;
        crate::sql::ensure_exists(&mut tx, "documents", a.document_id, "document_id").await?;
        let at = now_ms();
        let aid: i64 = sqlx::query_scalar(
            "insert into amendments (target_id, old_value, new_value, reason, decided_on, document_id, user_id, at)
             values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
        )
        .bind(id)
        .bind(before.plan_value)
        .bind(a.new_value)
        .bind(&a.reason)
        .bind(crate::sql::od(a.decided_on))
        .bind(a.document_id)
        .bind(who.user_id)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        let (after, _) = get_in(&mut tx, id).await?;
        audit::change(&mut tx, who, "amend", Some(&before), &after).await?;
        tx.commit().await?;
        Ok(Amendment {
            id: aid,
            target_id: id,
            old_value: before.plan_value,
            new_value: a.new_value,
            reason: a.reason.clone(),
            decided_on: a.decided_on,
            document_id: a.document_id,
            user_id: who.user_id,
            at: ts(at),
        })
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn amendments(&self, target_id: Id) -> Result<Vec<Amendment>> {
        Ok(self
            .amendments_of(&[target_id])
            .await?
            .remove(&target_id)
            .unwrap_or_default())
    }

    /// The amendments of each of `ids` (in the order they were made), in one query.
    async fn amendments_of(&self, ids: &[Id]) -> Result<HashMap<Id, Vec<Amendment>>> {
        #[derive(sqlx::FromRow)]
        struct AmendmentRow {
            id: i64,
            target_id: i64,
            old_value: f64,
            new_value: f64,
            reason: String,
            decided_on: Option<String>,
            document_id: Option<i64>,
            user_id: Option<i64>,
            at: i64,
        }
        let mut out: HashMap<Id, Vec<Amendment>> = HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let rows: Vec<AmendmentRow> = sqlx::query_as(&format!(
            "select id, target_id, old_value, new_value, reason, decided_on, document_id, user_id, at
             from amendments where target_id in ({}) order by at, id",
            crate::sql::id_list(ids)
        ))
        .fetch_all(&self.pool)
        .await?;
        for r in rows {
            out.entry(r.target_id).or_default().push(Amendment {
                id: r.id,
                target_id: r.target_id,
                old_value: r.old_value,
                new_value: r.new_value,
                reason: r.reason,
                decided_on: crate::sql::opd(r.decided_on)?,
                document_id: r.document_id,
                user_id: r.user_id,
                at: ts(r.at),
            });
        }
        Ok(out)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn add_measurement(
        &self,
        who: Who,
        target_id: Id,
        m: &NewMeasurement,
    ) -> Result<Measurement> {
        let mut tx = self.begin().await?;
        let measurement = insert_measurement(&mut tx, who, target_id, m).await?;
        tx.commit().await?;
        Ok(measurement)
    }

    /// A target's measurements visible to the caller, oldest period first.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn measurements(&self, target_id: Id, vis: &Visibility) -> Result<Vec<Measurement>> {
        Ok(self
            .measurements_of(&[target_id], vis)
            .await?
            .remove(&target_id)
            .unwrap_or_default())
    }

    /// The measurements of each of `ids` visible to the caller, oldest period first, in one
    /// query.
    async fn measurements_of(
        &self,
        ids: &[Id],
        vis: &Visibility,
    ) -> Result<HashMap<Id, Vec<Measurement>>> {
        let mut out: HashMap<Id, Vec<Measurement>> = HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let store = self.reading(vis);
        let rows: Vec<MeasurementRow> = sqlx::query_as(&format!(
            "select {MEASUREMENT_COLS} from measurements m where m.target_id in ({}) and {} order by m.period_to, m.id",
            crate::sql::id_list(ids),
            visible::measurement(vis, "m")
        ))
        .fetch_all(&store.pool)
        .await?;
        for r in rows {
            out.entry(r.target_id)
                .or_default()
                .push(Measurement::try_from(r)?);
        }
        Ok(out)
    }

    /// The figures reported at a session, each against its target's plan (the caller has
    /// checked that the session is visible).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn session_measurements(&self, session_id: Id) -> Result<Vec<MeasurementView>> {
        #[derive(sqlx::FromRow)]
        struct MRow {
            #[sqlx(flatten)]
            m: MeasurementRow,
            indicator: String,
            measure: String,
            plan_value: f64,
            unit_name: String,
        }
        let rows: Vec<MRow> = sqlx::query_as(&format!(
            "select {MEASUREMENT_COLS}, t.indicator, t.measure, t.plan_value, u.name as unit_name
             from measurements m join targets t on t.id = m.target_id join units u on u.id = t.unit_id
             where m.session_id = $1 order by m.id"
        ))
        .bind(session_id)
        .fetch_all(&self.pool)
        .await?;
        let mut amendments: std::collections::HashMap<Id, Vec<Amendment>> = Default::default();
        for r in &rows {
            if let std::collections::hash_map::Entry::Vacant(e) = amendments.entry(r.m.target_id) {
                e.insert(self.amendments(r.m.target_id).await?);
            }
        }
        rows.into_iter()
            .map(|r| {
                let m = Measurement::try_from(r.m)?;
                let target = m.target_id;
                let f = Figure::of(m, r.plan_value, &amendments[&target]);
                Ok(MeasurementView {
                    measurement: f.measurement,
                    indicator: r.indicator,
                    measure: r.measure,
                    plan_value: r.plan_value,
                    unit_name: r.unit_name,
                    plan_in_force: f.plan_in_force,
                    percent_of_plan: f.percent_of_plan,
                })
            })
            .collect()
    }
}
