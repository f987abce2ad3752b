//! A petition (kiến nghị) moves from received to resolved; it may be rejected with a reason and
//! reopened when it comes back. How many times it was raised is counted from its raisings.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::FieldCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PetitionStatus {
    Received,
    Assigned,
    InProgress,
    Answered,
    Resolved,
    Rejected,
    Reopened,
    /// Found to be the same petition as another and merged into it: its raisings are
    /// that one's now, and it is closed for good (`Petition::merged_into` says where it went).
    Merged,
}

/// What a user does to a petition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PetitionAction {
    Assign,
    Start,
    Answer,
    Resolve,
    Reject,
    Reopen,
}

impl PetitionStatus {
    pub const ALL: [PetitionStatus; 8] = [
        PetitionStatus::Received,
        PetitionStatus::Assigned,
        PetitionStatus::InProgress,
        PetitionStatus::Answered,
        PetitionStatus::Resolved,
        PetitionStatus::Rejected,
        PetitionStatus::Reopened,
        PetitionStatus::Merged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PetitionStatus::Received => "received",
            PetitionStatus::Assigned => "assigned",
            PetitionStatus::InProgress => "in_progress",
            PetitionStatus::Answered => "answered",
            PetitionStatus::Resolved => "resolved",
            PetitionStatus::Rejected => "rejected",
            PetitionStatus::Reopened => "reopened",
            PetitionStatus::Merged => "merged",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Open petitions are those someone still has to act on.
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            PetitionStatus::Resolved | PetitionStatus::Rejected | PetitionStatus::Merged
        )
    }

    /// The statuses that are not open, as SQL string literals (`'resolved', …`), for the
    /// store's "still open" conditions.
    pub fn closed_sql() -> String {
        Self::ALL
            .into_iter()
            .filter(|s| !s.is_open())
            .map(|s| format!("'{}'", s.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The status after `action`, or `None` when the action is not allowed from here.
    pub fn after(self, action: PetitionAction) -> Option<PetitionStatus> {
        use PetitionAction as A;
        use PetitionStatus as S;
        match (self, action) {
            (S::Received | S::Reopened | S::Assigned, A::Assign) => Some(S::Assigned),
            (S::Assigned | S::Reopened, A::Start) => Some(S::InProgress),
            (S::Assigned | S::InProgress | S::Reopened, A::Answer) => Some(S::Answered),
            (S::Answered, A::Resolve) => Some(S::Resolved),
            (S::Received | S::Assigned | S::InProgress | S::Reopened, A::Reject) => {
                Some(S::Rejected)
            }
            (S::Answered | S::Resolved | S::Rejected, A::Reopen) => Some(S::Reopened),
            _ => None,
        }
    }

    /// The actions offered to a user looking at a petition in this status.
    pub fn actions(self) -> Vec<PetitionAction> {
        PetitionAction::ALL
            .into_iter()
            .filter(|a| self.after(*a).is_some())
            .collect()
    }
}

impl PetitionAction {
    pub const ALL: [PetitionAction; 6] = [
        PetitionAction::Assign,
        PetitionAction::Start,
        PetitionAction::Answer,
        PetitionAction::Resolve,
        PetitionAction::Reject,
        PetitionAction::Reopen,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PetitionAction::Assign => "assign",
            PetitionAction::Start => "start",
            PetitionAction::Answer => "answer",
            PetitionAction::Resolve => "resolve",
            PetitionAction::Reject => "reject",
            PetitionAction::Reopen => "reopen",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The field the action needs filled in, if any: the unit to assign, the answer, the reason.
    pub fn needs(self) -> Option<(&'static str, FieldCode)> {
        match self {
            PetitionAction::Assign => Some(("responsible_unit_id", FieldCode::Required)),
            PetitionAction::Answer => Some(("answer", FieldCode::Required)),
            PetitionAction::Reject => Some(("reason", FieldCode::Required)),
            _ => None,
        }
    }
}

/// The figures of a report on petitions: how many it holds, where they stand on the day of
/// the report, and how many answers were given by their due day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PetitionTally {
    pub received: i64,
    pub resolved: i64,
    /// Answered, the answer not yet accepted as settling it.
    pub answered: i64,
    /// Still with someone to act on: received, assigned, in progress or reopened.
    pub in_progress: i64,
    /// Of those in progress, past their due day.
    pub overdue: i64,
    pub rejected: i64,
    /// Answers given to petitions with a due day, and how many of them by that day.
    pub answers: i64,
    pub answers_on_time: i64,
}

impl PetitionTally {
    /// Counts one petition, seen on `today`.
    pub fn add(
        &mut self,
        status: PetitionStatus,
        due_on: Option<Date>,
        answered_on: Option<Date>,
        today: Date,
    ) {
        use PetitionStatus as S;
        // A petition merged into another is counted there, with its raisings.
        if status == S::Merged {
            return;
        }
        self.received += 1;
        match status {
            S::Merged => {}
            S::Resolved => self.resolved += 1,
            S::Answered => self.answered += 1,
            S::Rejected => self.rejected += 1,
            S::Received | S::Assigned | S::InProgress | S::Reopened => {
                self.in_progress += 1;
                if due_on.is_some_and(|d| d < today) {
                    self.overdue += 1;
                }
            }
        }
        // An answer counts even when the petition was reopened since: it was given.
        if let (Some(due), Some(on)) = (due_on, answered_on) {
            self.answers += 1;
            if on <= due {
                self.answers_on_time += 1;
            }
        }
    }

    /// The share of answers given by their due day, in percent; none without answers.
    pub fn on_time_percent(&self) -> Option<f64> {
        (self.answers > 0).then(|| 100.0 * self.answers_on_time as f64 / self.answers as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::PetitionAction as A;
    use super::PetitionStatus as S;
    use super::PetitionTally;
    use jiff::civil::date;

    #[test]
    fn tally_table() {
        let today = date(2026, 11, 26);
        let (past, future) = (Some(date(2026, 11, 1)), Some(date(2026, 12, 31)));
        // (status, due, answered on) -> what it adds to.
        let cases = [
            (S::Received, None, None, "in_progress"),
            (S::Assigned, future, None, "in_progress"),
            (S::InProgress, past, None, "in_progress overdue"),
            (
                S::Reopened,
                past,
                Some(date(2026, 10, 30)),
                "in_progress overdue answer on_time",
            ),
            (
                S::Answered,
                past,
                Some(date(2026, 11, 2)),
                "answered answer",
            ),
            (
                S::Answered,
                Some(today),
                Some(today),
                "answered answer on_time",
            ),
            (S::Answered, None, Some(today), "answered"),
            (
                S::Resolved,
                past,
                Some(date(2026, 10, 1)),
                "resolved answer on_time",
            ),
            (S::Rejected, past, None, "rejected"),
        ];
        for (status, due, answered, adds) in cases {
            let mut t = PetitionTally::default();
            t.add(status, due, answered, today);
            let words: Vec<&str> = adds.split(' ').collect();
            let has = |w: &str| i64::from(words.contains(&w));
            let want = PetitionTally {
                received: 1,
                resolved: has("resolved"),
                answered: has("answered"),
                in_progress: has("in_progress"),
                overdue: has("overdue"),
                rejected: has("rejected"),
                answers: has("answer"),
                answers_on_time: has("on_time"),
            };
            assert_eq!(t, want, "{status:?} due {due:?} answered {answered:?}");
        }
    }

    #[test]
    fn on_time_share() {
        let today = date(2026, 11, 26);
        let mut t = PetitionTally::default();
        assert_eq!(t.on_time_percent(), None);
        t.add(S::Answered, Some(today), Some(today), today);
        t.add(S::Resolved, Some(date(2026, 1, 1)), Some(today), today);
        t.add(S::Received, None, None, today);
        assert_eq!((t.received, t.answers, t.answers_on_time), (3, 2, 1));
        assert_eq!(t.on_time_percent(), Some(50.0));
    }

    #[test]
    fn transition_table() {
        let allowed = [
            (S::Received, A::Assign, S::Assigned),
            (S::Received, A::Reject, S::Rejected),
            (S::Assigned, A::Start, S::InProgress),
            (S::Assigned, A::Answer, S::Answered),
            (S::InProgress, A::Answer, S::Answered),
            (S::Answered, A::Resolve, S::Resolved),
            (S::Answered, A::Reopen, S::Reopened),
            (S::Resolved, A::Reopen, S::Reopened),
            (S::Rejected, A::Reopen, S::Reopened),
            (S::Reopened, A::Assign, S::Assigned),
        ];
        for (from, action, to) in allowed {
            assert_eq!(from.after(action), Some(to), "{from:?} --{action:?}");
        }
        let refused = [
            (S::Received, A::Resolve),
            (S::Received, A::Answer),
            (S::Resolved, A::Answer),
            (S::Resolved, A::Reject),
            (S::Rejected, A::Resolve),
            (S::InProgress, A::Reopen),
            (S::Merged, A::Reopen),
            (S::Merged, A::Assign),
            (S::Merged, A::Reject),
        ];
        for (from, action) in refused {
            assert_eq!(from.after(action), None, "{from:?} --{action:?}");
        }
    }

    #[test]
    fn open_statuses() {
        assert!(S::Received.is_open() && S::Reopened.is_open() && S::Answered.is_open());
        assert!(!S::Resolved.is_open() && !S::Rejected.is_open() && !S::Merged.is_open());
        assert_eq!(S::closed_sql(), "'resolved', 'rejected', 'merged'");
        assert!(S::Merged.actions().is_empty());
    }

    #[test]
    fn merged_is_counted_where_it_went() {
        let today = date(2026, 11, 26);
        let mut t = PetitionTally::default();
        t.add(S::Merged, Some(date(2026, 1, 1)), None, today);
        assert_eq!(t, PetitionTally::default());
    }
}
