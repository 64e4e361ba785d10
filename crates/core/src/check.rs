//! `check`: read one file, parse every policy in it, run the selected rules, and report.

use crate::diagnostic::{Finding, Severity};
use crate::input::{read_input, unknown, InputKind};
use crate::lint::{self, LintConfig, LintContext, RuleMeta};

/// What to check and how to report it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckOptions {
    /// The inventory and other rule settings.
    pub config: LintConfig,
    /// Code prefixes to run (`TL2`, `TL203`); empty means every rule.
    pub select: Vec<String>,
    /// Code prefixes not to run.
    pub ignore: Vec<String>,
    /// Severity overrides by exact code.
    pub severity: Vec<(String, Severity)>,
}

impl CheckOptions {
    /// Options that run only the rule `code`.
    #[must_use]
    pub fn only(code: &str) -> Self {
        Self {
            select: vec![code.to_owned()],
            ..Self::default()
        }
    }

    /// Whether the rule with `code` runs.
    #[must_use]
    pub fn selects(&self, code: &str) -> bool {
        let matches = |p: &String| {
            code.len() >= p.len()
                && code
                    .get(..p.len())
                    .is_some_and(|h| h.eq_ignore_ascii_case(p))
        };
        (self.select.is_empty() || self.select.iter().any(matches))
            && !self.ignore.iter().any(matches)
    }
}

/// One finding with the policy it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reported {
    /// The role name (or other name the input gives), if any.
    pub policy: Option<String>,
    /// The finding; its spans point into the file.
    pub finding: Finding,
}

/// The result of checking one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// What the file is.
    pub kind: InputKind,
    /// How many policies it holds.
    pub policies: usize,
    /// Every finding, sorted by position.
    pub findings: Vec<Reported>,
}

/// The TL001 finding for a file that is JSON but holds no trust policy, reported when the
/// user names the file (a directory walk skips such files silently).
#[must_use]
pub fn not_a_policy() -> Finding {
    Finding::new(
        crate::diagnostic::code::INVALID_JSON,
        Severity::Error,
        crate::source::Span::new(0, 0),
        "the file is JSON but not a trust policy, get-role, list-roles or authorization-details output, Terraform plan or CloudFormation template",
    )
    .with_help("pass a trust policy document or the output of `aws iam get-role`")
}

/// Check one file's bytes. Never fails: a file that cannot be read as JSON gives a TL001 finding.
#[must_use]
pub fn check(bytes: &[u8], options: &CheckOptions) -> Report {
    check_with_input(bytes, options).0
}

/// [`check`], also returning what was read (for cross-checks between files).
#[must_use]
pub fn check_with_input(bytes: &[u8], options: &CheckOptions) -> (Report, crate::input::Input) {
    let input = read_input(bytes);
    let file = std::str::from_utf8(bytes).unwrap_or("");
    let mut findings = file_findings(&input.findings);
    for source in &input.policies {
        findings.extend(check_source(source, file, options));
    }
    let report = finish(input.kind, input.policies.len(), findings, options);
    (report, input)
}

/// Findings on the file itself (not on a policy), as [`Reported`]s.
#[must_use]
pub fn file_findings(findings: &[Finding]) -> Vec<Reported> {
    findings
        .iter()
        .cloned()
        .map(|finding| Reported {
            policy: None,
            finding,
        })
        .collect()
}

/// Every finding on one policy of `file` (the file's text): its parse findings and those of the
/// rules, with spans in the file, before selection and severity overrides (see [`finish`]).
#[must_use]
pub fn check_source(
    source: &crate::input::PolicySource,
    file: &str,
    options: &CheckOptions,
) -> Vec<Reported> {
    let mut own: Vec<Finding> = source.parsed.findings.clone();
    if let Some(policy) = &source.parsed.policy {
        let admitted = crate::lint::AdmittedSets::default();
        let providers = crate::lint::StatementProviders::new(policy);
        let cx = LintContext {
            policy,
            text: source.text(file),
            config: &options.config,
            role_account: source.account.as_deref(),
            admitted: &admitted,
            providers: &providers,
        };
        let found = lint::lint(&cx, |m: &RuleMeta| options.selects(m.code));
        // No finding may rest on a value trustlint cannot know.
        let found = unknown::filter_findings(found, Some(policy), &source.unknowns);
        own.extend(
            found
                .into_iter()
                .map(|f| f.map_spans(|s| source.file_span(s))),
        );
    }
    own.into_iter()
        .map(|finding| Reported {
            policy: source.name.clone(),
            finding,
        })
        .collect()
}

/// The report of a file of `kind` holding `policies` policies, from its findings (the file's
/// own, then those of each policy in order): selected, severities overridden, sorted by position.
#[must_use]
pub fn finish(
    kind: InputKind,
    policies: usize,
    mut findings: Vec<Reported>,
    options: &CheckOptions,
) -> Report {
    findings.retain(|r| options.selects(r.finding.code));
    for r in &mut findings {
        if let Some((_, s)) = options
            .severity
            .iter()
            .find(|(c, _)| c.eq_ignore_ascii_case(r.finding.code))
        {
            r.finding.severity = *s;
        }
    }
    findings.sort_by(|a, b| {
        (a.finding.span.start, a.finding.span.end, a.finding.code).cmp(&(
            b.finding.span.start,
            b.finding.span.end,
            b.finding.code,
        ))
    });
    Report {
        kind,
        policies,
        findings,
    }
}
