// `mesh upgrade` in place and `--canary`, and `mesh rollback`.
//
// Canary with revisions (Istio): the new revision is installed beside the old; namespaces move to it in N
// steps (relabel, rolling restart); after each step the health checks run, then the perf gates. Any failure
// puts every moved namespace back on the old revision, restarts them, removes the new revision and ends
// with exit 3 naming the check. Success removes the old revision. Ctrl-C rolls back the same way (one
// consistent revision is left) and ends with exit 130.
//
// Canary without revisions (Linkerd, Kuma, Consul, Cilium): these meshes run one control plane per cluster,
// so there is nothing to run beside it. The control plane is upgraded in place (after the mesh's skew
// check), then the data plane moves namespace group by namespace group (rolling restarts), inside the skew
// the mesh allows (the procedure Linkerd and Kuma document). A failed check re-applies the previous version
// and restarts the namespaces already moved.
import { setTimeout as setTimeoutPromise } from 'node:timers/promises';
import { InterruptedError, ProblemFoundError, UsageError, OperationError } from '../../core/errors.js';
import { deleteDesign } from '../../k8s/apply/delete.js';
import { annotationsOf, labelsOf, listAll } from './cluster.js';
import type { LifecycleContext } from './context.js';
import { checkVersion, installControlPlane } from './deploy.js';
import {
  controlPlaneReady,
  noCrashLoops,
  proxiesAt,
  settle,
  workloadsReady,
  type HealthCheck,
} from './health.js';
import { recordInstall } from './history.js';
import { setInjection } from './inject.js';
import { deleteRecord, readRecords, writeRecord, type InstallRecord } from './record.js';
import { DEFAULT_REVISION, designNames, emptyDesign } from './render.js';
import type { MeshLifecycle } from './types.js';
import { restartNamespace, type Workload } from './workloads.js';

export type GateRunner = (step: number) => Promise<HealthCheck[]>;

export interface UpgradeOptions {
  version: string;
  canary: boolean;
  steps: number;
  /** Istio: the new revision's name (default: from the version, 1-30-3). */
  revision?: string;
  set?: string[];
  /** Limit for each wait (control plane, each step's rollouts). */
  timeoutMs: number;
  /** Pause after each successful step. */
  pauseMs: number;
  gates?: GateRunner;
  others?: readonly MeshLifecycle[];
  /** How the install history names this run: set by `mesh rollback`; else upgrade or canary-upgrade. */
  action?: 'rollback';
}

export interface StepLog {
  step: number;
  action: 'install' | 'move' | 'promote' | 'rollback' | 'upgrade';
  namespaces: string[];
  checks: HealthCheck[];
  ok: boolean;
  durationMs: number;
}

export interface UpgradeReport {
  mesh: string;
  mode: 'in-place' | 'canary';
  from: { version: string; revision: string };
  to: { version: string; revision: string };
  outcome: 'upgraded' | 'promoted' | 'rolled-back' | 'interrupted';
  failedCheck?: string;
  /** The digest of the manifest the upgrade applied (absent when it failed before applying). */
  manifestDigest?: string;
  steps: StepLog[];
  totalMs: number;
}

/** The ending of a failed or interrupted upgrade: the report is kept for -o json. */
export class UpgradeFailed extends Error {
  constructor(
    readonly report: UpgradeReport,
    readonly error: ProblemFoundError | InterruptedError,
  ) {
    super(error.message);
  }
}

async function current(ctx: LifecycleContext, mesh: MeshLifecycle): Promise<InstallRecord> {
  const records = await readRecords(ctx.client, mesh.name);
  if (records.length === 0)
    throw new OperationError(`${mesh.title} is not installed in this cluster`, {
      hint: `meshdeck mesh deploy ${mesh.name}`,
    });
  if (records.length > 1)
    throw new UsageError(
      `${mesh.title} has ${records.length} revisions installed (${records.map((r) => `${r.revision}: ${r.version}`).join(', ')})`,
      {
        hint: 'an upgrade starts from one revision: remove the other first (meshdeck mesh status shows them)',
      },
    );
  return records[0];
}

