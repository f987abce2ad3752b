//! Writing many rows at once, for `dondoc gen` (data at scale for benchmarks): multi-row
//! inserts with explicit ids in one transaction, on either database. Records written this way
//! skip the use cases and the audit trail, so nothing but generated data goes through here,
//! and its writer keeps the derived columns (a petition's cached counts) right itself:
//! `Store::stale_petition_counts` checks them.

use crate::sql::Tx;
use crate::{Backend, Result, Store};

/// One value of a row.
#[derive(Debug, Clone)]
pub enum Value {
    I(i64),
    F(f64),
    S(String),
    /// NULL in an integer column.
    NullI,
    /// NULL in a text column.
    NullS,
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::I(v)
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::F(v)
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::S(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::S(v.to_string())
    }
}

impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        v.map_or(Value::NullI, Value::I)
    }
}

impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        v.map_or(Value::NullS, Value::S)
    }
}

/// Most values bound in one statement: small statements, prepared once and reused, are
/// fastest (both databases allow far more).
pub(crate) const MAX_BINDS: usize = 300;

/// A transaction for bulk writes.
pub struct Bulk {
    tx: Tx<'static>,
    backend: Backend,
    tables: Vec<&'static str>,
}

impl Store {
    /// Starts a bulk write.
    pub async fn bulk(&self) -> Result<Bulk> {
        let mut tx = self.begin().await?;
        if self.backend() == Backend::Sqlite {
            // Index pages stay in memory (256 MB) instead of being read again for each row.
            sqlx::query("pragma cache_size = -262144")
                .execute(&mut *tx)
                .await?;
        }
        Ok(Bulk {
            tx,
            backend: self.backend(),
            tables: Vec::new(),
        })
    }
}

impl Bulk {
    /// The next free id of `table` (its largest id plus one).
    pub async fn next_id(&mut self, table: &'static str) -> Result<i64> {
        let max: Option<i64> = sqlx::query_scalar(&format!("select max(id) from {table}"))
            .fetch_one(&mut *self.tx)
            .await?;
        Ok(max.unwrap_or(0) + 1)
    }

    /// Inserts `rows` (each as many values as `columns`) into `table`.
    pub async fn insert(
        &mut self,
        table: &'static str,
        columns: &[&str],
        rows: &[Vec<Value>],
    ) -> Result<()> {
        if columns.contains(&"id") && !self.tables.contains(&table) {
            self.tables.push(table);
        }
        insert_rows(&mut self.tx, table, columns, rows).await
    }

    /// Moves PostgreSQL's id sequences past the ids written, and commits.
    pub async fn commit(mut self) -> Result<()> {
        if self.backend == Backend::Postgres {
            for table in &self.tables {
                sqlx::query(&format!(
                    "select setval(pg_get_serial_sequence('{table}', 'id'), (select max(id) from {table}))"
                ))
                .execute(&mut *self.tx)
                .await?;
            }
        }
        self.tx.commit().await?;
        Ok(())
    }
}

/// The tables a bulk load fills with many rows: on SQLite their plain indexes are set aside
/// during the load and built again after it (a million petitions: 84 s to load and 13 s to
/// build the indexes, against 136 s keeping them row by row).
const BULK_TABLES: &[&str] = &[
    "petitions",
    "raisings",
    "petition_units",
    "directives",
    "directive_units",
    "sessions",
    "measurements",
];

impl Store {
    /// Before a bulk load, on SQLite: the word indexes (`crate::words::INDEXES`) stop being
    /// kept row by row, which would cost the load a third of its time, and the plain
    /// indexes of [`BULK_TABLES`] are set aside (unique ones stay: they guard the data).
    /// Call [`Store::resume_indexes`] after the load: it builds each again in one pass. What
    /// was set aside is kept in the database (`word_index_paused`, named for the triggers it
    /// first held), so that a load cut short is repaired when the store is next migrated (at
    /// every start). PostgreSQL's indexes need no pause.
    pub async fn pause_indexes(&self) -> Result<()> {
        if self.backend() != Backend::Sqlite {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        let mut set_aside: Vec<(String, String, &str)> = Vec::new();
        for index in crate::words::INDEXES {
            let name = format!("{}_insert", index.table);
            let sql: Option<String> = sqlx::query_scalar(
                "select sql from sqlite_master where type = 'trigger' and name = $1",
            )
            .bind(&name)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(sql) = sql {
                set_aside.push((name, sql, "trigger"));
            }
        }
        for table in BULK_TABLES {
            let indexes: Vec<(String, String)> = sqlx::query_as(
                "select name, sql from sqlite_master
                 where type = 'index' and tbl_name = $1 and sql is not null
                   and lower(sql) not like 'create unique%'",
            )
            .bind(table)
            .fetch_all(&mut *tx)
            .await?;
            set_aside.extend(indexes.into_iter().map(|(n, sql)| (n, sql, "index")));
        }
        for (name, sql, kind) in set_aside {
            sqlx::query("insert into word_index_paused (name, sql) values ($1, $2)")
                .bind(&name)
                .bind(sql)
                .execute(&mut *tx)
                .await?;
            // Names read from the schema itself, quoted.
            sqlx::query(&format!("drop {kind} \"{}\"", name.replace('"', "\"\"")))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// After a bulk load: the indexes set aside by [`Store::pause_indexes`] built again, the
    /// word indexes kept row by row again and each rebuilt from its table.
    pub async fn resume_indexes(&self) -> Result<()> {
        if self.backend() != Backend::Sqlite {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        let paused: Vec<(String, String)> =
            sqlx::query_as("select name, sql from word_index_paused")
                .fetch_all(&mut *tx)
                .await?;
        if paused.is_empty() {
            return Ok(());
        }
        for (name, sql) in paused {
            sqlx::query(&sql).execute(&mut *tx).await?;
            sqlx::query("delete from word_index_paused where name = $1")
                .bind(&name)
                .execute(&mut *tx)
                .await?;
            // Only the names written above are kept there: each an index's own.
            if let Some(index) = crate::words::INDEXES
                .iter()
                .find(|i| name == format!("{}_insert", i.table))
            {
                sqlx::query(&format!(
                    "insert into {0} ({0}) values ('rebuild')",
                    index.table
                ))
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

/// Inserts `rows` (each as many values as `columns`) into `table` in the caller's transaction,
/// a few hundred values to a statement.
pub(crate) async fn insert_rows(
    tx: &mut Tx<'_>,
    table: &str,
    columns: &[&str],
    rows: &[Vec<Value>],
) -> Result<()> {
    let per_statement = (MAX_BINDS / columns.len()).max(1);
    for chunk in rows.chunks(per_statement) {
        let mut sql = format!("insert into {table} ({}) values ", columns.join(", "));
        let mut n = 0;
        for (i, row) in chunk.iter().enumerate() {
            debug_assert_eq!(row.len(), columns.len());
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for j in 0..row.len() {
                n += 1;
                if j > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("${n}"));
            }
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
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
        q.execute(&mut **tx).await?;
    }
    Ok(())
}
