//! The `check` document.

use super::{Offsets, Utf16Map, VERSION};
use crate::check::{Report, Reported};
use crate::diagnostic::Severity;
use crate::source::LineIndex;
use serde::Serialize;
use serde_json::Value;

/// One checked file.
#[derive(Debug, Clone, Copy)]
pub struct CheckedFile<'a> {
    /// The path as shown.
    pub path: &'a str,
    /// The file's text.
    pub text: &'a str,
    /// What was found.
    pub report: &'a Report,
}

/// A line and column, as JSON shows them.
#[derive(Debug, Clone, Copy, Serialize)]
struct LineColumn {
    column: usize,
    line: usize,
}

/// UTF-16 offsets of a span.
#[derive(Debug, Clone, Copy, Serialize)]
struct Utf16Span {
    end: usize,
    start: usize,
}

/// A span as JSON shows it.
#[derive(Debug, Clone, Copy, Serialize)]
struct SpanJson {
    end: LineColumn,
    start: LineColumn,
    #[serde(skip_serializing_if = "Option::is_none")]
    utf16: Option<Utf16Span>,
}

/// One diagnostic of the document.
///
/// Fields are declared in alphabetical order, so that serialising this struct gives the same
/// text as serialising it through a `serde_json::Value` (whose objects sort their keys).
#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic<'a> {
    code: &'a str,
    help: Option<&'a str>,
    message: &'a str,
    name: &'a str,
    path: &'a str,
    policy: Option<&'a str>,
    severity: &'a str,
    span: SpanJson,
}

/// The `summary` of the document.
#[derive(Debug, Clone, Copy, Serialize)]
struct Summary {
    error: usize,
    files: usize,
    info: usize,
    policies: usize,
    warning: usize,
}

/// The `tool` of the document.
#[derive(Debug, Clone, Copy, Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

/// The schema-1 `check` document (see [`document`]), borrowing from the reports; serialise it
/// with `serde_json` (its fields are in the order a `serde_json::Value` would print them).
#[derive(Debug, Clone, Serialize)]
pub struct CheckDocument<'a> {
    diagnostics: Vec<Diagnostic<'a>>,
    schema: u32,
    summary: Summary,
    tool: Tool,
}

/// One diagnostic: code, name, severity, message, help, path, policy and span.
#[must_use]
pub fn diagnostic<'a>(
    path: &'a str,
    text: &str,
    index: &LineIndex,
    utf16: Option<&Utf16Map>,
    reported: &'a Reported,
) -> Diagnostic<'a> {
    let f = &reported.finding;
    let at = |offset: usize| {
        let p = index.position(text, offset);
        LineColumn {
            column: p.column,
            line: p.line,
        }
    };
    Diagnostic {
        code: f.code,
        help: f.help.as_deref(),
        message: &f.message,
        name: f.name,
        path,
        policy: reported.policy.as_deref(),
        severity: f.severity.as_str(),
        span: SpanJson {
            end: at(f.span.end),
            start: at(f.span.start),
            utf16: utf16.map(|map| Utf16Span {
                end: map.offset(f.span.end),
                start: map.offset(f.span.start),
            }),
        },
    }
}

/// The schema-1 `check` document for a set of files, ready to serialise.
#[must_use]
pub fn check_document<'a>(files: &[CheckedFile<'a>], offsets: Offsets) -> CheckDocument<'a> {
    let mut diagnostics = Vec::new();
    for file in files {
        let index = LineIndex::new(file.text);
        let map = (offsets == Offsets::Utf16).then(|| Utf16Map::new(file.text));
        diagnostics.extend(
            file.report
                .findings
                .iter()
                .map(|r| diagnostic(file.path, file.text, &index, map.as_ref(), r)),
        );
    }
    CheckDocument {
        diagnostics,
        schema: 1,
        summary: summary(files),
        tool: Tool {
            name: "trustlint",
            version: VERSION,
        },
    }
}

