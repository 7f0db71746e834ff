// Request bodies: read with the apiserver's 3 MiB limit (413 beyond it) and decoded from JSON or YAML,
// with 400 and the decoder's message for malformed input.
import type { IncomingMessage } from 'node:http';
import { parseDocument } from 'yaml';
import { Errors, StatusError } from '../base/status.js';
import { decodeProtobuf } from './protobuf.js';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Bodies past this are cut off rather than drained (the connection is dropped). */
const DRAIN_LIMIT = 64 * 1024 * 1024;

/**
 * Reads the whole body; a body past the limit is 413, answered once the client has finished sending
 * (so it reads the answer instead of a reset connection).
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > DRAIN_LIMIT) {
        settle(() => reject(Errors.tooLarge(limit)));
        req.destroy();
        return;
      }
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () =>
      settle(() => (size > limit ? reject(Errors.tooLarge(limit)) : resolve(Buffer.concat(chunks)))),
    );
    req.on('error', (err) => settle(() => reject(err)));
  });
}

/** Nesting deeper than this is refused before any recursive code sees the document. */
const MAX_DEPTH = 1000;

/** Bracket depth of JSON text, ignoring strings; only long texts can be deep enough to matter. */
function tooDeep(text: string): boolean {
  if (text.length < MAX_DEPTH * 2) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > MAX_DEPTH) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

function valueTooDeep(value: unknown): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (d > MAX_DEPTH) return true;
    if (v && typeof v === 'object') for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return false;
}

const TOO_DEEP = 'the request body is nested too deeply (more than 1000 levels)';

function dropProto(key: string, value: unknown): unknown {
  return key === '__proto__' ? undefined : value;
}

export function parseJson(text: string): unknown {
  if (tooDeep(text)) throw Errors.badRequest(TOO_DEEP);
  // A "__proto__" key would change an object's prototype when merged; only then pay for a reviver.
  return text.includes('__proto__') ? JSON.parse(text, dropProto) : JSON.parse(text);
}

function decodeJson(text: string): unknown {
  try {
    return parseJson(text);
  } catch (err) {
    if (err instanceof StatusError) throw err;
    throw Errors.badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
}

/** Block YAML nests by indentation or by compact "- - -" entries; either way a line shows the depth. */
function yamlTooDeep(text: string): boolean {
  if (tooDeep(text)) return true;
  if (text.length < MAX_DEPTH) return false;
  for (const line of text.split('\n')) {
    const m = /^([ \t]*)((?:[-?:][ \t]+)*)/.exec(line)!;
    if (m[1].length + m[2].length / 2 > MAX_DEPTH) return true;
  }
  return false;
}

function decodeYaml(text: string): unknown {
  if (yamlTooDeep(text)) throw Errors.badRequest(TOO_DEEP);
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = e.linePos?.[0].line ?? (e.pos ? text.slice(0, e.pos[0]).split('\n').length : undefined);
    throw Errors.badRequest(
      `error converting YAML to JSON: yaml: ${line ? `line ${line}: ` : ''}${e.message.split('\n')[0]}`,
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // Alias bombs and the like.
    throw Errors.badRequest(`error converting YAML to JSON: yaml: ${(err as Error).message}`);
  }
  if (valueTooDeep(value)) throw Errors.badRequest(TOO_DEEP);
  return value === undefined || value === null ? {} : JSON.parse(JSON.stringify(value), dropProto);
}

const JSON_TYPES = new Set([
  '',
  'application/json',
  'application/merge-patch+json',
  'application/json-patch+json',
  'application/strategic-merge-patch+json',
]);

/** Decodes a body by its media type. */
export function decodeBody(body: Buffer, mediaType: string): unknown {
  const text = body.toString('utf8');
  if (JSON_TYPES.has(mediaType)) {
    if (text.trim() === '') throw Errors.badRequest('the request body is empty');
    return decodeJson(text);
  }
  if (
    mediaType === 'application/yaml' ||
    mediaType === 'application/apply-patch+yaml' ||
    mediaType === 'text/yaml'
  ) {
    // JSON is YAML; decode it as JSON when it is, which is faster and gives JSON's messages.
    const trimmed = text.trimStart();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        return parseJson(text);
      } catch (err) {
        if (err instanceof StatusError) throw err;
        /* not JSON after all: YAML decides */
      }
    }
    if (text.trim() === '') throw Errors.badRequest('the request body is empty');
    return decodeYaml(text);
  }
  if (mediaType === 'application/vnd.kubernetes.protobuf') return decodeProtobuf(body);
  throw new StatusError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`,
    {},
  );
}
