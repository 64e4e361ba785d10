//! Helpers shared by several rules of one group.
//!
//! Group "document, principal and action" (TL0xx docs, TL101–TL106): which actions a statement
//! allows, what kind of caller each principal is, ARN and partition parsing.

use crate::policy::{Effect, PrincipalEntry, PrincipalKind, Statement};
use crate::source::Span;

/// `sts:AssumeRole`: IAM principals and service principals (SEMANTICS.md §1.5).
pub(crate) const ASSUME_ROLE: &str = "sts:AssumeRole";
/// `sts:AssumeRoleWithWebIdentity`: OIDC providers and built-in web identity providers.
pub(crate) const ASSUME_ROLE_WITH_WEB_IDENTITY: &str = "sts:AssumeRoleWithWebIdentity";
/// `sts:AssumeRoleWithSAML`: SAML providers.
pub(crate) const ASSUME_ROLE_WITH_SAML: &str = "sts:AssumeRoleWithSAML";
/// `sts:TagSession`: required whenever session tags are passed (SEMANTICS.md §2.3, §4.4).
pub(crate) const TAG_SESSION: &str = "sts:TagSession";
/// `sts:SetSourceIdentity`: lets the caller set a source identity that follows the session.
pub(crate) const SET_SOURCE_IDENTITY: &str = "sts:SetSourceIdentity";

/// The three ways to assume a role, each used by one kind of caller.
pub(crate) const ASSUME_ACTIONS: [&str; 3] = [
    ASSUME_ROLE,
    ASSUME_ROLE_WITH_WEB_IDENTITY,
    ASSUME_ROLE_WITH_SAML,
];

/// Every action of the STS service (the Service Authorization Reference, 2026). A pattern that
/// matches all of them grants the whole service.
pub(crate) const STS_ACTIONS: &[&str] = &[
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRoot",
    "sts:DecodeAuthorizationMessage",
    "sts:GetAccessKeyInfo",
    "sts:GetCallerIdentity",
    "sts:GetFederationToken",
    "sts:GetServiceBearerToken",
    "sts:GetSessionToken",
    "sts:SetContext",
    "sts:SetSourceIdentity",
    "sts:TagSession",
];

/// Whether the statement's `Action`/`NotAction` admits `action` (SEMANTICS.md §2.3: patterns are
/// case-insensitive globs; `NotAction` admits what it does not list). No element: nothing.
pub(crate) fn allows_action(statement: &Statement, action: &str) -> bool {
    statement.action.as_ref().is_some_and(|actions| {
        actions.patterns.iter().any(|p| p.matches(action)) != actions.negated
    })
}

/// Whether the statement's effect is exactly `Allow`.
pub(crate) fn is_allow(statement: &Statement) -> bool {
    statement
        .effect
        .as_ref()
        .is_some_and(|e| e.value == Effect::Allow)
}

/// Whether the statement's `Principal` admits the service principal `service`: named exactly, or
/// through a wildcard (`"*"`, or a `"*"` value, as the evaluator treats it).
pub(crate) fn admits_service(statement: &Statement, service: &str) -> bool {
    statement.principal.as_ref().is_some_and(|p| {
        p.any
            || p.entries.iter().any(|e| {
                (e.kind == PrincipalKind::Service && e.value == service)
                    || (e.value == "*" && e.kind != PrincipalKind::CanonicalUser)
            })
    })
}

/// The kind of caller a principal entry stands for, by the action it calls STS with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Caller {
    /// An OIDC provider or a built-in web identity provider: `AssumeRoleWithWebIdentity`.
    WebIdentity,
    /// A SAML provider: `AssumeRoleWithSAML`.
    Saml,
    /// A service principal: `AssumeRole`.
    Service,
    /// An IAM principal (account, role, user, session): `AssumeRole`.
    Aws,
}

impl Caller {
    /// The kind of an entry, if it is clear. `"*"` values and `CanonicalUser` have none.
    pub(crate) fn of(entry: &PrincipalEntry) -> Option<Caller> {
        if entry.value == "*" {
            return None;
        }
        match entry.kind {
            PrincipalKind::Aws => Some(Caller::Aws),
            PrincipalKind::Service => Some(Caller::Service),
            PrincipalKind::CanonicalUser => None,
            PrincipalKind::Federated => {
                let v = entry.value.as_str();
                if v.contains(":saml-provider/") {
                    Some(Caller::Saml)
                } else if v.contains(":oidc-provider/")
                    || crate::lint::data::BUILT_IN_IDPS.contains(&v)
                {
                    Some(Caller::WebIdentity)
                } else {
                    None
                }
            }
        }
    }

