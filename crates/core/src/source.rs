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

/// Bytes per checkpoint.
const CHECKPOINT: usize = 4096;

/// Maps byte offsets of one text to lines and columns in time independent of the text's size
/// (a minified one-line file included), with memory proportional to the text's size divided by
/// 4 KiB: at every 4 KiB checkpoint it records the lines, the characters and the start of the
/// line so far, and a query scans at most one block from the nearest checkpoint.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// At each checkpoint `i * CHECKPOINT` (and at the end of the text).
    checkpoints: Vec<Checkpoint>,
    /// The length of the text indexed.
    len: usize,
}

/// What comes before one checkpoint.
#[derive(Debug, Clone, Copy)]
struct Checkpoint {
    /// The number of `\n` bytes before it.
    newlines: usize,
    /// The number of characters that start before it.
    chars: usize,
    /// The byte offset where the line holding it starts.
    line_start: usize,
}

/// Whether a byte starts a character (is not a UTF-8 continuation byte).
const fn starts_char(b: u8) -> bool {
    b & 0xC0 != 0x80
}

/// The number of bytes of `bytes` for which `pred` holds: byte-wide counters over runs of at
/// most 255 bytes, branch-free, so that the loop vectorises to 16 or 32 bytes a step.
fn count_bytes(bytes: &[u8], pred: impl Fn(u8) -> bool + Copy) -> usize {
    bytes
        .chunks(255)
        .map(|run| {
            usize::from(
                run.iter()
                    .fold(0u8, |n, &b| n.wrapping_add(u8::from(pred(b)))),
            )
        })
        .sum()
}

/// The number of `\n` bytes in `bytes`.
fn newlines_in(bytes: &[u8]) -> usize {
    count_bytes(bytes, |b| b == b'\n')
}

/// The number of characters that start in `bytes`.
fn chars_in(bytes: &[u8]) -> usize {
    count_bytes(bytes, starts_char)
}

