//! A leader's dashboard ("Thống kê"): for a unit and everything below it, or for all units,
//! how its directives are done (on time or late, month by month, in a period), how long the
//! open ones are overdue, its petitions by status, category and area, the most raised ones,
//! and where its targets are heading; each figure also for every unit one level down, which
//! opens the same page one level lower (province → city → ward → zone).
//!
//! The counts come from two grouped reads of the whole tables ([`Facts`]), kept in memory per
//! visibility for a few seconds as the dashboard's petition counts are, and rolled up the
//! unit tree here: a drill-down costs no query but the lists of the unit asked for.

use std::collections::HashMap;
use std::sync::Arc;

use dondoc_domain::directive::{timeliness, OverdueAge, Timeliness};
use dondoc_domain::input::PeriodInput;
use dondoc_domain::{DirectiveStatus, Id, PetitionStatus, Unit, Visibility};
use dondoc_store::{
    DirectiveCount, PetitionCount, PetitionFilter, PetitionView, TargetFilter, TargetView,
};
use jiff::civil::Date;
use jiff::ToSpan;

use crate::{App, Caller, Result};

/// How long the grouped counts are served from memory before they are read again.
pub const FACTS_TTL: std::time::Duration = std::time::Duration::from_secs(10);

/// The most raised petitions and the targets a dashboard lists.
pub const LISTED: i64 = 10;
pub const TARGETS_LISTED: i64 = 20;

/// What the dashboard counts, for one visibility: read together, kept together.
pub struct Facts {
    units: Vec<Unit>,
    directives: Vec<DirectiveCount>,
    petitions: Vec<PetitionCount>,
}

/// The figures of a unit and everything below it.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Figures {
    /// Directives done (accepted) in the period, and how many of them by their deadline.
    pub done: i64,
    pub done_on_time: i64,
    /// Directives still being worked on or waiting for acceptance, today.
    pub open: i64,
    /// Of those still worked on, past their deadline today.
    pub overdue: i64,
    /// Petitions, and those still open.
    pub petitions: i64,
    pub petitions_open: i64,
}

impl Figures {
    /// Percent of the directives done in the period that were done by their deadline.
    pub fn on_time_rate(&self) -> Option<f64> {
        (self.done > 0)
            .then(|| (self.done_on_time as f64 * 1000.0 / self.done as f64).round() / 10.0)
    }

    pub fn done_late(&self) -> i64 {
        self.done - self.done_on_time
    }

    fn is_empty(&self) -> bool {
        *self == Figures::default()
    }
}

/// A unit one level down, with its figures.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitRow {
    pub unit: Unit,
    /// Whether it has units below it (its row opens its own dashboard).
    pub has_children: bool,
    /// The row of the unit asked for itself: what is its own, not of a unit below it.
    pub itself: bool,
    pub figures: Figures,
}

/// Directives done in one month (or one year, for periods of more than two years).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Span {
    /// `YYYY-MM` or `YYYY`.
    pub label: String,
    pub on_time: i64,
    pub late: i64,
}

#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Overview {
    /// The unit asked for, and those above it from the top (for the way back up).
    pub unit: Option<Unit>,
    /// How many units have none above them (with one, all units are that one's).
    pub roots: usize,
    pub path: Vec<Unit>,
    pub from: Date,
    pub to: Date,
    pub today: Date,
    pub figures: Figures,
    pub rows: Vec<UnitRow>,
    pub spans: Vec<Span>,
    /// Overdue directives by how long they are overdue, and the longest, in days.
    pub ages: Vec<(OverdueAge, i64)>,
    pub oldest_overdue_days: Option<i64>,
    pub petitions_by_status: Vec<(PetitionStatus, i64)>,
    /// By category, most first (`None`: no category); at most ten, the rest together last.
    pub petitions_by_category: Vec<(Option<String>, i64)>,
    pub petitions_other_categories: i64,
    /// Open petitions raised most often, most first.
    pub most_raised: Vec<PetitionView>,
    /// Targets whose period meets the period asked for, latest first.
    pub targets: Vec<TargetView>,
}

/// What the dashboard is asked for: a unit (none: all units) and a period.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct OverviewQuery {
    pub unit_id: Option<Id>,
    /// The first day of the period (`YYYY-MM-DD`; the year's first by default).
    pub from: Option<String>,
    /// The last day of the period (the year's last by default).
    pub to: Option<String>,
}

/// The period a dashboard shows unless asked: the current year.
pub fn default_period(today: Date) -> (Date, Date) {
    (
        Date::new(today.year(), 1, 1).unwrap_or(today),
        Date::new(today.year(), 12, 31).unwrap_or(today),
    )
}

