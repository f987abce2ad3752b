//! The portal's sidebar: the weather, exchange rates and visitor figures, as in the city
//! portal's pages. Built from what this node keeps in memory (`App::widgets`, `App::visits`,
//! both filled in the background): drawing it waits for no source and asks no query.
//!
//! Also the layer that counts views (`count`): outermost, so a page answered from the page
//! cache is counted too; it notes the visitor after the answer is ready and waits for nothing.

use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use dondoc_app::widgets::Kept;
use jiff::Timestamp;

use crate::i18n::Lang;
use crate::AppState;

pub struct Sidebar {
    lang: Lang,
    pub weather: Option<WeatherView>,
    pub rates: Option<RatesView>,
    pub visitors: Option<VisitorsView>,
}

pub struct WeatherView {
    /// "24,3 °C".
    pub temperature: String,
    /// "Mưa" / "Rain", when the source gives a code.
    pub description: Option<&'static str>,
    /// "11,2 km/h".
    pub wind: Option<String>,
    pub updated: Updated,
}

pub struct RatesView {
    pub rows: Vec<RateRow>,
    /// The time the source gives its list, as it writes it.
    pub source_time: Option<String>,
    pub updated: Updated,
}

pub struct RateRow {
    pub code: String,
    pub name: String,
    pub buy: String,
    pub transfer: String,
    pub sell: String,
}

pub struct VisitorsView {
    pub online: String,
    pub today: String,
    pub month: String,
    pub total: String,
}

/// When a value was read: for people (Vietnam's time) and for `<time datetime>`.
pub struct Updated {
    pub text: String,
    pub iso: String,
}

impl Sidebar {
    /// The sidebar in `lang`; none when there is nothing to show (no widget configured or
    /// read yet, and no visitor figures read yet).
    pub fn of(st: &AppState, lang: Lang) -> Option<Sidebar> {
        let widgets = st.app.widgets();
        let weather = widgets.weather().map(|Kept { value: w, at }| WeatherView {
            temperature: format!("{} °C", lang.number(w.temperature, 1)),
            description: w.kind().map(|k| lang.t(&format!("wx.{k}"))),
            wind: w.wind_speed.map(|s| format!("{} km/h", lang.number(s, 1))),
            updated: updated(lang, at),
        });
        let rates = widgets.rates().and_then(|Kept { value: r, at }| {
            let money = |v: Option<f64>| v.map_or_else(|| "–".to_string(), |v| lang.number(v, 2));
            let rows: Vec<RateRow> = r
                .shown()
                .into_iter()
                .map(|rate| RateRow {
                    code: rate.code.clone(),
                    name: rate.name.clone(),
                    buy: money(rate.buy),
                    transfer: money(rate.transfer),
                    sell: money(rate.sell),
                })
                .collect();
            (!rows.is_empty()).then(|| RatesView {
                rows,
                source_time: r.source_time.clone(),
                updated: updated(lang, at),
            })
        });
        let visitors = st.app.visits().figures().map(|f| VisitorsView {
            online: lang.number(f.online as f64, 0),
            today: lang.number(f.today as f64, 0),
            month: lang.number(f.month as f64, 0),
            total: lang.number(f.total as f64, 0),
        });
        (weather.is_some() || rates.is_some() || visitors.is_some()).then_some(Sidebar {
            lang,
            weather,
            rates,
            visitors,
        })
    }

    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }
}

fn updated(lang: Lang, at: Timestamp) -> Updated {
    let local = at.to_zoned(dondoc_app::vietnam());
    let time = format!("{:02}:{:02}", local.hour(), local.minute());
    Updated {
        text: format!("{time} {}", lang.date(local.date())),
        iso: local.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
    }
}

/// Whether a GET of `path` may be a page worth counting (its answer says for sure).
fn countable(path: &str) -> bool {
    !["/api/", "/assets/", "/calendar/", "/pick/", "/lang/"]
        .iter()
        .any(|p| path.starts_with(p))
        && !matches!(path, "/metrics" | "/healthz" | "/readyz")
}

/// Counts a view of an HTML page (a GET answered 200 with `text/html`), by the client's
/// address and user agent; crawlers are left out by `app::visits`. Only notes it in memory.
pub async fn count(State(st): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::GET || !countable(req.uri().path()) {
        return next.run(req).await;
    }
    let address =
        crate::auth::client_addr(req.extensions(), req.headers(), st.config.trusted_proxies);
    let agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let resp = next.run(req).await;
    let html = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    if resp.status() == StatusCode::OK && html {
        st.app.visits().note(&address, &agent, st.app.clock().now());
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_weather_is_described_in_both_languages() {
        for code in 0..=99u8 {
            let w = dondoc_app::widgets::Weather {
                temperature: 20.0,
                code: Some(code),
                wind_speed: None,
            };
            let key = format!("wx.{}", w.kind().unwrap());
            for lang in [Lang::Vi, Lang::En] {
                assert_ne!(lang.t(&key), Lang::Vi.t("missing"), "{key}");
            }
        }
    }
}
