//! "New session from a report": paste a report (or upload it as .txt or .docx), review what the
//! reader found — every item highlighted in the text and listed in editable rows, matched to the
//! units, people, targets and open petitions on record — and confirm: the session and all its
//! records are written in one transaction. A petition like an open one of the same area is
//! offered as raised again rather than as a duplicate.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use dondoc_domain::input::{DirectiveInput, MeasurementInput, PetitionInput, SessionInput};
use dondoc_domain::{FieldCode, Invalid};
use dondoc_extract::Extraction;
use dondoc_store::{
    ImportPerson, ImportPetition, ImportPlan, PetitionFilter, PetitionView, TargetFilter,
    TargetView, UnitNode,
};
use dondoc_text::{fold, similarity};
use tower_sessions::Session;

use super::{layout, render, Layout, Opt};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::AppState;

/// Largest report accepted, in bytes (a long report is some tens of kilobytes).
pub const MAX_REPORT: usize = 1024 * 1024;

/// How alike a found petition must be to an open one to be offered as raised again.
const RAISED_AGAIN: f64 = 0.6;

#[derive(Template)]
#[template(path = "import.html")]
struct UploadPage {
    layout: Layout,
    error: Option<&'static str>,
    report: String,
}

pub async fn show(v: Viewer, session: Session) -> Result<Html<String>, AppError> {
    v.require_recorder()?;
    let layout = layout(&v, &session, "sessions", v.lang.t("import.title")).await?;
    render(&UploadPage {
        layout,
        error: None,
        report: String::new(),
    })
}

/// The report's text from a pasted field or an uploaded .txt or .docx file.
async fn report_text(req: Request, st: &AppState) -> Result<String, &'static str> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let body = axum::body::to_bytes(req.into_body(), crate::auth::MAX_FORM_BYTES)
            .await
            .map_err(|_| "import.too_large")?;
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_bytes(&body).map_err(|_| "import.not_text")?;
        let text = pairs
            .into_iter()
            .find(|(k, _)| k == "report")
            .map(|(_, v)| v)
            .unwrap_or_default();
        return checked(text.into_bytes());
    }
    let mut form = Multipart::from_request(req, st)
        .await
        .map_err(|_| "import.not_text")?;
    let mut pasted = String::new();
    while let Some(field) = form.next_field().await.map_err(|_| "import.too_large")? {
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(str::to_lowercase);
        let bytes = field.bytes().await.map_err(|_| "import.too_large")?;
        match (name.as_str(), file_name) {
            ("file", Some(f)) if !bytes.is_empty() => {
                if f.ends_with(".docx") {
                    return docx_text(&bytes);
                }
                return checked(bytes.to_vec());
            }
            ("report", _) => {
                pasted = String::from_utf8(bytes.to_vec()).map_err(|_| "import.not_text")?
            }
            _ => {}
        }
    }
    checked(pasted.into_bytes())
}

fn checked(bytes: Vec<u8>) -> Result<String, &'static str> {
    if bytes.len() > MAX_REPORT {
        return Err("import.too_large");
    }
    let text = String::from_utf8(bytes).map_err(|_| "import.not_text")?;
    // Binary data that happens to be UTF-8 is full of control characters.
    let controls = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        .count();
    if controls > text.chars().count() / 100 + 2 {
        return Err("import.not_text");
    }
    if text.trim().is_empty() {
        return Err("import.empty");
    }
    Ok(text)
}

/// The paragraphs of a Word document, one per line.
fn docx_text(bytes: &[u8]) -> Result<String, &'static str> {
    use docx_rs::{DocumentChild, ParagraphChild, RunChild};
    if bytes.len() > MAX_REPORT * 4 {
        return Err("import.too_large");
    }
    let doc = docx_rs::read_docx(bytes).map_err(|_| "import.bad_docx")?;
    let mut out = String::new();
    for child in &doc.document.children {
        if let DocumentChild::Paragraph(p) = child {
            for c in &p.children {
                if let ParagraphChild::Run(run) = c {
                    for rc in &run.children {
                        match rc {
                            RunChild::Text(t) => out.push_str(&t.text),
                            RunChild::Tab(_) => out.push('\t'),
                            RunChild::Break(_) => out.push('\n'),
                            _ => {}
                        }
                    }
                }
            }
            out.push_str("\n\n");
        }
    }
    checked(out.into_bytes())
}

