//! Helpers shared by the OIDC condition rules (TL201–TL207): which condition keys name an
//! issuer, which conditions really constrain a claim, what subjects and audiences look like for
//! each issuer family, and a small automaton that decides whether a condition value can match a
//! well-formed subject and which parts of the subject its wildcards can fill (SEMANTICS.md §3.2,
//! §3.9, §4.1, §4.5, §4.7).

use std::sync::OnceLock;

use crate::eval::{self, RequestContext};
use crate::lint::data::{self, IssuerFamily};
use crate::lint::{claim_conditions, is_effective, LintContext, OidcProvider};
use crate::matching::{LikePattern, Piece, TemplatePart};
use crate::policy::{
    BaseOperator, CompiledValue, Condition, ConditionValue, Operator, OperatorFamily, SetQualifier,
    Statement,
};

/// The action every OIDC web identity request authorises.
pub(crate) const WEB_IDENTITY: &str = "sts:AssumeRoleWithWebIdentity";

/// The prefix of every Kubernetes service-account subject.
pub(crate) const SA_PREFIX: &str = "system:serviceaccount:";

/// Two namespaces made of characters no policy value uses: a set that admits them admits "any
/// other namespace" (TL204, TL206).
pub(crate) const FRESH_NAMESPACES: [&str; 2] = ["qzx0", "zq9x"];

/// The union of the `:sub` sets (`key_lower`: the lower-cased `:sub` key) of the admitted
/// `regions`; `None` when a region leaves the subject unconstrained, or, with `all_exact`, when
/// a region is inexact (inexact regions are skipped otherwise), or when the union is too complex.
pub(crate) fn subject_set(
    regions: &[crate::symbolic::Region],
    key_lower: &str,
    all_exact: bool,
) -> Option<crate::algebra::StringSet> {
    let mut subjects = crate::algebra::StringSet::empty();
    for r in regions {
        if !r.is_exact() {
            if all_exact {
                return None;
            }
            continue;
        }
        subjects = subjects.union(&r.key(key_lower)?.present).ok()?;
    }
    Some(subjects)
}

/// Whether the statement's `Action`/`NotAction` admits `sts:AssumeRoleWithWebIdentity` (a
/// statement without it never applies to an OIDC caller, SEMANTICS.md §2.3).
pub(crate) fn allows_web_identity(statement: &Statement) -> bool {
    statement.action.as_ref().is_some_and(|actions| {
        actions.patterns.iter().any(|p| p.matches(WEB_IDENTITY)) != actions.negated
    })
}

/// The issuer family of a provider.
pub(crate) fn family(provider: &OidcProvider<'_>) -> IssuerFamily {
    data::issuer_family(provider.prefix)
}

/// Whether the provider issues Kubernetes service-account tokens: an EKS issuer, a configured
/// cluster, or an issuer whose `sub` values in this statement are service-account subjects.
pub(crate) fn is_kubernetes_issuer(
    cx: &LintContext<'_>,
    statement: &Statement,
    provider: &OidcProvider<'_>,
) -> bool {
    provider.is_eks()
        || cx
            .config
            .clusters
            .iter()
            .any(|c| c.prefix() == provider.prefix)
        || claim_conditions(statement, provider, "sub")
            .flat_map(|c| c.values.iter())
            .any(|v| v.text.starts_with("system:serviceaccount"))
}

/// Whether the statement has a condition on `<provider>:<claim>` that really constrains it in an
/// `Allow` statement (see [`is_effective`]).
pub(crate) fn has_effective_claim(
    statement: &Statement,
    provider: &OidcProvider<'_>,
    claim: &str,
) -> bool {
    claim_conditions(statement, provider, claim).any(is_effective)
}

/// Why a condition that names a claim does not constrain it in an `Allow` statement, for a
/// label; `None` when it does (SEMANTICS.md §3.4–§3.6, §3.9).
pub(crate) fn why_ineffective(condition: &Condition) -> Option<String> {
    let Some(op) = condition.operator else {
        return Some(format!(
            "`{}` is not an IAM condition operator",
            condition.operator_text
        ));
    };
    if op.base == BaseOperator::Null {
        return Some("`Null` only checks whether the claim is present".to_owned());
    }
    if op.qualifier == Some(SetQualifier::ForAllValues) {
        return Some(format!("`{op}` holds when the claim is absent"));
    }
    if op.if_exists {
        return Some(format!("`{op}` holds when the claim is absent"));
    }
    if op.base.is_negated() {
        return Some(format!("`{op}` admits every other value"));
    }
    None
}

/// Whether an `Allow` statement constrains a claim of one of its providers.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ClaimCheck<'s> {
    /// An effective condition constrains `<provider>:<claim>`.
    Constrained,
    /// An effective condition on `<other issuer>:<claim>` shows the check was meant to be
    /// there: its key names another issuer (TL201's finding), or another provider of the
    /// statement, which then never applies to this one.
    ElsewhereKeyed,
    /// Nothing constrains the claim; the conditions that name it without constraining it, with
    /// the reason for a label.
    Missing(Vec<(&'s Condition, String)>),
}

/// Whether `statement` constrains `<provider>:<claim>` (SEMANTICS.md §3.9: conditions that hold
/// when the claim is absent constrain nothing).
pub(crate) fn claim_check<'s>(
    statement: &'s Statement,
    provider: &OidcProvider<'_>,
    claim: &str,
) -> ClaimCheck<'s> {
    if has_effective_claim(statement, provider, claim) {
        return ClaimCheck::Constrained;
    }
    let mut labels = Vec::new();
    for condition in &statement.conditions {
        let Some(key) = issuer_key(&condition.key) else {
            continue;
        };
        if key.claim.is_none() && is_effective(condition) {
            // A key without a claim (TL201/TL211) whose values show which claim was meant.
            let meant = |looks: fn(&str) -> bool| condition.values.iter().any(|v| looks(&v.text));
            let intended = match claim {
                "sub" => meant(looks_like_subject),
                "aud" => meant(looks_like_audience),
                _ => false,
            };
            if intended {
                return ClaimCheck::ElsewhereKeyed;
            }
        }
        if !key.claim.is_some_and(|c| c.eq_ignore_ascii_case(claim)) {
            continue;
        }
        if key.prefix.eq_ignore_ascii_case(provider.prefix) {
            if let Some(why) = why_ineffective(condition) {
                labels.push((condition, why));
            }
        } else if is_effective(condition) {
            return ClaimCheck::ElsewhereKeyed;
        } else {
            let why = why_ineffective(condition).unwrap_or_default();
            labels.push((condition, format!("names another issuer, and {why}")));
        }
    }
    ClaimCheck::Missing(labels)
}

/// A condition key that names an OIDC issuer: `<issuer path>:<claim>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IssuerKey<'k> {
    /// Everything before the claim (the whole key when there is no claim).
    pub prefix: &'k str,
    /// The claim after the last `:`, if the key has one.
    pub claim: Option<&'k str>,
}

