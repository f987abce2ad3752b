//! dondoc's web layer: HTML pages (askama), the JSON API under /api/v1 with its OpenAPI
//! document, authentication, CSRF and security headers.
//!
//! Architecture invariant: this is the only crate that knows HTML, JSON and HTTP. Handlers
//! parse input, call a function of [`service`] (shared by the page and the API endpoint of the
//! same action) and render; none holds a business rule.

pub mod api;
pub mod auth;
pub mod error;
pub mod i18n;
pub mod pages;
mod routes;
pub mod service;

use std::sync::Arc;

use dondoc_store::Store;
use jiff::civil::Date;

pub use routes::router;

/// Settings the web layer needs.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Mark cookies `Secure` (when served over HTTPS, directly or behind a proxy).
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_proxy: bool,
    /// Fix "today" (tests and demos); otherwise the current day in Vietnam (UTC+7).
    pub today: Option<Date>,
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<WebConfig>,
}

impl AppState {
    pub fn new(store: Store, config: WebConfig) -> Self {
        AppState {
            store,
            config: Arc::new(config),
        }
    }

    /// Today in Vietnam (UTC+7, no daylight saving): deadlines are Vietnamese calendar days.
    pub fn today(&self) -> Date {
        self.config.today.unwrap_or_else(|| {
            let tz = jiff::tz::TimeZone::fixed(jiff::tz::offset(7));
            jiff::Timestamp::now().to_zoned(tz).date()
        })
    }
}
