import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createProfile } from '../profile/profile.js';
import type { PerfResult } from '../result/model.js';
import { localPerfStores } from './local.js';

const dir = mkdtempSync(join(tmpdir(), 'meshdeck-perf-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function result(
  id: string,
  name: string,
  start: string,
  profile: { id: string; name: string } | null = null,
): PerfResult {
  return { kind: 'PerfResult', id, name, start_time: start, profile } as unknown as PerfResult;
}

describe('local profile store', () => {
  const warnings: string[] = [];
  const { profiles } = localPerfStores(join(dir, 'a'), (m) => warnings.push(m));

  it('saves, finds by id, id prefix and name, and lists by name', async () => {
    const b = await profiles.save(createProfile({ name: 'beta', settings: { url: 'http://b/' } }));
    const a = await profiles.save(createProfile({ name: 'alpha', settings: { url: 'http://a/' } }));
    assert.deepEqual(
      (await profiles.list()).map((p) => p.name),
      ['alpha', 'beta'],
    );
    assert.equal((await profiles.get(a.id))?.name, 'alpha');
    assert.equal((await profiles.get(b.id.slice(0, 8)))?.name, 'beta');
    assert.equal((await profiles.get('beta'))?.id, b.id);
    assert.equal(await profiles.get('gamma'), undefined);
    const file = join(dir, 'a', 'perf', 'profiles', `${a.id}.json`);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).name, 'alpha');
  });

  it('keeps names unique, but lets a profile be saved again under its own name', async () => {
    await assert.rejects(
      profiles.save(createProfile({ name: 'alpha', settings: { url: 'http://x/' } })),
      /already exists/,
    );
    const a = (await profiles.get('alpha'))!;
    await profiles.save({ ...a, description: 'updated' });
    assert.equal((await profiles.get('alpha'))?.description, 'updated');
  });

  it('deletes, and skips unreadable files with a warning', async () => {
    const a = (await profiles.get('alpha'))!;
    assert.equal(await profiles.delete(a.id), true);
    assert.equal(await profiles.delete(a.id), false);
    writeFileSync(join(dir, 'a', 'perf', 'profiles', 'broken.json'), '{not json');
    assert.deepEqual(
      (await profiles.list()).map((p) => p.name),
      ['beta'],
    );
    assert.match(warnings.join('\n'), /skipping .*broken\.json: not a valid profile/);
  });
});

describe('local result store', () => {
  const { results } = localPerfStores(join(dir, 'b'));

  it('lists newest first, filters by profile, and resolves a shared name to the newest', async () => {
    const p = { id: 'p-1', name: 'checkout' };
    await results.save(result('11111111-aaaa', 'run', '2026-01-01T00:00:00.000Z', p));
    await results.save(result('22222222-bbbb', 'run', '2026-01-02T00:00:00.000Z'));
    await results.save(result('22223333-cccc', 'other', '2026-01-03T00:00:00.000Z', p));
    assert.deepEqual(
      (await results.list()).map((r) => r.id),
      ['22223333-cccc', '22222222-bbbb', '11111111-aaaa'],
    );
    assert.deepEqual(
      (await results.list({ profile: 'checkout' })).map((r) => r.id),
      ['22223333-cccc', '11111111-aaaa'],
    );
    assert.equal((await results.get('run'))?.id, '22222222-bbbb');
    assert.equal((await results.get('1111'))?.id, '11111111-aaaa');
    await assert.rejects(results.get('2222'), /"2222" is the start of 2 result ids/);
    assert.equal(await results.get('abc'), undefined);
  });
});