pub async fn read(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    req: Request,
) -> Result<Response, AppError> {
    v.require_recorder()?;
    let text = match report_text(req, &st).await {
        Ok(t) => t,
        Err(key) => {
            let layout = layout(&v, &session, "sessions", v.lang.t("import.title")).await?;
            let status = if key == "import.too_large" {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            return Ok((
                status,
                render(&UploadPage {
                    layout,
                    error: Some(key),
                    report: String::new(),
                })?,
            )
                .into_response());
        }
    };
    let text = dondoc_extract::normalize(&text);
    let extraction = dondoc_extract::extract(&text);
    let known = OnRecord::load(&st).await?;
    let review = Review::from_extraction(&st, &known, &text, &extraction).await?;
    review_page(known, &v, &session, review, HashMap::new()).await
}

/// One editable row of the review page: its fields by name, as the form sends them back.
#[derive(Clone, Default)]
pub struct Row {
    pub keep: bool,
    pub fields: HashMap<&'static str, String>,
}

impl Row {
    fn get(&self, k: &str) -> &str {
        self.fields.get(k).map(String::as_str).unwrap_or("")
    }
}

/// The draft as the clerk sees and edits it.
#[derive(Clone, Default)]
pub struct Review {
    pub source: String,
    pub session: Row,
    pub people: Vec<Row>,
    pub petitions: Vec<Row>,
    pub directives: Vec<Row>,
    pub figures: Vec<Row>,
    /// Highlight spans: (start, end, kind) in `source`.
    pub marks: Vec<(usize, usize, &'static str)>,
}

/// The unit whose folded name is `name`'s, or the shortest one that starts with it ("Đảng ủy
/// phường" finds "Đảng ủy phường Hà Lầm").
fn match_unit(units: &[UnitNode], name: &str) -> Option<i64> {
    let key = fold(name);
    if key.is_empty() {
        return None;
    }
    let live = units.iter().filter(|n| n.unit.merged_into.is_none());
    let exact = live.clone().find(|n| {
        fold(&n.unit.name) == key || n.unit.short_name.as_deref().is_some_and(|s| fold(s) == key)
    });
    exact
        .or_else(|| {
            live.filter(|n| fold(&n.unit.name).starts_with(&format!("{key} ")))
                .min_by_key(|n| n.unit.name.len())
        })
        .map(|n| n.unit.id)
}

fn row(keep: bool, pairs: &[(&'static str, String)]) -> Row {
    Row {
        keep,
        fields: pairs.iter().cloned().collect(),
    }
}

/// What a draft is matched against: the unit tree, the open petitions, the targets.
struct OnRecord {
    units: Vec<UnitNode>,
    open: Vec<PetitionView>,
    targets: Vec<TargetView>,
}

impl OnRecord {
    async fn load(st: &AppState) -> Result<OnRecord, AppError> {
        let units = st.store.unit_tree().await?;
        let open = st
            .store
            .petitions(&PetitionFilter {
                open: Some(true),
                limit: Some(500),
                ..Default::default()
            })
            .await?
            .items;
        let targets = st
            .store
            .targets(&TargetFilter {
                limit: Some(500),
                ..Default::default()
            })
            .await?
            .items;
        Ok(OnRecord {
            units,
            open,
            targets,
        })
    }
}

impl Review {
    async fn from_extraction(
        st: &AppState,
        known: &OnRecord,
        text: &str,
        e: &Extraction,
    ) -> Result<Review, AppError> {
        let OnRecord {
            units,
            open,
            targets,
        } = known;
        let host = e.session.host.as_deref().and_then(|h| match_unit(units, h));
        let session = row(
            true,
            &[
                ("title", e.title.clone().unwrap_or_default()),
                ("date", e.session.date.clone().unwrap_or_default()),
                (
                    "host_unit_id",
                    host.map(|h| h.to_string()).unwrap_or_default(),
                ),
                (
                    "delegation_name",
                    e.session.delegation.clone().unwrap_or_default(),
                ),
                ("lead", e.session.lead.clone().unwrap_or_default()),
                ("summary", String::new()),
            ],
        );
        let mut people = Vec::new();
        for p in &e.people {
            let known = st.store.person_by_name(&p.name).await?;
            people.push(row(
                true,
                &[
                    ("name", p.name.clone()),
                    ("title", p.positions.join(", ")),
                    (
                        "person_id",
                        known.map(|k| k.id.to_string()).unwrap_or_default(),
                    ),
                ],
            ));
        }
        let petitions = e
            .petitions
            .iter()
            .map(|p| {
                let again = best_open(open, &p.text)
                    .map(|o| o.petition.id.to_string())
                    .unwrap_or_default();
                let area = units
                    .iter()
                    .filter(|n| n.unit.kind == dondoc_domain::UnitKind::ResidentialArea)
                    .find(|n| {
                        n.unit
                            .short_name
                            .as_deref()
                            .is_some_and(|s| fold(&p.text).ends_with(&fold(s)))
                    })
                    .map(|n| n.unit.id.to_string())
                    .unwrap_or_default();
                row(
                    true,
                    &[
                        ("text", p.text.clone()),
                        ("area_unit_id", area),
                        ("again", again),
                    ],
                )
            })
            .collect();
        let directives = e
            .directives
            .iter()
            .map(|d| {
                let lead = d
                    .assignee
                    .as_deref()
                    .and_then(|a| match_unit(units, a))
                    .map(|u| u.to_string())
                    .unwrap_or_default();
                row(
                    true,
                    &[
                        ("text", d.text.clone()),
                        ("assignee", d.assignee.clone().unwrap_or_default()),
                        ("lead_unit_id", lead),
                        ("deadline", d.deadline.clone().unwrap_or_default()),
                        ("deadline_text", d.deadline_text.clone().unwrap_or_default()),
                    ],
                )
            })
            .collect();
        let figures = e
            .figures
            .iter()
            .map(|f| {
                let target = best_target(targets, f.indicator.as_deref().unwrap_or(""), f.unit);
                let (from, to) = f
                    .period
                    .as_ref()
                    .map(|p| (p.from.clone(), p.to.clone()))
                    .unwrap_or_default();
                row(
                    target.is_some(),
                    &[
                        ("indicator", f.indicator.clone().unwrap_or_default()),
                        (
                            "target_id",
                            target.map(|t| t.to_string()).unwrap_or_default(),
                        ),
                        ("value", f.value.to_string()),
                        ("qualifier", f.qualifier.to_string()),
                        (
                            "estimated",
                            if f.estimated {
                                "on".into()
                            } else {
                                String::new()
                            },
                        ),
                        ("period_from", from),
                        ("period_to", to),
                        ("wording", f.text.chars().take(280).collect()),
                    ],
                )
            })
            .collect();
        let mut marks: Vec<(usize, usize, &'static str)> = Vec::new();
        marks.extend(
            e.petitions
                .iter()
                .map(|p| (p.span[0], p.span[1], "petition")),
        );
        marks.extend(
            e.directives
                .iter()
                .map(|d| (d.span[0], d.span[1], "directive")),
        );
        marks.extend(e.figures.iter().map(|f| (f.span[0], f.span[1], "figure")));
        marks.extend(
            e.documents
                .iter()
                .map(|d| (d.span[0], d.span[1], "document")),
        );
        marks.extend(e.people.iter().map(|p| (p.span[0], p.span[1], "person")));
        marks.extend(
            e.organizations
                .iter()
                .map(|o| (o.span[0], o.span[1], "org")),
        );
        Ok(Review {
            source: text.to_string(),
            session,
            people,
            petitions,
            directives,
            figures,
            marks,
        })
    }
}

/// The open petition most like `text`, if it is like enough.
fn best_open<'a>(open: &'a [PetitionView], text: &str) -> Option<&'a PetitionView> {
    open.iter()
        .map(|o| (similarity(&o.petition.text, text), o))
        .filter(|(s, _)| *s >= RAISED_AGAIN)
        .max_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal))
        .map(|(_, o)| o)
}

/// The target a figure reports on: same measure, most alike indicator.
fn best_target(targets: &[TargetView], indicator: &str, unit: &str) -> Option<i64> {
    targets
        .iter()
        .filter(|t| t.target.measure == unit)
        .map(|t| (similarity(&t.target.indicator, indicator), t))
        .filter(|(s, _)| *s >= 0.5)
        .max_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal))
        .map(|(_, t)| t.target.id)
}

