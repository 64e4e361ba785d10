//! Recognising the JSON inputs of INTERFACE.md and extracting their trust policies, with spans
//! that point into the user's file even when a policy is embedded as a (URL-encoded) string.

pub mod cloudformation;
pub mod terraform;
pub mod unknown;

pub use unknown::Unknown;

use crate::diagnostic::{code, Finding, Severity};
use crate::json::{self, Node, Value};
use crate::policy::{parse::json_error_finding, parse_policy_node, ParsedPolicy};
use crate::source::Span;

/// What kind of document a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// A bare trust policy.
    Policy,
    /// `aws iam get-role` output.
    GetRole,
    /// `aws iam get-account-authorization-details` output.
    AuthorizationDetails,
    /// `aws iam list-roles` output.
    ListRoles,
    /// `terraform show -json` output (a plan, or a state).
    TerraformPlan,
    /// A CloudFormation template (JSON or YAML).
    CloudFormation,
    /// Valid JSON that is none of the above.
    Unrecognized,
    /// Not valid JSON.
    Invalid,
}

impl InputKind {
    /// A short name for messages.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            InputKind::Policy => "trust policy",
            InputKind::GetRole => "get-role output",
            InputKind::AuthorizationDetails => "get-account-authorization-details output",
            InputKind::ListRoles => "list-roles output",
            InputKind::TerraformPlan => "Terraform plan",
            InputKind::CloudFormation => "CloudFormation template",
            InputKind::Unrecognized => "unrecognized JSON",
            InputKind::Invalid => "invalid JSON",
        }
    }
}

/// A policy held as a string inside the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embedded {
    /// The decoded policy text.
    pub text: String,
    /// For every byte of `text` (and one past the end), the byte offset in the file it came from.
    pub map: Vec<usize>,
    /// Whether the string was URL-encoded.
    pub url_encoded: bool,
    /// For every byte of `text`, the byte offset in the file just past the text it came from
    /// (so that a span ending at that byte ends exactly there); empty when span ends map through
    /// `map` (the end of a span is where the next byte came from).
    pub ends: Vec<usize>,
}

impl Embedded {
    /// Map a span of `text` to a span in the file.
    #[must_use]
    pub fn map_span(&self, span: Span) -> Span {
        if self.ends.is_empty() || span.end <= span.start {
            return map_span(&self.map, span);
        }
        let start = map_span(&self.map, span).start;
        let end = self
            .ends
            .get(span.end - 1)
            .copied()
            .unwrap_or_else(|| map_span(&self.map, span).end);
        Span::new(start, end.max(start))
    }
}

/// One trust policy found in an input.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicySource {
    /// The name the input gives the role (role name, resource address or logical id), if any.
    pub name: Option<String>,
    /// The IAM role name, where the input gives it (for a Terraform resource, its `name`).
    pub role_name: Option<String>,
    /// The role ARN, if the input gives it.
    pub arn: Option<String>,
    /// The role's account (from its ARN), if known.
    pub account: Option<String>,
    /// The policy and its problems. Finding spans point into the file; model spans point into
    /// [`PolicySource::text`].
    pub parsed: ParsedPolicy,
    /// The decoded text when the policy is embedded as a string.
    pub embedded: Option<Embedded>,
    /// The values of the policy that trustlint cannot know (CloudFormation intrinsics it cannot
    /// resolve), in text order; their spans point into [`PolicySource::text`]. Rules do not
    /// decide on them and evaluation treats them as unknown (see [`unknown`]).
    pub unknowns: Vec<Unknown>,
}

impl PolicySource {
    /// Whether `what` names this role: its name in the input (role name, resource address or
    /// logical id), its IAM role name, or its ARN.
    #[must_use]
    pub fn answers_to(&self, what: &str) -> bool {
        [&self.name, &self.role_name, &self.arn]
            .into_iter()
            .any(|n| n.as_deref() == Some(what))
    }

    /// The text that the model's spans point into: the decoded embedded text, or `file`.
    #[must_use]
    pub fn text<'a>(&'a self, file: &'a str) -> &'a str {
        self.embedded.as_ref().map_or(file, |e| e.text.as_str())
    }

    /// Map a model span to a span in the file.
    #[must_use]
    pub fn file_span(&self, span: Span) -> Span {
        match &self.embedded {
            None => span,
            Some(e) => e.map_span(span),
        }
    }

    /// Whether the policy holds a value trustlint cannot know.
    #[must_use]
    pub fn has_unknowns(&self) -> bool {
        !self.unknowns.is_empty()
    }

