// The apiserver's in-tree admission for pods' resources, in its order: requests defaulted from limits
// (the Pod defaulter), LimitRanger (container defaults, then min/max), Priority (priorityClassName to
// spec.priority, the built-in system-* classes), ResourceQuota (403 "exceeded quota", usage kept in
// status.used), and the QoS class the pod strategy records in status.qosClass.
import type { ObjectService } from '../api/objects.js';
import { Errors } from '../base/status.js';
import { getPath } from '../base/paths.js';
import { isObject } from '../../kube/json.js';
import { allContainers, formatQuantity, parseQuantity, podResources } from '../base/quantity.js';
import type { K8sObject, ResourceType } from '../base/types.js';
import type { StoreEvent } from '../store/store.js';

type Json = Record<string, unknown>;
const PODS = '/pods';
const QUOTAS = '/resourcequotas';
const LIMIT_RANGES = '/limitranges';
const PRIORITY_CLASSES = 'scheduling.k8s.io/priorityclasses';
/** The classes every cluster has (the apiserver creates them at start). */
export const SYSTEM_PRIORITY_CLASSES: Record<string, number> = {
  'system-node-critical': 2000001000,
  'system-cluster-critical': 2000000000,
};
/** Object counts a quota may limit, by resource name, with the store key they count. */
const COUNTED: Record<string, string> = {
  pods: PODS,
  services: '/services',
  configmaps: '/configmaps',
  secrets: '/secrets',
  persistentvolumeclaims: '/persistentvolumeclaims',
  replicationcontrollers: '/replicationcontrollers',
  resourcequotas: QUOTAS,
};

const isPod = (rt: ResourceType) => rt.group === '' && rt.kind === 'Pod';
const terminal = (pod: K8sObject) => ['Succeeded', 'Failed'].includes(String(getPath(pod, 'status.phase')));

function resources(c: Json): { requests: Json; limits: Json } {
  const r = isObject(c.resources) ? c.resources : (c.resources = {});
  const requests = isObject(r.requests) ? r.requests : {};
  const limits = isObject(r.limits) ? r.limits : {};
  return { requests, limits };
}

function setResources(c: Json, requests: Json, limits: Json): void {
  const r = c.resources as Json;
  if (Object.keys(requests).length > 0) r.requests = requests;
  if (Object.keys(limits).length > 0) r.limits = limits;
}

/** The Pod defaulter: a container with a limit and no request of a resource requests the limit. */
function defaultRequestsFromLimits(pod: K8sObject): void {
  for (const c of allContainers(pod)) {
    const { requests, limits } = resources(c);
    for (const [k, v] of Object.entries(limits)) if (requests[k] === undefined) requests[k] = v;
    setResources(c, requests, limits);
  }
}

