//! Imports from a spreadsheet: the job row (who imports what, where it stands, its counts),
//! its rows as read and checked (kept until written or dropped), and the writer that records
//! them all in one transaction: petitions with their first raising, directives with their
//! coordinating units, targets; for each an audit event, and for each unit handed work a
//! follow-up event, as one made by hand leaves.
//!
//! The rows' cells, problems and duplicates are JSON made and read by the application layer;
//! here they are text.

use dondoc_domain::input::{NewDirective, NewPetition, NewTarget};
use dondoc_domain::{Id, PetitionStatus};
use jiff::Timestamp;

use crate::bulk::{insert_rows, Value, MAX_BINDS};
use crate::sql::{d, flag, id_list, key, now_ms, od, ts, Tx};
use crate::{petitions, Result, Store, StoreError, Who};

/// An import and where it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportJob {
    pub id: Id,
    pub user_id: Option<Id>,
    /// `petitions`, `directives` or `targets`.
    pub kind: String,
    pub file_name: String,
    /// `reading`, `ready`, `writing`, `done` or `failed`.
    pub state: String,
    /// The unit for rows that name none.
    pub default_unit_id: Option<Id>,
    /// The header row as read (JSON).
    pub columns_json: Option<String>,
    pub rows_total: i64,
    pub rows_error: i64,
    pub rows_duplicate: i64,
    pub written: i64,
    pub skipped: i64,
    /// Why it failed: a code the pages translate.
    pub message: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// One row of a spreadsheet as read: its number in the sheet, its cells (JSON), what is wrong
/// with them (JSON, none when nothing) and what it may duplicate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagedRow {
    pub row_no: i64,
    pub cells: String,
    pub errors: Option<String>,
    pub duplicate: Option<String>,
}

/// Which rows of an import a page lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RowFilter {
    #[default]
    All,
    Errors,
    Duplicates,
}

#[derive(sqlx::FromRow)]
struct JobRow {
    id: i64,
    user_id: Option<i64>,
    kind: String,
    file_name: String,
    state: String,
    default_unit_id: Option<i64>,
    columns_json: Option<String>,
    rows_total: i64,
    rows_error: i64,
    rows_duplicate: i64,
    written: i64,
    skipped: i64,
    message: Option<String>,
    created_at: i64,
    updated_at: i64,
}

const JOB_COLS: &str =
    "id, user_id, kind, file_name, state, default_unit_id, columns_json, rows_total, rows_error,
    rows_duplicate, written, skipped, message, created_at, updated_at";

impl From<JobRow> for ImportJob {
    fn from(r: JobRow) -> Self {
        ImportJob {
            id: r.id,
            user_id: r.user_id,
            kind: r.kind,
            file_name: r.file_name,
            state: r.state,
            default_unit_id: r.default_unit_id,
            columns_json: r.columns_json,
            rows_total: r.rows_total,
            rows_error: r.rows_error,
            rows_duplicate: r.rows_duplicate,
            written: r.written,
            skipped: r.skipped,
            message: r.message,
            created_at: ts(r.created_at),
            updated_at: ts(r.updated_at),
        }
    }
}

#[derive(sqlx::FromRow)]
struct RowRow {
    row_no: i64,
    cells: String,
    errors: Option<String>,
    duplicate: Option<String>,
}

impl From<RowRow> for StagedRow {
    fn from(r: RowRow) -> Self {
        StagedRow {
            row_no: r.row_no,
            cells: r.cells,
            errors: r.errors,
            duplicate: r.duplicate,
        }
    }
}

/// What reading a file found, written when it is all read.
#[derive(Debug, Clone, Default)]
pub struct ReadCounts {
    pub columns_json: String,
    pub rows_total: i64,
    pub rows_error: i64,
    pub rows_duplicate: i64,
}

/// Rows a page of the preview holds at most.
const MAX_PAGE: i64 = 500;

