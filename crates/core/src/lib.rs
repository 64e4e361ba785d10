//! trustlint-core: parse AWS IAM role trust policies with exact source spans, evaluate them
//! against a request with a full explanation, and report the mistakes they contain.
//!
//! The crate does no I/O and prints nothing.

pub mod json;
pub mod matching;
pub mod source;
