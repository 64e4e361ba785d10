//! TL401 `unknown-issuer`.

use super::group_other::{is_configured_issuer, looks_like_kubernetes_issuer, quoted_list};
use crate::diagnostic::Finding;
use crate::lint::data::eks_region;
use crate::lint::rule::declare_rule;
use crate::lint::{Cluster, LintContext, OidcProvider, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// When the configuration lists clusters, checks every `Federated` OIDC provider that is a
    /// Kubernetes issuer — an EKS issuer (`oidc.eks.<region>.amazonaws.com/id/<ID>`), or any
    /// issuer whose `:sub` conditions in the statement name service accounts
    /// (`system:serviceaccount:…`), or one that differs from a configured issuer only in letter
    /// case, a trailing slash or an `https://` scheme — against the configured clusters'
    /// issuers, and reports the ones that are not among them, for example a stale cluster id
    /// after a cluster was recreated. Shared issuers such as GitHub Actions are not clusters and are not checked.
    ///
    /// ## Why is this bad?
    /// STS looks up the provider by the token's exact issuer URL. A trust policy that names the
    /// issuer of a deleted or recreated cluster (or a typo of a configured one) matches no token
    /// any configured cluster issues: the workloads it was written for cannot assume the role.
    /// Worse, if the old cluster id is ever reused by someone else's provider in the account, the
    /// role trusts it.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [{
    ///     "Effect": "Allow",
    ///     "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/FEDCBA9876543210FEDCBA9876543210"},
    ///     "Action": "sts:AssumeRoleWithWebIdentity",
    ///     "Condition": {
    ///       "StringEquals": {
    ///         "oidc.eks.eu-west-1.amazonaws.com/id/FEDCBA9876543210FEDCBA9876543210:aud": "sts.amazonaws.com",
    ///         "oidc.eks.eu-west-1.amazonaws.com/id/FEDCBA9876543210FEDCBA9876543210:sub": "system:serviceaccount:payments:api"
    ///       }
    ///     }
    ///   }]
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [{
    ///     "Effect": "Allow",
    ///     "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"},
    ///     "Action": "sts:AssumeRoleWithWebIdentity",
    ///     "Condition": {
    ///       "StringEquals": {
    ///         "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud": "sts.amazonaws.com",
    ///         "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:payments:api"
    ///       }
    ///     }
    ///   }]
    /// }
    /// ```
    ///
    /// ## Known problems
    /// The rule assumes the inventory lists every cluster whose workloads may use the policy.
    /// A self-hosted issuer is recognised as a Kubernetes issuer only by its service-account
    /// subjects.
    ///
    /// ## References
    /// - SEMANTICS.md §4.1 (provider identity), §4.2 step 3 (exact issuer lookup), §4.5, §1.4
    ///   (existence of providers is not validated by IAM), §6 #5
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/enable-iam-roles-for-service-accounts.html>
    /// - <https://repost.aws/knowledge-center/eks-troubleshoot-oidc-and-irsa>
    pub struct UnknownIssuer {
        code: "TL401",
        name: "unknown-issuer",
        category: Correctness,
        since: "0.1.0",
    }
}

/// How a provider path differs from a configured issuer that is almost the same.
fn near_miss<'c>(clusters: &'c [Cluster], prefix: &str) -> Option<(&'c Cluster, &'static str)> {
    let bare = |s: &str| s.trim_end_matches('/').to_owned();
    clusters.iter().find_map(|c| {
        let theirs = c.prefix();
        if bare(theirs) == bare(prefix) {
            Some((c, "only in a trailing slash"))
        } else if theirs.eq_ignore_ascii_case(prefix)
            || bare(theirs).eq_ignore_ascii_case(&bare(prefix))
        {
            Some((c, "only in letter case"))
        } else if prefix.starts_with("https://") || prefix.starts_with("http://") {
            prefix
                .split_once("://")
                .filter(|(_, rest)| *rest == theirs)
                .map(|_| (c, "by its `https://` scheme"))
        } else {
            None
        }
    })
}

/// The message and help for a provider that is not a configured issuer.
fn describe(cx: &LintContext<'_>, provider: &OidcProvider<'_>) -> (String, String) {
    let clusters = &cx.config.clusters;
    let arn_of = |c: &Cluster| {
        format!(
            "arn:{}:iam::{}:oidc-provider/{}",
            provider.partition,
            provider.account,
            c.prefix()
        )
    };
    if let Some((c, how)) = near_miss(clusters, provider.prefix) {
        return (
            format!(
                "the OIDC provider `{}` differs from the issuer of cluster `{}` {how}, and STS compares issuers exactly",
                provider.prefix, c.name
            ),
            format!("write `{}`", arn_of(c)),
        );
    }
    let message = format!(
        "the OIDC provider `{}` is not the issuer of any configured cluster",
        provider.prefix
    );
    let region = eks_region(provider.prefix);
    let same_region: Vec<&Cluster> = clusters
        .iter()
        .filter(|c| region.is_some() && eks_region(c.prefix()) == region)
        .collect();
    let help = match same_region.as_slice() {
        [c] => format!(
            "if cluster `{}` was recreated, trust its current issuer: `{}` (and update the condition keys); otherwise add the cluster to the configuration",
            c.name,
            arn_of(c)
        ),
        _ => {
            let names: Vec<&str> = clusters.iter().map(|c| c.name.as_str()).collect();
            format!(
                "trust the issuer of one of the configured clusters ({}), or add this cluster to the configuration",
                quoted_list(&names)
            )
        }
    };
    (message, help)
}

impl Rule for UnknownIssuer {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
        if cx.config.clusters.is_empty() {
            return;
        }
        for statement in &cx.policy.statements {
            for provider in cx.oidc_providers(statement) {
                if is_configured_issuer(cx, provider.prefix)
                    || !(looks_like_kubernetes_issuer(statement, provider.prefix)
                        || near_miss(&cx.config.clusters, provider.prefix).is_some())
                {
                    continue;
                }
                let (message, help) = describe(cx, &provider);
                out.push(
                    Self::META
                        .finding(provider.entry.span, message)
                        .with_help(help),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::group_other::testing::{
        findings, findings_with, inventory, oidc_policy, underlined, EKS, GH,
    };
    use crate::lint::LintConfig;

    const STALE: &str = "oidc.eks.eu-west-1.amazonaws.com/id/FEDCBA9876543210FEDCBA9876543210";

    #[test]
    fn reports_stale_cluster_id() {
        let text = oidc_policy(
            STALE,
            &format!(r#"{{"StringEquals": {{"{STALE}:sub": "system:serviceaccount:a:b"}}}}"#),
        );
        let found = findings("TL401", &text);
        assert_eq!(found.len(), 1);
        assert_eq!(
            underlined(&text, &found),
            [format!(
                "\"arn:aws:iam::111122223333:oidc-provider/{STALE}\""
            )]
        );
        assert_eq!(
            found[0].help.as_deref(),
            Some(format!("if cluster `prod` was recreated, trust its current issuer: `arn:aws:iam::111122223333:oidc-provider/{EKS}` (and update the condition keys); otherwise add the cluster to the configuration").as_str())
        );
        // Another region: no guess.
        let other = "oidc.eks.us-east-1.amazonaws.com/id/FEDCBA9876543210FEDCBA9876543210";
        let found = findings("TL401", &oidc_policy(other, "{}"));
        assert!(found[0]
            .help
            .as_deref()
            .unwrap()
            .starts_with("trust the issuer of one of the configured clusters (`prod`)"));
    }

    #[test]
    fn near_misses() {
        let lower = EKS.to_ascii_lowercase();
        let found = findings("TL401", &oidc_policy(&lower, "{}"));
        assert!(
            found[0].message.contains("only in letter case"),
            "{}",
            found[0].message
        );
        let slash = format!("{EKS}/");
        let found = findings("TL401", &oidc_policy(&slash, "{}"));
        assert!(found[0].message.contains("only in a trailing slash"));
    }

    #[test]
    fn self_hosted_issuers_by_their_subjects() {
        let s3 = "s3.eu-west-1.amazonaws.com/old-bucket";
        let text = oidc_policy(
            s3,
            &format!(r#"{{"StringLike": {{"{s3}:sub": "system:serviceaccount:a:*"}}}}"#),
        );
        assert_eq!(findings("TL401", &text).len(), 1);
        let text = oidc_policy(
            s3,
            &format!(r#"{{"StringEquals": {{"{s3}:sub": "user-42"}}}}"#),
        );
        assert!(findings("TL401", &text).is_empty());
    }

    #[test]
    fn fine_cases() {
        // The configured issuer.
        assert!(findings("TL401", &oidc_policy(EKS, "{}")).is_empty());
        // Shared issuers are not clusters.
        let text = oidc_policy(
            GH,
            &format!(r#"{{"StringLike": {{"{GH}:sub": "repo:a/b:*"}}}}"#),
        );
        assert!(findings("TL401", &text).is_empty());
        // Without an inventory the rule is off.
        let text = oidc_policy(STALE, "{}");
        assert!(findings_with("TL401", &text, LintConfig::default()).is_empty());
        // A second configured cluster.
        let mut config = inventory();
        let mut second = config.clusters[0].clone();
        second.name = "staging".into();
        second.issuer = format!("https://{STALE}");
        config.clusters.push(second);
        assert!(findings_with("TL401", &text, config).is_empty());
    }
}