/** Namespaces in the mesh (on the given revision, where the mesh has them), sorted. */
async function meshNamespaces(
  ctx: LifecycleContext,
  mesh: MeshLifecycle,
  revision: string,
): Promise<string[]> {
  const namespaces = await listAll(ctx.client, 'v1', 'Namespace');
  const out = new Set<string>();
  for (const ns of namespaces) {
    const asked = mesh.injection.requested({ labels: labelsOf(ns), annotations: annotationsOf(ns) });
    if (asked && (!mesh.revisions || asked.revision === revision)) out.add(ns.metadata.name ?? '');
  }
  if (mesh.injection.scope === 'pod-template') {
    for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet'])
      for (const w of await listAll(ctx.client, 'apps/v1', kind)) {
        const meta = (
          w.spec as {
            template?: {
              metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
            };
          }
        )?.template?.metadata;
        if (mesh.injection.requested({ labels: meta?.labels ?? {}, annotations: meta?.annotations ?? {} }))
          out.add(w.metadata.namespace ?? '');
      }
  }
  out.delete(mesh.namespace);
  return [...out].sort();
}

function chunks<T>(items: readonly T[], n: number): T[][] {
  const count = Math.max(1, Math.min(n, items.length));
  const out: T[][] = Array.from({ length: count }, () => []);
  items.forEach((item, i) => out[Math.floor((i * count) / items.length)].push(item));
  return out.filter((c) => c.length > 0);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return setTimeoutPromise(ms, undefined, { signal });
}

export async function upgradeMesh(
  ctx: LifecycleContext,
  mesh: MeshLifecycle,
  options: UpgradeOptions,
): Promise<UpgradeReport> {
  checkVersion(mesh, options.version);
  const from = await current(ctx, mesh);
  const mode = options.canary ? 'canary' : 'in-place';
  const problem = mesh.upgradeProblem(from.version, options.version, mode);
  if (problem)
    throw new ProblemFoundError(`upgrade precheck failed: ${problem}`, {
      hint: 'meshdeck mesh list shows the versions',
    });
  const revisioned = options.canary && mesh.revisions;
  let revision = from.revision;
  if (revisioned) {
    revision = options.revision ?? mesh.revisionFor(options.version);
    if (revision === from.revision)
      throw new UsageError(`the new revision must differ from the installed one ("${revision}")`, {
        hint: 'name another with --revision',
      });
  } else if (options.revision !== undefined && options.revision !== from.revision) {
    throw new UsageError(`--revision is for a canary upgrade of a mesh with revisions (Istio --canary)`);
  }
  const run = new CanaryRun(ctx, mesh, options, from, revision, mode);
  return run.execute(revisioned);
}

class CanaryRun {
  readonly report: UpgradeReport;
  private readonly started = Date.now();
  private moved: string[] = [];
  private installed = false;

  constructor(
    private readonly ctx: LifecycleContext,
    private readonly mesh: MeshLifecycle,
    private readonly options: UpgradeOptions,
    private readonly from: InstallRecord,
    private readonly revision: string,
    mode: 'in-place' | 'canary',
  ) {
    this.report = {
      mesh: mesh.name,
      mode,
      from: { version: from.version, revision: from.revision },
      to: { version: options.version, revision },
      outcome: 'upgraded',
      steps: [],
      totalMs: 0,
    };
  }

  private log(step: StepLog) {
    this.report.steps.push(step);
    const what = step.namespaces.length > 0 ? ` (${step.namespaces.join(', ')})` : '';
    this.ctx.log.info(
      `step ${step.step} ${step.action}${what}: ${step.ok ? 'passed' : 'FAILED'} in ${(step.durationMs / 1000).toFixed(1)}s`,
    );
    for (const c of step.checks) this.ctx.log.info(`  [${c.ok ? '+' : '-'}] ${c.name}: ${c.message}`);
  }

