//! Comparing what two versions of a trust policy admit.

use super::{admitted_by_caller, restrict_for_caller, who_can_assume, Admitted, PrincipalClass};
use crate::policy::TrustPolicy;

/// Whether a change lets more in or fewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// NEW admits requests OLD did not.
    Widened,
    /// OLD admitted requests NEW does not.
    Narrowed,
}

/// Requests of one principal admitted by one side and not the other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Widened or narrowed.
    pub direction: Direction,
    /// The principal, with the regions the gaining side admits and the other does not.
    pub admitted: Admitted,
}

/// The requests `from` admits and `to` does not, per principal either side names. A principal
/// only one side names is compared against what the other side admits to it (which may come
/// from a wildcard principal there), caller by caller.
fn gained(from: &TrustPolicy, to: &TrustPolicy, direction: Direction) -> Vec<Change> {
    let mut principals: Vec<(PrincipalClass, String)> = Vec::new();
    for a in who_can_assume(from).into_iter().chain(who_can_assume(to)) {
        if !principals
            .iter()
            .any(|(c, p)| *c == a.class && *p == a.principal)
        {
            principals.push((a.class, a.principal));
        }
    }
    let mut out = Vec::new();
    for (class, principal) in principals {
        let mine = admitted_by_caller(from, class, &principal);
        let theirs = admitted_by_caller(to, class, &principal);
        let mut gained = Vec::new();
        for (i, regions) in mine.into_iter().enumerate() {
            let mut rest = regions;
            for o in theirs.get(i).into_iter().flatten() {
                rest = super::Region::subtract_from_each(&rest, o);
            }
            for r in rest {
                // A piece may constrain keys this caller never sets: it may be empty for it.
                let r = restrict_for_caller(class, &principal, i, r);
                if !r.is_empty() {
                    gained.push(r);
                }
            }
        }
        if !gained.is_empty() {
            out.push(Change {
                direction,
                admitted: Admitted {
                    class,
                    principal,
                    regions: gained,
                },
            });
        }
    }
    out
}

