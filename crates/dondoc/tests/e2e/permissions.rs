//! Who may do what, route by route: every page and every API route, for every role and for
//! anonymous visitors, allowed and denied, on SQLite and on PostgreSQL.
//!
//! Each row names the request and the exact outcome for [anonymous, officer, clerk, leader,
//! admin], in that order, one letter each (see [`outcome`]: O 200, C 201, R saved and
//! redirected, L sent to the login page, U 401, F 403, N 404, K 409, I 422). Every body is one
//! the rules should accept, so an allowed request must succeed: a route that refused every
//! body would fail here. Admin goes last so that its changes (a merge, a logout) cannot hide
//! another role's answer. `DONDOC_PERMISSIONS_RECORD=1` prints what each row got.

use crate::support::{Client, Resp, TestApp, TODAY};
use axum::http::{Method, StatusCode};
use dondoc_domain::input::NewSession;
use dondoc_domain::Visibility;
use dondoc_store::Who;
use serde_json::{json, Value};

enum Body {
    None,
    Form(Vec<(&'static str, String)>),
    Json(Value),
}

struct Row {
    method: Method,
    path: String,
    body: Body,
    expect: &'static str,
}

fn row(method: Method, path: impl Into<String>, body: Body, expect: &'static str) -> Row {
    assert_eq!(expect.chars().count(), 5);
    Row {
        method,
        path: path.into(),
        body,
        expect,
    }
}

fn get(path: impl Into<String>, expect: &'static str) -> Row {
    row(Method::GET, path, Body::None, expect)
}

fn form(path: impl Into<String>, fields: &[(&'static str, &str)], expect: &'static str) -> Row {
    row(
        Method::POST,
        path,
        Body::Form(fields.iter().map(|(k, v)| (*k, v.to_string())).collect()),
        expect,
    )
}

/// Values "@version:<entity>:<id>" are replaced by the record's current version when sent.
async fn resolve(app: &TestApp, v: &str) -> String {
    let Some(rest) = v.strip_prefix("@version:") else {
        return v.to_string();
    };
    let (entity, id) = rest.split_once(':').unwrap();
    let id: i64 = id.parse().unwrap();
    let version = match entity {
        "session" => {
            app.store
                .session(id, &Visibility::All)
                .await
                .unwrap()
                .session
                .version
        }
        "petition" => {
            app.store
                .petition(id, &Visibility::All)
                .await
                .unwrap()
                .petition
                .version
        }
        "directive" => {
            app.store
                .directive(id, &Visibility::All, TODAY)
                .await
                .unwrap()
                .directive
                .version
        }
        "target" => {
            app.store
                .target(id, &Visibility::All)
                .await
                .unwrap()
                .target
                .version
        }
        "unit" => app.store.unit(id).await.unwrap().version,
        "person" => app.store.person(id).await.unwrap().version,
        "document" => app.store.document(id).await.unwrap().version,
        "user" => app.store.user(id).await.unwrap().version,
        "submission" => app.store.submission(id).await.unwrap().version,
        _ => panic!("{entity}"),
    };
    version.to_string()
}

async fn resolve_json(app: &TestApp, v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(obj) = v.as_object_mut() {
        for val in obj.values_mut() {
            if let Some(s) = val.as_str().filter(|s| s.starts_with('@')) {
                *val = json!(resolve(app, s).await.parse::<i64>().unwrap());
            }
        }
    }
    v
}

async fn send(app: &TestApp, c: &mut Client<'_>, r: &Row) -> Resp {
    match &r.body {
        Body::None if r.method == Method::GET && !r.path.starts_with("/api/") => {
            c.get(&r.path).await
        }
        Body::None => c.api(r.method.clone(), &r.path, None).await,
        Body::Form(fields) => {
            let mut resolved = Vec::new();
            for (k, v) in fields {
                resolved.push((*k, resolve(app, v).await));
            }
            let refs: Vec<(&str, &str)> = resolved.iter().map(|(k, v)| (*k, v.as_str())).collect();
            c.post_form(&r.path, &refs).await
        }
        Body::Json(v) => {
            c.api(r.method.clone(), &r.path, Some(resolve_json(app, v).await))
                .await
        }
    }
}

struct Ids {
    seed: i64,
    hidden: i64,
    province_session: i64,
    petition: i64,
    /// Another petition of the ward's people's committee, to merge into `petition`.
    same_unit_petition: i64,
    directive: i64,
    target: i64,
    unit: i64,
    khu6: i64,
    ubnd_phuong: i64,
    tinh_uy: i64,
    dang_uy: i64,
    ubnd_tinh: i64,
    other_ward: i64,
    person: i64,
    /// Someone at no session yet, to be added as a participant.
    guest: i64,
    /// An API token of the clerk's.
    clerk_token: i64,
    document: i64,
    officer: i64,
    /// A petition the officer's unit coordinates on (the health station answers it).
    coordinated: i64,
    /// Residents' submissions waiting: two of phường Hà Lầm (the clerk's ward; the first
    /// with a photo), one of phường Hồng Hải.
    submission: i64,
    submission_b: i64,
    submission_other: i64,
    /// An Open311 client, to revoke.
    open311_client: i64,
}

/// A resident's submission waiting for staff, as the form would leave it.
async fn submission(app: &TestApp, ward: &str, text: &str, code: &str) -> i64 {
    let new = dondoc_domain::resident::NewSubmission {
        text: text.into(),
        ward_unit_id: app.unit_id(ward).await,
        category: "Hạ tầng".into(),
        email: None,
        joins_petition_id: None,
    };
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    let meta = dondoc_store::SubmissionMeta {
        code,
        client_hash: "permissions",
        source: "form",
        photo: Some(("image/png", png)),
        at_ms: 0,
    };
    app.store.create_submission(&new, &meta).await.unwrap().id
}

async fn ids(app: &TestApp) -> Ids {
    let dang_uy = app.unit_id("Đảng ủy phường Hà Lầm").await;
    let ubnd_tinh = app.unit_id("UBND tỉnh Quảng Ninh").await;
    let unpublished = |host: i64, title: &str| NewSession {
        date: TODAY,
        place: None,
        title: title.into(),
        host_unit_id: host,
        delegation_name: None,
        lead_person_id: None,
        summary: None,
        source_text: None,
        published: false,
    };
    let hidden = app
        .store
        .create_session(
            Who::default(),
            &unpublished(dang_uy, "Họp nội bộ chưa công khai"),
        )
        .await
        .unwrap()
        .session
        .id;
    let province_session = app
        .store
        .create_session(Who::default(), &unpublished(ubnd_tinh, "Họp UBND tỉnh"))
        .await
        .unwrap()
        .session
        .id;
    let target = app
        .store
        .targets(&Default::default(), &Visibility::All)
        .await
        .unwrap()
        .items
        .iter()
        .find(|t| t.target.period_from.year() == 2020)
        .unwrap()
        .target
        .id;
    Ids {
        seed: app.session_id("Đoàn công tác số 01").await,
        hidden,
        province_session,
        petition: app.petition_id("xây mới nhà văn hóa khu 6").await,
        same_unit_petition: app
            .petition_id("quan tâm đầu tư đồng bộ hệ thống cống rãnh thoát nước, đường giao thông, đường điện chiếu sáng, công trình phúc lợi, nạo vét hệ thống cống rãnh, kênh mương đảm bảo không ngập lụt trong mùa mưa bão")
            .await,
        directive: app.directive_id("lập phương án nạo vét").await,
        target,
        unit: app.unit_id("Trạm y tế phường Hà Lầm").await,
        khu6: app.unit_id("Khu 6, phường Hà Lầm").await,
        ubnd_phuong: app.unit_id("UBND phường Hà Lầm").await,
        tinh_uy: app.unit_id("Tỉnh ủy Quảng Ninh").await,
        dang_uy,
        ubnd_tinh,
        other_ward: app.unit_id("UBND phường Hồng Hải").await,
        person: app
            .store
            .person_by_name("Hà Hồng Sơn")
            .await
            .unwrap()
            .unwrap()
            .id,
        guest: app
            .store
            .create_person(
                Who::default(),
                &dondoc_domain::input::NewPerson {
                    name: "Khách mời dự họp".into(),
                    title: None,
                    unit_id: None,
                    from: None,
                },
            )
            .await
            .unwrap()
            .id,
        clerk_token: {
            let clerk = app
                .store
                .user_by_login("vanthu")
                .await
                .unwrap()
                .unwrap()
                .user
                .id;
            app.store
                .create_token(Who::default(), clerk, "script", "dd_permissions_test_token")
                .await
                .unwrap();
            app.store.tokens_of(clerk, 1).await.unwrap()[0].id
        },
        document: app.store.documents(None, None).await.unwrap().items[0].id,
        officer: app
            .store
            .user_by_login("chuyenvien")
            .await
            .unwrap()
            .unwrap()
            .user
            .id,
        coordinated: app
            .store
            .create_petition(
                Who::default(),
                &dondoc_domain::input::NewPetition {
                    title: "Kiểm tra vệ sinh an toàn thực phẩm chợ khu 6".into(),
                    text: "Cử tri đề nghị kiểm tra vệ sinh an toàn thực phẩm tại chợ khu 6".into(),
                    category: None,
                    area_unit_id: Some(app.unit_id("Khu 6, phường Hà Lầm").await),
                    raised_by: None,
                    channel: Default::default(),
                    responsible_unit_id: Some(app.unit_id("Trạm y tế phường Hà Lầm").await),
                    coordinating_unit_ids: vec![app.unit_id("UBND phường Hà Lầm").await],
                    due_on: None,
                    session_id: None,
                    raised_on: TODAY,
                },
            )
            .await
            .unwrap()
            .petition
            .id,
        submission: submission(app, "Phường Hà Lầm", "Đèn đường ngõ 5 hỏng đã lâu", "PERM2345AB").await,
        submission_b: submission(app, "Phường Hà Lầm", "Cây đổ chắn lối đi khu 4", "PERM2345AC").await,
        submission_other: submission(app, "Phường Hồng Hải", "Nắp cống vỡ trước chợ", "PERM2345AD").await,
        open311_client: app
            .store
            .create_api_client(Who::default(), "Ứng dụng thử", "permissions-key-digest")
            .await
            .unwrap()
            .id,
    }
}

fn page_rows(i: &Ids) -> Vec<Row> {
    let (seed, hidden, prov, p, d, t, u) = (
        i.seed,
        i.hidden,
        i.province_session,
        i.petition,
        i.directive,
        i.target,
        i.unit,
    );
    let s = |x: i64| x.to_string();
    vec![
        get("/", "OOOOO"),
        get("/trang-chu", "OOOOO"),
        get("/tin-tuc", "OOOOO"),
        get("/tin-tuc/rss.xml", "OOOOO"),
        get("/tin-tuc/atom.xml", "OOOOO"),
        get("/kien-nghi", "OOOOO"),
        get("/tim-kiem?q=nha+van+hoa", "OOOOO"),
        get("/sitemap.xml", "OOOOO"),
        get("/robots.txt", "OOOOO"),
        get("/articles", "LOOOO"),
        get("/articles/1", "LOOOO"),
        get(format!("/articles/new?session_id={seed}"), "LFFOO"),
        get("/kien-nghi/gui", "OOOOO"),
        get("/open311/v2/services.json", "OOOOO"),
        get(format!("/open311/v2/requests/{p}.json"), "OOOOO"),
        get("/kien-nghi/theo-doi", "OOOOO"),
        get("/kien-nghi/theo-doi/PERM2345AB", "OOOOO"),
        get("/kien-nghi/theo-doi/PERM2345AB/anh", "OOOOO"),
        get("/moderation", "LOOOO"),
        get(format!("/moderation/{}/photo", i.submission), "LFOOO"),
        get(format!("/moderation/{}/photo", i.submission_other), "LFFOO"),
        get("/login", "ORRRR"),
        get("/healthz", "OOOOO"),
        get("/readyz", "OOOOO"),
        get("/assets/style.css", "OOOOO"),
        get("/lang/en", "RRRRR"),
        get("/sessions", "OOOOO"),
        get(format!("/sessions/{seed}"), "OOOOO"),
        get(format!("/sessions/{hidden}"), "NNOOO"),
        get("/sessions/new", "LFOOO"),
        get("/sessions/import", "LFOOO"),
        get("/imports", "LFOOO"),
        get("/imports?kind=targets", "LFOOO"),
        get("/imports/999999", "LFNNN"),
        get(format!("/sessions/{seed}/edit"), "LFOOO"),
        get(format!("/sessions/{prov}/edit"), "NNNOO"),
        get(format!("/sessions/{seed}/report.docx"), "LOOOO"),
        get(format!("/sessions/{hidden}/report.docx"), "LNOOO"),
        get(
            format!(
                "/petitions/report.docx?unit_id={}&from=2020-01-01&to=2026-11-26",
                i.ubnd_phuong
            ),
            "LOOOO",
        ),
        get("/petitions", "OOOOO"),
        get(format!("/petitions/{p}"), "OOOOO"),
        get("/petitions/new", "LFOOO"),
        get("/directives", "OOOOO"),
        get(format!("/directives/{d}"), "OOOOO"),
        get("/directives/new", "LFFOO"),
        get("/targets", "OOOOO"),
        get(format!("/targets/{t}"), "OOOOO"),
        get("/targets/new", "LFOOO"),
        get("/units", "LOOOO"),
        get("/stats", "LOOOO"),
        get(
            format!("/stats?unit_id={u}&from=2020-01-01&to=2020-12-31"),
            "LOOOO",
        ),
        get(format!("/units/{u}"), "LOOOO"),
        get("/units/new", "LFFFO"),
        get("/people", "LOOOO"),
        get(format!("/people/{}", i.person), "LOOOO"),
        get("/people/new", "LFOOO"),
        get("/documents", "LOOOO"),
        get(format!("/documents/{}", i.document), "LOOOO"),
        get("/users", "LFFFO"),
        get(format!("/users/{}", i.officer), "LFFFO"),
        get("/password/forgot", "OOOOO"),
        get("/sessions/export.csv", "LOOOO"),
        get("/sessions/export.xlsx?q=Ha+Lam", "LOOOO"),
        get("/targets/export.csv", "LOOOO"),
        get("/units/export.csv", "LOOOO"),
        get("/people/export.xlsx?q=Nguy%E1%BB%85n", "LOOOO"),
        get("/documents/export.csv", "LOOOO"),
        get(format!("/targets/export.xlsx?unit_id={u}"), "LOOOO"),
        get("/calendar/units/0000.ics", "NNNNN"),
        form(
            "/sessions",
            &[
                ("title", "Buổi làm việc mới"),
                ("date", "2026-11-20"),
                ("host_unit_id", &s(i.dang_uy)),
            ],
            "FFRRR",
        ),
        form(
            "/sessions",
            &[
                ("title", "Buổi làm việc của tỉnh"),
                ("date", "2026-11-20"),
                ("host_unit_id", &s(i.ubnd_tinh)),
            ],
            "FFIRR",
        ),
        form(
            "/sessions/import",
            &[(
                "report",
                "Cử tri khu 6 kiến nghị sửa chữa đường điện chiếu sáng.",
            )],
            "FFOOO",
        ),
        form(
            "/sessions/import/confirm",
            &[
                (
                    "source",
                    "Cử tri khu 6 kiến nghị sửa chữa đường điện chiếu sáng.",
                ),
                ("session_title", "Tiếp xúc cử tri khu 6"),
                ("session_date", "2026-11-20"),
                ("session_host_unit_id", &s(i.dang_uy)),
                ("petition_keep_0", "on"),
                ("petition_text_0", "sửa chữa đường điện chiếu sáng khu 6"),
            ],
            "FFRRR",
        ),
        form(
            "/sessions/import/confirm",
            &[
                ("source", "x"),
                ("session_title", "Buổi làm việc của tỉnh"),
                ("session_date", "2026-11-20"),
                ("session_host_unit_id", &s(i.ubnd_tinh)),
            ],
            "FFIRR",
        ),
        form(
            format!("/sessions/{seed}"),
            &[
                (
                    "title",
                    "Đoàn công tác số 01 Thành ủy làm việc với Đảng ủy phường Hà Lầm",
                ),
                ("date", "2020-08-24"),
                ("host_unit_id", &s(i.dang_uy)),
                ("published", "on"),
                ("version", &format!("@version:session:{seed}")),
            ],
            "FFRRR",
        ),
        form(
            format!("/sessions/{seed}/petitions"),
            &[
                ("text", "Sửa chữa đường điện chiếu sáng khu 6"),
                ("area_unit_id", &s(i.khu6)),
                // Posted by each role in turn: the same petition, said to be new each time.
                ("new_petition", "true"),
            ],
            "FFRRR",
        ),
        form(
            format!("/sessions/{seed}/directives"),
            &[("text", "Rà soát lại toàn bộ các chỉ tiêu")],
            "FFRRR",
        ),
        form(
            format!("/sessions/{seed}/measurements"),
            &[
                ("target_id", &s(t)),
                ("value", "9000000000"),
                ("period_from", "2020-01-01"),
                ("period_to", "2020-09-30"),
            ],
            "FFRRR",
        ),
        form(
            format!("/sessions/{seed}/participants"),
            &[("person_id", &s(i.guest)), ("role", "Dự họp")],
            "FFRII",
        ),
        form(
            format!("/sessions/{prov}/petitions"),
            &[("text", "Kiến nghị tại họp tỉnh")],
            "FNNRR",
        ),
        form(
            format!("/sessions/{seed}/documents"),
            &[("document_id", &s(i.document))],
            "FFRRR",
        ),
        form(
            format!("/petitions/{p}"),
            &[
                ("text", "xây mới nhà văn hóa khu 6"),
                ("area_unit_id", &s(i.khu6)),
                ("version", &format!("@version:petition:{p}")),
            ],
            "FFRRR",
        ),
        form(
            format!("/directives/{d}"),
            &[
                ("text", "lập phương án nạo vét kênh mương, cống thoát nước"),
                ("lead_unit_id", &s(i.ubnd_phuong)),
                ("version", &format!("@version:directive:{d}")),
            ],
            "FFFRR",
        ),
        form(
            format!("/targets/{t}"),
            &[
                ("unit_id", &s(i.ubnd_phuong)),
                ("indicator", "Tổng thu NSNN trên địa bàn"),
                ("measure", "VND"),
                ("period_from", "2020-01-01"),
                ("period_to", "2020-12-31"),
                ("plan_value", "9750000000"),
                ("approved", "on"),
                ("version", &format!("@version:target:{t}")),
            ],
            "FFRRR",
        ),
        form(
            format!("/people/{}", i.person),
            &[
                ("name", "Hà Hồng Sơn"),
                ("version", &format!("@version:person:{}", i.person)),
            ],
            "FFRRR",
        ),
        form(
            format!("/documents/{}", i.document),
            &[
                ("kind", "Nghị quyết"),
                ("version", &format!("@version:document:{}", i.document)),
            ],
            "FFRRR",
        ),
        form(
            format!("/users/{}/active", i.officer),
            &[
                ("active", "on"),
                ("version", &format!("@version:user:{}", i.officer)),
            ],
            "FFFFR",
        ),
        form(
            format!("/users/{}", i.officer),
            &[
                ("display_name", "Chuyên viên phường"),
                ("role", "officer"),
                ("unit_id", &s(i.ubnd_phuong)),
                ("email", "chuyenvien@halam.example"),
                ("version", &format!("@version:user:{}", i.officer)),
            ],
            "FFFFR",
        ),
        form(format!("/users/{}/reset", i.officer), &[], "FFFFO"),
        form(format!("/units/{}/calendar", i.ubnd_phuong), &[], "FOOOO"),
        form(format!("/units/{}/calendar", i.tinh_uy), &[], "FFFOO"),
        form(
            format!("/units/{}/calendar/revoke", i.ubnd_phuong),
            &[],
            "FRRRR",
        ),
        form("/password/forgot", &[("name", "chuyenvien")], "FOOOO"),
        form(
            "/petitions",
            &[
                ("text", "Đèn đường khu 6 hỏng"),
                ("area_unit_id", &s(i.khu6)),
                ("new_petition", "true"),
            ],
            "FFRRR",
        ),
        form(
            "/petitions",
            &[
                ("text", "Đèn đường phường Hồng Hải hỏng"),
                ("area_unit_id", &s(i.other_ward)),
                ("new_petition", "true"),
            ],
            "FFFRR",
        ),
        form(
            format!("/petitions/{p}/transition"),
            &[
                ("action", "resolve"),
                ("version", &format!("@version:petition:{p}")),
            ],
            "FRFFK",
        ),
        form(
            format!("/petitions/{p}/raisings"),
            &[("date", "2026-11-20")],
            "FFRRR",
        ),
        form(
            format!("/petitions/{}/notes", i.coordinated),
            &[
                ("unit_id", &s(i.ubnd_phuong)),
                ("text", "Đã phối hợp kiểm tra 12 quầy hàng"),
            ],
            "FRFRR",
        ),
        form(
            "/directives",
            &[("text", "Chuẩn bị các điều kiện tốt nhất cho năm học mới")],
            "FFFRR",
        ),
        form(
            format!("/directives/{d}/progress"),
            &[
                ("percent", "10"),
                ("text", "Đã khảo sát"),
                ("version", &format!("@version:directive:{d}")),
            ],
            "FRFRR",
        ),
        form(
            format!("/directives/{d}/transition"),
            &[
                ("action", "complete"),
                ("version", &format!("@version:directive:{d}")),
            ],
            // Closing is the issuer's side's (leaders): the officer reports instead.
            "FFFRK",
        ),
        form(
            format!("/directives/{d}/extensions"),
            &[
                ("new_deadline", "2027-06-30"),
                ("reason", "Chờ vốn"),
                ("version", &format!("@version:directive:{d}")),
            ],
            "FFFRR",
        ),
        form(
            "/targets",
            &[
                ("unit_id", &s(i.ubnd_phuong)),
                ("indicator", "Số hộ nghèo"),
                ("measure", "households"),
                ("period_from", "2026-01-01"),
                ("period_to", "2026-12-31"),
                ("plan_value", "5"),
            ],
            "FFRRR",
        ),
        form(
            "/targets",
            &[
                ("unit_id", &s(i.ubnd_tinh)),
                ("indicator", "Thu NSNN toàn tỉnh"),
                ("measure", "VND"),
                ("period_from", "2026-01-01"),
                ("period_to", "2026-12-31"),
                ("plan_value", "5"),
            ],
            "FFFRR",
        ),
        form(
            format!("/targets/{t}/measurements"),
            &[
                ("value", "9100000000"),
                ("period_from", "2020-01-01"),
                ("period_to", "2020-10-31"),
            ],
            "FFRRR",
        ),
        form(
            format!("/targets/{t}/amendments"),
            &[
                ("new_value", "9500000000"),
                ("reason", "Điều chỉnh"),
                ("version", &format!("@version:target:{t}")),
            ],
            "FFRII",
        ),
        form("/people", &[("name", "Nguyễn Văn Mới")], "FFRRR"),
        form(
            format!("/people/{}/positions", i.person),
            &[("title", "Đại biểu HĐND phường")],
            "FFRRR",
        ),
        form(
            "/documents",
            &[("kind", "Kế hoạch"), ("number", "12/KH-UBND")],
            "FFRRR",
        ),
        form(
            "/units",
            &[
                ("name", "Khu 7, phường Hà Lầm"),
                ("kind", "residential_area"),
            ],
            "FFFFR",
        ),
        form(
            format!("/units/{u}"),
            &[
                ("name", "Trạm Y tế phường Hà Lầm"),
                ("kind", "health"),
                ("version", &format!("@version:unit:{u}")),
            ],
            "FFFFR",
        ),
        form(
            "/users",
            &[
                ("login", "moi"),
                ("display_name", "Người mới"),
                ("role", "clerk"),
                ("unit_id", &s(i.ubnd_phuong)),
                ("password", "mat-khau-moi"),
            ],
            "FFFFR",
        ),
        // One petition merged into another, both answered by the officer's unit: the
        // confirmation, then the merge (once: after it, the petition is merged already).
        get(
            format!(
                "/petitions/{}/merge?into_petition_id={p}",
                i.same_unit_petition
            ),
            "LOFOO",
        ),
        form(
            format!("/petitions/{}/merge", i.same_unit_petition),
            &[
                ("into_petition_id", &s(p)),
                (
                    "version",
                    &format!("@version:petition:{}", i.same_unit_petition),
                ),
                ("into_version", &format!("@version:petition:{p}")),
            ],
            "FRFII",
        ),
        form(
            format!("/units/{u}/merge"),
            &[
                ("merged_into", &s(i.ubnd_phuong)),
                ("version", &format!("@version:unit:{u}")),
            ],
            "FFFFR",
        ),
        form(
            format!("/moderation/{}/accept", i.submission),
            &[("version", &format!("@version:submission:{}", i.submission))],
            "FFRKK",
        ),
        form(
            format!("/moderation/{}/reject", i.submission_b),
            &[
                (
                    "version",
                    &format!("@version:submission:{}", i.submission_b),
                ),
                ("reason", "Không thuộc thẩm quyền của phường"),
            ],
            "FFRKK",
        ),
        form(
            format!("/moderation/{}/accept", i.submission_other),
            &[(
                "version",
                &format!("@version:submission:{}", i.submission_other),
            )],
            "FFFRK",
        ),
        form("/logout", &[], "FRRRR"),
    ]
}

fn api(method: Method, path: impl Into<String>, body: Option<Value>, expect: &'static str) -> Row {
    let path = format!("/api/v1{}", path.into());
    row(
        method,
        path,
        body.map(Body::Json).unwrap_or(Body::None),
        expect,
    )
}

fn api_rows(i: &Ids) -> Vec<Row> {
    let (seed, hidden, p, d, t, u) = (i.seed, i.hidden, i.petition, i.directive, i.target, i.unit);
    vec![
        api(Method::GET, "/openapi.json", None, "OOOOO"),
        api(Method::GET, "/submissions", None, "UOOOO"),
        api(Method::GET, "/open311-clients", None, "UFFFO"),
        api(
            Method::POST,
            "/open311-clients",
            Some(json!({ "name": "Cổng dịch vụ công" })),
            "UFFFC",
        ),
        api(
            Method::DELETE,
            format!("/open311-clients/{}", i.open311_client),
            None,
            "UFFFO",
        ),
        api(
            Method::GET,
            format!("/submissions/{}", i.submission),
            None,
            "UFOOO",
        ),
        api(
            Method::GET,
            format!("/submissions/{}", i.submission_other),
            None,
            "UFFOO",
        ),
        api(
            Method::POST,
            format!("/submissions/{}/accept", i.submission),
            Some(json!({ "version": format!("@version:submission:{}", i.submission) })),
            "UFOKK",
        ),
        api(
            Method::POST,
            format!("/submissions/{}/reject", i.submission_b),
            Some(
                json!({ "version": format!("@version:submission:{}", i.submission_b), "reason": "Trùng lặp" }),
            ),
            "UFOKK",
        ),
        api(
            Method::POST,
            format!("/submissions/{}/reject", i.submission_other),
            Some(
                json!({ "version": format!("@version:submission:{}", i.submission_other), "reason": "Trùng lặp" }),
            ),
            "UFFOK",
        ),
        api(Method::GET, "/tokens", None, "UOOOO"),
        api(
            Method::DELETE,
            format!("/tokens/{}", i.clerk_token),
            None,
            "UFONN",
        ),
        api(Method::GET, "/me", None, "UOOOO"),
        api(Method::GET, format!("/stats?unit_id={u}"), None, "UOOOO"),
        api(Method::GET, "/units", None, "UOOOO"),
        api(Method::GET, format!("/units/{u}"), None, "UOOOO"),
        api(Method::GET, "/people", None, "UOOOO"),
        api(Method::GET, format!("/people/{}", i.person), None, "UOOOO"),
        api(Method::GET, "/documents", None, "UOOOO"),
        api(
            Method::GET,
            format!("/documents/{}", i.document),
            None,
            "UOOOO",
        ),
        api(Method::GET, "/sessions", None, "OOOOO"),
        api(Method::GET, format!("/sessions/{seed}"), None, "OOOOO"),
        api(Method::GET, format!("/sessions/{hidden}"), None, "NNOOO"),
        api(Method::GET, "/targets", None, "OOOOO"),
        api(Method::GET, format!("/targets/{t}"), None, "OOOOO"),
        api(Method::GET, "/petitions", None, "OOOOO"),
        api(Method::GET, format!("/petitions/{p}"), None, "OOOOO"),
        api(Method::GET, "/directives", None, "OOOOO"),
        api(Method::GET, format!("/directives/{d}"), None, "OOOOO"),
        api(
            Method::GET,
            format!("/history/session/{seed}"),
            None,
            "UOOOO",
        ),
        api(Method::GET, "/history/user/1", None, "UFFFO"),
        api(Method::GET, "/users", None, "UFFFO"),
        api(Method::GET, format!("/users/{}", i.officer), None, "UFFFO"),
        api(
            Method::POST,
            "/imports?kind=petitions",
            Some(json!({})),
            "UFIII",
        ),
        api(Method::GET, "/imports/999999", None, "UFNNN"),
        api(Method::GET, "/imports/999999/rows", None, "UFNNN"),
        api(
            Method::POST,
            format!("/users/{}/password-reset", i.officer),
            None,
            "UFFFO",
        ),
        api(
            Method::POST,
            "/tokens",
            Some(json!({ "login": "lanhdao", "password": "lanhdao-demo" })),
            "CCCCC",
        ),
        api(
            Method::POST,
            "/sessions",
            Some(json!({ "title": "Họp phường", "date": "2026-11-20", "host_unit_id": i.dang_uy })),
            "UFCCC",
        ),
        api(
            Method::POST,
            "/sessions",
            Some(json!({ "title": "Họp tỉnh", "date": "2026-11-20", "host_unit_id": i.ubnd_tinh })),
            "UFICC",
        ),
        api(
            Method::PUT,
            format!("/sessions/{seed}"),
            Some(
                json!({ "title": "Đoàn công tác số 01 Thành ủy làm việc với Đảng ủy phường Hà Lầm", "date": "2020-08-24", "host_unit_id": i.dang_uy, "published": true, "version": format!("@version:session:{seed}") }),
            ),
            "UFOOO",
        ),
        api(
            Method::POST,
            format!("/sessions/{seed}/participants"),
            Some(json!({ "person_id": i.guest, "role": "Dự họp" })),
            "UFCKK",
        ),
        api(
            Method::POST,
            format!("/sessions/{seed}/documents"),
            Some(json!({ "document_id": i.document })),
            "UFCCC",
        ),
        api(
            Method::PUT,
            format!("/petitions/{p}"),
            Some(
                json!({ "text": "xây mới nhà văn hóa khu 6", "area_unit_id": i.khu6, "version": format!("@version:petition:{p}") }),
            ),
            "UFOOO",
        ),
        api(
            Method::PUT,
            format!("/directives/{d}"),
            Some(
                json!({ "text": "lập phương án nạo vét kênh mương", "lead_unit_id": i.ubnd_phuong, "version": format!("@version:directive:{d}") }),
            ),
            "UFFOO",
        ),
        api(
            Method::PUT,
            format!("/people/{}", i.person),
            Some(
                json!({ "name": "Hà Hồng Sơn", "version": format!("@version:person:{}", i.person) }),
            ),
            "UFOOO",
        ),
        api(
            Method::PUT,
            format!("/documents/{}", i.document),
            Some(
                json!({ "kind": "Nghị quyết", "version": format!("@version:document:{}", i.document) }),
            ),
            "UFOOO",
        ),
        api(
            Method::POST,
            format!("/users/{}/active", i.officer),
            Some(json!({ "active": true, "version": format!("@version:user:{}", i.officer) })),
            "UFFFO",
        ),
        api(
            Method::PUT,
            format!("/users/{}", i.officer),
            Some(
                json!({ "display_name": "Chuyên viên phường", "role": "officer", "unit_id": i.ubnd_phuong, "version": format!("@version:user:{}", i.officer) }),
            ),
            "UFFFO",
        ),
        api(
            Method::POST,
            "/petitions",
            Some(
                json!({ "text": "Nạo vét mương khu 6", "area_unit_id": i.khu6, "new_petition": true }),
            ),
            "UFCCC",
        ),
        api(
            Method::POST,
            "/petitions",
            Some(
                json!({ "text": "Đèn đường Hồng Hải", "area_unit_id": i.other_ward, "new_petition": true }),
            ),
            "UFFCC",
        ),
        api(
            Method::POST,
            format!("/petitions/{p}/transitions"),
            Some(json!({ "action": "resolve", "version": format!("@version:petition:{p}") })),
            "UOFFK",
        ),
        api(
            Method::POST,
            format!("/petitions/{p}/raisings"),
            Some(json!({ "date": "2026-11-21" })),
            "UFCCC",
        ),
        api(
            Method::POST,
            format!("/petitions/{}/notes", i.coordinated),
            Some(json!({ "unit_id": i.ubnd_phuong, "text": "Đã phối hợp kiểm tra" })),
            "UCFCC",
        ),
        api(
            Method::POST,
            "/directives",
            Some(json!({ "text": "Khuyến khích xã hội hóa" })),
            "UFFCC",
        ),
        api(
            Method::POST,
            format!("/directives/{d}/progress"),
            Some(
                json!({ "percent": 20, "text": "Đang lập phương án", "version": format!("@version:directive:{d}") }),
            ),
            "UCFCC",
        ),
        api(
            Method::POST,
            format!("/directives/{d}/transitions"),
            Some(json!({ "action": "complete", "version": format!("@version:directive:{d}") })),
            "UFFOK",
        ),
        api(
            Method::POST,
            format!("/directives/{d}/extensions"),
            Some(
                json!({ "new_deadline": "2027-06-30", "reason": "Chờ vốn", "version": format!("@version:directive:{d}") }),
            ),
            "UFFCC",
        ),
        api(
            Method::POST,
            "/targets",
            Some(
                json!({ "unit_id": i.ubnd_phuong, "indicator": "Số hộ nghèo", "measure": "households", "period_from": "2026-01-01", "period_to": "2026-12-31", "plan_value": 5 }),
            ),
            "UFCCC",
        ),
        api(
            Method::PUT,
            format!("/targets/{t}"),
            Some(
                json!({ "unit_id": i.ubnd_phuong, "indicator": "Tổng thu NSNN trên địa bàn", "measure": "VND", "period_from": "2020-01-01", "period_to": "2020-12-31", "plan_value": 9.75e9, "version": format!("@version:target:{t}") }),
            ),
            "UFOOO",
        ),
        api(
            Method::POST,
            format!("/targets/{t}/measurements"),
            Some(json!({ "value": 9.2e9, "period_from": "2020-01-01", "period_to": "2020-11-30" })),
            "UFCCC",
        ),
        api(
            Method::POST,
            format!("/targets/{t}/amendments"),
            Some(
                json!({ "new_value": 9.6e9, "reason": "Điều chỉnh", "version": format!("@version:target:{t}") }),
            ),
            "UFCII",
        ),
        api(
            Method::POST,
            "/people",
            Some(json!({ "name": "Trần Thị Mới" })),
            "UFCCC",
        ),
        api(
            Method::POST,
            format!("/people/{}/positions", i.person),
            Some(json!({ "title": "Ủy viên" })),
            "UFCCC",
        ),
        api(
            Method::POST,
            "/documents",
            Some(json!({ "kind": "Thông báo", "number": "5-TB/ĐU" })),
            "UFCCC",
        ),
        api(
            Method::POST,
            "/units",
            Some(json!({ "name": "Khu 8, phường Hà Lầm", "kind": "residential_area" })),
            "UFFFC",
        ),
        api(
            Method::PUT,
            format!("/units/{u}"),
            Some(
                json!({ "name": "Trạm y tế phường Hà Lầm", "kind": "health", "version": format!("@version:unit:{u}") }),
            ),
            "UFFFO",
        ),
        api(
            Method::POST,
            "/users",
            Some(
                json!({ "login": "moi2", "display_name": "Người mới", "role": "clerk", "unit_id": i.ubnd_phuong, "password": "mat-khau-moi" }),
            ),
            "UFFFC",
        ),
        api(
            Method::POST,
            format!("/petitions/{}/merge", i.same_unit_petition),
            Some(json!({
                "into_petition_id": p,
                "version": format!("@version:petition:{}", i.same_unit_petition),
                "into_version": format!("@version:petition:{p}"),
            })),
            "UOFII",
        ),
        api(
            Method::POST,
            format!("/units/{u}/merge"),
            Some(json!({ "merged_into": i.ubnd_phuong, "version": format!("@version:unit:{u}") })),
            "UFFFO",
        ),
    ]
}

const LOGINS: [(&str, &str); 4] = [
    ("chuyenvien", "chuyenvien-demo"),
    ("vanthu", "vanthu-demo"),
    ("lanhdao", "lanhdao-demo"),
    ("quantri", "quantri-demo"),
];

/// The outcome of a request as one letter: O 200, C 201, R a redirect after a saved form,
/// L a redirect to the login page, U 401, F 403, N 404, K 409, I 422; ? anything else.
fn outcome(resp: &Resp) -> char {
    match resp.status {
        StatusCode::OK => 'O',
        StatusCode::CREATED => 'C',
        StatusCode::SEE_OTHER if resp.location().starts_with("/login") => 'L',
        StatusCode::SEE_OTHER => 'R',
        StatusCode::UNAUTHORIZED => 'U',
        StatusCode::FORBIDDEN => 'F',
        StatusCode::NOT_FOUND => 'N',
        StatusCode::CONFLICT => 'K',
        StatusCode::UNPROCESSABLE_ENTITY => 'I',
        _ => '?',
    }
}

fn check(failures: &mut Vec<String>, who: &str, r: &Row, resp: &Resp, expect: char) {
    let got = outcome(resp);
    if got != expect {
        failures.push(format!(
            "{who}: {} {} expected {expect}, got {got} ({}) {}",
            r.method,
            r.path,
            resp.status,
            resp.body.chars().take(160).collect::<String>()
        ));
    }
}

/// With DONDOC_PERMISSIONS_RECORD set, prints each row's outcomes (to review a changed table).
fn record(r: &Row, got: &str) {
    if std::env::var_os("DONDOC_PERMISSIONS_RECORD").is_some() {
        eprintln!("RECORD {} {} {got}", r.method, r.path);
    }
}

/// Sends every row as each client and checks each outcome against the row's letters.
async fn sweep(app: &TestApp, rows: &[Row], clients: &mut [(&str, Client<'_>)]) {
    let mut failures = Vec::new();
    for r in rows {
        let mut got = String::new();
        for (n, (who, client)) in clients.iter_mut().enumerate() {
            let resp = send(app, client, r).await;
            got.push(outcome(&resp));
            check(
                &mut failures,
                who,
                r,
                &resp,
                r.expect.chars().nth(n).unwrap(),
            );
        }
        record(r, &got);
    }
    assert!(
        failures.is_empty(),
        "{} of {} checks failed:\n{}",
        failures.len(),
        rows.len() * 5,
        failures.join("\n")
    );
}

app_test!(every_page_for_every_role, |app| async move {
    let rows = page_rows(&ids(&app).await);
    let mut clients = vec![("anonymous", app.anonymous())];
    for (login, password) in LOGINS {
        clients.push((login, app.login(login, password).await));
    }
    sweep(&app, &rows, &mut clients).await;
});

app_test!(every_api_route_for_every_role, |app| async move {
    let rows = api_rows(&ids(&app).await);
    let mut clients = vec![("anonymous", app.anonymous())];
    for (login, password) in LOGINS {
        clients.push((login, app.token(login, password).await));
    }
    sweep(&app, &rows, &mut clients).await;
});
