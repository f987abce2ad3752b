//! The iCalendar feed of a person's deadlines (`/calendar/{secret}.ics`), and the profile's
//! buttons that make and revoke its address.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::AppState;
use dondoc_app as app;

/// `/calendar/{secret}.ics`: no sign-in (calendar programs have none); the secret is the key.
pub async fn feed(
    State(st): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let deadlines = app::ical::deadlines(&st.app, token_of(&file)?).await?;
    Ok(ics(&deadlines))
}

/// `/calendar/units/{secret}.ics`: a unit's deadlines.
pub async fn unit_feed(
    State(st): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let deadlines = app::ical::unit_deadlines(&st.app, token_of(&file)?).await?;
    Ok(ics(&deadlines))
}

/// The secret of a feed's file name: 64 hex digits and `.ics`; anything else is no feed.
fn token_of(file: &str) -> Result<&str, AppError> {
    let token = file.strip_suffix(".ics").ok_or(AppError::NotFound)?;
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    Ok(token)
}

fn ics(deadlines: &[app::ical::Deadline]) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "private, max-age=300"),
        ],
        calendar(deadlines),
    )
        .into_response()
}

/// RFC 5545: one all-day event per deadline, lines folded at 75 octets, text escaped.
fn calendar(deadlines: &[app::ical::Deadline]) -> String {
    let stamp = jiff::Timestamp::now()
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string();
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&fold(&s));
        out.push_str("\r\n");
    };
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//dondoc//deadlines//VI".into());
    line("CALSCALE:GREGORIAN".into());
    line("X-WR-CALNAME:dondoc".into());
    for d in deadlines {
        let next = d.date.tomorrow().unwrap_or(d.date);
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}-{}-{}@dondoc", d.kind, d.id, d.date));
        line(format!("DTSTAMP:{stamp}"));
        line(format!("DTSTART;VALUE=DATE:{}", d.date.strftime("%Y%m%d")));
        line(format!("DTEND;VALUE=DATE:{}", next.strftime("%Y%m%d")));
        line(format!("SUMMARY:{}", escape(&d.title)));
        if let Some(unit) = &d.unit {
            line(format!("DESCRIPTION:{}", escape(unit)));
        }
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Lines longer than 75 octets continue on the next, after a space, never inside a character.
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 70 * 3);
    let mut len = 0;
    for c in s.chars() {
        let n = c.len_utf8();
        if len + n > 75 {
            out.push_str("\r\n ");
            len = 1;
        }
        out.push(c);
        len += n;
    }
    out
}

/// Makes a new feed address (revoking the old) and shows it once, on the profile page.
pub async fn renew(
    State(st): State<AppState>,
    v: Viewer,
    session: Session,
    headers: axum::http::HeaderMap,
) -> Result<Response, AppError> {
    let token = crate::auth::secret();
    app::ical::renew(&st.app, &v, &token).await?;
    let url = format!(
        "{}/calendar/{token}.ics",
        crate::pages::origin(&st, &headers)
    );
    crate::pages::follow::show_with_feed(st, v, session, Some(url)).await
}

/// Stops the feed.
pub async fn revoke(State(st): State<AppState>, v: Viewer) -> Result<Response, AppError> {
    app::ical::revoke(&st.app, &v).await?;
    Ok(crate::pages::see_other("/profile"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_fold_on_characters_and_text_is_escaped() {
        let long = "Hoàn thành xây dựng Nhà văn hóa khu 2, trước ngày 18; tháng 11\\n".repeat(3);
        let folded = fold(&format!("SUMMARY:{}", escape(&long)));
        for l in folded.split("\r\n") {
            assert!(l.len() <= 75, "{l:?}");
        }
        assert!(escape("a,b;c\\d\ne").eq("a\\,b\\;c\\\\d\\ne"));
    }
}
