//! TL501 `service-account-not-trusted`.

use crate::diagnostic::Finding;
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Checks that every ServiceAccount annotated `eks.amazonaws.com/role-arn` can assume the role it names, when that role is part of the input.
    ///
    /// It pairs Kubernetes manifests with the roles of the same check (any role input:
    /// get-role, authorization details, Terraform plans, …), asks the evaluator whether
    /// `system:serviceaccount:<namespace>:<name>` with the annotated audience may assume the
    /// role from the issuer of each cluster of the configured inventory (`[[cluster]]` in
    /// `trustlint.toml`), and reports the annotation when no cluster's request is allowed,
    /// with the evaluator's reason: wrong namespace or name, another cluster's provider, a
    /// missing provider, a condition key that is never present. This is a cross-check between
    /// files: it runs in `trustlint check` over a set of files, not on one policy alone.
    ///
    /// ## Why is this bad?
    /// The most common IRSA failure is a mismatch between the two halves: the pod gets a token
    /// and the SDK calls `AssumeRoleWithWebIdentity`, which fails with
    /// `AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity` at run time,
    /// long after both files were reviewed separately.
    ///
    /// ## Example
    /// ```json
    /// {"Role": {"RoleName": "payments-api", "Arn": "arn:aws:iam::111122223333:role/payments-api",
    ///   "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    ///     "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"},
    ///     "Action": "sts:AssumeRoleWithWebIdentity",
    ///     "Condition": {"StringEquals": {"oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:payments:api"}}}]}}}
    /// ```
    /// with the manifest
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: api
    ///   namespace: payment
    ///   annotations:
    ///     eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/payments-api
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"Role": {"RoleName": "payments-api", "Arn": "arn:aws:iam::111122223333:role/payments-api",
    ///   "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    ///     "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"},
    ///     "Action": "sts:AssumeRoleWithWebIdentity",
    ///     "Condition": {"StringEquals": {"oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:payments:api"}}}]}}}
    /// ```
    /// with the manifest
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: api
    ///   namespace: payments
    ///   annotations:
    ///     eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/payments-api
    /// ```
    ///
    /// ## Known problems
    /// Runs only when the configuration lists clusters (the issuer a service account's token
    /// comes from is not written in the manifest), and only for roles that are in the input.
    ///
    /// ## References
    /// - SEMANTICS.md §4.5 (IRSA subjects and audiences), §2.2 (principal match), §6 #1
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html>
    pub struct ServiceAccountNotTrusted {
        code: "TL501",
        name: "service-account-not-trusted",
        category: Correctness,
        since: "0.1.0",
    }
}

impl Rule for ServiceAccountNotTrusted {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _cx: &LintContext<'_>, _out: &mut Vec<Finding>) {
        // A cross-check between files: see `crate::crosscheck`.
    }
}
