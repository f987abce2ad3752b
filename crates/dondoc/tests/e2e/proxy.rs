//! nginx (Debian's `nginx-light`) in front of two `dondoc serve` nodes on one PostgreSQL,
//! with the proxy settings of `deploy/nginx/dondoc-proxy.conf`: a leader signs in through it
//! and pages come back from both nodes, compressed; `/metrics` stays on the nodes' machine.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use dondoc_store::Backend;
use dondoc_testing::TestDb;

use crate::nodes::{free_port, http, start_with, Node};

fn nginx() -> Option<String> {
    ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .map(str::to_string)
}

#[test]
fn nginx_in_front_of_two_nodes() {
    let Some(nginx) = nginx() else {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "nginx is required when CI=true (scripts/install-test-deps.sh installs it)"
        );
        eprintln!("skipping: nginx is not installed");
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(db) = rt.block_on(TestDb::new(Backend::Postgres)) else {
        return;
    };
    rt.block_on(async {
        let store = db.store().await;
        dondoc::demo::load(&store).await.expect("demo");
        store.close().await;
    });
    let a = start_with(&db.url, &["--trust-proxy=true"]);
    let b = start_with(&db.url, &["--trust-proxy=true"]);

    // nginx as the deploy/ site has it, on plain HTTP over loopback.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display().to_string();
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o777),
    )
    .unwrap();
    let proxy = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../deploy/nginx/dondoc-proxy.conf"
    );
    let port = free_port();
    let conf = format!(
        "daemon off; worker_processes 1; pid {d}/nginx.pid; error_log {d}/error.log;
         events {{ worker_connections 64; }}
         http {{
           access_log off;
           client_body_temp_path {d}/body; proxy_temp_path {d}/proxy;
           fastcgi_temp_path {d}/fastcgi; uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
           upstream dondoc {{ server 127.0.0.1:{}; server 127.0.0.1:{}; keepalive 8; }}
           server {{ listen 127.0.0.1:{port}; include {proxy}; }}
         }}",
        a.port(),
        b.port()
    );
    std::fs::write(dir.path().join("nginx.conf"), conf).unwrap();
    let child = Command::new(&nginx)
        .args(["-p", &d, "-c", &format!("{d}/nginx.conf")])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start nginx");
    let front = Node::other(child, port);
    let start = Instant::now();
    while http(&front, "GET", "/healthz", &[], "").0 != 200 {
        let log = std::fs::read_to_string(dir.path().join("error.log")).unwrap_or_default();
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "nginx did not start: {log}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // Sign in through nginx, as a browser.
    let cookie = crate::nodes::sign_in(&front, "lanhdao", "lanhdao-demo");

    // Pages come from both nodes (nginx takes them in turn), signed in, compressed.
    let signed_in = [
        ("Cookie", cookie.clone()),
        ("Accept-Encoding", "gzip".to_string()),
    ];
    for i in 0..4 {
        let (status, headers, _) = http(&front, "GET", "/petitions", &signed_in, "");
        assert_eq!(status, 200, "request {i}");
        assert!(
            headers
                .iter()
                .any(|(k, v)| k == "content-encoding" && v == "gzip"),
            "request {i} is compressed: {headers:?}"
        );
    }
    let (_, _, me) = http(&front, "GET", "/api/v1/me", &[("Cookie", cookie)], "");
    assert!(me.contains("lanhdao"), "{me}");
    // Each node answered some of it.
    for node in [&a, &b] {
        let (_, _, metrics) = http(node, "GET", "/metrics", &[], "");
        assert!(
            metrics.contains(r#"route="/petitions""#),
            "node {} served none of the pages",
            node.port()
        );
    }
    // And the public site does not show the metrics.
    assert_eq!(http(&front, "GET", "/metrics", &[], "").0, 404);
}
