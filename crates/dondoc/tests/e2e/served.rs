//! The attacks that once worked against `dondoc serve`, made again against a real server
//! process over loopback, on SQLite and on PostgreSQL: uploads built to kill the process or
//! exhaust its memory (its own peak memory is read from /proc), parallel password guessing,
//! a form posted with a cookie and any Authorization header but no form token, a spoofed
//! `X-Forwarded-For`, NUL bytes and search wildcards. After all of it the process still
//! serves. The in-process suite (`attacks.rs`) keeps the cases that need the store's hands.

use std::sync::OnceLock;

use dondoc_store::Backend;
use dondoc_testing::TestDb;

use crate::attacks::{bomb, declare_zip64_size, document, docx};
use crate::nodes::{form_headers_with, http, start_with, Node};

/// The longest sign-in delay the server under attack is started with, in seconds: short, so
/// that the test sees the owner sign in after it.
const MAX_DELAY: u64 = 3;

#[test]
fn attacks_on_a_running_server_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    attack(&format!(
        "sqlite://{}",
        dir.path().join("attacked.db").display()
    ));
}

#[test]
fn attacks_on_a_running_server_postgres() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(db) = rt.block_on(TestDb::new(Backend::Postgres)) else {
        return;
    };
    attack(&db.url);
}

/// Signs in, and reads the form token of the signed-in session from the import page.
fn sign_in(node: &Node, login: &str, password: &str) -> (String, String) {
    let cookie = crate::nodes::sign_in(node, login, password);
    let (_, _, page) = http(
        node,
        "GET",
        "/sessions/import",
        &[("Cookie", cookie.clone())],
        "",
    );
    (cookie, crate::support::csrf_of(&page))
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The Word files, built once for both backends.
fn uploads() -> &'static [(&'static str, Vec<u8>)] {
    static FILES: OnceLock<Vec<(&'static str, Vec<u8>)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let text = "<w:p><w:r><w:t>Cử tri kiến nghị sửa đường</w:t></w:r></w:p>";
        let mut declares_2_40 = docx(document(text).as_bytes(), true);
        declare_zip64_size(&mut declares_2_40, 1 << 40);
        let mut declares_2_63 = docx(document(text).as_bytes(), true);
        declare_zip64_size(&mut declares_2_63, 1 << 63);
        // A wrong checksum: the CRC-32 of every entry, in both headers, flipped.
        let mut bad_crc = docx(document(text).as_bytes(), false);
        for sig in [&b"PK\x03\x04"[..], &b"PK\x01\x02"[..]] {
            let mut at = 0;
            while let Some(i) = bad_crc[at..].windows(4).position(|w| w == sig) {
                let crc = at + i + if sig[2] == 3 { 14 } else { 16 };
                for b in &mut bad_crc[crc..crc + 4] {
                    *b ^= 0xff;
                }
                at = crc + 4;
            }
        }
        // 1 GB of XML in about a megabyte; 9 million empty paragraphs.
        let gigabyte = bomb(1 << 30);
        let paragraphs = docx(document(&"<w:p/>".repeat(9_000_000)).as_bytes(), false);
        vec![
            ("declares 2^40 bytes", declares_2_40),
            ("declares 2^63 bytes", declares_2_63),
            ("wrong checksum", bad_crc),
            ("1 GB bomb", gigabyte),
            ("9 million paragraphs", paragraphs),
        ]
    })
}

fn attack(url: &str) {
    let delay = format!("--max-sign-in-delay={MAX_DELAY}");
    let node = start_with(url, &["--demo", "--trust-proxy=true", &delay]);
    uploads_are_refused_within_bounded_memory(&node);
    parallel_guesses_are_delayed_and_the_owner_still_signs_in(&node);
    csrf_is_required_whatever_authorization_comes_along(&node);
    a_forged_forwarded_for_does_not_dodge_the_address_count(&node);
    nul_bytes_and_wildcards_are_plain_input(&node);
    // After all of it, the same process still serves.
    assert_eq!(http(&node, "GET", "/healthz", &[], "").0, 200);
    assert_eq!(http(&node, "GET", "/readyz", &[], "").0, 200);
    assert_eq!(http(&node, "GET", "/sessions", &[], "").0, 200);
    metrics_are_scraped_from_this_machine_only(&node);
}

fn metrics_are_scraped_from_this_machine_only(node: &Node) {
    let (status, headers, text) = http(node, "GET", "/metrics", &[], "");
    assert_eq!(status, 200);
    assert!(header(&headers, "content-type").is_some_and(|t| t.starts_with("text/plain")));
    // Requests counted by route pattern, with their latency, and the pool's connections.
    for line in [
        r#"http_requests_total{method="GET",route="/sessions",status="200"}"#,
        r#"http_requests_total{method="POST",route="/sessions/import",status="413"}"#,
        r#"http_request_duration_seconds_bucket{method="GET",route="/sessions",status="200",le="0.1"}"#,
        r#"db_pool_connections{state="idle"}"#,
    ] {
        assert!(text.contains(line), "no {line} in:\n{text}");
    }
    // What came through a proxy is not answered.
    let proxied = [("X-Forwarded-For", "203.0.113.9".to_string())];
    assert_eq!(http(node, "GET", "/metrics", &proxied, "").0, 404);
}

