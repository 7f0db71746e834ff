// The two webhook admission plugins: mutating webhooks one after another in configuration-name order
// (JSONPatch answers applied, reinvocationPolicy IfNeeded honoured once), validating webhooks all at
// once. Failures are worded as the apiserver's: a denial is 'admission webhook "NAME" denied the
// request: MSG' (the webhook's code, at least 400); a webhook that cannot be called fails the request
// with 500 'Internal error occurred: failed calling webhook "NAME": ...' unless its failurePolicy is
// Ignore; a dry run reaching a webhook with side effects is refused with 400.
import { Errors, StatusError, type StatusDetails } from '../base/status.js';
import { applyJsonPatch } from '../patch/json-patch.js';
import { deepEqual, isObject } from '../../kube/json.js';
import type { Registry } from '../resources/registry.js';
import type { K8sObject } from '../base/types.js';
import type { Store } from '../store/store.js';
import { callWebhook, CallError } from './client.js';
import { parseWebhooks, type Webhook } from './config.js';
import { exemptFromWebhooks, webhookMatches } from './matching.js';
import { admissionReview, verifyResponse, type AdmissionRequest } from './review.js';

const MUTATING = 'admissionregistration.k8s.io/mutatingwebhookconfigurations';
const VALIDATING = 'admissionregistration.k8s.io/validatingwebhookconfigurations';

/** ToStatusErr of the apiserver's webhook errors package. */
function denial(name: string, status: Record<string, unknown> | undefined): StatusError {
  const code = typeof status?.code === 'number' && status.code >= 400 ? status.code : 400;
  const by = `admission webhook "${name}" denied the request`;
  const message =
    typeof status?.message === 'string' && status.message
      ? `${by}: ${status.message}`
      : typeof status?.reason === 'string' && status.reason
        ? `${by}: ${status.reason}`
        : `${by} without explanation`;
  const details = isObject(status?.details) ? (status.details as StatusDetails) : undefined;
  return new StatusError(code, typeof status?.reason === 'string' ? status.reason : '', message, details);
}

function callFailure(name: string, err: CallError): StatusError {
  return Errors.internal(`failed calling webhook "${name}": ${err.message}`);
}

function patchObject(w: Webhook, object: K8sObject | undefined, patch: unknown[]): K8sObject {
  if (!object)
    throw Errors.internal(
      `admission webhook "${w.name}" attempted to modify the object, which is not supported for this operation`,
    );
  let patched: unknown;
  try {
    patched = applyJsonPatch(object, patch);
  } catch (err) {
    throw Errors.internal(err instanceof Error ? err.message : String(err));
  }
  if (!isObject(patched) || !isObject(patched.metadata))
    throw Errors.internal(`admission webhook "${w.name}" returned a patch that does not leave an object`);
  return patched as K8sObject;
}

export class WebhookDispatcher {
  constructor(
    private readonly store: Store,
    private readonly registry: Registry,
  ) {}

  /** Any webhook configured at all (the fast path skips admission entirely when none is). */
  configured(): boolean {
    return this.store.list(MUTATING).length > 0 || this.store.list(VALIDATING).length > 0;
  }

  private hooks(key: string, mutating: boolean): Webhook[] {
    const configs = [...this.store.list(key)].map((e) => e.object);
    configs.sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
    return configs.flatMap((c) => parseWebhooks(c, mutating));
  }

  /** The webhooks this request goes to, in call order. */
  matching(r: AdmissionRequest, mutating: boolean): Webhook[] {
    if (exemptFromWebhooks(r.rt)) return [];
    const namespaceObject = r.namespace ? this.store.get('/namespaces', '', r.namespace) : undefined;
    const versions = this.registry
      .all()
      .filter((t) => t.storageKey === r.rt.storageKey)
      .map((t) => t.version);
    return this.hooks(mutating ? MUTATING : VALIDATING, mutating).filter((w) =>
      webhookMatches(w, r, namespaceObject, versions),
    );
  }

  private checkDryRun(w: Webhook, r: AdmissionRequest): void {
    if (r.dryRun && w.sideEffects !== 'None' && w.sideEffects !== 'NoneOnDryRun')
      throw Errors.badRequest(`admission webhook "${w.name}" does not support dry run`);
  }

  /** Calls one webhook; undefined when it failed and its failurePolicy is Ignore. */
  private async call(w: Webhook, r: AdmissionRequest, warnings: string[]) {
    this.checkDryRun(w, r);
    const { uid, review } = admissionReview(r);
    try {
      const body = await callWebhook(this.store, w, review, w.timeoutSeconds * 1000);
      const result = verifyResponse(uid, w.mutating, body);
      warnings.push(...result.warnings);
      if (!result.allowed) throw denial(w.name, result.status);
      return result;
    } catch (err) {
      if (!(err instanceof CallError)) throw err;
      // failurePolicy Ignore fails open (the apiserver only logs it).
      if (w.failurePolicy === 'Ignore') return undefined;
      throw callFailure(w.name, err);
    }
  }

  /** Runs the mutating webhooks over the object; returns it as they left it. */
  async mutate(r: AdmissionRequest, warnings: string[]): Promise<K8sObject | undefined> {
    const hooks = this.matching(r, true);
    let object = r.object;
    // reinvocationPolicy IfNeeded: webhooks called before a later change see the object once more.
    const invoked = new Set<Webhook>();
    const reinvoke = new Set<Webhook>();
    const run = async (w: Webhook) => {
      const result = await this.call(w, { ...r, object }, warnings);
      const next = result?.patch?.length ? patchObject(w, object, result.patch) : object;
      if (!deepEqual(next, object)) {
        for (const earlier of invoked) reinvoke.add(earlier);
        invoked.clear();
      }
      object = next;
      if (w.reinvocationPolicy === 'IfNeeded') invoked.add(w);
    };
    for (const w of hooks) await run(w);
    for (const w of hooks) if (reinvoke.has(w)) await run(w);
    return object;
  }

  /** Runs the validating webhooks in parallel; the first failure (in call order) is the answer. */
  async validate(r: AdmissionRequest, warnings: string[]): Promise<void> {
    const hooks = this.matching(r, false);
    if (hooks.length === 0) return;
    const results = await Promise.allSettled(hooks.map((w) => this.call(w, r, warnings)));
    for (const res of results) if (res.status === 'rejected') throw res.reason;
  }
}
