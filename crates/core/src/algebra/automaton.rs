//! Complete DFAs with a default edge, stored flat: minimisation, canonical numbering and
//! products.
//!
//! An automaton ([`Dfa`]) is two arrays: one head per state (acceptance, default target and
//! where its explicit edges end) and every state's explicit edges one after another, so an
//! automaton costs two allocations whatever its size. State 0 is the start state and edge
//! targets are state numbers. Functions here never index out of range: a missing state
//! behaves as a rejecting sink, and if an internal invariant were ever broken minimisation
//! falls back to a correct but unminimised automaton.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::{TooComplex, MAX_STATES};

/// A state number that is not in any automaton (also "not numbered yet").
const UNSEEN: u32 = u32::MAX;

/// `i` as a stored state or edge number (`UNSEEN`, a missing state, if it does not fit).
fn id(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(UNSEEN)
}

/// A stored number as an index.
fn ix(i: u32) -> usize {
    usize::try_from(i).unwrap_or(usize::MAX)
}

/// The fixed-size part of a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Head {
    /// One past the position of the state's last explicit edge in [`Dfa::edges`] (its first
    /// is where the previous state's end).
    end: u32,
    /// The target for every character without an explicit edge.
    default: u32,
    /// Whether the state is accepting.
    accept: bool,
}

/// A complete DFA over Unicode scalar values, start state first.
///
/// Each state's explicit edges are sorted by character without duplicates. Built state by
/// state with [`Dfa::push_edge`] and [`Dfa::end_state`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub(super) struct Dfa {
    heads: Vec<Head>,
    edges: Vec<(char, u32)>,
}

/// A view of one state.
#[derive(Debug, Clone, Copy)]
pub(super) struct StateRef<'a> {
    /// Explicit edges, sorted by character without duplicates.
    pub(super) edges: &'a [(char, u32)],
    /// The target for every character without an explicit edge.
    pub(super) default: usize,
    /// Whether the state is accepting.
    pub(super) accept: bool,
}

impl<'a> StateRef<'a> {
    /// A rejecting state whose every edge leads to `itself` (what a missing state is).
    fn sink(itself: usize) -> StateRef<'static> {
        StateRef {
            edges: &[],
            default: itself,
            accept: false,
        }
    }

    /// The target on `c`.
    pub(super) fn next(&self, c: char) -> usize {
        match self.edges.binary_search_by_key(&c, |&(e, _)| e) {
            Ok(i) => self.edges.get(i).map_or(self.default, |&(_, t)| ix(t)),
            Err(_) => self.default,
        }
    }

    /// Whether `c` has an explicit edge.
    pub(super) fn lists(&self, c: char) -> bool {
        self.edges.binary_search_by_key(&c, |&(e, _)| e).is_ok()
    }

    /// Every target: the explicit ones, then the default.
    pub(super) fn targets(&self) -> impl Iterator<Item = usize> + 'a {
        self.edges
            .iter()
            .map(|&(_, t)| ix(t))
            .chain(std::iter::once(self.default))
    }
}

impl Dfa {
    /// An automaton with room for `states` states and `edges` explicit edges.
    pub(super) fn with_capacity(states: usize, edges: usize) -> Dfa {
        Dfa {
            heads: Vec::with_capacity(states),
            edges: Vec::with_capacity(edges),
        }
    }

    /// The one-state automaton accepting everything or nothing.
    pub(super) fn sink(accept: bool) -> Dfa {
        Dfa {
            heads: vec![Head {
                end: 0,
                default: 0,
                accept,
            }],
            edges: Vec::new(),
        }
    }

    /// The number of states.
    pub(super) fn len(&self) -> usize {
        self.heads.len()
    }

