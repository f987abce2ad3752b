//! Following records up: what a person chooses to hear of ([`Profile`]), what they are told
//! ([`NoticeKind`]), and who is told of what ([`audience`]).

use serde::{Deserialize, Serialize};

use crate::Role;

/// Reminders can come at most this many days before a deadline.
pub const MAX_REMIND_DAYS: i64 = 30;

/// The language a person's mail is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Language {
    Vi,
    En,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Vi => "vi",
            Language::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "vi" => Some(Language::Vi),
            "en" => Some(Language::En),
            _ => None,
        }
    }
}

/// What a person chooses to hear of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Profile {
    /// Where mail goes; none, no mail.
    pub email: Option<String>,
    pub language: Language,
    /// Mail for what they are told (assignments, returns, reminders); the list in the app is
    /// kept either way.
    pub notify_mail: bool,
    /// A reminder this many days before a deadline (0: none before the day itself).
    pub remind_days: i64,
    /// The weekly list of their unit's overdue work.
    pub weekly_digest: bool,
}

impl Default for Profile {
    fn default() -> Self {
        Profile {
            email: None,
            language: Language::Vi,
            notify_mail: true,
            remind_days: 3,
            weekly_digest: true,
        }
    }
}

/// One `@`, something before it, a dot in the domain, no spaces or angle brackets: what a
/// form can check; the mail server says the rest.
pub fn plausible_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && s.chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && !"<>,;\"()[]\\".contains(c))
}

/// What a person is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// A directive assigned to their unit to lead.
    Assigned,
    /// A directive their unit coordinates.
    Coordinating,
    /// A petition their unit must answer.
    PetitionAssigned,
    /// A deadline of their unit's is near.
    DueSoon,
    /// A deadline of their unit's is today.
    DueToday,
    /// A deadline of their unit's passed yesterday with the work open.
    Overdue,
    /// The week's list of their unit's overdue work.
    Digest,
    /// A directive of a unit under them reported done: theirs to accept or return (leaders).
    Reported,
    /// Their unit's report was returned, with the reason.
    Returned,
    /// Their unit's report was accepted.
    Accepted,
    /// A unit under them asks for more time (leaders).
    ExtensionRequested,
    /// Their unit's request for more time was granted or refused.
    ExtensionDecided,
    /// A coordinating unit reported its part of a directive their unit leads.
    ShareReported,
    /// A petition their unit coordinates on (another unit answers it).
    PetitionCoordinating,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 14] = [
        NoticeKind::Assigned,
        NoticeKind::Coordinating,
        NoticeKind::PetitionAssigned,
        NoticeKind::DueSoon,
        NoticeKind::DueToday,
        NoticeKind::Overdue,
        NoticeKind::Digest,
        NoticeKind::Reported,
        NoticeKind::Returned,
        NoticeKind::Accepted,
        NoticeKind::ExtensionRequested,
        NoticeKind::ExtensionDecided,
        NoticeKind::ShareReported,
        NoticeKind::PetitionCoordinating,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Assigned => "assigned",
            NoticeKind::Coordinating => "coordinating",
            NoticeKind::PetitionAssigned => "petition_assigned",
            NoticeKind::DueSoon => "due_soon",
            NoticeKind::DueToday => "due_today",
            NoticeKind::Overdue => "overdue",
            NoticeKind::Digest => "digest",
            NoticeKind::Reported => "reported",
            NoticeKind::Returned => "returned",
            NoticeKind::Accepted => "accepted",
            NoticeKind::ExtensionRequested => "extension_requested",
            NoticeKind::ExtensionDecided => "extension_decided",
            NoticeKind::ShareReported => "share_reported",
            NoticeKind::PetitionCoordinating => "petition_coordinating",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Reminders and digests are what people can turn off by their choices; what is handed
    /// to them is always told.
    pub fn wanted(self, p: &Profile) -> bool {
        match self {
            NoticeKind::Digest => p.weekly_digest,
            _ => true,
        }
    }
}

/// Whether a person of this role in the unit concerned hears of a change. Every role of the
/// unit hears of its work; administrators have no unit's work to do.
pub fn audience(role: Role) -> bool {
    role != Role::Admin
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_a_form_can_check() {
        for ok in ["a@b.vn", "can.bo@ubnd.hanoi.gov.vn", "x+y@mail.example.org"] {
            assert!(plausible_email(ok), "{ok}");
        }
        for bad in [
            "",
            "a",
            "a@b",
            "@b.vn",
            "a@.vn",
            "a@b.",
            "a b@c.vn",
            "a@b@c.vn",
            "<a@b.vn>",
            "a@b.vn\r\nBcc: x@y.z",
        ] {
            assert!(!plausible_email(bad), "{bad:?}");
        }
    }

    #[test]
    fn kinds_round_trip() {
        for k in NoticeKind::ALL {
            assert_eq!(NoticeKind::parse(k.as_str()), Some(k));
        }
    }
}