/// The schema-1 `check` document for a set of files, as a JSON value.
#[must_use]
pub fn document(files: &[CheckedFile<'_>], offsets: Offsets) -> Value {
    serde_json::to_value(check_document(files, offsets)).unwrap_or(Value::Null)
}

/// The schema-1 `check` document for a set of files as pretty JSON with a final newline, the
/// same text as `pretty(&document(files, offsets))`, written without building a value tree.
#[must_use]
pub fn document_text(files: &[CheckedFile<'_>], offsets: Offsets) -> String {
    let text = DocumentText::new(files, offsets);
    let mut out = text.head().into_bytes();
    text.diagnostics(0..text.len(), &mut out);
    out.extend_from_slice(text.tail().as_bytes());
    String::from_utf8(out).unwrap_or_default()
}

/// The text of [`document_text`] in parts: the head, the diagnostics of any range of them
/// (which can be written on separate threads) and the tail. Put together in order they are
/// exactly [`document_text`]; nothing holds the whole text at once.
#[derive(Debug)]
pub struct DocumentText<'a> {
    files: &'a [CheckedFile<'a>],
    /// One line index per file with diagnostics (`None` for the others, most of a directory).
    indexes: Vec<Option<LineIndex>>,
    /// One UTF-16 map per file with diagnostics, when UTF-16 offsets are asked for.
    maps: Vec<Option<Utf16Map>>,
    /// The document position of each file's first diagnostic, then the number of diagnostics.
    starts: Vec<usize>,
}

/// The indentation level of the diagnostics in the document (inside the top-level object's
/// `diagnostics` array).
const DIAGNOSTIC_LEVEL: usize = 2;

impl<'a> DocumentText<'a> {
    /// Index the files' texts for their diagnostics.
    #[must_use]
    pub fn new(files: &'a [CheckedFile<'a>], offsets: Offsets) -> Self {
        let mut starts = Vec::with_capacity(files.len() + 1);
        let mut at = 0;
        for file in files {
            starts.push(at);
            at += file.report.findings.len();
        }
        starts.push(at);
        // Only files with diagnostics need positions: most files of a directory have none.
        let (indexes, maps) = files
            .iter()
            .map(|f| {
                if f.report.findings.is_empty() {
                    return (None, None);
                }
                let map = (offsets == Offsets::Utf16).then(|| Utf16Map::new(f.text));
                (Some(LineIndex::new(f.text)), map)
            })
            .unzip();
        DocumentText {
            files,
            indexes,
            maps,
            starts,
        }
    }

    /// The number of diagnostics.
    #[must_use]
    pub fn len(&self) -> usize {
        self.starts.last().copied().unwrap_or(0)
    }

    /// Whether there are no diagnostics.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The document printed with no diagnostics, and where its `[]` is.
    fn empty(&self) -> (String, usize) {
        let mut document = check_document(&[], Offsets::LineColumn);
        document.summary = summary(self.files);
        let text = serde_json::to_string_pretty(&document).unwrap_or_default();
        let at = text.find("[]").unwrap_or(text.len());
        (text, at)
    }

    /// The text before the first diagnostic.
    #[must_use]
    pub fn head(&self) -> String {
        let (text, at) = self.empty();
        text.get(..=at).unwrap_or_default().to_owned()
    }

    /// The text after the last diagnostic, with the final newline.
    #[must_use]
    pub fn tail(&self) -> String {
        let (text, at) = self.empty();
        let rest = text.get(at + 1..).unwrap_or_default();
        let mut out = String::with_capacity(rest.len() + 4);
        if !self.is_empty() {
            out.push('\n');
            out.push_str(&"  ".repeat(DIAGNOSTIC_LEVEL - 1));
        }
        out.push_str(rest);
        out.push('\n');
        out
    }

    /// Appends the diagnostics at positions `range` (clamped to [`len`](Self::len)) to `out`,
    /// each with the separator before it.
    pub fn diagnostics(&self, range: std::ops::Range<usize>, out: &mut Vec<u8>) {
        let end = range.end.min(self.len());
        let mut at = range.start;
        // About 600 bytes a diagnostic; growing past that is amortised.
        out.reserve(end.saturating_sub(at).saturating_mul(600));
        while at < end {
            // The file holding position `at`: the last whose first position is at or before it
            // (a file without diagnostics starts where the next one does, so this one has
            // diagnostics, and a line index).
            let file = self.starts.partition_point(|&s| s <= at).saturating_sub(1);
            let (Some(f), Some(index), Some(&first)) = (
                self.files.get(file),
                self.indexes.get(file).and_then(Option::as_ref),
                self.starts.get(file),
            ) else {
                return;
            };
            let map = self.maps.get(file).and_then(Option::as_ref);
            let upto = (first + f.report.findings.len()).min(end);
            for (n, r) in f
                .report
                .findings
                .iter()
                .enumerate()
                .take(upto - first)
                .skip(at - first)
            {
                out.extend_from_slice(if first + n == 0 { b"\n" } else { b",\n" });
                for _ in 0..DIAGNOSTIC_LEVEL {
                    out.extend_from_slice(b"  ");
                }
                let d = diagnostic(f.path, f.text, index, map, r);
                let mut ser = serde_json::Serializer::with_formatter(
                    &mut *out,
                    Nested {
                        level: DIAGNOSTIC_LEVEL,
                        has_value: false,
                    },
                );
                // Writing to a `Vec` cannot fail, nor can these plain structs.
                let _ = d.serialize(&mut ser);
            }
            at = upto.max(at + 1);
        }
    }
}

