//! What an unpublished session holds stays with those who may see it: on every GET route of
//! the pages and the API (read from the route table itself), an anonymous visitor and an
//! officer of another unit see no title, text or id of an unpublished session, of the petition
//! and directive only it holds, of the raising and the figure made there — while the petition
//! it shares with a published session stays visible, counted without the hidden raising.
//! Word reports are read inside: the text of their document is searched as a page's is.

use crate::support::{docx_text, Client, TestApp, TODAY};
use axum::http::{Method, StatusCode};
use dondoc_domain::input::{NewDirective, NewMeasurement, NewPetition, NewRaising, NewSession};
use dondoc_domain::{Qualifier, Role, Visibility};
use dondoc_store::Who;

/// Every secret text carries this marker; no response to an outsider may contain it.
const MARK: &str = "ZQXKIN";

struct Secret {
    session: i64,
    petition: i64,
    directive: i64,
    shared: i64,
    /// The ward whose report on petitions would list the secret one.
    ward: i64,
}

async fn seed_secrets(app: &TestApp) -> Secret {
    let store = &app.store;
    let who = Who::default();
    let dang_uy = app.unit_id("Đảng ủy phường Hà Lầm").await;
    let khu6 = app.unit_id("Khu 6, phường Hà Lầm").await;
    let session = store
        .create_session(
            who,
            &NewSession {
                date: TODAY,
                place: Some(format!("Phòng họp {MARK}")),
                title: format!("Họp nội bộ {MARK}"),
                host_unit_id: dang_uy,
                delegation_name: Some(format!("Tổ {MARK}")),
                lead_person_id: None,
                summary: Some(format!("Tóm tắt {MARK}")),
                source_text: Some(format!("Bài tường thuật {MARK}")),
                published: false,
            },
        )
        .await
        .unwrap()
        .session
        .id;
    let person = store
        .person_by_name("Hà Hồng Sơn")
        .await
        .unwrap()
        .unwrap()
        .id;
    store
        .add_participant(who, session, person, &format!("Vai {MARK}"))
        .await
        .unwrap();
    let petition = store
        .create_petition(
            who,
            &NewPetition {
                title: format!("Kiến nghị {MARK}"),
                text: format!("Kiến nghị chỉ nêu ở phiên kín {MARK}"),
                category: None,
                area_unit_id: Some(khu6),
                raised_by: Some(format!("Cử tri {MARK}")),
                responsible_unit_id: None,
                channel: Default::default(),
                coordinating_unit_ids: vec![],
                due_on: None,
                session_id: Some(session),
                raised_on: TODAY,
            },
        )
        .await
        .unwrap()
        .petition
        .id;
    // The petition of the published seed session, raised again at the unpublished one.
    let shared = app.petition_id("xây mới nhà văn hóa khu 6").await;
    store
        .add_raising(
            who,
            shared,
            &NewRaising {
                session_id: Some(session),
                date: TODAY,
                raised_by: Some(format!("Người nêu {MARK}")),
            },
        )
        .await
        .unwrap();
    let directive = store
        .create_directive(
            who,
            &NewDirective {
                session_id: Some(session),
                text: format!("Chỉ đạo kín {MARK}"),
                issued_by_person_id: None,
                lead_unit_id: Some(dang_uy),
                coordinating_unit_ids: vec![],
                deadline: Some(TODAY),
                deadline_text: Some(format!("hạn {MARK}")),
            },
            TODAY,
        )
        .await
        .unwrap()
        .directive
        .id;
    let target = store
        .targets(&Default::default(), &Visibility::All)
        .await
        .unwrap()
        .items[0]
        .target
        .id;
    store
        .add_measurement(
            who,
            target,
            &NewMeasurement {
                period_from: jiff::civil::date(2026, 1, 1),
                period_to: TODAY,
                value: 123_456_789.0,
                qualifier: Qualifier::Exact,
                estimated: false,
                session_id: Some(session),
                wording: Some(format!("Số liệu {MARK}")),
            },
        )
        .await
        .unwrap();
    Secret {
        session,
        petition,
        directive,
        shared,
        ward: app.unit_id("Phường Hà Lầm").await,
    }
}

