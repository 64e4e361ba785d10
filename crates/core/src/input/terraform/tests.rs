//! Tests of reading Terraform plans.

use super::*;
use crate::json;
use crate::lint::{self, LintConfig, LintContext};
use crate::policy::parse_policy;
use proptest::prelude::*;

const NESTED: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../corpus/terraform/plan-nested-modules.json"
));
const MINIMAL: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../corpus/terraform/plan-minimal.json"
));

// ---------------------------------------------------------------------------------------------
// Helpers

/// The roles whose policy the plan gives, and the findings about the file plus those of the
/// roles whose policy is unknown (each such role is checked to be a policy-less source with
/// one unknown at its finding's place, so that it is never decided).
fn read(text: &str) -> (Vec<PolicySource>, Vec<Finding>) {
    let root = json::parse_str(text).unwrap();
    assert!(is_plan(&root), "not detected as a plan");
    let (all, mut findings) = plan_policies(&root, text);
    let (unknown, known): (Vec<_>, Vec<_>) = all
        .into_iter()
        .partition(|p| p.parsed.policy.is_none() && p.has_unknowns());
    for u in unknown {
        assert_eq!(u.unknowns.len(), 1);
        assert_eq!(u.parsed.findings.len(), 1);
        assert_eq!(u.unknowns[0].file_span, u.parsed.findings[0].span);
        findings.extend(u.parsed.findings);
    }
    (known, findings)
}

fn names(policies: &[PolicySource]) -> Vec<&str> {
    policies
        .iter()
        .map(|p| p.name.as_deref().unwrap())
        .collect()
}

fn by_name<'a>(policies: &'a [PolicySource], name: &str) -> &'a PolicySource {
    policies
        .iter()
        .find(|p| p.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no policy {name}"))
}

/// Every lint finding of a source, with spans mapped into the file.
fn lints(source: &PolicySource, file: &str) -> Vec<Finding> {
    let config = LintConfig::default();
    let Some(policy) = &source.parsed.policy else {
        return Vec::new();
    };
    let admitted = crate::lint::AdmittedSets::default();
    let providers = crate::lint::StatementProviders::new(policy);
    let cx = LintContext {
        policy,
        text: source.text(file),
        config: &config,
        role_account: source.account.as_deref(),
        admitted: &admitted,
        providers: &providers,
    };
    lint::lint(&cx, |_| true)
        .into_iter()
        .map(|f| f.map_spans(|s| source.file_span(s)))
        .collect()
}

/// A plan with one role resource in module `module.m`, whose `assume_role_policy` is `policy`
/// written exactly as given (already escaped; `policy` may also be any JSON value).
fn plan_with(policy: &str) -> String {
    format!(
        r#"{{
  "format_version": "1.2",
  "terraform_version": "1.11.4",
  "planned_values": {{
    "root_module": {{
      "child_modules": [
        {{
          "address": "module.m",
          "resources": [
            {{
              "address": "module.m.aws_iam_role.r[\"k\"]",
              "mode": "managed",
              "type": "aws_iam_role",
              "name": "r",
              "index": "k",
              "values": {{
                "assume_role_policy": {policy},
                "name": "r"
              }}
            }}
          ]
        }}
      ]
    }}
  }}
}}"#
    )
}

// ---------------------------------------------------------------------------------------------
// Detection

#[test]
fn detects_plans_and_states_only() {
    let yes = [
        NESTED,
        MINIMAL,
        r#"{"planned_values": {}}"#,
        r#"{"format_version": "1.0", "terraform_version": "1.5.7", "values": {}}"#,
    ];
    for text in yes {
        assert!(is_plan(&json::parse_str(text).unwrap()), "{text}");
    }
    let no = [
        r#"{"Version": "2012-10-17", "Statement": []}"#,
        r#"{"Role": {"RoleName": "r"}}"#,
        r#"{"format_version": "1.0"}"#,
        r#"{"terraform_version": "1.5.7"}"#,
        r#"[{"planned_values": {}}]"#,
        r#""planned_values""#,
    ];
    for text in no {
        assert!(!is_plan(&json::parse_str(text).unwrap()), "{text}");
    }
}

// ---------------------------------------------------------------------------------------------
// The fixtures