/// The summary of a set of files.
fn summary(files: &[CheckedFile<'_>]) -> Summary {
    let count = |s: Severity| {
        files
            .iter()
            .flat_map(|f| &f.report.findings)
            .filter(|r| r.finding.severity == s)
            .count()
    };
    Summary {
        error: count(Severity::Error),
        files: files.len(),
        info: count(Severity::Info),
        policies: files.iter().map(|f| f.report.policies).sum(),
        warning: count(Severity::Warning),
    }
}

/// `serde_json`'s pretty layout (two spaces a level, `": "` after keys) for a value that starts
/// `level` levels deep: what `to_string_pretty` prints for it inside the whole document.
struct Nested {
    level: usize,
    has_value: bool,
}

impl Nested {
    fn open<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.level = self.level.saturating_sub(1);
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(bracket)
    }

    fn next<W: ?Sized + std::io::Write>(&self, w: &mut W, first: bool) -> std::io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }

    fn indent<W: ?Sized + std::io::Write>(&self, w: &mut W) -> std::io::Result<()> {
        for _ in 0..self.level {
            w.write_all(b"  ")?;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.next(w, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.next(w, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Options given as JSON: `select`, `ignore` (arrays of code prefixes), `severity`
/// (`{"TL205": "error"}`) and `clusters` (`[{"name", "issuer", "account", "audiences",
/// "protected_namespaces"}]`, as `[[cluster]]` of `trustlint.toml`).
///
/// # Errors
/// A message naming the malformed option.
pub fn options_from_json(options: &Value) -> Result<crate::check::CheckOptions, String> {
    use crate::lint::{Cluster, LintConfig};
    let list = |v: Option<&Value>, key: &str| -> Result<Vec<String>, String> {
        match v {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(a)) => a
                .iter()
                .map(|x| {
                    x.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| format!("`{key}` must be an array of strings"))
                })
                .collect(),
            Some(Value::String(s)) => Ok(s.split(',').map(str::to_owned).collect()),
            Some(_) => Err(format!("`{key}` must be an array of strings")),
        }
    };
    if !(options.is_object() || options.is_null()) {
        return Err("the options must be an object".to_owned());
    }
    let select = list(options.get("select"), "select")?;
    let ignore = list(options.get("ignore"), "ignore")?;
    for code in select.iter().chain(&ignore) {
        if !code.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("TL")) {
            return Err(format!(
                "`{code}` is not a rule code or prefix (e.g. `TL2`, `TL203`)"
            ));
        }
    }
    let mut severity = Vec::new();
    if let Some(m) = options.get("severity").and_then(Value::as_object) {
        for (code, s) in m {
            let s = match s.as_str() {
                Some("error") => Severity::Error,
                Some("warning") => Severity::Warning,
                Some("info") => Severity::Info,
                _ => {
                    return Err(format!(
                        "severity of `{code}` must be error, warning or info"
                    ))
                }
            };
            severity.push((code.clone(), s));
        }
    }
    let mut clusters = Vec::new();
    for c in options
        .get("clusters")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let s = |k: &str| c.get(k).and_then(Value::as_str).map(str::to_owned);
        let name = s("name").unwrap_or_default();
        let issuer = s("issuer").unwrap_or_default();
        if !issuer.starts_with("https://") {
            return Err(format!(
                "cluster `{name}`: issuer `{issuer}` must start with `https://`"
            ));
        }
        let mut audiences = list(c.get("audiences"), "audiences")?;
        if audiences.is_empty() {
            audiences.push("sts.amazonaws.com".to_owned());
        }
        clusters.push(Cluster {
            name,
            issuer,
            account: s("account"),
            audiences,
            protected_namespaces: list(c.get("protected_namespaces"), "protected_namespaces")?,
        });
    }
    Ok(crate::check::CheckOptions {
        config: LintConfig { clusters },
        select,
        ignore,
        severity,
    })
}

