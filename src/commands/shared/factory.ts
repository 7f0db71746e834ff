// What commands need from the world beyond their flags, made on first use (kubectl's cmdutil.Factory):
// the cluster of the context, the provider session and its sync engine, the perf stores and the design
// library. Every command reaches them through inv.factory, so each is opened one way, in one place.
// Cold start: this module is part of the runtime, so it imports only types; each piece is import()ed.
import type { AdapterRegistry, RegistryOptions } from '../../adapters/registry/registry.js';
import type { InstallHistory } from '../../adapters/lifecycle/history.js';
import type { ProviderRef } from '../../core/config/model.js';
import type { Connection } from '../../k8s/connect.js';
import type { RetryPolicy } from '../../k8s/http/retry.js';
import type { ClusterTarget } from '../../k8s/kubeconfig.js';
import type { PerfStores } from '../../perf/store/types.js';
import type { SyncedStoreEvents } from '../../provider/client/sync/perf-stores.js';
import type { DesignLibrary } from '../../provider/client/sync/designs.js';
import type {
  OpenOptions,
  ProviderSession,
  ProviderTarget,
  SessionHost,
} from '../../provider/client/session.js';
import type { SyncEngine, SyncLog } from '../../provider/client/sync/engine.js';
import type { Invocation } from './invocation.js';

export interface ClusterOptions {
  /** Per request. */
  requestTimeoutMs?: number;
  /** Requests in flight (and connections kept open). */
  concurrency?: number;
  retry?: RetryPolicy;
  /** Not stopped by Ctrl-C: for the cleanup that must still run after it (deleting what a run created). */
  uninterruptible?: boolean;
}

export interface PerfStoreOptions {
  /**
   * Keep results with the built-in provider too. Only for commands that run it anyway (the demo keeps
   * its design there): started for every run, it would keep the same bytes on the same disk as the
   * state folder, at the cost of starting a database.
   */
  builtinProvider?: boolean;
  /** Says what a push did; by default a line per push ("result \"x\" created on the provider"). */
  onPushed?: SyncedStoreEvents['pushed'];
}

export class Factory {
  constructor(private readonly inv: Invocation) {}

  /** The provider of the command's context. */
  async providerRef(): Promise<ProviderRef> {
    return (await this.inv.context()).effective.provider;
  }

  /** What a provider session needs from this invocation. */
  sessionHost(): SessionHost {
    const inv = this.inv;
    return { env: inv.env, paths: inv.paths, signal: inv.signal, debug: (m) => inv.log.debug(m) };
  }

  /** Where the sync engine tells what it did. */
  syncLog(): SyncLog {
    const log = this.inv.log;
    return { info: (m) => log.info(m), warn: (m) => log.warn(m), debug: (m) => log.debug(m) };
  }

  /** The provider a command targets: --provider URL (checked: exit 2 when malformed), else the context's. */
  async providerTarget(url?: string): Promise<ProviderTarget | { builtin: true }> {
    const { providerTarget } = await import('../../provider/client/session.js');
    return providerTarget(await this.providerRef(), url);
  }

  /**
   * A session with the context's provider (or options.url); exit 4 when not signed in, unless allowed.
   * An uninterruptible one is not stopped by Ctrl-C: for what must still be sent after it.
   */
  async providerSession(options: OpenOptions & { uninterruptible?: boolean } = {}): Promise<ProviderSession> {
    const { openProviderSession } = await import('../../provider/client/session.js');
    const { uninterruptible, ...open } = options;
    const host = uninterruptible ? { ...this.sessionHost(), signal: undefined } : this.sessionHost();
    return openProviderSession(host, await this.providerRef(), open);
  }

  /** The offline-first sync engine over a provider session. */
  async syncEngine(session?: ProviderSession): Promise<SyncEngine> {
    const { SyncEngine } = await import('../../provider/client/sync/engine.js');
    return new SyncEngine(session ?? (await this.providerSession()), this.syncLog());
  }

  /** The designs the context's provider (or --provider URL) keeps. */
  async designLibrary(options: { provider?: string } = {}): Promise<DesignLibrary> {
    const { DesignLibrary } = await import('../../provider/client/sync/designs.js');
    return new DesignLibrary(await this.syncEngine(await this.providerSession({ url: options.provider })));
  }

