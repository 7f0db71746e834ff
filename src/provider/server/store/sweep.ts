// The periodic sweep: deletes what has expired, so that tables of one-time and short-lived records
// (idempotency keys, tokens, sessions, device and authorization codes) stay the size of what is live.
import type { Queryable } from '../db/database.js';

export interface SweepSettings {
  /** Idempotency keys older than this are forgotten. */
  idempotencyTtlSeconds: number;
}

/** Revoked sessions are kept this long, so that their tokens are refused as "revoked", not "unknown". */
const REVOKED_SESSION_DAYS = 1;

const STATEMENTS: Array<[string, string]> = [
  ['idempotency keys', 'DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1)'],
  ['tokens', 'DELETE FROM tokens WHERE expires_at <= now()'],
  // A session whose tokens are all gone, or revoked long enough ago (its tokens go with it). One created
  // in the last minute may be about to get its first token.
  [
    'sessions',
    `DELETE FROM sessions s WHERE s.created_at < now() - interval '1 minute'
       AND (s.revoked_at < now() - make_interval(days => ${REVOKED_SESSION_DAYS})
            OR NOT EXISTS (SELECT 1 FROM tokens t WHERE t.session_id = s.id))`,
  ],
  ['device codes', 'DELETE FROM device_codes WHERE expires_at <= now()'],
  ['authorization codes', 'DELETE FROM auth_codes WHERE expires_at <= now()'],
];

/** Deletes every expired record once; returns how many of each went. */
export async function sweepExpired(db: Queryable, settings: SweepSettings): Promise<Record<string, number>> {
  const deleted: Record<string, number> = {};
  for (const [what, sql] of STATEMENTS) {
    const params = sql.includes('$1') ? [settings.idempotencyTtlSeconds] : [];
    deleted[what] = (await db.query(`${sql} RETURNING 1`, params)).length;
  }
  return deleted;
}

/** Runs the sweep every intervalMs until stopped; a failed sweep (database down) is logged and retried. */
export class Sweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly db: Queryable,
    private readonly settings: SweepSettings,
    private readonly intervalMs: number,
    private readonly log: (line: string) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep().finally(() => (this.running = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a sweep in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async sweep(): Promise<void> {
    try {
      const deleted = await sweepExpired(this.db, this.settings);
      const counts = Object.entries(deleted).filter(([, n]) => n > 0);
      if (counts.length > 0) this.log(`sweep: deleted ${counts.map(([w, n]) => `${n} ${w}`).join(', ')}`);
    } catch (err) {
      this.log(`error: sweep: ${(err as Error).message}`);
    }
  }
}
