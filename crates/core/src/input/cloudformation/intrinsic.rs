//! CloudFormation intrinsic functions: what trustlint resolves, and what stays unknown.
//!
//! Resolved: `Ref` of a parameter with a `Default` (a `CommaDelimitedList`/`List<…>` parameter
//! gives a list), the pseudo parameters the [`Resolver`] knows (`AWS::Partition` and
//! `AWS::URLSuffix` by default, any other when supplied), `AWS::NoValue` (the element is
//! removed), `Fn::Sub` (with its optional variable map; `${!Name}` is the literal `${Name}`),
//! `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::FindInMap` over literal `Mappings`, and `Fn::If`
//! when both branches resolve to the same value (trustlint does not guess which condition holds).
//! Everything else (`Fn::GetAtt`, `Fn::ImportValue`, `Ref` of a resource or of a parameter
//! without a default, `Fn::Base64`, `Fn::Cidr`, `Fn::GetAZs`, unknown tags, …) is unknown.

use super::render::Emitter;
use super::text::scalar_map;
use crate::source::Span;
use crate::yaml::{YamlNode, YamlValue};

/// A piece of a string value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Piece {
    /// Text known exactly, with the file offset of each of its bytes.
    Known {
        /// The text.
        text: String,
        /// One file offset per byte of `text`.
        map: Vec<usize>,
    },
    /// A value that cannot be known.
    Unknown {
        /// How the template writes it.
        what: String,
        /// Where the template writes it.
        at: Span,
    },
}

/// A string value, possibly partly unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Str {
    /// Its pieces, in order.
    pub pieces: Vec<Piece>,
    /// Where the whole value is written.
    pub span: Span,
}

impl Str {
    /// The text, when no piece is unknown.
    pub fn known(&self) -> Option<String> {
        let mut out = String::new();
        for p in &self.pieces {
            match p {
                Piece::Known { text, .. } => out.push_str(text),
                Piece::Unknown { .. } => return None,
            }
        }
        Some(out)
    }

    fn unknown(what: String, at: Span) -> Self {
        Self {
            pieces: vec![Piece::Unknown { what, at }],
            span: at,
        }
    }

    fn text(text: &str, map: Vec<usize>, span: Span) -> Self {
        Self {
            pieces: vec![Piece::Known {
                text: text.to_owned(),
                map,
            }],
            span,
        }
    }
}

/// A template value after resolving intrinsic functions at its top.
#[derive(Debug, Clone)]
pub(super) enum Value<'a> {
    /// A node written in the template that is not an intrinsic function (its children may be).
    Node(&'a YamlNode),
    /// A computed string.
    Str(Str),
    /// A computed list.
    List(Vec<Value<'a>>, Span),
    /// `AWS::NoValue`: the element is absent (removed).
    Absent,
    /// A value that cannot be known.
    Unknown {
        /// How the template writes it.
        what: String,
        /// Where.
        at: Span,
    },
}

/// What intrinsic functions are resolved against.
#[derive(Debug)]
pub(super) struct Resolver<'a> {
    /// The template text.
    pub file: &'a str,
    /// The `Parameters` section.
    pub parameters: Option<&'a YamlNode>,
    /// The `Mappings` section.
    pub mappings: Option<&'a YamlNode>,
    /// The known pseudo parameters (`AWS::Partition` → `aws`, …).
    pub pseudo: Vec<(String, String)>,
}

/// The long-form name of a short-form tag (`!Sub` → `Fn::Sub`), if it is a CloudFormation one.
fn long_name(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "!Ref" => "Ref",
        "!Condition" => "Condition",
        "!Sub" => "Fn::Sub",
        "!GetAtt" => "Fn::GetAtt",
        "!Join" => "Fn::Join",
        "!If" => "Fn::If",
        "!Select" => "Fn::Select",
        "!Split" => "Fn::Split",
        "!FindInMap" => "Fn::FindInMap",
        "!ImportValue" => "Fn::ImportValue",
        "!Base64" => "Fn::Base64",
        "!Cidr" => "Fn::Cidr",
        "!GetAZs" => "Fn::GetAZs",
        "!Equals" => "Fn::Equals",
        "!Not" => "Fn::Not",
        "!And" => "Fn::And",
        "!Or" => "Fn::Or",
        "!Transform" => "Fn::Transform",
        "!Length" => "Fn::Length",
        "!ToJsonString" => "Fn::ToJsonString",
        _ => return None,
    })
}

