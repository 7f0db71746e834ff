// Installing one control plane (a version, and a revision where the mesh has them): the official installer
// renders, meshdeck applies the CRDs, the shared objects and the control plane with its own server-side
// apply (ordering, CRDs established, RBAC preflight, dry run, prune of what the revision no longer has),
// waits when asked, and records what it installed.
import { performance } from 'node:perf_hooks';
import { ProblemFoundError, UsageError } from '../../core/errors.js';
import { applyDesign, failuresError, type ApplyReport, type ObjectResult } from '../../k8s/apply/apply.js';
import { waitForApplied } from '../../k8s/apply/wait-applied.js';
import type { LoadedDesign } from '../../design/model.js';
import { listAll, isSimulated, serverVersion } from './cluster.js';
import { describeConflict, findConflicts, injectorWebhooks, liveInjectors } from './conflicts.js';
import type { LifecycleContext } from './context.js';
import { mirrored, renderWith, resolveInstaller } from './installer.js';
import { simulateControlPlane } from './simulated-control-plane.js';
import { recordInstall } from './history.js';
import { readRecords, writeRecord, type InstallRecord } from './record.js';
import { renderOnce } from './render-cache.js';
import { DEFAULT_REVISION, splitRender, type RenderedMesh } from './render.js';
import type { MeshLifecycle } from './types.js';

export interface InstallOptions {
  version: string;
  revision: string;
  set?: string[];
  dryRun?: boolean;
  wait?: boolean;
  timeoutMs: number;
  /** The install this one replaces, for rollback. */
  previous?: InstallRecord;
  /** Meshes whose injectors must not overlap this one's (every built-in). */
  others?: readonly MeshLifecycle[];
}

export interface InstallReport {
  mesh: string;
  version: string;
  revision: string;
  dryRun: boolean;
  manifestDigest: string;
  installer: { path: string; version: string; source: string };
  results: ObjectResult[];
  /** Workloads waited for (with --wait). */
  ready: string[];
  record?: InstallRecord;
}

export function checkVersion(mesh: MeshLifecycle, version: string): void {
  if (!mesh.versions.includes(version))
    throw new UsageError(`${mesh.title} ${version} is not a supported version`, {
      hint: `supported: ${mesh.versions.join(', ')} (meshdeck mesh list)`,
    });
}

export function checkRevision(mesh: MeshLifecycle, revision: string | undefined): string {
  if (revision === undefined || revision === DEFAULT_REVISION) return DEFAULT_REVISION;
  if (!mesh.revisions)
    throw new UsageError(`${mesh.title} has no revisioned control planes: --revision is for Istio`, {
      hint: `leave --revision out for ${mesh.name}`,
    });
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(revision))
    throw new UsageError(`--revision "${revision}" is not a DNS-1123 label`, {
      hint: 'lower-case letters, digits and "-", e.g. 1-30-3 or canary',
    });
  return revision;
}

/** Renders a version (at a revision) with the mesh's installer. */
export async function renderMesh(
  ctx: LifecycleContext,
  mesh: MeshLifecycle,
  version: string,
  revision: string,
  set: readonly string[] = [],
): Promise<{ rendered: RenderedMesh; installer: InstallReport['installer'] }> {
  const installer = await resolveInstaller(mesh, version, {
    explicit: ctx.installerPath,
    env: ctx.env,
    cacheDir: ctx.cacheDir,
    signal: ctx.signal,
    log: (m) => ctx.log.info(m),
  });
  const commands = mesh.renderCommands({
    version,
    revision: revision === DEFAULT_REVISION ? undefined : revision,
    namespace: mesh.namespace,
    set: [...set],
    kubeVersion: await serverVersion(ctx.client),
    mirror: (url) => mirrored(ctx.env, url),
  });
  ctx.log.debug(`rendering: ${commands.map((c) => `${installer.path} ${c.join(' ')}`).join('; ')}`);
  const text = await renderOnce({
    cacheDir: ctx.cacheDir,
    spec: mesh.installer,
    installerPath: installer.path,
    commands,
    render: () => renderWith(installer, commands, ctx.signal),
    onHit: () => ctx.log.debug('render: this installer rendered these settings before (cached)'),
  });
  const source = `${mesh.installer.binary} ${commands[commands.length - 1].slice(0, 2).join(' ')}`;
  return {
    rendered: splitRender(mesh, text, source, version, revision),
    installer: { path: installer.path, version: installer.version, source: installer.source },
  };
}