impl Store {
    /// A new import, being read.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn create_import(
        &self,
        user_id: Option<Id>,
        kind: &str,
        file_name: &str,
        default_unit_id: Option<Id>,
    ) -> Result<ImportJob> {
        let mut tx = self.begin().await?;
        let now = now_ms();
        let id: i64 = sqlx::query_scalar(
            "insert into imports (user_id, kind, file_name, state, default_unit_id, rows_total, rows_error, rows_duplicate,
             written, skipped, created_at, updated_at) values ($1, $2, $3, 'reading', $4, 0, 0, 0, 0, 0, $5, $5) returning id",
        )
        .bind(user_id)
        .bind(kind)
        .bind(file_name)
        .bind(default_unit_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        self.import_job(id).await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn import_job(&self, id: Id) -> Result<ImportJob> {
        let r: Option<JobRow> =
            sqlx::query_as(&format!("select {JOB_COLS} from imports where id = $1"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(r.ok_or(StoreError::NotFound)?.into())
    }

    /// Keeps rows as read, in a transaction of their own (they are the job's scratch, not
    /// records), and counts them on the job so that its page shows the reading go on.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn stage_import_rows(&self, import_id: Id, rows: &[StagedRow]) -> Result<()> {
        let mut tx = self.begin().await?;
        let values: Vec<Vec<Value>> = rows
            .iter()
            .map(|r| {
                vec![
                    import_id.into(),
                    r.row_no.into(),
                    r.cells.as_str().into(),
                    r.errors.clone().into(),
                    r.duplicate.clone().into(),
                ]
            })
            .collect();
        insert_rows(
            &mut tx,
            "import_rows",
            &["import_id", "row_no", "cells", "errors", "duplicate"],
            &values,
        )
        .await?;
        sqlx::query(
            "update imports set rows_total = rows_total + $1, updated_at = $2 where id = $3 and state = 'reading'",
        )
        .bind(rows.len() as i64)
        .bind(now_ms())
        .bind(import_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Marks rows as duplicates (`(row_no, what they duplicate)`), a few hundred to a
    /// statement.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn mark_import_duplicates(
        &self,
        import_id: Id,
        rows: &[(i64, String)],
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        for chunk in rows.chunks(200) {
            let mut sql = String::from("update import_rows set duplicate = case row_no");
            let mut n = 1;
            for _ in chunk {
                sql.push_str(&format!(" when ${} then ${}", n, n + 1));
                n += 2;
            }
            let nos: Vec<i64> = chunk.iter().map(|(r, _)| *r).collect();
            sql.push_str(&format!(
                " end where import_id = ${n} and row_no in ({})",
                id_list(&nos)
            ));
            let mut q = sqlx::query(&sql);
            for (row_no, what) in chunk {
                q = q.bind(*row_no).bind(what.as_str());
            }
            q.bind(import_id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The file is read: the job is ready for its preview, with its counts.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn import_read(&self, import_id: Id, counts: &ReadCounts) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "update imports set state = 'ready', columns_json = $1, rows_total = $2, rows_error = $3, rows_duplicate = $4,
             updated_at = $5 where id = $6 and state = 'reading'",
        )
        .bind(&counts.columns_json)
        .bind(counts.rows_total)
        .bind(counts.rows_error)
        .bind(counts.rows_duplicate)
        .bind(now_ms())
        .bind(import_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::Conflict);
        }
        tx.commit().await?;
        Ok(())
    }

    /// The job failed (`message` says why); its rows are dropped.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn import_failed(&self, import_id: Id, message: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("delete from import_rows where import_id = $1")
            .bind(import_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "update imports set state = 'failed', message = $1, updated_at = $2 where id = $3",
        )
        .bind(message)
        .bind(now_ms())
        .bind(import_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes a job that is ready to be written: true for the one caller that moved it to
    /// `writing` (a second click, or a second node, finds it taken).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn claim_import(&self, import_id: Id) -> Result<bool> {
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "update imports set state = 'writing', message = null, updated_at = $1 where id = $2 and state = 'ready'",
        )
        .bind(now_ms())
        .bind(import_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(n == 1)
    }

    /// Back to `ready` after a write that wrote nothing (`message` says why), with the rows
    /// whose problems were found while writing (`(row_no, errors)`) marked.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn import_not_written(
        &self,
        import_id: Id,
        message: &str,
        found: &[(i64, String)],
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        for (row_no, errors) in found {
            sqlx::query("update import_rows set errors = $1 where import_id = $2 and row_no = $3")
                .bind(errors)
                .bind(import_id)
                .bind(row_no)
                .execute(&mut *tx)
                .await?;
        }
        let errors: i64 = sqlx::query_scalar(
            "select count(*) from import_rows where import_id = $1 and errors is not null",
        )
        .bind(import_id)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "update imports set state = 'ready', message = $1, rows_error = $2, updated_at = $3 where id = $4",
        )
        .bind(message)
        .bind(errors)
        .bind(now_ms())
        .bind(import_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A page of an import's rows, by row number: those after `after` (or before `before`,
    /// then in order), at most `limit`, and whether more follow in that direction.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn import_rows(
        &self,
        import_id: Id,
        filter: RowFilter,
        after: Option<i64>,
        before: Option<i64>,
        limit: i64,
    ) -> Result<(Vec<StagedRow>, bool)> {
        let limit = limit.clamp(1, MAX_PAGE);
        let cond = match filter {
            RowFilter::All => "",
            RowFilter::Errors => " and errors is not null",
            RowFilter::Duplicates => " and duplicate is not null",
        };
        let (place, order) = match (after, before) {
            (_, Some(b)) => (format!(" and row_no < {b}"), "desc"),
            (Some(a), None) => (format!(" and row_no > {a}"), "asc"),
            (None, None) => (String::new(), "asc"),
        };
        let rows: Vec<RowRow> = sqlx::query_as(&format!(
            "select row_no, cells, errors, duplicate from import_rows where import_id = $1{cond}{place}
             order by row_no {order} limit $2"
        ))
        .bind(import_id)
        .bind(limit + 1)
        .fetch_all(&self.pool)
        .await?;
        let more = rows.len() as i64 > limit;
        let mut rows: Vec<StagedRow> = rows
            .into_iter()
            .take(limit as usize)
            .map(StagedRow::from)
            .collect();
        if order == "desc" {
            rows.reverse();
        }
        Ok((rows, more))
    }

    /// Drops the rows of imports not touched since `before` that will not be written now
    /// (read and never confirmed, failed, or done): the purge job's.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn purge_import_rows(&self, before: Timestamp) -> Result<u64> {
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "delete from import_rows where import_id in
             (select id from imports where updated_at < $1 and state in ('ready', 'done', 'failed'))",
        )
        .bind(before.as_millisecond())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        // A job left reading or writing by a node that stopped is failed; what it wrote was
        // rolled back with its connection.
        sqlx::query(
            "update imports set state = 'failed', message = 'interrupted', updated_at = $1
             where updated_at < $2 and state in ('reading', 'writing')",
        )
        .bind(now_ms())
        .bind(before.as_millisecond())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Starts writing an import's records: everything goes through the writer's one
    /// transaction, committed by [`ImportWriter::commit`] and rolled back if it is dropped.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn import_writer(&self, import_id: Id, who: Who) -> Result<ImportWriter> {
        Ok(ImportWriter {
            tx: self.begin().await?,
            import_id,
            who,
            written: 0,
        })
    }
}

