//! One test per operator family and per missing-key row of SEMANTICS.md §3.9, through the
//! public parse → evaluate path.
#![allow(clippy::expect_used, clippy::unwrap_used, reason = "test code")]

use trustlint_core::eval::{
    evaluate, explain, Decision, Request, RequestContext, RequestPrincipal,
};
use trustlint_core::policy::parse_policy;

const PROVIDER: &str = "arn:aws:iam::111122223333:oidc-provider/oidc.example.com/id/X";

/// Allowed? for a one-statement policy with `condition` and a request with `context`.
fn allowed_with(version: &str, condition: &str, context: &[(&str, &[&str])]) -> bool {
    let doc = format!(
        r#"{{{version}"Statement": [{{"Effect": "Allow", "Principal": {{"Federated": "{PROVIDER}"}},
            "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {condition}}}]}}"#
    );
    let parsed = parse_policy(doc.as_bytes());
    let policy = parsed.policy.expect("a policy");
    let mut ctx = RequestContext::new();
    for (k, v) in context {
        let multi = k.eq_ignore_ascii_case("aws:TagKeys");
        ctx.set_values(*k, v.iter().map(|s| (*s).to_owned()).collect(), multi);
    }
    let request = Request {
        principal: RequestPrincipal::Federated(PROVIDER.to_owned()),
        action: "sts:AssumeRoleWithWebIdentity".to_owned(),
        context: ctx,
    };
    let fast = evaluate(&policy, &request);
    let traced = explain(&policy, &request).decision;
    assert_eq!(fast, traced, "evaluate and explain disagree on {condition}");
    fast == Decision::Allow
}

