//! The `trustlint` command-line tool: argument parsing, file reading and output; the work is
//! done by `trustlint-core`.

mod args;
mod can_assume;
mod check;
mod config;
mod pipeline;
mod render;
mod report;
mod rules;
mod stream;
mod who;

use clap::Parser;
use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

/// mimalloc: checking allocates many small, short-lived values on every thread, and glibc's
/// allocator took a fifth of the time (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

/// The largest input file trustlint reads: 1 GiB. A larger file (or standard input) is not
/// read: `check` reports it as a TL001 finding on the file, the other commands fail with exit
/// code 2. The hidden `TRUSTLINT_MAX_FILE_BYTES` environment variable lowers (or raises) it.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// The size cap in effect (see [`MAX_FILE_BYTES`]).
pub fn max_file_bytes() -> u64 {
    std::env::var("TRUSTLINT_MAX_FILE_BYTES")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(MAX_FILE_BYTES)
}

/// Why an input was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// It could not be read at all.
    Unreadable(String),
    /// It is larger than the cap; the message says so.
    TooLarge(String),
}

impl ReadError {
    /// The message.
    pub fn message(&self) -> &str {
        match self {
            ReadError::Unreadable(m) | ReadError::TooLarge(m) => m,
        }
    }
}

impl From<ReadError> for String {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::Unreadable(m) | ReadError::TooLarge(m) => m,
        }
    }
}

/// `bytes` for a message: `1.5 GiB`, `12.0 MiB`, `900 bytes`.
fn size(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, scale) in UNITS {
        if bytes >= scale {
            // Display only: the precision of f64 is plenty.
            #[allow(clippy::cast_precision_loss, reason = "a size shown to one decimal")]
            let value = bytes as f64 / scale as f64;
            return format!("{value:.1} {unit}");
        }
    }
    format!("{bytes} bytes")
}

fn too_large(what: &str, len: Option<u64>, cap: u64) -> ReadError {
    let how_big = len.map_or_else(
        || "larger than".to_owned(),
        |l| format!("{}, over", size(l)),
    );
    ReadError::TooLarge(format!(
        "{what} is {how_big} the {} input limit, so it was not read; split it (e.g. export roles with `aws iam get-account-authorization-details --filter Role` per account) or check the trust policies one by one",
        size(cap)
    ))
}

/// Whether `path` means standard input (`-`, as `Path` compares it). Paths that do not start
/// with `-` (every walked path) are told apart without comparing components.
#[must_use]
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str().as_encoded_bytes().first() == Some(&b'-') && path == Path::new("-")
}

/// Read a file, or standard input for `-`, refusing anything larger than [`max_file_bytes`].
pub fn read_path(path: &Path) -> Result<Vec<u8>, ReadError> {
    let cap = max_file_bytes();
    if is_stdin(path) {
        let mut buf = Vec::new();
        std::io::stdin()
            .lock()
            .take(cap.saturating_add(1))
            .read_to_end(&mut buf)
            .map_err(|e| ReadError::Unreadable(format!("cannot read standard input: {e}")))?;
        if buf.len() as u64 > cap {
            return Err(too_large("standard input", None, cap));
        }
        return Ok(buf);
    }
    let unreadable =
        |e: std::io::Error| ReadError::Unreadable(format!("cannot read `{}`: {e}", path.display()));
    let mut file = std::fs::File::open(path).map_err(unreadable)?;
    let metadata = file.metadata().map_err(unreadable)?;
    let len = metadata.len();
    if len > cap {
        return Err(too_large(&format!("`{}`", path.display()), Some(len), cap));
    }
    // The length is a hint (the file may change while it is read); the cap still holds.
    let hint = usize::try_from(len).unwrap_or(0);
    let sized = metadata.is_file() && hint <= SMALL_FILE;
    let mut buf = if sized {
        read_sized(&mut file, hint).map_err(unreadable)?
    } else {
        Vec::with_capacity(hint.saturating_add(1))
    };
    if !sized || buf.len() != hint {
        let rest = cap.saturating_add(1).saturating_sub(buf.len() as u64);
        file.take(rest).read_to_end(&mut buf).map_err(unreadable)?;
    }
    if buf.len() as u64 > cap {
        return Err(too_large(&format!("`{}`", path.display()), None, cap));
    }
    Ok(buf)
}

/// Files up to this size are read with [`read_sized`].
const SMALL_FILE: usize = 1 << 20;

/// Reads a regular file of `len` bytes (as its metadata says) asking for one byte more: when
/// exactly `len` bytes come in a read that was asked for more, the file ended there, and the
/// read that would confirm the end (one system call per file) is not made. Otherwise it
/// returns what it read so far (less, or `len + 1` bytes when the file grew), and the caller
/// reads on to the end.
fn read_sized(file: &mut std::fs::File, len: usize) -> std::io::Result<Vec<u8>> {
    let mut buf = vec![0; len + 1];
    let mut filled = 0;
    while let Some(spare) = buf.get_mut(filled..).filter(|s| !s.is_empty()) {
        let asked = spare.len();
        let n = match file.read(spare) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        filled += n;
        if n == 0 || (n < asked && filled == len) {
            break;
        }
    }
    buf.truncate(filled);
    Ok(buf)
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn standard_input_is_told_apart_as_path_equality_does() {
        for p in [
            "-", "-/", "-//", "-/.", "./-", "--", "-x", "x-", "/tmp/-", "", "/", ".",
        ] {
            let path = Path::new(p);
            assert_eq!(is_stdin(path), path == Path::new("-"), "{p:?}");
        }
    }

    fn scratch(name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("trustlint-read-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::File::create(&path)
            .and_then(|mut f| f.write_all(bytes))
            .unwrap();
        path
    }

    /// Files of every size around the small-file limit read back exactly.
    #[test]
    fn files_read_back_exactly() {
        for len in [
            0,
            1,
            2,
            4095,
            4096,
            65_537,
            SMALL_FILE - 1,
            SMALL_FILE,
            SMALL_FILE + 1,
        ] {
            let bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let path = scratch(&format!("f{len}"), &bytes);
            let got = read_path(&path).ok().unwrap();
            assert_eq!(got.len(), len);
            assert!(got == bytes, "{len} bytes");
            std::fs::remove_file(path).unwrap();
        }
    }

    /// When the size read before is wrong (the file changed), the sized read returns a prefix
    /// of the file that the caller can tell from the whole file.
    #[test]
    fn sized_reads_stop_at_what_they_know() {
        let bytes = b"0123456789".to_vec();
        let path = scratch("sized", &bytes);
        for hint in 0..14 {
            let mut file = std::fs::File::open(&path).unwrap();
            let got = read_sized(&mut file, hint).unwrap();
            assert!(bytes.starts_with(&got), "{hint}");
            // Taken as the whole file only when it has the size it was said to have.
            assert_eq!(got.len() == hint, hint == bytes.len(), "{hint}");
            assert!(got.len() <= hint + 1, "{hint}");
            // What the caller reads on gives the whole file.
            let mut rest = Vec::new();
            file.read_to_end(&mut rest).unwrap();
            let mut all = got.clone();
            all.extend(rest);
            assert_eq!(all, bytes, "{hint}");
        }
        std::fs::remove_file(path).unwrap();
    }
}
