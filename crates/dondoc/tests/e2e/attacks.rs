//! Attacks on the application that once worked, each kept here so that it cannot come back,
//! run in process on SQLite and on PostgreSQL; `served.rs` makes the ones that threatened the
//! process itself against a real `dondoc serve`, and builds its uploads with the helpers here.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::json;
use tower::ServiceExt;

fn token_request(login: &str, password: &str) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri("/api/v1/tokens")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({ "login": login, "password": password }).to_string(),
        ))
        .unwrap()
}

/// A POST carrying the session cookie and some Authorization header, but no form token.
fn signed_in_post(
    uri: &str,
    cookie: &str,
    authorization: &str,
    content_type: &str,
    body: impl Into<Body>,
) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::COOKIE, cookie)
        .header(header::AUTHORIZATION, authorization)
        .header(header::CONTENT_TYPE, content_type)
        .body(body.into())
        .unwrap()
}

app_test!(
    csrf_is_required_whatever_authorization_header_comes_along,
    |app| async move {
        let admin = app.login("quantri", "quantri-demo").await;
        let cookie = admin.cookie.clone().unwrap();
        let users_before = app.store.users().await.unwrap().len();
        for authorization in ["Basic cXVhbnRyaTpx", "bearer x", "Negotiate abc", "x"] {
            let form = "login=kedot&display_name=K%E1%BA%BB+%C4%91%E1%BB%99t&role=admin&password=mat-khau-ke-dot";
            let form_type = "application/x-www-form-urlencoded";
            let r = app
                .send(signed_in_post(
                    "/users",
                    &cookie,
                    authorization,
                    form_type,
                    form,
                ))
                .await;
            assert_eq!(
                r.status,
                StatusCode::FORBIDDEN,
                "Authorization: {authorization} → {} {}",
                r.status,
                r.body
            );
            let body = json!({ "kind": "Kế hoạch" }).to_string();
            let req = signed_in_post(
                "/api/v1/documents",
                &cookie,
                authorization,
                "application/json",
                body,
            );
            let r = app.send(req).await;
            assert!(
                matches!(r.status, StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED),
                "API with Authorization: {authorization} → {} {}",
                r.status,
                r.body
            );
        }
        assert_eq!(app.store.users().await.unwrap().len(), users_before);
        // A real bearer token is the one way past CSRF, and then the cookie does not count.
        let token = app.token("vanthu", "vanthu-demo").await.token.unwrap();
        let req = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/users")
            .header(header::COOKIE, &cookie)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                json!({ "login": "kedot2", "display_name": "Kẻ đột", "role": "admin", "password": "mat-khau-ke-dot" })
                    .to_string(),
            ))
            .unwrap();
        let r = app.send(req).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    }
);

/// A real .docx (as Word's own library writes it) with its `word/document.xml` replaced by
/// what `write` produces, deflated at the highest level; with `zip64` the sizes go in ZIP64
/// extra fields, where a liar can put anything.
pub(crate) fn docx_with(zip64: bool, write: impl FnOnce(&mut dyn std::io::Write)) -> Vec<u8> {
    let mut skeleton = std::io::Cursor::new(Vec::new());
    docx_rs::Docx::new()
        .add_paragraph(docx_rs::Paragraph::new().add_run(docx_rs::Run::new().add_text("x")))
        .build()
        .pack(&mut skeleton)
        .unwrap();
    let mut skeleton = zip::ZipArchive::new(std::io::Cursor::new(skeleton.into_inner())).unwrap();
    let mut buf = Vec::new();
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(&mut buf));
    for i in 0..skeleton.len() {
        let entry = skeleton.by_index_raw(i).unwrap();
        if entry.name() != "word/document.xml" {
            z.raw_copy_file(entry).unwrap();
        }
    }
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .large_file(zip64);
    z.start_file("word/document.xml", opts).unwrap();
    write(&mut z);
    z.finish().unwrap();
    buf
}

pub(crate) fn docx(xml: &[u8], zip64: bool) -> Vec<u8> {
    docx_with(zip64, |w| w.write_all(xml).unwrap())
}

