/** A user error: the function could not answer (bad request, no policy, unknown rule). */
export interface ErrorResult { schema: 1; error: string }

export type Severity = "error" | "warning" | "info";

/** 1-based line and column; columns count Unicode scalar values. */
export interface Position { line: number; column: number }

/** `utf16`: offsets in UTF-16 code units into the text, as JavaScript strings index it. */
export interface Span { start: Position; end: Position; utf16: { start: number; end: number } }

export interface Diagnostic {
  code: string; name: string; severity: Severity; message: string; help: string | null;
  path: string; policy: string | null; span: Span;
}

export interface CheckResult {
  schema: 1;
  tool: { name: "trustlint"; version: string };
  diagnostics: Diagnostic[];
  summary: { files: number; policies: number; error: number; warning: number; info: number };
}

export interface Cluster {
  name?: string; issuer: string; account?: string; audiences?: string[]; protected_namespaces?: string[];
}

export interface CheckOptions {
  /** The path diagnostics name (default `<input>`). */
  path?: string;
  select?: string[]; ignore?: string[];
  severity?: Record<string, Severity>;
  clusters?: Cluster[];
}

/** An identity, written as the flags of `trustlint can-assume` (the `example` of who-can-assume). */
export interface CanAssumeRequest {
  issuer?: string; sa?: string; sub?: string; aud?: string | string[];
  pod_identity?: boolean; cluster_arn?: string; tags?: Record<string, string>; session_tags?: boolean;
  principal?: string; action?: string | string[];
  account?: string; partition?: "aws" | "aws-cn" | "aws-us-gov";
  context?: Record<string, string | string[]>;
  role?: string; path?: string;
}

export type Decision = "allow" | "implicit-deny" | "explicit-deny";

export interface ConditionTrace {
  operator: string; key: string; values: string[]; request: string[]; matched: boolean; detail: string;
}

export interface StatementTrace {
  index: number; sid: string | null; effect: "Allow" | "Deny" | null; matched: boolean;
  principal: { matched: boolean; detail: string };
  action: { matched: boolean; detail: string };
  conditions: ConditionTrace[];
}

export interface RoleDecision {
  path: string; policy: string | null; decision: Decision; allowed: boolean; iam_would_reject: boolean;
  reject_reasons: { code: string; message: string; line: number; column: number; utf16: { start: number; end: number } }[];
  actions: { action: string; decision: Decision }[];
  notes: string[];
  statements: StatementTrace[];
}

export interface CanAssumeResult { schema: 1; undecided: string[]; results: RoleDecision[] }

export interface Example extends CanAssumeRequest {}

export interface KeyPatterns { include: string[]; exclude: string[]; absent?: true; present?: false }

export interface Admits {
  keys: Record<string, KeyPatterns>; exact: boolean; opaque: string[]; unless: string[];
  summary: string; example: Example | null;
}

export interface TrustedPrincipal {
  kind: "web-identity" | "pod-identity" | "aws" | "service" | "any"; principal: string; admits: Admits[];
}

export interface WhoCanAssumeResult {
  schema: 1; results: { path: string; policy: string | null; principals: TrustedPrincipal[] }[];
}

export interface Change {
  policy: string | null; principal: string; kind: TrustedPrincipal["kind"]; summary: string;
  exact: boolean; example: Example | null;
}

export interface DiffResult { schema: 1; widened: Change[]; narrowed: Change[] }

export interface Rule {
  code: string; name: string; category: "correctness" | "suspicious" | "style"; severity: Severity;
  summary: string; url: string;
}

export interface RulesResult { schema: 1; rules: Rule[] }

export interface ExplainResult extends Rule { schema: 1; docs: string }
