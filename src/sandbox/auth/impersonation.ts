// Impersonation as kube-apiserver's WithImpersonation filter does it: the Impersonate-User, -Group,
// -Uid and -Extra-<key> headers each need the `impersonate` verb on users, serviceaccounts, groups,
// uids or userextras/<key> for the authenticated requester; then the request acts as that user.
import type { IncomingMessage } from 'node:http';
import { Errors, StatusError } from '../base/status.js';
import type { UserInfo } from './authn.js';
import { denial, type Attributes, type Authorizer } from './rbac.js';

const USER = 'impersonate-user';
const GROUP = 'impersonate-group';
const UID = 'impersonate-uid';
const EXTRA_PREFIX = 'impersonate-extra-';
const SERVICE_ACCOUNT = /^system:serviceaccount:([^:]+):([^:]+)$/;
const AUTHENTICATED = 'system:authenticated';
const UNAUTHENTICATED = 'system:unauthenticated';

/** One thing asked for: what RBAC checks (resource, subresource, namespace, name) and its group. */
interface Request {
  kind: 'User' | 'ServiceAccount' | 'Group' | 'UserExtra' | 'UID';
  resource: string;
  group: string;
  name: string;
  namespace?: string;
  extraKey?: string;
}

function unescapeExtraKey(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded; // recorded even when malformed, as the apiserver does
  }
}

/** The impersonation requests of a request's headers, in the apiserver's order (user, groups, extras, uid). */
function requestsOf(req: IncomingMessage): Request[] {
  const headers = req.headersDistinct;
  const out: Request[] = [];
  const user = headers[USER]?.[0] ?? '';
  if (user) {
    const sa = SERVICE_ACCOUNT.exec(user);
    out.push(
      sa
        ? { kind: 'ServiceAccount', resource: 'serviceaccounts', group: '', name: sa[2], namespace: sa[1] }
        : { kind: 'User', resource: 'users', group: '', name: user },
    );
  }
  for (const g of headers[GROUP] ?? []) out.push({ kind: 'Group', resource: 'groups', group: '', name: g });
  for (const [header, values] of Object.entries(headers)) {
    if (!header.startsWith(EXTRA_PREFIX) || !values) continue;
    const extraKey = unescapeExtraKey(header.slice(EXTRA_PREFIX.length).toLowerCase());
    for (const v of values)
      out.push({
        kind: 'UserExtra',
        resource: 'userextras',
        group: 'authentication.k8s.io',
        name: v,
        extraKey,
      });
  }
  const uid = headers[UID]?.[0] ?? '';
  if (uid) out.push({ kind: 'UID', resource: 'uids', group: 'authentication.k8s.io', name: uid });
  if (out.length > 0 && !user) {
    const listed = out.map((r) => `{${r.kind} ${r.namespace ?? ''} ${r.name}}`).join(' ');
    throw Errors.internal(`requested [${listed}] without impersonating a user`);
  }
  return out;
}

/**
 * The user a request acts as: the authenticated one, or the one its Impersonate-* headers name once
 * every part is allowed (403 worded as the apiserver's for the first that is not).
 */
export function impersonate(req: IncomingMessage, requester: UserInfo, authz: Authorizer): UserInfo {
  const requests = requestsOf(req);
  if (requests.length === 0) return requester;
  const groupsGiven = (req.headersDistinct[GROUP] ?? []).length > 0;
  let name = '';
  let uid = '';
  const groups: string[] = [];
  const extra: Record<string, string[]> = {};
  for (const r of requests) {
    const attributes: Attributes = {
      user: requester,
      verb: 'impersonate',
      isResource: true,
      group: r.group,
      resource: r.resource,
      subresource: r.extraKey ?? '',
      namespace: r.namespace ?? '',
      name: r.name,
      path: req.url ?? '',
    };
    const decision = authz.authorize(attributes);
    if (!decision.allowed) throw forbidden(attributes);
    switch (r.kind) {
      case 'ServiceAccount':
        name = `system:serviceaccount:${r.namespace}:${r.name}`;
        if (!groupsGiven) groups.push('system:serviceaccounts', `system:serviceaccounts:${r.namespace}`);
        break;
      case 'User':
        name = r.name;
        break;
      case 'Group':
        groups.push(r.name);
        break;
      case 'UserExtra':
        (extra[r.extraKey!] ??= []).push(r.name);
        break;
      case 'UID':
        uid = r.name;
        break;
    }
  }
  if (name !== 'system:anonymous') {
    if (!groups.includes(AUTHENTICATED) && !groups.includes(UNAUTHENTICATED)) groups.push(AUTHENTICATED);
  } else if (!groups.includes(UNAUTHENTICATED)) groups.push(UNAUTHENTICATED);
  const user: UserInfo = { name, groups };
  if (uid) user.uid = uid;
  if (Object.keys(extra).length > 0) user.extra = extra;
  return user;
}

function forbidden(a: Attributes): StatusError {
  return Errors.forbidden({ group: a.group, resource: a.resource }, a.name || undefined, denial(a));
}
