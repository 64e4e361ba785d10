//! Case folding for the `IgnoreCase` operators: which characters are equal to a given one.

use std::sync::OnceLock;

/// The folded form of `c`: its lowercase form when that is a single character, else `c`.
pub(crate) fn fold(c: char) -> char {
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Every `(fold(c), c)` with `fold(c) != c`, sorted.
fn folded_pairs() -> &'static [(char, char)] {
    static PAIRS: OnceLock<Vec<(char, char)>> = OnceLock::new();
    PAIRS.get_or_init(|| {
        let mut pairs: Vec<(char, char)> = (char::MIN..=char::MAX)
            .filter_map(|c| {
                let folded = fold(c);
                (folded != c).then_some((folded, c))
            })
            .collect();
        pairs.sort_unstable();
        pairs
    })
}

/// The characters equal to `c` under case folding (including `c`), sorted.
pub(super) fn class(c: char) -> Vec<char> {
    let target = fold(c);
    let pairs = folded_pairs();
    let from = pairs.partition_point(|&(f, _)| f < target);
    let mut class: Vec<char> = pairs
        .iter()
        .skip(from)
        .take_while(|&&(f, _)| f == target)
        .map(|&(_, source)| source)
        .collect();
    if fold(target) == target {
        class.push(target);
    }
    class.push(c);
    class.sort_unstable();
    class.dedup();
    class
}
