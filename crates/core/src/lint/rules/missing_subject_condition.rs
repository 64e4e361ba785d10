//! TL204 `missing-subject-condition`.

use super::group_oidc::{
    allows_web_identity, claim_check, every_subject, family, is_kubernetes_issuer, subject_example,
    ClaimCheck,
};
use crate::diagnostic::{Finding, Severity};
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Checks for OIDC `Allow` statements without an effective condition on `<provider>:sub`.
    ///
    /// It looks at `Allow` statements that let an IAM OIDC provider call
    /// `sts:AssumeRoleWithWebIdentity` without an effective condition on `<provider>:sub`.
    /// A condition counts only if it constrains the claim: `ForAllValues:`, `…IfExists`,
    /// negated and `Null` conditions, and conditions whose key names another issuer, do not.
    /// A `Deny` statement that refuses every subject but those it names (`StringNotEquals` or
    /// `StringNotLike` on `:sub`) counts as the condition, decided on the set the whole policy
    /// admits.
    /// The finding is an error for issuers shared by many customers (GitHub Actions,
    /// GitLab.com, HCP Terraform, CircleCI, Buildkite, Bitbucket, Google) and a warning for
    /// cluster and other issuers.
    ///
    /// ## Why is this bad?
    /// `sub` is the only claim that says which workload holds the token. Without it every
    /// identity the issuer signs tokens for can assume the role: for a shared issuer such as
    /// GitHub Actions that is every workflow of every repository on GitHub, which is why IAM
    /// now refuses to create or update such trust policies; for an EKS cluster it is every
    /// service account in every namespace, including namespaces created later. The `aud`
    /// check does not help: every workload of the issuer gets the same audience.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [{
    ///     "Effect": "Allow",
    ///     "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
    ///     "Action": "sts:AssumeRoleWithWebIdentity",
    ///     "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}
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
    ///     "Condition": {"StringEquals": {
    ///       "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
    ///       "token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:ref:refs/heads/main"
    ///     }}
    ///   }]
    /// }
    /// ```
    ///
    /// ## Known problems
    /// A statement whose only `sub` condition has an effective operator but a key naming
    /// another issuer (`https://…:sub`, another cluster id), or a key without its claim whose
    /// values are subjects (corpus case 024), is not reported: it admits nobody as written, and
    /// TL201 or TL211 reports the key. The same holds for a statement trusting two
    /// providers with a `sub` condition for only one of them: the other provider's requests
    /// lack that key, so the statement never applies to them. Conditions on other claims that
    /// identify the workload (GitHub's `repository` or `job_workflow_ref`, exposed since 2026)
    /// do not replace `sub`: IAM's shared-issuer check asks for `sub`. Built-in identity
    /// providers named by domain (`accounts.google.com`, `cognito-identity.amazonaws.com`) are
    /// not checked.
    ///
    /// ## References
    /// - SEMANTICS.md §1.9 (IAM refuses shared-issuer policies without `sub`), §3.9 (conditions
    ///   that hold when the key is absent), §4.3, §4.5, §6 rows 17 and 18
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_oidc_secure-by-default.html>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html>
    /// - <https://docs.github.com/en/actions/reference/security/oidc>
    pub struct MissingSubjectCondition {
        code: "TL204",
        name: "missing-subject-condition",
        category: Correctness,
        since: "0.1.0",
    }
}

impl Rule for MissingSubjectCondition {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
        for statement in cx.allow_statements() {
            if !allows_web_identity(statement) {
                continue;
            }
            for provider in cx.oidc_providers(statement) {
                let ClaimCheck::Missing(labels) = claim_check(statement, &provider, "sub") else {
                    continue;
                };
                let prefix = provider.prefix;
                if confined_by_deny(cx, prefix, &provider.entry.value) {
                    continue;
                }
                let family = family(&provider);
                let kubernetes = is_kubernetes_issuer(cx, statement, &provider);
                let who = every_subject(family, kubernetes, prefix);
                let mut finding = Self::META
                    .finding(
                        provider.entry.span,
                        format!("no effective condition on `{prefix}:sub`: {who} can assume this role"),
                    )
                    .with_help(format!(
                        "add a subject condition, e.g. `\"StringEquals\": {{\"{prefix}:sub\": \"{}\"}}`",
                        subject_example(family, kubernetes)
                    ));
                if !family.is_shared() {
                    finding.severity = Severity::Warning;
                }
                for (condition, why) in labels {
                    finding = finding.with_label(condition.key_span, why);
                }
                out.push(finding);
            }
        }
    }
}

