#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code"
)]
//! Embedding equivalence: a trust policy embedded in a container reads exactly as the bare
//! policy. For random policies (IRSA, Pod Identity and IAM principals, `StringEquals` /
//! `StringLike` conditions, and the mistakes rules flag), the policy is embedded in
//!
//! - (a) a CloudFormation JSON template (the policy text verbatim),
//! - (b) a CloudFormation YAML template (the policy as a YAML block mapping),
//! - (c) a Terraform plan (`assume_role_policy`, a JSON string),
//! - (d) `get-role` output (a URL-encoded string),
//!
//! and `check` must give the same (code, severity, message) findings as on the bare policy,
//! each located at the same text: (a) the same bytes, (c) and (d) the same text once decoded,
//! (b) the same string value at the corresponding YAML scalar.

use proptest::prelude::*;
use trustlint_core::check::{check, CheckOptions, Report};
use trustlint_core::diagnostic::Finding;
use trustlint_core::source::Span;

/// A JSON value to write as JSON or YAML.
#[derive(Debug, Clone)]
enum J {
    S(String),
    N(String),
    A(Vec<J>),
    O(Vec<(String, J)>),
}

fn s(text: &str) -> J {
    J::S(text.to_owned())
}

fn json(v: &J, pretty: bool, depth: usize, out: &mut String) {
    let nl = |out: &mut String, d: usize| {
        if pretty {
            out.push('\n');
            out.push_str(&"  ".repeat(d));
        }
    };
    match v {
        J::S(t) => out.push_str(&serde_json::to_string(t).unwrap()),
        J::N(n) => out.push_str(n),
        J::A(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                nl(out, depth + 1);
                json(item, pretty, depth + 1, out);
            }
            out.push(']');
        }
        J::O(entries) => {
            out.push('{');
            for (i, (k, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                nl(out, depth + 1);
                out.push_str(&serde_json::to_string(k).unwrap());
                out.push_str(if pretty { ": " } else { ":" });
                json(item, pretty, depth + 1, out);
            }
            if pretty && !entries.is_empty() {
                nl(out, depth);
            }
            out.push('}');
        }
    }
}

/// Write `v` as the value of a YAML block entry whose key is at `indent - 2`.
fn yaml(v: &J, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        J::S(t) => {
            out.push(' ');
            out.push_str(&serde_json::to_string(t).unwrap());
            out.push('\n');
        }
        J::N(n) => {
            out.push(' ');
            out.push_str(n);
            out.push('\n');
        }
        J::A(items) if items.is_empty() => out.push_str(" []\n"),
        J::O(entries) if entries.is_empty() => out.push_str(" {}\n"),
        J::A(items) => {
            out.push('\n');
            for item in items {
                out.push_str(&pad);
                out.push('-');
                yaml(item, indent + 2, out);
            }
        }
        J::O(entries) => {
            out.push('\n');
            for (k, item) in entries {
                out.push_str(&pad);
                out.push_str(&serde_json::to_string(k).unwrap());
                out.push(':');
                yaml(item, indent + 2, out);
            }
        }
    }
}

const ISSUER: &str = "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";

fn principal() -> impl Strategy<Value = J> {
    prop_oneof![
        Just(J::O(vec![(
            "Federated".into(),
            s(&format!("arn:aws:iam::111122223333:oidc-provider/{ISSUER}"))
        )])),
        Just(J::O(vec![(
            "Federated".into(),
            s("arn:aws:iam::111122223333:oidc-provider/oidc.eu-west-1.eks.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF")
        )])),
        Just(J::O(vec![(
            "Federated".into(),
            s("arn:aws-cn:iam::111122223333:oidc-provider/https://token.actions.githubusercontent.com")
        )])),
        Just(J::O(vec![("Service".into(), s("pods.eks.amazonaws.com"))])),
        Just(J::O(vec![("AWS".into(), s("arn:aws:iam::111122223333:role/x"))])),
        Just(s("*")),
    ]
}

fn action() -> impl Strategy<Value = J> {
    prop_oneof![
        Just(s("sts:AssumeRoleWithWebIdentity")),
        Just(s("sts:AssumeRole")),
        Just(J::A(vec![s("sts:AssumeRole"), s("sts:TagSession")])),
        Just(s("sts:*")),
        Just(J::A(vec![])),
    ]
}

