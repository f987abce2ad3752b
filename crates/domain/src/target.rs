//! Targets (chỉ tiêu) carry a plan; measurements report against it. Percent of plan is always
//! computed. An approved plan is never edited in place: it changes only by an amendment with a
//! reason ("không điều chỉnh chỉ tiêu, chỉ điều chỉnh giải pháp").

use serde::{Deserialize, Serialize};

use jiff::civil::Date;

use crate::{Amendment, FieldCode, Invalid, Measurement, Target};

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

/// The plan in force on `day`: the new value of the last amendment made by then, the value
/// before the first amendment when none was, the plan as it stands when it was never amended.
///
/// An amendment counts from the day it was decided (a resolution of the council), or, when
/// the record does not say, from the day it was recorded ([`Amendment::effective_on`]). A
/// figure reported for a period that ended before that day is measured against the plan as it
/// stood.
pub fn plan_in_force(plan: f64, amendments: &[Amendment], day: Date) -> f64 {
    let mut sorted: Vec<&Amendment> = amendments.iter().collect();
    sorted.sort_by_key(|a| (a.at, a.id));
    let Some(first) = sorted.first() else {
        return plan;
    };
    // The last one recorded among those in force by then: amendments follow one another
    // (each one's old value is the one before's new value), whatever days they name.
    sorted
        .iter()
        .rfind(|a| a.effective_on() <= day)
        .map_or(first.old_value, |a| a.new_value)
}

/// A measurement with the plan in force at the end of its period and its percent of that plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Figure {
    #[serde(flatten)]
    pub measurement: Measurement,
    pub plan_in_force: f64,
    pub percent_of_plan: Option<f64>,
}

impl Figure {
    /// `m` against the plan of its target (`plan`, as it stands, and its `amendments`).
    pub fn of(m: Measurement, plan: f64, amendments: &[Amendment]) -> Figure {
        let plan_in_force = plan_in_force(plan, amendments, m.period_to);
        Figure {
            percent_of_plan: percent_of_plan(m.value, plan_in_force),
            plan_in_force,
            measurement: m,
        }
    }
}

/// Where a target is heading, in percent of the plan in force at the end of its period: the
/// straight line from the start of the period through its latest figure `m`, carried to the
/// period's end. Only a figure counted from the start of the period (a running total, "9
/// tháng đạt …") says how fast the target moves; a figure of one month is no basis for a
/// line (`None`), and one that covers the whole period is where it ends.
pub fn projected_percent(
    target: &Target,
    amendments: &[Amendment],
    m: &Measurement,
) -> Option<f64> {
    if m.period_from != target.period_from || m.period_to < m.period_from {
        return None;
    }
    let value = if m.period_to >= target.period_to {
        m.value
    } else {
        let days = |from: Date, to: Date| (to - from).get_days() as f64 + 1.0;
        m.value * days(target.period_from, target.period_to) / days(m.period_from, m.period_to)
    };
    percent_of_plan(
        value,
        plan_in_force(target.plan_value, amendments, target.period_to),
    )
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
    fn percent_is_of_the_plan_in_force_at_the_period_end() {
        let at = |d: &str| -> jiff::Timestamp {
            format!("{d}T09:00:00+07:00[Asia/Ho_Chi_Minh]")
                .parse::<jiff::Zoned>()
                .unwrap()
                .timestamp()
        };
        let amendment = |id, old_value, new_value, day: &str| Amendment {
            id,
            target_id: 1,
            old_value,
            new_value,
            reason: "Theo Nghị quyết HĐND".into(),
            decided_on: None,
            document_id: None,
            user_id: None,
            at: at(day),
        };
        let measured = |to: Date, value| Measurement {
            id: 1,
            target_id: 1,
            period_from: date(2020, 1, 1),
            period_to: to,
            value,
            qualifier: Qualifier::Exact,
            estimated: false,
            session_id: None,
            wording: None,
        };
        // 1.0 bn, raised to 1.0719 bn on 15 July, then to 1.2 bn on 1 October.
        let amendments = [
            amendment(2, 1.0719e9, 1.2e9, "2020-10-01"),
            amendment(1, 1.0e9, 1.0719e9, "2020-07-15"),
        ];
        let now = 1.2e9;
        assert_eq!(plan_in_force(now, &amendments, date(2020, 6, 30)), 1.0e9);
        assert_eq!(plan_in_force(now, &amendments, date(2020, 7, 15)), 1.0719e9);
        assert_eq!(plan_in_force(now, &amendments, date(2020, 9, 30)), 1.0719e9);
        assert_eq!(plan_in_force(now, &amendments, date(2020, 12, 31)), 1.2e9);
        assert_eq!(plan_in_force(now, &[], date(2020, 6, 30)), now);
        let half = Figure::of(measured(date(2020, 6, 30), 8.5e8), now, &amendments);
        assert_eq!(half.percent_of_plan, Some(85.0));
        assert_eq!(half.plan_in_force, 1.0e9);
        let nine = Figure::of(measured(date(2020, 9, 30), 8.5e8), now, &amendments);
        assert_eq!(nine.percent_of_plan, Some(79.3));

        // Recorded on 1 October, but decided by the council on 20 June: the half-year's
        // figure is measured against the plan decided then.
        let mut late = amendment(1, 1.0e9, 1.0719e9, "2020-10-01");
        late.decided_on = Some(date(2020, 6, 20));
        let late = [late];
        assert_eq!(plan_in_force(1.0719e9, &late, date(2020, 6, 19)), 1.0e9);
        assert_eq!(plan_in_force(1.0719e9, &late, date(2020, 6, 30)), 1.0719e9);
        let half = Figure::of(measured(date(2020, 6, 30), 8.5e8), 1.0719e9, &late);
        assert_eq!(half.percent_of_plan, Some(79.3));
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

    #[test]
    fn a_running_total_is_carried_to_the_end_of_the_period() {
        let target = Target {
            id: 1,
            unit_id: 1,
            indicator: "Thu ngân sách".into(),
            measure: "đồng".into(),
            period_from: date(2020, 1, 1),
            period_to: date(2020, 12, 31),
            plan_value: 100.0,
            document_id: None,
            approved: true,
            version: 1,
        };
        let figure = |from: Date, to: Date, value: f64| Measurement {
            id: 1,
            target_id: 1,
            period_from: from,
            period_to: to,
            value,
            qualifier: Qualifier::Exact,
            estimated: false,
            session_id: None,
            wording: None,
        };
        // Half of 2020 (182 of 366 days) brought 45: the year at that pace brings 90.5 %.
        let half = figure(date(2020, 1, 1), date(2020, 6, 30), 45.0);
        assert_eq!(projected_percent(&target, &[], &half), Some(90.5));
        // The whole year: the figure is where it ends.
        let year = figure(date(2020, 1, 1), date(2020, 12, 31), 87.2);
        assert_eq!(projected_percent(&target, &[], &year), Some(87.2));
        // One month's figure says nothing of the year's pace.
        let march = figure(date(2020, 3, 1), date(2020, 3, 31), 9.0);
        assert_eq!(projected_percent(&target, &[], &march), None);
    }
}
