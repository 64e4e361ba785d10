//! The baseline of the dump benchmarks: a typed `serde_json` parse of an authorization-details
//! file that keeps each role's name, ARN and trust policy (as its raw text), and nothing else.
//!
//! ```text
//! cargo run -p trustlint-benches --release --bin parse-baseline -- <path>
//! ```

use serde::Deserialize;
use std::process::ExitCode;
use std::time::Instant;

/// The document.
#[derive(Deserialize)]
struct Details {
    /// The roles.
    #[serde(rename = "RoleDetailList")]
    roles: Vec<Role>,
}

/// One role.
#[derive(Deserialize)]
struct Role {
    /// Its name.
    #[serde(rename = "RoleName")]
    _name: String,
    /// Its ARN.
    #[serde(rename = "Arn")]
    _arn: String,
    /// Its trust policy, as written.
    #[serde(rename = "AssumeRolePolicyDocument")]
    _policy: Box<serde_json::value::RawValue>,
}

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: parse-baseline <path>");
        return ExitCode::from(2);
    };
    let start = Instant::now();
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("cannot read `{path}`: {e}");
            return ExitCode::FAILURE;
        }
    };
    let read = start.elapsed();
    match serde_json::from_slice::<Details>(&bytes) {
        Ok(d) => {
            eprintln!(
                "{} roles: read {read:?}, read+parse {:?}",
                d.roles.len(),
                start.elapsed()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("not an authorization-details document: {e}");
            ExitCode::FAILURE
        }
    }
}
