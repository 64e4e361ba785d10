//! The demo repository under `examples/`: `trustlint check` reports exactly the problems that
//! `examples/README.md` says are planted there (file, line and code), and nothing else.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trustlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run trustlint")
}

/// `(file, line, code)` of every row of the planted-problems table in examples/README.md.
fn planted() -> BTreeSet<(String, u64, String)> {
    let readme = std::fs::read_to_string(repo().join("examples/README.md")).unwrap();
    readme
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let code = cells[3].split_whitespace().next().unwrap().to_owned();
            (
                cells[1].trim_matches('`').to_owned(),
                cells[2].parse().unwrap(),
                code,
            )
        })
        .collect()
}

fn reported(out: &Output, prefix: &str) -> BTreeSet<(String, u64, String)> {
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let path = d["path"].as_str().unwrap();
            (
                path.strip_prefix(prefix).unwrap_or(path).to_owned(),
                d["span"]["start"]["line"].as_u64().unwrap(),
                d["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn readme_command_reports_exactly_the_planted_problems() {
    let planted = planted();
    assert!(planted.len() >= 8, "the table lists {planted:?}");
    let out = run(
        &repo(),
        &[
            "check",
            "examples/",
            "--config",
            "examples/trustlint.toml",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(reported(&out, "examples/"), planted);
}

#[test]
fn inside_the_demo_the_inventory_is_found_without_flags() {
    let out = run(
        &repo().join("examples"),
        &["check", ".", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(reported(&out, "./"), planted());
}

#[test]
fn human_output_labels_every_planted_problem() {
    let out = run(
        &repo(),
        &["check", "examples/", "--config", "examples/trustlint.toml"],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!(text);
}

/// `--role` takes the IAM role name as well as the resource address, in both query commands.
#[test]
fn roles_in_a_plan_answer_to_their_iam_name() {
    let dir = repo().join("examples");
    for name in ["payments-ledger", "module.payments.aws_iam_role.this"] {
        let who = run(
            &dir,
            &[
                "who-can-assume",
                "terraform/plan.json",
                "--role",
                name,
                "--format",
                "json",
            ],
        );
        assert!(
            who.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&who.stderr)
        );
        let doc: Value = serde_json::from_slice(&who.stdout).unwrap();
        let roles = doc["results"].as_array().unwrap();
        assert_eq!(roles.len(), 1, "{name}: {doc}");
    }
    let missing = run(
        &dir,
        &["who-can-assume", "terraform/plan.json", "--role", "nope"],
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no role named `nope`"));
}
