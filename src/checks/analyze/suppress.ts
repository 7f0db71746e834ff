// Silencing one finding: --suppress 'CODE=kind/namespace/name' (kind/name for cluster-scoped objects; * as
// a wildcard in any part), or the annotation meshdeck.io/analyze-suppress: "MD0001,MD0005" on the object.
import { UsageError } from '../../core/errors.js';
import type { Entry, Finding } from './base/model.js';
import { RULES } from './rules/index.js';

export const SUPPRESS_ANNOTATION = 'meshdeck.io/analyze-suppress';

export interface Suppression {
  text: string;
  code: string;
  kind: string;
  namespace?: string;
  name: string;
}

const CODE = /^MD\d{4}$/;

export function parseSuppression(text: string): Suppression {
  const hint =
    "write CODE=kind/namespace/name (or CODE=kind/name for cluster-scoped objects), e.g. MD0001=Namespace/shop or 'MD0009=Service/shop/*'";
  const eq = text.indexOf('=');
  if (eq < 0) throw new UsageError(`--suppress "${text}": missing "="`, { hint });
  const code = text.slice(0, eq).trim().toUpperCase();
  if (code !== '*' && !CODE.test(code))
    throw new UsageError(`--suppress "${text}": "${code}" is not a rule code (MD0001...)`, { hint });
  if (code !== '*' && !RULES.some((r) => r.code === code)) {
    throw new UsageError(`--suppress "${text}": no rule has code ${code}`, {
      hint: 'meshdeck analyze --list-rules shows the codes',
    });
  }
  const parts = text.slice(eq + 1).split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === ''))
    throw new UsageError(`--suppress "${text}": the object must be kind/name or kind/namespace/name`, {
      hint,
    });
  return parts.length === 2
    ? { text, code, kind: parts[0], name: parts[1] }
    : { text, code, kind: parts[0], namespace: parts[1], name: parts[2] };
}

const glob = (pattern: string, value: string | undefined) =>
  pattern === '*' || pattern.toLowerCase() === (value ?? '').toLowerCase();

export function suppressedByFlag(f: Finding, list: readonly Suppression[]): Suppression | undefined {
  return list.find(
    (s) =>
      glob(s.code, f.code) &&
      glob(s.kind, f.kind) &&
      glob(s.name, f.name) &&
      (s.namespace === undefined
        ? f.namespace === undefined || s.kind === '*'
        : glob(s.namespace, f.namespace)),
  );
}

export function suppressedByAnnotation(entry: Entry, code: string): boolean {
  const value = entry.object.metadata.annotations?.[SUPPRESS_ANNOTATION];
  if (!value) return false;
  return value.split(',').some((c) => c.trim().toUpperCase() === code || c.trim() === '*');
}
