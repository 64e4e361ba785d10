//! A `can-assume` request given as JSON, the way an example identity is written (INTERFACE.md):
//! the flags of `can-assume` as keys.
//!
//! | key | flag | value |
//! |---|---|---|
//! | `issuer` | `--issuer` | issuer URL or OIDC provider ARN (web identity) |
//! | `sa` | `--sa` | `NAMESPACE/NAME` (web identity subject, or Pod Identity tags) |
//! | `sub` | `--sub` | any token subject |
//! | `aud` | `--aud` | a string or an array; default `["sts.amazonaws.com"]` |
//! | `pod_identity` | `--pod-identity` | `true` for EKS Pod Identity |
//! | `cluster_arn` | `--cluster-arn` | the cluster ARN (Pod Identity) |
//! | `tags` | `--tag` | `{"key": "value"}`, set or override session tags |
//! | `session_tags` | `--no-session-tags` | `false` models an association without session tags |
//! | `principal` | `--principal` | an AWS principal ARN |
//! | `action` | `--action` | a string or an array |
//! | `account`, `partition` | `--account`, `--partition` | strings |
//! | `context` | `--context` | `{"key": "value"}` or `{"key": ["value", …]}` |
//! | `role` | `--role` | evaluate only this role (name or ARN) |

use crate::identity::{Identity, Issuer, Query, ServiceAccount};
use serde_json::Value;

/// A string or an array of strings, as a list.
fn strings(v: Option<&Value>, key: &str) -> Result<Vec<String>, String> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("`{key}` must hold strings"))
            })
            .collect(),
        Some(_) => Err(format!("`{key}` must be a string or an array of strings")),
    }
}

/// An optional string field.
fn string(request: &Value, key: &str) -> Result<Option<String>, String> {
    match request.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("`{key}` must be a string")),
    }
}

/// An optional boolean field.
fn boolean(request: &Value, key: &str) -> Result<Option<bool>, String> {
    match request.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(format!("`{key}` must be true or false")),
    }
}

/// `{"key": "value" | ["value", …]}` as ordered pairs.
fn pairs(request: &Value, key: &str) -> Result<Vec<(String, Vec<String>)>, String> {
    match request.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(m)) => m
            .iter()
            .map(|(k, v)| Ok((k.clone(), strings(Some(v), key)?)))
            .collect(),
        Some(_) => Err(format!("`{key}` must be an object")),
    }
}

/// The role a request selects (`role`), if any.
///
/// # Errors
/// When `role` is not a string.
pub fn role(request: &Value) -> Result<Option<String>, String> {
    string(request, "role")
}

/// Build the query a request describes, with the CLI's checks and messages.
///
/// # Errors
/// A message when the request is incomplete or malformed.
pub fn query(request: &Value) -> Result<Query, String> {
    if !request.is_object() {
        return Err("the request must be an object".to_owned());
    }
    let sa = string(request, "sa")?
        .as_deref()
        .map(ServiceAccount::parse)
        .transpose()
        .map_err(|e| e.message)?;
    let sub = string(request, "sub")?;
    let pod_identity = boolean(request, "pod_identity")?.unwrap_or(false);
    let identity = if let Some(issuer) = string(request, "issuer")? {
        let issuer = Issuer::parse(&issuer).map_err(|e| e.message)?;
        let sub = match (&sa, sub) {
            (Some(sa), None) => sa.subject(),
            (None, Some(sub)) => sub,
            (Some(_), Some(_)) => return Err("give either `sa` or `sub`, not both".to_owned()),
            (None, None) => {
                return Err(
                    "web identity needs the token subject: give `sa` (NAMESPACE/NAME) or `sub`"
                        .to_owned(),
                )
            }
        };
        let mut aud = strings(request.get("aud"), "aud")?;
        if aud.is_empty() {
            aud.push("sts.amazonaws.com".to_owned());
        }
        Identity::WebIdentity { issuer, sub, aud }
    } else if pod_identity {
        let cluster = string(request, "cluster_arn")?;
        let mut tags = Identity::pod_identity_tags(cluster.as_deref(), sa.as_ref());
        for (k, vs) in pairs(request, "tags")? {
            let [v] = vs.as_slice() else {
                return Err(format!("tag `{k}` must have one string value"));
            };
            tags.retain(|(key, _)| !key.eq_ignore_ascii_case(&k));
            tags.push((k, v.clone()));
        }
        Identity::PodIdentity {
            tags,
            session_tags: boolean(request, "session_tags")?.unwrap_or(true),
        }
    } else if let Some(principal) = string(request, "principal")? {
        Identity::Aws { principal }
    } else {
        return Err("give one of `issuer`, `pod_identity` or `principal`".to_owned());
    };
    let mut context: Vec<(String, Vec<String>)> = Vec::new();
    for (k, vs) in pairs(request, "context")? {
        match context
            .iter_mut()
            .find(|(key, _)| key.eq_ignore_ascii_case(&k))
        {
            Some((_, values)) => values.extend(vs),
            None => context.push((k, vs)),
        }
    }
    let account = string(request, "account")?;
    if let Some(a) = &account {
        if a.len() != 12 || !a.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("account `{a}` is not a 12-digit account id"));
        }
    }
    let partition = string(request, "partition")?;
    if let Some(p) = &partition {
        if !matches!(p.as_str(), "aws" | "aws-cn" | "aws-us-gov") {
            return Err(format!(
                "partition `{p}` is not one of aws, aws-cn, aws-us-gov"
            ));
        }
    }
    Ok(Query {
        identity,
        account,
        partition,
        context,
        actions: strings(request.get("action"), "action")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn web_identity_defaults_the_audience() {
        let q = query(
            &json!({"issuer": "https://token.actions.githubusercontent.com",
                              "sub": "repo:o/r:ref:refs/heads/main"}),
        )
        .unwrap();
        match q.identity {
            Identity::WebIdentity { aud, .. } => assert_eq!(aud, vec!["sts.amazonaws.com"]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bad_requests_are_messages() {
        for bad in [
            json!(1),
            json!({}),
            json!({"issuer": "https://x.example"}),
            json!({"principal": "arn:aws:iam::111122223333:root", "account": "12"}),
            json!({"principal": "arn:aws:iam::111122223333:root", "context": {"k": 1}}),
            json!({"pod_identity": true, "tags": {"a": ["x", "y"]}}),
        ] {
            assert!(query(&bad).is_err(), "{bad}");
        }
    }
}
