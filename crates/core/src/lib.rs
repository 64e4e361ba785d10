//! trustlint-core: parse AWS IAM role trust policies with exact source spans, evaluate them
//! against a request with a full explanation, and report the mistakes they contain.
//!
//! The crate does no I/O and prints nothing.
//!
//! ```
//! use trustlint_core::{identity::{Identity, Issuer, Query}, policy::parse_policy, eval::Decision};
//!
//! let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
//!   "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"},
//!   "Action": "sts:AssumeRoleWithWebIdentity",
//!   "Condition": {"StringEquals": {
//!     "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:payments:api",
//!     "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud": "sts.amazonaws.com"}}}]}"#;
//! let parsed = parse_policy(policy.as_bytes());
//! let query = Query {
//!     identity: Identity::WebIdentity {
//!         issuer: Issuer::parse("https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF").unwrap(),
//!         sub: "system:serviceaccount:payments:api".into(),
//!         aud: vec!["sts.amazonaws.com".into()],
//!     },
//!     account: None,
//!     partition: None,
//!     context: vec![],
//!     actions: vec![],
//! };
//! let answer = query.answer(parsed.policy.as_ref().unwrap(), None);
//! assert_eq!(answer.decision, Decision::Allow);
//! ```

pub mod algebra;
pub mod check;
pub mod crosscheck;
pub mod diagnostic;
pub mod eval;
pub mod identity;
pub mod input;
pub mod json;
pub mod k8s;
pub mod lint;
pub mod matching;
pub mod output;
pub mod policy;
pub mod source;
pub mod symbolic;
pub mod yaml;