/// The intrinsic function a node calls, as (long name, argument): a short-form tag, or a
/// mapping whose only key is `Ref` or `Fn::…`. Another `!tag` gives its own name.
pub(super) fn intrinsic(node: &YamlNode) -> Option<(String, &YamlNode)> {
    if let Some(tag) = node.tag.as_deref() {
        if let Some(name) = long_name(tag) {
            return Some((name.to_owned(), node));
        }
        if tag.starts_with('!') && !tag.starts_with("!!") && tag != "!" {
            return Some((tag.to_owned(), node));
        }
    }
    match node.as_mapping() {
        Some([entry]) if entry.key == "Ref" || entry.key.starts_with("Fn::") => {
            Some((entry.key.clone(), &entry.value))
        }
        _ => None,
    }
}

impl<'a> Resolver<'a> {
    /// The value of `node`, with the intrinsic function at its top (if any) resolved.
    pub fn eval(&self, node: &'a YamlNode) -> Value<'a> {
        let Some((name, arg)) = intrinsic(node) else {
            return Value::Node(node);
        };
        let unknown = || Value::Unknown {
            what: self.describe(&name, arg),
            at: node.span,
        };
        let resolved = match name.as_str() {
            "Ref" => arg
                .as_str()
                .map(|r| self.reference(r, node.span, || format!("!Ref {r}"))),
            "Fn::Sub" => self.sub(arg),
            "Fn::Join" => self.join(arg),
            "Fn::Select" => self.select(arg),
            "Fn::Split" => self.split(arg),
            "Fn::FindInMap" => self.find_in_map(arg),
            "Fn::If" => self.choose(arg),
            _ => None,
        };
        resolved.unwrap_or_else(unknown)
    }

    /// How the template writes a call, for messages: `!GetAtt A.B`, `!Ref X`, `!If [c, …]`.
    fn describe(&self, name: &str, arg: &YamlNode) -> String {
        let short = name.strip_prefix("Fn::").unwrap_or(name);
        let short = short.strip_prefix('!').unwrap_or(short);
        if short == "GetAtt" {
            if let Some(items) = arg.as_sequence() {
                let parts: Vec<&str> = items.iter().filter_map(YamlNode::as_str).collect();
                return format!("!GetAtt {}", parts.join("."));
            }
        }
        if let Some(s) = arg.as_str() {
            return format!("!{short} {}", shorten(s));
        }
        let raw = self.file.get(arg.span.start..arg.span.end).unwrap_or("…");
        format!("!{short} {}", shorten(raw))
    }

    /// `Ref` (and a `${Name}` of `Fn::Sub`): a pseudo parameter or a template parameter.
    fn reference(&self, name: &str, at: Span, what: impl Fn() -> String) -> Value<'a> {
        if name == "AWS::NoValue" {
            return Value::Absent;
        }
        if let Some((_, v)) = self.pseudo.iter().find(|(k, _)| k == name) {
            return Value::Str(Str::text(v, vec![at.start; v.len()], at));
        }
        let default = self
            .parameters
            .and_then(|p| p.get(name))
            .and_then(|p| Some((p, p.get("Default")?)));
        let Some((param, default)) = default else {
            return Value::Unknown { what: what(), at };
        };
        let Some(text) = scalar_text(default) else {
            return Value::Unknown { what: what(), at };
        };
        let map = scalar_map(self.file, default.span, &text);
        let list = param
            .get("Type")
            .and_then(YamlNode::as_str)
            .is_some_and(|t| t == "CommaDelimitedList" || t.starts_with("List<"));
        if list {
            let whole = Str::text(&text, map, default.span);
            return Value::List(
                split_str(&whole, ",").into_iter().map(Value::Str).collect(),
                at,
            );
        }
        Value::Str(Str::text(&text, map, default.span))
    }

