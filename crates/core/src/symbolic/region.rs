//! Regions: sets of requests described key by key.

use super::PrincipalClass;
use crate::algebra::{StringSet, TooComplex};
use crate::lint::data::{issuer_family, NEVER_EXPOSED_CLAIMS, POD_IDENTITY_TAGS};
use crate::policy::{
    BaseOperator, CompiledValue, Condition, OperatorFamily, SetQualifier, Statement,
};

/// The values one condition key may take in a region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeySet {
    /// The key as first written.
    pub key: String,
    /// The key, ASCII lower-cased.
    pub key_lower: String,
    /// The admitted values when the key is present.
    pub present: StringSet,
    /// Whether the key may be absent.
    pub absent: bool,
    /// Patterns the value must match (as written in the policy; each entry one pattern, all
    /// from the conditions that include values).
    pub include: Vec<String>,
    /// Patterns the value must not match.
    pub exclude: Vec<String>,
}

impl KeySet {
    fn free(key: &str, key_lower: &str) -> KeySet {
        KeySet {
            key: key.to_owned(),
            key_lower: key_lower.to_owned(),
            present: StringSet::all(),
            absent: true,
            include: Vec::new(),
            exclude: Vec::new(),
        }
    }

    /// Whether no value (and not absence) is admitted.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        !self.absent && self.present.is_empty()
    }

    fn intersect(&self, other: &KeySet) -> Result<KeySet, TooComplex> {
        Ok(KeySet {
            key: self.key.clone(),
            key_lower: self.key_lower.clone(),
            present: self.present.intersect(&other.present)?,
            absent: self.absent && other.absent,
            include: merged(&self.include, &other.include),
            exclude: merged(&self.exclude, &other.exclude),
        })
    }

    fn minus(&self, other: &KeySet) -> Result<KeySet, TooComplex> {
        Ok(KeySet {
            key: self.key.clone(),
            key_lower: self.key_lower.clone(),
            present: self.present.difference(&other.present)?,
            absent: self.absent && !other.absent,
            include: merged(&self.include, &other.exclude),
            exclude: merged(&self.exclude, &other.include),
        })
    }
}

/// Removes the later copies of repeated entries, keeping the order.
fn dedup_in_order(items: &mut Vec<String>) {
    let mut i = 0;
    while i < items.len() {
        let repeated = items
            .get(..i)
            .zip(items.get(i))
            .is_some_and(|(before, x)| before.contains(x));
        if repeated {
            items.remove(i);
        } else {
            i += 1;
        }
    }
}

fn merged(a: &[String], b: &[String]) -> Vec<String> {
    let mut out = a.to_vec();
    for x in b {
        if !out.contains(x) {
            out.push(x.clone());
        }
    }
    out
}

/// A set of requests: some keys constrained, the rest free.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// The constrained keys, sorted by lower-cased key.
    pub keys: Vec<KeySet>,
    /// Conditions trustlint does not model exactly (numeric, date, IP, ARN, `Bool`, policy
    /// variables, multi-valued keys), written out; the region holds only when they hold too.
    pub opaque: Vec<String>,
    /// Conditions of subtracted `Deny` statements that could not be subtracted exactly: the
    /// region is an over-approximation that excludes requests these conditions match.
    pub unless: Vec<String>,
}

impl Region {
    /// Every request.
    #[must_use]
    pub fn everything() -> Region {
        Region {
            keys: Vec::new(),
            opaque: Vec::new(),
            unless: Vec::new(),
        }
    }

    /// Whether the region is exactly the set trustlint describes.
    #[must_use]
    pub fn is_exact(&self) -> bool {
        self.opaque.is_empty() && self.unless.is_empty()
    }