    /// State `i`, if there is one.
    pub(super) fn state(&self, i: usize) -> Option<StateRef<'_>> {
        let head = self.heads.get(i)?;
        let start = match i.checked_sub(1) {
            Some(before) => ix(self.heads.get(before)?.end),
            None => 0,
        };
        Some(StateRef {
            edges: self.edges.get(start..ix(head.end))?,
            default: ix(head.default),
            accept: head.accept,
        })
    }

    /// State `i`, or a rejecting sink when there is none.
    fn state_or_sink(&self, i: usize) -> StateRef<'_> {
        self.state(i).unwrap_or_else(|| StateRef::sink(i))
    }

    /// Every state in order.
    pub(super) fn states(&self) -> impl Iterator<Item = StateRef<'_>> {
        (0..self.len()).filter_map(|i| self.state(i))
    }

    /// Whether each state accepts, in order.
    pub(super) fn accepting(&self) -> impl Iterator<Item = bool> + '_ {
        self.heads.iter().map(|h| h.accept)
    }

    /// Adds an explicit edge to the state being built (in character order).
    pub(super) fn push_edge(&mut self, c: char, target: usize) {
        self.edges.push((c, id(target)));
    }

    /// Ends the state being built: the edges pushed since the previous state are its own.
    pub(super) fn end_state(&mut self, default: usize, accept: bool) {
        self.heads.push(Head {
            end: id(self.edges.len()),
            default: id(default),
            accept,
        });
    }

    /// The same automaton with every state's acceptance flipped.
    pub(super) fn complement(&self) -> Dfa {
        Dfa {
            heads: self
                .heads
                .iter()
                .map(|h| Head {
                    accept: !h.accept,
                    ..*h
                })
                .collect(),
            edges: self.edges.clone(),
        }
    }
}

/// A trie accepting exactly `words`: state 0 is the root, the last state a rejecting sink.
/// Not minimal in general (common suffixes are not shared): minimise it.
pub(super) fn trie<'w>(words: impl Iterator<Item = &'w str>) -> Dfa {
    // Sorted words add a node's children in character order, so each node's children can
    // be a linked list in flat arrays (first child, next sibling) that is already sorted.
    let mut words: Vec<&str> = words.collect();
    words.sort_unstable();
    words.dedup();
    const NONE: u32 = UNSEEN;
    // Per node: its character, first child, last child, next sibling and acceptance.
    let mut label: Vec<char> = vec!['\0'];
    let mut first: Vec<u32> = vec![NONE];
    let mut last: Vec<u32> = vec![NONE];
    let mut sibling: Vec<u32> = vec![NONE];
    let mut accept: Vec<bool> = vec![false];
    for word in words {
        let mut at = 0_usize;
        for c in word.chars() {
            // Sorted words: a new child of `at` comes after all its existing children, so
            // only the last child can already be `c`.
            let tail = last.get(at).copied().unwrap_or(NONE);
            if tail != NONE && label.get(ix(tail)) == Some(&c) {
                at = ix(tail);
                continue;
            }
            let node = id(label.len());
            label.push(c);
            first.push(NONE);
            last.push(NONE);
            sibling.push(NONE);
            accept.push(false);
            if tail == NONE {
                if let Some(slot) = first.get_mut(at) {
                    *slot = node;
                }
            } else if let Some(slot) = sibling.get_mut(ix(tail)) {
                *slot = node;
            }
            if let Some(slot) = last.get_mut(at) {
                *slot = node;
            }
            at = ix(node);
        }
        if let Some(a) = accept.get_mut(at) {
            *a = true;
        }
    }
    let sink = label.len();
    let mut dfa = Dfa::with_capacity(sink + 1, sink);
    for (node, &accepting) in accept.iter().enumerate() {
        let mut child = first.get(node).copied().unwrap_or(NONE);
        while child != NONE {
            let c = label.get(ix(child)).copied().unwrap_or('\0');
            dfa.push_edge(c, ix(child));
            child = sibling.get(ix(child)).copied().unwrap_or(NONE);
        }
        dfa.end_state(sink, accepting);
    }
    dfa.end_state(sink, false);
    dfa
}

/// Distinct signatures, numbered in order of insertion (a hash-consing table).
struct Signatures {
    /// Every distinct signature, one after another.
    arena: Vec<u32>,
    /// The range of each signature in `arena`.
    spans: Vec<(usize, usize)>,
    /// The first signature with a given hash; `chain` links the others.
    first: HashMap<u64, u32, BuildHasherDefault<PairHasher>>,
    chain: Vec<u32>,
}

