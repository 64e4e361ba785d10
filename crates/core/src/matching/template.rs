//! Policy variables inside condition values (SEMANTICS.md §3.3).
//!
//! Under policy Version `2012-10-17`, `${` starts a policy variable: `${aws:username}`, or
//! `${key, 'default'}` with a single-quoted default used when the key is absent. The
//! predefined variables `${*}`, `${?}` and `${$}` stand for a literal `*`, `?` and `$`.
//! Values substituted for variables are literal text: a `*` or `?` in them is never a
//! wildcard. A variable whose key is absent and which has no default makes the whole value
//! "effectively null", so it matches nothing.

use super::like::{LikePattern, Piece};

/// One part of a parsed condition value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TemplatePart {
    /// Plain text; under `StringLike` its `*` and `?` are wildcards.
    Text(String),
    /// A literal character written as `${*}`, `${?}` or `${$}`.
    Escaped(char),
    /// A policy variable `${name}` or `${name, 'default'}`.
    Variable {
        /// The condition key, as written.
        name: String,
        /// The default value used when the key is absent, without its quotes.
        default: Option<String>,
    },
}

/// A condition value split into text, escapes and policy variables.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Template {
    /// The parts in source order. Adjacent text is merged and no text part is empty, so an
    /// empty value has no parts.
    pub parts: Vec<TemplatePart>,
}

/// A malformed policy variable in a condition value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TemplateError {
    /// Byte offset of the problem in the parsed value.
    pub offset: usize,
    /// Length in bytes of the problem.
    pub len: usize,
    /// What is wrong: lowercase, no final period, user text in backticks.
    pub message: String,
    /// What to write instead.
    pub help: String,
}

impl miette::Diagnostic for TemplateError {
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(&self.help))
    }
}

impl TemplateError {
    fn new(offset: usize, len: usize, message: String, help: impl Into<String>) -> Self {
        TemplateError {
            offset,
            len,
            message,
            help: help.into(),
        }
    }
}

/// Parses a condition value under policy Version `2012-10-17`.
///
/// `${` starts a policy variable. Text without `${` becomes a single [`TemplatePart::Text`].
///
/// # Errors
///
/// A [`TemplateError`] for an unclosed `${` (no `}`), an empty `${}`, whitespace in a
/// variable name, a default that is not in single quotes or lacks its closing quote, a stray
/// `'`, or a default given to `${*}`, `${?}` or `${$}`.
pub fn parse_template(s: &str) -> Result<Template, TemplateError> {
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut pos = 0;
    while let Some((before, after)) = s.get(pos..).and_then(|rest| rest.split_once("${")) {
        text.push_str(before);
        let open = pos + before.len();
        let (part, end) = parse_variable(s, open, after)?;
        if !text.is_empty() {
            parts.push(TemplatePart::Text(std::mem::take(&mut text)));
        }
        parts.push(part);
        pos = end;
    }
    text.push_str(s.get(pos..).unwrap_or_default());
    if !text.is_empty() {
        parts.push(TemplatePart::Text(text));
    }
    Ok(Template { parts })
}

