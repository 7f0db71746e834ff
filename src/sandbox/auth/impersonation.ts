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

function extraRequests(headers: IncomingMessage['headersDistinct']): Request[] {
  const out: Request[] = [];
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
  return out;
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
  out.push(...extraRequests(headers));
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
  const who: Identity = { name: '', uid: '', groups: [], extra: {} };
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
    if (!authz.authorize(attributes).allowed) throw forbidden(attributes);
    take(who, r, groupsGiven);
  }
  const user: UserInfo = { name: who.name, groups: withAllGroup(who.name, who.groups) };
  if (who.uid) user.uid = who.uid;
  if (Object.keys(who.extra).length > 0) user.extra = who.extra;
  return user;
}

interface Identity {
  name: string;
  uid: string;
  groups: string[];
  extra: Record<string, string[]>;
}

/** What one allowed request adds; a service account brings its groups unless groups are given. */
function take(who: Identity, r: Request, groupsGiven: boolean): void {
  switch (r.kind) {
    case 'ServiceAccount':
      who.name = `system:serviceaccount:${r.namespace}:${r.name}`;
      if (!groupsGiven) who.groups.push('system:serviceaccounts', `system:serviceaccounts:${r.namespace}`);
      return;
    case 'User':
      who.name = r.name;
      return;
    case 'Group':
      who.groups.push(r.name);
      return;
    case 'UserExtra':
      (who.extra[r.extraKey!] ??= []).push(r.name);
      return;
    case 'UID':
      who.uid = r.name;
  }
}

/** system:authenticated for anyone but anonymous (unless an all-group is given); system:unauthenticated for anonymous. */
function withAllGroup(name: string, groups: string[]): string[] {
  if (name !== 'system:anonymous')
    return groups.includes(AUTHENTICATED) || groups.includes(UNAUTHENTICATED)
      ? groups
      : [...groups, AUTHENTICATED];
  return groups.includes(UNAUTHENTICATED) ? groups : [...groups, UNAUTHENTICATED];
}

function forbidden(a: Attributes): StatusError {
  return Errors.forbidden({ group: a.group, resource: a.resource }, a.name || undefined, denial(a));
}