  /** Profiles and results: the local state folder, synced with a provider where one keeps them. */
  async perfStores(options: PerfStoreOptions = {}): Promise<PerfStores> {
    const inv = this.inv;
    const warn = (m: string) => inv.log.warn(m);
    const { localPerfStores } = await import('../../perf/store/local.js');
    const local = localPerfStores(inv.paths.stateDir, warn);
    const session = await this.resultProvider(options);
    if (!session) return local;
    const { syncedPerfStores } = await import('../../provider/client/sync/perf-stores.js');
    const { singularKind } = await import('../../provider/protocol/documents.js');
    return syncedPerfStores(local, await this.syncEngine(session), {
      warn,
      pushed:
        options.onPushed ??
        ((kind, name, outcome) => {
          const what = `${singularKind(kind)} "${name}"`;
          if (outcome.status === 'queued')
            inv.log.warn(`${what} queued for the provider (${outcome.reason}); meshdeck sync sends it`);
          else if (outcome.status !== 'unchanged') inv.log.info(`${what} ${outcome.status} on the provider`);
        }),
    });
  }

  /**
   * Where mesh actions are recorded beyond the cluster: the provider that keeps perf results (a Remote
   * Provider the user is signed in to); undefined when there is none.
   */
  async installHistory(): Promise<InstallHistory | undefined> {
    // Uninterruptible: an upgrade interrupted by Ctrl-C rolls back, then records that it did.
    const session = await this.resultProvider({}, true);
    if (!session) return undefined;
    const { SyncedInstallHistory } = await import('../../provider/client/sync/mesh-installs.js');
    return new SyncedInstallHistory(await this.syncEngine(session), {
      warn: (m) => this.inv.log.warn(m),
      pushed: (_kind, name, outcome) => {
        const what = `install record "${name}"`;
        if (outcome.status === 'queued')
          this.inv.log.warn(
            `${what} queued for the provider (${outcome.reason}); the next command or meshdeck sync sends it`,
          );
        else if (outcome.status !== 'unchanged') this.inv.log.info(`${what} kept by the provider`);
      },
    });
  }

  /**
   * The one place that decides which provider gets perf profiles and results: a Remote Provider the user
   * is signed in to; the built-in provider only when asked (see PerfStoreOptions); else none.
   */
  private async resultProvider(
    options: PerfStoreOptions,
    uninterruptible = false,
  ): Promise<ProviderSession | undefined> {
    const ref = await this.providerRef();
    const remote = !ref.builtin && ref.url !== undefined;
    if (!remote && !(options.builtinProvider && ref.url === undefined)) return undefined;
    const session = await this.providerSession({ requireAuth: false, uninterruptible });
    return session.source === 'none' ? undefined : session;
  }

  /** The mesh adapters of the context: the built-in ones and the external ones recorded in it. */
  async adapters(options: RegistryOptions = {}): Promise<AdapterRegistry> {
    const { AdapterRegistry } = await import('../../adapters/registry/registry.js');
    return new AdapterRegistry((await this.inv.context()).spec, options);
  }

  /** A connection to the context's cluster (with --kubeconfig, --kube-context and -n applied). */
  async cluster(options: ClusterOptions = {}): Promise<Connection> {
    const inv = this.inv;
    const context = await inv.context();
    const { connect } = await import('../../k8s/connect.js');
    const connection = connect({
      cluster: context.effective.cluster,
      namespace: context.effective.namespace,
      env: inv.env,
      sandboxKubeconfig: await this.sandboxKubeconfig(),
      cacheDir: inv.paths.cacheDir,
      signal: options.uninterruptible ? undefined : inv.signal,
      timeoutMs: options.requestTimeoutMs,
      maxSockets: options.concurrency,
      retry: options.retry,
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

  /** The context's cluster, resolved without connecting (for cached data of it). */
  async clusterTarget(): Promise<ClusterTarget> {
    const context = await this.inv.context();
    const { resolveCluster } = await import('../../k8s/kubeconfig.js');
    return resolveCluster({
      cluster: context.effective.cluster,
      env: this.inv.env,
      sandboxKubeconfig: await this.sandboxKubeconfig(),
    });
  }

  /** For the built-in context: the admin kubeconfig of the sandbox `meshdeck sandbox start` runs, if any. */
  private async sandboxKubeconfig(): Promise<string | undefined> {
    const context = await this.inv.context();
    if (!context.effective.cluster.sandbox) return undefined;
    const { findSandboxKubeconfig } = await import('../../sandbox/index.js');
    return findSandboxKubeconfig(this.inv.paths);
  }
}
