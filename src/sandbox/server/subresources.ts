// The create-only subresources clients use: pods/binding (a scheduler binding a pod to a node),
// pods/eviction (kubectl drain: a graceful delete) and serviceaccounts/token (kubectl create token: a
// bound, signed token for the service account, see auth/service-account-tokens.ts).
import type { ObjectService } from '../api/objects.js';
import { Errors } from '../base/status.js';
import type { Authenticator } from '../auth/authn.js';
import { API_AUDIENCES, type BoundObject } from '../auth/service-account-tokens.js';
import { setCondition } from '../base/pod-status.js';
import { getPath, text, timestamp } from '../base/paths.js';
import { isObject } from '../../kube/json.js';
import type { K8sObject, ResourceType } from '../base/types.js';

function success(code: number): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code };
}

export function bindPod(
  objects: ObjectService,
  pods: ResourceType,
  namespace: string,
  name: string,
  body: unknown,
): Record<string, unknown> {
  const target = isObject(body) && isObject(body.target) ? body.target : undefined;
  const node = target?.name;
  if (typeof node !== 'string' || node === '')
    throw Errors.invalid({ group: '', kind: 'Binding' }, name, [
      { type: 'FieldValueRequired', field: 'target.name' },
    ]);
  const pod = objects.get(pods, namespace, name);
  const current = getPath(pod, 'spec.nodeName');
  if (current)
    throw Errors.conflict(
      { group: '', resource: 'pods/binding' },
      name,
      `pod ${name} is already assigned to node "${text(current)}"`,
    );
  objects.mutate(
    pods,
    namespace,
    name,
    (o) => {
      const status = isObject(o.status) ? o.status : {};
      setCondition(status, 'PodScheduled', 'True', objects.now());
      return { ...o, spec: { ...(o.spec as Record<string, unknown>), nodeName: node }, status };
    },
    'kube-scheduler',
    'binding',
  );
  return success(201);
}

export function evictPod(
  objects: ObjectService,
  pods: ResourceType,
  namespace: string,
  name: string,
  body: unknown,
): Record<string, unknown> {
  const options = isObject(body) && isObject(body.deleteOptions) ? body.deleteOptions : {};
  const grace = options.gracePeriodSeconds;
  objects.delete(pods, namespace, name, {
    gracePeriodSeconds: typeof grace === 'number' ? grace : undefined,
    preconditions: isObject(options.preconditions) ? options.preconditions : undefined,
    dryRun: Array.isArray(options.dryRun) && options.dryRun.length > 0,
  });
  return success(201);
}

export function requestToken(
  objects: ObjectService,
  serviceAccounts: ResourceType,
  authn: Authenticator,
  namespace: string,
  name: string,
  body: unknown,
  dryRun: boolean,
): K8sObject {
  const sa = objects.get(serviceAccounts, namespace, name); // 404 when there is no such service account
  const spec = isObject(body) && isObject(body.spec) ? body.spec : {};
  const seconds = typeof spec.expirationSeconds === 'number' ? spec.expirationSeconds : 3600;
  const invalid = (field: string, value: unknown, detail: string) =>
    Errors.invalid({ group: 'authentication.k8s.io', kind: 'TokenRequest' }, name, [
      { type: 'FieldValueInvalid', field, value, detail },
    ]);
  if (seconds < 600)
    throw invalid('spec.expirationSeconds', seconds, 'may not specify a duration less than 10 minutes');
  if (seconds > 2 ** 32)
    throw invalid('spec.expirationSeconds', seconds, 'may not specify a duration larger than 2^32 seconds');
  const audiences =
    Array.isArray(spec.audiences) && spec.audiences.length > 0
      ? spec.audiences.map(String)
      : [...API_AUDIENCES];
  const bound = boundObject(objects, namespace, spec.boundObjectRef);
  const now = objects.now();
  const issued =
    dryRun || !authn.serviceAccounts
      ? { token: '', expires: new Date(now.getTime() + seconds * 1000) }
      : authn.serviceAccounts.issue(sa, { audiences, expirationSeconds: seconds, bound, now });
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name, namespace, creationTimestamp: null as unknown as string },
    spec: {
      audiences,
      expirationSeconds: seconds,
      boundObjectRef: spec.boundObjectRef ?? null,
    },
    status: { token: issued.token, expirationTimestamp: timestamp(issued.expires) },
  };
}

/** The Pod or Secret a token is bound to: it must exist (with the uid given, if one is). */
function boundObject(objects: ObjectService, namespace: string, ref: unknown): BoundObject | undefined {
  if (!isObject(ref)) return undefined;
  const kind = ref.kind;
  if (kind !== 'Pod' && kind !== 'Secret')
    throw Errors.badRequest(`cannot bind token to object of type ${text(kind)}`);
  const rt = objects.registry.get('', 'v1', kind === 'Pod' ? 'pods' : 'secrets')!;
  const obj = objects.get(rt, namespace, text(ref.name));
  if (ref.uid && ref.uid !== obj.metadata.uid)
    throw Errors.conflict(
      { group: '', resource: rt.plural },
      text(ref.name),
      `the UID in the bound object reference (${text(ref.uid)}) does not match the UID in record. The object might have been deleted and then recreated`,
    );
  return { kind, name: obj.metadata.name ?? '', uid: obj.metadata.uid ?? '' };
}
