// Schema migrations, the same SQL for PGlite and PostgreSQL. Append new steps; never edit applied ones.
import type { Database } from './database.js';

export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE users (
    id uuid PRIMARY KEY,
    username text NOT NULL UNIQUE,
    display_name text NOT NULL DEFAULT '',
    email text NOT NULL DEFAULT '',
    role text NOT NULL CHECK (role IN ('admin', 'user')),
    password_hash text,
    created_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE TABLE sessions (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('login', 'api-token')),
    name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
  );
  CREATE TABLE tokens (
    hash text PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('access', 'refresh')),
    expires_at timestamptz,
    used_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE INDEX tokens_by_session ON tokens (session_id);
  CREATE TABLE device_codes (
    device_hash text PRIMARY KEY,
    user_code text NOT NULL UNIQUE,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'denied', 'used')),
    user_id uuid REFERENCES users(id) ON DELETE CASCADE,
    interval_s int NOT NULL,
    last_poll_at timestamptz,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE TABLE auth_codes (
    code_hash text PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    redirect_uri text NOT NULL,
    code_challenge text NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz
  );
  CREATE TABLE documents (
    kind text NOT NULL,
    id uuid NOT NULL,
    owner_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name text NOT NULL,
    version int NOT NULL,
    data json NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, id)
  );
  CREATE UNIQUE INDEX documents_unique_name ON documents (owner_id, kind, name)
    WHERE kind <> 'performance-results';
  CREATE INDEX documents_by_owner ON documents (owner_id, kind, name);
  CREATE TABLE idempotency_keys (
    owner_id uuid NOT NULL,
    key text NOT NULL,
    fingerprint text NOT NULL,
    status int NOT NULL,
    body jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (owner_id, key)
  );
  `,
  // The stored answer as JSON text: jsonb refuses \u0000 and lone surrogates, which json data may hold.
  `ALTER TABLE idempotency_keys ALTER COLUMN body TYPE text USING body::text`,
  // The refresh token a rotation issued, so a retried refresh (its answer lost) can be told from theft.
  `ALTER TABLE tokens ADD COLUMN replaced_by text`,
  // Per-user quotas: each document's size (bytes of its JSON text), and each user's totals, kept in the
  // transaction of every write so that checking a quota reads one row.
  `
  ALTER TABLE documents ADD COLUMN size bigint NOT NULL DEFAULT 0;
  UPDATE documents SET size = octet_length(data::text);
  CREATE TABLE storage_usage (
    owner_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    documents bigint NOT NULL DEFAULT 0,
    bytes bigint NOT NULL DEFAULT 0
  );
  INSERT INTO storage_usage (owner_id, documents, bytes)
    SELECT owner_id, count(*), coalesce(sum(size), 0) FROM documents GROUP BY owner_id
  `,
  // API tokens: the login session that created one, when it was last used; indexes for the sweep.
  `
  ALTER TABLE sessions ADD COLUMN created_by uuid REFERENCES sessions(id) ON DELETE SET NULL;
  ALTER TABLE sessions ADD COLUMN last_used_at timestamptz;
  CREATE INDEX sessions_by_creator ON sessions (created_by);
  CREATE INDEX tokens_by_expiry ON tokens (expires_at);
  CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
  CREATE INDEX device_codes_by_expiry ON device_codes (expires_at);
  CREATE INDEX auth_codes_by_expiry ON auth_codes (expires_at)
  `,
  // Mesh install records: many per name (each deploy, upgrade, rollback, removal), like results.
  `
  DROP INDEX documents_unique_name;
  CREATE UNIQUE INDEX documents_unique_name ON documents (owner_id, kind, name)
    WHERE kind NOT IN ('performance-results', 'mesh-installs')
  `,
];

/**
 * Brings the schema up to date in one transaction (PostgreSQL DDL is transactional). An advisory lock
 * makes two servers starting against one database take turns: the second finds the work done.
 */
export async function migrate(db: Database): Promise<number> {
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(7262001)');
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const rows = await tx.query<{ v: number | null }>('SELECT max(version)::int AS v FROM schema_migrations');
    for (let version = (rows[0]?.v ?? 0) + 1; version <= MIGRATIONS.length; version++) {
      for (const statement of splitStatements(MIGRATIONS[version - 1])) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version]);
    }
  });
  return MIGRATIONS.length;
}

export async function schemaVersion(db: Database): Promise<number> {
  const rows = await db.query<{ v: number | null }>('SELECT max(version)::int AS v FROM schema_migrations');
  return rows[0]?.v ?? 0;
}

/** Our migrations hold no semicolons inside literals, so splitting on them is enough. */
function splitStatements(sql: string): string[] {
  return sql
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
