// Addresses where no Meshery adapter answers, each with a clear error and the contract's exit code, and
// never a hang: nothing listening (5 at --timeout), a gRPC server without MeshService (1), a plain HTTP
// server (1), a server that accepts TCP and never answers (5 at --timeout). Bad adapter entries in the
// config file and bad flags are usage errors (2) that say where.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { TestHome } from '../helpers/cli.js';
import { startHttpServer, startHungServer, startOtherGrpcServer } from '../helpers/mesh-adapter-server.js';

const home = new TestHome();
const stops: (() => void)[] = [];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

before(async () => {
  const other = await startOtherGrpcServer();
  const http = await startHttpServer();
  const hung = await startHungServer();
  stops.push(other.stop, http.stop, hung.stop);
  const nobody = `127.0.0.1:${await freePort()}`;
  for (const [name, address] of [
    ['nobody', nobody],
    ['other-grpc', other.address],
    ['web', http.address],
    ['hung', hung.address],
  ]) {
    const r = await home.run(['adapter', 'add', name, '--address', address]);
    assert.equal(r.code, 0, r.stderr);
  }
});
after(() => {
  for (const stop of stops) stop();
  home.cleanup();
});

async function status(name: string, timeout = '2s') {
  const started = Date.now();
  const r = await home.run(['adapter', 'status', name, '--timeout', timeout], { timeoutMs: 30_000 });
  return { ...r, took: Date.now() - started };
}

describe('adapter errors', () => {
  it('nothing listening: waits with backoff, then exit 5 naming the address', async () => {
    const r = await status('nobody');
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /waiting for adapter "nobody" at 127\.0\.0\.1:\d+ \(connection refused\)/);
    assert.match(r.stderr, /error: timed out waiting for adapter "nobody"/);
    assert.match(r.stderr, /hint: check that the adapter runs and listens there/);
    assert.ok(r.took < 15_000, `took ${r.took} ms`);
  });

  it('a gRPC server that is not a Meshery adapter: exit 1 at once', async () => {
    const r = await status('other-grpc', '20s');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /is not a Meshery adapter: it speaks gRPC but has no Meshery MeshService/);
    assert.ok(r.took < 15_000, `took ${r.took} ms`);
  });

  it('a plain HTTP server: exit 1 at once, saying it does not speak gRPC', async () => {
    const r = await status('web', '20s');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /is not a Meshery adapter: it does not speak gRPC/);
    assert.ok(r.took < 15_000, `took ${r.took} ms`);
  });

  it('a server that accepts connections and never answers: exit 5 at --timeout', async () => {
    const r = await status('hung');
    assert.equal(r.code, 5, r.stderr);
    assert.match(
      r.stderr,
      /timed out waiting for adapter "hung" at 127\.0\.0\.1:\d+: it accepted the connection but has not answered/,
    );
    assert.ok(r.took < 15_000, `took ${r.took} ms`);
    const list = await home.run(['adapter', 'list', '-o', 'json']);
    const states = Object.fromEntries(
      // The external adapters this file added (the built-in mesh adapters are listed too, connected).
      JSON.parse(list.stdout)
        .items.filter((i: { adapterKind: string }) => i.adapterKind === 'external')
        .map((i: { name: string; state: string }) => [i.name, i.state]),
    );
    assert.deepEqual(states, {
      nobody: 'unreachable',
      'other-grpc': 'unreachable',
      web: 'unreachable',
      hung: 'connecting',
    });
  });

  it('bad names and addresses are usage errors', async () => {
    for (const [args, message] of [
      [['adapter', 'add', 'x', '--address', 'http://localhost:10000'], /has a scheme/],
      [['adapter', 'add', 'x', '--address', 'localhost'], /is not host:port/],
      [['adapter', 'add', 'x', '--address', 'localhost:70000'], /port 70000 is outside 1-65535/],
      [['adapter', 'add', 'Bad_Name', '--address', 'localhost:1'], /not a valid adapter name/],
      [['adapter', 'add', 'x'], /required option '--address/],
      [['adapter', 'status', 'nobdy'], /no adapter "nobdy" in context "local".*did you mean "nobody"/],
    ] as const) {
      const r = await home.run([...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });

  it('a bad adapter entry in the config file is reported with its line and column', async () => {
    const other = new TestHome();
    try {
      mkdirSync(other.configDir, { recursive: true });
      writeFileSync(
        other.configFile,
        'apiVersion: meshdeck/v1\nkind: Config\ncontexts:\n  - name: prod\n    cluster: {sandbox: true}\n    adapters:\n      - name: istio\n        address: istio:http\n',
      );
      const r = await other.run(['adapter', 'list']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(
        r.stderr,
        /config\.yaml:8:18: context "prod": adapters\[0\]\.address: "istio:http" is not host:port/,
      );
    } finally {
      other.cleanup();
    }
  });
});
