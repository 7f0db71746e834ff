// ValidatingAdmissionPolicy evaluation (admissionregistration.k8s.io/v1), as the apiserver's
// validatingadmissionpolicy plugin does it: each binding of an existing policy whose matchConstraints
// and matchResources match the request, whose matchConditions hold, with its params (paramKind,
// paramRef name or selector, parameterNotFoundAction), evaluates the validations over object,
// oldObject, request, params, namespaceObject and variables; a failure is acted on by the binding's
// validationActions (Deny: refused with the policy's reason, Warn: a warning, Audit: nothing visible),
// and an expression error by the policy's failurePolicy.
import { Errors, StatusError, type FieldError } from '../base/status.js';
import { isObject } from '../../kube/json.js';
import type { Registry } from '../resources/registry.js';
import { selectorMatches } from '../resources/validation.js';
import type { K8sObject } from '../base/types.js';
import type { Store } from '../store/store.js';
import { celEngine } from '../cel/load.js';
import type { CelEngine } from '../cel/engine.js';
import { toCel } from '../crd/rules.js';
import { webhookMatches } from './matching.js';
import { parseRules, type Webhook } from './config.js';
import { admissionReview, type AdmissionRequest } from './review.js';

type Json = Record<string, unknown>;
const GROUP = 'admissionregistration.k8s.io';
const POLICIES = `${GROUP}/validatingadmissionpolicies`;
const BINDINGS = `${GROUP}/validatingadmissionpolicybindings`;

const STATUS_OF: Record<string, [number, string]> = {
  Unauthorized: [401, 'Unauthorized'],
  Forbidden: [403, 'Forbidden'],
  Invalid: [422, 'Invalid'],
  RequestEntityTooLarge: [413, 'RequestEntityTooLarge'],
};

const ANY_RULE = { operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'], scope: '*' };
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);

/** matchConstraints / matchResources as the webhook matcher's shape. */
function asMatcher(name: string, m: Json): Webhook {
  return {
    name,
    rules: parseRules(m.resourceRules),
    matchPolicy: m.matchPolicy === 'Exact' ? 'Exact' : 'Equivalent',
    namespaceSelector: isObject(m.namespaceSelector) ? m.namespaceSelector : {},
    objectSelector: isObject(m.objectSelector) ? m.objectSelector : {},
  } as unknown as Webhook;
}

function excluded(m: Json, r: AdmissionRequest): boolean {
  return list(m.excludeResourceRules).some((rule) => {
    const names = strings(rule.resourceNames);
    const w = asMatcher('', { resourceRules: [rule] });
    return (names.length === 0 || names.includes(r.name)) && webhookMatches(w, r, undefined, [r.rt.version]);
  });
}

export class PolicyEvaluator {
  constructor(
    private readonly store: Store,
    private readonly registry: Registry,
  ) {}

  /** Any binding exists (the write path then loads CEL and runs admission). */
  configured(): boolean {
    return this.store.list(BINDINGS).length > 0;
  }

  private matches(m: unknown, r: AdmissionRequest, ns: K8sObject | undefined): boolean {
    if (!isObject(m)) return true;
    const versions = this.registry
      .all()
      .filter((t) => t.storageKey === r.rt.storageKey)
      .map((t) => t.version);
    const matcher = asMatcher('', m);
    // matchResources without resourceRules matches every resource (its selectors still apply).
    if (matcher.rules.length === 0) matcher.rules = [ANY_RULE];
    return webhookMatches(matcher, r, ns, versions) && !excluded(m, r);
  }

