// How the health checks of the context are put together: the categories that apply, and the context
// each round of checks reads (cluster, provider, adapters). Shared by `meshdeck check` and the dashboard's
// Health view, so both run the same checks the same way.
import type { MeshAdapter } from '../../adapters/types.js';
import { withDeadline } from '../../core/abort.js';
import { healthCategories, memo, type CheckContext, type ProviderProbe } from '../../checks/health/index.js';
import type { Category } from '../../checks/framework.js';
import { findInstalledMeshes, listOrEmpty } from '../../checks/installed.js';
import type { ProviderRef } from '../../core/config/model.js';
import type { Connection } from '../../k8s/connect.js';
import { builtinPaths, liveState } from '../../provider/builtin/daemon.js';
import { providerFolders, providerKey } from '../../provider/client/folders.js';
import { Outbox } from '../../provider/client/sync/outbox.js';
import type { Invocation } from './invocation.js';

export interface HealthPlan {
  categories: Category<CheckContext>[];
  /** A fresh context for each round of checks (lists are memoised within a round only). */
  roundContext: () => CheckContext;
}

/** The checks `meshdeck check` runs on the context's cluster (--pre: before a mesh; --proxy: data plane). */
export async function planHealthChecks(
  inv: Invocation,
  connection: Connection,
  kind: { pre: boolean; proxy: boolean },
): Promise<HealthPlan> {
  const context = await inv.context();
  const sandbox = context.effective.cluster.sandbox === true || (await isSandbox(connection));
  const provider = kind.pre ? undefined : await providerProbe(inv, context.effective.provider);
  const categories = healthCategories({
    pre: kind.pre,
    proxy: kind.proxy,
    provider: provider !== undefined,
    sandbox,
  });
  const adapters = await registeredAdapters(inv);
  return {
    categories,
    roundContext: () =>
      roundContext(inv, connection, { provider, sandbox, adapters, namespace: context.effective.namespace }),
  };
}

/** Every adapter of the context, built in and external; each check bounds its own wait for them. */
async function registeredAdapters(inv: Invocation): Promise<readonly MeshAdapter[]> {
  const registry = await inv.factory.adapters({ onWait: (m) => inv.log.debug(m), callTimeoutMs: 5000 });
  return Promise.all(registry.entries().map((e) => registry.open(e.name)));
}

function roundContext(
  inv: Invocation,
  connection: Connection,
  fixed: { provider?: ProviderProbe; sandbox: boolean; adapters: readonly MeshAdapter[]; namespace: string },
): CheckContext {
  const kube = connection.client;
  let version: ReturnType<CheckContext['version']> | undefined;
  let meshes: ReturnType<CheckContext['meshes']> | undefined;
  const lists = memo((key) => {
    const [apiVersion, kind, namespace] = key.split('|');
    return listOrEmpty(kube, apiVersion, kind, { namespace: namespace || undefined });
  });
  return {
    now: () => Date.now(),
    kube,
    version: () =>
      (version ??= kube.transport.request({ method: 'GET', path: '/version', what: 'the API version' })),
    meshes: () => (meshes ??= findInstalledMeshes(kube)),
    list: (apiVersion, kind, namespace) => lists(`${apiVersion}|${kind}|${namespace ?? ''}`),
    provider: fixed.provider,
    adapters: async () => fixed.adapters,
    proxyNamespace: inv.globals.namespace,
    namespace: fixed.namespace,
    sandbox: fixed.sandbox,
  };
}

/** A cluster is meshdeck's sandbox when it serves the sandbox's own API. */
async function isSandbox(connection: Connection): Promise<boolean> {
  try {
    const res = await connection.client.transport.request({
      method: 'GET',
      path: '/sandbox/v1/stats',
      retry: false,
      what: 'sandbox stats',
    });
    return res.status === 200;
  } catch {
    return false;
  }
}

async function providerProbe(inv: Invocation, ref: ProviderRef): Promise<ProviderProbe> {
  const timeoutMs = 5000;
  const get = async (base: string, path: string) => {
    const deadline = withDeadline(inv.signal, timeoutMs, `no answer within ${timeoutMs / 1000} s`);
    try {
      const res = await fetch(`${base}${path}`, { signal: deadline.signal });
      return { status: res.status, text: await res.text() };
    } finally {
      deadline.dispose();
    }
  };
  if (ref.url === undefined) {
    const state = await liveState(builtinPaths(inv.paths.stateDir));
    const url = state?.url;
    return {
      description: 'the built-in provider',
      url,
      get: (path) => get(url!, path),
      whoami: async () => 'local',
      outboxSize: async () =>
        (await new Outbox(providerFolders(inv.paths, providerKey('', true), 'local').outbox).entries())
          .length,
    };
  }
  const session = inv.factory.providerSession({ requireAuth: false });
  return {
    description: ref.url,
    url: ref.url,
    get: async (path) => get((await session).target.url, path),
    whoami: async () => {
      const s = await session;
      if (s.source === 'none') return undefined;
      return (await s.api.me()).username;
    },
    outboxSize: async () => (await new Outbox((await session).folders.outbox).entries()).length,
  };
}
