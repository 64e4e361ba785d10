//! Rendering a template value as JSON text, with the file offset of every byte.
//!
//! A byte that copies a character of the template maps to that character; a quote or bracket
//! that opens a value maps to the value's first byte; a separator, a closing quote or bracket
//! maps to the end of what precedes it (so a span that covers a whole rendered value maps to the
//! whole value as written). An unknown value is written as a placeholder
//! ([`crate::input::unknown::placeholder`]) whose bytes map to where the template writes it.

use super::intrinsic::{Piece, Resolver, Str, Value};
use super::text::scalar_map;
use crate::input::unknown::placeholder;
use crate::source::Span;
use crate::yaml::{YamlNode, YamlValue};

/// Rendered text with its maps into the file.
#[derive(Debug)]
pub(super) struct Rendered {
    /// The JSON text.
    pub text: String,
    /// One file offset per byte, plus one for the end.
    pub map: Vec<usize>,
    /// The end of each byte's source.
    pub ends: Vec<usize>,
    /// The unknowns written, by placeholder index: (description, where the file writes it).
    pub unknowns: Vec<(String, Span)>,
}

/// JSON text being written, with its map into the file.
#[derive(Debug, Default)]
pub(super) struct Emitter {
    out: String,
    map: Vec<usize>,
    /// For every byte of `out`, the file offset just past what it came from.
    ends: Vec<usize>,
    /// The file offset just past what was written last.
    last_end: usize,
    /// The unknowns written, by placeholder index: (description, where the file writes it).
    unknowns: Vec<(String, Span)>,
}

impl Emitter {
    /// An empty text.
    pub fn new() -> Self {
        Self::default()
    }

    /// The text, its map (one offset per byte plus one for the end), the end of each byte's
    /// source (see [`crate::input::Embedded::ends`]) and the unknowns written.
    pub fn finish(mut self) -> Rendered {
        self.map.push(self.last_end);
        Rendered {
            text: self.out,
            map: self.map,
            ends: self.ends,
            unknowns: self.unknowns,
        }
    }

    /// Write `s` with every byte mapped to `at`, its source ending at `end`.
    fn push_to(&mut self, s: &str, at: usize, end: usize) {
        self.out.push_str(s);
        self.map.extend(std::iter::repeat_n(at, s.len()));
        self.ends.extend(std::iter::repeat_n(end, s.len()));
    }

    /// Write `s` with every byte mapped to `at`, after what precedes it: a separator or a
    /// closing mark (its source ends where it is).
    fn push(&mut self, s: &str, at: usize) {
        self.push_to(s, at, at);
    }

    /// Write a string's pieces, JSON-escaped or as they are.
    fn pieces(&mut self, s: &Str, escape: bool) {
        for p in &s.pieces {
            match p {
                Piece::Known { text, map } => {
                    for (i, ch) in text.char_indices() {
                        let at = map.get(i).copied().unwrap_or(s.span.start);
                        let next = map.get(i + ch.len_utf8()).copied().filter(|&n| n > at);
                        // Within the scalar: the line break a literal block adds at the end of
                        // a file without one has no byte of its own.
                        let end = next.unwrap_or(at + ch.len_utf8()).min(s.span.end.max(at));
                        let mut buf = [0u8; 4];
                        let escaped;
                        let out: &str = match ch {
                            '"' if escape => "\\\"",
                            '\\' if escape => "\\\\",
                            c if escape && c < ' ' => {
                                escaped = format!("\\u{:04x}", u32::from(c));
                                &escaped
                            }
                            c => c.encode_utf8(&mut buf),
                        };
                        self.push_to(out, at, end);
                        self.last_end = end;
                    }
                }
                Piece::Unknown { what, at } => {
                    let index = self.unknowns.len();
                    self.unknowns.push((what.clone(), *at));
                    self.push_to(&placeholder(index), at.start, at.end);
                    self.last_end = at.end;
                }
            }
        }
    }

    /// Write a string's text unquoted (a policy document given as a string).
    pub fn raw(&mut self, s: &Str) {
        self.pieces(s, false);
        self.last_end = s.span.end;
    }

    /// Write a string as a JSON string literal.
    fn string(&mut self, file: &str, s: &Str) {
        let end = s.span.end;
        let quoted = end > s.span.start
            && matches!(file.as_bytes().get(end - 1), Some(b'"' | b'\''))
            && matches!(file.as_bytes().get(s.span.start), Some(b'"' | b'\''));
        let open_end = if quoted {
            s.span.start + 1
        } else {
            s.span.start
        };
        self.push_to("\"", s.span.start, open_end);
        self.last_end = open_end;
        self.pieces(s, true);
        self.push_to("\"", if quoted { end - 1 } else { end }, end);
        self.last_end = end;
    }

    /// Write a closing bracket for a collection written at `span`.
    fn close(&mut self, file: &str, opening: u8, bracket: &str, span: Span) {
        let bytes = file.as_bytes();
        let flow = span.end > span.start
            && bytes.get(span.start) == Some(&opening)
            && bytes.get(span.end - 1) == bracket.as_bytes().first();
        let end = span.end.max(self.last_end);
        self.push_to(bracket, if flow { span.end - 1 } else { end }, end);
        self.last_end = end;
    }

