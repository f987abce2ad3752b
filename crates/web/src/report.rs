//! Reports as Word documents (docx-rs), in the form of Decree 30/2020/NĐ-CP (Appendix I, form
//! 1.2): A4 with the decree's margins, Times New Roman; the issuer and the national name with
//! the motto side by side at the top, the number left for the clerk, the place and date; the
//! type of document and its subject centred; the body; the recipients beside the signature;
//! pages numbered from the second.
//!
//! The fixed words of the form (national name, motto, "Số", "BÁO CÁO", the date line, "Nơi
//! nhận", "Lưu", "TM.") are Vietnamese in either language, as the form is a Vietnamese one;
//! the subject, the body and the tables speak the reader's language.

use std::io::Cursor;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use docx_rs::{
    AlignmentType, BorderType, Docx, Header, LineSpacing, PageMargin, PageNum, Paragraph,
    ParagraphBorder, ParagraphBorderPosition, ParagraphBorders, Run, RunFonts, SpecialIndentType,
    Table, TableCell, TableCellMargins, TableLayoutType, TableRow, VAlignType, WidthType,
};
use dondoc_app::report::{Issuer, PetitionReport, SessionReport};
use dondoc_domain::input::ReportPeriodInput;
use jiff::civil::Date;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pick::PickedQuery;
use crate::AppState;
use dondoc_app as app;

const FONT: &str = "Times New Roman";
/// Sizes in half-points: the body 14 pt, the header's names 12–13 pt, tables 12 pt, the
/// recipients 11 pt (Decree 30 gives ranges; these are the usual choices).
const BODY: usize = 28;
const NAME: usize = 24;
const MOTTO: usize = 26;
const TABLE: usize = 24;
const SMALL: usize = 22;
/// A4 and the margins in twentieths of a point (1 mm ≈ 56.7): top and bottom 20 mm, left
/// 30 mm, right 15 mm.
const A4: (u32, u32) = (11906, 16838);
const MARGIN: PageMargin = PageMargin {
    top: 1134,
    left: 1701,
    bottom: 1134,
    right: 851,
    header: 567,
    footer: 567,
    gutter: 0,
};
/// The width of the text between the margins.
const WIDTH: usize = 11906 - 1701 - 851;
/// The header's columns: the issuer, and the national name with the motto.
const HEADER_COLUMNS: [usize; 2] = [3900, WIDTH - 3900];
/// Cell padding (left and right) of every table.
const PAD: usize = 60;

const MEDIA: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// `GET /sessions/{id}/report.docx`: the results of carrying out a session's conclusions.
pub async fn session_docx(
    State(st): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let report = app::report::session(&st.app, &v, id).await?;
    let name = format!(
        "dondoc-bao-cao-ket-luan-{id}-{}.docx",
        report.today.strftime("%Y%m%d")
    );
    respond(session_document(v.lang, &report)?, &name)
}

/// `GET /petitions/report.docx?unit_id=&from=&to=`: the handling of voters' petitions for a
/// unit (and the units below it) over a period.
pub async fn petitions_docx(
    State(st): State<AppState>,
    v: Viewer,
    PickedQuery(raw): PickedQuery<ReportPeriodInput>,
) -> Result<Response, AppError> {
    let report = app::report::petitions(&st.app, &v, &raw).await?;
    let name = format!(
        "dondoc-bao-cao-kien-nghi-{}.docx",
        report.today.strftime("%Y%m%d")
    );
    respond(petitions_document(v.lang, &report)?, &name)
}

