// A token bucket per client address, for the auth endpoints: enough for people and the CLI's polling,
// too few for guessing passwords or user codes.

export interface RateLimit {
  /** Requests allowed in a burst. */
  burst: number;
  /** Requests added back per minute. */
  perMinute: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly limit: RateLimit) {}

  /** Takes one token; returns the seconds to wait when there is none left. */
  take(key: string, now = Date.now()): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const rate = this.limit.perMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: this.limit.burst, at: now };
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + (now - bucket.at) * rate);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 10_000) this.prune(now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / rate / 1000)) };
  }

  private prune(now: number): void {
    const full = this.limit.burst / (this.limit.perMinute / 60_000);
    for (const [key, b] of this.buckets) if (now - b.at > full) this.buckets.delete(key);
  }
}