/// Whether `key` looks like `<issuer>:<claim>` rather than a global or service key (`aws:…`,
/// `sts:…`, `s3:…`, `saml:…`): its first `:`-separated part contains `.` or `/`, or it starts
/// with `https:`/`http:` or `arn:` (SEMANTICS.md §4.1).
pub(crate) fn issuer_key(key: &str) -> Option<IssuerKey<'_>> {
    // Byte searches: `:`, `.` and `/` are ASCII, so they never match inside a character.
    let bytes = key.as_bytes();
    let first = bytes
        .get(..memchr::memchr(b':', bytes).unwrap_or(bytes.len()))
        .unwrap_or_default();
    let scheme_or_arn = ["arn", "https", "http"]
        .iter()
        .any(|s| first.eq_ignore_ascii_case(s.as_bytes()));
    if !(scheme_or_arn || memchr::memchr2(b'.', b'/', first).is_some()) {
        return None;
    }
    let split =
        memchr::memrchr(b':', bytes).and_then(|at| Some((key.get(..at)?, key.get(at + 1..)?)));
    Some(match split {
        Some((prefix, claim)) if !claim.is_empty() && !claim.contains('/') => IssuerKey {
            prefix,
            claim: Some(claim),
        },
        _ => IssuerKey {
            prefix: key,
            claim: None,
        },
    })
}

/// The issuer path a key prefix names, without a leading `https://`/`http://`.
pub(crate) fn strip_scheme(prefix: &str) -> &str {
    for scheme in ["https://", "http://"] {
        if let Some(head) = prefix.get(..scheme.len()) {
            if head.eq_ignore_ascii_case(scheme) {
                return prefix.get(scheme.len()..).unwrap_or("");
            }
        }
    }
    prefix
}

/// The conditions of a statement on `<provider>:<claim>`, also when the key spells the provider
/// with `https://`, as its ARN, with a different trailing `/` or in another case (TL201 reports
/// the key; the values can still be checked).
pub(crate) fn loose_claim_conditions<'s>(
    statement: &'s Statement,
    provider: &OidcProvider<'_>,
    claim: &str,
) -> Vec<&'s Condition> {
    let wanted = bare_prefix(provider.prefix);
    statement
        .conditions
        .iter()
        .filter(|c| {
            issuer_key(&c.key).is_some_and(|k| {
                k.claim.is_some_and(|cl| cl.eq_ignore_ascii_case(claim))
                    && bare_prefix(k.prefix).eq_ignore_ascii_case(wanted)
            })
        })
        .collect()
}

/// A key prefix reduced to what can be compared with a provider path: without an ARN wrapper,
/// scheme or trailing `/`, in lower case.
pub(crate) fn normalise_prefix(prefix: &str) -> String {
    bare_prefix(prefix).to_ascii_lowercase()
}

/// [`normalise_prefix`] without the change of case.
fn bare_prefix(prefix: &str) -> &str {
    let path = arn_path(prefix).unwrap_or(prefix);
    strip_scheme(path).trim_end_matches('/')
}

/// The provider path inside an `arn:…:oidc-provider/<path>` prefix.
pub(crate) fn arn_path(prefix: &str) -> Option<&str> {
    let head = prefix.get(..4)?;
    if !head.eq_ignore_ascii_case("arn:") {
        return None;
    }
    let at = prefix.find("oidc-provider/")?;
    prefix.get(at + "oidc-provider/".len()..)
}

/// Whether a condition value looks like an audience rather than a subject: the STS audience,
/// a URL, a Bitbucket workspace ARI or HCP Terraform's default audience (SEMANTICS.md §4.3,
/// §4.5, §4.7).
pub(crate) fn looks_like_audience(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    lower == data::EKS_AUDIENCE
        || lower == "sts.amazonaws.com.cn"
        || lower == "aws.workload.identity"
        || lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("ari:cloud:bitbucket::workspace/")
}

/// Whether a condition value looks like a subject rather than an audience: a Kubernetes
/// service account, a GitHub repository, a GitLab project or an HCP Terraform / Buildkite
/// organization subject (SEMANTICS.md §4.5, §4.7).
pub(crate) fn looks_like_subject(value: &str) -> bool {
    value.starts_with("system:serviceaccount")
        || value.starts_with("repo:")
        || value.starts_with("project_path:")
        || (value.starts_with("organization:")
            && (value.contains(":project:") || value.contains(":pipeline:")))
}

/// The shape of a subject of the issuer, for help texts.
pub(crate) fn subject_example(family: IssuerFamily, kubernetes: bool) -> &'static str {
    if kubernetes {
        return "system:serviceaccount:<namespace>:<name>";
    }
    match family {
        IssuerFamily::GitHub => "repo:<owner>/<repo>:ref:refs/heads/<branch>",
        IssuerFamily::GitLab => "project_path:<group>/<project>:ref_type:branch:ref:<branch>",
        IssuerFamily::TerraformCloud => {
            "organization:<org>:project:<project>:workspace:<workspace>:run_phase:<phase>"
        }
        IssuerFamily::Buildkite => {
            "organization:<org>:pipeline:<pipeline>:ref:<ref>:commit:<sha>:step:<step>"
        }
        IssuerFamily::CircleCi => "org/<org-id>/project/<project-id>/user/<user-id>",
        IssuerFamily::Eks => "system:serviceaccount:<namespace>:<name>",
        IssuerFamily::Bitbucket | IssuerFamily::Google | IssuerFamily::Other => {
            "<the workload's subject>"
        }
    }
}

/// Who can assume a role whose statement admits every subject of the issuer.
pub(crate) fn every_subject(family: IssuerFamily, kubernetes: bool, prefix: &str) -> String {
    if kubernetes {
        return "every service account in every namespace of the cluster".to_owned();
    }
    match family {
        IssuerFamily::GitHub => {
            "every GitHub Actions workflow of every repository on GitHub".to_owned()
        }
        IssuerFamily::GitLab => "every GitLab.com CI/CD job of every project".to_owned(),
        IssuerFamily::TerraformCloud => "every HCP Terraform run of every organization".to_owned(),
        IssuerFamily::CircleCi => {
            "every CircleCI job of every project in the organization".to_owned()
        }
        IssuerFamily::Buildkite => "every Buildkite job of every organization".to_owned(),
        IssuerFamily::Bitbucket => "every pipeline of every repository in the workspace".to_owned(),
        IssuerFamily::Google => "every Google identity".to_owned(),
        IssuerFamily::Eks | IssuerFamily::Other => {
            format!("every identity `{prefix}` issues tokens for")
        }
    }
}

/// The audience tokens of the issuer `prefix` should carry, for help texts: the configured
/// audiences of the issuer, `sts.amazonaws.com` for EKS and GitHub (`configure-aws-credentials`),
/// else a placeholder (SEMANTICS.md §4.5, §4.7).
pub(crate) fn audience_example(cx: &LintContext<'_>, prefix: &str) -> String {
    if let Some(aud) = cx.config.audiences_for(prefix).first() {
        return (*aud).to_owned();
    }
    match data::issuer_family(prefix) {
        IssuerFamily::Eks | IssuerFamily::GitHub => data::EKS_AUDIENCE.to_owned(),
        IssuerFamily::GitLab => "https://gitlab.com".to_owned(),
        IssuerFamily::TerraformCloud => "aws.workload.identity".to_owned(),
        _ => "<the audience your tokens carry>".to_owned(),
    }
}

/// Whether `condition` holds when its key is absent from the request, as the evaluator decides
/// it (SEMANTICS.md §3.9).
pub(crate) fn holds_without_key(condition: &Condition) -> bool {
    eval::condition_holds(condition, &RequestContext::new())
}

