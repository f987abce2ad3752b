//! What a caller may read, decided once from who is asking.
//!
//! The rule, record by record (the store turns each line into one SQL condition, in
//! `store/src/visible.rs`, and every read of these records passes through it):
//!
//! - a **session** is visible when it is published, or when the caller sees everything, or when
//!   its host unit is in the caller's scope;
//! - a **raising** is visible when it was not made at a session, or its session is visible;
//! - a **petition** is visible when one of its raisings at a session is visible to the caller
//!   (for anonymous visitors: raised at a published session), or when it was recorded from a
//!   resident's submission that staff accepted (a submission waiting or rejected is shown to
//!   no one but by its tracking code, and to the staff who moderate it); staff also see a petition whose
//!   area, responsible or coordinating unit is in their scope, or one raised outside any
//!   session; a petition merged into another has no raisings of its own left, so visitors see
//!   it no more; its address leads them to the other when they may see that one;
//! - a **directive** is visible when its session is visible; staff also see one whose lead or
//!   coordinating unit is in their scope, or one given outside any session;
//! - a **measurement** is visible when it was not taken at a session, or its session is visible;
//!   a target's latest figure is its latest visible measurement;
//! - a **news article** is visible to staff always, and to the public when it is published
//!   and the session it reports, if any, is published too;
//! - counts ("raised N times", totals of lists) count only what is visible.
//!
//! Internal records (units, people, documents, users, history) are for staff only; their
//! permission is [`crate::Action::ReadInternal`].

use crate::{Actor, Id, Role};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    /// Anonymous visitors: what was published.
    Public,
    /// Staff bound to a unit: what was published, and what belongs to these units (the home
    /// unit and every unit below it).
    Scoped(Vec<Id>),
    /// Administrators and leaders, who steer every session.
    All,
}

impl Visibility {
    /// The one decision: who sees what.
    pub fn of(actor: Option<&Actor>) -> Visibility {
        match actor {
            None => Visibility::Public,
            Some(a) if matches!(a.role, Role::Admin | Role::Leader) => Visibility::All,
            Some(a) => Visibility::Scoped(a.scope.clone()),
        }
    }

    /// Whether the caller is staff (sees internal records and records outside sessions).
    pub fn is_staff(&self) -> bool {
        !matches!(self, Visibility::Public)
    }

    /// The units whose unpublished records the caller sees; `None` means all of them.
    pub fn units(&self) -> Option<&[Id]> {
        match self {
            Visibility::Public => Some(&[]),
            Visibility::Scoped(u) => Some(u),
            Visibility::All => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_sees_what() {
        let of = |role| {
            Visibility::of(Some(&Actor {
                user_id: 7,
                role,
                scope: vec![10, 11],
            }))
        };
        let public = Visibility::of(None);
        let (clerk, officer) = (of(Role::Clerk), of(Role::Officer));
        let (leader, admin) = (of(Role::Leader), of(Role::Admin));
        assert_eq!(public, Visibility::Public);
        assert_eq!(clerk, Visibility::Scoped(vec![10, 11]));
        assert_eq!(officer, clerk);
        assert_eq!(leader, Visibility::All);
        assert_eq!(admin, Visibility::All);
        assert!(!public.is_staff() && clerk.is_staff());
        assert_eq!(public.units(), Some(&[][..]));
        assert_eq!(leader.units(), None);
    }
}
