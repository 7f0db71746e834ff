// Writes through admission, in the apiserver's order: the object as the request makes it (patch
// applied, defaults filled) goes to the mutating webhooks, the result is validated, the validating
// webhooks see the object as it would be stored, and only then is it stored. The object service's
// write path is synchronous and webhooks are not, so a write runs in passes over the same code: a dry
// run that stops at the admission point to capture the object, the webhooks, a dry run with the
// mutated object for validation (when validating webhooks match), then the real write with the mutated
// object, which is retried when the stored object changed in between (as the apiserver retries a
// patch on conflict). With no webhook configured, a write is one pass, as before.
import type { DeleteOptions, DeleteResult, ObjectService, PatchType, WriteOptions } from '../api/objects.js';
import { Errors, StatusError, isStatusError } from '../base/status.js';
import type { UserInfo } from '../auth/authn.js';
import { clone } from '../base/paths.js';
import { isObject } from '../../kube/json.js';
import type { K8sObject, ResourceType } from '../base/types.js';
import type { WebhookDispatcher } from './dispatch.js';
import { exemptFromWebhooks } from './matching.js';
import { hasCelRules, loadCel } from '../cel/load.js';
import type { PolicyEvaluator } from './policies.js';
import type { AdmissionRequest } from './review.js';

/** Thrown by the first pass's hook to stop at the admission point (never escapes this module). */
class Captured extends Error {}
/** The stored object changed between the passes: admission runs again. */
class Stale extends Error {}
const MAX_ATTEMPTS = 5;

interface CapturedObject {
  obj: K8sObject;
  old: K8sObject | undefined;
}

interface WriteRequest<T> {
  rt: ResourceType;
  namespace: string;
  /** The name the request carries ("" for a create by generateName). */
  name: string;
  subresource: string;
  user: UserInfo;
  opts: WriteOptions;
  /** The request's body or patch (to know whether it brings CEL rules). */
  body?: unknown;
  /** Runs the synchronous write with extra options (admission hook, dry run). */
  run(extra: Partial<WriteOptions>): T;
  objectOf(result: T): K8sObject;
  /** After the first pass, e.g. to keep the generated name for the later passes. */
  onCaptured?(c: CapturedObject): void;
}

/** Replaces the content of target by source, keeping target's metadata object (the write path holds it). */
function replaceInPlace(target: K8sObject, source: K8sObject): void {
  const meta = target.metadata;
  for (const k of Object.keys(target)) if (k !== 'metadata') delete target[k];
  for (const k of Object.keys(meta)) delete meta[k];
  const { metadata, ...rest } = clone(source);
  Object.assign(target, rest);
  Object.assign(meta, metadata);
  target.metadata = meta;
}

const registered = new WeakMap<ObjectService, AdmittedWrites>();

/** The admission of a sandbox's object service, for controllers (pods they create are admitted too). */
export function admissionOf(objects: ObjectService): AdmittedWrites | undefined {
  return registered.get(objects);
}

export class AdmittedWrites {
  constructor(
    readonly objects: ObjectService,
    readonly dispatcher: WebhookDispatcher,
    readonly policies?: PolicyEvaluator,
  ) {
    registered.set(objects, this);
  }

  /** Whether a write of this kind may reach a webhook at all (else it can stay synchronous). */
  active(rt: ResourceType): boolean {
    return !exemptFromWebhooks(rt) && (this.dispatcher.configured() || this.policies?.configured() === true);
  }

  async create(
    rt: ResourceType,
    namespace: string,
    body: unknown,
    opts: WriteOptions,
    user: UserInfo,
  ): Promise<K8sObject> {
    let current = body;
    const given = isObject(body) && isObject(body.metadata) ? body.metadata.name : undefined;
    return this.write({
      rt,
      namespace,
      name: typeof given === 'string' ? given : '',
      subresource: '',
      user,
      opts,
      body,
      run: (extra) => this.objects.create(rt, namespace, current, { ...opts, ...extra }),
      objectOf: (o) => o,
      onCaptured: (c) => {
        // generateName: the later passes store the name the first one chose.
        if (isObject(current) && !given)
          current = { ...current, metadata: { ...(current.metadata as object), name: c.obj.metadata.name } };
      },
    });
  }

  update(
    rt: ResourceType,
    namespace: string,
    name: string,
    body: unknown,
    opts: WriteOptions,
    user: UserInfo,
    subresource?: string,
  ): Promise<K8sObject> {
    return this.write({
      rt,
      namespace,
      name,
      subresource: subresource ?? '',
      user,
      opts,
      body,
      run: (extra) => this.objects.update(rt, namespace, name, body, { ...opts, ...extra }, subresource),
      objectOf: (o) => o,
    });
  }

  patch(
    rt: ResourceType,
    namespace: string,
    name: string,
    type: PatchType,
    patch: unknown,
    opts: WriteOptions & { force?: boolean },
    user: UserInfo,
    subresource?: string,
  ): Promise<{ object: K8sObject; created: boolean }> {
    return this.write({
      rt,
      namespace,
      name,
      subresource: subresource ?? '',
      user,
      opts,
      body: patch,
      run: (extra) =>
        this.objects.patch(rt, namespace, name, type, patch, { ...opts, ...extra }, subresource),
      objectOf: (r) => r.object,
    });
  }