/// Parses the variable whose `${` is at byte `open` of `s`; `body` is the text after the
/// `${`. Returns the part and the byte offset just past its `}`.
fn parse_variable(
    s: &str,
    open: usize,
    body: &str,
) -> Result<(TemplatePart, usize), TemplateError> {
    let body_start = open + 2;
    let unclosed = |upto: usize| unclosed_error(s, open, upto);

    // The name runs up to the first `}` or `,`; a nested `${` means the first one is unclosed.
    let name_end = body.find(['}', ',']);
    let nested = body.find("${");
    let name_len = match (name_end, nested) {
        (Some(end), Some(n)) if n < end => return Err(unclosed(body_start + n)),
        (Some(end), _) => end,
        (None, Some(n)) => return Err(unclosed(body_start + n)),
        (None, None) => return Err(unclosed(s.len())),
    };
    let name = body.get(..name_len).unwrap_or_default();
    let after_name = body.get(name_len..).unwrap_or_default();
    let has_default = after_name.starts_with(',');

    if name.is_empty() {
        return Err(if has_default {
            TemplateError::new(
                open,
                2 + name_len + 1,
                "policy variable has no condition key before its default".to_owned(),
                "name the condition key first, as in `${aws:username, 'default'}`",
            )
        } else {
            TemplateError::new(
                open,
                3,
                "empty policy variable `${}`".to_owned(),
                "put a condition key inside, as in `${aws:username}`, or write `${$}` for a literal `$`",
            )
        });
    }
    if let Some(quote) = name.find('\'') {
        return Err(TemplateError::new(
            body_start + quote,
            1,
            format!("stray `'` in policy variable name `{name}`"),
            "remove the quote; only a default value is quoted, as in `${key, 'default'}`",
        ));
    }
    if let Some((ws, c)) = name.char_indices().find(|(_, c)| c.is_whitespace()) {
        let cleaned: String = name.split_whitespace().collect();
        return Err(TemplateError::new(
            body_start + ws,
            c.len_utf8(),
            format!("policy variable name `{name}` contains whitespace"),
            format!("remove the whitespace: `${{{cleaned}}}`"),
        ));
    }
    let escaped = match name {
        "*" => Some('*'),
        "?" => Some('?'),
        "$" => Some('$'),
        _ => None,
    };

    let name_end_abs = body_start + name_len;
    if !has_default {
        // `after_name` starts with `}`.
        let end = name_end_abs + 1;
        let part = match escaped {
            Some(c) => TemplatePart::Escaped(c),
            None => TemplatePart::Variable {
                name: name.to_owned(),
                default: None,
            },
        };
        return Ok((part, end));
    }

    let after_comma = after_name.get(1..).unwrap_or_default();
    let (default, end) = parse_default(s, open, name, name_end_abs, after_comma)?;
    if escaped.is_some() {
        return Err(TemplateError::new(
            open,
            end - open,
            format!("`${{{name}}}` takes no default value"),
            format!("write `${{{name}}}` alone"),
        ));
    }
    Ok((
        TemplatePart::Variable {
            name: name.to_owned(),
            default: Some(default.to_owned()),
        },
        end,
    ))
}

/// An error for the variable opened at byte `open` of `s` and not closed before `upto`.
fn unclosed_error(s: &str, open: usize, upto: usize) -> TemplateError {
    let shown = s.get(open..upto).unwrap_or_default();
    TemplateError::new(
        open,
        upto - open,
        format!("unclosed policy variable `{shown}`"),
        "close it with `}`",
    )
}

/// Parses the default of the variable `name` opened at byte `open` of `s`: `after_comma`
/// is the text after its comma, which is at byte `comma`. Returns the default without its
/// quotes and the byte offset just past the variable's `}`.
fn parse_default<'s>(
    s: &str,
    open: usize,
    name: &str,
    comma: usize,
    after_comma: &'s str,
) -> Result<(&'s str, usize), TemplateError> {
    let unclosed = |upto: usize| unclosed_error(s, open, upto);
    // `,` then optional spaces then a single-quoted string then `}`.
    let trimmed = after_comma.trim_start();
    let quote_start = comma + 1 + (after_comma.len() - trimmed.len());
    let Some(quoted) = trimmed.strip_prefix('\'') else {
        let shown_len = trimmed.find('}').unwrap_or(trimmed.len());
        let shown = trimmed.get(..shown_len).unwrap_or_default();
        if trimmed.len() == shown_len {
            return Err(unclosed(s.len()));
        }
        if shown.trim().is_empty() {
            return Err(TemplateError::new(
                comma,
                1,
                format!("policy variable `{name}` has a comma but no default value"),
                format!("write the default in single quotes, as in `${{{name}, 'default'}}`, or remove the comma"),
            ));
        }
        return Err(TemplateError::new(
            quote_start,
            shown_len,
            format!("default value `{shown}` of policy variable `{name}` is not in single quotes"),
            format!(
                "quote it: `${{{name}, '{}'}}`",
                shown.trim().trim_matches('"')
            ),
        ));
    };
    let Some((default, after_default)) = quoted.split_once('\'') else {
        return Err(TemplateError::new(
            quote_start,
            s.len() - quote_start,
            format!("default value of policy variable `{name}` has no closing quote"),
            format!("end the default with `'`, as in `${{{name}, 'default'}}`"),
        ));
    };
    let close_quote = quote_start + 1 + default.len();
    let rest = after_default.trim_start();
    let rest_start = close_quote + 1 + (after_default.len() - rest.len());
    let Some(c) = rest.chars().next() else {
        return Err(unclosed(s.len()));
    };
    if c != '}' {
        let Some(shown_len) = rest.find('}') else {
            return Err(unclosed(s.len()));
        };
        let shown = rest.get(..shown_len).unwrap_or_default();
        if let Some(quote) = shown.find('\'') {
            return Err(TemplateError::new(
                rest_start + quote,
                1,
                format!("stray `'` after the default value of policy variable `{name}`"),
                format!(
                    "a default cannot contain `'`; end the variable with `}}` after the closing quote, as in `${{{name}, '{default}'}}`"
                ),
            ));
        }
        return Err(TemplateError::new(
            rest_start,
            shown_len,
            format!("unexpected `{shown}` after the default value of policy variable `{name}`"),
            format!("end the variable with `}}` right after the closing quote, as in `${{{name}, '{default}'}}`"),
        ));
    }
    Ok((default, rest_start + 1))
}

