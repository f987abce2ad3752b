//! Petitions residents send themselves (the public form and Open311 clients alike): the
//! form's human check, the limit per client address, a similar petition offered first, the
//! tracking code and page, and the staff's moderation queue, whose decision records the
//! petition (public from then on) or one more raising of the petition the resident joined.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use dondoc_domain::input::{NewRaising, PetitionInput};
use dondoc_domain::resident::{self, challenge, NewSubmission, SubmissionInput, SubmissionStatus};
use dondoc_domain::{Action, FieldCode, Id, Invalid, UnitKind};
use dondoc_store::{Decision, Page, PetitionView, StoreError, SubmissionMeta, SubmissionView};

use crate::{App, Caller, Error, Result};

/// Submissions one client address may send in an hour.
pub const PER_HOUR: i64 = 5;
/// Failed human checks an address may make in an hour before the form refuses it for the
/// rest of the hour: a person mistypes once or twice; a robot guessing the sum (some twenty
/// answers) would find it in a few dozen tries.
pub const HUMAN_FAILURES_PER_HOUR: i64 = 8;
/// The largest photo kept with a submission.
pub const MAX_PHOTO_BYTES: usize = 2 * 1024 * 1024;
/// Who raised a petition a resident sent, as its raising says.
pub const RAISED_BY: &str = "Người dân (gửi trực tuyến)";

/// The form's human check as drawn: the token it carries and the question in both languages.
pub struct Challenge {
    pub token: String,
    pub question_vi: String,
    pub question_en: String,
}

/// What the form offers: the wards, the categories (code, Vietnamese and English names) and a
/// fresh human check.
pub struct Form {
    pub wards: Vec<(Id, String)>,
    pub challenge: Challenge,
}

async fn secret(app: &App, name: &str) -> Result<String> {
    let mut fresh = [0u8; 32];
    OsRng.fill_bytes(&mut fresh);
    let fresh: String = fresh.iter().map(|b| format!("{b:02x}")).collect();
    Ok(app.store.site_secret(name, &fresh).await?)
}

/// A new question, asked now.
pub async fn challenge(app: &App) -> Result<Challenge> {
    let key = secret(app, "human_check").await?;
    let nonce = OsRng.next_u32() % 81;
    let (question_vi, question_en) = challenge::question(nonce);
    Ok(Challenge {
        token: challenge::token(key.as_bytes(), app.clock.now().as_millisecond(), nonce),
        question_vi,
        question_en,
    })
}

/// The same question again (a refused form is drawn with what was typed, and the question the
/// resident saw), when the token is one of ours; else a new one.
pub async fn challenge_again(app: &App, token: &str) -> Result<Challenge> {
    match challenge::nonce_of(token).filter(|n| *n < 81) {
        Some(nonce) => {
            let (question_vi, question_en) = challenge::question(nonce);
            Ok(Challenge {
                token: token.to_string(),
                question_vi,
                question_en,
            })
        }
        None => challenge(app).await,
    }
}

pub async fn form(app: &App) -> Result<Form> {
    Ok(Form {
        wards: wards(app).await?,
        challenge: challenge(app).await?,
    })
}

/// The wards a resident may file a petition to.
pub async fn wards(app: &App) -> Result<Vec<(Id, String)>> {
    Ok(app
        .store
        .units_of_kind(UnitKind::Ward)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}

/// How a submission reached us, and what stands for the resident's checks.
pub enum Channel<'a> {
    /// The public form: its human check (token, answer) and the honeypot field, which a
    /// person leaves empty.
    Form {
        token: &'a str,
        answer: &'a str,
        honeypot: &'a str,
    },
    /// An Open311 client, known by its key (`open311::client_of`); `client` names it, and
    /// it is counted as one address.
    Open311 { client: Id },
}

