import { UsageError } from '../../core/errors.js';
import { parseGate } from '../../perf/gates/parse.js';
import { resolveSpec } from '../../perf/spec/options.js';
import { parseRunCommandFlags, type RunCommandOptions } from '../shared/flags/perf-load-parse.js';
import type { RunCommandFlags } from '../shared/flags/perf-load.js';
import type { Invocation } from '../shared/invocation.js';
import { executeRun } from '../shared/perf-run.js';
import type { InClusterFlags } from '../shared/flags/perf-cluster.js';
import { parseInClusterFlags, type InClusterOptions } from '../shared/flags/perf-cluster-parse.js';
import { runnerFor } from './run.js';
import { importSmpFile } from './smp-file.js';
import { findProfile } from './refs.js';

interface Options extends RunCommandOptions {
  profile?: string;
  file?: string;
  inCluster?: InClusterOptions;
}

export function validate(o: Options): void {
  if (!o.profile && !o.file) {
    throw new UsageError('name a profile, or give an SMP test configuration with -f', {
      hint: 'e.g. meshdeck perf apply checkout-p99, or meshdeck perf apply -f smp-test.yaml',
    });
  }
  if (o.profile && o.file) throw new UsageError('give a profile or -f FILE, not both');
}

export async function complete(
  _inv: Invocation,
  profile: string | undefined,
  flags: RunCommandFlags & InClusterFlags & { file?: string; url?: string },
): Promise<Options> {
  return {
    profile,
    file: flags.file,
    ...(await parseRunCommandFlags(flags.url, flags)),
    inCluster: parseInClusterFlags(flags),
  };
}

export async function run(inv: Invocation, o: Options): Promise<void> {
  const keep = async () => (o.save ? await inv.factory.perfStores() : null);
  const runner = await runnerFor(inv, o.inCluster);
  if (o.file) {
    const imported = await importSmpFile(o.file);
    for (const w of imported.warnings) inv.log.warn(w);
    const spec = resolveSpec(imported.settings, o.settings);
    await executeRun(
      inv,
      spec,
      { name: o.name ?? (imported.name || 'smp-test'), labels: { ...imported.labels, ...o.labels } },
      { gates: o.gates, junit: o.junit, stores: await keep(), runner },
    );
    return;
  }
  const profile = await findProfile(await inv.factory.perfStores(), o.profile!);
  const spec = resolveSpec(profile.settings, o.settings);
  await executeRun(
    inv,
    spec,
    {
      name: o.name ?? profile.name,
      profile: { id: profile.id, name: profile.name },
      labels: { ...profile.labels, ...(profile.mesh ? { mesh: profile.mesh } : {}), ...o.labels },
    },
    {
      gates: [...profile.assertions.map(parseGate), ...o.gates],
      junit: o.junit,
      stores: await keep(),
      runner,
    },
  );
}