/// Whether `Deny` statements confine the subjects `principal` may use, so that the policy as a
/// whole refuses a subject it never names (a `Deny` with `StringNotEquals` on `:sub` is a way to
/// write the subject condition). Decided on the admitted set; anything inexact counts as not
/// confined.
fn confined_by_deny(cx: &LintContext<'_>, prefix: &str, principal: &str) -> bool {
    use crate::policy::Effect;
    let key = format!("{}:sub", prefix.to_ascii_lowercase());
    let deny_on_subject = cx.policy.statements.iter().any(|s| {
        s.effect.as_ref().is_some_and(|e| e.value == Effect::Deny)
            && s.conditions.iter().any(|c| c.key_lower == key)
    });
    if !deny_on_subject {
        return false;
    }
    let regions = cx.admitted.web_identity(cx.policy, principal);
    let Some(subjects) = super::group_oidc::subject_set(&regions, &key, true) else {
        return false;
    };
    // Subjects made of characters no policy value uses stand for "any other subject".
    let [a, b] = super::group_oidc::FRESH_NAMESPACES;
    [
        format!("{}{a}:{b}", super::group_oidc::SA_PREFIX),
        format!("{a}{b}"),
    ]
    .iter()
    .all(|fresh| !subjects.contains(fresh))
}

#[cfg(test)]
mod tests {
    use super::super::group_oidc::testing::{findings, policy, underlined, EKS};
    use crate::diagnostic::Severity;

    fn run(json: &str) -> Vec<crate::diagnostic::Finding> {
        findings("TL204", json)
    }

    const GH: &str = "token.actions.githubusercontent.com";

    #[test]
    fn shared_issuer_is_an_error() {
        // Corpus case 003: a condition on `actor` does not replace `sub`.
        let json = policy(
            GH,
            &format!(r#""StringEquals": {{"{GH}:actor": "tve", "{GH}:aud": "sts.amazonaws.com"}}"#),
        );
        let f = run(&json);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Error);
        assert_eq!(
            underlined(&json, f[0].span),
            format!("\"arn:aws:iam::111122223333:oidc-provider/{GH}\"")
        );
        assert_eq!(
            f[0].message,
            format!("no effective condition on `{GH}:sub`: every GitHub Actions workflow of every repository on GitHub can assume this role")
        );
    }

