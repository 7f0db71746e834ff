// The StatefulSet controller: pods `<sts>-0 .. <sts>-(n-1)` with stable names, created in order, each
// Running and Ready before the next (OrderedReady; Parallel creates them all), removed from the highest
// ordinal down; PersistentVolumeClaims `<template>-<sts>-<i>` from volumeClaimTemplates (Bound at once);
// a RollingUpdate replaces pods at or above the partition from the highest ordinal, one at a time, each
// once the rest are ready. Revisions are `<sts>-<hash of the template>`. Status: replicas, readyReplicas,
// currentReplicas, updatedReplicas, availableReplicas, currentRevision, updateRevision,
// observedGeneration (what `kubectl rollout status sts/x` waits on).
import type { ObjectService } from '../api/objects.js';
import { ControllerCreates, type CreateOutcome } from '../admission/controller-creates.js';
import { isStatusError } from '../base/status.js';
import type { EventRecorder } from '../cluster/events.js';
import type { Timing } from '../base/behaviour.js';
import { isPodReady } from '../base/pod-status.js';
import { getPath, text } from '../base/paths.js';
import { isObject } from '../../kube/json.js';
import type { K8sObject, ResourceType } from '../base/types.js';
import type { StoreEvent } from '../store/store.js';
import { controllerKeys, ownerReference, type OwnerIndex } from './owners.js';
import { Controller, keyOf, splitKey } from '../base/queue.js';
import {
  deleteOwnedPod,
  compactStatus,
  isAvailable,
  num,
  podFromTemplate,
  safeHash,
  writeStatus,
  type Json,
} from './workload.js';

const STS = 'apps/statefulsets';
const PODS = '/pods';
const REVISION_LABEL = 'controller-revision-hash';
const MANAGER = 'statefulset-controller';

const ordinalOf = (sts: string, pod: K8sObject) => {
  const m = new RegExp(`^${sts.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d+)$`).exec(
    pod.metadata.name ?? '',
  );
  return m ? Number(m[1]) : -1;
};