    /// Whether no request is in the region.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.keys.iter().any(KeySet::is_empty)
    }

    /// The constraint on `key_lower`, if any.
    #[must_use]
    pub fn key(&self, key_lower: &str) -> Option<&KeySet> {
        self.keys.iter().find(|k| k.key_lower == key_lower)
    }

    fn key_or_free(&self, key: &str, key_lower: &str) -> KeySet {
        self.key(key_lower)
            .cloned()
            .unwrap_or_else(|| KeySet::free(key, key_lower))
    }

    fn set_key(&mut self, set: KeySet) {
        match self
            .keys
            .binary_search_by(|k| k.key_lower.as_str().cmp(set.key_lower.as_str()))
        {
            Ok(i) => {
                if let Some(slot) = self.keys.get_mut(i) {
                    *slot = set;
                }
            }
            Err(i) => self.keys.insert(i, set),
        }
    }

    /// The requests that satisfy every condition of `statement`.
    ///
    /// A condition whose string set would exceed [`MAX_STATES`](crate::algebra::MAX_STATES)
    /// automaton states is kept as an opaque condition (the region is then inexact: a superset
    /// of the requests the statement matches, marked with the condition).
    #[must_use]
    pub fn of_statement(statement: &Statement) -> Region {
        let mut r = Region::everything();
        for c in &statement.conditions {
            match constraint(c) {
                // A first constraint on its key is the key's constraint (a free key
                // intersected with it is equal to it).
                Ok(Some(mut set)) if r.key(&c.key_lower).is_none() => {
                    // As `merged` would: the first of repeated patterns only.
                    dedup_in_order(&mut set.include);
                    dedup_in_order(&mut set.exclude);
                    r.set_key(set);
                }
                Ok(Some(set)) => match r.key_or_free(&c.key, &c.key_lower).intersect(&set) {
                    Ok(merged) => r.set_key(merged),
                    Err(_) => r.opaque.push(too_complex(&describe_condition(c))),
                },
                Ok(None) => r.opaque.push(describe_condition(c)),
                Err(_) => r.opaque.push(too_complex(&describe_condition(c))),
            }
        }
        r
    }

    /// The requests in both regions. A key whose two sets are too complex to intersect
    /// keeps the first region's set, and the second's becomes an opaque condition.
    #[must_use]
    pub fn intersect(&self, other: &Region) -> Region {
        let mut r = self.clone();
        let mut dropped = Vec::new();
        for k in &other.keys {
            match r.key_or_free(&k.key, &k.key_lower).intersect(k) {
                Ok(merged) => r.set_key(merged),
                Err(_) => dropped.push(too_complex(&describe_key(k))),
            }
        }
        r.opaque = merged(&r.opaque, &other.opaque);
        r.opaque = merged(&r.opaque, &dropped);
        r.unless = merged(&r.unless, &other.unless);
        r
    }

    /// The requests in `self` and not in `other`, as a union of regions. When `other` cannot
    /// be subtracted exactly (conditions it does not model, or sets too complex to subtract),
    /// the result is `self`, marked with what it should exclude (an over-approximation).
    #[must_use]
    pub fn subtract(&self, other: &Region) -> Vec<Region> {
        self.subtract_exactly(other)
            .unwrap_or_else(|_| vec![self.unless_denied(other, Why::TooComplex)])
    }

    /// `other` subtracted from each of `regions`. When the pieces would be more than
    /// [`MAX_REGIONS`] (each subtraction can split a region once per key, so many `Deny`
    /// statements multiply the pieces), the regions are kept whole instead, each marked with
    /// what it should exclude: an over-approximation, never a smaller set.
    #[must_use]
    pub fn subtract_from_each(regions: &[Region], other: &Region) -> Vec<Region> {
        let mut out = Vec::new();
        for r in regions {
            out.extend(r.subtract(other));
            if out.len() > MAX_REGIONS {
                return regions
                    .iter()
                    .map(|r| r.unless_denied(other, Why::TooMany))
                    .collect();
            }
        }
        out
    }

    /// `self`, marked with the conditions of `other` it should exclude.
    fn unless_denied(&self, other: &Region, why: Why) -> Region {
        let mut r = self.clone();
        let what = other
            .keys
            .iter()
            .map(describe_key)
            .chain(other.opaque.iter().cloned())
            .collect::<Vec<_>>()
            .join(" and ");
        let what = if what.is_empty() {
            "a `Deny` statement applies".to_owned()
        } else {
            what
        };
        r.unless.push(match why {
            Why::NotModelled => what,
            Why::TooComplex => too_complex(&what),
            Why::TooMany => format!("{what} {TOO_MANY} subtract exactly)"),
        });
        r
    }

    fn subtract_exactly(&self, other: &Region) -> Result<Vec<Region>, TooComplex> {
        // When every condition `other` does not model is also one of ours, every request in
        // `self` satisfies them, and the subtraction on the modelled keys is exact.
        // Markers of an approximation stand for something their text does not pin down (which
        // regions were left whole, which statements of *that* policy): never taken as implied.
        let implied = other
            .opaque
            .iter()
            .all(|o| self.opaque.contains(o) && !is_approximation(o))
            && other
                .unless
                .iter()
                .all(|u| self.unless.contains(u) && !is_approximation(u));
        if !implied {
            // Not exactly subtractable: keep the region, marked with what it excludes.
            return Ok(vec![self.unless_denied(other, Why::NotModelled)]);
        }
        let mut out = Vec::new();
        let mut prefix = self.clone();
        for k in &other.keys {
            let mine = prefix.key_or_free(&k.key, &k.key_lower);
            let mut piece = prefix.clone();
            piece.set_key(mine.minus(k)?);
            if !piece.is_empty() {
                out.push(piece);
            }
            prefix.set_key(mine.intersect(k)?);
            if prefix.is_empty() {
                break;
            }
        }
        Ok(out)
    }
}

