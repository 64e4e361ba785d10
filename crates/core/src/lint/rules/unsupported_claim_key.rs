//! TL211 `unsupported-claim-key`.

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
    pub struct UnsupportedClaimKey {
        code: "TL211",
        name: "unsupported-claim-key",
        category: Correctness,
        since: "0.1.0",
    }
}

impl Rule for UnsupportedClaimKey {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _cx: &LintContext<'_>, _out: &mut Vec<Finding>) {}
}
