//! Following up through time, with a clock the test moves and a mail server the test runs:
//! an assignment is told once, in the app and by mail, to the people of the unit; reminders
//! come before the deadline, on the day and the day after; the Monday digest lists what is
//! overdue; a mail the server refuses is sent again later; two schedulers on one database
//! tell nobody twice.

use dondoc_app::jobs::{Job, Outcome, Scheduler};
use dondoc_app::mail::Mailer;
use dondoc_app::{App, Clock};
use dondoc_domain::follow::{NoticeKind, Profile};
use dondoc_domain::input::DirectiveInput;
use dondoc_domain::Role;
use dondoc_store::Backend;
use dondoc_testing::smtp::SmtpServer;
use jiff::Timestamp;

use crate::support::TestApp;

/// Runs `$body` with an empty `TestApp` (a ward, its units, one clerk) on each backend.
macro_rules! empty_test {
    ($name:ident, |$app:ident| $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $app = TestApp::empty(Backend::Sqlite).await.expect("sqlite");
                $body.await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some($app) = TestApp::empty(Backend::Postgres).await else {
                    return;
                };
                $body.await
            }
        }
    };
}

/// 9:00 in Vietnam on a day.
fn at(y: i16, m: i8, d: i8, h: i8) -> Timestamp {
    jiff::civil::date(y, m, d)
        .at(h, 0, 0, 0)
        .to_zoned(dondoc_app::vietnam())
        .unwrap()
        .timestamp()
}

struct Follow {
    app: App,
    clock: Clock,
    smtp: SmtpServer,
    ward: i64,
    officer: i64,
    clerk: i64,
}

impl Follow {
    /// The ward's officer with an address and the ward's clerk without one; the clock at
    /// 10 November 2020.
    async fn new(t: &TestApp) -> Follow {
        let ward = t.unit_id("Phường Hà Lầm").await;
        let hash = dondoc_app::users::hash_password("can-bo-mat-khau").unwrap();
        let officer = t
            .store
            .create_user(
                Default::default(),
                "canbo",
                "Cán bộ phường",
                &hash,
                Role::Officer,
                Some(ward),
                None,
            )
            .await
            .unwrap()
            .id;
        t.store
            .set_profile(
                officer,
                &Profile {
                    email: Some("canbo@halam.vn".into()),
                    ..Profile::default()
                },
            )
            .await
            .unwrap();
        let clerk = t
            .store
            .user_by_login("thuky")
            .await
            .unwrap()
            .unwrap()
            .user
            .id;
        let clock = Clock::manual(at(2020, 11, 10, 9));
        let app = App::new(t.store.clone(), None)
            .with_clock(clock.clone())
            .with_mail(true);
        Follow {
            app,
            clock,
            smtp: SmtpServer::start().await,
            ward,
            officer,
            clerk,
        }
    }

    fn scheduler(&self, node: &str) -> Scheduler {
        let mailer = Mailer::new(
            &self.smtp.url(),
            "dondoc <dondoc@halam.vn>",
            "https://dondoc.halam.vn",
        )
        .unwrap();
        Scheduler::new(
            self.app.clone(),
            Some(mailer),
            node.into(),
            std::time::Duration::from_secs(15),
        )
    }

    async fn directive(&self, text: &str, deadline: &str) -> i64 {
        let raw = DirectiveInput {
            text: Some(text.into()),
            lead_unit_id: Some(self.ward),
            deadline: Some(deadline.into()),
            ..Default::default()
        };
        dondoc_app::directives::create(&self.app, &self.app.system(), &raw)
            .await
            .unwrap()
            .directive
            .id
    }

    async fn kinds(&self, user: i64) -> Vec<NoticeKind> {
        let (notices, _) = self.app.store().notices(user, 100, 0).await.unwrap();
        notices.iter().rev().map(|n| n.kind).collect()
    }

    /// The subjects of the mail received, in order.
    fn subjects(&self) -> Vec<String> {
        self.smtp
            .received()
            .iter()
            .map(|m| m.decoded_header("Subject").unwrap_or_default())
            .collect()
    }
}

