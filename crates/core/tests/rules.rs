//! The rule catalog: registry invariants, executable docs, and the `corpus/lint/` snapshots.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code"
)]

mod support;

use std::collections::BTreeSet;
use std::path::PathBuf;
use trustlint_core::check::check;
use trustlint_core::diagnostic::code;
use trustlint_core::lint::RULES;

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../corpus/lint")
}

#[test]
fn registry_invariants() {
    let codes: Vec<&str> = RULES.iter().map(|r| r.meta().code).collect();
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(codes, sorted, "codes must be unique and sorted");
    for r in RULES {
        let m = r.meta();
        assert!(
            m.code.len() == 5
                && m.code.starts_with("TL")
                && m.code[2..].bytes().all(|b| b.is_ascii_digit()),
            "{}",
            m.code
        );
        assert!(
            !m.name.is_empty()
                && m.name.split('-').all(|w| !w.is_empty()
                    && w.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
            "{}: name `{}` is not kebab-case",
            m.code,
            m.name
        );
        let docs = m.docs();
        for heading in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "Use instead:",
            "## References",
        ] {
            assert!(docs.contains(heading), "{}: docs lack `{heading}`", m.code);
        }
        assert!(!docs.contains("TODO"), "{}: docs are not written", m.code);
        assert!(
            docs.contains("SEMANTICS.md §"),
            "{}: docs must cite a SEMANTICS.md section",
            m.code
        );
        let dir = corpus().join(m.code);
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("{}: no corpus folder {}", m.code, dir.display()))
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names.iter().any(|n| n.starts_with("valid_")),
            "{}: no valid_ case",
            m.code
        );
        assert!(
            names.iter().any(|n| n.starts_with("invalid_")),
            "{}: no invalid_ case",
            m.code
        );
    }
    for entry in std::fs::read_dir(corpus()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.starts_with("TL") {
            assert!(
                codes.contains(&name.as_str()),
                "corpus folder {name} has no rule"
            );
        }
    }
    // The parse-time codes agree with the registry.
    for id in [
        code::INVALID_JSON,
        code::DUPLICATE_KEY,
        code::UNKNOWN_ELEMENT,
        code::INVALID_VERSION,
        code::INVALID_VALUE,
        code::MISSING_ELEMENT,
        code::FORBIDDEN_ELEMENT,
        code::INVALID_SID,
        code::TRUST_POLICY_TOO_LARGE,
        code::UNKNOWN_CONDITION_OPERATOR,
        code::INVALID_POLICY_VARIABLE,
    ] {
        let m = trustlint_core::lint::rule_by_code(id.code).unwrap();
        assert_eq!(m.name, id.name);
    }
}

/// The json block that follows `marker` in the docs.
fn block_after<'d>(docs: &'d str, marker: &str) -> Option<&'d str> {
    let rest = &docs[docs.find(marker)? + marker.len()..];
    let start = rest.find("```json")? + "```json".len();
    let body = &rest[start..];
    let end = body.find("```")?;
    Some(body[..end].trim())
}

/// The `yaml` block that follows `marker` in the docs.
fn yaml_after<'d>(docs: &'d str, marker: &str) -> Option<&'d str> {
    let rest = &docs[docs.find(marker)? + marker.len()..];
    let start = rest.find("```yaml")? + "```yaml".len();
    let body = &rest[start..];
    let end = body.find("```")?;
    Some(body[..end].trim())
}

/// Codes of the cross-checks between roles and manifests (their examples are a role and a manifest).
fn is_cross_rule(code: &str) -> bool {
    code.starts_with("TL5")
}

/// The cross-check findings for one role file and one manifest: (code, underlined text).
fn cross(role: &str, manifest: &str) -> Vec<(&'static str, String, String)> {
    use trustlint_core::crosscheck::{crosscheck, RoleRef};
    let input = trustlint_core::input::read_input(role.as_bytes());
    let roles: Vec<RoleRef<'_>> = input
        .policies
        .iter()
        .map(|source| RoleRef {
            file: 0,
            path: "role.json",
            source,
        })
        .collect();
    let docs = trustlint_core::yaml::parse_stream(manifest).unwrap();
    let accounts: Vec<_> = docs
        .iter()
        .flat_map(|d| trustlint_core::k8s::service_accounts(&d.root))
        .collect();
    let pairs: Vec<(usize, &_)> = accounts.iter().map(|a| (1, a)).collect();
    crosscheck(&roles, &pairs, &support::test_config())
        .into_iter()
        .map(|c| {
            (
                c.finding.code,
                manifest[c.finding.span.start..c.finding.span.end].to_owned(),
                c.finding.message,
            )
        })
        .collect()
}

