//! The sidebar's widgets: the weather and exchange rates, each read from a configured source
//! in the background and kept in memory with the time it was read.
//!
//! A page never waits for a source: it reads what is kept ([`Widgets::weather`],
//! [`Widgets::rates`]). A source that is down, hangs (every fetch has a timeout) or answers
//! garbage leaves the last good value in place, shown with its time; nothing is shown for a
//! source never read. The parsers are pure functions of the bytes ([`parse_weather`],
//! [`parse_rates`]). No source configured, no widget and no fetch.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use jiff::Timestamp;

/// The largest answer read from a source.
const MAX_BODY: usize = 512 * 1024;

/// The currencies the sidebar shows, in this order, when the source lists them.
pub const SHOWN_CURRENCIES: &[&str] = &["USD", "EUR", "JPY", "GBP", "CNY", "KRW", "AUD", "SGD"];

/// How a weather source writes its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeatherFormat {
    /// Open-Meteo's forecast JSON: `current` (`temperature_2m`, `weather_code`) or the older
    /// `current_weather` (`temperature`, `weathercode`).
    OpenMeteo,
}

impl WeatherFormat {
    pub const NAMES: &[&str] = &["open-meteo"];

    pub fn parse(name: &str) -> Option<Self> {
        match name.trim() {
            "open-meteo" => Some(WeatherFormat::OpenMeteo),
            _ => None,
        }
    }
}

/// How a rates source writes its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatesFormat {
    /// Vietcombank's XML list: `<ExrateList><DateTime>…</DateTime><Exrate CurrencyCode="USD"
    /// CurrencyName="US DOLLAR" Buy="…" Transfer="…" Sell="…"/>…</ExrateList>`.
    VietcombankXml,
}

impl RatesFormat {
    pub const NAMES: &[&str] = &["vietcombank-xml"];

    pub fn parse(name: &str) -> Option<Self> {
        match name.trim() {
            "vietcombank-xml" => Some(RatesFormat::VietcombankXml),
            _ => None,
        }
    }
}

/// Where the widgets read from, and how often.
#[derive(Debug, Clone)]
pub struct Sources {
    pub weather: Option<(String, WeatherFormat)>,
    pub rates: Option<(String, RatesFormat)>,
    /// Between two reads of each source.
    pub every: Duration,
    /// The longest a read may take, connecting included.
    pub timeout: Duration,
}

impl Default for Sources {
    fn default() -> Self {
        Sources {
            weather: None,
            rates: None,
            every: Duration::from_secs(15 * 60),
            timeout: Duration::from_secs(10),
        }
    }
}

/// The weather now.
#[derive(Debug, Clone, PartialEq)]
pub struct Weather {
    /// °C.
    pub temperature: f64,
    /// The WMO weather code, when given.
    pub code: Option<u8>,
    /// km/h, when given.
    pub wind_speed: Option<f64>,
}

impl Weather {
    /// The kind of weather its code says, as a key for the words of each language (`clear`,
    /// `cloudy`, `rain`, …); `None` without a code.
    pub fn kind(&self) -> Option<&'static str> {
        Some(match self.code? {
            0 => "clear",
            1 => "mainly_clear",
            2 => "partly_cloudy",
            3 => "overcast",
            45 | 48 => "fog",
            51..=57 => "drizzle",
            61..=67 => "rain",
            71..=77 | 85 | 86 => "snow",
            80..=82 => "showers",
            95..=99 => "thunderstorm",
            _ => "unknown",
        })
    }
}

/// One currency's rates in đồng; a rate the source leaves blank ("-") is `None`.
#[derive(Debug, Clone, PartialEq)]
pub struct Rate {
    pub code: String,
    pub name: String,
    pub buy: Option<f64>,
    pub transfer: Option<f64>,
    pub sell: Option<f64>,
}

/// A list of rates, with the time the source gives it (as the source writes it).
#[derive(Debug, Clone, PartialEq)]
pub struct Rates {
    pub source_time: Option<String>,
    pub rates: Vec<Rate>,
}

impl Rates {
    /// The rates of [`SHOWN_CURRENCIES`], in that order.
    pub fn shown(&self) -> Vec<&Rate> {
        SHOWN_CURRENCIES
            .iter()
            .filter_map(|c| self.rates.iter().find(|r| r.code == *c))
            .collect()
    }
}

/// A value and when it was read.
#[derive(Debug, Clone, PartialEq)]
pub struct Kept<T> {
    pub value: T,
    pub at: Timestamp,
}

