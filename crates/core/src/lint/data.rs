//! Versioned data about OIDC issuers: which are shared by many customers, and which token claims
//! IAM exposes as condition keys for each. Each entry names its source (tags resolve in
//! SEMANTICS.md §9). Data version: 2026-11.

/// The families of issuers trustlint knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IssuerFamily {
    /// EKS cluster issuers `oidc.eks.<region>.amazonaws.com[.cn]/id/<ID>` \[D-EKS-IRSA\].
    Eks,
    /// GitHub Actions `token.actions.githubusercontent.com[/<enterprise>]` \[D-GH-OIDC\].
    GitHub,
    /// GitLab.com `gitlab.com` \[P-GITLAB-342243\].
    GitLab,
    /// HCP Terraform `app.terraform.io` \[I-TFEDU-2\].
    TerraformCloud,
    /// CircleCI `oidc.circleci.com/org/<id>` \[P-CLASSMETHOD\].
    CircleCi,
    /// Buildkite `agent.buildkite.com` \[I-BUILDKITE-31\].
    Buildkite,
    /// Bitbucket Pipelines `api.bitbucket.org/2.0/workspaces/<ws>/pipelines-config/identity/oidc`.
    Bitbucket,
    /// Google `accounts.google.com` \[D-IAMKEYS\].
    Google,
    /// Any other issuer (self-hosted Kubernetes, Auth0, …).
    Other,
}

impl IssuerFamily {
    /// A human name.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            IssuerFamily::Eks => "EKS",
            IssuerFamily::GitHub => "GitHub Actions",
            IssuerFamily::GitLab => "GitLab.com",
            IssuerFamily::TerraformCloud => "HCP Terraform",
            IssuerFamily::CircleCi => "CircleCI",
            IssuerFamily::Buildkite => "Buildkite",
            IssuerFamily::Bitbucket => "Bitbucket Pipelines",
            IssuerFamily::Google => "Google",
            IssuerFamily::Other => "self-hosted or other",
        }
    }

    /// Whether one issuer URL serves many customers, so that only `sub` tells them apart
    /// (IAM refuses new trust policies for these without a `sub` condition \[D-SHARED\]).
    #[must_use]
    pub const fn is_shared(self) -> bool {
        matches!(
            self,
            IssuerFamily::GitHub
                | IssuerFamily::GitLab
                | IssuerFamily::TerraformCloud
                | IssuerFamily::CircleCi
                | IssuerFamily::Buildkite
                | IssuerFamily::Bitbucket
                | IssuerFamily::Google
        )
    }

    /// The claims IAM exposes as `<issuer>:<claim>` condition keys \[D-IAMKEYS\]\[P-CAGEYV\], or
    /// `None` when trustlint does not know the list (then no claim is reported as unsupported
    /// except those never exposed by any provider).
    #[must_use]
    pub const fn claims(self) -> Option<&'static [&'static str]> {
        match self {
            // The generic OIDC keys; the nested `kubernetes.io` claim is not exposed [C-EKS-BP].
            IssuerFamily::Eks => Some(&["sub", "aud", "azp", "amr"]),
            // Since Feb 2026, selected custom claims are exposed [P-CAGEYV][I-CAC-README-CLAIMS].
            IssuerFamily::GitHub => Some(&[
                "sub",
                "aud",
                "azp",
                "amr",
                "actor",
                "actor_id",
                "job_workflow_ref",
                "repository",
                "repository_id",
                "workflow",
                "ref",
                "environment",
                "enterprise_id",
            ]),
            // Google: `oaud` and `email` are documented [D-IAMKEYS].
            IssuerFamily::Google => Some(&["sub", "aud", "azp", "amr", "oaud", "email"]),
            _ => None,
        }
    }
}

/// Claims no provider exposes as condition keys (SEMANTICS.md §4.3, §6 #3).
pub const NEVER_EXPOSED_CLAIMS: &[&str] = &[
    "iss",
    "namespace",
    "kubernetes.io",
    "exp",
    "iat",
    "nbf",
    "jti",
];

/// The family of an issuer, from its URL without `https://`.
#[must_use]
pub fn issuer_family(prefix: &str) -> IssuerFamily {
    let lower = prefix.to_ascii_lowercase();
    let host = lower.split('/').next().unwrap_or("");
    if is_eks_issuer(prefix) {
        IssuerFamily::Eks
    } else if host == "token.actions.githubusercontent.com" {
        IssuerFamily::GitHub
    } else if host == "gitlab.com" {
        IssuerFamily::GitLab
    } else if host == "app.terraform.io" {
        IssuerFamily::TerraformCloud
    } else if host == "oidc.circleci.com" {
        IssuerFamily::CircleCi
    } else if host == "agent.buildkite.com" {
        IssuerFamily::Buildkite
    } else if host == "api.bitbucket.org" {
        IssuerFamily::Bitbucket
    } else if host == "accounts.google.com" {
        IssuerFamily::Google
    } else {
        IssuerFamily::Other
    }
}

