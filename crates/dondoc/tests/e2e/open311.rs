//! Open311 GeoReport v2: every answer is checked against the spec's JSON schemas, read from
//! `../shared/open311/georeport-v2` beside the checkout (or `DONDOC_OPEN311_DIR`), never
//! copied here; without them the test says it skipped, and fails under `CI=true`. Only what
//! an anonymous visitor may see is answered; a request posted with a client's key is a
//! resident's submission, which waits for staff.

use std::path::PathBuf;

use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use dondoc_store::Backend;
use serde_json::{json, Value};

fn schema_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("DONDOC_OPEN311_DIR") {
        Some(d) => PathBuf::from(d),
        None => {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/open311/georeport-v2")
        }
    };
    if dir.join("request.json").is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "the Open311 schemas are missing at {} (set DONDOC_OPEN311_DIR)",
        dir.display()
    );
    println!(
        "skipped: no Open311 schemas at {} (set DONDOC_OPEN311_DIR)",
        dir.display()
    );
    None
}

/// The JSON Schema keywords the GeoReport v2 schemas use, checked by hand; any other keyword
/// fails the test, so that nothing in a schema is silently passed over.
struct Schemas {
    dir: PathBuf,
}

impl Schemas {
    fn load(&self, file: &str) -> Value {
        let text = std::fs::read_to_string(self.dir.join(file)).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    /// A definition of the Swagger document (`RequestResponse`, …).
    fn definition(&self, name: &str) -> Value {
        self.load("swagger.json")["definitions"][name].clone()
    }

    fn check(&self, schema: &Value, v: &Value, at: &str, errors: &mut Vec<String>) {
        let Some(obj) = schema.as_object() else {
            return;
        };
        for (k, s) in obj {
            match k.as_str() {
                "description" | "minItems" | "uniqueItems" => {}
                "$ref" => {
                    let file = s.as_str().unwrap();
                    self.check(&self.load(file), v, at, errors);
                }
                "type" => {
                    let ok = match s.as_str().unwrap() {
                        "string" => v.is_string(),
                        "number" => v.is_number(),
                        "integer" => v.is_i64() || v.is_u64(),
                        "boolean" => v.is_boolean(),
                        "array" => v.is_array(),
                        "object" => v.is_object(),
                        "null" => v.is_null(),
                        t => panic!("type {t}"),
                    };
                    if !ok {
                        errors.push(format!("{at}: {v} is not of type {s}"));
                    }
                }
                "enum" => {
                    if !s.as_array().unwrap().contains(v) {
                        errors.push(format!("{at}: {v} is not one of {s}"));
                    }
                }
                "maxLength" => {
                    if v.as_str()
                        .is_some_and(|t| t.chars().count() as u64 > s.as_u64().unwrap())
                    {
                        errors.push(format!("{at}: longer than {s}"));
                    }
                }
                "format" => {
                    if let Some(t) = v.as_str() {
                        let ok = match s.as_str().unwrap() {
                            "date-time" => t.parse::<jiff::Timestamp>().is_ok(),
                            "uri" => t.starts_with("http://") || t.starts_with("https://"),
                            "uid" => !t.is_empty(),
                            f => panic!("format {f}"),
                        };
                        if !ok {
                            errors.push(format!("{at}: {t} is not a {s}"));
                        }
                    }
                }
                "required" => {
                    for field in s.as_array().unwrap() {
                        let field = field.as_str().unwrap();
                        if v.as_object().is_some_and(|o| !o.contains_key(field)) {
                            errors.push(format!("{at}: {field} is missing"));
                        }
                    }
                }
                "properties" => {
                    if let Some(o) = v.as_object() {
                        for (field, fs) in s.as_object().unwrap() {
                            if let Some(fv) = o.get(field) {
                                self.check(fs, fv, &format!("{at}.{field}"), errors);
                            }
                        }
                    }
                }
                "items" => {
                    if let Some(items) = v.as_array() {
                        for (i, item) in items.iter().enumerate() {
                            self.check(s, item, &format!("{at}[{i}]"), errors);
                        }
                    }
                }
                "anyOf" => {
                    let fits = s.as_array().unwrap().iter().any(|alt| {
                        let mut e = Vec::new();
                        self.check(alt, v, at, &mut e);
                        e.is_empty()
                    });
                    if !fits {
                        errors.push(format!("{at}: {v} fits none of {s}"));
                    }
                }
                other => panic!("the schema uses {other}, which this check does not know"),
            }
        }
    }

    /// `v` validates against the schema in `file` (or a Swagger definition: `#Name`).
    fn assert_valid(&self, file: &str, v: &Value) {
        let schema = match file.strip_prefix('#') {
            Some(def) => self.definition(def),
            None => self.load(file),
        };
        let mut errors = Vec::new();
        self.check(&schema, v, "$", &mut errors);
        assert!(errors.is_empty(), "{file}: {errors:#?}\n{v:#}");
    }
}

/// An XML answer is well-formed and has this root.
fn assert_xml(body: &str, root: &str) {
    assert!(body.starts_with("<?xml"), "{body}");
    let mut reader = quick_xml::Reader::from_str(body);
    let mut first = None;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(e)) => {
                first
                    .get_or_insert_with(|| String::from_utf8_lossy(e.name().as_ref()).into_owned());
            }
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("{e}: {body}"),
        }
    }
    assert_eq!(first.as_deref(), Some(root), "{body}");
}

