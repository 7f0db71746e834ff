// One keep-alive connection of the engine. Its state is plain numeric fields and two rings of send times
// sized to the pipeline depth; the socket's handlers are bound once per connection, so sending a request
// and taking its response allocate nothing in our code.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { errnoCode } from '../../core/errors.js';
import { DirectWriter, readDirect } from './direct-io.js';
import { ResponseFramer, type ResponseSink } from './framer.js';
import type { ErrorClass } from './tally.js';

export interface TargetAddress {
  tls: boolean;
  /** Resolved IP address: DNS is asked once, before the run. */
  address: string;
  port: number;
  /** TLS server name (SNI and certificate check); null for an IP literal. */
  servername: string | null;
  insecure: boolean;
  /** Extra CA certificates (PEM). */
  ca: string | null;
}

/** What a connection needs from the worker that owns it. */
export interface ConnectionOwner {
  readonly target: TargetAddress;
  readonly request: Buffer;
  readonly headRequests: boolean;
  readonly pipeline: number;
  readonly connectTimeoutMs: number;
  /** A buffer the kernel reads into, shared by the worker's plain-TCP connections. */
  readonly readBuffer: Buffer;
  /** The time of the read being processed, for every response it completes. */
  now: number;
  connected(conn: Connection): void;
  responded(conn: Connection, status: number, refTime: number, sendTime: number): void;
  slotFree(conn: Connection): void;
  /** Requests that will never be answered (connection lost or protocol error). */
  lost(
    conn: Connection,
    kind: ErrorClass,
    refTimes: Float64Array,
    from: number,
    count: number,
    message: string,
  ): void;
  connectFailed(conn: Connection, message: string): void;
  closed(conn: Connection, afterFailure: boolean): void;
  bytes(read: number, written: number): void;
}

export class Connection implements ResponseSink {
  socket: Socket | TLSSocket | null = null;
  isConnected = false;
  /** Requests written and not yet answered. */
  inflight = 0;
  /** Ring of reference times (intended send time in open loop) and actual send times. */
  readonly refTimes: Float64Array;
  readonly sendTimes: Float64Array;
  head = 0;
  private readonly framer: ResponseFramer;
  /** Plain TCP without pipelining writes past socket.write (see direct-io.ts); null: socket.write. */
  private writer: DirectWriter | null = null;
  private connectTimer: NodeJS.Timeout | null = null;
  private failed = false;
  private retiring = false;
  /** Responses on the current socket: one that closes before answering anything is a failure. */
  private answered = 0;

  private readonly onConnect = () => this.handleConnect();
  private readonly onRead = (nread: number, buf: Uint8Array): boolean => {
    this.handleRead(buf as Buffer, nread);
    return true;
  };
  private readonly onDirectRead = (nread: number) => this.handleRead(this.owner.readBuffer, nread);
  private readonly onData = (chunk: Buffer) => this.handleRead(chunk, chunk.length);
  private readonly onError = (err: Error) => this.handleError(err);
  private readonly onEnd = () => this.handleEnd();
  private readonly onClose = () => this.handleClose();
  private readonly onConnectTimeout = () => this.handleConnectTimeout();

  constructor(
    readonly index: number,
    private readonly owner: ConnectionOwner,
  ) {
    this.refTimes = new Float64Array(owner.pipeline);
    this.sendTimes = new Float64Array(owner.pipeline);
    this.framer = new ResponseFramer(this, owner.headRequests);
    this.framer.useReadBuffer(owner.readBuffer);
  }

  open(): void {
    const o = this.owner;
    const t = o.target;
    this.failed = false;
    this.retiring = false;
    this.answered = 0;
    this.framer.reset();
    this.head = 0;
    this.inflight = 0;
    this.writer = null;
    // Plain TCP reads into the worker's shared buffer (no Buffer per read); TLS delivers 'data' chunks.
    const socket = openSocket(
      t,
      this.onConnect,
      t.tls ? undefined : { buffer: o.readBuffer, callback: this.onRead },
    );
    if (t.tls) socket.on('data', this.onData);
    else readDirect(socket, this.onDirectRead);
    socket.on('error', this.onError);
    socket.on('end', this.onEnd);
    socket.on('close', this.onClose);
    this.socket = socket;
    this.connectTimer = setTimeout(this.onConnectTimeout, o.connectTimeoutMs);
  }

  /** Writes one request. `ref` is its reference time, `now` the time of sending. */
  send(ref: number, now: number): void {
    const cap = this.refTimes.length;
    let slot = this.head + this.inflight;
    if (slot >= cap) slot -= cap;
    this.refTimes[slot] = ref;
    this.sendTimes[slot] = now;
    this.inflight++;
    if (this.writer !== null) this.writer.write(this.owner.request);
    else this.socket!.write(this.owner.request);
  }

  /** Gives up on the oldest request: every request in flight counts as timed out, and the connection goes. */
  expire(message: string): void {
    this.loseInflight('timeout', message);
    this.retire();
  }

