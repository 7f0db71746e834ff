// MutatingWebhookConfiguration and ValidatingWebhookConfiguration (admissionregistration.k8s.io/v1):
// the defaults the apiserver fills in and the validation it applies, as `kubectl get -o yaml` shows
// them and as `kubectl apply` of a wrong configuration is refused. Registered on the built-in kinds at
// start (registerWebhookKinds), so the resources folder does not import admission.
import type { FieldError } from '../base/status.js';
import { objectMeta } from '../base/patch-meta.js';
import { def } from '../base/paths.js';
import { isObject } from '../../kube/json.js';
import type { Registry } from '../resources/registry.js';
import type { K8sObject } from '../base/types.js';

export const ADMISSION_GROUP = 'admissionregistration.k8s.io';
export const MUTATING_KIND = 'MutatingWebhookConfiguration';
export const VALIDATING_KIND = 'ValidatingWebhookConfiguration';

export interface RuleWithOperations {
  operations: string[];
  apiGroups: string[];
  apiVersions: string[];
  resources: string[];
  scope: string;
}

export interface Webhook {
  name: string;
  /** The configuration that declares it. */
  configuration: string;
  mutating: boolean;
  clientConfig: {
    url?: string;
    service?: { namespace: string; name: string; path?: string; port: number };
    caBundle?: string;
  };
  rules: RuleWithOperations[];
  failurePolicy: 'Fail' | 'Ignore';
  matchPolicy: 'Exact' | 'Equivalent';
  namespaceSelector: Record<string, unknown>;
  objectSelector: Record<string, unknown>;
  sideEffects: string;
  timeoutSeconds: number;
  admissionReviewVersions: string[];
  reinvocationPolicy: 'Never' | 'IfNeeded';
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

function webhooksOf(obj: K8sObject): Array<Record<string, unknown>> {
  return Array.isArray(obj.webhooks) ? obj.webhooks.filter(isObject) : [];
}

/** SetDefaults_* of admissionregistration/v1, as the apiserver stores the configuration. */
function defaultWebhooks(obj: K8sObject, mutating: boolean): void {
  for (const w of webhooksOf(obj)) {
    def(w, 'failurePolicy', 'Fail');
    def(w, 'matchPolicy', 'Equivalent');
    def(w, 'namespaceSelector', {});
    def(w, 'objectSelector', {});
    def(w, 'timeoutSeconds', 10);
    if (mutating) def(w, 'reinvocationPolicy', 'Never');
    const cc = w.clientConfig;
    if (isObject(cc) && isObject(cc.service)) def(cc.service, 'port', 443);
    if (Array.isArray(w.rules)) for (const r of w.rules) if (isObject(r)) def(r, 'scope', '*');
  }
}

const QUALIFIED_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const OPERATIONS = ['*', 'CREATE', 'UPDATE', 'DELETE', 'CONNECT'];

function unsupported(field: string, value: unknown, allowed: string[]): FieldError {
  return { type: 'FieldValueNotSupported', field, value, allowed };
}

function validateClientConfig(w: Record<string, unknown>, at: string): FieldError[] {
  const errors: FieldError[] = [];
  const cc = isObject(w.clientConfig) ? w.clientConfig : {};
  const hasUrl = typeof cc.url === 'string';
  const hasService = isObject(cc.service);
  if (hasUrl === hasService) {
    errors.push({
      type: 'FieldValueRequired',
      field: `${at}.clientConfig`,
      detail: 'exactly one of url or service is required',
    });
    return errors;
  }
  if (hasUrl) {
    let url: URL | undefined;
    try {
      url = new URL(String(cc.url));
    } catch {
      errors.push({
        type: 'FieldValueInvalid',
        field: `${at}.clientConfig.url`,
        value: cc.url,
        detail: 'must be a valid URL',
      });
    }
    if (url && url.protocol !== 'https:')
      errors.push({
        type: 'FieldValueInvalid',
        field: `${at}.clientConfig.url`,
        value: cc.url,
        detail: "'https' is the only allowed URL scheme",
      });
    if (url && (url.hash || url.username || url.password || url.search))
      errors.push({
        type: 'FieldValueInvalid',
        field: `${at}.clientConfig.url`,
        value: cc.url,
        detail: 'fragments, query parameters and user information are not permitted',
      });
  }
  if (hasService) {
    const svc = cc.service as Record<string, unknown>;
    for (const key of ['namespace', 'name'])
      if (typeof svc[key] !== 'string' || svc[key] === '')
        errors.push({ type: 'FieldValueRequired', field: `${at}.clientConfig.service.${key}` });
    const port = svc.port;
    if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535)
      errors.push({
        type: 'FieldValueInvalid',
        field: `${at}.clientConfig.service.port`,
        value: port,
        detail: 'port is not valid: must be between 1 and 65535, inclusive',
      });
    if (svc.path !== undefined && !(typeof svc.path === 'string' && svc.path.startsWith('/')))
      errors.push({
        type: 'FieldValueInvalid',
        field: `${at}.clientConfig.service.path`,
        value: svc.path,
        detail: "must start with a '/'",
      });
  }
  if (
    cc.caBundle !== undefined &&
    (typeof cc.caBundle !== 'string' || !/^[A-Za-z0-9+/=]*$/.test(cc.caBundle))
  )
    errors.push({
      type: 'FieldValueInvalid',
      field: `${at}.clientConfig.caBundle`,
      value: '',
      detail: 'must be base64',
    });
  return errors;
}

