//! The exported functions through wasm-bindgen, in Node.js (default) and in headless Chromium
//! (`WASM_BINDGEN_USE_BROWSER=1`): results are plain objects, errors are results.
#![cfg(target_arch = "wasm32")]

use js_sys::Reflect;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

const POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"},
  "Action": "sts:AssumeRoleWithWebIdentity",
  "Condition": {"StringEquals": {
    "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:é😀:*"}}}]}"#;

fn get(v: &JsValue, path: &[&str]) -> JsValue {
    path.iter().fold(v.clone(), |v, k| {
        let key = k
            .parse::<u32>()
            .map_or_else(|_| JsValue::from_str(k), JsValue::from);
        Reflect::get(&v, &key).unwrap()
    })
}

#[wasm_bindgen_test]
fn check_underlines_with_utf16_offsets() {
    let r = trustlint_wasm::check(POLICY, None);
    let diags = js_sys::Array::from(&get(&r, &["diagnostics"]));
    let d = diags
        .iter()
        .find(|d| get(d, &["code"]).as_string().as_deref() == Some("TL203"))
        .unwrap();
    let start = get(&d, &["span", "utf16", "start"]).as_f64().unwrap() as u32;
    let end = get(&d, &["span", "utf16", "end"]).as_f64().unwrap() as u32;
    let under = js_sys::JsString::from(POLICY).substring(start, end);
    assert_eq!(String::from(under), "\"system:serviceaccount:é😀:*\"");
}

#[wasm_bindgen_test]
fn can_assume_takes_a_plain_object() {
    let request = js_sys::JSON::parse(
        r#"{"issuer": "https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF",
            "sub": "system:serviceaccount:é😀:*"}"#,
    )
    .unwrap();
    let r = trustlint_wasm::can_assume(POLICY, request);
    assert_eq!(
        get(&r, &["results", "0", "decision"]).as_string().unwrap(),
        "allow"
    );
    assert_eq!(get(&r, &["results", "0", "allowed"]).as_bool(), Some(true));
}

#[wasm_bindgen_test]
fn errors_are_results() {
    let r = trustlint_wasm::can_assume("{}", JsValue::UNDEFINED);
    assert!(get(&r, &["error"]).as_string().is_some());
    let r = trustlint_wasm::explain("TL999");
    assert!(get(&r, &["error"]).as_string().is_some());
    let r = trustlint_wasm::who_can_assume("not json", None);
    assert!(get(&r, &["results"]).is_object() || get(&r, &["error"]).is_string());
    assert_eq!(trustlint_wasm::version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn rules_and_diff() {
    let rules = js_sys::Array::from(&get(&trustlint_wasm::rules(), &["rules"]));
    assert!(rules.length() > 10);
    let wider = POLICY.replace("StringEquals", "StringLike");
    let d = trustlint_wasm::diff(POLICY, &wider);
    assert!(js_sys::Array::from(&get(&d, &["widened"])).length() > 0);
}
