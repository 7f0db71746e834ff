import { analyzeDesignObjects } from '../../checks/analyze/design.js';
import { formatIssueLine } from '../../design/issues.js';
import { parseDuration } from '../../core/duration.js';
import { applyDesign, failuresError } from '../../k8s/apply/apply.js';
import { waitForApplied } from '../../k8s/wait/applied.js';
import type { WaitStatus } from '../../k8s/wait/wait.js';
import type { Invocation } from '../shared/invocation.js';
import {
  countActions,
  resultPrinter,
  resultsDocument,
  withDesignOnCluster,
  type InputFlags,
} from './common.js';

interface ApplyFlags extends InputFlags {
  dryRun: 'none' | 'server';
  prune: boolean;
  forceConflicts: boolean;
  wait: boolean;
  timeout: string;
  concurrency: string;
}

export async function run(inv: Invocation, name: string | undefined, opts: ApplyFlags): Promise<void> {
  const timeoutMs = parseDuration(opts.timeout, '--timeout');
  const dryRun = opts.dryRun === 'server';
  await withDesignOnCluster(inv, name, opts, async ({ design, connection, concurrency }) => {
    // Best-practice findings do not stop an apply: they are said on stderr (design validate fails on errors).
    for (const i of analyzeDesignObjects(design, connection.client.namespace))
      inv.log.warn(`${i.rule}: ${formatIssueLine(i)}`);
    const printer = resultPrinter(inv, dryRun);
    const report = await applyDesign(connection.client, design, {
      dryRun,
      prune: opts.prune,
      force: opts.forceConflicts,
      concurrency,
      signal: inv.signal,
      onWarning: (m) => inv.log.warn(m),
      onProgress: (done, total) =>
        inv.log.progress(`applying design "${design.meta.name}": ${done}/${total}`),
      onResults: printer,
    });
    inv.log.clearProgress();
    if (!printer)
      await inv.out.data(resultsDocument('DesignApplyResult', design.meta, dryRun, report.results));
    inv.log.info(
      `design "${design.meta.name}" ${design.meta.version}: ${countActions(report.results)}${dryRun ? ' (server dry run)' : ''}`,
    );
    const failure = failuresError(report.results, 'apply');
    if (failure) throw failure;
    if (!opts.wait || dryRun) return;

    const statuses = await waitForApplied(connection.client, report, {
      timeoutMs,
      signal: inv.signal,
      onProgress: (s) => inv.log.progress(progressLine(s, 'ready')),
    });
    inv.log.clearProgress();
    inv.log.success(`${statuses.length} workload${statuses.length === 1 ? '' : 's'} ready`);
  });
}

/** "waiting: 2/3 ready; deployment.apps/web -n shop: 1 of 3 updated replicas are available". */
export function progressLine(statuses: readonly WaitStatus[], goal: string): string {
  const done = statuses.filter((s) => s.state === 'ready').length;
  const next = statuses.find((s) => s.state !== 'ready');
  return `waiting: ${done}/${statuses.length} ${goal}${next ? `; ${next.target.what}: ${next.message}` : ''}`;
}
