//! Rendering source snippets with miette.

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, MietteError,
    MietteSpanContents, NamedSource, Report, Severity, SourceCode, SourceSpan, SpanContents,
};
use std::io::IsTerminal;
use std::sync::Arc;
use trustlint_core::source::{LineIndex, Span};

/// A file's text with its line index, shared by every snippet of that file: rendering a snippet
/// reads only the lines around it (miette's own `str` source rescans from the start each time).
#[derive(Debug, Clone)]
pub struct IndexedSource {
    text: Arc<str>,
    index: Arc<LineIndex>,
}

impl IndexedSource {
    /// Index `text`.
    pub fn new(text: &str) -> Self {
        Self {
            index: Arc::new(LineIndex::new(text)),
            text: Arc::from(text),
        }
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The length in bytes of the line holding byte `offset`.
    pub fn line_len_at(&self, offset: usize) -> usize {
        let line = self.index.line(offset, &self.text);
        self.index.line_start(line + 1, &self.text) - self.index.line_start(line, &self.text)
    }
}

impl SourceCode for IndexedSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let text: &str = &self.text;
        let start = span.offset();
        let end = start + span.len();
        if end > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first = self.index.line(start, text);
        let last = self
            .index
            .line(if end > start { end - 1 } else { start }, text);
        if before == 0 && after == 0 {
            // The location of a label: exactly the span, with its line and column.
            let data = text
                .as_bytes()
                .get(start..end)
                .ok_or(MietteError::OutOfBounds)?;
            let column = self.index.position(text, start).column - 1;
            return Ok(Box::new(MietteSpanContents::new(
                data,
                *span,
                first - 1,
                column,
                last - first + 1,
            )));
        }
        let ctx_first = first.saturating_sub(before).max(1);
        let ctx_last = (last + after).min(self.index.line_count());
        let win_start = self.index.line_start(ctx_first, text);
        let mut win_end = self.index.line_start(ctx_last + 1, text);
        let bytes = text.as_bytes();
        while win_end > win_start.max(end) && matches!(bytes.get(win_end - 1), Some(b'\n' | b'\r'))
        {
            win_end -= 1;
        }
        let data = bytes
            .get(win_start..win_end)
            .ok_or(MietteError::OutOfBounds)?;
        Ok(Box::new(MietteSpanContents::new(
            data,
            SourceSpan::new(win_start.into(), win_end - win_start),
            ctx_first - 1,
            0,
            ctx_last - ctx_first + 1,
        )))
    }
}

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
    pub fn render(&self, path: &str, source: &IndexedSource, note: &Note<'_>) -> String {
        let text = source.text();
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
        // miette formats underlines with a width that must fit in 16 bits and copies whole
        // lines: a minified file's one huge line gets the plain form instead.
        let long_line = note
            .labels
            .iter()
            .any(|(span, _)| source.line_len_at(span.start) > MAX_SNIPPET_LINE);
        if long_line {
            return plain(path, source, note);
        }
        let diag = diag.with_labels(labels);
        let report = Report::new(diag).with_source_code(NamedSource::new(path, source.clone()));
        let mut out = String::new();
        let handler = &self.handler;
        let rendered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            handler.render_report(&mut out, report.as_ref()).is_ok()
        }));
        if !matches!(rendered, Ok(true)) {
            return plain(path, source, note);
        }
        out
    }
}

/// Lines longer than this (bytes) are not drawn as snippets.
const MAX_SNIPPET_LINE: usize = 2_000;

/// `path:line:column: severity[code]: message`, one line per label, then the help.
fn plain(path: &str, source: &IndexedSource, note: &Note<'_>) -> String {
    let text = source.text();
    let severity = match note.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Advice => "info",
    };
    let code = note.code.map(|c| format!("[{c}]")).unwrap_or_default();
    let mut out = String::new();
    for (i, (span, label)) in note.labels.iter().enumerate() {
        let pos = source.index.position(text, span.start);
        if i == 0 {
            out.push_str(&format!(
                "{path}:{}:{}: {severity}{code}: {}\n",
                pos.line, pos.column, note.message
            ));
        } else {
            out.push_str(&format!("  {path}:{}:{}: {label}\n", pos.line, pos.column));
        }
    }
    if note.labels.is_empty() {
        out.push_str(&format!("{path}: {severity}{code}: {}\n", note.message));
    }
    if let Some(h) = note.help {
        out.push_str(&format!("  help: {h}\n"));
    }
    out
}
