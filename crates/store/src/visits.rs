//! Visitor statistics: the day's shared salt, a row per visitor per day, a counter per day.
//!
//! Every node writes its buffered views here in one transaction (see `app::visits`); a view
//! of someone seen less than `min_gap_ms` ago changes no row, so a busy page does not make
//! the database grow or its log churn.

use jiff::civil::Date;

use crate::sql::d;
use crate::{Result, Store};

/// What the sidebar shows: distinct visitors online now, today, this month and in all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VisitFigures {
    pub online: i64,
    pub today: i64,
    pub month: i64,
    pub total: i64,
}

impl Store {
    /// The salt of `day`, shared by every node: `fresh` becomes it when the day has none yet.
    /// Salts of days before `keep_from` are deleted, so old digests can no longer be
    /// recomputed from an address.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn visit_salt(&self, day: Date, fresh: &str, keep_from: Date) -> Result<String> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "insert into visit_salts (day, salt) values ($1, $2) on conflict (day) do nothing",
        )
        .bind(d(day))
        .bind(fresh)
        .execute(&mut *tx)
        .await?;
        sqlx::query("delete from visit_salts where day < $1")
            .bind(d(keep_from))
            .execute(&mut *tx)
            .await?;
        let salt: String = sqlx::query_scalar("select salt from visit_salts where day = $1")
            .bind(d(day))
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(salt)
    }

    /// Records the visitors of `day` (`(digest, last seen in epoch ms)`), in one transaction:
    /// a new one is counted in the day's total; one seen again moves its `last_seen` when the
    /// last one written is `min_gap_ms` old or more. Visitors' rows of days before
    /// `keep_from` are deleted (the day counters stay). Returns how many were new.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn record_visits(
        &self,
        day: Date,
        visits: &[(String, i64)],
        min_gap_ms: i64,
        keep_from: Date,
    ) -> Result<u64> {
        let day = d(day);
        let mut tx = self.begin().await?;
        let mut new = 0;
        for (hash, at) in visits {
            let inserted = sqlx::query(
                "insert into visitors (day, hash, last_seen) values ($1, $2, $3) on conflict (day, hash) do nothing",
            )
            .bind(&day)
            .bind(hash)
            .bind(*at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if inserted > 0 {
                new += 1;
                continue;
            }
            sqlx::query(
                "update visitors set last_seen = $3 where day = $1 and hash = $2 and last_seen <= $4",
            )
            .bind(&day)
            .bind(hash)
            .bind(*at)
            .bind(at - min_gap_ms)
            .execute(&mut *tx)
            .await?;
        }
        if new > 0 {
            sqlx::query(
                "insert into visit_days (day, visitors) values ($1, $2) \
                 on conflict (day) do update set visitors = visit_days.visitors + excluded.visitors",
            )
            .bind(&day)
            .bind(new as i64)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("delete from visitors where day < $1")
            .bind(d(keep_from))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(new)
    }

    /// The figures on `today`: visitors seen since `online_since_ms`, and those counted today,
    /// from `month_start` to today, and in all.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn visit_figures(
        &self,
        today: Date,
        month_start: Date,
        online_since_ms: i64,
    ) -> Result<VisitFigures> {
        let mut tx = self.read().await?;
        let online: i64 = sqlx::query_scalar("select count(*) from visitors where last_seen >= $1")
            .bind(online_since_ms)
            .fetch_one(&mut *tx)
            .await?;
        let (today_n, month, total): (i64, i64, i64) = sqlx::query_as(
            "select \
               cast(coalesce(sum(case when day = $1 then visitors else 0 end), 0) as bigint), \
               cast(coalesce(sum(case when day >= $2 and day <= $1 then visitors else 0 end), 0) as bigint), \
               cast(coalesce(sum(visitors), 0) as bigint) \
             from visit_days",
        )
        .bind(d(today))
        .bind(d(month_start))
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(VisitFigures {
            online,
            today: today_n,
            month,
            total,
        })
    }
}
