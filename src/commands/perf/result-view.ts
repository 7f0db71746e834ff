import type { Invocation } from '../shared/invocation.js';
import { printResult } from '../shared/perf-print.js';
import { findResult } from './refs.js';

interface Options {
  ref: string;
}

export function complete(_inv: Invocation, ref: string, _flags: object): Options {
  return { ref };
}

export async function run(inv: Invocation, { ref }: Options): Promise<void> {
  await printResult(inv, await findResult(await inv.factory.perfStores(), ref));
}
