//! "Việc của đơn vị": an officer signs in to their unit's open work — the directives its units
//! lead or coordinate, the petitions they answer for — grouped by when it is due, and nothing
//! of another unit's or already closed.

use crate::support::{csrf_of, TODAY};
use axum::http::StatusCode;
use dondoc_domain::{DirectiveStatus, PetitionStatus, Visibility};
use dondoc_store::{DirectiveFilter, PetitionFilter};

app_test!(an_officer_lands_on_their_units_work, |app| async move {
    // Signing in with no page asked for lands an officer on their unit's work.
    let mut c = app.anonymous();
    let page = c.get("/login").await;
    c.csrf = Some(csrf_of(&page.body));
    let r = c
        .post_form(
            "/login",
            &[("login", "chuyenvien"), ("password", "chuyenvien-demo")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/inbox");

    let officer = app.login("chuyenvien", "chuyenvien-demo").await;
    let mut officer = officer;
    let r = officer.get("/inbox").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let page = r.body;

    // What the store says is theirs, and what is not.
    let unit = app.unit_id("UBND phường Hà Lầm").await;
    let scope = app.store.unit_scope(unit).await.unwrap();
    let directives = app
        .store
        .directives(
            &DirectiveFilter {
                limit: Some(500),
                ..Default::default()
            },
            &Visibility::All,
            TODAY,
        )
        .await
        .unwrap()
        .items;
    let mut theirs = 0;
    for d in &directives {
        let open = matches!(
            d.directive.status,
            DirectiveStatus::Assigned | DirectiveStatus::InProgress
        );
        let ours = d.directive.lead_unit_id.is_some_and(|u| scope.contains(&u))
            || d.directive
                .coordinating_unit_ids
                .iter()
                .any(|u| scope.contains(u));
        let link = format!("href=\"/directives/{}\"", d.directive.id);
        assert_eq!(
            page.contains(&link),
            open && ours,
            "directive {}: {}",
            d.directive.id,
            d.directive.text
        );
        theirs += usize::from(open && ours);
    }
    assert!(
        theirs > 0,
        "the demo gives the ward's committee open directives"
    );
    let petitions = app
        .store
        .petitions(
            &PetitionFilter {
                limit: Some(500),
                ..Default::default()
            },
            &Visibility::All,
        )
        .await
        .unwrap()
        .items;
    for p in &petitions {
        let open = !matches!(
            p.petition.status,
            PetitionStatus::Resolved | PetitionStatus::Rejected
        );
        let ours = p
            .petition
            .responsible_unit_id
            .is_some_and(|u| scope.contains(&u));
        let link = format!("href=\"/petitions/{}\"", p.petition.id);
        assert_eq!(
            page.contains(&link),
            open && ours,
            "petition {}",
            p.petition.id
        );
    }
    // Grouped by when it is due: what is past its deadline comes first.
    let overdue = directives.iter().any(|d| {
        d.directive.deadline.is_some_and(|dl| dl < TODAY)
            && matches!(
                d.directive.status,
                DirectiveStatus::Assigned | DirectiveStatus::InProgress
            )
            && d.directive.lead_unit_id.is_some_and(|u| scope.contains(&u))
    });
    if overdue {
        assert!(page.contains("class=\"due-overdue\">Quá hạn"), "{page}");
    }

    // Someone of no unit has none; a visitor is asked to sign in.
    let mut admin = app.login("quantri", "quantri-demo").await;
    let r = admin.get("/inbox").await;
    assert!(r.body.contains("không thuộc đơn vị nào"), "{}", r.body);
    let r = app.anonymous().get("/inbox").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/login"));
});

app_test!(
    a_unit_filter_on_directives_is_said_and_kept,
    |app| async move {
        let unit = app.unit_id("UBND phường Hà Lầm").await;
        let mut visitor = app.anonymous();
        let r = visitor
            .get(&format!("/directives?lead_unit_id={unit}&limit=1"))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        // Said, with a way out.
        assert!(
            r.body.contains("Đơn vị chủ trì: UBND phường Hà Lầm"),
            "{}",
            r.body
        );
        assert!(r.body.contains("(bỏ điều kiện này)"));
        // Kept by the search form and by the next page.
        assert!(
            r.body
                .contains(&format!("name=\"lead_unit_id\" value=\"{unit}\"")),
            "{}",
            r.body
        );
        let next = r
            .body
            .split("href=\"")
            .find(|h| h.starts_with("/directives?") && h.contains("offset=1"))
            .expect("a next page");
        assert!(next.contains(&format!("lead_unit_id={unit}")), "{next}");
    }
);

app_test!(a_saved_item_on_a_session_page_says_so, |app| async move {
    let mut clerk = crate::import::clerk(&app).await;
    let seed = app.session_id("Đoàn công tác số 01").await;
    let r = clerk
        .post_form(
            &format!("/sessions/{seed}/petitions"),
            &[("text", "Lắp thêm đèn chiếu sáng ngõ 5")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The notice is in the query, where the server sees it, not in the fragment.
    assert_eq!(r.location(), format!("/sessions/{seed}?saved=1#petitions"));
    let r = clerk.get(&format!("/sessions/{seed}?saved=1")).await;
    assert!(r.body.contains("Đã lưu"), "{}", r.body);
});

app_test!(
    every_field_of_a_record_page_has_an_id_of_its_own,
    |app| async move {
        let mut leader = app.login("lanhdao", "lanhdao-demo").await;
        for page in [
            format!("/sessions/{}", app.session_id("Đoàn công tác số 01").await),
            format!(
                "/petitions/{}",
                app.petition_id("xây mới nhà văn hóa khu 6").await
            ),
        ] {
            let r = leader.get(&page).await;
            assert_eq!(r.status, StatusCode::OK);
            let mut seen = std::collections::HashSet::new();
            for id in r
                .body
                .split(" id=\"")
                .skip(1)
                .map(|s| &s[..s.find('"').unwrap()])
            {
                assert!(seen.insert(id.to_string()), "{page}: id {id} twice");
            }
            // And each label names a field that is there.
            for target in r
                .body
                .split(" for=\"")
                .skip(1)
                .map(|s| &s[..s.find('"').unwrap()])
            {
                assert!(
                    seen.contains(target),
                    "{page}: a label for {target}, which is not there"
                );
            }
        }
    }
);

app_test!(
    a_visitor_reads_names_without_links_to_staff_pages,
    |app| async move {
        let seed = app.session_id("Đoàn công tác số 01").await;
        let mut visitor = app.anonymous();
        let r = visitor.get(&format!("/sessions/{seed}")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("Hà Hồng Sơn"), "the participants are named");
        assert!(
            !r.body.contains("href=\"/people/"),
            "no link a visitor cannot follow"
        );
        let mut leader = app.login("lanhdao", "lanhdao-demo").await;
        let r = leader.get(&format!("/sessions/{seed}")).await;
        assert!(r.body.contains("href=\"/people/"));
    }
);
