//! `trustlint who-can-assume` and `trustlint diff`.

use crate::args::{DiffArgs, Format, WhoArgs};
use crate::stream::{self, ArrayDocument};
use crate::{read_path, Exit};
use serde_json::Value;
use std::io::Write;
use trustlint_core::identity::Identity;
use trustlint_core::input::{prepare_input, read_input, unknown, Input, PolicySource};
use trustlint_core::output::{self, who::describe_source};
use trustlint_core::symbolic::{Direction, Example};

/// The example as `can-assume` flags.
pub fn example_flags(e: &Example) -> String {
    let q = &e.query;
    let mut f = match &q.identity {
        Identity::WebIdentity { issuer, sub, aud } => {
            let who = match sub
                .strip_prefix("system:serviceaccount:")
                .and_then(|r| r.split_once(':'))
            {
                Some((ns, name)) if !name.contains(':') => format!("--sa {ns}/{name}"),
                _ => format!("--sub '{sub}'"),
            };
            let aud: String = aud
                .iter()
                .filter(|a| *a != "sts.amazonaws.com")
                .map(|a| format!(" --aud '{a}'"))
                .collect();
            format!("--issuer {} {who}{aud}", issuer.url())
        }
        Identity::PodIdentity { tags, session_tags } => {
            let t: String = tags
                .iter()
                .map(|(k, v)| format!(" --tag '{k}={v}'"))
                .collect();
            let untagged = if *session_tags {
                ""
            } else {
                " --no-session-tags"
            };
            format!("--pod-identity{t}{untagged}")
        }
        Identity::Aws { principal } => format!("--principal {principal}"),
    };
    for (k, vs) in &q.context {
        for v in vs {
            f.push_str(&format!(" --context '{k}={v}'"));
        }
    }
    f
}

fn load(path: &std::path::Path, role: Option<&str>) -> Result<(String, Input), String> {
    let bytes = read_path(path)?;
    let input = read_input(&bytes);
    let shown = path.display().to_string();
    if input.policies.is_empty() {
        return Err(format!(
            "no trust policy found in `{shown}` (it is {})",
            input.kind.as_str()
        ));
    }
    if let Some(r) = role {
        if !input.policies.iter().any(|p| p.answers_to(r)) {
            return Err(format!("no role named `{r}` in `{shown}`"));
        }
    }
    Ok((shown, input))
}

/// `trustlint who-can-assume`. A dump's roles are read and described in batches across the
/// threads, each result written before the next batch is read.
pub fn who(args: &WhoArgs) -> Result<Exit, String> {
    let bytes = read_path(&args.path)?;
    let path = args.path.display().to_string();
    let prepared = prepare_input(&bytes);
    let role = args.role.as_deref();
    let many = prepared.input.policies.len() + prepared.roles.len() > 1;
    let keep = |p: &PolicySource| role.is_none_or(|r| p.answers_to(r));
    let format = args.format;
    let describe = |s: &PolicySource| describe_role(&path, s, many, format);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut results = 0usize;
    let threads = crate::check::threads();
    let written = match args.format {
        Format::Json => {
            let mut doc = ArrayDocument::new(&mut out);
            stream::for_each_source(&prepared, threads, keep, describe, |(json, _)| {
                results += 1;
                doc.element(|| output::who::document(Vec::new()), "results", &json);
            });
            if results > 0 {
                doc.finish(output::who::document(Vec::new()), "results")
            } else {
                Ok(())
            }
        }
        Format::Human => {
            let mut status = Ok(());
            stream::for_each_source(&prepared, threads, keep, describe, |(_, text)| {
                results += 1;
                if status.is_ok() {
                    status = out.write_all(text.as_bytes());
                }
            });
            status.and_then(|()| out.flush())
        }
    };
    if results == 0 {
        let shown = &path;
        return Err(match role {
            Some(r) if !prepared.input.policies.is_empty() || !prepared.roles.is_empty() => {
                format!("no role named `{r}` in `{shown}`")
            }
            _ => format!(
                "no trust policy found in `{shown}` (it is {})",
                prepared.input.kind.as_str()
            ),
        });
    }
    written.map_err(|e| format!("cannot write the output: {e}"))?;
    // The process ends next: freeing a large dump's text costs time and gains nothing.
    std::mem::forget(prepared);
    std::mem::forget(bytes);
    Ok(Exit::Success)
}

