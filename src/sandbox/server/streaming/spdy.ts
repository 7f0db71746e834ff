// SPDY/3.1 as kubectl and client-go speak it (moby/spdystream over an HTTP/1.1 upgrade, or tunnelled in a
// WebSocket): the server's end of a session. Streams are Duplexes; the client opens them (SYN_STREAM, odd
// ids) and each gets a SYN_REPLY at once, as the kubelet's stream handler replies. Header blocks are zlib
// with the SPDY/3 dictionary in one context per direction: the client's are inflated with node:zlib (so
// frames are handled one after another), ours are written as stored (uncompressed) deflate blocks, which
// any zlib reader accepts and which need no state but the stream header. spdystream implements no flow
// control, so WINDOW_UPDATE and SETTINGS are read and ignored, and none are sent.
import { Duplex } from 'node:stream';
import { constants, createInflate, type Inflate } from 'node:zlib';

const CONTROL = 0x8000;
const VERSION = 3;
const TYPE = { SYN_STREAM: 1, SYN_REPLY: 2, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7, HEADERS: 8 };
const FLAG_FIN = 0x01;
/** RST_STREAM status codes. */
export const RST = { PROTOCOL_ERROR: 1, INVALID_STREAM: 2, REFUSED_STREAM: 3, CANCEL: 5, INTERNAL_ERROR: 6 };
/** Bigger data is split: spdystream reads frames of any size up to 2^24, smaller ones interleave better. */
const MAX_DATA_FRAME = 32 * 1024;
/** A frame longer than this is a protocol error (the 24-bit length allows 16 MiB). */
const MAX_FRAME = 16 * 1024 * 1024;

const DICTIONARY_WORDS = [
  'options', 'head', 'post', 'put', 'delete', 'trace', 'accept', 'accept-charset', 'accept-encoding',
  'accept-language', 'accept-ranges', 'age', 'allow', 'authorization', 'cache-control', 'connection',
  'content-base', 'content-encoding', 'content-language', 'content-length', 'content-location',
  'content-md5', 'content-range', 'content-type', 'date', 'etag', 'expect', 'expires', 'from', 'host',
  'if-match', 'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since', 'last-modified',
  'location', 'max-forwards', 'pragma', 'proxy-authenticate', 'proxy-authorization', 'range', 'referer',
  'retry-after', 'server', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'vary', 'via',
  'warning', 'www-authenticate', 'method', 'get', 'status', '200 OK', 'version', 'HTTP/1.1', 'url',
  'public', 'set-cookie', 'keep-alive', 'origin',
]; // prettier-ignore
const DICTIONARY_TAIL =
  '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505203 ' +
  'Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized' +
  '403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable' +
  'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT' +
  'chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,' +
  'text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';

/** The SPDY/3 header compression dictionary (draft-mbelshe-httpbis-spdy-00, 2.6.10.1): 1423 bytes. */
export const SPDY_DICTIONARY: Buffer = Buffer.concat([
  ...DICTIONARY_WORDS.map((w) => {
    const b = Buffer.alloc(4 + w.length);
    b.writeUInt32BE(w.length, 0);
    b.write(w, 4, 'latin1');
    return b;
  }),
  Buffer.from(DICTIONARY_TAIL, 'latin1'),
]);

