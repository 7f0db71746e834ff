// Writing responses: JSON text with the apiserver's headers, Status errors, and the Success Status.
import type { ServerResponse } from 'node:http';
import { StatusError } from '../base/status.js';
import { wantsPretty } from './request-info.js';

export function send(
  res: ServerResponse,
  code: number,
  body: string | Buffer,
  contentType = 'application/json',
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  if (contentType === 'application/json' && wantsPretty(res.req.url, res.req.headers['user-agent']))
    body = indentJson(body);
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-cache, private',
    'X-Kubernetes-Pf-Flowschema-Uid': 'meshdeck-sandbox',
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

export function sendError(res: ServerResponse, err: StatusError): void {
  send(res, err.code, JSON.stringify(err.body()), 'application/json', err.headers);
}

/** `Warning: 299 - "..."` headers, as the apiserver sends them. */
export function warningHeaders(warnings: string[]): Record<string, string> {
  if (warnings.length === 0) return {};
  return { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ') };
}

export function successStatus(details: Record<string, unknown>): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details });
}

/** JSON indented as Go's json.Indent with two spaces (what `pretty` asks for); other text unchanged. */
function indentJson(body: string | Buffer): string | Buffer {
  try {
    return `${JSON.stringify(JSON.parse(body.toString('utf8')), null, 2)}\n`;
  } catch {
    return body;
  }
}
