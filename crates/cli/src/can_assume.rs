//! `trustlint can-assume`: decide, for each role in a file, whether an identity may assume it.

use crate::args::{CanAssumeArgs, Format};
use crate::render::{IndexedSource, Note, Renderer};
use crate::stream::{self, ArrayDocument};
use crate::{read_path, Exit};
use serde_json::Value;
use std::io::Write;
use trustlint_core::diagnostic::Finding;
use trustlint_core::eval::{ConditionOutcome, Decision, Evaluation, StatementTrace};
use trustlint_core::identity::{Answer, Identity, Issuer, Query, ServiceAccount};
use trustlint_core::input::cloudformation::{read_template, TemplateOptions};
use trustlint_core::input::{prepare_input, InputKind, PolicySource, Prepared};
use trustlint_core::output::{self, can_assume::principal_detail};
use trustlint_core::policy::{Statement, TrustPolicy};
use trustlint_core::source::{LineIndex, Span};

/// Run the command. A dump's roles are read and answered in batches, each result written
/// before the next batch is read, so neither the roles nor the answers are all held at once.
pub fn run(args: &CanAssumeArgs) -> Result<Exit, String> {
    let query = build_query(args)?;
    let path = args.path.display().to_string();
    let bytes = read_path(&args.path)?;
    let text = String::from_utf8_lossy(&bytes);
    let prepared = prepare_for_request(&bytes, &text, args);
    let role = args.role.as_deref();
    let keep = |p: &PolicySource| role.is_none_or(|r| p.answers_to(r));
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut results = 0usize;
    let mut all_allowed = true;
    match args.format {
        Format::Json => {
            let index = LineIndex::new(&text);
            let mut doc = ArrayDocument::new(&mut out);
            let mut findings = stream::for_each_source(
                &prepared,
                crate::check::threads(),
                keep,
                |source| {
                    let r = RoleResult {
                        source,
                        answer: query.answer_source(source),
                    };
                    (r.allowed(), r.to_json(&path, &text, &index))
                },
                |(allowed, json)| {
                    results += 1;
                    all_allowed &= allowed;
                    doc.element(
                        || output::can_assume::document(&[], Vec::new()),
                        "results",
                        &json,
                    );
                },
            );
            let mut all = prepared.input.findings.clone();
            all.append(&mut findings);
            if results > 0 {
                doc.finish(output::can_assume::document(&all, Vec::new()), "results")
                    .map_err(|e| format!("cannot write the output: {e}"))?;
            }
        }
        Format::Human => {
            let renderer = Renderer::stdout();
            let source = IndexedSource::new(&text);
            let who = describe_identity(&query);
            let mut findings = stream::for_each_source(
                &prepared,
                1,
                keep,
                |s| {
                    let r = RoleResult {
                        source: s,
                        answer: query.answer_source(s),
                    };
                    (r.allowed(), r.human(&path, &source, &who, &renderer))
                },
                |(allowed, human)| {
                    results += 1;
                    all_allowed &= allowed;
                    let _ = out.write_all(human.as_bytes());
                },
            );
            let mut all = prepared.input.findings.clone();
            all.append(&mut findings);
            if results > 0 {
                let notes: String = all
                    .iter()
                    .map(|f| format!("note: {}\n", f.message))
                    .collect();
                out.write_all(notes.as_bytes())
                    .and_then(|()| out.flush())
                    .map_err(|e| format!("cannot write the output: {e}"))?;
            }
        }
    }
    if results == 0 {
        return Err(match &args.role {
            Some(r) => format!("no role named `{r}` in `{path}`"),
            None => format!(
                "no trust policy found in `{path}` (it is {})",
                prepared.input.kind.as_str()
            ),
        });
    }
    // The process ends next: freeing a large dump's text costs time and gains nothing.
    std::mem::forget(prepared);
    std::mem::forget(bytes);
    Ok(if all_allowed {
        Exit::Success
    } else {
        Exit::Failure
    })
}

/// The file read up to its role list; a CloudFormation template is read with the request's
/// account and partition as `AWS::AccountId` and `AWS::Partition` (the stack's, since the role
/// is in it).
fn prepare_for_request<'a>(bytes: &'a [u8], text: &str, args: &CanAssumeArgs) -> Prepared<'a> {
    let mut prepared = prepare_input(bytes);
    if prepared.input.kind != InputKind::CloudFormation {
        return prepared;
    }
    let mut pseudo = Vec::new();
    if let Some(account) = &args.account {
        pseudo.push(("AWS::AccountId".to_owned(), account.clone()));
    }
    if let Some(partition) = &args.partition {
        pseudo.push(("AWS::Partition".to_owned(), partition.clone()));
    }
    if pseudo.is_empty() {
        return prepared;
    }
    if let Some(input) = read_template(text, &TemplateOptions { pseudo }) {
        prepared.input = input;
    }
    prepared
}

