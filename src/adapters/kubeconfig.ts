// The kubeconfig an operation carries to an adapter (Meshery's kube_configs): only the selected context,
// its cluster and its user, with certificate files inlined (the adapter may run elsewhere and cannot read
// our files). It holds credentials: callers pass it on the wire and nowhere else, never to a log.
import { readFileSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import { toYaml } from '../core/output/yaml-text.js';
import type { ClusterTarget as ResolvedCluster } from '../k8s/kubeconfig.js';
import type { ClusterTarget } from './types.js';

export function minimalKubeconfig(resolved: ResolvedCluster): ClusterTarget {
  const { cluster, user, context } = resolved;
  const clusterEntry = dropEmpty({
    server: cluster.server,
    'certificate-authority-data': cluster.caData ?? fileAsBase64(cluster.caFile, 'certificate authority'),
    'insecure-skip-tls-verify': cluster.skipTLSVerify || undefined,
    'tls-server-name': cluster.tlsServerName,
    'proxy-url': cluster.proxyUrl,
  });
  const userEntry = dropEmpty({
    token: user.token,
    'client-certificate-data': user.certData ?? fileAsBase64(user.certFile, 'client certificate'),
    'client-key-data': user.keyData ?? fileAsBase64(user.keyFile, 'client key'),
    username: user.username,
    password: user.password,
    as: user.impersonateUser,
    exec: user.exec as unknown,
    'auth-provider': user.authProvider as unknown,
  });
  const contextEntry = dropEmpty({ cluster: cluster.name, user: user.name, namespace: context.namespace });
  const kubeconfig = toYaml({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': context.name,
    clusters: [{ name: cluster.name, cluster: clusterEntry }],
    users: [{ name: user.name, user: userEntry }],
    contexts: [{ name: context.name, context: contextEntry }],
  });
  return { kubeconfig, context: context.name };
}

function fileAsBase64(path: string | undefined, what: string): string | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path).toString('base64');
  } catch (err) {
    throw new UsageError(
      `cannot read the ${what} file ${path} of the kubeconfig: ${(err as Error).message}`,
      {
        hint: 'an adapter needs the kubeconfig self-contained; fix the path in the kubeconfig',
      },
    );
  }
}

function dropEmpty(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== ''));
}
