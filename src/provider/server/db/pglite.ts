// Embedded PostgreSQL (PGlite, WASM) in a data folder: the default storage, nothing to install.
import { PGlite } from '@electric-sql/pglite';
import { withTimeout, type Database, type Queryable } from './database.js';
import { lockDataDir, prepareDataDir, tightenTree, type DataDirLock } from './data-dir.js';

export async function openPGlite(dataDir: string | undefined): Promise<Database> {
  let lock: DataDirLock | undefined;
  if (dataDir) {
    await prepareDataDir(dataDir);
    lock = await lockDataDir(dataDir);
  }
  let db: PGlite;
  try {
    db = await PGlite.create(dataDir);
    if (dataDir) await tightenTree(dataDir);
  } catch (err) {
    await lock?.release();
    throw err;
  }
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
    // Files PGlite created since the last pass (new tables, WAL segments) are 0666; make them private.
    maintain: async () => {
      if (dataDir) await tightenTree(dataDir);
    },
    close: async () => {
      try {
        await db.close();
        if (dataDir) await tightenTree(dataDir);
      } finally {
        await lock?.release();
      }
    },
  };
}
