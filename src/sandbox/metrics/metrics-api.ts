// metrics.k8s.io/v1beta1 as metrics-server serves it (PodMetrics, NodeMetrics; get and list, label
// selectors), from the real CPU and memory of the sandbox's process pods (./usage.ts). A container the
// sandbox only simulates uses nothing real: it reports zero, and its pod's metrics name it in the
// SIMULATED annotation so that a reader can tell a zero measured from a zero made up. A node's usage is
// the sum of its pods'. `kubectl top pods` and `kubectl top nodes` read these.
import { parseLabelSelector } from '../api/selectors.js';
import { Errors } from '../base/status.js';
import { getPath, text } from '../base/paths.js';
import type { K8sObject, ResourceType } from '../base/types.js';
import type { ProcessInfo } from '../kubelet/process-runtime.js';
import type { Store } from '../store/store.js';
import { procAvailable, UsageReader, type GroupUsage } from './usage.js';

export const METRICS_GROUP = 'metrics.k8s.io';
/** Containers of the pod the sandbox simulates (no process): their usage is zero, not measured. */
export const SIMULATED_ANNOTATION = 'metrics.sandbox.meshdeck.dev/simulated-containers';

export interface MetricsRequest {
  namespace: string;
  name: string;
  verb: string;
  query: URLSearchParams;
}

interface ContainerMetrics {
  name: string;
  usage: { cpu: string; memory: string };
}

const cpuQuantity = (cores: number) => `${Math.round(cores * 1e9)}n`;
const memoryQuantity = (bytes: number) => `${Math.round(bytes / 1024)}Ki`;
const windowText = (ms: number) => `${(Math.max(ms, 1) / 1000).toFixed(3).replace(/\.?0+$/, '')}s`;

export class MetricsApi {
  private readonly reader = new UsageReader();
  private readonly measured = procAvailable();

  constructor(
    private readonly store: Store,
    private readonly processes: () => ProcessInfo[],
  ) {}

  /** The answer to a get or list of PodMetrics or NodeMetrics (the caller sends it as JSON). */
  read(rt: ResourceType, req: MetricsRequest): Record<string, unknown> {
    const { namespace, name, verb, query } = req;
    if (verb !== 'get' && verb !== 'list')
      throw Errors.methodNotSupported({ group: rt.group, resource: rt.plural }, verb);
    const selector = parseLabelSelector(query.get('labelSelector') ?? '');
    const now = new Date().toISOString();
    const usage = this.usage();
    if (rt.kind === 'PodMetrics') {
      const pods = this.store
        .list('/pods', namespace || undefined)
        .map((e) => e.object)
        .filter((p) => text(getPath(p, 'status.phase')) === 'Running');
      if (verb === 'get') {
        const pod = pods.find((p) => p.metadata.name === name);
        if (!pod) throw Errors.notFound({ group: rt.group, resource: rt.plural }, name);
        return this.podMetrics(pod, usage, now);
      }
      const items = pods.filter(selector).map((p) => this.podMetrics(p, usage, now));
      return list('PodMetricsList', items);
    }
    const nodes = this.store.list('/nodes').map((e) => e.object);
    if (verb === 'get') {
      const node = nodes.find((n) => n.metadata.name === name);
      if (!node) throw Errors.notFound({ group: rt.group, resource: rt.plural }, name);
      return this.nodeMetrics(node, usage, now);
    }
    const items = nodes.filter(selector).map((n) => this.nodeMetrics(n, usage, now));
    return list('NodeMetricsList', items);
  }

  /** Usage of every process container, by "namespace/pod/container". */
  private usage(): Map<string, GroupUsage> {
    const procs = this.processes().filter((p) => p.pid > 0);
    const out = new Map<string, GroupUsage>();
    if (!this.measured) return out;
    const byGroup = this.reader.read(procs.map((p) => p.pid));
    for (const p of procs) {
      const u = byGroup.get(p.pid);
      if (u) out.set(`${p.namespace}/${p.pod}/${p.container}`, u);
    }
    return out;
  }

  private podMetrics(pod: K8sObject, usage: Map<string, GroupUsage>, now: string): Record<string, unknown> {
    const containers = getPath(pod, 'spec.containers');
    const names = Array.isArray(containers) ? containers.map((c: { name?: unknown }) => text(c.name)) : [];
    const simulated: string[] = [];
    let windowMs = 0;
    const metrics: ContainerMetrics[] = names.map((name) => {
      const u = usage.get(`${pod.metadata.namespace}/${pod.metadata.name}/${name}`);
      if (!u) simulated.push(name);
      else windowMs = Math.max(windowMs, u.windowMs);
      return {
        name,
        usage: { cpu: cpuQuantity(u?.cpuCores ?? 0), memory: memoryQuantity(u?.memoryBytes ?? 0) },
      };
    });
    return {
      kind: 'PodMetrics',
      apiVersion: `${METRICS_GROUP}/v1beta1`,
      metadata: {
        name: pod.metadata.name,
        namespace: pod.metadata.namespace,
        creationTimestamp: now,
        labels: pod.metadata.labels ?? {},
        ...(simulated.length ? { annotations: { [SIMULATED_ANNOTATION]: simulated.join(',') } } : {}),
      },
      timestamp: now,
      window: windowText(windowMs || 1000),
      containers: metrics,
    };
  }

  private nodeMetrics(node: K8sObject, usage: Map<string, GroupUsage>, now: string): Record<string, unknown> {
    let cpu = 0;
    let memory = 0;
    for (const { object: pod } of this.store.list('/pods')) {
      if (getPath(pod, 'spec.nodeName') !== node.metadata.name) continue;
      for (const [key, u] of usage)
        if (key.startsWith(`${pod.metadata.namespace}/${pod.metadata.name}/`)) {
          cpu += u.cpuCores;
          memory += u.memoryBytes;
        }
    }
    return {
      kind: 'NodeMetrics',
      apiVersion: `${METRICS_GROUP}/v1beta1`,
      metadata: { name: node.metadata.name, creationTimestamp: now, labels: node.metadata.labels ?? {} },
      timestamp: now,
      window: '1s',
      usage: { cpu: cpuQuantity(cpu), memory: memoryQuantity(memory) },
    };
  }
}

function list(kind: string, items: unknown[]): Record<string, unknown> {
  return { kind, apiVersion: `${METRICS_GROUP}/v1beta1`, metadata: {}, items };
}
