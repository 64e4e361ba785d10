//! Building a [`TrustPolicy`] from JSON, recording every problem on the way (TL001–TL011).

use super::{
    ActionPattern, Actions, CompiledValue, Condition, ConditionValue, Effect, LanguageVersion,
    Operator, OperatorFamily, PrincipalEntry, PrincipalKind, Principals, SetQualifier, Spanned,
    Statement, TrustPolicy,
};
use crate::diagnostic::{code, Finding, RuleId, Severity};
use crate::json::{self, Member, Node, Value};
use crate::matching::{self, LikePattern, Template, TemplatePart};
use crate::source::Span;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// The default role trust policy size quota (non-whitespace characters).
pub const DEFAULT_SIZE_QUOTA: usize = 2048;
/// The largest quota AWS grants.
pub const MAX_SIZE_QUOTA: usize = 4096;
/// The largest policy trustlint builds a model of (non-whitespace characters): four times the
/// largest quota. IAM stores no trust policy this large, and every analysis stays fast below it
/// whatever the document holds (statements, principals, values, patterns); a larger document
/// gets its `TL009` error and no model.
pub const MAX_ANALYSED_SIZE: usize = 4 * MAX_SIZE_QUOTA;

/// A policy document and the problems found in it.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedPolicy {
    /// The model, if the text was JSON (even a document with problems gives a model).
    pub policy: Option<TrustPolicy>,
    /// Every problem, in source order.
    pub findings: Vec<Finding>,
}

impl ParsedPolicy {
    /// Whether IAM would refuse to store the document.
    #[must_use]
    pub fn iam_would_reject(&self) -> bool {
        self.findings.iter().any(|f| f.iam_rejects)
    }
}

/// Parse a trust policy document from bytes.
#[must_use]
pub fn parse_policy(bytes: &[u8]) -> ParsedPolicy {
    match json::parse(bytes) {
        Ok(node) => {
            let text = std::str::from_utf8(bytes).unwrap_or("");
            parse_policy_node(&node, text)
        }
        Err(err) => ParsedPolicy {
            policy: None,
            findings: vec![json_error_finding(&err)],
        },
    }
}

/// Turn a JSON syntax error into a TL001 finding.
#[must_use]
pub fn json_error_finding(err: &json::JsonError) -> Finding {
    let mut f = Finding::new(
        code::INVALID_JSON,
        Severity::Error,
        err.span,
        err.message.clone(),
    )
    .rejected_by_iam();
    f.help = match err.kind {
        // The JSON reader's advice is for any JSON; a policy is exactly one object.
        json::JsonErrorKind::Empty => Some(
            "a trust policy is one JSON object: `{\"Version\": \"2012-10-17\", \"Statement\": [ … ]}`"
                .to_owned(),
        ),
        json::JsonErrorKind::TrailingData => Some(
            "a policy document is exactly one JSON object (IAM: \"more than one JSON policy object\"); remove the extra text, or merge the statements into one `Statement` array"
                .to_owned(),
        ),
        _ => err.help.clone(),
    };
    f
}

/// Build a policy from an already parsed JSON value; `text` is the source the node's spans
/// point into.
#[must_use]
pub fn parse_policy_node(node: &Node, text: &str) -> ParsedPolicy {
    let mut cx = Cx {
        findings: Vec::new(),
        source: text,
    };
    let policy = cx.document(node, text);
    cx.findings.sort_by_key(|f| (f.span.start, f.span.end));
    ParsedPolicy {
        policy,
        findings: cx.findings,
    }
}

struct Cx<'t> {
    findings: Vec<Finding>,
    /// The source the spans point into.
    source: &'t str,
}

