//! TL106 `partition-mismatch`.

use super::group_document::{
    eks_host, inner_span, looks_like_region, region_partition, AWS_DOMAINS, PARTITIONS,
};
use crate::diagnostic::Finding;
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, OidcProvider, Rule, RuleMeta};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Checks that the partition of an OIDC provider ARN agrees with the issuer it names.
    ///
    /// An issuer under `amazonaws.com.cn` needs `arn:aws-cn:`, an EKS issuer in a `us-gov-` region
    /// (or an AWS-hosted issuer in one) needs `arn:aws-us-gov:`, and an `aws-cn` or
    /// `aws-us-gov` ARN cannot name an EKS cluster of another partition. It also reports EKS
    /// issuers whose region and domain disagree (`oidc.eks.cn-north-1.amazonaws.com`).
    ///
    /// ## Why is this bad?
    /// An IAM OIDC provider lives in the role's account, and an account belongs to exactly one
    /// partition; STS matches the trust policy against the provider ARN of that partition. A
    /// template written for the commercial partition and deployed to China or GovCloud keeps
    /// `arn:aws:` and never matches, so no pod can assume the role.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [
    ///     {
    ///       "Effect": "Allow",
    ///       "Principal": {
    ///         "Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/0123456789ABCDEF0123456789ABCDEF"
    ///       },
    ///       "Action": "sts:AssumeRoleWithWebIdentity",
    ///       "Condition": {
    ///         "StringEquals": {
    ///           "oidc.eks.cn-north-1.amazonaws.com.cn/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:payments:api",
    ///           "oidc.eks.cn-north-1.amazonaws.com.cn/id/0123456789ABCDEF0123456789ABCDEF:aud": "sts.amazonaws.com"
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
    ///         "Federated": "arn:aws-cn:iam::111122223333:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/0123456789ABCDEF0123456789ABCDEF"
    ///       },
    ///       "Action": "sts:AssumeRoleWithWebIdentity",
    ///       "Condition": {
    ///         "StringEquals": {
    ///           "oidc.eks.cn-north-1.amazonaws.com.cn/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:payments:api",
    ///           "oidc.eks.cn-north-1.amazonaws.com.cn/id/0123456789ABCDEF0123456789ABCDEF:aud": "sts.amazonaws.com"
    ///         }
    ///       }
    ///     }
    ///   ]
    /// }
    /// ```
    ///
    /// ## Known problems
    /// Only AWS-hosted issuers (EKS, S3) say which partition they belong to; GitHub Actions,
    /// GitLab and other issuers are used from every partition and are not checked. An account
    /// of one partition may in principle register a provider for an S3-hosted issuer of
    /// another, so a mismatch there may be intended.
    ///
    /// ## References
    /// - SEMANTICS.md §4.1 (provider ARN), §4.5 (EKS issuer formats per partition), §2.2
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html>
    pub struct PartitionMismatch {
        code: "TL106",
        name: "partition-mismatch",
        category: Correctness,
        since: "0.1.0",
    }
}

impl Rule for PartitionMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
        for provider in cx
            .policy
            .statements
            .iter()
            .flat_map(|s| cx.oidc_providers(s))
        {
            if let Some(f) = mismatch(&provider) {
                out.push(f);
            }
        }
    }
}

/// The domain EKS issuers of a partition end with.
fn partition_domain(partition: &str) -> &'static str {
    match partition {
        "aws" | "aws-us-gov" => "amazonaws.com",
        _ => AWS_DOMAINS
            .iter()
            .find(|(_, p)| *p == partition)
            .map_or("amazonaws.com", |(d, _)| d),
    }
}

/// Where the parts of the ARN are written: the partition, and the issuer host.
fn spans(provider: &OidcProvider<'_>, host: &str) -> (Span, Span) {
    let entry = provider.entry;
    let value = entry.value.as_str();
    let partition = inner_span(entry.span, value, "arn:".len(), provider.partition.len());
    let host_at = value.len().saturating_sub(provider.prefix.len());
    let host = inner_span(entry.span, value, host_at, host.len());
    (partition, host)
}

