//! Reproducible inputs for the trustlint benchmarks.
//!
//! A small seeded generator of realistic IAM role trust policies, as they appear in real accounts
//! that run Kubernetes workloads:
//!
//! - IRSA (EKS OIDC issuers `oidc.eks.<region>.amazonaws.com/id/<32 upper-hex>`): `StringEquals`
//!   on `:sub` (`system:serviceaccount:<ns>:<sa>`) and `:aud` (`sts.amazonaws.com`), sometimes
//!   with a `StringLike` namespace wildcard, several subjects, or a second cluster;
//! - self-hosted clusters whose issuer is an S3 bucket with a path;
//! - GitHub Actions (`token.actions.githubusercontent.com`, `repo:<org>/<repo>:ref:refs/heads/main`);
//! - EKS Pod Identity (`pods.eks.amazonaws.com`, `sts:AssumeRole` + `sts:TagSession`, optionally
//!   conditioned on `aws:RequestTag/kubernetes-namespace`).
//!
//! Output is pretty-printed the way the AWS CLI prints JSON (four-space indentation, `": "`
//! separators, keys in API order). Everything is a pure function of `(seed, index)`, so
//! [`policy`]`(seed, i)` is exactly the trust policy of role `i` in
//! [`authorization_details`]`(seed, n)` for every `n > i`.
//!
//! Role [`BENCH_ROLE`] always trusts [`BENCH_SA`] from [`BENCH_ISSUER`] with `StringEquals`, and
//! role [`BENCH_PATTERN_ROLE`] trusts the whole namespace of [`BENCH_SA`] with `StringLike`, so
//! [`bench_query`] has real hits.

use std::fmt::Write as _;
use trustlint_core::identity::{Identity, Issuer, Query, ServiceAccount, DEFAULT_AUDIENCE};

/// The account every generated role lives in.
pub const ACCOUNT: &str = "111122223333";

/// The issuer of [`bench_query`]: the EKS cluster of role [`BENCH_ROLE`].
pub const BENCH_ISSUER: &str =
    "https://oidc.eks.eu-west-1.amazonaws.com/id/5C1E4B0A9D8F7E6A3B2C1D0E9F8A7B6C";

/// The service account (`namespace/name`, as given to `--sa`) of [`bench_query`].
pub const BENCH_SA: &str = "payments/api";

/// The index of the role that admits [`BENCH_SA`] from [`BENCH_ISSUER`] with `StringEquals`
/// on `:sub` and `:aud` (a typical IRSA trust policy).
pub const BENCH_ROLE: usize = 0;

/// The index of the role that admits every service account of [`BENCH_SA`]'s namespace from
/// [`BENCH_ISSUER`] with `StringLike` on `:sub` (`system:serviceaccount:payments:*`).
pub const BENCH_PATTERN_ROLE: usize = 1;

/// `trustlint can-assume --issuer BENCH_ISSUER --sa BENCH_SA` (audience `sts.amazonaws.com`).
///
/// # Panics
/// Never: the constants are valid.
#[must_use]
pub fn bench_query() -> Query {
    let issuer = Issuer::parse(BENCH_ISSUER).expect("BENCH_ISSUER is a valid issuer URL");
    let sa = ServiceAccount::parse(BENCH_SA).expect("BENCH_SA is a valid service account");
    Query {
        identity: Identity::WebIdentity {
            issuer,
            sub: sa.subject(),
            aud: vec![DEFAULT_AUDIENCE.to_owned()],
        },
        account: None,
        partition: None,
        context: Vec::new(),
        actions: Vec::new(),
    }
}

/// The trust policy of role `i` for `seed`, pretty-printed like
/// `aws iam get-role --query Role.AssumeRolePolicyDocument`.
#[must_use]
pub fn policy(seed: u64, i: usize) -> String {
    let role = Role::generate(seed, i);
    let mut out = String::with_capacity(1024);
    role.document.write(&mut out, 0);
    out.push('\n');
    out
}

