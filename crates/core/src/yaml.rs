//! A span-recording, duplicate-preserving YAML reader for CloudFormation templates and
//! Kubernetes manifests.
//!
//! [`parse_stream`] reads a (multi-document) YAML 1.2 stream and returns one [`Document`] per
//! document, each a tree of [`YamlNode`]s that carry the byte [`Span`] they occupy in the input.
//! The events come from the `saphyr-parser` crate (a maintained, fully YAML 1.2 compliant event
//! parser); the tree is built here so that:
//!
//! - every span is a BYTE range of the input on character boundaries (the parser counts
//!   characters): a scalar's span covers the scalar as written (quotes included; for a block scalar
//!   `|`/`>` the indicator and every content line), a collection's span covers its content (from
//!   `[`/`{` to `]`/`}` in flow style, from the first entry to the end of the last one in block
//!   style), and neither includes the node's properties (anchor, tag);
//! - tags are kept exactly as written (`!Sub`, `!GetAtt`, `!!str`, `!<tag:example.com,2000:x>`),
//!   so CloudFormation short-form intrinsic functions stay visible;
//! - every entry of a mapping is kept, in source order, even when keys repeat;
//! - aliases are resolved by copying the anchored node, with limits ([`MAX_ALIAS_NODES`],
//!   [`MAX_ALIAS_BYTES`]) that stop "billion laughs" documents, and nesting is limited to
//!   [`MAX_DEPTH`] (aliases included), so that no later recursive walk can overflow the stack;
//! - malformed input gives one located [`YamlError`], never a panic.
//!
//! [`YamlNode::to_json`] turns a tree into a [`crate::json::Node`] with the same spans, resolving
//! plain scalars with the YAML 1.2 core schema, so that the policy reader works on YAML unchanged.
//!
//! Work is linear in the size of the input (plus the size of alias expansions, which is capped).

use crate::json;
use crate::source::Span;

mod build;
mod schema;
mod text;

#[cfg(test)]
mod tests;

/// Maximum nesting depth of sequences and mappings.
///
/// A document may nest collections `MAX_DEPTH` levels deep, counting the collections copied in
/// by aliases; one more level is an error located at the collection (or alias) that opens it.
pub const MAX_DEPTH: usize = 128;

/// Maximum number of nodes that the anchors and aliases of one stream may copy, in total (an
/// anchored node is copied once so that its aliases can copy it in).
pub const MAX_ALIAS_NODES: usize = 1_000_000;

/// Maximum number of bytes of scalar text and keys that the anchors and aliases of one stream
/// may copy, in total.
pub const MAX_ALIAS_BYTES: usize = 64 * 1024 * 1024;

/// One YAML document of a stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The document's root node (a null scalar with an empty span for an empty document).
    pub root: YamlNode,
    /// Where the document is written: from its `---` marker (or its root) to its `...` marker (or
    /// the end of its root).
    pub span: Span,
}

/// A YAML node with its byte span in the input, its tag and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlNode {
    /// Where the node is written: byte offsets into the parsed input (scalars: including quotes;
    /// block scalars: from the `|`/`>` indicator to the end of the last content line;
    /// collections: their content; properties such as the tag are not included). A node copied
    /// by an alias has the alias's span (its children keep the spans of the anchored original).
    pub span: Span,
    /// The tag exactly as written (e.g. `!Sub`, `!Ref`, `!GetAtt`, `!!str`); `None` when untagged.
    pub tag: Option<String>,
    /// The value.
    pub value: YamlValue,
}

/// A YAML value whose children carry their own spans.
#[derive(Debug, Clone, PartialEq)]
pub enum YamlValue {
    /// A null scalar: plain `null`, `Null`, `NULL`, `~` or an empty node.
    Null,
    /// A boolean: plain `true`, `True`, `TRUE`, `false`, `False` or `FALSE`.
    Bool(bool),
    /// A plain integer or float of the core schema, exactly as written (`1`, `-0.5`, `0x1F`,
    /// `1e3`, `.inf`).
    Number(String),
    /// A string: a quoted or block scalar, a plain scalar that is no other type, or a scalar
    /// tagged `!` or `!!str`.
    String(String),
    /// The items of a sequence, in source order.
    Sequence(Vec<YamlNode>),
    /// The entries of a mapping in source order; duplicate keys are KEPT (all of them).
    Mapping(Vec<YamlEntry>),
}

/// One `key: value` entry of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlEntry {
    /// The key: a scalar key's text (decoded for quoted keys; `1`, `true`, `~` as written), or the
    /// source text of a collection key.
    pub key: String,
    /// Where the key is written (a quoted key: including its quotes).
    pub key_span: Span,
    /// The entry's value.
    pub value: YamlNode,
}

