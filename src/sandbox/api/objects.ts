// The write and read paths every request and every controller goes through: server-owned metadata,
// defaulting, validation, optimistic concurrency, field ownership, dry runs, finalizers and graceful
// deletion. HTTP handlers translate requests into these calls; controllers call them directly.
import { randomUUID } from 'node:crypto';
import { prune, validateSchema, applyDefaults } from '../base/schema.js';
import { applyJsonPatch, applyMergePatch } from '../patch/json-patch.js';
import {
  requestManagedFields,
  serverSideApply,
  syncLastApplied,
  touchManager,
  trackUpdate,
  type Part,
} from '../patch/managed.js';
import { strategicMerge } from '../patch/strategic.js';
import { clone, getPath, setPath, timestamp } from '../base/paths.js';
import { deepEqual, isObject } from '../../kube/json.js';
import type { Registry } from '../resources/registry.js';
import { groupVersion, served, type K8sObject, type ResourceType } from '../base/types.js';
import { validateLabels, validateName, type NameRule } from '../resources/validation.js';
import type { Store, StoreEvent } from '../store/store.js';
import { Errors, StatusError, type FieldError } from '../base/status.js';
import { defaultedOnRead, validateValueRules } from '../crd/rules.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: FieldValidation;
  /** Warnings for the response (Warning headers). */
  warnings?: string[];
  /** A write by the server itself (the kubelet may shorten a deleted pod's grace period). */
  internal?: boolean;
  /**
   * Admission (src/sandbox/admission): sees the object after defaulting and before validation, with
   * the stored object on update (undefined on create); may change it in place or throw.
   */
  admit?(obj: K8sObject, old: K8sObject | undefined): void;
}

export interface DeleteOptions {
  dryRun?: boolean;
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export interface DeleteResult {
  /** The object still exists (finalizers, graceful deletion) and is returned with deletionTimestamp. */
  pending: boolean;
  object: K8sObject;
}

/** Hooks kinds need around writes: allocation (Service IPs), CRD establishment, namespace setup. */
export interface WriteHooks {
  /** Before a new object is stored (after defaulting and validation). May throw a StatusError. */
  beforeCreate?(rt: ResourceType, obj: K8sObject, dryRun: boolean): void;
  beforeUpdate?(rt: ResourceType, obj: K8sObject, old: K8sObject, dryRun: boolean): void;
  /** After an object is stored or removed. */
  afterWrite?(rt: ResourceType, event: StoreEvent): void;
}

const GENERATE_SUFFIX = 'bcdfghjklmnpqrstvwxz2456789';

function randomSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += GENERATE_SUFFIX[Math.floor(Math.random() * GENERATE_SUFFIX.length)];
  return s;
}

const gr = (rt: ResourceType) => ({ group: rt.group, resource: rt.plural });

function nameRule(rt: ResourceType): NameRule {
  if (rt.kind === 'Namespace' || rt.kind === 'Service') return 'label';
  if (rt.group === 'rbac.authorization.k8s.io' || rt.kind === 'Node' || rt.kind === 'APIService')
    return 'path';
  return 'subdomain';
}

/** Everything except metadata and status: what a spec change means for metadata.generation. */
function specPart(obj: K8sObject): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj))
    if (k !== 'metadata' && k !== 'status' && k !== 'apiVersion' && k !== 'kind') out[k] = v;
  return out;
}

function withoutVolatile(obj: K8sObject): K8sObject {
  const { resourceVersion: _rv, managedFields: _mf, ...meta } = obj.metadata;
  return { ...obj, metadata: meta };
}

export class ObjectService {
  private hooks: WriteHooks[] = [];