/// The one-character string for an escaped character, when it is one of the escapes.
fn escaped_str(c: char) -> Option<&'static str> {
    match c {
        '*' => Some("*"),
        '?' => Some("?"),
        '$' => Some("$"),
        _ => None,
    }
}

impl Template {
    /// A value with no policy variables (used under Version `2008-10-17`, where `${` is
    /// ordinary text): one text part, or none for an empty value.
    #[must_use]
    pub fn plain(s: &str) -> Template {
        let parts = if s.is_empty() {
            Vec::new()
        } else {
            vec![TemplatePart::Text(s.to_owned())]
        };
        Template { parts }
    }

    /// Whether the value contains a policy variable (the escapes `${*}`, `${?}` and `${$}`
    /// do not count).
    #[must_use]
    pub fn has_variables(&self) -> bool {
        self.parts
            .iter()
            .any(|part| matches!(part, TemplatePart::Variable { .. }))
    }

    /// The policy variables in source order, as `(name, default)`.
    pub fn variables(&self) -> impl Iterator<Item = (&str, Option<&str>)> + '_ {
        self.parts.iter().filter_map(|part| match part {
            TemplatePart::Variable { name, default } => Some((name.as_str(), default.as_deref())),
            TemplatePart::Text(_) | TemplatePart::Escaped(_) => None,
        })
    }

    /// Resolves the variables against `lookup`, which returns the value of a single-valued
    /// condition key (the caller handles key case-insensitivity and treats multi-valued keys
    /// as absent).
    ///
    /// Text becomes [`Piece::Wild`]; escapes, substituted values and defaults become
    /// [`Piece::Literal`]. Returns `None` ("effectively null") when a variable's key is
    /// absent and it has no default, or when an [`TemplatePart::Escaped`] part holds a
    /// character other than `*`, `?` or `$`.
    pub fn resolve<'a>(
        &'a self,
        mut lookup: impl FnMut(&str) -> Option<&'a str>,
    ) -> Option<Vec<Piece<'a>>> {
        self.parts
            .iter()
            .map(|part| match part {
                TemplatePart::Text(text) => Some(Piece::Wild(text)),
                TemplatePart::Escaped(c) => escaped_str(*c).map(Piece::Literal),
                TemplatePart::Variable { name, default } => {
                    lookup(name).or(default.as_deref()).map(Piece::Literal)
                }
            })
            .collect()
    }

    /// Resolves the variables and compiles the result as a `StringLike` pattern; `None` as
    /// for [`Template::resolve`].
    pub fn resolve_pattern<'v>(
        &self,
        mut lookup: impl FnMut(&str) -> Option<&'v str>,
    ) -> Option<LikePattern> {
        let pieces = self.resolve(|key| lookup(key))?;
        Some(LikePattern::compile(&pieces))
    }

    /// The value with its variables substituted, as plain text for `StringEquals`-style
    /// comparisons; `None` when a variable's key is absent and it has no default.
    pub fn resolve_to_string<'v>(
        &self,
        mut lookup: impl FnMut(&str) -> Option<&'v str>,
    ) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                TemplatePart::Text(text) => out.push_str(text),
                TemplatePart::Escaped(c) => out.push(*c),
                TemplatePart::Variable { name, default } => {
                    out.push_str(lookup(name).or(default.as_deref())?);
                }
            }
        }
        Some(out)
    }
}