fn build_query(args: &CanAssumeArgs) -> Result<Query, String> {
    let sa = args
        .sa
        .as_deref()
        .map(ServiceAccount::parse)
        .transpose()
        .map_err(|e| e.message)?;
    let identity = if let Some(issuer) = &args.issuer {
        let issuer = Issuer::parse(issuer).map_err(|e| e.message)?;
        let sub = match (&sa, &args.sub) {
            (Some(sa), None) => sa.subject(),
            (None, Some(sub)) => sub.clone(),
            _ => return Err(
                "web identity needs the token subject: give --sa NAMESPACE/NAME or --sub SUBJECT"
                    .to_owned(),
            ),
        };
        Identity::WebIdentity {
            issuer,
            sub,
            aud: args.aud.clone(),
        }
    } else if args.pod_identity {
        let mut tags = Identity::pod_identity_tags(args.cluster_arn.as_deref(), sa.as_ref());
        for t in &args.tag {
            let (k, v) = split_kv(t, "--tag")?;
            tags.retain(|(key, _)| !key.eq_ignore_ascii_case(&k));
            tags.push((k, v));
        }
        Identity::PodIdentity {
            tags,
            session_tags: !args.no_session_tags,
        }
    } else if let Some(principal) = &args.principal {
        Identity::Aws {
            principal: principal.clone(),
        }
    } else {
        return Err("give one of --issuer, --pod-identity or --principal".to_owned());
    };
    let mut context: Vec<(String, Vec<String>)> = Vec::new();
    for c in &args.context {
        let (k, v) = split_kv(c, "--context")?;
        match context
            .iter_mut()
            .find(|(key, _)| key.eq_ignore_ascii_case(&k))
        {
            Some((_, values)) => values.push(v),
            None => context.push((k, vec![v])),
        }
    }
    if let Some(a) = &args.account {
        if a.len() != 12 || !a.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("--account `{a}` is not a 12-digit account id"));
        }
    }
    Ok(Query {
        identity,
        account: args.account.clone(),
        partition: args.partition.clone(),
        context,
        actions: args.action.clone(),
    })
}

fn split_kv(text: &str, flag: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err(format!("{flag} `{text}` is not of the form KEY=VALUE")),
    }
}

fn describe_identity(query: &Query) -> String {
    match &query.identity {
        Identity::WebIdentity { issuer, sub, aud } => {
            format!(
                "`{sub}` (issuer {}, audience {})",
                issuer.url(),
                aud.join(", ")
            )
        }
        Identity::PodIdentity { tags, session_tags } => {
            let tag = |k: &str| {
                tags.iter()
                    .rev()
                    .find(|(key, _)| key == k)
                    .map(|(_, v)| v.as_str())
            };
            let who = match (
                tag("kubernetes-namespace"),
                tag("kubernetes-service-account"),
            ) {
                (Some(ns), Some(sa)) => format!("Pod Identity for `{ns}/{sa}`"),
                _ => "Pod Identity".to_owned(),
            };
            if *session_tags {
                who
            } else {
                format!("{who} (session tags disabled)")
            }
        }
        Identity::Aws { principal } => format!("`{principal}`"),
    }
}

struct RoleResult<'a> {
    source: &'a PolicySource,
    answer: Option<Answer>,
}

