//! End-to-end tests of the web app and the API, each run on SQLite and on PostgreSQL with the
//! demo loaded: what a user sees, what the rules refuse, and how bad input is answered.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use dondoc_domain::Visibility;
use serde_json::json;

app_test!(
    seed_session_page_shows_its_figures_petitions_and_directives,
    |app| async move {
        let id = app.session_id("Đoàn công tác số 01").await;
        let page = app.anonymous().get(&format!("/sessions/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        for needle in [
            "trên 8,5 tỷ đồng",
            "87,2%",
            "datetime=\"2020-08-31\"",
            "datetime=\"2020-11-18\"",
            "xây mới nhà văn hóa khu 6",
            "xây mới Trụ sở Đảng ủy – HĐND – UBND phường Hà Lầm",
            "Đã kiến nghị 2 lần",
            "Ban quản lý dự án đầu tư xây dựng các dự án thành phố",
            "Nguyễn Anh Tú",
            "Hoàn thành trễ hạn",
        ] {
            assert!(
                page.body.contains(needle),
                "the session page lacks {needle:?}"
            );
        }
        // The same page in English, by the remembered switch.
        let mut en = app.anonymous();
        en.lang = Some("en");
        let page = en.get(&format!("/sessions/{id}")).await;
        assert!(
            page.body.contains("over 8.5 billion VND")
                && page.body.contains("87.2%")
                && page.body.contains("Raised 2 times")
        );
        let switched = app.anonymous().get("/lang/en").await;
        assert_eq!(switched.status, StatusCode::SEE_OTHER);
        assert!(switched
            .headers
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("lang=en"));
    }
);

app_test!(
    dashboard_lists_due_soon_and_overdue_directives,
    |app| async move {
        let mut leader = app.login("lanhdao", "lanhdao-demo").await;
        let page = leader.get("/").await;
        assert_eq!(page.status, StatusCode::OK);
        let overdue = page.body.find("Nhiệm vụ quá hạn").unwrap();
        let due_soon = page.body.find("Nhiệm vụ đến hạn trong 14 ngày").unwrap();
        let overdue_part = &page.body[overdue..due_soon];
        assert!(
            overdue_part.contains("báo cáo kết quả giải quyết các kiến nghị tồn đọng"),
            "{overdue_part}"
        );
        assert!(page.body[due_soon..].contains("hoàn thành rà soát, cấp giấy chứng nhận"));
        let list = leader.get("/directives?due=overdue").await;
        assert!(list.body.contains("báo cáo kết quả giải quyết"));
        assert!(!list.body.contains("lập phương án nạo vét"));
    }
);

app_test!(search_works_without_diacritics, |app| async move {
    let mut c = app.login("vanthu", "vanthu-demo").await;
    let r = c.get("/petitions?q=nha+van+hoa+khu+6").await;
    assert!(r.body.contains("Xây mới nhà văn hóa khu 6"), "{}", r.body);
    assert!(!r.body.contains("Xây mới nhà văn hóa khu 2"));
    let r = c.get("/sessions?q=DOAN%20CONG%20TAC").await;
    assert!(r.body.contains("Đoàn công tác số 01 Thành ủy"));
    let api = app
        .anonymous()
        .api(Method::GET, "/api/v1/petitions?q=giay%20chung%20nhan", None)
        .await;
    assert_eq!(api.json()["total"], 1);
});

app_test!(
    plan_changes_only_by_amendment_which_history_shows,
    |app| async move {
        let leader = app.token("lanhdao", "lanhdao-demo").await;
        let list = leader
            .api(Method::GET, "/api/v1/targets?q=t%E1%BB%95ng%20thu", None)
            .await
            .json();
        let t = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["period_from"] == "2020-01-01")
            .unwrap()
            .clone();
        let id = t["id"].as_i64().unwrap();
        let mut body = json!({
            "unit_id": t["unit_id"], "indicator": t["indicator"], "measure": "VND", "period_from": "2020-01-01",
            "period_to": "2020-12-31", "plan_value": 9.0e9, "version": t["version"]
        });
        let refused = leader
            .api(
                Method::PUT,
                &format!("/api/v1/targets/{id}"),
                Some(body.clone()),
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.json()["field"], "plan_value");
        body["plan_value"] = t["plan_value"].clone();
        body["indicator"] = json!("Tổng thu ngân sách nhà nước trên địa bàn");
        let renamed = leader
            .api(Method::PUT, &format!("/api/v1/targets/{id}"), Some(body))
            .await;
        assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
        let version = renamed.json()["version"].clone();

        let no_reason = leader
            .api(
                Method::POST,
                &format!("/api/v1/targets/{id}/amendments"),
                Some(json!({ "new_value": 9.0e9, "version": version })),
            )
            .await;
        assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(no_reason.json()["field"], "reason");
        let amended = leader
        .api(Method::POST, &format!("/api/v1/targets/{id}/amendments"), Some(json!({ "new_value": 9.0e9, "reason": "Theo Nghị quyết HĐND", "version": version })))
        .await;
        assert_eq!(amended.status, StatusCode::CREATED, "{}", amended.body);
        let got = leader
            .api(Method::GET, &format!("/api/v1/targets/{id}"), None)
            .await
            .json();
        assert_eq!(got["target"]["plan_value"], 9.0e9);
        assert_eq!(got["amendments"][0]["old_value"], 9.75e9);
        let history = leader
            .api(Method::GET, &format!("/api/v1/history/target/{id}"), None)
            .await
            .json();
        let actions: Vec<&str> = history
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions.last(), Some(&"amend"));
        // The target's page shows the amendment and its reason.
        let page = app
            .login("lanhdao", "lanhdao-demo")
            .await
            .get(&format!("/targets/{id}"))
            .await;
        assert!(page.body.contains("Theo Nghị quyết HĐND") && page.body.contains("9,75 tỷ đồng"));
    }
);

