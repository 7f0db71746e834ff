// `meshdeck perf matrix`: the same load against the same app (a Service by name) in several namespaces,
// one after another, each from generator pods in the cluster, with the target's mesh and the sidecar's
// resources recorded. Prints the seeds' table with changes against the baseline (the first
// configuration); every row is a stored result. The namespaces are prepared beforehand (the app deployed,
// the namespace labelled for injection, e.g. with `meshdeck mesh inject`).
import { readFile } from 'node:fs/promises';
import { errnoCode, OperationError, ProblemFoundError, UsageError } from '../../core/errors.js';
import { API_VERSION } from '../../core/output/formats.js';
import { renderTable } from '../../core/output/table.js';
import { evaluateGates } from '../../perf/gates/evaluate.js';
import { parseGate, type Gate } from '../../perf/gates/parse.js';
import type { MatrixConfiguration, MatrixSpec } from '../../perf/matrix/file.js';
import { matrixRow, withDeltas, type MatrixRow } from '../../perf/matrix/table.js';
import { formatMs, formatPercent, formatRate } from '../../perf/result/format.js';
import { resolveSpec, type RunSettings } from '../../perf/spec/options.js';
import type { InClusterFlags } from '../shared/flags/perf-cluster.js';
import { parseInClusterFlags, type InClusterOptions } from '../shared/flags/perf-cluster-parse.js';
import { parseLabels, parseLoadFlags } from '../shared/flags/perf-load-parse.js';
import type { LoadFlags } from '../shared/flags/perf-load.js';
import type { Invocation } from '../shared/invocation.js';
import { progressLine } from '../shared/perf-run.js';
import { inClusterRunner } from './in-cluster/runner.js';
import { serviceUrl } from './in-cluster/target.js';
import { findProfile } from './refs.js';

interface MatrixFlags extends LoadFlags, InClusterFlags {
  file?: string;
  service?: string;
  port?: string;
  path?: string;
  config?: string[];
  profile?: string;
  assert?: string[];
  label?: string[];
}

interface Options {
  spec: MatrixSpec;
  load: RunSettings;
  gates: Gate[];
  labels: Record<string, string>;
  inCluster: InClusterOptions;
}

async function readMatrix(file: string): Promise<MatrixSpec> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(
      `cannot read ${file}: ${errnoCode(err) === 'ENOENT' ? 'no such file' : (err as Error).message}`,
      {
        hint: 'check the path given to -f',
      },
    );
  }
  const { parseMatrixFile } = await import('../../perf/matrix/file.js');
  return parseMatrixFile(source, file);
}

function configsFromFlags(flags: string[]): MatrixConfiguration[] {
  return flags.map((flag) => {
    const eq = flag.indexOf('=');
    const name = flag.slice(0, eq);
    const namespace = flag.slice(eq + 1);
    if (eq < 1 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace))
      throw new UsageError(`invalid --config "${flag}": expected name=namespace`, {
        hint: 'e.g. --config no-mesh=echo-plain --config istio=echo-istio',
      });
    return { name, namespace };
  });
}

export async function complete(_inv: Invocation, flags: MatrixFlags): Promise<Options> {
  const fromFile = flags.file ? await readMatrix(flags.file) : undefined;
  const service = flags.service ?? fromFile?.target.service;
  if (!service)
    throw new UsageError('name the app: -f matrix.yaml, or --service NAME with --config name=namespace ...', {
      hint: 'e.g. meshdeck perf matrix --service echo --config no-mesh=echo-plain --config istio=echo-istio',
    });
  const configurations = flags.config?.length
    ? configsFromFlags(flags.config)
    : (fromFile?.configurations ?? []);
  if (configurations.length < 2)
    throw new UsageError('a matrix needs at least two configurations (the first is the baseline)', {
      hint: 'repeat --config name=namespace, or list them under spec.configurations in the file',
    });
  const spec: MatrixSpec = {
    name: fromFile?.name ?? service,
    target: {
      service,
      port: flags.port ?? fromFile?.target.port,
      path: flags.path ?? fromFile?.target.path ?? '/',
    },
    profile: flags.profile ?? fromFile?.profile,
    load: fromFile?.load ?? {},
    assert: [...(fromFile?.assert ?? []), ...(flags.assert ?? [])],
    replicas: flags.replicas ?? fromFile?.replicas,
    configurations,
  };
  let load: RunSettings;
  try {
    load = await parseLoadFlags(undefined, { ...spec.load, ...withoutUndefined(flags) });
  } catch (err) {
    if (err instanceof UsageError && flags.file) err.message = `${flags.file}: spec.load: ${err.message}`;
    throw err;
  }
  return {
    spec,
    load,
    gates: spec.assert.map(parseGate),
    labels: parseLabels(flags.label),
    inCluster: parseInClusterFlags({ ...flags, replicas: spec.replicas }, true)!,
  };
}

function withoutUndefined(flags: MatrixFlags): LoadFlags {
  const out: Record<string, unknown> = {};
  for (const key of [
    'connections',
    'rate',
    'duration',
    'requests',
    'warmup',
    'timeout',
    'method',
    'header',
    'body',
    'bodyFile',
    'insecure',
    'cacert',
    'pipeline',
    'workers',
    'loadGenerator',
  ] as const)
    if (flags[key] !== undefined) out[key] = flags[key];
  return out;
}

