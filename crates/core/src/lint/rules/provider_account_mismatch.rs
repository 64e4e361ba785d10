//! TL403 `provider-account-mismatch`.

use crate::diagnostic::{Finding, Severity};
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::policy::{PrincipalEntry, PrincipalKind};

declare_rule! {
    /// ## What it does
    /// Checks the account of every `Federated` identity provider ARN
    /// (`arn:<partition>:iam::<account>:oidc-provider/…` or `…:saml-provider/…`) in an `Allow`
    /// statement:
    /// - against the role's own account, when the input says which account the role is in
    ///   (`aws iam get-role`, `list-roles` or `get-account-authorization-details` output) —
    ///   an error;
    /// - otherwise, for an OIDC provider of a configured cluster whose `account` is set, against
    ///   that account — a warning, since the role may live elsewhere.
    ///
    /// ## Why is this bad?
    /// For `AssumeRoleWithWebIdentity` (and SAML), STS looks for the identity provider **in the
    /// role's account** and builds the request principal from it. A trust policy that names the
    /// provider of another account — typically the cluster's account, copied into a role of a
    /// second account — never matches, and the call fails with `InvalidIdentityToken: No
    /// OpenIDConnect provider found in your account` or `AccessDenied`. Cross-account IRSA needs
    /// a separate provider for the same issuer in the role's account.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "Role": {
    ///     "RoleName": "payments-api",
    ///     "Arn": "arn:aws:iam::444455556666:role/payments-api",
    ///     "AssumeRolePolicyDocument": {
    ///       "Version": "2012-10-17",
    ///       "Statement": [{
    ///         "Effect": "Allow",
    ///         "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"},
    ///         "Action": "sts:AssumeRoleWithWebIdentity",
    ///         "Condition": {
    ///           "StringEquals": {
    ///             "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud": "sts.amazonaws.com",
    ///             "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:payments:api"
    ///           }
    ///         }
    ///       }]
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {
    ///   "Role": {
    ///     "RoleName": "payments-api",
    ///     "Arn": "arn:aws:iam::444455556666:role/payments-api",
    ///     "AssumeRolePolicyDocument": {
    ///       "Version": "2012-10-17",
    ///       "Statement": [{
    ///         "Effect": "Allow",
    ///         "Principal": {"Federated": "arn:aws:iam::444455556666:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"},
    ///         "Action": "sts:AssumeRoleWithWebIdentity",
    ///         "Condition": {
    ///           "StringEquals": {
    ///             "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud": "sts.amazonaws.com",
    ///             "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:payments:api"
    ///           }
    ///         }
    ///       }]
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## Known problems
    /// For a bare trust policy the role's account is unknown; the check against the configured
    /// cluster account is then only a warning, as a cross-account role legitimately names a
    /// provider in its own account rather than the cluster's. Malformed accounts are TL101's.
    ///
    /// ## References
    /// - SEMANTICS.md §2.2 (the provider in the role's account), §4.2 step 3, §6 #5
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/cross-account-access.html>
    /// - <https://repost.aws/knowledge-center/eks-troubleshoot-irsa-errors>
    pub struct ProviderAccountMismatch {
        code: "TL403",
        name: "provider-account-mismatch",
        category: Correctness,
        since: "0.1.0",
    }
}

/// An identity provider ARN, split.
struct ProviderArn<'a> {
    partition: &'a str,
    account: &'a str,
    /// `oidc-provider` or `saml-provider`.
    kind: &'a str,
    /// The provider path or name.
    name: &'a str,
}

fn provider_arn(entry: &PrincipalEntry) -> Option<ProviderArn<'_>> {
    if entry.kind != PrincipalKind::Federated {
        return None;
    }
    let mut parts = entry.value.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    let partition = parts.next()?;
    if parts.next()? != "iam" {
        return None;
    }
    let _region = parts.next()?;
    let account = parts.next()?;
    let (kind, name) = parts.next()?.split_once('/')?;
    let valid = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    (valid && matches!(kind, "oidc-provider" | "saml-provider")).then_some(ProviderArn {
        partition,
        account,
        kind,
        name,
    })
}

