//! Sentences and example identities for regions.

use super::region::{describe_patterns, KeySet, Region};
use super::{Admitted, PrincipalClass};
use crate::algebra::StringSet;
use crate::eval::Decision;
use crate::identity::{Identity, Issuer, Query};
use crate::policy::TrustPolicy;

/// A concrete identity admitted by a region, written as `can-assume` flags would give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// The query that reproduces it.
    pub query: Query,
}

/// What a region admits, in words and as a checked example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// One sentence.
    pub text: String,
    /// An identity in the region, re-evaluated with the concrete evaluator (`None` when no example
    /// could be built that the evaluator confirms, e.g. for conditions trustlint does not model).
    pub example: Option<Example>,
}

/// A readable member of a key's set: for service-account subjects a valid-looking one, for
/// audiences `sts.amazonaws.com` when admitted.
fn witness(k: &KeySet) -> Option<String> {
    if k.key_lower.ends_with(":aud") && k.present.contains("sts.amazonaws.com") {
        return Some("sts.amazonaws.com".to_owned());
    }
    if k.key_lower.ends_with(":sub") {
        // The shortest member is usually a valid service-account subject already (always for
        // exact subjects): only search the intersection when it is not.
        let shortest = k.present.shortest_witness();
        if shortest.as_deref().is_some_and(|w| {
            is_service_account_subject(w) || !w.starts_with("system:serviceaccount:")
        }) {
            return shortest;
        }
        static NICE: std::sync::OnceLock<Option<StringSet>> = std::sync::OnceLock::new();
        if let Some(nice) =
            NICE.get_or_init(|| StringSet::like_wild("system:serviceaccount:?*:?*").ok())
        {
            if let Ok(Some(w)) = k.present.shortest_common_witness(nice) {
                return Some(w);
            }
        }
    }
    k.present.shortest_witness()
}

/// `system:serviceaccount:<namespace>:<name>` with both parts non-empty.
fn is_service_account_subject(s: &str) -> bool {
    s.strip_prefix("system:serviceaccount:")
        .and_then(|rest| rest.split_once(':'))
        .is_some_and(|(ns, name)| !ns.is_empty() && !name.is_empty())
}

/// A namespace/name reading of a service-account subject pattern.
fn service_account(pattern: &str) -> Option<String> {
    if pattern.contains("${") || pattern.contains(" (any case)") {
        return None;
    }
    let rest = pattern.strip_prefix("system:serviceaccount:")?;
    let (ns, name) = rest.split_once(':')?;
    if ns.is_empty() || ns.contains(['*', '?', ':']) || name.contains(':') {
        return None;
    }
    match name {
        "*" => Some(format!("any service account in namespace `{ns}`")),
        n if !n.contains(['*', '?']) => Some(format!("service account `{ns}/{n}`")),
        n => Some(format!("service accounts `{ns}/{n}`")),
    }
}