impl Signatures {
    fn with_capacity(n: usize) -> Signatures {
        Signatures {
            arena: Vec::with_capacity(4 * n),
            spans: Vec::with_capacity(n),
            first: HashMap::with_capacity_and_hasher(n, BuildHasherDefault::default()),
            chain: Vec::with_capacity(n),
        }
    }

    /// The number of `sig`, adding it when new.
    fn intern(&mut self, sig: &[u32]) -> usize {
        let mut hasher = PairHasher::default();
        for &x in sig {
            hasher.write_u64(u64::from(x));
        }
        let hash = hasher.finish();
        let mut at = self.first.get(&hash).copied().unwrap_or(UNSEEN);
        let mut last = UNSEEN;
        while at != UNSEEN {
            let span = self.spans.get(ix(at)).copied().unwrap_or((0, 0));
            if self.arena.get(span.0..span.1) == Some(sig) {
                return ix(at);
            }
            last = at;
            at = self.chain.get(ix(at)).copied().unwrap_or(UNSEEN);
        }
        let fresh = id(self.spans.len());
        let from = self.arena.len();
        self.arena.extend_from_slice(sig);
        self.spans.push((from, self.arena.len()));
        self.chain.push(UNSEEN);
        match self.chain.get_mut(ix(last)) {
            Some(link) => *link = fresh,
            None => {
                self.first.insert(hash, fresh);
            }
        }
        ix(fresh)
    }
}

/// The canonical minimal automaton of exactly `words`, without partition refinement.
///
/// In the [`trie`] every node is a prefix of a word (so only the sink rejects everything)
/// and every child is numbered after its parent, so visiting the nodes from the last to the
/// first sees every child before its parent. Two nodes are equivalent exactly when they
/// agree on acceptance and on the classes of their children, character by character: the
/// classic bottom-up minimisation of an acyclic automaton, linear in the trie's size (one
/// hash-table look-up per node).
pub(super) fn finite<'w>(words: impl Iterator<Item = &'w str>) -> Dfa {
    let trie = trie(words);
    let Some(sink) = trie.len().checked_sub(1) else {
        return Dfa::sink(false);
    };
    if trie
        .state(0)
        .is_none_or(|root| !root.accept && root.edges.is_empty())
    {
        // No word: the root is no prefix of one.
        return Dfa::sink(false);
    }
    // Class 0 is the sink (the empty language); a node's signature is its acceptance, then
    // each explicit edge as (character, class of the child).
    let mut class = vec![0_u32; trie.len()];
    let mut table = Signatures::with_capacity(trie.len());
    let sink_signature = [u32::MAX];
    table.intern(&sink_signature);
    let mut sig: Vec<u32> = Vec::new();
    for node in (0..sink).rev() {
        let Some(state) = trie.state(node) else {
            continue;
        };
        sig.clear();
        sig.push(u32::from(state.accept));
        for &(c, child) in state.edges {
            sig.push(u32::from(c));
            sig.push(class.get(ix(child)).copied().unwrap_or(0));
        }
        let k = table.intern(&sig);
        if let Some(slot) = class.get_mut(node) {
            *slot = id(k);
        }
    }
    // One state per class, then canonical numbering from the root's class.
    let mut dfa = Dfa::with_capacity(table.spans.len(), trie.edges.len());
    for (k, &(from, to)) in table.spans.iter().enumerate() {
        let body = table.arena.get(from..to).unwrap_or_default();
        match body.split_first() {
            Some((&accept, edges)) if k != 0 => {
                for pair in edges.chunks_exact(2) {
                    if let [c, target] = *pair {
                        dfa.push_edge(char::from_u32(c).unwrap_or('\0'), ix(target));
                    }
                }
                dfa.end_state(0, accept == 1);
            }
            _ => dfa.end_state(0, false),
        }
    }
    let root = class.first().copied().map_or(0, ix);
    canonical(&dfa, root)
}

/// An automaton accepting exactly the strings whose `i`-th character is in the `i`-th class:
/// a chain of states `0..=n` followed by a rejecting sink `n + 1` (the general construction,
/// against which the tests check [`chain_canonical`]).
#[cfg(test)]
pub(super) fn chain(classes: impl Iterator<Item = Vec<char>>) -> Dfa {
    let classes: Vec<Vec<char>> = classes.collect();
    let n = classes.len();
    let sink = n + 1;
    let mut dfa = Dfa::with_capacity(n + 2, n);
    for (i, mut class) in classes.into_iter().enumerate() {
        class.sort_unstable();
        class.dedup();
        for c in class {
            dfa.push_edge(c, i + 1);
        }
        dfa.end_state(sink, false);
    }
    dfa.end_state(sink, true);
    dfa.end_state(sink, false);
    dfa
}

