// List (with label/field selectors and paging by continue token) and watch (history replay, selector
// transitions, bookmarks, timeouts, 410 Expired), serialized from each object's cached JSON.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseFieldSelector, parseLabelSelector, type Predicate } from '../api/selectors.js';
import { Errors, StatusError } from '../base/status.js';
import { groupVersion, served, type K8sObject, type ResourceType } from '../base/types.js';
import { Entry, type Store, type WatchSink } from '../store/store.js';
import type { Representation } from './negotiate.js';
import { isTrue, type RequestInfo } from './request-info.js';
import { send } from './respond.js';
import { includeObjectParam, partialMetadata, tableOf } from './table.js';

export function selectorOf(rt: ResourceType, query: URLSearchParams, name?: string): Predicate {
  const label = parseLabelSelector(query.get('labelSelector') ?? '');
  const { predicate: field } = parseFieldSelector(query.get('fieldSelector') ?? '', rt);
  if (name) return (o) => o.metadata.name === name && label(o) && field(o);
  return (o) => label(o) && field(o);
}

interface ContinueToken {
  rv: number;
  start: string;
}

function encodeContinue(rv: number, lastKey: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: `${lastKey}\u0000` })).toString(
    'base64url',
  );
}

function decodeContinue(token: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (parsed.v !== 'meta.k8s.io/v1' || typeof parsed.rv !== 'number' || typeof parsed.start !== 'string')
      throw new Error('bad');
    return { rv: parsed.rv, start: parsed.start };
  } catch {
    throw Errors.badRequest(
      `continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)`,
    );
  }
}

