//! TL502 `audience-annotation-mismatch`.

use crate::diagnostic::Finding;
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Checks that a ServiceAccount's `eks.amazonaws.com/audience` annotation (default `sts.amazonaws.com`) is an audience its role's `:aud` condition admits.
    ///
    /// Like TL501 it pairs manifests with the roles of the same check and evaluates the
    /// service account's request from each configured cluster; it reports the audience
    /// annotation (or the role annotation, when the default audience is the one refused) when
    /// only `:aud` conditions stop the request.
    ///
    /// ## Why is this bad?
    /// The webhook mints the projected token for the annotated audience; a role that expects
    /// another one refuses every pod of the service account, and the error (`AccessDenied`)
    /// does not say which claim failed.
    ///
    /// ## Example
    /// ```json
    /// {"Role": {"RoleName": "uploader", "Arn": "arn:aws:iam::111122223333:role/uploader",
    ///   "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    ///     "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"},
    ///     "Action": "sts:AssumeRoleWithWebIdentity",
    ///     "Condition": {"StringEquals": {
    ///       "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:media:uploader",
    ///       "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud": "sts.amazonaws.com"}}}]}}}
    /// ```
    /// with the manifest
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: uploader
    ///   namespace: media
    ///   annotations:
    ///     eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/uploader
    ///     eks.amazonaws.com/audience: media-sts
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"Role": {"RoleName": "uploader", "Arn": "arn:aws:iam::111122223333:role/uploader",
    ///   "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    ///     "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"},
    ///     "Action": "sts:AssumeRoleWithWebIdentity",
    ///     "Condition": {"StringEquals": {
    ///       "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:media:uploader",
    ///       "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud": "sts.amazonaws.com"}}}]}}}
    /// ```
    /// with the manifest
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: uploader
    ///   namespace: media
    ///   annotations:
    ///     eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/uploader
    /// ```
    ///
    /// ## References
    /// - SEMANTICS.md §4.5 (audience annotation, provider client ids), §4.2 step 4
    /// - <https://github.com/aws/amazon-eks-pod-identity-webhook#eks-walkthrough>
    pub struct AudienceAnnotationMismatch {
        code: "TL502",
        name: "audience-annotation-mismatch",
        category: Correctness,
        since: "0.1.0",
    }
}

impl Rule for AudienceAnnotationMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _cx: &LintContext<'_>, _out: &mut Vec<Finding>) {
        // A cross-check between files: see `crate::crosscheck`.
    }
}
