// `meshdeck mesh history`: what was done to meshes (deploy, upgrade, canary upgrade, rollback, remove),
// newest first, from the provider's install records (its cached copies while it is unreachable).
import { OperationError } from '../../core/errors.js';
import type { ListView } from '../../core/output/printer.js';
import type { MeshInstallRecord } from '../../adapters/lifecycle/history.js';
import type { Invocation } from '../shared/invocation.js';
import { findMesh } from './common.js';
import { isTable } from './print.js';

const when = (at: string) => at.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

export const historyView: ListView<MeshInstallRecord> = {
  kind: 'MeshInstallRecord',
  columns: [
    { header: 'WHEN', value: (r) => when(r.at) },
    { header: 'ACTION', value: (r) => r.action },
    { header: 'MESH', value: (r) => r.mesh },
    { header: 'VERSION', value: (r) => r.version || '-' },
    { header: 'REVISION', value: (r) => r.revision },
    { header: 'OUTCOME', value: (r) => (r.failedCheck ? `${r.outcome} (${r.failedCheck})` : r.outcome) },
    { header: 'BY', value: (r) => r.by },
    { header: 'CLUSTER', value: (r) => r.cluster.context || r.cluster.server },
    { header: 'FROM', value: (r) => r.previousVersion ?? '', wide: true },
    { header: 'SERVER', value: (r) => r.cluster.server, wide: true },
    { header: 'DIGEST', value: (r) => r.manifestDigest.slice(0, 19), wide: true },
  ],
  toData: (r) => r,
};

export function complete(_inv: Invocation, name: string | undefined, _flags: object): { name?: string } {
  return { name: name ? findMesh(name).name : undefined };
}

export async function run(inv: Invocation, { name }: { name?: string }): Promise<void> {
  const history = await inv.factory.installHistory();
  if (!history)
    throw new OperationError('no provider keeps install records for this context', {
      hint: "sign in to a Remote Provider (meshdeck login); the cluster's current installs: meshdeck mesh status",
    });
  const records = await history.list(name);
  if (records.length === 0 && isTable(inv))
    inv.log.info(`no install records${name ? ` for ${name}` : ''} yet; meshdeck mesh deploy records one`);
  await inv.out.list(records, historyView);
}