#[test]
fn nested_plan_lists_every_known_role_by_address_in_document_order() {
    let (policies, _) = read(NESTED);
    assert_eq!(
        names(&policies),
        [
            "aws_iam_role.ci_deploy",
            "module.eks.aws_iam_role.cluster",
            "module.eks.module.irsa.aws_iam_role.this[\"ebs-csi\"]",
            "module.eks.module.irsa.aws_iam_role.this[\"external-dns\"]",
        ]
    );
    for p in &policies {
        let e = p.embedded.as_ref().unwrap();
        assert!(!e.url_encoded);
        assert!(p.parsed.policy.is_some(), "{:?}", p.name);
        assert_eq!(p.parsed.findings, [], "{:?}", p.name);
        assert_eq!(e.map.len(), e.text.len() + 1);
    }
}

#[test]
fn known_arns_give_the_account() {
    let (policies, _) = read(NESTED);
    let ci = by_name(&policies, "aws_iam_role.ci_deploy");
    assert_eq!(
        ci.arn.as_deref(),
        Some("arn:aws:iam::111122223333:role/ci-deploy")
    );
    assert_eq!(ci.account.as_deref(), Some("111122223333"));
    // Created roles: the ARN is unknown until apply.
    let cluster = by_name(&policies, "module.eks.aws_iam_role.cluster");
    assert_eq!(
        (cluster.arn.as_deref(), cluster.account.as_deref()),
        (None, None)
    );
}

