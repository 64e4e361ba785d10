//! Complete DFAs with a default edge: minimisation, canonical numbering and products.
//!
//! An automaton is a slice of [`State`]s whose first element is the start state and whose
//! edge targets are indices into the slice. Functions here never index out of range: a
//! missing state behaves as a rejecting sink, and if an internal invariant were ever broken
//! minimisation falls back to a correct but unminimised automaton.

use std::collections::HashMap;

use super::{TooComplex, MAX_STATES};

/// One state of a complete DFA over Unicode scalar values.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct State {
    /// Explicit edges, sorted by character without duplicates.
    pub(super) edges: Box<[(char, usize)]>,
    /// The target for every character without an explicit edge.
    pub(super) default: usize,
    /// Whether the state is accepting.
    pub(super) accept: bool,
}

impl State {
    /// A state whose every edge leads back to itself (state 0 of a one-state automaton).
    pub(super) fn sink(accept: bool) -> State {
        State {
            edges: Box::new([]),
            default: 0,
            accept,
        }
    }

    /// The target on `c`.
    pub(super) fn next(&self, c: char) -> usize {
        match self.edges.binary_search_by_key(&c, |&(e, _)| e) {
            Ok(i) => self.edges.get(i).map_or(self.default, |&(_, t)| t),
            Err(_) => self.default,
        }
    }

    /// Whether `c` has an explicit edge.
    pub(super) fn lists(&self, c: char) -> bool {
        self.edges.binary_search_by_key(&c, |&(e, _)| e).is_ok()
    }

    /// Every target: the explicit ones, then the default.
    fn targets(&self) -> impl Iterator<Item = usize> + '_ {
        self.edges
            .iter()
            .map(|&(_, t)| t)
            .chain(std::iter::once(self.default))
    }
}

/// A trie accepting exactly `words`: state 0 is the root, the last state a rejecting sink.
/// Not minimal in general (common suffixes are not shared): minimise it once.
pub(super) fn trie<'w>(words: impl Iterator<Item = &'w str>) -> Vec<State> {
    // Build with growable edge lists, then freeze; the sink's index is fixed at the end.
    let mut edges: Vec<Vec<(char, usize)>> = vec![Vec::new()];
    let mut accept: Vec<bool> = vec![false];
    for word in words {
        let mut at = 0;
        for c in word.chars() {
            let next = edges
                .get(at)
                .and_then(|e| e.iter().find(|&&(x, _)| x == c).map(|&(_, t)| t));
            at = match next {
                Some(t) => t,
                None => {
                    let t = edges.len();
                    edges.push(Vec::new());
                    accept.push(false);
                    if let Some(e) = edges.get_mut(at) {
                        e.push((c, t));
                    }
                    t
                }
            };
        }
        if let Some(a) = accept.get_mut(at) {
            *a = true;
        }
    }
    let sink = edges.len();
    let mut states: Vec<State> = edges
        .into_iter()
        .zip(accept)
        .map(|(mut e, accept)| {
            e.sort_unstable_by_key(|&(c, _)| c);
            State {
                edges: e.into_boxed_slice(),
                default: sink,
                accept,
            }
        })
        .collect();
    states.push(State {
        edges: Box::new([]),
        default: sink,
        accept: false,
    });
    states
}

/// An automaton accepting exactly the strings whose `i`-th character is in the `i`-th class:
/// a chain of states `0..=n` followed by a rejecting sink `n + 1`.
pub(super) fn chain(classes: impl Iterator<Item = Vec<char>>) -> Vec<State> {
    let mut states: Vec<State> = classes
        .enumerate()
        .map(|(i, mut class)| {
            class.sort_unstable();
            class.dedup();
            State {
                edges: class.into_iter().map(|c| (c, i + 1)).collect(),
                default: usize::MAX,
                accept: false,
            }
        })
        .collect();
    let sink = states.len() + 1;
    for state in &mut states {
        state.default = sink;
    }
    for accept in [true, false] {
        states.push(State {
            edges: Box::new([]),
            default: sink,
            accept,
        });
    }
    states
}

/// The canonical minimal automaton accepting what `raw` accepts.
pub(super) fn minimise(raw: &[State]) -> Vec<State> {
    let states = trim(raw);
    if states.is_empty() {
        return vec![State::sink(false)];
    }
    let class = refine(&states).unwrap_or_else(|| (0..states.len()).collect());
    let quotient = quotient(&states, &class);
    let start = class.first().copied().unwrap_or(0);
    canonical(&quotient, start)
}

