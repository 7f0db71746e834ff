import type { MeshAdapter } from '../../adapters/types.js';
import { withDeadline } from '../../core/abort.js';
import { healthCategories, memo, type CheckContext, type ProviderProbe } from '../../checks/health/index.js';
import { runUntilHealthy } from '../../checks/framework.js';
import { findInstalledMeshes } from '../../checks/installed.js';
import { listOrEmpty } from '../../checks/installed.js';
import { checkDocument, checksJUnit, renderCheckTable } from '../../checks/render.js';
import type { ProviderRef } from '../../core/config/model.js';
import { parseDuration } from '../../core/duration.js';
import { ExitCode, UsageError } from '../../core/errors.js';
import { API_VERSION } from '../../core/output/formats.js';
import type { Connection } from '../../k8s/connect.js';
import { DEFAULT_RETRY } from '../../k8s/http/retry.js';
import { builtinPaths, liveState } from '../../provider/builtin/daemon.js';
import { providerFolders, providerKey } from '../../provider/client/folders.js';
import { Outbox } from '../../provider/client/sync/outbox.js';
import { parseRequestTimeout } from '../shared/flags/cluster.js';
import type { Invocation } from '../shared/invocation.js';

interface CheckFlags {
  pre: boolean;
  proxy: boolean;
  wait?: string;
  requestTimeout: string;
}

interface Options {
  pre: boolean;
  proxy: boolean;
  /** 0: run once. */
  waitMs: number;
  waitText?: string;
  requestTimeoutMs: number;
}

export function complete(_inv: Invocation, flags: CheckFlags): Options {
  return {
    pre: flags.pre,
    proxy: flags.proxy,
    waitMs: flags.wait === undefined ? 0 : parseDuration(flags.wait, '--wait'),
    waitText: flags.wait,
    requestTimeoutMs: parseRequestTimeout(flags),
  };
}

export function validate(opts: Options): void {
  if (opts.pre && opts.proxy)
    throw new UsageError('--pre and --proxy do not go together', {
      hint: '--pre checks before a mesh is deployed; --proxy checks its data plane after',
    });
}

export async function run(inv: Invocation, opts: Options): Promise<number> {
  const { waitMs, requestTimeoutMs } = opts;
  const context = await inv.context();
  const connection = await inv.factory.cluster({
    requestTimeoutMs,
    retry: { ...DEFAULT_RETRY, maxAttempts: 2, budgetMs: requestTimeoutMs },
  });
  try {
    const sandbox = context.effective.cluster.sandbox === true || (await isSandbox(connection));
    const provider = opts.pre ? undefined : await providerProbe(inv, context.effective.provider);
    const categories = healthCategories({
      pre: opts.pre,
      proxy: opts.proxy,
      provider: provider !== undefined,
      sandbox,
    });
    const adapters = await registeredAdapters(inv);
    const report = await runUntilHealthy(
      categories,
      () =>
        roundContext(inv, connection, {
          provider,
          sandbox,
          adapters,
          namespace: context.effective.namespace,
        }),
      inv.signal,
      {
        waitMs,
        onRetry: (failing, attempt) =>
          inv.log.info(
            `waiting: ${failing.length} check${failing.length === 1 ? '' : 's'} failing (${failing.map((f) => `${f.category}/${f.id}`).join(', ')}), attempt ${attempt}`,
          ),
      },
    );
    if (inv.format === 'junit') inv.out.write(checksJUnit(report));
    else if (inv.format === 'table') inv.out.write(renderCheckTable(report, inv.stdoutColor));
    else await inv.out.data(checkDocument(report, API_VERSION));
    if (report.timedOut) {
      inv.log.warn(`checks still failing after ${opts.waitText} (${report.attempts} attempts)`);
      return ExitCode.TIMEOUT;
    }
    return report.success ? ExitCode.OK : ExitCode.PROBLEM_FOUND;
  } finally {
    connection.close();
  }
}

/** The adapter registry is wired here once it exists; until then no adapter is registered. */
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
