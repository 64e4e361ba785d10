//! Writing a [`TrustPolicy`] back as JSON (canonical form: IAM element order, arrays everywhere).

use super::{Effect, PrincipalKind, TrustPolicy};
use serde_json::{Map, Value};

impl TrustPolicy {
    /// The policy as a JSON value. Elements the model keeps only as spans (`Resource`,
    /// `NotResource`) are not written; duplicated keys appear once.
    #[must_use]
    pub fn to_json_value(&self) -> Value {
        let mut doc = Map::new();
        if let Some(v) = &self.version {
            doc.insert("Version".into(), Value::String(v.value.clone()));
        }
        if let Some(id) = &self.id {
            doc.insert("Id".into(), Value::String(id.value.clone()));
        }
        let statements = self
            .statements
            .iter()
            .map(|s| {
                let mut st = Map::new();
                if let Some(sid) = &s.sid {
                    st.insert("Sid".into(), Value::String(sid.value.clone()));
                }
                if let Some(e) = &s.effect {
                    st.insert("Effect".into(), Value::String(e.value.as_str().into()));
                }
                for (name, p) in [
                    ("Principal", &s.principal),
                    ("NotPrincipal", &s.not_principal),
                ] {
                    let Some(p) = p else { continue };
                    if p.any {
                        st.insert(name.into(), Value::String("*".into()));
                        continue;
                    }
                    let mut m = Map::new();
                    for kind in [
                        PrincipalKind::Aws,
                        PrincipalKind::Federated,
                        PrincipalKind::Service,
                        PrincipalKind::CanonicalUser,
                    ] {
                        let values: Vec<Value> = p
                            .entries
                            .iter()
                            .filter(|e| e.kind == kind)
                            .map(|e| Value::String(e.value.clone()))
                            .collect();
                        if !values.is_empty() {
                            m.insert(kind.as_str().into(), Value::Array(values));
                        }
                    }
                    st.insert(name.into(), Value::Object(m));
                }
                if let Some(a) = &s.action {
                    let name = if a.negated { "NotAction" } else { "Action" };
                    let values = a
                        .patterns
                        .iter()
                        .map(|p| Value::String(p.text.clone()))
                        .collect();
                    st.insert(name.into(), Value::Array(values));
                }
                if s.condition_span.is_some() {
                    let mut ops = Map::new();
                    for c in &s.conditions {
                        let entry = ops
                            .entry(c.operator_text.clone())
                            .or_insert_with(|| Value::Object(Map::new()));
                        if let Value::Object(keys) = entry {
                            let values = c
                                .values
                                .iter()
                                .map(|v| Value::String(v.text.clone()))
                                .collect();
                            keys.insert(c.key.clone(), Value::Array(values));
                        }
                    }
                    st.insert("Condition".into(), Value::Object(ops));
                }
                Value::Object(st)
            })
            .collect();
        doc.insert("Statement".into(), Value::Array(statements));
        Value::Object(doc)
    }

    /// The policy as pretty-printed JSON text.
    #[must_use]
    pub fn to_json_string(&self) -> String {
        serde_json::to_string_pretty(&self.to_json_value()).unwrap_or_default()
    }
}

impl Effect {
    /// Parse `Allow`/`Deny` exactly.
    #[must_use]
    pub fn parse(text: &str) -> Option<Effect> {
        match text {
            "Allow" => Some(Effect::Allow),
            "Deny" => Some(Effect::Deny),
            _ => None,
        }
    }
}
