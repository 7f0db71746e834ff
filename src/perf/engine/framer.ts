// Finds where each HTTP/1.1 response ends, straight from the bytes: the status line, Content-Length,
// chunked bodies, bodies that end when the connection closes, and Connection: close. Nothing is copied
// or allocated per response on the common path (the head arrives in one read); a head split across reads
// is gathered in a scratch buffer kept for the connection's life.

/** What the framer tells its connection. Methods, not callbacks, so no closure exists per response. */
export interface ResponseSink {
  /** A whole response arrived. `close` is true when the server will close the connection after it. */
  onResponse(status: number, close: boolean): void;
  /** The bytes are not HTTP/1.x; the connection cannot be used any more. */
  onProtocolError(reason: string): void;
}

const HEAD = 0;
const BODY = 1;
const CHUNK_SIZE = 2;
const CHUNK_EXT = 3;
const CHUNK_SIZE_LF = 4;
const CHUNK_DATA = 5;
const CHUNK_DATA_CR = 6;
const CHUNK_DATA_LF = 7;
const TRAILER_LINE_START = 8;
const TRAILER_LINE = 9;
const TRAILER_END_LF = 10;
const UNTIL_CLOSE = 11;
const STOPPED = 12;

const CR = 13;
const LF = 10;
const HEAD_END = Buffer.from('\r\n\r\n');
const MAX_HEAD_BYTES = 64 * 1024;

const CONTENT_LENGTH = Buffer.from('content-length:');
const TRANSFER_ENCODING = Buffer.from('transfer-encoding:');
const CONNECTION = Buffer.from('connection:');
const CHUNKED = Buffer.from('chunked');
const CLOSE = Buffer.from('close');
const KEEP_ALIVE = Buffer.from('keep-alive');

export class ResponseFramer {
  private state = HEAD;
  private remaining = 0;
  private chunkSize = 0;
  private sawDigit = false;
  private status = 0;
  private close = false;
  private scratch: Buffer | null = null;
  private scratchLen = 0;
  // Filled by parseHead.
  private contentLength = -1;
  private chunked = false;

  constructor(
    private readonly sink: ResponseSink,
    /** Responses to HEAD have no body, whatever their headers say. */
    private readonly headRequests = false,
  ) {}

  /** Starts over, for a new connection. */
  reset(): void {
    this.state = HEAD;
    this.scratchLen = 0;
    this.remaining = 0;
  }

  /** True when part of a response has arrived but not all of it. */
  get midResponse(): boolean {
    return this.state !== HEAD || this.scratchLen > 0;
  }

  /** Consumes bytes [start, end) of `buf`. */
  feed(buf: Buffer, start: number, end: number): void {
    let pos = start;
    while (pos < end) {
      switch (this.state) {
        case HEAD: {
          if (this.scratchLen === 0) {
            const at = buf.indexOf(HEAD_END, pos);
            // indexOf cannot be bounded: a match past `end` is stale bytes of a reused read buffer.
            if (at !== -1 && at + 4 <= end) {
              if (!this.parseHead(buf, pos, at + 4)) return;
              pos = at + 4;
              break;
            }
            this.gather(buf, pos, end);
            return;
          }
          const before = this.scratchLen;
          const take = Math.min(end - pos, MAX_HEAD_BYTES - before);
          const scratch = this.ensureScratch(before + take);
          buf.copy(scratch, before, pos, pos + take);
          this.scratchLen = before + take;
          const at = scratch.indexOf(HEAD_END, Math.max(0, before - 3));
          if (at === -1 || at + 4 > this.scratchLen) {
            if (this.scratchLen >= MAX_HEAD_BYTES) this.fail('response head larger than 64 KiB');
            return;
          }
          const headEnd = at + 4;
          this.scratchLen = 0;
          if (!this.parseHead(scratch, 0, headEnd)) return;
          pos += headEnd - before;
          break;
        }
        case BODY: {
          const take = Math.min(this.remaining, end - pos);
          pos += take;
          this.remaining -= take;
          if (this.remaining === 0) this.complete();
          break;
        }
        case CHUNK_DATA: {
          const take = Math.min(this.remaining, end - pos);
          pos += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = CHUNK_DATA_CR;
          break;
        }
        case UNTIL_CLOSE:
          return;
        case STOPPED:
          return;
        default:
          if (!this.chunkByte(buf[pos++])) return;
      }
    }
  }

