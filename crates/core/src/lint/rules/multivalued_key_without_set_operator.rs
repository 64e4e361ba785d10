//! TL214 `multivalued-key-without-set-operator`.

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
    pub struct MultivaluedKeyWithoutSetOperator {
        code: "TL214",
        name: "multivalued-key-without-set-operator",
        category: Suspicious,
        since: "0.1.0",
    }
}

impl Rule for MultivaluedKeyWithoutSetOperator {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _cx: &LintContext<'_>, _out: &mut Vec<Finding>) {}
}