impl std::fmt::Display for Template {
    /// Writes the value back in Version `2012-10-17` syntax.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for part in &self.parts {
            match part {
                TemplatePart::Text(text) => f.write_str(text)?,
                TemplatePart::Escaped(c) => write!(f, "${{{c}}}")?,
                TemplatePart::Variable {
                    name,
                    default: None,
                } => write!(f, "${{{name}}}")?,
                TemplatePart::Variable {
                    name,
                    default: Some(default),
                } => write!(f, "${{{name}, '{default}'}}")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> TemplatePart {
        TemplatePart::Text(s.to_owned())
    }

    fn var(name: &str, default: Option<&str>) -> TemplatePart {
        TemplatePart::Variable {
            name: name.to_owned(),
            default: default.map(str::to_owned),
        }
    }

    fn parts(s: &str) -> Vec<TemplatePart> {
        parse_template(s).unwrap().parts
    }

    fn err(s: &str) -> TemplateError {
        parse_template(s).unwrap_err()
    }

    /// The text the error's offset and length point at.
    fn pointed(s: &str) -> &str {
        let e = err(s);
        &s[e.offset..e.offset + e.len]
    }

    #[test]
    fn plain_text() {
        assert_eq!(
            parts("system:serviceaccount:ns:*"),
            vec![text("system:serviceaccount:ns:*")]
        );
        assert_eq!(parts(""), vec![]);
        assert_eq!(parts("$ { } $x {y} '"), vec![text("$ { } $x {y} '")]);
        assert_eq!(parts("O'Brien"), vec![text("O'Brien")]);
        assert_eq!(parts("a}b"), vec![text("a}b")]);
        assert!(!parse_template("a*b").unwrap().has_variables());
    }

    #[test]
    fn variables() {
        assert_eq!(parts("${aws:username}"), vec![var("aws:username", None)]);
        assert_eq!(
            parts("home/${aws:username}/*"),
            vec![text("home/"), var("aws:username", None), text("/*")]
        );
        assert_eq!(
            parts("${aws:PrincipalTag/team, 'none'}"),
            vec![var("aws:PrincipalTag/team", Some("none"))]
        );
        assert_eq!(parts("${k,'d'}"), vec![var("k", Some("d"))]);
        assert_eq!(parts("${k,   'd'}"), vec![var("k", Some("d"))]);
        assert_eq!(parts("${k, 'd' }"), vec![var("k", Some("d"))]);
        assert_eq!(parts("${k, ''}"), vec![var("k", Some(""))]);
        assert_eq!(parts("${k, 'a}b, ${c'}"), vec![var("k", Some("a}b, ${c"))]);
        assert_eq!(
            parts("${token.actions.githubusercontent.com:sub}"),
            vec![var("token.actions.githubusercontent.com:sub", None)]
        );
        assert_eq!(parts("${a}${b}"), vec![var("a", None), var("b", None)]);
        let template = parse_template("x${a}y${b, 'z'}").unwrap();
        assert!(template.has_variables());
        assert_eq!(
            template.variables().collect::<Vec<_>>(),
            vec![("a", None), ("b", Some("z"))]
        );
    }

    #[test]
    fn escapes() {
        assert_eq!(
            parts("a${*}b${?}c${$}d"),
            vec![
                text("a"),
                TemplatePart::Escaped('*'),
                text("b"),
                TemplatePart::Escaped('?'),
                text("c"),
                TemplatePart::Escaped('$'),
                text("d"),
            ]
        );
        let template = parse_template("${*}").unwrap();
        assert!(!template.has_variables());
        assert_eq!(template.variables().count(), 0);
    }

    #[test]
    fn display_round_trips() {
        for s in [
            "",
            "a*b",
            "home/${aws:username}/*",
            "${k, 'd'}x${*}${?}${$}",
        ] {
            assert_eq!(parse_template(s).unwrap().to_string(), s);
        }
    }

    #[test]
    fn unclosed() {
        let e = err("${aws:username");
        assert_eq!(e.message, "unclosed policy variable `${aws:username`");
        assert_eq!(e.help, "close it with `}`");
        assert_eq!((e.offset, e.len), (0, 14));

        let e = err("home/${aws:username");
        assert_eq!((e.offset, e.len), (5, 14));
        assert_eq!(e.to_string(), "unclosed policy variable `${aws:username`");

        let e = err("${aws:username${aws:userid}");
        assert_eq!(e.message, "unclosed policy variable `${aws:username`");
        assert_eq!(pointed("${aws:username${aws:userid}"), "${aws:username");

        assert_eq!(err("${").message, "unclosed policy variable `${`");
        assert_eq!(
            err("ok ${k, 'd'").message,
            "unclosed policy variable `${k, 'd'`"
        );
        assert_eq!(err("${k, d").message, "unclosed policy variable `${k, d`");
        assert_eq!(err("${a}${").offset, 4);
    }

    #[test]
    fn empty_variable() {
        let e = err("a${}b");
        assert_eq!(e.message, "empty policy variable `${}`");
        assert_eq!(pointed("a${}b"), "${}");
        assert!(e.help.contains("`${aws:username}`"), "{}", e.help);

        let e = err("${, 'd'}");
        assert_eq!(
            e.message,
            "policy variable has no condition key before its default"
        );
        assert_eq!(pointed("${, 'd'}"), "${,");
    }

    #[test]
    fn whitespace_in_name() {
        let e = err("${aws: username}");
        assert_eq!(
            e.message,
            "policy variable name `aws: username` contains whitespace"
        );
        assert_eq!(e.help, "remove the whitespace: `${aws:username}`");
        assert_eq!(pointed("${aws: username}"), " ");
        assert_eq!(err("${ aws:username}").offset, 2);
        assert_eq!(
            err("${k , 'd'}").message,
            "policy variable name `k ` contains whitespace"
        );
        assert_eq!(
            err("${ * }").message,
            "policy variable name ` * ` contains whitespace"
        );
    }

    #[test]
    fn default_not_quoted() {
        let e = err("${k, none}");
        assert_eq!(
            e.message,
            "default value `none` of policy variable `k` is not in single quotes"
        );
        assert_eq!(e.help, "quote it: `${k, 'none'}`");
        assert_eq!(pointed("${k, none}"), "none");

        let e = err("${k, \"none\"}");
        assert_eq!(e.help, "quote it: `${k, 'none'}`");

        let e = err("${k,}");
        assert_eq!(
            e.message,
            "policy variable `k` has a comma but no default value"
        );
        assert_eq!(pointed("${k,}"), ",");
        assert_eq!(
            err("${k,  }").message,
            "policy variable `k` has a comma but no default value"
        );
    }

    #[test]
    fn default_missing_closing_quote() {
        let e = err("${k, 'none}");
        assert_eq!(
            e.message,
            "default value of policy variable `k` has no closing quote"
        );
        assert_eq!(e.help, "end the default with `'`, as in `${k, 'default'}`");
        assert_eq!(pointed("${k, 'none}"), "'none}");
    }

    #[test]
    fn stray_quote() {
        let e = err("${aws:username'}");
        assert_eq!(
            e.message,
            "stray `'` in policy variable name `aws:username'`"
        );
        assert_eq!(pointed("${aws:username'}"), "'");
        assert_eq!(err("${'k'}").offset, 2);

        let e = err("${k, 'it's'}");
        assert_eq!(
            e.message,
            "stray `'` after the default value of policy variable `k`"
        );
        assert_eq!(e.offset, 10);

        let e = err("${k, 'a' b}");
        assert_eq!(
            e.message,
            "unexpected `b` after the default value of policy variable `k`"
        );
        assert_eq!(
            e.help,
            "end the variable with `}` right after the closing quote, as in `${k, 'a'}`"
        );
        assert_eq!(pointed("${k, 'a' b}"), "b");
    }

    #[test]
    fn escape_with_default() {
        let e = err("${*, 'x'}");
        assert_eq!(e.message, "`${*}` takes no default value");
        assert_eq!(e.help, "write `${*}` alone");
        assert_eq!(pointed("a${*, 'x'}b"), "${*, 'x'}");
    }

    #[test]
    fn error_offsets_are_char_boundaries() {
        for s in ["é${é é}", "😀${k, 'é", "é${k, é}", "${é'}", "😀${k, 'a'é}"] {
            let e = err(s);
            assert!(s.get(e.offset..e.offset + e.len).is_some(), "{s:?}: {e:?}");
        }
    }

    #[test]
    fn resolve_substitutes_literally() {
        let template = parse_template("home/${aws:username}/*").unwrap();
        let pieces = template
            .resolve(|key| (key == "aws:username").then_some("a*"))
            .unwrap();
        assert_eq!(
            pieces,
            vec![
                Piece::Wild("home/"),
                Piece::Literal("a*"),
                Piece::Wild("/*")
            ]
        );
        let pattern = LikePattern::compile(&pieces);
        assert!(pattern.matches("home/a*/x"));
        assert!(!pattern.matches("home/abc/x"));

        let pattern = template.resolve_pattern(|_| Some("b?")).unwrap();
        assert!(pattern.matches("home/b?/"));
        assert!(!pattern.matches("home/bc/"));
    }

    #[test]
    fn resolve_defaults_and_missing_keys() {
        let template = parse_template("${k, 'dflt'}-${j}").unwrap();
        assert_eq!(
            template.resolve(|key| (key == "j").then_some("J")),
            Some(vec![
                Piece::Literal("dflt"),
                Piece::Wild("-"),
                Piece::Literal("J")
            ])
        );
        assert_eq!(
            template.resolve(|_| Some("v")),
            Some(vec![
                Piece::Literal("v"),
                Piece::Wild("-"),
                Piece::Literal("v")
            ])
        );
        assert_eq!(template.resolve(|key| (key == "k").then_some("K")), None);
        assert_eq!(
            template.resolve_to_string(|key| (key == "j").then_some("J")),
            Some("dflt-J".to_owned())
        );
        assert_eq!(template.resolve_to_string(|_| None), None);
        assert!(template.resolve_pattern(|_| None).is_none());
        // An empty default still counts as a value.
        let template = parse_template("x${k, ''}").unwrap();
        assert_eq!(template.resolve_to_string(|_| None), Some("x".to_owned()));
    }

    #[test]
    fn resolve_escapes() {
        let template = parse_template("${*}a*${?}${$}{").unwrap();
        let pieces = template.resolve(|_| None).unwrap();
        assert_eq!(
            pieces,
            vec![
                Piece::Literal("*"),
                Piece::Wild("a*"),
                Piece::Literal("?"),
                Piece::Literal("$"),
                Piece::Wild("{"),
            ]
        );
        let pattern = LikePattern::compile(&pieces);
        assert!(pattern.matches("*axyz?${"));
        assert!(!pattern.matches("xaxyz?${"));
        assert!(!pattern.matches("*axyzx${"));
        assert_eq!(
            template.resolve_to_string(|_| None),
            Some("*a*?${".to_owned())
        );

        let odd = Template {
            parts: vec![TemplatePart::Escaped('x')],
        };
        assert_eq!(odd.resolve(|_| None), None);
        assert_eq!(odd.resolve_to_string(|_| None), Some("x".to_owned()));
    }

    #[test]
    fn plain_templates_keep_dollar_braces() {
        let template = Template::plain("${aws:username}");
        assert!(!template.has_variables());
        assert_eq!(
            template.resolve_to_string(|_| None),
            Some("${aws:username}".to_owned())
        );
        assert_eq!(Template::plain("").parts, vec![]);
    }

    #[test]
    fn diagnostic_help() {
        use miette::Diagnostic as _;
        let e = err("${");
        assert_eq!(
            e.help().map(|h| h.to_string()),
            Some("close it with `}`".to_owned())
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        #[test]
        fn parse_never_panics_and_errors_point_inside(
            s in "[a${}',: *?é😀\t]{0,16}",
        ) {
            match parse_template(&s) {
                Ok(template) => {
                    // Rendering and parsing again gives the same template.
                    let again = parse_template(&template.to_string()).unwrap();
                    proptest::prop_assert_eq!(again, template);
                }
                Err(e) => {
                    proptest::prop_assert!(s.get(e.offset..e.offset + e.len).is_some(), "{:?}", e);
                    proptest::prop_assert!(!e.message.is_empty() && !e.help.is_empty());
                    proptest::prop_assert!(!e.message.ends_with('.'));
                }
            }
        }
    }
}