/// The report on the ward's petitions since the voters' meeting of 2019, to today.
fn ward_report(s: &Secret) -> String {
    format!(
        "/petitions/report.docx?unit_id={}&from=2019-01-01&to={TODAY}",
        s.ward
    )
}

/// The GET routes of a part of the route table (`fn pages()` or `fn api_v1()`).
fn get_routes(part: &str) -> Vec<String> {
    let table = include_str!("../../../web/src/routes.rs");
    let start = table.find(&format!("fn {part}()")).unwrap();
    let end = start + table[start..].find("\n}\n").unwrap();
    let compact: String = table[start..end]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    compact
        .split(".route(\"")
        .skip(1)
        .filter(|r| r.contains("get("))
        .map(|r| r[..r.find('"').unwrap()].to_string())
        .collect()
}

/// Each route with its parameters filled by every id worth asking for, and the list routes
/// with the filters that could reach the secret.
fn requests(routes: &[String], ids: &[i64], s: &Secret) -> Vec<String> {
    let mut out = Vec::new();
    for r in routes {
        if r.contains("{file}") {
            // Open311's documents, by file name.
            let files: Vec<String> = match r.as_str() {
                "/{file}" => ["discovery", "services", "requests"]
                    .iter()
                    .flat_map(|f| [format!("{f}.json"), format!("{f}.xml")])
                    .chain([
                        "requests.json?start_date=2000-01-01&page_size=200".to_string(),
                        format!("requests.json?service_request_id={}", s.petition),
                        "requests.xml?start_date=2000-01-01&page_size=200".to_string(),
                    ])
                    .collect(),
                "/requests/{file}" => ids
                    .iter()
                    .flat_map(|id| [format!("{id}.json"), format!("{id}.xml")])
                    .collect(),
                _ => vec!["khac.json".into(), "AAAAAAAAAA.json".into()],
            };
            for f in files {
                out.push(r.replace("{file}", &f));
            }
        } else if r.contains("{entity}") {
            for entity in dondoc_app::history::ENTITIES {
                for id in ids {
                    out.push(
                        r.replace("{entity}", entity)
                            .replace("{id}", &id.to_string()),
                    );
                }
            }
        } else if r.contains("{id}") {
            for id in ids {
                out.push(r.replace("{id}", &id.to_string()));
            }
        } else if r.contains("{code}") {
            out.push(r.replace("{code}", "en"));
        } else if r.ends_with("report.docx") {
            out.push(ward_report(s));
        } else {
            out.push(r.clone());
            for q in [
                format!("session_id={}", s.session),
                format!("q={}", MARK.to_lowercase()),
                "sort=raised".to_string(),
                "limit=500".to_string(),
                "open=true".to_string(),
            ] {
                out.push(format!("{r}?{q}"));
            }
        }
    }
    out
}

/// What in a response would reveal the secret: its marker, or one of its ids as a link or a
/// reference.
fn leaks(body: &str, s: &Secret) -> Option<String> {
    let mut needles = vec![MARK.to_string()];
    for (kind, id) in [
        ("sessions", s.session),
        ("petitions", s.petition),
        ("directives", s.directive),
    ] {
        needles.push(format!("/{kind}/{id}\""));
        needles.push(format!("/{kind}/{id}/"));
        needles.push(format!("/{kind}/{id}#"));
    }
    needles.push(format!("\"session_id\":{}", s.session));
    needles.push(format!("\\\"session_id\\\":{}", s.session));
    needles.push(format!("session_id={}\"", s.session));
    needles.into_iter().find(|n| body.contains(n.as_str()))
}

