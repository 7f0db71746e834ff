// The cluster client every operation uses: resources found through discovery, then get, list (all pages),
// server-side apply, delete, watch and access reviews, all through one transport (retries, typed errors).
import type { KubeObject } from '../kube/object.js';
import { describeRef, kindGroup, refOf } from '../design/object-ref.js';
import { UsageError } from '../core/errors.js';
import type { Discovery } from './discovery/discovery.js';
import type { ApiResource } from './discovery/resources.js';
import { KubeApiError } from './http/errors.js';
import type { KubeTransport, Query } from './http/transport.js';
import { LineSplitter, parseWatchLine, type WatchEvent } from './http/watch-lines.js';

export const FIELD_MANAGER = 'meshdeck';

/** An object read from the server: its metadata (uid, resourceVersion ...) and status are set. */
export interface LiveObject extends KubeObject {
  status?: Record<string, unknown>;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size; every page is fetched. */
  limit?: number;
}

export interface ListResult {
  items: LiveObject[];
  resourceVersion: string;
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  timeoutSeconds?: number;
}

export interface AccessCheck {
  verb: string;
  group: string;
  resource: string;
  namespace?: string;
  name?: string;
}

/** A kind the cluster does not serve: invalid input (exit 2). */
export class UnknownKindError extends UsageError {}

export class ClusterClient {
  constructor(
    readonly transport: KubeTransport,
    readonly discovery: Discovery,
    /** The namespace namespaced objects without one go to. */
    readonly namespace: string,
  ) {}

  get describe(): string {
    return this.transport.describe;
  }

  /** The resource that serves this kind; UnknownKindError (naming the group or version missing) if none. */
  async resource(apiVersion: string, kind: string): Promise<ApiResource> {
    const found = await this.discovery.resolve(apiVersion, kind);
    if (found) return found;
    const problem = (await this.discovery.index()).explain(apiVersion, kind);
    throw new UnknownKindError(problem.message, { hint: problem.hint });
  }