/// A piece of the source text, highlighted or not.
pub struct Piece {
    pub text: String,
    pub mark: Option<&'static str>,
}

/// The source cut into pieces, the found items marked (the first of overlapping ones wins).
fn pieces(source: &str, marks: &[(usize, usize, &'static str)]) -> Vec<Piece> {
    let mut marks: Vec<(usize, usize, &'static str)> = marks
        .iter()
        .copied()
        .filter(|(a, b, _)| {
            a < b
                && *b <= source.len()
                && source.is_char_boundary(*a)
                && source.is_char_boundary(*b)
        })
        .collect();
    marks.sort_by_key(|(a, b, _)| (*a, std::cmp::Reverse(*b)));
    let mut out = Vec::new();
    let mut at = 0;
    for (a, b, kind) in marks {
        if a < at {
            continue;
        }
        if a > at {
            out.push(Piece {
                text: source[at..a].to_string(),
                mark: None,
            });
        }
        out.push(Piece {
            text: source[a..b].to_string(),
            mark: Some(kind),
        });
        at = b;
    }
    out.push(Piece {
        text: source[at..].to_string(),
        mark: None,
    });
    out
}

#[derive(Template)]
#[template(path = "import_review.html")]
struct ReviewPage {
    layout: Layout,
    review: Review,
    pieces: Vec<Piece>,
    units: Vec<Opt>,
    targets: Vec<Opt>,
    candidates: Vec<Vec<Opt>>,
    errors: HashMap<String, &'static str>,
    qualifiers: Vec<(String, String)>,
}

impl ReviewPage {
    fn err(&self, name: &str) -> Option<&'static str> {
        self.errors.get(name).copied()
    }
    /// Every message for a row ("directive_3_lead_unit_id"), each after its field's label.
    fn row_errors(&self, kind: &str, i: &usize) -> Vec<String> {
        let prefix = format!("{kind}_{i}_");
        let mut out: Vec<String> = self
            .errors
            .iter()
            .filter_map(|(k, m)| {
                k.strip_prefix(&prefix)
                    .map(|f| format!("{}: {m}", self.layout.t(&format!("f.{f}"))))
            })
            .collect();
        out.sort();
        out
    }
    fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }
    fn options(&self, list: &[Opt], selected: &str) -> Vec<(String, String, bool)> {
        list.iter()
            .map(|o| (o.value.clone(), o.label.clone(), o.value == selected))
            .collect()
    }
    fn unit_options(&self, selected: &str) -> Vec<(String, String, bool)> {
        self.options(&self.units, selected)
    }
    fn target_options(&self, selected: &str) -> Vec<(String, String, bool)> {
        self.options(&self.targets, selected)
    }
    fn again_options(&self, i: &usize, selected: &str) -> Vec<(String, String, bool)> {
        self.options(
            self.candidates.get(*i).map(Vec::as_slice).unwrap_or(&[]),
            selected,
        )
    }
    fn field<'a>(&self, row: &'a Row, k: &str) -> &'a str {
        row.get(k)
    }
}

