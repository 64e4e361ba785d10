//! Building the tree from the parser's events, without recursion.

use super::text::{self, Offsets};
use super::{
    schema, Document, YamlEntry, YamlError, YamlNode, YamlValue, MAX_ALIAS_BYTES, MAX_ALIAS_NODES,
    MAX_DEPTH,
};
use crate::source::Span;
use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Tag};
use std::collections::HashMap;

/// Parse a whole stream (see [`super::parse_stream`]).
pub(super) fn parse_stream(text: &str) -> Result<Vec<Document>, YamlError> {
    let mut builder = Builder::new(text);
    for item in Parser::new_from_str(text) {
        let (event, marks) = item.map_err(|e| builder.scan_error(&e))?;
        let start = builder.offsets.byte(marks.start.index());
        let end = builder.offsets.byte(marks.end.index()).max(start);
        let span = Span::new(start, end);
        builder.event(event, span)?;
        builder.prev_end = builder.prev_end.max(span.end);
    }
    Ok(builder.documents)
}

/// A finished node with what its copies would cost.
#[derive(Debug)]
struct Built {
    /// The node.
    node: YamlNode,
    /// The node's text as a mapping key, when it is not derived from the node (a scalar's raw
    /// text; an alias's copy of its anchor's).
    key: Option<String>,
    /// Nodes in the tree.
    nodes: usize,
    /// Bytes of scalar text and keys in the tree.
    bytes: usize,
    /// Nesting levels of collections in the tree (0 for a scalar).
    height: usize,
}

/// A node an alias can copy.
#[derive(Debug)]
struct Anchored {
    /// The node, with the span of its original.
    node: YamlNode,
    /// Its text as a mapping key.
    key: String,
    /// Nodes in the tree.
    nodes: usize,
    /// Bytes of scalar text and keys in the tree.
    bytes: usize,
    /// Nesting levels of collections in the tree.
    height: usize,
}

/// The children read so far of an open collection.
#[derive(Debug)]
enum Content {
    /// A sequence's items.
    Sequence(Vec<YamlNode>),
    /// A mapping's entries, and the key waiting for its value.
    Mapping {
        /// The complete entries.
        entries: Vec<YamlEntry>,
        /// The key read, whose value comes next.
        key: Option<(String, Span)>,
    },
}

/// An open collection.
#[derive(Debug)]
struct Frame {
    /// Its children so far.
    content: Content,
    /// Its tag as written.
    tag: Option<String>,
    /// Its anchor's id (0: none).
    anchor: usize,
    /// Where its content starts.
    start: usize,
    /// Whether it is written in flow style (`[…]`, `{…}`).
    flow: bool,
    /// The end of its last child so far.
    end: usize,
    /// Nodes in its children.
    nodes: usize,
    /// Bytes in its children.
    bytes: usize,
    /// The greatest height of its children.
    height: usize,
}

