import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { contentKey } from './parsed-cache.js';
import { loadConfig } from './store.js';

const dir = mkdtempSync(join(tmpdir(), 'meshdeck-cache-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('parsed config cache', () => {
  it('keys on content, so any edit is seen', () => {
    assert.notEqual(contentKey('namespace: a'), contentKey('namespace: b'));
    assert.notEqual(contentKey('ab'), contentKey('ba'));
    assert.equal(contentKey('same'), contentKey('same'));
  });

  it('returns the same config from the cache as from a parse, and notices edits', async () => {
    const file = join(dir, 'config.yaml');
    const cache = join(dir, 'cache');
    writeFileSync(file, 'apiVersion: meshdeck/v1\ncontexts:\n  - name: a\n    nmspace: x\n');
    const first = await loadConfig(file, cache);
    const second = await loadConfig(file, cache);
    assert.deepEqual(second, first);
    assert.equal(second.warnings.length, 1);

    writeFileSync(file, 'apiVersion: meshdeck/v1\ncontexts:\n  - name: b\n');
    const third = await loadConfig(file, cache);
    assert.deepEqual(
      third.config.contexts.map((c) => c.name),
      ['b'],
    );
    assert.equal(third.warnings.length, 0);
  });

  it('still validates: a broken file fails even after a good one was cached', async () => {
    const file = join(dir, 'config2.yaml');
    const cache = join(dir, 'cache2');
    writeFileSync(file, 'apiVersion: meshdeck/v1\n');
    await loadConfig(file, cache);
    writeFileSync(file, 'apiVersion: meshdeck/v2\n');
    await assert.rejects(loadConfig(file, cache), /unsupported config schema version/);
  });
});
