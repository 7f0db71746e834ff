// The plain-TCP fast path against real sockets on loopback: bytes arrive whole and in order, also when
// the kernel queues a write; errors and the end of the stream still reach node:net's events.
import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { directIoAvailable, DirectWriter, readDirect } from './direct-io.js';

let server: Server;
let port: number;
const accepted: Socket[] = [];
before(async () => {
  server = createServer((s) => {
    s.on('error', () => undefined);
    accepted.push(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
after(() => {
  for (const s of accepted) s.destroy();
  server.close();
});

async function pair(readBuffer?: Buffer): Promise<{ client: Socket; peer: Socket }> {
  const before = accepted.length;
  const client = connect({
    host: '127.0.0.1',
    port,
    ...(readBuffer ? { onread: { buffer: readBuffer, callback: () => true } } : {}),
  });
  await new Promise<void>((r) => client.once('connect', r));
  while (accepted.length === before) await new Promise((r) => setImmediate(r));
  return { client, peer: accepted[accepted.length - 1] };
}

function collect(s: Socket, bytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  return new Promise((resolve) => {
    const onData = (c: Buffer) => {
      chunks.push(c);
      n += c.length;
      if (n >= bytes) {
        s.off('data', onData);
        resolve(Buffer.concat(chunks));
      }
    };
    s.on('data', onData);
  });
}

describe('direct socket I/O', () => {
  it('is available on the Node versions meshdeck supports', () => {
    // Losing it silently would cost the engine about a tenth of its speed (bench:perf).
    assert.equal(directIoAvailable(), true);
  });

  it('writes whole and in order, also when the kernel queues a write', async () => {
    const { client, peer } = await pair();
    const writer = DirectWriter.for(client);
    assert.ok(writer);
    // 16 MiB while the peer does not read: more than the socket buffers hold, so the write is queued.
    peer.pause();
    const big = Buffer.alloc(16 * 1024 * 1024, 7);
    const small = Buffer.from('after the queued write');
    assert.equal(writer.write(big), true);
    assert.equal(writer.write(small), true);
    assert.equal(writer.write(small), true);
    const got = collect(peer, big.length + 2 * small.length);
    peer.resume();
    const all = await got;
    assert.equal(all.length, big.length + 2 * small.length);
    assert.ok(all.subarray(0, big.length).equals(big));
    assert.equal(all.subarray(big.length).toString(), `${small}${small}`);
    client.destroy();
  });

  it('ends the socket with a named error when the peer is gone', async () => {
    const { client, peer } = await pair();
    const writer = DirectWriter.for(client)!;
    const failed = new Promise<NodeJS.ErrnoException>((r) => client.once('error', r));
    peer.resetAndDestroy();
    await new Promise((r) => setTimeout(r, 50));
    // The first write may still be taken by the kernel; the ones after the reset are refused.
    for (let i = 0; i < 5 && !client.destroyed; i++) writer.write(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    const err = await failed;
    assert.match(String(err.code), /^(EPIPE|ECONNRESET)$/);
    assert.equal(client.destroyed, true);
    assert.equal(writer.write(Buffer.from('x')), false);
  });

  it('reads into the given buffer, and leaves the end of the stream to node:net', async () => {
    const buffer = Buffer.alloc(1024);
    const { client, peer } = await pair(buffer);
    const reads: string[] = [];
    assert.equal(
      readDirect(client, (n) => reads.push(buffer.toString('latin1', 0, n))),
      true,
    );
    const ended = new Promise<void>((r) => client.once('end', r));
    const closed = new Promise<void>((r) => client.once('close', r));
    peer.write('hello ');
    await new Promise((r) => setTimeout(r, 20));
    peer.end('world');
    await ended;
    await closed;
    assert.equal(reads.join(''), 'hello world');
  });
});
