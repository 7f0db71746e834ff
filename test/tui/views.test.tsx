// The Contexts, Meshes, Health, Perf and Designs views with ink-testing-library: what they show for
// real domain values (check reports from the real runner, perf results from the real engine against a
// local server, comparisons from the real comparer) and what their keys do. NO_COLOR: no colour codes.
import assert from 'node:assert/strict';
import { Text } from 'ink';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { StatusReport } from '../../src/adapters/lifecycle/status.js';
import { countOutcomes, runChecks, type Category, type CheckReport } from '../../src/checks/framework.js';
import { compareResults } from '../../src/perf/compare/compare.js';
import type { PerfResult } from '../../src/perf/result/model.js';
import { runLoadTest } from '../../src/perf/run.js';
import { resolveSpec } from '../../src/perf/spec/options.js';
import type { PerfTarget } from '../../src/tui/base/sources.js';
import { ContextsView } from '../../src/tui/views/contexts.js';
import { DesignsView } from '../../src/tui/views/designs.js';
import { HealthView } from '../../src/tui/views/health.js';
import { MeshesView } from '../../src/tui/views/meshes.js';
import { PerfView } from '../../src/tui/views/perf.js';
import { useColor } from '../../src/tui/base/ui.js';
import { eventually, KEY, show } from './helpers.js';

const size = { height: 20, width: 80, active: true };
// An SGR foreground colour (ESC [ 3x m).
const COLOUR = new RegExp(String.raw`${String.fromCharCode(27)}\[3\dm`);

describe('Contexts view', () => {
  it('shows the identity and the contexts; Enter picks the selected one', async () => {
    const picked: string[] = [];
    const v = show(
      <ContextsView
        {...size}
        identity={{ context: 'local', cluster: 'sandbox (embedded)', provider: 'built-in', user: 'local' }}
        contexts={[
          {
            name: 'local',
            cluster: 'sandbox (embedded)',
            provider: 'built-in',
            namespace: 'default',
            active: true,
          },
          {
            name: 'prod',
            cluster: 'prod-east',
            provider: 'https://p.example',
            namespace: 'shop',
            active: false,
          },
        ]}
        onPick={(n) => picked.push(n)}
      />,
    );
    const f = await v.until(/prod-east/);
    assert.match(f, /context local \| cluster sandbox \(embedded\) \| provider built-in \| user local/);
    assert.match(f, />\*\s+local/);
    await v.press(KEY.down, KEY.enter);
    await eventually(() => assert.deepEqual(picked, ['prod']));
    v.unmount();
  });

  it('says when nobody is signed in', async () => {
    const v = show(
      <ContextsView
        {...size}
        identity={{ context: 'prod', cluster: 'c', provider: 'https://p' }}
        contexts={[]}
        onPick={() => undefined}
      />,
    );
    await v.until(/user not signed in/);
    v.unmount();
  });
});

describe('Meshes view', () => {
  const report: StatusReport = {
    simulated: true,
    conflicts: ['linkerd found but not installed by meshdeck'],
    meshes: [
      {
        mesh: 'istio',
        title: 'Istio',
        installed: true,
        namespace: 'istio-system',
        revisions: [
          {
            revision: '1-22',
            version: '1.22.0',
            installedAt: '2026-01-01T00:00:00Z',
            installedBy: 'me',
            manifestDigest: 'x',
            ready: false,
            components: [
              { kind: 'Deployment', name: 'istiod', ready: true, message: '' },
              { kind: 'Deployment', name: 'ingress', ready: false, message: '0/1 ready' },
            ],
            webhooks: [],
          },
        ],
      },
    ],
    namespaces: [
      {
        namespace: 'shop',
        mesh: 'istio',
        injected: true,
        revision: '1-22',
        pods: 3,
        proxies: { '1.21.0': 1, '1.22.0': 2 },
        withoutProxy: 0,
        skew: true,
      },
    ],
  };

  it('shows control planes with ready components and the data plane with version skew', async () => {
    const v = show(<MeshesView {...size} report={report} />);
    const f = await v.until(/istiod/);
    assert.match(f, /istio\s+1-22\s+1\.22\.0 \(sim\)\s+1\/2\s+istiod, ingress \(0\/1 ready\)/);
    assert.match(f, /shop\s+istio\s+enabled\s+1-22\s+3\s+1×1\.21\.0, 2×1\.22\.0\s+yes/);
    assert.match(f, /conflict: linkerd found but not installed by meshdeck/);
    v.unmount();
  });

  it('falls back to what the snapshot shows when no mesh was installed by meshdeck', async () => {
    const empty: StatusReport = { simulated: false, conflicts: [], meshes: [], namespaces: [] };
    const snapshot = {
      apiVersion: 'meshdeck/v1' as const,
      kind: 'ClusterSnapshot' as const,
      cluster: { server: 's', context: 'c' },
      takenAt: '',
      meshes: [
        { mesh: 'linkerd' as const, crds: 4, resources: 2, injectedNamespaces: 1, podsWithSidecars: 5 },
      ],
      namespaces: [],
      workloads: [],
      pods: [],
      services: [],
      crds: [],
      resources: [],
    };
    const v = show(<MeshesView {...size} report={empty} snapshot={snapshot} />);
    const f = await v.until(/linkerd/);
    assert.match(f, /no mesh installed by meshdeck/);
    assert.match(f, /linkerd\s+4\s+2\s+1\s+5/);
    v.unmount();
  });
});

