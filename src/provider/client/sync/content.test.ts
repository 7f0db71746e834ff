import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentHash } from './content.js';

describe('contentHash', () => {
  it('ignores key order but not values', () => {
    assert.equal(
      contentHash({ a: 1, b: { c: [1, 2], d: 'x' } }),
      contentHash({ b: { d: 'x', c: [1, 2] }, a: 1 }),
    );
    assert.notEqual(contentHash({ a: 1 }), contentHash({ a: 2 }));
    assert.notEqual(contentHash({ a: [1, 2] }), contentHash({ a: [2, 1] }));
  });
});
