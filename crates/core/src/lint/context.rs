//! What a rule sees: the policy, its text, the configuration, and helpers for common questions.

use crate::policy::{Condition, Effect, PrincipalEntry, PrincipalKind, Statement, TrustPolicy};

/// One cluster (or other OIDC issuer) of the configured inventory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cluster {
    /// Its name.
    pub name: String,
    /// The issuer URL (`https://…`).
    pub issuer: String,
    /// The account holding its IAM OIDC provider and roles, if known.
    pub account: Option<String>,
    /// The audiences its service accounts use (default `sts.amazonaws.com`).
    pub audiences: Vec<String>,
    /// Namespaces no wildcard may reach.
    pub protected_namespaces: Vec<String>,
}

impl Cluster {
    /// The issuer without `https://`, i.e. the provider path and condition-key prefix.
    #[must_use]
    pub fn prefix(&self) -> &str {
        self.issuer.strip_prefix("https://").unwrap_or(&self.issuer)
    }
}

/// Options that change what rules report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LintConfig {
    /// The cluster inventory (TL4xx and TL5xx need it).
    pub clusters: Vec<Cluster>,
}

impl LintConfig {
    /// The protected namespaces: those of every cluster, or `kube-system` when none are set.
    #[must_use]
    pub fn protected_namespaces(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .clusters
            .iter()
            .flat_map(|c| c.protected_namespaces.iter().map(String::as_str))
            .collect();
        if out.is_empty() {
            out.push("kube-system");
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The configured audiences for an issuer prefix (empty when the issuer is not configured).
    #[must_use]
    pub fn audiences_for(&self, prefix: &str) -> Vec<&str> {
        self.clusters
            .iter()
            .filter(|c| c.prefix() == prefix)
            .flat_map(|c| c.audiences.iter().map(String::as_str))
            .collect()
    }
}

/// The policy under lint and what rules need with it.
#[derive(Debug, Clone, Copy)]
pub struct LintContext<'a> {
    /// The policy.
    pub policy: &'a TrustPolicy,
    /// The text the policy's spans point into.
    pub text: &'a str,
    /// The configuration.
    pub config: &'a LintConfig,
    /// The account the role lives in, when the input says.
    pub role_account: Option<&'a str>,
    /// What the policy admits, computed once and shared by the rules that decide on it.
    pub admitted: &'a AdmittedSets,
    /// The OIDC providers of each statement, parsed once for all rules.
    pub providers: &'a StatementProviders<'a>,
}

/// The OIDC providers each statement of one policy trusts ([`oidc_providers`]), parsed once
/// and shared by the rules (most rules ask, some for every statement several times).
#[derive(Debug, Default)]
pub struct StatementProviders<'a>(Vec<Vec<OidcProvider<'a>>>);

impl<'a> StatementProviders<'a> {
    /// The providers of every statement of `policy`, in statement order.
    #[must_use]
    pub fn new(policy: &'a TrustPolicy) -> Self {
        Self(
            policy
                .statements
                .iter()
                .map(|s| oidc_providers(s).collect())
                .collect(),
        )
    }
}

/// The web-identity regions admitted to each OIDC provider of one policy
/// ([`crate::symbolic::admitted_to`]), computed on first use and shared by the rules that
/// decide breadth on the admitted set (TL204, TL206, TL402). Use one per policy.
#[derive(Debug, Default)]
pub struct AdmittedSets(
    std::cell::RefCell<Vec<(String, std::rc::Rc<Vec<crate::symbolic::Region>>)>>,
);

impl AdmittedSets {
    /// The regions `policy` admits to the web-identity principal `principal`.
    #[must_use]
    pub fn web_identity(
        &self,
        policy: &TrustPolicy,
        principal: &str,
    ) -> std::rc::Rc<Vec<crate::symbolic::Region>> {
        if let Some((_, r)) = self.0.borrow().iter().find(|(p, _)| p == principal) {
            return std::rc::Rc::clone(r);
        }
        let regions = std::rc::Rc::new(crate::symbolic::admitted_to(
            policy,
            crate::symbolic::PrincipalClass::WebIdentity,
            principal,
        ));
        self.0
            .borrow_mut()
            .push((principal.to_owned(), std::rc::Rc::clone(&regions)));
        regions
    }
}

/// A `Federated` principal that names an IAM OIDC provider.
#[derive(Debug, Clone, Copy)]
pub struct OidcProvider<'a> {
    /// The principal entry.
    pub entry: &'a PrincipalEntry,
    /// The ARN's partition.
    pub partition: &'a str,
    /// The ARN's account.
    pub account: &'a str,
    /// The provider path: the issuer without `https://`, and the condition-key prefix.
    pub prefix: &'a str,
    /// Whether the issuer is an EKS cluster issuer.
    eks: bool,
}

