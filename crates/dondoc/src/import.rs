//! `dondoc import FILE --kind petitions|directives|targets`: a spreadsheet imported from the
//! command line through the same use case as the page (`dondoc_app::tabular`): read and
//! checked first (the problems printed, row by row), then written all or nothing — or the
//! valid rows only when asked — with a progress bar for each step on standard error.

use anyhow::{bail, Context, Result};
use dondoc_app::tabular::{self, Kind, Mode, Refused};
use dondoc_app::{App, Caller};
use dondoc_store::RowFilter;
use dondoc_web::i18n::Lang;
use indicatif::{ProgressBar, ProgressStyle};

/// What the command was asked.
pub struct Options {
    pub file: String,
    pub kind: Kind,
    /// The unit of rows that name none.
    pub unit: Option<String>,
    pub mode: Mode,
    /// Read and check only; write nothing.
    pub check_only: bool,
    /// Problems printed at most.
    pub show: i64,
}

fn bar(len: Option<u64>, what: &str) -> ProgressBar {
    let bar = match len {
        Some(n) => ProgressBar::new(n),
        None => ProgressBar::new_spinner(),
    };
    let template = if len.is_some() {
        "{msg:>8} {wide_bar} {pos}/{len} ({per_sec}, {eta})"
    } else {
        "{msg:>8} {spinner} {pos} rows ({per_sec})"
    };
    bar.set_style(
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(what.to_string());
    bar
}

/// A job's message in words (English, as the command speaks).
fn message(code: &str) -> String {
    let (key, field) = code.split_once(':').unwrap_or((code, ""));
    Lang::En
        .t(&format!("tabular.{key}"))
        .replace("{column}", Lang::En.t(&format!("f.{field}")))
}

/// Imports the file as `caller`; returns the records written.
pub async fn run(app: &App, caller: &Caller, o: &Options) -> Result<i64> {
    let started = std::time::Instant::now();
    let bytes = std::fs::read(&o.file).with_context(|| format!("reading {}", o.file))?;
    let name = std::path::Path::new(&o.file)
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let labels = dondoc_web::pages::tabular::labels;
    let reading = match tabular::start(
        app,
        caller,
        o.kind,
        &name,
        bytes,
        o.unit.as_deref().unwrap_or(""),
        &labels,
    )
    .await
    {
        Ok(r) => r,
        Err(Refused::File(e)) => {
            bail!("{}: {}", o.file, message(&e.code()))
        }
        Err(Refused::Other(e)) => return Err(crate::cli_error(e)),
    };
    let reading_bar = bar(None, "reading");
    let job = reading
        .run(&|n| reading_bar.set_position(n))
        .await
        .map_err(crate::cli_error)?;
    reading_bar.finish();
    let id = job.job.id;
    if job.job.state == "failed" {
        bail!(
            "{}: {}",
            o.file,
            message(job.job.message.as_deref().unwrap_or("internal"))
        );
    }
    eprintln!(
        "{} rows read: {} with errors, {} possible duplicates ({:.1} s)",
        job.job.rows_total,
        job.job.rows_error,
        job.job.rows_duplicate,
        started.elapsed().as_secs_f64()
    );
    let started = std::time::Instant::now();
    let problems = job.job.rows_error + job.job.rows_duplicate;
    if problems > 0 && o.show > 0 {
        let page = tabular::rows(app, caller, id, RowFilter::All, None, None, 500)
            .await
            .map_err(crate::cli_error)?;
        let mut shown = 0;
        let (mut after, mut rows) = (None, page.rows);
        'pages: loop {
            for r in &rows {
                for (field, code) in &r.problems {
                    let column = job
                        .header
                        .name_of(field)
                        .map(str::to_string)
                        .unwrap_or_else(|| Lang::En.t(&format!("f.{field}")).to_string());
                    let msg = if *code == dondoc_domain::FieldCode::Forbidden {
                        Lang::En.t("tabular.out_of_scope")
                    } else {
                        Lang::En.field_message(field, *code)
                    };
                    eprintln!("row {}: {column}: {msg}", r.row);
                    shown += 1;
                }
                if let Some(d) = &r.duplicate {
                    eprintln!("row {}: possible duplicate of {d}", r.row);
                    shown += 1;
                }
                if shown >= o.show {
                    eprintln!("… (--show to see more)");
                    break 'pages;
                }
                after = Some(r.row);
            }
            if rows.len() < 500 {
                break;
            }
            rows = tabular::rows(app, caller, id, RowFilter::All, after, None, 500)
                .await
                .map_err(crate::cli_error)?
                .rows;
        }
    }
    if o.check_only {
        eprintln!("checked only: nothing written");
        return Ok(0);
    }
    if job.job.rows_error > 0 && !o.mode.valid_only {
        bail!(
            "{} rows have errors: nothing written (correct the file, or --valid-only to write the others)",
            job.job.rows_error
        );
    }
    let writing = tabular::confirm(app, caller, id, o.mode)
        .await
        .map_err(crate::cli_error)?;
    let writing_bar = bar(Some(job.job.rows_total.max(0) as u64), "writing");
    let done = writing
        .run(&|n| writing_bar.set_position(n))
        .await
        .map_err(crate::cli_error)?;
    writing_bar.finish();
    if done.job.state != "done" {
        bail!(
            "nothing written: {}",
            message(done.job.message.as_deref().unwrap_or("internal"))
        );
    }
    eprintln!(
        "{} {} written, {} rows left out ({:.1} s)",
        done.job.written,
        o.kind.as_str(),
        done.job.skipped,
        started.elapsed().as_secs_f64()
    );
    Ok(done.job.written)
}
