//! The model of a role trust policy (SEMANTICS.md §1), built leniently from JSON.

pub mod operator;
pub mod parse;
mod write;

pub use operator::{BaseOperator, Operator, OperatorFamily, SetQualifier};
pub use parse::{parse_policy, parse_policy_node, ParsedPolicy, MAX_ANALYSED_SIZE};

use crate::matching::{LikePattern, Template};
use crate::source::Span;

/// A value with the span it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it is written.
    pub span: Span,
}

/// The policy language version in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LanguageVersion {
    /// `2012-10-17`: policy variables are recognised.
    V2012,
    /// `2008-10-17`, or no `Version`: `${…}` is literal text.
    V2008,
}

/// A role trust policy (the role's assume-role policy document).
#[derive(Debug, Clone, PartialEq)]
pub struct TrustPolicy {
    /// The whole document.
    pub span: Span,
    /// `Version`, when it is a string.
    pub version: Option<Spanned<String>>,
    /// The language version that applies.
    pub language: LanguageVersion,
    /// `Id`, when it is a string.
    pub id: Option<Spanned<String>>,
    /// The statements, in source order.
    pub statements: Vec<Statement>,
}

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    /// `"Allow"`.
    Allow,
    /// `"Deny"`.
    Deny,
}

impl Effect {
    /// IAM's spelling.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// One statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// 0-based position in the `Statement` list.
    pub index: usize,
    /// The statement object.
    pub span: Span,
    /// `Sid`, when it is a string.
    pub sid: Option<Spanned<String>>,
    /// `Effect`, when it is exactly `Allow` or `Deny` (anything else: `None`, and the statement
    /// never applies).
    pub effect: Option<Spanned<Effect>>,
    /// `Principal`.
    pub principal: Option<Principals>,
    /// `NotPrincipal` (forbidden in trust policies; kept for lints).
    pub not_principal: Option<Principals>,
    /// `Action` or `NotAction`.
    pub action: Option<Actions>,
    /// The span of `Resource` or `NotResource`, if present (forbidden in trust policies).
    pub resource: Option<Span>,
    /// The span of the `Condition` value, if present.
    pub condition_span: Option<Span>,
    /// The conditions: one per (operator, key) pair, in source order.
    pub conditions: Vec<Condition>,
}

/// The kind of principal an entry names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrincipalKind {
    /// `AWS`: accounts, roles, users, sessions.
    Aws,
    /// `Federated`: OIDC/SAML providers and built-in identity providers.
    Federated,
    /// `Service`: service principals such as `pods.eks.amazonaws.com`.
    Service,
    /// `CanonicalUser` (an S3 concept; never matches a trust-policy request).
    CanonicalUser,
}

impl PrincipalKind {
    /// IAM's key for the kind.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::Aws => "AWS",
            PrincipalKind::Federated => "Federated",
            PrincipalKind::Service => "Service",
            PrincipalKind::CanonicalUser => "CanonicalUser",
        }
    }
}

/// A `Principal` (or `NotPrincipal`) element.
#[derive(Debug, Clone, PartialEq)]
pub struct Principals {
    /// The element's value.
    pub span: Span,
    /// `"Principal": "*"`: every caller.
    pub any: bool,
    /// The named principals.
    pub entries: Vec<PrincipalEntry>,
}

/// One principal value.
#[derive(Debug, Clone, PartialEq)]
pub struct PrincipalEntry {
    /// Its kind.
    pub kind: PrincipalKind,
    /// The value as written.
    pub value: String,
    /// Where it is written.
    pub span: Span,
}

/// An `Action` or `NotAction` element.
#[derive(Debug, Clone, PartialEq)]
pub struct Actions {
    /// `NotAction`.
    pub negated: bool,
    /// The element's value.
    pub span: Span,
    /// The action patterns.
    pub patterns: Vec<ActionPattern>,
}

