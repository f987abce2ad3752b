//! The records of dondoc. Ids are database-assigned integers; `version` counts edits so that a
//! stale update is refused instead of silently overwriting someone else's change.

use jiff::civil::Date;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

pub use crate::article::{Article, ArticleAction, ArticleStatus};
pub use crate::directive::DirectiveStatus;
pub use crate::petition::{Channel, PetitionStatus};
pub use crate::target::Qualifier;
pub use crate::unit::UnitKind;

pub type Id = i64;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unit {
    pub id: Id,
    pub parent_id: Option<Id>,
    pub kind: UnitKind,
    pub name: String,
    pub short_name: Option<String>,
    /// Set when the unit was dissolved or merged into another (`merged_into`).
    pub dissolved_on: Option<Date>,
    pub merged_into: Option<Id>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    pub id: Id,
    pub name: String,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Position {
    pub id: Id,
    pub person_id: Id,
    pub unit_id: Option<Id>,
    /// As written in the source: "Phó Bí thư Thường trực Thành ủy".
    pub title: String,
    pub from: Option<Date>,
    pub to: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Document {
    pub id: Id,
    /// Nghị quyết, Quyết định, Kế hoạch, Kết luận, Thông báo, Quy định, …
    pub kind: String,
    pub number: Option<String>,
    pub date: Option<Date>,
    pub issuer: Option<String>,
    pub subject: Option<String>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    pub id: Id,
    pub date: Date,
    pub place: Option<String>,
    pub title: String,
    pub host_unit_id: Id,
    pub delegation_name: Option<String>,
    pub lead_person_id: Option<Id>,
    pub summary: Option<String>,
    /// The report the session was recorded from, kept verbatim.
    pub source_text: Option<String>,
    pub published: bool,
    pub version: i64,
}

/// A person taking part in a session, in the role the report gives them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Participant {
    pub session_id: Id,
    pub person_id: Id,
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Target {
    pub id: Id,
    pub unit_id: Id,
    pub indicator: String,
    /// VND, percent, ha, people, …
    pub measure: String,
    pub period_from: Date,
    pub period_to: Date,
    pub plan_value: f64,
    pub document_id: Option<Id>,
    /// Once approved, the plan changes only through an [`Amendment`].
    pub approved: bool,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Measurement {
    pub id: Id,
    pub target_id: Id,
    pub period_from: Date,
    pub period_to: Date,
    pub value: f64,
    pub qualifier: Qualifier,
    pub estimated: bool,
    pub session_id: Option<Id>,
    /// The wording of the source ("trên 8,5 tỷ đồng").
    pub wording: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Amendment {
    pub id: Id,
    pub target_id: Id,
    pub old_value: f64,
    pub new_value: f64,
    pub reason: String,
    /// The day the change was decided (the resolution's date), when the record says.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub decided_on: Option<Date>,
    /// The document that decided it.
    pub document_id: Option<Id>,
    pub user_id: Option<Id>,
    pub at: Timestamp,
}

impl Amendment {
    /// The day the amendment counts from: its decision's, or else the day it was recorded (in
    /// Vietnam's time), the first day the plan was known to have changed.
    pub fn effective_on(&self) -> Date {
        self.decided_on.unwrap_or_else(|| {
            self.at
                .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
                .date()
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Petition {
    pub id: Id,
    pub title: String,
    pub text: String,
    pub category: Option<String>,
    pub area_unit_id: Option<Id>,
    pub raised_by: Option<String>,
    /// How it came in (a voters' meeting, a reception, a letter, online).
    pub channel: Channel,
    pub responsible_unit_id: Option<Id>,
    /// Units that coordinate on the answer; only the responsible unit answers.
    pub coordinating_unit_ids: Vec<Id>,
    pub due_on: Option<Date>,
    pub answer: Option<String>,
    /// The day the answer in force was given (the last one, if it was reopened since).
    pub answered_on: Option<Date>,
    pub reject_reason: Option<String>,
    pub status: PetitionStatus,
    pub raised_count: i64,
    /// Once merged (status `merged`), the petition that holds its raisings now.
    pub merged_into: Option<Id>,
    pub version: i64,
}

/// One time a petition was raised: at a session, or outside one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Raising {
    pub id: Id,
    pub petition_id: Id,
    pub session_id: Option<Id>,
    pub date: Date,
    pub raised_by: Option<String>,
    /// The petition it was raised as, when that one was merged into this raising's petition.
    pub merged_from: Option<Id>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Directive {
    pub id: Id,
    pub session_id: Option<Id>,
    pub text: String,
    pub issued_by_person_id: Option<Id>,
    pub lead_unit_id: Option<Id>,
    pub coordinating_unit_ids: Vec<Id>,
    /// The deadline in force (after extensions), or none.
    pub deadline: Option<Date>,
    /// The deadline as the source worded it: "cuối tháng 8/2020".
    pub deadline_text: Option<String>,
    pub status: DirectiveStatus,
    pub done_on: Option<Date>,
    pub progress_percent: i64,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgressReport {
    pub id: Id,
    pub directive_id: Id,
    pub date: Date,
    pub percent: i64,
    pub text: String,
    pub user_id: Option<Id>,
    /// The unit the report is from: the lead unit, or a coordinating unit reporting its own
    /// part (`share`).
    pub unit_id: Option<Id>,
    pub unit_name: Option<String>,
    /// A coordinating unit's part: it moved nothing of the directive (its status and overall
    /// progress are the lead unit's).
    pub share: bool,
}

/// A coordinating unit's word on its part of a petition (the answer stays the responsible
/// unit's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PetitionNote {
    pub id: Id,
    pub petition_id: Id,
    pub unit_id: Id,
    pub unit_name: String,
    pub date: Date,
    pub text: String,
    pub user_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Extension {
    pub id: Id,
    pub directive_id: Id,
    pub old_deadline: Option<Date>,
    pub new_deadline: Date,
    pub reason: String,
    pub approved_by: Option<Id>,
    pub at: Timestamp,
}

/// An assignee's request for a later deadline, and the issuer's side's decision on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExtensionRequest {
    pub id: Id,
    pub directive_id: Id,
    /// The deadline in force when asked.
    pub old_deadline: Option<Date>,
    pub new_deadline: Date,
    pub reason: String,
    pub requested_by: Option<Id>,
    pub requested_by_name: Option<String>,
    pub at: Timestamp,
    /// `pending`, `approved` or `refused`.
    pub status: String,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<Timestamp>,
    pub note: Option<String>,
}

/// A step of a directive's closure: reported done (with the result), accepted, returned
/// (with the reason), closed, cancelled (with the reason) or reopened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectiveStep {
    pub id: Id,
    pub directive_id: Id,
    /// The action taken: report, accept, return, complete, cancel, reopen.
    pub action: String,
    /// The day it concerns (the day reported done, the day accepted).
    pub date: Date,
    pub text: Option<String>,
    pub user_id: Option<Id>,
    pub user_name: Option<String>,
    pub at: Timestamp,
}

/// A file backing a directive's result, as listed (its bytes are fetched on their own).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evidence {
    pub id: Id,
    pub directive_id: Id,
    pub name: String,
    pub media_type: String,
    pub size: i64,
    pub user_name: Option<String>,
    pub at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: Id,
    pub login: String,
    pub display_name: String,
    pub role: crate::Role,
    pub unit_id: Option<Id>,
    /// Where mail to them goes (reminders, digests, a link to reset their password).
    pub email: Option<String>,
    pub active: bool,
    pub version: i64,
}

/// An API token as its owner and administrators see it (the token itself is shown once, when
/// made; only its digest is kept).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiToken {
    pub id: Id,
    pub user_id: Id,
    /// What it is for ("script", "sổ theo dõi").
    pub name: String,
    pub created_at: Timestamp,
    /// After this instant the token no longer authenticates.
    pub expires_at: Timestamp,
}

/// One change to one record: who, when, and the record before and after (as JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEvent {
    pub id: Id,
    pub at: Timestamp,
    pub user_id: Option<Id>,
    pub user_name: Option<String>,
    pub entity: String,
    pub entity_id: Id,
    pub action: String,
    pub before: Option<String>,
    pub after: Option<String>,
}
