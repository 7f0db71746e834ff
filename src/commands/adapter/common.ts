// What the adapter commands share: the registry of the invocation's context, the command's deadline
// (--timeout, or Ctrl-C), and how adapters and their events look on the terminal.
import type { AdapterRegistry } from '../../adapters/registry/registry.js';
import type { AdapterEvent, MeshAdapter } from '../../adapters/types.js';
import { withDeadline } from '../../core/abort.js';
import { parseDuration } from '../../core/duration.js';
import type { Invocation } from '../shared/invocation.js';

/** The adapters of the context; what an unreachable external adapter waits for goes to stderr. */
export function adapterRegistry(inv: Invocation, quietWaits = false): Promise<AdapterRegistry> {
  return inv.factory.adapters({ onWait: (m) => (quietWaits ? inv.log.debug(m) : inv.log.info(m)) });
}

/** --timeout in milliseconds (exit 2 when malformed). */
export function parseTimeout(flags: { timeout: string }): number {
  return Math.max(1, parseDuration(flags.timeout, '--timeout'));
}

/** Fires on Ctrl-C or when the timeout runs out (then calls end with exit 5). */
export function deadline(inv: Invocation, timeoutMs: number): AbortSignal {
  return withDeadline(inv.signal, timeoutMs, `--timeout of ${timeoutMs} ms`).signal;
}

/** Opens the adapter, runs the work and closes its connection whatever happens. */
export async function withAdapter<T>(
  inv: Invocation,
  name: string,
  work: (adapter: MeshAdapter) => Promise<T>,
): Promise<T> {
  const registry = await adapterRegistry(inv);
  try {
    return await work(await registry.open(name));
  } finally {
    await registry.closeAll();
  }
}

/** One event as a stderr line (and indented lines for details, cause and remediation). */
export function eventLines(event: AdapterEvent): string[] {
  const lines = [`[${event.severity}] ${event.summary}${event.errorCode ? ` (${event.errorCode})` : ''}`];
  if (event.details) lines.push(...event.details.split('\n').map((l) => `    ${l}`));
  if (event.probableCause) lines.push(`    probable cause: ${event.probableCause}`);
  if (event.suggestedRemediation) lines.push(`    remediation: ${event.suggestedRemediation}`);
  return lines;
}
