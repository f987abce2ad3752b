//! Imports from a spreadsheet: a list exported and read back, every problem shown by row and
//! column, all or nothing, the valid rows only, duplicates flagged, a clerk kept to their
//! scope, files that are no spreadsheet refused with a message, and the upload's CSRF token
//! in its body; on SQLite and on PostgreSQL with the demo loaded.

use std::io::Write;

use axum::http::StatusCode;
use dondoc_domain::Visibility;
use dondoc_store::PetitionFilter;

use crate::support::{csrf_of, Client, Resp, TestApp};

/// How many petitions, directives and targets are on record.
async fn counts(app: &TestApp) -> (i64, i64, i64) {
    let all = |limit| PetitionFilter {
        limit: Some(limit),
        ..Default::default()
    };
    let p = app
        .store
        .petitions(&all(1), &Visibility::All)
        .await
        .unwrap()
        .total;
    let d = app
        .store
        .directives(&Default::default(), &Visibility::All, crate::support::TODAY)
        .await
        .unwrap()
        .total;
    let t = app
        .store
        .targets(&Default::default(), &Visibility::All)
        .await
        .unwrap()
        .total;
    (p, d, t)
}

/// A multipart upload as the page's form sends it: the CSRF token first, then the fields.
fn form(csrf: Option<&str>, kind: &str, unit: &str, name: &str, file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "dondoc-tabular-boundary";
    let mut body = Vec::new();
    let mut field = |name: &str, value: &str| {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    };
    if let Some(t) = csrf {
        field("_csrf", t);
    }
    field("kind", kind);
    field("unit_id", unit);
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Signs in and opens the upload page, taking its form token.
async fn signed_in<'a>(app: &'a TestApp, login: &str, password: &str) -> Client<'a> {
    let mut c = app.login(login, password).await;
    let page = c.get("/imports").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("enctype=\"multipart/form-data\""));
    c.csrf = Some(csrf_of(&page.body));
    c
}

async fn upload(c: &mut Client<'_>, kind: &str, unit: &str, name: &str, file: &[u8]) -> Resp {
    let csrf = c.csrf.clone();
    let (ct, body) = form(csrf.as_deref(), kind, unit, name, file);
    c.post_raw("/imports", &ct, body).await
}

