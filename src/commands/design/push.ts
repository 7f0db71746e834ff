import type { Invocation } from '../shared/invocation.js';
import { readDesign } from './common.js';
import { openDesignLibrary, publishDesign } from './library.js';

export async function run(
  inv: Invocation,
  file: string,
  opts: { force?: true; provider?: string; requestTimeout: string },
): Promise<void> {
  // The same reading and rules as import: a design file, a Meshery design, or plain manifests.
  const design = await readDesign(inv, undefined, {
    filename: [file],
    recursive: false,
    requestTimeout: opts.requestTimeout,
  });
  const library = await openDesignLibrary(inv, { provider: opts.provider });
  await publishDesign(inv, library, design, { force: opts.force });
}
