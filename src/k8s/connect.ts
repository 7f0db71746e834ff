// From a meshdeck context (with its flag overrides) to a ready cluster client.
import type { ClusterRef } from '../core/config/model.js';
import type { Env } from '../core/paths.js';
import { VERSION } from '../core/version.js';
import { ClusterClient } from './client.js';
import { Discovery } from './discovery/discovery.js';
import { KubeTransport, type RetryEvent } from './http/transport.js';
import type { RetryPolicy } from './http/retry.js';
import { kubeconfigCredentials, resolveCluster, type ClusterTarget } from './kubeconfig.js';

export interface ConnectOptions {
  cluster: ClusterRef;
  /** The namespace of the context (or -n). */
  namespace: string;
  env: Env;
  /** meshdeck's cache folder, for discovery. */
  cacheDir?: string;
  signal?: AbortSignal;
  /** Per request. */
  timeoutMs?: number;
  /** Connections kept open to the API server. */
  maxSockets?: number;
  retry?: RetryPolicy;
  onRetry?: (event: RetryEvent) => void;
  onPartialDiscovery?: (groupVersion: string, reason: string) => void;
  /** Prefix of the service-account folder (in-cluster). */
  serviceAccountRoot?: string;
  /** The running sandbox's admin kubeconfig, for the built-in context (see resolveCluster). */
  sandboxKubeconfig?: string;
}

export interface Connection {
  client: ClusterClient;
  target: ClusterTarget;
  close(): void;
}

export function connect(options: ConnectOptions): Connection {
  const target = resolveCluster({
    cluster: options.cluster,
    env: options.env,
    serviceAccountRoot: options.serviceAccountRoot,
    sandboxKubeconfig: options.sandboxKubeconfig,
  });
  const transport = new KubeTransport({
    server: target.cluster.server,
    credentials: kubeconfigCredentials(target),
    describe: target.description,
    timeoutMs: options.timeoutMs,
    maxSockets: options.maxSockets,
    retry: options.retry,
    signal: options.signal,
    onRetry: options.onRetry,
    userAgent: `meshdeck/${VERSION}`,
  });
  const discovery = new Discovery(transport, {
    cacheDir: options.cacheDir,
    onPartial: options.onPartialDiscovery,
  });
  return {
    client: new ClusterClient(transport, discovery, options.namespace),
    target,
    close: () => transport.close(),
  };
}