/** Refuses (exit 3) when this mesh's injectors would take pods another mesh's injectors take. */
export async function checkCoexistence(
  ctx: LifecycleContext,
  mesh: MeshLifecycle,
  rendered: RenderedMesh,
  others: readonly MeshLifecycle[],
): Promise<void> {
  const foreign = others.filter((m) => m.name !== mesh.name);
  if (foreign.length === 0) return;
  const live = await liveInjectors(ctx.client, foreign);
  if (live.length === 0) return;
  const namespaces = await listAll(ctx.client, 'v1', 'Namespace');
  const own = new Set([mesh.namespace, ...foreign.map((m) => m.namespace)]);
  const conflicts = findConflicts(
    namespaces,
    [...injectorWebhooks(mesh, rendered.objects), ...live],
    own,
  ).filter((c) => c.a.mesh === mesh.name || c.b.mesh === mesh.name);
  if (conflicts.length > 0)
    throw new ProblemFoundError(
      `${mesh.title}'s sidecar injector would overlap another mesh's in ${conflicts.length} namespace${conflicts.length === 1 ? '' : 's'}`,
      {
        details: conflicts.map(describeConflict),
        hint: 'take those namespaces out of the other mesh first (meshdeck mesh inject NS --mesh OTHER --disable), or remove it',
      },
    );
}

/** Whether the shared objects or the control plane hold custom resources of the rendered CRDs. */
function usesOwnCrds(rendered: RenderedMesh): boolean {
  const defined = new Set(
    rendered.crds.objects.map((o) => {
      const spec = (o.object.spec ?? {}) as { group?: string; names?: { kind?: string } };
      return `${spec.group ?? ''}/${spec.names?.kind ?? ''}`;
    }),
  );
  return [...rendered.base.objects, ...rendered.controlPlane.objects].some((o) => {
    const apiVersion = o.object.apiVersion ?? '';
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
    return defined.has(`${group}/${o.object.kind ?? ''}`);
  });
}

type ApplyOne = (design: LoadedDesign, prune: boolean) => Promise<ApplyReport | undefined>;

/**
 * The three designs in the order the cluster needs them. A server dry run checks everything at once (the
 * control plane's namespace may come with the shared part). Otherwise the shared objects, then the control
 * plane; only custom resources must wait for their CRDs to be established, so without any in the rest the
 * CRDs go at the same time (the control plane's pods start while the CRDs establish).
 */
async function applyInOrder(
  rendered: RenderedMesh,
  dryRun: boolean,
  applyOne: ApplyOne,
): Promise<Array<ApplyReport | undefined>> {
  if (dryRun) {
    const objects = [...rendered.crds.objects, ...rendered.base.objects, ...rendered.controlPlane.objects];
    return [await applyOne({ ...rendered.controlPlane, objects }, false)];
  }
  const rest = async () => {
    const base = await applyOne(rendered.base, false);
    return [base, await applyOne(rendered.controlPlane, true)];
  };
  if (usesOwnCrds(rendered)) {
    const crds = await applyOne(rendered.crds, false);
    return [crds, ...(await rest())];
  }
  const [crds, others] = await Promise.all([applyOne(rendered.crds, false), rest()]);
  return [crds, ...others];
}

