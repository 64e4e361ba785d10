//! The `who-can-assume` document and the example identities it (and `diff`) gives.

use crate::identity::Identity;
use crate::input::PolicySource;
use crate::symbolic::{self, summarize, Admitted, Example, KeySet, Region, Summary};
use serde_json::{json, Map, Value};

/// An example identity as INTERFACE.md writes it (the flags of `can-assume`, as JSON).
#[must_use]
pub fn example_json(e: &Example) -> Value {
    let q = &e.query;
    let mut m = Map::new();
    match &q.identity {
        Identity::WebIdentity { issuer, sub, aud } => {
            m.insert("issuer".into(), json!(issuer.url()));
            m.insert("sub".into(), json!(sub));
            m.insert("aud".into(), json!(aud));
            if let Some(a) = &issuer.account {
                m.insert("account".into(), json!(a));
            }
        }
        Identity::PodIdentity { tags, session_tags } => {
            m.insert("pod_identity".into(), json!(true));
            let t: Map<String, Value> = tags.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
            m.insert("tags".into(), Value::Object(t));
            if !session_tags {
                // As `--no-session-tags`.
                m.insert("session_tags".into(), json!(false));
            }
        }
        Identity::Aws { principal } => {
            m.insert("principal".into(), json!(principal));
            m.insert("action".into(), json!("sts:AssumeRole"));
        }
    }
    if let Some(a) = &q.account {
        m.insert("account".into(), json!(a));
    }
    if !q.context.is_empty() {
        let c: Map<String, Value> = q
            .context
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        m.insert("context".into(), Value::Object(c));
    }
    Value::Object(m)
}

/// The admitted values of each condition key, as include/exclude patterns.
#[must_use]
pub fn keys_json(keys: &[KeySet]) -> Value {
    let m: Map<String, Value> = keys
        .iter()
        .map(|k| {
            let mut v = json!({"include": k.include, "exclude": k.exclude});
            if k.absent {
                if let Some(o) = v.as_object_mut() {
                    o.insert("absent".into(), json!(true));
                    if k.present.is_empty() {
                        o.insert("present".into(), json!(false));
                    }
                }
            }
            (k.key.clone(), v)
        })
        .collect();
    Value::Object(m)
}

/// One trusted principal with the summary of each region it is admitted to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    /// The principal and its regions.
    pub admitted: Admitted,
    /// The principal as the file writes it (unknown values by their description).
    pub shown: String,
    /// One summary per region, in order (none when the set rests on unknown values).
    pub summaries: Vec<Summary>,
    /// Whether what the principal is admitted to rests on values trustlint cannot know: then
    /// nothing is claimed about it.
    pub unknown: bool,
}

/// Describe who can assume a role: every trusted principal, each admitted region in words and
/// with a checked example.
#[must_use]
pub fn describe(policy: &crate::policy::TrustPolicy, account: Option<&str>) -> Vec<Described> {
    symbolic::who_can_assume(policy)
        .into_iter()
        .map(|admitted| {
            let summaries = admitted
                .regions
                .iter()
                .map(|r| summarize(policy, &admitted, r, account))
                .collect();
            Described {
                shown: admitted.principal.clone(),
                admitted,
                summaries,
                unknown: false,
            }
        })
        .collect()
}

/// [`describe`] for a role of an input, whose policy may hold values trustlint cannot know: a
/// principal whose admitted set rests on them is marked [`Described::unknown`] and not
/// summarised. `None` when the source has no readable policy.
#[must_use]
pub fn describe_source(source: &PolicySource) -> Option<Vec<Described>> {
    let policy = source.parsed.policy.as_ref()?;
    let account = source.account.as_deref();
    if !source.has_unknowns() {
        return Some(describe(policy, account));
    }
    let spans = source.unknown_spans();
    Some(
        symbolic::who_can_assume(policy)
            .into_iter()
            .map(|admitted| {
                let unknown = symbolic::rests_on_unknowns(policy, &admitted, &spans);
                let summaries = if unknown {
                    Vec::new()
                } else {
                    admitted
                        .regions
                        .iter()
                        .map(|r| summarize(policy, &admitted, r, account))
                        .collect()
                };
                Described {
                    shown: source.show(&admitted.principal),
                    admitted,
                    summaries,
                    unknown,
                }
            })
            .collect(),
    )
}

/// How the unknown values of a source are written.
#[must_use]
pub fn unknown_descriptions(source: &PolicySource) -> Vec<&str> {
    source
        .unknowns
        .iter()
        .map(|u| u.description.as_str())
        .collect()
}

/// One admitted region.
#[must_use]
pub fn admits_json(region: &Region, summary: &Summary) -> Value {
    json!({
        "keys": keys_json(&region.keys),
        "exact": region.is_exact(),
        "opaque": region.opaque,
        "unless": region.unless,
        "summary": summary.text,
        "example": summary.example.as_ref().map(example_json),
    })
}

/// One role's result; `described` is `None` for a policy that could not be read.
#[must_use]
pub fn role_json(path: &str, source: &PolicySource, described: Option<&[Described]>) -> Value {
    let principals: Vec<Value> = described
        .unwrap_or_default()
        .iter()
        .map(|d| {
            if d.unknown {
                return json!({"kind": d.admitted.class.as_str(), "principal": d.shown,
                              "admits": [], "unknown": unknown_descriptions(source)});
            }
            let admits: Vec<Value> = d
                .admitted
                .regions
                .iter()
                .zip(&d.summaries)
                .map(|(r, s)| admits_json(r, s))
                .collect();
            json!({"kind": d.admitted.class.as_str(), "principal": d.shown, "admits": admits})
        })
        .collect();
    let mut out = json!({"path": path, "policy": source.name, "principals": principals});
    if principals_empty(described) && source.has_unknowns() {
        if let Some(o) = out.as_object_mut() {
            o.insert("unknown".into(), json!(unknown_descriptions(source)));
        }
    }
    out
}

fn principals_empty(described: Option<&[Described]>) -> bool {
    described.is_none_or(<[Described]>::is_empty)
}

/// The document.
#[must_use]
pub fn document(results: Vec<Value>) -> Value {
    json!({"schema": 1, "results": Value::Array(results)})
}

/// Describe every role of a text (or only `role`), as `trustlint who-can-assume --format json`
/// does.
///
/// # Errors
/// A message for a text without a (matching) policy.
pub fn run(path: &str, text: &str, role: Option<&str>) -> Result<Value, String> {
    let input = crate::input::read_input(text.as_bytes());
    let sources = super::can_assume::select(path, &input, role)?;
    let mut results = Vec::with_capacity(sources.len());
    for source in sources {
        let described = describe_source(source);
        results.push(role_json(path, source, described.as_deref()));
    }
    Ok(document(results))
}
