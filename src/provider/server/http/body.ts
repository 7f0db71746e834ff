// Reading request bodies with a size limit (413 past it) and strict parsing (400 on malformed input).
import type { IncomingMessage } from 'node:http';
import { ApiError, badRequest } from './errors.js';

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function tooLarge(limit: number): ApiError {
  return new ApiError(413, 'payload_too_large', `request body is larger than the limit of ${limit} bytes`, {
    limit,
  });
}

function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * How deep JSON bodies may nest. Deeper values are refused up front: PostgreSQL's json parser (and any
 * recursive code after it) runs out of stack on them, which would be a 500.
 */
export const MAX_JSON_DEPTH = 1000;

/** The nesting depth of a parsed JSON value, counted without recursion; stops counting past limit. */
export function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return deepest;
}

/** A JSON object body. */
export async function readJson(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const type = mediaType(req);
  if (type !== 'application/json' && !type.endsWith('+json')) {
    throw new ApiError(415, 'unsupported_media_type', 'send the body as application/json');
  }
  const raw = await readBody(req, limit);
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw badRequest('malformed_json', `request body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest('invalid_body', 'request body must be a JSON object');
  }
  if (nestingDepth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw badRequest('invalid_body', `request body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
  return value as Record<string, unknown>;
}

/** Form fields (application/x-www-form-urlencoded, as OAuth clients and HTML forms send), or JSON. */
export async function readForm(req: IncomingMessage, limit: number): Promise<Record<string, string>> {
  const type = mediaType(req);
  if (type === 'application/json') {
    const json = await readJson(req, limit);
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(json)) if (typeof v === 'string') out[k] = v;
    return out;
  }
  if (type !== 'application/x-www-form-urlencoded') {
    throw new ApiError(415, 'unsupported_media_type', 'send the body as application/x-www-form-urlencoded');
  }
  const raw = await readBody(req, limit);
  const fields = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
  for (const [key, value] of Object.entries(fields)) {
    if (value.includes('\0'))
      throw badRequest('invalid_body', `form field "${key}" must not contain NUL characters`);
  }
  return fields;
}
