//! The store's story, run on SQLite and on PostgreSQL: every query module is exercised on both.

use dondoc_domain::directive::DirectiveAction;
use dondoc_domain::input::*;
use dondoc_domain::petition::PetitionAction;
use dondoc_domain::Visibility;
use dondoc_domain::{DirectiveStatus, FieldCode, PetitionStatus, Qualifier, Role, UnitKind};
use dondoc_store::Backend;
use dondoc_store::{
    DirectiveChange, DirectiveFilter, PetitionChange, PetitionFilter, SessionFilter, Store,
    StoreError, TargetFilter, Who,
};
use dondoc_testing::{both_backends, TestDb};
use jiff::civil::{date, Date};

const WHO: Who = Who { user_id: None };

async fn unit(store: &Store, parent: Option<i64>, kind: UnitKind, name: &str) -> i64 {
    store
        .create_unit(
            WHO,
            &NewUnit {
                parent_id: parent,
                kind,
                name: name.into(),
                short_name: None,
            },
        )
        .await
        .unwrap()
        .id
}

fn session(host: i64, published: bool) -> NewSession {
    NewSession {
        date: date(2020, 8, 24),
        place: None,
        title: "Đoàn công tác số 01 Thành ủy làm việc với Đảng ủy phường Hà Lầm".into(),
        host_unit_id: host,
        delegation_name: Some("Đoàn công tác số 01 Thành ủy".into()),
        lead_person_id: None,
        summary: None,
        source_text: None,
        published,
    }
}

fn petition(text: &str, area: Option<i64>, session_id: Option<i64>) -> NewPetition {
    NewPetition {
        title: text.into(),
        text: text.into(),
        category: None,
        area_unit_id: area,
        raised_by: Some("cử tri khu 6".into()),
        responsible_unit_id: None,
        channel: Default::default(),
        coordinating_unit_ids: vec![],
        due_on: None,
        session_id,
        raised_on: date(2020, 8, 24),
    }
}

/// The first five petitions whose text holds the words of `q`, with their count.
async fn search(store: &Store, q: &str) -> dondoc_store::Page<dondoc_store::PetitionView> {
    store
        .petitions(
            &PetitionFilter {
                q: Some(q.into()),
                limit: Some(5),
                ..Default::default()
            },
            &Visibility::All,
        )
        .await
        .unwrap()
}

/// Petitions with these texts written in bulk (as `dondoc gen` writes them), in the unit
/// `area`, received, raised nowhere.
async fn bulk_petitions(store: &Store, area: i64, texts: &[String]) {
    let mut bulk = store.bulk().await.unwrap();
    let first = bulk.next_id("petitions").await.unwrap();
    let cols = [
        "id",
        "title",
        "text",
        "text_key",
        "area_unit_id",
        "status",
        "version",
        "created_at",
        "raised_count",
        "public_raised_count",
        "published",
    ];
    let rows: Vec<Vec<dondoc_store::bulk::Value>> = texts
        .iter()
        .zip(first..)
        .map(|(text, id)| {
            vec![
                id.into(),
                text.as_str().into(),
                text.as_str().into(),
                dondoc_text::fold(text).into(),
                Some(area).into(),
                "received".into(),
                1i64.into(),
                0i64.into(),
                0i64.into(),
                0i64.into(),
                0i64.into(),
            ]
        })
        .collect();
    bulk.insert("petitions", &cols, &rows).await.unwrap();
    bulk.commit().await.unwrap();
}

fn directive(
    text: &str,
    lead: Option<i64>,
    deadline: Option<Date>,
    session_id: Option<i64>,
) -> NewDirective {
    NewDirective {
        session_id,
        text: text.into(),
        issued_by_person_id: None,
        lead_unit_id: lead,
        coordinating_unit_ids: vec![],
        deadline,
        deadline_text: None,
    }
}

// The tree is kept between reads (5,000 units take 50 ms to read on SQLite); each change,
// made through this store or another on the same database (another node), shows at once.
both_backends!(the_kept_unit_tree_follows_every_change, |db| async move {
    let store = db.store().await;
    let other_node = db.store().await;
    let names = |tree: &[dondoc_store::UnitNode]| -> Vec<(String, usize, bool)> {
        tree.iter()
            .map(|n| (n.unit.name.clone(), n.depth, n.unit.merged_into.is_some()))
            .collect()
    };
    let city = unit(&store, None, UnitKind::PartyCommittee, "Thành ủy").await;
    let ward = unit(&store, Some(city), UnitKind::Ward, "Phường A").await;
    let next_ward = unit(&store, Some(city), UnitKind::Ward, "Phường B").await;
    assert_eq!(store.unit_tree().await.unwrap().len(), 3);
    assert_eq!(store.unit_scope(ward).await.unwrap(), vec![ward]);
    // Added elsewhere.
    let zone = unit(&other_node, Some(ward), UnitKind::ResidentialArea, "khu 1").await;
    assert!(names(&store.unit_tree().await.unwrap()).contains(&("khu 1".into(), 2, false)));
    // A unit's scope is itself and what is below it, not the sibling that follows it.
    assert_eq!(store.unit_scope(ward).await.unwrap(), vec![ward, zone]);
    assert_eq!(store.unit_scope(next_ward).await.unwrap(), vec![next_ward]);
    let mut whole = store.unit_scope(city).await.unwrap();
    whole.sort();
    assert_eq!(whole, vec![city, ward, next_ward, zone]);
    assert_eq!(
        store.unit_scope(zone + 100).await.unwrap(),
        Vec::<i64>::new()
    );
    // Renamed and moved elsewhere.
    let u = other_node.unit(zone).await.unwrap();
    other_node
        .update_unit(
            WHO,
            zone,
            u.version,
            &NewUnit {
                parent_id: Some(city),
                kind: u.kind,
                name: "khu 2".into(),
                short_name: None,
            },
        )
        .await
        .unwrap();
    assert!(names(&store.unit_tree().await.unwrap()).contains(&("khu 2".into(), 1, false)));
    assert_eq!(store.unit_scope(ward).await.unwrap(), vec![ward]);
    // Merged elsewhere.
    let u = other_node.unit(zone).await.unwrap();
    other_node
        .merge_unit(WHO, zone, u.version, ward, date(2026, 1, 1))
        .await
        .unwrap();
    assert!(names(&store.unit_tree().await.unwrap()).contains(&("khu 2".into(), 1, true)));
});

