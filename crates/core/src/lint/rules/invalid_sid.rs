//! TL008 `invalid-sid`.

use crate::diagnostic::Finding;
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Checks for `Sid` values with characters other than ASCII letters and digits, and for repeated ones.
    ///
    /// An empty `Sid` is accepted, also in several statements.
    ///
    /// ## Why is this bad?
    /// IAM accepts only `[A-Za-z0-9]` in a `Sid` of an IAM policy and refuses a document whose statement
    /// ids repeat (`MalformedPolicyDocument: Statement IDs (SID) in a single policy must be unique.`).
    /// Sids with dashes, spaces or underscores are common in generated policies and in policies copied
    /// from S3 or SNS, where other characters are allowed; the role then cannot be created or updated.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [
    ///     {
    ///       "Sid": "pod-identity",
    ///       "Effect": "Allow",
    ///       "Principal": {
    ///         "Service": "pods.eks.amazonaws.com"
    ///       },
    ///       "Action": [
    ///         "sts:AssumeRole",
    ///         "sts:TagSession"
    ///       ]
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
    ///       "Sid": "PodIdentity",
    ///       "Effect": "Allow",
    ///       "Principal": {
    ///         "Service": "pods.eks.amazonaws.com"
    ///       },
    ///       "Action": [
    ///         "sts:AssumeRole",
    ///         "sts:TagSession"
    ///       ]
    ///     }
    ///   ]
    /// }
    /// ```
    ///
    /// ## Known problems
    /// Whether IAM compares Sids with regard to letter case is not documented; trustlint treats `A`
    /// and `a` as different.
    ///
    /// ## References
    /// - SEMANTICS.md §1.3 (`Sid`: charset, uniqueness, empty `Sid`), §6 #15
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>
    pub struct InvalidSid {
        code: "TL008",
        name: "invalid-sid",
        category: Correctness,
        since: "0.1.0",
    }
}

impl Rule for InvalidSid {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _cx: &LintContext<'_>, _out: &mut Vec<Finding>) {
        // Found while parsing: see `crate::policy::parse` (code `TL008`).
    }
}

#[cfg(test)]
mod tests {
    use crate::check::{check, CheckOptions};
    use crate::diagnostic::Severity;

    /// (text under the primary span, severity, message, whether IAM rejects) of every `TL008` finding.
    fn findings(doc: &str) -> Vec<(String, Severity, String, bool)> {
        super::super::group_document::testing::parse_findings("TL008", doc)
    }

    fn rejected(doc: &str) -> bool {
        crate::policy::parse_policy(doc.as_bytes()).iam_would_reject()
    }

    #[test]
    fn reports_bad_characters_and_repeats() {
        let doc = r#"{"Version": "2012-10-17", "Statement": [
          {"Sid": "Allow IRSA", "Effect": "Allow", "Principal": {"Service": "x"}, "Action": "sts:AssumeRole"},
          {"Sid": "Irsa", "Effect": "Allow", "Principal": {"Service": "x"}, "Action": "sts:AssumeRole"},
          {"Sid": "Irsa", "Effect": "Allow", "Principal": {"Service": "x"}, "Action": "sts:AssumeRole"}]}"#;
        let f = findings(doc);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(f[0].0, "\"Allow IRSA\"");
        assert_eq!(f[1].2, "`Sid` `Irsa` is used by two statements");
        assert!(f.iter().all(|x| x.1 == Severity::Error && x.3));
        assert!(rejected(doc));
        let report = check(doc.as_bytes(), &CheckOptions::only("TL008"));
        let label = &report.findings[1].finding.labels[0];
        assert_eq!(&doc[label.span.start..label.span.end], "\"Irsa\"");
    }

    #[test]
    fn accepts_alphanumeric_unique_and_empty_sids() {
        let doc = r#"{"Version": "2012-10-17", "Statement": [
          {"Sid": "", "Effect": "Allow", "Principal": {"Service": "x"}, "Action": "sts:AssumeRole"},
          {"Sid": "", "Effect": "Allow", "Principal": {"Service": "y"}, "Action": "sts:AssumeRole"},
          {"Sid": "AllowIrsa2", "Effect": "Allow", "Principal": {"Service": "z"}, "Action": "sts:AssumeRole"},
          {"Sid": "allowirsa2", "Effect": "Allow", "Principal": {"Service": "w"}, "Action": "sts:AssumeRole"}]}"#;
        assert!(findings(doc).is_empty());
        assert!(!rejected(doc));
    }
}
