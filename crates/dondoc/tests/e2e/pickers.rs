//! Pickers: once units are many, a form's unit field is a text field that suggests as one
//! types, and what is typed — a suggestion, a name, a part of one — becomes the unit's id, or
//! a page to choose among the units it could mean. Tried on the session form with 150 more
//! wards than the demo has.

use crate::support::{form_fields, TestApp, TODAY};
use axum::http::StatusCode;
use dondoc_domain::input::NewUnit;
use dondoc_domain::UnitKind;
use dondoc_store::Who;

/// 150 wards under the demo's city, "Phường Thử 1" … "Phường Thử 150".
async fn many_wards(app: &TestApp) -> i64 {
    let city = app.unit_id("Thành phố Hạ Long").await;
    let mut first = 0;
    for i in 1..=150 {
        let u = app
            .store
            .create_unit(
                Who::default(),
                &NewUnit {
                    parent_id: Some(city),
                    kind: UnitKind::PeoplesCommittee,
                    name: format!("Phường Thử {i}"),
                    short_name: None,
                },
            )
            .await
            .unwrap();
        if i == 1 {
            first = u.id;
        }
    }
    first
}

fn session_form<'a>(title: &'a str, host: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("date", "2026-11-20"),
        ("host_unit_id", host),
    ]
}

app_test!(
    unit_fields_become_pickers_that_read_names,
    |app| async move {
        let first = many_wards(&app).await;
        let mut clerk = app.login("quantri", "quantri-demo").await;

        // The form: no select of every unit, a text field that suggests.
        let r = clerk.get("/sessions/new").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            !r.body.contains("<select name=\"host_unit_id\""),
            "{}",
            r.body
        );
        assert!(
            r.body
                .contains("name=\"host_unit_id\" id=\"f-host_unit_id\""),
            "the picker keeps the label's target: {}",
            r.body
        );
        assert!(r.body.contains("data-pick=\"units\""));
        assert!(r.body.len() < 20_000, "{} bytes", r.body.len());

        // What it suggests as one types: names that hold every word, shortest first.
        let r = clerk.get("/pick/units?q=thu%2014").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let labels: Vec<String> = r
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["label"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            labels.first().map(String::as_str),
            Some("Phường Thử 14 (Thành phố Hạ Long)")
        );
        assert!(
            labels.iter().all(|l| l.contains("Thử") && l.contains("14")),
            "{labels:?}"
        );
        assert_eq!(
            clerk.get("/pick/nothing?q=a").await.status,
            StatusCode::NOT_FOUND
        );
        let r = app.anonymous().get("/pick/units?q=thu").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(r.location().starts_with("/login"), "{}", r.location());

        // A suggestion chosen, a full name typed, and a name read back on the session.
        let chosen = format!("Phường Thử 1 (Thành phố Hạ Long) · #{first}");
        let r = clerk
            .post_form("/sessions", &session_form("Họp chọn gợi ý", &chosen))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let s = app.session_id("Họp chọn gợi ý").await;
        let r = clerk.get(&format!("/api/v1/sessions/{s}")).await;
        assert_eq!(r.json()["session"]["host_unit_id"], first, "{}", r.body);

        // "Phường Thử 1" is a whole name, though "Phường Thử 10" … "19" and "100" … hold it.
        let r = clerk
            .post_form("/sessions", &session_form("Họp gõ tên", "phuong thu 1"))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let s = app.session_id("Họp gõ tên").await;
        let r = clerk.get(&format!("/api/v1/sessions/{s}")).await;
        assert_eq!(r.json()["session"]["host_unit_id"], first, "{}", r.body);

        // Part of a name that fits several: a page to choose, the rest of the form kept.
        let r = clerk
            .post_form("/sessions", &session_form("Họp phải chọn", "Thử 14"))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(
            r.body.contains("Phường Thử 140 (Thành phố Hạ Long)"),
            "{}",
            r.body
        );
        assert!(r.body.contains("type=\"radio\" name=\"host_unit_id\""));
        let mut again = form_fields(&r.body, "/sessions");
        assert!(
            again.contains(&("title".into(), "Họp phải chọn".into())),
            "{again:?}"
        );
        let ward_140 = app.unit_id("Phường Thử 140").await.to_string();
        for (name, value) in again.iter_mut() {
            if name == "host_unit_id" {
                *value = ward_140.clone();
            }
        }
        let pairs: Vec<(&str, &str)> = again
            .iter()
            .filter(|(n, _)| n != "_csrf")
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let r = clerk.post_form("/sessions", &pairs).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let s = app.session_id("Họp phải chọn").await;
        let r = clerk.get(&format!("/api/v1/sessions/{s}")).await;
        assert_eq!(r.json()["session"]["host_unit_id"].to_string(), ward_140);
        assert_eq!(r.json()["session"]["date"], "2026-11-20");

        // A name that fits none: said so, to type again; nothing written.
        let r = clerk
            .post_form(
                "/sessions",
                &session_form("Họp không đơn vị", "Phường Không Có"),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(
            r.body
                .contains("Không có bản ghi nào khớp với «Phường Không Có»"),
            "{}",
            r.body
        );
        assert!(r.body.contains("type=\"text\" name=\"host_unit_id\""));
        let r = clerk.get("/api/v1/sessions?q=khong%20don%20vi").await;
        assert_eq!(r.json()["total"], 0);
        let _ = TODAY;
    }
);

