// Namespace lifecycle: a new namespace gets its default ServiceAccount and kube-root-ca.crt at once; a
// namespace being deleted (Terminating) has its content deleted, then its `kubernetes` finalizer
// removed, then goes away itself.
import type { ObjectService } from '../api/objects.js';
import { isStatusError } from '../base/status.js';
import { namespaceContents } from '../auth/bootstrap.js';
import { getPath, timestamp } from '../base/paths.js';
import { isObject } from '../../kube/json.js';
import type { K8sObject, ResourceType } from '../base/types.js';
import type { StoreEvent } from '../store/store.js';
import { Controller } from '../base/queue.js';

const NAMESPACES = '/namespaces';

export class NamespaceController extends Controller {
  constructor(
    private readonly objects: ObjectService,
    private readonly caPem: string,
    onError: (err: unknown) => void,
  ) {
    super(onError);
    objects.addHooks({ afterWrite: (rt, e) => this.afterWrite(rt, e) });
    this.subscribe(
      objects.store.onEvent((e) => {
        const ns = e.object.metadata.namespace;
        if (ns && e.type === 'DELETED') {
          const nsObj = objects.store.get(NAMESPACES, '', ns);
          if (nsObj?.metadata.deletionTimestamp) this.queue.add(ns);
        }
      }),
    );
    for (const e of objects.store.list(NAMESPACES))
      if (e.object.metadata.deletionTimestamp) this.queue.add(e.object.metadata.name!);
  }

  private get nsType(): ResourceType {
    return this.objects.registry.get('', 'v1', 'namespaces')!;
  }

  /** Synchronous, so a pod created right after its namespace finds the default ServiceAccount. */
  private afterWrite(rt: ResourceType, e: StoreEvent): void {
    if (rt.storageKey !== NAMESPACES) return;
    const name = e.object.metadata.name!;
    if (e.type === 'ADDED') this.populate(name);
    if (e.type !== 'DELETED' && e.object.metadata.deletionTimestamp) this.queue.add(name);
  }

  populate(namespace: string): void {
    for (const [storageKey, obj] of namespaceContents(namespace, this.caPem)) {
      const rt = this.objects.registry.byStorageKey(storageKey)!;
      if (this.objects.find(rt, namespace, obj.metadata.name!)) continue;
      this.objects.create(rt, namespace, obj, { fieldManager: 'kube-controller-manager' });
    }
  }

  protected sync(namespace: string): void {
    const ns = this.objects.find(this.nsType, '', namespace);
    if (!ns?.metadata.deletionTimestamp) return;
    let remaining = 0;
    let withFinalizers = 0;
    for (const rt of this.namespacedTypes()) {
      for (const e of [...this.objects.store.list(rt.storageKey, namespace)]) {
        remaining++;
        const o = e.object;
        if (o.metadata.finalizers?.length) withFinalizers++;
        if (o.metadata.deletionTimestamp) continue;
        try {
          this.objects.delete(rt, namespace, o.metadata.name!, { propagationPolicy: 'Background' });
        } catch (err) {
          if (!(isStatusError(err) && err.code === 404)) throw err;
        }
      }
    }
    const left = this.countContent(namespace);
    if (left === 0) {
      this.finalize(ns);
      return;
    }
    this.setConditions(ns, remaining, withFinalizers);
    // Objects with finalizers or grace periods go later; their DELETED events requeue us, and a
    // periodic look covers anything else.
    this.queue.addAfter(namespace, 1000);
  }

  private namespacedTypes(): ResourceType[] {
    const seen = new Set<string>();
    return this.objects.registry.all().filter((rt) => {
      if (!rt.namespaced || rt.virtual || seen.has(rt.storageKey)) return false;
      seen.add(rt.storageKey);
      return true;
    });
  }

  private countContent(namespace: string): number {
    let n = 0;
    for (const rt of this.namespacedTypes()) n += this.objects.store.count(rt.storageKey, namespace);
    return n;
  }

  private setConditions(ns: K8sObject, remaining: number, withFinalizers: number): void {
    const now = timestamp(this.objects.now());
    const conditions = [
      {
        type: 'NamespaceDeletionDiscoveryFailure',
        status: 'False',
        lastTransitionTime: now,
        reason: 'ResourcesDiscovered',
        message: 'All resources successfully discovered',
      },
      {
        type: 'NamespaceDeletionGroupVersionParsingFailure',
        status: 'False',
        lastTransitionTime: now,
        reason: 'ParsedGroupVersions',
        message: 'All legacy kube types successfully parsed',
      },
      {
        type: 'NamespaceDeletionContentFailure',
        status: 'False',
        lastTransitionTime: now,
        reason: 'ContentDeleted',
        message: 'All content successfully deleted, may be waiting on finalization',
      },
      {
        type: 'NamespaceContentRemaining',
        status: remaining > 0 ? 'True' : 'False',
        lastTransitionTime: now,
        reason: remaining > 0 ? 'SomeResourcesRemain' : 'ContentDeleted',
        message:
          remaining > 0
            ? `Some resources are remaining: ${remaining} objects remain`
            : 'All content successfully removed',
      },
      {
        type: 'NamespaceFinalizersRemaining',
        status: withFinalizers > 0 ? 'True' : 'False',
        lastTransitionTime: now,
        reason: withFinalizers > 0 ? 'SomeFinalizersRemain' : 'ContentHasNoFinalizers',
        message:
          withFinalizers > 0
            ? `Some content in the namespace has finalizers remaining: ${withFinalizers} objects`
            : 'All content-preserving finalizers finished',
      },
    ];
    const current = getPath(ns, 'status.conditions');
    const same =
      Array.isArray(current) &&
      current.length === conditions.length &&
      current.every(
        (c, i) => isObject(c) && c.status === conditions[i].status && c.message === conditions[i].message,
      );
    if (same) return;
    this.objects.mutate(
      this.nsType,
      '',
      ns.metadata.name!,
      (o) => ({
        ...o,
        status: { ...(isObject(o.status) ? o.status : {}), phase: 'Terminating', conditions },
      }),
      'namespace-controller',
      'status',
    );
  }

  private finalize(ns: K8sObject): void {
    const name = ns.metadata.name!;
    const updated = this.objects.mutate(
      this.nsType,
      '',
      name,
      (o) => {
        const spec = isObject(o.spec) ? o.spec : {};
        return {
          ...o,
          spec: {
            ...spec,
            finalizers: ((spec.finalizers as string[] | undefined) ?? []).filter((f) => f !== 'kubernetes'),
          },
        };
      },
      'namespace-controller',
    );
    if (
      updated &&
      !(updated.metadata.finalizers ?? []).length &&
      !((getPath(updated, 'spec.finalizers') as string[] | undefined) ?? []).length
    ) {
      this.objects.purge(this.nsType, '', name);
    }
  }
}