/// The most regions one principal's admitted set is split into; see
/// [`Region::subtract_from_each`].
pub const MAX_REGIONS: usize = 256;

/// Why a subtraction was not made exactly.
#[derive(Clone, Copy)]
enum Why {
    /// The subtracted region has conditions trustlint does not model.
    NotModelled,
    /// A string set would be too complex.
    TooComplex,
    /// The pieces would be more than [`MAX_REGIONS`].
    TooMany,
}

/// How a key behaves for a kind of caller.
enum Presence {
    Always,
    Never,
    Free,
}

/// Whether a key looks like an OIDC provider key (`<host[/path]>:<claim>`).
fn is_issuer_key(key_lower: &str) -> bool {
    match key_lower.rsplit_once(':') {
        Some((prefix, _)) => prefix.contains('.') || prefix.contains('/'),
        None => false,
    }
}

fn presence(class: PrincipalClass, prefix: Option<&str>, key_lower: &str) -> Presence {
    if !key_lower.contains(':') {
        // Every key IAM sets has a `prefix:` (a key written without its claim is never present).
        return Presence::Never;
    }
    let principal_key = key_lower.starts_with("aws:principal")
        || key_lower == "aws:userid"
        || key_lower == "aws:username";
    match class {
        PrincipalClass::WebIdentity => {
            let own = prefix.map(|p| format!("{}:", p.to_ascii_lowercase()));
            match own.as_deref().and_then(|o| key_lower.strip_prefix(o)) {
                Some("sub" | "aud") => Presence::Always,
                Some(claim) => {
                    let family = issuer_family(prefix.unwrap_or(""));
                    if NEVER_EXPOSED_CLAIMS.contains(&claim) {
                        Presence::Never
                    } else {
                        match family.claims() {
                            Some(list) if !list.contains(&claim) => Presence::Never,
                            _ => Presence::Free,
                        }
                    }
                }
                None if is_issuer_key(key_lower) || principal_key => Presence::Never,
                None => Presence::Free,
            }
        }
        PrincipalClass::PodIdentity => {
            if let Some(tag) = key_lower.strip_prefix("aws:requesttag/") {
                if POD_IDENTITY_TAGS.contains(&tag) {
                    Presence::Always
                } else {
                    Presence::Never
                }
            } else if is_issuer_key(key_lower) || principal_key {
                Presence::Never
            } else {
                Presence::Free
            }
        }
        PrincipalClass::Aws => {
            if key_lower == "aws:principalarn" || key_lower == "aws:principalaccount" {
                Presence::Always
            } else if is_issuer_key(key_lower) {
                Presence::Never
            } else {
                Presence::Free
            }
        }
        PrincipalClass::Service | PrincipalClass::Saml => {
            if is_issuer_key(key_lower) || principal_key {
                Presence::Never
            } else {
                Presence::Free
            }
        }
        PrincipalClass::Any => Presence::Free,
    }
}

/// Force keys IAM never sets for this caller absent, and keys it always sets present.
#[must_use]
pub fn restrict_to_caller(mut r: Region, class: PrincipalClass, prefix: Option<&str>) -> Region {
    for k in &mut r.keys {
        match presence(class, prefix, &k.key_lower) {
            Presence::Always => k.absent = false,
            Presence::Never => k.present = StringSet::empty(),
            Presence::Free => {}
        }
    }
    r
}

/// Multi-valued keys by nature (SEMANTICS.md §2.5).
fn is_multi_valued(key_lower: &str) -> bool {
    key_lower == "aws:tagkeys" || key_lower.ends_with(":amr")
}

