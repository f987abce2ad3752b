//! Petitions, directives and targets imported from a spreadsheet (.xlsx or .csv), in two
//! steps: the file is *read* — every row checked as the form checks one record (the domain's
//! `*Input::parse`, references resolved by name or id, the same `Actor::can` rules as making
//! one by hand) and compared with the records on file and the file's other rows — and kept
//! with what is wrong in each cell, for a paged preview; then *written*, once the person
//! confirms: all of it, refused while any row has an error, or the valid rows only. Either
//! way the records are written in one transaction, in batches, checked again as they go: an
//! import writes everything it was asked to or nothing.
//!
//! The file reads back what the lists' export writes (`web/src/export.rs`): the header row
//! names the columns in Vietnamese or English, as the export does, compared without
//! diacritics or case; columns the export adds that are not an input (status, times raised)
//! are recognised and left alone.
//!
//! Both steps run as a job whose row says where it stands, so that a page can follow it:
//! reading counts the rows read in the job row as it goes; writing, which holds one
//! transaction (on SQLite, the write lock), counts its rows in the memory of the process
//! that writes ([`progress`]).

pub mod sheet;

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use dondoc_domain::input::{
    amount_text, Amount, DirectiveInput, NewDirective, NewPetition, NewTarget, PetitionInput,
    TargetInput,
};
use dondoc_domain::{FieldCode, Id, Invalid};
use dondoc_store::{ImportJob, ReadCounts, RowFilter, StagedRow};
use dondoc_text::{fold, Words};
use serde::{Deserialize, Serialize};

use crate::{App, Caller, Error, Result};
use sheet::{Cell, SheetError};

/// How alike a row must be to a record on file to be flagged as a possible duplicate: as
/// alike as a report's petition must be to an open one to be offered as raised again.
pub const ALIKE: f64 = 0.6;

/// The records of one unit a row is compared with, newest first: past this many, older ones
/// are not looked at (the comparison is a few microseconds a pair, and an import of 100,000
/// rows into a unit with a million records must still finish).
pub const ON_FILE_PER_UNIT: i64 = 2_000;

/// Rows read and kept in one go.
const BATCH: usize = 1_000;

/// Rows checked again and written in one go, in the writing's one transaction: small enough
/// that the page's count moves, large enough that the statements stay few.
const WRITE_BATCH: i64 = 200;

/// What an import makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Petitions,
    Directives,
    Targets,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Petitions, Kind::Directives, Kind::Targets];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Petitions => "petitions",
            Kind::Directives => "directives",
            Kind::Targets => "targets",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The columns a file may hold, in the order rows are kept.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Kind::Petitions => PETITION_COLUMNS,
            Kind::Directives => DIRECTIVE_COLUMNS,
            Kind::Targets => TARGET_COLUMNS,
        }
    }

    /// Columns the export writes that are no input (an id, a status, a count): recognised
    /// and left alone.
    pub fn export_only(self) -> &'static [&'static str] {
        match self {
            Kind::Petitions => &[
                "export.id",
                "f.channel",
                "f.status",
                "f.raised_count",
                "f.answer",
            ],
            Kind::Directives => &[
                "export.id",
                "f.status",
                "export.timeliness",
                "f.progress_percent",
                "f.done_on",
            ],
            Kind::Targets => &["export.id", "target.actual", "target.percent"],
        }
    }

    /// The column every row needs, without which a file is no list of these records.
    fn required(self) -> &'static str {
        match self {
            Kind::Petitions | Kind::Directives => "text",
            Kind::Targets => "indicator",
        }
    }

    /// The field whose unit a row is "of", which the default unit fills when empty.
    pub fn unit_field(self) -> &'static str {
        match self {
            Kind::Petitions => "area_unit_id",
            Kind::Directives => "lead_unit_id",
            Kind::Targets => "unit_id",
        }
    }

    /// The audit trail's and the duplicate flag's name of one record.
    fn entity(self) -> &'static str {
        match self {
            Kind::Petitions => "petition",
            Kind::Directives => "directive",
            Kind::Targets => "target",
        }
    }
}

/// How a column's cells are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Type {
    Text,
    Date,
    Amount,
    /// A unit, by name, short name or id.
    Unit,
    /// Units, separated by semicolons (names hold commas).
    Units,
    /// A session, by title or id.
    Session,
    /// A person, by name or id.
    Person,
}

/// One column a file may hold: the field of the input it fills, its label in the catalogue
/// (the export's header) and other words a header may say for it.
#[derive(Debug)]
pub struct Column {
    pub field: &'static str,
    pub label: &'static str,
    ty: Type,
    aliases: &'static [&'static str],
}

const fn col(field: &'static str, ty: Type) -> Column {
    Column {
        field,
        label: "",
        ty,
        aliases: &[],
    }
}

macro_rules! columns {
    ($($field:literal : $ty:ident $([$($alias:literal),*])?),* $(,)?) => {
        &[$(Column {
            label: concat!("f.", $field),
            aliases: &[$($($alias),*)?],
            ..col($field, Type::$ty)
        }),*]
    };
}

const PETITION_COLUMNS: &[Column] = columns![
    "title": Text,
    "text": Text ["content", "noi dung kien nghi"],
    "category": Text,
    "area_unit_id": Unit ["area"],
    "raised_by": Text,
    "responsible_unit_id": Unit,
    "coordinating_unit_ids": Units,
    "due_on": Date,
    "session_id": Session,
    "raised_on": Date,
];

const DIRECTIVE_COLUMNS: &[Column] = columns![
    "text": Text ["content", "noi dung chi dao"],
    "lead_unit_id": Unit ["don vi chu tri thuc hien"],
    "coordinating_unit_ids": Units,
    "deadline": Date ["han"],
    "deadline_text": Text,
    "session_id": Session,
    "issued_by_person_id": Person,
];

