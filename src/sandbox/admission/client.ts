// Calling one webhook over HTTPS as kube-apiserver's webhook client does: a service reference is the
// URL https://<name>.<namespace>.svc:<port><path>, dialled at a ready endpoint of the Service (pods run
// by the process runtime have a reachable 127.x address) and verified against caBundle with the server
// name <name>.<namespace>.svc; a url is dialled as given. `?timeout=<n>s` tells the webhook its budget.
// Failures are worded as Go's net/http words them ('Post "<url>": dial tcp ...: connect: connection
// refused'), because the apiserver puts that text in the error kubectl prints.
import { request } from 'node:https';
import { isIP } from 'node:net';
import { getPath, text } from '../base/paths.js';
import { isObject } from '../../kube/json.js';
import type { Store } from '../store/store.js';
import type { Webhook } from './config.js';

/** The webhook could not be called or answered nonsense: failurePolicy decides. */
export class CallError extends Error {}

interface Target {
  /** The URL as errors show it. */
  url: string;
  host: string;
  port: number;
  path: string;
  servername?: string;
}

const arr = (v: unknown): Array<Record<string, unknown>> => (Array.isArray(v) ? v.filter(isObject) : []);

/** A ready endpoint of the Service port, as the apiserver's endpoint resolver picks one. */
function resolveService(
  store: Store,
  ns: string,
  name: string,
  port: number,
): { host: string; port: number } | string {
  const svc = store.get('/services', ns, name);
  if (!svc) return `services "${name}" not found`;
  const svcPort = arr(getPath(svc, 'spec.ports')).find((p) => p.port === port);
  if (!svcPort) return `no service port ${port} found for service "${name}"`;
  const ep = store.get('/endpoints', ns, name);
  const candidates: Array<{ host: string; port: number }> = [];
  for (const subset of arr(getPath(ep, 'subsets'))) {
    const ports = arr(subset.ports);
    const match =
      ports.length === 1 && !svcPort.name
        ? ports[0]
        : ports.find((p) => text(p.name) === text(svcPort.name ?? ''));
    if (!match || typeof match.port !== 'number') continue;
    for (const a of arr(subset.addresses))
      if (typeof a.ip === 'string') candidates.push({ host: a.ip, port: match.port });
  }
  if (candidates.length === 0) return `no endpoints available for service "${name}"`;
  // Pods run as processes are the ones this machine can reach: prefer them.
  const reachable = candidates.filter((c) => c.host.startsWith('127.'));
  const pool = reachable.length ? reachable : candidates;
  return pool[Math.floor(Math.random() * pool.length)];
}

function targetOf(store: Store, w: Webhook, timeoutQuery: string): Target | { url: string; error: string } {
  const cc = w.clientConfig;
  if (cc.service) {
    const { namespace, name, port } = cc.service;
    const servername = `${name}.${namespace}.svc`;
    const path = `${cc.service.path ?? ''}${timeoutQuery}`;
    const url = `https://${servername}:${port}${path}`;
    const at = resolveService(store, namespace, name, port);
    if (typeof at === 'string') return { url, error: at };
    return { url, host: at.host, port: at.port, path: path.startsWith('/') ? path : `/${path}`, servername };
  }
  const u = new URL(cc.url ?? '');
  const port = u.port ? Number(u.port) : 443;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const url = `https://${u.host}${u.pathname === '/' && !cc.url?.endsWith('/') ? '' : u.pathname}${timeoutQuery}`;
  return {
    url,
    host,
    port,
    path: `${u.pathname}${timeoutQuery}`,
    servername: isIP(host) ? undefined : host,
  };
}

/** Node's TLS and socket errors in Go's words. */
function goReason(err: NodeJS.ErrnoException & { reason?: string }, t: Target): string {
  const hostPort = `${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;
  switch (err.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${hostPort}: connect: connection refused`;
    case 'ECONNRESET':
      return `read tcp ${hostPort}: read: connection reset by peer`;
    case 'EHOSTUNREACH':
      return `dial tcp ${hostPort}: connect: no route to host`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `dial tcp: lookup ${t.host}: no such host`;
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_GET_ISSUER_CERT':
      return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
    case 'CERT_HAS_EXPIRED':
    case 'CERT_NOT_YET_VALID':
      return 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `tls: failed to verify certificate: x509: certificate is not valid for ${t.servername ?? t.host}`;
    default:
      return err.message;
  }
}

/** POSTs the AdmissionReview; resolves to the parsed answer or rejects with a CallError. */
export function callWebhook(store: Store, w: Webhook, review: unknown, timeoutMs: number): Promise<unknown> {
  const seconds = Math.ceil(timeoutMs / 1000);
  const target = targetOf(store, w, `?timeout=${seconds}s`);
  const fail = (reason: string) => new CallError(`failed to call webhook: Post "${target.url}": ${reason}`);
  if ('error' in target) return Promise.reject(fail(target.error));
  const body = Buffer.from(JSON.stringify(review));
  const ca = w.clientConfig.caBundle
    ? Buffer.from(w.clientConfig.caBundle, 'base64').toString('utf8')
    : undefined;
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (err: Error | undefined, value?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(value);
    };
    const req = request(
      {
        host: target.host,
        port: target.port,
        path: target.path,
        method: 'POST',
        servername: target.servername,
        ca,
        agent: false,
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json, */*',
          'Content-Length': body.length,
          'User-Agent': 'kube-apiserver-admission',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => done(fail(goReason(err, target))));
        res.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const code = res.statusCode ?? 0;
          if (code < 200 || code > 299) {
            const status = parseJson(raw);
            const message =
              isObject(status) && typeof status.message === 'string' ? status.message : undefined;
            return done(
              new CallError(
                `failed to call webhook: ${message ?? `the server responded with the status code ${code} but did not return more information`}`,
              ),
            );
          }
          const parsed = parseJson(raw);
          if (parsed === undefined)
            return done(
              new CallError(`received invalid webhook response: invalid character in response body`),
            );
          done(undefined, parsed);
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      done(fail('context deadline exceeded'));
    }, timeoutMs);
    req.on('error', (err) => done(fail(goReason(err, target))));
    req.end(body);
  });
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
