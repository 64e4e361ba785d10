//! CloudFormation templates (JSON or YAML): the trust policy of every `AWS::IAM::Role`.
//!
//! A template is a mapping with `AWSTemplateFormatVersion`, or with a `Resources` mapping some
//! of whose values have a `Type` of the form `AWS::…`. Each `AWS::IAM::Role` resource gives one
//! [`PolicySource`] named by its logical id, read from `Properties.AssumeRolePolicyDocument`: a
//! mapping (the usual case) or a string of JSON text (literal, `!Sub`, `!Join`, possibly
//! URL-encoded).
//!
//! The document is rendered to JSON text with a per-byte map into the template (the
//! [`Embedded`] mechanism of policies embedded as strings), after resolving the intrinsic
//! functions trustlint can resolve (its `intrinsic` submodule: `Ref`/`!Sub` of parameters
//! with a `Default`, `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::FindInMap`, `Fn::If` with equal
//! branches, `AWS::NoValue`, and the pseudo parameters the options give). The text is read by the
//! policy parser unchanged, so every rule works, and every span lands on the template's own line
//! and column. YAML scalars keep the type the YAML 1.2 core schema gives them (`2012-10-17` is a
//! string; plain numbers and booleans are JSON numbers and booleans, as CloudFormation passes
//! them to IAM).
//!
//! A value trustlint cannot resolve (`!GetAtt`, `!ImportValue`, a parameter without a default,
//! `${AWS::AccountId}`, …) is written as a placeholder and listed in
//! [`PolicySource::unknowns`]: no finding rests on it (see [`super::unknown`]), an `info`
//! names it per statement, and evaluation treats it as unknown.
//!
//! Pseudo parameters: `AWS::Partition` is `aws` and `AWS::URLSuffix` `amazonaws.com`, unless the
//! template names another partition's domain or id (`amazonaws.com.cn`, `aws-cn`, `us-gov-`,
//! `aws-iso`), in which case both are unknown: the commercial partition is where a template with
//! no such hint is deployed, and a hinted one must not have its ARNs checked against a guess.
//! `AWS::AccountId`, `AWS::Region`, `AWS::StackName`, `AWS::StackId` and `AWS::NotificationARNs`
//! are unknown unless [`TemplateOptions::pseudo`] supplies them.

mod intrinsic;
mod render;
mod text;

#[cfg(test)]
mod tests;

use super::unknown::{self, find_placeholders, Unknown};
use super::{embedded_url_decode, Embedded, Input, InputKind, PolicySource};
use crate::diagnostic::{code, Finding, Severity};
use crate::json::{self, Node, Value as JsonValue};
use crate::policy::{parse::json_error_finding, parse_policy_node, ParsedPolicy};
use crate::yaml::{self, YamlEntry, YamlNode, YamlValue};
use intrinsic::{Resolver, Value};
use render::Emitter;

/// The resource type of an IAM role.
const ROLE_TYPE: &str = "AWS::IAM::Role";
/// The property holding a role's trust policy.
const POLICY_PROPERTY: &str = "AssumeRolePolicyDocument";

/// What a template is read with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateOptions {
    /// Pseudo parameter values to use (`("AWS::AccountId", "111122223333")`); they override the
    /// defaults for `AWS::Partition` and `AWS::URLSuffix`.
    pub pseudo: Vec<(String, String)>,
}

/// Whether a JSON document is a CloudFormation template.
#[must_use]
pub fn is_template_json(root: &Node) -> bool {
    if root.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    root.get("Resources")
        .and_then(Node::as_object)
        .is_some_and(|rs| {
            rs.iter().any(|m| {
                m.value
                    .get("Type")
                    .and_then(Node::as_str)
                    .is_some_and(|t| t.starts_with("AWS::"))
            })
        })
}