#[test]
fn nested_module_roles_are_decoded() {
    let (policies, _) = read(NESTED);
    let ebs = by_name(
        &policies,
        "module.eks.module.irsa.aws_iam_role.this[\"ebs-csi\"]",
    );
    let text = &ebs.embedded.as_ref().unwrap().text;
    assert!(text.starts_with(r#"{"Statement":[{"Action":"sts:AssumeRoleWithWebIdentity""#));
    let policy = ebs.parsed.policy.as_ref().unwrap();
    assert_eq!(policy.statements.len(), 1);
    assert_eq!(policy.statements[0].conditions.len(), 2);
    let cluster = by_name(&policies, "module.eks.aws_iam_role.cluster");
    let sid = cluster.parsed.policy.as_ref().unwrap().statements[0]
        .sid
        .as_ref()
        .unwrap();
    assert_eq!(sid.value, "EKSClusterAssumeRole");
    // Model spans point into the decoded text.
    assert_eq!(
        &cluster.embedded.as_ref().unwrap().text[sid.span.start..sid.span.end],
        "\"EKSClusterAssumeRole\""
    );
}

#[test]
fn unknown_policy_gives_no_policy_and_an_info_finding_at_the_address() {
    let (policies, findings) = read(NESTED);
    let address = "module.eks.module.karpenter.aws_iam_role.controller[0]";
    assert!(policies.iter().all(|p| p.name.as_deref() != Some(address)));
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let f = &findings[0];
    assert_eq!((f.code, f.name), ("TL005", "invalid-value"));
    assert_eq!(f.severity, Severity::Info);
    assert!(!f.iam_rejects);
    assert_eq!(
        f.message,
        format!(
            "the trust policy of `{address}` is unknown until apply: trustlint cannot decide it"
        )
    );
    assert_eq!(&NESTED[f.span.start..f.span.end], format!("\"{address}\""));
    // The one in `planned_values`, not the one in `resource_changes`.
    let planned = NESTED.find("\"planned_values\"").unwrap();
    let changes = NESTED.find("\"resource_changes\"").unwrap();
    assert!(planned < f.span.start && f.span.start < changes);
}

#[test]
fn wildcard_in_string_equals_is_underlined_at_the_escaped_value_in_the_plan() {
    let (policies, _) = read(NESTED);
    let ebs = by_name(
        &policies,
        "module.eks.module.irsa.aws_iam_role.this[\"ebs-csi\"]",
    );
    let found = lints(ebs, NESTED);
    let tl203: Vec<&Finding> = found.iter().filter(|f| f.code == "TL203").collect();
    assert_eq!(tl203.len(), 1, "{found:#?}");
    let f = tl203[0];
    assert_eq!(
        &NESTED[f.span.start..f.span.end],
        r#"\"system:serviceaccount:kube-system:ebs-csi-*\""#
    );
    // The label (the operator) is mapped too.
    assert_eq!(
        &NESTED[f.labels[0].span.start..f.labels[0].span.end],
        r#"\"StringEquals\""#
    );
    // Line/column land inside the plan's `values` of that resource.
    let values_at = NESTED
        .find("\"address\": \"module.eks.module.irsa.aws_iam_role.this[\\\"ebs-csi\\\"]\"")
        .unwrap();
    assert!(f.span.start > values_at);
    // The well-written role next to it has no TL203.
    let dns = by_name(
        &policies,
        "module.eks.module.irsa.aws_iam_role.this[\"external-dns\"]",
    );
    assert!(lints(dns, NESTED).iter().all(|f| f.code != "TL203"));
}

#[test]
fn minimal_plan() {
    let (policies, findings) = read(MINIMAL);
    assert_eq!(findings, []);
    assert_eq!(names(&policies), ["aws_iam_role.app"]);
    let app = &policies[0];
    assert_eq!((app.arn.as_deref(), app.account.as_deref()), (None, None));
    assert_eq!(app.parsed.findings, []);
    let policy = app.parsed.policy.as_ref().unwrap();
    let principal = policy.statements[0].principal.as_ref().unwrap();
    let span = app.file_span(principal.span);
    assert_eq!(
        &MINIMAL[span.start..span.end],
        r#"{\"Service\":\"pods.eks.amazonaws.com\"}"#
    );
}

// ---------------------------------------------------------------------------------------------
// Edge cases

#[test]
fn parse_findings_point_at_the_escaped_text() {
    let plan = plan_with(
        r#""{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"allow\", \"Principal\": {\"Service\": \"eks.amazonaws.com\"}, \"Action\": \"sts:AssumeRole\"}]\n}""#,
    );
    let (policies, findings) = read(&plan);
    assert_eq!(findings, []);
    assert_eq!(names(&policies), ["module.m.aws_iam_role.r[\"k\"]"]);
    let f = policies[0]
        .parsed
        .findings
        .iter()
        .find(|f| f.message.contains("Effect"))
        .unwrap();
    assert_eq!(&plan[f.span.start..f.span.end], r#"\"allow\""#);
}

#[test]
fn invalid_json_in_the_string_is_tl001_in_the_plan() {
    let plan = plan_with(r#""{\"Version\": \"2012-10-17\", \"Statement\": [],}""#);
    let (policies, _) = read(&plan);
    let parsed = &policies[0].parsed;
    assert!(parsed.policy.is_none());
    let f = &parsed.findings[0];
    assert_eq!(f.code, "TL001");
    assert_eq!(&plan[f.span.start..f.span.end], ",");
    // An empty string is an empty document.
    let plan = plan_with(r#""""#);
    let (policies, _) = read(&plan);
    let f = &policies[0].parsed.findings[0];
    assert_eq!(f.code, "TL001");
    assert_eq!(f.span.start, plan.find(r#""""#).unwrap() + 1);
}

#[test]
fn a_policy_that_is_not_a_string_is_an_error_at_it() {
    for (value, kind) in [
        (r#"{"Version": "2012-10-17", "Statement": []}"#, "an object"),
        ("42", "a number"),
        ("[]", "an array"),
    ] {
        let plan = plan_with(value);
        let (policies, findings) = read(&plan);
        assert_eq!(findings, []);
        let p = &policies[0];
        assert!(p.parsed.policy.is_none() && p.embedded.is_none());
        let f = &p.parsed.findings[0];
        assert_eq!((f.code, f.severity), ("TL005", Severity::Error));
        assert!(
            f.message.ends_with(&format!("found {kind}")),
            "{}",
            f.message
        );
        assert_eq!(&plan[f.span.start..f.span.end], value);
    }
}

#[test]
fn a_null_or_absent_policy_is_unknown() {
    let plan = plan_with("null");
    let (policies, findings) = read(&plan);
    assert_eq!(policies, []);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].severity, Severity::Info);
    assert!(findings[0]
        .message
        .contains("gives no `assume_role_policy`"));
    assert_eq!(
        &plan[findings[0].span.start..findings[0].span.end],
        r#""module.m.aws_iam_role.r[\"k\"]""#
    );
    let text = r#"{"planned_values": {"root_module": {"resources": [
        {"type": "aws_iam_role", "name": "x", "values": {}}]}},
      "resource_changes": [{"address": "aws_iam_role.x", "change": {"after_unknown": {"assume_role_policy": true}}}]}"#;
    let (policies, findings) = read(text);
    assert_eq!(policies, []);
    // No address in `planned_values`: the resource object is the location, the name its own.
    assert_eq!(
        findings[0].message,
        "the trust policy of `aws_iam_role.x` is unknown until apply: trustlint cannot decide it"
    );
    assert!(text[findings[0].span.start..].starts_with("{\"type\""));
}

#[test]
fn after_unknown_wins_over_a_stale_value() {
    let text = r#"{"planned_values": {"root_module": {"resources": [
        {"address": "aws_iam_role.x", "type": "aws_iam_role", "name": "x",
         "values": {"assume_role_policy": "{}"}}]}},
      "resource_changes": [{"address": "aws_iam_role.x", "change": {"after_unknown": {"assume_role_policy": true}}},
                           {"address": "aws_iam_role.y", "change": {"after_unknown": true}}]}"#;
    let (policies, findings) = read(text);
    assert_eq!(policies, []);
    assert_eq!(findings.len(), 1);
    // `false` is a known value.
    let text = text.replace(
        r#""assume_role_policy": true"#,
        r#""assume_role_policy": false"#,
    );
    let (policies, findings) = read(&text);
    assert_eq!((policies.len(), findings.len()), (1, 0));
}

