//! The symbolic analysis (`who_can_assume`: regions of string sets) against the concrete
//! evaluator.
//!
//! The fuzz bytes are decoded into a small trust policy (one to four statements; Allow/Deny;
//! an OIDC provider, Pod Identity or `*` as principal; string operators with `IfExists`, set
//! qualifiers and `Null` over a few condition keys; values over a tiny alphabet with `*`, `?`
//! and `${*}`) and into a request (a web-identity token or Pod Identity session tags with
//! values over the same alphabet). Where every region admitted to the request's principal is
//! exact, the evaluator must allow exactly when one of them contains the request.

#![no_main]

use libfuzzer_sys::fuzz_target;
use trustlint_core::eval::Decision;
use trustlint_core::identity::{Identity, Issuer, Query};
use trustlint_core::policy::parse_policy;
use trustlint_core::symbolic::{who_can_assume, PrincipalClass};

const ISSUERS: [&str; 2] = [
    "oidc.eks.eu-west-1.amazonaws.com/id/AAAA",
    "oidc.eks.eu-west-1.amazonaws.com/id/BBBB",
];

const OPERATORS: [&str; 16] = [
    "StringEquals",
    "StringNotEquals",
    "StringLike",
    "StringNotLike",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringEqualsIfExists",
    "StringLikeIfExists",
    "StringNotLikeIfExists",
    "ForAnyValue:StringLike",
    "ForAllValues:StringEquals",
    "ForAnyValue:StringNotLike",
    "Null",
    "StringNotEqualsIfExists",
    "ForAllValues:Null",
    "ForAnyValue:Null",
];

/// Reads the fuzz bytes one at a time (zeros after the end).
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn next(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }

    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[usize::from(self.next()) % from.len()]
    }

    /// A short string over a tiny alphabet; `wild` adds `*`, `?` and `${*}`.
    fn word(&mut self, wild: bool) -> String {
        let len = self.next() % 4;
        let mut s = String::new();
        for _ in 0..len {
            let alphabet: &[&str] = if wild {
                &["a", "b", "A", "*", "?", "${*}"]
            } else {
                &["a", "b", "A", "*"]
            };
            s.push_str(self.pick(alphabet));
        }
        s
    }
}

fn keys(issuer: &str) -> Vec<String> {
    vec![
        format!("{issuer}:sub"),
        format!("{issuer}:aud"),
        format!("{}:SUB", issuer.to_uppercase()),
        "aws:RequestTag/kubernetes-namespace".to_owned(),
        "aws:RequestTag/kubernetes-service-account".to_owned(),
    ]
}

fn statement(b: &mut Bytes<'_>) -> String {
    let effect = if b.next() % 3 == 0 { "Deny" } else { "Allow" };
    let principal = match (b.next() % 4, effect) {
        (0 | 1, _) => {
            let issuer = ISSUERS[usize::from(b.next() % 2)];
            format!(r#"{{"Federated": "arn:aws:iam::111122223333:oidc-provider/{issuer}"}}"#)
        }
        (2, _) | (_, "Allow") => r#"{"Service": "pods.eks.amazonaws.com"}"#.to_owned(),
        _ => r#""*""#.to_owned(),
    };
    let action = b.pick(&[
        r#""sts:AssumeRoleWithWebIdentity""#,
        r#"["sts:AssumeRole", "sts:TagSession"]"#,
        r#""sts:*""#,
        r#""sts:AssumeRole""#,
    ]);
    let issuer = ISSUERS[usize::from(b.next() % 2)];
    let all_keys = keys(issuer);
    let mut operators = Vec::new();
    for _ in 0..b.next() % 3 {
        let op = b.pick(&OPERATORS);
        let mut entries = Vec::new();
        for _ in 0..1 + b.next() % 2 {
            let key = &all_keys[usize::from(b.next()) % all_keys.len()];
            let values: Vec<String> = if op.ends_with("Null") {
                vec![b.pick(&["true", "false"]).to_owned()]
            } else {
                (0..1 + b.next() % 3).map(|_| b.word(true)).collect()
            };
            let values: Vec<String> = values
                .iter()
                .map(|v| serde_json::to_string(v).unwrap_or_default())
                .collect();
            entries.push(format!("{key:?}: [{}]", values.join(", ")));
        }
        operators.push(format!("{op:?}: {{{}}}", entries.join(", ")));
    }
    format!(
        r#"{{"Effect": "{effect}", "Principal": {principal}, "Action": {action}, "Condition": {{{}}}}}"#,
        operators.join(", ")
    )
}

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes(data);
    let statements: Vec<String> = (0..1 + b.next() % 4).map(|_| statement(&mut b)).collect();
    let text = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
        statements.join(", ")
    );
    let parsed = parse_policy(text.as_bytes());
    let Some(policy) = parsed.policy.as_ref() else {
        panic!(
            "the generated policy does not parse: {text}\n{:?}",
            parsed.findings
        );
    };
    let web = b.next() % 2 == 0;
    let issuer = ISSUERS[usize::from(b.next() % 2)];
    let identity = if web {
        Identity::WebIdentity {
            issuer: Issuer::parse(&format!("https://{issuer}")).expect("issuer"),
            sub: b.word(false),
            aud: vec![b.word(false)],
        }
    } else {
        // EKS always sets all six session tags (the analysis assumes so too).
        let mut tags = Vec::new();
        for key in trustlint_core::lint::data::POD_IDENTITY_TAGS {
            let value = if key.starts_with("kubernetes-") {
                b.word(false)
            } else {
                format!("{key}-value")
            };
            tags.push(((*key).to_owned(), value));
        }
        Identity::PodIdentity {
            tags,
            session_tags: true,
        }
    };
    let query = Query {
        identity,
        account: None,
        partition: None,
        context: vec![],
        actions: vec![],
    };
    let concrete = query.answer(policy, None).decision == Decision::Allow;
    let admitted = who_can_assume(policy);
    let (requests, _) = query.requests(Some(policy), None);
    let context = &requests[0].context;
    let mine: Vec<_> = admitted
        .iter()
        .filter(|a| match a.class {
            PrincipalClass::WebIdentity => {
                web && Issuer::parse(&a.principal).is_ok_and(|i| i.prefix == issuer)
            }
            PrincipalClass::PodIdentity => !web,
            _ => false,
        })
        .collect();
    if mine.iter().any(|a| a.regions.iter().any(|r| !r.is_exact())) {
        return;
    }
    let symbolic = mine
        .iter()
        .any(|a| a.regions.iter().any(|r| r.contains(context)));
    assert_eq!(
        concrete, symbolic,
        "evaluator and symbolic analysis disagree on {text}\nrequest {context:?}"
    );
});