  async delete(
    rt: ResourceType,
    namespace: string,
    name: string,
    options: DeleteOptions,
    user: UserInfo,
  ): Promise<DeleteResult> {
    if (this.active(rt)) {
      const old = this.objects.get(rt, namespace, name);
      const request: AdmissionRequest = {
        operation: 'DELETE',
        rt,
        subresource: '',
        namespace: rt.namespaced ? namespace : '',
        name,
        oldObject: old,
        dryRun: options.dryRun ?? false,
        user,
        options: deleteOptionsOf(options),
      };
      const warnings: string[] = [];
      await this.dispatcher.mutate(request, warnings);
      if (this.policies?.configured()) {
        await loadCel();
        this.policies.validate(request, warnings);
      }
      await this.dispatcher.validate(request, warnings);
    }
    return this.objects.delete(rt, namespace, name, options);
  }

  private capture<T>(w: WriteRequest<T>): CapturedObject | undefined {
    let captured: CapturedObject | undefined;
    try {
      w.run({
        dryRun: true,
        warnings: [],
        admit: (obj, old) => {
          captured = { obj: clone(obj), old: old && clone(old) };
          throw new Captured();
        },
      });
    } catch (err) {
      if (!(err instanceof Captured)) throw err;
    }
    return captured;
  }

  private async write<T>(w: WriteRequest<T>): Promise<T> {
    if (needsCel(w) || this.policies?.configured()) await loadCel();
    if (!this.active(w.rt)) return w.run({});
    for (let attempt = 1; ; attempt++) {
      const captured = this.capture(w);
      if (!captured) return w.run({});
      w.onCaptured?.(captured);
      try {
        return await this.admitAndWrite(w, captured);
      } catch (err) {
        if (!(err instanceof Stale)) throw err;
        if (attempt >= MAX_ATTEMPTS)
          throw Errors.modified({ group: w.rt.group, resource: w.rt.plural }, w.name);
      }
    }
  }

  private async admitAndWrite<T>(w: WriteRequest<T>, captured: CapturedObject): Promise<T> {
    const { rt, opts } = w;
    const generated = !w.name && !captured.old;
    const shown = generated ? withoutName(captured.obj) : captured.obj;
    const request: AdmissionRequest = {
      operation: captured.old ? 'UPDATE' : 'CREATE',
      rt,
      subresource: w.subresource,
      namespace: rt.namespaced ? w.namespace : '',
      name: w.name,
      object: shown,
      oldObject: captured.old,
      dryRun: opts.dryRun ?? false,
      user: w.user,
      options: opts.fieldManager ? { fieldManager: opts.fieldManager } : {},
    };
    const warnings: string[] = [];
    try {
      let mutated = (await this.dispatcher.mutate(request, warnings)) ?? shown;
      if (generated && !mutated.metadata.name)
        mutated = { ...mutated, metadata: { ...mutated.metadata, name: captured.obj.metadata.name } };
      const expectedVersion = captured.old?.metadata.resourceVersion;
      const admit = (obj: K8sObject, old: K8sObject | undefined) => {
        if (old?.metadata.resourceVersion !== expectedVersion) throw new Stale();
        replaceInPlace(obj, mutated);
      };
      const validating = { ...request, object: mutated };
      const webhooks = this.dispatcher.matching(validating, false).length > 0;
      const policies = (this.policies?.matching(validating).length ?? 0) > 0;
      if (webhooks || policies) {
        const preview = w.objectOf(w.run({ dryRun: true, warnings: [], admit }));
        // Admission policies run before the validating webhooks, as in the apiserver.
        if (policies) this.policies!.validate({ ...validating, object: preview }, warnings);
        if (webhooks) await this.dispatcher.validate({ ...validating, object: preview }, warnings);
      }
      const result = w.run({ admit });
      opts.warnings?.push(...warnings);
      return result;
    } catch (err) {
      if (isStatusError(err) && warnings.length > 0) throw withWarnings(err, warnings);
      throw err;
    }
  }
}

/** CEL loads on the first write that evaluates or compiles rules (cold start stays as it was). */
function needsCel(w: { rt: ResourceType; body?: unknown }): boolean {
  if (w.rt.crd) return hasCelRules(w.rt.schema);
  if (w.rt.group === 'admissionregistration.k8s.io' && w.rt.plural === 'validatingadmissionpolicies')
    return true;
  return (
    w.rt.group === 'apiextensions.k8s.io' &&
    w.body !== undefined &&
    JSON.stringify(w.body).includes('x-kubernetes-validations')
  );
}

function withoutName(obj: K8sObject): K8sObject {
  const { name: _name, ...meta } = obj.metadata;
  return { ...obj, metadata: meta };
}

function deleteOptionsOf(o: DeleteOptions): Record<string, unknown> {
  return {
    ...(o.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: o.gracePeriodSeconds } : {}),
    ...(o.propagationPolicy ? { propagationPolicy: o.propagationPolicy } : {}),
    ...(o.preconditions ? { preconditions: o.preconditions } : {}),
  };
}

/** A refused write still carries the webhooks' warnings (Warning headers on the error response). */
function withWarnings(err: StatusError, warnings: string[]): StatusError {
  const header = warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ');
  const headers = {
    ...err.headers,
    Warning: err.headers.Warning ? `${err.headers.Warning}, ${header}` : header,
  };
  return new StatusError(err.code, err.reason, err.message, err.details, headers);
}
