import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ExitCode, MeshdeckError } from '../errors.js';
import { FileCredentialStore } from './file-store.js';

const root = mkdtempSync(join(tmpdir(), 'meshdeck-cred-'));
after(() => rmSync(root, { recursive: true, force: true }));

const credential = (provider: string) => ({
  provider,
  accessToken: `mda_secret_for_${provider}`,
  method: 'device' as const,
  obtainedAt: new Date().toISOString(),
});

describe('FileCredentialStore', () => {
  it('writes 0600 in a 0700 folder and reads back per provider', async () => {
    const dir = join(root, 'a', 'meshdeck');
    const store = new FileCredentialStore(join(dir, 'credentials.json'));
    await store.set(credential('http://one'));
    await store.set(credential('http://two'));
    assert.equal(statSync(store.location).mode & 0o777, 0o600);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal((await store.get('http://one'))?.accessToken, 'mda_secret_for_http://one');
    assert.equal(await store.delete('http://one'), true);
    assert.equal(await store.delete('http://one'), false);
    assert.equal(await store.get('http://one'), undefined);
    assert.ok(readFileSync(store.location, 'utf8').includes('http://two'));
  });

  it('refuses a file others can read, and says to chmod 600 it', async () => {
    const store = new FileCredentialStore(join(root, 'b', 'credentials.json'));
    await store.set(credential('http://one'));
    chmodSync(store.location, 0o644);
    await assert.rejects(store.get('http://one'), (err: MeshdeckError) => {
      assert.equal(err.exitCode, ExitCode.AUTH);
      assert.match(err.message, /permissions \(0644\)/);
      assert.equal(err.hint?.startsWith(`chmod 600 ${store.location}`), true);
      return true;
    });
  });
});
