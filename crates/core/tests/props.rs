//! Properties: model → JSON → model round-trips, spans are exact and on char boundaries,
//! no input panics, and the traced evaluator agrees with the fast one.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code"
)]

use proptest::prelude::*;
use serde_json::{json, Value};
use trustlint_core::check::{check, CheckOptions};
use trustlint_core::eval::{evaluate, explain, Request, RequestContext, RequestPrincipal};
use trustlint_core::input::read_input;
use trustlint_core::policy::{parse_policy, PrincipalKind, TrustPolicy};

/// A generated statement: the parts a trust policy is made of.
#[derive(Debug, Clone)]
struct StatementSpec {
    sid: Option<String>,
    allow: bool,
    principals: Vec<(PrincipalKind, String)>,
    not_action: bool,
    actions: Vec<String>,
    conditions: Vec<(String, String, Vec<String>)>,
}

fn text() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-zA-Z0-9:/._*?$-]{0,12}|[é😀\"\\\\{}\\[\\] ]{0,4}").unwrap()
}

fn statement() -> impl Strategy<Value = StatementSpec> {
    let kind = prop_oneof![
        Just(PrincipalKind::Aws),
        Just(PrincipalKind::Federated),
        Just(PrincipalKind::Service)
    ];
    let op = prop_oneof![
        Just("StringEquals"),
        Just("StringLike"),
        Just("StringNotEquals"),
        Just("ForAnyValue:StringLike"),
        Just("ForAllValues:StringEquals"),
        Just("StringEqualsIfExists"),
        Just("ArnLike"),
        Just("Null"),
        Just("Bool"),
    ];
    (
        proptest::option::of("[A-Za-z0-9]{1,8}"),
        any::<bool>(),
        proptest::collection::vec((kind, text()), 1..3),
        any::<bool>(),
        proptest::collection::vec("sts:[A-Za-z*?]{1,20}", 1..3),
        proptest::collection::vec(
            (
                op,
                "[a-z.]{1,6}:[a-z]{1,4}",
                proptest::collection::vec(text(), 1..3),
            ),
            0..3,
        ),
    )
        .prop_map(
            |(sid, allow, principals, not_action, actions, conditions)| StatementSpec {
                sid,
                allow,
                principals,
                not_action,
                actions,
                conditions: conditions
                    .into_iter()
                    .map(|(o, k, v)| (o.to_owned(), k, v))
                    .collect(),
            },
        )
}

fn render(statements: &[StatementSpec]) -> String {
    let sts: Vec<Value> = statements
        .iter()
        .map(|s| {
            let mut st = serde_json::Map::new();
            if let Some(sid) = &s.sid {
                st.insert("Sid".into(), json!(sid));
            }
            st.insert(
                "Effect".into(),
                json!(if s.allow { "Allow" } else { "Deny" }),
            );
            let mut p = serde_json::Map::new();
            for (k, v) in &s.principals {
                let entry = p.entry(k.as_str()).or_insert_with(|| json!([]));
                entry.as_array_mut().unwrap().push(json!(v));
            }
            st.insert("Principal".into(), Value::Object(p));
            st.insert(
                (if s.not_action { "NotAction" } else { "Action" }).into(),
                json!(s.actions),
            );
            if !s.conditions.is_empty() {
                let mut ops = serde_json::Map::new();
                for (op, key, values) in &s.conditions {
                    let e = ops.entry(op.clone()).or_insert_with(|| json!({}));
                    e.as_object_mut()
                        .unwrap()
                        .insert(key.clone(), json!(values));
                }
                st.insert("Condition".into(), Value::Object(ops));
            }
            Value::Object(st)
        })
        .collect();
    serde_json::to_string_pretty(&json!({"Version": "2012-10-17", "Statement": sts})).unwrap()
}

