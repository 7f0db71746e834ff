// meshdeck's own engine (src/perf/engine).
import { VERSION } from '../../core/version.js';
import { runNativeEngine } from '../engine/native.js';
import { serialiseRequest } from '../engine/request.js';
import { parseTargetUrl } from '../spec/url.js';
import type { GeneratorContext, LoadGenerator } from './types.js';
import type { RunSpec } from '../spec/run-spec.js';
import type { MeasuredRun } from '../result/build.js';

export const nativeGenerator: LoadGenerator = {
  name: 'native',
  async run(spec: RunSpec, ctx: GeneratorContext): Promise<MeasuredRun> {
    const url = parseTargetUrl(spec.url);
    const request = serialiseRequest({
      method: spec.method,
      path: url.path,
      host: url.host,
      headers: spec.headers,
      body: spec.body,
    });
    const out = await runNativeEngine(
      {
        target: {
          tls: url.tls,
          hostname: url.hostname,
          port: url.port,
          insecure: spec.insecure,
          ca: spec.ca,
        },
        request,
        headRequests: spec.method === 'HEAD',
        connections: spec.connections,
        pipeline: spec.pipeline,
        rate: spec.rate,
        requests: spec.requests,
        warmupMs: spec.warmupMs,
        durationMs: spec.durationMs,
        timeoutMs: spec.timeoutMs,
        workers: spec.workers,
      },
      { signal: ctx.signal, onProgress: ctx.onProgress },
    );
    return { generator: { name: 'native', version: VERSION }, ...out };
  },
};