/// Sends a resident's petition: checked like a form (the human check for the public form),
/// counted against the client address (`client`, never stored: a salted digest is), refused
/// while a similar public petition of the ward is not chosen or declined, and kept waiting for
/// staff with a new tracking code. `c` is the caller (anonymous on the public site): what is
/// offered as similar is what they may see.
pub async fn submit(
    app: &App,
    c: &Caller,
    raw: &SubmissionInput,
    channel: Channel<'_>,
    client: &str,
    photo: Option<&[u8]>,
) -> Result<SubmissionView> {
    let salt = secret(app, "client_salt").await?;
    let client_hash = dondoc_store::token_digest(&format!("{salt}:{client}"));
    let hour_ago = app.clock.now().as_millisecond() - 3600 * 1000;
    let limit = match channel {
        Channel::Form { .. } => PER_HOUR,
        Channel::Open311 { .. } => crate::open311::CLIENT_PER_HOUR,
    };
    let sent = app.store.submissions_from(&client_hash, hour_ago).await?;
    if sent >= limit {
        return Err(Error::TooMany {
            retry_after_secs: 3600,
        });
    }
    let mut check = dondoc_domain::validate::Checker::new();
    let source = match channel {
        Channel::Form {
            token,
            answer,
            honeypot,
        } => {
            // Guesses at the human check are counted per address, as sign-in failures are.
            let failures = format!("human:{client_hash}");
            if app.store.failures_under(&failures, hour_ago).await? >= HUMAN_FAILURES_PER_HOUR {
                return Err(Error::TooMany {
                    retry_after_secs: 3600,
                });
            }
            // A field hidden from people: whoever fills it is a robot, told only that the
            // check failed.
            let key = secret(app, "human_check").await?;
            let human = challenge::check(
                key.as_bytes(),
                token,
                answer,
                app.clock.now().as_millisecond(),
            );
            match (honeypot.trim().is_empty(), human) {
                (false, _) => check.fail("answer", FieldCode::InvalidChoice),
                (true, Err(e)) => {
                    if let Some(code) = e.on("answer") {
                        check.fail("answer", code);
                    }
                }
                (true, Ok(())) => {}
            }
            if check.failed("answer") {
                let now = app.clock.now().as_millisecond();
                app.store.note_failure(&failures, now).await?;
            }
            "form"
        }
        Channel::Open311 { .. } => "open311",
    };
    let parsed = match raw.parse() {
        Ok(p) => Some(p),
        Err(Invalid(errors)) => {
            for e in errors {
                check.fail(e.field, e.code);
            }
            None
        }
    };
    let photo = match photo.filter(|p| !p.is_empty()) {
        None => None,
        Some(bytes) if bytes.len() > MAX_PHOTO_BYTES => {
            check.fail("photo", FieldCode::TooLong);
            None
        }
        Some(bytes) => {
            use dondoc_domain::evidence::{sniff, Kind};
            match sniff(bytes) {
                Some(k @ (Kind::Png | Kind::Jpeg | Kind::Webp)) => Some((k.media_type(), bytes)),
                _ => {
                    check.fail("photo", FieldCode::InvalidChoice);
                    None
                }
            }
        }
    };
    check.finish(())?;
    let new = parsed.expect("checked");
    known_ward(app, new.ward_unit_id).await?;
    if let Some(p) = new.joins_petition_id {
        joinable(app, c, p, new.ward_unit_id).await?;
    } else if raw.new_petition != Some(true)
        && !similar(app, c, &new.text, new.ward_unit_id)
            .await?
            .is_empty()
    {
        return Err(Invalid::one("new_petition", FieldCode::Similar).into());
    }
    // Only once every other check has passed: the photo decoded and kept as its largest
    // re-encoding (`photos::prepare`), so that nothing of the file but its pixels is kept —
    // a phone's photo carries where it was taken, often the resident's home.
    let photo = match photo {
        None => None,
        Some((_, bytes)) => {
            let mut sizes = crate::photos::prepare_off_thread(bytes.to_vec())
                .await
                .map_err(|e| match e {
                    // Refused as `file` there; the form's field is `photo`.
                    Error::Invalid(i) => match i.on("file") {
                        Some(code) => Invalid::one("photo", code).into(),
                        None => Error::Invalid(i),
                    },
                    e => e,
                })?;
            sizes.pop().map(|s| s.jpeg)
        }
    };
    let photo = photo.as_deref().map(|jpeg| ("image/jpeg", jpeg));
    store_new(app, &new, &client_hash, source, photo).await
}