/// The one transaction an import's records are written in.
pub struct ImportWriter {
    tx: Tx<'static>,
    import_id: Id,
    who: Who,
    written: i64,
}

/// What one row of an import writes, for the audit trail: the record's fields as written,
/// the import it came from and the row it was read from.
fn audit_after(mut record: serde_json::Value, import_id: Id, row_no: i64) -> String {
    if let Some(o) = record.as_object_mut() {
        o.insert("import_id".into(), import_id.into());
        o.insert("row".into(), row_no.into());
    }
    record.to_string()
}

impl ImportWriter {
    /// The job's rows after `after`, at most `limit`, read in the writer's transaction.
    pub async fn rows(&mut self, after: i64, limit: i64) -> Result<Vec<StagedRow>> {
        let rows: Vec<RowRow> = sqlx::query_as(
            "select row_no, cells, errors, duplicate from import_rows where import_id = $1 and row_no > $2
             order by row_no limit $3",
        )
        .bind(self.import_id)
        .bind(after)
        .bind(limit)
        .fetch_all(&mut *self.tx)
        .await?;
        Ok(rows.into_iter().map(StagedRow::from).collect())
    }

    /// Inserts records (rows of values for `columns`) a few hundred values to a statement,
    /// returning their ids in the order of `rows`. Each statement's rows get their ids in the
    /// order they are listed (SQLite's rowids, PostgreSQL's sequence, both read a `values`
    /// list in order), whatever order `returning` gives them back in: sorted, they are
    /// matched to the rows, and each match is checked by the text column `check` (the
    /// record's text) — a mismatch rolls everything back rather than misfile a row.
    async fn insert_returning(
        &mut self,
        table: &str,
        columns: &[&str],
        check: usize,
        rows: Vec<Vec<Value>>,
    ) -> Result<Vec<Id>> {
        let per_statement = (MAX_BINDS / columns.len()).max(1);
        let mut ids = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(per_statement) {
            let mut sql = format!("insert into {table} ({}) values ", columns.join(", "));
            let mut n = 0;
            for (i, _) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push('(');
                for j in 0..columns.len() {
                    n += 1;
                    if j > 0 {
                        sql.push_str(", ");
                    }
                    sql.push_str(&format!("${n}"));
                }
                sql.push(')');
            }
            sql.push_str(&format!(" returning id, {}", columns[check]));
            let mut q = sqlx::query_as::<sqlx::Any, (i64, String)>(&sql);
            for row in chunk {
                for v in row {
                    q = match v {
                        Value::I(i) => q.bind(*i),
                        Value::F(f) => q.bind(*f),
                        Value::S(s) => q.bind(s.as_str()),
                        Value::NullI => q.bind(None::<i64>),
                        Value::NullS => q.bind(None::<String>),
                    };
                }
            }
            let mut got = q.fetch_all(&mut *self.tx).await?;
            got.sort_unstable_by_key(|(id, _)| *id);
            if got.len() != chunk.len() {
                return Err(StoreError::Corrupt(format!("{table}: ids of an import")));
            }
            for ((id, text), row) in got.into_iter().zip(chunk) {
                if !matches!(&row[check], Value::S(s) if *s == text) {
                    return Err(StoreError::Corrupt(format!("{table}: ids of an import")));
                }
                ids.push(id);
            }
        }
        Ok(ids)
    }

    async fn audit(&mut self, entity: &str, rows: Vec<(Id, String)>) -> Result<()> {
        let now = now_ms();
        let values: Vec<Vec<Value>> = rows
            .into_iter()
            .map(|(id, after)| {
                vec![
                    now.into(),
                    self.who.user_id.into(),
                    entity.into(),
                    id.into(),
                    "import_sheet".into(),
                    Value::NullS,
                    after.into(),
                ]
            })
            .collect();
        insert_rows(
            &mut self.tx,
            "audit_events",
            &[
                "at",
                "user_id",
                "entity",
                "entity_id",
                "action",
                "before_json",
                "after_json",
            ],
            &values,
        )
        .await
    }

    /// Follow-up events `(kind, entity, id, unit)` for the units handed work.
    async fn tell(&mut self, events: Vec<(&'static str, &'static str, Id, Id)>) -> Result<()> {
        let now = now_ms();
        let values: Vec<Vec<Value>> = events
            .into_iter()
            .map(|(kind, entity, id, unit)| {
                vec![
                    kind.into(),
                    entity.into(),
                    id.into(),
                    unit.into(),
                    self.who.user_id.into(),
                    Value::NullS,
                    now.into(),
                ]
            })
            .collect();
        insert_rows(
            &mut self.tx,
            "follow_events",
            &[
                "kind",
                "entity",
                "entity_id",
                "unit_id",
                "user_id",
                "detail",
                "at",
            ],
            &values,
        )
        .await
    }

    /// Petitions (with the row each was read from), each with its first raising — at its
    /// session or on its day — and the cached counts the lists read.
    pub async fn petitions(&mut self, rows: &[(i64, NewPetition)]) -> Result<()> {
        let now = now_ms();
        let status = |p: &NewPetition| {
            if p.responsible_unit_id.is_some() {
                PetitionStatus::Assigned
            } else {
                PetitionStatus::Received
            }
        };
        let values: Vec<Vec<Value>> = rows
            .iter()
            .map(|(_, p)| {
                vec![
                    p.title.as_str().into(),
                    p.text.as_str().into(),
                    key(&p.text).into(),
                    p.category.clone().into(),
                    p.area_unit_id.into(),
                    p.raised_by.clone().into(),
                    p.responsible_unit_id.into(),
                    od(p.due_on).into(),
                    status(p).as_str().into(),
                    1i64.into(),
                    now.into(),
                    p.channel.as_str().into(),
                ]
            })
            .collect();
        let ids = self
            .insert_returning(
                "petitions",
                &[
                    "title",
                    "text",
                    "text_key",
                    "category",
                    "area_unit_id",
                    "raised_by",
                    "responsible_unit_id",
                    "due_on",
                    "status",
                    "version",
                    "created_at",
                    "channel",
                ],
                1,
                values,
            )
            .await?;
        let mut raisings = Vec::with_capacity(rows.len());
        let mut audit = Vec::with_capacity(rows.len());
        let mut told = Vec::new();
        let mut coordinating = Vec::new();
        for ((row_no, p), id) in rows.iter().zip(&ids) {
            let id = *id;
            raisings.push(vec![
                id.into(),
                p.session_id.into(),
                d(p.raised_on).into(),
                p.raised_by.clone().into(),
                now.into(),
            ]);
            if let Some(unit) = p.responsible_unit_id {
                told.push(("petition_assigned", "petition", id, unit));
            }
            for u in &p.coordinating_unit_ids {
                coordinating.push(vec![id.into(), (*u).into()]);
                told.push(("petition_coordinating", "petition", id, *u));
            }
            let after = serde_json::json!({
                "id": id, "title": p.title, "text": p.text, "category": p.category,
                "area_unit_id": p.area_unit_id, "raised_by": p.raised_by, "channel": p.channel.as_str(),
                "responsible_unit_id": p.responsible_unit_id,
                "coordinating_unit_ids": p.coordinating_unit_ids, "due_on": od(p.due_on),
                "status": status(p).as_str(), "session_id": p.session_id, "raised_on": d(p.raised_on),
            });
            audit.push((id, audit_after(after, self.import_id, *row_no)));
        }
        insert_rows(
            &mut self.tx,
            "raisings",
            &[
                "petition_id",
                "session_id",
                "date",
                "raised_by",
                "created_at",
            ],
            &raisings,
        )
        .await?;
        insert_rows(
            &mut self.tx,
            "petition_units",
            &["petition_id", "unit_id"],
            &coordinating,
        )
        .await?;
        if !ids.is_empty() {
            petitions::refresh_counts(&mut self.tx, &format!("id in ({})", id_list(&ids))).await?;
        }
        self.tell(told).await?;
        self.audit("petition", audit).await?;
        self.written += rows.len() as i64;
        Ok(())
    }

    /// Directives with their coordinating units.
    pub async fn directives(&mut self, rows: &[(i64, NewDirective)]) -> Result<()> {
        let now = now_ms();
        let values: Vec<Vec<Value>> = rows
            .iter()
            .map(|(_, dv)| {
                vec![
                    dv.session_id.into(),
                    dv.text.as_str().into(),
                    key(&dv.text).into(),
                    dv.issued_by_person_id.into(),
                    dv.lead_unit_id.into(),
                    od(dv.deadline).into(),
                    dv.deadline_text.clone().into(),
                    "assigned".into(),
                    0i64.into(),
                    1i64.into(),
                    now.into(),
                ]
            })
            .collect();
        let ids = self
            .insert_returning(
                "directives",
                &[
                    "session_id",
                    "text",
                    "text_key",
                    "issued_by_person_id",
                    "lead_unit_id",
                    "deadline",
                    "deadline_text",
                    "status",
                    "progress_percent",
                    "version",
                    "created_at",
                ],
                1,
                values,
            )
            .await?;
        let mut coordinating = Vec::new();
        let mut audit = Vec::with_capacity(rows.len());
        let mut told = Vec::new();
        for ((row_no, dv), id) in rows.iter().zip(&ids) {
            let id = *id;
            if let Some(unit) = dv.lead_unit_id {
                told.push(("assigned", "directive", id, unit));
            }
            for u in &dv.coordinating_unit_ids {
                coordinating.push(vec![id.into(), (*u).into()]);
                told.push(("coordinating", "directive", id, *u));
            }
            let after = serde_json::json!({
                "id": id, "text": dv.text, "session_id": dv.session_id,
                "issued_by_person_id": dv.issued_by_person_id, "lead_unit_id": dv.lead_unit_id,
                "coordinating_unit_ids": dv.coordinating_unit_ids, "deadline": od(dv.deadline),
                "deadline_text": dv.deadline_text, "status": "assigned",
            });
            audit.push((id, audit_after(after, self.import_id, *row_no)));
        }
        insert_rows(
            &mut self.tx,
            "directive_units",
            &["directive_id", "unit_id"],
            &coordinating,
        )
        .await?;
        self.tell(told).await?;
        self.audit("directive", audit).await?;
        self.written += rows.len() as i64;
        Ok(())
    }

    /// Targets.
    pub async fn targets(&mut self, rows: &[(i64, NewTarget)]) -> Result<()> {
        let now = now_ms();
        let values: Vec<Vec<Value>> = rows
            .iter()
            .map(|(_, t)| {
                vec![
                    t.unit_id.into(),
                    t.indicator.as_str().into(),
                    t.measure.as_str().into(),
                    d(t.period_from).into(),
                    d(t.period_to).into(),
                    t.plan_value.into(),
                    t.document_id.into(),
                    flag(t.approved).into(),
                    1i64.into(),
                    now.into(),
                ]
            })
            .collect();
        let ids = self
            .insert_returning(
                "targets",
                &[
                    "unit_id",
                    "indicator",
                    "measure",
                    "period_from",
                    "period_to",
                    "plan_value",
                    "document_id",
                    "approved",
                    "version",
                    "created_at",
                ],
                1,
                values,
            )
            .await?;
        let mut audit = Vec::with_capacity(rows.len());
        for ((row_no, t), id) in rows.iter().zip(&ids) {
            let after = serde_json::json!({
                "id": id, "unit_id": t.unit_id, "indicator": t.indicator, "measure": t.measure,
                "period_from": d(t.period_from), "period_to": d(t.period_to),
                "plan_value": t.plan_value, "approved": t.approved,
            });
            audit.push((*id, audit_after(after, self.import_id, *row_no)));
        }
        self.audit("target", audit).await?;
        self.written += rows.len() as i64;
        Ok(())
    }

    /// How many records were written so far.
    pub fn written(&self) -> i64 {
        self.written
    }

    /// Commits everything written, with the job marked done (`skipped` rows left out) in
    /// the same transaction: the job says done exactly when its records are there. Its rows
    /// stay for the purge job, so that what was left out can still be read.
    pub async fn commit(mut self, skipped: i64) -> Result<i64> {
        sqlx::query(
            "update imports set state = 'done', written = $1, skipped = $2, message = null, updated_at = $3 where id = $4",
        )
        .bind(self.written)
        .bind(skipped)
        .bind(now_ms())
        .bind(self.import_id)
        .execute(&mut *self.tx)
        .await?;
        self.tx.commit().await?;
        Ok(self.written)
    }
}

