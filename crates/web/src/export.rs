//! Lists as spreadsheets: `.xlsx` (rust_xlsxwriter) and `.csv` (UTF-8 with a byte-order mark,
//! so that Excel reads Vietnamese), with the screen's filters, in the user's language: the
//! header row names the columns as the pages do, dates are dates, statuses are words.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use dondoc_store::{
    DirectiveFilter, DirectiveView, PetitionFilter, PetitionView, SessionFilter, SessionView,
    TargetFilter, TargetView,
};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::AppState;
use dondoc_app as app;

/// One cell of an exported row.
enum Cell {
    Text(String),
    Number(f64),
    Date(jiff::civil::Date),
    Empty,
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn opt_text(s: Option<String>) -> Cell {
    s.map_or(Cell::Empty, Cell::Text)
}

fn date(d: Option<jiff::civil::Date>) -> Cell {
    d.map_or(Cell::Empty, Cell::Date)
}

/// A sheet: its name, its columns (catalogue keys) and its rows.
struct Sheet {
    name: &'static str,
    columns: &'static [&'static str],
    rows: Vec<Vec<Cell>>,
    /// More rows matched than an export holds.
    truncated: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Xlsx,
    Csv,
}

fn respond(lang: Lang, sheet: Sheet, kind: Kind) -> Result<Response, AppError> {
    let today = jiff::Zoned::now()
        .with_time_zone(app::vietnam())
        .date()
        .strftime("%Y%m%d")
        .to_string();
    let (bytes, media, ext) = match kind {
        Kind::Xlsx => (
            xlsx(lang, &sheet)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        Kind::Csv => (csv(lang, &sheet)?, "text/csv; charset=utf-8", "csv"),
    };
    let name = format!("dondoc-{}-{today}.{ext}", sheet.name);
    Ok((
        [
            (header::CONTENT_TYPE, media.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

fn xlsx(lang: Lang, sheet: &Sheet) -> Result<Vec<u8>, AppError> {
    let fail = |e: rust_xlsxwriter::XlsxError| AppError::Internal(anyhow::anyhow!("xlsx: {e}"));
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(lang.t(&format!("export.{}", sheet.name)))
        .map_err(fail)?;
    let bold = Format::new().set_bold();
    let day = Format::new().set_num_format(if lang == Lang::Vi {
        "dd/mm/yyyy"
    } else {
        "yyyy-mm-dd"
    });
    for (c, key) in sheet.columns.iter().enumerate() {
        ws.write_with_format(0, c as u16, lang.t(key), &bold)
            .map_err(fail)?;
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) => {
                    ws.write(r, c, s.as_str()).map_err(fail)?;
                }
                Cell::Number(n) => {
                    ws.write(r, c, *n).map_err(fail)?;
                }
                Cell::Date(d) => {
                    let when =
                        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                            .map_err(fail)?;
                    ws.write_with_format(r, c, &when, &day).map_err(fail)?;
                }
                Cell::Empty => {}
            }
        }
    }
    if sheet.truncated {
        let r = sheet.rows.len() as u32 + 2;
        ws.write(r, 0, lang.t("export.truncated")).map_err(fail)?;
    }
    ws.set_freeze_panes(1, 0).map_err(fail)?;
    ws.autofit();
    book.save_to_buffer().map_err(fail)
}

fn csv(lang: Lang, sheet: &Sheet) -> Result<Vec<u8>, AppError> {
    let fail = |e: csv::Error| AppError::Internal(anyhow::anyhow!("csv: {e}"));
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(sheet.columns.iter().map(|k| lang.t(k)))
            .map_err(fail)?;
        for row in &sheet.rows {
            w.write_record(row.iter().map(|c| match c {
                // A cell that starts like a formula is read as text by a spreadsheet.
                Cell::Text(s) if s.starts_with(['=', '+', '-', '@']) => format!("'{s}"),
                Cell::Text(s) => s.clone(),
                Cell::Number(n) => n.to_string(),
                Cell::Date(d) => lang.date(*d),
                Cell::Empty => String::new(),
            }))
            .map_err(fail)?;
        }
        if sheet.truncated {
            w.write_record([lang.t("export.truncated")]).map_err(fail)?;
        }
        w.flush()
            .map_err(|e| AppError::Internal(anyhow::anyhow!("csv: {e}")))?;
    }
    Ok(out)
}

pub const DIRECTIVE_COLUMNS: &[&str] = &[
    "export.id",
    "f.text",
    "f.lead_unit_id",
    "f.coordinating_unit_ids",
    "f.deadline",
    "f.status",
    "export.timeliness",
    "f.progress_percent",
    "f.done_on",
    "f.session_id",
];

fn directive_row(lang: Lang, d: DirectiveView) -> Vec<Cell> {
    let status = lang.t(&format!("ds.{}", d.directive.status.as_str()));
    let timeliness = lang.t(&format!("tl.{}", crate::pages::sessions::tl(&d)));
    vec![
        Cell::Number(d.directive.id as f64),
        text(d.directive.text),
        opt_text(d.lead_name),
        text(d.coordinating_names.join("; ")),
        date(d.directive.deadline),
        text(status),
        text(timeliness),
        Cell::Number(d.directive.progress_percent as f64),
        date(d.directive.done_on),
        opt_text(d.session_title),
    ]
}

pub const PETITION_COLUMNS: &[&str] = &[
    "export.id",
    "f.title",
    "f.text",
    "f.category",
    "f.area_unit_id",
    "f.channel",
    "f.responsible_unit_id",
    "f.coordinating_unit_ids",
    "f.due_on",
    "f.status",
    "f.raised_count",
    "f.answer",
];

fn petition_row(lang: Lang, p: PetitionView) -> Vec<Cell> {
    let status = lang.t(&format!("ps.{}", p.petition.status.as_str()));
    vec![
        Cell::Number(p.petition.id as f64),
        text(p.petition.title),
        text(p.petition.text),
        opt_text(p.petition.category),
        opt_text(p.area_name),
        text(lang.t(&format!("channel.{}", p.petition.channel.as_str()))),
        opt_text(p.responsible_name),
        text(p.coordinating_names.join("; ")),
        date(p.petition.due_on),
        text(status),
        Cell::Number(p.petition.raised_count as f64),
        opt_text(p.petition.answer),
    ]
}

pub const SESSION_COLUMNS: &[&str] = &[
    "export.id",
    "f.title",
    "f.date",
    "f.host_unit_id",
    "f.delegation_name",
    "f.lead_person_id",
    "f.place",
    "f.published",
];

fn session_row(lang: Lang, s: SessionView) -> Vec<Cell> {
    let yes_no = |b: bool| lang.t(if b { "common.yes" } else { "common.no" });
    vec![
        Cell::Number(s.session.id as f64),
        text(s.session.title),
        date(Some(s.session.date)),
        text(s.host_name),
        opt_text(s.session.delegation_name),
        opt_text(s.lead_name),
        opt_text(s.session.place),
        text(yes_no(s.session.published)),
    ]
}

pub const TARGET_COLUMNS: &[&str] = &[
    "export.id",
    "f.indicator",
    "f.unit_id",
    "f.measure",
    "f.period_from",
    "f.period_to",
    "target.plan",
    "target.actual",
    "target.percent",
    "export.projected",
    "f.approved",
];

fn target_row(lang: Lang, t: TargetView) -> Vec<Cell> {
    let yes_no = |b: bool| lang.t(if b { "common.yes" } else { "common.no" });
    let number = |n: Option<f64>| n.map_or(Cell::Empty, Cell::Number);
    vec![
        Cell::Number(t.target.id as f64),
        text(t.target.indicator),
        text(t.unit_name),
        text(t.target.measure),
        date(Some(t.target.period_from)),
        date(Some(t.target.period_to)),
        Cell::Number(t.target.plan_value),
        number(t.latest.map(|m| m.value)),
        number(t.percent_of_plan),
        number(t.projected_percent),
        text(yes_no(t.target.approved)),
    ]
}

pub const UNIT_COLUMNS: &[&str] = &[
    "export.id",
    "f.name",
    "f.short_name",
    "f.kind",
    "f.parent_id",
    "f.merged_into",
    "export.dissolved_on",
];

fn unit_rows(lang: Lang, nodes: Vec<dondoc_store::UnitNode>) -> Vec<Vec<Cell>> {
    let name_of = |id: Option<i64>| -> Cell {
        id.and_then(|id| nodes.iter().find(|n| n.unit.id == id))
            .map_or(Cell::Empty, |n| text(n.unit.name.clone()))
    };
    nodes
        .iter()
        .map(|n| {
            let u = &n.unit;
            vec![
                Cell::Number(u.id as f64),
                // Indented by its depth, so that the sheet reads as the tree.
                text(format!("{}{}", "  ".repeat(n.depth), u.name)),
                opt_text(u.short_name.clone()),
                text(lang.t(&format!("uk.{}", u.kind.as_str()))),
                name_of(u.parent_id),
                name_of(u.merged_into),
                date(u.dissolved_on),
            ]
        })
        .collect()
}

pub const PERSON_COLUMNS: &[&str] = &["export.id", "f.name"];

pub const DOCUMENT_COLUMNS: &[&str] = &[
    "export.id",
    "f.kind",
    "f.number",
    "f.date",
    "f.issuer",
    "f.subject",
];

fn document_row(d: dondoc_domain::Document) -> Vec<Cell> {
    vec![
        Cell::Number(d.id as f64),
        text(d.kind),
        opt_text(d.number),
        date(d.date),
        opt_text(d.issuer),
        opt_text(d.subject),
    ]
}

#[derive(serde::Deserialize, Default)]
pub struct SearchQuery {
    q: Option<String>,
}

async fn reference(
    st: AppState,
    v: Viewer,
    which: &'static str,
    q: SearchQuery,
    kind: Kind,
) -> Result<Response, AppError> {
    let (columns, rows, truncated) = match which {
        "units" => {
            let (nodes, more) = app::export::units(&st.app, &v).await?;
            (UNIT_COLUMNS, unit_rows(v.lang, nodes), more)
        }
        "people" => {
            let (people, more) = app::export::people(&st.app, &v, q.q.as_deref()).await?;
            let rows = people
                .into_iter()
                .map(|p| vec![Cell::Number(p.id as f64), text(p.name)])
                .collect();
            (PERSON_COLUMNS, rows, more)
        }
        _ => {
            let (docs, more) = app::export::documents(&st.app, &v).await?;
            (
                DOCUMENT_COLUMNS,
                docs.into_iter().map(document_row).collect(),
                more,
            )
        }
    };
    let sheet = Sheet {
        name: which,
        columns,
        rows,
        truncated,
    };
    respond(v.lang, sheet, kind)
}

macro_rules! reference_exports {
    ($($which:literal => $xlsx:ident, $csv:ident;)*) => {$(
        #[doc = concat!("`/", $which, "/export.xlsx`.")]
        pub async fn $xlsx(
            State(st): State<AppState>,
            v: Viewer,
            Query(q): Query<SearchQuery>,
        ) -> Result<Response, AppError> {
            reference(st, v, $which, q, Kind::Xlsx).await
        }

        #[doc = concat!("`/", $which, "/export.csv`.")]
        pub async fn $csv(
            State(st): State<AppState>,
            v: Viewer,
            Query(q): Query<SearchQuery>,
        ) -> Result<Response, AppError> {
            reference(st, v, $which, q, Kind::Csv).await
        }
    )*};
}

reference_exports! {
    "units" => units_xlsx, units_csv;
    "people" => people_xlsx, people_csv;
    "documents" => documents_xlsx, documents_csv;
}

async fn sessions(
    st: AppState,
    v: Viewer,
    f: SessionFilter,
    kind: Kind,
) -> Result<Response, AppError> {
    let (items, truncated) = app::export::sessions(&st.app, &v, &f).await?;
    let sheet = Sheet {
        name: "sessions",
        columns: SESSION_COLUMNS,
        rows: items.into_iter().map(|s| session_row(v.lang, s)).collect(),
        truncated,
    };
    respond(v.lang, sheet, kind)
}

async fn targets(
    st: AppState,
    v: Viewer,
    f: TargetFilter,
    kind: Kind,
) -> Result<Response, AppError> {
    let (items, truncated) = app::export::targets(&st.app, &v, &f).await?;
    let sheet = Sheet {
        name: "targets",
        columns: TARGET_COLUMNS,
        rows: items.into_iter().map(|t| target_row(v.lang, t)).collect(),
        truncated,
    };
    respond(v.lang, sheet, kind)
}

/// `/sessions/export.xlsx`, with the list's filters.
pub async fn sessions_xlsx(
    State(st): State<AppState>,
    v: Viewer,
    Query(f): Query<SessionFilter>,
) -> Result<Response, AppError> {
    sessions(st, v, f, Kind::Xlsx).await
}

/// `/sessions/export.csv`, with the list's filters.
pub async fn sessions_csv(
    State(st): State<AppState>,
    v: Viewer,
    Query(f): Query<SessionFilter>,
) -> Result<Response, AppError> {
    sessions(st, v, f, Kind::Csv).await
}

/// `/targets/export.xlsx`, with the list's filters.
pub async fn targets_xlsx(
    State(st): State<AppState>,
    v: Viewer,
    Query(f): Query<TargetFilter>,
) -> Result<Response, AppError> {
    targets(st, v, f, Kind::Xlsx).await
}

/// `/targets/export.csv`, with the list's filters.
pub async fn targets_csv(
    State(st): State<AppState>,
    v: Viewer,
    Query(f): Query<TargetFilter>,
) -> Result<Response, AppError> {
    targets(st, v, f, Kind::Csv).await
}

async fn directives(
    st: AppState,
    v: Viewer,
    f: DirectiveFilter,
    kind: Kind,
) -> Result<Response, AppError> {
    let (items, truncated) = app::export::directives(&st.app, &v, &f).await?;
    let sheet = Sheet {
        name: "directives",
        columns: DIRECTIVE_COLUMNS,
        rows: items
            .into_iter()
            .map(|d| directive_row(v.lang, d))
            .collect(),
        truncated,
    };
    respond(v.lang, sheet, kind)
}

async fn petitions(
    st: AppState,
    v: Viewer,
    f: PetitionFilter,
    kind: Kind,
) -> Result<Response, AppError> {
    let (items, truncated) = app::export::petitions(&st.app, &v, &f).await?;
    let sheet = Sheet {
        name: "petitions",
        columns: PETITION_COLUMNS,
        rows: items.into_iter().map(|p| petition_row(v.lang, p)).collect(),
        truncated,
    };
    respond(v.lang, sheet, kind)
}

/// `/directives/export.xlsx`, with the list's filters.
pub async fn directives_xlsx(
    State(st): State<AppState>,
    v: Viewer,
    Query(f): Query<DirectiveFilter>,
) -> Result<Response, AppError> {
    directives(st, v, f, Kind::Xlsx).await
}

/// `/directives/export.csv`, with the list's filters.
pub async fn directives_csv(
    State(st): State<AppState>,
    v: Viewer,
    Query(f): Query<DirectiveFilter>,
) -> Result<Response, AppError> {
    directives(st, v, f, Kind::Csv).await
}

/// `/petitions/export.xlsx`, with the list's filters and order.
pub async fn petitions_xlsx(
    State(st): State<AppState>,
    v: Viewer,
    Query(f): Query<PetitionFilter>,
) -> Result<Response, AppError> {
    petitions(st, v, f, Kind::Xlsx).await
}

/// `/petitions/export.csv`, with the list's filters and order.
pub async fn petitions_csv(
    State(st): State<AppState>,
    v: Viewer,
    Query(f): Query<PetitionFilter>,
) -> Result<Response, AppError> {
    petitions(st, v, f, Kind::Csv).await
}