/// The exact constraint a condition puts on its key, or `None` when it is not modelled.
fn constraint(c: &Condition) -> Result<Option<KeySet>, TooComplex> {
    let mut set = KeySet::free(&c.key, &c.key_lower);
    let Some(op) = c.operator else {
        // An unknown operator never holds.
        set.present = StringSet::empty();
        set.absent = false;
        return Ok(Some(set));
    };
    if op.base == BaseOperator::Null && op.qualifier.is_some() {
        // A set qualifier makes `Null` constant (SEMANTICS.md §3.5): `ForAllValues:` always
        // holds (the key is free), `ForAnyValue:` never does.
        if op.qualifier == Some(SetQualifier::ForAnyValue) {
            set.present = StringSet::empty();
            set.absent = false;
        }
        return Ok(Some(set));
    }
    if op.base == BaseOperator::Null {
        let mut present = false;
        let mut absent = false;
        for v in &c.values {
            match v.compiled {
                CompiledValue::Bool(Some(true)) => absent = true,
                CompiledValue::Bool(Some(false)) => present = true,
                _ => {}
            }
        }
        set.present = if present {
            StringSet::all()
        } else {
            StringSet::empty()
        };
        set.absent = absent;
        return Ok(Some(set));
    }
    let family = op.base.family();
    if !matches!(
        family,
        OperatorFamily::StringExact | OperatorFamily::StringLike
    ) || is_multi_valued(&c.key_lower)
        // A token's `aud` may hold several audiences (SEMANTICS.md §2.5, §4.3): a set
        // qualifier on it is not modelled as a single value.
        || (op.qualifier.is_some() && c.key_lower.ends_with(":aud"))
    {
        return Ok(None);
    }
    let exact_values = family == OperatorFamily::StringExact
        && !op.base.ignores_case()
        && c.values
            .iter()
            .all(|v| !matches!(v.compiled, CompiledValue::Template(_)));
    let mut values = StringSet::empty();
    if exact_values {
        values = StringSet::exact_set(c.values.iter().map(|v| v.text.as_str()));
    }
    for v in c.values.iter().filter(|_| !exact_values) {
        let one = match (&v.compiled, family) {
            (CompiledValue::Template(_), _) => return Ok(None),
            (_, OperatorFamily::StringLike) => StringSet::like_wild(&v.text)?,
            _ if op.base.ignores_case() => StringSet::exact_ignore_case(&v.text),
            _ => StringSet::exact(&v.text),
        };
        values = values.union(&one)?;
    }
    // Descriptions are StringLike patterns: exact values escape their wildcards as IAM does.
    let texts: Vec<String> = c
        .values
        .iter()
        .map(|v| match family {
            OperatorFamily::StringLike => v.text.clone(),
            _ if op.base.ignores_case() => format!("{} (any case)", escape_like(&v.text)),
            _ => escape_like(&v.text),
        })
        .collect();
    let negated = op.base.is_negated();
    set.present = if negated { values.complement() } else { values };
    if negated {
        set.exclude = texts;
    } else {
        set.include = texts;
    }
    set.absent = op.if_exists
        || match op.qualifier {
            Some(SetQualifier::ForAllValues) => true,
            Some(SetQualifier::ForAnyValue) => false,
            None => negated,
        };
    Ok(Some(set))
}

/// Write an exact value as a `StringLike` pattern (`*` → `${*}`, `?` → `${?}`, `$` before `{` → `${$}`).
fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' => out.push_str("${*}"),
            '?' => out.push_str("${?}"),
            '$' if chars.peek() == Some(&'{') => out.push_str("${$}"),
            c => out.push(c),
        }
    }
    out
}

/// `` `key` in `a` or `b` `` for messages.
fn describe_key(k: &KeySet) -> String {
    if k.present.is_empty() {
        return format!("`{}` absent", k.key);
    }
    let values = describe_patterns(&k.include, &k.exclude);
    if k.absent {
        format!("`{}` absent or in {values}", k.key)
    } else {
        format!("`{}` in {values}", k.key)
    }
}

/// The start of the text that marks an approximation made because the regions would be too
/// many.
pub(crate) const TOO_MANY: &str = "(too many regions to";

/// Whether a marker records an approximation (a set too complex to build, or regions too many
/// to split): its text does not say exactly which requests it stands for.
fn is_approximation(marker: &str) -> bool {
    marker.contains(TOO_MANY) || marker.ends_with(TOO_COMPLEX)
}

/// A condition trustlint keeps opaque because its string set is too complex.
fn too_complex(what: &str) -> String {
    format!("{what} {TOO_COMPLEX}")
}

/// The end of a marker for a set too complex to build.
const TOO_COMPLEX: &str = "(too complex to model exactly)";

/// `Operator key [values]` as written.
fn describe_condition(c: &Condition) -> String {
    let op = c
        .operator
        .map_or_else(|| c.operator_text.clone(), |o| o.canonical());
    let values: Vec<String> = c.values.iter().map(|v| format!("`{}`", v.text)).collect();
    format!("`{op}` `{}` {}", c.key, values.join(", "))
}

/// `` `a` or `b`, except `c` `` for messages.
pub(crate) fn describe_patterns(include: &[String], exclude: &[String]) -> String {
    let inc = if include.is_empty() {
        "any value".to_owned()
    } else {
        include
            .iter()
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(" or ")
    };
    if exclude.is_empty() {
        inc
    } else {
        format!(
            "{inc} except {}",
            exclude
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

impl Region {
    /// Whether a request with these single-valued context keys is in the region (meaningful for
    /// exact regions; opaque conditions are ignored). A key with several values is never in a
    /// constrained region.
    #[must_use]
    pub fn contains(&self, context: &crate::eval::RequestContext) -> bool {
        self.keys
            .iter()
            .all(|k| match context.get_lower(&k.key_lower) {
                None => k.absent,
                Some(e) if e.multi_valued || e.values.len() != 1 => false,
                Some(e) => e.values.first().is_some_and(|v| k.present.contains(v)),
            })
    }
}
