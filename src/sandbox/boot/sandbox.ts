// startSandbox(): a simulated Kubernetes API server in this process, on loopback, that kubectl and
// @kubernetes/client-node use unmodified. See docs/sandbox.md.
import { writeFileAtomic } from '../../core/fs/atomic.js';
import { ObjectService } from '../api/objects.js';
import { Authenticator } from '../auth/authn.js';
import { ServiceAccountTokens } from '../auth/service-account-tokens.js';
import { AdmittedWrites } from '../admission/admitted-writes.js';
import { registerWebhookKinds } from '../admission/config.js';
import { WebhookDispatcher } from '../admission/dispatch.js';
import { bootstrapPolicy, SYSTEM_NAMESPACES } from '../auth/bootstrap.js';
import { Authorizer } from '../auth/rbac.js';
import { startSimulation, type Simulation } from './simulation.js';
import type { ProcessInfo } from '../kubelet/process-runtime.js';
import { CrdController } from '../controllers/crds.js';
import { GarbageCollector } from '../controllers/garbage-collector.js';
import { NamespaceController } from '../controllers/namespaces.js';
import { ServiceAllocator } from '../controllers/service-allocation.js';
import { kubeconfigText, SANDBOX_CONTEXT, type Credentials } from './kubeconfig.js';
import type { SandboxControl } from '../server/fault-control.js';
import { FaultSet, type FaultInfo, type FaultSpec } from '../faults/faults.js';
import type { StageDelays } from '../base/behaviour.js';
import { DataDir } from './persist.js';
import { Registry } from '../resources/registry.js';
import type { K8sObject } from '../base/types.js';
import { Discovery } from '../server/discovery.js';
import { ApiHandler, type RequestRecord, type VersionInfo } from '../server/handler.js';
import { listenHttp, listenHttps, type Listener } from '../server/listen.js';
import { OpenApi } from '../server/openapi.js';
import { RequestStats, type RequestStatsSnapshot } from '../server/stats.js';
import { Store } from '../store/store.js';
import {
  createAuthority,
  issueClientCert,
  issueServerCert,
  loadAuthority,
  type Authority,
  type KeyPairPem,
} from '../tls/pki.js';

export interface SandboxOptions {
  /** HTTPS port on the host; 0 (the default) picks a free one. */
  port?: number;
  /** Loopback address to listen on. */
  host?: string;
  /** Also serve plain HTTP on this port (0 = any); off when undefined. */
  httpPort?: number;
  /** Keep the CA, credentials, tokens and objects here across restarts; in memory when unset. */
  dataDir?: string;
  /** Multiplies every simulated delay (stages, back-offs, progress deadlines): 0.01 is 100 times faster. */
  timeScale?: number;
  /** Pod stage delays at time scale 1, in ms (default: KWOK's fast profile, see docs/sandbox.md). */
  stageDelays?: Partial<StageDelays>;
  /** Simulated nodes registered at start (sandbox-node-1 ...); default 1. */
  nodes?: number;
  /** Node lease renewals, in real seconds (default 10). */
  nodeHeartbeatSeconds?: number;
  /** Events are deleted this long after their last occurrence (default 3600, the apiserver's). */
  eventTtlSeconds?: number;
  /** Run the cluster around the API server (nodes, scheduler, kubelets, controllers); default true. */
  controllers?: boolean;
  /**
   * Images whose pods run as real processes besides meshdeck's own (`meshdeck[:tag]`): their container
   * `command` (and args) runs from this machine's PATH. Exact images or repositories without a tag.
   */
  allowedImages?: string[];
  /** How a `meshdeck` container runs meshdeck; default: this Node with this package's bin/meshdeck.js. */
  meshdeckCommand?: string[];
  /** The fake load balancer: LoadBalancer Services get status.loadBalancer.ingress (default true). */
  loadBalancers?: boolean;
  /** Also write the admin kubeconfig to this file (mode 0600). */
  kubeconfigPath?: string;
  /** Watch events kept per resource for watches resuming from a resourceVersion. */
  watchHistory?: number;
  /** How often watches with allowWatchBookmarks get a BOOKMARK. */
  bookmarkIntervalMs?: number;
  /** The Kubernetes version the server reports. */
  version?: { major: string; minor: string };
  /** Reports errors of controllers and internal errors of requests (default: ignored). */
  onError?: (err: unknown) => void;
  /** Called as each request arrives (tests inspect what clients sent); status is set when it ends. */
  onRequest?: (record: RequestRecord) => void;
  /** Awaited before each request is handled (tests interleave changes with a client's requests). */
  beforeRequest?: (request: { method: string; url: string }) => void | Promise<void>;
}

