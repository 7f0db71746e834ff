import type { MeshAdapter } from '../../adapters/types.js';
import { isMeshdeckError } from '../../core/errors.js';
import type { Invocation } from '../shared/invocation.js';
import { adapterRegistry, deadline, parseTimeout } from './common.js';
import { adapterView, type AdapterRow } from './views.js';

export function complete(_inv: Invocation, flags: { timeout: string }): { timeoutMs: number } {
  return { timeoutMs: parseTimeout(flags) };
}

export async function run(inv: Invocation, { timeoutMs }: { timeoutMs: number }): Promise<void> {
  // A listing shows the state as it is: waits go to the debug log, unreachable adapters become rows.
  const registry = await adapterRegistry(inv, true);
  const signal = deadline(inv, timeoutMs);
  try {
    const rows = await Promise.all(
      registry.entries().map(async (entry) => describe(await registry.open(entry.name), signal)),
    );
    inv.throwIfInterrupted();
    await inv.out.list(rows, adapterView);
  } finally {
    await registry.closeAll();
  }
}

async function describe(adapter: MeshAdapter, signal: AbortSignal): Promise<AdapterRow> {
  const row: AdapterRow = {
    name: adapter.name,
    kind: adapter.kind,
    address: adapter.address,
    state: 'connected',
  };
  try {
    row.mesh = await adapter.meshName(signal);
    row.version = (await adapter.componentInfo(signal)).version;
    row.operations = (await adapter.operations(signal)).length;
  } catch (err) {
    if (isMeshdeckError(err) && err.exitCode === 130) throw err;
    row.problem = isMeshdeckError(err) ? err.message : String(err);
  }
  row.state = adapter.connectionState?.() ?? 'connected';
  if (row.problem && row.state === 'connected') row.state = 'unreachable';
  return row;
}
