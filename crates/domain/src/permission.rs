//! Who may do what, in one place. Every path (page, API, import) asks [`Actor::can`].
//!
//! A unit's *scope* is the unit itself and every unit below it; the store computes it from the
//! tree when the user is loaded.

use serde::{Deserialize, Serialize};

use crate::Id;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Leader,
    Officer,
    Clerk,
    /// Writes the public site's news: drafts articles from sessions and sends them for a
    /// leader's sign-off. Reads internal records; changes none.
    Editor,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Leader,
        Role::Officer,
        Role::Clerk,
        Role::Editor,
    ];

    /// Officers follow up their unit's work and clerks record it: each belongs to a unit.
    /// Leaders and administrators may stand above every unit.
    pub fn needs_unit(self) -> bool {
        matches!(self, Role::Officer | Role::Clerk)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Leader => "leader",
            Role::Officer => "officer",
            Role::Clerk => "clerk",
            Role::Editor => "editor",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A signed-in user as the rules see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Id,
    pub role: Role,
    /// The home unit and all units below it.
    pub scope: Vec<Id>,
}

/// Everything that needs a permission. Reading published records needs none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See unpublished sessions and every internal record.
    ReadInternal,
    ManageUsers,
    ManageUnits,
    /// Create a session hosted by this unit, or add its records (figures, petitions, directives).
    RecordSession {
        host_unit: Id,
    },
    /// Change a recorded session: its fields, publication.
    EditSession {
        host_unit: Id,
    },
    /// Create or reword a directive outside a session, extend its deadline.
    EditDirective,
    /// Report progress on a directive, start it, report it done: the assignee's side.
    UpdateDirective {
        lead_unit: Option<Id>,
    },
    /// Report a coordinating unit's own part of a directive or a petition (its percent and
    /// word): that unit's people. It moves nothing of the record itself: status, overall
    /// progress, answer and closure stay the lead's or responsible unit's.
    ReportShare {
        unit: Id,
    },
    /// Accept or return a reported directive, close, cancel or reopen it: the issuer's side
    /// (leaders).
    DecideDirective,
    /// Create a petition outside a session.
    CreatePetition {
        area_unit: Option<Id>,
    },
    /// Assign, answer, resolve, reject or reopen a petition.
    UpdatePetition {
        responsible_unit: Option<Id>,
    },
    /// Merge one petition into another found to be the same: for those who may update both
    /// (an officer whose scope holds the responsible unit of each), and for leaders, who
    /// steer every unit's petitions though they do not answer them.
    MergePetition {
        from_unit: Option<Id>,
        into_unit: Option<Id>,
    },
    /// Name the unit responsible for a petition when recording it (at a session or not): it
    /// hands that unit work, so a clerk may name units of their scope only.
    AssignPetition {
        unit: Id,
    },
    /// Create targets and measurements; amend a plan.
    EditTarget {
        unit: Id,
    },
    /// Follow a unit's deadlines from outside the app: make or revoke its calendar feed.
    /// Its own people (the unit is in their scope) and leaders.
    FollowUnit {
        unit: Id,
    },
    /// Add or change people, positions and documents.
    EditReference,
    /// Draft and edit the public site's news, and send an article for sign-off.
    EditArticle,
    /// Publish an article, return it to its editor, or take it down: leaders.
    PublishArticle,
    /// Accept or reject a petition a resident sent about this ward: the staff whose scope
    /// holds the ward (officers and clerks alike: both answer the public), and leaders.
    ModerateSubmission {
        ward: Id,
    },
    /// Make or revoke the keys Open311 clients send petitions with: administrators.
    ManageApiClients,
}

impl Actor {
    /// Whether the user records anything at all (sessions, petitions, targets): every role
    /// but the officer, who only follows up what is assigned to their unit.
    pub fn records(&self) -> bool {
        self.role != Role::Officer
    }

    fn in_scope(&self, unit: Id) -> bool {
        self.scope.contains(&unit)
    }

    fn in_scope_opt(&self, unit: Option<Id>) -> bool {
        unit.is_some_and(|u| self.in_scope(u))
    }

