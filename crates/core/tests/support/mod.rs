//! Shared helpers of the core integration tests.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test support"
)]

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report,
};
use trustlint_core::check::{check, CheckOptions};
use trustlint_core::diagnostic::Severity;
use trustlint_core::lint::{Cluster, LintConfig};

/// The inventory used by rule tests (the same as `corpus/lint/trustlint.toml`).
pub fn test_config() -> LintConfig {
    LintConfig {
        clusters: vec![Cluster {
            name: "prod".into(),
            issuer: "https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
                .into(),
            account: Some("111122223333".into()),
            audiences: vec!["sts.amazonaws.com".into()],
            protected_namespaces: vec!["kube-system".into()],
        }],
    }
}

/// Options running only `code`, with the test inventory.
pub fn only(code: &str) -> CheckOptions {
    CheckOptions {
        config: test_config(),
        ..CheckOptions::only(code)
    }
}

/// Render findings as miette would show them (no colour, width 80), for snapshots.
pub fn render(path: &str, text: &str, options: &CheckOptions) -> (usize, String) {
    let report = check(text.as_bytes(), options);
    let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(80)
        .with_links(false);
    let mut out = String::new();
    for r in &report.findings {
        let f = &r.finding;
        let severity = match f.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        };
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            Some(f.name.to_owned()),
            miette::SourceSpan::from(f.span),
        )];
        labels.extend(f.labels.iter().map(|l| {
            LabeledSpan::new_with_span(Some(l.message.clone()), miette::SourceSpan::from(l.span))
        }));
        let mut d = MietteDiagnostic::new(f.message.clone())
            .with_severity(severity)
            .with_code(f.code)
            .with_labels(labels);
        if let Some(h) = &f.help {
            d = d.with_help(h.clone());
        }
        let report = Report::new(d).with_source_code(NamedSource::new(path, text.to_owned()));
        handler.render_report(&mut out, report.as_ref()).unwrap();
    }
    (report.findings.len(), out)
}