export type { RequestRecord };

export interface Identity {
  user: string;
  groups?: string[];
}

export interface Sandbox {
  /** https://127.0.0.1:<port> */
  url: string;
  /** http://127.0.0.1:<port> when plain HTTP is on. */
  httpUrl?: string;
  /** The admin kubeconfig (client certificate of kubernetes-admin, group system:masters). */
  kubeconfig: string;
  kubeconfigPath?: string;
  /** The CA certificate (PEM) clients trust. */
  caPem: string;
  /** A bearer token for a user, valid until the sandbox stops (or for ever with a data dir). */
  mintToken(identity: Identity): string;
  /** A client certificate (CN = user, O = groups) signed by the sandbox CA. */
  mintClientCert(identity: Identity): KeyPairPem;
  /** A kubeconfig for an identity, by token (default) or client certificate. */
  kubeconfigFor(
    identity: Identity,
    options?: { method?: 'token' | 'cert'; namespace?: string; name?: string },
  ): string;
  /**
   * The URL at which this machine reaches a Service's port (the first when `port` is not given; a port
   * number or name): every Service with a selector gets a proxy on the sandbox's host that forwards to
   * the ready pods run by the process runtime. Undefined until the proxy listens (just after the
   * Service is created) or without a selector. Simulated pods have no real address: connections are reset.
   */
  serviceUrl(
    namespace: string,
    name: string,
    options?: { port?: number | string; scheme?: string },
  ): string | undefined;
  /** The processes of pods run by the process runtime. */
  processes(): ProcessInfo[];
  /** Makes /readyz fail (false) or pass (true). */
  setReady(ready: boolean): void;
  /** Forgets watch history: watches from an older resourceVersion then get 410 Expired. */
  compactHistory(): void;
  /**
   * Ends every open watch: cleanly (the stream ends, as when a watch times out) or abruptly (the
   * connection is cut). Returns how many were open.
   */
  dropWatches(options?: { abrupt?: boolean }): number;
  /** Injected faults: latency, 429 with Retry-After, 5xx, cut connections (see docs/sandbox.md). */
  faults: SandboxFaults;
  /**
   * Restarts the API server: every connection is cut, the port refuses connections for `downMs`, then
   * the server listens again on the same port with the same data. Controllers and pods keep running.
   */
  restart(options?: { downMs?: number }): Promise<void>;
  /** Counts for status and benchmarks, with the server's own view of its requests since the last reset. */
  stats(): SandboxStats;
  /** Starts the request figures of stats() afresh. */
  resetStats(): void;
  stop(): Promise<void>;
}

export interface SandboxFaults {
  add(spec: FaultSpec): FaultInfo;
  remove(id: string): boolean;
  clear(): void;
  list(): FaultInfo[];
  get(id: string): FaultInfo | undefined;
}

export interface SandboxStats {
  objects: number;
  watches: number;
  resourceVersion: number;
  requests: RequestStatsSnapshot;
  memory: { rssBytes: number; heapUsedBytes: number };
}

export type { FaultInfo, FaultSpec, ProcessInfo };

const DEFAULT_VERSION = { major: '1', minor: '32' };

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const onError = options.onError ?? (() => undefined);
  const data = options.dataDir ? new DataDir(options.dataDir) : undefined;
  const pki = await loadIdentity(data, host);
  const state = await openState(options, data);
  const controllers = startControllers(state.objects, pki.ca.cert, onError);
  if (!state.restored) bootstrap(state.objects);
  const version = serverVersion(options);
  let apiPort = 0;
  const simulation = startCluster(state.objects, options, version, onError, () =>
    apiPort ? { host, port: apiPort } : undefined,
  );
  const unfollow = data?.follow(state.store);
  // Tokens of the table minted for a service account go with it.
  const unrevoke = state.authn.serviceAccounts!.onServiceAccountDeleted((user) => {
    if (state.authn.revokeUser(user) && data) void data.saveTokens(state.authn.entries()).catch(onError);
  });
  const runtime = new Runtime(state.store, onError);
  const handler = apiHandler(options, state, runtime, simulation, version, onError);
  const tls = { key: pki.server.key, cert: pki.server.cert, ca: pki.ca.cert };
  const listeners = await startListeners(handler, tls, host, options);
  runtime.restart = (downMs) => listeners.restart(downMs, () => runtime.dropWatches(true));
  runtime.address = listeners.address;
  apiPort = listeners.https.port;
  simulation?.apiServerListening();
  const url = `https://${listeners.address}`;
  const kubeconfig = await writeAdminKubeconfig(url, pki, options.kubeconfigPath);

  return sandboxApi({
    url,
    kubeconfig,
    options,
    pki,
    state,
    runtime,
    simulation,
    listeners,
    data,
    onError,
    async stop() {
      await listeners.stopRestarting();
      runtime.dropWatches();
      await simulation?.stop();
      controllers.stop();
      unfollow?.();
      unrevoke();
      await listeners.close();
      if (data) await data.save(state.store);
    },
  });
}