/// One element of a condition value read as a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Item {
    /// A character matched as itself.
    Lit(char),
    /// `?` in a `StringLike` value: exactly one character.
    One,
    /// `*` in a `StringLike` value: any run of characters.
    Many,
}

/// Values longer than this are not analysed (IAM's trust policy quota is 4,096 characters).
const MAX_ITEMS: usize = 4096;

/// A condition value of a string operator, read as a pattern over the request value.
#[derive(Debug, Clone)]
pub(crate) struct ValuePattern {
    /// The value, element by element (letters lower-cased for `…IgnoreCase` operators).
    pub items: Vec<Item>,
    /// The compiled matcher, built on first use.
    matcher: std::cell::OnceCell<LikePattern>,
}

impl ValuePattern {
    /// The value of a string operator as a pattern: `*`/`?` are wildcards under `StringLike`
    /// only, the escapes `${*}`, `${?}` and `${$}` are literal. `None` for other operators,
    /// values with policy variables (their text is not known), and over-long values.
    pub(crate) fn of(value: &ConditionValue, op: Operator) -> Option<ValuePattern> {
        let wild = match op.base.family() {
            OperatorFamily::StringLike => true,
            OperatorFamily::StringExact => false,
            _ => return None,
        };
        let fold = op.base.ignores_case();
        let mut items = Vec::new();
        let push_text = |text: &str, items: &mut Vec<Item>| {
            for c in text.chars() {
                items.push(match c {
                    '*' if wild => Item::Many,
                    '?' if wild => Item::One,
                    _ => Item::Lit(c),
                });
            }
        };
        match &value.compiled {
            CompiledValue::Template(template) => {
                for part in &template.parts {
                    match part {
                        TemplatePart::Text(text) => push_text(text, &mut items),
                        TemplatePart::Escaped(c) => items.push(Item::Lit(*c)),
                        TemplatePart::Variable { .. } => return None,
                    }
                }
            }
            _ => push_text(&value.text, &mut items),
        }
        if items.len() > MAX_ITEMS {
            return None;
        }
        if fold {
            for item in &mut items {
                if let Item::Lit(c) = item {
                    *c = c.to_ascii_lowercase();
                }
            }
        }
        Some(ValuePattern {
            items,
            matcher: std::cell::OnceCell::new(),
        })
    }

    /// The value's matcher (a `*` or `?` from `${*}`/`${?}` stays literal).
    pub(crate) fn matcher(&self) -> &LikePattern {
        self.matcher.get_or_init(|| compile(&self.items))
    }

    /// Whether the pattern has a wildcard.
    pub(crate) fn has_wildcards(&self) -> bool {
        self.items.iter().any(|i| !matches!(i, Item::Lit(_)))
    }

    /// The value as plain text with wildcards written as `*`/`?` (escapes lose their `${}`).
    pub(crate) fn text(&self) -> String {
        self.items
            .iter()
            .map(|i| match i {
                Item::Lit(c) => *c,
                Item::One => '?',
                Item::Many => '*',
            })
            .collect()
    }

    /// A lower-case letter or digit that the value does not contain: text made of it can only
    /// be matched by wildcards.
    pub(crate) fn fresh_char(&self) -> Option<char> {
        "zqxjkvwyfgbhpmnlrtdcuoiesa0123456789"
            .chars()
            .find(|c| !self.items.contains(&Item::Lit(*c)))
    }

    /// The value with every `*` replaced by `many` and every `?` by `one`; the text matches the
    /// pattern by construction.
    pub(crate) fn fill(&self, one: &str, many: &str) -> String {
        self.fill_with(|_, item| match item {
            Item::One => one,
            _ => many,
        })
    }

    /// The value with each wildcard (by item index) replaced by what `f` returns.
    pub(crate) fn fill_with<'f>(&self, f: impl Fn(usize, Item) -> &'f str) -> String {
        let mut out = String::new();
        for (i, item) in self.items.iter().enumerate() {
            match item {
                Item::Lit(c) => out.push(*c),
                other => out.push_str(f(i, *other)),
            }
        }
        out
    }
}

/// Compile items into a matcher (literal runs stay literal, so a `*` from `${*}` is literal).
fn compile(items: &[Item]) -> LikePattern {
    let mut runs: Vec<(bool, String)> = Vec::new();
    for item in items {
        let (wild, c) = match item {
            Item::Lit(c) => (false, *c),
            Item::One => (true, '?'),
            Item::Many => (true, '*'),
        };
        match runs.last_mut() {
            Some((w, text)) if *w == wild => text.push(c),
            _ => runs.push((wild, c.to_string())),
        }
    }
    let pieces: Vec<Piece<'_>> = runs
        .iter()
        .map(|(wild, text)| {
            if *wild {
                Piece::Wild(text)
            } else {
                Piece::Literal(text)
            }
        })
        .collect();
    LikePattern::compile(&pieces)
}

// ----------------------------------------------------------------------------------------------
// Subject grammars

/// The part of a subject a grammar state belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Phase {
    /// Fixed leading text: `system:serviceaccount:`, `repo:`, `project_path:`.
    Prefix,
    /// The namespace (Kubernetes), owner (GitHub) or top-level group (GitLab).
    Owner,
    /// A GitHub owner id (`@<digits>`).
    OwnerId,
    /// A separator between parts (`:` or `/`).
    Separator,
    /// The service account name (Kubernetes), repository (GitHub) or project path below the
    /// top-level group (GitLab).
    Project,
    /// A GitHub repository id (`@<digits>`).
    ProjectId,
    /// A context keyword (`ref:refs/`, `environment:`, `pull_request`, a claim name).
    Context,
    /// Free text after the context (branch, tag or environment names).
    Rest,
}

