// The demo, step by step: a sandbox (the running one, or one started here), the sample design applied and
// waited for, its Service benchmarked with gates, the result kept. Each step is the same domain code the
// design and perf commands use; this file only strings them together and tells the user what happened.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OperationError } from '../../core/errors.js';
import { applyDesign, failuresError } from '../../k8s/apply/apply.js';
import { connect, type Connection } from '../../k8s/connect.js';
import { waitForApplied } from '../../k8s/apply/wait-applied.js';
import {
  findRunningSandbox,
  openLocalSandbox,
  SANDBOX_CONTEXT,
  userKubeconfigPath,
} from '../../sandbox/index.js';
import { resolveSpec, type RunSettings } from '../../perf/spec/options.js';
import { parseGate, type Gate } from '../../perf/gates/parse.js';
import type { PerfStores } from '../../perf/store/types.js';
import type { LoadedDesign } from '../../design/model.js';
import { publishDesign, readDesign, resultLine } from '../shared/design.js';
import type { DesignSource } from '../shared/flags/design-input.js';
import { parseLoadFlags } from '../shared/flags/perf-load-parse.js';
import type { Invocation } from '../shared/invocation.js';
import { executeRun } from '../shared/perf-run.js';
import { progressLine } from '../shared/progress.js';
import { untilAborted } from '../../core/abort.js';
import { userInfo } from 'node:os';
import { UsageError } from '../../core/errors.js';
import { didYouMean } from '../../core/suggest.js';
import { BUILTIN_MESHES, builtinMesh } from '../../adapters/builtin/index.js';
import type { LifecycleContext } from '../../adapters/lifecycle/context.js';
import { deployMesh } from '../../adapters/lifecycle/deploy.js';
import { injectNamespace } from '../../adapters/lifecycle/inject.js';
import { proxiesAt } from '../../adapters/lifecycle/health.js';
import { readRecords } from '../../adapters/lifecycle/record.js';
import { DEFAULT_REVISION } from '../../adapters/lifecycle/render.js';
import type { MeshLifecycle } from '../../adapters/lifecycle/types.js';

interface DemoFlags {
  rate: string;
  duration: string;
  assert?: string[];
  keep?: boolean;
  mesh?: string;
  installer?: string;
}

interface Options {
  /** The sample design. */
  source: DesignSource;
  /** Rate, duration and connections; the URL comes once the sample runs. */
  load: RunSettings;
  gates: Gate[];
  /** As typed, for the progress line. */
  rate: string;
  duration: string;
  keep: boolean;
  /** --kubeconfig: the file that gets the meshdeck-sandbox context when the demo starts one. */
  kubeconfigFlag?: string;
  /** --mesh: deployed, and the demo namespace injected, before the benchmark. */
  mesh?: MeshLifecycle;
  installer?: string;
}

const DEFAULT_GATES = ['p99<=50ms', 'errors<1%'];
const NAMESPACE = 'demo';
const SERVICE = 'echo';
const WAIT_MS = 120_000;

/** fixtures/ of this installation: beside dist/ in a clone, and in the published package. */
function fixture(...parts: string[]): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++, dir = dirname(dir)) {
    const candidate = join(dir, 'fixtures', ...parts);
    if (existsSync(candidate)) return candidate;
  }
  throw new OperationError(`meshdeck's sample design (fixtures/${parts.join('/')}) is missing`, {
    hint: 'reinstall meshdeck: the fixtures folder ships with it',
  });
}

/** Bad flags fail here, before anything is started. */
export async function complete(inv: Invocation, flags: DemoFlags): Promise<Options> {
  const gates = (flags.assert ?? DEFAULT_GATES).map(parseGate);
  const mesh = flags.mesh === undefined ? undefined : demoMesh(flags.mesh);
  const load = await parseLoadFlags(undefined, { ...flags, connections: '16' });
  return {
    source: { files: [fixture('designs', 'echo-demo.yaml')], recursive: false, requestTimeoutMs: 30_000 },
    load,
    gates,
    rate: flags.rate,
    duration: flags.duration,
    keep: flags.keep === true,
    kubeconfigFlag: inv.globals.kubeconfig,
    mesh,
    installer: flags.installer,
  };
}