/// The states reachable from state 0, renumbered in discovery order.
fn trim(raw: &[State]) -> Vec<State> {
    const UNSEEN: usize = usize::MAX;
    if raw.is_empty() {
        return Vec::new();
    }
    let mut index = vec![UNSEEN; raw.len()];
    let mut order = vec![0];
    if let Some(first) = index.first_mut() {
        *first = 0;
    }
    let mut i = 0;
    while let Some(&old) = order.get(i) {
        i += 1;
        let Some(state) = raw.get(old) else { continue };
        for target in state.targets() {
            if let Some(slot) = index.get_mut(target) {
                if *slot == UNSEEN {
                    *slot = order.len();
                    order.push(target);
                }
            }
        }
    }
    let renumber = |t: usize| index.get(t).copied().filter(|&t| t != UNSEEN).unwrap_or(0);
    order
        .iter()
        .filter_map(|&old| raw.get(old))
        .map(|state| State {
            edges: state.edges.iter().map(|&(c, t)| (c, renumber(t))).collect(),
            default: renumber(state.default),
            accept: state.accept,
        })
        .collect()
}

/// Predecessor lists in compressed form.
struct Predecessors {
    /// `list[start[q]..start[q + 1]]` are the states with an edge to `q` (with repeats).
    start: Vec<usize>,
    list: Vec<usize>,
}

impl Predecessors {
    fn new(states: &[State]) -> Predecessors {
        let mut start = vec![0; states.len() + 1];
        for state in states {
            for target in state.targets() {
                if let Some(count) = start.get_mut(target + 1) {
                    *count += 1;
                }
            }
        }
        for q in 0..states.len() {
            let before = start.get(q).copied().unwrap_or(0);
            if let Some(slot) = start.get_mut(q + 1) {
                *slot += before;
            }
        }
        let mut fill = start.clone();
        let mut list = vec![0; start.last().copied().unwrap_or(0)];
        for (p, state) in states.iter().enumerate() {
            for target in state.targets() {
                if let Some(pos) = fill.get_mut(target) {
                    if let Some(slot) = list.get_mut(*pos) {
                        *slot = p;
                    }
                    *pos += 1;
                }
            }
        }
        Predecessors { start, list }
    }

    fn of(&self, q: usize) -> &[usize] {
        let from = self.start.get(q).copied().unwrap_or(0);
        let to = self.start.get(q + 1).copied().unwrap_or(from);
        self.list.get(from..to).unwrap_or_default()
    }
}

/// A partition of the states into blocks, each block a contiguous range of `elems`.
struct Partition {
    /// The states, grouped by block.
    elems: Vec<usize>,
    /// The position of each state in `elems`.
    loc: Vec<usize>,
    /// The block of each state.
    block_of: Vec<usize>,
    /// The range of each block in `elems`.
    first: Vec<usize>,
    end: Vec<usize>,
}

impl Partition {
    /// One block holding every state.
    fn new(n: usize) -> Partition {
        Partition {
            elems: (0..n).collect(),
            loc: (0..n).collect(),
            block_of: vec![0; n],
            first: vec![0],
            end: vec![n],
        }
    }

    fn size(&self, block: usize) -> Option<usize> {
        Some(self.end.get(block)? - self.first.get(block)?)
    }

    /// Moves the states of `group` (all in `block`) to the end of the block's range and
    /// returns the position where they start.
    fn move_to_end(&mut self, block: usize, group: &[usize]) -> Option<usize> {
        let mut end = *self.end.get(block)?;
        for &s in group {
            end = end.checked_sub(1)?;
            let pos = *self.loc.get(s)?;
            let other = *self.elems.get(end)?;
            self.elems.swap(pos, end);
            *self.loc.get_mut(s)? = end;
            *self.loc.get_mut(other)? = pos;
        }
        Some(end)
    }

    /// Turns `elems[from..to]` into a new block, recording its states in `moved`.
    fn new_block(&mut self, from: usize, to: usize, moved: &mut Vec<usize>) -> Option<()> {
        let block = self.first.len();
        self.first.push(from);
        self.end.push(to);
        for &s in self.elems.get(from..to)? {
            *self.block_of.get_mut(s)? = block;
            moved.push(s);
        }
        Some(())
    }

    /// Splits `block` into the given groups of its states plus the rest (when non-empty).
    /// The largest part keeps the block; every other part becomes a new block and its
    /// states are recorded in `moved`.
    fn split(&mut self, block: usize, groups: &[&[usize]], moved: &mut Vec<usize>) -> Option<()> {
        let grouped: usize = groups.iter().map(|g| g.len()).sum();
        let rest = self.size(block)?.checked_sub(grouped)?;
        if groups.len() + usize::from(rest > 0) <= 1 {
            return Some(());
        }
        let (largest, largest_len) = groups
            .iter()
            .enumerate()
            .map(|(i, g)| (i, g.len()))
            .fold((0, 0), |best, cur| if cur.1 > best.1 { cur } else { best });
        let keep_rest = rest >= largest_len;
        for (i, group) in groups.iter().enumerate() {
            if !keep_rest && i == largest {
                continue;
            }
            let from = self.move_to_end(block, group)?;
            let to = *self.end.get(block)?;
            *self.end.get_mut(block)? = from;
            self.new_block(from, to, moved)?;
        }
        if !keep_rest {
            // The block now holds the largest group and the rest: move the group to the end
            // and give the rest, at the front, a block of its own.
            let keeper = groups.get(largest)?;
            let mid = self.move_to_end(block, keeper)?;
            let front = *self.first.get(block)?;
            *self.first.get_mut(block)? = mid;
            self.new_block(front, mid, moved)?;
        }
        Some(())
    }
}

