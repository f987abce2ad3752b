//! A petition (kiến nghị) moves from received to resolved; it may be rejected with a reason and
//! reopened when it comes back. How many times it was raised is counted from its raisings.

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
    pub const ALL: [PetitionStatus; 7] = [
        PetitionStatus::Received,
        PetitionStatus::Assigned,
        PetitionStatus::InProgress,
        PetitionStatus::Answered,
        PetitionStatus::Resolved,
        PetitionStatus::Rejected,
        PetitionStatus::Reopened,
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
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Open petitions are those someone still has to act on.
    pub fn is_open(self) -> bool {
        !matches!(self, PetitionStatus::Resolved | PetitionStatus::Rejected)
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

#[cfg(test)]
mod tests {
    use super::PetitionAction as A;
    use super::PetitionStatus as S;

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
        ];
        for (from, action) in refused {
            assert_eq!(from.after(action), None, "{from:?} --{action:?}");
        }
    }

    #[test]
    fn open_statuses() {
        assert!(S::Received.is_open() && S::Reopened.is_open() && S::Answered.is_open());
        assert!(!S::Resolved.is_open() && !S::Rejected.is_open());
    }
}
