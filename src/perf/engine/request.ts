// The request is serialised once; every send writes the same bytes.
import { VERSION } from '../../core/version.js';

export interface RequestShape {
  method: string;
  /** Path and query, e.g. "/api?x=1". */
  path: string;
  /** The Host header value (host, plus the port when it is not the scheme's default). */
  host: string;
  headers: ReadonlyArray<readonly [string, string]>;
  body: Buffer | null;
}

export function serialiseRequest(req: RequestShape): Buffer {
  const names = new Set(req.headers.map(([n]) => n.toLowerCase()));
  const lines = [`${req.method} ${req.path} HTTP/1.1`];
  if (!names.has('host')) lines.push(`Host: ${req.host}`);
  if (!names.has('user-agent')) lines.push(`User-Agent: meshdeck/${VERSION}`);
  if (!names.has('accept')) lines.push('Accept: */*');
  for (const [name, value] of req.headers) lines.push(`${name}: ${value}`);
  const body = req.body ?? Buffer.alloc(0);
  if (!names.has('content-length') && (body.length > 0 || methodExpectsBody(req.method))) {
    lines.push(`Content-Length: ${body.length}`);
  }
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return body.length > 0 ? Buffer.concat([head, body]) : head;
}

function methodExpectsBody(method: string): boolean {
  return method === 'POST' || method === 'PUT' || method === 'PATCH';
}
