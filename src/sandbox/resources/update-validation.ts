// What kube-apiserver refuses to change on update (pkg/apis/core/validation, pkg/apis/apps/validation,
// pkg/apis/batch/validation): immutable ConfigMaps and Secrets, a Secret's type, a Service's cluster
// IPs, a Pod's spec beyond its few mutable fields, a Job's selector and template, a StatefulSet's spec
// beyond the fields its update may touch, the selectors of the other workloads.
import type { FieldError } from '../base/status.js';
import type { K8sObject } from '../base/types.js';
import { clone, getPath } from '../base/paths.js';
import { deepEqual, isObject } from '../../kube/json.js';

type Json = Record<string, unknown>;
const IMMUTABLE = 'field is immutable';
const IMMUTABLE_WHEN_SET = 'field is immutable when `immutable` is set';

const objectAt = (v: unknown): Json => (isObject(v) ? v : {});

/** Go's %#v of a v1.LabelSelector, as the apiserver prints a selector that may not change. */
export function labelSelectorText(selector: unknown): string {
  if (selector === undefined || selector === null) return 'null';
  const s = objectAt(selector);
  const labels = isObject(s.matchLabels)
    ? `map[string]string{${Object.entries(s.matchLabels)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
        .join(', ')}}`
    : 'map[string]string(nil)';
  const exprs = Array.isArray(s.matchExpressions)
    ? `[]v1.LabelSelectorRequirement{${s.matchExpressions
        .filter(isObject)
        .map((e) => {
          const values = Array.isArray(e.values)
            ? `[]string{${e.values.map((v) => JSON.stringify(v)).join(', ')}}`
            : '[]string(nil)';
          return `v1.LabelSelectorRequirement{Key:${JSON.stringify(e.key ?? '')}, Operator:${JSON.stringify(e.operator ?? '')}, Values:${values}}`;
        })
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${labels}, MatchExpressions:${exprs}}`;
}

/** ValidateImmutableField of a selector. */
export function selectorUnchanged(obj: K8sObject, old: K8sObject, path = 'spec.selector'): FieldError[] {
  const now = getPath(obj, path);
  if (deepEqual(now, getPath(old, path))) return [];
  return [
    {
      type: 'FieldValueInvalid',
      field: path,
      value: now,
      valueText: labelSelectorText(now),
      detail: IMMUTABLE,
    },
  ];
}

function immutableObject(obj: K8sObject, old: K8sObject, fields: string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const errors: FieldError[] = [];
  if (obj.immutable !== true)
    errors.push({ type: 'FieldValueForbidden', field: 'immutable', detail: IMMUTABLE_WHEN_SET });
  for (const f of fields)
    if (!deepEqual(emptyAsAbsent(obj[f]), emptyAsAbsent(old[f])))
      errors.push({ type: 'FieldValueForbidden', field: f, detail: IMMUTABLE_WHEN_SET });
  return errors;
}

/** Go compares maps with reflect.DeepEqual after decoding: an empty map and none differ, but {} decodes to an empty map only when sent. */
function emptyAsAbsent(v: unknown): unknown {
  return isObject(v) && Object.keys(v).length === 0 ? undefined : v;
}

export function configMapUpdate(obj: K8sObject, old: K8sObject): FieldError[] {
  return immutableObject(obj, old, ['data', 'binaryData']);
}

export function secretUpdate(obj: K8sObject, old: K8sObject): FieldError[] {
  const errors: FieldError[] = [];
  const type = obj.type ?? 'Opaque';
  if (type !== (old.type ?? 'Opaque'))
    errors.push({ type: 'FieldValueInvalid', field: 'type', value: type, detail: IMMUTABLE });
  return [...errors, ...immutableObject(obj, old, ['data'])];
}