  /** The bindings (with their policies) that apply to this request. */
  matching(r: AdmissionRequest): Array<{ policy: K8sObject; binding: K8sObject }> {
    if (r.rt.group === GROUP && /validatingadmissionpolic/.test(r.rt.plural)) return [];
    const ns = r.namespace ? this.store.get('/namespaces', '', r.namespace) : undefined;
    const out: Array<{ policy: K8sObject; binding: K8sObject }> = [];
    for (const b of this.store.list(BINDINGS)) {
      const spec = isObject(b.object.spec) ? b.object.spec : {};
      const policy = this.store.get(POLICIES, '', str(spec.policyName));
      if (!policy) continue;
      const pspec = isObject(policy.spec) ? policy.spec : {};
      if (!this.matches(pspec.matchConstraints, r, ns)) continue;
      if (spec.matchResources !== undefined && !this.matches(spec.matchResources, r, ns)) continue;
      out.push({ policy, binding: b.object });
    }
    return out;
  }

  /** Evaluates every matching binding; throws the first denial, collects warnings. */
  validate(r: AdmissionRequest, warnings: string[]): void {
    const engine = celEngine();
    if (!engine) return;
    const ns = r.namespace ? this.store.get('/namespaces', '', r.namespace) : undefined;
    for (const { policy, binding } of this.matching(r))
      this.evaluate(engine, policy, binding, r, ns, warnings);
  }

  private params(policy: Json, binding: Json, r: AdmissionRequest): Array<unknown> | string {
    const paramKind = isObject(policy.paramKind) ? policy.paramKind : undefined;
    if (!paramKind) return [null];
    const ref = isObject(binding.paramRef) ? binding.paramRef : undefined;
    if (!ref) return 'failed to configure binding: paramRef is required when paramKind is set';
    const [group, version] = str(paramKind.apiVersion).includes('/')
      ? String(paramKind.apiVersion).split('/')
      : ['', str(paramKind.apiVersion, 'v1')];
    const rt = this.registry
      .all()
      .find((t) => t.group === group && t.version === version && t.kind === paramKind.kind);
    if (!rt)
      return `failed to configure policy: failed to find resource referenced by paramKind: '${String(paramKind.apiVersion)}, Kind=${String(paramKind.kind)}'`;
    const namespace = rt.namespaced ? str(ref.namespace, r.namespace) : '';
    const found =
      typeof ref.name === 'string'
        ? [this.store.get(rt.storageKey, namespace, ref.name)].filter((x): x is K8sObject => !!x)
        : this.store
            .list(rt.storageKey, rt.namespaced ? namespace : undefined)
            .map((e) => e.object)
            .filter((o) => selectorMatches(ref.selector ?? {}, o.metadata.labels ?? {}));
    if (found.length > 0) return found;
    return ref.parameterNotFoundAction === 'Allow'
      ? []
      : 'failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction';
  }

  private evaluate(
    engine: CelEngine,
    policyObj: K8sObject,
    bindingObj: K8sObject,
    r: AdmissionRequest,
    ns: K8sObject | undefined,
    warnings: string[],
  ): void {
    const policy = isObject(policyObj.spec) ? policyObj.spec : {};
    const binding = isObject(bindingObj.spec) ? bindingObj.spec : {};
    const who = `ValidatingAdmissionPolicy '${policyObj.metadata.name}' with binding '${bindingObj.metadata.name}'`;
    const actions = strings(binding.validationActions);
    const failClosed = policy.failurePolicy !== 'Ignore';
    const deny = (message: string, reason = 'Invalid') => {
      const full = `${who} denied request: ${message}`;
      if (actions.includes('Warn')) warnings.push(`Validation failed for ${who}: ${message}`);
      if (actions.includes('Deny')) throw refusal(r, full, reason);
    };
    const params = this.params(policy, binding, r);
    if (typeof params === 'string') {
      if (failClosed) deny(params);
      return;
    }
    const request = admissionReview(r).review.request as Json;
    for (const param of params) {
      const vars: Record<string, unknown> = {
        object: toCel(r.object ?? null, undefined),
        oldObject: toCel(r.oldObject ?? null, undefined),
        request: toCel(request, undefined),
        params: toCel(param, undefined),
        namespaceObject: toCel(ns ?? null, undefined),
      };
      const variables = new Map<string, unknown>();
      vars.variables = variables;
      for (const v of list(policy.variables)) {
        const out = engine.evaluate(String(v.expression), vars);
        variables.set(String(v.name), out.error === undefined ? out.value : null);
      }
      // matchConditions: all must be true; an error follows the failure policy.
      let skip = false;
      for (const c of list(policy.matchConditions)) {
        const out = engine.evaluate(String(c.expression), vars);
        if (out.error !== undefined) {
          if (failClosed) deny(`failed to evaluate matchCondition '${String(c.name)}': ${out.error}`);
          skip = true;
          break;
        }
        if (out.value !== true) {
          skip = true;
          break;
        }
      }
      if (skip) continue;
      for (const v of list(policy.validations)) {
        const expression = String(v.expression);
        const out = engine.evaluate(expression, vars);
        if (out.error !== undefined) {
          if (failClosed) deny(`expression '${expression}' resulted in error: ${out.error}`);
          continue;
        }
        if (out.value === true) continue;
        deny(messageOf(engine, v, vars), typeof v.reason === 'string' ? v.reason : 'Invalid');
      }
    }
  }
}