async function checkReport(): Promise<CheckReport> {
  const categories: Category<object>[] = [
    {
      id: 'kubernetes-api',
      checks: [
        {
          id: 'reachable',
          description: 'can reach the API',
          hint: 'check the kubeconfig',
          anchor: 'a',
          run: async () => ({ outcome: 'passed', message: 'ok' }),
        },
        {
          id: 'version',
          description: 'version is supported',
          hint: 'upgrade the cluster',
          anchor: 'b',
          run: async () => ({ outcome: 'failed', message: '1.20 is too old' }),
        },
        {
          id: 'skew',
          description: 'clock skew',
          hint: 'sync clocks',
          anchor: 'c',
          dependsOn: ['kubernetes-api/version'],
          run: async () => ({ outcome: 'passed', message: '' }),
        },
        {
          id: 'note',
          description: 'provider',
          hint: '',
          anchor: 'd',
          run: async () => ({ outcome: 'info', message: 'not running' }),
        },
      ],
    },
  ];
  const results = await runChecks(categories, {}, new AbortController().signal);
  const counts = countOutcomes(results);
  return {
    success: counts.failed === 0,
    categories: results,
    counts,
    attempts: 1,
    startedAt: 'x',
    finishedAt: 'y',
  };
}

describe('Health view', () => {
  it('shows [+] [-] [i] [~] with the hint under a failure; r runs the checks again', async () => {
    let reruns = 0;
    const report = await checkReport();
    const v = show(<HealthView {...size} report={report} running={false} onRerun={() => reruns++} />);
    const f = await v.until(/\[-\]/);
    assert.match(f, /1 passed \| 1 failed \| 1 info \| 1 skipped \| problems found/);
    assert.match(f, /\[\+\] can reach the API: ok/);
    assert.match(f, /\[-\] version is supported: 1\.20 is too old\n\s+hint: upgrade the cluster/);
    assert.match(f, /\[~\] clock skew: skipped/);
    assert.match(f, /\[i\] provider: not running/);
    await v.press('r');
    await eventually(() => assert.equal(reruns, 1));
    v.unmount();
  });

  it('does not run again while a run is under way', async () => {
    let reruns = 0;
    const v = show(<HealthView {...size} running onRerun={() => reruns++} />);
    await v.until(/running the checks/);
    await v.press('r');
    assert.equal(reruns, 0);
    v.unmount();
  });

  it('writes no colour codes with colours off (NO_COLOR); the views ask for colours only when allowed', async () => {
    const report = await checkReport();
    const plain = show(<HealthView {...size} report={report} running={false} onRerun={() => undefined} />, {
      color: false,
    });
    assert.doesNotMatch(await plain.until(/\[-\]/), COLOUR);
    plain.unmount();
    for (const color of [false, true]) {
      const probe = show(<ColourProbe />, { color });
      await probe.until(color ? /colour red/ : /colour none/);
      probe.unmount();
    }
  });
});

function ColourProbe() {
  const c = useColor();
  return <Text>colour {c('red') ?? 'none'}</Text>;
}

