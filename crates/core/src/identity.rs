//! The identities whose access is asked about, and the STS requests they make
//! (SEMANTICS.md §2.2, §4.3–§4.4, §5; INTERFACE.md `can-assume`).

use crate::eval::{self, Decision, Evaluation, Request, RequestContext, RequestPrincipal};
use crate::input::unknown::{self, Unknown};
use crate::input::PolicySource;
use crate::policy::{Statement, TrustPolicy};
use crate::source::Span;

/// The service principal of EKS Pod Identity.
pub const POD_IDENTITY_SERVICE: &str = "pods.eks.amazonaws.com";
/// The action of web identity federation.
pub const ASSUME_ROLE_WITH_WEB_IDENTITY: &str = "sts:AssumeRoleWithWebIdentity";
/// The action of role assumption by AWS and service principals.
pub const ASSUME_ROLE: &str = "sts:AssumeRole";
/// The action needed to pass session tags.
pub const TAG_SESSION: &str = "sts:TagSession";
/// The default audience of IRSA tokens.
pub const DEFAULT_AUDIENCE: &str = "sts.amazonaws.com";

/// A Kubernetes service account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceAccount {
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
}

impl ServiceAccount {
    /// Parse `namespace/name`.
    ///
    /// # Errors
    /// When the text is not two non-empty parts separated by one `/`.
    pub fn parse(text: &str) -> Result<Self, IdentityError> {
        match text.split_once('/') {
            Some((ns, name)) if !ns.is_empty() && !name.is_empty() && !name.contains('/') => {
                Ok(Self {
                    namespace: ns.to_owned(),
                    name: name.to_owned(),
                })
            }
            _ => Err(IdentityError::new(format!(
                "service account `{text}` is not of the form `namespace/name`"
            ))),
        }
    }

    /// The token subject: `system:serviceaccount:<namespace>:<name>`.
    #[must_use]
    pub fn subject(&self) -> String {
        format!("system:serviceaccount:{}:{}", self.namespace, self.name)
    }
}

/// A wrong identity description (bad issuer, bad service account …).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct IdentityError {
    /// What is wrong.
    pub message: String,
}

impl IdentityError {
    fn new(message: String) -> Self {
        Self { message }
    }
}

/// An OIDC issuer, from its URL or its IAM provider ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer {
    /// The issuer URL without `https://`: the provider path and the condition-key prefix.
    pub prefix: String,
    /// The partition, when the ARN gave it.
    pub partition: Option<String>,
    /// The account, when the ARN gave it.
    pub account: Option<String>,
}

impl Issuer {
    /// Parse an issuer URL (`https://…`) or a provider ARN (`arn:…:iam::<account>:oidc-provider/…`).
    ///
    /// # Errors
    /// When the text is neither.
    pub fn parse(text: &str) -> Result<Self, IdentityError> {
        if let Some(rest) = text.strip_prefix("arn:") {
            let mut parts = rest.splitn(5, ':');
            let partition = parts.next().unwrap_or("");
            let service = parts.next().unwrap_or("");
            let _region = parts.next();
            let account = parts.next().unwrap_or("");
            let resource = parts.next().unwrap_or("");
            let Some(prefix) = resource.strip_prefix("oidc-provider/") else {
                return Err(IdentityError::new(format!(
                    "`{text}` is not an OIDC provider ARN (`arn:aws:iam::<account>:oidc-provider/<issuer>`)"
                )));
            };
            if service != "iam" || prefix.is_empty() {
                return Err(IdentityError::new(format!(
                    "`{text}` is not an IAM OIDC provider ARN"
                )));
            }
            return Ok(Self {
                prefix: prefix.to_owned(),
                partition: Some(partition.to_owned()),
                account: Some(account.to_owned()).filter(|a| !a.is_empty()),
            });
        }
        let Some(prefix) = text.strip_prefix("https://") else {
            return Err(IdentityError::new(format!(
                "issuer `{text}` must be an `https://` URL or an OIDC provider ARN"
            )));
        };
        if prefix.is_empty() {
            return Err(IdentityError::new("the issuer URL has no host".to_owned()));
        }
        Ok(Self {
            prefix: prefix.to_owned(),
            partition: None,
            account: None,
        })
    }

