// Which objects a controller owns: an index from a controller's uid to the objects whose controller
// ownerReference points at it (pods of a ReplicaSet, ReplicaSets of a Deployment ...), kept current from
// the store's events so a controller lists its dependents without scanning.
import type { K8sObject, OwnerReference } from '../base/types.js';
import type { Store, StoreEvent } from '../store/store.js';

export function controllerOf(obj: K8sObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

export function ownerReference(owner: K8sObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion!,
    kind: owner.kind!,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export class OwnerIndex {
  private byOwner = new Map<string, Map<string, Set<string>>>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: Store,
    storageKeys: string[],
  ) {
    for (const key of storageKeys) {
      this.byOwner.set(key, new Map());
      for (const e of store.list(key)) this.add(key, e.object);
    }
    this.unsubscribe = store.onEvent((e) => this.onEvent(e));
  }

  private onEvent(e: StoreEvent): void {
    if (!this.byOwner.has(e.storageKey)) return;
    if (e.previous) this.remove(e.storageKey, e.previous);
    if (e.type !== 'DELETED') this.add(e.storageKey, e.object);
  }

  private add(storageKey: string, obj: K8sObject): void {
    const ref = controllerOf(obj);
    if (!ref) return;
    const index = this.byOwner.get(storageKey)!;
    let set = index.get(ref.uid);
    if (!set) {
      set = new Set();
      index.set(ref.uid, set);
    }
    set.add(`${obj.metadata.namespace ?? ''}/${obj.metadata.name}`);
  }

  private remove(storageKey: string, obj: K8sObject): void {
    const ref = controllerOf(obj);
    if (!ref) return;
    const index = this.byOwner.get(storageKey)!;
    const set = index.get(ref.uid);
    set?.delete(`${obj.metadata.namespace ?? ''}/${obj.metadata.name}`);
    if (set?.size === 0) index.delete(ref.uid);
  }

  /** The live objects of a resource whose controller is `ownerUid`. */
  owned(storageKey: string, ownerUid: string): K8sObject[] {
    const out: K8sObject[] = [];
    for (const key of this.byOwner.get(storageKey)?.get(ownerUid) ?? []) {
      const i = key.indexOf('/');
      const obj = this.store.get(storageKey, key.slice(0, i), key.slice(i + 1));
      if (obj && controllerOf(obj)?.uid === ownerUid) out.push(obj);
    }
    return out;
  }

  stop(): void {
    this.unsubscribe();
  }
}

/** Queue keys (`namespace/name`) of the `kind` controllers of an event's object, before and after. */
export function controllerKeys(e: { object: K8sObject; previous?: K8sObject }, kind: string): string[] {
  const out: string[] = [];
  for (const obj of [e.object, e.previous]) {
    const ref = obj && controllerOf(obj);
    if (ref?.kind === kind) out.push(`${obj!.metadata.namespace ?? ''}/${ref.name}`);
  }
  return out;
}
