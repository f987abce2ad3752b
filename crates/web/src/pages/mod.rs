//! HTML pages. Each handler gathers what a page shows through the use cases of `dondoc_app` and renders
//! an askama template around a shared [`Layout`]. Forms are described as [`Field`] lists and
//! drawn by one macro, so every form shows its messages beside its fields the same way.

/// The GET handler of a record's page (`/sessions/{id}`, …): the module's
/// `show_page(state, viewer, session, id)` drawn. A refused form of that page draws the same
/// `show_page` with the form's messages (see [`refuse_in`]).
macro_rules! record_page_handler {
    () => {
        pub async fn show(
            axum::extract::State(st): axum::extract::State<crate::AppState>,
            v: crate::auth::Viewer,
            session: tower_sessions::Session,
            axum::extract::Path(id): axum::extract::Path<i64>,
        ) -> Result<axum::response::Html<String>, crate::error::AppError> {
            super::render(&show_page(&st, &v, &session, id).await?)
        }
    };
}

pub mod articles;
pub mod dashboard;
pub mod directives;
pub mod follow;
pub mod import;
pub mod inbox;
pub mod login;
pub mod moderation;
pub mod people;
pub mod petitions;
pub mod sessions;
pub mod stats;
pub mod tabular;
pub mod targets;
pub mod units;
pub mod users;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use dondoc_domain::{AuditEvent, Invalid, User};
use dondoc_store::UnitNode;
use tower_sessions::Session;

use crate::auth::{csrf_token, Viewer};
use crate::error::AppError;
use crate::i18n::Lang;

/// What every page needs around its content.
pub struct Layout {
    pub lang: Lang,
    pub user: Option<User>,
    pub csrf: String,
    pub nav: &'static str,
    pub title: String,
    pub notice: Option<&'static str>,
    /// The signed-in person's unread notices (counted up to 100).
    pub unread: i64,
}

impl Layout {
    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    pub fn role_name(&self) -> &'static str {
        self.user
            .as_ref()
            .map(|u| self.lang.t(&format!("role.{}", u.role.as_str())))
            .unwrap_or("")
    }

    pub fn can(&self, viewer: &Viewer, action: dondoc_domain::Action) -> bool {
        viewer.can(action)
    }
}

pub async fn layout(
    v: &Viewer,
    session: &Session,
    nav: &'static str,
    title: impl Into<String>,
) -> Result<Layout, AppError> {
    // Only signed-in users get a form token (anonymous pages carry no forms but the login).
    let csrf = if v.user.is_some() {
        csrf_token(session).await?
    } else {
        String::new()
    };
    Ok(Layout {
        lang: v.lang,
        user: v.user.clone(),
        csrf,
        nav,
        title: title.into(),
        // Back from a saved form (`?saved=1`, see `see_other`): say so.
        notice: v.saved.then_some("common.saved"),
        unread: v.unread.count(&v.caller).await?,
    })
}

pub fn render<T: Template>(t: &T) -> Result<Html<String>, AppError> {
    t.render()
        .map(Html)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("template: {e}")))
}

/// A form re-shown with its messages: 422 with the page, so the error layer leaves it alone.
pub fn invalid_page<T: Template>(t: &T) -> Result<Response, AppError> {
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(t)?).into_response())
}

/// After a successful POST: back to the record, with a notice. The notice goes in the query,
/// before any `#fragment` (after it, the browser keeps it to itself and the notice never
/// shows).
pub fn see_other(to: &str) -> Response {
    let (path, fragment) = match to.split_once('#') {
        Some((p, f)) => (p, format!("#{f}")),
        None => (to, String::new()),
    };
    let sep = if path.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{path}{sep}saved=1{fragment}")).into_response()
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    layout: Layout,
    status: u16,
    messages: &'a [String],
}

/// The page for an error, in the user's language (drawn by the error layer).
pub fn error_page(
    lang: Lang,
    status: StatusCode,
    messages: &[String],
    viewer: Option<crate::error::ErrorViewer>,
) -> String {
    let (user, csrf) = match viewer {
        Some(v) => (Some(v.user), v.csrf),
        None => (None, String::new()),
    };
    let layout = Layout {
        lang,
        user,
        csrf,
        nav: "",
        title: lang.t("err.title").to_string(),
        notice: None,
        unread: 0,
    };
    ErrorPage {
        layout,
        status: status.as_u16(),
        messages,
    }
    .render()
    .unwrap_or_else(|_| messages.join("\n"))
}

