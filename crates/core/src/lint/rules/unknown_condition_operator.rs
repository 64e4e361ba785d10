//! TL010 `unknown-condition-operator`.

use crate::diagnostic::Finding;
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Checks for condition operators IAM does not know, and for invalid combinations.
    ///
    /// A known operator is a base operator (`StringEquals`,
    /// `StringLike`, `ArnLike`, `Bool`, `Null`, …), optionally prefixed by `ForAnyValue:` or
    /// `ForAllValues:` and suffixed by `IfExists`. It reports misspellings (`StringEqual`,
    /// `StringsLike`, `ForAllValuesStringEquals` without the colon), comment keys (`__doc_comment`),
    /// `Null` with `IfExists` or a set qualifier, and, as a warning, an operator written in other
    /// letter case than IAM's (`stringEquals`).
    ///
    /// ## Why is this bad?
    /// IAM rejects an unknown operator ("Invalid condition operator"). Tools that evaluate the policy
    /// leniently treat it as a condition that never holds, or drop it, so the role either cannot be
    /// used or is wider than it looks. `NullIfExists` is invalid, and `ForAllValues:Null` and
    /// `ForAnyValue:Null` are always true or always false.
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
    ///       "Action": "sts:AssumeRoleWithWebIdentity",
    ///       "Condition": {
    ///         "StringEqual": {
    ///           "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud": "sts.amazonaws.com",
    ///           "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:external-dns:external-dns"
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
    ///           "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud": "sts.amazonaws.com",
    ///           "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:external-dns:external-dns"
    ///         }
    ///       }
    ///     }
    ///   ]
    /// }
    /// ```
    ///
    /// ## Known problems
    /// AWS does not say whether operator names are case-sensitive; tools built to mirror IAM compare
    /// them without regard to case, and so does trustlint, with a warning (SEMANTICS.md §2.4). An
    /// unknown operator whose value is `{}` is tolerated by IAM and is only a warning.
    ///
    /// ## References
    /// - SEMANTICS.md §2.4 (unknown operator names, case of operator names), §3.4 (`Null` cannot take `IfExists`), §3.5 (`Null` with a qualifier), §3.6
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>
    pub struct UnknownConditionOperator {
        code: "TL010",
        name: "unknown-condition-operator",
        category: Correctness,
        since: "0.1.0",
    }
}

impl Rule for UnknownConditionOperator {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _cx: &LintContext<'_>, _out: &mut Vec<Finding>) {
        // Found while parsing: see `crate::policy::parse` (code `TL010`).
    }
}

#[cfg(test)]
mod tests {
    use crate::check::{check, CheckOptions};
    use crate::diagnostic::Severity;

    /// (text under the primary span, severity, message, whether IAM rejects) of every `TL010` finding.
    fn findings(doc: &str) -> Vec<(String, Severity, String, bool)> {
        super::super::group_document::testing::parse_findings("TL010", doc)
    }

    fn rejected(doc: &str) -> bool {
        crate::policy::parse_policy(doc.as_bytes()).iam_would_reject()
    }

    #[test]
    fn reports_unknown_operators_with_a_suggestion() {
        let doc = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "x"}, "Action": "sts:AssumeRole",
          "Condition": {"StringEqual": {"a": "b"}, "ForAllValuesStringEquals": {"c": "d"}, "StringEqualsIfExist": {"e": "f"}, "__doc_comment": {"g": "h"}, "Foo": {"i": "j"}}}]}"#;
        let report = check(doc.as_bytes(), &CheckOptions::only("TL010"));
        let help: Vec<&str> = report
            .findings
            .iter()
            .map(|r| r.finding.help.as_deref().unwrap_or(""))
            .collect();
        assert_eq!(
            help,
            [
                "did you mean `StringEquals`?",
                "write `ForAllValues:StringEquals` (the qualifier is followed by a colon)",
                "did you mean `StringEqualsIfExists`?",
                "use an IAM condition operator such as `StringEquals` or `StringLike`",
                "use an IAM condition operator such as `StringEquals` or `StringLike`",
            ]
        );
        assert!(report
            .findings
            .iter()
            .all(|r| r.finding.severity == Severity::Error && r.finding.iam_rejects));
        assert!(rejected(doc));
    }

    #[test]
    fn reports_invalid_null_combinations() {
        let doc = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "x"}, "Action": "sts:AssumeRole",
          "Condition": {"NullIfExists": {"a": "true"}, "ForAnyValue:Null": {"b": "true"}}}]}"#;
        let f = findings(doc);
        assert_eq!(f.len(), 2);
        assert!(f.iter().all(|x| x.1 == Severity::Error));
    }

    #[test]
    fn warns_on_non_canonical_spelling_and_empty_unknown_operators() {
        let doc = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "x"}, "Action": "sts:AssumeRole",
          "Condition": {"stringEquals": {"a": "b"}, "forAnyValue:StringLike": {"c": "d"}, "Unknown": {}}}]}"#;
        let f = findings(doc);
        assert_eq!(f.len(), 3, "{f:?}");
        assert!(f.iter().all(|x| x.1 == Severity::Warning && !x.3), "{f:?}");
        assert!(!rejected(doc));
    }

    #[test]
    fn accepts_every_documented_form() {
        let doc = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "x"}, "Action": "sts:AssumeRole",
          "Condition": {"StringEquals": {"a": "b"}, "ForAnyValue:StringLike": {"c": "d"}, "ForAllValues:StringNotEqualsIfExists": {"e": "f"},
            "Null": {"g": "false"}, "ArnLike": {"aws:SourceArn": "arn:aws:eks:*:111122223333:cluster/*"}, "BoolIfExists": {"aws:SecureTransport": "true"}}}]}"#;
        assert!(findings(doc).is_empty());
        assert!(!rejected(doc));
    }
}
