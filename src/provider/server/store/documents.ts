// Versioned documents (designs, performance profiles and results, preferences) owned by a user. Every
// change bumps the version; a change made against an older version is refused (412) with the current one.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database.js';
import { ApiError, notFound } from '../http/errors.js';
import type { Quota } from './quota.js';
import { checkQuota, lockUsage, recordUsage } from './quota.js';
import { namesAreUnique, singularKind as singular, type RemoteDocument } from '../../protocol/documents.js';

interface DocumentRow {
  kind: string;
  id: string;
  name: string;
  version: number;
  data: unknown;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'kind, id, name, version, data, created_at, updated_at';

export function toDocument(row: DocumentRow): RemoteDocument {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    version: row.version,
    data: row.data,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export interface ListQuery {
  name?: string;
  search?: string;
  page: number;
  pageSize: number;
}

/** A document of a list page, before its data is read: enough to read it and to budget the reading. */
export interface ListedKey {
  kind: string;
  id: string;
  /** Bytes of its data. */
  size: number;
}

/**
 * A list page without its documents' data: their keys and sizes in list order, and the total count. The
 * data is read afterwards in chunks of bounded size (readStoredDocuments), so that a page of large
 * documents never sits in memory at once.
 */
export async function listDocumentKeys(
  db: Queryable,
  owner: string,
  kind: string,
  q: ListQuery,
): Promise<{ keys: ListedKey[]; total: number }> {
  const where = ['owner_id = $1', 'kind = $2'];
  const params: unknown[] = [owner, kind];
  if (q.name !== undefined) {
    params.push(q.name);
    where.push(`name = $${params.length}`);
  }
  if (q.search) {
    params.push(`%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    where.push(`name ILIKE $${params.length}`);
  }
  const filter = where.join(' AND ');
  const [rows, count] = await Promise.all([
    db.query<{ kind: string; id: string; size: string }>(
      `SELECT kind, id, size FROM documents WHERE ${filter} ORDER BY name, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, q.pageSize, (q.page - 1) * q.pageSize],
    ),
    db.query<{ n: number }>(`SELECT count(*)::int AS n FROM documents WHERE ${filter}`, params),
  ]);
  return { keys: rows.map((r) => ({ kind: r.kind, id: r.id, size: Number(r.size) })), total: count[0].n };
}

export async function getDocument(
  db: Queryable,
  owner: string,
  kind: string,
  id: string,
): Promise<RemoteDocument> {
  const rows = await db.query<DocumentRow>(
    `SELECT ${COLUMNS} FROM documents WHERE kind = $1 AND id = $2 AND owner_id = $3`,
    [kind, id, owner],
  );
  if (!rows[0]) throw missingDocument(kind, id);
  return toDocument(rows[0]);
}

/** A document as it is sent: its JSON text (the stored data spliced in unparsed), version and owner. */
export interface StoredDocument {
  owner: string;
  version: number;
  json: string;
}

/**
 * Reads documents by kind and id in one statement, each as the JSON text of its RemoteDocument. The data
 * is stored as the JSON text a client sent (the column is json, kept verbatim), so it goes back out
 * without being parsed and serialised again.
 */
export async function readStoredDocuments(
  db: Queryable,
  keys: Array<{ kind: string; id: string }>,
): Promise<Array<StoredDocument | undefined>> {
  // Both columns of the primary key as = ANY: an index scan however large the table; the rare id that
  // exists under another kind of the batch is dropped below.
  const rows = await db.query<DocumentRow & { owner_id: string; data: string }>(
    `SELECT kind, id, owner_id, name, version, data::text AS data, created_at, updated_at
       FROM documents WHERE kind = ANY($1::text[]) AND id = ANY($2::uuid[])`,
    [[...new Set(keys.map((k) => k.kind))], [...new Set(keys.map((k) => k.id))]],
  );
  const found = new Map<string, StoredDocument>();
  for (const row of rows) {
    const json =
      `{"id":${JSON.stringify(row.id)},"kind":${JSON.stringify(row.kind)},"name":${JSON.stringify(row.name)}` +
      `,"version":${row.version},"data":${row.data},"createdAt":"${row.created_at.toISOString()}"` +
      `,"updatedAt":"${row.updated_at.toISOString()}"}`;
    found.set(`${row.kind}/${row.id}`, { owner: row.owner_id, version: row.version, json });
  }
  return keys.map((k) => found.get(`${k.kind}/${k.id}`));
}

async function findByName(
  db: Queryable,
  owner: string,
  kind: string,
  name: string,
): Promise<RemoteDocument | undefined> {
  const rows = await db.query<DocumentRow>(
    `SELECT ${COLUMNS} FROM documents WHERE owner_id = $1 AND kind = $2 AND name = $3`,
    [owner, kind, name],
  );
  return rows[0] && toDocument(rows[0]);
}

/** The stored text of a document's data and its size in bytes (what the byte quota counts). */
function dataText(data: unknown): { text: string; size: number } {
  const text = JSON.stringify(data);
  return { text, size: Buffer.byteLength(text) };
}