/// One option of a select.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One field of a form, with its current value and, after a refused submit, its message.
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    /// text, textarea, date, number, select, multiselect, checkbox, password, hidden, pick
    /// (one record typed and suggested, see [`crate::pick`]), picks (several)
    pub kind: &'static str,
    pub value: String,
    pub options: Vec<Opt>,
    pub required: bool,
    pub error: Option<&'static str>,
    pub hint: Option<&'static str>,
    /// For a picker, what it suggests from ("units", "people", …).
    pub source: &'static str,
}

impl Field {
    pub fn new(
        lang: Lang,
        name: &'static str,
        kind: &'static str,
        value: impl Into<String>,
    ) -> Field {
        Field {
            name,
            label: lang.t(&format!("f.{name}")),
            kind,
            value: value.into(),
            options: vec![],
            required: false,
            error: None,
            hint: None,
            source: "",
        }
    }

    pub fn required(mut self) -> Field {
        self.required = true;
        self
    }

    pub fn hint(mut self, hint: &'static str) -> Field {
        self.hint = Some(hint);
        self
    }

    /// A select over `options` (value, label); `empty` adds a "choose" entry first.
    pub fn select(
        lang: Lang,
        name: &'static str,
        value: impl Into<String>,
        options: Vec<(String, String)>,
        empty: bool,
    ) -> Field {
        let value = value.into();
        let mut opts = Vec::new();
        if empty {
            opts.push(Opt {
                value: String::new(),
                label: lang.t("common.choose").into(),
                selected: value.is_empty(),
            });
        }
        let values: Vec<&str> = value.split(',').collect();
        opts.extend(options.into_iter().map(|(v, l)| Opt {
            selected: values.contains(&v.as_str()),
            value: v,
            label: l,
        }));
        Field {
            options: opts,
            ..Field::new(lang, name, "select", value)
        }
    }

    /// A choice of the record a field points at, among `options` (value, label): a select
    /// while they are few, a picker (typed, suggested, see [`crate::pick`]) once they are
    /// many or when `more` records exist than the options list.
    pub fn choice(
        lang: Lang,
        name: &'static str,
        value: impl Into<String>,
        options: Vec<(String, String)>,
        more: bool,
    ) -> Field {
        Field::select(lang, name, value, options, true).picker_when(more, "pick")
    }

    /// As [`Field::choice`], for a field that takes several records.
    pub fn choices(
        lang: Lang,
        name: &'static str,
        value: impl Into<String>,
        options: Vec<(String, String)>,
        more: bool,
    ) -> Field {
        let mut f = Field::select(lang, name, value, options, false);
        f.kind = "multiselect";
        f.picker_when(more, "picks")
    }

    fn picker_when(mut self, more: bool, kind: &'static str) -> Field {
        if let Some(source) = crate::pick::source_of(self.name) {
            if more || self.options.len() > crate::pick::SELECT_AT_MOST {
                self.kind = kind;
                self.source = source.as_str();
                self.hint = Some("pick.hint");
            }
        }
        self
    }

    /// What a picker's inputs show: each chosen record as its suggestion reads, or what was
    /// typed; a "picks" field has one empty input more for the next.
    pub fn picked(&self) -> Vec<String> {
        let mut shown: Vec<String> = self
            .value
            .split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|v| match self.options.iter().find(|o| o.value == v) {
                Some(o) => dondoc_app::pick::shown(o.label.trim(), o.value.parse().unwrap_or(0)),
                None => v.to_string(),
            })
            .collect();
        if self.kind == "picks" || shown.is_empty() {
            shown.push(String::new());
        }
        shown
    }

    /// The field's element id: `f-name` on a page with one form; on a record's page, whose
    /// forms may share field names, prefixed with the form's key, so that every label and
    /// message points at its own field.
    pub fn id(&self, key: &str) -> String {
        if key.is_empty() {
            format!("f-{}", self.name)
        } else {
            format!("{}-{}", key.replace('.', "-"), self.name)
        }
    }

    /// The id of the field's message.
    pub fn err_id(&self, key: &str) -> String {
        if key.is_empty() {
            format!("e-{}", self.name)
        } else {
            format!("e-{}", self.id(key))
        }
    }

    pub fn checked(&self) -> bool {
        matches!(self.value.as_str(), "on" | "true" | "1")
    }
}

