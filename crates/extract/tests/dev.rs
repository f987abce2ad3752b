//! The reader on real reports it was not written for: the development set of
//! `../shared/extract/dev` (16 reports of 13 provinces with hand-made answers), scored with
//! score.py's rules as `score.py --dir` scores a directory — counts summed over the reports,
//! then F1 per section, the macro F1 over the sections and the header accuracy.
//!
//! The texts belong to their publishers and stay outside the project: the test reads them from
//! the shared directory beside the checkout (or `DONDOC_DEV_DIR`). A clone elsewhere has no
//! such directory: the test then skips, saying so (and `scripts/test` counts it among the
//! skipped); a `DONDOC_DEV_DIR` that names a missing directory fails. With
//! `DONDOC_DEV_OUT=DIR` it also writes each extraction there, for `score.py --dir GOLDEN DIR`
//! to check the same figures.

mod scorer;

use std::path::PathBuf;

use scorer::{header_fields, score, Tally};
use serde_json::Value;

const MACRO_F1_FLOOR: f64 = 0.85;
const HEADER_FLOOR: f64 = 0.85;
const SECTION_FLOOR: f64 = 0.70;

fn dev_dir() -> PathBuf {
    match std::env::var_os("DONDOC_DEV_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/extract/dev"),
    }
}

/// A report as published there: its first two lines (`# source: URL` and a blank) are not part
/// of it.
fn report_text(raw: &str) -> String {
    raw.splitn(3, '\n').nth(2).unwrap_or("").to_string()
}

#[test]
fn the_reader_scores_well_on_the_development_set() {
    let dir = dev_dir();
    let golden = dir.join("golden");
    if !golden.is_dir() {
        assert!(
            std::env::var_os("DONDOC_DEV_DIR").is_none(),
            "DONDOC_DEV_DIR names no development set: {}",
            dir.display()
        );
        println!(
            "skipped: no development set at {} (set DONDOC_DEV_DIR)",
            dir.display()
        );
        // Said in the test command's summary (`scripts/test`).
        if let Some(d) = std::env::var_os("DONDOC_SKIPPED_DIR") {
            let _ = std::fs::write(PathBuf::from(d).join("reader-dev-set"), "");
        }
        return;
    }
    let out_dir = std::env::var_os("DONDOC_DEV_OUT").map(PathBuf::from);
    if let Some(d) = &out_dir {
        std::fs::create_dir_all(d).expect("DONDOC_DEV_OUT can be created");
    }
    let mut names: Vec<PathBuf> = std::fs::read_dir(&golden)
        .expect("the golden directory reads")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no answers in {}", golden.display());

    let mut sums: Vec<(&'static str, Tally)> = Vec::new();
    let mut header: Vec<(&'static str, usize, usize)> = Vec::new();
    let mut lines = Vec::new();
    for g in &names {
        let stem = g.file_stem().unwrap().to_string_lossy().to_string();
        let raw = std::fs::read_to_string(dir.join(format!("{stem}.txt")))
            .unwrap_or_else(|e| panic!("{stem}.txt: {e}"));
        let gold: Value = serde_json::from_str(&std::fs::read_to_string(g).unwrap()).unwrap();
        let extraction = dondoc_extract::extract(&report_text(&raw));
        if let Some(d) = &out_dir {
            std::fs::write(
                d.join(format!("{stem}.json")),
                dondoc_extract::to_json(&extraction, true),
            )
            .unwrap();
        }
        let out = serde_json::to_value(extraction).unwrap();
        let (m, r, t, per) = score(&gold, &out);
        let wrong: Vec<&str> = header_fields(&gold, &out)
            .into_iter()
            .inspect(
                |(name, ok)| match header.iter_mut().find(|(n, _, _)| n == name) {
                    Some(h) => {
                        h.1 += usize::from(*ok);
                        h.2 += 1;
                    }
                    None => header.push((name, usize::from(*ok), 1)),
                },
            )
            .filter(|(_, ok)| !ok)
            .map(|(n, _)| n)
            .collect();
        let sections: Vec<String> = per
            .iter()
            .map(|(n, t)| format!("{} {:.2}", &n[..4], t.f1()))
            .collect();
        lines.push(format!(
            "{stem:<48} macro F1 {m:.3}, header {r}/{t} | {} | wrong: {}",
            sections.join(" "),
            wrong.join(" ")
        ));
        for (section, t) in per {
            match sums.iter_mut().find(|(n, _)| *n == section) {
                Some((_, sum)) => sum.add(&t),
                None => sums.push((section, t)),
            }
        }
    }

    let mut faults = Vec::new();
    let mut f1s = Vec::new();
    for (section, t) in &sums {
        lines.push(t.line(section));
        f1s.push(t.f1());
        if t.f1() < SECTION_FLOOR {
            faults.push(format!("{section} F1 {:.3} < {SECTION_FLOOR}", t.f1()));
        }
    }
    let macro_f1 = f1s.iter().sum::<f64>() / f1s.len() as f64;
    let right: usize = header.iter().map(|(_, r, _)| r).sum();
    let total: usize = header.iter().map(|(_, _, t)| t).sum();
    let header_accuracy = right as f64 / total as f64;
    let fields: Vec<String> = header
        .iter()
        .map(|(n, r, t)| format!("{n} {r}/{t}"))
        .collect();
    lines.push(format!("header fields: {}", fields.join(", ")));
    lines.push(format!(
        "macro F1 {macro_f1:.3}, header accuracy {header_accuracy:.3} ({} reports)",
        names.len()
    ));
    println!("{}", lines.join("\n"));
    if macro_f1 < MACRO_F1_FLOOR {
        faults.push(format!("macro F1 {macro_f1:.3} < {MACRO_F1_FLOOR}"));
    }
    if header_accuracy < HEADER_FLOOR {
        faults.push(format!(
            "header accuracy {header_accuracy:.3} < {HEADER_FLOOR}"
        ));
    }
    assert!(
        faults.is_empty(),
        "{}\n{}",
        faults.join("\n"),
        lines.join("\n")
    );
}