/// A record on file an imported row may duplicate: its id and the folded words it is
/// compared by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnFile {
    pub id: Id,
    pub key: String,
}

impl Store {
    /// The petitions of an area the caller sees that are still open or were resolved (a
    /// rejected one is no precedent; one merged into another is that other now), newest
    /// first, at most `limit`.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn petitions_of_area(
        &self,
        area: Id,
        vis: &dondoc_domain::Visibility,
        limit: i64,
    ) -> Result<Vec<OnFile>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(&format!(
            "select p.id, p.text_key from petitions p where p.area_unit_id = $1 and p.status not in ('rejected', 'merged'){}
             order by p.id desc limit $2",
            crate::visible::and(crate::visible::petition(vis, "p"))
        ))
        .bind(area)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, key)| OnFile { id, key })
            .collect())
    }

    /// The directives a unit leads that the caller sees and that were not cancelled, newest
    /// first, at most `limit`.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn directives_of_lead(
        &self,
        lead: Id,
        vis: &dondoc_domain::Visibility,
        limit: i64,
    ) -> Result<Vec<OnFile>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(&format!(
            "select d.id, d.text_key from directives d where d.lead_unit_id = $1 and d.status <> 'cancelled'{}
             order by d.id desc limit $2",
            crate::visible::and(crate::visible::directive(vis, "d"))
        ))
        .bind(lead)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, key)| OnFile { id, key })
            .collect())
    }

    /// A unit's targets for one period (targets are public), at most `limit`; the key is
    /// the indicator folded.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn targets_of_unit(
        &self,
        unit: Id,
        from: jiff::civil::Date,
        to: jiff::civil::Date,
        limit: i64,
    ) -> Result<Vec<OnFile>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "select id, indicator from targets where unit_id = $1 and period_from = $2 and period_to = $3
             order by id desc limit $4",
        )
        .bind(unit)
        .bind(d(from))
        .bind(d(to))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, indicator)| OnFile {
                id,
                key: key(&indicator),
            })
            .collect())
    }
}
