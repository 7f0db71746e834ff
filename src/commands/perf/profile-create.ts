import { readFile } from 'node:fs/promises';
import { UsageError, errnoCode } from '../../core/errors.js';
import { createProfile } from '../../perf/profile/profile.js';
import { settingsFromFlags, type RunSettings } from '../../perf/spec/options.js';
import type { Invocation } from '../shared/invocation.js';
import { parseLabels } from './labels.js';
import type { RunCommandOptions } from './options.js';
import { stores } from './stores.js';

export interface ProfileCreateOptions extends RunCommandOptions {
  url?: string;
  file?: string;
  description?: string;
  mesh?: string;
}

export async function run(
  inv: Invocation,
  name: string | undefined,
  opts: ProfileCreateOptions,
): Promise<void> {
  let base: RunSettings = {};
  let fileName = '';
  let labels: Record<string, string> = {};
  let mesh = '';
  let additional = '';
  if (opts.file) {
    const imported = await importSmpFile(opts.file);
    for (const w of imported.warnings) inv.log.warn(w);
    base = imported.settings;
    fileName = imported.name;
    labels = imported.labels;
    mesh = imported.mesh;
    additional = imported.additional_options;
  }
  const profileName = name ?? fileName;
  if (!profileName) {
    throw new UsageError('the profile needs a name', {
      hint: 'give it as the argument: meshdeck perf profile create NAME ...',
    });
  }
  const flags = await settingsFromFlags(opts.url, opts);
  const profile = createProfile({
    name: profileName,
    settings: { ...base, ...definedOnly(flags) },
    description: opts.description,
    labels: { ...labels, ...parseLabels(opts.label) },
    mesh: opts.mesh ?? mesh,
    assertions: opts.assert ?? [],
    additional_options: additional,
  });
  const s = await stores(inv);
  await s.profiles.save(profile);
  inv.log.success(
    `profile "${profile.name}" created (${profile.id.slice(0, 8)}); run it with: meshdeck perf apply ${quoteArg(profile.name)}`,
  );
}

/** Reads and parses an SMP test configuration file (the yaml package loads only here). */
export async function importSmpFile(path: string) {
  let source: string;
  try {
    source = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(
      `cannot read ${path}: ${errnoCode(err) === 'ENOENT' ? 'no such file' : (err as Error).message}`,
      {
        hint: 'check the path given to -f',
      },
    );
  }
  const { parseSmpConfig } = await import('../../perf/profile/smp-import.js');
  return parseSmpConfig(source, path);
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function quoteArg(s: string): string {
  return /^[A-Za-z0-9._-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
