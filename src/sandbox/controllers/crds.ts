// The apiextensions controllers: a valid CRD is accepted and established as it is created (so its kinds
// are in discovery at once), changes to it re-register its types, and deleting it deletes its custom
// resources before the CRD itself goes (the customresourcecleanup finalizer).
import type { ObjectService } from '../api/objects.js';
import { Errors, isStatusError } from '../base/status.js';
import { defaultCrd, establishedStatus, isEstablished, typesOf, validateCrd } from '../crd/crd.js';
import type { K8sObject, ResourceType } from '../base/types.js';
import { Controller } from '../base/queue.js';

const CRDS = 'apiextensions.k8s.io/customresourcedefinitions';
const CLEANUP = 'customresourcecleanup.apiextensions.k8s.io';

export class CrdController extends Controller {
  constructor(
    private readonly objects: ObjectService,
    onError: (err: unknown) => void,
  ) {
    super(onError);
    objects.addHooks({
      beforeCreate: (rt, obj) => {
        if (rt.storageKey !== CRDS) return;
        this.check(rt, obj);
        obj.metadata.finalizers = [...new Set([...(obj.metadata.finalizers ?? []), CLEANUP])];
        obj.status = establishedStatus(obj, objects.now());
      },
      beforeUpdate: (rt, obj, old) => {
        if (rt.storageKey !== CRDS) return;
        this.check(rt, obj);
        const oldGroup = (old.spec as Record<string, unknown>).group;
        if ((obj.spec as Record<string, unknown>).group !== oldGroup)
          throw Errors.invalid({ group: rt.group, kind: rt.kind }, obj.metadata.name ?? '', [
            {
              type: 'FieldValueInvalid',
              field: 'spec.group',
              value: (obj.spec as Record<string, unknown>).group,
              detail: 'field is immutable',
            },
          ]);
      },
    });
    for (const e of objects.store.list(CRDS)) this.register(e.object);
    this.subscribe(
      objects.store.onEvent((e) => {
        if (e.storageKey !== CRDS) return;
        if (e.type === 'DELETED') {
          this.unregister(e.object);
          return;
        }
        this.register(e.object);
        if (e.object.metadata.deletionTimestamp) this.queue.add(e.object.metadata.name!);
      }),
    );
  }

  private check(rt: ResourceType, obj: K8sObject): void {
    const errors = validateCrd(obj);
    if (errors.length > 0)
      throw Errors.invalid({ group: rt.group, kind: rt.kind }, obj.metadata.name ?? '', errors);
    defaultCrd(obj);
  }

  private register(crd: K8sObject): void {
    if (!isEstablished(crd)) return;
    this.objects.registry.setCustom(crd.metadata.name!, typesOf(crd));
  }

  private unregister(crd: K8sObject): void {
    const types = this.objects.registry.customTypes(crd.metadata.name!);
    this.objects.registry.removeCustom(crd.metadata.name!);
    // The resource is gone: its objects are dropped and its watches end.
    for (const key of new Set(types.map((t) => t.storageKey)))
      for (const w of this.objects.store.drop(key)) w.close?.();
  }

  private get crdType(): ResourceType {
    return this.objects.registry.get('apiextensions.k8s.io', 'v1', 'customresourcedefinitions')!;
  }

  /** Deletes every custom resource of a CRD being deleted, then lets the CRD go. */
  protected sync(name: string): void {
    const crd = this.objects.find(this.crdType, '', name);
    if (!crd?.metadata.deletionTimestamp || !crd.metadata.finalizers?.includes(CLEANUP)) return;
    const types = this.objects.registry.customTypes(name);
    const rt = types[0];
    let remaining = 0;
    if (rt) {
      for (const e of [...this.objects.store.list(rt.storageKey)]) {
        remaining++;
        const o = e.object;
        if (o.metadata.deletionTimestamp) continue;
        try {
          this.objects.delete(rt, o.metadata.namespace ?? '', o.metadata.name!, {
            propagationPolicy: 'Background',
          });
        } catch (err) {
          if (!(isStatusError(err) && err.code === 404)) throw err;
        }
      }
      remaining = this.objects.store.count(rt.storageKey);
    }
    if (remaining > 0) {
      this.queue.addAfter(name, 200);
      return;
    }
    this.objects.mutate(
      this.crdType,
      '',
      name,
      (o) => {
        o.metadata.finalizers = (o.metadata.finalizers ?? []).filter((f) => f !== CLEANUP);
        return o;
      },
      'apiextensions-apiserver',
    );
  }
}
