// What the dashboard reads and does, as one interface over the domain modules the plain commands use
// (cluster snapshot and watch, the check runner, mesh status, perf engine and stores, the design library,
// diff and apply). `meshdeck dashboard` (src/commands/dashboard) implements it through the command
// factory; the views only render what it gives them, so there is no second implementation of any of it.
import type { StatusReport } from '../../adapters/lifecycle/status.js';
import type { CheckReport } from '../../checks/framework.js';
import type { ObjectResult } from '../../k8s/apply/apply.js';
import type { DiffEntry } from '../../k8s/apply/diff.js';
import type { Snapshot } from '../../k8s/snapshot/model.js';
import type { ComparedMetric } from '../../perf/compare/compare.js';
import type { LiveProgress } from '../../perf/engine/native.js';
import type { PerfResult } from '../../perf/result/model.js';
import type { PerfProfile } from '../../perf/store/types.js';
import type { DesignEntry } from '../../provider/client/sync/designs.js';

export interface ContextInfo {
  name: string;
  cluster: string;
  provider: string;
  namespace: string;
  /** The one the dashboard looks at now. */
  active: boolean;
}

/** Who and where: the active context's cluster, provider and signed-in user. */
export interface Identity {
  context: string;
  cluster: string;
  provider: string;
  /** undefined: not signed in. */
  user?: string;
}

export interface ClusterFeedEvents {
  snapshot(s: Snapshot): void;
  /** The watch was lost (reconnecting) or could not start. */
  trouble(message: string): void;
}

/** A perf run under way: stop() ends it early; `result` is the result, stored, partial when stopped. */
export interface PerfRunHandle {
  stop(): void;
  result: Promise<{ result: PerfResult; stored: boolean; storeError?: string }>;
}

export type PerfTarget = { profile: string } | { url: string };

export interface Comparison {
  results: PerfResult[];
  metrics: ComparedMetric[];
}

export interface DashboardSources {
  /**
   * Starts what the first frame needs (connecting, listing the cluster) before the UI has loaded; settles
   * when the first snapshot (or the trouble getting it) is in.
   */
  prefetch?(): Promise<void>;
  contexts(): Promise<ContextInfo[]>;
  identity(): Promise<Identity>;
  /** The newest snapshot the cluster feed has, if any yet. */
  latestSnapshot?(): Snapshot | undefined;
  /** Lists and watches the cluster; the feed calls back with each new snapshot until stopped. */
  watchCluster(events: ClusterFeedEvents): { stop(): void };
  meshStatus(): Promise<StatusReport>;
  runChecks(): Promise<CheckReport>;
  perfProfiles(): Promise<PerfProfile[]>;
  /** Newest first. */
  perfResults(): Promise<PerfResult[]>;
  startPerf(target: PerfTarget, onProgress: (p: LiveProgress) => void): PerfRunHandle;
  compare(ids: readonly string[]): Promise<Comparison>;
  designs(): Promise<DesignEntry[]>;
  diffDesign(name: string): Promise<DiffEntry[]>;
  applyDesign(name: string): Promise<ObjectResult[]>;
  /** Warnings and notes the domain modules give (what the plain commands print on stderr). */
  onMessage(listener: (line: string) => void): () => void;
  /** Stops watches and runs, closes connections. */
  close(): void;
}

/** Opens the sources of a context (undefined: the one meshdeck would use). */
export type OpenSources = (context?: string) => DashboardSources;
