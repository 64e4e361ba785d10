//! Tests of CloudFormation templates: every intrinsic function, unknowns, positions.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code"
)]

use super::{read_template, TemplateOptions};
use crate::input::{read_input, Input, InputKind, PolicySource};

const HEAD: &str = "AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Ns: {Type: String, Default: payments}
  NoDefault: {Type: String}
  Names: {Type: CommaDelimitedList, Default: 'a,b,c'}
Mappings:
  M:
    Top: {Second: mapped}
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: {AWS: arn:aws:iam::111122223333:role/x}
            Action: sts:AssumeRole
            Condition:
              StringEquals:
                aws:PrincipalTag/t: ";

/// The policy of a template whose one condition value is `value` (YAML), and that value as
/// rendered (`None` when unknown, with its description).
fn value_of(value: &str) -> (Option<String>, Vec<String>) {
    let text = format!("{HEAD}{value}\n");
    let input = read_input(text.as_bytes());
    assert_eq!(input.kind, InputKind::CloudFormation, "{text}");
    let p = &input.policies[0];
    let policy = p.parsed.policy.as_ref().expect(&text);
    let c = &policy.statements[0].conditions[0];
    let described: Vec<String> = p.unknowns.iter().map(|u| u.description.clone()).collect();
    if p.has_unknowns() {
        (None, described)
    } else {
        let values: Vec<&str> = c.values.iter().map(|v| v.text.as_str()).collect();
        (Some(values.join("|")), described)
    }
}

fn known(value: &str) -> String {
    let (v, d) = value_of(value);
    assert!(d.is_empty(), "{value}: unknown {d:?}");
    v.unwrap()
}

fn unknown(value: &str) -> Vec<String> {
    let (v, d) = value_of(value);
    assert!(v.is_none(), "{value}: resolved to {v:?}");
    d
}

#[test]
fn ref_resolves_parameter_defaults_and_known_pseudo_parameters() {
    assert_eq!(known("!Ref Ns"), "payments");
    assert_eq!(known("{Ref: Ns}"), "payments");
    assert_eq!(known("!Ref AWS::Partition"), "aws");
    assert_eq!(known("!Ref AWS::URLSuffix"), "amazonaws.com");
    assert_eq!(known("!Ref Names"), "a|b|c");
    assert_eq!(unknown("!Ref NoDefault"), ["!Ref NoDefault"]);
    assert_eq!(unknown("!Ref AWS::AccountId"), ["!Ref AWS::AccountId"]);
    assert_eq!(unknown("!Ref AWS::Region"), ["!Ref AWS::Region"]);
    assert_eq!(unknown("!Ref AWS::StackName"), ["!Ref AWS::StackName"]);
    assert_eq!(unknown("!Ref SomeResource"), ["!Ref SomeResource"]);
}

#[test]
fn sub_resolves_variables_and_keeps_literal_policy_variables() {
    assert_eq!(known("!Sub 'x-${Ns}-${AWS::Partition}'"), "x-payments-aws");
    assert_eq!(
        known("!Sub ['${A}/${Ns}', {A: !Ref Ns}]"),
        "payments/payments"
    );
    assert_eq!(known("{'Fn::Sub': '${!aws:username}'}"), "${aws:username}");
    assert_eq!(known("!Sub no variables"), "no variables");
    assert_eq!(
        unknown("!Sub 'arn:aws:iam::${AWS::AccountId}:role/${NoDefault}'"),
        ["${AWS::AccountId}", "${NoDefault}"]
    );
    assert_eq!(unknown("!Sub '${Res.Arn}'"), ["${Res.Arn}"]);
    assert_eq!(
        unknown("!Sub ['${A}', {A: !GetAtt Res.Arn}]"),
        ["!GetAtt Res.Arn"]
    );
}

#[test]
fn join_select_split_and_find_in_map() {
    assert_eq!(known("!Join ['-', [a, !Ref Ns, c]]"), "a-payments-c");
    assert_eq!(known("!Join [',', !Ref Names]"), "a,b,c");
    assert_eq!(known("!Select [1, !Ref Names]"), "b");
    assert_eq!(known("!Select [2, !Split ['/', 'x/y/z']]"), "z");
    assert_eq!(known("!FindInMap [M, Top, Second]"), "mapped");
    assert_eq!(
        unknown("!FindInMap [M, Top, Nope]"),
        ["!FindInMap [M, Top, Nope]"]
    );
    assert_eq!(
        unknown("!Join ['', [a, !GetAtt Res.Arn]]"),
        ["!GetAtt Res.Arn"]
    );
    assert_eq!(
        unknown("!Select [5, !Ref Names]"),
        ["!Select [5, !Ref Names]"]
    );
    assert_eq!(
        unknown("!Select [0, !Split [',', !ImportValue x]]"),
        ["!Select [0, !Split [',', !ImportValue x]]"]
    );
}

