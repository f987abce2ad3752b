//! Visitor statistics for the portal's sidebar: online now (the last five minutes), today,
//! this month, in all — counted by every node into the same rows, never slowing a page.
//!
//! A page view only notes a digest of the visitor in this node's memory (`Visits::note`, a
//! lock and a map insert); a background task (`Visits::run`) writes the buffer every few
//! seconds in one transaction and reads the figures back, so the sidebar asks nothing of the
//! database either. No address is kept, in memory or in the database: the buffer holds a
//! digest of address and browser, and the database a digest of that under the day's salt,
//! which the nodes share through the database (`Store::visit_salt`) and which is deleted
//! after a day. Crawlers are recognised by their user agent and not counted.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use dondoc_store::VisitFigures;
use jiff::civil::Date;
use jiff::Timestamp;
use sha2::{Digest, Sha256};

use crate::{vietnam, App, Result};

/// Who counts as online: seen within this long.
pub const ONLINE_WINDOW: Duration = Duration::from_secs(5 * 60);

/// How often a node writes its views and reads the figures back.
pub const FLUSH_EVERY: Duration = Duration::from_secs(5);

/// A visitor seen again moves their `last_seen` in the database at most this often: a busy
/// reader costs no write per view.
const MIN_GAP_MS: i64 = 60_000;

/// The most distinct visitors a node holds between two writes; beyond, a view is not counted
/// (and a line says so) rather than memory growing.
const MAX_BUFFERED: usize = 100_000;

/// Marks of crawlers, link previewers, monitors and scripts in a user agent (lower case).
const BOT_MARKS: &[&str] = &[
    "bot",
    "crawl",
    "spider",
    "slurp",
    "scrape",
    "fetch",
    "preview",
    "facebookexternalhit",
    "embedly",
    "curl",
    "wget",
    "python",
    "httpie",
    "go-http-client",
    "java/",
    "okhttp",
    "axios",
    "node-fetch",
    "libwww",
    "httpclient",
    "headless",
    "lighthouse",
    "phantomjs",
    "monitor",
    "uptime",
    "pingdom",
    "check_http",
    "nagios",
    "feed",
    "rss",
    "archiver",
    "yandex",
    "baidu",
    "bingpreview",
    "mediapartners",
    "ia_archiver",
    "dataprovider",
];

/// Whether a user agent is a crawler or a script rather than a person's browser: one of the
/// usual marks, or no user agent at all (every browser sends one).
pub fn is_bot(user_agent: &str) -> bool {
    let ua = user_agent.trim().to_ascii_lowercase();
    ua.is_empty() || BOT_MARKS.iter().any(|m| ua.contains(m))
}

/// One node's buffer of views and the figures it read last.
#[derive(Clone, Default)]
pub struct Visits {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    /// Digest of address and browser → the latest view, in epoch milliseconds.
    buffer: Mutex<HashMap<[u8; 32], i64>>,
    figures: RwLock<Option<VisitFigures>>,
}

impl Visits {
    /// Notes a view of a page by a visitor at `address` with `user_agent`; nothing when the
    /// user agent is a crawler's. Never waits for anything but a lock held for a map insert.
    pub fn note(&self, address: &str, user_agent: &str, at: Timestamp) {
        if is_bot(user_agent) {
            return;
        }
        let mut h = Sha256::new();
        h.update(address.as_bytes());
        h.update([0]);
        h.update(user_agent.as_bytes());
        let key: [u8; 32] = h.finalize().into();
        let Ok(mut buffer) = self.inner.buffer.lock() else {
            return;
        };
        if buffer.len() >= MAX_BUFFERED && !buffer.contains_key(&key) {
            tracing::warn!("too many visitors between two writes: a view is not counted");
            return;
        }
        let at = at.as_millisecond();
        let seen = buffer.entry(key).or_insert(at);
        *seen = (*seen).max(at);
    }

    /// The figures as last read (none before the first read).
    pub fn figures(&self) -> Option<VisitFigures> {
        self.inner.figures.read().ok().and_then(|f| *f)
    }

