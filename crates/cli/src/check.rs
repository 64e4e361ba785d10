//! `trustlint check`: find the files, check them in parallel, report in the chosen format.

use crate::args::{CheckArgs, CheckFormat, FailOn};
use crate::config::Config;
use crate::report::{self, FileReport};
use crate::{read_path, Exit, ReadError};
use std::path::{Path, PathBuf};
use trustlint_core::check::{check_source, file_findings, finish, CheckOptions, Report, Reported};
use trustlint_core::crosscheck::{crosscheck, RoleRef};
use trustlint_core::diagnostic::{code, Finding, Severity};
use trustlint_core::input::cloudformation::{read_template, TemplateOptions};
use trustlint_core::input::{prepare_input, read_role, Input, InputKind, PolicySource, RoleEntry};
use trustlint_core::json::Node;
use trustlint_core::k8s::{service_accounts, ServiceAccount};
use trustlint_core::source::Span;

/// One file to check, and whether the user named it.
struct Target {
    path: PathBuf,
    explicit: bool,
    /// What its extension says it is (read once, at the walk).
    ext: Ext,
}

impl Target {
    fn new(path: PathBuf, explicit: bool) -> Target {
        let ext = Ext::of(&path);
        Target {
            path,
            explicit,
            ext,
        }
    }
}

/// The extensions `check` looks at in a directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ext {
    /// `.json`: policies, IAM dumps, plans, templates.
    Json,
    /// `.yaml`/`.yml`: manifests, templates.
    Yaml,
    /// `.template`: CloudFormation's other usual extension, JSON or YAML.
    Template,
    /// Any other (or none).
    Other,
}

impl Ext {
    fn of(path: &Path) -> Ext {
        match path.extension().and_then(std::ffi::OsStr::to_str) {
            Some("json") => Ext::Json,
            Some("yaml" | "yml") => Ext::Yaml,
            Some("template") => Ext::Template,
            _ => Ext::Other,
        }
    }
}

/// Run the command.
pub fn run(args: &CheckArgs) -> Result<Exit, String> {
    let config = Config::load(args.config.as_deref())?;
    let options = CheckOptions {
        config: config.lint.clone(),
        select: args.select.clone().unwrap_or_else(|| config.select.clone()),
        ignore: args.ignore.clone().unwrap_or_else(|| config.ignore.clone()),
        severity: config.severity.clone(),
    };
    for code in options.select.iter().chain(&options.ignore) {
        if !code.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("TL")) {
            return Err(format!(
                "`{code}` is not a rule code or prefix (e.g. `TL2`, `TL203`)"
            ));
        }
    }
    let fail_on = match args.fail_on {
        Some(f) => f,
        None => match config.fail_on.as_deref() {
            Some("error") => FailOn::Error,
            Some("info") => FailOn::Info,
            Some("never") => FailOn::Never,
            _ => FailOn::Warning,
        },
    };
    let ignore_paths = ignore_globs(&config)?;
    let roots: Vec<PathBuf> = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut targets = Vec::new();
    for root in &roots {
        if crate::is_stdin(root) {
            targets.push(Target::new(root.clone(), true));
        } else if root.is_dir() {
            walk(root, &ignore_paths, &config.root(), &mut targets)?;
        } else if root.exists() {
            targets.push(Target::new(root.clone(), true));
        } else {
            return Err(format!(
                "cannot read `{}`: no such file or directory",
                root.display()
            ));
        }
    }
    // Only YAML files can hold the ServiceAccounts that cross-checks pair with roles: without
    // one, what each file holds is dropped as soon as it is checked.
    let keep_inputs = targets.iter().any(|t| t.ext == Ext::Yaml);
    let mut checked = check_all(&targets, &options, keep_inputs)?;
    cross_check(&mut checked, &options);
    let reports: Vec<FileReport> = checked.into_iter().map(|c| c.file).collect();
    let threshold = match fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let failed = reports
        .iter()
        .flat_map(|r| &r.report.findings)
        .any(|r| threshold.is_some_and(|t| r.finding.severity >= t));
    let out = match args.format {
        CheckFormat::Human => report::human(&reports),
        CheckFormat::Json => {
            // Written as it is made: a dump's report is tens of megabytes.
            let mut out = std::io::stdout().lock();
            let _ = report::write_json(&reports, threads(), &mut out)
                .and_then(|()| std::io::Write::flush(&mut out));
            String::new()
        }
        CheckFormat::Sarif => report::sarif(&reports),
        CheckFormat::Github => report::github(&reports),
    };
    crate::print(&out);
    Ok(if failed { Exit::Failure } else { Exit::Success })
}

