//! Test support: a fresh database per test on SQLite or on a throwaway PostgreSQL cluster.
//!
//! The cluster is started once per test process from the system binaries (on PATH, through
//! `pg_config --bindir`, or under /usr/lib/postgresql), as the `postgres` user when the tests
//! run as root, and stops when the process ends. Each test gets its own database, cloned from a
//! migrated template. With `CI=true` a missing PostgreSQL is an error, never a skip.

pub mod smtp;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use dondoc_store::{Backend, Store};

/// A database for one test. Keep it alive for as long as the test uses the database.
pub struct TestDb {
    pub url: String,
    pub backend: Backend,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// A new, migrated database on `backend`; `None` when PostgreSQL is unavailable and the
    /// run is not CI (the caller prints that it skipped).
    pub async fn new(backend: Backend) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                let store = Store::connect(&url).await.expect("connect sqlite");
                store.migrate().await.expect("migrate sqlite");
                store.close().await;
                Some(TestDb {
                    url,
                    backend,
                    _dir: Some(dir),
                })
            }
            Backend::Postgres => {
                let cluster = match cluster() {
                    Ok(c) => c,
                    Err(e) => {
                        if std::env::var("CI").as_deref() == Ok("true") {
                            panic!("PostgreSQL is required when CI=true: {e:#}");
                        }
                        eprintln!("skipping a PostgreSQL test: {e:#}");
                        note_skipped();
                        return None;
                    }
                };
                let url = cluster.new_database().await.expect("create test database");
                Some(TestDb {
                    url,
                    backend,
                    _dir: None,
                })
            }
        }
    }

    pub async fn store(&self) -> Store {
        Store::connect(&self.url)
            .await
            .expect("connect test database")
    }
}

/// Leaves a mark for `scripts/test`, which counts the skipped PostgreSQL tests at the end of
/// the run (cargo shows a skipped test as passed, its message captured).
fn note_skipped() {
    static N: AtomicU32 = AtomicU32::new(0);
    if let Some(dir) = std::env::var_os("DONDOC_SKIPPED_DIR") {
        let name = format!(
            "{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let _ = std::fs::write(Path::new(&dir).join(name), "");
    }
}

/// Runs `$body` (an async block using `$store`) once on SQLite and once on PostgreSQL, as two
/// tests named `<name>::sqlite` and `<name>::postgres`.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, |$db:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $db = $crate::TestDb::new(dondoc_store::Backend::Sqlite)
                    .await
                    .expect("sqlite");
                $body.await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some($db) = $crate::TestDb::new(dondoc_store::Backend::Postgres).await else {
                    return;
                };
                $body.await
            }
        }
    };
}

struct Cluster {
    port: u16,
    next: AtomicU32,
    lock: tokio::sync::Mutex<()>,
}

static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();

fn cluster() -> Result<&'static Cluster> {
    CLUSTER
        .get_or_init(|| start_cluster().map_err(|e| format!("{e:#}")))
        .as_ref()
        .map_err(|e| anyhow::anyhow!("{e}"))
}

/// Where the PostgreSQL server binaries are.
pub fn pg_bindir() -> Option<PathBuf> {
    let has = |d: &Path| d.join("initdb").exists() && d.join("pg_ctl").exists();
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if has(&dir) {
            return Some(dir);
        }
    }
    if let Some(path) = std::env::var_os("PATH") {
        if let Some(d) = std::env::split_paths(&path).find(|d| has(d)) {
            return Some(d);
        }
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("bin"))
        .filter(|d| has(d))
        .collect();
    versions.sort();
    versions.pop()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A command run as the `postgres` user when we are root (PostgreSQL refuses to run as root).
fn pg_command(bin: &Path, args: &[&str]) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(bin).args(args);
        c
    } else {
        let mut c = Command::new(bin);
        c.args(args);
        c
    }
}

fn free_port() -> Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

/// A PostgreSQL server of our own: its files, how to start and stop it, its port.
struct Booted {
    pg_ctl: PathBuf,
    data: String,
    opts: String,
    log: String,
    port: u16,
}

