import { UsageError } from '../../core/errors.js';
import { renderTable } from '../../core/output/table.js';
import { API_VERSION } from '../../core/output/formats.js';
import { compareResults, resultHeading, type ComparedMetric } from '../../perf/compare/compare.js';
import type { Invocation } from '../shared/invocation.js';
import { findResult } from './refs.js';

interface Options {
  refs: string[];
}

export function complete(_inv: Invocation, refs: string[], _flags: object): Options {
  return { refs };
}

export function validate({ refs }: Options): void {
  if (refs.length < 2)
    throw new UsageError('compare needs at least two results', {
      hint: 'e.g. meshdeck perf compare baseline canary',
    });
}

export async function run(inv: Invocation, { refs }: Options): Promise<void> {
  const s = await inv.factory.perfStores();
  const results = [];
  for (const ref of refs) results.push(await findResult(s, ref));
  const rows = compareResults(results);
  if (inv.format === 'json' || inv.format === 'yaml') {
    await inv.out.data({
      apiVersion: API_VERSION,
      kind: 'PerfComparison',
      baseline: results[0].id,
      results: results.map((r) => ({
        id: r.id,
        name: r.name,
        url: r.test.url,
        load_generator: r.load_generator.name,
      })),
      metrics: rows.map((m) => ({ metric: m.metric, values: m.values, higher_is_better: m.higherIsBetter })),
    });
    return;
  }
  const columns = [
    { header: 'metric', value: (m: ComparedMetric) => m.metric },
    ...results.map((r, i) => ({
      header: resultHeading(r),
      value: (m: ComparedMetric) => m.cells[i],
      align: 'right' as const,
    })),
  ];
  // Names head the columns; the first row gives each result's short id (headers are upper-cased).
  const ids: ComparedMetric = {
    metric: 'result',
    values: [],
    cells: results.map((r) => r.id.slice(0, 8)),
    higherIsBetter: false,
  };
  inv.out.write(renderTable([ids, ...rows], columns));
  inv.log.info(
    `changes are against the first result (${resultHeading(results[0])}); latencies are corrected in open-loop runs`,
  );
}
