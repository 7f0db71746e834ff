// The kubelet's part of pod deletion: a pod bound to a node and deleted with a grace period is marked
// (Terminating) by the apiserver, then removed once its containers have stopped. Simulated containers
// stop after a short delay (scaled by the time scale), never longer than the grace period.
import type { ObjectService } from '../api/objects.js';
import type { ResourceType } from '../resources/types.js';
import { Controller } from './queue.js';

const PODS = '/pods';

export class PodTermination extends Controller {
  constructor(
    private readonly objects: ObjectService,
    /** Milliseconds a simulated container takes to stop. */
    private readonly stopDelayMs: number,
    onError: (err: unknown) => void,
  ) {
    super(onError);
    this.subscribe(
      objects.store.onEvent((e) => {
        if (e.storageKey !== PODS || e.type === 'DELETED') return;
        const m = e.object.metadata;
        if (!m.deletionTimestamp || (m.deletionGracePeriodSeconds ?? 0) <= 0) return;
        if (e.previous?.metadata.deletionTimestamp === m.deletionTimestamp) return;
        const delay = Math.min(this.stopDelayMs, (m.deletionGracePeriodSeconds ?? 0) * 1000);
        this.queue.addAfter(`${m.namespace}/${m.name}`, delay);
      }),
    );
    for (const e of objects.store.list(PODS)) {
      const m = e.object.metadata;
      if (m.deletionTimestamp && (m.deletionGracePeriodSeconds ?? 0) > 0)
        this.queue.addAfter(`${m.namespace}/${m.name}`, this.stopDelayMs);
    }
  }

  private get pods(): ResourceType {
    return this.objects.registry.get('', 'v1', 'pods')!;
  }

  protected sync(key: string): void {
    const [namespace, name] = key.split('/');
    const pod = this.objects.find(this.pods, namespace, name);
    if (!pod?.metadata.deletionTimestamp) return;
    // The kubelet deletes with grace 0; finalizers (if any) still hold the object.
    if (pod.metadata.finalizers?.length) {
      this.objects.mutate(
        this.pods,
        namespace,
        name,
        (o) => ({ ...o, metadata: { ...o.metadata, deletionGracePeriodSeconds: 0 } }),
        'kubelet',
      );
      return;
    }
    this.objects.purge(this.pods, namespace, name);
  }
}
