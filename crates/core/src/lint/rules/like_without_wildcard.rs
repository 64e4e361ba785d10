//! TL208 `like-without-wildcard`.

use super::group_other::{is_like_operator, like_value_has_wildcard};
use crate::diagnostic::Finding;
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::policy::{BaseOperator, Operator};

declare_rule! {
    /// ## What it does
    /// Checks for `StringLike` and `StringNotLike` conditions (in any form: `ForAnyValue:`,
    /// `ForAllValues:`, `…IfExists`) none of whose values contains a wildcard `*` or `?`.
    /// The escapes `${*}` and `${?}` stand for a literal `*` and `?`, and text substituted for a
    /// policy variable is literal, so neither counts as a wildcard.
    ///
    /// ## Why is this bad?
    /// Without a wildcard, `StringLike` compares exactly like `StringEquals` (and `StringNotLike`
    /// like `StringNotEquals`): the match is anchored at both ends and case-sensitive. Writing
    /// `StringLike` suggests a pattern that is not there, and hides the intent from readers and
    /// from tools that treat `StringLike` on `:sub` as a broad match. A condition whose values
    /// mix exact values with patterns is fine and is not reported: moving the exact values to a
    /// `StringEquals` block would AND them with the patterns instead of OR-ing them.
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
    ///       "StringLike": {"oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:payments:api"}
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
    /// - SEMANTICS.md §3.1, §3.2 (wildcards and the `${*}`/`${?}` escapes), §3.3
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-specialchars>
    pub struct LikeWithoutWildcard {
        code: "TL208",
        name: "like-without-wildcard",
        category: Style,
        since: "0.1.0",
    }
}

impl Rule for LikeWithoutWildcard {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
        for statement in &cx.policy.statements {
            for condition in &statement.conditions {
                let Some(op) = condition.operator else {
                    continue;
                };
                if !is_like_operator(condition)
                    || condition.values.is_empty()
                    || condition.values.iter().any(like_value_has_wildcard)
                {
                    continue;
                }
                let exact = Operator {
                    base: if op.base == BaseOperator::StringLike {
                        BaseOperator::StringEquals
                    } else {
                        BaseOperator::StringNotEquals
                    },
                    ..op
                };
                let span = match condition.values.as_slice() {
                    [one] => one.span,
                    _ => condition.values_span,
                };
                let what = if condition.values.len() == 1 {
                    "its value has no"
                } else {
                    "none of its values has a"
                };
                out.push(
                    Self::META
                        .finding(
                            span,
                            format!(
                                "`{op}` on `{}` but {what} wildcard `*` or `?`",
                                condition.key
                            ),
                        )
                        .with_label(condition.operator_span, format!("`{op}` here"))
                        .with_help(format!(
                            "write `{exact}`: without `*` or `?` it compares exactly the same way"
                        )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::group_other::testing::{findings, oidc_policy, underlined, EKS, GH};

    fn run(condition: &str) -> (String, Vec<crate::diagnostic::Finding>) {
        let text = oidc_policy(EKS, condition);
        let found = findings("TL208", &text);
        (text, found)
    }

    #[test]
    fn reports_like_without_wildcard() {
        let (text, found) = run(&format!(
            r#"{{"StringLike": {{"{EKS}:sub": "system:serviceaccount:ns:sa"}}}}"#
        ));
        assert_eq!(found.len(), 1);
        assert_eq!(
            underlined(&text, &found),
            ["\"system:serviceaccount:ns:sa\""]
        );
        assert!(found[0].message.contains("`StringLike`"));
        assert_eq!(
            found[0].help.as_deref(),
            Some("write `StringEquals`: without `*` or `?` it compares exactly the same way")
        );
        assert_eq!(found[0].severity, crate::diagnostic::Severity::Info);
    }

    #[test]
    fn keeps_qualifier_and_if_exists_in_help() {
        let (_, found) = run(&format!(
            r#"{{"ForAnyValue:StringNotLikeIfExists": {{"{EKS}:sub": ["a", "b"]}}}}"#
        ));
        assert_eq!(found.len(), 1);
        assert!(found[0]
            .help
            .as_deref()
            .unwrap()
            .contains("`ForAnyValue:StringNotEqualsIfExists`"));
        assert!(found[0].message.contains("none of its values"));
    }

    #[test]
    fn escapes_are_not_wildcards() {
        let (_, found) = run(&format!(
            r#"{{"StringLike": {{"{GH}:sub": "repo:o/r:ref:refs/heads/a${{*}}b${{?}}"}}}}"#
        ));
        assert_eq!(found.len(), 1);
        // Under 2008-10-17 `${*}` is plain text, so its `*` is a wildcard.
        let text = r#"{"Statement": [{"Effect": "Allow", "Principal": {"Federated": "accounts.google.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringLike": {"accounts.google.com:sub": "a${*}"}}}]}"#;
        assert!(findings("TL208", text).is_empty());
    }

    #[test]
    fn variables_are_literal() {
        let (_, found) = run(&format!(
            r#"{{"StringLike": {{"{EKS}:sub": "system:serviceaccount:${{aws:username}}:x"}}}}"#
        ));
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn patterns_and_mixed_lists_are_fine() {
        for condition in [
            format!(r#"{{"StringLike": {{"{EKS}:sub": "system:serviceaccount:ns:*"}}}}"#),
            format!(r#"{{"StringLike": {{"{EKS}:sub": "system:serviceaccount:ns:sa-?"}}}}"#),
            // AWS's EKS Anywhere example ORs an exact subject with a namespace pattern.
            format!(
                r#"{{"StringLike": {{"{EKS}:sub": ["system:serviceaccount:a:b", "system:serviceaccount:c:*"]}}}}"#
            ),
            format!(r#"{{"StringEquals": {{"{EKS}:sub": "system:serviceaccount:ns:sa"}}}}"#),
            format!(r#"{{"StringLike": {{"{EKS}:sub": []}}}}"#),
            format!(r#"{{"StringsLike": {{"{EKS}:sub": "x"}}}}"#),
        ] {
            let (text, found) = run(&condition);
            assert!(found.is_empty(), "{text}: {found:?}");
        }
    }
}