interface Pki {
  ca: Authority;
  admin: KeyPairPem;
  server: KeyPairPem;
}

/** The CA and the admin certificate, reused from the data dir so kubeconfigs stay valid; a server cert. */
async function loadIdentity(data: DataDir | undefined, host: string): Promise<Pki> {
  const saved = await data?.loadPki();
  const ca = saved ? loadAuthority(saved.ca) : createAuthority();
  const admin = saved?.admin ?? issueClientCert(ca, 'kubernetes-admin', ['system:masters']);
  if (data && !saved) await data.savePki({ ca: { cert: ca.cert, key: ca.key }, admin });
  const server = issueServerCert(ca, ['localhost', '127.0.0.1', '::1', host]);
  return { ca, admin, server };
}

interface State {
  store: Store;
  registry: Registry;
  objects: ObjectService;
  authn: Authenticator;
  authz: Authorizer;
  /** Writes through admission webhooks. */
  writes: AdmittedWrites;
  /** Objects came from the data dir (so the cluster is not bootstrapped again). */
  restored: boolean;
}

/** The store (restored from the data dir), the write path over it, and who may do what. */
async function openState(options: SandboxOptions, data: DataDir | undefined): Promise<State> {
  const store = new Store({ historySize: options.watchHistory });
  const restored = data ? await data.restore(store) : false;
  const registry = new Registry();
  const objects = new ObjectService(store, registry);
  const authn = new Authenticator();
  for (const [token, user] of (await data?.loadTokens()) ?? []) authn.addToken(user.name, user.groups, token);
  authn.serviceAccounts = await ServiceAccountTokens.open(store, options.dataDir, () => objects.now());
  registerWebhookKinds(registry);
  const writes = new AdmittedWrites(objects, new WebhookDispatcher(store, registry));
  return { store, registry, objects, authn, authz: new Authorizer(store), writes, restored };
}

/** The control-plane controllers that run even without the simulated cluster. */
function startControllers(objects: ObjectService, caPem: string, onError: (err: unknown) => void) {
  const crds = new CrdController(objects, onError);
  const namespaces = new NamespaceController(objects, caPem, onError);
  new ServiceAllocator(objects);
  const gc = new GarbageCollector(objects, onError);
  return {
    stop() {
      crds.stop();
      namespaces.stop();
      gc.stop();
    },
  };
}

function serverVersion(options: SandboxOptions): VersionInfo {
  const { major, minor } = options.version ?? DEFAULT_VERSION;
  return { major, minor, gitVersion: `v${major}.${minor}.0` };
}

/** Nodes, scheduler, kubelets and workload controllers, unless options.controllers is false. */
function startCluster(
  objects: ObjectService,
  options: SandboxOptions,
  version: VersionInfo,
  onError: (err: unknown) => void,
  apiServer: () => { host: string; port: number } | undefined,
): Simulation | undefined {
  if (options.controllers === false) return undefined;
  return startSimulation(objects, {
    timeScale: options.timeScale ?? 1,
    delays: options.stageDelays,
    nodes: options.nodes ?? 1,
    heartbeatMs: (options.nodeHeartbeatSeconds ?? 10) * 1000,
    eventTtlMs: (options.eventTtlSeconds ?? 3600) * 1000,
    kubeletVersion: version.gitVersion,
    onError,
    host: options.host ?? '127.0.0.1',
    loadBalancers: options.loadBalancers ?? true,
    allowedImages: options.allowedImages ?? [],
    meshdeckCommand: options.meshdeckCommand,
    apiServer,
  });
}

