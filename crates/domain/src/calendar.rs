//! Working days in Vietnam: the lunar calendar, the public holidays and deadlines counted in
//! working days ("trong thời hạn 05 ngày làm việc").
//!
//! # The lunar calendar
//!
//! Tết and Giỗ Tổ Hùng Vương fall on lunar dates, so their solar dates are computed, never typed
//! in per year. The computation is Hồ Ngọc Đức's well-known algorithm ("Thuật toán tính âm
//! lịch"): new moons and the sun's longitude from the simplified formulas of Jean Meeus,
//! *Astronomical Algorithms*; a lunar month starts on the day (local time) of a new moon; month
//! 11 is the one holding the winter solstice; in a year with 13 months, the first month after
//! month 11 without a major solar term (trung khí) is the leap month and repeats the number of
//! the month before it. Days are local days in Vietnam's time zone, UTC+7, which is what makes
//! the Vietnamese calendar differ from the Chinese one (UTC+8) in some years: Tết 1985 fell on
//! 21 January in Vietnam and 20 February in China, Tết 2007 on 17 and 18 February.
//!
//! The results are accurate for the years 1900–2199, the range the algorithm's author checked
//! it on; outside it the formulas still answer but drift, and dates beyond what
//! [`jiff::civil::Date`] holds saturate or are `None`. UTC+7 is used for every year, although
//! the calendar published in Vietnam was computed for UTC+8 before 1968.
//!
//! # Public holidays
//!
//! Labour Code 2019 (Bộ luật Lao động, Law 45/2019/QH14), Art. 112(1), in force since
//! 1 January 2021:
//!
//! - Tết Dương lịch: 1 January;
//! - Tết Âm lịch: 5 days. Art. 112(3) lets the Prime Minister choose them each year; the
//!   default here is the last day of the old lunar year (Tết eve, 29 or 30 tháng Chạp) and the
//!   first four days of the new one (mùng 1 to mùng 4);
//! - Ngày Chiến thắng: 30 April;
//! - Ngày Quốc tế lao động: 1 May;
//! - Quốc khánh: 2 September and one adjacent day, before or after, also chosen by the Prime
//!   Minister. The default here is 3 September when 2 September is a Monday or a Thursday (the
//!   day then joins the weekend or is on it) and 1 September otherwise, which is what the
//!   government chose for 2021–2025. Before 2021 (Labour Code 2012) National Day is 2 September
//!   alone;
//! - Giỗ Tổ Hùng Vương: 10th day of the 3rd lunar month.
//!
//! The rest of the Labour Code 2019 rules are applied to every year; the older rules (four days
//! of Tết before 2013, no Giỗ Tổ before 2007) are not modelled.
//!
//! The weekly rest is Saturday and Sunday (the 40-hour week of public bodies, Decision
//! 188/1999/QĐ-TTg). A holiday that falls on a weekly rest day is made up on the next working
//! day (Art. 111(3): "được nghỉ bù … vào ngày làm việc kế tiếp"): holidays are taken in date
//! order, and each one on a Saturday or Sunday gives the first following weekday that is neither
//! a holiday nor already a compensatory day. Two holidays on the same date would make one day
//! off and no compensatory day (Giỗ Tổ can fall on 30 April: in 1900–2199 only in 1947).
//!
//! # Overrides
//!
//! Each year the Prime Minister (for public servants) moves days: a bridge day off is swapped
//! with a Saturday worked, or Tết is taken on other days than the default. A [`Calendar`]
//! carries those decisions as extra days off and extra working days, which take precedence over
//! the rules above; the compensatory days are computed from the statutory rules alone.
//!
//! # Deadlines
//!
//! [`Calendar::add_working_days`] counts working days after a date, the date itself not counted:
//! "5 working days from Friday 7 March 2025" is Friday 14 March. Adding 0 working days gives the
//! date itself when it is a working day and the next working day otherwise.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::f64::consts::PI;
use std::sync::OnceLock;

use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------------------------
// Lunar calendar
// ---------------------------------------------------------------------------------------------

/// Vietnam's time zone, UTC+7, in hours.
const VIETNAM_TZ: f64 = 7.0;

/// The Julian day number of 1900-01-01, the origin of the new moon numbering.
const JD_1900: i64 = 2_415_021;
/// The Julian day of the first new moon of the numbering (k = 0), 1900-01-01 at 13:51 UTC.
const NEW_MOON_0: f64 = 2_415_021.076_998_695;
/// The mean length of a synodic month, in days.
const SYNODIC_MONTH: f64 = 29.530_588_853;

/// A day of the Vietnamese lunar calendar (âm lịch).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LunarDate {
    /// The lunar year, named by the solar year in which it begins: year 2025 (Ất Tỵ) runs from
    /// 29 January 2025 to 16 February 2026.
    pub year: i16,
    /// 1 (tháng Giêng) to 12 (tháng Chạp).
    pub month: i8,
    /// 1 to 29 or 30.
    pub day: i8,
    /// The leap month (tháng nhuận) that repeats `month`.
    pub leap: bool,
}

impl LunarDate {
    /// The solar date of this lunar date, `None` if it does not exist.
    pub fn to_solar(self) -> Option<Date> {
        lunar_to_solar(self.year, self.month, self.day, self.leap)
    }
}

/// Mùng 1 tháng Giêng, the first day of the lunar year that begins in `year`.
///
/// Accurate for 1900–2199; a year whose new year is past [`Date::MAX`] gives `Date::MAX`.
pub fn lunar_new_year(year: i16) -> Date {
    lunar_to_solar(year, 1, 1, false).unwrap_or(if year > 0 { Date::MAX } else { Date::MIN })
}

/// The solar date of a lunar date, `None` if there is no such day: a month outside 1–12, a day
/// outside the month (a month has 29 or 30 days), a leap month in a year that does not repeat
/// that month, or a date outside what [`Date`] holds.
pub fn lunar_to_solar(year: i16, month: i8, day: i8, leap: bool) -> Option<Date> {
    let jd = lunar_to_jd(i64::from(year), month, day, leap, VIETNAM_TZ)?;
    date_from_jd(jd)
}

/// The lunar date of a solar date.
pub fn solar_to_lunar(d: Date) -> LunarDate {
    jd_to_lunar(jd_from_date(d), VIETNAM_TZ)
}

/// The month that is repeated as a leap month (tháng nhuận) in lunar year `year`, if any.
pub fn leap_month(year: i16) -> Option<i8> {
    (1..=12).find(|&month| lunar_to_jd(i64::from(year), month, 1, true, VIETNAM_TZ).is_some())
}

