//! TL105 `overbroad-action`.

use super::group_document::{
    is_allow, needed_actions, needed_actions_help, SET_SOURCE_IDENTITY, STS_ACTIONS, TAG_SESSION,
};
use crate::diagnostic::Finding;
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Checks for `"Action": "*"`, `sts:*` and `NotAction` in an `Allow` statement of a trust policy.
    ///
    /// Any pattern that matches every STS action (`*:*`, `st?:*`) counts as `sts:*`.
    ///
    /// ## Why is this bad?
    /// A trust policy needs one assume-role action per kind of caller
    /// (`sts:AssumeRoleWithWebIdentity`, `sts:AssumeRole`, `sts:AssumeRoleWithSAML`), plus
    /// `sts:TagSession` or `sts:SetSourceIdentity` where they are used. A wildcard or
    /// `NotAction` also grants the trusted principal every other action on the role, including
    /// assume-role actions meant for other kinds of callers and `sts:TagSession` and
    /// `sts:SetSourceIdentity`, which let the caller set session tags and a source identity that
    /// attribute-based permissions and audit trails rely on.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [
    ///     {
    ///       "Effect": "Allow",
    ///       "Principal": {
    ///         "Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
    ///       },
    ///       "Action": "sts:*",
    ///       "Condition": {
    ///         "StringEquals": {
    ///           "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:payments:api",
    ///           "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud": "sts.amazonaws.com"
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
    ///         "Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
    ///       },
    ///       "Action": "sts:AssumeRoleWithWebIdentity",
    ///       "Condition": {
    ///         "StringEquals": {
    ///           "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:payments:api",
    ///           "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud": "sts.amazonaws.com"
    ///         }
    ///       }
    ///     }
    ///   ]
    /// }
    /// ```
    ///
    /// ## Known problems
    /// `sts:AssumeRole*` (which also matches `AssumeRoleWithSAML` and
    /// `AssumeRoleWithWebIdentity`) is not reported. `Deny` statements are not checked: a broad
    /// `Deny` only takes away.
    ///
    /// ## References
    /// - SEMANTICS.md §1.5 (trust-policy actions, wildcards in actions), §2.3 (action match,
    ///   `NotAction`), §4.4 (session tags, source identity), §5.2
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html>
    pub struct OverbroadAction {
        code: "TL105",
        name: "overbroad-action",
        category: Suspicious,
        since: "0.1.0",
    }
}

impl Rule for OverbroadAction {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
        for statement in cx.policy.statements.iter().filter(|s| is_allow(s)) {
            let Some(actions) = &statement.action else {
                continue;
            };
            if actions.negated {
                out.push(
                    Self::META
                        .finding(
                            actions.span,
                            "`NotAction` in an `Allow` statement allows every action it does not list",
                        )
                        .with_help(needed_actions_help(statement)),
                );
                continue;
            }
            let mut broad = actions
                .patterns
                .iter()
                .filter(|p| STS_ACTIONS.iter().all(|a| p.matches(a)))
                .peekable();
            if broad.peek().is_none() {
                continue;
            }
            // The help and the actions it names, only for statements with a finding.
            let help = needed_actions_help(statement);
            let needed = needed_actions(statement);
            let extra: Vec<String> = [TAG_SESSION, SET_SOURCE_IDENTITY]
                .iter()
                .filter(|a| !needed.contains(a))
                .map(|a| format!("`{a}`"))
                .collect();
            for pattern in broad {
                let scope = if pattern.matches("ec2:RunInstances") {
                    "every action"
                } else {
                    "every STS action"
                };
                out.push(
                    Self::META
                        .finding(
                            pattern.span,
                            format!(
                                "action `{}` allows {scope}, including {}",
                                pattern.text,
                                extra.join(" and ")
                            ),
                        )
                        .with_help(help.clone()),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::{check, CheckOptions};
    use crate::diagnostic::Severity;

    const OIDC: &str = r#"{"Federated": "arn:aws:iam::111122223333:oidc-provider/gitlab.com"}"#;
    const PODS: &str = r#"{"Service": "pods.eks.amazonaws.com"}"#;

    fn run(effect: &str, principal: &str, action: &str) -> Vec<(String, String)> {
        let doc = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "{effect}", "Principal": {principal}, {action}}}]}}"#
        );
        let report = check(doc.as_bytes(), &CheckOptions::only("TL105"));
        assert!(report
            .findings
            .iter()
            .all(|r| r.finding.severity == Severity::Warning));
        report
            .findings
            .into_iter()
            .map(|r| {
                (
                    doc[r.finding.span.start..r.finding.span.end].to_owned(),
                    r.finding.help.unwrap_or_default(),
                )
            })
            .collect()
    }

    #[test]
    fn reports_wildcards_and_not_action() {
        let f = run("Allow", OIDC, r#""Action": "*""#);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].0, "\"*\"");
        assert_eq!(
            f[0].1,
            "write `\"Action\": \"sts:AssumeRoleWithWebIdentity\"`"
        );
        assert_eq!(run("Allow", OIDC, r#""Action": "sts:*""#).len(), 1);
        assert_eq!(run("Allow", OIDC, r#""Action": "STS:*""#).len(), 1);
        assert_eq!(run("Allow", OIDC, r#""Action": "*:*""#).len(), 1);
        assert_eq!(
            run(
                "Allow",
                OIDC,
                r#""Action": ["sts:AssumeRoleWithWebIdentity", "s?s:*"]"#
            )[0]
            .0,
            "\"s?s:*\""
        );
        let f = run("Allow", PODS, r#""NotAction": "sts:GetCallerIdentity""#);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].0, "\"sts:GetCallerIdentity\"");
        assert_eq!(
            f[0].1,
            "write `\"Action\": [\"sts:AssumeRole\", \"sts:TagSession\"]`"
        );
    }

    #[test]
    fn ignores_near_misses() {
        assert!(run(
            "Allow",
            OIDC,
            r#""Action": "sts:AssumeRoleWithWebIdentity""#
        )
        .is_empty());
        assert!(run("Allow", OIDC, r#""Action": "sts:AssumeRole*""#).is_empty());
        assert!(run(
            "Allow",
            PODS,
            r#""Action": ["sts:AssumeRole", "sts:TagSession"]"#
        )
        .is_empty());
        assert!(run("Allow", PODS, r#""Action": "sts:Get*""#).is_empty());
        assert!(run("Deny", OIDC, r#""Action": "*""#).is_empty());
        assert!(run(
            "Deny",
            OIDC,
            r#""NotAction": "sts:AssumeRoleWithWebIdentity""#
        )
        .is_empty());
    }
}