fn uploads_are_refused_within_bounded_memory(node: &Node) {
    let (cookie, csrf) = sign_in(node, "vanthu", "vanthu-demo");
    let path = "/sessions/import".to_string();
    for (name, file) in uploads() {
        let (content_type, body) = crate::support::upload(&csrf, "file", "bao-cao.docx", file);
        node.reset_peak_memory();
        let (status, _, page) = http(
            node,
            "POST",
            &path,
            &[("Content-Type", content_type), ("Cookie", cookie.clone())],
            body,
        );
        let peak = node.peak_memory();
        assert!(
            matches!(status, 413 | 422),
            "{name}: {status} {}",
            page.chars().take(300).collect::<String>()
        );
        assert!(
            page.contains("Bài quá dài") || page.contains("Không đọc được tệp Word"),
            "{name}: the page says why"
        );
        assert!(
            peak < 200 << 20,
            "{name}: the server's peak memory reached {} MB",
            peak >> 20
        );
        eprintln!("{name}: {status}, server peak {} MB", peak >> 20);
        assert_eq!(http(node, "GET", "/healthz", &[], "").0, 200, "{name}");
    }
}

fn token_request(node: &Node, login: &str, password: &str) -> (u16, Vec<(String, String)>) {
    let body = serde_json::json!({ "login": login, "password": password }).to_string();
    let (status, headers, _) = http(
        node,
        "POST",
        "/api/v1/tokens",
        &[("Content-Type", "application/json".to_string())],
        body,
    );
    (status, headers)
}

fn parallel_guesses_are_delayed_and_the_owner_still_signs_in(node: &Node) {
    // 100 guesses at once from one address: a count read before the failures are written
    // would let them all through, and the right password after them.
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let guesses: Vec<_> = (0..100)
            .map(|i| scope.spawn(move || token_request(node, "chuyenvien", &format!("sai-{i}")).0))
            .collect();
        guesses.into_iter().map(|g| g.join().unwrap()).collect()
    });
    assert!(
        statuses.iter().all(|s| matches!(s, 401 | 429)),
        "{statuses:?}"
    );
    let refused = statuses.iter().filter(|&&s| s == 429).count();
    assert!(refused >= 90, "only {refused} of 100 guesses were refused");
    let (status, headers) = token_request(node, "chuyenvien", "chuyenvien-demo");
    assert_eq!(status, 429, "the right password right after the burst");
    let wait: u64 = header(&headers, "retry-after")
        .expect("Retry-After")
        .parse()
        .unwrap();
    assert!((1..=MAX_DELAY).contains(&wait), "wait {wait} s");
    // Delayed, not locked out: after the wait it named, the owner signs in.
    std::thread::sleep(std::time::Duration::from_secs(wait));
    assert_eq!(token_request(node, "chuyenvien", "chuyenvien-demo").0, 201);
}

fn csrf_is_required_whatever_authorization_comes_along(node: &Node) {
    let (cookie, _) = sign_in(node, "quantri", "quantri-demo");
    let form = "login=kedot&display_name=Ke+dot&role=admin&password=mat-khau-ke-dot";
    for authorization in ["Basic cXVhbnRyaTpx", "bearer x", "Negotiate abc", "x"] {
        let mut headers = form_headers_with(&cookie).to_vec();
        headers.push(("Authorization", authorization.to_string()));
        let (status, _, _) = http(node, "POST", "/users", &headers, form);
        assert_eq!(status, 403, "Authorization: {authorization}");
    }
    let (_, _, users) = http(node, "GET", "/users", &[("Cookie", cookie)], "");
    assert!(!users.contains("kedot"), "no account was made");
}

fn a_forged_forwarded_for_does_not_dodge_the_address_count(node: &Node) {
    // Behind the trusted proxy (which appends 203.0.113.9), a client rotating the entries it
    // writes itself is still one address, guessing at many accounts.
    let mut last = 0;
    for i in 0..32 {
        let body = serde_json::json!({ "login": format!("khong-co-{i}"), "password": "sai" });
        let headers = [
            ("Content-Type", "application/json".to_string()),
            ("X-Forwarded-For", format!("10.0.{i}.1, 203.0.113.9")),
        ];
        last = http(node, "POST", "/api/v1/tokens", &headers, body.to_string()).0;
    }
    assert_eq!(last, 429);
}

fn nul_bytes_and_wildcards_are_plain_input(node: &Node) {
    for path in [
        "/api/v1/petitions?status=%00",
        "/api/v1/targets?q=%00",
        "/petitions?q=%00",
    ] {
        assert_eq!(http(node, "GET", path, &[], "").0, 400, "{path}");
    }
    let body = r#"{"login":"quantri\u0000","password":"quantri-demo"}"#;
    let json = [("Content-Type", "application/json".to_string())];
    assert_eq!(http(node, "POST", "/api/v1/tokens", &json, body).0, 400);
    for q in ["%25", "_"] {
        let (status, _, body) = http(node, "GET", &format!("/api/v1/petitions?q={q}"), &[], "");
        assert_eq!(status, 200, "q={q}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["total"], 0, "q={q} matches nothing");
    }
}
