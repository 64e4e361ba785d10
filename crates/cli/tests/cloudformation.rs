//! CloudFormation templates: roles named by logical id, positions inside the YAML, and values
//! trustlint cannot resolve left undecided.

use std::path::PathBuf;
use std::process::Command;

fn trustlint(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_trustlint"))
        .args(args)
        .current_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .output()
        .unwrap()
}

const SHORT: &str = "corpus/cloudformation/irsa-short-form.yaml";
const PLANTED: &str = "corpus/cloudformation/planted-mistakes.yaml";
const ISSUER: &str = "https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";

#[test]
fn check_locates_findings_in_the_yaml_template() {
    let out = trustlint(&["check", PLANTED, "--format", "json", "--fail-on", "never"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = v["diagnostics"].as_array().unwrap();
    let tl203 = d.iter().find(|x| x["code"] == "TL203").unwrap();
    assert_eq!(tl203["policy"], "WildcardRole");
    assert_eq!(tl203["span"]["start"]["line"], 24);
    assert_eq!(tl203["span"]["start"]["column"], 93);
    let tl007 = d.iter().find(|x| x["code"] == "TL007").unwrap();
    assert_eq!(tl007["policy"], "SwappedRole");
    assert_eq!(tl007["span"]["start"]["line"], 38);
    // The role with an unknown subject gets no subject finding, only the info.
    assert!(!d
        .iter()
        .any(|x| x["policy"] == "UnknownSubjectRole"
            && x["code"].as_str().unwrap().starts_with("TL2")));
}

#[test]
fn check_walks_templates_and_leaves_manifests_alone() {
    let out = trustlint(&[
        "check",
        "corpus/cloudformation",
        "--format",
        "json",
        "--fail-on",
        "never",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = v["diagnostics"].as_array().unwrap();
    assert!(d
        .iter()
        .any(|x| x["code"] == "TL001" && x["path"].as_str().unwrap().ends_with("malformed.yaml")));
    assert!(d
        .iter()
        .any(|x| x["path"].as_str().unwrap().ends_with("irsa-long-form.json")));
}

#[test]
fn can_assume_is_unknown_where_the_decision_rests_on_unknown_values() {
    let out = trustlint(&[
        "can-assume",
        SHORT,
        "--format",
        "json",
        "--role",
        "UnknownRole",
        "--issuer",
        ISSUER,
        "--sa",
        "payments/api",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let r = &v["results"][0];
    assert_eq!(r["policy"], "UnknownRole");
    assert_eq!(r["decision"], "unknown");
    assert_eq!(r["allowed"], false);
    let human = trustlint(&[
        "can-assume",
        SHORT,
        "--role",
        "UnknownRole",
        "--issuer",
        ISSUER,
        "--sa",
        "payments/api",
    ]);
    let text = String::from_utf8(human.stdout).unwrap();
    assert!(text.starts_with("UNKNOWN: role `UnknownRole`"), "{text}");
    assert!(text.contains("`!GetAtt OidcProvider.Arn`"), "{text}");
}

#[test]
fn can_assume_decides_resolved_roles() {
    let out = trustlint(&[
        "can-assume",
        SHORT,
        "--role",
        "ResolvedRole",
        "--issuer",
        ISSUER,
        "--sa",
        "payments/worker",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn who_can_assume_does_not_describe_sets_resting_on_unknowns() {
    let out = trustlint(&[
        "who-can-assume",
        SHORT,
        "--format",
        "json",
        "--role",
        "UnknownRole",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let principals = v["results"][0]["principals"].as_array().unwrap();
    let web = principals
        .iter()
        .find(|p| p["kind"] == "web-identity")
        .unwrap();
    assert_eq!(web["admits"].as_array().unwrap().len(), 0);
    assert!(web["unknown"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u == "!GetAtt OidcProvider.Arn"));
    let text =
        String::from_utf8(trustlint(&["who-can-assume", SHORT, "--role", "PaymentsRole"]).stdout)
            .unwrap();
    assert!(text.contains("unknown: what it admits rests on"), "{text}");
    assert!(!text.contains("admits nobody"), "{text}");
    assert!(!text.contains("service account `payments/api`"), "{text}");
}

#[test]
fn can_assume_resolves_the_account_id_from_account() {
    let ask = |extra: &[&str]| {
        let mut args = vec![
            "can-assume",
            SHORT,
            "--format",
            "json",
            "--role",
            "PaymentsRole",
            "--issuer",
            ISSUER,
            "--sa",
            "payments/api",
        ];
        args.extend_from_slice(extra);
        let out = trustlint(&args);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code(), v["results"][0]["decision"].clone())
    };
    assert_eq!(ask(&[]), (Some(1), "unknown".into()));
    assert_eq!(
        ask(&["--account", "111122223333"]),
        (Some(0), "allow".into())
    );
}

#[test]
fn cross_check_reads_account_id_from_the_service_account_annotation() {
    let dir = std::env::temp_dir().join(format!("trustlint-cfn-account-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::fs::copy(root.join(SHORT), dir.join("template.yaml")).unwrap();
    std::fs::copy(
        root.join("corpus/lint/trustlint.toml"),
        dir.join("trustlint.toml"),
    )
    .unwrap();
    let sa = |ns: &str| {
        format!(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n  namespace: {ns}\n  annotations:\n    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/PaymentsRole\n"
        )
    };
    std::fs::write(
        dir.join("sa.yaml"),
        format!("{}---\n{}", sa("payments"), sa("billing")),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_trustlint"))
        .args(["check", ".", "--format", "json", "--select", "TL5"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(String, u64)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["span"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    // `payments/api` is admitted once `${AWS::AccountId}` is the annotation's account;
    // `billing/api` (the second document, line 15) is not.
    assert_eq!(found, vec![("TL501".to_owned(), 15)], "{v:#}");
    let _ = std::fs::remove_dir_all(&dir);
}