#[test]
fn if_is_known_only_when_both_branches_agree() {
    assert_eq!(known("!If [C, !Ref Ns, payments]"), "payments");
    assert_eq!(unknown("!If [C, a, b]"), ["!If [C, a, b]"]);
    assert_eq!(
        unknown("!If [C, a, !Ref AWS::NoValue]"),
        ["!If [C, a, !Ref AWS::NoValue]"]
    );
}

#[test]
fn other_functions_are_unknown() {
    for f in [
        "!GetAtt Res.Arn",
        "!ImportValue exported",
        "!Base64 abc",
        "!GetAZs ''",
        "!Cidr [10.0.0.0/16, 2, 8]",
        "!Equals [a, a]",
        "!Condition C",
        "!NotACloudFormationTag x",
        "{'Fn::GetAtt': [Res, Arn]}",
    ] {
        let d = unknown(f);
        assert_eq!(d.len(), 1, "{f}");
    }
    assert_eq!(unknown("{'Fn::GetAtt': [Res, Arn]}"), ["!GetAtt Res.Arn"]);
}

#[test]
fn no_value_removes_the_element() {
    let text = format!("{HEAD}x\n                aws:SourceAccount: !Ref AWS::NoValue\n");
    let input = read_input(text.as_bytes());
    let c = &input.policies[0].parsed.policy.as_ref().unwrap().statements[0].conditions;
    assert_eq!(c.len(), 1);
    let list = format!(
        "{HEAD}x\n                aws:SourceAccount: [a, !Ref AWS::NoValue, !If [C, !Ref AWS::NoValue, !Ref AWS::NoValue]]\n"
    );
    let input = read_input(list.as_bytes());
    let c = &input.policies[0].parsed.policy.as_ref().unwrap().statements[0].conditions;
    assert_eq!(c[1].values.len(), 1);
}

#[test]
fn partition_hints_make_partition_unknown_and_options_supply_pseudo_parameters() {
    let text =
        format!("{HEAD}!Sub '${{AWS::Partition}}'\n# deployed in cn-north-1 (amazonaws.com.cn)\n");
    let input = read_input(text.as_bytes());
    assert!(input.policies[0].has_unknowns());
    let options = TemplateOptions {
        pseudo: vec![("AWS::AccountId".into(), "444455556666".into())],
    };
    let text = format!("{HEAD}!Sub '${{AWS::AccountId}}'\n");
    let input = read_template(&text, &options).unwrap();
    let p = &input.policies[0];
    assert!(!p.has_unknowns());
    assert_eq!(p.account.as_deref(), Some("444455556666"));
}

fn roles(text: &str) -> Input {
    let input = read_input(text.as_bytes());
    assert_eq!(input.kind, InputKind::CloudFormation, "{text}");
    input
}

fn at<'a>(text: &'a str, p: &PolicySource, code: &str) -> &'a str {
    let f = p.parsed.findings.iter().find(|f| f.code == code).unwrap();
    &text[f.span.start..f.span.end]
}

#[test]
fn a_document_given_as_a_string_is_read_with_positions() {
    let text = r#"{"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {
  "AssumeRolePolicyDocument": "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"allow\"}]}"}}}}"#;
    let input = roles(text);
    assert_eq!(at(text, &input.policies[0], "TL005"), r#"\"allow\""#);
    let encoded = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: '%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22allow%22%7D%5D%7D'\n";
    let input = roles(encoded);
    assert!(input.policies[0].embedded.as_ref().unwrap().url_encoded);
    assert_eq!(at(encoded, &input.policies[0], "TL005"), "%22allow%22");
}

#[test]
fn unknowns_in_a_json_string_and_outside_any_statement() {
    let text = "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: !Sub '{\"Version\": \"2012-10-17\", \"Statement\": ${Statements}}'\n";
    let input = roles(text);
    let p = &input.policies[0];
    // The text is not JSON until the variable is known: no TL001, one info naming it.
    assert!(p.parsed.policy.is_none());
    assert_eq!(p.parsed.findings.len(), 1);
    let f = &p.parsed.findings[0];
    assert_eq!(f.code, "TL005");
    assert!(f.message.contains("`${Statements}`"), "{}", f.message);
    assert_eq!(&text[f.span.start..f.span.end], "${Statements}");
}

#[test]
fn roles_without_a_policy_and_other_resources() {
    let text = "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n  R:\n    Type: AWS::IAM::Role\n    Properties: {}\n";
    let input = roles(text);
    assert!(input.policies.is_empty());
    assert_eq!(input.findings[0].code, "TL006");
    assert_eq!(
        &text[input.findings[0].span.start..input.findings[0].span.end],
        "R"
    );
}

#[test]
fn other_yaml_and_broken_yaml() {
    assert_eq!(
        read_input(b"apiVersion: v1\nkind: ServiceAccount\n").kind,
        InputKind::Invalid
    );
    let broken = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  R: [\n";
    let input = roles(broken);
    assert_eq!(input.findings[0].code, "TL001");
    // Garbage never panics.
    for junk in [
        "Resources: {AWS::",
        "AWSTemplateFormatVersion: *a",
        "\t- AWS::\nResources:\n\t",
    ] {
        let _ = read_input(junk.as_bytes());
    }
}
