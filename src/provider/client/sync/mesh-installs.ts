// Mesh install records with a provider, the system of record (supplied to the mesh lifecycle: it owns the
// InstallHistory interface and knows nothing of providers; the command factory wires the two). Each record
// is pushed through the offline-first sync engine: sent now, or kept in the outbox while the provider is
// unreachable and sent by the next command. A provider that does not offer the kind gets a warning (once)
// and no record; the cluster's own record (the ConfigMap) is kept either way.
import { FEATURES } from '../../protocol/capabilities.js';
import type { DocumentKind } from '../../protocol/documents.js';
import { isOffline } from '../errors.js';
import {
  installRecordName,
  isInstallRecord,
  newestFirst,
  type InstallHistory,
  type MeshInstallRecord,
} from '../../../adapters/lifecycle/history.js';
import type { SyncEngine } from './engine.js';
import type { SyncedStoreEvents } from './perf-stores.js';

export const MESH_INSTALLS: DocumentKind = 'mesh-installs';

export class SyncedInstallHistory implements InstallHistory {
  private warnedUnsupported = false;

  constructor(
    private readonly engine: SyncEngine,
    private readonly events: SyncedStoreEvents,
  ) {}

  async record(record: MeshInstallRecord): Promise<void> {
    if (!(await this.offered())) return;
    const name = installRecordName(record);
    const outcome = await this.engine.push(MESH_INSTALLS, { name, data: record });
    this.events.pushed(MESH_INSTALLS, name, outcome);
  }

  async list(mesh?: string): Promise<MeshInstallRecord[]> {
    const { items } = await this.engine.list(MESH_INSTALLS);
    const records: MeshInstallRecord[] = [];
    for (const item of items) {
      if (isInstallRecord(item.data)) records.push(item.data);
      else
        this.events.warn(`skipping install record "${item.name}" from the provider: not written by meshdeck`);
    }
    return newestFirst(mesh === undefined ? records : records.filter((r) => r.mesh === mesh));
  }

  /** Whether the provider keeps install records; unknown while it is unreachable (then the outbox takes it). */
  private async offered(): Promise<boolean> {
    let offered: boolean;
    try {
      offered = (await this.engine.session.capabilities()).has(FEATURES.meshInstalls);
    } catch (err) {
      if (isOffline(err)) return true;
      throw err;
    }
    if (!offered && !this.warnedUnsupported) {
      this.warnedUnsupported = true;
      this.events.warn(
        `the provider at ${this.engine.session.target.url} does not keep mesh install records ("${FEATURES.meshInstalls}"); only the cluster's record is kept`,
      );
    }
    return offered;
  }
}