async fn get(app: &TestApp, path: &str) -> (StatusCode, String) {
    let r = app.anonymous().api(Method::GET, path, None).await;
    (r.status, r.body)
}

async fn get_json(app: &TestApp, s: &Schemas, path: &str, schema: &str) -> Value {
    let (status, body) = get(app, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    s.assert_valid(schema, &v);
    let (status, xml) = get(app, &path.replacen(".json", ".xml", 1)).await;
    assert_eq!(status, StatusCode::OK, "{path} as XML: {xml}");
    let root = match schema {
        "services.json" => "services",
        "service-definition.json" => "service_definition",
        _ => "service_requests",
    };
    assert_xml(&xml, root);
    v
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| r["service_request_id"].as_str().unwrap().to_string())
        .collect()
}

mod reads_validate_and_show_only_the_public {
    use super::*;

    async fn run(backend: Backend) {
        let Some(dir) = schema_dir() else { return };
        let s = Schemas { dir };
        let Some(app) = TestApp::new(backend).await else {
            return;
        };

        let (status, body) = get(&app, "/open311/v2/discovery.json").await;
        assert_eq!(status, StatusCode::OK);
        let d: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
        assert_eq!(
            d["endpoints"][0]["specification"],
            "http://wiki.open311.org/GeoReport_v2"
        );
        assert_xml(&get(&app, "/open311/v2/discovery.xml").await.1, "discovery");

        let services = get_json(&app, &s, "/open311/v2/services.json", "services.json").await;
        assert!(services
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["service_code"] == "dat-dai"));
        get_json(
            &app,
            &s,
            "/open311/v2/services/dat-dai.json",
            "service-definition.json",
        )
        .await;
        let (status, body) = get(&app, "/open311/v2/services/khong-co.json").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let e: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body:?}"));
        assert_eq!(e[0]["code"], 404);

        // Every public petition since 2020, in pages; the hidden one never.
        let all = get_json(
            &app,
            &s,
            "/open311/v2/requests.json?start_date=2020-01-01&page_size=200",
            "requests.json",
        )
        .await;
        let public = app
            .anonymous()
            .api(Method::GET, "/api/v1/petitions?limit=500", None)
            .await
            .json();
        let mut want: Vec<String> = public["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].to_string())
            .collect();
        let mut got = ids(&all);
        want.sort();
        got.sort();
        assert_eq!(got, want);
        let hidden = app
            .store
            .create_petition(
                dondoc_store::Who::default(),
                &dondoc_domain::input::NewPetition {
                    title: "Kiến nghị nội bộ".into(),
                    text: "Kiến nghị nội bộ chưa công khai".into(),
                    category: Some("Đất đai".into()),
                    area_unit_id: Some(app.unit_id("Phường Hà Lầm").await),
                    raised_by: None,
                    channel: Default::default(),
                    responsible_unit_id: None,
                    coordinating_unit_ids: vec![],
                    due_on: None,
                    session_id: None,
                    raised_on: crate::support::TODAY,
                },
            )
            .await
            .unwrap()
            .petition
            .id;
        let (status, _) = get(&app, &format!("/open311/v2/requests/{hidden}.json")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let v = get_json(
            &app,
            &s,
            "/open311/v2/requests.json?start_date=2020-01-01&page_size=200",
            "requests.json",
        )
        .await;
        assert!(!ids(&v).contains(&hidden.to_string()));
        let v = get_json(
            &app,
            &s,
            &format!("/open311/v2/requests.json?service_request_id={hidden}"),
            "requests.json",
        )
        .await;
        assert_eq!(v, json!([]));

        // The spec's filters.
        let land = get_json(
            &app,
            &s,
            "/open311/v2/requests.json?start_date=2020-01-01&service_code=dat-dai",
            "requests.json",
        )
        .await;
        assert!(!land.as_array().unwrap().is_empty());
        assert!(land
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["service_code"] == "dat-dai"));
        for status in ["open", "closed"] {
            let v = get_json(
                &app,
                &s,
                &format!("/open311/v2/requests.json?start_date=2020-01-01&status={status}"),
                "requests.json",
            )
            .await;
            assert!(
                v.as_array().unwrap().iter().all(|r| r["status"] == status),
                "{v}"
            );
        }
        let two = format!("{},{}", got[0], got[1]);
        let v = get_json(
            &app,
            &s,
            &format!("/open311/v2/requests.json?service_request_id={two}"),
            "requests.json",
        )
        .await;
        assert_eq!(ids(&v).len(), 2);
        let v = get_json(
            &app,
            &s,
            "/open311/v2/requests.json?start_date=2020-08-01&end_date=2020-08-31",
            "requests.json",
        )
        .await;
        assert!(v
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["requested_datetime"].as_str().unwrap() <= "2020-08-31T23"));
        let v = get_json(
            &app,
            &s,
            "/open311/v2/requests.json?start_date=2020-01-01&page_size=2&page=2",
            "requests.json",
        )
        .await;
        assert_eq!(ids(&v).len(), 2);
        let one = get_json(
            &app,
            &s,
            &format!("/open311/v2/requests/{}.json", got[0]),
            "requests.json",
        )
        .await;
        assert_eq!(ids(&one), vec![got[0].clone()]);

        // Bad parameters: 400 with the spec's error list, never a 500.
        for q in [
            "status=maybe",
            "start_date=hom-qua",
            "page_size=100000",
            "service_code=khong-co",
            "service_request_id=1,x",
            "page=abc",
            "start_date=2020-02-01&end_date=2020-01-01",
        ] {
            let (status, body) = get(&app, &format!("/open311/v2/requests.json?{q}")).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{q}: {body}");
            let e: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(e[0]["code"], 400, "{q}");
            let (status, xml) = get(&app, &format!("/open311/v2/requests.xml?{q}")).await;
            assert_eq!(status, StatusCode::BAD_REQUEST);
            assert_xml(&xml, "errors");
        }
        for path in [
            "/open311/v2/requests/abc.json",
            "/open311/v2/nothing.json",
            "/open311/v2/requests.html",
        ] {
            assert_eq!(get(&app, path).await.0, StatusCode::NOT_FOUND, "{path}");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        run(Backend::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        run(Backend::Postgres).await
    }
}

