//! The `can-assume` document.

use super::Utf16Map;
use crate::diagnostic::Finding;
use crate::eval::{Decision, Evaluation, PrincipalOutcome, StatementTrace};
use crate::identity::Answer;
use crate::input::PolicySource;
use crate::policy::Statement;
use crate::source::LineIndex;
use serde_json::{json, Value};

/// The decision for a role: the answer's, or an implicit deny when the policy is unreadable.
#[must_use]
pub fn decision(answer: Option<&Answer>) -> Decision {
    answer.map_or(Decision::ImplicitDeny, |a| a.decision)
}

/// Whether the role may be assumed: allowed, and a document IAM would store.
#[must_use]
pub fn allowed(source: &PolicySource, answer: Option<&Answer>) -> bool {
    decision(answer) == Decision::Allow && !source.parsed.iam_would_reject()
}

/// The problems for which IAM would refuse the document.
pub fn reject_reasons(source: &PolicySource) -> impl Iterator<Item = &Finding> {
    source.parsed.findings.iter().filter(|f| f.iam_rejects)
}

/// The action whose evaluation decides: the first one not allowed, else the first.
#[must_use]
pub fn deciding(answer: Option<&Answer>) -> Option<(&str, &Evaluation)> {
    let answer = answer?;
    let pick = answer
        .actions
        .iter()
        .find(|a| a.evaluation.decision != Decision::Allow)
        .or_else(|| answer.actions.first())?;
    Some((pick.request.action.as_str(), &pick.evaluation))
}

/// What a statement's principal outcome means, in words.
#[must_use]
pub fn principal_detail(p: &PrincipalOutcome) -> String {
    match p {
        PrincipalOutcome::Wildcard => "`*` trusts every caller".to_owned(),
        PrincipalOutcome::Matched { value } => format!("`{value}` is the caller"),
        PrincipalOutcome::NotMatched { candidates } if candidates.is_empty() => {
            "no principal of the caller's type is listed".to_owned()
        }
        PrincipalOutcome::NotMatched { candidates } => format!(
            "the caller is none of {}",
            candidates
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        PrincipalOutcome::Missing => "the statement has no `Principal`".to_owned(),
    }
}

/// One statement's trace: principal, action and each condition with the request's values.
#[must_use]
pub fn statement_json(s: &Statement, t: &StatementTrace) -> Value {
    json!({
        "index": t.index,
        "sid": s.sid.as_ref().map(|x| x.value.clone()),
        "effect": t.effect.map(|e| e.as_str()),
        "matched": t.matched,
        "principal": {"matched": t.principal.matched(), "detail": principal_detail(&t.principal)},
        "action": {"matched": t.action_matched, "detail": t.action_detail},
        "conditions": s.conditions.iter().zip(&t.conditions).map(|(c, o)| json!({
            "operator": c.operator.map_or_else(|| c.operator_text.clone(), |op| op.canonical()),
            "key": c.key,
            "values": c.values.iter().map(|v| v.text.clone()).collect::<Vec<_>>(),
            "request": o.request,
            "matched": o.matched,
            "detail": o.detail(c),
        })).collect::<Vec<_>>(),
    })
}

/// One role's result. `file` is the file's text and `index` its line index; with `utf16`, each
/// reject reason also carries `utf16: {start, end}`.
#[must_use]
pub fn role_json(
    path: &str,
    file: &str,
    index: &LineIndex,
    utf16: Option<&Utf16Map>,
    source: &PolicySource,
    answer: Option<&Answer>,
) -> Value {
    let policy = source.parsed.policy.as_ref();
    let statements: Vec<Value> = match (deciding(answer), policy) {
        (Some((_, eval)), Some(policy)) => eval
            .statements
            .iter()
            .filter_map(|t| policy.statements.get(t.index).map(|s| statement_json(s, t)))
            .collect(),
        _ => Vec::new(),
    };
    let actions: Vec<Value> = answer
        .map(|a| {
            a.actions
                .iter()
                .map(|x| json!({"action": x.request.action, "decision": x.evaluation.decision.as_str()}))
                .collect()
        })
        .unwrap_or_default();
    let reasons: Vec<Value> = reject_reasons(source)
        .map(|f| {
            let pos = index.position(file, f.span.start);
            let mut reason = json!({"code": f.code, "message": f.message, "line": pos.line, "column": pos.column});
            if let (Some(map), Some(obj)) = (utf16, reason.as_object_mut()) {
                obj.insert("utf16".into(), map.span_json(f.span));
            }
            reason
        })
        .collect();
    json!({
        "path": path,
        "policy": source.name,
        "decision": decision(answer).as_str(),
        "allowed": allowed(source, answer),
        "iam_would_reject": source.parsed.iam_would_reject(),
        "reject_reasons": reasons,
        "actions": actions,
        "notes": answer.map(|a| a.notes.clone()).unwrap_or_default(),
        "statements": statements,
    })
}

/// The document: what the input left undecided, and each role's result.
#[must_use]
pub fn document(undecided: &[Finding], results: Vec<Value>) -> Value {
    json!({
        "schema": 1,
        "undecided": undecided.iter().map(|f| f.message.clone()).collect::<Vec<_>>(),
        "results": Value::Array(results),
    })
}

/// The PolicySources a role filter keeps (all when `role` is `None`), or the CLI's message when
/// none is left.
///
/// # Errors
/// When the input holds no policy, or none with that name.
pub fn select<'a>(
    path: &str,
    input: &'a crate::input::Input,
    role: Option<&str>,
) -> Result<Vec<&'a PolicySource>, String> {
    let sources: Vec<&PolicySource> = input
        .policies
        .iter()
        .filter(|p| role.is_none_or(|r| p.answers_to(r)))
        .collect();
    if sources.is_empty() {
        return Err(match role {
            Some(r) if !input.policies.is_empty() => format!("no role named `{r}` in `{path}`"),
            _ => format!(
                "no trust policy found in `{path}` (it is {})",
                input.kind.as_str()
            ),
        });
    }
    Ok(sources)
}

/// Answer a request (see [`super::request`]) for every role of a text, as
/// `trustlint can-assume --format json` does.
///
/// # Errors
/// A message for a malformed request or a text without a (matching) policy.
pub fn run(
    path: &str,
    text: &str,
    request: &Value,
    offsets: super::Offsets,
) -> Result<Value, String> {
    let query = super::request::query(request)?;
    let role = super::request::role(request)?;
    let input = crate::input::read_input(text.as_bytes());
    let sources = select(path, &input, role.as_deref())?;
    let index = LineIndex::new(text);
    let map = (offsets == super::Offsets::Utf16).then(|| Utf16Map::new(text));
    let results = sources
        .into_iter()
        .map(|source| {
            let answer = query.answer_source(source);
            role_json(path, text, &index, map.as_ref(), source, answer.as_ref())
        })
        .collect();
    Ok(document(&input.findings, results))
}
