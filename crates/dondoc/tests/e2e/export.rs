//! Lists as spreadsheets: the screen's filters, the user's language, every row the list has,
//! dates as dates, and nothing a spreadsheet would run.

use std::io::Read;

use axum::http::{header, StatusCode};
use dondoc_domain::Visibility;
use dondoc_store::DirectiveFilter;

use crate::support::TODAY;

/// The text of a file inside an .xlsx (a zip).
fn part(xlsx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).expect("an xlsx is a zip");
    let mut f = zip.by_name(name).unwrap_or_else(|_| panic!("no {name}"));
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    s
}

app_test!(
    lists_export_with_their_filters_in_the_users_language,
    |app| async move {
        let mut leader = app.login("lanhdao", "lanhdao-demo").await;
        let page = leader.get("/directives?status=assigned").await.body;
        assert!(
            page.contains("href=\"/directives/export.xlsx?status=assigned\""),
            "the list links to its export with its filters"
        );

        // CSV: a byte-order mark, the header in Vietnamese, one row per directive the list holds.
        let r = leader.get("/directives/export.csv?status=assigned").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        assert!(r.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"dondoc-directives-"));
        assert!(r.body.starts_with('\u{feff}'));
        let mut rows = csv::Reader::from_reader(r.body.trim_start_matches('\u{feff}').as_bytes());
        let head: Vec<String> = rows.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(&head[..3], ["Số", "Nội dung", "Đơn vị chủ trì"]);
        let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
        let listed = app
            .store
            .directives(
                &DirectiveFilter {
                    status: Some("assigned".into()),
                    limit: Some(500),
                    ..Default::default()
                },
                &Visibility::All,
                TODAY,
            )
            .await
            .unwrap();
        assert!(!records.is_empty());
        assert_eq!(records.len() as i64, listed.total);
        assert!(records.iter().all(|r| &r[5] == "Đã giao"), "{records:?}");

        // XLSX: the same rows, dates as dates, in English for one who reads English.
        leader.lang = Some("en");
        let r = leader.get("/directives/export.xlsx?status=assigned").await;
        assert_eq!(r.status, StatusCode::OK);
        let bytes = r.bytes.clone();
        let strings = part(&bytes, "xl/sharedStrings.xml");
        assert!(
            strings.contains(">Text<") && strings.contains(">Lead unit<"),
            "{strings}"
        );
        assert!(strings.contains(&listed.items[0].directive.text));
        let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
        assert_eq!(
            sheet.matches("<row ").count() as i64,
            listed.total + 1,
            "a header and one row each"
        );

        // Petitions: the search filter holds; a cell that looks like a formula stays text.
        let clerk_api = app.token("vanthu", "vanthu-demo").await;
        let r = clerk_api
            .post_json(
                "/api/v1/petitions",
                serde_json::json!({
                    "title": "=HYPERLINK(\"http://x.invalid\",\"bấm\")",
                    "text": "Kiến nghị thử xuất bảng tính cống thoát nước",
                }),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let r = leader
            .get("/petitions/export.csv?q=thoat+nuoc+bang+tinh")
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let mut rows = csv::Reader::from_reader(r.body.trim_start_matches('\u{feff}').as_bytes());
        let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), 1, "{}", r.body);
        assert!(
            records[0][1].starts_with("'=HYPERLINK"),
            "{:?}",
            &records[0]
        );

        // A visitor exports nothing.
        let mut visitor = app.anonymous();
        let r = visitor.get("/directives/export.csv").await;
        assert_ne!(r.status, StatusCode::OK);
    }
);

