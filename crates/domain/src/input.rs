//! What a form or a JSON body may say, and its validation into the values the store writes.
//!
//! Raw inputs accept numbers written as numbers or as strings (HTML forms send strings) and
//! treat an empty field as absent; anything else of the wrong type is refused by the decoder.

use jiff::civil::Date;
use serde::{Deserialize, Deserializer};

use crate::directive::DirectiveAction;
use crate::petition::PetitionAction;
use crate::validate::{Checker, LONG, SHORT, SOURCE};
use crate::{FieldCode, Id, Invalid, Qualifier, Role, UnitKind};

#[derive(Deserialize)]
#[serde(untagged)]
enum NumOrText {
    Int(i64),
    Float(f64),
    Text(String),
}

fn num_or_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NumOrText>, D::Error> {
    Option::<NumOrText>::deserialize(d)
}

/// An optional id or integer: `5`, `"5"`, `""` (absent) or `null`.
pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    use serde::de::Error;
    match num_or_text(d)? {
        None => Ok(None),
        Some(NumOrText::Int(i)) => Ok(Some(i)),
        Some(NumOrText::Float(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Some(f as i64)),
        Some(NumOrText::Float(_)) => Err(D::Error::custom("expected an integer")),
        Some(NumOrText::Text(s)) if s.trim().is_empty() => Ok(None),
        Some(NumOrText::Text(s)) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| D::Error::custom("expected an integer")),
    }
}

/// A number as sent: a JSON number, or text as people type it ("8,5 tỷ", "126 triệu",
/// "1.250.000 đồng"), read when the input is parsed so that a wrong one is named as not a
/// number rather than refused as a malformed body.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Amount {
    Number(f64),
    Typed(String),
}

impl From<f64> for Amount {
    fn from(v: f64) -> Self {
        Amount::Number(v)
    }
}

impl Amount {
    /// The value, or `None` when the text says no number.
    pub fn value(&self) -> Option<f64> {
        match self {
            Amount::Number(v) => Some(*v),
            Amount::Typed(s) => parse_amount(s),
        }
    }

    /// As a form field shows it: what was typed, or the number grouped ([`amount_text`]).
    pub fn shown(&self) -> String {
        match self {
            Amount::Number(v) => amount_text(*v),
            Amount::Typed(s) => s.clone(),
        }
    }

    /// Text from a form field: `None` when empty.
    pub fn typed(s: &str) -> Option<Amount> {
        (!s.trim().is_empty()).then(|| Amount::Typed(s.to_string()))
    }
}

/// An optional amount: a number, text as typed, `""` (absent) or `null`.
pub fn opt_amount<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Amount>, D::Error> {
    Ok(match num_or_text(d)? {
        None => None,
        Some(NumOrText::Int(i)) => Some(Amount::Number(i as f64)),
        Some(NumOrText::Float(f)) => Some(Amount::Number(f)),
        Some(NumOrText::Text(s)) if s.trim().is_empty() => None,
        Some(NumOrText::Text(s)) => Some(Amount::Typed(s)),
    })
}

/// An amount as people type it: "8,5 tỷ", "126 triệu đồng", "153 tỷ 900 triệu",
/// "1.250.000 đồng", "8.500.000.000", "87,2", "87,2%", "8500000.5", "1,250,000". Numbers
/// are read by [`parse_grouped`]; a scale word (nghìn/ngàn, triệu, tỷ/tỉ) multiplies the
/// number before it, and scales written together must fall ("153 tỷ 900 triệu"); a unit at
/// the end (đồng, đ, VND, VNĐ, %) is dropped. `None` for anything else.
pub fn parse_amount(s: &str) -> Option<f64> {
    let s = dondoc_text::nfc(s.trim()).to_lowercase();
    let mut s = s.trim();
    for unit in ["phần trăm", "đồng", "vnđ", "vnd", "đ", "%"] {
        if let Some(rest) = s.strip_suffix(unit) {
            s = rest.trim_end();
            break;
        }
    }
    // Words and numbers, split at spaces and where digits meet letters ("8,5tỷ").
    let mut tokens: Vec<String> = Vec::new();
    for word in s.split_whitespace() {
        let mut current = String::new();
        for c in word.chars() {
            let numeric = c.is_ascii_digit() || c == '.' || c == ',';
            let was_numeric = current
                .chars()
                .last()
                .is_some_and(|p| p.is_ascii_digit() || p == '.' || p == ',');
            if !current.is_empty() && numeric != was_numeric {
                tokens.push(std::mem::take(&mut current));
            }
            current.push(c);
        }
        if !current.is_empty() {
            tokens.push(current);
        }
    }
    let scale = |w: &str| match w {
        "nghìn" | "ngàn" => Some(1e3),
        "triệu" => Some(1e6),
        "tỷ" | "tỉ" => Some(1e9),
        _ => None,
    };
    if tokens.is_empty() {
        return None;
    }
    if !tokens.iter().any(|t| scale(t).is_some()) {
        // Digits grouped by spaces: "8 500 000".
        return parse_grouped(&tokens.concat());
    }
    let mut total = 0.0;
    let mut last_scale = f64::INFINITY;
    let mut it = tokens.iter();
    while let Some(number) = it.next() {
        let n = parse_grouped(number)?;
        let k = scale(it.next()?)?;
        if k >= last_scale {
            return None;
        }
        last_scale = k;
        total += n * k;
    }
    Some(total).filter(|v| v.is_finite())
}

