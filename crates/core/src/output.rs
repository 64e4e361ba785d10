//! The JSON documents of INTERFACE.md (schema 1), built from core types: the CLI prints them and
//! the WebAssembly package returns them, so both give the same shapes.
//!
//! Functions here take the path to show and the file's text; they do no I/O. With
//! [`Offsets::Utf16`], every span also carries `"utf16": {"start": N, "end": M}`: offsets in
//! UTF-16 code units from the start of the text, as JavaScript strings count them (the CLI
//! leaves them out).

pub mod can_assume;
pub mod check;
pub mod diff;
pub mod request;
pub mod rules;
pub mod who;

use crate::source::Span;
use serde_json::{json, Value};

/// Whether spans carry UTF-16 offsets besides their line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Offsets {
    /// Lines and columns only (the CLI's output).
    #[default]
    LineColumn,
    /// Also `utf16: {start, end}`, in UTF-16 code units (for editors in JavaScript).
    Utf16,
}

/// The tool's version, as `tool.version` reports it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Pretty JSON with a final newline, as the CLI prints documents.
#[must_use]
pub fn pretty(value: &Value) -> String {
    format!(
        "{}\n",
        serde_json::to_string_pretty(value).unwrap_or_default()
    )
}

/// Converts byte offsets of one text to UTF-16 offsets: one pass over the text for a batch of
/// offsets (an offset inside a character counts the whole character before it as not passed).
#[derive(Debug, Clone)]
pub struct Utf16Map {
    /// `(byte offset, utf16 offset)` at each character start, plus the end of the text.
    starts: Vec<(usize, usize)>,
}

impl Utf16Map {
    /// Index `text`.
    #[must_use]
    pub fn new(text: &str) -> Self {
        let mut starts = Vec::with_capacity(text.len() + 1);
        let mut units = 0;
        for (i, c) in text.char_indices() {
            starts.push((i, units));
            units += c.len_utf16();
        }
        starts.push((text.len(), units));
        Self { starts }
    }

    /// The UTF-16 offset of byte `offset` (clamped to the text; inside a character, the offset
    /// of that character).
    #[must_use]
    pub fn offset(&self, offset: usize) -> usize {
        let i = self.starts.partition_point(|&(b, _)| b <= offset);
        self.starts
            .get(i.saturating_sub(1))
            .map_or(0, |&(_, units)| units)
    }

    /// `{"start": N, "end": M}` for a span.
    #[must_use]
    pub fn span_json(&self, span: Span) -> Value {
        json!({"start": self.offset(span.start), "end": self.offset(span.end)})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_offsets_count_surrogate_pairs() {
        let text = "aé😀b";
        let map = Utf16Map::new(text);
        assert_eq!(map.offset(0), 0);
        assert_eq!(map.offset(1), 1);
        assert_eq!(map.offset(3), 2);
        assert_eq!(map.offset(4), 2, "inside the emoji");
        assert_eq!(map.offset(7), 4);
        assert_eq!(map.offset(8), 5);
        assert_eq!(map.offset(99), 5);
        let expected: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .map(|i| crate::source::LineIndex::utf16_offset(text, i))
            .collect();
        let got: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .map(|i| map.offset(i))
            .collect();
        assert_eq!(got, expected);
    }
}
