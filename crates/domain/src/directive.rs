//! A directive (nhiệm vụ, kết luận chỉ đạo) is assigned to a lead unit with or without a
//! deadline. Whether it is overdue or was done late is derived from dates, never stored.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DirectiveStatus {
    Assigned,
    InProgress,
    /// Reported done by the assignee, waiting for the issuer's side to accept or return it.
    Reported,
    Done,
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DirectiveAction {
    Start,
    /// The assignee reports it done, with its result: the issuer's side then accepts or
    /// returns it.
    Report,
    /// The issuer's side accepts a reported result: done, on the day reported.
    Accept,
    /// The issuer's side returns a reported result, with the reason: in progress again.
    Return,
    /// The issuer's side closes it as done without a report.
    Complete,
    Cancel,
    Reopen,
}

/// Where a directive stands against its deadline on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    pub const ALL: [DirectiveStatus; 5] = [
        DirectiveStatus::Assigned,
        DirectiveStatus::InProgress,
        DirectiveStatus::Reported,
        DirectiveStatus::Done,
        DirectiveStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DirectiveStatus::Assigned => "assigned",
            DirectiveStatus::InProgress => "in_progress",
            DirectiveStatus::Reported => "reported",
            DirectiveStatus::Done => "done",
            DirectiveStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the assignee still has work to do (a reported directive waits for the
    /// issuer's side, not for them).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            DirectiveStatus::Assigned | DirectiveStatus::InProgress
        )
    }

    /// Whether files backing the result may be added: while the work is open, and while its
    /// report waits for the issuer's side.
    pub fn takes_evidence(self) -> bool {
        self.is_open() || self == DirectiveStatus::Reported
    }

    pub fn after(self, action: DirectiveAction) -> Option<DirectiveStatus> {
        use DirectiveAction as A;
        use DirectiveStatus as S;
        match (self, action) {
            (S::Assigned, A::Start) => Some(S::InProgress),
            (S::Assigned | S::InProgress, A::Report) => Some(S::Reported),
            (S::Reported, A::Accept) => Some(S::Done),
            (S::Reported, A::Return) => Some(S::InProgress),
            (S::Assigned | S::InProgress, A::Complete) => Some(S::Done),
            (S::Assigned | S::InProgress | S::Reported, A::Cancel) => Some(S::Cancelled),
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
    pub const ALL: [DirectiveAction; 7] = [
        DirectiveAction::Start,
        DirectiveAction::Report,
        DirectiveAction::Accept,
        DirectiveAction::Return,
        DirectiveAction::Complete,
        DirectiveAction::Cancel,
        DirectiveAction::Reopen,
    ];

    /// Who may take this step: the assignee's side (the lead unit's people) starts and
    /// reports; the issuer's side (leaders) accepts, returns, closes, cancels and reopens.
    pub fn needs(self, lead_unit: Option<crate::Id>) -> crate::Action {
        match self {
            DirectiveAction::Start | DirectiveAction::Report => {
                crate::Action::UpdateDirective { lead_unit }
            }
            _ => crate::Action::DecideDirective,
        }
    }

    /// Whether the step needs words: the result reported, the reason it is returned or
    /// cancelled.
    pub fn needs_text(self) -> bool {
        matches!(
            self,
            DirectiveAction::Report | DirectiveAction::Return | DirectiveAction::Cancel
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DirectiveAction::Start => "start",
            DirectiveAction::Report => "report",
            DirectiveAction::Accept => "accept",
            DirectiveAction::Return => "return",
            DirectiveAction::Complete => "complete",
            DirectiveAction::Cancel => "cancel",
            DirectiveAction::Reopen => "reopen",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A directive that is no longer open (done or cancelled) takes no progress report and no
/// move but reopening: the one refusal for both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the directive's status does not allow this")]
pub struct NotAllowed;

/// What a change of a directive writes: its new status, progress and day of completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DirectiveUpdate {
    pub status: DirectiveStatus,
    pub progress_percent: i64,
    pub done_on: Option<Date>,
}

impl DirectiveStatus {
    /// A move of status: done means 100 % and a day of completion (the day given, or today);
    /// reopening clears that day and keeps the progress reported.
    pub fn transition(
        self,
        action: DirectiveAction,
        progress_percent: i64,
        done_on: Option<Date>,
        today: Date,
    ) -> Result<DirectiveUpdate, NotAllowed> {
        let status = self.after(action).ok_or(NotAllowed)?;
        Ok(match status {
            // Accepting keeps the day the work was reported done.
            DirectiveStatus::Done if action == DirectiveAction::Accept => DirectiveUpdate {
                status,
                progress_percent: 100,
                done_on: done_on.or(Some(today)),
            },
            DirectiveStatus::Done | DirectiveStatus::Reported => DirectiveUpdate {
                status,
                progress_percent: 100,
                done_on: Some(done_on.unwrap_or(today)),
            },
            _ => DirectiveUpdate {
                status,
                progress_percent,
                done_on: None,
            },
        })
    }

    /// A progress report: only while the directive is open; an assigned one is then in
    /// progress. Reporting 100 % does not close it: completion is its own step.
    pub fn progress(self, percent: i64) -> Result<DirectiveUpdate, NotAllowed> {
        if !self.is_open() {
            return Err(NotAllowed);
        }
        Ok(DirectiveUpdate {
            status: DirectiveStatus::InProgress,
            progress_percent: percent,
            done_on: None,
        })
    }
}

/// Whose part a progress report is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reporter {
    /// The lead unit's (or, with no lead, the issuer's side's): it moves the record's status
    /// and overall progress.
    Lead,
    /// A coordinating unit's own part: kept under that unit, moving nothing of the record.
    Share(crate::Id),
}

/// The part a report is of, by the unit it names (`unit_id`) and the record's units: none
/// named or the lead named is the lead's report; a coordinating unit named is its share; any
/// other unit is not one of the record's. Directives and petitions ask the same.
pub fn reporter(
    unit: Option<crate::Id>,
    lead: Option<crate::Id>,
    coordinating: &[crate::Id],
) -> Result<Reporter, crate::Invalid> {
    match unit {
        None => Ok(Reporter::Lead),
        Some(u) if Some(u) == lead => Ok(Reporter::Lead),
        Some(u) if coordinating.contains(&u) => Ok(Reporter::Share(u)),
        Some(_) => Err(crate::Invalid::one(
            "unit_id",
            crate::FieldCode::InvalidChoice,
        )),
    }
}

/// How long an open directive has been overdue, in the bands a leader's dashboard shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OverdueAge {
    /// 1 to 7 days.
    Week,
    /// 8 to 30 days.
    Month,
    /// 31 to 90 days.
    Quarter,
    /// More than 90 days.
    Older,
}

impl OverdueAge {
    pub const ALL: [OverdueAge; 4] = [
        OverdueAge::Week,
        OverdueAge::Month,
        OverdueAge::Quarter,
        OverdueAge::Older,
    ];

    /// The band of a directive `days` past its deadline; `None` when it is not past it.
    pub fn of(days: i64) -> Option<Self> {
        match days {
            i64::MIN..=0 => None,
            1..=7 => Some(OverdueAge::Week),
            8..=30 => Some(OverdueAge::Month),
            31..=90 => Some(OverdueAge::Quarter),
            _ => Some(OverdueAge::Older),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OverdueAge::Week => "week",
            OverdueAge::Month => "month",
            OverdueAge::Quarter => "quarter",
            OverdueAge::Older => "older",
        }
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
        (DirectiveStatus::Done | DirectiveStatus::Reported, Some(d)) => match done_on {
            Some(done) if done > d => Timeliness::DoneLate,
            _ => Timeliness::DoneOnTime,
        },
        (DirectiveStatus::Done | DirectiveStatus::Reported, None) => Timeliness::DoneOnTime,
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
    fn whose_part_a_report_is() {
        let (lead, coordinating) = (Some(10), [20, 30]);
        // (unit named, expected)
        let table = [
            (None, Some(Reporter::Lead)),
            (Some(10), Some(Reporter::Lead)),
            (Some(20), Some(Reporter::Share(20))),
            (Some(30), Some(Reporter::Share(30))),
            (Some(40), None),
        ];
        for (unit, want) in table {
            assert_eq!(reporter(unit, lead, &coordinating).ok(), want, "{unit:?}");
        }
        // A record with no lead: nobody's share but the coordinating units'.
        assert_eq!(reporter(Some(10), None, &[20]).ok(), None);
        assert_eq!(reporter(None, None, &[20]).ok(), Some(Reporter::Lead));
    }

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
            vec![A::Start, A::Report, A::Complete, A::Cancel]
        );
        // Two-party closure: reported, then accepted or returned; only then done.
        assert_eq!(S::InProgress.after(A::Report), Some(S::Reported));
        assert_eq!(S::Reported.actions(), vec![A::Accept, A::Return, A::Cancel]);
        assert_eq!(S::Reported.after(A::Accept), Some(S::Done));
        assert_eq!(S::Reported.after(A::Return), Some(S::InProgress));
        assert_eq!(S::InProgress.after(A::Accept), None);
        assert!(!S::Reported.is_open());
    }

    #[test]
    fn the_assignee_reports_and_the_issuer_decides() {
        use crate::{Action, Actor, Role};
        let officer = Actor {
            user_id: 1,
            role: Role::Officer,
            scope: vec![7],
        };
        let leader = Actor {
            user_id: 2,
            role: Role::Leader,
            scope: vec![1, 7],
        };
        for a in DirectiveAction::ALL {
            let by_assignee = matches!(a, DirectiveAction::Start | DirectiveAction::Report);
            assert_eq!(officer.can(a.needs(Some(7))), by_assignee, "{a:?}");
            assert!(!officer.can(a.needs(Some(8))), "{a:?} outside their unit");
            assert!(leader.can(a.needs(Some(7))), "{a:?}");
        }
        assert!(!officer.can(Action::DecideDirective));
    }

    #[test]
    fn accepting_keeps_the_day_reported() {
        use DirectiveAction as A;
        use DirectiveStatus as S;
        let reported = S::InProgress
            .transition(A::Report, 60, Some(date(2020, 12, 10)), date(2020, 12, 11))
            .unwrap();
        assert_eq!(
            (reported.status, reported.progress_percent, reported.done_on),
            (S::Reported, 100, Some(date(2020, 12, 10)))
        );
        let accepted = S::Reported
            .transition(A::Accept, 100, reported.done_on, date(2020, 12, 14))
            .unwrap();
        assert_eq!(accepted.done_on, Some(date(2020, 12, 10)));
        assert_eq!(
            timeliness(
                S::Done,
                Some(date(2020, 11, 18)),
                accepted.done_on,
                date(2020, 12, 14)
            ),
            Timeliness::DoneLate
        );
        let returned = S::Reported
            .transition(A::Return, 100, reported.done_on, date(2020, 12, 14))
            .unwrap();
        assert_eq!((returned.status, returned.done_on), (S::InProgress, None));
    }

    #[test]
    fn changes_written() {
        use DirectiveAction as A;
        use DirectiveStatus as S;
        let today = date(2020, 9, 1);
        let done = S::InProgress
            .transition(A::Complete, 40, None, today)
            .unwrap();
        assert_eq!(
            (done.status, done.progress_percent, done.done_on),
            (S::Done, 100, Some(today))
        );
        let on = S::Assigned
            .transition(A::Complete, 0, Some(date(2020, 8, 30)), today)
            .unwrap();
        assert_eq!(on.done_on, Some(date(2020, 8, 30)));
        let reopened = S::Done.transition(A::Reopen, 100, None, today).unwrap();
        assert_eq!((reopened.status, reopened.done_on), (S::InProgress, None));
        assert_eq!(
            S::Cancelled.transition(A::Cancel, 0, None, today),
            Err(NotAllowed)
        );
        assert_eq!(S::Assigned.progress(30).unwrap().status, S::InProgress);
        assert_eq!(S::Done.progress(30), Err(NotAllowed));
        assert_eq!(S::Cancelled.progress(30), Err(NotAllowed));
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

    #[test]
    fn overdue_ages_fall_in_their_bands() {
        let bands: Vec<_> = [0, 1, 7, 8, 30, 31, 90, 91, 4000]
            .into_iter()
            .map(OverdueAge::of)
            .collect();
        use OverdueAge::*;
        assert_eq!(
            bands,
            [
                None,
                Some(Week),
                Some(Week),
                Some(Month),
                Some(Month),
                Some(Quarter),
                Some(Quarter),
                Some(Older),
                Some(Older)
            ]
        );
    }
}
