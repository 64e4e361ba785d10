//! Terraform plans: roles named by resource address, positions inside the embedded policy
//! strings, and unknown policies left undecided.

use std::path::PathBuf;
use std::process::Command;

fn trustlint(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_trustlint"))
        .args(args)
        .current_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .output()
        .unwrap()
}

const PLAN: &str = "corpus/terraform/plan-nested-modules.json";

#[test]
fn check_reports_findings_inside_the_plan_with_addresses() {
    let out = trustlint(&["check", PLAN, "--format", "json", "--fail-on", "never"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = v["diagnostics"].as_array().unwrap();
    let tl203 = d.iter().find(|x| x["code"] == "TL203").unwrap();
    assert_eq!(
        tl203["policy"],
        "module.eks.module.irsa.aws_iam_role.this[\"ebs-csi\"]"
    );
    assert_eq!(tl203["span"]["start"]["line"], 159);
    let unknown = d
        .iter()
        .find(|x| {
            x["severity"] == "info"
                && x["message"]
                    .as_str()
                    .unwrap()
                    .contains("unknown until apply")
        })
        .unwrap();
    assert!(unknown["message"].as_str().unwrap().contains("karpenter"));
}

#[test]
fn can_assume_selects_a_role_by_address_and_leaves_unknown_ones_undecided() {
    let out = trustlint(&[
        "can-assume",
        PLAN,
        "--format",
        "json",
        "--role",
        "module.eks.module.irsa.aws_iam_role.this[\"external-dns\"]",
        "--issuer",
        "https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF",
        "--sa",
        "kube-system/external-dns",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["results"].as_array().unwrap().len(), 1);
    // Without `--role`, the role whose policy is unknown until apply is a result of its own,
    // undecided: it is never counted as allowing, so the command exits 1.
    let out = trustlint(&[
        "can-assume",
        PLAN,
        "--format",
        "json",
        "--issuer",
        "https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF",
        "--sa",
        "kube-system/external-dns",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let karpenter = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r.to_string().contains("karpenter"))
        .expect("the unknown role is a result");
    assert_eq!(karpenter["decision"], "unknown", "{karpenter}");
    assert_eq!(karpenter["allowed"], false);
}
