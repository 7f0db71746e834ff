// Opening the cluster of the invocation's context (with --kubeconfig, --kube-context and -n applied).
import type { ClusterRef } from '../../core/config/model.js';
import { connect, type Connection } from '../../k8s/connect.js';
import type { RetryPolicy } from '../../k8s/http/retry.js';
import { resolveCluster, type ClusterTarget } from '../../k8s/kubeconfig.js';
import { findSandboxKubeconfig } from '../../sandbox/index.js';
import type { Invocation } from '../shared/invocation.js';

export interface ClusterFlags {
  /** Per request. */
  requestTimeoutMs?: number;
  /** Requests in flight (and connections kept open). */
  concurrency?: number;
  retry?: RetryPolicy;
}

export async function openCluster(inv: Invocation, flags: ClusterFlags = {}): Promise<Connection> {
  const context = await inv.context();
  const connection = connect({
    cluster: context.effective.cluster,
    namespace: context.effective.namespace,
    namespaceFromFlag: inv.globals.namespace !== undefined,
    env: inv.env,
    sandboxKubeconfig: await sandboxKubeconfig(inv, context.effective.cluster),
    cacheDir: inv.paths.cacheDir,
    signal: inv.signal,
    timeoutMs: flags.requestTimeoutMs,
    maxSockets: flags.concurrency,
    retry: flags.retry,
    onRetry: (e) =>
      inv.log.debug(
        `retrying ${e.what ?? 'a request'} in ${e.delayMs} ms (${e.cause}, attempt ${e.attempt})`,
      ),
    onPartialDiscovery: (gv, reason) => inv.log.debug(`discovery: skipped ${gv}: ${reason}`),
  });
  inv.log.debug(
    `cluster: ${connection.target.cluster.server} (${connection.target.description}), namespace ${context.effective.namespace}`,
  );
  return connection;
}

/** The cluster of the invocation's context, resolved without connecting (for cached data of it). */
export async function clusterTarget(inv: Invocation): Promise<ClusterTarget> {
  const context = await inv.context();
  return resolveCluster({
    cluster: context.effective.cluster,
    env: inv.env,
    sandboxKubeconfig: await sandboxKubeconfig(inv, context.effective.cluster),
  });
}

/** For the built-in context: the admin kubeconfig of the sandbox `meshdeck sandbox start` runs, if any. */
function sandboxKubeconfig(inv: Invocation, cluster: ClusterRef): Promise<string | undefined> {
  return cluster.sandbox ? findSandboxKubeconfig(inv.paths) : Promise.resolve(undefined);
}