/** A mesh the demo can put its sample in: one with a sidecar injector. */
function demoMesh(name: string): MeshLifecycle {
  const names = BUILTIN_MESHES.filter((m) => m.proxy.container).map((m) => m.name);
  const mesh = builtinMesh(name.toLowerCase());
  if (!mesh || !names.includes(mesh.name))
    throw new UsageError(`--mesh "${name}" is not a mesh the demo can inject${didYouMean(name, names)}`, {
      hint: `one of: ${names.join(', ')}`,
    });
  return mesh;
}

export async function run(inv: Invocation, flags: Options): Promise<void> {
  const design = await readDesign(inv, flags.source);

  const sandbox = await useSandbox(inv, flags.kubeconfigFlag);
  let connection: Connection | undefined;
  try {
    connection = connect({
      cluster: { kubeconfig: sandbox.kubeconfig, context: SANDBOX_CONTEXT },
      namespace: NAMESPACE,
      env: inv.env,
      cacheDir: inv.paths.cacheDir,
      signal: inv.signal,
    });
    const client = connection.client;

    inv.log.info(
      `applying design "${design.meta.name}" ${design.meta.version} (${design.objects.length} objects)`,
    );
    const report = await applyDesign(client, design, {
      signal: inv.signal,
      onWarning: (m) => inv.log.warn(m),
      onResults: (results) => results.forEach((r) => inv.log.info(`  ${resultLine(r, false)}`)),
    });
    const failure = failuresError(report.results, 'apply');
    if (failure) throw failure;

    const ready = await waitForApplied(client, report, {
      timeoutMs: WAIT_MS,
      signal: inv.signal,
      onProgress: (s) => inv.log.progress(progressLine(s, 'ready')),
    });
    inv.log.clearProgress();
    inv.log.success(`${ready.map((s) => s.target.what).join(', ')} ready`);

    await keepDesign(inv, design);
    const meshLabel = flags.mesh ? await putInMesh(inv, connection, flags.mesh, flags.installer) : undefined;
    const url = await serviceUrl(connection, inv.signal);
    inv.log.info(
      `benchmarking ${url} (service ${SERVICE} -n ${NAMESPACE}): ${flags.rate} req/s for ${flags.duration}`,
    );
    const spec = resolveSpec(flags.load, { url });
    await executeRun(
      inv,
      spec,
      {
        name: design.meta.name,
        labels: { design: design.meta.name, cluster: 'sandbox', ...(meshLabel ? { mesh: meshLabel } : {}) },
      },
      { gates: flags.gates, stores: await resultStores(inv) },
    );
    if (flags.keep && sandbox.owned) await keepRunning(inv, sandbox.kubeconfig, url);
  } finally {
    connection?.close();
    if (sandbox.owned) await sandbox.close();
  }
}

/**
 * Deploys the mesh (waiting for its control plane), turns injection on for the demo namespace and restarts
 * the sample, so its pods come back with the mesh's sidecar (simulated: the sandbox's injector adds the
 * container; traffic does not pass through a proxy). Returns the label the result carries.
 */
async function putInMesh(
  inv: Invocation,
  connection: Connection,
  mesh: MeshLifecycle,
  installer: string | undefined,
): Promise<string> {
  const ctx: LifecycleContext = {
    client: connection.client,
    env: inv.env,
    cacheDir: inv.paths.cacheDir,
    signal: inv.signal,
    user: userInfo().username,
    installerPath: installer,
    log: {
      info: (m) => (inv.log.clearProgress(), inv.log.info(m)),
      warn: (m) => (inv.log.clearProgress(), inv.log.warn(m)),
      progress: (m) => inv.log.progress(m),
      debug: (m) => inv.log.debug(m),
    },
  };
  const version = mesh.versions[0];
  const existing = (await readRecords(connection.client, mesh.name)).find(
    (r) => r.revision === DEFAULT_REVISION,
  );
  if (existing) inv.log.info(`${mesh.title} ${existing.version} is already installed`);
  else {
    inv.log.info(`deploying ${mesh.title} ${version}`);
    await deployMesh(ctx, mesh, {
      version,
      revision: DEFAULT_REVISION,
      wait: true,
      timeoutMs: WAIT_MS,
      others: BUILTIN_MESHES,
    });
    inv.log.clearProgress();
    inv.log.success(`${mesh.title} ${version} control plane ready`);
  }
  const injected = await injectNamespace(ctx, mesh, NAMESPACE, { restart: true, timeoutMs: WAIT_MS });
  inv.log.clearProgress();
  inv.log.success(
    `namespace ${NAMESPACE} in ${mesh.title}; restarted ${injected.restarted.join(', ') || 'nothing'}`,
  );
  const running = existing?.version ?? version;
  const proxies = await proxiesAt(ctx, mesh, [NAMESPACE], mesh.proxy.expected(running));
  if (!proxies.ok)
    throw new OperationError(`the sample did not join ${mesh.title}: ${proxies.message}`, {
      hint: `look at the pods: kubectl --context ${SANDBOX_CONTEXT} describe pods -n ${NAMESPACE}`,
    });
  inv.log.success(proxies.message);
  return `${mesh.name} ${running} (simulated)`;
}

