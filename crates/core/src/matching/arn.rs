//! `ArnLike` / `ArnEquals` matching.
//!
//! Both the pattern and the value are split into the six colon-separated ARN components
//! `arn:partition:service:region:account:resource`; the resource component keeps any further
//! colons. Each of the first five components is wildcard-matched on its own, so a `*` there
//! cannot cross a `:`, and the resource component is wildcard-matched as a whole. A pattern or
//! value with fewer than six components never matches. Matching is case-sensitive, and
//! `ArnEquals` behaves exactly like `ArnLike` (SEMANTICS.md §3.7).

use super::like::{LikePattern, Piece};

/// Number of ARN components before the resource component.
const HEAD_COMPONENTS: usize = 5;

/// A compiled `ArnLike` pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArnPattern {
    /// `arn`, partition, service, region and account.
    head: [LikePattern; HEAD_COMPONENTS],
    /// The resource component, colons included.
    resource: LikePattern,
}

impl ArnPattern {
    /// Compiles a pattern made of pieces (see [`LikePattern::compile`]).
    ///
    /// Every `:` separates components, whether it comes from a [`Piece::Wild`] or a
    /// [`Piece::Literal`] piece. Returns `None` when the pattern has fewer than six
    /// components, since such a pattern matches nothing.
    #[must_use]
    pub fn compile(pieces: &[Piece<'_>]) -> Option<ArnPattern> {
        let mut done: Vec<LikePattern> = Vec::with_capacity(HEAD_COMPONENTS);
        let mut current: Vec<Piece<'_>> = Vec::new();
        for piece in pieces {
            let (mut rest, wild) = match *piece {
                Piece::Wild(text) => (text, true),
                Piece::Literal(text) => (text, false),
            };
            let make = |text| {
                if wild {
                    Piece::Wild(text)
                } else {
                    Piece::Literal(text)
                }
            };
            while done.len() < HEAD_COMPONENTS {
                let Some((before, after)) = rest.split_once(':') else {
                    break;
                };
                current.push(make(before));
                done.push(LikePattern::compile(&current));
                current.clear();
                rest = after;
            }
            current.push(make(rest));
        }
        if done.len() < HEAD_COMPONENTS {
            return None;
        }
        let head = <[LikePattern; HEAD_COMPONENTS]>::try_from(done).ok()?;
        Some(ArnPattern {
            head,
            resource: LikePattern::compile(&current),
        })
    }

    /// Compiles `pattern` where every `*` and `?` is a wildcard; `None` when it has fewer
    /// than six components.
    #[must_use]
    pub fn wild(pattern: &str) -> Option<ArnPattern> {
        ArnPattern::compile(&[Piece::Wild(pattern)])
    }

    /// Whether `value` is an ARN whose components all match.
    #[must_use]
    pub fn matches(&self, value: &str) -> bool {
        let Some((head, resource)) = split_arn(value) else {
            return false;
        };
        self.head
            .iter()
            .zip(head)
            .all(|(pattern, component)| pattern.matches(component))
            && self.resource.matches(resource)
    }

    /// Whether the pattern contains any wildcard.
    #[must_use]
    pub fn has_wildcards(&self) -> bool {
        self.head.iter().any(LikePattern::has_wildcards) || self.resource.has_wildcards()
    }
}

/// Splits an ARN into its five leading components and its resource component.
fn split_arn(value: &str) -> Option<([&str; HEAD_COMPONENTS], &str)> {
    let mut parts = value.splitn(HEAD_COMPONENTS + 1, ':');
    let head = [
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    ];
    Some((head, parts.next()?))
}

/// IAM `ArnLike` / `ArnEquals`: whether the ARN `value` matches the ARN `pattern`, where
/// every `*` and `?` in `pattern` is a wildcard confined to its component.
#[must_use]
pub fn arn_like(pattern: &str, value: &str) -> bool {
    ArnPattern::wild(pattern).is_some_and(|compiled| compiled.matches(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCS_PATTERN: &str = "arn:aws:someservice:*:111122223333:finance/*";
    const DOCS_VALUE: &str =
        "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt";

    #[test]
    fn aws_docs_example() {
        assert!(!arn_like(DOCS_PATTERN, DOCS_VALUE));
        // The same pattern under `StringLike` matches: its first `*` crosses colons.
        assert!(LikePattern::wild(DOCS_PATTERN).matches(DOCS_VALUE));
        assert!(arn_like(
            DOCS_PATTERN,
            "arn:aws:someservice:us-east-2:111122223333:finance/document.txt"
        ));
    }

    #[test]
    fn resource_keeps_its_colons() {
        assert!(arn_like(
            "arn:aws:logs:us-east-1:111122223333:log-group:*",
            "arn:aws:logs:us-east-1:111122223333:log-group:my-group:log-stream:x"
        ));
        assert!(arn_like(
            "arn:aws:logs:*:*:log-group:*:log-stream:*",
            "arn:aws:logs:eu-west-1:111122223333:log-group:g:log-stream:s"
        ));
        assert!(!arn_like(
            "arn:aws:logs:*:*:log-group:*:log-stream:*",
            "arn:aws:logs:eu-west-1:111122223333:log-group:g"
        ));
    }

    #[test]
    fn components_are_matched_independently() {
        let role = "arn:aws:iam::111122223333:role/eks/my-role";
        assert!(arn_like("arn:aws:iam::111122223333:role/*", role));
        assert!(arn_like("arn:aws:iam::*:role/eks/*", role));
        assert!(arn_like("arn:*:iam::*:*", role));
        assert!(arn_like(
            "arn:aws:iam:*:111122223333:role/eks/my-role",
            role
        ));
        assert!(arn_like("arn:aws:i?m::111122223333:role/eks/my-rol?", role));
        assert!(!arn_like(
            "arn:aws:iam:?:111122223333:role/eks/my-role",
            role
        ));
        assert!(!arn_like("arn:aws:*:111122223333:role/eks/my-role", role));
        assert!(!arn_like("arn:aws:iam::111122223333:role/other", role));
        assert!(!arn_like(
            "arn:aws:iam::111122223333:role/*",
            "arn:aws:iam::444455556666:role/x"
        ));
    }

    #[test]
    fn equal_arns_match() {
        let arn = "arn:aws:eks:us-west-2:111122223333:cluster/prod";
        assert!(arn_like(arn, arn));
        assert!(!arn_like(
            arn,
            "arn:aws:eks:us-west-2:111122223333:cluster/prod2"
        ));
    }

    #[test]
    fn case_sensitive() {
        assert!(!arn_like(
            "arn:aws:iam::111122223333:role/MyRole",
            "arn:aws:iam::111122223333:role/myrole"
        ));
        assert!(!arn_like(
            "ARN:aws:iam::111122223333:role/x",
            "arn:aws:iam::111122223333:role/x"
        ));
    }

    #[test]
    fn fewer_than_six_components_never_match() {
        assert!(!arn_like("*", "arn:aws:iam::111122223333:role/x"));
        assert!(!arn_like("arn:aws:iam::*", "arn:aws:iam::111122223333"));
        assert!(!arn_like("arn:*:*:*:*:*", "arn:aws:iam::111122223333"));
        assert!(!arn_like("arn:*:*:*:*:*", "not an arn"));
        assert!(!arn_like("arn:*:*:*:*:*", ""));
        assert!(arn_like("arn:*:*:*:*:*", "arn:::::"));
        assert!(arn_like(":::::", ":::::"));
        assert!(ArnPattern::wild("arn:aws").is_none());
    }

    #[test]
    fn pieces_split_at_every_colon() {
        let pattern = ArnPattern::compile(&[
            Piece::Wild("arn:aws:iam::"),
            Piece::Literal("111122223333"),
            Piece::Wild(":role/"),
            Piece::Literal("a*b"),
        ]);
        let pattern = pattern.unwrap();
        assert!(pattern.matches("arn:aws:iam::111122223333:role/a*b"));
        assert!(!pattern.matches("arn:aws:iam::111122223333:role/axb"));
        assert!(!pattern.has_wildcards());

        // A literal piece containing colons spans components.
        let pattern = ArnPattern::compile(&[
            Piece::Literal("arn:aws:iam::111122223333"),
            Piece::Wild(":role/*"),
        ])
        .unwrap();
        assert!(pattern.matches("arn:aws:iam::111122223333:role/x:y"));
        assert!(pattern.has_wildcards());
        assert!(!pattern.matches("arn:aws:iam::111122223334:role/x"));
    }
}
