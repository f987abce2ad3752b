//! `dondoc gen`: deterministic, realistic data at scale, for benchmarks and for trying
//! dondoc as a province would use it. A tree of units (province, districts, communes, their
//! offices and residential areas), people, sessions over ten years, petitions raised one to
//! four times, directives with coordinating units, targets and measurements; Vietnamese names
//! and places, folded search keys made by the same code as the application's.
//!
//! Rows are written in bulk (`dondoc_store::bulk`), appended after whatever the database
//! holds (the demo, say). The same seed and sizes give the same rows.

use anyhow::Result;
use dondoc_store::bulk::Value;
use dondoc_store::Store;
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// How much to generate.
#[derive(Debug, Clone)]
pub struct Sizes {
    pub petitions: i64,
    pub seed: u64,
}

impl Sizes {
    /// The shape measured in the scale issue: per million petitions, 5,000 units, 10,000
    /// sessions, 100,000 directives (and 2,000,000 raisings on average).
    fn units(&self) -> i64 {
        (self.petitions / 200).clamp(60, 5_000)
    }
    fn sessions(&self) -> i64 {
        (self.petitions / 100).max(10)
    }
    fn directives(&self) -> i64 {
        (self.petitions / 10).max(10)
    }
    fn people(&self) -> i64 {
        (self.petitions / 50).max(50)
    }
}

/// How many rows a batch holds before it is written.
const BATCH: usize = 20_000;

const SURNAMES: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý",
];
const MIDDLE: &[&str] = &[
    "Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quốc", "Ngọc", "Xuân", "Thu", "Hồng", "Công",
];
const GIVEN: &[&str] = &[
    "An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Hương", "Khánh",
    "Lan", "Long", "Mai", "Nam", "Nga", "Phong", "Phúc", "Quang", "Sơn", "Tâm", "Thảo", "Thắng",
    "Trang", "Tuấn", "Việt", "Yến",
];
const PLACES: &[&str] = &[
    "Hồng Hà",
    "Hồng Hải",
    "Hà Lầm",
    "Hà Tu",
    "Cao Xanh",
    "Bạch Đằng",
    "Trần Hưng Đạo",
    "Yết Kiêu",
    "Quang Trung",
    "Hà Khánh",
    "Hà Phong",
    "Giếng Đáy",
    "Bãi Cháy",
    "Hùng Thắng",
    "Tuần Châu",
    "Việt Hưng",
    "Đại Yên",
    "Hoành Bồ",
    "Cẩm Phả",
    "Uông Bí",
    "Đông Triều",
    "Móng Cái",
    "Vân Đồn",
    "Tiên Yên",
    "Bình Liêu",
    "Đầm Hà",
    "Hải Hà",
    "Ba Chẽ",
    "Cô Tô",
    "Quảng Yên",
    "Minh Thành",
    "Phong Cốc",
    "Nam Hòa",
    "Yên Giang",
    "Tân An",
    "Cộng Hòa",
    "Sông Khoai",
    "Hiệp Hòa",
];
const OFFICES: &[(&str, &str)] = &[
    ("department", "Phòng Tài nguyên và Môi trường"),
    ("department", "Phòng Quản lý đô thị"),
    ("department", "Phòng Tài chính - Kế hoạch"),
    ("department", "Phòng Văn hóa và Thông tin"),
    ("department", "Phòng Lao động - Thương binh và Xã hội"),
    ("project_board", "Ban Quản lý dự án đầu tư xây dựng"),
    ("department", "Trung tâm Phát triển quỹ đất"),
];
const COMMUNE_OFFICES: &[(&str, &str)] = &[
    ("party_committee", "Đảng ủy"),
    ("peoples_council", "HĐND"),
    ("front", "Ủy ban MTTQ"),
    ("school", "Trường Tiểu học"),
    ("health", "Trạm Y tế"),
];
const PETITION_ACTIONS: &[&str] = &[
    "Đề nghị sửa chữa",
    "Đề nghị đầu tư xây dựng",
    "Đề nghị sớm giải quyết",
    "Cử tri phản ánh tình trạng xuống cấp của",
    "Đề nghị nâng cấp",
    "Đề nghị cấp giấy chứng nhận quyền sử dụng đất cho",
    "Đề nghị bố trí kinh phí cải tạo",
    "Đề nghị xử lý ô nhiễm tại",
    "Đề nghị lắp đặt hệ thống chiếu sáng",
    "Đề nghị nạo vét",
];
const PETITION_OBJECTS: &[&str] = &[
    "tuyến đường",
    "nhà văn hóa",
    "hệ thống thoát nước",
    "rãnh thoát nước",
    "khu tái định cư",
    "trường mầm non",
    "sân thể thao",
    "các hộ dân",
    "kênh mương",
    "chợ dân sinh",
];
const CATEGORIES: &[&str] = &[
    "Hạ tầng",
    "Đất đai",
    "Môi trường",
    "Giáo dục",
    "Y tế",
    "Chính sách xã hội",
];
const DIRECTIVE_VERBS: &[&str] = &[
    "Khẩn trương hoàn thành",
    "Rà soát, báo cáo",
    "Tập trung chỉ đạo",
    "Phối hợp giải quyết dứt điểm",
    "Xây dựng kế hoạch",
    "Đẩy nhanh tiến độ",
];
const DIRECTIVE_OBJECTS: &[&str] = &[
    "công tác giải phóng mặt bằng",
    "thu ngân sách nhà nước",
    "các kiến nghị của cử tri",
    "việc cấp giấy chứng nhận quyền sử dụng đất",
    "công tác vệ sinh môi trường",
    "dự án chỉnh trang đô thị",
];
const PETITION_STATUSES: &[(&str, u32)] = &[
    ("received", 10),
    ("assigned", 25),
    ("in_progress", 20),
    ("answered", 15),
    ("resolved", 20),
    ("rejected", 5),
    ("reopened", 5),
];
const DIRECTIVE_STATUSES: &[(&str, u32)] = &[
    ("assigned", 35),
    ("in_progress", 30),
    ("done", 30),
    ("cancelled", 5),
];

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