fn respond(bytes: Vec<u8>, name: &str) -> Result<Response, AppError> {
    Ok((
        [
            (header::CONTENT_TYPE, MEDIA.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

fn session_document(l: Lang, r: &SessionReport) -> Result<Vec<u8>, AppError> {
    let s = &r.session.session;
    let date = l.date(s.date);
    let subject = match &s.delegation_name {
        Some(d) => l
            .t("report.session_subject_of")
            .replace("{delegation}", d)
            .replace("{date}", &date),
        None => l.t("report.session_subject").replace("{date}", &date),
    };
    let mut body = vec![
        heading(l.t("report.session_part")),
        line(&format!("{}: {}.", l.t("f.session_id"), s.title)),
        line(&format!(
            "{}: {}{}.",
            l.t("f.date"),
            date,
            s.place
                .as_ref()
                .map(|p| format!("; {}: {p}", l.t("f.place").to_lowercase()))
                .unwrap_or_default()
        )),
        line(&format!(
            "{}: {}.",
            l.t("session.host"),
            r.session.host_name
        )),
    ];
    if let Some(d) = &s.delegation_name {
        let lead = r
            .session
            .lead_name
            .as_ref()
            .map(|n| format!("; {}: {n}", l.t("report.lead").to_lowercase()))
            .unwrap_or_default();
        body.push(line(&format!("{}: {d}{lead}.", l.t("session.delegation"))));
    }
    let t = &r.tally;
    body.push(heading(l.t("report.directives_part")));
    body.push(line(
        &l.t("report.directive_counts")
            .replace("{total}", &t.total.to_string())
            .replace("{on_time}", &t.done_on_time.to_string())
            .replace("{late}", &t.done_late.to_string())
            .replace("{in_progress}", &t.in_progress.to_string())
            .replace("{overdue}", &t.overdue.to_string())
            .replace("{cancelled}", &t.cancelled.to_string())
            .replace("{today}", &l.date(r.today)),
    ));
    let columns = [
        ("report.no", 500),
        ("report.directive", 2600),
        ("report.units", 1650),
        ("f.deadline", 1250),
        ("report.state", 1400),
        ("report.latest", WIDTH - 7400),
    ];
    let rows = r
        .directives
        .iter()
        .enumerate()
        .map(|(i, (d, note))| {
            let dv = &d.directive;
            let deadline = match (dv.deadline, &dv.deadline_text) {
                (Some(day), _) => l.date(day),
                (None, Some(text)) => text.clone(),
                (None, None) => l.t("common.none").to_string(),
            };
            // The lead unit, then those coordinating.
            let mut units = vec![d.lead_name.clone().unwrap_or_default()];
            if !d.coordinating_names.is_empty() {
                units.push(format!(
                    "{}: {}",
                    l.t("report.with"),
                    d.coordinating_names.join("; ")
                ));
            }
            let state = vec![
                directive_state(l, d).to_string(),
                format!("{}%", dv.progress_percent),
            ];
            let latest = note
                .as_ref()
                .map(|n| format!("{} ({})", n.text, l.date(n.date)))
                .unwrap_or_default();
            vec![
                vec![(i + 1).to_string()],
                vec![capitalised(&dv.text)],
                units,
                vec![deadline],
                state,
                vec![latest],
            ]
        })
        .collect();
    let closing = l.t("report.session_closing");
    let recipients: Vec<String> = s
        .delegation_name
        .iter()
        .map(|d| format!("- {d} (để báo cáo);"))
        .collect();
    document(
        &r.issuer,
        r.today,
        &subject,
        body,
        table(l, &columns, &[0, 3], rows),
        closing,
        &recipients,
    )
}

/// Where a directive stands, as the report says it: done on time or late, overdue or
/// cancelled when it is; otherwise its status (given, in progress, reported done).
fn directive_state(l: Lang, d: &dondoc_store::DirectiveView) -> &'static str {
    use dondoc_domain::directive::Timeliness as T;
    match d.timeliness {
        T::DoneOnTime | T::DoneLate | T::Overdue | T::Cancelled => {
            l.t(&format!("tl.{}", crate::pages::sessions::tl(d)))
        }
        T::NoDeadline | T::OnTrack | T::DueSoon => {
            l.t(&format!("ds.{}", d.directive.status.as_str()))
        }
    }
}

fn petitions_document(l: Lang, r: &PetitionReport) -> Result<Vec<u8>, AppError> {
    let (from, to) = (l.date(r.from), l.date(r.to));
    let subject = l
        .t("report.petitions_subject")
        .replace("{from}", &from)
        .replace("{to}", &to);
    let t = &r.tally;
    let mut body = vec![
        heading(l.t("report.summary_part")),
        line(
            &l.t("report.petitions_scope")
                .replace("{unit}", &r.unit.name)
                .replace("{from}", &from)
                .replace("{to}", &to)
                .replace("{today}", &l.date(r.today)),
        ),
        line(
            &l.t("report.received")
                .replace("{n}", &t.received.to_string()),
        ),
        line(
            &l.t("report.petition_counts")
                .replace("{resolved}", &t.resolved.to_string())
                .replace("{answered}", &t.answered.to_string())
                .replace("{in_progress}", &t.in_progress.to_string())
                .replace("{overdue}", &t.overdue.to_string())
                .replace("{rejected}", &t.rejected.to_string()),
        ),
        line(&match t.on_time_percent() {
            Some(p) => l
                .t("report.on_time")
                .replace("{on_time}", &t.answers_on_time.to_string())
                .replace("{answers}", &t.answers.to_string())
                .replace("{percent}", &l.amount(p, "percent")),
            None => l.t("report.no_answers").to_string(),
        }),
        heading(l.t("report.petitions_part")),
    ];
    if r.truncated {
        body.push(line(l.t("report.truncated")));
    }
    let columns = [
        ("report.no", 500),
        ("report.petition", 2500),
        ("f.raised_count", 800),
        ("f.responsible_unit_id", 1500),
        ("f.status", 1250),
        ("report.answer", WIDTH - 7550),
        ("f.due_on", 1250),
    ];
    let rows = r
        .petitions
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let pe = &p.petition;
            let answer = match (&pe.answer, pe.answered_on, &pe.reject_reason) {
                (Some(a), Some(day), _) => format!("{a} ({})", l.date(day)),
                (Some(a), None, _) => a.clone(),
                (None, _, Some(reason)) => reason.clone(),
                (None, _, None) => String::new(),
            };
            [
                (i + 1).to_string(),
                pe.title.clone(),
                pe.raised_count.to_string(),
                p.responsible_name.clone().unwrap_or_default(),
                l.t(&format!("ps.{}", pe.status.as_str())).to_string(),
                answer,
                l.opt_date(pe.due_on),
            ]
            .into_iter()
            .map(|cell| vec![cell])
            .collect()
        })
        .collect();
    document(
        &r.issuer,
        r.today,
        &subject,
        body,
        table(l, &columns, &[0, 2, 6], rows),
        l.t("report.petitions_closing"),
        &[],
    )
}

/// The whole document: header, title and subject, the body with its table, the closing
/// sentence, then the recipients and the signature.
fn document(
    issuer: &Issuer,
    today: Date,
    subject: &str,
    body: Vec<Paragraph>,
    table: Table,
    closing: &str,
    recipients: &[String],
) -> Result<Vec<u8>, AppError> {
    let fonts = RunFonts::new()
        .ascii(FONT)
        .hi_ansi(FONT)
        .cs(FONT)
        .east_asia(FONT);
    // Pages numbered at the top, centred, from the second on.
    let numbers = Header::new().add_paragraph(
        Paragraph::new()
            .add_page_num(PageNum::new())
            .align(AlignmentType::Center),
    );
    let mut doc = Docx::new()
        .page_size(A4.0, A4.1)
        .page_margin(MARGIN)
        .header(numbers)
        .first_header(Header::new())
        .default_fonts(fonts)
        .default_size(BODY)
        .add_table(header(issuer, today))
        .add_paragraph(
            centred(vec![text("BÁO CÁO", BODY).bold()])
                .line_spacing(LineSpacing::new().before(360).after(0)),
        )
        .add_paragraph(centred(vec![text(subject, BODY).bold()]))
        .add_paragraph(rule(2200, WIDTH).line_spacing(LineSpacing::new().after(240)));
    for p in body {
        doc = doc.add_paragraph(p);
    }
    doc = doc
        .add_table(table)
        .add_paragraph(
            line(&format!("{closing}./.")).line_spacing(LineSpacing::new().before(200).after(0)),
        )
        .add_table(signature(issuer, recipients));
    let mut out = Cursor::new(Vec::new());
    doc.build()
        .pack(&mut out)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("docx: {e}")))?;
    Ok(out.into_inner())
}

