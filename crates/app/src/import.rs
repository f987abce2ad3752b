//! A report turned into records: the draft the reader makes from a report's text, matched to
//! the units, people, targets and open petitions on record (a petition like an open one is
//! offered as raised again rather than as a duplicate), and the confirmed draft validated
//! through the domain's parsers and written with the session in one transaction.

use std::collections::HashMap;

use dondoc_domain::input::{
    amount_text, Amount, DirectiveInput, MeasurementInput, PetitionInput, SessionInput,
};
use dondoc_domain::{FieldCode, Invalid};
use dondoc_extract::Extraction;
use dondoc_store::{
    ImportPerson, ImportPetition, ImportPlan, PetitionFilter, PetitionView, SessionView,
    TargetFilter, TargetView, UnitNode,
};
use dondoc_text::{fold, similarity};

use crate::{App, Caller, Error, Result};

/// Largest report accepted, in bytes (a long report is some tens of kilobytes).
pub const MAX_REPORT: usize = 1024 * 1024;

/// How alike a found petition must be to an open one to be offered as raised again.
const RAISED_AGAIN: f64 = 0.6;

/// Messages for the review form, by form field name ("petition_text_3", "session_title").
pub type FieldErrors = HashMap<String, FieldCode>;

/// One editable row of the review page: its fields by name, as the form sends them back.
#[derive(Clone, Default)]
pub struct Row {
    pub keep: bool,
    pub fields: HashMap<&'static str, String>,
}

impl Row {
    pub fn get(&self, k: &str) -> &str {
        self.fields.get(k).map(String::as_str).unwrap_or("")
    }
}