    #[test]
    fn cluster_issuer_is_a_warning() {
        // Corpus case 021.
        let json = policy(
            EKS,
            &format!(r#""StringEquals": {{"{EKS}:aud": "sts.amazonaws.com"}}"#),
        );
        let f = run(&json);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Warning);
        assert!(f[0].message.ends_with(
            "every service account in every namespace of the cluster can assume this role"
        ));
        assert!(f[0]
            .help
            .as_deref()
            .unwrap()
            .contains("system:serviceaccount:<namespace>:<name>"));
        // Corpus case 057: no Condition at all, a self-hosted issuer.
        let json = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
          "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/rh-oidc.s3.us-east-1.amazonaws.com/1q2w3e4r"},
          "Action": "sts:AssumeRoleWithWebIdentity"}]}"#;
        let f = run(json);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Warning);
    }

    #[test]
    fn ineffective_sub_conditions_are_labelled() {
        for (op, why) in [
            (
                "ForAllValues:StringEquals",
                "`ForAllValues:StringEquals` holds when the claim is absent",
            ),
            (
                "StringEqualsIfExists",
                "`StringEqualsIfExists` holds when the claim is absent",
            ),
            (
                "StringNotEquals",
                "`StringNotEquals` admits every other value",
            ),
            (
                "StringEqual",
                "`StringEqual` is not an IAM condition operator",
            ),
        ] {
            let json = policy(
                GH,
                &format!(r#""{op}": {{"{GH}:sub": "repo:o/r:ref:refs/heads/main"}}"#),
            );
            let f = run(&json);
            assert_eq!(f.len(), 1, "{op}");
            assert_eq!(f[0].labels.len(), 1, "{op}");
            assert_eq!(f[0].labels[0].message, why);
            assert_eq!(
                underlined(&json, f[0].labels[0].span),
                format!("\"{GH}:sub\"")
            );
        }
        let json = policy(
            GH,
            &format!(r#""ForAllValues:StringLike": {{"https://{GH}:sub": "repo:o/r:*"}}"#),
        );
        let f = run(&json);
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].labels[0].message,
            "names another issuer, and `ForAllValues:StringLike` holds when the claim is absent"
        );
    }

    #[test]
    fn near_misses() {
        for body in [
            format!(r#""StringEquals": {{"{GH}:sub": "repo:o/r:ref:refs/heads/main"}}"#),
            format!(r#""StringLike": {{"{GH}:sub": "repo:o/r:*"}}"#),
            format!(r#""ForAnyValue:StringLike": {{"{GH}:sub": "repo:o/r:*"}}"#),
            // Key names are case-insensitive.
            r#""StringLike": {"token.actions.GitHubusercontent.com:SUB": "repo:o/r:*"}"#.to_owned(),
            // The intended condition exists under a wrong key: TL201's finding.
            format!(r#""StringLike": {{"https://{GH}:sub": "repo:o/r:*"}}"#),
            // A key without its claim (corpus case 024): TL211's finding.
            format!(r#""StringEquals": {{"{GH}": "repo:o/r:ref:refs/heads/main"}}"#),
        ] {
            assert!(run(&policy(GH, &body)).is_empty(), "{body}");
        }
        // Deny statements, and statements that do not allow web identity.
        let json = format!(
            r#"{{"Version": "2012-10-17", "Statement": [
              {{"Effect": "Deny", "Principal": {{"Federated": "arn:aws:iam::111122223333:oidc-provider/{GH}"}}, "Action": "sts:AssumeRoleWithWebIdentity"}},
              {{"Effect": "Allow", "Principal": {{"Federated": "arn:aws:iam::111122223333:oidc-provider/{GH}"}}, "Action": "sts:AssumeRole"}}]}}"#
        );
        assert!(run(&json).is_empty());
    }

    #[test]
    fn not_action_and_wildcard_actions() {
        let json = format!(
            r#"{{"Version": "2012-10-17", "Statement": [
              {{"Effect": "Allow", "Principal": {{"Federated": "arn:aws:iam::111122223333:oidc-provider/{EKS}"}}, "Action": "sts:AssumeRole*"}},
              {{"Effect": "Allow", "Principal": {{"Federated": "arn:aws:iam::111122223333:oidc-provider/{EKS}"}}, "NotAction": "sts:TagSession"}}]}}"#
        );
        assert_eq!(run(&json).len(), 2);
    }
}

#[cfg(test)]
mod deny_tests {
    use super::super::group_oidc::testing::{findings, EKS};

    fn with_deny(deny_condition: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [
              {{"Effect": "Allow", "Principal": {{"Federated": "arn:aws:iam::111122223333:oidc-provider/{EKS}"}},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {{"StringEquals": {{"{EKS}:aud": "sts.amazonaws.com"}}}}}},
              {{"Effect": "Deny", "Principal": {{"Federated": "arn:aws:iam::111122223333:oidc-provider/{EKS}"}},
                "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {deny_condition}}}]}}"#
        )
    }

    /// A `Deny` of every other subject is a subject condition; a `Deny` of a few is not.
    #[test]
    fn a_deny_that_confines_the_subject_counts() {
        let confined = with_deny(&format!(
            r#"{{"StringNotEquals": {{"{EKS}:sub": "system:serviceaccount:ns:sa"}}}}"#
        ));
        assert!(findings("TL204", &confined).is_empty());
        let confined_like = with_deny(&format!(
            r#"{{"StringNotLike": {{"{EKS}:sub": "system:serviceaccount:ns:*"}}}}"#
        ));
        assert!(findings("TL204", &confined_like).is_empty());
        let few = with_deny(&format!(
            r#"{{"StringEquals": {{"{EKS}:sub": "system:serviceaccount:ns:sa"}}}}"#
        ));
        assert_eq!(findings("TL204", &few).len(), 1);
        let other_key = with_deny(&format!(r#"{{"StringNotEquals": {{"{EKS}:aud": "x"}}}}"#));
        assert_eq!(findings("TL204", &other_key).len(), 1);
    }
}