/// What a [`chain_canonical`] accepts after its last class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tail {
    /// Only the end of the string.
    End,
    /// Any continuation (the last state accepts everything).
    Anything,
}

/// The canonical minimal automaton of the strings whose `i`-th character is in the `i`-th
/// class (each sorted, deduplicated and non-empty) followed by the end of the string
/// ([`Tail::End`]) or by anything ([`Tail::Anything`]), built directly in canonical order.
///
/// The chain is minimal: its `i`-th state's shortest member has `n - i` characters, so no two
/// are equivalent, the accept-everything state and the rejecting sink are unique. Breadth-
/// first numbering visits the start (0), the state after one character (1), then the sink
/// (2, the start's default target), then the state after `k ≥ 2` characters as `k + 1`.
/// `None` when a class is empty.
pub(super) fn chain_canonical<C: AsRef<[char]>>(
    classes: impl ExactSizeIterator<Item = C>,
    tail: Tail,
) -> Option<Dfa> {
    let n = classes.len();
    if n == 0 {
        return Some(match tail {
            // The empty string only: the start accepts, everything else is the sink.
            Tail::End => {
                let mut dfa = Dfa::with_capacity(2, 0);
                dfa.end_state(1, true);
                dfa.end_state(1, false);
                dfa
            }
            Tail::Anything => Dfa::sink(true),
        });
    }
    // The canonical number of the chain state after `k` characters.
    let number = |k: usize| if k <= 1 { k } else { k + 1 };
    const SINK: usize = 2;
    let mut dfa = Dfa::with_capacity(n + 2, n);
    let mut classes = classes.enumerate();
    let emit_chain_state = |dfa: &mut Dfa, k: usize, class: &[char]| -> Option<()> {
        if class.is_empty() {
            return None;
        }
        for &c in class {
            dfa.push_edge(c, number(k + 1));
        }
        dfa.end_state(SINK, false);
        Some(())
    };
    let final_state = |dfa: &mut Dfa| match tail {
        Tail::End => dfa.end_state(SINK, true),
        Tail::Anything => dfa.end_state(number(n), true),
    };
    // State 0 and state 1 (the chain state after one character, or the final state).
    let (_, c0) = classes.next()?;
    emit_chain_state(&mut dfa, 0, c0.as_ref())?;
    match classes.next() {
        Some((k, class)) => emit_chain_state(&mut dfa, k, class.as_ref())?,
        None => final_state(&mut dfa),
    }
    dfa.end_state(SINK, false);
    for (k, class) in classes {
        emit_chain_state(&mut dfa, k, class.as_ref())?;
    }
    if n >= 2 {
        final_state(&mut dfa);
    }
    Some(dfa)
}

/// The canonical minimal automaton accepting what `raw` accepts.
pub(super) fn minimise(raw: &Dfa) -> Dfa {
    if raw.len() == 0 {
        return Dfa::sink(false);
    }
    match refine(raw) {
        Some(class) => {
            let start = class.first().copied().map_or(0, ix);
            canonical(&quotient(raw, &class), start)
        }
        None => canonical(raw, 0),
    }
}

/// Predecessor lists in compressed form.
struct Predecessors {
    /// `list[start[q]..start[q + 1]]` are the states with an edge to `q` (with repeats).
    start: Vec<u32>,
    list: Vec<u32>,
}

