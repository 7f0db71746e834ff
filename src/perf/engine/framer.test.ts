import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResponseFramer, type ResponseSink } from './framer.js';

class Recorder implements ResponseSink {
  responses: Array<[number, boolean]> = [];
  errors: string[] = [];
  onResponse(status: number, close: boolean): void {
    this.responses.push([status, close]);
  }
  onProtocolError(reason: string): void {
    this.errors.push(reason);
  }
}

const STALE = '\r\n\r\nHTTP/1.1 200 OK\r\n\r\n';

/**
 * Feeds `wire` cut at the given points. Each piece goes through a fresh buffer with stale bytes after it,
 * or, like the engine, through one shared read buffer that the framer searches a word at a time.
 */
function feedInPieces(wire: Buffer, cuts: number[], head = false, shared = false): Recorder {
  const r = new Recorder();
  const f = new ResponseFramer(r, head);
  const readBuffer = Buffer.alloc(wire.length + 64);
  if (shared) f.useReadBuffer(readBuffer);
  let from = 0;
  for (const to of [...cuts, wire.length]) {
    // The piece at the start, stale bytes (that look like a head end) after.
    const buf = shared ? readBuffer : Buffer.alloc(to - from + 64, STALE);
    wire.copy(buf, 0, from, to);
    if (shared) buf.fill(STALE, to - from, to - from + 64);
    f.feed(buf, 0, to - from);
    from = to;
  }
  f.end();
  return r;
}

/** Every way to cut the bytes in two, and byte by byte, in either kind of buffer: the same responses. */
function assertFramesSame(wire: Buffer, expected: Array<[number, boolean]>, head = false): void {
  for (const shared of [false, true]) {
    const how = shared ? 'shared buffer' : 'fresh buffers';
    assert.deepEqual(feedInPieces(wire, [], head, shared).responses, expected, `in one piece, ${how}`);
    for (let cut = 1; cut < wire.length; cut++) {
      const r = feedInPieces(wire, [cut], head, shared);
      assert.deepEqual(r.responses, expected, `cut at ${cut}, ${how}`);
      assert.deepEqual(r.errors, []);
    }
    const bytewise = feedInPieces(
      wire,
      Array.from({ length: wire.length - 1 }, (_, i) => i + 1),
      head,
      shared,
    );
    assert.deepEqual(bytewise.responses, expected, `byte by byte, ${how}`);
  }
}

const b = (s: string) => Buffer.from(s, 'latin1');

describe('ResponseFramer', () => {
  it('frames Content-Length bodies, pipelined back to back', () => {
    assertFramesSame(
      b(
        'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServer: x\r\n\r\nhello' +
          'HTTP/1.1 503 Service Unavailable\r\ncontent-length:0\r\n\r\n' +
          'HTTP/1.1 404 Not Found\r\nCONTENT-LENGTH:   3  \r\n\r\n\r\n\r',
      ),
      [
        [200, false],
        [503, false],
        [404, false],
      ],
    );
  });

  it('frames chunked bodies with extensions and trailers', () => {
    assertFramesSame(
      b(
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' +
          '5;name=value\r\nhello\r\nA\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n' +
          'HTTP/1.1 201 Created\r\ntransfer-encoding: gzip, Chunked\r\nContent-Length: 999\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
      ),
      [
        [200, false],
        [201, false],
      ],
    );
  });

  it('ends a body without length at the end of the connection, and marks it closing', () => {
    assertFramesSame(b('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of this is body\r\n\r\n'), [
      [200, true],
    ]);
  });

  it('follows Connection: close and HTTP/1.0 defaults', () => {
    assertFramesSame(b('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok'), [[200, true]]);
    assertFramesSame(b('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok'), [[200, true]]);
    assertFramesSame(
      b(
        'HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nokHTTP/1.0 204 No Content\r\nConnection: keep-alive\r\n\r\n',
      ),
      [
        [200, false],
        [204, false],
      ],
    );
  });

  it('knows responses without bodies: HEAD, 204, 304', () => {
    assertFramesSame(
      b(
        'HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n',
      ),
      [
        [200, false],
        [200, false],
      ],
      true,
    );
    assertFramesSame(
      b('HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n'),
      [
        [304, false],
        [204, false],
      ],
    );
  });

  it('skips interim 1xx responses', () => {
    assertFramesSame(
      b(
        'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n!',
      ),
      [[200, false]],
    );
  });

  it('reports bytes that are not HTTP as a protocol error, once', () => {
    for (const wire of [
      'SSH-2.0-OpenSSH_9.2\r\n\r\n',
      'HTTP/1.1 2x0 OK\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 1a\r\n\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n',
      'HTTP/1.1 101 Switching Protocols\r\n\r\n',
    ]) {
      const r = feedInPieces(b(wire), []);
      assert.equal(r.errors.length, 1, wire);
      assert.deepEqual(r.responses, [], wire);
    }
  });

  it('refuses a response head over 64 KiB', () => {
    const r = new Recorder();
    const f = new ResponseFramer(r);
    const junk = b(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(70_000)}`);
    for (let i = 0; i < junk.length; i += 1000) f.feed(junk, i, Math.min(junk.length, i + 1000));
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0], /64 KiB/);
  });

  it('counts every line of a head against the 64 KiB limit, however the reads cut it', () => {
    const headers = (n: number) =>
      Array.from({ length: n }, (_, i) => `X-Header-${i}: ${'v'.repeat(40)}\r\n`).join('');
    // About 60 KiB of short lines is a valid head; about 70 KiB is not, though no line is long.
    const fits = b(`HTTP/1.1 200 OK\r\n${headers(1100)}Content-Length: 2\r\n\r\nok`);
    const tooBig = b(`HTTP/1.1 200 OK\r\n${headers(1300)}Content-Length: 2\r\n\r\nok`);
    for (const piece of [1, 7, 1000, 70_000]) {
      const cuts = (wire: Buffer) =>
        Array.from({ length: Math.ceil(wire.length / piece) - 1 }, (_, i) => (i + 1) * piece);
      const ok = feedInPieces(fits, cuts(fits));
      assert.deepEqual(ok.responses, [[200, false]], `pieces of ${piece}`);
      assert.deepEqual(ok.errors, []);
      const big = feedInPieces(tooBig, cuts(tooBig));
      assert.deepEqual(big.responses, [], `pieces of ${piece}`);
      assert.equal(big.errors.length, 1);
      assert.match(big.errors[0], /64 KiB/);
    }
  });

  it('tells a cut-short response from a clean end', () => {
    const r = new Recorder();
    const f = new ResponseFramer(r);
    const wire = b('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
    f.feed(wire, 0, wire.length);
    assert.equal(f.midResponse, true);
    assert.equal(f.end(), false);
    const clean = new ResponseFramer(new Recorder());
    assert.equal(clean.end(), true);
  });
});
