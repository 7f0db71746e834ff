// Issue 18 (provider items 12, 4, 17): a refresh retried after its answer was lost keeps the session;
// API tokens expire, are tied to their creator, listed and revoked.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { TestHome } from '../helpers/cli.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createUser, DATABASES, deviceLogin, providerFixture, tokensFor } from '../helpers/provider.js';

const form = (body: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(body),
});

describe('a refresh retried after its answer was lost (item 12)', () => {
  const { server } = providerFixture('pglite');
  const refresh = (token: string) =>
    fetch(`${server().url}/api/auth/token`, form({ grant_type: 'refresh_token', refresh_token: token }));
  const me = (access: string) =>
    fetch(`${server().url}/api/me`, { headers: { authorization: `Bearer ${access}` } });

  it('gets a fresh pair instead of revoking the session; a real replay still revokes it', async () => {
    const first = await tokensFor(server().url);
    const lost = await refresh(first.refresh_token); // Ctrl-C before this answer was stored
    assert.equal(lost.status, 200);
    const orphan = (await lost.json()) as { refresh_token: string };
    const retried = await refresh(first.refresh_token);
    assert.equal(retried.status, 200, await retried.clone().text());
    const pair = (await retried.json()) as { access_token: string; refresh_token: string };
    assert.equal((await me(pair.access_token)).status, 200, 'the session lives on');
    const stale = await refresh(orphan.refresh_token);
    assert.equal(stale.status, 400, 'the pair whose answer was lost no longer works');

    // Once the new refresh token was used, the old one coming back is theft: the session ends.
    const next = (await (await refresh(pair.refresh_token)).json()) as { access_token: string };
    assert.equal((await me(next.access_token)).status, 200);
    const theft = await refresh(first.refresh_token);
    assert.equal(theft.status, 400);
    assert.match(await theft.text(), /already used; the session is revoked/);
    assert.equal((await me(next.access_token)).status, 401);
  });
});

