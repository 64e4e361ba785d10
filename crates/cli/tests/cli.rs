//! The CLI contract (INTERFACE.md): flags, exit codes and JSON shapes.

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

fn trustlint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trustlint"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("run trustlint")
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn shared_corpus() -> PathBuf {
    let outer = repo().join("../shared/corpus");
    if outer.join("index.jsonl").exists() {
        outer
    } else {
        repo().join("corpus/shared")
    }
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// The can-assume flags for one query of the shared corpus.
fn flags_of(q: &Value) -> Vec<String> {
    let mut a: Vec<String> = Vec::new();
    let s = |k: &str| q.get(k).and_then(Value::as_str).map(str::to_owned);
    if let Some(issuer) = s("issuer") {
        a.extend(["--issuer".into(), issuer, "--sub".into(), s("sub").unwrap()]);
        match q.get("aud") {
            Some(Value::Array(v)) => v
                .iter()
                .for_each(|x| a.extend(["--aud".into(), x.as_str().unwrap().into()])),
            Some(Value::String(x)) => a.extend(["--aud".into(), x.clone()]),
            _ => {}
        }
    } else if q.get("principal_service").is_some() {
        a.push("--pod-identity".into());
        for (k, v) in q
            .get("request_tags")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            a.extend(["--tag".into(), format!("{k}={}", v.as_str().unwrap())]);
        }
        let actions = q["actions"].as_array().unwrap();
        if actions.len() == 1 {
            a.extend(["--action".into(), actions[0].as_str().unwrap().into()]);
        }
    } else {
        a.extend(["--principal".into(), s("aws_principal").unwrap()]);
        if let Some(action) = s("action") {
            a.extend(["--action".into(), action]);
        }
    }
    if let Some(acct) = s("role_account") {
        a.extend(["--account".into(), acct]);
    }
    if let Some(p) = s("partition") {
        a.extend(["--partition".into(), p]);
    }
    for (k, v) in q
        .get("context")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let values: Vec<&str> = match v {
            Value::Array(x) => x.iter().map(|y| y.as_str().unwrap()).collect(),
            other => vec![other.as_str().unwrap()],
        };
        for v in values {
            a.extend(["--context".into(), format!("{k}={v}")]);
        }
    }
    a
}

