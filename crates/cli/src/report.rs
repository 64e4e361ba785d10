//! The output formats of `check`: human (miette), JSON (schema 1), SARIF 2.1.0, GitHub workflow commands.

use crate::render::{IndexedSource, Note, Renderer};
use serde_json::{json, Value};
use trustlint_core::check::Report;
use trustlint_core::diagnostic::Severity;
use trustlint_core::lint::{rule_by_code, RULES};
use trustlint_core::output;
use trustlint_core::output::check::{CheckedFile, DocumentText};
use trustlint_core::source::{LineIndex, Position};

/// One checked file.
pub struct FileReport {
    /// The path as shown.
    pub path: String,
    /// Its text.
    pub text: String,
    /// What was found.
    pub report: Report,
}

impl FileReport {
    /// The report as core's `check` document takes it.
    fn checked(&self) -> CheckedFile<'_> {
        CheckedFile {
            path: &self.path,
            text: &self.text,
            report: &self.report,
        }
    }

    fn positions(&self) -> Vec<(Position, Position)> {
        // Most files of a directory have no findings: no line index for them.
        if self.report.findings.is_empty() {
            return Vec::new();
        }
        let index = LineIndex::new(&self.text);
        self.report
            .findings
            .iter()
            .map(|r| {
                (
                    index.position(&self.text, r.finding.span.start),
                    index.position(&self.text, r.finding.span.end),
                )
            })
            .collect()
    }
}

fn counts(reports: &[FileReport]) -> (usize, usize, usize) {
    let n = |s: Severity| {
        reports
            .iter()
            .flat_map(|r| &r.report.findings)
            .filter(|f| f.finding.severity == s)
            .count()
    };
    (n(Severity::Error), n(Severity::Warning), n(Severity::Info))
}

/// `1 file`, `2 files`, `1 policy`, `3 policies`.
fn plural(n: usize, noun: &str) -> String {
    match (n, noun.strip_suffix('y')) {
        (1, _) => format!("{n} {noun}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        (_, None) => format!("{n} {noun}s"),
    }
}

/// miette snippets, then a summary line.
pub fn human(reports: &[FileReport]) -> String {
    let renderer = Renderer::stdout();
    let mut out = String::new();
    for r in reports {
        let source = IndexedSource::new(&r.text);
        for rep in &r.report.findings {
            let f = &rep.finding;
            let severity = match f.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
                Severity::Info => miette::Severity::Advice,
            };
            let mut labels = vec![(f.span, f.name.to_owned())];
            labels.extend(f.labels.iter().map(|l| (l.span, l.message.clone())));
            let help = match (&f.help, rule_by_code(f.code)) {
                (Some(h), Some(m)) => Some(format!(
                    "{h}\n(see `trustlint explain {}` or {})",
                    m.code,
                    m.url()
                )),
                (Some(h), None) => Some(h.clone()),
                (None, Some(m)) => Some(format!("see `trustlint explain {}`", m.code)),
                (None, None) => None,
            };
            let code = format!("{}({})", f.code, f.name);
            out.push_str(&renderer.render(
                &r.path,
                &source,
                &Note {
                    severity,
                    message: &f.message,
                    labels: &labels,
                    help: help.as_deref(),
                    code: Some(&code),
                },
            ));
        }
    }
    let (e, w, i) = counts(reports);
    let policies: usize = reports.iter().map(|r| r.report.policies).sum();
    out.push_str(&format!(
        "checked {} ({}): {}, {}, {}\n",
        plural(reports.len(), "file"),
        plural(policies, "policy"),
        plural(e, "error"),
        plural(w, "warning"),
        plural(i, "info"),
    ));
    out
}

/// Diagnostics below which the JSON report is written on one thread.
const PARALLEL_DIAGNOSTICS: usize = 1024;

