// The resource cost of what was loaded: CPU and memory of the target's containers (the sidecar apart
// from the app) and of the mesh's control plane, sampled while the run lasts and reduced to a mean and a
// peak per container, plus totals by role. Samples come from a ResourceSampler (metrics.k8s.io in the
// command layer); a sampler that fails is reported once and the run goes on without it.
import type { ContainerOverhead, ResourceOverhead, RoleTotals, UsageStats } from '../result/cluster-model.js';
import type { ContainerUsage, ResourceSampler } from './fleet.js';

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Reduces samples taken over a run to the per-container and per-role figures a result keeps. */
export function summarizeUsage(
  samples: ContainerUsage[][],
  intervalMs: number,
  note?: string,
): ResourceOverhead {
  const byContainer = new Map<string, ContainerUsage[]>();
  for (const sample of samples)
    for (const u of sample) {
      const key = `${u.scope}/${u.namespace}/${u.pod}/${u.container}`;
      byContainer.set(key, [...(byContainer.get(key) ?? []), u]);
    }
  const containers: ContainerOverhead[] = [...byContainer.values()].map((list) => {
    const first = list[0];
    const stats = (pick: (u: ContainerUsage) => number): UsageStats => ({
      mean: round(list.reduce((n, u) => n + pick(u), 0) / list.length),
      max: round(Math.max(...list.map(pick))),
    });
    return {
      scope: first.scope,
      namespace: first.namespace,
      pod: first.pod,
      container: first.container,
      role: first.role,
      cpu_m: stats((u) => u.cpu_m),
      memory_mib: stats((u) => u.memory_mib),
      samples: list.length,
      simulated: list.every((u) => u.simulated),
    };
  });
  containers.sort((a, b) =>
    `${a.scope}${a.pod}${a.container}` < `${b.scope}${b.pod}${b.container}` ? -1 : 1,
  );
  const totals = (role: ContainerUsage['role']): RoleTotals => {
    const of = containers.filter((c) => c.role === role);
    return {
      cpu_m: round(of.reduce((n, c) => n + c.cpu_m.mean, 0)),
      memory_mib: round(of.reduce((n, c) => n + c.memory_mib.mean, 0)),
      containers: of.length,
      simulated: of.length > 0 && of.every((c) => c.simulated),
    };
  };
  return {
    source: 'metrics.k8s.io',
    interval_ms: intervalMs,
    samples: samples.length,
    containers,
    totals: { app: totals('app'), sidecar: totals('sidecar'), control_plane: totals('control-plane') },
    ...(note ? { note } : {}),
  };
}

/** Per 1,000 responses per second: how the seeds' table states a sidecar's cost. */
export function perThousandRps(value: number, achievedRps: number): number | null {
  return achievedRps > 0 ? round((value * 1000) / achievedRps, 2) : null;
}

export interface UsageRecorder {
  /** Stops sampling and reduces what was sampled. */
  stop(): Promise<ResourceOverhead>;
}

/** Samples every intervalMs until stop(); the first sample is taken at once. */
export function recordUsage(
  sampler: ResourceSampler,
  intervalMs: number,
  warn: (message: string) => void,
): UsageRecorder {
  const samples: ContainerUsage[][] = [];
  let failure: string | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  const take = () => {
    if (failure !== undefined) return;
    inFlight = sampler.sample().then(
      (s) => {
        if (s.length > 0) samples.push(s);
      },
      (err: unknown) => {
        failure = (err as Error).message;
        warn(`resource usage not sampled: ${failure}`);
      },
    );
  };
  take();
  const timer = setInterval(() => void inFlight.then(take), intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await inFlight;
      const note =
        failure ?? (samples.length === 0 ? 'the cluster reported no usage for the target' : undefined);
      return summarizeUsage(samples, intervalMs, note);
    },
  };
}
