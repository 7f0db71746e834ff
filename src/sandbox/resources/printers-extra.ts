// Server-side Table columns of the kinds beyond the common ones, after kube-apiserver's printers
// (pkg/printers/internalversion/printers.go; kube-aggregator's for APIService). Priority 1: -o wide only.
import type { K8sObject, Printer } from '../base/types.js';
import { getPath, text } from '../base/paths.js';
import { isObject } from '../../kube/json.js';
import { AGE, age, col, NAME } from './printer-columns.js';

const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown, none = '<none>') => (v === undefined || v === null || v === '' ? none : text(v));

function hpaTargets(o: K8sObject): string {
  const metrics = arr(getPath(o, 'spec.metrics')).filter(isObject);
  const current = arr(getPath(o, 'status.currentMetrics')).filter(isObject);
  if (metrics.length === 0) return '<none>';
  return metrics
    .map((m, i) => {
      const target = isObject(m.resource) && isObject(m.resource.target) ? m.resource.target : undefined;
      const cur = current[i] && isObject(current[i].resource) ? current[i].resource.current : undefined;
      const now =
        isObject(cur) && cur.averageUtilization !== undefined
          ? `${text(cur.averageUtilization)}%`
          : '<unknown>';
      if (m.type === 'Resource' && target?.type === 'Utilization')
        return `${text((m.resource as Record<string, unknown>).name)}: ${now}/${target.averageUtilization}%`;
      return `${now}/${text(target?.averageValue ?? target?.value ?? '')}`;
    })
    .join(', ');
}

function condition(o: K8sObject, type: string): Record<string, unknown> | undefined {
  return arr(getPath(o, 'status.conditions'))
    .filter(isObject)
    .find((c) => c.type === type);
}