/**
 * The design and the result go to the context's provider too (the built-in one by default), as the
 * design and perf commands keep them. The demo's own work is done by then: a provider that cannot take
 * them is reported, not fatal.
 */
async function keepDesign(inv: Invocation, design: LoadedDesign): Promise<void> {
  try {
    await publishDesign(inv, await inv.factory.designLibrary(), design, {});
  } catch (err) {
    inv.log.warn(`design "${design.meta.name}" not kept with the provider: ${(err as Error).message}`);
  }
}

/** The perf stores, with the built-in provider too: the demo has it running for its design anyway. */
async function resultStores(inv: Invocation): Promise<PerfStores> {
  try {
    return await inv.factory.perfStores({
      builtinProvider: true,
      onPushed: (_kind, name, outcome) => {
        if (outcome.status === 'queued') inv.log.warn(`result queued for the provider: ${outcome.reason}`);
        else if (outcome.status === 'created') inv.log.success(`result "${name}" kept with the provider`);
      },
    });
  } catch (err) {
    inv.log.warn(`result not kept with the provider: ${(err as Error).message}`);
    return inv.factory.perfStores();
  }
}

interface DemoSandbox {
  kubeconfig: string;
  /** Started by this command (and stopped at its end), rather than one already running. */
  owned: boolean;
  close(): Promise<void>;
}

/** The sandbox `meshdeck sandbox start` runs, else one in this process for as long as the demo lasts. */
async function useSandbox(inv: Invocation, kubeconfigFlag: string | undefined): Promise<DemoSandbox> {
  const running = await findRunningSandbox({ stateDir: inv.paths.stateDir });
  if (running) {
    inv.log.info(`using the running sandbox at ${running.url} (pid ${running.pid})`);
    return { kubeconfig: running.kubeconfig, owned: false, close: async () => undefined };
  }
  inv.log.info('starting the sandbox cluster in this process (it stops when the demo ends)');
  const local = await openLocalSandbox({
    stateDir: inv.paths.stateDir,
    port: 0,
    userKubeconfig: userKubeconfigPath(kubeconfigFlag, inv.env),
    onError: (err) => inv.log.debug(`sandbox: ${err instanceof Error ? err.message : String(err)}`),
  });
  return { kubeconfig: local.state.kubeconfig, owned: true, close: () => local.close() };
}

/** The loopback address the sandbox's load balancer gives the echo Service. */
async function serviceUrl(connection: Connection, signal: AbortSignal): Promise<string> {
  const client = connection.client;
  const services = await client.resource('v1', 'Service');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const svc = (await client.get(services, NAMESPACE, SERVICE)) as
      | { status?: { loadBalancer?: { ingress?: Array<{ ip?: string; ports?: Array<{ port: number }> }> } } }
      | undefined;
    const ingress = svc?.status?.loadBalancer?.ingress?.[0];
    const port = ingress?.ports?.[0]?.port;
    if (ingress?.ip && port) return `http://${ingress.ip}:${port}/`;
    if (Date.now() > deadline || signal.aborted) {
      throw new OperationError(`service ${SERVICE} -n ${NAMESPACE} got no load-balancer address`, {
        hint: 'the sandbox gives LoadBalancer Services a loopback address; see "kubectl describe service echo -n demo"',
      });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function keepRunning(inv: Invocation, kubeconfig: string, url: string): Promise<void> {
  inv.log.info(
    [
      'the sandbox keeps running; Ctrl-C stops it. Meanwhile, in another terminal:',
      `  kubectl --context ${SANDBOX_CONTEXT} get pods,services -n ${NAMESPACE}`,
      `  kubectl --kubeconfig ${kubeconfig} logs -n ${NAMESPACE} deployment/echo`,
      `  meshdeck perf run ${url} --rate 1000 -d 10s`,
    ].join('\n'),
  );
  await untilAborted(inv.signal);
}
