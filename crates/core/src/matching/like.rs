//! The `StringLike` wildcard matcher.
//!
//! IAM `StringLike` is case-sensitive and anchored at both ends. Only `*` (any run of zero or
//! more Unicode scalar values, crossing `:`, `/` and newlines) and `?` (exactly one Unicode
//! scalar value) are wildcards; every other character, including `[`, `]`, `\`, `{` and `}`,
//! matches itself, and there is no backslash escaping (SEMANTICS.md §3.2).
//!
//! A pattern is compiled once into segments separated by `*`. Each segment is a fixed
//! sequence of literal text and `?` runs, so it always consumes the same number of characters
//! and can match at a given position in at most one way. Matching then needs no
//! backtracking: the first segment must match as a prefix, the last as a suffix, and every
//! segment in between is placed at its leftmost occurrence, which is always a correct choice
//! for `*`/`?` globs. The worst case is `O(len(text) × len(pattern))`; segments made only of
//! literal text are located with [`str::find`].

/// A piece of a pattern: text whose `*`/`?` are wildcards, or text matched literally.
///
/// A pattern with policy variables resolves to a sequence of pieces: the pattern's own text
/// is [`Piece::Wild`], while substituted variable values, their defaults and the escapes
/// `${*}`, `${?}` and `${$}` are [`Piece::Literal`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Piece<'a> {
    /// Text in which `*` matches any run of characters and `?` exactly one character.
    Wild(&'a str),
    /// Text matched character for character; a `*` or `?` in it is an ordinary character.
    Literal(&'a str),
}

/// One element of a segment.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    /// Non-empty literal text.
    Lit(Box<str>),
    /// A run of this many `?` wildcards (at least one).
    Any(usize),
}

/// A run of literal text and `?` wildcards between two `*` wildcards (or a pattern end).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Segment {
    /// Literal runs and `?` runs, never two of the same kind in a row.
    items: Vec<Item>,
    /// Index into `items` of the first literal run, if there is one.
    first_lit: Option<usize>,
    /// Number of `?` wildcards before the first literal run (or in total when there is none).
    lead_any: usize,
}

impl Segment {
    /// Fill in the precomputed search hints once `items` is final.
    fn finish(&mut self) {
        self.first_lit = self
            .items
            .iter()
            .position(|item| matches!(item, Item::Lit(_)));
        let leading = self.first_lit.unwrap_or(self.items.len());
        self.lead_any = self
            .items
            .iter()
            .take(leading)
            .map(|item| match item {
                Item::Any(n) => *n,
                Item::Lit(_) => 0,
            })
            .sum();
    }

    /// Matches the segment at the start of `text`; returns the number of bytes consumed.
    fn match_prefix(&self, text: &str) -> Option<usize> {
        let mut pos = 0;
        for item in &self.items {
            let rest = text.get(pos..)?;
            match item {
                Item::Lit(lit) => {
                    if !rest.starts_with(&**lit) {
                        return None;
                    }
                    pos += lit.len();
                }
                Item::Any(n) => pos += skip_forward(rest, *n)?,
            }
        }
        Some(pos)
    }

    /// Matches the segment at the end of `text`; returns the byte offset where the match
    /// starts.
    fn match_suffix(&self, text: &str) -> Option<usize> {
        let mut end = text.len();
        for item in self.items.iter().rev() {
            let rest = text.get(..end)?;
            match item {
                Item::Lit(lit) => {
                    if !rest.ends_with(&**lit) {
                        return None;
                    }
                    end -= lit.len();
                }
                Item::Any(n) => end -= skip_backward(rest, *n)?,
            }
        }
        Some(end)
    }

