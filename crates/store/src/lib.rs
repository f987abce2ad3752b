//! dondoc's storage: the schema, its migrations and every query, for SQLite and PostgreSQL
//! through one code path (sqlx's Any driver and portable SQL).
//!
//! Architecture invariant: this is the only crate that contains SQL. It enforces what must hold
//! under concurrency (versions, uniqueness, one transaction per change, an audit event per
//! change); the domain decides what is allowed.

mod articles;
mod audit;
mod auth;
pub mod bulk;
mod directives;
mod extensions;
mod follow;
mod import;
mod petitions;
mod portal;
mod reference;
mod sessions;
mod sql;
mod stats;
mod submissions;
mod tabular;
mod targets;
mod units;
mod visible;
mod visits;
mod words;

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use dondoc_domain::{FieldCode, Invalid};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

pub use articles::ArticleFilter;
pub use auth::token_digest;
pub use auth::{EarlierAttempts, StoredHttpSession, UserWithHash};
pub use directives::{DirectiveChange, DirectiveFilter, DirectiveNote, DirectiveView, Step};
pub use follow::{Due, FollowEvent, JobState, MailOut, NewNotice, Notice, Recipient};
pub use import::{ImportPerson, ImportPetition, ImportPlan};
pub use petitions::{PetitionChange, PetitionMerged};
pub use petitions::{PetitionFilter, PetitionView};
pub use portal::Listed;
pub use sessions::{SessionFilter, SessionView};
pub use sql::{Page, COUNT_CAP, MAX_OFFSET};
pub use stats::{DirectiveCount, PetitionCount};
pub use submissions::{ApiClient, Decision, ResidentMail, SubmissionMeta, SubmissionView};
pub use tabular::{ImportJob, ImportWriter, OnFile, ReadCounts, RowFilter, StagedRow};
pub use targets::{MeasurementView, TargetFilter, TargetView};
pub use units::{UnitFilter, UnitNode};
pub use visits::VisitFigures;

/// Which database a store talks to; chosen at run time from the URL scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            anyhow::bail!("unsupported database URL (expected sqlite: or postgres:)")
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// The record changed since the caller read it (its version moved on).
    #[error("the record was changed by someone else")]
    Conflict,
    /// A unique constraint refused the write; the field it guards.
    #[error("duplicate value for {0}")]
    Duplicate(&'static str),
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("stored data is malformed: {0}")]
    Corrupt(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    /// Whether the database could not be reached (down, restarting, the pool starved), as
    /// opposed to a query it refused: the caller may try again later.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Database(
                sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_),
            ) => true,
            // SQLite's write lock held past the busy timeout (a long import's one
            // transaction, say): busy now, free later.
            StoreError::Database(sqlx::Error::Database(e)) => {
                matches!(e.code().as_deref(), Some("5" | "261" | "517" | "773"))
                    || e.message().contains("database is locked")
            }
            _ => false,
        }
    }

    pub(crate) fn unknown(field: &'static str) -> Self {
        StoreError::Invalid(Invalid::one(field, FieldCode::UnknownReference))
    }
}

/// Who makes a change, for the audit trail.
#[derive(Debug, Clone, Copy, Default)]
pub struct Who {
    pub user_id: Option<i64>,
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    /// A read replica (a PostgreSQL hot standby) for what the public reads: see
    /// [`Store::with_replica`].
    replica: Option<AnyPool>,
    backend: Backend,
    /// When set, list queries record their plans here (`Store::recording_plans`).
    plans: Option<std::sync::Arc<std::sync::Mutex<Vec<QueryPlan>>>>,
    /// The unit tree as last read (`Store::unit_tree`), shared by the clones of a store.
    unit_tree: units::TreeCache,
}