pub async fn overview(app: &App, c: &Caller, q: &OverviewQuery) -> Result<Overview> {
    c.login_required()?;
    let period = PeriodInput {
        from: q.from.clone(),
        to: q.to.clone(),
    };
    let (from, to) = period.parse(default_period(c.today))?;
    let facts = facts(app, c.visibility()).await?;
    let tree = Tree::of(&facts.units);
    let roots = tree.children(None).len();
    let unit = match q.unit_id {
        Some(id) => Some(
            (*tree.get(id).ok_or_else(|| {
                dondoc_domain::Invalid::one("unit_id", dondoc_domain::FieldCode::UnknownReference)
            })?)
            .clone(),
        ),
        // One province (say) above everything: its dashboard is everything's.
        None if roots == 1 => tree.children(None).first().map(|u| (*u).clone()),
        None => None,
    };
    let top = unit.as_ref().map(|u| u.id);
    let mut path: Vec<Unit> = tree.above(top).into_iter().cloned().collect();
    path.reverse();

    // Every count goes to the unit of its row (one level below `top`), or to `top` itself.
    let mut rows: HashMap<Option<Id>, Figures> = HashMap::new();
    let mut figures = Figures::default();
    let mut spans: HashMap<String, (i64, i64)> = HashMap::new();
    let by_year = months_between(from, to) > 24;
    let mut ages: HashMap<OverdueAge, i64> = HashMap::new();
    let mut oldest: Option<i64> = None;
    let mut row_of = RowOf::new(&tree, top);
    for d in &facts.directives {
        let Some(row) = row_of.get(d.unit_id) else {
            continue;
        };
        let f = rows.entry(row).or_default();
        match d.status {
            DirectiveStatus::Done => {
                let Some(day) = d.done_on.filter(|day| (from..=to).contains(day)) else {
                    continue;
                };
                let on_time =
                    timeliness(d.status, d.deadline, d.done_on, c.today) == Timeliness::DoneOnTime;
                for f in [&mut *f, &mut figures] {
                    f.done += d.n;
                    f.done_on_time += if on_time { d.n } else { 0 };
                }
                let label = if by_year {
                    format!("{:04}", day.year())
                } else {
                    format!("{:04}-{:02}", day.year(), day.month())
                };
                let span = spans.entry(label).or_default();
                if on_time {
                    span.0 += d.n;
                } else {
                    span.1 += d.n;
                }
            }
            DirectiveStatus::Cancelled => {}
            // Reported done: waiting for the issuer's side, still open for them.
            DirectiveStatus::Reported => {
                f.open += d.n;
                figures.open += d.n;
            }
            DirectiveStatus::Assigned | DirectiveStatus::InProgress => {
                f.open += d.n;
                figures.open += d.n;
                if timeliness(d.status, d.deadline, d.done_on, c.today) == Timeliness::Overdue {
                    f.overdue += d.n;
                    figures.overdue += d.n;
                    if let Some(deadline) = d.deadline {
                        let days = (c.today - deadline).get_days() as i64;
                        if let Some(age) = OverdueAge::of(days) {
                            *ages.entry(age).or_default() += d.n;
                        }
                        oldest = oldest.max(Some(days));
                    }
                }
            }
        }
    }
    let mut by_status: HashMap<PetitionStatus, i64> = HashMap::new();
    let mut by_category: HashMap<Option<String>, i64> = HashMap::new();
    for p in &facts.petitions {
        // Merged into another, it is counted there.
        if p.status == PetitionStatus::Merged {
            continue;
        }
        let Some(row) = row_of.get(p.unit_id) else {
            continue;
        };
        let f = rows.entry(row).or_default();
        let open = if p.status.is_open() { p.n } else { 0 };
        for f in [&mut *f, &mut figures] {
            f.petitions += p.n;
            f.petitions_open += open;
        }
        *by_status.entry(p.status).or_default() += p.n;
        *by_category.entry(p.category.clone()).or_default() += p.n;
    }

    let mut unit_rows: Vec<UnitRow> = Vec::new();
    if let Some(u) = &unit {
        if let Some(f) = rows.get(&Some(u.id)).filter(|f| !f.is_empty()) {
            unit_rows.push(UnitRow {
                unit: u.clone(),
                has_children: false,
                itself: true,
                figures: f.clone(),
            });
        }
    }
    for child in tree.children(top) {
        let f = rows.get(&Some(child.id)).cloned().unwrap_or_default();
        // Units with nothing to count stay off the table, unless they lead to more.
        let has_children = !tree.children(Some(child.id)).is_empty();
        if f.is_empty() && !has_children {
            continue;
        }
        unit_rows.push(UnitRow {
            unit: (*child).clone(),
            has_children,
            itself: false,
            figures: f,
        });
    }

    let spans: Vec<Span> = period_labels(from, to, by_year)
        .into_iter()
        .map(|label| {
            let (on_time, late) = spans.remove(&label).unwrap_or_default();
            Span {
                label,
                on_time,
                late,
            }
        })
        .collect();
    let ages = OverdueAge::ALL
        .into_iter()
        .map(|a| (a, ages.get(&a).copied().unwrap_or(0)))
        .collect();
    let petitions_by_status = PetitionStatus::ALL
        .into_iter()
        .filter(|s| *s != PetitionStatus::Merged)
        .map(|s| (s, by_status.get(&s).copied().unwrap_or(0)))
        .collect();
    let mut categories: Vec<(Option<String>, i64)> = by_category.into_iter().collect();
    categories.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let other: i64 = categories.iter().skip(10).map(|(_, n)| n).sum();
    categories.truncate(10);

    // The lists of a unit's subtree; of every unit, unfiltered.
    let subtree = top
        .map(|id| tree.below(id))
        .filter(|ids| ids.len() < facts.units.len());
    let most_raised = app
        .store
        .petitions(
            &PetitionFilter {
                open: Some(true),
                sort: Some("raised".into()),
                limit: Some(LISTED),
                area_units: subtree.clone(),
                ..Default::default()
            },
            c.visibility(),
        )
        .await?
        .items;
    let targets = app
        .store
        .targets(
            &TargetFilter {
                units: subtree,
                during: Some((from, to)),
                limit: Some(TARGETS_LISTED),
                ..Default::default()
            },
            c.visibility(),
        )
        .await?
        .items;

    Ok(Overview {
        unit,
        roots,
        path,
        from,
        to,
        today: c.today,
        figures,
        rows: unit_rows,
        spans,
        ages,
        oldest_overdue_days: oldest,
        petitions_by_status,
        petitions_by_category: categories,
        petitions_other_categories: other,
        most_raised,
        targets,
    })
}

