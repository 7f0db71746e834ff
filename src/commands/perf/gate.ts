import { ProblemFoundError, UsageError } from '../../core/errors.js';
import { API_VERSION } from '../../core/output/formats.js';
import {
  evaluateAgainstBaseline,
  evaluateGates,
  DEFAULT_BASELINE_METRICS,
} from '../../perf/gates/evaluate.js';
import { parseGate, type Gate } from '../../perf/gates/parse.js';
import type { GateVerdict } from '../../perf/result/model.js';
import { badValue } from '../../core/input-error.js';
import type { Invocation } from '../shared/invocation.js';
import { gatesJUnit } from '../../perf/gates/junit.js';
import { renderVerdicts, writeJUnitFile } from '../shared/perf-print.js';
import { findResult } from './refs.js';

interface GateFlags {
  baseline?: string;
  maxRegression?: string;
  metric?: string;
  assert?: string[];
  junit?: string;
}

interface Options {
  ref: string;
  gates: Gate[];
  baseline?: string;
  /** Given with --max-regression (it needs --baseline). */
  maxRegressionGiven: boolean;
  maxRegression: number;
  metrics: readonly string[];
  junit?: string;
}

export function complete(_inv: Invocation, ref: string, flags: GateFlags): Options {
  return {
    ref,
    gates: (flags.assert ?? []).map(parseGate),
    baseline: flags.baseline,
    maxRegressionGiven: flags.maxRegression !== undefined,
    maxRegression: parsePercent(flags.maxRegression ?? '10%'),
    metrics: flags.metric
      ? flags.metric
          .split(',')
          .map((m) => m.trim())
          .filter(Boolean)
      : DEFAULT_BASELINE_METRICS,
    junit: flags.junit,
  };
}

export function validate(opts: Options): void {
  if (!opts.baseline && opts.gates.length === 0) {
    throw new UsageError('nothing to check: give --baseline RESULT and/or --assert GATE', {
      hint: 'e.g. meshdeck perf gate canary --baseline stable --max-regression 10%',
    });
  }
  if (opts.maxRegressionGiven && !opts.baseline) {
    throw new UsageError('--max-regression needs --baseline', {
      hint: 'name the result to compare against with --baseline',
    });
  }
}

export async function run(inv: Invocation, opts: Options): Promise<void> {
  const { ref, gates, maxRegression, metrics } = opts;
  const s = await inv.factory.perfStores();
  const result = await findResult(s, ref);
  const verdicts: GateVerdict[] = [];
  let baselineId: string | null = null;
  if (opts.baseline) {
    const baseline = await findResult(s, opts.baseline);
    baselineId = baseline.id;
    verdicts.push(...evaluateAgainstBaseline(result, baseline, maxRegression, metrics));
  }
  verdicts.push(...evaluateGates(result, gates));
  const failed = verdicts.filter((v) => !v.passed);

  await writeJUnitFile(inv, opts.junit, result, verdicts);
  if (inv.format === 'junit') {
    inv.out.write(gatesJUnit(result, verdicts));
  } else if (inv.format === 'json' || inv.format === 'yaml') {
    await inv.out.data({
      apiVersion: API_VERSION,
      kind: 'PerfGateReport',
      result: result.id,
      baseline: baselineId,
      passed: failed.length === 0,
      gates: verdicts,
    });
  } else {
    inv.out.write(renderVerdicts(inv, verdicts, `gates for ${result.name} ${result.id.slice(0, 8)}`));
  }
  if (failed.length > 0) {
    throw new ProblemFoundError(
      `${failed.length} of ${verdicts.length} gate${verdicts.length === 1 ? '' : 's'} failed: ${failed.map((v) => v.reason).join('; ')}`,
    );
  }
}

function parsePercent(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(text);
  if (!m)
    throw badValue(
      '--max-regression',
      text,
      Math.max(0, text.search(/[^\d.\s]/)),
      'expected a percentage',
      'e.g. --max-regression 10%',
    );
  return Number(m[1]) / 100;
}