/// `aws iam get-account-authorization-details --filter Role` output with `roles` roles.
///
/// With 100,000 roles the text is about 150 MB.
#[must_use]
pub fn authorization_details(seed: u64, roles: usize) -> String {
    let mut out = String::with_capacity(roles.saturating_mul(1600) + 256);
    out.push_str("{\n    \"RoleDetailList\": [");
    for i in 0..roles {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        indent(&mut out, 2);
        Role::generate(seed, i).detail().write(&mut out, 2);
    }
    if roles > 0 {
        out.push('\n');
        indent(&mut out, 1);
    }
    out.push_str(
        "],\n    \"UserDetailList\": [],\n    \"GroupDetailList\": [],\n    \"Policies\": []\n}\n",
    );
    out
}

/// A release binary of the workspace (`trustlint`, `parse-baseline`, …), if one was built: under
/// `$CARGO_TARGET_DIR/release` or the workspace's `target/release`.
#[must_use]
pub fn release_binary(name: &str) -> Option<std::path::PathBuf> {
    let mut candidates = Vec::new();
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        candidates.push(std::path::PathBuf::from(dir).join("release").join(name));
    }
    candidates.push(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../target/release")
            .join(name),
    );
    candidates.into_iter().find(|p| p.is_file())
}

/// `terraform show -json` output of a plan that creates `roles` roles (`aws_iam_role` resources
/// whose `assume_role_policy` is the policy of [`policy`], as a JSON string, known at plan time).
#[must_use]
pub fn terraform_plan(seed: u64, roles: usize) -> String {
    let resource = |i: usize, change: bool| {
        let role = Role::generate(seed, i);
        let mut document = String::new();
        role.document.write(&mut document, 0);
        let address = format!("aws_iam_role.r{i}");
        let values = o([
            ("assume_role_policy", s(document)),
            ("name", s(role.name)),
            ("path", s(role.path)),
        ]);
        let mut members = vec![
            ("address".to_owned(), s(address)),
            ("mode".to_owned(), s("managed")),
            ("type".to_owned(), s("aws_iam_role")),
            ("name".to_owned(), s(format!("r{i}"))),
        ];
        if change {
            members.push((
                "change".to_owned(),
                o([
                    ("actions", J::A(vec![s("create")])),
                    ("after", values),
                    ("after_unknown", o::<&str>([])),
                ]),
            ));
        } else {
            members.push(("values".to_owned(), values));
        }
        J::O(members)
    };
    let plan = o([
        ("format_version", s("1.2")),
        ("terraform_version", s("1.11.4")),
        (
            "planned_values",
            o([(
                "root_module",
                o([(
                    "resources",
                    J::A((0..roles).map(|i| resource(i, false)).collect()),
                )]),
            )]),
        ),
        (
            "resource_changes",
            J::A((0..roles).map(|i| resource(i, true)).collect()),
        ),
    ]);
    let mut out = String::with_capacity(roles.saturating_mul(3000) + 256);
    plan.write(&mut out, 0);
    out.push('\n');
    out
}