#[test]
fn can_assume_answers_every_shared_corpus_query() {
    let dir = shared_corpus();
    let index = std::fs::read_to_string(dir.join("index.jsonl")).unwrap();
    let mut n = 0;
    let mut wrong = Vec::new();
    for line in index.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).unwrap();
        let file = dir.join(case["file"].as_str().unwrap());
        for q in case["queries"].as_array().unwrap() {
            let mut args: Vec<String> = vec![
                "can-assume".into(),
                file.display().to_string(),
                "--format".into(),
                "json".into(),
            ];
            args.extend(flags_of(q));
            let argv: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = trustlint(&argv);
            let expected = q["allowed"].as_bool().unwrap();
            let code = out.status.code();
            let v = json_of(&out);
            let result = &v["results"][0];
            let allowed = result["allowed"].as_bool().unwrap();
            let expected_code = if expected { Some(0) } else { Some(1) };
            if allowed != expected || code != expected_code {
                wrong.push(format!(
                    "{}: {args:?}: allowed={allowed} exit={code:?}",
                    case["file"]
                ));
            }
            // the contract's fields are all present
            for field in [
                "path",
                "policy",
                "decision",
                "allowed",
                "iam_would_reject",
                "statements",
            ] {
                assert!(result.get(field).is_some(), "missing `{field}` in {result}");
            }
            n += 1;
        }
    }
    assert!(n >= 60);
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn can_assume_json_trace_names_the_failing_condition() {
    let out = trustlint(&[
        "can-assume",
        "examples/irsa-payments.json",
        "--format",
        "json",
        "--issuer",
        "https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF",
        "--sa",
        "payments/worker",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    let r = &v["results"][0];
    assert_eq!(r["decision"], "implicit-deny");
    let st = &r["statements"][0];
    assert_eq!(st["principal"]["matched"], true);
    assert_eq!(st["action"]["matched"], true);
    let sub = st["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"].as_str().unwrap().ends_with(":sub"))
        .unwrap();
    assert_eq!(sub["matched"], false);
    assert_eq!(sub["request"][0], "system:serviceaccount:payments:worker");
}

#[test]
fn can_assume_usage_errors_exit_2() {
    for args in [
        vec!["can-assume", "examples/irsa-payments.json"],
        vec![
            "can-assume",
            "examples/irsa-payments.json",
            "--issuer",
            "oidc.example.com",
            "--sa",
            "a/b",
        ],
        vec![
            "can-assume",
            "examples/irsa-payments.json",
            "--issuer",
            "https://x",
            "--sa",
            "nope",
        ],
        vec![
            "can-assume",
            "does/not/exist.json",
            "--principal",
            "arn:aws:iam::111122223333:root",
        ],
        vec![
            "can-assume",
            "examples/irsa-payments.json",
            "--principal",
            "arn:aws:iam::1:root",
            "--role",
            "missing",
        ],
    ] {
        let out = trustlint(&args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stderr.is_empty());
    }
}

#[test]
fn can_assume_human_output_starts_with_the_verdict() {
    let out = trustlint(&[
        "can-assume",
        "examples/irsa-payments.json",
        "--issuer",
        "https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF",
        "--sa",
        "payments/api",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("ALLOWED: examples/irsa-payments.json"),
        "{text}"
    );
}

#[test]
fn can_assume_evaluates_every_role_of_a_dump() {
    let out = trustlint(&[
        "can-assume",
        "examples/authorization-details.json",
        "--format",
        "json",
        "--issuer",
        "https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF",
        "--sa",
        "payments/api",
    ]);
    let v = json_of(&out);
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    let by_name = |n: &str| results.iter().find(|r| r["policy"] == n).unwrap();
    assert_eq!(by_name("payments-api")["allowed"], true);
    assert_eq!(by_name("payments-api-encoded")["allowed"], true);
    assert_eq!(by_name("karpenter")["allowed"], false);
    assert_eq!(out.status.code(), Some(1));
    let only = trustlint(&[
        "can-assume",
        "examples/authorization-details.json",
        "--format",
        "json",
        "--role",
        "payments-api",
        "--issuer",
        "https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF",
        "--sa",
        "payments/api",
    ]);
    assert_eq!(only.status.code(), Some(0));
    assert_eq!(json_of(&only)["results"].as_array().unwrap().len(), 1);
}

#[test]
fn check_reports_document_problems_with_locations() {
    let out = trustlint(&[
        "check",
        "corpus/shared/063-tf-duplicate-aud-key-missing-comma.json",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "TL002")
        .unwrap();
    assert_eq!(d["span"]["start"]["line"], 13);
    assert_eq!(v["schema"], 1);
    let ok = trustlint(&["check", "examples/irsa-payments.json"]);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
}

#[test]
fn who_can_assume_json_has_patterns_and_a_checked_example() {
    let out = trustlint(&[
        "who-can-assume",
        "examples/irsa-payments.json",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out);
    let p = &v["results"][0]["principals"][0];
    assert_eq!(p["kind"], "web-identity");
    let admit = &p["admits"][0];
    let key = "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub";
    assert_eq!(
        admit["keys"][key]["include"][0],
        "system:serviceaccount:payments:api"
    );
    assert_eq!(
        admit["example"]["sub"],
        "system:serviceaccount:payments:api"
    );
    assert!(admit["summary"]
        .as_str()
        .unwrap()
        .starts_with("service account `payments/api`"));
    // The example, fed back to can-assume, is allowed.
    let e = &admit["example"];
    let back = trustlint(&[
        "can-assume",
        "examples/irsa-payments.json",
        "--issuer",
        e["issuer"].as_str().unwrap(),
        "--sub",
        e["sub"].as_str().unwrap(),
        "--aud",
        e["aud"][0].as_str().unwrap(),
    ]);
    assert_eq!(back.status.code(), Some(0));
}

#[test]
fn who_can_assume_marks_a_too_complex_pattern_inexact_and_succeeds() {
    // `*a` and 16 `?` needs more automaton states than the algebra builds (B4).
    let dir = std::env::temp_dir().join(format!("trustlint-complex-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let k = "oidc.eks.us-east-1.amazonaws.com/id/ABC";
    let pattern = format!("*a{}", "?".repeat(16));
    let policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::111122223333:oidc-provider/{k}")},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringLike": {format!("{k}:sub"): pattern}}
        }]
    });
    let path = dir.join("complex.json");
    std::fs::write(&path, policy.to_string()).unwrap();
    let p = path.to_str().unwrap();
    let out = trustlint(&["who-can-assume", p, "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json_of(&out);
    let admit = &v["results"][0]["principals"][0]["admits"][0];
    assert_eq!(admit["exact"], false);
    assert!(admit["summary"].as_str().unwrap().contains("too complex"));
    let human = trustlint(&["who-can-assume", p]);
    assert_eq!(human.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&human.stdout).contains(&pattern));
    // Against itself with the pattern removed, the gate cannot prove "no new access".
    let narrower = dir.join("narrower.json");
    let mut n = policy.clone();
    n["Statement"][0]["Condition"]["StringLike"][format!("{k}:sub")] = "x".into();
    std::fs::write(&narrower, n.to_string()).unwrap();
    let d = trustlint(&["diff", narrower.to_str().unwrap(), p]);
    assert_eq!(d.status.code(), Some(1));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn diff_is_a_no_new_access_gate() {
    let widened = trustlint(&[
        "diff",
        "examples/irsa-payments.json",
        "examples/irsa-payments-widened.json",
        "--format",
        "json",
    ]);
    assert_eq!(widened.status.code(), Some(1));
    let v = json_of(&widened);
    let change = &v["widened"][0];
    let sub = change["example"]["sub"].as_str().unwrap();
    assert_ne!(sub, "system:serviceaccount:payments:api");
    // the witness is admitted by NEW and refused by OLD
    let issuer = change["example"]["issuer"].as_str().unwrap();
    let ask = |file: &str| {
        trustlint(&["can-assume", file, "--issuer", issuer, "--sub", sub])
            .status
            .code()
    };
    assert_eq!(ask("examples/irsa-payments-widened.json"), Some(0));
    assert_eq!(ask("examples/irsa-payments.json"), Some(1));
    let narrowed = trustlint(&[
        "diff",
        "examples/irsa-payments-widened.json",
        "examples/irsa-payments.json",
    ]);
    assert_eq!(narrowed.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&narrowed.stdout).contains("- narrowed"));
    assert_eq!(
        trustlint(&["diff", "examples/irsa-payments.json", "no/such.json"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn diff_fails_the_gate_on_a_role_it_cannot_compare() {
    // The plan's role has a trust policy known only after apply: not shown to admit nothing new.
    let plan = "examples/terraform/plan.json";
    let out = trustlint(&["diff", plan, plan, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    assert!(v["widened"].as_array().unwrap().is_empty());
    assert_eq!(v["undecided"][0], "aws_iam_role.ci_deploy");
}

#[test]
fn diff_does_not_read_an_unreadable_policy_as_admitting_nobody() {
    // `get-role` output whose URL-encoded document is cut short: no policy to compare, so
    // neither "narrowed" (NEW) nor "widened" (OLD) is claimed, and the gate fails.
    let dir = std::env::temp_dir().join(format!("trustlint-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let broken = dir.join("get-role.json");
    std::fs::write(
        &broken,
        r#"{"Role": {"RoleName": "payments", "Arn": "arn:aws:iam::111122223333:role/payments", "AssumeRolePolicyDocument": "%7B%22Version"}}"#,
    )
    .unwrap();
    let broken = broken.display().to_string();
    // A document IAM would refuse to store (no `Statement`) is not "admits nobody" either.
    let no_statement = dir.join("no-statement.json");
    std::fs::write(&no_statement, r#"{"Version": "2012-10-17"}"#).unwrap();
    let no_statement = no_statement.display().to_string();
    for (old, new) in [
        ("examples/irsa-payments.json", broken.as_str()),
        (broken.as_str(), "examples/irsa-payments.json"),
        ("examples/irsa-payments.json", no_statement.as_str()),
        (no_statement.as_str(), "examples/irsa-payments.json"),
    ] {
        let out = trustlint(&["diff", old, new, "--format", "json"]);
        assert_eq!(out.status.code(), Some(1), "{old} -> {new}");
        let v = json_of(&out);
        assert!(v["widened"].as_array().unwrap().is_empty(), "{v}");
        assert!(v["narrowed"].as_array().unwrap().is_empty(), "{v}");
        // The `get-role` output names the role; two plain documents pair unnamed.
        let role = if old == broken || new == broken {
            "payments"
        } else {
            "the policy"
        };
        assert_eq!(v["undecided"].as_array().map(Vec::len), Some(1), "{v}");
        let human = trustlint(&["diff", old, new]);
        assert_eq!(human.status.code(), Some(1));
        let text = String::from_utf8_lossy(&human.stdout);
        assert!(text.contains(&format!("? {role}: not compared")), "{text}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn who_can_assume_and_diff_on_every_shared_corpus_case() {
    let dir = shared_corpus();
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let p = path.display().to_string();
        let who = trustlint(&["who-can-assume", &p, "--format", "json"]);
        assert_eq!(who.status.code(), Some(0), "{p}");
        let v = json_of(&who);
        // every example is admitted by the concrete evaluator (CLI round trip)
        for principal in v["results"][0]["principals"].as_array().unwrap() {
            for admit in principal["admits"].as_array().unwrap() {
                let e = &admit["example"];
                if e.is_null() {
                    continue;
                }
                let mut args: Vec<String> = vec!["can-assume".into(), p.clone()];
                if let Some(issuer) = e["issuer"].as_str() {
                    args.extend([
                        "--issuer".into(),
                        issuer.into(),
                        "--sub".into(),
                        e["sub"].as_str().unwrap().into(),
                    ]);
                    for a in e["aud"].as_array().unwrap() {
                        args.extend(["--aud".into(), a.as_str().unwrap().into()]);
                    }
                } else if e["pod_identity"] == true {
                    args.push("--pod-identity".into());
                    for (k, val) in e["tags"].as_object().unwrap() {
                        args.extend(["--tag".into(), format!("{k}={}", val.as_str().unwrap())]);
                    }
                } else {
                    args.extend([
                        "--principal".into(),
                        e["principal"].as_str().unwrap().into(),
                    ]);
                }
                if let Some(a) = e["account"].as_str() {
                    args.extend(["--account".into(), a.into()]);
                }
                for (k, vals) in e["context"].as_object().into_iter().flatten() {
                    for val in vals.as_array().unwrap() {
                        args.extend(["--context".into(), format!("{k}={}", val.as_str().unwrap())]);
                    }
                }
                let argv: Vec<&str> = args.iter().map(String::as_str).collect();
                let out = trustlint(&argv);
                let r = &json_of(&trustlint(
                    &[argv.as_slice(), &["--format", "json"]].concat(),
                ))["results"][0];
                // a document IAM would reject is evaluated as written for who-can-assume
                assert_eq!(
                    r["decision"],
                    "allow",
                    "{p}: {args:?}: {}",
                    String::from_utf8_lossy(&out.stdout)
                );
                n += 1;
            }
        }
        // a policy compared with itself changes nothing
        let same = trustlint(&["diff", &p, &p, "--format", "json"]);
        assert_eq!(same.status.code(), Some(0), "{p}");
        let v = json_of(&same);
        assert!(
            v["widened"].as_array().unwrap().is_empty()
                && v["narrowed"].as_array().unwrap().is_empty(),
            "{p}"
        );
    }
    assert!(n > 20, "{n} examples checked");
}
