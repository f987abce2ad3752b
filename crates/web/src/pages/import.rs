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
use dondoc_app::import::{candidates, FieldErrors, ImportError, OnRecord, Review, Row, MAX_REPORT};
use tower_sessions::Session;

use super::{layout, render, Layout, Opt};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::AppState;

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
                if f.ends_with(".pdf") || bytes.starts_with(b"%PDF-") {
                    return Err("import.pdf");
                }
                if f.ends_with(".docx") {
                    return docx_text(bytes).await;
                }
                if bytes.len() > MAX_REPORT {
                    return Err("import.too_large");
                }
                return checked(file_text(&bytes)?.into_bytes());
            }
            ("report", _) => {
                pasted = String::from_utf8(bytes.to_vec()).map_err(|_| "import.not_text")?
            }
            _ => {}
        }
    }
    checked(pasted.into_bytes())
}

/// The text of an uploaded .txt file in the encodings Vietnamese offices save in: UTF-8 (with
/// or without a byte-order mark), UTF-16 with its byte-order mark (Notepad's "Unicode"), and
/// otherwise Windows-1258, the Vietnamese code page, whose tone marks are combining
/// characters: the text is NFC-normalised so that it reads and searches like typed text.
/// (TCVN3 and VNI, font encodings that reuse Latin-1 letters, cannot be told from
/// Windows-1258 by their bytes and are not read.)
fn file_text(bytes: &[u8]) -> Result<String, &'static str> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding
            .decode_without_bom_handling_and_without_replacement(&bytes[bom..])
            .map(|t| dondoc_text::nfc(&t))
            .ok_or("import.not_text");
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1258.decode_without_bom_handling(bytes);
            Ok(dondoc_text::nfc(&text))
        }
    }
}

fn checked(bytes: Vec<u8>) -> Result<String, &'static str> {
    if bytes.len() > MAX_REPORT {
        return Err("import.too_large");
    }
    let text = String::from_utf8(bytes).map_err(|_| "import.not_text")?;
    if text.contains('\0') {
        return Err("import.not_text");
    }
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

/// The paragraphs of a Word document, read off the async threads with bounded memory.
async fn docx_text(bytes: axum::body::Bytes) -> Result<String, &'static str> {
    let read = tokio::task::spawn_blocking(move || crate::docx::text(&bytes, MAX_REPORT)).await;
    match read {
        Ok(Ok(text)) => checked(text.into_bytes()),
        Ok(Err(crate::docx::Error::TooLarge)) => Err("import.too_large"),
        Ok(Err(crate::docx::Error::Bad)) | Err(_) => Err("import.bad_docx"),
    }
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
    let known = OnRecord::load(&st.app, &v).await?;
    let review = Review::from_extraction(&st.app, &v, &known, &text, &extraction).await?;
    review_page(&st, known, &v, &session, review, HashMap::new()).await
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
    /// Units or targets too many for a select: typed into a picker instead.
    unit_pick: bool,
    target_pick: bool,
    candidates: Vec<Vec<Opt>>,
    /// A new session, or one on record the report is of (more than one choice: say so).
    recorded: Vec<Opt>,
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
    /// A chosen record as its picker shows it ("Phường 1 · #42"), or what was typed.
    fn shown(list: &[Opt], selected: &str) -> String {
        match list
            .iter()
            .find(|o| !o.value.is_empty() && o.value == selected)
        {
            Some(o) => dondoc_app::pick::shown(o.label.trim(), o.value.parse().unwrap_or(0)),
            None => selected.to_string(),
        }
    }
    fn unit_shown(&self, selected: &str) -> String {
        Self::shown(&self.units, selected)
    }
    fn target_shown(&self, selected: &str) -> String {
        Self::shown(&self.targets, selected)
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
    st: &AppState,
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
            opts.extend(candidates(&open, p.get("text")).into_iter().map(|o| Opt {
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
    // Sessions on record this report may be of: what is new goes to the one chosen.
    let into = field_of(&review.session, "into");
    let mut recorded = vec![Opt {
        value: String::new(),
        label: l.t("import.into_new").into(),
        selected: into.is_empty(),
    }];
    recorded.extend(
        dondoc_app::import::recorded_already(&st.app, v, &review)
            .await?
            .into_iter()
            .map(|s| Opt {
                selected: into == s.session.id.to_string(),
                value: s.session.id.to_string(),
                label: format!(
                    "{} {} · {} · {}",
                    l.t("import.into_existing"),
                    l.date(s.session.date),
                    s.session.title,
                    s.host_name
                ),
            }),
    );
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
        unit_pick: unit_opts.len() > crate::pick::SELECT_AT_MOST,
        target_pick: target_opts.len() > crate::pick::SELECT_AT_MOST,
        units: unit_opts,
        targets: target_opts,
        candidates,
        recorded,
        errors,
        qualifiers,
    };
    Ok((status, render(&page)?).into_response())
}

fn field_of(row: &dondoc_app::import::Row, name: &str) -> String {
    row.get(name).to_string()
}

/// The review form as sent back: rows grouped by their index ("petition_text_3").
fn parse_review(pairs: Vec<(String, String)>) -> Result<Review, AppError> {
    let mut review = Review::default();
    const SESSION: &[&str] = &[
        "title",
        "date",
        "host_unit_id",
        "delegation_name",
        "lead",
        "summary",
        "published",
        "into",
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

pub async fn confirm(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    crate::pick::PickedPairs(pairs): crate::pick::PickedPairs,
) -> Result<Response, AppError> {
    v.require_recorder()?;
    let review = parse_review(pairs)?;
    match dondoc_app::import::confirm(&st.app, &v, &review).await {
        Ok(s) => Ok(Redirect::to(&format!("/sessions/{}?saved=1", s.session.id)).into_response()),
        Err(ImportError::Fields(errors)) => {
            let known = OnRecord::load(&st.app, &v).await?;
            review_page(&st, known, &v, &session, review, messages(v.lang, &errors)).await
        }
        Err(ImportError::Other(e)) => Err(e.into()),
    }
}

/// The messages of a refused draft, in the user's language, by form field name.
fn messages(lang: Lang, errors: &FieldErrors) -> HashMap<String, &'static str> {
    errors
        .iter()
        .map(|(k, code)| {
            let m = if k == "form" {
                lang.t("err.unknown_reference")
            } else {
                lang.field_message(k, *code)
            };
            (k.clone(), m)
        })
        .collect()
}
