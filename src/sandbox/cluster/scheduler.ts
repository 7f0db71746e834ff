// A small default-scheduler: a pod without a node is bound to the Ready node that fits (nodeSelector,
// required node affinity, taints and tolerations, unschedulable, pod capacity, resource requests against
// allocatable) with the best score (preferred node affinity weights, then the fewest pods), with
// PodScheduled=True and a Scheduled event; when none fits it stays Pending with
// PodScheduled=False/Unschedulable and a FailedScheduling event worded as kube-scheduler words it, and is
// tried again when the cluster changes (nodes added, uncordoned or relabelled; pods gone or finished).
import type { ObjectService } from '../api/objects.js';
import { isStatusError } from '../base/status.js';
import { Controller } from '../base/queue.js';
import { setCondition, type Json } from '../base/pod-status.js';
import { getPath, text } from '../base/paths.js';
import { isObject } from '../../kube/json.js';
import { parseQuantity, podResources } from '../base/quantity.js';
import type { K8sObject, ResourceType } from '../base/types.js';
import type { StoreEvent } from '../store/store.js';
import type { EventRecorder } from './events.js';
import type { Nodes } from './nodes.js';

const PODS = '/pods';
const NODES = '/nodes';
export const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';

/** A node change that may let a pending pod fit (not a heartbeat). */
function schedulingInputsChanged(e: StoreEvent): boolean {
  if (e.type !== 'MODIFIED' || !e.previous) return true;
  const inputs = (n: K8sObject) =>
    JSON.stringify([n.spec, n.metadata.labels, getPath(n, 'status.allocatable')]);
  return inputs(e.previous) !== inputs(e.object);
}

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

/** The sum of the weights of the preferred node affinity terms a node matches (the scheduler's score). */
function preferredScore(pod: K8sObject, node: K8sObject): number {
  const terms = getPath(pod, 'spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution');
  if (!Array.isArray(terms)) return 0;
  const labels = node.metadata.labels ?? {};
  return terms.filter(isObject).reduce((sum, t) => {
    const pref = isObject(t.preference) ? t.preference : {};
    const exprs = Array.isArray(pref.matchExpressions) ? pref.matchExpressions.filter(isObject) : [];
    const hit = exprs.length > 0 && exprs.every((e) => labelsMatchExpr(labels[String(e.key)], e));
    return sum + (hit ? Number(t.weight ?? 0) : 0);
  }, 0);
}

/** Resources a node lacks for a pod ("Insufficient cpu"), given what pods on it already request. */
export function insufficient(pod: K8sObject, node: K8sObject, requested: Record<string, number>): string[] {
  const allocatable = getPath(node, 'status.allocatable');
  const alloc = isObject(allocatable) ? allocatable : {};
  return Object.entries(podResources(pod, 'requests'))
    .filter(([r, want]) => {
      if (want <= 0) return false;
      const have = parseQuantity(alloc[r]) ?? 0;
      return (requested[r] ?? 0) + want > have;
    })
    .map(([r]) => `Insufficient ${r}`)
    .sort();
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
  if (
    getPath(node, 'spec.unschedulable') &&
    !tolerates(pod, { key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule' })
  )
    return 'node(s) were unschedulable';
  const taints = getPath(node, 'spec.taints');
  if (Array.isArray(taints))
    for (const t of taints.filter(isObject))
      if (
        (t.effect === 'NoSchedule' || t.effect === 'NoExecute') &&
        t.key !== UNSCHEDULABLE_TAINT &&
        !tolerates(pod, t)
      )
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
    nodes.onChange(() => this.retryWaiting());
  }

  /** The cluster changed in a way that may let pending pods fit: try them again. */
  private retryWaiting(): void {
    for (const key of this.waiting) this.queue.add(key);
  }

  private get pods(): ResourceType {
    return this.objects.registry.get('', 'v1', 'pods')!;
  }

  private track(e: StoreEvent): void {
    if (e.storageKey === NODES && schedulingInputsChanged(e)) this.retryWaiting();
    if (e.storageKey !== PODS) return;
    const key = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
    const before = e.previous ? text(getPath(e.previous, 'spec.nodeName')) : '';
    const held = before !== '' && this.load.get(before)?.has(key) === true;
    if (before) this.load.get(before)?.delete(key);
    if (e.type === 'DELETED') {
      this.waiting.delete(key);
      if (held) this.retryWaiting();
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
    } else if (held) this.retryWaiting();
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
    const candidates: Array<{ name: string; load: number; score: number }> = [];
    const reasons = new Map<string, number>();
    const all = this.nodes.all();
    let resourceOnly = true;
    for (const node of all) {
      const name = node.metadata.name!;
      const load = this.load.get(name)?.size ?? 0;
      const why = misfit(pod, node, this.nodes, load);
      const lacking = why ? [] : insufficient(pod, node, this.requestedOn(name));
      if (why) resourceOnly = false;
      for (const r of why ? [why] : lacking) reasons.set(r, (reasons.get(r) ?? 0) + 1);
      if (!why && lacking.length === 0) candidates.push({ name, load, score: preferredScore(pod, node) });
    }
    candidates.sort((a, b) => b.score - a.score || a.load - b.load || (a.name < b.name ? -1 : 1));
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
    // Preemption could free resources (it is not simulated): the scheduler says so differently.
    const preemption =
      all.length > 0 && resourceOnly
        ? `${all.length} No preemption victims found for incoming pod.`
        : `${all.length} Preemption is not helpful for scheduling.`;
    const message = `0/${all.length} nodes are available${detail ? `: ${detail}` : ''}. preemption: 0/${all.length} nodes are available: ${preemption}`;
    this.unschedulable(pod, message);
  }

  /** What the pods bound to a node request, summed per resource. */
  private requestedOn(node: string): Record<string, number> {
    const sum: Record<string, number> = {};
    for (const key of this.load.get(node) ?? []) {
      const i = key.indexOf('/');
      const pod = this.objects.find(this.pods, key.slice(0, i), key.slice(i + 1));
      if (!pod) continue;
      for (const [r, v] of Object.entries(podResources(pod, 'requests'))) sum[r] = (sum[r] ?? 0) + v;
    }
    return sum;
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
