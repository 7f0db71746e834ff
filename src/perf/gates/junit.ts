// Gate verdicts as JUnit: one test case per gate, so a CI system shows which gate failed a canary and by
// how much, next to the pipeline's other tests.
import { renderJUnit, type JUnitSuite } from '../../core/output/junit.js';
import type { GateVerdict, PerfResult } from '../result/model.js';

export function gateSuite(result: PerfResult, verdicts: readonly GateVerdict[]): JUnitSuite {
  const classname = `meshdeck.perf.${result.name}`;
  return {
    name: `perf gates: ${result.name} ${result.id.slice(0, 8)}`,
    timestamp: result.end_time,
    cases: verdicts.map((v) => ({
      name: v.gate,
      classname,
      output: `actual: ${v.actual}`,
      ...(v.passed
        ? {}
        : {
            failure: {
              message: v.reason,
              type: 'GateFailed',
              text: `${v.gate}: ${v.reason} (actual ${v.actual})`,
            },
          }),
    })),
  };
}

export function gatesJUnit(result: PerfResult, verdicts: readonly GateVerdict[]): string {
  return renderJUnit('meshdeck perf', [gateSuite(result, verdicts)]);
}
