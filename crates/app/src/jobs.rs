//! The scheduler inside `dondoc serve`: every node runs it, and each job runs on one node at
//! a time — the node that claims the job's row once it is due (`Store::claim_job`, a
//! conditional update; the lease ends a run that died with its node). When a run finishes
//! its row says when it is next due, so a restart neither loses a run nor repeats one that
//! finished. What a job writes is kept exactly once by its own keys (notices are unique per
//! person and key, each mail is claimed before it is sent), so even a run repeated after a
//! lease ran out tells nobody twice.

use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp, ToSpan};

use crate::mail::Mailer;
use crate::{follow, App};

/// The jobs, in the order a pass runs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Assignments told to the units' people.
    Follow,
    /// Deadlines near, today and just passed.
    Remind,
    /// Each unit's overdue work, Mondays at 7:00.
    Digest,
    /// Mail of the notices.
    Mail,
    /// Expired web sessions and old sign-in attempts.
    Purge,
}

impl Job {
    pub const ALL: [Job; 5] = [Job::Follow, Job::Remind, Job::Digest, Job::Mail, Job::Purge];

    pub fn name(self) -> &'static str {
        match self {
            Job::Follow => "follow",
            Job::Remind => "remind",
            Job::Digest => "digest",
            Job::Mail => "mail",
            Job::Purge => "purge",
        }
    }

    /// When the job is next due after a run that ended at `now`, every pass being `every`
    /// apart.
    fn next_due(self, now: Timestamp, every: Duration) -> Timestamp {
        let every = SignedDuration::try_from(every).unwrap_or(SignedDuration::from_secs(15));
        match self {
            Job::Follow | Job::Mail | Job::Remind => now.saturating_add(every).unwrap_or(now),
            Job::Purge => now
                .saturating_add(SignedDuration::from_hours(1))
                .unwrap_or(now),
            Job::Digest => next_monday_morning(now),
        }
    }

    /// When a job never run is first due.
    fn first_due(self, now: Timestamp) -> Timestamp {
        match self {
            Job::Digest => next_monday_morning(now),
            _ => now,
        }
    }
}

/// The next Monday 7:00 in Vietnam strictly after `now`.
pub fn next_monday_morning(now: Timestamp) -> Timestamp {
    let here = now.to_zoned(crate::vietnam());
    let mut day = here.date();
    loop {
        if day.weekday() == jiff::civil::Weekday::Monday {
            if let Ok(at) = day.at(7, 0, 0, 0).to_zoned(crate::vietnam()) {
                if at.timestamp() > now {
                    return at.timestamp();
                }
            }
        }
        match day.checked_add(1.day()) {
            Ok(next) => day = next,
            Err(_) => return now,
        }
    }
}

/// How long a node keeps a job it claimed before another may take it over.
const LEASE: SignedDuration = SignedDuration::from_mins(10);
/// How long a node keeps a mail it is sending.
const MAIL_LEASE: SignedDuration = SignedDuration::from_mins(2);
/// A mail is tried this many times, further apart each time, then given up.
const MAIL_ATTEMPTS: i64 = 6;

/// What a pass did with a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Another node holds it, or it is not due.
    NotDue,
    Done(follow::Told),
    Failed(String),
}

/// The scheduler of one node.
#[derive(Clone)]
pub struct Scheduler {
    app: App,
    mailer: Option<Mailer>,
    owner: String,
    every: Duration,
}

impl Scheduler {
    /// `owner` names this node in the job rows (host and process id serve); `every` is the
    /// time between passes.
    pub fn new(app: App, mailer: Option<Mailer>, owner: String, every: Duration) -> Self {
        Scheduler {
            app,
            mailer,
            owner,
            every,
        }
    }

    /// Runs passes for ever, `every` apart. A pass that fails is logged and the next one
    /// tried.
    pub async fn run(self) {
        loop {
            self.pass().await;
            tokio::time::sleep(self.every).await;
        }
    }

    /// One pass: each job that is due and that this node claims is run.
    pub async fn pass(&self) -> Vec<(Job, Outcome)> {
        let mut out = Vec::with_capacity(Job::ALL.len());
        // Read first, so that a pass with nothing due writes nothing.
        let now = self.app.clock.now();
        let rows = self.app.store.jobs().await.unwrap_or_default();
        for job in Job::ALL {
            let waiting = rows
                .iter()
                .find(|r| r.name == job.name())
                .is_some_and(|r| r.due_at > now || r.lease_until.is_some_and(|l| l >= now));
            let outcome = if waiting {
                Outcome::NotDue
            } else {
                self.run_if_due(job).await
            };
            if let Outcome::Failed(e) = &outcome {
                tracing::warn!(job = job.name(), error = %e, "a job failed");
            }
            out.push((job, outcome));
        }
        if let Ok(n) = self.app.store.mail_waiting().await {
            metrics::gauge!("dondoc_mail_waiting").set(n as f64);
        }
        if let Ok(n) = self.app.store.follow_events_waiting().await {
            metrics::gauge!("dondoc_follow_events_waiting").set(n as f64);
        }
        out
    }

