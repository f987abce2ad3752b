//! dondoc's application layer: every use case, one function each, called alike by the pages,
//! the API, the command line, the demo loader and (later) jobs and importers.
//!
//! A use case takes the [`App`] (the store and the clock) and a [`Caller`] (who asks, their
//! unit scope and what they may see, and today's date), asks the domain whether the caller may
//! act, parses input through the domain's validators and state machines, and calls the store.
//! What a caller may *see* is decided once, by [`Caller::visibility`], and passed to every read
//! of the store.
//!
//! Architecture invariant: nothing here knows HTTP, HTML or JSON bodies; errors are
//! [`Error`], which the web layer maps to status codes and messages in the user's language.

pub mod articles;
pub mod directives;
mod error;
pub mod export;
pub mod follow;
pub mod history;
pub mod ical;
pub mod import;
pub mod inbox;
pub mod jobs;
pub mod mail;
pub mod open311;
pub mod petitions;
pub mod photos;
pub mod pick;
pub mod portal;
pub mod reference;
pub mod report;
pub mod residents;
pub mod sessions;
pub mod stats;
pub mod tabular;
pub mod targets;
pub mod users;
pub mod visits;
pub mod widgets;

use dondoc_domain::{Action, Actor, Id, User, Visibility};
use dondoc_store::{Store, Who};
use jiff::civil::Date;

pub use error::{Error, Result};

/// The store and the clock: what every use case runs against.
#[derive(Clone)]
pub struct App {
    store: Store,
    today: Option<Date>,
    clock: Clock,
    /// Whether mail can be sent (an SMTP server is configured): notices are marked for mail
    /// only then.
    mail: bool,
    /// The SMTP transport for mail sent at once (a password-reset link), if one is configured.
    mailer: Option<std::sync::Arc<mail::Mailer>>,
    /// Working days: weekends, public holidays and the year's announced swaps.
    calendar: std::sync::Arc<dondoc_domain::calendar::Calendar>,
    /// Working days a unit has to answer a petition assigned to it without a date, by its
    /// channel, category and coordination.
    answer_times: dondoc_domain::petition::AnswerTimes,
    token_days: i64,
    max_sign_in_delay_ms: i64,
    /// The dashboard's petition counts per visibility, for a few seconds.
    counts: Ttl<Vec<(dondoc_domain::PetitionStatus, i64)>>,
    /// The leaders' dashboard's grouped counts per visibility, likewise.
    facts: Ttl<std::sync::Arc<stats::Facts>>,
    /// How far the imports this process writes have come (see [`tabular::progress`]).
    imports: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<Id, tabular::Progress>>>,
    /// This node's visitor buffer and the figures it read last.
    visits: visits::Visits,
    /// The sidebar's widgets and the values they read last.
    widgets: widgets::Widgets,
}

/// Values kept in memory by key (a small cache shared by the clones of an `App`): served
/// as they are, and said to be stale after `ttl`, when one caller (the first to ask) may
/// refresh them. At most a few hundred keys; stale ones are dropped when it fills.
#[derive(Clone)]
pub(crate) struct Ttl<V> {
    ttl: std::time::Duration,
    map: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, Entry<V>>>>,
}

struct Entry<V> {
    at: std::time::Instant,
    value: V,
    refreshing: bool,
}

impl<V: Clone> Ttl<V> {
    fn new(ttl: std::time::Duration) -> Self {
        Ttl {
            ttl,
            map: Default::default(),
        }
    }

    /// The value, and whether it is still fresh.
    pub(crate) fn get(&self, key: &str) -> Option<(V, bool)> {
        let map = self.map.lock().ok()?;
        map.get(key)
            .map(|e| (e.value.clone(), e.at.elapsed() < self.ttl))
    }

    /// True for the one caller that should refresh a stale value (until `put` or
    /// `end_refresh`).
    pub(crate) fn start_refresh(&self, key: &str) -> bool {
        let Ok(mut map) = self.map.lock() else {
            return false;
        };
        match map.get_mut(key) {
            Some(e) if !e.refreshing => {
                e.refreshing = true;
                true
            }
            _ => false,
        }
    }

