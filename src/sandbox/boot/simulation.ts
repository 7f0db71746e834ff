// The simulated cluster around the API server: events, nodes with heartbeats, the scheduler, the
// kubelets (the pod stage engine) and the workload controllers, all working through the same write path
// as requests.
import type { ObjectService } from '../api/objects.js';
import { DaemonSetController } from '../controllers/daemonsets.js';
import { DeploymentController } from '../controllers/deployments.js';
import { EndpointsController } from '../controllers/endpoints.js';
import { JobController } from '../controllers/jobs.js';
import { OwnerIndex } from '../controllers/owners.js';
import { ReplicaSetController } from '../controllers/replicasets.js';
import { StatefulSetController } from '../controllers/statefulsets.js';
import { FAST_DELAYS, Timing, type StageDelays } from '../base/behaviour.js';
import { Kubelet } from '../kubelet/kubelet.js';
import { PodLogs } from '../kubelet/logs.js';
import { PodStreaming } from '../kubelet/streaming.js';
import { ProcessRuntime, type ProcessInfo } from '../kubelet/process-runtime.js';
import { EventRecorder } from '../cluster/events.js';
import { Nodes } from '../cluster/nodes.js';
import { Scheduler } from '../cluster/scheduler.js';
import { ServiceProxies, type ServiceAddress } from '../cluster/service-proxy.js';

export interface SimulationOptions {
  timeScale: number;
  delays?: Partial<StageDelays>;
  nodes: number;
  heartbeatMs: number;
  eventTtlMs: number;
  kubeletVersion: string;
  onError: (err: unknown) => void;
  /** Loopback address the service proxies listen on. */
  host: string;
  /** Publish Service proxies in LoadBalancer Services' status (the fake load balancer). */
  loadBalancers: boolean;
  allowedImages: string[];
  meshdeckCommand?: string[];
  apiServer: () => { host: string; port: number } | undefined;
}

export interface Simulation {
  events: EventRecorder;
  logs: PodLogs;
  /** exec, attach and port-forward into process containers. */
  streaming: PodStreaming;
  timing: Timing;
  processes(): ProcessInfo[];
  serviceAddress(namespace: string, name: string, port?: number | string): ServiceAddress | undefined;
  /** The API server listens: processes can be told where it is (restored pods start theirs again). */
  apiServerListening(): void;
  /** Stops the controllers, then the service proxies and every process (SIGTERM, SIGKILL after 2 s). */
  stop(): Promise<void>;
}

export function startSimulation(objects: ObjectService, o: SimulationOptions): Simulation {
  const timing = new Timing({ ...FAST_DELAYS, ...o.delays }, o.timeScale);
  const events = new EventRecorder(objects, o.eventTtlMs, o.onError);
  const nodes = new Nodes(
    objects,
    { count: o.nodes, heartbeatMs: o.heartbeatMs, version: o.kubeletVersion },
    o.onError,
  );
  // The runtime reports exits and readiness to the kubelet, always later than both exist.
  const runtime = new ProcessRuntime({
    allowedImages: o.allowedImages,
    meshdeckCommand: o.meshdeckCommand,
    apiServer: o.apiServer,
    onExit: (pod, container, exit) => kubelet.containerExited(pod, container, exit),
    onReady: (pod, container) => kubelet.containerReady(pod, container),
  });
  const kubelet = new Kubelet({ objects, events, nodes, timing, runtime, onError: o.onError });
  const proxies = new ServiceProxies(objects, {
    host: o.host,
    loadBalancers: o.loadBalancers,
    onError: o.onError,
  });
  const owners = new OwnerIndex(objects.store, ['/pods', 'apps/replicasets']);
  const stoppable: Array<{ stop(): void }> = [
    events,
    nodes,
    owners,
    new Scheduler(objects, nodes, events, o.onError),
    kubelet,
    new EndpointsController(objects, o.onError),
    new ReplicaSetController(objects, owners, events, timing, o.onError),
    new DeploymentController(objects, owners, events, timing, o.onError),
    new JobController(objects, owners, events, timing, o.onError),
    new DaemonSetController(objects, owners, nodes, events, timing, o.onError),
    new StatefulSetController(objects, owners, events, timing, o.onError),
  ];
  const pods = objects.registry.get('', 'v1', 'pods')!;
  const logs = new PodLogs(timing, runtime, (ns, name) => objects.find(pods, ns, name));
  const streaming = new PodStreaming(runtime);
  return {
    events,
    logs,
    streaming,
    timing,
    processes: () => runtime.list(),
    apiServerListening: () => kubelet.resync(),
    serviceAddress: (namespace, name, port) => proxies.address(namespace, name, port),
    async stop() {
      for (const s of stoppable.reverse()) s.stop();
      streaming.stop();
      await Promise.all([proxies.stop(), runtime.stopAll()]);
    },
  };
}
