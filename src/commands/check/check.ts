import { runUntilHealthy } from '../../checks/framework.js';
import { checkDocument, checksJUnit, renderCheckTable } from '../../checks/render.js';
import { parseDuration } from '../../core/duration.js';
import { ExitCode, UsageError } from '../../core/errors.js';
import { API_VERSION } from '../../core/output/formats.js';
import { DEFAULT_RETRY } from '../../k8s/http/retry.js';
import { parseRequestTimeout } from '../shared/flags/cluster.js';
import { planHealthChecks } from '../shared/health-checks.js';
import type { Invocation } from '../shared/invocation.js';

interface CheckFlags {
  pre: boolean;
  proxy: boolean;
  wait?: string;
  requestTimeout: string;
}

interface Options {
  pre: boolean;
  proxy: boolean;
  /** 0: run once. */
  waitMs: number;
  waitText?: string;
  requestTimeoutMs: number;
}

export function complete(_inv: Invocation, flags: CheckFlags): Options {
  return {
    pre: flags.pre,
    proxy: flags.proxy,
    waitMs: flags.wait === undefined ? 0 : parseDuration(flags.wait, '--wait'),
    waitText: flags.wait,
    requestTimeoutMs: parseRequestTimeout(flags),
  };
}

export function validate(opts: Options): void {
  if (opts.pre && opts.proxy)
    throw new UsageError('--pre and --proxy do not go together', {
      hint: '--pre checks before a mesh is deployed; --proxy checks its data plane after',
    });
}

export async function run(inv: Invocation, opts: Options): Promise<number> {
  const { waitMs, requestTimeoutMs } = opts;
  const connection = await inv.factory.cluster({
    requestTimeoutMs,
    retry: { ...DEFAULT_RETRY, maxAttempts: 2, budgetMs: requestTimeoutMs },
  });
  try {
    const plan = await planHealthChecks(inv, connection, opts);
    const report = await runUntilHealthy(plan.categories, plan.roundContext, inv.signal, {
      waitMs,
      onRetry: (failing, attempt) =>
        inv.log.info(
          `waiting: ${failing.length} check${failing.length === 1 ? '' : 's'} failing (${failing.map((f) => `${f.category}/${f.id}`).join(', ')}), attempt ${attempt}`,
        ),
    });
    if (inv.format === 'junit') inv.out.write(checksJUnit(report));
    else if (inv.format === 'table') inv.out.write(renderCheckTable(report, inv.stdoutColor));
    else await inv.out.data(checkDocument(report, API_VERSION));
    if (report.timedOut) {
      inv.log.warn(`checks still failing after ${opts.waitText} (${report.attempts} attempts)`);
      return ExitCode.TIMEOUT;
    }
    return report.success ? ExitCode.OK : ExitCode.PROBLEM_FOUND;
  } finally {
    connection.close();
  }
}
