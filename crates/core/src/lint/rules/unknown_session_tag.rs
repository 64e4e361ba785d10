//! TL301 `unknown-session-tag`.

use super::group_other::{
    absent_key_consequence, is_pod_identity_only, is_pod_identity_tag, is_pod_identity_tag_like,
    likely_pod_identity_tags, quoted_alternatives, quoted_list, session_tag, TagKey,
};
use crate::diagnostic::Finding;
use crate::lint::data::POD_IDENTITY_TAGS;
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Checks statements that trust EKS Pod Identity (`"Service": "pods.eks.amazonaws.com"`,
    /// and no `AWS` or `Federated` principal) for conditions on `aws:RequestTag/<tag>` naming a
    /// tag EKS never sets — for example `kubernetes-serviceaccount` or `eks-cluster` instead of
    /// `kubernetes-service-account` or `eks-cluster-arn` — and on `aws:PrincipalTag/<tag>` for
    /// a tag that is not a Pod Identity tag at all. Tag keys are compared case-insensitively.
    /// (`aws:PrincipalTag/` with a Pod Identity tag is TL302's.)
    ///
    /// ## Why is this bad?
    /// EKS passes exactly six session tags when it assumes the role: `eks-cluster-arn`,
    /// `eks-cluster-name`, `kubernetes-namespace`, `kubernetes-service-account`,
    /// `kubernetes-pod-name` and `kubernetes-pod-uid`; it cannot add custom tags. A condition on
    /// any other tag sees a missing key: with `StringEquals` the role can never be assumed
    /// through Pod Identity, with a negated or `IfExists` operator the restriction does nothing.
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
    ///         "aws:RequestTag/kubernetes-namespace": "payments",
    ///         "aws:RequestTag/kubernetes-serviceaccount": "api"
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
    ///         "aws:RequestTag/kubernetes-namespace": "payments",
    ///         "aws:RequestTag/kubernetes-service-account": "api"
    ///       }
    ///     }
    ///   }]
    /// }
    /// ```
    ///
    /// ## Known problems
    /// With the association option `disableSessionTags` EKS passes no tag at all; conditions on
    /// the six tags then fail too, which this rule does not know.
    ///
    /// ## References
    /// - SEMANTICS.md §5.3 (the six session tags), §5.4, §3.9, §4.4 (tag keys are
    ///   case-insensitive)
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/pod-id-abac.html>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html>
    pub struct UnknownSessionTag {
        code: "TL301",
        name: "unknown-session-tag",
        category: Correctness,
        since: "0.1.0",
    }
}

impl Rule for UnknownSessionTag {
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
                let Some((kind, tag)) = session_tag(condition) else {
                    continue;
                };
                if is_pod_identity_tag(tag)
                    || (kind == TagKey::Principal && is_pod_identity_tag_like(tag))
                {
                    continue;
                }
                let then = absent_key_consequence(statement, condition);
                let likely = likely_pod_identity_tags(tag);
                let set = quoted_list(POD_IDENTITY_TAGS);
                let help = if likely.is_empty() {
                    format!(
                        "scope the role with the tags EKS sets ({set}); EKS cannot add custom tags"
                    )
                } else {
                    let keys: Vec<String> = likely
                        .iter()
                        .map(|t| format!("aws:RequestTag/{t}"))
                        .collect();
                    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
                    let or = if keys.len() > 1 { "one of " } else { "" };
                    format!(
                        "write {or}{}: EKS sets only {set}",
                        quoted_alternatives(&keys)
                    )
                };
                out.push(
                    Self::META
                        .finding(
                            condition.key_span,
                            format!(
                                "the session tag `{tag}` is never set by EKS Pod Identity: `{}` is never in the request{then}",
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

    fn pod(condition: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
            "Principal": {{"Service": "pods.eks.amazonaws.com"}},
            "Action": ["sts:AssumeRole", "sts:TagSession"], "Condition": {condition}}}]}}"#
        )
    }

    #[test]
    fn reports_unknown_tags() {
        let text = pod(
            r#"{"StringEquals": {"aws:RequestTag/kubernetes-serviceaccount": "api",
                "aws:RequestTag/eks-cluster": "prod", "aws:RequestTag/team": "x"},
                "StringNotEquals": {"aws:PrincipalTag/team": "y"}}"#,
        );
        let found = findings("TL301", &text);
        assert_eq!(found.len(), 4, "{found:?}");
        assert_eq!(
            underlined(&text, &found),
            [
                "\"aws:RequestTag/kubernetes-serviceaccount\"",
                "\"aws:RequestTag/eks-cluster\"",
                "\"aws:RequestTag/team\"",
                "\"aws:PrincipalTag/team\""
            ]
        );
        assert!(found[0]
            .help
            .as_deref()
            .unwrap()
            .starts_with("write `aws:RequestTag/kubernetes-service-account`: EKS sets only"));
        assert!(found[1].help.as_deref().unwrap().starts_with(
            "write one of `aws:RequestTag/eks-cluster-arn` or `aws:RequestTag/eks-cluster-name`"
        ));
        assert!(found[0].message.ends_with("the statement cannot apply"));
        assert!(found[3].message.ends_with("restricts nothing"));
    }

    #[test]
    fn known_tags_any_case() {
        let text = pod(
            r#"{"StringEquals": {"aws:requesttag/Kubernetes-Namespace": "a",
                "AWS:RequestTag/eks-cluster-arn": "arn:aws:eks:eu-west-1:111122223333:cluster/prod"},
                "ForAllValues:StringEquals": {"aws:TagKeys": ["kubernetes-namespace"]},
                "StringLike": {"aws:ResourceTag/team": "x"}}"#,
        );
        assert!(findings("TL301", &text).is_empty());
    }

    #[test]
    fn principal_tag_of_pod_identity_tags_is_tl302s() {
        let text = pod(
            r#"{"StringEquals": {"aws:PrincipalTag/kubernetes-namespace": "a", "aws:PrincipalTag/kubernetes-serviceaccount": "b"}}"#,
        );
        assert!(findings("TL301", &text).is_empty());
    }

    #[test]
    fn other_callers_may_carry_other_tags() {
        // Role chaining: a role session may carry any tag.
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Service": "pods.eks.amazonaws.com", "AWS": "arn:aws:iam::111122223333:role/ci"},
            "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Condition": {"StringEquals": {"aws:RequestTag/team": "x"}}}]}"#;
        assert!(findings("TL301", text).is_empty());
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:role/ci"},
            "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Condition": {"StringEquals": {"aws:RequestTag/team": "x"}}}]}"#;
        assert!(findings("TL301", text).is_empty());
    }
}
