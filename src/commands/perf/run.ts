import { settingsFromFlags, resolveSpec } from '../../perf/spec/options.js';
import { parseTargetUrl } from '../../perf/spec/url.js';
import type { Invocation } from '../shared/invocation.js';
import { executeRun } from './execute.js';
import { parseLabels } from './labels.js';
import type { RunCommandOptions } from './options.js';

export async function run(inv: Invocation, url: string, opts: RunCommandOptions): Promise<void> {
  const settings = await settingsFromFlags(url, opts);
  const labels = parseLabels(opts.label);
  const spec = resolveSpec(settings);
  await executeRun(
    inv,
    spec,
    { name: opts.name ?? parseTargetUrl(spec.url).host, labels },
    { gates: opts.assert ?? [], junit: opts.junit, save: opts.save !== false },
  );
}
