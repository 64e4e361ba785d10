//! Cross-checks between roles and Kubernetes manifests (TL501, TL502): a ServiceAccount whose
//! `eks.amazonaws.com/role-arn` names a role of the input, but whose trust policy does not admit
//! that service account from the configured cluster issuer (SEMANTICS.md §4.5).

use crate::diagnostic::{Finding, RuleId, Severity};
use crate::eval::{ConditionReason, Decision, Evaluation};
use crate::identity::{Identity, Issuer, Query};
use crate::input::PolicySource;
use crate::k8s::ServiceAccount;
use crate::lint::LintConfig;

/// TL501.
pub const SERVICE_ACCOUNT_NOT_TRUSTED: RuleId = RuleId {
    code: "TL501",
    name: "service-account-not-trusted",
};
/// TL502.
pub const AUDIENCE_ANNOTATION_MISMATCH: RuleId = RuleId {
    code: "TL502",
    name: "audience-annotation-mismatch",
};

/// A role found in some input file.
#[derive(Debug, Clone, Copy)]
pub struct RoleRef<'a> {
    /// The file it came from (index into the caller's list).
    pub file: usize,
    /// How to name the file in messages.
    pub path: &'a str,
    /// The role.
    pub source: &'a PolicySource,
}

/// A finding about a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossFinding {
    /// The manifest file (index into the caller's list).
    pub file: usize,
    /// The finding; spans point into the manifest.
    pub finding: Finding,
}

/// `(partition, account, role name)` of a role ARN.
fn role_arn_parts(arn: &str) -> Option<(&str, &str, &str)> {
    let mut parts = arn.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    let partition = parts.next()?;
    if parts.next()? != "iam" {
        return None;
    }
    let _region = parts.next()?;
    let account = parts.next()?;
    let resource = parts.next()?.strip_prefix("role/")?;
    Some((
        partition,
        account,
        resource.rsplit('/').next().unwrap_or(resource),
    ))
}

fn find_role<'a>(roles: &[RoleRef<'a>], arn: &str) -> Option<RoleRef<'a>> {
    if let Some(r) = roles.iter().find(|r| r.source.arn.as_deref() == Some(arn)) {
        return Some(*r);
    }
    let (_, account, name) = role_arn_parts(arn)?;
    roles
        .iter()
        .find(|r| {
            let named = r.source.answers_to(name)
                || r.source
                    .arn
                    .as_deref()
                    .and_then(role_arn_parts)
                    .is_some_and(|(_, _, n)| n == name);
            named && r.source.account.as_deref().is_none_or(|a| a == account)
        })
        .copied()
}

/// How messages name a role: its IAM name, and the input's own name for it when that differs
/// (a Terraform resource address, a CloudFormation logical id).
fn role_label(source: &PolicySource, arn: &str) -> String {
    let iam = source
        .role_name
        .as_deref()
        .or_else(|| role_arn_parts(arn).map(|(_, _, n)| n));
    match (iam, source.name.as_deref()) {
        (Some(iam), Some(name)) if iam != name => format!("`{iam}` (`{name}`)"),
        (Some(n), _) | (None, Some(n)) => format!("`{n}`"),
        (None, None) => format!("`{arn}`"),
    }
}

