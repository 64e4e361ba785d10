//! Condition operators: base operator, set qualifier and `IfExists`.

use std::fmt;

/// The base comparison of a condition operator, without qualifier or `IfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[expect(
    missing_docs,
    reason = "the variants are IAM's operator names, documented by AWS"
)]
pub enum BaseOperator {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

/// What kind of values an operator compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperatorFamily {
    /// `String…` operators without wildcards.
    StringExact,
    /// `StringLike` / `StringNotLike`.
    StringLike,
    /// `Numeric…`.
    Numeric,
    /// `Date…`.
    Date,
    /// `Bool`.
    Bool,
    /// `BinaryEquals`.
    Binary,
    /// `IpAddress` / `NotIpAddress`.
    Ip,
    /// `Arn…`.
    Arn,
    /// `Null`.
    Null,
}

const ALL: [BaseOperator; 27] = {
    use BaseOperator::*;
    [
        StringEquals,
        StringNotEquals,
        StringEqualsIgnoreCase,
        StringNotEqualsIgnoreCase,
        StringLike,
        StringNotLike,
        NumericEquals,
        NumericNotEquals,
        NumericLessThan,
        NumericLessThanEquals,
        NumericGreaterThan,
        NumericGreaterThanEquals,
        DateEquals,
        DateNotEquals,
        DateLessThan,
        DateLessThanEquals,
        DateGreaterThan,
        DateGreaterThanEquals,
        Bool,
        BinaryEquals,
        IpAddress,
        NotIpAddress,
        ArnEquals,
        ArnLike,
        ArnNotEquals,
        ArnNotLike,
        Null,
    ]
};

impl BaseOperator {
    /// IAM's spelling of the operator.
    #[must_use]
    pub const fn name(self) -> &'static str {
        use BaseOperator::*;
        match self {
            StringEquals => "StringEquals",
            StringNotEquals => "StringNotEquals",
            StringEqualsIgnoreCase => "StringEqualsIgnoreCase",
            StringNotEqualsIgnoreCase => "StringNotEqualsIgnoreCase",
            StringLike => "StringLike",
            StringNotLike => "StringNotLike",
            NumericEquals => "NumericEquals",
            NumericNotEquals => "NumericNotEquals",
            NumericLessThan => "NumericLessThan",
            NumericLessThanEquals => "NumericLessThanEquals",
            NumericGreaterThan => "NumericGreaterThan",
            NumericGreaterThanEquals => "NumericGreaterThanEquals",
            DateEquals => "DateEquals",
            DateNotEquals => "DateNotEquals",
            DateLessThan => "DateLessThan",
            DateLessThanEquals => "DateLessThanEquals",
            DateGreaterThan => "DateGreaterThan",
            DateGreaterThanEquals => "DateGreaterThanEquals",
            Bool => "Bool",
            BinaryEquals => "BinaryEquals",
            IpAddress => "IpAddress",
            NotIpAddress => "NotIpAddress",
            ArnEquals => "ArnEquals",
            ArnLike => "ArnLike",
            ArnNotEquals => "ArnNotEquals",
            ArnNotLike => "ArnNotLike",
            Null => "Null",
        }
    }

    /// Every base operator IAM knows.
    #[must_use]
    pub const fn all() -> &'static [BaseOperator] {
        &ALL
    }

    /// Whether the operator is negated (its value list is a NOR, and an absent key makes it true).
    #[must_use]
    pub const fn is_negated(self) -> bool {
        use BaseOperator::*;
        matches!(
            self,
            StringNotEquals
                | StringNotEqualsIgnoreCase
                | StringNotLike
                | NumericNotEquals
                | DateNotEquals
                | NotIpAddress
                | ArnNotEquals
                | ArnNotLike
        )
    }

    /// The family of values compared.
    #[must_use]
    pub const fn family(self) -> OperatorFamily {
        use BaseOperator::*;
        match self {
            StringEquals | StringNotEquals | StringEqualsIgnoreCase | StringNotEqualsIgnoreCase => {
                OperatorFamily::StringExact
            }
            StringLike | StringNotLike => OperatorFamily::StringLike,
            NumericEquals
            | NumericNotEquals
            | NumericLessThan
            | NumericLessThanEquals
            | NumericGreaterThan
            | NumericGreaterThanEquals => OperatorFamily::Numeric,
            DateEquals
            | DateNotEquals
            | DateLessThan
            | DateLessThanEquals
            | DateGreaterThan
            | DateGreaterThanEquals => OperatorFamily::Date,
            Bool => OperatorFamily::Bool,
            BinaryEquals => OperatorFamily::Binary,
            IpAddress | NotIpAddress => OperatorFamily::Ip,
            ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => OperatorFamily::Arn,
            Null => OperatorFamily::Null,
        }
    }

    /// Whether policy variables are substituted in this operator's values (SEMANTICS.md §3.3;
    /// `Bool` is allowed but linted, since the AWS pages disagree).
    #[must_use]
    pub const fn takes_variables(self) -> bool {
        matches!(
            self.family(),
            OperatorFamily::StringExact
                | OperatorFamily::StringLike
                | OperatorFamily::Arn
                | OperatorFamily::Bool
        )
    }

    /// Whether the operator ignores letter case.
    #[must_use]
    pub const fn ignores_case(self) -> bool {
        matches!(
            self,
            BaseOperator::StringEqualsIgnoreCase | BaseOperator::StringNotEqualsIgnoreCase
        )
    }
}