impl Booted {
    fn pg_ctl(&self, args: &[&str]) -> Result<()> {
        let mut all = vec!["-D", &self.data];
        all.extend_from_slice(args);
        let status = pg_command(&self.pg_ctl, &all)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()?;
        if !status.success() {
            bail!("pg_ctl {args:?} failed; see {}", self.log);
        }
        Ok(())
    }

    fn start(&self) -> Result<()> {
        self.pg_ctl(&["-o", &self.opts, "-l", &self.log, "-w", "-t", "60", "start"])
    }
}

/// A new temporary folder for a server's files (`data`, `sock`, `log`), owned by the
/// `postgres` user when we are root.
fn new_base() -> Result<PathBuf> {
    let base =
        std::env::temp_dir().join(format!("dondoc-pg-{}-{}", std::process::id(), free_port()?));
    std::fs::create_dir_all(base.join("sock"))?;
    if is_root() {
        let ok = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(&base)
            .status()?
            .success();
        if !ok {
            bail!("chown of {} to postgres failed", base.display());
        }
    }
    Ok(base)
}

/// Starts the server whose files `base/data` holds, on a free port; it is stopped and its
/// folder removed when this test process ends.
fn start_in(bindir: &Path, base: &Path) -> Result<Booted> {
    let data_s = base.join("data").to_string_lossy().to_string();
    let port = free_port()?;
    let booted = Booted {
        pg_ctl: bindir.join("pg_ctl"),
        opts: format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
            base.join("sock").display()
        ),
        log: base.join("log").to_string_lossy().to_string(),
        data: data_s.clone(),
        port,
    };
    booted.start()?;
    let stop = if is_root() {
        format!(
            "runuser -u postgres -- {} -D {data_s} -m immediate stop",
            booted.pg_ctl.display()
        )
    } else {
        format!("{} -D {data_s} -m immediate stop", booted.pg_ctl.display())
    };
    let watchdog = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; {stop} >/dev/null 2>&1; rm -rf {base}",
        pid = std::process::id(),
        base = base.display()
    );
    Command::new("sh")
        .args(["-c", &watchdog])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    Ok(booted)
}

