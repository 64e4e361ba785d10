//! Benchmarks of whole workloads: `trustlint check` over a folder of 10,000 policy files, and the
//! symbolic `who-can-assume` analysis (one policy, and every role of a 100,000-role account).
//!
//! ```text
//! CARGO_TARGET_DIR=/work/target-bench cargo build --release -p trustlint-cli   # optional
//! CARGO_TARGET_DIR=/work/target-bench cargo bench -p trustlint-benches --bench workloads
//! ```
//!
//! Groups:
//!
//! - `check_10k_files`: what `trustlint check DIR` does in process (walk the folder, read every
//!   file, `check::check` each) on two threads and on one, against a baseline that only walks,
//!   reads and `json::parse`s;
//! - `check_10k_files_cli`: one run of the release binary,
//!   `trustlint check DIR --format json --fail-on never` (skipped with a note when the binary is
//!   absent);
//! - `who_can_assume`: `symbolic::who_can_assume` and `symbolic::summarize` on a typical IRSA and
//!   a Pod Identity trust policy, against one concrete evaluation of the example identity;
//! - `who_can_assume_100k`: `who_can_assume` over every role of a 100,000-role
//!   authorization-details document (parsed outside the timed part), against answering the
//!   `can-assume` benchmark query for every role.
//!
//! The 10,000 files are written once into a fresh folder under `std::env::temp_dir()` (100
//! sub-folders of 100 files) and removed when the group ends, even if it panics.

use std::cell::OnceCell;
use std::fs;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use trustlint_benches::{authorization_details, bench_query, policy, ACCOUNT, BENCH_ROLE};
use trustlint_core::check::{check, CheckOptions, Report};
use trustlint_core::eval::Decision;
use trustlint_core::identity::Query;
use trustlint_core::input::read_input;
use trustlint_core::json;
use trustlint_core::policy::{parse_policy, TrustPolicy};
use trustlint_core::symbolic::{self, summarize, Admitted, PrincipalClass, Summary};

/// The allocator the `trustlint` binary uses, so that in-process figures match it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The seed of every generated input.
const SEED: u64 = 1;
/// Files in the folder of the `check_10k_files` groups.
const FILES: usize = 10_000;
/// Files per sub-folder.
const FILES_PER_DIR: usize = 100;
/// Roles in the document of the `who_can_assume_100k` group.
const ROLES_100K: usize = 100_000;

/// A folder of generated policy files, removed on drop.
struct PolicyTree {
    root: PathBuf,
    bytes: usize,
}

impl PolicyTree {
    /// Write `files` policies as `team-NNN/role-NNNNN.json` into a fresh folder.
    fn create(files: usize) -> Self {
        let root = std::env::temp_dir().join(format!(
            "trustlint-bench-check-{}-{}",
            std::process::id(),
            files
        ));
        if root.exists() {
            fs::remove_dir_all(&root).expect("remove a stale benchmark folder");
        }
        // From here on the folder is removed on drop, also when writing fails half-way.
        let mut tree = PolicyTree { root, bytes: 0 };
        for i in 0..files {
            let dir = tree.root.join(format!("team-{:03}", i / FILES_PER_DIR));
            if i % FILES_PER_DIR == 0 {
                fs::create_dir_all(&dir).expect("create a benchmark folder");
            }
            let text = policy(SEED, i);
            tree.bytes += text.len();
            fs::write(dir.join(format!("role-{i:05}.json")), text).expect("write a policy file");
        }
        tree
    }
}

impl Drop for PolicyTree {
    fn drop(&mut self) {
        if let Err(e) = fs::remove_dir_all(&self.root) {
            eprintln!("cannot remove `{}`: {e}", self.root.display());
        }
    }
}

