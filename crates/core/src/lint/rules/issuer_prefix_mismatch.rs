//! TL201 `issuer-prefix-mismatch`.

use super::group_oidc::{
    arn_path, holds_without_key, issuer_key, looks_like_audience, looks_like_subject,
    normalise_prefix, strip_scheme,
};
use crate::diagnostic::{Finding, Severity};
use crate::lint::data;
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, OidcProvider, Rule, RuleMeta};
use crate::policy::{Condition, Effect, PrincipalKind, Statement};

declare_rule! {
    /// ## What it does
    /// Checks for OIDC condition keys whose issuer part is not a provider the statement trusts.
    ///
    /// In statements that trust IAM OIDC providers, a condition key of the form
    /// `<issuer>:<claim>` is reported when its issuer part is not the provider of any `Federated` principal
    /// of the statement: another cluster id, region, bucket path or workspace, `https://` in
    /// the key, a trailing `/`, or the provider's ARN instead of its path (a key that is the
    /// provider path without a claim is TL211's).
    /// A key that differs from the provider only in letter case is reported as a warning.
    ///
    /// ## Why is this bad?
    /// IAM names the keys of a web identity request after the provider path, the issuer URL
    /// without `https://` (`oidc.eks.eu-west-1.amazonaws.com/id/<ID>:sub`). A key with any
    /// other prefix is never in the request. Under a positive operator such as
    /// `StringEquals` the condition then never holds and nobody can assume the role through
    /// the statement; under a negated, `…IfExists` or `ForAllValues:` operator it always
    /// holds, so the check it was meant to make silently disappears.
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
    ///       "https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:velero:velero"
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
    ///       "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:velero:velero"
    ///     }}
    ///   }]
    /// }
    /// ```
    ///
    /// ## Known problems
    /// A key is taken to name an issuer when its first `:`-separated part contains `.` or `/`,
    /// or is `https`, `http` or `arn`; global and service keys (`aws:…`, `sts:…`) are never
    /// reported. Condition key names are case-insensitive, so a prefix that differs from the
    /// provider only in letter case works (corpus case 075); it is still reported, as a
    /// warning, because AWS does not document that the case-insensitivity covers the issuer
    /// part (SEMANTICS.md §2.4 marks it uncertain) and because tools that compare keys exactly
    /// miss it. Keys naming a built-in identity provider that the statement trusts
    /// (`cognito-identity.amazonaws.com:aud`) are accepted.
    ///
    /// ## References
    /// - SEMANTICS.md §4.1 (provider path and key prefix), §3.9 (absent keys), §2.4 (key case),
    ///   §6 row 4
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html>
    pub struct IssuerPrefixMismatch {
        code: "TL201",
        name: "issuer-prefix-mismatch",
        category: Correctness,
        since: "0.1.0",
    }
}

impl Rule for IssuerPrefixMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
        for statement in &cx.policy.statements {
            let providers: Vec<OidcProvider<'_>> = cx.oidc_providers(statement).collect();
            if providers.is_empty() {
                continue;
            }
            let domains = built_in_domains(statement);
            for condition in &statement.conditions {
                let Some(key) = issuer_key(&condition.key) else {
                    continue;
                };
                let holds = holds_without_key(condition);
                let known = |prefix: &str| {
                    providers.iter().any(|p| p.prefix == prefix) || domains.contains(&prefix)
                };
                let known_ignoring_case = |prefix: &str| {
                    providers
                        .iter()
                        .any(|p| p.prefix.eq_ignore_ascii_case(prefix))
                        || domains.iter().any(|d| d.eq_ignore_ascii_case(prefix))
                };
                match key.claim {
                    // The provider path itself without a claim is TL211's finding.
                    None if known_ignoring_case(key.prefix.trim_end_matches(':')) => {}
                    None => out.push(no_claim(statement, condition, &providers, holds)),
                    Some(_) if known(key.prefix) => {}
                    Some(claim) => {
                        let case_only = providers
                            .iter()
                            .map(|p| p.prefix)
                            .chain(domains.iter().copied())
                            .find(|p| p.eq_ignore_ascii_case(key.prefix));
                        let finding = match case_only {
                            Some(path) => case_difference(condition, key.prefix, path, claim),
                            None => {
                                mismatch(statement, condition, key.prefix, claim, &providers, holds)
                            }
                        };
                        out.push(finding);
                    }
                }
            }
        }
    }
}

