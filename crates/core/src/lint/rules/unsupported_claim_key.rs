//! TL211 `unsupported-claim-key`.

use super::group_other::{
    absent_key_consequence as consequence, claim_of, identity_providers, quoted_list,
    SA_SUBJECT_PREFIX,
};
use crate::diagnostic::Finding;
use crate::lint::data::{self, IssuerFamily, NEVER_EXPOSED_CLAIMS};
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::policy::Condition;

declare_rule! {
    /// ## What it does
    /// Checks conditions on `<provider>:<claim>`, where `<provider>` is a `Federated` identity
    /// provider of the statement (prefix compared case-insensitively), for claims IAM does not
    /// expose as condition keys for that provider: `iss`, `namespace`, the nested
    /// `kubernetes.io` claim, `exp`/`iat`/`nbf`/`jti` for every issuer; for EKS, GitHub Actions
    /// and Google issuers anything outside IAM's list of exposed claims (for GitHub, the list
    /// in force since February 2026: `sub`, `aud`, `azp`, `amr`, `actor`, `actor_id`,
    /// `job_workflow_ref`, `repository`, `repository_id`, `workflow`, `ref`, `environment`,
    /// `enterprise_id`). It also reports a condition key that is the bare provider path with no
    /// `:<claim>` suffix.
    ///
    /// ## Why is this bad?
    /// IAM copies only a fixed list of token claims into the request context; every other claim
    /// is dropped, so a condition on it sees a missing key. A positive operator then never
    /// holds (the role cannot be assumed: a widely reported "bug" with GitHub's `actor` and
    /// `repository_owner` claims before 2026), and a negated, `…IfExists` or `ForAllValues:`
    /// operator always holds (the restriction silently does nothing).
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
    ///       "StringEquals": {
    ///         "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud": "sts.amazonaws.com",
    ///         "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:namespace": "payments"
    ///       }
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
    ///       "StringLike": {"oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:payments:*"}
    ///     }
    ///   }]
    /// }
    /// ```
    ///
    /// ## Known problems
    /// The claim lists are versioned data (`lint/data.rs`, SEMANTICS.md §4.3). For issuers whose
    /// list trustlint does not know (GitLab, CircleCI, self-hosted, …) only the claims no
    /// provider exposes are reported. A key whose prefix is not a provider of the statement is
    /// TL201's concern.
    ///
    /// ## References
    /// - SEMANTICS.md §4.3 (exposed claims, the February 2026 GitHub list), §4.5 (the
    ///   `kubernetes.io` claim), §3.9, §6 #3
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_oidc.html>
    pub struct UnsupportedClaimKey {
        code: "TL211",
        name: "unsupported-claim-key",
        category: Correctness,
        since: "0.1.0",
    }
}

/// The claim a bare-issuer key was probably meant to name, from its values.
fn likely_claim(condition: &Condition) -> Option<&'static str> {
    let looks_sub = |t: &str| t.starts_with(SA_SUBJECT_PREFIX) || t.starts_with("repo:");
    let looks_aud = |t: &str| {
        t.starts_with("sts.amazonaws.com") || t.starts_with("https://") || t == "sts.amazon.com"
    };
    let values = || condition.values.iter().map(|v| v.text.as_str());
    if !condition.values.is_empty() && values().all(looks_sub) {
        Some("sub")
    } else if !condition.values.is_empty() && values().all(looks_aud) {
        Some("aud")
    } else {
        None
    }
}

/// The message and help for an unexposed claim.
fn unexposed(family: IssuerFamily, prefix: &str, claim: &str) -> Option<(String, String)> {
    let lower = claim.to_ascii_lowercase();
    let never =
        NEVER_EXPOSED_CLAIMS.contains(&lower.as_str()) || lower.starts_with("kubernetes.io");
    let listed = family.claims();
    if !never && listed.is_none_or(|l| l.contains(&lower.as_str())) {
        return None;
    }
    let kubernetes =
        family == IssuerFamily::Eks || lower == "namespace" || lower.starts_with("kubernetes.io");
    let message = if never {
        format!("the token claim `{claim}` is not a condition key IAM exposes for any issuer")
    } else if family == IssuerFamily::GitHub {
        format!(
            "the GitHub Actions token claim `{claim}` is not a condition key IAM exposes, even with the claims added in February 2026"
        )
    } else {
        format!(
            "the {} token claim `{claim}` is not a condition key IAM exposes",
            family.name()
        )
    };
    let exposed = listed.map(|l| {
        let when = if family == IssuerFamily::GitHub {
            " (the list in force since February 2026)"
        } else {
            ""
        };
        format!(
            "; for {} issuers IAM exposes {}{when}",
            family.name(),
            quoted_list(l)
        )
    });
    let exposed = exposed.unwrap_or_default();
    let help = match lower.as_str() {
        "iss" => format!(
            "remove the condition: the `Federated` principal already fixes the issuer{exposed}"
        ),
        "exp" | "iat" | "nbf" | "jti" => format!(
            "remove the condition: STS checks the token's lifetime itself{exposed}"
        ),
        _ if kubernetes => format!(
            "match the namespace and service account through `{prefix}:sub` (`system:serviceaccount:<namespace>:<name>`, or `StringLike` `system:serviceaccount:<namespace>:*`){exposed}"
        ),
        _ if family == IssuerFamily::GitHub => format!(
            "express the restriction through `{prefix}:sub` (`repo:<owner>/<repo>:…`){exposed}"
        ),
        _ => format!("express the restriction through `{prefix}:sub`{exposed}"),
    };
    Some((message, help))
}