export async function run(inv: Invocation, o: Options): Promise<number | void> {
  const stores = await inv.factory.perfStores();
  const profile = o.spec.profile ? await findProfile(stores, o.spec.profile) : undefined;
  const gates = [...(profile?.assertions.map(parseGate) ?? []), ...o.gates];
  const connection = await inv.factory.cluster();
  const rows: MatrixRow[] = [];
  let failedGates = 0;
  try {
    const services = await connection.client.resource('v1', 'Service');
    const runner = inClusterRunner(inv, o.inCluster);
    for (const [i, cfg] of o.spec.configurations.entries()) {
      inv.throwIfInterrupted();
      const svc = await connection.client.get(services, cfg.namespace, o.spec.target.service);
      if (!svc)
        throw new OperationError(
          `configuration "${cfg.name}": no service ${o.spec.target.service} in namespace ${cfg.namespace}`,
          { hint: `deploy the app there first (kubectl get svc -n ${cfg.namespace})` },
        );
      const url = serviceUrl(svc, o.spec.target.port, o.spec.target.path);
      const spec = resolveSpec(profile?.settings ?? {}, o.load, { url });
      inv.log.info(
        `[${i + 1}/${o.spec.configurations.length}] ${cfg.name}: ${url} (namespace ${cfg.namespace})`,
      );
      const total = spec.durationMs !== null ? spec.warmupMs + spec.durationMs : null;
      const result = await runner(
        spec,
        {
          name: `${o.spec.name}-${cfg.name}`,
          profile: profile ? { id: profile.id, name: profile.name } : null,
          labels: { ...o.labels, matrix: o.spec.name, configuration: cfg.name },
        },
        {
          signal: inv.signal,
          warn: (m) => inv.log.warn(m),
          onProgress: (p) => inv.log.progress(progressLine(p, total)),
        },
      );
      inv.log.clearProgress();
      const found = result.cluster?.target?.mesh ?? null;
      if (cfg.mesh && cfg.mesh !== found)
        inv.log.warn(
          `configuration "${cfg.name}": expected the ${cfg.mesh} sidecar, found ${found ?? 'no sidecar'}`,
        );
      if (gates.length > 0) {
        result.gates = evaluateGates(result, gates);
        failedGates += result.gates.filter((g) => !g.passed).length;
      }
      await stores.results.save(result);
      rows.push(matrixRow(cfg.name, cfg.namespace, result));
      inv.log.success(`${cfg.name}: result ${result.id.slice(0, 8)} saved`);
    }
  } finally {
    connection.close();
  }
  await printMatrix(inv, o.spec, withDeltas(rows));
  if (failedGates > 0)
    throw new ProblemFoundError(
      `${failedGates} gate${failedGates === 1 ? '' : 's'} failed across the matrix`,
    );
}

const cell = (value: string, delta: string | undefined) => (delta ? `${value} (${delta})` : value);

async function printMatrix(inv: Invocation, spec: MatrixSpec, rows: MatrixRow[]): Promise<void> {
  if (inv.format === 'json' || inv.format === 'yaml') {
    await inv.out.data({
      apiVersion: API_VERSION,
      kind: 'PerfMatrix',
      name: spec.name,
      baseline: rows[0]?.configuration,
      rows,
    });
    return;
  }
  const sidecar = (v: number | null, simulated: boolean) =>
    v === null ? '-' : `${formatMs(v)}${simulated ? '*' : ''}`;
  inv.out.write(
    renderTable(rows, [
      { header: 'configuration', value: (r) => r.configuration },
      {
        header: 'mesh',
        value: (r) => (r.mesh ? `${r.mesh}${r.proxy_version ? ` ${r.proxy_version}` : ''}` : 'none'),
      },
      { header: 'p50 ms', value: (r) => cell(formatMs(r.p50_ms), r.deltas.p50_ms), align: 'right' },
      { header: 'p99 ms', value: (r) => cell(formatMs(r.p99_ms), r.deltas.p99_ms), align: 'right' },
      { header: 'req/s', value: (r) => cell(formatRate(r.rps), r.deltas.rps), align: 'right' },
      {
        header: 'errors',
        value: (r) => cell(formatPercent(r.error_rate, 2), r.deltas.error_rate),
        align: 'right',
      },
      {
        header: 'sidecar cpu m/1k rps',
        value: (r) => sidecar(r.sidecar_cpu_m_per_1k_rps, r.sidecar_simulated),
        align: 'right',
      },
      {
        header: 'sidecar MiB/1k rps',
        value: (r) => sidecar(r.sidecar_memory_mib_per_1k_rps, r.sidecar_simulated),
        align: 'right',
      },
      { header: 'result', value: (r) => r.result_id.slice(0, 8) },
    ]),
  );
  inv.log.info(
    `changes are against the baseline (${rows[0]?.configuration}); latencies are corrected in open-loop runs`,
  );
  if (rows.some((r) => r.sidecar_simulated))
    inv.log.info(
      '* the cluster only simulates that sidecar (the sandbox): its usage is zero, not a measurement',
    );
}
