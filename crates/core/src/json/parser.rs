//! The document parser. Nesting is handled with an explicit stack of open arrays and objects, so
//! the Rust stack does not grow with the input's nesting depth.

use super::escape::{decode_escape, find_special, EscapeError};
use super::{JsonError, JsonErrorKind, Member, Node, Value, MAX_DEPTH};
use crate::source::Span;

/// An array or object whose closing bracket has not been read yet.
///
/// The children read so far wait on shared scratch stacks (one for elements, one for members);
/// when the container closes they are moved into one exactly-sized vector, which saves the
/// repeated reallocation of growing a vector per container.
enum Frame {
    /// An open array.
    Array {
        /// Offset of its `[`.
        start: usize,
        /// Where its elements start on the element scratch stack.
        base: usize,
        /// Whether this is a deferred or streamed top-level array.
        list: List,
    },
    /// An open object, whose next value belongs to `key`.
    Object {
        /// Offset of its `{`.
        start: usize,
        /// Where its members start on the member scratch stack.
        base: usize,
        /// The key whose value is being read.
        key: String,
        /// Where that key is written.
        key_span: Span,
    },
}

/// How a top-level array's elements are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum List {
    /// Like any other value: built into the tree.
    Built,
    /// Only validated (see [`parse_document_deferring`]).
    Deferred,
    /// Built one at a time and handed to the sink, not kept in the tree.
    Streamed,
}

/// Which container an element or member belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    /// An array.
    Array,
    /// An object.
    Object,
}

/// Where a value is expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ValueCtx {
    /// The document's value.
    Root,
    /// Just after `[`.
    FirstElement,
    /// After the `,` between array elements.
    NextElement,
    /// After the `:` of a member.
    MemberValue,
}

/// What the parser expected where it found something else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// A value.
    Value(ValueCtx),
    /// An object key: just after `{` (`first`) or after `,`.
    Key {
        /// Whether this is the first key, so `}` would also do.
        first: bool,
    },
    /// The `:` after a key.
    Colon,
    /// A `,` or the closing bracket after an element or member.
    After(Container),
}

impl Expect {
    /// The expected thing, for "expected …, found …".
    fn describe(self) -> &'static str {
        match self {
            Expect::Value(ValueCtx::Root) => "a JSON value",
            Expect::Value(ValueCtx::FirstElement) => "a value or `]`",
            Expect::Value(ValueCtx::NextElement) => "a value after `,`",
            Expect::Value(ValueCtx::MemberValue) => "a value after `:`",
            Expect::Key { first: true } => "a string key or `}`",
            Expect::Key { first: false } => "a string key after `,`",
            Expect::Colon => "`:` after the object key",
            Expect::After(Container::Array) => "`,` or `]` after an array element",
            Expect::After(Container::Object) => "`,` or `}` after an object member",
        }
    }
}

/// The token found where something else was expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    /// The end of the input.
    End,
    /// The start of a comment: `//`, `/*` or `#`.
    Comment {
        /// The marker.
        span: Span,
    },
    /// A `'`, and the single-quoted string it starts if it closes on the same line.
    SingleQuote {
        /// The quote, or the whole single-quoted string.
        span: Span,
        /// Whether `span` covers a closed single-quoted string.
        closed: bool,
    },
    /// An identifier-like word: `NaN`, `True`, an unquoted key, …
    Word {
        /// The word.
        span: Span,
    },
    /// A number-like token starting with `+` or `.`.
    Numberish {
        /// The token.
        span: Span,
    },
    /// Any other character.
    Char {
        /// The character.
        span: Span,
        /// Its value.
        c: char,
    },
}

impl Found {
    /// Where the token is (the empty span at `len` for the end of the input).
    fn span(self, len: usize) -> Span {
        match self {
            Found::End => Span::new(len, len),
            Found::Comment { span }
            | Found::SingleQuote { span, .. }
            | Found::Word { span }
            | Found::Numberish { span }
            | Found::Char { span, .. } => span,
        }
    }
}

/// The longest user text quoted in a message, in characters.
const MAX_SNIPPET_CHARS: usize = 40;

/// `text` for quoting in a message: control characters escaped, long text cut short.
fn snippet(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_SNIPPET_CHARS * 2));
    for (n, c) in text.chars().enumerate() {
        if n == MAX_SNIPPET_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether `c` is whitespace or invisible but is not JSON whitespace (those are skipped and never
/// "found").
fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '\u{feff}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{00ad}'
        )
}

