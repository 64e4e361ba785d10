//! Helpers shared by several rules of one group.
//!
//! Used by the condition rules TL208–TL214, the Pod Identity rules TL301–TL303 and the inventory
//! rules TL401–TL403: which identity providers a statement trusts and which conditions name
//! their claims, Pod Identity session tags, and `StringLike` patterns as character sequences.

use crate::lint::data::{self, BUILT_IN_IDPS, POD_IDENTITY_SERVICE, POD_IDENTITY_TAGS};
use crate::lint::{trusts_service, LintContext};
use crate::matching::TemplatePart;
use crate::policy::{
    BaseOperator, CompiledValue, Condition, ConditionValue, Effect, PrincipalEntry, PrincipalKind,
    SetQualifier, Statement,
};

/// The prefix of service-account subjects (SEMANTICS.md §4.5).
pub(crate) const SA_SUBJECT_PREFIX: &str = "system:serviceaccount:";

/// An identity provider a statement trusts: an IAM OIDC provider or a built-in web identity
/// provider (`accounts.google.com`, `cognito-identity.amazonaws.com`, …).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Idp<'a> {
    /// The `Federated` entry.
    pub entry: &'a PrincipalEntry,
    /// The condition-key prefix of its claims (the issuer without `https://`, or the domain).
    pub prefix: &'a str,
}

/// The identity providers of a statement, without repeats (prefixes compared ASCII
/// case-insensitively, like condition keys), in source order.
pub(crate) fn identity_providers<'a>(
    cx: &LintContext<'a>,
    statement: &'a Statement,
) -> Vec<Idp<'a>> {
    let mut out: Vec<Idp<'a>> = Vec::new();
    let oidc = cx.oidc_providers(statement).map(|p| Idp {
        entry: p.entry,
        prefix: p.prefix,
    });
    let built_in = statement
        .principal
        .iter()
        .flat_map(|p| p.entries.iter())
        .filter(|e| e.kind == PrincipalKind::Federated && BUILT_IN_IDPS.contains(&e.value.as_str()))
        .map(|e| Idp {
            entry: e,
            prefix: e.value.as_str(),
        });
    for idp in oidc.chain(built_in) {
        if !out
            .iter()
            .any(|o| o.prefix.eq_ignore_ascii_case(idp.prefix))
        {
            out.push(idp);
        }
    }
    out.sort_by_key(|i| i.entry.span.start);
    out
}

/// The claim a condition names under `prefix` (`<prefix>:<claim>`, prefix compared ASCII
/// case-insensitively), as written.
pub(crate) fn claim_of<'c>(condition: &'c Condition, prefix: &str) -> Option<&'c str> {
    // The same as splitting at the last colon and comparing the part before it, without
    // searching the key from its end.
    let key = condition.key.as_bytes();
    let head = key.get(..prefix.len())?;
    if !head.eq_ignore_ascii_case(prefix.as_bytes()) || key.get(prefix.len()) != Some(&b':') {
        return None;
    }
    let claim = condition.key.get(prefix.len() + 1..)?;
    (!claim.contains(':')).then_some(claim)
}

/// The conditions of a statement on `<prefix>:<claim>` (key compared ASCII case-insensitively).
pub(crate) fn conditions_on<'s>(
    statement: &'s Statement,
    prefix: &'s str,
    claim: &'s str,
) -> impl Iterator<Item = &'s Condition> {
    statement.conditions.iter().filter(move |c| {
        c.key.len() == prefix.len() + 1 + claim.len()
            && claim_of(c, prefix).is_some_and(|k| k.eq_ignore_ascii_case(claim))
    })
}

/// Whether an issuer looks like a Kubernetes service-account issuer: an EKS issuer, or one whose
/// `:sub` conditions in `statement` name service-account subjects.
pub(crate) fn looks_like_kubernetes_issuer(statement: &Statement, prefix: &str) -> bool {
    data::is_eks_issuer(prefix)
        || conditions_on(statement, prefix, "sub")
            .flat_map(|c| c.values.iter())
            .any(|v| v.text.starts_with(SA_SUBJECT_PREFIX))
}

/// Whether an issuer is one of the configured clusters' issuers (exact, as STS compares issuers,
/// SEMANTICS.md §4.2).
pub(crate) fn is_configured_issuer(cx: &LintContext<'_>, prefix: &str) -> bool {
    cx.config.clusters.iter().any(|c| c.prefix() == prefix)
}

