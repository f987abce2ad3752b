//! "Thống kê": a leader's dashboard for a unit and the units below it (`app::stats`), each
//! chart drawn as SVG (`crate::chart`) with its table beside it; a unit of the table opens
//! the same page one level down.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use dondoc_app::stats::{Overview, OverviewQuery};
use dondoc_store::{PetitionView, TargetView};
use tower_sessions::Session;

use super::{layout, render, Layout};
use crate::auth::Viewer;
use crate::chart::{self, Attainment, Bar, Column};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::AppState;
use dondoc_app as app;

/// A row of a table: a label (with the link it opens, if any) and its cells, as shown.
pub struct Row {
    pub label: String,
    pub href: Option<String>,
    pub cells: Vec<String>,
}

/// A chart and the table of its figures.
pub struct Figure {
    pub id: &'static str,
    /// A table too wide to stand beside its chart: under it.
    pub wide: bool,
    pub title: &'static str,
    pub svg: String,
    pub head: Vec<&'static str>,
    pub rows: Vec<Row>,
    /// Said instead of the chart when there is nothing to draw.
    pub empty: bool,
}

#[derive(Template)]
#[template(path = "stats.html")]
struct StatsPage {
    layout: Layout,
    /// The way back up: (label, link).
    path: Vec<(String, String)>,
    heading: String,
    unit_id: String,
    from: String,
    to: String,
    period: String,
    /// The summary: (label, figure, note).
    summary: Vec<(&'static str, String, String)>,
    figures: Vec<Figure>,
    most_raised: Vec<PetitionView>,
    targets: Figure,
    /// The list pages behind the figures, with the unit's filter.
    petitions_link: String,
}

impl StatsPage {
    fn raised(&self, p: &PetitionView) -> String {
        super::raised(self.layout.lang, p.petition.raised_count)
    }
    fn pstatus(&self, p: &PetitionView) -> &'static str {
        self.layout.t(&format!("ps.{}", p.petition.status.as_str()))
    }
}

fn percent(l: Lang, p: Option<f64>) -> String {
    p.map_or_else(|| "—".into(), |p| format!("{} %", l.number(p, 1)))
}

fn count(l: Lang, n: i64) -> String {
    l.number(n as f64, 0)
}

pub async fn show(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    Query(q): Query<OverviewQuery>,
) -> Result<Html<String>, AppError> {
    let o = app::stats::overview(&st.app, &v, &q).await?;
    let l = v.lang;
    let heading = match &o.unit {
        Some(u) => format!("{} — {}", l.t("stats.title"), u.name),
        None => format!("{} — {}", l.t("stats.title"), l.t("stats.all_units")),
    };
    let period = format!("{} – {}", l.date(o.from), l.date(o.to));
    let (from, to) = (o.from.to_string(), o.to.to_string());
    let link = |unit: Option<i64>| {
        let mut q = vec![("from", from.clone()), ("to", to.clone())];
        if let Some(u) = unit {
            q.push(("unit_id", u.to_string()));
        }
        format!("/stats?{}", super::filter_query(&q))
    };
    let mut path = Vec::new();
    if o.roots > 1 {
        path.push((l.t("stats.all_units").to_string(), link(None)));
    }
    path.extend(o.path.iter().map(|u| (u.name.clone(), link(Some(u.id)))));
    let summary = vec![
        (
            "stats.done",
            count(l, o.figures.done),
            format!(
                "{} {}",
                count(l, o.figures.done_late()),
                l.t("stats.late_word")
            ),
        ),
        (
            "stats.on_time_rate",
            percent(l, o.figures.on_time_rate()),
            period.clone(),
        ),
        (
            "stats.overdue",
            count(l, o.figures.overdue),
            match o.oldest_overdue_days {
                Some(d) => format!("{} {}", l.t("stats.oldest"), days(l, d)),
                None => String::new(),
            },
        ),
        (
            "stats.petitions_open",
            count(l, o.figures.petitions_open),
            format!(
                "{} {}",
                l.t("stats.of_total"),
                count(l, o.figures.petitions)
            ),
        ),
    ];
    let figures = vec![
        by_unit(l, &o, &link),
        by_span(l, &o),
        by_age(l, &o),
        petitions_by_area(l, &o, &link),
        petitions_by_status(l, &o),
        petitions_by_category(l, &o),
    ];
    let targets = targets(l, &o.targets);
    let petitions_link = match &o.unit {
        Some(u) => format!(
            "/petitions?open=true&sort=raised&area_unit_id={}&subtree=true",
            u.id
        ),
        None => "/petitions?open=true&sort=raised".into(),
    };
    let layout = layout(&v, &session, "stats", heading.clone()).await?;
    render(&StatsPage {
        layout,
        path,
        heading,
        unit_id: o
            .unit
            .as_ref()
            .map(|u| u.id.to_string())
            .unwrap_or_default(),
        from,
        to,
        period,
        summary,
        figures,
        most_raised: o.most_raised,
        targets,
        petitions_link,
    })
}

