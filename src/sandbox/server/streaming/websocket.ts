// The server's end of a WebSocket (RFC 6455) on an upgraded connection: the handshake with subprotocol
// choice, client frames (masked, possibly fragmented) into messages, pings answered with pongs (client-go
// sends a heartbeat and fails without them), close handshakes, and binary messages out.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP = { CONTINUATION: 0, TEXT: 1, BINARY: 2, CLOSE: 8, PING: 9, PONG: 10 };
/** A message bigger than this ends the connection (1009): exec and port-forward chunks are far smaller. */
const MAX_MESSAGE = 64 * 1024 * 1024;

export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
}

/** The subprotocols the client offers, in its order of preference. */
export function offeredProtocols(req: IncomingMessage): string[] {
  const raw = req.headers['sec-websocket-protocol'];
  return (Array.isArray(raw) ? raw.join(',') : (raw ?? ''))
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

/** Completes the handshake with `protocol` and returns the connection. */
export function acceptWebSocket(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  protocol: string | undefined,
): WebSocketConnection {
  const key = String(req.headers['sec-websocket-key'] ?? '');
  const accept = createHash('sha1')
    .update(key + GUID)
    .digest('base64');
  socket.write(
    [
      'HTTP/1.1 101 Switching Protocols',
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Accept: ${accept}`,
      ...(protocol ? [`Sec-WebSocket-Protocol: ${protocol}`] : []),
      '',
      '',
    ].join('\r\n'),
  );
  const ws = new WebSocketConnection(socket);
  if (head.length) ws.receive(head);
  return ws;
}

export class WebSocketConnection {
  private pending: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private fragmentOp = 0;
  private closing = false;
  private ended = false;
  private readonly messageHandlers: Array<(data: Buffer) => void> = [];
  private readonly closeHandlers: Array<() => void> = [];

  constructor(private readonly socket: Duplex) {
    socket.on('data', (c: Buffer) => this.receive(c));
    socket.on('close', () => this.finish());
    socket.on('error', () => this.finish());
  }

  /** Every data message (text or binary) as bytes. */
  onMessage(handler: (data: Buffer) => void): void {
    this.messageHandlers.push(handler);
  }

  onClose(handler: () => void): void {
    if (this.ended) handler();
    else this.closeHandlers.push(handler);
  }

  get isClosed(): boolean {
    return this.ended || this.closing;
  }

  send(data: Buffer, opcode = OP.BINARY): void {
    if (this.ended || this.closing) return;
    this.socket.write(frame(opcode, data));
  }

  /** Starts the close handshake (1000: normal); the socket ends when the client answers, or soon after. */
  close(code = 1000, reason = ''): void {
    if (this.ended || this.closing) return;
    this.closing = true;
    const body = Buffer.alloc(2 + Buffer.byteLength(reason));
    body.writeUInt16BE(code, 0);
    body.write(reason, 2);
    this.socket.write(frame(OP.CLOSE, body));
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }

  receive(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      const parsed = parseFrame(this.pending);
      if (!parsed) return;
      if (parsed === 'too-big' || parsed === 'unmasked') return this.fail(parsed === 'too-big' ? 1009 : 1002);
      this.pending = this.pending.subarray(parsed.size);
      this.onFrame(parsed.fin, parsed.opcode, parsed.payload);
      if (this.ended) return;
    }
  }

  private onFrame(fin: boolean, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case OP.PING:
        if (!this.closing) this.socket.write(frame(OP.PONG, payload));
        return;
      case OP.PONG:
        return;
      case OP.CLOSE:
        if (!this.closing) {
          this.closing = true;
          this.socket.write(frame(OP.CLOSE, payload.subarray(0, 2)));
        }
        this.socket.end();
        this.finish();
        return;
      case OP.CONTINUATION:
      case OP.TEXT:
      case OP.BINARY: {
        if (opcode !== OP.CONTINUATION) {
          this.fragments = [];
          this.fragmentOp = opcode;
        }
        this.fragments.push(payload);
        if (!fin) return;
        const message = Buffer.concat(this.fragments);
        this.fragments = [];
        for (const h of this.messageHandlers) h(message);
        return;
      }
      default:
        this.fail(1002);
    }
  }

  private fail(code: number): void {
    this.close(code);
    this.socket.end();
    this.finish();
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    for (const h of this.closeHandlers.splice(0)) h();
  }
}

type Parsed = { fin: boolean; opcode: number; payload: Buffer; size: number } | 'too-big' | 'unmasked';

function parseFrame(buf: Buffer): Parsed | undefined {
  if (buf.length < 2) return undefined;
  const fin = (buf[0] & 0x80) !== 0;
  const opcode = buf[0] & 0x0f;
  const masked = (buf[1] & 0x80) !== 0;
  let length = buf[1] & 0x7f;
  let at = 2;
  if (length === 126) {
    if (buf.length < 4) return undefined;
    length = buf.readUInt16BE(2);
    at = 4;
  } else if (length === 127) {
    if (buf.length < 10) return undefined;
    const big = buf.readBigUInt64BE(2);
    if (big > BigInt(MAX_MESSAGE)) return 'too-big';
    length = Number(big);
    at = 10;
  }
  if (length > MAX_MESSAGE) return 'too-big';
  // Clients must mask every frame (RFC 6455, 5.1).
  if (!masked) return 'unmasked';
  if (buf.length < at + 4 + length) return undefined;
  const mask = buf.subarray(at, at + 4);
  const payload = Buffer.from(buf.subarray(at + 4, at + 4 + length));
  for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
  return { fin, opcode, payload, size: at + 4 + length };
}

/** One unmasked frame, as servers send them. */
function frame(opcode: number, payload: Buffer): Buffer {
  const n = payload.length;
  const head = n < 126 ? Buffer.alloc(2) : n < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  head[0] = 0x80 | opcode;
  if (n < 126) head[1] = n;
  else if (n < 65536) {
    head[1] = 126;
    head.writeUInt16BE(n, 2);
  } else {
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(n), 2);
  }
  return Buffer.concat([head, payload]);
}
