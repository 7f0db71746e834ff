// Simulated nodes: the sandbox registers its own (sandbox-node-1 ...) as kubelets do, gives any Node
// created through the API a kubelet's status too, renews each node's Lease in kube-node-lease on every
// heartbeat and refreshes its conditions now and then. Each node has a pod CIDR from which the kubelet
// gives pods their IPs. A node annotated `sandbox.meshdeck.dev/fault: not-ready` reports NotReady.
import { arch, release } from 'node:os';
import type { ObjectService } from '../api/objects.js';
import { isStatusError } from '../base/status.js';
import { getPath, timestamp } from '../base/paths.js';
import { isObject } from '../../kube/json.js';
import type { K8sObject, ResourceType } from '../base/types.js';
import type { StoreEvent } from '../store/store.js';
import { ANNOTATION_PREFIX } from '../base/behaviour.js';

const UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

function hasUnschedulableTaint(node: K8sObject): boolean {
  const taints = getPath(node, 'spec.taints');
  return Array.isArray(taints) && taints.some((t) => isObject(t) && t.key === UNSCHEDULABLE);
}

const NODES = '/nodes';
const LEASE_NAMESPACE = 'kube-node-lease';
/** Conditions are refreshed on every Nth heartbeat (the kubelet reports unchanged status rarely). */
const STATUS_EVERY = 6;

export interface NodeOptions {
  /** Nodes the sandbox registers at start (sandbox-node-1 ... -N). */
  count: number;
  /** Lease renewals; conditions are refreshed every 6th. Real time, not scaled. */
  heartbeatMs: number;
  version: string;
}

function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

const goArch = () => (arch() === 'x64' ? 'amd64' : arch());

function readyCondition(ready: boolean, now: string, old?: Record<string, unknown>): Record<string, unknown> {
  const status = ready ? 'True' : 'False';
  return {
    type: 'Ready',
    status,
    lastHeartbeatTime: now,
    lastTransitionTime: old && old.status === status ? old.lastTransitionTime : now,
    reason: ready ? 'KubeletReady' : 'KubeletNotReady',
    message: ready
      ? 'kubelet is posting ready status'
      : 'container runtime network not ready: NetworkReady=false (sandbox.meshdeck.dev/fault: not-ready)',
  };
}

