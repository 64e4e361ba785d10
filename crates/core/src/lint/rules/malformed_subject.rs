//! TL207 `malformed-subject`.

use super::group_oidc::{
    family, github_grammar, github_immutable_grammar, is_dns_label, is_kubernetes_issuer,
    kubernetes_grammar, loose_claim_conditions, quick_kubernetes, Failure, Item, Phase,
    ValuePattern, Verdict, SA_PREFIX,
};
use crate::diagnostic::{Finding, Severity};
use crate::lint::data::IssuerFamily;
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::policy::{CompiledValue, ConditionValue, OperatorFamily};

declare_rule! {
    /// ## What it does
    /// Checks for `:sub` values that no token of the issuer can carry.
    ///
    /// It checks the values of conditions on `<provider>:sub` against the subjects the issuer
    /// really puts in its tokens:
    /// - for Kubernetes issuers (EKS, a configured cluster, or an issuer whose `sub` values
    ///   start with `system:serviceaccount`), `system:serviceaccount:<namespace>:<name>` with
    ///   the namespace a DNS-1123 label and the name a DNS-1123 subdomain: lower-case letters,
    ///   digits and `-` (and `.` in the name), each part starting and ending with a letter or
    ///   digit, at most 63 (namespace) and 253 (name) characters;
    /// - for GitHub Actions, `repo:<owner>/<repo>:` (or the immutable
    ///   `repo:<owner>@<id>/<repo>@<id>:`) followed by `ref:refs/…`, `environment:<name>`,
    ///   `pull_request` or, for customised subjects, a claim name and `:`.
    ///
    /// Values are checked even when the key spells the provider with `https://` or another
    /// case (TL201 reports the key). In `StringLike` values `*` and `?` may stand for any
    /// characters that keep the subject well-formed, so `system:serviceaccount:ns:*` and
    /// `repo:org/*` pass.
    ///
    /// GitHub values that can only match the legacy subject form are reported too, unless
    /// another value of the statement admits the immutable form: as a warning when a wildcard
    /// covers an owner's repositories (`repo:org/*`: repositories created since 2026 never
    /// match), and as info for one named repository (it stops matching once the repository is
    /// renamed or transferred, or its owner opts in).
    ///
    /// ## Why is this bad?
    /// STS compares `sub` exactly (or as a glob): a value no token can carry never matches,
    /// so the workload it was written for gets `AccessDenied`. Typical slips are
    /// `system:serviceaccounts:<ns>` (the group of all service accounts, never a `sub`),
    /// upper case or `_` in names, a missing service account name, `repo:org/repo` without the
    /// context GitHub always appends, and `repo:org/repo:main` instead of
    /// `repo:org/repo:ref:refs/heads/main`.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [{
    ///     "Effect": "Allow",
    ///     "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"},
    ///     "Action": "sts:AssumeRoleWithWebIdentity",
    ///     "Condition": {"StringEquals": {
    ///       "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud": "sts.amazonaws.com",
    ///       "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:kube-system:aws_load_balancer_controller"
    ///     }}
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
    ///     "Condition": {"StringEquals": {
    ///       "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud": "sts.amazonaws.com",
    ///       "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:kube-system:aws-load-balancer-controller"
    ///     }}
    ///   }]
    /// }
    /// ```
    ///
    /// ## Known problems
    /// A well-formed subject of the wrong shape for the workflow is not detected: a job that
    /// runs in a GitHub environment gets `repo:<owner>/<repo>:environment:<name>`, so
    /// `…:ref:refs/heads/main` never matches it (corpus case 033), but both are valid
    /// subjects; for such a value only the legacy-form note (info) is given. The immutable form
    /// is taken as `repo:<owner>@<owner-id>/<repo>@<repo-id>:…` (SEMANTICS.md §4.7, GitHub's and
    /// `configure-aws-credentials`' documentation); the dates and scope of GitHub's rollout are
    /// uncertain. Values with `*` or `?` under `StringEquals` are left to TL203; values with
    /// policy variables are not checked; GitLab and other issuers are not checked.
    ///
    /// ## References
    /// - SEMANTICS.md §4.5 (service-account subjects and Kubernetes name rules), §4.7 (GitHub
    ///   subjects, immutable form), §3.2, §6 row 1
    /// - <https://github.blog/changelog/2026-04-23-immutable-subject-claims-for-github-actions-oidc-tokens/>
    /// - <https://kubernetes.io/docs/concepts/overview/working-with-objects/names/>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html>
    /// - <https://docs.github.com/en/actions/reference/security/oidc>
    pub struct MalformedSubject {
        code: "TL207",
        name: "malformed-subject",
        category: Correctness,
        since: "0.1.0",
    }
}

