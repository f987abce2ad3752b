//! A petition raised again is one more raising of the same petition, never a second petition
//! nor a second raising from the same meeting: a raising from a session that already raised it
//! is refused on every path.

use axum::http::{Method, StatusCode};
use serde_json::json;

app_test!(a_session_raises_a_petition_once, |app| async move {
    let leader = app.token("lanhdao", "lanhdao-demo").await;
    let ward = app.unit_id("Phường Hà Lầm").await;
    let r = leader
        .post_json(
            "/api/v1/sessions",
            json!({ "date": "2026-11-20", "title": "Tiếp xúc cử tri khu 2", "host_unit_id": ward, "published": true }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let session = r.json()["id"].as_i64().unwrap();
    let petition = app.petition_id("xây mới nhà văn hóa khu 6").await;
    // A petition's page has it under "petition"; a raising answers with the petition itself.
    let count = |v: &serde_json::Value| {
        v["petition"]["raised_count"]
            .as_i64()
            .or(v["raised_count"].as_i64())
            .unwrap_or_else(|| panic!("{v}"))
    };
    let before = count(
        &leader
            .api(Method::GET, &format!("/api/v1/petitions/{petition}"), None)
            .await
            .json(),
    );
    let path = format!("/api/v1/petitions/{petition}/raisings");
    let raise = || {
        leader.post_json(
            &path,
            json!({ "session_id": session, "raised_by": "Cử tri khu 2" }),
        )
    };
    let r = raise().await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(count(&r.json()), before + 1);
    let r = raise().await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["field"], "session_id");
    assert!(
        r.body.contains("đã được ghi nhận tại buổi làm việc này"),
        "{}",
        r.body
    );
    // Through the page too, and nothing written.
    let mut page = app.login("lanhdao", "lanhdao-demo").await;
    let session_field = session.to_string();
    let r = page
        .post_form(
            &format!("/petitions/{petition}/raisings"),
            &[
                ("session_id", session_field.as_str()),
                ("date", "2026-11-20"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains("đã được ghi nhận tại buổi làm việc này"),
        "{}",
        r.body
    );
    let after = count(
        &leader
            .api(Method::GET, &format!("/api/v1/petitions/{petition}"), None)
            .await
            .json(),
    );
    assert_eq!(after, before + 1);
});

app_test!(
    a_petition_like_one_of_its_area_is_offered_first,
    |app| async move {
        let leader = app.token("lanhdao", "lanhdao-demo").await;
        let khu6 = app.unit_id("Khu 6, phường Hà Lầm").await;
        let khu2 = app.unit_id("Khu 2, phường Hà Lầm").await;
        let answered = app.petition_id("xây mới nhà văn hóa khu 6").await;
        let resolved = app.petition_id("xây mới nhà văn hóa khu 2").await;
        let total = |app: &crate::support::TestApp| {
            let store = app.store.clone();
            async move {
                store
                    .petitions(&Default::default(), &dondoc_domain::Visibility::All)
                    .await
                    .unwrap()
                    .total
            }
        };
        let before = total(&app).await;

        // The API: refused, the alike ones to be had, recorded when said to be new.
        let body =
            json!({ "text": "Cử tri đề nghị sớm xây mới nhà văn hóa khu 6", "area_unit_id": khu6 });
        let r = leader.post_json("/api/v1/petitions", body.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.json()["field"], "new_petition");
        assert_eq!(r.json()["fields"][0]["code"], "similar");
        let r = leader
        .api(
            Method::GET,
            &format!("/api/v1/petitions/similar?text=x%C3%A2y+m%E1%BB%9Bi+nh%C3%A0+v%C4%83n+h%C3%B3a+khu+6&area_unit_id={khu6}"),
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()[0]["id"].as_i64(), Some(answered));
        // Another area's, or another zone's ("khu 2" is not "khu 6"), is not alike.
        let other =
            json!({ "text": "Cử tri đề nghị sớm xây mới nhà văn hóa khu 6", "area_unit_id": khu2 });
        let r = leader.post_json("/api/v1/petitions", other).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let mut new = body.clone();
        new["new_petition"] = json!(true);
        let r = leader.post_json("/api/v1/petitions", new).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(total(&app).await, before + 2);

        // The page: a resolved petition offered to reopen; taken, it counts one more raising.
        let mut page = app.login("lanhdao", "lanhdao-demo").await;
        let khu2_field = khu2.to_string();
        let typed = [
            ("text", "Đề nghị xây mới nhà văn hóa khu 2"),
            ("area_unit_id", khu2_field.as_str()),
            ("raised_by", "Cử tri khu 2"),
            ("raised_on", "2026-11-20"),
        ];
        let r = page.post_form("/petitions", &typed).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("Kiến nghị này có thể đã có"), "{}", r.body);
        assert!(r
            .body
            .contains(&format!("action=\"/petitions/{resolved}/raisings\"")));
        assert!(r.body.contains("Nêu lại và mở lại kiến nghị này"));
        assert!(r.body.contains("name=\"new_petition\" value=\"true\""));
        assert_eq!(total(&app).await, before + 2);
        let r = page
            .post_form(
                &format!("/petitions/{resolved}/raisings"),
                &[("date", "2026-11-20"), ("raised_by", "Cử tri khu 2")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let v = leader
            .api(Method::GET, &format!("/api/v1/petitions/{resolved}"), None)
            .await
            .json();
        assert_eq!(v["petition"]["status"], "reopened");
        assert_eq!(total(&app).await, before + 2);

        // From a session's page too: offered, and the form posted again goes back there.
        let session = app.session_id("Đoàn công tác số 01").await;
        let r = page
            .post_form(
                &format!("/sessions/{session}/petitions"),
                &[
                    ("text", "Xây mới nhà văn hóa khu 6"),
                    ("area_unit_id", &khu6.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(
            r.body
                .contains(&format!("action=\"/sessions/{session}/petitions\"")),
            "{}",
            r.body
        );
        assert!(
            r.body
                .contains(&format!("name=\"session_id\" value=\"{session}\"")),
            "{}",
            r.body
        );
    }
);
