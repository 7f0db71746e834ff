import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, deepEqual, isObject } from './json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    assert.equal(canonicalJson({ b: [2, 1], a: { d: 1, c: null } }), '{"a":{"c":null,"d":1},"b":[2,1]}');
    assert.equal(canonicalJson({ b: 1, a: 2 }), canonicalJson({ a: 2, b: 1 }));
    assert.notEqual(canonicalJson([1, 2]), canonicalJson([2, 1]));
  });

  it('leaves out undefined fields and writes other undefined values as null, like JSON.stringify', () => {
    assert.equal(canonicalJson({ a: undefined, b: 2 }), '{"b":2}');
    assert.equal(canonicalJson([undefined, 1]), JSON.stringify([undefined, 1]));
    assert.equal(canonicalJson(undefined), 'null');
  });

  it('orders keys by code unit, as Array.prototype.sort does', () => {
    const keys = ['b', 'B', 'a', 'a-1', 'é', 'Z_'];
    const value = Object.fromEntries(keys.map((k) => [k, 1]));
    assert.deepEqual(Object.keys(JSON.parse(canonicalJson(value)) as object), [...keys].sort());
  });
});

describe('deepEqual', () => {
  it('compares JSON structurally', () => {
    assert.equal(deepEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }), true);
    assert.equal(deepEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] }), false);
    assert.equal(deepEqual([1], { 0: 1 }), false);
    assert.equal(deepEqual(null, {}), false);
  });

  it('is strict about keys: an undefined field is not an absent one', () => {
    assert.equal(deepEqual({ a: undefined }, {}), false);
    assert.equal(canonicalJson({ a: undefined }) === canonicalJson({}), true);
  });
});

describe('isObject', () => {
  it('is true for plain objects only', () => {
    assert.equal(isObject({}), true);
    assert.equal(isObject([]), false);
    assert.equal(isObject(null), false);
  });
});