/// `c` for a message: in backticks, or as its code point when it would not be visible.
fn describe_char(c: char) -> String {
    if c == '`' {
        "a backtick".to_owned()
    } else if is_invisible(c) {
        format!("the character U+{:04X}", u32::from(c))
    } else {
        format!("`{c}`")
    }
}

/// Whether `b` can continue an identifier-like word.
#[inline]
const fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

/// The help for a bare word written where a value belongs, and the error kind to use.
fn bare_word_help(word: &str) -> (JsonErrorKind, String) {
    match word {
        "NaN" | "nan" | "Infinity" | "infinity" | "inf" | "Inf" => (
            JsonErrorKind::InvalidNumber,
            "JSON has no NaN or Infinity; write a number, or `null`".to_owned(),
        ),
        "True" | "TRUE" => (
            JsonErrorKind::UnexpectedCharacter,
            "JSON literals are lowercase: write `true`".to_owned(),
        ),
        "False" | "FALSE" => (
            JsonErrorKind::UnexpectedCharacter,
            "JSON literals are lowercase: write `false`".to_owned(),
        ),
        "Null" | "NULL" | "None" | "none" | "nil" | "undefined" => (
            JsonErrorKind::UnexpectedCharacter,
            "write `null`".to_owned(),
        ),
        _ => (
            JsonErrorKind::UnexpectedCharacter,
            format!(
                "strings must be in double quotes: write `\"{}\"`",
                snippet(word)
            ),
        ),
    }
}

/// Parse the whole of `text` (a BOM at the start is skipped).
pub(super) fn parse_document(text: &str) -> Result<Node, JsonError> {
    parse_document_deferring(text, &[]).map(|(node, _)| node)
}

/// Parse the whole of `text` like [`parse_document`], except that the value of every top-level
/// member whose key is in `defer` and whose value is a non-empty array is validated without
/// being built: it appears in the tree as an empty array with its real span, and its elements'
/// start offsets are returned (see [`super::Deferred`]).
pub(super) fn parse_document_deferring(
    text: &str,
    defer: &[&str],
) -> Result<(Node, Vec<super::Deferred>), JsonError> {
    parse_document_streaming(text, defer, &[], &[], &mut |_, _| {})
}

/// [`parse_document_deferring`], except that the elements of top-level arrays whose key is in
/// `stream` (and not in `defer`) are built, one at a time, and handed to `sink` with the offset
/// of their array's `[` as soon as each is read, instead of being kept in the tree (the array
/// is empty in the tree and listed in the returned [`super::Deferred`]s, as if deferred). When
/// `keep` is not empty, only the members whose key is in `keep` are built in elements that are
/// objects. The sink may have been handed elements when the document turns out to be invalid.
pub(super) fn parse_document_streaming(
    text: &str,
    defer: &[&str],
    stream: &[&str],
    keep: &[&str],
    sink: &mut dyn FnMut(usize, Node),
) -> Result<(Node, Vec<super::Deferred>), JsonError> {
    let start = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        pos: start,
        build: true,
        base_depth: 0,
        defer,
        deferred: Vec::new(),
        keep,
        keep_level: 0,
        skipping: false,
        stream,
        sink,
        in_list: false,
    };
    parser.skip_ws();
    if parser.at_end() {
        return Err(JsonError::new(
            JsonErrorKind::Empty,
            Span::new(0, text.len()),
            "the document is empty",
            Some("write a JSON value, such as `{}`".to_owned()),
        ));
    }
    let node = parser.parse_tree(ValueCtx::Root)?;
    parser.skip_ws();
    if parser.at_end() {
        Ok((node, parser.deferred))
    } else {
        Err(parser.trailing_data())
    }
}

/// Parse the one value that starts at `pos` in `text` (after optional whitespace), nested
/// `depth` levels deep in its document, as an element of an array; spans are offsets into `text`.
///
/// When `keep` is not empty and the value is an object, only its members whose key is in `keep`
/// are built; the others are validated (with the same errors) and left out of the tree.
pub(super) fn parse_value_at(
    text: &str,
    pos: usize,
    depth: usize,
    keep: &[&str],
) -> Result<Node, JsonError> {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        pos,
        build: true,
        base_depth: depth,
        defer: &[],
        deferred: Vec::new(),
        keep,
        keep_level: 1,
        skipping: false,
        stream: &[],
        sink: &mut |_, _| {},
        in_list: false,
    };
    parser.parse_tree(ValueCtx::NextElement)
}

