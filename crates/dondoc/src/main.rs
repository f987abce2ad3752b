//! The `dondoc` command: serve the web app, run migrations, manage users, load the demo,
//! back up the database.

use std::io::Read;
use std::net::SocketAddr;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use dondoc_app::App;
use dondoc_domain::input::UserInput;
use dondoc_store::Store;
use dondoc_web::{AppState, WebConfig};

use dondoc::config::{self, redact_url, Settings};
use dondoc::demo;

mod import;

#[derive(Parser)]
#[command(
    name = "dondoc",
    version,
    about = "Follow up what working sessions decide: sessions, petitions, directives, targets."
)]
struct Cli {
    #[command(flatten)]
    settings: config::Flags,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web app and the API.
    Serve {
        /// Load the demo data first when the database is empty, and print the demo logins.
        #[arg(long)]
        demo: bool,
    },
    /// Run the database migrations and exit.
    Migrate,
    /// Load the demo data (the Hà Lầm session of 24/8/2020 and a few more) into an empty database.
    Demo,
    /// Append generated data at scale (units, people, sessions, petitions with their
    /// raisings, directives, targets) for benchmarks; the same seed gives the same data.
    Gen {
        /// How many petitions (the rest scales with them: per million, 5,000 units, 10,000
        /// sessions, 100,000 directives, about 2,000,000 raisings).
        #[arg(long, default_value_t = 100_000)]
        petitions: i64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write nothing to the database: write FILE (.xlsx or .csv), a list of that many
        /// petitions in the areas the database holds, as the list's export names its
        /// columns — what `dondoc import` reads (for benchmarks of the import).
        #[arg(long)]
        sheet: Option<String>,
    },
    /// Import petitions, directives or targets from a spreadsheet (.xlsx or .csv): every row
    /// checked as the form checks one, then written all or nothing.
    Import {
        /// The spreadsheet: .xlsx, or .csv in UTF-8 (commas or semicolons).
        file: String,
        /// What the file lists: petitions, directives or targets.
        #[arg(long)]
        kind: String,
        /// The unit of rows that name none (a petition's area, a directive's lead unit, a
        /// target's unit): its name or id.
        #[arg(long)]
        unit: Option<String>,
        /// Act as this user (their role and unit scope); otherwise as the system.
        #[arg(long)]
        user: Option<String>,
        /// Write the rows without errors, leave the others (otherwise one error writes nothing).
        #[arg(long)]
        valid_only: bool,
        /// Leave out the rows that look like duplicates (of a record on file or an earlier row).
        #[arg(long)]
        skip_duplicates: bool,
        /// Read and check only: print the problems, write nothing.
        #[arg(long)]
        check: bool,
        /// Print at most this many problems.
        #[arg(long, default_value_t = 50)]
        show: i64,
    },
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Write a consistent copy of the SQLite database to FILE while dondoc runs.
    Backup { file: String },
    /// Read a session report (FILE, or - for standard input) and print the draft it yields as JSON.
    Extract {
        /// The report: a UTF-8 text file, or - for standard input.
        file: String,
        /// Indent the JSON for people.
        #[arg(long)]
        pretty: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user; the password is read from standard input.
    Add {
        #[arg(long)]
        login: String,
        #[arg(long)]
        name: String,
        /// admin, leader, officer or clerk
        #[arg(long)]
        role: String,
        /// The user's home unit (id).
        #[arg(long)]
        unit_id: Option<i64>,
        /// Where reminders and password-reset links are mailed.
        #[arg(long)]
        email: Option<String>,
    },
    /// Set a user's password, read from standard input.
    Passwd {
        #[arg(long)]
        login: String,
    },
}

fn read_password() -> Result<String> {
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .context("reading the password from standard input")?;
    Ok(s.trim_end_matches(['\n', '\r']).to_string())
}

async fn open(settings: &Settings) -> Result<Store> {
    let url = settings.database_url()?;
    tracing::info!(database = %redact_url(&url), "opening the database");
    let store = Store::connect(&url).await?;
    store.migrate().await?;
    Ok(store)
}

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    if let Command::Extract { file, pretty } = &cli.command {
        return extract(file, *pretty);
    }
    let settings = Settings::load(cli.settings)?;
    config::init_tracing(settings.log_json);
    match cli.command {
        Command::Serve { demo } => serve(settings, demo).await,
        Command::Migrate => {
            open(&settings).await?;
            println!("migrations are up to date");
            Ok(())
        }
        Command::Gen {
            petitions,
            seed,
            sheet,
        } => {
            if petitions < 0 {
                bail!("--petitions must not be negative");
            }
            let store = open(&settings).await?;
            if let Some(path) = sheet {
                let started = std::time::Instant::now();
                dondoc::gen::sheet(&store, &path, petitions, seed).await?;
                eprintln!(
                    "wrote {petitions} petitions to {path} in {:.1} s",
                    started.elapsed().as_secs_f64()
                );
                return Ok(());
            }
            let started = std::time::Instant::now();
            dondoc::gen::generate(&store, &dondoc::gen::Sizes { petitions, seed }).await?;
            eprintln!(
                "generated {petitions} petitions and the rest in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Import {
            file,
            kind,
            unit,
            user,
            valid_only,
            skip_duplicates,
            check,
            show,
        } => {
            let Some(kind) = dondoc_app::tabular::Kind::parse(&kind) else {
                bail!("--kind is petitions, directives or targets");
            };
            let app = App::new(open(&settings).await?, None);
            let caller = match user {
                Some(login) => dondoc_app::users::acting_as(&app, &app.system(), &login)
                    .await
                    .map_err(|e| match e {
                        dondoc_app::Error::NotFound => anyhow::anyhow!("no active user {login}"),
                        e => cli_error(e),
                    })?,
                None => app.system(),
            };
            let started = std::time::Instant::now();
            let options = import::Options {
                file,
                kind,
                unit,
                mode: dondoc_app::tabular::Mode {
                    valid_only,
                    skip_duplicates,
                },
                check_only: check,
                show,
            };
            import::run(&app, &caller, &options).await?;
            eprintln!("in {:.1} s", started.elapsed().as_secs_f64());
            Ok(())
        }
        Command::Demo => {
            let store = open(&settings).await?;
            let logins = demo::load(&store).await?;
            demo::print_logins(&logins);
            Ok(())
        }
        Command::User(UserCommand::Add {
            login,
            name,
            role,
            unit_id,
            email,
        }) => {
            let app = App::new(open(&settings).await?, None);
            let raw = UserInput {
                login: Some(login),
                display_name: Some(name),
                role: Some(role),
                unit_id,
                email,
                password: Some(read_password()?),
            };
            let user = dondoc_app::users::create(&app, &app.system(), &raw)
                .await
                .map_err(cli_error)?;
            println!("added user {} ({})", user.login, user.role.as_str());
            Ok(())
        }
        Command::User(UserCommand::Passwd { login }) => {
            let app = App::new(open(&settings).await?, None);
            let password = read_password()?;
            dondoc_app::users::set_password(&app, &app.system(), &login, &password)
                .await
                .map_err(|e| match e {
                    dondoc_app::Error::NotFound => anyhow::anyhow!("no user {login}"),
                    e => cli_error(e),
                })?;
            println!("password changed for {login}");
            Ok(())
        }
        Command::Extract { .. } => unreachable!("handled before the settings load"),
        Command::Backup { file } => {
            let store = open(&settings).await?;
            match store.backend() {
                dondoc_store::Backend::Sqlite => {
                    store.backup_to(&file).await?;
                    println!("backup written to {file}");
                    Ok(())
                }
                dondoc_store::Backend::Postgres => bail!(
                    "dondoc is using PostgreSQL: back it up with pg_dump, e.g. `pg_dump --format=custom --file={file} \"$DONDOC_DATABASE_URL\"`"
                ),
            }
        }
    }
}

/// A refusal of a use case, worded for the command line (field codes in English).
fn cli_error(e: dondoc_app::Error) -> anyhow::Error {
    match e {
        dondoc_app::Error::Invalid(inv) => anyhow::anyhow!("{inv}"),
        dondoc_app::Error::Duplicate(field) => anyhow::anyhow!("that {field} is taken"),
        dondoc_app::Error::Unauthorized | dondoc_app::Error::Forbidden => {
            anyhow::anyhow!("not allowed: {e}")
        }
        e => anyhow::Error::new(e),
    }
}

/// Reads a report and prints its extraction. Needs no database and no settings.
fn extract(file: &str, pretty: bool) -> Result<()> {
    let mut bytes = Vec::new();
    if file == "-" {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("reading standard input")?;
    } else {
        bytes = std::fs::read(file).with_context(|| format!("reading {file}"))?;
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{file} is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    let extraction = dondoc_extract::extract(&text);
    drop(text);
    // Written as it is serialised: a large report's JSON is never held whole in memory.
    let out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    dondoc_extract::write_json(&extraction, pretty, out).context("writing the extraction")?;
    Ok(())
}

async fn serve(settings: Settings, demo: bool) -> Result<()> {
    let mut store = open(&settings).await?;
    if let Some(url) = &settings.database_read_url {
        tracing::info!(replica = %redact_url(url), "reading visitors' pages from a replica");
        store = store.with_replica(url).await?;
    }
    let logins = if demo && store.is_empty().await? {
        Some(demo::load(&store).await?)
    } else {
        None
    };
    // Statistics for the planner, so that lists pick their indexes.
    store.optimize().await?;
    let mailer = match &settings.smtp_url {
        Some(url) => {
            let public = settings
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://{}", settings.addr));
            Some(dondoc_app::mail::Mailer::new(
                url,
                &settings.mail_from,
                &public,
            )?)
        }
        None => None,
    };
    let state = AppState::new(
        store.clone(),
        WebConfig {
            secure_cookies: settings.secure_cookies,
            trusted_proxies: settings.trusted_proxies(),
            token_days: Some(settings.token_days),
            max_sign_in_delay_secs: Some(settings.max_sign_in_delay),
            page_cache: Some(std::time::Duration::from_secs(settings.page_cache)),
            today: None,
            public_url: settings.public_url.clone(),
            clock: Default::default(),
        },
    );
    let mut state = state;
    state.app = state
        .app
        .clone()
        .with_calendar(settings.calendar.clone(), settings.answer_times.clone())
        .with_mailer(mailer.clone())
        .with_widgets(settings.widgets.clone());
    let jobs_app = state.app.clone().with_mail(mailer.is_some());
    let warm = state.app.clone();
    tokio::spawn(async move {
        if let Err(e) = dondoc_app::petitions::warm_counts(&warm).await {
            tracing::warn!(error = %e, "counting petitions at start");
        }
        if let Err(e) = dondoc_app::stats::warm(&warm).await {
            tracing::warn!(error = %e, "counting for the dashboard at start");
        }
    });
    // The sidebar: widgets read in the background (none without a source), and this node's
    // visitor counts written every few seconds.
    tokio::spawn(state.app.widgets().clone().run(state.app.clock().clone()));
    tokio::spawn(
        state
            .app
            .visits()
            .clone()
            .run(state.app.clone(), dondoc_app::visits::FLUSH_EVERY),
    );
    let app = dondoc_web::router(state);
    let listener = tokio::net::TcpListener::bind(&settings.addr)
        .await
        .with_context(|| format!("binding {}", settings.addr))?;
    let addr = listener.local_addr()?;
    let host = if addr.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        addr.ip().to_string()
    };
    println!("dondoc is serving on http://{host}:{}/", addr.port());
    if demo {
        demo::print_logins(&logins.unwrap_or_else(demo::logins));
    }
    // The scheduler: reminders, mail, digests, and purging expired web sessions and old
    // sign-in attempts. Every node runs it; each job runs on one node at a time.
    if settings.jobs_every > 0 {
        let owner = format!(
            "{}:{}:{}",
            std::env::var("HOSTNAME").unwrap_or_else(|_| "node".into()),
            std::process::id(),
            addr.port()
        );
        tokio::spawn(
            dondoc_app::jobs::Scheduler::new(
                jobs_app,
                mailer,
                owner,
                std::time::Duration::from_secs(settings.jobs_every),
            )
            .run(),
        );
    }
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
