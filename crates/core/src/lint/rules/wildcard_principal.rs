//! TL104 `wildcard-principal`.

use super::group_document::is_allow;
use crate::diagnostic::Finding;
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::policy::PrincipalKind;

declare_rule! {
    /// ## What it does
    /// Checks for a wildcard principal in an `Allow` statement of a role trust policy.
    ///
    /// It reports `"Principal": "*"`, `{"AWS": "*"}`, `{"Federated": "*"}` and `{"Service": "*"}`.
    ///
    /// ## Why is this bad?
    /// A wildcard principal trusts every caller: any AWS account, any identity provider, any
    /// service. Only the statement's conditions stand between the role and the whole internet,
    /// and one mistake in them (a typo in a key, an `IfExists`, a claim IAM does not expose)
    /// opens the role to everyone. Access Analyzer rejects a wildcard principal in a role trust
    /// policy ("Role trust policy unsupported wildcard in principal"); name the provider, the
    /// service or the account instead.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [
    ///     {
    ///       "Effect": "Allow",
    ///       "Principal": "*",
    ///       "Action": "sts:AssumeRoleWithWebIdentity",
    ///       "Condition": {
    ///         "StringEquals": {
    ///           "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:payments:api",
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
    ///           "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:payments:api",
    ///           "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud": "sts.amazonaws.com"
    ///         }
    ///       }
    ///     }
    ///   ]
    /// }
    /// ```
    ///
    /// ## Known problems
    /// The IAM principal page allows `"*"` in a trust policy while Access Analyzer calls it an
    /// error (SEMANTICS.md §1.4); trustlint evaluates it as "every caller" and reports it even
    /// when conditions such as `aws:PrincipalOrgID` narrow it. `Deny` statements with a
    /// wildcard principal are fine and not reported.
    ///
    /// ## References
    /// - SEMANTICS.md §1.4 (`"Principal": "*"` conflict, wildcards in principals), §2.2, §7 #9
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>
    pub struct WildcardPrincipal {
        code: "TL104",
        name: "wildcard-principal",
        category: Correctness,
        since: "0.1.0",
    }
}

impl Rule for WildcardPrincipal {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
        for statement in cx.policy.statements.iter().filter(|s| is_allow(s)) {
            let Some(principal) = &statement.principal else {
                continue;
            };
            if principal.any {
                out.push(
                    Self::META
                        .finding(
                            principal.span,
                            "`\"Principal\": \"*\"` in an `Allow` statement trusts every caller",
                        )
                        .with_help(help(statement)),
                );
                continue;
            }
            for entry in principal
                .entries
                .iter()
                .filter(|e| e.value == "*" && e.kind != PrincipalKind::CanonicalUser)
            {
                let kind = entry.kind.as_str();
                let who = match entry.kind {
                    PrincipalKind::Aws => "every AWS account and every IAM role and user",
                    PrincipalKind::Federated => "every identity provider",
                    _ => "every service",
                };
                out.push(
                    Self::META
                        .finding(
                            entry.span,
                            format!("`{{\"{kind}\": \"*\"}}` in an `Allow` statement trusts {who}"),
                        )
                        .with_help(help(statement)),
                );
            }
        }
    }
}

/// What to name instead, guessed from the statement's action.
fn help(statement: &crate::policy::Statement) -> &'static str {
    use super::group_document::{allows_action, ASSUME_ROLE, ASSUME_ROLE_WITH_WEB_IDENTITY};
    if statement.action.as_ref().is_some_and(|a| !a.negated)
        && allows_action(statement, ASSUME_ROLE_WITH_WEB_IDENTITY)
        && !allows_action(statement, ASSUME_ROLE)
    {
        "name the OIDC provider: `\"Principal\": {\"Federated\": \"arn:aws:iam::<account>:oidc-provider/<issuer>\"}`"
    } else {
        "name who may assume the role, e.g. `{\"Service\": \"pods.eks.amazonaws.com\"}` or `{\"AWS\": \"arn:aws:iam::<account>:role/<name>\"}`"
    }
}

#[cfg(test)]
mod tests {
    use crate::check::{check, CheckOptions};

    fn run(effect: &str, principal: &str, action: &str) -> Vec<(String, String)> {
        let doc = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "{effect}", "Principal": {principal}, "Action": "{action}"}}]}}"#
        );
        check(doc.as_bytes(), &CheckOptions::only("TL104"))
            .findings
            .into_iter()
            .map(|r| {
                (
                    doc[r.finding.span.start..r.finding.span.end].to_owned(),
                    r.finding.message,
                )
            })
            .collect()
    }

    #[test]
    fn reports_wildcards_in_allow() {
        let f = run("Allow", r#""*""#, "sts:AssumeRole");
        assert_eq!(
            f,
            [(
                "\"*\"".to_owned(),
                "`\"Principal\": \"*\"` in an `Allow` statement trusts every caller".to_owned()
            )]
        );
        let f = run("Allow", r#"{"AWS": "*"}"#, "sts:AssumeRole");
        assert_eq!(f.len(), 1);
        assert!(f[0].1.contains("every AWS account"));
        let f = run(
            "Allow",
            r#"{"Federated": ["arn:aws:iam::111122223333:oidc-provider/gitlab.com", "*"]}"#,
            "sts:AssumeRoleWithWebIdentity",
        );
        assert_eq!(
            f,
            [(
                "\"*\"".to_owned(),
                "`{\"Federated\": \"*\"}` in an `Allow` statement trusts every identity provider"
                    .to_owned()
            )]
        );
        assert_eq!(
            run("Allow", r#"{"Service": "*"}"#, "sts:AssumeRole").len(),
            1
        );
    }

    #[test]
    fn ignores_near_misses() {
        assert!(run("Deny", r#""*""#, "sts:AssumeRole").is_empty());
        assert!(run("Deny", r#"{"AWS": "*"}"#, "sts:AssumeRole").is_empty());
        assert!(run(
            "Allow",
            r#"{"AWS": "arn:aws:iam::111122223333:root"}"#,
            "sts:AssumeRole"
        )
        .is_empty());
        assert!(run(
            "Allow",
            r#"{"Service": "pods.eks.amazonaws.com"}"#,
            "sts:AssumeRole"
        )
        .is_empty());
        // Partial wildcards are not the whole-value wildcard (TL101 reports them for `Federated`).
        assert!(run(
            "Allow",
            r#"{"Federated": "arn:aws:iam::*:oidc-provider/gitlab.com"}"#,
            "sts:AssumeRoleWithWebIdentity"
        )
        .is_empty());
        assert!(run("Allow", r#"{"CanonicalUser": "*"}"#, "sts:AssumeRole").is_empty());
    }

    #[test]
    fn help_names_the_provider_for_web_identity() {
        let doc = r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity"}]}"#;
        let report = check(doc.as_bytes(), &CheckOptions::only("TL104"));
        assert!(report.findings[0]
            .finding
            .help
            .as_deref()
            .unwrap()
            .contains("oidc-provider"));
    }
}