/// The table of a chart of bars: a row per bar, its figure as shown.
fn rows_of(bars: &[Bar]) -> Vec<Row> {
    bars.iter()
        .map(|b| Row {
            label: b.label.clone(),
            href: None,
            cells: vec![b.shown.clone()],
        })
        .collect()
}

fn days(l: Lang, d: i64) -> String {
    format!("{} {}", count(l, d), l.t("stats.days"))
}

fn by_unit(l: Lang, o: &Overview, link: &dyn Fn(Option<i64>) -> String) -> Figure {
    let name = |r: &dondoc_app::stats::UnitRow| {
        if r.itself {
            format!("{} ({})", r.unit.name, l.t("stats.itself"))
        } else {
            r.unit.name.clone()
        }
    };
    let bars: Vec<Bar> = o
        .rows
        .iter()
        .filter_map(|r| {
            let rate = r.figures.on_time_rate()?;
            Some(Bar {
                label: name(r),
                value: rate,
                shown: percent(l, Some(rate)),
                class: if rate >= 80.0 { "c-ok" } else { "c-warn" },
            })
        })
        .collect();
    let title = l.t("stats.by_unit");
    Figure {
        id: "by-unit",
        wide: true,
        title,
        empty: bars.is_empty(),
        svg: chart::bars(title, &bars, Some(100.0)),
        head: vec![
            "stats.unit",
            "stats.done",
            "stats.on_time",
            "stats.late",
            "stats.on_time_rate",
            "stats.open",
            "stats.overdue",
        ],
        rows: o
            .rows
            .iter()
            .map(|r| Row {
                label: name(r),
                href: (r.has_children && !r.itself).then(|| link(Some(r.unit.id))),
                cells: vec![
                    count(l, r.figures.done),
                    count(l, r.figures.done_on_time),
                    count(l, r.figures.done_late()),
                    percent(l, r.figures.on_time_rate()),
                    count(l, r.figures.open),
                    count(l, r.figures.overdue),
                ],
            })
            .collect(),
    }
}

fn month_label(l: Lang, label: &str) -> String {
    match label.split_once('-') {
        Some((y, m)) => match l {
            Lang::Vi => format!("{m}/{y}"),
            Lang::En => format!("{y}-{m}"),
        },
        None => label.to_string(),
    }
}

fn by_span(l: Lang, o: &Overview) -> Figure {
    let title = l.t("stats.by_month");
    let columns: Vec<Column> = o
        .spans
        .iter()
        .map(|s| Column {
            label: month_label(l, &s.label),
            parts: vec![(s.on_time, "c-ok"), (s.late, "c-bad")],
        })
        .collect();
    Figure {
        id: "by-month",
        wide: false,
        title,
        empty: o.spans.iter().all(|s| s.on_time + s.late == 0),
        svg: chart::columns(
            title,
            &columns,
            &[(l.t("stats.on_time"), "c-ok"), (l.t("stats.late"), "c-bad")],
        ),
        head: vec!["stats.month", "stats.on_time", "stats.late"],
        rows: o
            .spans
            .iter()
            .filter(|s| s.on_time + s.late > 0)
            .map(|s| Row {
                label: month_label(l, &s.label),
                href: None,
                cells: vec![count(l, s.on_time), count(l, s.late)],
            })
            .collect(),
    }
}

fn by_age(l: Lang, o: &Overview) -> Figure {
    let title = l.t("stats.by_age");
    let bars: Vec<Bar> = o
        .ages
        .iter()
        .map(|(age, n)| Bar {
            label: l.t(&format!("stats.age.{}", age.as_str())).into(),
            value: *n as f64,
            shown: count(l, *n),
            class: "c-bad",
        })
        .collect();
    Figure {
        id: "by-age",
        wide: false,
        title,
        empty: o.figures.overdue == 0,
        svg: chart::bars(title, &bars, None),
        head: vec!["stats.overdue_for", "stats.directives"],
        rows: rows_of(&bars),
    }
}

