// startSandbox(): a simulated Kubernetes API server in this process, on loopback, that kubectl and
// @kubernetes/client-node use unmodified. See docs/sandbox.md.
import { writeFileAtomic } from '../../core/fs/atomic.js';
import { ObjectService } from './api/objects.js';
import { Authenticator } from './auth/authn.js';
import { bootstrapPolicy, SYSTEM_NAMESPACES } from './auth/bootstrap.js';
import { Authorizer } from './auth/rbac.js';
import { CrdController } from './controllers/crds.js';
import { GarbageCollector } from './controllers/garbage-collector.js';
import { NamespaceController } from './controllers/namespaces.js';
import { PodTermination } from './controllers/pod-termination.js';
import { ServiceAllocator } from './controllers/service-allocation.js';
import { kubeconfigText, SANDBOX_CONTEXT, type Credentials } from './kubeconfig.js';
import { DataDir } from './persist.js';
import { Registry } from './resources/registry.js';
import type { K8sObject } from './resources/types.js';
import { Discovery } from './server/discovery.js';
import { ApiHandler, type RequestRecord, type VersionInfo } from './server/handler.js';
import { listenHttp, listenHttps, type Listener } from './server/listen.js';
import { OpenApi } from './server/openapi.js';
import { Store } from './store/store.js';
import {
  createAuthority,
  issueClientCert,
  issueServerCert,
  loadAuthority,
  type KeyPairPem,
} from './tls/pki.js';

export interface SandboxOptions {
  /** HTTPS port on the host; 0 (the default) picks a free one. */
  port?: number;
  /** Loopback address to listen on. */
  host?: string;
  /** Also serve plain HTTP on this port (0 = any); off when undefined. */
  httpPort?: number;
  /** Keep the CA, credentials, tokens and objects here across restarts; in memory when unset. */
  dataDir?: string;
  /** Multiplies every simulated delay: 1 is realistic, 0.01 is a hundred times faster. */
  timeScale?: number;
  /** Images that may run as real processes (phase 2 process runtime); recorded now. */
  allowedImages?: string[];
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
  /** Makes /readyz fail (false) or pass (true). */
  setReady(ready: boolean): void;
  /** Forgets watch history: watches from an older resourceVersion then get 410 Expired. */
  compactHistory(): void;
  /** Ends every open watch cleanly, as an apiserver does when it restarts or times a watch out. */
  dropWatches(): void;
  /** Counts for status and benchmarks. */
  stats(): { objects: number; watches: number; resourceVersion: number };
  stop(): Promise<void>;
}

const DEFAULT_VERSION = { major: '1', minor: '32' };

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const timeScale = options.timeScale ?? 1;
  const onError = options.onError ?? (() => undefined);
  const data = options.dataDir ? new DataDir(options.dataDir) : undefined;

  // Identity: the CA and the admin certificate are reused from the data dir, so kubeconfigs stay valid.
  const saved = await data?.loadPki();
  const ca = saved ? loadAuthority(saved.ca) : createAuthority();
  const admin = saved?.admin ?? issueClientCert(ca, 'kubernetes-admin', ['system:masters']);
  if (data && !saved) await data.savePki({ ca: { cert: ca.cert, key: ca.key }, admin });
  const server = issueServerCert(ca, ['localhost', '127.0.0.1', '::1', host]);

  const store = new Store({ historySize: options.watchHistory });
  const restored = data ? await data.restore(store) : false;
  const registry = new Registry();
  const objects = new ObjectService(store, registry);
  const authn = new Authenticator();
  for (const [token, user] of (await data?.loadTokens()) ?? []) authn.addToken(user.name, user.groups, token);
  const authz = new Authorizer(store);

  const closeFns = new Set<() => void>();
  const crds = new CrdController(objects, onError);
  const namespaces = new NamespaceController(objects, ca.cert, onError);
  new ServiceAllocator(objects);
  const gc = new GarbageCollector(objects, onError);
  const pods = new PodTermination(objects, 1000 * timeScale, onError);
  if (!restored) bootstrap(objects);
  const unfollow = data?.follow(store);

  let address = '';
  const version: VersionInfo = { ...(options.version ?? DEFAULT_VERSION), gitVersion: '' };
  version.gitVersion = `v${version.major}.${version.minor}.0`;
  let ready = true;
  const handler = new ApiHandler({
    objects,
    registry,
    authn,
    authz,
    discovery: new Discovery(registry, () => address),
    openapi: new OpenApi(registry, version.gitVersion),
    version,
    isReady: () => ready,
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
        closeFns.add(close);
        return () => closeFns.delete(close);
      },
    },
  });
  const https = await listenHttps(
    { key: server.key, cert: server.cert, ca: ca.cert },
    host,
    options.port ?? 0,
    (req, res) => {
      void handler.handle(req, res, true);
    },
  );
  let http: Listener | undefined;
  if (options.httpPort !== undefined) {
    http = await listenHttp(host, options.httpPort, (req, res) => {
      void handler.handle(req, res, false);
    });
  }
  const hostPart = host.includes(':') ? `[${host}]` : host;
  address = `${hostPart}:${https.port}`;
  const url = `https://${address}`;
  const adminCreds: Credentials = { clientCertificate: admin };
  const kubeconfig = kubeconfigText({ server: url, caPem: ca.cert, credentials: adminCreds });
  if (options.kubeconfigPath) await writeFileAtomic(options.kubeconfigPath, kubeconfig, { mode: 0o600 });

  const saveTokens = () => {
    if (data) void data.saveTokens(authn.entries()).catch(onError);
  };
  let stopped = false;
  const sandbox: Sandbox = {
    url,
    httpUrl: http ? `http://${hostPart}:${http.port}` : undefined,
    kubeconfig,
    kubeconfigPath: options.kubeconfigPath,
    caPem: ca.cert,
    mintToken(identity) {
      const token = authn.addToken(identity.user, identity.groups ?? []);
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
      ready = value;
    },
    compactHistory() {
      store.compact();
    },
    dropWatches() {
      for (const close of [...closeFns]) close();
    },
    stats() {
      let n = 0;
      for (const _ of store.allObjects()) n++;
      return { objects: n, watches: store.watcherCount(), resourceVersion: store.resourceVersion };
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const close of [...closeFns]) close();
      crds.stop();
      namespaces.stop();
      gc.stop();
      pods.stop();
      unfollow?.();
      await Promise.all([https.close(), http?.close()]);
      if (data) await data.save(store);
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
