//! Settings from flags, the environment (DONDOC_*) and an optional TOML file, in that order of
//! precedence. Secrets (the database password) never reach the logs.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use serde::Deserialize;

#[derive(Args, Default)]
pub struct Flags {
    /// A TOML file with any of the settings below (snake_case keys).
    #[arg(long, global = true, env = "DONDOC_CONFIG")]
    config: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, global = true, env = "DONDOC_ADDR")]
    addr: Option<String>,
    /// Where the SQLite database lives when no database URL is given.
    #[arg(long, global = true, env = "DONDOC_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// postgres://user:password@host/db for PostgreSQL (several app nodes), or sqlite://FILE.
    #[arg(
        long,
        global = true,
        env = "DONDOC_DATABASE_URL",
        hide_env_values = true
    )]
    database_url: Option<String>,
    /// postgres://… of a hot standby of the PostgreSQL database: visitors' pages and
    /// searches are read from it (`dondoc serve`).
    #[arg(
        long,
        global = true,
        env = "DONDOC_DATABASE_READ_URL",
        hide_env_values = true
    )]
    database_read_url: Option<String>,
    /// Mark cookies Secure: set when users reach dondoc over HTTPS.
    #[arg(long, global = true, env = "DONDOC_SECURE_COOKIES")]
    secure_cookies: Option<bool>,
    /// Trust X-Forwarded-For for the client address (only behind your own proxy).
    #[arg(long, global = true, env = "DONDOC_TRUST_PROXY")]
    trust_proxy: Option<bool>,
    /// With --trust-proxy: how many proxies stand in a chain in front of dondoc (default 1).
    #[arg(long, global = true, env = "DONDOC_PROXIES")]
    proxies: Option<usize>,
    /// Days an API token authenticates after it is made (default 90).
    #[arg(long, global = true, env = "DONDOC_TOKEN_DAYS")]
    token_days: Option<i64>,
    /// The longest wait, in seconds, that failed sign-ins impose on the next attempt from the
    /// same address (default 900).
    #[arg(long, global = true, env = "DONDOC_MAX_SIGN_IN_DELAY")]
    max_sign_in_delay: Option<i64>,
    /// Seconds a visitor's page is answered from memory (default 5; 0 keeps none). Writes
    /// through this node forget them at once; other nodes' writes show within this time.
    #[arg(long, global = true, env = "DONDOC_PAGE_CACHE")]
    page_cache: Option<u64>,
    /// Log as JSON lines.
    #[arg(long, global = true, env = "DONDOC_LOG_JSON")]
    log_json: Option<bool>,
    /// smtp://host:25, smtp://host:587?tls=required or smtps://user:password@host:465: where
    /// notices are mailed (none: notices stay in the app).
    #[arg(long, global = true, env = "DONDOC_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// The sender of dondoc's mail: "Dondoc <dondoc@example.gov.vn>".
    #[arg(long, global = true, env = "DONDOC_MAIL_FROM")]
    mail_from: Option<String>,
    /// dondoc's address as its users reach it, for links in mail: https://dondoc.example.gov.vn.
    #[arg(long, global = true, env = "DONDOC_PUBLIC_URL")]
    public_url: Option<String>,
    /// Seconds between two passes of the scheduler (reminders, mail, digests; default 15;
    /// 0 runs no jobs on this node).
    #[arg(long, global = true, env = "DONDOC_JOBS_EVERY")]
    jobs_every: Option<u64>,
    /// Working days a unit has to answer a petition assigned without a date (default 40).
    #[arg(long, global = true, env = "DONDOC_PETITION_ANSWER_DAYS")]
    petition_answer_days: Option<i32>,
    /// Working days when other units coordinate on the answer (default 50); coordination
    /// adds the difference to a channel's or a category's own time too.
    #[arg(long, global = true, env = "DONDOC_PETITION_ANSWER_DAYS_COORDINATED")]
    petition_answer_days_coordinated: Option<i32>,
    /// Where the sidebar reads the weather (none: no weather widget), e.g.
    /// https://api.open-meteo.com/v1/forecast?latitude=20.95&longitude=107.08&current=temperature_2m,weather_code,wind_speed_10m
    #[arg(long, global = true, env = "DONDOC_WEATHER_URL")]
    weather_url: Option<String>,
    /// How the weather source writes its answer: open-meteo (default).
    #[arg(long, global = true, env = "DONDOC_WEATHER_FORMAT")]
    weather_format: Option<String>,
    /// Where the sidebar reads exchange rates (none: no rates widget), e.g.
    /// https://portal.vietcombank.com.vn/Usercontrols/TVPortal.TyGia/pXML.aspx
    #[arg(long, global = true, env = "DONDOC_RATES_URL")]
    rates_url: Option<String>,
    /// How the rates source writes its answer: vietcombank-xml (default).
    #[arg(long, global = true, env = "DONDOC_RATES_FORMAT")]
    rates_format: Option<String>,
    /// Seconds between two reads of each widget's source (default 900).
    #[arg(long, global = true, env = "DONDOC_WIDGETS_EVERY")]
    widgets_every: Option<u64>,
    /// Seconds a read of a widget's source may take before it is given up (default 10).
    #[arg(long, global = true, env = "DONDOC_WIDGETS_TIMEOUT")]
    widgets_timeout: Option<u64>,
}

