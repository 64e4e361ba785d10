//! Assertions shared by the fuzz targets.

#![allow(dead_code, reason = "each target uses some of the helpers")]

use trustlint_core::diagnostic::Finding;
use trustlint_core::json::{Node, Value};
use trustlint_core::source::Span;

/// `span` lies within `text` and starts and ends on character boundaries.
pub fn assert_span_in(text: &str, span: Span, what: &str) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "{what}: span {span:?} outside a text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what}: span {span:?} not on character boundaries"
    );
}

/// Every span of `finding` lies within `text` on character boundaries, and its message is
/// non-empty.
pub fn assert_finding_in(text: &str, finding: &Finding) {
    assert_span_in(text, finding.span, finding.code);
    for label in &finding.labels {
        assert_span_in(text, label.span, finding.code);
    }
    assert!(
        !finding.message.is_empty(),
        "{}: empty message",
        finding.code
    );
}

/// Every span in the tree lies within `len` bytes, children inside their parents, in order.
pub fn assert_tree_in(root: &Node, len: usize) {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        let s = node.span;
        assert!(
            s.start < s.end && s.end <= len,
            "node span {s:?} (len {len})"
        );
        let mut last = s.start;
        match &node.value {
            Value::Array(items) => {
                for item in items {
                    assert!(item.span.start >= last && item.span.end <= s.end);
                    last = item.span.end;
                    stack.push(item);
                }
            }
            Value::Object(members) => {
                for m in members {
                    assert!(m.key_span.start >= last && m.key_span.end <= m.value.span.start);
                    assert!(m.value.span.end <= s.end);
                    last = m.value.span.end;
                    stack.push(&m.value);
                }
            }
            _ => {}
        }
    }
}