const TARGET_COLUMNS: &[Column] = columns![
    "unit_id": Unit,
    "indicator": Text ["chi tieu"],
    "measure": Text ["dvt", "don vi"],
    "period_from": Date,
    "period_to": Date,
    "plan_value": Amount ["chi tieu ke hoach", "gia tri"],
];

/// The words a header may say for a column, given its catalogue key: its labels in every
/// language. The catalogue is the web layer's (`i18n.rs`); it hands this in.
pub type Labels<'a> = &'a (dyn Fn(&str) -> Vec<String> + Sync);

/// The header row as read: each of the file's columns, named as the file names it, with the
/// field it fills, or none (then whether the export writes it).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Header {
    pub columns: Vec<HeaderColumn>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct HeaderColumn {
    /// As the file names it.
    pub name: String,
    /// The field it fills.
    pub field: Option<String>,
    /// A column of the export that is no input.
    #[serde(default)]
    pub export_only: bool,
}

impl Header {
    /// The file's name of the column that fills `field`.
    pub fn name_of(&self, field: &str) -> Option<&str> {
        self.columns
            .iter()
            .find(|c| c.field.as_deref() == Some(field))
            .map(|c| c.name.as_str())
    }

    /// Where each of the kind's columns is in the file's rows.
    fn positions(&self, kind: Kind) -> Vec<Option<usize>> {
        kind.columns()
            .iter()
            .map(|c| {
                self.columns
                    .iter()
                    .position(|h| h.field.as_deref() == Some(c.field))
            })
            .collect()
    }
}

