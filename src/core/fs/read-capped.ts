// Reading a file the user named, never more than a limit: a device (/dev/zero) is read up to the limit
// and no further, and a named pipe (`-f <(cmd)`) is waited on in a way Ctrl-C can end (a blocking open in
// Node's thread pool cannot be cancelled, and even keeps the process from exiting).
import { constants, openSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Socket } from 'node:net';
import { CHUNK, type CappedRead } from './read-capped-sync.js';

export type { CappedRead } from './read-capped-sync.js';

export async function isNamedPipe(path: string): Promise<boolean> {
  return (await stat(path)).isFIFO();
}

/** Reads a file, a device or a named pipe; `signal` ends the wait for a pipe's writer or data. */
export async function readFileCapped(path: string, limit: number, signal?: AbortSignal): Promise<CappedRead> {
  if (await isNamedPipe(path)) return readPipe(path, limit, signal);
  const handle = await open(path, 'r');
  try {
    const info = await handle.stat();
    if (info.isFile() && info.size > limit) return { tooLarge: info.size };
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      signal?.throwIfAborted();
      const { bytesRead, buffer } = await handle.read(Buffer.allocUnsafe(Math.min(CHUNK, limit + 1 - total)));
      if (bytesRead === 0) break;
      chunks.push(buffer.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limit) return { tooLarge: info.isFile() ? total : undefined };
    }
    return { bytes: Buffer.concat(chunks, total) };
  } finally {
    await handle.close();
  }
}

/**
 * A named pipe, opened without blocking and read through the event loop: until a writer comes, Linux
 * reports no data and no end, so this waits for one, and the signal can end the wait at any time.
 */
async function readPipe(path: string, limit: number, signal?: AbortSignal): Promise<CappedRead> {
  signal?.throwIfAborted();
  // Opening a pipe's read end without O_NONBLOCK waits for a writer; with it, it returns at once.
  const socket = new Socket({
    fd: openSync(path, constants.O_RDONLY | constants.O_NONBLOCK),
    readable: true,
    writable: false,
  });
  const chunks: Buffer[] = [];
  let total = 0;
  const onAbort = () => socket.destroy(signal?.reason as Error);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of socket) {
      const buf = chunk as Buffer;
      total += buf.length;
      if (total > limit) return { tooLarge: undefined };
      chunks.push(buf);
    }
    return { bytes: Buffer.concat(chunks, total) };
  } finally {
    signal?.removeEventListener('abort', onAbort);
    socket.destroy(); // closes the descriptor
  }
}