impl Rule for MalformedSubject {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
        for statement in &cx.policy.statements {
            for provider in cx.oidc_providers(statement) {
                let kubernetes = is_kubernetes_issuer(cx, statement, &provider);
                let github = family(&provider) == IssuerFamily::GitHub;
                if !kubernetes && !github {
                    continue;
                }
                let conditions = loose_claim_conditions(statement, &provider, "sub");
                // Whether some value already admits GitHub's immutable subjects (asked of
                // GitHub issuers only).
                let covers_immutable = github
                    && conditions.iter().any(|c| {
                        c.operator.is_some_and(|op| {
                            c.values.iter().any(|v| {
                                ValuePattern::of(v, op).is_some_and(|p| {
                                    // Immutable subjects hold `@`: a value without `@` or a
                                    // wildcard cannot match one.
                                    p.items.iter().any(|i| {
                                        matches!(i, Item::Lit('@') | Item::One | Item::Many)
                                    }) && matches!(
                                        github_immutable_grammar().check(&p.items),
                                        Verdict::Matches(_)
                                    )
                                })
                            })
                        })
                    });
                for condition in conditions {
                    let Some(op) = condition.operator else {
                        continue;
                    };
                    let exact = op.base.family() == OperatorFamily::StringExact;
                    let plain = !op.base.ignores_case()
                        && matches!(
                            op.base.family(),
                            OperatorFamily::StringExact | OperatorFamily::StringLike
                        );
                    for value in &condition.values {
                        let like = op.base.family() == OperatorFamily::StringLike;
                        if kubernetes && plain && plainly_well_formed(value, like) {
                            continue;
                        }
                        let Some(pattern) = ValuePattern::of(value, op) else {
                            continue;
                        };
                        if exact
                            && pattern
                                .items
                                .iter()
                                .any(|i| matches!(i, Item::Lit('*' | '?')))
                        {
                            continue;
                        }
                        let finding = if kubernetes {
                            check_kubernetes(&pattern, value)
                        } else {
                            check_github(&pattern, value, covers_immutable)
                        };
                        out.extend(finding);
                    }
                }
            }
        }
    }
}

/// Whether `value` is a service-account subject written out in full that [`check_kubernetes`]
/// accepts (the common case), seen from its text alone: no wildcard or policy variable, the
/// grammar's direct test passes, and the parts are within their lengths. Only for operators
/// that compare case-sensitively. Under `StringLike` (`like`), also `<namespace>:*`, any account
/// of one plainly written namespace.
fn plainly_well_formed(value: &ConditionValue, like: bool) -> bool {
    let text = value.text.as_str();
    if matches!(value.compiled, CompiledValue::Template(_)) {
        return false;
    }
    if let Some(namespace) = text
        .strip_prefix(SA_PREFIX)
        .and_then(|rest| rest.strip_suffix(":*"))
        .filter(|_| like)
    {
        return namespace.len() <= 63 && is_dns_label(namespace);
    }
    !text.contains(['*', '?'])
        && quick_kubernetes(text)
        && text
            .strip_prefix(SA_PREFIX)
            .and_then(|rest| rest.split_once(':'))
            .is_some_and(|(namespace, name)| {
                namespace.len() <= 63
                    && name.len() <= 253
                    && name.split('.').all(|label| label.len() <= 63)
            })
}

fn finding(value: &ConditionValue, message: String, help: String) -> Finding {
    MalformedSubject::META
        .finding(value.span, message)
        .with_help(help)
}

const K8S_HELP: &str = "write `system:serviceaccount:<namespace>:<name>`: lower-case letters, digits and `-` \
                        (and `.` in the name), each part starting and ending with a letter or digit";

