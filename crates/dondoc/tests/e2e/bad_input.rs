//! Bad input, through the API and the forms: every answer is a 4xx with a clear message in the
//! user's language, never a 500, and nothing is written.

use axum::http::{Method, StatusCode};
use dondoc_domain::Visibility;
use serde_json::json;

async fn counts(app: &crate::support::TestApp) -> (i64, i64, i64) {
    let s = app
        .store
        .sessions(&Default::default(), &Visibility::All)
        .await
        .unwrap()
        .total;
    let p = app
        .store
        .petitions(&Default::default(), &Visibility::All)
        .await
        .unwrap()
        .total;
    let d = app
        .store
        .directives(&Default::default(), &Visibility::All, crate::support::TODAY)
        .await
        .unwrap()
        .total;
    (s, p, d)
}

app_test!(
    api_refuses_bad_input_with_a_code_and_a_message,
    |app| async move {
        let before = counts(&app).await;
        let clerk = app.token("vanthu", "vanthu-demo").await;
        let khu6 = app.unit_id("Khu 6, phường Hà Lầm").await;
        let long = "a".repeat(20_001);
        // (body, expected status, expected code, expected field)
        let cases: Vec<(serde_json::Value, u16, &str, Option<&str>)> = vec![
            (json!({}), 422, "invalid_input", Some("text")),
            (json!({ "text": "   " }), 422, "invalid_input", Some("text")),
            (json!({ "text": long }), 422, "invalid_input", Some("text")),
            (
                json!({ "text": "x", "due_on": "2020-02-30" }),
                422,
                "invalid_input",
                Some("due_on"),
            ),
            (
                json!({ "text": "x", "raised_on": "30/02/2020" }),
                422,
                "invalid_input",
                Some("raised_on"),
            ),
            (
                json!({ "text": "x", "area_unit_id": 987654 }),
                422,
                "invalid_input",
                Some("area_unit_id"),
            ),
            (
                json!({ "text": "x", "session_id": 987654 }),
                422,
                "invalid_input",
                Some("session_id"),
            ),
            (json!({ "text": 5 }), 400, "malformed_body", None),
            (
                json!({ "text": "x", "area_unit_id": "khu 6" }),
                400,
                "malformed_body",
                None,
            ),
            (
                json!({ "text": "x", "area_unit_id": [khu6] }),
                400,
                "malformed_body",
                None,
            ),
            (
                json!({ "text": "x", "colour": "red" }),
                400,
                "malformed_body",
                None,
            ),
            (json!(["text"]), 400, "malformed_body", None),
        ];
        for (body, status, code, field) in cases {
            let r = clerk
                .api(Method::POST, "/api/v1/petitions", Some(body.clone()))
                .await;
            assert_eq!(r.status.as_u16(), status, "{body}: {}", r.body);
            let j = r.json();
            assert_eq!(j["error"], code, "{body}");
            assert_eq!(j["field"].as_str(), field, "{body}");
            assert!(!j["message"].as_str().unwrap().is_empty());
        }
        let raw_cases: Vec<(&str, Vec<u8>, u16)> = vec![
            ("application/json", b"{\"text\": ".to_vec(), 400),
            (
                "application/json",
                b"{\"text\": \"\xff\xfe\"}".to_vec(),
                400,
            ),
            ("application/json", vec![], 400),
            ("text/plain", b"{\"text\": \"x\"}".to_vec(), 400),
            (
                "application/json",
                format!("{{\"text\": \"{}\"}}", "x".repeat(5 * 1024 * 1024)).into_bytes(),
                413,
            ),
        ];
        for (ct, body, status) in raw_cases {
            let r = clerk
                .api_raw(Method::POST, "/api/v1/petitions", ct, body)
                .await;
            assert_eq!(
                r.status.as_u16(),
                status,
                "{ct}: {}",
                r.body.chars().take(200).collect::<String>()
            );
            assert!(r.json()["message"].as_str().is_some_and(|m| !m.is_empty()));
        }
        // Paths, queries and methods the API does not know.
        for (method, path, status) in [
            (Method::GET, "/api/v1/petitions/abc", 400),
            (Method::GET, "/api/v1/petitions/99999999", 404),
            (Method::GET, "/api/v1/petitions?limit=many", 400),
            (Method::GET, "/api/v1/nothing-here", 404),
            (Method::DELETE, "/api/v1/petitions", 405),
            (Method::GET, "/api/v1/history/spaceship/1", 404),
        ] {
            let r = clerk.api(method.clone(), path, None).await;
            assert_eq!(r.status.as_u16(), status, "{method} {path}: {}", r.body);
            assert!(r.json()["error"].as_str().is_some());
        }
        // A forbidden transition: a resolved petition cannot be answered.
        let admin = app.token("quantri", "quantri-demo").await;
        let p = app.petition_id("xây mới nhà văn hóa khu 2").await;
        let version = app
            .store
            .petition(p, &Visibility::All)
            .await
            .unwrap()
            .petition
            .version;
        let r = admin
            .api(
                Method::POST,
                &format!("/api/v1/petitions/{p}/transitions"),
                Some(json!({ "action": "answer", "answer": "x", "version": version })),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert_eq!(r.json()["error"], "transition_not_allowed");
        let r = admin
            .api(
                Method::POST,
                &format!("/api/v1/petitions/{p}/transitions"),
                Some(json!({ "action": "teleport", "version": version })),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["field"], "action");
        // Messages follow the caller's language.
        let mut en = app.token("vanthu", "vanthu-demo").await;
        en.lang = Some("en");
        let r = en
            .api(
                Method::POST,
                "/api/v1/petitions",
                Some(json!({ "text": "" })),
            )
            .await;
        assert!(
            r.json()["message"].as_str().unwrap().contains("required"),
            "{}",
            r.body
        );
        let r = clerk
            .api(
                Method::POST,
                "/api/v1/petitions",
                Some(json!({ "text": "" })),
            )
            .await;
        assert!(
            r.json()["message"]
                .as_str()
                .unwrap()
                .contains("Không được để trống"),
            "{}",
            r.body
        );

        assert_eq!(counts(&app).await, before, "nothing was written");
    }
);

app_test!(
    forms_show_messages_beside_fields_and_keep_what_was_typed,
    |app| async move {
        let before = counts(&app).await;
        let mut clerk = app.login("vanthu", "vanthu-demo").await;
        let r = clerk
            .post_form(
                "/sessions",
                &[
                    ("title", "  "),
                    ("date", "2021-02-29"),
                    ("place", "Nhà văn hóa khu 4"),
                    ("host_unit_id", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Vui lòng sửa các trường được đánh dấu"));
        assert!(
            r.body.contains("id=\"e-title\"")
                && r.body.contains("id=\"e-date\"")
                && r.body.contains("id=\"e-host_unit_id\"")
        );
        assert!(r.body.contains("Ngày không hợp lệ"));
        assert!(
            r.body.contains("value=\"Nhà văn hóa khu 4\""),
            "what was typed is kept"
        );

        let seed = app.session_id("Đoàn công tác số 01").await;
        let r = clerk
            .post_form(
                &format!("/sessions/{seed}/petitions"),
                &[("text", "Lắp đèn đường"), ("area_unit_id", "424242")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("Không tìm thấy bản ghi được chọn") && r.body.contains("Lắp đèn đường")
        );
        let r = clerk
            .post_form(
                &format!("/sessions/{seed}/petitions"),
                &[("text", "x"), ("area_unit_id", "khu sáu")],
            )
            .await;
        // A unit field reads names (see pickers.rs): one that fits no unit is said so, to
        // type again, with the rest of the form kept.
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("Không có bản ghi nào khớp với «khu sáu»"),
            "{}",
            r.body
        );
        let r = clerk
            .post_form(
                &format!("/sessions/{seed}/directives"),
                &[("text", "y"), ("deadline", "2020-13-40")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("id=\"e-session-add_directive-deadline\""),
            "{}",
            r.body
        );

        // Invalid UTF-8 in a form, and an oversized form.
        let csrf = clerk.csrf.clone().unwrap();
        let mut body = format!("_csrf={csrf}&text=").into_bytes();
        body.extend_from_slice(b"%FF%FE");
        let r = clerk
            .post_raw("/petitions", "application/x-www-form-urlencoded", body)
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        let big = format!("_csrf={csrf}&text={}", "a".repeat(5 * 1024 * 1024));
        let r = clerk
            .post_raw(
                "/petitions",
                "application/x-www-form-urlencoded",
                big.into_bytes(),
            )
            .await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(r.body.contains("quá lớn"));
        // Unknown pages and records.
        for path in ["/sessions/999999", "/nothing", "/petitions/abc"] {
            let r = clerk.get(path).await;
            assert!(r.status.is_client_error(), "{path}: {}", r.status);
            assert!(r.body.contains("<html"), "{path} answers with a page");
        }
        assert_eq!(counts(&app).await, before, "nothing was written");
    }
);
