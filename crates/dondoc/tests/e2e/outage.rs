//! PostgreSQL goes away under a running node: pages say so at once (503 with Retry-After;
//! a visitor's page drawn in the last seconds is still answered from memory),
//! the readiness check fails so that a load balancer takes the node out, the liveness check
//! still answers, and when the database is back the node serves again without a restart.

use std::time::{Duration, Instant};

use dondoc_testing::OwnCluster;

use crate::nodes::{http, start};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_is_a_quick_503_and_recovery_needs_no_restart() {
    let Some(cluster) = OwnCluster::start().await else {
        return;
    };
    let url = cluster.database("dondoc").await;
    let node = tokio::task::spawn_blocking(move || start(&url))
        .await
        .unwrap();
    let get = |path: &'static str| http(&node, "GET", path, &[], "");
    assert_eq!(get("/readyz").0, 200);
    assert_eq!(get("/sessions").0, 200);

    cluster.stop();
    // A visitor's page drawn a moment ago is still answered, from memory (`cache.rs`).
    assert_eq!(get("/sessions").0, 200);
    let t = Instant::now();
    let (status, headers, body) = get("/petitions");
    let took = t.elapsed();
    assert_eq!(status, 503, "{body}");
    assert!(took < Duration::from_secs(2), "answered after {took:?}");
    assert!(
        headers.iter().any(|(k, _)| k == "retry-after"),
        "{headers:?}"
    );
    assert!(body.contains("thử lại"), "{body}");
    let (status, _, body) = http(&node, "GET", "/api/v1/sessions", &[], "");
    assert_eq!(status, 503);
    assert!(body.contains("\"error\":\"unavailable\""), "{body}");
    assert_eq!(get("/readyz").0, 503);
    assert_eq!(get("/healthz").0, 200);

    cluster.start_again();
    let t = Instant::now();
    while get("/petitions").0 != 200 {
        assert!(t.elapsed() < Duration::from_secs(20), "no recovery");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(get("/readyz").0, 200);
}