function conditions(ready: boolean, now: string, old: unknown[] = []): unknown[] {
  const prev = (type: string) => old.filter(isObject).find((c) => c.type === type);
  const fine = (type: string, reason: string, message: string) => ({
    type,
    status: 'False',
    lastHeartbeatTime: now,
    lastTransitionTime: (prev(type)?.lastTransitionTime as string | undefined) ?? now,
    reason,
    message,
  });
  return [
    fine('MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    fine('DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    fine('PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    readyCondition(ready, now, prev('Ready')),
  ];
}

export class Nodes {
  private timer?: NodeJS.Timeout;
  private beats = 0;
  private unsubscribe: () => void;
  /** Pod IPs in use, per node. */
  private usedIps = new Map<string, Set<string>>();
  private listeners: Array<() => void> = [];

  constructor(
    private readonly objects: ObjectService,
    private readonly options: NodeOptions,
    private readonly onError: (err: unknown) => void,
  ) {
    for (const e of objects.store.list('/pods')) this.noteIp(e.object, true);
    this.unsubscribe = objects.store.onEvent((e) => this.onEvent(e));
    for (let i = 1; i <= options.count; i++) this.register(`sandbox-node-${i}`);
    for (const e of objects.store.list(NODES)) this.adopt(e.object);
    this.timer = setInterval(() => this.heartbeat(), options.heartbeatMs);
    this.timer.unref();
  }

  private get nodeType(): ResourceType {
    return this.objects.registry.get('', 'v1', 'nodes')!;
  }

  private get leaseType(): ResourceType {
    return this.objects.registry.get('coordination.k8s.io', 'v1', 'leases')!;
  }

  /** Called when nodes come, go or change readiness (the scheduler retries pending pods). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  private onEvent(e: StoreEvent): void {
    if (e.storageKey === '/pods') {
      if (e.type === 'DELETED') this.noteIp(e.object, false);
      else this.noteIp(e.object, true);
      return;
    }
    if (e.storageKey !== NODES) return;
    if (e.type === 'ADDED') queueMicrotask(() => this.adopt(e.object));
    const wasReady = e.previous ? this.isReady(e.previous) : false;
    const ready = e.type !== 'DELETED' && this.isReady(e.object);
    const annotated = e.object.metadata.annotations?.[`${ANNOTATION_PREFIX}fault`];
    const before = e.previous?.metadata.annotations?.[`${ANNOTATION_PREFIX}fault`];
    if (
      e.type === 'MODIFIED' &&
      Boolean(getPath(e.object, 'spec.unschedulable')) !== hasUnschedulableTaint(e.object)
    )
      queueMicrotask(() => this.syncUnschedulableTaint(e.object.metadata.name!));
    if (annotated !== before && e.type === 'MODIFIED')
      queueMicrotask(() => this.report(e.object.metadata.name!, true));
    if (e.type === 'DELETED' || wasReady !== ready || e.type === 'ADDED')
      for (const l of this.listeners) queueMicrotask(l);
  }

  private noteIp(pod: K8sObject, add: boolean): void {
    const node = getPath(pod, 'spec.nodeName');
    const ip = getPath(pod, 'status.podIP');
    if (typeof node !== 'string' || typeof ip !== 'string') return;
    let set = this.usedIps.get(node);
    if (!set) {
      set = new Set();
      this.usedIps.set(node, set);
    }
    if (add) set.add(ip);
    else set.delete(ip);
  }

  private nodeStatus(name: string, index: number, old?: Record<string, unknown>): Record<string, unknown> {
    const now = timestamp(this.objects.now());
    const capacity = {
      cpu: '4',
      'ephemeral-storage': '102400Mi',
      'hugepages-2Mi': '0',
      memory: '16Gi',
      pods: '110',
    };
    return {
      capacity,
      allocatable: capacity,
      conditions: conditions(true, now, (old?.conditions as unknown[]) ?? []),
      addresses: [
        { type: 'InternalIP', address: `172.18.0.${(index % 250) + 2}` },
        { type: 'Hostname', address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: '',
        systemUUID: '',
        bootID: '',
        kernelVersion: release(),
        osImage: 'meshdeck sandbox (simulated)',
        containerRuntimeVersion: 'sandbox://1.0.0',
        kubeletVersion: this.options.version,
        kubeProxyVersion: this.options.version,
        operatingSystem: 'linux',
        architecture: goArch(),
      },
    };
  }

  private register(name: string): void {
    if (this.objects.find(this.nodeType, '', name)) return;
    const index = this.objects.store.count(NODES);
    const node: K8sObject = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        labels: {
          'beta.kubernetes.io/arch': goArch(),
          'beta.kubernetes.io/os': 'linux',
          'kubernetes.io/arch': goArch(),
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'node.kubernetes.io/instance-type': 'sandbox',
        },
        annotations: {
          'node.alpha.kubernetes.io/ttl': '0',
          'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
        },
      },
      spec: {
        podCIDR: `10.244.${index}.0/24`,
        podCIDRs: [`10.244.${index}.0/24`],
        providerID: `sandbox://${name}`,
      },
      status: this.nodeStatus(name, index),
    };
    this.objects.create(this.nodeType, '', node, { fieldManager: 'kubelet' });
  }

  /** Cordon taints the node node.kubernetes.io/unschedulable:NoSchedule, as the node lifecycle controller does. */
  private syncUnschedulableTaint(name: string): void {
    this.objects.mutate(
      this.nodeType,
      '',
      name,
      (o) => {
        const cordoned = Boolean(getPath(o, 'spec.unschedulable'));
        if (cordoned === hasUnschedulableTaint(o)) return undefined;
        const spec = isObject(o.spec) ? { ...o.spec } : {};
        const others = (Array.isArray(spec.taints) ? (spec.taints as unknown[]) : []).filter(
          (t) => !(isObject(t) && t.key === UNSCHEDULABLE),
        );
        const taints = cordoned
          ? [
              ...others,
              { key: UNSCHEDULABLE, effect: 'NoSchedule', timeAdded: timestamp(this.objects.now()) },
            ]
          : others;
        if (taints.length > 0) spec.taints = taints;
        else delete spec.taints;
        return { ...o, spec };
      },
      'node-controller',
    );
  }

  /** A Node created through the API gets what its kubelet would report: a pod CIDR, status and a Lease. */
  private adopt(node: K8sObject): void {
    try {
      const name = node.metadata.name!;
      const live = this.objects.find(this.nodeType, '', name);
      if (!live) return;
      const index = this.indexOf(live);
      if (!getPath(live, 'spec.podCIDR'))
        this.objects.mutate(
          this.nodeType,
          '',
          name,
          (o) => ({
            ...o,
            spec: {
              ...(isObject(o.spec) ? o.spec : {}),
              podCIDR: `10.244.${index}.0/24`,
              podCIDRs: [`10.244.${index}.0/24`],
            },
          }),
          'node-ipam-controller',
        );
      const conds = getPath(live, 'status.conditions');
      if (!Array.isArray(conds) || !conds.some((c) => isObject(c) && c.type === 'Ready'))
        this.objects.mutate(
          this.nodeType,
          '',
          name,
          (o) => ({
            ...o,
            status: {
              ...(isObject(o.status) ? o.status : {}),
              ...this.nodeStatus(name, index, o.status as Record<string, unknown>),
            },
          }),
          'kubelet',
          'status',
        );
      if (!this.objects.find(this.leaseType, LEASE_NAMESPACE, name)) this.renewLease(live);
    } catch (err) {
      if (!isStatusError(err)) this.onError(err);
    }
  }

  private indexOf(node: K8sObject): number {
    const cidr = getPath(node, 'spec.podCIDR');
    const m = typeof cidr === 'string' ? /^10\.244\.(\d+)\.0\/24$/.exec(cidr) : null;
    if (m) return Number(m[1]);
    const taken = new Set(
      this.objects.store.list(NODES).map((e) => {
        const c = getPath(e.object, 'spec.podCIDR');
        const mm = typeof c === 'string' ? /^10\.244\.(\d+)\./.exec(c) : null;
        return mm ? Number(mm[1]) : -1;
      }),
    );
    let i = 0;
    while (taken.has(i)) i++;
    return i;
  }

  private renewLease(node: K8sObject): void {
    const name = node.metadata.name!;
    const now = microTime(this.objects.now());
    const lease = this.objects.find(this.leaseType, LEASE_NAMESPACE, name);
    if (lease) {
      this.objects.mutate(
        this.leaseType,
        LEASE_NAMESPACE,
        name,
        (o) => ({ ...o, spec: { ...(isObject(o.spec) ? o.spec : {}), renewTime: now } }),
        'kubelet',
      );
      return;
    }
    this.objects.create(
      this.leaseType,
      LEASE_NAMESPACE,
      {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: {
          name,
          namespace: LEASE_NAMESPACE,
          ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid! }],
        },
        spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: now },
      },
      { fieldManager: 'kubelet' },
    );
  }

  /** Refreshes a node's conditions (its heartbeat); `force` writes even when nothing changed. */
  private report(name: string, force: boolean): void {
    const node = this.objects.find(this.nodeType, '', name);
    if (!node) return;
    const wantReady = node.metadata.annotations?.[`${ANNOTATION_PREFIX}fault`] !== 'not-ready';
    if (!force && this.isReady(node) === wantReady && this.beats % STATUS_EVERY !== 0) return;
    const now = timestamp(this.objects.now());
    this.objects.mutate(
      this.nodeType,
      '',
      name,
      (o) => {
        const status = isObject(o.status) ? o.status : {};
        return {
          ...o,
          status: {
            ...status,
            conditions: conditions(wantReady, now, (status.conditions as unknown[]) ?? []),
          },
        };
      },
      'kubelet',
      'status',
    );
  }

  private heartbeat(): void {
    this.beats++;
    for (const e of [...this.objects.store.list(NODES)]) {
      try {
        this.renewLease(e.object);
        this.report(e.object.metadata.name!, false);
      } catch (err) {
        if (!isStatusError(err)) this.onError(err);
      }
    }
  }

  isReady(node: K8sObject): boolean {
    const conds = getPath(node, 'status.conditions');
    return (
      Array.isArray(conds) && conds.some((c) => isObject(c) && c.type === 'Ready' && c.status === 'True')
    );
  }

  get(name: string): K8sObject | undefined {
    return this.objects.find(this.nodeType, '', name);
  }

  all(): K8sObject[] {
    return this.objects.store.list(NODES).map((e) => e.object);
  }

  hostIp(name: string): string | undefined {
    const addrs = getPath(this.get(name), 'status.addresses');
    const ip = Array.isArray(addrs) ? addrs.filter(isObject).find((a) => a.type === 'InternalIP') : undefined;
    return typeof ip?.address === 'string' ? ip.address : undefined;
  }

  /** A free pod IP in the node's pod CIDR. */
  allocateIp(nodeName: string): string | undefined {
    const node = this.get(nodeName);
    const cidr = getPath(node, 'spec.podCIDR');
    const m = typeof cidr === 'string' ? /^(\d+\.\d+\.\d+)\.0\/24$/.exec(cidr) : null;
    if (!m) return undefined;
    let used = this.usedIps.get(nodeName);
    if (!used) {
      used = new Set();
      this.usedIps.set(nodeName, used);
    }
    for (let host = 2; host < 255; host++) {
      const ip = `${m[1]}.${host}`;
      if (!used.has(ip)) {
        used.add(ip);
        return ip;
      }
    }
    return undefined;
  }

  stop(): void {
    clearInterval(this.timer);
    this.unsubscribe();
  }
}
