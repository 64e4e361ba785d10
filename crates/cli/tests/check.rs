//! `trustlint check`: exit codes, discovery, configuration and the four formats.

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn trustlint_in(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trustlint"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run trustlint")
}

fn trustlint(args: &[&str]) -> Output {
    trustlint_in(&repo(), args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

const DUP: &str = "corpus/shared/063-tf-duplicate-aud-key-missing-comma.json";

#[test]
fn json_format_is_schema_1() {
    let out = trustlint(&["check", DUP, "--select", "TL002", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&out));
}

#[test]
fn sarif_format_is_2_1_0_with_the_rule_catalog() {
    let out = trustlint(&["check", DUP, "--select", "TL002", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1));
    let mut v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    // The rule docs change as rules evolve; the snapshot locks the structure.
    let rules = v["runs"][0]["tool"]["driver"]["rules"]
        .as_array_mut()
        .unwrap();
    assert!(rules.len() >= 37);
    for r in rules.iter_mut() {
        for k in ["shortDescription", "fullDescription", "help"] {
            r[k] = Value::String("[redacted]".into());
        }
    }
    rules.truncate(2);
    insta::assert_snapshot!(serde_json::to_string_pretty(&v).unwrap());
}

#[test]
fn github_format_is_one_workflow_command_per_finding() {
    let out = trustlint(&["check", DUP, "--select", "TL002", "--format", "github"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "::error file=corpus/shared/063-tf-duplicate-aud-key-missing-comma.json,line=13,col=13,endLine=13,endColumn=87,title=TL002 duplicate-key::condition key `oidc.eks.us-east-1.amazonaws.com/id/425BA7CE0D854F12026FA6444CF6F673:aud` appears more than once\n"
    );
}

#[test]
fn human_format_underlines_and_names_the_rule() {
    let out = trustlint(&["check", DUP, "--select", "TL002"]);
    let text = stdout(&out);
    assert!(text.contains("TL002(duplicate-key)"), "{text}");
    assert!(
        text.contains("063-tf-duplicate-aud-key-missing-comma.json:13:13"),
        "{text}"
    );
    assert!(text.contains("first written here"), "{text}");
    assert!(!text.contains('\u{1b}'), "no colour when not a terminal");
}

#[test]
fn fail_on_select_and_ignore_decide_the_exit_code() {
    assert_eq!(
        trustlint(&["check", DUP, "--select", "TL002", "--fail-on", "never"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        trustlint(&["check", DUP, "--ignore", "TL"]).status.code(),
        Some(0)
    );
    assert_eq!(
        trustlint(&["check", DUP, "--select", "TL002", "--fail-on", "error"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        trustlint(&["check", DUP, "--select", "XYZ"]).status.code(),
        Some(2)
    );
    assert_eq!(
        trustlint(&["check", "no/such/file.json"]).status.code(),
        Some(2)
    );
    assert_eq!(
        trustlint(&["check", "--format", "yaml"]).status.code(),
        Some(2)
    );
}

#[test]
fn invalid_json_is_a_finding_not_an_error() {
    let out = trustlint(&[
        "check",
        "corpus/shared/036-gha-stringlike-main-with-inline-comment.txt",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["diagnostics"][0]["code"], "TL001");
    assert_eq!(v["diagnostics"][0]["span"]["start"]["line"], 13);
}

#[test]
fn stdin_and_configuration() {
    let dir = std::env::temp_dir().join(format!("trustlint-cfg-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("roles/legacy")).unwrap();
    std::fs::create_dir_all(dir.join("node_modules")).unwrap();
    let dup = std::fs::read(repo().join(DUP)).unwrap();
    std::fs::write(dir.join("roles/app.json"), &dup).unwrap();
    std::fs::write(dir.join("roles/legacy/old.json"), &dup).unwrap();
    std::fs::write(dir.join("node_modules/x.json"), &dup).unwrap();
    std::fs::write(dir.join("package.json"), br#"{"name": "not-a-policy"}"#).unwrap();
    std::fs::write(
        dir.join("trustlint.toml"),
        "select = [\"TL002\"]\n[[ignore-path]]\npath = \"roles/legacy/**\"\n",
    )
    .unwrap();
    let out = trustlint_in(&dir, &["check", "--format", "json"]);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let paths: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["roles/app.json"], "{v}");
    assert_eq!(v["summary"]["files"], 1);
    // the configuration's fail-on applies
    std::fs::write(
        dir.join("trustlint.toml"),
        "fail-on = \"never\"\nselect = [\"TL002\"]\n",
    )
    .unwrap();
    assert_eq!(trustlint_in(&dir, &["check"]).status.code(), Some(0));
    // a broken configuration is a usage error
    std::fs::write(dir.join("trustlint.toml"), "fail-on = \"sometimes\"\n").unwrap();
    assert_eq!(trustlint_in(&dir, &["check"]).status.code(), Some(2));
    std::fs::remove_file(dir.join("trustlint.toml")).unwrap();
    // standard input
    let mut child = Command::new(env!("CARGO_BIN_EXE_trustlint"))
        .args(["check", "-", "--select", "TL002", "--format", "json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&dup).unwrap();
    let out = child.wait_with_output().unwrap();
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["diagnostics"][0]["path"], "<stdin>");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn output_is_the_same_on_one_core_and_many() {
    // The walk is sorted and workers keep the order: one thread and eight give the same output.
    let run = |threads: &str| {
        Command::new(env!("CARGO_BIN_EXE_trustlint"))
            .args(["check", "corpus", "--format", "json", "--fail-on", "never"])
            .env("TRUSTLINT_THREADS", threads)
            .current_dir(repo())
            .output()
            .unwrap()
    };
    let (a, b) = (run("1"), run("8"));
    assert_eq!(stdout(&a), stdout(&b));
    let v: Value = serde_json::from_str(&stdout(&a)).unwrap();
    let keys: Vec<(String, u64, u64)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_owned(),
                d["span"]["start"]["line"].as_u64().unwrap(),
                d["span"]["start"]["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(
        keys, sorted,
        "diagnostics are sorted by path, then position"
    );
}

#[test]
fn rules_and_explain() {
    let out = trustlint(&["rules", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(v["rules"].as_array().unwrap().len() >= 37);
    let out = trustlint(&["explain", "TL203"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("# TL203 wildcard-in-string-equals"));
    assert!(stdout(&out).contains("## What it does"));
    assert_eq!(trustlint(&["explain", "TL999"]).status.code(), Some(2));
}

/// A dump of `roles` roles, each with a finding or two (a wildcard in `StringEquals`, a missing
/// audience), some without a trust policy.
fn dump(roles: usize) -> String {
    let items: Vec<String> = (0..roles)
        .map(|i| {
            if i % 97 == 5 {
                return format!(r#"{{"RoleName": "r{i}"}}"#);
            }
            format!(
                r#"{{"RoleName": "r{i}", "Arn": "arn:aws:iam::111122223333:role/r{i}", "AssumeRolePolicyDocument": {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/AB{i}"}}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {{"StringEquals": {{"oidc.eks.eu-west-1.amazonaws.com/id/AB{i}:sub": "system:serviceaccount:ns{}:*"}}}}}}]}}}}"#,
                i % 7
            )
        })
        .collect();
    format!("{{\"RoleDetailList\": [\n{}\n]}}\n", items.join(",\n"))
}

#[test]
fn a_large_dump_gives_the_same_output_on_one_core_and_many() {
    let dir = std::env::temp_dir().join(format!("trustlint-dump-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("auth.json");
    std::fs::write(&file, dump(1500)).unwrap();
    let run = |threads: &str| {
        Command::new(env!("CARGO_BIN_EXE_trustlint"))
            .args([
                "check",
                "auth.json",
                "--format",
                "json",
                "--fail-on",
                "never",
            ])
            .env("TRUSTLINT_THREADS", threads)
            .current_dir(&dir)
            .output()
            .unwrap()
    };
    let one = run("1");
    assert_eq!(one.status.code(), Some(0));
    let v: Value = serde_json::from_str(&stdout(&one)).unwrap();
    assert_eq!(v["summary"]["policies"], 1500 - 16);
    let diagnostics = v["diagnostics"].as_array().unwrap();
    assert!(diagnostics.len() > 1500, "{}", diagnostics.len());
    assert!(diagnostics.iter().any(|d| d["code"] == "TL006"));
    for threads in ["2", "3", "8"] {
        assert_eq!(stdout(&one), stdout(&run(threads)), "{threads} threads");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn can_assume_and_who_can_assume_stream_a_dump_as_the_whole_document_would_print() {
    // 5,000 roles: several batches of roles on one thread, one or two on more.
    let dir = std::env::temp_dir().join(format!("trustlint-stream-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = dump(5000);
    std::fs::write(dir.join("auth.json"), &text).unwrap();
    let run = |args: &[&str], threads: &str| {
        Command::new(env!("CARGO_BIN_EXE_trustlint"))
            .args(args)
            .env("TRUSTLINT_THREADS", threads)
            .current_dir(&dir)
            .output()
            .unwrap()
    };
    let issuer = "https://oidc.eks.eu-west-1.amazonaws.com/id/AB3";
    let can = [
        "can-assume",
        "auth.json",
        "--issuer",
        issuer,
        "--sa",
        "ns3/api",
        "--format",
        "json",
    ];
    let request = serde_json::json!({"issuer": issuer, "sub": "system:serviceaccount:ns3:api"});
    let whole = trustlint_core::output::can_assume::run(
        "auth.json",
        &text,
        &request,
        trustlint_core::output::Offsets::LineColumn,
    )
    .unwrap();
    let want = trustlint_core::output::pretty(&whole);
    assert!(!whole["undecided"].as_array().unwrap().is_empty());
    let who = ["who-can-assume", "auth.json", "--format", "json"];
    let who_whole = trustlint_core::output::who::run("auth.json", &text, None).unwrap();
    let who_want = trustlint_core::output::pretty(&who_whole);
    for threads in ["1", "2", "3"] {
        let out = run(&can, threads);
        assert_eq!(out.status.code(), Some(1), "{threads} threads");
        assert!(stdout(&out) == want, "can-assume, {threads} threads");
        let out = run(&who, threads);
        assert_eq!(out.status.code(), Some(0), "{threads} threads");
        assert!(
            stdout(&out) == who_want,
            "who-can-assume, {threads} threads"
        );
    }
    // The human forms list every role, in order.
    let human = stdout(&run(&who[..2], "2"));
    assert_eq!(human.matches("role `r").count(), 5000 - 52);
    let first = human.find("role `r0`").unwrap();
    let last = human.find("role `r4999`").unwrap();
    assert!(first < last);
    let human = stdout(&run(&can[..6], "2"));
    assert!(human.starts_with("DENIED: role `r0`"), "{}", &human[..200]);
    assert!(human.contains("DENIED: role `r4999`"));
    // A role filter that matches nothing is an error, with nothing printed.
    let none = run(&["who-can-assume", "auth.json", "--role", "nope"], "2");
    assert_eq!(none.status.code(), Some(2));
    assert!(none.stdout.is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_policy_over_the_analysis_cap_is_reported_and_never_allowed() {
    // 20,000 principals and actions: far over IAM's quota and trustlint's analysis cap.
    let dir = std::env::temp_dir().join(format!("trustlint-huge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let principals: Vec<String> = (0..20_000)
        .map(|i| format!("\"arn:aws:iam::{i:012}:root\""))
        .collect();
    let doc = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":[{}]}},"Action":["sts:AssumeRole"]}}]}}"#,
        principals.join(",")
    );
    std::fs::write(dir.join("huge.json"), doc).unwrap();
    let check = trustlint_in(&dir, &["check", "huge.json", "--format", "json"]);
    assert_eq!(check.status.code(), Some(1));
    let v: Value = serde_json::from_str(&stdout(&check)).unwrap();
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "TL009");
    assert!(d["message"]
        .as_str()
        .unwrap()
        .contains("does not analyse documents over 16384"));
    assert_eq!(d["span"]["start"]["line"], 1);
    let can = trustlint_in(
        &dir,
        &[
            "can-assume",
            "huge.json",
            "--principal",
            "arn:aws:iam::000000000007:root",
        ],
    );
    assert_eq!(can.status.code(), Some(1));
    assert!(stdout(&can).contains("IAM would reject this document"));
    let who = trustlint_in(&dir, &["who-can-assume", "huge.json"]);
    assert_eq!(who.status.code(), Some(0));
    assert!(stdout(&who).contains("not a readable policy: the policy has"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_file_over_the_size_cap_is_a_finding_and_is_not_read() {
    let dir = std::env::temp_dir().join(format!("trustlint-cap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("big.json"), dump(3)).unwrap();
    std::fs::write(dir.join("small.json"), "{}").unwrap();
    let run = |args: &[&str], stdin: Option<&str>| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_trustlint"))
            .args(args)
            .env("TRUSTLINT_MAX_FILE_BYTES", "100")
            .current_dir(&dir)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        let mut input = child.stdin.take().unwrap();
        let _ = input.write_all(stdin.unwrap_or("").as_bytes());
        drop(input);
        child.wait_with_output().unwrap()
    };
    let out = run(&["check", "big.json", "--format", "json"], None);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "TL001");
    assert_eq!(d["path"], "big.json");
    assert_eq!(d["span"]["start"]["line"], 1);
    let message = d["message"].as_str().unwrap();
    assert!(
        message.contains("over the 100 bytes input limit"),
        "{message}"
    );
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 1);
    // standard input too
    let big = dump(3);
    let out = run(&["check", "-", "--format", "json"], Some(&big));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["diagnostics"][0]["path"], "<stdin>");
    assert!(v["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .starts_with("standard input is larger than the 100 bytes input limit"));
    // a command that reads one file fails with exit 2
    let out = run(
        &[
            "can-assume",
            "big.json",
            "--principal",
            "arn:aws:iam::111122223333:root",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("input limit"));
    std::fs::remove_dir_all(&dir).unwrap();
}
