//! A read replica: `dondoc serve --database-read-url` on a PostgreSQL hot standby (streamed
//! from the primary with the Debian binaries' `pg_basebackup`) reads visitors' pages from the
//! standby, and everything else from the primary. Shown by holding the standby's replay: a
//! change made on the primary is on the signed-in page at once, and on the visitor's page
//! only once the standby has replayed it.

use std::time::{Duration, Instant};

use dondoc_store::Store;
use dondoc_testing::OwnCluster;

use crate::nodes::{http, sign_in, start_with};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visitors_pages_are_read_from_a_replica() {
    let Some(primary) = OwnCluster::start().await else {
        return;
    };
    let url = primary.database("dondoc").await;
    {
        let store = Store::connect(&url).await.unwrap();
        dondoc::demo::load(&store).await.expect("demo");
        store.close().await;
    }
    let standby = primary.standby().await;
    let replica_url = standby.url("dondoc");
    let replica = Store::connect(&replica_url)
        .await
        .expect("the standby answers");

    let node = {
        let (url, replica_url) = (url.clone(), replica_url.clone());
        tokio::task::spawn_blocking(move || {
            start_with(
                &url,
                &["--database-read-url", &replica_url, "--page-cache", "0"],
            )
        })
        .await
        .unwrap()
    };
    let page = "/sessions/1";
    let (status, _, body) = http(&node, "GET", page, &[], "");
    assert_eq!(status, 200, "{body}");
    assert!(!body.contains("Đổi trên máy chính"));

    // The standby stops replaying; a change on the primary.
    replica
        .execute_raw("select pg_wal_replay_pause()")
        .await
        .unwrap();
    let primary_store = Store::connect(&url).await.unwrap();
    primary_store
        .execute_raw("update sessions set title = 'Đổi trên máy chính' where id = 1")
        .await
        .unwrap();

    // The signed-in read the primary; the visitor, the standby, which has not seen it.
    let cookie = sign_in(&node, "lanhdao", "lanhdao-demo");
    let (_, _, signed_in) = http(&node, "GET", page, &[("Cookie", cookie.clone())], "");
    assert!(signed_in.contains("Đổi trên máy chính"), "{signed_in}");
    let (status, _, visitor) = http(&node, "GET", page, &[], "");
    assert_eq!(status, 200);
    assert!(
        !visitor.contains("Đổi trên máy chính"),
        "read from the primary: {visitor}"
    );
    let (_, _, search) = http(&node, "GET", "/api/v1/sessions", &[], "");
    assert!(!search.contains("Đổi trên máy chính"));

    // Replay again: the visitor sees it too.
    replica
        .execute_raw("select pg_wal_replay_resume()")
        .await
        .unwrap();
    let t = Instant::now();
    loop {
        let (_, _, visitor) = http(&node, "GET", page, &[], "");
        if visitor.contains("Đổi trên máy chính") {
            break;
        }
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "the standby never caught up"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
