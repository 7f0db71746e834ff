import { UsageError } from '../../core/errors.js';
import { createProfile } from '../../perf/profile/profile.js';
import type { RunSettings } from '../../perf/spec/options.js';
import { parseRunCommandFlags, type RunCommandOptions } from '../shared/flags/perf-load-parse.js';
import type { RunCommandFlags } from '../shared/flags/perf-load.js';
import type { Invocation } from '../shared/invocation.js';
import { importSmpFile } from './smp-file.js';

interface ProfileCreateFlags extends RunCommandFlags {
  url?: string;
  file?: string;
  description?: string;
  mesh?: string;
}

interface Options extends RunCommandOptions {
  /** The profile's name (default: the name in the SMP file). */
  name?: string;
  file?: string;
  description?: string;
  mesh?: string;
}

export function complete(
  _inv: Invocation,
  name: string | undefined,
  flags: ProfileCreateFlags,
): Promise<Options> {
  return parseRunCommandFlags(flags.url, flags).then((run) => ({
    ...run,
    name,
    file: flags.file,
    description: flags.description,
    mesh: flags.mesh,
  }));
}

export async function run(inv: Invocation, opts: Options): Promise<void> {
  const name = opts.name;
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
  const profile = createProfile({
    name: profileName,
    settings: { ...base, ...definedOnly(opts.settings) },
    description: opts.description,
    labels: { ...labels, ...opts.labels },
    mesh: opts.mesh ?? mesh,
    assertions: opts.assertions,
    additional_options: additional,
  });
  const s = await inv.factory.perfStores();
  await s.profiles.save(profile);
  inv.log.success(
    `profile "${profile.name}" created (${profile.id.slice(0, 8)}); run it with: meshdeck perf apply ${quoteArg(profile.name)}`,
  );
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function quoteArg(s: string): string {
  return /^[A-Za-z0-9._-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