/// The parser's position in one document.
struct Parser<'a, 's> {
    /// The whole input.
    text: &'a str,
    /// `text` as bytes.
    bytes: &'a [u8],
    /// The next byte to read. Always on a character boundary between tokens.
    pos: usize,
    /// Whether values are built; `false` inside a deferred array, where they are only
    /// validated (with exactly the same errors).
    build: bool,
    /// How deep the value being parsed is nested in its document.
    base_depth: usize,
    /// The top-level keys whose array values are deferred.
    defer: &'a [&'a str],
    /// The deferred arrays found so far.
    deferred: Vec<super::Deferred>,
    /// The keys of the members that are built in the objects at [`Parser::keep_level`] (all
    /// when empty).
    keep: &'a [&'a str],
    /// How many containers are open (that object included) when an object whose members are
    /// filtered by [`Parser::keep`] is read: 1 for the value of [`parse_value_at`], 3 for the
    /// elements of a streamed array while one is read, 0 (none) otherwise.
    keep_level: usize,
    /// Whether the member being read is left out (see [`Parser::keep`]); `build` is off while
    /// it is read.
    skipping: bool,
    /// The top-level keys whose array values are streamed.
    stream: &'a [&'a str],
    /// Where the elements of streamed arrays go.
    sink: &'s mut dyn FnMut(usize, Node),
    /// Whether a deferred or streamed array is being read.
    in_list: bool,
}