  async execute(revisioned: boolean): Promise<UpgradeReport> {
    const namespaces = await meshNamespaces(this.ctx, this.mesh, this.from.revision);
    try {
      await this.installStep(revisioned);
      if (this.report.mode === 'canary' || revisioned) {
        let step = 1;
        for (const group of chunks(namespaces, this.options.steps)) {
          await this.moveStep(++step - 1, group, revisioned);
          if (this.options.pauseMs > 0) await sleep(this.options.pauseMs, this.ctx.signal);
        }
      }
      if (revisioned) await this.promote();
      this.report.outcome = revisioned ? 'promoted' : 'upgraded';
      this.report.totalMs = Date.now() - this.started;
      await this.record();
      return this.report;
    } catch (err) {
      const interrupted = this.ctx.signal.aborted;
      const failed = err instanceof StepFailed ? err.check : undefined;
      if (!interrupted && !failed) throw err;
      await this.rollback(revisioned);
      this.report.outcome = interrupted ? 'interrupted' : 'rolled-back';
      this.report.failedCheck = failed?.name;
      this.report.totalMs = Date.now() - this.started;
      await this.record();
      const back = revisioned ? `revision ${this.from.revision}` : `${this.mesh.title} ${this.from.version}`;
      throw new UpgradeFailed(
        this.report,
        interrupted
          ? new InterruptedError(`interrupted: the upgrade was rolled back; the cluster is on ${back}`)
          : new ProblemFoundError(`canary check ${failed!.name} failed: rolled back to ${back}`, {
              details: [failed!.message],
              hint: 'the steps and their checks are above (-o json returns them)',
            }),
      );
    }
  }

  /** The run in the install history (after the cluster work, whatever its outcome). */
  private async record() {
    const r = this.report;
    await recordInstall(this.ctx, {
      action: this.options.action ?? (r.mode === 'canary' ? 'canary-upgrade' : 'upgrade'),
      outcome: r.outcome,
      mesh: r.mesh,
      version: r.to.version,
      revision: r.to.revision,
      previousVersion: r.from.version,
      previousRevision: r.from.revision,
      manifestDigest: r.manifestDigest ?? '',
      failedCheck: r.failedCheck,
      namespace: this.mesh.namespace,
    });
  }

  private async installStep(revisioned: boolean) {
    const t = Date.now();
    const design = designNames(this.mesh.name, this.revision).controlPlane;
    this.installed = true;
    const installed = await installControlPlane(this.ctx, this.mesh, {
      version: this.options.version,
      revision: this.revision,
      set: this.options.set,
      timeoutMs: this.options.timeoutMs,
      previous: this.from,
    });
    this.report.manifestDigest = installed.manifestDigest;
    const checks = [await controlPlaneReady(this.ctx, design, this.options.timeoutMs)];
    if (checks[0].ok) checks.push(await noCrashLoops(this.ctx, [], design));
    const step: StepLog = {
      step: 1,
      action: revisioned ? 'install' : 'upgrade',
      namespaces: [],
      checks,
      ok: checks.every((c) => c.ok),
      durationMs: Date.now() - t,
    };
    this.log(step);
    const bad = checks.find((c) => !c.ok);
    if (bad) throw new StepFailed(bad);
  }

  private async moveStep(n: number, group: string[], revisioned: boolean) {
    const t = Date.now();
    const restarted: Workload[] = [];
    for (const ns of group) {
      this.moved.push(ns);
      if (revisioned) await setInjection(this.ctx, this.mesh, ns, this.revision, true);
      restarted.push(...(await restartNamespace(this.ctx, ns)));
    }
    const design = designNames(this.mesh.name, this.revision).controlPlane;
    const checks: HealthCheck[] = [];
    const add = async (c: Promise<HealthCheck>) => {
      if (checks.every((x) => x.ok)) checks.push(await c);
    };
    await add(controlPlaneReady(this.ctx, design, this.options.timeoutMs));
    await add(workloadsReady(this.ctx, restarted, this.options.timeoutMs));
    await add(proxiesAt(this.ctx, this.mesh, group, this.mesh.proxy.expected(this.options.version)));
    await add(noCrashLoops(this.ctx, group, design));
    if (this.options.gates && checks.every((c) => c.ok)) checks.push(...(await this.options.gates(n)));
    const step: StepLog = {
      step: n + 1,
      action: 'move',
      namespaces: group,
      checks,
      ok: checks.every((c) => c.ok),
      durationMs: Date.now() - t,
    };
    this.log(step);
    const bad = checks.find((c) => !c.ok);
    if (bad) throw new StepFailed(bad);
  }

