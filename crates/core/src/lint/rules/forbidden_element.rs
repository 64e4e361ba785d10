//! TL007 `forbidden-element`.

use crate::diagnostic::Finding;
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Checks for `Resource`, `NotResource` and `NotPrincipal` in a role trust policy.
    ///
    /// ## Why is this bad?
    /// The resource of a trust policy is always the role it is attached to, so IAM refuses a
    /// `Resource` or `NotResource` there (`MalformedPolicyDocument: Has prohibited field Resource`).
    /// `NotPrincipal` is not supported in role trust policies either. Such statements usually come
    /// from a permissions policy pasted into the trust policy, or from a module example that mixes
    /// the two; the role cannot be created or updated until they are removed.
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
    ///       "Resource": "arn:aws:iam::111122223333:role/external-secrets"
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
    /// ## References
    /// - SEMANTICS.md §1.3 (`Resource`/`NotResource` forbidden, `NotPrincipal` not allowed in role trust policies), §6 #12
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>
    pub struct ForbiddenElement {
        code: "TL007",
        name: "forbidden-element",
        category: Correctness,
        since: "0.1.0",
    }
}

impl Rule for ForbiddenElement {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _cx: &LintContext<'_>, _out: &mut Vec<Finding>) {
        // Found while parsing: see `crate::policy::parse` (code `TL007`).
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Severity;

    /// (text under the primary span, severity, message, whether IAM rejects) of every `TL007` finding.
    fn findings(doc: &str) -> Vec<(String, Severity, String, bool)> {
        super::super::group_document::testing::parse_findings("TL007", doc)
    }

    fn rejected(doc: &str) -> bool {
        crate::policy::parse_policy(doc.as_bytes()).iam_would_reject()
    }

    #[test]
    fn reports_forbidden_elements() {
        let doc = r#"{"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"], "Resource": "*"},
          {"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole", "NotResource": []}]}"#;
        let f = findings(doc);
        let keys: Vec<&str> = f.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(
            keys,
            ["\"Resource\"", "\"NotPrincipal\"", "\"NotResource\""]
        );
        assert!(f.iter().all(|x| x.1 == Severity::Error && x.3));
        assert!(f[0].2.contains("Has prohibited field Resource"));
        assert!(rejected(doc));
    }

    #[test]
    fn accepts_trust_policy_elements() {
        let doc = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole",
          "Condition": {"StringNotEquals": {"aws:PrincipalAccount": "111122223333"}}}]}"#;
        assert!(findings(doc).is_empty());
        assert!(!rejected(doc));
    }
}