both_backends!(unit_tree_moves_and_merges, |db| async move {
    let store = db.store().await;
    let city = unit(&store, None, UnitKind::PartyCommittee, "Thành ủy Hạ Long").await;
    let ward = unit(
        &store,
        Some(city),
        UnitKind::PartyCommittee,
        "Đảng ủy phường Hà Lầm",
    )
    .await;
    let zone = unit(&store, Some(ward), UnitKind::ResidentialArea, "khu 6").await;
    let other = unit(
        &store,
        Some(city),
        UnitKind::PartyCommittee,
        "Đảng ủy phường Hồng Hải",
    )
    .await;

    let tree = store.unit_tree().await.unwrap();
    let order: Vec<(String, usize)> = tree
        .iter()
        .map(|n| (n.unit.name.clone(), n.depth))
        .collect();
    assert_eq!(order[0], ("Thành ủy Hạ Long".into(), 0));
    assert!(order.contains(&("khu 6".into(), 2)));
    assert_eq!(store.unit_scope(ward).await.unwrap().len(), 2);
    assert_eq!(
        store
            .unit_by_name("dang uy phuong ha lam")
            .await
            .unwrap()
            .unwrap()
            .id,
        ward
    );

    // A unit cannot move under its own descendant.
    let u = store.unit(city).await.unwrap();
    let err = store
        .update_unit(
            WHO,
            city,
            u.version,
            &NewUnit {
                parent_id: Some(zone),
                kind: u.kind,
                name: u.name.clone(),
                short_name: None,
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(ref i) if i.on("parent_id") == Some(FieldCode::Cycle)),
        "{err:?}"
    );

    // Merging moves the children and the open work to the surviving unit.
    let p = store
        .create_petition(
            WHO,
            &NewPetition {
                responsible_unit_id: Some(ward),
                channel: Default::default(),
                coordinating_unit_ids: vec![],
                ..petition("xây mới nhà văn hóa khu 6", Some(zone), None)
            },
        )
        .await
        .unwrap();
    let w = store.unit(ward).await.unwrap();
    let merged = store
        .merge_unit(WHO, ward, w.version, other, date(2025, 7, 1))
        .await
        .unwrap();
    assert_eq!(merged.merged_into, Some(other));
    assert_eq!(store.unit(zone).await.unwrap().parent_id, Some(other));
    // Nothing merges into the unit that is gone: merging the other one back would make a
    // loop of merges.
    let o = store.unit(other).await.unwrap();
    let back = store
        .merge_unit(WHO, other, o.version, ward, date(2025, 7, 2))
        .await
        .unwrap_err();
    assert!(
        matches!(back, StoreError::Invalid(ref i) if i.on("merged_into") == Some(FieldCode::Dissolved)),
        "{back:?}"
    );
    assert_eq!(
        store
            .petition(p.petition.id, &Visibility::All)
            .await
            .unwrap()
            .petition
            .responsible_unit_id,
        Some(other)
    );
    let history = store.history("unit", ward).await.unwrap();
    assert_eq!(
        history
            .iter()
            .map(|e| e.action.as_str())
            .collect::<Vec<_>>(),
        ["create", "merge"]
    );
});

both_backends!(
    session_update_with_stale_version_conflicts,
    |db| async move {
        let store = db.store().await;
        let ward = unit(
            &store,
            None,
            UnitKind::PartyCommittee,
            "Đảng ủy phường Hà Lầm",
        )
        .await;
        let s = store
            .create_session(WHO, &session(ward, false))
            .await
            .unwrap();
        let mut edit = session(ward, true);
        edit.summary = Some("Kết luận của đồng chí Phó Bí thư Thường trực Thành ủy".into());
        let updated = store
            .update_session(WHO, s.session.id, s.session.version, &edit)
            .await
            .unwrap();
        assert_eq!(updated.session.version, 2);
        assert!(updated.session.published);
        let stale = store
            .update_session(WHO, s.session.id, s.session.version, &edit)
            .await
            .unwrap_err();
        assert!(matches!(stale, StoreError::Conflict), "{stale:?}");
        let missing = store.update_session(WHO, 9999, 1, &edit).await.unwrap_err();
        assert!(matches!(missing, StoreError::NotFound));

        let found = store
            .sessions(
                &SessionFilter {
                    q: Some("dang uy ha lam".into()),
                    ..Default::default()
                },
                &Visibility::All,
            )
            .await
            .unwrap();
        assert_eq!(found.total, 1);
        let public = store
            .sessions(&SessionFilter::default(), &Visibility::Public)
            .await
            .unwrap();
        assert_eq!(public.total, 1);
    }
);

both_backends!(target_plan_changes_only_by_amendment, |db| async move {
    let store = db.store().await;
    let ward = unit(
        &store,
        None,
        UnitKind::PeoplesCommittee,
        "UBND phường Hà Lầm",
    )
    .await;
    let new = NewTarget {
        unit_id: ward,
        indicator: "Tổng thu NSNN trên địa bàn".into(),
        measure: "VND".into(),
        period_from: date(2020, 1, 1),
        period_to: date(2020, 12, 31),
        plan_value: 9.75e9,
        document_id: None,
        approved: true,
    };
    let t = store.create_target(WHO, &new).await.unwrap();

    // Editing the plan in place is refused and changes nothing.
    let err = store
        .update_target(
            WHO,
            t.id,
            t.version,
            &NewTarget {
                plan_value: 9.0e9,
                ..new.clone()
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(ref i) if i.on("plan_value") == Some(FieldCode::Forbidden)),
        "{err:?}"
    );
    assert_eq!(
        store
            .target(t.id, &Visibility::All)
            .await
            .unwrap()
            .target
            .plan_value,
        9.75e9
    );

    // An amendment changes it, and both the amendment list and the history show it.
    let reason = "Điều chỉnh dự toán theo Nghị quyết HĐND thành phố";
    let a = store
        .amend_target(
            WHO,
            t.id,
            &NewAmendment {
                new_value: 9.0e9,
                reason: reason.into(),
                decided_on: None,
                document_id: None,
                version: t.version,
            },
        )
        .await
        .unwrap();
    assert_eq!((a.old_value, a.new_value), (9.75e9, 9.0e9));
    assert_eq!(
        store
            .target(t.id, &Visibility::All)
            .await
            .unwrap()
            .target
            .plan_value,
        9.0e9
    );
    assert_eq!(store.amendments(t.id).await.unwrap().len(), 1);
    let history = store.history("target", t.id).await.unwrap();
    assert_eq!(history.last().unwrap().action, "amend");
    assert!(history
        .last()
        .unwrap()
        .before
        .as_deref()
        .unwrap()
        .contains("9750000000"));
    // The same amendment again, on the old version, is stale.
    let stale = store
        .amend_target(
            WHO,
            t.id,
            &NewAmendment {
                new_value: 8.0e9,
                reason: reason.into(),
                decided_on: None,
                document_id: None,
                version: t.version,
            },
        )
        .await;
    assert!(matches!(stale, Err(StoreError::Conflict)));

    // Measurements are reported against the plan in force at the end of their period: this
    // one's ended before the amendment was recorded (today), so against 9.75 bn.
    let s = store
        .create_session(WHO, &session(ward, true))
        .await
        .unwrap();
    let m = NewMeasurement {
        period_from: date(2020, 1, 1),
        period_to: date(2020, 8, 31),
        value: 8.5e9,
        qualifier: Qualifier::Over,
        estimated: true,
        session_id: Some(s.session.id),
        wording: Some("trên 8,5 tỷ đồng".into()),
    };
    store.add_measurement(WHO, t.id, &m).await.unwrap();
    let figures = store.session_measurements(s.session.id).await.unwrap();
    assert_eq!(figures.len(), 1);
    assert_eq!(figures[0].plan_in_force, 9.75e9);
    assert_eq!(figures[0].percent_of_plan, Some(87.2));
    assert_eq!(figures[0].plan_value, 9.0e9);
    let list = store
        .targets(
            &TargetFilter {
                unit_id: Some(ward),
                ..Default::default()
            },
            &Visibility::All,
        )
        .await
        .unwrap();
    assert_eq!(list.items[0].latest.as_ref().unwrap().value, 8.5e9);
    assert_eq!(list.items[0].percent_of_plan, Some(87.2));
});

