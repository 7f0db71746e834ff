// Access and identity reviews (created, computed, never stored): SelfSubjectAccessReview,
// SubjectAccessReview, LocalSubjectAccessReview, SelfSubjectRulesReview, SelfSubjectReview, TokenReview.
import type { IncomingMessage } from 'node:http';
import { Errors } from '../base/status.js';
import type { Authenticator, UserInfo } from '../auth/authn.js';
import { pathAttributes, type Attributes, type Authorizer } from '../auth/rbac.js';
import { text } from '../base/paths.js';
import { isObject } from '../../kube/json.js';
import { groupVersion, type ResourceType } from '../base/types.js';

function attributesFrom(
  spec: Record<string, unknown>,
  user: UserInfo,
  namespaceOverride?: string,
): Attributes {
  const ra = isObject(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
  const na = isObject(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined;
  if (ra) {
    return {
      user,
      verb: text(ra.verb),
      isResource: true,
      group: text(ra.group),
      resource: text(ra.resource),
      subresource: text(ra.subresource),
      namespace: namespaceOverride ?? text(ra.namespace),
      name: text(ra.name),
      path: '',
    };
  }
  if (na) {
    return pathAttributes(user, text(na.verb), text(na.path));
  }
  throw Errors.invalid({ group: 'authorization.k8s.io', kind: 'SelfSubjectAccessReview' }, '', [
    {
      type: 'FieldValueRequired',
      field: 'spec.resourceAttributes',
      detail: 'exactly one of nonResourceAttributes or resourceAttributes must be specified',
    },
  ]);
}

export function review(
  rt: ResourceType,
  body: unknown,
  user: UserInfo,
  namespace: string,
  authz: Authorizer,
  authn: Authenticator,
  req: IncomingMessage,
): Record<string, unknown> {
  if (!isObject(body)) throw Errors.badRequest('the request body must be an object');
  const spec = isObject(body.spec) ? body.spec : {};
  const base = { kind: rt.kind, apiVersion: groupVersion(rt), metadata: { creationTimestamp: null }, spec };
  switch (rt.kind) {
    case 'SelfSubjectAccessReview':
      return { ...base, status: decision(authz, attributesFrom(spec, user)) };
    case 'SubjectAccessReview':
    case 'LocalSubjectAccessReview': {
      const subject: UserInfo = {
        name: text(spec.user),
        groups: Array.isArray(spec.groups) ? spec.groups.map(String) : [],
      };
      if (rt.kind === 'LocalSubjectAccessReview') {
        const ra = isObject(spec.resourceAttributes) ? spec.resourceAttributes : {};
        if (ra.namespace && ra.namespace !== namespace)
          throw Errors.invalid({ group: rt.group, kind: rt.kind }, '', [
            {
              type: 'FieldValueInvalid',
              field: 'spec.resourceAttributes.namespace',
              value: ra.namespace,
              detail: 'must match metadata.namespace',
            },
          ]);
      }
      return {
        ...base,
        status: decision(
          authz,
          attributesFrom(spec, subject, rt.kind === 'LocalSubjectAccessReview' ? namespace : undefined),
        ),
      };
    }
    case 'SelfSubjectRulesReview': {
      const ns = text(spec.namespace);
      const rules = authz.rulesFor(user, ns);
      const masters = user.groups.includes('system:masters');
      const resourceRules = rules
        .filter((r) => !r.nonResourceURLs)
        .map((r) => ({
          verbs: r.verbs,
          apiGroups: r.apiGroups ?? [],
          resources: r.resources ?? [],
          ...(r.resourceNames ? { resourceNames: r.resourceNames } : {}),
        }));
      const nonResourceRules = rules
        .filter((r) => r.nonResourceURLs)
        .map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs }));
      if (masters && resourceRules.length === 0)
        resourceRules.push({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] });
      return { ...base, status: { resourceRules, nonResourceRules, incomplete: false } };
    }
    case 'SelfSubjectReview':
      return { ...base, status: { userInfo: userInfoOf(user) } };
    case 'TokenReview': {
      const token = text(spec.token);
      const fake = {
        headers: { authorization: `Bearer ${token}` },
        socket: req.socket,
      } as unknown as IncomingMessage;
      const result = authn.authenticate(fake, true);
      if ('user' in result && token)
        return {
          ...base,
          status: {
            authenticated: true,
            user: userInfoOf(result.user),
            audiences: [],
          },
        };
      return { ...base, status: { authenticated: false, error: 'invalid bearer token' } };
    }
    default:
      throw Errors.methodNotSupported({ group: rt.group, resource: rt.plural }, 'create');
  }
}

function decision(authz: Authorizer, a: Attributes): Record<string, unknown> {
  const d = authz.authorize(a);
  return d.allowed ? { allowed: true, reason: 'RBAC: allowed' } : { allowed: false };
}

/** authentication.k8s.io UserInfo: uid and extra only when the user has them (service accounts). */
function userInfoOf(user: UserInfo): Record<string, unknown> {
  return {
    username: user.name,
    ...(user.uid ? { uid: user.uid } : {}),
    groups: user.groups,
    ...(user.extra ? { extra: user.extra } : {}),
  };
}
