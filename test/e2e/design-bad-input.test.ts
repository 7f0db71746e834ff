// Bad design input against a live cluster (the sandbox, in this process): each is a clear error that says
// what and where (file:line:column), exit 2 (1 for the network), and nothing reaches the cluster, which
// the sandbox's own request log and resourceVersion show.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { truncateSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ClusterHome, NO_TIMED_WRITES } from '../helpers/cluster.js';
import { billionLaughs } from '../helpers/designs.js';
import { spawnMeshdeck } from './perf-targets.js';

let c: ClusterHome;
let server: Server;
let slowUrl = '';
const held: Array<() => void> = [];
before(async () => {
  c = await ClusterHome.start(NO_TIMED_WRITES);
  server = createServer((_req, res) => held.push(() => res.destroy()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  slowUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/app.yaml`;
});
after(async () => {
  for (const release of held) release();
  server.closeAllConnections();
  server.close();
  await c.stop();
});

const GOOD = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: good, namespace: default}\ndata: {a: "1"}\n';

/** Runs `design apply` and checks that the cluster saw no change at all. */
async function applyChangesNothing(args: string[], expectedCode = 2) {
  const rv = c.sandbox.stats().resourceVersion;
  const mark = c.mark();
  const r = await c.meshdeck(['design', 'apply', ...args]);
  assert.equal(r.code, expectedCode, r.stderr);
  assert.equal(r.stdout, '');
  assert.deepEqual(mark.changes(), [], 'nothing was sent that changes the cluster');
  assert.equal(c.sandbox.stats().resourceVersion, rv);
  assert.doesNotMatch(r.stderr, /\n\s+at .*\.(js|ts):\d+/, 'no stack trace');
  const requests = mark.all();
  assert.equal(await c.get(['configmap', 'good']), undefined);
  return { ...r, requests };
}

describe('bad design input, against a live cluster', () => {
  it('invalid YAML: line and column, a code frame, and the cluster is not even contacted', async () => {
    const file = c.file(
      'broken.yaml',
      `${GOOD}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: a: b\n`,
    );
    const r = await applyChangesNothing(['-f', file]);
    assert.match(r.stderr, new RegExp(`^error: ${file}:10:\\d+: invalid YAML: `));
    assert.match(r.stderr, /> 10 \| {3}labels: a: b\n/);
    assert.equal(r.requests.length, 0);
  });

  it('invalid JSON in a .json file: line and column', async () => {
    const file = c.file(
      'broken.json',
      '{\n  "apiVersion": "v1",\n  "kind": "ConfigMap",\n  "metadata": {"name": "j"},\n}\n',
    );
    const r = await applyChangesNothing(['-f', file]);
    assert.match(r.stderr, new RegExp(`^error: ${file}:5:1: invalid JSON: `));
  });

  it('an unknown kind names the kind and the API group the cluster lacks', async () => {
    const file = c.file(
      'widget.yaml',
      `${GOOD}---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: default}\n`,
    );
    const r = await applyChangesNothing(['-f', file]);
    assert.match(
      r.stderr,
      new RegExp(
        `^error: ${file}:7:7: unknown kind Widget \\(example\\.com/v1\\): the cluster serves no API group "example\\.com"`,
        'm',
      ),
    );
    assert.match(r.stderr, /hint: .*CustomResourceDefinition/);

    const typo = c.file(
      'typo.yaml',
      `${GOOD}---\napiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: w, namespace: default}\n`,
    );
    const t = await applyChangesNothing(['-f', typo]);
    assert.match(
      t.stderr,
      /unknown kind Deploymnet \(apps\/v1\): apps\/v1 has no kind "Deploymnet" \(did you mean "Deployment"\?\)/,
    );
    const version = c.file(
      'version.yaml',
      `${GOOD}---\napiVersion: apps/v9\nkind: Deployment\nmetadata: {name: w, namespace: default}\n`,
    );
    const v = await applyChangesNothing(['-f', version]);
    assert.match(v.stderr, /unknown kind Deployment \(apps\/v9\): API group "apps" has no version v9/);
  });

  it('a namespace that does not exist (and does not come with the design)', async () => {
    const file = c.file(
      'nowhere.yaml',
      `${GOOD}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lost\n  namespace: nowhere\n`,
    );
    const r = await applyChangesNothing(['-f', file]);
    assert.match(
      r.stderr,
      new RegExp(
        `^error: ${file}:10:14: namespace "nowhere" does not exist \\(configmap/lost -n nowhere is to go there\\)`,
      ),
    );
    assert.match(r.stderr, /hint: create it first, or add a Namespace object named "nowhere" to the design/);
  });

  it('an object with no name, and the same object twice', async () => {
    const noName = c.file(
      'noname.yaml',
      `${GOOD}---\napiVersion: v1\nkind: Secret\nmetadata:\n  namespace: default\n`,
    );
    const r = await applyChangesNothing(['-f', noName]);
    assert.match(r.stderr, new RegExp(`^error: ${noName}:9:3: this secret has no metadata\\.name`));
    const twice = c.file('twice.yaml', `${GOOD}---\n${GOOD}`);
    const d = await applyChangesNothing(['-f', twice]);
    assert.match(
      d.stderr,
      new RegExp(
        `^error: ${twice}:6:1: configmap/good -n default is declared twice \\(first at ${twice}:1:1\\)`,
      ),
    );
  });

  it('a 50 MB file is refused before it is read', async () => {
    const big = c.file('big.yaml', '');
    truncateSync(big, 50 * 1000 * 1000);
    const r = await applyChangesNothing(['-f', big]);
    assert.match(r.stderr, /big\.yaml is 47\.7 MiB; meshdeck reads design inputs of at most 16\.0 MiB each/);
    assert.equal(r.requests.length, 0);
  });

  it('billion laughs: exit 2 naming the alias limit and where, not an unexpected failure', async () => {
    const file = c.file(
      'laughs.yaml',
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol, namespace: default}\ndata:\n  x: "1"\n${billionLaughs()}`,
    );
    const r = await applyChangesNothing(['-f', file]);
    assert.match(r.stderr, new RegExp(`^error: ${file}:1:1: .*alias`, 'm'));
    assert.match(r.stderr, /at most 100 aliases/);
    assert.equal(r.requests.length, 0);
  });

  it('/dev/zero is read only up to the limit, then refused', async () => {
    const r = await applyChangesNothing(['-f', '/dev/zero']);
    assert.match(
      r.stderr,
      /\/dev\/zero is more than 16\.0 MiB; meshdeck reads design inputs of at most 16\.0 MiB each/,
    );
  });

  it('a named pipe without a writer waits, and Ctrl-C or SIGTERM ends the wait (130)', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const fifo = c.file(`pipe-${signal}`, '');
      execFileSync('sh', ['-c', 'rm -f "$0" && mkfifo "$0"', fifo]);
      const p = await spawnMeshdeck(c.home.env, ['design', 'validate', '-f', fifo]);
      await new Promise((r) => setTimeout(r, 1000));
      const started = Date.now();
      const out = await Promise.race([
        p.stop(signal),
        new Promise<undefined>((r) => setTimeout(() => r(undefined), 8000)),
      ]);
      if (out === undefined) process.kill(p.pid, 'SIGKILL');
      assert.ok(out, `still running 8 s after ${signal}`);
      assert.equal(out.code, 130, out.stderr);
      assert.ok(Date.now() - started < 8000);
    }
  });

  it('a named pipe with a writer is read (process substitution, -f <(...))', async () => {
    const fifo = c.file('pipe-fed', '');
    execFileSync('sh', ['-c', 'rm -f "$0" && mkfifo "$0"', fifo]);
    const p = await spawnMeshdeck(c.home.env, ['design', 'validate', '-f', fifo]);
    execFileSync('sh', ['-c', 'printf "%s" "$1" > "$0"', fifo, GOOD]);
    const out = await p.exited;
    assert.equal(out.code, 0, out.stderr);
  });

  it('a URL that does not answer is a network failure (exit 1) after --request-timeout', async () => {
    const started = Date.now();
    const r = await applyChangesNothing(['-f', slowUrl, '--request-timeout', '1s'], 1);
    assert.match(r.stderr, new RegExp(`^error: fetching ${slowUrl} timed out after 1s`));
    assert.ok(Date.now() - started < 15_000);
    assert.equal(r.requests.length, 0);
  });

  it('an unknown kind is fine when the design brings its CRD: CRD first, established, then the rest', async () => {
    const file = c.file(
      'widgets.yaml',
      `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}
  versions:
    - name: v1
      served: true
      storage: true
      schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, x-kubernetes-preserve-unknown-fields: true}}}}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w, namespace: default}
spec: {size: 3}
`,
    );
    const r = await c.meshdeck(['design', 'apply', '-f', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      'customresourcedefinition.apiextensions.k8s.io/widgets.example.com created\nwidget.example.com/w -n default created\n',
    );
    const widget = await c.get(['widgets.example.com', 'w']);
    assert.equal(widget.spec.size, 3);
  });
});