    /// The action this caller assumes a role with.
    pub(crate) const fn action(self) -> &'static str {
        match self {
            Caller::WebIdentity => ASSUME_ROLE_WITH_WEB_IDENTITY,
            Caller::Saml => ASSUME_ROLE_WITH_SAML,
            Caller::Service | Caller::Aws => ASSUME_ROLE,
        }
    }

    /// The principal, for messages ("allows … only …").
    pub(crate) const fn describe(self) -> &'static str {
        match self {
            Caller::WebIdentity => "the web identity provider",
            Caller::Saml => "the SAML provider",
            Caller::Service => "the service principal",
            Caller::Aws => "the IAM principal",
        }
    }

    /// Who calls [`Caller::action`], for messages ("… use `<action>`").
    pub(crate) const fn callers(self) -> &'static str {
        match self {
            Caller::WebIdentity => "OIDC callers (IRSA, GitHub Actions, …) use",
            Caller::Saml => "SAML callers use",
            Caller::Service => "services (EKS Pod Identity, …) use",
            Caller::Aws => "IAM principals use",
        }
    }
}

/// The actions a statement's principals need: the assume-role action of each kind of caller,
/// and `sts:TagSession` for EKS Pod Identity. Empty when no principal has a clear kind.
pub(crate) fn needed_actions(statement: &Statement) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for entry in statement.principal.iter().flat_map(|p| p.entries.iter()) {
        let Some(caller) = Caller::of(entry) else {
            continue;
        };
        if !out.contains(&caller.action()) {
            out.push(caller.action());
        }
        if entry.kind == PrincipalKind::Service
            && entry.value == crate::lint::data::POD_IDENTITY_SERVICE
            && !out.contains(&TAG_SESSION)
        {
            out.push(TAG_SESSION);
        }
    }
    // A stable order: assume-role actions first, as AWS examples write them.
    out.sort_by_key(|a| (*a == TAG_SESSION, *a));
    out
}