    /// Finds the leftmost match starting at or after byte offset `from` (a char boundary)
    /// and lying entirely within `text`; returns the byte offset just after it.
    fn find_end(&self, text: &str, from: usize) -> Option<usize> {
        let rest = text.get(from..)?;
        let Some(lit_index) = self.first_lit else {
            // Only `?` wildcards (or nothing): the earliest position works if it works at all.
            return Some(from + skip_forward(rest, self.lead_any)?);
        };
        let Some(Item::Lit(lit)) = self.items.get(lit_index) else {
            return None;
        };
        // The first literal run cannot start before `lead_any` characters have passed.
        let mut search = from + skip_forward(rest, self.lead_any)?;
        loop {
            let lit_pos = search + text.get(search..)?.find(&**lit)?;
            let start = lit_pos - skip_backward(text.get(..lit_pos)?, self.lead_any)?;
            if let Some(len) = self.match_prefix(text.get(start..)?) {
                return Some(start + len);
            }
            search = lit_pos + text.get(lit_pos..)?.chars().next()?.len_utf8();
        }
    }
}

/// Number of bytes taken by the first `n` characters of `text`, if it has that many.
fn skip_forward(text: &str, n: usize) -> Option<usize> {
    let mut chars = text.chars();
    let mut len = 0;
    for _ in 0..n {
        len += chars.next()?.len_utf8();
    }
    Some(len)
}

/// Number of bytes taken by the last `n` characters of `text`, if it has that many.
fn skip_backward(text: &str, n: usize) -> Option<usize> {
    let mut chars = text.chars();
    let mut len = 0;
    for _ in 0..n {
        len += chars.next_back()?.len_utf8();
    }
    Some(len)
}

/// The compiled shape of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Repr {
    /// No wildcard at all: byte equality.
    Exact(Box<str>),
    /// `?` wildcards but no `*`: the one segment must cover the whole text.
    Single(Segment),
    /// At least one `*`.
    Glob {
        /// Segment before the first `*`, matched as a prefix.
        head: Segment,
        /// Segments between `*`s, placed leftmost-first.
        middle: Vec<Segment>,
        /// Segment after the last `*`, matched as a suffix.
        tail: Segment,
    },
}

/// A compiled `StringLike` pattern (owned).
///
/// Matching is case-sensitive, covers the whole text, never allocates and never
/// backtracks; see the [module documentation](self) for the algorithm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LikePattern {
    repr: Repr,
    /// The literal text before the first wildcard.
    prefix: Box<str>,
}

/// Accumulates items and segments while compiling.
#[derive(Default)]
struct Builder {
    done: Vec<Segment>,
    current: Segment,
    lit: String,
    prefix: String,
    seen_wildcard: bool,
}

impl Builder {
    fn flush_lit(&mut self) {
        if !self.lit.is_empty() {
            let lit = std::mem::take(&mut self.lit);
            self.current.items.push(Item::Lit(lit.into_boxed_str()));
        }
    }

    fn push_char(&mut self, c: char) {
        self.lit.push(c);
        if !self.seen_wildcard {
            self.prefix.push(c);
        }
    }

    fn push_str(&mut self, s: &str) {
        self.lit.push_str(s);
        if !self.seen_wildcard {
            self.prefix.push_str(s);
        }
    }

    fn push_any(&mut self) {
        self.seen_wildcard = true;
        self.flush_lit();
        if let Some(Item::Any(n)) = self.current.items.last_mut() {
            *n += 1;
        } else {
            self.current.items.push(Item::Any(1));
        }
    }

    fn push_star(&mut self) {
        self.flush_lit();
        // `**` is the same as `*`: do not create empty middle segments.
        if self.seen_star() && self.current.items.is_empty() {
            return;
        }
        self.seen_wildcard = true;
        let mut segment = std::mem::take(&mut self.current);
        segment.finish();
        self.done.push(segment);
    }

    fn seen_star(&self) -> bool {
        !self.done.is_empty()
    }

    fn finish(mut self) -> LikePattern {
        self.flush_lit();
        let mut last = self.current;
        last.finish();
        let prefix = self.prefix.into_boxed_str();
        let mut segments = self.done.into_iter();
        let repr = match segments.next() {
            None => match last.items.as_slice() {
                [] => Repr::Exact(Box::from("")),
                [Item::Lit(lit)] => Repr::Exact(lit.clone()),
                _ => Repr::Single(last),
            },
            Some(head) => Repr::Glob {
                head,
                middle: segments.collect(),
                tail: last,
            },
        };
        LikePattern { repr, prefix }
    }
}