empty_test!(
    an_assignment_is_told_once_in_the_app_and_by_mail,
    |t| async move {
        let f = Follow::new(&t).await;
        let id = f
            .directive(
                "Hoàn thành xây dựng Nhà văn hóa khu 2 trước ngày 18 tháng 11 năm 2020",
                "2020-11-18",
            )
            .await;

        let node_a = f.scheduler("node-a");
        let outcomes = node_a.pass().await;
        assert!(
            outcomes
                .iter()
                .all(|(_, o)| !matches!(o, Outcome::Failed(_))),
            "{outcomes:?}"
        );
        // Both people of the ward see it in the app; only the one with an address gets mail.
        assert_eq!(f.kinds(f.officer).await, [NoticeKind::Assigned]);
        assert_eq!(f.kinds(f.clerk).await, [NoticeKind::Assigned]);
        let mail = f.smtp.received();
        assert_eq!(mail.len(), 1, "{:?}", f.subjects());
        assert_eq!(mail[0].to, ["canbo@halam.vn"]);
        assert_eq!(mail[0].from, "dondoc@halam.vn");
        let body = mail[0].body();
        assert!(
            body.contains(&format!("https://dondoc.halam.vn/directives/{id}")),
            "{body}"
        );
        assert!(
            f.subjects()[0].starts_with("[dondoc] Nhiệm vụ mới giao cho đơn vị: Hoàn thành"),
            "{:?}",
            f.subjects()
        );
        assert!(body.starts_with("Kính gửi Cán bộ phường,"), "{body}");

        // Another pass, another node, the clock a minute on: nobody is told again.
        f.clock.set(at(2020, 11, 10, 10));
        node_a.pass().await;
        f.scheduler("node-b").pass().await;
        assert_eq!(f.smtp.received().len(), 1);
        assert_eq!(f.kinds(f.officer).await, [NoticeKind::Assigned]);

        // The job rows say who ran what.
        let jobs = f.app.store().jobs().await.unwrap();
        let follow = jobs.iter().find(|j| j.name == Job::Follow.name()).unwrap();
        assert!(follow.runs >= 2, "{jobs:?}");
        assert!(follow.last_error.is_none(), "{jobs:?}");
    }
);

empty_test!(
    reminders_come_before_on_and_after_the_deadline,
    |t| async move {
        let f = Follow::new(&t).await;
        f.directive("Nhà văn hóa khu 2", "2020-11-18").await;
        let s = f.scheduler("node-a");
        // Day by day from 10 to 24 November 2020, one pass each morning.
        let mut seen = Vec::new();
        for day in 10..=24 {
            f.clock.set(at(2020, 11, day, 9));
            s.pass().await;
            let kinds = f.kinds(f.officer).await;
            if kinds.len() > seen.len() {
                seen = kinds;
                eprintln!("{day}/11: {:?}", seen.last());
            }
        }
        // Assigned on the 10th; three days before (the default) on the 15th; on the day; the
        // day after; and the Monday digest of the 23rd.
        assert_eq!(
            f.kinds(f.officer).await,
            [
                NoticeKind::Assigned,
                NoticeKind::DueSoon,
                NoticeKind::DueToday,
                NoticeKind::Overdue,
                NoticeKind::Digest,
            ]
        );
        let (notices, unread) = f.app.store().notices(f.officer, 10, 0).await.unwrap();
        assert_eq!(unread, 5);
        let due_soon = notices
            .iter()
            .find(|n| n.kind == NoticeKind::DueSoon)
            .unwrap();
        assert_eq!(
            due_soon.at.to_zoned(dondoc_app::vietnam()).date(),
            jiff::civil::date(2020, 11, 15)
        );
        let digest = notices
            .iter()
            .find(|n| n.kind == NoticeKind::Digest)
            .unwrap();
        assert_eq!(
            digest.at.to_zoned(dondoc_app::vietnam()).date(),
            jiff::civil::date(2020, 11, 23)
        );
        assert!(digest
            .detail
            .as_deref()
            .unwrap()
            .contains("Nhà văn hóa khu 2"));
        assert_eq!(f.smtp.received().len(), 5, "{:?}", f.subjects());

        // An officer who wants no reminders before the day gets none: a second directive.
        let mut p = f.app.store().profile(f.officer).await.unwrap();
        p.remind_days = 0;
        p.weekly_digest = false;
        f.app.store().set_profile(f.officer, &p).await.unwrap();
        f.directive("Sửa đường khu 6", "2020-12-01").await;
        for day in 25..=30 {
            f.clock.set(at(2020, 11, day, 9));
            s.pass().await;
        }
        let kinds = f.kinds(f.officer).await;
        assert_eq!(kinds.len(), 6, "only the assignment: {kinds:?}");
        assert_eq!(kinds[5], NoticeKind::Assigned);
        f.clock
            .set(at(2020, 11, 30, 9) + jiff::SignedDuration::from_hours(24));
        s.pass().await;
        assert_eq!(f.kinds(f.officer).await[6], NoticeKind::DueToday);
    }
);

