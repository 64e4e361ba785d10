//! TL001 `invalid-json`.

use crate::diagnostic::Finding;
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Checks that the file is exactly one JSON value (a UTF-8 byte order mark is accepted).
    ///
    /// It reports syntax errors (a trailing comma, a
    /// `//` or `#` comment, single quotes, an unquoted key, a missing comma), a document that ends
    /// early, an empty file, text after the document (two policy objects in one file), and bytes that
    /// are not UTF-8. A UTF-8 byte order mark at the start is accepted. Inside `aws iam get-role`
    /// output, a URL-encoded document is decoded first and checked the same way.
    ///
    /// ## Why is this bad?
    /// IAM parses the document with a strict JSON reader and refuses anything else
    /// (`MalformedPolicyDocument: Syntax errors in policy`), so a role with such a policy cannot be
    /// created or updated. Policies copied from issues, chat and documentation often carry comments or
    /// trailing commas that other tools (HCL, JSON5, YAML) accept silently. When the text is not JSON,
    /// trustlint cannot check anything else in it.
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
    ///       "Action": [
    ///         "sts:AssumeRole",
    ///         "sts:TagSession"
    ///       ],
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
    /// Only the first syntax error is reported: what follows it is not read. Valid JSON that is not a
    /// policy (an array, or an object without `Version` or `Statement`) is not reported as a policy at
    /// all when a directory is checked.
    ///
    /// ## References
    /// - SEMANTICS.md §1.1 (one JSON object; "More than one JSON policy object"), §9 D-TS
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_policies.html>
    /// - <https://www.rfc-editor.org/rfc/rfc8259>
    pub struct InvalidJson {
        code: "TL001",
        name: "invalid-json",
        category: Correctness,
        since: "0.1.0",
    }
}

impl Rule for InvalidJson {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _cx: &LintContext<'_>, _out: &mut Vec<Finding>) {
        // Found while parsing: see `crate::policy::parse` (code `TL001`).
    }
}

#[cfg(test)]
mod tests {
    use crate::check::{check, CheckOptions};
    use crate::diagnostic::Severity;

    /// (text under the primary span, severity, message, whether IAM rejects) of every `TL001` finding.
    fn findings(doc: &str) -> Vec<(String, Severity, String, bool)> {
        super::super::group_document::testing::parse_findings("TL001", doc)
    }

    fn rejected(doc: &str) -> bool {
        crate::policy::parse_policy(doc.as_bytes()).iam_would_reject()
    }

    #[test]
    fn reports_syntax_errors_with_their_place() {
        let doc = "{\"Version\": \"2012-10-17\", \"Statement\": [],}";
        let f = findings(doc);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].0, ",");
        assert!(f[0].3, "IAM rejects invalid JSON");
        assert!(rejected(doc));

        let f = findings("{\"Version\": \"2012-10-17\" # comment\n}");
        assert_eq!(f[0].0, "#");
        assert_eq!(
            findings("{\"Version\": \"2012-10-17\", \"Statement\": [").len(),
            1
        );
    }

    #[test]
    fn reports_empty_files_and_trailing_documents() {
        let f = findings("");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].1, Severity::Error);
        let report = check(b"  \n", &CheckOptions::only("TL001"));
        assert!(report.findings[0]
            .finding
            .help
            .as_deref()
            .is_some_and(|h| h.contains("one JSON object")));
        let f = findings("{\"Version\": \"2012-10-17\", \"Statement\": []} {\"Statement\": []}");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].0, "{");
    }

    #[test]
    fn reports_invalid_utf8() {
        let report = check(
            b"{\"Version\": \"2012-10-17\xff\"}",
            &CheckOptions::only("TL001"),
        );
        assert_eq!(report.findings.len(), 1);
        assert!(report.findings[0].finding.message.contains("UTF-8"));
    }

    #[test]
    fn accepts_a_byte_order_mark_and_valid_documents() {
        let doc = "\u{feff}{\"Version\": \"2012-10-17\", \"Statement\": {\"Effect\": \"Allow\", \"Principal\": {\"Service\": \"pods.eks.amazonaws.com\"}, \"Action\": [\"sts:AssumeRole\", \"sts:TagSession\"]}}";
        assert!(findings(doc).is_empty());
        assert!(!rejected(doc));
    }
}
