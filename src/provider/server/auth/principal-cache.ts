// A short-lived memory of verified access tokens, so that a busy provider does not look every token up
// in the database on every request. Keyed by the token's hash; an entry never outlives the token.
import { hashToken } from './secrets.js';
import type { Principal } from './tokens.js';

interface Entry {
  principal: Principal;
  until: number;
}

const MAX_ENTRIES = 10_000;

export class PrincipalCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every forget: a verification that started before one must not be remembered. */
  private generation = 0;

  constructor(private readonly ttlMs: number) {}

  async get(token: string, verify: () => Promise<Principal & { expiresAt?: number }>): Promise<Principal> {
    if (this.ttlMs <= 0) return verify();
    const key = hashToken(token);
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.principal;
    const generation = this.generation;
    const principal = await verify();
    // A revocation committed while we asked the database: the answer may predate it.
    if (generation !== this.generation) return principal;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, { principal, until: Math.min(now + this.ttlMs, principal.expiresAt ?? Infinity) });
    return principal;
  }

  /** Forgets every token of a session (revoked, or rotated by a refresh). */
  forgetSession(sessionId: string): void {
    this.generation++;
    for (const [key, entry] of this.entries)
      if (entry.principal.sessionId === sessionId) this.entries.delete(key);
  }
}
