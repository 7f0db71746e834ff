import { parseDuration } from '../../core/duration.js';
import { failuresError } from '../../k8s/apply/apply.js';
import { deleteDesign } from '../../k8s/apply/delete.js';
import { openCluster } from '../cluster/connection.js';
import type { Invocation } from '../shared/invocation.js';
import { progressLine } from './apply.js';
import {
  countActions,
  parseConcurrency,
  readDesign,
  resultLine,
  resultsDocument,
  type InputFlags,
} from './common.js';

interface DeleteFlags extends InputFlags {
  wait: boolean;
  timeout: string;
  dryRun: 'none' | 'server';
  concurrency: string;
}

export async function run(inv: Invocation, name: string | undefined, opts: DeleteFlags): Promise<void> {
  const design = await readDesign(inv, name, opts);
  const concurrency = parseConcurrency(opts.concurrency);
  const timeoutMs = parseDuration(opts.timeout, '--timeout');
  const requestTimeoutMs = parseDuration(opts.requestTimeout, '--request-timeout');
  const dryRun = opts.dryRun === 'server';
  const connection = await openCluster(inv, { requestTimeoutMs, concurrency });
  try {
    const streaming = inv.format === 'table';
    const results = await deleteDesign(connection.client, design, {
      concurrency,
      wait: opts.wait,
      timeoutMs,
      dryRun,
      signal: inv.signal,
      onWarning: (m) => inv.log.warn(m),
      // The lines come before the wait, so a long wait on finalizers shows what was asked.
      onResults: streaming
        ? (rs) => {
            inv.log.clearProgress();
            for (const r of rs) inv.out.write(`${resultLine(r, dryRun)}\n`);
          }
        : undefined,
      onWaitProgress: (s) => inv.log.progress(progressLine(s).replace(' ready', ' deleted')),
    });
    inv.log.clearProgress();
    if (!streaming) await inv.out.data(resultsDocument('DesignDeleteResult', design.meta, dryRun, results));
    inv.log.info(
      `design "${design.meta.name}": ${countActions(results)}${dryRun ? ' (server dry run)' : ''}`,
    );
    const failure = failuresError(results, 'delete');
    if (failure) throw failure;
  } finally {
    connection.close();
  }
}