const TOP_KEYS: [&str; 3] = ["Version", "Id", "Statement"];
const STATEMENT_KEYS: [&str; 9] = [
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

impl Cx<'_> {
    /// Whether `span` holds `text` exactly, inside quotes (no escapes, no YAML folding): then an
    /// offset into `text` is an offset into the source after the opening quote.
    fn written_verbatim(&self, span: Span, text: &str) -> bool {
        span.len() == text.len() + 2
            && self
                .source
                .get(span.start + 1..span.end - 1)
                .is_some_and(|inner| inner == text)
    }

    fn push(&mut self, f: Finding) {
        self.findings.push(f);
    }

    fn error(&mut self, rule: RuleId, span: Span, message: String, help: &str) {
        self.push(
            Finding::new(rule, Severity::Error, span, message)
                .with_help(help)
                .rejected_by_iam(),
        );
    }

    /// Report duplicates among `members` (exact key repeats). With `fold_case`, keys that differ
    /// only by ASCII case are duplicates too. Returns nothing: callers use the last copy.
    /// Linear in the number of members.
    fn duplicates(&mut self, members: &[Member], fold_case: bool, what: &str) {
        let same = |a: &str, b: &str| {
            if fold_case {
                a.eq_ignore_ascii_case(b)
            } else {
                a == b
            }
        };
        // Objects of a policy are small: compare pairwise without allocating; hash large ones.
        let small = members.len() <= 16;
        let mut first_by_key: HashMap<Cow<'_, str>, &Member> = HashMap::new();
        for (i, m) in members.iter().enumerate() {
            let earlier = if small {
                members.iter().take(i).find(|p| same(&p.key, &m.key))
            } else {
                let key: Cow<'_, str> = if fold_case {
                    Cow::Owned(m.key.to_ascii_lowercase())
                } else {
                    Cow::Borrowed(m.key.as_str())
                };
                match first_by_key.get(&key).copied() {
                    Some(first) => Some(first),
                    None => {
                        first_by_key.insert(key, m);
                        None
                    }
                }
            };
            let Some(first) = earlier else {
                continue;
            };
            let (message, help) = if first.key == m.key {
                let help = match what {
                    "condition key" => "merge the two into one entry; most tools keep only the last copy, and IAM rejects the document",
                    "condition operator" => "merge the two blocks into one; most tools keep only the last copy, and IAM rejects the document",
                    _ => "keep one copy; most tools keep only the last one, and IAM rejects the document",
                };
                (format!("{what} `{}` appears more than once", m.key), help)
            } else {
                let why = if what == "condition operator" {
                    "condition operator names are compared case-insensitively"
                } else {
                    "condition keys are case-insensitive"
                };
                (
                    format!(
                        "{what} `{}` repeats `{}` with different letter case ({why})",
                        m.key, first.key
                    ),
                    "merge the two into one entry spelled one way; IAM rejects keys that differ only by case",
                )
            };
            self.push(
                Finding::new(code::DUPLICATE_KEY, Severity::Error, m.key_span, message)
                    .with_label(first.key_span, "first written here")
                    .with_help(help)
                    .rejected_by_iam(),
            );
        }
    }

    /// The last member with `key` (JSON readers keep the last of duplicated keys).
    fn last<'n>(members: &'n [Member], key: &str) -> Option<&'n Member> {
        members.iter().rev().find(|m| m.key == key)
    }

    /// Whether a member that is not an allowed element was most likely meant as `element` (a
    /// case, whitespace or one-letter variant, or a principal type written without `Principal`),
    /// so that its absence is already reported as an unknown element.
    fn misspelled(members: &[Member], element: &str) -> bool {
        members.iter().any(|m| {
            let key = m.key.trim();
            m.key != element
                && (key.eq_ignore_ascii_case(element)
                    || (key.len() > 3
                        && key.len() <= element.len() + 1
                        && edit_distance(&key.to_ascii_lowercase(), &element.to_ascii_lowercase())
                            <= 1)
                    || (element == "Principal"
                        && ["AWS", "Federated", "Service", "CanonicalUser"].contains(&key)))
        })
    }

    /// Report members whose key is not an element allowed at this level. `elsewhere` lists the
    /// elements of the other level (top level vs statement), to say where a key belongs.
    fn unknown_keys(
        &mut self,
        members: &[Member],
        allowed: &[&str],
        elsewhere: &[&str],
        level: &str,
    ) {
        for m in members {
            if allowed.contains(&m.key.as_str()) {
                continue;
            }
            let key = m.key.as_str();
            let trimmed = key.trim();
            let same_but_case = allowed.iter().find(|a| a.eq_ignore_ascii_case(trimmed));
            // Only short names can be typos of an element (and the distance stays cheap).
            let close = allowed
                .iter()
                .filter(|_| trimmed.len() <= 32)
                .map(|a| {
                    (
                        edit_distance(&trimmed.to_ascii_lowercase(), &a.to_ascii_lowercase()),
                        a,
                    )
                })
                .filter(|(d, a)| *d <= 2 && d * 3 <= a.len())
                .min_by_key(|(d, _)| *d)
                .map(|(_, a)| a);
            let (message, help) = if let Some(s) = same_but_case.filter(|s| **s == trimmed) {
                (
                    format!("unknown {level} element `{key}`: the name has surrounding whitespace"),
                    format!("write `{s}` without spaces"),
                )
            } else if let Some(s) = same_but_case {
                (
                    format!("unknown {level} element `{key}`: element names are case-sensitive"),
                    format!("write `{s}`"),
                )
            } else if level == "statement"
                && ["AWS", "Federated", "Service", "CanonicalUser"].contains(&trimmed)
            {
                (
                    format!("unknown statement element `{key}`: it is a principal type"),
                    format!("write it inside `Principal`: `\"Principal\": {{\"{trimmed}\": …}}`"),
                )
            } else if elsewhere.contains(&trimmed) {
                let (place, target) = if level == "top-level" {
                    ("inside a statement", "into a statement")
                } else {
                    (
                        "at the top level",
                        "to the top level of the document, next to `Statement`",
                    )
                };
                (
                    format!("unknown {level} element `{key}`: it belongs {place}"),
                    format!("move `{key}` {target}"),
                )
            } else if let Some(s) = close {
                (
                    format!("unknown {level} element `{key}`"),
                    format!("did you mean `{s}`? IAM rejects unknown elements"),
                )
            } else {
                (
                    format!("unknown {level} element `{key}`"),
                    format!(
                        "remove it (IAM rejects unknown elements; allowed here: {})",
                        allowed.join(", ")
                    ),
                )
            };
            self.error(code::UNKNOWN_ELEMENT, m.key_span, message, &help);
        }
    }

    fn document(&mut self, node: &Node, text: &str) -> Option<TrustPolicy> {
        let Some(members) = node.as_object() else {
            self.error(
                code::INVALID_JSON,
                node.span,
                format!(
                    "expected a policy document object, found {}",
                    node.kind_name()
                ),
                "a trust policy is one JSON object with `Version` and `Statement`",
            );
            return None;
        };
        self.duplicates(members, false, "element");
        self.unknown_keys(members, &TOP_KEYS, &STATEMENT_KEYS, "top-level");
        if self.size(node, text) {
            return None;
        }

        let version = Self::last(members, "Version").and_then(|m| self.version(&m.value));
        let language = match &version {
            Some(v) if v.value == "2012-10-17" => LanguageVersion::V2012,
            _ => LanguageVersion::V2008,
        };
        if Self::last(members, "Version").is_none() {
            self.push(
                Finding::new(
                    code::INVALID_VERSION,
                    Severity::Warning,
                    Span::new(node.span.start, node.span.start + 1),
                    "the policy has no `Version`: the 2008-10-17 language applies and policy variables are literal text",
                )
                .with_help("add `\"Version\": \"2012-10-17\"`"),
            );
        }
        let id = Self::last(members, "Id").and_then(|m| self.string_value(&m.value, "Id"));

        let mut statements = Vec::new();
        match Self::last(members, "Statement") {
            None if Self::misspelled(members, "Statement") => {}
            None => self.error(
                code::MISSING_ELEMENT,
                Span::new(node.span.start, node.span.start + 1),
                "the policy has no `Statement`".into(),
                "add a `Statement` array with at least one statement",
            ),
            Some(m) => match &m.value.value {
                Value::Array(items) => {
                    if items.is_empty() {
                        self.error(
                            code::MISSING_ELEMENT,
                            m.value.span,
                            "`Statement` is an empty array".into(),
                            "add at least one statement",
                        );
                    }
                    for item in items {
                        if let Some(s) = self.statement(item, statements.len(), language) {
                            statements.push(s);
                        }
                    }
                }
                Value::Object(_) => {
                    if let Some(s) = self.statement(&m.value, 0, language) {
                        statements.push(s);
                    }
                }
                _ => self.error(
                    code::INVALID_VALUE,
                    m.value.span,
                    format!(
                        "`Statement` must be an object or an array of objects, found {}",
                        m.value.kind_name()
                    ),
                    "write `\"Statement\": [{ … }]`",
                ),
            },
        }
        self.sids(&statements);
        Some(TrustPolicy {
            span: node.span,
            version,
            language,
            id,
            statements,
        })
    }

    /// Reports a document over the quota; whether it is too large to analyse.
    fn size(&mut self, node: &Node, text: &str) -> bool {
        let Some(doc) = text.get(node.span.start..node.span.end) else {
            return false;
        };
        // Characters are at most bytes: a document of at most the default quota in bytes is
        // within it (most are), without counting.
        if doc.len() <= DEFAULT_SIZE_QUOTA {
            return false;
        }
        let count = non_whitespace_chars(doc);
        let (severity, message, rejects) = if count > MAX_ANALYSED_SIZE {
            (
                Severity::Error,
                format!("the policy has {count} non-whitespace characters, more than the maximum role trust policy quota of {MAX_SIZE_QUOTA}; trustlint does not analyse documents over {MAX_ANALYSED_SIZE}"),
                true,
            )
        } else if count > MAX_SIZE_QUOTA {
            (
                Severity::Error,
                format!("the policy has {count} non-whitespace characters, more than the maximum role trust policy quota of {MAX_SIZE_QUOTA}"),
                true,
            )
        } else if count > DEFAULT_SIZE_QUOTA {
            (
                Severity::Warning,
                format!("the policy has {count} non-whitespace characters, more than the default role trust policy quota of {DEFAULT_SIZE_QUOTA}"),
                false,
            )
        } else {
            return false;
        };
        let help = if rejects {
            "split the trust into several roles, use a `StringLike` pattern for a whole namespace, or move the workloads to EKS Pod Identity: no quota goes above 4,096"
        } else {
            "merge statements (one condition key may list several subjects), use a `StringLike` pattern for a whole namespace, or request a quota increase (at most 4,096)"
        };
        let mut f = Finding::new(
            code::TRUST_POLICY_TOO_LARGE,
            severity,
            Span::new(node.span.start, node.span.start + 1),
            message,
        )
        .with_help(help);
        f.iam_rejects = rejects;
        self.push(f);
        count > MAX_ANALYSED_SIZE
    }

    fn version(&mut self, node: &Node) -> Option<Spanned<String>> {
        let v = self.string_value(node, "Version")?;
        match v.value.as_str() {
            "2012-10-17" => {}
            "2008-10-17" => self.push(
                Finding::new(
                    code::INVALID_VERSION,
                    Severity::Warning,
                    v.span,
                    "`Version` `2008-10-17` is the old policy language: policy variables are literal text",
                )
                .with_help("write `\"Version\": \"2012-10-17\"`"),
            ),
            other => self.error(
                code::INVALID_VERSION,
                v.span,
                format!("`Version` must be `2012-10-17` or `2008-10-17`, found `{other}`"),
                "write `\"Version\": \"2012-10-17\"` (it is a fixed language version, not a date of your choice)",
            ),
        }
        Some(v)
    }

    fn string_value(&mut self, node: &Node, element: &str) -> Option<Spanned<String>> {
        match node.as_str() {
            Some(s) => Some(Spanned {
                value: s.to_owned(),
                span: node.span,
            }),
            None => {
                self.error(
                    code::INVALID_VALUE,
                    node.span,
                    format!("`{element}` must be a string, found {}", node.kind_name()),
                    "quote the value",
                );
                None
            }
        }
    }

    fn statement(
        &mut self,
        node: &Node,
        index: usize,
        language: LanguageVersion,
    ) -> Option<Statement> {
        let Some(members) = node.as_object() else {
            self.error(
                code::INVALID_VALUE,
                node.span,
                format!("a statement must be an object, found {}", node.kind_name()),
                "write each statement as `{ \"Effect\": …, \"Principal\": …, \"Action\": … }`",
            );
            return None;
        };
        self.duplicates(members, false, "element");
        self.unknown_keys(members, &STATEMENT_KEYS, &TOP_KEYS, "statement");
        let head = Span::new(node.span.start, node.span.start + 1);

        let sid = Self::last(members, "Sid").and_then(|m| self.string_value(&m.value, "Sid"));
        let effect = match Self::last(members, "Effect") {
            None if Self::misspelled(members, "Effect") => None,
            None => {
                self.error(
                    code::MISSING_ELEMENT,
                    head,
                    "the statement has no `Effect`".into(),
                    "add `\"Effect\": \"Allow\"`",
                );
                None
            }
            Some(m) => self.effect(&m.value),
        };
        let principal = Self::last(members, "Principal").and_then(|m| self.principals(&m.value));
        let not_principal = Self::last(members, "NotPrincipal").map(|m| {
            self.error(
                code::FORBIDDEN_ELEMENT,
                m.key_span,
                "`NotPrincipal` is not allowed in a role trust policy".into(),
                "name the trusted principals in `Principal`, and exclude others with a `Deny` statement or conditions",
            );
            self.principals(&m.value).unwrap_or(Principals { span: m.value.span, any: false, entries: Vec::new() })
        });
        if Self::last(members, "Principal").is_none()
            && not_principal.is_none()
            && !Self::misspelled(members, "Principal")
        {
            self.error(
                code::MISSING_ELEMENT,
                head,
                "the statement has no `Principal`: every statement of a role trust policy must name who it trusts".into(),
                "add a `Principal`, e.g. `{\"Federated\": \"arn:aws:iam::<account>:oidc-provider/<issuer>\"}`",
            );
        }

        let action_member = Self::last(members, "Action");
        let not_action_member = Self::last(members, "NotAction");
        if let (Some(_), Some(n)) = (action_member, not_action_member) {
            self.error(
                code::MISSING_ELEMENT,
                n.key_span,
                "a statement cannot have both `Action` and `NotAction`".into(),
                "keep only `Action`",
            );
        }
        let action = match (action_member, not_action_member) {
            (Some(m), _) => self.actions(&m.value, false),
            (None, Some(m)) => self.actions(&m.value, true),
            (None, None) if Self::misspelled(members, "Action") => None,
            (None, None) => {
                self.error(
                    code::MISSING_ELEMENT,
                    head,
                    "the statement has no `Action`".into(),
                    "add the action the principal needs, e.g. `\"Action\": \"sts:AssumeRoleWithWebIdentity\"`",
                );
                None
            }
        };

        let mut resource = None;
        for name in ["Resource", "NotResource"] {
            if let Some(m) = Self::last(members, name) {
                self.error(
                    code::FORBIDDEN_ELEMENT,
                    m.key_span,
                    format!("`{name}` is not allowed in a role trust policy (IAM: \"Has prohibited field {name}\")"),
                    "remove it: the resource of a trust policy is always the role itself",
                );
                resource = Some(m.key_span.cover(m.value.span));
            }
        }

        let mut conditions = Vec::new();
        let condition_span = Self::last(members, "Condition").map(|m| {
            self.conditions(&m.value, language, &mut conditions);
            m.value.span
        });

        Some(Statement {
            index,
            span: node.span,
            sid,
            effect,
            principal,
            not_principal,
            action,
            resource,
            condition_span,
            conditions,
        })
    }

    fn effect(&mut self, node: &Node) -> Option<Spanned<Effect>> {
        let v = self.string_value(node, "Effect")?;
        let effect = match v.value.as_str() {
            "Allow" => Effect::Allow,
            "Deny" => Effect::Deny,
            other => {
                let help = if other.eq_ignore_ascii_case("allow") {
                    "write `Allow` (the value is case-sensitive)"
                } else if other.eq_ignore_ascii_case("deny") {
                    "write `Deny` (the value is case-sensitive)"
                } else {
                    "write `Allow` or `Deny`"
                };
                self.error(
                    code::INVALID_VALUE,
                    v.span,
                    format!("`Effect` must be exactly `Allow` or `Deny`, found `{other}`"),
                    help,
                );
                return None;
            }
        };
        Some(Spanned {
            value: effect,
            span: v.span,
        })
    }

    /// A string or non-empty array of strings; reports other shapes.
    fn strings<'n>(&mut self, node: &'n Node, element: &str) -> Vec<(&'n str, Span)> {
        match &node.value {
            Value::String(s) => vec![(s.as_str(), node.span)],
            Value::Array(items) => {
                if items.is_empty() {
                    self.push(
                        Finding::new(
                            code::INVALID_VALUE,
                            Severity::Warning,
                            node.span,
                            format!("`{element}` is an empty array: it matches nothing"),
                        )
                        .with_help("list at least one value, or remove the element"),
                    );
                }
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match item.as_str() {
                        Some(s) => out.push((s, item.span)),
                        None => self.error(
                            code::INVALID_VALUE,
                            item.span,
                            format!(
                                "values of `{element}` must be strings, found {}",
                                item.kind_name()
                            ),
                            "quote the value",
                        ),
                    }
                }
                out
            }
            _ => {
                self.error(
                    code::INVALID_VALUE,
                    node.span,
                    format!(
                        "`{element}` must be a string or an array of strings, found {}",
                        node.kind_name()
                    ),
                    "write a string, or an array of strings",
                );
                Vec::new()
            }
        }
    }

    fn principals(&mut self, node: &Node) -> Option<Principals> {
        match &node.value {
            Value::String(s) if s == "*" => Some(Principals {
                span: node.span,
                any: true,
                entries: Vec::new(),
            }),
            Value::Object(members) => {
                if members.is_empty() {
                    self.push(
                        Finding::new(
                            code::INVALID_VALUE,
                            Severity::Warning,
                            node.span,
                            "the principal is an empty object: it matches nobody",
                        )
                        .with_help("name the trusted principal, e.g. `{\"Federated\": \"arn:aws:iam::<account>:oidc-provider/<issuer>\"}`"),
                    );
                }
                self.duplicates(members, false, "principal type");
                let mut entries = Vec::new();
                for m in members {
                    let kind = match m.key.as_str() {
                        "AWS" => PrincipalKind::Aws,
                        "Federated" => PrincipalKind::Federated,
                        "Service" => PrincipalKind::Service,
                        "CanonicalUser" => PrincipalKind::CanonicalUser,
                        other => {
                            let fixed = ["AWS", "Federated", "Service", "CanonicalUser"]
                                .iter()
                                .find(|k| k.eq_ignore_ascii_case(other));
                            let help = match fixed {
                                Some(k) => {
                                    format!("write `{k}` (principal types are case-sensitive)")
                                }
                                None => "use `AWS`, `Federated` or `Service`".to_owned(),
                            };
                            self.error(
                                code::INVALID_VALUE,
                                m.key_span,
                                format!("unknown principal type `{other}`"),
                                &help,
                            );
                            continue;
                        }
                    };
                    for (value, span) in self.strings(&m.value, kind.as_str()) {
                        entries.push(PrincipalEntry {
                            kind,
                            value: value.to_owned(),
                            span,
                        });
                    }
                }
                Some(Principals {
                    span: node.span,
                    any: false,
                    entries,
                })
            }
            _ => {
                self.error(
                    code::INVALID_VALUE,
                    node.span,
                    format!("`Principal` must be `\"*\"` or an object, found {}", describe(node)),
                    "write e.g. `\"Principal\": {\"Federated\": \"arn:aws:iam::<account>:oidc-provider/<issuer>\"}`",
                );
                None
            }
        }
    }

    fn actions(&mut self, node: &Node, negated: bool) -> Option<Actions> {
        let element = if negated { "NotAction" } else { "Action" };
        let values = self.strings(node, element);
        let mut patterns = Vec::with_capacity(values.len());
        for (text, span) in values {
            if text != "*" {
                let colons = text.matches(':').count();
                let vendor_ok = text.split(':').next().is_some_and(|v| {
                    !v.is_empty() && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                });
                if colons != 1 || !vendor_ok {
                    self.error(
                        code::INVALID_VALUE,
                        span,
                        format!("action `{text}` is not of the form `service:Action`"),
                        "write e.g. `sts:AssumeRoleWithWebIdentity`",
                    );
                }
            }
            patterns.push(ActionPattern::new(text.to_owned(), span));
        }
        Some(Actions {
            negated,
            span: node.span,
            patterns,
        })
    }

    /// Report repeated (case-folded) keys among `members`, and return the members a last-wins
    /// reader keeps: of exact repeats, only the last copy.
    fn kept_members<'n>(&mut self, members: &'n [Member], what: &str) -> Vec<&'n Member> {
        self.duplicates(members, true, what);
        members
            .iter()
            .zip(last_copies(members))
            .filter_map(|(m, kept)| kept.then_some(m))
            .collect()
    }

    fn conditions(&mut self, node: &Node, language: LanguageVersion, out: &mut Vec<Condition>) {
        let Some(ops) = node.as_object() else {
            self.error(
                code::INVALID_VALUE,
                node.span,
                format!("`Condition` must be an object, found {}", node.kind_name()),
                "write `\"Condition\": {\"StringEquals\": {\"<key>\": \"<value>\"}}`",
            );
            return;
        };
        for op_member in self.kept_members(ops, "condition operator") {
            let operator = Operator::parse(&op_member.key);
            self.check_operator(op_member, operator);
            let Some(keys) = op_member.value.as_object() else {
                self.error(
                    code::INVALID_VALUE,
                    op_member.value.span,
                    format!(
                        "the value of condition operator `{}` must be an object of condition keys, found {}",
                        op_member.key,
                        op_member.value.kind_name()
                    ),
                    "write `{\"<condition key>\": \"<value>\"}`",
                );
                continue;
            };
            for key_member in self.kept_members(keys, "condition key") {
                self.check_condition_key(key_member);
                let values = self.condition_values(&key_member.value, operator, language);
                out.push(Condition {
                    operator_text: op_member.key.clone(),
                    operator,
                    operator_span: op_member.key_span,
                    key: key_member.key.clone(),
                    key_lower: key_member.key.to_ascii_lowercase(),
                    key_span: key_member.key_span,
                    values,
                    values_span: key_member.value.span,
                });
            }
        }
    }

    fn check_operator(&mut self, member: &Member, operator: Option<Operator>) {
        let span = member.key_span;
        match operator {
            None => {
                let help = suggest_operator(&member.key);
                let empty_body = member
                    .value
                    .as_object()
                    .is_some_and(<[Member]>::is_empty);
                if empty_body {
                    // IAM tolerates an unknown operator whose body is `{}` (SEMANTICS.md §2.4).
                    self.push(
                        Finding::new(
                            code::UNKNOWN_CONDITION_OPERATOR,
                            Severity::Warning,
                            span,
                            format!(
                                "unknown condition operator `{}` (its body is empty, so it has no effect)",
                                member.key
                            ),
                        )
                        .with_help(format!("{help}, or remove the empty operator")),
                    );
                } else {
                    self.error(
                        code::UNKNOWN_CONDITION_OPERATOR,
                        span,
                        format!("unknown condition operator `{}`", member.key),
                        &help,
                    );
                }
            }
            Some(op) if op.base == super::BaseOperator::Null && op.if_exists => self.error(
                code::UNKNOWN_CONDITION_OPERATOR,
                span,
                format!("`{}` is not a valid operator: `Null` cannot take `IfExists`", member.key),
                "use `Null` alone: it already tests whether the key exists",
            ),
            Some(op) if op.base == super::BaseOperator::Null && op.qualifier.is_some() => self.push(
                Finding::new(
                    code::UNKNOWN_CONDITION_OPERATOR,
                    Severity::Error,
                    span,
                    format!("`{}` is not a meaningful operator: a set qualifier on `Null` is always true or always false", member.key),
                )
                .with_help("use `Null` without `ForAnyValue:`/`ForAllValues:`"),
            ),
            Some(op) if !op.is_spelled(&member.key) => self.push(
                Finding::new(
                    code::UNKNOWN_CONDITION_OPERATOR,
                    Severity::Warning,
                    span,
                    format!(
                        "condition operator `{}` is not spelled the way IAM documents it: AWS does not say that operator names ignore letter case",
                        member.key
                    ),
                )
                .with_help(format!("write `{}`", op.canonical())),
            ),
            Some(_) => {}
        }
    }

    /// A condition key is a literal name: `${…}` in it is never substituted.
    fn check_condition_key(&mut self, member: &Member) {
        if member.key.contains("${") {
            self.push(
                Finding::new(
                    code::INVALID_POLICY_VARIABLE,
                    Severity::Error,
                    member.key_span,
                    format!(
                        "condition key `{}` contains `${{`: policy variables are substituted only in condition values, so the key is compared literally and is never present",
                        member.key
                    ),
                )
                .with_help("write the key out, e.g. `oidc.eks.<region>.amazonaws.com/id/<id>:sub` (an unrendered template variable?)"),
            );
        }
    }

    fn condition_values(
        &mut self,
        node: &Node,
        operator: Option<Operator>,
        language: LanguageVersion,
    ) -> Vec<ConditionValue> {
        let scalars: &[Node] = match &node.value {
            Value::Array(items) => {
                if items.is_empty() {
                    self.push(
                        Finding::new(
                            code::INVALID_VALUE,
                            Severity::Warning,
                            node.span,
                            "the condition key has an empty list of values",
                        )
                        .with_help("list at least one value, or remove the condition"),
                    );
                }
                items
            }
            _ => std::slice::from_ref(node),
        };
        let mut out = Vec::with_capacity(scalars.len());
        for item in scalars {
            let text = match &item.value {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.clone(),
                Value::Bool(b) => b.to_string(),
                _ => {
                    self.error(
                        code::INVALID_VALUE,
                        item.span,
                        format!(
                            "a condition value must be a string, number or boolean, found {}",
                            describe(item)
                        ),
                        "write the value as a string, or a flat array of strings",
                    );
                    continue;
                }
            };
            let compiled = self.compile_value(&text, item.span, operator, language);
            out.push(ConditionValue {
                text,
                span: item.span,
                compiled,
            });
        }
        out
    }

    fn compile_value(
        &mut self,
        text: &str,
        span: Span,
        operator: Option<Operator>,
        language: LanguageVersion,
    ) -> CompiledValue {
        let Some(op) = operator else {
            return CompiledValue::Text;
        };
        let family = op.base.family();
        let template = if text.contains("${") {
            self.template(text, span, op, language)
        } else {
            None
        };
        match family {
            OperatorFamily::StringExact | OperatorFamily::Binary | OperatorFamily::Ip => {
                template.map_or(CompiledValue::Text, CompiledValue::Template)
            }
            OperatorFamily::StringLike | OperatorFamily::Arn => match template {
                Some(t) => CompiledValue::Template(t),
                None if family == OperatorFamily::StringLike => {
                    CompiledValue::Like(LikePattern::wild(text))
                }
                None => CompiledValue::Text,
            },
            OperatorFamily::Bool => match template {
                Some(t) => CompiledValue::Template(t),
                None => CompiledValue::Bool(matching::parse_bool(text)),
            },
            OperatorFamily::Null => CompiledValue::Bool(matching::parse_bool(text)),
            OperatorFamily::Numeric => CompiledValue::Number(matching::parse_number(text)),
            OperatorFamily::Date => CompiledValue::Date(matching::parse_date(text)),
        }
    }

    /// Parse `${…}` in a value. Returns a template only when variables apply (Version 2012-10-17
    /// and an operator that takes them); otherwise the text stays literal and the mistake is reported.
    fn template(
        &mut self,
        text: &str,
        span: Span,
        op: Operator,
        language: LanguageVersion,
    ) -> Option<Template> {
        if language == LanguageVersion::V2008 {
            self.push(
                Finding::new(
                    code::INVALID_VERSION,
                    Severity::Error,
                    span,
                    "`${` is literal text here: policy variables need `\"Version\": \"2012-10-17\"`",
                )
                .with_help("add `\"Version\": \"2012-10-17\"` at the top of the policy"),
            );
            return None;
        }
        if !op.base.takes_variables() {
            self.push(
                Finding::new(
                    code::INVALID_POLICY_VARIABLE,
                    Severity::Error,
                    span,
                    format!("operator `{op}` does not take policy variables: `${{` is compared literally"),
                )
                .with_help("use a string or ARN operator, or write the value out"),
            );
            return None;
        }
        match matching::parse_template(text) {
            Ok(t) => {
                self.check_variables(&t, text, span, op);
                Some(t)
            }
            Err(e) => {
                // Point into the string literal: +1 skips the opening quote when the text is
                // written without escapes; otherwise underline the whole value.
                let inner = if self.written_verbatim(span, text) {
                    Span::new(
                        span.start + 1 + e.offset,
                        span.start + 1 + e.offset + e.len.max(1),
                    )
                } else {
                    span
                };
                self.push(
                    Finding::new(
                        code::INVALID_POLICY_VARIABLE,
                        Severity::Error,
                        inner,
                        e.message.clone(),
                    )
                    .with_help(e.help.clone()),
                );
                None
            }
        }
    }

    /// Lint well-formed variables that still cannot work as intended.
    fn check_variables(&mut self, template: &Template, text: &str, span: Span, op: Operator) {
        if op.base == super::BaseOperator::Bool {
            self.push(
                Finding::new(
                    code::INVALID_POLICY_VARIABLE,
                    Severity::Warning,
                    span,
                    "the AWS pages disagree on whether `Bool` takes policy variables: the value may be compared literally",
                )
                .with_help("write `true` or `false`, or compare the key with `StringEquals`"),
            );
        }
        let mut cursor = 0;
        for part in &template.parts {
            let TemplatePart::Variable { name, .. } = part else {
                continue;
            };
            // The variable as written (the parts are in source order): underline just it.
            let var_span = match text
                .get(cursor..)
                .and_then(|rest| rest.find(&format!("${{{name}")))
            {
                Some(at) => {
                    let start = cursor + at;
                    let len = text
                        .get(start..)
                        .and_then(|rest| rest.find('}'))
                        .map_or(2, |close| close + 1);
                    cursor = start + len;
                    if self.written_verbatim(span, text) {
                        Span::new(span.start + 1 + start, span.start + 1 + start + len)
                    } else {
                        span
                    }
                }
                None => span,
            };
            let span = var_span;
            let lower = name.to_ascii_lowercase();
            if !name.contains(':') {
                // Every condition key has a `service:` prefix; `${namespace}` is a template
                // variable of another tool (Terraform, Helm, envsubst) left unrendered.
                self.push(
                    Finding::new(
                        code::INVALID_POLICY_VARIABLE,
                        Severity::Error,
                        span,
                        format!("policy variable `${{{name}}}` names no condition key (keys look like `aws:username`): it never resolves, so the value is effectively null"),
                    )
                    .with_help("render the template that produced this value, or name a condition key such as `${aws:PrincipalTag/team}`"),
                );
            } else if lower == "aws:tagkeys" || lower.ends_with(":amr") {
                self.push(
                    Finding::new(
                        code::INVALID_POLICY_VARIABLE,
                        Severity::Error,
                        span,
                        format!("policy variable `${{{name}}}` names a multi-valued key, which cannot be a policy variable: it never resolves"),
                    )
                    .with_help("only single-valued keys can be policy variables; compare the key itself with a `ForAnyValue:` operator"),
                );
            }
        }
    }

    fn sids(&mut self, statements: &[Statement]) {
        let mut first_by_sid: HashMap<&str, &Spanned<String>> = HashMap::new();
        for s in statements {
            let Some(sid) = &s.sid else { continue };
            if sid.value.bytes().any(|b| !b.is_ascii_alphanumeric()) {
                self.error(
                    code::INVALID_SID,
                    sid.span,
                    format!(
                        "`Sid` `{}` may contain only ASCII letters and digits",
                        sid.value
                    ),
                    "remove spaces, dashes and other characters, e.g. `AllowPayments`",
                );
            }
            if sid.value.is_empty() {
                continue;
            }
            let first = *first_by_sid.entry(sid.value.as_str()).or_insert(sid);
            if !std::ptr::eq(first, sid) {
                self.push(
                    Finding::new(
                        code::INVALID_SID,
                        Severity::Error,
                        sid.span,
                        format!("`Sid` `{}` is used by two statements", sid.value),
                    )
                    .with_label(first.span, "first used here")
                    .with_help("give every statement a unique `Sid`")
                    .rejected_by_iam(),
                );
            }
        }
    }
}