export async function createDocument(
  db: Queryable,
  owner: string,
  kind: string,
  input: { id?: string; name: string; data: unknown },
  quota: Quota,
): Promise<RemoteDocument> {
  const id = input.id ?? randomUUID();
  const { text, size } = dataText(input.data);
  checkQuota(quota, await lockUsage(db, owner), { documents: 1, bytes: size });
  const rows = await db.query<DocumentRow>(
    `INSERT INTO documents (kind, id, owner_id, name, version, data, size) VALUES ($1, $2, $3, $4, 1, $5, $6)
     ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
    [kind, id, owner, input.name, text, size],
  );
  if (rows[0]) {
    await recordUsage(db, owner, { documents: 1, bytes: size });
    return toDocument(rows[0]);
  }
  // Which constraint: the id (maybe another user's, so say nothing of it) or the name.
  const sameName = namesAreUnique(kind) ? await findByName(db, owner, kind, input.name) : undefined;
  if (sameName && sameName.id !== id) {
    throw new ApiError(409, 'name_exists', `a ${singular(kind)} named "${input.name}" already exists`, {
      current: sameName,
    });
  }
  throw new ApiError(409, 'id_exists', `an object with id ${id} already exists`);
}

export async function updateDocument(
  db: Queryable,
  owner: string,
  kind: string,
  id: string,
  expectedVersion: number,
  input: { name: string; data: unknown },
  quota: Quota,
): Promise<RemoteDocument> {
  const used = await lockUsage(db, owner);
  const { current, size: oldSize } = await lockDocument(db, owner, kind, id);
  if (current.version !== expectedVersion) throw versionMismatch(kind, expectedVersion, current);
  const { text, size } = dataText(input.data);
  const change = { documents: 0, bytes: size - oldSize };
  checkQuota(quota, used, change);
  if (current.name !== input.name && namesAreUnique(kind)) {
    const other = await findByName(db, owner, kind, input.name);
    if (other) {
      throw new ApiError(409, 'name_exists', `a ${singular(kind)} named "${input.name}" already exists`, {
        current: other,
      });
    }
  }
  const rows = await db.query<DocumentRow>(
    `UPDATE documents SET name = $4, data = $5, size = $6, version = version + 1, updated_at = now()
      WHERE kind = $1 AND id = $2 AND owner_id = $3 RETURNING ${COLUMNS}`,
    [kind, id, owner, input.name, text, size],
  );
  await recordUsage(db, owner, change);
  return toDocument(rows[0]);
}

export async function deleteDocument(
  db: Queryable,
  owner: string,
  kind: string,
  id: string,
  expectedVersion: number,
): Promise<void> {
  await lockUsage(db, owner);
  const { current, size: oldSize } = await lockDocument(db, owner, kind, id);
  if (current.version !== expectedVersion) throw versionMismatch(kind, expectedVersion, current);
  await db.query('DELETE FROM documents WHERE kind = $1 AND id = $2 AND owner_id = $3', [kind, id, owner]);
  await recordUsage(db, owner, { documents: -1, bytes: -oldSize });
}

/** Creates or replaces the one document of a kind a user has (preferences). */
export async function putSingleton(
  db: Queryable,
  owner: string,
  kind: string,
  expectedVersion: number | undefined,
  data: unknown,
  quota: Quota,
): Promise<RemoteDocument> {
  await lockUsage(db, owner); // before the document, the order every write takes its locks in
  const rows = await db.query<DocumentRow>(
    `SELECT ${COLUMNS} FROM documents WHERE kind = $1 AND id = $2 FOR UPDATE`,
    [kind, owner],
  );
  if (!rows[0]) {
    if (expectedVersion !== undefined && expectedVersion !== 0) {
      throw new ApiError(
        412,
        'version_mismatch',
        `no ${kind} exist yet (version 0), not version ${expectedVersion}`,
      );
    }
    return createDocument(db, owner, kind, { id: owner, name: kind, data }, quota);
  }
  const current = toDocument(rows[0]);
  if (expectedVersion === undefined) throw preconditionRequired();
  if (current.version !== expectedVersion) throw versionMismatch(kind, expectedVersion, current);
  return updateDocument(db, owner, kind, owner, expectedVersion, { name: kind, data }, quota);
}

async function lockDocument(
  db: Queryable,
  owner: string,
  kind: string,
  id: string,
): Promise<{ current: RemoteDocument; size: number }> {
  const rows = await db.query<DocumentRow & { size: string }>(
    `SELECT ${COLUMNS}, size FROM documents WHERE kind = $1 AND id = $2 AND owner_id = $3 FOR UPDATE`,
    [kind, id, owner],
  );
  if (!rows[0]) throw missingDocument(kind, id);
  return { current: toDocument(rows[0]), size: Number(rows[0].size) };
}

function versionMismatch(kind: string, expected: number, current: RemoteDocument): ApiError {
  return new ApiError(
    412,
    'version_mismatch',
    `the ${singular(kind)} "${current.name}" is at version ${current.version}, not ${expected}: it changed since you read it`,
    { current },
  );
}

export function missingDocument(kind: string, id: string): ApiError {
  return notFound(`no ${singular(kind)} with id ${id}`);
}

export function preconditionRequired(): ApiError {
  return new ApiError(428, 'precondition_required', 'send If-Match with the version you are changing');
}