export async function installControlPlane(
  ctx: LifecycleContext,
  mesh: MeshLifecycle,
  options: InstallOptions,
): Promise<InstallReport> {
  checkVersion(mesh, options.version);
  const started = performance.now();
  const lap = (what: string) => ctx.log.debug(`${what} at ${Math.round(performance.now() - started)} ms`);
  const { rendered, installer } = await renderMesh(ctx, mesh, options.version, options.revision, options.set);
  lap('rendered');
  const dryRun = options.dryRun ?? false;
  // On the sandbox meshdeck serves the injector the render declares (docs/meshes.md, "On the sandbox").
  // Both read the cluster only; the coexistence check reads no field the simulation changes.
  const [, simulated] = await Promise.all([
    checkCoexistence(ctx, mesh, rendered, options.others ?? []).then(() => lap('coexistence checked')),
    isSimulated(ctx.client),
  ]);
  const simulation = simulated ? await simulateControlPlane(ctx, mesh, rendered) : undefined;
  for (const line of simulation?.describe ?? []) ctx.log.debug(line);
  const applyOne = async (design: LoadedDesign, prune: boolean) => {
    if (design.objects.length === 0) return undefined;
    if (design === rendered.controlPlane) await simulation?.beforeControlPlane(dryRun);
    const report = await applyDesign(ctx.client, design, {
      dryRun,
      prune,
      // In a dry run the combined design stands for three: their ownership is not in question.
      force: dryRun,
      signal: ctx.signal,
      establishTimeoutMs: options.timeoutMs,
      onWarning: (m) => ctx.log.warn(m),
      onProgress: (done, total) => ctx.log.progress(`applying ${design.meta.name}: ${done}/${total}`),
    });
    lap(`applied ${design.meta.name}`);
    const failure = failuresError(report.results, 'apply');
    if (failure) throw failure;
    return report;
  };
  const applied = await applyInOrder(rendered, dryRun, applyOne);
  const reports = applied.filter((r) => r !== undefined);
  const results: ObjectResult[] = reports.flatMap((r) => r.results);
  const ready: string[] = [];
  if (options.wait && !dryRun) {
    const waited = await Promise.all(
      reports.map((report) =>
        waitForApplied(ctx.client, report, {
          timeoutMs: options.timeoutMs,
          signal: ctx.signal,
          onProgress: (s) => {
            const next = s.find((x) => x.state !== 'ready');
            ctx.log.progress(
              `waiting: ${s.filter((x) => x.state === 'ready').length}/${s.length} ready${next ? `; ${next.target.what}: ${next.message}` : ''}`,
            );
          },
        }),
      ),
    );
    for (const statuses of waited)
      ready.push(
        ...statuses
          .filter((s) => s.target.resource.kind !== 'CustomResourceDefinition')
          .map((s) => s.target.what),
      );
  }
  lap('waited');
  let record: InstallRecord | undefined;
  if (!dryRun) {
    record = {
      mesh: mesh.name,
      version: options.version,
      revision: options.revision,
      manifestDigest: rendered.digest,
      installedAt: new Date().toISOString(),
      installedBy: ctx.user,
      simulated,
      namespace: mesh.namespace,
      previousVersion: options.previous?.version,
      previousRevision: options.previous?.revision,
    };
    await writeRecord(ctx.client, record);
    lap('recorded');
  }
  return {
    mesh: mesh.name,
    version: options.version,
    revision: options.revision,
    dryRun,
    manifestDigest: rendered.digest,
    installer,
    results,
    ready,
    record,
  };
}

/** `mesh deploy`: a first install (or the same install again); another version is an upgrade. */
export async function deployMesh(
  ctx: LifecycleContext,
  mesh: MeshLifecycle,
  options: Omit<InstallOptions, 'previous'>,
): Promise<InstallReport> {
  checkVersion(mesh, options.version);
  const revision = checkRevision(mesh, options.revision);
  const existing = await readRecords(ctx.client, mesh.name);
  const same = existing.find((r) => r.revision === revision);
  if (same && same.version !== options.version)
    throw new UsageError(
      `${mesh.title} ${same.version} is installed${revision === DEFAULT_REVISION ? '' : ` as revision ${revision}`}; deploying ${options.version} over it is an upgrade`,
      {
        hint: `meshdeck mesh upgrade ${mesh.name} --version ${options.version}${mesh.revisions ? ' [--canary]' : ''}`,
      },
    );
  if (!same && existing.length > 0 && !mesh.revisions)
    throw new UsageError(`${mesh.title} is already installed (${existing[0].version})`, {
      hint: `meshdeck mesh status ${mesh.name}`,
    });
  const report = await installControlPlane(ctx, mesh, { ...options, revision });
  if (!report.dryRun)
    await recordInstall(ctx, {
      action: 'deploy',
      outcome: 'deployed',
      mesh: mesh.name,
      version: report.version,
      revision: report.revision,
      manifestDigest: report.manifestDigest,
      namespace: mesh.namespace,
    });
  return report;
}