/// Appends the signature of state `p` under the current partition: its block, its
/// acceptance, the block of its default target and the explicit edges whose target block
/// differs from the default's (a canonical description of "where each character leads").
fn signature(states: &[State], block_of: &[usize], p: usize, out: &mut Vec<usize>) -> Option<()> {
    let state = states.get(p)?;
    let default = *block_of.get(state.default)?;
    out.push(*block_of.get(p)?);
    out.push(usize::from(state.accept));
    out.push(default);
    for &(c, t) in state.edges.iter() {
        let target = *block_of.get(t)?;
        if target != default {
            out.push(c as usize);
            out.push(target);
        }
    }
    Some(())
}

/// The coarsest partition of `states` into blocks of equivalent states, as a block number
/// per state.
///
/// Partition refinement by signatures, where a round recomputes the signatures only of
/// predecessors of states that changed block in the previous round (all states in the
/// first round), splits each affected block by signature, and gives new block numbers to
/// all parts except the largest. Invariant at the start of a round: the states of a block
/// that are not re-examined have equal signatures, and a re-examined state's signature
/// mentions a block created in the previous round, which no other state of its block can
/// mention; so the parts are exactly the signature classes. A state changes block only
/// when its block at least halves, which bounds the work by `O(log n)` re-examinations
/// per edge.
fn refine(states: &[State]) -> Option<Vec<usize>> {
    let n = states.len();
    let predecessors = Predecessors::new(states);
    let mut partition = Partition::new(n);
    let mut dirty: Vec<usize> = (0..n).collect();
    let mut moved = Vec::new();
    let mut stamp = vec![0_usize; n];
    let mut round = 0_usize;
    let mut signatures = Vec::new();
    let mut bounds = Vec::new();
    while !dirty.is_empty() {
        signatures.clear();
        bounds.clear();
        for &p in &dirty {
            let from = signatures.len();
            signature(states, &partition.block_of, p, &mut signatures)?;
            bounds.push((from, signatures.len()));
        }
        // Group the re-examined states by signature (the block is part of it).
        let mut groups: Vec<(usize, Vec<usize>)> = Vec::new();
        {
            let mut index: HashMap<&[usize], usize> = HashMap::with_capacity(dirty.len());
            for (&p, &(from, to)) in dirty.iter().zip(&bounds) {
                let key = signatures.get(from..to)?;
                let group = *index.entry(key).or_insert_with(|| {
                    groups.push((partition.block_of.get(p).copied().unwrap_or(0), Vec::new()));
                    groups.len() - 1
                });
                groups.get_mut(group)?.1.push(p);
            }
        }
        groups.sort_by_key(|&(block, _)| block);
        moved.clear();
        let mut rest = groups.as_slice();
        while let Some(&(block, _)) = rest.first() {
            let count = rest.iter().take_while(|(b, _)| *b == block).count();
            let (same, tail) = rest.split_at_checked(count)?;
            rest = tail;
            let members: Vec<&[usize]> = same.iter().map(|(_, g)| g.as_slice()).collect();
            partition.split(block, &members, &mut moved)?;
        }
        round += 1;
        dirty.clear();
        for &q in &moved {
            for &p in predecessors.of(q) {
                let seen = stamp.get_mut(p)?;
                if *seen != round {
                    *seen = round;
                    dirty.push(p);
                }
            }
        }
    }
    Some(partition.block_of)
}

/// The automaton whose states are the blocks of `class`.
fn quotient(states: &[State], class: &[usize]) -> Vec<State> {
    let count = class.iter().max().map_or(0, |&m| m + 1);
    let mut representative: Vec<Option<usize>> = vec![None; count];
    for (p, &k) in class.iter().enumerate() {
        if let Some(slot @ None) = representative.get_mut(k) {
            *slot = Some(p);
        }
    }
    let block = |t: usize| class.get(t).copied().unwrap_or(0);
    representative
        .iter()
        .map(|rep| match rep.and_then(|p| states.get(p)) {
            Some(state) => {
                let default = block(state.default);
                State {
                    edges: state
                        .edges
                        .iter()
                        .map(|&(c, t)| (c, block(t)))
                        .filter(|&(_, t)| t != default)
                        .collect(),
                    default,
                    accept: state.accept,
                }
            }
            None => State::sink(false),
        })
        .collect()
}

