import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PrincipalCache } from './principal-cache.js';
import type { Principal } from './tokens.js';

const principal = (sessionId: string): Principal => ({
  sessionId,
  kind: 'login',
  user: { id: 'u', username: 'u', displayName: '', email: '', role: 'user' },
});

describe('PrincipalCache', () => {
  it('remembers a verified token, and forgets its session at once', async () => {
    const cache = new PrincipalCache(60_000);
    let asked = 0;
    const verify = async () => {
      asked++;
      return principal('s1');
    };
    await cache.get('mda_a', verify);
    await cache.get('mda_a', verify);
    assert.equal(asked, 1);
    cache.forgetSession('s1');
    await cache.get('mda_a', verify);
    assert.equal(asked, 2);
  });

  it('does not remember an answer the database gave before a revocation committed', async () => {
    const cache = new PrincipalCache(60_000);
    let release!: () => void;
    const slow = () =>
      new Promise<Principal>((resolve) => {
        release = () => resolve(principal('s1'));
      });
    const inFlight = cache.get('mda_a', slow);
    cache.forgetSession('s1'); // the session was revoked while the lookup was on its way
    release();
    await inFlight;
    let asked = 0;
    await cache
      .get('mda_a', async () => {
        asked++;
        throw new Error('token revoked');
      })
      .catch(() => undefined);
    assert.equal(asked, 1, 'the token is verified again, not served from memory');
  });

  it('never remembers a token past its expiry', async () => {
    const cache = new PrincipalCache(60_000);
    let asked = 0;
    const verify = async () => {
      asked++;
      return { ...principal('s2'), expiresAt: Date.now() + 30 };
    };
    await cache.get('mda_b', verify);
    await new Promise((r) => setTimeout(r, 60));
    await cache.get('mda_b', verify);
    assert.equal(asked, 2);
  });
});
