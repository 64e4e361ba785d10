//! The `rules` document and `explain`.

use crate::lint::{RuleMeta, RULES};
use serde_json::{json, Value};

/// One rule: code, name, category, default severity, summary and docs URL.
#[must_use]
pub fn rule_json(m: &RuleMeta) -> Value {
    json!({"code": m.code, "name": m.name, "category": m.category.as_str(),
           "severity": m.category.severity().as_str(), "summary": m.summary(), "url": m.url()})
}

/// Every rule, sorted by code.
#[must_use]
pub fn document() -> Value {
    let rules: Vec<Value> = RULES.iter().map(|r| rule_json(r.meta())).collect();
    json!({"schema": 1, "rules": rules})
}

/// The rule with this code (any case) or name.
#[must_use]
pub fn find(code: &str) -> Option<&'static RuleMeta> {
    RULES
        .iter()
        .map(|r| r.meta())
        .find(|m| m.code.eq_ignore_ascii_case(code) || m.name == code)
}

/// `explain`: the rule's fields plus its documentation (Markdown) under `docs`.
#[must_use]
pub fn explain_json(m: &RuleMeta) -> Value {
    let mut v = rule_json(m);
    if let Some(o) = v.as_object_mut() {
        o.insert("schema".into(), json!(1));
        o.insert("docs".into(), json!(m.docs()));
    }
    v
}
