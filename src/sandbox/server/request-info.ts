// What a request asks for, read from its path and method as the apiserver's RequestInfoFactory reads
// it: resource requests (/api/v1/..., /apis/<group>/<version>/...) and everything else.

import { isTrue } from '../base/query.js';

export { isTrue };

export interface RequestInfo {
  path: string;
  query: URLSearchParams;
  isResource: boolean;
  /** RBAC verb: get list watch create update patch delete deletecollection (or an HTTP verb). */
  verb: string;
  apiPrefix: string;
  group: string;
  version: string;
  namespace: string;
  resource: string;
  name: string;
  subresource: string;
  /** Path segments after the subresource (none are served). */
  extra: string[];
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function parseRequest(method: string, rawUrl: string): RequestInfo {
  const q = rawUrl.indexOf('?');
  const rawPath = q >= 0 ? rawUrl.slice(0, q) : rawUrl;
  const query = new URLSearchParams(q >= 0 ? rawUrl.slice(q + 1) : '');
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    path = rawPath;
  }
  const info: RequestInfo = {
    path,
    query,
    isResource: false,
    verb: method.toLowerCase(),
    apiPrefix: '',
    group: '',
    version: '',
    namespace: '',
    resource: '',
    name: '',
    subresource: '',
    extra: [],
  };
  let parts = path.split('/').filter((p) => p !== '');
  if (parts[0] !== 'api' && parts[0] !== 'apis') return info;
  info.apiPrefix = parts[0];
  parts = parts.slice(1);
  if (info.apiPrefix === 'apis') {
    if (parts.length < 3) return info;
    info.group = parts[0];
    parts = parts.slice(1);
  } else if (parts.length < 2) {
    return info;
  }
  info.isResource = true;
  info.version = parts[0];
  parts = parts.slice(1);

  let watchPrefix = false;
  if (parts[0] === 'watch') {
    watchPrefix = true;
    parts = parts.slice(1);
  }
  if (parts[0] === 'namespaces' && parts.length > 1) {
    info.namespace = parts[1];
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2])) parts = parts.slice(2);
  }
  info.resource = parts[0] ?? '';
  info.name = parts[1] ?? '';
  info.subresource = parts[2] ?? '';
  info.extra = parts.slice(3);

  const watch = watchPrefix || isTrue(query.get('watch'));
  switch (method) {
    case 'GET':
    case 'HEAD':
      info.verb = watch ? 'watch' : info.name ? 'get' : 'list';
      break;
    case 'POST':
      info.verb = 'create';
      break;
    case 'PUT':
      info.verb = 'update';
      break;
    case 'PATCH':
      info.verb = 'patch';
      break;
    case 'DELETE':
      info.verb = info.name ? 'delete' : 'deletecollection';
      break;
    default:
      info.verb = method.toLowerCase();
  }
  return info;
}

/** The first value of a boolean parameter (the apiserver reads the first of repeated ones). */
export function queryBool(q: URLSearchParams, name: string): boolean {
  return isTrue(q.get(name));
}

const PARSE_BOOL: Record<string, boolean> = {
  '1': true,
  t: true,
  T: true,
  TRUE: true,
  true: true,
  True: true,
  '0': false,
  f: false,
  F: false,
  FALSE: false,
  false: false,
  False: false,
};

/** Go's strconv.ParseBool: undefined for anything it would refuse. */
export function parseGoBool(v: string): boolean | undefined {
  return PARSE_BOOL[v];
}

/**
 * Whether to indent a JSON answer, as the apiserver's negotiation decides: `pretty` read with
 * strconv.ParseBool (a value it refuses is false), else by default for curl, Wget and browsers.
 */
export function wantsPretty(rawUrl: string | undefined, userAgent: string | undefined): boolean {
  const q = rawUrl?.indexOf('?') ?? -1;
  if (rawUrl && q >= 0 && rawUrl.includes('pretty', q)) {
    const pp = new URLSearchParams(rawUrl.slice(q + 1)).get('pretty');
    if (pp) return parseGoBool(pp) ?? false;
  }
  const ua = userAgent ?? '';
  return ua.startsWith('curl') || ua.startsWith('Wget') || ua.startsWith('Mozilla/5.0');
}