  constructor(
    readonly store: Store,
    readonly registry: Registry,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  addHooks(h: WriteHooks): void {
    this.hooks.push(h);
  }

  now(): Date {
    return this.clock();
  }

  get(rt: ResourceType, namespace: string, name: string): K8sObject {
    const obj = this.store.get(rt.storageKey, rt.namespaced ? namespace : '', name);
    if (!obj) throw Errors.notFound(gr(rt), name);
    return rt.crd && rt.schema ? defaultedOnRead(rt.schema, obj) : obj;
  }

  find(rt: ResourceType, namespace: string, name: string): K8sObject | undefined {
    return this.store.get(rt.storageKey, rt.namespaced ? namespace : '', name);
  }

  /** Typemeta as the requested version spells it (storage is shared between versions). */
  private typed(rt: ResourceType, obj: K8sObject): K8sObject {
    return served(rt, obj);
  }

  /** Checks the body's typemeta against the endpoint and fills it when missing. */
  private checkTypeMeta(rt: ResourceType, body: unknown): K8sObject {
    if (!isObject(body)) throw Errors.badRequest(`Object 'Kind' is missing in '${JSON.stringify(body)}'`);
    const obj = body as K8sObject;
    const gv = groupVersion(rt);
    if (obj.apiVersion !== undefined && obj.apiVersion !== '' && obj.apiVersion !== gv) {
      const sameGroup =
        rt.group === ''
          ? !String(obj.apiVersion).includes('/')
          : String(obj.apiVersion).startsWith(`${rt.group}/`);
      if (!sameGroup || !rt.crd)
        throw Errors.badRequest(
          `the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${gv})`,
        );
    }
    if (obj.kind !== undefined && obj.kind !== '' && obj.kind !== rt.kind)
      throw Errors.badRequest(
        `the kind in the data (${String(obj.kind)}) does not match the expected kind (${rt.kind})`,
      );
    if (!isObject(obj.metadata)) obj.metadata = {};
    obj.apiVersion = gv;
    obj.kind = rt.kind;
    return rt.convert ? rt.convert.toStorage(obj) : obj;
  }

  /** Unknown fields: dropped, warned about or refused (fieldValidation). */
  private pruneUnknown(rt: ResourceType, obj: K8sObject, opts: WriteOptions): void {
    if (!rt.schema) return;
    const removed = prune(obj, rt.schema);
    if (removed.length === 0) return;
    const mode = opts.fieldValidation ?? 'Ignore';
    const texts = removed.map((p) => `unknown field "${p}"`);
    if (mode === 'Strict') {
      throw Errors.badRequest(
        `${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: strict decoding error: ${texts.join(', ')}`,
      );
    }
    if (mode === 'Warn') opts.warnings?.push(...texts);
  }

  private validate(rt: ResourceType, obj: K8sObject, old: K8sObject | undefined, subresource?: string): void {
    const errors: FieldError[] = [];
    const name = obj.metadata.name ?? '';
    if (!old) errors.push(...validateName(name, nameRule(rt)));
    errors.push(...validateLabels(obj.metadata.labels, 'metadata.labels'));
    if (obj.metadata.annotations !== undefined && !isObject(obj.metadata.annotations))
      errors.push({
        type: 'FieldValueInvalid',
        field: 'metadata.annotations',
        value: obj.metadata.annotations,
        detail: 'must be a map',
      });
    if (rt.crd && rt.schema) {
      const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = obj;
      errors.push(
        ...validateSchema(rest, {
          ...rt.schema,
          required: (rt.schema.required ?? []).filter(
            (r) => r !== 'metadata' && r !== 'apiVersion' && r !== 'kind',
          ),
        }),
      );
      errors.push(...validateValueRules(rt.schema, obj, old));
    }
    if (rt.validate) errors.push(...rt.validate(obj, old, subresource));
    if (errors.length > 0) throw Errors.invalid({ group: rt.group, kind: rt.kind }, name, errors);
  }

  private checkNamespace(rt: ResourceType, namespace: string, name: string): void {
    if (!rt.namespaced) return;
    const ns = this.store.get('/namespaces', '', namespace);
    if (!ns) throw Errors.notFound({ group: '', resource: 'namespaces' }, namespace);
    if (ns.metadata.deletionTimestamp) throw Errors.namespaceTerminating(gr(rt), name, namespace);
  }

  private part(rt: ResourceType, subresource?: string): Part {
    // certificatesigningrequests/approval writes the approval conditions, which live in status.
    if (subresource === 'status' || subresource === 'approval') return 'status';
    // pods/binding sets spec.nodeName and the PodScheduled condition together.
    if (subresource === 'binding') return 'all';
    return rt.status ? 'main' : 'all';
  }

  create(rt: ResourceType, namespace: string, body: unknown, opts: WriteOptions = {}): K8sObject {
    const obj = clone(this.checkTypeMeta(rt, body));
    const meta = obj.metadata;
    if (rt.namespaced) {
      if (meta.namespace && meta.namespace !== namespace)
        throw Errors.badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      meta.namespace = namespace;
    } else delete meta.namespace;
    if (!meta.name) {
      if (meta.generateName) meta.name = `${meta.generateName}${randomSuffix()}`;
      else
        throw Errors.invalid({ group: rt.group, kind: rt.kind }, '', [
          { type: 'FieldValueRequired', field: 'metadata.name', detail: 'name or generateName is required' },
        ]);
    }
    this.checkNamespace(rt, namespace, meta.name);
    if (this.find(rt, namespace, meta.name)) throw Errors.alreadyExists(gr(rt), meta.name);
    this.pruneUnknown(rt, obj, opts);
    return this.insert(rt, obj, opts, undefined);
  }

  /** Defaults, validates, stamps and stores a new object (create, and apply of a missing object). */
  private insert(
    rt: ResourceType,
    obj: K8sObject,
    opts: WriteOptions,
    applied: { manager: string; force: boolean } | undefined,
  ): K8sObject {
    const meta = obj.metadata;
    const now = this.now();
    for (const k of [
      'uid',
      'resourceVersion',
      'creationTimestamp',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'generation',
      'selfLink',
    ])
      delete meta[k];
    // Status is the server's on create (nodes register with theirs, as kubelets do).
    if (rt.status && rt.kind !== 'Node') delete obj.status;
    if (rt.crd && rt.schema) applyDefaults(obj, rt.schema);
    rt.defaults?.(obj, { now, operation: 'create' });
    opts.admit?.(obj, undefined);
    this.validate(rt, obj, undefined);
    meta.uid = randomUUID();
    meta.creationTimestamp = timestamp(now);
    if ((rt.tracksGeneration && rt.kind !== 'Pod') || rt.crd) meta.generation = 1;
    const gv = groupVersion(rt);
    if (!applied) {
      const given = requestManagedFields(meta.managedFields, []);
      meta.managedFields = opts.fieldManager
        ? trackUpdate(
            undefined,
            obj,
            { manager: opts.fieldManager, operation: 'Update' },
            gv,
            rt.patchMeta,
            this.part(rt),
            now,
            given,
          )
        : given;
      if (!meta.managedFields?.length) delete meta.managedFields;
    }
    for (const h of this.hooks) h.beforeCreate?.(rt, obj, opts.dryRun ?? false);
    if (opts.dryRun) return this.typed(rt, obj);
    meta.resourceVersion = String(this.store.nextResourceVersion());
    const event = this.store.put(rt.storageKey, obj);
    for (const h of this.hooks) h.afterWrite?.(rt, event);
    return this.typed(rt, obj);
  }

  /** PUT: a full replacement with optimistic concurrency. */
  update(
    rt: ResourceType,
    namespace: string,
    name: string,
    body: unknown,
    opts: WriteOptions = {},
    subresource?: string,
  ): K8sObject {
    const old = this.get(rt, namespace, name);
    const obj = clone(this.checkTypeMeta(rt, body));
    if (obj.metadata.name && obj.metadata.name !== name)
      throw Errors.badRequest(
        `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`,
      );
    if (rt.namespaced && obj.metadata.namespace && obj.metadata.namespace !== namespace)
      throw Errors.badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    const rv = obj.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== old.metadata.resourceVersion)
      throw Errors.modified(gr(rt), name);
    if ((rv === undefined || rv === '') && rt.crd)
      throw Errors.invalid({ group: rt.group, kind: rt.kind }, name, [
        {
          type: 'FieldValueInvalid',
          field: 'metadata.resourceVersion',
          value: 0,
          detail: 'must be specified for an update',
        },
      ]);
    this.pruneUnknown(rt, obj, opts);
    return this.replace(rt, old, obj, opts, subresource);
  }