app_test!(stale_updates_get_409_on_api_and_forms, |app| async move {
    let id = app.session_id("Đoàn công tác số 01").await;
    let leader = app.token("lanhdao", "lanhdao-demo").await;
    let s = leader
        .api(Method::GET, &format!("/api/v1/sessions/{id}"), None)
        .await
        .json()["session"]
        .clone();
    let body = json!({ "date": s["date"], "title": s["title"], "host_unit_id": s["host_unit_id"], "published": true, "version": s["version"], "summary": "Đã cập nhật" });
    let first = leader
        .api(
            Method::PUT,
            &format!("/api/v1/sessions/{id}"),
            Some(body.clone()),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let second = leader
        .api(Method::PUT, &format!("/api/v1/sessions/{id}"), Some(body))
        .await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    assert_eq!(second.json()["error"], "version_conflict");

    let mut clerk = app.login("vanthu", "vanthu-demo").await;
    let edit = clerk.get(&format!("/sessions/{id}/edit")).await;
    assert_eq!(edit.status, StatusCode::OK);
    let version = s["version"].as_i64().unwrap().to_string();
    let host = s["host_unit_id"].as_i64().unwrap().to_string();
    let r = clerk
        .post_form(
            &format!("/sessions/{id}"),
            &[
                ("date", "2020-08-24"),
                ("title", "Tiêu đề sửa dở của văn thư"),
                ("host_unit_id", &host),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        r.body.contains("vừa được người khác thay đổi"),
        "{}",
        r.body
    );
    // The form again, on the record as it is now, with what was typed kept: saved once more,
    // it goes through.
    assert!(r.body.contains("Tiêu đề sửa dở của văn thư"), "{}", r.body);
    let again = crate::support::form_fields(&r.body, &format!("/sessions/{id}"));
    let current = again.iter().find(|(k, _)| k == "version").unwrap();
    assert_ne!(current.1, version, "the form carries the current version");
    let fields: Vec<(&str, &str)> = again
        .iter()
        .filter(|(k, _)| k != "_csrf")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = clerk.post_form(&format!("/sessions/{id}"), &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = leader
        .api(Method::GET, &format!("/api/v1/sessions/{id}"), None)
        .await
        .json();
    assert_eq!(after["session"]["title"], "Tiêu đề sửa dở của văn thư");
    assert_eq!(
        after["session"]["summary"], "Đã cập nhật",
        "kept from the other edit"
    );
});

app_test!(petition_and_directive_workflows, |app| async move {
    let id = app
        .petition_id("xây mới Trụ sở Đảng ủy – HĐND – UBND phường Hà Lầm")
        .await;
    let ubnd_phuong = app.unit_id("UBND phường Hà Lầm").await;
    let admin = app.token("quantri", "quantri-demo").await;
    let p = admin
        .api(Method::GET, &format!("/api/v1/petitions/{id}"), None)
        .await
        .json();
    assert_eq!(p["petition"]["raised_count"], 2);
    let v = p["petition"]["version"].clone();
    // Reassign to the officer's unit, then the officer answers and the page shows it.
    let r = admin
        .api(
            Method::POST,
            &format!("/api/v1/petitions/{id}/transitions"),
            Some(json!({ "action": "assign", "responsible_unit_id": ubnd_phuong, "version": v })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mut officer = app.login("chuyenvien", "chuyenvien-demo").await;
    let page = officer.get(&format!("/petitions/{id}")).await;
    let version = app
        .store
        .petition(id, &Visibility::All)
        .await
        .unwrap()
        .petition
        .version
        .to_string();
    let empty = officer
        .post_form(
            &format!("/petitions/{id}/transition"),
            &[("action", "answer"), ("version", &version), ("answer", " ")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        empty.body.contains("Không được để trống"),
        "messages beside the field"
    );
    assert!(page.body.contains("Trả lời"));
    let ok = officer
        .post_form(
            &format!("/petitions/{id}/transition"),
            &[
                ("action", "answer"),
                ("version", &version),
                ("answer", "Đã bố trí vốn năm 2027"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    // A transition the state machine forbids is refused with 409.
    let version = app
        .store
        .petition(id, &Visibility::All)
        .await
        .unwrap()
        .petition
        .version
        .to_string();
    let again = officer
        .post_form(
            &format!("/petitions/{id}/transition"),
            &[("action", "start"), ("version", &version)],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);

    let d = app
        .directive_id("hoàn thành rà soát, cấp giấy chứng nhận")
        .await;
    let page = officer.get(&format!("/directives/{d}")).await;
    let fields = crate::support::form_fields(&page.body, &format!("/directives/{d}/progress"));
    let version = fields
        .iter()
        .find(|(k, _)| k == "version")
        .map(|(_, v)| v.clone())
        .expect("the progress form carries the version it was drawn from");
    let report = |percent: &'static str, text: &'static str, version: String| {
        vec![
            ("percent", percent.to_string()),
            ("text", text.to_string()),
            ("date", "2026-11-26".to_string()),
            ("version", version),
        ]
    };
    let first = report("90", "Đã cấp 55/61 giấy", version);
    let refs: Vec<(&str, &str)> = first.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = officer
        .post_form(&format!("/directives/{d}/progress"), &refs)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = officer.get(&format!("/directives/{d}")).await;
    assert!(page.body.contains("Đã cấp 55/61 giấy") && page.body.contains("90%"));
    // The same form sent again was drawn from a version that moved on: refused, not added.
    let r = officer
        .post_form(&format!("/directives/{d}/progress"), &refs)
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let page = officer.get(&format!("/directives/{d}")).await;
    // Once in the list of reports (the table of units and the history quote it too).
    assert_eq!(page.body.matches("90% — Đã cấp 55/61 giấy").count(), 1);
    let reports = app.store.progress_reports(d).await.unwrap();
    assert_eq!(
        reports
            .iter()
            .filter(|r| r.text == "Đã cấp 55/61 giấy")
            .count(),
        1
    );
});

app_test!(
    progress_needs_a_fresh_version_and_an_open_directive,
    |app| async move {
        let officer = app.token("chuyenvien", "chuyenvien-demo").await;
        let d = app
            .directive_id("hoàn thành rà soát, cấp giấy chứng nhận")
            .await;
        let path = format!("/api/v1/directives/{d}/progress");
        let version = |r: &crate::support::Resp| r.json()["directive"]["version"].as_i64().unwrap();
        let r = officer
            .api(Method::GET, &format!("/api/v1/directives/{d}"), None)
            .await;
        let v0 = version(&r);
        // Without the version it read, a report cannot be checked for staleness.
        let r = officer
            .post_json(&path, json!({"percent": 50, "text": "Một nửa"}))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.json()["field"], "version");
        let r = officer
            .post_json(
                &path,
                json!({"percent": 50, "text": "Một nửa", "version": v0}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.json()["status"], "in_progress");
        let v1 = r.json()["version"].as_i64().unwrap();
        // A stale report: 409 version_conflict.
        let r = officer
            .post_json(&path, json!({"percent": 60, "text": "Cũ", "version": v0}))
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        assert_eq!(r.json()["error"], "version_conflict");
        // Reported done: 100 % and the day it was done, decided by the domain.
        let r = officer
            .post_json(
                &format!("/api/v1/directives/{d}/transitions"),
                json!({"action": "report", "text": "Xong", "version": v1, "done_on": "2026-11-25"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let done = r.json();
        assert_eq!(done["progress_percent"], 100);
        assert_eq!(done["done_on"], "2026-11-25");
        // A report on a closed directive, with its current version: the one refusal.
        let r = officer
            .post_json(
                &path,
                json!({"percent": 70, "text": "Sau khi xong", "version": done["version"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        assert_eq!(r.json()["error"], "transition_not_allowed");
        // And so is a move the state machine refuses.
        let r = officer
            .post_json(
                &format!("/api/v1/directives/{d}/transitions"),
                json!({"action": "start", "version": done["version"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        assert_eq!(r.json()["error"], "transition_not_allowed");
    }
);

app_test!(security_headers_cookies_and_csrf, |app| async move {
    let r = app.anonymous().get("/").await;
    let csp = r
        .headers
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"));
    assert_eq!(r.headers.get("x-content-type-options").unwrap(), "nosniff");
    assert!(r.headers.get("x-request-id").is_some());

    let mut c = app.anonymous();
    // A session id planted before signing in (fixation) is not the one signed in to.
    let planted = "dondoc_session=planted-by-someone-else".to_string();
    c.cookie = Some(planted.clone());
    let login_page = c.get("/login").await;
    // The login form writes no web session (the unknown id is only cleared): its token
    // lives in the form cookie.
    assert_eq!(c.cookie.as_deref(), Some("dondoc_session="));
    assert!(c.form_cookie.is_some());
    let cookie_header = login_page
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(cookie_header.contains("httponly") && cookie_header.contains("samesite=lax"));
    // Without the token, or with a wrong one, the login form is refused.
    let r = c
        .post_form(
            "/login",
            &[("login", "quantri"), ("password", "quantri-demo")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    c.csrf = Some("0".repeat(64));
    let r = c
        .post_form(
            "/login",
            &[("login", "quantri"), ("password", "quantri-demo")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    c.csrf = Some(crate::support::csrf_of(&login_page.body));
    // The token of someone else's form cookie is refused too.
    let mut other = c.clone();
    other.form_cookie = Some(format!("dondoc_form={}", "ab".repeat(32)));
    let r = other
        .post_form(
            "/login",
            &[("login", "quantri"), ("password", "quantri-demo")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = c
        .post_form(
            "/login",
            &[("login", "quantri"), ("password", "quantri-demo")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_ne!(
        c.cookie.clone().unwrap(),
        planted,
        "the session id is renewed at login"
    );

    // A cookie-authenticated API write needs the token header too.
    let r = c
        .api(
            Method::POST,
            "/api/v1/documents",
            Some(json!({ "kind": "Kế hoạch" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["error"], "csrf_failed");
});

app_test!(anonymous_page_views_write_nothing, |app| async move {
    // 10,000 views by visitors without a cookie, as crawlers and residents make them: the
    // login form above all (it once wrote a web session each time), and the public pages.
    let pages = [
        "/login",
        "/",
        "/sessions",
        "/petitions",
        "/directives",
        "/targets",
    ];
    let sqlite_size = || {
        std::fs::read_dir(
            app.db
                .url
                .strip_prefix("sqlite://")
                .map_or("/nonexistent".as_ref(), |f| {
                    std::path::Path::new(f).parent().unwrap()
                }),
        )
        .map(|d| {
            d.filter_map(|e| e.ok()?.metadata().ok())
                .map(|m| m.len())
                .sum::<u64>()
        })
        .unwrap_or(0)
    };
    let sessions_before = app.store.http_session_count().await.unwrap();
    app.anonymous().get("/login").await;
    let size_before = sqlite_size();
    let mut views = tokio::task::JoinSet::new();
    for worker in 0..4 {
        let router = app.app.clone();
        views.spawn(async move {
            for i in 0..2500 {
                // Mostly the login form; every 50th view one of the listing pages.
                let path = if i % 50 == 0 {
                    pages[1 + (i / 50 + worker) % 5]
                } else {
                    pages[0]
                };
                let req = Request::builder().uri(path).body(Body::empty()).unwrap();
                let r = tower::ServiceExt::oneshot(router.clone(), req)
                    .await
                    .unwrap();
                assert_eq!(r.status(), StatusCode::OK, "{path}");
            }
        });
    }
    while let Some(done) = views.join_next().await {
        done.unwrap();
    }
    assert_eq!(
        app.store.http_session_count().await.unwrap(),
        sessions_before
    );
    assert_eq!(sqlite_size(), size_before, "the SQLite files did not grow");
});

app_test!(login_is_throttled_per_account, |app| async move {
    let mut c = app.anonymous();
    let page = c.get("/login").await;
    c.csrf = Some(crate::support::csrf_of(&page.body));
    for _ in 0..5 {
        let r = c
            .post_form(
                "/login",
                &[("login", "vanthu"), ("password", "wrong password")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.body.contains("không đúng"));
    }
    let r = c
        .post_form(
            "/login",
            &[("login", "vanthu"), ("password", "vanthu-demo")],
        )
        .await;
    // Refused unchecked: the wait counts this refusal too (5 failures and 1 refusal: 2 s).
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.body.contains("Vui lòng chờ 2 giây"), "{}", r.body);
    assert_eq!(r.headers["retry-after"], "2");
    let right = json!({ "login": "vanthu", "password": "vanthu-demo" });
    let api = app
        .anonymous()
        .api(Method::POST, "/api/v1/tokens", Some(right.clone()))
        .await;
    assert_eq!(api.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(api.headers["retry-after"], "4");
    // The owner elsewhere is not held up by failures made from this address.
    let mut elsewhere = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/tokens")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(right.to_string()))
        .unwrap();
    elsewhere
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            [192, 0, 2, 7],
            40000,
        ))));
    assert_eq!(app.send(elsewhere).await.status, StatusCode::CREATED);
    // Other accounts are not held up.
    app.login("chuyenvien", "chuyenvien-demo").await;
    // After the wait it named, the owner signs in here too.
    tokio::time::sleep(std::time::Duration::from_millis(4000)).await;
    let r = c
        .post_form(
            "/login",
            &[("login", "vanthu"), ("password", "vanthu-demo")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
});

app_test!(
    openapi_document_is_valid_and_lists_every_api_route,
    |app| async move {
        let r = app
            .anonymous()
            .api(Method::GET, "/api/v1/openapi.json", None)
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let doc = oas3::from_json(&r.body).expect("a valid OpenAPI 3.1 document");
        assert!(doc.openapi.starts_with("3."));
        // A parameter said to be in the path is one of the path's `{…}` (list filters were
        // once documented as path parameters, so clients never sent them).
        let raw = r.json();
        for (path, item) in raw["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                for param in op["parameters"].as_array().into_iter().flatten() {
                    let name = param["name"].as_str().unwrap();
                    let in_path = param["in"] == "path";
                    assert_eq!(
                        in_path,
                        path.contains(&format!("{{{name}}}")),
                        "{method} {path}: parameter {name} is \"in\": {}",
                        param["in"]
                    );
                }
            }
        }
        let documented: std::collections::BTreeSet<(String, String)> = doc
            .paths
            .clone()
            .unwrap_or_default()
            .into_iter()
            .flat_map(|(path, item)| {
                let mut methods = Vec::new();
                for (m, op) in [
                    ("get", &item.get),
                    ("post", &item.post),
                    ("put", &item.put),
                    ("delete", &item.delete),
                    ("patch", &item.patch),
                ] {
                    if op.is_some() {
                        methods.push((m.to_string(), path.clone()));
                        let op = op.as_ref().unwrap();
                        assert!(
                            op.responses.as_ref().is_some_and(|r| !r.is_empty()),
                            "{m} {path} documents its responses"
                        );
                    }
                }
                methods
            })
            .collect();
        // Every API route of the route table, read from the table itself.
        let table = include_str!("../../../web/src/routes.rs");
        let api_part =
            &table[table.find("fn api_v1()").unwrap()..table.find("async fn style(").unwrap()];
        // Whitespace-insensitive: a `.route(` call may span lines once formatted.
        let compact: String = api_part.chars().filter(|c| !c.is_whitespace()).collect();
        let mut routed = std::collections::BTreeSet::new();
        for call in compact.split(".route(").skip(1) {
            let path = call.split('"').nth(1).unwrap();
            for m in ["get", "post", "put", "delete", "patch"] {
                let first = call.starts_with(&format!("\"{path}\",{m}(api::"));
                if first || call.contains(&format!(".{m}(api::")) {
                    routed.insert((m.to_string(), format!("/api/v1{path}")));
                }
            }
        }
        assert!(
            routed.len() >= 40,
            "read {} routes from the table",
            routed.len()
        );
        let missing: Vec<_> = routed.difference(&documented).collect();
        assert!(
            missing.is_empty(),
            "routes missing from the OpenAPI document: {missing:?}"
        );
        let extra: Vec<_> = documented.difference(&routed).collect();
        assert!(
            extra.is_empty(),
            "documented routes that do not exist: {extra:?}"
        );

        // Every request and response body is a named schema (or a list or page of one),
        // never a bare object; and every named schema it points to exists.
        let raw: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        let schemas = raw["components"]["schemas"].as_object().unwrap();
        let named = |schema: &serde_json::Value| -> Result<(), String> {
            let reference = |s: &serde_json::Value| {
                s["$ref"]
                    .as_str()
                    .and_then(|r| r.strip_prefix("#/components/schemas/"))
                    .map(str::to_string)
            };
            let target = reference(schema)
                .or_else(|| reference(&schema["items"]))
                .or_else(|| reference(&schema["properties"]["items"]["items"]))
                .ok_or_else(|| format!("not a named schema: {schema}"))?;
            let found = &schemas
                .get(&target)
                .ok_or_else(|| format!("{target} is not in the components"))?;
            if found["type"] == "object" && found.get("properties").is_none() {
                return Err(format!("{target} is a bare object"));
            }
            Ok(())
        };
        let mut bodies = 0;
        let mut faults = Vec::new();
        for (path, item) in raw["paths"].as_object().unwrap() {
            if path == "/api/v1/openapi.json" {
                continue; // its body is this document
            }
            for (method, op) in item.as_object().unwrap() {
                let mut check = |what: String, content: &serde_json::Value| {
                    for (_, media) in content.as_object().into_iter().flatten() {
                        bodies += 1;
                        if let Err(e) = named(&media["schema"]) {
                            faults.push(format!("{method} {path} {what}: {e}"));
                        }
                    }
                };
                check("request".into(), &op["requestBody"]["content"]);
                for (status, resp) in op["responses"].as_object().unwrap() {
                    check(format!("response {status}"), &resp["content"]);
                }
            }
        }
        assert!(faults.is_empty(), "{}", faults.join("\n"));
        assert!(bodies >= 100, "only {bodies} bodies described");
    }
);

app_test!(refused_forms_keep_what_was_typed, |app| async move {
    let mut clerk = app.login("vanthu", "vanthu-demo").await;
    let p = app.petition_id("xây mới nhà văn hóa khu 6").await;
    let page = clerk.get(&format!("/petitions/{p}")).await;
    let mut fields = crate::support::form_fields(&page.body, &format!("/petitions/{p}"));
    for (k, v) in fields.iter_mut() {
        match k.as_str() {
            "title" => *v = "Tiêu đề vừa gõ lại".into(),
            "category" => *v = "Văn hóa – xã hội".into(),
            "text" => *v = String::new(), // refused: required
            _ => {}
        }
    }
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = clerk.post_form(&format!("/petitions/{p}"), &refs).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let again = crate::support::form_fields(&r.body, &format!("/petitions/{p}"));
    let value = |k: &str| again.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    assert_eq!(value("title").as_deref(), Some("Tiêu đề vừa gõ lại"));
    assert_eq!(value("category").as_deref(), Some("Văn hóa – xã hội"));
    assert_eq!(value("text").as_deref(), Some(""));

    let person = app
        .store
        .person_by_name("Hà Hồng Sơn")
        .await
        .unwrap()
        .unwrap()
        .id;
    let long = "Đ".repeat(400);
    let page = clerk.get(&format!("/people/{person}")).await;
    let version = crate::support::form_fields(&page.body, &format!("/people/{person}"))
        .into_iter()
        .find(|(k, _)| k == "version")
        .unwrap()
        .1;
    let r = clerk
        .post_form(
            &format!("/people/{person}"),
            &[("name", long.as_str()), ("version", version.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains(&long), "the typed name is shown again");
});

app_test!(
    edits_change_words_not_status_or_deadline,
    |app| async move {
        let mut leader = app.login("lanhdao", "lanhdao-demo").await;
        let d = app
            .directive_id("hoàn thành rà soát, cấp giấy chứng nhận")
            .await;
        let before = app
            .store
            .directive(d, &Visibility::All, crate::support::TODAY)
            .await
            .unwrap()
            .directive;
        let version = before.version.to_string();
        let r = leader
            .post_form(
                &format!("/directives/{d}"),
                &[
                    (
                        "text",
                        "hoàn thành rà soát, cấp giấy chứng nhận QSDĐ tồn đọng khu 6",
                    ),
                    ("deadline", "2030-01-01"),
                    ("version", &version),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let after = app
            .store
            .directive(d, &Visibility::All, crate::support::TODAY)
            .await
            .unwrap()
            .directive;
        assert_eq!(
            after.text,
            "hoàn thành rà soát, cấp giấy chứng nhận QSDĐ tồn đọng khu 6"
        );
        assert_eq!(
            after.deadline, before.deadline,
            "a deadline changes by extension only"
        );
        assert_eq!(after.status, before.status);
        let page = leader.get(&format!("/directives/{d}")).await;
        assert!(
            page.body.contains("QSDĐ tồn đọng khu 6") && page.body.contains("Lịch sử thay đổi")
        );

        let mut clerk = app.login("vanthu", "vanthu-demo").await;
        let p = app.petition_id("xây mới nhà văn hóa khu 6").await;
        let before = app
            .store
            .petition(p, &Visibility::All)
            .await
            .unwrap()
            .petition;
        let version = before.version.to_string();
        let r = clerk
            .post_form(
                &format!("/petitions/{p}"),
                &[
                    ("text", "xây mới nhà văn hóa khu 6 (khu cũ xuống cấp)"),
                    ("version", &version),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let after = app
            .store
            .petition(p, &Visibility::All)
            .await
            .unwrap()
            .petition;
        assert_eq!(
            (after.status, after.raised_count),
            (before.status, before.raised_count)
        );
        assert_eq!(after.text, "xây mới nhà văn hóa khu 6 (khu cũ xuống cấp)");
        // The same form again, with the version it read, is stale.
        let r = clerk
            .post_form(
                &format!("/petitions/{p}"),
                &[("text", "x"), ("version", &version)],
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
    }
);

app_test!(api_documents_as_snapshots, |app| async move {
    // The same snapshot for both backends: what the API answers does not depend on the
    // database behind it. Instants (`at`) differ run to run and are redacted.
    let leader = app.token("lanhdao", "lanhdao-demo").await;
    let seed = app.session_id("Đoàn công tác số 01").await;
    let petition = app.petition_id("xây mới nhà văn hóa khu 6").await;
    let directive = app.directive_id("lập phương án nạo vét").await;
    for (name, path) in [
        ("api_session_seed", format!("/api/v1/sessions/{seed}")),
        ("api_petition_khu6", format!("/api/v1/petitions/{petition}")),
        (
            "api_directive_nao_vet",
            format!("/api/v1/directives/{directive}"),
        ),
        (
            "api_petitions_public",
            "/api/v1/petitions?limit=3".to_string(),
        ),
    ] {
        let client = if name.ends_with("public") {
            app.anonymous()
        } else {
            leader.clone()
        };
        let r = client.api(Method::GET, &path, None).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
        insta::assert_json_snapshot!(name, r.json(), { ".**.at" => "[at]" });
    }
});

app_test!(
    an_administrator_is_told_why_they_cannot_lock_themselves_out,
    |app| async move {
        let admin = app.token("quantri", "quantri-demo").await;
        let me = admin.api(Method::GET, "/api/v1/me", None).await.json();
        let (id, version) = (
            me["id"].as_i64().unwrap(),
            me["version"].as_i64().unwrap_or(1),
        );
        let r = admin
            .post_json(
                &format!("/api/v1/users/{id}/active"),
                json!({ "active": false, "version": version }),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.json()["field"], "active");
        // Said as what it is, not as the rule about plans that shares its code.
        let message = r.json()["fields"][0]["message"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(message.contains("tự khóa tài khoản"), "{message}");
    }
);

app_test!(the_petitions_list_pages_by_its_order, |app| async move {
    let anonymous = app.anonymous();
    let r = anonymous
        .api(Method::GET, "/api/v1/petitions?limit=2", None)
        .await;
    let first = r.json();
    let after = first["after"]
        .as_str()
        .expect("a next page by the order")
        .to_string();
    let r = anonymous
        .api(
            Method::GET,
            &format!("/api/v1/petitions?limit=2&after={after}"),
            None,
        )
        .await;
    let next = r.json();
    assert!(next["before"].as_str().is_some(), "{next}");
    let ids = |p: &serde_json::Value| -> Vec<i64> {
        p["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect()
    };
    assert!(ids(&next).iter().all(|i| !ids(&first).contains(i)));
    assert!(
        ids(&next)[0] < ids(&first)[1],
        "newest first, on from the first page"
    );
    // The page links carry the place, and the filters.
    let mut visitor = app.anonymous();
    let r = visitor.get("/petitions?limit=1&open=true").await;
    assert!(r.body.contains("after="), "{}", r.body);
    assert!(r.body.contains("open=true"), "{}", r.body);
    // A place no order could make: a message, not a failure.
    let r = anonymous
        .api(Method::GET, "/api/v1/petitions?sort=raised&after=abc", None)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
});

app_test!(
    percent_of_plan_is_against_the_plan_in_force_at_the_time,
    |app| async move {
        let leader = app.token("lanhdao", "lanhdao-demo").await;
        let unit = app.unit_id("UBND phường Hà Lầm").await;
        let t = leader
            .post_json(
                "/api/v1/targets",
                json!({ "unit_id": unit, "indicator": "Thu phí, lệ phí", "measure": "VND", "period_from": "2020-01-01", "period_to": "2020-12-31", "plan_value": 1.0e9 }),
            )
            .await;
        assert_eq!(t.status, StatusCode::CREATED, "{}", t.body);
        let id = t.json()["id"].as_i64().unwrap();
        let m = leader
            .post_json(
                &format!("/api/v1/targets/{id}/measurements"),
                json!({ "value": 8.5e8, "period_from": "2020-01-01", "period_to": "2020-06-30" }),
            )
            .await;
        assert_eq!(m.status, StatusCode::CREATED, "{}", m.body);
        // The plan is raised after the half year was reported on.
        let a = leader
            .post_json(
                &format!("/api/v1/targets/{id}/amendments"),
                json!({ "new_value": 1.0719e9, "reason": "Theo Nghị quyết HĐND", "version": t.json()["version"] }),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);

        let doc = leader
            .api(Method::GET, &format!("/api/v1/targets/{id}"), None)
            .await
            .json();
        assert_eq!(doc["target"]["plan_value"], 1.0719e9);
        assert_eq!(doc["measurements"][0]["percent_of_plan"], 85.0, "{doc}");
        assert_eq!(doc["measurements"][0]["plan_in_force"], 1.0e9, "{doc}");
        assert_eq!(doc["target"]["percent_of_plan"], 85.0, "{doc}");
        let list = leader
            .api(Method::GET, "/api/v1/targets?limit=500", None)
            .await
            .json();
        let listed = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == id)
            .unwrap();
        assert_eq!(listed["percent_of_plan"], 85.0);
        let page = app.anonymous().get(&format!("/targets/{id}")).await;
        assert!(page.body.contains("85%"), "{}", page.body);
        assert!(!page.body.contains("79,3%"), "{}", page.body);
        let page = app.anonymous().get("/targets").await;
        assert!(!page.body.contains("79,3%"), "{}", page.body);
    }
);

app_test!(
    the_edit_form_offers_no_plan_it_would_refuse,
    |app| async move {
        let mut leader = app.login("lanhdao", "lanhdao-demo").await;
        let new = leader.get("/targets/new").await;
        assert!(
            new.body.contains("name=\"plan_value\""),
            "offered on create"
        );
        let id = app
            .store
            .targets(&Default::default(), &Visibility::All)
            .await
            .unwrap()
            .items
            .into_iter()
            .find(|t| t.target.approved && t.target.indicator == "Thu ngân sách xã (phường)")
            .unwrap()
            .target;
        let (id, plan) = (id.id, id.plan_value);
        let page = leader.get(&format!("/targets/{id}")).await;
        let mut fields = crate::support::form_fields(&page.body, &format!("/targets/{id}"));
        assert!(
            !fields.iter().any(|(k, _)| k == "plan_value"),
            "an approved plan changes by amendment: {fields:?}"
        );
        // The form as sent saves, the plan as it was.
        fields.retain(|(k, _)| k != "_csrf");
        for (k, v) in fields.iter_mut() {
            if k == "indicator" {
                *v = "Thu ngân sách phường".into();
            }
        }
        let pairs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let r = leader.post_form(&format!("/targets/{id}"), &pairs).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let t = app.store.target(id, &Visibility::All).await.unwrap().target;
        assert_eq!(t.indicator, "Thu ngân sách phường");
        assert_eq!(t.plan_value, plan);
        assert!(t.approved, "still approved");
    }
);

app_test!(
    an_amendment_counts_from_the_day_it_was_decided,
    |app| async move {
        let unit = app.unit_id("UBND phường Hà Lầm").await;
        let leader = app.token("lanhdao", "lanhdao-demo").await;
        let t = leader
            .post_json(
                "/api/v1/targets",
                json!({ "unit_id": unit, "indicator": "Thu phí chợ", "measure": "VND", "period_from": "2020-01-01", "period_to": "2020-12-31", "plan_value": 1.0e9 }),
            )
            .await;
        let id = t.json()["id"].as_i64().unwrap();
        leader
            .post_json(
                &format!("/api/v1/targets/{id}/measurements"),
                json!({ "value": 8.5e8, "period_from": "2020-01-01", "period_to": "2020-06-30" }),
            )
            .await;
        let document = leader
            .post_json(
                "/api/v1/documents",
                json!({ "kind": "Nghị quyết", "number": "12/NQ-HĐND", "subject": "Điều chỉnh dự toán thu năm 2020" }),
            )
            .await;
        assert_eq!(document.status, StatusCode::CREATED, "{}", document.body);
        let document = document.json()["id"].as_i64().unwrap();

        // Recorded today, decided by the council on 20 June 2020, through the page's form.
        let mut page_leader = app.login("lanhdao", "lanhdao-demo").await;
        let page = page_leader.get(&format!("/targets/{id}")).await;
        let mut fields =
            crate::support::form_fields(&page.body, &format!("/targets/{id}/amendments"));
        assert!(fields.iter().any(|(k, _)| k == "decided_on"), "{fields:?}");
        fields.retain(|(k, _)| k != "_csrf");
        for (k, v) in fields.iter_mut() {
            match k.as_str() {
                "new_value" => *v = "1.071.900.000".into(),
                "reason" => *v = "Theo Nghị quyết 12/NQ-HĐND".into(),
                "decided_on" => *v = "2020-06-20".into(),
                "document_id" => *v = document.to_string(),
                _ => {}
            }
        }
        let sent: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let r = page_leader
            .post_form(&format!("/targets/{id}/amendments"), &sent)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

        let doc = leader
            .api(Method::GET, &format!("/api/v1/targets/{id}"), None)
            .await
            .json();
        assert_eq!(doc["amendments"][0]["decided_on"], "2020-06-20", "{doc}");
        assert_eq!(doc["amendments"][0]["document_id"], document, "{doc}");
        // The half year ended after the decision: measured against the new plan.
        assert_eq!(doc["measurements"][0]["plan_in_force"], 1.0719e9, "{doc}");
        assert_eq!(doc["measurements"][0]["percent_of_plan"], 79.3, "{doc}");
        let page = page_leader.get(&format!("/targets/{id}")).await;
        assert!(
            page.body.contains("Quyết định ngày 20/06/2020"),
            "{}",
            page.body
        );
        assert!(page
            .body
            .contains(&format!("href=\"/documents/{document}\"")));
        // A decision yet to come is refused beside its field.
        let version = doc["target"]["version"].clone();
        let r = leader
            .post_json(
                &format!("/api/v1/targets/{id}/amendments"),
                json!({ "new_value": 1.2e9, "reason": "x", "decided_on": "2030-01-01", "version": version }),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.json()["field"], "decided_on");
    }
);