/// Count non-whitespace characters (JSON whitespace outside strings is not counted; every
/// character inside a string is, which is the conservative reading of the quota, SEMANTICS.md §1.8).
fn non_whitespace_chars(doc: &str) -> usize {
    let mut in_string = false;
    let mut escaped = false;
    let mut count = 0;
    // Byte by byte: the bytes that matter are ASCII, and a character is counted at its first
    // byte (UTF-8 continuation bytes are `0b10xx_xxxx`).
    for &b in doc.as_bytes() {
        let starts_char = b & 0xC0 != 0x80;
        if in_string {
            count += usize::from(starts_char);
            if escaped {
                // The escaped character's other bytes, if any, are continuation bytes: never
                // `\\` or `"`.
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
            count += usize::from(starts_char);
            if b == b'"' {
                in_string = true;
            }
        }
    }
    count
}

/// For each member, whether it is the last one with its exact key (the copy last-wins JSON
/// readers keep). Linear.
fn last_copies(members: &[Member]) -> Vec<bool> {
    // Objects of a policy are small: compare pairwise without hashing; hash large ones.
    if members.len() <= 16 {
        return members
            .iter()
            .enumerate()
            .map(|(i, m)| members.iter().skip(i + 1).all(|later| later.key != m.key))
            .collect();
    }
    last_copies_hashed(members)
}

fn last_copies_hashed(members: &[Member]) -> Vec<bool> {
    let mut seen: HashSet<&str> = HashSet::with_capacity(members.len());
    let mut kept: Vec<bool> = members
        .iter()
        .rev()
        .map(|m| seen.insert(m.key.as_str()))
        .collect();
    kept.reverse();
    kept
}

fn describe(node: &Node) -> String {
    match &node.value {
        Value::Null => "`null`".to_owned(),
        _ => node.kind_name().to_owned(),
    }
}

fn suggest_operator(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    for q in ["forallvalues", "foranyvalue"] {
        if let Some(rest) = lower.strip_prefix(q) {
            if !rest.starts_with(':') && Operator::parse(rest).is_some() {
                let qualifier = if q == "forallvalues" {
                    "ForAllValues"
                } else {
                    "ForAnyValue"
                };
                let fixed = Operator::parse(rest)
                    .map(|o| o.canonical())
                    .unwrap_or_default();
                return format!(
                    "write `{qualifier}:{fixed}` (the qualifier is followed by a colon)"
                );
            }
        }
    }
    // Very long names are not typos of an operator; skip the quadratic distance.
    if lower.len() <= 64 {
        let mut best: Option<(usize, String)> = None;
        for base in super::BaseOperator::all() {
            for qualifier in [
                None,
                Some(SetQualifier::ForAnyValue),
                Some(SetQualifier::ForAllValues),
            ] {
                for if_exists in [false, true] {
                    let candidate = Operator {
                        qualifier,
                        base: *base,
                        if_exists,
                    }
                    .canonical();
                    let d = edit_distance(&lower, &candidate.to_ascii_lowercase());
                    if best.as_ref().is_none_or(|(b, _)| d < *b) {
                        best = Some((d, candidate));
                    }
                }
            }
        }
        if let Some((d, op)) = best {
            if d <= 3 && d * 3 <= lower.len() {
                return format!("did you mean `{op}`?");
            }
        }
    }
    "use an IAM condition operator such as `StringEquals` or `StringLike`".to_owned()
}

/// Levenshtein distance over bytes (short operator names only).
fn edit_distance(a: &str, b: &str) -> usize {
    let b = b.as_bytes();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.bytes().enumerate() {
        let mut cur = Vec::with_capacity(b.len() + 1);
        cur.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(usize::MAX / 2) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(usize::MAX / 2) + 1;
            let ins = cur.get(j).copied().unwrap_or(usize::MAX / 2) + 1;
            cur.push(sub.min(del).min(ins));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        /// The pairwise path for small objects keeps the same members as the hashed one.
        #[test]
        fn last_copies_pairwise_and_hashed_agree(keys in prop::collection::vec("[ab]{0,2}", 0..20)) {
            let members: Vec<crate::json::Member> = keys
                .iter()
                .map(|k| crate::json::Member {
                    key: k.clone(),
                    key_span: crate::source::Span::new(0, 0),
                    value: crate::json::parse(b"null").expect("null parses"),
                })
                .collect();
            prop_assert_eq!(super::last_copies(&members), super::last_copies_hashed(&members));
        }
    }

    use super::non_whitespace_chars;

    /// The count written plainly, character by character.
    fn plain_count(doc: &str) -> usize {
        let (mut in_string, mut escaped, mut count) = (false, false, 0);
        for c in doc.chars() {
            if in_string {
                count += 1;
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    in_string = false;
                }
            } else if !matches!(c, ' ' | '\t' | '\n' | '\r') {
                count += 1;
                in_string = c == '"';
            }
        }
        count
    }

    proptest::proptest! {
        /// The byte-wise count agrees with the character-wise one, multi-byte characters and
        /// escapes of them included.
        #[test]
        fn non_whitespace_chars_agree_with_a_plain_count(doc in "[a\" \\\\\t\n\ré😀{}:,]{0,40}") {
            proptest::prop_assert_eq!(non_whitespace_chars(&doc), plain_count(&doc));
        }
    }
}