both_backends!(
    petitions_count_raisings_and_follow_their_states,
    |db| async move {
        let store = db.store().await;
        let ward = unit(
            &store,
            None,
            UnitKind::PeoplesCommittee,
            "UBND phường Hà Lầm",
        )
        .await;
        let zone = unit(&store, Some(ward), UnitKind::ResidentialArea, "khu 6").await;
        let s1 = store
            .create_session(WHO, &session(ward, true))
            .await
            .unwrap()
            .session
            .id;
        let s2 = store
            .create_session(WHO, &session(ward, false))
            .await
            .unwrap()
            .session
            .id;

        let p = store
            .create_petition(
                WHO,
                &petition("xây mới nhà văn hóa khu 6", Some(zone), Some(s1)),
            )
            .await
            .unwrap();
        assert_eq!(p.petition.status, PetitionStatus::Received);
        assert_eq!(p.petition.raised_count, 1);
        let p = store
            .add_raising(
                WHO,
                p.petition.id,
                &NewRaising {
                    session_id: Some(s2),
                    date: date(2020, 12, 1),
                    raised_by: None,
                },
            )
            .await
            .unwrap();
        assert_eq!(p.petition.raised_count, 2);
        assert_eq!(
            store
                .raisings(p.petition.id, &Visibility::All)
                .await
                .unwrap()
                .len(),
            2
        );

        let id = p.petition.id;
        let assign = PetitionChange {
            responsible_unit_id: Some(ward),
            ..Default::default()
        };
        let p = store
            .transition_petition(
                WHO,
                id,
                p.petition.version,
                PetitionStatus::Received,
                PetitionStatus::Assigned,
                &assign,
            )
            .await
            .unwrap();
        assert_eq!(p.responsible_name.as_deref(), Some("UBND phường Hà Lầm"));
        // A second writer holding the old version loses.
        let stale = store
            .transition_petition(
                WHO,
                id,
                p.petition.version - 1,
                PetitionStatus::Assigned,
                PetitionStatus::Answered,
                &PetitionChange::default(),
            )
            .await;
        assert!(matches!(stale, Err(StoreError::Conflict)));
        let answer = PetitionChange {
            answer: Some("Đã bố trí vốn năm 2021".into()),
            ..Default::default()
        };
        let p = store
            .transition_petition(
                WHO,
                id,
                p.petition.version,
                PetitionStatus::Assigned,
                PetitionStatus::Answered,
                &answer,
            )
            .await
            .unwrap();
        let next = p.petition.status.after(PetitionAction::Resolve).unwrap();
        let p = store
            .transition_petition(
                WHO,
                id,
                p.petition.version,
                p.petition.status,
                next,
                &PetitionChange::default(),
            )
            .await
            .unwrap();
        assert_eq!(p.petition.status, PetitionStatus::Resolved);
        // Raised once more, a resolved petition is reopened.
        let p = store
            .add_raising(
                WHO,
                id,
                &NewRaising {
                    session_id: None,
                    date: date(2021, 3, 1),
                    raised_by: None,
                },
            )
            .await
            .unwrap();
        assert_eq!(p.petition.status, PetitionStatus::Reopened);
        assert_eq!(p.petition.raised_count, 3);

        let open = store
            .petitions(
                &PetitionFilter {
                    open: Some(true),
                    q: Some("nha van hoa".into()),
                    ..Default::default()
                },
                &Visibility::All,
            )
            .await
            .unwrap();
        assert_eq!(open.total, 1);
        let public = store
            .petitions(&PetitionFilter::default(), &Visibility::Public)
            .await
            .unwrap();
        assert_eq!(public.total, 1);
        assert!(store.petition(id, &Visibility::Public).await.is_ok());
        let counts = store.petition_counts(&Visibility::All).await.unwrap();
        assert_eq!(counts, vec![(PetitionStatus::Reopened, 1)]);
    }
);

both_backends!(
    unknown_references_are_refused_and_nothing_is_written,
    |db| async move {
        let store = db.store().await;
        let err = store
            .create_petition(WHO, &petition("x", Some(4242), None))
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Invalid(ref i) if i.on("area_unit_id") == Some(FieldCode::UnknownReference))
        );
        let err = store
            .create_directive(WHO, &directive("y", None, None, Some(77)), date(2020, 1, 1))
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Invalid(ref i) if i.on("session_id") == Some(FieldCode::UnknownReference))
        );
        assert_eq!(
            store
                .petitions(&PetitionFilter::default(), &Visibility::All)
                .await
                .unwrap()
                .total,
            0
        );
        assert_eq!(
            store
                .directives(
                    &DirectiveFilter::default(),
                    &Visibility::All,
                    date(2020, 1, 1)
                )
                .await
                .unwrap()
                .total,
            0
        );
    }
);

