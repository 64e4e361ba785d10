//! TL009 `trust-policy-too-large`.

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
    pub struct TrustPolicyTooLarge {
        code: "TL009",
        name: "trust-policy-too-large",
        category: Suspicious,
        since: "0.1.0",
    }
}

impl Rule for TrustPolicyTooLarge {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _cx: &LintContext<'_>, _out: &mut Vec<Finding>) {
        // Found while parsing: see `crate::policy::parse` (code `TL009`).
    }
}
