//! TL101 `malformed-provider-arn`.

use super::group_document::{eks_host, looks_like_region, split_arn, ArnParts, PARTITIONS};
use crate::diagnostic::{Finding, Severity};
use crate::lint::data::BUILT_IN_IDPS;
use crate::lint::rule::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::policy::PrincipalKind;

declare_rule! {
    /// ## What it does
    /// Checks for `Federated` values that are neither an OIDC/SAML provider ARN nor a built-in identity provider.
    ///
    /// Valid values are an IAM OIDC provider ARN
    /// (`arn:<partition>:iam::<12-digit account>:oidc-provider/<issuer without https://>`), a SAML
    /// provider ARN (`arn:<partition>:iam::<account>:saml-provider/<name>`), or one of the
    /// built-in identity providers (`cognito-identity.amazonaws.com`, `accounts.google.com`,
    /// `graph.facebook.com`, `www.amazon.com`). It reports `https://` kept inside the ARN, an
    /// account that is not 12 digits, a missing `oidc-provider/`, wildcards, whitespace,
    /// unrendered template variables, an issuer URL or host written instead of the ARN, and the
    /// EKS typo `oidc.<region>.eks.amazonaws.com`. An EKS cluster id that is not 32 upper-case
    /// hexadecimal characters is a warning.
    ///
    /// ## Why is this bad?
    /// STS looks up the caller's IAM OIDC provider by the token's issuer and matches the trust
    /// policy against the provider's ARN, exactly, as a string. A `Federated` value of any other
    /// shape never equals that ARN, so nobody can assume the role; IAM often refuses the
    /// document outright ("Federated principals must be valid domain names or SAML metadata
    /// ARNs"). The provider ARN drops the `https://` of the issuer URL, and EKS issuers are
    /// `oidc.eks.<region>.amazonaws.com/id/<ID>`, never `oidc.<region>.eks.…`.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [
    ///     {
    ///       "Effect": "Allow",
    ///       "Principal": {
    ///         "Federated": "arn:aws:iam::111122223333:oidc-provider/https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
    ///       },
    ///       "Action": "sts:AssumeRoleWithWebIdentity",
    ///       "Condition": {
    ///         "StringEquals": {
    ///           "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud": "sts.amazonaws.com",
    ///           "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:velero:velero"
    ///         }
    ///       }
    ///     }
    ///   ]
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [
    ///     {
    ///       "Effect": "Allow",
    ///       "Principal": {
    ///         "Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
    ///       },
    ///       "Action": "sts:AssumeRoleWithWebIdentity",
    ///       "Condition": {
    ///         "StringEquals": {
    ///           "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud": "sts.amazonaws.com",
    ///           "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:velero:velero"
    ///         }
    ///       }
    ///     }
    ///   ]
    /// }
    /// ```
    ///
    /// ## Known problems
    /// The EKS cluster id format (32 upper-case hexadecimal characters) is observed, not
    /// documented, so a different id is only a warning. Whether IAM checks at write time that the
    /// named provider exists is not known (SEMANTICS.md §1.4); TL401 compares providers with the
    /// configured clusters. A whole-value `"*"` is reported by TL104.
    ///
    /// ## References
    /// - SEMANTICS.md §1.4 (`Federated` forms, the "valid domain names" error), §4.1 (provider
    ///   ARN = issuer URL without `https://`), §4.5 (EKS issuer format and cluster id), §6 #1, #13
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html>
    pub struct MalformedProviderArn {
        code: "TL101",
        name: "malformed-provider-arn",
        category: Correctness,
        since: "0.1.0",
    }
}

impl Rule for MalformedProviderArn {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
        let account = cx.role_account.unwrap_or("<account>");
        for statement in &cx.policy.statements {
            let entries = statement
                .principal
                .iter()
                .flat_map(|p| p.entries.iter())
                .filter(|e| e.kind == PrincipalKind::Federated);
            for entry in entries {
                if let Some(p) = problem(&entry.value, account) {
                    let mut f = Self::META.finding(entry.span, p.message).with_help(p.help);
                    if p.warning {
                        f.severity = Severity::Warning;
                    }
                    out.push(f);
                }
            }
        }
    }
}

/// What is wrong with one `Federated` value.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Problem {
    message: String,
    help: String,
    /// Only the EKS cluster id format: a warning.
    warning: bool,
}

