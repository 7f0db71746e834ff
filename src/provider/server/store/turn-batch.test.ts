import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { TurnBatch } from './turn-batch.js';

describe('TurnBatch', () => {
  it('answers the lookups of one turn with one load, each caller with its own value', async () => {
    const loads: number[][] = [];
    const batch = new TurnBatch<number, string>(async (keys) => {
      loads.push(keys);
      return keys.map((k) => (k % 2 === 0 ? `even ${k}` : undefined));
    });
    const first = await Promise.all([1, 2, 3, 4].map((k) => batch.get(k)));
    assert.deepEqual(first, [undefined, 'even 2', undefined, 'even 4']);
    assert.deepEqual(loads, [[1, 2, 3, 4]]);
    // A later turn is a new batch; a lone lookup is not held back for company.
    assert.equal(await batch.get(6), 'even 6');
    assert.deepEqual(loads, [[1, 2, 3, 4], [6]]);
  });

  it('splits a large turn into several loads, and a failed load rejects only its own callers', async () => {
    const sizes: number[] = [];
    const batch = new TurnBatch<number, number>(async (keys) => {
      sizes.push(keys.length);
      if (keys.includes(0)) throw new Error('database down');
      return keys;
    });
    const results = await Promise.allSettled(Array.from({ length: 600 }, (_, i) => batch.get(i)));
    assert.deepEqual(sizes, [256, 256, 88]);
    assert.ok(results.slice(0, 256).every((r) => r.status === 'rejected'));
    assert.deepEqual(
      results.slice(256).map((r) => (r.status === 'fulfilled' ? r.value : -1)),
      Array.from({ length: 344 }, (_, i) => i + 256),
    );
    await nextTurn();
    assert.equal(sizes.length, 3, 'nothing is loaded twice');
  });
});
