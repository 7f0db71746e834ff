// Request bodies: read with the apiserver's 3 MiB limit (413 beyond it) and decoded from JSON or YAML,
// with 400 and the decoder's message for malformed input.
import type { IncomingMessage } from 'node:http';
import { parseDocument } from 'yaml';
import { Errors, StatusError } from '../api/status.js';
import { decodeProtobuf } from './protobuf.js';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Reads the whole body; rejects with 413 as soon as it grows past the limit. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(Errors.tooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        reject(Errors.tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (done) return;
      done = true;
      reject(err);
    });
  });
}

function dropProto(key: string, value: unknown): unknown {
  return key === '__proto__' ? undefined : value;
}

export function parseJson(text: string): unknown {
  // A "__proto__" key would change an object's prototype when merged; only then pay for a reviver.
  return text.includes('__proto__') ? JSON.parse(text, dropProto) : JSON.parse(text);
}

function decodeJson(text: string): unknown {
  try {
    return parseJson(text);
  } catch (err) {
    throw Errors.badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
}

function decodeYaml(text: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = e.linePos?.[0].line;
    throw Errors.badRequest(
      `error converting YAML to JSON: yaml: ${line ? `line ${line}: ` : ''}${e.message.split('\n')[0]}`,
    );
  }
  const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
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
      } catch {
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
