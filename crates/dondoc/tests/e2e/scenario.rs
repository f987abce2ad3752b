//! The seed's follow-up replayed through time, with a clock the test moves one morning at a
//! time from 24 August to 21 December 2020 and a mail server the test runs: the working
//! session of 24/8/2020 is recorded with its petition and its directive "hoàn thành xây dựng
//! Nhà văn hóa khu 2 trước ngày 18 tháng 11 năm 2020"; the project board's officer is told of
//! the assignment, reminded before the deadline and on the day, finds it overdue on 19/11 in
//! the unit's inbox (and the leader on the dashboard's overdue list), reads it in the Monday
//! digests until the work is reported done on 10/12 with evidence; the leader accepts it and
//! it shows as done late; the petition raised again at the next meeting counts one more
//! raising, not a new petition.

use dondoc_app::jobs::Scheduler;
use dondoc_app::mail::Mailer;
use dondoc_app::{App, Clock};
use dondoc_domain::directive::{OverdueAge, Timeliness};
use dondoc_domain::follow::{NoticeKind, Profile};
use dondoc_domain::input::{
    DirectiveInput, DirectiveTransitionInput, PetitionInput, RaisingInput, SessionInput,
};
use dondoc_domain::{DirectiveStatus, Role};
use dondoc_store::{Backend, DirectiveFilter, PetitionFilter};
use dondoc_testing::smtp::SmtpServer;
use jiff::civil::{date, Date};

use crate::support::TestApp;

fn morning(d: Date) -> jiff::Timestamp {
    d.at(9, 0, 0, 0)
        .to_zoned(dondoc_app::vietnam())
        .unwrap()
        .timestamp()
}

async fn person(t: &TestApp, login: &str, role: Role, unit: i64, email: &str) -> i64 {
    let hash = dondoc_app::users::hash_password("mat-khau-thu").unwrap();
    let id = t
        .store
        .create_user(
            Default::default(),
            login,
            login,
            &hash,
            role,
            Some(unit),
            None,
        )
        .await
        .unwrap()
        .id;
    t.store
        .set_profile(
            id,
            &Profile {
                email: Some(email.into()),
                ..Profile::default()
            },
        )
        .await
        .unwrap();
    id
}