/// The file's shape: the same names as the flags.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct File {
    addr: Option<String>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    database_read_url: Option<String>,
    secure_cookies: Option<bool>,
    trust_proxy: Option<bool>,
    proxies: Option<usize>,
    token_days: Option<i64>,
    max_sign_in_delay: Option<i64>,
    page_cache: Option<u64>,
    log_json: Option<bool>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    public_url: Option<String>,
    jobs_every: Option<u64>,
    petition_answer_days: Option<i32>,
    petition_answer_days_coordinated: Option<i32>,
    weather_url: Option<String>,
    weather_format: Option<String>,
    rates_url: Option<String>,
    rates_format: Option<String>,
    widgets_every: Option<u64>,
    widgets_timeout: Option<u64>,
    /// Working days by channel (`meeting`, `reception`, `letter`, `online`).
    #[serde(default)]
    petition_answer_days_by_channel: std::collections::BTreeMap<String, i32>,
    /// Working days by category, as petitions name it ("Đất đai"; case and diacritics
    /// aside); a category's time wins over a channel's.
    #[serde(default)]
    petition_answer_days_by_category: std::collections::BTreeMap<String, i32>,
    /// The year's announced swaps: extra days off, and weekend days worked instead.
    #[serde(default)]
    days_off: Vec<jiff::civil::Date>,
    #[serde(default)]
    working_days: Vec<jiff::civil::Date>,
}

pub struct Settings {
    pub addr: String,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub database_read_url: Option<String>,
    pub secure_cookies: bool,
    pub trust_proxy: bool,
    pub proxies: usize,
    pub token_days: i64,
    pub max_sign_in_delay: i64,
    pub page_cache: u64,
    pub log_json: bool,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub public_url: Option<String>,
    pub jobs_every: u64,
    /// Working days a petition's answer takes by default, by channel, category and
    /// coordination.
    pub answer_times: dondoc_domain::petition::AnswerTimes,
    /// Vietnam's working days with the configured swaps.
    pub calendar: dondoc_domain::calendar::Calendar,
    /// The sidebar widgets' sources.
    pub widgets: dondoc_app::widgets::Sources,
}

