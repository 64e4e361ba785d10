//! Comparing what two versions of a trust policy admit.

use super::{admitted_by_caller, restrict_for_caller, who_can_assume, Admitted, PrincipalClass};
use crate::algebra::TooComplex;
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
fn gained(
    from: &TrustPolicy,
    to: &TrustPolicy,
    direction: Direction,
) -> Result<Vec<Change>, TooComplex> {
    let mut principals: Vec<(PrincipalClass, String)> = Vec::new();
    for a in who_can_assume(from)?.into_iter().chain(who_can_assume(to)?) {
        if !principals
            .iter()
            .any(|(c, p)| *c == a.class && *p == a.principal)
        {
            principals.push((a.class, a.principal));
        }
    }
    let mut out = Vec::new();
    for (class, principal) in principals {
        let mine = admitted_by_caller(from, class, &principal)?;
        let theirs = admitted_by_caller(to, class, &principal)?;
        let mut gained = Vec::new();
        for (i, regions) in mine.into_iter().enumerate() {
            let mut rest = regions;
            for o in theirs.get(i).into_iter().flatten() {
                let mut next = Vec::new();
                for r in &rest {
                    next.extend(r.subtract(o)?);
                }
                rest = next;
            }
            for r in rest {
                // A piece may constrain keys this caller never sets: it may be empty for it.
                let r = restrict_for_caller(class, &principal, i, r)?;
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
    Ok(out)
}

/// What NEW admits that OLD did not (widened), and the reverse (narrowed).
///
/// # Errors
/// When a string set is too complex.
pub fn diff(
    old: &TrustPolicy,
    new: &TrustPolicy,
) -> Result<(Vec<Change>, Vec<Change>), TooComplex> {
    Ok((
        gained(new, old, Direction::Widened)?,
        gained(old, new, Direction::Narrowed)?,
    ))
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
            let who = who_can_assume(&new).unwrap();
            assert!(who.iter().any(|a| !a.regions.is_empty()), "{p}");
            let (widened, _) = diff(&old, &new).unwrap();
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
        assert!(who_can_assume(&cognito).unwrap()[0].regions.len() == 1);
        assert!(!diff(&cognito, &any_pool).unwrap().0.is_empty());
        let saml = policy(
            r#"{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:saml-provider/Okta"},"Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}"#,
        );
        let who = who_can_assume(&saml).unwrap();
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
        let who = who_can_assume(&new).unwrap();
        assert!(!who[0].regions.is_empty() && !who[0].regions[0].is_exact());
        assert!(!diff(&old, &new).unwrap().0.is_empty());
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
        assert_eq!(diff(&new, &old).unwrap(), (vec![], vec![]));
        assert_eq!(diff(&old, &new).unwrap(), (vec![], vec![]));
    }

    #[test]
    fn pod_identity_without_session_tags_is_admitted() {
        let p = policy(
            r#"{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":"sts:AssumeRole"}"#,
        );
        let who = who_can_assume(&p).unwrap();
        assert!(!who[0].regions.is_empty());
        // Only associations without session tags: a request with tags (which also needs
        // `sts:TagSession`) is in no region, one without is (found by the `symbolic` fuzz target).
        let mut tagged = crate::eval::RequestContext::new();
        tagged.set("aws:RequestTag/kubernetes-namespace", "ns");
        tagged.set_values("aws:TagKeys", vec!["kubernetes-namespace".to_owned()], true);
        assert!(!who[0].regions.iter().any(|r| r.contains(&tagged)));
        let untagged = crate::eval::RequestContext::new();
        assert!(who[0].regions.iter().any(|r| r.contains(&untagged)));
    }

    #[test]
    fn an_example_leaves_another_issuers_sub_absent() {
        let p = web(
            &format!(r#"{{"Federated":"{ABC}"}}"#),
            r#""StringNotLike":{"oidc.eks.us-east-1.amazonaws.com/id/OTHER:sub":"foo"}"#,
        );
        let who = who_can_assume(&p).unwrap();
        let s = crate::symbolic::summarize(&p, &who[0], &who[0].regions[0], None);
        assert!(who[0].regions[0].is_exact());
        assert!(s.example.is_some(), "{}", s.text);
    }
}