fn error(message: String, help: String) -> Option<Problem> {
    Some(Problem {
        message,
        help,
        warning: false,
    })
}

/// The problem with a `Federated` value, if any. `account` fills suggested ARNs.
fn problem(value: &str, account: &str) -> Option<Problem> {
    if value == "*" {
        // A whole-value wildcard is TL104's.
        return None;
    }
    // `char::is_whitespace`, byte by byte for ASCII text.
    let whitespace = if value.is_ascii() {
        value
            .bytes()
            .any(|b| matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' '))
    } else {
        value.chars().any(char::is_whitespace)
    };
    if whitespace {
        let trimmed = value.trim();
        let help = if trimmed.chars().any(char::is_whitespace) || trimmed.is_empty() {
            "remove the whitespace: provider ARNs and issuer URLs contain none".to_owned()
        } else {
            format!("write `{trimmed}`")
        };
        return error(
            format!("`Federated` principal `{value}` contains whitespace"),
            help,
        );
    }
    if value.contains("${") {
        return error(
            format!("`Federated` principal `{value}` contains an unrendered template variable"),
            "render the template before use: a principal is never substituted, and IAM expects `arn:<partition>:iam::<account>:oidc-provider/<issuer>`".to_owned(),
        );
    }
    if value.bytes().any(|b| b == b'*' || b == b'?') {
        return error(
            "`Federated` principal contains a wildcard: principals are matched exactly, and IAM does not allow wildcards in them".to_owned(),
            "name the provider exactly; narrow who may use it with conditions on `:sub`".to_owned(),
        );
    }
    match split_arn(value) {
        Some(arn) => arn_problem(&arn, account),
        None if value.starts_with("arn:") => error(
            format!("`Federated` principal `{value}` is not a complete ARN"),
            format!("write `arn:aws:iam::{account}:oidc-provider/<issuer without https://>`"),
        ),
        None => name_problem(value, account),
    }
}

/// A value that is not an ARN: a built-in identity provider, or a mistake.
fn name_problem(value: &str, account: &str) -> Option<Problem> {
    if BUILT_IN_IDPS.contains(&value) {
        return None;
    }
    if let Some(idp) = BUILT_IN_IDPS.iter().find(|i| i.eq_ignore_ascii_case(value)) {
        return error(
            format!("`Federated` principal `{value}` is not spelled like the built-in identity provider `{idp}`"),
            format!("write `{idp}`: principal values are compared exactly"),
        );
    }
    let lower = value.to_ascii_lowercase();
    let scheme = ["https://", "http://"]
        .iter()
        .find(|s| lower.starts_with(**s))
        .map_or(0, |s| s.len());
    let issuer = value.get(scheme..).unwrap_or(value);
    let partition = if issuer.split('/').next().is_some_and(|h| h.ends_with(".cn")) {
        "aws-cn"
    } else {
        "aws"
    };
    let looks_like_issuer = scheme > 0
        || (issuer.contains('.')
            && !issuer.contains(':')
            && issuer.split('/').next().is_some_and(|h| !h.is_empty()));
    if looks_like_issuer {
        let what = if scheme > 0 {
            "an issuer URL"
        } else {
            "an issuer host"
        };
        return error(
            format!(
                "`Federated` principal `{value}` is {what}, not the ARN of an IAM OIDC provider"
            ),
            format!("write `arn:{partition}:iam::{account}:oidc-provider/{issuer}`"),
        );
    }
    error(
        format!("`Federated` principal `{value}` is neither an IAM OIDC or SAML provider ARN nor a built-in identity provider"),
        format!("write `arn:aws:iam::{account}:oidc-provider/<issuer without https://>`"),
    )
}

