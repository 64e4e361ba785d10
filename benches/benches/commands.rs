//! Benchmarks of whole commands on the 100,000-role dump, against the parse-only baseline in the
//! same run, and the start-up of the binary.
//!
//! ```text
//! cargo build --release -p trustlint-cli -p trustlint-benches
//! cargo bench -p trustlint-benches --bench commands
//! ```
//!
//! Each measurement is one run of a release binary (so it includes process start-up, reading
//! the file and writing the output to `/dev/null`):
//!
//! - `dump_100k`: `parse-baseline DUMP` (a typed `serde_json` parse of the roles, the
//!   baseline), `trustlint check DUMP --format json --fail-on never` on all cores and on one
//!   (`TRUSTLINT_THREADS=1`), `trustlint can-assume DUMP --issuer … --sa … --format json` and
//!   `trustlint who-can-assume DUMP --format json`;
//! - `startup`: `trustlint --version` and `trustlint check examples/irsa-payments.json`.
//!
//! The dump (seed 1, about 163 MB) is written once under `std::env::temp_dir()` and removed
//! when the bench ends. A group is skipped, with a note, when a binary is missing.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use trustlint_benches::{authorization_details, release_binary, BENCH_ISSUER, BENCH_SA};

/// The seed of the dump.
const SEED: u64 = 1;
/// Roles in the dump.
const ROLES: usize = 100_000;

/// The dump, removed on drop.
struct Dump {
    path: PathBuf,
}

impl Dump {
    fn create() -> Dump {
        let dir = std::env::temp_dir().join(format!("trustlint-bench-dump-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("create the dump's folder");
        let path = dir.join("auth100k.json");
        fs::write(&path, authorization_details(SEED, ROLES)).expect("write the dump");
        Dump { path }
    }
}

impl Drop for Dump {
    fn drop(&mut self) {
        if let Some(dir) = self.path.parent() {
            let _ = fs::remove_dir_all(dir);
        }
    }
}

/// Runs `program args` (with `env`), output discarded; panics unless it exits with one of `ok`.
fn run(program: &Path, args: &[&str], env: &[(&str, &str)], ok: &[i32]) {
    let status = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        // Outside the workspace, so no `trustlint.toml` is discovered.
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run the binary");
    assert!(
        status.code().is_some_and(|c| ok.contains(&c)),
        "{} {args:?} exited with {status}",
        program.display()
    );
}

fn dump_100k(c: &mut Criterion) {
    let (Some(trustlint), Some(baseline)) = (
        release_binary("trustlint"),
        release_binary("parse-baseline"),
    ) else {
        eprintln!(
            "dump_100k: skipped, build the release binaries first \
             (`cargo build --release -p trustlint-cli -p trustlint-benches`)"
        );
        return;
    };
    let dump = Dump::create();
    let file = dump.path.to_str().expect("a UTF-8 temporary path");
    let bytes = fs::metadata(&dump.path).map_or(0, |m| m.len());
    eprintln!("dump_100k: {bytes} bytes, {ROLES} roles");

    let mut group = c.benchmark_group("dump_100k");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10))
        .throughput(Throughput::Bytes(bytes));
    group.bench_function("parse_baseline", |b| {
        b.iter(|| run(&baseline, &[file], &[], &[0]));
    });
    let check = ["check", file, "--format", "json", "--fail-on", "never"];
    group.bench_function("check", |b| b.iter(|| run(&trustlint, &check, &[], &[0])));
    group.bench_function("check_1_thread", |b| {
        b.iter(|| run(&trustlint, &check, &[("TRUSTLINT_THREADS", "1")], &[0]));
    });
    let can = [
        "can-assume",
        file,
        "--issuer",
        BENCH_ISSUER,
        "--sa",
        BENCH_SA,
        "--format",
        "json",
    ];
    group.bench_function("can_assume", |b| {
        b.iter(|| run(&trustlint, &can, &[], &[0, 1]));
    });
    let who = ["who-can-assume", file, "--format", "json"];
    group.bench_function("who_can_assume", |b| {
        b.iter(|| run(&trustlint, &who, &[], &[0]));
    });
    group.finish();
}

fn startup(c: &mut Criterion) {
    let Some(trustlint) = release_binary("trustlint") else {
        eprintln!("startup: skipped, no release binary (`cargo build --release -p trustlint-cli`)");
        return;
    };
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/irsa-payments.json");
    let example = example.to_str().expect("a UTF-8 path");
    let mut group = c.benchmark_group("startup");
    group.sample_size(50);
    group.bench_function("version", |b| {
        b.iter(|| run(&trustlint, &["--version"], &[], &[0]));
    });
    group.bench_function("check_one_policy", |b| {
        b.iter(|| {
            run(
                &trustlint,
                &["check", example, "--fail-on", "never"],
                &[],
                &[0],
            )
        });
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default();
    targets = dump_100k, startup
}
criterion_main!(benches);