    /// The partition the issuer's domain implies: `aws-cn` for `.amazonaws.com.cn`, `aws-us-gov`
    /// for a `us-gov-` region, else `aws`.
    #[must_use]
    pub fn implied_partition(&self) -> &str {
        if let Some(p) = &self.partition {
            return p;
        }
        let host = self.prefix.split('/').next().unwrap_or("");
        if host.ends_with(".amazonaws.com.cn") {
            "aws-cn"
        } else if host.contains(".us-gov-") {
            "aws-us-gov"
        } else {
            "aws"
        }
    }

    /// The issuer URL.
    #[must_use]
    pub fn url(&self) -> String {
        format!("https://{}", self.prefix)
    }
}

/// Who asks to assume the role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    /// `sts:AssumeRoleWithWebIdentity` with an OIDC token.
    WebIdentity {
        /// The token's issuer.
        issuer: Issuer,
        /// The token's `sub`.
        sub: String,
        /// The token's `aud` values.
        aud: Vec<String>,
    },
    /// EKS Pod Identity: `sts:AssumeRole` (+ `sts:TagSession`) by `pods.eks.amazonaws.com`.
    PodIdentity {
        /// Session tags, in order (later entries override earlier ones with the same key).
        tags: Vec<(String, String)>,
        /// Whether the association passes session tags (false: `disableSessionTags`).
        session_tags: bool,
    },
    /// An IAM principal (role chaining, cross-account), asking for `sts:AssumeRole` unless
    /// [`Query::actions`] says otherwise.
    Aws {
        /// The principal's ARN.
        principal: String,
    },
}

impl Identity {
    /// Pod Identity session tags for a cluster and service account.
    #[must_use]
    pub fn pod_identity_tags(
        cluster_arn: Option<&str>,
        sa: Option<&ServiceAccount>,
    ) -> Vec<(String, String)> {
        let mut tags = Vec::new();
        if let Some(arn) = cluster_arn {
            tags.push(("eks-cluster-arn".to_owned(), arn.to_owned()));
            if let Some(name) = arn.rsplit_once(":cluster/").map(|(_, n)| n) {
                tags.push(("eks-cluster-name".to_owned(), name.to_owned()));
            }
        }
        if let Some(sa) = sa {
            tags.push(("kubernetes-namespace".to_owned(), sa.namespace.clone()));
            tags.push(("kubernetes-service-account".to_owned(), sa.name.clone()));
        }
        tags
    }
}

/// A question: may this identity, with this request context, assume the role?
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// The identity.
    pub identity: Identity,
    /// The role's account, if given (else taken from the input or the policy).
    pub account: Option<String>,
    /// The partition, if given (else implied by the issuer, or `aws`).
    pub partition: Option<String>,
    /// Further request keys (`aws:SourceAccount`, …); a key may carry several values.
    pub context: Vec<(String, Vec<String>)>,
    /// The actions to authorise, when not the identity's defaults (web identity:
    /// `sts:AssumeRoleWithWebIdentity`; Pod Identity: `sts:AssumeRole` and, with session tags,
    /// `sts:TagSession`; AWS principals: `sts:AssumeRole`). All must be allowed.
    pub actions: Vec<String>,
}

/// The answer for one role, per required action.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The combined decision (allowed only when every required action is).
    pub decision: Decision,
    /// Each required action with its request and evaluation.
    pub actions: Vec<ActionAnswer>,
    /// Facts the user should know about the request (e.g. which account was assumed).
    pub notes: Vec<String>,
}

/// One required authorisation.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionAnswer {
    /// The request evaluated.
    pub request: Request,
    /// Its evaluation.
    pub evaluation: Evaluation,
}

/// The session tags EKS Pod Identity sets on every session, unless the association disables
/// them (SEMANTICS.md §5.3, §5.4).
pub use crate::lint::data::POD_IDENTITY_TAGS as EKS_SESSION_TAGS;

