// The device authorization grant (RFC 8628): the CLI gets a device code and a short user code, the person
// approves the user code on the verification page, the CLI polls the token endpoint until then.
import type { Database, Queryable } from '../db/database.js';
import { oauthError } from '../http/errors.js';
import { hashToken, newToken, newUserCode, normalizeUserCode } from './secrets.js';
import { issueSession, type TokenSettings } from './tokens.js';
import type { DeviceCodeResponse, TokenResponse } from '../../protocol/auth.js';

export interface DeviceSettings {
  intervalSeconds: number;
  expiresInSeconds: number;
}

export async function startDeviceAuthorization(
  db: Queryable,
  verificationUri: string,
  settings: DeviceSettings,
): Promise<DeviceCodeResponse> {
  const deviceCode = newToken('mdd');
  for (let attempt = 0; ; attempt++) {
    const userCode = newUserCode();
    const rows = await db.query(
      `INSERT INTO device_codes (device_hash, user_code, interval_s, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4)) ON CONFLICT (user_code) DO NOTHING RETURNING 1`,
      [hashToken(deviceCode), userCode, settings.intervalSeconds, settings.expiresInSeconds],
    );
    if (rows.length === 0 && attempt < 5) continue;
    return {
      device_code: deviceCode,
      user_code: userCode,
      verification_uri: verificationUri,
      verification_uri_complete: `${verificationUri}?user_code=${encodeURIComponent(userCode)}`,
      expires_in: settings.expiresInSeconds,
      interval: settings.intervalSeconds,
    };
  }
}

/** What the verification page does with a user code once the person has signed in. */
export async function decideUserCode(
  db: Queryable,
  userCode: string,
  userId: string,
  approve: boolean,
): Promise<'done' | 'unknown' | 'expired'> {
  const rows = await db.query<{ expired: boolean }>(
    `UPDATE device_codes SET status = $3, user_id = $2
      WHERE user_code = $1 AND status = 'pending' RETURNING expires_at <= now() AS expired`,
    [normalizeUserCode(userCode), userId, approve ? 'approved' : 'denied'],
  );
  if (rows.length === 0) return 'unknown';
  return rows[0].expired ? 'expired' : 'done';
}

/** One poll of the token endpoint with a device code. */
export async function pollDeviceCode(
  db: Database,
  deviceCode: string,
  tokens: TokenSettings,
): Promise<TokenResponse> {
  const outcome = await db.transaction(async (tx) => {
    const rows = await tx.query<{
      status: string;
      user_id: string | null;
      interval_s: number;
      expired: boolean;
      too_soon: boolean;
    }>(
      `SELECT status, user_id, interval_s, expires_at <= now() AS expired,
              (last_poll_at IS NOT NULL AND last_poll_at > now() - make_interval(secs => interval_s * 0.8)) AS too_soon
         FROM device_codes WHERE device_hash = $1 FOR UPDATE`,
      [hashToken(deviceCode)],
    );
    const row = rows[0];
    if (!row) return { error: 'invalid_grant', text: 'unknown device code' };
    if (row.expired) return { error: 'expired_token', text: 'the device code expired; start again' };
    if (row.too_soon) {
      // RFC 8628 section 3.5: polling too fast adds 5 seconds to the interval.
      await tx.query(
        'UPDATE device_codes SET interval_s = interval_s + 5, last_poll_at = now() WHERE device_hash = $1',
        [hashToken(deviceCode)],
      );
      return { error: 'slow_down', text: `poll at most every ${row.interval_s + 5} seconds` };
    }
    await tx.query('UPDATE device_codes SET last_poll_at = now() WHERE device_hash = $1', [
      hashToken(deviceCode),
    ]);
    if (row.status === 'pending') return { error: 'authorization_pending', text: 'waiting for approval' };
    if (row.status === 'denied') return { error: 'access_denied', text: 'the request was denied' };
    if (row.status === 'used') return { error: 'invalid_grant', text: 'the device code was already used' };
    await tx.query(`UPDATE device_codes SET status = 'used' WHERE device_hash = $1`, [hashToken(deviceCode)]);
    return { tokens: await issueSession(tx, row.user_id!, tokens) };
  });
  if ('error' in outcome) throw oauthError(outcome.error ?? 'invalid_grant', outcome.text ?? '');
  return outcome.tokens;
}
