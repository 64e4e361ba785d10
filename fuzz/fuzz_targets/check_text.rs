//! The whole per-file check of core on arbitrary text, as `trustlint check` runs it for a
//! `.json`, `.yaml` or `.template` file (the first input byte picks the kind).
//!
//! Invariants: no panic; every finding's spans lie within the text on character boundaries;
//! the result is the same when computed twice; the JSON document renders.

#![no_main]

#[path = "../common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use trustlint_core::check::{check_with_input, CheckOptions};
use trustlint_core::crosscheck::{crosscheck, RoleRef};
use trustlint_core::input::cloudformation::looks_like_template;
use trustlint_core::k8s::service_accounts;
use trustlint_core::lint::{Cluster, LintConfig};
use trustlint_core::output::check::check_text;
use trustlint_core::output::Offsets;

fn options() -> CheckOptions {
    CheckOptions {
        config: LintConfig {
            clusters: vec![Cluster {
                name: "prod".into(),
                issuer:
                    "https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
                        .into(),
                account: Some("111122223333".into()),
                audiences: vec!["sts.amazonaws.com".into()],
                protected_namespaces: vec!["kube-system".into()],
            }],
        },
        ..CheckOptions::default()
    }
}

/// A role file the manifests are cross-checked against.
const ROLES: &str = include_str!("../../examples/authorization-details.json");

fn check_json(text: &str, options: &CheckOptions) {
    let (report, input) = check_with_input(text.as_bytes(), options);
    for r in &report.findings {
        common::assert_finding_in(text, &r.finding);
    }
    for source in &input.policies {
        for span in source.unknown_spans() {
            common::assert_span_in(source.text(text), span, "unknown value");
        }
    }
    let (again, _) = check_with_input(text.as_bytes(), options);
    assert_eq!(report, again, "check is not deterministic");
    let doc = check_text("input", text, options, Offsets::Utf16);
    assert_eq!(doc, check_text("input", text, options, Offsets::Utf16));
}

fn check_manifest(text: &str, options: &CheckOptions) {
    let Ok(docs) = trustlint_core::yaml::parse_stream(text) else {
        return;
    };
    let accounts: Vec<_> = docs
        .iter()
        .flat_map(|d| service_accounts(&d.root))
        .collect();
    for sa in &accounts {
        common::assert_span_in(text, sa.span, "service account");
        common::assert_span_in(text, sa.role_arn.span, "role-arn");
        if let Some(a) = &sa.audience {
            common::assert_span_in(text, a.span, "audience");
        }
    }
    let roles_input = trustlint_core::input::read_input(ROLES.as_bytes());
    let roles: Vec<RoleRef<'_>> = roles_input
        .policies
        .iter()
        .map(|source| RoleRef {
            file: 0,
            path: "roles.json",
            source,
        })
        .collect();
    let pairs: Vec<_> = accounts.iter().map(|sa| (1, sa)).collect();
    for f in crosscheck(&roles, &pairs, &options.config) {
        assert_eq!(f.file, 1);
        common::assert_finding_in(text, &f.finding);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let options = options();
    match kind % 3 {
        // `.json`
        0 => check_json(&text, &options),
        // `.yaml`: a template, or else Kubernetes manifests.
        1 => {
            if looks_like_template(&text) {
                check_json(&text, &options);
            }
            check_manifest(&text, &options);
        }
        // `.template`
        _ => check_json(&text, &options),
    }
});
