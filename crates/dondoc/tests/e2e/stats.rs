//! The leaders' dashboard ("Thống kê"): its figures are those the lists give, for each caller
//! as they may see them (a directive of an unpublished session counts for the leader, not for
//! an officer of another unit); each unit of its table opens the level below; its charts are
//! drawn on the server with their tables; a bad period or unit is told, never a 500.

use crate::support::{TestApp, TODAY};
use axum::http::{Method, StatusCode};
use dondoc_domain::directive::{timeliness, Timeliness};
use dondoc_domain::input::{NewDirective, NewSession};
use dondoc_domain::{DirectiveStatus, Visibility};
use dondoc_store::{DirectiveFilter, Who};
use serde_json::Value;

const FROM: &str = "2020-01-01";
const TO: &str = "2026-12-31";

/// Done in the period, of which on time; open; overdue: counted from the directives list.
async fn from_the_list(app: &TestApp, vis: &Visibility, scope: &[i64]) -> [i64; 4] {
    let (from, to) = (FROM.parse().unwrap(), TO.parse().unwrap());
    let list = app
        .store
        .directives(
            &DirectiveFilter {
                limit: Some(500),
                ..Default::default()
            },
            vis,
            TODAY,
        )
        .await
        .unwrap()
        .items;
    assert!(list.len() < 500);
    let mut out = [0; 4];
    for d in list {
        let d = d.directive;
        if !d.lead_unit_id.is_some_and(|u| scope.contains(&u)) {
            continue;
        }
        let t = timeliness(d.status, d.deadline, d.done_on, TODAY);
        match d.status {
            DirectiveStatus::Done if d.done_on.is_some_and(|x| x >= from && x <= to) => {
                out[0] += 1;
                out[1] += i64::from(t == Timeliness::DoneOnTime);
            }
            DirectiveStatus::Assigned | DirectiveStatus::InProgress => {
                out[2] += 1;
                out[3] += i64::from(t == Timeliness::Overdue);
            }
            DirectiveStatus::Reported => out[2] += 1,
            _ => {}
        }
    }
    out
}

fn figures(v: &Value) -> [i64; 4] {
    let f = &v["figures"];
    ["done", "done_on_time", "open", "overdue"].map(|k| f[k].as_i64().unwrap())
}

app_test!(
    the_dashboard_counts_what_each_caller_may_see,
    |app| async move {
        let province = app.unit_id("Tỉnh Quảng Ninh").await;
        let ward = app.unit_id("Phường Hà Lầm").await;
        // A directive of an unpublished session of the province, overdue, led by a city office
        // no ward officer answers for.
        let tnmt = app.unit_id("Phòng Tài nguyên và Môi trường").await;
        let host = app.unit_id("UBND tỉnh Quảng Ninh").await;
        let hidden = app
            .store
            .create_session(
                Who::default(),
                &NewSession {
                    date: TODAY,
                    place: None,
                    title: "Họp nội bộ về đất đai".into(),
                    host_unit_id: host,
                    delegation_name: None,
                    lead_person_id: None,
                    summary: None,
                    source_text: None,
                    published: false,
                },
            )
            .await
            .unwrap()
            .session
            .id;
        app.store
            .create_directive(
                Who::default(),
                &NewDirective {
                    session_id: Some(hidden),
                    text: "Rà soát hồ sơ đất đai tồn đọng".into(),
                    issued_by_person_id: None,
                    lead_unit_id: Some(tnmt),
                    coordinating_unit_ids: vec![],
                    deadline: Some(TODAY.yesterday().unwrap()),
                    deadline_text: None,
                },
                TODAY,
            )
            .await
            .unwrap();

        let scope = app.store.unit_scope(province).await.unwrap();
        let path = format!("/api/v1/stats?unit_id={province}&from={FROM}&to={TO}");
        let leader = app.token("lanhdao", "lanhdao-demo").await;
        let r = leader.api(Method::GET, &path, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let seen_by_leader = r.json();
        let all = from_the_list(&app, &Visibility::All, &scope).await;
        assert_eq!(figures(&seen_by_leader), all);
        assert!(
            all[0] > 0 && all[3] > 0,
            "the demo has done and overdue work: {all:?}"
        );

        let officer = app.token("chuyenvien", "chuyenvien-demo").await;
        let seen_by_officer = officer.api(Method::GET, &path, None).await.json();
        let me = app
            .store
            .user_by_login("chuyenvien")
            .await
            .unwrap()
            .unwrap()
            .user;
        let officer_vis =
            Visibility::Scoped(app.store.unit_scope(me.unit_id.unwrap()).await.unwrap());
        let theirs = from_the_list(&app, &officer_vis, &scope).await;
        assert_eq!(figures(&seen_by_officer), theirs);
        assert_eq!(
            all[3] - theirs[3],
            1,
            "the hidden overdue directive: {all:?} {theirs:?}"
        );

        // Each row is a unit one level down; together they make the whole (nothing is the
        // province's own in the demo).
        let rows = seen_by_leader["rows"].as_array().unwrap();
        let mut sum = [0; 4];
        for row in rows {
            assert_eq!(row["unit"]["parent_id"].as_i64(), Some(province));
            let unit = row["unit"]["id"].as_i64().unwrap();
            let below = app.store.unit_scope(unit).await.unwrap();
            let expected = from_the_list(&app, &Visibility::All, &below).await;
            assert_eq!(figures(row), expected, "{}", row["unit"]["name"]);
            for (s, n) in sum.iter_mut().zip(expected) {
                *s += n;
            }
        }
        assert_eq!(sum, all);
        assert!(rows.iter().any(|r| r["unit"]["id"].as_i64() == Some(ward)));

        // The page: a chart and its table per figure; a unit opens the level below.
        let mut pages = app.login("lanhdao", "lanhdao-demo").await;
        let page = pages
            .get(&format!("/stats?unit_id={province}&from={FROM}&to={TO}"))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains(r#"<svg class="chart" role="img""#));
        assert!(page
            .body
            .contains("Tỷ lệ hoàn thành nhiệm vụ đúng hạn theo đơn vị"));
        assert!(
            page.body.contains(&format!("unit_id={ward}\"")),
            "the ward opens its own dashboard"
        );
        let below = pages
            .get(&format!("/stats?unit_id={ward}&from={FROM}&to={TO}"))
            .await;
        assert!(
            below.body.contains(&format!("unit_id={province}\"")),
            "the way back up"
        );
        assert!(
            !page.body.contains("<script>"),
            "charts need no script of their own"
        );
    }
);

app_test!(a_bad_period_or_unit_is_told, |app| async move {
    let leader = app.token("lanhdao", "lanhdao-demo").await;
    for (query, field) in [
        ("from=2020-02-30", "from"),
        ("from=2021-01-01&to=2020-01-01", "to"),
        ("unit_id=987654", "unit_id"),
    ] {
        let r = leader
            .api(Method::GET, &format!("/api/v1/stats?{query}"), None)
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query}: {}",
            r.body
        );
        assert!(r.body.contains(field), "{query}: {}", r.body);
    }
    let r = leader
        .api(Method::GET, "/api/v1/stats?unit_id=abc", None)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);

    let mut pages = app.login("lanhdao", "lanhdao-demo").await;
    let r = pages.get("/stats?from=2021-01-01&to=2020-01-01").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Đến ngày"), "{}", r.body);
    let r = pages.get("/stats?unit_id=abc").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    let anonymous = app.anonymous();
    let r = anonymous.api(Method::GET, "/api/v1/stats", None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
});
