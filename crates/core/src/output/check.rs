//! The `check` document.

use super::{Offsets, Utf16Map, VERSION};
use crate::check::{Report, Reported};
use crate::diagnostic::Severity;
use crate::source::LineIndex;
use serde_json::{json, Value};

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

/// One diagnostic: code, name, severity, message, help, path, policy and span.
#[must_use]
pub fn diagnostic_json(
    path: &str,
    text: &str,
    index: &LineIndex,
    utf16: Option<&Utf16Map>,
    reported: &Reported,
) -> Value {
    let f = &reported.finding;
    let start = index.position(text, f.span.start);
    let end = index.position(text, f.span.end);
    let mut span = json!({"start": {"line": start.line, "column": start.column},
                          "end": {"line": end.line, "column": end.column}});
    if let (Some(map), Some(obj)) = (utf16, span.as_object_mut()) {
        obj.insert("utf16".into(), map.span_json(f.span));
    }
    json!({
        "code": f.code,
        "name": f.name,
        "severity": f.severity.as_str(),
        "message": f.message,
        "help": f.help,
        "path": path,
        "policy": reported.policy,
        "span": span,
    })
}

/// The schema-1 `check` document for a set of files.
#[must_use]
pub fn document(files: &[CheckedFile<'_>], offsets: Offsets) -> Value {
    let mut diagnostics = Vec::new();
    for file in files {
        let index = LineIndex::new(file.text);
        let map = (offsets == Offsets::Utf16).then(|| Utf16Map::new(file.text));
        diagnostics.extend(
            file.report
                .findings
                .iter()
                .map(|r| diagnostic_json(file.path, file.text, &index, map.as_ref(), r)),
        );
    }
    let count = |s: Severity| {
        files
            .iter()
            .flat_map(|f| &f.report.findings)
            .filter(|r| r.finding.severity == s)
            .count()
    };
    json!({
        "schema": 1,
        "tool": {"name": "trustlint", "version": VERSION},
        "diagnostics": Value::Array(diagnostics),
        "summary": {"files": files.len(), "policies": files.iter().map(|f| f.report.policies).sum::<usize>(),
                    "error": count(Severity::Error), "warning": count(Severity::Warning),
                    "info": count(Severity::Info)},
    })
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