/// Every `.json` file under `root`, recursively, sorted by path (as `trustlint check` orders
/// them).
fn list_json(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("read a benchmark folder") {
            let entry = entry.expect("read a folder entry");
            let kind = entry.file_type().expect("file type of a folder entry");
            let path = entry.path();
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file() && path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    out.sort_unstable();
    out
}

/// `f` on every path, the first half on this thread and the second on another; results in the
/// paths' order.
fn on_two_threads<T: Send>(paths: &[PathBuf], f: impl Fn(&Path) -> T + Sync) -> Vec<T> {
    let (first, second) = paths.split_at(paths.len() / 2);
    std::thread::scope(|scope| {
        let f = &f;
        let worker = scope.spawn(move || second.iter().map(|p| f(p)).collect::<Vec<T>>());
        let mut out: Vec<T> = first.iter().map(|p| f(p)).collect();
        out.extend(worker.join().expect("the worker thread panicked"));
        out
    })
}

fn check_file(path: &Path, options: &CheckOptions) -> Report {
    let bytes = fs::read(path).expect("read a policy file");
    check(&bytes, options)
}

/// Whether the file is a JSON document (the baseline's work per file).
fn read_and_parse(path: &Path) -> bool {
    let bytes = fs::read(path).expect("read a policy file");
    json::parse(&bytes).is_ok()
}

/// The folder of the `check_10k_files` groups, written and checked once.
fn prepare_tree() -> PolicyTree {
    let tree = PolicyTree::create(FILES);
    let options = CheckOptions::default();
    let paths = list_json(&tree.root);
    assert_eq!(paths.len(), FILES);
    let serial: Vec<Report> = paths.iter().map(|p| check_file(p, &options)).collect();
    let parallel = on_two_threads(&paths, |p| check_file(p, &options));
    assert!(
        serial == parallel,
        "the two-thread check gives the same reports in the same order"
    );
    assert!(serial.iter().all(|r| r.policies == 1));
    let findings: usize = serial.iter().map(|r| r.findings.len()).sum();
    eprintln!(
        "check_10k_files: {FILES} files, {} bytes in `{}`, {findings} findings",
        tree.bytes,
        tree.root.display()
    );
    tree
}

fn check_10k_files(c: &mut Criterion) {
    // Built on first use, so that a filtered run that skips both groups writes nothing.
    let tree: OnceCell<PolicyTree> = OnceCell::new();
    let root = || tree.get_or_init(prepare_tree).root.clone();
    let options = CheckOptions::default();

    let mut group = c.benchmark_group("check_10k_files");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Elements(FILES as u64));
    group.bench_function("list_only", |b| {
        let root = root();
        b.iter(|| list_json(black_box(&root)).len());
    });
    group.bench_function("read+json_parse/1_thread", |b| {
        let root = root();
        b.iter(|| {
            list_json(black_box(&root))
                .iter()
                .filter(|p| read_and_parse(p))
                .count()
        });
    });
    group.bench_function("read+json_parse/2_threads", |b| {
        let root = root();
        b.iter(|| on_two_threads(&list_json(black_box(&root)), read_and_parse));
    });
    group.bench_function("check/1_thread", |b| {
        let root = root();
        b.iter(|| {
            list_json(black_box(&root))
                .iter()
                .map(|p| check_file(p, &options))
                .collect::<Vec<Report>>()
        });
    });
    group.bench_function("check/2_threads", |b| {
        let root = root();
        b.iter(|| on_two_threads(&list_json(black_box(&root)), |p| check_file(p, &options)));
    });
    group.finish();

    let mut group = c.benchmark_group("check_10k_files_cli");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Elements(FILES as u64));
    match trustlint_benches::release_binary("trustlint") {
        None => eprintln!(
            "check_10k_files_cli: skipped, no release binary at $CARGO_TARGET_DIR/release/trustlint \
             or target/release/trustlint (build it with `cargo build --release -p trustlint-cli`)"
        ),
        Some(binary) => {
            eprintln!("check_10k_files_cli: {}", binary.display());
            let run = |root: &Path| {
                Command::new(&binary)
                    .arg("check")
                    .arg(root)
                    .args(["--format", "json", "--fail-on", "never"])
                    // Outside the workspace, so no `trustlint.toml` is discovered.
                    .current_dir(std::env::temp_dir())
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
            };
            group.bench_function("trustlint_check_json", |b| {
                let root = root();
                match run(&root) {
                    Ok(status) if status.success() => b.iter(|| {
                        let status = run(&root).expect("run trustlint");
                        assert!(status.success(), "trustlint check failed: {status}");
                    }),
                    // Criterion then reports nothing for this benchmark.
                    Ok(status) => eprintln!(
                        "check_10k_files_cli: skipped, `{} check` exited with {status}",
                        binary.display()
                    ),
                    Err(e) => eprintln!(
                        "check_10k_files_cli: skipped, cannot run `{}`: {e}",
                        binary.display()
                    ),
                }
            });
        }
    }
    group.finish();
    // Removes the folder (if it was written).
    drop(tree);
}

/// A policy, who it admits, and one verified example identity (the baseline's query).
struct Case {
    name: &'static str,
    policy: TrustPolicy,
    admitted: Vec<Admitted>,
    example: Query,
}

