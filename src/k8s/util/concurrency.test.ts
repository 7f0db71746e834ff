import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { mapLimit, settleLimit } from './concurrency.js';
import { canonicalJson } from '../../kube/json.js';

describe('bounded parallelism', () => {
  it('never runs more than the limit at once, and keeps the input order', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3, 0, 6, 2], 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await sleep(n);
      running--;
      return n * 10;
    });
    assert.deepEqual(out, [50, 10, 40, 20, 30, 0, 60, 20]);
    assert.equal(peak, 3);
  });

  it('mapLimit stops at the first failure; settleLimit runs everything and keeps each outcome', async () => {
    const started: number[] = [];
    await assert.rejects(
      mapLimit([1, 2, 3, 4, 5], 1, async (n) => {
        started.push(n);
        if (n === 2) throw new Error('two');
        return n;
      }),
      /two/,
    );
    assert.deepEqual(started, [1, 2]);
    const settled = await settleLimit([1, 2, 3], 2, async (n) => {
      if (n === 2) throw new Error('two');
      return n;
    });
    assert.deepEqual(
      settled.map((s) => s.ok),
      [true, false, true],
    );
  });

  it('canonical JSON does not depend on key order', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } }),
      '{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}',
    );
    assert.equal(canonicalJson({ a: undefined, b: 2 }), '{"b":2}');
  });
});
