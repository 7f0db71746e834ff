import type { Invocation } from '../shared/invocation.js';
import { printResult } from './print.js';
import { findResult } from './refs.js';
import { stores } from './stores.js';

export async function run(inv: Invocation, ref: string, _opts: object): Promise<void> {
  await printResult(inv, await findResult(await stores(inv), ref));
}
