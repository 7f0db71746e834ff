// One request, start to end: authentication, authorization, routing to discovery, OpenAPI, health,
// reviews and the resource verbs, and a Status for every failure. Nothing thrown here escapes: a bug
// becomes a 500, never a crashed server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import type {
  DeleteOptions,
  FieldValidation,
  ObjectService,
  PatchType,
  WriteOptions,
} from '../api/objects.js';
import { scaleOf, withScale } from '../api/objects.js';
import { Errors, StatusError, isStatusError } from '../base/status.js';
import type { AdmittedWrites } from '../admission/admitted-writes.js';
import type { Authenticator, UserInfo } from '../auth/authn.js';
import { pathAttributes, type Authorizer, type Attributes } from '../auth/rbac.js';
import { applyJsonPatch as jsonPatch, applyMergePatch as mergePatch } from '../patch/json-patch.js';
import { isObject } from '../../kube/json.js';
import type { Registry } from '../resources/registry.js';
import { groupVersion, type K8sObject, type ResourceType } from '../base/types.js';
import { CONTROL_PREFIX, handleControl, type SandboxControl } from './fault-control.js';
import type { FaultSet } from '../faults/faults.js';
import { decodeBody, readBody } from './body.js';
import { list, selectorOf, watch, type WatchOptions } from './collections.js';
import type { Discovery } from './discovery.js';
import { aggregatedDiscovery, chooseRepresentation, contentType, type Representation } from './negotiate.js';
import type { OpenApi } from './openapi.js';
import { isTrue, parseRequest, type RequestInfo } from './request-info.js';
import { send, sendError, successStatus, warningHeaders } from './respond.js';
import type { PodLogs } from '../kubelet/logs.js';
import type { PodStreaming, StreamingKind } from '../kubelet/streaming.js';
import { rejectUpgrade, serveStreaming, STREAMING_SUBRESOURCES } from './streaming/upgrade.js';
import { review } from './reviews.js';
import { bindPod, evictPod, requestToken } from './subresources.js';
import type { RequestStats } from './stats.js';
import { includeObjectParam, partialMetadata, tableOf } from './table.js';

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
}

export interface HandlerDeps {
  objects: ObjectService;
  registry: Registry;
  authn: Authenticator;
  authz: Authorizer;
  discovery: Discovery;
  openapi: OpenApi;
  version: VersionInfo;
  watch: WatchOptions;
  isReady(): boolean;
  /** Runs before each request is handled; a Status it returns is the answer (faults, tests). */
  admit?(request: {
    method: string;
    url: string;
    info: RequestInfo;
    user: UserInfo;
  }): Promise<StatusError | undefined>;
  /** For the randomized-request test and debugging: every 500 is reported here. */
  onInternalError?(err: unknown): void;
  /** Called as each request arrives (tests assert what clients sent); status is set when it ends. */
  onRequest?(record: RequestRecord): void;
  /** Injected faults, decided per request after authentication (control requests are exempt). */
  faults?: FaultSet;
  /** The control API under /sandbox/v1/. */
  control?: SandboxControl;
  /** Durations of answered requests (watches excepted). */
  stats?: RequestStats;
  /** pods/log */
  logs?: PodLogs;
  /** Creates, updates, patches and deletes through admission webhooks. */
  writes: AdmittedWrites;
  /** exec, attach and port-forward into pods whose containers are real processes. */
  streaming?: PodStreaming;
}

export interface RequestRecord {
  method: string;
  url: string;
  /** 0 until the response has ended. */
  status: number;
  accept?: string;
  contentType?: string;
}

const PATCH_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

export class ApiHandler {
  constructor(private readonly d: HandlerDeps) {}