  /** The common tail of update and patch: carry server fields over, default, validate, store. */
  private replace(
    rt: ResourceType,
    old: K8sObject,
    next: K8sObject,
    opts: WriteOptions,
    subresource: string | undefined,
    applied?: K8sObject['metadata']['managedFields'],
  ): K8sObject {
    const now = this.now();
    let obj = next;
    const part = this.part(rt, subresource);
    if (part === 'status') {
      // The status subresource changes status only (and nothing else, metadata included).
      obj = { ...old, status: obj.status };
    } else if (part === 'main' && rt.status) {
      obj = { ...obj };
      if (old.status === undefined) delete obj.status;
      else obj.status = old.status;
    }
    const meta = { ...obj.metadata };
    obj.metadata = meta;
    meta.name = old.metadata.name;
    if (rt.namespaced) meta.namespace = old.metadata.namespace;
    meta.uid = old.metadata.uid;
    meta.creationTimestamp = old.metadata.creationTimestamp;
    if (old.metadata.deletionTimestamp) {
      meta.deletionTimestamp = old.metadata.deletionTimestamp;
      const grace = obj.metadata.deletionGracePeriodSeconds;
      const shortened =
        opts.internal && typeof grace === 'number' && grace < (old.metadata.deletionGracePeriodSeconds ?? 0);
      if (old.metadata.deletionGracePeriodSeconds !== undefined && !shortened)
        meta.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
      const added = (meta.finalizers ?? []).filter((f) => !(old.metadata.finalizers ?? []).includes(f));
      if (added.length > 0)
        throw Errors.invalid({ group: rt.group, kind: rt.kind }, meta.name!, [
          {
            type: 'FieldValueForbidden',
            field: 'metadata.finalizers',
            detail: `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
          },
        ]);
    } else {
      delete meta.deletionTimestamp;
      delete meta.deletionGracePeriodSeconds;
    }
    if (old.metadata.generation !== undefined) meta.generation = old.metadata.generation;
    if (rt.crd && rt.schema && part !== 'status') applyDefaults(obj, rt.schema);
    rt.defaults?.(obj, { now, operation: 'update' });
    opts.admit?.(obj, old);
    this.validate(rt, obj, old, subresource);
    if (meta.generation !== undefined && part !== 'status' && !deepEqual(specPart(obj), specPart(old)))
      meta.generation = meta.generation + 1;
    const gv = groupVersion(rt);
    // A client may set managedFields itself (kubectl's client-side to server-side apply upgrade does),
    // except through a subresource; without them, or with ones that do not decode, the live ones stay.
    const base = subresource
      ? (old.metadata.managedFields ?? [])
      : requestManagedFields(next.metadata.managedFields, old.metadata.managedFields ?? []);
    const managerSubresource = subresource === 'status' || subresource === 'scale' ? subresource : undefined;
    if (applied) meta.managedFields = applied;
    else if (opts.fieldManager)
      meta.managedFields = trackUpdate(
        old,
        obj,
        { manager: opts.fieldManager, operation: 'Update', subresource: managerSubresource },
        gv,
        rt.patchMeta,
        part,
        now,
        base,
      );
    else meta.managedFields = base;
    if (!meta.managedFields?.length) delete meta.managedFields;
    for (const h of this.hooks) h.beforeUpdate?.(rt, obj, old, opts.dryRun ?? false);
    meta.resourceVersion = old.metadata.resourceVersion;
    // A write that changes nothing stores nothing: same resourceVersion, no event.
    const changed = !deepEqual(withoutVolatile(obj), withoutVolatile(old));
    if (!changed && deepEqual(obj.metadata.managedFields ?? [], old.metadata.managedFields ?? []))
      return this.typed(rt, old);
    if (changed && opts.fieldManager) {
      meta.managedFields = touchManager(
        meta.managedFields,
        {
          manager: opts.fieldManager,
          operation: applied ? 'Apply' : 'Update',
          subresource: managerSubresource,
        },
        now,
      );
    }
    if (opts.dryRun) return this.typed(rt, obj);
    // The last finalizer removed from an object being deleted: it goes now.
    if (
      meta.deletionTimestamp &&
      (meta.finalizers ?? []).length === 0 &&
      !this.isGracefulPod(rt, obj) &&
      !this.awaitsNamespaceFinalizer(rt, obj)
    ) {
      meta.resourceVersion = String(this.store.nextResourceVersion());
      this.store.put(rt.storageKey, obj);
      const event = this.store.remove(rt.storageKey, meta.namespace ?? '', meta.name!);
      if (event) for (const h of this.hooks) h.afterWrite?.(rt, event);
      return this.typed(rt, event?.object ?? obj);
    }
    meta.resourceVersion = String(this.store.nextResourceVersion());
    const event = this.store.put(rt.storageKey, obj);
    for (const h of this.hooks) h.afterWrite?.(rt, event);
    return this.typed(rt, obj);
  }

  private awaitsNamespaceFinalizer(rt: ResourceType, obj: K8sObject): boolean {
    const spec = getPath(obj, 'spec.finalizers');
    return rt.kind === 'Namespace' && rt.group === '' && Array.isArray(spec) && spec.length > 0;
  }

  private isGracefulPod(rt: ResourceType, obj: K8sObject): boolean {
    return rt.kind === 'Pod' && rt.group === '' && (obj.metadata.deletionGracePeriodSeconds ?? 0) > 0;
  }

  patch(
    rt: ResourceType,
    namespace: string,
    name: string,
    type: PatchType,
    patch: unknown,
    opts: WriteOptions & { force?: boolean },
    subresource?: string,
  ): { object: K8sObject; created: boolean } {
    if (type === 'apply') return this.apply(rt, namespace, name, patch, opts, subresource);
    const old = this.get(rt, namespace, name);
    const base = this.typed(rt, old);
    let next: unknown;
    if (type === 'json') next = applyJsonPatch(base, patch);
    else if (type === 'merge') next = applyMergePatch(base, patch);
    else next = strategicMerge(base, patch, rt.patchMeta);
    if (!isObject(next)) throw Errors.badRequest('the patch produced something that is not an object');
    const obj = this.checkTypeMeta(rt, next);
    if (obj.metadata.name !== name)
      throw Errors.badRequest(
        `the name of the object (${String(obj.metadata.name)}) does not match the name on the URL (${name})`,
      );
    const rv = obj.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== old.metadata.resourceVersion)
      throw Errors.modified(gr(rt), name);
    this.pruneUnknown(rt, obj, opts);
    return { object: this.replace(rt, old, clone(obj), opts, subresource), created: false };
  }

  private apply(
    rt: ResourceType,
    namespace: string,
    name: string,
    body: unknown,
    opts: WriteOptions & { force?: boolean },
    subresource?: string,
  ): { object: K8sObject; created: boolean } {
    if (!opts.fieldManager)
      throw Errors.badRequest('PATCH operation requires fieldManager to be set for apply requests');
    if (!isObject(body))
      throw Errors.badRequest('error decoding YAML: the applied configuration must be an object');
    const applied = clone(body) as K8sObject;
    if (!applied.apiVersion || !applied.kind)
      throw Errors.badRequest(
        `invalid object type: ${applied.apiVersion ? '' : 'apiVersion not set'}${applied.kind ? '' : ', kind not set'}`.replace(
          ': , ',
          ': ',
        ),
      );
    this.checkTypeMeta(rt, applied);
    if (!isObject(applied.metadata)) applied.metadata = {};
    if (applied.metadata.name !== undefined && applied.metadata.name !== name)
      throw Errors.badRequest(
        `the name of the object (${String(applied.metadata.name)}) does not match the name on the URL (${name})`,
      );
    applied.metadata.name = name;
    if (rt.namespaced) {
      if (applied.metadata.namespace && applied.metadata.namespace !== namespace)
        throw Errors.badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      applied.metadata.namespace = namespace;
    }
    this.pruneUnknown(rt, applied, opts);
    const live = this.find(rt, namespace, name);
    const gv = groupVersion(rt);
    const part = this.part(rt, subresource);
    const now = this.now();
    if (
      live &&
      applied.metadata.resourceVersion &&
      applied.metadata.resourceVersion !== live.metadata.resourceVersion
    )
      throw Errors.modified(gr(rt), name);
    const result = serverSideApply(
      live,
      applied,
      opts.fieldManager,
      opts.force ?? false,
      gv,
      rt.patchMeta,
      part,
      now,
    );
    if (!live) {
      if (subresource) throw Errors.notFound(gr(rt), name);
      this.checkNamespace(rt, namespace, name);
      const obj = result.object;
      obj.metadata.managedFields = result.managedFields;
      const created = this.insert(rt, obj, opts, { manager: opts.fieldManager, force: opts.force ?? false });
      return { object: created, created: true };
    }
    syncLastApplied(result.object, applied, opts.fieldManager);
    return {
      object: this.replace(rt, live, result.object, opts, subresource, result.managedFields),
      created: false,
    };
  }

  delete(rt: ResourceType, namespace: string, name: string, options: DeleteOptions = {}): DeleteResult {
    const obj = this.get(rt, namespace, name);
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== obj.metadata.uid)
      throw Errors.conflict(
        gr(rt),
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`,
      );
    if (pre?.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion)
      throw Errors.conflict(
        gr(rt),
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`,
      );
    const now = this.now();
    const policy =
      options.propagationPolicy ??
      (options.orphanDependents === true
        ? 'Orphan'
        : options.orphanDependents === false
          ? 'Background'
          : undefined);
    const finalizers = [...(obj.metadata.finalizers ?? [])];
    if (policy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');
    if (policy === 'Foreground' && !finalizers.includes('foregroundDeletion'))
      finalizers.push('foregroundDeletion');

    // Pods bound to a node terminate gracefully: marked now, removed by the kubelet stage.
    let grace = 0;
    if (rt.kind === 'Pod' && rt.group === '' && getPath(obj, 'spec.nodeName')) {
      const phase = getPath(obj, 'status.phase');
      grace =
        options.gracePeriodSeconds ??
        (getPath(obj, 'spec.terminationGracePeriodSeconds') as number | undefined) ??
        30;
      if (phase === 'Succeeded' || phase === 'Failed') grace = 0;
    }
    const namespaceLifecycle = rt.kind === 'Namespace' && rt.group === '';
    if (finalizers.length > 0 || grace > 0 || namespaceLifecycle) {
      const already = obj.metadata.deletionTimestamp !== undefined;
      const meta = { ...obj.metadata, finalizers: finalizers.length ? finalizers : undefined };
      if (!meta.finalizers) delete meta.finalizers;
      if (!already) {
        meta.deletionTimestamp = timestamp(new Date(now.getTime() + grace * 1000));
        meta.deletionGracePeriodSeconds = grace;
      } else if (
        grace > 0 &&
        options.gracePeriodSeconds !== undefined &&
        options.gracePeriodSeconds < (obj.metadata.deletionGracePeriodSeconds ?? 0)
      ) {
        meta.deletionTimestamp = timestamp(new Date(now.getTime() + grace * 1000));
        meta.deletionGracePeriodSeconds = grace;
      }
      let next: K8sObject = { ...obj, metadata: meta };
      if (namespaceLifecycle)
        next = { ...next, status: { ...(isObject(next.status) ? next.status : {}), phase: 'Terminating' } };
      if (deepEqual(next, obj)) return { pending: true, object: this.typed(rt, obj) };
      if (options.dryRun) return { pending: true, object: this.typed(rt, next) };
      meta.resourceVersion = String(this.store.nextResourceVersion());
      const event = this.store.put(rt.storageKey, next);
      for (const h of this.hooks) h.afterWrite?.(rt, event);
      return { pending: true, object: this.typed(rt, next) };
    }
    if (options.dryRun) return { pending: false, object: this.typed(rt, obj) };
    const event = this.store.remove(rt.storageKey, rt.namespaced ? namespace : '', name)!;
    for (const h of this.hooks) h.afterWrite?.(rt, event);
    return { pending: false, object: this.typed(rt, event.object) };
  }

  /** Removes an object at once, whatever its finalizers and grace (the kubelet stage, force deletion). */
  purge(rt: ResourceType, namespace: string, name: string): void {
    const event = this.store.remove(rt.storageKey, rt.namespaced ? namespace : '', name);
    if (event) for (const h of this.hooks) h.afterWrite?.(rt, event);
  }

  /** A write by the server itself (controllers): a function of the current object, stored if changed. */
  mutate(
    rt: ResourceType,
    namespace: string,
    name: string,
    change: (obj: K8sObject) => K8sObject | undefined,
    manager: string,
    subresource?: string,
  ): K8sObject | undefined {
    const old = this.find(rt, namespace, name);
    if (!old) return undefined;
    const next = change(clone(old));
    if (!next) return old;
    try {
      return this.replace(rt, old, next, { fieldManager: manager, internal: true }, subresource);
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) return undefined;
      throw err;
    }
  }
}

/** The Scale object of a resource with a scale subresource. */
export function scaleOf(rt: ResourceType, obj: K8sObject): K8sObject {
  const scale = rt.scale!;
  const at = (path: string) => getPath(obj, path.replace(/^\./, ''));
  let selector = rt.crd && scale.labelSelectorPath ? at(scale.labelSelectorPath) : undefined;
  if (!rt.crd) {
    const sel = getPath(obj, 'spec.selector');
    const ml =
      isObject(sel) && isObject(sel.matchLabels)
        ? sel.matchLabels
        : isObject(sel) && !('matchLabels' in sel) && !('matchExpressions' in sel)
          ? sel
          : {};
    selector = Object.entries(ml)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(',');
  }
  const meta = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: meta.name,
      namespace: meta.namespace,
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
      creationTimestamp: meta.creationTimestamp,
    },
    spec: { replicas: (at(scale.specReplicasPath) as number | undefined) ?? 0 },
    status: {
      replicas: (at(scale.statusReplicasPath) as number | undefined) ?? 0,
      ...(typeof selector === 'string' && selector ? { selector } : {}),
    },
  };
}

/** Writes a Scale's spec.replicas back into the object. */
export function withScale(rt: ResourceType, obj: K8sObject, replicas: unknown): K8sObject {
  if (!Number.isInteger(replicas) || (replicas as number) < 0)
    throw Errors.invalid({ group: 'autoscaling', kind: 'Scale' }, obj.metadata.name ?? '', [
      {
        type: 'FieldValueInvalid',
        field: 'spec.replicas',
        value: replicas,
        detail: 'must be greater than or equal to 0',
      },
    ]);
  const next = clone(obj);
  setPath(next, rt.scale!.specReplicasPath.replace(/^\./, ''), replicas);
  return next;
}