async fn sweep(app: &TestApp, who: &str, pages: &mut Client<'_>, api: &Client<'_>, s: &Secret) {
    let ids = [
        s.session,
        s.petition,
        s.directive,
        s.shared,
        app.session_id("Đoàn công tác số 01").await,
        app.unit_id("Đảng ủy phường Hà Lầm").await,
        app.directive_id("lập phương án nạo vét").await,
        1,
        2,
    ];
    let page_routes = get_routes("pages");
    let api_routes = get_routes("api_v1");
    assert!(page_routes.len() >= 15 && api_routes.len() >= 12);
    let mut asked = 0;
    let mut inspect = |path: &str, r: crate::support::Resp| {
        assert!(
            !r.status.is_server_error(),
            "{who} GET {path}: {}",
            r.status
        );
        if let Some(n) = leaks(&r.body, s) {
            panic!("{who} GET {path} ({}) shows {n:?}", r.status);
        }
        if let Some(n) = docx_text(&r.bytes).and_then(|text| leaks(&text, s)) {
            panic!("{who} GET {path} ({}): its document shows {n:?}", r.status);
        }
        asked += 1;
    };
    for path in requests(&page_routes, &ids, s) {
        inspect(&path, pages.get(&path).await);
    }
    for path in requests(&api_routes, &ids, s) {
        let path = format!("/api/v1{path}");
        inspect(&path, api.api(Method::GET, &path, None).await);
    }
    // Open311 answers everyone as an anonymous visitor.
    for path in requests(&get_routes("open311"), &ids, s) {
        let path = format!("/open311/v2{path}");
        inspect(&path, api.api(Method::GET, &path, None).await);
    }
    assert!(asked > 200, "{who}: only {asked} requests");
    // The shared petition stays visible, counted and listed without the hidden raising.
    let r = api
        .api(
            Method::GET,
            &format!("/api/v1/petitions/{}", s.shared),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{who}: {}", r.body);
    let v = r.json();
    let listed = v["raisings"].as_array().unwrap().len() as i64;
    assert_eq!(
        v["petition"]["raised_count"].as_i64(),
        Some(listed),
        "{who}"
    );
    assert_eq!(listed, 2, "{who}: the voters' meeting and the seed session");
    // Nor does a list filtered by the hidden session say that it was raised there.
    let r = api
        .api(
            Method::GET,
            &format!("/api/v1/petitions?session_id={}", s.session),
            None,
        )
        .await;
    assert_eq!(r.json()["total"], 0, "{who}: {}", r.body);
}

app_test!(
    unpublished_sessions_stay_with_those_who_may_see_them,
    |app| async move {
        let s = seed_secrets(&app).await;

        // Those who may see it do: the markers are there to be found.
        let admin = app.token("quantri", "quantri-demo").await;
        let r = admin
            .api(
                Method::GET,
                &format!("/api/v1/sessions/{}", s.session),
                None,
            )
            .await;
        assert!(r.body.contains(MARK), "{}", r.body);
        let r = admin
            .api(
                Method::GET,
                &format!("/api/v1/petitions/{}", s.shared),
                None,
            )
            .await;
        assert!(r.body.contains(MARK), "{}", r.body);
        let mut clerk = app.login("vanthu", "vanthu-demo").await;
        let r = clerk.get(&format!("/sessions/{}", s.session)).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains(MARK));
        for path in [
            format!("/sessions/{}/report.docx", s.session),
            ward_report(&s),
        ] {
            let r = clerk.get(&path).await;
            let text = docx_text(&r.bytes).unwrap_or_else(|| panic!("{path}: {}", r.status));
            assert!(text.contains(MARK), "{path}: {text}");
        }

        // An anonymous visitor.
        let mut anonymous = app.anonymous();
        let anonymous_api = app.anonymous();
        sweep(&app, "anonymous", &mut anonymous, &anonymous_api, &s).await;

        // An officer of another ward.
        let other_ward = app.unit_id("UBND phường Hồng Hải").await;
        let hash = dondoc_app::users::hash_password("ngoai-don-vi").unwrap();
        app.store
            .create_user(
                Who::default(),
                "ngoai",
                "Chuyên viên phường Hồng Hải",
                &hash,
                Role::Officer,
                Some(other_ward),
                None,
            )
            .await
            .unwrap();
        let mut outsider = app.login("ngoai", "ngoai-don-vi").await;
        let outsider_api = app.token("ngoai", "ngoai-don-vi").await;
        sweep(
            &app,
            "officer of another unit",
            &mut outsider,
            &outsider_api,
            &s,
        )
        .await;
    }
);