/// The job page once the job has stopped moving (reading or writing), and its address.
async fn settled(c: &mut Client<'_>, r: &Resp) -> (String, Resp) {
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let at = r.location();
    assert!(at.starts_with("/imports/"), "{at}");
    for _ in 0..600 {
        let page = c.get(&at).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        if !page.body.contains("http-equiv=\"refresh\"") {
            return (at, page);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{at} never settled");
}

async fn confirm(c: &mut Client<'_>, at: &str, fields: &[(&str, &str)]) -> Resp {
    c.post_form(&format!("{at}/confirm"), fields).await
}

app_test!(an_exported_list_reads_back_and_imports, |app| async move {
    let mut leader = signed_in(&app, "lanhdao", "lanhdao-demo").await;
    let before = counts(&app).await;
    let max_before = app
        .store
        .petitions(
            &PetitionFilter {
                limit: Some(1),
                ..Default::default()
            },
            &Visibility::All,
        )
        .await
        .unwrap()
        .items[0]
        .petition
        .id;
    let export = leader.get("/petitions/export.csv").await;
    assert_eq!(export.status, StatusCode::OK);
    let listed = before.0;

    // Read back: every row, no error, the export's own columns recognised or left alone,
    // every row with an area flagged as like the petition it was exported from.
    let r = upload(&mut leader, "petitions", "", "kien-nghi.csv", &export.bytes).await;
    let (at, page) = settled(&mut leader, &r).await;
    assert!(
        page.body
            .contains(&format!("{listed} dòng · 0 dòng có lỗi")),
        "{}",
        page.body
    );
    assert!(page.body.contains("Trạng thái → bỏ qua (chỉ để xem)"));
    assert!(page.body.contains("Giống kiến nghị đã có #"));
    assert_eq!(counts(&app).await, before, "reading writes nothing");

    // Written: as many petitions again, each saying what its original says.
    let done = confirm(&mut leader, &at, &[("mode", "all")]).await;
    let (_, page) = settled(&mut leader, &done).await;
    assert!(
        page.body
            .contains(&format!("Đã nhập {listed} dòng; bỏ qua 0 dòng")),
        "{}",
        page.body
    );
    let after = counts(&app).await;
    assert_eq!(after.0, before.0 + listed);
    let all = app
        .store
        .petitions(
            &PetitionFilter {
                limit: Some(500),
                ..Default::default()
            },
            &Visibility::All,
        )
        .await
        .unwrap()
        .items;
    let (new, old): (Vec<_>, Vec<_>) = all.iter().partition(|p| p.petition.id > max_before);
    assert_eq!(new.len() as i64, listed, "{new:?}");
    for n in &new {
        let twin = old
            .iter()
            .find(|o| o.petition.text == n.petition.text)
            .unwrap_or_else(|| panic!("no original of {}", n.petition.text));
        assert_eq!(n.petition.title, twin.petition.title);
        assert_eq!(n.petition.category, twin.petition.category);
        assert_eq!(n.petition.area_unit_id, twin.petition.area_unit_id);
        assert_eq!(
            n.petition.responsible_unit_id,
            twin.petition.responsible_unit_id
        );
        if twin.petition.due_on.is_some() {
            assert_eq!(
                n.petition.due_on, twin.petition.due_on,
                "{}",
                n.petition.text
            );
        }
    }

    // The same list as an English .xlsx reads back as well.
    leader.lang = Some("en");
    let xlsx = leader.get("/directives/export.xlsx").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    let r = upload(
        &mut leader,
        "directives",
        "",
        "directives.xlsx",
        &xlsx.bytes,
    )
    .await;
    let (_, page) = settled(&mut leader, &r).await;
    assert!(
        page.body
            .contains(&format!("{} rows · 0 with errors", before.1)),
        "{}",
        page.body
    );
});

/// A ward's list with a good row and three bad ones (a day that does not exist, an area
/// unknown, no text), separated by semicolons as Excel writes it in Vietnam.
const BAD_ROWS: &str = "Nội dung;Địa bàn;Hạn trả lời\n\
    Sửa chữa đèn chiếu sáng ngõ 12;Khu 4, phường Hà Lầm;30/12/2026\n\
    Nạo vét rãnh thoát nước tổ 3;Khu 4, phường Hà Lầm;31/02/2026\n\
    Làm lại biển báo tổ 5;Khu 99;\n\
    ;Khu 2, phường Hà Lầm;01/12/2026\n";

app_test!(every_problem_is_shown_by_row_and_column, |app| async move {
    let mut clerk = signed_in(&app, "vanthu", "vanthu-demo").await;
    let r = upload(&mut clerk, "petitions", "", "ds.csv", BAD_ROWS.as_bytes()).await;
    let (at, page) = settled(&mut clerk, &r).await;
    assert!(
        page.body.contains("4 dòng · 3 dòng có lỗi"),
        "{}",
        page.body
    );
    let errors = clerk.get(&format!("{at}?show=errors")).await.body;
    for (row, message) in [
        (3, "Hạn trả lời: Ngày không hợp lệ"),
        (4, "Địa bàn: "),
        (5, "Nội dung: "),
    ] {
        let at = errors
            .find(&format!("<th scope=\"row\">{row}</th>"))
            .unwrap_or_else(|| panic!("no row {row}: {errors}"));
        let end = at + errors[at..].find("</tr>").unwrap();
        assert!(
            errors[at..end].contains(message),
            "row {row}: {}",
            &errors[at..end]
        );
    }
    assert!(
        !errors.contains("<th scope=\"row\">2</th>"),
        "row 2 is fine"
    );
    // In English for one who reads English: the file's own column names, messages translated.
    clerk.lang = Some("en");
    let en = clerk.get(&format!("{at}?show=errors")).await.body;
    assert!(en.contains("Hạn trả lời: Not a valid date"), "{en}");
});

app_test!(all_or_nothing_then_the_valid_rows_only, |app| async move {
    let mut clerk = signed_in(&app, "vanthu", "vanthu-demo").await;
    let before = counts(&app).await;
    let r = upload(&mut clerk, "petitions", "", "ds.csv", BAD_ROWS.as_bytes()).await;
    let (at, page) = settled(&mut clerk, &r).await;
    assert!(
        !page.body.contains("value=\"all\""),
        "no 'import all' while rows have errors"
    );
    // Asked anyway: refused, and nothing written.
    let refused = confirm(&mut clerk, &at, &[("mode", "all")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("Còn 3 dòng có lỗi"),
        "{}",
        refused.body
    );
    assert_eq!(counts(&app).await, before);
    // The valid rows only: exactly the one.
    let done = confirm(&mut clerk, &at, &[("mode", "valid")]).await;
    let (_, page) = settled(&mut clerk, &done).await;
    assert!(
        page.body.contains("Đã nhập 1 dòng; bỏ qua 3 dòng"),
        "{}",
        page.body
    );
    assert_eq!(counts(&app).await.0, before.0 + 1);
    let id = app.petition_id("Sửa chữa đèn chiếu sáng ngõ 12").await;
    let p = app.store.petition(id, &Visibility::All).await.unwrap();
    assert_eq!(p.area_name.as_deref(), Some("Khu 4, phường Hà Lầm"));
    assert_eq!(p.petition.due_on, Some(jiff::civil::date(2026, 12, 30)));
    // Its history says where it came from.
    let history = app.store.history("petition", id).await.unwrap();
    assert_eq!(history[0].action, "import_sheet");
    // Written once: a second confirmation finds the job done.
    let again = confirm(&mut clerk, &at, &[("mode", "valid")]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(counts(&app).await.0, before.0 + 1);
});

app_test!(
    a_row_that_fails_while_writing_undoes_the_rows_before_it,
    |app| async move {
        let mut clerk = signed_in(&app, "vanthu", "vanthu-demo").await;
        let before = counts(&app).await;
        // 260 good rows: the writing goes batch by batch, and the last batch is the one
        // that will fail.
        let mut csv = String::from("Nội dung,Địa bàn\n");
        for i in 1..=259 {
            csv.push_str(&format!("Sửa chữa cống thoát nước tổ {i},Khu 4\n"));
        }
        csv.push_str("Sửa chữa cống thoát nước tổ 999,Khu 6\n");
        let r = upload(&mut clerk, "petitions", "", "ds.csv", csv.as_bytes()).await;
        let (at, page) = settled(&mut clerk, &r).await;
        assert!(
            page.body.contains("260 dòng · 0 dòng có lỗi"),
            "{}",
            page.body
        );
        // Khu 6 is merged into Khu 4 after the preview: row 261 no longer holds.
        let admin = app.token("quantri", "quantri-demo").await;
        let (khu6, khu4) = (
            app.unit_id("Khu 6, phường Hà Lầm").await,
            app.unit_id("Khu 4, phường Hà Lầm").await,
        );
        let unit = admin
            .api(
                axum::http::Method::GET,
                &format!("/api/v1/units/{khu6}"),
                None,
            )
            .await
            .json();
        let merged = admin
            .post_json(
                &format!("/api/v1/units/{khu6}/merge"),
                serde_json::json!({ "merged_into": khu4, "version": unit["version"] }),
            )
            .await;
        assert_eq!(merged.status, StatusCode::OK, "{}", merged.body);
        let done = confirm(&mut clerk, &at, &[("mode", "all")]).await;
        let (_, page) = settled(&mut clerk, &done).await;
        assert!(page.body.contains("chưa ghi gì"), "{}", page.body);
        assert_eq!(counts(&app).await, before, "the first 200 rows were undone");
        let errors = clerk.get(&format!("{at}?show=errors")).await.body;
        assert!(errors.contains("<th scope=\"row\">261</th>"), "{errors}");
    }
);

app_test!(duplicates_are_flagged, |app| async move {
    let mut clerk = signed_in(&app, "vanthu", "vanthu-demo").await;
    let before = counts(&app).await;
    let on_file = app.petition_id("xây mới nhà văn hóa khu 6").await;
    let csv = "Nội dung,Địa bàn\n\
        Xây mới nhà văn hoá khu 6,Khu 6\n\
        Sửa mái nhà văn hóa khu 4,Khu 4\n\
        sửa mái nhà văn hoá khu 4,Khu 4\n";
    let r = upload(&mut clerk, "petitions", "", "ds.csv", csv.as_bytes()).await;
    let (at, page) = settled(&mut clerk, &r).await;
    assert!(
        page.body
            .contains("3 dòng · 0 dòng có lỗi · 2 dòng có thể trùng"),
        "{}",
        page.body
    );
    let dups = clerk.get(&format!("{at}?show=duplicates")).await.body;
    assert!(
        dups.contains(&format!("Giống kiến nghị đã có #{on_file}")),
        "{dups}"
    );
    assert!(dups.contains("Trùng dòng 3 của tệp"), "{dups}");
    // Left out when asked: only the first of the two alike rows is written.
    let done = confirm(
        &mut clerk,
        &at,
        &[("mode", "all"), ("skip_duplicates", "on")],
    )
    .await;
    let (_, page) = settled(&mut clerk, &done).await;
    assert!(
        page.body.contains("Đã nhập 1 dòng; bỏ qua 2 dòng"),
        "{}",
        page.body
    );
    assert_eq!(counts(&app).await.0, before.0 + 1);
});

app_test!(a_clerk_imports_into_their_scope_only, |app| async move {
    let mut clerk = signed_in(&app, "vanthu", "vanthu-demo").await;
    let before = counts(&app).await;
    // The city's department is outside the ward clerk's scope, as area and as the unit to
    // answer; the province's committee is outside it for a target.
    let csv = "Nội dung,Địa bàn,Đơn vị giải quyết\n\
        Kiến nghị trong phường,Khu 4,UBND phường Hà Lầm\n\
        Kiến nghị ngoài phường,Phòng Tài nguyên và Môi trường,\n\
        Giao việc ra ngoài,Khu 4,Ban QLDA thành phố\n";
    let r = upload(&mut clerk, "petitions", "", "ds.csv", csv.as_bytes()).await;
    let (at, page) = settled(&mut clerk, &r).await;
    assert!(
        page.body.contains("3 dòng · 2 dòng có lỗi"),
        "{}",
        page.body
    );
    let errors = clerk.get(&format!("{at}?show=errors")).await.body;
    assert!(
        errors.contains("Địa bàn: Đơn vị này ngoài phạm vi"),
        "{errors}"
    );
    assert!(
        errors.contains("Đơn vị giải quyết: Đơn vị này ngoài phạm vi"),
        "{errors}"
    );
    let refused = confirm(&mut clerk, &at, &[("mode", "all")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(counts(&app).await, before);
    let targets = "Đơn vị,Chỉ tiêu,Đơn vị tính,Từ ngày,Đến ngày,Kế hoạch\n\
        UBND tỉnh Quảng Ninh,Thu ngân sách tỉnh,VND,01/01/2027,31/12/2027,\"8,5 tỷ\"\n";
    let r = upload(&mut clerk, "targets", "", "ct.csv", targets.as_bytes()).await;
    let (_, page) = settled(&mut clerk, &r).await;
    assert!(
        page.body.contains("1 dòng · 1 dòng có lỗi"),
        "{}",
        page.body
    );
    // An officer records nothing; a visitor is sent to sign in.
    let mut officer = app.login("chuyenvien", "chuyenvien-demo").await;
    assert_eq!(officer.get("/imports").await.status, StatusCode::FORBIDDEN);
    let mut visitor = app.anonymous();
    let r = visitor.get("/imports").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/login"));
    let (ct, body) = form(None, "petitions", "", "ds.csv", csv.as_bytes());
    let r = visitor.post_raw("/imports", &ct, body).await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert_eq!(counts(&app).await, before);
});

app_test!(directives_and_targets_import_too, |app| async move {
    let mut leader = signed_in(&app, "lanhdao", "lanhdao-demo").await;
    let before = counts(&app).await;
    let directives = "Nội dung;Đơn vị chủ trì;Đơn vị phối hợp;Thời hạn;Người chỉ đạo\n\
        Hoàn thành nạo vét kênh mương khu 4;UBND phường Hà Lầm;\"Phòng TN&MT; Ban QLDA thành phố\";15/01/2027;Nguyễn Anh Tú\n";
    let r = upload(
        &mut leader,
        "directives",
        "",
        "nv.csv",
        directives.as_bytes(),
    )
    .await;
    let (at, page) = settled(&mut leader, &r).await;
    assert!(
        page.body.contains("1 dòng · 0 dòng có lỗi"),
        "{}",
        page.body
    );
    let done = confirm(&mut leader, &at, &[("mode", "all")]).await;
    settled(&mut leader, &done).await;
    let id = app
        .directive_id("Hoàn thành nạo vét kênh mương khu 4")
        .await;
    let d = app
        .store
        .directive(id, &Visibility::All, crate::support::TODAY)
        .await
        .unwrap();
    assert_eq!(d.lead_name.as_deref(), Some("UBND phường Hà Lầm"));
    assert_eq!(d.coordinating_names.len(), 2, "{:?}", d.coordinating_names);
    assert_eq!(d.directive.deadline, Some(jiff::civil::date(2027, 1, 15)));
    assert!(d.directive.issued_by_person_id.is_some());

    // Targets: the default unit fills the empty cell; amounts as people write them.
    let ward = app.unit_id("UBND phường Hà Lầm").await;
    let targets = "Chỉ tiêu,Đơn vị tính,Từ ngày,Đến ngày,Kế hoạch,Đơn vị\n\
        Thu ngân sách xã (phường) năm 2027,VND,01/01/2027,31/12/2027,\"8,5 tỷ\",\n";
    let r = upload(
        &mut leader,
        "targets",
        &ward.to_string(),
        "ct.csv",
        targets.as_bytes(),
    )
    .await;
    let (at, page) = settled(&mut leader, &r).await;
    assert!(
        page.body.contains("1 dòng · 0 dòng có lỗi"),
        "{}",
        page.body
    );
    let done = confirm(&mut leader, &at, &[("mode", "all")]).await;
    settled(&mut leader, &done).await;
    let after = counts(&app).await;
    assert_eq!((after.1, after.2), (before.1 + 1, before.2 + 1));
    let t = app
        .store
        .targets(&Default::default(), &Visibility::All)
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|t| t.target.indicator == "Thu ngân sách xã (phường) năm 2027")
        .expect("the target");
    assert_eq!(t.target.unit_id, ward);
    assert_eq!(t.target.plan_value, 8.5e9);
});

/// A workbook whose sheet, all spaces, expands from about 130 KB to 130 MB.
fn bomb() -> Vec<u8> {
    let mut buf = Vec::new();
    {
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(&mut buf));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        z.start_file("[Content_Types].xml", opts).unwrap();
        z.write_all(b"<Types/>").unwrap();
        z.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..130 {
            z.write_all(&chunk).unwrap();
        }
        z.finish().unwrap();
    }
    buf
}

app_test!(
    what_is_no_spreadsheet_is_refused_with_a_message,
    |app| async move {
        let mut clerk = signed_in(&app, "vanthu", "vanthu-demo").await;
        let before = counts(&app).await;
        let bomb = bomb();
        assert!(bomb.len() < 1 << 20, "{}", bomb.len());
        let mut pdf =
            b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj << /Type /Catalog >> endobj\n".to_vec();
        pdf.extend(std::iter::repeat_n(b'x', 2000));
        let binary: Vec<u8> = (0..4000u32).map(|i| (i * 7919 % 251) as u8).collect();
        for (name, file, status, message) in [
            (
                "bom.xlsx",
                bomb,
                StatusCode::PAYLOAD_TOO_LARGE,
                "Tệp quá lớn",
            ),
            (
                "bao-cao.xlsx",
                pdf,
                StatusCode::UNPROCESSABLE_ENTITY,
                "Không đọc được tệp PDF",
            ),
            (
                "ds.xlsx",
                binary,
                StatusCode::UNPROCESSABLE_ENTITY,
                "không phải bảng tính",
            ),
            (
                "ds.csv",
                "Tên,Ghi chú\nA,B\n".as_bytes().to_vec(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "Không thấy cột “Nội dung”",
            ),
        ] {
            let r = upload(&mut clerk, "petitions", "", name, &file).await;
            assert_eq!(r.status, status, "{name}: {}", r.body);
            assert!(r.body.contains(message), "{name}: {}", r.body);
            assert!(r.body.contains("<html lang=\"vi\">"), "{name}");
        }
        assert_eq!(counts(&app).await, before);
        // A pasted Excel 97 workbook is told what to do.
        let xls = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0];
        let r = upload(&mut clerk, "petitions", "", "cu.xls", &xls).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains(".xlsx"), "{}", r.body);
    }
);

app_test!(
    the_upload_carries_its_form_token_in_its_body,
    |app| async move {
        let mut clerk = signed_in(&app, "vanthu", "vanthu-demo").await;
        let page = clerk.get("/imports").await.body;
        // The form's token is a field of the form, never in its address.
        assert!(page.contains("action=\"/imports\" enctype=\"multipart/form-data\""));
        assert!(!page.contains("/imports?_csrf="));
        let csv = "Nội dung,Địa bàn\nSửa chữa đèn đường tổ 7,Khu 4\n".as_bytes();
        let token = clerk.csrf.clone().unwrap();
        // Without a token, with a wrong one: refused before anything is read.
        for csrf in [None, Some("0".repeat(64))] {
            let (ct, body) = form(csrf.as_deref(), "petitions", "", "ds.csv", csv);
            let r = clerk.post_raw("/imports", &ct, body).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{:?}", csrf);
        }
        // In the body: taken.
        let (ct, body) = form(Some(&token), "petitions", "", "ds.csv", csv);
        let r = clerk.post_raw("/imports", &ct, body).await;
        let (_, page) = settled(&mut clerk, &r).await;
        assert!(
            page.body.contains("1 dòng · 0 dòng có lỗi"),
            "{}",
            page.body
        );
        // The confirmation is a form like any other: without its token, refused.
        let at = r.location();
        let r = clerk
            .post_raw(
                &format!("{at}/confirm"),
                "application/x-www-form-urlencoded",
                b"mode=all".to_vec(),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // Another person's job is none of theirs.
        let mut leader = app.login("lanhdao", "lanhdao-demo").await;
        assert_eq!(leader.get(&at).await.status, StatusCode::NOT_FOUND);
    }
);

app_test!(
    a_job_under_way_is_followed_by_a_page_that_refreshes,
    |app| async move {
        let mut clerk = signed_in(&app, "vanthu", "vanthu-demo").await;
        let user = app
            .store
            .user_by_login("vanthu")
            .await
            .unwrap()
            .unwrap()
            .user
            .id;
        let job = app
            .store
            .create_import(Some(user), "petitions", "lon.xlsx", None)
            .await
            .unwrap();
        let page = clerk.get(&format!("/imports/{}", job.id)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page
            .body
            .contains("<meta http-equiv=\"refresh\" content=\"2\">"));
        assert!(page.body.contains("<progress"));
        assert!(page.body.contains("Đang đọc tệp"), "{}", page.body);
        assert!(
            !page.body.contains("<script src=\"/assets/tabular"),
            "no script needed"
        );
    }
);

/// The import's JSON once it has stopped moving (reading or writing).
async fn settled_api(c: &Client<'_>, id: i64) -> serde_json::Value {
    for _ in 0..600 {
        let r = c
            .api(
                axum::http::Method::GET,
                &format!("/api/v1/imports/{id}"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let j = r.json();
        if !matches!(j["state"].as_str(), Some("reading" | "writing")) {
            return j;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("import {id} never settled");
}

app_test!(the_api_imports_as_the_pages_do, |app| async move {
    use axum::http::Method;
    let clerk = app.token("vanthu", "vanthu-demo").await;
    let before = counts(&app).await;
    let send = |path: String, bytes: &[u8]| {
        let (clerk, bytes) = (&clerk, bytes.to_vec());
        async move {
            clerk
                .api_raw(Method::POST, &path, "application/octet-stream", bytes)
                .await
        }
    };
    // A kind it does not know, and no file: said by field.
    let r = send(
        "/api/v1/imports?kind=people".to_string(),
        BAD_ROWS.as_bytes(),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["field"], "kind");
    let r = send("/api/v1/imports?kind=petitions".to_string(), b"").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["field"], "file");
    // Not a spreadsheet.
    let r = send(
        "/api/v1/imports?kind=petitions".to_string(),
        b"%PDF-1.7\n1 0 obj\n",
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"], "invalid_file");

    // The rows with their problems, by row and column, in words.
    let r = send(
        "/api/v1/imports?kind=petitions&file_name=ds.csv".to_string(),
        BAD_ROWS.as_bytes(),
    )
    .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    assert_eq!(r.location(), format!("/api/v1/imports/{id}"));
    let job = settled_api(&clerk, id).await;
    assert_eq!(job["state"], "ready", "{job}");
    assert_eq!(job["rows_total"], 4);
    assert_eq!(job["rows_error"], 3, "{job}");
    let errors = clerk
        .api(
            Method::GET,
            &format!("/api/v1/imports/{id}/rows?show=errors"),
            None,
        )
        .await
        .json();
    let rows = errors["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "{errors}");
    assert_eq!(rows[0]["row"], 3);
    assert_eq!(rows[0]["problems"][0]["field"], "due_on", "{errors}");
    assert!(rows[0]["problems"][0]["message"]
        .as_str()
        .unwrap()
        .contains("Ngày không hợp lệ"));
    // All, while rows have errors: refused; the valid rows: written.
    let commit = |body: serde_json::Value| {
        let clerk = &clerk;
        async move {
            clerk
                .post_json(&format!("/api/v1/imports/{id}/commit"), body)
                .await
        }
    };
    let r = commit(serde_json::json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["field"], "valid_only");
    assert_eq!(counts(&app).await, before);
    let r = commit(serde_json::json!({ "valid_only": true })).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    let job = settled_api(&clerk, id).await;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(job["written"], 1);
    assert_eq!(counts(&app).await.0, before.0 + 1);
    // Once only; and another's import is none of theirs.
    let r = commit(serde_json::json!({ "valid_only": true })).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let leader = app.token("lanhdao", "lanhdao-demo").await;
    let r = leader
        .api(Method::GET, &format!("/api/v1/imports/{id}"), None)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let officer = app.token("chuyenvien", "chuyenvien-demo").await;
    let r = officer
        .api_raw(
            Method::POST,
            "/api/v1/imports?kind=petitions",
            "text/csv",
            BAD_ROWS.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
});

app_test!(
    coordinating_units_are_read_and_kept_to_scope,
    |app| async move {
        let mut clerk = signed_in(&app, "vanthu", "vanthu-demo").await;
        let before = counts(&app).await;
        // Coordinating units as the export writes them ("; " between names): the city's
        // board is outside the ward clerk's scope, as it is for the unit to answer.
        let csv = "Nội dung,Địa bàn,Đơn vị giải quyết,Đơn vị phối hợp\n\
        Phun thuốc diệt muỗi tổ 5 khu 4,Khu 4,UBND phường Hà Lầm,Trạm y tế phường Hà Lầm; Khu 4\n\
        Nâng cấp đường vào trường mầm non khu 4,Khu 4,UBND phường Hà Lầm,Ban QLDA thành phố\n";
        let r = upload(&mut clerk, "petitions", "", "ds.csv", csv.as_bytes()).await;
        let (at, page) = settled(&mut clerk, &r).await;
        assert!(
            page.body.contains("2 dòng · 1 dòng có lỗi"),
            "{}",
            page.body
        );
        let errors = clerk.get(&format!("{at}?show=errors")).await.body;
        assert!(
            errors.contains("Đơn vị phối hợp: Đơn vị này ngoài phạm vi"),
            "{errors}"
        );
        let r = confirm(&mut clerk, &at, &[("mode", "valid")]).await;
        assert!(r.status.is_redirection(), "{}", r.body);
        let (_, _) = settled(&mut clerk, &r).await;
        assert_eq!(counts(&app).await.0, before.0 + 1);
        let written = app
            .store
            .petitions(
                &PetitionFilter {
                    q: Some("Phun thuốc diệt muỗi tổ 5".into()),
                    ..Default::default()
                },
                &Visibility::All,
            )
            .await
            .unwrap()
            .items;
        assert_eq!(written.len(), 1);
        let p = &written[0];
        assert_eq!(
            p.coordinating_names,
            ["Khu 4, phường Hà Lầm", "Trạm y tế phường Hà Lầm"]
        );
        // Assigned with coordinating units and no due date: 50 working days.
        let in_50 = dondoc_domain::calendar::Calendar::vietnam()
            .add_working_days(crate::support::TODAY, 50)
            .unwrap();
        assert_eq!(p.petition.due_on, Some(in_50));
    }
);
