//! TL403 `provider-account-mismatch`.

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
    pub struct ProviderAccountMismatch {
        code: "TL403",
        name: "provider-account-mismatch",
        category: Correctness,
        since: "0.1.0",
    }
}

impl Rule for ProviderAccountMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _cx: &LintContext<'_>, _out: &mut Vec<Finding>) {}
}
