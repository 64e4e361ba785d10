//! Tests of CloudFormation templates.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::print_stdout,
    reason = "test code"
)]

use crate::input::{read_input, Input};

fn corpus(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../../corpus/cloudformation/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn probe() {
    let text = corpus("irsa-short-form.yaml");
    let input: Input = read_input(text.as_bytes());
    println!("{:?} {:?}", input.kind, input.findings);
    for p in &input.policies {
        println!("== {:?}\n{}", p.name, p.embedded.as_ref().unwrap().text);
        for u in &p.unknowns {
            println!("  unknown {:?} at file {:?}", u.description, &text[u.file_span.start..u.file_span.end]);
        }
        for f in &p.parsed.findings {
            println!("  {} {:?} {} @ {:?}", f.code, f.severity, f.message, &text[f.span.start..f.span.end]);
        }
    }
}