/// The state of the tree under construction.
struct Builder<'t> {
    /// The input.
    text: &'t str,
    /// Character indices to byte offsets.
    offsets: Offsets<'t>,
    /// The open collections, innermost last.
    stack: Vec<Frame>,
    /// The anchored nodes of the current document, by the parser's anchor id.
    anchors: HashMap<usize, Anchored>,
    /// The documents read.
    documents: Vec<Document>,
    /// The current document's `---`, if it has one.
    doc_start: Option<Span>,
    /// The current document's root, once read.
    root: Option<YamlNode>,
    /// The end of the latest event.
    prev_end: usize,
    /// Whether the text can hold an alias (a `*`): if not, anchored nodes need no copy.
    aliases_possible: bool,
    /// Nodes copied for anchors and aliases so far.
    copied_nodes: usize,
    /// Bytes copied for anchors and aliases so far.
    copied_bytes: usize,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str) -> Self {
        Self {
            text,
            offsets: Offsets::new(text),
            stack: Vec::new(),
            anchors: HashMap::new(),
            documents: Vec::new(),
            doc_start: None,
            root: None,
            prev_end: 0,
            aliases_possible: text.contains('*'),
            copied_nodes: 0,
            copied_bytes: 0,
        }
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), YamlError> {
        match event {
            Event::Nothing | Event::StreamStart | Event::StreamEnd => Ok(()),
            Event::DocumentStart(explicit) => {
                self.doc_start = explicit.then_some(span);
                self.anchors.clear();
                self.root = None;
                Ok(())
            }
            Event::DocumentEnd => {
                self.end_document(span);
                Ok(())
            }
            Event::Scalar(value, style, anchor, tag) => {
                self.scalar(&value, style, anchor, tag.as_deref(), span)
            }
            Event::Alias(id) => self.alias(id, span),
            Event::SequenceStart(anchor, tag) => {
                self.open(Content::Sequence(Vec::new()), anchor, tag.as_deref(), span)
            }
            Event::MappingStart(anchor, tag) => self.open(
                Content::Mapping {
                    entries: Vec::new(),
                    key: None,
                },
                anchor,
                tag.as_deref(),
                span,
            ),
            Event::SequenceEnd | Event::MappingEnd => self.close(span),
        }
    }

    fn end_document(&mut self, span: Span) {
        let mut root = self.root.take().unwrap_or(YamlNode {
            span: Span::new(span.start, span.start),
            tag: None,
            value: YamlValue::Null,
        });
        if let Some(marker) = self.doc_start {
            if root.span.is_empty() {
                // An empty document is located right after its `---`.
                root.span = Span::new(marker.end, marker.end);
            }
        }
        let start = self
            .doc_start
            .map_or(root.span.start, |m| m.start.min(root.span.start));
        // An implicit end is located at the next `---`: only an explicit `...` belongs here.
        let end = if self.text.get(span.start..span.end) == Some("...") {
            span.end
        } else {
            root.span.end
        };
        self.documents.push(Document {
            span: Span::new(start, end.max(start)),
            root,
        });
        self.doc_start = None;
        self.anchors.clear();
    }

    /// The tag as written in `props`, or rebuilt from the parser's `tag`.
    fn tag_text(&self, props: &text::Properties, tag: Option<&Tag>) -> Option<String> {
        let tag = tag?;
        let written = props
            .tag
            .and_then(|(s, e)| self.text.get(s..e))
            .filter(|t| t.starts_with('!'));
        Some(written.map_or_else(|| rebuilt_tag(tag), str::to_owned))
    }

    /// Whether the next completed node is a mapping key.
    fn expects_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                content: Content::Mapping { key: None, .. },
                ..
            })
        )
    }

    fn scalar(
        &mut self,
        value: &str,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        span: Span,
    ) -> Result<(), YamlError> {
        let has_props = anchor != 0 || tag.is_some();
        let props = if has_props {
            text::properties(self.text, span.start, span.end)
        } else {
            text::Properties {
                content: span.start,
                tag: None,
            }
        };
        let tag_text = self.tag_text(&props, tag);
        let node_span = match style {
            ScalarStyle::Literal | ScalarStyle::Folded => self.block_span(&props, has_props, span),
            // An empty node is located where it would be (the parser's span may cover the
            // next token).
            ScalarStyle::Plain if value.is_empty() && !has_props => {
                Span::new(span.start, span.start)
            }
            // The parser's span of a quoted scalar may run on over blanks and a comment.
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                match text::quoted_end(self.text, props.content, span.end) {
                    Some(end) => Span::new(props.content, end),
                    None => span,
                }
            }
            _ if props.content >= span.end => span,
            _ => Span::new(props.content, span.end),
        };
        let resolved = schema::resolve(value, style, tag);
        let key = (anchor != 0 || self.expects_key()).then(|| value.to_owned());
        let built = Built {
            node: YamlNode {
                span: node_span,
                tag: tag_text,
                value: resolved,
            },
            key,
            nodes: 1,
            bytes: value.len(),
            height: 0,
        };
        self.complete(built, anchor)
    }

    /// The span of a block scalar: from its `|`/`>` indicator to the end of its last content
    /// line (the parser's span starts at the content, or at the properties).
    fn block_span(&self, props: &text::Properties, has_props: bool, span: Span) -> Span {
        let indicator = if has_props {
            text::block_indicator(self.text, props.content, span.end)
        } else {
            text::block_indicator(self.text, self.prev_end.min(span.start), span.start)
        };
        let Some(at) = indicator else {
            let end = text::trim_end(self.text, props.content, span.end);
            return Span::new(props.content, end.max(props.content));
        };
        let header_end = text::block_header_end(self.text, at);
        let line_end = text::line_end(self.text, header_end);
        let trimmed = text::trim_end(self.text, header_end, span.end.max(header_end));
        let end = if trimmed <= line_end {
            header_end
        } else {
            trimmed
        };
        Span::new(at, end)
    }

    fn alias(&mut self, id: usize, span: Span) -> Result<(), YamlError> {
        let name = self.text.get(span.start..span.end).unwrap_or("*");
        let Some(anchored) = self.anchors.get(&id) else {
            return Err(YamlError::new(
                span,
                format!("alias `{name}` refers to the node that contains it: a recursive structure cannot be read"),
                Some("copy the content instead of referring to the enclosing node".to_owned()),
            ));
        };
        if self.stack.len().saturating_add(anchored.height) > MAX_DEPTH {
            return Err(YamlError::new(
                span,
                format!("alias `{name}` nests the document more than {MAX_DEPTH} levels deep"),
                Some("write the content out with less nesting".to_owned()),
            ));
        }
        let (nodes, bytes) = (anchored.nodes, anchored.bytes);
        self.charge(nodes, bytes, span)?;
        let Some(anchored) = self.anchors.get(&id) else {
            return Ok(());
        };
        let mut node = anchored.node.clone();
        node.span = span;
        let built = Built {
            node,
            key: Some(anchored.key.clone()),
            nodes: anchored.nodes,
            bytes: anchored.bytes,
            height: anchored.height,
        };
        self.complete(built, 0)
    }

    /// Count a copy of `nodes` nodes and `bytes` bytes (made for an anchor or an alias at
    /// `span`) against the limits.
    fn charge(&mut self, nodes: usize, bytes: usize, span: Span) -> Result<(), YamlError> {
        self.copied_nodes = self.copied_nodes.saturating_add(nodes);
        self.copied_bytes = self.copied_bytes.saturating_add(bytes);
        if self.copied_nodes <= MAX_ALIAS_NODES && self.copied_bytes <= MAX_ALIAS_BYTES {
            return Ok(());
        }
        let what = if self.copied_nodes > MAX_ALIAS_NODES {
            format!("{MAX_ALIAS_NODES} nodes")
        } else {
            format!("{MAX_ALIAS_BYTES} bytes")
        };
        Err(YamlError::new(
            span,
            format!("anchors and aliases copy more than {what}: a \"billion laughs\" document"),
            Some(
                "write the repeated content out, or use fewer nested anchors and aliases"
                    .to_owned(),
            ),
        ))
    }

    fn open(
        &mut self,
        content: Content,
        anchor: usize,
        tag: Option<&Tag>,
        span: Span,
    ) -> Result<(), YamlError> {
        let bytes = self.text.as_bytes();
        let last = span.end.checked_sub(1).and_then(|at| bytes.get(at));
        let flow = !span.is_empty() && matches!(last, Some(b'[' | b'{'));
        let has_props = anchor != 0 || tag.is_some();
        let props = if has_props {
            text::properties(self.text, span.start, span.end)
        } else {
            text::Properties {
                content: span.start,
                tag: None,
            }
        };
        // Flow: the `[`/`{` ends the span. Block: the content starts after the properties (the
        // span of an indentless sequence covers its first `- `).
        let start = if flow {
            span.end.saturating_sub(1)
        } else if !has_props && matches!(content, Content::Sequence(_)) {
            self.indentless_start(span.start)
        } else {
            props.content
        };
        if self.stack.len() >= MAX_DEPTH {
            return Err(YamlError::new(
                self.char_span(start),
                format!("sequences and mappings are nested more than {MAX_DEPTH} levels deep"),
                Some("write the document with less nesting".to_owned()),
            ));
        }
        let tag = self.tag_text(&props, tag);
        self.stack.push(Frame {
            content,
            tag,
            anchor,
            start,
            flow,
            end: start,
            nodes: 0,
            bytes: 0,
            height: 0,
        });
        Ok(())
    }

    /// Where a block sequence whose event starts at `at` starts: at `at`, unless it is an
    /// indentless sequence (`key:\n- item`), whose event starts at its first item, after the
    /// `-` that starts the sequence.
    fn indentless_start(&self, at: usize) -> usize {
        // Only a mapping's value can be an indentless sequence; then only blanks and that `-`
        // lie between the key and the event.
        let is_value = matches!(
            self.stack.last(),
            Some(Frame {
                content: Content::Mapping { key: Some(_), .. },
                ..
            })
        );
        if !is_value {
            return at;
        }
        let bytes = self.text.as_bytes();
        let mut i = at;
        while i > self.prev_end && bytes.get(i - 1).is_some_and(|&b| text::is_blank(b)) {
            i -= 1;
        }
        match i.checked_sub(1) {
            Some(dash) if dash >= self.prev_end && bytes.get(dash) == Some(&b'-') => dash,
            _ => at,
        }
    }

    fn close(&mut self, span: Span) -> Result<(), YamlError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        // The parser's span of a closing bracket may run on over blanks and a comment.
        let closing = self.text.as_bytes().get(span.start);
        let end = if frame.flow && matches!(closing, Some(b']' | b'}')) {
            span.start + 1
        } else if frame.flow && !span.is_empty() {
            span.end
        } else {
            frame.end
        };
        let value = match frame.content {
            Content::Sequence(items) => YamlValue::Sequence(items),
            Content::Mapping { mut entries, key } => {
                // The parser always sends a value (maybe an empty scalar); be lenient anyway.
                if let Some((key, key_span)) = key {
                    entries.push(YamlEntry {
                        key,
                        key_span,
                        value: YamlNode {
                            span: Span::new(key_span.end, key_span.end),
                            tag: None,
                            value: YamlValue::Null,
                        },
                    });
                }
                YamlValue::Mapping(entries)
            }
        };
        let built = Built {
            node: YamlNode {
                span: Span::new(frame.start, end.max(frame.start)),
                tag: frame.tag,
                value,
            },
            key: None,
            nodes: frame.nodes.saturating_add(1),
            bytes: frame.bytes,
            height: frame.height.saturating_add(1),
        };
        self.complete(built, frame.anchor)
    }

    /// Attach a finished node to its parent (or make it the root), recording it under `anchor`.
    fn complete(&mut self, built: Built, anchor: usize) -> Result<(), YamlError> {
        let text = self.text;
        let key_of = |built: &Built| {
            built
                .key
                .clone()
                .unwrap_or_else(|| key_text(text, &built.node))
        };
        if anchor != 0 && self.aliases_possible {
            self.charge(built.nodes, built.bytes, built.node.span)?;
            let anchored = Anchored {
                node: built.node.clone(),
                key: key_of(&built),
                nodes: built.nodes,
                bytes: built.bytes,
                height: built.height,
            };
            self.anchors.insert(anchor, anchored);
        }
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(built.node);
            return Ok(());
        };
        frame.nodes = frame.nodes.saturating_add(built.nodes);
        frame.bytes = frame.bytes.saturating_add(built.bytes);
        frame.height = frame.height.max(built.height);
        frame.end = frame.end.max(built.node.span.end);
        match &mut frame.content {
            Content::Sequence(items) => items.push(built.node),
            Content::Mapping { entries, key } => match key.take() {
                Some((key, key_span)) => entries.push(YamlEntry {
                    key,
                    key_span,
                    value: built.node,
                }),
                None => {
                    let text = key_of(&built);
                    frame.bytes = frame.bytes.saturating_add(text.len());
                    *key = Some((text, built.node.span));
                }
            },
        }
        Ok(())
    }

    /// The span of the character at `at` (empty at a line break or the end of the text).
    fn char_span(&self, at: usize) -> Span {
        let len = self
            .text
            .get(at..)
            .and_then(|rest| rest.chars().next())
            .filter(|c| *c != '\n' && *c != '\r')
            .map_or(0, char::len_utf8);
        Span::new(at, at + len)
    }

    /// The located error for a parser error.
    fn scan_error(&self, e: &ScanError) -> YamlError {
        let at = self.offsets.byte(e.marker().index());
        let mut span = self.char_span(at);
        if e.info().contains("tab") {
            // The parser points after the indentation: underline its first tab.
            let line_start = self
                .text
                .get(..at)
                .and_then(|before| before.rfind('\n'))
                .map_or(0, |nl| nl + 1);
            if let Some(tab) = self.text.get(line_start..at).and_then(|s| s.find('\t')) {
                span = Span::new(line_start + tab, line_start + tab + 1);
            }
        }
        let (message, help) = describe(e.info(), self.text, span);
        YamlError::new(span, message, help)
    }
}

