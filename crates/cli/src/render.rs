//! Rendering source snippets with miette.

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report,
    Severity,
};
use std::io::IsTerminal;
use trustlint_core::source::Span;

/// What to say about a place in a file.
#[derive(Clone, Copy)]
pub struct Note<'a> {
    /// Error, warning or advice.
    pub severity: Severity,
    /// The headline.
    pub message: &'a str,
    /// The spans to underline, primary first.
    pub labels: &'a [(Span, String)],
    /// What to do.
    pub help: Option<&'a str>,
    /// A rule code.
    pub code: Option<&'a str>,
}

/// A snippet renderer: colour only on a terminal.
pub struct Renderer {
    handler: GraphicalReportHandler,
}

impl Renderer {
    /// A renderer for standard output.
    pub fn stdout() -> Self {
        let theme = if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        Self {
            handler: GraphicalReportHandler::new_themed(theme)
                .with_width(100)
                .with_links(false),
        }
    }

    /// Render one diagnostic with its labelled spans over `text`.
    pub fn render(&self, path: &str, text: &str, note: &Note<'_>) -> String {
        let Note {
            severity,
            message,
            labels,
            help,
            code,
        } = *note;
        let mut diag = MietteDiagnostic::new(message.to_owned()).with_severity(severity);
        if let Some(code) = code {
            diag = diag.with_code(code.to_owned());
        }
        if let Some(help) = help {
            diag = diag.with_help(help.to_owned());
        }
        let labels: Vec<LabeledSpan> = labels
            .iter()
            .filter(|(span, _)| span.end <= text.len())
            .enumerate()
            .map(|(i, (span, label))| {
                let at = miette::SourceSpan::from(*span);
                if i == 0 {
                    LabeledSpan::new_primary_with_span(Some(label.clone()), at)
                } else {
                    LabeledSpan::new_with_span(Some(label.clone()), at)
                }
            })
            .collect();
        let diag = diag.with_labels(labels);
        let report = Report::new(diag).with_source_code(NamedSource::new(path, text.to_owned()));
        let mut out = String::new();
        if self
            .handler
            .render_report(&mut out, report.as_ref())
            .is_err()
        {
            out = format!("{message}\n");
        }
        out
    }
}