/// Whether a statement trusts EKS Pod Identity and no other kind of caller (no `AWS` or
/// `Federated` principal, no `"*"`): then only the Pod Identity request context applies.
pub(crate) fn is_pod_identity_only(statement: &Statement) -> bool {
    let Some(principal) = &statement.principal else {
        return false;
    };
    trusts_service(statement, POD_IDENTITY_SERVICE)
        && !principal.any
        && principal
            .entries
            .iter()
            .all(|e| e.kind == PrincipalKind::Service && e.value != "*")
}

/// The `Service` entry naming Pod Identity in a statement.
pub(crate) fn pod_identity_entry(statement: &Statement) -> Option<&PrincipalEntry> {
    statement
        .principal
        .iter()
        .flat_map(|p| p.entries.iter())
        .find(|e| e.kind == PrincipalKind::Service && e.value == POD_IDENTITY_SERVICE)
}

/// Which family of tag condition key a condition uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TagKey {
    /// `aws:RequestTag/<tag>`.
    Request,
    /// `aws:PrincipalTag/<tag>`.
    Principal,
}

/// The tag a condition key names, for `aws:RequestTag/<tag>` and `aws:PrincipalTag/<tag>`.
pub(crate) fn session_tag(condition: &Condition) -> Option<(TagKey, &str)> {
    for (kind, prefix) in [
        (TagKey::Request, "aws:requesttag/"),
        (TagKey::Principal, "aws:principaltag/"),
    ] {
        if condition.key_lower.starts_with(prefix) {
            return condition.key.get(prefix.len()..).map(|tag| (kind, tag));
        }
    }
    None
}

/// Whether EKS Pod Identity sets this session tag (tag keys are case-insensitive, SEMANTICS.md
/// §4.4).
pub(crate) fn is_pod_identity_tag(tag: &str) -> bool {
    POD_IDENTITY_TAGS
        .iter()
        .any(|t| t.eq_ignore_ascii_case(tag))
}

/// Whether a tag is, or looks like, one of the Pod Identity tags (TL302 reports these under
/// `aws:PrincipalTag/`; TL301 reports the other tags).
pub(crate) fn is_pod_identity_tag_like(tag: &str) -> bool {
    let lower = tag.to_ascii_lowercase();
    is_pod_identity_tag(tag)
        || lower.starts_with("kubernetes-")
        || lower.starts_with("eks-")
        || !likely_pod_identity_tags(tag).is_empty()
}

/// The Pod Identity tags a misspelt tag most likely means (best first, at most two).
pub(crate) fn likely_pod_identity_tags(tag: &str) -> Vec<&'static str> {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let want = norm(tag);
    if want.is_empty() {
        return Vec::new();
    }
    // Same letters (`kubernetes-serviceaccount`, `Kubernetes_Namespace`), or a prefix of several
    // tags (`eks-cluster`).
    let same: Vec<&'static str> = POD_IDENTITY_TAGS
        .iter()
        .copied()
        .filter(|t| norm(t) == want)
        .collect();
    if !same.is_empty() {
        return same;
    }
    let prefixed: Vec<&'static str> = POD_IDENTITY_TAGS
        .iter()
        .copied()
        .filter(|t| norm(t).starts_with(&want) && want.len() >= 3)
        .take(2)
        .collect();
    if !prefixed.is_empty() {
        return prefixed;
    }
    // Abbreviations and typos: the closest tag within a small edit distance.
    let mut best: Option<(usize, &'static str)> = None;
    for t in POD_IDENTITY_TAGS {
        let d = edit_distance(&norm(t), &want);
        if d <= 3 && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, t));
        }
    }
    if let Some((_, t)) = best {
        return vec![t];
    }
    // Common abbreviations, word by word.
    let abbreviated: String = tag
        .split(|c: char| !c.is_ascii_alphanumeric())
        .map(|w| match w.to_ascii_lowercase().as_str() {
            "k8s" | "kube" => "kubernetes".to_owned(),
            "sa" | "serviceaccount" => "serviceaccount".to_owned(),
            "ns" => "namespace".to_owned(),
            other => other.to_owned(),
        })
        .collect();
    POD_IDENTITY_TAGS
        .iter()
        .copied()
        .filter(|t| norm(t) == abbreviated)
        .collect()
}

/// Levenshtein distance over characters (inputs are short tag names; bounded cost).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(128).collect();
    let b: Vec<char> = b.chars().take(128).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        if let Some(first) = cur.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            if let Some(slot) = cur.get_mut(j + 1) {
                *slot = sub.min(del).min(ins);
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().unwrap_or(0)
}