/** ValidateSecret's per-type rules: the keys each well-known type requires. */
export function secretTypeErrors(obj: K8sObject): FieldError[] {
  const data = objectAt(obj.data);
  const has = (k: string) => k in data;
  const required = (k: string): FieldError => ({ type: 'FieldValueRequired', field: `data[${k}]` });
  const jsonErrors = (k: string): FieldError[] => {
    try {
      const parsed: unknown = JSON.parse(Buffer.from(String(data[k]), 'base64').toString('utf8'));
      if (isObject(parsed)) return [];
      throw new Error(
        `json: cannot unmarshal ${Array.isArray(parsed) ? 'array' : typeof parsed} into Go value of type map[string]interface {}`,
      );
    } catch (e) {
      return [
        {
          type: 'FieldValueInvalid',
          field: `data[${k}]`,
          valueText: '"<secret contents redacted>"',
          detail: (e as Error).message,
        },
      ];
    }
  };
  switch (obj.type) {
    case 'kubernetes.io/service-account-token':
      return obj.metadata.annotations?.['kubernetes.io/service-account.name']
        ? []
        : [{ type: 'FieldValueRequired', field: 'metadata.annotations[kubernetes.io/service-account.name]' }];
    case 'kubernetes.io/dockercfg':
      return has('.dockercfg') ? jsonErrors('.dockercfg') : [required('.dockercfg')];
    case 'kubernetes.io/dockerconfigjson':
      return has('.dockerconfigjson') ? jsonErrors('.dockerconfigjson') : [required('.dockerconfigjson')];
    case 'kubernetes.io/basic-auth':
      return has('username') || has('password') ? [] : [required('username'), required('password')];
    case 'kubernetes.io/ssh-auth':
      return data['ssh-privatekey'] ? [] : [required('ssh-privatekey')];
    case 'kubernetes.io/tls':
      return [
        ...(has('tls.crt') ? [] : [required('tls.crt')]),
        ...(has('tls.key') ? [] : [required('tls.key')]),
      ];
    default:
      return [];
  }
}

/**
 * The cluster IPs an update ends with, as the Service registry fixes them up before validation
 * (patchAllocatedValues, then normalizeClusterIPs), and validateUpgradeDowngradeClusterIPs' verdict:
 * the primary IP may not change once set.
 */
export function serviceUpdate(obj: K8sObject, old: K8sObject): FieldError[] {
  const spec = objectAt(obj.spec);
  const oldSpec = objectAt(old.spec);
  if (spec.type === 'ExternalName' || oldSpec.type === 'ExternalName') return [];
  const oldIps = Array.isArray(oldSpec.clusterIPs) ? oldSpec.clusterIPs.map(String) : [];
  const oldIp = typeof oldSpec.clusterIP === 'string' ? oldSpec.clusterIP : '';
  const ip = typeof spec.clusterIP === 'string' && spec.clusterIP !== '' ? spec.clusterIP : oldIp;
  let ips =
    Array.isArray(spec.clusterIPs) && spec.clusterIPs.length > 0 ? spec.clusterIPs.map(String) : undefined;
  if (!ips) ips = ip === oldIp ? oldIps : [ip];
  else if (ip !== oldIp && deepEqual(ips, oldIps)) ips = [ip];
  if (oldIps.length > 0 && ips.length > 0 && ips[0] !== oldIps[0])
    return [
      {
        type: 'FieldValueInvalid',
        field: 'spec.clusterIPs[0]',
        value: ips,
        detail: 'may not change once set',
      },
    ];
  return [];
}

const POD_UPDATE_MESSAGE =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** ValidatePodUpdate for the spec: what may change, and the Forbidden for anything else. */
export function podSpecUpdate(obj: K8sObject, old: K8sObject): FieldError[] {
  const spec = objectAt(obj.spec);
  const oldSpec = objectAt(old.spec);
  const deadline = spec.activeDeadlineSeconds;
  const oldDeadline = oldSpec.activeDeadlineSeconds;
  if (typeof deadline === 'number') {
    if (deadline < 0 || deadline > 2147483647)
      return [
        {
          type: 'FieldValueInvalid',
          field: 'spec.activeDeadlineSeconds',
          value: deadline,
          detail: 'must be between 0 and 2147483647, inclusive',
        },
      ];
    if (typeof oldDeadline === 'number' && oldDeadline < deadline)
      return [
        {
          type: 'FieldValueInvalid',
          field: 'spec.activeDeadlineSeconds',
          value: deadline,
          detail: 'must be less than or equal to previous value',
        },
      ];
  } else if (typeof oldDeadline === 'number')
    return [
      {
        type: 'FieldValueInvalid',
        field: 'spec.activeDeadlineSeconds',
        value: null,
        detail: 'must not update from a positive integer to nil value',
      },
    ];

  const munged = clone(spec);
  for (const list of ['containers', 'initContainers']) {
    const mine = munged[list];
    const theirs = oldSpec[list];
    if (!Array.isArray(mine) || !Array.isArray(theirs)) continue;
    mine.forEach((c, i) => {
      if (isObject(c) && isObject(theirs[i])) c.image = theirs[i].image;
    });
  }
  munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  if (munged.activeDeadlineSeconds === undefined) delete munged.activeDeadlineSeconds;
  const errors: FieldError[] = [];
  const tolerations = Array.isArray(spec.tolerations) ? spec.tolerations : [];
  const oldTolerations = Array.isArray(oldSpec.tolerations) ? oldSpec.tolerations : [];
  if (!oldTolerations.every((t) => tolerations.some((n) => sameToleration(n, t))))
    errors.push({
      type: 'FieldValueForbidden',
      field: 'spec.tolerations',
      detail: 'existing toleration can not be modified except its tolerationSeconds',
    });
  setOrDelete(munged, 'tolerations', oldSpec.tolerations);
  const grace = oldSpec.terminationGracePeriodSeconds;
  if (typeof grace === 'number' && grace < 0 && spec.terminationGracePeriodSeconds === 1)
    munged.terminationGracePeriodSeconds = grace;
  // Scheduling gates may only be removed.
  const gates = Array.isArray(spec.schedulingGates) ? spec.schedulingGates : [];
  const oldGates = Array.isArray(oldSpec.schedulingGates) ? oldSpec.schedulingGates : [];
  if (gates.every((g) => oldGates.some((o) => deepEqual(o, g))))
    setOrDelete(munged, 'schedulingGates', oldSpec.schedulingGates);
  if (!deepEqual(munged, oldSpec))
    errors.push({
      type: 'FieldValueForbidden',
      field: 'spec',
      detail: `${POD_UPDATE_MESSAGE}\n${specDiff('core.PodSpec', oldSpec, munged)}`,
    });
  return errors;
}

