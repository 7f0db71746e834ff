import { UsageError } from '../../core/errors.js';
import { resolveSpec, settingsFromFlags } from '../../perf/spec/options.js';
import type { Invocation } from '../shared/invocation.js';
import { executeRun } from './execute.js';
import { parseLabels } from './labels.js';
import type { RunCommandOptions } from './options.js';
import { importSmpFile } from './profile-create.js';
import { findProfile } from './refs.js';
import { stores } from './stores.js';

export async function run(
  inv: Invocation,
  ref: string | undefined,
  opts: RunCommandOptions & { file?: string; url?: string },
): Promise<void> {
  if (!ref && !opts.file) {
    throw new UsageError('name a profile, or give an SMP test configuration with -f', {
      hint: 'e.g. meshdeck perf apply checkout-p99, or meshdeck perf apply -f smp-test.yaml',
    });
  }
  if (ref && opts.file) throw new UsageError('give a profile or -f FILE, not both');
  const flags = await settingsFromFlags(opts.url, opts);
  const labels = parseLabels(opts.label);
  if (opts.file) {
    const imported = await importSmpFile(opts.file);
    for (const w of imported.warnings) inv.log.warn(w);
    const spec = resolveSpec(imported.settings, flags);
    await executeRun(
      inv,
      spec,
      { name: opts.name ?? (imported.name || 'smp-test'), labels: { ...imported.labels, ...labels } },
      { gates: opts.assert ?? [], junit: opts.junit, save: opts.save !== false },
    );
    return;
  }
  const profile = await findProfile(await stores(inv), ref!);
  const spec = resolveSpec(profile.settings, flags);
  await executeRun(
    inv,
    spec,
    {
      name: opts.name ?? profile.name,
      profile: { id: profile.id, name: profile.name },
      labels: { ...profile.labels, ...(profile.mesh ? { mesh: profile.mesh } : {}), ...labels },
    },
    { gates: [...profile.assertions, ...(opts.assert ?? [])], junit: opts.junit, save: opts.save !== false },
  );
}
