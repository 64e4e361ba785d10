//! trustlint for JavaScript: the functions of the `trustlint` CLI, compiled to WebAssembly with
//! wasm-bindgen.
//!
//! Every function returns a plain JavaScript object with the shape of the CLI's `--format json`
//! output (INTERFACE.md). User errors (an unreadable request, an unknown rule, a text without a
//! policy) are results `{"schema": 1, "error": "…"}`, never exceptions. Spans also carry
//! `utf16: {start, end}`, offsets in UTF-16 code units into the text as JavaScript indexes it,
//! so an editor can underline exactly (non-ASCII text included).

pub mod api;

use serde_json::Value;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = include_str!("types.d.ts");

/// A JavaScript value as JSON (`undefined` and `null` become `null`).
fn from_js(value: &JsValue) -> Result<Value, String> {
    if value.is_undefined() || value.is_null() {
        return Ok(Value::Null);
    }
    if let Some(s) = value.as_string() {
        return serde_json::from_str(&s).map_err(|e| format!("invalid JSON: {e}"));
    }
    let text = js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or("the argument cannot be written as JSON")?;
    serde_json::from_str(&text).map_err(|e| format!("invalid JSON: {e}"))
}

/// A JSON value as a plain JavaScript object.
fn to_js(value: &Value) -> JsValue {
    let text = serde_json::to_string(value).unwrap_or_default();
    js_sys::JSON::parse(&text).unwrap_or(JsValue::NULL)
}

/// Run `f` on a JavaScript argument read as JSON; an unreadable argument is an error result.
fn with_arg(arg: &JsValue, f: impl FnOnce(&Value) -> Value) -> JsValue {
    to_js(&from_js(arg).map_or_else(api::error, |v| f(&v)))
}

/// Lint a policy (or an IAM/Terraform/CloudFormation document) as `trustlint check --format
/// json` does. `options`: `{path?, select?, ignore?, severity?, clusters?}`.
#[wasm_bindgen(js_name = check, unchecked_return_type = "CheckResult | ErrorResult")]
#[must_use]
pub fn check(
    text: &str,
    #[wasm_bindgen(unchecked_param_type = "CheckOptions")] options: Option<JsValue>,
) -> JsValue {
    with_arg(&options.unwrap_or(JsValue::NULL), |o| api::check(text, o))
}

/// Whether an identity may assume the role(s) in `text`, with the trace of every statement, as
/// `trustlint can-assume --format json` does.
#[wasm_bindgen(js_name = canAssume, unchecked_return_type = "CanAssumeResult | ErrorResult")]
#[must_use]
pub fn can_assume(
    text: &str,
    #[wasm_bindgen(unchecked_param_type = "CanAssumeRequest")] request: JsValue,
) -> JsValue {
    with_arg(&request, |r| api::can_assume(text, r))
}

/// Who can assume the role(s) in `text`, as `trustlint who-can-assume --format json` does.
#[wasm_bindgen(js_name = whoCanAssume, unchecked_return_type = "WhoCanAssumeResult | ErrorResult")]
#[must_use]
pub fn who_can_assume(
    text: &str,
    #[wasm_bindgen(unchecked_param_type = "{ role?: string; path?: string }")] options: Option<
        JsValue,
    >,
) -> JsValue {
    with_arg(&options.unwrap_or(JsValue::NULL), |o| {
        api::who_can_assume(text, o)
    })
}

/// What `new` admits that `old` did not (widened) and the reverse (narrowed).
#[wasm_bindgen(js_name = diff, unchecked_return_type = "DiffResult | ErrorResult")]
#[must_use]
pub fn diff(old: &str, new: &str) -> JsValue {
    to_js(&api::diff(old, new))
}

/// Every rule: code, name, category, severity, summary, docs URL.
#[wasm_bindgen(js_name = rules, unchecked_return_type = "RulesResult")]
#[must_use]
pub fn rules() -> JsValue {
    to_js(&api::rules())
}

/// One rule (by code or name) with its documentation in Markdown.
#[wasm_bindgen(js_name = explain, unchecked_return_type = "ExplainResult | ErrorResult")]
#[must_use]
pub fn explain(code: &str) -> JsValue {
    to_js(&api::explain(code))
}

/// The version of trustlint.
#[wasm_bindgen(js_name = version)]
#[must_use]
pub fn version() -> String {
    api::version().to_owned()
}