/// Declares an uncompressed size of `size` bytes in every ZIP64 extra field of the archive.
pub(crate) fn declare_zip64_size(file: &mut [u8], size: u64) {
    let mut patched = 0;
    let mut at = 0;
    while let Some(i) = file[at..]
        .windows(4)
        .position(|w| w == [0x01, 0x00, 0x10, 0x00])
    {
        // Header id 0x0001 (ZIP64), data size 16 or more: uncompressed size comes first.
        let start = at + i + 4;
        file[start..start + 8].copy_from_slice(&size.to_le_bytes());
        patched += 1;
        at = start + 8;
    }
    assert!(patched >= 1, "no ZIP64 field to patch");
}

/// A .docx whose document is `size` bytes of one paragraph repeated, written in pieces so
/// that the test itself never holds it.
pub(crate) fn bomb(size: usize) -> Vec<u8> {
    let run = "<w:p><w:r><w:t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</w:t></w:r></w:p>";
    let chunk = run.repeat((1 << 20) / run.len());
    let doc = document("");
    let (head, tail) = doc.split_once("</w:body>").unwrap();
    docx_with(true, |w| {
        w.write_all(head.as_bytes()).unwrap();
        for _ in 0..size / chunk.len() {
            w.write_all(chunk.as_bytes()).unwrap();
        }
        w.write_all(b"</w:body>").unwrap();
        w.write_all(tail.as_bytes()).unwrap();
    })
}

