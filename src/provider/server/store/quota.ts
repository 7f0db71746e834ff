// Per-user quotas: how many documents (of every kind) and how many bytes of document data a user may
// keep. Each write locks the user's usage row first (one row, so checking is cheap), checks what it adds,
// and records the change after its own write succeeded, all in the write's transaction.
import type { Queryable } from '../db/database.js';
import { ApiError } from '../http/errors.js';

/** What one user may store: documents (of every kind) and bytes of document data. */
export interface Quota {
  documents: number;
  bytes: number;
}

export interface Usage {
  documents: number;
  bytes: number;
}

/** Locks the owner's usage row until the transaction ends and returns what they use. */
export async function lockUsage(db: Queryable, owner: string): Promise<Usage> {
  const rows = await db.query<{ documents: string; bytes: string }>(
    `INSERT INTO storage_usage (owner_id) VALUES ($1)
     ON CONFLICT (owner_id) DO UPDATE SET owner_id = EXCLUDED.owner_id RETURNING documents, bytes`,
    [owner],
  );
  return { documents: Number(rows[0].documents), bytes: Number(rows[0].bytes) };
}

/** Throws 413 quota_exceeded when adding `change` to `used` goes past the quota (shrinking always passes). */
export function checkQuota(quota: Quota, used: Usage, change: Usage): void {
  if (change.documents > 0 && used.documents + change.documents > quota.documents) {
    throw quotaExceeded(
      'documents',
      quota.documents,
      used.documents,
      `storing this would exceed your quota of ${quota.documents} documents (${used.documents} stored)`,
    );
  }
  if (change.bytes > 0 && used.bytes + change.bytes > quota.bytes) {
    throw quotaExceeded(
      'bytes',
      quota.bytes,
      used.bytes,
      `this change needs ${change.bytes} more bytes, which would exceed your quota of ${quota.bytes} bytes (${used.bytes} used)`,
    );
  }
}

export async function recordUsage(db: Queryable, owner: string, change: Usage): Promise<void> {
  await db.query(
    'UPDATE storage_usage SET documents = documents + $2, bytes = bytes + $3 WHERE owner_id = $1',
    [owner, change.documents, change.bytes],
  );
}

function quotaExceeded(quota: keyof Usage, limit: number, used: number, message: string): ApiError {
  return new ApiError(413, 'quota_exceeded', `${message}; delete some to make room`, { quota, limit, used });
}
