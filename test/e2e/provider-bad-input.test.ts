// Bad input on both sides. Providers that answer wrongly (malformed capabilities, HTML, 500, too slow,
// a missing feature, expired tokens) get clear messages and the contract's exit codes from the CLI; bad
// requests sent to the reference provider get 400/413/... as JSON, and it stays up.
import assert from 'node:assert/strict';
import { createServer, type RequestListener, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { TestHome } from '../helpers/cli.js';
import { configDesign } from '../helpers/designs.js';
import {
  DATABASES,
  providerFixture,
  sharedPostgres,
  startTestProvider,
  tokensFor,
  usePostgres,
} from '../helpers/provider.js';

const home = new TestHome();
after(() => home.cleanup());

async function fakeProvider(handler: RequestListener): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const capabilities = (features: string[]) =>
  JSON.stringify({
    providerType: 'remote',
    packageVersion: '9.9.9',
    providerName: 'fake',
    providerUrl: 'x',
    capabilities: features.map((feature) => ({ feature, endpoint: `/${feature}` })),
    restrictedAccess: {},
    redirects: {},
  });

describe('providers that answer wrongly', () => {
  const withToken = { MESHDECK_TOKEN: 'mda_test-token' };

  it('a malformed capabilities document is named as such (exit 1)', async () => {
    const { url } = await fakeProvider((_req, res) => {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"providerType": 7, "capabilities": "all"}');
    });
    const r = await home.run(['whoami', '--provider', url], { env: withToken });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /malformed capabilities document: "providerType" must be "remote" or "local"/);
    const notJson = await fakeProvider((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{oops'),
    );
    const r2 = await home.run(['whoami', '--provider', notJson.url], { env: withToken });
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /sent malformed JSON in answer to GET \/api\/capabilities/);
  });

  it('an HTML answer (a portal, a proxy) is named as such (exit 1)', async () => {
    const { url } = await fakeProvider((_req, res) => {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><title>Sign in to the corporate portal</title>');
    });
    const r = await home.run(['design', 'pull', 'web', '--provider', url], { env: withToken });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /answered GET \/api\/capabilities with an HTML page \(HTTP 200\) instead of JSON/);
    assert.match(r.stderr, /hint: check the provider URL/);
  });

  it("a 500 is reported with the provider's message (exit 1), not as an outage", async () => {
    const { url } = await fakeProvider((req, res) => {
      if (req.url === '/api/capabilities') {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(capabilities(['users-profile', 'persist-designs']));
      } else {
        res
          .writeHead(500, { 'content-type': 'application/json' })
          .end('{"error":"internal","message":"disk on fire"}');
      }
    });
    const r = await home.run(['design', 'pull', 'web', '--provider', url], { env: withToken });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /failed on GET \/persist-designs \(HTTP 500: disk on fire\)/);
  });

  it('a provider too slow to answer times out (exit 5), and a queued write waits for it', async () => {
    const { url } = await fakeProvider(() => {
      /* never answers */
    });
    const started = Date.now();
    const r = await home.run(['whoami', '--provider', url], {
      env: { ...withToken, MESHDECK_PROVIDER_TIMEOUT: '0.5' },
    });
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /did not answer within 0\.5 s/);
    assert.ok(Date.now() - started < 10_000);
    const file = `${home.root}/slow.yaml`;
    (await import('node:fs')).writeFileSync(file, configDesign('slow', {}));
    const push = await home.run(['design', 'push', file, '--provider', url], {
      env: { ...withToken, MESHDECK_PROVIDER_TIMEOUT: '0.5' },
    });
    assert.equal(push.code, 0, push.stderr);
    assert.match(push.stderr, /queued in the outbox/);
  });

  it('a feature the provider does not list is refused with a clear message', async () => {
    const { url } = await fakeProvider((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(capabilities(['users-profile']));
    });
    const r = await home.run(['design', 'pull', 'web', '--provider', url], { env: withToken });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /does not offer design storage \("persist-designs"\)/);
    assert.match(r.stderr, /its capabilities document lists: users-profile/);
  });

  it('an unreachable provider is named, with its URL (exit 1)', async () => {
    const { url, server } = await fakeProvider(() => undefined);
    await new Promise((r) => server.close(r));
    const r = await home.run(['whoami', '--provider', url], { env: withToken });
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`provider at ${url} unreachable: connection refused`));
  });
});

