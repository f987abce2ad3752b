//! The public site: news drafted from a session, signed off by a leader and read as a city
//! portal prints it; what is taken off the site leaves every public place at once (pages,
//! search, feeds, sitemap); search typed with or without diacritics.

use axum::http::StatusCode;

use crate::support::{form_fields, photo_with_gps, Client};

/// Sends the first form of `page` whose action is `action`, with `changes` over its fields.
async fn send_form(
    client: &mut Client<'_>,
    page: &str,
    action: &str,
    changes: &[(&str, &str)],
) -> crate::support::Resp {
    let html = client.get(page).await.body;
    let mut fields = form_fields(&html, action);
    for (k, v) in changes {
        match fields.iter_mut().find(|(name, _)| name == k) {
            Some(f) => f.1 = v.to_string(),
            None => fields.push((k.to_string(), v.to_string())),
        }
    }
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .filter(|(k, _)| k != "_csrf")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    client.csrf = Some(crate::support::csrf_of(&html));
    client.post_form(action, &borrowed).await
}

/// A page a visitor reads, following the one redirect of an article's short address.
async fn read(visitor: &mut Client<'_>, path: &str) -> crate::support::Resp {
    let r = visitor.get(path).await;
    if r.status == StatusCode::PERMANENT_REDIRECT || r.status == StatusCode::MOVED_PERMANENTLY {
        return visitor.get(&r.location()).await;
    }
    r
}

