// Opening the cluster of the invocation's context (with --kubeconfig, --kube-context and -n applied).
import { connect, type Connection } from '../../k8s/connect.js';
import type { RetryPolicy } from '../../k8s/http/retry.js';
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
