// The endpoints and endpointslice controllers: a Service with a selector gets an Endpoints object of
// its name (ready addresses, notReadyAddresses) and EndpointSlices `<svc>-<5 random>` (conditions
// ready/serving/terminating), built from the matching pods that have an IP, with named target ports
// resolved against each pod's container ports. Slices are owned by the Service (the garbage collector
// removes them); the Endpoints object is deleted here when its Service goes.
import type { ObjectService } from '../api/objects.js';
import { isStatusError } from '../base/status.js';
import { isPodReady, isTerminal, specContainers } from '../base/pod-status.js';
import { getPath, text } from '../base/paths.js';
import { deepEqual, isObject } from '../../kube/json.js';
import type { K8sObject, ResourceType } from '../base/types.js';
import type { StoreEvent } from '../store/store.js';
import { Controller, keyOf, splitKey } from '../base/queue.js';
import type { Json } from './workload.js';

const SERVICES = '/services';
const PODS = '/pods';
const SLICES = 'discovery.k8s.io/endpointslices';
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
const MANAGED_BY = 'endpointslice-controller.k8s.io';
const MANAGER = 'kube-controller-manager';

interface Port {
  name?: string;
  port: number;
  protocol: string;
}

interface Address {
  pod: K8sObject;
  ip: string;
  ready: boolean;
  terminating: boolean;
}

/** Pods grouped by the ports their target ports resolve to (upstream's subsets). */
interface Group {
  ports: Port[];
  addresses: Address[];
}

function selectorOf(svc: K8sObject): Record<string, string> | undefined {
  const sel = getPath(svc, 'spec.selector');
  if (!isObject(sel) || Object.keys(sel).length === 0) return undefined;
  return Object.fromEntries(Object.entries(sel).map(([k, v]) => [k, text(v)]));
}

function resolvePort(pod: K8sObject, target: unknown, protocol: string): number | undefined {
  if (typeof target === 'number') return target;
  if (typeof target === 'string' && /^\d+$/.test(target)) return Number(target);
  for (const c of specContainers(pod))
    for (const p of Array.isArray(c.ports) ? c.ports.filter(isObject) : [])
      if (p.name === target && (p.protocol ?? 'TCP') === protocol && typeof p.containerPort === 'number')
        return p.containerPort;
  return undefined;
}

function groupsOf(svc: K8sObject, pods: K8sObject[]): Group[] {
  const svcPorts = (getPath(svc, 'spec.ports') as unknown[] | undefined)?.filter(isObject) ?? [];
  const groups = new Map<string, Group>();
  for (const pod of pods) {
    const ip = getPath(pod, 'status.podIP');
    if (typeof ip !== 'string' || !ip) continue;
    const ports: Port[] = [];
    for (const sp of svcPorts) {
      const protocol = text(sp.protocol) || 'TCP';
      const port = resolvePort(pod, sp.targetPort ?? sp.port, protocol);
      if (port !== undefined) ports.push({ ...(sp.name ? { name: text(sp.name) } : {}), port, protocol });
    }
    if (svcPorts.length > 0 && ports.length === 0) continue;
    const key = JSON.stringify(ports);
    const group = groups.get(key) ?? { ports, addresses: [] };
    group.addresses.push({ pod, ip, ready: isPodReady(pod), terminating: !!pod.metadata.deletionTimestamp });
    groups.set(key, group);
  }
  for (const g of groups.values()) g.addresses.sort((a, b) => a.ip.localeCompare(b.ip));
  return [...groups.values()].sort((a, b) => JSON.stringify(a.ports).localeCompare(JSON.stringify(b.ports)));
}