fn condition() -> impl Strategy<Value = J> {
    let keys = vec![
        format!("{ISSUER}:sub"),
        format!("{ISSUER}:aud"),
        "oidc.eks.eu-west-1.amazonaws.com/id/FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF:sub".to_owned(),
        "aws:RequestTag/kubernetes-namespace".to_owned(),
        "aws:PrincipalTag/kubernetes-namespace".to_owned(),
        "aws:SourceAccount".to_owned(),
    ];
    let value = prop_oneof![
        Just(s("system:serviceaccount:payments:api")),
        Just(s("system:serviceaccount:*")),
        Just(s("system:serviceaccounts:payments")),
        Just(s("sts.amazonaws.com")),
        Just(s("payments")),
        Just(s("*")),
        Just(J::N("111122223333".into())),
        Just(J::A(vec![
            s("system:serviceaccount:a:b"),
            s("system:serviceaccount:a:*")
        ])),
    ];
    let operator = prop::sample::select(vec![
        "StringEquals",
        "StringLike",
        "StringNotEquals",
        "StringEqualsIgnoreCase",
        "StringEqualz",
        "ForAllValues:StringLike",
        "StringLikeIfExists",
    ]);
    let entry = (
        operator,
        prop::sample::subsequence(keys, 1..=2),
        prop::collection::vec(value, 2),
    )
        .prop_map(|(op, keys, values)| {
            (
                op.to_owned(),
                J::O(keys.into_iter().zip(values).collect::<Vec<_>>()),
            )
        });
    prop::collection::vec(entry, 0..=2).prop_map(|mut ops| {
        ops.dedup_by(|a, b| a.0 == b.0);
        J::O(ops)
    })
}

fn statement() -> impl Strategy<Value = J> {
    (
        prop::option::of(prop::sample::select(vec!["Irsa", "bad sid!"])),
        prop::sample::select(vec!["Allow", "Allow", "Deny", "allow"]),
        prop::option::of(principal()),
        prop::option::of(action()),
        any::<bool>(),
        prop::option::of(condition()),
    )
        .prop_map(|(sid, effect, principal, action, resource, condition)| {
            let mut e = Vec::new();
            if let Some(sid) = sid {
                e.push(("Sid".to_owned(), s(sid)));
            }
            e.push(("Effect".to_owned(), s(effect)));
            if let Some(p) = principal {
                e.push(("Principal".to_owned(), p));
            }
            if let Some(a) = action {
                e.push(("Action".to_owned(), a));
            }
            if resource {
                e.push(("Resource".to_owned(), s("*")));
            }
            if let Some(c) = condition {
                e.push(("Condition".to_owned(), c));
            }
            J::O(e)
        })
}

fn policy() -> impl Strategy<Value = J> {
    (
        prop::sample::select(vec![Some("2012-10-17"), Some("2008-10-17"), None]),
        prop::collection::vec(statement(), 1..=3),
        any::<bool>(),
    )
        .prop_map(|(version, statements, unknown_element)| {
            let mut e = Vec::new();
            if let Some(v) = version {
                e.push(("Version".to_owned(), s(v)));
            }
            if unknown_element {
                e.push(("Statements".to_owned(), J::A(vec![])));
            }
            e.push(("Statement".to_owned(), J::A(statements)));
            J::O(e)
        })
}

fn sorted(report: &Report) -> Vec<&Finding> {
    let mut out: Vec<&Finding> = report.findings.iter().map(|r| &r.finding).collect();
    out.sort_by(|a, b| (a.code, &a.message, a.span.start).cmp(&(b.code, &b.message, b.span.start)));
    out
}

type Key = (&'static str, &'static str, String, Vec<String>);

fn key(f: &Finding) -> Key {
    (
        f.code,
        f.severity.as_str(),
        f.message.clone(),
        f.labels.iter().map(|l| l.message.clone()).collect(),
    )
}

