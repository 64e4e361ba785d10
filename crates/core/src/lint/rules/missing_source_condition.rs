//! TL303 `missing-source-condition`.

use super::group_other::pod_identity_entry;
use crate::diagnostic::Finding;
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::policy::{BaseOperator, Effect, Statement};

declare_rule! {
    /// ## What it does
    /// Checks `Allow` statements that trust EKS Pod Identity (`"Service":
    /// "pods.eks.amazonaws.com"`) for a condition on `aws:SourceAccount`, `aws:SourceArn`,
    /// `aws:SourceOrgId` or `aws:SourceOrgPaths`, in the statement itself or in a `Deny`
    /// statement of the policy.
    ///
    /// ## Why is this bad?
    /// Without a source condition, the trust policy relies only on the service principal: any
    /// EKS cluster that may create a Pod Identity association with the role can have EKS assume
    /// it on its behalf (the confused-deputy problem). Pinning the source account, the cluster
    /// ARN or the organisation is the hardening AWS recommends for service principals, and costs
    /// nothing. This is advice: EKS itself only lets clusters of the role's account associate it
    /// directly.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [{
    ///     "Effect": "Allow",
    ///     "Principal": {"Service": "pods.eks.amazonaws.com"},
    ///     "Action": ["sts:AssumeRole", "sts:TagSession"]
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
    ///       "StringEquals": {"aws:SourceAccount": "111122223333"}
    ///     }
    ///   }]
    /// }
    /// ```
    ///
    /// ## Known problems
    /// Which ARN EKS passes as `aws:SourceArn` is not documented (SEMANTICS.md §5.5); an
    /// `ArnLike` on association ARNs has been reported to break one credential flow, so
    /// `aws:SourceAccount` or `aws:SourceOrgId` is the safer choice.
    ///
    /// ## References
    /// - SEMANTICS.md §5.5 (confused-deputy hardening), §5.2, §6 #21
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html>
    pub struct MissingSourceCondition {
        code: "TL303",
        name: "missing-source-condition",
        category: Style,
        since: "0.1.0",
    }
}

/// The confused-deputy condition keys (lower case).
const SOURCE_KEYS: &[&str] = &[
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
];

/// Whether a statement has a condition on one of the source keys.
fn has_source_condition(statement: &Statement) -> bool {
    statement.conditions.iter().any(|c| {
        SOURCE_KEYS.contains(&c.key_lower.as_str())
            && c.operator.is_some_and(|op| op.base != BaseOperator::Null)
    })
}

impl Rule for MissingSourceCondition {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
        let guarded_by_deny = cx.policy.statements.iter().any(|s| {
            s.effect.as_ref().is_some_and(|e| e.value == Effect::Deny) && has_source_condition(s)
        });
        if guarded_by_deny {
            return;
        }
        let mut accounts: Vec<&str> = cx
            .config
            .clusters
            .iter()
            .filter_map(|c| c.account.as_deref())
            .collect();
        accounts.sort_unstable();
        accounts.dedup();
        let account = match (cx.role_account, accounts.as_slice()) {
            (Some(a), _) => a,
            (None, [a]) => a,
            _ => "<cluster account>",
        };
        for statement in cx.allow_statements() {
            let Some(entry) = pod_identity_entry(statement) else {
                continue;
            };
            if has_source_condition(statement) {
                continue;
            }
            out.push(
                Self::META
                    .finding(
                        entry.span,
                        "the statement trusts `pods.eks.amazonaws.com` without an `aws:SourceAccount`, `aws:SourceArn` or `aws:SourceOrgId` condition",
                    )
                    .with_help(format!(
                        "add `\"StringEquals\": {{\"aws:SourceAccount\": \"{account}\"}}` (or `aws:SourceOrgId`) to the statement's `Condition`"
                    )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::group_other::testing::{findings, findings_with, underlined};
    use crate::lint::LintConfig;

    fn pod(condition: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
            "Principal": {{"Service": ["ec2.amazonaws.com", "pods.eks.amazonaws.com"]}},
            "Action": ["sts:AssumeRole", "sts:TagSession"], "Condition": {condition}}}]}}"#
        )
    }

    #[test]
    fn reports_missing_source() {
        let text = pod(r#"{"StringEquals": {"aws:RequestTag/kubernetes-namespace": "a"}}"#);
        let found = findings("TL303", &text);
        assert_eq!(found.len(), 1);
        assert_eq!(underlined(&text, &found), ["\"pods.eks.amazonaws.com\""]);
        assert_eq!(found[0].severity, crate::diagnostic::Severity::Info);
        assert_eq!(
            found[0].help.as_deref(),
            Some(
                r#"add `"StringEquals": {"aws:SourceAccount": "111122223333"}` (or `aws:SourceOrgId`) to the statement's `Condition`"#
            )
        );
        let found = findings_with("TL303", &text, LintConfig::default());
        assert!(found[0]
            .help
            .as_deref()
            .unwrap()
            .contains("<cluster account>"));
    }

    #[test]
    fn role_account_from_get_role() {
        let text = r#"{"Role": {"RoleName": "r", "Arn": "arn:aws:iam::444455556666:role/r",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}]}}}"#;
        let found = findings("TL303", text);
        assert!(found[0].help.as_deref().unwrap().contains("444455556666"));
    }

    #[test]
    fn source_conditions() {
        for condition in [
            r#"{"StringEquals": {"AWS:SourceAccount": "111122223333"}}"#,
            r#"{"ArnLike": {"aws:SourceArn": "arn:aws:eks:*:111122223333:cluster/prod"}}"#,
            r#"{"StringEquals": {"aws:SourceOrgId": "${aws:ResourceOrgId}"}}"#,
            r#"{"ForAnyValue:StringLike": {"aws:SourceOrgPaths": "o-a1b2c3d4e5/*"}}"#,
        ] {
            assert!(findings("TL303", &pod(condition)).is_empty(), "{condition}");
        }
        // A Null check alone does not pin the source.
        assert_eq!(
            findings("TL303", &pod(r#"{"Null": {"aws:SourceAccount": "false"}}"#)).len(),
            1
        );
        // A Deny guard covers the policy.
        let text = r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"]},
            {"Effect": "Deny", "Principal": "*", "Action": "sts:*",
             "Condition": {"StringNotEquals": {"aws:SourceAccount": "111122223333"}}}]}"#;
        assert!(findings("TL303", text).is_empty());
        // Not Pod Identity.
        let text = r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#;
        assert!(findings("TL303", text).is_empty());
    }
}
