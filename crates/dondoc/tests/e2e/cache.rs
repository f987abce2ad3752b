//! Pages kept in memory (`dondoc_web::cache`): answered again without drawing, with an `ETag`
//! that a client may send back for `304`, compressed for a client that takes gzip, forgotten
//! once a write goes through this node; a signed-in person's under their session alone;
//! never a page that sets a cookie.

use std::time::Duration;

use crate::support::TestApp;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use dondoc_store::Backend;
use dondoc_web::WebConfig;
use serde_json::json;

/// How the header names the signed-in (see the demo's users).
const LEADER: &str = "Nguyễn Anh Tú";
const OFFICER: &str = "Chuyên viên UBND phường";

async fn visitors_pages_are_kept(backend: Backend) {
    let Some(app) = TestApp::with_config(
        backend,
        WebConfig {
            page_cache: Some(Duration::from_secs(600)),
            ..Default::default()
        },
    )
    .await
    else {
        return;
    };
    let get = |path: String, headers: Vec<(header::HeaderName, String)>| {
        let mut b = Request::builder().method(Method::GET).uri(path);
        for (k, v) in headers {
            b = b.header(k, v);
        }
        app.send(b.body(Body::empty()).unwrap())
    };
    let listed = app
        .anonymous()
        .api(Method::GET, "/api/v1/petitions", None)
        .await;
    let first = &listed.json()["items"][0];
    let (id, title) = (
        first["id"].as_i64().unwrap(),
        first["title"].as_str().unwrap().to_string(),
    );
    let page = format!("/petitions/{id}");

    let r = get(page.clone(), vec![]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(&title));
    let etag = r
        .headers
        .get(header::ETAG)
        .expect("an ETag")
        .to_str()
        .unwrap()
        .to_string();
    // Sent back: not modified, no body.
    let r = get(page.clone(), vec![(header::IF_NONE_MATCH, etag.clone())]).await;
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);
    assert!(r.body.is_empty());

    // A change made behind the node's back (another node, say) shows once the page's time
    // is up; this one is answered from memory until then.
    let stored = app
        .store
        .petition(id, &dondoc_domain::Visibility::All)
        .await
        .unwrap();
    app.store
        .update_petition(
            dondoc_store::Who::default(),
            id,
            stored.petition.version,
            &dondoc_domain::input::NewPetition {
                title: "Tiêu đề đổi ngoài nút".into(),
                text: stored.petition.text.clone(),
                category: stored.petition.category.clone(),
                area_unit_id: stored.petition.area_unit_id,
                raised_by: stored.petition.raised_by.clone(),
                responsible_unit_id: stored.petition.responsible_unit_id,
                channel: Default::default(),
                coordinating_unit_ids: vec![],
                due_on: stored.petition.due_on,
                session_id: None,
                raised_on: crate::support::TODAY,
            },
        )
        .await
        .unwrap();
    let r = get(page.clone(), vec![]).await;
    assert!(r.body.contains(&title) && !r.body.contains("Tiêu đề đổi ngoài nút"));

    // A write through this node: every page drawn again.
    let admin = app.token("quantri", "quantri-demo").await;
    let version = admin
        .api(Method::GET, &format!("/api/v1/petitions/{id}"), None)
        .await
        .json()["petition"]["version"]
        .clone();
    let r = admin
        .api(
            Method::PUT,
            &format!("/api/v1/petitions/{id}"),
            Some(
                json!({ "title": "Tiêu đề mới", "text": stored.petition.text, "version": version }),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = get(page.clone(), vec![(header::IF_NONE_MATCH, etag.clone())]).await;
    assert_eq!(r.status, StatusCode::OK, "the old ETag no longer holds");
    assert!(r.body.contains("Tiêu đề mới"), "{}", r.body);

    // Compressed for a client that takes gzip, kept apart from the plain page.
    let r = get(
        "/petitions".into(),
        vec![(header::ACCEPT_ENCODING, "gzip".into())],
    )
    .await;
    assert_eq!(r.headers.get(header::CONTENT_ENCODING).unwrap(), "gzip");
    let zipped = r
        .headers
        .get(header::ETAG)
        .cloned()
        .expect("a gzip page is kept");
    let r = get(
        "/petitions".into(),
        vec![
            (header::ACCEPT_ENCODING, "gzip".into()),
            (header::IF_NONE_MATCH, zipped.to_str().unwrap().into()),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);
    let r = get("/petitions".into(), vec![]).await;
    assert!(r.headers.get(header::CONTENT_ENCODING).is_none());
    assert!(r.body.contains("<html"));

    // A page too large to keep is sent whole, every time.
    let big = app
        .store
        .create_session(
            dondoc_store::Who::default(),
            &dondoc_domain::input::NewSession {
                date: crate::support::TODAY,
                place: None,
                title: "Buổi làm việc có bài tường thuật dài".into(),
                host_unit_id: app.unit_id("Phường Hà Lầm").await,
                delegation_name: None,
                lead_person_id: None,
                summary: None,
                source_text: Some("Nội dung tường thuật rất dài. ".repeat(25_000)),
                published: true,
            },
        )
        .await
        .unwrap()
        .session
        .id;
    for _ in 0..2 {
        let r = get(format!("/sessions/{big}"), vec![]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.len() > 700_000, "{} bytes", r.body.len());
        assert!(r.body.trim_end().ends_with("</html>"));
    }

    // Languages apart.
    let r = get(
        "/petitions".into(),
        vec![(header::COOKIE, "lang=en".into())],
    )
    .await;
    assert!(r.body.contains("lang=\"en\""), "{}", &r.body[..200]);

    // The signed-in: their pages kept under their own session, never shown to another.
    let mut leader = app.login("lanhdao", "lanhdao-demo").await;
    let a = leader.get(&page).await;
    let b = leader.get(&page).await;
    assert!(
        a.body.contains("/logout") && a.body.contains(LEADER),
        "{}",
        a.body
    );
    assert_eq!(a.headers.get(header::ETAG), b.headers.get(header::ETAG));
    assert!(a.headers.get(header::ETAG).is_some());
    assert_eq!(a.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
    let mut officer = app.login("chuyenvien", "chuyenvien-demo").await;
    let c = officer.get(&page).await;
    assert!(
        c.body.contains(OFFICER) && !c.body.contains(LEADER),
        "{}",
        c.body
    );
    // Signing out is a write: the page is not answered from memory to the old cookie.
    let r = leader.post_form("/logout", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app
        .send(
            Request::builder()
                .uri(page.as_str())
                .header(header::COOKIE, leader.cookie.clone().unwrap())
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(!r.body.contains(LEADER), "{}", r.body);

    // A page that sets a cookie is never kept.
    let a = get("/login".into(), vec![]).await;
    let b = get("/login".into(), vec![]).await;
    assert!(
        a.headers.get(header::SET_COOKIE).is_some() && b.headers.get(header::SET_COOKIE).is_some()
    );
    assert_ne!(
        crate::support::csrf_of(&a.body),
        crate::support::csrf_of(&b.body)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visitors_pages_are_kept_sqlite() {
    visitors_pages_are_kept(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visitors_pages_are_kept_postgres() {
    visitors_pages_are_kept(Backend::Postgres).await;
}
