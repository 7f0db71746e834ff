// The dashboard's sources (src/tui/base/sources.ts) over the same domain modules and factory the plain
// commands use: `cluster snapshot --watch` (LiveSnapshot), `check` (planHealthChecks + runChecks),
// `mesh status` (meshStatus), `perf run/apply` (runLoadTest, gates, perfStores), `perf compare`,
// `design list/diff/apply` (the library, diffDesign, applyDesign). What they would print on stderr
// becomes the dashboard's status line.
import { userInfo } from 'node:os';
import { allContexts } from '../../core/config/contexts.js';
import { describeCluster, describeProvider } from '../../core/config/model.js';
import { UsageError } from '../../core/errors.js';
import { MemorySink, type Sink } from '../../core/output/sink.js';
import type { Connection } from '../../k8s/connect.js';
import type { Snapshot } from '../../k8s/snapshot/model.js';
import { LiveSnapshot } from '../../k8s/snapshot/snapshot.js';
import type { CheckReport } from '../../checks/framework.js';
import type { ClusterFeedEvents, DashboardSources, PerfTarget } from '../../tui/base/sources.js';
import type { LiveProgress } from '../../perf/engine/native.js';
import type { PerfResult } from '../../perf/result/model.js';
import type { Gate } from '../../perf/gates/parse.js';
import { Invocation } from '../shared/invocation.js';

/** stderr of the dashboard's invocation: each line goes to the status bar instead of the terminal. */
class LineSink implements Sink {
  readonly isTTY = false;
  readonly listeners = new Set<(line: string) => void>();
  columns(): number | undefined {
    return undefined;
  }
  write(text: string): void {
    for (const line of text.split('\n').filter((l) => l.trim() !== ''))
      for (const l of this.listeners) l(line);
  }
}

/** The sources of one context: an invocation of its own, whose logs go to the status line. */
export function dashboardSources(parent: Invocation, context: string | undefined): DashboardSources {
  const controller = new AbortController();
  const log = new LineSink();
  const inv = new Invocation(
    parent.command,
    { ...parent.globals, context, quiet: false, verbose: false },
    'table',
    controller.signal,
    parent.env,
    new MemorySink(),
    log,
  );
  let connection: Promise<Connection> | undefined;
  const cluster = () => (connection ??= inv.factory.cluster({ requestTimeoutMs: 30_000 }));
  const stores = () => inv.factory.perfStores();
  const runs = new Set<AbortController>();
  const feed = clusterFeed(inv, cluster, controller.signal);

  return {
    prefetch() {
      feed.start();
      return feed.settled;
    },
    async contexts() {
      const { config } = await inv.config();
      const active = (await inv.context()).spec.name;
      return allContexts(config).map((spec) => ({
        name: spec.name,
        cluster: describeCluster(spec.cluster),
        provider: describeProvider(spec.provider),
        namespace: spec.namespace,
        active: spec.name === active,
      }));
    },
    async identity() {
      const c = await inv.context();
      return {
        context: c.spec.name,
        cluster: describeCluster(c.effective.cluster),
        provider: describeProvider(c.effective.provider),
        user: await signedInUser(inv),
      };
    },
    latestSnapshot: () => feed.latest(),
    watchCluster: (events) => feed.subscribe(events),
    async meshStatus() {
      const [{ client }, { meshStatus }, { BUILTIN_MESHES }] = await Promise.all([
        cluster(),
        import('../../adapters/lifecycle/status.js'),
        import('../../adapters/builtin/index.js'),
      ]);
      return meshStatus(
        {
          client,
          env: inv.env,
          cacheDir: inv.paths.cacheDir,
          signal: controller.signal,
          user: userInfo().username,
          log: {
            info: (m) => inv.log.info(m),
            warn: (m) => inv.log.warn(m),
            progress: () => undefined,
            debug: () => undefined,
          },
        },
        BUILTIN_MESHES,
        BUILTIN_MESHES,
      );
    },
    async runChecks(): Promise<CheckReport> {
      const { runChecks, countOutcomes } = await import('../../checks/framework.js');
      const { planHealthChecks } = await import('../shared/health-checks.js');
      const plan = await planHealthChecks(inv, await cluster(), { pre: false, proxy: false });
      const startedAt = new Date().toISOString();
      const categories = await runChecks(plan.categories, plan.roundContext(), controller.signal);
      const counts = countOutcomes(categories);
      return {
        success: counts.failed === 0,
        categories,
        counts,
        attempts: 1,
        startedAt,
        finishedAt: new Date().toISOString(),
      };
    },
    perfProfiles: async () => (await stores()).profiles.list(),
    perfResults: async () => (await stores()).results.list(),
    startPerf(target, onProgress) {
      const stop = new AbortController();
      runs.add(stop);
      const result = perfRun(inv, target, stop.signal, onProgress).finally(() => runs.delete(stop));
      return { stop: () => stop.abort(), result };
    },
    async compare(ids) {
      const { compareResults } = await import('../../perf/compare/compare.js');
      const s = await stores();
      const results = [];
      for (const id of ids) {
        const r = await s.results.get(id);
        if (!r) throw new UsageError(`no result "${id}"`);
        results.push(r);
      }
      return { results, metrics: compareResults(results) };
    },
    async designs() {
      const library = await inv.factory.designLibrary();
      return (await library.list((name, problem) => inv.log.warn(`design "${name}" left out: ${problem}`)))
        .entries;
    },
    async diffDesign(name) {
      const { diffDesign } = await import('../../k8s/apply/diff.js');
      const design = await libraryDesign(inv, name);
      return diffDesign((await cluster()).client, design, { onWarning: (m) => inv.log.warn(m) });
    },
    async applyDesign(name) {
      const { applyDesign } = await import('../../k8s/apply/apply.js');
      const design = await libraryDesign(inv, name);
      const report = await applyDesign((await cluster()).client, design, {
        signal: controller.signal,
        onWarning: (m) => inv.log.warn(m),
      });
      return report.results;
    },
    onMessage(listener) {
      log.listeners.add(listener);
      return () => log.listeners.delete(listener);
    },
    close() {
      for (const r of runs) r.abort();
      controller.abort();
      void connection?.then((c) => c.close()).catch(() => undefined);
    },
  };
}

