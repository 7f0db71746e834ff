// The validation of built-in kinds that clients meet in practice: names, required fields, selectors
// that must match their template, immutable fields. Wording follows the apiserver's field errors.
import type { FieldError } from '../base/status.js';
import type { K8sObject } from '../base/types.js';
import { getPath } from '../base/paths.js';
import { isObject } from '../../kube/json.js';
import {
  configMapUpdate,
  jobUpdate,
  podSpecUpdate,
  secretTypeErrors,
  secretUpdate,
  selectorUnchanged,
  serviceUpdate,
  statefulSetUpdate,
} from './update-validation.js';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

export type NameRule = 'subdomain' | 'label' | 'path';

export function validateName(name: string, rule: NameRule): FieldError[] {
  if (rule === 'path') {
    if (name === '.' || name === '..' || name.includes('/') || name.includes('%'))
      return [
        {
          type: 'FieldValueInvalid',
          field: 'metadata.name',
          value: name,
          detail: `may not contain '/' or '%'`,
        },
      ];
    return [];
  }
  const [re, max, msg] =
    rule === 'label' ? [DNS1123_LABEL, 63, LABEL_MSG] : [DNS1123_SUBDOMAIN, 253, SUBDOMAIN_MSG];
  const errors: FieldError[] = [];
  if (name.length > max)
    errors.push({
      type: 'FieldValueInvalid',
      field: 'metadata.name',
      value: name,
      detail: `must be no more than ${max} characters`,
    });
  if (!re.test(name))
    errors.push({ type: 'FieldValueInvalid', field: 'metadata.name', value: name, detail: msg });
  return errors;
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

export function validateLabels(labels: unknown, field: string): FieldError[] {
  if (labels === undefined) return [];
  if (!isObject(labels))
    return [{ type: 'FieldValueInvalid', field, value: labels, detail: 'must be a map' }];
  const errors: FieldError[] = [];
  for (const [k, v] of Object.entries(labels)) {
    const [prefix, name] = k.includes('/')
      ? [k.slice(0, k.lastIndexOf('/')), k.slice(k.lastIndexOf('/') + 1)]
      : ['', k];
    if (!QUALIFIED_NAME.test(name) || name.length > 63 || (prefix && !DNS1123_SUBDOMAIN.test(prefix)))
      errors.push({
        type: 'FieldValueInvalid',
        field,
        value: k,
        detail:
          "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      });
    if (typeof v !== 'string' || !LABEL_VALUE.test(v) || v.length > 63)
      errors.push({
        type: 'FieldValueInvalid',
        field: `${field}`,
        value: v,
        detail:
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      });
  }
  return errors;
}

function containers(spec: unknown, path: string): FieldError[] {
  const list = getPath(spec, 'containers');
  if (!Array.isArray(list) || list.length === 0)
    return [{ type: 'FieldValueRequired', field: `${path}.containers` }];
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  list.forEach((c, i) => {
    const p = `${path}.containers[${i}]`;
    if (!isObject(c)) return;
    if (typeof c.name !== 'string' || c.name === '')
      errors.push({ type: 'FieldValueRequired', field: `${p}.name` });
    else if (seen.has(c.name))
      errors.push({ type: 'FieldValueDuplicate', field: `${p}.name`, value: c.name });
    else seen.add(c.name);
    if (typeof c.image !== 'string' || c.image === '')
      errors.push({ type: 'FieldValueRequired', field: `${p}.image` });
  });
  return errors;
}

/** A label selector matches a set of labels (matchLabels and matchExpressions). */
export function selectorMatches(selector: unknown, labels: Record<string, string> = {}): boolean {
  if (!isObject(selector)) return false;
  const ml = isObject(selector.matchLabels) ? selector.matchLabels : {};
  for (const [k, v] of Object.entries(ml)) if (labels[k] !== v) return false;
  const exprs = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  for (const e of exprs) {
    if (!isObject(e)) return false;
    const key = String(e.key);
    const values = Array.isArray(e.values) ? e.values.map(String) : [];
    const has = key in labels;
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

function selectorEmpty(selector: unknown): boolean {
  if (!isObject(selector)) return true;
  const ml = isObject(selector.matchLabels) ? Object.keys(selector.matchLabels).length : 0;
  const me = Array.isArray(selector.matchExpressions) ? selector.matchExpressions.length : 0;
  return ml + me === 0;
}

/** Deployment, ReplicaSet, StatefulSet, DaemonSet: a selector that selects the template. */
function workload(obj: K8sObject, old: K8sObject | undefined, options: { restartPolicies?: string[] } = {}) {
  const errors: FieldError[] = [];
  const selector = getPath(obj, 'spec.selector');
  const labels = getPath(obj, 'spec.template.metadata.labels') as Record<string, string> | undefined;
  if (selectorEmpty(selector)) {
    errors.push({ type: 'FieldValueRequired', field: 'spec.selector' });
  }
  if (!selectorMatches(selector, labels)) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.template.metadata.labels',
      value: labels,
      detail: '`selector` does not match template `labels`',
    });
  }
  errors.push(...validateLabels(labels, 'spec.template.metadata.labels'));
  errors.push(...containers(getPath(obj, 'spec.template.spec'), 'spec.template.spec'));
  const restart = getPath(obj, 'spec.template.spec.restartPolicy');
  if (options.restartPolicies && !options.restartPolicies.includes(String(restart))) {
    errors.push({
      type: 'FieldValueNotSupported',
      field: 'spec.template.spec.restartPolicy',
      value: restart,
      allowed: options.restartPolicies,
    });
  }
  // A StatefulSet's selector is part of the spec its update may not change (statefulSetUpdate).
  if (old && obj.kind !== 'StatefulSet') errors.push(...selectorUnchanged(obj, old));
  for (const key of ['replicas']) {
    const v = getPath(obj, `spec.${key}`);
    if (v !== undefined && (!Number.isInteger(v) || (v as number) < 0))
      errors.push({
        type: 'FieldValueInvalid',
        field: `spec.${key}`,
        value: v,
        detail: 'must be greater than or equal to 0',
      });
  }
  return errors;
}

type Validator = (obj: K8sObject, old: K8sObject | undefined, subresource?: string) => FieldError[];

export const VALIDATORS: Record<string, Validator> = {
  Pod(obj, old, subresource) {
    const errors = containers(obj.spec, 'spec');
    // Binding sets spec.nodeName and status writes leave the spec alone: only the main resource's
    // update is held to ValidatePodUpdate.
    if (old && !subresource) errors.push(...podSpecUpdate(obj, old));
    return errors;
  },
  Deployment: (obj, old) => workload(obj, old),
  ReplicaSet: (obj, old) => workload(obj, old),
  StatefulSet: (obj, old) => [...workload(obj, old), ...(old ? statefulSetUpdate(obj, old) : [])],
  DaemonSet: (obj, old) => workload(obj, old, { restartPolicies: ['Always'] }),
  Job(obj, old) {
    const errors = containers(getPath(obj, 'spec.template.spec'), 'spec.template.spec');
    if (old) errors.push(...jobUpdate(obj, old));
    const restart = getPath(obj, 'spec.template.spec.restartPolicy');
    if (restart !== 'Never' && restart !== 'OnFailure')
      errors.push({
        type: 'FieldValueNotSupported',
        field: 'spec.template.spec.restartPolicy',
        value: restart ?? 'Always',
        allowed: ['OnFailure', 'Never'],
      });
    return errors;
  },
  Service(obj, old) {
    const spec = isObject(obj.spec) ? obj.spec : {};
    const errors: FieldError[] = old ? serviceUpdate(obj, old) : [];
    const ports = spec.ports;
    if (
      spec.type !== 'ExternalName' &&
      spec.clusterIP !== 'None' &&
      (!Array.isArray(ports) || ports.length === 0)
    )
      errors.push({ type: 'FieldValueRequired', field: 'spec.ports' });
    if (Array.isArray(ports)) {
      ports.forEach((p, i) => {
        if (!isObject(p)) return;
        if (!Number.isInteger(p.port) || (p.port as number) < 1 || (p.port as number) > 65535)
          errors.push({
            type: 'FieldValueInvalid',
            field: `spec.ports[${i}].port`,
            value: p.port,
            detail: 'must be between 1 and 65535, inclusive',
          });
        if (ports.length > 1 && !p.name)
          errors.push({ type: 'FieldValueRequired', field: `spec.ports[${i}].name` });
      });
    }
    const types = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];
    if (!types.includes(String(spec.type)))
      errors.push({ type: 'FieldValueNotSupported', field: 'spec.type', value: spec.type, allowed: types });
    return errors;
  },
  ConfigMap(obj, old) {
    const errors: FieldError[] = old ? configMapUpdate(obj, old) : [];
    for (const key of Object.keys(isObject(obj.data) ? obj.data : {})) {
      if (!/^[-._a-zA-Z0-9]+$/.test(key))
        errors.push({
          type: 'FieldValueInvalid',
          field: 'data',
          value: key,
          detail: "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
        });
    }
    return errors;
  },
  Secret(obj, old) {
    const errors: FieldError[] = old ? secretUpdate(obj, old) : [];
    for (const [key, v] of Object.entries(isObject(obj.data) ? obj.data : {})) {
      if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4 !== 0)
        errors.push({
          type: 'FieldValueInvalid',
          field: `data[${key}]`,
          value: '<secret contents redacted>',
          detail: 'illegal base64 data',
        });
    }
    return [...errors, ...secretTypeErrors(obj)];
  },
};
