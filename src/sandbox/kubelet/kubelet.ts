// The simulated kubelets of every node: the pod stage engine, the process runtime's exits and readiness
// written back as container statuses, and the clean-up of processes whose pods are gone.
import type { ObjectService } from '../api/objects.js';
import { isStatusError } from '../base/status.js';
import type { EventRecorder } from '../cluster/events.js';
import type { Nodes } from '../cluster/nodes.js';
import type { K8sObject } from '../base/types.js';
import type { Timing } from '../base/behaviour.js';
import {
  POD_STAGES,
  processExited,
  processReady,
  type ContainerRuntime,
  type KubeletContext,
} from './pod-stages.js';
import { StageEngine } from './stages.js';

const PODS = '/pods';

export interface KubeletOptions {
  objects: ObjectService;
  events: EventRecorder;
  nodes: Nodes;
  timing: Timing;
  runtime?: ContainerRuntime;
  onError: (err: unknown) => void;
}

export class Kubelet {
  private readonly engine: StageEngine<KubeletContext>;
  private readonly ctx: KubeletContext;
  private readonly unsubscribe: () => void;

  constructor(private readonly o: KubeletOptions) {
    const objects = o.objects;
    const pods = objects.registry.get('', 'v1', 'pods')!;
    this.ctx = {
      objects,
      pods,
      timing: o.timing,
      events: o.events,
      nodes: o.nodes,
      runtime: o.runtime,
      started: new Map(),
      pullAttempts: new Map(),
      finishDeletion: (pod) => this.finishDeletion(pod),
    };
    this.unsubscribe = objects.store.onEvent((e) => {
      if (e.storageKey !== PODS || e.type !== 'DELETED') return;
      const uid = e.object.metadata.uid!;
      this.ctx.pullAttempts.delete(uid);
      for (const key of this.ctx.started.keys()) if (key.startsWith(`${uid}/`)) this.ctx.started.delete(key);
      // Removed at once (force deletion, a namespace going): its processes go too.
      o.runtime?.forget(uid);
    });
    this.engine = new StageEngine(objects, PODS, POD_STAGES, this.ctx, o.onError);
    o.nodes.onChange(() => this.engine.resync());
  }

  private current(pod: { namespace: string; name: string; uid: string }): K8sObject | undefined {
    const live = this.o.objects.find(this.ctx.pods, pod.namespace, pod.name);
    return live?.metadata.uid === pod.uid ? live : undefined;
  }

  /** The process runtime reports a container's process exiting. */
  containerExited(
    pod: { namespace: string; name: string; uid: string },
    container: string,
    exit: { code: number; signal?: number },
  ): void {
    const live = this.current(pod);
    if (!live || live.metadata.deletionTimestamp) return;
    this.guard(() => processExited(live, this.ctx, container, exit));
  }

  /** The process runtime reports a container ready (its port answers). */
  containerReady(pod: { namespace: string; name: string; uid: string }, container: string): void {
    const live = this.current(pod);
    if (!live || live.metadata.deletionTimestamp) return;
    this.guard(() => processReady(live, this.ctx, container));
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      if (!isStatusError(err)) this.o.onError(err);
    }
  }

  private finishDeletion(pod: K8sObject): void {
    const live = this.current({
      namespace: pod.metadata.namespace ?? '',
      name: pod.metadata.name!,
      uid: pod.metadata.uid!,
    });
    if (!live) return;
    this.guard(() => {
      if (live.metadata.finalizers?.length) {
        // The kubelet deletes with grace 0; finalizers still hold the object.
        this.o.objects.mutate(
          this.ctx.pods,
          live.metadata.namespace ?? '',
          live.metadata.name!,
          (o) => ({ ...o, metadata: { ...o.metadata, deletionGracePeriodSeconds: 0 } }),
          'kubelet',
        );
        return;
      }
      this.o.objects.purge(this.ctx.pods, live.metadata.namespace ?? '', live.metadata.name!);
    });
  }

  /** Looks at every pod again (the API server listens now, so lost processes can start again). */
  resync(): void {
    this.engine.resync();
  }

  stop(): void {
    this.engine.stop();
    this.unsubscribe();
  }
}
