// A small default-scheduler: a pod without a node is bound to the Ready node with the fewest pods among
// those that fit (nodeSelector, required node affinity, taints and tolerations, unschedulable, pod
// capacity), with PodScheduled=True and a Scheduled event; when none fits it stays Pending with
// PodScheduled=False/Unschedulable and a FailedScheduling event, and is tried again when nodes change.
import type { ObjectService } from '../api/objects.js';
import { isStatusError } from '../base/status.js';
import { Controller } from '../base/queue.js';
import { setCondition, type Json } from '../base/pod-status.js';
import { getPath, text } from '../base/paths.js';
import { isObject } from '../../kube/json.js';
import type { K8sObject, ResourceType } from '../base/types.js';
import type { StoreEvent } from '../store/store.js';
import type { EventRecorder } from './events.js';
import type { Nodes } from './nodes.js';

const PODS = '/pods';

function wantsScheduling(pod: K8sObject): boolean {
  if (pod.metadata.deletionTimestamp) return false;
  if (getPath(pod, 'spec.nodeName')) return false;
  const scheduler = getPath(pod, 'spec.schedulerName');
  return scheduler === undefined || scheduler === 'default-scheduler';
}

function labelsMatchExpr(value: string | undefined, e: Json): boolean {
  const values = Array.isArray(e.values) ? e.values.map(String) : [];
  switch (e.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      const n = Number(value);
      const bound = Number(values[0]);
      return value !== undefined && (e.operator === 'Gt' ? n > bound : n < bound);
    }
    default:
      return false;
  }
}

/** Required node affinity: any term matches (each term's expressions all hold). */
function affinityFits(pod: K8sObject, node: K8sObject): boolean {
  const terms = getPath(
    pod,
    'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms',
  );
  if (!Array.isArray(terms) || terms.length === 0) return true;
  const labels = node.metadata.labels ?? {};
  return terms.filter(isObject).some((term) => {
    const exprs = Array.isArray(term.matchExpressions) ? term.matchExpressions.filter(isObject) : [];
    const fields = Array.isArray(term.matchFields) ? term.matchFields.filter(isObject) : [];
    if (exprs.length === 0 && fields.length === 0) return false;
    return (
      exprs.every((e) => labelsMatchExpr(labels[String(e.key)], e)) &&
      fields.every((e) => labelsMatchExpr(e.key === 'metadata.name' ? node.metadata.name : undefined, e))
    );
  });
}

export function tolerates(pod: K8sObject, taint: Json): boolean {
  const tolerations = getPath(pod, 'spec.tolerations');
  if (!Array.isArray(tolerations)) return false;
  return tolerations.filter(isObject).some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === 'Exists') return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}

