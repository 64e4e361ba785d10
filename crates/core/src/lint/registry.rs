//! The rule registry: every rule, sorted by code.

use super::{rules, Rule, RuleMeta};

/// Every rule, sorted by code.
pub static RULES: &[&dyn Rule] = &[
    &rules::InvalidJson,
    &rules::DuplicateKey,
    &rules::UnknownElement,
    &rules::InvalidVersion,
    &rules::InvalidValue,
    &rules::MissingElement,
    &rules::ForbiddenElement,
    &rules::InvalidSid,
    &rules::TrustPolicyTooLarge,
    &rules::UnknownConditionOperator,
    &rules::InvalidPolicyVariable,
    &rules::MalformedProviderArn,
    &rules::ActionPrincipalMismatch,
    &rules::PodIdentityMissingTagSession,
    &rules::WildcardPrincipal,
    &rules::OverbroadAction,
    &rules::PartitionMismatch,
    &rules::IssuerPrefixMismatch,
    &rules::AudSubSwap,
    &rules::WildcardInStringEquals,
    &rules::MissingSubjectCondition,
    &rules::MissingAudienceCondition,
    &rules::OverbroadSubjectWildcard,
    &rules::MalformedSubject,
    &rules::LikeWithoutWildcard,
    &rules::NegatedIdentityCondition,
    &rules::VacuousWhenAbsent,
    &rules::UnsupportedClaimKey,
    &rules::UnexpectedAudience,
    &rules::CaseInsensitiveSubject,
    &rules::MultivaluedKeyWithoutSetOperator,
    &rules::UnknownSessionTag,
    &rules::PrincipalTagInTrustPolicy,
    &rules::MissingSourceCondition,
    &rules::UnknownIssuer,
    &rules::ProtectedNamespace,
    &rules::ProviderAccountMismatch,
    &rules::ServiceAccountNotTrusted,
    &rules::AudienceAnnotationMismatch,
];

/// The rule with `code` (ASCII case-insensitive).
#[must_use]
pub fn rule_by_code(code: &str) -> Option<&'static RuleMeta> {
    RULES
        .iter()
        .map(|r| r.meta())
        .find(|m| m.code.eq_ignore_ascii_case(code))
}
