//! Who may do what, route by route: every page and every API route, for every role and for
//! anonymous visitors, allowed and denied, on SQLite and on PostgreSQL.
//!
//! Each row names the request and the expected outcome for [anonymous, officer, clerk, leader,
//! admin], in that order ('A' allowed, 'D' denied). Allowed means the rules let the request
//! through: it may still be refused later for its content (409, 422), never with 401/403 or a
//! redirect to the login page. Denied means 401/403, the login page, or 404 for records a
//! visitor may not know exist. Admin goes last so that its changes (a merge, a logout) cannot
//! hide another role's answer.

mod support;

use axum::http::{Method, StatusCode};
use dondoc_domain::input::NewSession;
use dondoc_domain::Visibility;
use dondoc_store::Who;
use serde_json::{json, Value};
use support::{Client, Resp, TestApp, TODAY};

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
    assert_eq!(expect.len(), 5);
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

fn denied(r: &Resp) -> bool {
    matches!(
        r.status,
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    ) || (r.status == StatusCode::SEE_OTHER && r.location().starts_with("/login"))
}

struct Ids {
    seed: i64,
    hidden: i64,
    province_session: i64,
    petition: i64,
    directive: i64,
    target: i64,
    unit: i64,
    khu6: i64,
    ubnd_phuong: i64,
    dang_uy: i64,
    ubnd_tinh: i64,
    other_ward: i64,
    person: i64,
    document: i64,
    officer: i64,
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
        directive: app.directive_id("lập phương án nạo vét").await,
        target,
        unit: app.unit_id("Trạm y tế phường Hà Lầm").await,
        khu6: app.unit_id("Khu 6, phường Hà Lầm").await,
        ubnd_phuong: app.unit_id("UBND phường Hà Lầm").await,
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
        document: app.store.documents(None, None).await.unwrap().items[0].id,
        officer: app
            .store
            .user_by_login("chuyenvien")
            .await
            .unwrap()
            .unwrap()
            .user
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
        get("/", "AAAAA"),
        get("/login", "AAAAA"),
        get("/healthz", "AAAAA"),
        get("/assets/style.css", "AAAAA"),
        get("/lang/en", "AAAAA"),
        get("/sessions", "AAAAA"),
        get(format!("/sessions/{seed}"), "AAAAA"),
        get(format!("/sessions/{hidden}"), "DDAAA"),
        get("/sessions/new", "DDAAA"),
        get("/sessions/import", "DDAAA"),
        get(format!("/sessions/{seed}/edit"), "DDAAA"),
        get(format!("/sessions/{prov}/edit"), "DDDAA"),
        get("/petitions", "AAAAA"),
        get(format!("/petitions/{p}"), "AAAAA"),
        get("/petitions/new", "DDAAA"),
        get("/directives", "AAAAA"),
        get(format!("/directives/{d}"), "AAAAA"),
        get("/directives/new", "DDDAA"),
        get("/targets", "AAAAA"),
        get(format!("/targets/{t}"), "AAAAA"),
        get("/targets/new", "DDAAA"),
        get("/units", "DAAAA"),
        get(format!("/units/{u}"), "DAAAA"),
        get("/units/new", "DDDDA"),
        get("/people", "DAAAA"),
        get(format!("/people/{}", i.person), "DAAAA"),
        get("/people/new", "DDAAA"),
        get("/documents", "DAAAA"),
        get(format!("/documents/{}", i.document), "DAAAA"),
        get("/users", "DDDDA"),
        form(
            "/sessions",
            &[
                ("title", "Buổi làm việc mới"),
                ("date", "2026-11-20"),
                ("host_unit_id", &s(i.dang_uy)),
            ],
            "DDAAA",
        ),
        form(
            "/sessions",
            &[
                ("title", "Buổi làm việc của tỉnh"),
                ("date", "2026-11-20"),
                ("host_unit_id", &s(i.ubnd_tinh)),
            ],
            "DDDAA",
        ),
        form(
            "/sessions/import",
            &[(
                "report",
                "Cử tri khu 6 kiến nghị sửa chữa đường điện chiếu sáng.",
            )],
            "DDAAA",
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
            "DDAAA",
        ),
        form(
            "/sessions/import/confirm",
            &[
                ("source", "x"),
                ("session_title", "Buổi làm việc của tỉnh"),
                ("session_date", "2026-11-20"),
                ("session_host_unit_id", &s(i.ubnd_tinh)),
            ],
            "DDDAA",
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
            "DDAAA",
        ),
        form(
            format!("/sessions/{seed}/petitions"),
            &[
                ("text", "Sửa chữa đường điện chiếu sáng khu 6"),
                ("area_unit_id", &s(i.khu6)),
            ],
            "DDAAA",
        ),
        form(
            format!("/sessions/{seed}/directives"),
            &[("text", "Rà soát lại toàn bộ các chỉ tiêu")],
            "DDAAA",
        ),
        form(
            format!("/sessions/{seed}/measurements"),
            &[
                ("target_id", &s(t)),
                ("value", "9000000000"),
                ("period_from", "2020-01-01"),
                ("period_to", "2020-09-30"),
            ],
            "DDAAA",
        ),
        form(
            format!("/sessions/{seed}/participants"),
            &[("person_id", &s(i.person)), ("role", "Dự họp")],
            "DDAAA",
        ),
        form(
            format!("/sessions/{prov}/petitions"),
            &[("text", "Kiến nghị tại họp tỉnh")],
            "DDDAA",
        ),
        form(
            format!("/sessions/{seed}/documents"),
            &[("document_id", &s(i.document))],
            "DDAAA",
        ),
        form(
            format!("/petitions/{p}"),
            &[
                ("text", "xây mới nhà văn hóa khu 6"),
                ("area_unit_id", &s(i.khu6)),
                ("version", &format!("@version:petition:{p}")),
            ],
            "DDAAA",
        ),
        form(
            format!("/directives/{d}"),
            &[
                ("text", "lập phương án nạo vét kênh mương, cống thoát nước"),
                ("lead_unit_id", &s(i.ubnd_phuong)),
                ("version", &format!("@version:directive:{d}")),
            ],
            "DDDAA",
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
            "DDAAA",
        ),
        form(
            format!("/people/{}", i.person),
            &[
                ("name", "Hà Hồng Sơn"),
                ("version", &format!("@version:person:{}", i.person)),
            ],
            "DDAAA",
        ),
        form(
            format!("/documents/{}", i.document),
            &[
                ("kind", "Nghị quyết"),
                ("version", &format!("@version:document:{}", i.document)),
            ],
            "DDAAA",
        ),
        form(
            format!("/users/{}/active", i.officer),
            &[
                ("active", "on"),
                ("version", &format!("@version:user:{}", i.officer)),
            ],
            "DDDDA",
        ),
        form(
            "/petitions",
            &[
                ("text", "Đèn đường khu 6 hỏng"),
                ("area_unit_id", &s(i.khu6)),
            ],
            "DDAAA",
        ),
        form(
            "/petitions",
            &[
                ("text", "Đèn đường phường Hồng Hải hỏng"),
                ("area_unit_id", &s(i.other_ward)),
            ],
            "DDDAA",
        ),
        form(
            format!("/petitions/{p}/transition"),
            &[
                ("action", "resolve"),
                ("version", &format!("@version:petition:{p}")),
            ],
            "DADDA",
        ),
        form(
            format!("/petitions/{p}/raisings"),
            &[("date", "2026-11-20")],
            "DDAAA",
        ),
        form(
            "/directives",
            &[("text", "Chuẩn bị các điều kiện tốt nhất cho năm học mới")],
            "DDDAA",
        ),
        form(
            format!("/directives/{d}/progress"),
            &[("percent", "10"), ("text", "Đã khảo sát")],
            "DADAA",
        ),
        form(
            format!("/directives/{d}/transition"),
            &[
                ("action", "complete"),
                ("version", &format!("@version:directive:{d}")),
            ],
            "DADAA",
        ),
        form(
            format!("/directives/{d}/extensions"),
            &[
                ("new_deadline", "2027-06-30"),
                ("reason", "Chờ vốn"),
                ("version", &format!("@version:directive:{d}")),
            ],
            "DDDAA",
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
            "DDAAA",
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
            "DDDAA",
        ),
        form(
            format!("/targets/{t}/measurements"),
            &[
                ("value", "9100000000"),
                ("period_from", "2020-01-01"),
                ("period_to", "2020-10-31"),
            ],
            "DDAAA",
        ),
        form(
            format!("/targets/{t}/amendments"),
            &[
                ("new_value", "9500000000"),
                ("reason", "Điều chỉnh"),
                ("version", &format!("@version:target:{t}")),
            ],
            "DDAAA",
        ),
        form("/people", &[("name", "Nguyễn Văn Mới")], "DDAAA"),
        form(
            format!("/people/{}/positions", i.person),
            &[("title", "Đại biểu HĐND phường")],
            "DDAAA",
        ),
        form(
            "/documents",
            &[("kind", "Kế hoạch"), ("number", "12/KH-UBND")],
            "DDAAA",
        ),
        form(
            "/units",
            &[
                ("name", "Khu 7, phường Hà Lầm"),
                ("kind", "residential_area"),
            ],
            "DDDDA",
        ),
        form(
            format!("/units/{u}"),
            &[
                ("name", "Trạm Y tế phường Hà Lầm"),
                ("kind", "health"),
                ("version", &format!("@version:unit:{u}")),
            ],
            "DDDDA",
        ),
        form(
            "/users",
            &[
                ("login", "moi"),
                ("display_name", "Người mới"),
                ("role", "clerk"),
                ("password", "mat-khau-moi"),
            ],
            "DDDDA",
        ),
        form(
            format!("/units/{u}/merge"),
            &[
                ("merged_into", &s(i.ubnd_phuong)),
                ("version", &format!("@version:unit:{u}")),
            ],
            "DDDDA",
        ),
        form("/logout", &[], "DAAAA"),
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
        api(Method::GET, "/openapi.json", None, "AAAAA"),
        api(Method::GET, "/me", None, "DAAAA"),
        api(Method::GET, "/units", None, "DAAAA"),
        api(Method::GET, format!("/units/{u}"), None, "DAAAA"),
        api(Method::GET, "/people", None, "DAAAA"),
        api(Method::GET, format!("/people/{}", i.person), None, "DAAAA"),
        api(Method::GET, "/documents", None, "DAAAA"),
        api(
            Method::GET,
            format!("/documents/{}", i.document),
            None,
            "DAAAA",
        ),
        api(Method::GET, "/sessions", None, "AAAAA"),
        api(Method::GET, format!("/sessions/{seed}"), None, "AAAAA"),
        api(Method::GET, format!("/sessions/{hidden}"), None, "DDAAA"),
        api(Method::GET, "/targets", None, "AAAAA"),
        api(Method::GET, format!("/targets/{t}"), None, "AAAAA"),
        api(Method::GET, "/petitions", None, "AAAAA"),
        api(Method::GET, format!("/petitions/{p}"), None, "AAAAA"),
        api(Method::GET, "/directives", None, "AAAAA"),
        api(Method::GET, format!("/directives/{d}"), None, "AAAAA"),
        api(
            Method::GET,
            format!("/history/session/{seed}"),
            None,
            "DAAAA",
        ),
        api(Method::GET, "/history/user/1", None, "DDDDA"),
        api(Method::GET, "/users", None, "DDDDA"),
        api(
            Method::POST,
            "/tokens",
            Some(json!({ "login": "lanhdao", "password": "lanhdao-demo" })),
            "AAAAA",
        ),
        api(
            Method::POST,
            "/sessions",
            Some(json!({ "title": "Họp phường", "date": "2026-11-20", "host_unit_id": i.dang_uy })),
            "DDAAA",
        ),
        api(
            Method::POST,
            "/sessions",
            Some(json!({ "title": "Họp tỉnh", "date": "2026-11-20", "host_unit_id": i.ubnd_tinh })),
            "DDDAA",
        ),
        api(
            Method::PUT,
            format!("/sessions/{seed}"),
            Some(
                json!({ "title": "Đoàn công tác số 01 Thành ủy làm việc với Đảng ủy phường Hà Lầm", "date": "2020-08-24", "host_unit_id": i.dang_uy, "published": true, "version": format!("@version:session:{seed}") }),
            ),
            "DDAAA",
        ),
        api(
            Method::POST,
            format!("/sessions/{seed}/participants"),
            Some(json!({ "person_id": i.person, "role": "Dự họp" })),
            "DDAAA",
        ),
        api(
            Method::POST,
            format!("/sessions/{seed}/documents"),
            Some(json!({ "document_id": i.document })),
            "DDAAA",
        ),
        api(
            Method::PUT,
            format!("/petitions/{p}"),
            Some(
                json!({ "text": "xây mới nhà văn hóa khu 6", "area_unit_id": i.khu6, "version": format!("@version:petition:{p}") }),
            ),
            "DDAAA",
        ),
        api(
            Method::PUT,
            format!("/directives/{d}"),
            Some(
                json!({ "text": "lập phương án nạo vét kênh mương", "lead_unit_id": i.ubnd_phuong, "version": format!("@version:directive:{d}") }),
            ),
            "DDDAA",
        ),
        api(
            Method::PUT,
            format!("/people/{}", i.person),
            Some(
                json!({ "name": "Hà Hồng Sơn", "version": format!("@version:person:{}", i.person) }),
            ),
            "DDAAA",
        ),
        api(
            Method::PUT,
            format!("/documents/{}", i.document),
            Some(
                json!({ "kind": "Nghị quyết", "version": format!("@version:document:{}", i.document) }),
            ),
            "DDAAA",
        ),
        api(
            Method::POST,
            format!("/users/{}/active", i.officer),
            Some(json!({ "active": true, "version": format!("@version:user:{}", i.officer) })),
            "DDDDA",
        ),
        api(
            Method::POST,
            "/petitions",
            Some(json!({ "text": "Nạo vét mương khu 6", "area_unit_id": i.khu6 })),
            "DDAAA",
        ),
        api(
            Method::POST,
            "/petitions",
            Some(json!({ "text": "Đèn đường Hồng Hải", "area_unit_id": i.other_ward })),
            "DDDAA",
        ),
        api(
            Method::POST,
            format!("/petitions/{p}/transitions"),
            Some(json!({ "action": "resolve", "version": format!("@version:petition:{p}") })),
            "DADDA",
        ),
        api(
            Method::POST,
            format!("/petitions/{p}/raisings"),
            Some(json!({ "session_id": seed })),
            "DDAAA",
        ),
        api(
            Method::POST,
            "/directives",
            Some(json!({ "text": "Khuyến khích xã hội hóa" })),
            "DDDAA",
        ),
        api(
            Method::POST,
            format!("/directives/{d}/progress"),
            Some(json!({ "percent": 20, "text": "Đang lập phương án" })),
            "DADAA",
        ),
        api(
            Method::POST,
            format!("/directives/{d}/transitions"),
            Some(json!({ "action": "complete", "version": format!("@version:directive:{d}") })),
            "DADAA",
        ),
        api(
            Method::POST,
            format!("/directives/{d}/extensions"),
            Some(
                json!({ "new_deadline": "2027-06-30", "reason": "Chờ vốn", "version": format!("@version:directive:{d}") }),
            ),
            "DDDAA",
        ),
        api(
            Method::POST,
            "/targets",
            Some(
                json!({ "unit_id": i.ubnd_phuong, "indicator": "Số hộ nghèo", "measure": "households", "period_from": "2026-01-01", "period_to": "2026-12-31", "plan_value": 5 }),
            ),
            "DDAAA",
        ),
        api(
            Method::PUT,
            format!("/targets/{t}"),
            Some(
                json!({ "unit_id": i.ubnd_phuong, "indicator": "Tổng thu NSNN trên địa bàn", "measure": "VND", "period_from": "2020-01-01", "period_to": "2020-12-31", "plan_value": 9.75e9, "version": format!("@version:target:{t}") }),
            ),
            "DDAAA",
        ),
        api(
            Method::POST,
            format!("/targets/{t}/measurements"),
            Some(json!({ "value": 9.2e9, "period_from": "2020-01-01", "period_to": "2020-11-30" })),
            "DDAAA",
        ),
        api(
            Method::POST,
            format!("/targets/{t}/amendments"),
            Some(
                json!({ "new_value": 9.6e9, "reason": "Điều chỉnh", "version": format!("@version:target:{t}") }),
            ),
            "DDAAA",
        ),
        api(
            Method::POST,
            "/people",
            Some(json!({ "name": "Trần Thị Mới" })),
            "DDAAA",
        ),
        api(
            Method::POST,
            format!("/people/{}/positions", i.person),
            Some(json!({ "title": "Ủy viên" })),
            "DDAAA",
        ),
        api(
            Method::POST,
            "/documents",
            Some(json!({ "kind": "Thông báo", "number": "5-TB/ĐU" })),
            "DDAAA",
        ),
        api(
            Method::POST,
            "/units",
            Some(json!({ "name": "Khu 8, phường Hà Lầm", "kind": "residential_area" })),
            "DDDDA",
        ),
        api(
            Method::PUT,
            format!("/units/{u}"),
            Some(
                json!({ "name": "Trạm y tế phường Hà Lầm", "kind": "health", "version": format!("@version:unit:{u}") }),
            ),
            "DDDDA",
        ),
        api(
            Method::POST,
            "/users",
            Some(
                json!({ "login": "moi2", "display_name": "Người mới", "role": "clerk", "password": "mat-khau-moi" }),
            ),
            "DDDDA",
        ),
        api(
            Method::POST,
            format!("/units/{u}/merge"),
            Some(json!({ "merged_into": i.ubnd_phuong, "version": format!("@version:unit:{u}") })),
            "DDDDA",
        ),
    ]
}

