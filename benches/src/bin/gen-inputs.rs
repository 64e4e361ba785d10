//! Write generated inputs (seeded, reproducible): an authorization-details dump, a Terraform
//! plan, or a folder of single-policy files.
//!
//! ```text
//! cargo run -p trustlint-benches --release --bin gen-inputs -- dump  <roles> <out-file> [seed]
//! cargo run -p trustlint-benches --release --bin gen-inputs -- plan  <roles> <out-file> [seed]
//! cargo run -p trustlint-benches --release --bin gen-inputs -- files <count> <out-dir>  [seed]
//! ```
//!
//! `files` writes `team-NNN/role-NNNNN.json`, 100 files per folder. In every form the role (or
//! file) at index `trustlint_benches::BENCH_ROLE` is assumable by
//! `trustlint can-assume … --issuer <BENCH_ISSUER> --sa <BENCH_SA>`.

use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "usage: gen-inputs dump|plan|files <count> <out-path> [seed]";

fn files(seed: u64, count: usize, dir: &Path) -> std::io::Result<usize> {
    let mut bytes = 0;
    for i in 0..count {
        let folder = dir.join(format!("team-{:03}", i / 100));
        if i % 100 == 0 {
            std::fs::create_dir_all(&folder)?;
        }
        let text = trustlint_benches::policy(seed, i);
        bytes += text.len();
        std::fs::write(folder.join(format!("role-{i:05}.json")), text)?;
    }
    Ok(bytes)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (kind, count, path, seed) = match args.as_slice() {
        [kind, count, path] => (kind, count, path, "1"),
        [kind, count, path, seed] => (kind, count, path, seed.as_str()),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let (Ok(count), Ok(seed)) = (count.parse::<usize>(), seed.parse::<u64>()) else {
        eprintln!("{USAGE}\n<count> and [seed] are non-negative integers");
        return ExitCode::from(2);
    };
    let written = match kind.as_str() {
        "dump" => {
            let text = trustlint_benches::authorization_details(seed, count);
            std::fs::write(path, &text).map(|()| text.len())
        }
        "plan" => {
            let text = trustlint_benches::terraform_plan(seed, count);
            std::fs::write(path, &text).map(|()| text.len())
        }
        "files" => files(seed, count, Path::new(path)),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match written {
        Ok(bytes) => {
            eprintln!(
                "wrote {kind} of {count} ({bytes} bytes, seed {seed}) to {path}\n\
                 try: trustlint can-assume <file> --issuer {} --sa {}",
                trustlint_benches::BENCH_ISSUER,
                trustlint_benches::BENCH_SA,
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cannot write `{path}`: {e}");
            ExitCode::FAILURE
        }
    }
}
