// One load test, start to finish: the chosen generator measures, the result is built.
import { loadGenerator } from './generators/index.js';
import type { GeneratorContext } from './generators/types.js';
import { buildResult, type ResultMeta } from './result/build.js';
import type { PerfResult } from './result/model.js';
import type { RunSpec } from './spec/run-spec.js';

export async function runLoadTest(
  spec: RunSpec,
  meta: ResultMeta,
  ctx: GeneratorContext,
): Promise<PerfResult> {
  const generator = await loadGenerator(spec.loadGenerator);
  const measured = await generator.run(spec, ctx);
  return buildResult(spec, measured, meta);
}