describe('token view for an API token (item 17)', () => {
  const { server } = providerFixture('pglite');
  const home = new TestHome();
  after(() => home.cleanup());

  it('shows when a 1-day API token expires, not "never"', async () => {
    const access = (await tokensFor(server().url)).access_token;
    const created = await fetch(`${server().url}/api/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${access}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ci', expiresInDays: 1 }),
    });
    assert.equal(created.status, 201);
    const { token } = (await created.json()) as { token: string };
    const login = await home.run(['login', '--with-token', '--provider', server().url], {
      input: `${token}\n`,
    });
    assert.equal(login.code, 0, login.stderr);
    const view = await home.run(['token', 'view', '--provider', server().url]);
    assert.equal(view.code, 0, view.stderr);
    assert.doesNotMatch(view.stdout, /never/);
    assert.match(view.stdout, /in 2[34] h/);
  });
});

for (const kind of DATABASES) {
  describe(`API tokens: expiry, owner, token create|list|revoke (item 4, on ${kind})`, () => {
    const { server } = providerFixture(kind);
    const home = new TestHome();
    after(() => home.cleanup());
    const apiTokens = (access: string, init: RequestInit = {}) =>
      fetch(`${server().url}/api/tokens`, {
        ...init,
        headers: { authorization: `Bearer ${access}`, 'content-type': 'application/json' },
      });
    const me = (access: string) =>
      fetch(`${server().url}/api/me`, { headers: { authorization: `Bearer ${access}` } });

    it('creates a token that expires, prints it once, lists it without its secret and revokes it', async () => {
      const url = server().url;
      assert.equal((await deviceLogin(home, url)).code, 0);
      const created = await home.run(['token', 'create', 'ci', '--expires-in-days', '7', '--provider', url]);
      assert.equal(created.code, 0, created.stderr);
      assert.match(created.stdout, /^mdk_\S+\n$/, 'stdout is the secret alone');
      const secret = created.stdout.trim();
      assert.match(created.stderr, /created API token "ci" \(id [0-9a-f-]{36}\), expires \d{4}-/);
      assert.ok(!created.stderr.includes(secret), 'the secret is not on stderr');
      assert.ok(
        !readFileSync(join(home.configDir, 'credentials.json'), 'utf8').includes(secret),
        'nor stored by meshdeck',
      );
      const [, id] = /\(id ([0-9a-f-]{36})\)/.exec(created.stderr)!;
      assert.equal(
        (await home.run(['whoami', '--provider', url], { env: { MESHDECK_TOKEN: secret } })).code,
        0,
      );

      const byDefault = await home.run(['token', 'create', 'nightly', '--provider', url]);
      assert.equal(byDefault.code, 0, byDefault.stderr);
      const forever = await home.run([
        'token',
        'create',
        'forever',
        '--expires-in-days',
        '100000',
        '--provider',
        url,
      ]);
      assert.equal(forever.code, 1, forever.stderr);
      assert.match(forever.stderr, /from 1 to 365 \(API tokens always expire/);

      const list = await home.run(['token', 'list', '--provider', url, '-o', 'json']);
      assert.equal(list.code, 0, list.stderr);
      assert.ok(!list.stdout.includes(secret.slice(4)), 'the list never shows a secret');
      const items = (JSON.parse(list.stdout) as { items: Array<Record<string, string | null>> }).items;
      const days = (t: Record<string, string | null>) => (Date.parse(t.expiresAt!) - Date.now()) / 86_400_000;
      const ci = items.find((t) => t.id === id)!;
      assert.equal(ci.name, 'ci');
      assert.ok(days(ci) > 6.9 && days(ci) <= 7, `ci expires in ${days(ci)} days`);
      assert.ok(ci.lastUsedAt, 'used by the whoami above');
      const nightly = items.find((t) => t.name === 'nightly')!;
      assert.ok(days(nightly) > 29.9 && days(nightly) <= 30, 'the default is 30 days');
      assert.equal(nightly.lastUsedAt, null);
      const table = await home.run(['token', 'list', '--provider', url]);
      assert.match(table.stdout, /^ID\s+NAME\s+CREATED\s+EXPIRES\s+LAST USED/);

      // An API token cannot mint more, whoever's it is.
      const minted = await home.run(['token', 'create', 'more', '--provider', url], {
        env: { MESHDECK_TOKEN: secret },
      });
      assert.equal(minted.code, 4, minted.stderr);
      assert.match(minted.stderr, /an API token cannot create API tokens/);

      // Another user neither sees nor revokes it.
      const admin = (await tokensFor(url)).access_token;
      await createUser(url, admin, `other-${kind}`, 'other-password-1');
      const other = (await tokensFor(url, { username: `other-${kind}`, password: 'other-password-1' }))
        .access_token;
      assert.deepEqual(((await (await apiTokens(other)).json()) as { items: unknown[] }).items, []);
      const stolen = await fetch(`${url}/api/tokens/${id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${other}` },
      });
      assert.equal(stolen.status, 404);

      const revoked = await home.run(['token', 'revoke', id, '--provider', url]);
      assert.equal(revoked.code, 0, revoked.stderr);
      assert.match(revoked.stderr, new RegExp(`revoked API token ${id}`));
      const refused = await home.run(['whoami', '--provider', url], { env: { MESHDECK_TOKEN: secret } });
      assert.equal(refused.code, 4, 'a revoked token stops working at once');
      const again = await home.run(['token', 'revoke', id, '--provider', url]);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /no API token with id/);
      assert.match(again.stderr, /meshdeck token list/);
    });

    it('survives its creator signing out, not the theft of their session', async () => {
      const url = server().url;
      const form = (body: Record<string, string>) => ({
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body),
      });
      const mint = async (access: string) => {
        const res = await apiTokens(access, { method: 'POST', body: JSON.stringify({ name: 'x' }) });
        assert.equal(res.status, 201);
        return ((await res.json()) as { token: string }).token;
      };
      // Sign out (revoke): the CI token made from that sign-in keeps working.
      const left = await tokensFor(url);
      const kept = await mint(left.access_token);
      assert.equal((await fetch(`${url}/api/auth/revoke`, form({ token: left.refresh_token }))).status, 200);
      assert.equal((await me(left.access_token)).status, 401);
      assert.equal((await me(kept)).status, 200, 'kept after logout');

      // A replayed refresh token (someone else has a copy) revokes the session and its API tokens.
      const stolen = await tokensFor(url);
      const planted = await mint(stolen.access_token);
      const refresh = (t: string) =>
        fetch(`${url}/api/auth/token`, form({ grant_type: 'refresh_token', refresh_token: t }));
      const next = (await (await refresh(stolen.refresh_token)).json()) as { refresh_token: string };
      assert.equal((await refresh(next.refresh_token)).status, 200);
      assert.equal((await refresh(stolen.refresh_token)).status, 400, 'the replay is taken as theft');
      const after = await me(planted);
      assert.equal(after.status, 401);
      assert.match(await after.text(), /revoked/);
      assert.equal((await me(kept)).status, 200, "another sign-in's token is not touched");
    });
  });
}
