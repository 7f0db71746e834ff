// What a generator cannot do is refused with a usage error naming the flag, rather than quietly measuring
// something else. Kept apart from external.ts so that the in-process generators do not load execa.
import { UsageError } from '../../core/errors.js';
import type { GeneratorName, RunSpec } from '../spec/run-spec.js';

/** Refuses settings a tool cannot honour, naming the flag: better than measuring something else. */
export function refuse(generator: GeneratorName, what: string, instead: string): UsageError {
  return new UsageError(`${generator} cannot ${what}`, { hint: instead });
}

const UNSUPPORTED = {
  rate: ['send at a constant rate (--rate)', (s: RunSpec) => s.rate !== null],
  max: ['run without a rate (--rate max)', (s: RunSpec) => s.rate === null],
  requests: ['stop after a number of requests (--requests)', (s: RunSpec) => s.requests !== null],
  pipeline: ['pipeline requests (--pipeline)', (s: RunSpec) => s.pipeline > 1],
  warmup: ['warm up for a time (--warmup)', (s: RunSpec) => s.warmupMs > 0],
  ca: ['use a custom CA (--cacert)', (s: RunSpec) => s.ca !== null],
} as const;

/** Fails with a usage error for the first setting in `unsupported` (name: hint) that the spec uses. */
export function checkSupport(
  generator: GeneratorName,
  spec: RunSpec,
  unsupported: Partial<Record<keyof typeof UNSUPPORTED, string>>,
): void {
  for (const [key, hint] of Object.entries(unsupported)) {
    const [what, used] = UNSUPPORTED[key as keyof typeof UNSUPPORTED];
    if (hint !== undefined && used(spec)) throw refuse(generator, what, hint);
  }
}
