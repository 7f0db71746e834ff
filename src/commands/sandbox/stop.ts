import { stopRunning } from '../../sandbox/index.js';
import { noOptions } from '../shared/convention.js';
import type { Invocation } from '../shared/invocation.js';

export const complete = noOptions;

export async function run(inv: Invocation): Promise<void> {
  const state = await stopRunning(inv.paths.stateDir);
  if (!state) {
    inv.log.info('no sandbox is running');
    return;
  }
  inv.log.success(`sandbox stopped (pid ${state.pid})`);
}