describe('expired tokens', () => {
  // Long enough for the login below to finish on a busy machine, short enough to wait for.
  const TTL_SECONDS = 4;
  const provider = providerFixture('pglite', { accessTokenTtlSeconds: TTL_SECONDS });

  it('an expired token (stored or in MESHDECK_TOKEN) ends with exit 4 and "run meshdeck login"', async () => {
    const url = provider.server().url;
    const local = new TestHome();
    try {
      // A login slower than the token's lifetime (a very busy machine) gets a fresh token and tries again.
      let access_token = '';
      let issued = 0;
      let login;
      for (let attempt = 0; attempt < 3 && login?.code !== 0; attempt++) {
        ({ access_token } = await tokensFor(url));
        issued = Date.now(); // the provider issued it before this moment
        login = await local.run(['login', '--with-token', '--provider', url], { input: access_token });
      }
      assert.equal(login?.code, 0, login?.stderr);
      // Until the token has expired, counted from when it was issued, not from the end of the login.
      await new Promise((r) => setTimeout(r, Math.max(0, issued + TTL_SECONDS * 1000 + 500 - Date.now())));
      const stored = await local.run(['whoami', '--provider', url]);
      assert.equal(stored.code, 4);
      assert.match(stored.stderr, /token expired \(token expired\): run meshdeck login/);
      const env = await local.run(['whoami', '--provider', url], { env: { MESHDECK_TOKEN: access_token } });
      assert.equal(env.code, 4);
      assert.match(env.stderr, /MESHDECK_TOKEN was refused .*\(token expired\)/);
      assert.match(env.stderr, /run meshdeck login/);
    } finally {
      local.cleanup();
    }
  });
});

