//! Who can assume a role: the exact set of requests a trust policy admits, per trusted
//! principal, computed symbolically over the condition keys that decide (SEMANTICS.md §2–§5).
//!
//! A request is described by the values of its condition keys. A [`Region`] constrains some
//! keys (each to a [`KeySet`]: a set of strings when present, and whether it may be absent) and
//! leaves the others free. What a principal is admitted to is a union of regions: the union of its
//! `Allow` statements' regions, minus the regions of the `Deny` statements that apply to it, with
//! keys IAM never sets for that kind of caller forced absent and keys it always sets forced
//! present. String operators are modelled exactly with [`StringSet`](crate::algebra::StringSet); other operators
//! (numeric, date, IP, ARN, `Bool`, policy variables, multi-valued keys) are kept as *opaque*
//! conditions, and a region that has any is marked inexact.

mod describe;
mod diff;
mod region;

pub use describe::{confirms, example, summarize, Example, Summary};
pub use diff::{diff, Change, Direction};
pub use region::{KeySet, Region};

use crate::algebra::TooComplex;
use crate::eval::{principal_matches, RequestPrincipal};
use crate::identity::{
    ASSUME_ROLE, ASSUME_ROLE_WITH_WEB_IDENTITY, POD_IDENTITY_SERVICE, TAG_SESSION,
};
use crate::policy::{Actions, Effect, PrincipalKind, Statement, TrustPolicy};

/// The kind of a trusted principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PrincipalClass {
    /// An IAM OIDC provider (`sts:AssumeRoleWithWebIdentity`).
    WebIdentity,
    /// `pods.eks.amazonaws.com` (`sts:AssumeRole` and `sts:TagSession`).
    PodIdentity,
    /// An IAM principal (`sts:AssumeRole`).
    Aws,
    /// Another service principal (`sts:AssumeRole`).
    Service,
    /// `"Principal": "*"` or a `"*"` value: every caller.
    Any,
}

impl PrincipalClass {
    /// The `kind` of INTERFACE.md.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            PrincipalClass::WebIdentity => "web-identity",
            PrincipalClass::PodIdentity => "pod-identity",
            PrincipalClass::Aws => "aws",
            PrincipalClass::Service => "service",
            PrincipalClass::Any => "any",
        }
    }
}

/// One trusted principal and what it is admitted to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admitted {
    /// Its kind.
    pub class: PrincipalClass,
    /// The principal as written (`*` for any).
    pub principal: String,
    /// The admitted requests: a union of disjoint-or-not regions; empty when nobody is admitted.
    pub regions: Vec<Region>,
}

/// A trusted principal: what the request principal and actions are.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Trusted {
    class: PrincipalClass,
    principal: String,
    request: RequestPrincipal,
    actions: Vec<&'static str>,
    /// The OIDC condition-key prefix (web identity).
    prefix: Option<String>,
}

/// Every principal the policy's `Allow` statements trust, with what each is admitted to.
///
/// # Errors
/// When a condition's string set is too complex to represent exactly.
pub fn who_can_assume(policy: &TrustPolicy) -> Result<Vec<Admitted>, TooComplex> {
    let mut out = Vec::new();
    for t in trusted(policy) {
        let regions = admitted_regions(policy, &t)?;
        out.push(Admitted {
            class: t.class,
            principal: t.principal,
            regions,
        });
    }
    Ok(out)
}

/// Whether what [`who_can_assume`] says of `admitted` rests on a value trustlint cannot know
/// (`unknowns`: spans in the text the policy's spans point into, see
/// [`crate::input::unknown`]): an unknown lies outside every statement, or in a statement that
/// may concern the principal (its `Principal` holds an unknown, trusts the principal, or is
/// missing). Such a set must be reported as unknown, not as what the placeholders admit.
#[must_use]
pub fn rests_on_unknowns(
    policy: &TrustPolicy,
    admitted: &Admitted,
    unknowns: &[crate::source::Span],
) -> bool {
    let overlaps =
        |a: crate::source::Span| unknowns.iter().any(|u| a.start < u.end && u.start < a.end);
    if unknowns.is_empty() {
        return false;
    }
    if unknowns.iter().any(|u| {
        !policy
            .statements
            .iter()
            .any(|s| s.span.start < u.end && u.start < s.span.end)
    }) {
        return true;
    }
    let trusted = trusted_for(admitted.class, &admitted.principal);
    // An unknown principal value stays of its kind: an unknown `Federated` value is no IAM role.
    let could_be = |kind: PrincipalKind| match admitted.class {
        PrincipalClass::Any => true,
        PrincipalClass::WebIdentity => kind == PrincipalKind::Federated,
        PrincipalClass::PodIdentity | PrincipalClass::Service => kind == PrincipalKind::Service,
        PrincipalClass::Aws => kind == PrincipalKind::Aws,
    };
    policy
        .statements
        .iter()
        .filter(|s| overlaps(s.span))
        .any(|s| {
            let Some(p) = &s.principal else { return true };
            let unknown_entry = p
                .entries
                .iter()
                .any(|e| overlaps(e.span) && could_be(e.kind));
            let outside_entries = unknowns.iter().any(|u| {
                p.span.start < u.end
                    && u.start < p.span.end
                    && !p
                        .entries
                        .iter()
                        .any(|e| e.span.start <= u.start && u.end <= e.span.end)
            });
            unknown_entry
                || outside_entries
                || trusted
                    .as_ref()
                    .is_none_or(|t| principal_matches(s, &t.request).matched())
        })
}

