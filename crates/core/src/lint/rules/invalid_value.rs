//! TL005 `invalid-value`.

use crate::diagnostic::Finding;
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Checks for values of the wrong type or shape, and for empty lists.
    ///
    /// `Version`, `Id`, `Sid`, `Effect`, principal and action
    /// values must be strings (or arrays of strings where IAM allows lists); `Effect` must be exactly
    /// `Allow` or `Deny`; `Principal` must be `"*"` or an object of `AWS`, `Federated`, `Service`,
    /// `CanonicalUser`; actions must look like `service:Action`; `Condition` and each operator's value
    /// must be objects; condition values must be strings, numbers or booleans (no `null`, objects or
    /// nested arrays). Empty arrays and an empty `Principal` object are warnings.
    ///
    /// ## Why is this bad?
    /// IAM rejects a value of the wrong type or shape (Access Analyzer "Data type mismatch",
    /// `MalformedPolicyDocument`). `Effect` is case-sensitive: `"allow"` passes some validators and then
    /// fails IAM's legacy parser. An empty list matches nothing, so the statement or condition is dead.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [
    ///     {
    ///       "Effect": "allow",
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
    /// Access Analyzer only suggests removing empty arrays, while IAM's own validator (as reproduced by
    /// moto) rejects an empty action list; trustlint warns (SEMANTICS.md §1.7). Numbers and booleans
    /// are accepted as condition values, as the grammar allows.
    ///
    /// ## References
    /// - SEMANTICS.md §1.3 (`Effect` is case-sensitive), §1.4 (`Principal` forms), §1.5 (action form), §1.7 (value types, empty values)
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_effect.html>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>
    pub struct InvalidValue {
        code: "TL005",
        name: "invalid-value",
        category: Correctness,
        since: "0.1.0",
    }
}

impl Rule for InvalidValue {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _cx: &LintContext<'_>, _out: &mut Vec<Finding>) {
        // Found while parsing: see `crate::policy::parse` (code `TL005`).
    }
}

#[cfg(test)]
mod tests {
    use crate::check::{check, CheckOptions};
    use crate::diagnostic::Severity;

    /// (text under the primary span, severity, message, whether IAM rejects) of every `TL005` finding.
    fn findings(doc: &str) -> Vec<(String, Severity, String, bool)> {
        super::super::group_document::testing::parse_findings("TL005", doc)
    }

    fn rejected(doc: &str) -> bool {
        crate::policy::parse_policy(doc.as_bytes()).iam_would_reject()
    }

    #[test]
    fn reports_wrong_types_iam_rejects() {
        let doc = r#"{"Version": "2012-10-17", "Id": 7, "Statement": [{"Effect": "allow",
          "Principal": {"Federated": ["arn:aws:iam::111122223333:oidc-provider/gitlab.com", null], "service": "x"},
          "Action": "AssumeRole",
          "Condition": {"StringEquals": ["x"], "StringLike": {"k": [{"a": 1}, ["b"], "ok", 1, true]}}}, "text"]}"#;
        let f = findings(doc);
        let spans: Vec<&str> = f.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(
            spans,
            [
                "7",
                "\"allow\"",
                "null",
                "\"service\"",
                "\"AssumeRole\"",
                "[\"x\"]",
                "{\"a\": 1}",
                "[\"b\"]",
                "\"text\""
            ]
        );
        assert!(f.iter().all(|x| x.1 == Severity::Error && x.3), "{f:?}");
        assert!(rejected(doc));
    }

    #[test]
    fn empty_lists_are_warnings() {
        let doc = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": []}, "Action": [],
          "Condition": {"StringEquals": {"aws:SourceAccount": []}}}, {"Effect": "Allow", "Principal": {}, "Action": "sts:AssumeRole"}]}"#;
        let f = findings(doc);
        assert_eq!(f.len(), 4, "{f:?}");
        assert!(f.iter().all(|x| x.1 == Severity::Warning && !x.3), "{f:?}");
        assert!(!rejected(doc));
    }

    #[test]
    fn says_how_to_fix_effect_case() {
        let doc = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "DENY", "Principal": "*", "Action": "sts:AssumeRole"}]}"#;
        let report = check(doc.as_bytes(), &CheckOptions::only("TL005"));
        assert_eq!(
            report.findings[0].finding.help.as_deref(),
            Some("write `Deny` (the value is case-sensitive)")
        );
    }

    #[test]
    fn accepts_scalars_and_single_values() {
        let doc = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole",
          "Condition": {"Bool": {"aws:SecureTransport": false}, "NumericLessThan": {"aws:MultiFactorAuthAge": 3600}}}}"#;
        assert!(findings(doc).is_empty());
        assert!(!rejected(doc));
    }
}