const EXTRA: Record<string, Printer> = {
  HorizontalPodAutoscaler: {
    columns: [
      NAME,
      col('Reference'),
      col('Targets'),
      col('MinPods', 0, 'string'),
      col('MaxPods', 0, 'integer'),
      col('Replicas', 0, 'integer'),
      AGE,
    ],
    cells: (o, now) => [
      o.metadata.name,
      `${text(getPath(o, 'spec.scaleTargetRef.kind'))}/${text(getPath(o, 'spec.scaleTargetRef.name'))}`,
      hpaTargets(o),
      str(getPath(o, 'spec.minReplicas'), '<unset>'),
      getPath(o, 'spec.maxReplicas') ?? 0,
      getPath(o, 'status.currentReplicas') ?? 0,
      age(o, now),
    ],
  },
  PriorityClass: {
    columns: [
      NAME,
      col('Value', 0, 'integer'),
      col('Global-Default', 0, 'boolean'),
      col('PreemptionPolicy'),
      AGE,
    ],
    cells: (o, now) => [
      o.metadata.name,
      o.value ?? 0,
      o.globalDefault ?? false,
      str(o.preemptionPolicy, 'PreemptLowerPriority'),
      age(o, now),
    ],
  },
  APIService: {
    columns: [NAME, col('Service'), col('Available'), AGE],
    cells(o, now) {
      const svc = getPath(o, 'spec.service');
      const available = condition(o, 'Available');
      const state = !available
        ? 'Unknown'
        : available.status === 'True'
          ? 'True'
          : `${text(available.status)} (${text(available.reason)})`;
      return [
        o.metadata.name,
        isObject(svc) ? `${text(svc.namespace)}/${text(svc.name)}` : 'Local',
        state,
        age(o, now),
      ];
    },
  },
  CertificateSigningRequest: {
    columns: [NAME, AGE, col('SignerName'), col('Requestor'), col('RequestedDuration'), col('Condition')],
    cells(o, now) {
      const conds = arr(getPath(o, 'status.conditions'))
        .filter(isObject)
        .map((c) => text(c.type));
      if (getPath(o, 'status.certificate')) conds.push('Issued');
      const secs = getPath(o, 'spec.expirationSeconds');
      return [
        o.metadata.name,
        age(o, now),
        str(getPath(o, 'spec.signerName')),
        str(getPath(o, 'spec.username')),
        typeof secs === 'number' ? `${Math.round(secs / 60)}m` : '<none>',
        conds.length ? conds.join(',') : 'Pending',
      ];
    },
  },
  FlowSchema: {
    columns: [
      NAME,
      col('PriorityLevel'),
      col('MatchingPrecedence', 0, 'string'),
      col('DistinguisherMethod'),
      AGE,
      col('MissingPL'),
    ],
    cells: (o, now) => [
      o.metadata.name,
      text(getPath(o, 'spec.priorityLevelConfiguration.name')),
      text(getPath(o, 'spec.matchingPrecedence') ?? 1000),
      str(getPath(o, 'spec.distinguisherMethod.type')),
      age(o, now),
      condition(o, 'Dangling')?.status === 'True' ? 'True' : condition(o, 'Dangling') ? 'False' : '?',
    ],
  },
  PriorityLevelConfiguration: {
    columns: [
      NAME,
      col('Type'),
      col('NominalConcurrencyShares', 0, 'string'),
      col('Queues', 0, 'string'),
      col('HandSize', 0, 'string'),
      col('QueueLengthLimit', 0, 'string'),
      AGE,
    ],
    cells(o, now) {
      const limited = getPath(o, 'spec.limited');
      const queuing = isObject(limited) ? getPath(limited, 'limitResponse.queuing') : undefined;
      const q = (k: string) => (isObject(queuing) ? text(queuing[k]) : '<none>');
      return [
        o.metadata.name,
        text(getPath(o, 'spec.type')),
        isObject(limited) ? text(limited.nominalConcurrencyShares ?? 30) : '<none>',
        q('queues'),
        q('handSize'),
        q('queueLengthLimit'),
        age(o, now),
      ];
    },
  },
  RuntimeClass: {
    columns: [NAME, col('Handler'), AGE],
    cells: (o, now) => [o.metadata.name, text(o.handler), age(o, now)],
  },
  ValidatingAdmissionPolicy: {
    columns: [NAME, col('Validations', 0, 'integer'), col('ParamKind'), AGE],
    cells(o, now) {
      const pk = getPath(o, 'spec.paramKind');
      return [
        o.metadata.name,
        arr(getPath(o, 'spec.validations')).length,
        isObject(pk) ? `${text(pk.apiVersion)}/${text(pk.kind)}` : '<unset>',
        age(o, now),
      ];
    },
  },
  ValidatingAdmissionPolicyBinding: {
    columns: [NAME, col('PolicyName'), col('ParamRef'), AGE],
    cells(o, now) {
      const ref = getPath(o, 'spec.paramRef');
      return [
        o.metadata.name,
        text(getPath(o, 'spec.policyName')),
        isObject(ref)
          ? `${ref.namespace ? `${text(ref.namespace)}/` : ''}${text(ref.name ?? '*')}`
          : '<unset>',
        age(o, now),
      ];
    },
  },
  ComponentStatus: {
    columns: [NAME, col('Status'), col('Message'), col('Error')],
    cells(o) {
      const healthy = arr(o.conditions)
        .filter(isObject)
        .find((c) => c.type === 'Healthy');
      return [
        o.metadata.name,
        healthy?.status === 'True' ? 'Healthy' : 'Unhealthy',
        text(healthy?.message ?? ''),
        text(healthy?.error ?? ''),
      ];
    },
  },
  PodDisruptionBudget: {
    columns: [
      NAME,
      col('Min Available'),
      col('Max Unavailable'),
      col('Allowed Disruptions', 0, 'integer'),
      AGE,
    ],
    cells: (o, now) => [
      o.metadata.name,
      str(getPath(o, 'spec.minAvailable'), 'N/A'),
      str(getPath(o, 'spec.maxUnavailable'), 'N/A'),
      getPath(o, 'status.disruptionsAllowed') ?? 0,
      age(o, now),
    ],
  },
  IngressClass: {
    columns: [NAME, col('Controller'), col('Parameters'), AGE],
    cells(o, now) {
      const p = getPath(o, 'spec.parameters');
      return [
        o.metadata.name,
        text(getPath(o, 'spec.controller')),
        isObject(p) ? `${text(p.kind)}/${text(p.name)}` : '<none>',
        age(o, now),
      ];
    },
  },
  Ingress: {
    columns: [NAME, col('Class'), col('Hosts'), col('Address'), col('Ports'), AGE],
    cells(o, now) {
      const rules = arr(getPath(o, 'spec.rules')).filter(isObject);
      const hosts = rules.map((r) => text(r.host ?? '')).filter(Boolean);
      const lb = arr(getPath(o, 'status.loadBalancer.ingress'))
        .filter(isObject)
        .map((i) => text(i.ip ?? i.hostname));
      return [
        o.metadata.name,
        str(getPath(o, 'spec.ingressClassName')),
        hosts.length ? hosts.join(',') : '*',
        lb.join(','),
        arr(getPath(o, 'spec.tls')).length ? '80, 443' : '80',
        age(o, now),
      ];
    },
  },
  NetworkPolicy: {
    columns: [NAME, col('Pod-Selector'), AGE],
    cells(o, now) {
      const labels = getPath(o, 'spec.podSelector.matchLabels');
      const sel = isObject(labels)
        ? Object.entries(labels)
            .map(([k, v]) => `${k}=${text(v)}`)
            .join(',')
        : '';
      return [o.metadata.name, sel || '<none>', age(o, now)];
    },
  },
  StorageClass: {
    columns: [
      NAME,
      col('Provisioner'),
      col('ReclaimPolicy'),
      col('VolumeBindingMode'),
      col('AllowVolumeExpansion'),
      AGE,
    ],
    cells: (o, now) => [
      o.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true'
        ? `${o.metadata.name} (default)`
        : o.metadata.name,
      text(o.provisioner),
      str(o.reclaimPolicy, 'Delete'),
      str(o.volumeBindingMode, 'Immediate'),
      o.allowVolumeExpansion === true ? 'true' : 'false',
      age(o, now),
    ],
  },
  ControllerRevision: {
    columns: [NAME, col('Controller'), col('Revision', 0, 'integer'), AGE],
    cells(o, now) {
      const owner = o.metadata.ownerReferences?.find((r) => r.controller);
      const group = owner ? owner.apiVersion.split('/').slice(0, -1).join('/') : '';
      return [
        o.metadata.name,
        owner ? `${owner.kind.toLowerCase()}${group ? `.${group}` : ''}/${owner.name}` : '<none>',
        o.revision ?? 0,
        age(o, now),
      ];
    },
  },
};

/** Webhook configurations show their webhook count. */
for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'])
  EXTRA[kind] = {
    columns: [NAME, col('Webhooks', 0, 'integer'), AGE],
    cells: (o, now) => [o.metadata.name, arr(o.webhooks).length, age(o, now)],
  };

export function extraPrinter(kind: string): Printer | undefined {
  return EXTRA[kind];
}
