import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Outbox, type OutboxChange } from './outbox.js';

const root = mkdtempSync(join(tmpdir(), 'meshdeck-outbox-'));
after(() => rmSync(root, { recursive: true, force: true }));

const change = (name: string): OutboxChange => ({
  op: 'create',
  kind: 'designs',
  id: `id-${name}`,
  name,
  data: { name },
  idempotencyKey: `key-${name}-000000`,
  queuedAt: new Date().toISOString(),
});

describe('Outbox', () => {
  it('keeps changes in the order they were queued, across instances, until removed', async () => {
    const dir = join(root, 'a');
    const first = new Outbox(dir);
    for (const name of ['one', 'two', 'three']) await first.exclusive(() => first.append(change(name)));
    const second = new Outbox(dir);
    const entries = await second.entries();
    assert.deepEqual(
      entries.map((e) => [e.seq, e.name, e.idempotencyKey]),
      [
        [1, 'one', 'key-one-000000'],
        [2, 'two', 'key-two-000000'],
        [3, 'three', 'key-three-000000'],
      ],
    );
    await second.remove(entries[0]);
    await second.exclusive(() => second.append(change('four')));
    assert.deepEqual(
      (await first.entries()).map((e) => e.name),
      ['two', 'three', 'four'],
    );
    assert.equal((await first.entries()).at(-1)?.seq, 4, 'numbers only grow');
  });

  it('appends from many concurrent writers without losing or reordering any', async () => {
    const dir = join(root, 'b');
    await Promise.all(
      Array.from({ length: 15 }, (_, i) => {
        const box = new Outbox(dir);
        return box.exclusive(() => box.append(change(`c${i}`)));
      }),
    );
    const entries = await new Outbox(dir).entries();
    assert.equal(entries.length, 15);
    assert.deepEqual(
      entries.map((e) => e.seq),
      Array.from({ length: 15 }, (_, i) => i + 1),
    );
  });

  it('is empty when its folder does not exist', async () => {
    assert.equal(await new Outbox(join(root, 'missing')).isEmpty(), true);
  });
});
