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

/// A published session of the ward, made through the API; its id.
async fn new_session(
    leader: &crate::support::Client<'_>,
    ward: i64,
    title: &str,
    published: bool,
) -> i64 {
    let r = leader
        .post_json(
            "/api/v1/sessions",
            json!({ "date": "2026-11-20", "title": title, "host_unit_id": ward, "published": published }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["id"].as_i64().unwrap()
}

/// A new petition of `area` raised at `session`, through the API; its id.
async fn new_petition(
    leader: &crate::support::Client<'_>,
    text: &str,
    area: i64,
    session: i64,
) -> i64 {
    let r = leader
        .post_json(
            "/api/v1/petitions",
            json!({ "text": text, "area_unit_id": area, "session_id": session, "new_petition": true }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["id"].as_i64().unwrap()
}

app_test!(
    two_records_of_one_petition_merge_keeping_both_histories,
    |app| async move {
        let leader = app.token("lanhdao", "lanhdao-demo").await;
        let ward = app.unit_id("Phường Hà Lầm").await;
        let khu2 = app.unit_id("Khu 2, phường Hà Lầm").await;
        let kept = app.petition_id("xây mới nhà văn hóa khu 2").await;
        // The same petition recorded again, worded otherwise, at a meeting that also raised
        // the first one, and raised once more at another.
        let both = new_session(&leader, ward, "Tiếp xúc cử tri khu 2 tháng 11", true).await;
        let other = new_session(&leader, ward, "Hội nghị nhân dân khu 2", true).await;
        let r = leader
            .post_json(
                &format!("/api/v1/petitions/{kept}/raisings"),
                json!({ "session_id": both }),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let dup = new_petition(
            &leader,
            "Đề nghị làm nhà sinh hoạt cộng đồng cho khu 2",
            khu2,
            both,
        )
        .await;
        let r = leader
            .post_json(
                &format!("/api/v1/petitions/{dup}/raisings"),
                json!({ "session_id": other }),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let get = |id: i64| {
            let leader = &leader;
            async move {
                leader
                    .api(Method::GET, &format!("/api/v1/petitions/{id}"), None)
                    .await
                    .json()
            }
        };
        let before = get(kept).await["petition"]["raised_count"]
            .as_i64()
            .unwrap();

        // The page offers the merge, with a picker of petitions; the confirmation shows
        // both and says which meeting raised both.
        let mut page = app.login("lanhdao", "lanhdao-demo").await;
        let r = page.get(&format!("/petitions/{dup}")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("Gộp vào kiến nghị khác"), "{}", r.body);
        assert!(r
            .body
            .contains(&format!("action=\"/petitions/{dup}/merge\"")));
        assert!(r.body.contains("data-pick=\"petitions\""));
        let r = page
            .get(&format!("/petitions/{dup}/merge?into_petition_id={kept}"))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("Xây mới nhà văn hóa khu 2"), "{}", r.body);
        assert!(r
            .body
            .contains("Đề nghị làm nhà sinh hoạt cộng đồng cho khu 2"));
        assert!(r.body.contains("Các buổi làm việc đã nêu cả hai kiến nghị"));
        assert!(r.body.contains("Tiếp xúc cử tri khu 2 tháng 11"));
        assert!(
            r.body.contains("Số lần nêu sẽ chuyển sang: 1."),
            "{}",
            r.body
        );
        let version = get(dup).await["petition"]["version"]
            .as_i64()
            .unwrap()
            .to_string();
        let into_version = get(kept).await["petition"]["version"]
            .as_i64()
            .unwrap()
            .to_string();
        assert!(r
            .body
            .contains(&format!("name=\"into_version\" value=\"{into_version}\"")));
        // A name typed in the picker finds the petition too.
        let r = page
            .get(&format!(
                "/petitions/{dup}/merge?into_petition_id=X%C3%A2y+m%E1%BB%9Bi+nh%C3%A0+v%C4%83n+h%C3%B3a+khu+2"
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r
            .body
            .contains(&format!("name=\"into_petition_id\" value=\"{kept}\"")));
        // Into itself: said on the form, nothing written.
        let r = page
            .get(&format!("/petitions/{dup}/merge?into_petition_id={dup}"))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(
            r.body.contains("Không thể gộp một kiến nghị vào chính nó"),
            "{}",
            r.body
        );

        let kept_field = kept.to_string();
        let r = page
            .post_form(
                &format!("/petitions/{dup}/merge"),
                &[
                    ("into_petition_id", kept_field.as_str()),
                    ("version", version.as_str()),
                    ("into_version", into_version.as_str()),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.location(), format!("/petitions/{kept}?saved=1#history"));

        // The raisings moved (the meeting that raised both counts once), the cached columns
        // are what the raisings say, and the record merged away says where it went.
        let a = get(kept).await;
        assert_eq!(a["petition"]["raised_count"].as_i64(), Some(before + 1));
        let moved: Vec<&serde_json::Value> = a["raisings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["raising"]["merged_from"] == json!(dup))
            .collect();
        assert_eq!(moved.len(), 1);
        assert_eq!(moved[0]["raising"]["session_id"], json!(other));
        assert!(app
            .store
            .stale_petition_counts(10)
            .await
            .unwrap()
            .is_empty());
        let b = get(dup).await;
        assert_eq!(b["petition"]["status"], "merged");
        assert_eq!(b["petition"]["merged_into"], json!(kept));
        assert_eq!(b["petition"]["raised_count"], 0);
        // No longer open anywhere: not in the open list, not in the dashboard's counts.
        let open = leader
            .api(Method::GET, "/api/v1/petitions?open=true&limit=500", None)
            .await
            .json();
        assert!(open["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["id"] != json!(dup)));

        // Both histories, in words: the kept one names the one merged into it, with a link to
        // its page and history; the one merged away points to the kept one.
        let r = page.get(&format!("/petitions/{kept}")).await;
        assert!(r.body.contains("Nhận gộp từ kiến nghị khác"), "{}", r.body);
        assert!(r.body.contains(&format!("href=\"/petitions/{dup}\"")));
        assert!(r.body.contains(&format!("gộp từ kiến nghị #{dup}")));
        assert!(r.body.contains("Số lần nêu chuyển sang"));
        assert!(r.body.contains("Buổi đã nêu cả hai (giữ một lần nêu)"));
        let r = page.get(&format!("/petitions/{dup}")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            r.body.contains("Kiến nghị này đã được gộp vào kiến nghị"),
            "{}",
            r.body
        );
        assert!(r
            .body
            .contains(&format!("<a href=\"/petitions/{kept}\">#{kept}</a>")));
        assert!(
            r.body.contains("Gộp vào kiến nghị khác"),
            "its history says so"
        );
        assert!(!r
            .body
            .contains(&format!("action=\"/petitions/{dup}/merge\"")));
        assert!(!r
            .body
            .contains(&format!("action=\"/petitions/{dup}/raisings\"")));
        page.lang = Some("en");
        let r = page.get(&format!("/petitions/{kept}")).await;
        assert!(
            r.body.contains("Another petition merged into this one"),
            "{}",
            r.body
        );
        assert!(r
            .body
            .contains(&format!("See petition #{dup} and its history")));
        let r = page.get(&format!("/petitions/{dup}")).await;
        assert!(
            r.body.contains("Merged into another petition"),
            "{}",
            r.body
        );
        page.lang = None;
        let history = leader
            .api(
                Method::GET,
                &format!("/api/v1/history/petition/{kept}"),
                None,
            )
            .await
            .json();
        let last = history.as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["action"], "merge_from");

        // A visitor of the merged record's address is sent to the kept one, on the page and
        // the API.
        let mut visitor = app.anonymous();
        let r = visitor.get(&format!("/petitions/{dup}")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.location(), format!("/petitions/{kept}"));
        let r = visitor
            .api(Method::GET, &format!("/api/v1/petitions/{dup}"), None)
            .await;
        assert_eq!(r.status, StatusCode::PERMANENT_REDIRECT, "{}", r.body);
        assert_eq!(r.location(), format!("/api/v1/petitions/{kept}"));

        // Refused, each with its reason, nothing written: again, into the merged one, a
        // stale version; through the API.
        let other_petition = app.petition_id("xây mới nhà văn hóa khu 6").await;
        let v = |x: &serde_json::Value| x["petition"]["version"].as_i64().unwrap();
        let (vo, vk, vd) = (
            v(&get(other_petition).await),
            v(&get(kept).await),
            v(&get(dup).await),
        );
        let merge = |from: i64, body: serde_json::Value| {
            let leader = &leader;
            async move {
                leader
                    .post_json(&format!("/api/v1/petitions/{from}/merge"), body)
                    .await
            }
        };
        let r = merge(
            dup,
            json!({ "into_petition_id": kept, "version": vd, "into_version": vk }),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.json()["fields"][0]["field"], "petition");
        assert_eq!(r.json()["fields"][0]["code"], "merged");
        let r = merge(
            other_petition,
            json!({ "into_petition_id": dup, "version": vo, "into_version": vd }),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.json()["field"], "into_petition_id");
        assert_eq!(r.json()["fields"][0]["code"], "merged");
        let r = merge(
            other_petition,
            json!({ "into_petition_id": other_petition, "version": vo, "into_version": vo }),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.json()["fields"][0]["code"], "unchanged");
        let r = merge(
            other_petition,
            json!({ "into_petition_id": kept, "version": vo - 1, "into_version": vk }),
        )
        .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        let r = merge(
            other_petition,
            json!({ "into_petition_id": kept, "version": vo, "into_version": vk - 1 }),
        )
        .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        let r = merge(
            other_petition,
            json!({ "into_petition_id": 999_999, "version": vo, "into_version": 1 }),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.json()["fields"][0]["code"], "unknown_reference");
        let r = leader
            .post_json(
                &format!("/api/v1/petitions/{dup}/raisings"),
                json!({ "date": "2026-11-21" }),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(
            get(kept).await["petition"]["raised_count"].as_i64(),
            Some(before + 1)
        );
        assert_eq!(v(&get(other_petition).await), vo);
        assert_eq!(v(&get(kept).await), vk);

        // Who may: not a clerk, nor an officer for petitions outside their unit, nor a
        // visitor; the API merges for a leader.
        let clerk = app.token("vanthu", "vanthu-demo").await;
        let body = json!({ "into_petition_id": kept, "version": vo, "into_version": vk });
        let r = clerk
            .post_json(
                &format!("/api/v1/petitions/{other_petition}/merge"),
                body.clone(),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        let officer = app.token("chuyenvien", "chuyenvien-demo").await;
        let r = officer
            .post_json(
                &format!("/api/v1/petitions/{other_petition}/merge"),
                body.clone(),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        let r = app
            .anonymous()
            .post_json(
                &format!("/api/v1/petitions/{other_petition}/merge"),
                body.clone(),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
        let r = merge(other_petition, body).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["from"]["merged_into"], json!(kept));
        assert_eq!(r.json()["into"]["id"], json!(kept));
        assert!(app
            .store
            .stale_petition_counts(10)
            .await
            .unwrap()
            .is_empty());
    }
);

app_test!(
    a_visitor_never_follows_a_merge_to_what_they_may_not_see,
    |app| async move {
        let leader = app.token("lanhdao", "lanhdao-demo").await;
        let ward = app.unit_id("Phường Hà Lầm").await;
        let khu6 = app.unit_id("Khu 6, phường Hà Lầm").await;
        let hidden = new_session(&leader, ward, "Họp nội bộ khu 6", false).await;
        let kept = new_petition(&leader, "Đề nghị lắp camera an ninh khu 6", khu6, hidden).await;
        let dup = new_petition(
            &leader,
            "Đề nghị lắp đặt camera giám sát khu 6 để giữ an ninh trật tự",
            khu6,
            hidden,
        )
        .await;
        let v = |id: i64| {
            let leader = &leader;
            async move {
                leader
                    .api(Method::GET, &format!("/api/v1/petitions/{id}"), None)
                    .await
                    .json()["petition"]["version"]
                    .as_i64()
                    .unwrap()
            }
        };
        let r = leader
            .post_json(
                &format!("/api/v1/petitions/{dup}/merge"),
                json!({ "into_petition_id": kept, "version": v(dup).await, "into_version": v(kept).await }),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        // Neither is public: the visitor is told of neither.
        let mut visitor = app.anonymous();
        for path in [format!("/petitions/{dup}"), format!("/petitions/{kept}")] {
            let r = visitor.get(&path).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.body);
            assert!(!r.body.contains("camera"), "{}", r.body);
            assert!(!r.location().contains(&kept.to_string()));
        }
        let r = visitor
            .api(Method::GET, &format!("/api/v1/petitions/{dup}"), None)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
        // Nor a petition the caller may not see chosen to merge into: for a merge the
        // officer may not make, they are refused.
        let officer = app.token("chuyenvien", "chuyenvien-demo").await;
        let r = officer
            .post_json(
                &format!("/api/v1/petitions/{dup}/merge"),
                json!({ "into_petition_id": kept, "version": 1, "into_version": 1 }),
            )
            .await;
        assert!(r.status.is_client_error(), "{}", r.body);
    }
);