both_backends!(
    directives_derive_overdue_and_keep_extensions,
    |db| async move {
        let store = db.store().await;
        let board = unit(
            &store,
            None,
            UnitKind::ProjectBoard,
            "Ban quản lý dự án đầu tư xây dựng các dự án thành phố",
        )
        .await;
        let ward = unit(
            &store,
            None,
            UnitKind::PartyCommittee,
            "Đảng ủy phường Hà Lầm",
        )
        .await;
        let today = date(2020, 9, 5);
        let late = store
            .create_directive(
                WHO,
                &directive(
                    "tập hợp theo nhóm kiến nghị",
                    Some(ward),
                    Some(date(2020, 8, 31)),
                    None,
                ),
                today,
            )
            .await
            .unwrap();
        let soon = store
            .create_directive(
                WHO,
                &NewDirective {
                    coordinating_unit_ids: vec![ward],
                    ..directive(
                        "hoàn thành Nhà văn hóa khu 2",
                        Some(board),
                        Some(date(2020, 9, 15)),
                        None,
                    )
                },
                today,
            )
            .await
            .unwrap();
        store
            .create_directive(WHO, &directive("rà soát chỉ tiêu", None, None, None), today)
            .await
            .unwrap();
        assert_eq!(
            soon.coordinating_names,
            vec!["Đảng ủy phường Hà Lầm".to_string()]
        );

        let overdue = store
            .directives(
                &DirectiveFilter {
                    due: Some("overdue".into()),
                    ..Default::default()
                },
                &Visibility::All,
                today,
            )
            .await
            .unwrap();
        assert_eq!(
            overdue
                .items
                .iter()
                .map(|d| d.directive.id)
                .collect::<Vec<_>>(),
            [late.directive.id]
        );
        let due_soon = store
            .directives(
                &DirectiveFilter {
                    due: Some("due_soon".into()),
                    ..Default::default()
                },
                &Visibility::All,
                today,
            )
            .await
            .unwrap();
        assert_eq!(
            due_soon
                .items
                .iter()
                .map(|d| d.directive.id)
                .collect::<Vec<_>>(),
            [soon.directive.id]
        );

        let v = store
            .add_progress(
                WHO,
                soon.directive.id,
                &NewProgress {
                    unit_id: None,
                    date: today,
                    percent: 40,
                    text: "Đã GPMB xong".into(),
                    version: soon.directive.version,
                },
                DirectiveChange {
                    version: soon.directive.version,
                    from: DirectiveStatus::Assigned,
                    update: DirectiveStatus::Assigned.progress(40).unwrap(),
                    step: None,
                },
                today,
            )
            .await
            .unwrap();
        assert_eq!(
            (v.directive.status, v.directive.progress_percent),
            (DirectiveStatus::InProgress, 40)
        );
        let v = store
            .extend_directive(
                WHO,
                soon.directive.id,
                &NewExtension {
                    new_deadline: date(2020, 11, 18),
                    reason: "Chờ vốn".into(),
                    version: v.directive.version,
                },
                today,
            )
            .await
            .unwrap();
        assert_eq!(v.directive.deadline, Some(date(2020, 11, 18)));
        assert_eq!(
            store.extensions(soon.directive.id).await.unwrap()[0].old_deadline,
            Some(date(2020, 9, 15))
        );
        assert_eq!(
            store
                .progress_reports(soon.directive.id)
                .await
                .unwrap()
                .len(),
            1
        );

        let done = store
            .transition_directive(
                WHO,
                late.directive.id,
                DirectiveChange {
                    version: late.directive.version,
                    from: DirectiveStatus::Assigned,
                    update: DirectiveStatus::Assigned
                        .transition(DirectiveAction::Complete, 0, Some(date(2020, 9, 3)), today)
                        .unwrap(),
                    step: None,
                },
                today,
            )
            .await
            .unwrap();
        assert_eq!(
            done.timeliness,
            dondoc_domain::directive::Timeliness::DoneLate
        );
        assert_eq!(done.directive.progress_percent, 100);
        let stale = store
            .transition_directive(
                WHO,
                late.directive.id,
                DirectiveChange {
                    version: late.directive.version,
                    from: DirectiveStatus::Assigned,
                    update: DirectiveStatus::Assigned
                        .transition(DirectiveAction::Cancel, 0, None, today)
                        .unwrap(),
                    step: None,
                },
                today,
            )
            .await;
        assert!(matches!(stale, Err(StoreError::Conflict)));
    }
);

both_backends!(users_tokens_sessions_and_throttling, |db| async move {
    let store = db.store().await;
    let u = store
        .create_user(WHO, "clerk", "Văn thư", "hash", Role::Clerk, None, None)
        .await
        .unwrap();
    let dup = store
        .create_user(WHO, "clerk", "Khác", "hash", Role::Clerk, None, None)
        .await
        .unwrap_err();
    assert!(matches!(dup, StoreError::Duplicate("login")), "{dup:?}");
    assert_eq!(
        store
            .user_by_login(" CLERK ")
            .await
            .unwrap()
            .unwrap()
            .user
            .id,
        u.id
    );

    store
        .create_token(WHO, u.id, "cli", "secret-token")
        .await
        .unwrap();
    assert_eq!(
        store
            .user_by_token("secret-token", 0)
            .await
            .unwrap()
            .unwrap()
            .id,
        u.id
    );
    assert!(store.user_by_token("other", 0).await.unwrap().is_none());
    store
        .set_user_active(WHO, u.id, u.version, false)
        .await
        .unwrap();
    assert!(store
        .user_by_token("secret-token", 0)
        .await
        .unwrap()
        .is_none());

    let far = jiff::Timestamp::now().as_millisecond() + 60_000;
    let s = dondoc_store::StoredHttpSession {
        id: "abc".into(),
        data: "{}".into(),
        expiry_ms: far,
    };
    assert!(store.http_session_create(&s).await.unwrap());
    assert!(!store.http_session_create(&s).await.unwrap());
    store
        .http_session_save(&dondoc_store::StoredHttpSession {
            data: "{\"x\":1}".into(),
            ..s.clone()
        })
        .await
        .unwrap();
    assert_eq!(
        store.http_session_load("abc").await.unwrap().unwrap().data,
        "{\"x\":1}"
    );
    store.http_session_delete("abc").await.unwrap();
    assert!(store.http_session_load("abc").await.unwrap().is_none());

    let keys = ["pair:clerk|1.2.3.4", "addr:1.2.3.4"];
    let mut last = Vec::new();
    for _ in 0..3 {
        last = store.login_attempt(&keys, 0).await.unwrap().0;
    }
    let (ids, seen) = store.login_attempt(&keys, 0).await.unwrap();
    assert_eq!((seen[0].count, seen[1].count), (3, 3));
    assert!(seen[0].latest_ms.unwrap() <= seen[0].now_ms);
    // Attempts taken back no longer count; a cleared key starts again.
    store.forget_login_attempts(&ids).await.unwrap();
    store.forget_login_attempts(&last).await.unwrap();
    let (ids, seen) = store.login_attempt(&keys, 0).await.unwrap();
    assert_eq!((seen[0].count, seen[1].count), (2, 2));
    store.clear_login_failures(keys[0]).await.unwrap();
    store.forget_login_attempts(&ids).await.unwrap();
    let (_, seen) = store.login_attempt(&keys, 0).await.unwrap();
    assert_eq!((seen[0].count, seen[0].latest_ms), (0, None));
    assert_eq!(seen[1].count, 2);
    // Attempts older than the window go.
    let later = seen[0].now_ms + 1;
    assert!(store.login_attempts_purge(later).await.unwrap() >= 3);
    let (_, seen) = store.login_attempt(&keys, 0).await.unwrap();
    assert_eq!((seen[0].count, seen[1].count), (0, 0));
});

