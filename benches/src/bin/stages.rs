//! temporary: per-rule cost
use std::time::{Duration, Instant};
use trustlint_core::lint::{self, LintContext, LintConfig, RULES};
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let text = std::str::from_utf8(&bytes).unwrap();
    let input = trustlint_core::input::read_input(&bytes);
    let config = LintConfig::default();
    let mut v = Vec::new();
    let mut total = Duration::ZERO;
    for r in RULES {
        let code = r.meta().code;
        let t = Instant::now();
        let mut n = 0;
        for p in &input.policies {
            let Some(policy) = &p.parsed.policy else { continue };
            let cx = LintContext { policy, text: p.text(text), config: &config, role_account: p.account.as_deref() };
            n += lint::lint(&cx, |m| m.code == code).len();
        }
        let d = t.elapsed();
        total += d;
        v.push((d, code, n));
    }
    v.sort();
    for (d, c, n) in v.iter().rev().take(15) { eprintln!("{c} {d:?} {n}"); }
    eprintln!("total {total:?}");
}