/// The draft as the clerk sees and edits it.
#[derive(Clone, Default)]
pub struct Review {
    pub source: String,
    pub session: Row,
    pub people: Vec<Row>,
    pub petitions: Vec<Row>,
    pub directives: Vec<Row>,
    pub figures: Vec<Row>,
    /// Highlight spans: (start, end, kind) in `source`.
    pub marks: Vec<(usize, usize, &'static str)>,
}

/// The unit whose folded name is `name`'s, or the shortest one that starts with it ("Đảng ủy
/// phường" finds "Đảng ủy phường Hà Lầm").
fn match_unit(units: &[UnitNode], name: &str) -> Option<i64> {
    let key = fold(name);
    if key.is_empty() {
        return None;
    }
    let live = units.iter().filter(|n| n.unit.merged_into.is_none());
    let exact = live.clone().find(|n| {
        fold(&n.unit.name) == key || n.unit.short_name.as_deref().is_some_and(|s| fold(s) == key)
    });
    exact
        .or_else(|| {
            live.filter(|n| fold(&n.unit.name).starts_with(&format!("{key} ")))
                .min_by_key(|n| n.unit.name.len())
        })
        .map(|n| n.unit.id)
}

fn row(keep: bool, pairs: &[(&'static str, String)]) -> Row {
    Row {
        keep,
        fields: pairs.iter().cloned().collect(),
    }
}

/// What a draft is matched against: the unit tree, the open petitions (and the resolved,
/// which a new raising reopens), the targets.
pub struct OnRecord {
    pub units: Vec<UnitNode>,
    pub open: Vec<PetitionView>,
    pub targets: Vec<TargetView>,
}

impl OnRecord {
    /// What the caller may see of it: a draft never offers a petition they could not open.
    pub async fn load(app: &App, c: &Caller) -> Result<OnRecord> {
        c.require_recorder()?;
        let units = app.store.unit_tree().await?;
        let mut open = crate::petitions::list(
            app,
            c,
            &PetitionFilter {
                open: Some(true),
                limit: Some(500),
                ..Default::default()
            },
        )
        .await?
        .items;
        // A resolved petition raised again is reopened by its new raising, not recorded
        // twice: those resolved are offered too.
        open.extend(
            crate::petitions::list(
                app,
                c,
                &PetitionFilter {
                    status: Some(dondoc_domain::PetitionStatus::Resolved.as_str().into()),
                    limit: Some(300),
                    ..Default::default()
                },
            )
            .await?
            .items,
        );
        let targets = crate::targets::list(
            app,
            c,
            &TargetFilter {
                limit: Some(500),
                ..Default::default()
            },
        )
        .await?
        .items;
        Ok(OnRecord {
            units: units.to_vec(),
            open,
            targets,
        })
    }
}

impl Review {
    /// The draft of a report: what the reader found, each item matched to what is on record.
    pub async fn from_extraction(
        app: &App,
        c: &Caller,
        known: &OnRecord,
        text: &str,
        e: &Extraction,
    ) -> Result<Review> {
        let OnRecord {
            units,
            open,
            targets,
        } = known;
        let host = e.session.host.as_deref().and_then(|h| match_unit(units, h));
        let session = row(
            true,
            &[
                ("title", e.title.clone().unwrap_or_default()),
                ("date", e.session.date.clone().unwrap_or_default()),
                (
                    "host_unit_id",
                    host.map(|h| h.to_string()).unwrap_or_default(),
                ),
                (
                    "delegation_name",
                    e.session.delegation.clone().unwrap_or_default(),
                ),
                ("lead", e.session.lead.clone().unwrap_or_default()),
                ("summary", String::new()),
                ("into", String::new()),
            ],
        );
        let mut people = Vec::new();
        for p in &e.people {
            let known = app.store.person_by_name(&p.name).await?;
            people.push(row(
                true,
                &[
                    ("name", p.name.clone()),
                    ("title", p.positions.join(", ")),
                    (
                        "person_id",
                        known.map(|k| k.id.to_string()).unwrap_or_default(),
                    ),
                ],
            ));
        }
        let petitions = e
            .petitions
            .iter()
            .map(|p| {
                let again = best_open(open, &p.text)
                    .map(|o| o.petition.id.to_string())
                    .unwrap_or_default();
                let area = units
                    .iter()
                    .filter(|n| n.unit.kind == dondoc_domain::UnitKind::ResidentialArea)
                    .find(|n| {
                        n.unit
                            .short_name
                            .as_deref()
                            .is_some_and(|s| fold(&p.text).ends_with(&fold(s)))
                    })
                    .map(|n| n.unit.id.to_string())
                    .unwrap_or_default();
                row(
                    true,
                    &[
                        ("text", p.text.clone()),
                        ("area_unit_id", area),
                        ("again", again),
                    ],
                )
            })
            .collect();
        let directives = e
            .directives
            .iter()
            .map(|d| {
                let lead = d
                    .assignee
                    .as_deref()
                    .and_then(|a| match_unit(units, a))
                    .map(|u| u.to_string())
                    .unwrap_or_default();
                row(
                    true,
                    &[
                        ("text", d.text.clone()),
                        ("assignee", d.assignee.clone().unwrap_or_default()),
                        ("lead_unit_id", lead),
                        ("deadline", d.deadline.clone().unwrap_or_default()),
                        ("deadline_text", d.deadline_text.clone().unwrap_or_default()),
                    ],
                )
            })
            .collect();
        let figures = e
            .figures
            .iter()
            .map(|f| {
                let target = best_target(targets, f.indicator.as_deref().unwrap_or(""), f.unit);
                let (from, to) = f
                    .period
                    .as_ref()
                    .map(|p| (p.from.clone(), p.to.clone()))
                    .unwrap_or_default();
                row(
                    target.is_some(),
                    &[
                        ("indicator", f.indicator.clone().unwrap_or_default()),
                        (
                            "target_id",
                            target.map(|t| t.to_string()).unwrap_or_default(),
                        ),
                        ("value", amount_text(f.value)),
                        ("qualifier", f.qualifier.to_string()),
                        (
                            "estimated",
                            if f.estimated {
                                "on".into()
                            } else {
                                String::new()
                            },
                        ),
                        ("period_from", from),
                        ("period_to", to),
                        ("wording", f.text.chars().take(280).collect()),
                    ],
                )
            })
            .collect();
        let mut marks: Vec<(usize, usize, &'static str)> = Vec::new();
        marks.extend(
            e.petitions
                .iter()
                .map(|p| (p.span[0], p.span[1], "petition")),
        );
        marks.extend(
            e.directives
                .iter()
                .map(|d| (d.span[0], d.span[1], "directive")),
        );
        marks.extend(e.figures.iter().map(|f| (f.span[0], f.span[1], "figure")));
        marks.extend(
            e.documents
                .iter()
                .map(|d| (d.span[0], d.span[1], "document")),
        );
        marks.extend(e.people.iter().map(|p| (p.span[0], p.span[1], "person")));
        marks.extend(
            e.organizations
                .iter()
                .map(|o| (o.span[0], o.span[1], "org")),
        );
        let mut session = session;
        // A report of a session already on record adds to it, unless the clerk says otherwise.
        let draft = Review {
            session: session.clone(),
            ..Default::default()
        };
        if let Some(s) = recorded_already(app, c, &draft).await?.first() {
            session.fields.insert("into", s.session.id.to_string());
        }
        Ok(Review {
            source: text.to_string(),
            session,
            people,
            petitions,
            directives,
            figures,
            marks,
        })
    }
}

/// The open petition most like `text`, if it is like enough.
fn best_open<'a>(open: &'a [PetitionView], text: &str) -> Option<&'a PetitionView> {
    open.iter()
        .map(|o| (similarity(&o.petition.text, text), o))
        .filter(|(s, _)| *s >= RAISED_AGAIN)
        .max_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal))
        .map(|(_, o)| o)
}