  /** The connection ended. Returns false when a response was cut short. */
  end(): boolean {
    if (this.state === UNTIL_CLOSE) {
      this.complete();
      return true;
    }
    return !this.midResponse || this.state === STOPPED;
  }

  private chunkByte(c: number): boolean {
    switch (this.state) {
      case CHUNK_SIZE: {
        const d = hexValue(c);
        if (d >= 0) {
          this.chunkSize = this.chunkSize * 16 + d;
          this.sawDigit = true;
          if (this.chunkSize > Number.MAX_SAFE_INTEGER / 32) return this.fail('chunk size too large');
          return true;
        }
        if (!this.sawDigit) return this.fail('bad chunk size');
        if (c === CR) this.state = CHUNK_SIZE_LF;
        else if (c === LF) this.chunkLineEnd();
        else if (c === 59 /* ; */ || c === 32 || c === 9) this.state = CHUNK_EXT;
        else return this.fail('bad chunk size');
        return true;
      }
      case CHUNK_EXT:
        if (c === CR) this.state = CHUNK_SIZE_LF;
        else if (c === LF) this.chunkLineEnd();
        return true;
      case CHUNK_SIZE_LF:
        if (c !== LF) return this.fail('bad chunk size line ending');
        this.chunkLineEnd();
        return true;
      case CHUNK_DATA_CR:
        if (c === CR) this.state = CHUNK_DATA_LF;
        else if (c === LF) this.startChunk();
        else return this.fail('chunk longer than its size');
        return true;
      case CHUNK_DATA_LF:
        if (c !== LF) return this.fail('bad chunk ending');
        this.startChunk();
        return true;
      case TRAILER_LINE_START:
        if (c === CR) this.state = TRAILER_END_LF;
        else if (c === LF) this.complete();
        else this.state = TRAILER_LINE;
        return true;
      case TRAILER_LINE:
        if (c === LF) this.state = TRAILER_LINE_START;
        return true;
      case TRAILER_END_LF:
        if (c !== LF) return this.fail('bad trailer ending');
        this.complete();
        return true;
      default:
        return false;
    }
  }

  private startChunk(): void {
    this.state = CHUNK_SIZE;
    this.chunkSize = 0;
    this.sawDigit = false;
  }

  private chunkLineEnd(): void {
    if (this.chunkSize === 0) {
      this.state = TRAILER_LINE_START;
    } else {
      this.remaining = this.chunkSize;
      this.state = CHUNK_DATA;
    }
  }

  private complete(): void {
    const close = this.close;
    this.state = close ? STOPPED : HEAD;
    this.sink.onResponse(this.status, close);
  }

  private fail(reason: string): false {
    this.state = STOPPED;
    this.scratchLen = 0;
    this.sink.onProtocolError(reason);
    return false;
  }

  private gather(buf: Buffer, start: number, end: number): void {
    const n = Math.min(end - start, MAX_HEAD_BYTES);
    buf.copy(this.ensureScratch(n), 0, start, start + n);
    this.scratchLen = n;
    if (n >= MAX_HEAD_BYTES) this.fail('response head larger than 64 KiB');
  }

  private ensureScratch(size: number): Buffer {
    if (!this.scratch || this.scratch.length < size) {
      const grown = Buffer.allocUnsafe(
        Math.min(MAX_HEAD_BYTES, Math.max(size, 1024, (this.scratch?.length ?? 0) * 2)),
      );
      if (this.scratch && this.scratchLen > 0) this.scratch.copy(grown, 0, 0, this.scratchLen);
      this.scratch = grown;
    }
    return this.scratch;
  }

