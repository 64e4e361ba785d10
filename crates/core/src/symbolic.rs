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
pub use region::{KeySet, Region, MAX_REGIONS};

use crate::eval::{principal_matches, RequestPrincipal};
use crate::identity::{
    ASSUME_ROLE, ASSUME_ROLE_WITH_WEB_IDENTITY, POD_IDENTITY_SERVICE, TAG_SESSION,
};
use crate::policy::{Actions, Effect, PrincipalKind, Statement, TrustPolicy};

/// The action a SAML caller calls.
const ASSUME_ROLE_WITH_SAML: &str = "sts:AssumeRoleWithSAML";

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
    /// A SAML provider (`sts:AssumeRoleWithSAML`); its keys are not modelled exactly.
    Saml,
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
            PrincipalClass::Saml => "saml",
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

/// A trusted principal: the kinds of caller it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Trusted {
    class: PrincipalClass,
    principal: String,
    /// What the principal admits is the union of what each caller is admitted to (several for
    /// `*`, which stands for every kind of caller, and for Pod Identity, whose session tags may
    /// be disabled).
    callers: Vec<Caller>,
    /// The request principal (of the first caller).
    request: RequestPrincipal,
}

/// One kind of caller: its request principal, the actions it calls, and which keys it sets.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Caller {
    /// How keys behave for it (see `region::restrict_to_caller`).
    presence: PrincipalClass,
    /// The issuer condition-key prefix (web identity).
    prefix: Option<String>,
    request: RequestPrincipal,
    actions: Vec<&'static str>,
    /// No session tags: `aws:RequestTag/*` and `aws:TagKeys` are absent.
    no_tags: bool,
    /// Why its regions are not exact, when they are not.
    inexact: Option<&'static str>,
}

impl Caller {
    fn new(
        presence: PrincipalClass,
        request: RequestPrincipal,
        actions: Vec<&'static str>,
    ) -> Caller {
        Caller {
            presence,
            prefix: None,
            request,
            actions,
            no_tags: false,
            inexact: None,
        }
    }
}