impl Predecessors {
    fn new(dfa: &Dfa) -> Predecessors {
        let n = dfa.len();
        let mut start = vec![0_u32; n + 1];
        for state in dfa.states() {
            for target in state.targets() {
                if let Some(count) = start.get_mut(target + 1) {
                    *count += 1;
                }
            }
        }
        for q in 0..n {
            let before = start.get(q).copied().unwrap_or(0);
            if let Some(slot) = start.get_mut(q + 1) {
                *slot += before;
            }
        }
        let mut fill = start.clone();
        let mut list = vec![0; start.last().map_or(0, |&x| ix(x))];
        for (p, state) in dfa.states().enumerate() {
            for target in state.targets() {
                if let Some(pos) = fill.get_mut(target) {
                    if let Some(slot) = list.get_mut(ix(*pos)) {
                        *slot = id(p);
                    }
                    *pos += 1;
                }
            }
        }
        Predecessors { start, list }
    }

    fn of(&self, q: usize) -> &[u32] {
        let from = self.start.get(q).map_or(0, |&x| ix(x));
        let to = self.start.get(q + 1).map_or(from, |&x| ix(x));
        self.list.get(from..to).unwrap_or_default()
    }
}

/// A partition of the states into blocks, each block a contiguous range of `elems`.
struct Partition {
    /// The states, grouped by block.
    elems: Vec<u32>,
    /// The position of each state in `elems`.
    loc: Vec<u32>,
    /// The block of each state.
    block_of: Vec<u32>,
    /// The range of each block in `elems`.
    first: Vec<u32>,
    end: Vec<u32>,
}

impl Partition {
    /// One block holding every state.
    fn new(n: usize) -> Partition {
        Partition {
            elems: (0..n).map(id).collect(),
            loc: (0..n).map(id).collect(),
            block_of: vec![0; n],
            first: vec![0],
            end: vec![id(n)],
        }
    }

    fn size(&self, block: usize) -> Option<usize> {
        Some(ix(*self.end.get(block)?) - ix(*self.first.get(block)?))
    }

    /// Moves the states of `group` (all in `block`) to the end of the block's range and
    /// returns the position where they start.
    fn move_to_end(&mut self, block: usize, group: &[u32]) -> Option<usize> {
        let mut end = ix(*self.end.get(block)?);
        for &s in group {
            end = end.checked_sub(1)?;
            let pos = ix(*self.loc.get(ix(s))?);
            let other = *self.elems.get(end)?;
            self.elems.swap(pos, end);
            *self.loc.get_mut(ix(s))? = id(end);
            *self.loc.get_mut(ix(other))? = id(pos);
        }
        Some(end)
    }

    /// Turns `elems[from..to]` into a new block, recording its states in `moved`.
    fn new_block(&mut self, from: usize, to: usize, moved: &mut Vec<u32>) -> Option<()> {
        let block = id(self.first.len());
        self.first.push(id(from));
        self.end.push(id(to));
        for &s in self.elems.get(from..to)? {
            *self.block_of.get_mut(ix(s))? = block;
            moved.push(s);
        }
        Some(())
    }

    /// Splits `block` into the groups `states[range]` of its states plus the rest (when
    /// non-empty). The largest part keeps the block; every other part becomes a new block
    /// and its states are recorded in `moved`.
    fn split(
        &mut self,
        block: usize,
        states: &[u32],
        groups: &[(usize, usize)],
        moved: &mut Vec<u32>,
    ) -> Option<()> {
        let grouped: usize = groups.iter().map(|&(from, to)| to - from).sum();
        let rest = self.size(block)?.checked_sub(grouped)?;
        if groups.len() + usize::from(rest > 0) <= 1 {
            return Some(());
        }
        let (largest, largest_len) = groups
            .iter()
            .enumerate()
            .map(|(i, &(from, to))| (i, to - from))
            .fold((0, 0), |best, cur| if cur.1 > best.1 { cur } else { best });
        let keep_rest = rest >= largest_len;
        for (i, &(from, to)) in groups.iter().enumerate() {
            if !keep_rest && i == largest {
                continue;
            }
            let start = self.move_to_end(block, states.get(from..to)?)?;
            let stop = ix(*self.end.get(block)?);
            *self.end.get_mut(block)? = id(start);
            self.new_block(start, stop, moved)?;
        }
        if !keep_rest {
            // The block now holds the largest group and the rest: move the group to the end
            // and give the rest, at the front, a block of its own.
            let &(from, to) = groups.get(largest)?;
            let mid = self.move_to_end(block, states.get(from..to)?)?;
            let front = ix(*self.first.get(block)?);
            *self.first.get_mut(block)? = id(mid);
            self.new_block(front, mid, moved)?;
        }
        Some(())
    }
}