app_test!(
    news_is_drafted_signed_off_and_read_as_the_portal_prints_it,
    |app| async move {
        let seed = app.session_id("Đoàn công tác số 01").await;
        let mut editor = app.login("bientap", "bientap-demo").await;

        // The draft: the report's first paragraph for the lead, its byline, its photos' captions
        // in the newsroom's note, and none of the page's furniture.
        let new = editor
            .get(&format!("/articles/new?session_id={seed}"))
            .await;
        assert_eq!(new.status, StatusCode::OK, "{}", new.body);
        let fields = form_fields(&new.body, "/articles");
        let field = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        assert!(
            field("lead").starts_with("Tiếp tục chương trình làm việc của Thành ủy"),
            "{}",
            field("lead")
        );
        assert_eq!(field("author"), "Thùy Dương");
        assert!(
            field("note").contains("Quang cảnh buổi làm việc"),
            "{}",
            field("note")
        );
        let body = field("body");
        assert!(body.contains("87,2% kế hoạch"));
        for furniture in [
            "Thời tiết",
            "Tỷ giá ngoại tệ",
            "Đang online",
            "Thùy Dương",
            "Quang cảnh buổi làm việc",
        ] {
            assert!(!body.contains(furniture), "{furniture} in the body");
        }

        let secret = "GHI CHÚ NỘI BỘ: số liệu chưa đối chiếu";
        let r = send_form(
            &mut editor,
            &format!("/articles/new?session_id={seed}"),
            "/articles",
            &[
                (
                    "title",
                    "Thành ủy làm việc với phường Hà Lầm về Nghị quyết 21",
                ),
                ("note", secret),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = r.location().split('?').next().unwrap().to_string();
        let id: i64 = page.trim_start_matches("/articles/").parse().unwrap();

        // An editor sends it for sign-off and cannot publish it; nobody outside sees a draft.
        let publish = |v: &str| {
            vec![
                ("action", "publish".to_string()),
                ("version", v.to_string()),
            ]
        };
        let version = |html: &str| {
            form_fields(html, &format!("/articles/{id}/transition"))
                .into_iter()
                .find(|(k, _)| k == "version")
                .map(|(_, v)| v)
                .unwrap()
        };
        let v = version(&editor.get(&page).await.body);
        let refused = editor
            .post_form(
                &format!("/articles/{id}/transition"),
                &publish(&v)
                    .iter()
                    .map(|(k, v)| (*k, v.as_str()))
                    .collect::<Vec<_>>(),
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let r = editor
            .post_form(
                &format!("/articles/{id}/transition"),
                &[("action", "submit"), ("version", &v)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let mut visitor = app.anonymous();
        assert_eq!(
            read(&mut visitor, &format!("/tin-tuc/{id}")).await.status,
            StatusCode::NOT_FOUND
        );
        assert!(!visitor
            .get("/tin-tuc/rss.xml")
            .await
            .body
            .contains("Nghị quyết 21"));

        // A leader signs it off: the public reads it in the seed's shape, with what came of the
        // session's petitions and directives, and never the newsroom's note.
        let mut leader = app.login("lanhdao", "lanhdao-demo").await;
        let v = version(&leader.get(&page).await.body);
        let r = leader
            .post_form(
                &format!("/articles/{id}/transition"),
                &[("action", "publish"), ("version", &v)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let short = visitor.get(&format!("/tin-tuc/{id}")).await;
        assert_eq!(short.status, StatusCode::PERMANENT_REDIRECT);
        let canonical = short.location();
        assert!(
            canonical.starts_with(&format!(
                "/tin-tuc/{id}-thanh-uy-lam-viec-voi-phuong-ha-lam"
            )),
            "{canonical}"
        );
        let news = visitor.get(&canonical).await;
        assert_eq!(news.status, StatusCode::OK);
        let html = &news.body;
        assert!(html.contains("<h1>Thành ủy làm việc với phường Hà Lầm về Nghị quyết 21</h1>"));
        assert!(html.contains("class=\"news-lead\">Tiếp tục chương trình"));
        assert!(html.contains("<p class=\"byline\">Thùy Dương</p>"));
        assert!(
            html.contains(&format!(
                "<link rel=\"canonical\" href=\"http://localhost{canonical}\">"
            )),
            "canonical"
        );
        assert!(html.contains("<meta property=\"og:title\" content=\"Thành ủy làm việc với phường Hà Lầm về Nghị quyết 21\">"));
        assert!(
            html.contains("href=\"/kien-nghi/"),
            "the session's petitions, with their state"
        );
        assert!(
            html.contains("href=\"/chi-dao/"),
            "the session's directives, with their state"
        );
        assert!(!html.contains("NỘI BỘ"), "the newsroom's note stays inside");
        for feed in ["/tin-tuc/rss.xml", "/tin-tuc/atom.xml"] {
            let f = visitor.get(feed).await;
            assert_eq!(f.status, StatusCode::OK);
            assert!(
                f.body
                    .contains("Thành ủy làm việc với phường Hà Lầm về Nghị quyết 21"),
                "{feed}"
            );
            assert!(!f.body.contains("NỘI BỘ"), "{feed}");
        }
        assert!(visitor
            .get("/sitemap/tin-tuc-0.xml")
            .await
            .body
            .contains(&format!("/tin-tuc/{id}<")));

        // Public, it is the leaders' to change: the editor may not; taken down, it is gone.
        let shown = editor.get(&page).await.body;
        assert!(
            !shown.contains(&format!("action=\"{page}\"")),
            "no edit form for the editor"
        );
        let v = version(&leader.get(&page).await.body);
        let r = editor
            .post_form(
                &page,
                &[
                    ("title", "Sửa sau khi đăng"),
                    ("lead", "Sapo"),
                    ("body", "Nội dung"),
                    ("version", &v),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        let v = version(&leader.get(&page).await.body);
        let r = leader
            .post_form(
                &format!("/articles/{id}/transition"),
                &[("action", "withdraw"), ("version", &v)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(visitor.get(&canonical).await.status, StatusCode::NOT_FOUND);
        assert!(!visitor
            .get("/tin-tuc/rss.xml")
            .await
            .body
            .contains("Nghị quyết 21"));
        assert!(!visitor
            .get("/sitemap/tin-tuc-0.xml")
            .await
            .body
            .contains(&format!("/tin-tuc/{id}<")));
        assert!(!visitor
            .get("/tim-kiem?q=nghi+quyet+21+ha+lam")
            .await
            .body
            .contains(&format!("/tin-tuc/{id}\"")));
    }
);

app_test!(
    a_session_taken_off_the_site_leaves_every_public_place_at_once,
    |app| async move {
        let seed = app.session_id("Đoàn công tác số 01").await;
        // Raised at the seed session only.
        let petition = app
        .petition_id("kiến nghị của nhân dân liên quan đến sân vận động Hà Lầm hiện đang do Công ty Cổ phần than Hà Lầm quản lý")
        .await;
        let mut visitor = app.anonymous();
        let places = |seed: i64, petition: i64| {
            vec![
                ("/tin-tuc".to_string(), "Đoàn công tác số 01".to_string()),
                (
                    "/tin-tuc/rss.xml".to_string(),
                    "Đoàn công tác số 01".to_string(),
                ),
                (
                    "/tin-tuc/atom.xml".to_string(),
                    "Đoàn công tác số 01".to_string(),
                ),
                ("/trang-chu".to_string(), "Đoàn công tác số 01".to_string()),
                (
                    "/tim-kiem?q=doan+cong+tac+so+01".to_string(),
                    format!("/buoi-lam-viec/{seed}\""),
                ),
                (
                    "/tim-kiem?q=san+van+dong+ha+lam".to_string(),
                    format!("/kien-nghi/{petition}\""),
                ),
                (
                    "/sitemap/buoi-lam-viec-0.xml".to_string(),
                    format!("/buoi-lam-viec/{seed}<"),
                ),
                (
                    "/sitemap/kien-nghi-0.xml".to_string(),
                    format!("/kien-nghi/{petition}<"),
                ),
                (
                    "/sitemap/tin-tuc-0.xml".to_string(),
                    "/tin-tuc/1<".to_string(),
                ),
            ]
        };
        for (path, what) in places(seed, petition) {
            let r = visitor.get(&path).await;
            assert_eq!(r.status, StatusCode::OK, "{path}");
            assert!(
                r.body.contains(&what),
                "{path} shows {what} while the session is public"
            );
        }
        assert_eq!(
            read(&mut visitor, "/tin-tuc/1").await.status,
            StatusCode::OK
        );
        assert_eq!(
            visitor.get(&format!("/buoi-lam-viec/{seed}")).await.status,
            StatusCode::OK
        );
        assert_eq!(
            visitor.get(&format!("/kien-nghi/{petition}")).await.status,
            StatusCode::OK
        );

        // A leader takes the session off the public site.
        let mut leader = app.login("lanhdao", "lanhdao-demo").await;
        let edit = format!("/sessions/{seed}/edit");
        let html = leader.get(&edit).await.body;
        let fields: Vec<(String, String)> = form_fields(&html, &format!("/sessions/{seed}"))
            .into_iter()
            .filter(|(k, _)| k != "published" && k != "_csrf")
            .collect();
        leader.csrf = Some(crate::support::csrf_of(&html));
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let r = leader
            .post_form(&format!("/sessions/{seed}"), &fields)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

        for (path, what) in places(seed, petition) {
            let r = visitor.get(&path).await;
            assert_eq!(r.status, StatusCode::OK, "{path}");
            assert!(!r.body.contains(&what), "{path} still shows {what}");
        }
        assert_eq!(
            read(&mut visitor, "/tin-tuc/1").await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            visitor.get(&format!("/buoi-lam-viec/{seed}")).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            visitor.get(&format!("/kien-nghi/{petition}")).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            visitor
                .get(&format!("/kien-nghi/{petition}/rss.xml"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
);

app_test!(search_reads_words_typed_either_way, |app| async move {
    let petition = app.petition_id("xây mới nhà văn hóa khu 2").await;
    let mut visitor = app.anonymous();
    let hits = |html: &str| -> Vec<String> {
        html.split("<ol class=\"hits\">")
            .nth(1)
            .and_then(|rest| rest.split("</ol>").next())
            .unwrap_or("")
            .split("<a href=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap().to_string())
            .collect()
    };
    let plain = visitor.get("/tim-kiem?q=nha+van+hoa+khu+2").await;
    assert_eq!(plain.status, StatusCode::OK);
    let found = hits(&plain.body);
    assert!(
        found.contains(&format!("/kien-nghi/{petition}")),
        "{found:?}"
    );
    assert!(
        plain.body.contains("<mark>nhà văn hóa khu 2</mark>")
            || plain.body.contains("<mark>Nhà văn hóa khu 2</mark>"),
        "marked"
    );
    for typed in [
        "Nhà văn hoá khu 2",
        "nhà văn hòa KHU 2",
        "NHA VAN HOA khu 2",
    ] {
        let q: String = serde_urlencoded::to_string([("q", typed)]).unwrap();
        let r = visitor.get(&format!("/tim-kiem?{q}")).await;
        assert_eq!(hits(&r.body), found, "{typed}");
    }
    // `%` and `_` are no wildcards: alone they find nothing, and never fail.
    for typed in ["%", "_", "%%%_", "100%", "'; drop table petitions; --"] {
        let q: String = serde_urlencoded::to_string([("q", typed)]).unwrap();
        let r = visitor.get(&format!("/tim-kiem?{q}")).await;
        assert_eq!(r.status, StatusCode::OK, "{typed}");
        if typed.chars().all(|c| "%_".contains(c)) {
            assert!(
                hits(&r.body).is_empty(),
                "{typed} found {:?}",
                hits(&r.body)
            );
        }
    }
    // Pages past the last are the last.
    let r = visitor.get("/tim-kiem?q=phuong&trang=999").await;
    assert_eq!(r.status, StatusCode::OK);
});

app_test!(
    photos_are_checked_by_content_stripped_and_served_in_sizes,
    |app| async move {
        let mut editor = app.login("bientap", "bientap-demo").await;
        // The demo's draft awaiting sign-off.
        let drafts = editor.get("/articles?status=review").await.body;
        let at = drafts.find("href=\"/articles/").expect("a draft");
        let id: i64 = drafts[at + 16..]
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let page = format!("/articles/{id}");
        let html = editor.get(&page).await.body;
        let csrf = crate::support::csrf_of(&html);

        // A PDF named like a photo is refused beside the field, nothing kept.
        let (ct, body) = crate::support::upload(&csrf, "file", "anh.jpg", b"%PDF-1.7 not a photo");
        let r = editor.post_raw(&format!("{page}/photos"), &ct, body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("nội dung tệp này không phải ảnh"),
            "{}",
            r.body
        );

        let upload = photo_with_gps(2000, 1500);
        assert!(upload.windows(3).any(|w| w == b"GPS"));
        let (ct, body) = crate::support::upload(&csrf, "file", "IMG_0042.JPG", &upload);
        let r = editor.post_raw(&format!("{page}/photos"), &ct, body).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let html = editor.get(&page).await.body;
        let at = html
            .find("src=\"/anh/")
            .expect("the photo on the staff page")
            + 5;
        let photo: i64 = html[at + 5..].split('/').next().unwrap().parse().unwrap();

        // Not public while the article is not.
        let mut visitor = app.anonymous();
        assert_eq!(
            visitor.get(&format!("/anh/{photo}/960.jpg")).await.status,
            StatusCode::NOT_FOUND
        );

        let mut leader = app.login("lanhdao", "lanhdao-demo").await;
        let html = leader.get(&page).await.body;
        let version = form_fields(&html, &format!("/articles/{id}/transition"))
            .into_iter()
            .find(|(k, _)| k == "version")
            .unwrap()
            .1;
        let r = leader
            .post_form(
                &format!("/articles/{id}/transition"),
                &[("action", "publish"), ("version", &version)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

        let news = read(&mut visitor, &format!("/tin-tuc/{id}")).await;
        assert_eq!(news.status, StatusCode::OK);
        assert!(news.body.contains(&format!(
        "srcset=\"/anh/{photo}/480.jpg 480w, /anh/{photo}/960.jpg 960w, /anh/{photo}/1600.jpg 1600w\""
    )), "{}", news.body);
        assert!(news.body.contains(&format!(
            "<meta property=\"og:image\" content=\"http://localhost/anh/{photo}/960.jpg\">"
        )));
        for width in [480, 960, 1600] {
            let r = visitor.get(&format!("/anh/{photo}/{width}.jpg")).await;
            assert_eq!(r.status, StatusCode::OK);
            assert_eq!(r.headers["content-type"], "image/jpeg");
            assert!(r.headers["cache-control"]
                .to_str()
                .unwrap()
                .contains("immutable"));
            assert!(
                !r.bytes.windows(3).any(|w| w == b"GPS"),
                "GPS kept at {width}"
            );
            assert!(
                !r.bytes.windows(4).any(|w| w == b"Exif"),
                "EXIF kept at {width}"
            );
            let img = image::load_from_memory(&r.bytes).unwrap();
            assert_eq!((img.width(), img.height()), (width, width * 3 / 4));
        }
        assert_eq!(
            visitor.get(&format!("/anh/{photo}/2000.jpg")).await.status,
            StatusCode::NOT_FOUND
        );
    }
);

// A page of the public site that fails (a record not there, an address mistyped) keeps the
// public site's layout, its menu and search; an internal page's error keeps the staff one.
app_test!(public_errors_keep_the_public_layout, |app| async move {
    let mut visitor = app.anonymous();
    for path in [
        "/tin-tuc/999999-khong-co-tin-nay",
        "/kien-nghi/999999",
        "/don-vi/999999",
        "/kien-nghi/theo-doi/AAAAAAAAAA",
    ] {
        let r = visitor.get(path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            r.body.contains(r#"<a class="brand" href="/trang-chu">"#)
                && r.body.contains(r#"href="/kien-nghi/gui""#)
                && r.body.contains(r#"id="site-q""#),
            "{path} is not in the public layout: {}",
            r.body
        );
        assert!(r.body.contains("Không tìm thấy"), "{path}: {}", r.body);
    }
    let mut staff = app.login("chuyenvien", "chuyenvien-demo").await;
    let r = staff.get("/petitions/999999").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        r.body.contains(r#"<a class="brand" href="/">"#),
        "an internal page's error keeps the staff layout: {}",
        r.body
    );
});

// "Your ward" on the home page looks among wards only: "ha lam" is the ward Hà Lầm, not
// also its party committee and people's committee to choose between.
app_test!(
    the_home_page_finds_your_ward_among_wards,
    |app| async move {
        let mut visitor = app.anonymous();
        let r = visitor.get("/trang-chu?phuong=ha+lam").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            r.body.contains(r#"value="Phường Hà Lầm""#),
            "the ward is chosen: {}",
            r.body
        );
        assert!(!r.body.contains(r#"class="choices""#), "{}", r.body);
        // A unit that is no ward, by its number, is not taken for one.
        let ubnd = app.unit_id("UBND phường Hà Lầm").await;
        let r = visitor.get(&format!("/trang-chu?phuong={ubnd}")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(!r.body.contains(r#"value="UBND phường Hà Lầm""#));
    }
);