/// Every span of the model, for boundary checks.
fn spans(p: &TrustPolicy) -> Vec<trustlint_core::source::Span> {
    let mut out = vec![p.span];
    for s in &p.statements {
        out.push(s.span);
        for pr in s.principal.iter() {
            out.push(pr.span);
            out.extend(pr.entries.iter().map(|e| e.span));
        }
        if let Some(a) = &s.action {
            out.push(a.span);
            out.extend(a.patterns.iter().map(|x| x.span));
        }
        for c in &s.conditions {
            out.extend([c.operator_span, c.key_span, c.values_span]);
            out.extend(c.values.iter().map(|v| v.span));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn model_json_model_round_trips(statements in proptest::collection::vec(statement(), 1..4)) {
        let text = render(&statements);
        let first = parse_policy(text.as_bytes()).policy.unwrap();
        // the model holds what was written
        prop_assert_eq!(first.statements.len(), statements.len());
        for (m, s) in first.statements.iter().zip(&statements) {
            prop_assert_eq!(m.sid.as_ref().map(|x| x.value.clone()), s.sid.clone());
            prop_assert_eq!(m.principal.as_ref().unwrap().entries.len(), s.principals.len());
            let a = m.action.as_ref().unwrap();
            prop_assert_eq!(a.negated, s.not_action);
            prop_assert_eq!(a.patterns.iter().map(|p| p.text.clone()).collect::<Vec<_>>(), s.actions.clone());
            let written: usize = s.conditions.iter().map(|(o, k, _)| (o, k)).collect::<std::collections::BTreeSet<_>>().len();
            prop_assert_eq!(m.conditions.len(), written);
        }
        // and writing it back gives the same model
        let again = first.to_json_string();
        let second = parse_policy(again.as_bytes()).policy.unwrap();
        prop_assert_eq!(second.to_json_value(), first.to_json_value());
        // every span is inside the text and on char boundaries
        for sp in spans(&first) {
            prop_assert!(sp.start <= sp.end && sp.end <= text.len());
            prop_assert!(text.is_char_boundary(sp.start) && text.is_char_boundary(sp.end));
        }
    }

    #[test]
    fn check_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let report = check(&bytes, &CheckOptions::default());
        for r in &report.findings {
            prop_assert!(r.finding.span.start <= r.finding.span.end && r.finding.span.end <= bytes.len().max(1));
        }
    }

    #[test]
    fn every_rule_runs_on_generated_policies(statements in proptest::collection::vec(statement(), 1..4)) {
        let text = render(&statements);
        let report = check(text.as_bytes(), &CheckOptions::default());
        for r in &report.findings {
            let s = r.finding.span;
            prop_assert!(s.end <= text.len() && text.is_char_boundary(s.start) && text.is_char_boundary(s.end), "{:?}", r.finding);
        }
    }

    #[test]
    fn policy_like_text_never_panics(text in "[{}\\[\\]\",: a-zA-Z0-9é$*?\\\\]{0,200}") {
        let wrapped = format!("{{\"Version\":\"2012-10-17\",\"Statement\":[{text}]}}");
        for t in [text.as_str(), wrapped.as_str()] {
            let input = read_input(t.as_bytes());
            for p in &input.policies {
                for f in &p.parsed.findings {
                    prop_assert!(f.span.end <= t.len());
                    prop_assert!(t.is_char_boundary(f.span.start) && t.is_char_boundary(f.span.end), "{:?}", f);
                }
            }
            for r in &check(t.as_bytes(), &CheckOptions::default()).findings {
                let s = r.finding.span;
                prop_assert!(s.end <= t.len() && t.is_char_boundary(s.start) && t.is_char_boundary(s.end), "{:?}", r.finding);
            }
        }
    }

    #[test]
    fn explain_and_evaluate_agree(statements in proptest::collection::vec(statement(), 1..4),
                                  who in 0usize..3, value in text(), key in "[a-z.]{1,6}:[a-z]{1,4}",
                                  action in "sts:[A-Za-z]{1,20}") {
        let policy = parse_policy(render(&statements).as_bytes()).policy.unwrap();
        // ask as one of the principals the policy names (or another), with one condition key set
        let named: Vec<&(PrincipalKind, String)> = statements.iter().flat_map(|s| &s.principals).collect();
        let principal = match named.get(who) {
            Some((PrincipalKind::Federated, v)) => RequestPrincipal::Federated(v.clone()),
            Some((PrincipalKind::Service, v)) => RequestPrincipal::Service(v.clone()),
            Some((_, v)) => RequestPrincipal::Aws(v.clone()),
            None => RequestPrincipal::Service("pods.eks.amazonaws.com".into()),
        };
        let mut context = RequestContext::new();
        context.set(key, value);
        let request = Request { principal, action, context };
        prop_assert_eq!(evaluate(&policy, &request), explain(&policy, &request).decision);
    }
}