impl<'a> OidcProvider<'a> {
    /// Parse an entry of the form `arn:<partition>:iam::<account>:oidc-provider/<prefix>`.
    #[must_use]
    pub fn from_entry(entry: &'a PrincipalEntry) -> Option<Self> {
        if entry.kind != PrincipalKind::Federated {
            return None;
        }
        let mut parts = entry.value.splitn(6, ':');
        if parts.next()? != "arn" {
            return None;
        }
        let partition = parts.next()?;
        let service = parts.next()?;
        let _region = parts.next()?;
        let account = parts.next()?;
        let prefix = parts.next()?.strip_prefix("oidc-provider/")?;
        (service == "iam").then(|| Self {
            entry,
            partition,
            account,
            prefix,
            eks: super::data::is_eks_issuer(prefix),
        })
    }

    /// Whether the issuer is an EKS cluster issuer (`oidc.eks.<region>.amazonaws.com[.cn]/id/…`).
    #[must_use]
    pub fn is_eks(&self) -> bool {
        self.eks
    }
}

impl<'a> LintContext<'a> {
    /// Statements whose effect is exactly `Allow`.
    pub fn allow_statements(&self) -> impl Iterator<Item = &'a Statement> {
        self.policy
            .statements
            .iter()
            .filter(|s| s.effect.as_ref().is_some_and(|e| e.value == Effect::Allow))
    }

    /// The OIDC providers `statement` trusts: from [`LintContext::providers`] for a statement
    /// of the policy, parsed again for any other.
    pub fn oidc_providers(
        &self,
        statement: &'a Statement,
    ) -> impl Iterator<Item = OidcProvider<'a>> + Clone + use<'a> {
        let cached = self
            .policy
            .statements
            .iter()
            .position(|s| std::ptr::eq(s, statement))
            .and_then(|i| self.providers.0.get(i));
        let parsed = cached
            .is_none()
            .then(|| oidc_providers(statement))
            .into_iter()
            .flatten();
        cached.into_iter().flatten().copied().chain(parsed)
    }

    /// The text of a span.
    #[must_use]
    pub fn slice(&self, span: crate::source::Span) -> &'a str {
        self.text.get(span.start..span.end).unwrap_or("")
    }
}

/// The OIDC providers a statement trusts.
pub fn oidc_providers(statement: &Statement) -> impl Iterator<Item = OidcProvider<'_>> + Clone {
    statement
        .principal
        .iter()
        .flat_map(|p| p.entries.iter())
        .filter_map(OidcProvider::from_entry)
}

/// Whether a statement trusts the service principal `service`.
#[must_use]
pub fn trusts_service(statement: &Statement, service: &str) -> bool {
    statement
        .principal
        .iter()
        .flat_map(|p| p.entries.iter())
        .any(|e| e.kind == PrincipalKind::Service && e.value == service)
}

/// Split a condition key `<prefix>:<claim>` at its last colon.
#[must_use]
pub fn split_claim(key: &str) -> Option<(&str, &str)> {
    key.rsplit_once(':')
}

/// The conditions of a statement on `<prefix>:<claim>` for one of the statement's providers
/// (prefix compared ASCII case-insensitively, like IAM's key names).
pub fn claim_conditions<'s, 'p, 'c>(
    statement: &'s Statement,
    provider: &OidcProvider<'p>,
    claim: &'c str,
) -> impl Iterator<Item = &'s Condition> + use<'s, 'p, 'c> {
    let prefix = provider.prefix;
    // `key_lower` is in lower case, so comparing it ASCII case-insensitively with the parts is
    // comparing it with `<prefix>:<claim>` in lower case.
    statement.conditions.iter().filter(move |c| {
        let key = c.key_lower.as_bytes();
        key.len() == prefix.len() + 1 + claim.len()
            && key
                .get(..prefix.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(prefix.as_bytes()))
            && key.get(prefix.len()) == Some(&b':')
            && key
                .get(prefix.len() + 1..)
                .is_some_and(|c| c.eq_ignore_ascii_case(claim.as_bytes()))
    })
}

/// Whether a condition really constrains its key in an `Allow` statement: a known, positive
/// operator without `IfExists` and without `ForAllValues:` (those are true when the key is absent).
#[must_use]
pub fn is_effective(condition: &Condition) -> bool {
    condition.operator.is_some_and(|op| {
        !op.base.is_negated()
            && !op.if_exists
            && op.qualifier != Some(crate::policy::SetQualifier::ForAllValues)
            && op.base != crate::policy::BaseOperator::Null
    })
}