pub struct FormView {
    pub action: String,
    pub fields: Vec<Field>,
    pub submit: &'static str,
    pub csrf: String,
    pub has_errors: bool,
    /// Sent by `GET` (a document asked for, nothing changed): no form token in the address.
    pub get: bool,
}

impl FormView {
    pub fn new(
        action: impl Into<String>,
        csrf: &str,
        submit: &'static str,
        fields: Vec<Field>,
    ) -> FormView {
        FormView {
            action: action.into(),
            fields,
            submit,
            csrf: csrf.to_string(),
            has_errors: false,
            get: false,
        }
    }

    /// A form that asks for something rather than changing it, sent by `GET`.
    pub fn asking(action: impl Into<String>, submit: &'static str, fields: Vec<Field>) -> FormView {
        FormView {
            get: true,
            ..FormView::new(action, "", submit, fields)
        }
    }

    /// Puts back in each field what the user sent under its name (`typed` is the form as
    /// decoded), so that a refused form loses nothing that was typed.
    pub fn refilled(mut self, typed: &impl serde::Serialize) -> FormView {
        let Ok(serde_json::Value::Object(sent)) = serde_json::to_value(typed) else {
            return self;
        };
        for f in &mut self.fields {
            let value = match sent.get(f.name) {
                None | Some(serde_json::Value::Null) => continue,
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(serde_json::Value::Bool(b)) => if *b { "on" } else { "" }.to_string(),
                Some(serde_json::Value::Array(a)) => a
                    .iter()
                    .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                    .collect::<Vec<_>>()
                    .join(","),
                Some(other) => other.to_string(),
            };
            let chosen: Vec<&str> = value.split(',').collect();
            for o in &mut f.options {
                o.selected = chosen.contains(&o.value.as_str());
            }
            f.value = value;
        }
        self
    }

    /// The form refused: what was typed put back and each message beside its field. Refused
    /// as stale, it keeps the version it was drawn with (the record's current one), so that
    /// saving again is checked against what is there now.
    pub fn refused(self, lang: Lang, typed: &impl serde::Serialize, invalid: &Invalid) -> FormView {
        let stale = invalid
            .0
            .iter()
            .any(|e| e.code == dondoc_domain::FieldCode::Stale);
        let current = self
            .fields
            .iter()
            .find(|f| f.name == "version")
            .map(|f| f.value.clone());
        let mut form = self.refilled(typed);
        if let (true, Some(v)) = (stale, current) {
            if let Some(f) = form.fields.iter_mut().find(|f| f.name == "version") {
                f.value = v;
            }
        }
        form.with_errors(lang, invalid)
    }

    /// Puts each refused field's message beside it.
    pub fn with_errors(mut self, lang: Lang, invalid: &Invalid) -> FormView {
        self.has_errors = true;
        for f in &mut self.fields {
            if let Some(code) = invalid.on(f.name) {
                f.error = Some(lang.field_message(f.name, code));
            }
        }
        // A refused field the form does not show (a stale version, say) still gets said.
        for e in &invalid.0 {
            if !self
                .fields
                .iter()
                .any(|f| f.name == e.field && f.kind != "hidden")
            {
                if let Some(first) = self.fields.iter_mut().find(|f| f.kind != "hidden") {
                    first
                        .error
                        .get_or_insert(lang.field_message(e.field, e.code));
                }
            }
        }
        self
    }
}

