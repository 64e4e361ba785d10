//! Principal matching (SEMANTICS.md §1.4, §2.2).

use crate::policy::{PrincipalKind, Statement};

/// Who makes the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestPrincipal {
    /// A federated caller: an OIDC/SAML provider ARN or a built-in identity provider domain.
    Federated(String),
    /// A service principal, e.g. `pods.eks.amazonaws.com`.
    Service(String),
    /// An IAM principal ARN: `arn:…:iam::<account>:root|role/…|user/…` or an STS session
    /// `arn:…:sts::<account>:assumed-role/<role>/<session>`.
    Aws(String),
}

impl RequestPrincipal {
    /// The principal's value.
    #[must_use]
    pub fn value(&self) -> &str {
        match self {
            RequestPrincipal::Federated(v)
            | RequestPrincipal::Service(v)
            | RequestPrincipal::Aws(v) => v,
        }
    }

    /// The principal type that names it in a policy.
    #[must_use]
    pub const fn kind(&self) -> PrincipalKind {
        match self {
            RequestPrincipal::Federated(_) => PrincipalKind::Federated,
            RequestPrincipal::Service(_) => PrincipalKind::Service,
            RequestPrincipal::Aws(_) => PrincipalKind::Aws,
        }
    }
}

/// The result of matching a statement's principal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalOutcome {
    /// `"Principal": "*"` or a `"*"` value.
    Wildcard,
    /// This value matched.
    Matched {
        /// The policy value that matched.
        value: String,
    },
    /// Nothing matched; the values of the request's principal type are listed.
    NotMatched {
        /// The policy values of the same principal type.
        candidates: Vec<String>,
    },
    /// The statement has no `Principal` (IAM rejects it; it never applies).
    Missing,
}

impl PrincipalOutcome {
    /// Whether the principal matched.
    #[must_use]
    pub const fn matched(&self) -> bool {
        matches!(
            self,
            PrincipalOutcome::Wildcard | PrincipalOutcome::Matched { .. }
        )
    }
}

/// Match `principal` against the statement's `Principal`. `NotPrincipal` (forbidden in trust
/// policies, IAM rejects the document) never admits anyone here.
#[must_use]
pub fn matches(statement: &Statement, principal: &RequestPrincipal) -> PrincipalOutcome {
    let Some(p) = &statement.principal else {
        return PrincipalOutcome::Missing;
    };
    if p.any {
        return PrincipalOutcome::Wildcard;
    }
    let kind = principal.kind();
    let mut candidates = Vec::new();
    for e in &p.entries {
        if e.value == "*" && e.kind != PrincipalKind::CanonicalUser {
            // Wildcards are documented only as the whole value; a `"*"` in any principal type is
            // treated as matching every caller, the safe over-approximation.
            return PrincipalOutcome::Wildcard;
        }
        if e.kind != kind {
            continue;
        }
        let hit = match principal {
            RequestPrincipal::Aws(arn) => aws_matches(&e.value, arn),
            _ => e.value == principal.value(),
        };
        if hit {
            return PrincipalOutcome::Matched {
                value: e.value.clone(),
            };
        }
        candidates.push(e.value.clone());
    }
    PrincipalOutcome::NotMatched { candidates }
}

/// The parts of an IAM/STS ARN that identify a principal.
struct AwsArn<'a> {
    partition: &'a str,
    service: &'a str,
    account: &'a str,
    resource: &'a str,
}

fn split_arn(arn: &str) -> Option<AwsArn<'_>> {
    let mut parts = arn.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    let partition = parts.next()?;
    let service = parts.next()?;
    let _region = parts.next()?;
    let account = parts.next()?;
    let resource = parts.next()?;
    Some(AwsArn {
        partition,
        service,
        account,
        resource,
    })
}

/// The account a request principal belongs to.
#[must_use]
pub fn principal_account(arn: &str) -> Option<&str> {
    split_arn(arn).map(|a| a.account)
}

/// Whether the policy's `AWS` value `policy` names the request principal `request`:
/// an account id or `:root` ARN names every principal of that account; a role ARN names the role
/// and its sessions; a user ARN or a session ARN names exactly that principal.
fn aws_matches(policy: &str, request: &str) -> bool {
    let Some(req) = split_arn(request) else {
        return policy == request;
    };
    if policy.len() == 12 && policy.bytes().all(|b| b.is_ascii_digit()) {
        return policy == req.account;
    }
    let Some(pol) = split_arn(policy) else {
        return false;
    };
    if pol.partition != req.partition || pol.account != req.account {
        return false;
    }
    if pol.service == "iam" && pol.resource == "root" {
        return true;
    }
    if pol.service == req.service && pol.resource == req.resource {
        return true;
    }
    // A role ARN (possibly with a path) names the sessions of that role.
    if pol.service == "iam" && req.service == "sts" {
        if let (Some(role_path), Some(session)) = (
            pol.resource.strip_prefix("role/"),
            req.resource.strip_prefix("assumed-role/"),
        ) {
            let role_name = role_path.rsplit('/').next().unwrap_or(role_path);
            let session_role = session.split('/').next().unwrap_or("");
            return role_name == session_role;
        }
    }
    // A role ARN with a path in the request matches the same role written with the path.
    false
}

#[cfg(test)]
mod tests {
    use super::aws_matches;

    #[test]
    fn aws_principals() {
        assert!(aws_matches(
            "arn:aws:iam::111122223333:root",
            "arn:aws:iam::111122223333:role/x"
        ));
        assert!(aws_matches(
            "111122223333",
            "arn:aws:iam::111122223333:user/dev"
        ));
        assert!(!aws_matches(
            "111122223333",
            "arn:aws:iam::444455556666:root"
        ));
        assert!(aws_matches(
            "arn:aws:iam::1:role/path/R",
            "arn:aws:sts::1:assumed-role/R/s"
        ));
        assert!(!aws_matches(
            "arn:aws:iam::1:role/R",
            "arn:aws:sts::1:assumed-role/Other/s"
        ));
        assert!(aws_matches(
            "arn:aws:iam::1:role/R",
            "arn:aws:iam::1:role/R"
        ));
        assert!(!aws_matches(
            "arn:aws:iam::1:role/R",
            "arn:aws:iam::1:role/r"
        ));
        assert!(!aws_matches(
            "arn:aws-cn:iam::1:root",
            "arn:aws:iam::1:role/R"
        ));
    }
}
