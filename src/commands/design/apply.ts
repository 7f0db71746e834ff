import { parseDuration } from '../../core/duration.js';
import { applyDesign, failuresError } from '../../k8s/apply/apply.js';
import { ownedBySelector } from '../../k8s/apply/ownership.js';
import { hasReadiness } from '../../k8s/wait/readiness.js';
import { waitForReady, type WaitStatus } from '../../k8s/wait/wait.js';
import { openCluster } from '../cluster/connection.js';
import type { Invocation } from '../shared/invocation.js';
import {
  countActions,
  parseConcurrency,
  readDesign,
  resultLine,
  resultsDocument,
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
  const design = await readDesign(inv, name, opts);
  const concurrency = parseConcurrency(opts.concurrency);
  const timeoutMs = parseDuration(opts.timeout, '--timeout');
  const requestTimeoutMs = parseDuration(opts.requestTimeout, '--request-timeout');
  const dryRun = opts.dryRun === 'server';
  const connection = await openCluster(inv, { requestTimeoutMs, concurrency });
  try {
    const streaming = inv.format === 'table';
    const report = await applyDesign(connection.client, design, {
      dryRun,
      prune: opts.prune,
      force: opts.forceConflicts,
      concurrency,
      signal: inv.signal,
      onWarning: (m) => inv.log.warn(m),
      onProgress: (done, total) =>
        inv.log.progress(`applying design "${design.meta.name}": ${done}/${total}`),
      onResults: streaming
        ? (results) => {
            inv.log.clearProgress();
            for (const r of results) inv.out.write(`${resultLine(r, dryRun)}\n`);
          }
        : undefined,
    });
    inv.log.clearProgress();
    if (!streaming)
      await inv.out.data(resultsDocument('DesignApplyResult', design.meta, dryRun, report.results));
    inv.log.info(
      `design "${design.meta.name}" ${design.meta.version}: ${countActions(report.results)}${dryRun ? ' (server dry run)' : ''}`,
    );
    const failure = failuresError(report.results, 'apply');
    if (failure) throw failure;

    if (opts.wait && !dryRun) {
      const targets = report.applied
        .filter(({ prepared }) => hasReadiness(prepared.object.apiVersion, prepared.object.kind))
        .map(({ prepared, resource }) => ({
          resource,
          namespace: prepared.ref.namespace,
          name: prepared.ref.name,
          what: prepared.what,
        }));
      const statuses = await waitForReady(connection.client, targets, {
        timeoutMs,
        signal: inv.signal,
        labelSelector: ownedBySelector(design.meta.name),
        onProgress: (s) => inv.log.progress(progressLine(s)),
      });
      inv.log.clearProgress();
      inv.log.success(`${statuses.length} workload${statuses.length === 1 ? '' : 's'} ready`);
    }
  } finally {
    connection.close();
  }
}

/** "waiting: 2/3 ready; deployment.apps/web -n shop: 1 of 3 updated replicas are available". */
export function progressLine(statuses: readonly WaitStatus[]): string {
  const ready = statuses.filter((s) => s.state === 'ready').length;
  const next = statuses.find((s) => s.state !== 'ready');
  return `waiting: ${ready}/${statuses.length} ready${next ? `; ${next.target.what}: ${next.message}` : ''}`;
}
