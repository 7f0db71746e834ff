// The OS keychain for real: a private D-Bus session with gnome-keyring (Secret Service) unlocked, as on a
// desktop. Without a session bus meshdeck falls back to the credentials file, and says so with --verbose.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BIN, TestHome, runProcess } from '../helpers/cli.js';
import { DBUS_SESSION, GNOME_KEYRING, needPrograms } from '../helpers/programs.js';
import { providerFixture, tokensFor } from '../helpers/provider.js';

const home = new TestHome();
after(() => home.cleanup());

describe('credentials in the OS keychain', () => {
  const provider = providerFixture('pglite');

  it('stores, uses and deletes the token in Secret Service, and writes no credentials file', async (t) => {
    if (!needPrograms(t, DBUS_SESSION, GNOME_KEYRING)) return;
    const url = provider.server().url;
    const { access_token } = await tokensFor(url);
    const m = `"${process.execPath}" "${BIN}"`;
    const script = [
      'echo -n "$KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null',
      `printf '%s' "$TOKEN" | ${m} login --with-token --provider "$URL" --verbose; echo "::login=$?"`,
      `${m} whoami --provider "$URL" -o json; echo "::whoami=$?"`,
      `${m} token view --provider "$URL" -o json; echo "::view=$?"`,
      `${m} logout --provider "$URL"; echo "::logout=$?"`,
      `${m} whoami --provider "$URL"; echo "::after=$?"`,
    ].join('\n');
    const r = await runProcess('dbus-run-session', ['--', 'sh', '-c', script], {
      env: { ...home.env, TOKEN: access_token, URL: url, KEYRING_PASSWORD: 'keyring-test-password' },
      timeoutMs: 60_000,
    });
    const out = r.stdout;
    assert.match(out, /::login=0/, r.stderr);
    assert.match(r.stderr, /debug: credentials: using the OS keychain/);
    assert.match(r.stderr, /signed in to .* as admin \(token stored in the OS keychain\)/);
    assert.match(out, /::whoami=0/);
    assert.match(out, /"username": "admin"/);
    assert.match(out, /"source": "keychain"/);
    assert.match(out, /::view=0/);
    assert.ok(!out.includes(access_token.slice(4, 24)), 'the secret is never shown');
    assert.match(r.stderr, /signed out of .*removed from the OS keychain/);
    assert.match(out, /::logout=0/);
    assert.match(out, /::after=4/);
    assert.equal(existsSync(join(home.configDir, 'credentials.json')), false, 'nothing written to a file');
  });

  it('falls back to the 0600 file without a session bus, and says so with --verbose', async () => {
    const url = provider.server().url;
    const { access_token } = await tokensFor(url);
    const r = await home.run(['login', '--with-token', '--provider', url, '--verbose'], {
      input: access_token,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /debug: credentials: OS keychain unavailable \(.+\); using .*credentials\.json/);
    assert.ok(existsSync(join(home.configDir, 'credentials.json')));
    const forced = await home.run(['whoami', '--provider', url], {
      env: { MESHDECK_CREDENTIAL_STORE: 'keychain' },
    });
    assert.equal(forced.code, 1);
    assert.match(forced.stderr, /the OS keychain is not available/);
  });
});
