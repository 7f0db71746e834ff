// Every load generator behind one interface: take a RunSpec, measure, hand back a MeasuredRun that
// buildResult turns into the common result model.
import type { LiveProgress } from '../engine/native.js';
import type { MeasuredRun } from '../result/build.js';
import type { GeneratorName, RunSpec } from '../spec/run-spec.js';

export interface GeneratorContext {
  /** Ctrl-C: stop, and return what was measured (aborted: true). */
  signal?: AbortSignal;
  onProgress?: (p: LiveProgress) => void;
  /** Things the user should know (a generator's known limits); printed on stderr. */
  warn: (message: string) => void;
}

export interface LoadGenerator {
  readonly name: GeneratorName;
  run(spec: RunSpec, ctx: GeneratorContext): Promise<MeasuredRun>;
}
