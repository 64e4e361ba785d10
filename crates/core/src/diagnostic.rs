//! Findings: what is wrong with a document, where, and what to write instead.

use crate::source::Span;
use serde::Serialize;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational advice.
    Info,
    /// Probably trusts more than intended, or relies on fragile behaviour.
    Warning,
    /// The role cannot work as written, or trusts what it plainly should not.
    Error,
}

impl Severity {
    /// The lowercase name used in every output format.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A rule's stable code and kebab-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RuleId {
    /// Stable code, `TL` and three digits.
    pub code: &'static str,
    /// Kebab-case name naming the bad pattern.
    pub name: &'static str,
}

/// The codes of the document-level problems the parser reports (catalog: RULES.md, TL0xx).
pub mod code {
    use super::RuleId;

    /// Text that is not one JSON object.
    pub const INVALID_JSON: RuleId = RuleId {
        code: "TL001",
        name: "invalid-json",
    };
    /// An object that repeats a key.
    pub const DUPLICATE_KEY: RuleId = RuleId {
        code: "TL002",
        name: "duplicate-key",
    };
    /// An element IAM does not know.
    pub const UNKNOWN_ELEMENT: RuleId = RuleId {
        code: "TL003",
        name: "unknown-element",
    };
    /// A missing, old or invalid `Version`.
    pub const INVALID_VERSION: RuleId = RuleId {
        code: "TL004",
        name: "invalid-version",
    };
    /// A value of the wrong type or shape.
    pub const INVALID_VALUE: RuleId = RuleId {
        code: "TL005",
        name: "invalid-value",
    };
    /// A required element that is missing.
    pub const MISSING_ELEMENT: RuleId = RuleId {
        code: "TL006",
        name: "missing-element",
    };
    /// An element forbidden in role trust policies.
    pub const FORBIDDEN_ELEMENT: RuleId = RuleId {
        code: "TL007",
        name: "forbidden-element",
    };
    /// A malformed or repeated `Sid`.
    pub const INVALID_SID: RuleId = RuleId {
        code: "TL008",
        name: "invalid-sid",
    };
    /// A trust policy over the size quota.
    pub const TRUST_POLICY_TOO_LARGE: RuleId = RuleId {
        code: "TL009",
        name: "trust-policy-too-large",
    };
    /// A condition operator IAM does not know.
    pub const UNKNOWN_CONDITION_OPERATOR: RuleId = RuleId {
        code: "TL010",
        name: "unknown-condition-operator",
    };
    /// A malformed or misplaced policy variable.
    pub const INVALID_POLICY_VARIABLE: RuleId = RuleId {
        code: "TL011",
        name: "invalid-policy-variable",
    };
}

/// A secondary location with a short note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What is there.
    pub message: String,
}

/// One problem found in a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule's code, e.g. `TL002`.
    pub code: &'static str,
    /// The rule's name, e.g. `duplicate-key`.
    pub name: &'static str,
    /// How serious it is.
    pub severity: Severity,
    /// What is wrong (lowercase, user text in backticks).
    pub message: String,
    /// What to write instead.
    pub help: Option<String>,
    /// The exact value or key at fault.
    pub span: Span,
    /// Further locations (e.g. the first copy of a duplicated key).
    pub labels: Vec<Label>,
    /// Whether IAM would refuse to store a document with this problem.
    pub iam_rejects: bool,
}

impl Finding {
    /// A new finding of `rule` at `span`.
    #[must_use]
    pub fn new(rule: RuleId, severity: Severity, span: Span, message: impl Into<String>) -> Self {
        Self {
            code: rule.code,
            name: rule.name,
            severity,
            message: message.into(),
            help: None,
            span,
            labels: Vec::new(),
            iam_rejects: false,
        }
    }

    /// Add the text that says what to write instead.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Add a secondary label.
    #[must_use]
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Mark the problem as one that makes IAM refuse the document.
    #[must_use]
    pub fn rejected_by_iam(mut self) -> Self {
        self.iam_rejects = true;
        self
    }

    /// Apply `f` to every span of the finding (used to map spans of an embedded document back
    /// into the file that holds it).
    #[must_use]
    pub fn map_spans(mut self, f: impl Fn(Span) -> Span) -> Self {
        self.span = f(self.span);
        for label in &mut self.labels {
            label.span = f(label.span);
        }
        self
    }
}
