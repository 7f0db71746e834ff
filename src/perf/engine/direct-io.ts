// The engine's plain-TCP fast path: reads and writes straight on a socket's handle, the way node:net does
// underneath, without the stream machinery around it.
//
// Writes: socket.write goes through the Writable machinery, which costs per write a WriteWrap object, an
// after-write record and a process.nextTick, and the tick then has to be drained after every read
// callback; on loopback that is about a tenth of the generator's CPU per request (bench:perf). Here one
// request object serves every write that the kernel takes at once (nearly all of them); only a write the
// kernel queues keeps its object, and the next write gets a new one.
//
// Reads: with the `onread` option node:net already reads into our buffer; its handler still runs a generic
// JavaScript layer (socket timers, buffer swapping) before ours. The handle calls ours directly instead,
// and hands back to node:net for the end of the stream and errors.
//
// The handle's methods, WriteWrap and the shared state array come from Node's stream_wrap binding, the
// same ones node:net uses. The binding is internal, so it is checked before use, and every connection
// falls back to the public path when it is missing or differs (another Node version,
// --pending-deprecation set).
import { getSystemErrorName } from 'node:util';
import type { Socket } from 'node:net';

interface WriteReq {
  oncomplete: (this: WriteReq, status: number) => void;
  writer: DirectWriter | null;
}

interface StreamWrapBinding {
  WriteWrap: new () => WriteReq;
  streamBaseState: Int32Array;
  kLastWriteWasAsync: number;
  kReadBytesOrError: number;
}

interface StreamHandle {
  writeBuffer(req: WriteReq, data: Uint8Array): number;
  onread: (this: StreamHandle, ...args: unknown[]) => unknown;
}

let binding: StreamWrapBinding | null | undefined;

function streamWrap(): StreamWrapBinding | null {
  if (binding !== undefined) return binding;
  binding = null;
  // process.binding warns only under --pending-deprecation; then the public path is taken instead.
  const pending =
    process.execArgv.includes('--pending-deprecation') ||
    (process.env.NODE_OPTIONS ?? '').includes('--pending-deprecation') ||
    process.env.NODE_PENDING_DEPRECATION === '1';
  const get = (process as unknown as { binding?: (name: string) => unknown }).binding;
  if (pending || typeof get !== 'function') return binding;
  try {
    const b = get.call(process, 'stream_wrap') as Partial<StreamWrapBinding>;
    if (
      typeof b.WriteWrap === 'function' &&
      b.streamBaseState instanceof Int32Array &&
      typeof b.kLastWriteWasAsync === 'number' &&
      typeof b.kReadBytesOrError === 'number'
    ) {
      binding = b as StreamWrapBinding;
    }
  } catch {
    /* not available: socket.write it is */
  }
  return binding;
}

/** True when this Node has the fast path (tests assert it is in use on the supported versions). */
export function directIoAvailable(): boolean {
  return streamWrap() !== null;
}

function handleOf(socket: Socket): Partial<StreamHandle> | null {
  return (socket as unknown as { _handle?: Partial<StreamHandle> | null })._handle ?? null;
}

/**
 * Calls `onData(nread)` for each read into the buffer given as the socket's `onread` option, straight from
 * the handle. Call it right after net.connect with that option; false when node:net's own handler stays.
 */
export function readDirect(socket: Socket, onData: (nread: number) => void): boolean {
  const b = streamWrap();
  const handle = handleOf(socket);
  if (!b || !handle || typeof handle.onread !== 'function') return false;
  const state = b.streamBaseState;
  const slot = b.kReadBytesOrError;
  const nodeOnRead = handle.onread;
  handle.onread = function (this: StreamHandle, ...args: unknown[]): unknown {
    const nread = state[slot];
    if (nread > 0 && !socket.destroyed) {
      onData(nread);
      return undefined;
    }
    // The end of the stream, an error, or a read after destroy(): node:net knows what they mean.
    return nodeOnRead.apply(this, args);
  };
  return true;
}

function onWriteComplete(this: WriteReq, status: number): void {
  const writer = this.writer;
  this.writer = null;
  if (status < 0 && writer) writer.failed(status);
}

/** Writes to one connected plain-TCP socket; `write` returns false when it had to destroy the socket. */
export class DirectWriter {
  private req: WriteReq | null = null;

  private constructor(
    private readonly socket: Socket,
    private readonly handle: StreamHandle,
    private readonly b: StreamWrapBinding,
  ) {}

  /** A writer for this connected socket, or null when only socket.write can be used. */
  static for(socket: Socket): DirectWriter | null {
    const b = streamWrap();
    const handle = handleOf(socket);
    if (!b || !handle || typeof handle.writeBuffer !== 'function') return null;
    return new DirectWriter(socket, handle as StreamHandle, b);
  }

  /** `data` must outlive the write: a queued write reads it later (the engine keeps one request buffer). */
  write(data: Uint8Array): boolean {
    if (this.socket.destroyed) return false;
    let req = this.req;
    if (req === null) {
      req = new this.b.WriteWrap();
      req.oncomplete = onWriteComplete;
      req.writer = null;
      this.req = req;
    }
    const err = this.handle.writeBuffer(req, data);
    if (err !== 0) {
      this.failed(err);
      return false;
    }
    if (this.b.streamBaseState[this.b.kLastWriteWasAsync] !== 0) {
      // The kernel queued it: this request object belongs to the write until it completes.
      req.writer = this;
      this.req = null;
    }
    return true;
  }

  /** A failed write ends the connection with the error, as socket.write would. */
  failed(status: number): void {
    if (this.socket.destroyed) return;
    const code = getSystemErrorName(status);
    const err = Object.assign(new Error(`write ${code}`), { code, errno: status, syscall: 'write' });
    this.socket.destroy(err);
  }
}
