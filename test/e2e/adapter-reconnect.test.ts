// An external adapter that goes away and comes back while a command needs it: the command says on stderr
// what it waits for, reconnects (capped backoff with jitter), reads the adapter's capabilities again (a
// restarted adapter may offer other operations) and finishes; killed in the middle of an operation, the
// operation is submitted again with the same id and finishes. Down past --timeout: exit 5.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startMeshdeck } from '../helpers/background.js';
import { ClusterHome } from '../helpers/cluster.js';
import {
  CUSTOM_OPERATION,
  MeshAdapterServer,
  type AdvertisedOperation,
} from '../helpers/mesh-adapter-server.js';

const HELLO_APP: AdvertisedOperation = {
  key: 'hello-app',
  description: 'Hello sample application',
  category: 'SAMPLE_APPLICATION',
  manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hello-app\ndata:\n  from: v2\n',
};

let c: ClusterHome;
let server: MeshAdapterServer;

before(async () => {
  c = await ClusterHome.start();
  server = await MeshAdapterServer.start({ version: 'v1.0.0' });
  const add = await c.meshdeck(['adapter', 'add', 'flaky', '--address', server.address]);
  assert.equal(add.code, 0, add.stderr);
});
after(async () => {
  server?.stop();
  await c?.stop();
});

describe('adapter reconnect', () => {
  it('waits for an adapter that is down, then sees the operations of the version that came back', async () => {
    const before = await c.meshdeck(['adapter', 'ops', 'flaky', '-o', 'json']);
    assert.deepEqual(
      JSON.parse(before.stdout).items.map((o: { key: string }) => o.key),
      ['custom'],
    );

    server.kill();
    const cmd = startMeshdeck(
      ['adapter', 'run', 'flaky', 'hello-app', '--timeout', '60s', '-o', 'json'],
      c.home.env,
    );
    await cmd.waitFor(
      /waiting for adapter "flaky" at 127\.0\.0\.1:\d+ \(connection refused\); next attempt in/,
    );
    await server.restart({ version: 'v2.0.0', operations: [CUSTOM_OPERATION, HELLO_APP] });
    const r = await cmd.done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /adapter "flaky" at 127\.0\.0\.1:\d+ answers again; re-reading its capabilities/);
    assert.equal(JSON.parse(r.stdout).succeeded, true);
    const cm = await c.get(['configmap', 'hello-app', '-n', 'default']);
    assert.equal(cm?.data?.from, 'v2');

    const ops = await c.meshdeck(['adapter', 'ops', 'flaky', '-o', 'json']);
    assert.deepEqual(
      JSON.parse(ops.stdout).items.map((o: { key: string }) => o.key),
      ['custom', 'hello-app'],
    );
    const status = await c.meshdeck(['adapter', 'status', 'flaky', '-o', 'json']);
    assert.equal(JSON.parse(status.stdout).componentInfo.version, 'v2.0.0');
  });

  it('killed in the middle of an operation: the command waits, resubmits it and finishes', async () => {
    await server.restart({ operations: [CUSTOM_OPERATION], hold: true });
    const file = c.file(
      'mid.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mid-op\ndata:\n  a: b\n',
    );
    const cmd = startMeshdeck(
      ['adapter', 'run', 'flaky', 'custom', '-f', file, '--timeout', '60s', '-o', 'json'],
      c.home.env,
    );
    await cmd.waitFor(/\[info\] Applying manifest/);
    const seen = server.applied.length;
    server.kill();
    await cmd.waitFor(/went away during operation/);
    await server.restart({ operations: [CUSTOM_OPERATION] });
    const r = await cmd.done;
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout);
    assert.equal(result.succeeded, true);
    const submissions = server.applied.slice(seen - 1).filter((a) => a.operationId === result.operationId);
    assert.equal(submissions.length, 2, 'submitted once before the kill and once after');
    assert.equal((await c.get(['configmap', 'mid-op', '-n', 'default']))?.data?.a, 'b');
  });

  it('an adapter that stays down ends the command with exit 5 at --timeout, not later', async () => {
    server.kill();
    const started = Date.now();
    // Long enough for a first attempt on a loaded machine, so the error can say what it saw.
    const r = await c.meshdeck(['adapter', 'run', 'flaky', 'custom', '--timeout', '5s']);
    const took = Date.now() - started;
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /waiting for adapter "flaky"/);
    assert.match(
      r.stderr,
      /error: timed out waiting for adapter "flaky" at 127\.0\.0\.1:\d+: connection refused/,
    );
    assert.ok(took < 25_000, `took ${took} ms`);
    const list = await c.meshdeck(['adapter', 'list', '-o', 'json']);
    assert.equal(list.code, 0, list.stderr);
    const row = JSON.parse(list.stdout).items.find((i: { name: string }) => i.name === 'flaky');
    assert.equal(row.state, 'unreachable');
    assert.match(row.problem, /connection refused/);
  });
});
