//! TL402 `protected-namespace`.

use super::group_other::{
    conditions_on, is_configured_issuer, like_chars, looks_like_kubernetes_issuer, quoted_list,
    PatChar, SA_SUBJECT_PREFIX,
};
use crate::diagnostic::Finding;
use crate::eval::{explain, Request, RequestContext, RequestPrincipal};
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, OidcProvider, Rule, RuleMeta};
use crate::policy::{BaseOperator, Condition, Statement};

declare_rule! {
    /// ## What it does
    /// Checks the `StringLike` patterns on `:sub` of Kubernetes issuers (EKS issuers, configured
    /// clusters, and issuers whose subjects are service accounts) in `Allow` statements for
    /// wildcards that reach a protected namespace — `kube-system` by default, or the
    /// `protected-namespaces` configured for the cluster — without naming it: the pattern
    /// matches some `system:serviceaccount:<protected>:<name>` only because a `*` or `?` covers
    /// part of the namespace. A pattern that names the namespace literally
    /// (`system:serviceaccount:kube-system:aws-node`, or `…:kube-system:*`) is deliberate and
    /// is not reported, nor is one whose match is excluded by another `:sub` condition of the
    /// statement (checked with the evaluator on the probe subject).
    ///
    /// ## Why is this bad?
    /// A `*` in `StringLike` matches any run of characters, including `:` and `-`. Patterns
    /// such as `system:serviceaccount:*:app`, `system:serviceaccount:kube-*` or `*:default`
    /// were written for application namespaces, but they also admit service accounts of
    /// `kube-system`, where cluster add-ons run with broad privileges and where anyone who can
    /// create a service account or pod there — or compromise an add-on — gains the role.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [{
    ///     "Effect": "Allow",
    ///     "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"},
    ///     "Action": "sts:AssumeRoleWithWebIdentity",
    ///     "Condition": {
    ///       "StringEquals": {"oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud": "sts.amazonaws.com"},
    ///       "StringLike": {"oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:kube-*"}
    ///     }
    ///   }]
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [{
    ///     "Effect": "Allow",
    ///     "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"},
    ///     "Action": "sts:AssumeRoleWithWebIdentity",
    ///     "Condition": {
    ///       "StringEquals": {"oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud": "sts.amazonaws.com"},
    ///       "StringLike": {"oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:kube-public:*"}
    ///     }
    ///   }]
    /// }
    /// ```
    ///
    /// ## Known problems
    /// Patterns with policy variables are not checked. The broadest patterns (`*`,
    /// `system:serviceaccount:*`) are also reported by TL206.
    ///
    /// ## References
    /// - SEMANTICS.md §3.2 (`*` crosses `:`), §4.5 (subject format, Kubernetes name rules)
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html>
    pub struct ProtectedNamespace {
        code: "TL402",
        name: "protected-namespace",
        category: Suspicious,
        since: "0.1.0",
    }
}

/// Mark `(position, wildcard-used)` states reachable through `*` wildcards that match nothing.
fn close(states: &mut [[bool; 2]], pattern: &[PatChar]) {
    for (i, c) in pattern.iter().enumerate() {
        if *c != PatChar::Star {
            continue;
        }
        let here = states.get(i).copied().unwrap_or([false; 2]);
        if let Some(next) = states.get_mut(i + 1) {
            next[0] |= here[0];
            next[1] |= here[1];
        }
    }
}

/// Whether the rest of a pattern can match a valid service-account name (a non-empty DNS-1123
/// subdomain: lower-case letters, digits, `-` and `.`).
fn viable_name(rest: &[PatChar]) -> bool {
    !rest.is_empty()
        && rest.iter().all(|c| match c {
            PatChar::Lit(l) => {
                l.is_ascii_lowercase() || l.is_ascii_digit() || *l == '-' || *l == '.'
            }
            PatChar::Star | PatChar::One => true,
        })
}

/// A name the rest of a pattern matches.
fn render_name(rest: &[PatChar]) -> String {
    if rest.iter().all(|c| *c == PatChar::Star) {
        return "default".to_owned();
    }
    rest.iter()
        .map(|c| match c {
            PatChar::Lit(l) => *l,
            PatChar::Star | PatChar::One => 'x',
        })
        .collect()
}

/// A subject of namespace `ns` that `pattern` matches with a wildcard covering at least one
/// character of the namespace, if there is one. Runs the pattern as an automaton over
/// `system:serviceaccount:<ns>:` and then completes the subject with a name the rest of the
/// pattern matches (`O(len(pattern) × len(ns))`).
fn wildcard_witness(pattern: &[PatChar], ns: &str) -> Option<String> {
    // The literal characters before the first wildcard must be the subject's first ones; when
    // they differ, or reach past the namespace, no wildcard can cover it (most `…:<ns>:*`).
    let ns_end = SA_SUBJECT_PREFIX.chars().count() + ns.chars().count();
    let mut subject = SA_SUBJECT_PREFIX.chars().chain(ns.chars()).chain([':']);
    for (k, pc) in pattern.iter().enumerate() {
        let PatChar::Lit(l) = pc else { break };
        if k >= ns_end || subject.next() != Some(*l) {
            return None;
        }
    }
    wildcard_witness_automaton(pattern, ns)
}

/// [`wildcard_witness`] without the shortcut.
fn wildcard_witness_automaton(pattern: &[PatChar], ns: &str) -> Option<String> {
    let subject_prefix = format!("{SA_SUBJECT_PREFIX}{ns}:");
    let ns_start = SA_SUBJECT_PREFIX.chars().count();
    let ns_end = ns_start + ns.chars().count();
    let mut states = vec![[false; 2]; pattern.len() + 1];
    if let Some(first) = states.first_mut() {
        first[0] = true;
    }
    close(&mut states, pattern);
    let mut next = states.clone();
    for (k, ch) in subject_prefix.chars().enumerate() {
        let in_ns = (ns_start..ns_end).contains(&k);
        next.fill([false; 2]);
        for (i, pc) in pattern.iter().enumerate() {
            let here = states.get(i).copied().unwrap_or([false; 2]);
            for (flag, on) in here.iter().enumerate() {
                if !on {
                    continue;
                }
                let wild_flag = usize::from(flag == 1 || in_ns);
                let target = match pc {
                    PatChar::Star => Some((i, wild_flag)),
                    PatChar::One => Some((i + 1, wild_flag)),
                    PatChar::Lit(l) if *l == ch => Some((i + 1, flag)),
                    PatChar::Lit(_) => None,
                };
                if let Some((to, f)) = target {
                    if let Some(slot) = next.get_mut(to).and_then(|s| s.get_mut(f)) {
                        *slot = true;
                    }
                }
            }
        }
        close(&mut next, pattern);
        std::mem::swap(&mut states, &mut next);
    }
    states.iter().enumerate().find_map(|(i, s)| {
        let rest = pattern.get(i..)?;
        (s[1] && viable_name(rest)).then(|| format!("{subject_prefix}{}", render_name(rest)))
    })
}

/// Whether every `:sub` condition of the statement (same key as `condition`) admits `subject`,
/// per the evaluator.
fn statement_admits(
    cx: &LintContext<'_>,
    statement: &Statement,
    provider: &OidcProvider<'_>,
    condition: &Condition,
    subject: &str,
) -> bool {
    let mut context = RequestContext::new();
    context.set(condition.key.clone(), subject);
    let request = Request {
        principal: RequestPrincipal::Federated(provider.entry.value.clone()),
        action: "sts:AssumeRoleWithWebIdentity".to_owned(),
        context,
    };
    let evaluation = explain(cx.policy, &request);
    let Some(trace) = evaluation
        .statements
        .iter()
        .find(|t| t.index == statement.index)
    else {
        return false;
    };
    let statement_admits = statement
        .conditions
        .iter()
        .zip(&trace.conditions)
        .filter(|(c, _)| c.key_lower == condition.key_lower)
        .all(|(_, outcome)| outcome.matched);
    statement_admits && policy_admits(cx, provider, &condition.key_lower, subject)
}

/// Whether the whole policy (every statement, `Deny` statements subtracted) admits the subject
/// from this provider: decided on the admitted set (SEMANTICS.md §2.1), so that a `Deny` that
/// carves the namespace out leaves nothing to report. An inexact region (conditions not
/// modelled, or too complex) is treated as admitting (the finding stays).
fn policy_admits(
    cx: &LintContext<'_>,
    provider: &OidcProvider<'_>,
    key_lower: &str,
    subject: &str,
) -> bool {
    cx.admitted
        .web_identity(cx.policy, &provider.entry.value)
        .iter()
        .any(|r| !r.is_exact() || r.key(key_lower).is_none_or(|k| k.present.contains(subject)))
}

/// The protected namespaces for an issuer: those of its configured cluster, else the
/// configuration's (default `kube-system`).
fn protected_for<'c>(cx: &LintContext<'c>, prefix: &str) -> Vec<&'c str> {
    let own: Vec<&str> = cx
        .config
        .clusters
        .iter()
        .filter(|c| c.prefix() == prefix)
        .flat_map(|c| c.protected_namespaces.iter().map(String::as_str))
        .collect();
    if own.is_empty() {
        cx.config.protected_namespaces()
    } else {
        own
    }
}

