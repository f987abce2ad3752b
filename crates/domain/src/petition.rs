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

/// How a petition came in: raised at a voters' meeting (tiếp xúc cử tri), at a citizens'
/// reception (tiếp công dân), by letter or application (đơn thư), or online or by the hotline
/// (trực tuyến). Petitions raised at a session came from a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    #[default]
    Meeting,
    Reception,
    Letter,
    Online,
}

impl Channel {
    pub const ALL: [Channel; 4] = [
        Channel::Meeting,
        Channel::Reception,
        Channel::Letter,
        Channel::Online,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Meeting => "meeting",
            Channel::Reception => "reception",
            Channel::Letter => "letter",
            Channel::Online => "online",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Working days a unit has to answer a petition assigned to it without a date: by default
/// [`AnswerTimes::DAYS`], and [`AnswerTimes::COORDINATED_DAYS`] when other units coordinate
/// on it; a channel or a category may be given its own time (a category's wins over a
/// channel's), and coordination adds to either what it adds to the default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerTimes {
    pub days: i32,
    pub coordinated_days: i32,
    by_channel: Vec<(Channel, i32)>,
    /// By the category's folded key (lower case, no diacritics), so that "Đất đai" and
    /// "đất đai" are one.
    by_category: Vec<(String, i32)>,
}

impl Default for AnswerTimes {
    fn default() -> Self {
        AnswerTimes::new(Self::DAYS, Self::COORDINATED_DAYS)
    }
}

impl AnswerTimes {
    /// The time to answer a voters' petition.
    pub const DAYS: i32 = 40;
    /// The time when other units coordinate on the answer.
    pub const COORDINATED_DAYS: i32 = 50;
    /// No default answer time runs past a year.
    const MAX: i32 = 365;

    pub fn new(days: i32, coordinated_days: i32) -> Self {
        let days = days.clamp(1, Self::MAX);
        AnswerTimes {
            days,
            coordinated_days: coordinated_days.clamp(days, Self::MAX),
            by_channel: vec![],
            by_category: vec![],
        }
    }

    pub fn with_channel(mut self, channel: Channel, days: i32) -> Self {
        self.by_channel.retain(|(c, _)| *c != channel);
        self.by_channel.push((channel, days.clamp(1, Self::MAX)));
        self
    }

    pub fn with_category(mut self, category: &str, days: i32) -> Self {
        let key = dondoc_text::fold(category.trim());
        self.by_category.retain(|(k, _)| *k != key);
        self.by_category.push((key, days.clamp(1, Self::MAX)));
        self
    }

    /// The working days for a petition of this channel and category, with coordinating
    /// units or not.
    pub fn days_for(&self, channel: Channel, category: Option<&str>, coordinated: bool) -> i32 {
        let category = category.map(|c| dondoc_text::fold(c.trim()));
        let base = category
            .and_then(|k| {
                self.by_category
                    .iter()
                    .find(|(c, _)| *c == k)
                    .map(|(_, d)| *d)
            })
            .or_else(|| {
                self.by_channel
                    .iter()
                    .find(|(c, _)| *c == channel)
                    .map(|(_, d)| *d)
            })
            .unwrap_or(self.days);
        let extra = if coordinated {
            self.coordinated_days - self.days
        } else {
            0
        };
        (base + extra).clamp(1, Self::MAX)
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
    use super::{AnswerTimes, Channel};
    use jiff::civil::date;

    #[test]
    fn answer_times_table() {
        let law = AnswerTimes::default();
        let configured = AnswerTimes::new(40, 50)
            .with_channel(Channel::Letter, 30)
            .with_channel(Channel::Online, 15)
            .with_category("Đất đai", 45)
            .with_category("Môi trường", 20);
        // (times, channel, category, coordinated) -> working days
        let table = [
            (&law, Channel::Meeting, None, false, 40),
            (&law, Channel::Meeting, None, true, 50),
            (&law, Channel::Letter, Some("Đất đai"), false, 40),
            (&law, Channel::Reception, Some("Giao thông"), true, 50),
            (&configured, Channel::Meeting, None, false, 40),
            (&configured, Channel::Meeting, None, true, 50),
            (&configured, Channel::Letter, None, false, 30),
            (&configured, Channel::Letter, None, true, 40),
            (&configured, Channel::Online, Some("Giao thông"), false, 15),
            // A category's time wins over a channel's, whatever its case and diacritics.
            (&configured, Channel::Online, Some("đất đai"), false, 45),
            (&configured, Channel::Meeting, Some("DAT DAI"), true, 55),
            (
                &configured,
                Channel::Letter,
                Some(" Môi trường "),
                false,
                20,
            ),
            (&configured, Channel::Letter, Some("Môi trường"), true, 30),
        ];
        for (times, channel, category, coordinated, want) in table {
            assert_eq!(
                times.days_for(channel, category, coordinated),
                want,
                "{channel:?} {category:?} coordinated {coordinated}"
            );
        }
    }

    #[test]
    fn answer_times_stay_within_a_year() {
        let t = AnswerTimes::new(0, -5).with_channel(Channel::Letter, 9999);
        assert_eq!(t.days_for(Channel::Meeting, None, false), 1);
        assert_eq!(t.days_for(Channel::Meeting, None, true), 1);
        assert_eq!(t.days_for(Channel::Letter, None, false), 365);
        let t = AnswerTimes::new(40, 30);
        assert_eq!(
            t.coordinated_days, 40,
            "coordination never shortens the time"
        );
    }

    #[test]
    fn channels_round_trip() {
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Some(c));
        }
        assert_eq!(Channel::default(), Channel::Meeting);
    }

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
