import { resolveSpec } from '../../perf/spec/options.js';
import { parseTargetUrl } from '../../perf/spec/url.js';
import { parseRunCommandFlags, type RunCommandOptions } from '../shared/flags/perf-load-parse.js';
import type { RunCommandFlags } from '../shared/flags/perf-load.js';
import type { Invocation } from '../shared/invocation.js';
import { executeRun } from '../shared/perf-run.js';

export function complete(_inv: Invocation, url: string, flags: RunCommandFlags): Promise<RunCommandOptions> {
  return parseRunCommandFlags(url, flags);
}

export async function run(inv: Invocation, o: RunCommandOptions): Promise<void> {
  const spec = resolveSpec(o.settings);
  await executeRun(
    inv,
    spec,
    { name: o.name ?? parseTargetUrl(spec.url).host, labels: o.labels },
    { gates: o.gates, junit: o.junit, stores: o.save ? await inv.factory.perfStores() : null },
  );
}
