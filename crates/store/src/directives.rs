//! Directives (nhiệm vụ, kết luận chỉ đạo): lead and coordinating units, deadline and its
//! extensions, progress reports. Overdue and done-late are derived from dates when read.

use dondoc_domain::directive::DirectiveAction;
use dondoc_domain::directive::{timeliness, DirectiveUpdate, Timeliness, DUE_SOON_DAYS};
use dondoc_domain::input::{NewDirective, NewExtension, NewProgress};
use dondoc_domain::{
    Directive, DirectiveStatus, DirectiveStep, Evidence, Extension, Id, ProgressReport, Visibility,
};
use std::collections::HashMap;

use jiff::civil::Date;
use jiff::ToSpan;
use serde::{Deserialize, Serialize};

use crate::sql::{
    d, ensure_exists, key, now_ms, od, opd, page, pd, ts, updated, Arg, Page, Tx, Where,
};
use crate::{audit, follow, visible, Result, Store, StoreError, Who};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct DirectiveFilter {
    pub q: Option<String>,
    pub status: Option<String>,
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    pub lead_unit_id: Option<Id>,
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    pub session_id: Option<Id>,
    /// `overdue`: open with a deadline before today; `due_soon`: open, due within 14 days.
    pub due: Option<String>,
    /// With `lead_unit_id`: that unit and every unit below it.
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_bool")]
    pub subtree: Option<bool>,
    /// A deadline on or after, on or before (`YYYY-MM-DD`).
    pub deadline_from: Option<String>,
    pub deadline_to: Option<String>,
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    pub limit: Option<i64>,
    #[serde(default, deserialize_with = "dondoc_domain::input::opt_i64")]
    pub offset: Option<i64>,
    /// The units of `lead_unit_id`'s subtree (set by the use case when `subtree` is asked).
    #[serde(skip)]
    pub lead_units: Option<Vec<Id>>,
    /// Only those still open that one of these units leads or coordinates: a unit's inbox
    /// (set by the use case from the caller's scope, never from a request).
    #[serde(skip)]
    pub open_for_units: Option<Vec<Id>>,
    /// A page without its count (a search that ranks the first rows and shows no total).
    #[serde(skip)]
    pub uncounted: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectiveView {
    #[serde(flatten)]
    pub directive: Directive,
    pub lead_name: Option<String>,
    pub coordinating_names: Vec<String>,
    pub session_title: Option<String>,
    pub timeliness: Timeliness,
}

/// What was last said of a directive's work: a progress report, or the report of it done
/// (which has no percent).
#[derive(Debug, Clone, PartialEq)]
pub struct DirectiveNote {
    pub date: Date,
    pub percent: Option<i64>,
    pub text: String,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    session_id: Option<i64>,
    text: String,
    issued_by_person_id: Option<i64>,
    lead_unit_id: Option<i64>,
    deadline: Option<String>,
    deadline_text: Option<String>,
    status: String,
    done_on: Option<String>,
    progress_percent: i64,
    version: i64,
    lead_name: Option<String>,
    session_title: Option<String>,
}

/// The columns of a directive; its session's title only where that session is visible.
fn select(vis: &Visibility) -> String {
    let title = match visible::session(vis, "s") {
        Some(cond) => format!("case when {cond} then s.title end"),
        None => "s.title".into(),
    };
    format!(
        "select dv.id, dv.session_id, dv.text, dv.issued_by_person_id, dv.lead_unit_id, dv.deadline, dv.deadline_text,
    dv.status, dv.done_on, dv.progress_percent, dv.version, u.name as lead_name, {title} as session_title
    from directives dv left join units u on u.id = dv.lead_unit_id left join sessions s on s.id = dv.session_id"
    )
}

/// The coordinating units (id, name) of each of the directives `ids`, in one query.
async fn coordinating_of(
    tx: &mut Tx<'_>,
    ids: &[Id],
) -> Result<std::collections::HashMap<Id, Vec<(Id, String)>>> {
    let mut by_directive: std::collections::HashMap<Id, Vec<(Id, String)>> =
        std::collections::HashMap::new();
    if ids.is_empty() {
        return Ok(by_directive);
    }
    let rows: Vec<(i64, i64, String)> = sqlx::query_as(&format!(
        "select du.directive_id, u.id, u.name from directive_units du join units u on u.id = du.unit_id
         where du.directive_id in ({}) order by du.directive_id, u.name_key",
        crate::sql::id_list(ids)
    ))
    .fetch_all(&mut **tx)
    .await?;
    for (directive, unit, name) in rows {
        by_directive
            .entry(directive)
            .or_default()
            .push((unit, name));
    }
    Ok(by_directive)
}

async fn view(tx: &mut Tx<'_>, r: Row, today: Date) -> Result<DirectiveView> {
    let coordinating = coordinating_of(tx, &[r.id])
        .await?
        .remove(&r.id)
        .unwrap_or_default();
    view_with(r, coordinating, today)
}

fn view_with(r: Row, coordinating: Vec<(Id, String)>, today: Date) -> Result<DirectiveView> {
    let status =
        DirectiveStatus::parse(&r.status).ok_or_else(|| StoreError::Corrupt(r.status.clone()))?;
    let deadline = opd(r.deadline)?;
    let done_on = opd(r.done_on)?;
    Ok(DirectiveView {
        directive: Directive {
            id: r.id,
            session_id: r.session_id,
            text: r.text,
            issued_by_person_id: r.issued_by_person_id,
            lead_unit_id: r.lead_unit_id,
            coordinating_unit_ids: coordinating.iter().map(|(id, _)| *id).collect(),
            deadline,
            deadline_text: r.deadline_text,
            status,
            done_on,
            progress_percent: r.progress_percent,
            version: r.version,
        },
        lead_name: r.lead_name,
        coordinating_names: coordinating.into_iter().map(|(_, n)| n).collect(),
        session_title: r.session_title,
        timeliness: timeliness(status, deadline, done_on, today),
    })
}

/// A directive as written, for the audit trail of a change.
async fn get_in(tx: &mut Tx<'_>, id: Id, today: Date) -> Result<DirectiveView> {
    let r: Option<Row> = sqlx::query_as(&format!("{} where dv.id = $1", select(&Visibility::All)))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    view(tx, r.ok_or(StoreError::NotFound)?, today).await
}

pub(crate) async fn insert_directive(tx: &mut Tx<'_>, who: Who, new: &NewDirective) -> Result<Id> {
    ensure_exists(tx, "sessions", new.session_id, "session_id").await?;
    ensure_exists(tx, "people", new.issued_by_person_id, "issued_by_person_id").await?;
    ensure_exists(tx, "units", new.lead_unit_id, "lead_unit_id").await?;
    for u in &new.coordinating_unit_ids {
        ensure_exists(tx, "units", Some(*u), "coordinating_unit_ids").await?;
    }
    let id: i64 = sqlx::query_scalar(
        "insert into directives (session_id, text, text_key, issued_by_person_id, lead_unit_id, deadline, deadline_text, status,
         progress_percent, version, created_at) values ($1, $2, $3, $4, $5, $6, $7, 'assigned', 0, 1, $8) returning id",
    )
    .bind(new.session_id)
    .bind(&new.text)
    .bind(key(&new.text))
    .bind(new.issued_by_person_id)
    .bind(new.lead_unit_id)
    .bind(od(new.deadline))
    .bind(&new.deadline_text)
    .bind(now_ms())
    .fetch_one(&mut **tx)
    .await?;
    for u in &new.coordinating_unit_ids {
        sqlx::query("insert into directive_units (directive_id, unit_id) values ($1, $2)")
            .bind(id)
            .bind(*u)
            .execute(&mut **tx)
            .await?;
    }
    tell_units(
        tx,
        who,
        id,
        (None, &[]),
        (new.lead_unit_id, &new.coordinating_unit_ids),
    )
    .await?;
    Ok(id)
}

