//! Scanning string bodies in bulk and decoding escape sequences.

/// `0x01` in every byte of a word.
const LO: u64 = 0x0101_0101_0101_0101;
/// `0x80` in every byte of a word.
const HI: u64 = 0x8080_8080_8080_8080;

/// Whether `b` ends a run of plain string content: `"`, `\` or a control character.
#[inline]
const fn is_special(b: u8) -> bool {
    b == b'"' || b == b'\\' || b < 0x20
}

/// The index of the first byte at or after `i` that is `"`, `\` or below 0x20, or `bytes.len()`.
///
/// Eight bytes at a time: for each of the three tests a byte whose high bit is set in the mask
/// computed below is a candidate; borrows only propagate upwards from a true hit, so the lowest
/// candidate is always a true hit.
#[inline]
pub(super) fn find_special(bytes: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = bytes.get(i..).and_then(<[u8]>::first_chunk::<8>) {
        let v = u64::from_le_bytes(*chunk);
        let quote = v ^ (LO * u64::from(b'"'));
        let backslash = v ^ (LO * u64::from(b'\\'));
        let hits = (quote.wrapping_sub(LO) & !quote)
            | (backslash.wrapping_sub(LO) & !backslash)
            | (v.wrapping_sub(LO * 0x20) & !v);
        let hits = hits & HI;
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&b) = bytes.get(i) {
        if is_special(b) {
            return i;
        }
        i += 1;
    }
    bytes.len()
}

/// The length of the UTF-8 sequence that starts with `lead` (1 for a continuation byte).
#[inline]
pub(super) const fn utf8_len(lead: u8) -> usize {
    match lead {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// Why an escape sequence could not be decoded. Every `end` is the exclusive end of the span to
/// report, which starts at the backslash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum EscapeError {
    /// The input ends inside the escape.
    End,
    /// The character after the backslash does not start an escape.
    Invalid {
        /// End of the backslash and the character after it.
        end: usize,
    },
    /// `\u` is not followed by four hexadecimal digits.
    BadHex {
        /// End of the first character that is not a hexadecimal digit.
        end: usize,
    },
    /// A `\uXXXX` surrogate escape that is not part of a high-low pair.
    LoneSurrogate {
        /// End of the `\uXXXX` escape.
        end: usize,
    },
}

/// Four hexadecimal digits at `p`.
#[inline]
fn hex4(bytes: &[u8], p: usize) -> Result<u32, EscapeError> {
    let mut acc = 0u32;
    for k in 0..4 {
        let Some(&b) = bytes.get(p + k) else {
            return Err(EscapeError::End);
        };
        let digit = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => {
                return Err(EscapeError::BadHex {
                    end: (p + k + utf8_len(b)).min(bytes.len()),
                })
            }
        };
        acc = (acc << 4) | u32::from(digit);
    }
    Ok(acc)
}

/// Decode the escape sequence whose backslash is at `pos`: the character and the index just after
/// the sequence (a surrogate pair is one sequence of twelve bytes).
#[inline]
pub(super) fn decode_escape(bytes: &[u8], pos: usize) -> Result<(char, usize), EscapeError> {
    let Some(&b) = bytes.get(pos + 1) else {
        return Err(EscapeError::End);
    };
    let c = match b {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => return decode_unicode(bytes, pos),
        _ => {
            return Err(EscapeError::Invalid {
                end: (pos + 1 + utf8_len(b)).min(bytes.len()),
            })
        }
    };
    Ok((c, pos + 2))
}

/// Decode `\uXXXX` (or a `\uXXXX\uXXXX` surrogate pair) whose backslash is at `pos`.
fn decode_unicode(bytes: &[u8], pos: usize) -> Result<(char, usize), EscapeError> {
    let first = hex4(bytes, pos + 2)?;
    let after = pos + 6;
    let lone = EscapeError::LoneSurrogate { end: after };
    let code = match first {
        0xD800..=0xDBFF => {
            match (bytes.get(after), bytes.get(after + 1)) {
                (Some(b'\\'), Some(b'u')) => {}
                // The document may have been cut off just before the low half.
                (None, _) | (Some(b'\\'), None) => return Err(EscapeError::End),
                _ => return Err(lone),
            }
            let second = hex4(bytes, after + 2)?;
            if !(0xDC00..=0xDFFF).contains(&second) {
                return Err(lone);
            }
            let code = 0x1_0000 + ((first - 0xD800) << 10) + (second - 0xDC00);
            return char::from_u32(code).map(|c| (c, after + 6)).ok_or(lone);
        }
        0xDC00..=0xDFFF => return Err(lone),
        code => code,
    };
    char::from_u32(code).map(|c| (c, after)).ok_or(lone)
}