    /// `Fn::Sub`: `template` or `[template, {Name: value}]`.
    fn sub(&self, arg: &'a YamlNode) -> Option<Value<'a>> {
        let (template, vars) = match arg.as_sequence() {
            Some([t, vars]) => (t, vars.as_mapping()),
            Some([t]) => (t, None),
            Some(_) => return None,
            None => (arg, None),
        };
        // The template string must be a literal (the short form's argument is the node itself).
        if !std::ptr::eq(template, arg) && intrinsic(template).is_some() {
            return None;
        }
        let text = template.as_str()?;
        let map = scalar_map(self.file, template.span, text);
        let at = |i: usize| map.get(i).copied().unwrap_or(template.span.start);
        let mut out = Str {
            pieces: Vec::new(),
            span: arg.span,
        };
        let mut known = String::new();
        let mut known_map = Vec::new();
        let mut i = 0;
        while i < text.len() {
            let rest = text.get(i..).unwrap_or("");
            let open = rest.starts_with("${");
            let close = if open { rest.find('}') } else { None };
            let Some(close) = close else {
                let ch = rest.chars().next().map_or(1, char::len_utf8);
                known.push_str(rest.get(..ch).unwrap_or(""));
                known_map.extend((i..i + ch).map(at));
                i += ch;
                continue;
            };
            let name = rest.get(2..close).unwrap_or("");
            if let Some(literal) = name.strip_prefix('!') {
                // `${!Name}` is the literal `${Name}`.
                known.push_str("${");
                known_map.extend([at(i), at(i + 1)]);
                known.push_str(literal);
                known.push('}');
                known_map.extend((i + 3..=i + close).map(at));
                i += close + 1;
                continue;
            }
            let span = Span::new(at(i), at(i + close).saturating_add(1));
            let value = match vars.and_then(|v| v.iter().rev().find(|e| e.key == name.trim())) {
                Some(entry) => self.eval(&entry.value),
                None => self.sub_variable(name.trim(), span),
            };
            // An unknown is located at its `${…}`, even when the variable map gives it.
            let value = match value {
                Value::Unknown { what, .. } => Value::Unknown { what, at: span },
                v => v,
            };
            let Some(s) = self.to_str(value) else {
                out.pieces.push(Piece::Unknown {
                    what: format!("${{{name}}}"),
                    at: span,
                });
                i += close + 1;
                continue;
            };
            if !known.is_empty() {
                out.pieces.push(Piece::Known {
                    text: std::mem::take(&mut known),
                    map: std::mem::take(&mut known_map),
                });
            }
            out.pieces.extend(s.pieces);
            i += close + 1;
        }
        if !known.is_empty() || out.pieces.is_empty() {
            out.pieces.push(Piece::Known {
                text: known,
                map: known_map,
            });
        }
        Some(Value::Str(out))
    }

    /// A `${Name}` of `Fn::Sub` that its variable map does not give.
    fn sub_variable(&self, name: &str, at: Span) -> Value<'a> {
        let what = || format!("${{{name}}}");
        if name.contains('.') && !name.starts_with("AWS::") {
            return Value::Unknown { what: what(), at };
        }
        match self.reference(name, at, what) {
            Value::List(..) | Value::Absent => Value::Unknown { what: what(), at },
            v => v,
        }
    }