app_test!(the_unit_tree_opens_a_level_at_a_time, |app| async move {
    many_wards(&app).await;
    let city = app.unit_id("Thành phố Hạ Long").await;
    let mut admin = app.login("quantri", "quantri-demo").await;

    // The top of the tree: the province, with how many units it holds; none below it.
    let province = app.unit_id("Tỉnh Quảng Ninh").await;
    let r = admin.get("/units").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body
            .contains(&format!("href=\"/units?under={province}\"")),
        "{}",
        r.body
    );
    assert!(!r.body.contains("Thành phố Hạ Long<"), "{}", r.body);
    assert!(!r.body.contains("Phường Thử 7<"), "{}", r.body);
    assert!(r.body.len() < 30_000, "{} bytes", r.body.len());

    // Opened: its units a page at a time, the path above them.
    let r = admin.get(&format!("/units?under={city}")).await;
    assert!(r.body.contains("Phường Thử 14<"), "{}", r.body);
    assert!(
        r.body
            .contains("aria-current=\"location\">Thành phố Hạ Long<"),
        "{}",
        r.body
    );
    assert!(r.body.len() < 60_000, "{} bytes", r.body.len());
    assert!(r.body.contains("offset=100"), "a next page: {}", r.body);

    // A search finds a unit at any depth.
    let r = admin.get("/units?q=thu%20149").await;
    assert!(r.body.contains("Phường Thử 149<"), "{}", r.body);
    assert!(!r.body.contains("Phường Thử 7<"));

    // The API pages the same way.
    let api = app.token("quantri", "quantri-demo").await;
    let r = api
        .api(
            axum::http::Method::GET,
            &format!("/api/v1/units?parent_id={city}&limit=10"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let page = r.json();
    assert_eq!(page["items"].as_array().unwrap().len(), 10);
    assert!(page["total"].as_i64().unwrap() >= 150, "{page}");
    let r = api
        .api(axum::http::Method::GET, "/api/v1/units?top=true", None)
        .await;
    let tops: Vec<i64> = r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["parent_id"].as_i64().unwrap_or(0))
        .collect();
    assert!(tops.iter().all(|p| *p == 0), "{tops:?}");
    let r = api
        .api(axum::http::Method::GET, "/api/v1/units", None)
        .await;
    assert_eq!(
        r.json()["items"].as_array().unwrap().len(),
        50,
        "a page, not the tree"
    );
});