/** What the running server changes at run time: readiness, open watches, faults, request figures. */
class Runtime {
  ready = true;
  address = '';
  readonly faults = new FaultSet();
  readonly requestStats = new RequestStats();
  readonly watchClosers = new Set<(abrupt?: boolean) => void>();
  /** Set once the listeners exist (the control API restarts them). */
  restart: (downMs: number) => Promise<void> = () => Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly onError: (err: unknown) => void,
  ) {}

  dropWatches(abrupt = false): number {
    const open = [...this.watchClosers];
    for (const close of open) close(abrupt);
    return open.length;
  }

  stats(): SandboxStats {
    let n = 0;
    for (const _ of this.store.allObjects()) n++;
    const mem = process.memoryUsage();
    return {
      objects: n,
      watches: this.store.watcherCount(),
      resourceVersion: this.store.resourceVersion,
      requests: this.requestStats.snapshot(),
      memory: { rssBytes: mem.rss, heapUsedBytes: mem.heapUsed },
    };
  }

  /** The control endpoints' view (faults, restarts, figures, readiness). */
  control(): SandboxControl {
    return {
      faults: this.faults,
      dropWatches: (abrupt) => this.dropWatches(abrupt),
      restart: (downMs) => void this.restart(downMs).catch(this.onError),
      stats: () => ({ ...this.stats() }),
      resetStats: () => this.requestStats.reset(),
      setReady: (value) => (this.ready = value),
    };
  }
}

/** The request handler: authentication, authorization, routing, watches and the control endpoints. */
function apiHandler(
  options: SandboxOptions,
  state: State,
  runtime: Runtime,
  simulation: Simulation | undefined,
  version: VersionInfo,
  onError: (err: unknown) => void,
): ApiHandler {
  const { registry, objects, authn, authz } = state;
  return new ApiHandler({
    faults: runtime.faults,
    control: runtime.control(),
    stats: runtime.requestStats,
    logs: simulation?.logs,
    streaming: simulation?.streaming,
    objects,
    registry,
    writes: state.writes,
    authn,
    authz,
    discovery: new Discovery(registry, () => runtime.address),
    openapi: new OpenApi(registry, version.gitVersion),
    version,
    isReady: () => runtime.ready,
    onInternalError: onError,
    onRequest: options.onRequest,
    admit: options.beforeRequest
      ? async (info) => {
          await options.beforeRequest!({ method: info.method, url: info.url });
          return undefined;
        }
      : undefined,
    watch: {
      bookmarkIntervalMs: options.bookmarkIntervalMs ?? 10_000,
      defaultTimeoutMs: 30 * 60_000,
      maxBufferedBytes: 16 * 1024 * 1024,
      track: (close) => {
        runtime.watchClosers.add(close);
        return () => runtime.watchClosers.delete(close);
      },
    },
  });
}

interface Listeners {
  https: Listener;
  http?: Listener;
  /** host:port of the HTTPS listener (IPv6 hosts in brackets). */
  address: string;
  httpUrl?: string;
  /** Cuts every connection, stays down for downMs, then listens again on the same ports. */
  restart(downMs: number, dropWatches: () => void): Promise<void>;
  /** Waits for a restart under way and prevents further ones. */
  stopRestarting(): Promise<void>;
  close(): Promise<void>;
}

/** HTTPS (and plain HTTP when asked) on loopback, restartable on the same ports. */
async function startListeners(
  handler: ApiHandler,
  tls: { key: string; cert: string; ca: string },
  host: string,
  options: SandboxOptions,
): Promise<Listeners> {
  const serveHttps = (port: number) =>
    listenHttps(
      tls,
      host,
      port,
      (req, res) => void handler.handle(req, res, true),
      (req, socket, head) => handler.upgrade(req, socket, head, true),
    );
  const serveHttp = (port: number) =>
    listenHttp(
      host,
      port,
      (req, res) => void handler.handle(req, res, false),
      (req, socket, head) => handler.upgrade(req, socket, head, false),
    );
  let https = await serveHttps(options.port ?? 0);
  let http: Listener | undefined;
  if (options.httpPort !== undefined) http = await serveHttp(options.httpPort);
  let restarting: Promise<void> = Promise.resolve();
  let stopped = false;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return {
    get https() {
      return https;
    },
    get http() {
      return http;
    },
    address: `${hostPart}:${https.port}`,
    httpUrl: http ? `http://${hostPart}:${http.port}` : undefined,
    restart(downMs, dropWatches) {
      restarting = restarting.then(async () => {
        if (stopped) return;
        dropWatches();
        await Promise.all([https.close(), http?.close()]);
        if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
        if (stopped) return;
        https = await serveHttps(https.port);
        if (http) http = await serveHttp(http.port);
      });
      return restarting;
    },
    async stopRestarting() {
      stopped = true;
      await restarting;
    },
    async close() {
      await Promise.all([https.close(), http?.close()]);
    },
  };
}