#[test]
fn data_sources_and_other_types_are_skipped() {
    let text = r#"{"format_version": "1.2", "terraform_version": "1.11.4", "planned_values": {"root_module": {"resources": [
        {"address": "data.aws_iam_role.existing", "mode": "data", "type": "aws_iam_role", "name": "existing",
         "values": {"assume_role_policy": "{}"}},
        {"address": "aws_iam_role_policy.p", "mode": "managed", "type": "aws_iam_role_policy", "name": "p",
         "values": {"policy": "{}"}},
        {"address": "aws_iam_role.r", "mode": "managed", "type": "aws_iam_role", "name": "r",
         "values": {"assume_role_policy": "{}"}}]}}}"#;
    let (policies, findings) = read(text);
    assert_eq!(names(&policies), ["aws_iam_role.r"]);
    assert_eq!(findings, []);
}

#[test]
fn deep_modules_in_document_order() {
    let role = |addr: &str| {
        format!(
            r#"{{"address": "{addr}", "type": "aws_iam_role", "name": "r", "values": {{"assume_role_policy": "{{}}"}}}}"#
        )
    };
    let text = format!(
        r#"{{"planned_values": {{"root_module": {{
          "child_modules": [
            {{"address": "module.a", "child_modules": [
              {{"address": "module.a.module.b", "resources": [{}],
                "child_modules": [{{"address": "module.a.module.b.module.c", "resources": [{}]}}]}}],
              "resources": [{}]}},
            {{"address": "module.d", "resources": [{}]}}],
          "resources": [{}]}}}}}}"#,
        role("module.a.module.b.aws_iam_role.r"),
        role("module.a.module.b.module.c.aws_iam_role.r"),
        role("module.a.aws_iam_role.r"),
        role("module.d.aws_iam_role.r"),
        role("aws_iam_role.r"),
    );
    let (policies, _) = read(&text);
    assert_eq!(
        names(&policies),
        [
            "module.a.module.b.aws_iam_role.r",
            "module.a.module.b.module.c.aws_iam_role.r",
            "module.a.aws_iam_role.r",
            "module.d.aws_iam_role.r",
            "aws_iam_role.r",
        ]
    );
}

#[test]
fn state_output_is_read_from_values() {
    let text = r#"{"format_version": "1.0", "terraform_version": "1.11.4", "values": {"root_module": {"resources": [
        {"address": "aws_iam_role.r", "mode": "managed", "type": "aws_iam_role", "name": "r",
         "values": {"arn": "arn:aws-cn:iam::222233334444:role/r", "assume_role_policy": "{\"Version\":\"2012-10-17\",\"Statement\":[]}"}}]}}}"#;
    let (policies, findings) = read(text);
    assert_eq!(findings, []);
    assert_eq!(policies[0].account.as_deref(), Some("222233334444"));
}

