//! The API on JSON values: what the JavaScript functions do, testable without a JavaScript
//! engine. Every function returns a result document; user errors are `{"schema": 1, "error":
//! "…"}`, never a panic.

use serde_json::{json, Value};
use trustlint_core::output::{self, Offsets};

/// The path diagnostics name when the options give none.
pub const DEFAULT_PATH: &str = "<input>";

/// A user error as a result.
#[must_use]
pub fn error(message: impl Into<String>) -> Value {
    json!({"schema": 1, "error": message.into()})
}

fn path_of(options: &Value) -> Result<String, String> {
    match options.get("path") {
        None | Some(Value::Null) => Ok(DEFAULT_PATH.to_owned()),
        Some(Value::String(p)) => Ok(p.clone()),
        Some(_) => Err("`path` must be a string".to_owned()),
    }
}

fn or_error(result: Result<Value, String>) -> Value {
    result.unwrap_or_else(error)
}

/// `trustlint check --format json`, with UTF-16 offsets in every span. Options: `path`,
/// `select`, `ignore`, `severity`, `clusters`.
#[must_use]
pub fn check(text: &str, options: &Value) -> Value {
    or_error((|| {
        let path = path_of(options)?;
        let opts = output::check::options_from_json(options)?;
        Ok(output::check::check_text(
            &path,
            text,
            &opts,
            Offsets::Utf16,
        ))
    })())
}

/// `trustlint can-assume --format json`: the request is an example identity of
/// `who-can-assume` (`issuer`/`sub`/`sa`/`aud`, `pod_identity`/`tags`, `principal`/`action`, …),
/// plus `role` and `path`.
#[must_use]
pub fn can_assume(text: &str, request: &Value) -> Value {
    or_error(
        path_of(request)
            .and_then(|path| output::can_assume::run(&path, text, request, Offsets::Utf16)),
    )
}

/// `trustlint who-can-assume --format json`. Options: `role`, `path`.
#[must_use]
pub fn who_can_assume(text: &str, options: &Value) -> Value {
    or_error((|| {
        let path = path_of(options)?;
        let role = output::request::role(options)?;
        output::who::run(&path, text, role.as_deref())
    })())
}

/// `trustlint diff --format json OLD NEW`.
#[must_use]
pub fn diff(old: &str, new: &str) -> Value {
    or_error(output::diff::run("<old>", old, "<new>", new))
}

/// `trustlint rules --format json`.
#[must_use]
pub fn rules() -> Value {
    output::rules::document()
}

/// The rule with this code or name, with its documentation (Markdown) under `docs`.
#[must_use]
pub fn explain(code: &str) -> Value {
    match output::rules::find(code) {
        Some(m) => output::rules::explain_json(m),
        None => error(format!("no rule `{code}` (call `rules()` for the list)")),
    }
}

/// The version of trustlint.
#[must_use]
pub fn version() -> &'static str {
    output::VERSION
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"},
  "Action": "sts:AssumeRoleWithWebIdentity",
  "Condition": {"StringEquals": {
    "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:é😀:*"}}}]}"#;

    #[test]
    fn utf16_offsets_point_at_the_value() {
        let r = check(POLICY, &Value::Null);
        let d = r["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == "TL203")
            .unwrap();
        let (s, e) = (
            d["span"]["utf16"]["start"].as_u64().unwrap() as usize,
            d["span"]["utf16"]["end"].as_u64().unwrap() as usize,
        );
        let units: Vec<u16> = POLICY.encode_utf16().collect();
        let under = String::from_utf16(&units[s..e]).unwrap();
        assert!(under.contains("system:serviceaccount:é😀:*"), "{under}");
    }

    #[test]
    fn user_errors_are_results() {
        assert!(can_assume(POLICY, &json!({}))["error"].is_string());
        assert!(can_assume(
            "{}",
            &json!({"principal": "arn:aws:iam::111122223333:root"})
        )["error"]
            .is_string());
        assert!(check(POLICY, &json!({"select": ["X1"]}))["error"].is_string());
        assert!(explain("TL999")["error"].is_string());
        assert!(who_can_assume("[1]", &Value::Null)["error"].is_string());
        assert!(diff("{}", POLICY)["error"].is_string());
        assert_eq!(explain("tl203")["code"], "TL203");
        assert_eq!(check("{", &Value::Null)["diagnostics"][0]["code"], "TL001");
    }

    #[test]
    fn can_assume_reads_an_example_identity() {
        let who = who_can_assume(POLICY, &Value::Null);
        let example = &who["results"][0]["principals"][0]["admits"][0]["example"];
        let r = can_assume(POLICY, example);
        assert_eq!(r["results"][0]["allowed"], true, "{r}");
        let ok = can_assume(
            POLICY,
            &json!({"issuer": "https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF",
                    "sub": "system:serviceaccount:é😀:*"}),
        );
        assert_eq!(ok["results"][0]["decision"], "allow", "{ok}");
    }
}
