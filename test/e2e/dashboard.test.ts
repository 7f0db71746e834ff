// `meshdeck dashboard` as a person uses it: the real binary in a tmux terminal (80x24) against the
// sandbox: switching views, filtering the cluster, a perf run against a local server started and stopped
// with its partial result stored, resize, and q giving the terminal back. And the other side of the
// contract: without a terminal it refuses, and `--version`/`--help` never load ink or React.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { BIN, REPO_ROOT, TestHome } from '../helpers/cli.js';
import { ClusterHome } from '../helpers/cluster.js';
import { needPrograms, TMUX } from '../helpers/programs.js';
import { TmuxTerminal } from '../helpers/tmux.js';

const WORKLOADS = `apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Namespace
metadata: {name: billing}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: checkout, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: checkout}}
  template:
    metadata: {labels: {app: checkout}}
    spec: {containers: [{name: checkout, image: checkout}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: invoices, namespace: billing}
spec:
  replicas: 1
  selector: {matchLabels: {app: invoices}}
  template:
    metadata: {labels: {app: invoices}}
    spec: {containers: [{name: invoices, image: invoices}]}
`;

describe('dashboard without a terminal', () => {
  const home = new TestHome();
  after(() => home.cleanup());

  it('refuses with exit 2 and names the plain commands', async () => {
    const r = await home.run(['dashboard']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /needs a terminal/);
    assert.match(r.stderr, /meshdeck cluster snapshot/);
    assert.equal(r.stdout, '');
  });
});

/** Every module URL the ES module loader resolves in a run, through a resolve hook. */
function moduleLog(home: TestHome): { register: string; log: string; urls(): string[] } {
  const log = join(home.root, 'modules.log');
  const hooks = join(home.root, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, r.url + '\\n');
  return r;
}\n`,
  );
  const register = join(home.root, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
  return {
    register,
    log,
    urls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []),
  };
}

/** The lazy chunks of the bundle that carry ink or React (from the bundle's metafile). */
function inkChunks(): string[] {
  const meta = JSON.parse(readFileSync(join(REPO_ROOT, 'dist', 'bundle', 'meta.json'), 'utf8'));
  const outputs = meta.lazy.outputs as Record<string, { inputs: Record<string, unknown> }>;
  const chunks = Object.entries(outputs)
    .filter(([, o]) => Object.keys(o.inputs).some((i) => /node_modules\/(ink|react)\//.test(i)))
    .map(([file]) => file.split('/').pop()!);
  assert.ok(chunks.length > 0, 'the bundle has chunks with ink and React in them');
  return chunks;
}

describe('cold start keeps ink and React out', () => {
  const home = new TestHome();
  after(() => home.cleanup());

  for (const args of [['--version'], ['--help'], ['dashboard', '--help']]) {
    it(`meshdeck ${args.join(' ')} loads no chunk with ink or React`, async () => {
      const modules = moduleLog(home);
      writeFileSync(modules.log, '');
      const r = await home.run(args, { env: { NODE_OPTIONS: `--import=${modules.register}` } });
      assert.equal(r.code, 0, r.stderr);
      const loaded = modules.urls();
      const chunks = inkChunks();
      assert.deepEqual(
        loaded.filter((u) => chunks.some((c) => u.endsWith(c))),
        [],
        `loaded: ${loaded.join(', ')}`,
      );
    });
  }
});

describe('dashboard in a terminal, against the sandbox', () => {
  let c: ClusterHome;
  let target: Server;
  let targetUrl = '';
  before(async () => {
    c = await ClusterHome.start();
    const applied = await c.kubectl(['apply', '-f', '-'], { input: WORKLOADS });
    assert.equal(applied.code, 0, applied.stderr);
    target = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;
  });
  after(async () => {
    target?.close();
    await c?.stop();
  });

  it('switches views, filters, runs and stops a benchmark, follows a resize and gives the terminal back', async (t) => {
    if (!needPrograms(t, TMUX)) return;
    const modules = moduleLog(c.home);
    const term = TmuxTerminal.start(
      [process.execPath, `--import=${modules.register}`, BIN, 'dashboard'],
      c.home.env,
    );
    try {
      // Cluster view first, kept current by the watch: both workloads appear.
      await term.waitFor((s) => /\[2 Cluster\]/.test(s) && /checkout/.test(s) && /invoices/.test(s));
      const first = term.screen();
      assert.ok(
        first.split('\n').every((l) => l.length <= 80),
        'fits 80 columns',
      );

      // Filter with /: only the matching workload stays.
      term.type('/');
      await term.waitFor(/^filter:/m);
      term.type('bill');
      term.keys(['Enter']);
      const filtered = await term.waitFor(/filter: bill \(1 of/);
      assert.match(filtered, /invoices/);
      assert.doesNotMatch(filtered, /checkout/);

      // Tab, Shift-Tab and digits.
      term.keys(['Tab']);
      await term.waitFor(/\[3 Meshes\]/);
      term.keys(['BTab', 'BTab']);
      await term.waitFor(/\[1 Contexts\]/);
      await term.waitFor(/local/);
      term.type('4');
      await term.waitFor(/\[4 Health\]/);
      await term.waitFor(/\[\+\] can reach the Kubernetes API/);
      term.type('?');
      await term.waitFor(/q or Ctrl-C leave the dashboard/);
      term.keys(['Escape']);
      await term.waitFor((s) => !/q or Ctrl-C leave/.test(s));

      // Perf: a URL run, watched live, stopped with s; its partial result is stored.
      term.type('5');
      await term.waitFor(/\[5 Perf\]/);
      term.type('n');
      await term.waitFor(/URL to load: http:\/\//);
      term.type(targetUrl.replace('http://', ''));
      term.keys(['Enter']);
      await term.waitFor(/running/);
      await term.waitFor(/rate \d+\/s \| sent [1-9]/);
      term.type('s');
      const stopped = await term.waitFor(/result [0-9a-f]{8} stored, partial/, 60_000);
      const id = /result ([0-9a-f]{8}) stored/.exec(stopped)![1];
      await term.waitFor(new RegExp(`result\\s+${id}`));

      // The terminal grows: the frame follows.
      term.resize(120, 30);
      await term.waitFor((s) => s.split('\n').some((l) => l.includes('? help | q quit')));

      term.type('q');
      await term.waitFor(() => term.exitStatus() !== undefined);
      assert.equal(term.exitStatus(), 0);
      assert.doesNotMatch(term.screen(), /Tab\/Shift-Tab/, 'the alternate screen is left');

      const stored = await c.meshdeck(['perf', 'result', 'view', id, '-o', 'json']);
      assert.equal(stored.code, 0, stored.stderr);
      const result = JSON.parse(stored.stdout);
      assert.equal(result.interrupted, true);
      assert.equal(result.test.url, targetUrl);

      // The same hook that finds no ink on --version finds it here: the check can fail.
      const chunks = inkChunks();
      assert.ok(
        modules.urls().some((u) => chunks.some((ch) => u.endsWith(ch))),
        'the dashboard loads ink',
      );
    } finally {
      term.stop();
    }
  });
});
