// Behaviour of the kinds added for Kubernetes 1.32 API coverage (issue 17 class 5): conversions between
// served versions sharing one storage (autoscaling/v1 ↔ v2 HorizontalPodAutoscaler, events.k8s.io/v1 ↔
// core/v1 Event, as the apiserver's conversion functions map them), defaults, and validation
// (CronJob schedules and time zones, admission policies' required fields).
import { isObject } from '../../kube/json.js';
import type { FieldError } from '../base/status.js';
import type { K8sObject, VersionConversion } from '../base/types.js';
import { isValidTimeZone, parseSchedule } from './cron.js';

type Json = Record<string, unknown>;
const objAt = (o: Json, key: string): Json => (isObject(o[key]) ? o[key] : ((o[key] = {}), o[key] as Json));
const def = (o: Json, key: string, v: unknown) => {
  if (o[key] === undefined) o[key] = v;
};
const drop = (o: Json) => {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
};

/** autoscaling/v1 HorizontalPodAutoscaler ↔ autoscaling/v2 (the storage version). */
export const HPA_V1: VersionConversion = {
  fromStorage(obj) {
    const spec = (obj.spec ?? {}) as Json;
    const status = (obj.status ?? {}) as Json;
    const cpu = (m: unknown) =>
      isObject(m) && m.type === 'Resource' && isObject(m.resource) && m.resource.name === 'cpu'
        ? m.resource
        : undefined;
    const target = (Array.isArray(spec.metrics) ? spec.metrics : [])
      .map(cpu)
      .find((m): m is Json => m !== undefined);
    const current = (Array.isArray(status.currentMetrics) ? status.currentMetrics : [])
      .map(cpu)
      .find((m): m is Json => m !== undefined);
    return {
      ...obj,
      spec: drop({
        scaleTargetRef: spec.scaleTargetRef,
        minReplicas: spec.minReplicas,
        maxReplicas: spec.maxReplicas,
        targetCPUUtilizationPercentage: isObject(target?.target)
          ? target.target.averageUtilization
          : undefined,
      }),
      status: drop({
        observedGeneration: status.observedGeneration,
        lastScaleTime: status.lastScaleTime,
        currentReplicas: status.currentReplicas ?? 0,
        desiredReplicas: status.desiredReplicas ?? 0,
        currentCPUUtilizationPercentage: isObject(current?.current)
          ? current.current.averageUtilization
          : undefined,
      }),
    };
  },
  toStorage(obj) {
    const spec = (obj.spec ?? {}) as Json;
    const status = (obj.status ?? {}) as Json;
    const pct = spec.targetCPUUtilizationPercentage;
    const cpu = (key: string, v: unknown) => ({
      type: 'Resource',
      resource: { name: 'cpu', [key]: { type: 'Utilization', averageUtilization: v } },
    });
    return {
      ...obj,
      apiVersion: 'autoscaling/v2',
      spec: drop({
        scaleTargetRef: spec.scaleTargetRef,
        minReplicas: spec.minReplicas,
        maxReplicas: spec.maxReplicas,
        metrics: typeof pct === 'number' ? [cpu('target', pct)] : undefined,
      }),
      status: drop({
        observedGeneration: status.observedGeneration,
        lastScaleTime: status.lastScaleTime,
        currentReplicas: status.currentReplicas,
        desiredReplicas: status.desiredReplicas,
        currentMetrics:
          typeof status.currentCPUUtilizationPercentage === 'number'
            ? [cpu('current', status.currentCPUUtilizationPercentage)]
            : undefined,
      }),
    };
  },
};

/** events.k8s.io/v1 field ↔ core/v1 Event field (pkg/apis/events/v1 conversion). */
const EVENT_FIELDS: Array<[string, string]> = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
  ['reportingController', 'reportingComponent'],
];
function renamed(obj: K8sObject, pairs: Array<[string, string]>): K8sObject {
  const out: Json = { ...obj };
  for (const [from, to] of pairs) {
    if (from in out) out[to] = out[from];
    delete out[from];
  }
  return out as K8sObject;
}
export const EVENTS_V1: VersionConversion = {
  fromStorage: (obj) =>
    renamed(
      obj,
      EVENT_FIELDS.map(([a, b]) => [b, a]),
    ),
  toStorage: (obj) => ({ ...renamed(obj, EVENT_FIELDS), apiVersion: 'v1' }),
};