function messageOf(engine: CelEngine, v: Json, vars: Record<string, unknown>): string {
  if (typeof v.messageExpression === 'string') {
    const m = engine.evaluate(v.messageExpression, vars);
    if (typeof m.value === 'string' && m.value.trim() && !m.value.includes('\n')) return m.value;
  }
  if (typeof v.message === 'string' && v.message) return v.message;
  return `failed expression: ${String(v.expression)}`;
}

/** The refusal as the plugin returns it: Invalid (422) unless the validation names another reason. */
function refusal(r: AdmissionRequest, message: string, reason: string): StatusError {
  const resource = r.rt.group ? `${r.rt.plural}.${r.rt.group}` : r.rt.plural;
  const name = r.name || (r.object?.metadata.name ?? '');
  const [code, statusReason] = STATUS_OF[reason] ?? STATUS_OF.Invalid;
  if (code === 422) {
    return new StatusError(422, 'Invalid', `${resource} "${name}" is invalid: : ${message}`, {
      name,
      group: r.rt.group || undefined,
      kind: r.rt.plural,
      causes: [{ message, field: '' }],
    });
  }
  if (code === 403) return Errors.forbidden({ group: r.rt.group, resource: r.rt.plural }, name, message);
  return new StatusError(code, statusReason, message);
}

/** Syntax errors in a policy's expressions refuse it (the apiserver compiles them on write). */
export function policyCompileErrors(obj: K8sObject): FieldError[] {
  const engine = celEngine();
  const spec = isObject(obj.spec) ? obj.spec : {};
  const errors: FieldError[] = [];
  if (!engine) return errors;
  const check = (items: unknown, field: string, keys: string[]) =>
    list(items).forEach((v, i) => {
      for (const k of keys) {
        const expr = v[k];
        const err = typeof expr === 'string' ? engine.compileError(expr) : undefined;
        if (err)
          errors.push({
            type: 'FieldValueInvalid',
            field: `spec.${field}[${i}].${k}`,
            value: expr,
            detail: `compilation failed: ${err}`,
          });
      }
    });
  check(spec.validations, 'validations', ['expression', 'messageExpression']);
  check(spec.matchConditions, 'matchConditions', ['expression']);
  check(spec.variables, 'variables', ['expression']);
  return errors;
}

/** The policy kinds validate their expressions (once the engine is loaded by the write). */
export function registerPolicyKinds(registry: Registry): void {
  const rt = registry.get(GROUP, 'v1', 'validatingadmissionpolicies');
  if (!rt) return;
  const before = rt.validate;
  rt.validate = (obj, old) => [...(before?.(obj, old) ?? []), ...policyCompileErrors(obj)];
}