/// The Julian day number of a (proleptic Gregorian) date: `jdFromDate`.
fn jd_from_ymd(year: i64, month: i64, day: i64) -> i64 {
    let a = (14 - month).div_euclid(12);
    let y = year + 4800 - a;
    let m = month + 12 * a - 3;
    day + (153 * m + 2).div_euclid(5) + 365 * y + y.div_euclid(4) - y.div_euclid(100)
        + y.div_euclid(400)
        - 32045
}

fn jd_from_date(d: Date) -> i64 {
    jd_from_ymd(
        i64::from(d.year()),
        i64::from(d.month()),
        i64::from(d.day()),
    )
}

/// The (proleptic Gregorian) year, month and day of a Julian day number: `jdToDate`.
fn ymd_from_jd(jd: i64) -> (i64, i64, i64) {
    let a = jd + 32044;
    let b = (4 * a + 3).div_euclid(146_097);
    let c = a - (146_097 * b).div_euclid(4);
    let d = (4 * c + 3).div_euclid(1461);
    let e = c - (1461 * d).div_euclid(4);
    let m = (5 * e + 2).div_euclid(153);
    let day = e - (153 * m + 2).div_euclid(5) + 1;
    let month = m + 3 - 12 * m.div_euclid(10);
    let year = 100 * b + d - 4800 + m.div_euclid(10);
    (year, month, day)
}

/// The date of a Julian day number, `None` outside what [`Date`] holds.
fn date_from_jd(jd: i64) -> Option<Date> {
    let (year, month, day) = ymd_from_jd(jd);
    let year = i16::try_from(year).ok()?;
    Date::new(year, month as i8, day as i8).ok()
}

/// The Julian day (with fraction, UTC) of the `k`-th new moon after 1900-01-01: `NewMoon`.
fn new_moon(k: i64) -> f64 {
    let k = k as f64;
    let t = k / 1236.85; // Julian centuries from 1900 January 0.5
    let t2 = t * t;
    let t3 = t2 * t;
    let dr = PI / 180.0;
    let mut jd1 = 2_415_020.759_33 + 29.530_588_68 * k + 0.000_117_8 * t2 - 0.000_000_155 * t3;
    jd1 += 0.000_33 * ((166.56 + 132.87 * t - 0.009_173 * t2) * dr).sin(); // mean new moon
    let m = 359.2242 + 29.105_356_08 * k - 0.000_033_3 * t2 - 0.000_003_47 * t3; // sun's anomaly
    let mpr = 306.0253 + 385.816_918_06 * k + 0.010_730_6 * t2 + 0.000_012_36 * t3; // moon's
    let f = 21.2964 + 390.670_506_46 * k - 0.001_652_8 * t2 - 0.000_002_39 * t3; // latitude
    let mut c1 = (0.1734 - 0.000_393 * t) * (m * dr).sin() + 0.0021 * (2.0 * dr * m).sin();
    c1 = c1 - 0.4068 * (mpr * dr).sin() + 0.0161 * (dr * 2.0 * mpr).sin();
    c1 -= 0.0004 * (dr * 3.0 * mpr).sin();
    c1 = c1 + 0.0104 * (dr * 2.0 * f).sin() - 0.0051 * (dr * (m + mpr)).sin();
    c1 = c1 - 0.0074 * (dr * (m - mpr)).sin() + 0.0004 * (dr * (2.0 * f + m)).sin();
    c1 = c1 - 0.0004 * (dr * (2.0 * f - m)).sin() - 0.0006 * (dr * (2.0 * f + mpr)).sin();
    c1 = c1 + 0.0010 * (dr * (2.0 * f - mpr)).sin() + 0.0005 * (dr * (2.0 * mpr + m)).sin();
    let delta_t = if t < -11.0 {
        0.001 + 0.000_839 * t + 0.000_226_1 * t2 - 0.000_008_45 * t3 - 0.000_000_081 * t * t3
    } else {
        -0.000_278 + 0.000_265 * t + 0.000_262 * t2
    };
    jd1 + c1 - delta_t
}

/// The sun's apparent longitude, in radians in [0, 2π), at Julian day `jdn` (UTC):
/// `SunLongitude`.
fn sun_longitude_at(jdn: f64) -> f64 {
    let t = (jdn - 2_451_545.0) / 36525.0; // Julian centuries from 2000-01-01 12:00 UTC
    let t2 = t * t;
    let dr = PI / 180.0;
    let m = 357.529_10 + 35_999.050_30 * t - 0.000_155_9 * t2 - 0.000_000_48 * t * t2;
    let l0 = 280.466_45 + 36_000.769_83 * t + 0.000_303_2 * t2;
    let mut dl = (1.914_600 - 0.004_817 * t - 0.000_014 * t2) * (dr * m).sin();
    dl += (0.019_993 - 0.000_101 * t) * (dr * 2.0 * m).sin() + 0.000_290 * (dr * 3.0 * m).sin();
    ((l0 + dl) * dr).rem_euclid(2.0 * PI)
}

/// The 30° sector (0–11, 0 from the spring equinox) of the sun's longitude at the start of
/// local day `day`: `getSunLongitude`. Sector 9 starts at the winter solstice.
fn sun_longitude(day: i64, tz: f64) -> i64 {
    (sun_longitude_at(day as f64 - 0.5 - tz / 24.0) / PI * 6.0).floor() as i64
}

/// The local day of the `k`-th new moon: `getNewMoonDay`.
fn new_moon_day(k: i64, tz: f64) -> i64 {
    (new_moon(k) + 0.5 + tz / 24.0).floor() as i64
}

/// The first day of lunar month 11, the month of the winter solstice of solar year `year`:
/// `getLunarMonth11`.
fn lunar_month_11(year: i64, tz: f64) -> i64 {
    let off = jd_from_ymd(year, 12, 31) - JD_1900;
    let k = (off as f64 / SYNODIC_MONTH).floor() as i64;
    let nm = new_moon_day(k, tz);
    if sun_longitude(nm, tz) >= 9 {
        new_moon_day(k - 1, tz)
    } else {
        nm
    }
}

/// The index of the new moon that starts the month beginning on local day `a11`.
fn new_moon_index(a11: i64) -> i64 {
    ((a11 as f64 - NEW_MOON_0) / SYNODIC_MONTH + 0.5).floor() as i64
}

/// In a 13-month year starting with month 11 on day `a11`, how many months after month 11 the
/// leap month comes: the first month without a major solar term (`getLeapMonthOffset`).
fn leap_month_offset(a11: i64, tz: f64) -> i64 {
    let k = new_moon_index(a11);
    let mut i = 1;
    let mut arc = sun_longitude(new_moon_day(k + i, tz), tz);
    loop {
        let last = arc;
        i += 1;
        arc = sun_longitude(new_moon_day(k + i, tz), tz);
        if arc == last || i >= 14 {
            return i - 1;
        }
    }
}