function sameToleration(a: unknown, b: unknown): boolean {
  if (!isObject(a) || !isObject(b)) return false;
  const { tolerationSeconds: _a, ...ra } = a;
  const { tolerationSeconds: _b, ...rb } = b;
  return deepEqual(ra, rb);
}

function setOrDelete(o: Json, key: string, v: unknown): void {
  if (v === undefined) delete o[key];
  else o[key] = v;
}

/** The changed top-level fields, in the shape of the cmp.Diff the apiserver appends (values as JSON). */
function specDiff(type: string, before: Json, after: Json): string {
  const lines = [`  ${type}{`];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const k of keys) {
    if (deepEqual(before[k], after[k])) continue;
    const go = k[0].toUpperCase() + k.slice(1);
    if (before[k] !== undefined) lines.push(`- \t${go}: ${JSON.stringify(before[k])},`);
    if (after[k] !== undefined) lines.push(`+ \t${go}: ${JSON.stringify(after[k])},`);
  }
  lines.push('  }');
  return lines.join('\n');
}

/** ValidateJobSpecUpdate: selector, template (scheduling directives aside while suspended and never started), and the fixed modes. */
export function jobUpdate(obj: K8sObject, old: K8sObject): FieldError[] {
  const errors = selectorUnchanged(obj, old);
  const spec = objectAt(obj.spec);
  const oldSpec = objectAt(old.spec);
  for (const f of ['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'completions']) {
    if (f === 'completions' && spec.completionMode === 'Indexed' && spec.completions === spec.parallelism)
      continue;
    if (!deepEqual(spec[f], oldSpec[f]))
      errors.push({ type: 'FieldValueInvalid', field: `spec.${f}`, value: spec[f], detail: IMMUTABLE });
  }
  const template = objectAt(spec.template);
  let oldTemplate = objectAt(oldSpec.template);
  const neverStarted = getPath(old, 'status.startTime') === undefined;
  if (spec.suspend === true && neverStarted) {
    // Mutable scheduling directives: what a queue controller changes before it starts the Job.
    oldTemplate = clone(oldTemplate);
    const t = objectAt(template.spec);
    const o = objectAt(oldTemplate.spec);
    for (const f of ['nodeSelector', 'tolerations', 'affinity', 'schedulingGates']) setOrDelete(o, f, t[f]);
    oldTemplate.spec = o;
    const meta = objectAt(oldTemplate.metadata);
    const tmeta = objectAt(template.metadata);
    for (const f of ['labels', 'annotations']) setOrDelete(meta, f, tmeta[f]);
    oldTemplate.metadata = meta;
  }
  if (!deepEqual(template, oldTemplate))
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.template',
      value: template,
      valueText: 'core.PodTemplateSpec{...}',
      detail: IMMUTABLE,
    });
  return errors;
}

const STATEFULSET_MUTABLE = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'revisionHistoryLimit',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
];

/** ValidateStatefulSetUpdate: a spec that differs in anything but its mutable fields is Forbidden. */
export function statefulSetUpdate(obj: K8sObject, old: K8sObject): FieldError[] {
  const spec = clone(objectAt(obj.spec));
  const oldSpec = objectAt(old.spec);
  for (const f of STATEFULSET_MUTABLE) setOrDelete(spec, f, oldSpec[f]);
  if (deepEqual(spec, oldSpec)) return [];
  return [
    {
      type: 'FieldValueForbidden',
      field: 'spec',
      detail:
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    },
  ];
}
