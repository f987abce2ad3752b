//! Charts drawn on the server as SVG, set inline in a page: no script, nothing to load, and
//! printed as they are shown. Each is an image with a title for screen readers; the page
//! puts the same figures in a table beside it, which is what a reader who cannot see it
//! reads. Colours are classes of the stylesheet (`.c-*`), so that contrast is decided in one
//! place.
//!
//! Three shapes cover the dashboard: horizontal bars (a count or a rate per unit, status,
//! category), stacked columns (done on time and late, month by month) and bars against a
//! plan (where a target stands and where it is heading, with the plan's line at 100 %).

use std::fmt::Write;

use quick_xml::escape::escape;

/// One bar: its label, its value and the class that colours it.
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// The value as shown at the end of the bar ("87,2 %", "1.250").
    pub shown: String,
    pub class: &'static str,
}

const WIDTH: f64 = 640.0;
const LABEL: f64 = 230.0;
const VALUE: f64 = 70.0;
const ROW: f64 = 26.0;

fn open(out: &mut String, title: &str, height: f64) {
    let _ = write!(
        out,
        r#"<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#,
        escape(title)
    );
}

/// A label cut to what fits its column, whole in the bar's tooltip.
fn short(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        return label.to_string();
    }
    let cut: String = label.chars().take(max - 1).collect();
    format!("{}…", cut.trim_end())
}

/// Horizontal bars, longest for the largest value (or for `max`, when given: 100 for rates).
pub fn bars(title: &str, bars: &[Bar], max: Option<f64>) -> String {
    let height = (bars.len().max(1) as f64) * ROW + 8.0;
    let top = max
        .unwrap_or_else(|| bars.iter().map(|b| b.value).fold(0.0, f64::max))
        .max(f64::MIN_POSITIVE);
    let room = WIDTH - LABEL - VALUE;
    let mut out = String::new();
    open(&mut out, title, height);
    for (i, b) in bars.iter().enumerate() {
        let y = 4.0 + i as f64 * ROW;
        let w = (b.value.max(0.0) / top).min(1.0) * room;
        let _ = write!(
            out,
            r#"<g><title>{label}: {shown}</title><text x="{lx}" y="{ty}" text-anchor="end" class="c-label">{cut}</text><rect x="{LABEL}" y="{ry}" width="{w:.1}" height="{h}" rx="3" class="{class}"/><text x="{vx:.1}" y="{ty}" class="c-value">{shown}</text></g>"#,
            label = escape(&b.label),
            shown = escape(&b.shown),
            cut = escape(short(&b.label, 30)),
            lx = LABEL - 8.0,
            ty = y + 17.0,
            ry = y + 4.0,
            h = ROW - 8.0,
            class = b.class,
            vx = LABEL + w + 6.0,
        );
    }
    out.push_str("</svg>");
    out
}

