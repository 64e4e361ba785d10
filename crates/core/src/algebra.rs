//! An exact algebra of string sets, for reasoning about what condition values admit.
//!
//! IAM string condition operators each admit a set of strings: `StringEquals v` admits `{v}`,
//! `StringLike p` the strings matching the glob `p` (SEMANTICS.md §3.2), the `IgnoreCase`
//! variants the strings equal under case folding, and the negated operators the complement.
//! Values of one key are OR-ed (union), keys and operators AND-ed (intersection) and Deny
//! statements subtract (difference). [`StringSet`] represents every such set exactly, over all
//! Unicode scalar values, and answers emptiness, inclusion and equality questions with a
//! shortest example member.
//!
//! # Representation
//!
//! A set is a complete deterministic finite automaton. Each state has a sorted list of
//! explicit `(char → state)` edges and one *default* edge taken by every other character, so
//! the infinite-looking alphabet costs nothing: a state only lists the characters that behave
//! differently from "any other character". The states and the edges are two flat arrays,
//! shared (reference-counted) between copies of a set, so a copy costs no allocation.
//!
//! Every automaton is kept minimal and canonically numbered (breadth-first from the start
//! state, explicit edges in character order, then the default edge), and an explicit edge
//! never leads where the default edge leads. The minimal automaton of a set is unique, so two
//! [`StringSet`]s are equal as values exactly when they denote the same set, and equal sets
//! have automata of equal size.
//!
//! # Costs
//!
//! Products (union, intersection, difference, inclusion) explore only the reachable pairs of
//! states, at most `|A|·|B|`. Globs are compiled by a subset construction over the pattern
//! positions, in which positions before the last `*` reached are dropped (they can only
//! accept less than that `*`), so patterns made of `*` and literal text stay linear in the
//! pattern length; literal text, with or without one final `*`, and finite sets of literal
//! strings are built without the general construction. Patterns with many `?` after a `*` can
//! need exponentially many states: the construction of a pattern stops at a limit linear in its
//! length (64 states plus 8 per element: a character, a `?` or a run of `*`), with
//! [`TooComplex`], and
//! every fallible construction stops at [`MAX_STATES`] with [`TooComplex`]. Minimisation is
//! partition refinement that only re-examines predecessors of states whose block changed and
//! always moves the smaller parts of a split, so long chains do not make it quadratic.
//!
//! ```
//! use trustlint_core::algebra::StringSet;
//!
//! let allowed = StringSet::like_wild("system:serviceaccount:*").unwrap();
//! let denied = StringSet::like_wild("system:serviceaccount:kube-system:*").unwrap();
//! let effective = allowed.difference(&denied).unwrap();
//! assert!(effective.contains("system:serviceaccount:payments:api"));
//! assert!(!effective.contains("system:serviceaccount:kube-system:admin"));
//! let example = effective.shortest_witness().unwrap();
//! assert!(allowed.contains(&example) && !denied.contains(&example));
//! ```

mod automaton;
pub(crate) mod fold;
mod glob;
#[cfg(test)]
mod tests;
mod witness;

use std::sync::{Arc, LazyLock};

use crate::matching::Piece;
use automaton::{Dfa, Tail};

/// The maximum number of DFA states any construction may create.
pub const MAX_STATES: usize = 100_000;

/// A set would need more automaton states than allowed to be represented exactly: more than
/// [`MAX_STATES`], or, for a `StringLike` pattern, more than 64 plus 8 per element (a
/// character, a `?` or a run of `*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error("string set too complex: gave up at {states} automaton states (the limits are {MAX_STATES} states for a set, and 64 plus 8 per character for a `StringLike` pattern, a run of `*` counting as one)")]
pub struct TooComplex {
    /// The number of states created when the construction was abandoned.
    pub states: usize,
}

/// A set of strings (of Unicode scalar values), closed under union, intersection and
/// complement.
///
/// The set is held as a minimal, canonically numbered complete DFA (see the
/// [module documentation](self)), so `==` on two `StringSet`s is set equality.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StringSet {
    /// The automaton; the start state is the first. Never empty, every edge target in range,
    /// minimal and canonically numbered.
    dfa: Arc<Dfa>,
}