    /// The spans of the unknown values, in [`PolicySource::text`].
    #[must_use]
    pub fn unknown_spans(&self) -> Vec<Span> {
        self.unknowns.iter().map(|u| u.span).collect()
    }

    /// `text` (a value of the policy) with each unknown written as its description.
    #[must_use]
    pub fn show(&self, text: &str) -> String {
        if self.unknowns.is_empty() {
            text.to_owned()
        } else {
            unknown::show(text, &self.unknowns)
        }
    }
}

pub(crate) fn map_span(map: &[usize], span: Span) -> Span {
    let last = map.last().copied().unwrap_or(0);
    let start = map.get(span.start).copied().unwrap_or(last);
    let end = map.get(span.end).copied().unwrap_or(last).max(start);
    Span::new(start, end)
}

/// Everything found in one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// What the file is.
    pub kind: InputKind,
    /// The trust policies it holds.
    pub policies: Vec<PolicySource>,
    /// Problems with the file itself (not with a policy).
    pub findings: Vec<Finding>,
}

/// The top-level members of a document whose arrays are read one element at a time: the role
/// lists, and the other (possibly large) lists of an authorization-details dump.
const DEFERRED_KEYS: &[&str] = &[
    "RoleDetailList",
    "Roles",
    "UserDetailList",
    "GroupDetailList",
    "Policies",
];

/// The members of a role that [`read_role`] reads: a dump's roles are built with only these.
const ROLE_KEYS: &[&str] = &["RoleName", "Arn", "AssumeRolePolicyDocument"];

/// The keys of the lists that hold roles (of authorization-details and list-roles documents).
const ROLE_LIST_KEYS: &[&str] = &["RoleDetailList", "Roles"];

/// Read one file's bytes: JSON inputs, and CloudFormation templates in JSON or YAML.
#[must_use]
pub fn read_input(bytes: &[u8]) -> Input {
    let prepared = prepare_input(bytes);
    let mut input = prepared.input;
    prepared
        .roles
        .read_into(0..prepared.roles.len(), &mut input);
    input
}

/// A file read up to its role list: what [`read_input`] returns, except that the roles of an
/// authorization-details or list-roles document are not read yet. They are read one at a time
/// (or in ranges, e.g. one per thread) from [`Prepared::roles`], which never holds more than
/// one role's tree, so that a large dump is never held as one tree.
#[derive(Debug, Clone)]
pub struct Prepared<'a> {
    /// What the file is, its findings and its policies, without those of [`Prepared::roles`].
    pub input: Input,
    /// The roles still to read (empty for other inputs).
    pub roles: RoleList<'a>,
}

/// The roles of a dump, not read yet.
#[derive(Debug, Clone, Default)]
pub struct RoleList<'a> {
    /// The file's text.
    text: &'a str,
    /// Where each role's object starts.
    starts: Vec<usize>,
    /// Where the list starts (its `[`), when there is one.
    list: Option<usize>,
}

/// One entry of a role list, read.
#[derive(Debug, Clone, PartialEq)]
pub enum RoleEntry {
    /// A role and its trust policy.
    Policy(Box<PolicySource>),
    /// A problem with the entry itself (a role without a trust policy): a finding on the file.
    Finding(Finding),
}

impl<'a> RoleList<'a> {
    /// How many roles there are.
    #[must_use]
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Whether there is none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// The offset of the list's `[` in the file, when the file has a role list: the list whose
    /// elements [`prepare_streaming`] handed out are the roles.
    #[must_use]
    pub fn list(&self) -> Option<usize> {
        self.list
    }

    /// Read the roles at the indices `range` (clamped to [`RoleList::len`]), in order, handing
    /// each to `f`; only one role's tree is held at a time.
    pub fn for_each(&self, range: std::ops::Range<usize>, mut f: impl FnMut(RoleEntry)) {
        let end = range.end.min(self.starts.len());
        let start = range.start.min(end);
        for &offset in self.starts.get(start..end).unwrap_or_default() {
            // The whole document was validated, so an element cannot fail to parse.
            if let Ok(role) = json::parse_element_keeping(self.text, offset, ROLE_KEYS) {
                f(read_role(&role, self.text));
            }
        }
    }

    /// Read the roles at the indices `range` into `input` (policies, and findings on the file),
    /// as [`read_input`] would have.
    pub fn read_into(&self, range: std::ops::Range<usize>, input: &mut Input) {
        self.for_each(range, |entry| match entry {
            RoleEntry::Policy(p) => input.policies.push(*p),
            RoleEntry::Finding(f) => input.findings.push(f),
        });
    }
}