/// One role's admitted sets, as JSON (`Null` for the human format) and as text (empty for
/// JSON).
fn describe_role(path: &str, source: &PolicySource, many: bool, format: Format) -> (Value, String) {
    let described = describe_source(source);
    match format {
        Format::Json => (
            output::who::role_json(path, source, described.as_deref()),
            String::new(),
        ),
        Format::Human => (
            Value::Null,
            human_text(path, source, many, described.as_deref()),
        ),
    }
}

/// One role's admitted sets in words.
fn human_text(
    path: &str,
    source: &PolicySource,
    many: bool,
    described: Option<&[output::who::Described]>,
) -> String {
    let mut human = String::new();
    let name = source
        .name
        .as_deref()
        .map(|n| format!("role `{n}` in "))
        .unwrap_or_default();
    human.push_str(&format!("{name}{path}\n"));
    if source.parsed.iam_would_reject() && source.parsed.policy.is_some() {
        human.push_str("  note: IAM would reject this document (run `trustlint check`); as written it would admit:\n");
    }
    let Some(described) = described else {
        if source.has_unknowns() {
            let names = unknown::names(&source.unknowns.iter().collect::<Vec<_>>());
            human.push_str(&format!(
                "  undecided: the policy rests on values trustlint cannot resolve: {names}\n"
            ));
        } else {
            match source.parsed.findings.first() {
                Some(f) => human.push_str(&format!("  not a readable policy: {}\n", f.message)),
                None => human.push_str("  not a readable policy\n"),
            }
        }
        return human;
    };
    let unknown_names = unknown::names(&source.unknowns.iter().collect::<Vec<_>>());
    if described.is_empty() && source.has_unknowns() {
        human.push_str(&format!(
            "  unknown: who may assume it rests on values trustlint cannot resolve: {unknown_names}\n"
        ));
    } else if described.is_empty() {
        human.push_str("  nobody: no statement allows any principal\n");
    }
    for d in described {
        let a = &d.admitted;
        human.push_str(&format!("  {} {}\n", a.class.as_str(), d.shown));
        if d.unknown {
            human.push_str(&format!(
                "    unknown: what it admits rests on values trustlint cannot resolve: {unknown_names}\n"
            ));
            continue;
        }
        if a.regions.is_empty() {
            human.push_str(
                "    admits nobody (every statement for it is unsatisfiable or denied)\n",
            );
        }
        for s in &d.summaries {
            human.push_str(&format!("    • {}\n", s.text));
            match &s.example {
                Some(e) => {
                    let role = match (&source.name, many) {
                        (Some(n), true) => format!(" --role {n}"),
                        _ => String::new(),
                    };
                    human.push_str(&format!("      e.g. trustlint can-assume {path}{role} {}\n", example_flags(e)));
                }
                None => human.push_str("      (no example: it depends on conditions trustlint does not model exactly)\n"),
            }
        }
    }
    human
}

/// `trustlint diff OLD NEW`.
pub fn diff(args: &DiffArgs) -> Result<Exit, String> {
    let (old_path, old) = load(&args.old, None)?;
    let (new_path, new) = load(&args.new, None)?;
    let compared = output::diff::changes(&old, &new)?;
    let changes = &compared.changes;
    let mut human = format!("diff {old_path} → {new_path}\n");
    for name in &compared.undecided {
        let role = name.as_deref().unwrap_or("the policy");
        human.push_str(&format!(
            "? {role}: not compared, it rests on values trustlint cannot resolve, or on a policy it cannot read or IAM would refuse (see `trustlint check`)\n"
        ));
    }
    for c in changes {
        let word = match c.direction {
            Direction::Widened => "+ widened",
            Direction::Narrowed => "- narrowed",
        };
        let role = c
            .policy
            .as_deref()
            .map(|n| format!("{n}: "))
            .unwrap_or_default();
        human.push_str(&format!(
            "{word}: {role}{} {}\n    {}\n",
            c.class.as_str(),
            c.principal,
            c.summary
        ));
        if let Some(e) = &c.example {
            human.push_str(&format!("    e.g. {}\n", example_flags(e)));
        }
    }
    if changes.is_empty() && compared.undecided.is_empty() {
        human.push_str("no change in who can assume the role\n");
    }
    // A pair trustlint could not compare is not shown to admit nothing new: the gate fails.
    let is_widened =
        changes.iter().any(|c| c.direction == Direction::Widened) || !compared.undecided.is_empty();
    match args.format {
        Format::Json => crate::print(&output::pretty(&output::diff::document(&compared))),
        Format::Human => crate::print(&human),
    }
    Ok(if is_widened {
        Exit::Failure
    } else {
        Exit::Success
    })
}