/// One column of stacked parts, bottom first: (value, class, name of the series).
pub struct Column {
    pub label: String,
    pub parts: Vec<(i64, &'static str)>,
}

/// Columns of stacked counts with a scale on the left and a legend under them.
pub fn columns(title: &str, columns: &[Column], legend: &[(&str, &'static str)]) -> String {
    let (chart_h, axis, left) = (180.0, 22.0, 40.0);
    let height = chart_h + axis + 26.0;
    let total = |c: &Column| c.parts.iter().map(|(v, _)| (*v).max(0)).sum::<i64>();
    let top = nice_top(columns.iter().map(total).max().unwrap_or(0));
    let slot = (WIDTH - left) / columns.len().max(1) as f64;
    let bar = (slot * 0.6).min(48.0);
    let mut out = String::new();
    open(&mut out, title, height);
    for i in 0..=4 {
        let v = top * i / 4;
        let y = chart_h - chart_h * i as f64 / 4.0 + 4.0;
        let _ = write!(
            out,
            r#"<line x1="{left}" x2="{WIDTH}" y1="{y}" y2="{y}" class="c-grid"/><text x="{tx}" y="{ty}" text-anchor="end" class="c-axis">{v}</text>"#,
            tx = left - 6.0,
            ty = y + 4.0,
        );
    }
    // Every label when they fit, else every few.
    let every = ((columns.len() as f64 * 44.0 / (WIDTH - left)).ceil() as usize).max(1);
    for (i, c) in columns.iter().enumerate() {
        let x = left + i as f64 * slot + (slot - bar) / 2.0;
        let mut y = chart_h + 4.0;
        let sum = total(c);
        let _ = write!(out, "<g><title>{}: {sum}</title>", escape(&c.label));
        for (v, class) in &c.parts {
            let h = chart_h * (*v).max(0) as f64 / top as f64;
            y -= h;
            if h > 0.0 {
                let _ = write!(
                    out,
                    r#"<rect x="{x:.1}" y="{y:.1}" width="{bar:.1}" height="{h:.1}" class="{class}"/>"#
                );
            }
        }
        if i % every == 0 {
            let _ = write!(
                out,
                r#"<text x="{cx:.1}" y="{ly}" text-anchor="middle" class="c-axis">{}</text>"#,
                escape(&c.label),
                cx = x + bar / 2.0,
                ly = chart_h + axis,
            );
        }
        out.push_str("</g>");
    }
    draw_legend(&mut out, legend, left, chart_h + axis + 10.0);
    out.push_str("</svg>");
    out
}

/// A legend: a swatch and a name per series, in a row from `x` at height `y`.
fn draw_legend(out: &mut String, legend: &[(&str, &'static str)], mut x: f64, y: f64) {
    for (name, class) in legend {
        let _ = write!(
            out,
            r#"<rect x="{x}" y="{y}" width="12" height="12" class="{class}"/><text x="{tx}" y="{ty}" class="c-label">{}</text>"#,
            escape(*name),
            tx = x + 16.0,
            ty = y + 11.0,
        );
        x += 24.0 + name.chars().count() as f64 * 7.5;
    }
}

/// A round top for a scale of four steps: 4, 8, 20, 40, 80, 200, ….
fn nice_top(max: i64) -> i64 {
    let mut top = 4;
    while top < max {
        top = match top.to_string().chars().next() {
            Some('4') => top * 2,
            Some('8') => top / 8 * 20,
            _ => top * 2,
        };
    }
    top
}

/// One target: where it stands and where it is heading, in percent of its plan.
pub struct Attainment {
    pub label: String,
    pub actual: Option<f64>,
    pub projected: Option<f64>,
    pub actual_shown: String,
    pub projected_shown: String,
}

/// Bars of percent of plan, the plan's line at 100 %; a projection drawn as a lighter bar
/// behind the figure.
pub fn attainment(title: &str, rows: &[Attainment], legend: &[(&str, &'static str)]) -> String {
    let height = (rows.len().max(1) as f64) * ROW + 30.0;
    let room = WIDTH - LABEL - VALUE - 30.0;
    // The scale reaches 120 % (or the largest figure), so that going over the plan shows.
    let top = rows
        .iter()
        .flat_map(|r| [r.actual, r.projected])
        .flatten()
        .fold(120.0, f64::max)
        .min(400.0);
    let x_of = |p: f64| LABEL + (p.max(0.0) / top).min(1.0) * room;
    let mut out = String::new();
    open(&mut out, title, height);
    for (i, r) in rows.iter().enumerate() {
        let y = 4.0 + i as f64 * ROW;
        let _ = write!(
            out,
            r#"<g><title>{label}: {a} → {p}</title><text x="{lx}" y="{ty}" text-anchor="end" class="c-label">{cut}</text>"#,
            label = escape(&r.label),
            a = escape(&r.actual_shown),
            p = escape(&r.projected_shown),
            cut = escape(short(&r.label, 30)),
            lx = LABEL - 8.0,
            ty = y + 17.0,
        );
        if let Some(p) = r.projected {
            let _ = write!(
                out,
                r#"<rect x="{LABEL}" y="{ry}" width="{w:.1}" height="{h}" rx="3" class="c-projected"/>"#,
                ry = y + 3.0,
                w = x_of(p) - LABEL,
                h = ROW - 6.0,
            );
        }
        let end = match r.actual {
            Some(a) => {
                let class = if a >= 100.0 { "c-ok" } else { "c-info" };
                let _ = write!(
                    out,
                    r#"<rect x="{LABEL}" y="{ry}" width="{w:.1}" height="{h}" rx="3" class="{class}"/>"#,
                    ry = y + 7.0,
                    w = x_of(a) - LABEL,
                    h = ROW - 14.0,
                );
                x_of(a.max(r.projected.unwrap_or(0.0)))
            }
            None => LABEL,
        };
        let _ = write!(
            out,
            r#"<text x="{vx:.1}" y="{ty}" class="c-value">{a}</text></g>"#,
            vx = end + 6.0,
            ty = y + 17.0,
            a = escape(&r.actual_shown),
        );
    }
    let plan = x_of(100.0);
    let bottom = rows.len().max(1) as f64 * ROW + 4.0;
    let _ = write!(
        out,
        r#"<line x1="{plan:.1}" x2="{plan:.1}" y1="0" y2="{bottom}" class="c-plan"/><text x="{plan:.1}" y="{ty}" text-anchor="middle" class="c-axis">100 %</text>"#,
        ty = bottom + 14.0,
    );
    draw_legend(&mut out, legend, 8.0, bottom + 4.0);
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_cut() {
        let svg = bars(
            "Kiến nghị <theo> đơn vị",
            &[Bar {
                label: "Ban quản lý dự án đầu tư xây dựng các dự án thành phố & <script>".into(),
                value: 3.0,
                shown: "3".into(),
                class: "c-info",
            }],
            None,
        );
        assert!(!svg.contains("<script>"), "{svg}");
        assert!(svg.contains("&lt;theo&gt;"));
        assert!(svg.contains("Ban quản lý dự án đầu tư xây…"), "{svg}");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }

    #[test]
    fn scales_end_on_round_numbers() {
        let tops: Vec<i64> = [0, 3, 5, 9, 21, 79, 81, 150, 1_000]
            .into_iter()
            .map(nice_top)
            .collect();
        assert_eq!(tops, [4, 4, 8, 20, 40, 80, 200, 200, 2_000]);
    }

    #[test]
    fn bars_grow_with_their_values() {
        let svg = bars(
            "t",
            &[
                Bar {
                    label: "a".into(),
                    value: 50.0,
                    shown: "50".into(),
                    class: "c-ok",
                },
                Bar {
                    label: "b".into(),
                    value: 100.0,
                    shown: "100".into(),
                    class: "c-ok",
                },
            ],
            Some(100.0),
        );
        let room = WIDTH - LABEL - VALUE;
        assert!(
            svg.contains(&format!(r#"width="{:.1}""#, room / 2.0)),
            "{svg}"
        );
        assert!(svg.contains(&format!(r#"width="{room:.1}""#)), "{svg}");
    }
}