/// Whether a YAML document is a CloudFormation template.
#[must_use]
pub fn is_template(root: &YamlNode) -> bool {
    if root.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    root.get("Resources")
        .and_then(YamlNode::as_mapping)
        .is_some_and(|rs| {
            rs.iter().any(|e| {
                e.value
                    .get("Type")
                    .and_then(YamlNode::as_str)
                    .is_some_and(|t| t.starts_with("AWS::"))
            })
        })
}

/// Whether text looks like a template (cheap: before parsing it, or to report a YAML error as a
/// template's).
#[must_use]
pub fn looks_like_template(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion")
        || (text.contains("Resources") && text.contains("AWS::"))
}

/// Read a JSON template (already parsed) with default options.
#[must_use]
pub fn read_json(root: &Node, text: &str) -> Input {
    read_tree(&from_json(root), text, &TemplateOptions::default())
}

/// Read YAML text as a template, if it is one (or looks like a malformed one): `None` when it is
/// some other YAML or not YAML at all.
#[must_use]
pub fn read_yaml(text: &str, options: &TemplateOptions) -> Option<Input> {
    match yaml::parse_stream(text) {
        Ok(docs) => {
            let root = docs.iter().map(|d| &d.root).find(|r| !r.is_null())?;
            is_template(root).then(|| read_tree(root, text, options))
        }
        Err(e) => looks_like_template(text).then(|| {
            let mut f = Finding::new(
                code::INVALID_JSON,
                Severity::Error,
                e.span,
                format!("invalid YAML in a CloudFormation template: {}", e.message),
            );
            f.help = e.help.clone();
            Input {
                kind: InputKind::CloudFormation,
                policies: Vec::new(),
                findings: vec![f],
            }
        }),
    }
}

/// Read any template text (JSON or YAML) with `options`.
#[must_use]
pub fn read_template(text: &str, options: &TemplateOptions) -> Option<Input> {
    match json::parse_str(text) {
        Ok(root) if is_template_json(&root) => Some(read_tree(&from_json(&root), text, options)),
        Ok(_) => None,
        Err(_) => read_yaml(text, options),
    }
}

/// Every `AWS::IAM::Role` of a template tree.
fn read_tree(root: &YamlNode, text: &str, options: &TemplateOptions) -> Input {
    let mut pseudo = options.pseudo.clone();
    let hinted = [
        "amazonaws.com.cn",
        "aws-cn",
        "us-gov-",
        "aws-us-gov",
        "aws-iso",
    ]
    .iter()
    .any(|h| text.contains(h));
    if !hinted {
        for (k, v) in [
            ("AWS::Partition", "aws"),
            ("AWS::URLSuffix", "amazonaws.com"),
        ] {
            if !pseudo.iter().any(|(p, _)| p == k) {
                pseudo.push((k.to_owned(), v.to_owned()));
            }
        }
    }
    let account = pseudo
        .iter()
        .find(|(k, _)| k == "AWS::AccountId")
        .map(|(_, v)| v.clone());
    let resolver = Resolver {
        file: text,
        parameters: root.get("Parameters"),
        mappings: root.get("Mappings"),
        pseudo,
    };
    let mut input = Input {
        kind: InputKind::CloudFormation,
        policies: Vec::new(),
        findings: Vec::new(),
    };
    let resources = root
        .get("Resources")
        .and_then(YamlNode::as_mapping)
        .unwrap_or(&[]);
    for entry in resources {
        if entry.value.get("Type").and_then(YamlNode::as_str) != Some(ROLE_TYPE) {
            continue;
        }
        role(entry, &resolver, account.as_deref(), &mut input);
    }
    input
}

