//! Parsing at the boundary: raw strings in, validated values out, every problem named by field
//! and a stable code that the web layer translates.

use jiff::civil::Date;
use serde::Serialize;

/// Why one field was refused. The web layer turns the code into a Vietnamese or English message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldCode {
    Required,
    TooLong,
    InvalidDate,
    InvalidNumber,
    InvalidChoice,
    OutOfRange,
    DateOrder,
    UnknownReference,
    Forbidden,
    Cycle,
    TooShort,
    Unchanged,
    /// The unit named was dissolved or merged into another.
    Dissolved,
    /// One such request is already waiting for a decision.
    Pending,
    /// Another record holds this value already (a login in use).
    Taken,
    /// Records like this one exist already: the caller should use one of them, or say that
    /// this one is new (a petition raised again, not recorded twice).
    Similar,
    /// The name fits several records: say which by its id ("… · #42").
    Ambiguous,
    /// The record changed since the form was opened: what was typed is shown again, on the
    /// record as it is now.
    Stale,
    /// The petition was merged into another, which holds its raisings now.
    Merged,
    /// What it points at is not public (a news article about an unpublished session).
    Unpublished,
    /// A form sent sooner after it was drawn than a person could fill it.
    TooFast,
}

impl FieldCode {
    pub fn as_str(self) -> &'static str {
        match self {
            FieldCode::Required => "required",
            FieldCode::TooLong => "too_long",
            FieldCode::InvalidDate => "invalid_date",
            FieldCode::InvalidNumber => "invalid_number",
            FieldCode::InvalidChoice => "invalid_choice",
            FieldCode::OutOfRange => "out_of_range",
            FieldCode::DateOrder => "date_order",
            FieldCode::UnknownReference => "unknown_reference",
            FieldCode::Forbidden => "forbidden",
            FieldCode::Cycle => "cycle",
            FieldCode::TooShort => "too_short",
            FieldCode::Unchanged => "unchanged",
            FieldCode::Dissolved => "dissolved",
            FieldCode::Pending => "pending",
            FieldCode::Taken => "taken",
            FieldCode::Similar => "similar",
            FieldCode::Ambiguous => "ambiguous",
            FieldCode::Stale => "stale",
            FieldCode::Merged => "merged",
            FieldCode::Unpublished => "unpublished",
            FieldCode::TooFast => "too_fast",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub code: FieldCode,
}

/// One or more refused fields; nothing is written when this is returned.
#[derive(Debug, Clone, PartialEq, Eq, Default, thiserror::Error)]
#[error("invalid input: {}", .0.iter().map(|e| format!("{}: {}", e.field, e.code.as_str())).collect::<Vec<_>>().join(", "))]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    pub fn one(field: &'static str, code: FieldCode) -> Self {
        Invalid(vec![FieldError { field, code }])
    }
    pub fn first(&self) -> Option<&FieldError> {
        self.0.first()
    }
    pub fn on(&self, field: &str) -> Option<FieldCode> {
        self.0.iter().find(|e| e.field == field).map(|e| e.code)
    }
}

/// Collects field errors while a form or JSON body is parsed, so the user sees all of them at once.
#[derive(Default)]
pub struct Checker {
    errors: Vec<FieldError>,
}

pub const SHORT: usize = 300;
pub const LONG: usize = 20_000;
pub const SOURCE: usize = 1_000_000;

impl Checker {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn fail(&mut self, field: &'static str, code: FieldCode) {
        if !self.errors.iter().any(|e| e.field == field) {
            self.errors.push(FieldError { field, code });
        }
    }

    /// Whether `field` has been refused.
    pub fn failed(&self, field: &str) -> bool {
        self.errors.iter().any(|e| e.field == field)
    }