/** Why a node does not fit a pod (a short reason as the scheduler words it), or undefined if it fits. */
export function misfit(
  pod: K8sObject,
  node: K8sObject,
  nodes: Nodes,
  podsOnNode: number,
): string | undefined {
  if (!nodes.isReady(node)) return 'node(s) had untolerated taint {node.kubernetes.io/not-ready: }';
  if (getPath(node, 'spec.unschedulable')) return 'node(s) were unschedulable';
  const taints = getPath(node, 'spec.taints');
  if (Array.isArray(taints))
    for (const t of taints.filter(isObject))
      if ((t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(pod, t))
        return `node(s) had untolerated taint {${String(t.key)}: ${text(t.value)}}`;
  const selector = getPath(pod, 'spec.nodeSelector');
  const labels = node.metadata.labels ?? {};
  if (isObject(selector) && Object.entries(selector).some(([k, v]) => labels[k] !== v))
    return "node(s) didn't match Pod's node affinity/selector";
  if (!affinityFits(pod, node)) return "node(s) didn't match Pod's node affinity/selector";
  const capacity = Number(getPath(node, 'status.allocatable.pods') ?? 110);
  if (podsOnNode >= capacity) return 'Too many pods';
  return undefined;
}

export class Scheduler extends Controller {
  /** Pods on each node that are not done yet (for spreading and capacity). */
  private load = new Map<string, Set<string>>();
  private waiting = new Set<string>();

  constructor(
    private readonly objects: ObjectService,
    private readonly nodes: Nodes,
    private readonly events: EventRecorder,
    onError: (err: unknown) => void,
  ) {
    super(onError);
    for (const e of objects.store.list(PODS))
      this.track({ type: 'ADDED', storageKey: PODS, rv: 0, object: e.object });
    this.subscribe(objects.store.onEvent((e) => this.track(e)));
    nodes.onChange(() => {
      for (const key of this.waiting) this.queue.add(key);
    });
  }

  private get pods(): ResourceType {
    return this.objects.registry.get('', 'v1', 'pods')!;
  }

  private track(e: StoreEvent): void {
    if (e.storageKey !== PODS) return;
    const key = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
    const before = e.previous ? text(getPath(e.previous, 'spec.nodeName')) : '';
    if (before) this.load.get(before)?.delete(key);
    if (e.type === 'DELETED') {
      this.waiting.delete(key);
      return;
    }
    const node = text(getPath(e.object, 'spec.nodeName'));
    const phase = getPath(e.object, 'status.phase');
    if (node && phase !== 'Succeeded' && phase !== 'Failed') {
      let set = this.load.get(node);
      if (!set) {
        set = new Set();
        this.load.set(node, set);
      }
      set.add(key);
    }
    if (!wantsScheduling(e.object)) this.waiting.delete(key);
    // New pods are tried at once; pods already tried wait for a change of nodes (or of their tolerations).
    else if (
      !e.previous ||
      !wantsScheduling(e.previous) ||
      JSON.stringify(getPath(e.previous, 'spec.tolerations')) !==
        JSON.stringify(getPath(e.object, 'spec.tolerations'))
    )
      this.queue.add(key);
  }

  protected sync(key: string): void {
    const i = key.indexOf('/');
    const pod = this.objects.find(this.pods, key.slice(0, i), key.slice(i + 1));
    if (!pod || !wantsScheduling(pod)) return;
    const candidates: Array<{ name: string; load: number }> = [];
    const reasons = new Map<string, number>();
    const all = this.nodes.all();
    for (const node of all) {
      const name = node.metadata.name!;
      const load = this.load.get(name)?.size ?? 0;
      const why = misfit(pod, node, this.nodes, load);
      if (why) reasons.set(why, (reasons.get(why) ?? 0) + 1);
      else candidates.push({ name, load });
    }
    candidates.sort((a, b) => a.load - b.load || (a.name < b.name ? -1 : 1));
    const chosen = candidates[0]?.name;
    if (chosen) {
      this.waiting.delete(key);
      this.bind(pod, chosen);
      return;
    }
    this.waiting.add(key);
    const detail = [...reasons.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([why, n]) => `${n} ${why}`)
      .join(', ');
    const message = `0/${all.length} nodes are available${detail ? `: ${detail}` : ''}. preemption: 0/${all.length} nodes are available: ${all.length} Preemption is not helpful for scheduling.`;
    this.unschedulable(pod, message);
  }

  private bind(pod: K8sObject, node: string): void {
    try {
      const bound = this.objects.mutate(
        this.pods,
        pod.metadata.namespace ?? '',
        pod.metadata.name!,
        (o) => {
          if (o.metadata.uid !== pod.metadata.uid || getPath(o, 'spec.nodeName')) return undefined;
          const status = isObject(o.status) ? o.status : {};
          setCondition(status, 'PodScheduled', 'True', this.objects.now());
          return { ...o, spec: { ...(o.spec as Json), nodeName: node }, status };
        },
        'default-scheduler',
        'binding',
      );
      if (bound && getPath(bound, 'spec.nodeName') === node)
        this.events.record(
          bound,
          {
            type: 'Normal',
            reason: 'Scheduled',
            message: `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node}`,
          },
          { component: 'default-scheduler' },
        );
    } catch (err) {
      if (!isStatusError(err)) throw err;
    }
  }

  private unschedulable(pod: K8sObject, message: string): void {
    const updated = this.objects.mutate(
      this.pods,
      pod.metadata.namespace ?? '',
      pod.metadata.name!,
      (o) => {
        const status = isObject(o.status) ? o.status : {};
        setCondition(status, 'PodScheduled', 'False', this.objects.now(), 'Unschedulable', message);
        return { ...o, status };
      },
      'default-scheduler',
      'status',
    );
    if (updated)
      this.events.record(
        updated,
        { type: 'Warning', reason: 'FailedScheduling', message },
        { component: 'default-scheduler' },
      );
  }
}
