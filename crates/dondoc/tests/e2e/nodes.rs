//! Two `dondoc serve` processes on one PostgreSQL database, as a city runs several app nodes:
//! a login made through one is valid on the other, and a stale update through either is a 409.

use dondoc_domain::Visibility;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use dondoc_store::Backend;
use dondoc_testing::TestDb;

pub(crate) struct Node(Child, u16);

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub(crate) fn start(url: &str) -> Node {
    start_with(url, &[])
}

/// A node with the demo loaded into its (empty) database.
pub(crate) fn start_demo(url: &str) -> Node {
    start_with(url, &["--demo"])
}

impl Node {
    /// Another server process listening on `port` (nginx, say), stopped when dropped.
    pub(crate) fn other(child: Child, port: u16) -> Node {
        Node(child, port)
    }

    pub(crate) fn port(&self) -> u16 {
        self.1
    }

    /// The server's peak resident memory in bytes (VmHWM) since the last reset.
    pub(crate) fn peak_memory(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.0.id()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmHWM:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
            })
            .map_or(0, |kb| kb * 1024)
    }

    /// Resets the peak to the memory in use now.
    pub(crate) fn reset_peak_memory(&self) {
        let _ = std::fs::write(format!("/proc/{}/clear_refs", self.0.id()), "5");
    }
}

pub(crate) fn start_with(url: &str, serve_args: &[&str]) -> Node {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_dondoc"))
        .args([
            "--database-url",
            url,
            "--addr",
            &format!("127.0.0.1:{port}"),
            "serve",
        ])
        .args(serve_args)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start dondoc serve");
    let node = Node(child, port);
    let start = Instant::now();
    while http(&node, "GET", "/healthz", &[], "").0 != 200 {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "node on port {port} did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    node
}

/// A minimal HTTP/1.1 exchange over loopback: (status, headers, body).
pub(crate) fn http(
    node: &Node,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: impl AsRef<[u8]>,
) -> (u16, Vec<(String, String)>, String) {
    let body = body.as_ref();
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", node.1)) else {
        return (0, vec![], String::new());
    };
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\nContent-Length: {}\r\n", node.1, body.len());
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    let mut req = req.into_bytes();
    req.extend_from_slice(body);
    if stream.write_all(&req).is_err() {
        return (0, vec![], String::new());
    }
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return (0, vec![], text);
    };
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_lowercase(), v.to_string()))
        .collect();
    (status, headers, body.to_string())
}

pub(crate) fn cookie(headers: &[(String, String)]) -> Option<String> {
    named_cookie(headers, "dondoc_session")
}

/// The cookie a response sets under `name`, as a browser would send it back.
pub(crate) fn named_cookie(headers: &[(String, String)], name: &str) -> Option<String> {
    headers
        .iter()
        .find(|(k, v)| k == "set-cookie" && v.starts_with(&format!("{name}=")))
        .map(|(_, v)| v.split(';').next().unwrap().to_string())
}

#[test]
fn two_nodes_on_postgres_share_logins_and_refuse_stale_updates() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(db) = rt.block_on(TestDb::new(Backend::Postgres)) else {
        return;
    };
    let session_id = rt.block_on(async {
        let store = db.store().await;
        dondoc::demo::load(&store).await.expect("demo");
        let all = store
            .sessions(&Default::default(), &Visibility::All)
            .await
            .unwrap();
        let id = all
            .items
            .iter()
            .find(|s| s.session.title.starts_with("Đoàn công tác số 01"))
            .unwrap()
            .session
            .id;
        store.close().await;
        id
    });
    let a = start(&db.url);
    let b = start(&db.url);

    // Log in through node A, as a browser.
    let cookie = sign_in(&a, "lanhdao", "lanhdao-demo");
    // Signing in renewed the form token too: read the new one, from node B.
    let (_, _, home) = http(&b, "GET", "/", &[("Cookie", cookie.clone())], "");
    let csrf = crate::support::csrf_of(&home);

    // The same cookie is a valid login on node B.
    let (status, _, body) = http(&b, "GET", "/api/v1/me", &[("Cookie", cookie.clone())], "");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"login\":\"lanhdao\""));
    let (status, _, _) = http(&b, "GET", "/api/v1/me", &[], "");
    assert_eq!(status, 401);

    // Both nodes read version v; A writes first, B's write with v is stale.
    let (_, _, got) = http(
        &b,
        "GET",
        &format!("/api/v1/sessions/{session_id}"),
        &[("Cookie", cookie.clone())],
        "",
    );
    let json: serde_json::Value = serde_json::from_str(&got).unwrap();
    let s = &json["session"];
    let update = serde_json::json!({
        "title": s["title"], "date": s["date"], "host_unit_id": s["host_unit_id"], "published": true,
        "summary": "Cập nhật từ một nút", "version": s["version"]
    })
    .to_string();
    let api_headers = [
        ("Content-Type", "application/json".to_string()),
        ("Cookie", cookie.clone()),
        ("X-CSRF-Token", csrf.clone()),
    ];
    let (status, _, body) = http(
        &a,
        "PUT",
        &format!("/api/v1/sessions/{session_id}"),
        &api_headers,
        &update,
    );
    assert_eq!(status, 200, "{body}");
    let (status, _, body) = http(
        &b,
        "PUT",
        &format!("/api/v1/sessions/{session_id}"),
        &api_headers,
        &update,
    );
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("version_conflict"));
    // And the other way round.
    let (_, _, got) = http(
        &a,
        "GET",
        &format!("/api/v1/sessions/{session_id}"),
        &[],
        "",
    );
    let v = serde_json::from_str::<serde_json::Value>(&got).unwrap()["session"]["version"].clone();
    let update = update.replace(
        &format!("\"version\":{}", s["version"]),
        &format!("\"version\":{v}"),
    );
    assert_eq!(
        http(
            &b,
            "PUT",
            &format!("/api/v1/sessions/{session_id}"),
            &api_headers,
            &update
        )
        .0,
        200
    );
    assert_eq!(
        http(
            &a,
            "PUT",
            &format!("/api/v1/sessions/{session_id}"),
            &api_headers,
            &update
        )
        .0,
        409
    );

    // Logging out on B ends the session on A too.
    let logout = format!("_csrf={csrf}");
    let (status, _, _) = http(&b, "POST", "/logout", &form_headers_with(&cookie), &logout);
    assert_eq!(status, 303);
    assert_eq!(
        http(&a, "GET", "/api/v1/me", &[("Cookie", cookie)], "").0,
        401
    );
}

/// Signs in through the login form as a browser would, and returns the session cookie. The
/// login form writes no web session: its token comes in the form cookie.
pub(crate) fn sign_in(node: &Node, login: &str, password: &str) -> String {
    let (status, headers, page) = http(node, "GET", "/login", &[], "");
    assert_eq!(status, 200);
    assert_eq!(cookie(&headers), None, "the login form wrote a web session");
    let form_cookie = named_cookie(&headers, "dondoc_form").expect("form cookie");
    let form = format!(
        "_csrf={}&login={login}&password={password}&next=%2F",
        crate::support::csrf_of(&page)
    );
    let (status, headers, body) = http(
        node,
        "POST",
        "/login",
        &form_headers_with(&form_cookie),
        form,
    );
    assert_eq!(status, 303, "sign in as {login}: {body}");
    cookie(&headers).expect("a renewed session cookie")
}

pub(crate) fn form_headers_with(cookie: &str) -> [(&'static str, String); 2] {
    [
        (
            "Content-Type",
            "application/x-www-form-urlencoded".to_string(),
        ),
        ("Cookie", cookie.to_string()),
    ]
}
