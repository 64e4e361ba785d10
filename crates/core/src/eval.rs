//! Evaluating a trust policy against one request (SEMANTICS.md §2–§3).
//!
//! [`evaluate`] decides without allocating a trace; [`explain`] decides the same way and records,
//! per statement, whether the principal, the action and each condition matched, and why.

mod condition;
mod principal;
mod request;
mod unknown;

pub(crate) use condition::holds as condition_holds;
pub use condition::{ConditionOutcome, ConditionReason};
pub use principal::{
    matches as principal_matches, principal_account, PrincipalOutcome, RequestPrincipal,
};
pub use request::{ContextEntry, Request, RequestContext};
pub use unknown::{decide_with_unknowns, Undecided};

use crate::policy::{Actions, Effect, Statement, TrustPolicy};

/// The outcome of evaluating one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    /// A matching `Allow` statement and no matching `Deny`.
    Allow,
    /// No statement matched.
    ImplicitDeny,
    /// A `Deny` statement matched.
    ExplicitDeny,
    /// The outcome rests on values trustlint cannot know (see [`decide_with_unknowns`]): the
    /// request may or may not be allowed. Never treated as allowed.
    Unknown,
}

impl Decision {
    /// `allow`, `implicit-deny`, `explicit-deny` or `unknown`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::ImplicitDeny => "implicit-deny",
            Decision::ExplicitDeny => "explicit-deny",
            Decision::Unknown => "unknown",
        }
    }

    /// Combine the decisions of several required authorisations (e.g. `sts:AssumeRole` and
    /// `sts:TagSession`): allowed only when every one is. A known denial wins over an unknown
    /// (the request is denied whatever the unknown is); an unknown wins over `Allow`.
    #[must_use]
    pub fn all(decisions: impl IntoIterator<Item = Decision>) -> Decision {
        let mut out = Decision::Allow;
        for d in decisions {
            match d {
                Decision::ExplicitDeny => return Decision::ExplicitDeny,
                Decision::ImplicitDeny => out = Decision::ImplicitDeny,
                Decision::Unknown if out == Decision::Allow => out = Decision::Unknown,
                Decision::Unknown | Decision::Allow => {}
            }
        }
        out
    }
}

/// Decide `request` against `policy` (no trace).
#[must_use]
pub fn evaluate(policy: &TrustPolicy, request: &Request) -> Decision {
    let mut allowed = false;
    for s in &policy.statements {
        let Some(effect) = &s.effect else { continue };
        if effect.value == Effect::Allow && allowed {
            continue;
        }
        if statement_matches(s, request) {
            match effect.value {
                Effect::Deny => return Decision::ExplicitDeny,
                Effect::Allow => allowed = true,
            }
        }
    }
    if allowed {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    }
}

fn statement_matches(s: &Statement, request: &Request) -> bool {
    principal::matches(s, &request.principal).matched()
        && action_matches(s.action.as_ref(), &request.action)
        && s.conditions
            .iter()
            .all(|c| condition::holds(c, &request.context))
}

fn action_matches(actions: Option<&Actions>, action: &str) -> bool {
    let Some(actions) = actions else { return false };
    let any = actions.patterns.iter().any(|p| p.matches(action));
    any != actions.negated
}

/// The decision with its explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// The decision.
    pub decision: Decision,
    /// One trace per statement, in source order.
    pub statements: Vec<StatementTrace>,
}

/// Why one statement did or did not apply.
#[derive(Debug, Clone, PartialEq)]
pub struct StatementTrace {
    /// Index in the policy's statement list.
    pub index: usize,
    /// The statement's effect (`None`: missing or invalid, so the statement never applies).
    pub effect: Option<Effect>,
    /// Whether principal, action and every condition matched.
    pub matched: bool,
    /// The principal check.
    pub principal: PrincipalOutcome,
    /// Whether the action matched.
    pub action_matched: bool,
    /// Why (which pattern matched, or that none did).
    pub action_detail: String,
    /// Every condition, in source order.
    pub conditions: Vec<ConditionOutcome>,
}

/// Decide `request` against `policy`, recording why.
#[must_use]
pub fn explain(policy: &TrustPolicy, request: &Request) -> Evaluation {
    let mut statements = Vec::with_capacity(policy.statements.len());
    let mut allow = false;
    let mut deny = false;
    for s in &policy.statements {
        let principal = principal::matches(s, &request.principal);
        let action_matched = action_matches(s.action.as_ref(), &request.action);
        let action_detail = action_detail(s.action.as_ref(), &request.action, action_matched);
        let conditions: Vec<ConditionOutcome> = s
            .conditions
            .iter()
            .map(|c| condition::evaluate(c, &request.context))
            .collect();
        let effect = s.effect.as_ref().map(|e| e.value);
        let matched = effect.is_some()
            && principal.matched()
            && action_matched
            && conditions.iter().all(|c| c.matched);
        if matched {
            match effect {
                Some(Effect::Deny) => deny = true,
                Some(Effect::Allow) => allow = true,
                None => {}
            }
        }
        statements.push(StatementTrace {
            index: s.index,
            effect,
            matched,
            principal,
            action_matched,
            action_detail,
            conditions,
        });
    }
    let decision = if deny {
        Decision::ExplicitDeny
    } else if allow {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    };
    Evaluation {
        decision,
        statements,
    }
}

fn action_detail(actions: Option<&Actions>, action: &str, matched: bool) -> String {
    let Some(actions) = actions else {
        return "the statement has no `Action`".to_owned();
    };
    let hit = actions.patterns.iter().find(|p| p.matches(action));
    match (actions.negated, hit) {
        (false, Some(p)) => format!("`{action}` matches `{}`", p.text),
        (false, None) if actions.patterns.is_empty() => "`Action` is empty".to_owned(),
        (false, None) => format!(
            "`{action}` is not among {}",
            actions
                .patterns
                .iter()
                .map(|p| format!("`{}`", p.text))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        (true, Some(p)) => format!("`{action}` is excluded by `NotAction` `{}`", p.text),
        (true, None) => {
            debug_assert!(matched);
            format!("`{action}` is not excluded by `NotAction`")
        }
    }
}
