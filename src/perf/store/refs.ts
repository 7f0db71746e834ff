// How users name a stored profile or result: its id, a unique prefix of the id (like git), or its name.
import { UsageError } from '../../core/errors.js';
import type { Named } from './types.js';

const MIN_PREFIX = 4;

/**
 * The one document `ref` names. For names shared by several documents `newestFirst` decides (results);
 * without it a shared name is ambiguous.
 */
export function resolveRef<T extends Named>(
  docs: readonly T[],
  ref: string,
  kind: string,
  newestFirst = false,
): T | undefined {
  const exact = docs.find((d) => d.id === ref);
  if (exact) return exact;
  const named = docs.filter((d) => d.name === ref);
  if (named.length === 1 || (named.length > 1 && newestFirst)) return named[0];
  if (named.length > 1) {
    throw new UsageError(`${named.length} ${kind}s are named "${ref}"`, {
      details: named.map((d) => d.id),
      hint: `refer to one by its id`,
    });
  }
  if (ref.length >= MIN_PREFIX) {
    const prefixed = docs.filter((d) => d.id.startsWith(ref));
    if (prefixed.length === 1) return prefixed[0];
    if (prefixed.length > 1) {
      throw new UsageError(`"${ref}" is the start of ${prefixed.length} ${kind} ids`, {
        details: prefixed.map((d) => `${d.id}  ${d.name}`),
        hint: 'give more characters of the id',
      });
    }
  }
  return undefined;
}