  /** Drops the connection on purpose; requests still in flight are forgotten, not counted. */
  retire(): void {
    this.retiring = true;
    this.inflight = 0;
    this.socket?.destroy();
  }

  // ResponseSink
  onResponse(status: number, close: boolean): void {
    const h = this.head;
    const ref = this.refTimes[h];
    const sent = this.sendTimes[h];
    this.head = h + 1 === this.refTimes.length ? 0 : h + 1;
    this.inflight--;
    this.answered++;
    this.owner.responded(this, status, ref, sent);
    if (close) {
      // The server closes after this response: anything pipelined behind it is lost.
      this.loseInflight(
        'reset',
        'the server closed the connection (Connection: close) with requests pipelined',
      );
      this.retire();
      return;
    }
    this.owner.slotFree(this);
  }

  onProtocolError(reason: string): void {
    this.loseInflight('protocol', `invalid response: ${reason}`);
    this.retire();
  }

  private handleConnect(): void {
    this.clearConnectTimer();
    if (this.retiring) return;
    const socket = this.socket as Socket;
    socket.setNoDelay(true);
    // Pipelined requests go through socket.write, whose cork gathers them into one system call.
    if (!this.owner.target.tls && this.owner.pipeline === 1) this.writer = DirectWriter.for(socket);
    this.isConnected = true;
    this.owner.connected(this);
  }

  private handleRead(buf: Buffer, nread: number): void {
    const o = this.owner;
    o.now = performance.now();
    o.bytes(nread, 0);
    if (this.inflight === 0) {
      if (this.retiring) return;
      this.onProtocolError('data arrived with no request outstanding');
      return;
    }
    const corked = o.pipeline > 1;
    if (corked) this.socket!.cork();
    this.framer.feed(buf, 0, nread);
    if (corked && this.socket) this.socket.uncork();
  }

  private handleError(err: Error): void {
    if (this.retiring) return;
    const message = describeSocketError(err, this.owner.target);
    if (!this.isConnected) {
      this.failed = true;
      this.clearConnectTimer();
      this.owner.connectFailed(this, message);
      return;
    }
    this.loseInflight('reset', message);
  }

  private handleEnd(): void {
    if (this.retiring) return;
    if (!this.framer.end() || this.inflight > 0) {
      this.loseInflight('reset', 'the server closed the connection before responding');
    }
  }

  private handleClose(): void {
    this.clearConnectTimer();
    const wasConnected = this.isConnected;
    this.isConnected = false;
    this.socket = null;
    if (this.inflight > 0 && !this.retiring) {
      this.loseInflight('reset', 'the connection closed before the response');
    }
    this.inflight = 0;
    this.owner.closed(this, this.failed || !wasConnected || this.answered === 0);
  }

  private handleConnectTimeout(): void {
    this.connectTimer = null;
    if (this.isConnected) return;
    this.failed = true;
    const t = this.owner.target;
    this.owner.connectFailed(
      this,
      `connecting to ${t.address}:${t.port} timed out after ${this.owner.connectTimeoutMs} ms`,
    );
    this.socket?.destroy();
  }

  private loseInflight(kind: ErrorClass, message: string): void {
    if (this.inflight === 0) return;
    this.owner.lost(this, kind, this.refTimes, this.head, this.inflight, message);
    this.head = 0;
    this.inflight = 0;
  }

  private clearConnectTimer(): void {
    if (this.connectTimer) {
      clearTimeout(this.connectTimer);
      this.connectTimer = null;
    }
  }
}

/**
 * Opens a connection to the target (TCP, or TLS with the handshake); `onConnect` runs once it is ready
 * for requests. Used by the engine and by the pre-flight probe, so both connect the same way.
 */
export function openSocket(
  t: TargetAddress,
  onConnect: () => void,
  onread?: { buffer: Buffer; callback: (nread: number, buf: Uint8Array) => boolean },
): Socket | TLSSocket {
  if (t.tls) {
    const socket = tlsConnect({
      host: t.address,
      port: t.port,
      servername: t.servername ?? undefined,
      rejectUnauthorized: !t.insecure,
      ca: t.ca ?? undefined,
      ALPNProtocols: ['http/1.1'],
    });
    socket.once('secureConnect', onConnect);
    return socket;
  }
  const socket = netConnect({ host: t.address, port: t.port, ...(onread ? { onread } : {}) });
  socket.once('connect', onConnect);
  return socket;
}

/** A socket error as a sentence that names the target and what went wrong. */
export function describeSocketError(err: Error, target: Pick<TargetAddress, 'address' | 'port'>): string {
  const code = errnoCode(err);
  const where = `${target.address}:${target.port}`;
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused by ${where}`;
    case 'ECONNRESET':
      return `connection reset by ${where}`;
    case 'EPIPE':
      return `${where} closed the connection while a request was being written`;
    case 'ETIMEDOUT':
      return `connection to ${where} timed out`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${where} is unreachable (${code})`;
    default:
      return code ? `${err.message} (${code})` : err.message;
  }
}