/// Creates a cluster in a new temporary folder and starts it; it is stopped and removed when
/// this test process ends.
fn boot() -> Result<Booted> {
    let bindir = pg_bindir()
        .context("PostgreSQL server binaries not found (install the postgresql package)")?;
    let base = new_base()?;
    let data_s = base.join("data").to_string_lossy().to_string();
    let out = pg_command(
        &bindir.join("initdb"),
        &[
            "-D",
            &data_s,
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        ],
    )
    .stdout(Stdio::null())
    .output()?;
    if !out.status.success() {
        bail!("initdb failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    start_in(&bindir, &base)
}

/// A hot standby of the server on `port`: a base backup streamed from it (`pg_basebackup
/// -R`, which writes the settings that make it follow), started on a port of its own.
fn boot_standby(port: u16) -> Result<Booted> {
    let bindir = pg_bindir().context("PostgreSQL server binaries not found")?;
    let base = new_base()?;
    let data_s = base.join("data").to_string_lossy().to_string();
    let port_s = port.to_string();
    let out = pg_command(
        &bindir.join("pg_basebackup"),
        &[
            "-D",
            &data_s,
            "-h",
            "127.0.0.1",
            "-p",
            &port_s,
            "-U",
            "postgres",
            "-R",
            "-X",
            "stream",
            "--no-sync",
            "--checkpoint=fast",
        ],
    )
    .stdout(Stdio::null())
    .output()?;
    if !out.status.success() {
        bail!(
            "pg_basebackup failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    start_in(&bindir, &base)
}

fn start_cluster() -> Result<Cluster> {
    let port = boot()?.port;

    // Build the migrated template on a runtime of its own (we may be inside a test's runtime).
    let url = format!("postgres://postgres@127.0.0.1:{port}/postgres");
    let template_url = format!("postgres://postgres@127.0.0.1:{port}/dondoc_template");
    let handle = std::thread::spawn(move || -> Result<()> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        rt.block_on(async move {
            let admin = connect_retry(&url).await?;
            admin.execute_raw("create database dondoc_template").await?;
            admin.close().await;
            let template = Store::connect(&template_url).await?;
            template.migrate().await?;
            template.close().await;
            Ok(())
        })
    });
    handle
        .join()
        .map_err(|_| anyhow::anyhow!("template thread panicked"))??;
    Ok(Cluster {
        port,
        next: AtomicU32::new(0),
        lock: tokio::sync::Mutex::new(()),
    })
}

async fn connect_retry(url: &str) -> Result<Store> {
    let start = Instant::now();
    loop {
        match Store::connect(url).await {
            Ok(s) => return Ok(s),
            Err(e) if start.elapsed() > Duration::from_secs(30) => return Err(e),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

/// A PostgreSQL cluster for one test alone, which it may stop and start again (the shared
/// cluster of [`TestDb`] must stay up for the others). With `CI=true` a missing PostgreSQL
/// is an error; otherwise `None`, and the caller skips.
pub struct OwnCluster {
    booted: Booted,
}

impl OwnCluster {
    pub async fn start() -> Option<OwnCluster> {
        match tokio::task::spawn_blocking(boot)
            .await
            .expect("boot thread")
        {
            Ok(booted) => Some(OwnCluster { booted }),
            Err(e) if std::env::var("CI").as_deref() == Ok("true") => {
                panic!("PostgreSQL is required when CI=true: {e:#}")
            }
            Err(e) => {
                eprintln!("skipping a PostgreSQL test: {e:#}");
                note_skipped();
                None
            }
        }
    }

    /// A new, migrated database on this cluster.
    pub async fn database(&self, name: &str) -> String {
        let admin_url = format!(
            "postgres://postgres@127.0.0.1:{}/postgres",
            self.booted.port
        );
        let admin = connect_retry(&admin_url).await.expect("connect");
        admin
            .execute_raw(&format!("create database {name}"))
            .await
            .expect("create database");
        admin.close().await;
        let url = format!("postgres://postgres@127.0.0.1:{}/{name}", self.booted.port);
        let store = Store::connect(&url).await.expect("connect");
        store.migrate().await.expect("migrate");
        store.close().await;
        url
    }

    /// Stops the server (fast shutdown: connections are closed).
    pub fn stop(&self) {
        self.booted
            .pg_ctl(&["-m", "fast", "-w", "stop"])
            .expect("pg_ctl stop");
    }

    /// Starts it again on the same port and files.
    pub fn start_again(&self) {
        self.booted.start().expect("pg_ctl start");
    }

    /// A hot standby that streams this server's changes (a read replica), with every
    /// database this one has.
    pub async fn standby(&self) -> OwnCluster {
        let port = self.booted.port;
        let booted = tokio::task::spawn_blocking(move || boot_standby(port))
            .await
            .expect("standby thread")
            .expect("a standby starts");
        OwnCluster { booted }
    }

    /// The URL of database `name` on this server (which must have it).
    pub fn url(&self, name: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.booted.port)
    }
}

impl Cluster {
    async fn new_database(&self) -> Result<String> {
        let n = self.next.fetch_add(1, Ordering::SeqCst);
        let name = format!("t{n}");
        let admin_url = format!("postgres://postgres@127.0.0.1:{}/postgres", self.port);
        {
            // CREATE DATABASE … TEMPLATE refuses to run while another copies the same template.
            let _guard = self.lock.lock().await;
            let admin = Store::connect(&admin_url).await?;
            admin
                .execute_raw(&format!("create database {name} template dondoc_template"))
                .await?;
            admin.close().await;
        }
        Ok(format!(
            "postgres://postgres@127.0.0.1:{}/{name}",
            self.port
        ))
    }
}
