//! dondoc's web layer: HTML pages (askama), the JSON API under /api/v1 with its OpenAPI
//! document, authentication, CSRF and security headers.
//!
//! Architecture invariant: this is the only crate that knows HTML, JSON and HTTP. Handlers
//! parse input, call a use case of `dondoc_app` (the same one for the page and the API
//! endpoint of an action) and render; none holds a business rule.

pub mod api;
pub mod auth;
pub mod cache;
pub mod chart;
pub mod docx;
pub mod error;
pub mod export;
pub mod i18n;
pub mod ical;
pub mod metrics;
pub mod open311;
pub mod pages;
pub mod pick;
pub mod public;
pub mod report;
mod routes;
pub mod sidebar;

use std::sync::Arc;

use dondoc_app::App;
use dondoc_store::Store;
use jiff::civil::Date;

pub use routes::router;

/// Settings the web layer needs.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Mark cookies `Secure` (when served over HTTPS, directly or behind a proxy).
    pub secure_cookies: bool,
    /// How many trusted reverse proxies stand in front, in a chain (0: none, clients connect
    /// directly): the client address is then the `X-Forwarded-For` entry the outermost
    /// appended.
    pub trusted_proxies: usize,
    /// Fix "today" (tests and demos); otherwise the current day in Vietnam (UTC+7).
    pub today: Option<Date>,
    /// Days an API token authenticates (default: `dondoc_app::users::TOKEN_DAYS`).
    pub token_days: Option<i64>,
    /// The longest wait after failed sign-ins, in seconds (default:
    /// `dondoc_app::users::MAX_DELAY_MS`).
    pub max_sign_in_delay_secs: Option<i64>,
    /// How long a visitor's page is answered from memory (see [`cache`]); none or zero keeps
    /// none.
    pub page_cache: Option<std::time::Duration>,
    /// The site's address as the public reaches it (`https://dondoc.example.gov.vn`), for
    /// canonical links, feeds, sitemaps and addresses shown to be copied; none: the request's
    /// Host with `http://`.
    pub public_url: Option<String>,
    /// The clock of the use cases (a manual one in tests that move time, such as the wait
    /// a resident's form asks for).
    pub clock: dondoc_app::Clock,
}

#[derive(Clone)]
pub struct AppState {
    /// The use cases; handlers reach records only through them.
    pub app: App,
    pub config: Arc<WebConfig>,
    /// Visitors' pages drawn lately.
    pub pages: cache::PageCache,
}

impl AppState {
    pub fn new(store: Store, config: WebConfig) -> Self {
        let mut app = App::new(store, config.today)
            .with_clock(config.clock.clone())
            .with_token_days(config.token_days.unwrap_or(dondoc_app::users::TOKEN_DAYS));
        if let Some(secs) = config.max_sign_in_delay_secs {
            app = app.with_max_sign_in_delay_secs(secs);
        }
        AppState {
            app,
            pages: cache::PageCache::new(config.page_cache.unwrap_or_default()),
            config: Arc::new(config),
        }
    }

    /// Today in Vietnam (UTC+7), or the day the configuration fixes.
    pub fn today(&self) -> Date {
        self.app.today()
    }
}
