//! TL206 `overbroad-subject-wildcard`.

use super::group_oidc::{
    allows_web_identity, every_subject, family, github_grammar, gitlab_grammar,
    is_kubernetes_issuer, quick_kubernetes, Item, Phase, ValuePattern, Verdict, SA_PREFIX,
};
use crate::diagnostic::{Finding, Severity};
use crate::lint::data::IssuerFamily;
use crate::lint::rule::declare_rule;
use crate::lint::{claim_conditions, LintContext, OidcProvider, Rule, RuleMeta};
use crate::policy::{BaseOperator, ConditionValue};

declare_rule! {
    /// ## What it does
    /// Checks for `StringLike` patterns on `<provider>:sub` that admit more than one workload.
    ///
    /// It checks `StringLike` patterns (any `ForAnyValue:`/`ForAllValues:`/`…IfExists` form) on
    /// `<provider>:sub` in `Allow` statements for wildcards that reach further than one
    /// workload:
    /// - error: a pattern that admits every namespace (`*`, `system:*`,
    ///   `system:serviceaccount:*`, `system:serviceaccount:*:name`), every subject of the
    ///   issuer, or repositories and projects of other owners (`repo:*`, `repo:org*`,
    ///   `project_path:*`, HCP Terraform and Buildkite `organization:*`);
    /// - warning: a `*` in the namespace part that can cross the `:` into the name
    ///   (`system:serviceaccount:team-*` also admits `system:serviceaccount:team-x:anything`),
    ///   or a pattern that admits every repository of a GitHub owner (`repo:org/*`) or every
    ///   project under a GitLab group.
    ///
    /// The breadth is decided with the `StringLike` matcher and a grammar of well-formed
    /// subjects, not by looking for `*` in the text: `system:serviceaccount:ns:*` (every
    /// service account of one namespace, as AWS documents) and `repo:org/app:*` (every branch
    /// of one repository) are not reported.
    ///
    /// ## Why is this bad?
    /// `*` in `StringLike` matches any characters, `:` and `/` included. A pattern that
    /// reaches into the namespace lets anyone who can create a namespace (or use the
    /// `default` service account of any namespace) assume the role; a pattern that reaches
    /// into the GitHub owner or GitLab group lets any account on the platform in. A wildcard
    /// over all repositories of an organisation admits every repository created later,
    /// including forks and experiments of every member.
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
    ///       "StringLike": {"oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:*"}
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
    ///       "StringLike": {"oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:external-secrets:*"}
    ///     }
    ///   }]
    /// }
    /// ```
    ///
    /// ## Known problems
    /// A wildcard that spans several namespaces without crossing into the name
    /// (`system:serviceaccount:ci-*:deployer`) is not reported; TL402 reports it when it
    /// reaches a protected namespace. Patterns with policy variables are not analysed. For
    /// GitHub, a wildcard in the owner id of an immutable subject (`repo:org@*/app@*:*`) is not
    /// treated as a wildcard in the owner. Patterns that can match no well-formed subject are
    /// left to TL207.
    ///
    /// ## References
    /// - SEMANTICS.md §3.2 (`*` crosses `:` and `/`), §4.5 (service-account subjects and the
    ///   documented `system:serviceaccount:<ns>:*`), §4.7 (GitHub subjects), §6 row 18
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String>
    /// - <https://docs.github.com/en/actions/reference/security/oidc>
    pub struct OverbroadSubjectWildcard {
        code: "TL206",
        name: "overbroad-subject-wildcard",
        category: Correctness,
        since: "0.1.0",
    }
}

impl Rule for OverbroadSubjectWildcard {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
        for statement in cx.allow_statements() {
            if !allows_web_identity(statement) {
                continue;
            }
            for provider in cx.oidc_providers(statement) {
                let kubernetes = is_kubernetes_issuer(cx, statement, &provider);
                for condition in claim_conditions(statement, &provider, "sub") {
                    let Some(op) = condition.operator else {
                        continue;
                    };
                    if op.base != BaseOperator::StringLike {
                        continue;
                    }
                    for value in &condition.values {
                        let Some(pattern) = ValuePattern::of(value, op) else {
                            continue;
                        };
                        if !pattern.has_wildcards() {
                            continue;
                        }
                        let breadth = if kubernetes {
                            kubernetes_breadth(&pattern, value)
                        } else {
                            other_breadth(&pattern, value, &provider)
                        };
                        if let Some(Breadth {
                            severity,
                            message,
                            help,
                        }) = breadth
                        {
                            let mut finding =
                                Self::META.finding(value.span, message).with_help(help);
                            finding.severity = severity;
                            out.push(finding);
                        }
                    }
                }
            }
        }
        self.check_admitted_set(cx, out);
    }
}

