// The service proxy and the fake load balancer: every Service with a selector gets, per TCP port, a
// listener on the sandbox's loopback host (a free port) that forwards each connection to the next
// ready endpoint (round robin) that this machine can reach, i.e. a pod run by the process runtime
// (its podIP is a 127.x.y.z address). Simulated pods have no real address; with none reachable a
// connection is reset. A LoadBalancer Service gets the listener in status.loadBalancer.ingress:
// `[{ip: <host>, ports: [{port: <local port>, protocol}]}]`, ports in the order of spec.ports.
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { ObjectService } from '../api/objects.js';
import { getPath, text } from '../base/paths.js';
import { deepEqual, isObject } from '../../kube/json.js';
import type { K8sObject } from '../base/types.js';
import type { StoreEvent } from '../store/store.js';
import { keyOf, splitKey } from '../base/queue.js';

const SERVICES = '/services';
const ENDPOINTS = '/endpoints';
const MANAGER = 'service-controller';

/** Where a Service's port is served on this machine. */
export interface ServiceAddress {
  host: string;
  port: number;
  /** The Service port it stands for. */
  servicePort: number;
  name?: string;
}

interface Listener {
  server: Server;
  servicePort: number;
  name?: string;
  localPort: number;
  next: number;
  sockets: Set<Socket>;
}

export class ServiceProxies {
  private readonly services = new Map<string, Map<string, Listener>>();
  private readonly unsubscribe: () => void;
  private stopped = false;
  private syncing = new Map<string, Promise<void>>();

  constructor(
    private readonly objects: ObjectService,
    private readonly o: { host: string; loadBalancers: boolean; onError: (err: unknown) => void },
  ) {
    this.unsubscribe = objects.store.onEvent((e) => this.onEvent(e));
    for (const e of objects.store.list(SERVICES)) this.schedule(keyOf(e.object));
  }

  private onEvent(e: StoreEvent): void {
    if (e.storageKey !== SERVICES) return;
    this.schedule(keyOf(e.object));
  }

  /** One sync per Service at a time; a change during one syncs again after it. */
  private schedule(key: string): void {
    const before = this.syncing.get(key) ?? Promise.resolve();
    const next = before.then(() => this.sync(key)).catch(this.o.onError);
    this.syncing.set(key, next);
    void next.then(() => {
      if (this.syncing.get(key) === next) this.syncing.delete(key);
    });
  }

  private async sync(key: string): Promise<void> {
    if (this.stopped) return;
    const [namespace, name] = splitKey(key);
    const svc = this.objects.store.get(SERVICES, namespace, name);
    const ports = svc && !svc.metadata.deletionTimestamp && hasSelector(svc) ? tcpPorts(svc) : [];
    const current = this.services.get(key) ?? new Map<string, Listener>();
    for (const [portKey, l] of current)
      if (!ports.some((p) => portId(p) === portKey)) {
        current.delete(portKey);
        close(l);
      }
    for (const p of ports) {
      const existing = current.get(portId(p));
      if (existing) existing.name = p.name;
      else current.set(portId(p), await this.listen(namespace, name, p));
    }
    if (this.stopped) {
      for (const l of current.values()) close(l);
      return;
    }
    if (current.size) this.services.set(key, current);
    else this.services.delete(key);
    if (svc && this.o.loadBalancers && getPath(svc, 'spec.type') === 'LoadBalancer')
      this.publish(svc, current);
  }

  private async listen(
    namespace: string,
    service: string,
    p: { port: number; name?: string },
  ): Promise<Listener> {
    const sockets = new Set<Socket>();
    const listener: Listener = {
      server: createServer((client) => this.forward(namespace, service, listener, client)),
      servicePort: p.port,
      name: p.name,
      localPort: 0,
      next: 0,
      sockets,
    };
    await new Promise<void>((resolve, reject) => {
      listener.server.once('error', reject);
      listener.server.listen(0, this.o.host, () => resolve());
    });
    const addr = listener.server.address();
    listener.localPort = typeof addr === 'object' && addr ? addr.port : 0;
    return listener;
  }