impl Rule for ProtectedNamespace {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
        for statement in cx.allow_statements() {
            for provider in cx.oidc_providers(statement) {
                if !looks_like_kubernetes_issuer(statement, provider.prefix)
                    && !is_configured_issuer(cx, provider.prefix)
                {
                    continue;
                }
                let protected = protected_for(cx, provider.prefix);
                for condition in conditions_on(statement, provider.prefix, "sub") {
                    if condition
                        .operator
                        .is_none_or(|op| op.base != BaseOperator::StringLike)
                    {
                        continue;
                    }
                    for value in &condition.values {
                        let Some(pattern) = like_chars(value) else {
                            continue;
                        };
                        if !pattern
                            .iter()
                            .any(|c| matches!(c, PatChar::Star | PatChar::One))
                        {
                            continue;
                        }
                        let mut reached: Vec<&str> = Vec::new();
                        let mut example = None;
                        for ns in &protected {
                            let Some(subject) = wildcard_witness(&pattern, ns) else {
                                continue;
                            };
                            if !statement_admits(cx, statement, &provider, condition, &subject) {
                                continue;
                            }
                            reached.push(ns);
                            example.get_or_insert(subject);
                        }
                        let Some(example) = example else { continue };
                        let namespaces = quoted_list(&reached);
                        let noun = if reached.len() == 1 {
                            "namespace"
                        } else {
                            "namespaces"
                        };
                        out.push(
                            Self::META
                                .finding(
                                    value.span,
                                    format!(
                                        "the pattern `{}` admits service accounts of the protected {noun} {namespaces} through a wildcard, e.g. `{example}`",
                                        value.text
                                    ),
                                )
                                .with_help(format!(
                                    "name the namespaces the role is meant for literally (`system:serviceaccount:<namespace>:<name>`, or `…:<namespace>:*`); a `*` also matches `:` and `-`, so it can reach {namespaces}"
                                )),
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::group_other::testing::{
        findings, findings_with, inventory, oidc_policy, underlined, EKS, GH,
    };
    use super::{wildcard_witness, wildcard_witness_automaton, PatChar};

    fn chars(p: &str) -> Vec<PatChar> {
        p.chars()
            .map(|c| match c {
                '*' => PatChar::Star,
                '?' => PatChar::One,
                _ => PatChar::Lit(c),
            })
            .collect()
    }

    /// The shortcut on the literal head changes no answer of the automaton.
    #[test]
    fn shortcut_agrees_with_the_automaton() {
        let heads = [
            "",
            "s",
            "system:serviceaccount:",
            "system:serviceaccount:k",
            "system:serviceaccount:kube-system",
            "system:serviceaccount:kube-system:",
            "system:serviceaccount:kube-system:x",
            "system:serviceaccount:payments:",
            "system:serviceaccount:kube",
            "system:serviceaccount:kube-systems",
            "system:serviceaccount:kube-syste",
            "x",
            "system:serviceaccountX",
        ];
        let tails = [
            "",
            "*",
            "?",
            "*:*",
            "-system:*",
            "?ube-system:?",
            "*default",
            ":*",
        ];
        for ns in ["kube-system", "k", "kube-public"] {
            for head in heads {
                for tail in tails {
                    let pattern = chars(&format!("{head}{tail}"));
                    assert_eq!(
                        wildcard_witness(&pattern, ns),
                        wildcard_witness_automaton(&pattern, ns),
                        "{head}{tail} / {ns}"
                    );
                }
            }
        }
    }

    #[test]
    fn witnesses() {
        let w = |p: &str| wildcard_witness(&chars(p), "kube-system");
        assert_eq!(
            w("*").as_deref(),
            Some("system:serviceaccount:kube-system:default")
        );
        assert_eq!(
            w("system:serviceaccount:*").as_deref(),
            Some("system:serviceaccount:kube-system:default")
        );
        assert_eq!(
            w("system:serviceaccount:kube-*").as_deref(),
            Some("system:serviceaccount:kube-system:default")
        );
        assert_eq!(
            w("system:serviceaccount:*:aws-node").as_deref(),
            Some("system:serviceaccount:kube-system:aws-node")
        );
        assert_eq!(
            w("*:default").as_deref(),
            Some("system:serviceaccount:kube-system:default")
        );
        assert_eq!(
            w("system:serviceaccount:kube-syste?:ebs-*").as_deref(),
            Some("system:serviceaccount:kube-system:ebs-x")
        );
        assert_eq!(
            w("system:serviceaccount:k*:x").as_deref(),
            Some("system:serviceaccount:kube-system:x")
        );
        // Named literally, or cannot reach the namespace, or no valid name.
        for p in [
            "system:serviceaccount:kube-system:*",
            "system:serviceaccount:kube-system:aws-node",
            "system:serviceaccount:*kube-system:*",
            "system:serviceaccount:team-*",
            "system:serviceaccount:app:*",
            "repo:acme/*",
            "*:ref:refs/heads/main",
            "system:serviceaccount:*:App",
            "system:serviceaccount:*:",
        ] {
            assert_eq!(w(p), None, "{p}");
        }
    }

    fn sub(values: &str) -> String {
        oidc_policy(
            EKS,
            &format!(r#"{{"StringLike": {{"{EKS}:sub": {values}}}}}"#),
        )
    }

    #[test]
    fn reports_wildcards_into_kube_system() {
        let text = sub(r#"["system:serviceaccount:app:*", "system:serviceaccount:*:aws-node"]"#);
        let found = findings("TL402", &text);
        assert_eq!(found.len(), 1);
        assert_eq!(
            underlined(&text, &found),
            ["\"system:serviceaccount:*:aws-node\""]
        );
        assert_eq!(
            found[0].message,
            "the pattern `system:serviceaccount:*:aws-node` admits service accounts of the protected namespace `kube-system` through a wildcard, e.g. `system:serviceaccount:kube-system:aws-node`"
        );
        assert_eq!(found[0].severity, crate::diagnostic::Severity::Warning);
    }

    #[test]
    fn exclusions_are_evaluated() {
        let text = oidc_policy(
            EKS,
            &format!(
                r#"{{"StringLike": {{"{EKS}:sub": "system:serviceaccount:*"}},
                    "StringNotLike": {{"{EKS}:sub": "system:serviceaccount:kube-system:*"}}}}"#
            ),
        );
        assert!(findings("TL402", &text).is_empty());
    }

    #[test]
    fn configured_namespaces() {
        let mut config = inventory();
        config.clusters[0].protected_namespaces = vec!["kube-system".into(), "platform".into()];
        let text = sub(r#""system:serviceaccount:*:default""#);
        let found = findings_with("TL402", &text, config);
        assert!(found[0]
            .message
            .contains("namespaces `kube-system` and `platform`"));
        // The default without any inventory, for an issuer recognised by its subjects.
        let s3 = "s3.eu-west-1.amazonaws.com/bucket";
        let text = oidc_policy(
            s3,
            &format!(r#"{{"StringLike": {{"{s3}:sub": ["system:serviceaccount:kube-sys*"]}}}}"#),
        );
        assert_eq!(
            findings_with("TL402", &text, crate::lint::LintConfig::default()).len(),
            1
        );
    }

    #[test]
    fn fine_cases() {
        for values in [
            r#""system:serviceaccount:kube-system:aws-node""#,
            r#""system:serviceaccount:kube-system:*""#,
            r#""system:serviceaccount:team-a:*""#,
            r#""system:serviceaccount:*:${aws:username}""#,
        ] {
            let text = sub(values);
            assert!(findings("TL402", &text).is_empty(), "{text}");
        }
        // StringEquals has no wildcards.
        let text = oidc_policy(
            EKS,
            &format!(r#"{{"StringEquals": {{"{EKS}:sub": "system:serviceaccount:*:x"}}}}"#),
        );
        assert!(findings("TL402", &text).is_empty());
        // GitHub is not a Kubernetes issuer.
        let text = oidc_policy(GH, &format!(r#"{{"StringLike": {{"{GH}:sub": "*"}}}}"#));
        assert!(findings("TL402", &text).is_empty());
    }

    #[test]
    fn a_deny_that_removes_the_namespace_leaves_nothing_to_report() {
        let p = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";
        let k = "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub";
        let allow = format!(
            r#"{{"Effect": "Allow", "Principal": {{"Federated": "{p}"}}, "Action": "sts:AssumeRoleWithWebIdentity",
               "Condition": {{"StringLike": {{"{k}": "system:serviceaccount:kube-*"}}}}}}"#
        );
        let deny = format!(
            r#"{{"Effect": "Deny", "Principal": {{"Federated": "{p}"}}, "Action": "sts:AssumeRoleWithWebIdentity",
               "Condition": {{"StringLike": {{"{k}": "system:serviceaccount:kube-system:*"}}}}}}"#
        );
        let run = |statements: &str| {
            let text = format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#);
            crate::check::check(text.as_bytes(), &crate::check::CheckOptions::only("TL402"))
                .findings
                .len()
        };
        assert_eq!(run(&allow), 1);
        assert_eq!(run(&format!("{allow}, {deny}")), 0);
    }
}
