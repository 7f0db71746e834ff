// The HTTP layer against a real local server: one refresh on a 401, and the uniform failure messages.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ExitCode, type MeshdeckError } from '../../core/errors.js';
import { isOffline } from './errors.js';
import { ProviderHttp, type TokenSource } from './http.js';

let server: Server;
let url: string;
const seen: string[] = [];

before(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.url} ${req.headers.authorization ?? ''}`);
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.url === '/me') {
      if (req.headers.authorization === 'Bearer fresh') return json(200, { ok: true });
      return json(401, { error: 'invalid_token', message: 'token expired' });
    }
    if (req.url === '/busy') return json(503, { error: 'unavailable', message: 'database down' });
    if (req.url === '/text') return res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
    json(404, { error: 'not_found', message: 'no such thing' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

function source(initial: string, next?: string): TokenSource & { refreshes: number } {
  let token = initial;
  return {
    fromEnv: false,
    refreshes: 0,
    async token() {
      return token;
    },
    async refresh() {
      this.refreshes++;
      if (!next) return false;
      token = next;
      return true;
    },
  };
}

describe('ProviderHttp', () => {
  it('refreshes once on a 401 and retries with the new token', async () => {
    const auth = source('stale', 'fresh');
    const http = new ProviderHttp({ baseUrl: url, timeoutMs: 2000, auth });
    const res = await http.request('GET', '/me');
    assert.equal(res.status, 200);
    assert.equal(auth.refreshes, 1);
    assert.deepEqual(seen.slice(-2), ['/me Bearer stale', '/me Bearer fresh']);
  });

  it('gives up with exit 4 and "run meshdeck login" when the refresh does not help', async () => {
    const auth = source('stale');
    const http = new ProviderHttp({ baseUrl: url, timeoutMs: 2000, auth });
    await assert.rejects(http.request('GET', '/me'), (err: MeshdeckError) => {
      assert.equal(err.exitCode, ExitCode.AUTH);
      assert.match(err.message, /token expired \(token expired\): run meshdeck login/);
      return true;
    });
    assert.equal(auth.refreshes, 1, 'exactly one refresh');
  });

  it('marks 503 as offline, names unexpected content types, and passes accepted statuses through', async () => {
    const http = new ProviderHttp({ baseUrl: url, timeoutMs: 2000 });
    await assert.rejects(
      http.request('GET', '/busy'),
      (err: Error) => isOffline(err) && /unavailable \(HTTP 503: database down\)/.test(err.message),
    );
    await assert.rejects(
      http.request('GET', '/text'),
      /answered GET \/text with text\/plain \(HTTP 200\) instead of JSON/,
    );
    const res = await http.request('GET', '/nothing', { accept: [404] });
    assert.equal(res.status, 404);
    await assert.rejects(
      http.request('GET', '/nothing'),
      /refused GET \/nothing \(HTTP 404 not_found\): no such thing/,
    );
  });
});
