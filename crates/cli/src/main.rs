//! The `trustlint` command-line tool.
fn main() {}