/// `convertSolar2Lunar`.
fn jd_to_lunar(day_number: i64, tz: f64) -> LunarDate {
    let month_start = month_start(day_number, tz);
    // The solar year of the day; month 11 of that year starts a lunar year's last two months.
    let (year, _, _) = ymd_from_jd(day_number);
    let mut a11 = lunar_month_11(year, tz);
    let mut b11 = a11;
    let mut lunar_year = if a11 >= month_start {
        a11 = lunar_month_11(year - 1, tz);
        year
    } else {
        b11 = lunar_month_11(year + 1, tz);
        year + 1
    };
    let day = day_number - month_start + 1;
    let diff = (month_start - a11).div_euclid(29);
    let mut leap = false;
    let mut month = diff + 11;
    if b11 - a11 > 365 {
        let leap_diff = leap_month_offset(a11, tz);
        if diff >= leap_diff {
            month = diff + 10;
            leap = diff == leap_diff;
        }
    }
    if month > 12 {
        month -= 12;
    }
    if month >= 11 && diff < 4 {
        lunar_year -= 1;
    }
    LunarDate {
        year: lunar_year as i16,
        month: month as i8,
        day: day as i8,
        leap,
    }
}

/// The first day of the lunar month holding local day `day_number`.
///
/// The original tries the new moons k and k + 1 around the mean estimate k; when the true new
/// moon k comes after the day (2054-05-07, 2062-04-09) that gave day 0 of the next month. This
/// steps back (or on) until new moon k ≤ day < new moon k + 1.
fn month_start(day_number: i64, tz: f64) -> i64 {
    let mut k = ((day_number as f64 - NEW_MOON_0) / SYNODIC_MONTH).floor() as i64;
    while new_moon_day(k + 1, tz) <= day_number {
        k += 1;
    }
    while new_moon_day(k, tz) > day_number {
        k -= 1;
    }
    new_moon_day(k, tz)
}

/// `convertLunar2Solar`, returning a Julian day number, and checking that the day exists.
fn lunar_to_jd(year: i64, month: i8, day: i8, leap: bool, tz: f64) -> Option<i64> {
    if !(1..=12).contains(&month) || !(1..=30).contains(&day) {
        return None;
    }
    let (a11, b11) = if month < 11 {
        (lunar_month_11(year - 1, tz), lunar_month_11(year, tz))
    } else {
        (lunar_month_11(year, tz), lunar_month_11(year + 1, tz))
    };
    let k = new_moon_index(a11);
    let mut off = (i64::from(month) - 11).rem_euclid(12);
    if b11 - a11 > 365 {
        let leap_off = leap_month_offset(a11, tz);
        let leap_month = (leap_off - 2).rem_euclid(12);
        if leap && i64::from(month) != leap_month {
            return None;
        }
        if leap || off >= leap_off {
            off += 1;
        }
    } else if leap {
        return None;
    }
    let start = new_moon_day(k + off, tz);
    let next = new_moon_day(k + off + 1, tz);
    (i64::from(day) <= next - start).then(|| start + i64::from(day) - 1)
}

// ---------------------------------------------------------------------------------------------
// Holidays
// ---------------------------------------------------------------------------------------------

/// A public holiday of Labour Code 2019, Art. 112(1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Holiday {
    /// Tết Dương lịch, 1 January.
    NewYear,
    /// Tết Âm lịch (Tết Nguyên đán), 5 days.
    LunarNewYear,
    /// Giỗ Tổ Hùng Vương, 10/3 lunar.
    HungKings,
    /// Ngày Chiến thắng, 30 April.
    Victory,
    /// Ngày Quốc tế lao động, 1 May.
    LabourDay,
    /// Quốc khánh, 2 September and an adjacent day.
    NationalDay,
}

impl Holiday {
    pub const ALL: [Holiday; 6] = [
        Holiday::NewYear,
        Holiday::LunarNewYear,
        Holiday::HungKings,
        Holiday::Victory,
        Holiday::LabourDay,
        Holiday::NationalDay,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Holiday::NewYear => "new_year",
            Holiday::LunarNewYear => "lunar_new_year",
            Holiday::HungKings => "hung_kings",
            Holiday::Victory => "victory",
            Holiday::LabourDay => "labour_day",
            Holiday::NationalDay => "national_day",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|h| h.as_str() == s)
    }

    /// The name in the Labour Code.
    pub fn name_vi(self) -> &'static str {
        match self {
            Holiday::NewYear => "Tết Dương lịch",
            Holiday::LunarNewYear => "Tết Âm lịch",
            Holiday::HungKings => "Giỗ Tổ Hùng Vương",
            Holiday::Victory => "Ngày Chiến thắng",
            Holiday::LabourDay => "Ngày Quốc tế lao động",
            Holiday::NationalDay => "Quốc khánh",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Holiday::NewYear => "New Year's Day",
            Holiday::LunarNewYear => "Lunar New Year (Tết)",
            Holiday::HungKings => "Hùng Kings' Commemoration Day",
            Holiday::Victory => "Reunification Day",
            Holiday::LabourDay => "International Labour Day",
            Holiday::NationalDay => "National Day",
        }
    }
}

/// Why a day is not a working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "kind", content = "holiday")]
pub enum DayOff {
    /// Saturday or Sunday.
    Weekend,
    /// A public holiday (on whatever day of the week it falls).
    Holiday(Holiday),
    /// Made up for a day of this holiday that fell on a Saturday or Sunday (nghỉ bù).
    Compensatory(Holiday),
    /// An extra day off in the calendar's overrides, e.g. a bridge day the Prime Minister
    /// swapped with a Saturday.
    Extra,
}