/// Keeps the submission under a new code (a code drawn twice, which 49 bits make rare, is
/// drawn again).
async fn store_new(
    app: &App,
    new: &NewSubmission,
    client_hash: &str,
    source: &str,
    photo: Option<(&str, &[u8])>,
) -> Result<SubmissionView> {
    for _ in 0..5 {
        let code = new_code();
        let meta = SubmissionMeta {
            code: &code,
            client_hash,
            source,
            photo,
            at_ms: app.clock.now().as_millisecond(),
        };
        match app.store.create_submission(new, &meta).await {
            Err(StoreError::Duplicate("code")) => continue,
            other => return Ok(other?),
        }
    }
    Err(Error::Internal(anyhow::anyhow!("no free tracking code")))
}

/// A tracking code from the system's random source, every letter equally likely.
fn new_code() -> String {
    let n = resident::CODE_ALPHABET.len() as u8;
    let below = u8::MAX - u8::MAX % n;
    let mut out = [0u8; resident::CODE_LEN];
    let mut i = 0;
    while i < out.len() {
        let mut b = [0u8; 1];
        OsRng.fill_bytes(&mut b);
        if b[0] < below {
            out[i] = b[0];
            i += 1;
        }
    }
    resident::code_from(&out)
}

/// A ward must be a unit of kind ward, in being.
async fn known_ward(app: &App, id: Id) -> Result<()> {
    let bad = || Error::Invalid(Invalid::one("ward_unit_id", FieldCode::UnknownReference));
    match app.store.unit(id).await {
        Ok(u) if u.kind == UnitKind::Ward && u.dissolved_on.is_none() => Ok(()),
        Ok(_) | Err(StoreError::NotFound) => Err(bad()),
        Err(e) => Err(e.into()),
    }
}

/// A petition a resident may add their voice to: one the caller sees, of the ward, open or
/// resolved (what [`similar`] offers).
async fn joinable(app: &App, c: &Caller, id: Id, ward: Id) -> Result<PetitionView> {
    let bad = || {
        Error::Invalid(Invalid::one(
            "joins_petition_id",
            FieldCode::UnknownReference,
        ))
    };
    let p = match crate::petitions::get(app, c, id).await {
        Err(Error::NotFound) => return Err(bad()),
        other => other?,
    };
    let status = p.petition.status;
    let offered = p.petition.area_unit_id == Some(ward)
        && status != dondoc_domain::PetitionStatus::Merged
        && status != dondoc_domain::PetitionStatus::Rejected;
    if !offered {
        return Err(bad());
    }
    Ok(p)
}

/// The petitions of the ward like `text` that the caller may see: offered first, "add your
/// voice".
pub async fn similar(app: &App, c: &Caller, text: &str, ward: Id) -> Result<Vec<PetitionView>> {
    crate::petitions::similar(app, c, text, Some(ward)).await
}

/// A submission as its resident follows it, with the petition it became or joined, as the
/// public sees it.
pub struct Tracking {
    pub submission: SubmissionView,
    pub petition: Option<PetitionView>,
}

/// The submission with this code (as typed: case, spaces and dashes do not matter).
pub async fn track(app: &App, code: &str) -> Result<Tracking> {
    let code = resident::normalize_code(code).ok_or(Error::NotFound)?;
    let submission = app.store.submission_by_code(&code).await?;
    let public = Caller::anonymous(app.today());
    let petition = match submission.petition_id {
        Some(id) => match crate::petitions::get(app, &public, id).await {
            Ok(p) => Some(p),
            Err(Error::NotFound) => None,
            Err(e) => return Err(e),
        },
        None => None,
    };
    Ok(Tracking {
        submission,
        petition,
    })
}