/// Every principal the policy's `Allow` statements trust, with what each is admitted to.
///
/// Never fails: a condition whose string set is too complex to represent exactly makes the
/// regions it is part of inexact (see [`Region::of_statement`]), never smaller.
#[must_use]
pub fn who_can_assume(policy: &TrustPolicy) -> Vec<Admitted> {
    let mut out = Vec::new();
    for t in trusted(policy) {
        let regions = admitted_regions(policy, &t);
        out.push(Admitted {
            class: t.class,
            principal: t.principal,
            regions,
        });
    }
    out
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
        PrincipalClass::WebIdentity | PrincipalClass::Saml => kind == PrincipalKind::Federated,
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

/// The regions admitted to each kind of caller one principal stands for (one list per caller,
/// in a fixed order for a given class and principal), for comparing two policies caller by
/// caller.
pub(crate) fn admitted_by_caller(
    policy: &TrustPolicy,
    class: PrincipalClass,
    principal: &str,
) -> Vec<Vec<Region>> {
    match trusted_for(class, principal) {
        Some(t) => by_caller(policy, &t),
        None => Vec::new(),
    }
}

/// Re-apply what a caller of the principal sets and never sets to regions derived from its
/// own (e.g. pieces left after a subtraction).
pub(crate) fn restrict_for_caller(
    class: PrincipalClass,
    principal: &str,
    caller: usize,
    r: Region,
) -> Region {
    match trusted_for(class, principal)
        .as_ref()
        .and_then(|t| t.callers.get(caller))
    {
        Some(c) => restrict(r, c),
        None => r,
    }
}

/// The regions admitted to one principal (given as it would appear in a policy).
#[must_use]
pub fn admitted_to(policy: &TrustPolicy, class: PrincipalClass, principal: &str) -> Vec<Region> {
    match trusted_for(class, principal) {
        Some(t) => admitted_regions(policy, &t),
        None => Vec::new(),
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
                PrincipalKind::Federated if e.value.contains(":saml-provider/") => {
                    PrincipalClass::Saml
                }
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

/// Why the regions of `*` are over-approximations.
const ANY_CALLER: &str =
    "the caller's kind and identity provider (not modelled: any key may be present)";
/// Why SAML regions are not exact.
const SAML_KEYS: &str = "the SAML assertion's keys (not modelled exactly)";

fn trusted_for(class: PrincipalClass, principal: &str) -> Option<Trusted> {
    let p = principal.to_owned();
    let callers = match class {
        PrincipalClass::WebIdentity => {
            // An IAM OIDC provider's keys are prefixed by its URL; a built-in identity
            // provider's by its domain (SEMANTICS.md §1.4, §4.3).
            let prefix = principal
                .split_once(":oidc-provider/")
                .map_or_else(|| principal.to_owned(), |(_, x)| x.to_owned());
            vec![Caller {
                prefix: Some(prefix),
                ..Caller::new(
                    class,
                    RequestPrincipal::Federated(p.clone()),
                    vec![ASSUME_ROLE_WITH_WEB_IDENTITY],
                )
            }]
        }
        PrincipalClass::Saml => vec![Caller {
            inexact: Some(SAML_KEYS),
            ..Caller::new(
                class,
                RequestPrincipal::Federated(p.clone()),
                vec![ASSUME_ROLE_WITH_SAML],
            )
        }],
        PrincipalClass::PodIdentity => vec![
            Caller::new(
                class,
                RequestPrincipal::Service(p.clone()),
                vec![ASSUME_ROLE, TAG_SESSION],
            ),
            // Session tags disabled (SEMANTICS.md §5.4): only `sts:AssumeRole`, no tags.
            Caller {
                no_tags: true,
                ..Caller::new(
                    class,
                    RequestPrincipal::Service(p.clone()),
                    vec![ASSUME_ROLE],
                )
            },
        ],
        PrincipalClass::Service => vec![Caller::new(
            class,
            RequestPrincipal::Service(p.clone()),
            vec![ASSUME_ROLE],
        )],
        PrincipalClass::Aws => vec![Caller::new(
            class,
            RequestPrincipal::Aws(aws_request_arn(principal)),
            vec![ASSUME_ROLE],
        )],
        PrincipalClass::Any => {
            // Every kind of caller, named so that only wildcard principals match it.
            let any = |request, actions| Caller {
                inexact: Some(ANY_CALLER),
                ..Caller::new(PrincipalClass::Any, request, actions)
            };
            vec![
                any(
                    RequestPrincipal::Federated(
                        "arn:aws:iam::000000000000:oidc-provider/any-issuer.invalid".to_owned(),
                    ),
                    vec![ASSUME_ROLE_WITH_WEB_IDENTITY],
                ),
                any(
                    RequestPrincipal::Federated(
                        "arn:aws:iam::000000000000:saml-provider/any-provider".to_owned(),
                    ),
                    vec![ASSUME_ROLE_WITH_SAML],
                ),
                any(
                    RequestPrincipal::Aws("arn:aws:iam::000000000000:root".to_owned()),
                    vec![ASSUME_ROLE],
                ),
                any(
                    RequestPrincipal::Service("any-service.invalid".to_owned()),
                    vec![ASSUME_ROLE],
                ),
                any(
                    RequestPrincipal::Service(POD_IDENTITY_SERVICE.to_owned()),
                    vec![ASSUME_ROLE, TAG_SESSION],
                ),
            ]
        }
    };
    let request = callers.first()?.request.clone();
    Some(Trusted {
        class,
        principal: if class == PrincipalClass::Any {
            "*".to_owned()
        } else {
            p
        },
        callers,
        request,
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

fn applies(s: &Statement, c: &Caller, action: &str, effect: Effect) -> bool {
    s.effect.as_ref().map(|e| e.value) == Some(effect)
        && principal_matches(s, &c.request).matched()
        && action_matches(s.action.as_ref(), action)
}

fn admitted_regions(policy: &TrustPolicy, t: &Trusted) -> Vec<Region> {
    by_caller(policy, t).into_iter().flatten().collect()
}

/// The regions admitted to each caller of `t`, in the order of `t.callers`.
fn by_caller(policy: &TrustPolicy, t: &Trusted) -> Vec<Vec<Region>> {
    t.callers
        .iter()
        .map(|c| caller_regions(policy, c))
        .collect()
}

fn caller_regions(policy: &TrustPolicy, t: &Caller) -> Vec<Region> {
    let mut result: Option<Vec<Region>> = None;
    for action in &t.actions {
        let mut allowed = Vec::new();
        for s in policy
            .statements
            .iter()
            .filter(|s| applies(s, t, action, Effect::Allow))
        {
            allowed.push(Region::of_statement(s));
        }
        for s in policy
            .statements
            .iter()
            .filter(|s| applies(s, t, action, Effect::Deny))
        {
            allowed = Region::subtract_from_each(&allowed, &Region::of_statement(s));
        }
        result = Some(match result {
            None => allowed,
            Some(prev) if prev.len().saturating_mul(allowed.len()) > region::MAX_REGIONS => {
                // Too many pairs: what the earlier actions admit, marked with this one.
                prev.into_iter()
                    .map(|mut r| {
                        r.opaque.push(format!(
                            "`{action}` is allowed too {} intersect exactly)",
                            region::TOO_MANY
                        ));
                        r
                    })
                    .collect()
            }
            Some(prev) => {
                let mut both = Vec::new();
                for a in &prev {
                    for b in &allowed {
                        both.push(a.intersect(b));
                    }
                }
                both
            }
        });
    }
    let mut regions = Vec::new();
    for r in result.unwrap_or_default() {
        let r = restrict(r, t);
        if !r.is_empty() {
            regions.push(r);
        }
    }
    regions
}

/// [`region::restrict_to_caller`] for one caller, with its tags and exactness.
fn restrict(r: Region, c: &Caller) -> Region {
    let mut r = region::restrict_to_caller(r, c.presence, c.prefix.as_deref());
    if c.no_tags {
        for k in &mut r.keys {
            if k.key_lower.starts_with("aws:requesttag/") || k.key_lower == "aws:tagkeys" {
                k.present = crate::algebra::StringSet::empty();
            }
        }
        // Without session tags the request has no `aws:TagKeys`: say so in the region, so that
        // it holds no request with tags (and reads "without `aws:TagKeys`").
        if r.key("aws:tagkeys").is_none() {
            r.keys.push(region::KeySet {
                key: "aws:TagKeys".to_owned(),
                key_lower: "aws:tagkeys".to_owned(),
                present: crate::algebra::StringSet::empty(),
                absent: true,
                include: Vec::new(),
                exclude: Vec::new(),
            });
        }
    }
    if let Some(why) = c.inexact {
        if !r.opaque.iter().any(|o| o == why) {
            r.opaque.push(why.to_owned());
        }
    }
    r
}