impl LineIndex {
    /// Index the lines of `text` (lines end at `\n`; a `\r\n` pair counts once).
    #[must_use]
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut checkpoints = Vec::with_capacity(bytes.len() / CHECKPOINT + 2);
        let mut at = Checkpoint {
            newlines: 0,
            chars: 0,
            line_start: 0,
        };
        for (i, chunk) in bytes.chunks(CHECKPOINT).enumerate() {
            checkpoints.push(at);
            at.newlines += newlines_in(chunk);
            at.chars += chars_in(chunk);
            if let Some(last) = memchr::memrchr(b'\n', chunk) {
                at.line_start = i * CHECKPOINT + last + 1;
            }
        }
        checkpoints.push(at);
        Self {
            checkpoints,
            len: bytes.len(),
        }
    }

    /// The checkpoint at or before byte `offset` (clamped to the text), and its offset.
    fn checkpoint(&self, offset: usize) -> (Checkpoint, usize) {
        let offset = offset.min(self.len);
        let block = offset / CHECKPOINT;
        let at = self
            .checkpoints
            .get(block)
            .or(self.checkpoints.last())
            .copied()
            .unwrap_or(Checkpoint {
                newlines: 0,
                chars: 0,
                line_start: 0,
            });
        (at, block * CHECKPOINT)
    }

    /// The bytes of `text` from `from` to `to` (empty if out of range).
    fn between(text: &str, from: usize, to: usize) -> &[u8] {
        text.as_bytes().get(from..to).unwrap_or_default()
    }

    /// The number of characters that start before byte `offset`.
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let offset = offset.min(text.len());
        let (at, from) = self.checkpoint(offset);
        at.chars + chars_in(Self::between(text, from, offset))
    }

    /// The 1-based line of byte `offset` in `text` (the text this index was built from).
    #[must_use]
    pub fn line(&self, offset: usize, text: &str) -> usize {
        let offset = offset.min(text.len());
        let (at, from) = self.checkpoint(offset);
        at.newlines + newlines_in(Self::between(text, from, offset)) + 1
    }

    /// The byte offset where the line holding byte `offset` starts.
    fn start_of_line_at(&self, text: &str, offset: usize) -> usize {
        let offset = offset.min(text.len());
        let (at, from) = self.checkpoint(offset);
        memchr::memrchr(b'\n', Self::between(text, from, offset))
            .map_or(at.line_start, |i| from + i + 1)
    }

    /// The byte offset where 1-based `line` starts (the end of the text past the last line).
    #[must_use]
    pub fn line_start(&self, line: usize, text: &str) -> usize {
        let before = line.saturating_sub(1);
        if before == 0 {
            return 0;
        }
        if before >= self.line_count() {
            return text.len();
        }
        // The block holding the `before`-th newline: the last checkpoint with fewer before it.
        let block = self
            .checkpoints
            .partition_point(|c| c.newlines < before)
            .saturating_sub(1);
        let Some(at) = self.checkpoints.get(block) else {
            return text.len();
        };
        let from = block * CHECKPOINT;
        memchr::memchr_iter(b'\n', Self::between(text, from, self.len))
            .nth(before - at.newlines - 1)
            .map_or(text.len(), |i| from + i + 1)
    }

    /// The number of lines.
    #[must_use]
    pub fn line_count(&self) -> usize {
        self.checkpoints.last().map_or(0, |c| c.newlines) + 1
    }

    /// The line and column of byte `offset` in `text` (the text this index was built from).
    /// An offset inside a multi-byte character points at that character; an offset past the end
    /// points just after the last character.
    #[must_use]
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let line = self.line(offset, text);
        let start = self.start_of_line_at(text, offset);
        // Columns count characters that start before the offset (an offset inside a character
        // counts as that character): counted from the line start when the line starts in the
        // offset's block, else as the difference of two counts from checkpoints.
        let (_, from) = self.checkpoint(offset);
        let chars = if start >= from {
            chars_in(Self::between(text, start, offset))
        } else {
            self.chars_before(text, offset) - self.chars_before(text, start)
        };
        let mut column = chars + 1;
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

    /// The naive line, line start and column of `offset` in `text`.
    fn naive(text: &str, offset: usize) -> (usize, usize, Position) {
        let offset = offset.min(text.len());
        let before = &text.as_bytes()[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let column = (start..offset)
            .filter(|&i| text.is_char_boundary(i))
            .count()
            + usize::from(text.is_char_boundary(offset));
        (line, start, Position { line, column })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// Lines, line starts and positions agree with a naive count on texts with long and
        /// short lines and multi-byte characters, across checkpoint boundaries.
        #[test]
        fn the_index_agrees_with_a_naive_count(
            parts in proptest::collection::vec(
                (proptest::sample::select(vec!["a", "\n", "é", "😀", "\r\n", "xyz"]), 1usize..3000),
                0..12,
            ),
            probes in proptest::collection::vec(0usize..40_000, 1..40),
        ) {
            let text: String = parts.iter().map(|(p, n)| p.repeat(*n)).collect();
            let idx = LineIndex::new(&text);
            let lines = text.bytes().filter(|&b| b == b'\n').count() + 1;
            proptest::prop_assert_eq!(idx.line_count(), lines);
            for &p in probes.iter().chain([0, text.len(), text.len() + 5].iter()) {
                let (line, start, position) = naive(&text, p);
                proptest::prop_assert_eq!(idx.line(p, &text), line);
                proptest::prop_assert_eq!(idx.line_start(line, &text), start);
                proptest::prop_assert_eq!(idx.position(&text, p), position, "offset {}", p);
            }
            proptest::prop_assert_eq!(idx.line_start(lines + 1, &text), text.len());
            proptest::prop_assert_eq!(idx.line_start(0, &text), 0);
        }
    }

    #[test]
    fn utf16_offsets() {
        assert_eq!(LineIndex::utf16_offset("a😀b", 5), 3);
        assert_eq!(LineIndex::utf16_offset("a😀b", 1), 1);
    }
}