function qosClass(pod: K8sObject): string {
  const containers = allContainers(pod);
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const { requests, limits } = resources(c);
    if (Object.keys(requests).length + Object.keys(limits).length > 0) any = true;
    for (const k of ['cpu', 'memory'])
      if (limits[k] === undefined || parseQuantity(requests[k]) !== parseQuantity(limits[k]))
        guaranteed = false;
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export class ResourceAdmission {
  constructor(private readonly objects: ObjectService) {
    objects.addHooks({
      beforeCreate: (rt, obj) => {
        if (isPod(rt)) this.admitPod(obj);
        else this.checkCount(rt, obj);
      },
      afterWrite: (rt, e) => this.afterWrite(rt, e),
    });
  }

  private admitPod(pod: K8sObject): void {
    defaultRequestsFromLimits(pod);
    this.limitRanges(pod);
    this.priority(pod);
    this.quota(pod);
    const status = isObject(pod.status) ? pod.status : (pod.status = {});
    status.qosClass = qosClass(pod);
  }

  private forbidden(pod: K8sObject, plural: string, why: string): never {
    throw Errors.forbidden({ group: '', resource: plural }, pod.metadata.name ?? '', why);
  }

  /** LimitRanger: container defaults (default, defaultRequest), then min and max per container. */
  private limitRanges(pod: K8sObject): void {
    const ns = pod.metadata.namespace ?? '';
    for (const e of this.objects.store.list(LIMIT_RANGES, ns)) {
      const limits = getPath(e.object, 'spec.limits');
      if (!Array.isArray(limits)) continue;
      for (const item of limits.filter(isObject))
        if (item.type === 'Container') this.applyContainerRange(pod, item);
    }
  }

  private applyContainerRange(pod: K8sObject, range: Json): void {
    const max = isObject(range.max) ? range.max : {};
    const min = isObject(range.min) ? range.min : {};
    // The apiserver defaults a LimitRange's default from max, and defaultRequest from default.
    const dflt = { ...max, ...(isObject(range.default) ? range.default : {}) };
    const dfltRequest = { ...dflt, ...(isObject(range.defaultRequest) ? range.defaultRequest : {}) };
    const problems: string[] = [];
    for (const c of allContainers(pod)) {
      const { requests, limits } = resources(c);
      for (const [k, v] of Object.entries(dflt)) limits[k] ??= v;
      for (const [k, v] of Object.entries(dfltRequest)) requests[k] ??= v;
      setResources(c, requests, limits);
      for (const [k, v] of Object.entries(max)) {
        const limit = parseQuantity(limits[k]);
        if (limit !== undefined && limit > parseQuantity(v)!)
          problems.push(
            `maximum ${k} usage per Container is ${String(v)}, but limit is ${String(limits[k])}`,
          );
      }
      for (const [k, v] of Object.entries(min)) {
        const request = parseQuantity(requests[k]);
        if (request !== undefined && request < parseQuantity(v)!)
          problems.push(
            `minimum ${k} usage per Container is ${String(v)}, but request is ${String(requests[k])}`,
          );
      }
    }
    if (problems.length > 0) this.forbidden(pod, 'pods', problems.join(', '));
  }

  /** Priority: the class's value (and preemption policy), or the global default class's. */
  private priority(pod: K8sObject): void {
    const spec = isObject(pod.spec) ? pod.spec : {};
    const name = typeof spec.priorityClassName === 'string' ? spec.priorityClassName : '';
    const classes = this.objects.store.list(PRIORITY_CLASSES).map((e) => e.object);
    const found = name
      ? classes.find((c) => c.metadata.name === name)
      : classes.find((c) => c.globalDefault === true);
    if (found) {
      spec.priority = typeof found.value === 'number' ? found.value : 0;
      if (typeof found.preemptionPolicy === 'string') spec.preemptionPolicy = found.preemptionPolicy;
      if (!name) spec.priorityClassName = found.metadata.name;
    } else if (name && SYSTEM_PRIORITY_CLASSES[name] !== undefined)
      spec.priority = SYSTEM_PRIORITY_CLASSES[name];
    else if (name) this.forbidden(pod, 'pods', `no PriorityClass with name ${name} was found`);
  }

  /** The usage a namespace's pods make of each quota resource name. */
  private podUsage(ns: string, exclude?: string): Record<string, number> {
    const used: Record<string, number> = { pods: 0 };
    for (const e of this.objects.store.list(PODS, ns)) {
      const pod = e.object;
      if (terminal(pod) || pod.metadata.name === exclude) continue;
      used.pods += 1;
      for (const [k, v] of Object.entries(podResources(pod, 'requests'))) {
        used[`requests.${k}`] = (used[`requests.${k}`] ?? 0) + v;
        if (k === 'cpu' || k === 'memory') used[k] = (used[k] ?? 0) + v;
      }
      for (const [k, v] of Object.entries(podResources(pod, 'limits')))
        used[`limits.${k}`] = (used[`limits.${k}`] ?? 0) + v;
    }
    used['count/pods'] = used.pods!;
    return used;
  }

  private usage(ns: string, hard: Json): Record<string, number> {
    const pods = this.podUsage(ns);
    const used: Record<string, number> = {};
    for (const k of Object.keys(hard)) {
      const counted = COUNTED[k] ?? COUNTED[k.replace(/^count\//, '').replace(/\.$/, '')];
      if (k in pods) used[k] = pods[k]!;
      else if (counted) used[k] = this.objects.store.count(counted, ns);
      else used[k] = 0;
    }
    return used;
  }

  private quota(pod: K8sObject): void {
    const ns = pod.metadata.namespace ?? '';
    const requested: Record<string, number> = { pods: 1, 'count/pods': 1 };
    const requests = podResources(pod, 'requests');
    const limits = podResources(pod, 'limits');
    for (const [k, v] of Object.entries(requests)) {
      requested[`requests.${k}`] = v;
      if (k === 'cpu' || k === 'memory') requested[k] = v;
    }
    for (const [k, v] of Object.entries(limits)) requested[`limits.${k}`] = v;
    for (const e of this.objects.store.list(QUOTAS, ns)) {
      const hard = getPath(e.object, 'spec.hard');
      if (!isObject(hard)) continue;
      const name = e.object.metadata.name!;
      const tracked = Object.keys(hard).filter(
        (k) => k in requested || /^(requests|limits)\.|^(cpu|memory)$/.test(k),
      );
      const missing = tracked.filter((k) => requested[k] === undefined);
      if (missing.length > 0)
        this.forbidden(pod, 'pods', `failed quota: ${name}: must specify ${missing.sort().join(',')}`);
      this.enforce(pod, 'pods', name, hard, tracked, requested, this.podUsage(ns));
    }
  }

  private enforce(
    obj: K8sObject,
    plural: string,
    quota: string,
    hard: Json,
    tracked: string[],
    requested: Record<string, number>,
    used: Record<string, number>,
  ): void {
    const over = tracked
      .filter((k) => (used[k] ?? 0) + (requested[k] ?? 0) > (parseQuantity(hard[k]) ?? Infinity))
      .sort();
    if (over.length === 0) return;
    const show = (values: (k: string) => string) => over.map((k) => `${k}=${values(k)}`).join(',');
    this.forbidden(
      obj,
      plural,
      `exceeded quota: ${quota}, requested: ${show((k) => formatQuantity(base(k), requested[k] ?? 0))}, used: ${show((k) => formatQuantity(base(k), used[k] ?? 0))}, limited: ${show((k) => String(hard[k]))}`,
    );
  }

  /** Object count quotas (services, configmaps, count/secrets, ...) for kinds other than pods. */
  private checkCount(rt: ResourceType, obj: K8sObject): void {
    if (!rt.namespaced || rt.group !== '') return;
    const ns = obj.metadata.namespace ?? '';
    for (const e of this.objects.store.list(QUOTAS, ns)) {
      const hard = getPath(e.object, 'spec.hard');
      if (!isObject(hard)) continue;
      const tracked = [rt.plural, `count/${rt.plural}`].filter((k) => k in hard);
      if (tracked.length === 0) continue;
      const n = this.objects.store.count(rt.storageKey, ns);
      const used = Object.fromEntries(tracked.map((k) => [k, n]));
      const requested = Object.fromEntries(tracked.map((k) => [k, 1]));
      this.enforce(obj, rt.plural, e.object.metadata.name!, hard, tracked, requested, used);
    }
  }

  /** Keeps quotas' status (hard, used) current as pods and counted objects come and go. */
  private afterWrite(rt: ResourceType, e: StoreEvent): void {
    if (e.storageKey !== QUOTAS && e.storageKey !== PODS && !Object.values(COUNTED).includes(e.storageKey))
      return;
    const ns = e.object.metadata.namespace ?? '';
    const quotaRt = this.objects.registry.get('', 'v1', 'resourcequotas');
    if (!quotaRt) return;
    for (const q of this.objects.store.list(QUOTAS, ns)) {
      const hard = getPath(q.object, 'spec.hard');
      if (!isObject(hard)) continue;
      const used = this.usage(ns, hard);
      const status = {
        hard,
        used: Object.fromEntries(Object.entries(used).map(([k, v]) => [k, formatQuantity(base(k), v)])),
      };
      if (JSON.stringify(q.object.status) === JSON.stringify(status)) continue;
      queueMicrotask(() =>
        this.objects.mutate(
          quotaRt,
          ns,
          q.object.metadata.name!,
          (o) => ({ ...o, status }),
          'resourcequota-controller',
          'status',
        ),
      );
    }
    void rt;
  }
}

/** "requests.cpu" → "cpu", for printing the quantity. */
function base(k: string): string {
  return k.replace(/^(requests|limits)\./, '');
}
