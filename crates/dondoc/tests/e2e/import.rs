//! "New session from a report": a clerk pastes or uploads a report, reviews the reader's draft
//! and confirms it; on SQLite and on PostgreSQL with the demo loaded (which holds the seed's
//! session, so the same report's petitions are already on record).

use crate::support::{csrf_of, form_fields, Client, TestApp};
use axum::http::StatusCode;
use dondoc_domain::Visibility;

const SEED: &str = include_str!("../../demo/ha-lam-2020-08-24.txt");

/// How many sessions, petitions and directives are on record.
async fn totals(app: &TestApp) -> (i64, i64, i64) {
    let s = app
        .store
        .sessions(&Default::default(), &Visibility::All)
        .await
        .unwrap()
        .total;
    let p = app
        .store
        .petitions(&Default::default(), &Visibility::All)
        .await
        .unwrap()
        .total;
    let d = app
        .store
        .directives(&Default::default(), &Visibility::All, crate::support::TODAY)
        .await
        .unwrap()
        .total;
    (s, p, d)
}

pub(crate) async fn clerk(app: &TestApp) -> Client<'_> {
    let mut c = app.login("vanthu", "vanthu-demo").await;
    let page = c.get("/sessions/import").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("name=\"report\"") && page.body.contains("type=\"file\""));
    c.csrf = Some(csrf_of(&page.body));
    c
}

fn get<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no field {name}"))
}