/// The value a Pod Identity request carries for an EKS session tag the query does not give (tag
/// values cannot hold parentheses, so it equals no real value); conditions on it are unknown.
pub const UNKNOWN_TAG_VALUE: &str = "(unknown: set by EKS)";

/// Multi-valued keys by nature (SEMANTICS.md §2.5).
fn is_multi_valued_key(key: &str) -> bool {
    key.eq_ignore_ascii_case("aws:TagKeys") || key.to_ascii_lowercase().ends_with(":amr")
}

impl Query {
    /// The requests this query makes against a role whose account is `role_account` (if the
    /// input says) and whose trust policy is `policy`, plus notes on the defaults applied.
    #[must_use]
    pub fn requests(
        &self,
        policy: Option<&TrustPolicy>,
        role_account: Option<&str>,
    ) -> (Vec<Request>, Vec<String>) {
        let mut notes = Vec::new();
        let mut context = RequestContext::new();
        let (principal, actions) = match &self.identity {
            Identity::WebIdentity { issuer, sub, aud } => {
                let account = self
                    .account
                    .clone()
                    .or_else(|| issuer.account.clone())
                    .or_else(|| role_account.map(str::to_owned))
                    .or_else(|| {
                        let found = policy.and_then(|p| provider_account(p, &issuer.prefix));
                        if let Some(a) = &found {
                            notes.push(format!("assumed the role is in account {a}, the account of the policy's provider ARN (give --account to change)"));
                        }
                        found
                    });
                let account = account.unwrap_or_else(|| {
                    let unresolved = policy.is_some_and(|p| {
                        p.federated_principals().any(|e| {
                            e.value.contains(crate::input::unknown::PLACEHOLDER_OPEN)
                        })
                    });
                    notes.push(if unresolved {
                        "the account in the policy's provider ARN is not known (a template's `${AWS::AccountId}`?); give --account".to_owned()
                    } else {
                        "the role's account is unknown and the policy names no OIDC provider ARN; give --account".to_owned()
                    });
                    "000000000000".to_owned()
                });
                let partition = self
                    .partition
                    .clone()
                    .unwrap_or_else(|| issuer.implied_partition().to_owned());
                let arn = format!(
                    "arn:{partition}:iam::{account}:oidc-provider/{}",
                    issuer.prefix
                );
                context.set(format!("{}:sub", issuer.prefix), sub.clone());
                context.set_values(format!("{}:aud", issuer.prefix), aud.clone(), false);
                (
                    RequestPrincipal::Federated(arn),
                    vec![ASSUME_ROLE_WITH_WEB_IDENTITY.to_owned()],
                )
            }
            Identity::PodIdentity { tags, session_tags } => {
                let mut actions = vec![ASSUME_ROLE.to_owned()];
                if *session_tags {
                    actions.push(TAG_SESSION.to_owned());
                    let mut keys: Vec<String> = Vec::new();
                    for (k, v) in tags {
                        context.set(format!("aws:RequestTag/{k}"), v.clone());
                        if let Some(pos) = keys.iter().position(|e| e.eq_ignore_ascii_case(k)) {
                            keys.remove(pos);
                        }
                        keys.push(k.clone());
                    }
                    // EKS always sets its six tags (SEMANTICS §5.3): those the query does not
                    // give are present with a value trustlint does not know.
                    for k in EKS_SESSION_TAGS {
                        if !keys.iter().any(|e| e.eq_ignore_ascii_case(k)) {
                            context
                                .set(format!("aws:RequestTag/{k}"), UNKNOWN_TAG_VALUE.to_owned());
                            keys.push((*k).to_owned());
                        }
                    }
                    context.set_values("aws:TagKeys", keys, true);
                }
                (
                    RequestPrincipal::Service(POD_IDENTITY_SERVICE.to_owned()),
                    actions,
                )
            }
            Identity::Aws { principal } => {
                if let Some(account) = eval::principal_account(principal) {
                    context.set("aws:PrincipalAccount", account);
                }
                if principal.contains(":iam::") {
                    context.set("aws:PrincipalArn", principal.clone());
                }
                (
                    RequestPrincipal::Aws(principal.clone()),
                    vec![ASSUME_ROLE.to_owned()],
                )
            }
        };
        for (k, values) in &self.context {
            let multi = is_multi_valued_key(k);
            context.set_values(k.clone(), values.clone(), multi);
        }
        let actions = if self.actions.is_empty() {
            actions
        } else {
            self.actions.clone()
        };
        let requests = actions
            .into_iter()
            .map(|action| Request {
                principal: principal.clone(),
                action,
                context: context.clone(),
            })
            .collect();
        (requests, notes)
    }

