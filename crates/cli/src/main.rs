//! The `trustlint` command-line tool: argument parsing, file reading and output; the work is
//! done by `trustlint-core`.

mod args;
mod can_assume;
mod check;
mod config;
mod render;
mod report;
mod rules;
mod who;

use clap::Parser;
use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

/// The documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: clean / allowed.
    Success,
    /// 1: findings / denied.
    Failure,
    /// 2: usage error, unreadable path, nothing to evaluate.
    Error,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        match e {
            Exit::Success => ExitCode::from(0),
            Exit::Failure => ExitCode::from(1),
            Exit::Error => ExitCode::from(2),
        }
    }
}

/// Read a file, or standard input for `-`.
pub fn read_path(path: &Path) -> Result<Vec<u8>, String> {
    if path == Path::new("-") {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(buf);
    }
    std::fs::read(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))
}

/// Write to standard output; a closed pipe (`trustlint … | head`) is not an error.
pub fn print(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let result = match &cli.command {
        args::Command::Check(a) => check::run(a),
        args::Command::CanAssume(a) => can_assume::run(a),
        args::Command::WhoCanAssume(a) => who::who(a),
        args::Command::Diff(a) => who::diff(a),
        args::Command::Rules(a) => rules::list(a),
        args::Command::Explain(a) => rules::explain(a),
    };
    match result {
        Ok(exit) => exit.into(),
        Err(message) => {
            eprintln!("error: {message}");
            Exit::Error.into()
        }
    }
}
