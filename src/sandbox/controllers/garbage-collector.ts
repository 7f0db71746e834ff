// The garbage collector: dependents whose owners (ownerReferences[].uid) are gone are deleted
// (Background); owners deleted with Foreground wait for their dependents; owners deleted with Orphan
// first strip themselves from their dependents' ownerReferences.
import type { ObjectService } from '../api/objects.js';
import { isStatusError } from '../base/status.js';
import type { K8sObject, ResourceType } from '../base/types.js';
import type { StoreEvent } from '../store/store.js';
import { Controller } from '../base/queue.js';

interface Ref {
  storageKey: string;
  namespace: string;
  name: string;
}

const refKey = (r: Ref) => `${r.storageKey}|${r.namespace}|${r.name}`;
function parseRef(key: string): Ref {
  const [storageKey, namespace, name] = key.split('|');
  return { storageKey, namespace, name };
}

export class GarbageCollector extends Controller {
  /** uid → where the object lives. */
  private byUid = new Map<string, Ref>();
  /** owner uid → dependents. */
  private dependents = new Map<string, Set<string>>();

  constructor(
    private readonly objects: ObjectService,
    onError: (err: unknown) => void,
  ) {
    super(onError);
    for (const [storageKey, obj] of objects.store.allObjects())
      this.index({ type: 'ADDED', storageKey, rv: 0, object: obj });
    // Dependents whose owners vanished while the server was down.
    for (const [storageKey, obj] of objects.store.allObjects()) {
      if (obj.metadata.ownerReferences?.length)
        this.queue.add(
          refKey({ storageKey, namespace: obj.metadata.namespace ?? '', name: obj.metadata.name! }),
        );
    }
    this.subscribe(objects.store.onEvent((e) => this.onEvent(e)));
  }

  private index(e: StoreEvent): void {
    const o = e.object;
    const ref: Ref = {
      storageKey: e.storageKey,
      namespace: o.metadata.namespace ?? '',
      name: o.metadata.name!,
    };
    const key = refKey(ref);
    for (const r of e.previous?.metadata.ownerReferences ?? []) this.dependents.get(r.uid)?.delete(key);
    if (e.type === 'DELETED') {
      if (o.metadata.uid) this.byUid.delete(o.metadata.uid);
      return;
    }
    if (o.metadata.uid) this.byUid.set(o.metadata.uid, ref);
    for (const r of o.metadata.ownerReferences ?? []) {
      let set = this.dependents.get(r.uid);
      if (!set) {
        set = new Set();
        this.dependents.set(r.uid, set);
      }
      set.add(key);
    }
  }

  private onEvent(e: StoreEvent): void {
    this.index(e);
    const o = e.object;
    const uid = o.metadata.uid;
    const key = refKey({
      storageKey: e.storageKey,
      namespace: o.metadata.namespace ?? '',
      name: o.metadata.name!,
    });
    if (e.type === 'DELETED' && uid) {
      for (const dep of this.dependents.get(uid) ?? []) this.queue.add(dep);
      this.dependents.delete(uid);
      // An owner waiting (foreground) for its dependents hears that one is gone.
      for (const r of o.metadata.ownerReferences ?? []) {
        const owner = this.byUid.get(r.uid);
        if (owner) this.queue.add(refKey(owner));
      }
      return;
    }
    // New or changed dependents are checked (their owner may be missing), owners being deleted with
    // a GC finalizer are worked on, and an owner's owners hear about a dependent going away.
    if (o.metadata.ownerReferences?.length) this.queue.add(key);
    const f = o.metadata.finalizers ?? [];
    if (o.metadata.deletionTimestamp && (f.includes('foregroundDeletion') || f.includes('orphan')))
      this.queue.add(key);
    if (e.type === 'DELETED' || o.metadata.deletionTimestamp) {
      for (const r of o.metadata.ownerReferences ?? []) {
        const owner = this.byUid.get(r.uid);
        if (owner) this.queue.add(refKey(owner));
      }
    }
  }

  private typeOf(storageKey: string): ResourceType | undefined {
    return this.objects.registry.byStorageKey(storageKey);
  }

