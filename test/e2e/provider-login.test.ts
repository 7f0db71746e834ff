// Signing in end to end against a real provider, on PGlite and on PostgreSQL: device flow approved on the
// verification page, browser flow through the sign-in form, a token on stdin; the credentials file;
// refresh on expiry; revocation; logout.
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { TestHome } from '../helpers/cli.js';
import {
  approveDevice,
  ADMIN,
  DATABASES,
  LiveProcess,
  createUser,
  deviceLogin,
  providerFixture,
  tokensFor,
} from '../helpers/provider.js';

for (const kind of DATABASES) {
  describe(`login, tokens and logout (provider on ${kind})`, () => {
    // Access tokens live 2 s here, so the refresh path is exercised without waiting long.
    const provider = providerFixture(kind, { accessTokenTtlSeconds: 2 });
    const home = new TestHome();
    after(() => home.cleanup());
    const credentialsFile = () => join(home.configDir, 'credentials.json');

    it('signs in with the device flow, approved on the verification page; the token file is 0600 in 0700', async () => {
      const url = provider.server().url;
      const r = await deviceLogin(home, url, ADMIN, { MESHDECK_CREDENTIAL_STORE: 'auto' });
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(`signed in to ${url} as admin \\(token stored in ${credentialsFile()}\\)`),
      );
      assert.equal(r.stdout, '');
      assert.equal(statSync(credentialsFile()).mode & 0o777, 0o600);
      assert.equal(statSync(home.configDir).mode & 0o777, 0o700);
      const stored = JSON.parse(readFileSync(credentialsFile(), 'utf8')).credentials[url];
      assert.match(stored.accessToken, /^mda_/);
      assert.match(stored.refreshToken, /^mdr_/);
      assert.ok(
        !r.stderr.includes(stored.accessToken) && !r.stderr.includes(stored.refreshToken),
        'no token printed',
      );
    });

    it('fails with exit 4 when the code is denied on the verification page', async () => {
      const url = provider.server().url;
      const other = new TestHome();
      try {
        const proc = new LiveProcess(['login', '--provider', url], other.env);
        const [, code] = await proc.waitFor(/one-time code: ([A-Z]{4}-[A-Z]{4})/);
        assert.equal((await approveDevice(url, code, ADMIN, 'deny')).status, 200);
        const r = await proc.done;
        assert.equal(r.code, 4);
        assert.match(r.stderr, /sign-in was denied on the verification page/);
      } finally {
        other.cleanup();
      }
    });

    it('shows who is signed in, and token view never shows the secret', async () => {
      const url = provider.server().url;
      const who = await home.run(['whoami', '--provider', url, '-o', 'json']);
      assert.equal(who.code, 0, who.stderr);
      const user = JSON.parse(who.stdout);
      assert.equal(user.username, 'admin');
      assert.equal(user.role, 'admin');
      assert.equal(user.credential, 'file');

      const stored = JSON.parse(readFileSync(credentialsFile(), 'utf8')).credentials[url];
      for (const format of ['table', 'wide', 'json', 'yaml']) {
        const view = await home.run(['token', 'view', '--provider', url, '-o', format]);
        assert.equal(view.code, 0, view.stderr);
        assert.ok(!view.stdout.includes(stored.accessToken.slice(4, 20)), `${format} shows no access token`);
        assert.ok(
          !view.stdout.includes(stored.refreshToken.slice(4, 20)),
          `${format} shows no refresh token`,
        );
      }
      const json = JSON.parse((await home.run(['token', 'view', '--provider', url, '-o', 'json'])).stdout);
      assert.equal(json.source, 'file');
      assert.equal(json.location, credentialsFile());
      assert.equal(json.refreshable, true);
      assert.match(json.fingerprint, /^sha256:[0-9a-f]{12}$/);
    });

    it('refreshes an expired access token once, by itself, and stores the new pair', async () => {
      const url = provider.server().url;
      const before = JSON.parse(readFileSync(credentialsFile(), 'utf8')).credentials[url];
      await new Promise((r) => setTimeout(r, 2500));
      const who = await home.run(['whoami', '--provider', url, '-o', 'json', '--verbose']);
      assert.equal(who.code, 0, who.stderr);
      const afterwards = JSON.parse(readFileSync(credentialsFile(), 'utf8')).credentials[url];
      assert.notEqual(afterwards.accessToken, before.accessToken);
      assert.notEqual(afterwards.refreshToken, before.refreshToken, 'refresh tokens rotate');
      assert.equal(statSync(credentialsFile()).mode & 0o777, 0o600);
      // The old access token no longer works.
      const old = await fetch(`${url}/api/me`, {
        headers: { authorization: `Bearer ${before.accessToken}` },
      });
      assert.equal(old.status, 401);
    });

    it('refuses a credentials file other users can read, and says how to fix it', async () => {
      const url = provider.server().url;
      chmodSync(credentialsFile(), 0o644);
      const r = await home.run(['whoami', '--provider', url]);
      assert.equal(r.code, 4);
      assert.match(r.stderr, /refusing to use .*credentials\.json: its permissions \(0644\)/);
      assert.match(r.stderr, new RegExp(`chmod 600 ${credentialsFile()}`));
      chmodSync(credentialsFile(), 0o600);
      assert.equal((await home.run(['whoami', '--provider', url])).code, 0);
    });

    it('a revoked session ends with exit 4 and "run meshdeck login"', async () => {
      const url = provider.server().url;
      const stored = JSON.parse(readFileSync(credentialsFile(), 'utf8')).credentials[url];
      const res = await fetch(`${url}/api/auth/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: stored.refreshToken }),
      });
      assert.equal(res.status, 200);
      const r = await home.run(['whoami', '--provider', url]);
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stderr, /run meshdeck login/);
    });

    it('logout revokes the token on the provider and deletes it locally', async () => {
      const url = provider.server().url;
      assert.equal((await deviceLogin(home, url)).code, 0);
      const stored = JSON.parse(readFileSync(credentialsFile(), 'utf8')).credentials[url];
      const r = await home.run(['logout', '--provider', url]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /signed out of .* \(token revoked\)/);
      assert.equal(JSON.parse(readFileSync(credentialsFile(), 'utf8')).credentials[url], undefined);
      const me = await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${stored.accessToken}` } });
      assert.equal(me.status, 401, 'the provider no longer accepts it');
      const who = await home.run(['whoami', '--provider', url]);
      assert.equal(who.code, 4);
      assert.match(who.stderr, /not signed in .*\n.*meshdeck login/);
    });

    it('signs in through the browser flow: sign-in form, redirect to the loopback callback', async () => {
      const url = provider.server().url;
      const proc = new LiveProcess(['login', '--web', '--provider', url], home.env);
      const [signInUrl] = await proc.waitFor(/http:\/\/\S+\/login\?\S+/);
      const page = await fetch(signInUrl);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<form method="post" action="\/login">/);
      const params = Object.fromEntries(new URL(signInUrl).searchParams);
      const wrong = await fetch(`${url}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...params, username: 'admin', password: 'wrong-password' }),
        redirect: 'manual',
      });
      assert.equal(wrong.status, 401);
      const posted = await fetch(`${url}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...params, ...ADMIN }),
        redirect: 'manual',
      });
      assert.equal(posted.status, 302);
      const callback = posted.headers.get('location')!;
      assert.match(callback, /^http:\/\/127\.0\.0\.1:\d+\/callback\?code=mdc_/);
      assert.equal((await fetch(callback)).status, 200);
      const r = await proc.done;
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /signed in to .* as admin/);
    });

    it('takes a token on stdin (--with-token) after checking it with the provider', async () => {
      const url = provider.server().url;
      const { access_token } = await tokensFor(url);
      await createUser(url, access_token, 'ci-bot', 'ci-bot-password');
      const created = await fetch(`${url}/api/tokens`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${(await tokensFor(url, { username: 'ci-bot', password: 'ci-bot-password' })).access_token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ name: 'ci', expiresInDays: 1 }),
      });
      const { token } = (await created.json()) as { token: string };
      const other = new TestHome();
      try {
        const bad = await other.run(['login', '--with-token', '--provider', url], {
          input: 'mdk_not-a-real-token\n',
        });
        assert.equal(bad.code, 4);
        assert.match(bad.stderr, /run meshdeck login/);
        const good = await other.run(['login', '--with-token', '--provider', url], { input: `${token}\n` });
        assert.equal(good.code, 0, good.stderr);
        assert.match(good.stderr, /as ci-bot/);
        assert.ok(!good.stderr.includes(token));
        const who = await other.run(['whoami', '--provider', url, '-o', 'json']);
        assert.equal(JSON.parse(who.stdout).username, 'ci-bot');
        // MESHDECK_TOKEN wins over the stored token and is never written anywhere.
        const env = await new TestHome().run(['whoami', '--provider', url, '-o', 'json'], {
          env: { MESHDECK_TOKEN: token },
        });
        assert.equal(JSON.parse(env.stdout).credential, 'env');
      } finally {
        other.cleanup();
      }
    });
  });
}

describe('sign-in rate limit', () => {
  const provider = providerFixture('pglite', { authRateLimit: { burst: 3, perMinute: 3 } });
  it('answers 429 with Retry-After once a client has used its sign-in attempts', async () => {
    const url = provider.server().url;
    const attempt = () =>
      fetch(`${url}/device`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ user_code: 'BCDF-GHJK', username: 'admin', password: 'guess' }),
      });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await attempt()).status);
    assert.deepEqual(statuses, [401, 401, 401, 429]);
    const limited = await attempt();
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.equal(((await limited.json()) as { error: string }).error, 'rate_limited');
  });
});
