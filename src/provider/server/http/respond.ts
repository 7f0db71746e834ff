// Writing answers. Every error is JSON; HTML only for the pages a person opens in a browser.
import type { ServerResponse } from 'node:http';

export const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendJsonText(res, status, body === undefined ? '' : JSON.stringify(body), headers);
}

/** Sends JSON that is already serialised ('' for no body). */
export function sendJsonText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, { error: code, message, ...extra }, headers);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * An HTML page. Its forms may post only to this provider (form-action 'self'), and to `formTargets`:
 * Chrome and Safari apply form-action to the redirects after a submit too, so the browser sign-in page
 * names the one loopback origin its redirect goes to (the CLI's callback), and nothing wider.
 */
export function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  formTargets: string[] = [],
): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; form-action ${["'self'", ...formTargets].join(' ')}`,
    'x-frame-options': 'DENY',
  });
  res.end(html);
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { ...SECURITY_HEADERS, location, 'content-length': 0 });
  res.end();
}