/// Read one file's bytes up to its role list (see [`Prepared`]); [`read_input`] is this and
/// [`RoleList::read_into`] over every role.
#[must_use]
pub fn prepare_input(bytes: &[u8]) -> Prepared<'_> {
    match std::str::from_utf8(bytes) {
        Ok(text) => prepare_text(text),
        Err(e) => unreadable("", json::utf8_error(bytes, &e)),
    }
}

/// [`prepare_input`] for bytes already known to be UTF-8.
#[must_use]
pub fn prepare_text(text: &str) -> Prepared<'_> {
    match json::parse_deferring_str(text, DEFERRED_KEYS) {
        Ok((root, deferred)) => prepared(text, &root, deferred),
        Err(err) => unreadable(text, err),
    }
}

/// [`prepare_text`], reading the elements of the lists that can be role lists while the file is
/// read (one pass instead of two): each is handed to `sink` with the offset of its list's `[`
/// as soon as it is read (objects with only the members [`read_role`] needs). The roles of the
/// file are the elements of the list [`RoleList::list`] names, read with [`read_role`]; the
/// sink's other elements, and all of them when the file turns out to be no dump, are not roles.
/// The result is [`prepare_text`]'s.
pub fn prepare_streaming<'a>(text: &'a str, sink: &mut dyn FnMut(usize, Node)) -> Prepared<'a> {
    let defer: Vec<&str> = DEFERRED_KEYS
        .iter()
        .copied()
        .filter(|k| !ROLE_LIST_KEYS.contains(k))
        .collect();
    match json::parse_streaming(text, &defer, ROLE_LIST_KEYS, ROLE_KEYS, sink) {
        Ok((root, deferred)) => prepared(text, &root, deferred),
        Err(err) => unreadable(text, err),
    }
}

/// What [`prepare_text`] returns for the parsed `root` and its deferred lists.
fn prepared<'a>(text: &'a str, root: &Node, deferred: Vec<json::Deferred>) -> Prepared<'a> {
    let whole = |input: Input| Prepared {
        input,
        roles: RoleList::default(),
    };
    let kind = kind_of(root);
    if !deferred.is_empty()
        && !matches!(kind, InputKind::AuthorizationDetails | InputKind::ListRoles)
    {
        // Some other input that happens to have such a list: read it whole, as it is.
        return match json::parse_str(text) {
            Ok(root) => whole(read_root(&root, text)),
            Err(_) => whole(read_root(root, text)),
        };
    }
    let mut input = Input {
        kind,
        policies: Vec::new(),
        findings: Vec::new(),
    };
    let list_key = match kind {
        InputKind::AuthorizationDetails => "RoleDetailList",
        InputKind::ListRoles => "Roles",
        _ => return whole(read_root(root, text)),
    };
    // The list a typical JSON reader keeps: the last member with the key.
    let chosen = root
        .get(list_key)
        .and_then(|list| deferred.into_iter().find(|d| d.start == list.span.start));
    let list = chosen.as_ref().map(|d| d.start);
    let starts = chosen.map(|d| d.elements).unwrap_or_default();
    input.kind = kind;
    Prepared {
        input,
        roles: RoleList { text, starts, list },
    }
}

/// A file that is not JSON (`err`): a CloudFormation template in YAML, or the JSON error.
fn unreadable(text: &str, err: json::JsonError) -> Prepared<'_> {
    let whole = |input: Input| Prepared {
        input,
        roles: RoleList::default(),
    };
    // Text that starts like JSON is reported as broken JSON, not retried as YAML.
    let json_like = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with(['{', '[']);
    if !json_like {
        let options = cloudformation::TemplateOptions::default();
        if let Some(input) = cloudformation::read_yaml(text, &options) {
            return whole(input);
        }
    }
    whole(Input {
        kind: InputKind::Invalid,
        policies: vec![PolicySource {
            name: None,
            role_name: None,
            arn: None,
            account: None,
            parsed: ParsedPolicy {
                policy: None,
                findings: vec![json_error_finding(&err)],
            },
            embedded: None,
            unknowns: Vec::new(),
        }],
        findings: Vec::new(),
    })
}

fn read_root(root: &Node, text: &str) -> Input {
    if cloudformation::is_template_json(root) {
        return cloudformation::read_json(root, text);
    }
    read_node(root, text)
}

