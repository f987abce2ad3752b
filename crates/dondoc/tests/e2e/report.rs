//! Reports as Word documents in the form of Decree 30/2020/NĐ-CP: a session's conclusions and
//! the voters' petitions of a unit over a period. The file opens as a .docx, holds the form's
//! fixed parts and the demo's records and figures, speaks the reader's language in its
//! tables, is for those signed in, and answers bad input with a 4xx in words.

use axum::http::{header, StatusCode};

use crate::support::{docx_text, form_fields, Resp};

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// The body of a report that came as a Word file named `name`.
fn document(r: &Resp, name: &str) -> String {
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.headers[header::CONTENT_TYPE], DOCX);
    assert_eq!(
        r.headers[header::CONTENT_DISPOSITION],
        format!("attachment; filename=\"{name}\"").as_str()
    );
    docx_text(&r.bytes).expect("a .docx with word/document.xml")
}

/// The fixed parts of the form, in Vietnamese whatever the reader's language.
fn assert_form(text: &str) {
    for part in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: ……/BC-",
        "Hà Lầm, ngày 26 tháng 11 năm 2026",
        "BÁO CÁO",
        "Nơi nhận:",
        "- Lưu: VT, ….",
    ] {
        assert!(text.contains(part), "no {part:?} in\n{text}");
    }
}

app_test!(a_sessions_conclusions_as_a_word_report, |app| async move {
    let seed = app.session_id("Đoàn công tác số 01").await;
    let mut clerk = app.login("vanthu", "vanthu-demo").await;
    let path = format!("/sessions/{seed}/report.docx");
    let page = clerk.get(&format!("/sessions/{seed}")).await.body;
    assert!(
        page.contains(&format!("href=\"{path}\"")),
        "the page links to it"
    );

    let r = clerk.get(&path).await;
    let text = document(&r, &format!("dondoc-bao-cao-ket-luan-{seed}-20261126.docx"));
    assert_form(&text);
    for part in [
        // The host unit issues it; its secretary signs for the committee.
        "ĐẢNG ỦY PHƯỜNG HÀ LẦM",
        "Số: ……/BC-ĐU",
        "Kết quả thực hiện kết luận của Đoàn công tác số 01 Thành ủy tại buổi làm việc ngày 24/08/2020",
        "Đoàn công tác: Đoàn công tác số 01 Thành ủy; trưởng đoàn: Nguyễn Anh Tú.",
        "Tổng số 8 nhiệm vụ: hoàn thành đúng hạn 2; hoàn thành trễ hạn 1; đang thực hiện trong hạn 5; \
         quá hạn 0; đã hủy 0 (số liệu tính đến ngày 26/11/2026).",
        "Nội dung kết luận, nhiệm vụ",
        "hoàn thành việc xây dựng Nhà văn hóa khu 2 trước ngày 18 tháng 11 năm 2020",
        "Hoàn thành trễ hạn",
        "bàn giao cho khu ngày 10/12/2020 (biên bản nghiệm thu kèm theo). (10/12/2020)",
        "- Đoàn công tác số 01 Thành ủy (để báo cáo);",
        "TM. ĐẢNG ỦY",
        "BÍ THƯ",
        "Hà Hồng Sơn",
    ] {
        assert!(text.contains(part), "no {part:?} in\n{text}");
    }

    // In English, the tables and the body; the form's own words stay Vietnamese.
    clerk.lang = Some("en");
    let text = document(
        &clerk.get(&path).await,
        &format!("dondoc-bao-cao-ket-luan-{seed}-20261126.docx"),
    );
    assert_form(&text);
    for part in [
        "Conclusion or directive",
        "Lead and coordinating units",
        "Done late",
        "8 directives in all",
    ] {
        assert!(text.contains(part), "no {part:?} in\n{text}");
    }

    // A visitor is asked to sign in.
    let r = app.anonymous().get(&path).await;
    assert!(r.status.is_redirection(), "{}", r.status);
    assert!(r.location().starts_with("/login"), "{}", r.location());
});

