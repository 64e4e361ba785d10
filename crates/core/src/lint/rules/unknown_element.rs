//! TL003 `unknown-element`.

use crate::diagnostic::Finding;
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Checks for elements IAM does not know, at the top level or in a statement.
    ///
    /// The top level may hold only `Version`, `Id` and `Statement`, and a statement only `Sid`, `Effect`, `Principal`, `NotPrincipal`, `Action`, `NotAction`,
    /// `Resource`, `NotResource` and `Condition`. It reports comment keys (`__doc_comment`),
    /// misspellings (`Principals`, `Condtion`), names with the wrong letter case (`effect`) or
    /// surrounding spaces, and elements written at the wrong level (`Effect` at the top, `Version` or
    /// `Federated` directly in a statement).
    ///
    /// ## Why is this bad?
    /// IAM rejects a policy with an element it does not know ("Invalid policy element", `Syntax errors
    /// in policy`). Element names are case-sensitive: `effect` is not `Effect`. Tools that read
    /// policies leniently ignore the unknown key, so what the author meant (a principal, a condition)
    /// silently disappears from their view of the role.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "__doc_comment": "Trust for the external-dns service account",
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
    /// AWS does not state that element names are case-sensitive; every validator examined treats them
    /// so (SEMANTICS.md §1.3). A misspelled `Effect`, `Principal`, `Action` or `Statement` is reported
    /// here only, not also as a missing element (TL006).
    ///
    /// ## References
    /// - SEMANTICS.md §1.1 (top-level keys), §1.3 (statement keys, case of element names)
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>
    pub struct UnknownElement {
        code: "TL003",
        name: "unknown-element",
        category: Correctness,
        since: "0.1.0",
    }
}

impl Rule for UnknownElement {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _cx: &LintContext<'_>, _out: &mut Vec<Finding>) {
        // Found while parsing: see `crate::policy::parse` (code `TL003`).
    }
}

#[cfg(test)]
mod tests {
    use crate::check::{check, CheckOptions};
    use crate::diagnostic::Severity;

    /// (text under the primary span, severity, message, whether IAM rejects) of every `TL003` finding.
    fn findings(doc: &str) -> Vec<(String, Severity, String, bool)> {
        super::super::group_document::testing::parse_findings("TL003", doc)
    }

    fn rejected(doc: &str) -> bool {
        crate::policy::parse_policy(doc.as_bytes()).iam_would_reject()
    }

    #[test]
    fn reports_unknown_elements_with_a_suggestion() {
        let doc = r#"{"Version": "2012-10-17", "__doc_comment": "x", "Statement": [{"effect": "Allow", "Principals": {"Service": "x"},
          "Action": "sts:AssumeRole", "Condtion": {}, "Sid ": "A"}]}"#;
        let report = check(doc.as_bytes(), &CheckOptions::only("TL003"));
        let got: Vec<(&str, &str)> = report
            .findings
            .iter()
            .map(|r| {
                (
                    r.finding.message.as_str(),
                    r.finding.help.as_deref().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "unknown top-level element `__doc_comment`",
                    "remove it (IAM rejects unknown elements; allowed here: Version, Id, Statement)"
                ),
                (
                    "unknown statement element `effect`: element names are case-sensitive",
                    "write `Effect`"
                ),
                (
                    "unknown statement element `Principals`",
                    "did you mean `Principal`? IAM rejects unknown elements"
                ),
                (
                    "unknown statement element `Condtion`",
                    "did you mean `Condition`? IAM rejects unknown elements"
                ),
                (
                    "unknown statement element `Sid `: the name has surrounding whitespace",
                    "write `Sid` without spaces"
                ),
            ]
        );
        assert!(report.findings.iter().all(|r| r.finding.iam_rejects));
        assert!(rejected(doc));
    }

    #[test]
    fn says_where_misplaced_elements_belong() {
        let doc = r#"{"Effect": "Allow", "Statement": [{"Version": "2012-10-17", "Effect": "Allow",
          "Federated": "arn:aws:iam::111122223333:oidc-provider/gitlab.com", "Action": "sts:AssumeRoleWithWebIdentity"}]}"#;
        let f = findings(doc);
        assert_eq!(f.len(), 3, "{f:?}");
        assert_eq!(
            f[0].2,
            "unknown top-level element `Effect`: it belongs inside a statement"
        );
        assert_eq!(
            f[1].2,
            "unknown statement element `Version`: it belongs at the top level"
        );
        assert_eq!(
            f[2].2,
            "unknown statement element `Federated`: it is a principal type"
        );
    }

    #[test]
    fn a_misspelled_element_is_not_also_missing() {
        let doc = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principals": {"Service": "x"}, "Actions": "sts:AssumeRole"}]}"#;
        let report = check(doc.as_bytes(), &CheckOptions::only("TL0"));
        let codes: Vec<&str> = report.findings.iter().map(|r| r.finding.code).collect();
        assert_eq!(codes, ["TL003", "TL003"]);
    }

    #[test]
    fn accepts_every_documented_element() {
        let doc = r#"{"Version": "2012-10-17", "Id": "trust", "Statement": [{"Sid": "A", "Effect": "Allow",
          "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"], "Condition": {}}]}"#;
        assert!(findings(doc).is_empty());
        assert!(!rejected(doc));
    }
}
