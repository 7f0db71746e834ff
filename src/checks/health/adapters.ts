// adapters: every registered adapter answers its liveness ping (MeshName) and tells its version.
import type { MeshAdapter } from '../../adapters/types.js';
import { withDeadline } from '../../core/abort.js';
import type { Category, SubResult } from '../framework.js';
import { rollUp } from '../framework.js';
import type { CheckContext } from './context.js';

const PING_TIMEOUT_MS = 5000;

async function ping(adapter: MeshAdapter, signal: AbortSignal): Promise<SubResult> {
  const deadline = withDeadline(signal, PING_TIMEOUT_MS, `no answer within ${PING_TIMEOUT_MS / 1000} s`);
  const timed = deadline.signal;
  const where = adapter.address ? ` at ${adapter.address}` : '';
  try {
    const mesh = await adapter.meshName(timed);
    const info = await adapter.componentInfo(timed);
    return {
      name: adapter.name,
      outcome: 'passed',
      message: `${adapter.kind} adapter${where} for ${mesh}, version ${info.version}`,
    };
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    return {
      name: adapter.name,
      outcome: 'failed',
      message: `${adapter.kind} adapter${where}: ${timed.aborted ? `no answer within ${PING_TIMEOUT_MS / 1000} s` : (err as Error).message}`,
    };
  } finally {
    deadline.dispose();
  }
}

export const adapters: Category<CheckContext> = {
  id: 'adapters',
  checks: [
    {
      id: 'live',
      description: 'registered adapters answer',
      hint: 'start the adapter (meshdeck adapter status shows its address), or remove it with meshdeck adapter remove',
      anchor: 'adapters-live',
      run: async (ctx, signal) => {
        const list = await ctx.adapters();
        const children = await Promise.all(list.map((a) => ping(a, signal)));
        return rollUp(children, { outcome: 'info', message: 'no adapters registered' });
      },
    },
  ],
};
