//! Units form a tree of any depth that changes over time (the 2025 reform removed districts):
//! a unit can be moved under another parent or merged into another unit.

use serde::{Deserialize, Serialize};

use crate::{FieldCode, Id, Invalid};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    PartyCommittee,
    PeoplesCouncil,
    PeoplesCommittee,
    Front,
    Department,
    ProjectBoard,
    Enterprise,
    School,
    Health,
    /// A ward, commune or town (phường, xã, thị trấn): the level residents file petitions
    /// to.
    Ward,
    ResidentialArea,
    Other,
}

impl UnitKind {
    pub const ALL: [UnitKind; 12] = [
        UnitKind::PartyCommittee,
        UnitKind::PeoplesCouncil,
        UnitKind::PeoplesCommittee,
        UnitKind::Front,
        UnitKind::Department,
        UnitKind::ProjectBoard,
        UnitKind::Enterprise,
        UnitKind::School,
        UnitKind::Health,
        UnitKind::Ward,
        UnitKind::ResidentialArea,
        UnitKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::PartyCommittee => "party_committee",
            UnitKind::PeoplesCouncil => "peoples_council",
            UnitKind::PeoplesCommittee => "peoples_committee",
            UnitKind::Front => "front",
            UnitKind::Department => "department",
            UnitKind::ProjectBoard => "project_board",
            UnitKind::Enterprise => "enterprise",
            UnitKind::School => "school",
            UnitKind::Health => "health",
            UnitKind::Ward => "ward",
            UnitKind::ResidentialArea => "residential_area",
            UnitKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Refuses a move that would put a unit under itself or one of its descendants.
///
/// `ancestors_of_new_parent` lists the new parent and every unit above it.
pub fn check_reparent(
    unit: Id,
    new_parent: Option<Id>,
    ancestors_of_new_parent: &[Id],
) -> Result<(), Invalid> {
    match new_parent {
        Some(p) if p == unit || ancestors_of_new_parent.contains(&unit) => {
            Err(Invalid::one("parent_id", FieldCode::Cycle))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for k in UnitKind::ALL {
            assert_eq!(UnitKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(UnitKind::parse("district"), None);
    }

    #[test]
    fn reparent_refuses_cycles() {
        assert!(check_reparent(1, Some(1), &[1]).is_err());
        assert!(check_reparent(1, Some(3), &[3, 2, 1]).is_err());
        assert!(check_reparent(1, Some(3), &[3, 2]).is_ok());
        assert!(check_reparent(1, None, &[]).is_ok());
    }
}