app_test!(
    sessions_and_targets_export_with_their_filters,
    |app| async move {
        let ward = app.unit_id("UBND phường Hà Lầm").await;
        let mut leader = app.login("lanhdao", "lanhdao-demo").await;
        // Targets: the list keeps its unit filter, links to its export, and the export holds
        // the list's rows with plan, actual and percent as numbers.
        let page = leader.get(&format!("/targets?unit_id={ward}")).await.body;
        assert!(
            page.contains(&format!("href=\"/targets/export.csv?unit_id={ward}\"")),
            "{page}"
        );
        assert!(page.contains(&format!("name=\"unit_id\" value=\"{ward}\"")));
        let listed = app
            .store
            .targets(
                &dondoc_store::TargetFilter {
                    unit_id: Some(ward),
                    limit: Some(500),
                    ..Default::default()
                },
                &Visibility::All,
            )
            .await
            .unwrap();
        assert!(listed.total > 0);
        let r = leader
            .get(&format!("/targets/export.csv?unit_id={ward}"))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let mut rows = csv::Reader::from_reader(r.body.trim_start_matches('\u{feff}').as_bytes());
        let head: Vec<String> = rows.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(&head[..3], ["Số", "Chỉ tiêu", "Đơn vị"], "{head:?}");
        let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
        assert_eq!(records.len() as i64, listed.total);
        let first = &listed.items[0];
        let row = records
            .iter()
            .find(|r| r[0] == first.target.id.to_string())
            .unwrap();
        assert_eq!(&row[1], first.target.indicator);
        assert_eq!(row[6].parse::<f64>().unwrap(), first.target.plan_value);
        let r = leader
            .get(&format!("/targets/export.xlsx?unit_id={ward}"))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let sheet = part(&r.bytes, "xl/worksheets/sheet1.xml");
        assert_eq!(sheet.matches("<row ").count() as i64, listed.total + 1);

        // Sessions: a leader's export holds the unpublished ones too; a visitor gets none.
        let all = app
            .store
            .sessions(&Default::default(), &Visibility::All)
            .await
            .unwrap();
        let r = leader.get("/sessions/export.csv").await;
        assert_eq!(r.status, StatusCode::OK);
        let mut rows = csv::Reader::from_reader(r.body.trim_start_matches('\u{feff}').as_bytes());
        assert_eq!(rows.records().count() as i64, all.total);
        let visitor = app.anonymous().get("/sessions/export.csv").await;
        assert_ne!(visitor.status, StatusCode::OK);
        let page = leader.get("/sessions?q=Ha+Lam").await.body;
        assert!(
            page.contains("href=\"/sessions/export.xlsx?q=Ha+Lam\""),
            "{page}"
        );
    }
);

app_test!(units_people_and_documents_export_too, |app| async move {
    let mut officer = app.login("chuyenvien", "chuyenvien-demo").await;
    let rows = |body: &str| -> Vec<csv::StringRecord> {
        csv::Reader::from_reader(body.trim_start_matches('\u{feff}').as_bytes())
            .records()
            .map(Result::unwrap)
            .collect()
    };
    let tree = app.store.unit_tree().await.unwrap();
    let page = officer.get("/units").await.body;
    assert!(page.contains("href=\"/units/export.xlsx\""), "{page}");
    let r = officer.get("/units/export.csv").await;
    assert_eq!(r.status, StatusCode::OK);
    let units = rows(&r.body);
    assert_eq!(units.len(), tree.len());
    // In the tree's order, indented by depth, each with its parent by name.
    let ward = units
        .iter()
        .find(|u| u[1].trim() == "UBND phường Hà Lầm")
        .unwrap();
    assert!(ward[1].starts_with("  "), "{ward:?}");
    assert_eq!(&ward[4], "Phường Hà Lầm");

    let people = app.store.people(None, Some(500), None).await.unwrap();
    let r = officer.get("/people/export.csv").await;
    assert_eq!(rows(&r.body).len() as i64, people.total);
    let some = &people.items[0].name;
    let q = serde_urlencoded::to_string([("q", some)]).unwrap();
    let page = officer.get(&format!("/people?{q}")).await.body;
    // The export link carries the search.
    let link = "href=\"/people/export.csv?";
    let start = page.find(link).expect("the export link") + link.len();
    let query = &page[start..start + page[start..].find('"').unwrap()];
    let sent: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap();
    assert_eq!(sent, [("q".to_string(), some.clone())], "{query}");
    let r = officer.get(&format!("/people/export.csv?{q}")).await;
    assert!(rows(&r.body).iter().all(|p| p[1].contains(some.as_str())));

    let documents = app.store.documents(Some(500), None).await.unwrap();
    officer.lang = Some("en");
    let r = officer.get("/documents/export.xlsx").await;
    assert_eq!(r.status, StatusCode::OK);
    let sheet = part(&r.bytes, "xl/worksheets/sheet1.xml");
    assert_eq!(sheet.matches("<row ").count() as i64, documents.total + 1);
    assert!(part(&r.bytes, "xl/sharedStrings.xml").contains(">Issuer<"));
    // For staff only, like the lists.
    let visitor = app.anonymous().get("/documents/export.csv").await;
    assert_ne!(visitor.status, StatusCode::OK);
});
