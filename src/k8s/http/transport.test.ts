// HTTP behaviour of the cluster client against a real loopback server that answers like an API server
// would on a bad day: throttling with Retry-After, 5xx, dropped connections, and each typed error.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ExitCode, MeshdeckError } from '../../core/errors.js';
import { spellSettings } from '../../core/settings.js';
import { connect, type Connection } from '../connect.js';
import { DEFAULT_RETRY } from './retry.js';

interface Seen {
  method: string;
  url: string;
  auth?: string;
  at: number;
  body: string;
}

const dir = mkdtempSync(join(tmpdir(), 'meshdeck-transport-'));
let server: Server;
let port = 0;
let seen: Seen[] = [];
let handler: (req: IncomingMessage, res: ServerResponse, body: string) => void = () => undefined;

// Hints name settings; the CLI spells them as flags, and so does this test.
spellSettings((name) => `--${name}`);

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        auth: req.headers.authorization,
        at: Date.now(),
        body,
      });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(() => {
  server.closeAllConnections();
  server.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  seen = [];
});

function kubeconfig(user: Record<string, unknown>, name = 'config'): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        { name: 'test', cluster: { server: `http://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true } },
      ],
      users: [{ name: 'tester', user }],
      contexts: [{ name: 'test', context: { cluster: 'test', user: 'tester' } }],
      'current-context': 'test',
    }),
  );
  return file;
}

function open(
  user: Record<string, unknown> = { token: 'secret' },
  retry = { ...DEFAULT_RETRY, baseMs: 20, maxMs: 100 },
): Connection {
  return connect({
    cluster: { kubeconfig: kubeconfig(user) },
    namespace: 'default',
    env: { HOME: dir },
    retry,
  });
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function status(code: number, reason: string, message: string, details?: unknown) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
    details,
  };
}

const CM = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  namespaced: true,
  verbs: ['get', 'list', 'patch'],
};
const object = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cm', namespace: 'default' },
  data: { a: '1' },
};

async function failure(promise: Promise<unknown>): Promise<MeshdeckError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof MeshdeckError, `expected a MeshdeckError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a failure');
}

describe('cluster transport', () => {
  it('sends server-side apply as meshdeck, with the bearer token', async () => {
    handler = (req, res, body) =>
      json(res, 201, { ...JSON.parse(body), metadata: { name: 'cm', resourceVersion: '5' } });
    const c = open();
    const result = await c.client.apply(CM, object);
    c.close();
    assert.equal(result.created, true);
    assert.equal(seen.length, 1);
    assert.equal(seen[0].method, 'PATCH');
    assert.equal(seen[0].url, '/api/v1/namespaces/default/configmaps/cm?fieldManager=meshdeck&force=false');
    assert.equal(seen[0].auth, 'Bearer secret');
    assert.deepEqual(JSON.parse(seen[0].body), object);
  });

  it('waits as long as Retry-After says after a 429, then succeeds', async () => {
    let n = 0;
    handler = (req, res) =>
      n++ === 0
        ? json(res, 429, status(429, 'TooManyRequests', 'slow down', { retryAfterSeconds: 1 }), {
            'Retry-After': '1',
          })
        : json(res, 200, { ...object, metadata: { ...object.metadata, resourceVersion: '6' } });
    const c = open();
    const result = await c.client.apply(CM, object);
    c.close();
    assert.equal(result.created, false);
    assert.equal(seen.length, 2);
    const gap = seen[1].at - seen[0].at;
    assert.ok(gap >= 950, `the retry came ${gap} ms after the 429`);
    assert.ok(gap < 4000, `the retry came ${gap} ms after the 429`);
    assert.equal(c.client.transport.stats.retries, 1);
  });

  it('retries 500s and a dropped connection with backoff', async () => {
    let n = 0;
    handler = (req, res) => {
      n++;
      if (n === 1) json(res, 500, status(500, 'InternalError', 'Internal error occurred: etcd hiccup'));
      else if (n === 2) req.socket.destroy();
      else json(res, 200, { ...object, metadata: { ...object.metadata, resourceVersion: '7' } });
    };
    const c = open();
    const live = await c.client.get(CM, 'default', 'cm');
    c.close();
    assert.equal(live?.metadata.resourceVersion, '7');
    assert.equal(seen.length, 3);
  });

  it('gives up after the attempt limit, naming the cluster error and the attempts (exit 1)', async () => {
    handler = (req, res) =>
      json(
        res,
        503,
        status(503, 'ServiceUnavailable', 'the server is currently unable to handle the request'),
      );
    const c = open(undefined, { ...DEFAULT_RETRY, maxAttempts: 3, baseMs: 10, maxMs: 20 });
    const err = await failure(c.client.get(CM, 'default', 'cm'));
    c.close();
    assert.equal(seen.length, 3);
    assert.equal(err.exitCode, ExitCode.FAILED);
    assert.match(
      err.message,
      /configmap\/cm -n default: the server is currently unable to handle the request \(503 from the server \(after 3 attempts\)\)/,
    );
  });

  it('turns 401, 403, 404, 409 and 422 into typed errors that name the resource', async () => {
    const c = open();
    handler = (req, res) => json(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
    const unauthorized = await failure(c.client.get(CM, 'default', 'cm'));
    assert.equal(unauthorized.exitCode, ExitCode.AUTH);
    assert.match(
      unauthorized.message,
      /rejected meshdeck's credentials \(401 Unauthorized\) while working on configmap\/cm -n default/,
    );
    assert.equal(seen.length, 2, 'one fresh credential, then no more');

    handler = (req, res) =>
      json(
        res,
        403,
        status(
          403,
          'Forbidden',
          'configmaps "cm" is forbidden: User "alice" cannot patch resource "configmaps" in API group "" in the namespace "default"',
        ),
      );
    const forbidden = await failure(c.client.apply(CM, object));
    assert.equal(forbidden.exitCode, ExitCode.AUTH);
    assert.match(forbidden.message, /^configmaps "cm" is forbidden: User "alice" cannot patch/);

    handler = (req, res) => json(res, 404, status(404, 'NotFound', 'configmaps "cm" not found'));
    assert.equal(await c.client.get(CM, 'default', 'cm'), undefined);

    handler = (req, res) =>
      json(
        res,
        409,
        status(
          409,
          'Conflict',
          'Apply failed with 1 conflict: conflict with "kubectl-edit" using v1: .data.a',
          {
            causes: [
              {
                reason: 'FieldManagerConflict',
                message: 'conflict with "kubectl-edit" using v1',
                field: '.data.a',
              },
            ],
          },
        ),
      );
    const conflict = await failure(c.client.apply(CM, object));
    assert.equal(conflict.exitCode, ExitCode.FAILED);
    assert.deepEqual(conflict.details, ['.data.a: conflict with "kubectl-edit" using v1']);
    assert.match(conflict.hint ?? '', /--force-conflicts/);

    handler = (req, res) =>
      json(
        res,
        422,
        status(
          422,
          'Invalid',
          'ConfigMap "cm" is invalid: data[a b]: Invalid value: "a b": a valid config key must consist of alphanumeric characters',
          {
            kind: 'ConfigMap',
            name: 'cm',
            causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: "a b"', field: 'data[a b]' }],
          },
        ),
      );
    const invalid = await failure(c.client.apply(CM, object));
    assert.equal(invalid.exitCode, ExitCode.USAGE);
    assert.match(invalid.message, /^ConfigMap "cm" is invalid/);
    c.close();
  });

  it('runs an exec credential plugin, and runs it again after a 401', async () => {
    const plugin = join(dir, 'plugin.mjs');
    const counter = join(dir, 'plugin-runs');
    writeFileSync(counter, '0');
    writeFileSync(
      plugin,
      `import { readFileSync, writeFileSync } from 'node:fs';
const n = Number(readFileSync(${JSON.stringify(counter)}, 'utf8')) + 1;
writeFileSync(${JSON.stringify(counter)}, String(n));
process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential',
  status: { token: 'token-' + n, expirationTimestamp: '2999-01-01T00:00:00Z' } }));
`,
    );
    chmodSync(plugin, 0o755);
    handler = (req, res) =>
      req.headers.authorization === 'Bearer token-2'
        ? json(res, 200, object)
        : json(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
    const c = open({
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1',
        command: process.execPath,
        args: [plugin],
        interactiveMode: 'Never',
      },
    });
    const live = await c.client.get(CM, 'default', 'cm');
    c.close();
    assert.deepEqual(live, object);
    assert.deepEqual(
      seen.map((s) => s.auth),
      ['Bearer token-1', 'Bearer token-2'],
    );
  });

  it('reports a failing credential plugin as a sign-in problem (exit 4)', async () => {
    const c = open({
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1',
        command: process.execPath,
        args: ['-e', 'console.error("login required"); process.exit(1)'],
      },
    });
    const err = await failure(c.client.get(CM, 'default', 'cm'));
    c.close();
    assert.equal(err.exitCode, ExitCode.AUTH);
    assert.match(err.message, /the credential plugin of user "tester" \(.*node.*\) failed: login required/);
    assert.equal(seen.length, 0);
  });

  it('reports a refused connection as the cluster being unreachable (exit 1)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const file = join(dir, 'refused');
    writeFileSync(
      file,
      `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "http://127.0.0.1:${closedPort}", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`,
    );
    const c = connect({
      cluster: { kubeconfig: file },
      namespace: 'default',
      env: { HOME: dir },
      retry: { ...DEFAULT_RETRY, maxAttempts: 2, baseMs: 10 },
    });
    const err = await failure(c.client.get(CM, 'default', 'cm'));
    c.close();
    assert.equal(err.exitCode, ExitCode.FAILED);
    assert.equal(
      err.message,
      `cannot reach the cluster at http://127.0.0.1:${closedPort} (ECONNREFUSED) after 2 attempts`,
    );
    assert.match(err.hint ?? '', /kube context "x" in .*refused/);
  });
});
