#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code"
)]
//! The `corpus/real/` cases: trust policies copied from public documentation and samples,
//! linted with every rule (no inventory). Each snapshot holds the input and a compact list of
//! the findings; `corpus/real/index.jsonl` must describe exactly the `.json` files present.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::PathBuf;
use trustlint_core::check::{check, CheckOptions};
use trustlint_core::source::LineIndex;

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../corpus/real")
}

/// One line per finding: `code severity line:col message`.
fn findings(text: &str) -> (usize, String) {
    let report = check(text.as_bytes(), &CheckOptions::default());
    let index = LineIndex::new(text);
    let mut out = String::new();
    for r in &report.findings {
        let f = &r.finding;
        let at = index.position(text, f.span.start);
        writeln!(
            out,
            "{} {} {}:{} {}",
            f.code,
            f.severity.as_str(),
            at.line,
            at.column,
            f.message
        )
        .unwrap();
    }
    (report.findings.len(), out)
}

#[test]
fn real_corpus_snapshots() {
    let mut seen = 0;
    insta::glob!(
        "../../../corpus",
        "real/*.json",
        |path: &std::path::Path| {
            let text = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
            let (n, listed) = findings(&text);
            seen += 1;
            insta::assert_snapshot!(format!("# Input\n{text}\n# Findings ({n})\n{listed}"));
        }
    );
    assert!(seen > 0, "no corpus/real/*.json case found");
}

#[test]
fn index_lists_every_case() {
    let dir = corpus();
    let on_disk: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    let index = std::fs::read_to_string(dir.join("index.jsonl")).unwrap();
    let mut listed = BTreeSet::new();
    let mut ids = BTreeSet::new();
    for (i, line) in index
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let entry: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("index.jsonl line {}: {e}", i + 1));
        for field in [
            "id",
            "file",
            "source",
            "source_kind",
            "original_format",
            "substitutions",
            "notes",
        ] {
            assert!(
                entry.get(field).is_some(),
                "index.jsonl line {}: no `{field}`",
                i + 1
            );
        }
        assert!(
            entry["substitutions"].is_array(),
            "index.jsonl line {}: `substitutions` is not a list",
            i + 1
        );
        let id = entry["id"].as_str().expect("id is a string").to_owned();
        let file = entry["file"].as_str().expect("file is a string").to_owned();
        assert!(
            file.starts_with(&format!("{id}-")),
            "index.jsonl line {}: file `{file}` does not start with id `{id}`",
            i + 1
        );
        assert!(ids.insert(id.clone()), "index.jsonl: id `{id}` twice");
        assert!(
            dir.join(&file).is_file(),
            "index.jsonl lists `{file}`, which does not exist"
        );
        assert!(listed.insert(file.clone()), "index.jsonl: `{file}` twice");
    }
    let unlisted: Vec<&String> = on_disk.difference(&listed).collect();
    assert!(unlisted.is_empty(), "not in index.jsonl: {unlisted:?}");
}