/// Counts for those who see all (leaders, administrators), so that the first dashboard after
/// a start does not wait for them (run in the background at start).
pub async fn warm(app: &App) -> Result<()> {
    facts(app, &Visibility::All).await.map(|_| ())
}

/// The grouped counts for `vis`: read now the first time, then served from memory and read
/// again in the background once older than [`FACTS_TTL`].
async fn facts(app: &App, vis: &Visibility) -> Result<Arc<Facts>> {
    let key = format!("{vis:?}");
    let (app2, vis2) = (app.clone(), vis.clone());
    crate::kept(&app.facts, key, move || {
        let (app, vis) = (app2.clone(), vis2.clone());
        async move { read_facts(&app, &vis).await.map(Arc::new) }
    })
    .await
}

async fn read_facts(app: &App, vis: &Visibility) -> Result<Facts> {
    Ok(Facts {
        units: app.store.units().await?,
        directives: app.store.directive_counts(vis).await?,
        petitions: app.store.petition_unit_counts(vis).await?,
    })
}

/// The unit tree, from the list of units.
struct Tree<'a> {
    by_id: HashMap<Id, &'a Unit>,
    children: HashMap<Option<Id>, Vec<&'a Unit>>,
}

impl<'a> Tree<'a> {
    fn of(units: &'a [Unit]) -> Self {
        let by_id: HashMap<Id, &Unit> = units.iter().map(|u| (u.id, u)).collect();
        let mut children: HashMap<Option<Id>, Vec<&Unit>> = HashMap::new();
        for u in units {
            // A parent that is not there (never, but a tree must not lose a unit) makes a top.
            let parent = u.parent_id.filter(|p| by_id.contains_key(p));
            children.entry(parent).or_default().push(u);
        }
        Tree { by_id, children }
    }

