//! The reader against hand-made answers: the seed and seventeen reports of the genre written
//! for these tests (other provinces and years, list and date styles, the new tone-mark style,
//! NFD input, CRLF line ends, a truncated text, a page with its furniture around a headline
//! ending with a full stop). Scored as `../shared/extract/score.py` scores: the
//! same folding, abbreviation spelling-out and matching rules, ported here so that the suite
//! needs nothing but cargo.

mod scorer;

use std::path::Path;

use scorer::{score, Tally};
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

fn reports() -> Vec<(String, String, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut out = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(dir.join("golden"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    names.sort();
    for g in names {
        let name = g.file_stem().unwrap().to_string_lossy().to_string();
        let text =
            std::fs::read_to_string(dir.join("reports").join(format!("{name}.txt"))).unwrap();
        let gold: Value = serde_json::from_str(&std::fs::read_to_string(&g).unwrap()).unwrap();
        out.push((name, text, gold));
    }
    out
}

#[test]
fn at_least_fifteen_reports_besides_the_seed() {
    assert!(reports().len() >= 16, "{}", reports().len());
}

/// What the in-suite reports must keep scoring, summed over all of them as `score.py --dir`
/// sums: each section's F1 and each checked field's accuracy over the matched items. A change
/// that loses directive deadlines or petition repeats fails here even if the macro average
/// hides it.
const SECTION_FLOORS: &[(&str, f64)] = &[
    ("people", 0.98),
    ("organizations", 0.98),
    ("documents", 0.98),
    ("figures", 0.98),
    ("petitions", 0.98),
    ("directives", 0.98),
    ("captions", 0.98),
    ("abbreviations", 0.98),
];
const FIELD_FLOOR: f64 = 0.95;

#[test]
fn the_reader_scores_well_on_every_report() {
    let mut macro_sum = 0.0;
    let (mut right, mut total) = (0, 0);
    let mut lines = Vec::new();
    let mut sums: Vec<(&'static str, Tally)> = Vec::new();
    let all = reports();
    for (name, text, gold) in &all {
        let out = serde_json::to_value(dondoc_extract::extract(text)).unwrap();
        let (m, r, t, per) = score(gold, &out);
        macro_sum += m;
        right += r;
        total += t;
        let weak: Vec<String> = per
            .iter()
            .filter(|(_, t)| t.f1() < 0.999)
            .map(|(n, t)| format!("{n} {:.2}", t.f1()))
            .collect();
        lines.push(format!(
            "{name}: macro F1 {m:.3}, header {r}/{t} {}",
            weak.join(", ")
        ));
        assert!(m >= 0.85, "{name} scores {m:.3}:\n{}", lines.join("\n"));
        for (section, t) in per {
            match sums.iter_mut().find(|(n, _)| *n == section) {
                Some((_, sum)) => sum.add(&t),
                None => sums.push((section, t)),
            }
        }
    }
    let avg = macro_sum / all.len() as f64;
    let mut faults = Vec::new();
    for (section, t) in &sums {
        lines.push(t.line(section));
        let floor = SECTION_FLOORS
            .iter()
            .find(|(n, _)| n == section)
            .map_or(1.0, |(_, f)| *f);
        if t.f1() < floor {
            faults.push(format!("{section} F1 {:.3} < {floor}", t.f1()));
        }
        for (n, r, tot) in &t.fields {
            if *tot > 0 && (*r as f64 / *tot as f64) < FIELD_FLOOR {
                faults.push(format!("{section}.{n} {r}/{tot} < {FIELD_FLOOR}"));
            }
        }
    }
    println!(
        "{}\naverage macro F1 {avg:.3}, header {right}/{total}",
        lines.join("\n")
    );
    assert!(
        faults.is_empty(),
        "{}\n{}",
        faults.join("\n"),
        lines.join("\n")
    );
    assert!(
        avg >= 0.95,
        "average macro F1 {avg:.3}\n{}",
        lines.join("\n")
    );
    assert!(
        right as f64 / total as f64 >= 0.95,
        "header accuracy {right}/{total}"
    );
}

#[test]
fn the_seed_meets_the_acceptance_bar() {
    let (_, text, gold) = reports()
        .into_iter()
        .find(|(n, _, _)| n == "seed")
        .expect("seed report");
    let out = serde_json::to_value(dondoc_extract::extract(&text)).unwrap();
    let (m, r, t, _) = score(&gold, &out);
    assert!(m >= 0.90, "macro F1 {m:.3}");
    assert_eq!(r, t, "header accuracy");
}

#[test]
fn spans_point_at_what_they_name() {
    for (name, text, _) in reports() {
        let e = dondoc_extract::extract(&text);
        let norm = dondoc_extract::normalize(&text);
        let check = |span: [usize; 2], want: &str, what: &str| {
            let [a, b] = span;
            assert!(
                a <= b && b <= norm.len() && norm.is_char_boundary(a) && norm.is_char_boundary(b),
                "{name}: {what} span {span:?}"
            );
            assert_eq!(&norm[a..b], want, "{name}: {what}");
        };
        for p in &e.petitions {
            check(p.span, &p.text, "petition");
        }
        for d in &e.directives {
            check(d.span, &d.text, "directive");
        }
        for d in &e.documents {
            check(d.span, &d.text, "document");
        }
        for p in &e.people {
            check(p.span, &p.name, "person");
        }
        for f in &e.figures {
            let [a, b] = f.span;
            assert!(
                norm.is_char_boundary(a) && norm.is_char_boundary(b) && b <= norm.len(),
                "{name}: figure span"
            );
        }
    }
}

#[test]
fn nfd_and_crlf_read_like_nfc_and_lf() {
    let nfc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reports/07_dak_lak_abc.txt"),
    )
    .unwrap();
    assert_ne!(nfc, nfc.nfc().collect::<String>(), "the fixture is NFD");
    let a = dondoc_extract::extract(&nfc);
    let b = dondoc_extract::extract(&nfc.nfc().collect::<String>());
    assert_eq!(a, b);
    let crlf = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reports/08_ca_mau_crlf.txt"),
    )
    .unwrap();
    assert!(crlf.contains("\r\n"), "the fixture has CRLF line ends");
    let lf = dondoc_extract::extract(&crlf.replace("\r\n", "\n"));
    let with_cr = dondoc_extract::extract(&crlf);
    assert_eq!(
        lf.directives.iter().map(|d| &d.text).collect::<Vec<_>>(),
        with_cr
            .directives
            .iter()
            .map(|d| &d.text)
            .collect::<Vec<_>>()
    );
    assert_eq!(lf.session, with_cr.session);
}

/// What `dondoc extract` prints for the seed, field by field: any change to the reader's
/// output on it shows in review (`cargo insta review`, or the .snap.new file beside it).
#[test]
fn the_seed_extraction_as_a_snapshot() {
    let (_, text, _) = reports()
        .into_iter()
        .find(|(n, _, _)| n == "seed")
        .expect("seed report");
    insta::assert_snapshot!(
        "seed_extraction",
        dondoc_extract::to_json(&dondoc_extract::extract(&text), true)
    );
}
