import type { Invocation } from '../shared/invocation.js';
import { findProfile } from './refs.js';
import { stores } from './stores.js';

export async function run(inv: Invocation, ref: string, _opts: object): Promise<void> {
  const s = await stores(inv);
  const profile = await findProfile(s, ref);
  await s.profiles.delete(profile.id);
  inv.log.success(`profile "${profile.name}" deleted (its results are kept)`);
}
