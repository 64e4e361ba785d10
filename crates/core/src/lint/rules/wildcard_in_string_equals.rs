//! TL203 `wildcard-in-string-equals`.

use crate::diagnostic::Finding;
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::matching::TemplatePart;
use crate::policy::{BaseOperator, CompiledValue, ConditionValue, Operator};

declare_rule! {
    /// ## What it does
    /// Checks for `*` or `?` in `StringEquals` values, where they are literal characters.
    ///
    /// This covers `StringEquals`, `StringEqualsIgnoreCase` and their negated,
    /// `ForAnyValue:`/`ForAllValues:` and `…IfExists` forms, for any condition key.
    ///
    /// ## Why is this bad?
    /// Only `StringLike` and `StringNotLike` treat `*` and `?` as wildcards. Under
    /// `StringEquals` they are ordinary characters, so
    /// `system:serviceaccount:kube-system:s3-csi-*` matches only a service account literally
    /// named `s3-csi-*`, which cannot exist: the role the pattern was meant to open is
    /// unusable (`AccessDenied` on `sts:AssumeRoleWithWebIdentity`). Under `StringNotEquals`
    /// the value excludes only that literal text, so nothing it was meant to exclude is
    /// excluded. This is the most common IRSA and GitHub Actions trust-policy mistake; Access
    /// Analyzer reports it as "Wildcard without like operator".
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
    ///       "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud": "sts.amazonaws.com",
    ///       "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:kube-system:s3-csi-*"
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
    ///     "Condition": {
    ///       "StringEquals": {"oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud": "sts.amazonaws.com"},
    ///       "StringLike": {"oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:kube-system:s3-csi-*"}
    ///     }
    ///   }]
    /// }
    /// ```
    ///
    /// ## Known problems
    /// A value that really means a literal `*` or `?` is reported too; write it as `${*}` or
    /// `${?}` (Version `2012-10-17`), which says so explicitly and is not reported. Values with
    /// `${*}` under Version `2008-10-17` are left to TL004.
    ///
    /// ## References
    /// - SEMANTICS.md §3.1, §3.2 (wildcards only in `Like` operators), §3.3 (escapes), §6 row 2
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>
    pub struct WildcardInStringEquals {
        code: "TL203",
        name: "wildcard-in-string-equals",
        category: Correctness,
        since: "0.1.0",
    }
}

impl Rule for WildcardInStringEquals {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
        for statement in &cx.policy.statements {
            for condition in &statement.conditions {
                let Some(op) = condition.operator else {
                    continue;
                };
                let like = match op.base {
                    BaseOperator::StringEquals | BaseOperator::StringEqualsIgnoreCase => {
                        BaseOperator::StringLike
                    }
                    BaseOperator::StringNotEquals | BaseOperator::StringNotEqualsIgnoreCase => {
                        BaseOperator::StringNotLike
                    }
                    _ => continue,
                };
                let replacement = Operator { base: like, ..op };
                for value in &condition.values {
                    let found = literal_wildcards(value);
                    if found.is_empty() {
                        continue;
                    }
                    let chars = match found.as_slice() {
                        [one] => format!("`{one}` is a literal character"),
                        _ => "`*` and `?` are literal characters".to_owned(),
                    };
                    let outcome = if op.base.is_negated() {
                        "excludes only that exact text, not the values it was meant to exclude"
                    } else {
                        "matches only that exact text, not the values it was meant to admit"
                    };
                    let case_note = if op.base.ignores_case() {
                        " (it is case-sensitive: IAM has no case-insensitive wildcard operator)"
                    } else {
                        ""
                    };
                    out.push(
                        Self::META
                            .finding(
                                value.span,
                                format!("{chars} in `{op}`: `{}` {outcome}", value.text),
                            )
                            .with_label(
                                condition.operator_span,
                                format!("`{op}` compares exactly"),
                            )
                            .with_help(format!(
                                "move `{}` under `{replacement}`{case_note}, where `*` and `?` are wildcards; \
                                 to mean a literal `*` or `?`, write `${{*}}` or `${{?}}`",
                                condition.key
                            )),
                    );
                }
            }
        }
    }
}

