// What a provider server is started with, and the defaults.
import type { RateLimit } from '../http/rate-limit.js';
import type { Quota } from '../store/quota.js';

export interface ProviderServerOptions {
  /** Embedded PGlite in this folder (the default storage). */
  dataDir?: string;
  /** PostgreSQL instead of PGlite. */
  databaseUrl?: string;
  /** Keep everything in memory (tests, demos). */
  memory?: boolean;
  /** Address to listen on; 127.0.0.1 unless said otherwise. */
  host?: string;
  /** Port; 0 picks a free one. */
  port?: number;
  /** The URL people and clients use, when it differs from the listening address (a proxy in front). */
  publicUrl?: string;
  /** The first admin, created when the provider has no user yet. */
  initAdmin?: { username: string; password: string };
  accessTokenTtlSeconds?: number;
  refreshTokenTtlSeconds?: number;
  deviceIntervalSeconds?: number;
  deviceCodeTtlSeconds?: number;
  /** Largest request body accepted; larger ones get 413. */
  maxBodyBytes?: number;
  /** Per client address, on the sign-in and token endpoints. */
  authRateLimit?: RateLimit;
  /**
   * Single-user mode without sign-in, for the built-in provider: every request must carry this secret as
   * its bearer token, and acts as the one local user.
   */
  local?: { token: string };
  providerName?: string;
  /**
   * How long a verified access token is trusted without asking the database again. Revocation and
   * refresh through this server take effect at once; through another replica, within this time.
   */
  tokenCacheMs?: number;
  /** How long a client may take to send its request headers, and its whole request; then 408. */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** What one user may store: documents (of every kind) and bytes of document data. */
  quota?: Partial<Quota>;
  /** How long an API token lives when its creator does not say, and the longest it may live. */
  apiTokenDefaultDays?: number;
  apiTokenMaxDays?: number;
  /** How often expired idempotency keys, tokens, sessions and sign-in codes are deleted. */
  sweepIntervalMs?: number;
  /** How long an Idempotency-Key is remembered (a retry after that is a new request). */
  idempotencyTtlSeconds?: number;
  /** Receives one line per request and per notable event; never secrets. */
  log?: (line: string) => void;
}

export type { Quota };

export const DEFAULTS = {
  host: '127.0.0.1',
  accessTokenTtlSeconds: 3600,
  refreshTokenTtlSeconds: 30 * 24 * 3600,
  deviceIntervalSeconds: 5,
  deviceCodeTtlSeconds: 600,
  maxBodyBytes: 1024 * 1024,
  authRateLimit: { burst: 20, perMinute: 30 },
  tokenCacheMs: 5000,
  headersTimeoutMs: 15_000,
  requestTimeoutMs: 30_000,
  quota: { documents: 10_000, bytes: 1024 * 1024 * 1024 },
  sweepIntervalMs: 10 * 60_000,
  idempotencyTtlSeconds: 24 * 3600,
  apiTokenDefaultDays: 30,
  apiTokenMaxDays: 365,
} as const;

export const LOCAL_USER = {
  id: '00000000-0000-4000-8000-000000000001',
  username: 'meshdeck',
  displayName: 'Local user',
  email: '',
  role: 'admin' as const,
};
