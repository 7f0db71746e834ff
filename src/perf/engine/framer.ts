// Finds where each HTTP/1.1 response ends, straight from the bytes: the status line, Content-Length,
// chunked bodies, bodies that end when the connection closes, and Connection: close. Nothing is copied
// or allocated per response on the common path (the head arrives in one read); a head split across reads
// is parsed line by line as it comes, and only a line cut in two is kept, in a scratch buffer kept for the
// connection's life.

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

// scanHead's answers besides an offset.
const NEED_MORE = -1;
const FAILED = -2;

const CR = 13;
const LF = 10;
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
  /** The unfinished last line of a head cut by a read, kept for the next read. */
  private scratch: Buffer | null = null;
  private scratchLen = 0;
  // The head being parsed, line by line.
  private sawStatusLine = false;
  private headStatus = 0;
  private keepAlive = true;
  private contentLength = -1;
  private chunked = false;
  private headBytes = 0;
  /** Where scanHead stopped: the start of the line it could not finish. */
  private lineAt = 0;
  /** The connection's read buffer and a view of it as 32-bit words, to look for LF four bytes at a time. */
  private wordBuf: Buffer | null = null;
  private words: Int32Array | null = null;

  constructor(
    private readonly sink: ResponseSink,
    /** Responses to HEAD have no body, whatever their headers say. */
    private readonly headRequests = false,
  ) {}

  /**
   * The buffer most reads will arrive in (the engine's shared read buffer): heads in it are searched a
   * word at a time. Its memory must start on a 4-byte boundary.
   */
  useReadBuffer(buf: Buffer): void {
    if (buf.byteOffset % 4 !== 0) return;
    this.wordBuf = buf;
    this.words = new Int32Array(buf.buffer, buf.byteOffset, buf.length >>> 2);
  }

  /** Starts over, for a new connection. */
  reset(): void {
    this.state = HEAD;
    this.scratchLen = 0;
    this.remaining = 0;
    this.sawStatusLine = false;
    this.headBytes = 0;
  }

  /** True when part of a response has arrived but not all of it. */
  get midResponse(): boolean {
    return this.state !== HEAD || this.scratchLen > 0 || this.sawStatusLine;
  }

  /** Consumes bytes [start, end) of `buf`. */
  feed(buf: Buffer, start: number, end: number): void {
    let pos = start;
    while (pos < end) {
      switch (this.state) {
        case HEAD: {
          if (this.scratchLen === 0) {
            const next = this.scanHead(buf, pos, end);
            if (next >= 0) {
              pos = next;
              if (!this.endHead()) return;
              break;
            }
            // The head goes on in the next read: its complete lines are parsed, the rest is kept.
            if (next === NEED_MORE) this.keepLine(buf, this.lineAt, end);
            return;
          }
          // A line cut by the previous read: join it with these bytes and parse on from it.
          const before = this.scratchLen;
          const take = Math.min(end - pos, MAX_HEAD_BYTES - this.headBytes - before);
          const scratch = this.ensureScratch(before + take);
          buf.copy(scratch, before, pos, pos + take);
          const len = before + take;
          this.scratchLen = 0;
          const next = this.scanHead(scratch, 0, len);
          if (next >= 0) {
            pos += next - before;
            if (!this.endHead()) return;
            break;
          }
          if (next === NEED_MORE) this.keepLine(scratch, this.lineAt, len);
          return;
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
    this.sawStatusLine = false;
    this.sink.onProtocolError(reason);
    return false;
  }

  /** Keeps the unfinished line [start, end) of a head for the next read; a head over 64 KiB fails. */
  private keepLine(buf: Buffer, start: number, end: number): void {
    const n = end - start;
    if (this.headBytes + n >= MAX_HEAD_BYTES) {
      this.fail('response head larger than 64 KiB');
      return;
    }
    if (n === 0) return;
    const scratch = this.ensureScratch(n);
    // copy() handles the overlap when the line already sits in the scratch buffer.
    buf.copy(scratch, 0, start, end);
    this.scratchLen = n;
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

  /**
   * Parses the complete lines of a head in [from, end), one pass in JavaScript (no Buffer.indexOf call
   * per line). Returns the offset just past the empty line that ends the head; NEED_MORE when the bytes
   * end first (`lineAt` is then where the unfinished line starts); FAILED after a protocol error.
   */
  private scanHead(buf: Buffer, from: number, end: number): number {
    const words = buf === this.wordBuf ? this.words : null;
    let line = from;
    while (line < end) {
      const eol = words === null ? findLF(buf, line, end) : findLFByWords(buf, words, line, end);
      if (eol === end) break;
      this.headBytes += eol + 1 - line;
      if (this.headBytes > MAX_HEAD_BYTES) {
        this.fail('response head larger than 64 KiB');
        return FAILED;
      }
      if (!this.sawStatusLine) {
        if (!this.statusLine(buf, line, eol)) return FAILED;
      } else if (eol === line || (eol === line + 1 && buf[line] === CR)) {
        return eol + 1;
      } else if (!this.headerLine(buf, line, eol)) {
        return FAILED;
      }
      line = eol + 1;
    }
    this.lineAt = line;
    return NEED_MORE;
  }

  /** "HTTP/1.x SSS ..." in [line, eol). */
  private statusLine(buf: Buffer, line: number, eol: number): boolean {
    if (
      eol - line < 12 ||
      buf[line] !== 72 ||
      buf[line + 1] !== 84 ||
      buf[line + 2] !== 84 ||
      buf[line + 3] !== 80 ||
      buf[line + 4] !== 47 ||
      buf[line + 5] !== 49 ||
      buf[line + 6] !== 46 ||
      buf[line + 8] !== 32
    ) {
      return this.fail('not an HTTP/1.x response');
    }
    const s0 = buf[line + 9] - 48;
    const s1 = buf[line + 10] - 48;
    const s2 = buf[line + 11] - 48;
    if (s0 < 1 || s0 > 5 || s1 < 0 || s1 > 9 || s2 < 0 || s2 > 9) return this.fail('bad status code');
    this.sawStatusLine = true;
    this.headStatus = s0 * 100 + s1 * 10 + s2;
    this.keepAlive = buf[line + 7] === 49; // HTTP/1.1 keeps the connection unless told otherwise
    this.contentLength = -1;
    this.chunked = false;
    return true;
  }

  /** One header line [line, eol): only the ones that frame the body matter. */
  private headerLine(buf: Buffer, line: number, eol: number): boolean {
    const first = buf[line] | 0x20;
    if (first === 99 /* c */) {
      if (startsWithName(buf, line, eol, CONTENT_LENGTH)) {
        const n = parseDecimal(buf, line + CONTENT_LENGTH.length, eol);
        if (n < 0) return this.fail('bad Content-Length');
        this.contentLength = n;
      } else if (startsWithName(buf, line, eol, CONNECTION)) {
        const from = line + CONNECTION.length;
        if (containsToken(buf, from, eol, CLOSE)) this.keepAlive = false;
        else if (containsToken(buf, from, eol, KEEP_ALIVE)) this.keepAlive = true;
      }
    } else if (first === 116 /* t */ && startsWithName(buf, line, eol, TRANSFER_ENCODING)) {
      if (containsToken(buf, line + TRANSFER_ENCODING.length, eol, CHUNKED)) this.chunked = true;
    }
    return true;
  }

  /** The head is complete: how does the body end? False when the connection cannot go on. */
  private endHead(): boolean {
    const status = this.headStatus;
    this.sawStatusLine = false;
    this.headBytes = 0;
    // Interim responses (100 Continue, 103 Early Hints) precede the real one.
    if (status < 200 && status !== 101) return true;
    if (status === 101) return this.fail('the server switched protocols (101)');
    this.status = status;
    this.close = !this.keepAlive;
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

/** The first LF in [from, end), or `end`. */
function findLF(buf: Buffer, from: number, end: number): number {
  let i = from;
  while (i < end && buf[i] !== LF) i++;
  return i;
}

/**
 * findLF over a buffer that starts on a word boundary, four bytes per step: a word holds an LF when
 * (x - 0x01010101) & ~x & 0x80808080 is not zero for x = word ^ 0x0a0a0a0a (a zero byte in x), the classic
 * test that cannot miss a zero byte and, for the first zero byte, cannot be fooled.
 */
function findLFByWords(buf: Buffer, words: Int32Array, from: number, end: number): number {
  let i = from;
  while ((i & 3) !== 0) {
    if (i >= end || buf[i] === LF) return i;
    i++;
  }
  const lastWord = end >>> 2; // words [i/4, lastWord) lie wholly before `end`
  let w = i >>> 2;
  while (w < lastWord) {
    const x = words[w] ^ 0x0a0a0a0a;
    if ((((x - 0x01010101) | 0) & ~x & 0x80808080) !== 0) break;
    w++;
  }
  i = w << 2;
  while (i < end && buf[i] !== LF) i++;
  return i;
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