/// One action pattern (case-insensitive, `*` and `?` wildcards).
#[derive(Debug, Clone, PartialEq)]
pub struct ActionPattern {
    /// The pattern as written.
    pub text: String,
    /// Where it is written.
    pub span: Span,
    /// The lower-cased pattern, compiled.
    pub(crate) matcher: LikePattern,
}

impl ActionPattern {
    /// A pattern for `text`.
    #[must_use]
    pub fn new(text: String, span: Span) -> Self {
        let matcher = LikePattern::wild(&text.to_ascii_lowercase());
        Self {
            text,
            span,
            matcher,
        }
    }

    /// Whether `action` (any case) matches.
    #[must_use]
    pub fn matches(&self, action: &str) -> bool {
        if !action.bytes().any(|b| b.is_ascii_uppercase()) {
            return self.matcher.matches(action);
        }
        // Lower-cased on the stack: every STS action name fits.
        let mut buf = [0u8; 64];
        if let Some(lower) = buf.get_mut(..action.len()) {
            lower.copy_from_slice(action.as_bytes());
            lower.make_ascii_lowercase();
            // ASCII lower-casing keeps UTF-8 valid.
            if let Ok(lower) = std::str::from_utf8(lower) {
                return self.matcher.matches(lower);
            }
        }
        self.matcher.matches(&action.to_ascii_lowercase())
    }
}

/// One condition: an operator applied to one condition key with a list of values.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The operator as written.
    pub operator_text: String,
    /// The operator, or `None` if IAM does not know it (then the condition never holds).
    pub operator: Option<Operator>,
    /// The operator key.
    pub operator_span: Span,
    /// The condition key as written.
    pub key: String,
    /// The condition key, ASCII lower-cased (key names are case-insensitive).
    pub key_lower: String,
    /// The condition key.
    pub key_span: Span,
    /// The values (a single scalar becomes a one-element list).
    pub values: Vec<ConditionValue>,
    /// The key's value (scalar or array).
    pub values_span: Span,
}

/// One value of a condition.
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionValue {
    /// The value as text (numbers and booleans in their JSON spelling).
    pub text: String,
    /// Where it is written.
    pub span: Span,
    /// The value prepared for the operator.
    pub compiled: CompiledValue,
}

/// A condition value prepared for its operator at parse time.
#[derive(Debug, Clone, PartialEq)]
pub enum CompiledValue {
    /// Compared as plain text.
    Text,
    /// A `StringLike`/`ArnLike` pattern with no policy variable.
    Like(LikePattern),
    /// Text with policy variables, resolved against the request.
    Template(Template),
    /// A number (`None`: not a number, never matches).
    Number(Option<f64>),
    /// A date in epoch milliseconds (`None`: not a date, never matches).
    Date(Option<i128>),
    /// A boolean (`None`: not a boolean, never matches).
    Bool(Option<bool>),
}

impl TrustPolicy {
    /// Every `Federated` principal value of every statement, in source order.
    pub fn federated_principals(&self) -> impl Iterator<Item = &PrincipalEntry> {
        self.statements
            .iter()
            .filter_map(|s| s.principal.as_ref())
            .flat_map(|p| p.entries.iter())
            .filter(|e| e.kind == PrincipalKind::Federated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Actions match in any case, short or long, with non-ASCII letters compared as written.
    #[test]
    fn actions_match_in_any_case() {
        let span = Span::new(0, 0);
        let long = format!("sts:{}", "Assume".repeat(20));
        for (pattern, action, want) in [
            (
                "sts:AssumeRoleWithWebIdentity",
                "STS:assumerolewithwebidentity",
                true,
            ),
            ("sts:Assume*", "sts:AssumeRole", true),
            ("sts:AssumeRole", "sts:AssumeRoleWithSAML", false),
            ("sts:*", long.as_str(), true),
            (long.as_str(), long.to_ascii_uppercase().as_str(), true),
            ("sts:É*", "sts:Éx", true),
            ("sts:É*", "sts:éx", false),
        ] {
            let p = ActionPattern::new(pattern.to_owned(), span);
            assert_eq!(p.matches(action), want, "{pattern} / {action}");
        }
    }
}