#[test]
fn malformed_plans_are_reported_not_fatal() {
    for (text, message) in [
        (
            r#"{"planned_values": []}"#,
            "`planned_values` must be an object, found an array",
        ),
        (
            r#"{"planned_values": {"outputs": {}}}"#,
            "`planned_values` has no `root_module`: no role can be read from this plan",
        ),
        (
            r#"{"planned_values": {"root_module": "x"}}"#,
            "`planned_values.root_module` must be an object, found a string",
        ),
    ] {
        let (policies, findings) = read(text);
        assert_eq!(policies, []);
        assert_eq!(findings.len(), 1, "{text}");
        assert_eq!(findings[0].message, message);
        assert_eq!(findings[0].severity, Severity::Warning);
    }
    // Wrong shapes deeper down are ignored.
    let (policies, findings) = read(
        r#"{"format_version": "1.2", "terraform_version": "1.11.4", "resource_changes": 3,
            "planned_values": {"root_module": {"resources": {}, "child_modules": [1, "x", {"resources": [7]}]}}}"#,
    );
    assert_eq!((policies.len(), findings.len()), (0, 0));
    let (policies, findings) = read(r#"{"format_version": "1.2", "terraform_version": "1.11.4"}"#);
    assert_eq!((policies.len(), findings.len()), (0, 0));
}

// ---------------------------------------------------------------------------------------------
// Property: a policy embedded in a plan reads exactly as the bare policy.

