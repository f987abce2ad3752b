//! The visibility rule of `dondoc_domain::visibility`, as SQL conditions. Every read of
//! sessions, petitions, raisings, directives and measurements takes a [`Visibility`] and adds
//! the condition made here; nothing else in the store decides what a caller may see.
//!
//! Unit ids are inlined as integer literals (they are `i64`s, never text from a request), so a
//! condition can be used in any query without renumbering its placeholders.

use dondoc_domain::Visibility;

use crate::sql::id_list;

/// `column in (…)` for the caller's units; `None` when the caller sees every unit.
fn owned(v: &Visibility, column: &str) -> Option<String> {
    match v.units() {
        None => None,
        Some([]) => Some("1 = 0".into()),
        Some(units) => Some(format!("{column} in ({})", id_list(units))),
    }
}

/// The session in alias `s` is visible. `None`: no condition (everything is).
pub(crate) fn session(v: &Visibility, s: &str) -> Option<String> {
    owned(v, &format!("{s}.host_unit_id")).map(|own| format!("({s}.published = 1 or {own})"))
}

/// The session with id column `col` (which may be null) is visible, as a subquery.
fn session_by_id(v: &Visibility, col: &str) -> Option<String> {
    session(v, "vs")
        .map(|cond| format!("exists (select 1 from sessions vs where vs.id = {col} and {cond})"))
}

/// The raising in alias `r` is visible: made outside a session, or at a visible one.
pub(crate) fn raising(v: &Visibility, r: &str) -> String {
    match session_by_id(v, &format!("{r}.session_id")) {
        None => "1 = 1".into(),
        Some(cond) => format!("({r}.session_id is null or {cond})"),
    }
}

/// The petition in alias `p` is visible: to the public, when it was raised at a published
/// session; to a unit's staff, when they see one of its raisings, or it is in, assigned to
/// or coordinated by one of their units. Read from the petition's cached counts (`published`: raised at a
/// published session; `public_raised_count`: raisings anyone may see), kept with the
/// raisings in the same transaction.
pub(crate) fn petition(v: &Visibility, p: &str) -> Option<String> {
    match v {
        Visibility::All => None,
        Visibility::Public => Some(format!("{p}.published = 1")),
        Visibility::Scoped(_) => {
            let own_session = owned(v, "vs.host_unit_id").unwrap_or_default();
            let area = owned(v, &format!("{p}.area_unit_id")).unwrap_or_default();
            let resp = owned(v, &format!("{p}.responsible_unit_id")).unwrap_or_default();
            let coord = owned(v, "vpu.unit_id").unwrap_or_default();
            Some(format!(
                "({p}.public_raised_count > 0 or {area} or {resp}
                  or exists (select 1 from petition_units vpu where vpu.petition_id = {p}.id and {coord})
                  or exists (select 1 from raisings vr join sessions vs on vs.id = vr.session_id
                             where vr.petition_id = {p}.id and {own_session}))"
            ))
        }
    }
}

/// The directive in alias `dv` is visible.
pub(crate) fn directive(v: &Visibility, dv: &str) -> Option<String> {
    let at_visible = session_by_id(v, &format!("{dv}.session_id"))?;
    match v {
        Visibility::All => None,
        Visibility::Public => Some(at_visible),
        Visibility::Scoped(_) => {
            let lead = owned(v, &format!("{dv}.lead_unit_id")).unwrap_or_default();
            let coord = owned(v, "vdu.unit_id").unwrap_or_default();
            Some(format!(
                "({dv}.session_id is null or {at_visible} or {lead}
                  or exists (select 1 from directive_units vdu where vdu.directive_id = {dv}.id and {coord}))"
            ))
        }
    }
}

/// The news article in alias `a` is visible: to staff always (drafts are the newsroom's
/// work); to the public when it is published and its session, if it reports one, is too. A
/// session taken off the public site takes its news with it.
pub(crate) fn article(v: &Visibility, a: &str) -> Option<String> {
    match v {
        Visibility::Public => Some(format!(
            "({a}.status = 'published' and ({a}.session_id is null
              or exists (select 1 from sessions vs where vs.id = {a}.session_id and vs.published = 1)))"
        )),
        _ => None,
    }
}

/// The measurement in alias `m` is visible: taken outside a session, or at a visible one.
pub(crate) fn measurement(v: &Visibility, m: &str) -> String {
    raising(v, m)
}

/// `sql` with ` and cond` (or ` where cond`) when there is a condition.
pub(crate) fn and(cond: Option<String>) -> String {
    cond.map(|c| format!(" and {c}")).unwrap_or_default()
}
