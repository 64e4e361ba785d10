//! Lint rules: the catalog of RULES.md, one rule per file under `lint/rules/`.
//!
//! [`lint`] runs every selected rule over one parsed policy. Rules TL001–TL011 are found while
//! parsing (see [`crate::policy::parse`]); their files here hold their documentation.

mod context;
pub mod data;
mod registry;
mod rule;
pub mod rules;

pub use context::{
    claim_conditions, is_effective, oidc_providers, split_claim, trusts_service, AdmittedSets,
    Cluster, LintConfig, LintContext, OidcProvider, StatementProviders,
};
pub use registry::{rule_by_code, RULES};
pub use rule::{Category, Rule, RuleMeta};

use crate::diagnostic::Finding;

/// Run every rule that `select` accepts over the context, in registry order; findings are
/// sorted by position.
#[must_use]
pub fn lint(cx: &LintContext<'_>, select: impl Fn(&RuleMeta) -> bool) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in RULES {
        if select(rule.meta()) {
            rule.check(cx, &mut out);
        }
    }
    out.sort_by(|a, b| (a.span.start, a.span.end, a.code).cmp(&(b.span.start, b.span.end, b.code)));
    out
}
