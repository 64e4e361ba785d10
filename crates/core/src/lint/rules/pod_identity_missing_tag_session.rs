//! TL103 `pod-identity-missing-tag-session`.

use super::group_document::{admits_service, allows_action, is_allow, ASSUME_ROLE, TAG_SESSION};
use crate::diagnostic::Finding;
use crate::lint::data::POD_IDENTITY_SERVICE;
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::policy::PrincipalKind;

declare_rule! {
    /// ## What it does
    /// Checks for `pods.eks.amazonaws.com` allowed `sts:AssumeRole` without `sts:TagSession`.
    ///
    /// `sts:TagSession` may be allowed in the same statement or in another `Allow` statement that
    /// trusts `pods.eks.amazonaws.com`.
    ///
    /// ## Why is this bad?
    /// EKS Pod Identity assumes the role with six session tags (`eks-cluster-arn`,
    /// `kubernetes-namespace`, `kubernetes-service-account`, …). STS authorises a request with
    /// session tags for `sts:TagSession` as well as `sts:AssumeRole`; without it every
    /// assumption fails, and the pods get no credentials.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [
    ///     {
    ///       "Effect": "Allow",
    ///       "Principal": {
    ///         "Service": "pods.eks.amazonaws.com"
    ///       },
    ///       "Action": "sts:AssumeRole",
    ///       "Condition": {
    ///         "StringEquals": {
    ///           "aws:SourceAccount": "111122223333",
    ///           "aws:RequestTag/kubernetes-namespace": "payments",
    ///           "aws:RequestTag/kubernetes-service-account": "api"
    ///         }
    ///       }
    ///     }
    ///   ]
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [
    ///     {
    ///       "Effect": "Allow",
    ///       "Principal": {
    ///         "Service": "pods.eks.amazonaws.com"
    ///       },
    ///       "Action": [
    ///         "sts:AssumeRole",
    ///         "sts:TagSession"
    ///       ],
    ///       "Condition": {
    ///         "StringEquals": {
    ///           "aws:SourceAccount": "111122223333",
    ///           "aws:RequestTag/kubernetes-namespace": "payments",
    ///           "aws:RequestTag/kubernetes-service-account": "api"
    ///         }
    ///       }
    ///     }
    ///   ]
    /// }
    /// ```
    ///
    /// ## Known problems
    /// Since June 2025 a Pod Identity association can disable session tags
    /// (`disableSessionTags`); whether `sts:TagSession` is still required then is not documented
    /// (SEMANTICS.md §5.4), so the rule reports the statement anyway. The conditions of the
    /// statement that allows `sts:TagSession` are not compared with those of the `AssumeRole`
    /// statement.
    ///
    /// ## References
    /// - SEMANTICS.md §2.3 (a tagged `AssumeRole` is authorised for both actions), §5.2
    ///   (required trust-policy shape), §5.3 (the session tags), §5.4, §6 #20
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html>
    pub struct PodIdentityMissingTagSession {
        code: "TL103",
        name: "pod-identity-missing-tag-session",
        category: Correctness,
        since: "0.1.0",
    }
}

impl Rule for PodIdentityMissingTagSession {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
        let tagging_allowed = cx.policy.statements.iter().any(|s| {
            is_allow(s) && admits_service(s, POD_IDENTITY_SERVICE) && allows_action(s, TAG_SESSION)
        });
        if tagging_allowed {
            return;
        }
        for statement in cx.policy.statements.iter().filter(|s| is_allow(s)) {
            let Some(entry) = statement
                .principal
                .iter()
                .flat_map(|p| p.entries.iter())
                .find(|e| e.kind == PrincipalKind::Service && e.value == POD_IDENTITY_SERVICE)
            else {
                continue;
            };
            let Some(actions) = &statement.action else {
                continue;
            };
            if !allows_action(statement, ASSUME_ROLE) {
                continue;
            }
            let help = if actions.negated {
                format!("remove `{TAG_SESSION}` from `NotAction`")
            } else {
                format!("write `\"Action\": [\"{ASSUME_ROLE}\", \"{TAG_SESSION}\"]`")
            };
            out.push(
                Self::META
                    .finding(
                        actions.span,
                        format!(
                            "`{POD_IDENTITY_SERVICE}` is allowed `{ASSUME_ROLE}` but not `{TAG_SESSION}`: EKS Pod Identity passes session tags unless the association disables them, so no association with session tags can assume the role"
                        ),
                    )
                    .with_label(entry.span, "EKS Pod Identity")
                    .with_help(help),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::{check, CheckOptions};

    fn run(statements: &str) -> Vec<String> {
        let doc = format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#);
        check(doc.as_bytes(), &CheckOptions::only("TL103"))
            .findings
            .into_iter()
            .map(|r| r.finding.message)
            .collect()
    }

    const PODS: &str = r#""Principal": {"Service": "pods.eks.amazonaws.com"}"#;

    #[test]
    fn reports_assume_role_without_tag_session() {
        let f = run(&format!(
            r#"{{"Effect": "Allow", {PODS}, "Action": "sts:AssumeRole"}}"#
        ));
        assert_eq!(
            f,
            ["`pods.eks.amazonaws.com` is allowed `sts:AssumeRole` but not `sts:TagSession`: EKS Pod Identity passes session tags unless the association disables them, so no association with session tags can assume the role"]
        );
        assert_eq!(
            run(&format!(r#"{{"Effect": "Allow", {PODS}, "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"]}}"#)).len(),
            1
        );
        // `NotAction` that excludes `sts:TagSession`.
        assert_eq!(
            run(&format!(
                r#"{{"Effect": "Allow", {PODS}, "NotAction": "sts:TagSession"}}"#
            ))
            .len(),
            1
        );
        // A TagSession statement for another principal does not help.
        assert_eq!(
            run(&format!(
                r#"{{"Effect": "Allow", {PODS}, "Action": "sts:AssumeRole"}},
                   {{"Effect": "Allow", "Principal": {{"Service": "ec2.amazonaws.com"}}, "Action": "sts:TagSession"}}"#
            ))
            .len(),
            1
        );
        // Nor does a Deny statement.
        assert_eq!(
            run(&format!(
                r#"{{"Effect": "Allow", {PODS}, "Action": "sts:AssumeRole"}},
                   {{"Effect": "Deny", {PODS}, "Action": "sts:TagSession"}}"#
            ))
            .len(),
            1
        );
    }

    #[test]
    fn accepts_tag_session_anywhere() {
        assert!(run(&format!(
            r#"{{"Effect": "Allow", {PODS}, "Action": ["sts:AssumeRole", "sts:TagSession"]}}"#
        ))
        .is_empty());
        assert!(run(&format!(
            r#"{{"Effect": "Allow", {PODS}, "Action": ["STS:assumerole", "sts:tagsession"]}}"#
        ))
        .is_empty());
        assert!(run(&format!(
            r#"{{"Effect": "Allow", {PODS}, "Action": "sts:*"}}"#
        ))
        .is_empty());
        assert!(run(&format!(
            r#"{{"Effect": "Allow", {PODS}, "NotAction": "sts:GetCallerIdentity"}}"#
        ))
        .is_empty());
        assert!(run(&format!(
            r#"{{"Effect": "Allow", {PODS}, "Action": "sts:AssumeRole"}},
               {{"Effect": "Allow", {PODS}, "Action": "sts:TagSession"}}"#
        ))
        .is_empty());
    }

    #[test]
    fn ignores_other_principals() {
        assert!(run(r#"{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}"#).is_empty());
        assert!(run(&format!(
            r#"{{"Effect": "Deny", {PODS}, "Action": "sts:AssumeRole"}}"#
        ))
        .is_empty());
        assert!(run(&format!(
            r#"{{"Effect": "Allow", {PODS}, "Action": "sts:TagSession"}}"#
        ))
        .is_empty());
        // Wrong action entirely is TL102's.
        assert!(run(&format!(
            r#"{{"Effect": "Allow", {PODS}, "Action": "sts:AssumeRoleWithWebIdentity"}}"#
        ))
        .is_empty());
    }

    #[test]
    fn points_at_the_action() {
        let doc = r#"{"Statement": [{"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole"]}]}"#;
        let report = check(doc.as_bytes(), &CheckOptions::only("TL103"));
        let f = &report.findings[0].finding;
        assert_eq!(&doc[f.span.start..f.span.end], r#"["sts:AssumeRole"]"#);
        assert_eq!(
            &doc[f.labels[0].span.start..f.labels[0].span.end],
            r#""pods.eks.amazonaws.com""#
        );
    }
}
