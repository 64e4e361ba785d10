//! TL002 `duplicate-key`.

use crate::diagnostic::Finding;
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Checks for objects that repeat a key, at any level of the document.
    ///
    /// For example: two `Effect` or `Condition` elements in
    /// one statement, two `Statement` elements, a condition operator written twice in one
    /// `Condition`, and a condition key written twice under one operator. Condition keys (and operator
    /// names) that differ only in letter case count as repeats, because IAM compares them without
    /// regard to case.
    ///
    /// ## Why is this bad?
    /// Current IAM refuses such a document, but most tools that produce or read policies keep only the
    /// last copy of a repeated key without a word: Terraform's `jsonencode`, Go and JavaScript JSON
    /// readers, `serde_json`. A second `:aud` line that was meant to be `:sub` silently replaces the
    /// first, and the role ends up requiring `aud` to equal a service-account name, so nobody can
    /// assume it; or a broad condition quietly drops the narrow one.
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
    ///         "StringEquals": {
    ///           "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud": "sts.amazonaws.com",
    ///           "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud": "system:serviceaccount:external-dns:external-dns"
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
    /// Policies stored before IAM tightened its parser keep working with "last one wins" semantics for
    /// `Effect` and merged `Action` lists; trustlint evaluates repeated keys as last-wins, like the
    /// readers above (SEMANTICS.md §1.6).
    ///
    /// ## References
    /// - SEMANTICS.md §1.6 (duplicate JSON keys), §2.4 (condition keys are case-insensitive)
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_policies.html>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>
    pub struct DuplicateKey {
        code: "TL002",
        name: "duplicate-key",
        category: Correctness,
        since: "0.1.0",
    }
}

impl Rule for DuplicateKey {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _cx: &LintContext<'_>, _out: &mut Vec<Finding>) {
        // Found while parsing: see `crate::policy::parse` (code `TL002`).
    }
}

#[cfg(test)]
mod tests {
    use crate::check::{check, CheckOptions};
    use crate::diagnostic::Severity;

    /// (text under the primary span, severity, message, whether IAM rejects) of every `TL002` finding.
    fn findings(doc: &str) -> Vec<(String, Severity, String, bool)> {
        super::super::group_document::testing::parse_findings("TL002", doc)
    }

    fn rejected(doc: &str) -> bool {
        crate::policy::parse_policy(doc.as_bytes()).iam_would_reject()
    }

    #[test]
    fn reports_repeats_at_every_level() {
        let doc = r#"{"Version": "2012-10-17", "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Effect": "Deny",
          "Principal": {"Service": "x", "Service": "y"}, "Action": "sts:AssumeRole",
          "Condition": {"StringEquals": {}, "StringEquals": {"aws:SourceAccount": "1", "aws:SourceAccount": "2"}}}]}"#;
        let f = findings(doc);
        let keys: Vec<&str> = f.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(
            keys,
            [
                "\"Version\"",
                "\"Effect\"",
                "\"Service\"",
                "\"StringEquals\"",
                "\"aws:SourceAccount\""
            ]
        );
        assert!(f.iter().all(|x| x.1 == Severity::Error && x.3));
        assert!(rejected(doc));
    }

    #[test]
    fn condition_keys_and_operators_repeat_regardless_of_case() {
        let doc = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "x"}, "Action": "sts:AssumeRole",
          "Condition": {"StringEquals": {"aws:SourceAccount": "1", "AWS:sourceaccount": "2"}, "stringequals": {"a": "b"}}}]}"#;
        let f = findings(doc);
        assert_eq!(f.len(), 2, "{f:?}");
        assert!(f[0].2.contains("condition keys are case-insensitive"));
        assert!(f[1]
            .2
            .contains("condition operator names are compared case-insensitively"));
    }

    #[test]
    fn labels_the_first_copy() {
        let doc = r#"{"Statement": [], "Statement": []}"#;
        let report = check(doc.as_bytes(), &CheckOptions::only("TL002"));
        let f = &report.findings[0].finding;
        assert_eq!(f.labels[0].span.start, 1);
        assert_eq!(f.labels[0].message, "first written here");
    }

    #[test]
    fn ignores_distinct_keys() {
        // Element names are case-sensitive: `effect` is an unknown element (TL003), not a repeat.
        let doc = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "effect": "Allow", "Principal": {"Service": "x"}, "Action": "sts:AssumeRole",
          "Condition": {"StringEquals": {"aws:SourceAccount": "1", "aws:SourceArn": "2"}, "StringLike": {"aws:SourceAccount": "1"}}}]}"#;
        assert!(findings(doc).is_empty());
        assert!(rejected(doc), "the unknown element is rejected");
    }
}