    /// Evaluate the query against `policy`.
    #[must_use]
    pub fn answer(&self, policy: &TrustPolicy, role_account: Option<&str>) -> Answer {
        let (requests, notes) = self.requests(Some(policy), role_account);
        let actions: Vec<ActionAnswer> = requests
            .into_iter()
            .map(|request| {
                let evaluation = eval::explain(policy, &request);
                ActionAnswer {
                    request,
                    evaluation,
                }
            })
            .collect();
        let mut notes = notes;
        if let Some(first) = actions.first() {
            notes.extend(self.unknown_key_notes(policy, first));
        }
        let mut answer = Answer {
            decision: Decision::Unknown,
            actions,
            notes,
        };
        let (spans, keys) = self.unknown_request_values(policy, &answer);
        if !spans.is_empty() {
            for a in &mut answer.actions {
                a.evaluation.decision =
                    eval::decide_with_unknowns(policy, &a.evaluation, &spans).decision;
            }
            if answer
                .actions
                .iter()
                .any(|a| a.evaluation.decision == Decision::Unknown)
            {
                answer.notes.push(format!(
                    "the decision rests on session tags EKS sets but the query does not give: {} (give --tag KEY=VALUE)",
                    keys.join(", ")
                ));
            }
        }
        answer.decision = Decision::all(answer.actions.iter().map(|a| a.evaluation.decision));
        answer
    }

    /// The spans of the conditions that test a request value the query leaves unknown (an EKS
    /// session tag it does not give), with the keys they test. `Null` conditions are exact:
    /// the key is present.
    fn unknown_request_values(
        &self,
        policy: &TrustPolicy,
        answer: &Answer,
    ) -> (Vec<Span>, Vec<String>) {
        let mut spans = Vec::new();
        let mut keys: Vec<String> = Vec::new();
        let Some(first) = answer.actions.first() else {
            return (spans, keys);
        };
        let context = &first.request.context;
        for s in &policy.statements {
            for c in &s.conditions {
                if c.operator
                    .is_some_and(|op| op.base == crate::policy::BaseOperator::Null)
                {
                    continue;
                }
                let unknown = context
                    .get_lower(&c.key_lower)
                    .is_some_and(|e| e.values.iter().any(|v| v == UNKNOWN_TAG_VALUE));
                if unknown {
                    spans.push(c.key_span);
                    let key = format!("`{}`", c.key);
                    if !keys.contains(&key) {
                        keys.push(key);
                    }
                }
            }
        }
        (spans, keys)
    }

