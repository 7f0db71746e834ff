// Waiting with watches, not polling: one list-and-watch per kind and namespace, every target judged again
// on each change, until all are done, one fails, or the timeout passes (exit 5, naming what was not done).
import { setMaxListeners } from 'node:events';
import { OperationError, TimeoutError } from '../../core/errors.js';
import type { ClusterClient, LiveObject } from '../client.js';
import type { ApiResource } from '../discovery/resources.js';
import { asError } from '../util/abort.js';
import { Reflector } from '../watch/reflector.js';
import { readiness, type Readiness } from './readiness.js';
import { setting } from '../../core/settings.js';

export interface WaitTarget {
  resource: ApiResource;
  namespace?: string;
  name: string;
  /** "deployment.apps/web -n shop" */
  what: string;
}

export interface WaitStatus extends Readiness {
  target: WaitTarget;
}

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Narrows each watch (all targets carry it); else each kind and namespace is watched whole. */
  labelSelector?: string;
  /** Called whenever a target's state changes. */
  onProgress?: (statuses: readonly WaitStatus[]) => void;
}

type Judge = (target: WaitTarget, live: LiveObject | undefined) => Readiness;

const untilReady: Judge = (_target, live) =>
  live ? readiness(live) : { state: 'waiting', message: 'not found yet' };

const untilGone: Judge = (_target, live) => {
  if (!live) return { state: 'ready', message: 'deleted' };
  const finalizers = live.metadata.finalizers ?? [];
  return {
    state: 'waiting',
    message: finalizers.length > 0 ? `waiting for finalizers: ${finalizers.join(', ')}` : 'being deleted',
  };
};

/** Resolves when every target is ready (kubectl's semantics); a failed one ends the wait with exit 1. */
export function waitForReady(
  client: ClusterClient,
  targets: readonly WaitTarget[],
  options: WaitOptions,
): Promise<WaitStatus[]> {
  return waitFor(client, targets, options, untilReady, 'ready');
}

/** Resolves when every target is gone (finalizers done). */
export function waitForDeletion(
  client: ClusterClient,
  targets: readonly WaitTarget[],
  options: WaitOptions,
): Promise<WaitStatus[]> {
  return waitFor(client, targets, options, untilGone, 'deleted');
}

async function waitFor(
  client: ClusterClient,
  targets: readonly WaitTarget[],
  options: WaitOptions,
  judge: Judge,
  goal: string,
): Promise<WaitStatus[]> {
  if (targets.length === 0) return [];
  const groups = new Map<string, { resource: ApiResource; namespace?: string; targets: WaitTarget[] }>();
  for (const t of targets) {
    const key = `${t.resource.group}|${t.resource.plural}|${t.namespace ?? ''}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { resource: t.resource, namespace: t.namespace, targets: [] }));
    g.targets.push(t);
  }
  const statuses = new Map<WaitTarget, WaitStatus>(
    targets.map((t) => [t, { target: t, state: 'waiting', message: 'not checked yet' }]),
  );
  const controller = new AbortController();
  // One watch per kind and namespace listens to it: many listeners are intended.
  setMaxListeners(0, controller.signal);
  const onAbort = () => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  return new Promise<WaitStatus[]>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      controller.abort();
      options.signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const all = () => targets.map((t) => statuses.get(t)!);
    const timer = setTimeout(() => {
      const pending = all().filter((s) => s.state !== 'ready');
      finish(() =>
        reject(
          new TimeoutError(
            `timed out after ${formatDuration(options.timeoutMs)}: ${pending.length} of ${targets.length} not ${goal}`,
            {
              details: pending.map((s) => `${s.target.what}: ${s.message}`),
              hint: `allow longer with ${setting('timeout')}, or look at the objects (kubectl describe) to see why`,
            },
          ),
        ),
      );
    }, options.timeoutMs);
    controller.signal.addEventListener('abort', () => {
      if (options.signal?.aborted) finish(() => reject(asError(options.signal!.reason)));
    });

    const evaluate = (group: { targets: WaitTarget[] }, store: Map<string, LiveObject>) => {
      let changed = false;
      for (const t of group.targets) {
        const next = judge(t, store.get(`${t.namespace ?? ''}/${t.name}`));
        const prev = statuses.get(t)!;
        if (prev.state !== next.state || prev.message !== next.message) {
          statuses.set(t, { target: t, ...next });
          changed = true;
        }
      }
      if (!changed) return;
      const current = all();
      options.onProgress?.(current);
      const failed = current.filter((s) => s.state === 'failed');
      if (failed.length > 0) {
        finish(() =>
          reject(
            new OperationError(`${failed.length} of ${targets.length} failed instead of becoming ${goal}`, {
              details: failed.map((s) => `${s.target.what}: ${s.message}`),
              hint: 'look at the objects (kubectl describe) and their events to see why',
            }),
          ),
        );
      } else if (current.every((s) => s.state === 'ready')) {
        finish(() => resolve(current));
      }
    };

    for (const group of groups.values()) {
      const single = group.targets.length === 1 ? `metadata.name=${group.targets[0].name}` : undefined;
      const reflector = new Reflector(client, {
        resource: group.resource,
        namespace: group.namespace,
        labelSelector: single ? undefined : options.labelSelector,
        fieldSelector: single,
        onChange: (r) => evaluate(group, r.store),
      });
      reflector.run(controller.signal).catch((err: unknown) => finish(() => reject(asError(err))));
    }
  });
}

export function formatDuration(ms: number): string {
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000}m`;
  return `${Math.round(ms / 100) / 10}s`;
}