/// Appends the signature of state `p` under the current partition: its block, its
/// acceptance, the block of its default target and the explicit edges whose target block
/// differs from the default's (a canonical description of "where each character leads").
fn signature(dfa: &Dfa, block_of: &[u32], p: usize, out: &mut Vec<u32>) -> Option<()> {
    let state = dfa.state(p)?;
    let default = *block_of.get(state.default)?;
    out.push(*block_of.get(p)?);
    out.push(u32::from(state.accept));
    out.push(default);
    for &(c, t) in state.edges {
        let target = *block_of.get(ix(t))?;
        if target != default {
            out.push(u32::from(c));
            out.push(target);
        }
    }
    Some(())
}

/// The coarsest partition of the states of `dfa` into blocks of equivalent states, as a
/// block number per state.
///
/// Partition refinement by signatures, where a round recomputes the signatures only of
/// predecessors of states that changed block in the previous round (all states in the
/// first round), splits each affected block by signature, and gives new block numbers to
/// all parts except the largest. Invariant at the start of a round: the states of a block
/// that are not re-examined have equal signatures, and a re-examined state's signature
/// mentions a block created in the previous round, which no other state of its block can
/// mention; so the parts are exactly the signature classes. A state changes block only
/// when its block at least halves, which bounds the work by `O(log n)` re-examinations
/// per edge. The buffers of a round are reused by the next, so a round allocates nothing.
fn refine(dfa: &Dfa) -> Option<Vec<u32>> {
    let n = dfa.len();
    let predecessors = Predecessors::new(dfa);
    let mut partition = Partition::new(n);
    let mut dirty: Vec<u32> = (0..n).map(id).collect();
    let mut moved: Vec<u32> = Vec::new();
    let mut stamp = vec![0_u32; n];
    let mut round = 0_u32;
    let mut signatures: Vec<u32> = Vec::new();
    let mut bounds: Vec<(usize, usize)> = Vec::new();
    let mut order: Vec<u32> = Vec::new();
    let mut sorted: Vec<u32> = Vec::new();
    let mut groups: Vec<(usize, usize)> = Vec::new();
    while !dirty.is_empty() {
        signatures.clear();
        bounds.clear();
        for &p in &dirty {
            let from = signatures.len();
            signature(dfa, &partition.block_of, ix(p), &mut signatures)?;
            bounds.push((from, signatures.len()));
        }
        // Sort the re-examined states by signature: its first entry is the block, so each
        // block's states are contiguous, and within a block equal signatures are.
        let sig = |i: u32| {
            bounds
                .get(ix(i))
                .and_then(|&(from, to)| signatures.get(from..to))
                .unwrap_or_default()
        };
        order.clear();
        order.extend((0..dirty.len()).map(id));
        order.sort_unstable_by(|&x, &y| sig(x).cmp(sig(y)));
        sorted.clear();
        sorted.extend(order.iter().filter_map(|&i| dirty.get(ix(i)).copied()));
        moved.clear();
        let mut at = 0;
        while at < order.len() {
            let block_here = |i: usize| {
                order
                    .get(i)
                    .and_then(|&o| sig(o).first().copied())
                    .unwrap_or(UNSEEN)
            };
            let block = block_here(at);
            groups.clear();
            let mut from = at;
            while at < order.len() && block_here(at) == block {
                at += 1;
                let same = at < order.len()
                    && order
                        .get(at)
                        .zip(order.get(from))
                        .is_some_and(|(&a, &b)| sig(a) == sig(b));
                if !same {
                    groups.push((from, at));
                    from = at;
                }
            }
            partition.split(ix(block), &sorted, &groups, &mut moved)?;
        }
        round += 1;
        dirty.clear();
        for &q in &moved {
            for &p in predecessors.of(ix(q)) {
                let seen = stamp.get_mut(ix(p))?;
                if *seen != round {
                    *seen = round;
                    dirty.push(p);
                }
            }
        }
    }
    Some(partition.block_of)
}