pub(crate) fn document(body: &str) -> String {
    format!(
        r#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    )
}

app_test!(
    nul_and_control_characters_are_refused_at_the_door,
    |app| async move {
        let anonymous = app.anonymous();
        for path in [
            "/api/v1/petitions?status=%00",
            "/api/v1/targets?q=%00",
            "/api/v1/sessions?q=a%00b",
            "/petitions?q=%00",
        ] {
            let r = anonymous.api(Method::GET, path, None).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.body);
        }
        // Escaped letters are letters: "đường" in UTF-8 has bytes that are C1 controls in
        // Latin-1 (0x91), and a tab or a line break in a search is fine.
        for path in [
            "/api/v1/petitions?q=%C4%91%C6%B0%E1%BB%9Dng",
            "/petitions?q=nh%C3%A0%09v%C4%83n",
        ] {
            let r = anonymous.api(Method::GET, path, None).await;
            assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
        }
        let r = anonymous
            .post_json(
                "/api/v1/tokens",
                json!({ "login": "quantri\u{0}", "password": "quantri-demo" }),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        let admin = app.token("quantri", "quantri-demo").await;
        let r = admin
            .post_json("/api/v1/documents", json!({ "kind": "Kế\u{0}hoạch" }))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        // Text made only of invisible characters is empty text.
        let r = admin
            .post_json(
                "/api/v1/documents",
                json!({ "kind": "\u{200b}\u{200e}\u{2066}\u{feff}" }),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.json()["field"], "kind");
    }
);

app_test!(search_wildcards_are_plain_characters, |app| async move {
    let anonymous = app.anonymous();
    for q in ["%25", "_", "%25%25", "%5C"] {
        let r = anonymous
            .api(Method::GET, &format!("/api/v1/petitions?q={q}"), None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{q}: {}", r.body);
        assert_eq!(r.json()["total"], 0, "q={q} matches nothing");
    }
});

app_test!(
    signing_in_renews_the_form_token_and_private_pages_are_not_cached,
    |app| async move {
        let mut c = app.anonymous();
        let page = c.get("/login").await;
        let before = crate::support::csrf_of(&page.body);
        c.csrf = Some(before.clone());
        let r = c
            .post_form(
                "/login",
                &[("login", "vanthu"), ("password", "vanthu-demo")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let page = c.get("/sessions/new").await;
        assert_ne!(crate::support::csrf_of(&page.body), before);
        assert_eq!(
            page.headers
                .get(header::CACHE_CONTROL)
                .map(|v| v.to_str().unwrap()),
            Some("no-store")
        );
        let api = app.token("vanthu", "vanthu-demo").await;
        let r = api.api(Method::GET, "/api/v1/me", None).await;
        assert_eq!(
            r.headers
                .get(header::CACHE_CONTROL)
                .map(|v| v.to_str().unwrap()),
            Some("no-store")
        );
        // What anyone may see may be cached as usual.
        let r = app.anonymous().get("/sessions").await;
        assert!(r.headers.get(header::CACHE_CONTROL).is_none());
    }
);

app_test!(
    a_forged_forwarded_for_does_not_dodge_the_address_count,
    |app| async move {
        // Behind one trusted proxy, which appends the address it saw (9.9.9.9).
        let router = dondoc_web::router(dondoc_web::AppState::new(
            app.store.clone(),
            dondoc_web::WebConfig {
                today: Some(crate::support::TODAY),
                trusted_proxies: 1,
                ..Default::default()
            },
        ));
        let mut last = StatusCode::OK;
        for i in 0..32 {
            // A different account each time, so that only the address count can stop it.
            let mut req = token_request(&format!("khong-co-{i}"), "doan-sai");
            req.headers_mut().insert(
                "x-forwarded-for",
                format!("10.0.{i}.1, 9.9.9.9").parse().unwrap(),
            );
            last = router.clone().oneshot(req).await.unwrap().status();
        }
        assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    }
);

async fn me(c: &crate::support::Client<'_>) -> StatusCode {
    c.api(Method::GET, "/api/v1/me", None).await.status
}

app_test!(
    api_tokens_end_with_the_password_expire_and_can_be_revoked,
    |app| async move {
        // A new password ends the tokens made with the old one.
        let clerk = app.token("vanthu", "vanthu-demo").await;
        assert_eq!(me(&clerk).await, StatusCode::OK);
        let system = dondoc_app::App::new(app.store.clone(), Some(crate::support::TODAY));
        dondoc_app::users::set_password(&system, &system.system(), "vanthu", "mat-khau-moi-2026")
            .await
            .unwrap();
        assert_eq!(me(&clerk).await, StatusCode::UNAUTHORIZED);

        // The owner lists and revokes; another user may do neither; an administrator may.
        let clerk = app.token("vanthu", "mat-khau-moi-2026").await;
        let mine = clerk.api(Method::GET, "/api/v1/tokens", None).await.json();
        let mine = mine.as_array().unwrap();
        assert_eq!(mine.len(), 1, "{mine:?}");
        let (id, owner) = (
            mine[0]["id"].as_i64().unwrap(),
            mine[0]["user_id"].as_i64().unwrap(),
        );
        assert!(mine[0]["expires_at"].is_string());
        let officer = app.token("chuyenvien", "chuyenvien-demo").await;
        let path = format!("/api/v1/tokens/{id}");
        let theirs = format!("/api/v1/tokens?user_id={owner}");
        assert_eq!(
            officer.api(Method::DELETE, &path, None).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            officer.api(Method::GET, &theirs, None).await.status,
            StatusCode::FORBIDDEN
        );
        let admin = app.token("quantri", "quantri-demo").await;
        let seen = admin.api(Method::GET, &theirs, None).await.json();
        assert_eq!(seen.as_array().unwrap().len(), 1);
        assert_eq!(
            clerk.api(Method::DELETE, &path, None).await.status,
            StatusCode::OK
        );
        assert_eq!(me(&clerk).await, StatusCode::UNAUTHORIZED);

        // Tokens expire: with a lifetime of zero days, a new one is already spent.
        let router = dondoc_web::router(dondoc_web::AppState::new(
            app.store.clone(),
            dondoc_web::WebConfig {
                today: Some(crate::support::TODAY),
                token_days: Some(0),
                ..Default::default()
            },
        ));
        let r = router
            .clone()
            .oneshot(token_request("quantri", "quantri-demo"))
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let body = http_body_util::BodyExt::collect(r.into_body())
            .await
            .unwrap()
            .to_bytes();
        let token: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let req = Request::builder()
            .uri("/api/v1/me")
            .header(
                header::AUTHORIZATION,
                format!("Bearer {}", token["token"].as_str().unwrap()),
            )
            .body(Body::empty())
            .unwrap();
        assert_eq!(
            router.oneshot(req).await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
    }
);

app_test!(
    naming_ones_own_session_does_not_open_other_units_records,
    |app| async move {
        // A target of another ward, and a session of the clerk's own ward.
        let other_ward = app.unit_id("UBND phường Hồng Hải").await;
        let target = app
            .store
            .create_target(
                dondoc_store::Who::default(),
                &dondoc_domain::input::NewTarget {
                    unit_id: other_ward,
                    indicator: "Thu ngân sách phường Hồng Hải".into(),
                    measure: "VND".into(),
                    period_from: jiff::civil::date(2026, 1, 1),
                    period_to: jiff::civil::date(2026, 12, 31),
                    plan_value: 5e9,
                    document_id: None,
                    approved: true,
                },
            )
            .await
            .unwrap()
            .id;
        let clerk = app.token("vanthu", "vanthu-demo").await;
        let own = app.unit_id("Đảng ủy phường Hà Lầm").await;
        let r = clerk
            .post_json(
                "/api/v1/sessions",
                json!({ "title": "Giao ban phường", "date": "2026-11-20", "host_unit_id": own }),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let session = r.json()["id"].as_i64().unwrap();

        let figure = json!({
            "period_from": "2026-01-01", "period_to": "2026-10-31", "value": 1000,
            "session_id": session
        });
        let r = clerk
            .post_json(&format!("/api/v1/targets/{target}/measurements"), figure)
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "measurement: {}", r.body);

        let other_city = app.unit_id("UBND tỉnh Quảng Ninh").await;
        let petition = json!({
            "text": "Đề nghị sửa đường liên phường", "session_id": session,
            "responsible_unit_id": other_city
        });
        let r = clerk.post_json("/api/v1/petitions", petition).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "petition: {}", r.body);

        // The same through the session page's form and the report import.
        let mut page_clerk = crate::import::clerk(&app).await;
        let r = page_clerk
            .post_form(
                &format!("/sessions/{session}/measurements"),
                &[
                    ("target_id", &target.to_string()),
                    ("value", "1000"),
                    ("period_from", "2026-01-01"),
                    ("period_to", "2026-10-31"),
                ],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "session form: {}",
            r.status
        );
        let r = page_clerk
            .post_form(
                "/sessions/import/confirm",
                &[
                    ("source", "Phường đạt 1.000 đồng."),
                    ("session_title", "Giao ban"),
                    ("session_date", "2026-11-20"),
                    ("session_host_unit_id", &own.to_string()),
                    ("figure_keep_0", "on"),
                    ("figure_target_id_0", &target.to_string()),
                    ("figure_value_0", "1000"),
                    ("figure_period_from_0", "2026-01-01"),
                    ("figure_period_to_0", "2026-10-31"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "import: {}", r.status);
        let figures = app
            .store
            .measurements(target, &dondoc_domain::Visibility::All)
            .await
            .unwrap();
        assert!(figures.is_empty(), "nothing was written: {figures:?}");
    }
);

/// Requests whose clients hang up mid-way (the server's work on them is dropped at whatever
/// point it reached) must not leave a pooled connection inside a transaction: once that
/// happened on SQLite, every later request answered 500 "database is locked" until a restart.
#[test]
fn clients_that_hang_up_do_not_wedge_the_database_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    hang_up_storm(&format!(
        "sqlite://{}",
        dir.path().join("hangup.db").display()
    ));
}

#[test]
fn clients_that_hang_up_do_not_wedge_the_database_postgres() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(db) = rt.block_on(dondoc_testing::TestDb::new(dondoc_store::Backend::Postgres)) else {
        return;
    };
    hang_up_storm(&db.url);
}

/// 1,000 requests (reads, and sign-ins, which write) abandoned after 0 to 15 ms, five clients
/// at once; then every page still answers.
fn hang_up_storm(url: &str) {
    use std::io::Write;
    let node = crate::nodes::start_demo(url);
    let port = node.port();
    let storm = |seed: u64| {
        let mut rng = seed;
        for i in 0..200 {
            rng = rng
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let wait = (rng >> 33) % 16;
            let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
                continue;
            };
            let req = match i % 3 {
                0 => "GET /login HTTP/1.1\r\nHost: x\r\n\r\n".to_string(),
                1 => "GET /sessions/2 HTTP/1.1\r\nHost: x\r\n\r\n".to_string(),
                _ => {
                    let body = r#"{"login":"vanthu","password":"sai"}"#;
                    format!(
                        "POST /api/v1/tokens HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    )
                }
            };
            let _ = s.write_all(req.as_bytes());
            std::thread::sleep(std::time::Duration::from_millis(wait));
            drop(s);
        }
    };
    // Five clients at once, 1,000 abandoned requests in all.
    std::thread::scope(|scope| {
        for seed in 1..=5 {
            scope.spawn(move || storm(seed));
        }
    });
    std::thread::sleep(std::time::Duration::from_millis(500));
    // Every pooled connection gets used: none may be stuck in a transaction.
    for i in 0..40 {
        let path = ["/login", "/sessions", "/sessions/2", "/petitions"][i % 4];
        let (status, _, body) = crate::nodes::http(&node, "GET", path, &[], "");
        assert_eq!(status, 200, "request {i}, {path}: {body}");
    }
}

app_test!(
    a_login_of_kilobytes_is_a_wrong_login_not_an_error,
    |app| async move {
        // Random letters do not compress: 3,000 of them once made the throttle's row too big
        // for its index on PostgreSQL (500).
        let mut rng = 0x2545_f491_4f6c_dd1d_u64;
        let login: String = (0..3000)
            .map(|_| {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                char::from(b'a' + (rng % 26) as u8)
            })
            .collect();
        let r = app
            .anonymous()
            .post_json("/api/v1/tokens", json!({ "login": login, "password": "x" }))
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    }
);

app_test!(
    linking_a_document_twice_at_once_links_it_once,
    |app| async move {
        let admin = app.token("quantri", "quantri-demo").await;
        let session = app.session_id("Đoàn công tác số 01").await;
        let path = format!("/api/v1/sessions/{session}/documents");
        // The race is not won every time: eight documents, 24 links of each at once.
        for _ in 0..8 {
            let r = admin
                .post_json("/api/v1/documents", json!({ "kind": "Kế hoạch" }))
                .await;
            let document = r.json()["id"].as_i64().unwrap();
            let mut links = tokio::task::JoinSet::new();
            for _ in 0..24 {
                let (admin, path) = (admin.clone(), path.clone());
                let router = app.app.clone();
                links.spawn(async move {
                    let req = Request::builder()
                        .method(Method::POST)
                        .uri(&path)
                        .header(
                            header::AUTHORIZATION,
                            format!("Bearer {}", admin.token.unwrap()),
                        )
                        .header(header::CONTENT_TYPE, "application/json")
                        .body(Body::from(json!({ "document_id": document }).to_string()))
                        .unwrap();
                    router.oneshot(req).await.unwrap().status()
                });
            }
            while let Some(status) = links.join_next().await {
                assert_eq!(status.unwrap(), StatusCode::CREATED);
            }
            let linked = app.store.session_documents(session).await.unwrap();
            assert_eq!(linked.iter().filter(|d| d.id == document).count(), 1);
        }
    }
);

// The form token once travelled in the upload forms' addresses (`?_csrf=…`), where proxies,
// logs and the Referer header keep it. The upload pages now send it in the body, and a token
// in an address is no token.
app_test!(
    an_uploads_form_token_is_never_taken_from_its_address,
    |app| async move {
        let mut clerk = app.login("vanthu", "vanthu-demo").await;
        let page = clerk.get("/sessions/import").await;
        assert!(
            !page.body.contains("?_csrf="),
            "no token in a form's address"
        );
        let csrf = crate::support::csrf_of(&page.body);
        // The file alone, the token in the address: refused.
        let boundary = "b";
        let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nBáo cáo\r\n--{boundary}--\r\n"
    );
        let r = clerk
            .post_raw(
                &format!("/sessions/import?_csrf={csrf}"),
                &format!("multipart/form-data; boundary={boundary}"),
                body.into_bytes(),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        // The token in the body, as the form sends it: read.
        let (ct, body) = crate::support::upload(&csrf, "file", "a.txt", "Báo cáo".as_bytes());
        let r = clerk.post_raw("/sessions/import", &ct, body).await;
        assert_ne!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        let d = app.directive_id("lập phương án nạo vét").await;
        let mut officer = app.login("chuyenvien", "chuyenvien-demo").await;
        let page = officer.get(&format!("/directives/{d}")).await;
        assert!(
            !page.body.contains("?_csrf="),
            "no token in a form's address"
        );
    }
);
