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

  constructor(private readonly ttlMs: number) {}

  async get(token: string, verify: () => Promise<Principal & { expiresAt?: number }>): Promise<Principal> {
    if (this.ttlMs <= 0) return verify();
    const key = hashToken(token);
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.principal;
    const principal = await verify();
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, { principal, until: Math.min(now + this.ttlMs, principal.expiresAt ?? Infinity) });
    return principal;
  }

  /** Forgets every token of a session (revoked, or rotated by a refresh). */
  forgetSession(sessionId: string): void {
    for (const [key, entry] of this.entries)
      if (entry.principal.sessionId === sessionId) this.entries.delete(key);
  }
}