/// The automaton whose states are the blocks of `class` (block `k` is state `k`).
fn quotient(dfa: &Dfa, class: &[u32]) -> Dfa {
    let count = class.iter().max().map_or(0, |&m| ix(m) + 1);
    let mut representative: Vec<u32> = vec![UNSEEN; count];
    for (p, &k) in class.iter().enumerate() {
        if let Some(slot) = representative.get_mut(ix(k)) {
            if *slot == UNSEEN {
                *slot = id(p);
            }
        }
    }
    let block = |t: usize| class.get(t).map_or(0, |&k| ix(k));
    let mut out = Dfa::with_capacity(count, dfa.edges.len());
    for &rep in &representative {
        match dfa.state(ix(rep)) {
            Some(state) => {
                let default = block(state.default);
                for &(c, t) in state.edges {
                    let t = block(ix(t));
                    if t != default {
                        out.push_edge(c, t);
                    }
                }
                out.end_state(default, state.accept);
            }
            None => out.end_state(out.len(), false),
        }
    }
    out
}

/// Renumbers the states reachable from `start` breadth-first (explicit edges in character
/// order, then the default edge), dropping explicit edges that lead where the default does.
pub(super) fn canonical(dfa: &Dfa, start: usize) -> Dfa {
    let mut index = vec![UNSEEN; dfa.len()];
    let mut order: Vec<u32> = Vec::with_capacity(dfa.len());
    if let Some(slot) = index.get_mut(start) {
        *slot = 0;
        order.push(id(start));
    }
    let mut i = 0;
    while let Some(&old) = order.get(i) {
        i += 1;
        let Some(state) = dfa.state(ix(old)) else {
            continue;
        };
        for target in state.targets() {
            if let Some(slot) = index.get_mut(target) {
                if *slot == UNSEEN {
                    *slot = id(order.len());
                    order.push(id(target));
                }
            }
        }
    }
    if order.is_empty() {
        return Dfa::sink(false);
    }
    let renumber = |t: usize| index.get(t).copied().filter(|&t| t != UNSEEN).map_or(0, ix);
    let mut out = Dfa::with_capacity(order.len(), dfa.edges.len());
    for &old in &order {
        let Some(state) = dfa.state(ix(old)) else {
            continue;
        };
        let default = renumber(state.default);
        for &(c, t) in state.edges {
            let t = renumber(ix(t));
            if t != default {
                out.push_edge(c, t);
            }
        }
        out.end_state(default, state.accept);
    }
    out
}

/// A fast hasher for pairs of state numbers (multiply and rotate; not for untrusted keys
/// in general, but the keys here are small numbers the automata themselves produce).
#[derive(Default)]
struct PairHasher(u64);

impl Hasher for PairHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, x: usize) {
        self.write_u64(u64::try_from(x).unwrap_or(u64::MAX));
    }
}

/// The largest `|A|·|B|` for which pairs are numbered through a dense table.
const DENSE_PAIRS: usize = 1 << 18;

/// Numbers pairs of states as they are discovered, up to [`MAX_STATES`]: through a dense
/// table when the automata are small, a hash map otherwise.
struct PairIndex {
    width: usize,
    height: usize,
    /// Pair numbers plus one by `p * width + q`; 0 where the pair was not seen.
    dense: Vec<u32>,
    sparse: HashMap<(usize, usize), u32, BuildHasherDefault<PairHasher>>,
    pairs: Vec<(usize, usize)>,
}

impl PairIndex {
    /// An index of pairs of states of automata of `height` and `width` states, holding
    /// `(0, 0)` as pair 0.
    fn new(height: usize, width: usize) -> PairIndex {
        let dense = match height.checked_mul(width) {
            // Zero for "not seen", so that the table comes zeroed from the allocator (large
            // tables as untouched pages, faulted in only where pairs are found).
            Some(cells) if cells <= DENSE_PAIRS => vec![0; cells],
            _ => Vec::new(),
        };
        let mut index = PairIndex {
            width,
            height,
            dense,
            sparse: HashMap::default(),
            pairs: Vec::new(),
        };
        // Pair 0 is always new: this cannot fail.
        let _ = index.intern(0, 0);
        index
    }

    fn cell(&self, p: usize, q: usize) -> Option<usize> {
        (p < self.height && q < self.width && !self.dense.is_empty()).then(|| p * self.width + q)
    }

