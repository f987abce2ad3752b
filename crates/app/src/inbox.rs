//! A unit's work ("Việc của đơn vị"): the directives its units lead or coordinate and the
//! petitions they answer for, still open, grouped by when they are due. What an officer
//! opens first; the caller's unit and the units below it are the unit's.

use dondoc_domain::Id;
use dondoc_store::{DirectiveFilter, DirectiveView, PetitionFilter, PetitionView};
use jiff::civil::Date;
use jiff::ToSpan;

use crate::{App, Caller, Result};

/// When an item is due, as the inbox groups it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Past its deadline.
    Overdue,
    /// Due by the end of this week (Sunday).
    ThisWeek,
    Later,
    NoDeadline,
}

impl Due {
    pub const ALL: [Due; 4] = [Due::Overdue, Due::ThisWeek, Due::Later, Due::NoDeadline];

    pub fn as_str(self) -> &'static str {
        match self {
            Due::Overdue => "overdue",
            Due::ThisWeek => "this_week",
            Due::Later => "later",
            Due::NoDeadline => "no_deadline",
        }
    }

    /// The group of a deadline, seen on `today`.
    pub fn of(deadline: Option<Date>, today: Date) -> Due {
        let Some(d) = deadline else {
            return Due::NoDeadline;
        };
        let days_to_sunday = 7 - i64::from(today.weekday().to_monday_one_offset());
        let sunday = today.checked_add(days_to_sunday.days()).unwrap_or(today);
        if d < today {
            Due::Overdue
        } else if d <= sunday {
            Due::ThisWeek
        } else {
            Due::Later
        }
    }
}

/// The inbox: each kind of item in its groups, soonest due first within each.
pub struct Inbox {
    /// The caller has a unit (an administrator, say, may have none: nothing is theirs).
    pub has_unit: bool,
    /// Directives reported done, waiting for the caller to accept or return them (for those
    /// who decide: leaders and administrators), the longest waiting first.
    pub to_decide: Vec<DirectiveView>,
    pub directives: Vec<(Due, Vec<DirectiveView>)>,
    pub petitions: Vec<(Due, Vec<PetitionView>)>,
    /// More is open than is shown (the first [`SHOWN`] of each kind).
    pub more: bool,
    /// The caller's units (their unit and those below it).
    pub units: Vec<Id>,
}

impl Inbox {
    /// Whether the caller's units only coordinate on an item whose lead (or responsible)
    /// unit is `lead`: their part is their own report, not the record's moves.
    pub fn coordinates_only(&self, lead: Option<Id>, coordinating: &[Id]) -> bool {
        !lead.is_some_and(|l| self.units.contains(&l))
            && coordinating.iter().any(|u| self.units.contains(u))
    }
}

/// The most of each kind an inbox shows; its lists page through the rest.
pub const SHOWN: i64 = 200;

pub async fn of(app: &App, c: &Caller) -> Result<Inbox> {
    c.require_staff()?;
    let to_decide = if c.can(dondoc_domain::Action::DecideDirective) {
        app.store
            .directives(
                &DirectiveFilter {
                    status: Some(dondoc_domain::DirectiveStatus::Reported.as_str().into()),
                    limit: Some(SHOWN),
                    ..Default::default()
                },
                c.visibility(),
                c.today,
            )
            .await?
            .items
    } else {
        vec![]
    };
    let units: Vec<Id> = c
        .actor
        .as_ref()
        .map(|a| a.scope.clone())
        .unwrap_or_default();
    of_units(app, c, units, to_decide).await
}

/// The open work of `units` (a unit and those below it) as `c` sees it, with `to_decide`.
pub(crate) async fn of_units(
    app: &App,
    c: &Caller,
    units: Vec<Id>,
    to_decide: Vec<DirectiveView>,
) -> Result<Inbox> {
    if units.is_empty() {
        return Ok(Inbox {
            has_unit: false,
            to_decide,
            directives: vec![],
            petitions: vec![],
            more: false,
            units,
        });
    }
    let directives = app
        .store
        .directives(
            &DirectiveFilter {
                open_for_units: Some(units.clone()),
                limit: Some(SHOWN),
                ..Default::default()
            },
            c.visibility(),
            c.today,
        )
        .await?;
    let petitions = app
        .store
        .petitions(
            &PetitionFilter {
                open_for_units: Some(units.clone()),
                sort: Some("due".into()),
                limit: Some(SHOWN),
                ..Default::default()
            },
            c.visibility(),
        )
        .await?;
    let more = directives.total > SHOWN || petitions.total > SHOWN;
    Ok(Inbox {
        has_unit: true,
        to_decide,
        directives: grouped(directives.items, |d| d.directive.deadline, c.today),
        petitions: grouped(petitions.items, |p| p.petition.due_on, c.today),
        more,
        units,
    })
}

fn grouped<T>(items: Vec<T>, due: impl Fn(&T) -> Option<Date>, today: Date) -> Vec<(Due, Vec<T>)> {
    let mut groups: Vec<(Due, Vec<T>)> = Due::ALL.iter().map(|d| (*d, Vec::new())).collect();
    for item in items {
        let g = Due::of(due(&item), today);
        if let Some((_, list)) = groups.iter_mut().find(|(d, _)| *d == g) {
            list.push(item);
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, Weekday};

    #[test]
    fn what_a_unit_only_coordinates() {
        let inbox = Inbox {
            has_unit: true,
            to_decide: vec![],
            directives: vec![],
            petitions: vec![],
            more: false,
            units: vec![10, 11],
        };
        // (lead, coordinating) -> only coordinating
        let table: [(Option<Id>, &[Id], bool); 5] = [
            (Some(10), &[], false),
            (Some(10), &[11], false),
            (Some(20), &[11], true),
            (None, &[10], true),
            (Some(20), &[21], false),
        ];
        for (lead, coordinating, want) in table {
            assert_eq!(
                inbox.coordinates_only(lead, coordinating),
                want,
                "{lead:?} {coordinating:?}"
            );
        }
    }

    #[test]
    fn due_groups() {
        // Thursday 26 November 2026: the week ends on Sunday the 29th.
        let today = date(2026, 11, 26);
        assert_eq!(today.weekday(), Weekday::Thursday);
        assert_eq!(Due::of(Some(date(2026, 11, 25)), today), Due::Overdue);
        assert_eq!(Due::of(Some(today), today), Due::ThisWeek);
        assert_eq!(Due::of(Some(date(2026, 11, 29)), today), Due::ThisWeek);
        assert_eq!(Due::of(Some(date(2026, 11, 30)), today), Due::Later);
        assert_eq!(Due::of(None, today), Due::NoDeadline);
        // On a Sunday the week is that day.
        let sunday = date(2026, 11, 29);
        assert_eq!(Due::of(Some(date(2026, 11, 30)), sunday), Due::Later);
        assert_eq!(Due::of(Some(sunday), sunday), Due::ThisWeek);
    }
}
