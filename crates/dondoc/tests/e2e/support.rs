//! The test application: a fresh database on either backend, the demo loaded at a fixed
//! "today", and clients that log in like a browser (cookie + CSRF token) or call the API with
//! a bearer token. Requests go in-process through the router (`oneshot`).

#![allow(dead_code)]

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use dondoc_domain::Visibility;
use dondoc_store::{Backend, Store};
use dondoc_testing::TestDb;
use dondoc_web::{AppState, WebConfig};
use http_body_util::BodyExt;
use jiff::civil::{date, Date};
use tower::ServiceExt;

/// The demo's relative dates ("today-16") and the app's "today" both use this day.
pub const TODAY: Date = date(2026, 11, 26);

pub struct TestApp {
    pub db: TestDb,
    pub store: Store,
    pub app: Router,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    /// The body as it came (a file, say).
    pub bytes: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub fn location(&self) -> String {
        self.headers
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    }
}

impl TestApp {
    pub async fn new(backend: Backend) -> Option<TestApp> {
        Self::with_config(backend, WebConfig::default()).await
    }

    /// The demo served with `config` (its "today" fixed).
    pub async fn with_config(backend: Backend, config: WebConfig) -> Option<TestApp> {
        let db = TestDb::new(backend).await?;
        let store = db.store().await;
        dondoc::demo::load_at(&store, TODAY)
            .await
            .expect("demo loads");
        let app = dondoc_web::router(AppState::new(
            store.clone(),
            WebConfig {
                today: Some(TODAY),
                ..config
            },
        ));
        Some(TestApp { db, store, app })
    }

    /// A database with no demo: a ward and its units, the city's project board, and one clerk
    /// of the ward ("thuky" / "thuky-mat-khau").
    pub async fn empty(backend: Backend) -> Option<TestApp> {
        use dondoc_domain::input::NewUnit;
        use dondoc_domain::{Role, UnitKind};
        let db = TestDb::new(backend).await?;
        let store = db.store().await;
        let who = dondoc_store::Who::default();
        let unit = |parent_id, kind, name: &str, short: Option<&str>| NewUnit {
            parent_id,
            kind,
            name: name.into(),
            short_name: short.map(Into::into),
        };
        let city = store
            .create_unit(who, &unit(None, UnitKind::Other, "Thành phố Hạ Long", None))
            .await
            .unwrap();
        let ward = store
            .create_unit(
                who,
                &unit(Some(city.id), UnitKind::Other, "Phường Hà Lầm", None),
            )
            .await
            .unwrap();
        for (kind, name, short) in [
            (UnitKind::PartyCommittee, "Đảng ủy phường Hà Lầm", None),
            (
                UnitKind::ResidentialArea,
                "Khu 2, phường Hà Lầm",
                Some("khu 2"),
            ),
            (
                UnitKind::ResidentialArea,
                "Khu 6, phường Hà Lầm",
                Some("khu 6"),
            ),
        ] {
            store
                .create_unit(who, &unit(Some(ward.id), kind, name, short))
                .await
                .unwrap();
        }
        store
            .create_unit(
                who,
                &unit(
                    Some(city.id),
                    UnitKind::ProjectBoard,
                    "Ban quản lý dự án đầu tư xây dựng các dự án thành phố",
                    None,
                ),
            )
            .await
            .unwrap();
        let hash = dondoc_app::users::hash_password("thuky-mat-khau").unwrap();
        store
            .create_user(
                who,
                "thuky",
                "Thư ký phường",
                &hash,
                Role::Clerk,
                Some(ward.id),
                None,
            )
            .await
            .unwrap();
        let app = dondoc_web::router(AppState::new(
            store.clone(),
            WebConfig {
                today: Some(TODAY),
                ..Default::default()
            },
        ));
        Some(TestApp { db, store, app })
    }

    /// The same database served by an app that mails at once through `smtp_url` (links under
    /// `http://dondoc.test`).
    pub fn mailing(self, smtp_url: &str) -> TestApp {
        let mut state = AppState::new(
            self.store.clone(),
            WebConfig {
                today: Some(TODAY),
                ..Default::default()
            },
        );
        let mailer =
            dondoc_app::mail::Mailer::new(smtp_url, "dondoc@dondoc.test", "http://dondoc.test")
                .expect("mailer");
        state.app = state.app.clone().with_mailer(Some(mailer));
        TestApp {
            app: dondoc_web::router(state),
            ..self
        }
    }

    pub async fn send(&self, req: Request<Body>) -> Resp {
        let resp = self.app.clone().oneshot(req).await.expect("router answers");
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        Resp {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }

    pub fn anonymous(&self) -> Client<'_> {
        Client {
            app: self,
            cookie: None,
            form_cookie: None,
            csrf: None,
            token: None,
            lang: None,
        }
    }