describe('Perf view', () => {
  let server: Server;
  let url = '';
  const results: PerfResult[] = [];
  before(async () => {
    server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    for (const name of ['before', 'after']) {
      const spec = resolveSpec({ url, duration_ms: 300, warmup_ms: 0, connections: 1 });
      results.unshift(await runLoadTest(spec, { name }, { warn: () => undefined }));
    }
  });
  after(() => server.close());

  const noop = () => undefined;
  const handlers = { onStart: noop, onStop: noop, onCompare: noop, onCloseComparison: noop };

  it('lists profiles and stored results; n reads a URL and starts a run', async () => {
    const started: PerfTarget[] = [];
    const v = show(
      <PerfView {...size} {...handlers} profiles={[]} results={results} onStart={(t) => started.push(t)} />,
    );
    const f = await v.until(/after/);
    assert.match(f, new RegExp(`\\[ \\] result\\s+${results[0].id.slice(0, 8)} after`));
    await v.press('n');
    await v.until(/URL to load: http:\/\//);
    await v.press('1', '2', '7', '.', '0', '.', '0', '.', '1', ':', '9', KEY.enter);
    await eventually(() => assert.deepEqual(started, [{ url: 'http://127.0.0.1:9' }]));
    v.unmount();
  });

  it('shows a live run: rate, errors, p50 and p99, sparklines and a histogram; s stops it', async () => {
    let stops = 0;
    const samples = [1, 2, 3].map((i) => ({
      elapsedMs: i * 1000,
      sent: i * 100,
      completed: i * 100,
      errors: i - 1,
      rate: 100 * i,
      p99Us: 900 * i,
      p50Us: 300 * i,
    }));
    const v = show(
      <PerfView
        {...size}
        {...handlers}
        profiles={[]}
        results={[]}
        run={{ label: url, samples, state: 'running' }}
        onStop={() => stops++}
      />,
    );
    const f = await v.until(/rate 300\/s/);
    assert.match(f, /3s \| running/);
    assert.match(f, /rate 300\/s \| sent 300 \| errors 2 \| p50 0\.90ms \| p99 2\.7ms/);
    assert.match(f, /rate\s+[▁-█]{3}/);
    assert.match(f, /p99 ≤/);
    await v.press('s');
    await eventually(() => assert.equal(stops, 1));
    v.unmount();
  });

  it('marks results with Space and compares them with c', async () => {
    const compared: string[][] = [];
    const v = show(
      <PerfView
        {...size}
        {...handlers}
        profiles={[]}
        results={results}
        onCompare={(ids) => compared.push(ids)}
      />,
    );
    await v.until(/before/);
    await v.press('c');
    assert.match(v.ui.said.join('\n'), /mark two or more results/);
    await v.press(' ', KEY.down, ' ', 'c');
    await eventually(() => assert.deepEqual(compared, [[results[0].id, results[1].id]]));
    v.unmount();
    const table = show(
      <PerfView
        {...size}
        {...handlers}
        profiles={[]}
        results={results}
        comparison={{ results, metrics: compareResults(results) }}
      />,
    );
    const f = await table.until(/rate \(req\/s\)/);
    assert.match(f, /p99 \(ms\)/);
    assert.match(f, /Esc: back to the list/);
    table.unmount();
  });
});

describe('Designs view', () => {
  const entry = {
    name: 'shop',
    revision: 3,
    updatedAt: '2026-01-01T00:00:00.000Z',
    pending: false,
    design: {
      apiVersion: 'meshdeck/v1',
      kind: 'Design',
      metadata: { name: 'shop', version: '1.0.0' },
      spec: { objects: [{}, {}] },
    },
  } as never;

  it('diffs with d, and applies with a only after y', async () => {
    const diffs: string[] = [];
    const applies: string[] = [];
    const v = show(
      <DesignsView
        {...size}
        designs={[entry]}
        cluster="sandbox"
        onDiff={(n) => diffs.push(n)}
        onApply={(n) => applies.push(n)}
      />,
    );
    const f = await v.until(/shop/);
    assert.match(f, /shop\s+1\.0\.0\s+2\s+3/);
    await v.press('d');
    await eventually(() => assert.deepEqual(diffs, ['shop']));
    await v.press('a');
    await v.until(/apply design "shop" to sandbox\? y to apply/);
    await v.press('n');
    await v.until((s) => !/y to apply/.test(s));
    assert.deepEqual(applies, []);
    await v.press('a');
    await v.until(/y to apply/);
    await v.press('y');
    await eventually(() => assert.deepEqual(applies, ['shop']));
    v.unmount();
  });

  it('shows a diff and an apply result', async () => {
    const work = {
      kind: 'diff' as const,
      name: 'shop',
      entries: [
        {
          what: 'deployment shop/web',
          ref: {} as never,
          change: 'update' as const,
          diff: '-  replicas: 1\n+  replicas: 2\n',
        },
        { what: 'service shop/web', ref: {} as never, change: 'none' as const, diff: '' },
      ],
    };
    const v = show(
      <DesignsView
        {...size}
        designs={[entry]}
        cluster="c"
        work={work}
        onDiff={() => undefined}
        onApply={() => undefined}
      />,
    );
    const f = await v.until(/differ/);
    assert.match(f, /design "shop": 1 of 2 objects differ/);
    assert.match(f, /update deployment shop\/web\n- {2}replicas: 1\n\+ {2}replicas: 2/);
    v.unmount();
  });
});