both_backends!(people_and_documents, |db| async move {
    let store = db.store().await;
    let city = unit(&store, None, UnitKind::PartyCommittee, "Thành ủy Hạ Long").await;
    let p = store
        .create_person(
            WHO,
            &NewPerson {
                name: "Nguyễn Anh Tú".into(),
                title: Some("Phó Bí thư Thường trực Thành ủy".into()),
                unit_id: Some(city),
                from: None,
            },
        )
        .await
        .unwrap();
    store
        .add_position(WHO, p.id, "Tỉnh ủy viên", None)
        .await
        .unwrap();
    assert_eq!(store.positions(p.id).await.unwrap().len(), 2);
    assert_eq!(
        store
            .people(Some("nguyen anh"), None, None)
            .await
            .unwrap()
            .total,
        1
    );
    assert_eq!(
        store
            .person_by_name("NGUYỄN ANH TÚ")
            .await
            .unwrap()
            .unwrap()
            .id,
        p.id
    );

    let doc = store
        .create_document(
            WHO,
            &NewDocument {
                kind: "Nghị quyết".into(),
                number: Some("21-NQ/TU".into()),
                date: Some(date(2020, 1, 11)),
                issuer: None,
                subject: None,
            },
        )
        .await
        .unwrap();
    let s = store
        .create_session(WHO, &session(city, true))
        .await
        .unwrap()
        .session
        .id;
    store.link_document(WHO, s, doc.id).await.unwrap();
    store.link_document(WHO, s, doc.id).await.unwrap();
    assert_eq!(store.session_documents(s).await.unwrap().len(), 1);
    store
        .add_participant(WHO, s, p.id, "Trưởng đoàn")
        .await
        .unwrap();
    let dup = store
        .add_participant(WHO, s, p.id, "Trưởng đoàn")
        .await
        .unwrap_err();
    assert!(matches!(dup, StoreError::Duplicate("person_id")), "{dup:?}");
    assert_eq!(store.participants(s).await.unwrap()[0].1, "Trưởng đoàn");
});

#[tokio::test]
async fn a_backup_is_private_and_holds_no_sessions_or_tokens() {
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    let store = db.store().await;
    let u = store
        .create_user(WHO, "clerk", "Văn thư", "hash", Role::Clerk, None, None)
        .await
        .unwrap();
    store
        .create_token(WHO, u.id, "script", "secret-token")
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("backup.db");
    let path = path.to_str().unwrap();
    store.backup_to(path).await.unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{mode:o}");
    }
    let copy = Store::connect(&format!("sqlite://{path}")).await.unwrap();
    assert!(copy
        .user_by_token("secret-token", 0)
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        copy.users().await.unwrap().len(),
        1,
        "the records are there"
    );
    assert!(
        store.backup_to(path).await.is_err(),
        "an existing file is kept"
    );
}

both_backends!(
    cached_raising_counts_follow_raisings_and_publication,
    |db| async move {
        let store = db.store().await;
        let ward = unit(
            &store,
            None,
            UnitKind::PeoplesCommittee,
            "UBND phường Hà Lầm",
        )
        .await;
        let open = store
            .create_session(WHO, &session(ward, true))
            .await
            .unwrap();
        let closed = store
            .create_session(WHO, &session(ward, false))
            .await
            .unwrap();
        let raise = |session_id| NewRaising {
            session_id,
            date: date(2020, 12, 1),
            raised_by: None,
        };
        // Raised at the unpublished session, then outside any, then at the published one.
        let p = store
            .create_petition(
                WHO,
                &petition("sửa đường khu 3", None, Some(closed.session.id)),
            )
            .await
            .unwrap();
        let id = p.petition.id;
        let seen = |vis: Visibility| {
            let store = store.clone();
            async move {
                store
                    .petitions(&PetitionFilter::default(), &vis)
                    .await
                    .unwrap()
                    .items
                    .iter()
                    .find(|p| p.petition.id == id)
                    .map(|p| p.petition.raised_count)
            }
        };
        assert_eq!(seen(Visibility::Public).await, None);
        assert_eq!(seen(Visibility::All).await, Some(1));
        store.add_raising(WHO, id, &raise(None)).await.unwrap();
        assert_eq!(
            seen(Visibility::Public).await,
            None,
            "no published session yet"
        );
        store
            .add_raising(WHO, id, &raise(Some(open.session.id)))
            .await
            .unwrap();
        assert_eq!(seen(Visibility::Public).await, Some(2));
        assert_eq!(seen(Visibility::All).await, Some(3));
        // Publishing the other session shows its raising; unpublishing both hides the
        // petition again.
        let mut edit = session(ward, true);
        store
            .update_session(WHO, closed.session.id, closed.session.version, &edit)
            .await
            .unwrap();
        assert_eq!(seen(Visibility::Public).await, Some(3));
        edit.published = false;
        for s in [&closed, &open] {
            let now = store.session(s.session.id, &Visibility::All).await.unwrap();
            store
                .update_session(WHO, s.session.id, now.session.version, &edit)
                .await
                .unwrap();
        }
        assert_eq!(seen(Visibility::Public).await, None);
        assert_eq!(seen(Visibility::All).await, Some(3));
        assert!(store.stale_petition_counts(10).await.unwrap().is_empty());
    }
);

both_backends!(two_moves_at_once_cannot_make_a_loop, |db| async move {
    let store = db.store().await;
    // A under B and B under A, asked at the same moment, many times over: one of each
    // pair must be refused, or the two units vanish from the tree.
    for round in 0..10 {
        let a = unit(&store, None, UnitKind::Other, &format!("A{round}")).await;
        let b = unit(&store, None, UnitKind::Other, &format!("B{round}")).await;
        let under = |id: i64, parent: i64, name: String| {
            let store = store.clone();
            async move {
                let u = store.unit(id).await.unwrap();
                let new = NewUnit {
                    parent_id: Some(parent),
                    kind: UnitKind::Other,
                    name,
                    short_name: None,
                };
                store.update_unit(WHO, id, u.version, &new).await
            }
        };
        let (x, y) = tokio::join!(
            under(a, b, format!("A{round}")),
            under(b, a, format!("B{round}"))
        );
        assert!(
            x.is_err() || y.is_err(),
            "round {round}: both moves were made"
        );
    }
});

