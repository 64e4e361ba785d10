//! A span-recording, duplicate-preserving JSON reader.
//!
//! [`parse`] reads one strict RFC 8259 JSON document and returns a tree of [`Node`]s, each with the
//! byte [`Span`] it occupies in the input. Unlike a general-purpose deserializer it:
//!
//! - keeps every member of an object, in source order, even when keys repeat (a linter has to see
//!   duplicates that other readers silently merge);
//! - keeps numbers exactly as written (`1.0`, `-0`, `1e3`);
//! - reports malformed input with one located [`JsonError`] whose message says what is wrong and
//!   whose help says what to write instead (comments, trailing commas, single-quoted strings and
//!   unquoted keys are recognised and worded specially).
//!
//! The reader works on bytes, never recurses per nesting level (nesting is limited to
//! [`MAX_DEPTH`]), never panics, and runs in linear time.

use crate::source::Span;

mod escape;
mod parser;

#[cfg(test)]
mod deferred_tests;
#[cfg(test)]
mod tests;

/// Maximum nesting depth of arrays/objects.
///
/// A document may nest arrays and objects `MAX_DEPTH` levels deep; the opening bracket of one
/// more level is reported as [`JsonErrorKind::TooDeep`].
pub const MAX_DEPTH: usize = 128;

/// A JSON value with the byte span it occupies in the input (strings: including the quotes).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the value is written: byte offsets into the parsed input.
    pub span: Span,
    /// The value itself.
    pub value: Value,
}

/// A JSON value whose children carry their own spans.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// The number exactly as written in the source (e.g. "1.0", "-0", "1e3").
    Number(String),
    /// The decoded string.
    String(String),
    /// The elements, in source order.
    Array(Vec<Node>),
    /// Members in source order; duplicate keys are KEPT (all of them), never merged.
    Object(Vec<Member>),
}

/// One `"key": value` member of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The decoded key.
    pub key: String,
    /// Where the key is written, including its quotes.
    pub key_span: Span,
    /// The member's value.
    pub value: Node,
}

impl Node {
    /// The decoded text, if this is a string.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The members in source order (duplicates included), if this is an object.
    #[must_use]
    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.value {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    #[must_use]
    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The value, if this is `true` or `false`.
    #[must_use]
    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The number exactly as written, if this is a number.
    #[must_use]
    pub fn as_number(&self) -> Option<&str> {
        match &self.value {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// Whether this is `null`.
    #[must_use]
    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// What kind of value this is, with an article, for messages: "a string", "an object",
    /// "an array", "a number", "a boolean" or "null".
    #[must_use]
    pub fn kind_name(&self) -> &'static str {
        self.value.kind_name()
    }

    /// The value of the LAST member with exactly the key `key`, if this is an object that has one
    /// (the member a typical JSON reader would keep).
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_object()?
            .iter()
            .rev()
            .find(|m| m.key == key)
            .map(|m| &m.value)
    }

    /// Every member with exactly the key `key`, in source order (empty if this is not an object).
    pub fn members_named<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a Member> + 'a {
        self.as_object()
            .unwrap_or_default()
            .iter()
            .filter(move |m| m.key == key)
    }
}

impl Value {
    /// What kind of value this is, with an article, for messages: "a string", "an object",
    /// "an array", "a number", "a boolean" or "null".
    #[must_use]
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

/// One error: what is wrong, located.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct JsonError {
    /// The category of the error.
    pub kind: JsonErrorKind,
    /// What is wrong: lowercase, no final period, user text in backticks.
    pub message: String,
    /// What to write instead, when there is a useful suggestion.
    pub help: Option<String>,
    /// Where the problem is: byte offsets into the parsed input (for
    /// [`JsonErrorKind::UnexpectedEnd`], the empty span at the end of the input).
    pub span: Span,
}

impl JsonError {
    /// An error of `kind` at `span` with `message` and an optional `help`.
    #[must_use]
    pub fn new(
        kind: JsonErrorKind,
        span: Span,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Self {
        Self {
            kind,
            message: message.into(),
            help,
            span,
        }
    }
}

/// The category of a [`JsonError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonErrorKind {
    /// The input is empty or holds only whitespace.
    Empty,
    /// The input is not valid UTF-8 (located at the first bad byte).
    InvalidUtf8,
    /// A character that cannot appear here: a comment, a trailing comma, an unquoted key, a
    /// missing `,` or `:`, a mismatched bracket, …
    UnexpectedCharacter,
    /// The input ends in the middle of the document (located at the end of the input).
    UnexpectedEnd,
    /// Something other than whitespace follows the document's value (located at its first byte).
    TrailingData,
    /// A malformed number: leading zeros, leading `+`, missing digits, `NaN`, `Infinity`, …
    InvalidNumber,
    /// A malformed string, such as a single-quoted one.
    InvalidString,
    /// An invalid escape sequence in a string, including an unpaired surrogate `\uD800`.
    InvalidEscape,
    /// An unescaped control character (below U+0020) inside a string.
    ControlCharacter,
    /// Arrays and objects nested deeper than [`MAX_DEPTH`].
    TooDeep,
}