impl LikePattern {
    /// Compiles a pattern made of pieces: `*` and `?` are wildcards inside [`Piece::Wild`]
    /// pieces and ordinary characters inside [`Piece::Literal`] pieces.
    #[must_use]
    pub fn compile(pieces: &[Piece<'_>]) -> LikePattern {
        let mut builder = Builder::default();
        for piece in pieces {
            match *piece {
                Piece::Literal(text) => builder.push_str(text),
                Piece::Wild(text) => {
                    for c in text.chars() {
                        match c {
                            '*' => builder.push_star(),
                            '?' => builder.push_any(),
                            _ => builder.push_char(c),
                        }
                    }
                }
            }
        }
        builder.finish()
    }

    /// Compiles `pattern` where every `*` and `?` is a wildcard.
    #[must_use]
    pub fn wild(pattern: &str) -> LikePattern {
        if pattern.contains(['*', '?']) {
            LikePattern::compile(&[Piece::Wild(pattern)])
        } else {
            LikePattern::literal(pattern)
        }
    }

    /// Compiles `text` as a pattern without wildcards: it matches only `text` itself.
    #[must_use]
    pub fn literal(text: &str) -> LikePattern {
        // What `compile(&[Piece::Literal(text)])` builds, without the builder.
        LikePattern {
            repr: Repr::Exact(Box::from(text)),
            prefix: Box::from(text),
        }
    }

    /// Whole-string match: whether the pattern matches all of `text`.
    #[must_use]
    pub fn matches(&self, text: &str) -> bool {
        match &self.repr {
            Repr::Exact(lit) => **lit == *text,
            Repr::Single(segment) => segment.match_prefix(text) == Some(text.len()),
            Repr::Glob { head, middle, tail } => glob_match(head, middle, tail, text).is_some(),
        }
    }

    /// Whether the pattern contains any wildcard.
    #[must_use]
    pub fn has_wildcards(&self) -> bool {
        !matches!(self.repr, Repr::Exact(_))
    }

    /// Whether the pattern matches every string: it is made only of `*` wildcards.
    #[must_use]
    pub fn matches_everything(&self) -> bool {
        match &self.repr {
            Repr::Glob { head, middle, tail } => {
                head.items.is_empty() && middle.is_empty() && tail.items.is_empty()
            }
            Repr::Exact(_) | Repr::Single(_) => false,
        }
    }

    /// The literal text before the first wildcard (the whole text when there is none).
    ///
    /// Every string the pattern matches starts with it.
    #[must_use]
    pub fn literal_prefix(&self) -> &str {
        &self.prefix
    }

    /// The text the pattern matches when it has no wildcard.
    #[must_use]
    pub fn as_literal(&self) -> Option<&str> {
        match &self.repr {
            Repr::Exact(lit) => Some(lit),
            Repr::Single(_) | Repr::Glob { .. } => None,
        }
    }
}

/// Matches a pattern with at least one `*`; `Some(())` on success.
fn glob_match(head: &Segment, middle: &[Segment], tail: &Segment, text: &str) -> Option<()> {
    let mut pos = head.match_prefix(text)?;
    let tail_start = tail.match_suffix(text)?;
    if tail_start < pos {
        return None;
    }
    // Middle segments must fit between the head and the tail.
    let region = text.get(..tail_start)?;
    for segment in middle {
        pos = segment.find_end(region, pos)?;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::time::{Duration, Instant};

    fn like(pattern: &str, text: &str) -> bool {
        LikePattern::wild(pattern).matches(text)
    }

    proptest! {
        /// The shortcuts for text without wildcards build what the builder builds.
        #[test]
        fn literal_shortcuts_build_what_the_builder_builds(text in "[a-c:/é*?]{0,8}") {
            prop_assert_eq!(
                LikePattern::literal(&text),
                LikePattern::compile(&[Piece::Literal(&text)])
            );
            prop_assert_eq!(
                LikePattern::wild(&text),
                LikePattern::compile(&[Piece::Wild(&text)])
            );
        }
    }

    #[test]
    fn empty_pattern_and_text() {
        assert!(like("", ""));
        assert!(!like("", "a"));
        assert!(!like("a", ""));
        assert!(like("*", ""));
        assert!(!like("?", ""));
        assert!(like("**", ""));
        assert!(!LikePattern::wild("").has_wildcards());
        assert_eq!(LikePattern::wild("").as_literal(), Some(""));
    }

    #[test]
    fn star_only() {
        for text in ["", "a", "anything at all", "x:y/z\nw", "😀"] {
            assert!(like("*", text), "{text:?}");
            assert!(like("***", text), "{text:?}");
        }
        assert!(LikePattern::wild("*").matches_everything());
        assert!(LikePattern::wild("**").matches_everything());
        assert!(!LikePattern::wild("*a*").matches_everything());
        assert!(!LikePattern::wild("?").matches_everything());
        assert!(!LikePattern::wild("").matches_everything());
    }

    #[test]
    fn exact_is_case_sensitive_and_anchored() {
        assert!(like("abc", "abc"));
        assert!(!like("abc", "ABC"));
        assert!(!like("abc", "abcd"));
        assert!(!like("abc", "xabc"));
        assert!(!like("ab", "abc"));
        assert!(like("abc*", "abcd"));
        assert!(like("*abc", "xabc"));
        assert!(!like("*abc", "abcx"));
    }

    #[test]
    fn question_mark_is_one_scalar_value() {
        assert!(like("caf?", "café"));
        assert!(!like("caf??", "café"));
        assert!(like("?", "é"));
        assert!(like("?", "😀"));
        assert!(!like("??", "😀"));
        assert!(like("a?b", "a😀b"));
        assert!(like("??", "é😀"));
        assert!(like("*?", "😀"));
        assert!(like("?*?", "😀é"));
        assert!(!like("?*?", "😀"));
        assert!(like("*?😀", "é😀"));
        assert!(like("*é?*", "xé😀y"));
        assert!(like("?", "\n"));
        assert!(like("x*?y*", "x😀y"));
    }

    #[test]
    fn star_crosses_colons_slashes_and_newlines() {
        assert!(like(
            "system:serviceaccount:ns-*",
            "system:serviceaccount:ns-evil:x"
        ));
        assert!(like("system:serviceaccount:*", "system:serviceaccount:a:b"));
        assert!(like("repo:org/*", "repo:org/app:ref:refs/heads/main"));
        assert!(like("a*b", "a/x:y\nz\rb"));
        assert!(like(
            "arn:aws:someservice:*:111122223333:finance/*",
            "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
        ));
    }

    #[test]
    fn other_characters_are_literal() {
        assert!(like("[abc]", "[abc]"));
        assert!(!like("[abc]", "a"));
        assert!(like("a\\*", "a\\xyz"));
        assert!(!like("a\\*", "a*"));
        assert!(like("a\\?", "a\\b"));
        assert!(like("{a,b}", "{a,b}"));
        assert!(!like("{a,b}", "a"));
        assert!(like("${aws:username}", "${aws:username}"));
        assert!(like("$*", "$anything"));
        assert!(like("a.b", "a.b"));
        assert!(!like("a.b", "axb"));
        assert!(like("^a+$", "^a+$"));
        assert!(!like("[", "]"));
        assert!(!LikePattern::wild("[a]{b}\\$").has_wildcards());
    }

    #[test]
    fn literal_pieces_are_not_wildcards() {
        let pattern =
            LikePattern::compile(&[Piece::Wild("a"), Piece::Literal("*"), Piece::Wild("b")]);
        assert!(pattern.matches("a*b"));
        assert!(!pattern.matches("axb"));
        assert!(!pattern.has_wildcards());

        let pattern = LikePattern::compile(&[Piece::Literal("x?"), Piece::Wild("*")]);
        assert!(pattern.matches("x?"));
        assert!(pattern.matches("x?yz"));
        assert!(!pattern.matches("xy"));
        assert!(pattern.has_wildcards());
        assert_eq!(pattern.literal_prefix(), "x?");

        let pattern =
            LikePattern::compile(&[Piece::Wild("*:"), Piece::Literal("a*b"), Piece::Wild(":?")]);
        assert!(pattern.matches("q:a*b:z"));
        assert!(!pattern.matches("q:aXb:z"));
        assert!(!pattern.matches("q:a*b:zz"));

        assert!(LikePattern::literal("*").matches("*"));
        assert!(!LikePattern::literal("*").matches("x"));
        assert!(LikePattern::compile(&[]).matches(""));
    }

    #[test]
    fn accessors() {
        let pattern = LikePattern::wild("system:serviceaccount:ns-*:sa?");
        assert!(pattern.has_wildcards());
        assert_eq!(pattern.literal_prefix(), "system:serviceaccount:ns-");
        assert_eq!(pattern.as_literal(), None);
        let pattern = LikePattern::wild("abc");
        assert_eq!(pattern.literal_prefix(), "abc");
        assert_eq!(pattern.as_literal(), Some("abc"));
        assert_eq!(LikePattern::wild("?x").literal_prefix(), "");
    }

    #[test]
    fn middle_segments() {
        assert!(like("*a*b*c*", "xxaxxbxxcxx"));
        assert!(!like("*a*b*c*", "xxcxxbxxaxx"));
        assert!(like("a*?b?*c", "aXbYc"));
        assert!(!like("a*?b?*c", "abc"));
        assert!(like("*ab?d*", "abxabcd"));
        assert!(like("*?a?b*", "aaaaab"));
        assert!(like("*?a?b*", "aaaab"));
        assert!(!like("*?a?b*", "aab"));
        assert!(!like("*?a?b*", "abab"));
        assert!(like("*??*", "ab"));
        assert!(!like("*???*", "ab"));
        // Head, middle and tail must not overlap.
        assert!(!like("ab*b*bc", "abc"));
        assert!(!like("ab*bc", "abc"));
        assert!(like("ab*bc", "abbc"));
        assert!(!like("a*a*a", "aa"));
        assert!(like("a*a*a", "aaa"));
        // Middle segment must end before the tail starts.
        assert!(!like("*abc*c", "abc"));
        assert!(like("*abc*c", "abcc"));
    }

    #[test]
    fn pathological_patterns_are_fast() {
        let text = "a".repeat(100_000);
        let start = Instant::now();
        assert!(!like("*a*a*a*a*a*a*a*b", &text));
        assert!(!like("*a*a*a*a*a*a*a*b*", &text));
        assert!(!like("*a?a?a?a?a?a?b*", &text));
        assert!(!like("*?a*a?*?a?a?*b?*", &text));
        assert!(!like("a*a*a*a*a*a*a*ab", &text));
        assert!(like("*a*a*a*a*a*a*a*", &text));
        assert!(like("a*a?a*?a", &text));
        let mut text_b = text.clone();
        text_b.push('b');
        assert!(like("*a*a*a*a*a*a*a*b", &text_b));
        assert!(like("*a?a?a?a?a?a?b*", &text_b));
        let elapsed = start.elapsed();
        assert!(elapsed < Duration::from_secs(2), "took {elapsed:?}");
    }

    /// The oracle: an anchored regex, built independently of the matcher.
    fn oracle(pieces: &[(bool, String)], text: &str) -> bool {
        let mut re = String::from("^");
        for (wild, piece) in pieces {
            if *wild {
                for c in piece.chars() {
                    match c {
                        '*' => re.push_str("(?s:.*)"),
                        '?' => re.push_str("(?s:.)"),
                        _ => re.push_str(&regex::escape(c.encode_utf8(&mut [0; 4]))),
                    }
                }
            } else {
                re.push_str(&regex::escape(piece));
            }
        }
        re.push('$');
        regex::Regex::new(&re).unwrap().is_match(text)
    }

    const ALPHABET: &[char] = &[
        'a', 'b', '*', '?', '[', ']', '$', '{', '}', ':', '/', 'é', '😀', '\n', '\\',
    ];
    const TEXT_ALPHABET: &[char] = &[
        'a', 'b', '*', '?', '[', ']', '$', '{', ':', '/', 'é', '😀', '\n',
    ];

    fn string_from(alphabet: &'static [char], max: usize) -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(alphabet), 0..max)
            .prop_map(|chars| chars.into_iter().collect())
    }

    /// A text likely to match `pattern`: wildcards replaced by random runs, then maybe mutated.
    fn text_for(pattern: String) -> impl Strategy<Value = (String, String)> {
        let stars = pattern.chars().filter(|c| *c == '*' || *c == '?').count();
        (
            proptest::collection::vec(string_from(TEXT_ALPHABET, 4), stars),
            proptest::option::of((
                any::<prop::sample::Index>(),
                proptest::sample::select(TEXT_ALPHABET),
            )),
        )
            .prop_map(move |(fills, mutation)| {
                let mut fills = fills.into_iter();
                let mut text = String::new();
                for c in pattern.chars() {
                    match c {
                        '*' => text.push_str(&fills.next().unwrap_or_default()),
                        '?' => {
                            text.push(fills.next().and_then(|f| f.chars().next()).unwrap_or('😀'));
                        }
                        _ => text.push(c),
                    }
                }
                if let Some((index, c)) = mutation {
                    let mut chars: Vec<char> = text.chars().collect();
                    if chars.is_empty() {
                        chars.push(c);
                    } else {
                        let i = index.index(chars.len());
                        chars[i] = c;
                    }
                    text = chars.into_iter().collect();
                }
                (pattern.clone(), text)
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        #[test]
        fn agrees_with_regex_oracle_on_random_text(
            pattern in string_from(ALPHABET, 12),
            text in string_from(TEXT_ALPHABET, 16),
        ) {
            let expected = oracle(&[(true, pattern.clone())], &text);
            prop_assert_eq!(LikePattern::wild(&pattern).matches(&text), expected);
        }

        #[test]
        fn agrees_with_regex_oracle_on_near_matches(
            (pattern, text) in string_from(ALPHABET, 12).prop_flat_map(text_for),
        ) {
            let expected = oracle(&[(true, pattern.clone())], &text);
            prop_assert_eq!(LikePattern::wild(&pattern).matches(&text), expected);
        }

        #[test]
        fn pieces_agree_with_regex_oracle(
            pieces in proptest::collection::vec((any::<bool>(), string_from(ALPHABET, 5)), 0..5),
            text in string_from(TEXT_ALPHABET, 14),
        ) {
            let borrowed: Vec<Piece<'_>> = pieces
                .iter()
                .map(|(wild, s)| if *wild { Piece::Wild(s) } else { Piece::Literal(s) })
                .collect();
            let pattern = LikePattern::compile(&borrowed);
            prop_assert_eq!(pattern.matches(&text), oracle(&pieces, &text));
            // A text built by concatenating the pieces with every wildcard taken literally
            // matches whenever each `*` can match itself and each `?` its own character.
            let literal_text: String = pieces.iter().map(|(_, s)| s.as_str()).collect();
            prop_assert!(pattern.matches(&literal_text));
            prop_assert_eq!(pattern.matches(&literal_text), oracle(&pieces, &literal_text));
        }

        #[test]
        fn prefix_is_a_prefix_of_every_match(
            pattern in string_from(ALPHABET, 10),
            text in string_from(TEXT_ALPHABET, 12),
        ) {
            let compiled = LikePattern::wild(&pattern);
            if compiled.matches(&text) {
                prop_assert!(text.starts_with(compiled.literal_prefix()));
            }
            prop_assert_eq!(
                compiled.has_wildcards(),
                pattern.contains('*') || pattern.contains('?')
            );
        }
    }
}
