//! Do reads queue behind writers? On SQLite with the demo loaded, a writer raises petitions
//! through the API as fast as it can for 10 s while a reader asks for the leader's dashboard
//! 200 times, one every 50 ms; prints the latency of those reads (and, for reference, of 200
//! reads with no writer).
//!
//! ```sh
//! cargo bench -p dondoc --bench reads_under_writes
//! ```
//!
//! The bench drives the router in-process with the same requests a browser and an API client
//! send, so it runs unchanged against older versions of dondoc (the figures in
//! bench/RESULTS.md compare two commits).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use dondoc_store::Store;
use dondoc_web::{AppState, WebConfig};
use http_body_util::BodyExt;
use tower::ServiceExt;

const TODAY: jiff::civil::Date = jiff::civil::date(2026, 11, 26);

async fn send(app: &Router, req: Request<Body>) -> (StatusCode, String) {
    let r = app.clone().oneshot(req).await.unwrap();
    let status = r.status();
    let body = r.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

async fn token(app: &Router, login: &str, password: &str) -> String {
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/tokens")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            serde_json::json!({ "login": login, "password": password }).to_string(),
        ))
        .unwrap();
    let (status, body) = send(app, req).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    serde_json::from_str::<serde_json::Value>(&body).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string()
}

fn get(path: &str, token: &str) -> Request<Body> {
    Request::builder()
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap()
}

/// 200 dashboard reads, one every 50 ms; their latencies in milliseconds, sorted.
async fn reads(app: &Router, token: &str) -> Vec<f64> {
    let mut out = Vec::with_capacity(200);
    for _ in 0..200 {
        let start = Instant::now();
        let (status, body) = send(app, get("/", token)).await;
        out.push(start.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(status, StatusCode::OK, "{body}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    out.sort_by(|a, b| a.partial_cmp(b).unwrap());
    out
}

fn line(what: &str, ms: &[f64]) {
    let at = |q: f64| ms[((ms.len() as f64 * q).ceil() as usize).clamp(1, ms.len()) - 1];
    println!(
        "{what:<28} n={:<4} p50={:>7.2} ms  p90={:>7.2} ms  p99={:>7.2} ms  max={:>7.2} ms",
        ms.len(),
        at(0.50),
        at(0.90),
        at(0.99),
        ms[ms.len() - 1]
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    dondoc::demo::load_at(&store, TODAY).await.unwrap();
    let app = dondoc_web::router(AppState::new(
        store.clone(),
        WebConfig {
            today: Some(TODAY),
            ..Default::default()
        },
    ));
    let leader = token(&app, "lanhdao", "lanhdao-demo").await;
    let admin = token(&app, "quantri", "quantri-demo").await;
    let (_, list) = send(&app, get("/api/v1/petitions?limit=1", &admin)).await;
    let petition = serde_json::from_str::<serde_json::Value>(&list).unwrap()["items"][0]["id"]
        .as_i64()
        .unwrap();

    // Warm up, then the reference: no writer.
    for _ in 0..20 {
        send(&app, get("/", &leader)).await;
    }
    let quiet = reads(&app, &leader).await;

    let stop = Arc::new(AtomicBool::new(false));
    let writes = Arc::new(AtomicU64::new(0));
    let writer = {
        let (app, stop, writes) = (app.clone(), stop.clone(), writes.clone());
        tokio::spawn(async move {
            let path = format!("/api/v1/petitions/{petition}/raisings");
            while !stop.load(Ordering::Relaxed) {
                let req = Request::builder()
                    .method(Method::POST)
                    .uri(&path)
                    .header(header::AUTHORIZATION, format!("Bearer {admin}"))
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(
                        r#"{"date": "2026-11-20", "raised_by": "bench"}"#,
                    ))
                    .unwrap();
                let (status, body) = send(&app, req).await;
                assert_eq!(status, StatusCode::CREATED, "{body}");
                writes.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    let started = Instant::now();
    let busy = reads(&app, &leader).await;
    stop.store(true, Ordering::Relaxed);
    writer.await.unwrap();
    let seconds = started.elapsed().as_secs_f64();

    line("dashboard, no writer", &quiet);
    line("dashboard, writer running", &busy);
    println!(
        "writer: {} raisings in {seconds:.1} s ({:.0}/s)",
        writes.load(Ordering::Relaxed),
        writes.load(Ordering::Relaxed) as f64 / seconds
    );
}