fn mismatch(provider: &OidcProvider<'_>) -> Option<Finding> {
    let meta = &PartitionMismatch::META;
    let partition = provider.partition;
    if !PARTITIONS.contains(&partition) {
        // An unknown partition is TL101's.
        return None;
    }
    let host = provider.prefix.split('/').next().unwrap_or("");
    let (partition_span, host_span) = spans(provider, host);
    let rest = provider.prefix.get(host.len()..).unwrap_or("");
    let arn_with = |p: &str, h: &str| {
        format!(
            "write `arn:{p}:iam::{}:oidc-provider/{h}{rest}`",
            provider.account
        )
    };

    if let Some(eks) = eks_host(host) {
        if !looks_like_region(eks.region) {
            return None;
        }
        let expected = region_partition(eks.region);
        let domain = partition_domain(expected);
        if eks.domain != domain {
            let fixed = format!("oidc.eks.{}.{domain}", eks.region);
            return Some(
                meta.finding(
                    host_span,
                    format!(
                        "EKS issuer `{host}` cannot exist: region `{}` is in the `{expected}` partition, whose issuers end with `.{domain}`",
                        eks.region
                    ),
                )
                .with_help(arn_with(expected, &fixed)),
            );
        }
        if partition != expected {
            return Some(
                meta.finding(
                    partition_span,
                    format!(
                        "provider ARN is in partition `{partition}`, but EKS issuer `{host}` is in `{expected}`"
                    ),
                )
                .with_label(host_span, format!("an `{expected}` issuer"))
                .with_help(arn_with(expected, host)),
            );
        }
        return None;
    }

    // Other AWS-hosted issuers (S3): the domain and a GovCloud region name say the partition.
    let expected = if host.ends_with(".amazonaws.com.cn") {
        "aws-cn"
    } else if host.ends_with(".amazonaws.com") && host.contains("us-gov-") {
        "aws-us-gov"
    } else {
        return None;
    };
    (partition != expected).then(|| {
        meta.finding(
            partition_span,
            format!("provider ARN is in partition `{partition}`, but issuer `{host}` is hosted in `{expected}`"),
        )
        .with_label(host_span, format!("an `{expected}` issuer"))
        .with_help(arn_with(expected, host))
    })
}

#[cfg(test)]
mod tests {
    use crate::check::{check, CheckOptions};

    const ID: &str = "0123456789ABCDEF0123456789ABCDEF";

    fn run(federated: &str) -> Vec<(String, String, Option<String>)> {
        let doc = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
              "Principal": {{"Federated": "{federated}"}}, "Action": "sts:AssumeRoleWithWebIdentity"}}]}}"#
        );
        check(doc.as_bytes(), &CheckOptions::only("TL106"))
            .findings
            .into_iter()
            .map(|r| {
                (
                    doc[r.finding.span.start..r.finding.span.end].to_owned(),
                    r.finding.message,
                    r.finding.help,
                )
            })
            .collect()
    }

    #[test]
    fn reports_china_and_govcloud_issuers_with_the_wrong_partition() {
        let f = run(&format!(
            "arn:aws:iam::111122223333:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/{ID}"
        ));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].0, "aws");
        assert_eq!(
            f[0].1,
            "provider ARN is in partition `aws`, but EKS issuer `oidc.eks.cn-north-1.amazonaws.com.cn` is in `aws-cn`"
        );
        assert_eq!(
            f[0].2.as_deref(),
            Some(format!("write `arn:aws-cn:iam::111122223333:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/{ID}`").as_str())
        );
        let f = run(&format!(
            "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-gov-west-1.amazonaws.com/id/{ID}"
        ));
        assert_eq!(f.len(), 1);
        assert!(f[0].1.contains("`aws-us-gov`"));
        // Conversely: a China ARN with a commercial cluster.
        let f = run(&format!(
            "arn:aws-cn:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/{ID}"
        ));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].0, "aws-cn");
        // S3-hosted self-managed issuers.
        assert_eq!(
            run("arn:aws:iam::111122223333:oidc-provider/s3.cn-northwest-1.amazonaws.com.cn/oidc-bucket").len(),
            1
        );
        assert_eq!(
            run("arn:aws:iam::111122223333:oidc-provider/s3.us-gov-west-1.amazonaws.com/oidc-bucket").len(),
            1
        );
    }

    #[test]
    fn reports_issuers_whose_region_and_domain_disagree() {
        let f = run(&format!(
            "arn:aws-cn:iam::111122223333:oidc-provider/oidc.eks.cn-north-1.amazonaws.com/id/{ID}"
        ));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].0, "oidc.eks.cn-north-1.amazonaws.com");
        assert!(f[0].1.contains("cannot exist"));
    }

    #[test]
    fn accepts_matching_partitions() {
        for arn in [
            format!("arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/{ID}"),
            format!("arn:aws-cn:iam::111122223333:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/{ID}"),
            format!("arn:aws-us-gov:iam::111122223333:oidc-provider/oidc.eks.us-gov-east-1.amazonaws.com/id/{ID}"),
            format!("arn:aws-iso:iam::111122223333:oidc-provider/oidc.eks.us-iso-east-1.c2s.ic.gov/id/{ID}"),
            "arn:aws-cn:iam::111122223333:oidc-provider/token.actions.githubusercontent.com".to_owned(),
            "arn:aws-us-gov:iam::111122223333:oidc-provider/gitlab.com".to_owned(),
            "arn:aws:iam::111122223333:oidc-provider/s3.eu-west-1.amazonaws.com/oidc-bucket".to_owned(),
            "arn:aws-cn:iam::111122223333:oidc-provider/s3.cn-north-1.amazonaws.com.cn/oidc-bucket".to_owned(),
            // Malformed values are TL101's.
            "arn:aws-china:iam::111122223333:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/X".to_owned(),
            format!("arn:aws:iam::111122223333:oidc-provider/oidc.eu-west-1.eks.amazonaws.com/id/{ID}"),
        ] {
            assert!(run(&arn).is_empty(), "{arn}: {:?}", run(&arn));
        }
    }
}
