// Embedded PostgreSQL (PGlite, WASM) in a data folder: the default storage, nothing to install.
import { PGlite } from '@electric-sql/pglite';
import { mkdirSync } from 'node:fs';
import { withTimeout, type Database, type Queryable } from './database.js';

export async function openPGlite(dataDir: string | undefined): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = await PGlite.create(dataDir);
  const run: Queryable['query'] = async (sql, params) => (await db.query(sql, params)).rows as never;
  return {
    kind: 'pglite',
    location: dataDir ?? '(in memory)',
    query: run,
    transaction: (fn) =>
      db.transaction((tx) =>
        fn({ query: async (sql, params) => (await tx.query(sql, params)).rows as never }),
      ),
    ping: async (timeoutMs) => {
      await withTimeout(db.query('SELECT 1'), timeoutMs, 'the database');
    },
    close: () => db.close(),
  };
}