/// A list query and the plan the database chose for it (`explain query plan` on SQLite,
/// `explain` on PostgreSQL), one step a line.
#[derive(Debug, Clone)]
pub struct QueryPlan {
    pub sql: String,
    /// The values bound to its placeholders, as text.
    pub args: Vec<String>,
    pub plan: String,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// A transaction that may write. On SQLite it takes the write lock at once (`begin
    /// immediate`): a second writer then waits out the busy timeout for the first, where a
    /// deferred transaction that read before writing would fail at once with "database is
    /// locked" (SQLite cannot let it wait without risking a deadlock).
    pub(crate) async fn begin(&self) -> Result<sql::Tx<'static>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("begin immediate").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// A read-only transaction: one consistent snapshot for reads that take several queries.
    /// It never takes SQLite's write lock (`begin` is deferred and only reads follow), so
    /// readers do not queue behind writers in WAL mode.
    pub(crate) async fn read(&self) -> Result<sql::Tx<'static>> {
        Ok(self.pool.begin().await?)
    }

    /// Connects to `url` (`sqlite://…` or `postgres://…`). SQLite files are created when missing
    /// and opened in WAL mode with foreign keys on and a busy timeout.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
            }
            _ => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url).context("parsing the database URL")?;
        let max = match backend {
            Backend::Sqlite => 4,
            Backend::Postgres => 8,
        };
        // A PostgreSQL server that cannot be reached is said within two seconds (503), so
        // that a load balancer takes the node out; an embedded SQLite file is always there,
        // and a busy pool there is worth waiting for.
        let acquire = match backend {
            Backend::Sqlite => Duration::from_secs(10),
            Backend::Postgres => Duration::from_millis(1500),
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .acquire_timeout(acquire)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("pragma journal_mode = wal; pragma foreign_keys = on; pragma busy_timeout = 5000; pragma synchronous = normal;")
                            .await?;
                    } else {
                        // A random read costs about a sequential one on the SSDs dondoc runs on;
                        // PostgreSQL's default (4) makes a list of few rows walk a whole index
                        // in order rather than look its rows up (the plan test saw it flip
                        // between runs with the sampled statistics).
                        conn.execute("set random_page_cost = 1.1").await?;
                        // Every statement planned for its own values: after five runs of a
                        // prepared statement PostgreSQL may settle on one generic plan, which
                        // cannot tell a search's common words from its rare ones nor a small
                        // unit from a large one (a search for "chợ dân sinh" went from 0.4 ms
                        // to 140 ms, reading 94,000 matches through the trigram index to
                        // sort them for a page of 50). Planning costs well under a millisecond.
                        conn.execute("set plan_cache_mode = force_custom_plan").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .with_context(|| format!("connecting to the {} database", backend.name()))?;
        Ok(Store {
            pool,
            replica: None,
            backend,
            plans: None,
            unit_tree: Default::default(),
        })
    }

    /// The same store, reading what the public sees (every read made with
    /// [`Visibility::Public`]: visitors' pages and searches) from a read replica at `url`, a
    /// PostgreSQL hot standby of this database. Those reads may lag the primary by the
    /// replication delay; everything else, and every write, goes to the primary.
    pub async fn with_replica(mut self, url: &str) -> anyhow::Result<Store> {
        if self.backend != Backend::Postgres || Backend::from_url(url)? != Backend::Postgres {
            anyhow::bail!("a read replica is a PostgreSQL standby of a PostgreSQL primary");
        }
        let replica = Store::connect(url).await.context("the read replica")?;
        self.replica = Some(replica.pool);
        Ok(self)
    }

    /// The store a read made with `vis` goes to: the replica for the public, when there is
    /// one; the primary otherwise. The one place that rule is made.
    pub(crate) fn reading(&self, vis: &dondoc_domain::Visibility) -> std::borrow::Cow<'_, Store> {
        match (&self.replica, vis) {
            (Some(replica), dondoc_domain::Visibility::Public) => std::borrow::Cow::Owned(Store {
                pool: replica.clone(),
                replica: None,
                backend: self.backend,
                plans: self.plans.clone(),
                // The replica's own: a tree read there may lag the primary's.
                unit_tree: Default::default(),
            }),
            _ => std::borrow::Cow::Borrowed(self),
        }
    }

    /// Runs the migrations of this backend that have not run yet.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .run(&self.pool)
            .await
            .context("running database migrations")?;
        // A bulk load cut short left indexes set aside: built again.
        self.resume_indexes()
            .await
            .context("building the indexes again after a bulk load")?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The same store, recording the plan of every list query it runs (for tests that check
    /// that lists use their indexes), and the log the plans go to.
    pub fn recording_plans(&self) -> (Store, std::sync::Arc<std::sync::Mutex<Vec<QueryPlan>>>) {
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let store = Store {
            plans: Some(log.clone()),
            ..self.clone()
        };
        (store, log)
    }

    /// Lets SQLite refresh the planner's statistics where they are missing or stale (cheap:
    /// a sample of each index), as it advises at start; PostgreSQL's autovacuum does this
    /// by itself.
    pub async fn optimize(&self) -> Result<()> {
        if self.backend == Backend::Sqlite {
            self.execute_raw("pragma analysis_limit = 1000; pragma optimize = 0x10002;")
                .await?;
        }
        Ok(())
    }

    /// The pool's connections: how many are open, and how many of them are idle.
    pub fn pool_connections(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }

    /// Gathers the planner's statistics of every table now, after a big load.
    pub async fn analyze(&self) -> Result<()> {
        self.execute_raw("analyze").await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// SQLite only: a consistent copy of the live database in `path` (`vacuum into`),
    /// readable by its owner alone (0600), without what only a running server needs and an
    /// attacker would want: web sessions, API tokens and sign-in failures.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn backup_to(&self, path: &str) -> anyhow::Result<()> {
        anyhow::ensure!(
            self.backend == Backend::Sqlite,
            "online backup is for SQLite; use pg_dump for PostgreSQL"
        );
        let target = std::path::Path::new(path);
        anyhow::ensure!(
            !target.exists(),
            "{path} exists already; choose a new file name"
        );
        // Written in a private folder beside the target (0700), made private itself (0600)
        // and scrubbed there, then moved into place: at no moment can others read it.
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        let work = parent.join(format!(".dondoc-backup-{}", std::process::id()));
        let mut dir = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut dir, 0o700);
        dir.create(&work)
            .with_context(|| format!("creating {}", work.display()))?;
        let result = self.backup_in(&work, target).await;
        let _ = std::fs::remove_dir_all(&work);
        result
    }

    async fn backup_in(
        &self,
        work: &std::path::Path,
        target: &std::path::Path,
    ) -> anyhow::Result<()> {
        let copy_path = work.join("backup.db");
        let copy_str = copy_path.to_string_lossy().to_string();
        sqlx::query("vacuum into $1")
            .bind(&copy_str)
            .execute(&self.pool)
            .await
            .context("writing the backup")?;
        #[cfg(unix)]
        std::fs::set_permissions(
            &copy_path,
            std::os::unix::fs::PermissionsExt::from_mode(0o600),
        )?;
        let copy = Store::connect(&format!("sqlite://{copy_str}?mode=rw")).await?;
        // One batch on one connection, ending with everything folded back into the file
        // (the copy opens in WAL mode, and only the file is moved into place).
        copy.execute_raw(
            "delete from http_sessions; delete from api_tokens; delete from login_failures;
             pragma wal_checkpoint(truncate); vacuum; pragma wal_checkpoint(truncate);",
        )
        .await
        .context("leaving sessions and tokens out of the backup")?;
        copy.close().await;
        std::fs::rename(&copy_path, target)
            .with_context(|| format!("moving the backup to {}", target.display()))?;
        Ok(())
    }

    /// Runs one administrative statement outside the query modules (`create database …` in
    /// the test harness).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn execute_raw(&self, sql: &str) -> Result<()> {
        self.pool.execute(sql).await?;
        Ok(())
    }

    /// Whether the database answers (the readiness check of an app node).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn ping(&self) -> Result<()> {
        sqlx::query_scalar::<_, i64>("select 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(())
    }

    /// True once any unit exists (used to decide whether to load the demo).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn is_empty(&self) -> Result<bool> {
        let n: i64 = sqlx::query_scalar("select count(*) from units")
            .fetch_one(&self.pool)
            .await?;
        Ok(n == 0)
    }
}