/// SplitMix64: tiny, fast and good enough to pick realistic names.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    /// A generator for item `i` of stream `seed` (independent of every other item).
    fn new(seed: u64, stream: u64, i: usize) -> Self {
        let mut r = Rng(seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
        let _ = r.next_u64();
        r.0 ^= (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let _ = r.next_u64();
        r
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`; the modulo bias is irrelevant here).
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `percent`%.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items.get(self.below(items.len())).copied().unwrap_or("")
    }

    /// `n` characters of `alphabet`.
    fn chars(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| {
                char::from(
                    alphabet
                        .get(self.below(alphabet.len()))
                        .copied()
                        .unwrap_or(b'X'),
                )
            })
            .collect()
    }
}

const UPPER_HEX: &[u8] = b"0123456789ABCDEF";
const ROLE_ID: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

const REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "eu-north-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "ca-central-1",
    "sa-east-1",
];

const NAMESPACES: &[&str] = &[
    "payments",
    "checkout",
    "orders",
    "inventory",
    "search",
    "ml-serving",
    "data-pipeline",
    "monitoring",
    "logging",
    "ingress",
    "cert-manager",
    "external-dns",
    "kube-system",
    "karpenter",
    "argocd",
    "flux-system",
    "velero",
    "platform",
    "identity",
    "notifications",
];

const SERVICE_ACCOUNTS: &[&str] = &[
    "api",
    "worker",
    "web",
    "scheduler",
    "consumer",
    "producer",
    "migrator",
    "exporter",
    "controller",
    "operator",
    "aws-load-balancer-controller",
    "ebs-csi-controller-sa",
    "efs-csi-controller-sa",
    "cluster-autoscaler",
    "external-secrets",
    "fluent-bit",
    "otel-collector",
    "loki",
    "thanos-store",
    "default",
];

const ORGS: &[&str] = &["acme", "acme-platform", "example-corp", "widgets-inc"];

const REPOS: &[&str] = &[
    "infrastructure",
    "terraform-modules",
    "payments-service",
    "checkout-web",
    "data-lake",
    "mobile-app",
    "docs",
    "release-tools",
    "helm-charts",
    "ml-models",
];

const CLUSTER_ENVS: &[&str] = &["prod", "staging", "dev", "sandbox", "shared", "tools"];

/// How many EKS clusters each seed's account has.
const EKS_CLUSTERS: usize = 24;
/// How many self-hosted (S3 issuer) clusters each seed's account has.
const S3_CLUSTERS: usize = 6;

/// An OIDC issuer as written in a policy (no `https://`) plus a short name for role names.
#[derive(Debug, Clone)]
struct Cluster {
    issuer: String,
    name: String,
}

impl Cluster {
    /// EKS cluster `k` of `seed`; cluster 0 is the one of [`BENCH_ISSUER`].
    fn eks(seed: u64, k: usize) -> Self {
        let mut r = Rng::new(seed, 1, k);
        let env = r.pick(CLUSTER_ENVS);
        if k == 0 {
            return Cluster {
                issuer: BENCH_ISSUER
                    .strip_prefix("https://")
                    .unwrap_or(BENCH_ISSUER)
                    .to_owned(),
                name: "prod-eu".to_owned(),
            };
        }
        let region = r.pick(REGIONS);
        let id = r.chars(UPPER_HEX, 32);
        Cluster {
            issuer: format!("oidc.eks.{region}.amazonaws.com/id/{id}"),
            name: format!("{env}-{k}"),
        }
    }

    /// Self-hosted cluster `k` of `seed`, whose discovery documents live in an S3 bucket.
    fn s3(seed: u64, k: usize) -> Self {
        let mut r = Rng::new(seed, 2, k);
        let env = r.pick(CLUSTER_ENVS);
        let region = r.pick(REGIONS);
        let bucket = format!("acme-{env}-oidc-{}", r.chars(b"0123456789abcdef", 8));
        let name = format!("k8s-{env}-{k}");
        let issuer = if r.chance(50) {
            format!("{bucket}.s3.{region}.amazonaws.com/{name}")
        } else {
            format!("s3.{region}.amazonaws.com/{bucket}/clusters/{name}")
        };
        Cluster { issuer, name }
    }
}

/// A small JSON tree that prints like the AWS CLI (Python's `json.dumps(indent=4)`).
#[derive(Debug, Clone)]
enum J {
    S(String),
    A(Vec<J>),
    O(Vec<(String, J)>),
}

fn s(text: impl Into<String>) -> J {
    J::S(text.into())
}

fn o<K: Into<String>>(members: impl IntoIterator<Item = (K, J)>) -> J {
    J::O(members.into_iter().map(|(k, v)| (k.into(), v)).collect())
}

/// One string, or an array when there are several (as IAM prints them).
fn one_or_many(mut items: Vec<String>) -> J {
    if items.len() == 1 {
        J::S(items.pop().unwrap_or_default())
    } else {
        J::A(items.into_iter().map(J::S).collect())
    }
}

fn indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("    ");
    }
}

fn write_str(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

impl J {
    /// Write the value; the cursor is already indented for `level`.
    fn write(&self, out: &mut String, level: usize) {
        match self {
            J::S(text) => write_str(out, text),
            J::A(items) if items.is_empty() => out.push_str("[]"),
            J::O(members) if members.is_empty() => out.push_str("{}"),
            J::A(items) => {
                out.push('[');
                for (n, item) in items.iter().enumerate() {
                    out.push_str(if n == 0 { "\n" } else { ",\n" });
                    indent(out, level + 1);
                    item.write(out, level + 1);
                }
                out.push('\n');
                indent(out, level);
                out.push(']');
            }
            J::O(members) => {
                out.push('{');
                for (n, (key, value)) in members.iter().enumerate() {
                    out.push_str(if n == 0 { "\n" } else { ",\n" });
                    indent(out, level + 1);
                    write_str(out, key);
                    out.push_str(": ");
                    value.write(out, level + 1);
                }
                out.push('\n');
                indent(out, level);
                out.push('}');
            }
        }
    }
}

/// One generated role.
#[derive(Debug, Clone)]
struct Role {
    name: String,
    path: &'static str,
    id: String,
    create_date: String,
    document: J,
    managed: Vec<&'static str>,
    tags: Vec<(String, String)>,
}

fn federated(issuer: &str) -> J {
    o([(
        "Federated",
        s(format!("arn:aws:iam::{ACCOUNT}:oidc-provider/{issuer}")),
    )])
}

fn web_identity_statement(issuer: &str, condition: J, sid: Option<&str>) -> J {
    let mut members = Vec::with_capacity(5);
    if let Some(sid) = sid {
        members.push(("Sid".to_owned(), s(sid)));
    }
    members.push(("Effect".to_owned(), s("Allow")));
    members.push(("Principal".to_owned(), federated(issuer)));
    members.push(("Action".to_owned(), s("sts:AssumeRoleWithWebIdentity")));
    members.push(("Condition".to_owned(), condition));
    J::O(members)
}

fn document(statements: Vec<J>) -> J {
    o([
        ("Version", s("2012-10-17")),
        ("Statement", J::A(statements)),
    ])
}

fn subject(ns: &str, sa: &str) -> String {
    format!("system:serviceaccount:{ns}:{sa}")
}

/// The usual IRSA statement: `StringEquals` on `:sub` and `:aud`.
fn irsa_statement(issuer: &str, subjects: Vec<String>) -> J {
    web_identity_statement(
        issuer,
        o([(
            "StringEquals",
            o([
                (format!("{issuer}:sub"), one_or_many(subjects)),
                (format!("{issuer}:aud"), s("sts.amazonaws.com")),
            ]),
        )]),
        None,
    )
}

/// IRSA with a namespace wildcard: `StringLike` on `:sub`, `StringEquals` on `:aud`.
fn irsa_pattern_statement(issuer: &str, ns: &str) -> J {
    irsa_like_statement(issuer, &format!("system:serviceaccount:{ns}:*"))
}

/// IRSA with `StringLike` on `:sub` and `StringEquals` on `:aud`.
fn irsa_like_statement(issuer: &str, pattern: &str) -> J {
    web_identity_statement(
        issuer,
        o([
            ("StringLike", o([(format!("{issuer}:sub"), s(pattern))])),
            (
                "StringEquals",
                o([(format!("{issuer}:aud"), s("sts.amazonaws.com"))]),
            ),
        ]),
        None,
    )
}

impl Role {
    fn generate(seed: u64, i: usize) -> Self {
        let mut r = Rng::new(seed, 0, i);
        let (ns, sa) = (r.pick(NAMESPACES), r.pick(SERVICE_ACCOUNTS));
        // The benchmark roles trust `BENCH_SA` (role `BENCH_PATTERN_ROLE`: its namespace).
        let (bench_ns, bench_sa) = BENCH_SA.split_once('/').unwrap_or(("payments", "api"));
        let (ns, sa) = match i {
            BENCH_ROLE => (bench_ns, bench_sa),
            BENCH_PATTERN_ROLE => (bench_ns, sa),
            _ => (ns, sa),
        };
        let id = format!("AROA{}", r.chars(ROLE_ID, 17));
        let create_date = format!(
            "20{:02}-{:02}-{:02}T{:02}:{:02}:{:02}+00:00",
            19 + r.below(7),
            1 + r.below(12),
            1 + r.below(28),
            r.below(24),
            r.below(60),
            r.below(60)
        );
        let mut path = "/";
        let mut managed = Vec::new();
        let mut tags = Vec::new();
        let kind = match i {
            BENCH_ROLE => 0,
            BENCH_PATTERN_ROLE => 50,
            _ => r.below(100),
        };
        let (name, document) = match kind {
            // Typical IRSA: one subject (index 0: the benchmark's service account).
            0..=49 => {
                let cluster = Cluster::eks(
                    seed,
                    if i == BENCH_ROLE {
                        0
                    } else {
                        r.below(EKS_CLUSTERS)
                    },
                );
                let issuer = &cluster.issuer;
                // One role in ten of this kind has a real mistake (never the benchmark role).
                let mistake = (i != BENCH_ROLE && r.chance(10)).then(|| r.below(4));
                let first = match mistake {
                    // `/` for `:` between namespace and name: matches no token (TL207).
                    Some(0) => {
                        irsa_statement(issuer, vec![format!("system:serviceaccount:{ns}/{sa}")])
                    }
                    // A wildcard under `StringEquals`: literal, matches no token (TL203).
                    Some(1) => {
                        irsa_statement(issuer, vec![format!("system:serviceaccount:{ns}:*")])
                    }
                    // No `:aud` condition (TL202).
                    Some(2) => web_identity_statement(
                        issuer,
                        o([(
                            "StringEquals",
                            o([(format!("{issuer}:sub"), s(subject(ns, sa)))]),
                        )]),
                        None,
                    ),
                    // Every service account of the cluster (TL206).
                    Some(_) => irsa_like_statement(issuer, "system:serviceaccount:*"),
                    None => irsa_statement(issuer, vec![subject(ns, sa)]),
                };
                let mut statements = vec![first];
                if i != BENCH_ROLE && r.chance(12) {
                    // The same workload in a second cluster (blue/green, multi-region).
                    let other = Cluster::eks(seed, r.below(EKS_CLUSTERS));
                    statements.push(irsa_statement(&other.issuer, vec![subject(ns, sa)]));
                }
                if r.chance(30) {
                    path = "/eks/";
                }
                (
                    format!("{}-{ns}-{sa}-{i}", cluster.name),
                    document(statements),
                )
            }
            // IRSA for a whole namespace.
            50..=59 => {
                let cluster = Cluster::eks(
                    seed,
                    if i == BENCH_PATTERN_ROLE {
                        0
                    } else {
                        r.below(EKS_CLUSTERS)
                    },
                );
                (
                    format!("{}-{ns}-all-{i}", cluster.name),
                    document(vec![irsa_pattern_statement(&cluster.issuer, ns)]),
                )
            }
            // IRSA shared by several service accounts.
            60..=69 => {
                let cluster = Cluster::eks(seed, r.below(EKS_CLUSTERS));
                let n = 2 + r.below(4);
                let subjects = (0..n)
                    .map(|_| subject(r.pick(NAMESPACES), r.pick(SERVICE_ACCOUNTS)))
                    .collect();
                (
                    format!("{}-{ns}-shared-{i}", cluster.name),
                    document(vec![irsa_statement(&cluster.issuer, subjects)]),
                )
            }
            // Self-hosted cluster with an S3 issuer.
            70..=77 => {
                let cluster = Cluster::s3(seed, r.below(S3_CLUSTERS));
                (
                    format!("{}-{ns}-{sa}-{i}", cluster.name),
                    document(vec![irsa_statement(&cluster.issuer, vec![subject(ns, sa)])]),
                )
            }
            // GitHub Actions.
            78..=89 => {
                let issuer = "token.actions.githubusercontent.com";
                let org = r.pick(ORGS);
                let repo = r.pick(REPOS);
                let (op, sub) = match r.below(10) {
                    0..=5 => (
                        "StringEquals",
                        format!("repo:{org}/{repo}:ref:refs/heads/main"),
                    ),
                    6..=7 => ("StringLike", format!("repo:{org}/{repo}:*")),
                    _ => (
                        "StringEquals",
                        format!("repo:{org}/{repo}:environment:{}", r.pick(CLUSTER_ENVS)),
                    ),
                };
                let condition = if op == "StringEquals" {
                    o([(
                        "StringEquals",
                        o([
                            (format!("{issuer}:aud"), s("sts.amazonaws.com")),
                            (format!("{issuer}:sub"), s(sub)),
                        ]),
                    )])
                } else {
                    o([
                        (
                            "StringEquals",
                            o([(format!("{issuer}:aud"), s("sts.amazonaws.com"))]),
                        ),
                        ("StringLike", o([(format!("{issuer}:sub"), s(sub))])),
                    ])
                };
                tags.push(("ManagedBy".to_owned(), "terraform".to_owned()));
                (
                    format!("github-{org}-{repo}-{i}"),
                    document(vec![web_identity_statement(issuer, condition, None)]),
                )
            }
            // EKS Pod Identity.
            _ => {
                let mut members = vec![
                    (
                        "Sid".to_owned(),
                        s("AllowEksAuthToAssumeRoleForPodIdentity"),
                    ),
                    ("Effect".to_owned(), s("Allow")),
                    (
                        "Principal".to_owned(),
                        o([("Service", s("pods.eks.amazonaws.com"))]),
                    ),
                    (
                        "Action".to_owned(),
                        J::A(vec![s("sts:AssumeRole"), s("sts:TagSession")]),
                    ),
                ];
                match r.below(3) {
                    0 => {}
                    1 => members.push((
                        "Condition".to_owned(),
                        o([(
                            "StringEquals",
                            o([("aws:RequestTag/kubernetes-namespace", s(ns))]),
                        )]),
                    )),
                    _ => members.push((
                        "Condition".to_owned(),
                        o([(
                            "StringEquals",
                            o([
                                ("aws:SourceAccount", s(ACCOUNT)),
                                ("aws:RequestTag/kubernetes-namespace", s(ns)),
                                ("aws:RequestTag/kubernetes-service-account", s(sa)),
                            ]),
                        )]),
                    )),
                }
                path = "/service-role/";
                (
                    format!("pod-identity-{ns}-{sa}-{i}"),
                    document(vec![J::O(members)]),
                )
            }
        };
        if r.chance(40) {
            managed.push(r.pick(&[
                "AmazonS3ReadOnlyAccess",
                "AmazonDynamoDBReadOnlyAccess",
                "AmazonSQSFullAccess",
                "CloudWatchAgentServerPolicy",
                "AmazonEBSCSIDriverPolicy",
                "SecretsManagerReadWrite",
            ]));
        }
        if r.chance(50) {
            tags.push(("team".to_owned(), ns.to_owned()));
        }
        Role {
            name,
            path,
            id,
            create_date,
            document,
            managed,
            tags,
        }
    }

    /// The role's entry in `RoleDetailList`.
    fn detail(self) -> J {
        let arn = format!("arn:aws:iam::{ACCOUNT}:role{}{}", self.path, self.name);
        let managed = self
            .managed
            .iter()
            .map(|p| {
                let policy_arn = if p.ends_with("DriverPolicy") {
                    format!("arn:aws:iam::aws:policy/service-role/{p}")
                } else {
                    format!("arn:aws:iam::aws:policy/{p}")
                };
                o([("PolicyName", s(*p)), ("PolicyArn", s(policy_arn))])
            })
            .collect();
        let tags = self
            .tags
            .into_iter()
            .map(|(k, v)| o([("Key", s(k)), ("Value", s(v))]))
            .collect();
        o([
            ("Path", s(self.path)),
            ("RoleName", s(self.name)),
            ("RoleId", s(self.id)),
            ("Arn", s(arn)),
            ("CreateDate", s(self.create_date)),
            ("AssumeRolePolicyDocument", self.document),
            ("InstanceProfileList", J::A(Vec::new())),
            ("RolePolicyList", J::A(Vec::new())),
            ("AttachedManagedPolicies", J::A(managed)),
            ("Tags", J::A(tags)),
            ("RoleLastUsed", o::<&str>([])),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use trustlint_core::eval::Decision;
    use trustlint_core::input::{read_input, InputKind};
    use trustlint_core::policy::parse_policy;

    #[test]
    fn generation_is_reproducible_and_consistent() {
        assert_eq!(policy(7, 42), policy(7, 42));
        assert_ne!(policy(7, 42), policy(8, 42));
        let details = authorization_details(7, 50);
        assert_eq!(details, authorization_details(7, 50));
        let parsed: serde_json::Value = serde_json::from_str(&details).unwrap();
        for i in 0..50 {
            let from_details = parsed["RoleDetailList"][i]["AssumeRolePolicyDocument"].clone();
            let alone: serde_json::Value = serde_json::from_str(&policy(7, i)).unwrap();
            assert_eq!(from_details, alone, "role {i}");
        }
    }

    #[test]
    fn a_plan_holds_the_same_policies_and_reads_as_a_terraform_plan() {
        let plan = terraform_plan(7, 30);
        assert_eq!(plan, terraform_plan(7, 30));
        let input = read_input(plan.as_bytes());
        assert_eq!(input.kind, InputKind::TerraformPlan);
        assert_eq!(input.policies.len(), 30);
        for (i, source) in input.policies.iter().enumerate() {
            let mine = source.parsed.policy.as_ref().expect("a policy");
            let alone = parse_policy(policy(7, i).as_bytes()).policy.unwrap();
            assert_eq!(mine.statements.len(), alone.statements.len(), "role {i}");
            assert_eq!(
                source.name.as_deref(),
                Some(format!("aws_iam_role.r{i}").as_str())
            );
        }
        // The bench role answers the bench query.
        let query = bench_query();
        let answer = query.answer_source(&input.policies[BENCH_ROLE]).unwrap();
        assert_eq!(answer.decision, Decision::Allow);
    }

    #[test]
    fn a_share_of_the_roles_has_real_mistakes() {
        use trustlint_core::check::{check, CheckOptions};
        let details = authorization_details(1, 2_000);
        let report = check(details.as_bytes(), &CheckOptions::default());
        let errors = |code: &str| {
            report
                .findings
                .iter()
                .filter(|f| {
                    f.finding.code == code
                        && f.finding.severity == trustlint_core::diagnostic::Severity::Error
                })
                .count()
        };
        // About one role in forty for each kind of mistake.
        for code in ["TL203", "TL206", "TL207"] {
            let n = errors(code);
            assert!((10..=120).contains(&n), "{code}: {n} errors in 2,000 roles");
        }
    }

    #[test]
    fn pretty_printing_matches_the_cli() {
        let text = policy(1, BENCH_ROLE);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        // serde_json indents by two spaces; the AWS CLI by four.
        let expected: String = serde_json::to_string_pretty(&value)
            .unwrap()
            .lines()
            .map(|l| {
                let body = l.trim_start();
                format!("{}{body}\n", " ".repeat(2 * (l.len() - body.len())))
            })
            .collect();
        // serde_json sorts keys; IAM prints `Version` first. Compare ignoring order of lines.
        let mut a: Vec<&str> = text.lines().collect();
        let mut b: Vec<&str> = expected.lines().collect();
        a.iter_mut().for_each(|l| *l = l.trim_end_matches(','));
        b.iter_mut().for_each(|l| *l = l.trim_end_matches(','));
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, b);
    }

    #[test]
    fn every_policy_parses_cleanly_and_the_bench_roles_admit_the_query() {
        let details = authorization_details(3, 2_000);
        let input = read_input(details.as_bytes());
        assert_eq!(input.kind, InputKind::AuthorizationDetails);
        assert_eq!(input.policies.len(), 2_000);
        let query = bench_query();
        let mut allowed = Vec::new();
        for (i, p) in input.policies.iter().enumerate() {
            let policy = p.parsed.policy.as_ref().unwrap();
            assert!(
                !p.parsed.iam_would_reject(),
                "role {i}: {:?}",
                p.parsed.findings
            );
            assert_eq!(p.account.as_deref(), Some(ACCOUNT));
            if query.answer(policy, p.account.as_deref()).decision == Decision::Allow {
                allowed.push(i);
            }
        }
        assert!(allowed.contains(&BENCH_ROLE));
        assert!(allowed.contains(&BENCH_PATTERN_ROLE));
        assert!(allowed.len() < 100, "{allowed:?}");
        for i in [BENCH_ROLE, BENCH_PATTERN_ROLE] {
            let parsed = parse_policy(policy(3, i).as_bytes());
            let answer = query.answer(parsed.policy.as_ref().unwrap(), None);
            assert_eq!(answer.decision, Decision::Allow);
        }
    }

    #[test]
    fn size_is_realistic() {
        let per_role = authorization_details(9, 1_000).len() / 1_000;
        assert!(
            (1_000..=2_000).contains(&per_role),
            "{per_role} bytes per role"
        );
    }
}