/// Why a source's answer was not taken.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SourceError {
    #[error("the answer is not in the expected format: {0}")]
    Garbage(&'static str),
}

/// The weather in an Open-Meteo answer.
pub fn parse_weather(body: &[u8], format: WeatherFormat) -> Result<Weather, SourceError> {
    let WeatherFormat::OpenMeteo = format;
    let json: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| SourceError::Garbage("not JSON"))?;
    let (now, temperature, code, wind) = if let Some(now) = json.get("current") {
        (now, "temperature_2m", "weather_code", "wind_speed_10m")
    } else if let Some(now) = json.get("current_weather") {
        (now, "temperature", "weathercode", "windspeed")
    } else {
        return Err(SourceError::Garbage("no current weather"));
    };
    let temperature = now
        .get(temperature)
        .and_then(serde_json::Value::as_f64)
        .filter(|t| (-90.0..=60.0).contains(t))
        .ok_or(SourceError::Garbage("no plausible temperature"))?;
    let code = now
        .get(code)
        .or_else(|| now.get("weather_code"))
        .and_then(serde_json::Value::as_f64)
        .filter(|c| c.fract() == 0.0 && (0.0..=99.0).contains(c))
        .map(|c| c as u8);
    let wind_speed = now
        .get(wind)
        .or_else(|| now.get("wind_speed"))
        .and_then(serde_json::Value::as_f64)
        .filter(|w| (0.0..=500.0).contains(w));
    Ok(Weather {
        temperature,
        code,
        wind_speed,
    })
}

/// The rates in a Vietcombank-style XML list: at least one currency with a code of three
/// letters and a readable rate, else garbage.
pub fn parse_rates(body: &[u8], format: RatesFormat) -> Result<Rates, SourceError> {
    use quick_xml::events::Event;
    let RatesFormat::VietcombankXml = format;
    let mut reader = quick_xml::Reader::from_reader(body);
    let mut rates = Vec::new();
    let mut source_time = None;
    let mut in_time = false;
    let mut root = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|_| SourceError::Garbage("not XML"))?;
        match event {
            Event::Start(e) if e.local_name().as_ref() == b"ExrateList" => root = true,
            Event::Start(e) if e.local_name().as_ref() == b"DateTime" => in_time = true,
            Event::End(e) if e.local_name().as_ref() == b"DateTime" => in_time = false,
            Event::Text(t) if in_time => {
                let text = t.decode().map_err(|_| SourceError::Garbage("not text"))?;
                let text = text.trim();
                if !text.is_empty() && text.len() <= 64 {
                    source_time = Some(text.to_string());
                }
            }
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"Exrate" => {
                let attr = |name: &str| -> Option<String> {
                    let a = e.try_get_attribute(name).ok()??;
                    let raw = std::str::from_utf8(&a.value).ok()?;
                    Some(quick_xml::escape::unescape(raw).ok()?.trim().to_string())
                };
                let Some(code) = attr("CurrencyCode")
                    .filter(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()))
                else {
                    continue;
                };
                let rate = Rate {
                    name: attr("CurrencyName")
                        .map(|n| n.chars().take(64).collect())
                        .unwrap_or_default(),
                    buy: attr("Buy").as_deref().and_then(amount),
                    transfer: attr("Transfer").as_deref().and_then(amount),
                    sell: attr("Sell").as_deref().and_then(amount),
                    code,
                };
                if (rate.buy.is_some() || rate.transfer.is_some() || rate.sell.is_some())
                    && rates.len() < 100
                {
                    rates.push(rate);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !root || rates.is_empty() {
        return Err(SourceError::Garbage("no rate list"));
    }
    Ok(Rates { source_time, rates })
}

/// "25,010.00" → 25010.0; "-", blank or anything else → none.
fn amount(s: &str) -> Option<f64> {
    let plain: String = s.chars().filter(|c| *c != ',').collect();
    if plain.is_empty() || !plain.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    plain
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v > 0.0)
}

/// The widgets of one node: their sources, and the values last read.
#[derive(Clone, Default)]
pub struct Widgets {
    sources: Arc<Sources>,
    weather: Arc<RwLock<Option<Kept<Weather>>>>,
    rates: Arc<RwLock<Option<Kept<Rates>>>>,
}

impl Widgets {
    pub fn new(sources: Sources) -> Widgets {
        Widgets {
            sources: Arc::new(sources),
            ..Default::default()
        }
    }