    fn get(&self, id: Id) -> Option<&'a Unit> {
        self.by_id.get(&id).copied()
    }

    fn parent(&self, id: Id) -> Option<Id> {
        self.get(id)?
            .parent_id
            .filter(|p| self.by_id.contains_key(p))
    }

    fn children(&self, id: Option<Id>) -> &[&'a Unit] {
        self.children.get(&id).map_or(&[], Vec::as_slice)
    }

    /// `id` and the units above it, nearest first.
    fn above(&self, id: Option<Id>) -> Vec<&'a Unit> {
        let mut out = Vec::new();
        let mut at = id;
        while let Some(u) = at.and_then(|id| self.get(id)) {
            if out.len() > 64 {
                break;
            }
            out.push(u);
            at = self.parent(u.id);
        }
        out
    }

    /// `id` and every unit below it.
    fn below(&self, id: Id) -> Vec<Id> {
        let mut out = vec![id];
        let mut i = 0;
        while i < out.len() {
            out.extend(self.children(Some(out[i])).iter().map(|u| u.id));
            i += 1;
        }
        out
    }
}

/// Which row of the table a unit's records count in: the unit one level below `top` that it
/// is in, `top` itself, or none (outside `top`). Remembered per unit.
struct RowOf<'t, 'a> {
    tree: &'t Tree<'a>,
    top: Option<Id>,
    known: HashMap<Option<Id>, Option<Option<Id>>>,
}

impl<'t, 'a> RowOf<'t, 'a> {
    fn new(tree: &'t Tree<'a>, top: Option<Id>) -> Self {
        RowOf {
            tree,
            top,
            known: HashMap::new(),
        }
    }

    /// `None`: the record is not within `top`. `Some(None)`: within, in no unit (counted
    /// in the total of all units only).
    fn get(&mut self, unit: Option<Id>) -> Option<Option<Id>> {
        if let Some(row) = self.known.get(&unit) {
            return *row;
        }
        let row = match unit {
            None => self.top.is_none().then_some(None),
            Some(id) => {
                let path = self.tree.above(Some(id));
                match self.top {
                    None => path.last().map(|u| Some(u.id)),
                    Some(top) => path
                        .iter()
                        .position(|u| u.id == top)
                        .map(|i| Some(path[i.saturating_sub(1)].id)),
                }
            }
        };
        self.known.insert(unit, row);
        row
    }
}

fn months_between(from: Date, to: Date) -> i64 {
    i64::from(to.year() - from.year()) * 12 + i64::from(to.month() - from.month()) + 1
}

/// The months (or years) of the period, in order.
fn period_labels(from: Date, to: Date, by_year: bool) -> Vec<String> {
    if by_year {
        return (from.year()..=to.year())
            .map(|y| format!("{y:04}"))
            .collect();
    }
    let mut out = Vec::new();
    let mut at = from.first_of_month();
    while at <= to {
        out.push(format!("{:04}-{:02}", at.year(), at.month()));
        match at.checked_add(1.month()) {
            Ok(next) => at = next,
            Err(_) => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn unit(id: Id, parent: Option<Id>) -> Unit {
        Unit {
            id,
            parent_id: parent,
            kind: dondoc_domain::UnitKind::Other,
            name: format!("u{id}"),
            short_name: None,
            dissolved_on: None,
            merged_into: None,
            version: 1,
        }
    }

    #[test]
    fn records_count_in_the_row_of_the_unit_one_level_down() {
        // 1 province > 2 city > 3 ward > 4 zone; 5 another province.
        let units = [
            unit(1, None),
            unit(2, Some(1)),
            unit(3, Some(2)),
            unit(4, Some(3)),
            unit(5, None),
        ];
        let tree = Tree::of(&units);
        let mut all = RowOf::new(&tree, None);
        assert_eq!(all.get(Some(4)), Some(Some(1)));
        assert_eq!(all.get(Some(5)), Some(Some(5)));
        assert_eq!(all.get(None), Some(None));
        let mut city = RowOf::new(&tree, Some(2));
        assert_eq!(city.get(Some(4)), Some(Some(3)));
        assert_eq!(city.get(Some(3)), Some(Some(3)));
        assert_eq!(city.get(Some(2)), Some(Some(2)), "the city's own");
        assert_eq!(city.get(Some(1)), None, "above the city");
        assert_eq!(city.get(Some(5)), None, "elsewhere");
        assert_eq!(city.get(None), None);
        assert_eq!(tree.below(2), vec![2, 3, 4]);
    }

    #[test]
    fn a_period_is_shown_by_month_up_to_two_years() {
        let (from, to) = (date(2020, 11, 15), date(2021, 2, 1));
        assert_eq!(months_between(from, to), 4);
        assert_eq!(
            period_labels(from, to, false),
            ["2020-11", "2020-12", "2021-01", "2021-02"]
        );
        assert_eq!(
            period_labels(date(2018, 1, 1), to, true),
            ["2018", "2019", "2020", "2021"]
        );
    }
}
