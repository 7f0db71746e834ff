import { resolveSpec } from '../../perf/spec/options.js';
import { parseTargetUrl } from '../../perf/spec/url.js';
import type { InClusterFlags } from '../shared/flags/perf-cluster.js';
import { parseInClusterFlags, type InClusterOptions } from '../shared/flags/perf-cluster-parse.js';
import { parseRunCommandFlags, type RunCommandOptions } from '../shared/flags/perf-load-parse.js';
import type { RunCommandFlags } from '../shared/flags/perf-load.js';
import type { Invocation } from '../shared/invocation.js';
import { executeRun, type LoadRunner } from '../shared/perf-run.js';

interface Options extends RunCommandOptions {
  inCluster?: InClusterOptions;
}

export async function complete(
  _inv: Invocation,
  url: string,
  flags: RunCommandFlags & InClusterFlags,
): Promise<Options> {
  return { ...(await parseRunCommandFlags(url, flags)), inCluster: parseInClusterFlags(flags) };
}

export async function run(inv: Invocation, o: Options): Promise<void> {
  const spec = resolveSpec(o.settings);
  await executeRun(
    inv,
    spec,
    { name: o.name ?? parseTargetUrl(spec.url).host, labels: o.labels },
    {
      gates: o.gates,
      junit: o.junit,
      stores: o.save ? await inv.factory.perfStores() : null,
      runner: await runnerFor(inv, o.inCluster),
    },
  );
}

/** The in-cluster runner when asked for (imported only then), else the local engine. */
export async function runnerFor(
  inv: Invocation,
  o: InClusterOptions | undefined,
): Promise<LoadRunner | undefined> {
  if (!o) return undefined;
  const { inClusterRunner } = await import('./in-cluster/runner.js');
  return inClusterRunner(inv, o);
}
