//! Values trustlint cannot know (an unresolved CloudFormation `!Sub` variable, a `!GetAtt`, a
//! parameter without a default): how they are written into a policy's text, and which findings
//! they keep from being reported.
//!
//! An unknown value is written into the rendered policy text as a *placeholder*: U+E000, the
//! unknown's index in decimal, U+E001. Both delimiters are Unicode private-use characters, which
//! no ARN, account id, action or token claim contains, so a placeholder never equals nor matches
//! (not even through `*`) a real request value. A string partly unknown keeps its known text
//! around the placeholder (`arn:aws:iam::<placeholder>:oidc-provider/…`).
//!
//! Rules must not decide on a placeholder: [`filter_findings`] drops every finding that could
//! rest on one, and [`unknown_infos`] reports, per statement, which values were not resolved.

use crate::diagnostic::{code, Finding, Severity};
use crate::policy::{Statement, TrustPolicy};
use crate::source::Span;

/// The first character of a placeholder.
pub const PLACEHOLDER_OPEN: char = '\u{E000}';
/// The last character of a placeholder.
pub const PLACEHOLDER_CLOSE: char = '\u{E001}';

/// One value that trustlint cannot know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    /// Where its placeholder is in the rendered policy text (the text model spans point into).
    pub span: Span,
    /// Where the value is written in the file (the intrinsic function, or the `${…}`).
    pub file_span: Span,
    /// How the template writes it, e.g. `` `${AWS::AccountId}` `` or `` `!GetAtt Provider.Arn` ``
    /// (without the backticks).
    pub description: String,
}

/// The placeholder text of the unknown with index `index`.
#[must_use]
pub fn placeholder(index: usize) -> String {
    format!("{PLACEHOLDER_OPEN}{index}{PLACEHOLDER_CLOSE}")
}

/// The spans of every placeholder in `text`, with the index each carries, in text order.
#[must_use]
pub fn find_placeholders(text: &str) -> Vec<(usize, Span)> {
    let mut out = Vec::new();
    let mut rest = 0;
    while let Some(open) = text.get(rest..).and_then(|t| t.find(PLACEHOLDER_OPEN)) {
        let start = rest + open;
        let digits_at = start + PLACEHOLDER_OPEN.len_utf8();
        let Some(close) = text
            .get(digits_at..)
            .and_then(|t| t.find(PLACEHOLDER_CLOSE))
        else {
            break;
        };
        let end = digits_at + close + PLACEHOLDER_CLOSE.len_utf8();
        if let Some(index) = text
            .get(digits_at..digits_at + close)
            .and_then(|d| d.parse::<usize>().ok())
        {
            out.push((index, Span::new(start, end)));
        }
        rest = end;
    }
    out
}

/// Replace every placeholder of `text` with its unknown's description in backticks, for messages.
#[must_use]
pub fn show(text: &str, unknowns: &[Unknown]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (i, span) in find_placeholders(text) {
        out.push_str(text.get(at..span.start).unwrap_or(""));
        match unknowns.get(i) {
            Some(u) => out.push_str(&format!("`{}`", u.description)),
            None => out.push_str("`?`"),
        }
        at = span.end;
    }
    out.push_str(text.get(at..).unwrap_or(""));
    out
}

fn overlaps(a: Span, b: Span) -> bool {
    a.start < b.end && b.start < a.end
}

fn contains(outer: Span, inner: Span) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// Whether any unknown lies in (overlaps) `span`.
#[must_use]
pub fn touches(span: Span, unknowns: &[Unknown]) -> bool {
    unknowns.iter().any(|u| overlaps(span, u.span))
}

/// The unknowns inside statement `s`.
pub fn in_statement<'a>(
    s: &'a Statement,
    unknowns: &'a [Unknown],
) -> impl Iterator<Item = &'a Unknown> {
    unknowns.iter().filter(move |u| overlaps(s.span, u.span))
}

/// The unknowns that lie in no statement of the model (in `Version`, in place of a statement, or
/// anywhere when the text could not be read as a policy).
#[must_use]
pub fn stray<'a>(policy: Option<&TrustPolicy>, unknowns: &'a [Unknown]) -> Vec<&'a Unknown> {
    unknowns
        .iter()
        .filter(|u| policy.is_none_or(|p| !p.statements.iter().any(|s| overlaps(s.span, u.span))))
        .collect()
}

/// Codes of the checks that read the document's structure: a finding of theirs is kept unless it
/// points at an unknown. Every other check reasons about values, and its findings are dropped
/// when they come from a statement holding an unknown.
const STRUCTURAL: [&str; 8] = [
    "TL002", "TL003", "TL005", "TL006", "TL007", "TL008", "TL010", "TL011",
];

