//! Three-valued evaluation of a policy that holds unknown values (see
//! [`crate::input::unknown`]).
//!
//! The ordinary evaluation runs with each unknown written as a placeholder that matches no real
//! value. Its trace is then read three-valued: a statement that holds no unknown applies or not
//! as evaluated; one that holds an unknown is *known not to apply* only when a part of it that
//! holds no unknown fails (its `Principal`, its `Action`, or one condition whose operator, key
//! and values are all known: the parts are AND-ed, so one known failure decides); otherwise it
//! *may* apply. Then:
//!
//! - a known-applying `Deny` gives [`Decision::ExplicitDeny`];
//! - an unknown outside every statement (in `Version`, in place of a statement, or a text that
//!   could not be read) gives [`Decision::Unknown`];
//! - a known-applying `Allow` and no `Deny` that may apply gives [`Decision::Allow`];
//! - an `Allow` that applies or may apply (with a `Deny` that may apply) gives
//!   [`Decision::Unknown`];
//! - otherwise nothing can allow the request: [`Decision::ImplicitDeny`] (a `Deny` that may apply
//!   cannot change that the request is denied).

use super::{Decision, Evaluation, StatementTrace};
use crate::policy::{Effect, Statement, TrustPolicy};
use crate::source::Span;

/// The three-valued decision, and what it rests on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undecided {
    /// The decision.
    pub decision: Decision,
    /// Positions (in `policy.statements`) of the statements that may or may not apply.
    pub statements: Vec<usize>,
    /// Whether an unknown lies outside every statement.
    pub stray: bool,
}

/// Whether a statement applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Applies {
    Yes,
    No,
    Maybe,
}

fn overlaps(a: Span, b: Span) -> bool {
    a.start < b.end && b.start < a.end
}

fn touches(span: Span, unknowns: &[Span]) -> bool {
    unknowns.iter().any(|u| overlaps(span, *u))
}

fn applies(s: &Statement, t: &StatementTrace, unknowns: &[Span]) -> Applies {
    if !touches(s.span, unknowns) {
        return if t.matched { Applies::Yes } else { Applies::No };
    }
    let principal_fails = s
        .principal
        .as_ref()
        .is_some_and(|p| !touches(p.span, unknowns) && !t.principal.matched());
    let action_fails = s
        .action
        .as_ref()
        .is_some_and(|a| !touches(a.span, unknowns) && !t.action_matched);
    let condition_fails = s.conditions.iter().zip(&t.conditions).any(|(c, o)| {
        !o.matched
            && !touches(c.operator_span, unknowns)
            && !touches(c.key_span, unknowns)
            && !touches(c.values_span, unknowns)
    });
    if principal_fails || action_fails || condition_fails {
        Applies::No
    } else {
        Applies::Maybe
    }
}

