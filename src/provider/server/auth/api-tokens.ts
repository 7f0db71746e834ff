// API tokens: long-lived access tokens for CI and scripts (MESHDECK_TOKEN, login --with-token). Each is
// a session of its own (kind api-token) with one access token and no refresh token; it always expires,
// belongs to the user who made it and records the sign-in it was made with (created_by), so that a
// session revoked as stolen takes its API tokens along. Only the hash of the secret is stored.
import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../db/database.js';
import { hashToken, newToken } from './secrets.js';
import type { ApiTokenCreated, ApiTokenInfo } from '../../protocol/auth.js';

export async function issueApiToken(
  db: Database,
  userId: string,
  input: { name: string; ttlSeconds: number; createdBy?: string },
): Promise<ApiTokenCreated> {
  const id = randomUUID();
  const token = newToken('mdk');
  return db.transaction(async (tx) => {
    const sessions = await tx.query<{ created_at: Date }>(
      `INSERT INTO sessions (id, user_id, kind, name, created_by) VALUES ($1, $2, 'api-token', $3, $4)
       RETURNING created_at`,
      [id, userId, input.name, input.createdBy ?? null],
    );
    const tokens = await tx.query<{ expires_at: Date }>(
      `INSERT INTO tokens (hash, session_id, kind, expires_at)
       VALUES ($1, $2, 'access', now() + make_interval(secs => $3)) RETURNING expires_at`,
      [hashToken(token), id, input.ttlSeconds],
    );
    return {
      id,
      name: input.name,
      token,
      createdAt: sessions[0].created_at.toISOString(),
      expiresAt: tokens[0].expires_at.toISOString(),
    };
  });
}

/** A user's API tokens that are not revoked, newest first (expired ones until the sweep removes them). */
export async function listApiTokens(db: Queryable, userId: string): Promise<ApiTokenInfo[]> {
  const rows = await db.query<{
    id: string;
    name: string;
    created_at: Date;
    expires_at: Date | null;
    last_used_at: Date | null;
  }>(
    `SELECT s.id, s.name, s.created_at, t.expires_at, s.last_used_at
       FROM sessions s JOIN tokens t ON t.session_id = s.id AND t.kind = 'access'
      WHERE s.user_id = $1 AND s.kind = 'api-token' AND s.revoked_at IS NULL
      ORDER BY s.created_at DESC, s.id`,
    [userId],
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    createdAt: r.created_at.toISOString(),
    expiresAt: r.expires_at?.toISOString() ?? null,
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
  }));
}

/** Revokes one of the user's API tokens; false when they have none with that id. */
export async function revokeApiToken(db: Queryable, userId: string, id: string): Promise<boolean> {
  const rows = await db.query(
    `UPDATE sessions SET revoked_at = now()
      WHERE id = $1 AND user_id = $2 AND kind = 'api-token' AND revoked_at IS NULL RETURNING 1`,
    [id, userId],
  );
  return rows.length > 0;
}
