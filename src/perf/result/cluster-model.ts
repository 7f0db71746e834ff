// What an in-cluster run adds to a result: where its generators ran and what each one measured, the mesh
// around the target, and the resources the target and the mesh used meanwhile. Data only (the result
// document's shape); src/perf/cluster fills it.

/** The mesh around the target, as the cluster tells it. */
export interface TargetMesh {
  /** The Service (namespace/name) the URL leads to, when known. */
  service?: { namespace: string; name: string };
  /** Pods behind it at the start of the run. */
  pods: string[];
  /** The mesh whose sidecar the pods carry, or null: no mesh. */
  mesh: string | null;
  injected: boolean;
  proxy_version?: string;
}

/** One generator's part, as the merged result records it. */
export interface GeneratorPart {
  pod: string;
  node: string;
  sent: number;
  completed: number;
  errors: number;
  /** Values in the primary histogram: what the merged histogram must add up to. */
  histogram_count: number;
  achieved_rps: number;
  p99_ms: number;
}

export interface ClusterRun {
  namespace: string;
  job: string;
  image: string;
  replicas: number;
  generators: GeneratorPart[];
  /** Time and memory the exact merge took. */
  merge: { ms: number; heap_delta_mb: number };
  target: TargetMesh | null;
}

export interface UsageStats {
  mean: number;
  max: number;
}

export type UsageScope = 'target' | 'control-plane';
export type UsageRole = 'app' | 'sidecar' | 'control-plane';

export interface ContainerOverhead {
  scope: UsageScope;
  namespace: string;
  pod: string;
  container: string;
  role: UsageRole;
  /** Millicores. */
  cpu_m: UsageStats;
  memory_mib: UsageStats;
  samples: number;
  /** The cluster only simulates this container (the sandbox's report zero): not a measurement. */
  simulated: boolean;
}

export interface RoleTotals {
  /** Sum over containers of their mean CPU, millicores. */
  cpu_m: number;
  /** Sum over containers of their mean memory, MiB. */
  memory_mib: number;
  containers: number;
  /** Every container of the role is simulated (its numbers are zeros, not measurements). */
  simulated: boolean;
}

export interface ResourceOverhead {
  source: 'metrics.k8s.io';
  interval_ms: number;
  samples: number;
  containers: ContainerOverhead[];
  totals: { app: RoleTotals; sidecar: RoleTotals; control_plane: RoleTotals };
  /** Why there is nothing, when there is nothing (no metrics API, no target pods). */
  note?: string;
}
