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

/// The id of the demo's target `indicator` for 2020.
async fn target_2020(app: &crate::support::TestApp, indicator: &str) -> i64 {
    app.store
        .targets(&Default::default(), &Visibility::All)
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|t| t.target.indicator == indicator && t.target.period_from.year() == 2020)
        .unwrap_or_else(|| panic!("no target {indicator}"))
        .target
        .id
}

app_test!(amounts_are_read_as_people_type_them, |app| async move {
    let id = target_2020(&app, "Thu ngân sách xã (phường)").await;
    let mut leader = app.login("lanhdao", "lanhdao-demo").await;
    let page = leader.get(&format!("/targets/{id}")).await;
    // A number field would send nothing for "8,5 tỷ": the browser empties what it cannot
    // read as a number, and the server then says the field is empty.
    let value_input = page
        .body
        .split("<input ")
        .find(|i| i.contains("name=\"value\""))
        .expect("the measurement form has a value field");
    assert!(!value_input.contains("type=\"number\""), "{value_input}");
    let path = format!("/targets/{id}/measurements");
    for (typed, want, to) in [
        ("8,5 tỷ", 8.5e9, "2020-03-31"),
        ("126 triệu", 1.26e8, "2020-04-30"),
        ("1.250.000 đồng", 1_250_000.0, "2020-05-31"),
        ("8.500.000.000", 8.5e9, "2020-06-30"),
        ("87,2", 87.2, "2020-07-31"),
        ("4500000000", 4.5e9, "2020-08-30"),
    ] {
        let r = leader
            .post_form(
                &path,
                &[
                    ("value", typed),
                    ("qualifier", "exact"),
                    ("period_from", "2020-01-01"),
                    ("period_to", to),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{typed}: {}", r.body);
        let got = app
            .store
            .measurements(id, &Visibility::All)
            .await
            .unwrap()
            .into_iter()
            .find(|m| m.period_to.to_string() == to)
            .unwrap();
        assert!((got.value - want).abs() < 1e-3, "{typed}: {}", got.value);
    }
    // Amounts are shown grouped, in the language's way.
    let page = leader.get(&format!("/targets/{id}")).await;
    assert!(page.body.contains("1,25 triệu đồng"), "{}", page.body);
    let r = leader
        .post_form(
            &path,
            &[
                ("value", "nhiều lắm"),
                ("period_from", "2020-01-01"),
                ("period_to", "2020-09-30"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("Không phải là số hợp lệ."), "{}", r.body);
    assert!(!r.body.contains("Không được để trống."), "{}", r.body);
    assert!(
        r.body.contains("value=\"nhiều lắm\""),
        "what was typed is kept"
    );

    let api = app.token("lanhdao", "lanhdao-demo").await;
    let api_path = format!("/api/v1/targets/{id}/measurements");
    let ok = api
        .post_json(
            &api_path,
            json!({ "value": "8,5 tỷ", "period_from": "2020-01-01", "period_to": "2020-10-31" }),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
    assert_eq!(ok.json()["value"], 8.5e9);
    let bad = api
        .post_json(
            &api_path,
            json!({ "value": "tám tỷ", "period_from": "2020-01-01", "period_to": "2020-11-30" }),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert_eq!(bad.json()["field"], "value");
    assert_eq!(bad.json()["fields"][0]["code"], "invalid_number");
    // A new target's plan, typed in words.
    let unit = app.unit_id("UBND phường Hà Lầm").await;
    let created = leader
        .post_form(
            "/targets",
            &[
                ("unit_id", &unit.to_string()),
                ("indicator", "Thu tiền sử dụng đất"),
                ("measure", "VND"),
                ("period_from", "2021-01-01"),
                ("period_to", "2021-12-31"),
                ("plan_value", "8,5 tỷ"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
});

app_test!(a_login_in_use_is_said_so, |app| async move {
    let unit = app.unit_id("UBND phường Hà Lầm").await.to_string();
    let mut admin = app.login("quantri", "quantri-demo").await;
    let r = admin
        .post_form(
            "/users",
            &[
                ("login", "vanthu"),
                ("display_name", "Văn thư mới"),
                ("role", "clerk"),
                ("unit_id", &unit),
                ("password", "mat-khau-moi"),
            ],
        )
        .await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert!(
        r.body.contains("Tên đăng nhập này đã được dùng."),
        "{}",
        r.body
    );
    assert!(r.body.contains("id=\"e-login\""), "beside the login field");
    let api = app.token("quantri", "quantri-demo").await;
    let r = api
            .post_json(
                "/api/v1/users",
                json!({ "login": "VanThu", "display_name": "Văn thư mới", "role": "clerk", "unit_id": unit.parse::<i64>().unwrap(), "password": "mat-khau-moi" }),
            )
            .await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert_eq!(r.json()["field"], "login");
    assert_eq!(r.json()["fields"][0]["code"], "taken");
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .contains("đã được dùng"),
        "{}",
        r.body
    );
});

app_test!(officers_and_clerks_need_a_unit, |app| async move {
    let mut admin = app.login("quantri", "quantri-demo").await;
    for role in ["officer", "clerk"] {
        let login = format!("moi-{role}");
        let r = admin
            .post_form(
                "/users",
                &[
                    ("login", &login),
                    ("display_name", "Người mới"),
                    ("role", role),
                    ("unit_id", ""),
                    ("password", "mat-khau-moi"),
                ],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{role}: {}",
            r.body
        );
        assert!(r.body.contains("id=\"e-unit_id\""), "{role}: {}", r.body);
        assert!(
            app.store.user_by_login(&login).await.unwrap().is_none(),
            "{role} was not created"
        );
    }
    let api = app.token("quantri", "quantri-demo").await;
    let r = api
            .post_json(
                "/api/v1/users",
                json!({ "login": "canbo-moi", "display_name": "Cán bộ", "role": "officer", "password": "mat-khau-moi" }),
            )
            .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["field"], "unit_id");
    // Leaders and administrators may stand above every unit.
    for (login, role) in [("lanhdao-moi", "leader"), ("quantri-moi", "admin")] {
        let r = api
                .post_json(
                    "/api/v1/users",
                    json!({ "login": login, "display_name": "Người mới", "role": role, "password": "mat-khau-moi" }),
                )
                .await;
        assert_eq!(r.status, StatusCode::CREATED, "{role}: {}", r.body);
    }
});

app_test!(
    a_clerk_is_offered_and_given_only_their_own_host_units,
    |app| async move {
        let province = app.unit_id("Tỉnh ủy Quảng Ninh").await;
        let ward = app.unit_id("Phường Hà Lầm").await;
        let mut clerk = app.login("vanthu", "vanthu-demo").await;
        let form = clerk.get("/sessions/new").await;
        assert_eq!(form.status, StatusCode::OK);
        let select = |body: &str| -> String {
            let start = body.find("name=\"host_unit_id\"").expect("the host field");
            let end = start + body[start..].find("</select>").unwrap();
            body[start..end].to_string()
        };
        let hosts = select(&form.body);
        assert!(hosts.contains(&format!("value=\"{ward}\"")), "{hosts}");
        assert!(!hosts.contains(&format!("value=\"{province}\"")), "{hosts}");
        // Sent anyway: said beside the field, with what was typed kept.
        let r = clerk
            .post_form(
                "/sessions",
                &[
                    ("title", "Buổi làm việc ngoài phạm vi"),
                    ("date", "2026-11-20"),
                    ("host_unit_id", &province.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("Đơn vị này ngoài phạm vi"), "{}", r.body);
        assert!(r.body.contains("Buổi làm việc ngoài phạm vi"));
        // A leader is offered the province.
        let mut leader = app.login("lanhdao", "lanhdao-demo").await;
        let form = leader.get("/sessions/new").await;
        assert!(select(&form.body).contains(&format!("value=\"{province}\"")));
    }
);