/// The one-state automata of [`StringSet::empty`] and [`StringSet::all`], shared.
static EMPTY: LazyLock<StringSet> = LazyLock::new(|| StringSet {
    dfa: Arc::new(Dfa::sink(false)),
});
static ALL: LazyLock<StringSet> = LazyLock::new(|| StringSet {
    dfa: Arc::new(Dfa::sink(true)),
});

impl StringSet {
    /// Wraps an automaton that is already minimal and canonical.
    fn from_canonical(dfa: Dfa) -> StringSet {
        if dfa.len() == 0 {
            StringSet::empty()
        } else {
            StringSet { dfa: Arc::new(dfa) }
        }
    }

    /// Minimises an arbitrary automaton (start state first, every target in range).
    #[cfg(test)]
    fn from_raw(dfa: &Dfa) -> StringSet {
        StringSet::from_canonical(automaton::minimise(dfa))
    }

    /// The empty set.
    #[must_use]
    pub fn empty() -> StringSet {
        EMPTY.clone()
    }

    /// The set of all strings.
    #[must_use]
    pub fn all() -> StringSet {
        ALL.clone()
    }

    /// The set holding only `s` (what `StringEquals s` admits).
    #[must_use]
    pub fn exact(s: &str) -> StringSet {
        let chars: Vec<char> = s.chars().collect();
        automaton::chain_canonical(chars.iter().map(std::slice::from_ref), Tail::End)
            .map_or_else(StringSet::empty, StringSet::from_canonical)
    }