    async fn run_if_due(&self, job: Job) -> Outcome {
        let now = self.app.clock.now();
        let until = now.saturating_add(LEASE).unwrap_or(now);
        match self
            .app
            .store
            .claim_job(job.name(), &self.owner, now, until, job.first_due(now))
            .await
        {
            Ok(true) => {}
            Ok(false) => return Outcome::NotDue,
            Err(e) => return Outcome::Failed(e.to_string()),
        }
        let started = Instant::now();
        let result = match job {
            Job::Follow => follow::handle_events(&self.app).await,
            Job::Remind => follow::remind(&self.app).await,
            Job::Digest => follow::digest(&self.app).await,
            Job::Mail => self.send_mail().await,
            Job::Purge => self.purge().await,
        };
        let labels = [("job", job.name())];
        metrics::histogram!("dondoc_job_duration_seconds", &labels)
            .record(started.elapsed().as_secs_f64());
        let end = self.app.clock.now();
        let error = result.as_ref().err().map(ToString::to_string);
        let outcome_label = if error.is_some() { "error" } else { "ok" };
        metrics::counter!("dondoc_job_runs_total", "job" => job.name(), "outcome" => outcome_label)
            .increment(1);
        if let Ok(told) = &result {
            metrics::counter!("dondoc_notices_total", &labels).increment(told.notices);
        }
        // A failed run is due again at its next time, as a finished one.
        if let Err(e) = self
            .app
            .store
            .finish_job(
                job.name(),
                &self.owner,
                end,
                job.next_due(end, self.every),
                error.as_deref(),
            )
            .await
        {
            return Outcome::Failed(e.to_string());
        }
        match result {
            Ok(told) => Outcome::Done(told),
            Err(e) => Outcome::Failed(e.to_string()),
        }
    }

    /// Sends the mail waiting, each claimed first so that no other node sends it too. A
    /// failure is tried again later (after 1, 4, 9, … minutes), then given up and marked
    /// failed.
    async fn send_mail(&self) -> crate::Result<follow::Told> {
        let Some(mailer) = &self.mailer else {
            return Ok(follow::Told::default());
        };
        let mut told = follow::Told::default();
        let now = self.app.clock.now();
        for m in self.app.store.mail_to_send(now, 200).await? {
            let now = self.app.clock.now();
            let until = now.saturating_add(MAIL_LEASE).unwrap_or(now);
            if !self.app.store.claim_mail(m.notice.id, now, until).await? {
                continue;
            }
            told.seen += 1;
            let attempt = m.attempts + 1;
            match mailer.send(&m).await {
                Ok(()) => {
                    self.app
                        .store
                        .mail_done(m.notice.id, "sent", None, self.app.clock.now())
                        .await?;
                    metrics::counter!("dondoc_mail_total", "outcome" => "sent").increment(1);
                    told.notices += 1;
                }
                Err(e) if attempt >= MAIL_ATTEMPTS => {
                    tracing::warn!(notice = m.notice.id, error = %e, "mail given up");
                    self.app
                        .store
                        .mail_done(m.notice.id, "failed", Some(&e), self.app.clock.now())
                        .await?;
                    metrics::counter!("dondoc_mail_total", "outcome" => "failed").increment(1);
                }
                Err(e) => {
                    tracing::info!(notice = m.notice.id, error = %e, attempt, "mail to be tried again");
                    let wait = SignedDuration::from_mins(attempt * attempt);
                    let now = self.app.clock.now();
                    self.app
                        .store
                        .mail_retry(m.notice.id, &e, now.saturating_add(wait).unwrap_or(now))
                        .await?;
                    metrics::counter!("dondoc_mail_total", "outcome" => "retry").increment(1);
                }
            }
        }
        self.send_resident_mail(mailer, &mut told).await?;
        Ok(told)
    }

    /// Sends the news residents asked for (their petition accepted, rejected, moved), each
    /// claimed first as a notice's mail is, tried again and given up alike.
    async fn send_resident_mail(
        &self,
        mailer: &Mailer,
        told: &mut follow::Told,
    ) -> crate::Result<()> {
        let store = &self.app.store;
        for m in store
            .resident_mail_to_send(self.app.clock.now(), 200)
            .await?
        {
            let now = self.app.clock.now();
            let until = now.saturating_add(MAIL_LEASE).unwrap_or(now);
            if !store.claim_resident_mail(m.id, now, until).await? {
                continue;
            }
            told.seen += 1;
            let attempt = m.attempts + 1;
            match mailer.send_resident(&m).await {
                Ok(()) => {
                    store
                        .resident_mail_done(m.id, "sent", None, self.app.clock.now())
                        .await?;
                    metrics::counter!("dondoc_mail_total", "outcome" => "sent").increment(1);
                    told.notices += 1;
                }
                Err(e) if attempt >= MAIL_ATTEMPTS => {
                    tracing::warn!(resident_mail = m.id, error = %e, "mail given up");
                    store
                        .resident_mail_done(m.id, "failed", Some(&e), self.app.clock.now())
                        .await?;
                    metrics::counter!("dondoc_mail_total", "outcome" => "failed").increment(1);
                }
                Err(e) => {
                    let wait = SignedDuration::from_mins(attempt * attempt);
                    let now = self.app.clock.now();
                    store
                        .resident_mail_retry(m.id, &e, now.saturating_add(wait).unwrap_or(now))
                        .await?;
                    metrics::counter!("dondoc_mail_total", "outcome" => "retry").increment(1);
                }
            }
        }
        Ok(())
    }

    async fn purge(&self) -> crate::Result<follow::Told> {
        self.app.store.http_sessions_purge().await?;
        let before = Timestamp::now().as_millisecond() - crate::users::FAILURE_WINDOW_MS;
        self.app.store.login_attempts_purge(before).await?;
        // The rows of imports a day old that will not be written now.
        let day_ago = self.app.clock.now() - jiff::SignedDuration::from_hours(24);
        self.app.store.purge_import_rows(day_ago).await?;
        Ok(follow::Told::default())
    }
}
