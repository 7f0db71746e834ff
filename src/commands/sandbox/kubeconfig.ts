import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { OperationError } from '../../core/errors.js';
import { findRunningSandbox } from '../../sandbox/index.js';
import { noOptions } from '../shared/convention.js';
import type { Invocation } from '../shared/invocation.js';

/** Credentials are never printed: keys and tokens are replaced as kubectl config view does. */
function redact(doc: Record<string, unknown>): Record<string, unknown> {
  const users = (doc.users as Array<{ user?: Record<string, unknown> }> | undefined) ?? [];
  for (const u of users) {
    for (const key of ['client-key-data', 'token']) if (u.user?.[key]) u.user[key] = 'REDACTED';
    if (u.user?.['client-certificate-data']) u.user['client-certificate-data'] = 'DATA+OMITTED';
  }
  for (const c of (doc.clusters as Array<{ cluster?: Record<string, unknown> }> | undefined) ?? []) {
    if (c.cluster?.['certificate-authority-data']) c.cluster['certificate-authority-data'] = 'DATA+OMITTED';
  }
  return doc;
}

export const complete = noOptions;

export async function run(inv: Invocation): Promise<void> {
  const state = await findRunningSandbox(inv.paths);
  if (!state)
    throw new OperationError('no sandbox is running', {
      hint: 'start one with "meshdeck sandbox start --detach"',
    });
  if (inv.format === 'table') {
    inv.out.write(`${state.kubeconfig}\n`);
    return;
  }
  const doc = parse(await readFile(state.kubeconfig, 'utf8')) as Record<string, unknown>;
  await inv.out.data(redact(doc));
}