impl Rule for ProviderAccountMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
        for statement in cx.allow_statements() {
            for entry in statement.principal.iter().flat_map(|p| p.entries.iter()) {
                let Some(arn) = provider_arn(entry) else {
                    continue;
                };
                let fixed = |account: &str| {
                    format!(
                        "arn:{}:iam::{account}:{}/{}",
                        arn.partition, arn.kind, arn.name
                    )
                };
                let what = if arn.kind == "oidc-provider" {
                    "an IAM OIDC provider for the same issuer"
                } else {
                    "the SAML provider"
                };
                if let Some(role) = cx.role_account {
                    if role != arn.account {
                        out.push(
                            Self::META
                                .finding(
                                    entry.span,
                                    format!(
                                        "the identity provider is in account `{}`, but the role is in account `{role}`: STS looks for the provider in the role's account",
                                        arn.account
                                    ),
                                )
                                .with_help(format!(
                                    "create {what} in account `{role}` and trust `{}`",
                                    fixed(role)
                                )),
                        );
                    }
                    continue;
                }
                if arn.kind != "oidc-provider" {
                    continue;
                }
                let cluster = cx.config.clusters.iter().find(|c| {
                    c.prefix() == arn.name && c.account.as_deref().is_some_and(|a| a != arn.account)
                });
                let Some(cluster) = cluster else { continue };
                let account = cluster.account.as_deref().unwrap_or_default();
                let mut finding = Self::META
                    .finding(
                        entry.span,
                        format!(
                            "the OIDC provider is in account `{}`, but the configuration puts the provider of cluster `{}` in account `{account}`",
                            arn.account, cluster.name
                        ),
                    )
                    .with_help(format!(
                        "trust `{}`; if the role lives in account `{}` (cross-account IRSA), check it as `aws iam get-role` output so that its account is known",
                        fixed(account),
                        arn.account
                    ));
                finding.severity = Severity::Warning;
                out.push(finding);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::group_other::testing::{
        findings, findings_with, oidc_policy, underlined, EKS, GH,
    };
    use crate::diagnostic::Severity;
    use crate::lint::LintConfig;

    fn get_role(account: &str, provider: &str) -> String {
        format!(
            r#"{{"Role": {{"RoleName": "r", "Arn": "arn:aws:iam::{account}:role/r",
            "AssumeRolePolicyDocument": {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
            "Principal": {{"Federated": "{provider}"}}, "Action": "sts:AssumeRoleWithWebIdentity"}}]}}}}}}"#
        )
    }

    #[test]
    fn against_the_role_account() {
        let text = get_role(
            "444455556666",
            &format!("arn:aws:iam::111122223333:oidc-provider/{GH}"),
        );
        let found = findings("TL403", &text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Error);
        assert_eq!(
            underlined(&text, &found),
            [format!("\"arn:aws:iam::111122223333:oidc-provider/{GH}\"")]
        );
        assert_eq!(
            found[0].help.as_deref(),
            Some(format!("create an IAM OIDC provider for the same issuer in account `444455556666` and trust `arn:aws:iam::444455556666:oidc-provider/{GH}`").as_str())
        );
        let text = get_role(
            "444455556666",
            "arn:aws:iam::111122223333:saml-provider/Okta",
        );
        assert_eq!(findings("TL403", &text).len(), 1);
    }

    #[test]
    fn role_account_wins_over_the_inventory() {
        // Cross-account IRSA: the provider is in the role's account, not the cluster's.
        let text = get_role(
            "444455556666",
            &format!("arn:aws:iam::444455556666:oidc-provider/{EKS}"),
        );
        assert!(findings("TL403", &text).is_empty());
    }

    #[test]
    fn against_the_inventory() {
        let text = oidc_policy(EKS, "{}").replace("111122223333", "444455556666");
        let found = findings("TL403", &text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(found[0]
            .message
            .contains("cluster `prod` in account `111122223333`"));
        assert!(findings_with("TL403", &text, LintConfig::default()).is_empty());
    }

    #[test]
    fn fine_cases() {
        assert!(findings("TL403", &oidc_policy(EKS, "{}")).is_empty());
        assert!(findings(
            "TL403",
            &get_role(
                "111122223333",
                &format!("arn:aws:iam::111122223333:oidc-provider/{EKS}")
            )
        )
        .is_empty());
        // Malformed accounts and built-in providers are not this rule's.
        assert!(findings(
            "TL403",
            &get_role(
                "111122223333",
                &format!("arn:aws:iam::*******:oidc-provider/{GH}")
            )
        )
        .is_empty());
        assert!(findings("TL403", &get_role("111122223333", "accounts.google.com")).is_empty());
    }
}
