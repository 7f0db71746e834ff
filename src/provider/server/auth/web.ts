// Browser sign-in: the authorization code grant with PKCE (RFC 7636), redirecting only to a loopback
// address (RFC 8252 section 7.3), where the CLI listens for the code.
import { createHash } from 'node:crypto';
import type { Database, Queryable } from '../db/database.js';
import { oauthError } from '../http/errors.js';
import { hashToken, newToken } from './secrets.js';
import { issueSession, type TokenSettings } from './tokens.js';
import type { TokenResponse } from '../../protocol/auth.js';

const CODE_TTL_SECONDS = 120;

/** Why a redirect URI is refused, or undefined when it is a loopback http URL. */
export function redirectUriProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'redirect_uri is not a URL';
  }
  if (url.protocol !== 'http:') return 'redirect_uri must be http:// on a loopback address';
  if (!['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname)) {
    return 'redirect_uri must point at a loopback address (127.0.0.1, [::1] or localhost)';
  }
  return undefined;
}

export async function issueAuthCode(
  db: Queryable,
  userId: string,
  redirectUri: string,
  codeChallenge: string,
): Promise<string> {
  const code = newToken('mdc');
  await db.query(
    `INSERT INTO auth_codes (code_hash, user_id, redirect_uri, code_challenge, expires_at)
     VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
    [hashToken(code), userId, redirectUri, codeChallenge, CODE_TTL_SECONDS],
  );
  return code;
}

export async function exchangeAuthCode(
  db: Database,
  code: string,
  redirectUri: string,
  verifier: string,
  tokens: TokenSettings,
): Promise<TokenResponse> {
  const outcome = await db.transaction(async (tx) => {
    const rows = await tx.query<{
      user_id: string;
      redirect_uri: string;
      code_challenge: string;
      used_at: Date | null;
      expired: boolean;
    }>(
      `SELECT user_id, redirect_uri, code_challenge, used_at, expires_at <= now() AS expired
         FROM auth_codes WHERE code_hash = $1 FOR UPDATE`,
      [hashToken(code)],
    );
    const row = rows[0];
    if (!row || row.used_at || row.expired) return { error: 'the code is unknown, used or expired' };
    if (row.redirect_uri !== redirectUri)
      return { error: 'redirect_uri does not match the one of the request' };
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    if (challenge !== row.code_challenge) return { error: 'code_verifier does not match the code_challenge' };
    await tx.query('UPDATE auth_codes SET used_at = now() WHERE code_hash = $1', [hashToken(code)]);
    return { tokens: await issueSession(tx, row.user_id, tokens) };
  });
  if ('error' in outcome) throw oauthError('invalid_grant', outcome.error ?? 'invalid code');
  return outcome.tokens;
}