  async handle(req: IncomingMessage, res: ServerResponse, secure: boolean): Promise<void> {
    if (this.d.onRequest) {
      // Reported on arrival (a watch may stay open for minutes); the status is filled in on close.
      const record: RequestRecord = {
        method: req.method ?? '',
        url: req.url ?? '',
        status: 0,
        accept: req.headers.accept,
        contentType: req.headers['content-type'],
      };
      res.once('close', () => (record.status = res.statusCode));
      this.d.onRequest(record);
    }
    const method = req.method ?? 'GET';
    const info = parseRequest(method, req.url ?? '/');
    if (this.d.stats && info.verb !== 'watch') {
      const stats = this.d.stats;
      const start = performance.now();
      res.once('finish', () => stats.record(performance.now() - start));
    }
    try {
      await this.route(req, res, secure, info);
    } catch (err) {
      if (isStatusError(err)) {
        sendError(res, err);
        return;
      }
      this.d.onInternalError?.(err);
      sendError(res, Errors.internal(err instanceof Error ? err.message : String(err)));
    }
  }

  /**
   * An HTTP upgrade (SPDY/3.1 or WebSocket): pods/exec, pods/attach and pods/portforward. Authorized as
   * `create` whatever the method, as kube-apiserver does for WebSocket GETs (AuthorizePodWebsocketUpgradeCreatePermission).
   */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, secure: boolean): void {
    const record: RequestRecord = { method: req.method ?? '', url: req.url ?? '', status: 101 };
    this.d.onRequest?.(record);
    socket.on('error', () => undefined);
    try {
      const info = parseRequest(req.method ?? 'GET', req.url ?? '/');
      const auth = this.d.authn.authenticate(req, secure);
      if ('unauthorized' in auth) throw Errors.unauthorized();
      const rt = this.d.registry.get(info.group, info.version, info.resource);
      const sub = info.subresource;
      if (!rt || !isCore(rt, 'Pod') || !STREAMING_SUBRESOURCES.includes(sub) || !info.name || !info.namespace)
        throw Errors.pathNotFound();
      const path = info.path;
      const [namespace, name] = [info.namespace, info.name];
      this.authorize(
        {
          user: auth.user,
          verb: 'create',
          isResource: true,
          group: '',
          resource: 'pods',
          subresource: sub,
          namespace,
          name,
          path,
        },
        rt,
      );
      const pod = this.d.objects.get(rt, namespace, name);
      if (!this.d.streaming)
        throw Errors.badRequest(
          `the sandbox does not support ${sub} without its simulated cluster (controllers: false)`,
        );
      serveStreaming(
        req,
        socket,
        head,
        { kind: sub as StreamingKind, pod, query: info.query },
        this.d.streaming,
      );
    } catch (err) {
      const status = isStatusError(err)
        ? err
        : Errors.internal(err instanceof Error ? err.message : String(err));
      if (!isStatusError(err)) this.d.onInternalError?.(err);
      record.status = status.code;
      rejectUpgrade(socket, status);
    }
  }

  private async route(
    req: IncomingMessage,
    res: ServerResponse,
    secure: boolean,
    info: RequestInfo,
  ): Promise<void> {
    const method = req.method ?? 'GET';
    const auth = this.d.authn.authenticate(req, secure);
    if ('unauthorized' in auth) throw Errors.unauthorized();
    const user = auth.user;
    const isControl = info.path === CONTROL_PREFIX || info.path.startsWith(`${CONTROL_PREFIX}/`);
    if (!isControl && this.d.faults) {
      const effect = this.d.faults.decide({
        method,
        path: info.path,
        verb: info.verb,
        resource: info.resource || undefined,
        group: info.group,
        namespace: info.namespace || undefined,
      });
      if (effect?.latencyMs) await new Promise((r) => setTimeout(r, effect.latencyMs));
      if (effect?.reset) {
        req.socket.destroy();
        return;
      }
      if (effect?.error) throw effect.error;
    }
    const denied = await this.d.admit?.({ method, url: req.url ?? '/', info, user });
    if (denied) throw denied;

    if (!info.isResource) {
      const verb = method === 'HEAD' ? 'get' : info.verb;
      this.authorize(pathAttributes(user, verb, info.path), undefined);
      if (isControl && this.d.control) return handleControl(req, res, info.path, this.d.control);
      return this.nonResource(req, res, info);
    }

    const rt = this.d.registry.get(info.group, info.version, info.resource);
    if (!rt || info.extra.length > 0) throw Errors.pathNotFound();
    if (!rt.namespaced && info.namespace && !(rt.kind === 'Namespace' && rt.group === ''))
      throw Errors.pathNotFound();
    // A namespace's own path names it: /api/v1/namespaces/x is resource namespaces, name x.
    const namespace = rt.kind === 'Namespace' && rt.group === '' ? '' : info.namespace;
    const subresource = info.subresource;
    if (subresource && !this.subresourceRoute(rt, subresource)) throw Errors.pathNotFound();

    this.authorize(
      {
        user,
        verb: info.verb,
        isResource: true,
        group: rt.group,
        resource: rt.plural,
        subresource,
        namespace: rt.namespaced ? namespace : '',
        name: info.name,
        path: info.path,
      },
      rt,
    );
    if (rt.virtual) {
      if (info.verb !== 'create')
        throw Errors.methodNotSupported({ group: rt.group, resource: rt.plural }, info.verb);
      const body = decodeBody(await readBody(req), contentType(req.headers['content-type']));
      const out = review(rt, body, user, namespace, this.d.authz, this.d.authn, req);
      return send(res, 201, JSON.stringify(out));
    }
    if (!rt.verbs.includes(info.verb) && !(info.verb === 'get' && subresource)) {
      throw Errors.methodNotSupported({ group: rt.group, resource: rt.plural }, info.verb);
    }
    if (rt.namespaced && !namespace && ['create', 'get', 'update', 'patch', 'delete'].includes(info.verb))
      throw Errors.pathNotFound();
    return this.resource(req, res, info, rt, namespace, user);
  }

  /** The route of `<plural>/<subresource>` if this resource serves it. */
  private subresourceRoute(rt: ResourceType, sub: string): SubresourceRoute | undefined {
    const route = this.subresources[`${rt.plural}/${sub}`] ?? this.subresources[`*/${sub}`];
    return route?.serves(rt) ? route : undefined;
  }

  /**
   * Subresources by "<plural>/<subresource>" ("*" for any resource), as kube-apiserver's registry maps
   * them to their storage. A verb a route leaves out behaves as on the object itself: get reads it, update
   * and patch write it through the subresource (status-like); create and delete are not supported.
   */
  private readonly subresources: Record<string, SubresourceRoute> = {
    '*/status': { serves: (rt) => rt.status },
    '*/scale': {
      serves: (rt) => rt.scale !== undefined,
      get: (c) =>
        send(c.res, 200, JSON.stringify(scaleOf(c.rt, this.d.objects.get(c.rt, c.namespace, c.info.name)))),
      update: (c, body, opts) => this.updateScale(c.res, c.rt, c.namespace, c.info.name, body, opts),
      patch: (c, body, opts, type) => {
        const scale = scaleOf(c.rt, this.d.objects.get(c.rt, c.namespace, c.info.name));
        const next = type === 'apply' ? body : this.patchDocument(type, scale, body);
        return this.updateScale(c.res, c.rt, c.namespace, c.info.name, next, opts);
      },
    },
    'namespaces/finalize': {
      serves: (rt) => rt.kind === 'Namespace' && rt.group === '',
      update: (c, body, opts) => this.finalize(c.res, c.rt, c.info.name, body, opts),
    },
    'pods/log': {
      serves: (rt) => isCore(rt, 'Pod') && this.d.logs !== undefined,
      get: (c) =>
        this.d.logs!.serve(c.req, c.res, this.d.objects.get(c.rt, c.namespace, c.info.name), c.info.query),
    },
    'pods/binding': {
      serves: (rt) => isCore(rt, 'Pod'),
      get: notSupported,
      create: (c, body) =>
        send(c.res, 201, JSON.stringify(bindPod(this.d.objects, c.rt, c.namespace, c.info.name, body))),
    },
    'pods/eviction': {
      serves: (rt) => isCore(rt, 'Pod'),
      get: notSupported,
      create: (c, body) =>
        send(c.res, 201, JSON.stringify(evictPod(this.d.objects, c.rt, c.namespace, c.info.name, body))),
    },
    'serviceaccounts/token': {
      serves: (rt) => isCore(rt, 'ServiceAccount'),
      get: notSupported,
      create: (c, body, opts) => {
        const { objects, authn } = this.d;
        const dryRun = opts.dryRun ?? false;
        const token = requestToken(objects, c.rt, authn, c.namespace, c.info.name, body, dryRun);
        return send(c.res, 201, JSON.stringify(token));
      },
    },
  };

  private authorize(a: Attributes, rt: ResourceType | undefined): void {
    const decision = this.d.authz.authorize(a);
    if (decision.allowed) return;
    if (!a.isResource) throw Errors.forbidden(undefined, undefined, decision.reason);
    const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    throw Errors.forbidden({ group: rt?.group ?? a.group, resource }, a.name || undefined, decision.reason);
  }

  private nonResource(req: IncomingMessage, res: ServerResponse, info: RequestInfo): void {
    const path = info.path.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      if (
        ['/version', '/healthz', '/livez', '/readyz', '/api', '/apis'].includes(path) ||
        path.startsWith('/openapi')
      )
        throw Errors.methodNotAllowed();
      throw Errors.pathNotFound();
    }
    const accept = req.headers.accept;
    switch (path) {
      case '/version':
        return send(res, 200, JSON.stringify(versionBody(this.d.version), null, 2));
      case '/healthz':
      case '/livez':
      case '/readyz':
        return this.health(res, path, info.query);
      case '/api': {
        const agg = aggregatedDiscovery(accept);
        if (agg) return send(res, 200, this.d.discovery.aggregated(true, agg), aggregatedType(agg));
        return send(res, 200, this.d.discovery.apiVersions());
      }
      case '/apis': {
        const agg = aggregatedDiscovery(accept);
        if (agg) return send(res, 200, this.d.discovery.aggregated(false, agg), aggregatedType(agg));
        return send(res, 200, this.d.discovery.groupList());
      }
      case '/openapi/v2':
      case '/swagger-2.0.0.pb-v1': {
        const wantsProtobuf = (accept ?? '').includes('protobuf') || path === '/swagger-2.0.0.pb-v1';
        if (wantsProtobuf) return send(res, 200, this.d.openapi.v2Protobuf(), 'application/octet-stream');
        return send(res, 200, this.d.openapi.v2Json());
      }
      case '/openapi/v3':
        return send(res, 200, this.d.openapi.v3Index());
    }
    if (path.startsWith('/openapi/v3/')) {
      const doc = this.d.openapi.v3Document(path.slice('/openapi/v3/'.length));
      if (!doc) throw Errors.pathNotFound();
      const headers: Record<string, string> = info.query.has('hash')
        ? { 'Cache-Control': 'public, immutable' }
        : {};
      return send(res, 200, doc, 'application/json', headers);
    }
    const parts = path.split('/').filter(Boolean);
    if (parts[0] === 'api' && parts.length === 2) {
      const text = this.d.discovery.resourceList('', parts[1]);
      if (text) return send(res, 200, text);
    }
    if (parts[0] === 'apis' && parts.length === 2) {
      const text = this.d.discovery.group(parts[1]);
      if (text) return send(res, 200, text);
    }
    if (parts[0] === 'apis' && parts.length === 3) {
      const text = this.d.discovery.resourceList(parts[1], parts[2]);
      if (text) return send(res, 200, text);
    }
    throw Errors.pathNotFound();
  }

  private health(res: ServerResponse, path: string, query: URLSearchParams): void {
    const ready = path !== '/readyz' || this.d.isReady();
    const checks = [
      'ping',
      'log',
      'etcd',
      'poststarthook/start-apiextensions-controllers',
      'poststarthook/crd-informer-synced',
    ];
    if (path === '/readyz') checks.push('shutdown');
    const name = path.slice(1);
    if (query.has('verbose')) {
      const lines = checks.map((c) =>
        c === 'shutdown' && !ready ? `[-]${c} failed: reason withheld` : `[+]${c} ok`,
      );
      lines.push(ready ? `${name} check passed` : `${name} check failed`);
      return send(res, ready ? 200 : 500, `${lines.join('\n')}\n`, 'text/plain; charset=utf-8', {
        'X-Content-Type-Options': 'nosniff',
      });
    }
    if (!ready)
      return send(
        res,
        500,
        `[-]shutdown failed: reason withheld\n${name} check failed\n`,
        'text/plain; charset=utf-8',
      );
    return send(res, 200, 'ok', 'text/plain; charset=utf-8', { 'X-Content-Type-Options': 'nosniff' });
  }

  private async resource(
    req: IncomingMessage,
    res: ServerResponse,
    info: RequestInfo,
    rt: ResourceType,
    namespace: string,
    user: UserInfo,
  ): Promise<void> {
    const objects = this.d.objects;
    const q = info.query;
    const sub = info.subresource;
    const route = sub ? this.subresourceRoute(rt, sub) : undefined;
    const call: SubresourceCall = { req, res, info, rt, namespace };
    switch (info.verb) {
      case 'get': {
        const rep = representation(req);
        if (route?.get) return route.get(call);
        return this.sendObject(res, 200, rt, objects.get(rt, namespace, info.name), rep, q);
      }
      case 'list':
        return list(objects.store, rt, info, representation(req), res);
      case 'watch':
        return watch(objects.store, rt, info, representation(req), req, res, this.d.watch);
      case 'create': {
        const opts = writeOptions(q, req, user);
        const body = decodeBody(await readBody(req), contentType(req.headers['content-type']));
        if (route?.create) return route.create(call, body, opts);
        if (sub) return notSupported(call);
        const created = await this.d.writes.create(rt, namespace, body, opts, user);
        return send(
          res,
          201,
          JSON.stringify(created),
          'application/json',
          warningHeaders(opts.warnings ?? []),
        );
      }
      case 'update': {
        const opts = writeOptions(q, req, user);
        const body = decodeBody(await readBody(req), contentType(req.headers['content-type']));
        if (route?.update) return route.update(call, body, opts);
        const updated = await this.d.writes.update(
          rt,
          namespace,
          info.name,
          body,
          opts,
          user,
          sub || undefined,
        );
        return send(
          res,
          200,
          JSON.stringify(updated),
          'application/json',
          warningHeaders(opts.warnings ?? []),
        );
      }
      case 'patch':
        return this.patch(call, user, route);
      case 'delete': {
        if (sub) return notSupported(call);
        const options = await deleteOptions(req, q);
        const result = await this.d.writes.delete(rt, namespace, info.name, options, user);
        if (result.pending || rt.returnDeletedObject) return send(res, 200, JSON.stringify(result.object));
        const details: Record<string, unknown> = {
          name: info.name,
          ...(rt.group ? { group: rt.group } : {}),
          kind: rt.plural,
          uid: result.object.metadata.uid,
        };
        return send(res, 200, successStatus(details));
      }
      case 'deletecollection': {
        const options = await deleteOptions(req, q);
        const predicate = selectorOf(rt, q);
        const deleted: K8sObject[] = [];
        for (const e of [...objects.store.list(rt.storageKey, namespace || undefined)]) {
          if (!predicate(e.object)) continue;
          try {
            deleted.push(
              objects.delete(rt, e.object.metadata.namespace ?? '', e.object.metadata.name!, options).object,
            );
          } catch (err) {
            if (!(isStatusError(err) && err.code === 404)) throw err;
          }
        }
        return send(
          res,
          200,
          JSON.stringify({
            kind: rt.listKind,
            apiVersion: groupVersion(rt),
            metadata: { resourceVersion: String(objects.store.resourceVersion) },
            items: deleted,
          }),
        );
      }
      default:
        throw Errors.methodNotAllowed();
    }
  }

  private sendObject(
    res: ServerResponse,
    code: number,
    rt: ResourceType,
    obj: K8sObject,
    rep: Representation,
    q: URLSearchParams,
  ): void {
    if (rep.kind === 'table')
      return send(
        res,
        code,
        JSON.stringify(
          tableOf(
            rt,
            [obj],
            { resourceVersion: obj.metadata.resourceVersion },
            rep.version,
            includeObjectParam(q.get('includeObject')),
          ),
        ),
      );
    if (rep.kind === 'metadata') return send(res, code, JSON.stringify(partialMetadata(obj, rep.version)));
    const entry = this.d.objects.store.entry(rt.storageKey, obj.metadata.namespace ?? '', obj.metadata.name!);
    const text = entry && entry.object === obj ? entry.json() : JSON.stringify(obj);
    if (obj.apiVersion !== groupVersion(rt) || obj.kind !== rt.kind)
      return send(res, code, JSON.stringify({ ...obj, apiVersion: groupVersion(rt), kind: rt.kind }));
    return send(res, code, text);
  }

  private async patch(
    call: SubresourceCall,
    user: UserInfo,
    route: SubresourceRoute | undefined,
  ): Promise<void> {
    const { req, res, info, rt, namespace } = call;
    const media = contentType(req.headers['content-type']);
    const type = PATCH_TYPES[media];
    const accepted = [
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/apply-patch+yaml',
      ...(rt.strategicMerge ? ['application/strategic-merge-patch+json'] : []),
    ];
    if (!type || (type === 'strategic' && !rt.strategicMerge))
      throw Errors.unsupportedMediaType(media, accepted);
    const q = info.query;
    const opts = { ...writeOptions(q, req, user, type === 'apply'), force: isTrue(q.get('force')) };
    if (q.has('force') && type !== 'apply')
      throw Errors.badRequest('force is not allowed when content type is not application/apply-patch+yaml');
    const body = decodeBody(await readBody(req), media);
    if (route?.patch) return route.patch(call, body, opts, type);
    const { object, created } = await this.d.writes.patch(
      rt,
      namespace,
      info.name,
      type,
      body,
      opts,
      user,
      info.subresource || undefined,
    );
    return send(
      res,
      created ? 201 : 200,
      JSON.stringify(object),
      'application/json',
      warningHeaders(opts.warnings ?? []),
    );
  }

  private patchDocument(type: PatchType, doc: K8sObject, patch: unknown): unknown {
    // Scale has no strategic metadata: strategic and merge patches behave alike on it.
    return type === 'json' ? jsonPatch(doc, patch) : mergePatch(doc, patch);
  }

  private updateScale(
    res: ServerResponse,
    rt: ResourceType,
    namespace: string,
    name: string,
    body: unknown,
    opts: WriteOptions,
  ): void {
    if (!isObject(body)) throw Errors.badRequest('the Scale must be an object');
    const current = this.d.objects.get(rt, namespace, name);
    const rv = isObject(body.metadata) ? body.metadata.resourceVersion : undefined;
    if (typeof rv === 'string' && rv !== '' && rv !== current.metadata.resourceVersion)
      throw Errors.modified({ group: rt.group, resource: rt.plural }, name);
    const replicas = isObject(body.spec) ? body.spec.replicas : undefined;
    const next = withScale(rt, current, replicas);
    const updated = this.d.objects.update(
      rt,
      namespace,
      name,
      { ...next, metadata: { ...next.metadata, resourceVersion: current.metadata.resourceVersion } },
      opts,
    );
    return send(res, 200, JSON.stringify(scaleOf(rt, updated)));
  }

  private finalize(
    res: ServerResponse,
    rt: ResourceType,
    name: string,
    body: unknown,
    opts: WriteOptions,
  ): void {
    if (!isObject(body)) throw Errors.badRequest('the Namespace must be an object');
    const finalizers =
      isObject(body.spec) && Array.isArray(body.spec.finalizers) ? body.spec.finalizers.map(String) : [];
    const current = this.d.objects.get(rt, '', name);
    const next = { ...current, spec: { ...(isObject(current.spec) ? current.spec : {}), finalizers } };
    const updated = this.d.objects.update(rt, '', name, { ...next, metadata: { ...current.metadata } }, opts);
    return send(res, 200, JSON.stringify(updated));
  }
}