/// Keeps one progress report, under the unit it is from.
async fn insert_report(
    tx: &mut Tx<'_>,
    who: Who,
    id: Id,
    unit: Option<Id>,
    share: bool,
    p: &NewProgress,
) -> Result<()> {
    sqlx::query(
        "insert into progress_reports (directive_id, date, percent, text, user_id, at, unit_id, share)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(d(p.date))
    .bind(p.percent)
    .bind(&p.text)
    .bind(who.user_id)
    .bind(now_ms())
    .bind(unit)
    .bind(i64::from(share))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Leaves the follow-up job an event for each unit newly given a directive to lead or to
/// coordinate.
async fn tell_units(
    tx: &mut Tx<'_>,
    who: Who,
    id: Id,
    before: (Option<Id>, &[Id]),
    after: (Option<Id>, &[Id]),
) -> Result<()> {
    let lead = |l: Option<Id>| l.into_iter().collect::<Vec<_>>();
    follow::assigned(
        tx,
        "assigned",
        "directive",
        id,
        &lead(before.0),
        &lead(after.0),
        who.user_id,
    )
    .await?;
    let coordinating = |l: Option<Id>, c: &[Id]| {
        c.iter()
            .copied()
            .filter(|u| Some(*u) != l)
            .collect::<Vec<_>>()
    };
    follow::assigned(
        tx,
        "coordinating",
        "directive",
        id,
        &coordinating(before.0, before.1),
        &coordinating(after.0, after.1),
        who.user_id,
    )
    .await
}

/// Keeps an extension: the old deadline, the new one, the reason and who approved it.
pub(crate) async fn insert_extension(
    tx: &mut Tx<'_>,
    who: Who,
    id: Id,
    old: Option<Date>,
    new: Date,
    reason: &str,
) -> Result<()> {
    sqlx::query(
        "insert into extensions (directive_id, old_deadline, new_deadline, reason, approved_by, at) values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(od(old))
    .bind(d(new))
    .bind(reason)
    .bind(who.user_id)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A change the domain decided (`DirectiveStatus::transition`, `DirectiveStatus::progress`),
/// written only if the directive is still at the version and status it was decided from.
#[derive(Debug, Clone)]
pub struct DirectiveChange {
    pub version: i64,
    pub from: DirectiveStatus,
    pub update: DirectiveUpdate,
    /// A step of closure to record with it (and tell the other side of).
    pub step: Option<Step>,
}

/// A step of closure as the caller took it.
#[derive(Debug, Clone)]
pub struct Step {
    pub action: DirectiveAction,
    pub date: Date,
    pub text: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ExtensionRow {
    id: i64,
    directive_id: i64,
    old_deadline: Option<String>,
    new_deadline: String,
    reason: String,
    approved_by: Option<i64>,
    at: i64,
}

/// Writes a decided change with its audit event; refused when the directive moved on since
/// the caller read it (its version or status changed).
async fn change_in(
    tx: &mut Tx<'_>,
    who: Who,
    id: Id,
    change: DirectiveChange,
    today: Date,
    action: &str,
    said: Option<serde_json::Value>,
) -> Result<DirectiveView> {
    let before = get_in(tx, id, today).await?;
    let DirectiveUpdate {
        status,
        progress_percent,
        done_on,
    } = change.update;
    let n = sqlx::query(
        "update directives set status = $1, done_on = $2, progress_percent = $3, version = version + 1
         where id = $4 and version = $5 and status = $6",
    )
    .bind(status.as_str())
    .bind(od(done_on))
    .bind(progress_percent)
    .bind(id)
    .bind(change.version)
    .bind(change.from.as_str())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    updated(tx, n, "directives", id).await?;
    let after = get_in(tx, id, today).await?;
    match said {
        None => audit::change(tx, who, action, Some(&before.directive), &after.directive).await?,
        // A report: the record after it, with whose report it was and what it said.
        Some(said) => {
            let as_json = |d: &Directive| serde_json::to_value(d).unwrap_or_default();
            let mut with = as_json(&after.directive);
            if let (Some(obj), serde_json::Value::Object(said)) = (with.as_object_mut(), said) {
                obj.extend(said);
            }
            let before = as_json(&before.directive);
            audit::record(tx, who, "directive", id, action, Some(&before), Some(&with)).await?
        }
    }
    Ok(after)
}

impl Store {
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn directives(
        &self,
        f: &DirectiveFilter,
        vis: &Visibility,
        today: Date,
    ) -> Result<Page<DirectiveView>> {
        let store = self.reading(vis);
        let mut w = Where::new();
        if !self
            .search_words(&mut w, crate::words::DIRECTIVES, "dv", f.q.as_deref())
            .await?
        {
            return Ok(Page::empty(f.limit, f.offset));
        }
        w.uncounted = f.uncounted;
        if let Some(s) = f.status.as_deref().filter(|s| !s.is_empty()) {
            w.and("dv.status = ?", [Arg::S(s.to_string())]);
        }
        let lead = match (&f.lead_units, f.lead_unit_id) {
            (Some(units), _) if units.is_empty() => return Ok(Page::empty(f.limit, f.offset)),
            (Some(units), _) => Some((
                format!("dv.lead_unit_id in ({})", crate::sql::id_list(units)),
                vec![],
            )),
            (None, Some(u)) => Some(("dv.lead_unit_id = ?".to_string(), vec![Arg::I(u)])),
            (None, None) => None,
        };
        if let Some((cond, args)) = lead {
            // Some units' directives: read by id when few (see `few_ids`); when many, found
            // along the order's walk (`+` keeps the units' index from serving the condition:
            // SQLite would read every directive it finds there, and sort them).
            let mut units = Where::new();
            units.and(&cond, args.clone());
            match crate::sql::few_ids(&store, "directives dv", "dv.id", &units).await? {
                Some(ids) if ids.is_empty() => return Ok(Page::empty(f.limit, f.offset)),
                Some(ids) => {
                    w.and(&format!("dv.id in ({})", crate::sql::id_list(&ids)), []);
                    w.and(&cond, args);
                }
                None => {
                    w.and(&format!("+{cond}"), args);
                }
            }
        }
        if let Some(s) = f.session_id {
            w.and("dv.session_id = ?", [Arg::I(s)]);
        }
        if let Some(day) = f.deadline_from.as_deref().filter(|d| !d.is_empty()) {
            w.and("dv.deadline >= ?", [Arg::S(day.to_string())]);
        }
        if let Some(day) = f.deadline_to.as_deref().filter(|d| !d.is_empty()) {
            w.and("dv.deadline <= ?", [Arg::S(day.to_string())]);
        }
        match f.due.as_deref() {
            Some("overdue") => {
                // Written on the list's order, so that one index serves the range and the
                // order (no deadline counts as the last day there is).
                w.and(
                    "dv.status in ('assigned', 'in_progress') and coalesce(dv.deadline, '9999-12-31') < ?",
                    [Arg::S(d(today))],
                );
            }
            Some("due_soon") => {
                let until = today.checked_add(DUE_SOON_DAYS.days()).unwrap_or(today);
                w.and("dv.status in ('assigned', 'in_progress') and coalesce(dv.deadline, '9999-12-31') >= ? and coalesce(dv.deadline, '9999-12-31') <= ?", [
                    Arg::S(d(today)),
                    Arg::S(d(until)),
                ]);
            }
            Some("upcoming") => {
                // Open, and not yet overdue: the public home page's deadlines to come.
                w.and(
                    "dv.status in ('assigned', 'in_progress') and coalesce(dv.deadline, '9999-12-31') >= ?",
                    [Arg::S(d(today))],
                );
            }
            _ => {}
        }
        if let Some(units) = &f.open_for_units {
            if units.is_empty() {
                w.and("1 = 0", []);
            } else {
                let ids = crate::sql::id_list(units);
                w.and(
                    &format!(
                        "dv.status in ('assigned', 'in_progress') and (dv.lead_unit_id in ({ids}) \
                         or dv.id in (select du.directive_id from directive_units du where du.unit_id in ({ids})))"
                    ),
                    [],
                );
            }
        }
        if let Some(cond) = visible::directive(vis, "dv") {
            w.and(&cond, []);
        }
        // Served by an index on the same expression (see the migration "scale").
        let order = "coalesce(dv.deadline, '9999-12-31'), dv.id";
        let page = page::<Row>(
            &store,
            &select(vis),
            "directives dv",
            &w,
            order,
            f.limit,
            f.offset,
        )
        .await?;
        let ids: Vec<Id> = page.items.iter().map(|r| r.id).collect();
        let mut tx = store.read().await?;
        let mut coordinating = coordinating_of(&mut tx, &ids).await?;
        tx.commit().await?;
        page.try_map(|r| {
            let units = coordinating.remove(&r.id).unwrap_or_default();
            view_with(r, units, today)
        })
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn directive(&self, id: Id, vis: &Visibility, today: Date) -> Result<DirectiveView> {
        let store = self.reading(vis);
        let mut tx = store.read().await?;
        let r: Option<Row> = sqlx::query_as(&format!(
            "{} where dv.id = $1{}",
            select(vis),
            visible::and(visible::directive(vis, "dv"))
        ))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let v = view(&mut tx, r.ok_or(StoreError::NotFound)?, today).await?;
        tx.commit().await?;
        Ok(v)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn create_directive(
        &self,
        who: Who,
        new: &NewDirective,
        today: Date,
    ) -> Result<DirectiveView> {
        let mut tx = self.begin().await?;
        let id = insert_directive(&mut tx, who, new).await?;
        let v = get_in(&mut tx, id, today).await?;
        audit::change(&mut tx, who, "create", None, &v.directive).await?;
        tx.commit().await?;
        Ok(v)
    }

    /// Rewords a directive or changes its units. The deadline is not changed here: a new
    /// deadline is an extension, with its reason.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn update_directive(
        &self,
        who: Who,
        id: Id,
        version: i64,
        new: &NewDirective,
        today: Date,
    ) -> Result<DirectiveView> {
        let mut tx = self.begin().await?;
        let before = get_in(&mut tx, id, today).await?;
        ensure_exists(
            &mut tx,
            "people",
            new.issued_by_person_id,
            "issued_by_person_id",
        )
        .await?;
        ensure_exists(&mut tx, "units", new.lead_unit_id, "lead_unit_id").await?;
        for u in &new.coordinating_unit_ids {
            ensure_exists(&mut tx, "units", Some(*u), "coordinating_unit_ids").await?;
        }
        let n = sqlx::query(
            "update directives set text = $1, text_key = $2, issued_by_person_id = $3, lead_unit_id = $4, deadline_text = $5,
             version = version + 1 where id = $6 and version = $7",
        )
        .bind(&new.text)
        .bind(key(&new.text))
        .bind(new.issued_by_person_id)
        .bind(new.lead_unit_id)
        .bind(&new.deadline_text)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        updated(&mut tx, n, "directives", id).await?;
        sqlx::query("delete from directive_units where directive_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for u in &new.coordinating_unit_ids {
            sqlx::query("insert into directive_units (directive_id, unit_id) values ($1, $2)")
                .bind(id)
                .bind(*u)
                .execute(&mut *tx)
                .await?;
        }
        let after = get_in(&mut tx, id, today).await?;
        tell_units(
            &mut tx,
            who,
            id,
            (
                before.directive.lead_unit_id,
                &before.directive.coordinating_unit_ids,
            ),
            (
                after.directive.lead_unit_id,
                &after.directive.coordinating_unit_ids,
            ),
        )
        .await?;
        audit::change(
            &mut tx,
            who,
            "update",
            Some(&before.directive),
            &after.directive,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Moves a directive as the domain decided.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn transition_directive(
        &self,
        who: Who,
        id: Id,
        change: DirectiveChange,
        today: Date,
    ) -> Result<DirectiveView> {
        let mut tx = self.begin().await?;
        // The history names the step taken (reported, returned, …), not only the status.
        let action = change
            .step
            .as_ref()
            .map_or(change.update.status.as_str(), |s| s.action.as_str());
        let step = change.step.clone();
        let after = change_in(&mut tx, who, id, change, today, action, None).await?;
        if let Some(step) = step {
            sqlx::query(
                "insert into directive_steps (directive_id, action, date, text, user_id, at) values ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(step.action.as_str())
            .bind(d(step.date))
            .bind(&step.text)
            .bind(who.user_id)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
            // The other side hears of it: the issuer's of a report, the assignee's of a
            // decision.
            let kind = match step.action {
                DirectiveAction::Report => Some("reported"),
                DirectiveAction::Return => Some("returned"),
                DirectiveAction::Accept => Some("accepted"),
                _ => None,
            };
            if let (Some(kind), Some(unit)) = (kind, after.directive.lead_unit_id) {
                follow::event(
                    &mut tx,
                    kind,
                    "directive",
                    id,
                    unit,
                    who.user_id,
                    step.text.as_deref(),
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(after)
    }

    /// Records a progress report and the change the domain decided for it.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn add_progress(
        &self,
        who: Who,
        id: Id,
        p: &NewProgress,
        change: DirectiveChange,
        today: Date,
    ) -> Result<DirectiveView> {
        let mut tx = self.begin().await?;
        // The lead's report: under the lead unit as it is when reported.
        let lead: Option<Option<i64>> =
            sqlx::query_scalar("select lead_unit_id from directives where id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let lead = lead.ok_or(StoreError::NotFound)?;
        insert_report(&mut tx, who, id, lead, false, p).await?;
        // The history says whose report it was and what it said.
        let said = serde_json::json!({ "unit_id": lead, "date": d(p.date), "report_text": p.text });
        let after = change_in(&mut tx, who, id, change, today, "progress", Some(said)).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Records a coordinating unit's report of its own part: written against the version
    /// read, while the directive is open and the unit still coordinates it; the directive's
    /// status and overall progress (the lead unit's) do not move. The lead unit hears of it.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn add_share_progress(
        &self,
        who: Who,
        id: Id,
        unit: Id,
        p: &NewProgress,
        today: Date,
    ) -> Result<DirectiveView> {
        let mut tx = self.begin().await?;
        let current = get_in(&mut tx, id, today).await?;
        if current.directive.version != p.version {
            return Err(StoreError::Conflict);
        }
        if !current.directive.coordinating_unit_ids.contains(&unit) {
            return Err(dondoc_domain::Invalid::one(
                "unit_id",
                dondoc_domain::FieldCode::InvalidChoice,
            )
            .into());
        }
        insert_report(&mut tx, who, id, Some(unit), true, p).await?;
        let said = serde_json::json!({
            "unit_id": unit, "percent": p.percent, "date": d(p.date), "report_text": p.text,
        });
        audit::record(
            &mut tx,
            who,
            "directive",
            id,
            "progress_share",
            None,
            Some(&said),
        )
        .await?;
        if let Some(lead) = current.directive.lead_unit_id {
            follow::event(
                &mut tx,
                "share_reported",
                "directive",
                id,
                lead,
                who.user_id,
                Some(&p.text),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(current)
    }

    /// Extends the deadline: the extension keeps the old date, the new one, the reason and who approved it.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn extend_directive(
        &self,
        who: Who,
        id: Id,
        e: &NewExtension,
        today: Date,
    ) -> Result<DirectiveView> {
        let mut tx = self.begin().await?;
        let before = get_in(&mut tx, id, today).await?;
        let n = sqlx::query("update directives set deadline = $1, version = version + 1 where id = $2 and version = $3")
            .bind(d(e.new_deadline))
            .bind(id)
            .bind(e.version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        updated(&mut tx, n, "directives", id).await?;
        insert_extension(
            &mut tx,
            who,
            id,
            before.directive.deadline,
            e.new_deadline,
            &e.reason,
        )
        .await?;
        let after = get_in(&mut tx, id, today).await?;
        audit::change(
            &mut tx,
            who,
            "extend",
            Some(&before.directive),
            &after.directive,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The steps of a directive's closure, oldest first.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn directive_steps(&self, id: Id) -> Result<Vec<DirectiveStep>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            directive_id: i64,
            action: String,
            date: String,
            text: Option<String>,
            user_id: Option<i64>,
            user_name: Option<String>,
            at: i64,
        }
        let rows: Vec<Row> = sqlx::query_as(
            "select s.id, s.directive_id, s.action, s.date, s.text, s.user_id, u.display_name as user_name, s.at
             from directive_steps s left join users u on u.id = s.user_id where s.directive_id = $1 order by s.id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(DirectiveStep {
                    id: r.id,
                    directive_id: r.directive_id,
                    action: r.action,
                    date: pd(&r.date)?,
                    text: r.text,
                    user_id: r.user_id,
                    user_name: r.user_name,
                    at: crate::sql::ts(r.at),
                })
            })
            .collect()
    }

    /// Keeps a file backing a directive's result (checked by the caller).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn add_evidence(
        &self,
        who: Who,
        directive_id: Id,
        name: &str,
        media_type: &str,
        data: &[u8],
    ) -> Result<Evidence> {
        let mut tx = self.begin().await?;
        ensure_exists(&mut tx, "directives", Some(directive_id), "directive_id").await?;
        let at = now_ms();
        let id: i64 = sqlx::query_scalar(
            "insert into evidence (directive_id, name, media_type, size, data, user_id, at) values ($1, $2, $3, $4, $5, $6, $7) returning id",
        )
        .bind(directive_id)
        .bind(name)
        .bind(media_type)
        .bind(data.len() as i64)
        .bind(data.to_vec())
        .bind(who.user_id)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        let e = serde_json::json!({ "evidence_id": id, "name": name, "media_type": media_type, "size": data.len() });
        audit::record(
            &mut tx,
            who,
            "directive",
            directive_id,
            "add_evidence",
            None,
            Some(&e),
        )
        .await?;
        tx.commit().await?;
        self.evidence_list(directive_id)
            .await?
            .into_iter()
            .find(|e| e.id == id)
            .ok_or(StoreError::NotFound)
    }

    /// The files backing a directive's result, oldest first.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn evidence_list(&self, directive_id: Id) -> Result<Vec<Evidence>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            directive_id: i64,
            name: String,
            media_type: String,
            size: i64,
            user_name: Option<String>,
            at: i64,
        }
        let rows: Vec<Row> = sqlx::query_as(
            "select e.id, e.directive_id, e.name, e.media_type, e.size, u.display_name as user_name, e.at
             from evidence e left join users u on u.id = e.user_id where e.directive_id = $1 order by e.id",
        )
        .bind(directive_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| Evidence {
                id: r.id,
                directive_id: r.directive_id,
                name: r.name,
                media_type: r.media_type,
                size: r.size,
                user_name: r.user_name,
                at: crate::sql::ts(r.at),
            })
            .collect())
    }

    /// One evidence file of a directive, with its bytes.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn evidence_file(&self, directive_id: Id, id: Id) -> Result<(Evidence, Vec<u8>)> {
        let data: Option<Vec<u8>> =
            sqlx::query_scalar("select data from evidence where id = $1 and directive_id = $2")
                .bind(id)
                .bind(directive_id)
                .fetch_optional(&self.pool)
                .await?;
        let data = data.ok_or(StoreError::NotFound)?;
        let meta = self
            .evidence_list(directive_id)
            .await?
            .into_iter()
            .find(|e| e.id == id)
            .ok_or(StoreError::NotFound)?;
        Ok((meta, data))
    }

    /// A directive's progress reports, oldest first, each with the unit it is from.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn progress_reports(&self, id: Id) -> Result<Vec<ProgressReport>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            directive_id: i64,
            date: String,
            percent: i64,
            text: String,
            user_id: Option<i64>,
            unit_id: Option<i64>,
            unit_name: Option<String>,
            share: i64,
        }
        let rows: Vec<Row> = sqlx::query_as(
            "select p.id, p.directive_id, p.date, p.percent, p.text, p.user_id, p.unit_id, u.name as unit_name, p.share
             from progress_reports p left join units u on u.id = p.unit_id
             where p.directive_id = $1 order by p.date, p.id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(ProgressReport {
                    id: r.id,
                    directive_id: r.directive_id,
                    date: pd(&r.date)?,
                    percent: r.percent,
                    text: r.text,
                    user_id: r.user_id,
                    unit_id: r.unit_id,
                    unit_name: r.unit_name,
                    share: r.share != 0,
                })
            })
            .collect()
    }

    /// The latest word on each of `ids`: its last progress report or its last report of the
    /// work done, whichever is later (by day, then as recorded).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn latest_notes(&self, ids: &[Id]) -> Result<HashMap<Id, DirectiveNote>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let list = crate::sql::id_list(ids);
        let rows: Vec<(i64, String, Option<i64>, String, i64)> = sqlx::query_as(&format!(
            "select directive_id, date, percent, text, at from progress_reports where directive_id in ({list}) and share = 0
             union all
             select directive_id, date, null, text, at from directive_steps
             where directive_id in ({list}) and action = 'report' and text is not null"
        ))
        .fetch_all(&self.pool)
        .await?;
        let mut latest: HashMap<Id, (Date, i64, Option<i64>, String)> = HashMap::new();
        for (id, date, percent, text, at) in rows {
            let date = pd(&date)?;
            match latest.get(&id) {
                Some((d0, at0, _, _)) if (*d0, *at0) >= (date, at) => {}
                _ => {
                    latest.insert(id, (date, at, percent, text));
                }
            }
        }
        Ok(latest
            .into_iter()
            .map(|(id, (date, _, percent, text))| {
                let note = DirectiveNote {
                    date,
                    percent,
                    text,
                };
                (id, note)
            })
            .collect())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn extensions(&self, id: Id) -> Result<Vec<Extension>> {
        let rows: Vec<ExtensionRow> = sqlx::query_as(
            "select id, directive_id, old_deadline, new_deadline, reason, approved_by, at from extensions where directive_id = $1 order by at, id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(Extension {
                    id: r.id,
                    directive_id: r.directive_id,
                    old_deadline: opd(r.old_deadline)?,
                    new_deadline: pd(&r.new_deadline)?,
                    reason: r.reason,
                    approved_by: r.approved_by,
                    at: ts(r.at),
                })
            })
            .collect()
    }
}
