// The provider's storage, behind one small interface so that embedded PGlite and PostgreSQL run the same
// SQL. The drivers are imported only when a server opens its database.

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Where the data is, for health output; never includes a password. */
  readonly location: string;
  /** Runs fn in one transaction: committed when it returns, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Fails when the database cannot answer within timeoutMs. */
  ping(timeoutMs: number): Promise<void>;
  /** Periodic housekeeping of the storage itself (file modes of an embedded database). */
  maintain?(): Promise<void>;
  close(): Promise<void>;
}

export type DatabaseTarget = { dataDir: string } | { databaseUrl: string } | { memory: true };

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if ('databaseUrl' in target) {
    const { openPostgres } = await import('./postgres.js');
    return openPostgres(target.databaseUrl);
  }
  const { openPGlite } = await import('./pglite.js');
  return openPGlite('dataDir' in target ? target.dataDir : undefined);
}

/** A database URL with its password replaced, safe for logs and health output. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable database URL)';
  }
}

/** Rejects after ms with a clear message; the work itself is not cancelled. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
