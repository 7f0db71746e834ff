import { performance } from 'node:perf_hooks';
import type { Invocation } from '../shared/invocation.js';
import { deadline, parseTimeout, withAdapter } from './common.js';
import { statusView, type StatusRow } from './views.js';

interface Options {
  name: string;
  timeoutMs: number;
}

export function complete(_inv: Invocation, name: string, flags: { timeout: string }): Options {
  return { name, timeoutMs: parseTimeout(flags) };
}

export async function run(inv: Invocation, { name, timeoutMs }: Options): Promise<void> {
  const signal = deadline(inv, timeoutMs);
  const row = await withAdapter(inv, name, async (adapter): Promise<StatusRow> => {
    // The first MeshName waits for the connection; the second one is the round trip.
    await adapter.meshName(signal);
    const started = performance.now();
    const mesh = await adapter.meshName(signal);
    const roundTripMs = performance.now() - started;
    const info = await adapter.componentInfo(signal);
    const operations = (await adapter.operations(signal)).length;
    return {
      name: adapter.name,
      kind: adapter.kind,
      address: adapter.address,
      state: adapter.connectionState?.() ?? 'connected',
      mesh,
      version: info.version,
      operations,
      info,
      roundTripMs,
    };
  });
  await inv.out.item(row, statusView);
}
