//! TL209 `negated-identity-condition`.

use super::group_other::{conditions_on, identity_providers};
use crate::diagnostic::Finding;
use crate::lint::rule::declare_rule;
use crate::lint::{is_effective, LintContext, Rule, RuleMeta};
use crate::policy::{BaseOperator, Operator};

declare_rule! {
    /// ## What it does
    /// Checks `Allow` statements for negated operators (`StringNotEquals`, `StringNotLike`,
    /// `StringNotEqualsIgnoreCase`, in any form: `ForAnyValue:`, `ForAllValues:`, `…IfExists`;
    /// also `ArnNotLike` and the other negated operators) on the `:sub` or `:aud` claim of a
    /// `Federated` identity provider of the statement, when no positive condition on the same
    /// claim narrows it down.
    ///
    /// ## Why is this bad?
    /// A negated operator holds for every value that is *not* listed (a list of values is a
    /// NOR), and it also holds when the key is absent. `StringNotEquals` on `:sub` therefore
    /// admits every other identity of the issuer: every other service account of the cluster,
    /// every other repository on GitHub. An exclusion next to a positive condition on the same
    /// claim (`StringLike` `system:serviceaccount:team:*` and `StringNotEquals`
    /// `system:serviceaccount:team:admin`) is a legitimate pattern and is not reported; so is a
    /// negated condition in a `Deny` statement.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [{
    ///     "Effect": "Allow",
    ///     "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"},
    ///     "Action": "sts:AssumeRoleWithWebIdentity",
    ///     "Condition": {
    ///       "StringEquals": {"oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud": "sts.amazonaws.com"},
    ///       "StringNotEquals": {"oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:kube-system:default"}
    ///     }
    ///   }]
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [{
    ///     "Effect": "Allow",
    ///     "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"},
    ///     "Action": "sts:AssumeRoleWithWebIdentity",
    ///     "Condition": {
    ///       "StringEquals": {
    ///         "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud": "sts.amazonaws.com",
    ///         "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:payments:api"
    ///       }
    ///     }
    ///   }]
    /// }
    /// ```
    ///
    /// ## References
    /// - SEMANTICS.md §2.4 (negated operators are a NOR), §3.1, §3.9 (negated operators hold when
    ///   the key is absent), §6 #18
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html>
    pub struct NegatedIdentityCondition {
        code: "TL209",
        name: "negated-identity-condition",
        category: Correctness,
        since: "0.1.0",
    }
}

/// The positive operator to suggest instead (plain: no qualifier, no `IfExists`).
fn positive(op: Operator) -> Operator {
    let base = match op.base {
        BaseOperator::StringNotEquals => BaseOperator::StringEquals,
        // Subjects are case-sensitive (TL213): suggest the exact comparison.
        BaseOperator::StringNotEqualsIgnoreCase => BaseOperator::StringEquals,
        BaseOperator::StringNotLike => BaseOperator::StringLike,
        BaseOperator::ArnNotEquals => BaseOperator::ArnEquals,
        BaseOperator::ArnNotLike => BaseOperator::ArnLike,
        BaseOperator::NumericNotEquals => BaseOperator::NumericEquals,
        BaseOperator::DateNotEquals => BaseOperator::DateEquals,
        BaseOperator::NotIpAddress => BaseOperator::IpAddress,
        other => other,
    };
    Operator {
        qualifier: None,
        base,
        if_exists: false,
    }
}

impl Rule for NegatedIdentityCondition {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
        for statement in cx.allow_statements() {
            for idp in identity_providers(cx, statement) {
                for claim in ["sub", "aud"] {
                    // An exclusion next to a positive condition on the same claim is fine.
                    if conditions_on(statement, idp.prefix, claim).any(is_effective) {
                        continue;
                    }
                    for condition in conditions_on(statement, idp.prefix, claim) {
                        let Some(op) = condition.operator.filter(|op| op.base.is_negated()) else {
                            continue;
                        };
                        let who = if claim == "sub" {
                            "identity (subject)"
                        } else {
                            "audience"
                        };
                        out.push(
                            Self::META
                                .finding(
                                    condition.key_span,
                                    format!(
                                        "`{op}` on `{}` admits every {who} of the issuer except the listed ones",
                                        condition.key
                                    ),
                                )
                                .with_label(condition.operator_span, "negated operator")
                                .with_help(format!(
                                    "list the {claim} values that may assume the role with `{}`; keep a negated condition only next to such a positive one, or move it to a `Deny` statement",
                                    positive(op)
                                )),
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::group_other::testing::{findings, oidc_policy, underlined, EKS, GH};

    #[test]
    fn reports_negated_sub_and_aud() {
        let text = oidc_policy(
            EKS,
            &format!(
                r#"{{"StringNotEquals": {{"{EKS}:sub": "system:serviceaccount:a:b"}},
                    "ForAnyValue:StringNotLikeIfExists": {{"{EKS}:aud": ["x*"]}}}}"#
            ),
        );
        let found = findings("TL209", &text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(
            underlined(&text, &found),
            [format!("\"{EKS}:sub\""), format!("\"{EKS}:aud\"")]
        );
        assert!(found[0].message.contains("`StringNotEquals`"));
        assert!(found[1].help.as_deref().unwrap().contains("`StringLike`"));
        assert_eq!(found[0].severity, crate::diagnostic::Severity::Error);
    }

    #[test]
    fn key_case_and_built_in_providers() {
        let text = oidc_policy(
            GH,
            r#"{"StringNotEqualsIgnoreCase": {"Token.Actions.GitHubUserContent.com:SUB": "repo:evil/x:*"}}"#,
        );
        let found = findings("TL209", &text);
        assert_eq!(found.len(), 1);
        assert!(found[0]
            .help
            .as_deref()
            .unwrap()
            .contains("with `StringEquals`"));
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringNotEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:x"}}}]}"#;
        assert_eq!(findings("TL209", text).len(), 1);
    }

    #[test]
    fn exclusions_deny_and_other_keys_are_fine() {
        // An exclusion next to a positive condition on the same claim.
        let text = oidc_policy(
            EKS,
            &format!(
                r#"{{"StringLike": {{"{EKS}:sub": "system:serviceaccount:team:*"}},
                    "StringNotEquals": {{"{EKS}:sub": "system:serviceaccount:team:admin"}}}}"#
            ),
        );
        assert!(findings("TL209", &text).is_empty());
        // Deny with a negated operator is the usual guard.
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Deny",
            "Principal": {{"Federated": "arn:aws:iam::111122223333:oidc-provider/{EKS}"}},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {{"StringNotEquals": {{"{EKS}:sub": "system:serviceaccount:a:b"}}}}}}]}}"#
        );
        assert!(findings("TL209", &text).is_empty());
        // Other claims, and keys of another issuer (TL201's concern).
        let text = oidc_policy(
            EKS,
            r#"{"StringNotEquals": {"aws:SourceIp": "10.0.0.1", "oidc.eks.us-east-1.amazonaws.com/id/X:sub": "a"}}"#,
        );
        assert!(findings("TL209", &text).is_empty());
    }
}