/// The open petitions offered for a found one on the review page, most alike first: the
/// five most alike, if alike at all.
pub fn candidates<'a>(open: &'a [PetitionView], text: &str) -> Vec<&'a PetitionView> {
    let mut alike: Vec<(f64, &PetitionView)> = open
        .iter()
        .map(|o| (similarity(&o.petition.text, text), o))
        .filter(|(s, _)| *s >= 0.4)
        .collect();
    alike.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
    alike.into_iter().take(5).map(|(_, o)| o).collect()
}

/// The target a figure reports on: same measure, most alike indicator.
fn best_target(targets: &[TargetView], indicator: &str, unit: &str) -> Option<i64> {
    targets
        .iter()
        .filter(|t| t.target.measure == unit)
        .map(|t| (similarity(&t.target.indicator, indicator), t))
        .filter(|(s, _)| *s >= 0.5)
        .max_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal))
        .map(|(_, t)| t.target.id)
}

fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

fn id_of(s: &str) -> Result<Option<i64>, FieldCode> {
    match s.trim() {
        "" => Ok(None),
        t => t.parse().map(Some).map_err(|_| FieldCode::InvalidChoice),
    }
}

/// Validates every kept row through the domain's parsers; the messages go beside the fields.
pub fn plan_of(review: &Review) -> Result<ImportPlan, FieldErrors> {
    let mut errors: FieldErrors = HashMap::new();
    let mut note = |prefix: &str, inv: &Invalid| {
        for e in &inv.0 {
            errors.insert(format!("{prefix}{}", e.field), e.code);
        }
    };
    let s = &review.session;
    let host = id_of(s.get("host_unit_id"));
    let session_input = SessionInput {
        date: opt(s.get("date")),
        title: opt(s.get("title")),
        host_unit_id: host.unwrap_or(None),
        delegation_name: opt(s.get("delegation_name")),
        summary: opt(s.get("summary")),
        source_text: Some(review.source.clone()),
        published: Some(s.get("published") == "on"),
        ..Default::default()
    };
    let into = match id_of(s.get("into")) {
        Ok(into) => into,
        Err(code) => {
            note("session_", &Invalid::one("into", code));
            None
        }
    };
    let session = match (session_input.parse(), host) {
        (Ok(new), Ok(_)) => Some(new),
        (Err(inv), _) => {
            note("session_", &inv);
            None
        }
        (_, Err(code)) => {
            note("session_", &Invalid::one("host_unit_id", code));
            None
        }
    };
    let mut people = Vec::new();
    let lead_name = fold(s.get("lead"));
    let mut lead = None;
    for (i, p) in review.people.iter().enumerate().filter(|(_, p)| p.keep) {
        if !lead_name.is_empty() && fold(p.get("name")) == lead_name {
            lead = Some(people.len());
        }
        let role = opt(p.get("title")).unwrap_or_else(|| "—".into());
        match id_of(p.get("person_id")) {
            Ok(Some(person_id)) => people.push(ImportPerson::Known { person_id, role }),
            Ok(None) => {
                let raw = dondoc_domain::input::PersonInput {
                    name: opt(p.get("name")),
                    title: opt(p.get("title")),
                    ..Default::default()
                };
                match raw.parse() {
                    Ok(person) => people.push(ImportPerson::New { person, role }),
                    Err(inv) => note(&format!("person_{i}_"), &inv),
                }
            }
            Err(code) => note(&format!("person_{i}_"), &Invalid::one("person_id", code)),
        }
    }
    if !lead_name.is_empty() && lead.is_none() {
        // The lead must be one of the people kept, so that the session can point to them.
        note("session_", &Invalid::one("lead", FieldCode::InvalidChoice));
    }
    let mut petitions = Vec::new();
    for (i, p) in review.petitions.iter().enumerate().filter(|(_, p)| p.keep) {
        match id_of(p.get("again")) {
            Ok(Some(petition_id)) => petitions.push(ImportPetition::Again {
                petition_id,
                raised_by: None,
            }),
            Ok(None) => {
                let raw = PetitionInput {
                    text: opt(p.get("text")),
                    area_unit_id: id_of(p.get("area_unit_id")).unwrap_or(None),
                    ..Default::default()
                };
                let today = session
                    .as_ref()
                    .map(|s| s.date)
                    .unwrap_or(jiff::civil::date(2000, 1, 1));
                match raw.parse(today) {
                    Ok(new) => petitions.push(ImportPetition::New(new)),
                    Err(inv) => note(&format!("petition_{i}_"), &inv),
                }
            }
            Err(code) => note(&format!("petition_{i}_"), &Invalid::one("again", code)),
        }
    }
    let mut directives = Vec::new();
    for (i, d) in review.directives.iter().enumerate().filter(|(_, d)| d.keep) {
        let raw = DirectiveInput {
            text: opt(d.get("text")),
            lead_unit_id: id_of(d.get("lead_unit_id")).unwrap_or(None),
            deadline: opt(d.get("deadline")),
            deadline_text: opt(d.get("deadline_text")),
            ..Default::default()
        };
        match raw.parse() {
            Ok(new) => directives.push(new),
            Err(inv) => note(&format!("directive_{i}_"), &inv),
        }
    }
    let mut measurements = Vec::new();
    for (i, f) in review.figures.iter().enumerate().filter(|(_, f)| f.keep) {
        let target = match id_of(f.get("target_id")) {
            Ok(Some(t)) => t,
            _ => {
                note(
                    &format!("figure_{i}_"),
                    &Invalid::one("target_id", FieldCode::Required),
                );
                continue;
            }
        };
        let raw = MeasurementInput {
            period_from: opt(f.get("period_from")),
            period_to: opt(f.get("period_to")),
            value: Amount::typed(f.get("value")),
            qualifier: opt(f.get("qualifier")),
            estimated: Some(f.get("estimated") == "on"),
            wording: opt(f.get("wording")),
            session_id: None,
        };
        match raw.parse() {
            Ok(m) => measurements.push((target, m)),
            Err(inv) => note(&format!("figure_{i}_"), &inv),
        }
    }
    match (session, errors.is_empty()) {
        (Some(session), true) => Ok(ImportPlan {
            session,
            into,
            people,
            lead,
            petitions,
            directives,
            measurements,
        }),
        _ => Err(errors),
    }
}

