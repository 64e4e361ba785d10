//! The rule trait, rule metadata and the `declare_rule!` macro.

use super::LintContext;
use crate::diagnostic::{Finding, RuleId, Severity};
use crate::source::Span;

/// A rule's category, which sets its default severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// The role cannot work as written, or trusts what it plainly should not: error.
    Correctness,
    /// It probably trusts more than intended, or relies on fragile behaviour: warning.
    Suspicious,
    /// Advice: info.
    Style,
}

impl Category {
    /// The default severity of the category.
    #[must_use]
    pub const fn severity(self) -> Severity {
        match self {
            Category::Correctness => Severity::Error,
            Category::Suspicious => Severity::Warning,
            Category::Style => Severity::Info,
        }
    }

    /// Lowercase name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Category::Correctness => "correctness",
            Category::Suspicious => "suspicious",
            Category::Style => "style",
        }
    }
}

/// What every rule declares about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleMeta {
    /// Stable code, `TL` and three digits.
    pub code: &'static str,
    /// Kebab-case name of the bad pattern.
    pub name: &'static str,
    /// Category (default severity).
    pub category: Category,
    /// The version that introduced the rule.
    pub since: &'static str,
    /// Markdown docs: What it does / Why is this bad? / Example / Use instead / References.
    pub docs: &'static str,
}

impl RuleMeta {
    /// The code and name.
    #[must_use]
    pub const fn id(&self) -> RuleId {
        RuleId {
            code: self.code,
            name: self.name,
        }
    }

    /// The docs with the one leading space of each doc-comment line removed.
    #[must_use]
    pub fn docs(&self) -> String {
        let mut out = String::with_capacity(self.docs.len());
        for line in self.docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim().to_owned()
    }

    /// The first line of "What it does", for tables.
    #[must_use]
    pub fn summary(&self) -> String {
        let docs = self.docs();
        docs.lines()
            .skip_while(|l| !l.starts_with("## What it does"))
            .nth(1)
            .unwrap_or("")
            .trim()
            .to_owned()
    }

    /// The rule's documentation page.
    #[must_use]
    pub fn url(&self) -> String {
        format!("https://trustlint.invalid/rules/{}", self.code)
    }

    /// A finding of this rule with its default severity.
    #[must_use]
    pub fn finding(&self, span: Span, message: impl Into<String>) -> Finding {
        Finding::new(self.id(), self.category.severity(), span, message)
    }
}

/// A lint rule.
pub trait Rule: Sync {
    /// The rule's metadata.
    fn meta(&self) -> &'static RuleMeta;
    /// Append the rule's findings for the policy in `cx` to `out`.
    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Finding>);
}

/// Declare a rule struct and its [`RuleMeta`] from its doc comment.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $name:ident {
            code: $code:literal,
            name: $rname:literal,
            category: $cat:ident,
            since: $since:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, Default)]
        $vis struct $name;

        impl $name {
            /// The rule's metadata.
            pub const META: $crate::lint::RuleMeta = $crate::lint::RuleMeta {
                code: $code,
                name: $rname,
                category: $crate::lint::Category::$cat,
                since: $since,
                docs: concat!($($doc, "\n"),*),
            };
        }
    };
}
pub(crate) use declare_rule;