function validateRules(w: Record<string, unknown>, at: string): FieldError[] {
  const errors: FieldError[] = [];
  const rules = Array.isArray(w.rules) ? w.rules : [];
  rules.forEach((r, i) => {
    const p = `${at}.rules[${i}]`;
    if (!isObject(r)) return;
    for (const key of ['operations', 'apiGroups', 'apiVersions', 'resources'])
      if (strings(r[key]).length === 0) errors.push({ type: 'FieldValueRequired', field: `${p}.${key}` });
    strings(r.operations).forEach((op, j) => {
      if (!OPERATIONS.includes(op))
        errors.push(unsupported(`${p}.operations[${j}]`, op, OPERATIONS.slice(1)));
    });
    if (!['*', 'Cluster', 'Namespaced'].includes(String(r.scope)))
      errors.push(unsupported(`${p}.scope`, r.scope, ['Cluster', 'Namespaced', '*']));
  });
  return errors;
}

function validateWebhook(w: Record<string, unknown>, at: string, mutating: boolean): FieldError[] {
  const errors: FieldError[] = [];
  const name = typeof w.name === 'string' ? w.name : '';
  if (!name) errors.push({ type: 'FieldValueRequired', field: `${at}.name` });
  else if (!QUALIFIED_NAME.test(name) || name.split('.').length < 3)
    errors.push({
      type: 'FieldValueInvalid',
      field: `${at}.name`,
      value: name,
      detail: 'should be a domain with at least three segments separated by dots',
    });
  const versions = strings(w.admissionReviewVersions);
  if (versions.length === 0)
    errors.push({
      type: 'FieldValueRequired',
      field: `${at}.admissionReviewVersions`,
      detail: 'must specify one of v1, v1beta1',
    });
  else if (!versions.some((v) => v === 'v1' || v === 'v1beta1'))
    errors.push({
      type: 'FieldValueInvalid',
      field: `${at}.admissionReviewVersions`,
      value: versions,
      detail: 'must include at least one of v1, v1beta1',
    });
  if (w.sideEffects === undefined) errors.push({ type: 'FieldValueRequired', field: `${at}.sideEffects` });
  else if (w.sideEffects !== 'None' && w.sideEffects !== 'NoneOnDryRun')
    errors.push(unsupported(`${at}.sideEffects`, w.sideEffects, ['None', 'NoneOnDryRun']));
  if (!['Fail', 'Ignore'].includes(String(w.failurePolicy)))
    errors.push(unsupported(`${at}.failurePolicy`, w.failurePolicy, ['Fail', 'Ignore']));
  if (!['Exact', 'Equivalent'].includes(String(w.matchPolicy)))
    errors.push(unsupported(`${at}.matchPolicy`, w.matchPolicy, ['Equivalent', 'Exact']));
  const timeout = w.timeoutSeconds;
  if (!Number.isInteger(timeout) || (timeout as number) < 1 || (timeout as number) > 30)
    errors.push({
      type: 'FieldValueInvalid',
      field: `${at}.timeoutSeconds`,
      value: timeout,
      detail: 'the timeout value must be between 1 and 30 seconds',
    });
  if (mutating && !['Never', 'IfNeeded'].includes(String(w.reinvocationPolicy)))
    errors.push(unsupported(`${at}.reinvocationPolicy`, w.reinvocationPolicy, ['IfNeeded', 'Never']));
  errors.push(...validateClientConfig(w, at), ...validateRules(w, at));
  return errors;
}

