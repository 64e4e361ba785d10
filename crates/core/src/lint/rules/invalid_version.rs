//! TL004 `invalid-version`.

use crate::diagnostic::Finding;
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Checks for a missing, old (`2008-10-17`) or invalid `Version`.
    ///
    /// A policy without `Version`, or with `"Version": "2008-10-17"`,
    /// is a warning: the old policy language applies. A `Version` other than `2012-10-17` and
    /// `2008-10-17` is an error, and so is a policy variable (`${…}`) in a condition value under the
    /// old language, where it is compared as literal text.
    ///
    /// ## Why is this bad?
    /// `Version` is not a date of your choice but the version of the policy language; IAM accepts only
    /// the two values above and rejects the document otherwise. Without `Version` IAM applies
    /// `2008-10-17`, where policy variables such as `${aws:ResourceOrgId}` and the escapes `${*}`,
    /// `${?}`, `${$}` are not recognised: the condition compares the literal text `${aws:…}` and never
    /// matches the intended value.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "Statement": [
    ///     {
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
    /// The Access Analyzer text for "Missing version" claims that the default is `2012-10-17`; the
    /// Version and troubleshooting pages say `2008-10-17`, which trustlint follows (SEMANTICS.md §1.2).
    /// A missing `Version` is harmless for a policy without policy variables, hence only a warning.
    ///
    /// ## References
    /// - SEMANTICS.md §1.2 (`Version`), §3.3 (policy variables need 2012-10-17)
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>
    pub struct InvalidVersion {
        code: "TL004",
        name: "invalid-version",
        category: Suspicious,
        since: "0.1.0",
    }
}

impl Rule for InvalidVersion {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _cx: &LintContext<'_>, _out: &mut Vec<Finding>) {
        // Found while parsing: see `crate::policy::parse` (code `TL004`).
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Severity;

    /// (text under the primary span, severity, message, whether IAM rejects) of every `TL004` finding.
    fn findings(doc: &str) -> Vec<(String, Severity, String, bool)> {
        super::super::group_document::testing::parse_findings("TL004", doc)
    }

    fn rejected(doc: &str) -> bool {
        crate::policy::parse_policy(doc.as_bytes()).iam_would_reject()
    }

    #[test]
    fn missing_or_old_version_is_a_warning() {
        let missing = r#"{"Statement": [{"Effect": "Allow", "Principal": {"Service": "x"}, "Action": "sts:AssumeRole"}]}"#;
        let f = findings(missing);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].0, "{");
        assert_eq!(f[0].1, Severity::Warning);
        assert!(!rejected(missing));
        let old = r#"{"Version": "2008-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "x"}, "Action": "sts:AssumeRole"}]}"#;
        let f = findings(old);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].0, "\"2008-10-17\"");
        assert_eq!(f[0].1, Severity::Warning);
    }

    #[test]
    fn other_values_are_errors_iam_rejects() {
        let doc = r#"{"Version": "2012-10-18", "Statement": [{"Effect": "Allow", "Principal": {"Service": "x"}, "Action": "sts:AssumeRole"}]}"#;
        let f = findings(doc);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].1, Severity::Error);
        assert!(f[0].3);
        assert!(rejected(doc));
    }

    #[test]
    fn variables_under_the_old_language_are_errors() {
        let doc = r#"{"Statement": [{"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"],
          "Condition": {"StringEquals": {"aws:SourceOrgId": "${aws:ResourceOrgId}"}}}]}"#;
        let f = findings(doc);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(f[1].0, "\"${aws:ResourceOrgId}\"");
        assert_eq!(f[1].1, Severity::Error);
        assert!(!f[1].3, "IAM stores it; the text is literal");
    }

    #[test]
    fn accepts_2012_with_variables() {
        let doc = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"],
          "Condition": {"StringEquals": {"aws:SourceOrgId": "${aws:ResourceOrgId}"}}}]}"#;
        assert!(findings(doc).is_empty());
        assert!(!rejected(doc));
    }
}