    pub(crate) fn end_refresh(&self, key: &str) {
        if let Ok(mut map) = self.map.lock() {
            if let Some(e) = map.get_mut(key) {
                e.refreshing = false;
            }
        }
    }

    pub(crate) fn put(&self, key: String, value: V) {
        if let Ok(mut map) = self.map.lock() {
            if map.len() > 500 {
                let ttl = self.ttl;
                map.retain(|_, e| e.at.elapsed() < ttl);
            }
            let entry = Entry {
                at: std::time::Instant::now(),
                value,
                refreshing: false,
            };
            map.insert(key, entry);
        }
    }
}

/// The value kept under `key`: computed now the first time; then served as kept, and
/// computed again in the background by the first caller who finds it stale, so that no page
/// waits for a recount once there is a count.
pub(crate) async fn kept<V, F, Fut>(cache: &Ttl<V>, key: String, compute: F) -> Result<V>
where
    V: Clone + Send + Sync + 'static,
    F: Fn() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<V>> + Send + 'static,
{
    if let Some((value, fresh)) = cache.get(&key) {
        if !fresh && cache.start_refresh(&key) {
            let (cache, again) = (cache.clone(), compute());
            tokio::spawn(async move {
                match again.await {
                    Ok(value) => cache.put(key, value),
                    Err(e) => {
                        tracing::warn!(error = %e, key, "counting again");
                        cache.end_refresh(&key);
                    }
                }
            });
        }
        return Ok(value);
    }
    let value = compute().await?;
    cache.put(key, value.clone());
    Ok(value)
}

impl App {
    /// `today` fixes the date (tests, demos); otherwise it is the current day in Vietnam.
    pub fn new(store: Store, today: Option<Date>) -> Self {
        App {
            store,
            today,
            clock: Clock::System,
            mail: false,
            mailer: None,
            calendar: std::sync::Arc::new(dondoc_domain::calendar::Calendar::vietnam()),
            answer_times: Default::default(),
            token_days: users::TOKEN_DAYS,
            max_sign_in_delay_ms: users::MAX_DELAY_MS,
            counts: Ttl::new(petitions::COUNTS_TTL),
            facts: Ttl::new(stats::FACTS_TTL),
            imports: Default::default(),
            visits: Default::default(),
            widgets: Default::default(),
        }
    }

    /// The widgets, reading from `sources` (see [`widgets::Widgets::run`]).
    pub fn with_widgets(mut self, sources: widgets::Sources) -> Self {
        self.widgets = widgets::Widgets::new(sources);
        self
    }

    pub fn widgets(&self) -> &widgets::Widgets {
        &self.widgets
    }

    /// This node's visitor statistics (see [`visits::Visits::run`]).
    pub fn visits(&self) -> &visits::Visits {
        &self.visits
    }

    /// The clock jobs and today's date are read from (a manual one in tests that replay
    /// weeks in a second).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Marks notices for mail (an SMTP server is configured for the jobs).
    pub fn with_mail(mut self, on: bool) -> Self {
        self.mail = on;
        self
    }