    /// Evaluate the query against a policy read from an input, treating its unknown values as
    /// unknown ([`eval::decide_with_unknowns`]): the decision is [`Decision::Unknown`] where it
    /// rests on them, and a note names them. A source without a readable policy gives `None`,
    /// unless its text is unknown: then the answer is [`Decision::Unknown`] with no actions.
    #[must_use]
    pub fn answer_source(&self, source: &PolicySource) -> Option<Answer> {
        let Some(policy) = source.parsed.policy.as_ref() else {
            // A policy whose very text is unknown (a Terraform policy known after apply, a
            // template's unresolvable document) is undecided, never denied.
            return source.has_unknowns().then(|| Answer {
                decision: Decision::Unknown,
                actions: Vec::new(),
                notes: vec![format!(
                    "the policy text rests on values trustlint cannot resolve: {}",
                    unknown::names(&source.unknowns.iter().collect::<Vec<_>>())
                )],
            });
        };
        let mut answer = self.answer(policy, source.account.as_deref());
        if !source.has_unknowns() {
            return Some(answer);
        }
        let mut spans = source.unknown_spans();
        spans.extend(self.unknown_request_values(policy, &answer).0);
        let mut resting: Vec<&Unknown> = Vec::new();
        for a in &mut answer.actions {
            let undecided = eval::decide_with_unknowns(policy, &a.evaluation, &spans);
            a.evaluation.decision = undecided.decision;
            if undecided.decision != Decision::Unknown {
                continue;
            }
            let statements: Vec<&Statement> = undecided
                .statements
                .iter()
                .filter_map(|&i| policy.statements.get(i))
                .collect();
            let stray = unknown::stray(Some(policy), &source.unknowns);
            for u in &source.unknowns {
                let in_undecided = statements.iter().any(|s| {
                    unknown::in_statement(s, std::slice::from_ref(u))
                        .next()
                        .is_some()
                });
                if (in_undecided || stray.contains(&u)) && !resting.contains(&u) {
                    resting.push(u);
                }
            }
        }
        answer.decision = Decision::all(answer.actions.iter().map(|a| a.evaluation.decision));
        if answer.decision == Decision::Unknown && !resting.is_empty() {
            answer.notes.push(format!(
                "the decision rests on values trustlint cannot resolve: {}",
                unknown::names(&resting)
            ));
        }
        Some(answer)
    }

    /// Notes for condition keys that the policy tests, that the request does not carry, and
    /// that a real request may carry: global `aws:`/`sts:` keys, and other claims of the
    /// request's own issuer. trustlint does not guess their values.
    fn unknown_key_notes(&self, policy: &TrustPolicy, first: &ActionAnswer) -> Vec<String> {
        let issuer_prefix = match &self.identity {
            Identity::WebIdentity { issuer, .. } => {
                Some(format!("{}:", issuer.prefix.to_ascii_lowercase()))
            }
            _ => None,
        };
        let mut seen: Vec<&str> = Vec::new();
        let mut notes = Vec::new();
        for (s, t) in policy.statements.iter().zip(&first.evaluation.statements) {
            if !t.principal.matched() {
                continue;
            }
            for c in &s.conditions {
                let k = c.key_lower.as_str();
                if first.request.context.get_lower(k).is_some() || seen.contains(&k) {
                    continue;
                }
                let global = (k.starts_with("aws:") || k.starts_with("sts:"))
                    && !k.starts_with("aws:requesttag/");
                let claim = issuer_prefix.as_deref().is_some_and(|p| k.starts_with(p));
                if global || claim {
                    seen.push(k);
                    notes.push(format!(
                        "the request has no `{}`; if the real request carries it, give --context {}=VALUE",
                        c.key, c.key
                    ));
                }
            }
        }
        notes
    }
}