/// The photo of the submission with this code: media type and bytes.
pub async fn photo(app: &App, code: &str) -> Result<(String, Vec<u8>)> {
    let code = resident::normalize_code(code).ok_or(Error::NotFound)?;
    let s = app.store.submission_by_code(&code).await?;
    Ok(app.store.submission_photo(s.id).await?)
}

/// The photo of a submission, for the staff who moderate it.
pub async fn photo_for_staff(app: &App, c: &Caller, id: Id) -> Result<(String, Vec<u8>)> {
    moderated(app, c, id).await?;
    Ok(app.store.submission_photo(id).await?)
}

/// Submissions waiting for the caller: of the wards in their scope (every ward for leaders
/// and administrators).
pub async fn queue(
    app: &App,
    c: &Caller,
    limit: Option<i64>,
    offset: Option<i64>,
) -> Result<Page<SubmissionView>> {
    c.require_staff()?;
    let wards = match c.actor.as_ref().map(|a| a.role) {
        Some(dondoc_domain::Role::Admin | dondoc_domain::Role::Leader) => None,
        _ => Some(
            c.actor
                .as_ref()
                .map(|a| a.scope.clone())
                .unwrap_or_default(),
        ),
    };
    Ok(app
        .store
        .submission_queue(wards.as_deref(), limit, offset)
        .await?)
}

/// A submission the caller may moderate; one of a ward outside their scope is not found.
async fn moderated(app: &App, c: &Caller, id: Id) -> Result<SubmissionView> {
    c.login_required()?;
    let s = app.store.submission(id).await?;
    if !c.can(Action::ModerateSubmission {
        ward: s.ward_unit_id,
    }) {
        return Err(if c.is_staff() {
            Error::Forbidden
        } else {
            Error::NotFound
        });
    }
    Ok(s)
}

/// One submission, for the staff who moderate it.
pub async fn get(app: &App, c: &Caller, id: Id) -> Result<SubmissionView> {
    moderated(app, c, id).await
}

/// Accepts a waiting submission (read at `version`): recorded as a petition of its ward,
/// public from then on, or as one more raising of the petition the resident joined.
pub async fn accept(app: &App, c: &Caller, id: Id, version: Option<i64>) -> Result<SubmissionView> {
    let s = moderated(app, c, id).await?;
    let version = crate::version(version)?;
    if s.status != SubmissionStatus::Pending {
        return Err(Error::Transition);
    }
    let raising = NewRaising {
        session_id: None,
        date: c.today,
        raised_by: Some(RAISED_BY.into()),
    };
    let decided = if s.joins_petition_id.is_some() {
        app.store
            .decide_submission(c.who(), id, version, Decision::Raise(&raising))
            .await
    } else {
        let new = PetitionInput {
            text: Some(s.text.clone()),
            category: Some(s.category.clone()),
            area_unit_id: Some(s.ward_unit_id),
            raised_by: Some(RAISED_BY.into()),
            channel: Some(dondoc_domain::Channel::Online.as_str().into()),
            ..Default::default()
        }
        .parse(c.today)?;
        app.store
            .decide_submission(c.who(), id, version, Decision::Petition(&new))
            .await
    };
    decided.map_err(undecidable)
}

/// Rejects a waiting submission with the reason its resident reads.
pub async fn reject(
    app: &App,
    c: &Caller,
    id: Id,
    version: Option<i64>,
    reason: Option<&str>,
) -> Result<SubmissionView> {
    let s = moderated(app, c, id).await?;
    let version = crate::version(version)?;
    let mut check = dondoc_domain::validate::Checker::new();
    let reason = check.text("reason", reason, 2000);
    check.finish(())?;
    if s.status != SubmissionStatus::Pending {
        return Err(Error::Transition);
    }
    app.store
        .decide_submission(c.who(), id, version, Decision::Reject(&reason))
        .await
        .map_err(undecidable)
}

/// A submission decided already is a move its state refuses.
fn undecidable(e: StoreError) -> Error {
    match e {
        StoreError::Invalid(i) if i.on("submission") == Some(FieldCode::Unchanged) => {
            Error::Transition
        }
        other => other.into(),
    }
}
