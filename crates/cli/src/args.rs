//! Command-line arguments (INTERFACE.md).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Who can assume this AWS IAM role from Kubernetes, and is that what the author meant?
#[derive(Debug, Parser)]
#[command(name = "trustlint", version, about, after_help = EXIT_CODES)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

const EXIT_CODES: &str = "Exit codes:
  check        0 no finding at or above --fail-on, 1 some finding, 2 usage error or unreadable path
               (a file that is not valid JSON is a finding, TL001, not exit 2)
  can-assume   0 every evaluated role allows, 1 some role denies, 2 usage error, unreadable path or no policy
  diff         0 NEW admits nothing OLD did not, 1 NEW admits more (widened), 2 usage error
  others       0 success, 2 usage error";

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check trust policies for mistakes.
    Check(CheckArgs),
    /// Decide whether an identity can assume the role, and explain why.
    CanAssume(Box<CanAssumeArgs>),
    /// Describe exactly who the policy admits, per trusted principal.
    WhoCanAssume(WhoArgs),
    /// Compare who two versions of a policy admit (exit 1 when NEW admits more).
    Diff(DiffArgs),
    /// List the rules.
    Rules(RulesArgs),
    /// Show a rule's documentation.
    Explain(ExplainArgs),
}

/// `trustlint who-can-assume`.
#[derive(Debug, Args)]
pub struct WhoArgs {
    /// The file holding the role(s).
    pub path: PathBuf,
    /// Only this role (name or ARN).
    #[arg(long, value_name = "NAME")]
    pub role: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// `trustlint diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old version.
    pub old: PathBuf,
    /// The new version.
    pub new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// `trustlint rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// `trustlint explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule code, e.g. `TL203`, or a rule name.
    pub code: String,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable text with the policy underlined.
    Human,
    /// JSON, schema 1.
    Json,
}

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Readable text with the policy underlined.
    Human,
    /// JSON, schema 1.
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// GitHub Actions workflow commands.
    Github,
}

/// The severity at which `check` fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Errors only.
    Error,
    /// Warnings and errors.
    Warning,
    /// Every finding.
    Info,
    /// Never fail.
    Never,
}

/// `trustlint check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories (`-` for standard input); default: the current directory.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Exit with 1 when a finding has at least this severity [default: warning, or the configuration's].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Run only rules whose code starts with one of these (e.g. `TL2,TL101`).
    #[arg(long, value_delimiter = ',', value_name = "CODE,...")]
    pub select: Option<Vec<String>>,
    /// Do not run rules whose code starts with one of these.
    #[arg(long, value_delimiter = ',', value_name = "CODE,...")]
    pub ignore: Option<Vec<String>>,
    /// The configuration file [default: the nearest trustlint.toml above the working directory].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// `trustlint can-assume`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("mode").required(true).args(["issuer", "pod_identity", "principal"]))]
pub struct CanAssumeArgs {
    /// The file holding the role(s): a trust policy, get-role, list-roles or authorization-details output.
    pub path: PathBuf,

    /// Web identity: the token issuer URL (`https://…`) or its IAM OIDC provider ARN.
    #[arg(long, help_heading = "Web identity")]
    pub issuer: Option<String>,
    /// The service account `NAMESPACE/NAME` (subject `system:serviceaccount:NAMESPACE:NAME`).
    #[arg(long, value_name = "NAMESPACE/NAME")]
    pub sa: Option<String>,
    /// Any token subject (GitHub's `repo:…`, …).
    #[arg(
        long,
        value_name = "SUBJECT",
        conflicts_with = "sa",
        help_heading = "Web identity"
    )]
    pub sub: Option<String>,
    /// The token audience (repeat for a multi-valued audience).
    #[arg(
        long,
        value_name = "AUD",
        default_value = "sts.amazonaws.com",
        help_heading = "Web identity"
    )]
    pub aud: Vec<String>,

    /// EKS Pod Identity: `sts:AssumeRole` and `sts:TagSession` by `pods.eks.amazonaws.com`.
    #[arg(long, help_heading = "Pod Identity")]
    pub pod_identity: bool,
    /// The cluster ARN (sets the `eks-cluster-arn` and `eks-cluster-name` session tags).
    #[arg(
        long,
        value_name = "ARN",
        requires = "pod_identity",
        help_heading = "Pod Identity"
    )]
    pub cluster_arn: Option<String>,
    /// Set or override a session tag.
    #[arg(
        long,
        value_name = "KEY=VALUE",
        requires = "pod_identity",
        help_heading = "Pod Identity"
    )]
    pub tag: Vec<String>,
    /// The association has session tags disabled: only `sts:AssumeRole`, with no tags.
    #[arg(long, requires = "pod_identity", help_heading = "Pod Identity")]
    pub no_session_tags: bool,

    /// An AWS principal ARN (role chaining, cross-account).
    #[arg(long, value_name = "ARN", help_heading = "AWS principal")]
    pub principal: Option<String>,
    /// The action to authorise (default: the identity's usual actions; repeat to require several).
    #[arg(long, help_heading = "Request")]
    pub action: Vec<String>,

    /// The account the role lives in.
    #[arg(long, value_name = "ID", help_heading = "Request")]
    pub account: Option<String>,
    /// The partition.
    #[arg(long, value_parser = ["aws", "aws-cn", "aws-us-gov"], help_heading = "Request")]
    pub partition: Option<String>,
    /// Another request key; repeat a key to give it several values.
    #[arg(long, value_name = "KEY=VALUE", help_heading = "Request")]
    pub context: Vec<String>,

    /// Evaluate only this role (name, ARN).
    #[arg(long, value_name = "NAME")]
    pub role: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}