/// How alike a session's title must be to a report's, held the same day by the same unit, to
/// be offered as the session the report is of.
const SAME_SESSION: f64 = 0.3;

/// Sessions on record that a draft may be a report of: the same day, the same host, a title
/// alike; the most alike first.
pub async fn recorded_already(app: &App, c: &Caller, draft: &Review) -> Result<Vec<SessionView>> {
    let s = &draft.session;
    let (Ok(Some(day)), Ok(Some(host))) = (
        dondoc_domain::validate::opt_date(Some(s.get("date"))),
        id_of(s.get("host_unit_id")),
    ) else {
        return Ok(vec![]);
    };
    let same_day = app
        .store
        .sessions(
            &dondoc_store::SessionFilter {
                host_unit_id: Some(host),
                on: Some(day),
                limit: Some(20),
                ..Default::default()
            },
            c.visibility(),
        )
        .await?
        .items;
    let title = s.get("title");
    let mut alike: Vec<(f64, SessionView)> = same_day
        .into_iter()
        .map(|v| (similarity(&v.session.title, title), v))
        .filter(|(a, _)| title.trim().is_empty() || *a >= SAME_SESSION)
        .collect();
    alike.sort_by(|a, b| b.0.total_cmp(&a.0));
    Ok(alike.into_iter().map(|(_, v)| v).collect())
}