fn allowed(condition: &str, context: &[(&str, &[&str])]) -> bool {
    allowed_with(r#""Version": "2012-10-17", "#, condition, context)
}

const K: &str = "oidc.example.com/id/X:sub";

fn cond(op: &str, values: &str) -> String {
    format!(r#"{{"{op}": {{"{K}": {values}}}}}"#)
}

#[test]
fn string_equals_is_exact_and_case_sensitive() {
    let c = cond("StringEquals", r#""system:serviceaccount:a:b""#);
    assert!(allowed(&c, &[(K, &["system:serviceaccount:a:b"])]));
    assert!(!allowed(&c, &[(K, &["system:serviceaccount:A:b"])]));
    assert!(!allowed(
        &cond("StringEquals", r#""system:*""#),
        &[(K, &["system:x"])]
    ));
    assert!(allowed(
        &cond("StringEquals", r#""system:*""#),
        &[(K, &["system:*"])]
    ));
}

#[test]
fn values_are_ored_and_negated_values_nored() {
    let c = cond("StringEquals", r#"["a", "b"]"#);
    assert!(allowed(&c, &[(K, &["b"])]));
    assert!(!allowed(&c, &[(K, &["c"])]));
    let n = cond("StringNotEquals", r#"["a", "b"]"#);
    assert!(!allowed(&n, &[(K, &["b"])]));
    assert!(allowed(&n, &[(K, &["c"])]));
}

#[test]
fn keys_and_operators_are_anded() {
    let c = format!(
        r#"{{"StringEquals": {{"{K}": "a", "x:aud": "s"}}, "StringLike": {{"x:y": "z*"}}}}"#
    );
    assert!(allowed(
        &c,
        &[(K, &["a"]), ("x:aud", &["s"]), ("x:y", &["zz"])]
    ));
    assert!(!allowed(
        &c,
        &[(K, &["a"]), ("x:aud", &["s"]), ("x:y", &["q"])]
    ));
    assert!(!allowed(&c, &[(K, &["a"]), ("x:y", &["zz"])]));
}

#[test]
fn condition_key_names_are_case_insensitive() {
    let c = r#"{"StringEquals": {"OIDC.Example.com/id/X:SUB": "a"}}"#;
    assert!(allowed(c, &[(K, &["a"])]));
}

#[test]
fn ignore_case_operators() {
    assert!(allowed(
        &cond("StringEqualsIgnoreCase", r#""ABC""#),
        &[(K, &["abc"])]
    ));
    assert!(!allowed(
        &cond("StringNotEqualsIgnoreCase", r#""ABC""#),
        &[(K, &["abc"])]
    ));
    assert!(allowed(
        &cond("StringNotEqualsIgnoreCase", r#""ABC""#),
        &[(K, &["abd"])]
    ));
}

#[test]
fn string_like_wildcards_cross_separators() {
    let c = cond("StringLike", r#""system:serviceaccount:team-*""#);
    assert!(allowed(&c, &[(K, &["system:serviceaccount:team-a:x"])]));
    assert!(allowed(
        &c,
        &[(K, &["system:serviceaccount:team-evil:default"])]
    ));
    assert!(!allowed(&c, &[(K, &["system:serviceaccount:other:x"])]));
    assert!(allowed(&cond("StringLike", r#""a?c""#), &[(K, &["abc"])]));
    assert!(!allowed(&cond("StringLike", r#""a?c""#), &[(K, &["ac"])]));
    assert!(!allowed(
        &cond("StringNotLike", r#""a*""#),
        &[(K, &["abc"])]
    ));
    assert!(allowed(&cond("StringNotLike", r#""a*""#), &[(K, &["bc"])]));
}

#[test]
fn pathological_pattern_is_fast() {
    let text = "a".repeat(100_000);
    let start = std::time::Instant::now();
    assert!(!allowed(
        &cond("StringLike", r#""*a*a*a*a*a*a*a*b""#),
        &[(K, &[text.as_str()])]
    ));
    assert!(start.elapsed().as_secs() < 2, "took {:?}", start.elapsed());
}

// SEMANTICS.md §3.9, row by row: the key is absent from the request.
#[test]
fn missing_key_positive_operators_are_false() {
    for op in [
        "StringEquals",
        "StringLike",
        "StringEqualsIgnoreCase",
        "ArnLike",
        "ArnEquals",
        "Bool",
        "NumericEquals",
        "DateEquals",
        "IpAddress",
        "BinaryEquals",
    ] {
        assert!(!allowed(&cond(op, r#""x""#), &[]), "{op}");
    }
}

#[test]
fn missing_key_negated_operators_are_true() {
    for op in [
        "StringNotEquals",
        "StringNotLike",
        "StringNotEqualsIgnoreCase",
        "ArnNotLike",
        "ArnNotEquals",
        "NumericNotEquals",
        "DateNotEquals",
        "NotIpAddress",
    ] {
        assert!(allowed(&cond(op, r#""x""#), &[]), "{op}");
    }
}

#[test]
fn missing_key_if_exists_is_true() {
    for op in [
        "StringEqualsIfExists",
        "StringLikeIfExists",
        "ArnLikeIfExists",
        "BoolIfExists",
        "NumericLessThanIfExists",
    ] {
        assert!(allowed(&cond(op, r#""x""#), &[]), "{op}");
    }
    // present: the base operator decides
    assert!(!allowed(
        &cond("StringEqualsIfExists", r#""x""#),
        &[(K, &["y"])]
    ));
    assert!(allowed(
        &cond("StringEqualsIfExists", r#""x""#),
        &[(K, &["x"])]
    ));
}

#[test]
fn missing_key_null() {
    assert!(allowed(&cond("Null", r#""true""#), &[]));
    assert!(!allowed(&cond("Null", r#""false""#), &[]));
    assert!(!allowed(&cond("Null", "true"), &[(K, &["a"])]));
    assert!(allowed(&cond("Null", "false"), &[(K, &["a"])]));
}

/// SEMANTICS §3.5: with a set qualifier, `Null` is always true (`ForAllValues:`) or always false
/// (`ForAnyValue:`), whether the key is present or not and whatever the value.
#[test]
fn null_with_a_set_qualifier_is_constant() {
    for value in [r#""true""#, r#""false""#] {
        for context in [&[][..], &[(K, &["a"][..])][..]] {
            assert!(allowed(&cond("ForAllValues:Null", value), context));
            assert!(!allowed(&cond("ForAnyValue:Null", value), context));
        }
    }
}

#[test]
fn missing_key_set_operators() {
    assert!(allowed(&cond("ForAllValues:StringEquals", r#""x""#), &[]));
    assert!(!allowed(&cond("ForAnyValue:StringEquals", r#""x""#), &[]));
    // present but empty
    assert!(allowed(
        &cond("ForAllValues:StringEquals", r#""x""#),
        &[(K, &[])]
    ));
    assert!(!allowed(
        &cond("ForAnyValue:StringEquals", r#""x""#),
        &[(K, &[])]
    ));
}

#[test]
fn set_operators_over_multi_valued_keys() {
    let tk = "aws:TagKeys";
    let all = r#"{"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}}"#;
    assert!(allowed(all, &[(tk, &["a", "b"])]));
    assert!(!allowed(all, &[(tk, &["a", "c"])]));
    let any = r#"{"ForAnyValue:StringEquals": {"aws:TagKeys": ["a"]}}"#;
    assert!(allowed(any, &[(tk, &["c", "a"])]));
    assert!(!allowed(any, &[(tk, &["c"])]));
    let none = r#"{"ForAllValues:StringNotEquals": {"aws:TagKeys": ["a"]}}"#;
    assert!(allowed(none, &[(tk, &["b", "c"])]));
    assert!(!allowed(none, &[(tk, &["b", "a"])]));
    let some_outside = r#"{"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["a"]}}"#;
    assert!(allowed(some_outside, &[(tk, &["a", "b"])]));
    assert!(!allowed(some_outside, &[(tk, &["a"])]));
    // a plain operator on a multi-valued key never matches
    assert!(!allowed(
        r#"{"StringEquals": {"aws:TagKeys": "a"}}"#,
        &[(tk, &["a"])]
    ));
}

#[test]
fn multi_valued_audience_needs_a_set_operator() {
    let aud = "oidc.example.com/id/X:aud";
    let plain = r#"{"StringEquals": {"oidc.example.com/id/X:aud": "sts.amazonaws.com"}}"#;
    assert!(allowed(plain, &[(aud, &["sts.amazonaws.com"])]));
    assert!(!allowed(plain, &[(aud, &["sts.amazonaws.com", "other"])]));
    let any = r#"{"ForAnyValue:StringEquals": {"oidc.example.com/id/X:aud": "sts.amazonaws.com"}}"#;
    assert!(allowed(any, &[(aud, &["sts.amazonaws.com", "other"])]));
}

#[test]
fn numeric_operators() {
    let k = "x:n";
    let c = |op: &str, v: &str| format!(r#"{{"{op}": {{"x:n": {v}}}}}"#);
    assert!(allowed(&c("NumericEquals", "10"), &[(k, &["10.0"])]));
    assert!(allowed(&c("NumericLessThan", r#""10""#), &[(k, &["9"])]));
    assert!(!allowed(&c("NumericLessThan", "10"), &[(k, &["10"])]));
    assert!(allowed(&c("NumericLessThanEquals", "10"), &[(k, &["10"])]));
    assert!(allowed(&c("NumericGreaterThan", "10"), &[(k, &["11"])]));
    assert!(allowed(
        &c("NumericGreaterThanEquals", "10"),
        &[(k, &["10"])]
    ));
    assert!(allowed(&c("NumericNotEquals", "10"), &[(k, &["11"])]));
    assert!(!allowed(&c("NumericEquals", "10"), &[(k, &["ten"])]));
}

#[test]
fn date_operators() {
    let k = "aws:CurrentTime";
    let c = |op: &str, v: &str| format!(r#"{{"{op}": {{"aws:CurrentTime": "{v}"}}}}"#);
    assert!(allowed(
        &c("DateLessThan", "2030-01-01T00:00:00Z"),
        &[(k, &["2026-11-23T12:00:00Z"])]
    ));
    assert!(!allowed(
        &c("DateGreaterThan", "2030-01-01T00:00:00Z"),
        &[(k, &["2026-11-23T12:00:00Z"])]
    ));
    assert!(allowed(
        &c("DateEquals", "2020-01-01T00:00:00Z"),
        &[(k, &["1577836800"])]
    ));
    assert!(allowed(
        &c("DateGreaterThanEquals", "2020-01-01"),
        &[(k, &["2020-01-01T00:00:00Z"])]
    ));
    assert!(allowed(
        &c("DateNotEquals", "2020-01-01"),
        &[(k, &["2020-01-02"])]
    ));
    assert!(allowed(
        &c("DateLessThanEquals", "2020-01-01"),
        &[(k, &["2020-01-01"])]
    ));
}

#[test]
fn bool_ip_binary_arn() {
    assert!(allowed(
        r#"{"Bool": {"aws:SecureTransport": true}}"#,
        &[("aws:SecureTransport", &["TRUE"])]
    ));
    assert!(!allowed(
        r#"{"Bool": {"aws:SecureTransport": "false"}}"#,
        &[("aws:SecureTransport", &["true"])]
    ));
    assert!(allowed(
        r#"{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#,
        &[("aws:SourceIp", &["10.1.2.3"])]
    ));
    assert!(allowed(
        r#"{"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#,
        &[("aws:SourceIp", &["11.1.2.3"])]
    ));
    assert!(allowed(
        r#"{"BinaryEquals": {"k:b": "QmluYXJ5"}}"#,
        &[("k:b", &["QmluYXJ5"])]
    ));
    let arn = r#"{"ArnLike": {"aws:SourceArn": "arn:aws:eks:*:111122223333:podidentityassociation/my-cluster/*"}}"#;
    assert!(allowed(
        arn,
        &[(
            "aws:SourceArn",
            &["arn:aws:eks:eu-west-1:111122223333:podidentityassociation/my-cluster/a-1"]
        )]
    ));
    assert!(!allowed(
        arn,
        &[(
            "aws:SourceArn",
            &["arn:aws:eks:eu-west-1:111122223333:podidentityassociation/other/a-1"]
        )]
    ));
    // `*` does not cross `:` in ArnLike
    let docs = r#"{"ArnLike": {"aws:SourceArn": "arn:aws:someservice:*:111122223333:finance/*"}}"#;
    let v: &[&str] = &[
        "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt",
    ];
    assert!(!allowed(docs, &[("aws:SourceArn", v)]));
    assert!(allowed(
        &docs.replace("ArnLike", "StringLike"),
        &[("aws:SourceArn", v)]
    ));
    assert!(allowed(
        &docs.replace("ArnLike", "ArnNotLike"),
        &[("aws:SourceArn", v)]
    ));
}

#[test]
fn policy_variables_only_under_2012() {
    let c = r#"{"StringEquals": {"aws:SourceOrgId": "${aws:ResourceOrgId}"}}"#;
    let ctx: &[(&str, &[&str])] = &[
        ("aws:SourceOrgId", &["o-1"]),
        ("aws:ResourceOrgId", &["o-1"]),
    ];
    assert!(allowed(c, ctx));
    assert!(!allowed(
        c,
        &[
            ("aws:SourceOrgId", &["o-1"]),
            ("aws:ResourceOrgId", &["o-2"])
        ]
    ));
    // absent variable: effectively null; positive false, negated true
    assert!(!allowed(c, &[("aws:SourceOrgId", &["o-1"])]));
    assert!(allowed(
        &c.replace("StringEquals", "StringNotEquals"),
        &[("aws:SourceOrgId", &["o-1"])]
    ));
    // default value
    let d = r#"{"StringEquals": {"aws:SourceOrgId": "${aws:ResourceOrgId, 'o-9'}"}}"#;
    assert!(allowed(d, &[("aws:SourceOrgId", &["o-9"])]));
    // under 2008 the text is literal
    assert!(!allowed_with("", c, ctx));
    assert!(allowed_with(
        "",
        c,
        &[("aws:SourceOrgId", &["${aws:ResourceOrgId}"])]
    ));
    // escapes: `${*}` is a literal star in StringLike
    let e = r#"{"StringLike": {"k:x": "a${*}b*"}}"#;
    assert!(allowed(e, &[("k:x", &["a*bzz"])]));
    assert!(!allowed(e, &[("k:x", &["aQbzz"])]));
    // substituted values are literal
    let v = r#"{"StringLike": {"k:x": "${k:y}"}}"#;
    assert!(!allowed(v, &[("k:x", &["abc"]), ("k:y", &["a*"])]));
    assert!(allowed(v, &[("k:x", &["a*"]), ("k:y", &["a*"])]));
}

#[test]
fn unknown_operator_never_holds() {
    assert!(!allowed(&cond("StringEqual", r#""a""#), &[(K, &["a"])]));
    assert!(!allowed(&cond("ForAllValuesStringEquals", r#""a""#), &[]));
}

#[test]
fn explicit_deny_wins_and_duplicates_keep_the_last() {
    let doc = format!(
        r#"{{"Version": "2012-10-17", "Statement": [
        {{"Effect": "Allow", "Principal": {{"Federated": "{PROVIDER}"}}, "Action": "sts:AssumeRoleWithWebIdentity"}},
        {{"Effect": "Deny", "Principal": "*", "Action": "sts:*", "Condition": {{"StringLike": {{"{K}": "*:kube-system:*"}}}}}}]}}"#
    );
    let policy = parse_policy(doc.as_bytes()).policy.unwrap();
    let req = |sub: &str| {
        let mut ctx = RequestContext::new();
        ctx.set(K, sub);
        Request {
            principal: RequestPrincipal::Federated(PROVIDER.into()),
            action: "STS:AssumeRoleWithWebIdentity".into(),
            context: ctx,
        }
    };
    assert_eq!(
        evaluate(&policy, &req("system:serviceaccount:a:b")),
        Decision::Allow
    );
    assert_eq!(
        evaluate(&policy, &req("system:serviceaccount:kube-system:b")),
        Decision::ExplicitDeny
    );

    let dup = format!(r#"{{"StringEquals": {{"{K}": "first", "{K}": "last"}}}}"#);
    assert!(allowed(&dup, &[(K, &["last"])]));
    assert!(!allowed(&dup, &[(K, &["first"])]));
}