both_backends!(
    searches_read_the_same_through_the_word_index,
    |db| async move {
        let store = db.store().await;
        let ward = unit(&store, None, UnitKind::PeoplesCommittee, "Phường Hà Lầm").await;
        // 2,100 petitions about a culture house, more than the word index calls few.
        let texts: Vec<String> = (0..2_100)
            .map(|i| format!("Sửa nhà văn hóa khu {i}"))
            .collect();
        bulk_petitions(&store, ward, &texts).await;
        let rare = store
            .create_petition(
                WHO,
                &petition("Nạo vét kênh Xyzzy phía bắc", Some(ward), None),
            )
            .await
            .unwrap();
        // Few: the one petition, counted exactly; none for a word nowhere.
        let found = search(&store, "kênh xyzzy").await;
        assert_eq!(found.items.len(), 1);
        assert_eq!(found.items[0].petition.id, rare.petition.id);
        assert_eq!((found.total, found.total_capped), (1, false));
        assert_eq!(search(&store, "zzzz").await.total, 0);
        // Many: a page in order, the count stopped at the cap.
        let found = search(&store, "van hoa").await;
        assert_eq!(found.items.len(), 5);
        assert_eq!((found.total, found.total_capped), (1_000, true));
        assert!(found.items[0].petition.id > found.items[4].petition.id);
        // Both together: only what holds every word.
        let found = search(&store, "khu 2099 van hoa").await;
        assert_eq!(found.items.len(), 1, "{:?}", found.items);
        assert_eq!(found.total, 1);
        // Short words are read from the text, as before.
        assert_eq!(search(&store, "ha lam xy").await.total, 0);
        // An edit moves the petition in the index.
        store
            .update_petition(
                WHO,
                rare.petition.id,
                rare.petition.version,
                &petition("Nạo vét mương Plugh phía nam", Some(ward), None),
            )
            .await
            .unwrap();
        assert_eq!(search(&store, "xyzzy").await.total, 0);
        assert_eq!(search(&store, "plugh").await.total, 1);
    }
);

both_backends!(
    pages_by_the_order_walk_every_petition_once,
    |db| async move {
        let store = db.store().await;
        let ward = unit(&store, None, UnitKind::PeoplesCommittee, "Phường Hà Lầm").await;
        let host = store
            .create_session(WHO, &session(ward, true))
            .await
            .unwrap()
            .session
            .id;
        // 23 petitions: some raised several times (ties in "most raised"), some with a
        // deadline (ties in "due" too), some at a published session.
        for i in 0..23i64 {
            let p = store
                .create_petition(
                    WHO,
                    &NewPetition {
                        due_on: (i % 3 == 0).then(|| date(2026, 1, 1 + (i % 2) as i8)),
                        ..petition(
                            &format!("kiến nghị số {i}"),
                            Some(ward),
                            (i % 2 == 0).then_some(host),
                        )
                    },
                )
                .await
                .unwrap();
            for _ in 0..(i % 4) {
                store
                    .add_raising(
                        WHO,
                        p.petition.id,
                        &NewRaising {
                            session_id: None,
                            date: date(2021, 1, 1),
                            raised_by: None,
                        },
                    )
                    .await
                    .unwrap();
            }
        }
        for vis in [
            Visibility::All,
            Visibility::Public,
            Visibility::Scoped(vec![ward]),
        ] {
            for sort in [None, Some("raised"), Some("due")] {
                let f = |after: Option<String>, before: Option<String>, limit| PetitionFilter {
                    sort: sort.map(str::to_string),
                    limit: Some(limit),
                    after,
                    before,
                    ..Default::default()
                };
                let all: Vec<i64> = store
                    .petitions(&f(None, None, 100), &vis)
                    .await
                    .unwrap()
                    .items
                    .iter()
                    .map(|p| p.petition.id)
                    .collect();
                // Forward, four at a time.
                let mut walked = Vec::new();
                let mut page = store.petitions(&f(None, None, 4), &vis).await.unwrap();
                let mut pages = vec![];
                loop {
                    walked.extend(page.items.iter().map(|p| p.petition.id));
                    pages.push(page.items.iter().map(|p| p.petition.id).collect::<Vec<_>>());
                    let Some(after) = page.after.clone() else {
                        break;
                    };
                    page = store
                        .petitions(&f(Some(after), None, 4), &vis)
                        .await
                        .unwrap();
                    assert!(page.before.is_some(), "{vis:?} {sort:?}: a way back");
                }
                assert_eq!(walked, all, "{vis:?} {sort:?}");
                // And back from the last page, the same pages.
                let mut back = vec![page.items.iter().map(|p| p.petition.id).collect::<Vec<_>>()];
                while let Some(before) = page.before.clone() {
                    page = store
                        .petitions(&f(None, Some(before), 4), &vis)
                        .await
                        .unwrap();
                    back.push(page.items.iter().map(|p| p.petition.id).collect());
                }
                back.reverse();
                assert_eq!(back, pages, "{vis:?} {sort:?}");
            }
        }
        // A place the order could not have made is refused, not a failure.
        let bad = PetitionFilter {
            sort: Some("raised".into()),
            after: Some("x~1".into()),
            ..Default::default()
        };
        assert!(matches!(
            store.petitions(&bad, &Visibility::All).await,
            Err(StoreError::Invalid(_))
        ));
        let bad = PetitionFilter {
            after: Some("1; drop table petitions".into()),
            ..Default::default()
        };
        assert!(matches!(
            store.petitions(&bad, &Visibility::All).await,
            Err(StoreError::Invalid(_))
        ));
    }
);

both_backends!(
    a_bulk_load_cut_short_gets_its_indexes_back,
    |db| async move {
        let store = db.store().await;
        let ward = unit(&store, None, UnitKind::PeoplesCommittee, "Phường Hà Lầm").await;
        // SQLite's plain indexes of the big tables are set aside during the load.
        let indexes = || async {
            if db.backend != dondoc_store::Backend::Sqlite {
                return None;
            }
            let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
            let names: Vec<String> = sqlx::query_scalar(
                "select name from sqlite_master where type = 'index' and sql is not null
                 and tbl_name in ('petitions', 'raisings', 'directives') order by name",
            )
            .fetch_all(&pool)
            .await
            .unwrap();
            pool.close().await;
            Some(names)
        };
        let before = indexes().await;
        store.pause_indexes().await.unwrap();
        if let Some(paused) = indexes().await {
            let before = before.clone().unwrap();
            assert!(before.contains(&"petitions_status_idx".to_string()));
            // What stays guards the data: a petition raised once per session.
            assert_eq!(paused, vec!["raisings_session_once".to_string()]);
        }
        bulk_petitions(&store, ward, &["Nạo vét kênh Quuxa".to_string()]).await;
        // Sessions and directives written while the indexes are paused.
        let mut s = session(ward, true);
        s.title = "Làm việc tại khu Zorbu".into();
        let s = store.create_session(WHO, &s).await.unwrap();
        store
            .create_directive(
                WHO,
                &directive("Nâng cấp đường Wibbl", None, None, Some(s.session.id)),
                date(2020, 1, 1),
            )
            .await
            .unwrap();
        // The load stops here (no resume); the store is opened again.
        store.migrate().await.unwrap();
        assert_eq!(indexes().await, before, "the plain indexes are back");
        assert_eq!(
            search(&store, "quuxa").await.total,
            1,
            "the bulk-loaded petition is in the index"
        );
        let sessions = SessionFilter {
            q: Some("zorbu".into()),
            ..Default::default()
        };
        let found = store.sessions(&sessions, &Visibility::All).await.unwrap();
        assert_eq!(found.total, 1, "the session is in its index");
        let directives = DirectiveFilter {
            q: Some("wibbl".into()),
            ..Default::default()
        };
        let found = store
            .directives(&directives, &Visibility::All, date(2020, 1, 1))
            .await
            .unwrap();
        assert_eq!(found.total, 1, "the directive is in its index");
        // And the index is kept row by row again.
        store
            .create_petition(WHO, &petition("Sửa cầu Fizzbo", Some(ward), None))
            .await
            .unwrap();
        assert_eq!(search(&store, "fizzbo").await.total, 1);
    }
);