    fn intern(&mut self, p: usize, q: usize) -> Result<usize, TooComplex> {
        let cell = self.cell(p, q);
        let known = match cell {
            Some(i) => self
                .dense
                .get(i)
                .and_then(|&x| x.checked_sub(1))
                .filter(|&x| x != UNSEEN),
            None => self.sparse.get(&(p, q)).copied(),
        };
        if let Some(known) = known {
            return Ok(ix(known));
        }
        let fresh = self.pairs.len();
        if fresh >= MAX_STATES {
            return Err(TooComplex { states: fresh + 1 });
        }
        match cell.and_then(|i| self.dense.get_mut(i)) {
            Some(slot) => *slot = id(fresh + 1),
            None => {
                self.sparse.insert((p, q), id(fresh));
            }
        }
        self.pairs.push((p, q));
        Ok(fresh)
    }
}

/// Calls `f(c, a_target, b_target)` for every character with an explicit edge in `a` or
/// `b`, in character order (one sorted merge, no allocation).
fn for_each_merged<E>(
    a: StateRef<'_>,
    b: StateRef<'_>,
    mut f: impl FnMut(char, usize, usize) -> Result<(), E>,
) -> Result<(), E> {
    let (mut i, mut j) = (0, 0);
    loop {
        let (c, ta, tb) = match (a.edges.get(i), b.edges.get(j)) {
            (None, None) => return Ok(()),
            (Some(&(c, t)), None) => {
                i += 1;
                (c, ix(t), b.default)
            }
            (None, Some(&(c, t))) => {
                j += 1;
                (c, a.default, ix(t))
            }
            (Some(&(ca, ta)), Some(&(cb, tb))) => match ca.cmp(&cb) {
                Ordering::Less => {
                    i += 1;
                    (ca, ix(ta), b.default)
                }
                Ordering::Greater => {
                    j += 1;
                    (cb, a.default, ix(tb))
                }
                Ordering::Equal => {
                    i += 1;
                    j += 1;
                    (ca, ix(ta), ix(tb))
                }
            },
        };
        f(c, ta, tb)?;
    }
}

/// The canonical minimal product of `a` and `b`, accepting a pair of states when `accept`
/// says so. Only reachable pairs are built.
pub(super) fn product(a: &Dfa, b: &Dfa, accept: fn(bool, bool) -> bool) -> Result<Dfa, TooComplex> {
    Ok(minimise(&product_raw(a, b, accept)?))
}

/// The product of `a` and `b` over the reachable pairs, numbered in discovery order and not
/// minimised (enough for questions about its language, such as a shortest member).
pub(super) fn product_raw(
    a: &Dfa,
    b: &Dfa,
    accept: fn(bool, bool) -> bool,
) -> Result<Dfa, TooComplex> {
    let mut index = PairIndex::new(a.len(), b.len());
    let mut out = Dfa::with_capacity(a.len().max(b.len()) + 1, a.edges.len() + b.edges.len());
    while let Some(&(p, q)) = index.pairs.get(out.len()) {
        let sp = a.state_or_sink(p);
        let sq = b.state_or_sink(q);
        let default = index.intern(sp.default, sq.default)?;
        for_each_merged(sp, sq, |c, ta, tb| {
            let target = index.intern(ta, tb)?;
            if target != default {
                out.push_edge(c, target);
            }
            Ok(())
        })?;
        out.end_state(default, accept(sp.accept, sq.accept));
    }
    Ok(out)
}

/// Whether every string `a` accepts is accepted by `b`, exploring reachable pairs until a
/// counterexample is found.
pub(super) fn included(a: &Dfa, b: &Dfa) -> Result<bool, TooComplex> {
    let mut index = PairIndex::new(a.len(), b.len());
    let mut next = 0;
    while let Some(&(p, q)) = index.pairs.get(next) {
        next += 1;
        let sp = a.state_or_sink(p);
        let sq = b.state_or_sink(q);
        if sp.accept && !sq.accept {
            return Ok(false);
        }
        index.intern(sp.default, sq.default)?;
        for_each_merged(sp, sq, |_, ta, tb| index.intern(ta, tb).map(|_| ()))?;
    }
    Ok(true)
}