/// The built-in identity provider domains a statement trusts (`cognito-identity.amazonaws.com`).
fn built_in_domains(statement: &Statement) -> Vec<&str> {
    statement
        .principal
        .iter()
        .flat_map(|p| p.entries.iter())
        .filter(|e| e.kind == PrincipalKind::Federated && !e.value.starts_with("arn:"))
        .map(|e| e.value.as_str())
        .collect()
}

/// A prefix that differs from a provider only in letter case: works, but fragile.
fn case_difference(condition: &Condition, prefix: &str, path: &str, claim: &str) -> Finding {
    let mut finding = IssuerPrefixMismatch::META
        .finding(
            condition.key_span,
            format!(
                "condition key prefix `{prefix}` differs from the provider `{path}` only in letter case: \
                 IAM compares key names case-insensitively, so it matches, but AWS does not document that \
                 this covers the issuer part"
            ),
        )
        .with_help(format!("write `{path}:{claim}`"));
    finding.severity = Severity::Warning;
    finding
}

/// The provider a wrong prefix most likely meant: the first one equal after removing the
/// scheme, an ARN wrapper, a trailing `/` and letter case; else one on the same host; else
/// another EKS issuer for an EKS-shaped key; else the first.
fn closest<'p>(prefix: &str, providers: &'p [OidcProvider<'p>]) -> Option<&'p OidcProvider<'p>> {
    let wanted = normalise_prefix(prefix);
    let score = |p: &OidcProvider<'_>| {
        let have = normalise_prefix(p.prefix);
        if have == wanted {
            0
        } else if host(&have) == host(&wanted) {
            1
        } else if data::is_eks_issuer(strip_scheme(p.prefix)) && wanted.starts_with("oidc.eks.") {
            2
        } else {
            3
        }
    };
    providers.iter().min_by_key(|p| score(p))
}

fn host(path: &str) -> &str {
    path.split('/').next().unwrap_or("")
}

/// How the scheme-less key prefix `got` differs from the provider path `want`.
fn difference(got: &str, want: &str) -> String {
    if got.trim_end_matches('/') == want.trim_end_matches('/') {
        return if got.ends_with('/') {
            "it has a trailing `/` the provider lacks".to_owned()
        } else {
            "it lacks the provider's trailing `/`".to_owned()
        };
    }
    if data::is_eks_issuer(got) && data::is_eks_issuer(want) {
        let id = |p: &str| p.split_once("/id/").map_or("", |(_, id)| id).to_owned();
        let region = |p: &str| data::eks_region(p).unwrap_or("").to_owned();
        let (got_id, want_id) = (id(got), id(want));
        let (got_region, want_region) = (region(got), region(want));
        return if got_region == want_region {
            format!("it names cluster id `{got_id}` instead of `{want_id}`")
        } else if got_id == want_id {
            format!("it names region `{got_region}` instead of `{want_region}`")
        } else {
            format!("it names another EKS cluster (`{got_region}`, id `{got_id}`)")
        };
    }
    let (got_host, got_path) = got.split_once('/').unwrap_or((got, ""));
    let (want_host, want_path) = want.split_once('/').unwrap_or((want, ""));
    if got_host.eq_ignore_ascii_case(want_host) {
        format!("it names path `/{got_path}` on `{got_host}` instead of `/{want_path}`")
    } else {
        "it names another issuer".to_owned()
    }
}

/// What the condition becomes when its key is never present.
fn consequence(statement: &Statement, condition: &Condition, holds: bool) -> String {
    let deny = statement
        .effect
        .as_ref()
        .is_some_and(|e| e.value == Effect::Deny);
    let op = condition
        .operator
        .map_or_else(|| condition.operator_text.clone(), |o| o.canonical());
    match (deny, holds) {
        (false, false) => {
            "so the condition never holds and this statement can never apply".to_owned()
        }
        (false, true) => {
            format!("and `{op}` holds when its key is absent, so the condition constrains nothing")
        }
        (true, false) => "so the condition never holds and this deny never applies".to_owned(),
        (true, true) => format!(
            "and `{op}` holds when its key is absent, so this deny applies whatever the claim says"
        ),
    }
}