/// The top of the form: the issuer on the left (the body above it, the issuer in bold with
/// a short rule under it), the national name and motto on the right (the motto ruled under);
/// below them, on one line, the number and symbol and the place and date.
fn header(i: &Issuer, today: Date) -> Table {
    let mut names = Vec::new();
    if let Some(parent) = &i.parent {
        names.push(centred(vec![text(&parent.to_uppercase(), NAME)]));
    }
    names.push(centred(vec![text(&i.name.to_uppercase(), NAME).bold()]));
    names.push(rule(1500, HEADER_COLUMNS[0]));
    let nation = vec![
        centred(vec![text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", NAME).bold()]),
        centred(vec![text("Độc lập - Tự do - Hạnh phúc", MOTTO).bold()]),
        rule(3400, HEADER_COLUMNS[1]),
    ];
    let spaced = LineSpacing::new().before(120);
    let number = vec![centred(vec![text(
        &format!("Số: ……/BC-{}", i.symbol.to_uppercase()),
        MOTTO,
    )])
    .line_spacing(spaced.clone())];
    let dated =
        vec![centred(vec![text(&date_line(&i.place, today), MOTTO).italic()]).line_spacing(spaced)];
    let cell = |paragraphs: Vec<Paragraph>, width: usize| {
        paragraphs.into_iter().fold(
            TableCell::new()
                .width(width, WidthType::Dxa)
                .vertical_align(VAlignType::Top),
            TableCell::add_paragraph,
        )
    };
    Table::without_borders(vec![
        TableRow::new(vec![
            cell(names, HEADER_COLUMNS[0]),
            cell(nation, HEADER_COLUMNS[1]),
        ]),
        TableRow::new(vec![
            cell(number, HEADER_COLUMNS[0]),
            cell(dated, HEADER_COLUMNS[1]),
        ]),
    ])
    .set_grid(HEADER_COLUMNS.to_vec())
    .width(WIDTH, WidthType::Dxa)
    .layout(TableLayoutType::Fixed)
    .margins(TableCellMargins::new().margin(0, PAD, 0, PAD))
}

/// "Hà Lầm, ngày 05 tháng 02 năm 2026": days below 10 and the months January and February
/// with a leading zero, as Decree 30 writes them.
fn date_line(place: &str, d: Date) -> String {
    let month = if d.month() <= 2 {
        format!("{:02}", d.month())
    } else {
        d.month().to_string()
    };
    format!(
        "{place}, ngày {:02} tháng {month} năm {}",
        d.day(),
        d.year()
    )
}

/// The table of a report: a header row in bold, then one row a record (each cell its
/// paragraphs; the `centred` columns' centred), each row kept on one page.
fn table(
    l: Lang,
    columns: &[(&str, usize)],
    centred: &[usize],
    rows: Vec<Vec<Vec<String>>>,
) -> Table {
    let paragraph = |s: &str, bold: bool, centre: bool| {
        let run = if bold {
            text(s, TABLE).bold()
        } else {
            text(s, TABLE)
        };
        let p = Paragraph::new()
            .add_run(run)
            .line_spacing(LineSpacing::new().before(40).after(40));
        if centre {
            p.align(AlignmentType::Center)
        } else {
            p
        }
    };
    let cell = |paragraphs: Vec<Paragraph>, width: usize, bold: bool| {
        paragraphs.into_iter().fold(
            TableCell::new()
                .width(width, WidthType::Dxa)
                .vertical_align(if bold {
                    VAlignType::Center
                } else {
                    VAlignType::Top
                }),
            TableCell::add_paragraph,
        )
    };
    let head = TableRow::new(
        columns
            .iter()
            .map(|(key, width)| cell(vec![paragraph(l.t(key), true, true)], *width, true))
            .collect(),
    )
    .cant_split();
    let mut all = vec![head];
    for row in rows {
        all.push(
            TableRow::new(
                row.iter()
                    .zip(columns)
                    .enumerate()
                    .map(|(i, (lines, (_, width)))| {
                        let centre = centred.contains(&i);
                        let ps = lines.iter().map(|s| paragraph(s, false, centre)).collect();
                        cell(ps, *width, false)
                    })
                    .collect(),
            )
            .cant_split(),
        );
    }
    Table::new(all)
        .set_grid(columns.iter().map(|(_, w)| *w).collect())
        .width(WIDTH, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .margins(TableCellMargins::new().margin(0, PAD, 0, PAD))
}

/// The foot of the form: "Nơi nhận" with its list on the left, who signs on the right (for
/// the body, the position, room to sign, the name).
fn signature(i: &Issuer, recipients: &[String]) -> Table {
    let columns = [4300, WIDTH - 4300];
    let mut left = vec![Paragraph::new()
        .add_run(text("Nơi nhận:", NAME).bold().italic())
        .line_spacing(LineSpacing::new().before(240))];
    for r in recipients
        .iter()
        .map(String::as_str)
        .chain(["- Lưu: VT, …."])
    {
        left.push(Paragraph::new().add_run(text(r, SMALL)));
    }
    let s = &i.signer;
    let mut titles = Vec::new();
    if let Some(body) = &s.on_behalf {
        titles.push(format!("TM. {}", body.to_uppercase()));
    }
    match &s.position {
        Some(p) => titles.push(p.to_uppercase()),
        None if s.on_behalf.is_none() => titles.push("THỦ TRƯỞNG ĐƠN VỊ".into()),
        None => {}
    }
    let mut right: Vec<Paragraph> = titles
        .iter()
        .enumerate()
        .map(|(n, t)| {
            let p = centred(vec![text(t, BODY).bold()]);
            if n == 0 {
                p.line_spacing(LineSpacing::new().before(240))
            } else {
                p
            }
        })
        .collect();
    // Room for the signature and the seal.
    for _ in 0..4 {
        right.push(Paragraph::new());
    }
    right.push(centred(vec![
        text(s.name.as_deref().unwrap_or(""), BODY).bold()
    ]));
    let cell = |paragraphs: Vec<Paragraph>, width: usize| {
        paragraphs.into_iter().fold(
            TableCell::new()
                .width(width, WidthType::Dxa)
                .vertical_align(VAlignType::Top),
            TableCell::add_paragraph,
        )
    };
    Table::without_borders(vec![TableRow::new(vec![
        cell(left, columns[0]),
        cell(right, columns[1]),
    ])
    .cant_split()])
    .set_grid(columns.to_vec())
    .width(WIDTH, WidthType::Dxa)
    .layout(TableLayoutType::Fixed)
    .margins(TableCellMargins::new().margin(0, PAD, 0, PAD))
}

/// A text as a table's cell starts it: with a capital (directives are recorded as the
/// report words them, often in the middle of a sentence).
fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn text(s: &str, size: usize) -> Run {
    Run::new().add_text(s).size(size)
}

fn centred(runs: Vec<Run>) -> Paragraph {
    runs.into_iter()
        .fold(Paragraph::new(), Paragraph::add_run)
        .align(AlignmentType::Center)
}

/// A paragraph of the body: justified, its first line indented.
fn line(s: &str) -> Paragraph {
    Paragraph::new()
        .add_run(text(s, BODY))
        .align(AlignmentType::Both)
        .indent(None, Some(SpecialIndentType::FirstLine(567)), None, None)
        .line_spacing(LineSpacing::new().before(0).after(120).line(276))
}

/// A heading of the body ("I. …").
fn heading(s: &str) -> Paragraph {
    Paragraph::new()
        .add_run(text(s, BODY).bold())
        .indent(None, Some(SpecialIndentType::FirstLine(567)), None, None)
        .line_spacing(LineSpacing::new().before(120).after(120))
}

/// A horizontal rule `length` long, centred in a space `within` wide: an empty paragraph,
/// its top border drawn between indents.
fn rule(length: usize, within: usize) -> Paragraph {
    let side = (within.saturating_sub(length + 2 * PAD) / 2) as i32;
    Paragraph::new()
        .size(4)
        .indent(Some(side), None, Some(side), None)
        .line_spacing(LineSpacing::new().before(50).after(0).line(100))
        .set_borders(
            ParagraphBorders::with_empty().set(
                ParagraphBorder::new(ParagraphBorderPosition::Top)
                    .val(BorderType::Single)
                    .size(6)
                    .color("000000"),
            ),
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn cells_start_with_a_capital() {
        assert_eq!(capitalised("đẩy nhanh tiến độ"), "Đẩy nhanh tiến độ");
        assert_eq!(capitalised("ủy ban"), "Ủy ban");
        assert_eq!(capitalised(""), "");
    }

    #[test]
    fn date_lines_as_the_decree_writes_them() {
        assert_eq!(
            date_line("Hà Lầm", date(2026, 2, 5)),
            "Hà Lầm, ngày 05 tháng 02 năm 2026"
        );
        assert_eq!(
            date_line("Hà Lầm", date(2026, 11, 26)),
            "Hà Lầm, ngày 26 tháng 11 năm 2026"
        );
        assert_eq!(
            date_line("Hạ Long", date(2020, 3, 1)),
            "Hạ Long, ngày 01 tháng 3 năm 2020"
        );
    }
}
