import { publishDesign, readDesign } from '../shared/design.js';
import { parseRequestTimeout } from '../shared/flags/cluster.js';
import type { DesignSource } from '../shared/flags/design-input.js';
import { parseProviderFlag, type ProviderOptions } from '../shared/flags/provider.js';
import type { Invocation } from '../shared/invocation.js';

interface Options extends ProviderOptions {
  source: DesignSource;
  force: boolean;
}

export function complete(
  _inv: Invocation,
  file: string,
  flags: { force?: true; provider?: string; requestTimeout: string },
): Options {
  return {
    // The same reading and rules as import: a design file, a Meshery design, or plain manifests.
    source: { files: [file], recursive: false, requestTimeoutMs: parseRequestTimeout(flags) },
    force: flags.force === true,
    ...parseProviderFlag(flags),
  };
}

export async function run(inv: Invocation, opts: Options): Promise<void> {
  const design = await readDesign(inv, opts.source);
  const library = await inv.factory.designLibrary({ provider: opts.providerUrl });
  await publishDesign(inv, library, design, { force: opts.force });
}
