// What the health checks work with. The command builds one per round of checks (so --wait reads the
// cluster again each round); the checks never open connections or read config themselves.
import type { MeshAdapter } from '../../adapters/types.js';
import type { ClusterClient, LiveObject } from '../../k8s/client.js';
import type { KubeResponse } from '../../k8s/http/transport.js';
import type { InstalledMesh } from '../installed.js';

export interface ProviderProbe {
  /** "https://provider.example.com" or "built-in". */
  description: string;
  /** The base URL to ask; undefined when the built-in provider is not running. */
  url?: string;
  /** GET a path; resolves with status and text (throws when unreachable). */
  get(path: string): Promise<{ status: number; text: string }>;
  /** Who we are signed in as; undefined when no credential is stored. Throws when the token is refused. */
  whoami(): Promise<string | undefined>;
  /** Changes waiting in the outbox for this provider. */
  outboxSize(): Promise<number>;
}

export interface CheckContext {
  now(): number;
  /** The cluster client (opened once for the whole command). */
  kube: ClusterClient;
  /** GET /version with the response headers (for clock skew); memoised per round. */
  version(): Promise<KubeResponse<{ major?: string; minor?: string; gitVersion?: string }>>;
  /** Installed meshes; memoised per round. */
  meshes(): Promise<InstalledMesh[]>;
  /** Lists of a kind (all namespaces, or the --proxy namespace); memoised per round. */
  list(apiVersion: string, kind: string, namespace?: string): Promise<LiveObject[]>;
  provider?: ProviderProbe;
  adapters(): Promise<readonly MeshAdapter[]>;
  /** The namespace --proxy looks at; undefined: all. */
  proxyNamespace?: string;
  /** The namespace meshdeck writes designs to (for the permission checks). */
  namespace: string;
  /** Whether the context's cluster is a meshdeck sandbox (said by the config, or found by probing). */
  sandbox: boolean;
}

/** Memoises a function of a string key. */
export function memo<T>(load: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const cache = new Map<string, Promise<T>>();
  return (key) => {
    let found = cache.get(key);
    if (!found) {
      found = load(key);
      cache.set(key, found);
    }
    return found;
  };
}