/// What a parsed document is (templates and plans first, as [`read_input`] tries them).
fn kind_of(root: &Node) -> InputKind {
    if root.as_object().is_none() {
        InputKind::Unrecognized
    } else if cloudformation::is_template_json(root) {
        InputKind::CloudFormation
    } else if terraform::is_plan(root) {
        InputKind::TerraformPlan
    } else if root.get("Role").is_some_and(|r| r.as_object().is_some()) {
        InputKind::GetRole
    } else if root.get("RoleDetailList").is_some() {
        InputKind::AuthorizationDetails
    } else if root.get("Roles").is_some() {
        InputKind::ListRoles
    } else if root.get("Statement").is_some() || root.get("Version").is_some() {
        InputKind::Policy
    } else {
        InputKind::Unrecognized
    }
}

fn read_node(root: &Node, text: &str) -> Input {
    let mut input = Input {
        kind: InputKind::Unrecognized,
        policies: Vec::new(),
        findings: Vec::new(),
    };
    let Some(_) = root.as_object() else {
        return input;
    };
    let mut push = |entry| match entry {
        RoleEntry::Policy(p) => input.policies.push(*p),
        RoleEntry::Finding(f) => input.findings.push(f),
    };
    let kind = if terraform::is_plan(root) {
        let (policies, findings) = terraform::plan_policies(root, text);
        input.policies = policies;
        input.findings = findings;
        InputKind::TerraformPlan
    } else if let Some(role) = root.get("Role").filter(|r| r.as_object().is_some()) {
        push(read_role(role, text));
        InputKind::GetRole
    } else if let Some(list) = root.get("RoleDetailList") {
        for role in list.as_array().unwrap_or(&[]) {
            push(read_role(role, text));
        }
        InputKind::AuthorizationDetails
    } else if let Some(list) = root.get("Roles") {
        for role in list.as_array().unwrap_or(&[]) {
            push(read_role(role, text));
        }
        InputKind::ListRoles
    } else if root.get("Statement").is_some() || root.get("Version").is_some() {
        input.policies.push(PolicySource {
            name: None,
            role_name: None,
            arn: None,
            account: None,
            parsed: parse_policy_node(root, text),
            embedded: None,
            unknowns: Vec::new(),
        });
        InputKind::Policy
    } else {
        InputKind::Unrecognized
    };
    input.kind = kind;
    input
}

/// A role of a dump, as one of [`prepare_streaming`]'s elements (or as read from the file).
#[must_use]
pub fn read_role(role: &Node, text: &str) -> RoleEntry {
    let name = role
        .get("RoleName")
        .and_then(Node::as_str)
        .map(str::to_owned);
    let arn = role.get("Arn").and_then(Node::as_str).map(str::to_owned);
    let account = arn
        .as_deref()
        .and_then(|a| a.split(':').nth(4))
        .filter(|a| !a.is_empty())
        .map(str::to_owned);
    let Some(doc) = role.get("AssumeRolePolicyDocument") else {
        return RoleEntry::Finding(
            Finding::new(
                code::MISSING_ELEMENT,
                Severity::Info,
                role.span,
                format!(
                    "role `{}` has no `AssumeRolePolicyDocument`",
                    name.as_deref().unwrap_or("?")
                ),
            )
            .with_help(
                "export roles with `aws iam get-account-authorization-details --filter Role`",
            ),
        );
    };
    let (parsed, embedded) = match &doc.value {
        Value::Object(_) => (parse_policy_node(doc, text), None),
        Value::String(_) => embedded_policy(doc, text),
        _ => (
            ParsedPolicy {
                policy: None,
                findings: vec![Finding::new(
                    code::INVALID_VALUE,
                    Severity::Error,
                    doc.span,
                    format!(
                        "`AssumeRolePolicyDocument` must be an object or a string, found {}",
                        doc.kind_name()
                    ),
                )
                .rejected_by_iam()],
            },
            None,
        ),
    };
    RoleEntry::Policy(Box::new(PolicySource {
        role_name: name.clone(),
        name,
        arn,
        account,
        parsed,
        embedded,
        unknowns: Vec::new(),
    }))
}