/// One role resource.
fn role(entry: &YamlEntry, resolver: &Resolver<'_>, account: Option<&str>, input: &mut Input) {
    let name = entry.key.clone();
    let doc = entry
        .value
        .get("Properties")
        .and_then(|p| p.get(POLICY_PROPERTY));
    let Some(doc) = doc else {
        input.findings.push(
            Finding::new(
                code::MISSING_ELEMENT,
                Severity::Error,
                entry.key_span,
                format!("role `{name}` has no `Properties.{POLICY_PROPERTY}`"),
            )
            .with_help("CloudFormation requires a trust policy: add `AssumeRolePolicyDocument` under the role's `Properties`")
            .rejected_by_iam(),
        );
        return;
    };
    let role_name = entry
        .value
        .get("Properties")
        .and_then(|p| p.get("RoleName"))
        .and_then(|n| resolver.to_str(resolver.eval(n)))
        .and_then(|s| s.known());
    let (parsed, embedded, unknowns) = document(doc, resolver);
    input.policies.push(PolicySource {
        name: Some(name),
        role_name,
        arn: None,
        account: account.map(str::to_owned),
        parsed,
        embedded: Some(embedded),
        unknowns,
    });
}

/// Render, parse and check one `AssumeRolePolicyDocument`.
fn document(doc: &YamlNode, resolver: &Resolver<'_>) -> (ParsedPolicy, Embedded, Vec<Unknown>) {
    let value = resolver.eval(doc);
    let mut em = Emitter::new();
    let as_string = match &value {
        Value::Node(n) if n.as_str().is_some() => resolver.to_str(value.clone()),
        Value::Str(_) => resolver.to_str(value.clone()),
        _ => None,
    };
    if let Some(s) = &as_string {
        em.raw(s);
    } else {
        em.value(resolver, &value);
    }
    let rendered = em.finish();
    let written = rendered.unknowns;
    let url_encoded = as_string.is_some()
        && rendered
            .text
            .trim_start()
            .get(..3)
            .is_some_and(|h| h.eq_ignore_ascii_case("%7B"));
    let (text, map, ends) = if url_encoded {
        let (decoded, map) = embedded_url_decode(&rendered.text, &rendered.map);
        (decoded, map, Vec::new())
    } else {
        (rendered.text, rendered.map, rendered.ends)
    };
    let embedded = Embedded {
        text,
        map,
        url_encoded,
        ends,
    };
    let text = &embedded.text;
    let unknowns: Vec<Unknown> = find_placeholders(text)
        .into_iter()
        .filter_map(|(i, span)| {
            let (description, file_span) = written.get(i)?.clone();
            Some(Unknown {
                span,
                file_span,
                description,
            })
        })
        .collect();
    let parsed = match json::parse_str(text) {
        Ok(node) => parse_policy_node(&node, text),
        Err(err) => ParsedPolicy {
            policy: None,
            findings: vec![json_error_finding(&err)],
        },
    };
    let mut findings = unknown::filter_findings(parsed.findings, parsed.policy.as_ref(), &unknowns);
    findings.extend(unknown::unknown_infos(parsed.policy.as_ref(), &unknowns));
    let mut findings: Vec<Finding> = findings
        .into_iter()
        .map(|f| f.map_spans(|s| embedded.map_span(s)))
        .collect();
    findings.sort_by_key(|f| (f.span.start, f.span.end));
    (
        ParsedPolicy {
            policy: parsed.policy,
            findings,
        },
        embedded,
        unknowns,
    )
}

/// A JSON tree as a YAML tree (no tags), with the same spans.
fn from_json(node: &Node) -> YamlNode {
    // Depth is bounded by the JSON reader's `MAX_DEPTH`, so recursion is safe.
    let value = match &node.value {
        JsonValue::Null => YamlValue::Null,
        JsonValue::Bool(b) => YamlValue::Bool(*b),
        JsonValue::Number(n) => YamlValue::Number(n.clone()),
        JsonValue::String(s) => YamlValue::String(s.clone()),
        JsonValue::Array(items) => YamlValue::Sequence(items.iter().map(from_json).collect()),
        JsonValue::Object(members) => YamlValue::Mapping(
            members
                .iter()
                .map(|m| YamlEntry {
                    key: m.key.clone(),
                    key_span: m.key_span,
                    value: from_json(&m.value),
                })
                .collect(),
        ),
    };
    YamlNode {
        span: node.span,
        tag: None,
        value,
    }
}