/// The form `key` of a record's page, refused: what was typed put back and each message
/// beside its field.
pub fn refuse_in(
    forms: &mut [(&'static str, FormView)],
    key: &str,
    lang: Lang,
    typed: &impl serde::Serialize,
    invalid: &Invalid,
) {
    if let Some((_, form)) = forms.iter_mut().find(|(k, _)| *k == key) {
        let sent = std::mem::replace(form, FormView::new("", "", "", vec![]));
        *form = sent.refused(lang, typed, invalid);
    }
}

/// What a form's POST answers: on success a redirect to where `to` says; when fields were
/// refused, the page `reshow` draws again (422, with every edit kept); any other refusal as
/// the error layer renders it.
pub async fn answer<T, Fut>(
    result: Result<T, dondoc_app::Error>,
    to: impl FnOnce(T) -> String,
    reshow: impl FnOnce(Invalid) -> Fut,
) -> Result<Response, AppError>
where
    Fut: std::future::Future<Output = Result<Response, AppError>>,
{
    match result {
        Ok(v) => Ok(see_other(&to(v))),
        Err(dondoc_app::Error::Invalid(inv)) => reshow(inv).await,
        // A value another record holds (a login): said beside its field.
        Err(dondoc_app::Error::Duplicate(field)) => {
            reshow(Invalid::one(field, dondoc_domain::FieldCode::Taken)).await
        }
        // Someone changed the record meanwhile: the form again, drawn on the record as it is
        // now, with what was typed kept (all but the version it was typed against); 409.
        Err(dondoc_app::Error::Conflict) => {
            let mut resp = reshow(Invalid::one("version", dondoc_domain::FieldCode::Stale)).await?;
            *resp.status_mut() = StatusCode::CONFLICT;
            Ok(resp)
        }
        Err(e) => Err(e.into()),
    }
}

/// A record's page with forms on it (edit, status moves, what is recorded into it).
pub trait RecordPage: Template {
    fn forms(&mut self) -> &mut Vec<(&'static str, FormView)>;
}

/// A form of a record's page, posted: saved, back to `back` with the "saved" notice; fields
/// refused, the page drawn again (`page`) with the form `key` keeping what was typed and its
/// messages beside the fields (422); any other refusal as the error layer renders it.
pub async fn posted<T, P, Fut>(
    done: Result<T, dondoc_app::Error>,
    back: String,
    key: &str,
    v: &Viewer,
    typed: &impl serde::Serialize,
    page: impl FnOnce() -> Fut,
) -> Result<Response, AppError>
where
    P: RecordPage,
    Fut: std::future::Future<Output = Result<P, AppError>>,
{
    answer(
        done,
        |_| back,
        |inv| async move {
            let mut drawn = page().await?;
            refuse_in(drawn.forms(), key, v.lang, typed, &inv);
            invalid_page(&drawn)
        },
    )
    .await
}

/// The choice of a unit among `units` (the tree): a select of them all while they are few;
/// past that a picker, which lists none of them (only the chosen one, to show its name).
pub fn unit_choice(
    lang: Lang,
    name: &'static str,
    value: impl Into<String>,
    units: &[UnitNode],
) -> Field {
    let (value, options, more) = unit_field(value.into(), units);
    Field::choice(lang, name, value, options, more)
}

/// As [`unit_choice`], for a field that takes several units.
pub fn unit_choices(
    lang: Lang,
    name: &'static str,
    value: impl Into<String>,
    units: &[UnitNode],
) -> Field {
    let (value, options, more) = unit_field(value.into(), units);
    Field::choices(lang, name, value, options, more)
}

/// A unit field's value, its options, and whether more units exist than it lists.
fn unit_field(value: String, units: &[UnitNode]) -> (String, Vec<(String, String)>, bool) {
    if units.len() <= crate::pick::SELECT_AT_MOST {
        let options = unit_options(units);
        return (value, options, false);
    }
    let options = chosen_units(units, &value);
    (value, options, true)
}

/// The units named in `value` ("3,5"), as options.
fn chosen_units(units: &[UnitNode], value: &str) -> Vec<(String, String)> {
    let ids: Vec<&str> = value.split(',').map(str::trim).collect();
    units
        .iter()
        .filter(|n| ids.contains(&n.unit.id.to_string().as_str()))
        .map(|n| (n.unit.id.to_string(), n.unit.name.clone()))
        .collect()
}

/// Select options for units, indented by depth so the tree shows.
pub fn unit_options(units: &[UnitNode]) -> Vec<(String, String)> {
    units
        .iter()
        .filter(|n| n.unit.merged_into.is_none())
        .map(|n| {
            (
                n.unit.id.to_string(),
                format!("{}{}", "\u{2003}".repeat(n.depth), n.unit.name),
            )
        })
        .collect()
}

pub fn opt_id(v: Option<i64>) -> String {
    v.map(|i| i.to_string()).unwrap_or_default()
}

/// A history entry as the timeline shows it.
pub struct HistoryRow {
    pub when: String,
    pub who: String,
    pub action: String,
    pub changes: Vec<(String, String, String)>,
    /// Another record the event ties this one to (the petition merged into this one, or the
    /// one this one went into), with its words: where its own history is.
    pub link: Option<(String, String)>,
}

/// The timeline of a record: who changed what, when, field by field — in words: each action
/// and field named in the user's language, ids as the names they point to, dates and times as
/// the rest of the app shows them.
pub fn history_rows(
    lang: Lang,
    events: &[AuditEvent],
    names: &dondoc_app::history::Names,
) -> Vec<HistoryRow> {
    events
        .iter()
        .rev()
        .map(|e| {
            let parse = |s: &Option<String>| -> serde_json::Value {
                s.as_deref()
                    .and_then(|s| serde_json::from_str(s).ok())
                    .unwrap_or_default()
            };
            let (before, after) = (parse(&e.before), parse(&e.after));
            let mut changes = Vec::new();
            if let Some(obj) = after.as_object() {
                for (k, v) in obj {
                    if k == "version" || k == "id" || k.ends_with("_key") {
                        continue;
                    }
                    let old = before.get(k).cloned().unwrap_or(serde_json::Value::Null);
                    if &old != v {
                        changes.push((
                            field_name(lang, k),
                            shown(lang, names, &e.entity, k, &old),
                            shown(lang, names, &e.entity, k, v),
                        ));
                    }
                }
            }
            let local = e.at.to_zoned(dondoc_app::vietnam());
            let when = format!("{} {}", lang.date(local.date()), local.strftime("%H:%M"));
            let key = format!("history.{}", e.action);
            let action = if crate::i18n::CATALOG.iter().any(|(k, _, _)| *k == key) {
                lang.t(&key).to_string()
            } else {
                e.action.replace('_', " ")
            };
            let other = |field: &str| after.get(field).and_then(|v| v.as_i64());
            let link = match (e.entity.as_str(), e.action.as_str()) {
                ("petition", "merge_from") => other("merged_from").map(|id| {
                    let words = lang.t("history.merged_from_link");
                    (
                        format!("/petitions/{id}"),
                        words.replace("{id}", &id.to_string()),
                    )
                }),
                ("petition", "merge_into") => other("merged_into").map(|id| {
                    let words = lang.t("history.merged_into_link");
                    (
                        format!("/petitions/{id}"),
                        words.replace("{id}", &id.to_string()),
                    )
                }),
                _ => None,
            };
            HistoryRow {
                when,
                who: e
                    .user_name
                    .clone()
                    .unwrap_or_else(|| lang.t("common.system").to_string()),
                action,
                changes,
                link,
            }
        })
        .collect()
}

/// A record's history as its page shows it (for staff; the use case says who may see it).
pub async fn history_of(
    st: &crate::AppState,
    v: &crate::auth::Viewer,
    entity: &str,
    id: i64,
) -> Result<Vec<HistoryRow>, AppError> {
    let events = dondoc_app::history::of(&st.app, v, entity, id).await?;
    let names = dondoc_app::history::names(&st.app, v, &events).await?;
    Ok(history_rows(v.lang, &events, &names))
}

/// A field's label, as its form names it.
fn field_name(lang: Lang, field: &str) -> String {
    let key = format!("f.{field}");
    if crate::i18n::CATALOG.iter().any(|(k, _, _)| *k == key) {
        lang.t(&key).to_string()
    } else {
        field.replace('_', " ")
    }
}

/// A value as the pages show it: names for ids, the status in words, dates as dates, yes/no.
fn shown(
    lang: Lang,
    names: &dondoc_app::history::Names,
    entity: &str,
    field: &str,
    v: &serde_json::Value,
) -> String {
    use serde_json::Value as V;
    let name = |id: i64| -> String {
        let found = match dondoc_app::history::points_to(entity, field) {
            Some("unit") => names.units.get(&id),
            Some("person") => names.people.get(&id),
            Some("petition") => {
                return match names.petitions.get(&id) {
                    Some(title) => format!("#{id} · {title}"),
                    None => format!("#{id}"),
                }
            }
            Some(_) => names.sessions.get(&id),
            None => None,
        };
        found.cloned().unwrap_or_else(|| format!("#{id}"))
    };
    match v {
        V::Null => "—".into(),
        V::Bool(b) => lang.t(if *b { "common.yes" } else { "common.no" }).into(),
        V::Number(n) if dondoc_app::history::points_to(entity, field).is_some() => {
            n.as_i64().map(name).unwrap_or_else(|| n.to_string())
        }
        V::Array(a) if dondoc_app::history::points_to(entity, field).is_some() => {
            let all: Vec<String> = a.iter().filter_map(|x| x.as_i64()).map(name).collect();
            if all.is_empty() {
                "—".into()
            } else {
                all.join(", ")
            }
        }
        V::String(s) if field == "status" => {
            let prefix = if entity == "directive" { "ds" } else { "ps" };
            let key = format!("{prefix}.{s}");
            if crate::i18n::CATALOG.iter().any(|(k, _, _)| *k == key) {
                lang.t(&key).to_string()
            } else {
                s.clone()
            }
        }
        V::String(s) if field == "channel" => {
            let key = format!("channel.{s}");
            if crate::i18n::CATALOG.iter().any(|(k, _, _)| *k == key) {
                lang.t(&key).to_string()
            } else {
                s.clone()
            }
        }
        V::String(s) => match s.parse::<jiff::civil::Date>() {
            Ok(d) if s.len() == 10 => lang.date(d),
            _ => s.chars().take(160).collect(),
        },
        other => other.to_string(),
    }
}

/// "Đã kiến nghị 3 lần" / "Raised 3 times" ("Raised once").
pub fn raised(lang: Lang, n: i64) -> String {
    if n == 1 {
        lang.t("petition.raised_1").to_string()
    } else {
        lang.t("petition.raised_n").replace("{n}", &n.to_string())
    }
}

/// Paging links for a list.
pub struct Pager {
    pub prev: Option<String>,
    pub next: Option<String>,
    /// The numbered pages of a list paged by offset: the first, a few around the current, the
    /// last (unless the count stopped at its cap), `None` for a gap.
    pub pages: Vec<Option<PageLink>>,
    pub total: i64,
    /// More match than `total` (the count stops at `COUNT_CAP`).
    pub capped: bool,
}

/// One numbered page of a [`Pager`].
pub struct PageLink {
    pub number: i64,
    pub href: String,
    pub current: bool,
}

/// How many pages on each side of the current one are numbered.
const PAGE_WINDOW: i64 = 2;

/// The page numbers to show, 1-based, `None` for a gap: the first, `PAGE_WINDOW` on each side
/// of `current`, and `last` when it is known. Nothing when there is one page.
fn page_numbers(current: i64, last: Option<i64>) -> Vec<Option<i64>> {
    let end = last.unwrap_or(current + 1).max(current);
    if end <= 1 {
        return vec![];
    }
    let from = (current - PAGE_WINDOW).max(1);
    let to = (current + PAGE_WINDOW).min(end);
    let mut shown = vec![1];
    shown.extend(from.max(2)..=to);
    if last.is_some() && end > to {
        shown.push(end);
    }
    let mut out = Vec::new();
    for n in shown {
        match out.last().copied() {
            Some(Some(prev)) if n == prev + 1 => {}
            // A gap of one page shows that page rather than "…".
            Some(Some(prev)) if n == prev + 2 => out.push(Some(prev + 1)),
            Some(_) => out.push(None),
            None => {}
        }
        out.push(Some(n));
    }
    out
}

impl Pager {
    /// "1.234", or "hơn 10.000" when the count stopped at the cap.
    pub fn total_text(&self, lang: &Lang) -> String {
        let lang = *lang;
        let n = lang.number(self.total as f64, 0);
        if self.capped {
            format!("{} {n}", lang.t("common.more_than"))
        } else {
            n
        }
    }
}

/// A filter that is on, as a list says it: its words, and the list without it.
pub struct Chip {
    pub label: String,
    pub remove: String,
}

/// The filters of `query` that are on (but its order and search box, which the form shows),
/// each named in the reader's language, units by their names (those the list shows in
/// `known`, else as staff may read them), with the link to `base` without it; "subtree" is
/// said with its unit filter and goes with it.
pub async fn chips(
    st: &crate::AppState,
    v: &Viewer,
    base: &str,
    query: &[(&str, String)],
    known: &[(Option<i64>, Option<String>)],
) -> Vec<Chip> {
    let l = v.lang;
    let mut out = Vec::new();
    let subtree = query.iter().any(|(k, x)| *k == "subtree" && x == "true");
    for (key, value) in query {
        if value.is_empty() || matches!(*key, "q" | "sort" | "subtree") {
            continue;
        }
        let shown = match *key {
            "area_unit_id" | "responsible_unit_id" | "lead_unit_id" => {
                let name = match value.parse::<i64>() {
                    Ok(id) => match known.iter().find(|(k, n)| *k == Some(id) && n.is_some()) {
                        Some((_, Some(n))) => n.clone(),
                        _ => dondoc_app::reference::unit(&st.app, v, id)
                            .await
                            .map(|u| u.name)
                            .unwrap_or_else(|_| format!("#{id}")),
                    },
                    Err(_) => value.clone(),
                };
                if subtree {
                    format!("{name} ({})", l.t("filter.subtree"))
                } else {
                    name
                }
            }
            "status" if base == "/petitions" => l.t(&format!("ps.{value}")).to_string(),
            "status" => l.t(&format!("ds.{value}")).to_string(),
            "due" => l.t(&format!("directive.{value}")).to_string(),
            "open" => l.t("filter.open_only").to_string(),
            "raised_from" | "raised_to" | "deadline_from" | "deadline_to" => value
                .parse::<jiff::civil::Date>()
                .map(|d| l.date(d))
                .unwrap_or_else(|_| value.clone()),
            _ => value.clone(),
        };
        let unit_key = matches!(
            *key,
            "area_unit_id" | "responsible_unit_id" | "lead_unit_id"
        );
        let rest: Vec<(&str, String)> = query
            .iter()
            .filter(|(k, _)| k != key && !(unit_key && *k == "subtree"))
            .cloned()
            .collect();
        let q = filter_query(&rest);
        out.push(Chip {
            label: format!("{}: {shown}", l.t(&format!("filter.{key}"))),
            remove: if q.is_empty() {
                base.to_string()
            } else {
                format!("{base}?{q}")
            },
        });
    }
    out
}

/// The paging links of a list page at `base`, keeping the filters of `query`.
/// A list's filters as a query string, for the links that export it.
/// The site's address, for an address a page shows to be copied elsewhere (a calendar
/// program, a message, a feed, a canonical link): the configured public address
/// (`--public-url`), or else `http://` and the Host header as the browser sent it, if it
/// reads as one.
pub fn origin(st: &crate::AppState, headers: &axum::http::HeaderMap) -> String {
    if let Some(url) = &st.config.public_url {
        return url.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
        })
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// A page with a form for someone not signed in (sign-in, password reset), drawn by `draw`
/// around its layout (with `notice`, if any) and sent with `status`: its form token comes from
/// the session or the form cookie, never a new web session, and the cookie is set when one
/// was made.
#[allow(clippy::too_many_arguments)]
pub async fn anonymous_page<T: Template>(
    st: &crate::AppState,
    v: &Viewer,
    session: &Session,
    headers: &axum::http::HeaderMap,
    status: StatusCode,
    title: &str,
    notice: Option<&'static str>,
    draw: impl FnOnce(Layout) -> T,
) -> Result<Response, AppError> {
    let (csrf, set_cookie) =
        crate::auth::anonymous_form_token(session, headers, st.config.secure_cookies).await?;
    let layout = Layout {
        lang: v.lang,
        user: None,
        csrf,
        nav: "login",
        title: v.lang.t(title).into(),
        notice,
        unread: 0,
    };
    let mut resp = (status, render(&draw(layout))?).into_response();
    if let Some(cookie) = set_cookie {
        resp.headers_mut()
            .append(axum::http::header::SET_COOKIE, cookie);
    }
    Ok(resp)
}

/// The unit a coordinating unit's report is from, among `shares` (the viewer's units that
/// coordinate the record): fixed when there is one, chosen when several; none, no form.
pub fn share_unit(lang: Lang, shares: &[(i64, String)]) -> Option<Field> {
    match shares {
        [] => None,
        [(only, _)] => Some(Field::new(lang, "unit_id", "hidden", only.to_string())),
        _ => {
            let options = shares
                .iter()
                .map(|(u, n)| (u.to_string(), n.clone()))
                .collect();
            Some(Field::select(lang, "unit_id", "", options, true).required())
        }
    }
}

/// A unit filter of a list's form: a picker that shows the unit chosen.
pub struct UnitFilter {
    pub name: &'static str,
    pub label: &'static str,
    /// The unit as a picker shows it ("Phường Hà Lầm · #11"), or what was sent.
    pub shown: String,
}

/// The unit filters `wanted` (field and id) as pickers, for staff (pickers suggest and look up
/// units for them); visitors keep such filters as the links that set them.
pub async fn unit_filters(
    st: &crate::AppState,
    v: &Viewer,
    wanted: &[(&'static str, Option<i64>)],
) -> Vec<UnitFilter> {
    if !v.is_staff() || v.user.is_none() {
        return vec![];
    }
    let mut out = Vec::with_capacity(wanted.len());
    for (name, id) in wanted {
        let shown = match id {
            Some(id) => match dondoc_app::reference::unit(&st.app, v, *id).await {
                Ok(u) => dondoc_app::pick::shown(&u.name, *id),
                Err(_) => id.to_string(),
            },
            None => String::new(),
        };
        out.push(UnitFilter {
            name,
            label: v.lang.t(&format!("filter.{name}")),
            shown,
        });
    }
    out
}

pub fn filter_query(query: &[(&str, String)]) -> String {
    let q: Vec<&(&str, String)> = query.iter().filter(|(_, v)| !v.is_empty()).collect();
    serde_urlencoded::to_string(&q).unwrap_or_default()
}

pub fn pager<T>(base: &str, query: &[(&str, String)], page: &dondoc_store::Page<T>) -> Pager {
    let (total, limit, offset) = (page.total, page.limit, page.offset);
    let link = |off: i64| {
        let mut q: Vec<(&str, String)> = query
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .cloned()
            .collect();
        q.push(("offset", off.to_string()));
        format!(
            "{base}?{}",
            serde_urlencoded::to_string(&q).unwrap_or_default()
        )
    };
    // A list paged by its order says where the pages around start and end.
    if page.after.is_some() || page.before.is_some() {
        let at = |name: &'static str, cursor: &String| {
            let mut q: Vec<(&str, String)> = query
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .cloned()
                .collect();
            q.push((name, cursor.clone()));
            format!(
                "{base}?{}",
                serde_urlencoded::to_string(&q).unwrap_or_default()
            )
        };
        return Pager {
            prev: page.before.as_ref().map(|c| at("before", c)),
            next: page.after.as_ref().map(|c| at("after", c)),
            pages: vec![],
            total,
            capped: page.total_capped,
        };
    }
    let limit = limit.max(1);
    // A page starting off the grid (a hand-made offset) counts as the page it starts in.
    let current = offset / limit + 1;
    let last = (!page.total_capped).then(|| ((total + limit - 1) / limit).max(1));
    let pages = page_numbers(current, last)
        .into_iter()
        .map(|n| {
            n.map(|number| PageLink {
                number,
                href: link((number - 1) * limit),
                current: number == current,
            })
        })
        .collect();
    Pager {
        prev: (offset > 0).then(|| link((offset - limit).max(0))),
        // No further than a list answers by offset (past it, a narrower filter).
        next: ((offset + limit < total || page.total_capped)
            && offset + limit <= dondoc_store::MAX_OFFSET)
            .then(|| link(offset + limit)),
        pages,
        total,
        capped: page.total_capped,
    }
}

#[cfg(test)]
mod tests {
    use super::page_numbers;

    fn shown(current: i64, last: Option<i64>) -> String {
        page_numbers(current, last)
            .into_iter()
            .map(|n| n.map_or("…".to_string(), |n| n.to_string()))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn page_numbers_show_the_first_a_window_and_the_last() {
        assert_eq!(shown(1, Some(1)), "");
        assert_eq!(shown(1, Some(2)), "1 2");
        assert_eq!(shown(1, Some(20)), "1 2 3 … 20");
        assert_eq!(shown(10, Some(20)), "1 … 8 9 10 11 12 … 20");
        assert_eq!(shown(4, Some(20)), "1 2 3 4 5 6 … 20");
        assert_eq!(shown(20, Some(20)), "1 … 18 19 20");
        assert_eq!(shown(5, Some(7)), "1 2 3 4 5 6 7");
        // The count stopped at its cap: the last page is not known.
        assert_eq!(shown(1, None), "1 2");
        assert_eq!(shown(7, None), "1 … 5 6 7 8");
    }
}