/** One request to a resource (or one of its subresources), as the routes see it. */
interface SubresourceCall {
  req: IncomingMessage;
  res: ServerResponse;
  info: RequestInfo;
  rt: ResourceType;
  namespace: string;
}

interface SubresourceRoute {
  serves(rt: ResourceType): boolean;
  get?(call: SubresourceCall): void | Promise<void>;
  create?(call: SubresourceCall, body: unknown, opts: WriteOptions): void;
  update?(call: SubresourceCall, body: unknown, opts: WriteOptions): void;
  patch?(call: SubresourceCall, body: unknown, opts: WriteOptions, type: PatchType): void;
}

/** A built-in resource of the core group (not a custom resource that happens to share its names). */
function isCore(rt: ResourceType, kind: string): boolean {
  return rt.group === '' && !rt.crd && rt.kind === kind;
}

/** 405 for a verb the subresource does not serve. */
function notSupported(call: SubresourceCall): never {
  const { rt, info } = call;
  throw Errors.methodNotSupported(
    { group: rt.group, resource: `${rt.plural}/${info.subresource}` },
    info.verb,
  );
}

function aggregatedType(v: 'v2' | 'v2beta1'): string {
  return `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`;
}

function representation(req: IncomingMessage): Representation {
  const rep = chooseRepresentation(req.headers.accept);
  if (!rep)
    throw Errors.notAcceptable([
      'application/json',
      'application/yaml',
      'application/vnd.kubernetes.protobuf',
    ]);
  return rep;
}

