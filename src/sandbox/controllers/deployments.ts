// The Deployment controller, after the upstream one: a ReplicaSet per pod template (named
// <deployment>-<pod-template-hash>, numbered by the revision annotation), rolling updates within maxSurge
// and maxUnavailable or Recreate, rollbacks that reuse the old ReplicaSet (kubectl rollout undo), pause,
// revisionHistoryLimit, and a status with observedGeneration, the replica counters and the Available,
// Progressing (ProgressDeadlineExceeded once the scaled deadline passes without progress) and
// ReplicaFailure conditions.
import type { ObjectService } from '../api/objects.js';
import { isStatusError } from '../base/status.js';
import type { EventRecorder } from '../cluster/events.js';
import type { Timing } from '../base/behaviour.js';
import { clone, getPath } from '../base/paths.js';
import { isObject } from '../../kube/json.js';
import type { K8sObject, ResourceType } from '../base/types.js';
import type { StoreEvent } from '../store/store.js';
import { controllerKeys, ownerReference, type OwnerIndex } from './owners.js';
import { Controller, keyOf, splitKey } from '../base/queue.js';
import {
  compactStatus,
  conditionsOf,
  findCondition,
  intOrPercent,
  num,
  safeHash,
  templatesEqual,
  withCondition,
  withoutCondition,
  writeStatus,
  type Condition,
  type Json,
} from './workload.js';

const DEPLOYMENTS = 'apps/deployments';
const RS = 'apps/replicasets';
const HASH = 'pod-template-hash';
const REVISION = 'deployment.kubernetes.io/revision';
const DESIRED = 'deployment.kubernetes.io/desired-replicas';
const MAX = 'deployment.kubernetes.io/max-replicas';
const MANAGER = 'deployment-controller';

const revisionOf = (rs: K8sObject) => Number(rs.metadata.annotations?.[REVISION] ?? 0) || 0;
const specReplicas = (o: K8sObject) => num(getPath(o, 'spec.replicas'));
const statusOf = (o: K8sObject, field: string) => num(getPath(o, `status.${field}`));

interface Plan {
  d: K8sObject;
  replicas: number;
  maxSurge: number;
  maxUnavailable: number;
  newRS?: K8sObject;
  oldRSs: K8sObject[];
}

export class DeploymentController extends Controller {
  /** When each deployment last made progress (ms), finer than lastUpdateTime's seconds. */
  private progressAt = new Map<string, number>();

  constructor(
    private readonly objects: ObjectService,
    private readonly owners: OwnerIndex,
    private readonly events: EventRecorder,
    private readonly timing: Timing,
    onError: (err: unknown) => void,
  ) {
    super(onError);
    this.subscribe(objects.store.onEvent((e) => this.onEvent(e)));
    for (const e of objects.store.list(DEPLOYMENTS)) this.queue.add(keyOf(e.object));
  }

  private get dType(): ResourceType {
    return this.objects.registry.get('apps', 'v1', 'deployments')!;
  }

  private get rsType(): ResourceType {
    return this.objects.registry.get('apps', 'v1', 'replicasets')!;
  }

  private onEvent(e: StoreEvent): void {
    if (e.storageKey === DEPLOYMENTS) {
      if (e.type === 'DELETED') this.progressAt.delete(e.object.metadata.uid!);
      else this.queue.add(keyOf(e.object));
      return;
    }
    if (e.storageKey !== RS) return;
    for (const key of controllerKeys(e, 'Deployment')) this.queue.add(key);
  }

  protected sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const d = this.objects.find(this.dType, namespace, name);
    if (!d || d.metadata.deletionTimestamp) return;
    const replicas = num(getPath(d, 'spec.replicas'), 1);
    const strategy = getPath(d, 'spec.strategy.type') === 'Recreate' ? 'Recreate' : 'RollingUpdate';
    let maxSurge = 0;
    let maxUnavailable = 0;
    if (strategy === 'RollingUpdate') {
      maxSurge = intOrPercent(getPath(d, 'spec.strategy.rollingUpdate.maxSurge') ?? '25%', replicas, true);
      maxUnavailable = intOrPercent(
        getPath(d, 'spec.strategy.rollingUpdate.maxUnavailable') ?? '25%',
        replicas,
        false,
      );
      if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    }
    const all = this.owners.owned(RS, d.metadata.uid!).filter((rs) => !rs.metadata.deletionTimestamp);
    const template = getPath(d, 'spec.template');
    const plan: Plan = {
      d,
      replicas,
      maxSurge,
      maxUnavailable,
      newRS: all.find((rs) => templatesEqual(getPath(rs, 'spec.template'), template, HASH)),
      oldRSs: [],
    };
    plan.oldRSs = all.filter((rs) => rs !== plan.newRS);
    const paused = getPath(d, 'spec.paused') === true;
    let created: string | undefined;

