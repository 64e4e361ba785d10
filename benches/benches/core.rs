//! Benchmarks of trustlint-core: parsing, evaluation, `can-assume` over 100,000 roles, and the
//! rules on a policy with many wildcard subject patterns.
//!
//! ```text
//! CARGO_TARGET_DIR=/work/target-bench cargo bench -p trustlint-benches
//! ```
//!
//! Every input comes from the seeded generator in `trustlint_benches` and is built outside the
//! timed loops. Runs are kept short (10 samples, a few seconds per benchmark) so the whole suite
//! takes a couple of minutes on two cores.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use trustlint_benches::{
    authorization_details, bench_query, policy, BENCH_PATTERN_ROLE, BENCH_ROLE,
};
use trustlint_core::eval::{self, Decision, Request};
use trustlint_core::input::read_input;
use trustlint_core::json;
use trustlint_core::policy::{parse_policy, TrustPolicy};

/// The allocator the `trustlint` binary uses, so that in-process figures match it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The seed of every generated input.
const SEED: u64 = 1;
/// Roles in the ~1.6 MB document of the `parse` group.
const ROLES_1K: usize = 1_000;
/// Roles in the document of the `can_assume_100k` group.
const ROLES_100K: usize = 100_000;

fn byte_len(text: &str) -> u64 {
    u64::try_from(text.len()).unwrap_or(u64::MAX)
}

/// A parsed policy and the first request the benchmark query makes against it.
fn policy_and_request(i: usize) -> (TrustPolicy, Request) {
    let parsed = parse_policy(policy(SEED, i).as_bytes());
    let policy = parsed.policy.expect("generated policies parse");
    let (requests, _notes) = bench_query().requests(Some(&policy), None);
    let request = requests
        .into_iter()
        .next()
        .expect("web identity makes one request");
    assert_eq!(eval::evaluate(&policy, &request), Decision::Allow);
    (policy, request)
}

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    let irsa = policy(SEED, BENCH_ROLE);
    group.throughput(Throughput::Bytes(byte_len(&irsa)));
    group.bench_function("json_parse/irsa", |b| {
        b.iter(|| json::parse(black_box(irsa.as_bytes())));
    });
    group.bench_function("parse_policy/irsa", |b| {
        b.iter(|| parse_policy(black_box(irsa.as_bytes())));
    });

    let details = authorization_details(SEED, ROLES_1K);
    group.throughput(Throughput::Bytes(byte_len(&details)));
    group.bench_function("serde_json_value/auth_details_1k", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(details.as_bytes())));
    });
    group.bench_function("json_parse/auth_details_1k", |b| {
        b.iter(|| json::parse(black_box(details.as_bytes())));
    });
    group.bench_function("read_input/auth_details_1k", |b| {
        b.iter(|| read_input(black_box(details.as_bytes())));
    });
    group.finish();
}

fn evaluate(c: &mut Criterion) {
    let mut group = c.benchmark_group("evaluate");
    group.throughput(Throughput::Elements(1));
    let query = bench_query();
    for (name, index) in [("irsa", BENCH_ROLE), ("string_like", BENCH_PATTERN_ROLE)] {
        let (policy, request) = policy_and_request(index);
        group.bench_function(format!("evaluate/{name}"), |b| {
            b.iter(|| eval::evaluate(black_box(&policy), black_box(&request)));
        });
        group.bench_function(format!("explain/{name}"), |b| {
            b.iter(|| eval::explain(black_box(&policy), black_box(&request)));
        });
        group.bench_function(format!("query_answer/{name}"), |b| {
            b.iter(|| black_box(&query).answer(black_box(&policy), None));
        });
    }
    group.finish();
}

fn can_assume_100k(c: &mut Criterion) {
    let details = authorization_details(SEED, ROLES_100K);
    let query = bench_query();
    // What `trustlint can-assume FILE --issuer BENCH_ISSUER --sa BENCH_SA` computes.
    let can_assume = |bytes: &[u8]| {
        let input = read_input(bytes);
        let allowed = input
            .policies
            .iter()
            .filter_map(|p| {
                let policy = p.parsed.policy.as_ref()?;
                Some(query.answer(policy, p.account.as_deref()))
            })
            .filter(|a| a.decision == Decision::Allow)
            .count();
        (input.policies.len(), allowed)
    };
    let (roles, allowed) = can_assume(details.as_bytes());
    assert_eq!(roles, ROLES_100K);
    assert!(allowed >= 2, "the benchmark roles admit the query");
    eprintln!(
        "can_assume_100k: {} bytes, {roles} roles, {allowed} admit the query",
        details.len()
    );

    let mut group = c.benchmark_group("can_assume_100k");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .throughput(Throughput::Bytes(byte_len(&details)));
    group.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(details.as_bytes())));
    });
    group.bench_function("json_parse", |b| {
        b.iter(|| json::parse(black_box(details.as_bytes())));
    });
    group.bench_function("read_input", |b| {
        b.iter(|| read_input(black_box(details.as_bytes())));
    });
    let input = read_input(details.as_bytes());
    group.bench_function("answer_only", |b| {
        b.iter(|| {
            input
                .policies
                .iter()
                .filter_map(|p| {
                    let policy = p.parsed.policy.as_ref()?;
                    Some(black_box(&query).answer(policy, p.account.as_deref()))
                })
                .filter(|a| a.decision == Decision::Allow)
                .count()
        });
    });
    drop(input);
    group.bench_function("read_input+answer", |b| {
        b.iter(|| can_assume(black_box(details.as_bytes())));
    });
    group.finish();
}

/// `check` (every rule) on one policy with `n` wildcard `:sub` patterns of one provider, the
/// case where TL402 used to build the admitted set once per pattern and namespace.
fn lint_wildcards(c: &mut Criterion) {
    use trustlint_core::check::{check, CheckOptions};
    let issuer = "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";
    let doc = |n: usize| {
        let subs: Vec<String> = (0..n)
            .map(|i| format!("\"system:serviceaccount:*-{i}\""))
            .collect();
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::111122223333:oidc-provider/{issuer}"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{"{issuer}:aud":"sts.amazonaws.com"}},"StringLike":{{"{issuer}:sub":[{}]}}}}}}]}}"#,
            subs.join(",")
        )
    };
    let options = CheckOptions::default();
    let mut group = c.benchmark_group("lint_wildcards");
    for n in [1, 5, 20] {
        let text = doc(n);
        let report = check(text.as_bytes(), &options);
        assert!(
            report.findings.iter().any(|f| f.finding.code == "TL402"),
            "{n} patterns reach kube-system"
        );
        group.bench_function(format!("check/{n}_patterns"), |b| {
            b.iter(|| check(black_box(text.as_bytes()), &options));
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = parse, evaluate, can_assume_100k, lint_wildcards
}
criterion_main!(benches);
