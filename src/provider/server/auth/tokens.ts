// Sessions and their tokens. Access tokens are short-lived; refresh tokens rotate on every use, and a
// refresh token used twice revokes its whole session (someone else has a copy), except within a short
// grace window while the pair it was exchanged for is still unused: that is a retry whose answer was lost
// (Ctrl-C, kill -9, a dropped connection), answered with a fresh pair. Only hashes are stored.
import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../db/database.js';
import { oauthError, unauthorized } from '../http/errors.js';
import { hashToken, newToken } from './secrets.js';
import type { User } from './users.js';
import type { TokenResponse } from '../../protocol/auth.js';

export interface TokenSettings {
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
}

/** How long after a rotation the old refresh token may be sent again (a retry), if the new one is unused. */
export const REFRESH_RETRY_GRACE_SECONDS = 60;

export interface Principal {
  user: User;
  sessionId: string;
  /** A person's sign-in (login), an API token, or the built-in provider's one user (local). */
  kind: 'login' | 'api-token' | 'local';
  /** When the token stops working (ms since the epoch); unset when it does not expire. */
  expiresAt?: number;
}

/** Starts a login session for a user and returns its first access and refresh tokens. */
export async function issueSession(
  db: Queryable,
  userId: string,
  settings: TokenSettings,
): Promise<TokenResponse> {
  const sessionId = randomUUID();
  await db.query(`INSERT INTO sessions (id, user_id, kind) VALUES ($1, $2, 'login')`, [sessionId, userId]);
  return issuePair(db, sessionId, settings);
}

async function issuePair(db: Queryable, sessionId: string, settings: TokenSettings): Promise<TokenResponse> {
  const access = newToken('mda');
  const refresh = newToken('mdr');
  await db.query(
    `INSERT INTO tokens (hash, session_id, kind, expires_at) VALUES
     ($1, $3, 'access', now() + make_interval(secs => $4)),
     ($2, $3, 'refresh', now() + make_interval(secs => $5))`,
    [hashToken(access), hashToken(refresh), sessionId, settings.accessTtlSeconds, settings.refreshTtlSeconds],
  );
  return {
    access_token: access,
    token_type: 'Bearer',
    expires_in: settings.accessTtlSeconds,
    refresh_token: refresh,
  };
}

interface AccessRow {
  session_id: string;
  kind: 'login' | 'api-token';
  last_used_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  id: string;
  username: string;
  display_name: string;
  email: string;
  role: 'admin' | 'user';
}

/** The signed-in user behind a bearer token, or a 401 that says why not. */
export async function verifyAccessToken(db: Queryable, token: string): Promise<Principal> {
  const rows = await db.query<AccessRow>(
    `SELECT t.session_id, s.kind, s.last_used_at, t.expires_at, s.revoked_at, u.id, u.username, u.display_name, u.email, u.role
       FROM tokens t JOIN sessions s ON s.id = t.session_id JOIN users u ON u.id = s.user_id
      WHERE t.hash = $1 AND t.kind = 'access'`,
    [hashToken(token)],
  );
  const row = rows[0];
  if (!row) throw unauthorized('unknown token');
  if (row.revoked_at) throw unauthorized('token revoked');
  if (row.expires_at && row.expires_at.getTime() <= Date.now()) throw unauthorized('token expired');
  if (row.kind === 'api-token') await noteApiTokenUse(db, row.session_id, row.last_used_at);
  return {
    sessionId: row.session_id,
    kind: row.kind,
    expiresAt: row.expires_at?.getTime(),
    user: {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      email: row.email,
      role: row.role,
    },
  };
}

/** When an API token was last used, written at most once a minute (not on every request). */
const LAST_USED_PRECISION_SECONDS = 60;

async function noteApiTokenUse(db: Queryable, sessionId: string, lastUsed: Date | null): Promise<void> {
  if (lastUsed && Date.now() - lastUsed.getTime() < LAST_USED_PRECISION_SECONDS * 1000) return;
  await db.query('UPDATE sessions SET last_used_at = now() WHERE id = $1', [sessionId]);
}

/** Exchanges a refresh token for a new pair (rotation). */
export async function refreshSession(
  db: Database,
  refreshToken: string,
  settings: TokenSettings,
  onRotated: (sessionId: string) => void = () => undefined,
): Promise<TokenResponse> {
  const outcome = await db.transaction(async (tx) => {
    const rows = await tx.query<{
      session_id: string;
      expires_at: Date | null;
      used_at: Date | null;
      revoked_at: Date | null;
      replaced_by: string | null;
      successor_used: boolean | null;
    }>(
      `SELECT t.session_id, t.expires_at, t.used_at, s.revoked_at, t.replaced_by,
              (n.used_at IS NOT NULL) AS successor_used
         FROM tokens t JOIN sessions s ON s.id = t.session_id
         LEFT JOIN tokens n ON n.hash = t.replaced_by
        WHERE t.hash = $1 AND t.kind = 'refresh' FOR UPDATE OF t`,
      [hashToken(refreshToken)],
    );
    const row = rows[0];
    if (!row) return { error: 'unknown refresh token' };
    if (row.revoked_at) return { error: 'session revoked' };
    if (row.used_at) {
      const retry =
        Date.now() - row.used_at.getTime() <= REFRESH_RETRY_GRACE_SECONDS * 1000 &&
        row.replaced_by !== null &&
        row.successor_used === false;
      if (!retry) {
        // Reuse of a rotated token: whoever holds the other copy must not keep the session, nor the API
        // tokens made with it (a thief's way to stay in).
        const revoked = await tx.query<{ id: string }>(
          `UPDATE sessions SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 OR created_by = $1 RETURNING id`,
          [row.session_id],
        );
        return {
          error: 'refresh token already used; the session is revoked',
          session: row.session_id,
          alsoRevoked: revoked.map((r) => r.id),
        };
      }
      // The pair issued last time was never used: its answer was lost. It is replaced by a fresh one.
      await tx.query(`UPDATE tokens SET expires_at = now() WHERE hash = $1`, [row.replaced_by]);
    } else if (row.expires_at && row.expires_at.getTime() <= Date.now()) {
      return { error: 'refresh token expired' };
    }
    // The old access tokens stop working with the rotation.
    await tx.query(`UPDATE tokens SET expires_at = now() WHERE session_id = $1 AND kind = 'access'`, [
      row.session_id,
    ]);
    const tokens = await issuePair(tx, row.session_id, settings);
    await tx.query('UPDATE tokens SET used_at = coalesce(used_at, now()), replaced_by = $2 WHERE hash = $1', [
      hashToken(refreshToken),
      hashToken(tokens.refresh_token!),
    ]);
    return { tokens, session: row.session_id };
  });
  // Told after the commit, so no request can cache the old state again in between.
  if (outcome.session) onRotated(outcome.session);
  for (const id of ('alsoRevoked' in outcome ? outcome.alsoRevoked : undefined) ?? []) onRotated(id);
  if ('error' in outcome) throw oauthError('invalid_grant', outcome.error ?? 'invalid refresh token');
  return outcome.tokens;
}

/** Revokes the session a token (access or refresh) belongs to. Unknown tokens are ignored (RFC 7009). */
export async function revokeToken(db: Queryable, token: string): Promise<string | undefined> {
  const rows = await db.query<{ id: string }>(
    `UPDATE sessions SET revoked_at = now()
      WHERE id = (SELECT session_id FROM tokens WHERE hash = $1) AND revoked_at IS NULL RETURNING id`,
    [hashToken(token)],
  );
  return rows[0]?.id;
}
