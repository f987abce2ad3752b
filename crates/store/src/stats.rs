//! What a leader's dashboard counts: directives and petitions grouped by their unit and by
//! what decides where they stand, as the caller may see them. Each query reads its whole table
//! once (an aggregate has nothing to stop at); the application layer keeps the result in
//! memory for a few seconds and rolls it up the unit tree, so that a drill-down from the
//! province to a zone costs no query at all.

use dondoc_domain::directive::DirectiveStatus;
use dondoc_domain::petition::PetitionStatus;
use dondoc_domain::{Id, Visibility};
use jiff::civil::Date;

use crate::sql::opd;
use crate::{visible, Result, Store, StoreError};

/// Directives of one lead unit that share a status, a deadline and a day of completion.
#[derive(Debug, Clone)]
pub struct DirectiveCount {
    pub unit_id: Option<Id>,
    pub status: DirectiveStatus,
    pub deadline: Option<Date>,
    pub done_on: Option<Date>,
    pub n: i64,
}

/// Petitions of one unit (their area, or the unit answering for those of no area) that share
/// a status and a category.
#[derive(Debug, Clone)]
pub struct PetitionCount {
    pub unit_id: Option<Id>,
    pub status: PetitionStatus,
    pub category: Option<String>,
    pub n: i64,
}

impl Store {
    /// Every directive but the cancelled ones, grouped (see [`DirectiveCount`]).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn directive_counts(&self, vis: &Visibility) -> Result<Vec<DirectiveCount>> {
        let store = self.reading(vis);
        let cond = visible::and(visible::directive(vis, "dv"));
        type Grouped = (Option<i64>, String, Option<String>, Option<String>, i64);
        let rows: Vec<Grouped> = sqlx::query_as(&format!(
            "select dv.lead_unit_id, dv.status, dv.deadline, dv.done_on, count(*)
                 from directives dv where dv.status <> 'cancelled'{cond}
                 group by dv.lead_unit_id, dv.status, dv.deadline, dv.done_on"
        ))
        .fetch_all(&store.pool)
        .await?;
        rows.into_iter()
            .map(|(unit_id, status, deadline, done_on, n)| {
                Ok(DirectiveCount {
                    unit_id,
                    status: DirectiveStatus::parse(&status)
                        .ok_or_else(|| StoreError::Corrupt(status.clone()))?,
                    deadline: opd(deadline)?,
                    done_on: opd(done_on)?,
                    n,
                })
            })
            .collect()
    }

    /// Every petition, grouped (see [`PetitionCount`]).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn petition_unit_counts(&self, vis: &Visibility) -> Result<Vec<PetitionCount>> {
        let store = self.reading(vis);
        let cond = visible::petition(vis, "p")
            .map(|c| format!(" where {c}"))
            .unwrap_or_default();
        let rows: Vec<(Option<i64>, String, Option<String>, i64)> = sqlx::query_as(&format!(
            "select coalesce(p.area_unit_id, p.responsible_unit_id), p.status, p.category, count(*)
             from petitions p{cond}
             group by coalesce(p.area_unit_id, p.responsible_unit_id), p.status, p.category"
        ))
        .fetch_all(&store.pool)
        .await?;
        rows.into_iter()
            .map(|(unit_id, status, category, n)| {
                Ok(PetitionCount {
                    unit_id,
                    status: PetitionStatus::parse(&status)
                        .ok_or_else(|| StoreError::Corrupt(status.clone()))?,
                    category,
                    n,
                })
            })
            .collect()
    }
}
