// What `perf run`, `perf apply` and the demo share once the run is specified: run with live progress,
// keep the result, print it, and turn gates, failures and Ctrl-C into exit codes.
import { InterruptedError, OperationError, ProblemFoundError } from '../../core/errors.js';
import { evaluateGates } from '../../perf/gates/evaluate.js';
import type { Gate } from '../../perf/gates/parse.js';
import { formatMs, formatRate } from '../../perf/result/format.js';
import type { ResultMeta } from '../../perf/result/build.js';
import type { PerfResult } from '../../perf/result/model.js';
import type { LiveProgress } from '../../perf/engine/native.js';
import { runLoadTest } from '../../perf/run.js';
import type { RunSpec } from '../../perf/spec/run-spec.js';
import type { PerfStores } from '../../perf/store/types.js';
import { formatDuration } from '../../core/duration.js';
import type { Invocation } from './invocation.js';
import { printResult } from './perf-print.js';

export interface ExecuteOptions {
  gates: readonly Gate[];
  /** Where the result is kept (inv.factory.perfStores()); null: not kept (--no-save). */
  stores: PerfStores | null;
  /** Called with the result once it is kept, before it is printed and judged. */
  kept?: (result: PerfResult) => Promise<void>;
}

export async function executeRun(
  inv: Invocation,
  spec: RunSpec,
  meta: ResultMeta,
  o: ExecuteOptions,
): Promise<void> {
  const { gates, stores } = o;
  const total = spec.durationMs !== null ? spec.warmupMs + spec.durationMs : null;
  inv.log.debug(
    `run: ${JSON.stringify({ ...spec, body: spec.body ? `${spec.body.length} bytes` : null, ca: spec.ca ? 'set' : null })}`,
  );

  const result = await runLoadTest(spec, meta, {
    signal: inv.signal,
    warn: (m) => inv.log.warn(m),
    onProgress: (p) => inv.log.progress(progressLine(p, total)),
  });
  inv.log.clearProgress();
  if (gates.length > 0) result.gates = evaluateGates(result, gates);

  if (stores) {
    await stores.results.save(result);
    inv.log.info(
      `result ${result.id.slice(0, 8)} saved; see it again with: meshdeck perf result view ${result.id.slice(0, 8)}`,
    );
    await o.kept?.(result);
  }
  await printResult(inv, result);

  if (result.interrupted) {
    // main renders every interruption as plain "interrupted"; say here what was kept.
    inv.log.warn(
      `stopped after ${formatDuration(result.duration_ms)}: the result covers only the part that ran`,
    );
    throw new InterruptedError();
  }
  if (result.requests.completed === 0) {
    const sample = Object.values(result.errors.samples)[0];
    throw new OperationError(`no response from ${spec.url}${sample ? `: ${sample}` : ''}`, {
      hint: 'check that the target answers HTTP requests (curl it), or raise --timeout',
    });
  }
  const failed = (result.gates ?? []).filter((g) => !g.passed);
  if (failed.length > 0) {
    throw new ProblemFoundError(
      `${failed.length} of ${result.gates!.length} gate${result.gates!.length === 1 ? '' : 's'} failed: ${failed.map((g) => `${g.gate} (${g.reason})`).join('; ')}`,
    );
  }
}

function progressLine(p: LiveProgress, totalMs: number | null): string {
  const elapsed = `${(p.elapsedMs / 1000).toFixed(1)}s${totalMs !== null ? ` / ${formatDuration(totalMs)}` : ''}`;
  const p99 = Number.isFinite(p.p99Us) ? `${formatMs(p.p99Us / 1000)} ms` : '-';
  return `elapsed ${elapsed}   rate ${formatRate(p.rate)}/s   sent ${p.sent}   errors ${p.errors}   p99 ${p99}`;
}