    /// Whether any widget has a source.
    pub fn any(&self) -> bool {
        self.sources.weather.is_some() || self.sources.rates.is_some()
    }

    /// The weather last read, with its time.
    pub fn weather(&self) -> Option<Kept<Weather>> {
        self.weather.read().ok()?.clone()
    }

    /// The rates last read, with their time.
    pub fn rates(&self) -> Option<Kept<Rates>> {
        self.rates.read().ok()?.clone()
    }

    /// Reads each source once (at the same time), keeping what parses; a failure is logged
    /// and leaves the last value. Returns when both reads are done or timed out.
    pub async fn refresh(&self, clock: &crate::Clock) {
        let Ok(client) = reqwest::Client::builder()
            .timeout(self.sources.timeout)
            .connect_timeout(self.sources.timeout)
            .redirect(reqwest::redirect::Policy::limited(3))
            .user_agent(concat!("dondoc/", env!("CARGO_PKG_VERSION")))
            .build()
        else {
            tracing::warn!("no HTTP client for the widgets");
            return;
        };
        let weather = async {
            if let Some((url, format)) = &self.sources.weather {
                match fetch(&client, url, self.sources.timeout).await {
                    Ok(body) => match parse_weather(&body, *format) {
                        Ok(value) => keep(&self.weather, value, clock.now()),
                        Err(e) => tracing::warn!(error = %e, url, "weather source"),
                    },
                    Err(e) => tracing::warn!(error = %e, url, "weather source"),
                }
            }
        };
        let rates = async {
            if let Some((url, format)) = &self.sources.rates {
                match fetch(&client, url, self.sources.timeout).await {
                    Ok(body) => match parse_rates(&body, *format) {
                        Ok(value) => keep(&self.rates, value, clock.now()),
                        Err(e) => tracing::warn!(error = %e, url, "exchange rate source"),
                    },
                    Err(e) => tracing::warn!(error = %e, url, "exchange rate source"),
                }
            }
        };
        tokio::join!(weather, rates);
    }

    /// Reads the sources every `Sources::every`, for as long as the process runs; nothing
    /// when none is configured.
    pub async fn run(self, clock: crate::Clock) {
        if !self.any() {
            return;
        }
        loop {
            self.refresh(&clock).await;
            tokio::time::sleep(self.sources.every).await;
        }
    }
}

fn keep<T>(slot: &RwLock<Option<Kept<T>>>, value: T, at: Timestamp) {
    if let Ok(mut slot) = slot.write() {
        *slot = Some(Kept { value, at });
    }
}