/// A number in digits with grouping and a decimal mark, as people write it: "8.500.000,5"
/// (Vietnamese: dots group, the comma is the decimal mark), "8,500,000.5" (English), "87,2",
/// "8500000.5". With both marks, the last is the decimal mark; commas alone group when there
/// are several ("1,250,000"), else one is the decimal comma ("87,2"); dots alone group when
/// there are several, or when one is followed by exactly three digits ("2.239"), else it is a
/// decimal point ("8500000.5"). Groups after the first have three digits. `None` otherwise
/// (signs, exponents, "NaN" and "inf" included).
pub fn parse_grouped(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty()
        || !s
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return None;
    }
    let digits_at_ends =
        s.starts_with(|c: char| c.is_ascii_digit()) && s.ends_with(|c: char| c.is_ascii_digit());
    if !digits_at_ends {
        return None;
    }
    let (dots, commas) = (s.matches('.').count(), s.matches(',').count());
    let (group, decimal): (Option<char>, Option<char>) = match (dots, commas) {
        (0, 0) => (None, None),
        (_, 0) if dots > 1 => (Some('.'), None),
        (1, 0) => {
            let (int, frac) = s.split_once('.')?;
            if frac.len() == 3 && int != "0" && int.len() <= 3 {
                (Some('.'), None)
            } else {
                (None, Some('.'))
            }
        }
        (0, 1) => (None, Some(',')),
        (0, _) => (Some(','), None),
        _ => {
            let last_dot = s.rfind('.')?;
            let last_comma = s.rfind(',')?;
            if last_comma > last_dot {
                (Some('.'), Some(','))
            } else {
                (Some(','), Some('.'))
            }
        }
    };
    let (int, frac) = match decimal {
        Some(d) => {
            let (int, frac) = s.rsplit_once(d)?;
            if frac.contains(['.', ',']) || int.contains(d) {
                return None;
            }
            (int, Some(frac))
        }
        None => (s, None),
    };
    let int: String = match group {
        Some(g) => {
            let mut parts = int.split(g);
            let first = parts.next()?;
            if first.is_empty() || first.len() > 3 || first.contains(['.', ',']) {
                return None;
            }
            let mut all = first.to_string();
            for p in parts {
                if p.len() != 3 || p.contains(['.', ',']) {
                    return None;
                }
                all.push_str(p);
            }
            all
        }
        None => int.to_string(),
    };
    let text = match frac {
        Some(f) => format!("{int}.{f}"),
        None => int,
    };
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A number as a form field shows it and [`parse_amount`] reads it back: grouped the
/// Vietnamese way, "8.500.000.000", "87,2" (at most six decimals).
pub fn amount_text(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let s = format!("{:.6}", v.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    let frac = frac.trim_end_matches('0');
    let sign = if v < 0.0 { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{frac}")
    }
}

/// A checkbox ("on"), a JSON boolean, or 0/1.
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    use serde::de::Error;
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum B {
        Bool(bool),
        Int(i64),
        Text(String),
    }
    match Option::<B>::deserialize(d)? {
        None => Ok(None),
        Some(B::Bool(b)) => Ok(Some(b)),
        Some(B::Int(0)) => Ok(Some(false)),
        Some(B::Int(1)) => Ok(Some(true)),
        Some(B::Text(s)) => match s.as_str() {
            "on" | "true" | "1" | "yes" => Ok(Some(true)),
            "" | "off" | "false" | "0" | "no" => Ok(Some(false)),
            _ => Err(D::Error::custom("expected a boolean")),
        },
        Some(B::Int(_)) => Err(D::Error::custom("expected a boolean")),
    }
}

/// A list of ids: `[1, 2]` in JSON, `"1,2"` or repeated fields from a form.
pub fn id_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
    use serde::de::Error;
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum L {
        List(Vec<i64>),
        Text(String),
        One(i64),
    }
    match Option::<L>::deserialize(d)? {
        None => Ok(vec![]),
        Some(L::List(v)) => Ok(v),
        Some(L::One(i)) => Ok(vec![i]),
        Some(L::Text(s)) => s
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.parse()
                    .map_err(|_| D::Error::custom("expected a list of ids"))
            })
            .collect(),
    }
}

macro_rules! raw {
    ($(#[$m:meta])* $name:ident { $($field:ident : $ty:ty = $with:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $( #[serde(default, deserialize_with = $with)] pub $field: $ty, )*
        }
    };
}

/// Plain text fields need no special decoding.
fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Option::<String>::deserialize(d)
}

raw!(UnitInput {
    parent_id: Option<i64> = "opt_i64",
    kind: Option<String> = "opt_string",
    name: Option<String> = "opt_string",
    short_name: Option<String> = "opt_string",
    version: Option<i64> = "opt_i64",
});

raw!(PersonInput {
    name: Option<String> = "opt_string",
    title: Option<String> = "opt_string",
    unit_id: Option<i64> = "opt_i64",
    from: Option<String> = "opt_string",
    version: Option<i64> = "opt_i64",
});

raw!(DocumentInput {
    kind: Option<String> = "opt_string",
    number: Option<String> = "opt_string",
    date: Option<String> = "opt_string",
    issuer: Option<String> = "opt_string",
    subject: Option<String> = "opt_string",
    version: Option<i64> = "opt_i64",
});

raw!(
    /// A news article's words: `session_id` and `unit_id` say what it reports.
    ArticleInput {
    session_id: Option<i64> = "opt_i64",
    unit_id: Option<i64> = "opt_i64",
    title: Option<String> = "opt_string",
    lead: Option<String> = "opt_string",
    body: Option<String> = "opt_string",
    author: Option<String> = "opt_string",
    note: Option<String> = "opt_string",
    version: Option<i64> = "opt_i64",
});

raw!(SessionInput {
    date: Option<String> = "opt_string",
    place: Option<String> = "opt_string",
    title: Option<String> = "opt_string",
    host_unit_id: Option<i64> = "opt_i64",
    delegation_name: Option<String> = "opt_string",
    lead_person_id: Option<i64> = "opt_i64",
    summary: Option<String> = "opt_string",
    source_text: Option<String> = "opt_string",
    published: Option<bool> = "opt_bool",
    version: Option<i64> = "opt_i64",
});

raw!(TargetInput {
    unit_id: Option<i64> = "opt_i64",
    indicator: Option<String> = "opt_string",
    measure: Option<String> = "opt_string",
    period_from: Option<String> = "opt_string",
    period_to: Option<String> = "opt_string",
    plan_value: Option<Amount> = "opt_amount",
    document_id: Option<i64> = "opt_i64",
    approved: Option<bool> = "opt_bool",
    version: Option<i64> = "opt_i64",
});

raw!(MeasurementInput {
    period_from: Option<String> = "opt_string",
    period_to: Option<String> = "opt_string",
    value: Option<Amount> = "opt_amount",
    qualifier: Option<String> = "opt_string",
    estimated: Option<bool> = "opt_bool",
    session_id: Option<i64> = "opt_i64",
    wording: Option<String> = "opt_string",
});

raw!(AmendmentInput {
    new_value: Option<Amount> = "opt_amount",
    reason: Option<String> = "opt_string",
    decided_on: Option<String> = "opt_string",
    document_id: Option<i64> = "opt_i64",
    version: Option<i64> = "opt_i64",
});

