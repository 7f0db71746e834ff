import { parseDuration } from '../../core/duration.js';
import { failuresError } from '../../k8s/apply/apply.js';
import { deleteDesign } from '../../k8s/apply/delete.js';
import type { Invocation } from '../shared/invocation.js';
import { progressLine } from './apply.js';
import {
  countActions,
  resultPrinter,
  resultsDocument,
  withDesignOnCluster,
  type InputFlags,
} from './common.js';

interface DeleteFlags extends InputFlags {
  wait: boolean;
  timeout: string;
  dryRun: 'none' | 'server';
  concurrency: string;
}

export async function run(inv: Invocation, name: string | undefined, opts: DeleteFlags): Promise<void> {
  const timeoutMs = parseDuration(opts.timeout, '--timeout');
  const dryRun = opts.dryRun === 'server';
  await withDesignOnCluster(inv, name, opts, async ({ design, connection, concurrency }) => {
    // The lines come before the wait, so a long wait on finalizers shows what was asked.
    const printer = resultPrinter(inv, dryRun);
    const results = await deleteDesign(connection.client, design, {
      concurrency,
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