    /// `Fn::Join`: `[delimiter, [values…]]`.
    fn join(&self, arg: &'a YamlNode) -> Option<Value<'a>> {
        let [delim, list] = arg.as_sequence()? else {
            return None;
        };
        let delim = self.to_str(self.eval(delim))?;
        delim.known()?;
        let items = self.to_list(self.eval(list))?;
        let mut out = Str {
            pieces: Vec::new(),
            span: arg.span,
        };
        let mut first = true;
        for item in items {
            if matches!(item, Value::Absent) {
                continue;
            }
            let s = self.to_str(item)?;
            if !first {
                out.pieces.extend(delim.pieces.iter().cloned());
            }
            first = false;
            out.pieces.extend(s.pieces);
        }
        Some(Value::Str(out))
    }

    /// `Fn::Select`: `[index, list]`.
    fn select(&self, arg: &'a YamlNode) -> Option<Value<'a>> {
        let [index, list] = arg.as_sequence()? else {
            return None;
        };
        let index: usize = self
            .to_str(self.eval(index))?
            .known()?
            .trim()
            .parse()
            .ok()?;
        self.to_list(self.eval(list))?.into_iter().nth(index)
    }

    /// `Fn::Split`: `[delimiter, string]`.
    fn split(&self, arg: &'a YamlNode) -> Option<Value<'a>> {
        let [delim, source] = arg.as_sequence()? else {
            return None;
        };
        let delim = self.to_str(self.eval(delim))?.known()?;
        let source = self.to_str(self.eval(source))?;
        source.known()?;
        if delim.is_empty() {
            return None;
        }
        Some(Value::List(
            split_str(&source, &delim)
                .into_iter()
                .map(Value::Str)
                .collect(),
            arg.span,
        ))
    }

    /// `Fn::FindInMap`: `[map, top key, second key]` over the literal `Mappings`.
    fn find_in_map(&self, arg: &'a YamlNode) -> Option<Value<'a>> {
        let items = arg.as_sequence()?;
        let mut keys = Vec::new();
        for k in items.iter().take(3) {
            keys.push(self.to_str(self.eval(k))?.known()?);
        }
        let [map, top, second] = keys.as_slice() else {
            return None;
        };
        let node = self.mappings?.get(map)?.get(top)?.get(second)?;
        Some(self.eval(node))
    }

    /// `Fn::If`: `[condition, then, else]`, known only when both branches are the same value.
    fn choose(&self, arg: &'a YamlNode) -> Option<Value<'a>> {
        let [_, then, otherwise] = arg.as_sequence()? else {
            return None;
        };
        let a = self.eval(then);
        let b = self.eval(otherwise);
        let same = self.canonical(&a)?;
        (Some(same) == self.canonical(&b)).then_some(a)
    }

    /// A value's rendering, when it holds no unknown (`AWS::NoValue` renders as itself).
    fn canonical(&self, v: &Value<'a>) -> Option<String> {
        if matches!(v, Value::Absent) {
            return Some("\u{0}no-value".to_owned());
        }
        let mut em = Emitter::new();
        em.value(self, v);
        let rendered = em.finish();
        rendered.unknowns.is_empty().then_some(rendered.text)
    }

    /// A value as a string: a scalar's text, a computed string, an unknown (as one unknown
    /// piece). `None` for lists, mappings, null and `AWS::NoValue`.
    pub fn to_str(&self, v: Value<'a>) -> Option<Str> {
        match v {
            Value::Node(n) => {
                let text = scalar_text(n)?;
                let map = scalar_map(self.file, n.span, &text);
                Some(Str::text(&text, map, n.span))
            }
            Value::Str(s) => Some(s),
            Value::Unknown { what, at } => Some(Str::unknown(what, at)),
            Value::List(..) | Value::Absent => None,
        }
    }

    /// A value as a list of values; `None` when it is not a list (or an unknown one).
    fn to_list(&self, v: Value<'a>) -> Option<Vec<Value<'a>>> {
        match v {
            Value::Node(n) => Some(n.as_sequence()?.iter().map(|i| self.eval(i)).collect()),
            Value::List(items, _) => Some(items),
            _ => None,
        }
    }
}

/// A scalar's text (numbers and booleans as written); `None` for null and collections.
fn scalar_text(node: &YamlNode) -> Option<String> {
    match &node.value {
        YamlValue::String(s) | YamlValue::Number(s) => Some(s.clone()),
        YamlValue::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Split a fully known string at `delim`, keeping each part's map.
fn split_str(s: &Str, delim: &str) -> Vec<Str> {
    let mut text = String::new();
    let mut map = Vec::new();
    for p in &s.pieces {
        if let Piece::Known { text: t, map: m } = p {
            text.push_str(t);
            map.extend_from_slice(m);
        }
    }
    let mut out = Vec::new();
    let mut start = 0;
    for part in text.split(delim) {
        let end = start + part.len();
        let part_map = map.get(start..end).unwrap_or(&[]).to_vec();
        let span = match (part_map.first(), part_map.last()) {
            (Some(&a), Some(&b)) => Span::new(a, b + 1),
            _ => s.span,
        };
        out.push(Str::text(part, part_map, span));
        start = end + delim.len();
    }
    out
}

/// `text` on one line, at most 60 characters.
fn shorten(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 60 {
        let cut: String = one_line.chars().take(59).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}
