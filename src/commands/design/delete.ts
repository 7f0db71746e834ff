import { failuresError } from '../../k8s/apply/apply.js';
import { deleteDesign } from '../../k8s/apply/delete.js';
import { parseConcurrency } from '../shared/flags/cluster.js';
import { parseDesignInput, type DesignInputFlags, type DesignSource } from '../shared/flags/design-input.js';
import { parseWaitFlags, type WaitOptions } from '../shared/flags/wait.js';
import type { Invocation } from '../shared/invocation.js';
import { progressLine } from '../shared/progress.js';
import { countActions, resultPrinter, resultsDocument, withDesignOnCluster } from './common.js';

interface DeleteFlags extends DesignInputFlags {
  wait: boolean;
  timeout: string;
  dryRun: 'none' | 'server';
  concurrency: string;
}

interface Options extends WaitOptions {
  source: DesignSource;
  dryRun: boolean;
  concurrency: number;
  /** -n: the namespace for objects that name none, over the design's. */
  namespace?: string;
}

export function complete(inv: Invocation, design: string | undefined, flags: DeleteFlags): Options {
  return {
    source: parseDesignInput(design, flags),
    dryRun: flags.dryRun === 'server',
    concurrency: parseConcurrency(flags),
    namespace: inv.globals.namespace,
    ...parseWaitFlags(flags),
  };
}

export async function run(inv: Invocation, opts: Options): Promise<void> {
  const { dryRun, timeoutMs } = opts;
  await withDesignOnCluster(inv, opts, async ({ design, connection, concurrency }) => {
    // The lines come before the wait, so a long wait on finalizers shows what was asked.
    const printer = resultPrinter(inv, dryRun);
    const results = await deleteDesign(connection.client, design, {
      concurrency,
      namespace: opts.namespace,
      wait: opts.wait,
      timeoutMs,
      dryRun,
      signal: inv.signal,
      onWarning: (m) => inv.log.warn(m),
      onResults: printer,
      onWaitProgress: (s) => inv.log.progress(progressLine(s, 'deleted')),
    });
    inv.log.clearProgress();
    if (!printer) await inv.out.data(resultsDocument('DesignDeleteResult', design.meta, dryRun, results));
    inv.log.info(
      `design "${design.meta.name}": ${countActions(results)}${dryRun ? ' (server dry run)' : ''}`,
    );
    const failure = failuresError(results, 'delete');
    if (failure) throw failure;
  });
}