/// While an import's one transaction holds SQLite's write lock, another writer waits out the
/// busy timeout and is then told the database is busy (a 503 to try again), not an internal
/// error; the import's rows commit afterwards all the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_writer_behind_a_long_import_is_told_to_come_back() {
    let db = TestDb::new(Backend::Sqlite).await.expect("sqlite");
    let store = db.store().await;
    let job = store
        .create_import(None, "petitions", "lon.xlsx", None)
        .await
        .unwrap();
    let writer = store.import_writer(job.id, WHO).await.unwrap();
    let other = store
        .create_unit(
            WHO,
            &NewUnit {
                parent_id: None,
                kind: UnitKind::Other,
                name: "Phường chờ".into(),
                short_name: None,
            },
        )
        .await
        .unwrap_err();
    assert!(other.is_unavailable(), "{other:?}");
    writer.commit(0).await.unwrap();
    assert_eq!(store.import_job(job.id).await.unwrap().state, "done");
}

both_backends!(
    a_merge_moves_the_raisings_and_keeps_both_histories,
    |db| async move {
        let store = db.store().await;
        let ward = unit(
            &store,
            None,
            UnitKind::PeoplesCommittee,
            "UBND phường Hà Lầm",
        )
        .await;
        let mut earlier = session(ward, false);
        earlier.date = date(2019, 5, 1);
        let hidden = store
            .create_session(WHO, &earlier)
            .await
            .unwrap()
            .session
            .id;
        let shared = store
            .create_session(WHO, &session(ward, true))
            .await
            .unwrap()
            .session
            .id;
        let mut later = session(ward, true);
        later.date = date(2021, 3, 2);
        let last = store.create_session(WHO, &later).await.unwrap().session.id;
        let raise = |session_id, day| NewRaising {
            session_id,
            date: day,
            raised_by: Some("cử tri khu 2".into()),
        };
        // A: raised at the shared session and a later one. B, the same petition worded
        // otherwise: first raised at an unpublished session, then at the shared one, then
        // outside any.
        let a = store
            .create_petition(
                WHO,
                &petition("xây mới nhà văn hóa khu 2", Some(ward), Some(shared)),
            )
            .await
            .unwrap()
            .petition
            .id;
        store
            .add_raising(WHO, a, &raise(Some(last), date(2021, 3, 2)))
            .await
            .unwrap();
        let mut b_new = petition(
            "đề nghị làm nhà sinh hoạt cộng đồng khu 2",
            Some(ward),
            Some(hidden),
        );
        b_new.raised_on = date(2019, 5, 1);
        let b = store
            .create_petition(WHO, &b_new)
            .await
            .unwrap()
            .petition
            .id;
        store
            .add_raising(WHO, b, &raise(Some(shared), date(2020, 8, 24)))
            .await
            .unwrap();
        store
            .add_raising(WHO, b, &raise(None, date(2020, 9, 1)))
            .await
            .unwrap();
        let c = store
            .create_petition(
                WHO,
                &petition("sửa đèn đường khu 2", Some(ward), Some(last)),
            )
            .await
            .unwrap()
            .petition
            .id;
        let version = |id| {
            let store = store.clone();
            async move {
                store
                    .petition(id, &Visibility::All)
                    .await
                    .unwrap()
                    .petition
                    .version
            }
        };
        let merge = |from, into, v, iv| {
            let store = store.clone();
            async move {
                store
                    .merge_petitions(
                        WHO,
                        from,
                        &PetitionMerge {
                            into,
                            version: v,
                            into_version: iv,
                        },
                    )
                    .await
            }
        };

        // Refused, nothing written: into itself, a stale version of either.
        let (va, vb) = (version(a).await, version(b).await);
        let refused = merge(b, b, vb, vb).await.unwrap_err();
        assert!(
            matches!(&refused, StoreError::Invalid(i) if i.on("into_petition_id") == Some(FieldCode::Unchanged)),
            "{refused:?}"
        );
        assert!(matches!(
            merge(b, a, vb - 1, va).await,
            Err(StoreError::Conflict)
        ));
        assert!(matches!(
            merge(b, a, vb, va + 1).await,
            Err(StoreError::Conflict)
        ));
        assert_eq!((version(a).await, version(b).await), (va, vb));
        assert_eq!(store.raisings(b, &Visibility::All).await.unwrap().len(), 3);

        let done = merge(b, a, vb, va).await.unwrap();
        assert_eq!(
            done.moved, 2,
            "the unpublished session's and the one outside any"
        );
        assert_eq!(done.shared_sessions, vec![shared]);
        assert_eq!(done.into.petition.raised_count, 4);
        assert_eq!(done.from.petition.status, PetitionStatus::Merged);
        assert_eq!(done.from.petition.merged_into, Some(a));
        assert_eq!(done.from.petition.raised_count, 0);
        // The cached columns are what the raisings say, first raised included.
        assert!(store.stale_petition_counts(10).await.unwrap().is_empty());
        let first_raised_by_2019 = store
            .petitions(
                &PetitionFilter {
                    raised_to: Some("2019-12-31".into()),
                    ..Default::default()
                },
                &Visibility::All,
            )
            .await
            .unwrap();
        let ids: Vec<i64> = first_raised_by_2019
            .items
            .iter()
            .map(|p| p.petition.id)
            .collect();
        assert_eq!(ids, vec![a]);
        // Each raising that moved says where it was raised first.
        let raisings = store.raisings(a, &Visibility::All).await.unwrap();
        let from_b: Vec<Option<i64>> = raisings
            .iter()
            .map(|(r, _)| r.session_id.filter(|_| r.merged_from == Some(b)))
            .collect();
        assert_eq!(from_b, vec![Some(hidden), None, None, None]);
        assert_eq!(
            raisings
                .iter()
                .filter(|(r, _)| r.merged_from == Some(b))
                .count(),
            2
        );
        // No longer open, nor listed as such; its words still find it.
        let open = store
            .petitions(
                &PetitionFilter {
                    open: Some(true),
                    ..Default::default()
                },
                &Visibility::All,
            )
            .await
            .unwrap();
        assert!(open.items.iter().all(|p| p.petition.id != b));
        assert_eq!(
            search(&store, "nhà sinh hoạt cộng đồng").await.items[0]
                .petition
                .id,
            b
        );
        // The public sees the petition it went into, not the record merged away.
        assert!(matches!(
            store.petition(b, &Visibility::Public).await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(store.petition_merged_into(b).await.unwrap(), Some(a));
        assert_eq!(store.petition_merged_into(a).await.unwrap(), None);
        // Both histories: one event on each, before and after.
        let hb = store.history("petition", b).await.unwrap();
        let last_b = hb.last().unwrap();
        assert_eq!(last_b.action, "merge_into");
        assert!(
            last_b
                .before
                .as_deref()
                .unwrap()
                .contains("\"status\":\"assigned\"")
                || last_b
                    .before
                    .as_deref()
                    .unwrap()
                    .contains("\"merged_into\":null")
        );
        assert!(last_b
            .after
            .as_deref()
            .unwrap()
            .contains(&format!("\"merged_into\":{a}")));
        let ha = store.history("petition", a).await.unwrap();
        let last_a = ha.last().unwrap();
        assert_eq!(last_a.action, "merge_from");
        let after: serde_json::Value =
            serde_json::from_str(last_a.after.as_deref().unwrap()).unwrap();
        assert_eq!(after["merged_from"], b);
        assert_eq!(after["raisings_moved"], 2);
        assert_eq!(after["shared_session_ids"], serde_json::json!([shared]));
        assert_eq!(after["raised_count"], 4);
        let before: serde_json::Value =
            serde_json::from_str(last_a.before.as_deref().unwrap()).unwrap();
        assert_eq!(before["raised_count"], 2);
        assert!(before.get("merged_from").is_none());

        // A merged petition is raised no more, nor merged again, nor merged into.
        let again = store
            .add_raising(WHO, b, &raise(None, date(2021, 5, 1)))
            .await
            .unwrap_err();
        assert!(
            matches!(&again, StoreError::Invalid(i) if i.on("petition") == Some(FieldCode::Merged)),
            "{again:?}"
        );
        let vb = version(b).await;
        let (va, vc) = (version(a).await, version(c).await);
        let twice = merge(b, a, vb, va).await.unwrap_err();
        assert!(
            matches!(&twice, StoreError::Invalid(i) if i.on("petition") == Some(FieldCode::Merged)),
            "{twice:?}"
        );
        let into_merged = merge(c, b, vc, vb).await.unwrap_err();
        assert!(
            matches!(&into_merged, StoreError::Invalid(i) if i.on("into_petition_id") == Some(FieldCode::Merged)),
            "{into_merged:?}"
        );
        let unknown = merge(c, 999_999, vc, 1).await.unwrap_err();
        assert!(
            matches!(&unknown, StoreError::Invalid(i) if i.on("into_petition_id") == Some(FieldCode::UnknownReference)),
            "{unknown:?}"
        );
        assert_eq!(store.raisings(c, &Visibility::All).await.unwrap().len(), 1);
        assert!(store.stale_petition_counts(10).await.unwrap().is_empty());
    }
);

both_backends!(visits_count_each_visitor_once_a_day, |db| {
    async move {
        let store = db.store().await;
        let (day, next) = (date(2026, 11, 26), date(2026, 11, 27));
        // The day's salt is drawn once, by whichever node asks first.
        let salt = store.visit_salt(day, "first", day).await.unwrap();
        assert_eq!(salt, "first");
        assert_eq!(store.visit_salt(day, "second", day).await.unwrap(), "first");
        let t = 1_000_000_000_000_i64;
        let v = |h: &str, at: i64| (h.to_string(), at);
        assert_eq!(
            store
                .record_visits(day, &[v("a", t), v("b", t)], 60_000, day)
                .await
                .unwrap(),
            2
        );
        // Seen again: not new, and too soon to move `last_seen`.
        assert_eq!(
            store
                .record_visits(day, &[v("a", t + 1_000)], 60_000, day)
                .await
                .unwrap(),
            0
        );
        let f = store
            .visit_figures(day, date(2026, 11, 1), t - 1)
            .await
            .unwrap();
        assert_eq!((f.online, f.today, f.month, f.total), (2, 2, 2, 2));
        // Five minutes on, "a" came back once more: only "a" is online.
        let later = t + 300_000;
        store
            .record_visits(day, &[v("a", later)], 60_000, day)
            .await
            .unwrap();
        let f = store
            .visit_figures(day, date(2026, 11, 1), later - 300_000 + 1)
            .await
            .unwrap();
        assert_eq!((f.online, f.today), (1, 2));
        // The next day: "a" counts again (a new day, a new salt, a new digest); yesterday's
        // salt and visitor rows go, its counter stays.
        assert_eq!(
            store.visit_salt(next, "third", next).await.unwrap(),
            "third"
        );
        store
            .record_visits(next, &[v("a2", later + 86_400_000)], 60_000, next)
            .await
            .unwrap();
        let f = store
            .visit_figures(next, date(2026, 11, 1), later + 86_400_000 - 1)
            .await
            .unwrap();
        assert_eq!((f.online, f.today, f.month, f.total), (1, 1, 3, 3));
        let f = store
            .visit_figures(date(2026, 12, 1), date(2026, 12, 1), 0)
            .await
            .unwrap();
        assert_eq!((f.today, f.month, f.total), (0, 0, 3));
    }
});

// Every list refuses an offset deeper than an export reads (a walk of every row before it),
// not only the petitions', whose pages go on by their order.
both_backends!(
    every_list_refuses_an_offset_past_its_count,
    |db| async move {
        let store = db.store().await;
        let deep = Some(dondoc_store::MAX_OFFSET + 1);
        let refused = |r: Result<(), StoreError>| matches!(r, Err(StoreError::Invalid(_)));
        let today = date(2020, 1, 1);
        assert!(refused(
            store
                .petitions(
                    &PetitionFilter {
                        offset: deep,
                        ..Default::default()
                    },
                    &Visibility::All
                )
                .await
                .map(|_| ())
        ));
        assert!(refused(
            store
                .directives(
                    &DirectiveFilter {
                        offset: deep,
                        ..Default::default()
                    },
                    &Visibility::All,
                    today
                )
                .await
                .map(|_| ())
        ));
        assert!(refused(
            store
                .sessions(
                    &SessionFilter {
                        offset: deep,
                        ..Default::default()
                    },
                    &Visibility::All
                )
                .await
                .map(|_| ())
        ));
        assert!(refused(
            store
                .targets(
                    &TargetFilter {
                        offset: deep,
                        ..Default::default()
                    },
                    &Visibility::All
                )
                .await
                .map(|_| ())
        ));
        // At the limit itself, a page (empty here).
        let at_cap = DirectiveFilter {
            offset: Some(dondoc_store::MAX_OFFSET),
            ..Default::default()
        };
        assert!(store
            .directives(&at_cap, &Visibility::All, today)
            .await
            .unwrap()
            .items
            .is_empty());
    }
);
