//! Positions in the source text: the parser's character indices as byte offsets, and the small
//! scans that recover what the parser's spans leave out (a node's properties, a block scalar's
//! header).

/// Characters between two checkpoints of [`Offsets`].
const STEP: usize = 32;

/// Converts character indices of one text to byte offsets: the identity for ASCII text,
/// otherwise a checkpoint every [`STEP`] characters and a short walk from it (constant time per
/// lookup, a small fraction of the text's size in memory).
#[derive(Debug)]
pub(super) struct Offsets<'t> {
    /// The text.
    text: &'t str,
    /// Whether every character is one byte.
    ascii: bool,
    /// The byte offset of character `i * STEP`.
    checkpoints: Vec<usize>,
}

impl<'t> Offsets<'t> {
    /// Index `text`.
    pub(super) fn new(text: &'t str) -> Self {
        let ascii = text.is_ascii();
        let checkpoints = if ascii {
            Vec::new()
        } else {
            text.char_indices()
                .step_by(STEP)
                .map(|(byte, _)| byte)
                .collect()
        };
        Self {
            text,
            ascii,
            checkpoints,
        }
    }

    /// The byte offset of character `index` (the end of the text for an index past its end).
    pub(super) fn byte(&self, index: usize) -> usize {
        if self.ascii {
            return index.min(self.text.len());
        }
        let Some(&base) = self.checkpoints.get(index / STEP) else {
            return self.text.len();
        };
        let rest = index % STEP;
        self.text
            .get(base..)
            .and_then(|tail| tail.char_indices().nth(rest))
            .map_or(self.text.len(), |(at, _)| base + at)
    }
}

/// Whether `b` ends a property token (anchor, alias or tag shorthand).
const fn ends_token(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\r' | b'\n' | b',' | b'[' | b']' | b'{' | b'}'
    )
}

/// Whether `b` is YAML white space or a line break.
pub(super) const fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// The end of the token that starts at `at` (an anchor `&a`, an alias `*a` or a tag `!x`,
/// `!<verbatim>`), at most `limit`.
fn token_end(bytes: &[u8], at: usize, limit: usize) -> usize {
    if bytes.get(at) == Some(&b'!') && bytes.get(at + 1) == Some(&b'<') {
        let mut i = at + 2;
        while i < limit {
            if bytes.get(i) == Some(&b'>') {
                return i + 1;
            }
            i += 1;
        }
        return limit;
    }
    let mut i = at + 1;
    while i < limit && bytes.get(i).is_some_and(|&b| !ends_token(b)) {
        i += 1;
    }
    i
}

/// Skip white space, line breaks and comments from `at`, at most to `limit`.
fn skip_blanks_and_comments(bytes: &[u8], mut at: usize, limit: usize) -> usize {
    while at < limit {
        match bytes.get(at) {
            Some(&b) if is_blank(b) => at += 1,
            Some(b'#') => {
                while at < limit && bytes.get(at).is_some_and(|&b| b != b'\n') {
                    at += 1;
                }
            }
            _ => break,
        }
    }
    at
}

/// A node's properties as found at the start of its event's span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Properties {
    /// Where the node's content starts (after its anchor, tag, and the blanks after them).
    pub(super) content: usize,
    /// The tag token as written, as a byte range, if there is one.
    pub(super) tag: Option<(usize, usize)>,
}

/// Skip the properties (anchor, tag) written from `start`, at most to `limit`.
pub(super) fn properties(text: &str, start: usize, limit: usize) -> Properties {
    let bytes = text.as_bytes();
    let limit = limit.min(bytes.len());
    let mut at = start;
    let mut tag = None;
    while at < limit {
        match bytes.get(at) {
            Some(b'&') => at = token_end(bytes, at, limit),
            Some(b'!') => {
                let end = token_end(bytes, at, limit);
                tag = Some((at, end));
                at = end;
            }
            _ => break,
        }
        at = skip_blanks_and_comments(bytes, at, limit);
    }
    Properties {
        content: at.min(limit).max(start),
        tag,
    }
}

/// The `|` or `>` that introduces a block scalar whose content starts at `content`, searched
/// from `from` (the end of the previous event, so that only indicators, blanks and comments lie
/// between): the first one outside a comment. `None` if there is none.
pub(super) fn block_indicator(text: &str, from: usize, content: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let limit = content.min(bytes.len());
    let mut at = from;
    while at < limit {
        match bytes.get(at) {
            Some(b'|' | b'>') => return Some(at),
            Some(b'#') if at == from || bytes.get(at - 1).is_some_and(|&b| is_blank(b)) => {
                while at < limit && bytes.get(at).is_some_and(|&b| b != b'\n') {
                    at += 1;
                }
            }
            _ => at += 1,
        }
    }
    None
}

