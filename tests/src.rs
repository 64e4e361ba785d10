//! Cross-crate tests live in `tests/`; this library holds what they share.

use std::path::PathBuf;

/// The shared corpus: the one beside the repository when present, else the copy in the repo.
#[must_use]
pub fn corpus_dir() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let outer = root.join("../shared/corpus");
    if outer.join("index.jsonl").exists() {
        outer
    } else {
        root.join("corpus/shared")
    }
}
