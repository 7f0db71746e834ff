// Issue 18 (provider items 12, 4, 17): a refresh retried after its answer was lost keeps the session;
// API tokens expire, are tied to their creator, listed and revoked.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { TestHome } from '../helpers/cli.js';
import { providerFixture, tokensFor } from '../helpers/provider.js';

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