    /// The transport for mail sent at once, outside the jobs (password-reset links).
    pub fn with_mailer(mut self, mailer: Option<mail::Mailer>) -> Self {
        self.mailer = mailer.map(std::sync::Arc::new);
        self
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The working-day calendar (with the year's swaps from the configuration) and the working
    /// days a petition's answer takes by default.
    pub fn with_calendar(
        mut self,
        calendar: dondoc_domain::calendar::Calendar,
        answer_times: dondoc_domain::petition::AnswerTimes,
    ) -> Self {
        self.calendar = std::sync::Arc::new(calendar);
        self.answer_times = answer_times;
        self
    }

    pub fn calendar(&self) -> &dondoc_domain::calendar::Calendar {
        &self.calendar
    }

    /// When the answer to a petition of this channel and category, with coordinating units
    /// or not, assigned today is due by default, in working days.
    pub fn answer_due(
        &self,
        today: Date,
        channel: dondoc_domain::Channel,
        category: Option<&str>,
        coordinated: bool,
    ) -> Option<Date> {
        let days = self.answer_times.days_for(channel, category, coordinated);
        self.calendar.add_working_days(today, days)
    }

    /// How many days an API token authenticates after it is made.
    pub fn with_token_days(mut self, days: i64) -> Self {
        self.token_days = days.max(0);
        self
    }

    /// The longest a sign-in attempt is made to wait after failed ones.
    pub fn with_max_sign_in_delay_secs(mut self, secs: i64) -> Self {
        self.max_sign_in_delay_ms = secs.clamp(1, 24 * 3600) * 1000;
        self
    }

    /// The store, for the infrastructure around the use cases (web sessions, tokens, backup,
    /// migrations); use cases are the way to records.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Today in Vietnam (UTC+7, no daylight saving): deadlines are Vietnamese calendar days.
    pub fn today(&self) -> Date {
        self.today
            .unwrap_or_else(|| self.clock.now().to_zoned(vietnam()).date())
    }

    /// The caller for a signed-in user (their unit scope loaded from the tree) or, with
    /// `None`, for an anonymous visitor.
    pub async fn caller(&self, user: Option<User>) -> Result<Caller> {
        let actor = match &user {
            Some(u) => Some(Actor {
                user_id: u.id,
                role: u.role,
                scope: match u.unit_id {
                    Some(unit) => self.store.unit_scope(unit).await?,
                    None => vec![],
                },
            }),
            None => None,
        };
        Ok(Caller::new(user, actor, self.today()))
    }

    /// The caller for work done by the system itself (migrations of data, the demo loader):
    /// an administrator with no user row behind it.
    pub fn system(&self) -> Caller {
        Caller {
            user: None,
            actor: Some(Actor {
                user_id: 0,
                role: dondoc_domain::Role::Admin,
                scope: vec![],
            }),
            visibility: Visibility::All,
            today: self.today(),
        }
    }
}

/// Vietnam's time (UTC+7, no daylight saving): days, deadlines and the hours of jobs.
pub fn vietnam() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::fixed(jiff::tz::offset(7))
}

/// The time: the system's, or one a test sets and moves.
#[derive(Clone, Debug, Default)]
pub enum Clock {
    #[default]
    System,
    Manual(std::sync::Arc<std::sync::atomic::AtomicI64>),
}

impl Clock {
    /// A clock that stands at `at` until it is moved.
    pub fn manual(at: jiff::Timestamp) -> Clock {
        Clock::Manual(std::sync::Arc::new(at.as_millisecond().into()))
    }

    pub fn now(&self) -> jiff::Timestamp {
        match self {
            Clock::System => jiff::Timestamp::now(),
            Clock::Manual(ms) => {
                jiff::Timestamp::from_millisecond(ms.load(std::sync::atomic::Ordering::SeqCst))
                    .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
            }
        }
    }

    /// Moves a manual clock to `at` (a system clock cannot be moved).
    pub fn set(&self, at: jiff::Timestamp) {
        if let Clock::Manual(ms) = self {
            ms.store(at.as_millisecond(), std::sync::atomic::Ordering::SeqCst);
        }
    }
}

/// Who is asking, what the rules let them do and see, and the day they ask on.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: Option<User>,
    pub actor: Option<Actor>,
    visibility: Visibility,
    pub today: Date,
}

impl Caller {
    pub fn new(user: Option<User>, actor: Option<Actor>, today: Date) -> Caller {
        let visibility = Visibility::of(actor.as_ref());
        Caller {
            user,
            actor,
            visibility,
            today,
        }
    }

    /// An anonymous visitor.
    pub fn anonymous(today: Date) -> Caller {
        Caller::new(None, None, today)
    }

    /// What this caller may read.
    pub fn visibility(&self) -> &Visibility {
        &self.visibility
    }

    pub fn can(&self, action: Action) -> bool {
        dondoc_domain::permission::allowed(self.actor.as_ref(), action)
    }

    /// `Unauthorized` for an anonymous caller, `Forbidden` for one the rules refuse.
    pub fn require(&self, action: Action) -> Result<()> {
        match (&self.actor, self.can(action)) {
            (_, true) => Ok(()),
            (None, false) => Err(Error::Unauthorized),
            (Some(_), false) => Err(Error::Forbidden),
        }
    }

