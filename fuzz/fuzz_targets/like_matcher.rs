//! The `StringLike` matcher (and the policy-variable escapes `${*}`, `${?}`, `${$}` that reach
//! it through condition values) against an independent oracle: a textbook O(n·m) dynamic
//! program over the pattern's tokens and the text's characters.
//!
//! The fuzz bytes are decoded into a pattern (a list of tokens over a small alphabet that
//! includes multi-byte characters, `*`/`?` wildcards, their escapes and a policy variable whose
//! value contains `*` and `?`) and a text; the pattern is written out as a condition value,
//! parsed with `parse_template`, resolved and compiled. The matcher, the string-set automaton
//! of the same pattern and the oracle must agree. Raw inputs (first byte odd) are also tried:
//! the bytes up to the first NUL are the pattern (all `*`/`?` wild), the rest the text.

#![no_main]

use libfuzzer_sys::fuzz_target;
use trustlint_core::algebra::StringSet;
use trustlint_core::matching::like::{LikePattern, Piece};
use trustlint_core::matching::template::parse_template;

/// One pattern token.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok {
    /// A character matched literally.
    Lit(char),
    /// `*`.
    Star,
    /// `?`.
    Any,
}

/// The value the policy variable `${v}` resolves to.
const VAR_VALUE: &str = "a*?";

const TEXT_CHARS: [char; 10] = ['a', 'b', 'é', '𝄞', '*', '?', '$', ':', '{', '}'];

/// Whether `pattern` matches all of `text`: `m[i][j]` = the first `i` tokens match the first
/// `j` characters.
fn oracle(pattern: &[Tok], text: &[char]) -> bool {
    let n = text.len();
    let mut row = vec![false; n + 1];
    row[0] = true;
    for tok in pattern {
        let mut next = vec![false; n + 1];
        for j in 0..=n {
            next[j] = match tok {
                Tok::Star => row[j] || (j > 0 && next[j - 1]),
                Tok::Any => j > 0 && row[j - 1],
                Tok::Lit(c) => j > 0 && row[j - 1] && text[j - 1] == *c,
            };
        }
        row = next;
    }
    row[n]
}

/// Decode one pattern byte into its tokens and its source text (as a `2012-10-17` value).
fn pattern_byte(b: u8, toks: &mut Vec<Tok>, src: &mut String) {
    match b % 14 {
        0 => {
            toks.push(Tok::Lit('a'));
            src.push('a');
        }
        1 => {
            toks.push(Tok::Lit('b'));
            src.push('b');
        }
        2 => {
            toks.push(Tok::Lit('é'));
            src.push('é');
        }
        3 => {
            toks.push(Tok::Lit('𝄞'));
            src.push('𝄞');
        }
        4 | 5 => {
            toks.push(Tok::Star);
            src.push('*');
        }
        6 | 7 => {
            toks.push(Tok::Any);
            src.push('?');
        }
        8 => {
            toks.push(Tok::Lit('*'));
            src.push_str("${*}");
        }
        9 => {
            toks.push(Tok::Lit('?'));
            src.push_str("${?}");
        }
        10 => {
            toks.push(Tok::Lit('$'));
            src.push_str("${$}");
        }
        11 => {
            toks.extend(VAR_VALUE.chars().map(Tok::Lit));
            src.push_str("${v}");
        }
        12 => {
            toks.push(Tok::Lit(':'));
            src.push(':');
        }
        _ => {
            // A `$` not followed by `{` is ordinary text; so are `{` and `}` alone.
            toks.push(Tok::Lit('}'));
            src.push('}');
        }
    }
}

fn structured(data: &[u8]) {
    let split = data.iter().position(|&b| b == 0xff).unwrap_or(data.len());
    let (pat, text) = data.split_at(split);
    let mut toks = Vec::new();
    let mut src = String::new();
    for &b in pat.iter().take(64) {
        pattern_byte(b, &mut toks, &mut src);
    }
    let text: Vec<char> = text
        .iter()
        .skip(1)
        .take(64)
        .map(|&b| TEXT_CHARS[usize::from(b) % TEXT_CHARS.len()])
        .collect();
    let text_s: String = text.iter().collect();
    let template = parse_template(&src).unwrap_or_else(|e| panic!("`{src}`: {e}"));
    let pieces = template
        .resolve(|name| (name == "v").then_some(VAR_VALUE))
        .expect("every variable resolves");
    let expected = oracle(&toks, &text);
    agree(&pieces, &text_s, expected, &src);
}

fn agree(pieces: &[Piece<'_>], text: &str, expected: bool, src: &str) {
    let pattern = LikePattern::compile(pieces);
    assert_eq!(
        pattern.matches(text),
        expected,
        "pattern `{src}` text `{text}`"
    );
    if expected {
        assert!(text.starts_with(pattern.literal_prefix()));
    }
    if pattern.matches_everything() {
        assert!(expected);
    }
    if let Some(lit) = pattern.as_literal() {
        assert_eq!(lit == text, expected);
    }
    if let Ok(set) = StringSet::like(pieces) {
        assert_eq!(
            set.contains(text),
            expected,
            "string set of `{src}` on `{text}`"
        );
        if let Some(w) = set.shortest_witness() {
            assert!(pattern.matches(&w), "witness `{w}` of `{src}`");
        }
    }
}

fn raw(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (pat, txt) = text.split_once('\0').unwrap_or((&text, ""));
    let toks: Vec<Tok> = pat
        .chars()
        .map(|c| match c {
            '*' => Tok::Star,
            '?' => Tok::Any,
            c => Tok::Lit(c),
        })
        .collect();
    let chars: Vec<char> = txt.chars().collect();
    if toks.len().saturating_mul(chars.len()) > 1 << 22 {
        return;
    }
    agree(&[Piece::Wild(pat)], txt, oracle(&toks, &chars), pat);
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode & 1 == 0 {
        structured(rest);
    } else {
        raw(rest);
    }
});