function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** SPDY header blocks: a count, then length-prefixed names (lower case) and values (NUL-separated). */
export function encodeHeaderBlock(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [u32(Object.keys(headers).length)];
  for (const [name, value] of Object.entries(headers)) {
    const n = Buffer.from(name.toLowerCase(), 'utf8');
    const v = Buffer.from(value, 'utf8');
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(block: Buffer): Map<string, string> {
  const headers = new Map<string, string>();
  let at = 0;
  const take = (): Buffer => {
    if (at + 4 > block.length) throw new Error('truncated header block');
    const n = block.readUInt32BE(at);
    if (at + 4 + n > block.length) throw new Error('truncated header block');
    const out = block.subarray(at + 4, at + 4 + n);
    at += 4 + n;
    return out;
  };
  if (block.length < 4) throw new Error('truncated header block');
  const count = block.readUInt32BE(0);
  at = 4;
  for (let i = 0; i < count; i++) {
    const name = take().toString('utf8').toLowerCase();
    headers.set(name, take().toString('utf8'));
  }
  return headers;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}

/** Our side's header compression: zlib (FDICT, the SPDY dictionary) of stored deflate blocks. */
export class StoredHeaderCompressor {
  private started = false;

  compress(block: Buffer): Buffer {
    const parts: Buffer[] = [];
    if (!this.started) {
      this.started = true;
      // CMF 0x78 (deflate, 32K window), FLG 0x20 (FDICT; (0x7820 % 31) === 0), then the dictionary id.
      parts.push(Buffer.from([0x78, 0x20]), u32(adler32(SPDY_DICTIONARY)));
    }
    for (let at = 0; at < block.length; at += 0xffff)
      parts.push(storedBlock(block.subarray(at, at + 0xffff)));
    // An empty stored block ends each header block, as zlib's Z_SYNC_FLUSH does: Go's inflater hands
    // over what it has when it meets one, and would otherwise read past the frame looking for the next.
    parts.push(storedBlock(Buffer.alloc(0)));
    return Buffer.concat(parts);
  }
}

/** A stored (uncompressed) deflate block, not final, aligned to the byte. */
function storedBlock(data: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head[0] = 0; // BFINAL 0, BTYPE 00 (stored), padded to the byte
  head.writeUInt16LE(data.length, 1);
  head.writeUInt16LE(~data.length & 0xffff, 3);
  return Buffer.concat([head, data]);
}

/** The peer's header compression: one inflate context for the whole session, fed block by block. */
class HeaderDecompressor {
  private readonly z: Inflate = createInflate({ dictionary: SPDY_DICTIONARY });
  private failure?: Error;

  constructor() {
    this.z.on('error', (err) => (this.failure = err));
  }

  inflate(block: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.z.write(block);
      this.z.flush(constants.Z_SYNC_FLUSH, () => {
        if (this.failure) return reject(this.failure);
        const parts: Buffer[] = [];
        for (let c: Buffer | null; (c = this.z.read() as Buffer | null) !== null;) parts.push(c);
        resolve(Buffer.concat(parts));
      });
    });
  }

  close(): void {
    this.z.close();
  }
}

/** What a session writes to and is closed through: a socket, or a WebSocket tunnel. */
export interface ByteTransport {
  write(data: Buffer): void;
  end(): void;
}

/** One stream of a session: what the client sends is read from it, what is written goes back. */
export class SpdyStream extends Duplex {
  /** Set when either side reset the stream. */
  wasReset = false;

  constructor(
    readonly id: number,
    readonly headers: Map<string, string>,
    private readonly session: SpdySession,
  ) {
    super({ allowHalfOpen: true });
  }

  override _read(): void {
    // Data is pushed as frames arrive (spdystream has no flow control to honour).
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    if (!this.wasReset) this.session.sendData(this.id, chunk, false);
    done();
  }

  override _final(done: (err?: Error | null) => void): void {
    if (!this.wasReset) this.session.sendData(this.id, Buffer.alloc(0), true);
    done();
  }

  /** Ends the stream abruptly (RST_STREAM), as a peer that gives up on it. */
  reset(status = RST.CANCEL): void {
    if (this.wasReset) return;
    this.wasReset = true;
    this.session.sendReset(this.id, status);
    this.push(null);
    this.destroy();
  }
}

/** The server's end of one SPDY/3.1 session. */
export class SpdySession {
  private readonly streams = new Map<number, SpdyStream>();
  private readonly compressor = new StoredHeaderCompressor();
  private readonly decompressor = new HeaderDecompressor();
  private pending: Buffer = Buffer.alloc(0);
  /** Frames are handled strictly in order: header blocks inflate asynchronously. */
  private inbox: Promise<void> = Promise.resolve();
  private lastClientStream = 0;
  private closed = false;
  private readonly closeHandlers: Array<() => void> = [];

  constructor(
    private readonly transport: ByteTransport,
    private readonly onStream: (stream: SpdyStream) => void,
  ) {}