    if (!paused) {
      if (!plan.newRS) {
        plan.newRS = this.createReplicaSet(plan, strategy);
        created = plan.newRS?.metadata.name;
      } else plan.newRS = this.keepRevision(plan, all);
      if (plan.newRS) this.setRevision(d, plan.newRS);
      if (strategy === 'Recreate') this.recreate(plan);
      else this.rollingUpdate(plan);
    } else if (plan.newRS && plan.oldRSs.every((rs) => specReplicas(rs) === 0)) {
      // A paused deployment still scales.
      this.scale(plan, plan.newRS, replicas);
    }
    this.cleanup(d, plan);
    this.updateStatus(plan, paused, created);
  }

  /** The template's ReplicaSet, revision max+1, sized for the strategy. */
  private createReplicaSet(plan: Plan, strategy: string): K8sObject | undefined {
    const d = plan.d;
    const template = clone(getPath(d, 'spec.template') ?? {}) as Json;
    let collisions = num(getPath(d, 'status.collisionCount'));
    let hash = safeHash(template, collisions);
    for (; ; hash = safeHash(template, ++collisions)) {
      const clash = this.objects.find(this.rsType, d.metadata.namespace ?? '', `${d.metadata.name}-${hash}`);
      if (!clash || templatesEqual(getPath(clash, 'spec.template'), template, HASH)) break;
    }
    const labels = {
      ...((getPath(template, 'metadata.labels') as Record<string, string> | undefined) ?? {}),
      [HASH]: hash,
    };
    const meta = isObject(template.metadata) ? template.metadata : {};
    template.metadata = { ...meta, labels };
    const selector = clone(getPath(d, 'spec.selector') ?? {}) as Json;
    selector.matchLabels = {
      ...(selector.matchLabels ?? {}),
      [HASH]: hash,
    };
    const maxRevision = Math.max(0, ...plan.oldRSs.map(revisionOf));
    const current = plan.oldRSs.reduce((n, rs) => n + specReplicas(rs), 0);
    let replicas: number;
    if (strategy === 'Recreate') replicas = current === 0 ? plan.replicas : 0;
    else replicas = Math.max(0, Math.min(plan.replicas, plan.replicas + plan.maxSurge - current));
    const annotations: Record<string, string> = {
      ...copiedAnnotations(d),
      [REVISION]: String(maxRevision + 1),
      [DESIRED]: String(plan.replicas),
      [MAX]: String(plan.replicas + plan.maxSurge),
    };
    const rs: K8sObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        labels,
        annotations,
        ownerReferences: [ownerReference(d)],
      },
      spec: {
        replicas,
        minReadySeconds: num(getPath(d, 'spec.minReadySeconds')),
        selector,
        template,
      },
    };
    try {
      const out = this.objects.create(this.rsType, d.metadata.namespace ?? '', rs, {
        fieldManager: 'kube-controller-manager',
      });
      if (replicas > 0) this.scaledEvent(d, out, 0, replicas);
      this.progressAt.set(d.metadata.uid!, Date.now());
      return out;
    } catch (err) {
      if (isStatusError(err) && err.code === 409) return undefined; // created meanwhile: the next sync finds it
      throw err;
    }
  }

  /** A rollback makes an old ReplicaSet current again: it takes the next revision number. */
  private keepRevision(plan: Plan, all: K8sObject[]): K8sObject {
    const rs = plan.newRS!;
    const max = Math.max(0, ...all.map(revisionOf));
    const want: Record<string, string> = {};
    // As SetNewReplicaSetAnnotations: the deployment's annotations (kubernetes.io/change-cause, which
    // rollout history shows) are copied to its current ReplicaSet on every sync.
    for (const [k, v] of Object.entries(copiedAnnotations(plan.d)))
      if (rs.metadata.annotations?.[k] !== v) want[k] = v;
    if (revisionOf(rs) < max) want[REVISION] = String(max + 1);
    if (rs.metadata.annotations?.[DESIRED] !== String(plan.replicas)) want[DESIRED] = String(plan.replicas);
    if (rs.metadata.annotations?.[MAX] !== String(plan.replicas + plan.maxSurge))
      want[MAX] = String(plan.replicas + plan.maxSurge);
    if (Object.keys(want).length === 0) return rs;
    if (want[REVISION]) this.progressAt.set(plan.d.metadata.uid!, Date.now());
    return (
      this.objects.mutate(
        this.rsType,
        rs.metadata.namespace ?? '',
        rs.metadata.name!,
        (o) => ({ ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, ...want } } }),
        MANAGER,
      ) ?? rs
    );
  }

  private setRevision(d: K8sObject, rs: K8sObject): void {
    const revision = rs.metadata.annotations?.[REVISION];
    if (!revision || d.metadata.annotations?.[REVISION] === revision) return;
    this.objects.mutate(
      this.dType,
      d.metadata.namespace ?? '',
      d.metadata.name!,
      (o) => ({
        ...o,
        metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, [REVISION]: revision } },
      }),
      MANAGER,
    );
  }

  private scale(plan: Plan, rs: K8sObject, to: number): K8sObject {
    const from = specReplicas(rs);
    if (from === to) return rs;
    const updated = this.objects.mutate(
      this.rsType,
      rs.metadata.namespace ?? '',
      rs.metadata.name!,
      (o) => ({
        ...o,
        metadata: {
          ...o.metadata,
          annotations: {
            ...o.metadata.annotations,
            [DESIRED]: String(plan.replicas),
            [MAX]: String(plan.replicas + plan.maxSurge),
          },
        },
        spec: { ...(o.spec as Json), replicas: to },
      }),
      MANAGER,
    );
    this.scaledEvent(plan.d, rs, from, to);
    this.progressAt.set(plan.d.metadata.uid!, Date.now());
    return updated ?? rs;
  }

  private scaledEvent(d: K8sObject, rs: K8sObject, from: number, to: number): void {
    this.events.record(
      d,
      {
        type: 'Normal',
        reason: 'ScalingReplicaSet',
        message: `Scaled ${to > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${to}`,
      },
      { component: MANAGER },
    );
  }

  private recreate(plan: Plan): void {
    const active = plan.oldRSs.filter((rs) => specReplicas(rs) > 0);
    for (const rs of active) this.scale(plan, rs, 0);
    if (active.length > 0) return;
    // Old pods must be gone before new ones start.
    if (plan.oldRSs.some((rs) => statusOf(rs, 'replicas') > 0)) return;
    if (plan.newRS) plan.newRS = this.scale(plan, plan.newRS, plan.replicas);
  }

  private rollingUpdate(plan: Plan): void {
    const newRS = plan.newRS;
    if (!newRS) return;
    const all = [newRS, ...plan.oldRSs];
    const total = () => all.reduce((n, rs) => n + specReplicas(rs), 0);
    // Scale the new ReplicaSet up within maxSurge (or down to the desired count).
    const current = specReplicas(newRS);
    if (current > plan.replicas) all[0] = plan.newRS = this.scale(plan, newRS, plan.replicas);
    else if (current < plan.replicas) {
      const room = plan.replicas + plan.maxSurge - total();
      if (room > 0)
        all[0] = plan.newRS = this.scale(plan, newRS, current + Math.min(room, plan.replicas - current));
    }
    // Scale old ReplicaSets down within maxUnavailable.
    const oldCount = plan.oldRSs.reduce((n, rs) => n + specReplicas(rs), 0);
    if (oldCount === 0) return;
    const minAvailable = plan.replicas - plan.maxUnavailable;
    const newUnavailable = Math.max(
      0,
      specReplicas(plan.newRS!) - statusOf(plan.newRS!, 'availableReplicas'),
    );
    let budget = total() - minAvailable - newUnavailable;
    if (budget <= 0) return;
    // Unhealthy old pods go first: they count for nothing.
    const oldest = [...plan.oldRSs].sort((a, b) => revisionOf(a) - revisionOf(b));
    for (let i = 0; i < oldest.length && budget > 0; i++) {
      const rs = oldest[i];
      const unhealthy = specReplicas(rs) - statusOf(rs, 'availableReplicas');
      if (unhealthy <= 0) continue;
      const down = Math.min(unhealthy, budget);
      oldest[i] = this.scale(plan, rs, specReplicas(rs) - down);
      budget -= down;
    }
    const available = [plan.newRS!, ...oldest].reduce((n, rs) => n + statusOf(rs, 'availableReplicas'), 0);
    let excess = available - minAvailable;
    for (let i = 0; i < oldest.length && excess > 0; i++) {
      const rs = oldest[i];
      const down = Math.min(specReplicas(rs), excess);
      if (down <= 0) continue;
      oldest[i] = this.scale(plan, rs, specReplicas(rs) - down);
      excess -= down;
    }
    plan.oldRSs = oldest;
  }

  /** Old ReplicaSets at zero beyond revisionHistoryLimit are deleted, oldest first. */
  private cleanup(d: K8sObject, plan: Plan): void {
    const limit = num(getPath(d, 'spec.revisionHistoryLimit'), 10);
    const idle = plan.oldRSs
      .filter((rs) => specReplicas(rs) === 0 && statusOf(rs, 'replicas') === 0)
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
      try {
        this.objects.delete(this.rsType, rs.metadata.namespace ?? '', rs.metadata.name!, {
          preconditions: { uid: rs.metadata.uid },
        });
      } catch (err) {
        if (!isStatusError(err)) throw err;
      }
    }
  }

  private updateStatus(plan: Plan, paused: boolean, created: string | undefined): void {
    const { d, newRS } = plan;
    const all = [...(newRS ? [newRS] : []), ...plan.oldRSs];
    const sum = (field: string) => all.reduce((n, rs) => n + statusOf(rs, field), 0);
    const replicas = sum('replicas');
    const updated = newRS ? statusOf(newRS, 'replicas') : 0;
    const ready = sum('readyReplicas');
    const available = sum('availableReplicas');
    const nowDate = this.objects.now();
    const now = Date.now();
    let conditions: Condition[] = conditionsOf(d);
    conditions = withCondition(
      conditions,
      available >= plan.replicas - plan.maxUnavailable
        ? {
            type: 'Available',
            status: 'True',
            reason: 'MinimumReplicasAvailable',
            message: 'Deployment has minimum availability.',
          }
        : {
            type: 'Available',
            status: 'False',
            reason: 'MinimumReplicasUnavailable',
            message: 'Deployment does not have minimum availability.',
          },
      nowDate,
      { updateTime: true },
    );
    const failure = newRS ? findCondition(newRS, 'ReplicaFailure') : undefined;
    conditions = failure
      ? withCondition(
          conditions,
          { type: 'ReplicaFailure', status: 'True', reason: failure.reason, message: failure.message },
          nowDate,
          { updateTime: true },
        )
      : withoutCondition(conditions, 'ReplicaFailure');

    const oldStatus = isObject(d.status) ? d.status : {};
    const rsName = newRS?.metadata.name ?? '';
    const deadlineMs = this.timing.scaled(num(getPath(d, 'spec.progressDeadlineSeconds'), 600) * 1000);
    const complete =
      updated === plan.replicas &&
      replicas === plan.replicas &&
      available === plan.replicas &&
      newRS !== undefined;
    const progressing = findCondition(d, 'Progressing');
    const uid = d.metadata.uid!;
    let requeueMs: number | undefined;
    if (paused) {
      conditions = withCondition(
        conditions,
        {
          type: 'Progressing',
          status: 'Unknown',
          reason: 'DeploymentPaused',
          message: 'Deployment is paused',
        },
        nowDate,
        { updateTime: true },
      );
    } else if (created) {
      conditions = withCondition(
        conditions,
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetCreated',
          message: `Created new replica set "${created}"`,
        },
        nowDate,
        { updateTime: true, touch: true },
      );
      this.progressAt.set(uid, now);
    } else if (complete) {
      conditions = withCondition(
        conditions,
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${rsName}" has successfully progressed.`,
        },
        nowDate,
        { updateTime: true },
      );
    } else {
      const oldOld = num(oldStatus.replicas) - num(oldStatus.updatedReplicas);
      const made =
        updated > num(oldStatus.updatedReplicas) ||
        replicas - updated < oldOld ||
        ready > num(oldStatus.readyReplicas) ||
        available > num(oldStatus.availableReplicas) ||
        progressing?.reason === 'DeploymentPaused' ||
        progressing === undefined;
      const since =
        this.progressAt.get(uid) ?? (Date.parse(String(progressing?.lastUpdateTime ?? '')) || now);
      if (made) {
        conditions = withCondition(
          conditions,
          {
            type: 'Progressing',
            status: 'True',
            reason: 'ReplicaSetUpdated',
            message: `ReplicaSet "${rsName}" is progressing.`,
          },
          nowDate,
          { updateTime: true, touch: true },
        );
        this.progressAt.set(uid, now);
        requeueMs = deadlineMs;
      } else if (progressing?.reason !== 'ProgressDeadlineExceeded' && now - since >= deadlineMs) {
        conditions = withCondition(
          conditions,
          {
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: `ReplicaSet "${rsName}" has timed out progressing.`,
          },
          nowDate,
          { updateTime: true },
        );
      } else if (progressing?.reason !== 'ProgressDeadlineExceeded') requeueMs = since + deadlineMs - now;
    }
    const status = compactStatus({
      observedGeneration: d.metadata.generation,
      replicas,
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: available,
      unavailableReplicas: Math.max(0, plan.replicas - available),
      conditions,
      collisionCount: oldStatus.collisionCount,
    });
    writeStatus(this.objects, this.dType, d, status, MANAGER);
    if (requeueMs !== undefined) this.queue.addAfter(keyOf(d), Math.max(1, requeueMs + 5));
  }
}

/** Annotations a deployment passes to its ReplicaSets (not kubectl's last-applied or the revision). */
function copiedAnnotations(d: K8sObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (k === 'kubectl.kubernetes.io/last-applied-configuration' || k.startsWith('deployment.kubernetes.io/'))
      continue;
    out[k] = v;
  }
  return out;
}
