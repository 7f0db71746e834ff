// The config file's data model (schema meshdeck/v1). See docs/config.md for the file format.

export const CONFIG_API_VERSION = 'meshdeck/v1';
export const CONFIG_KIND = 'Config';

/** The built-in context: the embedded sandbox cluster and the built-in provider. It needs no file. */
export const BUILTIN_CONTEXT_NAME = 'local';

export interface ClusterRef {
  /** The embedded sandbox cluster (meshdeck sandbox start). */
  sandbox?: boolean;
  /** A kubeconfig file; unset means KUBECONFIG, then ~/.kube/config, as kubectl does. */
  kubeconfig?: string;
  /** A context inside that kubeconfig; unset means its current-context. */
  context?: string;
}

export interface ProviderRef {
  /** A Remote Provider's base URL. */
  url?: string;
  /** The built-in provider that meshdeck runs itself. */
  builtin?: boolean;
}

/** An external mesh adapter (Meshery's MeshService over gRPC) recorded in a context. */
export interface AdapterRef {
  name: string;
  /** host:port, dialled with plaintext gRPC as Meshery does. */
  address: string;
}

export interface ContextSpec {
  name: string;
  cluster: ClusterRef;
  provider: ProviderRef;
  namespace: string;
  /** True only for the built-in context. */
  builtin?: boolean;
  /** External adapters added with `meshdeck adapter add`. */
  adapters?: AdapterRef[];
}

export interface MeshdeckConfig {
  currentContext?: string;
  contexts: ContextSpec[];
  /** External adapters of the built-in context, which has no entry in contexts (top-level `local:`). */
  localAdapters?: AdapterRef[];
}

export const BUILTIN_CONTEXT: ContextSpec = Object.freeze({
  name: BUILTIN_CONTEXT_NAME,
  cluster: { sandbox: true },
  provider: { builtin: true },
  namespace: 'default',
  builtin: true,
});

export const CONTEXT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@:-]{0,252}$/;
export const NAMESPACE_PATTERN = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Why a context name is not acceptable, or undefined if it is. */
export function contextNameProblem(name: string): string | undefined {
  if (name === BUILTIN_CONTEXT_NAME) return `"${name}" is the built-in context's name`;
  if (!CONTEXT_NAME_PATTERN.test(name)) {
    return `"${name}" is not a valid context name: use letters, digits and . _ @ : - (starting with a letter or digit)`;
  }
  return undefined;
}

export function namespaceProblem(namespace: string): string | undefined {
  if (!NAMESPACE_PATTERN.test(namespace)) {
    return `"${namespace}" is not a valid namespace: lower-case letters, digits and -, at most 63 characters`;
  }
  return undefined;
}

export const ADAPTER_NAME_PATTERN = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function adapterNameProblem(name: string): string | undefined {
  if (!ADAPTER_NAME_PATTERN.test(name)) {
    return `"${name}" is not a valid adapter name: lower-case letters, digits and -, at most 63 characters`;
  }
  return undefined;
}

/** Why an adapter address is not host:port (gRPC dials it in plaintext, as Meshery does), or undefined. */
export function adapterAddressProblem(address: string): string | undefined {
  const hint = 'write host:port, e.g. localhost:10000 or [::1]:10000, without a scheme';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(address)) return `"${address}" has a scheme; ${hint}`;
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?):(\d{1,5})$/.exec(
    address,
  );
  if (!match) return `"${address}" is not host:port; ${hint}`;
  const port = Number(match[3]);
  if (port < 1 || port > 65535) return `"${address}": port ${match[3]} is outside 1-65535`;
  return undefined;
}

export function providerUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a URL`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return `"${url}" must be an http:// or https:// URL`;
  }
  return undefined;
}

/** A short human description of where a context's cluster is. */
export function describeCluster(cluster: ClusterRef): string {
  if (cluster.sandbox) return 'sandbox (embedded)';
  return cluster.context ?? '(kubeconfig current)';
}

export function describeProvider(provider: ProviderRef): string {
  if (provider.builtin) return 'built-in';
  return provider.url ?? 'none';
}
