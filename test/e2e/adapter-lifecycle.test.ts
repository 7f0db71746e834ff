// The adapter lifecycle against a real gRPC Meshery adapter (test/helpers/mesh-adapter-server.ts) that
// applies to the sandbox with kubectl: add, list, status, ops, run (events live on stderr, -o json with
// the result, failure exit 1), remove; the kubeconfig sent is minimised to the selected context and never
// shown by meshdeck, not even with --verbose.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { ClusterHome } from '../helpers/cluster.js';
import { MeshAdapterServer } from '../helpers/mesh-adapter-server.js';

const OTHER_SECRET = 'other-cluster-token-must-not-travel';
let c: ClusterHome;
let server: MeshAdapterServer;
let sandboxToken = '';

before(async () => {
  c = await ClusterHome.start();
  // A second context in the user's kubeconfig: the adapter must get only the selected one.
  const kubeconfig = parse(readFileSync(c.home.env.KUBECONFIG, 'utf8'));
  sandboxToken = JSON.stringify(kubeconfig.users);
  kubeconfig.clusters.push({ name: 'other', cluster: { server: 'https://other.invalid:6443' } });
  kubeconfig.users.push({ name: 'other', user: { token: OTHER_SECRET } });
  kubeconfig.contexts.push({ name: 'other', context: { cluster: 'other', user: 'other' } });
  writeFileSync(c.home.env.KUBECONFIG, stringify(kubeconfig), { mode: 0o600 });
  server = await MeshAdapterServer.start({ meshName: 'TESTMESH', version: 'v1.2.3' });
});
after(async () => {
  server?.stop();
  await c?.stop();
});