const keyOf = (o: K8sObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** Index of the first entry whose key is >= start (entries are in key order). */
function lowerBound(entries: readonly Entry[], start: string): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keyOf(entries[mid].object) < start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function itemJson(rt: ResourceType, e: Entry): string {
  const o = e.object;
  if (o.apiVersion === groupVersion(rt) && o.kind === rt.kind) return e.json();
  return JSON.stringify(served(rt, o));
}

export function list(
  store: Store,
  rt: ResourceType,
  info: RequestInfo,
  rep: Representation,
  res: ServerResponse,
): void {
  const q = info.query;
  const predicate = selectorOf(rt, q);
  const limitParam = q.get('limit');
  const limit = limitParam ? Number.parseInt(limitParam, 10) : 0;
  if (limitParam && (!Number.isFinite(limit) || limit < 0))
    throw Errors.badRequest(`limit: Invalid value: "${limitParam}"`);
  const rvParam = q.get('resourceVersion');
  if (rvParam && rvParam !== '0' && !/^\d+$/.test(rvParam))
    throw Errors.badRequest(`resourceVersion: Invalid value: "${rvParam}": must be a non-negative integer`);
  if (rvParam && Number(rvParam) > store.resourceVersion)
    throw new StatusError(
      504,
      'Timeout',
      `Too large resource version: ${rvParam}, current: ${store.resourceVersion}`,
      {
        causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
        retryAfterSeconds: 1,
      },
    );
  const entries = store.list(rt.storageKey, info.namespace || undefined);
  let listRV = store.resourceVersion;
  let from = 0;
  const cont = q.get('continue');
  if (cont) {
    const token = decodeContinue(cont);
    if (token.rv < store.compactedRV(rt.storageKey)) throw Errors.continueExpired();
    listRV = token.rv;
    from = lowerBound(entries, token.start);
  }
  const items: Entry[] = [];
  let i = from;
  for (; i < entries.length; i++) {
    const e = entries[i];
    if (!predicate(e.object)) continue;
    if (limit > 0 && items.length === limit) break;
    items.push(e);
  }
  const meta: Record<string, unknown> = { resourceVersion: String(listRV) };
  if (limit > 0 && i < entries.length) {
    const more = entries.slice(i).some((e) => predicate(e.object));
    if (more) {
      meta.continue = encodeContinue(listRV, keyOf(items[items.length - 1].object));
      if (!q.get('labelSelector') && !q.get('fieldSelector')) meta.remainingItemCount = entries.length - i;
    }
  }
  if (rep.kind === 'table') {
    const table = tableOf(
      rt,
      items.map((e) => e.object),
      meta,
      rep.version,
      includeObjectParam(q.get('includeObject')),
    );
    send(res, 200, JSON.stringify(table));
    return;
  }
  if (rep.kind === 'metadata') {
    const body = {
      kind: 'PartialObjectMetadataList',
      apiVersion: `meta.k8s.io/${rep.version}`,
      metadata: meta,
      items: items.map((e) => partialMetadata(e.object, rep.version)),
    };
    send(res, 200, JSON.stringify(body));
    return;
  }
  const head = `{"kind":${JSON.stringify(rt.listKind)},"apiVersion":${JSON.stringify(groupVersion(rt))},"metadata":${JSON.stringify(meta)},"items":[`;
  send(res, 200, `${head}${items.map((e) => itemJson(rt, e)).join(',')}]}`);
}

export interface WatchOptions {
  bookmarkIntervalMs: number;
  defaultTimeoutMs: number;
  /** Above this many buffered bytes a slow watcher is disconnected, as the apiserver does. */
  maxBufferedBytes: number;
  /** Registered so the server can end every watch on stop (abruptly: the connection is cut). */
  track(close: (abrupt?: boolean) => void): () => void;
}

export function watch(
  store: Store,
  rt: ResourceType,
  info: RequestInfo,
  rep: Representation,
  req: IncomingMessage,
  res: ServerResponse,
  options: WatchOptions,
): void {
  const q = info.query;
  const predicate = selectorOf(rt, q, info.name || undefined);
  const rvParam = q.get('resourceVersion') ?? '';
  if (rvParam && !/^\d+$/.test(rvParam))
    throw Errors.badRequest(`resourceVersion: Invalid value: "${rvParam}": must be a non-negative integer`);
  const timeoutParam = q.get('timeoutSeconds');
  const timeoutMs =
    timeoutParam !== null && /^\d+$/.test(timeoutParam)
      ? Number(timeoutParam) * 1000
      : options.defaultTimeoutMs;
  const bookmarks = isTrue(q.get('allowWatchBookmarks'));
  const sendInitial = isTrue(q.get('sendInitialEvents'));
  const include = includeObjectParam(q.get('includeObject'));
  const gv = groupVersion(rt);

  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  // A HEAD has no body to stream into: answer and free the connection.
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  res.flushHeaders();

  let closed = false;
  let lastRV = 0;
  const render = (type: string, e: Entry): string => {
    const o = e.object;
    let objectText: string;
    if (rep.kind === 'table')
      objectText = JSON.stringify(
        tableOf(rt, [o], { resourceVersion: o.metadata.resourceVersion }, rep.version, include),
      );
    else if (rep.kind === 'metadata') objectText = JSON.stringify(partialMetadata(o, rep.version));
    else objectText = o.apiVersion === gv && o.kind === rt.kind ? e.json() : JSON.stringify(served(rt, o));
    return `{"type":"${type}","object":${objectText}}\n`;
  };
  const write = (text: string) => {
    if (closed) return;
    res.write(text);
    if (res.writableLength > options.maxBufferedBytes) close();
  };
  const sink: WatchSink = {
    namespace: info.namespace || undefined,
    matches: predicate,
    deliver: (type, entry, rv) => {
      lastRV = Math.max(lastRV, rv);
      write(render(type, entry));
    },
  };
  const bookmark = (initialEnd = false) => {
    const meta: Record<string, unknown> = {
      resourceVersion: String(Math.max(lastRV, store.resourceVersion)),
    };
    if (initialEnd) meta.annotations = { 'k8s.io/initial-events-end': 'true' };
    write(
      `{"type":"BOOKMARK","object":${JSON.stringify({ kind: rt.kind, apiVersion: gv, metadata: meta })}}\n`,
    );
  };

  let untrack = () => {};
  const timers: NodeJS.Timeout[] = [];
  sink.close = () => close();
  const close = (abrupt = false) => {
    if (closed) return;
    closed = true;
    store.unwatch(rt.storageKey, sink);
    for (const t of timers) clearTimeout(t);
    timers.length = 0;
    untrack();
    if (abrupt) res.destroy();
    else res.end();
  };

  // Initial state: every current match as ADDED, when no resourceVersion (or "0") is given.
  if (rvParam === '' || rvParam === '0' || sendInitial) {
    for (const e of store.list(rt.storageKey, info.namespace || undefined)) {
      if (predicate(e.object)) {
        lastRV = Math.max(lastRV, Number(e.object.metadata.resourceVersion));
        write(render('ADDED', e));
      }
    }
    if (sendInitial && bookmarks) bookmark(true);
    store.watch(rt.storageKey, sink, store.resourceVersion);
  } else {
    const from = Number(rvParam);
    const ok = store.watch(rt.storageKey, sink, from);
    if (!ok) {
      const err = Errors.tooOld(from, store.compactedRV(rt.storageKey) + 1);
      write(`{"type":"ERROR","object":${JSON.stringify(err.body())}}\n`);
      close();
      return;
    }
  }
  untrack = options.track(close);
  if (timeoutMs > 0) timers.push(setTimeout(() => close(), timeoutMs));
  if (bookmarks) {
    const ticker = setInterval(() => bookmark(), options.bookmarkIntervalMs);
    timers.push(ticker);
  }
  // A watch ends when the client goes; 'close' on the response covers both ends.
  res.on('close', () => close());
  req.on('error', () => close());
}
