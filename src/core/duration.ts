// Durations on the command line, written as kubectl writes them: 500ms, 30s, 5m, 1h30m.
import { UsageError } from './errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds in a duration such as "1m30s"; a usage error naming the flag when it is not one. */
export function parseDuration(text: string, flag: string): number {
  const value = text.trim();
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (value === '' || parts.map((p) => p[0]).join('') !== value) {
    throw new UsageError(`${flag} "${text}" is not a duration`, {
      hint: 'write it with a unit: 500ms, 30s, 5m, 1h30m',
    });
  }
  return Math.round(parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNITS[unit], 0));
}