app_test!(
    voters_petitions_of_a_unit_over_a_period_as_a_word_report,
    |app| async move {
        let ward = app.unit_id("Phường Hà Lầm").await;
        let mut clerk = app.login("vanthu", "vanthu-demo").await;
        let name = "dondoc-bao-cao-kien-nghi-20261126.docx";

        // The list offers the report for the clerk's unit, this year to today.
        let page = clerk.get("/petitions").await.body;
        assert!(page.contains("<form method=\"get\" action=\"/petitions/report.docx\""));
        let fields = form_fields(&page, "/petitions/report.docx");
        let unit = ward.to_string();
        assert_eq!(
            fields,
            [
                ("unit_id".to_string(), unit.clone()),
                ("from".into(), "2026-01-01".into()),
                ("to".into(), "2026-11-26".into()),
            ]
        );
        let query = serde_urlencoded::to_string(&fields).unwrap();
        let text = document(
            &clerk.get(&format!("/petitions/report.docx?{query}")).await,
            name,
        );
        assert_form(&text);
        // This year: the two petitions raised again at the recent session.
        assert!(text.contains("Tổng số kiến nghị tiếp nhận: 2."), "{text}");

        // Since 2019: all six, where they stand, and the answers given by their due day (the
        // answer on the house of culture of khu 2 came after its day).
        let text = document(
            &clerk
                .get(&format!(
                    "/petitions/report.docx?unit_id={ward}&from=2019-01-01&to=2026-11-26"
                ))
                .await,
            name,
        );
        for part in [
        "PHƯỜNG HÀ LẦM",
        "Kết quả giải quyết kiến nghị cử tri từ ngày 01/01/2019 đến ngày 26/11/2026",
        "Tổng số kiến nghị tiếp nhận: 6.",
        "Đã giải quyết xong: 1; đã trả lời: 1; đang giải quyết: 4 (trong đó quá hạn: 1); không tiếp nhận: 0.",
        "Tỷ lệ trả lời đúng hạn: 2/3 (66,7%).",
        "Nội dung kiến nghị",
        "Xây mới nhà văn hóa khu 2",
        "Đã giải quyết xong",
        "THỦ TRƯỞNG ĐƠN VỊ",
    ] {
        assert!(text.contains(part), "no {part:?} in\n{text}");
    }
        // One residential area: its own petition only.
        let khu2 = app.unit_id("Khu 2, phường Hà Lầm").await;
        let text = document(
            &clerk
                .get(&format!(
                    "/petitions/report.docx?unit_id={khu2}&from=2019-01-01&to=2026-11-26"
                ))
                .await,
            name,
        );
        assert!(text.contains("Tổng số kiến nghị tiếp nhận: 1."), "{text}");

        // Bad input: a 4xx that says what is wrong, in Vietnamese.
        for (query, says) in [
            (
                format!("unit_id={ward}&from=2020-02-30&to=2020-12-31"),
                "Ngày không hợp lệ",
            ),
            (
                format!("unit_id={ward}&from=2021-01-01&to=2020-12-31"),
                "Ngày kết thúc phải sau ngày bắt đầu",
            ),
            (
                "unit_id=999999&from=2020-01-01&to=2020-12-31".into(),
                "Không tìm thấy bản ghi được chọn",
            ),
            (
                "from=2020-01-01&to=2020-12-31".into(),
                "Đơn vị: Không được để trống",
            ),
            (
                "unit_id=Kh%C3%B4ng+c%C3%B3&from=2020-01-01&to=2020-12-31".into(),
                "Không có bản ghi nào khớp với",
            ),
        ] {
            let r = clerk.get(&format!("/petitions/report.docx?{query}")).await;
            assert!(
                matches!(r.status.as_u16(), 400 | 422),
                "{query}: {}",
                r.status
            );
            assert!(r.body.contains(says), "{query}: {}", r.body);
        }
        // A name that fits no unit: the page to choose sends the form again as it came, by GET.
        let r = clerk
            .get("/petitions/report.docx?unit_id=Kh%C3%B4ng+c%C3%B3&from=2020-01-01&to=2020-12-31")
            .await;
        assert!(r
            .body
            .contains("<form method=\"get\" action=\"/petitions/report.docx\""));

        let r = app
            .anonymous()
            .get(&format!(
                "/petitions/report.docx?unit_id={ward}&from=2019-01-01&to=2026-11-26"
            ))
            .await;
        assert!(r.location().starts_with("/login"), "{}", r.status);
    }
);
