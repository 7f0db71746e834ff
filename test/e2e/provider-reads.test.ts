// The provider's read path: single-document reads batched into one query and sent as the stored JSON
// text, conditional GET (If-None-Match → 304), and tokens remembered by the provider that still stop
// working at once when they are revoked or rotated there.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { RemoteDocument } from '../../src/provider/protocol/documents.js';
import { ADMIN, createUser, DATABASES, providerFixture, tokensFor } from '../helpers/provider.js';

type Doc = RemoteDocument;

const bearer = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

async function create(url: string, token: string, name: string, data: unknown): Promise<Doc> {
  const res = await fetch(`${url}/api/designs`, {
    method: 'POST',
    headers: bearer(token),
    body: JSON.stringify({ name, data }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()) as Doc;
}

for (const kind of DATABASES) {
  describe(`reading documents (on ${kind})`, () => {
    // Tokens are trusted for a minute here: revocation must not wait for that.
    const provider = providerFixture(kind, { tokenCacheMs: 60_000 });

    it('answers many reads at once, each with its own document, and 404 for what is not the reader’s', async () => {
      const url = provider.server().url;
      const { access_token: token } = await tokensFor(url);
      await createUser(url, token, 'other', 'other-password-1');
      const other = (await tokensFor(url, { username: 'other', password: 'other-password-1' })).access_token;
      const theirs = await create(url, other, 'theirs', { secret: true });
      const mine = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          create(url, token, `d-${i}`, {
            i,
            text: `ünïcödé "quoted" \\ ${'x'.repeat(i * 50)}`,
            nested: { list: [1, 2.5, null, true], empty: {} },
          }),
        ),
      );
      const missing = randomUUID();
      const asked = [...mine.map((d) => d.id), theirs.id, missing, ...mine.map((d) => d.id).reverse()];
      const answers = await Promise.all(
        asked.map(async (id) => {
          const res = await fetch(`${url}/api/designs/${id}`, { headers: bearer(token) });
          return { id, status: res.status, etag: res.headers.get('etag'), body: (await res.json()) as Doc };
        }),
      );
      for (const a of answers) {
        const expected = mine.find((d) => d.id === a.id);
        if (!expected) {
          assert.equal(a.status, 404, `${a.id} is not the reader's`);
          assert.deepEqual(a.body, { error: 'not_found', message: `no design with id ${a.id}` });
          continue;
        }
        assert.equal(a.status, 200);
        assert.equal(a.etag, `"${expected.version}"`);
        assert.deepEqual(a.body, expected);
      }
      // The owner still reads their own.
      const res = await fetch(`${url}/api/designs/${theirs.id}`, { headers: bearer(other) });
      assert.deepEqual(await res.json(), theirs);
    });

    it('answers If-None-Match with 304 while the version is current, and the new version after a change', async () => {
      const url = provider.server().url;
      const { access_token: token } = await tokensFor(url);
      const doc = await create(url, token, `etag-${kind}`, { replicas: 1 });
      const get = (tag: string) =>
        fetch(`${url}/api/designs/${doc.id}`, { headers: { ...bearer(token), 'if-none-match': tag } });
      for (const tag of ['"1"', 'W/"1"', '"7", "1"', '*']) {
        const res = await get(tag);
        assert.equal(res.status, 304, tag);
        assert.equal(res.headers.get('etag'), '"1"');
        assert.equal(await res.text(), '');
      }
      const put = await fetch(`${url}/api/designs/${doc.id}`, {
        method: 'PUT',
        headers: { ...bearer(token), 'if-match': '"1"' },
        body: JSON.stringify({ name: doc.name, data: { replicas: 2 } }),
      });
      assert.equal(put.status, 200);
      const stale = await get('"1"');
      assert.equal(stale.status, 200);
      assert.equal(stale.headers.get('etag'), '"2"');
      assert.deepEqual(((await stale.json()) as Doc).data, { replicas: 2 });
      assert.equal((await get('"2"')).status, 304);
    });

    it('refuses a remembered token at once when it is revoked, or rotated by a refresh', async () => {
      const url = provider.server().url;
      const me = (token: string) => fetch(`${url}/api/me`, { headers: bearer(token) });
      const form = (body: Record<string, string>) => ({
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body),
      });

      const revoked = await tokensFor(url);
      assert.equal((await me(revoked.access_token)).status, 200, 'verified, and now remembered');
      assert.equal(
        (await fetch(`${url}/api/auth/revoke`, form({ token: revoked.refresh_token }))).status,
        200,
      );
      const refused = await me(revoked.access_token);
      assert.equal(refused.status, 401);
      assert.match(((await refused.json()) as { message: string }).message, /token revoked/);

      const rotated = await tokensFor(url);
      assert.equal((await me(rotated.access_token)).status, 200);
      const refresh = await fetch(
        `${url}/api/auth/token`,
        form({ grant_type: 'refresh_token', refresh_token: rotated.refresh_token }),
      );
      assert.equal(refresh.status, 200);
      const next = (await refresh.json()) as { access_token: string };
      assert.equal(
        (await me(rotated.access_token)).status,
        401,
        'the old access token ends with the rotation',
      );
      const ok = await me(next.access_token);
      assert.equal(ok.status, 200);
      assert.equal(((await ok.json()) as { username: string }).username, ADMIN.username);
    });
  });
}
