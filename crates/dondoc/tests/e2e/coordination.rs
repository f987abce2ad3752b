//! Coordinating units: on a directive each reports its own part, which moves nothing of the
//! lead unit's (status, overall progress, closure); on a petition they are named when it is
//! assigned, see it in their inbox, report their part and never answer it; and a petition
//! assigned without a due date gets its answer time from its channel, its category and
//! whether other units coordinate (40 working days, 50 with coordination).

use axum::http::StatusCode;
use dondoc_app::App;
use dondoc_domain::{DirectiveStatus, Role, Visibility};

use crate::support::{form_fields, TestApp, TODAY};

/// An officer of `unit`, signed in.
async fn officer_of(app: &TestApp, login: &str, unit: i64) {
    let hash = dondoc_app::users::hash_password("mat-khau-thu").unwrap();
    app.store
        .create_user(
            Default::default(),
            login,
            login,
            &hash,
            Role::Officer,
            Some(unit),
            None,
        )
        .await
        .unwrap();
}

/// The id of what a write returned (a record, or a document holding one).
fn id_of(r: &crate::support::Resp, key: &str) -> i64 {
    let j = r.json();
    j[key]["id"]
        .as_i64()
        .or_else(|| j["id"].as_i64())
        .unwrap_or_else(|| panic!("{}", r.body))
}