fn arn_problem(arn: &ArnParts<'_>, account: &str) -> Option<Problem> {
    if !PARTITIONS.contains(&arn.partition) {
        return error(
            format!("provider ARN has an unknown partition `{}`", arn.partition),
            format!("write one of: {}", PARTITIONS.join(", ")),
        );
    }
    if arn.service != "iam" {
        let help = if arn.service == "sts" || arn.service.is_empty() {
            "a role or session belongs under `AWS`; a provider ARN is `arn:<partition>:iam::<account>:oidc-provider/<issuer>`".to_owned()
        } else {
            format!(
                "write `arn:{}:iam::{}:oidc-provider/<issuer>`",
                arn.partition,
                digits_or(arn.account, account)
            )
        };
        return error(
            format!(
                "`Federated` principal is not an IAM ARN (service `{}`)",
                arn.service
            ),
            help,
        );
    }
    if !arn.region.is_empty() {
        return error(
            format!(
                "provider ARN has a region `{}`: IAM ARNs have none",
                arn.region
            ),
            format!(
                "write `arn:{}:iam::{}:{}`",
                arn.partition, arn.account, arn.resource
            ),
        );
    }
    if arn.account.len() != 12 || !arn.account.bytes().all(|b| b.is_ascii_digit()) {
        return error(
            format!(
                "account `{}` of the provider ARN is not 12 digits",
                arn.account
            ),
            "write the 12-digit id of the account that holds the provider (the role's own account)"
                .to_owned(),
        );
    }
    let res = arn.resource;
    if let Some(issuer) = res.strip_prefix("oidc-provider/") {
        return oidc_problem(arn, issuer);
    }
    if let Some(name) = res.strip_prefix("saml-provider/") {
        let ok = !name.is_empty()
            && name.len() <= 128
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
        return if ok {
            None
        } else {
            error(
                format!("SAML provider name `{name}` is malformed"),
                "a SAML provider name has 1 to 128 letters, digits, `_`, `.` and `-`".to_owned(),
            )
        };
    }
    let head = res.split(['/', ':']).next().unwrap_or(res);
    if matches!(head, "role" | "user" | "root" | "group" | "assumed-role") {
        return error(
            format!("`Federated` principal names an IAM {head}, not an identity provider"),
            "put IAM roles, users and accounts under `AWS`; `Federated` takes provider ARNs"
                .to_owned(),
        );
    }
    let fixed = res
        .strip_prefix("oidc-provider")
        .map(|r| r.trim_start_matches([':', '/']))
        .unwrap_or(res);
    let fixed = fixed
        .strip_prefix("https://")
        .or_else(|| fixed.strip_prefix("http://"))
        .unwrap_or(fixed);
    error(
        "provider ARN lacks `oidc-provider/` before the issuer".to_owned(),
        format!(
            "write `arn:{}:iam::{}:oidc-provider/{fixed}`",
            arn.partition, arn.account
        ),
    )
}

/// `candidate` if it is 12 digits, else `fallback`.
fn digits_or<'a>(candidate: &'a str, fallback: &'a str) -> &'a str {
    if candidate.len() == 12 && candidate.bytes().all(|b| b.is_ascii_digit()) {
        candidate
    } else {
        fallback
    }
}