/// The canonical form of an automaton that is already minimal, such as a [`chain`] (its state
/// `i` admits only suffixes of length `n - i`, so no two states are equivalent): only the
/// numbering is needed, which saves the partition refinement on the hottest constructor.
pub(super) fn canonical_minimal(raw: &[State]) -> Vec<State> {
    canonical(raw, 0)
}

/// Renumbers the states reachable from `start` breadth-first (explicit edges in character
/// order, then the default edge), dropping explicit edges that lead where the default does.
fn canonical(states: &[State], start: usize) -> Vec<State> {
    const UNSEEN: usize = usize::MAX;
    let mut index = vec![UNSEEN; states.len()];
    let mut order = Vec::new();
    if let Some(slot) = index.get_mut(start) {
        *slot = 0;
        order.push(start);
    }
    let mut i = 0;
    while let Some(&old) = order.get(i) {
        i += 1;
        let Some(state) = states.get(old) else {
            continue;
        };
        for target in state.targets() {
            if let Some(slot) = index.get_mut(target) {
                if *slot == UNSEEN {
                    *slot = order.len();
                    order.push(target);
                }
            }
        }
    }
    let renumber = |t: usize| index.get(t).copied().filter(|&t| t != UNSEEN).unwrap_or(0);
    let result: Vec<State> = order
        .iter()
        .filter_map(|&old| states.get(old))
        .map(|state| {
            let default = renumber(state.default);
            State {
                edges: state
                    .edges
                    .iter()
                    .map(|&(c, t)| (c, renumber(t)))
                    .filter(|&(_, t)| t != default)
                    .collect(),
                default,
                accept: state.accept,
            }
        })
        .collect();
    if result.is_empty() {
        vec![State::sink(false)]
    } else {
        result
    }
}

/// Numbers pairs of states as they are discovered, up to [`MAX_STATES`].
struct PairIndex {
    ids: HashMap<(usize, usize), usize>,
    pairs: Vec<(usize, usize)>,
}

impl PairIndex {
    fn new() -> PairIndex {
        PairIndex {
            ids: HashMap::from([((0, 0), 0)]),
            pairs: vec![(0, 0)],
        }
    }

    fn intern(&mut self, pair: (usize, usize)) -> Result<usize, TooComplex> {
        if let Some(&id) = self.ids.get(&pair) {
            return Ok(id);
        }
        let id = self.pairs.len();
        if id >= MAX_STATES {
            return Err(TooComplex { states: id + 1 });
        }
        self.ids.insert(pair, id);
        self.pairs.push(pair);
        Ok(id)
    }
}

/// The characters with an explicit edge in either state, sorted and deduplicated.
fn merged_chars(a: &State, b: &State) -> Vec<char> {
    let mut chars: Vec<char> = a
        .edges
        .iter()
        .chain(b.edges.iter())
        .map(|&(c, _)| c)
        .collect();
    chars.sort_unstable();
    chars.dedup();
    chars
}

/// The canonical minimal product of `a` and `b`, accepting a pair of states when `accept`
/// says so. Only reachable pairs are built.
pub(super) fn product(
    a: &[State],
    b: &[State],
    accept: fn(bool, bool) -> bool,
) -> Result<Vec<State>, TooComplex> {
    let sink = State::sink(false);
    let mut index = PairIndex::new();
    let mut out = Vec::new();
    while let Some(&(p, q)) = index.pairs.get(out.len()) {
        let sp = a.get(p).unwrap_or(&sink);
        let sq = b.get(q).unwrap_or(&sink);
        let default = index.intern((sp.default, sq.default))?;
        let mut edges = Vec::new();
        for c in merged_chars(sp, sq) {
            let target = index.intern((sp.next(c), sq.next(c)))?;
            if target != default {
                edges.push((c, target));
            }
        }
        out.push(State {
            edges: edges.into_boxed_slice(),
            default,
            accept: accept(sp.accept, sq.accept),
        });
    }
    Ok(minimise(&out))
}

/// Whether every string `a` accepts is accepted by `b`, exploring reachable pairs until a
/// counterexample is found.
pub(super) fn included(a: &[State], b: &[State]) -> Result<bool, TooComplex> {
    let sink = State::sink(false);
    let mut index = PairIndex::new();
    let mut next = 0;
    while let Some(&(p, q)) = index.pairs.get(next) {
        next += 1;
        let sp = a.get(p).unwrap_or(&sink);
        let sq = b.get(q).unwrap_or(&sink);
        if sp.accept && !sq.accept {
            return Ok(false);
        }
        index.intern((sp.default, sq.default))?;
        for c in merged_chars(sp, sq) {
            index.intern((sp.next(c), sq.next(c)))?;
        }
    }
    Ok(true)
}