fn weighted<'a>(rng: &mut StdRng, items: &[(&'a str, u32)]) -> &'a str {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut at = rng.gen_range(0..total);
    for (item, w) in items {
        if at < *w {
            return item;
        }
        at -= w;
    }
    items[0].0
}

fn key(s: &str) -> String {
    dondoc_text::fold(s)
}

/// A date `days` after 2015-01-01, as the database stores dates.
fn day(days: i64) -> String {
    let start = jiff::civil::date(2015, 1, 1);
    start
        .checked_add(jiff::Span::new().days(days))
        .unwrap_or(start)
        .to_string()
}

/// Days from 2015-01-01 to 2026-11-30: the span sessions are spread over.
const SPAN_DAYS: i64 = 4_351;

struct Unit {
    id: i64,
    /// A commune (ward) or a district: petitions are about places in it.
    commune: bool,
    name: String,
}

fn bar(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{msg:>12} {wide_bar} {pos}/{len} ({per_sec}, {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(what.to_string());
    bar
}

/// Writes the data, with a progress bar on standard error.
pub async fn generate(store: &Store, sizes: &Sizes) -> Result<()> {
    // The indexes of the big tables are built once at the end rather than kept row by row.
    store.pause_indexes().await?;
    let written = write(store, sizes).await;
    let building = ProgressBar::new_spinner().with_message("indexes");
    building.enable_steady_tick(std::time::Duration::from_millis(200));
    store.resume_indexes().await?;
    building.finish_with_message("indexes built");
    written?;
    // The planner's statistics, so that lists choose their indexes from the start.
    store.analyze().await?;
    Ok(())
}

async fn write(store: &Store, sizes: &Sizes) -> Result<()> {
    let mut rng = StdRng::seed_from_u64(sizes.seed);
    let now = jiff::Timestamp::now().as_millisecond();
    let mut bulk = store.bulk().await?;

    // Units: a province, its districts, their communes, and offices of each.
    let first_unit = bulk.next_id("units").await?;
    let mut units: Vec<Unit> = Vec::new();
    let mut rows = Vec::new();
    let mut next = first_unit;
    let mut add = |rows: &mut Vec<Vec<Value>>,
                   units: &mut Vec<Unit>,
                   parent: Option<i64>,
                   kind: &str,
                   name: String,
                   commune: bool| {
        let id = next;
        next += 1;
        rows.push(vec![
            id.into(),
            parent.into(),
            kind.into(),
            name.as_str().into(),
            Value::NullS,
            key(&name).into(),
            1i64.into(),
            now.into(),
        ]);
        units.push(Unit { id, commune, name });
        id
    };
    let province = add(
        &mut rows,
        &mut units,
        None,
        "peoples_committee",
        format!("UBND tỉnh {} (dữ liệu sinh)", sizes.seed),
        false,
    );
    let wanted = sizes.units();
    let mut d = 0;
    while (units.len() as i64) < wanted {
        d += 1;
        let district = add(
            &mut rows,
            &mut units,
            Some(province),
            "peoples_committee",
            format!("UBND huyện {} {d}", pick(&mut rng, PLACES)),
            true,
        );
        for (kind, office) in OFFICES {
            add(
                &mut rows,
                &mut units,
                Some(district),
                kind,
                format!("{office} huyện {d}"),
                false,
            );
        }
        for c in 1..=12 {
            if units.len() as i64 >= wanted {
                break;
            }
            let place = pick(&mut rng, PLACES);
            let commune = add(
                &mut rows,
                &mut units,
                Some(district),
                "peoples_committee",
                format!("UBND phường {place} {d}.{c}"),
                true,
            );
            for (kind, office) in COMMUNE_OFFICES {
                add(
                    &mut rows,
                    &mut units,
                    Some(commune),
                    kind,
                    format!("{office} phường {place} {d}.{c}"),
                    false,
                );
            }
            for k in 1..=4 {
                add(
                    &mut rows,
                    &mut units,
                    Some(commune),
                    "residential_area",
                    format!("Khu {k} phường {place} {d}.{c}"),
                    false,
                );
            }
        }
    }
    let unit_cols = [
        "id",
        "parent_id",
        "kind",
        "name",
        "short_name",
        "name_key",
        "version",
        "created_at",
    ];
    bulk.insert("units", &unit_cols, &rows).await?;
    let communes: Vec<&Unit> = units.iter().filter(|u| u.commune).collect();
    let all_units: Vec<i64> = units.iter().map(|u| u.id).collect();

    // People.
    let first_person = bulk.next_id("people").await?;
    let people = sizes.people();
    let rows: Vec<Vec<Value>> = (0..people)
        .map(|i| {
            let name = format!(
                "{} {} {}",
                pick(&mut rng, SURNAMES),
                pick(&mut rng, MIDDLE),
                pick(&mut rng, GIVEN)
            );
            vec![
                (first_person + i).into(),
                name.as_str().into(),
                key(&name).into(),
                1i64.into(),
                now.into(),
            ]
        })
        .collect();
    bulk.insert(
        "people",
        &["id", "name", "name_key", "version", "created_at"],
        &rows,
    )
    .await?;

    // Sessions: nine in ten published.
    let first_session = bulk.next_id("sessions").await?;
    let sessions = sizes.sessions();
    let mut session_info: Vec<(i64, i64, bool)> = Vec::with_capacity(sessions as usize);
    let rows: Vec<Vec<Value>> = (0..sessions)
        .map(|i| {
            let id = first_session + i;
            let host = pick(&mut rng, &communes);
            let days = rng.gen_range(0..SPAN_DAYS);
            let published = rng.gen_range(0..10) < 9;
            session_info.push((id, days, published));
            let title = format!(
                "Đoàn công tác số {} làm việc với {}",
                rng.gen_range(1..20),
                host.name
            );
            vec![
                id.into(),
                day(days).into(),
                Value::NullS,
                title.as_str().into(),
                key(&title).into(),
                host.id.into(),
                Value::NullS,
                Some(first_person + rng.gen_range(0..people)).into(),
                Value::NullS,
                Value::NullS,
                i64::from(published).into(),
                1i64.into(),
                now.into(),
            ]
        })
        .collect();
    let session_cols = [
        "id",
        "date",
        "place",
        "title",
        "title_key",
        "host_unit_id",
        "delegation_name",
        "lead_person_id",
        "summary",
        "source_text",
        "published",
        "version",
        "created_at",
    ];
    bulk.insert("sessions", &session_cols, &rows).await?;

    // Petitions with 1–4 raisings each (2 on average), their cached counts kept as the
    // store keeps them.
    let progress = bar(sizes.petitions as u64, "petitions");
    let first_petition = bulk.next_id("petitions").await?;
    let mut raising_id = bulk.next_id("raisings").await?;
    let petition_cols = [
        "id",
        "title",
        "text",
        "text_key",
        "category",
        "area_unit_id",
        "raised_by",
        "responsible_unit_id",
        "due_on",
        "answer",
        "reject_reason",
        "status",
        "version",
        "created_at",
        "raised_count",
        "public_raised_count",
        "published",
        "first_raised_on",
    ];
    let raising_cols = [
        "id",
        "petition_id",
        "session_id",
        "date",
        "raised_by",
        "created_at",
    ];
    let mut petitions = Vec::with_capacity(BATCH);
    let mut raisings = Vec::with_capacity(BATCH * 2);
    for i in 0..sizes.petitions {
        let id = first_petition + i;
        let area = pick(&mut rng, &communes);
        let text = format!(
            "{} {} khu {} {}",
            pick(&mut rng, PETITION_ACTIONS),
            pick(&mut rng, PETITION_OBJECTS),
            rng.gen_range(1..12),
            area.name.trim_start_matches("UBND ")
        );
        let title: String = text.chars().take(80).collect();
        let status = weighted(&mut rng, PETITION_STATUSES);
        let responsible = (status != "received").then(|| *pick(&mut rng, &all_units));
        let n = [1, 1, 2, 2, 2, 3, 3, 4][rng.gen_range(0..8)];
        let (mut public, mut published) = (0i64, false);
        let mut first_day = None;
        let mut at_sessions = Vec::with_capacity(4);
        for _ in 0..n {
            // One raising in ten outside any session (a letter, the reception office); a
            // session raises a petition once.
            let at = (rng.gen_range(0..10) > 0)
                .then(|| *pick(&mut rng, &session_info))
                .filter(|s| !at_sessions.contains(&s.0));
            at_sessions.extend(at.map(|s| s.0));
            let days = at.map_or(rng.gen_range(0..SPAN_DAYS), |s| s.1);
            first_day = Some(first_day.map_or(days, |f: i64| f.min(days)));
            match at {
                None => public += 1,
                Some((_, _, true)) => {
                    public += 1;
                    published = true;
                }
                Some(_) => {}
            }
            raisings.push(vec![
                raising_id.into(),
                id.into(),
                at.map(|s| s.0).into(),
                day(days).into(),
                Value::NullS,
                now.into(),
            ]);
            raising_id += 1;
        }
        let due = (responsible.is_some() && rng.gen_range(0..3) > 0)
            .then(|| day(first_day.unwrap_or(0) + 40 + rng.gen_range(0..60)));
        let answer = matches!(status, "answered" | "resolved")
            .then(|| "Đã bố trí kinh phí, dự kiến thực hiện trong năm.".to_string());
        let reject = (status == "rejected")
            .then(|| "Không thuộc thẩm quyền giải quyết của địa phương.".to_string());
        petitions.push(vec![
            id.into(),
            title.as_str().into(),
            text.as_str().into(),
            key(&text).into(),
            Some(pick(&mut rng, CATEGORIES).to_string()).into(),
            Some(area.id).into(),
            Some("Cử tri".to_string()).into(),
            responsible.into(),
            due.into(),
            answer.into(),
            reject.into(),
            status.into(),
            1i64.into(),
            now.into(),
            n.into(),
            public.into(),
            i64::from(published).into(),
            first_day.map(day).into(),
        ]);
        if petitions.len() >= BATCH || i + 1 == sizes.petitions {
            bulk.insert("petitions", &petition_cols, &petitions).await?;
            bulk.insert("raisings", &raising_cols, &raisings).await?;
            // One transaction a batch keeps SQLite's write-ahead log small.
            bulk.commit().await?;
            bulk = store.bulk().await?;
            progress.inc(petitions.len() as u64);
            petitions.clear();
            raisings.clear();
        }
    }
    progress.finish();

    // Directives, at sessions, with a lead unit and up to three coordinating ones.
    let progress = bar(sizes.directives() as u64, "directives");
    let first_directive = bulk.next_id("directives").await?;
    let directive_cols = [
        "id",
        "session_id",
        "text",
        "text_key",
        "issued_by_person_id",
        "lead_unit_id",
        "deadline",
        "deadline_text",
        "status",
        "done_on",
        "progress_percent",
        "version",
        "created_at",
    ];
    let mut directives = Vec::with_capacity(BATCH);
    let mut coordinating = Vec::with_capacity(BATCH);
    for i in 0..sizes.directives() {
        let id = first_directive + i;
        let (session, days, _) = *pick(&mut rng, &session_info);
        let text = format!(
            "{} {}",
            pick(&mut rng, DIRECTIVE_VERBS),
            pick(&mut rng, DIRECTIVE_OBJECTS)
        );
        let lead = *pick(&mut rng, &all_units);
        let status = weighted(&mut rng, DIRECTIVE_STATUSES);
        let deadline = (rng.gen_range(0..4) > 0).then(|| day(days + rng.gen_range(14..180)));
        let done_on = (status == "done").then(|| day(days + rng.gen_range(7..200)));
        let percent: i64 = match status {
            "done" => 100,
            "in_progress" => rng.gen_range(10..90),
            _ => 0,
        };
        directives.push(vec![
            id.into(),
            Some(session).into(),
            text.as_str().into(),
            key(&text).into(),
            Some(first_person + rng.gen_range(0..people)).into(),
            Some(lead).into(),
            deadline.into(),
            Value::NullS,
            status.into(),
            done_on.into(),
            percent.into(),
            1i64.into(),
            now.into(),
        ]);
        let mut chosen = Vec::new();
        for _ in 0..rng.gen_range(0..4) {
            let u = *pick(&mut rng, &all_units);
            if u != lead && !chosen.contains(&u) {
                chosen.push(u);
                coordinating.push(vec![id.into(), u.into()]);
            }
        }
        if directives.len() >= BATCH || i + 1 == sizes.directives() {
            bulk.insert("directives", &directive_cols, &directives)
                .await?;
            bulk.insert(
                "directive_units",
                &["directive_id", "unit_id"],
                &coordinating,
            )
            .await?;
            bulk.commit().await?;
            bulk = store.bulk().await?;
            progress.inc(directives.len() as u64);
            directives.clear();
            coordinating.clear();
        }
    }
    progress.finish();

    // A budget target per commune and year, measured at a session of that year.
    let first_target = bulk.next_id("targets").await?;
    let first_measurement = bulk.next_id("measurements").await?;
    let mut targets = Vec::new();
    let mut measurements = Vec::new();
    for (i, commune) in communes.iter().enumerate() {
        let year = 2020 + (i % 6) as i16;
        let id = first_target + i as i64;
        let plan = f64::from(rng.gen_range(20..200)) * 1e8;
        let indicator = format!("Thu ngân sách nhà nước năm {year}");
        targets.push(vec![
            id.into(),
            commune.id.into(),
            indicator.as_str().into(),
            "VND".into(),
            format!("{year}-01-01").into(),
            format!("{year}-12-31").into(),
            plan.into(),
            Value::NullI,
            1i64.into(),
            1i64.into(),
            now.into(),
        ]);
        let (session, _, _) = *pick(&mut rng, &session_info);
        measurements.push(vec![
            (first_measurement + i as i64).into(),
            id.into(),
            format!("{year}-01-01").into(),
            format!("{year}-09-30").into(),
            (plan * f64::from(rng.gen_range(40..110)) / 100.0).into(),
            "exact".into(),
            0i64.into(),
            Some(session).into(),
            Value::NullS,
            now.into(),
        ]);
    }
    let target_cols = [
        "id",
        "unit_id",
        "indicator",
        "measure",
        "period_from",
        "period_to",
        "plan_value",
        "document_id",
        "approved",
        "version",
        "created_at",
    ];
    bulk.insert("targets", &target_cols, &targets).await?;
    let measurement_cols = [
        "id",
        "target_id",
        "period_from",
        "period_to",
        "value",
        "qualifier",
        "estimated",
        "session_id",
        "wording",
        "created_at",
    ];
    bulk.insert("measurements", &measurement_cols, &measurements)
        .await?;
    bulk.commit().await?;
    Ok(())
}

/// Writes `path` (.xlsx): `rows` petitions in the areas the database holds (the communes and
/// districts `gen` makes), some handed to a unit with a date to answer by,
/// under the export's Vietnamese column names — a list as `dondoc import` reads it. The same
/// seed gives the same rows for the same database.
pub async fn sheet(store: &Store, path: &str, rows: i64, seed: u64) -> Result<()> {
    use dondoc_web::i18n::Lang;
    anyhow::ensure!(
        path.ends_with(".xlsx"),
        "--sheet writes an .xlsx file (its name must end in .xlsx)"
    );
    let units = store.units().await?;
    let live: Vec<&dondoc_domain::Unit> =
        units.iter().filter(|u| u.merged_into.is_none()).collect();
    // The areas petitions are about: as `gen` writes them, the communes and districts (their
    // people's committees); else residential areas; else any unit.
    let of_kind = |kind: dondoc_domain::UnitKind| -> Vec<&str> {
        live.iter()
            .filter(|u| u.kind == kind)
            .map(|u| u.name.as_str())
            .collect()
    };
    let mut areas = of_kind(dondoc_domain::UnitKind::PeoplesCommittee);
    if areas.is_empty() {
        areas = of_kind(dondoc_domain::UnitKind::ResidentialArea);
    }
    if areas.is_empty() {
        areas = live.iter().map(|u| u.name.as_str()).collect();
    }
    // Names of units that share them would be ambiguous in a file; take those that are one.
    let mut count: std::collections::HashMap<String, usize> = Default::default();
    for u in &live {
        *count.entry(key(&u.name)).or_default() += 1;
    }
    areas.retain(|a| count.get(&key(a)) == Some(&1));
    let offices: Vec<&str> = live
        .iter()
        .filter(|u| u.kind != dondoc_domain::UnitKind::ResidentialArea)
        .map(|u| u.name.as_str())
        .filter(|n| count.get(&key(n)) == Some(&1))
        .collect();
    anyhow::ensure!(
        !areas.is_empty(),
        "no unit of the database has a name of its own"
    );
    let mut rng = StdRng::seed_from_u64(seed);
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    let fail = |e: rust_xlsxwriter::XlsxError| anyhow::anyhow!("writing {path}: {e}");
    for (c, k) in dondoc_web::export::PETITION_COLUMNS.iter().enumerate() {
        ws.write(0, c as u16, Lang::Vi.t(k)).map_err(fail)?;
    }
    let day = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    let progress = bar(rows as u64, "rows");
    for i in 0..rows {
        let r = i as u32 + 1;
        let area = *pick(&mut rng, &areas);
        let text = format!(
            "{} {} tổ {} {}",
            pick(&mut rng, PETITION_ACTIONS),
            pick(&mut rng, PETITION_OBJECTS),
            rng.gen_range(1..40),
            area
        );
        ws.write(r, 2, text.as_str()).map_err(fail)?;
        ws.write(r, 3, *pick(&mut rng, CATEGORIES)).map_err(fail)?;
        ws.write(r, 4, area).map_err(fail)?;
        if !offices.is_empty() && rng.gen_range(0..2) == 0 {
            ws.write(r, 5, *pick(&mut rng, &offices)).map_err(fail)?;
            let due = rust_xlsxwriter::ExcelDateTime::from_ymd(
                2027,
                rng.gen_range(1..13),
                rng.gen_range(1..29),
            )
            .map_err(fail)?;
            ws.write_with_format(r, 6, &due, &day).map_err(fail)?;
        }
        if i % 10_000 == 0 {
            progress.set_position(i as u64);
        }
    }
    progress.finish();
    book.save(path).map_err(fail)?;
    Ok(())
}
