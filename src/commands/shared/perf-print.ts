// How results and gate verdicts are printed: the human summary for tables, the result document for
// json/yaml, the SMP PerformanceTestResult for smp.
import type { GateVerdict, PerfResult } from '../../perf/result/model.js';
import { renderSummary } from '../../perf/result/summary.js';
import { toSmpResult } from '../../perf/result/smp.js';
import { palette } from '../../core/output/color.js';
import { writeFileAtomic } from '../../core/fs/atomic.js';
import { gatesJUnit } from '../../perf/gates/junit.js';
import type { Invocation } from './invocation.js';

export async function printResult(inv: Invocation, result: PerfResult): Promise<void> {
  if (inv.format === 'junit') {
    inv.out.write(gatesJUnit(result, result.gates ?? []));
    return;
  }
  if (inv.format === 'smp') {
    inv.out.write(`${JSON.stringify(toSmpResult(result), null, 2)}\n`);
    return;
  }
  if (inv.format === 'json' || inv.format === 'yaml') {
    await inv.out.data(result);
    return;
  }
  const colors = palette(inv.stdoutColor);
  inv.out.write(renderSummary(result, { colors, unicode: inv.stdout.isTTY }));
  if (result.gates && result.gates.length > 0) inv.out.write(`\n${renderVerdicts(inv, result.gates)}`);
}

/** "[+] gate   actual" lines, as health checks print them. */
export function renderVerdicts(inv: Invocation, verdicts: readonly GateVerdict[], title = 'gates'): string {
  const c = palette(inv.stdoutColor);
  const width = Math.max(...verdicts.map((v) => v.gate.length));
  const lines = verdicts.map((v) => {
    const mark = v.passed ? c.green('[+]') : c.red('[-]');
    return `  ${mark} ${v.gate.padEnd(width)}   ${v.actual}`;
  });
  return `  ${title}\n${lines.join('\n')}\n`;
}

/** --junit FILE: the verdicts as JUnit XML beside whatever -o prints. */
export async function writeJUnitFile(
  inv: Invocation,
  file: string | undefined,
  result: PerfResult,
  verdicts: readonly GateVerdict[],
): Promise<void> {
  if (!file) return;
  await writeFileAtomic(file, gatesJUnit(result, verdicts), { mode: 0o644 });
  inv.log.info(`gate verdicts written to ${file} (JUnit)`);
}
