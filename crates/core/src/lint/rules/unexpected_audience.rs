//! TL212 `unexpected-audience`.

use super::group_other::{literal_text, quoted_list, SA_SUBJECT_PREFIX};
use crate::diagnostic::Finding;
use crate::lint::data::EKS_AUDIENCE;
use crate::lint::rule::declare_rule;
use crate::lint::{claim_conditions, LintContext, Rule, RuleMeta};
use crate::policy::{CompiledValue, ConditionValue, OperatorFamily};

declare_rule! {
    /// ## What it does
    /// Checks the values of positive conditions on `<issuer>:aud` for EKS cluster issuers
    /// (`oidc.eks.<region>.amazonaws.com[.cn]/id/<ID>`) in `Allow` statements, and reports a value
    /// that cannot match `sts.amazonaws.com` nor an audience the configuration lists for that
    /// issuer. Near misses get a specific message: `sts.amazonaws.com.cn`, `https://sts.amazonaws.com`,
    /// `sts.amazon.com`, a different letter case, stray whitespace or slashes.
    ///
    /// ## Why is this bad?
    /// EKS projects service-account tokens with the audience `sts.amazonaws.com`, in every
    /// partition including China; another audience is only used when a ServiceAccount sets the
    /// `eks.amazonaws.com/audience` annotation (and the IAM OIDC provider lists it as a client
    /// id). A value that matches neither makes the condition fail for every pod, or — next to a
    /// correct value — is dead weight that hides a copy-paste mistake. `sts.amazonaws.com.cn`
    /// is the audience GitHub Actions uses in China, not EKS's.
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
    ///       "StringEquals": {
    ///         "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud": "https://sts.amazonaws.com",
    ///         "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:payments:api"
    ///       }
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
    /// ## Known problems
    /// Custom audiences are accepted only when the configuration lists them for the issuer
    /// (`audiences` of the cluster). Values with policy variables and values that look like
    /// subjects (TL202) are not checked; negated operators are TL209's.
    ///
    /// ## References
    /// - SEMANTICS.md §4.2 step 4 (audience vs client ids), §4.5 (EKS audience, China regions),
    ///   §6 #6
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html>
    /// - <https://github.com/aws/amazon-eks-pod-identity-webhook#eks-walkthrough>
    pub struct UnexpectedAudience {
        code: "TL212",
        name: "unexpected-audience",
        category: Suspicious,
        since: "0.1.0",
    }
}

/// Whether a value without policy variables can match `audience` under its operator (`None`
/// when it cannot be decided).
fn admits(
    value: &ConditionValue,
    family: OperatorFamily,
    ignore_case: bool,
    audience: &str,
) -> Option<bool> {
    if family == OperatorFamily::StringLike {
        return match &value.compiled {
            CompiledValue::Like(p) => Some(p.matches(audience)),
            CompiledValue::Template(t) => t.resolve_pattern(|_| None).map(|p| p.matches(audience)),
            _ => None,
        };
    }
    let text = literal_text(value)?;
    Some(if ignore_case {
        crate::matching::eq_ignore_case(&text, audience)
    } else {
        text == audience
    })
}

/// Why a value is probably a mistake for `sts.amazonaws.com`.
fn near_miss(text: &str) -> Option<&'static str> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("sts.amazonaws.com.cn") {
        Some("EKS tokens carry `sts.amazonaws.com` in China regions too (`sts.amazonaws.com.cn` is GitHub Actions' audience there)")
    } else if t
        .strip_prefix("https://")
        .or_else(|| t.strip_prefix("http://"))
        .is_some_and(|r| r.trim_end_matches('/').eq_ignore_ascii_case(EKS_AUDIENCE))
    {
        Some("the audience is a plain host name, without a scheme")
    } else if t.eq_ignore_ascii_case("sts.amazon.com")
        || t.eq_ignore_ascii_case("sts.aws.amazon.com")
    {
        Some("the domain is `amazonaws.com`")
    } else if t.trim_end_matches('/').eq_ignore_ascii_case(EKS_AUDIENCE) {
        Some("the audience is compared exactly, and is written in lower case without whitespace or slashes")
    } else if t.starts_with("sts.") && t.contains(".amazonaws.com") {
        Some(
            "EKS tokens carry the global audience `sts.amazonaws.com`, not a regional STS endpoint",
        )
    } else {
        None
    }
}

