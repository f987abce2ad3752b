//! The portal's sidebar: the weather and exchange-rate widgets against local fixture sources
//! (hanging, down, garbage, 500), and visitor statistics counted by two app nodes into one
//! database, crawlers left out and no address stored.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use dondoc_app::widgets::{RatesFormat, Sources, WeatherFormat};
use dondoc_app::Clock;
use dondoc_store::Backend;
use dondoc_testing::TestDb;
use dondoc_web::{AppState, WebConfig};
use http_body_util::BodyExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::ServiceExt;

use crate::support::TODAY;

/// Runs `$body` with a backend: `<name>::sqlite` and `<name>::postgres`.
macro_rules! both_backends_local {
    ($name:ident, |$backend:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $backend = dondoc_store::Backend::Sqlite;
                $body.await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let $backend = dondoc_store::Backend::Postgres;
                $body.await
            }
        }
    };
}

const BROWSER: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";

const WEATHER: &str = r#"{"latitude":20.95,"longitude":107.08,"current":{"time":"2026-11-26T09:00","interval":900,"temperature_2m":24.3,"weather_code":61,"wind_speed_10m":11.2}}"#;

const RATES: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<ExrateList>
  <DateTime>11/26/2026 8:30:12 AM</DateTime>
  <Exrate CurrencyCode="EUR" CurrencyName="EURO" Buy="27,010.11" Transfer="27,282.94" Sell="28,491.03" />
  <Exrate CurrencyCode="USD" CurrencyName="US DOLLAR" Buy="25,090.00" Transfer="25,120.00" Sell="25,480.00" />
  <Exrate CurrencyCode="KWD" CurrencyName="KUWAITI DINAR" Buy="-" Transfer="82,456.10" Sell="85,634.27" />
  <Source>Joint Stock Commercial Bank for Foreign Trade of Vietnam - Vietcombank</Source>
</ExrateList>"#;

/// 09:00 in Vietnam on the demo's "today".
fn nine_o_clock() -> jiff::Timestamp {
    TODAY
        .at(9, 0, 0, 0)
        .to_zoned(dondoc_app::vietnam())
        .unwrap()
        .timestamp()
}