/// A policy given as a JSON string, possibly URL-encoded (the raw IAM API form).
pub(crate) fn embedded_policy(doc: &Node, text: &str) -> (ParsedPolicy, Option<Embedded>) {
    let base = doc.span.start + 1;
    let raw = text.get(base..doc.span.end.saturating_sub(1)).unwrap_or("");
    let Some((unescaped, map1)) = json::unescape_with_map(raw) else {
        return (
            ParsedPolicy {
                policy: None,
                findings: Vec::new(),
            },
            None,
        );
    };
    let trimmed = unescaped.trim_start();
    let url_encoded = trimmed.len() >= 3
        && trimmed
            .get(..3)
            .is_some_and(|h| h.eq_ignore_ascii_case("%7B"));
    let (decoded_bytes, map2) = if url_encoded {
        percent_decode(&unescaped)
    } else {
        (
            unescaped.as_bytes().to_vec(),
            (0..=unescaped.len()).collect(),
        )
    };
    let map: Vec<usize> = map2
        .iter()
        .map(|&i| base + map1.get(i).copied().unwrap_or(raw.len()))
        .collect();
    let decoded = match String::from_utf8(decoded_bytes) {
        Ok(s) => s,
        Err(e) => {
            let at = map
                .get(e.utf8_error().valid_up_to())
                .copied()
                .unwrap_or(doc.span.start);
            let f = Finding::new(
                code::INVALID_JSON,
                Severity::Error,
                Span::new(at, at + 1),
                "the URL-encoded policy decodes to text that is not valid UTF-8",
            )
            .rejected_by_iam();
            return (
                ParsedPolicy {
                    policy: None,
                    findings: vec![f],
                },
                None,
            );
        }
    };
    let parsed = match json::parse_str(&decoded) {
        Ok(node) => parse_policy_node(&node, &decoded),
        Err(err) => ParsedPolicy {
            policy: None,
            findings: vec![json_error_finding(&err)],
        },
    };
    let findings = parsed
        .findings
        .into_iter()
        .map(|f| f.map_spans(|s| map_span(&map, s)))
        .collect();
    let parsed = ParsedPolicy {
        policy: parsed.policy,
        findings,
    };
    (
        parsed,
        Some(Embedded {
            text: decoded,
            map,
            url_encoded,
            ends: Vec::new(),
        }),
    )
}

/// URL-decode `raw` (whose bytes map to the file through `raw_map`, one entry per byte plus the
/// end), returning the decoded text (invalid UTF-8 replaced) and its map into the file.
pub(crate) fn embedded_url_decode(raw: &str, raw_map: &[usize]) -> (String, Vec<usize>) {
    let (bytes, map) = percent_decode(raw);
    let last = raw_map.last().copied().unwrap_or(0);
    let map = map
        .iter()
        .map(|&i| raw_map.get(i).copied().unwrap_or(last))
        .collect::<Vec<_>>();
    match String::from_utf8(bytes) {
        Ok(s) => (s, map),
        Err(_) => (raw.to_owned(), raw_map.to_vec()),
    }
}