export class StatefulSetController extends Controller {
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
    this.creates = new ControllerCreates(objects, 'statefulset-controller');
    this.subscribe(objects.store.onEvent((e) => this.onEvent(e)));
    for (const e of objects.store.list(STS)) this.queue.add(keyOf(e.object));
  }

  private type(group: string, plural: string): ResourceType {
    return this.objects.registry.get(group, 'v1', plural)!;
  }

  private onEvent(e: StoreEvent): void {
    if (e.storageKey === STS) {
      if (e.type !== 'DELETED') this.queue.add(keyOf(e.object));
      return;
    }
    if (e.storageKey !== PODS) return;
    for (const key of controllerKeys(e, 'StatefulSet')) this.queue.add(key);
  }

  protected sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const sts = this.objects.find(this.type('apps', 'statefulsets'), namespace, name);
    if (!sts || sts.metadata.deletionTimestamp) return;
    const template = getPath(sts, 'spec.template');
    const updateRevision = `${name}-${safeHash(template)}`;
    const replicas = num(getPath(sts, 'spec.replicas'), 1);
    const parallel = getPath(sts, 'spec.podManagementPolicy') === 'Parallel';
    const all = this.owners.owned(PODS, sts.metadata.uid!);
    const byOrdinal = new Map<number, K8sObject>();
    for (const p of all) byOrdinal.set(ordinalOf(name, p), p);
    const now = Date.now();
    const minReadyMs = this.timing.scaled(num(getPath(sts, 'spec.minReadySeconds')) * 1000);
    const wait = { ms: Infinity };
    const healthy = (p: K8sObject | undefined) =>
      p !== undefined &&
      !p.metadata.deletionTimestamp &&
      getPath(p, 'status.phase') === 'Running' &&
      isPodReady(p);

    // Create the missing pods in order (Parallel: all), and remove the ones beyond replicas from the top.
    let blocked = false;
    for (let i = 0; i < replicas && !blocked; i++) {
      const pod = byOrdinal.get(i);
      if (!pod) {
        this.createPod(sts, i, updateRevision);
        if (!parallel) blocked = true;
      } else if (!parallel && !healthy(pod)) blocked = true;
    }
    const extra = [...byOrdinal.keys()].filter((i) => i >= replicas || i < 0).sort((a, b) => b - a);
    for (const i of parallel ? extra : extra.slice(0, 1)) {
      const p = byOrdinal.get(i)!;
      if (!p.metadata.deletionTimestamp) this.deletePod(sts, p);
    }

    // Rolling update: the highest out-of-date ordinal at or above the partition, once the rest are ready.
    const partition = num(getPath(sts, 'spec.updateStrategy.rollingUpdate.partition'));
    const inRange = [...Array(replicas).keys()].map((i) => byOrdinal.get(i));
    if (getPath(sts, 'spec.updateStrategy.type') !== 'OnDelete' && inRange.every(healthy)) {
      for (let i = replicas - 1; i >= partition; i--) {
        const p = inRange[i]!;
        if (p.metadata.labels?.[REVISION_LABEL] !== updateRevision) {
          this.deletePod(sts, p);
          break;
        }
      }
    }

    const live = inRange.filter((p): p is K8sObject => p !== undefined);
    const updated = live.filter((p) => p.metadata.labels?.[REVISION_LABEL] === updateRevision).length;
    const previous = isObject(sts.status) ? text(sts.status.currentRevision) : '';
    const currentRevision =
      updated === replicas && live.every(healthy) ? updateRevision : previous || updateRevision;
    writeStatus(
      this.objects,
      this.type('apps', 'statefulsets'),
      sts,
      compactStatus({
        observedGeneration: sts.metadata.generation,
        replicas: all.filter((p) => !p.metadata.deletionTimestamp).length,
        readyReplicas: live.filter(isPodReady).length,
        currentReplicas: live.filter((p) => p.metadata.labels?.[REVISION_LABEL] === currentRevision).length,
        updatedReplicas: updated,
        availableReplicas: live.filter((p) => isAvailable(p, minReadyMs, now, wait)).length,
        currentRevision,
        updateRevision,
        collisionCount: 0,
      }),
      MANAGER,
    );
    if (wait.ms !== Infinity) this.queue.addAfter(key, wait.ms + 5);
  }

  private deletePod(sts: K8sObject, pod: K8sObject): void {
    const message = `delete Pod ${pod.metadata.name} in StatefulSet ${sts.metadata.name} successful`;
    deleteOwnedPod(this.objects, this.events, sts, pod, 'statefulset-controller', message);
  }

  private createPod(sts: K8sObject, i: number, revision: string): void {
    const name = `${sts.metadata.name}-${i}`;
    const namespace = sts.metadata.namespace ?? '';
    const podKey = `${namespace}/${name}`;
    if (this.creates.pending(podKey) > 0) return; // being admitted
    const claims =
      (getPath(sts, 'spec.volumeClaimTemplates') as unknown[] | undefined)?.filter(isObject) ?? [];
    const volumes: Json[] = [];
    for (const t of claims) {
      const template = text(getPath(t, 'metadata.name'));
      const claim = `${template}-${name}`;
      volumes.push({ name: template, persistentVolumeClaim: { claimName: claim } });
      this.ensureClaim(sts, t, claim);
    }
    const template = getPath(sts, 'spec.template');
    const pod = podFromTemplate(
      template,
      ownerReference(sts),
      { name },
      {
        labels: {
          [REVISION_LABEL]: revision,
          'statefulset.kubernetes.io/pod-name': name,
          'apps.kubernetes.io/pod-index': String(i),
        },
      },
    );
    const spec = pod.spec as Json;
    spec.hostname = name;
    const service = getPath(sts, 'spec.serviceName');
    if (typeof service === 'string' && service) spec.subdomain = service;
    if (volumes.length) {
      const own = Array.isArray(spec.volumes) ? spec.volumes.filter(isObject) : [];
      spec.volumes = [...own.filter((v) => !volumes.some((x) => x.name === v.name)), ...volumes];
    }
    const record = (o: CreateOutcome) => {
      if (o.error && !isStatusError(o.error)) throw o.error;
      if (o.created)
        this.events.record(
          sts,
          {
            type: 'Normal',
            reason: 'SuccessfulCreate',
            message: `create Pod ${name} in StatefulSet ${sts.metadata.name} successful`,
          },
          { component: 'statefulset-controller' },
        );
    };
    const now = this.creates.create(
      podKey,
      this.type('', 'pods'),
      namespace,
      pod,
      { fieldManager: MANAGER },
      (later) => {
        record(later);
        this.queue.add(keyOf(sts));
      },
    );
    if (now) record(now);
  }

  private ensureClaim(sts: K8sObject, template: Json, name: string): void {
    const rt = this.type('', 'persistentvolumeclaims');
    const namespace = sts.metadata.namespace ?? '';
    if (this.objects.find(rt, namespace, name)) return;
    try {
      const claim = this.objects.create(
        rt,
        namespace,
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: {
            name,
            namespace,
            labels: (getPath(sts, 'spec.selector.matchLabels') as Record<string, string>) ?? {},
          },
          spec: isObject(template.spec) ? template.spec : {},
        },
        { fieldManager: MANAGER },
      );
      const storage = getPath(claim, 'spec.resources.requests.storage');
      writeStatus(
        this.objects,
        rt,
        claim,
        {
          phase: 'Bound',
          accessModes: getPath(claim, 'spec.accessModes') ?? ['ReadWriteOnce'],
          ...(storage ? { capacity: { storage } } : {}),
        },
        MANAGER,
      );
    } catch (err) {
      if (!isStatusError(err)) throw err;
    }
  }
}
