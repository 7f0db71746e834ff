import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { constants, deflateSync, inflateSync } from 'node:zlib';
import {
  decodeHeaderBlock,
  encodeHeaderBlock,
  SPDY_DICTIONARY,
  SpdySession,
  StoredHeaderCompressor,
  type SpdyStream,
} from './spdy.js';

const dictionary = SPDY_DICTIONARY;

function control(type: number, flags: number, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8003, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE(((flags << 24) | body.length) >>> 0, 4);
  return Buffer.concat([head, body]);
}

function data(id: number, flags: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(id, 0);
  head.writeUInt32BE(((flags << 24) | payload.length) >>> 0, 4);
  return Buffer.concat([head, payload]);
}

/** Header blocks inflate on libuv's thread pool: wait for the effect rather than a fixed time. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('SPDY/3.1', () => {
  it('has the SPDY/3 header dictionary byte for byte (as moby/spdystream and Chromium use it)', () => {
    assert.equal(dictionary.length, 1423);
    assert.equal(
      createHash('sha256').update(dictionary).digest('hex'),
      '51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02',
    );
  });

  it('writes header blocks that any zlib reader with the dictionary reads, block after block', () => {
    const c = new StoredHeaderCompressor();
    const a = encodeHeaderBlock({});
    const b = encodeHeaderBlock({ streamType: 'stdout', port: '8080' });
    const stream = Buffer.concat([c.compress(a), c.compress(b)]);
    const out = inflateSync(stream, { dictionary, finishFlush: constants.Z_SYNC_FLUSH });
    assert.deepEqual(out, Buffer.concat([a, b]));
    assert.deepEqual(
      [...decodeHeaderBlock(b)],
      [
        ['streamtype', 'stdout'],
        ['port', '8080'],
      ],
    );
  });

  it('replies to a client stream, delivers its data and end, answers pings', async () => {
    const written: Buffer[] = [];
    const streams: SpdyStream[] = [];
    const session = new SpdySession({ write: (d) => written.push(d), end: () => undefined }, (s) =>
      streams.push(s),
    );
    // As Go's zlib writer flushes each block: a sync flush, the stream going on.
    const block = deflateSync(encodeHeaderBlock({ streamType: 'data', port: '80', requestID: '0' }), {
      dictionary,
      finishFlush: constants.Z_SYNC_FLUSH,
    });
    const syn = Buffer.concat([Buffer.from([0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), block]);
    // Frames may arrive split anywhere.
    const bytes = Buffer.concat([control(1, 0, syn), data(1, 1, Buffer.from('hello'))]);
    session.receive(bytes.subarray(0, 7));
    session.receive(bytes.subarray(7));
    await until(() => streams.length > 0);
    assert.equal(streams.length, 1);
    assert.equal(streams[0].headers.get('port'), '80');
    const reply = written[0];
    assert.equal(reply.readUInt16BE(2), 2, 'SYN_REPLY');
    assert.equal(reply.readUInt32BE(8), 1, 'for stream 1');
    const chunks: Buffer[] = [];
    streams[0].on('data', (c: Buffer) => chunks.push(c));
    await new Promise((r) => streams[0].once('end', r));
    assert.equal(Buffer.concat(chunks).toString(), 'hello');

    streams[0].end(Buffer.from('bye'));
    await until(() => written.length >= 3);
    const frames = written.slice(1);
    assert.deepEqual(frames[0], data(1, 0, Buffer.from('bye')));
    assert.deepEqual(frames[1], data(1, 1, Buffer.alloc(0)));

    session.receive(control(6, 0, Buffer.from([0, 0, 0, 7])));
    await until(() => written.length >= 4);
    assert.deepEqual(written.at(-1), control(6, 0, Buffer.from([0, 0, 0, 7])));
    session.close();
  });
});