const configMap = (name: string, value: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  greeting: ${value}\n`;

describe('adapter lifecycle', () => {
  it('adds an external adapter to the context and lists it as connected', async () => {
    const add = await c.meshdeck(['adapter', 'add', 'testmesh', '--address', server.address]);
    assert.equal(add.code, 0, add.stderr);
    assert.match(add.stderr, /adapter "testmesh" \(127\.0\.0\.1:\d+\) added to context "local"/);
    const config = parse(readFileSync(c.home.configFile, 'utf8'));
    assert.deepEqual(config.local.adapters, [{ name: 'testmesh', address: server.address }]);

    const again = await c.meshdeck(['adapter', 'add', 'testmesh', '--address', server.address]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already has an adapter "testmesh"/);

    const list = await c.meshdeck(['adapter', 'list', '-o', 'json']);
    assert.equal(list.code, 0, list.stderr);
    const item = JSON.parse(list.stdout).items.find((i: { name: string }) => i.name === 'testmesh');
    assert.deepEqual(
      { ...item },
      {
        apiVersion: 'meshdeck/v1',
        kind: 'Adapter',
        adapterKind: 'external',
        name: 'testmesh',
        address: server.address,
        state: 'connected',
        mesh: 'TESTMESH',
        version: 'v1.2.3',
        operations: 1,
      },
    );
    const table = await c.meshdeck(['adapter', 'list']);
    assert.match(table.stdout, /^NAME\s+KIND\s+ADDRESS\s+STATE\s+MESH\s+VERSION\s+OPERATIONS/m);
    assert.match(
      table.stdout,
      /testmesh\s+external\s+127\.0\.0\.1:\d+\s+connected\s+TESTMESH\s+v1\.2\.3\s+1/,
    );
  });

  it('status pings with MeshName and shows component info and the round trip', async () => {
    const r = await c.meshdeck(['adapter', 'status', 'testmesh', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const status = JSON.parse(r.stdout);
    assert.equal(status.kind, 'AdapterStatus');
    assert.equal(status.mesh, 'TESTMESH');
    assert.equal(status.state, 'connected');
    assert.ok(status.roundTripMs > 0 && status.roundTripMs < 10_000, String(status.roundTripMs));
    assert.deepEqual(status.componentInfo, {
      type: 'adapter',
      name: 'testmesh',
      version: 'v1.2.3',
      gitSha: 'abc1234',
      properties: { capabilities: 'custom' },
    });
  });

  it('ops lists the advertised operations', async () => {
    const r = await c.meshdeck(['adapter', 'ops', 'testmesh', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      JSON.parse(r.stdout).items.map((o: { key: string; category: string }) => [o.key, o.category]),
      [['custom', 'custom']],
    );
  });

  it('run applies custom YAML through the adapter, streams its events and returns them with -o json', async () => {
    const file = c.file('greeting.yaml', configMap('greeting', 'hello'));
    const r = await c.meshdeck([
      'adapter',
      'run',
      'testmesh',
      'custom',
      '-f',
      file,
      '-n',
      'default',
      '-o',
      'json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /\[info\] Applying manifest/);
    assert.match(r.stderr, /\[info\] Manifest deployed successfully/);
    const result = JSON.parse(r.stdout);
    assert.equal(result.kind, 'AdapterOperationResult');
    assert.equal(result.succeeded, true);
    assert.deepEqual(
      result.events.map((e: { severity: string; summary: string }) => [e.severity, e.summary]),
      [
        ['info', 'Applying manifest'],
        ['info', 'Manifest deployed successfully'],
      ],
    );
    assert.ok(result.events.every((e: { operationId: string }) => e.operationId === result.operationId));
    const cm = await c.get(['configmap', 'greeting', '-n', 'default']);
    assert.equal(cm?.data?.greeting, 'hello');

    const del = await c.meshdeck(['adapter', 'run', 'testmesh', 'custom', '-f', file, '--delete']);
    assert.equal(del.code, 0, del.stderr);
    assert.match(del.stdout, /testmesh\s+custom \(delete\)\s+default\s+succeeded/);
    assert.equal(await c.get(['configmap', 'greeting', '-n', 'default']), undefined);
  });

  it('sends a kubeconfig holding only the selected context, and never shows it', async () => {
    const file = c.file('secret-check.yaml', configMap('secret-check', 'x'));
    const r = await c.meshdeck([
      'adapter',
      'run',
      'testmesh',
      'custom',
      '-f',
      file,
      '--version',
      'v9',
      '--verbose',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const sent = server.applied.at(-1)!;
    assert.equal(sent.version, 'v9', "the command's --version, not meshdeck's");
    assert.deepEqual(sent.contextCounts, [1]);
    const kubeconfig = parse(sent.kubeConfigs[0]);
    assert.deepEqual(
      kubeconfig.contexts.map((x: { name: string }) => x.name),
      ['meshdeck-sandbox'],
    );
    assert.equal(kubeconfig.clusters.length, 1);
    assert.ok(!sent.kubeConfigs[0].includes(OTHER_SECRET), 'the other context stays home');
    // The sandbox admin signs in with a token or a client key, whichever the sandbox gives it.
    const user = kubeconfig.users[0].user as Record<string, string>;
    const token = user.token ?? user['client-key-data'];
    assert.ok(token && sandboxToken.includes(token), 'the selected user travels');
    for (const text of [r.stdout, r.stderr]) {
      assert.ok(!text.includes(token), 'the token never appears in meshdeck output');
      assert.ok(!text.includes('current-context'), 'nor the kubeconfig');
    }
  });

  it('a failed operation shows the error event with cause and remediation, and exits 1', async () => {
    const file = c.file('broken.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n');
    const r = await c.meshdeck(['adapter', 'run', 'testmesh', 'custom', '-f', file, '-o', 'json']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /\[error\] Error while applying the manifest \(test-1001\)/);
    assert.match(r.stderr, /probable cause: kubectl refused the manifest/);
    assert.match(r.stderr, /error: operation "custom" on adapter "testmesh" failed/);
    assert.equal(JSON.parse(r.stdout).succeeded, false);
  });

  it('refuses an operation the adapter does not offer, naming the ones it does (exit 2)', async () => {
    const r = await c.meshdeck(['adapter', 'run', 'testmesh', 'bookinfo']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /does not offer operation "bookinfo"/);
    assert.match(r.stderr, /it offers: custom/);
  });

  it('remove forgets the adapter; an unknown name is a usage error', async () => {
    const r = await c.meshdeck(['adapter', 'remove', 'testmesh']);
    assert.equal(r.code, 0, r.stderr);
    const list = await c.meshdeck(['adapter', 'list', '-o', 'json']);
    assert.deepEqual(
      JSON.parse(list.stdout).items.filter((i: { adapterKind: string }) => i.adapterKind === 'external'),
      [],
    );
    const gone = await c.meshdeck(['adapter', 'status', 'testmesh']);
    assert.equal(gone.code, 2);
    assert.match(gone.stderr, /no adapter "testmesh" in context "local"/);
    const again = await c.meshdeck(['adapter', 'remove', 'testmesh']);
    assert.equal(again.code, 2);
  });
});