raw!(PetitionInput {
    title: Option<String> = "opt_string",
    text: Option<String> = "opt_string",
    category: Option<String> = "opt_string",
    area_unit_id: Option<i64> = "opt_i64",
    raised_by: Option<String> = "opt_string",
    channel: Option<String> = "opt_string",
    responsible_unit_id: Option<i64> = "opt_i64",
    coordinating_unit_ids: Vec<i64> = "id_list",
    due_on: Option<String> = "opt_string",
    session_id: Option<i64> = "opt_i64",
    raised_on: Option<String> = "opt_string",
    version: Option<i64> = "opt_i64",
    // A new petition, not one of those like it of the same area (which are offered first).
    new_petition: Option<bool> = "opt_bool",
});

raw!(PetitionTransitionInput {
    action: Option<String> = "opt_string",
    responsible_unit_id: Option<i64> = "opt_i64",
    // On assigning: the units that coordinate on the answer (none: none).
    coordinating_unit_ids: Vec<i64> = "id_list",
    due_on: Option<String> = "opt_string",
    answer: Option<String> = "opt_string",
    reason: Option<String> = "opt_string",
    version: Option<i64> = "opt_i64",
});

raw!(RaisingInput {
    session_id: Option<i64> = "opt_i64",
    date: Option<String> = "opt_string",
    raised_by: Option<String> = "opt_string",
});

raw!(
    /// A petition merged into another found to be the same: the one it goes into, and the
    /// versions of both as the caller read them.
    PetitionMergeInput {
    into_petition_id: Option<i64> = "opt_i64",
    version: Option<i64> = "opt_i64",
    into_version: Option<i64> = "opt_i64",
});

raw!(DirectiveInput {
    session_id: Option<i64> = "opt_i64",
    text: Option<String> = "opt_string",
    issued_by_person_id: Option<i64> = "opt_i64",
    lead_unit_id: Option<i64> = "opt_i64",
    coordinating_unit_ids: Vec<i64> = "id_list",
    deadline: Option<String> = "opt_string",
    deadline_text: Option<String> = "opt_string",
    version: Option<i64> = "opt_i64",
});

raw!(
    /// A step of a directive; `text` is the result reported, or the reason a report is
    /// returned or the directive cancelled.
    DirectiveTransitionInput {
    action: Option<String> = "opt_string",
    done_on: Option<String> = "opt_string",
    text: Option<String> = "opt_string",
    version: Option<i64> = "opt_i64",
});

raw!(
    /// A progress report: the lead unit's when `unit_id` is absent or the lead; a
    /// coordinating unit's own part when it names one.
    ProgressInput {
    unit_id: Option<i64> = "opt_i64",
    date: Option<String> = "opt_string",
    percent: Option<i64> = "opt_i64",
    text: Option<String> = "opt_string",
    version: Option<i64> = "opt_i64",
});

raw!(
    /// A coordinating unit's word on its part of a petition.
    PetitionNoteInput {
    unit_id: Option<i64> = "opt_i64",
    date: Option<String> = "opt_string",
    text: Option<String> = "opt_string",
});

raw!(ExtensionInput {
    new_deadline: Option<String> = "opt_string",
    reason: Option<String> = "opt_string",
    version: Option<i64> = "opt_i64",
});

raw!(
    /// The issuer's side's decision on a request for more time: `approve` or `refuse` (with
    /// a note saying why).
    ExtensionDecisionInput {
    decision: Option<String> = "opt_string",
    note: Option<String> = "opt_string",
});

raw!(
    /// What a report on petitions covers: a unit (with the units below it) and a period.
    ReportPeriodInput {
    unit_id: Option<i64> = "opt_i64",
    from: Option<String> = "opt_string",
    to: Option<String> = "opt_string",
});

raw!(UserInput {
    login: Option<String> = "opt_string",
    display_name: Option<String> = "opt_string",
    role: Option<String> = "opt_string",
    unit_id: Option<i64> = "opt_i64",
    email: Option<String> = "opt_string",
    password: Option<String> = "opt_string",
});

raw!(UserEditInput {
    display_name: Option<String> = "opt_string",
    role: Option<String> = "opt_string",
    unit_id: Option<i64> = "opt_i64",
    email: Option<String> = "opt_string",
    version: Option<i64> = "opt_i64",
});

#[derive(Debug, Clone, PartialEq)]
pub struct NewUnit {
    pub parent_id: Option<Id>,
    pub kind: UnitKind,
    pub name: String,
    pub short_name: Option<String>,
}

