// Running the catalogue: the objects are indexed once, each rule makes one pass, findings are filtered by
// scope (namespaces) and suppressions, and each keeps the file position of the field at fault.
import { ObjectIndex } from './base/object-index.js';
import { SEVERITY_RANK, type Entry, type Finding, type Rule, type Severity } from './base/model.js';
import { RULES } from './rules/index.js';
import { suppressedByAnnotation, suppressedByFlag, type Suppression } from './suppress.js';

export interface AnalyzeOptions {
  rules?: readonly Rule[];
  /** Report findings only on objects in these namespaces (and the Namespace objects themselves). */
  namespaces?: ReadonlySet<string>;
  suppressions?: readonly Suppression[];
}

export interface RuleRun {
  code: string;
  findings: number;
}

export interface AnalysisResult {
  findings: Finding[];
  suppressed: number;
  rules: RuleRun[];
  objects: number;
  durationMs: number;
}

function inScope(entry: Entry, namespaces: ReadonlySet<string> | undefined): boolean {
  if (!namespaces) return true;
  if (entry.namespace) return namespaces.has(entry.namespace);
  return entry.gk === '/Namespace' ? namespaces.has(entry.name) : true;
}

export function analyze(entries: Iterable<Entry>, options: AnalyzeOptions = {}): AnalysisResult {
  const started = performance.now();
  const index = new ObjectIndex(entries);
  const findings: Finding[] = [];
  const runs: RuleRun[] = [];
  let suppressed = 0;
  for (const rule of options.rules ?? RULES) {
    let count = 0;
    rule.check(index, {
      report(entry, message, path) {
        if (!inScope(entry, options.namespaces)) return;
        const finding: Finding = {
          code: rule.code,
          severity: rule.severity,
          message,
          kind: entry.object.kind,
          ...(entry.namespace ? { namespace: entry.namespace } : {}),
          name: entry.name,
        };
        if (
          suppressedByAnnotation(entry, rule.code) ||
          suppressedByFlag(finding, options.suppressions ?? [])
        ) {
          suppressed++;
          return;
        }
        const origin = path && entry.locate ? entry.locate(path) : entry.origin;
        if (origin) finding.origin = origin;
        findings.push(finding);
        count++;
      },
    });
    runs.push({ code: rule.code, findings: count });
  }
  findings.sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      (a.origin?.file ?? '\uffff').localeCompare(b.origin?.file ?? '\uffff') ||
      (a.origin?.line ?? 0) - (b.origin?.line ?? 0) ||
      a.code.localeCompare(b.code),
  );
  return {
    findings,
    suppressed,
    rules: runs,
    objects: index.entries.length,
    durationMs: performance.now() - started,
  };
}

/** Whether a finding at or above the threshold was found (exit 3). */
export function failsThreshold(findings: readonly Finding[], threshold: Severity): boolean {
  return findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[threshold]);
}
