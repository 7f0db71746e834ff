// The ReplicaSet controller: keeps spec.replicas active pods stamped from the template (not-ready and
// newer pods go first when scaling down) and reports replicas, fullyLabeledReplicas, readyReplicas,
// availableReplicas (ready for minReadySeconds), observedGeneration and ReplicaFailure.
import type { ObjectService } from '../api/objects.js';
import { ControllerCreates, type CreateOutcome } from '../admission/controller-creates.js';
import { isStatusError } from '../base/status.js';
import type { EventRecorder } from '../cluster/events.js';
import type { Timing } from '../base/behaviour.js';
import { isPodReady } from '../base/pod-status.js';
import { getPath } from '../base/paths.js';
import type { K8sObject, ResourceType } from '../base/types.js';
import type { StoreEvent } from '../store/store.js';
import { controllerKeys, ownerReference, type OwnerIndex } from './owners.js';
import { Controller, keyOf, splitKey } from '../base/queue.js';
import {
  deleteOwnedPod,
  compactStatus,
  conditionsOf,
  isActive,
  isAvailable,
  num,
  podFromTemplate,
  withCondition,
  withoutCondition,
  writeStatus,
  type Json,
} from './workload.js';

const RS = 'apps/replicasets';
const PODS = '/pods';
/** Pods created or deleted per sync, as the upstream controller's burst. */
const BURST = 500;

/** Deletion order when scaling down: unscheduled, pending, not ready, then the newest first. */
function deletionRank(pod: K8sObject): number[] {
  const scheduled = getPath(pod, 'spec.nodeName') ? 1 : 0;
  const running = getPath(pod, 'status.phase') === 'Running' ? 1 : 0;
  const ready = isPodReady(pod) ? 1 : 0;
  const created = Date.parse(pod.metadata.creationTimestamp ?? '') || 0;
  return [scheduled, running, ready, -created];
}

function compareRank(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

export class ReplicaSetController extends Controller {
  /** Pod creations through admission webhooks still under way. */
  private readonly creates: ControllerCreates;

  constructor(
    private readonly objects: ObjectService,
    private readonly owners: OwnerIndex,
    private readonly events: EventRecorder,
    private readonly timing: Timing,
    onError: (err: unknown) => void,
  ) {
    super(onError);
    this.creates = new ControllerCreates(objects, 'replicaset-controller');
    this.subscribe(objects.store.onEvent((e) => this.onEvent(e)));
    for (const e of objects.store.list(RS)) this.queue.add(keyOf(e.object));
  }

  private get rsType(): ResourceType {
    return this.objects.registry.get('apps', 'v1', 'replicasets')!;
  }

  private get podType(): ResourceType {
    return this.objects.registry.get('', 'v1', 'pods')!;
  }

  private onEvent(e: StoreEvent): void {
    if (e.storageKey === RS) {
      if (e.type !== 'DELETED') this.queue.add(keyOf(e.object));
      return;
    }
    if (e.storageKey !== PODS) return;
    for (const key of controllerKeys(e, 'ReplicaSet')) this.queue.add(key);
  }

  protected sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const rs = this.objects.find(this.rsType, namespace, name);
    if (!rs || rs.metadata.deletionTimestamp) return;
    const pods = this.owners.owned(PODS, rs.metadata.uid!).filter(isActive);
    const want = num(getPath(rs, 'spec.replicas'), 1);
    const inflight = this.creates.pending(key);
    let failure = this.creates.failure(key);
    if (pods.length + inflight < want) {
      const created = this.create(rs, key, Math.min(want - pods.length - inflight, BURST));
      pods.push(...created.pods);
      failure = created.failure ?? failure;
      if (pods.length + this.creates.pending(key) < want && !failure) this.queue.add(key);
    } else if (inflight === 0 && pods.length > want) {
      const victims = [...pods]
        .sort((a, b) => compareRank(deletionRank(a), deletionRank(b)))
        .slice(0, Math.min(pods.length - want, BURST));
      for (const pod of victims) deleteOwnedPod(this.objects, this.events, rs, pod, 'replicaset-controller');
      const gone = new Set(victims);
      pods.splice(0, pods.length, ...pods.filter((p) => !gone.has(p)));
    }
    this.updateStatus(rs, pods, failure);
  }

  private create(rs: K8sObject, key: string, n: number): { pods: K8sObject[]; failure?: string } {
    const out: K8sObject[] = [];
    const template = getPath(rs, 'spec.template');
    for (let i = 0; i < n; i++) {
      const pod = podFromTemplate(template, ownerReference(rs), { generateName: `${rs.metadata.name}-` });
      const outcome = this.creates.create(
        key,
        this.podType,
        rs.metadata.namespace ?? '',
        pod,
        { fieldManager: 'kube-controller-manager' },
        (later) => {
          this.recordCreate(rs, later);
          this.queue.add(key);
        },
      );
      if (!outcome) continue; // admitted asynchronously: the callback records it
      const failure = this.recordCreate(rs, outcome);
      if (failure) return { pods: out, failure };
      out.push(outcome.created!);
    }
    return { pods: out };
  }

  /** Events for one pod creation; the failure message when it failed. */
  private recordCreate(rs: K8sObject, outcome: CreateOutcome): string | undefined {
    if (outcome.created) {
      this.events.record(
        rs,
        {
          type: 'Normal',
          reason: 'SuccessfulCreate',
          message: `Created pod: ${outcome.created.metadata.name}`,
        },
        { component: 'replicaset-controller' },
      );
      return undefined;
    }
    if (!isStatusError(outcome.error))
      throw outcome.error ?? new Error('a pod create ended without an outcome');
    const message = `Error creating: ${outcome.error.message}`;
    this.events.record(
      rs,
      { type: 'Warning', reason: 'FailedCreate', message },
      { component: 'replicaset-controller' },
    );
    return message;
  }

  private updateStatus(rs: K8sObject, pods: K8sObject[], failure: string | undefined): void {
    const now = Date.now();
    const minReadyMs = this.timing.scaled(num(getPath(rs, 'spec.minReadySeconds')) * 1000);
    const wait = { ms: Infinity };
    const templateLabels = (getPath(rs, 'spec.template.metadata.labels') ?? {}) as Record<string, string>;
    const fullyLabeled = pods.filter((p) =>
      Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v),
    );
    let conditions = conditionsOf(rs);
    conditions = failure
      ? withCondition(
          conditions,
          { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: failure },
          this.objects.now(),
        )
      : withoutCondition(conditions, 'ReplicaFailure');
    const status: Json = compactStatus({
      replicas: pods.length,
      fullyLabeledReplicas: fullyLabeled.length,
      readyReplicas: pods.filter(isPodReady).length,
      availableReplicas: pods.filter((p) => isAvailable(p, minReadyMs, now, wait)).length,
      observedGeneration: rs.metadata.generation,
      conditions,
    });
    writeStatus(this.objects, this.rsType, rs, status, 'replicaset-controller');
    if (wait.ms !== Infinity) this.queue.addAfter(keyOf(rs), wait.ms + 5);
  }
}