/// The fields as a form posts them.
fn posted(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

fn set(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    fields.retain(|(k, _)| k != name);
    fields.push((name.into(), value.into()));
}

app_test!(
    a_pasted_report_becomes_a_session_after_review,
    |app| async move {
        let mut clerk = clerk(&app).await;
        let before = totals(&app).await;
        let review = clerk
            .post_form("/sessions/import", &[("report", SEED)])
            .await;
        assert_eq!(review.status, StatusCode::OK, "{}", review.body);
        // The text comes back with what was found highlighted.
        for mark in ["m-petition", "m-directive", "m-figure", "m-person", "m-org"] {
            assert!(
                review.body.contains(&format!("<mark class=\"{mark}\">")),
                "no {mark}"
            );
        }
        assert!(review.body.contains(
            "<mark class=\"m-figure\">Tổng thu NSNN trên địa bàn 8 tháng ước đạt trên 8,5"
        ));
        assert_eq!(totals(&app).await, before, "reading writes nothing");

        let mut fields = form_fields(&review.body, "/sessions/import/confirm");
        // The draft is matched to what is on record.
        assert_eq!(get(&fields, "session_date"), "2020-08-24");
        let host = app.unit_id("Đảng ủy phường Hà Lầm").await.to_string();
        assert_eq!(get(&fields, "session_host_unit_id"), host);
        let khu6 = app
            .petition_id("xây mới nhà văn hóa khu 6")
            .await
            .to_string();
        assert_eq!(get(&fields, "petition_text_1"), "xây mới nhà văn hóa khu 6");
        assert_eq!(
            get(&fields, "petition_again_1"),
            khu6,
            "an open petition is raised again"
        );
        // Khu 2's culture house petition was resolved: raised again, it is offered to be
        // reopened by the new raising, not recorded as a second petition.
        assert_eq!(get(&fields, "petition_text_3"), "xây mới nhà văn hóa khu 2");
        let khu2 = app
            .petition_id("xây mới nhà văn hóa khu 2")
            .await
            .to_string();
        assert_eq!(get(&fields, "petition_again_3"), khu2);
        let bqlda = app
            .unit_id("Ban quản lý dự án đầu tư xây dựng các dự án thành phố")
            .await
            .to_string();
        assert_eq!(get(&fields, "directive_lead_unit_id_3"), bqlda);
        assert_eq!(get(&fields, "directive_deadline_3"), "2020-11-18");
        // Grouped as it is typed, and read back so.
        assert_eq!(get(&fields, "figure_value_0"), "8.500.000.000");
        assert_ne!(get(&fields, "figure_target_id_0"), "");

        // The clerk edits, unticks a directive, and mistypes the date: the page comes back
        // with the message beside the field and every edit kept; nothing is written.
        set(
            &mut fields,
            "session_title",
            "Làm việc với Đảng ủy phường Hà Lầm (nhập từ bài)",
        );
        set(&mut fields, "session_date", "2020-02-30");
        fields.retain(|(k, _)| k != "directive_keep_6");
        set(&mut fields, "directive_deadline_1", "31/12");
        set(&mut fields, "session_lead", "Người không dự họp");
        let refs = posted(&fields);
        let again = clerk.post_form("/sessions/import/confirm", &refs).await;
        assert_eq!(
            again.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            again.body
        );
        assert!(again.body.contains("Ngày không hợp lệ"), "{}", again.body);
        assert!(
            again.body.contains("Thời hạn: "),
            "the row's message names its field"
        );
        assert!(again.body.contains("(nhập từ bài)"));
        assert!(again.body.contains("value=\"Người không dự họp\""));
        assert!(
            again.body.contains("Giá trị không hợp lệ."),
            "a lead not among the participants"
        );
        assert!(!form_fields(&again.body, "/sessions/import/confirm")
            .iter()
            .any(|(k, _)| k == "directive_keep_6"));
        assert_eq!(totals(&app).await, before, "nothing is half-written");

        set(&mut fields, "session_date", "2020-08-24");
        set(&mut fields, "directive_deadline_1", "");
        // The demo has this session on record (recorded by hand): offered, and declined
        // here, as for a second meeting held the same day.
        let seed = app.session_id("Đoàn công tác số 01").await.to_string();
        assert_eq!(get(&fields, "session_into"), seed);
        set(&mut fields, "session_into", "");
        set(&mut fields, "session_lead", "Nguyễn Anh Tú");
        let refs = posted(&fields);
        let saved = clerk.post_form("/sessions/import/confirm", &refs).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let (s, p, d) = totals(&app).await;
        assert_eq!(s, before.0 + 1);
        assert_eq!(
            p, before.1,
            "no petition is new; all five were raised again"
        );
        assert_eq!(d, before.2 + 10, "eleven directives found, one unticked");

        let page = clerk.get(&saved.location()).await;
        assert_eq!(page.status, StatusCode::OK);
        for needle in [
            "(nhập từ bài)",
            "trên 8,5 tỷ đồng",
            "datetime=\"2020-11-18\"",
            "Ban quản lý dự án đầu tư xây dựng các dự án thành phố",
            "Đã kiến nghị 3 lần",
            "Nguyễn Anh Tú",
        ] {
            assert!(
                page.body.contains(needle),
                "the new session lacks {needle:?}"
            );
        }
        let raisings = app
            .store
            .raisings(khu6.parse().unwrap(), &Visibility::All)
            .await
            .unwrap();
        assert_eq!(raisings.len(), 3);
        // The resolved one is open again, with the new raising.
        let khu2 = app
            .store
            .petition(khu2.parse().unwrap(), &Visibility::All)
            .await
            .unwrap();
        assert_eq!(
            khu2.petition.status,
            dondoc_domain::PetitionStatus::Reopened
        );
    }
);

app_test!(
    a_report_read_twice_offers_its_petitions_as_raised_again,
    |app| async move {
        let mut clerk = clerk(&app).await;
        // A report of new petitions, confirmed as is.
        let report = "Phường Hà Lầm, ngày 05/3/2021\n\nTại buổi tiếp xúc cử tri, cử tri khu 4 kiến nghị lắp đặt đèn chiếu sáng tuyến đường tổ 3 khu 4; nạo vét mương thoát nước khu 4.\n";
        let review = clerk
            .post_form("/sessions/import", &[("report", report)])
            .await;
        assert_eq!(review.status, StatusCode::OK, "{}", review.body);
        let mut fields = form_fields(&review.body, "/sessions/import/confirm");
        set(&mut fields, "session_title", "Tiếp xúc cử tri khu 4");
        set(&mut fields, "session_date", "2021-03-05");
        let host = app.unit_id("UBND phường Hà Lầm").await.to_string();
        set(&mut fields, "session_host_unit_id", &host);
        let petitions = fields
            .iter()
            .filter(|(k, _)| k.starts_with("petition_text_"))
            .count();
        assert!(petitions >= 1, "{fields:?}");
        let refs = posted(&fields);
        let saved = clerk.post_form("/sessions/import/confirm", &refs).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let before = totals(&app).await;

        // The same petitions in a later report are offered as raised again, not as new ones.
        let later = report.replace("05/3/2021", "10/9/2021");
        let review = clerk
            .post_form("/sessions/import", &[("report", &later)])
            .await;
        let mut fields = form_fields(&review.body, "/sessions/import/confirm");
        for i in 0..petitions {
            assert_ne!(
                get(&fields, &format!("petition_again_{i}")),
                "",
                "petition {i}"
            );
        }
        assert!(review.body.contains("Kiến nghị lại #"));
        set(&mut fields, "session_title", "Tiếp xúc cử tri khu 4, lần 2");
        set(&mut fields, "session_date", "2021-09-10");
        set(&mut fields, "session_host_unit_id", &host);
        let refs = posted(&fields);
        let saved = clerk.post_form("/sessions/import/confirm", &refs).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let after = totals(&app).await;
        assert_eq!(
            (after.0, after.1),
            (before.0 + 1, before.1),
            "no duplicate petitions"
        );
        let page = clerk.get(&saved.location()).await;
        assert!(page.body.contains("Đã kiến nghị 2 lần"), "{}", page.body);
    }
);

app_test!(
    an_uploaded_word_or_text_file_is_read_like_a_pasted_one,
    |app| async move {
        let mut clerk = clerk(&app).await;
        let csrf = clerk.csrf.clone().unwrap();
        let path = "/sessions/import".to_string();
        let (ct, body) = crate::support::upload(&csrf, "file", "bao-cao.txt", SEED.as_bytes());
        let txt = clerk.post_raw(&path, &ct, body).await;
        assert_eq!(txt.status, StatusCode::OK, "{}", txt.body);

        let mut doc = docx_rs::Docx::new();
        for line in SEED.lines() {
            doc = doc.add_paragraph(
                docx_rs::Paragraph::new().add_run(docx_rs::Run::new().add_text(line)),
            );
        }
        let mut bytes = std::io::Cursor::new(Vec::new());
        doc.build().pack(&mut bytes).unwrap();
        let (ct, body) = crate::support::upload(&csrf, "file", "Bao cao.DOCX", &bytes.into_inner());
        let docx = clerk.post_raw(&path, &ct, body).await;
        assert_eq!(docx.status, StatusCode::OK, "{}", docx.body);
        let (a, b) = (
            form_fields(&txt.body, "/sessions/import/confirm"),
            form_fields(&docx.body, "/sessions/import/confirm"),
        );
        let rows = |f: &[(String, String)]| {
            f.iter()
                .filter(|(k, _)| {
                    k.starts_with("petition_text_") || k.starts_with("directive_text_")
                })
                .map(|(_, v)| v.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(rows(&a), rows(&b));
        assert_eq!(rows(&a).len(), 16);
    }
);

app_test!(
    unreadable_reports_are_refused_with_a_message,
    |app| async move {
        let mut clerk = clerk(&app).await;
        let before = totals(&app).await;
        let empty = clerk
            .post_form("/sessions/import", &[("report", "  \n ")])
            .await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty.body.contains("Chưa có nội dung."));

        let csrf = clerk.csrf.clone().unwrap();
        let path = "/sessions/import".to_string();
        let (ct, body) = crate::support::upload(
            &csrf,
            "file",
            "anh.txt",
            &[0xff, 0xd8, 0xff, 0xe0, 0, 0x10, b'J', b'F'],
        );
        let binary = clerk.post_raw(&path, &ct, body).await;
        assert_eq!(binary.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(binary.body.contains("Tệp không phải văn bản đọc được"));

        let (ct, body) = crate::support::upload(
            &csrf,
            "file",
            "bao-cao.docx",
            b"PK\x03\x04 not really a zip",
        );
        let docx = clerk.post_raw(&path, &ct, body).await;
        assert_eq!(docx.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(docx.body.contains("Không đọc được tệp Word (.docx)."));

        let huge = "Cử tri kiến nghị sửa đường. ".repeat(40_000);
        let big = clerk
            .post_form("/sessions/import", &[("report", &huge)])
            .await;
        assert_eq!(big.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(big.body.contains("Bài quá dài (tối đa 1 MB)."));

        let mut en = clerk;
        en.lang = Some("en");
        let empty = en.post_form("/sessions/import", &[("report", "")]).await;
        assert!(empty.body.contains("There is nothing to read."));

        // A confirm form with a row index out of bounds or a forged reference is a clear 4xx.
        let forged = en
            .post_form(
                "/sessions/import/confirm",
                &[
                    ("source", "x"),
                    ("session_title", "T"),
                    ("session_date", "2021-01-01"),
                    ("session_host_unit_id", "999999"),
                ],
            )
            .await;
        assert!(forged.status.is_client_error(), "{}", forged.status);
        let rows = en
            .post_form("/sessions/import/confirm", &[("petition_text_100000", "x")])
            .await;
        assert!(rows.status.is_client_error(), "{}", rows.status);
        assert_eq!(totals(&app).await, before);
    }
);

app_test!(
    only_recorders_may_import_and_only_for_their_units,
    |app| async move {
        let mut anon = app.anonymous();
        let page = anon.get("/sessions/import").await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        let mut officer = app.login("chuyenvien", "chuyenvien-demo").await;
        assert_eq!(
            officer.get("/sessions/import").await.status,
            StatusCode::FORBIDDEN
        );

        // A ward clerk may not record a session hosted by the city.
        let mut clerk = clerk(&app).await;
        let city = app.unit_id("Thành ủy Hạ Long").await.to_string();
        let before = totals(&app).await;
        let r = clerk
            .post_form(
                "/sessions/import/confirm",
                &[
                    ("source", SEED),
                    ("session_title", "T"),
                    ("session_date", "2021-01-01"),
                    ("session_host_unit_id", &city),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Đơn vị này ngoài phạm vi"), "{}", r.body);
        assert_eq!(totals(&app).await, before);
    }
);

/// The seed pasted into a database that has never seen it, confirmed as drafted; pasted again,
/// it is offered as the session already on record, and confirmed so, nothing is written
/// twice: no second session, no second raising from the same meeting, no directive doubled.
async fn seed_pasted_twice(app: TestApp) {
    let mut clerk = app.login("thuky", "thuky-mat-khau").await;
    let page = clerk.get("/sessions/import").await;
    clerk.csrf = Some(csrf_of(&page.body));
    let review = clerk
        .post_form("/sessions/import", &[("report", SEED)])
        .await;
    assert_eq!(review.status, StatusCode::OK, "{}", review.body);
    let fields = form_fields(&review.body, "/sessions/import/confirm");
    assert!(fields
        .iter()
        .filter(|(k, _)| k.starts_with("petition_again_"))
        .all(|(_, v)| v.is_empty()));
    let refs = posted(&fields);
    let first = clerk.post_form("/sessions/import/confirm", &refs).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    assert_eq!(totals(&app).await, (1, 5, 11));
    // The delegation's lead is the session's lead and the issuer of its directives.
    let id: i64 = first.location()["/sessions/".len()..]
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let created = app.store.session(id, &Visibility::All).await.unwrap();
    assert_eq!(created.lead_name.as_deref(), Some("Nguyễn Anh Tú"));
    let issued = app
        .store
        .directives(
            &dondoc_store::DirectiveFilter {
                session_id: Some(id),
                ..Default::default()
            },
            &Visibility::All,
            crate::support::TODAY,
        )
        .await
        .unwrap();
    assert_eq!(issued.items.len(), 11);
    assert!(issued
        .items
        .iter()
        .all(|d| d.directive.issued_by_person_id == created.session.lead_person_id));
    let page = clerk.get(&first.location()).await;
    for needle in [
        "Đoàn công tác số 01 Thành ủy làm việc với Đảng ủy phường Hà Lầm",
        "xây mới nhà văn hóa khu 6",
        "datetime=\"2020-11-18\"",
        "datetime=\"2020-08-31\"",
        "Ban quản lý dự án đầu tư xây dựng các dự án thành phố",
        "Nguyễn Anh Tú",
    ] {
        assert!(page.body.contains(needle), "the session lacks {needle:?}");
    }
    assert!(!page.body.contains("Đã kiến nghị 2 lần"));

    let review = clerk
        .post_form("/sessions/import", &[("report", SEED)])
        .await;
    let mut fields = form_fields(&review.body, "/sessions/import/confirm");
    for i in 0..5 {
        assert_ne!(
            get(&fields, &format!("petition_again_{i}")),
            "",
            "petition {i} is offered as raised again"
        );
    }
    // Known people are matched, not created twice.
    assert_ne!(get(&fields, "person_person_id_0"), "");
    // The session is on record: what the report adds goes to it.
    assert_eq!(get(&fields, "session_into"), id.to_string());
    assert!(review
        .body
        .contains("Buổi làm việc này có thể đã được ghi nhận"));
    set(&mut fields, "session_title", "Buổi làm việc lần hai");
    let refs = posted(&fields);
    let figures = |app: &TestApp| {
        let store = app.store.clone();
        async move { store.session_measurements(id).await.unwrap().len() }
    };
    let figures_before = figures(&app).await;
    let second = clerk.post_form("/sessions/import/confirm", &refs).await;
    assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.body);
    assert_eq!(second.location(), format!("/sessions/{id}?saved=1"));
    assert_eq!(totals(&app).await, (1, 5, 11), "nothing recorded twice");
    assert_eq!(figures(&app).await, figures_before, "no figure doubled");
    let page = clerk.get(&second.location()).await;
    assert!(!page.body.contains("Đã kiến nghị 2 lần"), "{}", page.body);
    assert!(
        page.body.contains(&created.session.title),
        "its title is kept"
    );

    // Declined ("a new session"), the same report is a second session of that day.
    set(&mut fields, "session_into", "");
    let refs = posted(&fields);
    let third = clerk.post_form("/sessions/import/confirm", &refs).await;
    assert_eq!(third.status, StatusCode::SEE_OTHER, "{}", third.body);
    assert_eq!(totals(&app).await, (2, 5, 22));
    let page = clerk.get(&third.location()).await;
    assert_eq!(page.body.matches("Đã kiến nghị 2 lần").count(), 5);
}

mod seed_pasted_twice_raises_its_petitions_again {
    use super::*;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        seed_pasted_twice(TestApp::empty(dondoc_store::Backend::Sqlite).await.unwrap()).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        if let Some(app) = TestApp::empty(dondoc_store::Backend::Postgres).await {
            seed_pasted_twice(app).await
        }
    }
}

/// `text` in Windows-1258, the Vietnamese code page: the letters with a circumflex, breve or
/// horn are precomposed, the tone marks combining (as Vietnamese keyboards of that code page
/// typed them).
fn windows_1258(text: &str) -> Vec<u8> {
    use unicode_normalization::UnicodeNormalization;
    const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];
    let mut out = String::new();
    let (mut letter, mut tones) = (String::new(), String::new());
    for c in text.nfd() {
        if TONES.contains(&c) {
            tones.push(c);
        } else if unicode_normalization::char::is_combining_mark(c) {
            letter.push(c);
        } else {
            out.extend(letter.nfc());
            out.push_str(&tones);
            letter.clear();
            tones.clear();
            letter.push(c);
        }
    }
    out.extend(letter.nfc());
    out.push_str(&tones);
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1258.encode(&out);
    assert!(!unmappable, "the seed is written in Windows-1258");
    bytes.into_owned()
}

app_test!(
    reports_in_utf16_or_the_vietnamese_code_page_are_read,
    |app| async move {
        let mut clerk = clerk(&app).await;
        let csrf = clerk.csrf.clone().unwrap();
        let path = "/sessions/import".to_string();
        let rows = |body: &str| {
            form_fields(body, "/sessions/import/confirm")
                .into_iter()
                .filter(|(k, _)| {
                    k.starts_with("petition_text_")
                        || k.starts_with("directive_text_")
                        || k == "session_title"
                })
                .map(|(_, v)| v)
                .collect::<Vec<_>>()
        };
        let (ct, body) = crate::support::upload(&csrf, "file", "bao-cao.txt", SEED.as_bytes());
        let utf8 = clerk.post_raw(&path, &ct, body).await;
        assert_eq!(utf8.status, StatusCode::OK);
        let want = rows(&utf8.body);
        assert_eq!(want.len(), 17);
        let utf16 = |big: bool| {
            let mut b: Vec<u8> = if big {
                vec![0xfe, 0xff]
            } else {
                vec![0xff, 0xfe]
            };
            for u in SEED.encode_utf16() {
                b.extend(if big {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                });
            }
            b
        };
        for (name, bytes) in [
            ("utf-16le", utf16(false)),
            ("utf-16be", utf16(true)),
            ("windows-1258", windows_1258(SEED)),
        ] {
            let (ct, body) = crate::support::upload(&csrf, "file", "bao-cao.txt", &bytes);
            let r = clerk.post_raw(&path, &ct, body).await;
            assert_eq!(r.status, StatusCode::OK, "{name}: {}", r.body);
            assert_eq!(rows(&r.body), want, "{name}");
        }
        // The figures are shown grouped, as they are typed.
        let fields = form_fields(&utf8.body, "/sessions/import/confirm");
        assert!(
            fields
                .iter()
                .any(|(k, v)| k.starts_with("figure_value_") && v == "8.500.000.000"),
            "{fields:?}"
        );

        // A PDF is said to be one, by its name or by its content.
        let pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n";
        for name in ["bao-cao.pdf", "bao-cao.txt"] {
            let (ct, body) = crate::support::upload(&csrf, "file", name, pdf);
            let r = clerk.post_raw(&path, &ct, body).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
            assert!(
                r.body.contains("Không đọc được tệp PDF"),
                "{name}: {}",
                r.body
            );
        }
    }
);

app_test!(
    a_report_goes_only_into_a_session_one_may_record_into,
    |app| async move {
        // An unpublished session of the province: the ward's clerk neither sees it nor
        // records into it; pointing the draft at it, or at one that does not exist, writes
        // nothing.
        let tinh = app.unit_id("UBND tỉnh Quảng Ninh").await;
        let province = app
            .store
            .create_session(
                dondoc_store::Who::default(),
                &dondoc_domain::input::NewSession {
                    date: crate::support::TODAY,
                    place: None,
                    title: "Họp UBND tỉnh".into(),
                    host_unit_id: tinh,
                    delegation_name: None,
                    lead_person_id: None,
                    summary: None,
                    source_text: None,
                    published: false,
                },
            )
            .await
            .unwrap()
            .session
            .id;
        let seed = app.session_id("Đoàn công tác số 01").await;
        let mut clerk = clerk(&app).await;
        let review = clerk
            .post_form("/sessions/import", &[("report", SEED)])
            .await;
        let mut fields = form_fields(&review.body, "/sessions/import/confirm");
        let before = totals(&app).await;
        let raisings = app
            .store
            .raisings(
                app.petition_id("xây mới nhà văn hóa khu 6").await,
                &Visibility::All,
            )
            .await
            .unwrap()
            .len();
        for into in [province.to_string(), "987654".into(), "abc".into()] {
            set(&mut fields, "session_into", &into);
            let refs = posted(&fields);
            let r = clerk.post_form("/sessions/import/confirm", &refs).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{into}: {}",
                r.body
            );
            assert!(
                !r.body.contains("Họp UBND tỉnh"),
                "{into}: the hidden session named"
            );
            assert_eq!(totals(&app).await, before, "{into}");
        }
        // Into the seed's session with the draft's day changed: not the same session.
        set(&mut fields, "session_into", &seed.to_string());
        set(&mut fields, "session_date", "2020-08-25");
        let refs = posted(&fields);
        let r = clerk.post_form("/sessions/import/confirm", &refs).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("khác ngày"), "{}", r.body);
        assert_eq!(totals(&app).await, before);
        set(&mut fields, "session_date", "2020-08-24");
        // Into the seed's session (the clerk's ward hosts it): only what it lacks.
        set(&mut fields, "session_into", &seed.to_string());
        let refs = posted(&fields);
        let r = clerk.post_form("/sessions/import/confirm", &refs).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let after = totals(&app).await;
        assert_eq!((after.0, after.1), (before.0, before.1));
        let again = app
            .store
            .raisings(
                app.petition_id("xây mới nhà văn hóa khu 6").await,
                &Visibility::All,
            )
            .await
            .unwrap()
            .len();
        assert_eq!(again, raisings, "raised once at that session");
    }
);
