//! TL011 `invalid-policy-variable`.

use crate::diagnostic::Finding;
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Checks for malformed or misplaced policy variables (`${…}`).
    ///
    /// It reports, in condition values, an unclosed `${`, an empty `${}`,
    /// whitespace in the name, a default value not in single quotes (`${key, 'default'}`), a default
    /// on `${*}`/`${?}`/`${$}`; a variable that names no condition key (`${namespace}`, left over from
    /// an unrendered template); a variable in an operator that does not take variables (`Numeric…`,
    /// `Date…`, `IpAddress`, `BinaryEquals`, `Null`); a multi-valued key such as `aws:TagKeys` used
    /// as a variable; and `${` in a condition key, where variables are never substituted. A variable
    /// in a `Bool` value is a warning, because the AWS pages disagree on whether it works.
    ///
    /// ## Why is this bad?
    /// A malformed variable is compared as literal text, so the condition tests for a value no request
    /// carries: the role is unusable, or, under a negated operator, the condition always holds. Access
    /// Analyzer reports each of these forms as an error. A `${…}` in a condition key usually is a
    /// template variable (Terraform, Helm) that was never rendered: the key is never present in the
    /// request.
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
    ///       "Condition": {
    ///         "StringEquals": {
    ///           "aws:SourceOrgId": "${aws:ResourceOrgId"
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
    ///         "Service": "pods.eks.amazonaws.com"
    ///       },
    ///       "Action": [
    ///         "sts:AssumeRole",
    ///         "sts:TagSession"
    ///       ],
    ///       "Condition": {
    ///         "StringEquals": {
    ///           "aws:SourceOrgId": "${aws:ResourceOrgId}"
    ///         }
    ///       }
    ///     }
    ///   ]
    /// }
    /// ```
    ///
    /// ## Known problems
    /// A `${` under `"Version": "2008-10-17"` (or with no `Version`) is reported by TL004: there it
    /// is literal text by design. Whether OIDC keys such as `${token.actions.githubusercontent.com:sub}`
    /// can be variables is not documented (SEMANTICS.md §3.3); they are accepted.
    ///
    /// ## References
    /// - SEMANTICS.md §3.3 (policy variables: syntax, defaults, operators that take them, multi-valued keys, `Bool` conflict), §2.5
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>
    pub struct InvalidPolicyVariable {
        code: "TL011",
        name: "invalid-policy-variable",
        category: Correctness,
        since: "0.1.0",
    }
}

impl Rule for InvalidPolicyVariable {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _cx: &LintContext<'_>, _out: &mut Vec<Finding>) {
        // Found while parsing: see `crate::policy::parse` (code `TL011`).
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Severity;

    /// (text under the primary span, severity, message, whether IAM rejects) of every `TL011` finding.
    fn findings(doc: &str) -> Vec<(String, Severity, String, bool)> {
        super::super::group_document::testing::parse_findings("TL011", doc)
    }

    fn rejected(doc: &str) -> bool {
        crate::policy::parse_policy(doc.as_bytes()).iam_would_reject()
    }

    fn with_condition(condition: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"Service": "pods.eks.amazonaws.com"}},
              "Action": ["sts:AssumeRole", "sts:TagSession"], "Condition": {condition}}}]}}"#
        )
    }

    #[test]
    fn reports_malformed_variables_at_the_fault() {
        let doc = with_condition(
            r#"{"StringLike": {"aws:SourceArn": ["${aws:SourceAccount", "${}", "${ aws:x}", "${aws:x, default}", "${*, 'x'}"]}}"#,
        );
        let f = findings(&doc);
        let spans: Vec<&str> = f.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(
            spans,
            ["${aws:SourceAccount", "${}", " ", "default", "${*, 'x'}"]
        );
        assert!(f.iter().all(|x| x.1 == Severity::Error && !x.3), "{f:?}");
        assert!(!rejected(&doc));
    }

    #[test]
    fn reports_variables_where_they_do_not_apply() {
        let doc = with_condition(
            r#"{"NumericLessThan": {"aws:MultiFactorAuthAge": "${aws:x}"}, "StringEquals": {"${var.issuer}:sub": "system:serviceaccount:${namespace}:app", "aws:RequestTag/team": "${aws:TagKeys}"}}"#,
        );
        let f = findings(&doc);
        assert_eq!(f.len(), 4, "{f:?}");
        assert_eq!(f[0].0, "\"${aws:x}\"");
        assert_eq!(f[1].0, "\"${var.issuer}:sub\"");
        assert!(f[2].2.contains("names no condition key"));
        assert!(f[3].2.contains("multi-valued key"));
        assert!(f.iter().all(|x| x.1 == Severity::Error));
    }

    #[test]
    fn warns_on_variables_in_bool() {
        let f = findings(&with_condition(
            r#"{"Bool": {"aws:SecureTransport": "${aws:ViaAWSService}"}}"#,
        ));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].1, Severity::Warning);
    }

    #[test]
    fn accepts_well_formed_variables() {
        let doc = with_condition(
            r#"{"StringEquals": {"aws:SourceOrgId": "${aws:ResourceOrgId}", "aws:RequestTag/x": "${aws:PrincipalTag/x, 'none'}"},
          "StringLike": {"aws:SourceArn": "arn:aws:eks:*:${aws:SourceAccount}:cluster/${*}"}, "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::${aws:PrincipalAccount}:role/x"}}"#,
        );
        assert!(findings(&doc).is_empty());
        assert!(!rejected(&doc));
    }
}