#[test]
fn cross_rule_examples_and_corpus() {
    let mut checked = 0;
    for r in RULES.iter().filter(|r| is_cross_rule(r.meta().code)) {
        let m = r.meta();
        let docs = m.docs();
        let bad = cross(
            block_after(&docs, "## Example").unwrap(),
            yaml_after(&docs, "## Example").unwrap(),
        );
        assert_eq!(
            bad.iter().map(|f| f.0).collect::<Vec<_>>(),
            [m.code],
            "{}: {bad:?}",
            m.code
        );
        let good = cross(
            block_after(&docs, "Use instead:").unwrap(),
            yaml_after(&docs, "Use instead:").unwrap(),
        );
        assert!(good.is_empty(), "{}: {good:?}", m.code);
        // corpus/lint/TL5xx/<case>/{role.json, serviceaccount.yaml}
        let mut cases: Vec<_> = std::fs::read_dir(corpus().join(m.code))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        cases.sort();
        for case in cases {
            let name = case.file_name().unwrap().to_str().unwrap().to_owned();
            let role = std::fs::read_to_string(case.join("role.json")).unwrap();
            let manifest = std::fs::read_to_string(case.join("serviceaccount.yaml")).unwrap();
            let found: Vec<_> = cross(&role, &manifest)
                .into_iter()
                .filter(|f| f.0 == m.code)
                .collect();
            assert_eq!(
                found.is_empty(),
                name.starts_with("valid_"),
                "{}/{name}: {found:?}",
                m.code
            );
            insta::assert_snapshot!(format!("cross_{}_{name}", m.code), format!("{found:#?}"));
            checked += 1;
        }
    }
    assert!(checked >= 4);
}

#[test]
fn doc_examples_yield_exactly_their_rule() {
    let mut failures = Vec::new();
    for r in RULES.iter().filter(|r| !is_cross_rule(r.meta().code)) {
        let m = r.meta();
        let docs = m.docs();
        let options = support::only(m.code);
        let example = block_after(&docs, "## Example")
            .unwrap_or_else(|| panic!("{}: no Example json", m.code));
        let fixed = block_after(&docs, "Use instead:")
            .unwrap_or_else(|| panic!("{}: no Use instead json", m.code));
        let bad = check(example.as_bytes(), &options);
        let good = check(fixed.as_bytes(), &options);
        let bad_codes: Vec<&str> = bad.findings.iter().map(|f| f.finding.code).collect();
        if bad_codes != [m.code] {
            failures.push(format!(
                "{}: Example gives {bad_codes:?}, expected exactly one {}",
                m.code, m.code
            ));
        }
        if !good.findings.is_empty() {
            failures.push(format!(
                "{}: Use instead gives {:?}",
                m.code,
                good.findings
                    .iter()
                    .map(|f| &f.finding.message)
                    .collect::<Vec<_>>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn lint_corpus_snapshots() {
    let mut seen = BTreeSet::new();
    insta::glob!(
        "../../../corpus",
        "lint/TL*/*.json",
        |path: &std::path::Path| {
            let code = path
                .parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned();
            let file = path.file_name().unwrap().to_str().unwrap().to_owned();
            let text = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
            let shown = format!("corpus/lint/{code}/{file}");
            let (n, rendered) = support::render(&shown, &text, &support::only(&code));
            if file.starts_with("valid_") {
                assert_eq!(n, 0, "{shown} should give no {code} finding:\n{rendered}");
            } else {
                assert!(n > 0, "{shown} should give a {code} finding");
            }
            seen.insert(code);
            insta::assert_snapshot!(format!("# Input\n{text}\n# Diagnostics\n{rendered}"));
        }
    );
    assert!(!seen.is_empty());
}
