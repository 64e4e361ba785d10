//! `trustlint.toml`: found by walking up from the working directory, or given with `--config`.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use trustlint_core::diagnostic::Severity;
use trustlint_core::lint::{Cluster, LintConfig};

/// The configuration file's name.
pub const FILE_NAME: &str = "trustlint.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct ConfigFile {
    fail_on: Option<String>,
    select: Option<Vec<String>>,
    ignore: Option<Vec<String>>,
    #[serde(default)]
    severity: BTreeMap<String, String>,
    #[serde(default)]
    cluster: Vec<ClusterFile>,
    #[serde(default)]
    ignore_path: Vec<IgnorePathFile>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct ClusterFile {
    name: String,
    issuer: String,
    account: Option<String>,
    #[serde(default)]
    audiences: Vec<String>,
    #[serde(default)]
    protected_namespaces: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IgnorePathFile {
    path: String,
}

/// The effective configuration.
#[derive(Debug, Default)]
pub struct Config {
    /// Where it was read from.
    pub path: Option<PathBuf>,
    /// `fail-on`.
    pub fail_on: Option<String>,
    /// `select` prefixes.
    pub select: Vec<String>,
    /// `ignore` prefixes.
    pub ignore: Vec<String>,
    /// `[severity]` overrides.
    pub severity: Vec<(String, Severity)>,
    /// The inventory.
    pub lint: LintConfig,
    /// `[[ignore-path]]` globs, relative to the configuration file's folder.
    pub ignore_paths: Vec<String>,
}

impl Config {
    /// Read `explicit`, or the nearest `trustlint.toml` above the working directory, or nothing.
    pub fn load(explicit: Option<&Path>) -> Result<Config, String> {
        let path = match explicit {
            Some(p) => Some(p.to_path_buf()),
            None => discover(),
        };
        let Some(path) = path else {
            return Ok(Config::default());
        };
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        let mut config =
            parse(&text).map_err(|e| format!("invalid configuration `{}`: {e}", path.display()))?;
        config.path = Some(path);
        Ok(config)
    }

    /// The folder that `ignore-path` globs are relative to.
    pub fn root(&self) -> PathBuf {
        self.path
            .as_deref()
            .and_then(Path::parent)
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    }
}

fn discover() -> Option<PathBuf> {
    let mut dir = std::env::current_dir().ok()?;
    loop {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if !dir.pop() {
            return None;
        }
    }
}

/// Parse the text of a configuration file.
pub fn parse(text: &str) -> Result<Config, String> {
    let file: ConfigFile =
        toml::from_str(text).map_err(|e| e.to_string().trim().replace('\n', " "))?;
    let mut severity = Vec::new();
    for (code, level) in file.severity {
        let s = parse_severity(&level).ok_or_else(|| {
            format!("severity `{level}` of `{code}` is not error, warning or info")
        })?;
        severity.push((code, s));
    }
    if let Some(f) = &file.fail_on {
        if !matches!(f.as_str(), "error" | "warning" | "info" | "never") {
            return Err(format!(
                "fail-on `{f}` is not error, warning, info or never"
            ));
        }
    }
    let clusters = file
        .cluster
        .into_iter()
        .map(|c| {
            if !c.issuer.starts_with("https://") {
                return Err(format!(
                    "cluster `{}`: issuer `{}` must start with `https://`",
                    c.name, c.issuer
                ));
            }
            Ok(Cluster {
                name: c.name,
                issuer: c.issuer,
                account: c.account,
                audiences: if c.audiences.is_empty() {
                    vec!["sts.amazonaws.com".to_owned()]
                } else {
                    c.audiences
                },
                protected_namespaces: c.protected_namespaces,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Config {
        path: None,
        fail_on: file.fail_on,
        select: file.select.unwrap_or_default(),
        ignore: file.ignore.unwrap_or_default(),
        severity,
        lint: LintConfig { clusters },
        ignore_paths: file.ignore_path.into_iter().map(|p| p.path).collect(),
    })
}

fn parse_severity(s: &str) -> Option<Severity> {
    match s {
        "error" => Some(Severity::Error),
        "warning" => Some(Severity::Warning),
        "info" => Some(Severity::Info),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_example() {
        let c = parse(
            r#"
fail-on = "warning"
select = ["TL0", "TL1", "TL2", "TL3"]
ignore = ["TL208"]
[severity]
TL205 = "error"
[[cluster]]
name = "prod"
issuer = "https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
account = "111122223333"
audiences = ["sts.amazonaws.com"]
protected-namespaces = ["kube-system"]
[[ignore-path]]
path = "legacy/**"
"#,
        )
        .unwrap();
        assert_eq!(c.select.len(), 4);
        assert_eq!(c.severity, vec![("TL205".to_owned(), Severity::Error)]);
        assert_eq!(c.lint.clusters[0].account.as_deref(), Some("111122223333"));
        assert_eq!(c.ignore_paths, vec!["legacy/**"]);
    }

    #[test]
    fn rejects_unknown_keys_and_bad_values() {
        assert!(parse("colour = 1").is_err());
        assert!(parse("[severity]\nTL205 = \"fatal\"").is_err());
        assert!(parse("[[cluster]]\nname = \"a\"\nissuer = \"oidc.x\"").is_err());
    }
}