function targetRef(pod: K8sObject): Json {
  return { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
}

function address(a: Address): Json {
  const node = getPath(a.pod, 'spec.nodeName');
  return {
    ip: a.ip,
    ...(typeof node === 'string' && node ? { nodeName: node } : {}),
    targetRef: targetRef(a.pod),
  };
}

function subsetsOf(groups: Group[]): Json[] {
  const out: Json[] = [];
  for (const g of groups) {
    const live = g.addresses.filter((a) => !a.terminating);
    const ready = live.filter((a) => a.ready).map(address);
    const notReady = live.filter((a) => !a.ready).map(address);
    if (ready.length + notReady.length === 0) continue;
    out.push({
      ...(ready.length ? { addresses: ready } : {}),
      ...(notReady.length ? { notReadyAddresses: notReady } : {}),
      ports: g.ports,
    });
  }
  return out;
}

function sliceEndpoints(g: Group): Json[] {
  return g.addresses.map((a) => {
    const node = getPath(a.pod, 'spec.nodeName');
    return {
      addresses: [a.ip],
      conditions: { ready: a.ready && !a.terminating, serving: a.ready, terminating: a.terminating },
      ...(typeof node === 'string' && node ? { nodeName: node } : {}),
      targetRef: targetRef(a.pod),
    };
  });
}

export class EndpointsController extends Controller {
  constructor(
    private readonly objects: ObjectService,
    onError: (err: unknown) => void,
  ) {
    super(onError);
    this.subscribe(objects.store.onEvent((e) => this.onEvent(e)));
    for (const e of objects.store.list(SERVICES)) this.queue.add(keyOf(e.object));
  }

  private type(group: string, plural: string): ResourceType {
    return this.objects.registry.get(group, 'v1', plural)!;
  }

  private onEvent(e: StoreEvent): void {
    if (e.storageKey === SERVICES) {
      this.queue.add(keyOf(e.object));
      return;
    }
    if (e.storageKey !== PODS) return;
    // Services are few next to pods: any change to a pod re-examines its namespace's Services.
    const namespace = e.object.metadata.namespace ?? '';
    for (const s of this.objects.store.list(SERVICES, namespace)) {
      const sel = selectorOf(s.object);
      if (!sel) continue;
      const matches = (o: K8sObject | undefined) =>
        o !== undefined && Object.entries(sel).every(([k, v]) => o.metadata.labels?.[k] === v);
      if (matches(e.object) || matches(e.previous)) this.queue.add(keyOf(s.object));
    }
  }

  protected sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const svc = this.objects.find(this.type('', 'services'), namespace, name);
    if (!svc || svc.metadata.deletionTimestamp) {
      this.remove(namespace, name);
      return;
    }
    const sel = selectorOf(svc);
    // Without a selector the user manages the Endpoints.
    if (!sel) return;
    const pods = this.objects.store
      .list(PODS, namespace)
      .map((e) => e.object)
      .filter((p) => !isTerminal(p) && Object.entries(sel).every(([k, v]) => p.metadata.labels?.[k] === v));
    const groups = groupsOf(svc, pods);
    this.writeEndpoints(svc, subsetsOf(groups));
    this.writeSlices(svc, groups);
  }

  private remove(namespace: string, name: string): void {
    try {
      this.objects.delete(this.type('', 'endpoints'), namespace, name);
    } catch (err) {
      if (!isStatusError(err) || err.code !== 404) throw err;
    }
  }

  private writeEndpoints(svc: K8sObject, subsets: Json[]): void {
    const rt = this.type('', 'endpoints');
    const namespace = svc.metadata.namespace ?? '';
    const name = svc.metadata.name!;
    const labels = { ...(svc.metadata.labels ?? {}) };
    const existing = this.objects.find(rt, namespace, name);
    if (!existing) {
      this.objects.create(
        rt,
        namespace,
        {
          apiVersion: 'v1',
          kind: 'Endpoints',
          metadata: { name, namespace, labels },
          ...(subsets.length ? { subsets } : {}),
        },
        { fieldManager: MANAGER },
      );
      return;
    }
    this.objects.mutate(
      rt,
      namespace,
      name,
      (o) => {
        const current = (o as Json).subsets ?? [];
        if (deepEqual(current, subsets) && deepEqual(o.metadata.labels ?? {}, labels)) return undefined;
        const next: Json = { ...o, metadata: { ...o.metadata, labels } };
        if (subsets.length) next.subsets = subsets;
        else delete next.subsets;
        return next as K8sObject;
      },
      MANAGER,
    );
  }

  private writeSlices(svc: K8sObject, groups: Group[]): void {
    const rt = this.type('discovery.k8s.io', 'endpointslices');
    const namespace = svc.metadata.namespace ?? '';
    const name = svc.metadata.name!;
    const mine = this.objects.store
      .list(SLICES, namespace)
      .map((e) => e.object)
      .filter(
        (s) =>
          s.metadata.labels?.[SERVICE_NAME_LABEL] === name &&
          s.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY,
      )
      .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
    // A Service with no endpoints still has one (empty) slice, as upstream's.
    const wanted = groups.length ? groups : [{ ports: [], addresses: [] }];
    const labels = {
      ...(svc.metadata.labels ?? {}),
      [SERVICE_NAME_LABEL]: name,
      [MANAGED_BY_LABEL]: MANAGED_BY,
    };
    const owner = {
      apiVersion: 'v1',
      kind: 'Service',
      name,
      uid: svc.metadata.uid,
      controller: true,
      blockOwnerDeletion: true,
    };
    wanted.forEach((g, i) => {
      // A slice's port always carries its name, "" when the Service port has none (kubectl describe
      // dereferences it).
      const ports = g.ports.map((p) => ({ ...p, name: p.name ?? '' }));
      const body: Json = { addressType: 'IPv4', endpoints: sliceEndpoints(g), ports };
      const slice = mine[i];
      if (!slice) {
        this.objects.create(
          rt,
          namespace,
          {
            apiVersion: 'discovery.k8s.io/v1',
            kind: 'EndpointSlice',
            metadata: { generateName: `${name}-`, namespace, labels, ownerReferences: [owner] },
            ...body,
          },
          { fieldManager: MANAGER },
        );
        return;
      }
      this.objects.mutate(
        rt,
        namespace,
        slice.metadata.name!,
        (o) => {
          const same = Object.entries(body).every(([k, v]) => deepEqual((o as Json)[k], v));
          if (same && deepEqual(o.metadata.labels ?? {}, labels)) return undefined;
          return { ...o, ...body, metadata: { ...o.metadata, labels } };
        },
        MANAGER,
      );
    });
    for (const extra of mine.slice(wanted.length)) {
      try {
        this.objects.delete(rt, namespace, extra.metadata.name!);
      } catch (err) {
        if (!isStatusError(err) || err.code !== 404) throw err;
      }
    }
  }
}
