//! TL009 `trust-policy-too-large`.

use crate::diagnostic::Finding;
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Checks the size of the trust policy against the role trust policy quota.
    ///
    /// It counts every character except whitespace outside strings. More than 2,048 characters (the default quota) is
    /// a warning; more than 4,096 (the largest quota AWS grants) is an error. The example below has
    /// 2,050 characters: 1 statement with 31 service accounts spelled out.
    ///
    /// ## Why is this bad?
    /// IAM refuses to store a trust policy over the account's quota (`LimitExceeded: Cannot exceed
    /// quota for ACLSizePerRole: 2048`), so the next subject added to an IRSA role breaks the
    /// deployment that adds it. Roughly four fully spelled-out IRSA statements fit in 2,048
    /// characters; the quota can be raised to 4,096, never further.
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
    ///           "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": [
    ///             "system:serviceaccount:batch-jobs:report-worker-01",
    ///             "system:serviceaccount:batch-jobs:report-worker-02",
    ///             "system:serviceaccount:batch-jobs:report-worker-03",
    ///             "system:serviceaccount:batch-jobs:report-worker-04",
    ///             "system:serviceaccount:batch-jobs:report-worker-05",
    ///             "system:serviceaccount:batch-jobs:report-worker-06",
    ///             "system:serviceaccount:batch-jobs:report-worker-07",
    ///             "system:serviceaccount:batch-jobs:report-worker-08",
    ///             "system:serviceaccount:batch-jobs:report-worker-09",
    ///             "system:serviceaccount:batch-jobs:report-worker-10",
    ///             "system:serviceaccount:batch-jobs:report-worker-11",
    ///             "system:serviceaccount:batch-jobs:report-worker-12",
    ///             "system:serviceaccount:batch-jobs:report-worker-13",
    ///             "system:serviceaccount:batch-jobs:report-worker-14",
    ///             "system:serviceaccount:batch-jobs:report-worker-15",
    ///             "system:serviceaccount:batch-jobs:report-worker-16",
    ///             "system:serviceaccount:batch-jobs:report-worker-17",
    ///             "system:serviceaccount:batch-jobs:report-worker-18",
    ///             "system:serviceaccount:batch-jobs:report-worker-19",
    ///             "system:serviceaccount:batch-jobs:report-worker-20",
    ///             "system:serviceaccount:batch-jobs:report-worker-21",
    ///             "system:serviceaccount:batch-jobs:report-worker-22",
    ///             "system:serviceaccount:batch-jobs:report-worker-23",
    ///             "system:serviceaccount:batch-jobs:report-worker-24",
    ///             "system:serviceaccount:batch-jobs:report-worker-25",
    ///             "system:serviceaccount:batch-jobs:report-worker-26",
    ///             "system:serviceaccount:batch-jobs:report-worker-27",
    ///             "system:serviceaccount:batch-jobs:report-worker-28",
    ///             "system:serviceaccount:batch-jobs:report-worker-29",
    ///             "system:serviceaccount:batch-jobs:report-worker-30",
    ///             "system:serviceaccount:batch-jobs:report-worker-31"
    ///           ]
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
    ///           "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud": "sts.amazonaws.com"
    ///         },
    ///         "StringLike": {
    ///           "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:batch-jobs:report-worker-*"
    ///         }
    ///       }
    ///     }
    ///   ]
    /// }
    /// ```
    ///
    /// ## Known problems
    /// AWS says whitespace is not counted but not whether that includes whitespace inside strings;
    /// trustlint counts it, the conservative reading (SEMANTICS.md §1.8). An account whose quota was
    /// raised gets a warning it does not need: set the rule's severity, or ignore it. Prefer one role
    /// per workload, a `StringLike` pattern with a fixed namespace, or EKS Pod Identity (no size
    /// limit on associations) to a longer list.
    ///
    /// ## References
    /// - SEMANTICS.md §1.8 (size quota, whitespace), §6 #16
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/service-accounts.html>
    pub struct TrustPolicyTooLarge {
        code: "TL009",
        name: "trust-policy-too-large",
        category: Suspicious,
        since: "0.1.0",
    }
}

impl Rule for TrustPolicyTooLarge {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _cx: &LintContext<'_>, _out: &mut Vec<Finding>) {
        // Found while parsing: see `crate::policy::parse` (code `TL009`).
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Severity;

    /// (text under the primary span, severity, message, whether IAM rejects) of every `TL009` finding.
    fn findings(doc: &str) -> Vec<(String, Severity, String, bool)> {
        super::super::group_document::testing::parse_findings("TL009", doc)
    }

    fn rejected(doc: &str) -> bool {
        crate::policy::parse_policy(doc.as_bytes()).iam_would_reject()
    }

    fn policy_with(subjects: usize) -> String {
        let subs: Vec<String> = (0..subjects)
            .map(|i| format!("\"system:serviceaccount:team-{i:03}:application-service-account\""))
            .collect();
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
              "Principal": {{"Federated": "arn:aws:iam::111122223333:oidc-provider/gitlab.com"}},
              "Action": "sts:AssumeRoleWithWebIdentity",
              "Condition": {{"StringEquals": {{"gitlab.com:sub": [{}]}}}}}}]}}"#,
            subs.join(",\n            ")
        )
    }

    #[test]
    fn warns_over_the_default_quota() {
        let doc = policy_with(40);
        let f = findings(&doc);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].0, "{");
        assert_eq!(f[0].1, Severity::Warning);
        assert!(f[0].2.contains("default role trust policy quota of 2048"));
        assert!(!rejected(&doc), "a raised quota may allow it");
    }

    #[test]
    fn errors_over_the_maximum_quota() {
        let doc = policy_with(80);
        let f = findings(&doc);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].1, Severity::Error);
        assert!(f[0].3);
        assert!(rejected(&doc));
    }

    #[test]
    fn whitespace_outside_strings_is_free() {
        let doc = policy_with(25);
        assert!(findings(&doc).is_empty());
        // Indentation does not count.
        let padded = doc.replace(",\n", &format!(",\n{}", " ".repeat(200)));
        assert!(padded.len() > 4096);
        assert!(findings(&padded).is_empty());
    }

    #[test]
    fn counts_the_embedded_document_of_get_role_output() {
        let doc = policy_with(40);
        let wrapped = format!(
            r#"{{"Role": {{"RoleName": "r", "Arn": "arn:aws:iam::111122223333:role/r", "AssumeRolePolicyDocument": {doc}}}}}"#
        );
        let f = findings(&wrapped);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].1, Severity::Warning);
    }

    #[test]
    fn a_document_over_the_analysis_cap_gets_no_model() {
        // 61 characters per subject: 300 subjects are over 16,384 non-whitespace characters.
        let over = policy_with(300);
        let parsed = crate::policy::parse_policy(over.as_bytes());
        assert!(parsed.policy.is_none());
        let f = findings(&over);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].1, Severity::Error);
        assert!(
            f[0].2.contains("does not analyse documents over 16384"),
            "{}",
            f[0].2
        );
        assert!(f[0].3, "IAM rejects it too");
        // Just under the cap it is still analysed (and still rejected by IAM).
        let under = policy_with(200);
        let parsed = crate::policy::parse_policy(under.as_bytes());
        assert!(parsed.policy.is_some());
        assert!(parsed.iam_would_reject());
    }
}