/// Why the best `Allow` statement refused the request, and whether only `:aud` conditions failed.
fn reason(source: &PolicySource, eval: &Evaluation) -> (String, bool) {
    let Some(policy) = &source.parsed.policy else {
        return ("the role's trust policy cannot be read".to_owned(), false);
    };
    if eval.decision == Decision::ExplicitDeny {
        return (
            "a `Deny` statement of the role's trust policy applies".to_owned(),
            false,
        );
    }
    let best = eval
        .statements
        .iter()
        .filter(|t| t.effect.is_some())
        .min_by_key(|t| {
            (
                !t.principal.matched(),
                !t.action_matched,
                t.conditions.iter().filter(|c| !c.matched).count(),
            )
        });
    let Some(t) = best else {
        return (
            "the role's trust policy has no valid statement".to_owned(),
            false,
        );
    };
    if !t.principal.matched() {
        return (
            "the role's trust policy does not trust this cluster's OIDC provider".to_owned(),
            false,
        );
    }
    if !t.action_matched {
        return (
            format!(
                "the role's trust policy does not allow `sts:AssumeRoleWithWebIdentity` ({})",
                t.action_detail
            ),
            false,
        );
    }
    let Some(statement) = policy.statements.get(t.index) else {
        return (String::new(), false);
    };
    let failed: Vec<_> = statement
        .conditions
        .iter()
        .zip(&t.conditions)
        .filter(|(_, o)| !o.matched)
        .collect();
    let only_aud = !failed.is_empty() && failed.iter().all(|(c, _)| c.key_lower.ends_with(":aud"));
    let text = failed
        .first()
        .map(|(c, o)| {
            let why = if o.reason == ConditionReason::Absent {
                format!("its condition key `{}` is never in the request", c.key)
            } else {
                o.detail(c)
            };
            format!("`{}` fails: {why}", c.operator_text)
        })
        .unwrap_or_default();
    (text, only_aud)
}

/// Check every annotated ServiceAccount against the roles of the input.
#[must_use]
pub fn crosscheck(
    roles: &[RoleRef<'_>],
    accounts: &[(usize, &ServiceAccount)],
    config: &LintConfig,
) -> Vec<CrossFinding> {
    let mut out = Vec::new();
    if config.clusters.is_empty() {
        return out;
    }
    for (file, sa) in accounts {
        let Some(role) = find_role(roles, &sa.role_arn.value) else {
            continue;
        };
        if role.source.parsed.policy.is_none() {
            continue;
        }
        let account = role_arn_parts(&sa.role_arn.value).map(|(_, a, _)| a.to_owned());
        let mut reasons = Vec::new();
        let mut admitted = false;
        let mut only_aud = true;
        // A decision that rests on an unknown value is no mismatch.
        let mut undecided = false;
        for cluster in &config.clusters {
            let Ok(issuer) = Issuer::parse(&cluster.issuer) else {
                continue;
            };
            let query = Query {
                identity: Identity::WebIdentity {
                    issuer,
                    sub: sa.subject(),
                    aud: vec![sa.audience().to_owned()],
                },
                account: account.clone().or_else(|| cluster.account.clone()),
                partition: None,
                context: Vec::new(),
                actions: Vec::new(),
            };
            let Some(answer) = query.answer_source(role.source) else {
                continue;
            };
            if answer.decision == Decision::Unknown {
                undecided = true;
                continue;
            }
            let allowed =
                answer.decision == Decision::Allow && !role.source.parsed.iam_would_reject();
            if allowed {
                admitted = true;
                break;
            }
            if let Some(first) = answer.actions.first() {
                let (why, aud) = reason(role.source, &first.evaluation);
                only_aud &= aud;
                reasons.push(format!("from cluster `{}`: {why}", cluster.name));
            }
        }
        if admitted || undecided || reasons.is_empty() {
            continue;
        }
        let role_name = role_label(role.source, &sa.role_arn.value);
        let finding = if only_aud {
            let span = sa.audience.as_ref().map_or(sa.role_arn.span, |a| a.span);
            Finding::new(
                AUDIENCE_ANNOTATION_MISMATCH,
                Severity::Error,
                span,
                format!(
                    "service account `{}/{}` uses audience `{}`, which role {role_name} ({}) does not admit: {}",
                    sa.namespace, sa.name, sa.audience(), role.path, reasons.join("; ")
                ),
            )
            .with_help("make the `eks.amazonaws.com/audience` annotation and the role's `:aud` condition name the same audience (default `sts.amazonaws.com`)")
        } else {
            Finding::new(
                SERVICE_ACCOUNT_NOT_TRUSTED,
                Severity::Error,
                sa.role_arn.span,
                format!(
                    "role {role_name} ({}) does not admit service account `{}/{}`: {}",
                    role.path, sa.namespace, sa.name, reasons.join("; ")
                ),
            )
            .with_help(format!("admit `{}` in the role's trust policy, or annotate the service account with the role meant for it", sa.subject()))
        };
        out.push(CrossFinding {
            file: *file,
            finding,
        });
    }
    out
}