function userAgentManager(req: IncomingMessage): string {
  const ua = req.headers['user-agent'] ?? '';
  const prefix = ua.split('/')[0].trim();
  return prefix || 'unknown';
}

function writeOptions(q: URLSearchParams, req: IncomingMessage, user: UserInfo, apply = false): WriteOptions {
  void user;
  const dryRun = q.getAll('dryRun');
  for (const v of dryRun)
    if (v !== 'All') throw Errors.badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  const fv = q.get('fieldValidation');
  let fieldValidation: FieldValidation = 'Warn';
  if (fv !== null) {
    if (fv !== 'Strict' && fv !== 'Warn' && fv !== 'Ignore')
      throw Errors.badRequest(
        `fieldValidation: Unsupported value: "${fv}": supported values: "Ignore", "Strict", "Warn"`,
      );
    fieldValidation = fv;
  }
  const manager = q.get('fieldManager') ?? (apply ? undefined : userAgentManager(req));
  if (manager !== undefined && manager.length > 128)
    throw Errors.badRequest('fieldManager: Too long: may not be more than 128 bytes');
  return { dryRun: dryRun.length > 0, fieldManager: manager ?? undefined, fieldValidation, warnings: [] };
}

async function deleteOptions(req: IncomingMessage, q: URLSearchParams): Promise<DeleteOptions> {
  const raw = await readBody(req);
  let body: Record<string, unknown> = {};
  if (raw.length > 0 && raw.toString('utf8').trim() !== '') {
    const parsed = decodeBody(raw, contentType(req.headers['content-type']) || 'application/json');
    if (!isObject(parsed)) throw Errors.badRequest('DeleteOptions must be an object');
    body = parsed;
  }
  const options: DeleteOptions = {};
  const grace =
    body.gracePeriodSeconds ??
    (q.get('gracePeriodSeconds') !== null ? Number(q.get('gracePeriodSeconds')) : undefined);
  if (grace !== undefined) {
    if (!Number.isInteger(grace)) throw Errors.badRequest('gracePeriodSeconds must be an integer');
    options.gracePeriodSeconds = Math.max(0, grace as number);
  }
  const policy = body.propagationPolicy ?? q.get('propagationPolicy') ?? undefined;
  if (policy !== undefined) {
    if (policy !== 'Orphan' && policy !== 'Background' && policy !== 'Foreground')
      throw Errors.invalid({ group: '', kind: 'DeleteOptions' }, '', [
        {
          type: 'FieldValueNotSupported',
          field: 'propagationPolicy',
          value: policy,
          allowed: ['Foreground', 'Background', 'Orphan', 'nil'],
        },
      ]);
    options.propagationPolicy = policy;
  }
  const orphan =
    body.orphanDependents ??
    (q.get('orphanDependents') !== null ? isTrue(q.get('orphanDependents')) : undefined);
  if (typeof orphan === 'boolean') options.orphanDependents = orphan;
  if (isObject(body.preconditions)) options.preconditions = body.preconditions;
  const dry = Array.isArray(body.dryRun) ? body.dryRun : q.getAll('dryRun');
  options.dryRun = dry.length > 0;
  return options;
}

function versionBody(v: VersionInfo): Record<string, string> {
  return {
    major: v.major,
    minor: v.minor,
    gitVersion: v.gitVersion,
    gitCommit: 'meshdeck-sandbox',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.23.0',
    compiler: 'gc',
    platform: `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}
