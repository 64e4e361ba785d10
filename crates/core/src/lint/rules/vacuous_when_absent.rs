//! TL210 `vacuous-when-absent`.

use super::group_other::{conditions_on, identity_providers};
use crate::diagnostic::Finding;
use crate::lint::rule::declare_rule;
use crate::lint::{is_effective, LintContext, Rule, RuleMeta};
use crate::policy::{BaseOperator, Operator, SetQualifier};

declare_rule! {
    /// ## What it does
    /// Checks `Allow` statements for a `ForAllValues:…` or `…IfExists` operator on the `:sub` or
    /// `:aud` claim of a `Federated` identity provider of the statement, when no other condition
    /// on the same key holds it in place. (Negated operators are reported by TL209.)
    ///
    /// ## Why is this bad?
    /// Both forms are **true when the key is absent** from the request: `ForAllValues:` holds
    /// for an empty set, and `IfExists` skips the comparison. `:sub` and `:aud` are always in a
    /// real token, so they add nothing when the key is right, but the moment the key is not
    /// present — a typo in the issuer prefix, `https://` in the key, a claim IAM does not
    /// expose — the condition silently becomes "allow every identity of the issuer". GitHub's
    /// own documentation once shipped `ForAllValues:StringEquals` on `:sub`/`:aud` and removed
    /// it after Access Analyzer flagged it.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [{
    ///     "Effect": "Allow",
    ///     "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
    ///     "Action": "sts:AssumeRoleWithWebIdentity",
    ///     "Condition": {
    ///       "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
    ///       "ForAllValues:StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"}
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
    ///     "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
    ///     "Action": "sts:AssumeRoleWithWebIdentity",
    ///     "Condition": {
    ///       "StringEquals": {
    ///         "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
    ///         "token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"
    ///       }
    ///     }
    ///   }]
    /// }
    /// ```
    ///
    /// ## References
    /// - SEMANTICS.md §3.4 (`IfExists`), §3.6 (`ForAllValues:` on an absent key), §3.9, §6 #18
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-security-warning-forallvalues-with-single-valued-key>
    pub struct VacuousWhenAbsent {
        code: "TL210",
        name: "vacuous-when-absent",
        category: Correctness,
        since: "0.1.0",
    }
}

impl Rule for VacuousWhenAbsent {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
        for statement in cx.allow_statements() {
            for idp in identity_providers(cx, statement) {
                for claim in ["sub", "aud"] {
                    // Another condition on the same key already fails when it is absent.
                    if conditions_on(statement, idp.prefix, claim).any(is_effective) {
                        continue;
                    }
                    for condition in conditions_on(statement, idp.prefix, claim) {
                        let misspelled = condition.operator.is_none();
                        let Some(op) = condition
                            .operator
                            .or_else(|| intended_for_all_values(&condition.operator_text))
                        else {
                            continue;
                        };
                        let for_all = op.qualifier == Some(SetQualifier::ForAllValues);
                        if op.base.is_negated()
                            || op.base == BaseOperator::Null
                            || !(for_all || op.if_exists)
                        {
                            continue;
                        }
                        let plain = Operator {
                            qualifier: op.qualifier.filter(|q| *q == SetQualifier::ForAnyValue),
                            if_exists: false,
                            ..op
                        };
                        let form = match (for_all, op.if_exists) {
                            (true, true) => "`ForAllValues:` and `IfExists`",
                            (true, false) => "`ForAllValues:`",
                            _ => "`IfExists`",
                        };
                        let extra = if claim == "aud" && plain.qualifier.is_none() {
                            format!(
                                " (or `ForAnyValue:{}` if tokens carry several audiences)",
                                op.base.name()
                            )
                        } else {
                            String::new()
                        };
                        out.push(
                            Self::META
                                .finding(
                                    condition.key_span,
                                    if misspelled {
                                        format!(
                                            "`{}` means `{op}`, which on `{}` holds when the key is absent: fixing only the colon would admit every identity of the issuer",
                                            condition.operator_text, condition.key
                                        )
                                    } else {
                                        format!(
                                            "`{op}` on `{}` holds when the key is absent, so a wrong key or a missing claim admits every identity of the issuer",
                                            condition.key
                                        )
                                    },
                                )
                                .with_label(condition.operator_span, format!("{form} here"))
                                .with_help(format!(
                                    "write `{plain}`{extra}: it fails when the key is absent instead of admitting everyone"
                                )),
                        );
                    }
                }
            }
        }
    }
}