  private async promote() {
    const t = Date.now();
    const old = designNames(this.mesh.name, this.from.revision).controlPlane;
    await deleteDesign(this.ctx.client, emptyDesign(old), {
      timeoutMs: this.options.timeoutMs,
      signal: this.ctx.signal,
    });
    await deleteRecord(this.ctx.client, this.from);
    this.log({
      step: this.report.steps.length + 1,
      action: 'promote',
      namespaces: [],
      checks: [
        {
          name: 'control-plane-ready',
          ok: true,
          message: `revision ${this.from.revision} removed; ${this.revision} serves every namespace`,
        },
      ],
      ok: true,
      durationMs: Date.now() - t,
    });
  }

  /** Puts the cluster back as it was; runs to its end even after Ctrl-C (with a signal of its own). */
  private async rollback(revisioned: boolean) {
    const t = Date.now();
    const signal = new AbortController().signal;
    const ctx: LifecycleContext = { ...this.ctx, signal };
    this.ctx.log.warn(
      `rolling back: ${this.moved.length} namespace(s) back to ${revisioned ? `revision ${this.from.revision}` : this.from.version}`,
    );
    const restarted: Workload[] = [];
    if (!revisioned && this.installed) {
      await installControlPlane(ctx, this.mesh, {
        version: this.from.version,
        revision: this.from.revision,
        timeoutMs: this.options.timeoutMs,
        previous: this.from.previousVersion
          ? { ...this.from, version: this.from.previousVersion }
          : undefined,
      }).catch((err) =>
        this.ctx.log.warn(`re-applying ${this.from.version} failed: ${(err as Error).message}`),
      );
      await writeRecord(ctx.client, this.from);
    }
    for (const ns of [...this.moved].reverse()) {
      if (revisioned) await setInjection(ctx, this.mesh, ns, this.from.revision, true);
      restarted.push(...(await restartNamespace(ctx, ns)));
    }
    await settle(ctx, restarted, this.options.timeoutMs, signal).catch((err) =>
      this.ctx.log.warn(`after the rollback, not every workload is ready yet: ${(err as Error).message}`),
    );
    if (revisioned && this.installed) {
      const design = designNames(this.mesh.name, this.revision).controlPlane;
      await deleteDesign(ctx.client, emptyDesign(design), { timeoutMs: this.options.timeoutMs, signal });
      const records = await readRecords(ctx.client, this.mesh.name);
      for (const r of records) if (r.revision === this.revision) await deleteRecord(ctx.client, r);
    }
    this.log({
      step: this.report.steps.length + 1,
      action: 'rollback',
      namespaces: [...this.moved],
      checks: [],
      ok: true,
      durationMs: Date.now() - t,
    });
  }
}

class StepFailed extends Error {
  constructor(readonly check: HealthCheck) {
    super(check.message);
  }
}

/** `mesh rollback`: back to the version the last upgrade replaced, the same way an upgrade goes. */
export async function rollbackMesh(
  ctx: LifecycleContext,
  mesh: MeshLifecycle,
  options: Omit<UpgradeOptions, 'version' | 'canary' | 'revision'>,
): Promise<UpgradeReport> {
  const from = await current(ctx, mesh);
  if (!from.previousVersion)
    throw new UsageError(`nothing to roll back: ${mesh.title} ${from.version} replaced no earlier version`, {
      hint: 'meshdeck mesh status shows what is installed',
    });
  if (mesh.revisions) {
    const back =
      from.previousRevision && from.previousRevision !== from.revision
        ? from.previousRevision
        : mesh.revisionFor(from.previousVersion);
    return upgradeMesh(ctx, mesh, {
      ...options,
      version: from.previousVersion,
      canary: true,
      revision: back === from.revision ? DEFAULT_REVISION : back,
      steps: 1,
      action: 'rollback',
    });
  }
  return upgradeMesh(ctx, mesh, {
    ...options,
    version: from.previousVersion,
    canary: true,
    steps: 1,
    action: 'rollback',
  });
}
