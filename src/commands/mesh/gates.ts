// Perf gates for canary steps: after each step, a short load test of --gate URL (the perf engine `perf run`
// uses) judged by the --assert gates; each gate is a named check of the step.
import { UsageError } from '../../core/errors.js';
import type { GateRunner } from '../../adapters/lifecycle/upgrade.js';
import type { Invocation } from '../shared/invocation.js';

export function perfGates(
  inv: Invocation,
  url: string | undefined,
  asserts: readonly string[],
  durationMs: number,
): GateRunner | undefined {
  if (!url) {
    if (asserts.length > 0)
      throw new UsageError('--assert needs --gate URL to load-test', {
        hint: "--gate http://svc/ --assert 'p99<=50ms'",
      });
    return undefined;
  }
  if (asserts.length === 0)
    throw new UsageError('--gate needs at least one --assert', { hint: "e.g. --assert 'errors<1%'" });
  return async (step) => {
    const [{ parseGate }, { evaluateGates }, { runLoadTest }, { resolveSpec }] = await Promise.all([
      import('../../perf/gates/parse.js'),
      import('../../perf/gates/evaluate.js'),
      import('../../perf/run.js'),
      import('../../perf/spec/options.js'),
    ]);
    const gates = asserts.map(parseGate);
    const spec = resolveSpec({ url, connections: 4, duration_ms: durationMs });
    const result = await runLoadTest(
      spec,
      { name: `mesh-canary-step-${step}` },
      { signal: inv.signal, warn: (m) => inv.log.warn(m) },
    );
    return evaluateGates(result, gates).map((v) => ({
      name: 'perf-gate' as const,
      ok: v.passed,
      message: `${v.gate}: ${v.actual}${v.passed ? '' : ` (${v.reason})`}`,
    }));
  };
}
