// The install history: one record per mesh action (deploy, upgrade, canary upgrade, rollback, removal)
// kept by a system of record beyond the cluster (the Remote Provider; the command layer wires it). The
// cluster's own record is the ConfigMap (record.ts), which says what is installed now; the history says
// what was done, when, by whom and how it ended. Recording never fails a mesh command: the cluster work
// is done by then, so a failure to record is a warning.
import { VERSION } from '../../core/version.js';

export const INSTALL_ACTIONS = ['deploy', 'upgrade', 'canary-upgrade', 'rollback', 'remove'] as const;
export type InstallAction = (typeof INSTALL_ACTIONS)[number];

/** How an action ended: deployed, upgraded, promoted (canary), rolled-back, interrupted, removed. */
export type InstallOutcome = 'deployed' | 'upgraded' | 'promoted' | 'rolled-back' | 'interrupted' | 'removed';

/** The cluster an action ran against: its API server and the kubeconfig context. */
export interface ClusterIdentity {
  server: string;
  context: string;
}

export interface MeshInstallRecord {
  action: InstallAction;
  outcome: InstallOutcome;
  mesh: string;
  /** What the action installed (or tried to: see outcome); for a removal, what was removed. */
  version: string;
  revision: string;
  /** What it replaced (upgrades, rollbacks). */
  previousVersion?: string;
  previousRevision?: string;
  /** SHA-256 of the rendered manifest it applied ('' for a removal of nothing recorded). */
  manifestDigest: string;
  /** The check that failed, when a canary rolled itself back. */
  failedCheck?: string;
  cluster: ClusterIdentity;
  /** The mesh's namespace. */
  namespace: string;
  at: string;
  by: string;
  meshdeckVersion: string;
}

/** What the actions give; who, when, where and which meshdeck are filled in by recordInstall. */
export type InstallFacts = Omit<MeshInstallRecord, 'cluster' | 'at' | 'by' | 'meshdeckVersion'>;

/** Where install records are kept (the Remote Provider, through its offline-first sync). */
export interface InstallHistory {
  /** Keeps a record; queues it when the system of record cannot be reached. */
  record(record: MeshInstallRecord): Promise<void>;
  /** The records (of one mesh), newest first. */
  list(mesh?: string): Promise<MeshInstallRecord[]>;
}

/** The name a record is kept under: "istio@1.30.3 (deploy)", "istio@1.30.3/canary (canary-upgrade)". */
export function installRecordName(r: Pick<MeshInstallRecord, 'mesh' | 'version' | 'revision' | 'action'>) {
  const rev = r.revision && r.revision !== 'default' ? `/${r.revision}` : '';
  return `${r.mesh}@${r.version || 'unknown'}${rev} (${r.action})`;
}

/** Whether a provider document's data is an install record meshdeck wrote. */
export function isInstallRecord(value: unknown): value is MeshInstallRecord {
  const r = value as Partial<MeshInstallRecord> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.mesh === 'string' &&
    typeof r.at === 'string' &&
    INSTALL_ACTIONS.includes(r.action as InstallAction)
  );
}

/** Newest first. */
export function newestFirst(records: MeshInstallRecord[]): MeshInstallRecord[] {
  return [...records].sort((a, b) => b.at.localeCompare(a.at));
}

/** What recording needs from the lifecycle context (context.ts holds these fields). */
export interface RecordingContext {
  history?: InstallHistory;
  cluster?: ClusterIdentity;
  user: string;
  log: { warn(message: string): void };
}

/** Records what an action did, where the context keeps a history; a failure is a warning, never an error. */
export async function recordInstall(ctx: RecordingContext, facts: InstallFacts): Promise<void> {
  if (!ctx.history) return;
  const record: MeshInstallRecord = {
    ...facts,
    cluster: ctx.cluster ?? { server: '', context: '' },
    at: new Date().toISOString(),
    by: ctx.user,
    meshdeckVersion: VERSION,
  };
  try {
    await ctx.history.record(record);
  } catch (err) {
    ctx.log.warn(
      `could not record ${installRecordName(record)} with the provider: ${(err as Error).message}; the cluster's record is kept`,
    );
  }
}