    pub fn can(&self, action: Action) -> bool {
        use Action as A;
        use Role as R;
        match (self.role, action) {
            (R::Admin, _) => true,
            (_, A::ReadInternal) => true,
            (_, A::ManageUsers | A::ManageUnits | A::ManageApiClients) => false,

            (R::Leader, A::UpdatePetition { .. }) => false,
            (R::Leader, _) => true,

            (R::Officer, A::UpdatePetition { responsible_unit }) => {
                self.in_scope_opt(responsible_unit)
            }
            (
                R::Officer,
                A::MergePetition {
                    from_unit,
                    into_unit,
                },
            ) => self.in_scope_opt(from_unit) && self.in_scope_opt(into_unit),
            (
                R::Officer | R::Clerk,
                A::AssignPetition { unit }
                | A::FollowUnit { unit }
                | A::ModerateSubmission { ward: unit },
            ) => self.in_scope(unit),
            (R::Officer, A::UpdateDirective { lead_unit }) => self.in_scope_opt(lead_unit),
            (R::Officer, A::ReportShare { unit }) => self.in_scope(unit),
            (R::Officer, _) => false,

            (R::Clerk, A::RecordSession { host_unit } | A::EditSession { host_unit }) => {
                self.in_scope(host_unit)
            }
            (R::Clerk, A::EditTarget { unit }) => self.in_scope(unit),
            (R::Clerk, A::CreatePetition { area_unit }) => {
                area_unit.is_none_or(|u| self.in_scope(u))
            }
            (R::Clerk, A::EditReference) => true,
            (R::Clerk, _) => false,

            (R::Editor, A::EditArticle) => true,
            (R::Editor, _) => false,
        }
    }
}

/// Anonymous visitors may do nothing but read what is published.
pub fn allowed(actor: Option<&Actor>, action: Action) -> bool {
    actor.is_some_and(|a| a.can(action))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role) -> Actor {
        Actor {
            user_id: 1,
            role,
            scope: vec![10, 11],
        }
    }

    #[test]
    fn permission_matrix() {
        use Action as A;
        let out = 99;
        // (action, admin, leader, officer, clerk)
        let table = [
            (A::ReadInternal, true, true, true, true),
            (A::ManageUsers, true, false, false, false),
            (A::EditArticle, true, true, false, false),
            (A::PublishArticle, true, true, false, false),
            (A::FollowUnit { unit: 11 }, true, true, true, true),
            (A::FollowUnit { unit: out }, true, true, false, false),
            (A::ManageUnits, true, false, false, false),
            (A::RecordSession { host_unit: 11 }, true, true, false, true),
            (
                A::RecordSession { host_unit: out },
                true,
                true,
                false,
                false,
            ),
            (A::EditSession { host_unit: 10 }, true, true, false, true),
            (A::EditSession { host_unit: out }, true, true, false, false),
            (A::EditDirective, true, true, false, false),
            (
                A::UpdateDirective {
                    lead_unit: Some(11),
                },
                true,
                true,
                true,
                false,
            ),
            (
                A::UpdateDirective {
                    lead_unit: Some(out),
                },
                true,
                true,
                false,
                false,
            ),
            (
                A::UpdateDirective { lead_unit: None },
                true,
                true,
                false,
                false,
            ),
            (
                A::CreatePetition {
                    area_unit: Some(10),
                },
                true,
                true,
                false,
                true,
            ),
            (
                A::CreatePetition {
                    area_unit: Some(out),
                },
                true,
                true,
                false,
                false,
            ),
            (
                A::UpdatePetition {
                    responsible_unit: Some(10),
                },
                true,
                false,
                true,
                false,
            ),
            (
                A::UpdatePetition {
                    responsible_unit: Some(out),
                },
                true,
                false,
                false,
                false,
            ),
            (
                A::MergePetition {
                    from_unit: Some(10),
                    into_unit: Some(11),
                },
                true,
                true,
                true,
                false,
            ),
            (
                A::MergePetition {
                    from_unit: Some(10),
                    into_unit: Some(out),
                },
                true,
                true,
                false,
                false,
            ),
            (
                A::MergePetition {
                    from_unit: None,
                    into_unit: Some(10),
                },
                true,
                true,
                false,
                false,
            ),
            (A::EditTarget { unit: 10 }, true, true, false, true),
            (A::EditTarget { unit: out }, true, true, false, false),
            (A::EditReference, true, true, false, true),
            (A::ReportShare { unit: 11 }, true, true, true, false),
            (A::ReportShare { unit: out }, true, true, false, false),
            (A::AssignPetition { unit: 11 }, true, true, true, true),
            (A::AssignPetition { unit: out }, true, true, false, false),
            (A::ModerateSubmission { ward: 10 }, true, true, true, true),
            (
                A::ModerateSubmission { ward: out },
                true,
                true,
                false,
                false,
            ),
            (A::ManageApiClients, true, false, false, false),
        ];
        for (action, admin, leader, officer, clerk) in table {
            for (role, want) in [
                (Role::Admin, admin),
                (Role::Leader, leader),
                (Role::Officer, officer),
                (Role::Clerk, clerk),
            ] {
                assert_eq!(actor(role).can(action), want, "{role:?} {action:?}");
            }
            // An editor reads internal records and writes news, and changes nothing else.
            let editor = matches!(action, A::ReadInternal | A::EditArticle);
            assert_eq!(actor(Role::Editor).can(action), editor, "editor {action:?}");
            assert!(!allowed(None, action), "anonymous {action:?}");
        }
    }
}