impl OverbroadSubjectWildcard {
    /// Decide breadth on the set the whole policy admits (SEMANTICS.md §2.4, §3.2): conditions
    /// that are narrow one by one can still admit every namespace together (a `StringLike` with a
    /// `StringNotLike` exception, several statements, a `Deny` that removes little). Reported once
    /// per Kubernetes provider, when no pattern of it was reported already.
    fn check_admitted_set(&self, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
        let mut done: Vec<&str> = Vec::new();
        for statement in cx.allow_statements() {
            for provider in cx.oidc_providers(statement) {
                let value = provider.entry.value.as_str();
                if done.contains(&value) || !is_kubernetes_issuer(cx, statement, &provider) {
                    continue;
                }
                done.push(value);
                let already = out
                    .iter()
                    .any(|f| f.code == Self::META.code && f.severity == Severity::Error);
                if already {
                    continue;
                }
                // Only a wildcard pattern can open every namespace: skip the set computation for
                // providers whose subjects are all exact (most policies).
                let has_wildcard = cx.allow_statements().any(|s| {
                    cx.oidc_providers(s).any(|p| p.entry.value == value)
                        && s.conditions.iter().any(|c| {
                            c.key_lower.ends_with(":sub")
                                && c.operator
                                    .is_some_and(|o| o.base == BaseOperator::StringLike)
                                && c.values.iter().any(|v| v.text.contains(['*', '?']))
                        })
                });
                if !has_wildcard {
                    continue;
                }
                let Some(witness) = every_namespace_witness(cx, provider.prefix, value) else {
                    continue;
                };
                out.push(
                    Self::META
                        .finding(
                            provider.entry.span,
                            format!(
                                "together, the `:sub` conditions for this provider admit service accounts of every namespace, e.g. `{witness}`"
                            ),
                        )
                        .with_help("name each service account, or at most one namespace per pattern (`system:serviceaccount:<namespace>:*`)"),
                );
            }
        }
    }
}

/// A subject in a namespace the policy never names, if the admitted set has one for every
/// namespace (exact regions only; regions without a `:sub` constraint are TL204's).
fn every_namespace_witness(cx: &LintContext<'_>, prefix: &str, principal: &str) -> Option<String> {
    use crate::algebra::StringSet;
    let regions = cx.admitted.web_identity(cx.policy, principal);
    let key = format!("{}:sub", prefix.to_ascii_lowercase());
    let subjects = super::group_oidc::subject_set(&regions, &key, false)?;
    // Any service account of each namespace made of characters no policy value uses: they
    // stand for "any other namespace".
    static PROBES: std::sync::OnceLock<Vec<StringSet>> = std::sync::OnceLock::new();
    let probes = PROBES.get_or_init(|| {
        super::group_oidc::FRESH_NAMESPACES
            .iter()
            .filter_map(|ns| StringSet::like_wild(&format!("{SA_PREFIX}{ns}:?*")).ok())
            .collect()
    });
    let mut witness = None;
    for probe in probes {
        witness = Some(subjects.shortest_common_witness(probe).ok()??);
    }
    witness
}

/// What a pattern admits beyond one workload.
struct Breadth {
    severity: Severity,
    message: String,
    help: String,
}

fn error(message: String, help: impl Into<String>) -> Option<Breadth> {
    Some(Breadth {
        severity: Severity::Error,
        message,
        help: help.into(),
    })
}

fn warning(message: String, help: impl Into<String>) -> Option<Breadth> {
    Some(Breadth {
        severity: Severity::Warning,
        message,
        help: help.into(),
    })
}

/// Whether the pattern matches subjects built from text it does not contain, of two lengths:
/// only wildcards can have matched them.
fn admits_fresh(pattern: &ValuePattern, fresh: char, build: impl Fn(&str) -> String) -> bool {
    let short = fresh.to_string();
    let long: String = std::iter::repeat_n(fresh, 7).collect();
    pattern.matcher().matches(&build(&short)) && pattern.matcher().matches(&build(&long))
}