export const EXTRA_DEFAULTS: Record<string, (obj: K8sObject) => void> = {
  HorizontalPodAutoscaler(obj) {
    const spec = objAt(obj, 'spec');
    def(spec, 'minReplicas', 1);
    // autoscaling/v2 SetDefaults: without metrics, 80% average CPU utilization.
    if (!Array.isArray(spec.metrics) || spec.metrics.length === 0)
      spec.metrics = [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
        },
      ];
  },
  ValidatingAdmissionPolicy(obj) {
    const spec = objAt(obj, 'spec');
    def(spec, 'failurePolicy', 'Fail');
    const match = objAt(spec, 'matchConstraints');
    def(match, 'matchPolicy', 'Equivalent');
    def(match, 'namespaceSelector', {});
    def(match, 'objectSelector', {});
  },
  PriorityClass(obj) {
    def(obj, 'preemptionPolicy', 'PreemptLowerPriority');
  },
  APIService(obj) {
    def(objAt(obj, 'status'), 'conditions', [
      {
        type: 'Available',
        status: 'True',
        lastTransitionTime: obj.metadata.creationTimestamp,
        reason: 'Local',
        message: 'Local APIServices are always available',
      },
    ]);
  },
};

function cronJob(obj: K8sObject): FieldError[] {
  const errors: FieldError[] = [];
  const spec = (obj.spec ?? {}) as Json;
  const schedule = spec.schedule;
  if (typeof schedule !== 'string' || schedule === '')
    errors.push({ type: 'FieldValueRequired', field: 'spec.schedule' });
  else {
    try {
      parseSchedule(schedule);
    } catch (err) {
      errors.push({
        type: 'FieldValueInvalid',
        field: 'spec.schedule',
        value: schedule,
        detail: (err as Error).message,
      });
    }
    if (schedule.includes('TZ'))
      errors.push({
        type: 'FieldValueInvalid',
        field: 'spec.schedule',
        value: schedule,
        detail: 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
      });
  }
  const zone = spec.timeZone;
  if (zone !== undefined && zone !== null) {
    if (typeof zone !== 'string' || zone === '' || zone === 'Local' || !isValidTimeZone(zone))
      errors.push({
        type: 'FieldValueInvalid',
        field: 'spec.timeZone',
        value: zone,
        detail: `unknown time zone ${JSON.stringify(zone)}`,
      });
  }
  const policies = ['Allow', 'Forbid', 'Replace'];
  if (!policies.includes(String(spec.concurrencyPolicy)))
    errors.push({
      type: 'FieldValueNotSupported',
      field: 'spec.concurrencyPolicy',
      value: spec.concurrencyPolicy,
      allowed: policies,
    });
  const restart = (((spec.jobTemplate as Json)?.spec as Json)?.template as Json)?.spec as Json | undefined;
  if (restart && restart.restartPolicy !== 'Never' && restart.restartPolicy !== 'OnFailure')
    errors.push({
      type: 'FieldValueNotSupported',
      field: 'spec.jobTemplate.spec.template.spec.restartPolicy',
      value: restart.restartPolicy ?? 'Always',
      allowed: ['OnFailure', 'Never'],
    });
  return errors;
}

export const EXTRA_VALIDATORS: Record<string, (obj: K8sObject, old: K8sObject | undefined) => FieldError[]> =
  {
    CronJob: (obj) => cronJob(obj),
    HorizontalPodAutoscaler(obj) {
      const spec = (obj.spec ?? {}) as Json;
      const errors: FieldError[] = [];
      if (!isObject(spec.scaleTargetRef) || !spec.scaleTargetRef.kind)
        errors.push({ type: 'FieldValueRequired', field: 'spec.scaleTargetRef.kind' });
      if (!isObject(spec.scaleTargetRef) || !spec.scaleTargetRef.name)
        errors.push({ type: 'FieldValueRequired', field: 'spec.scaleTargetRef.name' });
      const min = Number(spec.minReplicas ?? 1);
      if (typeof spec.maxReplicas !== 'number' || spec.maxReplicas < 1)
        errors.push({
          type: 'FieldValueInvalid',
          field: 'spec.maxReplicas',
          value: spec.maxReplicas ?? 0,
          detail: 'must be greater than or equal to 1',
        });
      else if (spec.maxReplicas < min)
        errors.push({
          type: 'FieldValueInvalid',
          field: 'spec.maxReplicas',
          value: spec.maxReplicas,
          detail: 'must be greater than or equal to `minReplicas`',
        });
      return errors;
    },
    ValidatingAdmissionPolicyBinding(obj) {
      const spec = (obj.spec ?? {}) as Json;
      const errors: FieldError[] = [];
      if (!spec.policyName) errors.push({ type: 'FieldValueRequired', field: 'spec.policyName' });
      if (!Array.isArray(spec.validationActions) || spec.validationActions.length === 0)
        errors.push({ type: 'FieldValueRequired', field: 'spec.validationActions' });
      return errors;
    },
    ValidatingAdmissionPolicy(obj) {
      const spec = (obj.spec ?? {}) as Json;
      const none = (k: string) => !Array.isArray(spec[k]) || (spec[k] as unknown[]).length === 0;
      if (none('validations') && none('auditAnnotations'))
        return [
          {
            type: 'FieldValueRequired',
            field: 'spec.validations',
            detail: 'validations or auditAnnotations must contain at least one item',
          },
        ];
      return [];
    },
  };
