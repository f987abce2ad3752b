//! Lists say which filters are on and keep them: a unit with the units below it, a
//! category, "raised at least N times", "open for more than M months", a period of first
//! raising or of deadlines; each filter is said in words with a link that drops it, kept by
//! the search form and the pager, and refused in words when malformed.

use crate::support::{TestApp, TODAY};
use axum::http::{Method, StatusCode};
use dondoc_domain::Visibility;
use dondoc_store::PetitionFilter;

async fn all(app: &TestApp) -> Vec<dondoc_store::PetitionView> {
    app.store
        .petitions(
            &PetitionFilter {
                limit: Some(500),
                ..Default::default()
            },
            &Visibility::All,
        )
        .await
        .unwrap()
        .items
}

fn ids(v: &serde_json::Value) -> Vec<i64> {
    let mut out: Vec<i64> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    out.sort();
    out
}

app_test!(
    petition_filters_are_said_kept_and_checked,
    |app| async move {
        let leader = app.token("lanhdao", "lanhdao-demo").await;
        let ward = app.unit_id("Phường Hà Lầm").await;
        let scope = app.store.unit_scope(ward).await.unwrap();
        let petitions = all(&app).await;
        let expect = |keep: &dyn Fn(&dondoc_store::PetitionView) -> bool| {
            let mut v: Vec<i64> = petitions
                .iter()
                .filter(|p| keep(p))
                .map(|p| p.petition.id)
                .collect();
            v.sort();
            v
        };
        let list = |query: String| {
            let leader = &leader;
            async move {
                let r = leader
                    .api(
                        Method::GET,
                        &format!("/api/v1/petitions?limit=200&{query}"),
                        None,
                    )
                    .await;
                assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.body);
                ids(&r.json())
            }
        };

        // A unit and those below it, against the unit alone.
        let below = list(format!("area_unit_id={ward}&subtree=true")).await;
        assert_eq!(
            below,
            expect(&|p| p.petition.area_unit_id.is_some_and(|a| scope.contains(&a)))
        );
        let alone = list(format!("area_unit_id={ward}")).await;
        assert!(below.len() > alone.len(), "{below:?} {alone:?}");
        // Raised at least three times; a category.
        assert_eq!(
            list("raised_min=3".into()).await,
            expect(&|p| p.petition.raised_count >= 3)
        );
        assert_eq!(
            list("category=V%C4%83n+h%C3%B3a".into()).await,
            expect(&|p| p.petition.category.as_deref() == Some("Văn hóa"))
        );
        // Open for more than 12 months: the demo's 2020 petitions still open.
        let old = list("open_months=12".into()).await;
        let year_ago = TODAY.checked_sub(jiff::Span::new().months(12)).unwrap();
        let mut expected = Vec::new();
        for p in &petitions {
            let first = app
                .store
                .raisings(p.petition.id, &Visibility::All)
                .await
                .unwrap()
                .iter()
                .map(|(r, _)| r.date)
                .min()
                .unwrap();
            if p.petition.status.is_open() && first < year_ago {
                expected.push(p.petition.id);
            }
        }
        expected.sort();
        assert_eq!(old, expected);
        assert!(!old.is_empty());
        assert!(app
            .store
            .stale_petition_counts(10)
            .await
            .unwrap()
            .is_empty());

        // Told in words; refused for visitors (when a petition was first raised counts raisings
        // they may not see); malformed dates refused.
        for (query, field) in [
            ("raised_from=2020-13-01", "raised_from"),
            ("open_months=-1", "open_months"),
        ] {
            let r = leader
                .api(Method::GET, &format!("/api/v1/petitions?{query}"), None)
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
            assert_eq!(r.json()["field"], field);
        }
        let r = app
            .anonymous()
            .api(Method::GET, "/api/v1/petitions?open_months=6", None)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

        // The page: the filters said, each with the list without it; kept by the form and the
        // pager.
        let mut page = app.login("lanhdao", "lanhdao-demo").await;
        let r = page
            .get(&format!(
                "/petitions?area_unit_id={ward}&subtree=true&raised_min=2&limit=1"
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(
            r.body.contains("Địa bàn: Phường Hà Lầm (cả cấp dưới)"),
            "{}",
            r.body
        );
        assert!(r.body.contains("Được nêu ít nhất (lần): 2"));
        assert!(
            r.body
                .contains("href=\"/petitions?raised_min=2&amp;limit=1\"")
                || r.body.contains("href=\"/petitions?raised_min=2\""),
            "the chip drops the unit and its subtree: {}",
            r.body
        );
        assert!(r.body.contains(&format!(
            "name=\"area_unit_id\" value=\"Phường Hà Lầm · #{ward}\""
        )));
        assert!(r.body.contains("name=\"subtree\" value=\"true\" checked"));
        assert!(r.body.contains("subtree=true"), "the pager keeps it");
    }
);

app_test!(
    directive_filters_take_units_below_and_deadlines,
    |app| async move {
        let leader = app.token("lanhdao", "lanhdao-demo").await;
        let ward = app.unit_id("Phường Hà Lầm").await;
        let scope = app.store.unit_scope(ward).await.unwrap();
        let listed = app
            .store
            .directives(
                &dondoc_store::DirectiveFilter {
                    limit: Some(500),
                    ..Default::default()
                },
                &Visibility::All,
                TODAY,
            )
            .await
            .unwrap()
            .items;
        let mut expected: Vec<i64> = listed
            .iter()
            .filter(|d| d.directive.lead_unit_id.is_some_and(|u| scope.contains(&u)))
            .filter(|d| {
                d.directive.deadline.is_some_and(|x| {
                    x >= jiff::civil::date(2020, 1, 1) && x <= jiff::civil::date(2020, 12, 31)
                })
            })
            .map(|d| d.directive.id)
            .collect();
        expected.sort();
        assert!(!expected.is_empty());
        let r = leader
        .api(
            Method::GET,
            &format!("/api/v1/directives?limit=200&lead_unit_id={ward}&subtree=true&deadline_from=2020-01-01&deadline_to=2020-12-31"),
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(ids(&r.json()), expected);
        let r = leader
            .api(
                Method::GET,
                "/api/v1/directives?deadline_to=31/12/2020",
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let mut page = app.login("lanhdao", "lanhdao-demo").await;
        let r = page
            .get(&format!(
                "/directives?lead_unit_id={ward}&subtree=true&deadline_to=2020-12-31"
            ))
            .await;
        assert!(
            r.body
                .contains("Đơn vị chủ trì: Phường Hà Lầm (cả cấp dưới)"),
            "{}",
            r.body
        );
        assert!(r.body.contains("Hạn đến ngày: 31/12/2020"));
    }
);

app_test!(
    lists_are_filtered_by_a_unit_typed_by_name,
    |app| async move {
        let ubnd = app.unit_id("UBND phường Hà Lầm").await;
        let mut leader = app.login("lanhdao", "lanhdao-demo").await;
        // The filter form offers the units as pickers, the chosen one shown by name.
        let by_id = leader
            .get(&format!("/petitions?responsible_unit_id={ubnd}"))
            .await;
        assert_eq!(by_id.status, StatusCode::OK);
        assert!(
            by_id.body.contains(&format!(
                "name=\"responsible_unit_id\" value=\"UBND phường Hà Lầm · #{ubnd}\""
            )),
            "{}",
            by_id.body
        );
        assert!(by_id.body.contains("name=\"area_unit_id\""));
        // Typed by name in the list's own form, as a browser without a script sends it
        // (every field, the empty ones too): the same list.
        let blank = leader.get("/petitions").await;
        let mut fields = crate::support::form_fields(&blank.body, "/petitions");
        assert!(
            fields.iter().any(|(k, _)| k == "area_unit_id"),
            "{fields:?}"
        );
        for (k, v) in fields.iter_mut() {
            if k == "responsible_unit_id" {
                *v = "UBND phường Hà Lầm".into();
            }
        }
        let query = serde_urlencoded::to_string(&fields).unwrap();
        let typed = leader.get(&format!("/petitions?{query}")).await;
        assert_eq!(typed.status, StatusCode::OK, "{}", typed.body);
        let items = |b: &str| -> Vec<String> {
            b.split("<li><a href=\"/petitions/")
                .skip(1)
                .map(|s| s.split('"').next().unwrap().to_string())
                .collect()
        };
        assert!(!items(&by_id.body).is_empty());
        assert_eq!(items(&typed.body), items(&by_id.body));
        // A name that fits several units asks which one.
        let several = leader
            .get("/directives?lead_unit_id=ph%C6%B0%E1%BB%9Dng")
            .await;
        assert_eq!(several.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            several.body.contains(&format!(
                "name=\"lead_unit_id\" value=\"{ubnd}\"> UBND phường Hà Lầm"
            )),
            "{}",
            several.body
        );
        // Directives: the lead unit and the units below it.
        let ward = app.unit_id("Phường Hà Lầm").await;
        let below = leader
            .get(&format!("/directives?lead_unit_id={ward}&subtree=true"))
            .await;
        assert!(below
            .body
            .contains("name=\"subtree\" value=\"true\" checked"));
        assert!(below
            .body
            .contains(&format!("value=\"Phường Hà Lầm · #{ward}\"")));
        // Visitors keep such filters as the links set them, without pickers.
        let visitor = app
            .anonymous()
            .get(&format!("/petitions?responsible_unit_id={ubnd}"))
            .await;
        assert!(!visitor.body.contains("data-pick=\"units\""));
        assert!(visitor
            .body
            .contains(&format!("name=\"responsible_unit_id\" value=\"{ubnd}\"")));
    }
);