impl RoleResult<'_> {
    fn decision(&self) -> Decision {
        match &self.answer {
            Some(a) => a.decision,
            // A policy text built from unknown values cannot be read: undecided, not denied.
            None if self.source.has_unknowns() => Decision::Unknown,
            None => Decision::ImplicitDeny,
        }
    }

    fn rejected(&self) -> bool {
        self.source.parsed.iam_would_reject()
    }

    fn allowed(&self) -> bool {
        self.decision() == Decision::Allow && !self.rejected()
    }

    fn reject_reasons(&self) -> impl Iterator<Item = &Finding> {
        self.source.parsed.findings.iter().filter(|f| f.iam_rejects)
    }

    /// The action whose evaluation decides: the first one not allowed, else the first.
    fn deciding(&self) -> Option<(&str, &Evaluation)> {
        output::can_assume::deciding(self.answer.as_ref())
    }

    fn to_json(&self, path: &str, file: &str, index: &LineIndex) -> Value {
        output::can_assume::role_json(path, file, index, None, self.source, self.answer.as_ref())
    }

    fn human(&self, path: &str, file: &IndexedSource, who: &str, renderer: &Renderer) -> String {
        let mut out = String::new();
        let name = self
            .source
            .name
            .as_deref()
            .map(|n| format!("role `{n}` in "))
            .unwrap_or_default();
        if self.decision() == Decision::Unknown && !self.rejected() {
            // The answer's notes name the values the decision rests on.
            out.push_str(&format!(
                "UNKNOWN: {name}{path}\n  trustlint cannot decide whether {who} can assume it\n"
            ));
            if self.answer.is_none() {
                let all: Vec<_> = self.source.unknowns.iter().collect();
                out.push_str(&format!(
                    "  the policy text rests on values trustlint cannot resolve: {}\n",
                    trustlint_core::input::unknown::names(&all)
                ));
            }
        } else {
            let verdict = if self.allowed() { "ALLOWED" } else { "DENIED" };
            let verb = if self.allowed() { "can" } else { "cannot" };
            out.push_str(&format!(
                "{verdict}: {name}{path}\n  {who} {verb} assume it\n"
            ));
        }
        if let Some(answer) = &self.answer {
            for a in &answer.actions {
                out.push_str(&format!(
                    "  {}: {}\n",
                    a.request.action,
                    a.evaluation.decision.as_str()
                ));
            }
            for n in &answer.notes {
                out.push_str(&format!("  note: {n}\n"));
            }
        }
        if self.rejected() {
            for f in self.reject_reasons().take(3) {
                out.push_str(&renderer.render(
                    path,
                    file,
                    &Note {
                        severity: miette::Severity::Error,
                        message: &format!("IAM would reject this document: {}", f.message),
                        labels: &[(f.span, f.code.to_owned())],
                        help: f.help.as_deref(),
                        code: None,
                    },
                ));
            }
            let n = self.reject_reasons().count();
            if n > 3 {
                out.push_str(&format!(
                    "  … and {} more reasons (run `trustlint check {path}`)\n",
                    n - 3
                ));
            }
            out.push_str("  a role cannot exist with this document, so nobody can assume it\n");
        }
        if let (Some(policy), Some((action, eval))) =
            (self.source.parsed.policy.as_ref(), self.deciding())
        {
            out.push_str(&self.blame(path, file, policy, action, eval, renderer));
        }
        out.push('\n');
        out
    }

    /// Explain the decision with the one place in the policy that decided it.
    fn blame(
        &self,
        path: &str,
        file: &IndexedSource,
        policy: &TrustPolicy,
        action: &str,
        eval: &Evaluation,
        renderer: &Renderer,
    ) -> String {
        let map = |s: Span| self.source.file_span(s);
        let stmt_name = |s: &Statement| match &s.sid {
            Some(sid) if !sid.value.is_empty() => {
                format!("statement {} (`{}`)", s.index, sid.value)
            }
            _ => format!("statement {}", s.index),
        };
        let pairs = eval
            .statements
            .iter()
            .filter_map(|t| policy.statements.get(t.index).map(|s| (s, t)));
        match eval.decision {
            Decision::Allow | Decision::ExplicitDeny => {
                let Some((s, t)) = pairs.clone().find(|(_, t)| {
                    t.matched
                        && t.effect.map(|e| e.as_str())
                            == Some(if eval.decision == Decision::Allow {
                                "Allow"
                            } else {
                                "Deny"
                            })
                }) else {
                    return String::new();
                };
                let (msg, sev) = if eval.decision == Decision::Allow {
                    (
                        format!("{} allows `{action}`", stmt_name(s)),
                        miette::Severity::Advice,
                    )
                } else {
                    (
                        format!("{} denies `{action}` explicitly", stmt_name(s)),
                        miette::Severity::Error,
                    )
                };
                let mut labels = vec![(map(principal_span(s)), principal_detail(&t.principal))];
                for (c, o) in s.conditions.iter().zip(&t.conditions) {
                    labels.push((map(c.values_span), short_detail(c, o)));
                }
                renderer.render(
                    path,
                    file,
                    &Note {
                        severity: sev,
                        message: &msg,
                        labels: &labels,
                        help: None,
                        code: None,
                    },
                )
            }
            Decision::Unknown => String::new(),
            Decision::ImplicitDeny => {
                let candidates: Vec<(&Statement, &StatementTrace)> = pairs
                    .filter(|(_, t)| t.effect.map(|e| e.as_str()) == Some("Allow"))
                    .collect();
                if candidates.is_empty() {
                    return "  the policy has no valid `Allow` statement\n".to_owned();
                }
                let best = candidates.iter().copied().min_by_key(|(_, t)| {
                    let failed = t.conditions.iter().filter(|c| !c.matched).count();
                    (!t.principal.matched(), !t.action_matched, failed)
                });
                let Some((s, t)) = best else {
                    return String::new();
                };
                if !t.principal.matched() {
                    let mut labels = Vec::new();
                    let mut help = None;
                    if let Some(p) = &s.principal {
                        labels.push((map(p.span), principal_detail(&t.principal)));
                    }
                    if let Some(first) = self.answer.as_ref().and_then(|a| a.actions.first()) {
                        help = Some(format!(
                            "the request comes from `{}`",
                            first.request.principal.value()
                        ));
                    }
                    let msg = "no statement trusts the caller's principal".to_owned();
                    return renderer.render(
                        path,
                        file,
                        &Note {
                            severity: miette::Severity::Error,
                            message: &msg,
                            labels: &labels,
                            help: help.as_deref(),
                            code: None,
                        },
                    );
                }
                if !t.action_matched {
                    let span = s.action.as_ref().map_or(s.span, |a| a.span);
                    let msg = format!(
                        "{} trusts the principal but does not allow `{action}`",
                        stmt_name(s)
                    );
                    return renderer.render(
                        path,
                        file,
                        &Note {
                            severity: miette::Severity::Error,
                            message: &msg,
                            labels: &[(map(span), t.action_detail.clone())],
                            help: Some(&action_help(action)),
                            code: None,
                        },
                    );
                }
                let failed: Vec<(&trustlint_core::policy::Condition, &ConditionOutcome)> = s
                    .conditions
                    .iter()
                    .zip(&t.conditions)
                    .filter(|(_, o)| !o.matched)
                    .collect();
                let Some((c, o)) = failed.first() else {
                    return String::new();
                };
                let msg = format!(
                    "{} trusts the principal, but condition `{}` on `{}` fails",
                    stmt_name(s),
                    c.operator
                        .map_or_else(|| c.operator_text.clone(), |op| op.canonical()),
                    c.key
                );
                let mut labels = vec![(map(c.values_span), short_detail(c, o))];
                for (c2, o2) in failed.iter().skip(1) {
                    labels.push((map(c2.values_span), short_detail(c2, o2)));
                }
                let request_keys = self
                    .answer
                    .as_ref()
                    .and_then(|a| a.actions.first())
                    .map(|a| {
                        a.request
                            .context
                            .entries()
                            .iter()
                            .map(|e| format!("`{}`", e.key))
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default();
                let help = condition_help(c, o, &request_keys);
                let mut out = renderer.render(
                    path,
                    file,
                    &Note {
                        severity: miette::Severity::Error,
                        message: &msg,
                        labels: &labels,
                        help: help.as_deref(),
                        code: None,
                    },
                );
                out.push_str(&format!("  {}\n", o.detail(c)));
                out
            }
        }
    }
}

/// A label short enough to sit under a value.
fn short_detail(c: &trustlint_core::policy::Condition, o: &ConditionOutcome) -> String {
    use trustlint_core::eval::ConditionReason;
    let shown = |v: &[String]| {
        v.iter()
            .map(|x| format!("`{x}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match o.reason {
        ConditionReason::Absent => format!("the request has no `{}`", c.key),
        ConditionReason::Compared { .. } if o.matched => {
            format!("request has {}: holds", shown(&o.request))
        }
        ConditionReason::Compared { .. } => format!("request has {}: fails", shown(&o.request)),
        _ => o.detail(c),
    }
}

/// What to write instead, for the usual reasons a condition fails.
fn condition_help(
    c: &trustlint_core::policy::Condition,
    o: &ConditionOutcome,
    request_keys: &str,
) -> Option<String> {
    use trustlint_core::eval::ConditionReason;
    use trustlint_core::policy::OperatorFamily;
    let op = c.operator?;
    if op.base.family() == OperatorFamily::StringExact
        && c.values.iter().any(|v| v.text.contains(['*', '?']))
    {
        return Some(format!(
            "`*` and `?` are literal in `{}`: use `StringLike` for wildcards",
            op.base.name()
        ));
    }
    if o.reason == ConditionReason::Absent {
        if c.key.starts_with("https://") {
            return Some("condition keys name the issuer without `https://`".to_owned());
        }
        return Some(format!("the request's keys are {request_keys}"));
    }
    if o.reason == ConditionReason::MultiValued {
        return Some(format!("write `ForAnyValue:{}`", op.base.name()));
    }
    None
}

fn action_help(action: &str) -> String {
    format!("add `{action}` to the statement's `Action`")
}

fn principal_span(s: &Statement) -> Span {
    s.principal.as_ref().map_or(s.span, |p| p.span)
}