/// The regions admitted to one principal (given as it would appear in a policy).
///
/// # Errors
/// When a string set is too complex.
pub fn admitted_to(
    policy: &TrustPolicy,
    class: PrincipalClass,
    principal: &str,
) -> Result<Vec<Region>, TooComplex> {
    match trusted_for(class, principal) {
        Some(t) => admitted_regions(policy, &t),
        None => Ok(Vec::new()),
    }
}

fn trusted(policy: &TrustPolicy) -> Vec<Trusted> {
    let mut seen: Vec<Trusted> = Vec::new();
    for s in &policy.statements {
        if s.effect.as_ref().map(|e| e.value) != Some(Effect::Allow) {
            continue;
        }
        let Some(p) = &s.principal else { continue };
        let mut add = |t: Option<Trusted>| {
            if let Some(t) = t {
                if !seen
                    .iter()
                    .any(|x| x.class == t.class && x.principal == t.principal)
                {
                    seen.push(t);
                }
            }
        };
        if p.any {
            add(trusted_for(PrincipalClass::Any, "*"));
        }
        for e in &p.entries {
            let class = match e.kind {
                _ if e.value == "*" => PrincipalClass::Any,
                PrincipalKind::Federated => PrincipalClass::WebIdentity,
                PrincipalKind::Service if e.value == POD_IDENTITY_SERVICE => {
                    PrincipalClass::PodIdentity
                }
                PrincipalKind::Service => PrincipalClass::Service,
                PrincipalKind::Aws => PrincipalClass::Aws,
                PrincipalKind::CanonicalUser => continue,
            };
            add(trusted_for(class, &e.value));
        }
    }
    seen
}

fn trusted_for(class: PrincipalClass, principal: &str) -> Option<Trusted> {
    let p = principal.to_owned();
    Some(match class {
        PrincipalClass::WebIdentity => Trusted {
            class,
            prefix: principal
                .split_once(":oidc-provider/")
                .map(|(_, x)| x.to_owned()),
            request: RequestPrincipal::Federated(p.clone()),
            principal: p,
            actions: vec![ASSUME_ROLE_WITH_WEB_IDENTITY],
        },
        PrincipalClass::PodIdentity => Trusted {
            class,
            prefix: None,
            request: RequestPrincipal::Service(p.clone()),
            principal: p,
            actions: vec![ASSUME_ROLE, TAG_SESSION],
        },
        PrincipalClass::Service => Trusted {
            class,
            prefix: None,
            request: RequestPrincipal::Service(p.clone()),
            principal: p,
            actions: vec![ASSUME_ROLE],
        },
        PrincipalClass::Aws => Trusted {
            class,
            prefix: None,
            request: RequestPrincipal::Aws(aws_request_arn(principal)),
            principal: p,
            actions: vec![ASSUME_ROLE],
        },
        PrincipalClass::Any => Trusted {
            class,
            prefix: None,
            request: RequestPrincipal::Aws("arn:aws:iam::000000000000:root".to_owned()),
            principal: "*".to_owned(),
            actions: vec![ASSUME_ROLE],
        },
    })
}

/// A request principal named by a policy's `AWS` value (an account id means its root).
fn aws_request_arn(value: &str) -> String {
    if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
        format!("arn:aws:iam::{value}:root")
    } else {
        value.to_owned()
    }
}

fn action_matches(actions: Option<&Actions>, action: &str) -> bool {
    let Some(actions) = actions else { return false };
    actions.patterns.iter().any(|p| p.matches(action)) != actions.negated
}

fn applies(s: &Statement, t: &Trusted, action: &str, effect: Effect) -> bool {
    s.effect.as_ref().map(|e| e.value) == Some(effect)
        && principal_matches(s, &t.request).matched()
        && action_matches(s.action.as_ref(), action)
}

fn admitted_regions(policy: &TrustPolicy, t: &Trusted) -> Result<Vec<Region>, TooComplex> {
    let mut result: Option<Vec<Region>> = None;
    for action in &t.actions {
        let mut allowed = Vec::new();
        for s in policy
            .statements
            .iter()
            .filter(|s| applies(s, t, action, Effect::Allow))
        {
            allowed.push(Region::of_statement(s)?);
        }
        for s in policy
            .statements
            .iter()
            .filter(|s| applies(s, t, action, Effect::Deny))
        {
            let deny = Region::of_statement(s)?;
            let mut next = Vec::new();
            for r in &allowed {
                next.extend(r.subtract(&deny)?);
            }
            allowed = next;
        }
        result = Some(match result {
            None => allowed,
            Some(prev) => {
                let mut both = Vec::new();
                for a in &prev {
                    for b in &allowed {
                        both.push(a.intersect(b)?);
                    }
                }
                both
            }
        });
    }
    let mut regions = Vec::new();
    for r in result.unwrap_or_default() {
        let r = region::restrict_to_caller(r, t.class, t.prefix.as_deref())?;
        if !r.is_empty() {
            regions.push(r);
        }
    }
    Ok(regions)
}