/// Check one text as `trustlint check --format json PATH` does for a file named on the command
/// line (a file that is JSON but holds no policy gets TL001).
#[must_use]
pub fn check_text(
    path: &str,
    text: &str,
    options: &crate::check::CheckOptions,
    offsets: Offsets,
) -> Value {
    let (mut report, _) = crate::check::check_with_input(text.as_bytes(), options);
    if report.kind == crate::input::InputKind::Unrecognized
        && options.selects(crate::diagnostic::code::INVALID_JSON.code)
    {
        report.findings.insert(
            0,
            Reported {
                policy: None,
                finding: crate::check::not_a_policy(),
            },
        );
    }
    document(
        &[CheckedFile {
            path,
            text,
            report: &report,
        }],
        offsets,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{check, CheckOptions};

    /// `document_text` prints the same text as the value tree, for findings with and without a
    /// help and a policy name, with and without UTF-16 offsets.
    #[test]
    fn the_text_is_the_value_tree_printed() {
        let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/AB"},
            "Action": "sts:AssumeRoleWithWebIdentity", "Sid": "é😀 bad sid",
            "Condition": {"StringLike": {"oidc.eks.eu-west-1.amazonaws.com/id/AB:sub": "system:serviceaccount:*"}}}]}"#;
        let mut report = check(policy.as_bytes(), &CheckOptions::default());
        assert!(report.findings.len() >= 3, "{:?}", report.findings);
        if let Some(r) = report.findings.first_mut() {
            r.policy = Some("role-1".to_owned());
            r.finding.help = None;
        }
        let broken = "{ not json";
        let broken_report = check(broken.as_bytes(), &CheckOptions::default());
        let files = [
            CheckedFile {
                path: "a.json",
                text: policy,
                report: &report,
            },
            CheckedFile {
                path: "b.json",
                text: broken,
                report: &broken_report,
            },
        ];
        // A file without diagnostics (it gets no line index) between files with them.
        let mut clean = check(b"{}", &CheckOptions::default());
        clean.findings.clear();
        let clean = CheckedFile {
            path: "clean.json",
            text: "{}",
            report: &clean,
        };
        let [a, b] = files;
        let sets: [&[CheckedFile<'_>]; 5] =
            [&[a, b], &[], &[clean], &[clean, a, clean, b], &[b, clean]];
        for files in sets {
            for offsets in [Offsets::LineColumn, Offsets::Utf16] {
                let value = document(files, offsets);
                let want = super::super::pretty(&value);
                assert_eq!(document_text(files, offsets), want);
                // In two parts split anywhere, and one diagnostic a part.
                let text = DocumentText::new(files, offsets);
                for split in 0..=text.len() {
                    let mut out = text.head().into_bytes();
                    text.diagnostics(0..split, &mut out);
                    text.diagnostics(split..text.len() + 3, &mut out);
                    out.extend_from_slice(text.tail().as_bytes());
                    assert_eq!(String::from_utf8(out).unwrap(), want, "split at {split}");
                }
                let mut out = text.head().into_bytes();
                for n in 0..text.len() {
                    text.diagnostics(n..n + 1, &mut out);
                }
                out.extend_from_slice(text.tail().as_bytes());
                assert_eq!(String::from_utf8(out).unwrap(), want);
            }
        }
    }
}
