// Printing what a mesh operation did: one line per object (kubectl's shape) on stdout for tables, the
// whole report for -o json and yaml.
import { API_VERSION } from '../../core/output/formats.js';
import type { ObjectResult } from '../../k8s/apply/apply.js';
import type { Invocation } from '../shared/invocation.js';

export function objectLines(inv: Invocation, results: readonly ObjectResult[], dryRun = false): void {
  for (const r of results)
    inv.out.write(
      `${r.what} ${r.action}${dryRun && r.action !== 'failed' ? ' (server dry run)' : ''}${r.message ? `: ${r.message}` : ''}\n`,
    );
}

export function objectData(results: readonly ObjectResult[]) {
  return results.map((r) => ({
    object: r.what,
    action: r.action,
    ...(r.message ? { message: r.message } : {}),
  }));
}

export async function document(inv: Invocation, kind: string, body: Record<string, unknown>): Promise<void> {
  await inv.out.data({ apiVersion: API_VERSION, kind, ...body });
}

export function isTable(inv: Invocation): boolean {
  return inv.format === 'table' || inv.format === 'wide';
}
