// What every route handler shares: the database, the settings, authentication and rate limiting.
import type { Database } from '../db/database.js';
import { ApiError, unauthorized } from '../http/errors.js';
import { RateLimiter } from '../http/rate-limit.js';
import { sameSecret } from '../auth/secrets.js';
import { verifyAccessToken, type Principal, type TokenSettings } from '../auth/tokens.js';
import { PrincipalCache } from '../auth/principal-cache.js';
import { DocumentReader } from '../store/document-reader.js';
import { DEFAULTS, LOCAL_USER, type ProviderServerOptions, type Quota } from './options.js';
import type { RequestContext } from './router.js';

export interface App {
  db: Database;
  options: ProviderServerOptions;
  tokens: TokenSettings;
  maxBodyBytes: number;
  /** What each user may store. */
  quota: Quota;
  device: { intervalSeconds: number; expiresInSeconds: number };
  /** The URL clients use; known once the server listens. */
  publicUrl: () => string;
  authenticate(ctx: RequestContext): Promise<Principal>;
  /** Verified tokens, kept briefly; cleared for a session when it is revoked or refreshed here. */
  principals: PrincipalCache;
  /** Single-document reads, batched per event-loop turn. */
  documents: DocumentReader;
  /** Throws 429 when the client has used up its auth requests. */
  limitAuth(ctx: RequestContext): void;
  log(line: string): void;
}

export function createApp(db: Database, options: ProviderServerOptions, publicUrl: () => string): App {
  const limiter = new RateLimiter(options.authRateLimit ?? DEFAULTS.authRateLimit);
  const local = options.local;
  const principals = new PrincipalCache(options.tokenCacheMs ?? DEFAULTS.tokenCacheMs);
  return {
    principals,
    documents: new DocumentReader(db),
    db,
    options,
    publicUrl,
    tokens: {
      accessTtlSeconds: options.accessTokenTtlSeconds ?? DEFAULTS.accessTokenTtlSeconds,
      refreshTtlSeconds: options.refreshTokenTtlSeconds ?? DEFAULTS.refreshTokenTtlSeconds,
    },
    maxBodyBytes: options.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
    quota: { ...DEFAULTS.quota, ...options.quota },
    device: {
      intervalSeconds: options.deviceIntervalSeconds ?? DEFAULTS.deviceIntervalSeconds,
      expiresInSeconds: options.deviceCodeTtlSeconds ?? DEFAULTS.deviceCodeTtlSeconds,
    },
    async authenticate(ctx) {
      const header = ctx.req.headers.authorization ?? '';
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) throw unauthorized('sign in first: send Authorization: Bearer <token>');
      if (local) {
        if (!sameSecret(match[1], local.token)) throw unauthorized('unknown token');
        return { user: LOCAL_USER, sessionId: 'local', kind: 'local' };
      }
      return principals.get(match[1], () => verifyAccessToken(db, match[1]));
    },
    limitAuth(ctx) {
      const verdict = limiter.take(ctx.ip);
      if (!verdict.ok) {
        throw new ApiError(
          429,
          'rate_limited',
          `too many sign-in requests; try again in ${verdict.retryAfterSeconds} s`,
          {},
          { 'retry-after': String(verdict.retryAfterSeconds) },
        );
      }
    },
    log: options.log ?? (() => undefined),
  };
}