impl Phase {
    const fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// A set of phases.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Phases(u16);

impl Phases {
    /// Whether `phase` is in the set.
    pub(crate) const fn contains(self, phase: Phase) -> bool {
        self.0 & phase.bit() != 0
    }
}

#[derive(Debug, Clone, Copy)]
enum Class {
    /// `[a-z0-9]` (DNS-1123).
    DnsAlnum,
    /// `[A-Za-z0-9_-]` (GitHub owner names; `_` for managed-user accounts).
    GitHubOwner,
    /// `[A-Za-z0-9._-]` (GitHub repository names, GitLab path segments).
    PathSegment,
    /// `[0-9]`.
    Digit,
    /// Any character.
    Any,
}

impl Class {
    fn accepts(self, c: char) -> bool {
        match self {
            Class::DnsAlnum => c.is_ascii_lowercase() || c.is_ascii_digit(),
            Class::GitHubOwner => c.is_ascii_alphanumeric() || c == '_' || c == '-',
            Class::PathSegment => c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'),
            Class::Digit => c.is_ascii_digit(),
            Class::Any => true,
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Label {
    Char(char),
    Class(Class),
}

impl Label {
    fn accepts(self, c: char) -> bool {
        match self {
            Label::Char(l) => l == c,
            Label::Class(class) => class.accepts(c),
        }
    }
}

#[derive(Debug, Clone)]
struct Node {
    edges: Vec<(Label, usize)>,
    accept: bool,
    phase: Phase,
}

/// A nondeterministic automaton over subject characters; every edge label can be satisfied by
/// some character, so a wildcard can take any edge.
#[derive(Debug, Clone)]
pub(crate) struct Grammar {
    nodes: Vec<Node>,
    /// 64-bit words in a node set.
    words: usize,
    /// For each node (`words` words each), the nodes reachable from it through zero or more
    /// edges.
    reach: Vec<u64>,
    /// For each node, the nodes from which it is reachable through zero or more edges.
    coreach: Vec<u64>,
    /// The accepting nodes.
    accepting: Vec<u64>,
    /// A direct test, tried first on values without wildcards, that accepts only values the
    /// automaton accepts (the common forms; anything else goes through the automaton).
    quick: Option<fn(&str) -> bool>,
}

/// A set of grammar nodes, as `words` 64-bit words.
fn insert(set: &mut [u64], n: usize) {
    if let Some(w) = set.get_mut(n / 64) {
        *w |= 1 << (n % 64);
    }
}

fn has(set: &[u64], n: usize) -> bool {
    set.get(n / 64).is_some_and(|w| w & (1 << (n % 64)) != 0)
}

fn is_empty(set: &[u64]) -> bool {
    set.iter().all(|w| *w == 0)
}

/// The nodes of a set, in increasing order.
fn members(set: &[u64]) -> impl Iterator<Item = usize> + '_ {
    set.iter().enumerate().flat_map(|(i, w)| {
        let mut w = *w;
        std::iter::from_fn(move || {
            if w == 0 {
                return None;
            }
            let bit = w.trailing_zeros() as usize;
            w &= w - 1;
            Some(i * 64 + bit)
        })
    })
}

/// `out |= table[n]` for every `n` in `set` (`table`: `words` words per node).
fn union_rows(table: &[u64], words: usize, set: &[u64], out: &mut [u64]) {
    for n in members(set) {
        if let Some(row) = table.get(n * words..(n + 1) * words) {
            for (o, r) in out.iter_mut().zip(row) {
                *o |= r;
            }
        }
    }
}

/// Where a value stops being able to match the grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Failure {
    /// The item that cannot be matched (`None`: the value ends too early).
    pub at: Option<usize>,
    /// The furthest phase the value had reached before.
    pub phase: Phase,
}

/// What running a value through a grammar tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Some well-formed subject matches the value; the wildcards can fill these phases.
    Matches(Phases),
    /// No well-formed subject matches the value.
    Fails(Failure),
}

struct Builder {
    nodes: Vec<Node>,
}

impl Builder {
    fn new() -> Self {
        let mut b = Builder { nodes: Vec::new() };
        b.node(Phase::Prefix);
        b
    }

    fn node(&mut self, phase: Phase) -> usize {
        self.nodes.push(Node {
            edges: Vec::new(),
            accept: false,
            phase,
        });
        self.nodes.len() - 1
    }

    fn edge(&mut self, from: usize, label: Label, to: usize) {
        if let Some(node) = self.nodes.get_mut(from) {
            node.edges.push((label, to));
        }
    }

    fn class(&mut self, from: usize, class: Class, to: usize) {
        self.edge(from, Label::Class(class), to);
    }

    fn char(&mut self, from: usize, c: char, to: usize) {
        self.edge(from, Label::Char(c), to);
    }

    fn accept(&mut self, n: usize) {
        if let Some(node) = self.nodes.get_mut(n) {
            node.accept = true;
        }
    }

    /// Nodes spelling `text` after `from`; returns the last one.
    fn chain(&mut self, from: usize, text: &str, phase: Phase) -> usize {
        let mut at = from;
        for c in text.chars() {
            let next = self.node(phase);
            self.char(at, c, next);
            at = next;
        }
        at
    }

    /// One or more characters of `class` after `from`; returns the looping node.
    fn run(&mut self, from: usize, class: Class, phase: Phase) -> usize {
        let n = self.node(phase);
        self.class(from, class, n);
        self.class(n, class, n);
        n
    }

    fn finish(self) -> Grammar {
        let size = self.nodes.len();
        let words = size.div_ceil(64).max(1);
        let mut reverse = vec![Vec::new(); size];
        for (from, node) in self.nodes.iter().enumerate() {
            for (_, to) in &node.edges {
                if let Some(preds) = reverse.get_mut(*to) {
                    preds.push(from);
                }
            }
        }
        let forward: Vec<Vec<usize>> = self
            .nodes
            .iter()
            .map(|n| n.edges.iter().map(|(_, to)| *to).collect())
            .collect();
        let mut accepting = vec![0; words];
        for (n, node) in self.nodes.iter().enumerate() {
            if node.accept {
                insert(&mut accepting, n);
            }
        }
        Grammar {
            nodes: self.nodes,
            words,
            reach: reachability(&forward, words),
            coreach: reachability(&reverse, words),
            accepting,
            quick: None,
        }
    }
}

/// For each node, the nodes reachable from it through zero or more `next` edges, as rows of
/// `words` words (a search per node: grammars have at most a few thousand nodes and are built
/// once).
fn reachability(next: &[Vec<usize>], words: usize) -> Vec<u64> {
    let mut table = vec![0; next.len() * words];
    let mut stack = Vec::new();
    for (start, row) in table.chunks_mut(words).enumerate() {
        insert(row, start);
        stack.push(start);
        while let Some(n) = stack.pop() {
            for to in next.get(n).map_or(&[][..], Vec::as_slice) {
                if !has(row, *to) {
                    insert(row, *to);
                    stack.push(*to);
                }
            }
        }
    }
    table
}

/// Kubernetes service-account subjects `system:serviceaccount:<namespace>:<name>`: namespace a
/// DNS-1123 label, name a DNS-1123 subdomain (lengths are not modelled) (SEMANTICS.md §4.5).
pub(crate) fn kubernetes_grammar() -> &'static Grammar {
    static GRAMMAR: OnceLock<Grammar> = OnceLock::new();
    GRAMMAR.get_or_init(|| {
        let mut b = Builder::new();
        let system = b.chain(0, "system:serviceaccount", Phase::Prefix);
        let prefix = b.chain(system, ":", Phase::Separator);
        let ns = b.node(Phase::Owner);
        let ns_dash = b.node(Phase::Owner);
        b.class(prefix, Class::DnsAlnum, ns);
        b.class(ns, Class::DnsAlnum, ns);
        b.char(ns, '-', ns_dash);
        b.char(ns_dash, '-', ns_dash);
        b.class(ns_dash, Class::DnsAlnum, ns);
        let sep = b.node(Phase::Separator);
        b.char(ns, ':', sep);
        let name = b.node(Phase::Project);
        let name_dash = b.node(Phase::Project);
        let name_dot = b.node(Phase::Project);
        b.accept(name);
        b.class(sep, Class::DnsAlnum, name);
        b.class(name, Class::DnsAlnum, name);
        b.char(name, '-', name_dash);
        b.char(name_dash, '-', name_dash);
        b.class(name_dash, Class::DnsAlnum, name);
        b.char(name, '.', name_dot);
        b.class(name_dot, Class::DnsAlnum, name);
        b.finish().with_quick(quick_kubernetes)
    })
}

/// Whether `s` is a DNS-1123 label (lengths aside): `[a-z0-9]`, then `[a-z0-9-]`, ending in
/// `[a-z0-9]`.
pub(crate) fn is_dns_label(s: &str) -> bool {
    let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let bytes = s.as_bytes();
    bytes.first().is_some_and(alnum)
        && bytes.last().is_some_and(alnum)
        && bytes.iter().all(|b| alnum(b) || *b == b'-')
}

