//! A session and everything a report recorded with it, written in one transaction: the draft
//! the report reader made, as the clerk confirmed it. Either all of it is written or nothing.

use dondoc_domain::input::{
    NewDirective, NewMeasurement, NewPerson, NewPetition, NewRaising, NewSession,
};
use dondoc_domain::Id;

use crate::sessions::SessionView;
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
        let session_id = sessions::insert_session(&mut tx, &plan.session).await?;
        let date = plan.session.date;
        let mut person_ids = Vec::with_capacity(plan.people.len());
        for p in &plan.people {
            let (person_id, role) = match p {
                ImportPerson::Known { person_id, role } => (*person_id, role),
                ImportPerson::New { person, role } => (
                    reference::insert_person(&mut tx, who, person).await?.id,
                    role,
                ),
            };
            sessions::insert_participant(&mut tx, who, session_id, person_id, role).await?;
            person_ids.push(person_id);
        }
        let lead = plan.lead.and_then(|i| person_ids.get(i).copied());
        if lead.is_some() && plan.session.lead_person_id.is_none() {
            sqlx::query("update sessions set lead_person_id = $1 where id = $2")
                .bind(lead)
                .bind(session_id)
                .execute(&mut *tx)
                .await?;
        }
        for p in &plan.petitions {
            match p {
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
        for d in &plan.directives {
            let d = NewDirective {
                session_id: Some(session_id),
                issued_by_person_id: d.issued_by_person_id.or(lead),
                ..d.clone()
            };
            let id = directives::insert_directive(&mut tx, who, &d).await?;
            let after = serde_json::json!({ "text": d.text, "session_id": session_id });
            audit::record(&mut tx, who, "directive", id, "create", None, Some(&after)).await?;
        }
        for (target_id, m) in &plan.measurements {
            let m = NewMeasurement {
                session_id: Some(session_id),
                ..m.clone()
            };
            targets::insert_measurement(&mut tx, who, *target_id, &m).await?;
        }
        let view = sessions::get_session_in(&mut tx, session_id).await?;
        audit::change(&mut tx, who, "import", None, &view.session).await?;
        tx.commit().await?;
        Ok(view)
    }
}