/// The text of `node` as a mapping key: a string's text, a number as written, anything else as
/// its source text.
fn key_text(text: &str, node: &YamlNode) -> String {
    match &node.value {
        YamlValue::String(s) => s.clone(),
        YamlValue::Number(n) => n.clone(),
        _ => text
            .get(node.span.start..node.span.end)
            .unwrap_or_default()
            .to_owned(),
    }
}

/// A tag as it would be written, from the parser's resolved form.
fn rebuilt_tag(tag: &Tag) -> String {
    match tag.handle.as_str() {
        "!" => format!("!{}", tag.suffix),
        "tag:yaml.org,2002:" => format!("!!{}", tag.suffix),
        "" if tag.suffix == "!" => "!".to_owned(),
        "" => format!("!<{}>", tag.suffix),
        handle => format!("!<{handle}{}>", tag.suffix),
    }
}

/// The message and help for a parser error `info` located at `span`.
fn describe(info: &str, text: &str, span: Span) -> (String, Option<String>) {
    let help = |h: &str| Some(h.to_owned());
    let at_end = span.start >= text.len();
    match info {
        i if i.contains("quoted scalar, found unexpected end of stream") => (
            "unclosed quoted string: the text ends before its closing quote".to_owned(),
            help("close the string with the quote that opens it (`'` or `\"`)"),
        ),
        "invalid indentation in quoted scalar" => (
            "unclosed quoted string, or a quoted string continued on a line indented too little"
                .to_owned(),
            help("close the string on the same line, or indent its continuation lines more than its key"),
        ),
        i if i.contains("quoted scalar, found unexpected document indicator") => (
            "unclosed quoted string: a `---` or `...` line comes before its closing quote"
                .to_owned(),
            help("close the string with the quote that opens it (`'` or `\"`)"),
        ),
        "tab cannot be used as indentation"
        | "tabs disallowed within this context (block indentation)"
        | "tabs disallowed in this context" => (
            "a tab is used for indentation: YAML indents with spaces only".to_owned(),
            help("replace the tab with spaces"),
        ),
        "while scanning a plain scalar, found a tab" => (
            "a tab in an unquoted value where YAML does not allow one".to_owned(),
            help("replace the tab with spaces, or quote the value"),
        ),
        "a block scalar content cannot start with a tab" => (
            "a block scalar's content starts with a tab: YAML indents with spaces only".to_owned(),
            help("replace the tab with spaces"),
        ),
        "mapping values are not allowed in this context" => (
            "a `:` starts a mapping value where none is allowed".to_owned(),
            help("check the indentation of this line, or quote the value if the `: ` is part of its text"),
        ),
        "while parsing a block mapping, did not find expected key" => (
            "bad indentation: this line is not a key of the mapping it is indented under"
                .to_owned(),
            help("indent every key of one mapping to the same column, with spaces"),
        ),
        "while parsing a block collection, did not find expected '-' indicator" => (
            "bad indentation: this line is not an entry (`- `) of the sequence it is indented under"
                .to_owned(),
            help("indent every entry of one sequence to the same column, with spaces"),
        ),
        "block sequence entries are not allowed in this context" => (
            "a sequence entry (`- `) is not allowed here".to_owned(),
            help("start the sequence on a new line, indented under its key"),
        ),
        "while parsing a flow sequence, expected ',' or ']'" => (
            if at_end {
                "unclosed flow sequence: the text ends before its `]`".to_owned()
            } else {
                "malformed flow sequence: expected `,` or `]`".to_owned()
            },
            help("separate the items with `,` and close the sequence with `]`"),
        ),
        "while parsing a flow mapping, did not find expected ',' or '}'" => (
            if at_end {
                "unclosed flow mapping: the text ends before its `}`".to_owned()
            } else {
                "malformed flow mapping: expected `,` or `}`".to_owned()
            },
            help("separate the entries with `,` and close the mapping with `}`"),
        ),
        "recursion limit exceeded" => (
            format!("sequences and mappings are nested more than {MAX_DEPTH} levels deep"),
            help("write the document with less nesting"),
        ),
        "misplaced bracket" => (
            "a closing bracket that closes nothing".to_owned(),
            help("remove it, or add the `[` or `{` it should close"),
        ),
        "while parsing node, found unknown anchor" => {
            let name = text
                .get(span.start..)
                .map(|rest| {
                    rest.split(|c: char| c.is_whitespace() || ",[]{}".contains(c))
                        .next()
                        .unwrap_or_default()
                })
                .unwrap_or_default();
            (
                format!("alias `{name}` refers to an anchor not defined before it in this document"),
                help("define the anchor (`&name`) before its aliases, in the same document"),
            )
        }
        "':' must be followed by a valid YAML whitespace" => (
            "a `:` after a key must be followed by a space".to_owned(),
            help("write `key: value`, or quote the text if the `:` is part of it"),
        ),
        "'-' must be followed by a valid YAML whitespace" => (
            "a `-` that starts a sequence entry must be followed by a space".to_owned(),
            help("write `- item`"),
        ),
        other => (lowercase_first(other), None),
    }
}

/// `s` with its first character in lowercase.
fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "malformed YAML".to_owned(),
    }
}
