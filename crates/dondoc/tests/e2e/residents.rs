//! A resident sends a petition, follows it by its code, and staff moderate it: the form's
//! human check, a similar petition offered first ("add your voice"), the photo checked by its
//! bytes, the limit per address, the tracking page, and what an accepted or rejected
//! submission makes public. The app's clock is a manual one, moved past the form's wait.

use crate::support::{Client, Resp, TestApp};
use axum::http::{Method, StatusCode};
use dondoc_app::Clock;
use dondoc_domain::resident::challenge;
use dondoc_store::Backend;
use dondoc_web::WebConfig;

const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

/// The demo on `backend`, served with a manual clock (returned to move it).
pub async fn app_with_clock(backend: Backend) -> Option<(TestApp, Clock)> {
    let clock = Clock::manual(jiff::Timestamp::from_second(1_790_000_000).unwrap());
    let app = TestApp::with_config(
        backend,
        WebConfig {
            clock: clock.clone(),
            ..Default::default()
        },
    )
    .await?;
    Some((app, clock))
}

pub fn later(clock: &Clock, secs: i64) {
    clock.set(clock.now() + jiff::SignedDuration::from_secs(secs));
}

/// `name="x" value="…"` of the first input named `name` in `html`.
fn value_of(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {html}"))
        + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

/// A multipart body with the form token first, the fields, and a photo when given.
fn multipart(csrf: &str, fields: &[(&str, &str)], photo: Option<&[u8]>) -> (String, Vec<u8>) {
    let b = "dondoc-resident-boundary";
    let mut body = Vec::new();
    let mut part = |name: &str, value: &[u8], file: bool| {
        let file = if file {
            "; filename=\"anh.png\"\r\nContent-Type: image/png"
        } else {
            ""
        };
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"{name}\"{file}\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(value);
        body.extend_from_slice(b"\r\n");
    };
    part("_csrf", csrf.as_bytes(), false);
    for (k, v) in fields {
        part(k, v.as_bytes(), false);
    }
    if let Some(p) = photo {
        part("photo", p, true);
    }
    body.extend_from_slice(format!("--{b}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={b}"), body)
}

/// Opens the form, waits `wait` seconds, and sends it with `fields` (the right answer unless
/// an `answer` is given).
async fn send_form(
    c: &mut Client<'_>,
    clock: &Clock,
    wait: i64,
    fields: &[(&str, &str)],
    photo: Option<&[u8]>,
) -> Resp {
    let form = c.get("/kien-nghi/gui").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let csrf = value_of(&form.body, "_csrf");
    let token = value_of(&form.body, "challenge");
    let (a, b) = challenge::terms(challenge::nonce_of(&token).unwrap());
    let right = (a + b).to_string();
    let mut all: Vec<(&str, &str)> = vec![("challenge", &token)];
    for (k, v) in [("answer", right.as_str()), ("website", "")] {
        if !fields.iter().any(|(f, _)| *f == k) {
            all.push((k, v));
        }
    }
    all.extend_from_slice(fields);
    later(clock, wait);
    let (ct, body) = multipart(&csrf, &all, photo);
    c.post_raw("/kien-nghi/gui", &ct, body).await
}

async fn ward(app: &TestApp) -> String {
    app.unit_id("Phường Hà Lầm").await.to_string()
}

/// How many submissions wait for moderation (as a leader sees the queue).
async fn submissions(app: &TestApp) -> i64 {
    let leader = app.token("lanhdao", "lanhdao-demo").await;
    let r = leader.api(Method::GET, "/api/v1/submissions", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()["total"].as_i64().unwrap()
}

/// The code a successful submission was sent on to.
fn code_of(r: &Resp) -> String {
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let loc = r.location();
    let code = loc
        .strip_prefix("/kien-nghi/theo-doi/")
        .and_then(|l| l.strip_suffix("?saved=1"))
        .unwrap_or_else(|| panic!("{loc}"));
    assert_eq!(code.len(), 10);
    code.to_string()
}

mod submit_follow_and_moderate {
    use super::*;

    async fn run(backend: Backend) {
        let Some((app, clock)) = app_with_clock(backend).await else {
            return;
        };
        let ward = ward(&app).await;
        let text = "Đèn chiếu sáng ngõ 12 tổ 3 hỏng đã hai tháng, đề nghị sửa chữa sớm";
        let mut resident = app.anonymous();
        let r = send_form(
            &mut resident,
            &clock,
            5,
            &[
                ("text", text),
                ("ward_unit_id", &ward),
                ("category", "ha-tang"),
                ("email", "dan@example.vn"),
            ],
            Some(&crate::support::photo_with_gps(1200, 900)),
        )
        .await;
        let code = code_of(&r);

        // The tracking page, by the code as typed in any case, with dashes.
        let page = resident
            .get(&format!("/kien-nghi/theo-doi/{code}?saved=1"))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains(&code) && page.body.contains("Đang chờ xem xét"),
            "{}",
            page.body
        );
        assert!(
            !page.body.contains("dan@example.vn"),
            "the address is not shown"
        );
        let typed = format!("{}-{}", code[..5].to_lowercase(), &code[5..]);
        let r = resident
            .get(&format!("/kien-nghi/theo-doi?code={typed}"))
            .await;
        assert_eq!(r.location(), format!("/kien-nghi/theo-doi/{code}"));
        let photo = resident
            .get(&format!("/kien-nghi/theo-doi/{code}/anh"))
            .await;
        assert_eq!(photo.status, StatusCode::OK);
        // Kept as its pixels re-encoded: where the phone took it is not.
        assert_eq!(photo.headers["content-type"], "image/jpeg");
        assert!(
            !photo.bytes.windows(3).any(|w| w == b"GPS"),
            "the photo's GPS position is kept"
        );
        assert_eq!(image::load_from_memory(&photo.bytes).unwrap().width(), 1200);
        assert_eq!(
            resident.get("/kien-nghi/theo-doi/AAAAAAAAAA").await.status,
            StatusCode::NOT_FOUND
        );

        // Waiting: no visitor sees it as a petition.
        let list = app
            .anonymous()
            .api(Method::GET, "/api/v1/petitions?q=ngo%2012%20to%203", None)
            .await;
        assert_eq!(list.json()["total"], 0, "{}", list.body);

        // The officer of another ward's committee does not see it; the ward's clerk does.
        let leader = app.token("lanhdao", "lanhdao-demo").await;
        let queue = leader.api(Method::GET, "/api/v1/submissions", None).await;
        assert_eq!(queue.status, StatusCode::OK, "{}", queue.body);
        let item = queue.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["code"] == code.as_str())
            .cloned()
            .unwrap();
        let id = item["id"].as_i64().unwrap();
        let mut clerk = app.login("vanthu", "vanthu-demo").await;
        let page = clerk.get("/moderation").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(text), "{}", page.body);
        let r = clerk
            .post_form(
                &format!("/moderation/{id}/accept"),
                &[("version", &item["version"].to_string())],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        // Decided once: a second decision is refused.
        let again = leader
            .post_json(
                &format!("/api/v1/submissions/{id}/reject"),
                serde_json::json!({ "version": 2, "reason": "Trùng" }),
            )
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);

        // Accepted: a public petition of the ward, online, on its page and in the lists.
        let s = leader
            .api(Method::GET, &format!("/api/v1/submissions/{id}"), None)
            .await
            .json();
        let petition = s["petition_id"].as_i64().unwrap();
        let mut visitor = app.anonymous();
        let p = visitor.get(&format!("/petitions/{petition}")).await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(p.body.contains("Đèn chiếu sáng ngõ 12"));
        let list = app
            .anonymous()
            .api(Method::GET, "/api/v1/petitions?q=ngo%2012%20to%203", None)
            .await;
        assert_eq!(list.json()["total"], 1, "{}", list.body);
        assert_eq!(list.json()["items"][0]["channel"], "online");
        let page = resident.get(&format!("/kien-nghi/theo-doi/{code}")).await;
        assert!(
            page.body.contains("Đã tiếp nhận")
                && page.body.contains(&format!("/kien-nghi/{petition}"))
        );

        // The same petition again from another resident: offered first, then one more raising.
        let mut second = app.anonymous();
        let alike = "Đèn chiếu sáng ngõ 12 tổ 3 hỏng đã hai tháng, đề nghị sửa chữa";
        let fields = [
            ("text", alike),
            ("ward_unit_id", ward.as_str()),
            ("category", "ha-tang"),
        ];
        let r = send_form(&mut second, &clock, 5, &fields, None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(
            r.body.contains("Thêm ý kiến của bạn")
                && r.body.contains(&format!("value=\"{petition}\"")),
            "{}",
            r.body
        );
        let joined = [
            ("text", alike),
            ("ward_unit_id", ward.as_str()),
            ("category", "ha-tang"),
            ("joins_petition_id", &petition.to_string()),
        ];
        let code2 = code_of(&send_form(&mut second, &clock, 5, &joined, None).await);
        let queue = leader
            .api(Method::GET, "/api/v1/submissions", None)
            .await
            .json();
        let item = queue["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["code"] == code2.as_str())
            .cloned()
            .unwrap();
        assert_eq!(item["joins_petition_id"], petition);
        let r = leader
            .post_json(
                &format!("/api/v1/submissions/{}/accept", item["id"]),
                serde_json::json!({ "version": item["version"] }),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let p = app
            .anonymous()
            .api(Method::GET, &format!("/api/v1/petitions/{petition}"), None)
            .await
            .json();
        assert_eq!(p["petition"]["raised_count"], 2, "{p}");

        // Rejected: the resident reads why; nothing public.
        let mut third = app.anonymous();
        let fields = [
            (
                "text",
                "Đề nghị cho phép bán hàng rong trên vỉa hè đường 25/4",
            ),
            ("ward_unit_id", ward.as_str()),
            ("category", "trat-tu"),
        ];
        let code3 = code_of(&send_form(&mut third, &clock, 5, &fields, None).await);
        let queue = leader
            .api(Method::GET, "/api/v1/submissions", None)
            .await
            .json();
        let item = queue["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["code"] == code3.as_str())
            .cloned()
            .unwrap();
        let url = format!("/api/v1/submissions/{}/reject", item["id"]);
        let r = leader
            .post_json(&url, serde_json::json!({ "version": item["version"] }))
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a reason is required: {}",
            r.body
        );
        let r = leader
            .post_json(&url, serde_json::json!({ "version": item["version"], "reason": "Trái quy định về trật tự đô thị" }))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let page = third.get(&format!("/kien-nghi/theo-doi/{code3}")).await;
        assert!(
            page.body.contains("Không tiếp nhận")
                && page.body.contains("Trái quy định về trật tự đô thị")
        );
        let list = app
            .anonymous()
            .api(Method::GET, "/api/v1/petitions?q=hang%20rong", None)
            .await;
        assert_eq!(list.json()["total"], 0, "{}", list.body);

        assert!(app
            .store
            .stale_petition_counts(10)
            .await
            .unwrap()
            .is_empty());
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

mod bad_submissions_write_nothing {
    use super::*;

    async fn run(backend: Backend) {
        let Some((app, clock)) = app_with_clock(backend).await else {
            return;
        };
        let ward = ward(&app).await;
        let other = app.unit_id("Khu 2, phường Hà Lầm").await.to_string();
        let text = "Cống thoát nước đầu ngõ 7 bị tắc, nước tràn lên đường khi mưa";
        let ok = [
            ("text", text),
            ("ward_unit_id", ward.as_str()),
            ("category", "moi-truong"),
        ];
        let with = |k: &'static str, v: &'static str| {
            let mut f: Vec<(&str, &str)> = ok.iter().filter(|(n, _)| *n != k).cloned().collect();
            f.push((k, v));
            f
        };
        // (fields, wait, photo, message)
        type Case<'a> = (Vec<(&'a str, &'a str)>, i64, Option<&'a [u8]>, &'a str);
        let cases: Vec<Case> = vec![
            (with("answer", "1000"), 5, None, "Câu trả lời chưa đúng"),
            (with("answer", ""), 5, None, "Không được để trống"),
            (
                with("website", "http://spam.example"),
                5,
                None,
                "Câu trả lời chưa đúng",
            ),
            (ok.to_vec(), 1, None, "Biểu mẫu được gửi quá nhanh"),
            (ok.to_vec(), 3 * 3600, None, "Biểu mẫu đã quá hạn"),
            (
                ok.to_vec(),
                5,
                Some(b"<html><script>alert(1)</script>"),
                "không phải là ảnh",
            ),
            // A PNG's first bytes, and no image after them.
            (ok.to_vec(), 5, Some(PNG), "không phải là ảnh"),
            (with("ward_unit_id", ""), 5, None, "Không được để trống"),
            (with("ward_unit_id", "abc"), 5, None, "Không tìm thấy"),
            (with("category", "Hạ tầng"), 5, None, "Giá trị không hợp lệ"),
            (
                with("email", "khong-phai-thu"),
                5,
                None,
                "thư điện tử không hợp lệ",
            ),
            (with("text", "ngắn"), 5, None, "Quá ngắn"),
            (
                with("joins_petition_id", "999999"),
                5,
                None,
                "Không tìm thấy",
            ),
        ];
        let mut c = app.anonymous();
        for (fields, wait, photo, message) in cases {
            let r = send_form(&mut c, &clock, wait, &fields, photo).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{fields:?}: {}",
                r.body
            );
            assert!(
                r.body.contains(message),
                "{fields:?}: {message}: {}",
                r.body
            );
        }
        // A residential area is no ward.
        let r = send_form(
            &mut c,
            &clock,
            5,
            &with("ward_unit_id", Box::leak(other.into_boxed_str())),
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(submissions(&app).await, 0);

        // Anonymous visitors and officers of other units may not moderate.
        let anonymous = app.anonymous();
        assert_eq!(
            anonymous
                .api(Method::GET, "/api/v1/submissions", None)
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            app.anonymous().get("/moderation").await.status,
            StatusCode::SEE_OTHER
        );
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

mod too_many_from_one_address {
    use super::*;

    async fn run(backend: Backend) {
        let Some((app, clock)) = app_with_clock(backend).await else {
            return;
        };
        let ward = ward(&app).await;
        let mut c = app.anonymous();
        let texts = [
            "Vỉa hè đường Nguyễn Văn Cừ bị lấn chiếm làm nơi để xe",
            "Trường mầm non khu 4 thiếu phòng học cho các cháu",
            "Chợ tạm khu 6 gây mất vệ sinh môi trường xung quanh",
            "Tuyến xe buýt số 3 không còn dừng ở điểm gần phường",
            "Cây xanh trên đường 25/4 có nguy cơ đổ khi mưa bão",
            "Nhà văn hóa khu 9 xuống cấp cần được sửa chữa lại",
        ];
        for (i, text) in texts.iter().enumerate() {
            let fields = [
                ("text", *text),
                ("ward_unit_id", ward.as_str()),
                ("category", "khac"),
                ("new_petition", "true"),
            ];
            let r = send_form(&mut c, &clock, 5, &fields, None).await;
            if (i as i64) < dondoc_app::residents::PER_HOUR {
                code_of(&r);
            } else {
                assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
                assert!(
                    r.body.contains("quá nhiều kiến nghị trong một giờ"),
                    "{}",
                    r.body
                );
                assert!(r.headers.contains_key("retry-after"));
            }
        }
        assert_eq!(submissions(&app).await, dondoc_app::residents::PER_HOUR);
        // An hour later the address may send again.
        later(&clock, 3600);
        let fields = [
            ("text", texts[5]),
            ("ward_unit_id", ward.as_str()),
            ("category", "khac"),
            ("new_petition", "true"),
        ];
        code_of(&send_form(&mut c, &clock, 5, &fields, None).await);
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

// A robot guessing the human check's sum (some twenty answers) is stopped after a few
// failures from its address, the right answer included, until the hour is out.
mod guesses_at_the_human_check_are_counted {
    use super::*;

    async fn run(backend: Backend) {
        let Some((app, clock)) = app_with_clock(backend).await else {
            return;
        };
        let ward = ward(&app).await;
        let mut c = app.anonymous();
        let fields = |answer: &'static str| {
            vec![
                (
                    "text",
                    "Vỉa hè đường Nguyễn Văn Cừ bị lấn chiếm làm nơi để xe",
                ),
                ("ward_unit_id", ward.as_str()),
                ("category", "khac"),
                ("new_petition", "true"),
                ("answer", answer),
            ]
        };
        for _ in 0..dondoc_app::residents::HUMAN_FAILURES_PER_HOUR {
            let r = send_form(&mut c, &clock, 5, &fields("1000"), None).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        }
        // The right answer now: refused all the same.
        let mut right = fields("");
        right.pop();
        let r = send_form(&mut c, &clock, 5, &right, None).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
        assert!(r.headers.contains_key("retry-after"));
        assert_eq!(submissions(&app).await, 0);
        // An hour later the address may send again.
        later(&clock, 3601);
        code_of(&send_form(&mut c, &clock, 5, &right, None).await);
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

mod residents_hear_of_their_petition_by_mail_once {
    use super::*;
    use dondoc_app::jobs::Scheduler;
    use dondoc_testing::smtp::SmtpServer;

    async fn run(backend: Backend) {
        let Some((app, clock)) = app_with_clock(backend).await else {
            return;
        };
        let smtp = SmtpServer::start().await;
        let node = |name: &str| {
            let mailer = dondoc_app::mail::Mailer::new(
                &smtp.url(),
                "dondoc <dondoc@halam.vn>",
                "https://dondoc.halam.vn",
            )
            .unwrap();
            let jobs = dondoc_app::App::new(app.store.clone(), None)
                .with_clock(clock.clone())
                .with_mail(true);
            Scheduler::new(
                jobs,
                Some(mailer),
                name.into(),
                std::time::Duration::from_secs(15),
            )
        };
        let (a, b) = (node("node-a"), node("node-b"));
        let ward = ward(&app).await;
        let mut resident = app.anonymous();
        let fields = [
            (
                "text",
                "Hố ga trước nhà số 8 tổ 2 mất nắp, nguy hiểm cho người đi đường",
            ),
            ("ward_unit_id", ward.as_str()),
            ("category", "ha-tang"),
            ("email", "dan@example.vn"),
        ];
        let code = code_of(&send_form(&mut resident, &clock, 5, &fields, None).await);
        // Nothing to tell while it waits.
        a.pass().await;
        assert!(smtp.received().is_empty());

        let leader = app.token("lanhdao", "lanhdao-demo").await;
        let queue = leader
            .api(Method::GET, "/api/v1/submissions", None)
            .await
            .json();
        let item = queue["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["code"] == code.as_str())
            .cloned()
            .unwrap();
        let r = leader
            .post_json(
                &format!("/api/v1/submissions/{}/accept", item["id"]),
                serde_json::json!({ "version": item["version"] }),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let petition = r.json()["petition_id"].as_i64().unwrap();
        later(&clock, 120);
        // Two nodes at once: one mail.
        let (_, _) = tokio::join!(a.pass(), b.pass());
        let mail = smtp.received();
        assert_eq!(mail.len(), 1);
        assert_eq!(
            mail[0]
                .header("To")
                .as_deref()
                .map(|t| t.contains("dan@example.vn")),
            Some(true)
        );
        assert!(mail[0].decoded_header("Subject").unwrap().contains(&code));
        let body = mail[0].body();
        assert!(
            body.contains("đã được tiếp nhận")
                && body.contains(&format!(
                    "https://dondoc.halam.vn/kien-nghi/theo-doi/{code}"
                )),
            "{body}"
        );

        // The petition moves: the resident is told again, once.
        let admin = app.token("quantri", "quantri-demo").await;
        let p = admin
            .api(Method::GET, &format!("/api/v1/petitions/{petition}"), None)
            .await
            .json();
        let r = admin
            .post_json(
                &format!("/api/v1/petitions/{petition}/transitions"),
                serde_json::json!({ "action": "assign", "responsible_unit_id": app.unit_id("UBND phường Hà Lầm").await, "version": p["petition"]["version"] }),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        for _ in 0..2 {
            later(&clock, 120);
            a.pass().await;
            b.pass().await;
        }
        let mail = smtp.received();
        assert_eq!(
            mail.len(),
            2,
            "{:?}",
            mail.iter().map(|m| m.body()).collect::<Vec<_>>()
        );
        assert!(
            mail[1].body().contains("đã giao đơn vị giải quyết"),
            "{}",
            mail[1].body()
        );
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