  /** Bytes from the peer. */
  receive(chunk: Buffer): void {
    if (this.closed) return;
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= 8) {
      const length = this.pending.readUInt32BE(4) & 0xffffff;
      if (length > MAX_FRAME) return this.close();
      if (this.pending.length < 8 + length) break;
      const frame = this.pending.subarray(0, 8 + length);
      this.pending = this.pending.subarray(8 + length);
      this.inbox = this.inbox.then(() => this.handle(frame)).catch(() => this.close());
    }
  }

  /** The transport ended or failed: every stream ends with it. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.streams.values()) {
      s.wasReset = true;
      s.push(null);
      s.destroy();
    }
    this.streams.clear();
    this.decompressor.close();
    this.transport.end();
    for (const h of this.closeHandlers.splice(0)) h();
  }

  onClose(handler: () => void): void {
    if (this.closed) handler();
    else this.closeHandlers.push(handler);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private async handle(frame: Buffer): Promise<void> {
    if (this.closed) return;
    const flags = frame[4];
    const body = frame.subarray(8);
    if (!(frame.readUInt16BE(0) & CONTROL))
      return this.onData(frame.readUInt32BE(0) & 0x7fffffff, flags, body);
    const version = frame.readUInt16BE(0) & 0x7fff;
    if (version !== VERSION) return this.close();
    switch (frame.readUInt16BE(2)) {
      case TYPE.SYN_STREAM:
        return this.onSynStream(flags, body);
      case TYPE.HEADERS:
      case TYPE.SYN_REPLY:
        // Inflated to keep the shared context in step; servers get no replies, extra headers mean nothing here.
        await this.decompressor.inflate(body.subarray(4));
        return;
      case TYPE.RST_STREAM:
        return this.onReset(body.readUInt32BE(0) & 0x7fffffff);
      case TYPE.PING:
        // Answer the client's pings (odd ids); ours would be even, and we send none.
        this.writeControl(TYPE.PING, 0, body.subarray(0, 4));
        return;
      case TYPE.GOAWAY:
        return this.close();
      default:
        // SETTINGS, WINDOW_UPDATE and anything newer: nothing to do.
        return;
    }
  }

  private async onSynStream(flags: number, body: Buffer): Promise<void> {
    const id = body.readUInt32BE(0) & 0x7fffffff;
    const headers = decodeHeaderBlock(await this.decompressor.inflate(body.subarray(10)));
    if (id % 2 === 0 || id <= this.lastClientStream) {
      this.sendReset(id, RST.PROTOCOL_ERROR);
      return;
    }
    this.lastClientStream = id;
    const stream = new SpdyStream(id, headers, this);
    this.streams.set(id, stream);
    stream.once('close', () => this.streams.delete(id));
    // The kubelet replies to every stream as it arrives; the client waits for the reply.
    this.writeControl(
      TYPE.SYN_REPLY,
      0,
      Buffer.concat([u32(id), this.compressor.compress(encodeHeaderBlock({}))]),
    );
    if (flags & FLAG_FIN) stream.push(null);
    this.onStream(stream);
  }

  private onData(id: number, flags: number, data: Buffer): void {
    const stream = this.streams.get(id);
    if (!stream) return;
    if (data.length) stream.push(Buffer.from(data));
    if (flags & FLAG_FIN) stream.push(null);
  }

  private onReset(id: number): void {
    const stream = this.streams.get(id);
    if (!stream) return;
    stream.wasReset = true;
    this.streams.delete(id);
    stream.push(null);
    stream.destroy();
  }

  sendData(id: number, data: Buffer, fin: boolean): void {
    if (this.closed) return;
    for (let at = 0; at < data.length || (at === 0 && fin); at += MAX_DATA_FRAME) {
      const chunk = data.subarray(at, at + MAX_DATA_FRAME);
      const last = at + MAX_DATA_FRAME >= data.length;
      const head = Buffer.alloc(8);
      head.writeUInt32BE(id & 0x7fffffff, 0);
      head.writeUInt32BE((((fin && last ? FLAG_FIN : 0) << 24) | chunk.length) >>> 0, 4);
      this.transport.write(Buffer.concat([head, chunk]));
      if (data.length === 0) break;
    }
  }

  sendReset(id: number, status: number): void {
    if (this.closed) return;
    this.writeControl(TYPE.RST_STREAM, 0, Buffer.concat([u32(id & 0x7fffffff), u32(status)]));
  }

  /** GOAWAY, then the transport ends: the client's streams end with it. */
  goAway(): void {
    if (this.closed) return;
    this.writeControl(TYPE.GOAWAY, 0, Buffer.concat([u32(this.lastClientStream), u32(0)]));
    this.close();
  }

  private writeControl(type: number, flags: number, body: Buffer): void {
    if (this.closed) return;
    const head = Buffer.alloc(8);
    head.writeUInt16BE(CONTROL | VERSION, 0);
    head.writeUInt16BE(type, 2);
    head.writeUInt32BE(((flags << 24) | body.length) >>> 0, 4);
    this.transport.write(Buffer.concat([head, body]));
  }
}
