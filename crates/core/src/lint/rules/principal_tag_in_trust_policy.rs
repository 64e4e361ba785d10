//! TL302 `principal-tag-in-trust-policy`.

use super::group_other::{
    absent_key_consequence, is_pod_identity_only, is_pod_identity_tag_like,
    likely_pod_identity_tags, quoted_alternatives, session_tag, TagKey,
};
use crate::diagnostic::Finding;
use crate::lint::data::POD_IDENTITY_TAGS;
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Checks statements that trust EKS Pod Identity (`"Service": "pods.eks.amazonaws.com"`,
    /// and no `AWS` or `Federated` principal) for conditions on `aws:PrincipalTag/<tag>` where
    /// `<tag>` is one of the Pod Identity session tags (`kubernetes-namespace`,
    /// `eks-cluster-arn`, …) or looks like one (`kubernetes-…`, `eks-…`).
    ///
    /// ## Why is this bad?
    /// When EKS assumes the role, the caller is the service principal
    /// `pods.eks.amazonaws.com`, which has no principal tags: `aws:PrincipalTag/*` is absent
    /// from the request. The Pod Identity tags are *request* tags of that `AssumeRole` call, so
    /// the trust policy must use `aws:RequestTag/<tag>`. `aws:PrincipalTag/<tag>` is right in
    /// the permission policies of the resulting session, and in the trust policy of a role
    /// assumed *from* that session (role chaining) — which trusts an `AWS` principal and is
    /// not reported. With `StringEquals` the role can never be assumed; with a negated or
    /// `IfExists` operator the restriction does nothing.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [{
    ///     "Effect": "Allow",
    ///     "Principal": {"Service": "pods.eks.amazonaws.com"},
    ///     "Action": ["sts:AssumeRole", "sts:TagSession"],
    ///     "Condition": {
    ///       "StringEquals": {
    ///         "aws:SourceAccount": "111122223333",
    ///         "aws:PrincipalTag/kubernetes-namespace": "payments"
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
    ///     "Principal": {"Service": "pods.eks.amazonaws.com"},
    ///     "Action": ["sts:AssumeRole", "sts:TagSession"],
    ///     "Condition": {
    ///       "StringEquals": {
    ///         "aws:SourceAccount": "111122223333",
    ///         "aws:RequestTag/kubernetes-namespace": "payments"
    ///       }
    ///     }
    ///   }]
    /// }
    /// ```
    ///
    /// ## References
    /// - SEMANTICS.md §5.3 (where to condition on the tags), §5.1, §4.4 (`aws:PrincipalTag/*`
    ///   is absent for unsigned/service callers), §3.9
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/pod-id-abac.html>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principaltag>
    pub struct PrincipalTagInTrustPolicy {
        code: "TL302",
        name: "principal-tag-in-trust-policy",
        category: Correctness,
        since: "0.1.0",
    }
}

impl Rule for PrincipalTagInTrustPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
        for statement in cx
            .policy
            .statements
            .iter()
            .filter(|s| is_pod_identity_only(s))
        {
            for condition in &statement.conditions {
                let Some((TagKey::Principal, tag)) = session_tag(condition) else {
                    continue;
                };
                if !is_pod_identity_tag_like(tag) {
                    continue;
                }
                let then = absent_key_consequence(statement, condition);
                let exact: Vec<&str> = POD_IDENTITY_TAGS
                    .iter()
                    .copied()
                    .filter(|t| t.eq_ignore_ascii_case(tag))
                    .collect();
                let tags = if exact.is_empty() {
                    likely_pod_identity_tags(tag)
                } else {
                    exact
                };
                let keys: Vec<String> =
                    tags.iter().map(|t| format!("aws:RequestTag/{t}")).collect();
                let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
                let help = if keys.is_empty() {
                    "use `aws:RequestTag/<tag>` with one of the tags EKS sets: EKS passes them as request tags of the `AssumeRole` call".to_owned()
                } else {
                    format!(
                        "write {}: EKS passes its tags as request tags of the `AssumeRole` call",
                        quoted_alternatives(&keys)
                    )
                };
                out.push(
                    Self::META
                        .finding(
                            condition.key_span,
                            format!(
                                "`{}` is never in the request when EKS Pod Identity assumes the role (the service principal has no principal tags){then}",
                                condition.key
                            ),
                        )
                        .with_help(help),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::group_other::testing::{findings, underlined};

    fn statement(principal: &str, condition: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
            "Principal": {principal},
            "Action": ["sts:AssumeRole", "sts:TagSession"], "Condition": {condition}}}]}}"#
        )
    }

    #[test]
    fn reports_principal_tags() {
        let text = statement(
            r#"{"Service": ["pods.eks.amazonaws.com"]}"#,
            r#"{"StringEquals": {"aws:PrincipalTag/Kubernetes-Namespace": "a",
                "aws:PrincipalTag/kubernetes-serviceaccount": "b"},
                "StringNotEqualsIfExists": {"aws:PrincipalTag/eks-cluster-arn": "c"}}"#,
        );
        let found = findings("TL302", &text);
        assert_eq!(found.len(), 3);
        assert_eq!(
            underlined(&text, &found),
            [
                "\"aws:PrincipalTag/Kubernetes-Namespace\"",
                "\"aws:PrincipalTag/kubernetes-serviceaccount\"",
                "\"aws:PrincipalTag/eks-cluster-arn\""
            ]
        );
        assert_eq!(
            found[0].help.as_deref(),
            Some("write `aws:RequestTag/kubernetes-namespace`: EKS passes its tags as request tags of the `AssumeRole` call")
        );
        assert!(found[1]
            .help
            .as_deref()
            .unwrap()
            .starts_with("write `aws:RequestTag/kubernetes-service-account`"));
        assert!(found[2].message.ends_with("restricts nothing"));
    }

    #[test]
    fn role_chaining_and_request_tags_are_fine() {
        // The trust policy of a role assumed from a Pod Identity session.
        let text = statement(
            r#"{"AWS": "arn:aws:iam::111122223333:role/pod-role"}"#,
            r#"{"StringEquals": {"aws:PrincipalTag/kubernetes-namespace": "a"}}"#,
        );
        assert!(findings("TL302", &text).is_empty());
        let text = statement(
            r#"{"Service": "pods.eks.amazonaws.com"}"#,
            r#"{"StringEquals": {"aws:RequestTag/kubernetes-namespace": "a", "aws:PrincipalTag/team": "x"}}"#,
        );
        assert!(findings("TL302", &text).is_empty());
    }
}