    /// Write a value as JSON.
    pub fn value<'a>(&mut self, r: &Resolver<'a>, v: &Value<'a>) {
        match v {
            Value::Node(n) => self.node(r, n),
            Value::Str(s) => self.string(r.file, s),
            Value::List(items, span) => {
                self.push("[", span.start);
                let mut first = true;
                for item in items {
                    if matches!(item, Value::Absent) {
                        continue;
                    }
                    if !first {
                        self.push(",", self.last_end);
                    }
                    first = false;
                    self.value(r, item);
                }
                self.push("]", self.last_end.max(span.start));
                self.last_end = self.last_end.max(span.end);
            }
            Value::Absent => {
                self.push("null", self.last_end);
            }
            Value::Unknown { what, at } => {
                let s = Str {
                    pieces: vec![Piece::Unknown {
                        what: what.clone(),
                        at: *at,
                    }],
                    span: *at,
                };
                self.string(r.file, &s);
            }
        }
    }

    /// Write a node that is not an intrinsic function (its children may be).
    fn node<'a>(&mut self, r: &Resolver<'a>, n: &'a YamlNode) {
        let file = r.file;
        match &n.value {
            YamlValue::Mapping(entries) => {
                let open_end =
                    n.span.start + usize::from(file.as_bytes().get(n.span.start) == Some(&b'{'));
                self.push_to("{", n.span.start, open_end);
                self.last_end = open_end;
                let mut first = true;
                for e in entries {
                    let value = r.eval(&e.value);
                    if matches!(value, Value::Absent) {
                        continue;
                    }
                    if !first {
                        self.push(",", self.last_end);
                    }
                    first = false;
                    let key = Str {
                        pieces: vec![Piece::Known {
                            text: e.key.clone(),
                            map: scalar_map(file, e.key_span, &e.key),
                        }],
                        span: e.key_span,
                    };
                    self.string(file, &key);
                    self.push(":", self.last_end);
                    self.value(r, &value);
                }
                self.close(file, b'{', "}", n.span);
            }
            YamlValue::Sequence(items) => {
                let open_end =
                    n.span.start + usize::from(file.as_bytes().get(n.span.start) == Some(&b'['));
                self.push_to("[", n.span.start, open_end);
                self.last_end = open_end;
                let mut first = true;
                for item in items {
                    let value = r.eval(item);
                    if matches!(value, Value::Absent) {
                        continue;
                    }
                    if !first {
                        self.push(",", self.last_end);
                    }
                    first = false;
                    self.value(r, &value);
                }
                self.close(file, b'[', "]", n.span);
            }
            YamlValue::Number(text) if is_json_number(text) => {
                let map = scalar_map(file, n.span, text);
                for (i, b) in text.char_indices() {
                    let at = map.get(i).copied().unwrap_or(n.span.start);
                    self.push_to(b.encode_utf8(&mut [0u8; 4]), at, at + b.len_utf8());
                }
                self.last_end = n.span.end;
            }
            YamlValue::String(text) | YamlValue::Number(text) => {
                let s = Str {
                    pieces: vec![Piece::Known {
                        text: text.clone(),
                        map: scalar_map(file, n.span, text),
                    }],
                    span: n.span,
                };
                self.string(file, &s);
            }
            YamlValue::Bool(b) => {
                self.push_to(if *b { "true" } else { "false" }, n.span.start, n.span.end);
                self.last_end = n.span.end;
            }
            YamlValue::Null => {
                self.push_to("null", n.span.start, n.span.end);
                self.last_end = n.span.end;
            }
        }
    }
}

/// Whether `text` is a number as JSON writes one.
fn is_json_number(text: &str) -> bool {
    let t = text.strip_prefix('-').unwrap_or(text);
    let (int, rest) = t.split_at(t.find(['.', 'e', 'E']).unwrap_or(t.len()));
    let int_ok = int == "0"
        || (!int.starts_with('0') && !int.is_empty() && int.bytes().all(|b| b.is_ascii_digit()));
    let (frac, exp) = match rest.strip_prefix('.') {
        Some(r) => {
            let cut = r.find(['e', 'E']).unwrap_or(r.len());
            (Some(r.get(..cut).unwrap_or("")), r.get(cut..).unwrap_or(""))
        }
        None => (None, rest),
    };
    let frac_ok = frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    let exp_ok = exp.is_empty() || {
        let e = exp.get(1..).unwrap_or("");
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    };
    int_ok && frac_ok && exp_ok
}

#[cfg(test)]
mod tests {
    use super::is_json_number;

    #[test]
    fn json_numbers() {
        for ok in ["0", "-1", "1.5", "1e3", "2E-2", "111122223333"] {
            assert!(is_json_number(ok), "{ok}");
        }
        for bad in ["01", "+1", ".5", "1.", "0x1F", ".inf", "1e", ""] {
            assert!(!is_json_number(bad), "{bad}");
        }
    }
}