fn describe_sub(k: Option<&KeySet>) -> String {
    let Some(k) = k else {
        return "any subject".to_owned();
    };
    if k.include.is_empty() && k.exclude.is_empty() {
        return "any subject".to_owned();
    }
    let mut parts: Vec<String> = Vec::new();
    let sas: Vec<Option<String>> = k.include.iter().map(|p| service_account(p)).collect();
    if !k.include.is_empty() && sas.iter().all(Option::is_some) {
        parts.push(sas.into_iter().flatten().collect::<Vec<_>>().join(" or "));
    } else if !k.include.is_empty() {
        parts.push(format!(
            "subjects matching {}",
            describe_patterns(&k.include, &[])
        ));
    } else {
        parts.push("any subject".to_owned());
    }
    if !k.exclude.is_empty() {
        parts.push(format!(
            "except {}",
            k.exclude
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    parts.join(" ")
}

fn describe_key(k: &KeySet) -> String {
    if k.present.is_empty() {
        return format!("without `{}`", k.key);
    }
    let values = describe_patterns(&k.include, &k.exclude);
    if k.absent {
        format!("with `{}` absent or {values}", k.key)
    } else {
        format!("with `{}` {values}", k.key)
    }
}

/// Whether a Pod Identity region holds only requests without session tags (`aws:TagKeys`
/// absent: associations with session tags disabled, SEMANTICS.md §5.4).
fn without_session_tags(region: &Region) -> bool {
    region
        .key("aws:tagkeys")
        .is_some_and(|k| k.absent && k.present.is_empty())
}

/// Describe one region of an admitted principal, with a verified example.
#[must_use]
pub fn summarize(
    policy: &TrustPolicy,
    admitted: &Admitted,
    region: &Region,
    account: Option<&str>,
) -> Summary {
    let mut text = match admitted.class {
        PrincipalClass::WebIdentity => {
            let shown = admitted
                .principal
                .split_once(":oidc-provider/")
                .map_or(admitted.principal.as_str(), |(_, p)| p);
            let prefix = shown.to_ascii_lowercase();
            let sub = region.key(&format!("{prefix}:sub"));
            let aud = region.key(&format!("{prefix}:aud"));
            let aud_text = match aud {
                Some(a) if !a.include.is_empty() || !a.exclude.is_empty() => {
                    format!("audience {}", describe_patterns(&a.include, &a.exclude))
                }
                _ => "any audience".to_owned(),
            };
            let mut s = format!("{} of issuer `{shown}`, {aud_text}", describe_sub(sub));
            for k in &region.keys {
                if k.key_lower != format!("{prefix}:sub") && k.key_lower != format!("{prefix}:aud")
                {
                    s.push_str(&format!(", {}", describe_key(k)));
                }
            }
            s
        }
        PrincipalClass::PodIdentity => {
            let tag = |t: &str| region.key(&format!("aws:requesttag/{t}"));
            let ns = tag("kubernetes-namespace");
            let sa = tag("kubernetes-service-account");
            let mut s = match (ns, sa) {
                (None, None) => {
                    "any pod of any EKS cluster in the account (Pod Identity)".to_owned()
                }
                _ => {
                    let d = |k: Option<&KeySet>| {
                        k.map_or("any".to_owned(), |k| {
                            describe_patterns(&k.include, &k.exclude)
                        })
                    };
                    format!(
                        "Pod Identity sessions with namespace {}, service account {}",
                        d(ns),
                        d(sa)
                    )
                }
            };
            let untagged = without_session_tags(region);
            if untagged {
                s.push_str(", for associations with session tags disabled");
            }
            for k in &region.keys {
                let hidden = k.key_lower.ends_with("/kubernetes-namespace")
                    || k.key_lower.ends_with("/kubernetes-service-account")
                    || (untagged && k.key_lower == "aws:tagkeys");
                if !hidden {
                    s.push_str(&format!(", {}", describe_key(k)));
                }
            }
            s
        }
        PrincipalClass::Aws
        | PrincipalClass::Service
        | PrincipalClass::Any
        | PrincipalClass::Saml => {
            let who = if admitted.class == PrincipalClass::Any {
                "any caller".to_owned()
            } else {
                format!("`{}`", admitted.principal)
            };
            let mut s = who;
            for k in &region.keys {
                s.push_str(&format!(", {}", describe_key(k)));
            }
            s
        }
    };
    for o in &region.opaque {
        text.push_str(&format!(", if {o}"));
    }
    for u in &region.unless {
        text.push_str(&format!(", unless {u}"));
    }
    let example =
        example(admitted, region, account).filter(|e| confirms(policy, e, Decision::Allow));
    Summary { text, example }
}

/// Whether the concrete evaluator gives `want` for the example.
#[must_use]
pub fn confirms(policy: &TrustPolicy, example: &Example, want: Decision) -> bool {
    example.query.answer(policy, None).decision == want
}

/// Build an identity inside the region.
#[must_use]
pub fn example(admitted: &Admitted, region: &Region, account: Option<&str>) -> Option<Example> {
    let mut context: Vec<(String, Vec<String>)> = Vec::new();
    let mut tags: Vec<(String, String)> = Vec::new();
    let prefix = admitted
        .principal
        .split_once(":oidc-provider/")
        .map(|(_, p)| p.to_owned());
    let own = prefix
        .as_deref()
        .map(|p| format!("{}:", p.to_ascii_lowercase()));
    let mut sub = None;
    let mut aud = None;
    for k in &region.keys {
        // Leave a key out when absence is admitted (simplest identity), unless it must be there.
        // Only the caller's own issuer sets `:sub`/`:aud`; another issuer's must stay absent.
        let own_claim = own
            .as_deref()
            .and_then(|o| k.key_lower.strip_prefix(o))
            .is_some_and(|c| c == "sub" || c == "aud");
        let value = if k.absent && !own_claim {
            None
        } else {
            Some(witness(k)?)
        };
        let Some(value) = value else { continue };
        match own.as_deref().and_then(|o| k.key_lower.strip_prefix(o)) {
            Some("sub") => sub = Some(value),
            Some("aud") => aud = Some(value),
            _ => {
                if let Some(tag) = k
                    .key_lower
                    .strip_prefix("aws:requesttag/")
                    .filter(|_| admitted.class == PrincipalClass::PodIdentity)
                {
                    let original = k
                        .key
                        .get(k.key.len() - tag.len()..)
                        .unwrap_or(tag)
                        .to_owned();
                    tags.push((original, value));
                } else {
                    context.push((k.key.clone(), vec![value]));
                }
            }
        }
    }
    let identity = match admitted.class {
        PrincipalClass::WebIdentity => Identity::WebIdentity {
            issuer: Issuer::parse(&admitted.principal).ok()?,
            sub: sub.unwrap_or_else(|| "system:serviceaccount:default:default".to_owned()),
            aud: vec![aud.unwrap_or_else(|| "sts.amazonaws.com".to_owned())],
        },
        PrincipalClass::PodIdentity => Identity::PodIdentity {
            session_tags: !without_session_tags(region),
            tags,
        },
        PrincipalClass::Aws => Identity::Aws {
            principal: super::aws_request_arn(&admitted.principal),
        },
        PrincipalClass::Service | PrincipalClass::Saml => return None,
        PrincipalClass::Any => Identity::Aws {
            principal: "arn:aws:iam::123456789012:root".to_owned(),
        },
    };
    Some(Example {
        query: Query {
            identity,
            account: account.map(str::to_owned),
            partition: None,
            context,
            actions: Vec::new(),
        },
    })
}