impl Settings {
    pub fn load(flags: Flags) -> Result<Settings> {
        let file: File = match &flags.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading {}", path.display()))?;
                toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?
            }
            None => File::default(),
        };
        let mut answer_times = dondoc_domain::petition::AnswerTimes::new(
            flags
                .petition_answer_days
                .or(file.petition_answer_days)
                .unwrap_or(dondoc_app::petitions::ANSWER_DAYS),
            flags
                .petition_answer_days_coordinated
                .or(file.petition_answer_days_coordinated)
                .unwrap_or(dondoc_domain::petition::AnswerTimes::COORDINATED_DAYS),
        );
        for (name, days) in &file.petition_answer_days_by_channel {
            let channel = dondoc_domain::Channel::parse(name).with_context(|| {
                format!(
                    "petition_answer_days_by_channel: no channel {name:?} (meeting, reception, letter, online)"
                )
            })?;
            answer_times = answer_times.with_channel(channel, *days);
        }
        for (category, days) in &file.petition_answer_days_by_category {
            answer_times = answer_times.with_category(category, *days);
        }
        let widgets = widget_sources(&flags, &file)?;
        Ok(Settings {
            addr: flags
                .addr
                .or(file.addr)
                .unwrap_or_else(|| "127.0.0.1:8080".into()),
            data_dir: flags
                .data_dir
                .or(file.data_dir)
                .unwrap_or_else(|| PathBuf::from("data")),
            database_url: flags.database_url.or(file.database_url),
            database_read_url: flags.database_read_url.or(file.database_read_url),
            secure_cookies: flags
                .secure_cookies
                .or(file.secure_cookies)
                .unwrap_or(false),
            trust_proxy: flags.trust_proxy.or(file.trust_proxy).unwrap_or(false),
            proxies: flags.proxies.or(file.proxies).unwrap_or(1),
            token_days: flags
                .token_days
                .or(file.token_days)
                .unwrap_or(dondoc_app::users::TOKEN_DAYS),
            max_sign_in_delay: flags
                .max_sign_in_delay
                .or(file.max_sign_in_delay)
                .unwrap_or(dondoc_app::users::MAX_DELAY_MS / 1000),
            page_cache: flags.page_cache.or(file.page_cache).unwrap_or(5),
            log_json: flags.log_json.or(file.log_json).unwrap_or(false),
            smtp_url: flags.smtp_url.or(file.smtp_url),
            mail_from: flags
                .mail_from
                .or(file.mail_from)
                .unwrap_or_else(|| "dondoc <dondoc@localhost>".into()),
            public_url: flags.public_url.or(file.public_url),
            jobs_every: flags.jobs_every.or(file.jobs_every).unwrap_or(15),
            answer_times,
            calendar: dondoc_domain::calendar::Calendar::vietnam()
                .with_days_off(file.days_off)
                .with_working_days(file.working_days),
            widgets,
        })
    }

    /// How many proxies' `X-Forwarded-For` entries to trust: none unless `--trust-proxy`.
    pub fn trusted_proxies(&self) -> usize {
        if self.trust_proxy {
            self.proxies.max(1)
        } else {
            0
        }
    }

    /// The database URL: the one given, or a SQLite file in the data directory.
    pub fn database_url(&self) -> Result<String> {
        if let Some(url) = &self.database_url {
            return Ok(url.clone());
        }
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("creating {}", self.data_dir.display()))?;
        Ok(format!(
            "sqlite://{}",
            self.data_dir.join("dondoc.db").display()
        ))
    }
}

/// The widgets' sources: a URL (http or https) and a format each, or none.
fn widget_sources(flags: &Flags, file: &File) -> Result<dondoc_app::widgets::Sources> {
    use dondoc_app::widgets::{RatesFormat, Sources, WeatherFormat};
    let url = |name: &str, value: Option<&String>| -> Result<Option<String>> {
        match value.map(|v| v.trim()).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) if v.starts_with("http://") || v.starts_with("https://") => {
                Ok(Some(v.to_string()))
            }
            Some(v) => anyhow::bail!("{name}: {v:?} is not an http:// or https:// address"),
        }
    };
    let weather_url = url(
        "weather_url",
        flags.weather_url.as_ref().or(file.weather_url.as_ref()),
    )?;
    let rates_url = url(
        "rates_url",
        flags.rates_url.as_ref().or(file.rates_url.as_ref()),
    )?;
    let weather_format = match flags
        .weather_format
        .as_ref()
        .or(file.weather_format.as_ref())
    {
        None => WeatherFormat::OpenMeteo,
        Some(f) => WeatherFormat::parse(f).with_context(|| {
            format!(
                "weather_format: no format {f:?} ({})",
                WeatherFormat::NAMES.join(", ")
            )
        })?,
    };
    let rates_format = match flags.rates_format.as_ref().or(file.rates_format.as_ref()) {
        None => RatesFormat::VietcombankXml,
        Some(f) => RatesFormat::parse(f).with_context(|| {
            format!(
                "rates_format: no format {f:?} ({})",
                RatesFormat::NAMES.join(", ")
            )
        })?,
    };
    let defaults = Sources::default();
    let secs = |v: Option<u64>, default: std::time::Duration| {
        v.map_or(default, |s| std::time::Duration::from_secs(s.max(1)))
    };
    Ok(Sources {
        weather: weather_url.map(|u| (u, weather_format)),
        rates: rates_url.map(|u| (u, rates_format)),
        every: secs(flags.widgets_every.or(file.widgets_every), defaults.every),
        timeout: secs(
            flags.widgets_timeout.or(file.widgets_timeout),
            defaults.timeout,
        ),
    })
}

/// Hides the password of a database URL: postgres://app:***@db/dondoc.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((cred, host)) => match cred.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

