//! Shortest members, spelled with readable characters where there is a choice.

use std::iter::once;

use super::automaton::{Dfa, StateRef};

/// Characters in order of preference: a–z, 0–9, `-`, other printable ASCII, space, other
/// non-control characters, and control characters last.
fn readable_chars() -> impl Iterator<Item = char> {
    ('a'..='z')
        .chain('0'..='9')
        .chain(once('-'))
        .chain(('!'..='~').filter(|c| !c.is_ascii_lowercase() && !c.is_ascii_digit() && *c != '-'))
        .chain(once(' '))
        .chain(('\u{80}'..=char::MAX).filter(|c| !c.is_control()))
        .chain(('\0'..='\u{7f}').filter(char::is_ascii_control))
        .chain(('\u{80}'..=char::MAX).filter(|c| c.is_control()))
}

/// The position of `c` in [`readable_chars`], computed directly.
fn rank(c: char) -> u32 {
    let code = u32::from(c);
    if c.is_ascii_lowercase() {
        code - u32::from('a')
    } else if c.is_ascii_digit() {
        26 + code - u32::from('0')
    } else if c == '-' {
        36
    } else if c.is_ascii_graphic() {
        37 + code
    } else if c == ' ' {
        200
    } else if !c.is_control() {
        0x100 + code
    } else if c.is_ascii() {
        0x20_0000 + code
    } else {
        0x40_0000 + code
    }
}

/// The most readable character without an explicit edge in `state`.
fn default_char(state: &StateRef<'_>) -> Option<char> {
    readable_chars().find(|&c| !state.lists(c))
}

/// A shortest string the automaton accepts (start state first), or `None`.
pub(super) fn shortest(dfa: &Dfa) -> Option<String> {
    // For each state: how it was first reached (previous state and character).
    let mut parent: Vec<Option<(usize, char)>> = vec![None; dfa.len()];
    let mut seen = vec![false; dfa.len()];
    *seen.first_mut()? = true;
    let mut queue = Vec::with_capacity(dfa.len());
    queue.push(0);
    let mut next = 0;
    let mut found = None;
    // The edges of the state being expanded, most readable first (reused for every state).
    let mut options: Vec<(u32, char, usize)> = Vec::new();
    while let Some(&p) = queue.get(next) {
        next += 1;
        let state = dfa.state(p)?;
        if state.accept {
            found = Some(p);
            break;
        }
        options.clear();
        options.extend(state.edges.iter().map(|&(c, t)| (rank(c), c, t as usize)));
        if let Some(c) = default_char(&state) {
            options.push((rank(c), c, state.default));
        }
        options.sort_unstable();
        for &(_, c, t) in &options {
            if let Some(slot @ false) = seen.get_mut(t) {
                *slot = true;
                if let Some(link) = parent.get_mut(t) {
                    *link = Some((p, c));
                }
                queue.push(t);
            }
        }
    }
    let mut current = found?;
    let mut reversed = Vec::new();
    while let Some(&Some((previous, c))) = parent.get(current) {
        reversed.push(c);
        current = previous;
    }
    Some(reversed.into_iter().rev().collect())
}
