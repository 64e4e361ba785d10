//! Mapping the characters of a YAML scalar's value back to the bytes of the file that wrote it.

use crate::json;
use crate::source::Span;

/// For every byte of `value` (the decoded value of the scalar written at `span` of `file`), the
/// byte offset in `file` it came from.
///
/// Exact for plain scalars written on one line, for single- and double-quoted scalars whose
/// escapes JSON also has (every JSON string), and for literal block scalars (`|`); any other
/// scalar (folded, multi-line plain, YAML-only escapes) maps every byte to the scalar's start.
#[must_use]
pub(super) fn scalar_map(file: &str, span: Span, value: &str) -> Vec<usize> {
    let raw = file.get(span.start..span.end).unwrap_or("");
    let exact = if raw == value {
        Some((0..value.len()).map(|i| span.start + i).collect())
    } else if let Some(inner) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        json::unescape_with_map(inner)
            .filter(|(decoded, _)| decoded == value)
            .map(|(_, map)| {
                map.iter()
                    .take(value.len())
                    .map(|m| span.start + 1 + m)
                    .collect()
            })
    } else if let Some(inner) = raw.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
        single_quoted(inner, value).map(|m| m.into_iter().map(|o| span.start + 1 + o).collect())
    } else if raw.starts_with('|') {
        literal_block(raw, value).map(|m| m.into_iter().map(|o| span.start + o).collect())
    } else {
        None
    };
    exact.unwrap_or_else(|| vec![span.start; value.len()])
}

/// The map of a single-quoted scalar's content (`''` is one `'`), if it decodes to `value`.
fn single_quoted(inner: &str, value: &str) -> Option<Vec<usize>> {
    let mut decoded = String::with_capacity(inner.len());
    let mut map = Vec::with_capacity(inner.len());
    let bytes = inner.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'\n' || b == b'\r' {
            return None;
        }
        map.push(i);
        if b == b'\'' {
            decoded.push('\'');
            i += 2;
            continue;
        }
        let ch = inner.get(i..)?.chars().next()?;
        decoded.push(ch);
        for k in 1..ch.len_utf8() {
            map.push(i + k);
        }
        i += ch.len_utf8();
    }
    (decoded == value).then_some(map)
}

/// The map of a literal block scalar (`|`, `|-`, `|+`, `|2`): each value line is the end of its
/// content line; the map is checked against `value`.
fn literal_block(raw: &str, value: &str) -> Option<Vec<usize>> {
    let header_end = raw.find('\n')?;
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut at = header_end + 1;
    for line in raw.get(at..)?.split('\n') {
        lines.push((at, line.strip_suffix('\r').unwrap_or(line)));
        at += line.len() + 1;
    }
    let mut map = Vec::with_capacity(value.len());
    let mut value_lines = value.split('\n').peekable();
    let mut raw_lines = lines.iter();
    while let Some(v) = value_lines.next() {
        let last = value_lines.peek().is_none();
        if last && v.is_empty() {
            break;
        }
        let (start, line) = raw_lines.next()?;
        if !line.ends_with(v) || !line.get(..line.len() - v.len())?.bytes().all(|b| b == b' ') {
            return None;
        }
        let offset = start + line.len() - v.len();
        map.extend((0..v.len()).map(|k| offset + k));
        if !last {
            map.push(start + line.len());
        }
    }
    (map.len() == value.len()).then_some(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(file: &str, value: &str) {
        let start = file.find(|c: char| !c.is_whitespace()).unwrap();
        let span = Span::new(start, file.trim_end_matches(['\n', ' ']).len());
        let map = scalar_map(file, span, value);
        assert_eq!(map.len(), value.len());
        for (i, ch) in value.char_indices() {
            let at = map[i];
            let found = file[at..].chars().next().unwrap();
            // An escaped character maps to its backslash.
            assert!(
                found == ch || found == '\\',
                "{file:?} byte {i} of {value:?}: {found:?}"
            );
        }
    }

    #[test]
    fn scalars_map_byte_for_byte() {
        check("  abc:def", "abc:def");
        check(r#" "a\"b\u00e9""#, "a\"bé");
        check(" 'it''s'", "it's");
        check("|\n  {\"a\":\n    \"b\"}\n", "{\"a\":\n  \"b\"}\n");
        check("|-\n  x\n\n  y", "x\n\ny");
    }

    #[test]
    fn other_scalars_map_to_their_start() {
        let file = ">\n  a\n  b\n";
        let map = scalar_map(file, Span::new(0, file.len()), "a b\n");
        assert_eq!(map, vec![0; 4]);
    }
}