/// What NEW admits that OLD did not (widened), and the reverse (narrowed). Where a region is
/// inexact (conditions not modelled, or too complex), a change is reported unless it is
/// certain there is none: the gate errs towards "widened".
#[must_use]
pub fn diff(old: &TrustPolicy, new: &TrustPolicy) -> (Vec<Change>, Vec<Change>) {
    (
        gained(new, old, Direction::Widened),
        gained(old, new, Direction::Narrowed),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::parse_policy;

    const ABC: &str =
        "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC";
    const K: &str = "oidc.eks.us-east-1.amazonaws.com/id/ABC";

    fn policy(statement: &str) -> TrustPolicy {
        let text = format!(r#"{{"Version":"2012-10-17","Statement":[{statement}]}}"#);
        parse_policy(text.as_bytes()).policy.unwrap()
    }

    fn web(principal: &str, cond: &str) -> TrustPolicy {
        policy(&format!(
            r#"{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{{cond}}}}}"#
        ))
    }

    #[test]
    fn a_wildcard_principal_with_web_identity_admits_and_widens() {
        let old = web(
            &format!(r#"{{"Federated":"{ABC}"}}"#),
            &format!(r#""StringEquals":{{"{K}:sub":"system:serviceaccount:ns:sa"}}"#),
        );
        for p in [r#""*""#, r#"{"Federated":"*"}"#, r#"{"AWS":"*"}"#] {
            let new = web(p, "");
            let who = who_can_assume(&new);
            assert!(who.iter().any(|a| !a.regions.is_empty()), "{p}");
            let (widened, _) = diff(&old, &new);
            assert!(!widened.is_empty(), "{p}");
        }
    }

    #[test]
    fn built_in_and_saml_providers_admit_someone() {
        let cognito = web(
            r#"{"Federated":"cognito-identity.amazonaws.com"}"#,
            r#""StringEquals":{"cognito-identity.amazonaws.com:aud":"us-east-1:abc"}"#,
        );
        let any_pool = web(
            r#"{"Federated":"cognito-identity.amazonaws.com"}"#,
            r#""StringLike":{"cognito-identity.amazonaws.com:aud":"*"}"#,
        );
        assert!(who_can_assume(&cognito)[0].regions.len() == 1);
        assert!(!diff(&cognito, &any_pool).0.is_empty());
        let saml = policy(
            r#"{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:saml-provider/Okta"},"Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}"#,
        );
        let who = who_can_assume(&saml);
        assert_eq!(who[0].class, PrincipalClass::Saml);
        assert!(!who[0].regions.is_empty() && !who[0].regions[0].is_exact());
    }

    #[test]
    fn a_set_qualifier_on_aud_is_not_exact_and_widens() {
        let old = web(
            &format!(r#"{{"Federated":"{ABC}"}}"#),
            &format!(r#""StringEquals":{{"{K}:aud":"sts.amazonaws.com","{K}:sub":"s"}}"#),
        );
        let new = web(
            &format!(r#"{{"Federated":"{ABC}"}}"#),
            &format!(
                r#""ForAnyValue:StringEquals":{{"{K}:aud":"sts.amazonaws.com"}},"StringEquals":{{"{K}:sub":"s"}}"#
            ),
        );
        let who = who_can_assume(&new);
        assert!(!who[0].regions.is_empty() && !who[0].regions[0].is_exact());
        assert!(!diff(&old, &new).0.is_empty());
    }

    #[test]
    fn a_condition_on_another_issuers_key_changes_nothing() {
        let base = format!(r#""StringEquals":{{"{K}:sub":"s","{K}:aud":"sts.amazonaws.com"}}"#);
        let old = web(&format!(r#"{{"Federated":"{ABC}"}}"#), &base);
        let new = web(
            &format!(r#"{{"Federated":"{ABC}"}}"#),
            &format!(
                r#"{base},"StringNotLike":{{"oidc.eks.us-east-1.amazonaws.com/id/OTHER:sub":"foo"}}"#
            ),
        );
        assert_eq!(diff(&new, &old), (vec![], vec![]));
        assert_eq!(diff(&old, &new), (vec![], vec![]));
    }

    #[test]
    fn pod_identity_without_session_tags_is_admitted() {
        let p = policy(
            r#"{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":"sts:AssumeRole"}"#,
        );
        let who = who_can_assume(&p);
        assert!(!who[0].regions.is_empty());
        // Only associations without session tags: a request with tags (which also needs
        // `sts:TagSession`) is in no region, one without is (found by the `symbolic` fuzz target).
        let mut tagged = crate::eval::RequestContext::new();
        tagged.set("aws:RequestTag/kubernetes-namespace", "ns");
        tagged.set_values("aws:TagKeys", vec!["kubernetes-namespace".to_owned()], true);
        assert!(!who[0].regions.iter().any(|r| r.contains(&tagged)));
        let untagged = crate::eval::RequestContext::new();
        assert!(who[0].regions.iter().any(|r| r.contains(&untagged)));
        // Described as such, with an example the evaluator allows: one without session tags.
        let s = crate::symbolic::summarize(&p, &who[0], &who[0].regions[0], None);
        assert!(s.text.contains("session tags disabled"), "{}", s.text);
        assert!(!s.text.contains("TagKeys"), "{}", s.text);
        let example = s.example.expect("an example");
        assert!(matches!(
            example.query.identity,
            crate::identity::Identity::PodIdentity {
                session_tags: false,
                ..
            }
        ));
    }

    #[test]
    fn an_example_leaves_another_issuers_sub_absent() {
        let p = web(
            &format!(r#"{{"Federated":"{ABC}"}}"#),
            r#""StringNotLike":{"oidc.eks.us-east-1.amazonaws.com/id/OTHER:sub":"foo"}"#,
        );
        let who = who_can_assume(&p);
        let s = crate::symbolic::summarize(&p, &who[0], &who[0].regions[0], None);
        assert!(who[0].regions[0].is_exact());
        assert!(s.example.is_some(), "{}", s.text);
    }

    /// `*a` and 16 `?`: "an `a` 17th from the end or earlier" needs 2^17 automaton states.
    fn too_complex_pattern() -> String {
        format!("*a{}", "?".repeat(16))
    }

    #[test]
    fn a_too_complex_pattern_gives_an_inexact_region_not_an_error() {
        let pattern = too_complex_pattern();
        assert!(crate::algebra::StringSet::like_wild(&pattern).is_err());
        let p = web(
            &format!(r#"{{"Federated":"{ABC}"}}"#),
            &format!(
                r#""StringLike":{{"{K}:sub":"{pattern}"}},"StringEquals":{{"{K}:aud":"sts.amazonaws.com"}}"#
            ),
        );
        let who = who_can_assume(&p);
        assert_eq!(who[0].regions.len(), 1);
        let r = &who[0].regions[0];
        assert!(!r.is_exact());
        assert!(
            r.opaque
                .iter()
                .any(|o| o.contains("too complex") && o.contains(&pattern)),
            "{:?}",
            r.opaque
        );
        // An over-approximation: a subject the pattern admits is in the region.
        let mut request = crate::eval::RequestContext::new();
        request.set(format!("{K}:sub"), format!("xa{}", "b".repeat(16)));
        request.set(format!("{K}:aud"), "sts.amazonaws.com");
        assert!(r.contains(&request));
        // The audience is still modelled exactly.
        assert!(r.key(&format!("{}:aud", K.to_ascii_lowercase())).is_some());
    }

    #[test]
    fn a_too_complex_deny_is_kept_as_an_exception_and_the_gate_widens() {
        let pattern = too_complex_pattern();
        let allow = format!(
            r#"{{"Effect":"Allow","Principal":{{"Federated":"{ABC}"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringLike":{{"{K}:sub":"system:serviceaccount:ns:*"}}}}}}"#
        );
        let deny = format!(
            r#"{{"Effect":"Deny","Principal":"*","Action":"*","Condition":{{"StringLike":{{"{K}:sub":["{pattern}","x"]}}}}}}"#
        );
        let old = policy(&format!("{allow},{deny}"));
        let new = policy(&allow);
        let who = who_can_assume(&old);
        assert!(who[0].regions.iter().all(|r| !r.is_exact()));
        assert!(who[0]
            .regions
            .iter()
            .any(|r| r.unless.iter().any(|u| u.contains("too complex"))));
        // Dropping the Deny cannot be shown not to widen: the gate must say widened.
        assert!(!diff(&old, &new).0.is_empty());
    }

    #[test]
    fn many_deny_statements_do_not_multiply_regions_without_bound() {
        // Each Deny with three keys splits every region in three: 3^10 pieces if unbounded.
        let allow = format!(
            r#"{{"Effect":"Allow","Principal":{{"Federated":"{ABC}"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringLike":{{"{K}:sub":"system:serviceaccount:*"}}}}}}"#
        );
        let denies: Vec<String> = (0..10)
            .map(|i| {
                format!(
                    r#"{{"Effect":"Deny","Principal":"*","Action":"*","Condition":{{"StringEquals":{{"{K}:sub":"system:serviceaccount:n{i}:a","aws:SourceVpc":"vpc-{i}","aws:RequestTag/t{i}":"v"}}}}}}"#
                )
            })
            .collect();
        let p = policy(&format!("{allow},{}", denies.join(",")));
        let who = who_can_assume(&p);
        let regions = &who[0].regions;
        assert!(regions.len() <= super::super::region::MAX_REGIONS);
        assert!(regions.iter().any(|r| !r.is_exact()));
        // Still an over-approximation: a request the evaluator allows is in some region.
        let query = crate::identity::Query {
            identity: crate::identity::Identity::WebIdentity {
                issuer: crate::identity::Issuer::parse(ABC).unwrap(),
                sub: "system:serviceaccount:n3:b".to_owned(),
                aud: vec!["sts.amazonaws.com".to_owned()],
            },
            account: None,
            partition: None,
            context: vec![],
            actions: vec![],
        };
        assert_eq!(
            query.answer(&p, None).decision,
            crate::eval::Decision::Allow
        );
        let (requests, _) = query.requests(Some(&p), None);
        assert!(regions.iter().any(|r| r.contains(&requests[0].context)));
        // And the gate still answers, quickly, against the policy without the Denies.
        assert!(!diff(&p, &policy(&allow)).0.is_empty());
    }

    #[test]
    fn a_change_behind_the_region_cap_is_still_a_widening() {
        // Found in review: both sides hit the cap on intersecting the `sts:AssumeRole` and
        // `sts:TagSession` regions of Pod Identity, leaving the same marker text; the narrower
        // `sts:TagSession` Deny of NEW must still show as widened.
        let keys = |n: usize| {
            (b'a'..)
                .take(n)
                .map(|c| format!(r#""x:{}":"v""#, char::from(c)))
                .collect::<Vec<_>>()
                .join(",")
        };
        let allow = r#"{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}"#;
        let deny = |action: &str, n: usize| {
            format!(
                r#"{{"Effect":"Deny","Principal":"*","Action":"{action}","Condition":{{"StringEquals":{{{}}}}}}}"#,
                keys(n)
            )
        };
        let d1 = deny("sts:AssumeRole", 17);
        let old = policy(&format!("{allow},{d1},{}", deny("sts:TagSession", 16)));
        let new = policy(&format!("{allow},{d1},{}", deny("sts:TagSession", 17)));
        let (widened, _) = diff(&old, &new);
        assert!(!widened.is_empty(), "the gate must not say no change");
    }
}