fn ignore_globs(config: &Config) -> Result<globset::GlobSet, String> {
    let mut b = globset::GlobSetBuilder::new();
    for p in &config.ignore_paths {
        let glob = globset::Glob::new(p).map_err(|e| format!("invalid ignore-path `{p}`: {e}"))?;
        b.add(glob);
    }
    b.build().map_err(|e| e.to_string())
}

/// Walk a directory: hidden folders, `.git`, `target` and `node_modules` skipped, `.gitignore`
/// respected; `.json` files (policies, IAM dumps, plans, templates), `.yaml`/`.yml` files
/// (manifests, templates) and `.template` files (templates) are candidates.
fn walk(
    root: &Path,
    ignore: &globset::GlobSet,
    config_root: &Path,
    out: &mut Vec<Target>,
) -> Result<(), String> {
    let walker = ignore::WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .filter_entry(|e| {
            !matches!(
                e.file_name().to_str(),
                Some("target" | "node_modules" | ".git")
            )
        })
        .build();
    let mut found = Vec::new();
    for entry in walker {
        let entry = entry.map_err(|e| format!("cannot walk `{}`: {e}", root.display()))?;
        let path = entry.path();
        let ext = Ext::of(path);
        if !entry.file_type().is_some_and(|t| t.is_file()) || ext == Ext::Other {
            continue;
        }
        let rel = path.strip_prefix(config_root).unwrap_or(path);
        let rel = rel.strip_prefix(".").unwrap_or(rel);
        if ignore.is_match(rel) {
            continue;
        }
        found.push(Target {
            path: path.to_path_buf(),
            explicit: false,
            ext,
        });
    }
    sort_paths(&mut found);
    out.extend(found);
    Ok(())
}

/// Sorts targets in `Path` order (component by component). Comparing the bytes with `/` as
/// the lowest gives that order for the paths of one walk, without parsing components at each
/// comparison; the result is checked, and sorted by `Path` if it is not in that order.
fn sort_paths(found: &mut [Target]) {
    found.sort_by_cached_key(|t| separator_first(&t.path));
    if !found.windows(2).all(|w| w[0].path <= w[1].path) {
        found.sort_by(|a, b| a.path.cmp(&b.path));
    }
}

/// A key whose byte order is `Path` order for paths without `.`, `..` or repeated separators
/// inside: the path's bytes with each `/` made the lowest byte (NUL, which no path holds).
fn separator_first(path: &Path) -> Vec<u8> {
    let mut key = path.as_os_str().as_encoded_bytes().to_vec();
    for c in &mut key {
        if *c == b'/' {
            *c = 0;
        }
    }
    key
}

/// How many threads to use: `TRUSTLINT_THREADS`, else one per core.
pub fn threads() -> usize {
    std::env::var("TRUSTLINT_THREADS")
        .ok()
        .and_then(|t| t.parse::<usize>().ok())
        .filter(|&t| t > 0)
        .unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        })
}

