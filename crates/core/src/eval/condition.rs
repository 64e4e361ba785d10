//! One condition against the request context (SEMANTICS.md §2.4–§3.9).

use super::request::RequestContext;
use crate::matching::{self, LikePattern};
use crate::policy::{
    BaseOperator, CompiledValue, Condition, ConditionValue, OperatorFamily, SetQualifier,
};

/// Why a condition held or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConditionReason {
    /// IAM does not know the operator: the condition never holds.
    UnknownOperator,
    /// The key is not in the request.
    Absent,
    /// The key is in the request with no value.
    Empty,
    /// A plain operator on a key with several values in the request never matches.
    MultiValued,
    /// A `Null` check: whether the key is present.
    Null {
        /// Whether the key is present.
        present: bool,
    },
    /// The values were compared.
    Compared {
        /// A request value (index) and the first policy value (index) its positive comparison
        /// matched, if any pair did (for `ForAllValues`, the last request value checked).
        hit: Option<(usize, usize)>,
        /// A request value (index) for which the condition failed (set operators).
        failed: Option<usize>,
    },
}

/// The result of one condition, with the request values it saw.
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionOutcome {
    /// Whether the condition holds.
    pub matched: bool,
    /// Why.
    pub reason: ConditionReason,
    /// The request's values for the key (empty when absent).
    pub request: Vec<String>,
}

/// Whether `condition` holds for `context` (no allocation unless policy variables are resolved).
#[must_use]
pub fn holds(condition: &Condition, context: &RequestContext) -> bool {
    decide(condition, context).0
}

/// Evaluate `condition` with its explanation.
#[must_use]
pub fn evaluate(condition: &Condition, context: &RequestContext) -> ConditionOutcome {
    let (matched, reason) = decide(condition, context);
    let request = context
        .get_lower(&condition.key_lower)
        .map(|e| e.values.clone())
        .unwrap_or_default();
    ConditionOutcome {
        matched,
        reason,
        request,
    }
}

fn decide(condition: &Condition, context: &RequestContext) -> (bool, ConditionReason) {
    let Some(op) = condition.operator else {
        return (false, ConditionReason::UnknownOperator);
    };
    let entry = context.get_lower(&condition.key_lower);
    if op.base == BaseOperator::Null {
        let present = entry.is_some();
        // SEMANTICS §3.5: a set qualifier makes `Null` constant, whatever the key holds.
        let matched = match op.qualifier {
            Some(SetQualifier::ForAllValues) => true,
            Some(SetQualifier::ForAnyValue) => false,
            None => condition.values.iter().any(|v| match v.compiled {
                CompiledValue::Bool(Some(true)) => !present,
                CompiledValue::Bool(Some(false)) => present,
                _ => false,
            }),
        };
        return (matched, ConditionReason::Null { present });
    }
    let negated = op.base.is_negated();
    let Some(entry) = entry else {
        let matched = op.if_exists
            || match op.qualifier {
                Some(SetQualifier::ForAllValues) => true,
                Some(SetQualifier::ForAnyValue) => false,
                None => negated,
            };
        return (matched, ConditionReason::Absent);
    };
    match op.qualifier {
        Some(q) => {
            if entry.values.is_empty() {
                return (q == SetQualifier::ForAllValues, ConditionReason::Empty);
            }
            let mut last_hit = None;
            for (ri, r) in entry.values.iter().enumerate() {
                let hit = first_hit(op.base, condition, r, context);
                let ok = hit.is_some() != negated;
                if let Some(vi) = hit {
                    last_hit = Some((ri, vi));
                }
                match q {
                    SetQualifier::ForAnyValue if ok => {
                        return (
                            true,
                            ConditionReason::Compared {
                                hit: last_hit,
                                failed: None,
                            },
                        );
                    }
                    SetQualifier::ForAllValues if !ok => {
                        return (
                            false,
                            ConditionReason::Compared {
                                hit: last_hit,
                                failed: Some(ri),
                            },
                        );
                    }
                    _ => {}
                }
            }
            (
                q == SetQualifier::ForAllValues,
                ConditionReason::Compared {
                    hit: last_hit,
                    failed: None,
                },
            )
        }
        None => {
            if entry.multi_valued {
                return (false, ConditionReason::MultiValued);
            }
            let Some(r) = entry.values.first() else {
                return (negated, ConditionReason::Empty);
            };
            let hit = first_hit(op.base, condition, r, context);
            (
                hit.is_some() != negated,
                ConditionReason::Compared {
                    hit: hit.map(|vi| (0, vi)),
                    failed: None,
                },
            )
        }
    }
}

/// The index of the first policy value that the operator's positive form matches against the
/// request value `r`.
fn first_hit(
    base: BaseOperator,
    condition: &Condition,
    r: &str,
    context: &RequestContext,
) -> Option<usize> {
    condition
        .values
        .iter()
        .position(|v| value_matches(base, v, r, context))
}