/// One character of a `StringLike` pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PatChar {
    /// `*`: any run of characters.
    Star,
    /// `?`: exactly one character.
    One,
    /// A character matched literally (including `*`, `?` and `$` written as `${*}`, `${?}`,
    /// `${$}`).
    Lit(char),
}

/// A `StringLike` value as a sequence of pattern characters, when it has no policy variable
/// (the escapes `${*}`, `${?}` and `${$}` are literal characters, SEMANTICS.md §3.2–§3.3).
pub(crate) fn like_chars(value: &ConditionValue) -> Option<Vec<PatChar>> {
    let wild = |s: &str, out: &mut Vec<PatChar>| {
        out.extend(s.chars().map(|c| match c {
            '*' => PatChar::Star,
            '?' => PatChar::One,
            _ => PatChar::Lit(c),
        }));
    };
    let mut out = Vec::new();
    match &value.compiled {
        CompiledValue::Like(_) => wild(&value.text, &mut out),
        CompiledValue::Template(t) => {
            for part in &t.parts {
                match part {
                    TemplatePart::Text(s) => wild(s, &mut out),
                    TemplatePart::Escaped(c) => out.push(PatChar::Lit(*c)),
                    TemplatePart::Variable { .. } => return None,
                }
            }
        }
        _ => return None,
    }
    Some(out)
}

/// Whether a `StringLike`/`StringNotLike` value contains a wildcard (`*` or `?` outside the
/// escapes `${*}`/`${?}`; characters substituted for policy variables are literal).
pub(crate) fn like_value_has_wildcard(value: &ConditionValue) -> bool {
    match &value.compiled {
        CompiledValue::Like(p) => p.has_wildcards(),
        CompiledValue::Template(t) => t.parts.iter().any(|part| match part {
            TemplatePart::Text(s) => s.contains(['*', '?']),
            TemplatePart::Escaped(_) | TemplatePart::Variable { .. } => false,
        }),
        _ => value.text.contains(['*', '?']),
    }
}

/// Whether a condition uses a string operator of the `Like` family, positive or negated.
pub(crate) fn is_like_operator(condition: &Condition) -> bool {
    condition.operator.is_some_and(|op| {
        matches!(
            op.base,
            BaseOperator::StringLike | BaseOperator::StringNotLike
        )
    })
}

/// The text a `String…` value stands for when it has no policy variable (escapes resolved).
pub(crate) fn literal_text(value: &ConditionValue) -> Option<String> {
    match &value.compiled {
        CompiledValue::Template(t) if t.has_variables() => None,
        CompiledValue::Template(t) => t.resolve_to_string(|_| None),
        _ => Some(value.text.clone()),
    }
}

/// What a condition on a key that is never in the request does, as a clause to append to a
/// message (empty for an unknown operator).
pub(crate) fn absent_key_consequence(statement: &Statement, condition: &Condition) -> &'static str {
    let Some(op) = condition.operator else {
        return "";
    };
    let holds = if op.base == BaseOperator::Null && op.qualifier.is_some() {
        // A set qualifier makes `Null` constant (SEMANTICS §3.5).
        op.qualifier == Some(SetQualifier::ForAllValues)
    } else if op.base == BaseOperator::Null {
        // `Null: true` holds when the key is absent.
        condition
            .values
            .iter()
            .any(|v| v.text.eq_ignore_ascii_case("true"))
    } else {
        op.if_exists || op.qualifier == Some(SetQualifier::ForAllValues) || op.base.is_negated()
    };
    let deny = statement
        .effect
        .as_ref()
        .is_some_and(|e| e.value == Effect::Deny);
    match (holds, deny) {
        (true, false) => ", so the condition always holds and restricts nothing",
        (false, false) => ", so the condition never holds and the statement cannot apply",
        (true, true) => ", so the condition always holds",
        (false, true) => ", so the condition never holds and the `Deny` never applies",
    }
}

/// Quote a list as "`a`, `b` and `c`".
pub(crate) fn quoted_list(items: &[&str]) -> String {
    join_quoted(items, "and")
}

/// Quote a list as "`a`, `b` or `c`".
pub(crate) fn quoted_alternatives(items: &[&str]) -> String {
    join_quoted(items, "or")
}

fn join_quoted(items: &[&str], conjunction: &str) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("`{s}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} {conjunction} {last}", rest.join(", ")),
    }
}

