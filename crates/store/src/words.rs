//! Word indexes: how a search finds the few rows that hold its words without walking a table.
//!
//! A search matches each folded word as a substring of a folded key column (`like '%word%'`,
//! see [`Where::search`]). On a word that many rows hold, a list walks its own order and
//! finds a page of matches soon; on a rare one the same walk reads every row. SQLite keeps an
//! FTS5 trigram index beside each searched table ([`INDEXES`], migrations "words" and "more
//! words"), which answers the same `like` from the index: [`Store::word_index`] asks it first,
//! and a list then reads the few matching rows by id, or walks its order when they are many.
//! PostgreSQL has a `pg_trgm` index on the same columns (the `_words_idx` indexes), read the
//! same way once a sample of the newest rows has found the words rare; its lists match the
//! words by `strpos`, which no index serves, so that its planner never reads that index by
//! itself on a guess (see [`Where::search_on`]).

use dondoc_domain::Id;

use crate::sql::{Arg, Where};
use crate::{Result, Store};

/// A searched table's word index: the FTS5 table (`<table>_words`), and the key column it
/// indexes (of the same name in both).
#[derive(Debug, Clone, Copy)]
pub(crate) struct WordIndexOf {
    pub table: &'static str,
    pub column: &'static str,
}

impl WordIndexOf {
    /// The table whose rows are indexed.
    fn rows(&self) -> &'static str {
        self.table.trim_end_matches("_words")
    }
}

pub(crate) const PETITIONS: WordIndexOf = WordIndexOf {
    table: "petitions_words",
    column: "text_key",
};
pub(crate) const DIRECTIVES: WordIndexOf = WordIndexOf {
    table: "directives_words",
    column: "text_key",
};
pub(crate) const SESSIONS: WordIndexOf = WordIndexOf {
    table: "sessions_words",
    column: "title_key",
};
pub(crate) const ARTICLES: WordIndexOf = WordIndexOf {
    table: "articles_words",
    column: "text_key",
};

/// Every word index, for a bulk load's pause and rebuild.
pub(crate) const INDEXES: [WordIndexOf; 4] = [PETITIONS, DIRECTIVES, SESSIONS, ARTICLES];

/// A search whose words are in at most this many rows reads them from the word index; one
/// in more walks the list's order, where its matches come soon.
pub(crate) const FEW_MATCHES: i64 = 2_000;

/// A search as a word index reads it: the ids of the few rows that hold its words, or that
/// they are many, with, on SQLite, the condition on the index's alias `t` that reads them
/// from it and the patterns it binds (for a count that stops once it has counted enough).
pub(crate) enum WordIndex {
    Few(Vec<Id>),
    Many(Option<(String, Vec<Arg>)>),
}

/// PostgreSQL reads its trigram index only for words the newest [`SAMPLE`] rows of a table
/// hold fewer than [`SAMPLE_MANY`] times: the index collects every match of a common word
/// before a page of them can be had (60 ms for "nhà văn hóa" at a million petitions), and
/// the sample costs a walk of [`SAMPLE`] rows (2 ms).
const SAMPLE: i64 = 5_000;
/// Matches in the sample from which the words count as many: 0.2 %, some 2,000 in a
/// million, as [`FEW_MATCHES`] says.
const SAMPLE_MANY: i64 = 10;

impl Store {
    /// What a word index says of a search: the rows that hold its words when they are few,
    /// or, when they are many, the condition that reads them from the index (SQLite's FTS5
    /// table, for a count that stops early; PostgreSQL's lists walk their order instead).
    /// None when it cannot help: no word of three letters or more (the index's grain).
    pub(crate) async fn word_index(
        &self,
        index: WordIndexOf,
        q: Option<&str>,
    ) -> Result<Option<WordIndex>> {
        let words: Vec<String> = Where::words(q)
            .into_iter()
            .filter(|w| w.chars().count() >= 3)
            .collect();
        if words.is_empty() {
            return Ok(None);
        }
        let likes = |alias: &str| {
            words
                .iter()
                .map(|_| format!("{alias}{} like ?", index.column))
                .collect::<Vec<_>>()
                .join(" and ")
        };
        let args: Vec<Arg> = words.iter().map(|w| Arg::S(format!("%{w}%"))).collect();
        let mut probe = Where::new();
        probe.and(&likes(""), args.clone());
        let sql = match self.backend {
            crate::Backend::Sqlite => format!(
                "select rowid from {}{} limit {}",
                index.table,
                probe.sql(),
                FEW_MATCHES + 1
            ),
            crate::Backend::Postgres => {
                let sample = format!(
                    "select count(*) from (select {column} from {table} order by id desc limit {SAMPLE}) t{}",
                    probe.sql(),
                    column = index.column,
                    table = index.rows(),
                );
                crate::sql::record_plan(self, &sample, &probe.args).await?;
                let seen: i64 = crate::sql::bind_scalar(sqlx::query_scalar(&sample), &probe.args)
                    .fetch_one(&self.pool)
                    .await?;
                if seen >= SAMPLE_MANY {
                    return Ok(Some(WordIndex::Many(None)));
                }
                format!(
                    "select id from {}{} limit {}",
                    index.rows(),
                    probe.sql(),
                    FEW_MATCHES + 1
                )
            }
        };
        crate::sql::record_plan(self, &sql, &probe.args).await?;
        let ids: Vec<i64> = crate::sql::bind_scalar(sqlx::query_scalar(&sql), &probe.args)
            .fetch_all(&self.pool)
            .await?;
        Ok(Some(if ids.len() as i64 <= FEW_MATCHES {
            WordIndex::Few(ids)
        } else if self.backend == crate::Backend::Sqlite {
            WordIndex::Many(Some((likes("t."), args)))
        } else {
            WordIndex::Many(None)
        }))
    }
}

impl Store {
    /// Adds a search for `q` on `alias`'s key column to `w` ([`Where::search`]), reading the
    /// word index first: when few rows hold its words, the list reads just those, by id.
    /// False when none does: the list is empty, with nothing more to read.
    pub(crate) async fn search_words(
        &self,
        w: &mut Where,
        index: WordIndexOf,
        alias: &str,
        q: Option<&str>,
    ) -> Result<bool> {
        w.search_on(self.backend, &format!("{alias}.{}", index.column), q);
        match self.word_index(index, q).await? {
            Some(WordIndex::Few(ids)) if ids.is_empty() => return Ok(false),
            Some(WordIndex::Few(ids)) => {
                w.and(
                    &format!("{alias}.id in ({})", crate::sql::id_list(&ids)),
                    [],
                );
            }
            Some(WordIndex::Many(_)) | None => {}
        }
        Ok(true)
    }
}