async fn review_page(
    known: OnRecord,
    v: &Viewer,
    session: &Session,
    review: Review,
    errors: HashMap<String, &'static str>,
) -> Result<Response, AppError> {
    let OnRecord {
        units,
        open,
        targets,
    } = known;
    let l = v.lang;
    let mut unit_opts = vec![Opt {
        value: String::new(),
        label: l.t("common.choose").into(),
        selected: false,
    }];
    unit_opts.extend(
        super::unit_options(&units)
            .into_iter()
            .map(|(value, label)| Opt {
                value,
                label,
                selected: false,
            }),
    );
    let mut target_opts = vec![Opt {
        value: String::new(),
        label: l.t("import.no_target").into(),
        selected: false,
    }];
    target_opts.extend(targets.iter().map(|t| Opt {
        value: t.target.id.to_string(),
        label: format!(
            "{} · {} · {}–{}",
            t.target.indicator, t.unit_name, t.target.period_from, t.target.period_to
        ),
        selected: false,
    }));
    let candidates = review
        .petitions
        .iter()
        .map(|p| {
            let mut opts = vec![Opt {
                value: String::new(),
                label: l.t("import.new_petition").into(),
                selected: false,
            }];
            let mut alike: Vec<(f64, &PetitionView)> = open
                .iter()
                .map(|o| (similarity(&o.petition.text, p.get("text")), o))
                .filter(|(s, _)| *s >= 0.4)
                .collect();
            alike.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
            opts.extend(alike.into_iter().take(5).map(|(_, o)| Opt {
                value: o.petition.id.to_string(),
                label: format!(
                    "{} #{} · {}",
                    l.t("import.raised_again"),
                    o.petition.id,
                    super::raised(l, o.petition.raised_count)
                ) + &format!(
                    " · {}",
                    o.petition.title.chars().take(70).collect::<String>()
                ),
                selected: false,
            }));
            opts
        })
        .collect();
    let pieces = pieces(&review.source, &review.marks);
    let qualifiers = super::sessions::qualifier_options(l);
    let layout = layout(v, session, "sessions", l.t("import.review")).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = ReviewPage {
        layout,
        review,
        pieces,
        units: unit_opts,
        targets: target_opts,
        candidates,
        errors,
        qualifiers,
    };
    Ok((status, render(&page)?).into_response())
}