/// Parse a whole document from bytes. A UTF-8 BOM at the start is skipped (spans still count it,
/// i.e. spans are offsets into `bytes`).
///
/// # Errors
///
/// The first problem found: invalid UTF-8, an empty document, malformed JSON, nesting deeper than
/// [`MAX_DEPTH`], or anything but whitespace after the value.
pub fn parse(bytes: &[u8]) -> Result<Node, JsonError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => parser::parse_document(text),
        Err(e) => Err(utf8_error(bytes, &e)),
    }
}

/// Parse a whole document from text. A BOM (U+FEFF) at the start is skipped (spans still count
/// it, i.e. spans are byte offsets into `text`).
///
/// # Errors
///
/// As [`parse`], except that text cannot be invalid UTF-8.
pub fn parse_str(text: &str) -> Result<Node, JsonError> {
    parser::parse_document(text)
}

/// A top-level array that [`parse_deferring`] validated but did not build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deferred {
    /// Offset of its `[` (the start of the empty array's span in the returned tree).
    pub start: usize,
    /// The offset where each element starts, in order.
    pub elements: Vec<usize>,
}

/// Parse a whole document like [`parse`], except that the value of each top-level member whose
/// key is in `defer` and whose value is a non-empty array is only validated: in the returned
/// tree it is an empty array with its real span, and its elements' offsets are returned, so that
/// they can be read one at a time with [`parse_element`]. A document with an error anywhere,
/// deferred arrays included, gives exactly the error of [`parse`].
///
/// # Errors
///
/// As [`parse`].
pub fn parse_deferring(bytes: &[u8], defer: &[&str]) -> Result<(Node, Vec<Deferred>), JsonError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => parser::parse_document_deferring(text, defer),
        Err(e) => Err(utf8_error(bytes, &e)),
    }
}

/// [`parse_deferring`] for text (already known to be UTF-8).
///
/// # Errors
///
/// As [`parse_str`].
pub fn parse_deferring_str(text: &str, defer: &[&str]) -> Result<(Node, Vec<Deferred>), JsonError> {
    parser::parse_document_deferring(text, defer)
}

/// [`parse_deferring_str`], except that the elements of the top-level arrays whose key is in
/// `stream` (and not in `defer`) are built one at a time and handed to `sink`, with the offset
/// of their array's `[`, as soon as each is read; in the returned tree those arrays are empty and
/// they are listed with the deferred ones. Elements that are objects are built with only their
/// members whose key is in `keep` (all when `keep` is empty), as [`parse_element_keeping`] would.
/// The sink sees each element exactly as [`parse_element_keeping`] would build it, in order.
///
/// # Errors
///
/// As [`parse_str`]. The sink may have been handed elements before the error was found: what it
/// was handed belongs to a document that is not JSON.
pub fn parse_streaming(
    text: &str,
    defer: &[&str],
    stream: &[&str],
    keep: &[&str],
    sink: &mut dyn FnMut(usize, Node),
) -> Result<(Node, Vec<Deferred>), JsonError> {
    parser::parse_document_streaming(text, defer, stream, keep, sink)
}

/// Parse one element of a deferred array: the value at `offset` (one of
/// [`Deferred::elements`]) in the `text` given to [`parse_deferring`], with spans that are
/// offsets into `text`.
///
/// # Errors
///
/// The first problem in the value; none when `text` passed [`parse_deferring`].
pub fn parse_element(text: &str, offset: usize) -> Result<Node, JsonError> {
    // The element sits in a top-level array: two levels deep.
    parser::parse_value_at(text, offset, 2, &[])
}

/// [`parse_element`], except that when the element is an object only its members whose key is
/// in `keep` are built (all of them when `keep` is empty); the others are still validated, with
/// the same errors, but are not in the returned tree.
///
/// # Errors
///
/// As [`parse_element`].
pub fn parse_element_keeping(text: &str, offset: usize, keep: &[&str]) -> Result<Node, JsonError> {
    parser::parse_value_at(text, offset, 2, keep)
}

/// Decode the CONTENT of a JSON string literal (the raw text between the quotes, escapes not yet
/// decoded), returning the decoded string and, for every byte of the decoded string plus one final
/// entry for the end, the byte offset in `raw` where that decoded byte's source starts (so a
/// decoded byte produced by `\u00e9` maps to the offset of its backslash).
///
/// Returns `None` if `raw` is not a valid string literal body (an unescaped `"` or control
/// character, an invalid escape, or an unpaired surrogate).
#[must_use]
pub fn unescape_with_map(raw: &str) -> Option<(String, Vec<usize>)> {
    escape::unescape_with_map(raw)
}

/// The error for bytes that are not valid UTF-8.
pub(crate) fn utf8_error(bytes: &[u8], e: &std::str::Utf8Error) -> JsonError {
    let start = e.valid_up_to();
    let end = match e.error_len() {
        Some(len) => start.saturating_add(len),
        None => bytes.len(),
    };
    let message = match (e.error_len(), bytes.get(start)) {
        (Some(_), Some(b)) => format!("the file is not valid UTF-8 (invalid byte 0x{b:02x})"),
        _ => "the file is not valid UTF-8 (it ends in the middle of a character)".to_owned(),
    };
    JsonError::new(
        JsonErrorKind::InvalidUtf8,
        Span::new(start, end.min(bytes.len())),
        message,
        Some("save the file as UTF-8".to_owned()),
    )
}