/// Drop every finding that could rest on an unknown (spans of `findings`, `policy` and
/// `unknowns` all point into the rendered text).
///
/// - a finding at or labelled at an unknown is dropped;
/// - TL001 (the text is not JSON) and TL009 (size) are dropped when there is any unknown,
///   except a TL009 that left no model (a document over the analysis cap,
///   [`crate::policy::MAX_ANALYSED_SIZE`]): placeholders are a few characters each, so such a
///   document is far over IAM's quota whatever the values, and without the finding nothing would
///   say why it was not checked;
/// - TL004 and TL011 are dropped when `Version` is unknown;
/// - any other finding of a non-structural check is dropped when it (or a label) lies in a
///   statement that holds an unknown, or lies in no statement while the policy holds an unknown.
#[must_use]
pub fn filter_findings(
    findings: Vec<Finding>,
    policy: Option<&TrustPolicy>,
    unknowns: &[Unknown],
) -> Vec<Finding> {
    if unknowns.is_empty() {
        return findings;
    }
    let version_unknown = policy
        .and_then(|p| p.version.as_ref())
        .is_some_and(|v| touches(v.span, unknowns));
    let affected: Vec<Span> = policy
        .map(|p| {
            p.statements
                .iter()
                .filter(|s| in_statement(s, unknowns).next().is_some())
                .map(|s| s.span)
                .collect()
        })
        .unwrap_or_default();
    let in_any_statement =
        |span: Span| policy.is_some_and(|p| p.statements.iter().any(|s| contains(s.span, span)));
    let rests = |span: Span| {
        affected
            .iter()
            .any(|a| overlaps(*a, span) || contains(*a, span))
            || !in_any_statement(span)
    };
    findings
        .into_iter()
        .filter(|f| {
            let spans = || std::iter::once(f.span).chain(f.labels.iter().map(|l| l.span));
            if spans().any(|s| touches(s, unknowns)) {
                return false;
            }
            match f.code {
                "TL009" if policy.is_none() => true,
                "TL001" | "TL009" => false,
                "TL004" | "TL011" if version_unknown => false,
                c if STRUCTURAL.contains(&c) => true,
                "TL004" => true,
                _ => !spans().any(rests),
            }
        })
        .collect()
}

/// One `info` per statement holding unknowns (and one for unknowns outside every statement),
/// naming them; spans point into the rendered text.
#[must_use]
pub fn unknown_infos(policy: Option<&TrustPolicy>, unknowns: &[Unknown]) -> Vec<Finding> {
    let mut out = Vec::new();
    let help = "trustlint resolves `Ref`/`!Sub` of parameters that have a `Default`, literal \
                `Mappings`, `AWS::Partition` and `AWS::URLSuffix`; give the parameter a \
                `Default`, or write the value as a literal, to have it checked";
    let mut report = |what: String, group: Vec<&Unknown>| {
        let Some(first) = group.first() else { return };
        let names = names(&group);
        let mut f = Finding::new(
            code::INVALID_VALUE,
            Severity::Info,
            first.span,
            format!(
                "{what} depends on values trustlint cannot resolve ({names}): rules did not \
                 decide on them, and `can-assume` treats what rests on them as unknown"
            ),
        )
        .with_help(help);
        for u in group.iter().skip(1) {
            f = f.with_label(u.span, format!("`{}` is unknown", u.description));
        }
        out.push(f);
    };
    if let Some(p) = policy {
        for s in &p.statements {
            let group: Vec<&Unknown> = in_statement(s, unknowns).collect();
            report(format!("statement {}", s.index), group);
        }
    }
    let stray = stray(policy, unknowns);
    let what = if policy.is_some() {
        "the policy"
    } else {
        "the policy text"
    };
    report(what.to_owned(), stray);
    out
}

/// The descriptions of `group`, in backticks, without repeats.
#[must_use]
pub fn names(group: &[&Unknown]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for u in group {
        if !seen.contains(&u.description.as_str()) {
            seen.push(&u.description);
        }
    }
    seen.iter()
        .map(|d| format!("`{d}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_over_the_analysis_cap_keeps_its_size_error() {
        let size = Finding::new(
            crate::diagnostic::code::TRUST_POLICY_TOO_LARGE,
            Severity::Error,
            Span::new(0, 1),
            "the policy has 20000 non-whitespace characters".to_owned(),
        );
        let unknowns = [Unknown {
            span: Span::new(40, 48),
            file_span: Span::new(400, 410),
            description: "!Ref Account".to_owned(),
        }];
        // No model (over the cap): the finding stays.
        assert_eq!(
            filter_findings(vec![size.clone()], None, &unknowns).len(),
            1
        );
        // With a model, the size rests on the unknown values: dropped.
        let policy = crate::policy::parse_policy(br#"{"Version":"2012-10-17","Statement":[]}"#)
            .policy
            .unwrap();
        assert!(filter_findings(vec![size], Some(&policy), &unknowns).is_empty());
    }

    #[test]
    fn placeholders_are_found_and_shown() {
        let text = format!(
            "arn:aws:iam::{}:oidc-provider/{}",
            placeholder(0),
            placeholder(1)
        );
        let found = find_placeholders(&text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].0, 0);
        assert_eq!(&text[found[1].1.start..found[1].1.end], placeholder(1));
        let u = |d: &str| Unknown {
            span: Span::default(),
            file_span: Span::default(),
            description: d.to_owned(),
        };
        assert_eq!(
            show(&text, &[u("${AWS::AccountId}"), u("${Issuer}")]),
            "arn:aws:iam::`${AWS::AccountId}`:oidc-provider/`${Issuer}`"
        );
    }
}