/// Whether `prefix` is an EKS issuer: `oidc.eks.<region>.amazonaws.com[.cn]/id/<ID>` \[D-EKS-IRSA\].
#[must_use]
pub fn is_eks_issuer(prefix: &str) -> bool {
    // The host is a prefix of `prefix`: reject other issuers before searching for `/id/`.
    if !prefix.starts_with("oidc.eks.") {
        return false;
    }
    // The first `/id/` (like `split_once("/id/")`, without building a substring searcher).
    let Some(at) = memchr::memchr_iter(b'/', prefix.as_bytes()).find(|&i| {
        prefix
            .as_bytes()
            .get(i..)
            .is_some_and(|r| r.starts_with(b"/id/"))
    }) else {
        return false;
    };
    is_eks_host_and_id(
        prefix.get(..at).unwrap_or(""),
        prefix.get(at + 4..).unwrap_or(""),
    )
}

/// Whether `host` is `oidc.eks.<region>.amazonaws.com[.cn]` and `id` one path segment.
fn is_eks_host_and_id(host: &str, id: &str) -> bool {
    let Some(rest) = host.strip_prefix("oidc.eks.") else {
        return false;
    };
    let region = rest
        .strip_suffix(".amazonaws.com")
        .or_else(|| rest.strip_suffix(".amazonaws.com.cn"))
        .unwrap_or("");
    !region.is_empty() && !region.contains('.') && !id.is_empty() && !id.contains('/')
}

/// The EKS region of an issuer, if it is one.
#[must_use]
pub fn eks_region(prefix: &str) -> Option<&str> {
    if !is_eks_issuer(prefix) {
        return None;
    }
    let host = prefix.split('/').next()?;
    host.strip_prefix("oidc.eks.")?.split('.').next()
}

/// Built-in web identity providers named by domain in `Federated` \[D-PRIN\].
pub const BUILT_IN_IDPS: &[&str] = &[
    "cognito-identity.amazonaws.com",
    "accounts.google.com",
    "graph.facebook.com",
    "www.amazon.com",
];

/// The service principal of EKS Pod Identity \[D-EKS-PI-ROLE\].
pub const POD_IDENTITY_SERVICE: &str = "pods.eks.amazonaws.com";

/// The session tags EKS Pod Identity sets \[D-EKS-PI-ABAC\].
pub const POD_IDENTITY_TAGS: &[&str] = &[
    "eks-cluster-arn",
    "eks-cluster-name",
    "kubernetes-namespace",
    "kubernetes-service-account",
    "kubernetes-pod-name",
    "kubernetes-pod-uid",
];

/// The default audience of EKS service-account tokens \[D-EKS-IRSA\].
pub const EKS_AUDIENCE: &str = "sts.amazonaws.com";

#[cfg(test)]
mod tests {
    use super::*;

    /// `is_eks_issuer` written plainly: split at the first `/id/` with `split_once`.
    fn plain_is_eks_issuer(prefix: &str) -> bool {
        prefix
            .split_once("/id/")
            .is_some_and(|(host, id)| is_eks_host_and_id(host, id))
    }

    proptest::proptest! {
        /// EKS issuers are recognised as by the plain definition, on issuer-like text.
        #[test]
        fn eks_issuers_agree_with_the_plain_definition(
            host in proptest::sample::select(vec!["oidc.eks.", "oidc.eks", "x.oidc.eks.", ""]),
            region in "[a-z0-9/.-]{0,12}",
            domain in proptest::sample::select(vec![".amazonaws.com", ".amazonaws.com.cn", ".example.com", ""]),
            middle in proptest::sample::select(vec!["/id/", "/id", "/x/id/", "//id/", "/id//id/"]),
            id in "[A-F0-9/]{0,6}",
        ) {
            let prefix = format!("{host}{region}{domain}{middle}{id}");
            proptest::prop_assert_eq!(is_eks_issuer(&prefix), plain_is_eks_issuer(&prefix), "{}", prefix);
        }
    }

    #[test]
    fn families() {
        assert_eq!(
            issuer_family("oidc.eks.eu-west-1.amazonaws.com/id/ABC"),
            IssuerFamily::Eks
        );
        assert_eq!(
            issuer_family("oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC"),
            IssuerFamily::Eks
        );
        assert_eq!(
            issuer_family("oidc.eu-west-1.eks.amazonaws.com/id/ABC"),
            IssuerFamily::Other
        );
        assert_eq!(
            issuer_family("token.actions.githubusercontent.com"),
            IssuerFamily::GitHub
        );
        assert_eq!(
            issuer_family("token.actions.githubusercontent.com/acme"),
            IssuerFamily::GitHub
        );
        assert_eq!(
            issuer_family("api.Bitbucket.org/2.0/workspaces/w/pipelines-config/identity/oidc"),
            IssuerFamily::Bitbucket
        );
        assert_eq!(
            issuer_family("s3.eu-west-1.amazonaws.com/bucket"),
            IssuerFamily::Other
        );
        assert!(IssuerFamily::GitHub.is_shared());
        assert!(!IssuerFamily::Eks.is_shared());
        assert_eq!(
            eks_region("oidc.eks.us-gov-west-1.amazonaws.com/id/X"),
            Some("us-gov-west-1")
        );
    }
}