/// The help naming the key to write, and the providers when there are several.
fn key_help(lead: &str, path: &str, claim: &str, providers: &[OidcProvider<'_>]) -> String {
    let mut help = format!("{lead}`{path}:{claim}`");
    if providers.len() > 1 {
        let all: Vec<String> = providers
            .iter()
            .map(|p| format!("`{}`", strip_scheme(p.prefix)))
            .collect();
        help.push_str(&format!(
            " (the prefix must be one of this statement's providers: {})",
            all.join(", ")
        ));
    }
    help
}

fn mismatch(
    statement: &Statement,
    condition: &Condition,
    prefix: &str,
    claim: &str,
    providers: &[OidcProvider<'_>],
    holds: bool,
) -> Finding {
    let Some(provider) = closest(prefix, providers) else {
        return IssuerPrefixMismatch::META.finding(
            condition.key_span,
            format!(
                "condition key `{}` names no provider of this statement",
                condition.key
            ),
        );
    };
    let want = strip_scheme(provider.prefix);
    let key = &condition.key;
    let then = consequence(statement, condition, holds);
    let (message, lead) = if let Some(path) = arn_path(prefix) {
        if path == want {
            (
                format!("condition key `{key}` names the provider by its ARN instead of its path `{want}`: the key is never in the request, {then}"),
                "write the provider path, not its ARN: ",
            )
        } else {
            let diff = difference(strip_scheme(path), want);
            (
                format!("condition key `{key}` names a provider ARN whose path `{path}` is not this statement's provider `{want}` ({diff}): the key is never in the request, {then}"),
                "write ",
            )
        }
    } else if strip_scheme(prefix) != prefix {
        let rest = strip_scheme(prefix);
        if rest == want {
            (
                format!("condition key `{key}` starts with `https://`, which IAM leaves out of OIDC key names: the key is never in the request, {then}"),
                "remove `https://`: write ",
            )
        } else {
            let diff = difference(rest, want);
            (
                format!("condition key `{key}` starts with `https://`, and `{rest}` is not this statement's provider `{want}` ({diff}): the key is never in the request, {then}"),
                "remove `https://` and name the provider: write ",
            )
        }
    } else {
        let diff = difference(prefix, want);
        (
            format!("condition key prefix `{prefix}` is not this statement's provider `{want}` ({diff}): the key is never in the request, {then}"),
            "write ",
        )
    };
    IssuerPrefixMismatch::META
        .finding(condition.key_span, message)
        .with_label(provider.entry.span, "the provider this statement trusts")
        .with_help(key_help(lead, want, claim, providers))
}

fn no_claim(
    statement: &Statement,
    condition: &Condition,
    providers: &[OidcProvider<'_>],
    holds: bool,
) -> Finding {
    let key = &condition.key;
    let then = consequence(statement, condition, holds);
    let mut finding = IssuerPrefixMismatch::META.finding(
        condition.key_span,
        format!("condition key `{key}` has no claim after the issuer: the key is never in the request, {then}"),
    );
    if let Some(provider) = closest(key, providers) {
        let values = || condition.values.iter().map(|v| v.text.as_str());
        let claim = if values().any(looks_like_subject) {
            "sub"
        } else if values().any(looks_like_audience) {
            "aud"
        } else {
            "<claim>"
        };
        finding = finding
            .with_label(provider.entry.span, "the provider this statement trusts")
            .with_help(key_help(
                "name the claim: ",
                strip_scheme(provider.prefix),
                claim,
                providers,
            ));
    }
    finding
}

#[cfg(test)]
mod tests {
    use super::super::group_oidc::testing::{findings, policy, underlined, EKS};
    use crate::diagnostic::Severity;

    fn run(json: &str) -> Vec<crate::diagnostic::Finding> {
        findings("TL201", json)
    }

    #[test]
    fn https_in_key() {
        let json = policy(
            EKS,
            &format!(r#""StringEquals": {{"https://{EKS}:sub": "system:serviceaccount:ns:sa"}}"#),
        );
        let f = run(&json);
        assert_eq!(f.len(), 1);
        assert_eq!(
            underlined(&json, f[0].span),
            format!("\"https://{EKS}:sub\"")
        );
        assert_eq!(
            f[0].message,
            format!("condition key `https://{EKS}:sub` starts with `https://`, which IAM leaves out of OIDC key names: the key is never in the request, so the condition never holds and this statement can never apply")
        );
        assert_eq!(
            f[0].help.as_deref(),
            Some(format!("remove `https://`: write `{EKS}:sub`").as_str())
        );
        assert_eq!(f[0].severity, Severity::Error);
    }

    #[test]
    fn other_cluster_id_and_region() {
        let other_id = "oidc.eks.eu-west-1.amazonaws.com/id/FFFF456789ABCDEF0123456789ABCDEF";
        let json = policy(
            EKS,
            &format!(r#""StringEquals": {{"{other_id}:sub": "system:serviceaccount:ns:sa"}}"#),
        );
        let f = run(&json);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("(it names cluster id `FFFF456789ABCDEF0123456789ABCDEF` instead of `0123456789ABCDEF0123456789ABCDEF`)"),
            "{}",
            f[0].message
        );
        let other_region = "oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";
        let json = policy(
            EKS,
            &format!(r#""StringEquals": {{"{other_region}:aud": "sts.amazonaws.com"}}"#),
        );
        let f = run(&json);
        assert!(f[0]
            .message
            .contains("it names region `us-east-1` instead of `eu-west-1`"));
    }

    #[test]
    fn vacuous_operators_say_so() {
        let json = policy(
            "token.actions.githubusercontent.com",
            r#""StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/r:*"},
               "ForAllValues:StringEquals": {"https://token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}"#,
        );
        let f = run(&json);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.ends_with("and `ForAllValues:StringEquals` holds when its key is absent, so the condition constrains nothing"),
            "{}",
            f[0].message
        );
        let json = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Deny",
              "Principal": {{"Federated": "arn:aws:iam::111122223333:oidc-provider/{EKS}"}},
              "Action": "sts:AssumeRoleWithWebIdentity",
              "Condition": {{"StringNotEquals": {{"{EKS}/:sub": "system:serviceaccount:ns:sa"}}}}}}]}}"#
        );
        let f = run(&json);
        assert_eq!(f.len(), 1);
        assert!(f[0]
            .message
            .contains("it has a trailing `/` the provider lacks"));
        assert!(f[0]
            .message
            .ends_with("so this deny applies whatever the claim says"));
    }

    #[test]
    fn arn_shaped_key_and_case_difference() {
        // Corpus case 075.
        let json = r#"{"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
           "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
           "Condition": {"StringLike": {"token.actions.GitHubusercontent.com:sub": "repo:my-org/bedrock:*"}}},
          {"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
           "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/api.Bitbucket.org/2.0/workspaces/my-workspace/pipelines-config/identity/oidc"},
           "Condition": {"StringLike": {"arn:aws:iam::152848913167:oidc-provider/api.Bitbucket.org/2.0/workspaces/yourworkspaceid/pipelines-config/identity/oidc:aud": "ari:cloud:bitbucket::workspace/my-workspace"}}}]}"#;
        let f = run(json);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(
            f[0].help.as_deref(),
            Some("write `token.actions.githubusercontent.com:sub`")
        );
        assert_eq!(f[1].severity, Severity::Error);
        assert!(
            f[1].message.contains("names a provider ARN whose path `api.Bitbucket.org/2.0/workspaces/yourworkspaceid/pipelines-config/identity/oidc` is not this statement's provider"),
            "{}",
            f[1].message
        );
        assert!(f[1].message.contains("it names path `/2.0/workspaces/yourworkspaceid/pipelines-config/identity/oidc` on `api.Bitbucket.org` instead of"));
        assert_eq!(
            underlined(json, f[1].labels[0].span),
            "\"arn:aws:iam::111122223333:oidc-provider/api.Bitbucket.org/2.0/workspaces/my-workspace/pipelines-config/identity/oidc\""
        );
    }

    #[test]
    fn key_without_claim() {
        // The provider path itself without a claim (corpus case 024) is TL211's.
        let json = policy(
            EKS,
            &format!(r#""StringEquals": {{"{EKS}": "system:serviceaccount:kube-system:eso"}}"#),
        );
        assert!(run(&json).is_empty());
        let json = policy(
            EKS,
            &format!(
                r#""StringEquals": {{"https://{EKS}": "system:serviceaccount:kube-system:eso"}}"#
            ),
        );
        let f = run(&json);
        assert_eq!(f.len(), 1);
        assert!(f[0].message.starts_with(&format!(
            "condition key `https://{EKS}` has no claim after the issuer"
        )));
        assert_eq!(
            f[0].help.as_deref(),
            Some(format!("name the claim: `{EKS}:sub`").as_str())
        );
    }

    #[test]
    fn malformed_principal_and_other_cluster() {
        // Corpus case 012: `https://` in the principal and the key, and another cluster id.
        let json = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
          "Principal": {"Federated": "arn:aws:iam::440706784567:oidc-provider/https://oidc.eks.us-east-2.amazonaws.com/id/2195FB43FC4133E84942AEB1FA300351"},
          "Action": "sts:AssumeRoleWithWebIdentity",
          "Condition": {"StringEquals": {
            "https://oidc.eks.us-east-2.amazonaws.com/id/2195FB43FC4133E84942AEB1FA305612:aud": "sts.amazonaws.com"}}}]}"#;
        let f = run(json);
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("starts with `https://`, and `oidc.eks.us-east-2.amazonaws.com/id/2195FB43FC4133E84942AEB1FA305612` is not this statement's provider `oidc.eks.us-east-2.amazonaws.com/id/2195FB43FC4133E84942AEB1FA300351` (it names cluster id"), "{}", f[0].message);
        assert_eq!(
            f[0].help.as_deref(),
            Some("remove `https://` and name the provider: write `oidc.eks.us-east-2.amazonaws.com/id/2195FB43FC4133E84942AEB1FA300351:aud`")
        );
    }

    #[test]
    fn several_providers() {
        let json = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
          "Principal": {"Federated": ["arn:aws:iam::111122223333:oidc-provider/gitlab.com",
                                      "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"]},
          "Condition": {"StringLike": {"token.actions.githubusercontent.com/acme:sub": "repo:o/r:*", "gitlab.com:sub": "project_path:g/p:*"}}}]}"#;
        let f = run(json);
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].help.as_deref(),
            Some("write `token.actions.githubusercontent.com:sub` (the prefix must be one of this statement's providers: `gitlab.com`, `token.actions.githubusercontent.com`)")
        );
    }

    #[test]
    fn near_misses() {
        for body in [
            format!(
                r#""StringEquals": {{"{EKS}:aud": "sts.amazonaws.com", "{EKS}:sub": "system:serviceaccount:ns:sa"}}"#
            ),
            // Global and service keys are not issuer keys.
            r#""StringEquals": {"aws:SourceIp": "10.0.0.0/8", "sts:RoleSessionName": "x", "aws:RequestTag/team:app": "a"}"#.to_owned(),
        ] {
            assert!(run(&policy(EKS, &body)).is_empty(), "{body}");
        }
        // Path-bearing providers keep their path (SEMANTICS.md §4.6), and trailing slashes.
        let path = "s3.eu-west-1.amazonaws.com/my-bucket";
        assert!(run(&policy(
            path,
            &format!(r#""StringEquals": {{"{path}:sub": "system:serviceaccount:a:b"}}"#)
        ))
        .is_empty());
        let auth0 = "auth-dev.mozilla.auth0.com/";
        assert!(run(&policy(
            auth0,
            &format!(r#""StringEquals": {{"{auth0}:aud": "x"}}"#)
        ))
        .is_empty());
        // A statement without OIDC providers is not checked.
        let json = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
          "Principal": {"Service": "pods.eks.amazonaws.com"},
          "Condition": {"StringEquals": {"oidc.eks.x/id/Y:sub": "a"}}}]}"#;
        assert!(run(json).is_empty());
        // Built-in identity providers trusted alongside.
        let json = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
          "Principal": {"Federated": ["cognito-identity.amazonaws.com", "arn:aws:iam::111122223333:oidc-provider/gitlab.com"]},
          "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:x", "gitlab.com:sub": "project_path:g/p:ref_type:branch:ref:main"}}}]}"#;
        assert!(run(json).is_empty());
    }
}