#[test]
fn the_schema_check_refuses_what_the_spec_refuses() {
    let Some(dir) = schema_dir() else { return };
    let s = Schemas { dir };
    let schema = s.load("requests.json");
    let good = json!([{ "service_request_id": "1", "status": "open", "service_code": "khac", "requested_datetime": "2026-11-26T00:00:00+07:00" }]);
    // (answer, how many problems)
    let table = [
        (good.clone(), 0),
        (
            json!([{ "service_request_id": "1", "service_code": "khac", "requested_datetime": "2026-11-26T00:00:00+07:00" }]),
            1,
        ),
        (
            json!([{ "service_request_id": 1, "status": "open", "service_code": "khac", "requested_datetime": "2026-11-26T00:00:00+07:00" }]),
            1,
        ),
        (
            json!([{ "service_request_id": "1", "status": "pending", "service_code": "khac", "requested_datetime": "2026-11-26" }]),
            2,
        ),
        (
            json!([{ "service_request_id": "1", "status": "open", "service_code": "khac", "requested_datetime": "2026-11-26T00:00:00+07:00", "lat": "21.0" }]),
            1,
        ),
    ];
    for (answer, problems) in table {
        let mut errors = Vec::new();
        s.check(&schema, &answer, "$", &mut errors);
        assert_eq!(errors.len(), problems, "{answer}: {errors:?}");
    }
}

