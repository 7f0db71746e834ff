import { parseDuration } from '../../core/duration.js';
import { UsageError } from '../../core/errors.js';
import { BUILTIN_MESHES } from '../../adapters/builtin/index.js';
import { UpgradeFailed, upgradeMesh, type UpgradeReport } from '../../adapters/lifecycle/upgrade.js';
import type { Invocation } from '../shared/invocation.js';
import { findMesh, timeoutOf, withLifecycle } from './common.js';
import { perfGates } from './gates.js';
import { document, isTable } from './print.js';

interface UpgradeFlags {
  version: string;
  canary: boolean;
  steps: string;
  revision?: string;
  gate?: string;
  assert?: string[];
  gateDuration: string;
  pause: string;
  set?: string[];
  installer?: string;
  timeout: string;
}

export function parseSteps(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 100)
    throw new UsageError(`--steps "${text}" must be a whole number from 1 to 100`);
  return n;
}

export function complete(
  _inv: Invocation,
  name: string,
  opts: UpgradeFlags,
): { name: string; opts: UpgradeFlags } {
  findMesh(name);
  return { name, opts };
}

export async function run(
  inv: Invocation,
  { name, opts }: { name: string; opts: UpgradeFlags },
): Promise<void> {
  const mesh = findMesh(name);
  const steps = parseSteps(opts.steps);
  if (!opts.canary && (opts.steps !== '1' || opts.gate))
    throw new UsageError('--steps and --gate are for a canary upgrade', { hint: 'add --canary' });
  const gates = perfGates(
    inv,
    opts.gate,
    opts.assert ?? [],
    parseDuration(opts.gateDuration, '--gate-duration'),
  );
  await withLifecycle(inv, { ...opts, record: true }, async (ctx) => {
    try {
      const report = await upgradeMesh(ctx, mesh, {
        version: opts.version,
        canary: opts.canary,
        steps,
        revision: opts.revision,
        set: opts.set,
        timeoutMs: timeoutOf(opts.timeout),
        pauseMs: parseDuration(opts.pause, '--pause'),
        gates,
        others: BUILTIN_MESHES,
      });
      await printReport(inv, report);
      inv.log.success(summary(report));
    } catch (err) {
      if (!(err instanceof UpgradeFailed)) throw err;
      await printReport(inv, err.report);
      throw err.error;
    }
  });
}

export async function printReport(inv: Invocation, report: UpgradeReport): Promise<void> {
  if (!isTable(inv)) {
    await document(inv, 'MeshUpgradeResult', { ...report });
    return;
  }
  for (const s of report.steps)
    inv.out.write(
      `step ${s.step} ${s.action}${s.namespaces.length ? ` ${s.namespaces.join(',')}` : ''} ${s.ok ? 'passed' : 'failed'} ${(s.durationMs / 1000).toFixed(1)}s\n`,
    );
}

export function summary(r: UpgradeReport): string {
  const to = r.to.revision !== 'default' && r.mode === 'canary' ? ` (revision ${r.to.revision})` : '';
  return `${r.mesh} ${r.from.version} → ${r.to.version}${to}: ${r.outcome} in ${(r.totalMs / 1000).toFixed(1)}s`;
}
