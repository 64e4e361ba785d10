//! The YAML reader and the adapters built on it on arbitrary text: CloudFormation template
//! reading, Kubernetes ServiceAccount extraction, and the Terraform plan adapter (the text as a
//! plan, and as the `assume_role_policy` string of a plan's role).
//!
//! Invariants: no panic; every node, error and finding span lies within the text on character
//! boundaries; the YAML tree nests at most `yaml::MAX_DEPTH` levels.

#![no_main]

#[path = "../common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use trustlint_core::check::{check_with_input, CheckOptions};
use trustlint_core::input::cloudformation::{read_template, read_yaml, TemplateOptions};
use trustlint_core::input::terraform::plan_policies;
use trustlint_core::input::Input;
use trustlint_core::k8s::service_accounts;
use trustlint_core::yaml::{self, YamlNode, YamlValue};

/// Spans within the text, nesting within the limit (iteratively: the tree may be deep).
fn assert_yaml_tree(text: &str, root: &YamlNode) {
    let mut stack = vec![(root, 0usize)];
    while let Some((node, depth)) = stack.pop() {
        common::assert_span_in(text, node.span, "yaml node");
        match &node.value {
            YamlValue::Sequence(items) => {
                assert!(depth < yaml::MAX_DEPTH, "nesting beyond the limit");
                stack.extend(items.iter().map(|i| (i, depth + 1)));
            }
            YamlValue::Mapping(entries) => {
                assert!(depth < yaml::MAX_DEPTH, "nesting beyond the limit");
                for e in entries {
                    common::assert_span_in(text, e.key_span, "yaml key");
                    stack.push((&e.value, depth + 1));
                }
            }
            _ => {}
        }
    }
}

fn assert_input(text: &str, input: &Input) {
    for f in &input.findings {
        common::assert_finding_in(text, f);
    }
    for source in &input.policies {
        for f in &source.parsed.findings {
            common::assert_finding_in(text, f);
        }
        for span in source.unknown_spans() {
            common::assert_span_in(source.text(text), span, "unknown value");
        }
    }
}

fn yaml_side(text: &str) {
    match yaml::parse_stream(text) {
        Ok(docs) => {
            for d in &docs {
                common::assert_span_in(text, d.span, "yaml document");
                assert_yaml_tree(text, &d.root);
                let json = d.root.to_json();
                common::assert_span_in(text, json.span, "converted node");
                for sa in service_accounts(&d.root) {
                    common::assert_span_in(text, sa.span, "service account");
                    common::assert_span_in(text, sa.role_arn.span, "role-arn");
                    assert!(!sa.subject().is_empty());
                }
            }
        }
        Err(e) => {
            common::assert_span_in(text, e.span, "yaml error");
            assert!(!e.message.is_empty());
        }
    }
    let options = TemplateOptions {
        pseudo: vec![("AWS::AccountId".to_owned(), "111122223333".to_owned())],
    };
    if let Some(input) = read_yaml(text, &TemplateOptions::default()) {
        assert_input(text, &input);
    }
    if let Some(input) = read_template(text, &options) {
        assert_input(text, &input);
    }
}

fn terraform_side(text: &str) {
    // The text as a plan document.
    if let Ok(root) = trustlint_core::json::parse_str(text) {
        let (policies, findings) = plan_policies(&root, text);
        for f in &findings {
            common::assert_finding_in(text, f);
        }
        for source in &policies {
            for f in &source.parsed.findings {
                common::assert_finding_in(text, f);
            }
        }
    }
    // The text as the trust policy of a plan's role (escaped into a JSON string).
    let escaped = serde_json::to_string(text).unwrap_or_default();
    let plan = format!(
        r#"{{"format_version":"1.2","terraform_version":"1.9.0","planned_values":{{"root_module":{{"resources":[{{"address":"aws_iam_role.r","mode":"managed","type":"aws_iam_role","name":"r","values":{{"name":"r","assume_role_policy":{escaped}}}}}]}}}}}}"#
    );
    let (report, input) = check_with_input(plan.as_bytes(), &CheckOptions::default());
    for r in &report.findings {
        common::assert_finding_in(&plan, &r.finding);
    }
    assert_input(&plan, &input);
}

fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    if kind & 1 == 0 {
        yaml_side(&text);
    } else {
        terraform_side(&text);
    }
});
