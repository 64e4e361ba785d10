//! `trustlint who-can-assume` and `trustlint diff`.

use crate::args::{DiffArgs, Format, WhoArgs};
use crate::{read_path, Exit};
use serde_json::{json, Map, Value};
use trustlint_core::eval::Decision;
use trustlint_core::identity::Identity;
use trustlint_core::input::{read_input, Input, PolicySource};
use trustlint_core::symbolic::{self, confirms, example, summarize, Direction, Example, KeySet};

/// An example identity as INTERFACE.md writes it.
pub fn example_json(e: &Example) -> Value {
    let q = &e.query;
    let mut m = Map::new();
    match &q.identity {
        Identity::WebIdentity { issuer, sub, aud } => {
            m.insert("issuer".into(), json!(issuer.url()));
            m.insert("sub".into(), json!(sub));
            m.insert("aud".into(), json!(aud));
            if let Some(a) = &issuer.account {
                m.insert("account".into(), json!(a));
            }
        }
        Identity::PodIdentity { tags, .. } => {
            m.insert("pod_identity".into(), json!(true));
            let t: Map<String, Value> = tags.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
            m.insert("tags".into(), Value::Object(t));
        }
        Identity::Aws { principal } => {
            m.insert("principal".into(), json!(principal));
            m.insert("action".into(), json!("sts:AssumeRole"));
        }
    }
    if let Some(a) = &q.account {
        m.insert("account".into(), json!(a));
    }
    if !q.context.is_empty() {
        let c: Map<String, Value> = q
            .context
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        m.insert("context".into(), Value::Object(c));
    }
    Value::Object(m)
}

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
        Identity::PodIdentity { tags, .. } => {
            let t: String = tags
                .iter()
                .map(|(k, v)| format!(" --tag '{k}={v}'"))
                .collect();
            format!("--pod-identity{t}")
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

fn keys_json(keys: &[KeySet]) -> Value {
    let m: Map<String, Value> = keys
        .iter()
        .map(|k| {
            let mut v = json!({"include": k.include, "exclude": k.exclude});
            if k.absent {
                if let Some(o) = v.as_object_mut() {
                    o.insert("absent".into(), json!(true));
                    if k.present.is_empty() {
                        o.insert("present".into(), json!(false));
                    }
                }
            }
            (k.key.clone(), v)
        })
        .collect();
    Value::Object(m)
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
        if !input
            .policies
            .iter()
            .any(|p| p.name.as_deref() == Some(r) || p.arn.as_deref() == Some(r))
        {
            return Err(format!("no role named `{r}` in `{shown}`"));
        }
    }
    Ok((shown, input))
}

fn selected<'a>(input: &'a Input, role: Option<&'a str>) -> impl Iterator<Item = &'a PolicySource> {
    input
        .policies
        .iter()
        .filter(move |p| role.is_none_or(|r| p.answers_to(r)))
}

/// `trustlint who-can-assume`.
pub fn who(args: &WhoArgs) -> Result<Exit, String> {
    let (path, input) = load(&args.path, args.role.as_deref())?;
    let sources: Vec<&PolicySource> = selected(&input, args.role.as_deref()).collect();
    let many = input.policies.len() > 1;
    // Roles are independent: describe them on all cores, then print in input order.
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let chunk = sources.len().div_ceil(threads).max(1);
    let parts: Vec<Result<Vec<(Value, String)>, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = sources
            .chunks(chunk)
            .map(|part| {
                let path = path.as_str();
                scope.spawn(move || {
                    part.iter()
                        .map(|s| describe_role(path, s, many))
                        .collect::<Result<Vec<_>, String>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("a worker thread failed".to_owned()))
            })
            .collect()
    });
    let mut results = Vec::with_capacity(sources.len());
    let mut human = String::new();
    for part in parts {
        for (json, text) in part? {
            results.push(json);
            human.push_str(&text);
        }
    }
    match args.format {
        Format::Json => crate::print(&format!(
            "{}\n",
            serde_json::to_string_pretty(&json!({"schema": 1, "results": results}))
                .unwrap_or_default()
        )),
        Format::Human => crate::print(&human),
    }
    std::mem::forget(results);
    std::mem::forget(input);
    Ok(Exit::Success)
}