async fn replay(t: TestApp) {
    let city = t.unit_id("Thành phố Hạ Long").await;
    let ward = t.unit_id("Phường Hà Lầm").await;
    let board = t
        .unit_id("Ban quản lý dự án đầu tư xây dựng các dự án thành phố")
        .await;
    let officer = person(&t, "canbo", Role::Officer, board, "canbo@bqlda.vn").await;
    let leader = person(&t, "lanhdao", Role::Leader, city, "lanhdao@halong.vn").await;
    let clock = Clock::manual(morning(date(2020, 8, 24)));
    let app = App::new(t.store.clone(), None)
        .with_clock(clock.clone())
        .with_mail(true);
    let smtp = SmtpServer::start().await;
    let mailer = Mailer::new(
        &smtp.url(),
        "dondoc <dondoc@halong.vn>",
        "https://dondoc.halong.vn",
    )
    .unwrap();
    let jobs = Scheduler::new(
        app.clone(),
        Some(mailer),
        "node".into(),
        std::time::Duration::from_secs(15),
    );
    let as_user = |id: i64| {
        let app = app.clone();
        async move {
            let user = app.store().user(id).await.unwrap();
            app.caller(Some(user)).await.unwrap()
        }
    };

    // 24/8/2020: the session, its petition and its directive, recorded by the leader.
    let lead = as_user(leader).await;
    let session = dondoc_app::sessions::create(
        &app,
        &lead,
        &SessionInput {
            date: Some("2020-08-24".into()),
            title: Some("Đoàn công tác số 01 làm việc với phường Hà Lầm".into()),
            host_unit_id: Some(ward),
            published: Some(true),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .session
    .id;
    let petition = dondoc_app::petitions::create(
        &app,
        &lead,
        &PetitionInput {
            title: Some("Xây mới nhà văn hóa khu 2".into()),
            text: Some("Cử tri khu 2 đề nghị xây mới nhà văn hóa khu 2".into()),
            session_id: Some(session),
            raised_by: Some("Cử tri khu 2".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .petition
    .id;
    let directive = dondoc_app::directives::create(
        &app,
        &lead,
        &DirectiveInput {
            session_id: Some(session),
            text: Some("Đẩy nhanh tiến độ GPMB, tiến độ thi công, hoàn thành việc xây dựng Nhà văn hóa khu 2 trước ngày 18 tháng 11 năm 2020".into()),
            lead_unit_id: Some(board),
            deadline: Some("2020-11-18".into()),
            deadline_text: Some("trước ngày 18 tháng 11 năm 2020".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .directive
    .id;

    let city_2020 = dondoc_app::stats::OverviewQuery {
        unit_id: Some(city),
        from: Some("2020-01-01".into()),
        to: Some("2020-12-31".into()),
    };

    // Each morning to 21 December: one pass of the scheduler, and what people do that day.
    let mut day = date(2020, 8, 24);
    let mut overdue_seen = false;
    while day <= date(2020, 12, 21) {
        clock.set(morning(day));
        jobs.pass().await;
        if day == date(2020, 11, 19) {
            // In the project board's inbox, overdue; on the leader's dashboard list too.
            let inbox = dondoc_app::inbox::of(&app, &as_user(officer).await)
                .await
                .unwrap();
            let (due, items) = &inbox.directives[0];
            assert_eq!(*due, dondoc_app::inbox::Due::Overdue);
            assert_eq!(items[0].directive.id, directive);
            assert_eq!(items[0].timeliness, Timeliness::Overdue);
            let overdue = dondoc_app::directives::list(
                &app,
                &as_user(leader).await,
                &DirectiveFilter {
                    due: Some("overdue".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            assert!(overdue.items.iter().any(|d| d.directive.id == directive));
            // And on the leader's dashboard of the city: one overdue, in its first week, in
            // the project board's row.
            let stats = dondoc_app::stats::overview(&app, &as_user(leader).await, &city_2020)
                .await
                .unwrap();
            assert_eq!(stats.figures.overdue, 1);
            assert_eq!(stats.ages[0], (OverdueAge::Week, 1));
            assert_eq!(stats.oldest_overdue_days, Some(1));
            let row = stats.rows.iter().find(|r| r.unit.id == board).unwrap();
            assert_eq!(row.figures.overdue, 1);
            overdue_seen = true;
        }
        if day == date(2020, 12, 10) {
            // Reported done, with the acceptance record as evidence.
            let me = as_user(officer).await;
            dondoc_app::directives::add_evidence(
                &app,
                &me,
                directive,
                "bien-ban-nghiem-thu.pdf",
                b"%PDF-1.4\n%%EOF\n",
            )
            .await
            .unwrap();
            let v = dondoc_app::directives::get(&app, &me, directive)
                .await
                .unwrap();
            dondoc_app::directives::transition(
                &app,
                &me,
                directive,
                &DirectiveTransitionInput {
                    action: Some("report".into()),
                    done_on: Some("2020-12-10".into()),
                    text: Some("Nhà văn hóa khu 2 hoàn thành, bàn giao cho khu.".into()),
                    version: Some(v.directive.version),
                },
            )
            .await
            .unwrap();
        }
        if day == date(2020, 12, 14) {
            let me = as_user(leader).await;
            let v = dondoc_app::directives::get(&app, &me, directive)
                .await
                .unwrap();
            assert_eq!(v.directive.status, DirectiveStatus::Reported);
            dondoc_app::directives::transition(
                &app,
                &me,
                directive,
                &DirectiveTransitionInput {
                    action: Some("accept".into()),
                    version: Some(v.directive.version),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        }
        if day == date(2020, 12, 20) {
            // The next meeting: the petition raised again.
            let lead = as_user(leader).await;
            let next = dondoc_app::sessions::create(
                &app,
                &lead,
                &SessionInput {
                    date: Some("2020-12-20".into()),
                    title: Some("Tiếp xúc cử tri phường Hà Lầm".into()),
                    host_unit_id: Some(ward),
                    published: Some(true),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .session
            .id;
            dondoc_app::petitions::raise(
                &app,
                &lead,
                petition,
                &RaisingInput {
                    session_id: Some(next),
                    date: Some("2020-12-20".into()),
                    raised_by: Some("Cử tri khu 2".into()),
                },
            )
            .await
            .unwrap();
        }
        // The next pass, a minute later, tells what was done this morning.
        clock.set(morning(day) + jiff::SignedDuration::from_mins(1));
        jobs.pass().await;
        day = day.tomorrow().unwrap();
    }
    assert!(overdue_seen);

    // What the officer was told, in order, and on which day.
    let (notices, _) = app.store().notices(officer, 50, 0).await.unwrap();
    let told: Vec<(NoticeKind, Date)> = notices
        .iter()
        .rev()
        .map(|n| (n.kind, n.at.to_zoned(dondoc_app::vietnam()).date()))
        .collect();
    assert_eq!(
        told,
        [
            (NoticeKind::Assigned, date(2020, 8, 24)),
            (NoticeKind::DueSoon, date(2020, 11, 15)),
            (NoticeKind::DueToday, date(2020, 11, 18)),
            (NoticeKind::Overdue, date(2020, 11, 19)),
            (NoticeKind::Digest, date(2020, 11, 23)),
            (NoticeKind::Digest, date(2020, 11, 30)),
            (NoticeKind::Digest, date(2020, 12, 7)),
            (NoticeKind::Accepted, date(2020, 12, 14)),
        ]
    );
    // The leader, that it was reported.
    let (notices, _) = app.store().notices(leader, 50, 0).await.unwrap();
    let told: Vec<(NoticeKind, Date)> = notices
        .iter()
        .map(|n| (n.kind, n.at.to_zoned(dondoc_app::vietnam()).date()))
        .collect();
    assert_eq!(told, [(NoticeKind::Reported, date(2020, 12, 10))]);
    // Every notice was mailed once.
    let mail = smtp.received();
    assert_eq!(mail.len(), 9);
    assert_eq!(
        mail.iter().filter(|m| m.to == ["canbo@bqlda.vn"]).count(),
        8
    );
    let assigned = mail
        .iter()
        .find(|m| {
            m.decoded_header("Subject")
                .unwrap()
                .contains("Nhiệm vụ mới")
        })
        .unwrap();
    assert!(
        assigned.body().contains("Hạn: 18/11/2020"),
        "{}",
        assigned.body()
    );

    // Done late: done on 10/12, against 18/11.
    let d = dondoc_app::directives::get(&app, &app.system(), directive)
        .await
        .unwrap();
    assert_eq!(d.directive.status, DirectiveStatus::Done);
    assert_eq!(d.directive.done_on, Some(date(2020, 12, 10)));
    assert_eq!(d.timeliness, Timeliness::DoneLate);
    // On the dashboard of 2020 (counted afresh: the dashboard keeps its counts a few
    // seconds): done late, in December; nothing overdue.
    let fresh = App::new(t.store.clone(), None).with_clock(clock.clone());
    let leader_now = fresh
        .caller(Some(app.store().user(leader).await.unwrap()))
        .await
        .unwrap();
    let stats = dondoc_app::stats::overview(&fresh, &leader_now, &city_2020)
        .await
        .unwrap();
    assert_eq!((stats.figures.done, stats.figures.done_on_time), (1, 0));
    assert_eq!(stats.figures.on_time_rate(), Some(0.0));
    assert_eq!(stats.figures.overdue, 0);
    let december = stats.spans.iter().find(|s| s.label == "2020-12").unwrap();
    assert_eq!((december.on_time, december.late), (0, 1));

    // One petition, raised twice.
    let all = app
        .store()
        .petitions(&PetitionFilter::default(), &dondoc_domain::Visibility::All)
        .await
        .unwrap();
    assert_eq!(all.items.len(), 1);
    assert_eq!(all.items[0].petition.raised_count, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_followed_up_through_time_sqlite() {
    replay(TestApp::empty(Backend::Sqlite).await.expect("sqlite")).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_followed_up_through_time_postgres() {
    if let Some(t) = TestApp::empty(Backend::Postgres).await {
        replay(t).await
    }
}