/// Same findings; `decode` turns the container text at a span into the bare text it stands for.
fn same(
    bare: &str,
    container: &str,
    decode: impl Fn(&str) -> Option<String>,
) -> Result<(), TestCaseError> {
    let options = CheckOptions::default();
    let b = check(bare.as_bytes(), &options);
    let c = check(container.as_bytes(), &options);
    let (b, c) = (sorted(&b), sorted(&c));
    prop_assert_eq!(
        b.iter().map(|f| key(f)).collect::<Vec<_>>(),
        c.iter().map(|f| key(f)).collect::<Vec<_>>(),
        "\n{}\n---\n{}",
        bare,
        container
    );
    let text = |t: &str, s: Span| t.get(s.start..s.end).unwrap_or("<bad span>").to_owned();
    for (fb, fc) in b.iter().zip(&c) {
        let spans = std::iter::once((fb.span, fc.span)).chain(
            fb.labels
                .iter()
                .zip(&fc.labels)
                .map(|(x, y)| (x.span, y.span)),
        );
        for (sb, sc) in spans {
            let want = text(bare, sb);
            let got = text(container, sc);
            if let Some(decoded) = decode(&got) {
                prop_assert_eq!(
                    &decoded,
                    &want,
                    "{} at {:?} / {:?}\n{}",
                    fb.code,
                    sb,
                    sc,
                    container
                );
            } else {
                prop_assert!(
                    false,
                    "{} at {:?}: cannot decode {:?} (want {:?})",
                    fb.code,
                    sc,
                    got,
                    want
                );
            }
        }
    }
    Ok(())
}

fn cfn_json(policy: &str) -> String {
    format!(
        "{{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n  \"Resources\": {{\n    \"Role\": {{\n      \"Type\": \"AWS::IAM::Role\",\n      \"Properties\": {{\"AssumeRolePolicyDocument\": {policy}}}\n    }}\n  }}\n}}\n"
    )
}

fn cfn_yaml(policy: &J) -> String {
    let mut out = "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:".to_owned();
    yaml(policy, 8, &mut out);
    out
}

fn plan(policy: &str) -> String {
    format!(
        r#"{{"format_version":"1.2","terraform_version":"1.9.0","planned_values":{{"root_module":{{"resources":[{{"address":"aws_iam_role.r","mode":"managed","type":"aws_iam_role","name":"r","values":{{"name":"r","assume_role_policy":{}}}}}]}}}}}}"#,
        serde_json::to_string(policy).unwrap()
    )
}

fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn url_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(text.get(i + 1..i + 3)?, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn get_role(policy: &str) -> String {
    format!(
        "{{\"Role\": {{\"RoleName\": \"r\", \"AssumeRolePolicyDocument\": \"{}\"}}}}",
        url_encode(policy)
    )
}

/// The bare text a YAML scalar (or a JSON fragment) at a span stands for: a YAML double-quoted
/// scalar is a JSON string, compared by value; anything else must be a JSON value equal to the
/// bare one.
fn yaml_value(got: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(got).ok()?;
    serde_json::to_string(&v).ok()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn embedded_policies_read_like_the_bare_policy(p in policy(), pretty in any::<bool>()) {
        let mut bare = String::new();
        json(&p, pretty, 0, &mut bare);
        // (a) verbatim in a JSON template: the same bytes.
        same(&bare, &cfn_json(&bare), |t| Some(t.to_owned()))?;
        // (c) a JSON string in a Terraform plan.
        same(&bare, &plan(&bare), |t| serde_json::from_str(&format!("\"{t}\"")).ok())?;
        // (d) URL-encoded in get-role output.
        same(&bare, &get_role(&bare), url_decode)?;
    }

    #[test]
    fn yaml_templates_read_like_the_bare_policy(p in policy()) {
        let mut bare = String::new();
        json(&p, false, 0, &mut bare);
        let template = cfn_yaml(&p);
        let options = CheckOptions::default();
        let b = check(bare.as_bytes(), &options);
        let c = check(template.as_bytes(), &options);
        let (b, c) = (sorted(&b), sorted(&c));
        prop_assert_eq!(
            b.iter().map(|f| key(f)).collect::<Vec<_>>(),
            c.iter().map(|f| key(f)).collect::<Vec<_>>(),
            "\n{}\n---\n{}", bare, template
        );
        // A finding on a scalar (key or value) points at the same scalar in the YAML.
        for (fb, fc) in b.iter().zip(&c) {
            let want = &bare[fb.span.start..fb.span.end];
            let got = &template[fc.span.start..fc.span.end];
            if want.starts_with('"') && want.ends_with('"') && want.len() > 1 && !want.contains('{') {
                prop_assert_eq!(yaml_value(got), yaml_value(want), "{} {:?}\n{}", fb.code, got, template);
            }
        }
    }
}
