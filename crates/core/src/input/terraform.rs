//! Terraform plans (`terraform show -json`): the trust policy of every `aws_iam_role` resource.
//!
//! A plan's `planned_values.root_module` lists the resources of the root module (`resources`)
//! and of its child modules (`child_modules`, recursively), each with its `address` and its
//! planned attribute `values`. An `aws_iam_role`'s `assume_role_policy` is a JSON string: it is
//! decoded as an embedded policy whose spans map back into the plan file. The output of
//! `terraform show -json` on a state file (`values.root_module`, same shape) is read the same way.
//!
//! A value Terraform knows only after apply is left out of `values` and marked `true` in the
//! matching `resource_changes[].change.after_unknown`. A role whose trust policy is unknown gives
//! no policy at all (nothing may be decided on it) and an `info` finding saying so.

use std::collections::HashSet;

use crate::diagnostic::{code, Finding, Severity};
use crate::input::PolicySource;
use crate::json::{Node, Value};
use crate::policy::ParsedPolicy;
use crate::source::Span;

/// The resource type of an IAM role.
const ROLE_TYPE: &str = "aws_iam_role";
/// The attribute holding a role's trust policy.
const POLICY_ATTRIBUTE: &str = "assume_role_policy";

/// Whether a parsed JSON document is a Terraform plan (`terraform show -json`): has
/// `planned_values` or (`format_version` and `terraform_version`).
#[must_use]
pub fn is_plan(root: &Node) -> bool {
    root.get("planned_values").is_some()
        || (root.get("format_version").is_some() && root.get("terraform_version").is_some())
}

/// Every `aws_iam_role` in `planned_values` (root and child modules, recursively, in document
/// order), as [`PolicySource`]s named by resource address (e.g.
/// `module.irsa.aws_iam_role.this[0]`), plus findings about the file itself.
///
/// `text` is the text the spans of `root` point into. The `assume_role_policy` string is decoded
/// as an embedded policy: finding spans point at the escaped characters in the plan, model spans
/// into [`crate::input::Embedded::text`]. `arn` and `account` are set when the plan knows the role's ARN (a role
/// that already exists). Data sources (`mode: "data"`) are not roles the plan manages and are
/// skipped. A role whose trust policy is unknown until apply gives a source without a policy,
/// with one unknown (so that it is never decided) and an `info`
/// finding at its address; one whose `assume_role_policy` is not a string gives a policy-less
/// source with an error.
///
/// When the document has no `planned_values` but has `values` (`terraform show -json` of a
/// state), the roles of `values.root_module` are read instead.
#[must_use]
pub fn plan_policies(root: &Node, text: &str) -> (Vec<PolicySource>, Vec<Finding>) {
    let mut policies = Vec::new();
    let mut findings = Vec::new();
    let Some(module) = root_module(root, &mut findings) else {
        return (policies, findings);
    };
    let unknown = unknown_policies(root);
    let mut roles = Vec::new();
    collect_roles(module, &mut roles);
    roles.sort_by_key(|r| r.span.start);
    for role in roles {
        role_policy(role, text, &unknown, &mut policies);
    }
    (policies, findings)
}

/// `planned_values.root_module` (or a state's `values.root_module`), reporting a plan that has
/// neither in a usable shape.
fn root_module<'a>(root: &'a Node, findings: &mut Vec<Finding>) -> Option<&'a Node> {
    let (key, values) = match (root.get("planned_values"), root.get("values")) {
        (Some(values), _) => ("planned_values", values),
        (None, Some(values)) => ("values", values),
        (None, None) => return None,
    };
    let Some(module) = values.get("root_module") else {
        let message = if values.as_object().is_some() {
            format!("`{key}` has no `root_module`: no role can be read from this plan")
        } else {
            format!("`{key}` must be an object, found {}", values.kind_name())
        };
        findings.push(Finding::new(
            code::INVALID_VALUE,
            Severity::Warning,
            values.span,
            message,
        ));
        return None;
    };
    if module.as_object().is_none() {
        findings.push(Finding::new(
            code::INVALID_VALUE,
            Severity::Warning,
            module.span,
            format!(
                "`{key}.root_module` must be an object, found {}",
                module.kind_name()
            ),
        ));
        return None;
    }
    Some(module)
}

/// The addresses whose `assume_role_policy` `resource_changes` marks as unknown after apply.
fn unknown_policies(root: &Node) -> HashSet<&str> {
    root.get("resource_changes")
        .and_then(Node::as_array)
        .unwrap_or_default()
        .iter()
        .filter(|rc| {
            rc.get("change")
                .and_then(|c| c.get("after_unknown"))
                .is_some_and(|u| {
                    u.as_bool() == Some(true)
                        || u.get(POLICY_ATTRIBUTE).and_then(Node::as_bool) == Some(true)
                })
        })
        .filter_map(|rc| rc.get("address").and_then(Node::as_str))
        .collect()
}