fn kubernetes_breadth(pattern: &ValuePattern, value: &ConditionValue) -> Option<Breadth> {
    let text = &value.text;
    let fresh = pattern.fresh_char()?;
    let any_name: String = std::iter::repeat_n(fresh, 5).collect();
    if admits_fresh(pattern, fresh, |ns| format!("{SA_PREFIX}{ns}:{any_name}")) {
        return error(
            format!("`{text}` admits every service account in every namespace of the cluster"),
            "name the service account, `system:serviceaccount:<namespace>:<name>`, or at most one \
             namespace, `system:serviceaccount:<namespace>:*`",
        );
    }
    // The name the pattern spells after the namespace, wildcards filled with the fresh
    // character: does every namespace have it?
    let witness = pattern.fill(&fresh.to_string(), &fresh.to_string());
    if let Some((_, name)) = witness
        .strip_prefix(SA_PREFIX)
        .and_then(|rest| rest.split_once(':'))
    {
        if admits_fresh(pattern, fresh, |ns| format!("{SA_PREFIX}{ns}:{name}")) {
            let shown = text.rsplit(':').next().unwrap_or("");
            let what = if shown.contains(['*', '?']) {
                format!("service accounts matching `{shown}`")
            } else {
                format!("the service account `{shown}`")
            };
            return error(
                format!(
                    "`{text}` admits {what} of every namespace, including namespaces created later"
                ),
                format!("name the namespace: `system:serviceaccount:<namespace>:{shown}`"),
            );
        }
    }
    // A `*` that can stand for `<rest of namespace>:<name>` in a well-formed subject.
    for (i, item) in pattern.items.iter().enumerate() {
        if *item != Item::Many {
            continue;
        }
        let probe = pattern.fill_with(|j, _| if j == i { "x:anything" } else { "x" });
        // The probe is literal text: the grammar's direct test decides it.
        let well_formed = quick_kubernetes(&probe);
        if well_formed && pattern.matcher().matches(&probe) {
            return warning(
                format!(
                    "the `*` in `{text}` can cross the `:` between namespace and name: it also admits `{probe}`"
                ),
                "write the namespace in full and put the wildcard after its `:`, \
                 `system:serviceaccount:<namespace>:*`, once per namespace",
            );
        }
    }
    None
}