/// One role's admitted sets, as JSON and as text.
fn describe_role(path: &str, source: &PolicySource, many: bool) -> Result<(Value, String), String> {
    let mut human = String::new();
    let name = source
        .name
        .as_deref()
        .map(|n| format!("role `{n}` in "))
        .unwrap_or_default();
    human.push_str(&format!("{name}{path}\n"));
    if source.parsed.iam_would_reject() {
        human.push_str("  note: IAM would reject this document (run `trustlint check`); as written it would admit:\n");
    }
    let Some(policy) = &source.parsed.policy else {
        human.push_str("  not a readable policy\n");
        return Ok((
            json!({"path": path, "policy": source.name, "principals": []}),
            human,
        ));
    };
    let admitted = symbolic::who_can_assume(policy).map_err(|e| format!("{path}: {e}"))?;
    let spans = source.unknown_spans();
    let unknown_names =
        trustlint_core::input::unknown::names(&source.unknowns.iter().collect::<Vec<_>>());
    if admitted.is_empty() && source.has_unknowns() {
        human.push_str(&format!(
            "  unknown: who may assume it rests on values trustlint cannot resolve: {unknown_names}\n"
        ));
    } else if admitted.is_empty() {
        human.push_str("  nobody: no statement allows any principal\n");
    }
    let mut principals = Vec::new();
    for a in &admitted {
        let shown = source.show(&a.principal);
        human.push_str(&format!("  {} {shown}\n", a.class.as_str()));
        // Do not describe a set that rests on placeholders.
        if symbolic::rests_on_unknowns(policy, a, &spans) {
            human.push_str(&format!(
                "    unknown: what it admits rests on values trustlint cannot resolve: {unknown_names}\n"
            ));
            let unknown: Vec<&str> = source
                .unknowns
                .iter()
                .map(|u| u.description.as_str())
                .collect();
            principals.push(json!({"kind": a.class.as_str(), "principal": shown, "admits": [], "unknown": unknown}));
            continue;
        }
        if a.regions.is_empty() {
            human.push_str(
                "    admits nobody (every statement for it is unsatisfiable or denied)\n",
            );
        }
        let mut admits = Vec::new();
        for r in &a.regions {
            let s = summarize(policy, a, r, source.account.as_deref());
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
            admits.push(json!({
                "keys": keys_json(&r.keys),
                "exact": r.is_exact(),
                "opaque": r.opaque,
                "unless": r.unless,
                "summary": s.text,
                "example": s.example.as_ref().map(example_json),
            }));
        }
        principals
            .push(json!({"kind": a.class.as_str(), "principal": a.principal, "admits": admits}));
    }
    let mut out = json!({"path": path, "policy": source.name, "principals": principals});
    if admitted.is_empty() && source.has_unknowns() {
        if let Some(o) = out.as_object_mut() {
            let unknown: Vec<&str> = source
                .unknowns
                .iter()
                .map(|u| u.description.as_str())
                .collect();
            o.insert("unknown".into(), json!(unknown));
        }
    }
    Ok((out, human))
}

/// `trustlint diff OLD NEW`.
pub fn diff(args: &DiffArgs) -> Result<Exit, String> {
    let (old_path, old) = load(&args.old, None)?;
    let (new_path, new) = load(&args.new, None)?;
    // Pair roles by name; two single unnamed policies pair with each other.
    let mut pairs: Vec<(Option<String>, Option<&PolicySource>, Option<&PolicySource>)> = Vec::new();
    if old.policies.len() == 1 && new.policies.len() == 1 {
        let (o, n) = (old.policies.first(), new.policies.first());
        pairs.push((
            n.and_then(|p| p.name.clone())
                .or_else(|| o.and_then(|p| p.name.clone())),
            o,
            n,
        ));
    } else {
        for n in &new.policies {
            pairs.push((
                n.name.clone(),
                old.policies.iter().find(|o| o.name == n.name),
                Some(n),
            ));
        }
        for o in &old.policies {
            if !new.policies.iter().any(|n| n.name == o.name) {
                pairs.push((o.name.clone(), Some(o), None));
            }
        }
    }
    let empty =
        trustlint_core::policy::parse_policy(br#"{"Version": "2012-10-17", "Statement": []}"#)
            .policy
            .ok_or("internal: empty policy")?;
    let mut widened = Vec::new();
    let mut narrowed = Vec::new();
    let mut human = format!("diff {old_path} → {new_path}\n");
    let mut undecided = Vec::new();
    for (name, o, n) in pairs {
        // A change that rests on an unknown value is not claimed.
        if o.into_iter().chain(n).any(PolicySource::has_unknowns) {
            let role = name.as_deref().unwrap_or("the policy");
            human.push_str(&format!(
                "? {role}: not compared, it rests on values trustlint cannot resolve\n"
            ));
            undecided.push(json!(name));
            continue;
        }
        let op = o.and_then(|s| s.parsed.policy.as_ref()).unwrap_or(&empty);
        let np = n.and_then(|s| s.parsed.policy.as_ref()).unwrap_or(&empty);
        let account = n
            .and_then(|s| s.account.as_deref())
            .or_else(|| o.and_then(|s| s.account.as_deref()));
        let (w, r) = symbolic::diff(op, np).map_err(|e| e.to_string())?;
        for change in w.iter().chain(&r) {
            let (gainer, loser, list, word) = match change.direction {
                Direction::Widened => (np, op, &mut widened, "+ widened"),
                Direction::Narrowed => (op, np, &mut narrowed, "- narrowed"),
            };
            for region in &change.admitted.regions {
                let s = summarize(gainer, &change.admitted, region, account);
                let ex = example(&change.admitted, region, account).filter(|e| {
                    confirms(gainer, e, Decision::Allow) && !confirms(loser, e, Decision::Allow)
                });
                let role = name
                    .as_deref()
                    .map(|n| format!("{n}: "))
                    .unwrap_or_default();
                human.push_str(&format!(
                    "{word}: {role}{} {}\n    {}\n",
                    change.admitted.class.as_str(),
                    change.admitted.principal,
                    s.text
                ));
                if let Some(e) = &ex {
                    human.push_str(&format!("    e.g. {}\n", example_flags(e)));
                }
                list.push(json!({
                    "policy": name,
                    "principal": change.admitted.principal,
                    "kind": change.admitted.class.as_str(),
                    "summary": s.text,
                    "exact": region.is_exact(),
                    "example": ex.as_ref().map(example_json),
                }));
            }
        }
    }
    if widened.is_empty() && narrowed.is_empty() && undecided.is_empty() {
        human.push_str("no change in who can assume the role\n");
    }
    let is_widened = !widened.is_empty();
    let mut out = json!({"schema": 1, "widened": widened, "narrowed": narrowed});
    if let (Some(o), false) = (out.as_object_mut(), undecided.is_empty()) {
        o.insert("undecided".into(), Value::Array(undecided));
    }
    match args.format {
        Format::Json => crate::print(&format!(
            "{}\n",
            serde_json::to_string_pretty(&out).unwrap_or_default()
        )),
        Format::Human => crate::print(&human),
    }
    Ok(if is_widened {
        Exit::Failure
    } else {
        Exit::Success
    })
}