const LOGINS: [(&str, &str); 4] = [
    ("chuyenvien", "chuyenvien-demo"),
    ("vanthu", "vanthu-demo"),
    ("lanhdao", "lanhdao-demo"),
    ("quantri", "quantri-demo"),
];

fn check(failures: &mut Vec<String>, who: &str, r: &Row, resp: &Resp, expect: char) {
    let is_denied = denied(resp);
    let ok = match expect {
        'A' => !is_denied && !resp.status.is_server_error(),
        _ => is_denied,
    };
    if !ok {
        failures.push(format!(
            "{who}: {} {} expected {expect}, got {} {}",
            r.method,
            r.path,
            resp.status,
            resp.body.chars().take(160).collect::<String>()
        ));
    }
}

app_test!(every_page_for_every_role, |app| async move {
    let ids = ids(&app).await;
    let rows = page_rows(&ids);
    let mut clients = vec![("anonymous", app.anonymous())];
    for (login, password) in LOGINS {
        clients.push((login, app.login(login, password).await));
    }
    let mut failures = Vec::new();
    for r in &rows {
        for (n, (who, client)) in clients.iter_mut().enumerate() {
            let resp = send(&app, client, r).await;
            check(
                &mut failures,
                who,
                r,
                &resp,
                r.expect.chars().nth(n).unwrap(),
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} checks failed:\n{}",
        failures.len(),
        rows.len() * 5,
        failures.join("\n")
    );
});

app_test!(every_api_route_for_every_role, |app| async move {
    let ids = ids(&app).await;
    let rows = api_rows(&ids);
    let mut clients = vec![("anonymous", app.anonymous())];
    for (login, password) in LOGINS {
        clients.push((login, app.token(login, password).await));
    }
    let mut failures = Vec::new();
    for r in &rows {
        for (n, (who, client)) in clients.iter_mut().enumerate() {
            let resp = send(&app, client, r).await;
            check(
                &mut failures,
                who,
                r,
                &resp,
                r.expect.chars().nth(n).unwrap(),
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} checks failed:\n{}",
        failures.len(),
        rows.len() * 5,
        failures.join("\n")
    );
});