app_test!(a_coordinating_unit_reports_its_own_part, |app| async move {
    let lead = app.unit_id("UBND phường Hà Lầm").await;
    let health = app.unit_id("Trạm y tế phường Hà Lầm").await;
    let other = app.unit_id("Phòng Tài nguyên và Môi trường").await;
    let leader_api = app.token("lanhdao", "lanhdao-demo").await;
    let r = leader_api
        .post_json(
            "/api/v1/directives",
            serde_json::json!({
                "text": "Tổ chức tiêm chủng mở rộng cho trẻ em khu 6",
                "lead_unit_id": lead,
                "coordinating_unit_ids": [health],
                "deadline": "2026-12-20",
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = id_of(&r, "directive");
    let path = format!("/directives/{id}");
    let progress = format!("/directives/{id}/progress");
    let read = || {
        let store = app.store.clone();
        async move {
            store
                .directive(id, &Visibility::All, TODAY)
                .await
                .unwrap()
                .directive
        }
    };
    let v0 = read().await;

    // The health station's officer is offered their unit's part, and only that.
    officer_of(&app, "tramyte", health).await;
    let mut coordinating = app.login("tramyte", "mat-khau-thu").await;
    let page = coordinating.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Báo cáo tiến độ phần phối hợp"),
        "{}",
        page.body
    );
    let fields = form_fields(&page.body, &progress);
    assert!(
        fields
            .iter()
            .any(|(k, v)| k == "unit_id" && *v == health.to_string()),
        "{fields:?}"
    );
    assert!(
        !page.body.contains("Báo cáo hoàn thành"),
        "no report of the whole done"
    );
    let v = v0.version.to_string();

    // Not the lead's report, nor the lead's steps.
    let r = coordinating
        .post_form(
            &progress,
            &[("percent", "90"), ("text", "x"), ("version", &v)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "the lead's report");
    let lead_s = lead.to_string();
    let r = coordinating
        .post_form(
            &progress,
            &[
                ("unit_id", &lead_s),
                ("percent", "90"),
                ("text", "x"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "naming the lead unit");
    for action in ["start", "report"] {
        let r = coordinating
            .post_form(
                &format!("/directives/{id}/transition"),
                &[("action", action), ("version", &v), ("text", "Xong")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{action}");
    }
    // A unit that is none of the directive's is a mistake in the input.
    let other_s = other.to_string();
    let r = coordinating
        .post_form(
            &progress,
            &[
                ("unit_id", &other_s),
                ("percent", "10"),
                ("text", "x"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

    // Its own part: kept under its name; the directive does not move.
    let health_s = health.to_string();
    let r = coordinating
        .post_form(
            &progress,
            &[
                ("unit_id", &health_s),
                ("percent", "60"),
                ("text", "Đã tiêm cho 120/200 trẻ."),
                ("date", "2026-11-25"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = read().await;
    assert_eq!(after.status, DirectiveStatus::Assigned);
    assert_eq!(after.progress_percent, 0);
    assert_eq!(after.version, v0.version);
    // Out of range is refused, in words.
    let r = coordinating
        .post_form(
            &progress,
            &[
                ("unit_id", &health_s),
                ("percent", "140"),
                ("text", "x"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The lead's officer reports the whole; they may not report the health station's part.
    let lead_api = app.token("chuyenvien", "chuyenvien-demo").await;
    let r = lead_api
            .post_json(
                &format!("/api/v1{progress}"),
                serde_json::json!({"unit_id": health, "percent": 99, "text": "x", "version": v0.version}),
            )
            .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = lead_api
            .post_json(
                &format!("/api/v1{progress}"),
                serde_json::json!({"percent": 30, "text": "Đã lập danh sách trẻ.", "version": v0.version}),
            )
            .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let after = read().await;
    assert_eq!(after.status, DirectiveStatus::InProgress);
    assert_eq!(after.progress_percent, 30);

    // The API names the unit of each report and takes it on POST.
    let coordinating_api = app.token("tramyte", "mat-khau-thu").await;
    let r = coordinating_api
            .post_json(
                &format!("/api/v1{progress}"),
                serde_json::json!({"unit_id": health, "percent": 80, "text": "Đã tiêm cho 160/200 trẻ.", "version": after.version}),
            )
            .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(read().await.progress_percent, 30, "still the lead's");
    let doc = coordinating_api
        .api(axum::http::Method::GET, &format!("/api/v1{path}"), None)
        .await
        .json();
    let reports = doc["progress"].as_array().expect("reports");
    let units: Vec<(i64, bool, i64)> = reports
        .iter()
        .map(|p| {
            (
                p["unit_id"].as_i64().unwrap(),
                p["share"].as_bool().unwrap(),
                p["percent"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        units,
        [(health, true, 60), (lead, false, 30), (health, true, 80)],
        "{doc}"
    );

    // The page shows each unit's latest word, and every report labelled by its unit.
    let mut leader = app.login("lanhdao", "lanhdao-demo").await;
    let page = leader.get(&path).await.body;
    let table = page
        .split("progress-units")
        .nth(1)
        .and_then(|t| t.split("</table>").next())
        .expect("the table of units");
    let lead_row = table.split("UBND phường Hà Lầm").nth(1).unwrap();
    assert!(
        lead_row.contains("30%") && lead_row.contains("Chủ trì"),
        "{table}"
    );
    let health_row = table.split("Trạm y tế phường Hà Lầm").nth(1).unwrap();
    assert!(
        health_row.contains("80%") && health_row.contains("Phối hợp"),
        "{table}"
    );
    assert!(page.contains("<strong>Trạm y tế phường Hà Lầm</strong> (Phối hợp) · 60%"));
    // The history says who reported what, in words.
    assert!(page.contains("Đơn vị phối hợp báo cáo tiến độ"), "{page}");
    assert!(page.contains("Đã tiêm cho 120/200 trẻ."));

    // The lead unit hears of the coordinating unit's report.
    let jobs = App::new(app.store.clone(), Some(TODAY));
    dondoc_app::follow::handle_events(&jobs).await.unwrap();
    let lead_officer = app
        .store
        .user_by_login("chuyenvien")
        .await
        .unwrap()
        .unwrap()
        .user
        .id;
    let (told, _) = app.store.notices(lead_officer, 20, 0).await.unwrap();
    assert!(
        told.iter().any(|n| n.entity_id == id
            && n.kind.as_str() == "share_reported"
            && n.detail.as_deref() == Some("Đã tiêm cho 120/200 trẻ.")),
        "{told:?}"
    );

    // Once the directive is closed, no part is reported any more.
    let r = leader_api
            .post_json(
                &format!("/api/v1/directives/{id}/transitions"),
                serde_json::json!({"action": "cancel", "text": "Chuyển kế hoạch khác", "version": read().await.version}),
            )
            .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = coordinating_api
            .post_json(
                &format!("/api/v1{progress}"),
                serde_json::json!({"unit_id": health, "percent": 90, "text": "x", "version": read().await.version}),
            )
            .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
});

app_test!(
    petitions_get_their_answer_time_from_channel_category_and_coordination,
    |app| async move {
        let ward = app.unit_id("UBND phường Hà Lầm").await;
        let health = app.unit_id("Trạm y tế phường Hà Lầm").await;
        let area = app.unit_id("Khu 6, phường Hà Lầm").await;
        let board = app
            .unit_id("Ban quản lý dự án đầu tư xây dựng các dự án thành phố")
            .await;
        let admin = app.token("quantri", "quantri-demo").await;
        let new_petition = |text: &str, extra: serde_json::Value| {
            let mut body = serde_json::json!({
                "text": text,
                "area_unit_id": area,
                "new_petition": true,
            });
            body.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            body
        };
        let calendar = dondoc_domain::calendar::Calendar::vietnam();
        let in_40 = calendar.add_working_days(TODAY, 40).unwrap();
        let in_50 = calendar.add_working_days(TODAY, 50).unwrap();
        assert!(in_40 < in_50);

        // Recorded and assigned at once: 40 working days alone, 50 with a coordinating unit.
        let alone = admin
            .post_json(
                "/api/v1/petitions",
                new_petition(
                    "Sửa chữa cống thoát nước tổ 3 khu 6 bị tắc",
                    serde_json::json!({"responsible_unit_id": ward}),
                ),
            )
            .await;
        assert_eq!(alone.status, StatusCode::CREATED, "{}", alone.body);
        assert_eq!(alone.json()["due_on"], in_40.to_string(), "{}", alone.body);
        let with = admin
            .post_json(
                "/api/v1/petitions",
                new_petition(
                    "Phun thuốc diệt muỗi phòng sốt xuất huyết tại khu 6",
                    serde_json::json!({"responsible_unit_id": ward, "coordinating_unit_ids": [health], "channel": "letter"}),
                ),
            )
            .await;
        assert_eq!(with.status, StatusCode::CREATED, "{}", with.body);
        assert_eq!(with.json()["due_on"], in_50.to_string(), "{}", with.body);
        assert_eq!(with.json()["channel"], "letter");
        assert_eq!(
            with.json()["coordinating_unit_ids"],
            serde_json::json!([health])
        );
        assert_eq!(
            with.json()["coordinating_names"],
            serde_json::json!(["Trạm y tế phường Hà Lầm"])
        );

        // Received first, assigned later: the same times, from the day it is assigned.
        let received = |text: &'static str| {
            let admin = &admin;
            let body = new_petition(text, serde_json::json!({}));
            async move {
                let r = admin.post_json("/api/v1/petitions", body).await;
                assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
                (
                    r.json()["id"].as_i64().unwrap(),
                    r.json()["version"].as_i64().unwrap(),
                )
            }
        };
        let (a, va) = received("Lắp biển báo giao thông đầu ngõ 12 khu 6").await;
        let (b, vb) = received("Nạo vét kênh thoát nước chân núi khu 6").await;
        let r = admin
            .post_json(
                &format!("/api/v1/petitions/{a}/transitions"),
                serde_json::json!({"action": "assign", "responsible_unit_id": ward, "version": va}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let r = admin
            .post_json(
                &format!("/api/v1/petitions/{b}/transitions"),
                serde_json::json!({"action": "assign", "responsible_unit_id": ward, "coordinating_unit_ids": [health, board], "version": vb}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let due = |id: i64| {
            let store = app.store.clone();
            async move {
                store
                    .petition(id, &Visibility::All)
                    .await
                    .unwrap()
                    .petition
                    .due_on
            }
        };
        assert_eq!(due(a).await, Some(in_40));
        assert_eq!(due(b).await, Some(in_50));

        // An officer hands work within their scope only: the city's board is not theirs.
        let (c, vc) = received("Xây kè chống sạt lở bờ suối khu 6").await;
        let r = admin
            .post_json(
                &format!("/api/v1/petitions/{c}/transitions"),
                serde_json::json!({"action": "assign", "responsible_unit_id": ward, "version": vc}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let vc = r.json()["version"].as_i64().unwrap();
        let officer = app.token("chuyenvien", "chuyenvien-demo").await;
        let r = officer
            .post_json(
                &format!("/api/v1/petitions/{c}/transitions"),
                serde_json::json!({"action": "assign", "responsible_unit_id": ward, "coordinating_unit_ids": [board], "version": vc}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        let doc = admin
            .api(
                axum::http::Method::GET,
                &format!("/api/v1/petitions/{c}"),
                None,
            )
            .await
            .json();
        assert_eq!(doc["petition"]["version"], vc, "nothing written");
        assert_eq!(
            doc["petition"]["coordinating_unit_ids"],
            serde_json::json!([])
        );

        // The health station sees it in its inbox, reports its part, and does not answer it.
        officer_of(&app, "tramyte", health).await;
        let mut coordinating = app.login("tramyte", "mat-khau-thu").await;
        let inbox = coordinating.get("/inbox").await.body;
        assert!(
            inbox.contains(&format!("href=\"/petitions/{b}\"")),
            "{inbox}"
        );
        assert!(
            !inbox.contains(&format!("href=\"/petitions/{a}\"")),
            "{inbox}"
        );
        // Said to be a part to coordinate, not the unit's own to answer.
        let item = inbox
            .split(&format!("href=\"/petitions/{b}\""))
            .nth(1)
            .and_then(|rest| rest.split("</li>").next())
            .unwrap();
        assert!(
            item.contains("<span class=\"badge\">Phối hợp</span>"),
            "{item}"
        );
        let page = coordinating.get(&format!("/petitions/{b}")).await.body;
        assert!(page.contains("Báo cáo phần phối hợp"), "{page}");
        assert!(page.contains("Đơn vị phối hợp"));
        let health_s = health.to_string();
        let r = coordinating
            .post_form(
                &format!("/petitions/{b}/notes"),
                &[
                    ("unit_id", &health_s),
                    ("text", "Đã khảo sát, đề xuất nạo vét 300 m."),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let ward_s = ward.to_string();
        let r = coordinating
            .post_form(
                &format!("/petitions/{b}/notes"),
                &[("unit_id", &ward_s), ("text", "x")],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "the responsible unit answers"
        );
        let v = app
            .store
            .petition(b, &Visibility::All)
            .await
            .unwrap()
            .petition
            .version
            .to_string();
        let r = coordinating
            .post_form(
                &format!("/petitions/{b}/transition"),
                &[
                    ("action", "answer"),
                    ("answer", "Đã nạo vét"),
                    ("version", &v),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // The ward's officer may not report the health station's part.
        let r = officer
            .post_json(
                &format!("/api/v1/petitions/{b}/notes"),
                serde_json::json!({"unit_id": health, "text": "x"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

        let doc = admin
            .api(
                axum::http::Method::GET,
                &format!("/api/v1/petitions/{b}"),
                None,
            )
            .await
            .json();
        let notes = doc["notes"].as_array().expect("notes");
        assert_eq!(notes.len(), 1, "{doc}");
        assert_eq!(notes[0]["unit_id"], health);
        assert_eq!(notes[0]["text"], "Đã khảo sát, đề xuất nạo vét 300 m.");
        let page = app
            .login("quantri", "quantri-demo")
            .await
            .get(&format!("/petitions/{b}"))
            .await
            .body;
        assert!(page.contains("Đã khảo sát, đề xuất nạo vét 300 m."));
        assert!(page.contains("Ban quản lý dự án đầu tư xây dựng các dự án thành phố"));
    }
);