impl DayOff {
    pub fn as_str(self) -> &'static str {
        match self {
            DayOff::Weekend => "weekend",
            DayOff::Holiday(_) => "holiday",
            DayOff::Compensatory(_) => "compensatory",
            DayOff::Extra => "extra",
        }
    }

    /// The holiday this day off is for, if any.
    pub fn holiday(self) -> Option<Holiday> {
        match self {
            DayOff::Holiday(h) | DayOff::Compensatory(h) => Some(h),
            DayOff::Weekend | DayOff::Extra => None,
        }
    }
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// The public holidays of `year` by the statutory rules, in date order. Dates [`Date`] cannot
/// hold are left out.
fn statutory_holidays(year: i16) -> Vec<(Date, Holiday)> {
    let on = |month, day| Date::new(year, month, day).ok();
    let mut days = Vec::with_capacity(10);
    days.extend(on(1, 1).map(|d| (d, Holiday::NewYear)));
    let tet = lunar_to_solar(year, 1, 1, false);
    let eve = tet.and_then(|d| d.yesterday().ok());
    let tet_days = eve.into_iter().chain(
        tet.into_iter()
            .flat_map(|d| d.series(jiff::Span::new().days(1)).take(4)),
    );
    days.extend(tet_days.map(|d| (d, Holiday::LunarNewYear)));
    days.extend(lunar_to_solar(year, 3, 10, false).map(|d| (d, Holiday::HungKings)));
    days.extend(on(4, 30).map(|d| (d, Holiday::Victory)));
    days.extend(on(5, 1).map(|d| (d, Holiday::LabourDay)));
    if let Some(national) = on(9, 2) {
        days.push((national, Holiday::NationalDay));
        if year >= 2021 {
            days.extend(national_day_adjacent(national).map(|d| (d, Holiday::NationalDay)));
        }
    }
    days.sort();
    // Two holidays on one date are one day off (the earlier in `Holiday`'s order names it).
    days.dedup_by_key(|(d, _)| *d);
    days
}

/// The day next to 2 September that is also off (Art. 112(1)(đ)): 3 September when 2 September
/// is a Monday or a Thursday, 1 September otherwise.
fn national_day_adjacent(national: Date) -> Option<Date> {
    match national.weekday() {
        Weekday::Monday | Weekday::Thursday => national.tomorrow().ok(),
        _ => national.yesterday().ok(),
    }
}

/// The statutory days off of `year` other than weekends: its holidays and the compensatory
/// days for those on a weekend, in date order.
fn statutory_days_off(year: i16) -> Vec<(Date, DayOff)> {
    let holidays = statutory_holidays(year);
    let is_holiday = |d: Date| holidays.binary_search_by_key(&d, |&(h, _)| h).is_ok();
    let mut compensatory: Vec<(Date, DayOff)> = Vec::new();
    for &(day, holiday) in holidays.iter().filter(|(d, _)| is_weekend(*d)) {
        let taken = |d: Date| compensatory.iter().any(|&(c, _)| c == d);
        let next = day
            .series(jiff::Span::new().days(1))
            .skip(1)
            .take(31)
            .find(|&d| !is_weekend(d) && !is_holiday(d) && !taken(d));
        if let Some(d) = next {
            compensatory.push((d, DayOff::Compensatory(holiday)));
        }
    }
    let mut all: Vec<(Date, DayOff)> = holidays
        .iter()
        .map(|&(d, h)| (d, DayOff::Holiday(h)))
        .chain(compensatory)
        .collect();
    all.sort_by_key(|&(d, _)| d);
    all
}

/// The first year whose statutory days off are cached; 300 years are.
const FIRST_CACHED_YEAR: i32 = 1900;

/// [`statutory_days_off`], computed once per year for 1900–2199 and each time for the others.
fn statutory_days_off_cached(year: i16) -> Cow<'static, [(Date, DayOff)]> {
    static CACHE: [OnceLock<Vec<(Date, DayOff)>>; 300] = [const { OnceLock::new() }; 300];
    let index = usize::try_from(i32::from(year) - FIRST_CACHED_YEAR).ok();
    match index.and_then(|i| CACHE.get(i)) {
        Some(cell) => Cow::Borrowed(cell.get_or_init(|| statutory_days_off(year))),
        None => Cow::Owned(statutory_days_off(year)),
    }
}

// ---------------------------------------------------------------------------------------------
// Calendar
// ---------------------------------------------------------------------------------------------

/// The working-day calendar: Saturdays, Sundays and the public holidays off, as the module
/// documentation describes, plus overrides: extra days off and extra working days (the Prime
/// Minister's yearly swaps), which take precedence over the rules.
///
/// In a configuration file:
///
/// ```toml
/// days_off = ["2025-05-02"]
/// working_days = ["2025-04-26"]
/// ```
///
/// A date listed in both is a working day; the `with_*` builders keep the lists apart, the last
/// call deciding.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Calendar {
    days_off: BTreeSet<Date>,
    working_days: BTreeSet<Date>,
}

impl Calendar {
    /// The statutory calendar, without overrides.
    pub fn vietnam() -> Self {
        Self::default()
    }

    /// These dates are days off ([`DayOff::Extra`] unless a rule already makes them so).
    pub fn with_days_off(mut self, days: impl IntoIterator<Item = Date>) -> Self {
        for d in days {
            self.working_days.remove(&d);
            self.days_off.insert(d);
        }
        self
    }

    /// These dates are working days, even a Saturday, a Sunday or a holiday.
    pub fn with_working_days(mut self, days: impl IntoIterator<Item = Date>) -> Self {
        for d in days {
            self.days_off.remove(&d);
            self.working_days.insert(d);
        }
        self
    }