for (const kind of DATABASES) {
  describe(`bad requests to the reference provider (on ${kind})`, () => {
    const provider = providerFixture(kind, { maxBodyBytes: 64 * 1024 });

    it('answers malformed, oversized and out-of-protocol requests with JSON errors and stays up', async () => {
      const url = provider.server().url;
      const token = (await tokensFor(url)).access_token;
      const auth = { authorization: `Bearer ${token}` };
      const json = { ...auth, 'content-type': 'application/json' };
      const expect = async (res: Response, status: number, error: string) => {
        assert.equal(res.status, status, `${res.url}: ${res.status}`);
        assert.match(res.headers.get('content-type') ?? '', /application\/json/);
        assert.equal(((await res.json()) as { error: string }).error, error);
      };
      await expect(
        await fetch(`${url}/api/designs`, { method: 'POST', headers: json, body: '{"name": "x", ' }),
        400,
        'malformed_json',
      );
      await expect(
        await fetch(`${url}/api/designs`, { method: 'POST', headers: json, body: '[1, 2]' }),
        400,
        'invalid_body',
      );
      await expect(
        await fetch(`${url}/api/designs`, { method: 'POST', headers: json, body: '{"data": {}}' }),
        400,
        'invalid_body',
      );
      await expect(
        await fetch(`${url}/api/designs`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ name: 'big', data: 'x'.repeat(100_000) }),
        }),
        413,
        'payload_too_large',
      );
      await expect(
        await fetch(`${url}/api/designs`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'text/plain' },
          body: 'hi',
        }),
        415,
        'unsupported_media_type',
      );
      await expect(await fetch(`${url}/api/designs?page=0`, { headers: auth }), 400, 'invalid_query');
      await expect(await fetch(`${url}/api/designs/not-a-uuid`, { headers: auth }), 404, 'not_found');
      await expect(await fetch(`${url}/api/nothing-here`, { headers: auth }), 404, 'not_found');
      await expect(
        await fetch(`${url}/api/designs`, { method: 'PATCH', headers: auth }),
        405,
        'method_not_allowed',
      );
      await expect(
        await fetch(`${url}/api/designs`, { headers: { authorization: 'Bearer mda_nope' } }),
        401,
        'invalid_token',
      );

      const created = await fetch(`${url}/api/designs`, {
        method: 'POST',
        headers: { ...json, 'idempotency-key': 'key-bad-input-1' },
        body: JSON.stringify({ name: 'd', data: { a: 1 } }),
      });
      assert.equal(created.status, 201);
      assert.equal(created.headers.get('etag'), '"1"');
      const { id } = (await created.json()) as { id: string };
      await expect(
        await fetch(`${url}/api/designs/${id}`, {
          method: 'PUT',
          headers: json,
          body: JSON.stringify({ name: 'd', data: {} }),
        }),
        428,
        'precondition_required',
      );
      await expect(
        await fetch(`${url}/api/designs`, {
          method: 'POST',
          headers: { ...json, 'idempotency-key': 'key-bad-input-1' },
          body: JSON.stringify({ name: 'other', data: {} }),
        }),
        422,
        'idempotency_key_reused',
      );
      const replay = await fetch(`${url}/api/designs`, {
        method: 'POST',
        headers: { ...json, 'idempotency-key': 'key-bad-input-1' },
        body: JSON.stringify({ name: 'd', data: { a: 1 } }),
      });
      assert.equal(replay.status, 201);
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.equal(((await replay.json()) as { id: string }).id, id);

      // Garbage that is not HTTP at all, and a header section too large.
      for (const raw of [
        'NOT HTTP AT ALL\r\n\r\n',
        `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      ]) {
        const answer = await new Promise<string>((resolve) => {
          const socket = connect(new URL(url).port as unknown as number, '127.0.0.1', () => socket.end(raw));
          let text = '';
          socket.setEncoding('utf8').on('data', (d: string) => (text += d));
          socket.on('close', () => resolve(text));
          socket.on('error', () => resolve(text));
        });
        assert.match(answer, /^HTTP\/1\.1 4(00|31) /);
      }

      const live = await fetch(`${url}/healthz/live`);
      assert.equal(live.status, 200);
      const ok = await fetch(`${url}/api/designs/${id}`, { headers: auth });
      assert.equal(ok.status, 200, 'still serving');
    });
  });
}

describe('readiness', () => {
  usePostgres();

  it('reports each check, and fails while the database is unreachable', async () => {
    const pg = await sharedPostgres();
    const server = await startTestProvider('postgres');
    try {
      // Without an admin's token: each check's verdict, none of the details (issue 18 item 7).
      const anonymous = await fetch(`${server.url}/healthz/ready?verbose=1`);
      assert.equal(anonymous.status, 200);
      assert.equal(
        await anonymous.text(),
        '[+]database ok\n[+]migrations ok\nreadyz check passed\n',
        'no data path, database user@host/db or version for anyone',
      );
      const admin = { authorization: `Bearer ${(await tokensFor(server.url)).access_token}` };
      const ready = await fetch(`${server.url}/healthz/ready?verbose=1`, { headers: admin });
      assert.equal(ready.status, 200);
      const text = await ready.text();
      assert.match(text, /^\[\+\]database ok \(postgres, \d+ ms\)$/m);
      assert.match(text, /^\[\+\]migrations ok \(version \d+\)$/m);
      assert.match(text, /^\[i\]storage postgres postgres:\/\/meshdeck@127\.0\.0\.1:\d+\/\S+$/m);
      assert.match(text, /readyz check passed\n$/);
      assert.equal(await (await fetch(`${server.url}/healthz/ready`)).text(), 'ok\n');

      await pg.pause();
      const down = await fetch(`${server.url}/healthz/ready?verbose=1`);
      // (The token cannot be checked while the database is down, so this is the public view.)
      assert.equal(down.status, 503);
      const downText = await down.text();
      assert.match(downText, /^\[-\]database failed$/m);
      assert.match(downText, /readyz check failed\n$/);
      assert.equal((await fetch(`${server.url}/healthz/live`)).status, 200, 'alive while not ready');

      await pg.resume();
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i++) {
        status = (await fetch(`${server.url}/healthz/ready`)).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(status, 200, 'ready again once the database is back');
    } finally {
      await server.stop();
    }
  });

  it("publishes a capabilities document in the spirit of Meshery's", async () => {
    const server = await startTestProvider('pglite');
    try {
      const doc = (await (await fetch(`${server.url}/api/capabilities`)).json()) as Record<string, unknown>;
      assert.equal(doc.providerType, 'remote');
      assert.equal(doc.providerUrl, server.url);
      assert.equal(typeof doc.packageVersion, 'string');
      assert.deepEqual(doc.redirects, {});
      const features = (doc.capabilities as Array<{ feature: string; endpoint: string }>).map(
        (c) => c.feature,
      );
      for (const f of [
        'users-profile',
        'sync-prefs',
        'persist-designs',
        'persist-performance-profiles',
        'persist-performance-results',
        'auth-device-code',
        'auth-token',
        'auth-revoke',
      ]) {
        assert.ok(features.includes(f), f);
      }
    } finally {
      await server.stop();
    }
  });
});

describe('meshdeck provider serve', () => {
  it('says what is wrong with its own input, with the contract exit codes', async () => {
    const blocker = await fakeProvider(() => undefined);
    const port = new URL(blocker.url).port;
    const env = { MESHDECK_PROVIDER_ADMIN_PASSWORD: 'admin-password-1' };
    const busy = await home.run(['provider', 'serve', '--port', port, '--data-dir', `${home.root}/p1`], {
      env,
    });
    assert.equal(busy.code, 1);
    assert.match(busy.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use`));
    const noPassword = await home.run(['provider', 'serve', '--init-admin', 'admin', '--port', '0']);
    assert.equal(noPassword.code, 2);
    assert.match(noPassword.stderr, /needs the password in MESHDECK_PROVIDER_ADMIN_PASSWORD/);
    const weak = await home.run(
      ['provider', 'serve', '--init-admin', 'admin', '--port', '0', '--data-dir', `${home.root}/p2`],
      {
        env: { MESHDECK_PROVIDER_ADMIN_PASSWORD: 'short' },
      },
    );
    assert.equal(weak.code, 2);
    assert.match(weak.stderr, /--init-admin: password must be at least 8 characters/);
    const both = await home.run(['provider', 'serve', '--data-dir', 'x', '--database-url', 'postgres://x']);
    assert.equal(both.code, 2);
    const badPort = await home.run(['provider', 'serve', '--port', '70000']);
    assert.equal(badPort.code, 2);
    assert.match(badPort.stderr, /--port must be a whole number from 0 to 65535/);
  });
});