/// The body of a 200 answer from `url`, at most [`MAX_BODY`] bytes, within `timeout` in all.
async fn fetch(client: &reqwest::Client, url: &str, timeout: Duration) -> anyhow::Result<Vec<u8>> {
    let read = async {
        let mut resp = client.get(url).send().await?.error_for_status()?;
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await? {
            if body.len() + chunk.len() > MAX_BODY {
                anyhow::bail!("the answer is larger than {MAX_BODY} bytes");
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    };
    tokio::time::timeout(timeout, read)
        .await
        .map_err(|_| anyhow::anyhow!("no answer within {timeout:?}"))?
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPEN_METEO: &str = r#"{"latitude":20.95,"longitude":107.08,"current_units":{"temperature_2m":"°C"},
        "current":{"time":"2026-11-26T09:00","interval":900,"temperature_2m":24.3,"weather_code":61,"wind_speed_10m":11.2}}"#;
    const OPEN_METEO_OLD: &str = r#"{"current_weather":{"temperature":31.0,"windspeed":7.9,"winddirection":120,"weathercode":2,"time":"2020-08-24T09:00"}}"#;
    const VIETCOMBANK: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<ExrateList>
  <DateTime>11/26/2026 8:30:12 AM</DateTime>
  <Exrate CurrencyCode="AUD" CurrencyName="AUSTRALIAN DOLLAR" Buy="16,244.57" Transfer="16,408.66" Sell="16,934.90" />
  <Exrate CurrencyCode="EUR" CurrencyName="EURO" Buy="27,010.11" Transfer="27,282.94" Sell="28,491.03" />
  <Exrate CurrencyCode="KWD" CurrencyName="KUWAITI DINAR" Buy="-" Transfer="82,456.10" Sell="85,634.27" />
  <Exrate CurrencyCode="USD" CurrencyName="US DOLLAR" Buy="25,090.00" Transfer="25,120.00" Sell="25,480.00" />
  <Exrate CurrencyCode="JPY" CurrencyName="JAPANESE YEN" Buy="159.03" Transfer="160.64" Sell="168.22" />
  <Source>Joint Stock Commercial Bank for Foreign Trade of Vietnam - Vietcombank</Source>
</ExrateList>"#;

    #[test]
    fn weather_from_open_meteo() {
        let w = parse_weather(OPEN_METEO.as_bytes(), WeatherFormat::OpenMeteo).unwrap();
        assert_eq!(
            (w.temperature, w.code, w.wind_speed),
            (24.3, Some(61), Some(11.2))
        );
        assert_eq!(w.kind(), Some("rain"));
        let w = parse_weather(OPEN_METEO_OLD.as_bytes(), WeatherFormat::OpenMeteo).unwrap();
        assert_eq!((w.temperature, w.code), (31.0, Some(2)));
        assert_eq!(w.kind(), Some("partly_cloudy"));
        let w = parse_weather(
            br#"{"current":{"temperature_2m":-3}}"#,
            WeatherFormat::OpenMeteo,
        )
        .unwrap();
        assert_eq!((w.temperature, w.code, w.kind()), (-3.0, None, None));
    }

    #[test]
    fn weather_garbage_is_refused() {
        for body in [
            &b""[..],
            b"<html>502 Bad Gateway</html>",
            b"\xff\xfe\x00garbage",
            b"null",
            b"[]",
            br#"{"error":true,"reason":"Latitude must be in range"}"#,
            br#"{"current":{}}"#,
            br#"{"current":{"temperature_2m":"hot"}}"#,
            br#"{"current":{"temperature_2m":1e308}}"#,
            br#"{"current_weather":{"temperature":999}}"#,
            br#"{"current":{"temperature_2m":24"#,
        ] {
            assert!(
                parse_weather(body, WeatherFormat::OpenMeteo).is_err(),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        // A code out of range is dropped, not shown.
        let w = parse_weather(
            br#"{"current":{"temperature_2m":20,"weather_code":1234}}"#,
            WeatherFormat::OpenMeteo,
        )
        .unwrap();
        assert_eq!(w.code, None);
    }

    #[test]
    fn rates_from_vietcombank() {
        let r = parse_rates(VIETCOMBANK.as_bytes(), RatesFormat::VietcombankXml).unwrap();
        assert_eq!(r.source_time.as_deref(), Some("11/26/2026 8:30:12 AM"));
        assert_eq!(r.rates.len(), 5);
        let kwd = r.rates.iter().find(|r| r.code == "KWD").unwrap();
        assert_eq!((kwd.buy, kwd.transfer), (None, Some(82456.10)));
        let shown: Vec<_> = r.shown().iter().map(|r| r.code.as_str()).collect();
        assert_eq!(shown, ["USD", "EUR", "JPY", "AUD"]);
        let usd = r.shown()[0];
        assert_eq!(
            (usd.name.as_str(), usd.buy, usd.transfer, usd.sell),
            ("US DOLLAR", Some(25090.0), Some(25120.0), Some(25480.0))
        );
    }

    #[test]
    fn rates_garbage_is_refused() {
        for body in [
            "",
            "not xml at all",
            "{\"USD\": 25000}",
            "<html><body>Service Unavailable</body></html>",
            "<ExrateList><DateTime>now</DateTime></ExrateList>",
            "<ExrateList><Exrate CurrencyCode=\"usd\" Buy=\"1\"/></ExrateList>",
            "<ExrateList><Exrate CurrencyCode=\"USD\" Buy=\"abc\" Sell=\"-\"/></ExrateList>",
            "<ExrateList><Exrate CurrencyCode=\"USD\" Buy=\"25,000\"",
            "<Exrate CurrencyCode=\"USD\" Buy=\"25,000\"/>",
        ] {
            assert!(
                parse_rates(body.as_bytes(), RatesFormat::VietcombankXml).is_err(),
                "{body}"
            );
        }
    }

    #[test]
    fn amounts() {
        for (s, v) in [
            ("25,090.00", Some(25090.0)),
            ("159.03", Some(159.03)),
            ("-", None),
            ("", None),
            ("1e9", None),
            ("NaN", None),
            ("-5", None),
        ] {
            assert_eq!(amount(s), v, "{s}");
        }
    }
}
