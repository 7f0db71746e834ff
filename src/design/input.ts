// Where a command's design comes from: a name (a design kept by the provider), or -f sources (files,
// folders, stdin, URLs). Either, never both.
import { UsageError } from '../core/errors.js';
import { loadDesign, type LoadResult } from './load.js';
import { readSources, type ReadSourcesOptions } from './sources.js';
import { setting } from '../core/settings.js';

export interface DesignInput {
  /** A design kept by the provider. */
  name?: string;
  /** -f values. */
  files: readonly string[];
  /** Names (or renames) the design. */
  rename?: string;
  version?: string;
}

export async function loadDesignInput(
  input: DesignInput,
  read: ReadSourcesOptions,
  /** Finds a design by name (the provider's library); only called when a name is given. */
  byName: (name: string) => Promise<LoadResult>,
): Promise<LoadResult> {
  if (input.name !== undefined && input.files.length > 0) {
    throw new UsageError(`give either a design name ("${input.name}") or -f sources, not both`);
  }
  if (input.name !== undefined) {
    const loaded = await byName(input.name);
    if (input.rename !== undefined) loaded.design.meta.name = input.rename;
    return loaded;
  }
  if (input.files.length === 0) {
    throw new UsageError('no design given', {
      hint: 'name one from "meshdeck design list", or give manifests with -f FILE|FOLDER|URL|- (stdin)',
    });
  }
  const loaded = loadDesign(await readSources(input.files, read), {
    name: input.rename,
    version: input.version,
    namedAfter: input.files[0] === '-' ? 'stdin' : input.files[0],
  });
  if (input.rename === undefined && loaded.design.format === 'manifests' && input.files[0] === '-') {
    throw new UsageError('plain manifests from stdin need a design name', {
      hint: `add ${setting('name')} NAME: meshdeck labels what it applies with the design name, to find it again`,
    });
  }
  return loaded;
}