fn check_kubernetes(pattern: &ValuePattern, value: &ConditionValue) -> Option<Finding> {
    let text = &value.text;
    match kubernetes_grammar().check(&pattern.items) {
        Verdict::Fails(failure) => {
            let (reason, help) = kubernetes_reason(pattern, failure);
            Some(finding(
                value,
                format!("`{text}` can never match a service-account token's `sub`: it {reason}"),
                help,
            ))
        }
        Verdict::Matches(_) if !pattern.has_wildcards() => {
            let rest = pattern.fill("", "");
            let (namespace, name) = rest.strip_prefix(SA_PREFIX)?.split_once(':')?;
            let reason = if namespace.len() > 63 {
                format!(
                    "its namespace has {} characters, more than 63",
                    namespace.len()
                )
            } else if name.len() > 253 {
                format!("its name has {} characters, more than 253", name.len())
            } else if let Some(label) = name.split('.').find(|l| l.len() > 63) {
                format!(
                    "the part `{label}` of its name has {} characters, more than 63",
                    label.len()
                )
            } else {
                return None;
            };
            Some(finding(
                value,
                format!("`{text}` can never match a service-account token's `sub`: {reason}"),
                K8S_HELP.to_owned(),
            ))
        }
        Verdict::Matches(_) => None,
    }
}

/// Why a value fails the service-account grammar, and what to write instead.
fn kubernetes_reason(pattern: &ValuePattern, failure: Failure) -> (String, String) {
    let text = pattern.text();
    let general = || K8S_HELP.to_owned();
    let end = failure.at.unwrap_or(pattern.items.len());
    let before = pattern.items.get(..end).unwrap_or(&[]);
    // Still in the namespace: at most the two `:` of `system:serviceaccount:` so far.
    let in_namespace = before.iter().filter(|i| **i == Item::Lit(':')).count() <= 2
        && !before.contains(&Item::Many);
    let prev = before.last().copied();
    let Some(at) = failure.at else {
        let reason = match failure.phase {
            Phase::Prefix => {
                "does not have the form `system:serviceaccount:<namespace>:<name>`".to_owned()
            }
            Phase::Separator if in_namespace => "has no namespace or name".to_owned(),
            Phase::Separator => "has an empty service account name".to_owned(),
            Phase::Owner => "has no service account name after the namespace".to_owned(),
            _ => match prev {
                Some(Item::Lit(c @ ('-' | '.'))) => {
                    format!("ends with `{c}`: a name must end with a letter or digit")
                }
                _ => "is incomplete".to_owned(),
            },
        };
        let help = if failure.phase == Phase::Owner {
            format!("add the service account name, `{text}:<name>`, or `{text}:*` with `StringLike` for the whole namespace")
        } else {
            general()
        };
        return (reason, help);
    };
    let Some(Item::Lit(c)) = pattern.items.get(at).copied() else {
        return ("is incomplete".to_owned(), general());
    };
    if c.is_whitespace() {
        return (
            "contains whitespace".to_owned(),
            format!(
                "remove the whitespace: `{}`",
                text.split_whitespace().collect::<String>()
            ),
        );
    }
    if failure.phase == Phase::Prefix {
        return if text.starts_with("system:serviceaccounts:") {
            (
                "names `system:serviceaccounts:`, the group of all service accounts of a namespace, which is \
                 never a token's `sub`"
                    .to_owned(),
                "write one service account, `system:serviceaccount:<namespace>:<name>` (singular), or \
                 `system:serviceaccount:<namespace>:*` with `StringLike` for the whole namespace"
                    .to_owned(),
            )
        } else {
            (
                "does not start with `system:serviceaccount:`".to_owned(),
                general(),
            )
        };
    }
    if c.is_ascii_uppercase() {
        return (
            format!("contains the upper-case letter `{c}`: namespaces and service account names are lower case"),
            format!("write it in lower case: `{}`", text.to_ascii_lowercase()),
        );
    }
    if c == '_' {
        return (
            "contains `_`, which namespaces and service account names cannot contain".to_owned(),
            format!("use `-` instead of `_`: `{}`", text.replace('_', "-")),
        );
    }
    let reason = if c == ':' && prev == Some(Item::Lit(':')) {
        if in_namespace {
            "has an empty namespace".to_owned()
        } else {
            "has an empty service account name".to_owned()
        }
    } else if c == ':' && !in_namespace {
        "has an extra `:`: a service account name cannot contain `:`".to_owned()
    } else if c == '.' && in_namespace {
        "has `.` in the namespace, which is a DNS label (letters, digits and `-`)".to_owned()
    } else if matches!(c, '-' | '.') && matches!(prev, Some(Item::Lit(':' | '.'))) {
        format!("has a part that starts with `{c}`: each part must start and end with a letter or digit")
    } else if matches!(c, '.' | ':') && prev == Some(Item::Lit('-')) {
        "has a part that ends with `-`: each part must start and end with a letter or digit"
            .to_owned()
    } else {
        format!("contains `{c}`, which namespaces and service account names cannot contain")
    };
    (reason, general())
}