function validateConfiguration(obj: K8sObject, mutating: boolean): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  webhooksOf(obj).forEach((w, i) => {
    const at = `webhooks[${i}]`;
    if (typeof w.name === 'string' && seen.has(w.name))
      errors.push({ type: 'FieldValueDuplicate', field: `${at}.name`, value: w.name });
    if (typeof w.name === 'string') seen.add(w.name);
    errors.push(...validateWebhook(w, at, mutating));
  });
  return errors;
}

/** Gives the two configuration kinds their defaulting and validation. */
export function registerWebhookKinds(registry: Registry): void {
  for (const [plural, mutating] of [
    ['mutatingwebhookconfigurations', true],
    ['validatingwebhookconfigurations', false],
  ] as const) {
    const rt = registry.get(ADMISSION_GROUP, 'v1', plural);
    if (!rt) continue;
    rt.defaults = (obj) => defaultWebhooks(obj, mutating);
    // webhooks: patchMergeKey name, listType map (kubectl apply changes one webhook of several).
    rt.patchMeta = objectMeta({ webhooks: { listType: 'map', keys: ['name'], items: {} } });
    rt.validate = (obj) => validateConfiguration(obj, mutating);
  }
}

/** The webhooks of a stored configuration, defaults applied (stored objects have them already). */
export function parseWebhooks(obj: K8sObject, mutating: boolean): Webhook[] {
  return webhooksOf(obj).map((w) => {
    const cc = isObject(w.clientConfig) ? w.clientConfig : {};
    const svc = isObject(cc.service) ? cc.service : undefined;
    return {
      name: String(w.name),
      configuration: obj.metadata.name ?? '',
      mutating,
      clientConfig: {
        url: typeof cc.url === 'string' ? cc.url : undefined,
        service: svc
          ? {
              namespace: String(svc.namespace),
              name: String(svc.name),
              path: typeof svc.path === 'string' ? svc.path : undefined,
              port: typeof svc.port === 'number' ? svc.port : 443,
            }
          : undefined,
        caBundle: typeof cc.caBundle === 'string' ? cc.caBundle : undefined,
      },
      rules: parseRules(w.rules),
      failurePolicy: w.failurePolicy === 'Ignore' ? 'Ignore' : 'Fail',
      matchPolicy: w.matchPolicy === 'Exact' ? 'Exact' : 'Equivalent',
      namespaceSelector: isObject(w.namespaceSelector) ? w.namespaceSelector : {},
      objectSelector: isObject(w.objectSelector) ? w.objectSelector : {},
      sideEffects: typeof w.sideEffects === 'string' ? w.sideEffects : 'Unknown',
      timeoutSeconds: typeof w.timeoutSeconds === 'number' ? w.timeoutSeconds : 10,
      admissionReviewVersions: strings(w.admissionReviewVersions),
      reinvocationPolicy: w.reinvocationPolicy === 'IfNeeded' ? 'IfNeeded' : 'Never',
    };
  });
}

/** Rules with operations, as webhooks and admission policies' matchConstraints spell them. */
export function parseRules(rules: unknown): RuleWithOperations[] {
  return (Array.isArray(rules) ? rules.filter(isObject) : []).map((r) => ({
    operations: strings(r.operations),
    apiGroups: strings(r.apiGroups),
    apiVersions: strings(r.apiVersions),
    resources: strings(r.resources),
    scope: typeof r.scope === 'string' ? r.scope : '*',
  }));
}