pub fn init_tracing(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,tower_sessions=warn".into());
    // Colour only on a terminal: a log written to a file or a journal stays plain text.
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_redacted() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/dondoc"),
            "postgres://app:***@db:5432/dondoc"
        );
        assert_eq!(
            redact_url("postgres://app@db/dondoc"),
            "postgres://app@db/dondoc"
        );
        assert_eq!(
            redact_url("sqlite://data/dondoc.db"),
            "sqlite://data/dondoc.db"
        );
    }

    #[test]
    fn flags_win_over_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dondoc.toml");
        std::fs::write(&path, "addr = \"0.0.0.0:9000\"\nsecure_cookies = true\n").unwrap();
        let s = Settings::load(Flags {
            config: Some(path.clone()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!((s.addr.as_str(), s.secure_cookies), ("0.0.0.0:9000", true));
        let s = Settings::load(Flags {
            config: Some(path),
            addr: Some("127.0.0.1:1".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(s.addr, "127.0.0.1:1");
    }

    #[test]
    fn unknown_keys_in_the_file_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dondoc.toml");
        std::fs::write(&path, "adress = \"x\"\n").unwrap();
        assert!(Settings::load(Flags {
            config: Some(path),
            ..Default::default()
        })
        .is_err());
    }

    #[test]
    fn the_years_swaps_come_from_the_file() {
        use jiff::civil::date;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dondoc.toml");
        // 2025: Friday 2 May off, Saturday 26 April worked instead.
        std::fs::write(
            &path,
            "days_off = [\"2025-05-02\"]\nworking_days = [\"2025-04-26\"]\npetition_answer_days = 30\n\
             [petition_answer_days_by_channel]\nletter = 20\n\
             [petition_answer_days_by_category]\n\"Đất đai\" = 45\n",
        )
        .unwrap();
        let s = Settings::load(Flags {
            config: Some(path),
            ..Default::default()
        })
        .unwrap();
        assert!(!s.calendar.is_working_day(date(2025, 5, 2)));
        assert!(s.calendar.is_working_day(date(2025, 4, 26)));
        use dondoc_domain::Channel;
        let t = &s.answer_times;
        assert_eq!(t.days_for(Channel::Meeting, None, false), 30);
        // With coordination, 50 (the default, not set here): 20 more than the 30 set, which
        // coordination adds to a channel's or a category's own time too.
        assert_eq!(t.days_for(Channel::Meeting, None, true), 50);
        assert_eq!(t.days_for(Channel::Letter, None, false), 20);
        assert_eq!(t.days_for(Channel::Letter, Some("đất đai"), true), 65);
    }

    #[test]
    fn widgets_are_off_without_a_source_and_read_from_the_file() {
        let s = Settings::load(Flags::default()).unwrap();
        assert!(s.widgets.weather.is_none() && s.widgets.rates.is_none());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dondoc.toml");
        std::fs::write(
            &path,
            "weather_url = \"http://127.0.0.1:9/forecast\"\nrates_url = \"https://example.test/x\"\n\
             rates_format = \"vietcombank-xml\"\nwidgets_timeout = 3\n",
        )
        .unwrap();
        let s = Settings::load(Flags {
            config: Some(path.clone()),
            ..Default::default()
        })
        .unwrap();
        use dondoc_app::widgets::{RatesFormat, WeatherFormat};
        assert_eq!(
            s.widgets.weather,
            Some((
                "http://127.0.0.1:9/forecast".into(),
                WeatherFormat::OpenMeteo
            ))
        );
        assert_eq!(
            s.widgets.rates,
            Some(("https://example.test/x".into(), RatesFormat::VietcombankXml))
        );
        assert_eq!(s.widgets.timeout, std::time::Duration::from_secs(3));
        for bad in [
            "weather_url = \"file:///etc/passwd\"\n",
            "rates_format = \"csv\"\n",
        ] {
            std::fs::write(&path, bad).unwrap();
            assert!(
                Settings::load(Flags {
                    config: Some(path.clone()),
                    ..Default::default()
                })
                .is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn an_unknown_channel_in_the_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dondoc.toml");
        std::fs::write(&path, "[petition_answer_days_by_channel]\nfax = 10\n").unwrap();
        let err = Settings::load(Flags {
            config: Some(path),
            ..Default::default()
        })
        .err()
        .expect("refused");
        assert!(format!("{err:#}").contains("fax"), "{err:#}");
    }
}