/// What a fixture source does with the next request.
#[derive(Clone)]
enum Mode {
    Answer(&'static str),
    Status500,
    /// Accepts and closes the connection at once.
    Close,
    /// Accepts, reads the request and never answers; holds the connection for 60 s.
    Hang,
}

struct Fixture {
    url: String,
    mode: Arc<Mutex<Mode>>,
    /// Connections being held by `Mode::Hang` right now.
    holding: Arc<AtomicUsize>,
    held: Arc<tokio::sync::Notify>,
}

impl Fixture {
    async fn start(mode: Mode) -> Fixture {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/source", listener.local_addr().unwrap());
        let mode = Arc::new(Mutex::new(mode));
        let holding = Arc::new(AtomicUsize::new(0));
        let held = Arc::new(tokio::sync::Notify::new());
        let (m, h, n) = (mode.clone(), holding.clone(), held.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let (m, h, n) = (m.clone(), h.clone(), n.clone());
                tokio::spawn(async move {
                    let mut request = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match socket.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(k) => request.extend_from_slice(&buf[..k]),
                        }
                    }
                    let mode = m.lock().unwrap().clone();
                    let (status, body) = match mode {
                        Mode::Close => return,
                        Mode::Hang => {
                            h.fetch_add(1, Ordering::SeqCst);
                            n.notify_one();
                            tokio::time::sleep(Duration::from_secs(60)).await;
                            h.fetch_sub(1, Ordering::SeqCst);
                            return;
                        }
                        Mode::Answer(body) => ("200 OK", body),
                        Mode::Status500 => ("500 Internal Server Error", "<h1>oops</h1>"),
                    };
                    let answer = format!(
                        "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = socket.write_all(answer.as_bytes()).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        Fixture {
            url,
            mode,
            holding,
            held,
        }
    }

    fn set(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }
}

/// An address on loopback where nothing listens.
fn closed_port_url() -> String {
    format!("http://127.0.0.1:{}/source", crate::nodes::free_port())
}

/// The demo served by one node whose widgets read `sources`, on a manual clock at 09:00.
async fn node(store: dondoc_store::Store, sources: Sources, clock: &Clock) -> (AppState, Router) {
    let mut state = AppState::new(
        store,
        WebConfig {
            today: Some(TODAY),
            ..Default::default()
        },
    );
    state.app = state
        .app
        .clone()
        .with_clock(clock.clone())
        .with_widgets(sources);
    let router = dondoc_web::router(state.clone());
    (state, router)
}

async fn demo(backend: Backend) -> Option<(TestDb, dondoc_store::Store)> {
    let db = TestDb::new(backend).await?;
    let store = db.store().await;
    dondoc::demo::load_at(&store, TODAY)
        .await
        .expect("demo loads");
    Some((db, store))
}

/// A GET by a browser at `addr` (its language: `lang`).
async fn get(
    router: &Router,
    path: &str,
    addr: [u8; 4],
    agent: &str,
    lang: &str,
) -> (StatusCode, String) {
    let mut req = Request::builder()
        .uri(path)
        .header(header::USER_AGENT, agent)
        .header(header::COOKIE, format!("lang={lang}"))
        .body(Body::empty())
        .unwrap();
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(SocketAddr::from((addr, 40000))));
    let resp = router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// The visitor's page at `/`, which must come within a few seconds whatever the sources do.
async fn front_page(router: &Router) -> String {
    let (status, body) = tokio::time::timeout(
        Duration::from_secs(5),
        get(router, "/", [203, 0, 113, 5], BROWSER, "vi"),
    )
    .await
    .expect("the page answers while the source is busy");
    assert_eq!(status, StatusCode::OK);
    body
}

fn sources(weather: Option<String>, rates: Option<String>, timeout: Duration) -> Sources {
    Sources {
        weather: weather.map(|u| (u, WeatherFormat::OpenMeteo)),
        rates: rates.map(|u| (u, RatesFormat::VietcombankXml)),
        timeout,
        ..Default::default()
    }
}

both_backends_local!(a_hanging_source_holds_no_page, |backend| async move {
    let Some((_db, store)) = demo(backend).await else {
        return;
    };
    let source = Fixture::start(Mode::Hang).await;
    let clock = Clock::manual(nine_o_clock());
    // The read may take 30 s: far longer than the page is given.
    let (state, router) = node(
        store,
        sources(Some(source.url.clone()), None, Duration::from_secs(30)),
        &clock,
    )
    .await;
    let widgets = state.app.widgets().clone();
    let reading =
        tokio::spawn(async move { widgets.refresh(&Clock::manual(nine_o_clock())).await });
    source.held.notified().await;
    let page = front_page(&router).await;
    assert_eq!(
        source.holding.load(Ordering::SeqCst),
        1,
        "the source still holds the read while the page has answered"
    );
    assert!(!reading.is_finished());
    // Never read: no weather shown, and no sidebar at all before visitor figures are read.
    assert!(!page.contains("Thời tiết"), "{page}");
    reading.abort();
});

both_backends_local!(
    a_source_down_or_answering_garbage_shows_nothing_it_never_read,
    |backend| async move {
        let Some((_db, store)) = demo(backend).await else {
            return;
        };
        let garbage = Fixture::start(Mode::Answer("<html>Service Unavailable</html>")).await;
        let clock = Clock::manual(nine_o_clock());
        let (state, router) = node(
            store,
            sources(
                Some(closed_port_url()),
                Some(garbage.url.clone()),
                Duration::from_secs(5),
            ),
            &clock,
        )
        .await;
        state.app.widgets().refresh(&clock).await;
        let page = front_page(&router).await;
        assert!(
            !page.contains("Thời tiết") && !page.contains("Tỷ giá"),
            "{page}"
        );
    }
);

both_backends_local!(
    the_last_good_values_stay_with_their_time,
    |backend| async move {
        let Some((_db, store)) = demo(backend).await else {
            return;
        };
        let weather = Fixture::start(Mode::Answer(WEATHER)).await;
        let rates = Fixture::start(Mode::Answer(RATES)).await;
        let clock = Clock::manual(nine_o_clock());
        let (state, router) = node(
            store,
            sources(
                Some(weather.url.clone()),
                Some(rates.url.clone()),
                Duration::from_secs(2),
            ),
            &clock,
        )
        .await;
        state.app.widgets().refresh(&clock).await;
        let page = front_page(&router).await;
        let shown = |page: &str| {
            for text in [
            "<div class=\"sidebar\"",
            "<h2>Thời tiết</h2>",
            "<strong>24,3 °C</strong> · Mưa",
            "Gió: 11,2 km/h",
            "Cập nhật lúc <time datetime=\"2026-11-26T09:00:00+07:00\">09:00 26/11/2026</time>",
            "<h2>Tỷ giá</h2>",
            // The rates parsed from the fixture: USD before EUR, KWD not among those shown.
            "<th scope=\"row\"><abbr title=\"US DOLLAR\">USD</abbr></th><td>25.090</td><td>25.120</td><td>25.480</td>",
            "<abbr title=\"EURO\">EUR</abbr></th><td>27.010,11</td>",
            "theo nguồn 11/26/2026 8:30:12 AM",
        ] {
            assert!(page.contains(text), "{text} in {page}");
        }
            assert!(!page.contains("KWD"));
            assert!(page.find("USD").unwrap() < page.find("EUR").unwrap());
        };
        shown(&page);
        // In English too.
        let (_, en) = get(&router, "/", [203, 0, 113, 5], BROWSER, "en").await;
        assert!(en.contains("<strong>24.3 °C</strong> · Rain"), "{en}");
        assert!(en.contains("<td>25,090</td>"), "{en}");
        // The sources go bad one way after another; each time the page keeps the values of 09:00.
        for (step, bad) in [
            Mode::Answer("{\"current\":{\"temperature_2m\":\"hot\"}}"),
            Mode::Answer("<ExrateList><DateTime>x</DateTime></ExrateList>"),
            Mode::Answer("\u{0}\u{1}garbage"),
            Mode::Status500,
            Mode::Close,
            Mode::Hang,
        ]
        .into_iter()
        .enumerate()
        {
            clock.set(nine_o_clock() + jiff::SignedDuration::from_mins(10 * (step as i64 + 1)));
            weather.set(bad.clone());
            rates.set(bad);
            state.app.widgets().refresh(&clock).await;
            shown(&front_page(&router).await);
        }
    }
);

/// Every row of the visitor tables, as text.
async fn visit_rows(store: &dondoc_store::Store, url: &str) -> String {
    let _ = store;
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let mut all = String::new();
    for (table, columns) in [
        (
            "visitors",
            "day || ' ' || hash || ' ' || cast(last_seen as text)",
        ),
        ("visit_salts", "day || ' ' || salt"),
        ("visit_days", "day || ' ' || cast(visitors as text)"),
    ] {
        let rows: Vec<String> = sqlx::query_scalar(&format!("select {columns} from {table}"))
            .fetch_all(&pool)
            .await
            .unwrap();
        all.push_str(&rows.join("\n"));
        all.push('\n');
    }
    pool.close().await;
    all
}

fn figures(page: &str) -> Vec<String> {
    ["online", "today", "month", "total"]
        .iter()
        .map(|class| {
            let start = page
                .find(&format!("<dd class=\"{class}\">"))
                .unwrap_or_else(|| panic!("{class} in {page}"));
            let rest = &page[start..];
            rest[rest.find('>').unwrap() + 1..rest.find("</dd>").unwrap()].to_string()
        })
        .collect()
}

both_backends_local!(
    two_nodes_count_into_the_same_totals_without_addresses,
    |backend| async move {
        let Some((db, store)) = demo(backend).await else {
            return;
        };
        sqlx::any::install_default_drivers();
        let clock = Clock::manual(nine_o_clock());
        let (a, router_a) = node(store.clone(), Sources::default(), &clock).await;
        let (b, router_b) = node(db.store().await, Sources::default(), &clock).await;
        let (first, second) = ([198, 51, 100, 23], [198, 51, 100, 24]);
        // The first visitor reads three pages through node A and one through B: one visitor.
        for path in ["/", "/sessions", "/petitions"] {
            assert_eq!(
                get(&router_a, path, first, BROWSER, "vi").await.0,
                StatusCode::OK
            );
        }
        get(&router_b, "/directives", first, BROWSER, "vi").await;
        // The second, through B only.
        get(&router_b, "/", second, BROWSER, "vi").await;
        // Not counted: crawlers and scripts, and what is not an HTML page.
        for agent in [
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (compatible; coccocbot-web/1.0)",
            "curl/8.5.0",
            "",
        ] {
            get(&router_a, "/", [192, 0, 2, 9], agent, "vi").await;
        }
        for path in [
            "/assets/style.css",
            "/api/v1/sessions",
            "/healthz",
            "/no-such-page",
        ] {
            get(&router_b, path, [192, 0, 2, 10], BROWSER, "vi").await;
        }
        a.app.visits().flush(&a.app).await.unwrap();
        b.app.visits().flush(&b.app).await.unwrap();
        a.app.visits().flush(&a.app).await.unwrap();
        let page = front_page(&router_a).await;
        assert_eq!(
            figures(&page),
            ["2", "2", "2", "2"],
            "online, today, month, total"
        );
        assert!(page.contains("<dt>Đang online</dt>"));
        // (The page is drawn before its own view is noted: that visitor counts from the next write.)
        // No address anywhere in the visitor tables, nor (on SQLite) in the database's files.
        let rows = visit_rows(&store, &db.url).await;
        for address in ["198.51.100.23", "198.51.100.24", "203.0.113.5"] {
            assert!(!rows.contains(address), "{address} in {rows}");
            if let Some(file) = db.url.strip_prefix("sqlite://") {
                let dir = std::path::Path::new(file).parent().unwrap();
                for entry in std::fs::read_dir(dir).unwrap() {
                    let bytes = std::fs::read(entry.unwrap().path()).unwrap();
                    assert!(
                        !bytes
                            .windows(address.len())
                            .any(|w| w == address.as_bytes()),
                        "{address} in the database files"
                    );
                }
            }
        }
        // Five minutes later, nobody is online; the day's and month's counts stay.
        clock.set(nine_o_clock() + jiff::SignedDuration::from_secs(5 * 60 + 1));
        b.app.visits().flush(&b.app).await.unwrap();
        let page = front_page(&router_b).await;
        assert_eq!(figures(&page), ["0", "2", "2", "2"]);
        // The front page's view just now brings one back online.
        b.app.visits().flush(&b.app).await.unwrap();
        let f = b.app.visits().figures().unwrap();
        assert_eq!((f.online, f.today), (1, 3));
    }
);

both_backends_local!(
    a_page_answered_from_the_page_cache_is_counted,
    |backend| async move {
        let Some((_db, store)) = demo(backend).await else {
            return;
        };
        let clock = Clock::manual(nine_o_clock());
        let mut state = AppState::new(
            store,
            WebConfig {
                today: Some(TODAY),
                page_cache: Some(Duration::from_secs(60)),
                ..Default::default()
            },
        );
        state.app = state.app.clone().with_clock(clock.clone());
        let router = dondoc_web::router(state.clone());
        // Five visitors read the same page: the first draws it, the others get it from memory.
        for last in 1..=5 {
            get(&router, "/sessions", [198, 51, 100, last], BROWSER, "vi").await;
        }
        state.app.visits().flush(&state.app).await.unwrap();
        assert_eq!(state.app.visits().figures().unwrap().today, 5);
    }
);

both_backends_local!(
    views_of_a_known_visitor_do_not_grow_the_database,
    |backend| async move {
        let Some((db, store)) = demo(backend).await else {
            return;
        };
        let clock = Clock::manual(nine_o_clock());
        let (state, router) = node(store, Sources::default(), &clock).await;
        let size = || {
            db.url.strip_prefix("sqlite://").map_or(0, |f| {
                std::fs::read_dir(std::path::Path::new(f).parent().unwrap())
                    .unwrap()
                    .filter_map(|e| e.ok()?.metadata().ok())
                    .map(|m| m.len())
                    .sum::<u64>()
            })
        };
        get(&router, "/login", [198, 51, 100, 23], BROWSER, "vi").await;
        state.app.visits().flush(&state.app).await.unwrap();
        // A checkpoint of what the first write left, so that only what follows can grow a file.
        let before = size();
        for round in 0..10 {
            for _ in 0..200 {
                get(&router, "/login", [198, 51, 100, 23], BROWSER, "vi").await;
            }
            clock.set(nine_o_clock() + jiff::SignedDuration::from_secs(round));
            state.app.visits().flush(&state.app).await.unwrap();
        }
        assert_eq!(size(), before, "the SQLite files did not grow");
        assert_eq!(state.app.visits().figures().unwrap().today, 1);
    }
);
