//! A directive (nhiệm vụ, kết luận chỉ đạo) is assigned to a lead unit with or without a
//! deadline. Whether it is overdue or was done late is derived from dates, never stored.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DirectiveStatus {
    Assigned,
    InProgress,
    Done,
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DirectiveAction {
    Start,
    Complete,
    Cancel,
    Reopen,
}

/// Where a directive stands against its deadline on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    NoDeadline,
    OnTrack,
    DueSoon,
    Overdue,
    DoneOnTime,
    DoneLate,
    Cancelled,
}

/// "Due soon" means within this many days; the dashboard lists them.
pub const DUE_SOON_DAYS: i64 = 14;

impl DirectiveStatus {
    pub const ALL: [DirectiveStatus; 4] = [
        DirectiveStatus::Assigned,
        DirectiveStatus::InProgress,
        DirectiveStatus::Done,
        DirectiveStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DirectiveStatus::Assigned => "assigned",
            DirectiveStatus::InProgress => "in_progress",
            DirectiveStatus::Done => "done",
            DirectiveStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn is_open(self) -> bool {
        matches!(
            self,
            DirectiveStatus::Assigned | DirectiveStatus::InProgress
        )
    }

    pub fn after(self, action: DirectiveAction) -> Option<DirectiveStatus> {
        use DirectiveAction as A;
        use DirectiveStatus as S;
        match (self, action) {
            (S::Assigned, A::Start) => Some(S::InProgress),
            (S::Assigned | S::InProgress, A::Complete) => Some(S::Done),
            (S::Assigned | S::InProgress, A::Cancel) => Some(S::Cancelled),
            (S::Done | S::Cancelled, A::Reopen) => Some(S::InProgress),
            _ => None,
        }
    }

    pub fn actions(self) -> Vec<DirectiveAction> {
        DirectiveAction::ALL
            .into_iter()
            .filter(|a| self.after(*a).is_some())
            .collect()
    }
}

impl DirectiveAction {
    pub const ALL: [DirectiveAction; 4] = [
        DirectiveAction::Start,
        DirectiveAction::Complete,
        DirectiveAction::Cancel,
        DirectiveAction::Reopen,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DirectiveAction::Start => "start",
            DirectiveAction::Complete => "complete",
            DirectiveAction::Cancel => "cancel",
            DirectiveAction::Reopen => "reopen",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

pub fn timeliness(
    status: DirectiveStatus,
    deadline: Option<Date>,
    done_on: Option<Date>,
    today: Date,
) -> Timeliness {
    match (status, deadline) {
        (DirectiveStatus::Cancelled, _) => Timeliness::Cancelled,
        (DirectiveStatus::Done, Some(d)) => match done_on {
            Some(done) if done > d => Timeliness::DoneLate,
            _ => Timeliness::DoneOnTime,
        },
        (DirectiveStatus::Done, None) => Timeliness::DoneOnTime,
        (_, None) => Timeliness::NoDeadline,
        (_, Some(d)) if d < today => Timeliness::Overdue,
        (_, Some(d)) if (d - today).get_days() as i64 <= DUE_SOON_DAYS => Timeliness::DueSoon,
        _ => Timeliness::OnTrack,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn transitions() {
        use DirectiveAction as A;
        use DirectiveStatus as S;
        assert_eq!(S::Assigned.after(A::Start), Some(S::InProgress));
        assert_eq!(S::InProgress.after(A::Complete), Some(S::Done));
        assert_eq!(S::Done.after(A::Complete), None);
        assert_eq!(S::Cancelled.after(A::Start), None);
        assert_eq!(S::Done.after(A::Reopen), Some(S::InProgress));
        assert_eq!(
            S::Assigned.actions(),
            vec![A::Start, A::Complete, A::Cancel]
        );
    }

    #[test]
    fn timeliness_table() {
        let today = date(2020, 9, 1);
        let cases = [
            (
                DirectiveStatus::Assigned,
                Some(date(2020, 8, 31)),
                None,
                Timeliness::Overdue,
            ),
            (
                DirectiveStatus::InProgress,
                Some(date(2020, 9, 10)),
                None,
                Timeliness::DueSoon,
            ),
            (
                DirectiveStatus::Assigned,
                Some(date(2020, 9, 15)),
                None,
                Timeliness::DueSoon,
            ),
            (
                DirectiveStatus::Assigned,
                Some(date(2020, 9, 16)),
                None,
                Timeliness::OnTrack,
            ),
            (
                DirectiveStatus::Assigned,
                Some(date(2020, 9, 1)),
                None,
                Timeliness::DueSoon,
            ),
            (
                DirectiveStatus::Assigned,
                None,
                None,
                Timeliness::NoDeadline,
            ),
            (
                DirectiveStatus::Done,
                Some(date(2020, 8, 31)),
                Some(date(2020, 8, 31)),
                Timeliness::DoneOnTime,
            ),
            (
                DirectiveStatus::Done,
                Some(date(2020, 8, 31)),
                Some(date(2020, 9, 1)),
                Timeliness::DoneLate,
            ),
            (
                DirectiveStatus::Cancelled,
                Some(date(2020, 8, 1)),
                None,
                Timeliness::Cancelled,
            ),
        ];
        for (status, deadline, done, want) in cases {
            assert_eq!(
                timeliness(status, deadline, done, today),
                want,
                "{status:?} {deadline:?} {done:?}"
            );
        }
    }
}
