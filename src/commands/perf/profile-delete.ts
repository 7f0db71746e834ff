import type { Invocation } from '../shared/invocation.js';
import { findProfile } from './refs.js';

interface Options {
  ref: string;
}

export function complete(_inv: Invocation, ref: string, _flags: object): Options {
  return { ref };
}

export async function run(inv: Invocation, { ref }: Options): Promise<void> {
  const s = await inv.factory.perfStores();
  const profile = await findProfile(s, ref);
  await s.profiles.delete(profile.id);
  inv.log.success(`profile "${profile.name}" deleted (its results are kept)`);
}