    fn take<T>(&mut self, field: &'static str, r: Result<T, FieldCode>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(code) => {
                self.fail(field, code);
                None
            }
        }
    }

    /// Required text: trimmed, NFC-normalised, at most `max` characters.
    pub fn text(&mut self, field: &'static str, raw: Option<&str>, max: usize) -> String {
        let r = opt_text(raw, max).and_then(|v| v.ok_or(FieldCode::Required));
        self.take(field, r).unwrap_or_default()
    }

    /// Optional text: empty becomes `None`.
    pub fn opt_text(
        &mut self,
        field: &'static str,
        raw: Option<&str>,
        max: usize,
    ) -> Option<String> {
        let r = opt_text(raw, max);
        self.take(field, r).flatten()
    }

    pub fn date(&mut self, field: &'static str, raw: Option<&str>) -> Option<Date> {
        let r = opt_date(raw).and_then(|v| v.ok_or(FieldCode::Required));
        self.take(field, r)
    }

    pub fn opt_date(&mut self, field: &'static str, raw: Option<&str>) -> Option<Date> {
        let r = opt_date(raw);
        self.take(field, r).flatten()
    }

    pub fn required<T>(&mut self, field: &'static str, v: Option<T>) -> Option<T> {
        if v.is_none() {
            self.fail(field, FieldCode::Required);
        }
        v
    }

    /// A finite number within `[min, max]`.
    pub fn number(
        &mut self,
        field: &'static str,
        v: Option<f64>,
        min: f64,
        max: f64,
    ) -> Option<f64> {
        match v {
            None => {
                self.fail(field, FieldCode::Required);
                None
            }
            Some(x) if !x.is_finite() => {
                self.fail(field, FieldCode::InvalidNumber);
                None
            }
            Some(x) if x < min || x > max => {
                self.fail(field, FieldCode::OutOfRange);
                None
            }
            Some(x) => Some(x),
        }
    }

    /// An amount as sent ([`crate::input::Amount`]): required, a number, within `[min, max]`.
    pub fn amount(
        &mut self,
        field: &'static str,
        v: Option<&crate::input::Amount>,
        min: f64,
        max: f64,
    ) -> Option<f64> {
        match v.map(crate::input::Amount::value) {
            Some(None) => {
                self.fail(field, FieldCode::InvalidNumber);
                None
            }
            other => self.number(field, other.flatten(), min, max),
        }
    }

    pub fn choice<T>(
        &mut self,
        field: &'static str,
        raw: Option<&str>,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        match raw.map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                self.fail(field, FieldCode::Required);
                None
            }
            Some(s) => {
                let v = parse(s);
                if v.is_none() {
                    self.fail(field, FieldCode::InvalidChoice);
                }
                v
            }
        }
    }

    pub fn finish<T>(self, value: T) -> Result<T, Invalid> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(Invalid(self.errors))
        }
    }
}

/// Characters that show nothing: zero-width spaces and joiners, direction marks and isolates,
/// the byte-order mark, the soft hyphen. A text of nothing but these (and spaces) is empty.
fn invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(c,
            '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

pub fn opt_text(raw: Option<&str>, max: usize) -> Result<Option<String>, FieldCode> {
    let Some(raw) = raw else { return Ok(None) };
    let trimmed = raw.trim();
    if trimmed.chars().all(invisible) {
        return Ok(None);
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(FieldCode::InvalidChoice);
    }
    let v = dondoc_text::nfc(trimmed);
    if v.chars().count() > max {
        return Err(FieldCode::TooLong);
    }
    Ok(Some(v))
}

/// Calendar dates travel as `YYYY-MM-DD`; anything else, or an impossible day, is refused.
pub fn opt_date(raw: Option<&str>) -> Result<Option<Date>, FieldCode> {
    let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if raw.len() != 10 {
        return Err(FieldCode::InvalidDate);
    }
    let d: Date = raw.parse().map_err(|_| FieldCode::InvalidDate)?;
    if d.year() < 1945 || d.year() > 2200 {
        return Err(FieldCode::OutOfRange);
    }
    Ok(Some(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_table() {
        let cases: [(&str, Result<Option<&str>, FieldCode>); 7] = [
            ("2020-11-18", Ok(Some("2020-11-18"))),
            ("", Ok(None)),
            ("2020-02-30", Err(FieldCode::InvalidDate)),
            ("18/11/2020", Err(FieldCode::InvalidDate)),
            ("2020-13-01", Err(FieldCode::InvalidDate)),
            ("1900-01-01", Err(FieldCode::OutOfRange)),
            ("20201118", Err(FieldCode::InvalidDate)),
        ];
        for (raw, want) in cases {
            let got = opt_date(Some(raw)).map(|d| d.map(|d| d.to_string()));
            assert_eq!(got, want.map(|o| o.map(String::from)), "{raw}");
        }
    }

    #[test]
    fn text_is_trimmed_normalised_and_bounded() {
        let mut c = Checker::new();
        assert_eq!(c.text("name", Some("  Hà Lầm "), 10), "Hà Lầm");
        assert_eq!(c.text("empty", Some("   "), 10), "");
        assert_eq!(c.text("long", Some("abcdefghijk"), 10), "");
        let err = c.finish(()).unwrap_err();
        assert_eq!(err.on("empty"), Some(FieldCode::Required));
        assert_eq!(err.on("long"), Some(FieldCode::TooLong));
        assert_eq!(err.on("name"), None);
    }

    #[test]
    fn numbers_must_be_finite_and_in_range() {
        let mut c = Checker::new();
        assert_eq!(c.number("a", Some(5.0), 0.0, 10.0), Some(5.0));
        assert_eq!(c.number("b", Some(f64::NAN), 0.0, 10.0), None);
        assert_eq!(c.number("c", Some(11.0), 0.0, 10.0), None);
        let err = c.finish(()).unwrap_err();
        assert_eq!(err.on("b"), Some(FieldCode::InvalidNumber));
        assert_eq!(err.on("c"), Some(FieldCode::OutOfRange));
    }
}
