//! TL202 `aud-sub-swap`.

use super::group_oidc::{
    audience_example, issuer_key, looks_like_audience, looks_like_subject, strip_scheme,
    subject_example,
};
use crate::diagnostic::Finding;
use crate::lint::data::{self, IssuerFamily};
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::policy::OperatorFamily;

declare_rule! {
    /// ## What it does
    /// Checks for `:sub` conditions with audience values and `:aud` conditions with subjects.
    ///
    /// A condition on `<issuer>:sub` is reported when its value looks like an audience
    /// (`sts.amazonaws.com`, `https://…`), and for a condition on `<issuer>:aud` whose value
    /// looks like a subject (`system:serviceaccount:…`, `repo:…`, `project_path:…`).
    ///
    /// ## Why is this bad?
    /// `sub` names the workload (a service account, a repository and branch) and `aud` the
    /// party the token was minted for (`sts.amazonaws.com` for EKS). A token's `sub` is never
    /// `sts.amazonaws.com` and its `aud` is never a service account, so a condition that
    /// swaps them never holds and the role cannot be assumed. When the swap comes from a
    /// copy-paste that left the same key twice (the second `:aud` meant to be `:sub`), JSON
    /// readers keep only the last copy and the subject check is lost as well.
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
    ///       "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud": "system:serviceaccount:default:external-dns"
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
    ///       "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:default:external-dns"
    ///     }}
    ///   }]
    /// }
    /// ```
    ///
    /// ## Known problems
    /// Values are recognised by shape: an audience is `sts.amazonaws.com`,
    /// `sts.amazonaws.com.cn`, `aws.workload.identity`, a Bitbucket workspace
    /// `ari:cloud:bitbucket::workspace/…` or a URL; a subject starts with
    /// `system:serviceaccount`, `repo:`, `project_path:` or is an `organization:…:project:`/
    /// `…:pipeline:` subject. Custom audiences such as `irsa` are neither and are not
    /// reported. Negated operators are left to TL209.
    ///
    /// ## References
    /// - SEMANTICS.md §4.3 (`sub` and `aud` keys), §4.5 (EKS `sub` and `aud`), §4.7 (GitHub),
    ///   §6 row 1
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html>
    pub struct AudSubSwap {
        code: "TL202",
        name: "aud-sub-swap",
        category: Correctness,
        since: "0.1.0",
    }
}

impl Rule for AudSubSwap {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
        for statement in &cx.policy.statements {
            for condition in &statement.conditions {
                let Some(op) = condition.operator else {
                    continue;
                };
                let string_op = matches!(
                    op.base.family(),
                    OperatorFamily::StringExact | OperatorFamily::StringLike
                );
                if !string_op || op.base.is_negated() {
                    continue;
                }
                let Some(key) = issuer_key(&condition.key) else {
                    continue;
                };
                let Some(claim) = key.claim else {
                    continue;
                };
                let issuer = strip_scheme(key.prefix);
                let sub = claim.eq_ignore_ascii_case("sub");
                let aud = claim.eq_ignore_ascii_case("aud");
                for value in &condition.values {
                    if sub && looks_like_audience(&value.text) && !looks_like_subject(&value.text) {
                        let family = data::issuer_family(issuer);
                        let kubernetes = family == IssuerFamily::Eks
                            || cx.config.clusters.iter().any(|c| c.prefix() == issuer);
                        out.push(
                            Self::META
                                .finding(
                                    value.span,
                                    format!(
                                        "`{}` is an audience, but this condition checks `{}`: no token has that subject, so the condition never holds",
                                        value.text, condition.key
                                    ),
                                )
                                .with_label(condition.key_span, "the subject claim")
                                .with_help(format!(
                                    "check the audience under `{issuer}:aud`, and the workload's subject (`{}`) under `{issuer}:sub`",
                                    subject_example(family, kubernetes)
                                )),
                        );
                    } else if aud
                        && looks_like_subject(&value.text)
                        && !looks_like_audience(&value.text)
                    {
                        out.push(
                            Self::META
                                .finding(
                                    value.span,
                                    format!(
                                        "`{}` is a subject, but this condition checks `{}`: no token has that audience, so the condition never holds",
                                        value.text, condition.key
                                    ),
                                )
                                .with_label(condition.key_span, "the audience claim")
                                .with_help(format!(
                                    "move `{}` to a condition on `{issuer}:sub`, and check `{issuer}:aud` against `{}`",
                                    value.text,
                                    audience_example(cx, issuer)
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
    use super::super::group_oidc::testing::{findings, policy, underlined, EKS};

    fn run(json: &str) -> Vec<crate::diagnostic::Finding> {
        findings("TL202", json)
    }

    #[test]
    fn subject_under_aud() {
        // Corpus case 063 without the duplicate key.
        let json = policy(
            EKS,
            &format!(
                r#""StringEquals": {{"{EKS}:aud": "system:serviceaccount:default:external-dns"}}"#
            ),
        );
        let f = run(&json);
        assert_eq!(f.len(), 1);
        assert_eq!(
            underlined(&json, f[0].span),
            "\"system:serviceaccount:default:external-dns\""
        );
        assert_eq!(
            f[0].help.as_deref(),
            Some(format!("move `system:serviceaccount:default:external-dns` to a condition on `{EKS}:sub`, and check `{EKS}:aud` against `sts.amazonaws.com`").as_str())
        );
    }

    #[test]
    fn audience_under_sub() {
        let json = policy(
            "token.actions.githubusercontent.com",
            r#""StringLike": {"token.actions.githubusercontent.com:sub": "sts.amazonaws.com",
                               "token.actions.githubusercontent.com:aud": "repo:org/app:*"}"#,
        );
        let f = run(&json);
        assert_eq!(f.len(), 2);
        assert!(f[0]
            .message
            .starts_with("`sts.amazonaws.com` is an audience"));
        assert!(f[0]
            .help
            .as_deref()
            .unwrap()
            .contains("repo:<owner>/<repo>:ref:refs/heads/<branch>"));
        assert!(f[1].message.starts_with("`repo:org/app:*` is a subject"));
    }

    #[test]
    fn urls_under_sub_and_case_insensitive_claims() {
        let json = policy(
            "gitlab.com",
            r#""StringEquals": {"gitlab.com:SUB": ["https://gitlab.com", "project_path:g/p:ref_type:branch:ref:main"]}"#,
        );
        let f = run(&json);
        assert_eq!(f.len(), 1);
        assert_eq!(underlined(&json, f[0].span), "\"https://gitlab.com\"");
    }

    #[test]
    fn near_misses() {
        for body in [
            format!(
                r#""StringEquals": {{"{EKS}:aud": "sts.amazonaws.com", "{EKS}:sub": "system:serviceaccount:ns:sa"}}"#
            ),
            // A custom audience (corpus case 051) is neither.
            format!(r#""StringEquals": {{"{EKS}:aud": "irsa"}}"#),
            // Negated operators are TL209's.
            format!(r#""StringNotEquals": {{"{EKS}:sub": "sts.amazonaws.com"}}"#),
            // Not an issuer key.
            r#""StringEquals": {"aws:RequestTag/sub": "sts.amazonaws.com"}"#.to_owned(),
            // GitHub's default audience is the owner's URL.
            r#""StringEquals": {"token.actions.githubusercontent.com:aud": "https://github.com/org"}"#.to_owned(),
        ] {
            assert!(run(&policy(EKS, &body)).is_empty(), "{body}");
        }
    }
}
