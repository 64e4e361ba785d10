//! Write a generated `aws iam get-account-authorization-details` file.
//!
//! ```text
//! cargo run -p trustlint-benches --release --bin gen-auth-details -- <roles> <out-path> [seed]
//! ```
//!
//! The role at index `trustlint_benches::BENCH_ROLE` is assumable by
//! `trustlint can-assume <out-path> --issuer <BENCH_ISSUER> --sa <BENCH_SA>`.

use std::process::ExitCode;

const USAGE: &str = "usage: gen-auth-details <roles> <out-path> [seed]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (roles, path, seed) = match args.as_slice() {
        [roles, path] => (roles, path, "1"),
        [roles, path, seed] => (roles, path, seed.as_str()),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let (Ok(roles), Ok(seed)) = (roles.parse::<usize>(), seed.parse::<u64>()) else {
        eprintln!("{USAGE}\n<roles> and [seed] are non-negative integers");
        return ExitCode::from(2);
    };
    let text = trustlint_benches::authorization_details(seed, roles);
    if let Err(e) = std::fs::write(path, &text) {
        eprintln!("cannot write `{path}`: {e}");
        return ExitCode::FAILURE;
    }
    eprintln!(
        "wrote {roles} roles ({} bytes, seed {seed}) to {path}\n\
         try: trustlint can-assume {path} --issuer {} --sa {}",
        text.len(),
        trustlint_benches::BENCH_ISSUER,
        trustlint_benches::BENCH_SA,
    );
    ExitCode::SUCCESS
}
