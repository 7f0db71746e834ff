// The distributed run's domain parts: how a run is split, the lines generators write (a result with its
// full histogram survives the trip exactly), progress summed across generators, the resource overhead
// reduced from samples, and the matrix table's deltas.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Histogram } from '../histogram/histogram.js';
import { emptyTally } from '../engine/tally.js';
import { buildResult } from '../result/build.js';
import { RUN_DEFAULTS, type RunSpec } from '../spec/run-spec.js';
import { matrixRow, withDeltas } from '../matrix/table.js';
import { parseMatrixFile } from '../matrix/file.js';
import { merged, sumProgress } from './distributed.js';
import type { ContainerUsage } from './fleet.js';
import { perThousandRps, summarizeUsage } from './overhead.js';
import { decodeLine, encodeLine } from './protocol.js';
import { splitRun } from './split.js';

const spec: RunSpec = {
  ...RUN_DEFAULTS,
  url: 'http://echo.demo.svc/',
  headers: [['x-test', '1']],
  body: null,
  rate: 1000,
  connections: 10,
  durationMs: 5_000,
  requests: null,
  workers: 2,
  insecure: false,
  ca: null,
  caFile: null,
};

function podResult(values: number[]) {
  const h = new Histogram();
  for (const v of values) h.record(v);
  const tally = {
    ...emptyTally(),
    sent: values.length,
    completed: values.length,
    statuses: { '200': values.length },
  };
  return buildResult(
    spec,
    {
      corrected: h,
      uncorrected: h,
      tally,
      startTime: new Date(0),
      endTime: new Date(5000),
      windowMs: 5000,
      aborted: false,
      workers: 1,
      generator: { name: 'native', version: 'test' },
    },
    { name: 'pod' },
  );
}

describe('splitRun', () => {
  it('divides the rate exactly and rounds connections and requests up, saying so', () => {
    const share = splitRun(spec, 3);
    assert.equal(share.settings.rate, 1000 / 3);
    assert.equal(share.settings.connections, 4);
    assert.equal(share.settings.workers, null);
    assert.deepEqual(share.settings.headers, [['x-test', '1']]);
    assert.deepEqual(share.notes, ['connections: 4 per generator, 12 in all']);
    const counted = splitRun({ ...spec, durationMs: null, requests: 1000 }, 4);
    assert.equal(counted.settings.requests, 250);
    assert.deepEqual(counted.notes, ['connections: 3 per generator, 12 in all']);
  });

  it('refuses another load generator and a replica count below 1', () => {
    assert.throws(() => splitRun({ ...spec, loadGenerator: 'wrk2' }, 2), /meshdeck's own engine, not wrk2/);
    assert.throws(() => splitRun(spec, 0), /across 0 generators/);
  });
});

describe('generator lines', () => {
  it('carry a full result whose histogram merges to exactly the sum of the pods', () => {
    const a = podResult([500, 700, 900, 120_000]);
    const b = podResult([300, 400, 40_000]);
    const decoded = [a, b].map((r) => {
      const line = decodeLine(`2026-12-02T07:00:00Z ${encodeLine({ type: 'result', result: r }).trimEnd()}`);
      assert.equal(line?.type, 'result');
      return line.type === 'result' ? line.result : a;
    });
    const m = merged(
      decoded.map((result, i) => ({ ref: { pod: `p${i}`, node: 'n' }, result })),
      { name: 'merged' },
      { namespace: 'perf', job: 'j', image: 'meshdeck', target: null },
    );
    const all = new Histogram();
    for (const v of [500, 700, 900, 120_000, 300, 400, 40_000]) all.record(v);
    assert.deepEqual(m.histograms.corrected?.buckets, all.toJSON().buckets);
    assert.equal(m.histograms.corrected?.count, 7);
    assert.deepEqual(
      m.cluster?.generators.map((g) => g.histogram_count),
      [4, 3],
    );
    assert.ok(m.cluster.merge.ms >= 0);
  });

  it('passes other output by, and sums progress', () => {
    assert.equal(decodeLine('warning: something'), undefined);
    assert.equal(decodeLine('meshdeck.perf/v1 {not json'), undefined);
    const p = sumProgress([
      { elapsedMs: 1000, sent: 10, completed: 9, errors: 1, rate: 9, p99Us: 2000 },
      { elapsedMs: 1200, sent: 5, completed: 5, errors: 0, rate: 5, p99Us: Number.POSITIVE_INFINITY },
    ]);
    assert.deepEqual(p, { elapsedMs: 1200, sent: 15, completed: 14, errors: 1, rate: 14, p99Us: 2000 });
  });
});

describe('resource overhead', () => {
  const u = (
    container: string,
    role: ContainerUsage['role'],
    cpu: number,
    mem: number,
    simulated = false,
  ) => ({
    scope: role === 'control-plane' ? ('control-plane' as const) : ('target' as const),
    namespace: 'ns',
    pod: 'p',
    container,
    role,
    cpu_m: cpu,
    memory_mib: mem,
    simulated,
  });

  it('keeps mean and peak per container and totals by role, sidecar apart from the app', () => {
    const o = summarizeUsage(
      [
        [u('app', 'app', 100, 50), u('istio-proxy', 'sidecar', 0, 0, true)],
        [u('app', 'app', 300, 70), u('istio-proxy', 'sidecar', 0, 0, true)],
      ],
      1000,
    );
    assert.equal(o.samples, 2);
    const app = o.containers.find((x) => x.container === 'app')!;
    assert.deepEqual(app.cpu_m, { mean: 200, max: 300 });
    assert.deepEqual(app.memory_mib, { mean: 60, max: 70 });
    assert.deepEqual(o.totals.sidecar, { cpu_m: 0, memory_mib: 0, containers: 1, simulated: true });
    assert.equal(o.totals.control_plane.containers, 0);
    assert.equal(perThousandRps(50, 2000), 25);
    assert.equal(perThousandRps(50, 0), null);
  });
});

describe('matrix', () => {
  it('reads a matrix file and names file:line:column for a bad field', () => {
    const m = parseMatrixFile(
      'kind: PerfMatrix\nmetadata: {name: meshes}\nspec:\n  target: {service: echo, port: http}\n  load: {rate: 2k, duration: 30s}\n  configurations:\n    - {name: none, namespace: plain}\n    - {name: istio, namespace: meshed, mesh: istio}\n',
      'm.yaml',
    );
    assert.equal(m.name, 'meshes');
    assert.deepEqual(m.load, { rate: '2k', duration: '30s' });
    assert.deepEqual(m.configurations[1], { name: 'istio', namespace: 'meshed', mesh: 'istio' });
    assert.throws(
      () => parseMatrixFile('spec:\n  target: {service: echo}\n  load: {speed: 3}\n', 'm.yaml'),
      /m\.yaml:3:17: spec\.load\.speed: unknown setting/,
    );
  });

  it('gives each row its changes against the baseline', () => {
    const base = podResult([1000, 1000, 1000]);
    const slower = podResult([2000, 2000, 2000]);
    const rows = withDeltas([matrixRow('none', 'a', base), matrixRow('istio', 'b', slower)]);
    assert.deepEqual(rows[0].deltas, {});
    assert.equal(rows[1].deltas.p50_ms, '+100.0%');
    assert.equal(rows[1].deltas.rps, '+0.0%');
  });
});
