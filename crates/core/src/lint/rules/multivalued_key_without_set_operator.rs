//! TL214 `multivalued-key-without-set-operator`.

use super::group_other::identity_providers;
use crate::diagnostic::Finding;
use crate::lint::rule::declare_rule;
use crate::lint::{split_claim, LintContext, Rule, RuleMeta};
use crate::policy::{BaseOperator, Condition, Operator, SetQualifier, Statement};

declare_rule! {
    /// ## What it does
    /// Checks for a plain operator (without `ForAnyValue:` or `ForAllValues:`) on a condition
    /// key that is multi-valued in the request: the `amr` claim of a web identity provider
    /// (`<provider>:amr`, e.g. `cognito-identity.amazonaws.com:amr`), `aws:TagKeys`,
    /// `sts:TransitiveTagKeys`, `aws:CalledVia` and `aws:PrincipalServiceNamesList`. `Null`
    /// checks are fine.
    ///
    /// ## Why is this bad?
    /// A key is single- or multi-valued by what the request carries. A plain operator applied
    /// to a key with several values in the request does not match (AWS confirmed this for
    /// positive operators; for negated ones the behaviour is undocumented), so a condition such
    /// as `StringEquals` on `aws:TagKeys` fails as soon as a request passes two tags — EKS Pod
    /// Identity always passes six — and `StringLike` on Cognito's `amr` fails because the claim
    /// lists both `authenticated` and the login provider.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [{
    ///     "Effect": "Allow",
    ///     "Principal": {"Federated": "cognito-identity.amazonaws.com"},
    ///     "Action": "sts:AssumeRoleWithWebIdentity",
    ///     "Condition": {
    ///       "StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:12345678-abcd-abcd-abcd-123456789012"},
    ///       "StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}
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
    ///     "Principal": {"Federated": "cognito-identity.amazonaws.com"},
    ///     "Action": "sts:AssumeRoleWithWebIdentity",
    ///     "Condition": {
    ///       "StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:12345678-abcd-abcd-abcd-123456789012"},
    ///       "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}
    ///     }
    ///   }]
    /// }
    /// ```
    ///
    /// ## References
    /// - SEMANTICS.md §2.5 (single- vs multi-valued keys), §3.6 (set operators), §4.3 (`amr`),
    ///   §5.3 (`aws:TagKeys` lists the six Pod Identity tags)
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_amr>
    pub struct MultivaluedKeyWithoutSetOperator {
        code: "TL214",
        name: "multivalued-key-without-set-operator",
        category: Suspicious,
        since: "0.1.0",
    }
}

/// Global keys that are multi-valued in the request (lower case).
const MULTI_VALUED_KEYS: &[&str] = &[
    "aws:tagkeys",
    "sts:transitivetagkeys",
    "aws:calledvia",
    "aws:principalservicenameslist",
];

/// Whether a condition's key is multi-valued in the request.
fn is_multi_valued<'a>(
    cx: &LintContext<'a>,
    statement: &'a Statement,
    condition: &Condition,
) -> bool {
    if MULTI_VALUED_KEYS.contains(&condition.key_lower.as_str()) {
        return true;
    }
    // `<provider>:amr` for a provider of the statement, or an `…:amr` key that names an
    // issuer (the prefix may be mistyped; that is TL201's concern, the operator is still wrong).
    split_claim(&condition.key).is_some_and(|(prefix, claim)| {
        claim.eq_ignore_ascii_case("amr")
            && (prefix.contains('.')
                || identity_providers(cx, statement)
                    .iter()
                    .any(|i| i.prefix.eq_ignore_ascii_case(prefix)))
    })
}

impl Rule for MultivaluedKeyWithoutSetOperator {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
        for statement in &cx.policy.statements {
            for condition in &statement.conditions {
                let Some(op) = condition.operator else {
                    continue;
                };
                if op.qualifier.is_some()
                    || op.base == BaseOperator::Null
                    || !is_multi_valued(cx, statement, condition)
                {
                    continue;
                }
                let with = |q: SetQualifier| Operator {
                    qualifier: Some(q),
                    ..op
                };
                let any = with(SetQualifier::ForAnyValue);
                let all = with(SetQualifier::ForAllValues);
                let help = if condition.key_lower.ends_with(":amr") {
                    format!(
                        "write `{any}` to require one of the listed values among the request's values"
                    )
                } else {
                    format!(
                        "write `{all}` to allow only the listed values (it also holds when the key is absent), or `{any}` to require at least one of them"
                    )
                };
                out.push(
                    Self::META
                        .finding(
                            condition.key_span,
                            format!(
                                "`{op}` compares a single value, but `{}` is multi-valued: it does not match a request that carries several values",
                                condition.key
                            ),
                        )
                        .with_label(condition.operator_span, "no `ForAnyValue:`/`ForAllValues:`")
                        .with_help(help),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::group_other::testing::{findings, oidc_policy, underlined, EKS};

    #[test]
    fn reports_plain_operators() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Service": "pods.eks.amazonaws.com"},
            "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Condition": {"StringEquals": {"aws:TagKeys": ["kubernetes-namespace"]},
                          "StringLikeIfExists": {"Cognito-Identity.amazonaws.com:AMR": "x"}}}]}"#;
        let found = findings("TL214", text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(
            underlined(text, &found),
            ["\"aws:TagKeys\"", "\"Cognito-Identity.amazonaws.com:AMR\""]
        );
        assert!(found[0]
            .help
            .as_deref()
            .unwrap()
            .starts_with("write `ForAllValues:StringEquals`"));
        assert_eq!(
            found[1].help.as_deref(),
            Some("write `ForAnyValue:StringLikeIfExists` to require one of the listed values among the request's values")
        );
    }

    #[test]
    fn amr_of_the_statement_provider() {
        let text = oidc_policy(EKS, &format!(r#"{{"StringEquals": {{"{EKS}:amr": "x"}}}}"#));
        assert_eq!(findings("TL214", &text).len(), 1);
    }

    #[test]
    fn fine_forms() {
        for condition in [
            r#"{"ForAllValues:StringEquals": {"aws:TagKeys": ["a"]}}"#.to_owned(),
            r#"{"ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}}"#.to_owned(),
            r#"{"Null": {"aws:TagKeys": "false"}}"#.to_owned(),
            format!(r#"{{"StringEquals": {{"{EKS}:sub": "system:serviceaccount:a:b", "aws:RequestTag/team": "x"}}}}"#),
            r#"{"StringEquals": {"aws:PrincipalTag/amr": "x"}}"#.to_owned(),
        ] {
            let text = oidc_policy(EKS, &condition);
            let found = findings("TL214", &text);
            assert!(found.is_empty(), "{text}: {found:?}");
        }
    }
}
