//! TL205 `missing-audience-condition`.

use super::group_oidc::{allows_web_identity, audience_example, claim_check, ClaimCheck};
use crate::diagnostic::Finding;
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Checks for OIDC `Allow` statements without an effective condition on `<provider>:aud`.
    ///
    /// It looks at `Allow` statements that let an IAM OIDC provider call
    /// `sts:AssumeRoleWithWebIdentity` without an effective condition on `<provider>:aud`
    /// (`ForAllValues:`, `…IfExists`, negated and `Null` conditions, and conditions whose key
    /// names another issuer, do not count).
    ///
    /// ## Why is this bad?
    /// Before evaluating the trust policy, STS checks that the token's audience is one of the
    /// client ids registered on the IAM OIDC provider, so the role is not open to every
    /// audience. But that list belongs to the provider, not to the role: once someone adds a
    /// client id for another purpose (a custom `eks.amazonaws.com/audience`, another tool using
    /// the same issuer), tokens minted for it can assume this role too. An explicit `aud`
    /// condition keeps the role's trust independent of the provider's configuration, and is
    /// what AWS's and GitHub's examples write.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [{
    ///     "Effect": "Allow",
    ///     "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"},
    ///     "Action": "sts:AssumeRoleWithWebIdentity",
    ///     "Condition": {"StringEquals": {
    ///       "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:payments:api"
    ///     }}
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
    ///     "Condition": {"StringEquals": {
    ///       "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud": "sts.amazonaws.com",
    ///       "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:payments:api"
    ///     }}
    ///   }]
    /// }
    /// ```
    ///
    /// ## Known problems
    /// Many working policies omit `aud` (AWS's own EKS Anywhere and several ROSA examples):
    /// for EKS the provider's client-id list is normally just `sts.amazonaws.com`, so the
    /// omission is defence in depth, not an open door; hence a warning. A statement whose
    /// only `aud` condition has a key naming another issuer, or a key without its claim whose
    /// values are audiences, is left to TL201 and TL211. Built-in identity providers named by
    /// domain are not checked.
    ///
    /// ## References
    /// - SEMANTICS.md §4.2 step 4 (STS checks `aud` against the provider's client ids), §4.3,
    ///   §4.5 (EKS audience), §3.9
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html>
    pub struct MissingAudienceCondition {
        code: "TL205",
        name: "missing-audience-condition",
        category: Suspicious,
        since: "0.1.0",
    }
}

impl Rule for MissingAudienceCondition {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
        for statement in cx.allow_statements() {
            if !allows_web_identity(statement) {
                continue;
            }
            for provider in cx.oidc_providers(statement) {
                let ClaimCheck::Missing(labels) = claim_check(statement, &provider, "aud") else {
                    continue;
                };
                let prefix = provider.prefix;
                let mut finding = Self::META
                    .finding(
                        provider.entry.span,
                        format!(
                            "no effective condition on `{prefix}:aud`: tokens minted for any audience the IAM \
                             provider lists as a client id can assume this role"
                        ),
                    )
                    .with_help(format!(
                        "add `\"StringEquals\": {{\"{prefix}:aud\": \"{}\"}}`",
                        audience_example(cx, prefix)
                    ));
                for (condition, why) in labels {
                    finding = finding.with_label(condition.key_span, why);
                }
                out.push(finding);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::group_oidc::testing::{findings, policy, underlined, EKS};
    use crate::diagnostic::Severity;

    fn run(json: &str) -> Vec<crate::diagnostic::Finding> {
        findings("TL205", json)
    }

    #[test]
    fn missing_aud_is_a_warning() {
        let json = policy(
            EKS,
            &format!(r#""StringLike": {{"{EKS}:sub": "system:serviceaccount:*"}}"#),
        );
        let f = run(&json);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(
            underlined(&json, f[0].span),
            format!("\"arn:aws:iam::111122223333:oidc-provider/{EKS}\"")
        );
        assert_eq!(
            f[0].help.as_deref(),
            Some(format!(r#"add `"StringEquals": {{"{EKS}:aud": "sts.amazonaws.com"}}`"#).as_str())
        );
    }

    #[test]
    fn help_names_the_family_audience() {
        for (provider, aud) in [
            ("token.actions.githubusercontent.com", "sts.amazonaws.com"),
            ("gitlab.com", "https://gitlab.com"),
            (
                "s3.eu-west-1.amazonaws.com/bucket",
                "<the audience your tokens carry>",
            ),
        ] {
            let json = policy(
                provider,
                &format!(r#""StringLike": {{"{provider}:sub": "x*"}}"#),
            );
            let f = run(&json);
            assert_eq!(f.len(), 1, "{provider}");
            assert!(f[0].help.as_deref().unwrap().contains(aud), "{provider}");
        }
    }

    #[test]
    fn vacuous_aud_conditions_are_labelled() {
        // Corpus case 072: `ForAllValuesStringEquals` is not an operator.
        let json = policy(
            "token.actions.githubusercontent.com",
            r#""ForAllValuesStringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}"#,
        );
        let f = run(&json);
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].labels[0].message,
            "`ForAllValuesStringEquals` is not an IAM condition operator"
        );
    }

    #[test]
    fn near_misses() {
        for body in [
            format!(r#""StringEquals": {{"{EKS}:aud": "sts.amazonaws.com"}}"#),
            format!(r#""ForAnyValue:StringEquals": {{"{EKS}:aud": "sts.amazonaws.com"}}"#),
            format!(r#""StringLike": {{"{EKS}:AUD": "sts.*"}}"#),
            // A key without its claim: TL211's finding.
            format!(
                r#""StringEquals": {{"{EKS}": "sts.amazonaws.com", "{EKS}:sub": "system:serviceaccount:a:b"}}"#
            ),
            // Corpus case 075's Bitbucket statement: TL201 reports the key.
            format!(
                r#""StringLike": {{"arn:aws:iam::152848913167:oidc-provider/{EKS}:aud": "x"}}"#
            ),
        ] {
            assert!(run(&policy(EKS, &body)).is_empty(), "{body}");
        }
        let json = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
          "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}]}"#;
        assert!(run(json).is_empty());
    }
}
