//! Answering for every role of a file without holding all of them, or all the answers, at once:
//! a dump's roles are read in batches (each batch split across the threads), and each role's
//! result is written out before the next batch is read.

use std::io::Write;

use serde_json::Value;
use trustlint_core::diagnostic::Finding;
use trustlint_core::input::{PolicySource, Prepared, RoleEntry};

/// Roles read per thread in one batch of a dump.
const BATCH_PER_THREAD: usize = 2048;

/// Hands `sink` the result of `f` for every policy of `prepared` that `keep` selects, in input
/// order: first the file's own policies, then the roles of its role list, read in batches
/// across `threads` threads. Returns the findings on role-list entries (roles without a
/// policy), which a caller reports with the file's own.
pub fn for_each_source<R: Send>(
    prepared: &Prepared<'_>,
    threads: usize,
    keep: impl Fn(&PolicySource) -> bool + Sync,
    f: impl Fn(&PolicySource) -> R + Sync,
    mut sink: impl FnMut(R),
) -> Vec<Finding> {
    for source in prepared.input.policies.iter().filter(|s| keep(s)) {
        sink(f(source));
    }
    let roles = &prepared.roles;
    let threads = threads.max(1);
    let batch = BATCH_PER_THREAD * threads;
    let mut findings = Vec::new();
    let mut start = 0;
    while start < roles.len() {
        let end = (start + batch).min(roles.len());
        let indices: Vec<usize> = (start..end).collect();
        let parts = crate::check::in_parts(&indices, threads, |part| {
            let mut out = (Vec::new(), Vec::new());
            let (Some(&first), Some(&last)) = (part.first(), part.last()) else {
                return out;
            };
            roles.for_each(first..last + 1, |entry| match entry {
                RoleEntry::Policy(source) if keep(&source) => out.0.push(f(&source)),
                RoleEntry::Policy(_) => {}
                RoleEntry::Finding(finding) => out.1.push(finding),
            });
            out
        });
        for (results, found) in parts {
            results.into_iter().for_each(&mut sink);
            findings.extend(found);
        }
        start = end;
    }
    findings
}

/// Writes a JSON document with one array member (e.g. `results`) element by element, exactly as
/// [`trustlint_core::output::pretty`] would print the whole document: the members before the
/// array are written with the first element, those after it (which may depend on what the
/// elements found) at the end.
pub struct ArrayDocument<W: Write> {
    out: W,
    /// The elements' indentation, once the first is written.
    indent: Option<usize>,
    error: Option<std::io::Error>,
}

/// Stands for the elements in a document printed with [`split`].
const MARKER: &str = "\u{0}trustlint-elements\u{0}";

/// The text of `document` (whose array holds one [`MARKER`] string) before and after its
/// elements, for elements indented by `indent` spaces; `None` if the marker is missing.
fn split(document: &Value) -> Option<(String, String, usize)> {
    let text = trustlint_core::output::pretty(document);
    let quoted = serde_json::to_string(MARKER).ok()?;
    let at = text.find(&quoted)?;
    let line_start = text.get(..at)?.rfind('\n').map_or(0, |n| n + 1);
    let indent = at - line_start;
    let before = text.get(..line_start)?.to_owned();
    let after = text.get(at + quoted.len()..)?.to_owned();
    Some((before, after, indent))
}

/// `document` with its array (at `key`) holding only the marker.
fn with_marker(mut document: Value, key: &str) -> Value {
    if let Some(slot) = document.get_mut(key) {
        *slot = Value::Array(vec![Value::String(MARKER.to_owned())]);
    }
    document
}

impl<W: Write> ArrayDocument<W> {
    /// A document to write to `out`.
    pub fn new(out: W) -> Self {
        ArrayDocument {
            out,
            indent: None,
            error: None,
        }
    }

    fn write(&mut self, text: &str) {
        if self.error.is_none() {
            if let Err(e) = self.out.write_all(text.as_bytes()) {
                self.error = Some(e);
            }
        }
    }

    /// Writes one element. `head` is the document (with the array at `key`) as far as it is
    /// known before any element; only the text before the array is used from it.
    pub fn element(&mut self, head: impl FnOnce() -> Value, key: &str, element: &Value) {
        let text = serde_json::to_string_pretty(element).unwrap_or_default();
        let indent = match self.indent {
            Some(indent) => {
                self.write(",\n");
                indent
            }
            None => {
                let Some((before, _, indent)) = split(&with_marker(head(), key)) else {
                    return;
                };
                self.write(&before);
                self.indent = Some(indent);
                indent
            }
        };
        // Every line indented (JSON text has no raw newline inside a string), in one write.
        let pad = " ".repeat(indent);
        let mut out = String::with_capacity(text.len() + text.len() / 8 + indent);
        for (n, line) in text.split('\n').enumerate() {
            if n > 0 {
                out.push('\n');
            }
            out.push_str(&pad);
            out.push_str(line);
        }
        self.write(&out);
    }

    /// Writes the rest of `document` (its array at `key`, whose content is ignored), or the
    /// whole of it when no element was written; flushes.
    ///
    /// # Errors
    /// When writing failed.
    pub fn finish(mut self, document: Value, key: &str) -> std::io::Result<()> {
        if self.indent.is_none() {
            let whole = trustlint_core::output::pretty(&document);
            self.write(&whole);
        } else if let Some((_, after, _)) = split(&with_marker(document, key)) {
            self.write(&after);
        }
        match self.error.take() {
            Some(e) => Err(e),
            None => self.out.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn document(results: Vec<Value>, undecided: &[&str]) -> Value {
        json!({"schema": 1, "undecided": undecided, "results": results})
    }

    #[test]
    fn streamed_document_is_the_pretty_document() {
        let elements = [
            json!({"path": "a", "nested": {"list": [1, 2, {"x": "line\nbreak"}]}, "empty": []}),
            json!("plain"),
            json!({"decision": "allow"}),
        ];
        for n in 0..=elements.len() {
            let some = elements.get(..n).unwrap_or_default().to_vec();
            let mut out = Vec::new();
            let mut doc = ArrayDocument::new(&mut out);
            for e in &some {
                doc.element(|| document(Vec::new(), &[]), "results", e);
            }
            doc.finish(document(Vec::new(), &["found later"]), "results")
                .unwrap();
            let want = trustlint_core::output::pretty(&document(some, &["found later"]));
            assert_eq!(String::from_utf8(out).unwrap(), want, "{n} elements");
        }
    }
}