/// Every managed `aws_iam_role` resource of `module` and its child modules (without recursion:
/// nesting is bounded by the JSON reader, but a work list costs nothing).
fn collect_roles<'a>(module: &'a Node, out: &mut Vec<&'a Node>) {
    let mut pending = vec![module];
    while let Some(m) = pending.pop() {
        out.extend(
            m.get("resources")
                .and_then(Node::as_array)
                .unwrap_or_default()
                .iter()
                .filter(|r| is_managed_role(r)),
        );
        pending.extend(
            m.get("child_modules")
                .and_then(Node::as_array)
                .unwrap_or_default()
                .iter()
                .rev(),
        );
    }
}

/// Whether a resource entry is a managed `aws_iam_role` (not a data source).
fn is_managed_role(resource: &Node) -> bool {
    resource.get("type").and_then(Node::as_str) == Some(ROLE_TYPE)
        && resource
            .get("mode")
            .and_then(Node::as_str)
            .is_none_or(|m| m == "managed")
}

/// The policy of one role resource (a role whose policy is unknown is kept, undecided, with the
/// finding that says so).
fn role_policy(role: &Node, text: &str, unknown: &HashSet<&str>, policies: &mut Vec<PolicySource>) {
    let address_node = role.get("address");
    let address = address_node
        .and_then(Node::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| fallback_address(role));
    let at = address_node.map_or(role.span, |n| n.span);
    let values = role.get("values");
    let arn = values
        .and_then(|v| v.get("arn"))
        .and_then(Node::as_str)
        .filter(|a| !a.is_empty())
        .map(str::to_owned);
    let account = arn
        .as_deref()
        .and_then(|a| a.split(':').nth(4))
        .filter(|a| !a.is_empty())
        .map(str::to_owned);
    let role_name = values
        .and_then(|v| v.get("name"))
        .and_then(Node::as_str)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    let doc = values
        .and_then(|v| v.get(POLICY_ATTRIBUTE))
        .filter(|d| !d.is_null());
    let marked_unknown = unknown.contains(address.as_str());
    let doc = match doc {
        Some(doc) if !marked_unknown => doc,
        _ => {
            // The role exists but its policy is unknown: it stays a role, undecided (never
            // allowed, denied or compared) wherever it is asked about.
            let finding = unknown_policy(&address, at, marked_unknown);
            policies.push(PolicySource {
                name: Some(address),
                role_name,
                arn,
                account,
                parsed: ParsedPolicy {
                    policy: None,
                    findings: vec![finding],
                },
                embedded: None,
                unknowns: vec![super::Unknown {
                    span: Span::new(0, 0),
                    file_span: at,
                    description: format!("{POLICY_ATTRIBUTE} (known after apply)"),
                }],
            });
            return;
        }
    };
    let (parsed, embedded) = match &doc.value {
        Value::String(_) => super::embedded_policy(doc, text),
        _ => (
            ParsedPolicy {
                policy: None,
                findings: vec![Finding::new(
                    code::INVALID_VALUE,
                    Severity::Error,
                    doc.span,
                    format!(
                        "`{POLICY_ATTRIBUTE}` of `{address}` must be a JSON string, found {}",
                        doc.kind_name()
                    ),
                )
                .with_help("Terraform plans hold a role's trust policy as a string of JSON text")],
            },
            None,
        ),
    };
    policies.push(PolicySource {
        name: Some(address),
        role_name,
        arn,
        account,
        parsed,
        embedded,
        unknowns: Vec::new(),
    });
}

/// The `info` finding for a role whose trust policy the plan does not give.
fn unknown_policy(address: &str, at: Span, marked_unknown: bool) -> Finding {
    let message = if marked_unknown {
        format!(
            "the trust policy of `{address}` is unknown until apply: trustlint cannot decide it"
        )
    } else {
        format!(
            "the plan gives no `{POLICY_ATTRIBUTE}` for `{address}`: trustlint cannot decide its trust policy"
        )
    };
    Finding::new(code::INVALID_VALUE, Severity::Info, at, message).with_help(
        "the policy depends on a value Terraform knows only after apply (often another resource's \
         ARN); check `terraform show -json` of the state after apply, or a plan made once that \
         value exists",
    )
}

/// An address for a resource entry that lacks one: `TYPE.NAME`.
fn fallback_address(role: &Node) -> String {
    let name = role.get("name").and_then(Node::as_str).unwrap_or("?");
    format!("{ROLE_TYPE}.{name}")
}

#[cfg(test)]
mod tests;