/// A help text listing the actions the statement needs: ``write `"Action": …` ``.
pub(crate) fn needed_actions_help(statement: &Statement) -> String {
    match needed_actions(statement).as_slice() {
        [] => "list only the actions the principal calls, e.g. `sts:AssumeRoleWithWebIdentity` or `sts:AssumeRole`".to_owned(),
        [one] => format!("write `\"Action\": \"{one}\"`"),
        many => format!(
            "write `\"Action\": [{}]`",
            many.iter()
                .map(|a| format!("\"{a}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The partitions IAM ARNs use.
pub(crate) const PARTITIONS: &[&str] = &[
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

/// The six parts of an ARN `arn:partition:service:region:account:resource` (the resource keeps
/// any further colons).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ArnParts<'a> {
    pub(crate) partition: &'a str,
    pub(crate) service: &'a str,
    pub(crate) region: &'a str,
    pub(crate) account: &'a str,
    pub(crate) resource: &'a str,
}

/// Split an ARN into its parts; `None` unless it starts with `arn:` and has six parts.
pub(crate) fn split_arn(value: &str) -> Option<ArnParts<'_>> {
    let mut parts = value.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    Some(ArnParts {
        partition: parts.next()?,
        service: parts.next()?,
        region: parts.next()?,
        account: parts.next()?,
        resource: parts.next()?,
    })
}

/// Whether `region` has the shape of an AWS region: `us-east-1`, `us-gov-west-1`,
/// `cn-north-1`, `us-isob-east-1`, `eu-central-2`.
pub(crate) fn looks_like_region(region: &str) -> bool {
    let lower = |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase());
    let Some((area, rest)) = region.split_once('-') else {
        return false;
    };
    let Some((middle, number)) = rest.rsplit_once('-') else {
        return false;
    };
    area.len() == 2
        && lower(area)
        && middle.split('-').all(lower)
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// The partition an AWS region belongs to.
pub(crate) fn region_partition(region: &str) -> &'static str {
    if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else if region.starts_with("us-isof-") {
        "aws-iso-f"
    } else if region.starts_with("eu-isoe-") {
        "aws-iso-e"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else if region.starts_with("eusc-") {
        "aws-eusc"
    } else {
        "aws"
    }
}

/// An EKS issuer host split into its parts: `oidc.eks.<region>.<domain>`, for the DNS suffixes
/// EKS uses (`amazonaws.com`, `amazonaws.com.cn`, and the ISO suffixes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EksHost<'a> {
    pub(crate) region: &'a str,
    pub(crate) domain: &'a str,
}

/// The DNS suffixes of AWS partitions, longest first, with their partition.
pub(crate) const AWS_DOMAINS: &[(&str, &str)] = &[
    ("amazonaws.com.cn", "aws-cn"),
    ("amazonaws.com", "aws"),
    ("sc2s.sgov.gov", "aws-iso-b"),
    ("csp.hci.ic.gov", "aws-iso-f"),
    ("c2s.ic.gov", "aws-iso"),
    ("cloud.adc-e.uk", "aws-iso-e"),
    ("amazonaws.eu", "aws-eusc"),
];

/// Parse `oidc.eks.<region>.<domain>` (the host of an EKS issuer).
pub(crate) fn eks_host(host: &str) -> Option<EksHost<'_>> {
    let rest = host.strip_prefix("oidc.eks.")?;
    AWS_DOMAINS.iter().find_map(|(domain, _)| {
        let region = rest.strip_suffix(domain)?.strip_suffix('.')?;
        (!region.is_empty() && !region.contains('.')).then_some(EksHost { region, domain })
    })
}

/// The span of `len` bytes at byte `offset` of a string value written at `span` (quotes
/// included), when the literal has no escapes; otherwise the whole value.
pub(crate) fn inner_span(span: Span, value: &str, offset: usize, len: usize) -> Span {
    if span.len() == value.len() + 2 && offset + len <= value.len() {
        Span::new(span.start + 1 + offset, span.start + 1 + offset + len)
    } else {
        span
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions() {
        for r in [
            "us-east-1",
            "us-gov-west-1",
            "cn-north-1",
            "us-isob-east-1",
            "ap-southeast-2",
            "il-central-1",
        ] {
            assert!(looks_like_region(r), "{r}");
        }
        for r in [
            "us-east1",
            "useast-1",
            "us-east-",
            "US-EAST-1",
            "eks",
            "",
            "us--1",
            "u-east-1",
            "us-east-1a",
            "-east-1",
            "us-east-1-",
            "us-ea st-1",
            "us-east-x1",
        ] {
            assert!(!looks_like_region(r), "{r}");
        }
        assert_eq!(region_partition("us-gov-east-1"), "aws-us-gov");
        assert_eq!(region_partition("cn-northwest-1"), "aws-cn");
        assert_eq!(region_partition("eu-west-1"), "aws");
        assert_eq!(region_partition("us-iso-east-1"), "aws-iso");
        assert_eq!(region_partition("us-isob-east-1"), "aws-iso-b");
    }

    #[test]
    fn eks_hosts() {
        assert_eq!(
            eks_host("oidc.eks.cn-north-1.amazonaws.com.cn"),
            Some(EksHost {
                region: "cn-north-1",
                domain: "amazonaws.com.cn"
            })
        );
        assert_eq!(
            eks_host("oidc.eks.us-iso-east-1.c2s.ic.gov").map(|h| h.region),
            Some("us-iso-east-1")
        );
        assert_eq!(eks_host("oidc.eks.amazonaws.com"), None);
        assert_eq!(eks_host("oidc.eu-west-1.eks.amazonaws.com"), None);
    }

    #[test]
    fn arns() {
        let a = split_arn("arn:aws:iam::111122223333:oidc-provider/a:b").unwrap();
        assert_eq!(a.partition, "aws");
        assert_eq!(a.resource, "oidc-provider/a:b");
        assert!(split_arn("arn:aws:iam::1").is_none());
        assert!(split_arn("https://x").is_none());
    }
}

/// Helpers for the tests of the document rules.
#[cfg(test)]
pub(crate) mod testing {
    use crate::check::{check, CheckOptions};
    use crate::diagnostic::Severity;

    /// (text under the primary span, severity, message, whether IAM rejects) of every finding
    /// of `code` in `doc`.
    pub(crate) fn parse_findings(code: &str, doc: &str) -> Vec<(String, Severity, String, bool)> {
        check(doc.as_bytes(), &CheckOptions::only(code))
            .findings
            .into_iter()
            .map(|r| {
                let f = r.finding;
                (
                    doc.get(f.span.start..f.span.end).unwrap_or("").to_owned(),
                    f.severity,
                    f.message,
                    f.iam_rejects,
                )
            })
            .collect()
    }
}
