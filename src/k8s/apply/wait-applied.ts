// Waiting for what an apply just did: every applied object kubectl knows how to judge, narrowed to the
// design's own objects, until all are ready (see wait.ts).
import type { ApplyReport } from './apply.js';
import { ownedBySelector } from './ownership.js';
import type { ClusterClient } from '../client.js';
import { hasReadiness } from '../wait/readiness.js';
import { waitForReady, type WaitOptions, type WaitStatus } from '../wait/wait.js';

export function waitForApplied(
  client: ClusterClient,
  report: ApplyReport,
  options: Omit<WaitOptions, 'labelSelector'>,
): Promise<WaitStatus[]> {
  const targets = report.applied
    .filter(({ prepared }) => hasReadiness(prepared.object.apiVersion, prepared.object.kind))
    .map(({ prepared, resource }) => ({
      resource,
      namespace: prepared.ref.namespace,
      name: prepared.ref.name,
      what: prepared.what,
    }));
  return waitForReady(client, targets, { ...options, labelSelector: ownedBySelector(report.design.name) });
}