  protected sync(key: string): void {
    const ref = parseRef(key);
    const rt = this.typeOf(ref.storageKey);
    if (!rt) return;
    const obj = this.objects.find(rt, ref.namespace, ref.name);
    if (!obj) return;
    const finalizers = obj.metadata.finalizers ?? [];
    if (obj.metadata.deletionTimestamp && finalizers.includes('orphan')) this.orphanDependents(rt, obj);
    if (obj.metadata.deletionTimestamp && finalizers.includes('foregroundDeletion'))
      this.deleteForeground(rt, obj);
    this.checkOwners(rt, obj);
  }

  private depsOf(uid: string): Array<{ rt: ResourceType; obj: K8sObject }> {
    const out: Array<{ rt: ResourceType; obj: K8sObject }> = [];
    for (const key of this.dependents.get(uid) ?? []) {
      const ref = parseRef(key);
      const rt = this.typeOf(ref.storageKey);
      const obj = rt && this.objects.find(rt, ref.namespace, ref.name);
      if (rt && obj) out.push({ rt, obj });
    }
    return out;
  }

  private removeFinalizer(rt: ResourceType, obj: K8sObject, finalizer: string): void {
    this.objects.mutate(
      rt,
      obj.metadata.namespace ?? '',
      obj.metadata.name!,
      (o) => {
        if (!o.metadata.finalizers?.includes(finalizer)) return undefined;
        o.metadata.finalizers = o.metadata.finalizers.filter((f) => f !== finalizer);
        return o;
      },
      'generic-garbage-collector',
    );
  }

  private orphanDependents(rt: ResourceType, owner: K8sObject): void {
    const uid = owner.metadata.uid!;
    for (const { rt: drt, obj } of this.depsOf(uid)) {
      this.objects.mutate(
        drt,
        obj.metadata.namespace ?? '',
        obj.metadata.name!,
        (o) => {
          const refs = (o.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
          if (refs.length === (o.metadata.ownerReferences ?? []).length) return undefined;
          if (refs.length) o.metadata.ownerReferences = refs;
          else delete o.metadata.ownerReferences;
          return o;
        },
        'generic-garbage-collector',
      );
    }
    this.removeFinalizer(rt, owner, 'orphan');
  }

  private deleteForeground(rt: ResourceType, owner: K8sObject): void {
    const deps = this.depsOf(owner.metadata.uid!);
    for (const { rt: drt, obj } of deps) {
      if (obj.metadata.deletionTimestamp) continue;
      this.deleteQuietly(drt, obj, 'Foreground');
    }
    const blocking = deps.filter(({ obj }) =>
      obj.metadata.ownerReferences?.some((r) => r.uid === owner.metadata.uid && r.blockOwnerDeletion),
    );
    if (blocking.length === 0) this.removeFinalizer(rt, owner, 'foregroundDeletion');
  }

  /** Deletes a dependent whose owners are all gone; drops references to owners that are gone. */
  private checkOwners(rt: ResourceType, obj: K8sObject): void {
    const refs = obj.metadata.ownerReferences ?? [];
    if (refs.length === 0 || obj.metadata.deletionTimestamp) return;
    const live = refs.filter((r) => this.byUid.has(r.uid));
    if (live.length === refs.length) {
      // An owner being deleted in the foreground takes its dependents with it.
      for (const r of refs) {
        const owner = this.byUid.get(r.uid)!;
        const ort = this.typeOf(owner.storageKey);
        const o = ort && this.objects.find(ort, owner.namespace, owner.name);
        if (o?.metadata.deletionTimestamp && o.metadata.finalizers?.includes('foregroundDeletion'))
          this.queue.add(refKey(owner));
      }
      return;
    }
    if (live.length === 0) {
      this.deleteQuietly(rt, obj, 'Background');
      return;
    }
    this.objects.mutate(
      rt,
      obj.metadata.namespace ?? '',
      obj.metadata.name!,
      (o) => {
        o.metadata.ownerReferences = (o.metadata.ownerReferences ?? []).filter((r) => this.byUid.has(r.uid));
        return o;
      },
      'generic-garbage-collector',
    );
  }

  private deleteQuietly(rt: ResourceType, obj: K8sObject, policy: 'Background' | 'Foreground'): void {
    try {
      this.objects.delete(rt, obj.metadata.namespace ?? '', obj.metadata.name!, {
        propagationPolicy: policy,
        preconditions: { uid: obj.metadata.uid },
      });
    } catch (err) {
      if (isStatusError(err) && (err.code === 404 || err.code === 409)) return;
      throw err;
    }
  }
}
