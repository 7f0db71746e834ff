// Objects controllers create go through admission as in a real cluster, where kube-controller-manager
// is just another API client: a sidecar injector sees the pods a ReplicaSet stamps out. With webhooks
// configured a create is asynchronous, so the controller counts creations in flight (upstream's
// "expectations") and syncs again when they end; without any, it stays synchronous.
import type { ObjectService, WriteOptions } from '../api/objects.js';
import { Errors, isStatusError } from '../base/status.js';
import type { UserInfo } from '../auth/authn.js';
import type { K8sObject, ResourceType } from '../base/types.js';
import { admissionOf } from './admitted-writes.js';

/** The identity kube-controller-manager's controllers use (their service accounts in kube-system). */
export function controllerUser(controller: string): UserInfo {
  return {
    name: `system:serviceaccount:kube-system:${controller}`,
    groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
  };
}

export interface CreateOutcome {
  created?: K8sObject;
  error?: Error;
}

export class ControllerCreates {
  private inflight = new Map<string, number>();
  /** The last asynchronous failure per owner ("Error creating: ..."), until a create succeeds. */
  private failures = new Map<string, string>();

  constructor(
    private readonly objects: ObjectService,
    private readonly controller: string,
  ) {}

  /** Creations under way for an owner key. */
  pending(key: string): number {
    return this.inflight.get(key) ?? 0;
  }

  failure(key: string): string | undefined {
    return this.failures.get(key);
  }

  /**
   * Creates now when no webhook can apply (returns the outcome); otherwise starts an admitted create,
   * calls done with its outcome, and returns undefined.
   */
  create(
    key: string,
    rt: ResourceType,
    namespace: string,
    body: K8sObject,
    opts: WriteOptions,
    done: (outcome: CreateOutcome) => void,
  ): CreateOutcome | undefined {
    const writes = admissionOf(this.objects);
    if (!writes?.active(rt)) {
      try {
        return { created: this.objects.create(rt, namespace, body, opts) };
      } catch (error) {
        return { error: error instanceof Error ? error : new Error(String(error)) };
      }
    }
    this.inflight.set(key, this.pending(key) + 1);
    void writes
      .create(rt, namespace, body, opts, controllerUser(this.controller))
      .then(
        (created): CreateOutcome => {
          this.failures.delete(key);
          return { created };
        },
        (err: unknown): CreateOutcome => {
          // A bug is still a failed create for the controller (and a 500 for an API client).
          const error = isStatusError(err)
            ? err
            : Errors.internal(err instanceof Error ? err.message : String(err));
          this.failures.set(key, `Error creating: ${error.message}`);
          return { error };
        },
      )
      .then((outcome) => {
        const left = this.pending(key) - 1;
        if (left > 0) this.inflight.set(key, left);
        else this.inflight.delete(key);
        done(outcome);
      });
    return undefined;
  }
}
