// The AdmissionReview v1 request exactly as kube-apiserver sends it, and the checks it applies to the
// answer (webhook/request/admissionreview.go: VerifyAdmissionResponse).
import { randomUUID } from 'node:crypto';
import type { UserInfo } from '../auth/authn.js';
import { text } from '../base/paths.js';
import { isObject } from '../../kube/json.js';
import { CallError } from './client.js';
import type { AdmissionAttributes } from './matching.js';

export interface AdmissionRequest extends AdmissionAttributes {
  user: UserInfo;
  /** CreateOptions, UpdateOptions or DeleteOptions as the request carried them. */
  options?: Record<string, unknown>;
}

export interface AdmissionResult {
  allowed: boolean;
  status?: Record<string, unknown>;
  patch?: unknown[];
  warnings: string[];
}

/** The kind and resource a subresource request is about (scale is autoscaling/v1 Scale). */
function kindOf(a: AdmissionAttributes): { group: string; version: string; kind: string } {
  if (a.subresource === 'scale') return { group: 'autoscaling', version: 'v1', kind: 'Scale' };
  if (a.subresource === 'eviction') return { group: 'policy', version: 'v1', kind: 'Eviction' };
  if (a.subresource === 'binding') return { group: '', version: 'v1', kind: 'Binding' };
  if (a.subresource === 'token')
    return { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' };
  return { group: a.rt.group, version: a.rt.version, kind: a.rt.kind };
}

const OPTIONS_KIND: Record<string, string> = {
  CREATE: 'CreateOptions',
  UPDATE: 'UpdateOptions',
  DELETE: 'DeleteOptions',
};

export function admissionReview(r: AdmissionRequest): { uid: string; review: Record<string, unknown> } {
  const uid = randomUUID();
  const kind = kindOf(r);
  const resource = { group: r.rt.group, version: r.rt.version, resource: r.rt.plural };
  const optionsKind = OPTIONS_KIND[r.operation];
  const request: Record<string, unknown> = {
    uid,
    kind,
    resource,
    ...(r.subresource ? { subResource: r.subresource } : {}),
    requestKind: kind,
    requestResource: resource,
    ...(r.subresource ? { requestSubResource: r.subresource } : {}),
    ...(r.name ? { name: r.name } : {}),
    ...(r.namespace ? { namespace: r.namespace } : {}),
    operation: r.operation,
    userInfo: { username: r.user.name, groups: r.user.groups },
    object: r.object ?? null,
    oldObject: r.oldObject ?? null,
    dryRun: r.dryRun,
    options: optionsKind ? { kind: optionsKind, apiVersion: 'meta.k8s.io/v1', ...(r.options ?? {}) } : null,
  };
  return { uid, review: { kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1', request } };
}

function invalid(message: string): CallError {
  return new CallError(`received invalid webhook response: ${message}`);
}

/** Checks the AdmissionReview answer; a malformed one is a call failure (failurePolicy applies). */
export function verifyResponse(uid: string, mutating: boolean, body: unknown): AdmissionResult {
  if (!isObject(body) || body.apiVersion !== 'admission.k8s.io/v1' || body.kind !== 'AdmissionReview') {
    const gvk = isObject(body) ? `${text(body.apiVersion)}, Kind=${text(body.kind)}` : ', Kind=';
    throw invalid(`expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got ${gvk}`);
  }
  const response = body.response;
  if (!isObject(response)) throw invalid('webhook response was absent');
  if (response.uid !== uid) throw invalid(`expected response.uid="${uid}", got "${text(response.uid)}"`);
  const allowed = response.allowed === true;
  const warnings = Array.isArray(response.warnings) ? response.warnings.map(String) : [];
  let patch: unknown[] | undefined;
  if (response.patch !== undefined && response.patch !== null && response.patch !== '') {
    if (!mutating) throw invalid('validating webhooks may not return patches');
    if (response.patchType === undefined || response.patchType === '')
      throw invalid('webhook returned response.patch but not response.patchType');
    if (response.patchType !== 'JSONPatch')
      throw invalid(`webhook returned invalid response.patchType of "${text(response.patchType)}"`);
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(text(response.patch), 'base64').toString('utf8'));
    } catch (err) {
      throw new CallError(
        `received undecodable patch in webhook response: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    if (!Array.isArray(decoded))
      throw new CallError('received undecodable patch in webhook response: a JSON patch must be an array');
    patch = decoded;
  } else if (response.patchType !== undefined && response.patchType !== '') {
    throw invalid('webhook returned response.patchType but not response.patch');
  }
  return {
    allowed,
    status: isObject(response.status) ? response.status : undefined,
    patch,
    warnings,
  };
}
