import { rollbackMesh, UpgradeFailed } from '../../adapters/lifecycle/upgrade.js';
import type { Invocation } from '../shared/invocation.js';
import { findMesh, timeoutOf, withLifecycle } from './common.js';
import { printReport, summary } from './upgrade.js';

interface RollbackFlags {
  installer?: string;
  timeout: string;
}

export function complete(
  _inv: Invocation,
  name: string,
  opts: RollbackFlags,
): { name: string; opts: RollbackFlags } {
  findMesh(name);
  return { name, opts };
}

export async function run(
  inv: Invocation,
  { name, opts }: { name: string; opts: RollbackFlags },
): Promise<void> {
  const mesh = findMesh(name);
  await withLifecycle(inv, { ...opts, record: true }, async (ctx) => {
    try {
      const report = await rollbackMesh(ctx, mesh, {
        steps: 1,
        timeoutMs: timeoutOf(opts.timeout),
        pauseMs: 0,
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
