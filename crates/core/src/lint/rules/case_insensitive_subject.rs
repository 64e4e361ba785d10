//! TL213 `case-insensitive-subject`.

use super::group_other::{conditions_on, identity_providers};
use crate::diagnostic::Finding;
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::policy::{BaseOperator, Effect, Operator};

declare_rule! {
    /// ## What it does
    /// Checks for `StringEqualsIgnoreCase` (in an `Allow` statement) and
    /// `StringNotEqualsIgnoreCase` (in a `Deny` statement) on the `:sub` claim of a `Federated`
    /// identity provider of the statement — the two placements where ignoring case widens who
    /// may assume the role. (`StringNotEqualsIgnoreCase` in an `Allow` statement is TL209's.)
    ///
    /// ## Why is this bad?
    /// Subjects are case-sensitive identities. For GitHub Actions a subject names a git ref, and
    /// git refs are case-sensitive: a policy meant for `repo:acme/app:ref:refs/heads/main` with
    /// `StringEqualsIgnoreCase` also admits a branch named `MAIN` or `Main`, which anyone who can
    /// push a branch may create, bypassing the protection of `main`; the same holds for
    /// environment and tag names. For Kubernetes issuers, names are lower case by construction,
    /// so ignoring case only hides a malformed subject instead of fixing it.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [{
    ///     "Effect": "Allow",
    ///     "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
    ///     "Action": "sts:AssumeRoleWithWebIdentity",
    ///     "Condition": {
    ///       "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
    ///       "StringEqualsIgnoreCase": {"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"}
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
    ///     "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
    ///     "Action": "sts:AssumeRoleWithWebIdentity",
    ///     "Condition": {
    ///       "StringEquals": {
    ///         "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
    ///         "token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"
    ///       }
    ///     }
    ///   }]
    /// }
    /// ```
    ///
    /// ## References
    /// - SEMANTICS.md §3.1 (`IgnoreCase` operators), §4.7 (GitHub subjects are case-sensitive),
    ///   §4.5 (Kubernetes name rules)
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String>
    /// - <https://docs.github.com/en/actions/reference/security/oidc>
    pub struct CaseInsensitiveSubject {
        code: "TL213",
        name: "case-insensitive-subject",
        category: Suspicious,
        since: "0.1.0",
    }
}

impl Rule for CaseInsensitiveSubject {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
        for statement in &cx.policy.statements {
            let Some(effect) = statement.effect.as_ref().map(|e| e.value) else {
                continue;
            };
            let widening = match effect {
                Effect::Allow => BaseOperator::StringEqualsIgnoreCase,
                Effect::Deny => BaseOperator::StringNotEqualsIgnoreCase,
            };
            for idp in identity_providers(cx, statement) {
                for condition in conditions_on(statement, idp.prefix, "sub") {
                    let Some(op) = condition.operator.filter(|op| op.base == widening) else {
                        continue;
                    };
                    let exact = Operator {
                        base: if widening == BaseOperator::StringEqualsIgnoreCase {
                            BaseOperator::StringEquals
                        } else {
                            BaseOperator::StringNotEquals
                        },
                        ..op
                    };
                    let whom = if effect == Effect::Allow {
                        "admits"
                    } else {
                        "exempts from the `Deny`"
                    };
                    out.push(
                        Self::META
                            .finding(
                                condition.key_span,
                                format!(
                                    "`{op}` on `{}` also {whom} subjects that differ only in letter case",
                                    condition.key
                                ),
                            )
                            .with_label(condition.operator_span, "case-insensitive operator")
                            .with_help(format!(
                                "write `{exact}`: subjects are case-sensitive (the branch `Main` is not `main`)"
                            )),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::group_other::testing::{findings, oidc_policy, underlined, EKS, GH};

    #[test]
    fn reports_ignore_case_on_sub() {
        let text = oidc_policy(
            GH,
            &format!(
                r#"{{"ForAnyValue:StringEqualsIgnoreCaseIfExists": {{"{GH}:sub": "repo:a/b:ref:refs/heads/main"}}}}"#
            ),
        );
        let found = findings("TL213", &text);
        assert_eq!(found.len(), 1);
        assert_eq!(underlined(&text, &found), [format!("\"{GH}:sub\"")]);
        assert_eq!(
            found[0].help.as_deref(),
            Some("write `ForAnyValue:StringEqualsIfExists`: subjects are case-sensitive (the branch `Main` is not `main`)")
        );
    }

    #[test]
    fn deny_exemptions() {
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Deny",
            "Principal": {{"Federated": "arn:aws:iam::111122223333:oidc-provider/{EKS}"}},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {{"StringNotEqualsIgnoreCase": {{"{EKS}:sub": "system:serviceaccount:a:b"}},
                           "StringEqualsIgnoreCase": {{"{EKS}:aud": "x"}}}}}}]}}"#
        );
        let found = findings("TL213", &text);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("exempts from the `Deny`"));
    }

    #[test]
    fn fine_forms() {
        for condition in [
            format!(r#"{{"StringEquals": {{"{GH}:sub": "repo:a/b:*"}}}}"#),
            format!(r#"{{"StringEqualsIgnoreCase": {{"{GH}:aud": "STS.amazonaws.com"}}}}"#),
            // Negated in an Allow statement: TL209.
            format!(r#"{{"StringNotEqualsIgnoreCase": {{"{GH}:sub": "repo:a/b:*"}}}}"#),
        ] {
            let text = oidc_policy(GH, &condition);
            assert!(findings("TL213", &text).is_empty(), "{text}");
        }
    }
}