/// `system:serviceaccount:<label>:<label>[.<label>…]`: what [`kubernetes_grammar`] accepts.
pub(crate) fn quick_kubernetes(s: &str) -> bool {
    s.strip_prefix(SA_PREFIX)
        .and_then(|rest| rest.split_once(':'))
        .is_some_and(|(ns, name)| is_dns_label(ns) && name.split('.').all(is_dns_label))
}

/// `repo:<owner>/<repo>:` followed by `ref:refs/<text>`, `environment:<text>`, `pull_request`
/// or `pull_request:<text>`: the common subjects [`github_grammar`] accepts.
fn quick_github(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("repo:") else {
        return false;
    };
    let Some((owner, rest)) = rest.split_once('/') else {
        return false;
    };
    let Some((repo, context)) = rest.split_once(':') else {
        return false;
    };
    let owner_ok = !owner.is_empty()
        && owner
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    let repo_ok = !repo.is_empty()
        && repo
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    let context_ok = context
        .strip_prefix("ref:refs/")
        .or_else(|| context.strip_prefix("environment:"))
        .is_some_and(|text| !text.is_empty())
        || context == "pull_request"
        || context.starts_with("pull_request:");
    owner_ok && repo_ok && context_ok
}

/// Claim names GitHub can put in a customised `sub` (besides `repo` and the context forms)
/// \[D-GH-OIDC\].
pub(crate) const GITHUB_SUB_CLAIMS: &[&str] = &[
    "actor",
    "actor_id",
    "base_ref",
    "enterprise",
    "enterprise_id",
    "event_name",
    "head_ref",
    "job_workflow_ref",
    "job_workflow_sha",
    "ref_protected",
    "ref_type",
    "repository",
    "repository_id",
    "repository_owner",
    "repository_owner_id",
    "repository_visibility",
    "run_attempt",
    "runner_environment",
    "sha",
    "workflow",
    "workflow_ref",
    "workflow_sha",
];

/// GitHub Actions subjects (SEMANTICS.md §4.7): `repo:<owner>/<repo>:` (or the immutable
/// `repo:<owner>@<id>/<repo>@<id>:`) followed by `ref:refs/…`, `environment:<name>`,
/// `pull_request` or a claim name and `:` (customised subjects); or a customised subject that
/// starts with another claim name.
pub(crate) fn github_grammar() -> &'static Grammar {
    static GRAMMAR: OnceLock<Grammar> = OnceLock::new();
    GRAMMAR.get_or_init(|| {
        let mut b = Builder::new();
        let rest = b.node(Phase::Rest);
        b.accept(rest);
        b.class(rest, Class::Any, rest);
        let context = github_repo_part(&mut b, false);
        let refs = b.chain(context, "ref:refs/", Phase::Context);
        b.class(refs, Class::Any, rest);
        let env = b.chain(context, "environment:", Phase::Context);
        b.class(env, Class::Any, rest);
        let pr = b.chain(context, "pull_request", Phase::Context);
        b.accept(pr);
        b.char(pr, ':', rest);
        for claim in GITHUB_SUB_CLAIMS {
            let key = b.chain(context, claim, Phase::Context);
            let colon = b.chain(key, ":", Phase::Context);
            b.class(colon, Class::Any, rest);
        }
        // Customised subjects that do not start with `repo:`.
        let refs = b.chain(0, "ref:refs/", Phase::Context);
        b.class(refs, Class::Any, rest);
        for claim in GITHUB_SUB_CLAIMS.iter().chain(&["environment"]) {
            let key = b.chain(0, claim, Phase::Context);
            let colon = b.chain(key, ":", Phase::Context);
            b.class(colon, Class::Any, rest);
        }
        b.finish().with_quick(quick_github)
    })
}

/// Only the immutable GitHub subjects `repo:<owner>@<id>/<repo>@<id>:…` (SEMANTICS.md §4.7).
pub(crate) fn github_immutable_grammar() -> &'static Grammar {
    static GRAMMAR: OnceLock<Grammar> = OnceLock::new();
    GRAMMAR.get_or_init(|| {
        let mut b = Builder::new();
        let context = github_repo_part(&mut b, true);
        let rest = b.run(context, Class::Any, Phase::Rest);
        b.accept(rest);
        b.finish()
    })
}

/// `repo:<owner>[@<id>]/<repo>[@<id>]:` from the start node; returns the node after the `:`.
fn github_repo_part(b: &mut Builder, immutable: bool) -> usize {
    let prefix = b.chain(0, "repo:", Phase::Prefix);
    let owner = b.run(prefix, Class::GitHubOwner, Phase::Owner);
    let at = b.chain(owner, "@", Phase::OwnerId);
    let owner_id = b.run(at, Class::Digit, Phase::OwnerId);
    let slash = b.node(Phase::Separator);
    b.char(owner_id, '/', slash);
    if !immutable {
        b.char(owner, '/', slash);
    }
    let repo = b.run(slash, Class::PathSegment, Phase::Project);
    let at = b.chain(repo, "@", Phase::ProjectId);
    let repo_id = b.run(at, Class::Digit, Phase::ProjectId);
    let colon = b.node(Phase::Separator);
    b.char(repo_id, ':', colon);
    if !immutable {
        b.char(repo, ':', colon);
    }
    colon
}

/// GitLab subjects `project_path:<group>[/<subgroup>…]/<project>:<rest>` \[P-GITLAB-342243\].
pub(crate) fn gitlab_grammar() -> &'static Grammar {
    static GRAMMAR: OnceLock<Grammar> = OnceLock::new();
    GRAMMAR.get_or_init(|| {
        let mut b = Builder::new();
        let prefix = b.chain(0, "project_path:", Phase::Prefix);
        let group = b.run(prefix, Class::PathSegment, Phase::Owner);
        let slash = b.node(Phase::Separator);
        b.char(group, '/', slash);
        let path = b.run(slash, Class::PathSegment, Phase::Project);
        b.char(path, '/', slash);
        let colon = b.node(Phase::Separator);
        b.char(path, ':', colon);
        let rest = b.run(colon, Class::Any, Phase::Rest);
        b.accept(rest);
        b.finish()
    })
}

impl Grammar {
    /// The grammar with a direct test for common values (see [`Grammar::quick`]).
    fn with_quick(mut self, quick: fn(&str) -> bool) -> Self {
        self.quick = Some(quick);
        self
    }

    fn phase(&self, n: usize) -> Phase {
        self.nodes.get(n).map_or(Phase::Prefix, |node| node.phase)
    }

    fn edges(&self, n: usize) -> &[(Label, usize)] {
        self.nodes.get(n).map_or(&[], |node| node.edges.as_slice())
    }

    fn furthest(&self, set: &[u64]) -> Phase {
        members(set)
            .map(|n| self.phase(n))
            .max()
            .unwrap_or(Phase::Prefix)
    }

    /// Writes into `out` (empty, `words` words) the nodes after consuming `item` from `set`.
    fn step(&self, set: &[u64], item: Item, out: &mut [u64]) {
        match item {
            // Any number of characters: every node reachable from the set.
            Item::Many => union_rows(&self.reach, self.words, set, out),
            Item::One | Item::Lit(_) => {
                for n in members(set) {
                    for (label, to) in self.edges(n) {
                        if item == Item::One || matches!(item, Item::Lit(c) if label.accepts(c)) {
                            insert(out, *to);
                        }
                    }
                }
            }
        }
    }