fn other_breadth(
    pattern: &ValuePattern,
    value: &ConditionValue,
    provider: &OidcProvider<'_>,
) -> Option<Breadth> {
    let text = &value.text;
    let family = family(provider);
    let fresh = pattern.fresh_char()?;
    if admits_fresh(pattern, fresh, str::to_owned) {
        return error(
            format!(
                "`{text}` admits every subject: {} can assume this role",
                every_subject(family, false, provider.prefix)
            ),
            format!(
                "name the workload, e.g. `{}`",
                super::group_oidc::subject_example(family, false)
            ),
        );
    }
    let literal_prefix: String = pattern
        .items
        .iter()
        .map_while(|i| match i {
            Item::Lit(c) => Some(*c),
            Item::One | Item::Many => None,
        })
        .collect();
    match family {
        IssuerFamily::GitHub => {
            let Verdict::Matches(phases) = github_grammar().check(&pattern.items) else {
                return None;
            };
            let owner = literal_prefix
                .strip_prefix("repo:")
                .and_then(|rest| rest.split_once('/'))
                .map(|(owner, _)| owner);
            match owner {
                _ if phases.contains(Phase::Owner) => error(
                    format!(
                        "`{text}` admits repositories of other owners: anyone can create a GitHub account or \
                         organization whose name it matches"
                    ),
                    "name the owner and repository: `repo:<owner>/<repo>:ref:refs/heads/<branch>`",
                ),
                Some(owner) if phases.contains(Phase::Project) => {
                    let every = if text.starts_with(&format!("repo:{owner}/*")) {
                        format!("every repository of `{owner}`")
                    } else {
                        format!("every repository of `{owner}` whose name it matches")
                    };
                    warning(
                        format!("`{text}` admits {every}, including repositories created later"),
                        format!(
                            "name the repository: `repo:{owner}/<repo>:ref:refs/heads/<branch>`, or \
                             `repo:{owner}/<repo>:*` for all its branches"
                        ),
                    )
                }
                _ => None,
            }
        }
        IssuerFamily::GitLab => {
            let Verdict::Matches(phases) = gitlab_grammar().check(&pattern.items) else {
                return None;
            };
            if phases.contains(Phase::Owner) {
                return error(
                    format!(
                        "`{text}` admits projects of other groups: anyone can create a GitLab.com group or \
                         user whose path it matches"
                    ),
                    "name the project: `project_path:<group>/<project>:ref_type:branch:ref:<branch>`",
                );
            }
            if phases.contains(Phase::Project) {
                let path = literal_prefix.strip_prefix("project_path:").unwrap_or("");
                let group = path.rsplit_once('/').map_or(path, |(group, _)| group);
                return warning(
                    format!(
                        "`{text}` admits every project under `{group}` that it matches, including projects \
                         created later"
                    ),
                    format!(
                        "name the project: `project_path:{group}/<project>:ref_type:branch:ref:<branch>`"
                    ),
                );
            }
            None
        }
        IssuerFamily::TerraformCloud | IssuerFamily::Buildkite => {
            // `organization:<org>:…`: the organization must be spelled out.
            let org_fixed = literal_prefix
                .strip_prefix("organization:")
                .is_some_and(|rest| rest.split_once(':').is_some_and(|(org, _)| !org.is_empty()));
            let reaches_org = "organization:".starts_with(&literal_prefix)
                || literal_prefix.starts_with("organization:");
            (reaches_org && !org_fixed).then(|| Breadth {
                severity: Severity::Error,
                message: format!(
                    "`{text}` admits subjects of other {} organizations: anyone can create one whose name \
                     it matches",
                    family.name()
                ),
                help: format!(
                    "name the organization: `{}`",
                    super::group_oidc::subject_example(family, false)
                ),
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::group_oidc::testing::{findings, policy, underlined, EKS};
    use crate::diagnostic::Severity;

    fn run(json: &str) -> Vec<crate::diagnostic::Finding> {
        findings("TL206", json)
    }

    fn eks(pattern: &str) -> Vec<crate::diagnostic::Finding> {
        run(&policy(
            EKS,
            &format!(r#""StringLike": {{"{EKS}:sub": "{pattern}"}}"#),
        ))
    }

    fn on(provider: &str, pattern: &str) -> Vec<crate::diagnostic::Finding> {
        run(&policy(
            provider,
            &format!(r#""StringLike": {{"{provider}:sub": "{pattern}"}}"#),
        ))
    }

    #[test]
    fn every_namespace_is_an_error() {
        for pattern in [
            "system:serviceaccount:*",
            "system:*",
            "*",
            "system:serviceaccount:*:*",
            "sys*",
        ] {
            let f = eks(pattern);
            assert_eq!(f.len(), 1, "{pattern}");
            assert_eq!(f[0].severity, Severity::Error);
            assert_eq!(
                f[0].message,
                format!(
                    "`{pattern}` admits every service account in every namespace of the cluster"
                )
            );
        }
        let f = eks("system:serviceaccount:*:default");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].message, "`system:serviceaccount:*:default` admits the service account `default` of every namespace, including namespaces created later");
        let f = eks("system:serviceaccount:*:app-*");
        assert!(f[0]
            .message
            .contains("service accounts matching `app-*` of every namespace"));
        let f = eks("system:serviceaccount:?*:default");
        assert_eq!(f[0].severity, Severity::Error);
    }

    #[test]
    fn crossing_the_colon_is_a_warning() {
        let json = policy(
            EKS,
            &format!(
                r#""StringLike": {{"{EKS}:sub": ["system:serviceaccount:ns:sa", "system:serviceaccount:team-*"]}}"#
            ),
        );
        let f = run(&json);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(
            underlined(&json, f[0].span),
            "\"system:serviceaccount:team-*\""
        );
        assert_eq!(
            f[0].message,
            "the `*` in `system:serviceaccount:team-*` can cross the `:` between namespace and name: it also admits `system:serviceaccount:team-x:anything`"
        );
        // `*-prod` crosses the `:` too, and the admitted set shows it reaches every namespace
        // (`system:serviceaccount:<any>:x-prod`): the set check adds the error.
        let f = eks("system:serviceaccount:*-prod");
        assert!(f.iter().any(|x| x.severity == Severity::Warning));
        assert!(f
            .iter()
            .any(|x| x.severity == Severity::Error && x.message.contains("every namespace")));
        let f = eks("system:serviceaccount:ns*");
        assert_eq!(f[0].severity, Severity::Warning);
    }

    #[test]
    fn one_namespace_is_fine() {
        for pattern in [
            "system:serviceaccount:ns:*",
            "system:serviceaccount:kube-system:s3-csi-*",
            "system:serviceaccount:ns:sa-?",
            "system:serviceaccount:ci-*:deployer",
            "system:serviceaccount:ns:sa",
        ] {
            assert!(eks(pattern).is_empty(), "{pattern}");
        }
        // Not StringLike, not `sub`, not Allow.
        let json = policy(
            EKS,
            &format!(
                r#""StringNotLike": {{"{EKS}:sub": "system:serviceaccount:*"}}, "StringLike": {{"{EKS}:aud": "*"}}"#
            ),
        );
        assert!(run(&json).is_empty());
    }

    #[test]
    fn self_hosted_kubernetes_issuers() {
        // Corpus case 087: an S3 issuer recognised by its service-account subjects.
        let s3 = "s3.us-west-2.amazonaws.com/my-bucket";
        assert!(on(s3, "system:serviceaccount:amazon-cloudwatch:*").is_empty());
        assert_eq!(on(s3, "system:serviceaccount:*").len(), 1);
        // Any other issuer: only "everything" is decided.
        let f = on("auth.example.com", "*");
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].message,
            "`*` admits every subject: every identity `auth.example.com` issues tokens for can assume this role"
        );
        assert!(on("auth.example.com", "auth0|*").is_empty());
    }

    #[test]
    fn github_owners_and_repositories() {
        let gh = "token.actions.githubusercontent.com";
        for pattern in [
            "repo:*",
            "repo:org*",
            "*:ref:refs/heads/main",
            "repo:org-*/app:*",
            "rep*",
        ] {
            let f = on(gh, pattern);
            assert_eq!(f.len(), 1, "{pattern}");
            assert_eq!(f[0].severity, Severity::Error, "{pattern}");
        }
        let f = on(gh, "repo:GITHUB_ORGNAME/*");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(
            f[0].message,
            "`repo:GITHUB_ORGNAME/*` admits every repository of `GITHUB_ORGNAME`, including repositories created later"
        );
        let f = on(gh, "repo:org/app-*:ref:refs/heads/main");
        assert!(f[0].message.contains("whose name it matches"));
        for pattern in [
            "repo:org/app:*",
            "repo:org/app:ref:refs/heads/*",
            "repo:org/app:environment:prod-?",
            "repo:org@12/app@34:*",
            // Malformed: TL207's.
            "repo:org/app",
        ] {
            assert!(on(gh, pattern).is_empty(), "{pattern}");
        }
    }

    #[test]
    fn gitlab_groups_and_projects() {
        // Corpus case 078.
        let f = on(
            "gitlab.com",
            "project_path:my-organization/my-project/*:ref_type:branch:ref:*",
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Warning);
        assert!(f[0]
            .message
            .contains("every project under `my-organization/my-project`"));
        assert_eq!(on("gitlab.com", "project_path:*").len(), 1);
        assert_eq!(
            on("gitlab.com", "project_path:*")[0].severity,
            Severity::Error
        );
        assert!(on("gitlab.com", "project_path:my-group/bedrock:*").is_empty());
    }

    #[test]
    fn terraform_organizations() {
        let tf = "app.terraform.io";
        assert_eq!(on(tf, "organization:*").len(), 1);
        assert_eq!(on(tf, "organization:acme*").len(), 1);
        assert!(on(tf, "organization:acme:project:*:workspace:*:run_phase:*").is_empty());
    }

    #[test]
    fn decides_on_the_set_the_policy_admits() {
        let p = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";
        let k = "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub";
        // Each pattern alone names its namespaces' prefix, but the exception leaves every other
        // namespace in: `system:serviceaccount:*` minus one namespace.
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"Federated": "{p}"}},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {{"StringNotLike": {{"{k}": "system:serviceaccount:kube-system:*"}},
                           "StringLike": {{"{k}": "system:serviceaccount:*:*"}}}}}}]}}"#
        );
        let report =
            crate::check::check(text.as_bytes(), &crate::check::CheckOptions::only("TL206"));
        assert!(!report.findings.is_empty());
        // One namespace from two statements: nothing to report.
        let narrow = format!(
            r#"{{"Version": "2012-10-17", "Statement": [
            {{"Effect": "Allow", "Principal": {{"Federated": "{p}"}}, "Action": "sts:AssumeRoleWithWebIdentity",
              "Condition": {{"StringLike": {{"{k}": "system:serviceaccount:a:*"}}}}}},
            {{"Effect": "Allow", "Principal": {{"Federated": "{p}"}}, "Action": "sts:AssumeRoleWithWebIdentity",
              "Condition": {{"StringEquals": {{"{k}": "system:serviceaccount:b:x"}}}}}}]}}"#
        );
        let report = crate::check::check(
            narrow.as_bytes(),
            &crate::check::CheckOptions::only("TL206"),
        );
        assert!(report.findings.is_empty(), "{:?}", report.findings);
    }
}