/// Why a confirmed draft was not written.
pub enum ImportError {
    /// Fields to correct, by form field name; nothing was written.
    Fields(FieldErrors),
    /// Refused as a whole (permission, a record that vanished meanwhile, …).
    Other(Error),
}

impl From<Error> for ImportError {
    fn from(e: Error) -> Self {
        ImportError::Other(e)
    }
}

/// Records a session with everything the review kept, in one transaction, after the same
/// permission check as a session recorded by hand.
pub async fn confirm(
    app: &App,
    c: &Caller,
    review: &Review,
) -> std::result::Result<SessionView, ImportError> {
    c.require_recorder()?;
    let plan = plan_of(review).map_err(ImportError::Fields)?;
    c.login_required()?;
    match plan.into {
        // What is new of a session on record: the same rule as recording into it by hand.
        Some(id) => {
            let into = |code| ImportError::Fields(HashMap::from([("session_into".into(), code)]));
            let on_record = crate::recording_in(app, c, Some(id))
                .await
                .map_err(|e| match e {
                    Error::Invalid(_) => into(FieldCode::UnknownReference),
                    e => ImportError::Other(e),
                })?
                .ok_or(ImportError::Other(Error::NotFound))?;
            // The report is of that session only if it was held that day by that unit: a
            // draft whose date or host was changed is not added to it.
            if on_record.session.date != plan.session.date
                || on_record.session.host_unit_id != plan.session.host_unit_id
            {
                return Err(into(FieldCode::InvalidChoice));
            }
        }
        None => crate::sessions::may_record(c, &plan.session)?,
    }
    // The figures kept are reported on their targets' units: the same rule as one by one.
    for (target_id, _) in &plan.measurements {
        let target = crate::targets::get(app, c, *target_id).await?;
        c.require(dondoc_domain::Action::EditTarget {
            unit: target.target.unit_id,
        })?;
    }
    match app.store.import_session(c.who(), &plan).await {
        Ok(s) => Ok(s),
        Err(dondoc_store::StoreError::Invalid(inv)) => {
            // A reference that was valid when the draft was made is gone or wrong now.
            let mut errors: FieldErrors = inv
                .0
                .iter()
                .map(|e| (format!("session_{}", e.field), e.code))
                .collect();
            errors.insert("form".into(), FieldCode::UnknownReference);
            Err(ImportError::Fields(errors))
        }
        Err(e) => Err(ImportError::Other(e.into())),
    }
}