describe('preferences and concurrent starts (on postgres)', () => {
  usePostgres();

  it('migrates once when two providers start on one database at the same moment', async () => {
    const url = await (await sharedPostgres()).createDatabase();
    const started = await Promise.allSettled([
      startTestProvider('postgres', { databaseUrl: url }),
      startTestProvider('postgres', { databaseUrl: url }),
    ]);
    const servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    try {
      assert.deepEqual(
        started.map((s) => (s.status === 'rejected' ? String(s.reason) : 'started')),
        ['started', 'started'],
      );
      for (const s of servers) assert.equal((await fetch(`${s.url}/healthz/ready`)).status, 200);
      // One admin, created by whichever started first; both serve the same data.
      const token = (await tokensFor(servers[0].url)).access_token;
      const me = await fetch(`${servers[1].url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(me.status, 200);
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  });

  it('keeps preferences as one versioned document: If-Match, 412 on a stale version', async () => {
    const server = await startTestProvider('postgres');
    try {
      const auth = {
        authorization: `Bearer ${(await tokensFor(server.url)).access_token}`,
        'content-type': 'application/json',
      };
      const empty = await fetch(`${server.url}/api/preferences`, { headers: auth });
      assert.equal(empty.headers.get('etag'), '"0"');
      const put = (version: number, data: unknown) =>
        fetch(`${server.url}/api/preferences`, {
          method: 'PUT',
          headers: { ...auth, 'if-match': `"${version}"` },
          body: JSON.stringify({ data }),
        });
      assert.equal((await put(0, { theme: 'dark' })).status, 200);
      const stale = await put(0, { theme: 'light' });
      assert.equal(stale.status, 412);
      assert.deepEqual(((await stale.json()) as { current: { data: unknown } }).current.data, {
        theme: 'dark',
      });
      const ok = await put(1, { theme: 'light' });
      assert.equal(ok.headers.get('etag'), '"2"');
    } finally {
      await server.stop();
    }
  });
});
