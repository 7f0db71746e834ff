// Is this object ready? kubectl's own answers: `rollout status` for Deployment, DaemonSet and StatefulSet,
// `wait --for=condition=complete` for Job, `--for=condition=Ready` for Pod (a pod that ran to completion
// counts as done), `--for=condition=established` for CRDs. Other kinds are ready once applied.

export type ReadyState = 'ready' | 'waiting' | 'failed';

export interface Readiness {
  state: ReadyState;
  /** What kubectl would say, e.g. "2 out of 3 new replicas have been updated". */
  message: string;
}

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

interface WorkloadSpec {
  replicas?: number;
  completions?: number;
  updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } };
}

interface WorkloadStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  desiredNumberScheduled?: number;
  updatedNumberScheduled?: number;
  numberAvailable?: number;
  currentRevision?: string;
  updateRevision?: string;
  succeeded?: number;
  phase?: string;
  reason?: string;
  containerStatuses?: Array<{ name?: string; state?: { waiting?: { reason?: string } } }>;
}

interface Workload {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; generation?: number };
  spec?: WorkloadSpec | object;
  status?: WorkloadStatus | object;
}

/** Kinds whose readiness is worth waiting for. */
export function hasReadiness(apiVersion: string, kind: string): boolean {
  if (apiVersion === 'apps/v1')
    return kind === 'Deployment' || kind === 'DaemonSet' || kind === 'StatefulSet';
  if (apiVersion === 'batch/v1') return kind === 'Job';
  if (apiVersion === 'v1') return kind === 'Pod';
  return apiVersion.startsWith('apiextensions.k8s.io/') && kind === 'CustomResourceDefinition';
}

export function readiness(object: Workload): Readiness {
  switch (object.kind) {
    case 'Deployment':
      return deployment(object);
    case 'DaemonSet':
      return daemonSet(object);
    case 'StatefulSet':
      return statefulSet(object);
    case 'Job':
      return job(object);
    case 'Pod':
      return pod(object);
    case 'CustomResourceDefinition':
      return crd(object);
    default:
      return { state: 'ready', message: 'applied' };
  }
}

const waiting = (message: string): Readiness => ({ state: 'waiting', message });
const ready = (message: string): Readiness => ({ state: 'ready', message });
const failed = (message: string): Readiness => ({ state: 'failed', message });

const spec = (o: Workload) => (o.spec ?? {}) as WorkloadSpec;
const status = (o: Workload) => (o.status ?? {}) as WorkloadStatus;

function num(value: unknown, fallback = 0): number {
  return typeof value === 'number' ? value : fallback;
}

function condition(object: Workload, type: string): Condition | undefined {
  const list = status(object).conditions;
  return Array.isArray(list) ? list.find((c) => c.type === type) : undefined;
}

function observed(object: Workload): boolean {
  return num(object.metadata?.generation) <= num(status(object).observedGeneration, -1);
}

function deployment(d: Workload): Readiness {
  if (!observed(d)) return waiting('waiting for the deployment spec update to be observed');
  if (condition(d, 'Progressing')?.reason === 'ProgressDeadlineExceeded') {
    return failed(
      `exceeded its progress deadline${condition(d, 'Progressing')?.message ? `: ${condition(d, 'Progressing')?.message}` : ''}`,
    );
  }
  const want = num(spec(d).replicas, 1);
  const updated = num(status(d).updatedReplicas);
  const replicas = num(status(d).replicas);
  const available = num(status(d).availableReplicas);
  if (updated < want) return waiting(`${updated} out of ${want} new replicas have been updated`);
  if (replicas > updated) return waiting(`${replicas - updated} old replicas are pending termination`);
  if (available < updated) return waiting(`${available} of ${updated} updated replicas are available`);
  return ready('successfully rolled out');
}

function daemonSet(ds: Workload): Readiness {
  if (spec(ds).updateStrategy?.type !== undefined && spec(ds).updateStrategy?.type !== 'RollingUpdate') {
    return ready('applied (OnDelete update strategy: no rollout to follow)');
  }
  if (!observed(ds)) return waiting('waiting for the daemon set spec update to be observed');
  const desired = num(status(ds).desiredNumberScheduled);
  const updated = num(status(ds).updatedNumberScheduled);
  const available = num(status(ds).numberAvailable);
  if (updated < desired) return waiting(`${updated} out of ${desired} new pods have been updated`);
  if (available < desired) return waiting(`${available} of ${desired} updated pods are available`);
  return ready('successfully rolled out');
}

function statefulSet(sts: Workload): Readiness {
  const strategy = spec(sts).updateStrategy;
  if (strategy?.type !== undefined && strategy.type !== 'RollingUpdate') {
    return ready('applied (OnDelete update strategy: no rollout to follow)');
  }
  if (num(status(sts).observedGeneration) === 0 || !observed(sts)) {
    return waiting('waiting for the statefulset spec update to be observed');
  }
  const replicas = spec(sts).replicas;
  if (typeof replicas === 'number' && num(status(sts).readyReplicas) < replicas) {
    return waiting(`${num(status(sts).readyReplicas)} of ${replicas} pods are ready`);
  }
  if (strategy?.rollingUpdate) {
    const partition = strategy.rollingUpdate.partition;
    if (typeof replicas === 'number' && typeof partition === 'number') {
      const updated = num(status(sts).updatedReplicas);
      if (updated < replicas - partition) {
        return waiting(
          `partitioned roll out: ${updated} of ${replicas - partition} new pods have been updated`,
        );
      }
    }
    return ready('roll out complete');
  }
  if (status(sts).updateRevision !== status(sts).currentRevision) {
    return waiting(
      `${num(status(sts).updatedReplicas)} pods at revision ${String(status(sts).updateRevision)}`,
    );
  }
  return ready('roll out complete');
}

function job(j: Workload): Readiness {
  const failure = condition(j, 'Failed');
  if (failure?.status === 'True')
    return failed(`failed: ${failure.reason ?? ''}${failure.message ? ` (${failure.message})` : ''}`.trim());
  if (condition(j, 'Complete')?.status === 'True') return ready('complete');
  const want = num(spec(j).completions, 1);
  return waiting(`${num(status(j).succeeded)} of ${want} completions`);
}

function pod(p: Workload): Readiness {
  const phase = status(p).phase;
  if (phase === 'Succeeded') return ready('completed');
  if (phase === 'Failed') return failed(`failed${status(p).reason ? `: ${String(status(p).reason)}` : ''}`);
  if (condition(p, 'Ready')?.status === 'True') return ready('ready');
  const stuck = (status(p).containerStatuses ?? []).find((c) => c.state?.waiting?.reason);
  return waiting(
    stuck
      ? `container ${stuck.name} is waiting: ${stuck.state?.waiting?.reason}`
      : `phase ${phase ?? 'Pending'}, not ready`,
  );
}

function crd(c: Workload): Readiness {
  const names = condition(c, 'NamesAccepted');
  if (names?.status === 'False') return failed(`names not accepted: ${names.message ?? names.reason ?? ''}`);
  if (condition(c, 'Established')?.status === 'True') return ready('established');
  return waiting('not established yet');
}
