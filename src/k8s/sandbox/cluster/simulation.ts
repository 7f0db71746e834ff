// The simulated cluster around the API server: events, nodes with heartbeats, the scheduler, the
// kubelets (the pod stage engine) and the workload controllers, all working through the same write path
// as requests.
import type { ObjectService } from '../api/objects.js';
import { DeploymentController } from '../controllers/deployments.js';
import { JobController } from '../controllers/jobs.js';
import { OwnerIndex } from '../controllers/owners.js';
import { ReplicaSetController } from '../controllers/replicasets.js';
import { FAST_DELAYS, Timing, type StageDelays } from '../kubelet/behaviour.js';
import { Kubelet } from '../kubelet/kubelet.js';
import { PodLogs } from '../kubelet/logs.js';
import { EventRecorder } from './events.js';
import { Nodes } from './nodes.js';
import { Scheduler } from './scheduler.js';

export interface SimulationOptions {
  timeScale: number;
  delays?: Partial<StageDelays>;
  nodes: number;
  heartbeatMs: number;
  eventTtlMs: number;
  kubeletVersion: string;
  onError: (err: unknown) => void;
}

export interface Simulation {
  events: EventRecorder;
  logs: PodLogs;
  timing: Timing;
  stop(): void;
}

export function startSimulation(objects: ObjectService, o: SimulationOptions): Simulation {
  const timing = new Timing({ ...FAST_DELAYS, ...o.delays }, o.timeScale);
  const events = new EventRecorder(objects, o.eventTtlMs, o.onError);
  const nodes = new Nodes(
    objects,
    { count: o.nodes, heartbeatMs: o.heartbeatMs, version: o.kubeletVersion },
    o.onError,
  );
  const owners = new OwnerIndex(objects.store, ['/pods', 'apps/replicasets']);
  const stoppable: Array<{ stop(): void }> = [
    events,
    nodes,
    owners,
    new Scheduler(objects, nodes, events, o.onError),
    new Kubelet({ objects, events, nodes, timing, onError: o.onError }),
    new ReplicaSetController(objects, owners, events, timing, o.onError),
    new DeploymentController(objects, owners, events, timing, o.onError),
    new JobController(objects, owners, events, timing, o.onError),
  ];
  const pods = objects.registry.get('', 'v1', 'pods')!;
  const logs = new PodLogs(timing, undefined, (ns, name) => objects.find(pods, ns, name));
  return {
    events,
    logs,
    timing,
    stop() {
      for (const s of stoppable.reverse()) s.stop();
    },
  };
}
