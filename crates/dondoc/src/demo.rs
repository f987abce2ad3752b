//! Loads the demo (demo/demo.toml): units, people, documents, targets, sessions with their
//! figures, petitions and directives, what happened next, and one login per role. Everything
//! goes through the use cases of `dondoc_app`, as the system's own caller: the same validation
//! and state machines as the pages and the API.

use std::collections::HashMap;

use anyhow::{anyhow, bail, Context, Result};
use dondoc_app::{self as app, App, Caller};
use dondoc_domain::input::*;
use dondoc_domain::{Id, Role};
use dondoc_store::Store;
use jiff::civil::Date;
use jiff::ToSpan;
use serde::Deserialize;

const DEMO: &str = include_str!("../demo/demo.toml");
const SOURCES: &[(&str, &str)] = &[(
    "ha-lam-2020-08-24.txt",
    include_str!("../demo/ha-lam-2020-08-24.txt"),
)];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Demo {
    units: Vec<UnitRec>,
    people: Vec<PersonRec>,
    documents: Vec<DocumentRec>,
    targets: Vec<TargetRec>,
    sessions: Vec<SessionRec>,
    users: Vec<UserRec>,
    /// News of sessions for the public site, drafted from them as an editor would.
    #[serde(default)]
    articles: Vec<ArticleRec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ArticleRec {
    session: String,
    /// Published (signed off), or left awaiting sign-off.
    published: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitRec {
    key: String,
    name: String,
    short_name: Option<String>,
    kind: String,
    parent: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonRec {
    key: String,
    name: String,
    positions: Vec<PositionRec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PositionRec {
    title: String,
    unit: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DocumentRec {
    key: String,
    kind: String,
    number: Option<String>,
    date: Option<String>,
    issuer: Option<String>,
    subject: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetRec {
    key: String,
    unit: String,
    indicator: String,
    measure: String,
    period_from: String,
    period_to: String,
    plan_value: f64,
    document: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SessionRec {
    key: String,
    date: String,
    title: String,
    host: String,
    delegation: Option<String>,
    lead: Option<String>,
    place: Option<String>,
    summary: Option<String>,
    source: Option<String>,
    published: bool,
    #[serde(default)]
    documents: Vec<String>,
    #[serde(default)]
    participants: Vec<ParticipantRec>,
    #[serde(default)]
    measurements: Vec<MeasurementRec>,
    #[serde(default)]
    petitions: Vec<PetitionRec>,
    #[serde(default)]
    directives: Vec<DirectiveRec>,
    /// What happened next: recorded right after the session.
    #[serde(default)]
    after: Vec<Event>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ParticipantRec {
    person: String,
    role: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MeasurementRec {
    target: String,
    value: f64,
    qualifier: String,
    estimated: bool,
    period_from: String,
    period_to: String,
    wording: Option<String>,
}

/// A new petition (`key`, `text`, …) or one raised again (`again`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PetitionRec {
    key: Option<String>,
    again: Option<String>,
    text: Option<String>,
    title: Option<String>,
    category: Option<String>,
    area: Option<String>,
    raised_by: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DirectiveRec {
    key: String,
    text: String,
    lead: Option<String>,
    #[serde(default)]
    coordinating: Vec<String>,
    deadline: Option<String>,
    deadline_text: Option<String>,
}

#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum Event {
    Transition {
        petition: String,
        action: String,
        responsible: Option<String>,
        due_on: Option<String>,
        answer: Option<String>,
    },
    Directive {
        directive: String,
        action: String,
        done_on: Option<String>,
        /// The result reported, or the reason of a return or a cancellation.
        text: Option<String>,
    },
    Progress {
        directive: String,
        /// A coordinating unit reporting its own part (none: the lead unit).
        unit: Option<String>,
        date: String,
        percent: i64,
        text: String,
    },
    Amend {
        target: String,
        new_value: f64,
        reason: String,
        /// The day the change was decided.
        #[serde(default)]
        decided_on: Option<String>,
    },
    Merge {
        unit: String,
        into: String,
        on: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserRec {
    login: String,
    name: String,
    role: String,
    unit: Option<String>,
    password: String,
}

/// A demo login, printed when the demo starts.
pub struct Login {
    pub role: Role,
    pub login: String,
    pub password: String,
}

/// The demo logins, as the data file gives them.
pub fn logins() -> Vec<Login> {
    let demo: Demo = toml::from_str(DEMO).expect("the demo file parses (tested)");
    demo.users
        .into_iter()
        .filter_map(|u| {
            Role::parse(&u.role).map(|role| Login {
                role,
                login: u.login,
                password: u.password,
            })
        })
        .collect()
}

pub fn print_logins(logins: &[Login]) {
    println!("demo logins (role: login / password):");
    for l in logins {
        println!("  {:<8} {} / {}", l.role.as_str(), l.login, l.password);
    }
}

fn vietnam_today() -> Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
        .date()
}

/// "2020-08-24", or "today+9" / "today-16" counted from `today`.
fn date(s: &str, today: Date) -> Result<String> {
    if let Some(rest) = s.strip_prefix("today") {
        let days: i64 = if rest.is_empty() {
            0
        } else {
            rest.parse()
                .with_context(|| format!("bad relative date {s}"))?
        };
        return Ok(today.checked_add(days.days())?.to_string());
    }
    Ok(s.to_string())
}

struct Keys(HashMap<String, Id>, &'static str);

/// The records made so far, by key.
struct Refs<'a> {
    units: &'a Keys,
    petitions: &'a Keys,
    directives: &'a Keys,
    targets: &'a Keys,
}

impl Keys {
    fn get(&self, key: &str) -> Result<Id> {
        self.0
            .get(key)
            .copied()
            .ok_or_else(|| anyhow!("demo: unknown {} key {key:?}", self.1))
    }
    fn opt(&self, key: &Option<String>) -> Result<Option<Id>> {
        key.as_deref().map(|k| self.get(k)).transpose()
    }
}

/// Loads the demo into an empty database and returns the logins it created.
pub async fn load(store: &Store) -> Result<Vec<Login>> {
    load_at(store, vietnam_today()).await
}

pub async fn load_at(store: &Store, today: Date) -> Result<Vec<Login>> {
    if !store.is_empty().await? {
        bail!("the database has data already; the demo loads into an empty database only");
    }
    let demo: Demo = toml::from_str(DEMO).context("parsing demo/demo.toml")?;
    let app = App::new(store.clone(), Some(today));
    let c = app.system();
    let (app, c) = (&app, &c);

    let mut units = Keys(HashMap::new(), "unit");
    for u in &demo.units {
        let raw = UnitInput {
            parent_id: units.opt(&u.parent)?,
            kind: Some(u.kind.clone()),
            name: Some(u.name.clone()),
            short_name: u.short_name.clone(),
            version: None,
        };
        let unit = app::reference::create_unit(app, c, &raw)
            .await
            .with_context(|| format!("demo: unit {}", u.key))?;
        units.0.insert(u.key.clone(), unit.id);
    }

    let mut people = Keys(HashMap::new(), "person");
    for p in &demo.people {
        let first = p.positions.first();
        let raw = PersonInput {
            name: Some(p.name.clone()),
            title: first.map(|f| f.title.clone()),
            unit_id: first.map(|f| units.opt(&f.unit)).transpose()?.flatten(),
            ..Default::default()
        };
        let person = app::reference::create_person(app, c, &raw)
            .await
            .with_context(|| format!("demo: person {}", p.key))?;
        for pos in p.positions.iter().skip(1) {
            let raw = PersonInput {
                title: Some(pos.title.clone()),
                unit_id: units.opt(&pos.unit)?,
                ..Default::default()
            };
            app::reference::add_position(app, c, person.id, &raw).await?;
        }
        people.0.insert(p.key.clone(), person.id);
    }

    let mut documents = Keys(HashMap::new(), "document");
    for d in &demo.documents {
        let raw = DocumentInput {
            kind: Some(d.kind.clone()),
            number: d.number.clone(),
            date: d.date.clone(),
            issuer: d.issuer.clone(),
            subject: d.subject.clone(),
            version: None,
        };
        let doc = app::reference::create_document(app, c, &raw)
            .await
            .with_context(|| format!("demo: document {}", d.key))?;
        documents.0.insert(d.key.clone(), doc.id);
    }

    let mut targets = Keys(HashMap::new(), "target");
    for t in &demo.targets {
        let raw = TargetInput {
            unit_id: Some(units.get(&t.unit)?),
            indicator: Some(t.indicator.clone()),
            measure: Some(t.measure.clone()),
            period_from: Some(t.period_from.clone()),
            period_to: Some(t.period_to.clone()),
            plan_value: Some(t.plan_value.into()),
            document_id: documents.opt(&t.document)?,
            approved: Some(true),
            version: None,
        };
        let target = app::targets::create(app, c, &raw)
            .await
            .with_context(|| format!("demo: target {}", t.key))?;
        targets.0.insert(t.key.clone(), target.id);
    }

    let mut petitions = Keys(HashMap::new(), "petition");
    let mut sessions = Keys(HashMap::new(), "session");
    let mut directives = Keys(HashMap::new(), "directive");
    for s in &demo.sessions {
        let source_text = s.source.as_deref().map(|name| {
            SOURCES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, text)| text.to_string())
                .ok_or_else(|| anyhow!("demo: no source file {name}"))
        });
        let raw = SessionInput {
            date: Some(date(&s.date, today)?),
            place: s.place.clone(),
            title: Some(s.title.clone()),
            host_unit_id: Some(units.get(&s.host)?),
            delegation_name: s.delegation.clone(),
            lead_person_id: people.opt(&s.lead)?,
            summary: s.summary.clone(),
            source_text: source_text.transpose()?,
            published: Some(s.published),
            version: None,
        };
        let session = app::sessions::create(app, c, &raw)
            .await
            .with_context(|| format!("demo: session {}", s.key))?
            .session;
        sessions.0.insert(s.key.clone(), session.id);
        for d in &s.documents {
            app::sessions::link_document(app, c, session.id, Some(documents.get(d)?)).await?;
        }
        for p in &s.participants {
            app::sessions::add_participant(
                app,
                c,
                session.id,
                Some(people.get(&p.person)?),
                Some(&p.role),
            )
            .await?;
        }
        for m in &s.measurements {
            let raw = MeasurementInput {
                period_from: Some(m.period_from.clone()),
                period_to: Some(m.period_to.clone()),
                value: Some(m.value.into()),
                qualifier: Some(m.qualifier.clone()),
                estimated: Some(m.estimated),
                session_id: Some(session.id),
                wording: m.wording.clone(),
            };
            app::targets::add_measurement(app, c, targets.get(&m.target)?, &raw)
                .await
                .with_context(|| format!("demo: measurement of {}", m.target))?;
        }
        for p in &s.petitions {
            if let Some(again) = &p.again {
                let raw = RaisingInput {
                    session_id: Some(session.id),
                    date: Some(session.date.to_string()),
                    raised_by: p.raised_by.clone(),
                };
                app::petitions::raise(app, c, petitions.get(again)?, &raw).await?;
                continue;
            }
            let raw = PetitionInput {
                title: p.title.clone(),
                text: p.text.clone(),
                category: p.category.clone(),
                area_unit_id: units.opt(&p.area)?,
                raised_by: p.raised_by.clone(),
                session_id: Some(session.id),
                raised_on: Some(session.date.to_string()),
                ..Default::default()
            };
            let key = p
                .key
                .clone()
                .ok_or_else(|| anyhow!("demo: a new petition needs a key"))?;
            let petition = app::petitions::create(app, c, &raw)
                .await
                .with_context(|| format!("demo: petition {key}"))?;
            petitions.0.insert(key, petition.petition.id);
        }
        for d in &s.directives {
            let raw = DirectiveInput {
                session_id: Some(session.id),
                text: Some(d.text.clone()),
                issued_by_person_id: session.lead_person_id,
                lead_unit_id: units.opt(&d.lead)?,
                coordinating_unit_ids: d
                    .coordinating
                    .iter()
                    .map(|u| units.get(u))
                    .collect::<Result<_>>()?,
                deadline: d.deadline.as_deref().map(|x| date(x, today)).transpose()?,
                deadline_text: d.deadline_text.clone(),
                version: None,
            };
            let directive = app::directives::create(app, c, &raw)
                .await
                .with_context(|| format!("demo: directive {}", d.key))?;
            directives.0.insert(d.key.clone(), directive.directive.id);
        }
        for e in &s.after {
            let refs = Refs {
                units: &units,
                petitions: &petitions,
                directives: &directives,
                targets: &targets,
            };
            apply(app, c, e, today, &refs).await?;
        }
    }

    for a in &demo.articles {
        let session = sessions.get(&a.session)?;
        let raw = app::articles::draft_from_session(app, c, session).await?;
        let article = app::articles::create(app, c, &raw)
            .await
            .with_context(|| format!("demo: news of {}", a.session))?;
        let action = if a.published {
            dondoc_domain::ArticleAction::Publish
        } else {
            dondoc_domain::ArticleAction::Submit
        };
        app::articles::act(app, c, article.id, Some(article.version), action).await?;
    }

    let mut logins = Vec::new();
    for u in &demo.users {
        let raw = UserInput {
            login: Some(u.login.clone()),
            display_name: Some(u.name.clone()),
            role: Some(u.role.clone()),
            unit_id: units.opt(&u.unit)?,
            email: None,
            password: Some(u.password.clone()),
        };
        let user = app::users::create(app, c, &raw)
            .await
            .with_context(|| format!("demo: user {}", u.login))?;
        logins.push(Login {
            role: user.role,
            login: user.login,
            password: u.password.clone(),
        });
    }
    Ok(logins)
}

/// Records one thing that happened after a session, through the same use cases as a user.
async fn apply(app: &App, c: &Caller, e: &Event, today: Date, keys: &Refs<'_>) -> Result<()> {
    let Refs {
        units,
        petitions,
        directives,
        targets,
    } = keys;
    match e {
        Event::Transition {
            petition,
            action,
            responsible,
            due_on,
            answer,
        } => {
            let id = petitions.get(petition)?;
            let current = app::petitions::get(app, c, id).await?.petition;
            let raw = PetitionTransitionInput {
                action: Some(action.clone()),
                responsible_unit_id: units.opt(responsible)?,
                due_on: due_on.clone(),
                answer: answer.clone(),
                reason: None,
                version: Some(current.version),
                ..Default::default()
            };
            app::petitions::transition(app, c, id, &raw)
                .await
                .with_context(|| format!("demo: {petition} {action}"))?;
        }
        Event::Directive {
            directive,
            action,
            done_on,
            text,
        } => {
            let id = directives.get(directive)?;
            let current = app::directives::get(app, c, id).await?.directive;
            let raw = DirectiveTransitionInput {
                action: Some(action.clone()),
                done_on: done_on.as_deref().map(|d| date(d, today)).transpose()?,
                text: text.clone(),
                version: Some(current.version),
            };
            app::directives::transition(app, c, id, &raw)
                .await
                .with_context(|| format!("demo: {directive} {action}"))?;
        }
        Event::Progress {
            directive,
            unit,
            date: d,
            percent,
            text,
        } => {
            let id = directives.get(directive)?;
            let current = app::directives::get(app, c, id).await?.directive;
            let raw = ProgressInput {
                unit_id: units.opt(unit)?,
                date: Some(date(d, today)?),
                percent: Some(*percent),
                text: Some(text.clone()),
                version: Some(current.version),
            };
            app::directives::report_progress(app, c, id, &raw)
                .await
                .with_context(|| format!("demo: progress of {directive}"))?;
        }
        Event::Amend {
            target,
            new_value,
            reason,
            decided_on,
        } => {
            let id = targets.get(target)?;
            let version = app::targets::get(app, c, id).await?.target.version;
            let raw = AmendmentInput {
                new_value: Some((*new_value).into()),
                reason: Some(reason.clone()),
                decided_on: decided_on.clone(),
                document_id: None,
                version: Some(version),
            };
            app::targets::amend(app, c, id, &raw)
                .await
                .with_context(|| format!("demo: amendment of {target}"))?;
        }
        Event::Merge { unit, into, on } => {
            let id = units.get(unit)?;
            let version = app::reference::unit(app, c, id).await?.version;
            // The merge takes effect on its own day, not the day the demo is loaded.
            let mut on_day = c.clone();
            on_day.today = on.parse()?;
            app::reference::merge_unit(app, &on_day, id, Some(units.get(into)?), Some(version))
                .await
                .with_context(|| format!("demo: merge of {unit}"))?;
        }
    }
    Ok(())
}
