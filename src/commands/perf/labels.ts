import { UsageError } from '../../core/errors.js';

/** "--label key=value" flags as a map. */
export function parseLabels(flags: readonly string[] | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const flag of flags ?? []) {
    const eq = flag.indexOf('=');
    const key = eq === -1 ? '' : flag.slice(0, eq).trim();
    if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(key)) {
      throw new UsageError(`invalid --label "${flag}": expected key=value`, {
        hint: 'e.g. --label mesh=istio',
      });
    }
    labels[key] = flag.slice(eq + 1);
  }
  return labels;
}
