import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  hashPassword,
  hashToken,
  newToken,
  newUserCode,
  normalizeUserCode,
  verifyPassword,
} from './secrets.js';

describe('provider secrets', () => {
  it('makes distinct prefixed tokens and stores only a hash', () => {
    const a = newToken('mda');
    const b = newToken('mda');
    assert.match(a, /^mda_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, b);
    assert.equal(hashToken(a).length, 64);
    assert.ok(!hashToken(a).includes(a.slice(4)));
  });

  it('verifies a password against its scrypt hash and rejects others', async () => {
    const stored = await hashPassword('correct horse');
    assert.match(stored, /^scrypt\$/);
    assert.equal(await verifyPassword('correct horse', stored), true);
    assert.equal(await verifyPassword('wrong', stored), false);
    assert.equal(await verifyPassword('anything', null), false);
  });

  it('makes user codes people can type, whatever the case and spacing', () => {
    const code = newUserCode();
    assert.match(code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    assert.equal(normalizeUserCode(code.toLowerCase().replace('-', ' ')), code);
  });
});
