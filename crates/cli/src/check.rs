//! `trustlint check`: report the problems of every trust policy in the given paths.
//!
//! This first version reports the document-level problems the parser finds (TL001–TL011).

use crate::args::{CheckArgs, FailOn, Format};
use crate::render::{Note, Renderer};
use crate::{read_path, Exit};
use serde_json::json;
use std::path::{Path, PathBuf};
use trustlint_core::diagnostic::{Finding, Severity};
use trustlint_core::input::{read_input, InputKind};
use trustlint_core::source::LineIndex;

struct FileReport {
    path: String,
    text: String,
    findings: Vec<(Option<String>, Finding)>,
    policies: usize,
}

/// Run the command.
pub fn run(args: &CheckArgs) -> Result<Exit, String> {
    let roots: Vec<PathBuf> = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut files: Vec<(PathBuf, bool)> = Vec::new();
    for root in &roots {
        if root.is_dir() {
            walk(root, &mut files).map_err(|e| format!("cannot read `{}`: {e}", root.display()))?;
        } else {
            files.push((root.clone(), true));
        }
    }
    files.sort();
    let mut reports = Vec::new();
    for (path, explicit) in files {
        let bytes = read_path(&path)?;
        let input = read_input(&bytes);
        if matches!(input.kind, InputKind::Unrecognized | InputKind::Invalid) && !explicit {
            continue;
        }
        let mut findings: Vec<(Option<String>, Finding)> =
            input.findings.iter().cloned().map(|f| (None, f)).collect();
        if input.kind == InputKind::Unrecognized {
            findings.push((
                None,
                Finding::new(
                    trustlint_core::diagnostic::code::INVALID_JSON,
                    Severity::Error,
                    trustlint_core::source::Span::new(0, 0),
                    "the file is valid JSON but not a trust policy, get-role, list-roles or authorization-details output",
                ),
            ));
        }
        for p in &input.policies {
            findings.extend(
                p.parsed
                    .findings
                    .iter()
                    .cloned()
                    .map(|f| (p.name.clone(), f)),
            );
        }
        findings.sort_by_key(|(_, f)| (f.span.start, f.span.end));
        reports.push(FileReport {
            path: path.display().to_string(),
            text: String::from_utf8_lossy(&bytes).into_owned(),
            findings,
            policies: input.policies.len(),
        });
    }
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let failed = reports
        .iter()
        .flat_map(|r| &r.findings)
        .any(|(_, f)| threshold.is_some_and(|t| f.severity >= t));
    let count = |s: Severity| {
        reports
            .iter()
            .flat_map(|r| &r.findings)
            .filter(|(_, f)| f.severity == s)
            .count()
    };
    match args.format {
        Format::Json => {
            let mut diagnostics = Vec::new();
            for r in &reports {
                let index = LineIndex::new(&r.text);
                for (policy, f) in &r.findings {
                    let start = index.position(&r.text, f.span.start);
                    let end = index.position(&r.text, f.span.end);
                    diagnostics.push(json!({
                        "code": f.code, "name": f.name, "severity": f.severity.as_str(),
                        "message": f.message, "help": f.help, "path": r.path, "policy": policy,
                        "span": {"start": {"line": start.line, "column": start.column},
                                 "end": {"line": end.line, "column": end.column}},
                    }));
                }
            }
            let out = json!({
                "schema": 1,
                "tool": {"name": "trustlint", "version": env!("CARGO_PKG_VERSION")},
                "diagnostics": diagnostics,
                "summary": {"files": reports.len(), "policies": reports.iter().map(|r| r.policies).sum::<usize>(),
                            "error": count(Severity::Error), "warning": count(Severity::Warning), "info": count(Severity::Info)},
            });
            println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
        Format::Human => {
            let renderer = Renderer::stdout();
            for r in &reports {
                for (_, f) in &r.findings {
                    let severity = match f.severity {
                        Severity::Error => miette::Severity::Error,
                        Severity::Warning => miette::Severity::Warning,
                        Severity::Info => miette::Severity::Advice,
                    };
                    let mut labels = vec![(f.span, f.name.to_owned())];
                    labels.extend(f.labels.iter().map(|l| (l.span, l.message.clone())));
                    print!(
                        "{}",
                        renderer.render(
                            &r.path,
                            &r.text,
                            &Note {
                                severity,
                                message: &f.message,
                                labels: &labels,
                                help: f.help.as_deref(),
                                code: Some(f.code)
                            }
                        )
                    );
                }
            }
            println!(
                "{} files, {} errors, {} warnings, {} infos",
                reports.len(),
                count(Severity::Error),
                count(Severity::Warning),
                count(Severity::Info)
            );
        }
    }
    Ok(if failed { Exit::Failure } else { Exit::Success })
}

fn walk(dir: &Path, out: &mut Vec<(PathBuf, bool)>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name == "target" || name == "node_modules" {
            continue;
        }
        if entry.file_type()?.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push((path, false));
        }
    }
    Ok(())
}