impl Rule for UnexpectedAudience {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
        for statement in cx.allow_statements() {
            for provider in cx.oidc_providers(statement) {
                if !provider.is_eks() {
                    continue;
                }
                let configured = cx.config.audiences_for(provider.prefix);
                let mut expected: Vec<&str> = vec![EKS_AUDIENCE];
                expected.extend(configured.iter().copied().filter(|a| *a != EKS_AUDIENCE));
                for condition in claim_conditions(statement, &provider, "aud") {
                    let Some(op) = condition.operator else {
                        continue;
                    };
                    let family = op.base.family();
                    if op.base.is_negated()
                        || !matches!(
                            family,
                            OperatorFamily::StringExact | OperatorFamily::StringLike
                        )
                    {
                        continue;
                    }
                    for value in &condition.values {
                        if value.text.starts_with(SA_SUBJECT_PREFIX)
                            || matches!(value.compiled, CompiledValue::Template(ref t) if t.has_variables())
                        {
                            continue;
                        }
                        let hit = expected
                            .iter()
                            .map(|a| admits(value, family, op.base.ignores_case(), a))
                            .collect::<Option<Vec<bool>>>();
                        if hit.is_none_or(|h| h.contains(&true)) {
                            continue;
                        }
                        let message = match near_miss(&value.text) {
                            Some(why) => format!(
                                "`{}` is not the audience of EKS service-account tokens: {why}",
                                value.text
                            ),
                            None => format!(
                                "`{}` is not the audience of EKS service-account tokens (`{EKS_AUDIENCE}`) nor one configured for this issuer",
                                value.text
                            ),
                        };
                        let help = if expected.len() > 1 {
                            format!("write one of {}", quoted_list(&expected))
                        } else {
                            format!(
                                "write `{EKS_AUDIENCE}`; if service accounts set the `eks.amazonaws.com/audience` annotation, list that audience for the cluster in the configuration"
                            )
                        };
                        out.push(Self::META.finding(value.span, message).with_help(help));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::group_other::testing::{
        findings, findings_with, inventory, oidc_policy, underlined, EKS,
    };
    use crate::lint::LintConfig;

    fn aud(op: &str, values: &str) -> String {
        oidc_policy(EKS, &format!(r#"{{"{op}": {{"{EKS}:aud": {values}}}}}"#))
    }

    #[test]
    fn near_misses() {
        for (value, expect) in [
            ("sts.amazonaws.com.cn", "China"),
            ("https://sts.amazonaws.com", "without a scheme"),
            ("sts.amazon.com", "`amazonaws.com`"),
            ("STS.amazonaws.com", "lower case"),
            ("sts.eu-west-1.amazonaws.com", "regional"),
            ("irsa", "nor one configured"),
        ] {
            let text = aud("StringEquals", &format!("\"{value}\""));
            let found = findings("TL212", &text);
            assert_eq!(found.len(), 1, "{value}");
            assert!(found[0].message.contains(expect), "{}", found[0].message);
            assert_eq!(underlined(&text, &found), [format!("\"{value}\"")]);
            assert_eq!(found[0].severity, crate::diagnostic::Severity::Warning);
        }
    }

    #[test]
    fn each_wrong_value_of_a_list() {
        let text = aud(
            "ForAnyValue:StringEquals",
            r#"["sts.amazonaws.com", "sts.amazonaws.com.cn"]"#,
        );
        assert_eq!(
            underlined(&text, &findings("TL212", &text)),
            ["\"sts.amazonaws.com.cn\""]
        );
    }

    #[test]
    fn accepted_forms() {
        for (op, values) in [
            ("StringEquals", r#""sts.amazonaws.com""#),
            ("StringEqualsIgnoreCase", r#""STS.amazonaws.com""#),
            ("StringLike", r#""sts.*""#),
            ("StringLike", r#""*""#),
            ("StringEquals", r#""system:serviceaccount:a:b""#),
            ("StringNotEquals", r#""irsa""#),
            ("StringEquals", r#""${aws:PrincipalTag/aud}""#),
        ] {
            let text = aud(op, values);
            let found = findings("TL212", &text);
            assert!(found.is_empty(), "{text}: {found:?}");
        }
        // Not an EKS issuer: custom audiences are normal (corpus case 051).
        let text = oidc_policy(
            "s3.eu-west-1.amazonaws.com/bucket",
            r#"{"StringEquals": {"s3.eu-west-1.amazonaws.com/bucket:aud": "irsa"}}"#,
        );
        assert!(findings("TL212", &text).is_empty());
    }

    #[test]
    fn configured_audiences() {
        let mut config = inventory();
        config.clusters[0].audiences = vec!["irsa".into()];
        let text = aud("StringEquals", r#"["irsa", "sts.amazonaws.com"]"#);
        assert!(findings_with("TL212", &text, config.clone()).is_empty());
        let text = aud("StringEquals", r#""other""#);
        let found = findings_with("TL212", &text, config);
        assert_eq!(
            found[0].help.as_deref(),
            Some("write one of `sts.amazonaws.com` and `irsa`")
        );
        // Without an inventory only the default audience is known.
        let text = aud("StringEquals", r#""irsa""#);
        assert_eq!(
            findings_with("TL212", &text, LintConfig::default()).len(),
            1
        );
    }
}
