// What a distributed run needs from the world, as interfaces this domain owns (k6's output/types.go
// pattern): a fleet that starts N generators somewhere (Kubernetes pods, in the command layer), hands
// back each one's output line by line and cleans up; and, optionally, a sampler of the target's and the
// mesh control plane's CPU and memory. src/perf knows nothing of Kubernetes: it speaks only these.
import type { UsageRole, UsageScope } from '../result/cluster-model.js';
import type { RunSettings } from '../spec/options.js';

export type { TargetMesh } from '../result/cluster-model.js';

/** What every generator of the fleet runs: the same settings (the rate already split). */
export interface FleetPlan {
  replicas: number;
  /** One generator's share of the run, as `resolveSpec` takes it. */
  settings: RunSettings;
}

/** One generator as the fleet placed it. */
export interface GeneratorRef {
  /** Pod name (or whatever names one generator). */
  pod: string;
  /** Node it ran on; empty when not known. */
  node: string;
}

export interface FleetHooks {
  /** A line a generator wrote (its protocol lines and anything else). */
  onLine(generator: GeneratorRef, line: string): void;
  /** Things the user should know while the fleet works (scheduling, pulls ...). */
  onStatus?(message: string): void;
}

/** A running fleet: done resolves once every generator ended well, rejects (clearly) when one failed. */
export interface FleetRun {
  /** Where the fleet is (namespace/job), for the result and for messages. */
  readonly where: { namespace: string; job: string };
  done: Promise<GeneratorRef[]>;
  /** Deletes what the fleet created (unless kept); safe to call more than once. */
  cleanup(): Promise<void>;
}

export interface GeneratorFleet {
  start(plan: FleetPlan, hooks: FleetHooks, signal: AbortSignal): Promise<FleetRun>;
}

/** CPU (millicores) and memory (MiB) of one container at one moment. */
export interface ContainerUsage {
  scope: UsageScope;
  namespace: string;
  pod: string;
  container: string;
  role: UsageRole;
  cpu_m: number;
  memory_mib: number;
  /** The cluster only simulates this container (the sandbox's simulated containers report zero). */
  simulated: boolean;
}

export interface ResourceSampler {
  /** One sample of every container watched; [] when the cluster serves no metrics. */
  sample(): Promise<ContainerUsage[]>;
}