const GITHUB_CONTEXTS: &str =
    "`ref:refs/heads/<branch>`, `ref:refs/tags/<tag>`, `environment:<name>` or `pull_request`";

fn check_github(
    pattern: &ValuePattern,
    value: &ConditionValue,
    covers_immutable: bool,
) -> Option<Finding> {
    let text = &value.text;
    match github_grammar().check(&pattern.items) {
        Verdict::Fails(failure) => {
            let (reason, help) = github_reason(pattern, failure);
            Some(finding(
                value,
                format!("`{text}` can never match a GitHub Actions token's `sub`: it {reason}"),
                help,
            ))
        }
        Verdict::Matches(phases) => {
            // Values that only fit the legacy form, when no value of the statement covers the
            // immutable form (SEMANTICS.md §4.7).
            if covers_immutable || phases.contains(Phase::Owner) {
                return None;
            }
            if matches!(
                github_immutable_grammar().check(&pattern.items),
                Verdict::Matches(_)
            ) {
                return None;
            }
            let plain = pattern.text();
            let (owner, after) = plain.strip_prefix("repo:")?.split_once('/')?;
            if phases.contains(Phase::Project) {
                let mut f = finding(
                    value,
                    format!(
                        "`{text}` matches only legacy subjects: repositories of `{owner}` created, renamed or \
                         transferred since 2026 get `repo:{owner}@<owner-id>/<repo>@<repo-id>:…`, which it does \
                         not admit"
                    ),
                    format!(
                        "add the immutable form as another value, e.g. `repo:{owner}@<owner-id>/*`, with the \
                         owner's numeric id"
                    ),
                );
                f.severity = Severity::Warning;
                return Some(f);
            }
            let (repo, tail) = after.split_once(':').unwrap_or((after, ""));
            let immutable = format!("repo:{owner}@<owner-id>/{repo}@<repo-id>:{tail}");
            let mut f = finding(
                value,
                format!(
                    "`{text}` matches only the legacy subject form: once `{owner}/{repo}` is renamed or \
                     transferred, or its owner opts in to immutable subject claims, GitHub issues \
                     `repo:{owner}@<owner-id>/{repo}@<repo-id>:…` and this value stops matching"
                ),
                format!(
                    "add the immutable form as another value, `{immutable}` (the ids are in \
                     `gh api repos/{owner}/{repo}`)"
                ),
            );
            f.severity = Severity::Info;
            Some(f)
        }
    }
}

