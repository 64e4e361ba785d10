//! The `diff` document: who NEW admits that OLD did not, and the reverse.

use super::who::example_json;
use crate::eval::Decision;
use crate::input::{Input, PolicySource};
use crate::policy::parse_policy;
use crate::symbolic::{self, confirms, example, summarize, Direction, Example, PrincipalClass};
use serde_json::{json, Value};

/// One admitted region that one side has and the other lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffChange {
    /// The role's name, when the inputs give one.
    pub policy: Option<String>,
    /// Widened (NEW admits it) or narrowed (OLD did).
    pub direction: Direction,
    /// The principal's kind.
    pub class: PrincipalClass,
    /// The principal as written.
    pub principal: String,
    /// The region in words.
    pub summary: String,
    /// Whether the region is described exactly.
    pub exact: bool,
    /// An identity the gaining side admits and the other refuses, when one is confirmed.
    pub example: Option<Example>,
}

/// What a comparison found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Compared {
    /// The changes, in order: per role, the widened changes then the narrowed ones.
    pub changes: Vec<DiffChange>,
    /// Roles not compared because a side holds values trustlint cannot know, or a policy it
    /// could not read (by name).
    pub undecided: Vec<Option<String>>,
}

/// Pair the roles of two inputs by name (two single policies pair with each other) and list
/// what changed. A pair where either side rests on unknown values, or holds a policy document
/// that could not be read (invalid JSON, a document of the wrong type) or that IAM would refuse
/// to store (no `Statement`, values of the wrong type, …), is not compared: it is
/// listed in [`Compared::undecided`], since any change claimed there could be false. A role
/// present on one side only is compared with a policy that admits nobody.
///
/// # Errors
/// When a condition's string set is too complex to compare exactly.
pub fn changes(old: &Input, new: &Input) -> Result<Compared, String> {
    type Pair<'a> = (
        Option<String>,
        Option<&'a PolicySource>,
        Option<&'a PolicySource>,
    );
    let mut pairs: Vec<Pair<'_>> = Vec::new();
    if old.policies.len() == 1 && new.policies.len() == 1 {
        let (o, n) = (old.policies.first(), new.policies.first());
        pairs.push((
            n.and_then(|p| p.name.clone())
                .or_else(|| o.and_then(|p| p.name.clone())),
            o,
            n,
        ));
    } else {
        for n in &new.policies {
            pairs.push((
                n.name.clone(),
                old.policies.iter().find(|o| o.name == n.name),
                Some(n),
            ));
        }
        for o in &old.policies {
            if !new.policies.iter().any(|n| n.name == o.name) {
                pairs.push((o.name.clone(), Some(o), None));
            }
        }
    }
    let empty = parse_policy(br#"{"Version": "2012-10-17", "Statement": []}"#)
        .policy
        .ok_or("internal: empty policy")?;
    let mut out = Vec::new();
    let mut undecided = Vec::new();
    for (name, o, n) in pairs {
        // No model, or a document IAM would refuse to store (no `Statement`, wrong types, …):
        // neither is a policy that admits nobody.
        // (A document compared with an identical one changes nothing, whatever it holds.)
        let identical = matches!((o, n), (Some(a), Some(b)) if a.parsed == b.parsed);
        let unreadable = |s: &PolicySource| {
            !identical && (s.parsed.policy.is_none() || s.parsed.iam_would_reject())
        };
        if o.into_iter()
            .chain(n)
            .any(|s| s.has_unknowns() || unreadable(s))
        {
            undecided.push(name);
            continue;
        }
        let op = o.and_then(|s| s.parsed.policy.as_ref()).unwrap_or(&empty);
        let np = n.and_then(|s| s.parsed.policy.as_ref()).unwrap_or(&empty);
        let account = n
            .and_then(|s| s.account.as_deref())
            .or_else(|| o.and_then(|s| s.account.as_deref()));
        let (w, r) = symbolic::diff(op, np);
        for change in w.iter().chain(&r) {
            let (gainer, loser) = match change.direction {
                Direction::Widened => (np, op),
                Direction::Narrowed => (op, np),
            };
            for region in &change.admitted.regions {
                let s = summarize(gainer, &change.admitted, region, account);
                let ex = example(&change.admitted, region, account).filter(|e| {
                    confirms(gainer, e, Decision::Allow) && !confirms(loser, e, Decision::Allow)
                });
                out.push(DiffChange {
                    policy: name.clone(),
                    direction: change.direction,
                    class: change.admitted.class,
                    principal: change.admitted.principal.clone(),
                    summary: s.text,
                    exact: region.is_exact(),
                    example: ex,
                });
            }
        }
    }
    Ok(Compared {
        changes: out,
        undecided,
    })
}

/// One change as JSON.
#[must_use]
pub fn change_json(c: &DiffChange) -> Value {
    json!({
        "policy": c.policy,
        "principal": c.principal,
        "kind": c.class.as_str(),
        "summary": c.summary,
        "exact": c.exact,
        "example": c.example.as_ref().map(example_json),
    })
}

/// The document: `widened` and `narrowed` lists, and `undecided` roles when there are any.
#[must_use]
pub fn document(compared: &Compared) -> Value {
    let list = |d: Direction| {
        compared
            .changes
            .iter()
            .filter(|c| c.direction == d)
            .map(change_json)
            .collect::<Vec<_>>()
    };
    let mut out = json!({"schema": 1, "widened": list(Direction::Widened), "narrowed": list(Direction::Narrowed)});
    if let (Some(o), false) = (out.as_object_mut(), compared.undecided.is_empty()) {
        o.insert("undecided".into(), json!(compared.undecided));
    }
    out
}

/// Compare two texts, as `trustlint diff --format json OLD NEW` does.
///
/// # Errors
/// A message for a text without a policy, or conditions too complex to compare.
pub fn run(old_path: &str, old: &str, new_path: &str, new: &str) -> Result<Value, String> {
    let read = |path: &str, text: &str| {
        let input = crate::input::read_input(text.as_bytes());
        if input.policies.is_empty() {
            return Err(format!(
                "no trust policy found in `{path}` (it is {})",
                input.kind.as_str()
            ));
        }
        Ok(input)
    };
    let (old, new) = (read(old_path, old)?, read(new_path, new)?);
    Ok(document(&changes(&old, &new)?))
}