fn value_matches(
    base: BaseOperator,
    v: &ConditionValue,
    r: &str,
    context: &RequestContext,
) -> bool {
    let lookup = |name: &str| context.variable(name);
    match base.family() {
        OperatorFamily::StringExact => {
            let resolved;
            let p = match &v.compiled {
                CompiledValue::Template(t) => match t.resolve_to_string(lookup) {
                    Some(s) => {
                        resolved = s;
                        resolved.as_str()
                    }
                    None => return false,
                },
                _ => v.text.as_str(),
            };
            if base.ignores_case() {
                matching::eq_ignore_case(p, r)
            } else {
                p == r
            }
        }
        OperatorFamily::StringLike => match &v.compiled {
            CompiledValue::Like(p) => p.matches(r),
            CompiledValue::Template(t) => t.resolve_pattern(lookup).is_some_and(|p| p.matches(r)),
            _ => LikePattern::wild(&v.text).matches(r),
        },
        OperatorFamily::Arn => match &v.compiled {
            CompiledValue::Template(t) => t
                .resolve(lookup)
                .and_then(|pieces| matching::ArnPattern::compile(&pieces))
                .is_some_and(|p| p.matches(r)),
            _ => matching::arn_like(&v.text, r),
        },
        OperatorFamily::Numeric => match (&v.compiled, matching::parse_number(r)) {
            (CompiledValue::Number(Some(p)), Some(r)) => compare(base, r.partial_cmp(p)),
            _ => false,
        },
        OperatorFamily::Date => match (&v.compiled, matching::parse_date(r)) {
            (CompiledValue::Date(Some(p)), Some(r)) => compare(base, Some(r.cmp(p))),
            _ => false,
        },
        OperatorFamily::Bool => {
            let p = match &v.compiled {
                CompiledValue::Bool(b) => *b,
                CompiledValue::Template(t) => t
                    .resolve_to_string(lookup)
                    .and_then(|s| matching::parse_bool(&s)),
                _ => None,
            };
            p.is_some() && p == matching::parse_bool(r)
        }
        OperatorFamily::Binary => v.text == r,
        OperatorFamily::Ip => matching::ip_in_cidr(&v.text, r) == Some(true),
        OperatorFamily::Null => false,
    }
}

/// Whether `request ⋄ policy` holds for the ordering operator `base`.
fn compare(base: BaseOperator, ord: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::{Equal, Greater, Less};
    use BaseOperator::*;
    let Some(ord) = ord else { return false };
    match base {
        NumericEquals | NumericNotEquals | DateEquals | DateNotEquals => ord == Equal,
        NumericLessThan | DateLessThan => ord == Less,
        NumericLessThanEquals | DateLessThanEquals => ord != Greater,
        NumericGreaterThan | DateGreaterThan => ord == Greater,
        NumericGreaterThanEquals | DateGreaterThanEquals => ord != Less,
        _ => false,
    }
}

impl ConditionOutcome {
    /// A one-line explanation, e.g. "request `…:sub` = `system:serviceaccount:a:b` matches none of
    /// the 2 values".
    #[must_use]
    pub fn detail(&self, condition: &Condition) -> String {
        let op = condition
            .operator
            .map_or_else(|| condition.operator_text.clone(), |o| o.canonical());
        let key = &condition.key;
        let negated = condition.operator.is_some_and(|o| o.base.is_negated());
        let value = |i: usize| condition.values.get(i).map_or("", |v| v.text.as_str());
        let req = |i: usize| self.request.get(i).map_or("", String::as_str);
        let verdict = if self.matched { "holds" } else { "fails" };
        match self.reason {
            ConditionReason::UnknownOperator => {
                format!("`{op}` is not an IAM condition operator, so the condition never holds")
            }
            ConditionReason::Absent => {
                let why = match condition.operator {
                    Some(o) if o.if_exists => "`IfExists` makes an absent key true",
                    Some(o) if o.qualifier == Some(SetQualifier::ForAllValues) => {
                        "`ForAllValues` is vacuously true for an absent key"
                    }
                    Some(o) if o.qualifier == Some(SetQualifier::ForAnyValue) => {
                        "`ForAnyValue` is false for an absent key"
                    }
                    _ if negated => "a negated operator is true for an absent key",
                    _ => "an absent key matches nothing",
                };
                format!("the request has no `{key}`: {why}, so the condition {verdict}")
            }
            ConditionReason::Empty => format!("the request's `{key}` has no value, so the condition {verdict}"),
            ConditionReason::MultiValued => format!(
                "the request's `{key}` has {} values and `{op}` has no `ForAnyValue:`/`ForAllValues:` qualifier, so it matches nothing",
                self.request.len()
            ),
            ConditionReason::Null { present } => format!(
                "`{key}` is {} in the request, so the condition {verdict}",
                if present { "present" } else { "absent" }
            ),
            ConditionReason::Compared { hit, failed } => match (condition.operator.and_then(|o| o.qualifier), hit, failed) {
                (Some(_), _, Some(ri)) => format!("request value `{}` of `{key}` fails `{op}`, so the condition fails", req(ri)),
                (_, Some((ri, vi)), _) if negated => format!("request `{key}` = `{}` matches the excluded value `{}`", req(ri), value(vi)),
                (_, Some((ri, vi)), _) => format!("request `{key}` = `{}` matches `{}`", req(ri), value(vi)),
                (_, None, _) if negated => format!("request `{key}` = `{}` matches none of the excluded values", req(0)),
                (_, None, _) => format!(
                    "request `{key}` = {} matches none of {}",
                    self.request.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", "),
                    condition.values.iter().map(|v| format!("`{}`", v.text)).collect::<Vec<_>>().join(", ")
                ),
            },
        }
    }
}
