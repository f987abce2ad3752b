//! The extraction, exactly as `../shared/extract/SCHEMA.md` (version 1) defines it: every field
//! always present, what the text does not say is `null` or an empty list.

use serde::Serialize;

pub const SCHEMA: &str = "dondoc.extract/v1";

/// `[start, end)` in bytes of the NFC-normalised input text.
pub type Span = [usize; 2];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Extraction {
    pub schema: &'static str,
    pub title: Option<String>,
    pub author: Option<String>,
    pub session: SessionHeader,
    pub people: Vec<Person>,
    pub organizations: Vec<Organization>,
    pub documents: Vec<Document>,
    pub figures: Vec<Figure>,
    pub petitions_declared: Option<u32>,
    pub petitions: Vec<Petition>,
    pub directives: Vec<Directive>,
    pub captions: Vec<String>,
    pub abbreviations: Vec<Abbreviation>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct SessionHeader {
    pub date: Option<String>,
    pub delegation: Option<String>,
    pub lead: Option<String>,
    pub host: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Person {
    pub name: String,
    pub positions: Vec<String>,
    pub positions_expanded: Vec<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Organization {
    pub name: String,
    pub name_expanded: String,
    pub kind: &'static str,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    pub text: String,
    pub kind: String,
    pub number: Option<String>,
    pub date: Option<String>,
    pub issuer: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Period {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    pub text: String,
    pub indicator: Option<String>,
    pub value: f64,
    pub unit: &'static str,
    pub qualifier: &'static str,
    pub estimated: bool,
    pub percent_of_plan: Option<f64>,
    pub period: Option<Period>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Petition {
    pub text: String,
    pub repeated: bool,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Directive {
    pub text: String,
    pub assignee: Option<String>,
    pub deadline: Option<String>,
    pub deadline_text: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Abbreviation {
    pub short: String,
    pub long: String,
}