/// See [`super::unescape_with_map`].
pub(super) fn unescape_with_map(raw: &str) -> Option<(String, Vec<usize>)> {
    let bytes = raw.as_bytes();
    let mut out = String::with_capacity(raw.len());
    let mut map = Vec::with_capacity(raw.len() + 1);
    let mut i = 0;
    loop {
        let j = find_special(bytes, i);
        out.push_str(raw.get(i..j)?);
        map.extend(i..j);
        match bytes.get(j) {
            None => {
                map.push(raw.len());
                return Some((out, map));
            }
            Some(b'\\') => {
                let (c, next) = decode_escape(bytes, j).ok()?;
                out.push(c);
                map.extend(std::iter::repeat_n(j, c.len_utf8()));
                i = next;
            }
            Some(_) => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive_find(bytes: &[u8], i: usize) -> usize {
        (i..bytes.len())
            .find(|&k| is_special(bytes[k]))
            .unwrap_or(bytes.len())
    }

    #[test]
    fn find_special_matches_naive_scan() {
        let samples: [&[u8]; 8] = [
            b"",
            b"abc",
            b"abcdefgh\"",
            b"abcdefghijklmnop\\q",
            b"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"",
            b"aaaaaaa\x1faaaaaaaa",
            b"\x7f\x80\xff\xa2\xdc\x20\x21\x23\x5b\x5d\x22",
            b"0123456789abcdef0123456789abcdef\x00",
        ];
        for s in samples {
            for start in 0..=s.len() {
                assert_eq!(
                    find_special(s, start),
                    naive_find(s, start),
                    "{s:?} from {start}"
                );
            }
        }
        for b in 0..=255u8 {
            for pos in 0..16 {
                let mut v = vec![b'a'; 20];
                v[pos] = b;
                let expected = if is_special(b) { pos } else { 20 };
                assert_eq!(find_special(&v, 0), expected, "byte {b:#x} at {pos}");
            }
        }
    }

    #[test]
    fn escape_errors() {
        assert_eq!(decode_escape(b"\\", 0), Err(EscapeError::End));
        assert_eq!(
            decode_escape(b"\\x", 0),
            Err(EscapeError::Invalid { end: 2 })
        );
        assert_eq!(
            decode_escape("\\é".as_bytes(), 0),
            Err(EscapeError::Invalid { end: 3 })
        );
        assert_eq!(decode_escape(b"\\u12", 0), Err(EscapeError::End));
        assert_eq!(
            decode_escape(b"\\u12G4", 0),
            Err(EscapeError::BadHex { end: 5 })
        );
        assert_eq!(
            decode_escape(b"\\ud800x", 0),
            Err(EscapeError::LoneSurrogate { end: 6 })
        );
        assert_eq!(decode_escape(b"\\ud800", 0), Err(EscapeError::End));
        assert_eq!(decode_escape(b"\\ud800\\", 0), Err(EscapeError::End));
        assert_eq!(
            decode_escape(b"\\ud800\\n", 0),
            Err(EscapeError::LoneSurrogate { end: 6 })
        );
        assert_eq!(
            decode_escape(b"\\ud800\\u0041", 0),
            Err(EscapeError::LoneSurrogate { end: 6 })
        );
        assert_eq!(
            decode_escape(b"\\udc00", 0),
            Err(EscapeError::LoneSurrogate { end: 6 })
        );
        assert_eq!(decode_escape(b"\\ud83d\\ude00", 0), Ok(('😀', 12)));
        assert_eq!(decode_escape(b"\\uD83D\\uDE00", 0), Ok(('😀', 12)));
        assert_eq!(decode_escape(b"\\u00e9", 0), Ok(('é', 6)));
        assert_eq!(decode_escape(b"\\/", 0), Ok(('/', 2)));
    }
}
