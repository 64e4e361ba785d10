//! Matching primitives for condition operators (SEMANTICS.md §3).
//!
//! - [`like`]: the `StringLike` wildcard matcher ([`LikePattern`], [`Piece`]).
//! - [`arn`]: `ArnLike` / `ArnEquals` ([`arn_like`], [`ArnPattern`]).
//! - [`template`]: policy variables such as `${aws:username}` inside condition values
//!   ([`parse_template`], [`Template`]).
//! - [`scalar`]: numeric, date, IP address, boolean and case-insensitive comparisons.
//!
//! Everything here works on single values; combining values, keys and set operators is the
//! evaluator's job.

pub mod arn;
pub mod like;
pub mod scalar;
pub mod template;

pub use arn::{arn_like, ArnPattern};
pub use like::{LikePattern, Piece};
pub use scalar::{eq_ignore_case, ip_in_cidr, parse_bool, parse_date, parse_number};
pub use template::{parse_template, Template, TemplateError, TemplatePart};