/// `ForAllValuesStringEquals` (no colon, TL010) is read as the `ForAllValues:` operator its
/// author meant, so that fixing the colon does not leave a vacuous condition behind.
fn intended_for_all_values(text: &str) -> Option<Operator> {
    let head = text.get(..12)?;
    if !head.eq_ignore_ascii_case("ForAllValues") {
        return None;
    }
    let rest = text.get(12..)?;
    let op = Operator::parse(rest).filter(|o| o.qualifier.is_none())?;
    Some(Operator {
        qualifier: Some(SetQualifier::ForAllValues),
        ..op
    })
}

#[cfg(test)]
mod tests {
    use super::super::group_other::testing::{findings, oidc_policy, underlined, EKS, GH};

    #[test]
    fn reports_for_all_values_and_if_exists() {
        let text = oidc_policy(
            GH,
            &format!(
                r#"{{"ForAllValues:StringEquals": {{"{GH}:iss": "https://{GH}", "{GH}:aud": "sts.amazonaws.com"}},
                    "StringLikeIfExists": {{"{GH}:sub": "repo:o/r:*"}}}}"#
            ),
        );
        let found = findings("TL210", &text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(
            underlined(&text, &found),
            [format!("\"{GH}:aud\""), format!("\"{GH}:sub\"")]
        );
        assert_eq!(
            found[0].help.as_deref(),
            Some("write `StringEquals` (or `ForAnyValue:StringEquals` if tokens carry several audiences): it fails when the key is absent instead of admitting everyone")
        );
        assert!(found[1]
            .help
            .as_deref()
            .unwrap()
            .starts_with("write `StringLike`:"));
    }

    #[test]
    fn both_forms_at_once() {
        let text = oidc_policy(
            EKS,
            &format!(
                r#"{{"StringEquals": {{"{EKS}:aud": "sts.amazonaws.com"}},
                    "ForAllValues:StringEqualsIfExists": {{"{EKS}:sub": "system:serviceaccount:a:b"}}}}"#
            ),
        );
        let found = findings("TL210", &text);
        assert_eq!(found.len(), 1);
        assert!(found[0]
            .message
            .contains("`ForAllValues:StringEqualsIfExists`"));
        assert_eq!(
            found[0].labels[0].message,
            "`ForAllValues:` and `IfExists` here"
        );
    }

    #[test]
    fn fine_forms() {
        for condition in [
            // Plain and ForAnyValue operators fail when the key is absent.
            format!(r#"{{"StringEquals": {{"{EKS}:sub": "system:serviceaccount:a:b"}}}}"#),
            format!(r#"{{"ForAnyValue:StringEquals": {{"{EKS}:aud": "sts.amazonaws.com"}}}}"#),
            // Another condition on the same key holds it in place.
            format!(
                r#"{{"StringEquals": {{"{EKS}:sub": "system:serviceaccount:a:b"}},
                    "StringLikeIfExists": {{"{EKS}:sub": "system:serviceaccount:a:*"}}}}"#
            ),
            // Negated forms are TL209's; other keys are not identity claims.
            format!(r#"{{"StringNotEqualsIfExists": {{"{EKS}:sub": "x"}}}}"#),
            r#"{"ForAllValues:StringEquals": {"aws:TagKeys": ["a"]}}"#.to_owned(),
            // Other unknown operators are only TL010's.
            format!(r#"{{"ForAnyValueStringEquals": {{"{EKS}:aud": "sts.amazonaws.com"}}}}"#),
        ] {
            let text = oidc_policy(EKS, &condition);
            let found = findings("TL210", &text);
            assert!(found.is_empty(), "{text}: {found:?}");
        }
        // In a Deny statement a vacuous condition makes the deny apply, which is safe.
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Deny",
            "Principal": {{"Federated": "arn:aws:iam::111122223333:oidc-provider/{EKS}"}},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {{"StringEqualsIfExists": {{"{EKS}:sub": "system:serviceaccount:a:b"}}}}}}]}}"#
        );
        assert!(findings("TL210", &text).is_empty());
    }

    #[test]
    fn reads_a_qualifier_without_its_colon_as_intended() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"ForAllValuesStringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}}]}"#;
        let report =
            crate::check::check(text.as_bytes(), &crate::check::CheckOptions::only("TL210"));
        assert_eq!(report.findings.len(), 1);
        let f = &report.findings[0].finding;
        assert!(
            f.message.contains("means `ForAllValues:StringEquals`"),
            "{}",
            f.message
        );
        assert!(super::intended_for_all_values("ForAllValuesStringLikeIfExists").is_some());
        assert!(super::intended_for_all_values("ForAnyValueStringLike").is_none());
        assert!(super::intended_for_all_values("ForAllValuesStringEqual").is_none());
    }
}
