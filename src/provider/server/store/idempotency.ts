// Idempotency keys: a request sent again with the same key (a retry after a lost answer, an outbox
// replay) gets the first answer again instead of doing the work twice. The key row is written in the
// same transaction as the work, so they commit together or not at all.
import { createHash } from 'node:crypto';
import type { Database, Queryable } from '../db/database.js';
import { ApiError } from '../http/errors.js';

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** True when this is the stored answer to an earlier request with the same key. */
  replayed?: boolean;
}

export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:-]{8,200}$/;

export function fingerprint(...parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

export async function idempotent(
  db: Database,
  owner: string,
  key: string | undefined,
  print: string,
  work: (tx: Queryable) => Promise<Reply>,
): Promise<Reply> {
  if (key === undefined) return db.transaction(work);
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new ApiError(
      400,
      'invalid_idempotency_key',
      'Idempotency-Key: 8 to 200 letters, digits and . _ : -',
    );
  }
  return db.transaction(async (tx) => {
    // A concurrent request with the same key waits here until the first one commits.
    const inserted = await tx.query(
      `INSERT INTO idempotency_keys (owner_id, key, fingerprint, status) VALUES ($1, $2, $3, 0)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [owner, key, print],
    );
    if (inserted.length === 0) {
      const rows = await tx.query<{ fingerprint: string; status: number; body: string }>(
        'SELECT fingerprint, status, body FROM idempotency_keys WHERE owner_id = $1 AND key = $2',
        [owner, key],
      );
      if (rows[0].fingerprint !== print) {
        throw new ApiError(
          422,
          'idempotency_key_reused',
          'this Idempotency-Key was used for a different request',
        );
      }
      return { ...(JSON.parse(rows[0].body) as Reply), replayed: true };
    }
    let reply: Reply;
    try {
      reply = await work(tx);
    } catch (err) {
      // A refusal (4xx) is an answer too: a retry must get it again. Anything else rolls back the key,
      // and so does a full quota (413) or a rate limit (429): a retry may pass once there is room.
      if (!(err instanceof ApiError) || err.status >= 500 || err.status === 413 || err.status === 429)
        throw err;
      reply = { status: err.status, body: { error: err.code, message: err.message, ...err.extra } };
    }
    await tx.query('UPDATE idempotency_keys SET status = $3, body = $4 WHERE owner_id = $1 AND key = $2', [
      owner,
      key,
      reply.status,
      JSON.stringify(reply),
    ]);
    return reply;
  });
}
