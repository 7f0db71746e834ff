// Finding the profile or result a user named, with a clear error when there is none.
import { existsSync } from 'node:fs';
import { UsageError } from '../../core/errors.js';
import { didYouMean } from '../../core/suggest.js';
import type { PerfResult } from '../../perf/result/model.js';
import { readResultFile } from '../../perf/result/read.js';
import type { PerfProfile, PerfStores } from '../../perf/store/types.js';

/** A stored result (id, id prefix, name), or a result file (a path to a .json/.yaml). */
export async function findResult(stores: PerfStores, ref: string): Promise<PerfResult> {
  const looksLikeFile = /[/\\]|\.(json|ya?ml)$/i.test(ref);
  if (looksLikeFile && existsSync(ref)) return readResultFile(ref);
  const found = await stores.results.get(ref);
  if (found) return found;
  if (looksLikeFile) throw new UsageError(`no result file ${ref}`, { hint: 'check the path' });
  throw new UsageError(`no result "${ref}"`, {
    hint: 'list them with: meshdeck perf result list (refer to one by id, id prefix or name, or give a result file)',
  });
}

export async function findProfile(stores: PerfStores, ref: string): Promise<PerfProfile> {
  const found = await stores.profiles.get(ref);
  if (found) return found;
  const names = (await stores.profiles.list()).map((p) => p.name);
  throw new UsageError(`no profile "${ref}"${didYouMean(ref, names)}`, {
    hint:
      names.length > 0
        ? `profiles: ${names.join(', ')}`
        : 'create one with: meshdeck perf profile create NAME --url URL',
  });
}
