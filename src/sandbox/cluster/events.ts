// Events, as the controllers and the kubelet report them: a core v1 Event per occurrence, repeats of the
// same event merged by raising its count, and every event deleted once it is older than the TTL (the
// apiserver's --event-ttl, one hour by default). `kubectl describe` finds them by involvedObject.
import type { ObjectService } from '../api/objects.js';
import { isStatusError } from '../base/status.js';
import { text, timestamp } from '../base/paths.js';
import type { K8sObject, ResourceType } from '../base/types.js';

export interface EventSpec {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** The container the event is about: spec.containers{c}. */
  fieldPath?: string;
}

export interface EventSource {
  component: string;
  /** The node, for kubelet events. */
  host?: string;
}

const EVENTS = '/events';

export class EventRecorder {
  /** Merge key → event name, so a repeat raises the count of the event it repeats. */
  private byKey = new Map<string, string>();
  private keyByName = new Map<string, string>();
  private sequence = 0;
  private sweeper?: NodeJS.Timeout;
  private unsubscribe: () => void;

  constructor(
    private readonly objects: ObjectService,
    private readonly ttlMs: number,
    private readonly onError: (err: unknown) => void,
  ) {
    this.unsubscribe = objects.store.onEvent((e) => {
      if (e.storageKey !== EVENTS || e.type !== 'DELETED') return;
      const name = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
      const key = this.keyByName.get(name);
      if (key !== undefined) this.byKey.delete(key);
      this.keyByName.delete(name);
    });
    this.sweeper = setInterval(() => this.sweep(), Math.max(50, Math.min(60_000, ttlMs / 4)));
    this.sweeper.unref();
  }

  private get rt(): ResourceType {
    return this.objects.registry.get('', 'v1', 'events')!;
  }

  record(involved: K8sObject, spec: EventSpec, source: EventSource): void {
    try {
      this.write(involved, spec, source);
    } catch (err) {
      // Events are best effort, as in a real cluster: a terminating namespace refuses them.
      if (!isStatusError(err)) this.onError(err);
    }
  }

  private write(involved: K8sObject, spec: EventSpec, source: EventSource): void {
    const meta = involved.metadata;
    const namespace = meta.namespace || 'default';
    const key = [
      meta.uid,
      spec.type,
      spec.reason,
      spec.message,
      spec.fieldPath ?? '',
      source.component,
      source.host ?? '',
    ].join('\u0000');
    const now = timestamp(this.objects.now());
    const existing = this.byKey.get(key);
    if (existing !== undefined) {
      const updated = this.objects.mutate(
        this.rt,
        namespace,
        existing,
        (o) => ({ ...o, count: Number(o.count ?? 1) + 1, lastTimestamp: now }),
        '',
      );
      if (updated) return;
    }
    const name = `${meta.name}.${(Date.now() * 1000 + (this.sequence++ % 1000)).toString(16)}`;
    const involvedObject: Record<string, unknown> = {
      kind: involved.kind,
      namespace: meta.namespace,
      name: meta.name,
      uid: meta.uid,
      apiVersion: involved.apiVersion,
      resourceVersion: meta.resourceVersion,
    };
    if (!meta.namespace) delete involvedObject.namespace;
    if (spec.fieldPath) involvedObject.fieldPath = spec.fieldPath;
    const event: K8sObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject,
      reason: spec.reason,
      message: spec.message,
      source: source.host
        ? { component: source.component, host: source.host }
        : { component: source.component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type: spec.type,
      eventTime: null,
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
    };
    this.objects.create(this.rt, namespace, event, {});
    this.byKey.set(key, name);
    this.keyByName.set(`${namespace}/${name}`, key);
  }

  /** Deletes events whose last occurrence is older than the TTL. */
  sweep(): void {
    const cutoff = this.objects.now().getTime() - this.ttlMs;
    for (const e of [...this.objects.store.list(EVENTS)]) {
      const o = e.object;
      const last = text(o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp);
      const at = Date.parse(last);
      if (Number.isFinite(at) && at < cutoff)
        this.objects.purge(this.rt, o.metadata.namespace ?? '', o.metadata.name!);
    }
  }

  stop(): void {
    clearInterval(this.sweeper);
    this.unsubscribe();
  }
}
