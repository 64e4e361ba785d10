//! Source text, byte spans, and line/column positions.

use serde::Serialize;

/// A half-open byte range `start..end` into a source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Span {
    /// First byte of the range.
    pub start: usize,
    /// One past the last byte of the range.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (bytes).
    #[must_use]
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// The number of bytes covered.
    #[must_use]
    pub const fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// Whether the span covers no byte.
    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.end <= self.start
    }

    /// The smallest span that covers both `self` and `other`.
    #[must_use]
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        miette::SourceSpan::new(span.start.into(), span.len())
    }
}

/// A 1-based line and column; columns count Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in Unicode scalar values.
    pub column: usize,
}

/// Bytes per checkpoint of the character count.
const CHECKPOINT: usize = 4096;

/// Maps byte offsets of one text to lines and columns in time independent of the text's size
/// (a minified one-line file included): line starts are binary-searched, and characters are
/// counted from the nearest checkpoint (one every 4 KiB).
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset at which each line starts.
    line_starts: Vec<usize>,
    /// The number of characters before byte `i * CHECKPOINT`.
    chars_at: Vec<usize>,
}

/// Whether a byte starts a character (is not a UTF-8 continuation byte).
const fn starts_char(b: u8) -> bool {
    b & 0xC0 != 0x80
}

impl LineIndex {
    /// Index the line starts of `text` (lines end at `\n`; a `\r\n` pair counts once).
    #[must_use]
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        // `match_indices` on a `char` searches with `memchr`.
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let mut chars_at = Vec::with_capacity(bytes.len() / CHECKPOINT + 1);
        let mut count = 0;
        for chunk in bytes.chunks(CHECKPOINT) {
            chars_at.push(count);
            // Branch-free, so that it vectorises.
            count += chunk
                .iter()
                .map(|&b| usize::from(starts_char(b)))
                .sum::<usize>();
        }
        chars_at.push(count);
        Self {
            line_starts,
            chars_at,
        }
    }

    /// The number of characters that start before byte `offset`.
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let offset = offset.min(text.len());
        let block = offset / CHECKPOINT;
        let base = self.chars_at.get(block).copied().unwrap_or(0);
        let from = block * CHECKPOINT;
        base + text
            .as_bytes()
            .get(from..offset)
            .map_or(0, |b| b.iter().filter(|&&x| starts_char(x)).count())
    }

    /// The 1-based line of byte `offset`.
    #[must_use]
    pub fn line(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= offset).max(1)
    }

    /// The byte offset where 1-based `line` starts (the end of the text past the last line).
    #[must_use]
    pub fn line_start(&self, line: usize, text: &str) -> usize {
        self.line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(text.len())
    }

    /// The number of lines.
    #[must_use]
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The line and column of byte `offset` in `text` (the text this index was built from).
    /// An offset inside a multi-byte character points at that character; an offset past the end
    /// points just after the last character.
    #[must_use]
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let line = self.line(offset);
        let start = self.line_start(line, text);
        // Columns count characters that start before the offset (an offset inside a character
        // counts as that character).
        let mut column = self.chars_before(text, offset) - self.chars_before(text, start) + 1;
        if !text.is_char_boundary(offset) {
            column -= 1;
        }
        Position { line, column }
    }

    /// The UTF-16 code-unit offset of byte `offset` in `text`.
    #[must_use]
    pub fn utf16_offset(text: &str, offset: usize) -> usize {
        text.char_indices()
            .take_while(|&(i, _)| i < offset)
            .map(|(_, c)| c.len_utf16())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_chars_and_lines() {
        let text = "ab\né€x\r\nz";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 0), Position { line: 1, column: 1 });
        assert_eq!(idx.position(text, 2), Position { line: 1, column: 3 });
        assert_eq!(idx.position(text, 3), Position { line: 2, column: 1 });
        // 'x' follows two multi-byte chars (2 + 3 bytes)
        assert_eq!(idx.position(text, 8), Position { line: 2, column: 3 });
        assert_eq!(idx.position(text, 11), Position { line: 3, column: 1 });
        assert_eq!(idx.position(text, 999), Position { line: 3, column: 2 });
    }

    #[test]
    fn positions_on_a_long_line_match_a_naive_count() {
        let text: String = "aé😀\n".repeat(3000) + &"x€".repeat(5000);
        let idx = LineIndex::new(&text);
        for offset in (0..text.len())
            .step_by(997)
            .chain([text.len()])
            .filter(|&o| text.is_char_boundary(o))
        {
            let before = &text.as_bytes()[..offset];
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            let start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let column = text[start..]
                .char_indices()
                .take_while(|&(i, _)| start + i < offset)
                .count()
                + 1;
            assert_eq!(
                idx.position(&text, offset),
                Position { line, column },
                "{offset}"
            );
        }
    }

    #[test]
    fn utf16_offsets() {
        assert_eq!(LineIndex::utf16_offset("a😀b", 5), 3);
        assert_eq!(LineIndex::utf16_offset("a😀b", 1), 1);
    }
}
