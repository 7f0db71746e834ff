// A small route table: method + path pattern with :params. Unknown paths get 404, known paths with
// another method 405, both as JSON.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  /** The client's address, for rate limits. */
  ip: string;
}

export type Handler = (ctx: RequestContext) => Promise<void>;

interface Route {
  method: string;
  parts: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  on(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, parts: pattern.split('/').filter(Boolean), handler });
    return this;
  }

  /** The handler for a request, or why there is none. */
  match(
    method: string,
    path: string,
  ): { handler: Handler; params: Record<string, string> } | { status: 404 | 405; allow?: string[] } {
    const segments = path.split('/').filter(Boolean);
    const allow: string[] = [];
    for (const route of this.routes) {
      const params = matchParts(route.parts, segments);
      if (!params) continue;
      if (route.method === method || (method === 'HEAD' && route.method === 'GET')) {
        return { handler: route.handler, params };
      }
      allow.push(route.method);
    }
    return allow.length > 0 ? { status: 405, allow } : { status: 404 };
  }
}

function matchParts(parts: string[], segments: string[]): Record<string, string> | undefined {
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].startsWith(':')) {
      try {
        params[parts[i].slice(1)] = decodeURIComponent(segments[i]);
      } catch {
        return undefined;
      }
    } else if (parts[i] !== segments[i]) return undefined;
  }
  return params;
}
