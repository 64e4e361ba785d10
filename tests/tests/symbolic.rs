//! who-can-assume on the shared corpus: every example is confirmed by the concrete evaluator,
//! and symbolic membership agrees with concrete evaluation on random requests.

use trustlint_core::eval::Decision;
use trustlint_core::input::read_input;
use trustlint_core::symbolic::{summarize, who_can_assume};

#[test]
fn who_can_assume_examples_are_confirmed_on_the_shared_corpus() {
    let dir = trustlint_tests::corpus_dir();
    let mut examples = 0;
    let mut report = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let input = read_input(&std::fs::read(&path).unwrap());
        for source in &input.policies {
            let Some(policy) = &source.parsed.policy else {
                continue;
            };
            let admitted = who_can_assume(policy);
            for a in &admitted {
                for r in &a.regions {
                    let s = summarize(policy, a, r, source.account.as_deref());
                    report.push(format!(
                        "{}: {} {}: {}",
                        path.file_name().unwrap().to_string_lossy(),
                        a.class.as_str(),
                        a.principal,
                        s.text
                    ));
                    if let Some(e) = &s.example {
                        examples += 1;
                        assert_eq!(e.query.answer(policy, None).decision, Decision::Allow);
                    } else if r.is_exact() {
                        panic!("no example for an exact region: {}", s.text);
                    }
                }
            }
        }
    }
    println!("{}", report.join("\n"));
    assert!(examples > 20, "{examples}");
}

mod agreement {
    use proptest::prelude::*;
    use trustlint_core::eval::Decision;
    use trustlint_core::identity::{Identity, Issuer, Query};
    use trustlint_core::input::read_input;
    use trustlint_core::policy::TrustPolicy;
    use trustlint_core::symbolic::{who_can_assume, Admitted, PrincipalClass};

    /// The corpus policies whose admitted sets are exact.
    fn policies() -> Vec<(String, TrustPolicy, Vec<Admitted>)> {
        let dir = trustlint_tests::corpus_dir();
        let mut out = Vec::new();
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        for path in names {
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let input = read_input(&std::fs::read(&path).unwrap());
            for s in input.policies {
                let Some(p) = s.parsed.policy else { continue };
                let admitted = who_can_assume(&p);
                if admitted
                    .iter()
                    .all(|a| a.regions.iter().all(|r| r.is_exact()))
                {
                    out.push((path.display().to_string(), p, admitted));
                }
            }
        }
        out
    }

    /// Strings built from the policy's own condition values, with wildcards filled in and
    /// characters mutated, plus a few unrelated ones.
    fn candidates(policy: &TrustPolicy) -> Vec<String> {
        let mut out = vec![
            "".to_owned(),
            "sts.amazonaws.com".to_owned(),
            "system:serviceaccount:default:default".to_owned(),
        ];
        for s in &policy.statements {
            for c in &s.conditions {
                for v in &c.values {
                    out.push(v.text.clone());
                    out.push(v.text.replace('*', ""));
                    out.push(v.text.replace('*', "x:y"));
                    out.push(v.text.replace('?', "q"));
                    out.push(format!("{}z", v.text.replace('*', "a")));
                    out.push(v.text.to_ascii_uppercase());
                }
            }
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10_000))]

        #[test]
        fn symbolic_membership_agrees_with_the_evaluator(pick in any::<usize>(), who in any::<usize>(), a in any::<usize>(), b in any::<usize>(), c in any::<usize>()) {
            thread_local!(static POLICIES: Vec<(String, TrustPolicy, Vec<Admitted>)> = policies());
            POLICIES.with(|all| {
                let (name, policy, admitted) = &all[pick % all.len()];
                if admitted.is_empty() {
                    return Ok(());
                }
                let adm = &admitted[who % admitted.len()];
                let cands = candidates(policy);
                let pickc = |i: usize| cands[i % cands.len()].clone();
                let identity = match adm.class {
                    PrincipalClass::WebIdentity => Identity::WebIdentity {
                        issuer: Issuer::parse(&adm.principal).unwrap(),
                        sub: pickc(a),
                        aud: vec![pickc(b)],
                    },
                    PrincipalClass::PodIdentity => Identity::PodIdentity {
                        tags: vec![
                            ("kubernetes-namespace".into(), pickc(a)),
                            ("kubernetes-service-account".into(), pickc(b)),
                            ("eks-cluster-arn".into(), pickc(c)),
                        ],
                        session_tags: true,
                    },
                    _ => return Ok(()),
                };
                let query = Query { identity, account: None, partition: None, context: vec![], actions: vec![] };
                let (requests, _) = query.requests(Some(policy), None);
                let concrete = query.answer(policy, None).decision == Decision::Allow;
                let symbolic = adm.regions.iter().any(|r| r.contains(&requests[0].context));
                prop_assert_eq!(concrete, symbolic, "{} {:?}", name, requests[0].context);
                Ok(())
            })?;
        }
    }
}