    /// [`Grammar::check`] for a value without wildcards (most values): there is nothing to
    /// fill, so only the forward pass runs, keeping just the current and the next node set.
    fn check_literal(&self, items: &[Item]) -> Verdict {
        if let Some(quick) = self.quick {
            let text: String = items
                .iter()
                .filter_map(|i| match i {
                    Item::Lit(c) => Some(*c),
                    Item::One | Item::Many => None,
                })
                .collect();
            if quick(&text) {
                return Verdict::Matches(Phases::default());
            }
        }
        let w = self.words;
        let mut current = vec![0u64; w];
        let mut next = vec![0u64; w];
        insert(&mut current, 0);
        for (i, item) in items.iter().enumerate() {
            next.fill(0);
            self.step(&current, *item, &mut next);
            if is_empty(&next) {
                return Verdict::Fails(Failure {
                    at: Some(i),
                    phase: self.furthest(&current),
                });
            }
            std::mem::swap(&mut current, &mut next);
        }
        if current.iter().zip(&self.accepting).all(|(a, b)| a & b == 0) {
            return Verdict::Fails(Failure {
                at: None,
                phase: self.furthest(&current),
            });
        }
        Verdict::Matches(Phases::default())
    }

    /// Whether some subject of the grammar matches the pattern `items` (wildcards standing for
    /// any characters that keep the subject well-formed), and which phases the wildcards can
    /// fill on the way; or where the value stops being able to match.
    ///
    /// A forward pass keeps the set of nodes reachable after each item (bit sets, one
    /// allocation for the whole pass), a backward pass the nodes from which acceptance is still
    /// possible; together they give the nodes and edges some accepted subject goes through.
    pub(crate) fn check(&self, items: &[Item]) -> Verdict {
        if items.iter().all(|i| matches!(i, Item::Lit(_))) {
            return self.check_literal(items);
        }
        let w = self.words;
        let mut forward = vec![0u64; (items.len() + 1) * w];
        insert(&mut forward, 0);
        for (i, item) in items.iter().enumerate() {
            let (done, rest) = forward.split_at_mut((i + 1) * w);
            let current = done.get(i * w..).unwrap_or(&[]);
            let next = rest.get_mut(..w).unwrap_or(&mut []);
            self.step(current, *item, next);
            if is_empty(next) {
                return Verdict::Fails(Failure {
                    at: Some(i),
                    phase: self.furthest(current),
                });
            }
        }
        let row = |i: usize| forward.get(i * w..(i + 1) * w).unwrap_or(&[]);
        let last = row(items.len());
        let mut after: Vec<u64> = last
            .iter()
            .zip(&self.accepting)
            .map(|(a, b)| a & b)
            .collect();
        if is_empty(&after) {
            return Verdict::Fails(Failure {
                at: None,
                phase: self.furthest(last),
            });
        }
        // Backward pass: the nodes before each item from which acceptance is still possible.
        let mut phases = Phases::default();
        let mut before = vec![0u64; w];
        for (i, item) in items.iter().enumerate().rev() {
            before.fill(0);
            match item {
                Item::Many => {
                    union_rows(&self.coreach, w, &after, &mut before);
                    for u in members(row(i + 1)) {
                        for (_, v) in self.edges(u) {
                            if has(&before, *v) {
                                phases.0 |= self.phase(*v).bit();
                            }
                        }
                    }
                }
                Item::One | Item::Lit(_) => {
                    for u in members(row(i)) {
                        for (label, v) in self.edges(u) {
                            let ok = match item {
                                Item::Lit(c) => label.accepts(*c),
                                Item::One | Item::Many => true,
                            };
                            if ok && has(&after, *v) {
                                insert(&mut before, u);
                                if *item == Item::One {
                                    phases.0 |= self.phase(*v).bit();
                                }
                            }
                        }
                    }
                }
            }
            std::mem::swap(&mut after, &mut before);
        }
        Verdict::Matches(phases)
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Running one rule over a policy with the test inventory.

    use crate::diagnostic::Finding;
    use crate::source::Span;

    /// The findings of rule `code` for `json`, with the test inventory.
    pub(crate) fn findings(code: &str, json: &str) -> Vec<Finding> {
        super::super::group_other::testing::findings(code, json)
    }

    /// The text a finding underlines.
    pub(crate) fn underlined(json: &str, span: Span) -> &str {
        json.get(span.start..span.end).unwrap_or("")
    }

    /// The EKS issuer of the test inventory.
    pub(crate) const EKS: &str =
        "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";

    /// A one-statement policy trusting `provider` with `conditions` (a JSON object body).
    pub(crate) fn policy(provider: &str, conditions: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
  "Principal": {{"Federated": "arn:aws:iam::111122223333:oidc-provider/{provider}"}},
  "Action": "sts:AssumeRoleWithWebIdentity",
  "Condition": {{{conditions}}}}}]}}"#
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{Request, RequestPrincipal};
    use crate::policy::parse_policy;

    fn items(pattern: &str) -> Vec<Item> {
        pattern
            .chars()
            .map(|c| match c {
                '*' => Item::Many,
                '?' => Item::One,
                c => Item::Lit(c),
            })
            .collect()
    }

    fn verdict(g: &Grammar, pattern: &str) -> Verdict {
        g.check(&items(pattern))
    }

    fn phases(g: &Grammar, pattern: &str) -> Phases {
        match verdict(g, pattern) {
            Verdict::Matches(p) => p,
            Verdict::Fails(f) => panic!("{pattern} fails: {f:?}"),
        }
    }

    /// The same forward/backward analysis on ordered sets of nodes, with closures computed by
    /// search at every step: what `check` computed before it used bit sets and precomputed
    /// reachability.
    fn reference_check(g: &Grammar, items: &[Item]) -> Verdict {
        use std::collections::BTreeSet;
        let succ = |n: usize| g.edges(n).iter().map(|(l, to)| (*l, *to));
        let closure = |set: &BTreeSet<usize>, backward: bool| {
            let mut out = set.clone();
            let mut stack: Vec<usize> = set.iter().copied().collect();
            while let Some(n) = stack.pop() {
                let next: Vec<usize> = if backward {
                    (0..g.nodes.len())
                        .filter(|m| succ(*m).any(|(_, to)| to == n))
                        .collect()
                } else {
                    succ(n).map(|(_, to)| to).collect()
                };
                for m in next {
                    if out.insert(m) {
                        stack.push(m);
                    }
                }
            }
            out
        };
        let ok = |item: Item, l: Label| match item {
            Item::Lit(c) => l.accepts(c),
            _ => true,
        };
        let furthest = |set: &BTreeSet<usize>| {
            set.iter()
                .map(|n| g.phase(*n))
                .max()
                .unwrap_or(Phase::Prefix)
        };
        let mut forward = vec![BTreeSet::from([0])];
        for (i, item) in items.iter().enumerate() {
            let cur = forward.last().unwrap().clone();
            let next: BTreeSet<usize> = if *item == Item::Many {
                closure(&cur, false)
            } else {
                cur.iter()
                    .flat_map(|n| succ(*n).filter(|(l, _)| ok(*item, *l)).map(|(_, to)| to))
                    .collect()
            };
            if next.is_empty() {
                return Verdict::Fails(Failure {
                    at: Some(i),
                    phase: furthest(&cur),
                });
            }
            forward.push(next);
        }
        let last = forward.last().unwrap();
        let mut after: BTreeSet<usize> = last
            .iter()
            .copied()
            .filter(|n| g.nodes[*n].accept)
            .collect();
        if after.is_empty() {
            return Verdict::Fails(Failure {
                at: None,
                phase: furthest(last),
            });
        }
        let mut phases = Phases::default();
        for (i, item) in items.iter().enumerate().rev() {
            let mut before = BTreeSet::new();
            if *item == Item::Many {
                before = closure(&after, true);
                for u in &forward[i + 1] {
                    for (_, v) in succ(*u) {
                        if before.contains(&v) {
                            phases.0 |= g.phase(v).bit();
                        }
                    }
                }
            } else {
                for u in &forward[i] {
                    for (l, v) in succ(*u) {
                        if ok(*item, l) && after.contains(&v) {
                            before.insert(*u);
                            if *item == Item::One {
                                phases.0 |= g.phase(v).bit();
                            }
                        }
                    }
                }
            }
            after = before;
        }
        Verdict::Matches(phases)
    }

    /// The grammars the reference properties run on, by index.
    fn grammar(i: usize) -> &'static Grammar {
        [
            kubernetes_grammar(),
            github_grammar(),
            github_immutable_grammar(),
            gitlab_grammar(),
        ][i]
    }

    /// `g.check` and the reference agree on `text` read as a pattern.
    fn agrees_with_reference(
        g: &Grammar,
        text: &str,
    ) -> Result<(), proptest::test_runner::TestCaseError> {
        let pattern = items(text);
        proptest::prop_assert_eq!(g.check(&pattern), reference_check(g, &pattern));
        Ok(())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        /// TL207's shortcut: a value without `@` or a wildcard never matches an immutable
        /// GitHub subject (every one holds `@`).
        #[test]
        fn immutable_subjects_hold_an_at_sign(
            owner in "[a-z0-9-]{1,6}(@[0-9]{1,3})?",
            repo in "[a-z0-9.-]{1,6}(@[0-9]{1,3})?",
            context in "[a-z0-9:/_.-]{0,12}",
        ) {
            let text = format!("repo:{owner}/{repo}:{context}");
            let matches = matches!(github_immutable_grammar().check(&items(&text)), Verdict::Matches(_));
            if !text.contains('@') {
                proptest::prop_assert!(!matches, "{text}");
            }
            // The shortcut only skips what cannot match; with `@` the grammar decides.
            proptest::prop_assert_eq!(
                matches,
                matches!(reference_check(github_immutable_grammar(), &items(&text)), Verdict::Matches(_)),
                "{}", text
            );
        }

        #[test]
        fn check_agrees_with_the_set_based_reference(
            g in 0usize..4,
            prefix in 0usize..4,
            tail in "[a-z0-9:/@.*?_-]{0,24}",
        ) {
            let start = ["", "system:serviceaccount:", "repo:octo/app:", "project_path:g/p:"][prefix];
            agrees_with_reference(grammar(g), &format!("{start}{tail}"))?;
        }

        /// Service-account subjects built from name-like parts (so that many are accepted, by
        /// the direct test as well as the automaton) agree with the reference.
        #[test]
        fn service_account_subjects_agree_with_the_set_based_reference(
            head in proptest::sample::select(vec!["system:serviceaccount:", "system:serviceaccounts:", "system:serviceaccount", ""]),
            namespace in "[a-z0-9-]{0,6}|[a-zA-Z0-9._-]{0,6}",
            sep in proptest::sample::select(vec![":", "/", "."]),
            name in "[a-z0-9.-]{0,10}|[a-zA-Z0-9._:-]{0,8}",
        ) {
            let text = format!("{head}{namespace}{sep}{name}");
            agrees_with_reference(kubernetes_grammar(), &text)?;
            // The direct test is the grammar itself on literal text, both ways (TL206 asks
            // it alone).
            proptest::prop_assert_eq!(
                quick_kubernetes(&text),
                matches!(reference_check(kubernetes_grammar(), &items(&text)), Verdict::Matches(_)),
                "{}", text
            );
        }

        /// GitHub subjects built from owner, repository and context parts agree with the
        /// reference.
        #[test]
        fn github_subjects_agree_with_the_set_based_reference(
            head in proptest::sample::select(vec!["repo:", "repo", "ref:refs/", ""]),
            owner in "[a-zA-Z0-9_-]{0,6}|[a-zA-Z0-9._@/:-]{0,6}",
            sep in proptest::sample::select(vec!["/", "@1/", ":"]),
            repo in "[a-zA-Z0-9._-]{0,6}|[a-zA-Z0-9._@/:-]{0,6}",
            context in proptest::sample::select(vec!["", ":", ":ref:refs/heads/main", ":ref:refs/", ":environment:", ":environment:prod", ":pull_request", ":pull_request:x", ":pull_requests", ":workflow:x"]),
        ) {
            agrees_with_reference(github_grammar(), &format!("{head}{owner}{sep}{repo}{context}"))?;
        }

        /// The same for values without wildcards, which take the forward-only path.
        #[test]
        fn literal_check_agrees_with_the_set_based_reference(
            g in 0usize..4,
            prefix in 0usize..4,
            tail in "[a-zA-Z0-9:/@._ -]{0,24}",
        ) {
            let start = ["", "system:serviceaccount:", "repo:octo/app:", "project_path:g/p:"][prefix];
            agrees_with_reference(grammar(g), &format!("{start}{tail}"))?;
        }
    }

    #[test]
    fn issuer_keys() {
        let k = issuer_key("oidc.eks.eu-west-1.amazonaws.com/id/X:sub").unwrap();
        assert_eq!(k.prefix, "oidc.eks.eu-west-1.amazonaws.com/id/X");
        assert_eq!(k.claim, Some("sub"));
        let k = issuer_key("https://token.actions.githubusercontent.com:sub").unwrap();
        assert_eq!(k.prefix, "https://token.actions.githubusercontent.com");
        let k = issuer_key("https://gitlab.com").unwrap();
        assert_eq!((k.prefix, k.claim), ("https://gitlab.com", None));
        let k = issuer_key("oidc.eks.us-east-1.amazonaws.com/id/X").unwrap();
        assert_eq!(k.claim, None);
        let k = issuer_key("arn:aws:iam::1:oidc-provider/api.bitbucket.org/x:aud").unwrap();
        assert_eq!(k.claim, Some("aud"));
        assert_eq!(k.prefix, "arn:aws:iam::1:oidc-provider/api.bitbucket.org/x");
        assert!(issuer_key("cognito-identity.amazonaws.com:amr").is_some());
        for global in [
            "aws:SourceIp",
            "sts:RoleSessionName",
            "aws:RequestTag/team:app.x",
            "saml:aud",
            "s3:prefix",
        ] {
            assert_eq!(issuer_key(global), None, "{global}");
        }
        assert_eq!(strip_scheme("HTTPS://x"), "x");
        assert_eq!(strip_scheme("x"), "x");
    }

    #[test]
    fn audiences_and_subjects() {
        for aud in [
            "sts.amazonaws.com",
            "https://github.com/org",
            "ari:cloud:bitbucket::workspace/x",
        ] {
            assert!(
                looks_like_audience(aud) && !looks_like_subject(aud),
                "{aud}"
            );
        }
        for sub in [
            "system:serviceaccount:a:b",
            "repo:o/r:*",
            "project_path:g/p:*",
            "organization:o:project:p:workspace:w:run_phase:apply",
        ] {
            assert!(
                looks_like_subject(sub) && !looks_like_audience(sub),
                "{sub}"
            );
        }
        assert!(!looks_like_audience("irsa"));
        assert!(!looks_like_subject("irsa"));
    }

    #[test]
    fn kubernetes_grammar_decides_well_formed_patterns() {
        let g = kubernetes_grammar();
        for ok in [
            "system:serviceaccount:ns:sa",
            "system:serviceaccount:kube-system:aws-load-balancer-controller",
            "system:serviceaccount:ns:a.b-c",
            "system:serviceaccount:ns:*",
            "system:serviceaccount:*",
            "system:*",
            "*",
            "system:serviceaccount:team-*",
            "system:serviceaccount:n?:sa",
        ] {
            assert!(matches!(verdict(g, ok), Verdict::Matches(_)), "{ok}");
        }
        for (bad, at) in [
            ("system:serviceaccounts:ns", Some(21)),
            ("system:serviceaccount:NS:sa", Some(22)),
            ("system:serviceaccount:ns:my_sa", Some(27)),
            ("system:serviceaccount::sa", Some(22)),
            ("system:serviceaccount:ns:sa:extra", Some(27)),
            ("system:serviceaccount:ns", None),
            ("system:serviceaccount:ns:", None),
            ("system:serviceaccount:ns:sa-", None),
            ("system:serviceaccount:n.s:sa", Some(23)),
            (" system:serviceaccount:ns:sa", Some(0)),
            ("system:serviceaccount:ns:*_x", Some(26)),
        ] {
            match verdict(g, bad) {
                Verdict::Fails(f) => assert_eq!(f.at, at, "{bad}"),
                Verdict::Matches(_) => panic!("{bad} should fail"),
            }
        }
    }

    #[test]
    fn wildcard_phases() {
        let g = kubernetes_grammar();
        let p = phases(g, "system:serviceaccount:ns:*");
        assert!(p.contains(Phase::Project) && !p.contains(Phase::Owner));
        let p = phases(g, "system:serviceaccount:team-*");
        assert!(p.contains(Phase::Owner) && p.contains(Phase::Project));
        let p = phases(g, "system:serviceaccount:ns:sa");
        assert_eq!(p, Phases::default());

        let gh = github_grammar();
        let p = phases(gh, "repo:org/*");
        assert!(p.contains(Phase::Project) && !p.contains(Phase::Owner));
        let p = phases(gh, "repo:org/app:*");
        assert!(!p.contains(Phase::Project) && !p.contains(Phase::Owner));
        let p = phases(gh, "repo:org*");
        assert!(p.contains(Phase::Owner));
        let p = phases(gh, "*:ref:refs/heads/main");
        assert!(p.contains(Phase::Owner));
        let p = phases(gh, "?epo:org/app:*");
        assert!(!p.contains(Phase::Owner));

        let gl = gitlab_grammar();
        let p = phases(gl, "project_path:g/p/*:ref_type:branch:ref:*");
        assert!(p.contains(Phase::Project) && !p.contains(Phase::Owner));
        let p = phases(gl, "project_path:g/p:*");
        assert!(!p.contains(Phase::Project));
    }

    #[test]
    fn github_grammar_forms() {
        let g = github_grammar();
        for ok in [
            "repo:octo-org/octo-repo:ref:refs/heads/main",
            "repo:octo-org/octo-repo:ref:refs/tags/v1",
            "repo:octo-org/octo-repo:environment:prod",
            "repo:octo-org/octo-repo:pull_request",
            "repo:octo-org@1/octo-repo@2:ref:refs/heads/main",
            "repo:MYORG/operations:ref:refs/heads/main",
            "repo:o/r:job_workflow_ref:o/r/.github/workflows/x.yml@refs/heads/main",
            "repository_owner_id:123:environment:prod",
            "repo:org/*",
            "repo:org/r:*",
            "*",
        ] {
            assert!(matches!(verdict(g, ok), Verdict::Matches(_)), "{ok}");
        }
        for bad in [
            "repo:org/repo",
            "repo:org/repo:main",
            "repo:org/repo:refs/heads/main",
            "repo:org/repo:ref:main",
            "org/repo:ref:refs/heads/main",
            "repo:org/repo:environment:",
        ] {
            assert!(matches!(verdict(g, bad), Verdict::Fails(_)), "{bad}");
        }
        let im = github_immutable_grammar();
        assert!(matches!(verdict(im, "repo:org/*"), Verdict::Fails(_)));
        assert!(matches!(verdict(im, "repo:org@1/*"), Verdict::Matches(_)));
        assert!(matches!(verdict(im, "repo:*"), Verdict::Matches(_)));
    }

    #[test]
    fn value_patterns_keep_escapes_literal() {
        let parsed = parse_policy(
            br#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole",
              "Condition": {"StringLike": {"a:b": ["x${*}y*", "p?"]}, "StringEqualsIgnoreCase": {"a:c": "A*"}}}]}"#,
        );
        let policy = parsed.policy.unwrap();
        let conditions = &policy.statements[0].conditions;
        let like = &conditions[0];
        let p = ValuePattern::of(&like.values[0], like.operator.unwrap()).unwrap();
        assert_eq!(
            p.items,
            vec![Item::Lit('x'), Item::Lit('*'), Item::Lit('y'), Item::Many]
        );
        assert!(p.matcher().matches("x*yzz"));
        assert!(!p.matcher().matches("xayzz"));
        assert_eq!(p.fill("Q", "-"), "x*y-");
        let exact = &conditions[1];
        let p = ValuePattern::of(&exact.values[0], exact.operator.unwrap()).unwrap();
        assert_eq!(p.items, vec![Item::Lit('a'), Item::Lit('*')]);
        assert!(!p.has_wildcards());
        assert_eq!(p.fresh_char(), Some('z'));
    }

    #[test]
    fn absent_keys_follow_the_evaluator() {
        let parsed = parse_policy(
            br#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole",
              "Condition": {"StringEquals": {"a:b": "x"}, "StringNotEquals": {"a:c": "x"},
                "ForAllValues:StringLike": {"a:d": "x"}, "StringLikeIfExists": {"a:e": "x"},
                "Null": {"a:f": "true"}}}]}"#,
        );
        let policy = parsed.policy.unwrap();
        let holds: Vec<bool> = policy.statements[0]
            .conditions
            .iter()
            .map(holds_without_key)
            .collect();
        assert_eq!(holds, [false, true, true, true, true]);
        // The same as the full evaluation with an empty request says.
        let request = Request {
            principal: RequestPrincipal::Federated(String::new()),
            action: WEB_IDENTITY.to_owned(),
            context: RequestContext::new(),
        };
        let traced: Vec<bool> = eval::explain(&policy, &request).statements[0]
            .conditions
            .iter()
            .map(|c| c.matched)
            .collect();
        assert_eq!(holds, traced);
    }
}
