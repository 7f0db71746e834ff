// Issue 18 item 6, on both databases: bad query values and deep JSON get 400 (not 500), slow clients
// 408, per-user quotas a clear 413, and a periodic sweep deletes expired idempotency keys, tokens and
// device codes. (The list memory bound is measured in provider-list-memory.test.ts.)
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { TestHome } from '../helpers/cli.js';
import { configDesign } from '../helpers/designs.js';
import { DATABASES, sharedPostgres, startTestProvider, tokensFor, usePostgres } from '../helpers/provider.js';

const home = new TestHome();
after(() => home.cleanup());

const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

function createDesign(url: string, token: string, name: string, data: unknown, key?: string) {
  return fetch(`${url}/api/designs`, {
    method: 'POST',
    headers: { ...json(token), ...(key ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify({ name, data }),
  });
}

/** Writes raw bytes to the server and returns everything it answers until it closes the connection. */
function rawExchange(url: string, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.setEncoding('utf8').on('data', (d: string) => (answer += d));
    socket.on('close', () => resolve(answer));
    socket.on('error', () => resolve(answer));
  });
}

/** A JSON text nested `depth` levels deep: {"a":{"a":...}}. */
const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

for (const kind of DATABASES) {
  describe(`provider limits (on ${kind})`, () => {
    if (kind === 'postgres') usePostgres();

    it('answers 400, not 500, for page=1e20, NUL in a query or form value, and JSON nested 5,000 deep', async () => {
      const server = await startTestProvider(kind);
      try {
        const token = (await tokensFor(server.url)).access_token;
        const auth = { authorization: `Bearer ${token}` };
        const expect400 = async (res: Response, pattern: RegExp) => {
          const body = await res.text();
          assert.equal(res.status, 400, `${res.url}: ${body}`);
          assert.match(body, pattern);
        };
        await expect400(
          await fetch(`${server.url}/api/designs?page=1e20`, { headers: auth }),
          /page.*must be a whole number from 1 to/,
        );
        await expect400(await fetch(`${server.url}/api/designs?name=%00`, { headers: auth }), /NUL/);
        await expect400(await fetch(`${server.url}/api/designs?search=a%00b`, { headers: auth }), /NUL/);
        await expect400(
          await fetch(`${server.url}/device`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: 'user_code=ABCD-EFGH&username=ad%00min&password=x',
          }),
          /NUL/,
        );
        await expect400(
          await fetch(`${server.url}/api/designs`, {
            method: 'POST',
            headers: json(token),
            body: `{"name":"deep","data":${nested(5000)}}`,
          }),
          /nested deeper than \d+ levels/,
        );
        // Deep, but within the limit: stored and read back.
        const ok = await fetch(`${server.url}/api/designs`, {
          method: 'POST',
          headers: json(token),
          body: `{"name":"deep-enough","data":${nested(500)}}`,
        });
        assert.equal(ok.status, 201, await ok.clone().text());
        assert.equal((await fetch(`${server.url}/healthz/live`)).status, 200);
      } finally {
        await server.stop();
      }
    });

    it('answers 408 to a client that does not finish its headers or its body in time', async () => {
      const server = await startTestProvider(kind, { headersTimeoutMs: 500, requestTimeoutMs: 1000 });
      try {
        const headers = await rawExchange(server.url, 'GET /healthz/live HTTP/1.1\r\nHost: x\r\n');
        assert.match(headers, /^HTTP\/1\.1 408 /);
        assert.match(headers, /"error":"request_timeout"/);
        const token = (await tokensFor(server.url)).access_token;
        const body = await rawExchange(
          server.url,
          `POST /api/designs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n` +
            'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":',
        );
        assert.match(body, /^HTTP\/1\.1 408 /);
        assert.equal((await fetch(`${server.url}/healthz/live`)).status, 200, 'still serving');
      } finally {
        await server.stop();
      }
    });

    it('keeps per-user quotas of documents and bytes, with a clear 413; deleting makes room again', async () => {
      const server = await startTestProvider(kind, { quota: { documents: 3, bytes: 4000 } });
      try {
        const token = (await tokensFor(server.url)).access_token;
        const ids: string[] = [];
        for (const name of ['q1', 'q2', 'q3']) {
          const res = await createDesign(server.url, token, name, { v: 'x'.repeat(100) });
          assert.equal(res.status, 201);
          ids.push(((await res.json()) as { id: string }).id);
        }
        const fourth = await createDesign(server.url, token, 'q4', { v: 1 }, 'quota-key-0001');
        assert.equal(fourth.status, 413);
        const refusal = (await fourth.json()) as Record<string, unknown>;
        assert.equal(refusal.error, 'quota_exceeded');
        assert.equal(refusal.quota, 'documents');
        assert.equal(refusal.limit, 3);
        assert.match(String(refusal.message), /quota of 3 documents/);

        // Growing a document past the byte quota.
        const grow = await fetch(`${server.url}/api/designs/${ids[0]}`, {
          method: 'PUT',
          headers: { ...json(token), 'if-match': '"1"' },
          body: JSON.stringify({ name: 'q1', data: { v: 'x'.repeat(5000) } }),
        });
        assert.equal(grow.status, 413);
        const bytes = (await grow.json()) as Record<string, unknown>;
        assert.equal(bytes.quota, 'bytes');
        assert.match(String(bytes.message), /quota of 4000 bytes/);

        // Another user has a quota of their own.
        const del = await fetch(`${server.url}/api/designs/${ids[1]}`, {
          method: 'DELETE',
          headers: { ...json(token), 'if-match': '"1"' },
        });
        assert.equal(del.status, 204);
        // The refused request, retried with its key once there is room, is done (not replayed as 413).
        const retried = await createDesign(server.url, token, 'q4', { v: 1 }, 'quota-key-0001');
        assert.equal(retried.status, 201, await retried.clone().text());

        // The CLI names the quota and does not queue the push for later.
        const file = `${home.root}/quota-${kind}.yaml`;
        (await import('node:fs')).writeFileSync(file, configDesign('over-quota', { a: '1' }));
        const push = await home.run(['design', 'push', file, '--provider', server.url], {
          env: { MESHDECK_TOKEN: token },
        });
        assert.equal(push.code, 1, push.stderr);
        assert.match(push.stderr, /quota of 3 documents/);
        assert.doesNotMatch(push.stderr, /queued/);
      } finally {
        await server.stop();
      }
    });

    it('sweeps expired idempotency keys, tokens and device codes periodically', async () => {
      const storage =
        kind === 'postgres' ? { databaseUrl: await (await sharedPostgres()).createDatabase() } : {};
      const server = await startTestProvider(kind, {
        ...storage,
        sweepIntervalMs: 200,
        idempotencyTtlSeconds: 1,
        accessTokenTtlSeconds: 2,
        deviceCodeTtlSeconds: 1,
      });
      try {
        const first = await tokensFor(server.url);
        const token = first.access_token;
        // Access tokens live 2 s here: each check below signs in again with the refresh token.
        let refresh = first.refresh_token;
        const access = async () => {
          const pair = (await (
            await fetch(`${server.url}/api/auth/token`, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refresh }),
            })
          ).json()) as { access_token: string; refresh_token: string };
          refresh = pair.refresh_token;
          return pair.access_token;
        };
        // Swept: the key (a repeat is then a new request: the name exists now), not the design.
        const writer = await access(); // (the first access token stops working here, and is swept later)
        assert.equal((await createDesign(server.url, writer, 'swept', {}, 'sweep-key-0001')).status, 201);
        const replay = await createDesign(server.url, writer, 'swept', {}, 'sweep-key-0001');
        assert.equal(replay.headers.get('idempotent-replayed'), 'true', 'replayed while the key is kept');
        const device = (await (
          await fetch(`${server.url}/api/auth/device/code`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: 'client_id=test',
          })
        ).json()) as { device_code: string };

        await until('the idempotency key to be swept', async () => {
          const again = await createDesign(server.url, await access(), 'swept', {}, 'sweep-key-0001');
          return again.status === 409 ? true : undefined;
        });
        await until('the expired access token to be swept', async () => {
          const me = await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
          return /unknown token/.test(await me.text()) ? true : undefined;
        });
        await until('the expired device code to be swept', async () => {
          const poll = await fetch(`${server.url}/api/auth/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({
              grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
              device_code: device.device_code,
            }),
          });
          return /unknown device code/.test(await poll.text()) ? true : undefined;
        });
        if (storage.databaseUrl) {
          const client = new pg.Client({ connectionString: storage.databaseUrl });
          await client.connect();
          try {
            // Nothing that expired more than a few sweeps ago is left.
            await until('the tables to hold no expired rows', async () => {
              const left = await client.query<{ n: number }>(
                `SELECT (SELECT count(*) FROM idempotency_keys WHERE created_at < now() - interval '3 seconds')
                      + (SELECT count(*) FROM tokens WHERE expires_at < now() - interval '2 seconds')
                      + (SELECT count(*) FROM device_codes WHERE expires_at < now() - interval '2 seconds') AS n`,
              );
              return Number(left.rows[0].n) === 0 ? true : undefined;
            });
          } finally {
            await client.end();
          }
        }
        const live = await fetch(`${server.url}/api/me`, {
          headers: { authorization: `Bearer ${await access()}` },
        });
        assert.equal(live.status, 200, 'live tokens are kept');
      } finally {
        await server.stop();
      }
    });
  });
}
