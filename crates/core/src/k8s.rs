//! Kubernetes manifests: the ServiceAccounts that name an IAM role (IRSA annotations).

use crate::source::Span;
use crate::yaml::{YamlNode, YamlValue};

/// The annotation that names the role a ServiceAccount assumes (EKS Pod Identity webhook).
pub const ROLE_ARN_ANNOTATION: &str = "eks.amazonaws.com/role-arn";
/// The annotation that sets the token audience (default `sts.amazonaws.com`).
pub const AUDIENCE_ANNOTATION: &str = "eks.amazonaws.com/audience";

/// A text value and where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The value.
    pub value: String,
    /// Its span in the manifest.
    pub span: Span,
}

/// A ServiceAccount with an IRSA role annotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceAccount {
    /// `metadata.namespace` (default `default`).
    pub namespace: String,
    /// `metadata.name`.
    pub name: String,
    /// The object (for labels).
    pub span: Span,
    /// `eks.amazonaws.com/role-arn`.
    pub role_arn: Located,
    /// `eks.amazonaws.com/audience`, if set.
    pub audience: Option<Located>,
}

impl ServiceAccount {
    /// The token subject of the service account.
    #[must_use]
    pub fn subject(&self) -> String {
        format!("system:serviceaccount:{}:{}", self.namespace, self.name)
    }

    /// The audience its tokens carry.
    #[must_use]
    pub fn audience(&self) -> &str {
        self.audience
            .as_ref()
            .map_or(crate::identity::DEFAULT_AUDIENCE, |a| a.value.as_str())
    }
}

/// Every annotated ServiceAccount in one YAML document (a `ServiceAccount`, or a `List` of
/// objects, nested lists included up to the YAML depth limit).
#[must_use]
pub fn service_accounts(root: &YamlNode) -> Vec<ServiceAccount> {
    let mut out = Vec::new();
    collect(root, &mut out, 0);
    out
}

fn collect(node: &YamlNode, out: &mut Vec<ServiceAccount>, depth: usize) {
    if depth > 16 {
        return;
    }
    let kind = node.get("kind").and_then(YamlNode::as_str);
    if kind.is_some_and(|k| k == "List" || k.ends_with("List")) {
        if let Some(YamlValue::Sequence(items)) = node.get("items").map(|n| &n.value) {
            for item in items {
                collect(item, out, depth + 1);
            }
        }
        return;
    }
    if kind != Some("ServiceAccount") {
        return;
    }
    let Some(meta) = node.get("metadata") else {
        return;
    };
    let Some(name) = meta.get("name").and_then(YamlNode::as_str) else {
        return;
    };
    let namespace = meta
        .get("namespace")
        .and_then(YamlNode::as_str)
        .unwrap_or("default");
    let annotations = meta.get("annotations");
    let located = |key: &str| {
        annotations.and_then(|a| a.get(key)).and_then(|n| {
            n.as_str().map(|v| Located {
                value: v.to_owned(),
                span: n.span,
            })
        })
    };
    let Some(role_arn) = located(ROLE_ARN_ANNOTATION) else {
        return;
    };
    out.push(ServiceAccount {
        namespace: namespace.to_owned(),
        name: name.to_owned(),
        span: node.span,
        role_arn,
        audience: located(AUDIENCE_ANNOTATION),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_stream;

    #[test]
    fn finds_annotated_service_accounts_in_documents_and_lists() {
        let text = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n  namespace: payments\n  annotations:\n    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/payments-api\n---\napiVersion: v1\nkind: List\nitems:\n  - kind: ServiceAccount\n    metadata:\n      name: worker\n      annotations:\n        eks.amazonaws.com/role-arn: \"arn:aws:iam::111122223333:role/worker\"\n        eks.amazonaws.com/audience: irsa\n  - kind: ServiceAccount\n    metadata:\n      name: plain\n  - kind: ConfigMap\n    metadata:\n      name: x\n";
        let docs = parse_stream(text).unwrap();
        let all: Vec<ServiceAccount> = docs
            .iter()
            .flat_map(|d| service_accounts(&d.root))
            .collect();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].subject(), "system:serviceaccount:payments:api");
        assert_eq!(all[0].audience(), "sts.amazonaws.com");
        let span = all[0].role_arn.span;
        assert_eq!(
            &text[span.start..span.end],
            "arn:aws:iam::111122223333:role/payments-api"
        );
        assert_eq!(all[1].subject(), "system:serviceaccount:default:worker");
        assert_eq!(all[1].audience(), "irsa");
        let span = all[1].role_arn.span;
        assert_eq!(
            &text[span.start..span.end],
            "\"arn:aws:iam::111122223333:role/worker\""
        );
    }
}
