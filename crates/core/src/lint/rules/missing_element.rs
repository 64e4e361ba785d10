//! TL006 `missing-element`.

use crate::diagnostic::Finding;
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Checks for a missing `Statement`, and for statements without `Effect`, `Principal` or `Action`.
    ///
    /// The policy needs a `Statement` with at least one statement, and every statement an `Effect`, a
    /// `Principal`, and exactly one of `Action` and `NotAction`.
    ///
    /// ## Why is this bad?
    /// In a role trust policy every statement must say who it trusts: IAM rejects a statement without
    /// `Principal` ("Missing principal"), without `Effect`, or without an action, and a statement with
    /// both `Action` and `NotAction` ("Unsupported element combination"). A statement copied from a
    /// permissions policy (with `Resource` and no `Principal`) is the usual cause.
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
    ///       ]
    ///     }
    ///   ]
    /// }
    /// ```
    ///
    /// ## Known problems
    /// A misspelled element (`Principals`) is reported once, as an unknown element (TL003). A
    /// `get-role` entry without `AssumeRolePolicyDocument` is reported as info: the export lacks the
    /// document.
    ///
    /// ## References
    /// - SEMANTICS.md §1.1 (`Statement` is required), §1.3 (`Effect`, `Principal`, `Action`/`NotAction` in trust policies)
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>
    pub struct MissingElement {
        code: "TL006",
        name: "missing-element",
        category: Correctness,
        since: "0.1.0",
    }
}

impl Rule for MissingElement {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _cx: &LintContext<'_>, _out: &mut Vec<Finding>) {
        // Found while parsing: see `crate::policy::parse` (code `TL006`).
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Severity;

    /// (text under the primary span, severity, message, whether IAM rejects) of every `TL006` finding.
    fn findings(doc: &str) -> Vec<(String, Severity, String, bool)> {
        super::super::group_document::testing::parse_findings("TL006", doc)
    }

    fn rejected(doc: &str) -> bool {
        crate::policy::parse_policy(doc.as_bytes()).iam_would_reject()
    }

    #[test]
    fn reports_each_missing_element() {
        let doc = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "A"}, {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "NotAction": "sts:TagSession"}]}"#;
        let f = findings(doc);
        let messages: Vec<&str> = f.iter().map(|x| x.2.as_str()).collect();
        assert_eq!(
            messages,
            [
                "the statement has no `Effect`",
                "the statement has no `Principal`: every statement of a role trust policy must name who it trusts",
                "the statement has no `Action`",
                "a statement cannot have both `Action` and `NotAction`",
            ]
        );
        assert_eq!(f[3].0, "\"NotAction\"");
        assert!(f.iter().all(|x| x.1 == Severity::Error && x.3));
        assert!(rejected(doc));
    }

    #[test]
    fn reports_a_missing_or_empty_statement() {
        let f = findings(r#"{"Version": "2012-10-17"}"#);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].2, "the policy has no `Statement`");
        let f = findings(r#"{"Version": "2012-10-17", "Statement": []}"#);
        assert_eq!(f[0].0, "[]");
    }

    #[test]
    fn a_not_principal_is_not_also_a_missing_principal() {
        let doc = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}]}"#;
        assert!(findings(doc).is_empty());
        assert!(rejected(doc), "NotPrincipal itself is TL007");
    }

    #[test]
    fn accepts_complete_statements() {
        let doc = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "NotAction": "sts:GetFederationToken"}}"#;
        assert!(findings(doc).is_empty());
        assert!(!rejected(doc));
    }
}