  path(r: ApiResource, namespace?: string, name?: string): string {
    const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
    const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    return `${base}${ns}/${r.plural}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
  }

  async get(r: ApiResource, namespace: string | undefined, name: string): Promise<LiveObject | undefined> {
    try {
      const res = await this.transport.request<LiveObject>({
        method: 'GET',
        path: this.path(r, namespace, name),
        what: what(r, namespace, name),
      });
      return res.body;
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  /** Server-side apply with meshdeck's field manager; `created` when the object did not exist. */
  async apply(
    r: ApiResource,
    object: KubeObject,
    options: { dryRun?: boolean; force?: boolean } = {},
  ): Promise<{ created: boolean; object: LiveObject; warnings: string[] }> {
    const ns = r.namespaced ? object.metadata.namespace : undefined;
    const name = object.metadata.name ?? '';
    const res = await this.transport.request<LiveObject>({
      method: 'PATCH',
      path: this.path(r, ns, name),
      query: {
        fieldManager: FIELD_MANAGER,
        force: options.force ?? false,
        dryRun: options.dryRun ? 'All' : undefined,
      },
      body: object,
      contentType: 'application/apply-patch+yaml',
      what: describeRef(refOf(object)),
    });
    return { created: res.status === 201, object: res.body, warnings: warningsOf(res.headers.warning) };
  }

  /**
   * Deletes an object: "gone" when it was already absent, "deleted" when it went at once, "pending" when it
   * waits for finalizers (or a graceful pod shutdown).
   */
  async delete(
    r: ApiResource,
    namespace: string | undefined,
    name: string,
    options: {
      propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
      dryRun?: boolean;
      uid?: string;
    } = {},
  ): Promise<'gone' | 'deleted' | 'pending'> {
    const body: Record<string, unknown> = {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      propagationPolicy: options.propagationPolicy ?? 'Background',
    };
    if (options.dryRun) body.dryRun = ['All'];
    if (options.uid) body.preconditions = { uid: options.uid };
    try {
      const res = await this.transport.request<LiveObject | { kind?: string }>({
        method: 'DELETE',
        path: this.path(r, namespace, name),
        body,
        what: what(r, namespace, name),
      });
      const answer = res.body as LiveObject;
      return answer?.kind !== 'Status' && answer?.metadata?.deletionTimestamp ? 'pending' : 'deleted';
    } catch (err) {
      // Already gone, or replaced by a new object of the same name (the uid precondition): not ours to delete.
      if (err instanceof KubeApiError && (err.status === 404 || (err.status === 409 && options.uid)))
        return 'gone';
      throw err;
    }
  }

  /** Every item, across pages, with the list's resourceVersion (to watch from). */
  async list(r: ApiResource, options: ListOptions = {}): Promise<ListResult> {
    const items: LiveObject[] = [];
    const resourceVersion = await this.listEach(r, options, (page) => {
      for (const item of page) items.push(item);
    });
    return { items, resourceVersion };
  }

  /** Each page as it arrives (so a caller can reduce it and let it go); resolves with the resourceVersion. */
  async listEach(
    r: ApiResource,
    options: ListOptions,
    onPage: (items: LiveObject[]) => void,
  ): Promise<string> {
    let resourceVersion = '';
    let token: string | undefined;
    do {
      const query: Query = {
        labelSelector: options.labelSelector,
        fieldSelector: options.fieldSelector,
        limit: options.limit ?? 500,
        continue: token,
      };
      const res = await this.transport.request<{
        items?: LiveObject[];
        metadata?: { resourceVersion?: string; continue?: string };
      }>({
        method: 'GET',
        path: this.path(r, options.namespace),
        query,
        what: `${kindGroup(r.kind, r.group)} list${options.namespace && r.namespaced ? ` -n ${options.namespace}` : ''}`,
      });
      const page = res.body.items ?? [];
      for (const item of page) {
        // List items may omit kind and apiVersion (built-in types); give them back.
        item.apiVersion ??= r.group ? `${r.group}/${r.version}` : r.version;
        item.kind ??= r.kind;
      }
      onPage(page);
      resourceVersion ||= res.body.metadata?.resourceVersion ?? '';
      token = res.body.metadata?.continue || undefined;
    } while (token);
    return resourceVersion;
  }

  /**
   * Watches until the server ends the stream, the signal fires or `onEvent` returns "stop". Resolves with
   * why it ended; HTTP errors (a 410 for an expired resourceVersion included) are thrown.
   */
  async watch(
    r: ApiResource,
    options: WatchOptions,
    onEvent: (event: WatchEvent<LiveObject>) => void | 'stop',
    signal: AbortSignal,
  ): Promise<'closed' | 'stopped' | 'aborted'> {
    const controller = new AbortController();
    const abort = () => controller.abort();
    signal.addEventListener('abort', abort, { once: true });
    try {
      const res = await this.transport.stream(
        {
          method: 'GET',
          path: this.path(r, options.namespace),
          query: {
            watch: 1,
            allowWatchBookmarks: true,
            labelSelector: options.labelSelector,
            fieldSelector: options.fieldSelector,
            resourceVersion: options.resourceVersion,
            timeoutSeconds: options.timeoutSeconds,
          },
          what: `${kindGroup(r.kind, r.group)} watch`,
        },
        controller.signal,
      );
      return await new Promise((resolve) => {
        const lines = new LineSplitter();
        let stopped = false;
        const deliver = (batch: string[]) => {
          for (const line of batch) {
            if (stopped) return;
            const event = parseWatchLine<LiveObject>(line);
            if (event && onEvent(event) === 'stop') {
              stopped = true;
              res.destroy();
              resolve('stopped');
            }
          }
        };
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => deliver(lines.push(chunk)));
        res.on('end', () => deliver(lines.end()));
        res.on('error', () => undefined);
        res.on('close', () => resolve(stopped ? 'stopped' : signal.aborted ? 'aborted' : 'closed'));
        if (controller.signal.aborted) res.destroy();
        controller.signal.addEventListener('abort', () => res.destroy(), { once: true });
      });
    } catch (err) {
      if (signal.aborted) return 'aborted';
      throw err;
    } finally {
      signal.removeEventListener('abort', abort);
    }
  }

  /** A SelfSubjectAccessReview: may the current user do this? */
  async canI(check: AccessCheck): Promise<{ allowed: boolean; reason?: string }> {
    const res = await this.transport.request<{ status?: { allowed?: boolean; reason?: string } }>({
      method: 'POST',
      path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: {
          resourceAttributes: {
            verb: check.verb,
            group: check.group,
            resource: check.resource,
            namespace: check.namespace,
            name: check.name,
          },
        },
      },
      what: 'an access review',
    });
    return { allowed: res.body.status?.allowed === true, reason: res.body.status?.reason };
  }
}

function what(r: ApiResource, namespace: string | undefined, name: string): string {
  return describeRef({
    group: r.group,
    version: r.version,
    kind: r.kind,
    namespace: r.namespaced ? namespace : undefined,
    name,
  });
}

/**
 * The messages of the server's Warning headers (RFC 7234 form `299 - "text"`, as kube-apiserver sends
 * them for unknown fields, deprecated APIs and admission warnings); Node joins repeated headers with ", ".
 */
export function warningsOf(header: string | string[] | undefined): string[] {
  if (header === undefined) return [];
  const text = Array.isArray(header) ? header.join(', ') : header;
  const out: string[] = [];
  const pattern = /(\d{3}) +\S+ +"((?:[^"\\]|\\.)*)"(?: +"[^"]*")?/g;
  for (const m of text.matchAll(pattern)) out.push(m[2].replace(/\\(.)/g, '$1'));
  return out;
}