/// `f` on each of `items` split into `threads` contiguous parts, one thread per part (the first
/// on this thread); the results in the items' order.
pub fn in_parts<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&[T]) -> R + Sync,
) -> Vec<R> {
    let threads = threads.clamp(1, items.len().max(1));
    let chunk = items.len().div_ceil(threads).max(1);
    let mut parts = items.chunks(chunk);
    let Some(first) = parts.next() else {
        return vec![f(items)];
    };
    std::thread::scope(|scope| {
        let f = &f;
        let handles: Vec<_> = parts.map(|part| scope.spawn(move || f(part))).collect();
        let mut out = vec![f(first)];
        for h in handles {
            match h.join() {
                Ok(r) => out.push(r),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

/// Check every target on all cores (or `TRUSTLINT_THREADS`); the result keeps the targets' order.
fn check_all(
    targets: &[Target],
    options: &CheckOptions,
    keep_inputs: bool,
) -> Result<Vec<Checked>, String> {
    let threads = threads();
    // A large dump is split across the threads by its roles; the other files by file.
    let results = in_parts(targets, threads, |part| {
        part.iter()
            .map(|t| check_one(t, options, keep_inputs, threads))
            .collect::<Result<Vec<_>, String>>()
    });
    let mut checked = Vec::with_capacity(targets.len());
    for r in results {
        checked.extend(r?.into_iter().flatten());
    }
    Ok(checked)
}

/// Check a file like `check_with_input`, checking a dump's roles while the file is read, on
/// `threads` threads (see [`crate::pipeline`]); the input is returned only when `keep_input`.
/// `raw` is the file's bytes when they are not UTF-8 (`text` is then their lossy decoding).
fn check_bytes(
    raw: Option<&[u8]>,
    text: &str,
    options: &CheckOptions,
    keep_input: bool,
    threads: usize,
) -> (Report, Option<Input>) {
    let check_roles = |roles: &[Node]| {
        let mut out = RolesChecked::default();
        for role in roles {
            match read_role(role, text) {
                RoleEntry::Finding(f) => {
                    out.file.push(Reported {
                        policy: None,
                        finding: f.clone(),
                    });
                    if keep_input {
                        out.input_findings.push(f);
                    }
                }
                RoleEntry::Policy(source) => {
                    out.policies += 1;
                    out.own.extend(check_source(&source, text, options));
                    if keep_input {
                        out.sources.push(*source);
                    }
                }
            }
        }
        out
    };
    let (prepared, parts) = match raw {
        // Not UTF-8: not JSON, so no dump.
        Some(bytes) => (prepare_input(bytes), Vec::new()),
        None => crate::pipeline::read_roles(text, threads, check_roles),
    };
    let mut input = prepared.input;
    let mut file = file_findings(&input.findings);
    let mut own: Vec<Reported> = input
        .policies
        .iter()
        .flat_map(|s| check_source(s, text, options))
        .collect();
    let mut policies = input.policies.len();
    let mut own_roles = Vec::new();
    for part in parts {
        file.extend(part.file);
        own_roles.extend(part.own);
        policies += part.policies;
        input.findings.extend(part.input_findings);
        input.policies.extend(part.sources);
    }
    // The order `check_with_input` gives: the file's findings, then each policy's.
    file.append(&mut own);
    file.append(&mut own_roles);
    let report = finish(input.kind, policies, file, options);
    (report, keep_input.then_some(input))
}

/// What one thread found in its part of a dump.
#[derive(Default)]
struct RolesChecked {
    /// Findings on the file itself.
    file: Vec<Reported>,
    /// Findings on the policies.
    own: Vec<Reported>,
    /// How many policies.
    policies: usize,
    /// The roles read, when kept for cross-checks.
    sources: Vec<PolicySource>,
    /// The findings on the file, when kept.
    input_findings: Vec<Finding>,
}

/// One checked file, with what cross-checks need from it.
pub struct Checked {
    /// The report.
    pub file: FileReport,
    /// The roles it holds.
    pub input: Option<Input>,
    /// The annotated ServiceAccounts it holds.
    pub accounts: Vec<ServiceAccount>,
}

/// The annotated ServiceAccounts (with their file index) whose role ARNs name one account.
type AccountGroup<'a> = (Option<&'a str>, Vec<(usize, &'a ServiceAccount)>);

/// Whether a template's roles rest on `${AWS::AccountId}`.
fn rests_on_account_id(input: Option<&Input>) -> bool {
    input.is_some_and(|input| {
        input.kind == InputKind::CloudFormation
            && input
                .policies
                .iter()
                .flat_map(|p| &p.unknowns)
                .any(|u| u.description.contains("AWS::AccountId"))
    })
}

/// A template read again with `AWS::AccountId` set to `account`.
fn with_account_id(text: &str, account: &str) -> Option<Input> {
    let options = TemplateOptions {
        pseudo: vec![("AWS::AccountId".to_owned(), account.to_owned())],
    };
    read_template(text, &options)
}

fn check_one(
    target: &Target,
    options: &CheckOptions,
    keep_input: bool,
    threads: usize,
) -> Result<Option<Checked>, String> {
    let path = if crate::is_stdin(&target.path) {
        "<stdin>".to_owned()
    } else {
        display(&target.path)
    };
    let bytes = match read_path(&target.path) {
        Ok(bytes) => bytes,
        Err(ReadError::TooLarge(message)) => return Ok(Some(too_large(path, message, options))),
        Err(e) => return Err(e.into()),
    };
    // Valid UTF-8 (the usual case) is taken as it is, not copied.
    let (text, raw) = match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(e) => {
            let bytes = e.into_bytes();
            (String::from_utf8_lossy(&bytes).into_owned(), Some(bytes))
        }
    };
    let bytes: &[u8] = raw.as_deref().unwrap_or(text.as_bytes());
    let yaml = target.ext == Ext::Yaml;
    if yaml && !trustlint_core::input::cloudformation::looks_like_template(&text) {
        return Ok(check_manifest(target, path, text, options));
    }
    let (mut report, input) = check_bytes(raw.as_deref(), &text, options, keep_input, threads);
    if yaml && report.kind != InputKind::CloudFormation {
        return Ok(check_manifest(target, path, text, options));
    }
    match report.kind {
        InputKind::CloudFormation
            if !target.explicit && report.policies == 0 && report.findings.is_empty() =>
        {
            return Ok(None);
        }
        InputKind::Unrecognized | InputKind::Invalid
            if target.ext == Ext::Template && !target.explicit =>
        {
            return Ok(None);
        }
        InputKind::Invalid
            if target.ext == Ext::Template && options.selects(code::INVALID_JSON.code) =>
        {
            report.findings = vec![Reported {
                policy: None,
                finding: Finding::new(
                    code::INVALID_JSON,
                    Severity::Error,
                    Span::new(0, 0),
                    "the file is neither JSON nor a CloudFormation template (a YAML mapping with `AWSTemplateFormatVersion`, or `Resources` whose entries have `Type: AWS::…`)",
                )
                .with_help("pass a CloudFormation template, a trust policy document or the output of `aws iam get-role`"),
            }];
        }
        InputKind::Unrecognized if !target.explicit => return Ok(None),
        InputKind::Invalid if !target.explicit && !looks_like_policy(bytes) => return Ok(None),
        InputKind::Unrecognized if options.selects(code::INVALID_JSON.code) => {
            report.findings.insert(
                0,
                Reported {
                    policy: None,
                    finding: trustlint_core::check::not_a_policy(),
                },
            );
        }
        _ => {}
    }
    drop(raw);
    Ok(Some(Checked {
        file: FileReport { path, text, report },
        input,
        accounts: Vec::new(),
    }))
}

/// A file over the size cap: one TL001 error at its start, saying so (when TL001 is selected).
fn too_large(path: String, message: String, options: &CheckOptions) -> Checked {
    let mut findings = Vec::new();
    if options.selects(code::INVALID_JSON.code) {
        findings.push(Reported {
            policy: None,
            finding: Finding::new(
                code::INVALID_JSON,
                Severity::Error,
                Span::new(0, 0),
                message,
            )
            .with_help(format!(
                "trustlint reads inputs of at most {} bytes",
                crate::max_file_bytes()
            )),
        });
    }
    Checked {
        file: FileReport {
            path,
            text: String::new(),
            report: Report {
                kind: InputKind::Invalid,
                policies: 0,
                findings,
            },
        },
        input: None,
        accounts: Vec::new(),
    }
}

/// A YAML file: Kubernetes manifests (their ServiceAccounts feed the cross-checks).
fn check_manifest(
    target: &Target,
    path: String,
    text: String,
    options: &CheckOptions,
) -> Option<Checked> {
    let mut findings = Vec::new();
    let accounts = match trustlint_core::yaml::parse_stream(&text) {
        Ok(docs) => docs
            .iter()
            .flat_map(|d| service_accounts(&d.root))
            .collect(),
        Err(e) => {
            let manifest_like = text.contains("kind:");
            if !target.explicit && !manifest_like {
                return None;
            }
            if options.selects(code::INVALID_JSON.code) {
                let mut f = Finding::new(
                    code::INVALID_JSON,
                    Severity::Error,
                    e.span,
                    format!("invalid YAML: {}", e.message),
                );
                f.help = e.help.clone();
                findings.push(Reported {
                    policy: None,
                    finding: f,
                });
            }
            Vec::new()
        }
    };
    if accounts.is_empty() && findings.is_empty() && !target.explicit {
        return None;
    }
    let report = Report {
        kind: InputKind::Unrecognized,
        policies: 0,
        findings,
    };
    Some(Checked {
        file: FileReport { path, text, report },
        input: None,
        accounts,
    })
}

/// TL501/TL502: every annotated ServiceAccount against the roles of every file.
fn cross_check(checked: &mut [Checked], options: &CheckOptions) {
    let findings = {
        let accounts: Vec<(usize, &ServiceAccount)> = checked
            .iter()
            .enumerate()
            .flat_map(|(i, c)| c.accounts.iter().map(move |a| (i, a)))
            .collect();
        if accounts.is_empty() {
            return;
        }
        // A template's `${AWS::AccountId}` is the account of the stack, which is the account of
        // the role a ServiceAccount names: templates that rest on it are re-read with the account
        // of each group of annotations, which makes their roles exact for that group.
        let mut groups: Vec<AccountGroup<'_>> = Vec::new();
        for (i, sa) in accounts {
            let account = sa
                .role_arn
                .value
                .split(':')
                .nth(4)
                .filter(|a| !a.is_empty());
            match groups.iter_mut().find(|(a, _)| *a == account) {
                Some((_, list)) => list.push((i, sa)),
                None => groups.push((account, vec![(i, sa)])),
            }
        }
        let mut found = Vec::new();
        for (account, sas) in groups {
            let resolved: Vec<(usize, Input)> = account
                .map(|a| {
                    checked
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| rests_on_account_id(c.input.as_ref()))
                        .filter_map(|(i, c)| Some((i, with_account_id(&c.file.text, a)?)))
                        .collect()
                })
                .unwrap_or_default();
            let roles: Vec<RoleRef<'_>> = checked
                .iter()
                .enumerate()
                .flat_map(|(i, c)| {
                    let input = resolved
                        .iter()
                        .find(|(j, _)| *j == i)
                        .map(|(_, input)| input)
                        .or(c.input.as_ref());
                    input.into_iter().flat_map(move |input| {
                        input.policies.iter().map(move |source| RoleRef {
                            file: i,
                            path: &c.file.path,
                            source,
                        })
                    })
                })
                .collect();
            found.extend(crosscheck(&roles, &sas, &options.config));
        }
        found
    };
    for f in findings {
        if !options.selects(f.finding.code) {
            continue;
        }
        let mut finding = f.finding;
        if let Some((_, s)) = options
            .severity
            .iter()
            .find(|(c, _)| c.eq_ignore_ascii_case(finding.code))
        {
            finding.severity = *s;
        }
        if let Some(c) = checked.get_mut(f.file) {
            c.file.report.findings.push(Reported {
                policy: None,
                finding,
            });
            c.file
                .report
                .findings
                .sort_by_key(|r| (r.finding.span.start, r.finding.span.end, r.finding.code));
        }
    }
}

/// A broken file found by walking is reported only when it looks like a trust policy.
fn looks_like_policy(bytes: &[u8]) -> bool {
    let needles: [&[u8]; 3] = [
        b"\"Statement\"",
        b"AssumeRolePolicyDocument",
        b"AWSTemplateFormatVersion",
    ];
    needles
        .iter()
        .any(|n| bytes.windows(n.len()).any(|w| w == *n))
}

fn display(path: &Path) -> String {
    let s = path.display().to_string();
    s.strip_prefix("./").map_or(s.clone(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Walked paths end up in `Path` order, whatever order the walk gave them in.
    #[test]
    fn paths_sort_component_by_component() {
        let names = [
            "root/a/b.json",
            "root/a-b.json",
            "root/a/b/c.json",
            "root/ab.json",
            "root/a.json",
            "root/a/b",
            "root/A.json",
            "root/a b/x.yaml",
            "root/é/x.json",
            "root/z/../y.json",
            "root/./q.json",
            "root/a//c.json",
        ];
        let mut want: Vec<PathBuf> = names.iter().map(PathBuf::from).collect();
        want.sort();
        // Without `.`, `..` or `//`, the byte comparison alone is `Path` order.
        let mut clean: Vec<&Path> = want
            .iter()
            .map(PathBuf::as_path)
            .filter(|p| {
                let s = p.to_str().unwrap_or_default();
                !s.contains("/.") && !s.contains("//")
            })
            .collect();
        assert!(clean.len() > 5);
        let sorted = clean.clone();
        clean.reverse();
        clean.sort_by_key(|p| separator_first(p));
        assert_eq!(clean, sorted);
        // Every rotation and the reverse of the list.
        for n in 0..names.len() {
            for reverse in [false, true] {
                let mut order: Vec<&str> = names.to_vec();
                order.rotate_left(n);
                if reverse {
                    order.reverse();
                }
                let mut targets: Vec<Target> = order
                    .iter()
                    .map(|p| Target::new(PathBuf::from(p), false))
                    .collect();
                sort_paths(&mut targets);
                let got: Vec<PathBuf> = targets.into_iter().map(|t| t.path).collect();
                assert_eq!(got, want, "from {order:?}");
            }
        }
    }
}