/// Problems in the issuer part of `arn:…:oidc-provider/<issuer>`.
fn oidc_problem(arn: &ArnParts<'_>, issuer: &str) -> Option<Problem> {
    // Made only for a finding's help.
    let prefix = || format!("arn:{}:iam::{}:oidc-provider/", arn.partition, arn.account);
    if let Some(scheme) = ["https://", "http://"].iter().find(|s| {
        issuer
            .get(..s.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(s))
    }) {
        let rest = issuer.get(scheme.len()..).unwrap_or("");
        return error(
            format!("provider ARN keeps the `{scheme}` of the issuer URL: provider ARNs never contain it"),
            format!("write `{p}{rest}`", p = prefix()),
        );
    }
    if issuer.is_empty() {
        return error(
            "provider ARN names no issuer after `oidc-provider/`".to_owned(),
            format!("write `{p}<issuer without https://>`", p = prefix()),
        );
    }
    let (host, path) = issuer.split_once('/').unwrap_or((issuer, ""));
    if host.is_empty() {
        return error(
            "provider ARN has an empty issuer host".to_owned(),
            format!("write `{p}<host>[/<path>]`", p = prefix()),
        );
    }
    if host.contains(':') {
        return error(
            format!("issuer `{issuer}` has a port: IAM OIDC provider URLs cannot"),
            "serve the issuer on port 443 and drop the port".to_owned(),
        );
    }
    // The EKS typo `oidc.<region>.eks.amazonaws.com` (SEMANTICS.md §4.5).
    if let Some(rest) = host.strip_prefix("oidc.") {
        if let Some((region, domain)) = rest.split_once(".eks.") {
            if looks_like_region(region) && domain.starts_with("amazonaws.com") {
                let fixed_host = format!("oidc.eks.{region}.{domain}");
                let tail = if path.is_empty() {
                    String::new()
                } else {
                    format!("/{path}")
                };
                return error(
                    format!("EKS issuer `{host}` is misspelled: EKS issuers are `oidc.eks.<region>.amazonaws.com`"),
                    format!("write `{p}{fixed_host}{tail}`", p = prefix()),
                );
            }
        }
    }
    if matches!(host, "oidc.eks.amazonaws.com" | "oidc.eks.amazonaws.com.cn") {
        return error(
            format!("EKS issuer `{host}` has no region"),
            format!(
                "write `{p}oidc.eks.<region>.amazonaws.com/id/<cluster id>`",
                p = prefix()
            ),
        );
    }
    let eks = eks_host(host)?;
    if !looks_like_region(eks.region) {
        return error(
            format!(
                "`{}` in EKS issuer `{host}` is not an AWS region",
                eks.region
            ),
            "copy the issuer from `aws eks describe-cluster --query cluster.identity.oidc.issuer`"
                .to_owned(),
        );
    }
    let Some(id) = path.strip_prefix("id/") else {
        return error(
            format!("EKS issuer `{issuer}` lacks `/id/<cluster id>`"),
            format!("write `{p}{host}/id/<cluster id>`", p = prefix()),
        );
    };
    if let Some(bare) = id.strip_suffix('/') {
        return error(
            format!("EKS issuer `{issuer}` ends with `/`: EKS issuers have no trailing slash, and the provider URL must equal the issuer exactly"),
            format!("write `{p}{host}/id/{bare}`", p = prefix()),
        );
    }
    let hex = id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b));
    if hex {
        return None;
    }
    let message = if id.starts_with("EXAMPLE") {
        format!("EKS cluster id `{id}` is the placeholder of the AWS documentation")
    } else if id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
        format!("EKS cluster id `{id}` is in lower case: EKS ids are upper-case hexadecimal, and provider ARNs are case-sensitive")
    } else {
        format!("EKS cluster id `{id}` is not 32 upper-case hexadecimal characters")
    };
    Some(Problem {
        message,
        help:
            "copy the issuer from `aws eks describe-cluster --query cluster.identity.oidc.issuer`"
                .to_owned(),
        warning: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{check, CheckOptions};

    const ID: &str = "0123456789ABCDEF0123456789ABCDEF";

    /// Every character `char::is_whitespace` names is reported, ASCII or not.
    #[test]
    fn whitespace_of_every_kind() {
        let arn = format!(
            "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/{ID}"
        );
        assert!(findings(&arn).is_empty());
        for ws in [
            '\t', '\n', '\u{b}', '\u{c}', '\r', ' ', '\u{85}', '\u{a0}', '\u{2028}', '\u{3000}',
        ] {
            let f = findings(&format!("{arn}{ws}"));
            assert!(
                f.iter().any(|(_, m)| m.contains("contains whitespace")),
                "{ws:?}: {f:?}"
            );
        }
    }

    fn findings(federated: &str) -> Vec<(Severity, String)> {
        let doc = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
              "Principal": {{"Federated": {}}}, "Action": "sts:AssumeRoleWithWebIdentity"}}]}}"#,
            serde_json::to_string(federated).unwrap_or_default()
        );
        check(doc.as_bytes(), &CheckOptions::only("TL101"))
            .findings
            .into_iter()
            .map(|r| (r.finding.severity, r.finding.message))
            .collect()
    }

    fn ok(v: &str) {
        assert!(findings(v).is_empty(), "{v}: {:?}", findings(v));
    }

    fn err(v: &str, needle: &str) {
        let f = findings(v);
        assert_eq!(f.len(), 1, "{v}: {f:?}");
        assert!(f.iter().all(|(s, _)| *s == Severity::Error), "{v}: {f:?}");
        assert!(f.iter().any(|(_, m)| m.contains(needle)), "{v}: {f:?}");
    }

    fn warn(v: &str, needle: &str) {
        let f = findings(v);
        assert_eq!(f.len(), 1, "{v}: {f:?}");
        assert!(f.iter().all(|(s, _)| *s == Severity::Warning), "{v}: {f:?}");
        assert!(f.iter().any(|(_, m)| m.contains(needle)), "{v}: {f:?}");
    }

    #[test]
    fn accepts_documented_forms() {
        ok(&format!(
            "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/{ID}"
        ));
        ok(&format!(
            "arn:aws-cn:iam::111122223333:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/{ID}"
        ));
        ok(&format!(
            "arn:aws-us-gov:iam::111122223333:oidc-provider/oidc.eks.us-gov-west-1.amazonaws.com/id/{ID}"
        ));
        ok("arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com");
        ok("arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com/acme");
        ok("arn:aws:iam::111122223333:oidc-provider/s3.eu-west-1.amazonaws.com/my-oidc-bucket");
        ok("arn:aws:iam::111122223333:oidc-provider/auth-dev.mozilla.auth0.com/");
        ok("arn:aws:iam::111122223333:oidc-provider/gitlab.com");
        ok("arn:aws:iam::111122223333:saml-provider/Okta_Prod-1.0");
        for idp in BUILT_IN_IDPS {
            ok(idp);
        }
        // Whole-value wildcards belong to TL104.
        ok("*");
    }

    #[test]
    fn reports_malformed_arns() {
        err(
            &format!("arn:aws:iam::440706784567:oidc-provider/https://oidc.eks.us-east-2.amazonaws.com/id/{ID}"),
            "keeps the `https://`",
        );
        err(
            "arn:aws:iam::*******:oidc-provider/token.actions.githubusercontent.com",
            "wildcard",
        );
        err(
            "arn:aws:iam::11112222333:oidc-provider/token.actions.githubusercontent.com",
            "not 12 digits",
        );
        err(
            &format!("arn:aws:iam::111122223333:oidc.eks.eu-west-1.amazonaws.com/id/{ID}"),
            "lacks `oidc-provider/`",
        );
        err("arn:aws:iam::111122223333:oidc-provider/*", "wildcard");
        err(
            &format!(
                " arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/{ID}"
            ),
            "whitespace",
        );
        err(
            &format!(
                "arn:aws:iam::111122223333:oidc-provider/oidc.eu-west-1.eks.amazonaws.com/id/{ID}"
            ),
            "misspelled",
        );
        err(
            "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com",
            "lacks `/id/",
        );
        err(
            &format!(
                "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/{ID}/"
            ),
            "trailing slash",
        );
        err("arn:aws:iam::111122223333:role/ci", "names an IAM role");
        err(
            "arn:aws:sts::111122223333:assumed-role/x/y",
            "not an IAM ARN",
        );
        err(
            "arn:aws-china:iam::111122223333:oidc-provider/gitlab.com",
            "unknown partition",
        );
        err(
            "arn:aws:iam:eu-west-1:111122223333:oidc-provider/gitlab.com",
            "has a region",
        );
        err(
            "arn:aws:iam::111122223333:oidc-provider/gitlab.com:443",
            "port",
        );
        err("arn:aws:iam::111122223333", "not a complete ARN");
        err("${module.eks.oidc_provider_arn}", "unrendered template");
        err(
            "arn:aws:iam::111122223333:saml-provider/",
            "SAML provider name",
        );
    }

    #[test]
    fn reports_issuers_written_instead_of_arns() {
        err(
            &format!("https://oidc.eks.eu-west-1.amazonaws.com/id/{ID}"),
            "is an issuer URL",
        );
        err("token.actions.githubusercontent.com", "is an issuer host");
        err(
            "Accounts.Google.com",
            "built-in identity provider `accounts.google.com`",
        );
        err("okta", "neither");
    }

    #[test]
    fn warns_on_eks_ids() {
        warn(
            "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B716D3041E",
            "placeholder",
        );
        warn(
            "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/0123456789abcdef0123456789abcdef",
            "lower case",
        );
        warn(
            "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/0123",
            "not 32",
        );
    }

    #[test]
    fn suggests_the_arn_with_the_role_account() {
        let doc = br#"{"Role": {"RoleName": "r", "Arn": "arn:aws:iam::444455556666:role/r",
          "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
          "Principal": {"Federated": "https://token.actions.githubusercontent.com"},
          "Action": "sts:AssumeRoleWithWebIdentity"}]}}}"#;
        let report = check(doc, &CheckOptions::only("TL101"));
        let f = &report.findings.first().unwrap().finding;
        assert_eq!(
            f.help.as_deref(),
            Some("write `arn:aws:iam::444455556666:oidc-provider/token.actions.githubusercontent.com`")
        );
        let text = std::str::from_utf8(doc).unwrap();
        assert_eq!(
            &text[f.span.start..f.span.end],
            "\"https://token.actions.githubusercontent.com\""
        );
    }
}
