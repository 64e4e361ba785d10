//! `trustlint rules` and `trustlint explain`.

use crate::args::{ExplainArgs, Format, RulesArgs};
use crate::Exit;
use trustlint_core::lint::{RuleMeta, RULES};
use trustlint_core::output;

/// `trustlint rules`.
pub fn list(args: &RulesArgs) -> Result<Exit, String> {
    let metas: Vec<&RuleMeta> = RULES.iter().map(|r| r.meta()).collect();
    let out = match args.format {
        Format::Json => output::pretty(&output::rules::document()),
        Format::Human => {
            let width = metas.iter().map(|m| m.name.len()).max().unwrap_or(0);
            let mut s = String::new();
            for m in metas {
                s.push_str(&format!(
                    "{}  {:width$}  {:11}  {}\n",
                    m.code,
                    m.name,
                    m.category.as_str(),
                    m.summary(),
                ));
            }
            s
        }
    };
    crate::print(&out);
    Ok(Exit::Success)
}

/// `trustlint explain CODE`.
pub fn explain(args: &ExplainArgs) -> Result<Exit, String> {
    let m = RULES
        .iter()
        .map(|r| r.meta())
        .find(|m| m.code.eq_ignore_ascii_case(&args.code) || m.name == args.code)
        .ok_or_else(|| {
            format!(
                "no rule `{}` (run `trustlint rules` for the list)",
                args.code
            )
        })?;
    crate::print(&format!(
        "# {} {}\n\ncategory: {} (default severity: {})\n\n{}\n",
        m.code,
        m.name,
        m.category.as_str(),
        m.category.severity().as_str(),
        m.docs()
    ));
    Ok(Exit::Success)
}