impl UnitInput {
    pub fn parse(&self) -> Result<NewUnit, Invalid> {
        let mut c = Checker::new();
        let kind = c.choice("kind", self.kind.as_deref(), UnitKind::parse);
        let name = c.text("name", self.name.as_deref(), SHORT);
        let short_name = c.opt_text("short_name", self.short_name.as_deref(), 60);
        c.finish(())?;
        Ok(NewUnit {
            parent_id: self.parent_id,
            kind: kind.expect("checked"),
            name,
            short_name,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewPerson {
    pub name: String,
    /// The first position, when the form gives one.
    pub title: Option<String>,
    pub unit_id: Option<Id>,
    pub from: Option<Date>,
}

impl PersonInput {
    pub fn parse(&self) -> Result<NewPerson, Invalid> {
        let mut c = Checker::new();
        let name = c.text("name", self.name.as_deref(), 120);
        let title = c.opt_text("title", self.title.as_deref(), SHORT);
        let from = c.opt_date("from", self.from.as_deref());
        c.finish(NewPerson {
            name,
            title,
            unit_id: self.unit_id,
            from,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewDocument {
    pub kind: String,
    pub number: Option<String>,
    pub date: Option<Date>,
    pub issuer: Option<String>,
    pub subject: Option<String>,
}

impl DocumentInput {
    pub fn parse(&self) -> Result<NewDocument, Invalid> {
        let mut c = Checker::new();
        let kind = c.text("kind", self.kind.as_deref(), 60);
        let number = c.opt_text("number", self.number.as_deref(), 60);
        let date = c.opt_date("date", self.date.as_deref());
        let issuer = c.opt_text("issuer", self.issuer.as_deref(), SHORT);
        let subject = c.opt_text("subject", self.subject.as_deref(), LONG);
        c.finish(NewDocument {
            kind,
            number,
            date,
            issuer,
            subject,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewSession {
    pub date: Date,
    pub place: Option<String>,
    pub title: String,
    pub host_unit_id: Id,
    pub delegation_name: Option<String>,
    pub lead_person_id: Option<Id>,
    pub summary: Option<String>,
    pub source_text: Option<String>,
    pub published: bool,
}

impl SessionInput {
    pub fn parse(&self) -> Result<NewSession, Invalid> {
        let mut c = Checker::new();
        let date = c.date("date", self.date.as_deref());
        let place = c.opt_text("place", self.place.as_deref(), SHORT);
        let title = c.text("title", self.title.as_deref(), SHORT);
        let host = c.required("host_unit_id", self.host_unit_id);
        let delegation_name = c.opt_text("delegation_name", self.delegation_name.as_deref(), SHORT);
        let summary = c.opt_text("summary", self.summary.as_deref(), LONG);
        let source_text = c.opt_text("source_text", self.source_text.as_deref(), SOURCE);
        c.finish(())?;
        Ok(NewSession {
            date: date.expect("checked"),
            place,
            title,
            host_unit_id: host.expect("checked"),
            delegation_name,
            lead_person_id: self.lead_person_id,
            summary,
            source_text,
            published: self.published.unwrap_or(false),
        })
    }
}

/// Plan values and measurements: VND amounts reach 10^15; nothing is negative.
const MAX_VALUE: f64 = 1.0e18;

#[derive(Debug, Clone, PartialEq)]
pub struct NewTarget {
    pub unit_id: Id,
    pub indicator: String,
    pub measure: String,
    pub period_from: Date,
    pub period_to: Date,
    pub plan_value: f64,
    pub document_id: Option<Id>,
    pub approved: bool,
}

/// A period asked for in a query (`from`, `to`, as `YYYY-MM-DD`), each side defaulting to
/// the given one.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PeriodInput {
    pub from: Option<String>,
    pub to: Option<String>,
}

impl PeriodInput {
    pub fn parse(&self, default: (Date, Date)) -> Result<(Date, Date), Invalid> {
        let mut c = Checker::new();
        let from = c
            .opt_date("from", self.from.as_deref())
            .unwrap_or(default.0);
        let to = c.opt_date("to", self.to.as_deref()).unwrap_or(default.1);
        check_period(&mut c, Some(from), Some(to), "to");
        c.finish((from, to))
    }
}

fn check_period(c: &mut Checker, from: Option<Date>, to: Option<Date>, to_field: &'static str) {
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            c.fail(to_field, FieldCode::DateOrder);
        }
    }
}

impl TargetInput {
    pub fn parse(&self) -> Result<NewTarget, Invalid> {
        let mut c = Checker::new();
        let unit = c.required("unit_id", self.unit_id);
        let indicator = c.text("indicator", self.indicator.as_deref(), SHORT);
        let measure = c.text("measure", self.measure.as_deref(), 40);
        let from = c.date("period_from", self.period_from.as_deref());
        let to = c.date("period_to", self.period_to.as_deref());
        check_period(&mut c, from, to, "period_to");
        let plan = c.amount("plan_value", self.plan_value.as_ref(), 0.0, MAX_VALUE);
        c.finish(())?;
        Ok(NewTarget {
            unit_id: unit.expect("checked"),
            indicator,
            measure,
            period_from: from.expect("checked"),
            period_to: to.expect("checked"),
            plan_value: plan.expect("checked"),
            document_id: self.document_id,
            approved: self.approved.unwrap_or(true),
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewMeasurement {
    pub period_from: Date,
    pub period_to: Date,
    pub value: f64,
    pub qualifier: Qualifier,
    pub estimated: bool,
    pub session_id: Option<Id>,
    pub wording: Option<String>,
}

impl MeasurementInput {
    pub fn parse(&self) -> Result<NewMeasurement, Invalid> {
        let mut c = Checker::new();
        let from = c.date("period_from", self.period_from.as_deref());
        let to = c.date("period_to", self.period_to.as_deref());
        check_period(&mut c, from, to, "period_to");
        let value = c.amount("value", self.value.as_ref(), 0.0, MAX_VALUE);
        let qualifier = match self
            .qualifier
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => Some(Qualifier::Exact),
            Some(q) => c.choice("qualifier", Some(q), Qualifier::parse),
        };
        let wording = c.opt_text("wording", self.wording.as_deref(), SHORT);
        c.finish(())?;
        Ok(NewMeasurement {
            period_from: from.expect("checked"),
            period_to: to.expect("checked"),
            value: value.expect("checked"),
            qualifier: qualifier.expect("checked"),
            estimated: self.estimated.unwrap_or(false),
            session_id: self.session_id,
            wording,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewAmendment {
    pub new_value: f64,
    pub reason: String,
    pub decided_on: Option<Date>,
    pub document_id: Option<Id>,
    pub version: i64,
}

impl AmendmentInput {
    /// `today` bounds the decision's day: a plan is not amended by a decision yet to come.
    pub fn parse(&self, today: Date) -> Result<NewAmendment, Invalid> {
        let mut c = Checker::new();
        let new_value = c.amount("new_value", self.new_value.as_ref(), 0.0, MAX_VALUE);
        let reason = c.text("reason", self.reason.as_deref(), LONG);
        let decided_on = c.opt_date("decided_on", self.decided_on.as_deref());
        if decided_on.is_some_and(|d| d > today) {
            c.fail("decided_on", FieldCode::OutOfRange);
        }
        let version = c.required("version", self.version);
        c.finish(())?;
        Ok(NewAmendment {
            new_value: new_value.expect("checked"),
            reason,
            decided_on,
            document_id: self.document_id,
            version: version.expect("checked"),
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewPetition {
    pub title: String,
    pub text: String,
    pub category: Option<String>,
    pub area_unit_id: Option<Id>,
    pub raised_by: Option<String>,
    pub channel: crate::Channel,
    pub responsible_unit_id: Option<Id>,
    /// Without the responsible unit, each once.
    pub coordinating_unit_ids: Vec<Id>,
    pub due_on: Option<Date>,
    /// The first raising: at this session (if any), on this day.
    pub session_id: Option<Id>,
    pub raised_on: Date,
}

impl PetitionInput {
    /// `today` is the raising date when the form gives none and no session does.
    pub fn parse(&self, today: Date) -> Result<NewPetition, Invalid> {
        let mut c = Checker::new();
        let text = c.text("text", self.text.as_deref(), LONG);
        let title = c.opt_text("title", self.title.as_deref(), SHORT);
        let category = c.opt_text("category", self.category.as_deref(), 80);
        let raised_by = c.opt_text("raised_by", self.raised_by.as_deref(), SHORT);
        let due_on = c.opt_date("due_on", self.due_on.as_deref());
        let raised_on = c.opt_date("raised_on", self.raised_on.as_deref());
        let channel = channel(&mut c, self.channel.as_deref());
        let coordinating = coordinating_units(
            &mut c,
            &self.coordinating_unit_ids,
            self.responsible_unit_id,
        );
        c.finish(())?;
        let title = title.unwrap_or_else(|| summary_title(&text));
        Ok(NewPetition {
            title,
            text,
            category,
            area_unit_id: self.area_unit_id,
            raised_by,
            channel,
            responsible_unit_id: self.responsible_unit_id,
            coordinating_unit_ids: coordinating,
            due_on,
            session_id: self.session_id,
            raised_on: raised_on.unwrap_or(today),
        })
    }
}

/// A petition's channel: one of the list, or (left empty) a voters' meeting.
fn channel(c: &mut Checker, raw: Option<&str>) -> crate::Channel {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => crate::Channel::default(),
        Some(s) => crate::Channel::parse(s).unwrap_or_else(|| {
            c.fail("channel", FieldCode::InvalidChoice);
            crate::Channel::default()
        }),
    }
}

/// Coordinating units: each once, at most 50, never the lead (or responsible) unit itself.
fn coordinating_units(c: &mut Checker, raw: &[Id], lead: Option<Id>) -> Vec<Id> {
    if raw.len() > 50 {
        c.fail("coordinating_unit_ids", FieldCode::TooLong);
    }
    let mut units = raw.to_vec();
    units.sort_unstable();
    units.dedup();
    units.retain(|u| Some(*u) != lead);
    units
}

/// A title for a record that has none: the first words of its text.
pub fn summary_title(text: &str) -> String {
    const MAX: usize = 90;
    if text.chars().count() <= MAX {
        return text.to_string();
    }
    let cut: String = text.chars().take(MAX).collect();
    let cut = cut.rsplit_once(' ').map(|(a, _)| a).unwrap_or(&cut);
    format!("{cut}…")
}

#[derive(Debug, Clone, PartialEq)]
pub struct PetitionTransition {
    pub action: PetitionAction,
    pub responsible_unit_id: Option<Id>,
    /// Set on assigning (the units then coordinating, none for none); left as they are by
    /// every other step.
    pub coordinating_unit_ids: Option<Vec<Id>>,
    pub due_on: Option<Date>,
    pub answer: Option<String>,
    pub reason: Option<String>,
    pub version: i64,
}

impl PetitionTransitionInput {
    pub fn parse(&self) -> Result<PetitionTransition, Invalid> {
        let mut c = Checker::new();
        let action = c.choice("action", self.action.as_deref(), PetitionAction::parse);
        let due_on = c.opt_date("due_on", self.due_on.as_deref());
        let answer = c.opt_text("answer", self.answer.as_deref(), LONG);
        let reason = c.opt_text("reason", self.reason.as_deref(), LONG);
        let version = c.required("version", self.version);
        let coordinating = coordinating_units(
            &mut c,
            &self.coordinating_unit_ids,
            self.responsible_unit_id,
        );
        if let Some((field, code)) = action.and_then(PetitionAction::needs) {
            let present = match field {
                "responsible_unit_id" => self.responsible_unit_id.is_some(),
                "answer" => answer.is_some(),
                _ => reason.is_some(),
            };
            if !present {
                c.fail(field, code);
            }
        }
        c.finish(())?;
        let action = action.expect("checked");
        Ok(PetitionTransition {
            action,
            responsible_unit_id: self.responsible_unit_id,
            coordinating_unit_ids: (action == PetitionAction::Assign).then_some(coordinating),
            due_on,
            answer,
            reason,
            version: version.expect("checked"),
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewRaising {
    pub session_id: Option<Id>,
    pub date: Date,
    pub raised_by: Option<String>,
}

/// A merge as the rules take it: petition `from` (whose id the path gives) into `into`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PetitionMerge {
    pub into: Id,
    pub version: i64,
    pub into_version: i64,
}

impl PetitionMergeInput {
    /// Both petitions named, both versions given, and not one petition into itself.
    pub fn parse(&self, from: Id) -> Result<PetitionMerge, Invalid> {
        let mut c = Checker::new();
        let into = c.required("into_petition_id", self.into_petition_id);
        if into == Some(from) {
            c.fail("into_petition_id", FieldCode::Unchanged);
        }
        let version = c.required("version", self.version);
        let into_version = c.required("into_version", self.into_version);
        c.finish(())?;
        Ok(PetitionMerge {
            into: into.unwrap_or_default(),
            version: version.unwrap_or_default(),
            into_version: into_version.unwrap_or_default(),
        })
    }

    /// Only the petition to merge into, checked as [`Self::parse`] checks it: for the page
    /// that shows both before the merge is confirmed.
    pub fn parse_target(&self, from: Id) -> Result<Id, Invalid> {
        let mut c = Checker::new();
        let into = c.required("into_petition_id", self.into_petition_id);
        if into == Some(from) {
            c.fail("into_petition_id", FieldCode::Unchanged);
        }
        c.finish(into.unwrap_or_default())
    }
}

impl RaisingInput {
    pub fn parse(&self, today: Date) -> Result<NewRaising, Invalid> {
        let mut c = Checker::new();
        let date = c.opt_date("date", self.date.as_deref());
        let raised_by = c.opt_text("raised_by", self.raised_by.as_deref(), SHORT);
        c.finish(NewRaising {
            session_id: self.session_id,
            date: date.unwrap_or(today),
            raised_by,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewDirective {
    pub session_id: Option<Id>,
    pub text: String,
    pub issued_by_person_id: Option<Id>,
    pub lead_unit_id: Option<Id>,
    pub coordinating_unit_ids: Vec<Id>,
    pub deadline: Option<Date>,
    pub deadline_text: Option<String>,
}

impl DirectiveInput {
    pub fn parse(&self) -> Result<NewDirective, Invalid> {
        let mut c = Checker::new();
        let text = c.text("text", self.text.as_deref(), LONG);
        let deadline = c.opt_date("deadline", self.deadline.as_deref());
        let deadline_text = c.opt_text("deadline_text", self.deadline_text.as_deref(), SHORT);
        let coordinating =
            coordinating_units(&mut c, &self.coordinating_unit_ids, self.lead_unit_id);
        c.finish(NewDirective {
            session_id: self.session_id,
            text,
            issued_by_person_id: self.issued_by_person_id,
            lead_unit_id: self.lead_unit_id,
            coordinating_unit_ids: coordinating,
            deadline,
            deadline_text,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DirectiveTransition {
    pub action: DirectiveAction,
    pub done_on: Option<Date>,
    /// Required for a report (its result), a return and a cancellation (their reason).
    pub text: Option<String>,
    pub version: i64,
}

impl DirectiveTransitionInput {
    pub fn parse(&self) -> Result<DirectiveTransition, Invalid> {
        let mut c = Checker::new();
        let action = c.choice("action", self.action.as_deref(), DirectiveAction::parse);
        let done_on = c.opt_date("done_on", self.done_on.as_deref());
        let text = if action.is_some_and(DirectiveAction::needs_text) {
            Some(c.text("text", self.text.as_deref(), LONG))
        } else {
            c.opt_text("text", self.text.as_deref(), LONG)
        };
        let version = c.required("version", self.version);
        c.finish(())?;
        Ok(DirectiveTransition {
            action: action.expect("checked"),
            done_on,
            text,
            version: version.expect("checked"),
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewProgress {
    /// The unit named (see [`crate::directive::reporter`]).
    pub unit_id: Option<Id>,
    pub date: Date,
    pub percent: i64,
    pub text: String,
    /// The version of the directive the report was written against.
    pub version: i64,
}

impl ProgressInput {
    pub fn parse(&self, today: Date) -> Result<NewProgress, Invalid> {
        let mut c = Checker::new();
        let date = c.opt_date("date", self.date.as_deref());
        let percent = c.number("percent", self.percent.map(|p| p as f64), 0.0, 100.0);
        let text = c.text("text", self.text.as_deref(), LONG);
        let version = c.required("version", self.version);
        c.finish(())?;
        Ok(NewProgress {
            unit_id: self.unit_id,
            date: date.unwrap_or(today),
            percent: percent.expect("checked") as i64,
            text,
            version: version.expect("checked"),
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewPetitionNote {
    pub unit_id: Id,
    pub date: Date,
    pub text: String,
}

impl PetitionNoteInput {
    pub fn parse(&self, today: Date) -> Result<NewPetitionNote, Invalid> {
        let mut c = Checker::new();
        let unit_id = c.required("unit_id", self.unit_id);
        let date = c.opt_date("date", self.date.as_deref());
        let text = c.text("text", self.text.as_deref(), LONG);
        c.finish(())?;
        Ok(NewPetitionNote {
            unit_id: unit_id.expect("checked"),
            date: date.unwrap_or(today),
            text,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewExtension {
    pub new_deadline: Date,
    pub reason: String,
    pub version: i64,
}

impl ExtensionInput {
    pub fn parse(&self) -> Result<NewExtension, Invalid> {
        let mut c = Checker::new();
        let d = c.date("new_deadline", self.new_deadline.as_deref());
        let reason = c.text("reason", self.reason.as_deref(), LONG);
        let version = c.required("version", self.version);
        c.finish(())?;
        Ok(NewExtension {
            new_deadline: d.expect("checked"),
            reason,
            version: version.expect("checked"),
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExtensionDecision {
    pub approve: bool,
    pub note: Option<String>,
}

impl ExtensionDecisionInput {
    pub fn parse(&self) -> Result<ExtensionDecision, Invalid> {
        let mut c = Checker::new();
        let approve = c.choice("decision", self.decision.as_deref(), |s| match s {
            "approve" => Some(true),
            "refuse" => Some(false),
            _ => None,
        });
        let note = if approve == Some(false) {
            Some(c.text("note", self.note.as_deref(), LONG))
        } else {
            c.opt_text("note", self.note.as_deref(), LONG)
        };
        c.finish(())?;
        Ok(ExtensionDecision {
            approve: approve.expect("checked"),
            note,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewUser {
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub unit_id: Option<Id>,
    pub email: Option<String>,
    pub password: String,
}

/// What an administrator changes of an account: not its login, nor its password (which its
/// owner sets, through a reset link).
#[derive(Debug, Clone, PartialEq)]
pub struct UserEdit {
    pub display_name: String,
    pub role: Role,
    pub unit_id: Option<Id>,
    pub email: Option<String>,
}

/// A mail address as a form gives it: trimmed, at most 254 characters, plausible.
fn opt_email(c: &mut Checker, raw: Option<&str>) -> Option<String> {
    let email = c.opt_text("email", raw, 254);
    if email
        .as_deref()
        .is_some_and(|e| !crate::follow::plausible_email(e))
    {
        c.fail("email", FieldCode::InvalidChoice);
    }
    email
}

/// A role, and the unit that role needs (officers and clerks work for one).
fn role_and_unit(c: &mut Checker, role: Option<&str>, unit_id: Option<Id>) -> Option<Role> {
    let role = c.choice("role", role, Role::parse);
    if role.is_some_and(Role::needs_unit) && unit_id.is_none() {
        c.fail("unit_id", FieldCode::Required);
    }
    role
}

impl UserEditInput {
    pub fn parse(&self) -> Result<UserEdit, Invalid> {
        let mut c = Checker::new();
        let display_name = c.text("display_name", self.display_name.as_deref(), 120);
        let role = role_and_unit(&mut c, self.role.as_deref(), self.unit_id);
        let email = opt_email(&mut c, self.email.as_deref());
        c.finish(())?;
        Ok(UserEdit {
            display_name,
            role: role.expect("checked"),
            unit_id: self.unit_id,
            email,
        })
    }
}

/// Passwords shorter than this are refused.
pub const MIN_PASSWORD: usize = 8;

impl UserInput {
    pub fn parse(&self) -> Result<NewUser, Invalid> {
        let mut c = Checker::new();
        let login = c.text("login", self.login.as_deref(), 60);
        if !login.is_empty()
            && !login
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || "._-".contains(ch))
        {
            c.fail("login", FieldCode::InvalidChoice);
        }
        let display_name = c.text("display_name", self.display_name.as_deref(), 120);
        let role = role_and_unit(&mut c, self.role.as_deref(), self.unit_id);
        let email = opt_email(&mut c, self.email.as_deref());
        let password = self.password.clone().unwrap_or_default();
        if password.chars().count() < MIN_PASSWORD {
            c.fail("password", FieldCode::TooShort);
        } else if password.len() > 1024 {
            c.fail("password", FieldCode::TooLong);
        }
        c.finish(())?;
        Ok(NewUser {
            login: login.to_lowercase(),
            display_name,
            role: role.expect("checked"),
            unit_id: self.unit_id,
            email,
            password,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReportPeriod {
    pub unit_id: Id,
    pub from: Date,
    pub to: Date,
}

impl ReportPeriodInput {
    pub fn parse(&self) -> Result<ReportPeriod, Invalid> {
        let mut c = Checker::new();
        let unit_id = c.required("unit_id", self.unit_id);
        let from = c.date("from", self.from.as_deref());
        let to = c.date("to", self.to.as_deref());
        check_period(&mut c, from, to, "to");
        c.finish(())?;
        Ok(ReportPeriod {
            unit_id: unit_id.expect("checked"),
            from: from.expect("checked"),
            to: to.expect("checked"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn report_periods_table() {
        let input = |unit: Option<i64>, from: &str, to: &str| ReportPeriodInput {
            unit_id: unit,
            from: Some(from.into()),
            to: Some(to.into()),
        };
        let ok = input(Some(4), "2020-01-01", "2020-12-31").parse().unwrap();
        assert_eq!(
            (ok.unit_id, ok.from, ok.to),
            (4, date(2020, 1, 1), date(2020, 12, 31))
        );
        let same_day = input(Some(4), "2020-05-05", "2020-05-05").parse();
        assert!(same_day.is_ok());
        let refused = [
            (
                input(None, "2020-01-01", "2020-12-31"),
                "unit_id",
                FieldCode::Required,
            ),
            (
                input(Some(4), "2020-02-30", "2020-12-31"),
                "from",
                FieldCode::InvalidDate,
            ),
            (
                input(Some(4), "", "2020-12-31"),
                "from",
                FieldCode::Required,
            ),
            (
                input(Some(4), "2020-01-01", "31/12/2020"),
                "to",
                FieldCode::InvalidDate,
            ),
            (
                input(Some(4), "2021-01-01", "2020-12-31"),
                "to",
                FieldCode::DateOrder,
            ),
        ];
        for (raw, field, code) in refused {
            let e = raw.parse().unwrap_err();
            assert_eq!(e.on(field), Some(code), "{raw:?}: {e}");
        }
    }

    #[test]
    fn a_merge_names_the_other_petition_and_both_versions() {
        let merge = |into, version, into_version| PetitionMergeInput {
            into_petition_id: into,
            version,
            into_version,
        };
        assert_eq!(
            merge(Some(3), Some(2), Some(5)).parse(7),
            Ok(PetitionMerge {
                into: 3,
                version: 2,
                into_version: 5
            })
        );
        // (input, field, code)
        let refused = [
            (
                merge(None, Some(2), Some(5)),
                "into_petition_id",
                FieldCode::Required,
            ),
            (
                merge(Some(7), Some(2), Some(5)),
                "into_petition_id",
                FieldCode::Unchanged,
            ),
            (
                merge(Some(3), None, Some(5)),
                "version",
                FieldCode::Required,
            ),
            (
                merge(Some(3), Some(2), None),
                "into_version",
                FieldCode::Required,
            ),
        ];
        for (raw, field, code) in refused {
            let e = raw.parse(7).unwrap_err();
            assert_eq!(e.on(field), Some(code), "{raw:?}: {e}");
        }
        assert_eq!(merge(Some(3), None, None).parse_target(7), Ok(3));
        let e = merge(Some(7), None, None).parse_target(7).unwrap_err();
        assert_eq!(e.on("into_petition_id"), Some(FieldCode::Unchanged));
    }

    #[test]
    fn numbers_from_forms_and_json() {
        let t: TargetInput =
            serde_json::from_str(r#"{"plan_value": 9750000000, "unit_id": "3"}"#).unwrap();
        assert_eq!(t.plan_value, Some(Amount::Number(9.75e9)));
        assert_eq!(t.unit_id, Some(3));
        let t: TargetInput = serde_urlencoded::from_str("plan_value=87%2C2&unit_id=").unwrap();
        assert_eq!(t.plan_value.and_then(|a| a.value()), Some(87.2));
        assert_eq!(t.unit_id, None);
        assert!(serde_json::from_str::<TargetInput>(r#"{"unit_id": true}"#).is_err());
        assert!(serde_json::from_str::<TargetInput>(r#"{"unit_id": "abc"}"#).is_err());
        assert!(serde_json::from_str::<TargetInput>(r#"{"nonsense": 1}"#).is_err());
    }

    /// Amounts as people type them, in forms (text) and in JSON (text or numbers).
    #[test]
    fn amounts_as_people_type_them() {
        let value = |typed: &str| -> Result<f64, Option<FieldCode>> {
            let raw: MeasurementInput = serde_urlencoded::from_str(
                &serde_urlencoded::to_string([
                    ("value", typed),
                    ("period_from", "2020-01-01"),
                    ("period_to", "2020-06-30"),
                ])
                .unwrap(),
            )
            .map_err(|_| None)?;
            raw.parse().map(|m| m.value).map_err(|e| e.on("value"))
        };
        for (typed, want) in [
            ("8,5 tỷ", 8.5e9),
            ("8,5 tỷ đồng", 8.5e9),
            ("126 triệu", 1.26e8),
            ("126 triệu đồng", 1.26e8),
            ("1.250.000 đồng", 1_250_000.0),
            ("8.500.000.000", 8.5e9),
            ("8.500.000.000 VND", 8.5e9),
            ("87,2", 87.2),
            ("87,2%", 87.2),
            ("2.239", 2239.0),
            ("1.653,522 tỷ", 1_653_522_000_000.0),
            ("153 tỷ 900 triệu", 153_900_000_000.0),
            ("15 nghìn", 15_000.0),
            ("8500000000", 8.5e9),
            ("8500000.5", 8_500_000.5),
            ("1,250,000", 1_250_000.0),
            ("1,250,000.5", 1_250_000.5),
            (" 42 ", 42.0),
        ] {
            let got = value(typed);
            assert!(
                got.is_ok_and(|v| (v - want).abs() < 1e-6 * want.max(1.0)),
                "{typed}: {got:?}, want {want}"
            );
        }
        for typed in [
            "abc",
            "8,5 tỷ tỷ",
            "tỷ",
            "1.2.3,4,5",
            "8,5 cái gì",
            "-5",
            "NaN",
            "inf",
        ] {
            let got = value(typed);
            assert!(
                matches!(
                    got,
                    Err(Some(FieldCode::InvalidNumber | FieldCode::OutOfRange))
                ),
                "{typed}: {got:?}"
            );
        }
        assert_eq!(value(""), Err(Some(FieldCode::Required)));
        // JSON: numbers as numbers, or as typed.
        let t: TargetInput = serde_json::from_str(r#"{"plan_value": "9,75 tỷ"}"#).unwrap();
        let err = t.parse().unwrap_err();
        assert_eq!(err.on("plan_value"), None, "{err}");
        let t: AmendmentInput =
            serde_json::from_str(r#"{"new_value": "chín tỷ", "reason": "x", "version": 1}"#)
                .unwrap();
        let today = jiff::civil::date(2026, 11, 26);
        assert_eq!(
            t.parse(today).unwrap_err().on("new_value"),
            Some(FieldCode::InvalidNumber)
        );
        // A decision is dated, and not after today.
        let a = |decided: &str| -> AmendmentInput {
            serde_json::from_str(&format!(
                r#"{{"new_value": "9 tỷ", "reason": "x", "decided_on": "{decided}", "version": 1}}"#
            ))
            .unwrap()
        };
        assert_eq!(
            a("2026-11-20").parse(today).unwrap().decided_on,
            Some(jiff::civil::date(2026, 11, 20))
        );
        assert_eq!(
            a("2026-11-27").parse(today).unwrap_err().on("decided_on"),
            Some(FieldCode::OutOfRange)
        );
        assert_eq!(
            a("20/11").parse(today).unwrap_err().on("decided_on"),
            Some(FieldCode::InvalidDate)
        );
    }

    #[test]
    fn session_reports_every_bad_field() {
        let raw = SessionInput {
            date: Some("2020-02-31".into()),
            title: Some("  ".into()),
            ..Default::default()
        };
        let err = raw.parse().unwrap_err();
        assert_eq!(err.on("date"), Some(FieldCode::InvalidDate));
        assert_eq!(err.on("title"), Some(FieldCode::Required));
        assert_eq!(err.on("host_unit_id"), Some(FieldCode::Required));
    }

    #[test]
    fn target_period_must_be_ordered() {
        let raw = TargetInput {
            unit_id: Some(1),
            indicator: Some("Thu NSNN".into()),
            measure: Some("VND".into()),
            period_from: Some("2020-12-31".into()),
            period_to: Some("2020-01-01".into()),
            plan_value: Some(1.0.into()),
            ..Default::default()
        };
        assert_eq!(
            raw.parse().unwrap_err().on("period_to"),
            Some(FieldCode::DateOrder)
        );
    }

    #[test]
    fn petition_transition_needs_its_field() {
        let raw = PetitionTransitionInput {
            action: Some("answer".into()),
            version: Some(1),
            ..Default::default()
        };
        assert_eq!(
            raw.parse().unwrap_err().on("answer"),
            Some(FieldCode::Required)
        );
        let raw = PetitionTransitionInput {
            action: Some("fly".into()),
            version: Some(1),
            ..Default::default()
        };
        assert_eq!(
            raw.parse().unwrap_err().on("action"),
            Some(FieldCode::InvalidChoice)
        );
    }

    #[test]
    fn petition_title_defaults_to_its_text() {
        let raw = PetitionInput {
            text: Some("xây mới nhà văn hóa khu 6".into()),
            ..Default::default()
        };
        let p = raw.parse(date(2020, 8, 24)).unwrap();
        assert_eq!(p.title, "xây mới nhà văn hóa khu 6");
        assert_eq!(p.raised_on, date(2020, 8, 24));
        let long = "a ".repeat(100);
        assert!(summary_title(&long).ends_with('…'));
    }

    #[test]
    fn directive_coordinators_are_deduplicated_without_the_lead() {
        let raw: DirectiveInput =
            serde_urlencoded::from_str("text=x&lead_unit_id=2&coordinating_unit_ids=3,2,3")
                .unwrap();
        assert_eq!(raw.parse().unwrap().coordinating_unit_ids, vec![3]);
    }

    #[test]
    fn officers_and_clerks_belong_to_a_unit() {
        let raw = |role: &str, unit_id: Option<i64>| UserInput {
            login: Some("moi".into()),
            display_name: Some("Người mới".into()),
            role: Some(role.into()),
            unit_id,
            email: None,
            password: Some("mat-khau-moi".into()),
        };
        for role in ["officer", "clerk"] {
            assert_eq!(
                raw(role, None).parse().unwrap_err().on("unit_id"),
                Some(FieldCode::Required),
                "{role}"
            );
            assert!(raw(role, Some(3)).parse().is_ok(), "{role}");
        }
        for role in ["admin", "leader"] {
            assert!(raw(role, None).parse().is_ok(), "{role}");
        }
    }

    #[test]
    fn user_password_and_login_rules() {
        let raw = UserInput {
            login: Some("bad login".into()),
            display_name: Some("A".into()),
            role: Some("clerk".into()),
            password: Some("short".into()),
            ..Default::default()
        };
        let err = raw.parse().unwrap_err();
        assert_eq!(err.on("login"), Some(FieldCode::InvalidChoice));
        assert_eq!(err.on("password"), Some(FieldCode::TooShort));
    }
}

raw!(
    /// What a person chooses to hear of (their profile): an address for mail, the language
    /// mail is written in, and which mails they want.
    ProfileInput {
    email: Option<String> = "opt_string",
    language: Option<String> = "opt_string",
    notify_mail: Option<bool> = "opt_bool",
    remind_days: Option<i64> = "opt_i64",
    weekly_digest: Option<bool> = "opt_bool",
});

impl ProfileInput {
    /// Absent choices are off (an unticked box sends nothing); an absent language is
    /// Vietnamese.
    pub fn parse(&self) -> Result<crate::follow::Profile, Invalid> {
        let mut c = Checker::new();
        let email = opt_email(&mut c, self.email.as_deref());
        let language = match self.language.as_deref().map(str::trim) {
            None | Some("") => Some(crate::follow::Language::Vi),
            Some(s) => {
                let l = crate::follow::Language::parse(s);
                if l.is_none() {
                    c.fail("language", FieldCode::InvalidChoice);
                }
                l
            }
        };
        let remind_days = self.remind_days.unwrap_or(0);
        if !(0..=crate::follow::MAX_REMIND_DAYS).contains(&remind_days) {
            c.fail("remind_days", FieldCode::OutOfRange);
        }
        c.finish(crate::follow::Profile {
            email,
            language: language.unwrap_or(crate::follow::Language::Vi),
            notify_mail: self.notify_mail.unwrap_or(false),
            remind_days,
            weekly_digest: self.weekly_digest.unwrap_or(false),
        })
    }
}