    /// Logs in through the login form, as a browser would.
    pub async fn login(&self, login: &str, password: &str) -> Client<'_> {
        let mut c = self.anonymous();
        let page = c.get("/login").await;
        assert_eq!(page.status, StatusCode::OK);
        c.csrf = Some(csrf_of(&page.body));
        let r = c
            .post_form(
                "/login",
                &[("login", login), ("password", password), ("next", "/")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "login {login}: {}", r.body);
        // Signing in renews the form token: take the new one, as the browser would.
        let home = c.get("/").await;
        c.csrf = Some(csrf_of(&home.body));
        c
    }

    /// A client holding an API token of this user.
    pub async fn token(&self, login: &str, password: &str) -> Client<'_> {
        let c = self.anonymous();
        let r = c
            .api(
                Method::POST,
                "/api/v1/tokens",
                Some(serde_json::json!({ "login": login, "password": password })),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        Client {
            token: Some(r.json()["token"].as_str().unwrap().to_string()),
            ..c
        }
    }

    pub async fn unit_id(&self, name: &str) -> i64 {
        self.store
            .unit_by_name(name)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no unit {name}"))
            .id
    }

    pub async fn session_id(&self, title_starts: &str) -> i64 {
        let all = self
            .store
            .sessions(&Default::default(), &Visibility::All)
            .await
            .unwrap();
        all.items
            .iter()
            .find(|s| s.session.title.starts_with(title_starts))
            .unwrap_or_else(|| panic!("no session {title_starts}"))
            .session
            .id
    }

    pub async fn petition_id(&self, text: &str) -> i64 {
        let all = self
            .store
            .petitions(
                &dondoc_store::PetitionFilter {
                    limit: Some(500),
                    ..Default::default()
                },
                &Visibility::All,
            )
            .await
            .unwrap();
        all.items
            .iter()
            .find(|p| p.petition.text == text)
            .unwrap_or_else(|| panic!("no petition {text}"))
            .petition
            .id
    }

    pub async fn directive_id(&self, text_starts: &str) -> i64 {
        let all = self
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
            .unwrap();
        all.items
            .iter()
            .find(|d| d.directive.text.starts_with(text_starts))
            .unwrap_or_else(|| panic!("no directive {text_starts}"))
            .directive
            .id
    }
}

pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker).expect("a form with a CSRF token") + marker.len();
    html[start..start + 64].to_string()
}

fn set_cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap().to_string())
}

#[derive(Clone)]
pub struct Client<'a> {
    pub app: &'a TestApp,
    pub cookie: Option<String>,
    /// The form cookie, which holds the form token of someone not signed in.
    pub form_cookie: Option<String>,
    pub csrf: Option<String>,
    pub token: Option<String>,
    pub lang: Option<&'static str>,
}

impl Client<'_> {
    fn builder(&self, method: Method, path: &str) -> axum::http::request::Builder {
        let mut b = Request::builder().method(method).uri(path);
        let mut cookies = Vec::new();
        if let Some(c) = &self.cookie {
            cookies.push(c.clone());
        }
        if let Some(c) = &self.form_cookie {
            cookies.push(c.clone());
        }
        if let Some(l) = self.lang {
            cookies.push(format!("lang={l}"));
        }
        if !cookies.is_empty() {
            b = b.header(header::COOKIE, cookies.join("; "));
        }
        if let Some(t) = &self.token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        b
    }

    async fn keep_cookie(&mut self, r: &Resp) {
        if let Some(c) = set_cookie(&r.headers, "dondoc_session") {
            self.cookie = Some(c);
        }
        if let Some(c) = set_cookie(&r.headers, "dondoc_form") {
            self.form_cookie = Some(c);
        }
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        let r = self
            .app
            .send(self.builder(Method::GET, path).body(Body::empty()).unwrap())
            .await;
        self.keep_cookie(&r).await;
        r
    }

    /// Posts a form with the CSRF token, as the page's form would.
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        let csrf = self.csrf.clone().unwrap_or_default();
        all.push(("_csrf", &csrf));
        let body = serde_urlencoded::to_string(&all).unwrap();
        self.post_raw(path, "application/x-www-form-urlencoded", body.into_bytes())
            .await
    }

    pub async fn post_raw(&mut self, path: &str, content_type: &str, body: Vec<u8>) -> Resp {
        let req = self
            .builder(Method::POST, path)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap();
        let r = self.app.send(req).await;
        self.keep_cookie(&r).await;
        r
    }

    /// An API call: JSON in and out, the bearer token if the client has one.
    pub async fn api(&self, method: Method, path: &str, body: Option<serde_json::Value>) -> Resp {
        let mut b = self.builder(method, path);
        let body = match body {
            Some(v) => {
                b = b.header(header::CONTENT_TYPE, "application/json");
                Body::from(serde_json::to_vec(&v).unwrap())
            }
            None => Body::empty(),
        };
        self.app.send(b.body(body).unwrap()).await
    }

    /// POST a JSON body to an API path.
    pub async fn post_json(&self, path: &str, body: serde_json::Value) -> Resp {
        self.api(Method::POST, path, Some(body)).await
    }

    pub async fn api_raw(
        &self,
        method: Method,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Resp {
        let b = self
            .builder(method, path)
            .header(header::CONTENT_TYPE, content_type);
        self.app.send(b.body(Body::from(body)).unwrap()).await
    }
}