/// Trust policies with `@SUB@` where a generated JSON string literal goes.
const TEMPLATES: [&str; 6] = [
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud":"sts.amazonaws.com","oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub":@SUB@}}}]}"#,
    "{\n\t\"Version\": \"2012-10-17\",\n\t\"Statement\": [\n\t\t{\n\t\t\t\"Effect\": \"Allow\",\n\t\t\t\"Principal\": {\"Federated\": \"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com\"},\n\t\t\t\"Action\": \"sts:AssumeRoleWithWebIdentity\",\n\t\t\t\"Condition\": {\"StringLike\": {\"token.actions.githubusercontent.com:sub\": [@SUB@, \"repo:octo-org/octo-repo:*\"]}}\n\t\t}\n\t]\n}\n",
    r#"{"Version": "2012-10-17", "Statement": [{"Sid": @SUB@, "Effect": "allow", "Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"], "Resource": "*"}]}"#,
    r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": @SUB@}, "Action": "sts:AssumeRole"},]}"#,
    r#"{"Version": "2008-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {@SUB@: "${aws:username}"}, "StringEqualz": {"aws:PrincipalTag/team": @SUB@}}}}"#,
    r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": @SUB@}, "Action": "sts:AssumeRole", "Condition": {"StringLike": {"sts:ExternalId": ["${aws:PrincipalTag/x", @SUB@]}}}]}"#,
];

const PREFIXES: [&str; 5] = [
    "",
    "system:serviceaccount:",
    "repo:octo-org/",
    "arn:aws:iam::111122223333:role/",
    "${",
];

const ALPHABET: [char; 26] = [
    'a', 'z', 'Q', '0', ':', '/', '-', '*', '?', '$', '{', '}', '"', '\\', '\n', '\t', 'é', '€',
    '😀', '<', '>', '&', '\u{2028}', '\u{1}', ' ', '\u{7f}',
];

/// Write `s` as the body of a JSON string literal, choosing per character (by `alt`) between
/// the short form and an alternative escape, the way different encoders do (Go escapes `<`, `>`,
/// `&` and U+2028; some escape every non-ASCII character; some escape `/`).
fn escape(s: &str, alt: &[bool]) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        let alt = alt.get(i % alt.len().max(1)).copied().unwrap_or(false);
        let short = match c {
            '"' => Some("\\\""),
            '\\' => Some("\\\\"),
            '\n' => Some("\\n"),
            '\t' => Some("\\t"),
            '\r' => Some("\\r"),
            '\u{8}' => Some("\\b"),
            '\u{c}' => Some("\\f"),
            '/' if alt => Some("\\/"),
            _ => None,
        };
        if let Some(short) = short.filter(|_| !alt || c == '/') {
            out.push_str(short);
        } else if alt || c < ' ' || c == '"' || c == '\\' {
            let mut units = [0u16; 2];
            for (k, u) in c.encode_utf16(&mut units).iter().enumerate() {
                if (i + k) % 2 == 0 {
                    out.push_str(&format!("\\u{u:04x}"));
                } else {
                    out.push_str(&format!("\\u{u:04X}"));
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The bare text at `bare` equals the plan text at `embedded` once unescaped.
fn same_text(policy: &str, plan: &str, bare: Span, embedded: Span) {
    let want = policy.get(bare.start..bare.end).unwrap();
    let raw = plan.get(embedded.start..embedded.end).unwrap();
    let (got, _) = json::unescape_with_map(raw).unwrap();
    assert_eq!(
        got, want,
        "bare {bare:?} vs embedded {embedded:?} = {raw:?}"
    );
}

fn same_findings(policy: &str, plan: &str, bare: &[Finding], embedded: &[Finding]) {
    let key = |f: &Finding| {
        (
            f.code,
            f.severity,
            f.message.clone(),
            f.help.clone(),
            f.iam_rejects,
            f.labels
                .iter()
                .map(|l| l.message.clone())
                .collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        bare.iter().map(key).collect::<Vec<_>>(),
        embedded.iter().map(key).collect::<Vec<_>>()
    );
    for (b, e) in bare.iter().zip(embedded) {
        same_text(policy, plan, b.span, e.span);
        for (bl, el) in b.labels.iter().zip(&e.labels) {
            same_text(policy, plan, bl.span, el.span);
        }
    }
}

fn subject() -> impl Strategy<Value = String> {
    (
        prop::sample::select(&PREFIXES[..]),
        prop::collection::vec(prop::sample::select(&ALPHABET[..]), 0..16),
    )
        .prop_map(|(p, cs)| format!("{p}{}", cs.into_iter().collect::<String>()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn embedded_policy_reads_like_the_bare_policy(
        template in 0..TEMPLATES.len(),
        sub in subject(),
        alt in prop::collection::vec(any::<bool>(), 1..8),
    ) {
        let literal = serde_json::to_string(&sub).unwrap();
        let policy = TEMPLATES[template].replace("@SUB@", &literal);
        let plan = plan_with(&format!("\"{}\"", escape(&policy, &alt)));

        let bare = parse_policy(policy.as_bytes());
        let (policies, findings) = read(&plan);
        prop_assert_eq!(findings, []);
        prop_assert_eq!(policies.len(), 1);
        let source = &policies[0];
        prop_assert_eq!(&source.embedded.as_ref().unwrap().text, &policy);
        prop_assert_eq!(&source.parsed.policy, &bare.policy);
        same_findings(&policy, &plan, &bare.findings, &source.parsed.findings);

        let bare_source = PolicySource {
            name: None,
            role_name: None,
            arn: None,
            account: None,
            parsed: bare,
            embedded: None,
            unknowns: Vec::new(),
        };
        same_findings(&policy, &plan, &lints(&bare_source, &policy), &lints(source, &plan));
    }
}

#[test]
fn escape_helper_round_trips() {
    let s = "a\"\\\n\t/é😀<\u{1}\u{2028}";
    for alt in [vec![false], vec![true], vec![true, false, false]] {
        let body = escape(s, &alt);
        assert_eq!(json::unescape_with_map(&body).unwrap().0, s, "{body}");
    }
    assert_eq!(escape("😀/", &[true]), "\\ud83d\\uDE00\\/");
}

#[test]
fn every_template_yields_findings_to_compare() {
    for template in TEMPLATES {
        let policy = template.replace("@SUB@", r#""a*\"é\n${x""#);
        let bare = parse_policy(policy.as_bytes());
        let source = PolicySource {
            name: None,
            role_name: None,
            arn: None,
            account: None,
            parsed: bare,
            embedded: None,
            unknowns: Vec::new(),
        };
        let total = source.parsed.findings.len() + lints(&source, &policy).len();
        assert!(total > 0, "{policy}");
    }
}