  /** Reachable ready endpoints of the Service port (loopback addresses only). */
  private targets(namespace: string, service: string, l: Listener): Array<{ ip: string; port: number }> {
    const ep = this.objects.store.get(ENDPOINTS, namespace, service);
    const out: Array<{ ip: string; port: number }> = [];
    for (const subset of arr(getPath(ep, 'subsets'))) {
      const ports = arr(subset.ports);
      const port = ports.length === 1 ? ports[0] : ports.find((p) => text(p.name) === (l.name ?? ''));
      if (!port || typeof port.port !== 'number') continue;
      for (const a of arr(subset.addresses))
        if (typeof a.ip === 'string' && a.ip.startsWith('127.')) out.push({ ip: a.ip, port: port.port });
    }
    return out;
  }

  private forward(namespace: string, service: string, l: Listener, client: Socket): void {
    const targets = this.targets(namespace, service, l);
    if (targets.length === 0) {
      client.resetAndDestroy();
      return;
    }
    const t = targets[l.next++ % targets.length];
    const upstream = connect({ host: t.ip, port: t.port });
    l.sockets.add(client);
    l.sockets.add(upstream);
    const done = () => {
      l.sockets.delete(client);
      l.sockets.delete(upstream);
    };
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.resetAndDestroy());
    client.on('close', () => {
      upstream.destroy();
      done();
    });
    upstream.on('close', () => {
      client.destroy();
      done();
    });
    client.pipe(upstream);
    upstream.pipe(client);
  }

  private publish(svc: K8sObject, listeners: Map<string, Listener>): void {
    const ports = tcpPorts(svc)
      .map((p) => listeners.get(portId(p)))
      .filter((l): l is Listener => l !== undefined)
      .map((l) => ({ port: l.localPort, protocol: 'TCP' }));
    const ingress = ports.length ? [{ ip: this.o.host, ipMode: 'VIP', ports }] : [];
    const rt = this.objects.registry.get('', 'v1', 'services')!;
    this.objects.mutate(
      rt,
      svc.metadata.namespace ?? '',
      svc.metadata.name!,
      (o) => {
        if (o.metadata.uid !== svc.metadata.uid) return undefined;
        const status = isObject(o.status) ? o.status : {};
        const lb = isObject(status.loadBalancer) ? status.loadBalancer : {};
        if (deepEqual(lb.ingress ?? [], ingress)) return undefined;
        return { ...o, status: { ...status, loadBalancer: ingress.length ? { ingress } : {} } };
      },
      MANAGER,
      'status',
    );
  }

  /** Where the Service's port (the first when not given; by number or name) is served, if it is. */
  address(namespace: string, name: string, port?: number | string): ServiceAddress | undefined {
    const listeners = [...(this.services.get(`${namespace}/${name}`)?.values() ?? [])];
    const l =
      port === undefined
        ? listeners[0]
        : listeners.find((x) => x.servicePort === port || (x.name !== undefined && x.name === port));
    return l
      ? {
          host: this.o.host,
          port: l.localPort,
          servicePort: l.servicePort,
          ...(l.name ? { name: l.name } : {}),
        }
      : undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    await Promise.all(this.syncing.values());
    for (const listeners of this.services.values()) for (const l of listeners.values()) close(l);
    this.services.clear();
  }
}

function close(l: Listener): void {
  l.server.close();
  for (const s of l.sockets) s.destroy();
}

function hasSelector(svc: K8sObject): boolean {
  const sel = getPath(svc, 'spec.selector');
  return isObject(sel) && Object.keys(sel).length > 0;
}

function tcpPorts(svc: K8sObject): Array<{ port: number; name?: string }> {
  return arr(getPath(svc, 'spec.ports'))
    .filter((p) => (p.protocol ?? 'TCP') === 'TCP' && typeof p.port === 'number')
    .map((p) => ({ port: p.port as number, ...(p.name ? { name: text(p.name) } : {}) }));
}

const portId = (p: { port: number }) => String(p.port);

function arr(v: unknown): Array<Record<string, unknown>> {
  return Array.isArray(v) ? v.filter(isObject) : [];
}