/// The end of the quoted scalar whose opening quote is at `start` (just after its closing
/// quote), searched up to `limit`. `None` if `start` is no quote or the scalar is not closed.
pub(super) fn quoted_end(text: &str, start: usize, limit: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let limit = limit.min(bytes.len());
    let quote = *bytes.get(start)?;
    let mut at = start + 1;
    match quote {
        b'\'' => {
            while at < limit {
                if bytes.get(at) == Some(&b'\'') {
                    if bytes.get(at + 1) == Some(&b'\'') {
                        at += 2;
                        continue;
                    }
                    return Some(at + 1);
                }
                at += 1;
            }
        }
        b'"' => {
            while at < limit {
                match bytes.get(at) {
                    Some(b'\\') => at += 2,
                    Some(b'"') => return Some(at + 1),
                    _ => at += 1,
                }
            }
        }
        _ => {}
    }
    None
}

/// The end of a block scalar's header that starts at `indicator` (`|` or `>` followed by its
/// chomping and indentation indicators).
pub(super) fn block_header_end(text: &str, indicator: usize) -> usize {
    let bytes = text.as_bytes();
    let mut at = indicator + 1;
    while bytes
        .get(at)
        .is_some_and(|&b| b == b'-' || b == b'+' || b.is_ascii_digit())
    {
        at += 1;
    }
    at.min(bytes.len())
}

/// The end of the line that `from` is on (the offset of its line break, or the end of the text).
pub(super) fn line_end(text: &str, from: usize) -> usize {
    text.get(from..)
        .and_then(|rest| rest.find('\n'))
        .map_or(text.len(), |at| from + at)
}

/// `end` moved back over trailing white space and line breaks, but not before `floor`.
pub(super) fn trim_end(text: &str, floor: usize, end: usize) -> usize {
    match text.get(floor..end) {
        Some(s) => floor + s.trim_end_matches([' ', '\t', '\r', '\n']).len(),
        None => end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_characters_to_bytes() {
        let text = "aé€😀b".repeat(40);
        let offsets = Offsets::new(&text);
        for (i, (byte, _)) in text.char_indices().enumerate() {
            assert_eq!(offsets.byte(i), byte);
        }
        let n = text.chars().count();
        assert_eq!(offsets.byte(n), text.len());
        assert_eq!(offsets.byte(n + 100), text.len());
        let ascii = Offsets::new("abc");
        assert_eq!((ascii.byte(2), ascii.byte(9)), (2, 3));
        assert!(text.is_char_boundary(offsets.byte(7)));
    }

    #[test]
    fn properties_are_skipped() {
        let text = "&a !Sub # c\n  'x'";
        let p = properties(text, 0, text.len());
        assert_eq!(p.content, text.find('\'').unwrap());
        assert_eq!(p.tag.map(|(s, e)| &text[s..e]), Some("!Sub"));
        let text = "!<tag:x,2000:y> [a]";
        let p = properties(text, 0, text.len());
        assert_eq!(p.tag.map(|(s, e)| &text[s..e]), Some("!<tag:x,2000:y>"));
        assert_eq!(p.content, text.find('[').unwrap());
        let text = "plain";
        assert_eq!(properties(text, 0, 5).content, 0);
    }

    #[test]
    fn block_headers_are_found() {
        let text = "k: # a | b\n  >- # c\n  x";
        let at = block_indicator(text, 1, text.len() - 1).unwrap();
        assert_eq!(&text[at..block_header_end(text, at)], ">-");
        assert_eq!(block_indicator("k: x", 1, 4), None);
        assert_eq!(trim_end("ab \n\n", 0, 5), 2);
        assert_eq!(trim_end("ab \n\n", 3, 5), 3);
        assert_eq!(line_end("a\nb", 0), 1);
    }

    #[test]
    fn quoted_ends_are_found() {
        let text = "'it''s'  # c";
        assert_eq!(quoted_end(text, 0, text.len()), Some(7));
        let text = r#""a\"b\\"  # c"#;
        assert_eq!(
            quoted_end(text, 0, text.len()),
            Some(text.find(' ').unwrap())
        );
        assert_eq!(quoted_end("''", 0, 2), Some(2));
        assert_eq!(quoted_end("'open", 0, 5), None);
        assert_eq!(quoted_end("plain", 0, 5), None);
    }
}
