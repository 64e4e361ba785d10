#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code"
)]
//! The `corpus/cloudformation/` templates: every finding of `check`, with its line and column in
//! the template and the template text it points at; and what `can-assume` decides on each role.

use std::fmt::Write as _;
use trustlint_core::check::{check, CheckOptions};
use trustlint_core::eval::Decision;
use trustlint_core::identity::{Identity, Issuer, Query, ServiceAccount};
use trustlint_core::input::{read_input, InputKind};
use trustlint_core::source::LineIndex;

fn corpus(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../../corpus/cloudformation/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// One line per finding: `code severity line:col role message` and the text it points at.
fn findings(text: &str) -> (usize, String) {
    let report = check(text.as_bytes(), &CheckOptions::default());
    let index = LineIndex::new(text);
    let mut out = String::new();
    for r in &report.findings {
        let f = &r.finding;
        let at = index.position(text, f.span.start);
        writeln!(
            out,
            "{} {} {}:{} [{}] {}\n    at `{}`",
            f.code,
            f.severity.as_str(),
            at.line,
            at.column,
            r.policy.as_deref().unwrap_or("-"),
            f.message,
            &text[f.span.start..f.span.end]
        )
        .unwrap();
    }
    (report.findings.len(), out)
}

#[test]
fn cloudformation_corpus_snapshots() {
    let mut seen = 0;
    insta::glob!(
        "../../../corpus",
        "cloudformation/*",
        |path: &std::path::Path| {
            let text = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
            let (n, listed) = findings(&text);
            seen += 1;
            insta::assert_snapshot!(format!("# Findings ({n})\n{listed}"));
        }
    );
    assert!(seen >= 4, "the corpus/cloudformation/ cases are missing");
}

fn irsa(sa: &str) -> Query {
    Query {
        identity: Identity::WebIdentity {
            issuer: Issuer::parse(
                "https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF",
            )
            .unwrap(),
            sub: ServiceAccount::parse(sa).unwrap().subject(),
            aud: vec!["sts.amazonaws.com".into()],
        },
        account: Some("111122223333".into()),
        partition: None,
        context: vec![],
        actions: vec![],
    }
}

fn decisions(file: &str, query: &Query) -> Vec<(String, Decision)> {
    let input = read_input(corpus(file).as_bytes());
    assert_eq!(input.kind, InputKind::CloudFormation);
    input
        .policies
        .iter()
        .map(|p| {
            (
                p.name.clone().unwrap(),
                query.answer_source(p).unwrap().decision,
            )
        })
        .collect()
}

#[test]
fn short_and_long_forms_read_alike() {
    let yaml = read_input(corpus("irsa-short-form.yaml").as_bytes());
    let json = read_input(corpus("irsa-long-form.json").as_bytes());
    assert_eq!(yaml.policies.len(), 3);
    for (y, j) in yaml.policies.iter().zip(&json.policies) {
        assert_eq!(y.name, j.name);
        assert_eq!(
            y.embedded.as_ref().unwrap().text,
            j.embedded.as_ref().unwrap().text,
            "{:?}",
            y.name
        );
        let codes = |p: &trustlint_core::input::PolicySource| {
            p.parsed
                .findings
                .iter()
                .map(|f| (f.code, f.severity))
                .collect::<Vec<_>>()
        };
        assert_eq!(codes(y), codes(j));
    }
}

#[test]
fn unknown_values_never_allow() {
    for file in ["irsa-short-form.yaml", "irsa-long-form.json"] {
        assert_eq!(
            decisions(file, &irsa("payments/api")),
            vec![
                // Only the account id is unknown: it decides whether the provider matches.
                ("PaymentsRole".to_owned(), Decision::Unknown),
                // Fully resolved: the subject is `payments/worker`.
                ("ResolvedRole".to_owned(), Decision::ImplicitDeny),
                ("UnknownRole".to_owned(), Decision::Unknown),
            ],
            "{file}"
        );
        assert_eq!(
            decisions(file, &irsa("payments/worker"))[1],
            ("ResolvedRole".to_owned(), Decision::Allow)
        );
        // The admin role is trusted by a statement without unknowns: allowed.
        let admin = Query {
            identity: Identity::Aws {
                principal: "arn:aws:iam::111122223333:role/admin".into(),
            },
            account: None,
            partition: None,
            context: vec![],
            actions: vec![],
        };
        assert_eq!(decisions(file, &admin)[2].1, Decision::Allow);
        assert_eq!(decisions(file, &admin)[0].1, Decision::ImplicitDeny);
    }
}

#[test]
fn a_note_names_what_the_decision_rests_on() {
    let input = read_input(corpus("irsa-short-form.yaml").as_bytes());
    let answer = irsa("payments/api")
        .answer_source(&input.policies[2])
        .unwrap();
    let note = answer.notes.last().unwrap();
    assert!(note.contains("`!GetAtt OidcProvider.Arn`"), "{note}");
    assert!(note.contains("`${ServiceAccount}`"), "{note}");
}

/// Found by the `check_text` fuzz target: a literal block (`!Sub |`) at the end of a file
/// without a final line break ends in a line break that has no byte of its own. A JSON error
/// there (here an unterminated string) used to get a span one byte past the end of the file.
#[test]
fn findings_at_the_end_of_a_block_stay_in_the_file() {
    let template = "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: !Sub |\n        {\n          \"Version\": \"2012-10-17\",\n          \"Statement\": [{\"Effect\": \"Allow\",\n            \"Principal\": {\"Federated\": \"arn:aws:iam::111122223333:oidc-provi";
    for text in [template.to_owned(), format!("{template}\n")] {
        let report = check(text.as_bytes(), &CheckOptions::default());
        assert!(
            report.findings.iter().any(|r| r.finding.code == "TL001"),
            "{:?}",
            report.findings
        );
        for r in &report.findings {
            let span = r.finding.span;
            assert!(
                span.start <= span.end && span.end <= text.len(),
                "{} {span:?} in {} bytes",
                r.finding.code,
                text.len()
            );
        }
    }
}
