// The built-in provider of the default context: no sign-in, started by meshdeck itself on loopback with
// its data under the state folder, shared by concurrent commands, stopped on request.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { TestHome } from '../helpers/cli.js';
import { configDesign, configOf } from '../helpers/designs.js';

const home = new TestHome();
after(async () => {
  await home.run(['provider', 'stop']);
  home.cleanup();
});
const stateFile = join(home.env.XDG_STATE_HOME, 'meshdeck', 'builtin-provider', 'server.json');

describe('the built-in provider', () => {
  it('starts once for two commands at once, and needs no sign-in', async () => {
    for (let i = 0; i < 2; i++)
      writeFileSync(join(home.root, `b${i}.yaml`), configDesign(`builtin-${i}`, { n: String(i) }));
    const [a, b] = await Promise.all(
      [0, 1].map((i) => home.run(['design', 'push', join(home.root, `b${i}.yaml`)])),
    );
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.match(a.stderr, /created on the built-in provider \(version 1\)/);
    const state = JSON.parse(readFileSync(stateFile, 'utf8'));
    assert.equal(statSync(stateFile).mode & 0o777, 0o600);
    assert.match(state.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    // It refuses requests without its local secret: other users of the machine cannot use it.
    assert.equal((await fetch(`${state.url}/api/designs`)).status, 401);

    const pulled = await home.run(['design', 'pull', 'builtin-1']);
    assert.deepEqual(parse(pulled.stdout), parse(configDesign('builtin-1', { n: '1' })));
    const who = await home.run(['whoami', '-o', 'json']);
    assert.equal(JSON.parse(who.stdout).username, 'meshdeck');
    assert.equal(JSON.parse(who.stdout).credential, 'builtin');
    const login = await home.run(['login']);
    assert.equal(login.code, 0);
    assert.match(login.stderr, /needs no sign-in/);
    const again = JSON.parse(readFileSync(stateFile, 'utf8'));
    assert.equal(again.pid, state.pid, 'one process served every command');
  });

  it('stops on request, and the data survives the next start', async () => {
    const stop = await home.run(['provider', 'stop']);
    assert.equal(stop.code, 0);
    assert.match(stop.stderr, /built-in provider stopped/);
    assert.equal(existsSync(stateFile), false);
    const status = await home.run(['provider', 'status', '-o', 'json']);
    assert.equal(status.code, 0, status.stderr);
    const s = JSON.parse(status.stdout);
    assert.equal(s.builtin, true);
    assert.equal(s.type, 'local');
    assert.equal(s.status, 'ready');
    const pulled = await home.run(['design', 'pull', 'builtin-0', '-o', 'json']);
    assert.equal(configOf(JSON.parse(pulled.stdout)).n, '0');
  });
});