    /// Exactly the strings in `words` (what `StringEquals` with several values admits): one trie,
    /// minimised once, instead of a product per value.
    #[must_use]
    pub fn exact_set<'w>(words: impl IntoIterator<Item = &'w str>) -> StringSet {
        let words: Vec<&str> = words.into_iter().collect();
        match words.as_slice() {
            [one] => StringSet::exact(one),
            _ => StringSet::from_canonical(automaton::finite(words.into_iter())),
        }
    }

    /// The strings equal to `s` under case folding (what `StringEqualsIgnoreCase s` admits).
    ///
    /// Two characters are equal when their lowercase forms are: a character's lowercase form
    /// is [`char::to_lowercase`] when that is a single character, and the character itself
    /// otherwise. Strings of different lengths (in characters) are never equal.
    #[must_use]
    pub fn exact_ignore_case(s: &str) -> StringSet {
        let classes: Vec<Vec<char>> = s.chars().map(fold::class).collect();
        automaton::chain_canonical(classes.iter(), Tail::End)
            .map_or_else(StringSet::empty, StringSet::from_canonical)
    }

    /// The strings a `StringLike` pattern matches: `*` and `?` inside [`Piece::Wild`] pieces
    /// are wildcards, every other character (and all of a [`Piece::Literal`]) matches itself,
    /// and the match is anchored at both ends.
    ///
    /// # Errors
    ///
    /// [`TooComplex`] when the automaton would need more than 64 states plus 8 per element of
    /// the pattern (a character, a `?` or a run of `*`), or more than [`MAX_STATES`]: for
    /// example `*a` followed by seven or more `?` (`*a` and k `?` need 2^(k+1) states).
    pub fn like(pieces: &[Piece<'_>]) -> Result<StringSet, TooComplex> {
        Ok(StringSet::from_canonical(glob::minimal(pieces)?))
    }

    /// The strings `pattern` matches when every `*` and `?` in it is a wildcard.
    ///
    /// # Errors
    ///
    /// [`TooComplex`] as for [`StringSet::like`].
    pub fn like_wild(pattern: &str) -> Result<StringSet, TooComplex> {
        StringSet::like(&[Piece::Wild(pattern)])
    }

    /// The strings in either set.
    ///
    /// # Errors
    ///
    /// [`TooComplex`] when the product automaton would exceed [`MAX_STATES`] states.
    pub fn union(&self, other: &StringSet) -> Result<StringSet, TooComplex> {
        if self.is_universal() || other.is_empty() {
            return Ok(self.clone());
        }
        if other.is_universal() || self.is_empty() {
            return Ok(other.clone());
        }
        if self == other {
            // Canonical automata: equal sets are equal values.
            return Ok(self.clone());
        }
        self.product(other, |a, b| a || b)
    }

    /// The strings in both sets.
    ///
    /// # Errors
    ///
    /// [`TooComplex`] when the product automaton would exceed [`MAX_STATES`] states.
    pub fn intersect(&self, other: &StringSet) -> Result<StringSet, TooComplex> {
        if self.is_empty() || other.is_universal() {
            return Ok(self.clone());
        }
        if other.is_empty() || self.is_universal() {
            return Ok(other.clone());
        }
        if self == other {
            return Ok(self.clone());
        }
        self.product(other, |a, b| a && b)
    }

    /// The strings in `self` but not in `other`.
    ///
    /// # Errors
    ///
    /// [`TooComplex`] when the product automaton would exceed [`MAX_STATES`] states.
    pub fn difference(&self, other: &StringSet) -> Result<StringSet, TooComplex> {
        if self.is_empty() || other.is_empty() {
            return Ok(self.clone());
        }
        if other.is_universal() {
            return Ok(StringSet::empty());
        }
        self.product(other, |a, b| a && !b)
    }

    /// The strings not in `self`.
    #[must_use]
    pub fn complement(&self) -> StringSet {
        // Flipping the accepting flags keeps the automaton complete, minimal and canonical.
        StringSet {
            dfa: Arc::new(self.dfa.complement()),
        }
    }

    /// Whether the set has no member.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        // Every state of a minimal automaton is reachable.
        !self.dfa.accepting().any(|accept| accept)
    }

    /// Whether the set holds every string.
    #[must_use]
    pub fn is_universal(&self) -> bool {
        self.dfa.accepting().all(|accept| accept)
    }

    /// Whether every member of `self` is a member of `other`.
    ///
    /// # Errors
    ///
    /// [`TooComplex`] when more than [`MAX_STATES`] pairs of states would need exploring.
    pub fn is_subset(&self, other: &StringSet) -> Result<bool, TooComplex> {
        if self.is_empty() || other.is_universal() || self == other {
            return Ok(true);
        }
        automaton::included(&self.dfa, &other.dfa)
    }

    /// Whether the two sets have the same members.
    ///
    /// Both automata are minimal and canonical, so this is a structural comparison and never
    /// fails; the `Result` leaves room for representations without that guarantee.
    ///
    /// # Errors
    ///
    /// None at present.
    pub fn equals(&self, other: &StringSet) -> Result<bool, TooComplex> {
        Ok(self == other)
    }

    /// Whether `s` is a member.
    #[must_use]
    pub fn contains(&self, s: &str) -> bool {
        let mut current = 0;
        for c in s.chars() {
            match self.dfa.state(current) {
                Some(state) => current = state.next(c),
                None => return false,
            }
        }
        self.dfa.state(current).is_some_and(|state| state.accept)
    }

    /// A shortest member, preferring readable characters where any character would do (a–z,
    /// then 0–9, then `-`, then other printable ASCII, then other non-control characters;
    /// never a control character when avoidable); `None` when the set is empty.
    ///
    /// The choice is deterministic: a breadth-first search from the start state that tries
    /// each state's edges in that order of preference.
    #[must_use]
    pub fn shortest_witness(&self) -> Option<String> {
        witness::shortest(&self.dfa)
    }

    /// `self.intersect(other)?.shortest_witness()`, without minimising the intersection: the
    /// shortest, most readable member depends only on the set, so the product automaton as
    /// explored answers it.
    ///
    /// # Errors
    ///
    /// [`TooComplex`] when the product automaton would exceed [`MAX_STATES`] states.
    pub fn shortest_common_witness(&self, other: &StringSet) -> Result<Option<String>, TooComplex> {
        if other.is_universal() {
            return Ok(self.shortest_witness());
        }
        if self.is_universal() {
            return Ok(other.shortest_witness());
        }
        Ok(witness::shortest(&automaton::product_raw(
            &self.dfa,
            &other.dfa,
            |a, b| a && b,
        )?))
    }

    /// The number of states of the minimal automaton (at least 1).
    #[must_use]
    pub fn state_count(&self) -> usize {
        self.dfa.len()
    }

    /// The product automaton of `self` and `other` accepting where `accept` says.
    fn product(
        &self,
        other: &StringSet,
        accept: fn(bool, bool) -> bool,
    ) -> Result<StringSet, TooComplex> {
        Ok(StringSet::from_canonical(automaton::product(
            &self.dfa, &other.dfa, accept,
        )?))
    }
}