impl Rule for UnsupportedClaimKey {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
        for statement in &cx.policy.statements {
            for idp in identity_providers(cx, statement) {
                let family = data::issuer_family(idp.prefix);
                for condition in &statement.conditions {
                    let then = consequence(statement, condition);
                    let bare = condition.key.eq_ignore_ascii_case(idp.prefix);
                    let claim = claim_of(condition, idp.prefix);
                    if bare || claim == Some("") {
                        let key = condition.key.trim_end_matches(':');
                        let help = match likely_claim(condition) {
                            Some(c) => format!("append the claim: `{key}:{c}`"),
                            None => format!("append the claim, e.g. `{key}:sub` or `{key}:aud`"),
                        };
                        out.push(
                            Self::META
                                .finding(
                                    condition.key_span,
                                    format!(
                                        "the condition key `{}` names the issuer but no claim: the key is never in the request{then}",
                                        condition.key
                                    ),
                                )
                                .with_help(help),
                        );
                        continue;
                    }
                    let Some(claim) = claim else { continue };
                    let Some((message, help)) = unexposed(family, idp.prefix, claim) else {
                        continue;
                    };
                    out.push(
                        Self::META
                            .finding(
                                condition.key_span,
                                format!(
                                    "{message}: `{}` is never in the request{then}",
                                    condition.key
                                ),
                            )
                            .with_help(help),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::group_other::testing::{findings, oidc_policy, underlined, EKS, GH};

    #[test]
    fn never_exposed_claims() {
        let text = oidc_policy(
            GH,
            &format!(
                r#"{{"ForAllValues:StringEquals": {{"{GH}:iss": "https://{GH}", "{GH}:aud": "sts.amazonaws.com"}},
                    "StringLike": {{"{GH}:sub": "repo:o/*"}}}}"#
            ),
        );
        let found = findings("TL211", &text);
        assert_eq!(found.len(), 1);
        assert_eq!(underlined(&text, &found), [format!("\"{GH}:iss\"")]);
        assert!(found[0]
            .message
            .ends_with("so the condition always holds and restricts nothing"));
        assert!(found[0]
            .help
            .as_deref()
            .unwrap()
            .starts_with("remove the condition"));
    }

    #[test]
    fn github_claims_follow_the_2026_list() {
        let text = oidc_policy(
            GH,
            &format!(
                r#"{{"StringEquals": {{"{GH}:actor": "tve", "{GH}:repository_owner": "acme",
                    "{GH}:aud": "sts.amazonaws.com", "{GH}:sub": "repo:acme/app:ref:refs/heads/main"}}}}"#
            ),
        );
        let found = findings("TL211", &text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0]
            .message
            .contains("GitHub Actions token claim `repository_owner`"));
        assert!(found[0].message.ends_with("the statement cannot apply"));
        let help = found[0].help.as_deref().unwrap();
        assert!(help.contains("since February 2026"), "{help}");
        assert!(help.contains("`actor`"), "{help}");
    }

    #[test]
    fn eks_claims_and_key_case() {
        let text = oidc_policy(
            EKS,
            &format!(
                r#"{{"StringEquals": {{"{}:Namespace": "a", "{EKS}:kubernetes.io/namespace": "b",
                    "{EKS}:SUB": "system:serviceaccount:a:b", "{EKS}:amr": "x", "{EKS}:email": "e"}}}}"#,
                EKS.to_ascii_uppercase()
            ),
        );
        let found = findings("TL211", &text);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0]
            .help
            .as_deref()
            .unwrap()
            .contains("system:serviceaccount:<namespace>:*"));
    }

    #[test]
    fn bare_issuer_key() {
        let text = oidc_policy(
            EKS,
            &format!(r#"{{"StringEquals": {{"{EKS}": "system:serviceaccount:kube-system:op"}}}}"#),
        );
        let found = findings("TL211", &text);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].help.as_deref(),
            Some(format!("append the claim: `{EKS}:sub`").as_str())
        );
        let text = oidc_policy(
            EKS,
            &format!(r#"{{"StringEquals": {{"{EKS}:": "sts.amazonaws.com"}}}}"#),
        );
        let found = findings("TL211", &text);
        assert_eq!(
            found[0].help.as_deref(),
            Some(format!("append the claim: `{EKS}:aud`").as_str())
        );
    }

    #[test]
    fn unknown_lists_and_other_keys_are_fine() {
        for (provider, condition) in [
            // GitLab's list is not known: only never-exposed claims are reported.
            ("gitlab.com", r#"{"StringEquals": {"gitlab.com:project_path": "g/p", "gitlab.com:sub": "project_path:g/p:ref_type:branch:ref:main"}}"#.to_owned()),
            (GH, format!(r#"{{"StringEquals": {{"{GH}:environment": "prod", "{GH}:job_workflow_ref": "o/r/.github/workflows/d.yml@refs/heads/main"}}}}"#)),
            (EKS, format!(r#"{{"StringEquals": {{"{EKS}:sub": "system:serviceaccount:a:b", "aws:SourceIp": "10.0.0.1"}}}}"#)),
            // Another issuer's key is TL201's.
            (EKS, r#"{"StringEquals": {"oidc.eks.us-east-1.amazonaws.com/id/X:namespace": "a"}}"#.to_owned()),
        ] {
            let text = oidc_policy(provider, &condition);
            let found = findings("TL211", &text);
            assert!(found.is_empty(), "{text}: {found:?}");
        }
    }

    #[test]
    fn built_in_google() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny",
            "Principal": {"Federated": "accounts.google.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {"accounts.google.com:oaud": "x", "accounts.google.com:hd": "example.com"}}}]}"#;
        let found = findings("TL211", text);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.ends_with("the `Deny` never applies"));
    }
}