fn petitions_by_area(l: Lang, o: &Overview, link: &dyn Fn(Option<i64>) -> String) -> Figure {
    let title = l.t("stats.petitions_by_area");
    let rows: Vec<&dondoc_app::stats::UnitRow> =
        o.rows.iter().filter(|r| r.figures.petitions > 0).collect();
    let bars: Vec<Bar> = rows
        .iter()
        .map(|r| Bar {
            label: r.unit.name.clone(),
            value: r.figures.petitions_open as f64,
            shown: count(l, r.figures.petitions_open),
            class: "c-info",
        })
        .collect();
    Figure {
        id: "petitions-by-area",
        wide: false,
        title,
        empty: rows.is_empty(),
        svg: chart::bars(title, &bars, None),
        head: vec!["stats.area", "stats.petitions_open", "stats.petitions"],
        rows: rows
            .iter()
            .map(|r| Row {
                label: r.unit.name.clone(),
                href: (r.has_children && !r.itself).then(|| link(Some(r.unit.id))),
                cells: vec![
                    count(l, r.figures.petitions_open),
                    count(l, r.figures.petitions),
                ],
            })
            .collect(),
    }
}

fn petitions_by_status(l: Lang, o: &Overview) -> Figure {
    let title = l.t("stats.petitions_by_status");
    let bars: Vec<Bar> = o
        .petitions_by_status
        .iter()
        .map(|(s, n)| Bar {
            label: l.t(&format!("ps.{}", s.as_str())).into(),
            value: *n as f64,
            shown: count(l, *n),
            class: if s.is_open() { "c-info" } else { "c-ok" },
        })
        .collect();
    Figure {
        id: "petitions-by-status",
        wide: false,
        title,
        empty: o.figures.petitions == 0,
        svg: chart::bars(title, &bars, None),
        head: vec!["f.status", "stats.petitions"],
        rows: rows_of(&bars),
    }
}

fn petitions_by_category(l: Lang, o: &Overview) -> Figure {
    let title = l.t("stats.petitions_by_category");
    let mut bars: Vec<Bar> = o
        .petitions_by_category
        .iter()
        .map(|(c, n)| Bar {
            label: c.clone().unwrap_or_else(|| l.t("stats.no_category").into()),
            value: *n as f64,
            shown: count(l, *n),
            class: "c-info",
        })
        .collect();
    if o.petitions_other_categories > 0 {
        bars.push(Bar {
            label: l.t("stats.other_categories").into(),
            value: o.petitions_other_categories as f64,
            shown: count(l, o.petitions_other_categories),
            class: "c-muted",
        });
    }
    Figure {
        id: "petitions-by-category",
        wide: false,
        title,
        empty: bars.is_empty(),
        svg: chart::bars(title, &bars, None),
        head: vec!["f.category", "stats.petitions"],
        rows: rows_of(&bars),
    }
}

fn targets(l: Lang, targets: &[TargetView]) -> Figure {
    let title = l.t("stats.targets");
    let rows: Vec<Attainment> = targets
        .iter()
        .map(|t| Attainment {
            label: t.target.indicator.clone(),
            actual: t.percent_of_plan,
            projected: t.projected_percent,
            actual_shown: percent(l, t.percent_of_plan),
            projected_shown: percent(l, t.projected_percent),
        })
        .collect();
    Figure {
        id: "targets",
        wide: true,
        title,
        empty: targets.iter().all(|t| t.percent_of_plan.is_none()),
        svg: chart::attainment(
            title,
            &rows,
            &[
                (l.t("stats.attained"), "c-info"),
                (l.t("stats.projected"), "c-projected"),
            ],
        ),
        head: vec![
            "f.indicator",
            "stats.unit",
            "stats.plan",
            "stats.latest",
            "stats.attained",
            "stats.projected",
        ],
        rows: targets
            .iter()
            .map(|t| Row {
                label: t.target.indicator.clone(),
                href: Some(format!("/targets/{}", t.target.id)),
                cells: vec![
                    t.unit_name.clone(),
                    l.amount(t.target.plan_value, &t.target.measure),
                    t.latest.as_ref().map_or_else(
                        || "—".into(),
                        |m| {
                            format!(
                                "{} ({} – {})",
                                l.amount(m.value, &t.target.measure),
                                l.date(m.period_from),
                                l.date(m.period_to)
                            )
                        },
                    ),
                    percent(l, t.percent_of_plan),
                    percent(l, t.projected_percent),
                ],
            })
            .collect(),
    }
}