/// `ForAnyValue:` or `ForAllValues:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    /// True when at least one request value matches; false when the key is absent.
    ForAnyValue,
    /// True when every request value matches; true when the key is absent.
    ForAllValues,
}

impl SetQualifier {
    /// IAM's spelling, without the colon.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            SetQualifier::ForAnyValue => "ForAnyValue",
            SetQualifier::ForAllValues => "ForAllValues",
        }
    }
}

/// A known condition operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operator {
    /// `ForAnyValue:` / `ForAllValues:`, if any.
    pub qualifier: Option<SetQualifier>,
    /// The comparison.
    pub base: BaseOperator,
    /// Whether the `IfExists` suffix is present.
    pub if_exists: bool,
}

impl Operator {
    /// A plain operator.
    #[must_use]
    pub const fn plain(base: BaseOperator) -> Self {
        Self {
            qualifier: None,
            base,
            if_exists: false,
        }
    }

    /// Parse an operator name. Names are compared ASCII case-insensitively (SEMANTICS.md §2.4);
    /// `canonical()` gives IAM's spelling. Returns `None` for names IAM does not know.
    #[must_use]
    pub fn parse(name: &str) -> Option<Operator> {
        let (qualifier, rest) = split_qualifier(name);
        let (rest, if_exists) = match strip_suffix_ignore_case(rest, "IfExists") {
            Some(base) => (base, true),
            None => (rest, false),
        };
        let base = ALL
            .iter()
            .copied()
            .find(|op| op.name().eq_ignore_ascii_case(rest))?;
        Some(Operator {
            qualifier,
            base,
            if_exists,
        })
    }

    /// IAM's spelling of the whole operator.
    #[must_use]
    pub fn canonical(&self) -> String {
        self.to_string()
    }

    /// Whether `text` is IAM's spelling of the operator (the same as comparing it with
    /// [`canonical`](Self::canonical), without building that).
    #[must_use]
    pub fn is_spelled(&self, text: &str) -> bool {
        let rest = match self.qualifier {
            Some(q) => text
                .strip_prefix(q.name())
                .and_then(|r| r.strip_prefix(':')),
            None => Some(text),
        };
        let rest = rest.and_then(|r| r.strip_prefix(self.base.name()));
        match rest {
            Some(r) if self.if_exists => r == "IfExists",
            Some(r) => r.is_empty(),
            None => false,
        }
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(q) = self.qualifier {
            write!(f, "{}:", q.name())?;
        }
        f.write_str(self.base.name())?;
        if self.if_exists {
            f.write_str("IfExists")?;
        }
        Ok(())
    }
}

fn split_qualifier(name: &str) -> (Option<SetQualifier>, &str) {
    for q in [SetQualifier::ForAnyValue, SetQualifier::ForAllValues] {
        let prefix = q.name();
        if let Some(head) = name.get(..prefix.len()) {
            if head.eq_ignore_ascii_case(prefix) {
                if let Some(rest) = name.get(prefix.len()..).and_then(|r| r.strip_prefix(':')) {
                    return (Some(q), rest);
                }
            }
        }
    }
    (None, name)
}

fn strip_suffix_ignore_case<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suffix.len())?;
    let tail = s.get(cut..)?;
    if tail.eq_ignore_ascii_case(suffix) && cut > 0 {
        s.get(..cut)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        let op = Operator::parse("ForAllValues:StringNotLikeIfExists").unwrap();
        assert_eq!(op.qualifier, Some(SetQualifier::ForAllValues));
        assert_eq!(op.base, BaseOperator::StringNotLike);
        assert!(op.if_exists);
        assert_eq!(op.canonical(), "ForAllValues:StringNotLikeIfExists");
        for text in [
            "ForAllValues:StringNotLikeIfExists",
            "forallvalues:stringnotlikeifexists",
            "ForAllValues:StringNotLike",
            "StringNotLikeIfExists",
            "ForAllValues:StringNotLikeIfExistsX",
            "ForAllValues StringNotLikeIfExists",
        ] {
            for op in [Operator::parse(text), Some(op)].into_iter().flatten() {
                assert_eq!(op.is_spelled(text), op.canonical() == text, "{op} / {text}");
            }
        }
        assert_eq!(
            Operator::parse("stringequals").unwrap().canonical(),
            "StringEquals"
        );
        for base in BaseOperator::all() {
            assert_eq!(Operator::parse(base.name()).unwrap().base, *base);
        }
    }

    #[test]
    fn rejects_unknown_names() {
        for name in [
            "StringEqual",
            "StringsLike",
            "ForAllValuesStringEquals",
            "__doc_comment",
            "",
            "IfExists",
            "ForAnyValue:",
        ] {
            assert_eq!(Operator::parse(name), None, "{name}");
        }
    }
}
