// PostgreSQL through a connection pool, for a provider shared by a team or run in several replicas.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { redactUrl, withTimeout, type Database } from './database.js';

export interface PostgresOptions {
  /** Connections in the pool. */
  poolSize?: number;
}

export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? Number(process.env.MESHDECK_PROVIDER_DB_POOL ?? 20),
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30_000,
  });
  // An idle connection that breaks (database restarted) is reported here; without a listener the
  // process would crash. The pool replaces it on the next query.
  pool.on('error', () => undefined);
  const db: Database = {
    kind: 'postgres',
    location: redactUrl(url),
    // Rows are whatever the SQL selects; callers name their shape (Database.query<R>).
    query: async <R>(sql: string, params?: unknown[]) =>
      (await pool.query(prepared(sql, params))).rows as R[],
    transaction: async (fn) => {
      const client = await pool.connect();
      let broken = false;
      // A checked-out connection that breaks (the database stopped, the backend terminated) emits
      // 'error' on the client, which the pool only listens for while the client is idle: without this
      // listener the process would crash. The query in flight fails too, which answers 503.
      const onError = () => {
        broken = true;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await fn({
          query: async <R>(sql: string, params?: unknown[]) =>
            (await client.query(prepared(sql, params))).rows as R[],
        });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        if (!broken) {
          await client.query('ROLLBACK').catch(() => {
            broken = true;
          });
        }
        throw err;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
    ping: async (timeoutMs) => {
      await withTimeout(pool.query('SELECT 1'), timeoutMs, 'the database');
    },
    close: () => pool.end(),
  };
  await db.ping(5000).catch((err: Error) => {
    void pool.end();
    throw new Error(`cannot connect to PostgreSQL at ${redactUrl(url)}: ${err.message}`);
  });
  return db;
}

/** Our SQL texts are fixed, so each can be a named prepared statement: parsed once per connection. */
function prepared(text: string, values: unknown[] = []): pg.QueryConfig {
  return { name: `md_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`, text, values };
}