impl<'a> Parser<'a, '_> {
    /// The byte at the current position.
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Whether the whole input has been read.
    #[inline]
    fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    /// The text from `start` to `end` (both on character boundaries).
    #[inline]
    fn slice(&self, start: usize, end: usize) -> &'a str {
        self.text.get(start..end).unwrap_or_default()
    }

    /// Skip JSON whitespace: space, tab, line feed, carriage return.
    #[inline]
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
            // Indentation: eight spaces at a time.
            while let Some(chunk) = self
                .bytes
                .get(self.pos..)
                .and_then(<[u8]>::first_chunk::<8>)
            {
                if *chunk != [b' '; 8] {
                    break;
                }
                self.pos += 8;
            }
        }
    }

    /// The end of the identifier-like word starting at `pos`.
    fn word_end(&self, mut pos: usize) -> usize {
        while self.bytes.get(pos).is_some_and(|&b| is_word_byte(b)) {
            pos += 1;
        }
        pos
    }

    /// The end of the run of ASCII digits starting at `pos`.
    #[inline]
    fn digits_end(&self, mut pos: usize) -> usize {
        while self.bytes.get(pos).is_some_and(u8::is_ascii_digit) {
            pos += 1;
        }
        pos
    }

    /// How the array opening now, inside the open containers `stack`, is read.
    fn list_kind(&self, stack: &[Frame]) -> List {
        if !self.build || self.base_depth != 0 {
            return List::Built;
        }
        match stack {
            [Frame::Object { key, .. }] if self.defer.contains(&key.as_str()) => List::Deferred,
            [Frame::Object { key, .. }] if self.stream.contains(&key.as_str()) => List::Streamed,
            _ => List::Built,
        }
    }

    /// Read the value at the current position, with all its children; `ctx` says where it is.
    fn parse_tree(&mut self, mut ctx: ValueCtx) -> Result<Node, JsonError> {
        let mut stack: Vec<Frame> = Vec::new();
        let mut items: Vec<Node> = Vec::new();
        let mut members: Vec<Member> = Vec::new();
        'value: loop {
            self.skip_ws();
            if self.in_list && stack.len() == 2 {
                // An element of the deferred or streamed array starts here.
                if let Some(d) = self.deferred.last_mut() {
                    d.elements.push(self.pos);
                }
            }
            let mut node = match self.peek() {
                Some(b'[') => {
                    let start = self.open(stack.len())?;
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        Node {
                            span: Span::new(start, self.pos),
                            value: Value::Array(Vec::new()),
                        }
                    } else {
                        let list = self.list_kind(&stack);
                        if list != List::Built {
                            self.in_list = true;
                            self.deferred.push(super::Deferred {
                                start,
                                elements: Vec::new(),
                            });
                        }
                        match list {
                            List::Deferred => self.build = false,
                            List::Streamed => self.keep_level = 3,
                            List::Built => {}
                        }
                        stack.push(Frame::Array {
                            start,
                            base: items.len(),
                            list,
                        });
                        ctx = ValueCtx::FirstElement;
                        continue 'value;
                    }
                }
                Some(b'{') => {
                    let start = self.open(stack.len())?;
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                        Node {
                            span: Span::new(start, self.pos),
                            value: Value::Object(Vec::new()),
                        }
                    } else {
                        let (key, key_span) = self.key(true)?;
                        if stack.len() + 1 == self.keep_level {
                            self.skip_unless_kept(&key);
                        }
                        stack.push(Frame::Object {
                            start,
                            base: members.len(),
                            key,
                            key_span,
                        });
                        ctx = ValueCtx::MemberValue;
                        continue 'value;
                    }
                }
                _ => self.scalar(ctx)?,
            };
            // `node` is complete: add it to the innermost open container, and close containers
            // for as long as their closing bracket follows.
            loop {
                let stack_len = stack.len();
                let Some(frame) = stack.last_mut() else {
                    return Ok(node);
                };
                match frame {
                    Frame::Array { start, base, list } => {
                        if *list == List::Streamed {
                            (self.sink)(*start, node);
                        } else if self.build {
                            items.push(node);
                        }
                        self.skip_ws();
                        match self.peek() {
                            Some(b',') => {
                                self.comma(b']')?;
                                ctx = ValueCtx::NextElement;
                                continue 'value;
                            }
                            Some(b']') => {
                                self.pos += 1;
                                if *list != List::Built {
                                    self.build = true;
                                    self.in_list = false;
                                    self.keep_level = 0;
                                }
                                node = Node {
                                    span: Span::new(*start, self.pos),
                                    value: Value::Array(items.drain(*base..).collect()),
                                };
                            }
                            _ => return Err(self.unexpected(Expect::After(Container::Array))),
                        }
                    }
                    Frame::Object {
                        start,
                        base,
                        key,
                        key_span,
                    } => {
                        if self.build {
                            members.push(Member {
                                key: std::mem::take(key),
                                key_span: *key_span,
                                value: node,
                            });
                        } else if self.skipping && stack_len == self.keep_level {
                            // The left-out member of the root object is complete.
                            self.skipping = false;
                            self.build = true;
                        }
                        self.skip_ws();
                        match self.peek() {
                            Some(b',') => {
                                self.comma(b'}')?;
                                (*key, *key_span) = self.key(false)?;
                                if stack_len == self.keep_level {
                                    self.skip_unless_kept(key);
                                }
                                ctx = ValueCtx::MemberValue;
                                continue 'value;
                            }
                            Some(b'}') => {
                                self.pos += 1;
                                node = Node {
                                    span: Span::new(*start, self.pos),
                                    value: Value::Object(members.drain(*base..).collect()),
                                };
                            }
                            _ => return Err(self.unexpected(Expect::After(Container::Object))),
                        }
                    }
                }
                stack.pop();
            }
        }
    }

    /// Leave out the root object's member with `key` when [`Parser::keep`] does not list it.
    #[inline]
    fn skip_unless_kept(&mut self, key: &str) {
        if self.build && !self.keep.is_empty() && !self.keep.contains(&key) {
            self.skipping = true;
            self.build = false;
        }
    }

    /// Step over the `[` or `{` at the current position, which opens level `depth + 1`, and the
    /// whitespace after it; returns the bracket's offset.
    fn open(&mut self, depth: usize) -> Result<usize, JsonError> {
        let start = self.pos;
        if depth.saturating_add(self.base_depth) >= MAX_DEPTH {
            return Err(JsonError::new(
                JsonErrorKind::TooDeep,
                Span::new(start, start + 1),
                format!("nesting deeper than {MAX_DEPTH} levels"),
                Some(format!(
                    "nest arrays and objects at most {MAX_DEPTH} levels deep"
                )),
            ));
        }
        self.pos += 1;
        self.skip_ws();
        Ok(start)
    }

    /// Step over the `,` at the current position and the whitespace after it; a `close` bracket
    /// right after it is a trailing comma.
    fn comma(&mut self, close: u8) -> Result<(), JsonError> {
        let comma = self.pos;
        self.pos += 1;
        self.skip_ws();
        if self.peek() == Some(close) {
            return Err(JsonError::new(
                JsonErrorKind::UnexpectedCharacter,
                Span::new(comma, comma + 1),
                format!("trailing comma before `{}`", char::from(close)),
                Some("remove the comma".to_owned()),
            ));
        }
        Ok(())
    }

    /// Read an object key and the `:` after it (whitespace before the key is already skipped).
    fn key(&mut self, first: bool) -> Result<(String, Span), JsonError> {
        if self.peek() != Some(b'"') {
            return Err(self.unexpected(Expect::Key { first }));
        }
        let key = self.string()?;
        self.skip_ws();
        if self.peek() != Some(b':') {
            return Err(self.unexpected(Expect::Colon));
        }
        self.pos += 1;
        Ok(key)
    }

    /// Read a string, number, `true`, `false` or `null`.
    fn scalar(&mut self, ctx: ValueCtx) -> Result<Node, JsonError> {
        match self.peek() {
            Some(b'"') => {
                let (text, span) = self.string()?;
                Ok(Node {
                    span,
                    value: Value::String(text),
                })
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't' | b'f' | b'n') => self.literal(ctx),
            _ => Err(self.unexpected(Expect::Value(ctx))),
        }
    }

    /// Read `true`, `false` or `null`.
    fn literal(&mut self, ctx: ValueCtx) -> Result<Node, JsonError> {
        let start = self.pos;
        let end = self.word_end(start);
        let value = match self.slice(start, end) {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            word => {
                let truncated = end == self.bytes.len()
                    && ["true", "false", "null"]
                        .iter()
                        .any(|l| l.starts_with(word));
                if truncated {
                    self.pos = end;
                    return Err(self.end_error(Expect::Value(ctx).describe()));
                }
                return Err(self.unexpected(Expect::Value(ctx)));
            }
        };
        self.pos = end;
        Ok(Node {
            span: Span::new(start, end),
            value,
        })
    }

    /// Read a number (the current byte is `-` or a digit).
    fn number(&mut self) -> Result<Node, JsonError> {
        let start = self.pos;
        let mut i = start;
        if self.bytes.get(i) == Some(&b'-') {
            i += 1;
        }
        match self.bytes.get(i) {
            Some(b'0') => {
                i += 1;
                if self.bytes.get(i).is_some_and(u8::is_ascii_digit) {
                    return Err(self.leading_zero(start));
                }
            }
            Some(b'1'..=b'9') => i = self.digits_end(i + 1),
            _ => return Err(self.digit_expected(start, i, "a digit after `-`")),
        }
        if self.bytes.get(i) == Some(&b'.') {
            i += 1;
            if !self.bytes.get(i).is_some_and(u8::is_ascii_digit) {
                return Err(self.digit_expected(start, i, "a digit after the decimal point"));
            }
            i = self.digits_end(i + 1);
        }
        if let Some(b'e' | b'E') = self.bytes.get(i) {
            i += 1;
            if let Some(b'+' | b'-') = self.bytes.get(i) {
                i += 1;
            }
            if !self.bytes.get(i).is_some_and(u8::is_ascii_digit) {
                return Err(self.digit_expected(start, i, "a digit in the exponent"));
            }
            i = self.digits_end(i + 1);
        }
        self.pos = i;
        let text = if self.build {
            self.slice(start, i).to_owned()
        } else {
            String::new()
        };
        Ok(Node {
            span: Span::new(start, i),
            value: Value::Number(text),
        })
    }

    /// The error for a number starting at `start` whose integer part has a leading zero.
    fn leading_zero(&self, start: usize) -> JsonError {
        let negative = self.bytes.get(start) == Some(&b'-');
        let digits_start = start + usize::from(negative);
        let end = self.digits_end(digits_start);
        let digits = self.slice(digits_start, end);
        let trimmed = match digits.trim_start_matches('0') {
            "" => "0",
            t => t,
        };
        let sign = if negative { "-" } else { "" };
        JsonError::new(
            JsonErrorKind::InvalidNumber,
            Span::new(start, end),
            format!(
                "invalid number `{}`: JSON numbers cannot have leading zeros",
                snippet(self.slice(start, end))
            ),
            Some(format!("write `{sign}{}`", snippet(trimmed))),
        )
    }

    /// The error for a number starting at `start` that needs a digit at `at`.
    fn digit_expected(&self, start: usize, at: usize, what: &str) -> JsonError {
        let found = self.found(at);
        if found == Found::End {
            return self.end_error(what);
        }
        let rest = self.text.get(at..).unwrap_or_default();
        let help = if what == "a digit after `-`" {
            (rest.starts_with("Infinity") || rest.starts_with("NaN"))
                .then(|| "JSON has no NaN or Infinity; write a number, or `null`".to_owned())
        } else if what == "a digit after the decimal point" {
            let int = snippet(self.slice(start, at.saturating_sub(1)));
            Some(format!("write `{int}.0` or `{int}`"))
        } else {
            Some("write the exponent's digits, such as `1e3` or `2.5E-4`".to_owned())
        };
        JsonError::new(
            JsonErrorKind::InvalidNumber,
            found.span(self.bytes.len()),
            format!(
                "invalid number: expected {what}, found {}",
                self.describe(found)
            ),
            help,
        )
    }

    /// Read a string whose opening quote is at the current position: the decoded text and the span
    /// including the quotes.
    fn string(&mut self) -> Result<(String, Span), JsonError> {
        let start = self.pos;
        let content = start + 1;
        let mut i = find_special(self.bytes, content);
        match self.bytes.get(i) {
            Some(b'"') => {
                self.pos = i + 1;
                let text = if self.build {
                    self.slice(content, i).to_owned()
                } else {
                    String::new()
                };
                return Ok((text, Span::new(start, self.pos)));
            }
            Some(b'\\') => {}
            Some(&b) => return Err(self.control_character(i, b)),
            None => return Err(self.unterminated_string()),
        }
        // Slow path: there are escapes. `i` is at a backslash; `chunk` is where the plain text
        // not yet copied starts.
        let mut out = if self.build {
            String::with_capacity(i - content + 16)
        } else {
            String::new()
        };
        let mut chunk = content;
        loop {
            let (c, next) = decode_escape(self.bytes, i).map_err(|e| self.escape_error(i, e))?;
            if self.build {
                out.push_str(self.slice(chunk, i));
                out.push(c);
            }
            chunk = next;
            i = find_special(self.bytes, next);
            match self.bytes.get(i) {
                Some(b'"') => {
                    if self.build {
                        out.push_str(self.slice(chunk, i));
                    }
                    self.pos = i + 1;
                    return Ok((out, Span::new(start, self.pos)));
                }
                Some(b'\\') => {}
                Some(&b) => return Err(self.control_character(i, b)),
                None => return Err(self.unterminated_string()),
            }
        }
    }

    /// The error for the control character `b` at `at` inside a string.
    fn control_character(&self, at: usize, b: u8) -> JsonError {
        let (name, help) = match b {
            b'\n' => (
                "line break (U+000A)".to_owned(),
                "write a line break inside a string as `\\n`; if the string should end here, close it with `\"`".to_owned(),
            ),
            b'\r' => (
                "carriage return (U+000D)".to_owned(),
                "write a carriage return inside a string as `\\r`; if the string should end here, close it with `\"`".to_owned(),
            ),
            b'\t' => (
                "tab (U+0009)".to_owned(),
                "write a tab inside a string as `\\t`".to_owned(),
            ),
            _ => (
                format!("control character U+{b:04X}"),
                format!("write it as `\\u{b:04x}`"),
            ),
        };
        JsonError::new(
            JsonErrorKind::ControlCharacter,
            Span::new(at, at + 1),
            format!("unescaped {name} in a string"),
            Some(help),
        )
    }

    /// The error for a string that the input ends inside.
    fn unterminated_string(&self) -> JsonError {
        let len = self.bytes.len();
        JsonError::new(
            JsonErrorKind::UnexpectedEnd,
            Span::new(len, len),
            "unexpected end of input: the document is truncated",
            Some("a string is not closed; add the closing `\"`".to_owned()),
        )
    }

    /// The error for the escape sequence at `at` that could not be decoded.
    fn escape_error(&self, at: usize, error: EscapeError) -> JsonError {
        let (span, message, help) = match error {
            EscapeError::End => return self.unterminated_string(),
            EscapeError::Invalid { end } => {
                let text = self.slice(at, end);
                let help = if text == "\\'" {
                    "a single quote needs no escape: write `'`".to_owned()
                } else {
                    "the escapes are `\\\"`, `\\\\`, `\\/`, `\\b`, `\\f`, `\\n`, `\\r`, `\\t` and `\\uXXXX`; write a backslash as `\\\\`".to_owned()
                };
                (
                    Span::new(at, end),
                    format!("invalid escape `{}` in a string", snippet(text)),
                    help,
                )
            }
            EscapeError::BadHex { end } => (
                Span::new(at, end),
                format!(
                    "invalid escape `{}` in a string: `\\u` must be followed by four hexadecimal digits",
                    snippet(self.slice(at, end))
                ),
                "write a character as `\\u` and four hexadecimal digits, such as `\\u00e9`".to_owned(),
            ),
            EscapeError::LoneSurrogate { end } => (
                Span::new(at, end),
                format!(
                    "unpaired surrogate `{}` in a string",
                    snippet(self.slice(at, end))
                ),
                "a `\\uD800` to `\\uDBFF` escape must be followed by a `\\uDC00` to `\\uDFFF` escape; write the character itself instead".to_owned(),
            ),
        };
        JsonError::new(JsonErrorKind::InvalidEscape, span, message, Some(help))
    }

    /// The error for the input ending where `expected` was expected.
    fn end_error(&self, expected: &str) -> JsonError {
        let len = self.bytes.len();
        JsonError::new(
            JsonErrorKind::UnexpectedEnd,
            Span::new(len, len),
            "unexpected end of input: the document is truncated",
            Some(format!(
                "the document ends where {expected} was expected; complete it"
            )),
        )
    }

    /// Classify the token at `pos`.
    fn found(&self, pos: usize) -> Found {
        let Some(&b) = self.bytes.get(pos) else {
            return Found::End;
        };
        let next = self.bytes.get(pos + 1).copied();
        match b {
            b'/' if matches!(next, Some(b'/' | b'*')) => Found::Comment {
                span: Span::new(pos, pos + 2),
            },
            b'#' => Found::Comment {
                span: Span::new(pos, pos + 1),
            },
            b'\'' => {
                let close = self
                    .bytes
                    .get(pos + 1..)
                    .unwrap_or_default()
                    .iter()
                    .position(|&c| matches!(c, b'\'' | b'\n' | b'\r'))
                    .map(|k| pos + 1 + k)
                    .filter(|&k| self.bytes.get(k) == Some(&b'\''));
                match close {
                    Some(k) => Found::SingleQuote {
                        span: Span::new(pos, k + 1),
                        closed: true,
                    },
                    None => Found::SingleQuote {
                        span: Span::new(pos, pos + 1),
                        closed: false,
                    },
                }
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'$' => Found::Word {
                span: Span::new(pos, self.word_end(pos)),
            },
            b'+' | b'.' if next.is_some_and(|n| n.is_ascii_digit()) => {
                let mut end = pos + 1;
                while self.bytes.get(end).is_some_and(|&c| {
                    c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-')
                }) {
                    end += 1;
                }
                Found::Numberish {
                    span: Span::new(pos, end),
                }
            }
            _ => {
                let c = self
                    .text
                    .get(pos..)
                    .and_then(|s| s.chars().next())
                    .unwrap_or(char::REPLACEMENT_CHARACTER);
                Found::Char {
                    span: Span::new(pos, pos + c.len_utf8()),
                    c,
                }
            }
        }
    }

    /// `found` for a message ("found …").
    fn describe(&self, found: Found) -> String {
        match found {
            Found::End => "the end of the input".to_owned(),
            Found::SingleQuote { span, closed: true } => format!(
                "the single-quoted string `{}`",
                snippet(self.slice(span.start, span.end))
            ),
            Found::Char { c, .. } => describe_char(c),
            Found::Comment { span }
            | Found::SingleQuote { span, .. }
            | Found::Word { span }
            | Found::Numberish { span } => {
                format!("`{}`", snippet(self.slice(span.start, span.end)))
            }
        }
    }

    /// The error for whatever is at the current position, where `expect` was expected.
    fn unexpected(&self, expect: Expect) -> JsonError {
        use JsonErrorKind::{InvalidNumber, InvalidString, UnexpectedCharacter};
        let found = self.found(self.pos);
        let expected = expect.describe();
        if found == Found::End {
            return self.end_error(expected);
        }
        let span = found.span(self.bytes.len());
        let text = self.slice(span.start, span.end);
        let mut kind = UnexpectedCharacter;
        let mut description = self.describe(found);
        let starts_value = match found {
            Found::Word { .. } | Found::SingleQuote { .. } | Found::Numberish { .. } => true,
            Found::Char { c, .. } => matches!(c, '"' | '{' | '[' | '-' | '0'..='9'),
            Found::End | Found::Comment { .. } => false,
        };
        let help: Option<String> = match (found, expect) {
            (Found::Comment { .. }, _) => {
                Some("JSON has no comments; remove the comment".to_owned())
            }
            (Found::SingleQuote { closed, .. }, Expect::Value(_) | Expect::Key { .. }) => {
                kind = InvalidString;
                let inner = text
                    .get(1..text.len().saturating_sub(1))
                    .unwrap_or_default()
                    .replace('"', "\\\"");
                Some(if closed {
                    format!(
                        "JSON strings use double quotes: write `\"{}\"`",
                        snippet(&inner)
                    )
                } else {
                    "JSON strings use double quotes: write `\"…\"`".to_owned()
                })
            }
            (Found::Word { .. }, Expect::Key { .. }) => {
                description = format!("the unquoted key {description}");
                Some(format!(
                    "object keys are strings in double quotes: write `\"{}\"`",
                    snippet(text)
                ))
            }
            (Found::Word { .. }, Expect::Value(_)) => {
                let (word_kind, help) = bare_word_help(text);
                kind = word_kind;
                Some(help)
            }
            (Found::Numberish { .. }, Expect::Value(_)) => {
                kind = InvalidNumber;
                Some(match text.strip_prefix('+') {
                    Some(rest) => format!(
                        "JSON numbers have no leading `+`: write `{}`",
                        snippet(rest)
                    ),
                    None => format!("write `0{}`", snippet(text)),
                })
            }
            (Found::Char { c: ',', .. }, Expect::Value(_) | Expect::Key { .. }) => {
                Some("remove the extra comma".to_owned())
            }
            (Found::Char { .. }, Expect::Key { .. }) if starts_value => Some(
                "object keys are strings in double quotes, such as `\"key\"`".to_owned(),
            ),
            (Found::Char { c: '=', .. }, Expect::Colon) => {
                Some("write `:` between a key and its value".to_owned())
            }
            (Found::Char { c: ',' | '}', .. }, Expect::Colon) => {
                Some("every key needs a value: write `\"key\": value`".to_owned())
            }
            (_, Expect::Colon) if starts_value => {
                Some("add a `:` between the key and its value".to_owned())
            }
            (_, Expect::After(Container::Array)) if starts_value => {
                Some("add a `,` between the elements".to_owned())
            }
            (_, Expect::After(Container::Object)) if starts_value => {
                Some("add a `,` between the members".to_owned())
            }
            (Found::Char { c: '}', .. }, Expect::After(Container::Array)) => {
                Some("close the array with `]`".to_owned())
            }
            (Found::Char { c: ']', .. }, Expect::After(Container::Object)) => {
                Some("close the object with `}`".to_owned())
            }
            (Found::Char { c: ':', .. }, Expect::After(Container::Array)) => Some(
                "arrays hold values, not key-value pairs; for `\"key\": value` members use an object `{…}`"
                    .to_owned(),
            ),
            (Found::Char { c: ';', .. }, Expect::After(Container::Array)) => {
                Some("separate the elements with `,`".to_owned())
            }
            (Found::Char { c: ';', .. }, Expect::After(Container::Object)) => {
                Some("separate the members with `,`".to_owned())
            }
            (Found::Char { c, .. }, _) if is_invisible(c) => Some(
                "JSON whitespace is only space, tab, line feed and carriage return; replace this character with a space"
                    .to_owned(),
            ),
            _ => None,
        };
        JsonError::new(
            kind,
            span,
            format!("expected {expected}, found {description}"),
            help,
        )
    }

    /// The error for something other than whitespace at the current position, after the
    /// document's value.
    fn trailing_data(&self) -> JsonError {
        let found = self.found(self.pos);
        let help = match found {
            Found::Comment { .. } => "JSON has no comments; remove the comment",
            Found::Char { c: ',', .. } => {
                "remove the comma: a document holds exactly one JSON value"
            }
            Found::Char { c: ']' | '}', .. } => {
                "remove the extra closing bracket, or add the matching opening one"
            }
            Found::Char { c, .. } if is_invisible(c) => {
                "JSON whitespace is only space, tab, line feed and carriage return; remove this character"
            }
            _ => "a document holds exactly one JSON value; remove the extra text, or wrap all the values in one array",
        };
        JsonError::new(
            JsonErrorKind::TrailingData,
            found.span(self.bytes.len()),
            format!(
                "unexpected {} after the end of the JSON value",
                self.describe(found)
            ),
            Some(help.to_owned()),
        )
    }
}