/// Why a file is refused as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    Sheet(SheetError),
    /// No column says what this field holds (the field).
    MissingColumn(&'static str),
    /// Two columns fill this field.
    TwiceColumn(&'static str),
}

impl FileError {
    /// A stable code: what the job row keeps and the pages translate.
    pub fn code(&self) -> String {
        match self {
            FileError::Sheet(e) => match e {
                SheetError::TooLarge => "too_large",
                SheetError::TooManyRows => "too_many_rows",
                SheetError::Pdf => "pdf",
                SheetError::OldExcel => "old_excel",
                SheetError::NotASheet => "not_a_sheet",
                SheetError::Empty => "empty",
            }
            .to_string(),
            FileError::MissingColumn(f) => format!("missing_column:{f}"),
            FileError::TwiceColumn(f) => format!("twice_column:{f}"),
        }
    }
}

/// Reads the header: each cell matched, without diacritics or case, to a column's labels
/// in every language, its aliases or its field name.
fn header(kind: Kind, cells: &[Cell], labels: Labels) -> Result<Header, FileError> {
    let words = |key: &str| -> Vec<String> { labels(key).iter().map(|l| fold(l)).collect() };
    let mut known: Vec<(String, Option<&'static str>)> = Vec::new();
    for c in kind.columns() {
        for w in words(c.label) {
            known.push((w, Some(c.field)));
        }
        known.push((fold(c.field), Some(c.field)));
        for a in c.aliases {
            known.push((fold(a), Some(c.field)));
        }
    }
    for key in kind.export_only() {
        for w in words(key) {
            known.push((w, None));
        }
    }
    for extra in ["stt", "id", "so tt"] {
        known.push((extra.to_string(), None));
    }
    let mut h = Header::default();
    for cell in cells {
        let name = text_of(cell);
        let key = fold(&name);
        let found = known.iter().find(|(w, _)| !key.is_empty() && *w == key);
        let field = found.and_then(|(_, f)| *f);
        if let Some(f) = field {
            if h.columns.iter().any(|c| c.field.as_deref() == Some(f)) {
                return Err(FileError::TwiceColumn(f));
            }
        }
        h.columns.push(HeaderColumn {
            name: name.trim().to_string(),
            field: field.map(str::to_string),
            export_only: found.is_some() && field.is_none(),
        });
    }
    if h.name_of(kind.required()).is_none() {
        return Err(FileError::MissingColumn(kind.required()));
    }
    Ok(h)
}

/// A cell as text, whatever it holds.
fn text_of(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(s) => s.clone(),
        Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
        Cell::Number(n) => n.to_string(),
        Cell::Date(d) => d.to_string(),
        Cell::Bool(b) => b.to_string(),
    }
}

/// A date as people write it in a spreadsheet — "18/11/2020", "18-11-2020", "18.11.2020" (day
/// first, as in Vietnam), or "2020-11-18" with or without a time — as the forms send it
/// (`YYYY-MM-DD`). Anything else is left as it is, for the validation to refuse.
pub fn date_text(s: &str) -> String {
    let t = s.trim();
    let iso = t.get(..10).filter(|d| {
        d.len() == 10
            && d.as_bytes()[4] == b'-'
            && d.as_bytes()[7] == b'-'
            && (t.len() == 10 || t[10..].starts_with([' ', 'T']))
    });
    if let Some(d) = iso {
        return d.to_string();
    }
    let parts: Vec<&str> = t.split(['/', '-', '.']).collect();
    if let [d, m, y] = parts[..] {
        let digits = |p: &str, n: std::ops::RangeInclusive<usize>| {
            n.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
        };
        if digits(d, 1..=2) && digits(m, 1..=2) && digits(y, 4..=4) {
            return format!("{y}-{m:0>2}-{d:0>2}");
        }
    }
    t.to_string()
}

/// A cell as the column's input reads it.
fn cell_text(ty: Type, cell: &Cell) -> String {
    match (ty, cell) {
        (Type::Date, Cell::Text(s)) => date_text(s),
        // A date column's number is a spreadsheet's day count (a date without its format).
        (Type::Date, Cell::Number(n)) if (1.0..=100_000.0).contains(n) => {
            jiff::civil::date(1899, 12, 30)
                .checked_add(jiff::Span::new().days(*n as i64))
                .map(|d| d.to_string())
                .unwrap_or_else(|_| text_of(cell))
        }
        // Grouped the Vietnamese way, which the amount reader reads back exactly ("1,234"
        // is one and a bit; "1.234" would be a thousand and more).
        (Type::Amount, Cell::Number(n)) => amount_text(*n),
        _ => text_of(cell),
    }
}

/// A row as kept: its number in the sheet and its cells, in the kind's column order.
#[derive(Debug, Clone)]
struct RowCells {
    row_no: i64,
    cells: Vec<String>,
}

impl RowCells {
    fn get(&self, kind: Kind, field: &str) -> &str {
        kind.columns()
            .iter()
            .position(|c| c.field == field)
            .and_then(|i| self.cells.get(i))
            .map_or("", String::as_str)
    }
}

fn problems_json(p: &[(&'static str, FieldCode)]) -> Option<String> {
    (!p.is_empty()).then(|| {
        serde_json::to_string(
            &p.iter()
                .map(|(f, c)| (f.to_string(), *c))
                .collect::<Vec<_>>(),
        )
        .unwrap_or_default()
    })
}

/// A record a row makes, once checked.
enum Checked {
    Petition(NewPetition),
    Directive(NewDirective),
    Target(NewTarget),
}

impl Checked {
    /// What duplicates are looked for among: the unit the record is of (and for a target its
    /// period), and the words compared.
    fn group(&self) -> (Group, &str) {
        match self {
            Checked::Petition(p) => (Group::unit(p.area_unit_id), &p.text),
            Checked::Directive(d) => (Group::unit(d.lead_unit_id), &d.text),
            Checked::Target(t) => (
                Group {
                    unit: Some(t.unit_id),
                    period: Some((t.period_from, t.period_to)),
                },
                &t.indicator,
            ),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Group {
    unit: Option<Id>,
    period: Option<(jiff::civil::Date, jiff::civil::Date)>,
}

impl Group {
    fn unit(unit: Option<Id>) -> Group {
        Group { unit, period: None }
    }
}

/// The units by id and by folded name, for reading references.
struct Units {
    by_id: HashMap<Id, dondoc_domain::Unit>,
    by_name: HashMap<String, Vec<Id>>,
    by_short: HashMap<String, Vec<Id>>,
}

/// An id as a reference cell may give it: "42", "#42", or a picker's "Phường 1 · #42".
fn id_in(s: &str) -> Option<Id> {
    let t = s.trim();
    let t = t.rsplit_once("· #").map_or(t, |(_, id)| id);
    let t = t.strip_prefix('#').unwrap_or(t);
    t.trim().parse().ok().filter(|id: &Id| *id > 0)
}

/// What a session reference stands for.
#[derive(Debug, Clone, Copy)]
struct SessionRef {
    id: Id,
    host_unit: Id,
    date: jiff::civil::Date,
}

/// The references of rows read, against what the caller may see; sessions and people looked
/// up once each.
struct Refs {
    units: Units,
    sessions: HashMap<String, Result<SessionRef, FieldCode>>,
    people: HashMap<String, Result<Id, FieldCode>>,
    default_unit: Option<Id>,
}

impl Refs {
    async fn load(app: &App, default_unit: Option<Id>) -> Result<Refs> {
        let all = app.store.units().await?;
        let mut units = Units {
            by_id: HashMap::new(),
            by_name: HashMap::new(),
            by_short: HashMap::new(),
        };
        for u in all {
            units.by_name.entry(fold(&u.name)).or_default().push(u.id);
            if let Some(s) = &u.short_name {
                units.by_short.entry(fold(s)).or_default().push(u.id);
            }
            units.by_id.insert(u.id, u);
        }
        Ok(Refs {
            units,
            sessions: HashMap::new(),
            people: HashMap::new(),
            default_unit,
        })
    }

    /// A unit by id, full name, or short name ("Khu 2"): among several of one name, the one
    /// in the caller's scope; a unit merged into another or dissolved is refused by name.
    fn unit(&self, c: &Caller, cell: &str) -> Result<Option<Id>, FieldCode> {
        let t = cell.trim();
        if t.is_empty() {
            return Ok(None);
        }
        let live = |id: &Id| {
            self.units
                .by_id
                .get(id)
                .is_some_and(|u| u.merged_into.is_none() && u.dissolved_on.is_none())
        };
        if let Some(id) = id_in(t) {
            return match self.units.by_id.get(&id) {
                None => Err(FieldCode::UnknownReference),
                Some(_) if !live(&id) => Err(FieldCode::Dissolved),
                Some(_) => Ok(Some(id)),
            };
        }
        let key = fold(t);
        let named = self
            .units
            .by_name
            .get(&key)
            .filter(|v| !v.is_empty())
            .or_else(|| self.units.by_short.get(&key))
            .cloned()
            .unwrap_or_default();
        if named.is_empty() {
            return Err(FieldCode::UnknownReference);
        }
        let alive: Vec<Id> = named.iter().copied().filter(live).collect();
        let pick = |ids: &[Id]| -> Option<Id> { (ids.len() == 1).then(|| ids[0]) };
        match alive.len() {
            0 => Err(FieldCode::Dissolved),
            1 => Ok(Some(alive[0])),
            _ => {
                let scope: Vec<Id> = match &c.actor {
                    Some(a) => alive
                        .iter()
                        .copied()
                        .filter(|u| a.scope.contains(u))
                        .collect(),
                    None => vec![],
                };
                pick(&scope).map(Some).ok_or(FieldCode::Ambiguous)
            }
        }
    }

    /// The unit a row is of: its cell, or the default unit when the cell is empty.
    /// Units listed in one cell, separated by ";" as the export writes them.
    fn units(&self, c: &Caller, cell: &str) -> Result<Vec<Id>, FieldCode> {
        let mut out = Vec::new();
        for name in cell.split(';').filter(|s| !s.trim().is_empty()) {
            out.extend(self.unit(c, name)?);
        }
        Ok(out)
    }

    fn row_unit(&self, c: &Caller, cell: &str) -> Result<Option<Id>, FieldCode> {
        match self.unit(c, cell)? {
            None => Ok(self.default_unit),
            some => Ok(some),
        }
    }

    async fn session(
        &mut self,
        app: &App,
        c: &Caller,
        cell: &str,
    ) -> Result<Option<SessionRef>, FieldCode> {
        let t = cell.trim();
        if t.is_empty() {
            return Ok(None);
        }
        if let Some(found) = self.sessions.get(t) {
            return found.map(Some);
        }
        let found = match id_in(t) {
            Some(id) => match app.store.session(id, c.visibility()).await {
                Ok(s) => Ok(SessionRef {
                    id,
                    host_unit: s.session.host_unit_id,
                    date: s.session.date,
                }),
                Err(_) => Err(FieldCode::UnknownReference),
            },
            None => {
                let key = fold(t);
                let page = app
                    .store
                    .sessions(
                        &dondoc_store::SessionFilter {
                            q: Some(t.to_string()),
                            limit: Some(50),
                            ..Default::default()
                        },
                        c.visibility(),
                    )
                    .await;
                match page {
                    Ok(page) => {
                        let same: Vec<_> = page
                            .items
                            .iter()
                            .filter(|s| fold(&s.session.title) == key)
                            .collect();
                        match same[..] {
                            [] => Err(FieldCode::UnknownReference),
                            [s] => Ok(SessionRef {
                                id: s.session.id,
                                host_unit: s.session.host_unit_id,
                                date: s.session.date,
                            }),
                            _ => Err(FieldCode::Ambiguous),
                        }
                    }
                    Err(_) => Err(FieldCode::UnknownReference),
                }
            }
        };
        self.sessions.insert(t.to_string(), found);
        found.map(Some)
    }

    async fn person(&mut self, app: &App, cell: &str) -> Result<Option<Id>, FieldCode> {
        let t = cell.trim();
        if t.is_empty() {
            return Ok(None);
        }
        if let Some(found) = self.people.get(t) {
            return found.map(Some);
        }
        let found = match id_in(t) {
            Some(id) => app
                .store
                .person(id)
                .await
                .map(|p| p.id)
                .map_err(|_| FieldCode::UnknownReference),
            None => match app.store.person_by_name(t).await {
                Ok(Some(p)) => Ok(p.id),
                _ => Err(FieldCode::UnknownReference),
            },
        };
        self.people.insert(t.to_string(), found);
        found.map(Some)
    }
}

/// Checks one row as the form checks one record: its references read, the domain's parser,
/// then the rules. Every problem is named by its field; the record when there are none.
async fn check(
    app: &App,
    c: &Caller,
    refs: &mut Refs,
    kind: Kind,
    row: &RowCells,
) -> (Option<Checked>, Vec<(&'static str, FieldCode)>) {
    let mut problems: Vec<(&'static str, FieldCode)> = Vec::new();
    let mut note = |field: &'static str, code: FieldCode| {
        if !problems.iter().any(|(f, _)| *f == field) {
            problems.push((field, code));
        }
    };
    let cell = |field: &str| -> Option<String> {
        let v = row.get(kind, field).trim();
        (!v.is_empty()).then(|| v.to_string())
    };
    let checked = match kind {
        Kind::Petitions => {
            let area = refs
                .row_unit(c, row.get(kind, "area_unit_id"))
                .unwrap_or_else(|code| {
                    note("area_unit_id", code);
                    None
                });
            let responsible = refs
                .unit(c, row.get(kind, "responsible_unit_id"))
                .unwrap_or_else(|code| {
                    note("responsible_unit_id", code);
                    None
                });
            let session = refs
                .session(app, c, row.get(kind, "session_id"))
                .await
                .unwrap_or_else(|code| {
                    note("session_id", code);
                    None
                });
            let coordinating = refs
                .units(c, row.get(kind, "coordinating_unit_ids"))
                .unwrap_or_else(|code| {
                    note("coordinating_unit_ids", code);
                    vec![]
                });
            let raw = PetitionInput {
                title: cell("title"),
                text: cell("text"),
                category: cell("category"),
                area_unit_id: area,
                raised_by: cell("raised_by"),
                responsible_unit_id: responsible,
                coordinating_unit_ids: coordinating,
                due_on: cell("due_on"),
                session_id: session.map(|s| s.id),
                raised_on: cell("raised_on"),
                version: None,
                // Rows like a petition on file are flagged in the preview, where the person
                // importing chooses to skip them or not.
                new_petition: Some(true),
                ..Default::default()
            };
            match raw.parse(c.today) {
                Ok(mut new) => {
                    if let (Some(s), None) = (session, &raw.raised_on) {
                        new.raised_on = s.date;
                    }
                    crate::petitions::due_by_default(app, c.today, &mut new);
                    for (field, action) in
                        crate::petitions::needs(&new, session.map(|s| s.host_unit))
                    {
                        if !c.can(action) {
                            note(field, FieldCode::Forbidden);
                        }
                    }
                    Some(Checked::Petition(new))
                }
                Err(inv) => {
                    inv.0.iter().for_each(|e| note(e.field, e.code));
                    None
                }
            }
        }
        Kind::Directives => {
            let lead = refs
                .row_unit(c, row.get(kind, "lead_unit_id"))
                .unwrap_or_else(|code| {
                    note("lead_unit_id", code);
                    None
                });
            let mut coordinating = Vec::new();
            for name in row
                .get(kind, "coordinating_unit_ids")
                .split(';')
                .filter(|s| !s.trim().is_empty())
            {
                match refs.unit(c, name) {
                    Ok(Some(u)) => coordinating.push(u),
                    Ok(None) => {}
                    Err(code) => note("coordinating_unit_ids", code),
                }
            }
            let session = refs
                .session(app, c, row.get(kind, "session_id"))
                .await
                .unwrap_or_else(|code| {
                    note("session_id", code);
                    None
                });
            let issuer = refs
                .person(app, row.get(kind, "issued_by_person_id"))
                .await
                .unwrap_or_else(|code| {
                    note("issued_by_person_id", code);
                    None
                });
            let raw = DirectiveInput {
                session_id: session.map(|s| s.id),
                text: cell("text"),
                issued_by_person_id: issuer,
                lead_unit_id: lead,
                coordinating_unit_ids: coordinating,
                deadline: cell("deadline"),
                deadline_text: cell("deadline_text"),
                version: None,
            };
            match raw.parse() {
                Ok(new) => {
                    for (field, action) in crate::directives::needs(session.map(|s| s.host_unit)) {
                        if !c.can(action) {
                            note(field, FieldCode::Forbidden);
                        }
                    }
                    Some(Checked::Directive(new))
                }
                Err(inv) => {
                    inv.0.iter().for_each(|e| note(e.field, e.code));
                    None
                }
            }
        }
        Kind::Targets => {
            let unit = refs
                .row_unit(c, row.get(kind, "unit_id"))
                .unwrap_or_else(|code| {
                    note("unit_id", code);
                    None
                });
            let raw = TargetInput {
                unit_id: unit,
                indicator: cell("indicator"),
                measure: cell("measure"),
                period_from: cell("period_from"),
                period_to: cell("period_to"),
                plan_value: cell("plan_value").map(Amount::Typed),
                document_id: None,
                approved: Some(true),
                version: None,
            };
            match raw.parse() {
                Ok(new) => {
                    for (field, action) in crate::targets::needs(&new) {
                        if !c.can(action) {
                            note(field, FieldCode::Forbidden);
                        }
                    }
                    Some(Checked::Target(new))
                }
                Err(inv) => {
                    // A unit refused by reference is not also "required".
                    inv.0.iter().for_each(|e| note(e.field, e.code));
                    None
                }
            }
        }
    };
    let checked = checked.filter(|_| problems.is_empty());
    (checked, problems)
}

/// Where a job's writing stands, in the memory of the process that writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

/// How far the writing of `job` has come, when this process writes it.
pub fn progress(app: &App, job: Id) -> Option<Progress> {
    app.imports.lock().ok()?.get(&job).copied()
}

fn set_progress(app: &App, job: Id, p: Option<Progress>) {
    if let Ok(mut map) = app.imports.lock() {
        match p {
            Some(p) => {
                map.insert(job, p);
            }
            None => {
                map.remove(&job);
            }
        }
    }
}

/// The caller's own job: another's is as good as absent.
async fn own_job(app: &App, c: &Caller, id: Id) -> Result<ImportJob> {
    c.require_recorder()?;
    let job = app.store.import_job(id).await?;
    if job.user_id != c.user_id() {
        return Err(Error::NotFound);
    }
    Ok(job)
}

/// An import as its pages show it.
#[derive(Debug, Clone)]
pub struct Job {
    pub job: ImportJob,
    pub kind: Kind,
    pub header: Header,
}

impl Job {
    fn of(job: ImportJob) -> Result<Job> {
        let kind = Kind::parse(&job.kind)
            .ok_or_else(|| Error::Internal(anyhow::anyhow!("import of {}", job.kind)))?;
        let header = job
            .columns_json
            .as_deref()
            .and_then(|j| serde_json::from_str(j).ok())
            .unwrap_or_default();
        Ok(Job { job, kind, header })
    }
}

pub async fn job(app: &App, c: &Caller, id: Id) -> Result<Job> {
    Job::of(own_job(app, c, id).await?)
}

/// A row of the preview: its number, its cells in the kind's column order, what is wrong and
/// what it may duplicate (`row:12`, `petition:42`).
#[derive(Debug, Clone, Serialize)]
pub struct PreviewRow {
    pub row: i64,
    pub cells: Vec<String>,
    pub problems: Vec<(String, FieldCode)>,
    pub duplicate: Option<String>,
}

/// A page of the preview and whether rows come before and after it.
pub struct PreviewPage {
    pub rows: Vec<PreviewRow>,
    pub first: Option<i64>,
    pub last: Option<i64>,
    pub more_before: bool,
    pub more_after: bool,
}

/// A page of an import's rows as read, by row number (after or before one), at most `limit`.
pub async fn rows(
    app: &App,
    c: &Caller,
    id: Id,
    filter: RowFilter,
    after: Option<i64>,
    before: Option<i64>,
    limit: i64,
) -> Result<PreviewPage> {
    own_job(app, c, id).await?;
    let (rows, more) = app
        .store
        .import_rows(id, filter, after, before, limit)
        .await?;
    let rows: Vec<PreviewRow> = rows.into_iter().map(preview_row).collect();
    let (first, last) = (rows.first().map(|r| r.row), rows.last().map(|r| r.row));
    let backwards = before.is_some();
    Ok(PreviewPage {
        more_before: if backwards {
            more
        } else {
            after.is_some() && first.is_some()
        },
        more_after: if backwards { true } else { more },
        rows,
        first,
        last,
    })
}

fn preview_row(r: StagedRow) -> PreviewRow {
    PreviewRow {
        row: r.row_no,
        cells: serde_json::from_str(&r.cells).unwrap_or_default(),
        problems: r
            .errors
            .as_deref()
            .and_then(|e| serde_json::from_str(e).ok())
            .unwrap_or_default(),
        duplicate: r.duplicate,
    }
}

/// A file accepted for reading: its job is made, the reading is to run.
pub struct Reading {
    app: App,
    caller: Caller,
    job: ImportJob,
    kind: Kind,
    header: Header,
    bytes: Vec<u8>,
}

/// Why a file was not taken.
#[derive(Debug)]
pub enum Refused {
    File(FileError),
    Other(Error),
}

impl From<Error> for Refused {
    fn from(e: Error) -> Self {
        Refused::Other(e)
    }
}

/// Looks at a file before anything is kept: the caller may record, the file is a
/// spreadsheet within its bounds (a zip bomb is refused here, having cost at most the caps),
/// and its header names the columns of `kind`; `default_unit` (for rows that name none) is
/// read as a cell is. The job is made, to be read by [`Reading::run`].
pub async fn start(
    app: &App,
    c: &Caller,
    kind: Kind,
    file_name: &str,
    bytes: Vec<u8>,
    default_unit: &str,
    labels: Labels<'_>,
) -> std::result::Result<Reading, Refused> {
    c.require_recorder()?;
    // The default unit is read as a cell is: a name, or a picker's "… · #42".
    let default_unit = Refs::load(app, None)
        .await?
        .unit(c, default_unit)
        .map_err(|code| Error::Invalid(Invalid::one("unit_id", code)))?;
    if bytes.len() > sheet::MAX_FILE {
        return Err(Refused::File(FileError::Sheet(SheetError::TooLarge)));
    }
    let mut head: Vec<Vec<Cell>> = Vec::new();
    let (bytes, first) = tokio::task::spawn_blocking(move || {
        let r = sheet::read(&bytes, |(_, cells)| {
            head.push(cells);
            false
        });
        (bytes, r.map(|_| head.pop().unwrap_or_default()))
    })
    .await
    .map_err(|e| Error::Internal(anyhow::anyhow!("reading a spreadsheet: {e}")))?;
    let first = first.map_err(|e| Refused::File(FileError::Sheet(e)))?;
    let header = header(kind, &first, labels).map_err(Refused::File)?;
    let file_name: String = file_name.chars().take(200).collect();
    let job = app
        .store
        .create_import(c.user_id(), kind.as_str(), &file_name, default_unit)
        .await
        .map_err(Error::from)?;
    Ok(Reading {
        app: app.clone(),
        caller: c.clone(),
        job,
        kind,
        header,
        bytes,
    })
}

impl Reading {
    pub fn job_id(&self) -> Id {
        self.job.id
    }

    /// Reads every row: checked, compared with the file's earlier rows and with the records
    /// on file, kept a batch at a time; `progress` is told the rows read. A failure is kept on
    /// the job (and returned).
    pub async fn run(self, progress: &(dyn Fn(u64) + Sync)) -> Result<Job> {
        let (app, id) = (self.app.clone(), self.job.id);
        match self.read(progress).await {
            Ok(job) => Ok(job),
            Err(e) => {
                let code = match &e {
                    ReadError::File(f) => f.code(),
                    ReadError::Other(_) => "internal".to_string(),
                };
                if let ReadError::Other(e) = &e {
                    tracing::error!(error = %e, import = id, "reading an import");
                }
                app.store.import_failed(id, &code).await?;
                Job::of(app.store.import_job(id).await?)
            }
        }
    }

    async fn read(self, progress: &(dyn Fn(u64) + Sync)) -> Result<Job, ReadError> {
        let Reading {
            app,
            caller: c,
            job,
            kind,
            header,
            bytes,
        } = self;
        let positions = header.positions(kind);
        let types: Vec<Type> = kind.columns().iter().map(|c| c.ty).collect();
        // The file is read on a blocking thread and its rows handed over a short queue, so
        // that reading waits while the checking and keeping catch up.
        let (tx, mut rx) = tokio::sync::mpsc::channel::<sheet::Row>(512);
        let reader = tokio::task::spawn_blocking(move || {
            let mut first = true;
            sheet::read(&bytes, |row| {
                if std::mem::take(&mut first) {
                    return true;
                }
                tx.blocking_send(row).is_ok()
            })
        });
        let mut refs = Refs::load(&app, job.default_unit_id).await?;
        let mut seen: HashMap<(Group, u64), i64> = HashMap::new();
        let mut groups: HashMap<Group, Vec<(i64, Words)>> = HashMap::new();
        let mut batch: Vec<StagedRow> = Vec::with_capacity(BATCH);
        let (mut total, mut errors, mut duplicates) = (0i64, 0i64, 0i64);
        while let Some((row_no, cells)) = rx.recv().await {
            let row = RowCells {
                row_no: i64::from(row_no),
                cells: positions
                    .iter()
                    .zip(&types)
                    .map(|(at, ty)| {
                        at.and_then(|i| cells.get(i))
                            .map_or(String::new(), |cell| cell_text(*ty, cell))
                    })
                    .collect(),
            };
            let (checked, problems) = check(&app, &c, &mut refs, kind, &row).await;
            let mut duplicate = None;
            if let Some(new) = &checked {
                let (group, text) = new.group();
                let key = fold(text);
                let mut h = std::hash::DefaultHasher::new();
                key.hash(&mut h);
                match seen.entry((group, h.finish())) {
                    std::collections::hash_map::Entry::Occupied(e) => {
                        duplicate = Some(format!("row:{}", e.get()));
                    }
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(row.row_no);
                        if group.unit.is_some() {
                            groups
                                .entry(group)
                                .or_default()
                                .push((row.row_no, Words::of_key(&key)));
                        }
                    }
                }
            }
            total += 1;
            errors += i64::from(!problems.is_empty());
            duplicates += i64::from(duplicate.is_some());
            batch.push(StagedRow {
                row_no: row.row_no,
                cells: serde_json::to_string(&row.cells).unwrap_or_default(),
                errors: problems_json(&problems),
                duplicate,
            });
            if batch.len() >= BATCH {
                app.store.stage_import_rows(job.id, &batch).await?;
                batch.clear();
                progress(total as u64);
            }
        }
        let read = reader
            .await
            .map_err(|e| Error::Internal(anyhow::anyhow!("reading a spreadsheet: {e}")))?;
        read.map_err(|e| ReadError::File(FileError::Sheet(e)))?;
        if !batch.is_empty() {
            app.store.stage_import_rows(job.id, &batch).await?;
        }
        progress(total as u64);
        // Rows like records on file, unit by unit.
        let mut alike: Vec<(i64, String)> = Vec::new();
        for (group, rows) in groups {
            let Some(unit) = group.unit else { continue };
            let on_file = match (kind, group.period) {
                (Kind::Petitions, _) => {
                    app.store
                        .petitions_of_area(unit, c.visibility(), ON_FILE_PER_UNIT)
                        .await?
                }
                (Kind::Directives, _) => {
                    app.store
                        .directives_of_lead(unit, c.visibility(), ON_FILE_PER_UNIT)
                        .await?
                }
                (Kind::Targets, Some((from, to))) => {
                    app.store
                        .targets_of_unit(unit, from, to, ON_FILE_PER_UNIT)
                        .await?
                }
                (Kind::Targets, None) => continue,
            };
            let on_file: Vec<(Id, Words)> = on_file
                .into_iter()
                .map(|r| (r.id, Words::of_key(&r.key)))
                .collect();
            for (row_no, words) in &rows {
                if let Some(id) = most_alike(words, &on_file) {
                    alike.push((*row_no, format!("{}:{id}", kind.entity())));
                }
            }
        }
        duplicates += alike.len() as i64;
        alike.sort_unstable();
        app.store.mark_import_duplicates(job.id, &alike).await?;
        let counts = ReadCounts {
            columns_json: serde_json::to_string(&header).unwrap_or_default(),
            rows_total: total,
            rows_error: errors,
            rows_duplicate: duplicates,
        };
        app.store.import_read(job.id, &counts).await?;
        Ok(Job::of(app.store.import_job(job.id).await?)?)
    }
}

/// The record most like `words` among `on_file`, if one is [`ALIKE`] enough. Texts whose
/// lengths differ too much to reach it are not compared, nor those whose words' buckets
/// say they cannot (`Words::similarity_at_least`).
fn most_alike(words: &Words, on_file: &[(Id, Words)]) -> Option<Id> {
    let n = words.len() as f64;
    // Dice ≥ t needs the shorter at least t / (2 − t) of the longer.
    let ratio = ALIKE / (2.0 - ALIKE);
    let mut best: Option<(f64, Id)> = None;
    for (id, w) in on_file {
        let m = w.len() as f64;
        if m < n * ratio || n < m * ratio {
            continue;
        }
        let floor = best.map_or(ALIKE, |(s, _)| s);
        if let Some(s) = words.similarity_at_least(w, floor) {
            if best.is_none_or(|(b, _)| s > b) {
                best = Some((s, *id));
            }
            if s >= 1.0 {
                break;
            }
        }
    }
    best.map(|(_, id)| id)
}

enum ReadError {
    File(FileError),
    Other(Error),
}

impl From<Error> for ReadError {
    fn from(e: Error) -> Self {
        ReadError::Other(e)
    }
}

impl From<dondoc_store::StoreError> for ReadError {
    fn from(e: dondoc_store::StoreError) -> Self {
        ReadError::Other(e.into())
    }
}

/// What to write of a job that was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
pub struct Mode {
    /// Write the rows without errors and leave the others; otherwise write every row or,
    /// when one has an error, nothing.
    #[serde(default)]
    pub valid_only: bool,
    /// Leave the rows flagged as possible duplicates.
    #[serde(default)]
    pub skip_duplicates: bool,
}

/// A job taken for writing: the checks are done, the writing is to run.
pub struct Writing {
    app: App,
    caller: Caller,
    job: ImportJob,
    kind: Kind,
    mode: Mode,
}

/// Takes a job that was read for writing, if the caller may and it can be: "all" is refused
/// while a row has an error. A second confirmation finds the job taken.
pub async fn confirm(app: &App, c: &Caller, id: Id, mode: Mode) -> Result<Writing> {
    let job = own_job(app, c, id).await?;
    let kind = Job::of(job.clone())?.kind;
    if job.state != "ready" {
        return Err(Error::Transition);
    }
    if !mode.valid_only && job.rows_error > 0 {
        return Err(Error::Invalid(Invalid::one(
            "valid_only",
            FieldCode::Required,
        )));
    }
    if !app.store.claim_import(id).await? {
        return Err(Error::Transition);
    }
    Ok(Writing {
        app: app.clone(),
        caller: c.clone(),
        job,
        kind,
        mode,
    })
}

impl Writing {
    pub fn job_id(&self) -> Id {
        self.job.id
    }

    /// Writes the records in one transaction, a batch at a time, each row checked again as
    /// the form would check it now (a unit may have been merged, a scope changed since the
    /// preview): in "all" a row that fails now writes nothing and sends the job back to its
    /// preview with the row marked. `progress` is told the rows done. The job row says how it
    /// ended.
    pub async fn run(self, progress: &(dyn Fn(u64) + Sync)) -> Result<Job> {
        let (app, id) = (self.app.clone(), self.job.id);
        let total = self.job.rows_total.max(0) as u64;
        set_progress(&app, id, Some(Progress { done: 0, total }));
        let tell = |done: u64| {
            set_progress(&app, id, Some(Progress { done, total }));
            progress(done);
        };
        let result = self.write(&tell).await;
        set_progress(&app, id, None);
        match result {
            Ok(()) => {}
            Err(WriteError::Changed(found)) => {
                app.store.import_not_written(id, "changed", &found).await?;
            }
            Err(WriteError::Other(e)) => {
                tracing::error!(error = %e, import = id, "writing an import");
                app.store
                    .import_not_written(id, "write_failed", &[])
                    .await?;
            }
        }
        Job::of(app.store.import_job(id).await?)
    }

    async fn write(self, progress: &(dyn Fn(u64) + Sync)) -> Result<(), WriteError> {
        let Writing {
            app,
            caller: c,
            job,
            kind,
            mode,
        } = self;
        let mut refs = Refs::load(&app, job.default_unit_id).await?;
        let mut writer = app.store.import_writer(job.id, c.who()).await?;
        let (mut after, mut done, mut skipped) = (0i64, 0u64, 0i64);
        let mut changed: Vec<(i64, String)> = Vec::new();
        loop {
            let rows = writer.rows(after, WRITE_BATCH).await?;
            let Some(last) = rows.last() else { break };
            after = last.row_no;
            let (mut petitions, mut directives, mut targets) = (vec![], vec![], vec![]);
            for r in &rows {
                done += 1;
                if mode.skip_duplicates && r.duplicate.is_some() {
                    skipped += 1;
                    continue;
                }
                let cells = RowCells {
                    row_no: r.row_no,
                    cells: serde_json::from_str(&r.cells).unwrap_or_default(),
                };
                let (checked, problems) = check(&app, &c, &mut refs, kind, &cells).await;
                match checked {
                    Some(Checked::Petition(p)) => petitions.push((r.row_no, p)),
                    Some(Checked::Directive(d)) => directives.push((r.row_no, d)),
                    Some(Checked::Target(t)) => targets.push((r.row_no, t)),
                    None if mode.valid_only => skipped += 1,
                    None => changed.push((r.row_no, problems_json(&problems).unwrap_or_default())),
                }
            }
            if !changed.is_empty() {
                // Dropping the writer rolls back what was written.
                return Err(WriteError::Changed(changed));
            }
            writer.petitions(&petitions).await?;
            writer.directives(&directives).await?;
            writer.targets(&targets).await?;
            progress(done);
        }
        writer.commit(skipped).await?;
        Ok(())
    }
}

enum WriteError {
    /// Rows that fail now (row, problems as JSON).
    Changed(Vec<(i64, String)>),
    Other(Error),
}

impl From<Error> for WriteError {
    fn from(e: Error) -> Self {
        WriteError::Other(e)
    }
}

impl From<dondoc_store::StoreError> for WriteError {
    fn from(e: dondoc_store::StoreError) -> Self {
        WriteError::Other(e.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(key: &str) -> Vec<String> {
        let (vi, en) = match key {
            "f.text" => ("Nội dung", "Text"),
            "f.area_unit_id" => ("Địa bàn", "Area"),
            "f.title" => ("Tiêu đề", "Title"),
            "f.status" => ("Trạng thái", "Status"),
            "export.id" => ("Số", "No."),
            _ => return vec![],
        };
        vec![vi.to_string(), en.to_string()]
    }

    fn head(names: &[&str]) -> Result<Header, FileError> {
        let cells: Vec<Cell> = names.iter().map(|n| Cell::Text(n.to_string())).collect();
        header(Kind::Petitions, &cells, &labels)
    }

    #[test]
    fn headers_in_either_language_with_or_without_diacritics() {
        for names in [
            ["Số", "Nội dung", "Địa bàn", "Trạng thái"],
            ["No.", "Text", "Area", "Status"],
            ["so", "NOI DUNG", "dia ban", "trang thai"],
            ["STT", "Content", "area_unit_id", "Status"],
        ] {
            let h = head(&names).unwrap();
            assert_eq!(h.name_of("text"), Some(names[1]), "{names:?}");
            assert_eq!(h.name_of("area_unit_id"), Some(names[2]), "{names:?}");
            assert!(h.columns[3].export_only && h.columns[3].field.is_none());
        }
        let h = head(&["Nội dung", "Ghi chú riêng"]).unwrap();
        assert_eq!(h.columns[1].field, None);
        assert!(!h.columns[1].export_only);
        assert_eq!(
            head(&["Địa bàn", "Tiêu đề"]).unwrap_err(),
            FileError::MissingColumn("text")
        );
        assert_eq!(
            head(&["Nội dung", "Text"]).unwrap_err(),
            FileError::TwiceColumn("text")
        );
    }

    #[test]
    fn dates_as_spreadsheets_write_them() {
        for (typed, want) in [
            ("18/11/2020", "2020-11-18"),
            ("8/1/2021", "2021-01-08"),
            ("18-11-2020", "2020-11-18"),
            ("18.11.2020", "2020-11-18"),
            ("2020-11-18", "2020-11-18"),
            ("2020-11-18 00:00:00", "2020-11-18"),
            (" 2020-11-18T07:00 ", "2020-11-18"),
            ("31/02/2020", "2020-02-31"),
            ("11/2020", "11/2020"),
            ("ngày mai", "ngày mai"),
        ] {
            assert_eq!(date_text(typed), want, "{typed}");
        }
        assert_eq!(cell_text(Type::Date, &Cell::Number(44153.0)), "2020-11-18");
        assert_eq!(
            cell_text(Type::Amount, &Cell::Number(1.234)),
            "1,234",
            "a decimal stays a decimal"
        );
        assert_eq!(
            cell_text(Type::Amount, &Cell::Number(8.5e9)),
            "8.500.000.000"
        );
        assert_eq!(cell_text(Type::Text, &Cell::Number(2020.0)), "2020");
        assert_eq!(cell_text(Type::Unit, &Cell::Number(42.0)), "42");
    }

    #[test]
    fn ids_as_cells_give_them() {
        assert_eq!(id_in("42"), Some(42));
        assert_eq!(id_in("#42"), Some(42));
        assert_eq!(id_in("Phường Hà Lầm · #42"), Some(42));
        assert_eq!(id_in("Khu 2"), None);
        assert_eq!(id_in("0"), None);
    }

    #[test]
    fn the_most_alike_record_if_alike_enough() {
        let on_file: Vec<(Id, Words)> = [
            (1, "xây mới nhà văn hóa khu 2"),
            (2, "xây mới nhà văn hóa khu 6"),
            (
                3,
                "cấp giấy chứng nhận quyền sử dụng đất cho các hộ dân khu 6",
            ),
        ]
        .into_iter()
        .map(|(id, t)| (id, Words::of(t)))
        .collect();
        assert_eq!(
            most_alike(&Words::of("Xây mới nhà văn hoá khu 6"), &on_file),
            Some(2)
        );
        assert_eq!(
            most_alike(&Words::of("nạo vét kênh mương khu 6"), &on_file),
            None
        );
    }
}
