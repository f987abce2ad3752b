//! Accounts managed in the app: an administrator sees each person's unit and address, edits an
//! account, and sends a link that sets a new password; a person who forgot theirs asks for one
//! on the sign-in page. A link works once, for a while, and ends the person's sessions and
//! tokens; asking says nothing of which accounts exist.

use axum::http::{Method, StatusCode};
use dondoc_testing::smtp::SmtpServer;
use serde_json::json;

use crate::support::{csrf_of, TestApp};

async fn officer(app: &TestApp) -> (i64, i64) {
    let u = app
        .store
        .user_by_login("chuyenvien")
        .await
        .unwrap()
        .unwrap()
        .user;
    (u.id, u.version)
}

/// The link of the one mail in `body`.
fn link_in(body: &str) -> String {
    let start = body
        .find("http://dondoc.test/")
        .expect("a link in the mail");
    body[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .trim_start_matches("http://dondoc.test")
        .to_string()
}

/// Waits (up to 5 s) for `n` mails: a mail asked for on the sign-in page goes out in the
/// background.
async fn mails(smtp: &SmtpServer, n: usize) -> Vec<dondoc_testing::smtp::Received> {
    for _ in 0..100 {
        if smtp.received().len() >= n {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    smtp.received()
}

app_test!(an_administrator_edits_an_account, |app| async move {
    let (id, version) = officer(&app).await;
    let mut admin = app.login("quantri", "quantri-demo").await;
    let list = admin.get("/users").await;
    assert_eq!(list.status, StatusCode::OK);
    // The unit column names the officer's unit.
    let row = list
        .body
        .split("<tr>")
        .find(|r| r.contains("chuyenvien"))
        .expect("the officer's row");
    assert!(row.contains("UBND phường Hà Lầm"), "{row}");
    assert!(row.contains(&format!("href=\"/users/{id}\"")), "{row}");

    let page = admin.get(&format!("/users/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Sửa tài khoản"));
    let unit = app.unit_id("UBND phường Hà Lầm").await.to_string();
    let v = version.to_string();

    // An officer needs a unit; a mail address must look like one. What was typed stays.
    let r = admin
        .post_form(
            &format!("/users/{id}"),
            &[
                ("display_name", "Nguyễn Văn Cán"),
                ("role", "officer"),
                ("unit_id", ""),
                ("email", "not an address"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("Nguyễn Văn Cán"));
    assert!(r.body.contains("not an address"));
    assert!(r.body.contains("Không được để trống."));

    let r = admin
        .post_form(
            &format!("/users/{id}"),
            &[
                ("display_name", "Nguyễn Văn Cán"),
                ("role", "officer"),
                ("unit_id", &unit),
                ("email", "can.nv@halam.example"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let list = admin.get("/users").await;
    assert!(list.body.contains("Nguyễn Văn Cán"));
    assert!(list.body.contains("can.nv@halam.example"));
    let page = admin.get(&format!("/users/{id}")).await;
    assert!(page.body.contains("Cập nhật"), "the history shows the edit");

    // The form of before the edit is stale: refused, nothing written.
    let r = admin
        .post_form(
            &format!("/users/{id}"),
            &[
                ("display_name", "Tên cũ"),
                ("role", "officer"),
                ("unit_id", &unit),
                ("version", &v),
            ],
        )
        .await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert_eq!(
        app.store.user(id).await.unwrap().display_name,
        "Nguyễn Văn Cán"
    );

    // An administrator keeps their own role.
    let me = app
        .store
        .user_by_login("quantri")
        .await
        .unwrap()
        .unwrap()
        .user;
    let r = admin
        .post_form(
            &format!("/users/{}", me.id),
            &[
                ("display_name", &me.display_name),
                ("role", "leader"),
                ("version", &me.version.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("Không thể tự bỏ quyền quản trị"),
        "{}",
        r.body
    );

    // The API: the same rules.
    let api = app.token("quantri", "quantri-demo").await;
    let version = app.store.user(id).await.unwrap().version;
    let r = api
        .api(
            Method::PUT,
            &format!("/api/v1/users/{id}"),
            Some(json!({ "display_name": "Nguyễn Văn Cán", "role": "clerk", "version": version })),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = api
        .api(
            Method::PUT,
            &format!("/api/v1/users/{id}"),
            Some(
                json!({ "display_name": "Nguyễn Văn Cán", "role": "leader", "email": null, "version": version }),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["role"], "leader");
    assert_eq!(r.json()["email"], serde_json::Value::Null);
});

app_test!(a_reset_link_is_mailed_and_works_once, |app| async move {
    let smtp = SmtpServer::start().await;
    let app = app.mailing(&smtp.url());
    let (id, version) = officer(&app).await;
    let mut officer_before = app.login("chuyenvien", "chuyenvien-demo").await;
    let token_before = app.token("chuyenvien", "chuyenvien-demo").await;
    let mut admin = app.login("quantri", "quantri-demo").await;
    let unit = app.unit_id("UBND phường Hà Lầm").await.to_string();
    let r = admin
        .post_form(
            &format!("/users/{id}"),
            &[
                ("display_name", "Chuyên viên UBND phường"),
                ("role", "officer"),
                ("unit_id", &unit),
                ("email", "chuyenvien@halam.example"),
                ("version", &version.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let r = admin.post_form(&format!("/users/{id}/reset"), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("chuyenvien@halam.example"), "{}", r.body);
    let got = smtp.received();
    assert_eq!(got.len(), 1);
    assert!(got[0].body().contains("Chuyên viên UBND phường"));
    let link = link_in(&got[0].body());
    assert!(link.starts_with("/password/reset/"), "{link}");
    // Sending a link changes nothing yet.
    assert!(app
        .store
        .user_by_login("chuyenvien")
        .await
        .unwrap()
        .is_some());
    assert_eq!(officer_before.get("/inbox").await.status, StatusCode::OK);

    let mut visitor = app.anonymous();
    let form = visitor.get(&link).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Chuyên viên UBND phường"));
    visitor.csrf = Some(csrf_of(&form.body));
    let r = visitor
        .post_form(
            &link,
            &[("password", "mat-khau-moi-1"), ("again", "mat-khau-moi-2")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Hai mật khẩu không giống nhau."));
    let r = visitor
        .post_form(&link, &[("password", "ngan"), ("again", "ngan")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Quá ngắn"));
    let r = visitor
        .post_form(
            &link,
            &[("password", "mat-khau-moi-1"), ("again", "mat-khau-moi-1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/login?saved=1");
    let signin = visitor.get("/login?saved=1").await;
    assert!(signin.body.contains("Đã đặt mật khẩu mới"));

    // The new password works, the old one does not; the old session and token are over.
    app.login("chuyenvien", "mat-khau-moi-1").await;
    let mut fresh = app.anonymous();
    let page = fresh.get("/login").await;
    fresh.csrf = Some(csrf_of(&page.body));
    let r = fresh
        .post_form(
            "/login",
            &[("login", "chuyenvien"), ("password", "chuyenvien-demo")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = officer_before.get("/inbox").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "the old session is over");
    assert!(r.location().starts_with("/login"));
    let r = token_before.api(Method::GET, "/api/v1/me", None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "the old token is over");

    // Once only.
    let again = visitor.get(&link).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert!(again.body.contains("Liên kết này không dùng được"));
    let page = admin.get(&format!("/users/{id}")).await;
    assert!(page.body.contains("Đặt lại mật khẩu qua liên kết"));
});

app_test!(
    without_mail_the_administrator_hands_the_link_over,
    |app| async move {
        let (id, _) = officer(&app).await;
        let mut admin = app.login("quantri", "quantri-demo").await;
        let r = admin.post_form(&format!("/users/{id}/reset"), &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            r.body.contains("Máy chủ chưa cấu hình gửi thư"),
            "{}",
            r.body
        );
        let start = r.body.find("/password/reset/").expect("the link shown");
        let link: String = r.body[start..].chars().take_while(|c| *c != '<').collect();
        let api = app.token("quantri", "quantri-demo").await;
        let r = api
            .api(
                Method::POST,
                &format!("/api/v1/users/{id}/password-reset"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["not_mailed"], "no_server");
        let second = r.json()["link"].as_str().unwrap().to_string();
        // Each link works, until one of them is used.
        let mut visitor = app.anonymous();
        assert_eq!(visitor.get(&second).await.status, StatusCode::OK);
        let form = visitor.get(&link).await;
        assert_eq!(form.status, StatusCode::OK);
        visitor.csrf = Some(csrf_of(&form.body));
        let r = visitor
            .post_form(
                &link,
                &[("password", "mat-khau-moi"), ("again", "mat-khau-moi")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(visitor.get(&second).await.status, StatusCode::NOT_FOUND);
        // A link that is not one.
        assert_eq!(
            visitor.get("/password/reset/abc").await.status,
            StatusCode::NOT_FOUND
        );
        // An expired one.
        let token = "ab".repeat(32);
        app.store
            .create_password_reset(id, &token, jiff::Timestamp::now().as_millisecond() - 1)
            .await
            .unwrap();
        let r = visitor.get(&format!("/password/reset/{token}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
);

app_test!(
    a_person_asks_for_a_link_and_learns_nothing_else,
    |app| async move {
        let smtp = SmtpServer::start().await;
        let app = app.mailing(&smtp.url());
        let (id, version) = officer(&app).await;
        let mut admin = app.login("quantri", "quantri-demo").await;
        let unit = app.unit_id("UBND phường Hà Lầm").await.to_string();
        admin
            .post_form(
                &format!("/users/{id}"),
                &[
                    ("display_name", "Chuyên viên UBND phường"),
                    ("role", "officer"),
                    ("unit_id", &unit),
                    ("email", "ChuyenVien@HaLam.example"),
                    ("version", &version.to_string()),
                ],
            )
            .await;

        let mut visitor = app.anonymous();
        let login = visitor.get("/login").await;
        assert!(login.body.contains("href=\"/password/forgot\""));
        let page = visitor.get("/password/forgot").await;
        assert_eq!(page.status, StatusCode::OK);
        visitor.csrf = Some(csrf_of(&page.body));
        let unknown = visitor
            .post_form("/password/forgot", &[("name", "khong-co-ai")])
            .await;
        assert_eq!(unknown.status, StatusCode::OK);
        let no_mail = visitor
            .post_form("/password/forgot", &[("name", "vanthu")])
            .await;
        let known = visitor
            .post_form("/password/forgot", &[("name", "chuyenvien@halam.example")])
            .await;
        assert_eq!(known.status, StatusCode::OK);
        // The three answers say the same.
        let said = |b: &str| b.contains("Nếu có tài khoản như vậy");
        assert!(said(&unknown.body) && said(&no_mail.body) && said(&known.body));
        let got = mails(&smtp, 1).await;
        assert_eq!(got.len(), 1, "one mail, to the one account with an address");
        assert!(got[0]
            .header("To")
            .unwrap_or_default()
            .contains("ChuyenVien@HaLam.example"));
        // Asking again at once sends nothing more.
        visitor
            .post_form("/password/forgot", &[("name", "chuyenvien")])
            .await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert_eq!(smtp.received().len(), 1);
        // An empty name is refused where it was typed.
        let r = visitor
            .post_form("/password/forgot", &[("name", " ")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

        let link = link_in(&got[0].body());
        let form = visitor.get(&link).await;
        assert_eq!(form.status, StatusCode::OK);
        visitor.csrf = Some(csrf_of(&form.body));
        let r = visitor
            .post_form(
                &link,
                &[("password", "mat-khau-moi"), ("again", "mat-khau-moi")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        app.login("chuyenvien", "mat-khau-moi").await;
    }
);