/// The distinct wildcard characters of a value that are not written as the escapes `${*}` or
/// `${?}`, in order of appearance.
fn literal_wildcards(value: &ConditionValue) -> Vec<char> {
    let mut found = Vec::new();
    let mut note = |c: char| {
        if matches!(c, '*' | '?') && !found.contains(&c) {
            found.push(c);
        }
    };
    match &value.compiled {
        CompiledValue::Template(template) => {
            for part in &template.parts {
                if let TemplatePart::Text(text) = part {
                    text.chars().for_each(&mut note);
                }
            }
        }
        _ => {
            // Without a parsed template (Version 2008-10-17 or a malformed variable), skip the
            // escape spellings: TL004 and TL011 report those.
            let mut rest = value.text.as_str();
            while let Some(c) = rest.chars().next() {
                if ["${*}", "${?}", "${$}"].iter().any(|e| rest.starts_with(e)) {
                    rest = rest.get(4..).unwrap_or("");
                    continue;
                }
                note(c);
                rest = rest.get(c.len_utf8()..).unwrap_or("");
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::super::group_oidc::testing::{findings, policy, underlined, EKS};

    fn run(json: &str) -> Vec<crate::diagnostic::Finding> {
        findings("TL203", json)
    }

    #[test]
    fn reports_wildcards_in_string_equals() {
        let json = policy(
            EKS,
            &format!(
                r#""StringEquals": {{"{EKS}:aud": "sts.amazonaws.com", "{EKS}:sub": "system:serviceaccount:kube-system:s3-csi-*"}}"#
            ),
        );
        let f = run(&json);
        assert_eq!(f.len(), 1);
        assert_eq!(
            underlined(&json, f[0].span),
            "\"system:serviceaccount:kube-system:s3-csi-*\""
        );
        assert_eq!(
            f[0].message,
            "`*` is a literal character in `StringEquals`: `system:serviceaccount:kube-system:s3-csi-*` matches only that exact text, not the values it was meant to admit"
        );
        assert!(f[0].help.as_deref().unwrap().contains("under `StringLike`"));
        assert_eq!(underlined(&json, f[0].labels[0].span), "\"StringEquals\"");
    }

    #[test]
    fn every_form_and_any_key() {
        for (op, replacement) in [
            ("StringEqualsIgnoreCase", "StringLike"),
            ("ForAnyValue:StringEquals", "ForAnyValue:StringLike"),
            ("StringEqualsIfExists", "StringLikeIfExists"),
            ("ForAllValues:StringEquals", "ForAllValues:StringLike"),
            ("StringNotEquals", "StringNotLike"),
            ("stringequals", "StringLike"),
        ] {
            let json = policy(
                "token.actions.githubusercontent.com",
                &format!(r#""{op}": {{"aws:RequestTag/team": ["a", "repo:org/?x"]}}"#),
            );
            let f = run(&json);
            assert_eq!(f.len(), 1, "{op}");
            assert!(
                f[0].help
                    .as_deref()
                    .unwrap()
                    .contains(&format!("`{replacement}`")),
                "{op}: {:?}",
                f[0].help
            );
            assert!(f[0].message.starts_with("`?` is a literal"), "{op}");
        }
    }

    #[test]
    fn both_wildcards_in_one_message() {
        let json = policy(
            "token.actions.githubusercontent.com",
            r#""StringEquals": {"token.actions.githubusercontent.com:sub": "repo:org/r?po:*"}"#,
        );
        let f = run(&json);
        assert_eq!(f.len(), 1);
        assert!(f[0]
            .message
            .starts_with("`*` and `?` are literal characters"));
    }

    #[test]
    fn near_misses() {
        for body in [
            // Wildcards belong in StringLike.
            format!(r#""StringLike": {{"{EKS}:sub": "system:serviceaccount:ns:*"}}"#),
            format!(r#""StringNotLike": {{"{EKS}:sub": "system:serviceaccount:kube-system:*"}}"#),
            // Escapes are the documented way to write a literal `*`.
            format!(r#""StringEquals": {{"{EKS}:sub": "system:serviceaccount:ns:${{*}}"}}"#),
            // ARN operators take wildcards.
            r#""ArnLike": {"aws:SourceArn": "arn:aws:eks:*:111122223333:cluster/*"}"#.to_owned(),
            format!(r#""StringEquals": {{"{EKS}:sub": "system:serviceaccount:ns:sa"}}"#),
        ] {
            assert!(run(&policy(EKS, &body)).is_empty(), "{body}");
        }
    }

    #[test]
    fn version_2008_escapes_are_left_to_tl004() {
        let json = format!(
            r#"{{"Statement": [{{"Effect": "Allow", "Principal": {{"Federated": "arn:aws:iam::111122223333:oidc-provider/{EKS}"}},
              "Action": "sts:AssumeRoleWithWebIdentity",
              "Condition": {{"StringEquals": {{"{EKS}:sub": "system:serviceaccount:ns:${{*}}"}}}}}}]}}"#
        );
        assert!(run(&json).is_empty());
    }
}