mod a_client_with_a_key_posts_a_request {
    use super::*;

    async fn run(backend: Backend) {
        let Some(dir) = schema_dir() else { return };
        let s = Schemas { dir };
        let Some(app) = TestApp::new(backend).await else {
            return;
        };
        let ward = app.unit_id("Phường Hà Lầm").await.to_string();
        let admin = app.token("quantri", "quantri-demo").await;
        let r = admin
            .post_json(
                "/api/v1/open311-clients",
                json!({ "name": "Ứng dụng phản ánh" }),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let key = r.json()["api_key"].as_str().unwrap().to_string();
        let client = r.json()["id"].as_i64().unwrap();
        assert!(!admin
            .api(Method::GET, "/api/v1/open311-clients", None)
            .await
            .body
            .contains(&key));

        let post = |fields: Vec<(&'static str, String)>, ext: &'static str| {
            let app = &app;
            async move {
                let body = serde_urlencoded::to_string(&fields).unwrap();
                app.anonymous()
                    .api_raw(
                        Method::POST,
                        &format!("/open311/v2/requests.{ext}"),
                        "application/x-www-form-urlencoded",
                        body.into_bytes(),
                    )
                    .await
            }
        };
        let fields = |key: &str| {
            vec![
                ("api_key", key.to_string()),
                ("service_code", "moi-truong".to_string()),
                (
                    "description",
                    "Rác thải tập kết sai quy định ở đầu ngõ 15 khu 4".to_string(),
                ),
                ("address_id", ward.clone()),
                ("lat", "20.97".to_string()),
                ("long", "107.08".to_string()),
            ]
        };
        // No key, a wrong key, a field missing: the spec's error list, nothing kept.
        let r = post(fields("").into_iter().skip(1).collect(), "json").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
        assert_eq!(r.json()[0]["code"], 401);
        let r = post(fields("o311_sai"), "json").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        let mut no_text = fields(&key);
        no_text.retain(|(k, _)| *k != "description");
        let r = post(no_text, "json").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert!(
            r.json()[0]["description"]
                .as_str()
                .unwrap()
                .starts_with("description"),
            "{}",
            r.body
        );

        // Sent: a token to follow it; it waits for staff, so it is no request yet.
        let r = post(fields(&key), "json").await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let v = r.json();
        s.assert_valid("#RequestResponse", &v[0]);
        let token = v[0]["token"].as_str().unwrap().to_string();
        let t = get_json_plain(&app, &format!("/open311/v2/tokens/{token}.json")).await;
        assert!(t[0].get("service_request_id").is_none(), "{t}");
        s.assert_valid("#TokenResponse", &t[0]);

        let leader = app.token("lanhdao", "lanhdao-demo").await;
        let queue = leader
            .api(Method::GET, "/api/v1/submissions", None)
            .await
            .json();
        let item = queue["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["code"] == token.as_str())
            .cloned()
            .unwrap();
        assert_eq!(item["source"], "open311");
        let r = leader
            .post_json(
                &format!("/api/v1/submissions/{}/accept", item["id"]),
                json!({ "version": item["version"] }),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let t = get_json_plain(&app, &format!("/open311/v2/tokens/{token}.json")).await;
        let id = t[0]["service_request_id"].as_str().unwrap().to_string();
        let one = get_json(
            &app,
            &s,
            &format!("/open311/v2/requests/{id}.json"),
            "requests.json",
        )
        .await;
        assert_eq!(one[0]["service_code"], "moi-truong");
        assert_eq!(one[0]["status"], "open");

        // In XML too; a revoked key sends no more.
        let mut again = fields(&key);
        again[2].1 = "Đường ống nước sạch bị vỡ trước số nhà 20 tổ 5".into();
        let r = post(again.clone(), "xml").await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_xml(&r.body, "service_requests");
        let r = admin
            .api(
                Method::DELETE,
                &format!("/api/v1/open311-clients/{client}"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let r = post(again, "json").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        assert!(app
            .store
            .stale_petition_counts(10)
            .await
            .unwrap()
            .is_empty());
    }

    async fn get_json_plain(app: &TestApp, path: &str) -> Value {
        let (status, body) = get(app, path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        serde_json::from_str(&body).unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        run(Backend::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        run(Backend::Postgres).await
    }
}
