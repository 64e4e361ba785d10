//! TL010 `unknown-condition-operator`.

use crate::diagnostic::Finding;
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// TODO
    ///
    /// ## Why is this bad?
    /// TODO
    ///
    /// ## Example
    /// ```json
    /// {}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {}
    /// ```
    ///
    /// ## References
    /// - SEMANTICS.md
    pub struct UnknownConditionOperator {
        code: "TL010",
        name: "unknown-condition-operator",
        category: Correctness,
        since: "0.1.0",
    }
}

impl Rule for UnknownConditionOperator {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _cx: &LintContext<'_>, _out: &mut Vec<Finding>) {
        // Found while parsing: see `crate::policy::parse` (code `TL010`).
    }
}