    /// Those who record (sessions, petitions, targets): every signed-in role but the officer.
    pub fn require_recorder(&self) -> Result<()> {
        match &self.actor {
            None => Err(Error::Unauthorized),
            Some(a) if a.records() => Ok(()),
            Some(_) => Err(Error::Forbidden),
        }
    }

    pub fn records(&self) -> bool {
        self.actor.as_ref().is_some_and(|a| a.records())
    }

    /// Whether the caller is staff, who see internal records (units, people, documents,
    /// history).
    pub fn is_staff(&self) -> bool {
        self.can(Action::ReadInternal)
    }

    /// Staff see internal records (units, people, documents, history).
    pub fn require_staff(&self) -> Result<()> {
        self.require(Action::ReadInternal)
    }

    pub fn login_required(&self) -> Result<()> {
        match self.actor {
            Some(_) => Ok(()),
            None => Err(Error::Unauthorized),
        }
    }

    /// The user id the audit trail records.
    pub fn who(&self) -> Who {
        Who {
            user_id: self.user.as_ref().map(|u| u.id),
        }
    }

    pub fn user_id(&self) -> Option<Id> {
        self.user.as_ref().map(|u| u.id)
    }
}

/// An update names the version it read; without one it cannot be checked for staleness.
pub(crate) fn version(v: Option<i64>) -> Result<i64> {
    v.ok_or_else(|| {
        Error::Invalid(dondoc_domain::Invalid::one(
            "version",
            dondoc_domain::FieldCode::Required,
        ))
    })
}

/// A list filtered by a session the caller may not see lists nothing: which records were
/// raised or given at a session is the session's to show.
pub(crate) async fn session_filter_hides<T>(
    app: &App,
    c: &Caller,
    session: Option<Id>,
    limit: Option<i64>,
) -> Result<Option<dondoc_store::Page<T>>> {
    let Some(id) = session else { return Ok(None) };
    match app.store.session(id, c.visibility()).await {
        Ok(_) => Ok(None),
        Err(dondoc_store::StoreError::NotFound) => Ok(Some(dondoc_store::Page {
            items: vec![],
            total: 0,
            total_capped: false,
            limit: limit.unwrap_or(50),
            offset: 0,
            after: None,
            before: None,
        })),
        Err(e) => Err(e.into()),
    }
}

/// A unit a request names must exist before the rules are asked about it: an unknown unit is
/// a mistake in the input, not a lack of permission.
pub(crate) async fn known_unit(app: &App, id: Option<Id>, field: &'static str) -> Result<()> {
    if let Some(id) = id {
        match app.store.unit(id).await {
            Ok(_) => {}
            Err(dondoc_store::StoreError::NotFound) => {
                return Err(Error::Invalid(dondoc_domain::Invalid::one(
                    field,
                    dondoc_domain::FieldCode::UnknownReference,
                )))
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// A session the caller may record into: one they may see, whose host unit's rule lets them.
pub(crate) async fn session_to_record_into(
    app: &App,
    c: &Caller,
    id: Id,
) -> Result<dondoc_store::SessionView> {
    let s = app.store.session(id, c.visibility()).await?;
    c.require(Action::RecordSession {
        host_unit: s.session.host_unit_id,
    })?;
    Ok(s)
}

/// What is recorded inside a session (a petition, a directive, a figure) must be allowed for
/// the session's host unit. Returns the session when one is named; a session the caller may
/// not see is an unknown reference in the input.
pub(crate) async fn recording_in(
    app: &App,
    c: &Caller,
    session_id: Option<Id>,
) -> Result<Option<dondoc_store::SessionView>> {
    let Some(id) = session_id else {
        return Ok(None);
    };
    match session_to_record_into(app, c, id).await {
        Err(Error::NotFound) => Err(Error::Invalid(dondoc_domain::Invalid::one(
            "session_id",
            dondoc_domain::FieldCode::UnknownReference,
        ))),
        other => other.map(Some),
    }
}
