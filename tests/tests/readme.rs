//! README's rules table is generated from the registry; this test keeps them in sync.
//! Regenerate with `TRUSTLINT_BLESS=1 cargo test -p trustlint-tests --test readme`.

use std::path::PathBuf;
use trustlint_core::lint::RULES;

const START: &str = "<!-- rules:start -->";
const END: &str = "<!-- rules:end -->";

fn table() -> String {
    let mut out = String::from("| code | name | category | what it catches |\n|---|---|---|---|\n");
    for r in RULES {
        let m = r.meta();
        out.push_str(&format!(
            "| {} | `{}` | {} | {} |\n",
            m.code,
            m.name,
            m.category.as_str(),
            m.summary().replace('|', "\\|")
        ));
    }
    out
}

#[test]
fn readme_rules_table_matches_the_registry() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (Some(a), Some(b)) = (readme.find(START), readme.find(END)) else {
        panic!("README.md lacks the {START} … {END} markers");
    };
    let current = &readme[a + START.len()..b];
    let wanted = format!("\n{}", table());
    if current != wanted {
        if std::env::var_os("TRUSTLINT_BLESS").is_some() {
            let updated = format!("{}{START}{wanted}{}", &readme[..a], &readme[b..]);
            std::fs::write(&path, updated).unwrap();
        } else {
            panic!("README.md's rules table is stale: run `TRUSTLINT_BLESS=1 cargo test -p trustlint-tests --test readme`");
        }
    }
}
