// Versioned REST for designs, performance profiles, performance results, mesh install records and
// preferences:
// list/create on the collection, get/update/delete on /{id}; If-Match on changes (412 on a stale
// version, 428 without one), Idempotency-Key on creates (and on changes, for replays).
import type { App } from '../app/app.js';
import { readJson } from '../http/body.js';
import { ApiError, badRequest, notFound } from '../http/errors.js';
import { sendJson, sendJsonText } from '../http/respond.js';
import { startJsonStream } from '../http/stream.js';
import type { RequestContext, Router } from '../app/router.js';
import { fingerprint, idempotent, type Reply } from '../store/idempotency.js';
import {
  createDocument,
  deleteDocument,
  getDocument,
  listDocumentKeys,
  readStoredDocuments,
  type ListedKey,
  preconditionRequired,
  putSingleton,
  updateDocument,
} from '../store/documents.js';
import {
  documentNameProblem,
  formatEtag,
  parseEtag,
  UUID_PATTERN,
  type DocumentKind,
  type RemoteDocument,
} from '../../protocol/documents.js';
import { ENDPOINTS } from './system.js';

const COLLECTIONS: Array<[string, DocumentKind]> = [
  [ENDPOINTS.designs, 'designs'],
  [ENDPOINTS.profiles, 'performance-profiles'],
  [ENDPOINTS.results, 'performance-results'],
  [ENDPOINTS.meshInstalls, 'mesh-installs'],
];
const MAX_PAGE_SIZE = 500;
/** Far past any real list, small enough that the offset it makes fits PostgreSQL's bigint. */
const MAX_PAGE = 1_000_000;

export function documentRoutes(router: Router, app: App): void {
  for (const [path, kind] of COLLECTIONS) {
    router.on('GET', path, async (ctx) => {
      const { user } = await app.authenticate(ctx);
      const q = ctx.url.searchParams;
      const page = positiveInt(q.get('page'), 1, 'page', MAX_PAGE);
      const pageSize = Math.min(positiveInt(q.get('pagesize'), 100, 'pagesize'), MAX_PAGE_SIZE);
      const { keys, total } = await listDocumentKeys(app.db, user.id, kind, {
        name: q.get('name') ?? undefined,
        search: q.get('search') ?? undefined,
        page,
        pageSize,
      });
      await streamList(ctx, app, keys, `],"page":${page},"page_size":${pageSize},"total_count":${total}}`);
    });

    router.on('POST', path, async (ctx) => {
      const { user } = await app.authenticate(ctx);
      const body = await readJson(ctx.req, app.maxBodyBytes);
      const input = documentInput(body);
      if (body.id !== undefined && (typeof body.id !== 'string' || !UUID_PATTERN.test(body.id))) {
        throw badRequest('invalid_body', '"id" must be a UUID');
      }
      const id = typeof body.id === 'string' ? body.id.toLowerCase() : undefined;
      const reply = await idempotent(
        app.db,
        user.id,
        idempotencyKey(ctx),
        fingerprint('POST', kind, body),
        async (tx) => {
          const doc = await createDocument(tx, user.id, kind, { ...input, id }, app.quota);
          return docReply(201, doc, `${path}/${doc.id}`);
        },
      );
      send(ctx, reply);
    });

    router.on('GET', `${path}/:id`, async (ctx) => {
      const { user } = await app.authenticate(ctx);
      const doc = await app.documents.get(user.id, kind, documentId(ctx));
      const etag = formatEtag(doc.version);
      if (noneMatch(header(ctx, 'if-none-match'), doc.version)) {
        ctx.res.writeHead(304, { etag, 'cache-control': 'no-store' }).end();
        return;
      }
      sendJsonText(ctx.res, 200, doc.json, { etag });
    });

    router.on('PUT', `${path}/:id`, async (ctx) => {
      const { user } = await app.authenticate(ctx);
      const id = documentId(ctx);
      const expected = ifMatch(ctx);
      const body = await readJson(ctx.req, app.maxBodyBytes);
      const input = documentInput(body);
      const reply = await idempotent(
        app.db,
        user.id,
        idempotencyKey(ctx),
        fingerprint('PUT', kind, id, expected, body),
        async (tx) => docReply(200, await updateDocument(tx, user.id, kind, id, expected, input, app.quota)),
      );
      send(ctx, reply);
    });

    router.on('DELETE', `${path}/:id`, async (ctx) => {
      const { user } = await app.authenticate(ctx);
      const id = documentId(ctx);
      const expected = ifMatch(ctx);
      const reply = await idempotent(
        app.db,
        user.id,
        idempotencyKey(ctx),
        fingerprint('DELETE', kind, id, expected),
        async (tx) => {
          await deleteDocument(tx, user.id, kind, id, expected);
          return { status: 204, body: undefined };
        },
      );
      send(ctx, reply);
    });
  }

  router.on('GET', ENDPOINTS.preferences, async (ctx) => {
    const { user } = await app.authenticate(ctx);
    try {
      const doc = await getDocument(app.db, user.id, 'preferences', user.id);
      sendJson(ctx.res, 200, doc, { etag: formatEtag(doc.version) });
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) throw err;
      // No preferences yet: an empty document at version 0, so the first PUT sends If-Match: "0".
      sendJson(
        ctx.res,
        200,
        { id: user.id, kind: 'preferences', name: 'preferences', version: 0, data: {} },
        { etag: formatEtag(0) },
      );
    }
  });

  router.on('PUT', ENDPOINTS.preferences, async (ctx) => {
    const { user } = await app.authenticate(ctx);
    const expected = parseEtag(header(ctx, 'if-match'));
    const body = await readJson(ctx.req, app.maxBodyBytes);
    if (typeof body.data !== 'object' || body.data === null || Array.isArray(body.data)) {
      throw badRequest('invalid_body', '"data" must be a JSON object');
    }
    const reply = await idempotent(
      app.db,
      user.id,
      idempotencyKey(ctx),
      fingerprint('PUT', 'preferences', expected, body),
      async (tx) =>
        docReply(200, await putSingleton(tx, user.id, 'preferences', expected, body.data, app.quota)),
    );
    send(ctx, reply);
  });
}