/** A design of the library, read as `design diff NAME` and `design apply NAME` read it. */
async function libraryDesign(inv: Invocation, name: string) {
  const { readDesign } = await import('../shared/design.js');
  return readDesign(inv, { design: name, files: [], recursive: false, requestTimeoutMs: 30_000 });
}

async function signedInUser(inv: Invocation): Promise<string | undefined> {
  const ref = await inv.factory.providerRef();
  if (ref.builtin || ref.url === undefined) return 'local';
  try {
    const session = await inv.factory.providerSession({ requireAuth: false });
    if (session.source === 'none') return undefined;
    return (await session.api.me()).username;
  } catch (err) {
    inv.log.warn(`cannot ask the provider who you are: ${(err as Error).message}`);
    return undefined;
  }
}

/**
 * One `cluster snapshot --watch` LiveSnapshot per context, shared by every view that follows the cluster.
 * It starts on the first subscribe or on start(), which `meshdeck dashboard` calls before it loads the UI,
 * so connecting and listing overlap with loading ink; a late subscriber gets the latest snapshot at once.
 */
function clusterFeed(
  inv: Invocation,
  cluster: () => Promise<Connection>,
  signal: AbortSignal,
): {
  start(): void;
  settled: Promise<void>;
  latest(): Snapshot | undefined;
  subscribe(events: ClusterFeedEvents): { stop(): void };
} {
  const listeners = new Set<ClusterFeedEvents>();
  let latest: Snapshot | undefined;
  let trouble: string | undefined;
  let started = false;
  let settle!: () => void;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const start = () => {
    if (started) return;
    started = true;
    watchCluster(inv, cluster, signal, {
      snapshot: (s) => {
        latest = s;
        trouble = undefined;
        settle();
        for (const l of listeners) l.snapshot(s);
      },
      trouble: (message) => {
        trouble = message;
        settle();
        for (const l of listeners) l.trouble(message);
      },
    });
  };
  return {
    start,
    settled,
    latest: () => latest,
    subscribe(events) {
      listeners.add(events);
      if (latest) events.snapshot(latest);
      else if (trouble !== undefined) events.trouble(trouble);
      start();
      return { stop: () => listeners.delete(events) };
    },
  };
}

/** `cluster snapshot --watch`'s LiveSnapshot until `signal` aborts; snapshots go out at most every 100 ms. */
function watchCluster(
  inv: Invocation,
  cluster: () => Promise<Connection>,
  signal: AbortSignal,
  events: ClusterFeedEvents,
): void {
  let live: LiveSnapshot | undefined;
  let timer: NodeJS.Timeout | undefined;
  const publish = () => {
    timer = undefined;
    if (live && !signal.aborted) events.snapshot(live.current());
  };
  const changed = () => (timer ??= setTimeout(publish, 100));
  signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  void (async () => {
    try {
      const connection = await cluster();
      const identity = { server: connection.target.cluster.server, context: connection.target.context.name };
      live = new LiveSnapshot(connection.client, identity, {
        onSkipped: (what, reason) => inv.log.warn(`${what} left out of the snapshot: ${reason}`),
        onEvent: changed,
        onRebuilt: changed,
        onTrouble: (reason) => events.trouble(`lost the watch (${reason}); reconnecting`),
      });
      await live.start(signal);
      publish();
      await live.done();
    } catch (err) {
      if (!signal.aborted) events.trouble(`cannot watch the cluster: ${(err as Error).message}`);
    }
  })();
}

/** `perf apply PROFILE` or `perf run URL`: gates of the profile judged, the result kept, even when stopped. */
async function perfRun(
  inv: Invocation,
  target: PerfTarget,
  signal: AbortSignal,
  onProgress: (p: LiveProgress) => void,
): Promise<{ result: PerfResult; stored: boolean; storeError?: string }> {
  const [stores, { resolveSpec }, { parseGate }, { evaluateGates }, { parseTargetUrl }, { runLoadTest }] =
    await Promise.all([
      inv.factory.perfStores(),
      import('../../perf/spec/options.js'),
      import('../../perf/gates/parse.js'),
      import('../../perf/gates/evaluate.js'),
      import('../../perf/spec/url.js'),
      import('../../perf/run.js'),
    ]);
  let spec;
  let meta;
  let gates: Gate[] = [];
  if ('profile' in target) {
    const profile = await stores.profiles.get(target.profile);
    if (!profile) throw new UsageError(`no perf profile "${target.profile}"`);
    spec = resolveSpec(profile.settings);
    gates = profile.assertions.map(parseGate);
    meta = {
      name: profile.name,
      profile: { id: profile.id, name: profile.name },
      labels: { ...profile.labels, ...(profile.mesh ? { mesh: profile.mesh } : {}) },
    };
  } else {
    spec = resolveSpec({ url: target.url });
    meta = { name: parseTargetUrl(spec.url).host, labels: {} };
  }
  const result = await runLoadTest(spec, meta, { signal, onProgress, warn: (m) => inv.log.warn(m) });
  if (gates.length > 0) result.gates = evaluateGates(result, gates);
  try {
    await stores.results.save(result);
    return { result, stored: true };
  } catch (err) {
    return { result, stored: false, storeError: (err as Error).message };
  }
}