/// Helpers for the unit tests of the group's rules.
#[cfg(test)]
pub(crate) mod testing {
    use crate::check::{check, CheckOptions};
    use crate::diagnostic::Finding;
    use crate::lint::{Cluster, LintConfig};

    /// The inventory of the rule tests (`crates/core/tests/support/mod.rs`).
    pub(crate) fn inventory() -> LintConfig {
        LintConfig {
            clusters: vec![Cluster {
                name: "prod".into(),
                issuer:
                    "https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
                        .into(),
                account: Some("111122223333".into()),
                audiences: vec!["sts.amazonaws.com".into()],
                protected_namespaces: vec!["kube-system".into()],
            }],
        }
    }

    /// The findings of rule `code` for `text`, with `config`.
    pub(crate) fn findings_with(code: &str, text: &str, config: LintConfig) -> Vec<Finding> {
        let options = CheckOptions {
            config,
            ..CheckOptions::only(code)
        };
        check(text.as_bytes(), &options)
            .findings
            .into_iter()
            .map(|r| r.finding)
            .collect()
    }

    /// The findings of rule `code` for `text`, with the test inventory.
    pub(crate) fn findings(code: &str, text: &str) -> Vec<Finding> {
        findings_with(code, text, inventory())
    }

    /// The text under each finding's primary span.
    pub(crate) fn underlined<'t>(text: &'t str, found: &[Finding]) -> Vec<&'t str> {
        found
            .iter()
            .map(|f| &text[f.span.start..f.span.end])
            .collect()
    }

    /// A one-statement web-identity policy for `provider` with `condition` (a JSON object).
    pub(crate) fn oidc_policy(provider: &str, condition: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
  "Principal": {{"Federated": "arn:aws:iam::111122223333:oidc-provider/{provider}"}},
  "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {condition}}}]}}"#
        )
    }

    /// The EKS issuer of the test inventory.
    pub(crate) const EKS: &str =
        "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";
    /// GitHub Actions.
    pub(crate) const GH: &str = "token.actions.githubusercontent.com";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn likely_tags() {
        assert_eq!(
            likely_pod_identity_tags("kubernetes-serviceaccount"),
            ["kubernetes-service-account"]
        );
        assert_eq!(
            likely_pod_identity_tags("eks-cluster"),
            ["eks-cluster-arn", "eks-cluster-name"]
        );
        assert_eq!(
            likely_pod_identity_tags("kubernetes-namespaces"),
            ["kubernetes-namespace"]
        );
        assert_eq!(
            likely_pod_identity_tags("k8s-namespace"),
            ["kubernetes-namespace"]
        );
        assert!(likely_pod_identity_tags("team").is_empty());
        assert!(likely_pod_identity_tags("").is_empty());
    }

    #[test]
    fn distance() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("abc", "abc"), 0);
    }

    #[test]
    fn lists() {
        assert_eq!(quoted_list(&["a"]), "`a`");
        assert_eq!(quoted_list(&["a", "b", "c"]), "`a`, `b` and `c`");
        assert_eq!(quoted_list(&[]), "");
        assert_eq!(quoted_alternatives(&["a", "b"]), "`a` or `b`");
    }

    proptest::proptest! {
        /// `claim_of` is "split at the last colon, compare the part before it".
        #[test]
        fn claim_of_splits_at_the_last_colon(
            key in "[aAbB:.é/]{0,12}",
            prefix in "[aAbB:.é/]{0,6}",
            claim in "[aAbB:é]{0,3}",
        ) {
            let condition = crate::policy::Condition {
                operator_text: "StringEquals".to_owned(),
                operator: crate::policy::Operator::parse("StringEquals"),
                operator_span: crate::source::Span::new(0, 0),
                key_lower: key.to_ascii_lowercase(),
                key: key.clone(),
                key_span: crate::source::Span::new(0, 0),
                values: Vec::new(),
                values_span: crate::source::Span::new(0, 0),
            };
            let expected = crate::lint::split_claim(&key)
                .filter(|(p, _)| p.eq_ignore_ascii_case(&prefix))
                .map(|(_, c)| c);
            proptest::prop_assert_eq!(claim_of(&condition, &prefix), expected);
            let statement_has = expected.is_some_and(|c| c.eq_ignore_ascii_case(&claim));
            let on = claim_of(&condition, &prefix).is_some_and(|k| k.eq_ignore_ascii_case(&claim))
                && condition.key.len() == prefix.len() + 1 + claim.len();
            proptest::prop_assert_eq!(on, statement_has);
        }
    }
}