/// Malformed YAML, or a document beyond the reader's limits: what is wrong, located.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    /// What is wrong: lowercase, no final period, user text in backticks.
    pub message: String,
    /// What to write instead, when there is a useful suggestion.
    pub help: Option<String>,
    /// Where the problem is: byte offsets into the parsed input (an empty span at the end of the
    /// input when the input ends too early).
    pub span: Span,
}

impl YamlError {
    /// An error at `span` with `message` and an optional `help`.
    #[must_use]
    pub fn new(span: Span, message: impl Into<String>, help: Option<String>) -> Self {
        Self {
            message: message.into(),
            help,
            span,
        }
    }
}

/// Parse a (multi-document) YAML stream.
///
/// An empty stream, or one of only comments, has no document. A UTF-8 BOM at the start is
/// skipped (spans still count it).
///
/// ```
/// use trustlint_core::yaml::{parse_stream, YamlValue};
///
/// let text = "Role:\n  Arn: !GetAtt Role.Arn\n---\nkind: ServiceAccount\n";
/// let docs = parse_stream(text).unwrap();
/// assert_eq!(docs.len(), 2);
/// let arn = docs[0].root.get("Role").and_then(|r| r.get("Arn")).unwrap();
/// assert_eq!(arn.tag.as_deref(), Some("!GetAtt"));
/// assert_eq!(&text[arn.span.start..arn.span.end], "Role.Arn");
/// assert_eq!(arn.value, YamlValue::String("Role.Arn".into()));
/// // The same tree as JSON, for the policy reader.
/// let json = docs[1].root.to_json();
/// assert_eq!(json.get("kind").and_then(|k| k.as_str()), Some("ServiceAccount"));
/// ```
///
/// # Errors
///
/// The first problem found, located: malformed YAML (an unclosed quote, bad indentation, a tab
/// used for indentation, …), an alias of an undefined anchor or of a node that contains it,
/// nesting deeper than [`MAX_DEPTH`], or anchors and aliases that copy more than
/// [`MAX_ALIAS_NODES`] nodes or [`MAX_ALIAS_BYTES`] bytes. Never panics.
pub fn parse_stream(text: &str) -> Result<Vec<Document>, YamlError> {
    build::parse_stream(text)
}

impl YamlNode {
    /// The same tree as a [`json::Node`], with the same spans: tags are dropped, sequences become
    /// arrays, mappings objects (duplicate keys kept), and scalars keep the type they were read
    /// as (YAML 1.2 core schema: plain `true`/`false` are booleans, `null`/`~`/empty are null,
    /// plain integers and floats are numbers with their text as written, quoted and block scalars
    /// are strings).
    #[must_use]
    pub fn to_json(&self) -> json::Node {
        // Depth is bounded by `MAX_DEPTH` (aliases included), so recursion is safe.
        let value = match &self.value {
            YamlValue::Null => json::Value::Null,
            YamlValue::Bool(b) => json::Value::Bool(*b),
            YamlValue::Number(n) => json::Value::Number(n.clone()),
            YamlValue::String(s) => json::Value::String(s.clone()),
            YamlValue::Sequence(items) => {
                json::Value::Array(items.iter().map(YamlNode::to_json).collect())
            }
            YamlValue::Mapping(entries) => json::Value::Object(
                entries
                    .iter()
                    .map(|e| json::Member {
                        key: e.key.clone(),
                        key_span: e.key_span,
                        value: e.value.to_json(),
                    })
                    .collect(),
            ),
        };
        json::Node {
            span: self.span,
            value,
        }
    }

    /// The value of the LAST entry with exactly the key `key`, if this is a mapping that has one.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&YamlNode> {
        self.as_mapping()?
            .iter()
            .rev()
            .find(|e| e.key == key)
            .map(|e| &e.value)
    }

    /// The text, if this is a string scalar.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            YamlValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// The entries in source order (duplicates included), if this is a mapping.
    #[must_use]
    pub fn as_mapping(&self) -> Option<&[YamlEntry]> {
        match &self.value {
            YamlValue::Mapping(entries) => Some(entries),
            _ => None,
        }
    }

    /// The items, if this is a sequence.
    #[must_use]
    pub fn as_sequence(&self) -> Option<&[YamlNode]> {
        match &self.value {
            YamlValue::Sequence(items) => Some(items),
            _ => None,
        }
    }

    /// Whether this is a null scalar.
    #[must_use]
    pub fn is_null(&self) -> bool {
        matches!(self.value, YamlValue::Null)
    }
}