app_test!(
    the_import_review_types_units_once_they_are_many,
    |app| async move {
        many_wards(&app).await;
        let mut clerk = crate::import::clerk(&app).await;
        let review = clerk
            .post_form(
                "/sessions/import",
                &[("report", include_str!("../../demo/ha-lam-2020-08-24.txt"))],
            )
            .await;
        assert_eq!(review.status, StatusCode::OK, "{}", review.body);
        assert!(!review
            .body
            .contains("<select name=\"petition_area_unit_id_0\""));
        assert!(review
            .body
            .contains("name=\"petition_area_unit_id_0\" value=\""));
        assert!(review.body.len() < 200_000, "{} bytes", review.body.len());
        let mut fields = form_fields(&review.body, "/sessions/import/confirm");
        for (name, value) in fields.iter_mut() {
            if name == "session_host_unit_id" {
                *value = "phường hà lầm".into();
            }
            if name == "session_date" {
                *value = "2026-11-20".into();
            }
            // Another day: not the seed's session on record.
            if name == "session_into" {
                value.clear();
            }
        }
        let refs: Vec<(&str, &str)> = fields
            .iter()
            .filter(|(n, _)| n != "_csrf")
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let r = clerk.post_form("/sessions/import/confirm", &refs).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let id: i64 = r
            .location()
            .trim_start_matches("/sessions/")
            .split('?')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let r = clerk.get(&format!("/api/v1/sessions/{id}")).await;
        assert_eq!(
            r.json()["session"]["host_unit_id"].to_string(),
            app.unit_id("Phường Hà Lầm").await.to_string()
        );
    }
);

app_test!(coordinating_units_are_typed_one_a_field, |app| async move {
    many_wards(&app).await;
    let mut admin = app.login("quantri", "quantri-demo").await;
    let r = admin.get("/directives/new").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        !r.body.contains("<select name=\"coordinating_unit_ids\""),
        "{}",
        r.body
    );
    assert!(r.body.matches("name=\"coordinating_unit_ids\"").count() >= 1);
    assert!(r.body.len() < 30_000, "{} bytes", r.body.len());
    // Two typed, one a suggestion and one a whole name; the lead by its name too.
    let first = app.unit_id("Phường Thử 1").await;
    let second = app.unit_id("Phường Thử 2").await;
    let suggestion = format!("Phường Thử 1 (Thành phố Hạ Long) · #{first}");
    let r = admin
        .post_form(
            "/directives",
            &[
                ("text", "Rà soát hệ thống thoát nước các phường"),
                ("lead_unit_id", "Phường Thử 3"),
                ("coordinating_unit_ids", suggestion.as_str()),
                ("coordinating_unit_ids", "phuong thu 2"),
                ("coordinating_unit_ids", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = app.directive_id("Rà soát hệ thống thoát nước").await;
    let d = admin.get(&format!("/api/v1/directives/{id}")).await.json();
    let d = &d["directive"];
    assert_eq!(
        d["lead_unit_id"].as_i64(),
        Some(app.unit_id("Phường Thử 3").await),
        "{d}"
    );
    let mut coordinating: Vec<i64> = d["coordinating_unit_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    coordinating.sort_unstable();
    assert_eq!(coordinating, vec![first, second]);
});

app_test!(a_paged_list_links_its_page_numbers, |app| async move {
    many_wards(&app).await;
    let city = app.unit_id("Thành phố Hạ Long").await;
    let mut admin = app.login("quantri", "quantri-demo").await;
    let first = admin.get(&format!("/units?under={city}")).await;
    let link = |offset: i64| format!("href=\"/units?under={city}&#38;offset={offset}\"");
    assert!(
        first.body.contains(&format!("{}>2</a>", link(100))),
        "{}",
        first.body
    );
    assert!(
        first.body.contains("aria-current=\"page\">1<"),
        "{}",
        first.body
    );
    let second = admin.get(&format!("/units?under={city}&offset=100")).await;
    assert!(
        second.body.contains(&format!("{}>1</a>", link(0))),
        "{}",
        second.body
    );
    assert!(second.body.contains("aria-current=\"page\">2<"));
});
