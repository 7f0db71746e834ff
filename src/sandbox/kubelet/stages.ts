// A generic stage engine, after KWOK's Stage API: an ordered list of stages, each a predicate on the
// object, a delay and an action (a status write, a deletion, events). An object is in the first stage it
// matches; once it has been there for the stage's delay, the action runs, and the write that follows
// moves it to its next stage. The state machine lives in the objects themselves, so it survives
// anything but the timers, which restart from the moment the engine (re)sees an object.
import type { ObjectService } from '../api/objects.js';
import type { K8sObject } from '../base/types.js';
import type { StoreEvent } from '../store/store.js';
import { Controller, keyOf, splitKey } from '../base/queue.js';

export interface Stage<C> {
  name: string;
  matches(obj: K8sObject, ctx: C): boolean;
  /** When to act (ms since the epoch), given when the object entered the stage. */
  due(obj: K8sObject, ctx: C, since: number): number;
  /** Runs once when the object enters the stage (events such as Killing), before the delay. */
  enter?(obj: K8sObject, ctx: C): void;
  /** Moves the object on. */
  act(obj: K8sObject, ctx: C): void;
}

interface InStage {
  stage: string;
  since: number;
  entered: boolean;
}

export class StageEngine<C> extends Controller {
  private current = new Map<string, InStage>();

  constructor(
    private readonly objects: ObjectService,
    private readonly storageKey: string,
    private readonly stages: Stage<C>[],
    private readonly ctx: C,
    onError: (err: unknown) => void,
  ) {
    super(onError);
    this.subscribe(objects.store.onEvent((e) => this.onEvent(e)));
    for (const e of objects.store.list(storageKey)) this.evaluate(e.object);
  }

  private onEvent(e: StoreEvent): void {
    if (e.storageKey !== this.storageKey) return;
    if (e.type === 'DELETED') {
      this.current.delete(keyOf(e.object));
      return;
    }
    this.evaluate(e.object);
  }

  /** Re-examines every object (the world around them changed: a node appeared). */
  resync(): void {
    for (const e of this.objects.store.list(this.storageKey)) this.evaluate(e.object);
  }

  private stageOf(obj: K8sObject): Stage<C> | undefined {
    return this.stages.find((s) => s.matches(obj, this.ctx));
  }

  private evaluate(obj: K8sObject): void {
    const key = keyOf(obj);
    const stage = this.stageOf(obj);
    if (!stage) {
      this.current.delete(key);
      return;
    }
    const was = this.current.get(key);
    if (was?.stage === stage.name) return;
    this.current.set(key, { stage: stage.name, since: Date.now(), entered: false });
    // Acted on off the store's event dispatch: a write inside it would reach other listeners out of order.
    this.queue.add(key);
  }

  protected sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const entry = this.objects.store.entry(this.storageKey, namespace, name);
    const obj = entry?.object;
    const at = this.current.get(key);
    if (!obj || !at) return;
    const stage = this.stageOf(obj);
    if (!stage || stage.name !== at.stage) {
      this.current.delete(key);
      if (stage) this.evaluate(obj);
      return;
    }
    if (!at.entered) {
      at.entered = true;
      stage.enter?.(obj, this.ctx);
    }
    const remaining = stage.due(obj, this.ctx, at.since) - Date.now();
    if (remaining > 0) {
      this.queue.addAfter(key, remaining);
      return;
    }
    // Forget the stage first: the action's write re-evaluates the object synchronously.
    this.current.delete(key);
    try {
      stage.act(obj, this.ctx);
    } catch (err) {
      // Retried by the queue with back-off, from the same stage.
      this.current.set(key, { ...at, since: 0 });
      throw err;
    }
    const after = this.objects.store.get(this.storageKey, namespace, name);
    // An action that changed nothing (or works in the background) leaves the object where it is,
    // without a busy loop: the next change to the object re-evaluates it.
    if (after && after.metadata.resourceVersion === obj.metadata.resourceVersion && !this.current.has(key))
      this.current.set(key, { stage: stage.name, since: Date.now(), entered: true });
  }
}
