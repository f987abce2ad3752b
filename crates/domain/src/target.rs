//! Targets (chỉ tiêu) carry a plan; measurements report against it. Percent of plan is always
//! computed. An approved plan is never edited in place: it changes only by an amendment with a
//! reason ("không điều chỉnh chỉ tiêu, chỉ điều chỉnh giải pháp").

use serde::{Deserialize, Serialize};

use crate::{FieldCode, Invalid, Target};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    Exact,
    Over,
    Under,
    About,
}

impl Qualifier {
    pub const ALL: [Qualifier; 4] = [
        Qualifier::Exact,
        Qualifier::Over,
        Qualifier::Under,
        Qualifier::About,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Qualifier::Exact => "exact",
            Qualifier::Over => "over",
            Qualifier::Under => "under",
            Qualifier::About => "about",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Percent of plan, to one decimal, or `None` when the plan is zero.
pub fn percent_of_plan(value: f64, plan: f64) -> Option<f64> {
    if plan == 0.0 || !plan.is_finite() || !value.is_finite() {
        return None;
    }
    Some((value / plan * 1000.0).round() / 10.0)
}

/// Checks an edit of a target's plan value: allowed while the target is a draft, refused once it
/// is approved (the caller must record an amendment instead).
pub fn check_plan_edit(current: &Target, new_plan: f64) -> Result<(), Invalid> {
    if current.approved && new_plan != current.plan_value {
        return Err(Invalid::one("plan_value", FieldCode::Forbidden));
    }
    Ok(())
}

/// Checks an amendment: the reason is mandatory and the value must actually change.
pub fn check_amendment(current: &Target, new_plan: f64, reason: &str) -> Result<(), Invalid> {
    let mut errors = Vec::new();
    if reason.trim().is_empty() {
        errors.push(crate::FieldError {
            field: "reason",
            code: FieldCode::Required,
        });
    }
    if !new_plan.is_finite() || new_plan < 0.0 {
        errors.push(crate::FieldError {
            field: "new_value",
            code: FieldCode::InvalidNumber,
        });
    } else if new_plan == current.plan_value {
        errors.push(crate::FieldError {
            field: "new_value",
            code: FieldCode::Unchanged,
        });
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Invalid(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn target(approved: bool) -> Target {
        Target {
            id: 1,
            unit_id: 1,
            indicator: "Tổng thu NSNN trên địa bàn".into(),
            measure: "VND".into(),
            period_from: date(2020, 1, 1),
            period_to: date(2020, 12, 31),
            plan_value: 9_750_000_000.0,
            document_id: None,
            approved,
            version: 1,
        }
    }

    #[test]
    fn percent_table() {
        assert_eq!(
            percent_of_plan(8_500_000_000.0, 9_747_706_422.0),
            Some(87.2)
        );
        assert_eq!(percent_of_plan(5.0, 0.0), None);
        assert_eq!(percent_of_plan(126.3, 100.0), Some(126.3));
    }

    #[test]
    fn approved_plan_cannot_be_edited_in_place() {
        assert!(check_plan_edit(&target(false), 1.0).is_ok());
        assert_eq!(
            check_plan_edit(&target(true), 1.0)
                .unwrap_err()
                .on("plan_value"),
            Some(FieldCode::Forbidden)
        );
        assert!(check_plan_edit(&target(true), 9_750_000_000.0).is_ok());
    }

    #[test]
    fn amendment_needs_reason_and_change() {
        let t = target(true);
        assert!(check_amendment(&t, 10.0, "Điều chỉnh theo NQ HĐND").is_ok());
        assert_eq!(
            check_amendment(&t, 10.0, " ").unwrap_err().on("reason"),
            Some(FieldCode::Required)
        );
        assert_eq!(
            check_amendment(&t, t.plan_value, "x")
                .unwrap_err()
                .on("new_value"),
            Some(FieldCode::Unchanged)
        );
    }
}