/** How much document data a list reads from the database at once; a larger document is read alone. */
const LIST_CHUNK_BYTES = 1024 * 1024;

/**
 * Sends a list page as it is read: {"items":[...] then `tail`. The documents are read in chunks of about
 * LIST_CHUNK_BYTES and written at the pace the client reads, so a page of large documents (500 of 1 MiB)
 * takes one chunk of memory per client, not the page, and other requests are served in between. A
 * document deleted since the page was listed is left out. Once sending has started, a failure can only
 * cut the answer short (the client sees an incomplete body).
 */
async function streamList(ctx: RequestContext, app: App, keys: ListedKey[], tail: string): Promise<void> {
  const stream = startJsonStream(ctx.res);
  if (!(await stream.write('{"items":['))) return;
  let separator = '';
  for (const chunk of chunksOfSize(keys, LIST_CHUNK_BYTES)) {
    for (const doc of await readStoredDocuments(app.db, chunk)) {
      if (!doc) continue;
      if (!(await stream.write(separator + doc.json))) return;
      separator = ',';
    }
  }
  stream.end(tail);
}

function* chunksOfSize(keys: ListedKey[], budget: number): Generator<ListedKey[]> {
  let chunk: ListedKey[] = [];
  let size = 0;
  for (const key of keys) {
    if (chunk.length > 0 && size + key.size > budget) {
      yield chunk;
      chunk = [];
      size = 0;
    }
    chunk.push(key);
    size += key.size;
  }
  if (chunk.length > 0) yield chunk;
}

function docReply(status: number, doc: RemoteDocument, location?: string): Reply {
  return {
    status,
    body: doc,
    headers: { etag: formatEtag(doc.version), ...(location ? { location } : {}) },
  };
}

function send(ctx: RequestContext, reply: Reply): void {
  const headers = { ...(reply.headers ?? {}), ...(reply.replayed ? { 'idempotent-replayed': 'true' } : {}) };
  if (reply.status === 204) {
    ctx.res.writeHead(204, headers).end();
    return;
  }
  sendJson(ctx.res, reply.status, reply.body, headers);
}

function documentInput(body: Record<string, unknown>): { name: string; data: unknown } {
  const problem = documentNameProblem(body.name);
  if (problem) throw badRequest('invalid_body', problem);
  if (!('data' in body) || body.data === undefined) throw badRequest('invalid_body', '"data" is required');
  return { name: body.name as string, data: body.data };
}

function documentId(ctx: RequestContext): string {
  const id = ctx.params.id;
  if (!UUID_PATTERN.test(id)) throw notFound(`"${id}" is not an object id`);
  return id.toLowerCase();
}

function ifMatch(ctx: RequestContext): number {
  const raw = header(ctx, 'if-match');
  if (raw === undefined) throw preconditionRequired();
  const version = parseEtag(raw);
  if (version === undefined) throw badRequest('invalid_if_match', 'If-Match must be a version such as "3"');
  return version;
}

/** Whether If-None-Match names the current version (or is *): the client's copy is current (304). */
function noneMatch(raw: string | undefined, version: number): boolean {
  if (raw === undefined) return false;
  return raw.split(',').some((tag) => tag.trim() === '*' || parseEtag(tag) === version);
}

function idempotencyKey(ctx: RequestContext): string | undefined {
  return header(ctx, 'idempotency-key');
}

function header(ctx: RequestContext, name: string): string | undefined {
  const value = ctx.req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function positiveInt(raw: string | null, fallback: number, name: string, max = Infinity): number {
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1 || n > max) {
    const range = max === Infinity ? 'a positive whole number' : `a whole number from 1 to ${max}`;
    throw badRequest('invalid_query', `"${name}" must be ${range}`);
  }
  return n;
}