/// Decide an evaluation of `policy` whose text holds unknown values at `unknowns` (spans in the
/// text the policy's spans point into). With no unknown, this is `evaluation.decision`.
#[must_use]
pub fn decide_with_unknowns(
    policy: &TrustPolicy,
    evaluation: &Evaluation,
    unknowns: &[Span],
) -> Undecided {
    let stray = unknowns
        .iter()
        .any(|u| !policy.statements.iter().any(|s| overlaps(s.span, *u)));
    let mut out = Undecided {
        decision: evaluation.decision,
        statements: Vec::new(),
        stray,
    };
    if unknowns.is_empty() {
        return out;
    }
    let (mut deny, mut allow, mut maybe_deny, mut maybe_allow) = (false, false, false, false);
    for (i, (s, t)) in policy
        .statements
        .iter()
        .zip(&evaluation.statements)
        .enumerate()
    {
        match (applies(s, t, unknowns), t.effect) {
            (Applies::No, _) | (Applies::Yes, None) => {}
            (Applies::Yes, Some(Effect::Deny)) => deny = true,
            (Applies::Yes, Some(Effect::Allow)) => allow = true,
            (Applies::Maybe, effect) => {
                out.statements.push(i);
                maybe_deny |= effect != Some(Effect::Allow);
                maybe_allow |= effect != Some(Effect::Deny);
            }
        }
    }
    let version_unknown = policy
        .version
        .as_ref()
        .is_some_and(|v| touches(v.span, unknowns));
    out.decision = if deny && !version_unknown {
        Decision::ExplicitDeny
    } else if stray || version_unknown {
        Decision::Unknown
    } else if allow && !maybe_deny {
        Decision::Allow
    } else if allow || maybe_allow {
        Decision::Unknown
    } else {
        Decision::ImplicitDeny
    };
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "test code")]

    use crate::eval::Decision;
    use crate::identity::{Identity, Query};
    use crate::input::read_input;

    /// The decision for `arn:aws:iam::111122223333:role/x` on a template whose statements are
    /// `statements` (YAML, each at 10 spaces).
    fn decide(statements: &str) -> Decision {
        let text = format!(
            "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n{statements}"
        );
        let input = read_input(text.as_bytes());
        let query = Query {
            identity: Identity::Aws {
                principal: "arn:aws:iam::111122223333:role/x".into(),
            },
            account: None,
            partition: None,
            context: vec![],
            actions: vec![],
        };
        query.answer_source(&input.policies[0]).unwrap().decision
    }

    const ALLOW: &str = "          - {Effect: Allow, Principal: {AWS: arn:aws:iam::111122223333:role/x}, Action: sts:AssumeRole}\n";

    #[test]
    fn three_valued_statements_combine() {
        assert_eq!(decide(ALLOW), Decision::Allow);
        // An unknown `Deny` that may apply makes an allowed request unknown.
        let maybe_deny = "          - {Effect: Deny, Principal: {AWS: !GetAtt Role.Arn}, Action: sts:AssumeRole}\n";
        assert_eq!(decide(&format!("{ALLOW}{maybe_deny}")), Decision::Unknown);
        // A `Deny` whose known part fails does not apply.
        let other_action = "          - {Effect: Deny, Principal: {AWS: !GetAtt Role.Arn}, Action: sts:TagSession}\n";
        assert_eq!(decide(&format!("{ALLOW}{other_action}")), Decision::Allow);
        // A known `Deny` wins over any unknown.
        let deny = "          - {Effect: Deny, Principal: '*', Action: sts:AssumeRole, Condition: {StringEquals: {aws:PrincipalAccount: '111122223333'}}}\n";
        let maybe_allow = "          - {Effect: Allow, Principal: {AWS: !ImportValue x}, Action: sts:AssumeRole}\n";
        assert_eq!(
            decide(&format!("{deny}{maybe_allow}")),
            Decision::ExplicitDeny
        );
        // Nothing else allows: an unknown `Allow` leaves the request unknown, never allowed.
        assert_eq!(decide(maybe_allow), Decision::Unknown);
        // An unknown in place of a statement leaves everything unknown.
        let whole = "          - !If [C, {Effect: Allow}, !Ref AWS::NoValue]\n";
        assert_eq!(decide(&format!("{ALLOW}{whole}")), Decision::Unknown);
        // A known condition that fails decides even next to an unknown one.
        let fails = "          - {Effect: Allow, Principal: {AWS: !GetAtt Role.Arn}, Action: sts:AssumeRole, Condition: {StringEquals: {aws:PrincipalAccount: '999999999999', aws:PrincipalArn: !Ref X}}}\n";
        assert_eq!(decide(fails), Decision::ImplicitDeny);
    }

    #[test]
    fn all_never_turns_unknown_into_allow() {
        use Decision::{Allow, ExplicitDeny, ImplicitDeny, Unknown};
        assert_eq!(Decision::all([Allow, Unknown]), Unknown);
        assert_eq!(Decision::all([Unknown, Allow]), Unknown);
        assert_eq!(Decision::all([Unknown, ImplicitDeny]), ImplicitDeny);
        assert_eq!(Decision::all([Unknown, ExplicitDeny]), ExplicitDeny);
        assert_eq!(Unknown.as_str(), "unknown");
    }
}