/// Decode `%XX` escapes; returns the bytes and, for each output byte (plus the end), the input
/// offset it came from. Malformed escapes are kept literally.
fn percent_decode(s: &str) -> (Vec<u8>, Vec<usize>) {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut map = Vec::with_capacity(bytes.len() + 1);
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(v) = hex {
                out.push(v);
                map.push(i);
                i += 3;
                continue;
            }
        }
        out.push(b);
        map.push(i);
        i += 1;
    }
    map.push(bytes.len());
    (out, map)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole-tree reading of a document, as `read_input` did before role lists were read one
    /// role at a time.
    fn read_whole(bytes: &[u8]) -> Input {
        let root = json::parse(bytes).expect("valid JSON");
        read_root(&root, std::str::from_utf8(bytes).expect("UTF-8"))
    }

    /// Documents with and without role lists, and lists that are not roles.
    fn list_documents() -> Vec<String> {
        let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/AB"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"oidc.eks.eu-west-1.amazonaws.com/id/AB:sub": "system:serviceaccount:a:b", "oidc.eks.eu-west-1.amazonaws.com/id/AB:sub": "dup"}}}]}"#;
        [
            format!(
                r#"{{"RoleDetailList": [{{"RoleName": "a", "Arn": "arn:aws:iam::111122223333:role/a", "AssumeRolePolicyDocument": {policy}}}, {{"RoleName": "no-doc"}}, {{"RoleName": "s", "AssumeRolePolicyDocument": "%7B%22Version%22%3A%222012-10-17%22%7D"}}, {{"RoleName": "n", "AssumeRolePolicyDocument": 3}}], "Policies": [{{"x": 1}}]}}"#
            ),
            format!(
                r#"{{"Roles": [{{"RoleName": "first"}}], "Roles": [{{"RoleName": "b", "AssumeRolePolicyDocument": {policy}}}]}}"#
            ),
            format!(
                r#"{{"Roles": [1, {{"RoleName": "x"}}], "Role": {{"RoleName": "g", "AssumeRolePolicyDocument": {policy}}}}}"#
            ),
            r#"{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}, "Roles": [1]}"#
                .to_owned(),
            r#"{"planned_values": {"root_module": {}}, "Policies": [1, 2]}"#.to_owned(),
            r#"{"Statement": [], "UserDetailList": [{"a": 1}]}"#.to_owned(),
            r#"{"RoleDetailList": {"RoleName": "not a list"}}"#.to_owned(),
        ]
        .into()
    }

    #[test]
    fn role_lists_read_one_role_at_a_time_as_whole() {
        let docs = list_documents();
        for doc in &docs {
            assert_eq!(
                read_input(doc.as_bytes()),
                read_whole(doc.as_bytes()),
                "{doc}"
            );
        }
        let first = read_input(docs[0].as_bytes());
        assert_eq!(first.policies.len(), 3);
        assert_eq!(first.findings.len(), 1);
        assert!(first.policies[0]
            .parsed
            .findings
            .iter()
            .any(|f| f.code == code::DUPLICATE_KEY.code));
    }

    #[test]
    fn streaming_reads_the_roles_that_preparing_reads() {
        let mut docs = list_documents();
        // Broken after some roles were handed out; a role list that is not the file's.
        docs.push(r#"{"RoleDetailList": [{"RoleName": "a"}, {"RoleName": "b"}, oops]}"#.into());
        docs.push(
            r#"{"Roles": [{"RoleName": "a"}], "Statement": [], "Version": "2012-10-17"}"#.into(),
        );
        for doc in &docs {
            let mut elements = Vec::new();
            let streamed = prepare_streaming(doc, &mut |list, node| elements.push((list, node)));
            let prepared = prepare_text(doc);
            assert_eq!(streamed.input, prepared.input, "{doc}");
            assert_eq!(streamed.roles.list(), prepared.roles.list(), "{doc}");
            assert_eq!(streamed.roles.len(), prepared.roles.len(), "{doc}");
            let roles: Vec<RoleEntry> = elements
                .iter()
                .filter(|(list, _)| Some(*list) == streamed.roles.list())
                .map(|(_, node)| read_role(node, doc))
                .collect();
            let mut expected = Vec::new();
            prepared
                .roles
                .for_each(0..prepared.roles.len(), |e| expected.push(e));
            assert_eq!(roles, expected, "{doc}");
        }
    }

    #[test]
    fn role_ranges_concatenate_to_the_whole_list() {
        let roles: Vec<String> = (0..7)
            .map(|i| format!(r#"{{"RoleName": "r{i}", "AssumeRolePolicyDocument": {{"Version": "2012-10-17", "Statement": []}}}}"#))
            .collect();
        let doc = format!(r#"{{"RoleDetailList": [{}]}}"#, roles.join(","));
        let prepared = prepare_input(doc.as_bytes());
        assert_eq!(prepared.roles.len(), 7);
        let mut pieces = prepared.input.clone();
        for range in [0..2, 2..3, 3..3, 3..7, 7..9] {
            prepared.roles.read_into(range, &mut pieces);
        }
        assert_eq!(pieces, read_input(doc.as_bytes()));
    }

    #[test]
    fn percent_decoding_maps_offsets() {
        let (out, map) = percent_decode("%7B%22a%22%3A1%7D");
        assert_eq!(out, br#"{"a":1}"#);
        assert_eq!(map, vec![0, 3, 6, 7, 10, 13, 14, 17]);
    }

    #[test]
    fn get_role_with_url_encoded_document_points_into_the_file() {
        let file = r#"{"Role": {"RoleName": "r", "Arn": "arn:aws:iam::111122223333:role/r",
 "AssumeRolePolicyDocument": "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22allow%22%7D%5D%7D"}}"#;
        let input = read_input(file.as_bytes());
        assert_eq!(input.kind, InputKind::GetRole);
        let p = &input.policies[0];
        assert_eq!(p.account.as_deref(), Some("111122223333"));
        assert!(p.embedded.as_ref().unwrap().url_encoded);
        let effect = p
            .parsed
            .findings
            .iter()
            .find(|f| f.message.contains("Effect"))
            .unwrap();
        assert_eq!(&file[effect.span.start..effect.span.end], "%22allow%22");
    }
}