impl Case {
    fn new(name: &'static str, index: usize, class: PrincipalClass) -> Self {
        let policy = parse_policy(policy(SEED, index).as_bytes())
            .policy
            .expect("generated policies parse");
        let admitted = symbolic::who_can_assume(&policy);
        assert!(
            admitted.iter().any(|a| a.class == class),
            "{name}: {admitted:?}"
        );
        let summaries = summaries(&policy, &admitted);
        assert!(!summaries.is_empty(), "{name} admits somebody");
        for s in &summaries {
            eprintln!("who_can_assume/{name} (role {index}): {}", s.text);
        }
        let example = summaries
            .iter()
            .map(|s| s.example.clone())
            .collect::<Option<Vec<_>>>()
            .expect("every region has an example the evaluator confirms")
            .into_iter()
            .next()
            .expect("one region at least")
            .query;
        assert_eq!(example.answer(&policy, None).decision, Decision::Allow);
        Case {
            name,
            policy,
            admitted,
            example,
        }
    }
}

/// The summary of every admitted region (what `trustlint who-can-assume` prints per role).
fn summaries(policy: &TrustPolicy, admitted: &[Admitted]) -> Vec<Summary> {
    admitted
        .iter()
        .flat_map(|a| {
            a.regions
                .iter()
                .map(move |r| summarize(policy, a, r, Some(ACCOUNT)))
        })
        .collect()
}

/// The first generated role trusting Pod Identity with a namespace and service-account condition.
fn pod_identity_role() -> usize {
    (0..10_000)
        .find(|&i| {
            let text = policy(SEED, i);
            text.contains("pods.eks.amazonaws.com") && text.contains("kubernetes-service-account")
        })
        .expect("the generator makes Pod Identity roles")
}

fn who_can_assume(c: &mut Criterion) {
    let cases = [
        Case::new("irsa", BENCH_ROLE, PrincipalClass::WebIdentity),
        Case::new(
            "pod_identity",
            pod_identity_role(),
            PrincipalClass::PodIdentity,
        ),
    ];
    let mut group = c.benchmark_group("who_can_assume");
    group.throughput(Throughput::Elements(1));
    for case in &cases {
        let name = case.name;
        group.bench_function(format!("query_answer/{name}"), |b| {
            b.iter(|| black_box(&case.example).answer(black_box(&case.policy), None));
        });
        group.bench_function(format!("who_can_assume/{name}"), |b| {
            b.iter(|| symbolic::who_can_assume(black_box(&case.policy)));
        });
        group.bench_function(format!("summarize/{name}"), |b| {
            b.iter(|| summaries(black_box(&case.policy), black_box(&case.admitted)));
        });
    }
    group.finish();
}

/// Every role's trust policy and account, parsed once with `read_input`.
fn prepare_100k() -> Vec<(TrustPolicy, Option<String>)> {
    let details = authorization_details(SEED, ROLES_100K);
    let bytes = details.len();
    let input = read_input(details.as_bytes());
    drop(details);
    assert_eq!(input.policies.len(), ROLES_100K);
    let policies: Vec<(TrustPolicy, Option<String>)> = input
        .policies
        .into_iter()
        .filter_map(|p| Some((p.parsed.policy?, p.account)))
        .collect();
    assert_eq!(policies.len(), ROLES_100K);
    let (principals, regions) = who_all(&policies)
        .iter()
        .fold((0, 0), |(p, r), (dp, dr)| (p + dp, r + dr));
    eprintln!(
        "who_can_assume_100k: {bytes} bytes, {ROLES_100K} roles, {principals} principals, \
         {regions} regions"
    );
    policies
}

/// `who_can_assume` on every role: (principals, regions).
fn who_all(policies: &[(TrustPolicy, Option<String>)]) -> Vec<(usize, usize)> {
    policies
        .iter()
        .map(|(p, _)| {
            let a = symbolic::who_can_assume(p);
            (a.len(), a.iter().map(|a| a.regions.len()).sum::<usize>())
        })
        .collect()
}

fn who_can_assume_100k(c: &mut Criterion) {
    // Built on first use, so that a filtered run that skips the group generates nothing.
    let policies: OnceCell<Vec<(TrustPolicy, Option<String>)>> = OnceCell::new();
    let query = bench_query();

    let mut group = c.benchmark_group("who_can_assume_100k");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Elements(ROLES_100K as u64));
    group.bench_function("query_answer", |b| {
        let policies = policies.get_or_init(prepare_100k);
        b.iter(|| {
            policies
                .iter()
                .map(|(p, account)| black_box(&query).answer(p, account.as_deref()))
                .filter(|a| a.decision == Decision::Allow)
                .count()
        });
    });
    group.bench_function("who_can_assume", |b| {
        let policies = policies.get_or_init(prepare_100k);
        b.iter(|| who_all(black_box(policies)));
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = check_10k_files, who_can_assume, who_can_assume_100k
}
criterion_main!(benches);