/// Writes the schema-1 JSON document of INTERFACE.md to `out`: the diagnostics are made in
/// `threads` contiguous parts on as many threads and written in order, so the text is the same
/// for any number of threads.
///
/// # Errors
/// When writing fails.
pub fn write_json(
    reports: &[FileReport],
    threads: usize,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    let files: Vec<CheckedFile<'_>> = reports.iter().map(FileReport::checked).collect();
    let text = DocumentText::new(&files, output::Offsets::LineColumn);
    let len = text.len();
    let threads = if len < PARALLEL_DIAGNOSTICS {
        1
    } else {
        threads.max(1)
    };
    let ranges: Vec<std::ops::Range<usize>> = (0..threads)
        .map(|i| len * i / threads..len * (i + 1) / threads)
        .collect();
    let parts = crate::check::in_parts(&ranges, threads, |part| {
        let mut bytes = Vec::new();
        for range in part {
            text.diagnostics(range.clone(), &mut bytes);
        }
        bytes
    });
    out.write_all(text.head().as_bytes())?;
    for part in parts {
        out.write_all(&part)?;
    }
    out.write_all(text.tail().as_bytes())
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// SARIF 2.1.0 with the rule catalog in `tool.driver.rules`.
pub fn sarif(reports: &[FileReport]) -> String {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            let m = r.meta();
            json!({
                "id": m.code,
                "name": m.name,
                "shortDescription": {"text": m.summary()},
                "fullDescription": {"text": m.summary()},
                "help": {"text": m.docs(), "markdown": m.docs()},
                "helpUri": m.url(),
                "defaultConfiguration": {"level": sarif_level(m.category.severity())},
                "properties": {"category": m.category.as_str()},
            })
        })
        .collect();
    let mut results = Vec::new();
    for r in reports {
        for (rep, (start, end)) in r.report.findings.iter().zip(r.positions()) {
            let f = &rep.finding;
            let index = RULES.iter().position(|x| x.meta().code == f.code);
            let text = match &f.help {
                Some(h) => format!("{} ({h})", f.message),
                None => f.message.clone(),
            };
            let mut result = json!({
                "ruleId": f.code,
                "level": sarif_level(f.severity),
                "message": {"text": text},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": r.path.replace('\\', "/")},
                    "region": {"startLine": start.line, "startColumn": start.column,
                               "endLine": end.line, "endColumn": end.column}
                }}],
            });
            if let (Some(i), Some(obj)) = (index, result.as_object_mut()) {
                obj.insert("ruleIndex".into(), json!(i));
            }
            results.push(result);
        }
    }
    let out = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "trustlint", "version": env!("CARGO_PKG_VERSION"),
                                "informationUri": "https://trustlint.invalid", "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    format!(
        "{}\n",
        serde_json::to_string_pretty(&out).unwrap_or_default()
    )
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One GitHub Actions workflow command per finding.
pub fn github(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for r in reports {
        for (rep, (start, end)) in r.report.findings.iter().zip(r.positions()) {
            let f = &rep.finding;
            let level = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            out.push_str(&format!(
                "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
                escape_property(&r.path),
                start.line,
                start.column,
                end.line,
                end.column,
                escape_property(&format!("{} {}", f.code, f.name)),
                escape_data(&f.message)
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use trustlint_core::check::{check, CheckOptions};

    /// `copies` reports of one policy with findings, and one file without findings.
    fn reports(copies: usize) -> Vec<FileReport> {
        let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/AB"},
            "Action": "sts:AssumeRoleWithWebIdentity", "Sid": "é😀 bad sid",
            "Condition": {"StringLike": {"oidc.eks.eu-west-1.amazonaws.com/id/AB:sub": "system:serviceaccount:*"}}}]}"#;
        let mut out: Vec<FileReport> = (0..copies)
            .map(|i| FileReport {
                path: format!("team-{i}/role.json"),
                text: policy.to_owned(),
                report: check(policy.as_bytes(), &CheckOptions::default()),
            })
            .collect();
        out.insert(
            copies / 2,
            FileReport {
                path: "clean.json".to_owned(),
                text: "{}".to_owned(),
                report: check(b"{}", &CheckOptions::default()),
            },
        );
        out
    }

    /// The report written in parallel parts is the document core prints, for any thread count,
    /// above and below the size at which it is split.
    #[test]
    fn parallel_json_is_the_document() {
        let per_file: usize = reports(1).iter().map(|r| r.report.findings.len()).sum();
        assert!(per_file > 0, "the example has findings");
        for copies in [0, 1, 3, PARALLEL_DIAGNOSTICS / per_file + 7] {
            let reports = reports(copies);
            let files: Vec<CheckedFile<'_>> = reports.iter().map(FileReport::checked).collect();
            let want = output::check::document_text(&files, output::Offsets::LineColumn);
            for threads in [1, 2, 3, 8] {
                let mut out = Vec::new();
                write_json(&reports, threads, &mut out).unwrap();
                assert_eq!(
                    String::from_utf8(out).unwrap(),
                    want,
                    "{copies} copies on {threads} threads"
                );
            }
        }
    }
}