  /** Reads the status line and the headers that frame the body; [start, end) ends with CRLF CRLF. */
  private parseHead(buf: Buffer, start: number, end: number): boolean {
    // "HTTP/1.x SSS"
    if (
      end - start < 16 ||
      buf[start] !== 72 ||
      buf[start + 1] !== 84 ||
      buf[start + 2] !== 84 ||
      buf[start + 3] !== 80 ||
      buf[start + 4] !== 47 ||
      buf[start + 5] !== 49 ||
      buf[start + 6] !== 46 ||
      buf[start + 8] !== 32
    ) {
      return this.fail('not an HTTP/1.x response');
    }
    const minor = buf[start + 7];
    const s0 = buf[start + 9] - 48;
    const s1 = buf[start + 10] - 48;
    const s2 = buf[start + 11] - 48;
    if (s0 < 1 || s0 > 5 || s1 < 0 || s1 > 9 || s2 < 0 || s2 > 9) return this.fail('bad status code');
    const status = s0 * 100 + s1 * 10 + s2;
    let keepAlive = minor === 49; // HTTP/1.1 keeps the connection unless told otherwise
    this.contentLength = -1;
    this.chunked = false;

    let line = buf.indexOf(LF, start) + 1;
    const last = end - 2; // the empty line
    while (line < last) {
      const eol = buf.indexOf(LF, line);
      const first = buf[line] | 0x20;
      if (first === 99 /* c */) {
        if (startsWithName(buf, line, eol, CONTENT_LENGTH)) {
          const n = parseDecimal(buf, line + CONTENT_LENGTH.length, eol);
          if (n < 0) return this.fail('bad Content-Length');
          this.contentLength = n;
        } else if (startsWithName(buf, line, eol, CONNECTION)) {
          const from = line + CONNECTION.length;
          if (containsToken(buf, from, eol, CLOSE)) keepAlive = false;
          else if (containsToken(buf, from, eol, KEEP_ALIVE)) keepAlive = true;
        }
      } else if (first === 116 /* t */ && startsWithName(buf, line, eol, TRANSFER_ENCODING)) {
        if (containsToken(buf, line + TRANSFER_ENCODING.length, eol, CHUNKED)) this.chunked = true;
      }
      line = eol + 1;
    }

    // Interim responses (100 Continue, 103 Early Hints) precede the real one.
    if (status < 200 && status !== 101) return true;
    if (status === 101) return this.fail('the server switched protocols (101)');
    this.status = status;
    this.close = !keepAlive;
    if (this.headRequests || status === 204 || status === 304) {
      this.complete();
    } else if (this.chunked) {
      this.startChunk();
    } else if (this.contentLength >= 0) {
      if (this.contentLength === 0) {
        this.complete();
      } else {
        this.remaining = this.contentLength;
        this.state = BODY;
      }
    } else {
      // No length: the body runs until the server closes the connection.
      this.close = true;
      this.state = UNTIL_CLOSE;
    }
    return this.state !== STOPPED || this.close;
  }
}

function startsWithName(buf: Buffer, from: number, eol: number, name: Buffer): boolean {
  if (eol - from < name.length) return false;
  for (let i = 0; i < name.length; i++) if ((buf[from + i] | 0x20) !== name[i]) return false;
  return true;
}

function containsToken(buf: Buffer, from: number, to: number, token: Buffer): boolean {
  const n = token.length;
  outer: for (let i = from; i + n <= to; i++) {
    for (let j = 0; j < n; j++) if ((buf[i + j] | 0x20) !== token[j]) continue outer;
    return true;
  }
  return false;
}

function parseDecimal(buf: Buffer, from: number, eol: number): number {
  let i = from;
  while (i < eol && (buf[i] === 32 || buf[i] === 9)) i++;
  let value = 0;
  let digits = 0;
  while (i < eol) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) break;
    value = value * 10 + d;
    digits++;
    i++;
  }
  while (i < eol && (buf[i] === 32 || buf[i] === 9 || buf[i] === CR)) i++;
  return digits === 0 || i !== eol || digits > 15 ? -1 : value;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}