/// The review form as sent back: rows grouped by their index ("petition_text_3").
fn parse_review(body: &[u8]) -> Result<Review, AppError> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(body).map_err(|e| AppError::Malformed(e.to_string()))?;
    let mut review = Review::default();
    const SESSION: &[&str] = &[
        "title",
        "date",
        "host_unit_id",
        "delegation_name",
        "lead",
        "summary",
        "published",
    ];
    const KINDS: &[(&str, &[&str])] = &[
        ("person", &["keep", "name", "title", "person_id"]),
        ("petition", &["keep", "text", "area_unit_id", "again"]),
        (
            "directive",
            &[
                "keep",
                "text",
                "assignee",
                "lead_unit_id",
                "deadline",
                "deadline_text",
            ],
        ),
        (
            "figure",
            &[
                "keep",
                "indicator",
                "target_id",
                "value",
                "qualifier",
                "estimated",
                "period_from",
                "period_to",
                "wording",
            ],
        ),
    ];
    let mut rows: HashMap<&'static str, Vec<Row>> = HashMap::new();
    for (k, v) in pairs {
        if k == "source" {
            review.source = v;
            continue;
        }
        if let Some(f) = SESSION.iter().find(|f| k == format!("session_{f}")) {
            review.session.fields.insert(f, v);
            continue;
        }
        for (kind, fields) in KINDS {
            let Some(rest) = k.strip_prefix(&format!("{kind}_")) else {
                continue;
            };
            let Some((field, index)) = rest.rsplit_once('_') else {
                continue;
            };
            let (Some(field), Ok(index)) =
                (fields.iter().find(|f| **f == field), index.parse::<usize>())
            else {
                continue;
            };
            if index > 500 {
                return Err(AppError::Malformed("too many rows".into()));
            }
            let list = rows.entry(kind).or_default();
            if list.len() <= index {
                list.resize(index + 1, Row::default());
            }
            if *field == "keep" {
                list[index].keep = v == "on";
            } else {
                list[index].fields.insert(field, v);
            }
            break;
        }
    }
    review.session.keep = true;
    review.people = rows.remove("person").unwrap_or_default();
    review.petitions = rows.remove("petition").unwrap_or_default();
    review.directives = rows.remove("directive").unwrap_or_default();
    review.figures = rows.remove("figure").unwrap_or_default();
    if review.source.len() > MAX_REPORT {
        return Err(AppError::TooLarge);
    }
    Ok(review)
}

fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

fn id_of(s: &str) -> Result<Option<i64>, FieldCode> {
    match s.trim() {
        "" => Ok(None),
        t => t.parse().map(Some).map_err(|_| FieldCode::InvalidChoice),
    }
}

