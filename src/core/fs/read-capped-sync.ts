// Reading a file the user named, never more than a limit: a device (/dev/zero) is read up to the limit
// and no further. The synchronous half, for the config file on the start-up path (read-capped.ts has the
// asynchronous one, which also reads named pipes).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** The file's bytes, or `tooLarge` (its size when known) when it holds more than `limit` bytes. */
export type CappedRead = { bytes: Buffer } | { tooLarge: number | undefined };

export const CHUNK = 64 * 1024;

/** Synchronous, for the config file on the start-up path; the caller refuses named pipes first. */
export function readFileCappedSync(path: string, limit: number): CappedRead {
  const fd = openSync(path, 'r');
  try {
    const info = fstatSync(fd);
    if (info.isFile() && info.size > limit) return { tooLarge: info.size };
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK, limit + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > limit) return { tooLarge: info.isFile() ? total : undefined };
    }
    return { bytes: Buffer.concat(chunks, total) };
  } finally {
    closeSync(fd);
  }
}
