import { applyDesign, failuresError } from '../../k8s/apply/apply.js';
import { waitForApplied } from '../../k8s/apply/wait-applied.js';
import { parseConcurrency } from '../shared/flags/cluster.js';
import { parseDesignInput, type DesignInputFlags, type DesignSource } from '../shared/flags/design-input.js';
import { parseWaitFlags, type WaitOptions } from '../shared/flags/wait.js';
import type { Invocation } from '../shared/invocation.js';
import { progressLine } from '../shared/progress.js';
import { countActions, resultPrinter, resultsDocument, withDesignOnCluster } from './common.js';

interface ApplyFlags extends DesignInputFlags {
  dryRun: 'none' | 'server';
  prune: boolean;
  forceConflicts: boolean;
  wait: boolean;
  timeout: string;
  concurrency: string;
}

interface Options extends WaitOptions {
  source: DesignSource;
  dryRun: boolean;
  prune: boolean;
  forceConflicts: boolean;
  concurrency: number;
  /** -n: the namespace for objects that name none, over the design's. */
  namespace?: string;
}

export function complete(inv: Invocation, design: string | undefined, flags: ApplyFlags): Options {
  return {
    source: parseDesignInput(design, flags),
    dryRun: flags.dryRun === 'server',
    prune: flags.prune,
    forceConflicts: flags.forceConflicts,
    concurrency: parseConcurrency(flags),
    namespace: inv.globals.namespace,
    ...parseWaitFlags(flags),
  };
}

export async function run(inv: Invocation, opts: Options): Promise<void> {
  const { dryRun, timeoutMs } = opts;
  await withDesignOnCluster(inv, opts, async ({ design, connection, concurrency }) => {
    const printer = resultPrinter(inv, dryRun);
    const report = await applyDesign(connection.client, design, {
      dryRun,
      prune: opts.prune,
      force: opts.forceConflicts,
      namespace: opts.namespace,
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
