// The analyzer's vocabulary: objects (from files, with positions, or from the cluster), rules with stable
// codes, and the findings rules report.
import type { KubeObject, Origin } from '../../../design/model.js';

export type Severity = 'error' | 'warning' | 'info';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];
export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** Audit controls findings are grouped by in the compliance report. */
export type Control =
  'transport-encryption' | 'least-privilege' | 'workload-isolation' | 'resilience' | 'observability';

export type RuleScope = 'istio' | 'linkerd' | 'kuma' | 'mesh' | 'kubernetes';

/** One object to analyze, with where it was written when it came from a file. */
export interface Entry {
  object: KubeObject;
  /** "networking.istio.io/VirtualService", "/Pod" (core). */
  gk: string;
  namespace?: string;
  name: string;
  origin?: Origin;
  /** Position of a field, when the object came from a file. */
  locate?: (path: readonly (string | number)[]) => Origin;
}

export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  kind: string;
  namespace?: string;
  name: string;
  /** file:line:column when the object came from a file. */
  origin?: Origin;
}

export interface RuleContext {
  /** Reports a finding on entry; path points at the field at fault (for file positions). */
  report(entry: Entry, message: string, path?: readonly (string | number)[]): void;
}

export interface Rule {
  code: string;
  /** PascalCase name, as istioctl's messages have (e.g. "MtlsNotStrict"). */
  name: string;
  severity: Severity;
  scope: RuleScope;
  control: Control;
  /** One line: what it finds. */
  title: string;
  /** Whether it needs only the objects themselves (so design validate runs it on a design's files). */
  fileLevel: boolean;
  check(index: import('./object-index.js').ObjectIndex, ctx: RuleContext): void;
}

export function objectName(f: Pick<Finding, 'kind' | 'namespace' | 'name'>): string {
  return `${f.kind}/${f.namespace ? `${f.namespace}/` : ''}${f.name}`;
}
