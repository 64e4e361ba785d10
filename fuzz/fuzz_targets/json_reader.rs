//! The span-recording JSON reader on arbitrary bytes, with serde_json as the oracle for
//! accept/reject and for the decoded values.
//!
//! Invariants: no panic; every span (of a node, a key or the error) lies within the input; the
//! reader accepts exactly what serde_json accepts (after the BOM, which only ours skips), except
//! where one of them stops at its nesting limit or serde_json cannot represent a number; and an
//! accepted document decodes to the value serde_json decodes (duplicate keys: the last one).

#![no_main]

#[path = "../common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use serde_json::Value as J;
use trustlint_core::json::{self, JsonErrorKind, Node, Value, MAX_DEPTH};

/// Our tree as serde_json would build it (the last of duplicate keys wins).
fn to_serde(node: &Node) -> J {
    match &node.value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(n) => serde_json::from_str(n).unwrap_or(J::Null),
        Value::String(s) => J::String(s.clone()),
        Value::Array(items) => J::Array(items.iter().map(to_serde).collect()),
        Value::Object(members) => {
            let mut map = serde_json::Map::new();
            for m in members {
                map.insert(m.key.clone(), to_serde(&m.value));
            }
            J::Object(map)
        }
    }
}

/// The deepest nesting of arrays/objects in a tree.
fn depth(node: &Node) -> usize {
    let mut max = 0;
    let mut stack = vec![(node, 0usize)];
    while let Some((n, d)) = stack.pop() {
        match &n.value {
            Value::Array(items) => {
                max = max.max(d + 1);
                stack.extend(items.iter().map(|i| (i, d + 1)));
            }
            Value::Object(members) => {
                max = max.max(d + 1);
                stack.extend(members.iter().map(|m| (&m.value, d + 1)));
            }
            _ => {}
        }
    }
    max
}

fuzz_target!(|data: &[u8]| {
    let ours = json::parse(data);
    let body = data.strip_prefix("\u{feff}".as_bytes()).unwrap_or(data);
    let theirs = serde_json::from_slice::<J>(body);
    match (&ours, &theirs) {
        (Ok(node), Ok(value)) => {
            common::assert_tree_in(node, data.len());
            assert!(depth(node) <= MAX_DEPTH);
            assert_eq!(&to_serde(node), value, "decoded values differ");
        }
        (Ok(node), Err(e)) => {
            common::assert_tree_in(node, data.len());
            assert!(depth(node) <= MAX_DEPTH);
            let msg = e.to_string();
            assert!(
                msg.contains("recursion limit") || msg.contains("number out of range"),
                "we accept what serde_json rejects: {msg}"
            );
        }
        (Err(err), theirs) => {
            assert!(
                err.span.start <= err.span.end && err.span.end <= data.len(),
                "error span {:?} outside {} bytes",
                err.span,
                data.len()
            );
            assert!(!err.message.is_empty());
            if let Ok(text) = std::str::from_utf8(data) {
                common::assert_span_in(text, err.span, "json error");
            }
            assert!(
                theirs.is_err() || err.kind == JsonErrorKind::TooDeep,
                "we reject what serde_json accepts: {} ({:?})",
                err.message,
                err.kind
            );
        }
    }
});
