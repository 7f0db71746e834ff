// What `perf run`, `perf apply` and the demo share once the run is specified: run with live progress,
// print the result, keep it, and turn gates, failures and Ctrl-C into exit codes.
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
import { printResult, writeJUnitFile } from './perf-print.js';

export interface ExecuteOptions {
  gates: readonly Gate[];
  /** Where to write the gate verdicts as JUnit, if anywhere. */
  junit?: string;
  /** Where the result is kept (inv.factory.perfStores()); null: not kept (--no-save). */
  stores: PerfStores | null;
  /** Called with the result once it is saved (after it is printed). */
  kept?: (result: PerfResult) => Promise<void>;
  /** Who runs the load: this machine (runLoadTest) unless given (an in-cluster fleet). */
  runner?: LoadRunner;
}

export type LoadRunner = typeof runLoadTest;

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

  const result = await (o.runner ?? runLoadTest)(spec, meta, {
    signal: inv.signal,
    warn: (m) => inv.log.warn(m),
    onProgress: (p) => inv.log.progress(progressLine(p, total)),
  });
  inv.log.clearProgress();
  if (gates.length > 0) result.gates = evaluateGates(result, gates);

  // The result is printed and judged before it is saved: a save that fails loses nothing measured.
  await printResult(inv, result);
  await writeJUnitFile(inv, o.junit, result, result.gates ?? []);
  const verdict = verdictError(spec, result);
  let saveError: unknown;
  if (stores) {
    try {
      await stores.results.save(result);
    } catch (err) {
      saveError = err;
    }
    if (saveError === undefined) {
      inv.log.info(
        `result ${result.id.slice(0, 8)} saved; see it again with: meshdeck perf result view ${result.id.slice(0, 8)}`,
      );
      await o.kept?.(result);
    }
  }
  if (result.interrupted) {
    // main renders every interruption as plain "interrupted"; say here what was kept.
    inv.log.warn(
      `stopped after ${formatDuration(result.duration_ms)}: the result covers only the part that ran${saveError ? ` (printed, not saved: ${(saveError as Error).message})` : ''}`,
    );
    throw new InterruptedError();
  }
  if (saveError !== undefined) {
    // The verdict is said too, since the exit code is the save failure's.
    if (verdict) inv.log.warn(verdict.message);
    throw new OperationError(`cannot save the result: ${(saveError as Error).message}`, {
      hint: 'the result above was printed but not stored; make the state folder writable, point XDG_STATE_HOME elsewhere, or run with --no-save',
      cause: saveError,
    });
  }
  if (verdict) throw verdict;
}

/** Why a finished run fails: no response at all, or failed gates; undefined when it passed. */
function verdictError(spec: RunSpec, result: PerfResult): OperationError | ProblemFoundError | undefined {
  if (result.requests.completed === 0) {
    const sample = Object.values(result.errors.samples)[0];
    return new OperationError(`no response from ${spec.url}${sample ? `: ${sample}` : ''}`, {
      hint: 'check that the target answers HTTP requests (curl it), or raise --timeout',
    });
  }
  const failed = (result.gates ?? []).filter((g) => !g.passed);
  if (failed.length === 0) return undefined;
  return new ProblemFoundError(
    `${failed.length} of ${result.gates!.length} gate${result.gates!.length === 1 ? '' : 's'} failed: ${failed.map((g) => `${g.gate} (${g.reason})`).join('; ')}`,
  );
}

export function progressLine(p: LiveProgress, totalMs: number | null): string {
  const elapsed = `${(p.elapsedMs / 1000).toFixed(1)}s${totalMs !== null ? ` / ${formatDuration(totalMs)}` : ''}`;
  const p99 = Number.isFinite(p.p99Us) ? `${formatMs(p.p99Us / 1000)} ms` : '-';
  return `elapsed ${elapsed}   rate ${formatRate(p.rate)}/s   sent ${p.sent}   errors ${p.errors}   p99 ${p99}`;
}
