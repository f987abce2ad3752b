//! A session and everything a report recorded with it, written in one transaction: the draft
//! the report reader made, as the clerk confirmed it. Either all of it is written or nothing.

use dondoc_domain::input::{
    NewDirective, NewMeasurement, NewPerson, NewPetition, NewRaising, NewSession,
};
use dondoc_domain::Id;

use crate::sessions::SessionView;
use crate::sql::{d, Tx};
use crate::{audit, directives, petitions, reference, sessions, targets, Result, Store, Who};

/// Someone the report names: a known person, or one to create (with their position).
#[derive(Debug, Clone)]
pub enum ImportPerson {
    Known { person_id: Id, role: String },
    New { person: NewPerson, role: String },
}

/// A petition the report raises: a new one, or one already on record raised again.
#[derive(Debug, Clone)]
pub enum ImportPetition {
    New(NewPetition),
    Again {
        petition_id: Id,
        raised_by: Option<String>,
    },
}

/// What the clerk confirmed. Session ids and dates inside are filled in on writing.
#[derive(Debug, Clone)]
pub struct ImportPlan {
    pub session: NewSession,
    /// A session already on record that the report is of: what is new is added to it (its
    /// own fields stay as they are), what it has already is left out.
    pub into: Option<Id>,
    pub people: Vec<ImportPerson>,
    /// Which of `people` led the delegation: the session's lead and the issuer of its
    /// directives that name none.
    pub lead: Option<usize>,
    pub petitions: Vec<ImportPetition>,
    pub directives: Vec<NewDirective>,
    pub measurements: Vec<(Id, NewMeasurement)>,
}

impl Store {
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn import_session(&self, who: Who, plan: &ImportPlan) -> Result<SessionView> {
        let mut tx = self.begin().await?;
        let (session_id, before) = match plan.into {
            Some(id) => {
                let before = sessions::get_session_in(&mut tx, id).await?.session;
                // The report itself is kept with a session recorded by hand; the session
                // changed, an edit made from before it is stale.
                sqlx::query(
                    "update sessions set source_text = coalesce(source_text, $1), version = version + 1
                     where id = $2",
                )
                .bind(&plan.session.source_text)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                (id, Some(before))
            }
            None => (
                sessions::insert_session(&mut tx, &plan.session).await?,
                None,
            ),
        };
        let date = before.as_ref().map_or(plan.session.date, |s| s.date);
        let on_record = OnRecord::of(&mut tx, session_id).await?;
        let mut person_ids = Vec::with_capacity(plan.people.len());
        for p in &plan.people {
            let (person_id, role) = match p {
                ImportPerson::Known { person_id, role } => (*person_id, role),
                ImportPerson::New { person, role } => (
                    reference::insert_person(&mut tx, who, person).await?.id,
                    role,
                ),
            };
            if !on_record.people.contains(&person_id) {
                sessions::insert_participant(&mut tx, who, session_id, person_id, role).await?;
            }
            person_ids.push(person_id);
        }
        let lead = plan.lead.and_then(|i| person_ids.get(i).copied());
        if lead.is_some() && plan.session.lead_person_id.is_none() {
            sqlx::query(
                "update sessions set lead_person_id = $1 where id = $2 and lead_person_id is null",
            )
            .bind(lead)
            .bind(session_id)
            .execute(&mut *tx)
            .await?;
        }
        for p in &plan.petitions {
            match p {
                ImportPetition::New(new) if on_record.has_petition(&new.text) => {}
                ImportPetition::Again { petition_id, .. }
                    if on_record.raised.contains(petition_id) => {}
                ImportPetition::New(new) => {
                    let new = NewPetition {
                        session_id: Some(session_id),
                        raised_on: date,
                        ..new.clone()
                    };
                    let id = petitions::insert_petition(&mut tx, who, &new).await?;
                    let raising = NewRaising {
                        session_id: Some(session_id),
                        date,
                        raised_by: new.raised_by.clone(),
                    };
                    petitions::insert_raising(&mut tx, id, &raising).await?;
                    let after = serde_json::json!({ "text": new.text, "session_id": session_id });
                    audit::record(&mut tx, who, "petition", id, "create", None, Some(&after))
                        .await?;
                }
                ImportPetition::Again {
                    petition_id,
                    raised_by,
                } => {
                    let raising = NewRaising {
                        session_id: Some(session_id),
                        date,
                        raised_by: raised_by.clone(),
                    };
                    petitions::raise_in(&mut tx, who, *petition_id, &raising).await?;
                }
            }
        }
        for d in plan
            .directives
            .iter()
            .filter(|d| !on_record.has_directive(&d.text))
        {
            let d = NewDirective {
                session_id: Some(session_id),
                issued_by_person_id: d.issued_by_person_id.or(lead),
                ..d.clone()
            };
            let id = directives::insert_directive(&mut tx, who, &d).await?;
            let after = serde_json::json!({ "text": d.text, "session_id": session_id });
            audit::record(&mut tx, who, "directive", id, "create", None, Some(&after)).await?;
        }
        for (target_id, m) in plan.measurements.iter().filter(|(t, m)| {
            !on_record
                .figures
                .contains(&(*t, d(m.period_from), d(m.period_to)))
        }) {
            let m = NewMeasurement {
                session_id: Some(session_id),
                ..m.clone()
            };
            targets::insert_measurement(&mut tx, who, *target_id, &m).await?;
        }
        let view = sessions::get_session_in(&mut tx, session_id).await?;
        audit::change(&mut tx, who, "import", before.as_ref(), &view.session).await?;
        tx.commit().await?;
        Ok(view)
    }
}

/// Two texts this alike are one item told twice (a report of a session already recorded).
const SAME: f64 = 0.8;

/// What a session has on record already, so that a report of it adds only what is new.
#[derive(Default)]
struct OnRecord {
    people: Vec<Id>,
    /// The petitions it raised, and their texts.
    raised: Vec<Id>,
    petition_texts: Vec<String>,
    directive_texts: Vec<String>,
    /// Figures: target and period.
    figures: Vec<(Id, String, String)>,
}

impl OnRecord {
    async fn of(tx: &mut Tx<'_>, session: Id) -> Result<OnRecord> {
        let people =
            sqlx::query_scalar("select person_id from session_participants where session_id = $1")
                .bind(session)
                .fetch_all(&mut **tx)
                .await?;
        let petitions: Vec<(i64, String)> = sqlx::query_as(
            "select p.id, p.text from petitions p join raisings r on r.petition_id = p.id
             where r.session_id = $1",
        )
        .bind(session)
        .fetch_all(&mut **tx)
        .await?;
        let directive_texts =
            sqlx::query_scalar("select text from directives where session_id = $1")
                .bind(session)
                .fetch_all(&mut **tx)
                .await?;
        let figures = sqlx::query_as(
            "select target_id, period_from, period_to from measurements where session_id = $1",
        )
        .bind(session)
        .fetch_all(&mut **tx)
        .await?;
        let (raised, petition_texts) = petitions.into_iter().unzip();
        Ok(OnRecord {
            people,
            raised,
            petition_texts,
            directive_texts,
            figures,
        })
    }

    fn has_petition(&self, text: &str) -> bool {
        self.petition_texts
            .iter()
            .any(|t| dondoc_text::similarity(t, text) >= SAME)
    }

    fn has_directive(&self, text: &str) -> bool {
        self.directive_texts
            .iter()
            .any(|t| dondoc_text::similarity(t, text) >= SAME)
    }
}