/// Validates every kept row through the domain's parsers; the messages go beside the fields.
fn plan_of(review: &Review, lang: Lang) -> Result<ImportPlan, HashMap<String, &'static str>> {
    let mut errors: HashMap<String, &'static str> = HashMap::new();
    let mut note = |prefix: &str, inv: &Invalid| {
        for e in &inv.0 {
            errors.insert(format!("{prefix}{}", e.field), lang.field_message(e.code));
        }
    };
    let s = &review.session;
    let host = id_of(s.get("host_unit_id"));
    let session_input = SessionInput {
        date: opt(s.get("date")),
        title: opt(s.get("title")),
        host_unit_id: host.unwrap_or(None),
        delegation_name: opt(s.get("delegation_name")),
        summary: opt(s.get("summary")),
        source_text: Some(review.source.clone()),
        published: Some(s.get("published") == "on"),
        ..Default::default()
    };
    let session = match (session_input.parse(), host) {
        (Ok(new), Ok(_)) => Some(new),
        (Err(inv), _) => {
            note("session_", &inv);
            None
        }
        (_, Err(code)) => {
            note("session_", &Invalid::one("host_unit_id", code));
            None
        }
    };
    let mut people = Vec::new();
    let lead_name = fold(s.get("lead"));
    let mut lead = None;
    for (i, p) in review.people.iter().enumerate().filter(|(_, p)| p.keep) {
        if !lead_name.is_empty() && fold(p.get("name")) == lead_name {
            lead = Some(people.len());
        }
        let role = opt(p.get("title")).unwrap_or_else(|| "—".into());
        match id_of(p.get("person_id")) {
            Ok(Some(person_id)) => people.push(ImportPerson::Known { person_id, role }),
            Ok(None) => {
                let raw = dondoc_domain::input::PersonInput {
                    name: opt(p.get("name")),
                    title: opt(p.get("title")),
                    ..Default::default()
                };
                match raw.parse() {
                    Ok(person) => people.push(ImportPerson::New { person, role }),
                    Err(inv) => note(&format!("person_{i}_"), &inv),
                }
            }
            Err(code) => note(&format!("person_{i}_"), &Invalid::one("person_id", code)),
        }
    }
    if !lead_name.is_empty() && lead.is_none() {
        // The lead must be one of the people kept, so that the session can point to them.
        note("session_", &Invalid::one("lead", FieldCode::InvalidChoice));
    }
    let mut petitions = Vec::new();
    for (i, p) in review.petitions.iter().enumerate().filter(|(_, p)| p.keep) {
        match id_of(p.get("again")) {
            Ok(Some(petition_id)) => petitions.push(ImportPetition::Again {
                petition_id,
                raised_by: None,
            }),
            Ok(None) => {
                let raw = PetitionInput {
                    text: opt(p.get("text")),
                    area_unit_id: id_of(p.get("area_unit_id")).unwrap_or(None),
                    ..Default::default()
                };
                let today = session
                    .as_ref()
                    .map(|s| s.date)
                    .unwrap_or(jiff::civil::date(2000, 1, 1));
                match raw.parse(today) {
                    Ok(new) => petitions.push(ImportPetition::New(new)),
                    Err(inv) => note(&format!("petition_{i}_"), &inv),
                }
            }
            Err(code) => note(&format!("petition_{i}_"), &Invalid::one("again", code)),
        }
    }
    let mut directives = Vec::new();
    for (i, d) in review.directives.iter().enumerate().filter(|(_, d)| d.keep) {
        let raw = DirectiveInput {
            text: opt(d.get("text")),
            lead_unit_id: id_of(d.get("lead_unit_id")).unwrap_or(None),
            deadline: opt(d.get("deadline")),
            deadline_text: opt(d.get("deadline_text")),
            ..Default::default()
        };
        match raw.parse() {
            Ok(new) => directives.push(new),
            Err(inv) => note(&format!("directive_{i}_"), &inv),
        }
    }
    let mut measurements = Vec::new();
    for (i, f) in review.figures.iter().enumerate().filter(|(_, f)| f.keep) {
        let target = match id_of(f.get("target_id")) {
            Ok(Some(t)) => t,
            _ => {
                note(
                    &format!("figure_{i}_"),
                    &Invalid::one("target_id", FieldCode::Required),
                );
                continue;
            }
        };
        let raw = MeasurementInput {
            period_from: opt(f.get("period_from")),
            period_to: opt(f.get("period_to")),
            value: f.get("value").trim().replace(',', ".").parse().ok(),
            qualifier: opt(f.get("qualifier")),
            estimated: Some(f.get("estimated") == "on"),
            wording: opt(f.get("wording")),
            session_id: None,
        };
        match raw.parse() {
            Ok(m) => measurements.push((target, m)),
            Err(inv) => note(&format!("figure_{i}_"), &inv),
        }
    }
    match (session, errors.is_empty()) {
        (Some(session), true) => Ok(ImportPlan {
            session,
            people,
            lead,
            petitions,
            directives,
            measurements,
        }),
        _ => Err(errors),
    }
}

pub async fn confirm(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    v.require_recorder()?;
    let review = parse_review(&body)?;
    let plan = match plan_of(&review, v.lang) {
        Ok(plan) => plan,
        Err(errors) => {
            return review_page(OnRecord::load(&st).await?, &v, &session, review, errors).await
        }
    };
    match crate::service::import_session(&st, &v, &plan).await {
        Ok(s) => Ok(Redirect::to(&format!("/sessions/{}?saved=1", s.session.id)).into_response()),
        Err(AppError::Invalid(inv)) => {
            let mut errors = HashMap::new();
            for e in &inv.0 {
                errors.insert(format!("session_{}", e.field), v.lang.field_message(e.code));
            }
            errors.insert("form".into(), v.lang.t("err.unknown_reference"));
            review_page(OnRecord::load(&st).await?, &v, &session, review, errors).await
        }
        Err(e) => Err(e),
    }
}