/// Why a value fails the GitHub subject grammar, and what to write instead.
fn github_reason(pattern: &ValuePattern, failure: Failure) -> (String, String) {
    let text = pattern.text();
    let general = format!("write `repo:<owner>/<repo>:` followed by {GITHUB_CONTEXTS}");
    // `repo:<owner>/<repo>:` as written, and what follows.
    let split = text.strip_prefix("repo:").and_then(|rest| {
        let (owner, after) = rest.split_once('/')?;
        let (repo, context) = after.split_once(':')?;
        Some((format!("repo:{owner}/{repo}:"), context.to_owned()))
    });
    let at_char = failure
        .at
        .and_then(|i| pattern.items.get(i))
        .and_then(|i| match i {
            Item::Lit(c) => Some(*c),
            Item::One | Item::Many => None,
        });
    match (failure.phase, failure.at) {
        (Phase::Prefix, _) if !text.starts_with("repo:") => (
            "does not start with `repo:<owner>/<repo>:` (or a claim name, for customised subjects)"
                .to_owned(),
            general,
        ),
        (Phase::Prefix | Phase::Owner | Phase::OwnerId, None) => (
            "has no repository after the owner".to_owned(),
            general,
        ),
        (Phase::Project | Phase::ProjectId, None) => (
            format!("ends after the repository: GitHub always appends the context, {GITHUB_CONTEXTS}"),
            format!(
                "write `{text}:ref:refs/heads/<branch>`, or `{text}:*` with `StringLike` for every branch, \
                 environment and pull request"
            ),
        ),
        (Phase::Separator | Phase::Context, _) if split.is_some() => {
            let (head, context) = split.unwrap_or_default();
            let fixed = if context.starts_with("refs/") {
                Some(format!("ref:{context}"))
            } else if let Some(name) = context.strip_prefix("ref:") {
                Some(format!("ref:refs/heads/{name}"))
            } else if context.starts_with("heads/") || context.starts_with("tags/") {
                Some(format!("ref:refs/{context}"))
            } else if !context.contains(':') && !context.is_empty() {
                Some(format!("ref:refs/heads/{context}"))
            } else {
                None
            };
            let help = match fixed {
                Some(fixed) => format!(
                    "write `{head}{fixed}` (or `{head}environment:<name>` for jobs that use an environment)"
                ),
                None => general,
            };
            (
                format!("has `{context}` after the repository, which is not a context GitHub writes ({GITHUB_CONTEXTS})"),
                help,
            )
        }
        _ => match at_char {
            Some(c) if c.is_whitespace() => ("contains whitespace".to_owned(), general),
            Some(c) => (
                format!("contains `{c}` where GitHub's subject cannot have it"),
                general,
            ),
            None => ("is incomplete".to_owned(), general),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::group_oidc::testing::{findings, policy, underlined, EKS};
    use crate::diagnostic::Severity;
    use proptest::prelude::*;

    proptest! {
        /// The shortcut for plain subjects never skips a value that the full check would report.
        #[test]
        fn plain_subjects_are_skipped_only_when_the_check_accepts_them(
            namespace in prop_oneof!["[a-z0-9][a-z0-9-]{0,68}[a-z0-9]", "[a-z0-9.:_A-]{0,70}"],
            name in prop_oneof![
                "[a-z0-9][a-z0-9-]{0,68}[a-z0-9](\\.[a-z0-9][a-z0-9-]{0,68}[a-z0-9]){0,4}",
                "[a-z0-9.:_A-]{0,70}(\\.[a-z0-9-]{0,70}){0,4}",
                "\\*",
                "[a-z*?]{0,3}\\*[a-z*?]{0,3}",
            ],
            like in any::<bool>(),
            prefix in prop::sample::select(vec!["system:serviceaccount:", "system:serviceaccounts:", "system:serviceaccount", ""]),
        ) {
            let text = format!("{prefix}{namespace}:{name}");
            let value = crate::policy::ConditionValue {
                text: text.clone(),
                span: crate::source::Span::new(0, 0),
                compiled: super::CompiledValue::Text,
            };
            let op = crate::policy::Operator::parse(if like { "StringLike" } else { "StringEquals" }).unwrap();
            let pattern = super::ValuePattern::of(&value, op).unwrap();
            let full = super::check_kubernetes(&pattern, &value);
            if super::plainly_well_formed(&value, like) {
                prop_assert!(full.is_none(), "{text}: {full:?}");
            }
        }
    }

    fn run(json: &str) -> Vec<crate::diagnostic::Finding> {
        findings("TL207", json)
    }

    fn eks(op: &str, value: &str) -> Vec<crate::diagnostic::Finding> {
        run(&policy(
            EKS,
            &format!(r#""{op}": {{"{EKS}:sub": "{value}"}}"#),
        ))
    }

    const GH: &str = "token.actions.githubusercontent.com";

    fn gh(op: &str, value: &str) -> Vec<crate::diagnostic::Finding> {
        run(&policy(
            GH,
            &format!(r#""{op}": {{"{GH}:sub": "{value}"}}"#),
        ))
    }

    #[test]
    fn kubernetes_reasons() {
        for (value, reason) in [
            (
                "system:serviceaccounts:payments",
                "names `system:serviceaccounts:`, the group",
            ),
            (
                "system:serviceaccount:Payments:api",
                "contains the upper-case letter `P`",
            ),
            ("system:serviceaccount:payments:my_api", "contains `_`"),
            ("system:serviceaccount::api", "has an empty namespace"),
            (
                "system:serviceaccount:payments::api",
                "has an empty service account name",
            ),
            ("system:serviceaccount:payments:api:v2", "has an extra `:`"),
            (
                "system:serviceaccount:payments",
                "has no service account name after the namespace",
            ),
            (
                "system:serviceaccount:pay.ments:api",
                "has `.` in the namespace",
            ),
            ("system:serviceaccount:payments:api ", "contains whitespace"),
            ("system:serviceaccount:payments:api-", "ends with `-`"),
            (
                "system:serviceaccount:payments:",
                "has an empty service account name",
            ),
            (
                "serviceaccount:payments:api",
                "does not start with `system:serviceaccount:`",
            ),
            (
                "system:serviceaccount:-payments:api",
                "has a part that starts with `-`",
            ),
            ("system:serviceaccount:", "has no namespace or name"),
            (
                "system:serviceaccount:payments-:api",
                "has a part that ends with `-`",
            ),
            (
                "system:serviceaccount:payments:a..b",
                "has a part that starts with `.`",
            ),
        ] {
            let f = eks("StringEquals", value);
            assert_eq!(f.len(), 1, "{value}");
            assert!(
                f[0].message
                    == format!(
                        "`{value}` can never match a service-account token's `sub`: it {}",
                        f[0].message.split(": it ").nth(1).unwrap_or("")
                    )
                    && f[0].message.contains(reason),
                "{value}: {}",
                f[0].message
            );
            assert_eq!(f[0].severity, Severity::Error);
        }
        let f = eks("StringEquals", "system:serviceaccount:payments");
        assert_eq!(
            f[0].help.as_deref(),
            Some("add the service account name, `system:serviceaccount:payments:<name>`, or `system:serviceaccount:payments:*` with `StringLike` for the whole namespace")
        );
    }

    #[test]
    fn kubernetes_lengths() {
        let long_ns = "a".repeat(64);
        let f = eks(
            "StringEquals",
            &format!("system:serviceaccount:{long_ns}:api"),
        );
        assert_eq!(f.len(), 1);
        assert!(f[0]
            .message
            .ends_with("its namespace has 64 characters, more than 63"));
        assert!(eks(
            "StringEquals",
            &format!("system:serviceaccount:{}:api", "a".repeat(63))
        )
        .is_empty());
        // Every account of one namespace.
        assert!(eks(
            "StringLike",
            &format!("system:serviceaccount:{}:*", "a".repeat(63))
        )
        .is_empty());
    }

    #[test]
    fn kubernetes_patterns() {
        for ok in [
            "system:serviceaccount:ns:*",
            "system:serviceaccount:*",
            "system:serviceaccount:ns-?:sa",
            "*",
        ] {
            assert!(eks("StringLike", ok).is_empty(), "{ok}");
        }
        for bad in [
            "system:serviceaccount:NS:*",
            "system:serviceaccounts:*",
            "system:serviceaccount:ns:*_x",
        ] {
            assert_eq!(eks("StringLike", bad).len(), 1, "{bad}");
        }
        // Case-insensitive comparison: upper case is not an error there.
        assert!(eks("StringEqualsIgnoreCase", "system:serviceaccount:NS:sa").is_empty());
        // `*` under StringEquals is TL203's.
        assert!(eks("StringEquals", "system:serviceaccount:NS:*").is_empty());
    }

    #[test]
    fn self_hosted_issuer_with_service_account_subjects() {
        let s3 = "s3.eu-west-1.amazonaws.com/bucket";
        let json = policy(
            s3,
            &format!(
                r#""StringEquals": {{"{s3}:sub": ["system:serviceaccount:a:b", "system:serviceaccount:a:B"]}}"#
            ),
        );
        let f = run(&json);
        assert_eq!(f.len(), 1);
        assert_eq!(
            underlined(&json, f[0].span),
            "\"system:serviceaccount:a:B\""
        );
        // Other issuers are not checked.
        let json = policy(
            "auth.example.com",
            r#""StringEquals": {"auth.example.com:sub": "auth0|ABC"}"#,
        );
        assert!(run(&json).is_empty());
    }

    #[test]
    fn github_reasons() {
        let f = gh("StringLike", "repo:alphagov/govuk-ruby-images");
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("ends after the repository"),
            "{}",
            f[0].message
        );
        assert_eq!(f[0].severity, Severity::Error);
        let f = gh(
            "StringLike",
            "repo:insert-repo-owner-name/insert-repo-name:main",
        );
        assert!(
            f[0].message.contains("has `main` after the repository"),
            "{}",
            f[0].message
        );
        assert_eq!(
            f[0].help.as_deref(),
            Some("write `repo:insert-repo-owner-name/insert-repo-name:ref:refs/heads/main` (or `repo:insert-repo-owner-name/insert-repo-name:environment:<name>` for jobs that use an environment)")
        );
        let f = gh("StringEquals", "repo:o/r:refs/heads/main");
        assert!(f[0]
            .help
            .as_deref()
            .unwrap()
            .starts_with("write `repo:o/r:ref:refs/heads/main`"));
        let f = gh("StringEquals", "repo:o/r:ref:main");
        assert!(f[0]
            .help
            .as_deref()
            .unwrap()
            .starts_with("write `repo:o/r:ref:refs/heads/main`"));
        let f = gh("StringEquals", "octo-org/octo-repo:ref:refs/heads/main");
        assert!(f[0].message.contains("does not start with `repo:"));
        let f = gh("StringEquals", "repo:octo-org");
        assert!(f[0].message.contains("has no repository after the owner"));
    }

    #[test]
    fn values_under_a_misspelt_key_are_checked_too() {
        // Corpus case 072: the key carries `https://` (TL201), the value lacks `ref:refs/heads/`.
        let json = policy(
            GH,
            &format!(r#""StringLike": {{"https://{GH}:sub": ["repo:o/r:main"]}}"#),
        );
        assert_eq!(run(&json).len(), 1);
    }

    #[test]
    fn github_valid_forms() {
        for value in [
            "repo:octo-org/octo-repo:ref:refs/heads/main",
            "repo:MYORG/operations:ref:refs/heads/main",
            "repo:octo-org/octo-repo:environment:Production",
            "repo:octo-org/octo-repo:pull_request",
            "repo:octo-org/octo-repo:job_workflow_ref:octo-org/ci/.github/workflows/deploy.yml@refs/heads/main",
        ] {
            // Well-formed, but legacy only: a note, not an error.
            let f = gh("StringEquals", value);
            assert_eq!(f.len(), 1, "{value}");
            assert_eq!(f[0].severity, Severity::Info, "{value}");
        }
        for value in [
            "repo:octo-org@1234/octo-repo@5678:ref:refs/tags/v1",
            "repository_owner_id:1234:environment:prod",
        ] {
            assert!(gh("StringEquals", value).is_empty(), "{value}");
        }
        for value in ["repo:o@1/*", "repo:*", "repo:o*"] {
            assert!(gh("StringLike", value).is_empty(), "{value}");
        }
    }

    #[test]
    fn github_legacy_single_repository_is_a_note() {
        // Corpus case 033.
        let f = gh("StringLike", "repo:MYORG/operations:ref:refs/heads/main");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Info);
        assert_eq!(
            f[0].help.as_deref(),
            Some("add the immutable form as another value, `repo:MYORG@<owner-id>/operations@<repo-id>:ref:refs/heads/main` (the ids are in `gh api repos/MYORG/operations`)")
        );
        // Both forms listed (as `configure-aws-credentials` recommends): nothing to say.
        let json = policy(
            GH,
            &format!(
                r#""StringLike": {{"{GH}:sub": ["repo:o/r:ref:refs/heads/main", "repo:o@1/r@2:ref:refs/heads/main"]}}"#
            ),
        );
        assert!(run(&json).is_empty());
    }

    #[test]
    fn github_legacy_org_wildcard_is_a_warning() {
        // Corpus case 090.
        let f = gh("StringLike", "repo:GITHUB_ORGNAME/*");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(
            f[0].help.as_deref(),
            Some("add the immutable form as another value, e.g. `repo:GITHUB_ORGNAME@<owner-id>/*`, with the owner's numeric id")
        );
        // A wildcard over the owner reaches both forms.
        assert!(gh("StringLike", "repo:GITHUB_ORGNAME*").is_empty());
    }
}
