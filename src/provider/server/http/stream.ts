// A JSON answer written in pieces, at the pace the client reads it: the server holds one piece at a
// time, not the whole answer.
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { SECURITY_HEADERS } from './respond.js';

export interface JsonStream {
  /** Writes a piece; resolves when the client has room for more, false when it has gone away. */
  write(text: string): Promise<boolean>;
  end(text: string): void;
}

export function startJsonStream(res: ServerResponse, status = 200): JsonStream {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8' });
  return {
    async write(text) {
      if (res.destroyed) return false;
      if (!res.write(text)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
      return !res.destroyed;
    },
    end(text) {
      res.end(text);
    },
  };
}
