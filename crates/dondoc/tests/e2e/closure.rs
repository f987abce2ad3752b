//! Two-party closure: the lead unit's officer reports a directive done with its result and
//! evidence; only the issuer's side (a leader) accepts it, returns it with a reason, or
//! cancels; each side hears of the other's step; the evidence is checked by its bytes and
//! only ever served as an attachment.

use axum::http::{header, StatusCode};
use dondoc_app::App;
use dondoc_domain::follow::NoticeKind;
use dondoc_domain::{DirectiveStatus, Visibility};

use crate::support::{csrf_of, TODAY};

app_test!(
    only_the_issuers_side_closes_what_the_assignee_reports,
    |app| async move {
        let unit = app.unit_id("UBND phường Hà Lầm").await;
        let leader_api = app.token("lanhdao", "lanhdao-demo").await;
        let r = leader_api
            .post_json(
                "/api/v1/directives",
                serde_json::json!({
                    "text": "Lắp đặt hệ thống đèn chiếu sáng khu 6",
                    "lead_unit_id": unit,
                    "deadline": "2026-12-01",
                }),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.json()["directive"]["id"]
            .as_i64()
            .or_else(|| r.json()["id"].as_i64())
            .unwrap_or_else(|| panic!("{}", r.body));
        let path = format!("/directives/{id}");
        let step = format!("/directives/{id}/transition");
        let version = |app: &crate::support::TestApp| {
            let store = app.store.clone();
            async move {
                store
                    .directive(id, &Visibility::All, TODAY)
                    .await
                    .unwrap()
                    .directive
            }
        };

        // The officer of the lead unit may report, not decide.
        let mut officer = app.login("chuyenvien", "chuyenvien-demo").await;
        let page = officer.get(&path).await.body;
        assert!(page.contains("Báo cáo hoàn thành"), "the report form");
        assert!(
            !page.contains(">Hủy<") && !page.contains("Xác nhận hoàn thành"),
            "no decisions"
        );
        let v = version(&app).await.version.to_string();
        for action in ["cancel", "complete", "accept"] {
            let r = officer
                .post_form(&step, &[("action", action), ("version", &v)])
                .await;
            assert_eq!(
                r.status,
                StatusCode::FORBIDDEN,
                "an officer may not {action}"
            );
        }
        let officer_api = app.token("chuyenvien", "chuyenvien-demo").await;
        let r = officer_api
        .post_json(
            &format!("/api/v1/directives/{id}/transitions"),
            serde_json::json!({"action": "cancel", "text": "không làm", "version": v.parse::<i64>().unwrap()}),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "nor through the API");

        // A report needs its result.
        let r = officer
            .post_form(&step, &[("action", "report"), ("version", &v)])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("aria-invalid=\"true\""));

        // Evidence: an HTML page dressed as a PDF is refused by its bytes; a PDF is kept.
        let upload = format!("/directives/{id}/evidence");
        let csrf = csrf_of(&page);
        let (ct, body) = crate::support::upload(
            &csrf,
            "file",
            "bien-ban.pdf",
            b"<!doctype html><script>alert(document.cookie)</script>",
        );
        let r = officer.post_raw(&upload, &ct, body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("nội dung tệp này không phải"), "{}", r.body);
        let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
        let (ct, body) = crate::support::upload(&csrf, "file", "Biên bản nghiệm thu.pdf", pdf);
        let r = officer.post_raw(&upload, &ct, body).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let files = app.store.evidence_list(id).await.unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].name, "Biên bản nghiệm thu.pdf");
        let r = officer
            .get(&format!("/directives/{id}/evidence/{}", files[0].id))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.headers[header::CONTENT_TYPE], "application/pdf");
        let disposition = r.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(disposition.starts_with("attachment;"), "{disposition}");
        assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(r.body.as_bytes(), pdf);
        // A visitor gets none of it.
        let mut visitor = app.anonymous();
        let r = visitor
            .get(&format!("/directives/{id}/evidence/{}", files[0].id))
            .await;
        assert_ne!(r.status, StatusCode::OK);

        let r = officer
            .post_form(
                &step,
                &[
                    ("action", "report"),
                    ("version", &v),
                    ("text", "Đã lắp 24 bộ đèn, nghiệm thu ngày 20/11."),
                    ("done_on", "2026-11-20"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let d = version(&app).await;
        assert_eq!(d.status, DirectiveStatus::Reported);

        // The leader hears of it and returns it, with the reason; the officer hears of that.
        let jobs = App::new(app.store.clone(), Some(TODAY));
        dondoc_app::follow::handle_events(&jobs).await.unwrap();
        let leader_id = app
            .store
            .user_by_login("lanhdao")
            .await
            .unwrap()
            .unwrap()
            .user
            .id;
        let officer_id = app
            .store
            .user_by_login("chuyenvien")
            .await
            .unwrap()
            .unwrap()
            .user
            .id;
        let (told, _) = app.store.notices(leader_id, 5, 0).await.unwrap();
        assert_eq!(told[0].kind, NoticeKind::Reported);
        assert_eq!(told[0].entity_id, id);
        let mut leader = app.login("lanhdao", "lanhdao-demo").await;
        // It waits in the leader's inbox, not in the officer's list of work to do.
        let inbox = leader.get("/inbox").await.body;
        assert!(inbox.contains("chờ anh/chị xác nhận"), "{inbox}");
        assert!(inbox.contains(&format!("href=\"/directives/{id}\"")));
        let inbox = officer.get("/inbox").await.body;
        assert!(!inbox.contains(&format!("href=\"/directives/{id}\"")));
        let page = leader.get(&path).await.body;
        assert!(page.contains("Xác nhận hoàn thành") && page.contains("Trả lại"));
        let v = d.version.to_string();
        let r = leader
            .post_form(&step, &[("action", "return"), ("version", &v)])
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a return needs its reason"
        );
        let r = leader
            .post_form(
                &step,
                &[
                    ("action", "return"),
                    ("version", &v),
                    ("text", "Thiếu ảnh hiện trường."),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(version(&app).await.status, DirectiveStatus::InProgress);
        dondoc_app::follow::handle_events(&jobs).await.unwrap();
        let (told, _) = app.store.notices(officer_id, 5, 0).await.unwrap();
        assert_eq!(told[0].kind, NoticeKind::Returned);
        assert_eq!(told[0].detail.as_deref(), Some("Thiếu ảnh hiện trường."));

        // Reported again, then accepted: done on the day reported, late against the deadline.
        let v = version(&app).await.version.to_string();
        let r = officer
            .post_form(
                &step,
                &[
                    ("action", "report"),
                    ("version", &v),
                    ("text", "Bổ sung ảnh hiện trường."),
                    ("done_on", "2026-12-03"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let v = version(&app).await.version;
        let r = leader_api
            .post_json(
                &format!("/api/v1/directives/{id}/transitions"),
                serde_json::json!({"action": "accept", "version": v}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let d = version(&app).await;
        assert_eq!(d.status, DirectiveStatus::Done);
        assert_eq!(d.done_on, Some(jiff::civil::date(2026, 12, 3)));
        let steps: Vec<String> = app
            .store
            .directive_steps(id)
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.action)
            .collect();
        assert_eq!(steps, ["report", "return", "report", "accept"]);
        let page = officer.get(&path).await.body;
        assert!(page.contains("Hoàn thành trễ hạn"), "done late");
        // The history names each step as it was taken.
        let history = &page[page.find("class=\"history\"").expect("a history")..];
        for step in [
            "Báo cáo hoàn thành",
            "Trả lại báo cáo",
            "Xác nhận hoàn thành",
        ] {
            assert!(history.contains(step), "{step} in {history}");
        }
        dondoc_app::follow::handle_events(&jobs).await.unwrap();
        let (told, _) = app.store.notices(officer_id, 5, 0).await.unwrap();
        assert_eq!(told[0].kind, NoticeKind::Accepted);
    }
);

app_test!(
    the_assignee_asks_for_time_and_the_issuer_decides,
    |app| async move {
        let unit = app.unit_id("UBND phường Hà Lầm").await;
        let leader_api = app.token("lanhdao", "lanhdao-demo").await;
        let r = leader_api
            .post_json(
                "/api/v1/directives",
                serde_json::json!({
                    "text": "Hoàn thành hồ sơ giải phóng mặt bằng khu 4",
                    "lead_unit_id": unit,
                    "deadline": "2026-12-15",
                }),
            )
            .await;
        let id = r.json()["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("{}", r.body));
        let ask = format!("/directives/{id}/extension-requests");
        let mut officer = app.login("chuyenvien", "chuyenvien-demo").await;
        let page = officer.get(&format!("/directives/{id}")).await.body;
        assert!(
            page.contains(&format!("action=\"{ask}\"")),
            "the form to ask"
        );

        // A date not later than the deadline is no extension.
        let r = officer
            .post_form(
                &ask,
                &[
                    ("new_deadline", "2026-12-10"),
                    ("reason", "Chờ vốn"),
                    ("version", "1"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = officer
            .post_form(
                &ask,
                &[
                    ("new_deadline", "2027-01-31"),
                    ("reason", "Chờ bố trí vốn"),
                    ("version", "1"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        // One request waits at a time.
        let officer_api = app.token("chuyenvien", "chuyenvien-demo").await;
        let r = officer_api
            .post_json(
                &format!("/api/v1{ask}"),
                serde_json::json!({"new_deadline": "2027-02-28", "reason": "Thêm", "version": 1}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.json()["fields"][0]["code"], "pending");
        let request = app.store.extension_requests(id).await.unwrap()[0].id;
        let decide = format!("{ask}/{request}");
        // Only the issuer's side decides.
        let r = officer_api
            .post_json(
                &format!("/api/v1{decide}"),
                serde_json::json!({"decision": "approve"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        // The leader is told, refuses without a note (refused), then with one.
        let jobs = App::new(app.store.clone(), Some(TODAY));
        dondoc_app::follow::handle_events(&jobs).await.unwrap();
        let leader_id = app
            .store
            .user_by_login("lanhdao")
            .await
            .unwrap()
            .unwrap()
            .user
            .id;
        let officer_id = app
            .store
            .user_by_login("chuyenvien")
            .await
            .unwrap()
            .unwrap()
            .user
            .id;
        let (told, _) = app.store.notices(leader_id, 1, 0).await.unwrap();
        assert_eq!(told[0].kind, NoticeKind::ExtensionRequested);
        let mut leader = app.login("lanhdao", "lanhdao-demo").await;
        let r = leader.post_form(&decide, &[("decision", "refuse")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = leader
            .post_form(
                &decide,
                &[
                    ("decision", "refuse"),
                    ("note", "Đủ thời gian, đề nghị khẩn trương."),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        dondoc_app::follow::handle_events(&jobs).await.unwrap();
        let (told, _) = app.store.notices(officer_id, 1, 0).await.unwrap();
        assert_eq!(told[0].kind, NoticeKind::ExtensionDecided);
        let page = officer.get("/notices").await.body;
        assert!(
            page.contains("Không đồng ý gia hạn — Đủ thời gian"),
            "{page}"
        );
        let d = app
            .store
            .directive(id, &Visibility::All, TODAY)
            .await
            .unwrap();
        assert_eq!(d.directive.deadline, Some(jiff::civil::date(2026, 12, 15)));

        // Asked again and granted: the deadline moves, kept with the old and new date.
        let r = officer
            .post_form(
                &ask,
                &[
                    ("new_deadline", "2027-01-15"),
                    ("reason", "Vướng mặt bằng 2 hộ"),
                    ("version", "1"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let request = app.store.extension_requests(id).await.unwrap()[1].id;
        let r = leader_api
            .post_json(
                &format!("/api/v1{ask}/{request}"),
                serde_json::json!({"decision": "approve"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["status"], "approved");
        let d = app
            .store
            .directive(id, &Visibility::All, TODAY)
            .await
            .unwrap();
        assert_eq!(d.directive.deadline, Some(jiff::civil::date(2027, 1, 15)));
        let ext = app.store.extensions(id).await.unwrap();
        assert_eq!(ext.len(), 1);
        assert_eq!(ext[0].old_deadline, Some(jiff::civil::date(2026, 12, 15)));
        assert_eq!(ext[0].new_deadline, jiff::civil::date(2027, 1, 15));
        assert_eq!(ext[0].approved_by, Some(leader_id));
        // The history says it in words: actions and fields named, units by name, dates as dates.
        let page = leader.get(&format!("/directives/{id}")).await.body;
        let history = &page[page.find("class=\"history\"").expect("a history")..];
        for words in [
            "Đồng ý gia hạn",
            "Không đồng ý gia hạn",
            "Đề nghị gia hạn",
            "Tạo mới",
            "Đơn vị chủ trì",
            "UBND phường Hà Lầm",
            "15/01/2027",
        ] {
            assert!(history.contains(words), "{words} in {history}");
        }
        for code in [
            "request_extension",
            "lead_unit_id",
            "2027-01-15",
            ">assigned<",
        ] {
            assert!(!history.contains(code), "{code} in {history}");
        }
        // Decided once: a second decision is a conflict.
        let r = leader_api
            .post_json(
                &format!("/api/v1{ask}/{request}"),
                serde_json::json!({"decision": "refuse", "note": "x"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
    }
);