async function writeAdminKubeconfig(url: string, pki: Pki, path: string | undefined): Promise<string> {
  const credentials: Credentials = { clientCertificate: pki.admin };
  const kubeconfig = kubeconfigText({ server: url, caPem: pki.ca.cert, credentials });
  if (path) await writeFileAtomic(path, kubeconfig, { mode: 0o600 });
  return kubeconfig;
}

interface Parts {
  url: string;
  kubeconfig: string;
  options: SandboxOptions;
  pki: Pki;
  state: State;
  runtime: Runtime;
  simulation: Simulation | undefined;
  listeners: Listeners;
  data: DataDir | undefined;
  onError: (err: unknown) => void;
  /** Stops everything the wiring started, in order. */
  stop(): Promise<void>;
}

/** The Sandbox handle callers get, over the wired parts. */
function sandboxApi(p: Parts): Sandbox {
  const { url, pki, state, runtime, simulation } = p;
  const { ca } = pki;
  const faults = runtime.faults;
  let stopped = false;
  const saveTokens = () => {
    if (p.data) void p.data.saveTokens(state.authn.entries()).catch(p.onError);
  };
  const sandbox: Sandbox = {
    url,
    httpUrl: p.listeners.httpUrl,
    kubeconfig: p.kubeconfig,
    kubeconfigPath: p.options.kubeconfigPath,
    caPem: ca.cert,
    mintToken(identity) {
      const token = state.authn.addToken(identity.user, identity.groups ?? []);
      saveTokens();
      return token;
    },
    mintClientCert(identity) {
      return issueClientCert(ca, identity.user, identity.groups ?? []);
    },
    kubeconfigFor(identity, opts = {}) {
      const credentials: Credentials =
        opts.method === 'cert'
          ? { clientCertificate: issueClientCert(ca, identity.user, identity.groups ?? []) }
          : { token: sandbox.mintToken(identity) };
      const name = opts.name ?? `${SANDBOX_CONTEXT}-${identity.user.replace(/[^A-Za-z0-9._-]/g, '-')}`;
      return kubeconfigText({
        server: url,
        caPem: ca.cert,
        name,
        userName: name,
        namespace: opts.namespace,
        credentials,
      });
    },
    setReady(value) {
      runtime.ready = value;
    },
    compactHistory() {
      state.store.compact();
    },
    dropWatches(opts = {}) {
      return runtime.dropWatches(opts.abrupt ?? false);
    },
    faults: {
      add: (spec) => faults.add(spec),
      remove: (id) => faults.remove(id),
      clear: () => faults.clear(),
      list: () => faults.list(),
      get: (id) => faults.get(id),
    },
    restart(opts = {}) {
      return runtime.restart(opts.downMs ?? 0);
    },
    serviceUrl(namespace, name, opts = {}) {
      const a = simulation?.serviceAddress(namespace, name, opts.port);
      return a
        ? `${opts.scheme ?? 'http'}://${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`
        : undefined;
    },
    processes() {
      return simulation?.processes() ?? [];
    },
    stats: () => runtime.stats(),
    resetStats() {
      runtime.requestStats.reset();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await p.stop();
    },
  };
  return sandbox;
}

/** The objects a fresh cluster has. */
function bootstrap(objects: ObjectService): void {
  const registry = objects.registry;
  for (const name of SYSTEM_NAMESPACES) {
    objects.create(
      registry.get('', 'v1', 'namespaces')!,
      '',
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
      { fieldManager: 'kube-apiserver' },
    );
  }
  for (const [key, obj] of bootstrapPolicy())
    objects.create(registry.byStorageKey(key)!, '', obj, { fieldManager: 'kube-apiserver' });
  const service: K8sObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kubernetes',
      namespace: 'default',
      labels: { component: 'apiserver', provider: 'kubernetes' },
    },
    spec: {
      clusterIP: '10.96.0.1',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
      sessionAffinity: 'None',
      type: 'ClusterIP',
    },
  };
  objects.create(registry.get('', 'v1', 'services')!, 'default', service, { fieldManager: 'kube-apiserver' });
}