/// Runs `$body` with a `TestApp` on SQLite and on PostgreSQL (`<name>::sqlite`, `<name>::postgres`).
#[macro_export]
macro_rules! app_test {
    ($name:ident, |$app:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $app = $crate::support::TestApp::new(dondoc_store::Backend::Sqlite)
                    .await
                    .expect("sqlite");
                $body.await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some($app) =
                    $crate::support::TestApp::new(dondoc_store::Backend::Postgres).await
                else {
                    return;
                };
                $body.await
            }
        }
    };
}

/// The fields a browser would send for the first form whose action is `action`: inputs with
/// their values (checkboxes only when checked), textareas, and the selected option of selects.
/// Written for the app's own markup: attributes double-quoted, values HTML-escaped.
pub fn form_fields(html: &str, action: &str) -> Vec<(String, String)> {
    let start = html
        .find(&format!("action=\"{action}\""))
        .unwrap_or_else(|| panic!("no form posting to {action}"));
    let form = &html[start..start + html[start..].find("</form>").expect("form ends")];
    let attr = |tag: &str, name: &str| -> Option<String> {
        let marker = format!(" {name}=\"");
        let at = tag.find(&marker)? + marker.len();
        Some(unescape(&tag[at..at + tag[at..].find('"')?]))
    };
    let mut out = Vec::new();
    let mut rest = form;
    while let Some(open) = rest.find('<') {
        rest = &rest[open..];
        let end = rest.find('>').expect("tag ends");
        let tag = &rest[..end];
        if tag.starts_with("<input ") {
            let kind = attr(tag, "type").unwrap_or_default();
            if let Some(name) = attr(tag, "name") {
                if kind == "checkbox" {
                    if tag.contains(" checked") {
                        out.push((name, "on".into()));
                    }
                } else if kind == "radio" {
                    if tag.contains(" checked") {
                        out.push((name, attr(tag, "value").unwrap_or_default()));
                    }
                } else if kind != "file" && kind != "submit" {
                    out.push((name, attr(tag, "value").unwrap_or_default()));
                }
            }
        } else if tag.starts_with("<textarea ") {
            let close = rest.find("</textarea>").expect("textarea ends");
            out.push((attr(tag, "name").unwrap(), unescape(&rest[end + 1..close])));
        } else if tag.starts_with("<select ") {
            let close = rest.find("</select>").expect("select ends");
            let options = &rest[end..close];
            let chosen = options
                .split("<option ")
                .skip(1)
                .find(|o| o.contains(" selected"))
                .or_else(|| options.split("<option ").nth(1))
                .and_then(|o| attr(&format!(" {o}"), "value"))
                .unwrap_or_default();
            out.push((attr(tag, "name").unwrap(), chosen));
        }
        rest = &rest[end..];
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// The text of a Word document's body (`word/document.xml`), one line a paragraph, or `None`
/// when `bytes` is no .docx.
pub fn docx_text(bytes: &[u8]) -> Option<String> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .ok()?
        .read_to_string(&mut xml)
        .ok()?;
    let mut text = String::new();
    let mut in_tag = false;
    for (i, c) in xml.char_indices() {
        match c {
            '<' => {
                in_tag = true;
                if xml[i..].starts_with("</w:p>") {
                    text.push('\n');
                }
            }
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    Some(unescape(&text).replace("&apos;", "'"))
}

/// A file upload as the page's form sends it: the form token first (`_csrf`, as the form's
/// first field), then the file under `field`.
pub fn upload(csrf: &str, field: &str, file_name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "dondoc-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A JPEG photo whose EXIF segment holds a GPS position.
pub fn photo_with_gps(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 200) as u8, 120, (y % 200) as u8])
    });
    let mut plain = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
            &mut plain, 90,
        ))
        .unwrap();
    let mut payload = b"Exif\0\0II*\0\x08\0\0\0".to_vec();
    payload.extend_from_slice(b"GPSLatitude 20.9525 N GPSLongitude 107.0811 E");
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&plain[2..]);
    out
}
