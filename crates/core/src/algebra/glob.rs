//! `StringLike` pattern → DFA, by on-the-fly subset construction over pattern positions.
//!
//! The pattern becomes a sequence of tokens (a literal character, `?` or `*`; consecutive
//! `*` collapse). Position `i` means "the first `i` tokens are matched"; a `*` at position
//! `i` loops on every character and may also be skipped, so position sets are closed under
//! "a `*` at `i` implies `i + 1`". A DFA state is such a closed set.
//!
//! Positions before the largest `*` position in a set are dropped: everything they could
//! still accept has to pass that `*`, which accepts it too. This keeps patterns made of `*`
//! and literal text down to a number of states linear in the pattern length.
//!
//! Patterns that are literal text, optionally followed by one `*` (the usual
//! `system:serviceaccount:<namespace>:*` and `repo:<org>/<repo>:*`), skip the construction:
//! their minimal automaton is a chain, built directly in canonical order.

use std::collections::{HashMap, VecDeque};

use super::automaton::{self, Dfa, Tail};
use super::{TooComplex, MAX_STATES};
use crate::matching::Piece;

/// The total number of positions all subset states may hold together, bounding memory for
/// patterns such as a `*` followed by thousands of the same character.
const MAX_POSITIONS: usize = 64 * MAX_STATES;

/// The states a pattern of `tokens` tokens may take in the subset construction: a few per
/// token (patterns of literal text, `*` and a few `?` need about one per token), and at most
/// [`MAX_STATES`]. Many `?` after a `*` need exponentially many states; they stop here, in
/// time linear in the pattern, instead of at [`MAX_STATES`] (about a second per pattern, found
/// by the `like_matcher` fuzz target), so a document's patterns together cost time linear in
/// its length.
pub(super) fn state_limit(tokens: usize) -> usize {
    tokens
        .saturating_mul(STATES_PER_TOKEN)
        .saturating_add(MIN_STATES)
        .min(MAX_STATES)
}

/// See [`state_limit`].
const STATES_PER_TOKEN: usize = 8;
/// See [`state_limit`].
const MIN_STATES: usize = 64;

/// One pattern element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    /// Matches exactly this character.
    Lit(char),
    /// `?`: matches any one character.
    Any,
    /// `*`: matches any run of characters.
    Star,
}

/// The tokens of a pattern, with runs of `*` collapsed.
fn tokens(pieces: &[Piece<'_>]) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut push = |token: Token| {
        if !(token == Token::Star && tokens.last() == Some(&Token::Star)) {
            tokens.push(token);
        }
    };
    for piece in pieces {
        match *piece {
            Piece::Literal(text) => text.chars().for_each(|c| push(Token::Lit(c))),
            Piece::Wild(text) => text.chars().for_each(|c| {
                push(match c {
                    '*' => Token::Star,
                    '?' => Token::Any,
                    _ => Token::Lit(c),
                });
            }),
        }
    }
    tokens
}

/// Closes a set of positions under skipping `*` and drops positions dominated by a later `*`;
/// the result is sorted and deduplicated.
fn close(tokens: &[Token], mut set: Vec<usize>) -> Vec<usize> {
    set.sort_unstable();
    set.dedup();
    let mut closed: Vec<usize> = Vec::with_capacity(set.len() + 1);
    for mut position in set {
        if closed.last().is_some_and(|&last| last >= position) {
            continue;
        }
        loop {
            closed.push(position);
            if tokens.get(position) == Some(&Token::Star) {
                position += 1;
            } else {
                break;
            }
        }
    }
    let last_star = closed
        .iter()
        .rposition(|&position| tokens.get(position) == Some(&Token::Star));
    if let Some(cut) = last_star {
        closed.drain(..cut);
    }
    closed
}

/// The positions reached from `set` on `c`, where `None` stands for a character that no
/// literal token at a position of `set` matches.
fn step(tokens: &[Token], set: &[usize], c: Option<char>) -> Vec<usize> {
    let mut next = Vec::with_capacity(set.len() + 1);
    for &position in set {
        match tokens.get(position) {
            Some(Token::Star) => next.push(position),
            Some(Token::Any) => next.push(position + 1),
            Some(Token::Lit(d)) if Some(*d) == c => next.push(position + 1),
            Some(Token::Lit(_)) | None => {}
        }
    }
    close(tokens, next)
}

/// Numbers position sets as they are discovered, within the size limits.
struct SetIndex {
    ids: HashMap<Vec<usize>, usize>,
    queue: VecDeque<Vec<usize>>,
    positions: usize,
    /// At most this many states ([`state_limit`]).
    limit: usize,
}

impl SetIndex {
    fn intern(&mut self, set: Vec<usize>) -> Result<usize, TooComplex> {
        if let Some(&id) = self.ids.get(&set) {
            return Ok(id);
        }
        let id = self.ids.len();
        self.positions += set.len();
        if id >= self.limit || self.positions > MAX_POSITIONS {
            return Err(TooComplex { states: id + 1 });
        }
        self.ids.insert(set.clone(), id);
        self.queue.push_back(set);
        Ok(id)
    }
}

/// The canonical minimal DFA of the pattern made of `pieces`.
pub(super) fn minimal(pieces: &[Piece<'_>]) -> Result<Dfa, TooComplex> {
    let tokens = tokens(pieces);
    if let Some(dfa) = literal_chain(&tokens) {
        return Ok(dfa);
    }
    Ok(automaton::minimise(&subsets(&tokens)?))
}

/// The minimal DFA of a pattern of literal characters optionally followed by one `*`, or
/// `None` for any other pattern.
fn literal_chain(tokens: &[Token]) -> Option<Dfa> {
    let (literal, tail) = match tokens.split_last() {
        Some((Token::Star, rest)) => (rest, Tail::Anything),
        _ => (tokens, Tail::End),
    };
    let chars: Vec<char> = literal
        .iter()
        .map(|t| match t {
            Token::Lit(c) => Some(*c),
            Token::Any | Token::Star => None,
        })
        .collect::<Option<_>>()?;
    automaton::chain_canonical(chars.iter().map(std::slice::from_ref), tail)
}

/// The (unminimised) DFA of the pattern made of `pieces`, by the general subset construction;
/// state 0 is the start (what the tests check the fast path against).
#[cfg(test)]
pub(super) fn build(pieces: &[Piece<'_>]) -> Result<Dfa, TooComplex> {
    subsets(&tokens(pieces))
}

/// The subset construction over the positions of `tokens`.
fn subsets(tokens: &[Token]) -> Result<Dfa, TooComplex> {
    let end = tokens.len();
    let mut index = SetIndex {
        ids: HashMap::new(),
        queue: VecDeque::new(),
        positions: 0,
        limit: state_limit(tokens.len()),
    };
    index.intern(close(tokens, vec![0]))?;
    let mut dfa = Dfa::default();
    // States are numbered in discovery order and the queue is first in, first out, so the
    // state built here is always the next one of `dfa`.
    while let Some(set) = index.queue.pop_front() {
        let mut chars: Vec<char> = set
            .iter()
            .filter_map(|&position| match tokens.get(position) {
                Some(Token::Lit(c)) => Some(*c),
                _ => None,
            })
            .collect();
        chars.sort_unstable();
        chars.dedup();
        let default = index.intern(step(tokens, &set, None))?;
        for c in chars {
            let target = index.intern(step(tokens, &set, Some(c)))?;
            if target != default {
                dfa.push_edge(c, target);
            }
        }
        dfa.end_state(default, set.last() == Some(&end));
    }
    Ok(dfa)
}
