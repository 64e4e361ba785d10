//! Every can-assume query of the shared corpus (`../shared/corpus/index.jsonl`, or the copy in
//! `corpus/shared/`) gets the answer the corpus gives.

use serde_json::Value;
use trustlint_core::eval::Decision;
use trustlint_core::identity::{Identity, Issuer, Query};
use trustlint_core::input::read_input;
use trustlint_tests::corpus_dir;

fn query_of(q: &Value) -> Query {
    let s = |k: &str| q.get(k).and_then(Value::as_str).map(str::to_owned);
    let context: Vec<(String, Vec<String>)> = q
        .get("context")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    let values = match v {
                        Value::Array(a) => {
                            a.iter().map(|x| x.as_str().unwrap().to_owned()).collect()
                        }
                        other => vec![other.as_str().unwrap().to_owned()],
                    };
                    (k.clone(), values)
                })
                .collect()
        })
        .unwrap_or_default();
    let identity = if let Some(issuer) = s("issuer") {
        let aud = match q.get("aud") {
            Some(Value::Array(a)) => a.iter().map(|x| x.as_str().unwrap().to_owned()).collect(),
            Some(Value::String(a)) => vec![a.clone()],
            _ => vec!["sts.amazonaws.com".to_owned()],
        };
        Identity::WebIdentity {
            issuer: Issuer::parse(&issuer).unwrap(),
            sub: s("sub").unwrap(),
            aud,
        }
    } else if q.get("principal_service").is_some() {
        let tags = q
            .get("request_tags")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        Identity::PodIdentity {
            tags,
            session_tags: true,
        }
    } else {
        Identity::Aws {
            principal: s("aws_principal").unwrap(),
        }
    };
    let actions = match (q.get("actions"), s("action")) {
        (Some(Value::Array(a)), _) => a.iter().map(|x| x.as_str().unwrap().to_owned()).collect(),
        (_, Some(a)) => vec![a],
        _ => vec![],
    };
    Query {
        identity,
        account: s("role_account"),
        partition: s("partition"),
        context,
        actions,
    }
}

#[test]
fn every_shared_corpus_query_is_answered_right() {
    let dir = corpus_dir();
    let index = std::fs::read_to_string(dir.join("index.jsonl")).expect("the shared corpus index");
    let mut checked = 0;
    let mut wrong = Vec::new();
    for line in index.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).unwrap();
        let file = case["file"].as_str().unwrap();
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let input = read_input(&bytes);
        assert_eq!(input.policies.len(), 1, "{file}: one policy");
        let source = &input.policies[0];
        for q in case["queries"].as_array().unwrap() {
            let expected = q["allowed"].as_bool().unwrap();
            let query = query_of(q);
            let allowed = match &source.parsed.policy {
                Some(p) => {
                    let answer = query.answer(p, source.account.as_deref());
                    answer.decision == Decision::Allow && !source.parsed.iam_would_reject()
                }
                None => false,
            };
            checked += 1;
            if allowed != expected {
                wrong.push(format!("{file}: {q}: expected allowed={expected}"));
            }
        }
    }
    assert!(checked >= 60, "only {checked} queries found");
    assert!(
        wrong.is_empty(),
        "{} of {checked} queries answered wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// The rule each defect tag of the shared corpus maps to (the table in its README).
const DEFECT_RULES: &[(&str, &str)] = &[
    ("issuer-prefix-mismatch", "TL201"),
    ("https-in-key", "TL201"),
    ("aud-sub-swap", "TL202"),
    ("wildcard-in-stringequals", "TL203"),
    ("missing-sub", "TL204"),
    ("missing-aud", "TL205"),
    ("overbroad-sub-wildcard", "TL206"),
    ("malformed-sub-format", "TL207"),
    ("negated-operator-broad", "TL209"),
    ("forallvalues-missing-key", "TL210"),
    ("other:unsupported-claim-key", "TL211"),
    ("wrong-audience", "TL212"),
    ("malformed-principal", "TL101"),
    ("wrong-action", "TL102"),
    ("missing-tagsession", "TL103"),
    ("unknown-operator", "TL010"),
    ("duplicate-key", "TL002"),
    ("other:invalid-json", "TL001"),
    ("other:resource-in-trust-policy", "TL007"),
];

/// Tags whose rule deliberately stays silent, with the evidence (SEMANTICS.md is the reference).
const EXPECTED_SILENCE: &[(&str, &str, &str)] = &[(
    "003-gha-actor-claim-key.json",
    "TL211",
    "GitHub's `actor` claim has been a condition key since February 2026 (SEMANTICS.md §4.3); \
     the 2021 report predates it, and the query's denial comes from the request lacking `:actor`",
)];

#[test]
fn every_tagged_defect_is_reported_by_its_rule() {
    use trustlint_core::check::{check, CheckOptions};
    use trustlint_core::diagnostic::Severity;
    let dir = corpus_dir();
    let index = std::fs::read_to_string(dir.join("index.jsonl")).unwrap();
    let mut problems = Vec::new();
    for line in index.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).unwrap();
        let file = case["file"].as_str().unwrap();
        let report = check(
            &std::fs::read(dir.join(file)).unwrap(),
            &CheckOptions::default(),
        );
        let codes: Vec<&str> = report.findings.iter().map(|r| r.finding.code).collect();
        let tags: Vec<&str> = case["defects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        let expected: Vec<&str> = tags
            .iter()
            .filter_map(|t| {
                DEFECT_RULES
                    .iter()
                    .find(|(tag, _)| tag == t)
                    .map(|(_, c)| *c)
            })
            .collect();
        // What a syntax error hides need not be found.
        if !codes.contains(&"TL001") {
            for code in &expected {
                let silenced = EXPECTED_SILENCE
                    .iter()
                    .any(|(f, c, _)| *f == file && c == code);
                if !codes.contains(code) && !silenced {
                    problems.push(format!(
                        "{file}: tagged {tags:?} but {code} not reported (got {codes:?})"
                    ));
                }
            }
        } else if !expected.contains(&"TL001") {
            problems.push(format!(
                "{file}: TL001 reported but not tagged invalid-json"
            ));
        }
        if case["verdict"] == "ok" {
            for r in &report.findings {
                if r.finding.severity == Severity::Error && !expected.contains(&r.finding.code) {
                    problems.push(format!(
                        "{file}: ok case has unexplained error {}: {}",
                        r.finding.code, r.finding.message
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