/// The account of the policy's `Federated` provider ARN for `prefix`, else of its first OIDC
/// provider ARN.
fn provider_account(policy: &TrustPolicy, prefix: &str) -> Option<String> {
    let account_of = |arn: &str| -> Option<String> {
        let mut parts = arn.splitn(6, ':');
        let _ = (parts.next(), parts.next(), parts.next(), parts.next());
        let account = parts.next()?;
        let resource = parts.next()?;
        (resource.starts_with("oidc-provider/")
            && !account.contains(crate::input::unknown::PLACEHOLDER_OPEN))
        .then(|| account.to_owned())
    };
    let federated: Vec<&str> = policy
        .federated_principals()
        .map(|e| e.value.as_str())
        .collect();
    federated
        .iter()
        .find(|v| v.ends_with(&format!(":oidc-provider/{prefix}")))
        .and_then(|v| account_of(v))
        .or_else(|| federated.iter().find_map(|v| account_of(v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuers() {
        let i = Issuer::parse("https://oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC").unwrap();
        assert_eq!(i.prefix, "oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC");
        assert_eq!(i.implied_partition(), "aws-cn");
        let i = Issuer::parse("https://oidc.eks.us-gov-west-1.amazonaws.com/id/ABC").unwrap();
        assert_eq!(i.implied_partition(), "aws-us-gov");
        let i =
            Issuer::parse("arn:aws:iam::111122223333:oidc-provider/s3.eu-west-1.amazonaws.com/b")
                .unwrap();
        assert_eq!(i.prefix, "s3.eu-west-1.amazonaws.com/b");
        assert_eq!(i.account.as_deref(), Some("111122223333"));
        assert!(Issuer::parse("oidc.eks.x").is_err());
        assert!(Issuer::parse("arn:aws:iam::1:role/x").is_err());
    }

    fn pod_answer(condition: &str, extra: &[(&str, &str)]) -> Decision {
        let doc = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
                "Principal": {{"Service": "pods.eks.amazonaws.com"}},
                "Action": ["sts:AssumeRole", "sts:TagSession"], "Condition": {condition}}}]}}"#
        );
        let parsed = crate::policy::parse_policy(doc.as_bytes());
        let policy = parsed.policy.unwrap();
        let sa = ServiceAccount::parse("ns/sa").unwrap();
        let mut tags = Identity::pod_identity_tags(
            Some("arn:aws:eks:us-east-1:111122223333:cluster/c"),
            Some(&sa),
        );
        tags.extend(
            extra
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        let query = Query {
            identity: Identity::PodIdentity {
                tags,
                session_tags: true,
            },
            account: None,
            partition: None,
            context: Vec::new(),
            actions: Vec::new(),
        };
        query.answer(&policy, Some("111122223333")).decision
    }

    /// EKS sets all six session tags (SEMANTICS §5.3): `aws:TagKeys` lists them all, and the
    /// tags a query does not give are present with an unknown value.
    #[test]
    fn pod_identity_requests_carry_every_eks_tag() {
        let four = r#"{"ForAllValues:StringEquals": {"aws:TagKeys": ["eks-cluster-arn",
            "eks-cluster-name", "kubernetes-namespace", "kubernetes-service-account"]}}"#;
        assert_eq!(pod_answer(four, &[]), Decision::ImplicitDeny);
        let six = r#"{"ForAllValues:StringEquals": {"aws:TagKeys": ["eks-cluster-arn",
            "eks-cluster-name", "kubernetes-namespace", "kubernetes-service-account",
            "kubernetes-pod-name", "kubernetes-pod-uid"]}}"#;
        assert_eq!(pod_answer(six, &[]), Decision::Allow);
        let pod = r#"{"StringLike": {"aws:RequestTag/kubernetes-pod-name": "web-*"}}"#;
        assert_eq!(pod_answer(pod, &[]), Decision::Unknown);
        assert_eq!(
            pod_answer(pod, &[("kubernetes-pod-name", "web-1")]),
            Decision::Allow
        );
        assert_eq!(
            pod_answer(pod, &[("kubernetes-pod-name", "db-1")]),
            Decision::ImplicitDeny
        );
        let not = r#"{"StringNotEquals": {"aws:RequestTag/kubernetes-pod-uid": "x"}}"#;
        assert_eq!(pod_answer(not, &[]), Decision::Unknown);
        let present = r#"{"Null": {"aws:RequestTag/kubernetes-pod-uid": "false"}}"#;
        assert_eq!(pod_answer(present, &[]), Decision::Allow);
        // A known failing condition decides, whatever the unknown tag holds.
        let both = r#"{"StringLike": {"aws:RequestTag/kubernetes-pod-name": "web-*"},
            "StringEquals": {"aws:RequestTag/kubernetes-namespace": "other"}}"#;
        assert_eq!(pod_answer(both, &[]), Decision::ImplicitDeny);
    }

    #[test]
    fn service_accounts() {
        assert_eq!(
            ServiceAccount::parse("ns/sa").unwrap().subject(),
            "system:serviceaccount:ns:sa"
        );
        assert!(ServiceAccount::parse("ns").is_err());
        assert!(ServiceAccount::parse("/sa").is_err());
        assert!(ServiceAccount::parse("a/b/c").is_err());
    }
}
