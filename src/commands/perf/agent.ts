// `meshdeck perf agent` (hidden): what a generator pod of an in-cluster run executes. It takes its share
// of the run from MESHDECK_PERF_SETTINGS, runs the engine, and writes progress lines and, at the end, its
// whole result with the full histograms on stdout (src/perf/cluster/protocol.ts), for the run that
// follows the pod's log to merge exactly.
import { OperationError } from '../../core/errors.js';
import { decodeSettings, encodeLine, SETTINGS_ENV } from '../../perf/cluster/protocol.js';
import { runLoadTest } from '../../perf/run.js';
import { resolveSpec } from '../../perf/spec/options.js';
import type { Invocation } from '../shared/invocation.js';

type Options = Record<string, never>;

export function complete(): Options {
  return {};
}

export async function run(inv: Invocation): Promise<void> {
  const write = (line: Parameters<typeof encodeLine>[0]) => inv.out.write(encodeLine(line));
  let spec;
  try {
    spec = resolveSpec(decodeSettings(inv.env[SETTINGS_ENV]));
  } catch (err) {
    write({ type: 'error', message: (err as Error).message });
    throw new OperationError((err as Error).message, {
      hint: `${SETTINGS_ENV} holds the run's settings as JSON`,
    });
  }
  const pod = inv.env.HOSTNAME ?? 'generator';
  const result = await runLoadTest(
    spec,
    { name: pod, labels: { generator: pod } },
    {
      signal: inv.signal,
      warn: (m) => inv.log.warn(m),
      onProgress: (progress) => write({ type: 'progress', progress }),
    },
  );
  write({ type: 'result', result });
  if (result.interrupted) throw new OperationError('stopped before the end of the run');
}
