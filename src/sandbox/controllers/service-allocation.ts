// Service IP and node port allocation, done by the apiserver on create: cluster IPs from 10.96.0.0/12
// (10.96.0.1 is the `kubernetes` Service's), node ports from 30000-32767. An update keeps what was
// allocated unless it says otherwise.
import type { ObjectService } from '../api/objects.js';
import { Errors } from '../base/status.js';
import { getPath, text } from '../base/paths.js';
import { isObject } from '../../kube/json.js';
import type { K8sObject, ResourceType } from '../base/types.js';

const BASE = (10 << 24) | (96 << 16); // 10.96.0.0
const SIZE = 1 << 20; // /12

const toIp = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
function fromIp(ip: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (!m) return undefined;
  return ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
}

export class ServiceAllocator {
  private ips = new Set<string>();
  private ports = new Set<number>();
  private next = 10;

  constructor(private readonly objects: ObjectService) {
    for (const e of objects.store.list('/services')) this.remember(e.object);
    objects.addHooks({
      beforeCreate: (rt, obj, dryRun) => this.isService(rt) && this.allocate(obj, undefined, dryRun),
      beforeUpdate: (rt, obj, old, dryRun) => this.isService(rt) && this.allocate(obj, old, dryRun),
      afterWrite: (rt, e) => {
        if (!this.isService(rt)) return;
        if (e.type === 'DELETED') this.forget(e.object);
      },
    });
  }

  private isService(rt: ResourceType): boolean {
    return rt.storageKey === '/services';
  }

  private remember(obj: K8sObject): void {
    const ip = getPath(obj, 'spec.clusterIP');
    if (typeof ip === 'string' && ip !== 'None') this.ips.add(ip);
    for (const p of (getPath(obj, 'spec.ports') as unknown[] | undefined) ?? [])
      if (isObject(p) && typeof p.nodePort === 'number') this.ports.add(p.nodePort);
  }

  private forget(obj: K8sObject): void {
    const ip = getPath(obj, 'spec.clusterIP');
    if (typeof ip === 'string') this.ips.delete(ip);
    for (const p of (getPath(obj, 'spec.ports') as unknown[] | undefined) ?? [])
      if (isObject(p) && typeof p.nodePort === 'number') this.ports.delete(p.nodePort);
  }

  private allocate(obj: K8sObject, old: K8sObject | undefined, dryRun: boolean): void {
    const spec = obj.spec as Record<string, unknown>;
    const name = obj.metadata.name ?? '';
    if (spec.type === 'ExternalName') return;
    const oldIp = old ? getPath(old, 'spec.clusterIP') : undefined;
    if ((spec.clusterIP === undefined || spec.clusterIP === '') && typeof oldIp === 'string')
      spec.clusterIP = oldIp;
    let ip = spec.clusterIP;
    if (ip === undefined || ip === '') {
      ip = this.freeIp();
    } else if (ip !== 'None' && ip !== oldIp) {
      const n = fromIp(text(ip));
      if (n === undefined || n < BASE || n >= BASE + SIZE)
        throw Errors.invalid({ group: '', kind: 'Service' }, name, [
          {
            type: 'FieldValueInvalid',
            field: 'spec.clusterIPs',
            value: [ip],
            detail: `failed to allocate IP ${text(ip)}: the provided IP (${text(ip)}) is not in the valid range. The range of valid IPs is 10.96.0.0/12`,
          },
        ]);
      if (this.ips.has(text(ip)))
        throw Errors.invalid({ group: '', kind: 'Service' }, name, [
          {
            type: 'FieldValueInvalid',
            field: 'spec.clusterIPs',
            value: [ip],
            detail: `failed to allocate IP ${text(ip)}: provided IP is already allocated`,
          },
        ]);
    }
    spec.clusterIP = ip;
    spec.clusterIPs = [ip];
    const oldPorts = old
      ? ((getPath(old, 'spec.ports') as unknown[] | undefined) ?? []).filter(isObject)
      : [];
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
      for (const p of (spec.ports as unknown[] | undefined) ?? []) {
        if (!isObject(p) || p.nodePort !== undefined) continue;
        const prev = oldPorts.find(
          (o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'),
        );
        p.nodePort = typeof prev?.nodePort === 'number' ? prev.nodePort : this.freePort();
      }
    }
    if (!dryRun) {
      if (old) this.forget(old);
      this.remember(obj);
    }
  }

  private freeIp(): string {
    for (let i = 0; i < SIZE; i++) {
      const candidate = toIp(BASE + ((this.next + i) % SIZE));
      if (!this.ips.has(candidate) && !candidate.endsWith('.0') && !candidate.endsWith('.255')) {
        this.next = (this.next + i + 1) % SIZE;
        return candidate;
      }
    }
    throw Errors.internal('the service IP range is full');
  }

  private freePort(): number {
    for (let i = 0; i < 2768; i++) {
      const port = 30000 + Math.floor(Math.random() * 2768);
      if (!this.ports.has(port)) return port;
    }
    throw Errors.internal('the node port range is full');
  }
}