empty_test!(work_closed_before_it_is_told_is_not_told, |t| async move {
    // A directive given and closed before the next pass (as the demo's and an import's old
    // sessions are): nobody is handed it.
    let f = Follow::new(&t).await;
    let id = f.directive("Tập hợp ý kiến cử tri", "2020-11-18").await;
    let d = dondoc_app::directives::get(&f.app, &f.app.system(), id)
        .await
        .unwrap();
    dondoc_app::directives::transition(
        &f.app,
        &f.app.system(),
        id,
        &dondoc_domain::input::DirectiveTransitionInput {
            action: Some("complete".into()),
            version: Some(d.directive.version),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    f.scheduler("node-a").pass().await;
    assert!(f.kinds(f.officer).await.is_empty());
    assert!(f.smtp.received().is_empty());
});

empty_test!(a_refused_mail_is_sent_again_later, |t| async move {
    let f = Follow::new(&t).await;
    f.directive("Nhà văn hóa khu 2", "2020-11-18").await;
    f.smtp.refuse_next(2);
    let s = f.scheduler("node-a");
    s.pass().await;
    assert!(f.smtp.received().is_empty());
    let (n, _) = f.app.store().notices(f.officer, 1, 0).await.unwrap();
    assert_eq!(n[0].mail, "pending");
    // Tried again after a minute (refused again), then after four more.
    for minutes in [2, 7] {
        f.clock
            .set(at(2020, 11, 10, 9) + jiff::SignedDuration::from_mins(minutes));
        s.pass().await;
    }
    assert_eq!(f.smtp.received().len(), 1, "{:?}", f.subjects());
    let (n, _) = f.app.store().notices(f.officer, 1, 0).await.unwrap();
    assert_eq!(n[0].mail, "sent");
});

/// Two `dondoc serve` nodes on one PostgreSQL, each running the scheduler every second, for
/// two minutes: assignments and deadlines of today keep coming (one directive every three
/// seconds, each giving an assignment mail and a due-today mail), and node A is killed and
/// started again half-way. Every notice is mailed exactly once: the mail server's count is
/// the database's, no Message-ID comes twice, and nothing is left waiting.
#[test]
fn two_nodes_mail_every_reminder_exactly_once() {
    use crate::nodes::{http, start_with};
    use std::time::{Duration, Instant};

    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(db) = rt.block_on(dondoc_testing::TestDb::new(Backend::Postgres)) else {
        return;
    };
    let smtp = rt.block_on(SmtpServer::start());
    // Each mail takes a while, so that two nodes racing for the same one would overlap.
    smtp.slow_down(Duration::from_millis(200));
    let (app, unit, officer) = rt.block_on(async {
        let store = db.store().await;
        dondoc::demo::load(&store).await.expect("demo");
        let officer = store
            .user_by_login("chuyenvien")
            .await
            .unwrap()
            .unwrap()
            .user;
        store
            .set_profile(
                officer.id,
                &Profile {
                    email: Some("chuyenvien@halam.vn".into()),
                    ..Profile::default()
                },
            )
            .await
            .unwrap();
        (App::new(store, None), officer.unit_id.unwrap(), officer.id)
    });
    let args = ["--smtp-url", &smtp.url(), "--jobs-every", "1"];
    let mut a = Some(start_with(&db.url, &args));
    let b = start_with(&db.url, &args);

    let run = Duration::from_secs(
        std::env::var("DONDOC_NODES_MAIL_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(120),
    );
    let started = Instant::now();
    let mut made = 0;
    let mut restarted = false;
    while started.elapsed() < run {
        let raw = DirectiveInput {
            text: Some(format!("Nhiệm vụ thử số {made}")),
            lead_unit_id: Some(unit),
            deadline: Some(app.today().to_string()),
            ..Default::default()
        };
        rt.block_on(dondoc_app::directives::create(&app, &app.system(), &raw))
            .unwrap();
        made += 1;
        if !restarted && started.elapsed() > run / 2 {
            // Killed mid-pass or between passes: its leases run out and B or the new A
            // takes over.
            drop(a.take());
            a = Some(start_with(&db.url, &args));
            restarted = true;
        }
        std::thread::sleep(Duration::from_secs(3));
    }

    // Let the nodes finish what is due (a lease of a killed node ends after ten minutes; the
    // nodes never hold one that long, but a mail claimed by the killed node may).
    let deadline = Instant::now() + Duration::from_secs(60);
    let (waiting, sent) = loop {
        let (waiting, sent) = rt.block_on(async {
            let store = app.store();
            let waiting =
                store.mail_waiting().await.unwrap() + store.follow_events_waiting().await.unwrap();
            let (notices, _) = store.notices(officer, 10_000, 0).await.unwrap();
            let sent: Vec<i64> = notices
                .iter()
                .filter(|n| n.mail == "sent")
                .map(|n| n.id)
                .collect();
            (waiting, sent)
        });
        if waiting == 0 || Instant::now() > deadline {
            break (waiting, sent);
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    let (status, _, metrics) = http(&b, "GET", "/metrics", &[], "");
    drop(a);
    drop(b);

    assert_eq!(waiting, 0, "mail or events left waiting");
    let received = smtp.received();
    let mut ids: Vec<String> = received
        .iter()
        .map(|m| m.header("Message-ID").expect("a Message-ID"))
        .collect();
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "a mail was sent twice");
    assert_eq!(count, sent.len(), "mail received = notices marked sent");
    // Each directive made gave an assignment and a due-today mail.
    let subjects: Vec<String> = received
        .iter()
        .map(|m| m.decoded_header("Subject").unwrap_or_default())
        .collect();
    for i in 0..made {
        let of = |kind: &str| {
            subjects
                .iter()
                .filter(|s| {
                    s.starts_with(&format!("[dondoc] {kind}: Nhiệm vụ thử số {i}"))
                        && s.ends_with(&format!("số {i}"))
                })
                .count()
        };
        assert_eq!(of("Nhiệm vụ mới giao cho đơn vị"), 1, "assignment of {i}");
        assert_eq!(of("Đến hạn hôm nay"), 1, "due today of {i}");
    }
    eprintln!(
        "{made} directives in {:?}: {count} mails, none twice, none waiting",
        run
    );
    assert_eq!(status, 200);
    assert!(
        metrics.contains("dondoc_job_runs_total"),
        "job metrics on /metrics"
    );
    assert!(metrics.contains("dondoc_mail_waiting"), "{metrics}");
}

app_test!(
    a_person_reads_their_notices_and_sets_their_choices,
    |app| async move {
        use axum::http::{Method, StatusCode};
        // The demo's assignments told to their units' people.
        let jobs = App::new(app.store.clone(), Some(crate::support::TODAY));
        dondoc_app::follow::handle_events(&jobs).await.unwrap();

        let mut officer = app.login("chuyenvien", "chuyenvien-demo").await;
        let page = officer.get("/inbox").await;
        assert!(
            page.body.contains("href=\"/notices\""),
            "the header links to the notices"
        );
        assert!(
            page.body.contains("class=\"count\""),
            "with a count of unread ones"
        );
        let r = officer.get("/notices").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            r.body.contains("Nhiệm vụ mới giao cho đơn vị"),
            "{}",
            r.body
        );
        let r = officer.post_form("/notices/read", &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let r = officer.get("/notices").await;
        assert!(!r.body.contains("class=\"unread\""), "all read");
        assert!(!r.body.contains("class=\"count\""), "no count once read");

        // A wrong address is refused beside its field, in Vietnamese, and nothing is kept.
        let r = officer.get("/profile").await;
        assert_eq!(r.status, StatusCode::OK);
        let r = officer
            .post_form(
                "/profile",
                &[
                    ("email", "chuyenvien@halam.vn\r\nBcc: x@y.z"),
                    ("remind_days", "99"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("aria-invalid=\"true\""), "{}", r.body);
        let user = app
            .store
            .user_by_login("chuyenvien")
            .await
            .unwrap()
            .unwrap()
            .user;
        assert_eq!(
            app.store.profile(user.id).await.unwrap(),
            Profile::default()
        );
        let r = officer
            .post_form(
                "/profile",
                &[
                    ("email", "chuyenvien@halam.vn"),
                    ("language", "en"),
                    ("notify_mail", "on"),
                    ("remind_days", "5"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let p = app.store.profile(user.id).await.unwrap();
        assert_eq!(p.email.as_deref(), Some("chuyenvien@halam.vn"));
        assert_eq!(p.remind_days, 5);
        assert!(p.notify_mail && !p.weekly_digest);

        // The same through the API, for a token.
        let api = app.token("chuyenvien", "chuyenvien-demo").await;
        let r = api
            .api(
                Method::PUT,
                "/api/v1/me/profile",
                Some(serde_json::json!({"email": "not an address", "remind_days": -1})),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let fields: Vec<String> = r.json()["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(fields, ["email", "remind_days"]);
        let r = api.api(Method::GET, "/api/v1/notices", None).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.json()["unread"], 0);
        assert!(!r.json()["items"].as_array().unwrap().is_empty());
        // A visitor has neither.
        let mut visitor = app.anonymous();
        assert_eq!(
            visitor.get("/api/v1/notices").await.status,
            StatusCode::UNAUTHORIZED
        );
        let r = visitor.get("/profile").await;
        assert!(r.status == StatusCode::SEE_OTHER || r.status == StatusCode::UNAUTHORIZED);
    }
);

app_test!(an_answer_is_due_in_working_days, |app| async move {
    use axum::http::StatusCode;
    // Assigned on Thursday 26 November 2026 without a date: 40 working days, skipping the
    // weekends and New Year's Day (Friday 1 January 2027), end on Friday 22 January 2027.
    let unit = app.unit_id("UBND phường Hà Lầm").await;
    let admin = app.token("quantri", "quantri-demo").await;
    let r = admin
        .post_json(
            "/api/v1/petitions",
            serde_json::json!({
                "title": "Sửa đèn chiếu sáng ngõ 3",
                "text": "Cử tri đề nghị sửa đèn chiếu sáng ngõ 3",
                "responsible_unit_id": unit,
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let body = r.json();
    let due = body["due_on"]
        .as_str()
        .or_else(|| body["petition"]["due_on"].as_str());
    assert_eq!(due, Some("2027-01-22"), "{body}");
    // A date given is kept.
    let r = admin
        .post_json(
            "/api/v1/petitions",
            serde_json::json!({
                "title": "Nạo vét cống",
                "text": "Cử tri đề nghị nạo vét cống khu 4",
                "responsible_unit_id": unit,
                "due_on": "2026-12-15",
            }),
        )
        .await;
    let body = r.json();
    let due = body["due_on"]
        .as_str()
        .or_else(|| body["petition"]["due_on"].as_str());
    assert_eq!(due, Some("2026-12-15"));
});

app_test!(
    deadlines_as_a_calendar_at_a_secret_address,
    |app| async move {
        use axum::http::{header, StatusCode};
        let mut officer = app.login("chuyenvien", "chuyenvien-demo").await;
        let made = |body: &str| -> String {
            let start = body.find("<code>").expect("the address shown") + 6;
            let end = start + body[start..].find("</code>").unwrap();
            // Shown whole, to be copied into a calendar program; asked here by its path.
            let shown = &body[start..end];
            assert!(shown.starts_with("http://"), "{shown}");
            shown[shown.find("/calendar/").unwrap()..].to_string()
        };
        let r = officer.post_form("/profile/calendar", &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let url = made(&r.body);
        assert!(
            url.starts_with("/calendar/") && url.ends_with(".ics"),
            "{url}"
        );

        // A calendar program, with no sign-in, reads the unit's deadlines.
        let mut program = app.anonymous();
        let r = program.get(&url).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/calendar"));
        assert!(r.body.starts_with("BEGIN:VCALENDAR\r\n") && r.body.ends_with("END:VCALENDAR\r\n"));
        let inbox = officer.get("/inbox").await.body;
        let due = app.directive_id("lập phương án nạo vét").await;
        assert!(
            inbox.contains(&format!("/directives/{due}\"")),
            "in the unit's work"
        );
        assert!(
            r.body.contains(&format!("UID:directive-{due}-")),
            "{}",
            r.body
        );
        assert!(r.body.contains("DTSTART;VALUE=DATE:"));
        for line in r.body.split("\r\n") {
            assert!(line.len() <= 75, "{line:?}");
        }

        // A new address revokes the old; revoking stops the new.
        let r = officer.post_form("/profile/calendar", &[]).await;
        let renewed = made(&r.body);
        assert_ne!(renewed, url);
        assert_eq!(program.get(&url).await.status, StatusCode::NOT_FOUND);
        assert_eq!(program.get(&renewed).await.status, StatusCode::OK);
        let r = officer.post_form("/profile/calendar/revoke", &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(program.get(&renewed).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            program.get("/calendar/not-a-secret.ics").await.status,
            StatusCode::NOT_FOUND
        );
    }
);

app_test!(a_units_deadlines_as_a_calendar, |app| async move {
    use axum::http::StatusCode;
    let made = |body: &str| -> String {
        let start = body.find("<code>").expect("the address shown") + 6;
        let end = start + body[start..].find("</code>").unwrap();
        let shown = &body[start..end];
        assert!(shown.starts_with("http://"), "{shown}");
        shown[shown.find("/calendar/").unwrap()..].to_string()
    };
    let ward = app.unit_id("UBND phường Hà Lầm").await;
    let province = app.unit_id("Tỉnh ủy Quảng Ninh").await;
    let mut officer = app.login("chuyenvien", "chuyenvien-demo").await;
    let page = officer.get(&format!("/units/{ward}")).await;
    assert!(page
        .body
        .contains(&format!("action=\"/units/{ward}/calendar\"")));
    let r = officer
        .post_form(&format!("/units/{ward}/calendar"), &[])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let url = made(&r.body);
    assert!(url.starts_with("/calendar/units/"), "{url}");

    // The unit's open work, without a sign-in.
    let mut program = app.anonymous();
    let r = program.get(&url).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.starts_with("BEGIN:VCALENDAR\r\n"));
    let due = app.directive_id("lập phương án nạo vét").await;
    assert!(
        r.body.contains(&format!("UID:directive-{due}-")),
        "{}",
        r.body
    );

    // Not a unit outside the officer's scope: no button, and the request is refused.
    let page = officer.get(&format!("/units/{province}")).await;
    assert!(!page.body.contains("/calendar\""));
    let r = officer
        .post_form(&format!("/units/{province}/calendar"), &[])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A leader may follow any unit.
    let mut leader = app.login("lanhdao", "lanhdao-demo").await;
    let r = leader
        .post_form(&format!("/units/{province}/calendar"), &[])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let provincial = made(&r.body);
    assert_eq!(program.get(&provincial).await.status, StatusCode::OK);

    // A new address revokes the old; revoking stops the new.
    let r = officer
        .post_form(&format!("/units/{ward}/calendar"), &[])
        .await;
    let renewed = made(&r.body);
    assert_eq!(program.get(&url).await.status, StatusCode::NOT_FOUND);
    assert_eq!(program.get(&renewed).await.status, StatusCode::OK);
    let r = officer
        .post_form(&format!("/units/{ward}/calendar/revoke"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(program.get(&renewed).await.status, StatusCode::NOT_FOUND);

    // A feed stops when its maker moves out of the unit.
    let r = officer
        .post_form(&format!("/units/{ward}/calendar"), &[])
        .await;
    let again = made(&r.body);
    assert_eq!(program.get(&again).await.status, StatusCode::OK);
    let me = app
        .store
        .user_by_login("chuyenvien")
        .await
        .unwrap()
        .unwrap()
        .user;
    let elsewhere = app.unit_id("Khu 6, phường Hà Lầm").await;
    app.store
        .update_user(
            Default::default(),
            me.id,
            me.version,
            &dondoc_domain::input::UserEdit {
                display_name: me.display_name.clone(),
                role: me.role,
                unit_id: Some(elsewhere),
                email: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(program.get(&again).await.status, StatusCode::NOT_FOUND);
});