    /// Writes the views noted so far (one transaction per day they fall on, usually one) and
    /// reads the figures back. Views that could not be written go back into the buffer.
    pub async fn flush(&self, app: &App) -> Result<()> {
        let taken = std::mem::take(&mut *self.inner.buffer.lock().map_err(poisoned)?);
        let mut by_day: HashMap<Date, Vec<([u8; 32], i64)>> = HashMap::new();
        for (key, at) in &taken {
            by_day.entry(day_of(*at)).or_default().push((*key, *at));
        }
        let today = app.clock().now().to_zoned(vietnam()).date();
        let keep_from = today.yesterday().unwrap_or(today);
        let written = async {
            for (day, views) in by_day {
                let salt = app
                    .store()
                    .visit_salt(day, &fresh_salt(), keep_from)
                    .await?;
                let digests: Vec<(String, i64)> = views
                    .into_iter()
                    .map(|(key, at)| (digest(&salt, &key), at))
                    .collect();
                app.store()
                    .record_visits(day, &digests, MIN_GAP_MS, keep_from)
                    .await?;
            }
            Ok::<_, crate::Error>(())
        }
        .await;
        if let Err(e) = written {
            // Put back for the next try (a view noted since wins if later).
            if let Ok(mut buffer) = self.inner.buffer.lock() {
                for (key, at) in taken {
                    if buffer.len() < MAX_BUFFERED {
                        let seen = buffer.entry(key).or_insert(at);
                        *seen = (*seen).max(at);
                    }
                }
            }
            return Err(e);
        }
        let now = app.clock().now();
        let month_start = today.first_of_month();
        let online_since = now.as_millisecond() - ONLINE_WINDOW.as_millis() as i64;
        let figures = app
            .store()
            .visit_figures(today, month_start, online_since)
            .await?;
        if let Ok(mut f) = self.inner.figures.write() {
            *f = Some(figures);
        }
        Ok(())
    }

    /// Writes and reads every `every`, for as long as the process runs; a failure is logged
    /// and tried again next time.
    pub async fn run(self, app: App, every: Duration) {
        loop {
            if let Err(e) = self.flush(&app).await {
                tracing::warn!(error = %e, "writing visitor statistics");
            }
            tokio::time::sleep(every).await;
        }
    }
}

fn poisoned<T>(_: T) -> crate::Error {
    crate::Error::Internal(anyhow::anyhow!("the visitor buffer's lock is poisoned"))
}

fn day_of(ms: i64) -> Date {
    Timestamp::from_millisecond(ms)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned(vietnam())
        .date()
}

fn fresh_salt() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn digest(salt: &str, key: &[u8; 32]) -> String {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update(key);
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crawlers_and_scripts_are_not_visitors() {
        for (ua, bot) in [
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36", false),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", false),
            ("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", false),
            ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", true),
            ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", true),
            ("Mozilla/5.0 (compatible; coccocbot-web/1.0; +http://help.coccoc.com/searchengine)", true),
            ("Mozilla/5.0 (compatible; YandexBot/3.0)", true),
            ("Baiduspider+(+http://www.baidu.com/search/spider.htm)", true),
            ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", true),
            ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0 Safari/537.36", true),
            ("curl/8.5.0", true),
            ("python-requests/2.32", true),
            ("Wget/1.21", true),
            ("", true),
            ("   ", true),
        ] {
            assert_eq!(is_bot(ua), bot, "{ua}");
        }
    }

    #[test]
    fn a_visitor_is_noted_once_with_their_latest_view() {
        let v = Visits::default();
        let ua = "Mozilla/5.0 Firefox/128.0";
        let t = Timestamp::from_second(1_800_000_000).unwrap();
        v.note("192.0.2.7", ua, t);
        v.note("192.0.2.7", ua, t + jiff::SignedDuration::from_secs(9));
        v.note("192.0.2.8", ua, t);
        v.note("192.0.2.9", "Googlebot/2.1", t);
        let buffer = v.inner.buffer.lock().unwrap();
        assert_eq!(buffer.len(), 2);
        assert!(buffer
            .values()
            .any(|at| *at == (t.as_millisecond() + 9_000)));
    }
}
