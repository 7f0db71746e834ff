// A run by N generators at once (pods of an in-cluster run): the rate split between them, their progress
// summed as it streams in, each one's full histogram collected from its result line and merged exactly
// (mergeResults), the resources of the target sampled meanwhile, and the fleet's objects deleted at the
// end whatever happened (unless kept). The fleet and the sampler come from the caller (fleet.ts).
import { InterruptedError, OperationError } from '../../core/errors.js';
import type { LiveProgress } from '../engine/native.js';
import type { ResultMeta } from '../result/build.js';
import { mergeResults } from '../result/merge.js';
import type { PerfResult } from '../result/model.js';
import type { RunSpec } from '../spec/run-spec.js';
import type { ClusterRun, ResourceOverhead, TargetMesh } from '../result/cluster-model.js';
import type { GeneratorFleet, GeneratorRef, ResourceSampler } from './fleet.js';
import { recordUsage } from './overhead.js';
import { decodeLine } from './protocol.js';
import { splitRun } from './split.js';

export interface DistributedOptions {
  replicas: number;
  signal: AbortSignal;
  onProgress?: (p: LiveProgress) => void;
  warn: (message: string) => void;
  /** What the fleet did (Job created, deleted, kept). */
  status?: (message: string) => void;
  /** Generators' other output. */
  debug?: (message: string) => void;
  /** What the cluster says about the target's mesh (recorded in the result). */
  target?: TargetMesh;
  sampler?: ResourceSampler;
  sampleIntervalMs?: number;
  /** What the generators run (recorded). */
  image?: string;
}

export async function runDistributed(
  spec: RunSpec,
  meta: ResultMeta,
  fleet: GeneratorFleet,
  o: DistributedOptions,
): Promise<PerfResult> {
  const share = splitRun(spec, o.replicas);
  for (const note of share.notes) o.warn(`split across ${o.replicas} generators: ${note}`);
  const progress = new Map<string, LiveProgress>();
  const results = new Map<string, { ref: GeneratorRef; result: PerfResult }>();
  const failures = new Map<string, string>();

  const run = await fleet.start(
    { replicas: o.replicas, settings: share.settings },
    {
      onLine(ref, line) {
        const msg = decodeLine(line);
        if (!msg) return o.debug?.(`${ref.pod}: ${line}`);
        if (msg.type === 'progress') {
          progress.set(ref.pod, msg.progress);
          o.onProgress?.(sumProgress([...progress.values()]));
        } else if (msg.type === 'result') results.set(ref.pod, { ref, result: msg.result });
        else failures.set(ref.pod, msg.message);
      },
      onStatus: (m) => (o.status ?? o.debug)?.(m),
    },
    o.signal,
  );
  const usage = o.sampler ? recordUsage(o.sampler, o.sampleIntervalMs ?? 1000, o.warn) : undefined;
  let resources: ResourceOverhead | undefined;
  try {
    const refs = await Promise.race([run.done, aborted(o.signal)]);
    resources = await usage?.stop();
    const missing = refs.filter((r) => !results.has(r.pod));
    if (missing.length > 0) {
      const why = missing.map((r) => `${r.pod}${failures.has(r.pod) ? ` (${failures.get(r.pod)})` : ''}`);
      throw new OperationError(
        `generator pod${missing.length > 1 ? 's' : ''} ended without a result: ${why.join(', ')}`,
        {
          hint: `see the pod's output: kubectl logs -n ${run.where.namespace} ${missing[0].pod}`,
        },
      );
    }
    const parts = refs.map((r) => results.get(r.pod)!);
    return merged(parts, meta, {
      namespace: run.where.namespace,
      job: run.where.job,
      image: o.image ?? '',
      target: o.target ?? null,
      resources,
    });
  } finally {
    if (usage && !resources) await usage.stop().catch(() => undefined);
    await run.cleanup();
  }
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () => reject(new InterruptedError());
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}

/** The progress of the whole fleet: counts and rates add up; the p99 shown is the worst generator's. */
export function sumProgress(parts: LiveProgress[]): LiveProgress {
  const sum = (pick: (p: LiveProgress) => number) => parts.reduce((n, p) => n + pick(p), 0);
  return {
    elapsedMs: Math.max(0, ...parts.map((p) => p.elapsedMs)),
    sent: sum((p) => p.sent),
    completed: sum((p) => p.completed),
    errors: sum((p) => p.errors),
    rate: sum((p) => p.rate),
    p99Us: Math.max(0, ...parts.map((p) => (Number.isFinite(p.p99Us) ? p.p99Us : 0))),
  };
}

interface MergeContext {
  namespace: string;
  job: string;
  image: string;
  target: TargetMesh | null;
  resources?: ResourceOverhead;
}

function primaryCount(r: PerfResult): number {
  const h = r.latency.primary === 'corrected' ? r.histograms.corrected : r.histograms.uncorrected;
  return h?.count ?? 0;
}

/** The exact merge, timed, with what each generator contributed. */
export function merged(
  parts: Array<{ ref: GeneratorRef; result: PerfResult }>,
  meta: ResultMeta,
  c: MergeContext,
): PerfResult {
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const result = mergeResults(
    parts.map((p) => p.result),
    { name: meta.name, labels: meta.labels },
  );
  const mergeMs = performance.now() - started;
  const heapDelta = Math.max(0, process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
  result.profile = meta.profile ?? null;
  result.test_id = meta.profile?.id ?? '';
  const cluster: ClusterRun = {
    namespace: c.namespace,
    job: c.job,
    image: c.image,
    replicas: parts.length,
    generators: parts.map(({ ref, result: r }) => ({
      pod: ref.pod,
      node: ref.node,
      sent: r.requests.sent,
      completed: r.requests.completed,
      errors: r.errors.total,
      histogram_count: primaryCount(r),
      achieved_rps: r.rate.achieved,
      p99_ms: r.latencies_ms.p99,
    })),
    merge: { ms: Math.round(mergeMs * 1000) / 1000, heap_delta_mb: Math.round(heapDelta * 100) / 100 },
    target: c.target,
  };
  result.cluster = cluster;
  if (c.resources) result.resources = c.resources;
  if (c.target?.mesh) result.labels = { mesh: c.target.mesh, ...result.labels };
  return result;
}
