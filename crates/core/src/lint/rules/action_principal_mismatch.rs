//! TL102 `action-principal-mismatch`.

use super::group_document::{allows_action, is_allow, Caller, ASSUME_ACTIONS};
use crate::diagnostic::Finding;
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::policy::PrincipalEntry;

declare_rule! {
    /// ## What it does
    /// Checks for principals that a statement allows only the assume-role action of another kind of caller.
    ///
    /// Each kind of principal assumes roles with its own action: `sts:AssumeRoleWithWebIdentity`
    /// for OIDC providers and the built-in web identity providers, `sts:AssumeRoleWithSAML` for
    /// SAML providers, and `sts:AssumeRole` for service principals (such as
    /// `pods.eks.amazonaws.com`) and IAM principals. The rule reports a statement that allows a
    /// principal only the assume-role action(s) of another kind of caller, for example an IRSA
    /// statement with `"Action": "sts:AssumeRole"`.
    ///
    /// ## Why is this bad?
    /// STS authorises each call for exactly one action. IRSA, GitHub Actions and every other
    /// OIDC caller call `AssumeRoleWithWebIdentity`; EKS Pod Identity and other services call
    /// `AssumeRole`. A statement that allows the wrong one never matches, so the role cannot
    /// be assumed (`AccessDenied … not authorized to perform sts:AssumeRoleWithWebIdentity`).
    /// Access Analyzer reports this as "Mismatched action for principal".
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [
    ///     {
    ///       "Effect": "Allow",
    ///       "Principal": {
    ///         "Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
    ///       },
    ///       "Action": "sts:AssumeRole",
    ///       "Condition": {
    ///         "StringEquals": {
    ///           "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:kube-system:aws-load-balancer-controller",
    ///           "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud": "sts.amazonaws.com"
    ///         }
    ///       }
    ///     }
    ///   ]
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [
    ///     {
    ///       "Effect": "Allow",
    ///       "Principal": {
    ///         "Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
    ///       },
    ///       "Action": "sts:AssumeRoleWithWebIdentity",
    ///       "Condition": {
    ///         "StringEquals": {
    ///           "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:kube-system:aws-load-balancer-controller",
    ///           "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud": "sts.amazonaws.com"
    ///         }
    ///       }
    ///     }
    ///   ]
    /// }
    /// ```
    ///
    /// ## Known problems
    /// A statement that allows a principal only companion actions (`sts:TagSession`,
    /// `sts:SetSourceIdentity`) is not reported: another statement may allow the assume-role
    /// action for the same principal.
    ///
    /// ## References
    /// - SEMANTICS.md §1.5 (trust-policy actions; Access Analyzer "Mismatched action for
    ///   principal"), §2.2 (principal per mechanism), §2.3 (action match), §5.1 (Pod Identity
    ///   calls `AssumeRole`), §6 #1
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html>
    pub struct ActionPrincipalMismatch {
        code: "TL102",
        name: "action-principal-mismatch",
        category: Correctness,
        since: "0.1.0",
    }
}

impl Rule for ActionPrincipalMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
        for statement in cx.policy.statements.iter().filter(|s| is_allow(s)) {
            let (Some(principal), Some(actions)) = (&statement.principal, &statement.action) else {
                continue;
            };
            let allowed: Vec<&str> = ASSUME_ACTIONS
                .iter()
                .copied()
                .filter(|a| allows_action(statement, a))
                .collect();
            let kinds = [
                Caller::WebIdentity,
                Caller::Saml,
                Caller::Service,
                Caller::Aws,
            ];
            // Each entry's kind, found once.
            let callers: Vec<Option<Caller>> = principal.entries.iter().map(Caller::of).collect();
            let mut mismatched = 0;
            let mut pending = Vec::new();
            for caller in kinds {
                if !callers.contains(&Some(caller)) || allowed.contains(&caller.action()) {
                    continue;
                }
                let entries: Vec<&PrincipalEntry> = principal
                    .entries
                    .iter()
                    .zip(&callers)
                    .filter(|(_, c)| **c == Some(caller))
                    .map(|(e, _)| e)
                    .collect();
                let wrong: Vec<String> = allowed
                    .iter()
                    .filter(|a| **a != caller.action())
                    .map(|a| format!("`{a}`"))
                    .collect();
                if wrong.is_empty() {
                    continue;
                }
                mismatched += 1;
                pending.push((caller, entries, wrong.join(" and ")));
            }
            let several_kinds = callers
                .iter()
                .flatten()
                .any(|c| !pending.iter().any(|(p, _, _)| p == c))
                || mismatched > 1;
            for (caller, entries, wrong) in pending {
                let action = caller.action();
                let element = if actions.negated {
                    "NotAction"
                } else {
                    "Action"
                };
                let help = if several_kinds {
                    format!("allow `{action}` as well, or give each kind of principal its own statement")
                } else if actions.negated {
                    format!("write `\"Action\": \"{action}\"` instead of `NotAction`")
                } else {
                    format!("write `\"Action\": \"{action}\"`")
                };
                let mut f = Self::META
                    .finding(
                        actions.span,
                        format!(
                            "`{element}` allows {} only {wrong}, but {} `{action}`",
                            caller.describe(),
                            caller.callers()
                        ),
                    )
                    .with_help(help);
                for e in entries {
                    f = f.with_label(e.span, format!("calls `{action}`"));
                }
                out.push(f);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::{check, CheckOptions};

    const OIDC: &str = r#""Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF""#;
    const SAML: &str = r#""Federated": "arn:aws:iam::111122223333:saml-provider/Okta""#;
    const PODS: &str = r#""Service": "pods.eks.amazonaws.com""#;

    fn run(effect: &str, principal: &str, action: &str) -> Vec<String> {
        let doc = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "{effect}",
              "Principal": {{{principal}}}, {action}}}]}}"#
        );
        check(doc.as_bytes(), &CheckOptions::only("TL102"))
            .findings
            .into_iter()
            .map(|r| r.finding.message)
            .collect()
    }

    fn allow(principal: &str, action: &str) -> Vec<String> {
        run("Allow", principal, action)
    }

    #[test]
    fn reports_the_wrong_assume_action() {
        let f = allow(OIDC, r#""Action": "sts:AssumeRole""#);
        assert_eq!(
            f,
            ["`Action` allows the web identity provider only `sts:AssumeRole`, but OIDC callers (IRSA, GitHub Actions, …) use `sts:AssumeRoleWithWebIdentity`"]
        );
        assert_eq!(
            allow(OIDC, r#""Action": ["sts:AssumeRole", "sts:TagSession"]"#).len(),
            1
        );
        assert_eq!(
            allow(OIDC, r#""Action": "STS:assumerolewithsaml""#).len(),
            1
        );
        assert_eq!(
            allow(
                r#""Federated": "cognito-identity.amazonaws.com""#,
                r#""Action": "sts:AssumeRole""#
            )
            .len(),
            1
        );
        assert_eq!(
            allow(SAML, r#""Action": "sts:AssumeRoleWithWebIdentity""#).len(),
            1
        );
        assert_eq!(
            allow(PODS, r#""Action": "sts:AssumeRoleWithWebIdentity""#).len(),
            1
        );
        assert_eq!(
            allow(
                r#""AWS": "arn:aws:iam::111122223333:role/ci""#,
                r#""Action": "sts:AssumeRoleWithWebIdentity""#
            )
            .len(),
            1
        );
        // `NotAction` that excludes the right action.
        assert_eq!(
            allow(OIDC, r#""NotAction": "sts:AssumeRoleWithWebIdentity""#).len(),
            1
        );
    }

    #[test]
    fn reports_each_kind_in_a_mixed_statement() {
        let f = allow(
            &format!("{PODS}, {OIDC}"),
            r#""Action": ["sts:AssumeRole", "sts:TagSession"]"#,
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].contains("web identity"));
    }

    #[test]
    fn accepts_matching_actions() {
        assert!(allow(OIDC, r#""Action": "sts:AssumeRoleWithWebIdentity""#).is_empty());
        assert!(allow(
            OIDC,
            r#""Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]"#
        )
        .is_empty());
        assert!(allow(OIDC, r#""Action": "sts:AssumeRole*""#).is_empty());
        assert!(allow(OIDC, r#""Action": "*""#).is_empty());
        assert!(allow(OIDC, r#""NotAction": "sts:AssumeRole""#).is_empty());
        assert!(allow(SAML, r#""Action": "sts:AssumeRoleWithSAML""#).is_empty());
        assert!(allow(PODS, r#""Action": ["sts:AssumeRole", "sts:TagSession"]"#).is_empty());
        assert!(allow(
            &format!("{PODS}, {OIDC}"),
            r#""Action": ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:TagSession"]"#
        )
        .is_empty());
        assert!(allow(
            r#""AWS": "arn:aws:iam::111122223333:root""#,
            r#""Action": "sts:AssumeRole""#
        )
        .is_empty());
    }

    #[test]
    fn ignores_near_misses() {
        // Companion actions only: another statement may allow the assume action.
        assert!(allow(OIDC, r#""Action": "sts:TagSession""#).is_empty());
        // A Deny statement grants nothing.
        assert!(run("Deny", OIDC, r#""Action": "sts:AssumeRole""#).is_empty());
        // Wildcards and unknown Federated values are other rules' business.
        assert!(allow(r#""Federated": "*""#, r#""Action": "sts:AssumeRole""#).is_empty());
        assert!(allow(r#""Federated": "okta""#, r#""Action": "sts:AssumeRole""#).is_empty());
    }

    #[test]
    fn points_at_the_action_and_labels_the_principal() {
        let doc = format!(
            r#"{{"Statement": [{{"Effect": "Allow", "Principal": {{{OIDC}}}, "Action": "sts:AssumeRole"}}]}}"#
        );
        let report = check(doc.as_bytes(), &CheckOptions::only("TL102"));
        let f = &report.findings[0].finding;
        assert_eq!(&doc[f.span.start..f.span.end], "\"sts:AssumeRole\"");
        let label = &f.labels[0];
        assert!(doc[label.span.start..label.span.end].contains("oidc-provider/"));
        assert_eq!(
            f.help.as_deref(),
            Some("write `\"Action\": \"sts:AssumeRoleWithWebIdentity\"`")
        );
    }
}