    /// The extra days off, in date order.
    pub fn extra_days_off(&self) -> impl Iterator<Item = Date> + '_ {
        self.days_off.iter().copied()
    }

    /// The extra working days, in date order.
    pub fn extra_working_days(&self) -> impl Iterator<Item = Date> + '_ {
        self.working_days.iter().copied()
    }

    /// Why `d` is not a working day, or `None` if it is one. A holiday or compensatory day
    /// names its holiday even on a weekend or when listed as an extra day off.
    pub fn day_off(&self, d: Date) -> Option<DayOff> {
        if self.working_days.contains(&d) {
            return None;
        }
        let statutory = statutory_days_off_cached(d.year());
        if let Ok(i) = statutory.binary_search_by_key(&d, |&(day, _)| day) {
            return Some(statutory[i].1);
        }
        if is_weekend(d) {
            Some(DayOff::Weekend)
        } else if self.days_off.contains(&d) {
            Some(DayOff::Extra)
        } else {
            None
        }
    }

    pub fn is_working_day(&self, d: Date) -> bool {
        self.day_off(d).is_none()
    }

    /// The days off of `year` other than plain weekends, in date order: holidays (also those
    /// on a weekend), compensatory days and extra days off, without those the overrides make
    /// working days.
    pub fn holidays(&self, year: i16) -> Vec<(Date, DayOff)> {
        let statutory = statutory_days_off_cached(year);
        let extra = self.days_off.iter().copied().filter(|d| d.year() == year);
        let mut days: Vec<Date> = statutory.iter().map(|&(d, _)| d).chain(extra).collect();
        days.sort();
        days.dedup();
        days.into_iter()
            .filter_map(|d| self.day_off(d).map(|off| (d, off)))
            .collect()
    }

    /// The `n`-th working day after `from` (`from` itself not counted), or before it when `n` is
    /// negative. `n == 0` gives `from` when it is a working day and the next working day
    /// otherwise. `None` past the range of [`Date`].
    ///
    /// Takes time in proportion to the days spanned: 50 working days take a few microseconds.
    pub fn add_working_days(&self, from: Date, n: i32) -> Option<Date> {
        if n == 0 {
            return self.working_day_on_or_after(from);
        }
        let forward = n > 0;
        let mut left = n.unsigned_abs();
        let mut d = from;
        while left > 0 {
            d = if forward { d.tomorrow() } else { d.yesterday() }.ok()?;
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        Some(d)
    }

    /// `d` if it is a working day, else the first working day after it.
    pub fn working_day_on_or_after(&self, d: Date) -> Option<Date> {
        let mut d = d;
        while !self.is_working_day(d) {
            d = d.tomorrow().ok()?;
        }
        Some(d)
    }

    /// The number of working days after `a` up to and including `b`, negative when `b` is
    /// before `a` (then the working days after `b` up to and including `a`). The inverse of
    /// [`Calendar::add_working_days`]: for `n > 0`,
    /// `working_days_between(a, add_working_days(a, n)) == n`.
    pub fn working_days_between(&self, a: Date, b: Date) -> i32 {
        if b < a {
            return -self.working_days_between(b, a);
        }
        let days = a.series(jiff::Span::new().days(1)).skip(1);
        let count = days
            .take_while(|&d| d <= b)
            .filter(|&d| self.is_working_day(d))
            .count();
        i32::try_from(count).unwrap_or(i32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use jiff::ToSpan;
    use proptest::prelude::*;

    /// Parses a literal `YYYY-MM-DD` of the tables below.
    fn d(s: &str) -> Date {
        s.parse().expect("a date literal")
    }

    /// Tết (mùng 1 tháng Giêng) in Vietnam, from published calendars.
    const TET: &[(i16, &str)] = &[
        (2000, "2000-02-05"),
        (2001, "2001-01-24"),
        (2002, "2002-02-12"),
        (2003, "2003-02-01"),
        (2004, "2004-01-22"),
        (2005, "2005-02-09"),
        (2006, "2006-01-29"),
        (2007, "2007-02-17"),
        (2008, "2008-02-07"),
        (2009, "2009-01-26"),
        (2010, "2010-02-14"),
        (2011, "2011-02-03"),
        (2012, "2012-01-23"),
        (2013, "2013-02-10"),
        (2014, "2014-01-31"),
        (2015, "2015-02-19"),
        (2016, "2016-02-08"),
        (2017, "2017-01-28"),
        (2018, "2018-02-16"),
        (2019, "2019-02-05"),
        (2020, "2020-01-25"),
        (2021, "2021-02-12"),
        (2022, "2022-02-01"),
        (2023, "2023-01-22"),
        (2024, "2024-02-10"),
        (2025, "2025-01-29"),
        (2026, "2026-02-17"),
        (2027, "2027-02-06"),
        (2028, "2028-01-26"),
        (2029, "2029-02-13"),
        // The new moon is on 2 February at 23:07 in Vietnam, 00:07 on 3 February in China.
        (2030, "2030-02-02"),
    ];

    #[test]
    fn lunar_new_year_matches_the_published_table() {
        for &(year, tet) in TET {
            assert_eq!(lunar_new_year(year), d(tet), "Tết {year}");
            let lunar = solar_to_lunar(d(tet));
            assert_eq!(
                (lunar.year, lunar.month, lunar.day, lunar.leap),
                (year, 1, 1, false)
            );
        }
    }

    #[test]
    fn vietnam_and_china_differ_by_time_zone() {
        // (year, Tết at UTC+7, Chinese New Year at UTC+8). In 1968 North Vietnam moved to UTC+7
        // and celebrated a day before the South; in 1985 Vietnam's Tết was a month earlier.
        let table = [
            (1968, "1968-01-29", "1968-01-30"),
            (1985, "1985-01-21", "1985-02-20"),
            (2007, "2007-02-17", "2007-02-18"),
            (2030, "2030-02-02", "2030-02-03"),
        ];
        for (year, vietnam, china) in table {
            let at = |tz| lunar_to_jd(year, 1, 1, false, tz).and_then(date_from_jd);
            assert_eq!(at(VIETNAM_TZ), Some(d(vietnam)), "Vietnam {year}");
            assert_eq!(at(8.0), Some(d(china)), "China {year}");
        }
    }

    #[test]
    fn hung_kings_day_is_the_tenth_of_the_third_lunar_month() {
        let table = [
            (2019, "2019-04-14"),
            (2020, "2020-04-02"),
            (2021, "2021-04-21"),
            (2022, "2022-04-10"),
            (2023, "2023-04-29"),
            (2024, "2024-04-18"),
            (2025, "2025-04-07"),
            (2026, "2026-04-26"),
        ];
        for (year, day) in table {
            assert_eq!(
                lunar_to_solar(year, 3, 10, false),
                Some(d(day)),
                "Giỗ Tổ {year}"
            );
        }
    }

    #[test]
    fn leap_months() {
        // Leap 4 of Canh Tý, leap 2 of Quý Mão, leap 6 of Ất Tỵ.
        assert_eq!(leap_month(2020), Some(4));
        assert_eq!(lunar_to_solar(2020, 4, 1, true), Some(date(2020, 5, 23)));
        assert_eq!(leap_month(2023), Some(2));
        assert_eq!(lunar_to_solar(2023, 2, 1, true), Some(date(2023, 3, 22)));
        assert_eq!(lunar_to_solar(2023, 3, 1, false), Some(date(2023, 4, 20)));
        assert_eq!(leap_month(2025), Some(6));
        assert_eq!(lunar_to_solar(2025, 6, 1, true), Some(date(2025, 7, 25)));
        let leap = LunarDate {
            year: 2023,
            month: 2,
            day: 1,
            leap: true,
        };
        assert_eq!(solar_to_lunar(date(2023, 3, 22)), leap);
        assert_eq!(leap_month(2024), None);
        assert_eq!(lunar_to_solar(2024, 2, 1, true), None);
        assert_eq!(lunar_to_solar(2023, 3, 1, true), None);
    }

    #[test]
    fn lunar_dates_that_do_not_exist() {
        // Tháng Chạp of Giáp Thìn has 29 days: Tết eve 2025 is the 29th.
        assert_eq!(lunar_to_solar(2024, 12, 29, false), Some(date(2025, 1, 28)));
        assert_eq!(lunar_to_solar(2024, 12, 30, false), None);
        assert_eq!(lunar_to_solar(2024, 13, 1, false), None);
        assert_eq!(lunar_to_solar(2024, 0, 1, false), None);
        assert_eq!(lunar_to_solar(2024, 1, 0, false), None);
        assert_eq!(lunar_to_solar(2024, 1, 31, false), None);
    }

    #[test]
    fn a_true_new_moon_later_than_the_mean_one() {
        // The original algorithm gives day 0 of the next month for these two days.
        for (day, month) in [(date(2054, 5, 7), 3), (date(2062, 4, 9), 2)] {
            let lunar = solar_to_lunar(day);
            assert_eq!((lunar.month, lunar.leap), (month, false), "{day}");
            assert!(matches!(lunar.day, 29 | 30), "{day}: {lunar:?}");
            assert_eq!(lunar.to_solar(), Some(day));
            let next = solar_to_lunar(day.tomorrow().expect("a date"));
            assert_eq!((next.month, next.day), (month + 1, 1), "{day}");
        }
    }

    #[test]
    fn mid_autumn() {
        assert_eq!(lunar_to_solar(2024, 8, 15, false), Some(date(2024, 9, 17)));
        assert_eq!(lunar_to_solar(2025, 8, 15, false), Some(date(2025, 10, 6)));
        let lunar = solar_to_lunar(date(2025, 10, 6));
        assert_eq!(lunar.to_solar(), Some(date(2025, 10, 6)));
        assert_eq!((lunar.month, lunar.day, lunar.leap), (8, 15, false));
    }

    #[test]
    fn julian_day_numbers() {
        assert_eq!(jd_from_date(date(2000, 1, 1)), 2_451_545);
        assert_eq!(jd_from_date(date(1900, 1, 1)), JD_1900);
        for day in [Date::MIN, date(-1, 3, 1), date(1582, 10, 15), Date::MAX] {
            assert_eq!(date_from_jd(jd_from_date(day)), Some(day));
        }
        assert_eq!(date_from_jd(jd_from_date(Date::MAX) + 1), None);
        assert_eq!(date_from_jd(jd_from_date(Date::MIN) - 1), None);
    }

    #[test]
    fn out_of_range_years_neither_panic_nor_lie() {
        assert_eq!(lunar_new_year(i16::MAX), Date::MAX);
        assert_eq!(lunar_new_year(i16::MIN), Date::MIN);
        assert_eq!(lunar_to_solar(i16::MAX, 3, 10, false), None);
        let _ = solar_to_lunar(Date::MIN);
        let _ = solar_to_lunar(Date::MAX);
        let calendar = Calendar::vietnam();
        assert!(calendar.holidays(i16::MAX).is_empty());
        let far = calendar.holidays(9999);
        assert_eq!(
            far.first(),
            Some(&(date(9999, 1, 1), DayOff::Holiday(Holiday::NewYear)))
        );
        assert!(!calendar.holidays(-9999).is_empty());
        assert_eq!(calendar.add_working_days(Date::MAX, 1), None);
        assert_eq!(calendar.add_working_days(Date::MIN, -1), None);
    }

    /// Deadlines across Tết, 2021–2030, with the default Tết days (eve and mùng 1–4) and their
    /// compensatory days. Each row: Tết, the third working day before Tết eve, and the fifth
    /// working day after it, worked out by hand on a printed calendar:
    ///
    /// - 2021 Tết Fri 12/2: off Thu 11 – Mon 15, Sat 13 and Sun 14 made up Tue 16 and Wed 17.
    ///   From Mon 8: 9, 10, then 18, 19, 22.
    /// - 2022 Tết Tue 1/2: off Mon 31/1 – Fri 4/2, none on a weekend. From Wed 26/1: 27, 28,
    ///   then 7/2, 8, 9.
    /// - 2023 Tết Sun 22/1: off Sat 21 – Wed 25, made up Thu 26 and Fri 27. From Wed 18: 19, 20,
    ///   then Mon 30, 31, 1/2.
    /// - 2024 Tết Sat 10/2: off Fri 9 – Tue 13, made up Wed 14 and Thu 15. From Tue 6: 7, 8, then
    ///   Fri 16, Mon 19, Tue 20.
    /// - 2025 Tết Wed 29/1: off Tue 28/1 – Sat 1/2, made up Mon 3/2. From Thu 23/1: 24, 27, then
    ///   Tue 4/2, 5, 6.
    /// - 2026 Tết Tue 17/2: off Mon 16 – Fri 20. From Wed 11: 12, 13, then Mon 23, 24, 25.
    /// - 2027 Tết Sat 6/2: off Fri 5 – Tue 9, made up Wed 10 and Thu 11. From Tue 2: 3, 4, then
    ///   Fri 12, Mon 15, Tue 16.
    /// - 2028 Tết Wed 26/1: off Tue 25 – Sat 29, made up Mon 31. From Thu 20: 21, 24, then
    ///   Tue 1/2, 2, 3.
    /// - 2029 Tết Tue 13/2: off Mon 12 – Fri 16. From Wed 7: 8, 9, then Mon 19, 20, 21.
    /// - 2030 Tết Sat 2/2: off Fri 1 – Tue 5, made up Wed 6 and Thu 7. From Tue 29/1: 30, 31,
    ///   then Fri 8/2, Mon 11, Tue 12.
    const TET_DEADLINES: &[(&str, &str, &str)] = &[
        ("2021-02-12", "2021-02-08", "2021-02-22"),
        ("2022-02-01", "2022-01-26", "2022-02-09"),
        ("2023-01-22", "2023-01-18", "2023-02-01"),
        ("2024-02-10", "2024-02-06", "2024-02-20"),
        ("2025-01-29", "2025-01-23", "2025-02-06"),
        ("2026-02-17", "2026-02-11", "2026-02-25"),
        ("2027-02-06", "2027-02-02", "2027-02-16"),
        ("2028-01-26", "2028-01-20", "2028-02-03"),
        ("2029-02-13", "2029-02-07", "2029-02-21"),
        ("2030-02-02", "2030-01-29", "2030-02-12"),
    ];

    #[test]
    fn deadlines_across_tet_2021_to_2030() {
        let calendar = Calendar::vietnam();
        for &(tet, start, due) in TET_DEADLINES {
            let (tet, start, due) = (d(tet), d(start), d(due));
            let eve = tet.yesterday().expect("a date");
            assert_eq!(lunar_new_year(tet.year()), tet);
            assert!(calendar.is_working_day(start), "{start} is a working day");
            assert_eq!(
                calendar.working_days_between(start, eve),
                2,
                "{start} → {eve}"
            );
            assert_eq!(
                calendar.add_working_days(start, 5),
                Some(due),
                "{start} + 5"
            );
            assert_eq!(calendar.working_days_between(start, due), 5);
            assert_eq!(calendar.add_working_days(due, -5), Some(start), "{due} - 5");
            for day in eve.series(1.day()).take(5) {
                let off = calendar.day_off(day);
                assert_eq!(off, Some(DayOff::Holiday(Holiday::LunarNewYear)), "{day}");
            }
        }
    }

    #[test]
    fn a_holiday_on_a_weekend_is_made_up_on_the_next_working_day() {
        let calendar = Calendar::vietnam();
        let comp = DayOff::Compensatory;
        let hol = DayOff::Holiday;
        let expect = [
            // 1/1/2022 is a Saturday, 1/1/2023 a Sunday.
            ("2022-01-03", Some(comp(Holiday::NewYear))),
            ("2023-01-02", Some(comp(Holiday::NewYear))),
            // Giỗ Tổ 2022 is a Sunday.
            ("2022-04-10", Some(hol(Holiday::HungKings))),
            ("2022-04-11", Some(comp(Holiday::HungKings))),
            // 30/4/2022 Saturday, 1/5/2022 Sunday: 2/5 and 3/5 off.
            ("2022-04-30", Some(hol(Holiday::Victory))),
            ("2022-05-01", Some(hol(Holiday::LabourDay))),
            ("2022-05-02", Some(comp(Holiday::Victory))),
            ("2022-05-03", Some(comp(Holiday::LabourDay))),
            ("2022-05-04", None),
            // Giỗ Tổ 2023 Saturday 29/4, 30/4 Sunday, 1/5 Monday: 2/5 and 3/5 off.
            ("2023-04-28", None),
            ("2023-04-29", Some(hol(Holiday::HungKings))),
            ("2023-04-30", Some(hol(Holiday::Victory))),
            ("2023-05-01", Some(hol(Holiday::LabourDay))),
            ("2023-05-02", Some(comp(Holiday::HungKings))),
            ("2023-05-03", Some(comp(Holiday::Victory))),
            ("2023-05-04", None),
            // 2/9/2023 is a Saturday: 1/9 is its adjacent day, Monday 4/9 makes it up.
            ("2023-08-31", None),
            ("2023-09-01", Some(hol(Holiday::NationalDay))),
            ("2023-09-02", Some(hol(Holiday::NationalDay))),
            ("2023-09-03", Some(DayOff::Weekend)),
            ("2023-09-04", Some(comp(Holiday::NationalDay))),
            ("2023-09-05", None),
            // 2/9/2029 is a Sunday: 1/9 (Saturday) and 2/9 made up on 3/9 and 4/9.
            ("2029-09-01", Some(hol(Holiday::NationalDay))),
            ("2029-09-03", Some(comp(Holiday::NationalDay))),
            ("2029-09-04", Some(comp(Holiday::NationalDay))),
            ("2029-09-05", None),
            // Tết 2024: Saturday 10/2 and Sunday 11/2 made up after mùng 4, on 14/2 and 15/2.
            ("2024-02-13", Some(hol(Holiday::LunarNewYear))),
            ("2024-02-14", Some(comp(Holiday::LunarNewYear))),
            ("2024-02-15", Some(comp(Holiday::LunarNewYear))),
            ("2024-02-16", None),
        ];
        for (day, off) in expect {
            assert_eq!(calendar.day_off(d(day)), off, "{day}");
        }
    }

    #[test]
    fn national_day_and_its_adjacent_day() {
        let calendar = Calendar::vietnam();
        // 2/9 on a Thursday (2021), Friday (2022), Monday (2024), Tuesday (2025).
        let off = [
            ("2021-09-03", "2021-09-01"),
            ("2022-09-01", "2022-09-03"),
            ("2024-09-03", "2024-09-01"),
            ("2025-09-01", "2025-09-03"),
        ];
        for (adjacent, other) in off {
            let nd = Some(DayOff::Holiday(Holiday::NationalDay));
            assert_eq!(calendar.day_off(d(adjacent)), nd, "{adjacent}");
            assert_ne!(calendar.day_off(d(other)), nd, "{other}");
        }
        // Before the Labour Code 2019, 2 September alone (2020: a Wednesday).
        assert!(calendar.is_working_day(date(2020, 9, 1)));
        assert!(!calendar.is_working_day(date(2020, 9, 2)));
        assert!(calendar.is_working_day(date(2020, 9, 3)));
    }

    #[test]
    fn the_holidays_of_2025() {
        let hol = DayOff::Holiday;
        let expect = vec![
            (date(2025, 1, 1), hol(Holiday::NewYear)),
            (date(2025, 1, 28), hol(Holiday::LunarNewYear)),
            (date(2025, 1, 29), hol(Holiday::LunarNewYear)),
            (date(2025, 1, 30), hol(Holiday::LunarNewYear)),
            (date(2025, 1, 31), hol(Holiday::LunarNewYear)),
            (date(2025, 2, 1), hol(Holiday::LunarNewYear)),
            (
                date(2025, 2, 3),
                DayOff::Compensatory(Holiday::LunarNewYear),
            ),
            (date(2025, 4, 7), hol(Holiday::HungKings)),
            (date(2025, 4, 30), hol(Holiday::Victory)),
            (date(2025, 5, 1), hol(Holiday::LabourDay)),
            (date(2025, 9, 1), hol(Holiday::NationalDay)),
            (date(2025, 9, 2), hol(Holiday::NationalDay)),
        ];
        assert_eq!(Calendar::vietnam().holidays(2025), expect);
    }

    #[test]
    fn overrides_swap_days() {
        // 2025: Friday 2/5 off, worked on Saturday 26/4 instead.
        let calendar = Calendar::vietnam()
            .with_days_off([date(2025, 5, 2)])
            .with_working_days([date(2025, 4, 26)]);
        assert_eq!(calendar.day_off(date(2025, 5, 2)), Some(DayOff::Extra));
        assert!(calendar.is_working_day(date(2025, 4, 26)));
        assert!(Calendar::vietnam().is_working_day(date(2025, 5, 2)));
        assert!(!Calendar::vietnam().is_working_day(date(2025, 4, 26)));
        // From Friday 25/4: Saturday 26/4 counts, 30/4 – 4/5 are off.
        assert_eq!(
            calendar.add_working_days(date(2025, 4, 25), 1),
            Some(date(2025, 4, 26))
        );
        assert_eq!(
            calendar.add_working_days(date(2025, 4, 29), 1),
            Some(date(2025, 5, 5))
        );
        let vietnam = Calendar::vietnam();
        assert_eq!(
            vietnam.add_working_days(date(2025, 4, 29), 1),
            Some(date(2025, 5, 2))
        );
        assert!(calendar
            .holidays(2025)
            .contains(&(date(2025, 5, 2), DayOff::Extra)));
        assert_eq!(
            calendar.extra_days_off().collect::<Vec<_>>(),
            [date(2025, 5, 2)]
        );
        assert_eq!(
            calendar.extra_working_days().collect::<Vec<_>>(),
            [date(2025, 4, 26)]
        );

        // Tết 2024 for public servants: 8/2 – 14/2, and 15/2 worked.
        let calendar = Calendar::vietnam()
            .with_days_off([date(2024, 2, 8)])
            .with_working_days([date(2024, 2, 15)]);
        let off: Vec<Date> = (calendar.holidays(2024).into_iter())
            .map(|(day, _)| day)
            .filter(|day| day.month() == 2)
            .collect();
        let expect: Vec<Date> = date(2024, 2, 8).series(1.day()).take(7).collect();
        assert_eq!(off, expect);
        assert!(calendar.is_working_day(date(2024, 2, 15)));

        // The last call decides for a date named twice.
        let day = date(2025, 5, 2);
        assert!(Calendar::vietnam()
            .with_days_off([day])
            .with_working_days([day])
            .is_working_day(day));
        assert!(!Calendar::vietnam()
            .with_working_days([day])
            .with_days_off([day])
            .is_working_day(day));
        // A holiday made a working day.
        let calendar = Calendar::vietnam().with_working_days([date(2025, 4, 30)]);
        assert!(calendar.is_working_day(date(2025, 4, 30)));
        assert!(!calendar
            .holidays(2025)
            .iter()
            .any(|(day, _)| *day == date(2025, 4, 30)));
    }

    #[test]
    fn overrides_from_a_configuration() {
        let calendar: Calendar =
            serde_json::from_str(r#"{"days_off":["2025-05-02"],"working_days":["2025-04-26"]}"#)
                .expect("a calendar");
        let built = Calendar::vietnam()
            .with_days_off([date(2025, 5, 2)])
            .with_working_days([date(2025, 4, 26)]);
        assert_eq!(calendar, built);
        let empty: Calendar = serde_json::from_str("{}").expect("a calendar");
        assert_eq!(empty, Calendar::vietnam());
        assert!(serde_json::from_str::<Calendar>(r#"{"holidays":[]}"#).is_err());
        let off = serde_json::to_value(DayOff::Compensatory(Holiday::NationalDay)).expect("json");
        assert_eq!(
            off,
            serde_json::json!({"kind": "compensatory", "holiday": "national_day"})
        );
    }

    #[test]
    fn adding_working_days() {
        let calendar = Calendar::vietnam();
        let add = |from, n| calendar.add_working_days(from, n);
        // Friday 7 March 2025 + 5 → Friday 14 March.
        assert_eq!(add(date(2025, 3, 7), 5), Some(date(2025, 3, 14)));
        assert_eq!(add(date(2025, 3, 7), 1), Some(date(2025, 3, 10)));
        // n = 0: the day itself when it is a working day, else the next working day.
        assert_eq!(add(date(2025, 3, 7), 0), Some(date(2025, 3, 7)));
        assert_eq!(add(date(2025, 3, 8), 0), Some(date(2025, 3, 10)));
        assert_eq!(add(date(2024, 2, 9), 0), Some(date(2024, 2, 16)));
        // Backwards.
        assert_eq!(add(date(2025, 3, 10), -1), Some(date(2025, 3, 7)));
        assert_eq!(add(date(2024, 2, 16), -1), Some(date(2024, 2, 8)));
        // Across the turn of a year: 31/12/2021 Friday, 1/1/2022 Saturday made up on 3/1.
        assert_eq!(add(date(2021, 12, 31), 1), Some(date(2022, 1, 4)));
    }

    #[test]
    fn counting_working_days() {
        let calendar = Calendar::vietnam();
        let between = |a, b| calendar.working_days_between(a, b);
        assert_eq!(between(date(2025, 3, 7), date(2025, 3, 14)), 5);
        assert_eq!(between(date(2025, 3, 14), date(2025, 3, 7)), -5);
        assert_eq!(between(date(2025, 3, 7), date(2025, 3, 7)), 0);
        assert_eq!(between(date(2025, 3, 7), date(2025, 3, 9)), 0);
        // 2025: 261 weekdays, 11 of them off: the 12 days of `the_holidays_of_2025` but
        // Saturday 1/2.
        assert_eq!(between(date(2024, 12, 31), date(2025, 12, 31)), 261 - 11);
    }

    #[test]
    fn every_day_from_1900_to_2199_converts_both_ways() {
        let mut previous = solar_to_lunar(date(1899, 12, 31));
        let mut leap_months = 0;
        for day in date(1900, 1, 1)
            .series(1.day())
            .take_while(|&d| d.year() < 2200)
        {
            let lunar = solar_to_lunar(day);
            assert!((1..=12).contains(&lunar.month), "{day}: {lunar:?}");
            assert!((1..=30).contains(&lunar.day), "{day}: {lunar:?}");
            assert_eq!(lunar.to_solar(), Some(day), "{day}: {lunar:?}");
            if lunar.day == 1 {
                assert!(matches!(previous.day, 29 | 30), "{day}: {previous:?}");
                if lunar.leap {
                    leap_months += 1;
                    assert_eq!(leap_month(lunar.year), Some(lunar.month), "{day}");
                }
            } else {
                assert_eq!(lunar.day, previous.day + 1, "{day}");
            }
            previous = lunar;
        }
        // Seven leap months in 19 years (the Metonic cycle): 110.5 in 300 years.
        assert_eq!(leap_months, 111);
    }

    fn any_date() -> impl Strategy<Value = Date> {
        // 1900-01-01 to 2199-12-31.
        (0i64..109_572).prop_map(|n| date(1900, 1, 1).checked_add(n.days()).expect("in range"))
    }

    proptest! {
        #[test]
        fn between_inverts_add(from in any_date(), n in 1i32..400) {
            let calendar = Calendar::vietnam();
            let due = calendar.add_working_days(from, n).expect("in range");
            prop_assert!(calendar.is_working_day(due));
            prop_assert_eq!(calendar.working_days_between(from, due), n);
            prop_assert_eq!(calendar.working_days_between(due, from), -n);
            let back = calendar.add_working_days(from, -n).expect("in range");
            let from_counts = i32::from(calendar.is_working_day(from));
            prop_assert_eq!(calendar.working_days_between(back, from), n - 1 + from_counts);
            if calendar.is_working_day(from) {
                prop_assert_eq!(calendar.add_working_days(back, n), Some(from));
            }
        }
    }
}
